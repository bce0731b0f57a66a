"""DataLoader with torch's arguments and semantics.

Samplers run in the main process, as in torch, and decide every epoch's batches. With
``num_workers=0`` those batches become a ``grain.MapDataset`` whose map step fetches and collates
one batch (``__getitems__`` when the dataset has it). With workers, batches of indices go to worker
processes over queues (torch's protocol, see ``_WorkerPool`` for why not grain's ``mp_prefetch``);
workers collate into numpy arrays and this process wraps them as tensors. ``persistent_workers``
keeps the same processes for every epoch. ``state_dict()``/``load_state_dict()`` resume mid-epoch.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import multiprocessing.connection
import signal
import time
import warnings
import weakref
from typing import Callable, Iterable

import grain

from jtorch.utils.data import _utils
from jtorch.utils.data._utils import shared
from jtorch.utils.data._utils.collate import collate_numpy, default_collate, default_convert, numpy_to_tensors
from jtorch.utils.data._utils.worker import (
    ExceptionWrapper,
    _IterableDatasetStopIteration,
    _ResumeIteration,
    _worker_loop,
    fetch_batch,
    index_array,
    iterable_batches,
)
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
    """One 62-bit draw from ``generator`` (or the default one), as torch's loader does per epoch.

    Made on the host from the bits of one fresh key: ``jax.random.randint`` would compile a
    program (about 0.5 s) only to produce a Python int."""
    import jax
    import numpy as np

    from jtorch.random import next_key

    hi, lo = np.asarray(jax.random.key_data(next_key(generator))).ravel()[:2].tolist()
    return ((hi << 32) | lo) >> 2


# --- worker processes -------------------------------------------------------------------------
#
# Own pool rather than grain's ``mp_prefetch``: grain pickles a fixed pipeline into its workers
# when they start and offers no way to send them work afterwards, so they cannot serve the next
# epoch (whose order the sampler draws in this process at ``iter()``), i.e. no
# ``persistent_workers``; it also has no ``timeout`` and no dead-worker error. The protocol below
# is torch's (per-worker index queues, one data queue, in-order reassembly, ``prefetch_factor``
# tasks in flight per worker).


def _mp_context(ctx):
    """The start method for workers. Default ``forkserver`` with jtorch preloaded: fork is unsafe
    once JAX has started its threads in this process, while the fork server imports jtorch once
    (no JAX backend, a single thread) and forks each worker from that clean state, so a worker
    starts in milliseconds instead of re-importing jtorch as ``spawn`` does (about 2 s)."""
    if ctx is None:
        if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
            return multiprocessing.get_context("spawn")
        ctx = multiprocessing.get_context("forkserver")
        from multiprocessing import forkserver

        server = forkserver._forkserver
        if server._forkserver_pid is None and server._preload_modules == ["__main__"]:
            ctx.set_forkserver_preload(["jtorch"])
    elif isinstance(ctx, str):
        ctx = multiprocessing.get_context(ctx)
    return ctx


def _shutdown_workers(workers, index_queues, data_queue, blocks, graceful: list) -> None:
    """Ask every worker to stop, give them a second, then terminate the rest (stuck in user code).
    After an error (``graceful[0]`` False) the workers are in no known state: terminate at once."""
    for q in index_queues:
        try:
            q.put(None)
        except Exception:  # noqa: BLE001 - a closed queue: the worker is gone already
            pass
    deadline = time.monotonic() + (1.0 if graceful[0] else 0.0)
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    for w in workers:
        if w.is_alive():
            w.terminate()
            w.join(1.0)
    for q in (*index_queues, data_queue):
        q.cancel_join_thread()
        q.close()
    shared.release(blocks)


class _WorkerPool:
    """The worker processes of one DataLoader; one per epoch, or one for all with persistent_workers."""

    def __init__(self, loader: "DataLoader", base_seed: int, collate: Callable):
        ctx = _mp_context(loader.multiprocessing_context)
        n = loader.num_workers
        self.base_seed = base_seed
        self.num_workers = n
        self.timeout = loader.timeout
        self.in_order = loader.in_order
        self.is_iterable = loader._is_iterable
        self.max_in_flight = max(1, loader.prefetch_factor) * n
        self.epoch = 0
        self.data_queue = ctx.Queue()
        self.index_queues, self.workers = [], []
        payload, self._blocks = shared.dumps((loader.dataset, collate, loader.worker_init_fn))
        for wid in range(n):
            iq = ctx.Queue()
            iq.cancel_join_thread()
            args = (payload, self.is_iterable, iq, self.data_queue, loader._auto_collation)
            args += (loader.batch_size, loader.drop_last, base_seed + wid, wid, n)
            w = ctx.Process(target=_worker_loop, args=args, daemon=True)
            w.start()
            self.index_queues.append(iq)
            self.workers.append(w)
        # Runs on shutdown(), on garbage collection of the pool and at interpreter exit.
        self._graceful = [True]
        self._finalizer = weakref.finalize(
            self, _shutdown_workers, self.workers, self.index_queues, self.data_queue, self._blocks, self._graceful
        )

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def shutdown(self, graceful: bool = True) -> None:
        self._graceful[0] = graceful
        self._finalizer()

    def _get(self):
        """Next (epoch, task index, data) from any worker; raises on timeout or on a dead worker."""
        reader = self.data_queue._reader  # the queue's receiving Connection: waitable with the sentinels
        sentinels = [w.sentinel for w in self.workers]
        ready = multiprocessing.connection.wait([reader, *sentinels], self.timeout if self.timeout > 0 else None)
        if reader in ready:
            return self.data_queue.get()
        # The workers are in no known state after a timeout or a death: stop them all now.
        if not ready:
            self.shutdown(graceful=False)
            raise RuntimeError(f"DataLoader timed out after {self.timeout} seconds")
        dead = [w for w in self.workers if not w.is_alive()]
        # torch's SIGCHLD handler words the cause; its loader raises "exited unexpectedly" from it.
        causes = []
        for w in dead:
            code = w.exitcode
            if code is not None and code < 0:
                causes.append(f"DataLoader worker (pid {w.pid}) is killed by signal: {signal.strsignal(-code)}. ")
            else:
                causes.append(f"DataLoader worker (pid {w.pid}) exited unexpectedly with exit code {code}. ")
        self.shutdown(graceful=False)
        pids = ", ".join(str(w.pid) for w in dead)
        raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from RuntimeError("".join(causes))

    def run_epoch(self, tasks: Iterable):
        """Yield one epoch's batches (numpy-collated or the user's collate output), in task order
        when ``in_order``. ``tasks`` gives each batch's indices (None for an IterableDataset)."""
        self.epoch += 1
        ep, n = self.epoch, self.num_workers
        if self.is_iterable and ep > 1:
            for q in self.index_queues:
                q.put(_ResumeIteration())
        active = [True] * n
        cycle = itertools.cycle(range(n))
        tasks = iter(tasks)
        pending: dict[int, list] = {}  # task index -> [worker id] or [worker id, data]
        send_idx = rcvd_idx = 0
        tasks_left = True

        def put_one() -> bool:
            nonlocal send_idx, tasks_left
            for _ in range(n):
                wid = next(cycle)
                if active[wid]:
                    break
            else:
                return False
            try:
                indices = next(tasks)
            except StopIteration:
                tasks_left = False
                return False
            self.index_queues[wid].put((ep, send_idx, indices))
            pending[send_idx] = [wid]
            send_idx += 1
            return True

        while True:
            if self.epoch != ep:
                return  # a newer epoch took these (persistent) workers over, as torch resets its iterator
            # Skip tasks taken out of order, or sent to a worker whose iterable is exhausted.
            while rcvd_idx < send_idx:
                info = pending.get(rcvd_idx)
                if info is not None and (len(info) == 2 or active[info[0]]):
                    break
                pending.pop(rcvd_idx, None)
                rcvd_idx += 1
            while tasks_left and sum(len(v) == 1 for v in pending.values()) < self.max_in_flight and put_one():
                pass
            if rcvd_idx >= send_idx:
                return
            info = pending[rcvd_idx]
            if len(info) == 2:
                del pending[rcvd_idx]
                rcvd_idx += 1
                yield _unwrap(info[1])
                continue
            e, idx, data = self._get()
            if e != ep or idx not in pending:
                continue  # left over from an abandoned epoch, or a reply for a skipped task
            if isinstance(data, _IterableDatasetStopIteration):
                active[data.worker_id] = False
                del pending[idx]
                continue
            if idx != rcvd_idx and self.in_order:
                pending[idx].append(data)
                continue
            del pending[idx]
            yield _unwrap(data)


def _unwrap(data):
    if isinstance(data, ExceptionWrapper):
        data.reraise()
    return data


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
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
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
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
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
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
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
        self._pool = None
        self._resume = None
        self._epoch = None
        self.__initialized = True
        if multiprocessing_context is None and self._effective_workers():
            # Start the fork server now: its import of jtorch then overlaps whatever the program
            # does before the first iter() (building the model, compiling). It is started with
            # fork+exec (no fork of this process), which is safe whatever threads JAX runs.
            if _mp_context(None).get_start_method() == "forkserver":
                from multiprocessing import forkserver

                forkserver.ensure_running()

    def __setattr__(self, attr, val):
        if getattr(self, "_DataLoader__initialized", False) and attr in (
            "batch_size",
            "batch_sampler",
            "sampler",
            "drop_last",
            "dataset",
            "persistent_workers",
        ):
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

    # --- iteration ------------------------------------------------------------------------------

    def __iter__(self):
        resume, self._resume = self._resume, None
        workers = self._effective_workers()
        pool = self._pool
        if pool is not None and not pool.alive:
            pool = None
        gens = self._rng_generators()
        if resume is not None and resume.get("epoch_rng") is not None:
            before = [g.get_state() for g in gens]
            for g, s in zip(gens, resume["epoch_rng"]):
                g.set_state(s)
            snapshot, skip = resume["epoch_rng"], resume["num_yielded"]
        else:
            resume, snapshot, skip = None, [g.get_state() for g in gens], 0
        # torch draws a base seed per iterator: every epoch, or once for persistent workers.
        drew = pool is None if (workers and self.persistent_workers) else True
        if resume is not None:
            drew = resume["drew_base_seed"]
        base_seed = _draw_base_seed(self.generator) if drew else None
        if resume is not None:
            base_seed = resume["base_seed"]
        elif base_seed is None:
            base_seed = pool.base_seed
        default = self.collate_fn is default_collate
        # Workers collate into numpy (cheap to pickle); this process makes tensors.
        collate = collate_numpy if (workers and default) else self.collate_fn
        tasks = itertools.repeat(None) if self._is_iterable else list(self._index_sampler)[skip:]
        if resume is not None:
            # The replayed draws gave this epoch's order; now put the generators where they were
            # (the default one) or where they were when the state was saved (the loader's own).
            for g, s, saved in zip(gens, before, resume["generators"]):
                g.set_state(s if g is _default_generator() else saved)
        self._epoch = {"epoch_rng": snapshot, "num_yielded": skip, "base_seed": base_seed, "drew_base_seed": drew}
        if not workers:
            if self._is_iterable:
                return self._count(iterable_batches(self.dataset, self.batch_size, self.drop_last, collate))
            fetch = functools.partial(
                fetch_batch, self.dataset, auto_collation=self._auto_collation, collate_fn=collate
            )
            ds = grain.MapDataset.source([index_array(t) for t in tasks] if self._auto_collation else tasks).map(fetch)
            return self._count(ds[i] for i in range(len(ds)))
        self.check_worker_number_rationality()
        if pool is None:
            pool = _WorkerPool(self, base_seed, collate)
            if self.persistent_workers:
                self._pool = pool
        return self._count(self._run_pool(pool, tasks, default))

    def _run_pool(self, pool: _WorkerPool, tasks, default: bool):
        try:
            for batch in pool.run_epoch(tasks):
                yield numpy_to_tensors(batch) if default else batch
        except KeyboardInterrupt:
            pool.shutdown(graceful=False)
            raise
        finally:
            if not self.persistent_workers:
                pool.shutdown()

    def _count(self, batches):
        """Yield ``batches``, keeping count for state_dict()."""
        state = self._epoch
        if self._is_iterable and not self.num_workers:
            import jtorch.utils.data._utils.worker as w

            w._worker_info = None
        for batch in batches:
            state["num_yielded"] += 1
            yield batch
        state["epoch_rng"] = None  # epoch done: the next one starts from the generators as they are

    # --- checkpointing (beyond torch, as torchdata's StatefulDataLoader) ---------------------------

    def _rng_generators(self) -> list:
        """The jtorch generators an epoch draws from: the loader's (or the default) and the samplers'."""
        from jtorch.random import Generator

        gens = [self.generator or _default_generator()]
        for s in (self.sampler, getattr(self.batch_sampler, "sampler", None), self.batch_sampler):
            g = getattr(s, "generator", None)
            if isinstance(g, Generator) and all(g is not x for x in gens):
                gens.append(g)
        return gens

    def state_dict(self) -> dict:
        """Where iteration stands: the current epoch's generator states before its draws and the
        number of batches already yielded, so :meth:`load_state_dict` on a fresh loader replays the
        same order and yields exactly the remaining batches. The default generator is not saved
        (save it with your checkpoint: ``jtorch.get_rng_state()``); a ``generator=`` the loader was
        given is. An IterableDataset is supported with ``num_workers=0`` when it has its own
        ``state_dict()``/``load_state_dict()``. Not restored: a sampler's draws from other RNGs
        (numpy, ``random``), the RNG state inside workers, and with ``in_order=False`` which
        batches were yielded (only how many)."""
        if self._is_iterable:
            if self.num_workers or not callable(getattr(self.dataset, "state_dict", None)):
                raise NotImplementedError(
                    "DataLoader.state_dict() with an IterableDataset needs num_workers=0 and a dataset with "
                    "state_dict()/load_state_dict()"
                )
            return {"dataset": self.dataset.state_dict()}
        epoch = self._epoch or {"epoch_rng": None}
        return {**epoch, "generators": [g.get_state() for g in self._rng_generators()]}

    def load_state_dict(self, state_dict: dict) -> None:
        """Resume from :meth:`state_dict`: the next ``iter()`` continues the saved epoch."""
        if self._is_iterable:
            if self.num_workers or not callable(getattr(self.dataset, "load_state_dict", None)):
                raise NotImplementedError(
                    "DataLoader.load_state_dict() with an IterableDataset needs num_workers=0 and a dataset with "
                    "state_dict()/load_state_dict()"
                )
            self.dataset.load_state_dict(state_dict["dataset"])
            return
        if state_dict["epoch_rng"] is None:
            for g, s in zip(self._rng_generators(), state_dict["generators"]):
                if g is not _default_generator():
                    g.set_state(s)
            return
        self._resume = dict(state_dict)


def _default_generator():
    from jtorch.random import default_generator

    return default_generator
