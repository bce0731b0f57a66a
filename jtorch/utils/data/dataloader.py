"""DataLoader with torch's arguments and semantics, running on grain.

Samplers run in the main process, as in torch, and decide every epoch's batches. Those batches
become a ``grain.MapDataset`` whose map step fetches and collates one batch; with
``num_workers > 0`` it is read through grain's ``mp_prefetch`` (worker processes, round-robin so
batches arrive in sampler order, as torch's ``in_order=True``). Iterable datasets become a grain
``IterDataset`` source whose copy in each worker iterates the user's dataset with
``get_worker_info()`` set. Workers collate into numpy arrays (grain moves them through shared
memory) and the main process wraps them as tensors.
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
import warnings
from typing import Callable, Iterable

import grain

from jtorch.utils.data import _utils
from jtorch.utils.data._utils.collate import collate_numpy, default_collate, default_convert, numpy_to_tensors
from jtorch.utils.data.dataset import Dataset, IterableDataset, TensorDataset
from jtorch.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

get_worker_info = _utils.worker.get_worker_info


class _InfiniteConstantSampler(Sampler):
    """The sampler torch gives iterable datasets: yields None forever."""

    def __iter__(self):
        while True:
            yield None


def _draw_base_seed(generator) -> int:
    """One 63-bit draw from ``generator`` (or the default one), as torch's loader does per epoch."""
    import jax

    from jtorch.random import next_key

    return int(jax.random.randint(next_key(generator), (), 0, 2**62, dtype="int64"))


# --- what runs inside a worker (must be picklable) ---------------------------------------------


def _grain_worker_init(index: int, count: int) -> None:
    _utils.worker._grain_slot = (index, count)


class _WorkerSetup:
    """Sets get_worker_info(), seeds and runs the user's worker_init_fn once per worker process."""

    def __init__(self, dataset, num_workers, base_seed, worker_init_fn):
        self.dataset = dataset
        self.num_workers = num_workers
        self.base_seed = base_seed
        self.worker_init_fn = worker_init_fn

    def ensure(self, worker_id: int | None = None) -> None:
        info = _utils.worker._worker_info
        if info is not None and info.dataset is self.dataset:
            return
        if worker_id is None:
            worker_id = (_utils.worker._grain_slot or (0, 1))[0]
        seed = self.base_seed + worker_id
        random.seed(seed)
        import jtorch

        jtorch.manual_seed(seed)
        _utils.worker._worker_info = _utils.worker.WorkerInfo(worker_id, self.num_workers, seed, self.dataset)
        if self.worker_init_fn is not None:
            self.worker_init_fn(worker_id)


class _FetchBatch:
    """grain map step: indices of one batch -> collated batch."""

    def __init__(self, dataset, auto_collation, collate_fn, setup: _WorkerSetup | None):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.setup = setup

    def __call__(self, indices):
        if self.setup is not None:
            self.setup.ensure()
        ds = self.dataset
        if not self.auto_collation:
            data = ds[indices]
        elif callable(getattr(ds, "__getitems__", None)):
            data = ds.__getitems__(list(indices))
        else:
            data = [ds[i] for i in indices]
        return self.collate_fn(data)


class _IterableSource(grain.IterDataset):
    """A grain IterDataset source over a torch-style IterableDataset; grain slices it per worker."""

    def __init__(self, dataset, batch_size, drop_last, collate_fn, setup):
        super().__init__()
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.collate_fn, self.setup = collate_fn, setup
        self.worker_id = None

    def set_slice(self, sl: slice, sequential_slice: bool = False) -> None:
        self.worker_id = sl.start or 0

    def __iter__(self):
        return _IterableIterator(self)


class _IterableIterator(grain.DatasetIterator):
    def __init__(self, src: _IterableSource):
        super().__init__()
        self._src = src
        self._gen = None
        self._count = 0

    def __next__(self):
        src = self._src
        if self._gen is None:
            if src.setup is not None:
                src.setup.ensure(src.worker_id)
            self._gen = _batches(src.dataset, src.batch_size, src.drop_last, src.collate_fn)
        self._count += 1
        return next(self._gen)

    def get_state(self):
        return {"count": self._count}

    def set_state(self, state):
        raise NotImplementedError("restoring the position of an IterableDataset iterator is not supported")


def _batches(dataset, batch_size, drop_last, collate_fn):
    it = iter(dataset)
    if batch_size is None:
        for x in it:
            yield collate_fn(x)
        return
    while True:
        chunk = list(itertools.islice(it, batch_size))
        if not chunk or (drop_last and len(chunk) < batch_size):
            return
        yield collate_fn(chunk)


def _prepare_grain_multiprocessing() -> None:
    # grain's worker processes read absl flags; outside an absl app they are unparsed.
    from absl import flags

    if not flags.FLAGS.is_parsed():
        flags.FLAGS.mark_as_parsed()


# --- the DataLoader -----------------------------------------------------------------------------


class DataLoader:
    """Combines a dataset and a sampler into an iterable of batches, as torch.utils.data.DataLoader."""

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ):
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable "
                "multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._is_iterable = isinstance(dataset, IterableDataset)

        if self._is_iterable:
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.__initialized = True

    def __setattr__(self, attr, val):
        if getattr(self, "_DataLoader__initialized", False) and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._is_iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                from math import ceil

                length = length // self.batch_size if self.drop_last else ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self) -> None:
        import os

        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        if cpus and self.num_workers > cpus:
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. Our suggested max number of "
                f"worker in current system is {cpus}, which is smaller than what this DataLoader is going to create. "
                "Please be aware that excessive worker creation might get DataLoader running slow or even freeze, lower "
                "the worker number to avoid potential slowness/freeze if necessary.",
                UserWarning,
                stacklevel=2,
            )

    def _effective_workers(self) -> int:
        """Worker processes exist to run Python per sample in parallel. A TensorDataset with the
        default collate runs none (one numpy gather per batch), so it is read in this process
        whatever num_workers says: same batches, without start-up and transfer costs."""
        if (
            self.num_workers
            and type(self.dataset) is TensorDataset
            and self.collate_fn is default_collate
            and self.worker_init_fn is None
            and self._auto_collation
        ):
            return 0
        return self.num_workers

    def __iter__(self):
        base_seed = _draw_base_seed(self.generator)
        workers = self._effective_workers()
        setup = _WorkerSetup(self.dataset, workers, base_seed, self.worker_init_fn) if workers else None
        default = self.collate_fn is default_collate
        # Workers collate into numpy (cheap to ship); the main process makes tensors.
        collate = collate_numpy if (workers and default) else self.collate_fn
        if self._is_iterable:
            return self._iter_iterable(setup, collate, default)
        return self._iter_map(setup, collate, default, workers)

    def _iter_map(self, setup, collate, default, workers):
        batches = list(self._index_sampler)
        fetch = _FetchBatch(self.dataset, self._auto_collation, collate, setup)
        ds = grain.MapDataset.source(batches).map(fetch)
        if not workers:
            for i in range(len(ds)):
                yield ds[i]
            return
        yield from self._run_workers(ds.to_iter_dataset(grain.ReadOptions(num_threads=0, prefetch_buffer_size=0)), default)

    def _iter_iterable(self, setup, collate, default):
        import jtorch.utils.data._utils.worker as w

        if not self.num_workers:
            w._worker_info = None
            yield from _batches(self.dataset, self.batch_size, self.drop_last, collate)
            return
        src = _IterableSource(self.dataset, self.batch_size, self.drop_last, collate, setup)
        yield from self._run_workers(src, default)

    def _run_workers(self, iter_ds, default):
        _prepare_grain_multiprocessing()
        self.check_worker_number_rationality()
        ctx = self.multiprocessing_context
        if isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        options = grain.MultiprocessingOptions(num_workers=self.num_workers, per_worker_buffer_size=self.prefetch_factor)
        it = iter(iter_ds.mp_prefetch(options, worker_init_fn=_grain_worker_init))
        try:
            for batch in it:
                yield numpy_to_tensors(batch) if default else batch
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

