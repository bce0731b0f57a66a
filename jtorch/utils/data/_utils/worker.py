"""DataLoader worker processes: get_worker_info() and the loop each worker runs.

A worker receives ``(epoch, task index, batch indices)`` on its own index queue, fetches and
collates that batch, and puts ``(epoch, task index, batch)`` on the shared data queue, as torch's
``_worker_loop`` does. It lives until it gets ``None`` (or its parent dies), so with
``persistent_workers=True`` the same process serves every epoch.
"""

from __future__ import annotations

import dataclasses
import itertools
import queue
import random
import sys
import traceback
from typing import Any

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info"]

# How often an idle worker checks that its parent is alive (seconds).
_PARENT_CHECK_INTERVAL = 1.0


@dataclasses.dataclass
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: Any

    def __repr__(self) -> str:
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, dataset={self.dataset!r})"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Which worker this process is (None in the main process)."""
    return _worker_info


class KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError shows the traceback readably (as torch)."""

    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception and its formatted traceback, picklable across processes (torch._utils.ExceptionWrapper)."""

    def __init__(self, exc_info=None, where: str = "in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


@dataclasses.dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """Reply of a worker whose IterableDataset replica is exhausted for this epoch."""

    worker_id: int


@dataclasses.dataclass(frozen=True)
class _ResumeIteration:
    """Start of a new epoch for a persistent worker: restart its IterableDataset iterator."""


def fetch_batch(dataset, indices, auto_collation: bool, collate_fn):
    """Indices of one batch -> collated batch; uses ``__getitems__`` when the dataset has it (as torch)."""
    if not auto_collation:
        return collate_fn(dataset[indices])
    indices = indices.tolist() if isinstance(indices, np.ndarray) else list(indices)  # Python ints, as torch
    getitems = getattr(dataset, "__getitems__", None)
    data = getitems(indices) if callable(getitems) else [dataset[i] for i in indices]
    return collate_fn(data)


def index_array(indices):
    """A batch of integer indices as one int64 array, anything else unchanged.

    grain's source records each element's size by walking it as a tree: a list of 128 ints cost
    about 0.14 ms per batch, 40% of an in-memory epoch. ``fetch_batch`` turns the array back into
    Python ints (``tolist`` is exact for int64), so datasets see what torch gives them.
    """
    arr = np.asarray(indices) if isinstance(indices, list) else None
    return arr if arr is not None and arr.ndim == 1 and arr.dtype.kind in "iu" else indices


def iterable_batches(dataset, batch_size, drop_last, collate_fn):
    """Batches of an IterableDataset: ``batch_size`` items at a time, or each item with batch_size=None."""
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


def _worker_loop(
    payload: bytes,
    is_iterable: bool,
    index_queue,
    data_queue,
    auto_collation: bool,
    batch_size,
    drop_last: bool,
    seed: int,
    worker_id: int,
    num_workers: int,
) -> None:
    """Body of one worker process (torch's ``_worker_loop``). ``payload`` is the pickled
    ``(dataset, collate_fn, worker_init_fn)``, its large arrays in shared memory (see ``shared``)."""
    import multiprocessing
    import pickle

    import jtorch

    global _worker_info
    try:
        dataset, collate_fn, init_fn = pickle.loads(payload)
        del payload
        random.seed(seed)
        jtorch.manual_seed(seed)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        where = f"in DataLoader worker process {worker_id}"
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
        except Exception:
            init_error = ExceptionWrapper(where=where)
        parent = multiprocessing.parent_process()
        batches = None  # this worker's iterator over its IterableDataset replica
        exhausted = False
        while True:
            try:
                task = index_queue.get(timeout=_PARENT_CHECK_INTERVAL)
            except queue.Empty:
                if parent is not None and not parent.is_alive():
                    break
                continue
            if task is None:
                break
            if isinstance(task, _ResumeIteration):
                batches, exhausted = None, False
                continue
            epoch, idx, indices = task
            if init_error is not None:
                data, init_error = init_error, None
            elif exhausted:
                data = _IterableDatasetStopIteration(worker_id)
            else:
                try:
                    if is_iterable:
                        if batches is None:
                            batches = iterable_batches(dataset, batch_size, drop_last, collate_fn)
                        data = next(batches)
                    else:
                        data = fetch_batch(dataset, indices, auto_collation, collate_fn)
                except StopIteration:
                    data, exhausted = _IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=where)
            data_queue.put((epoch, idx, data))
            del data, task
    except KeyboardInterrupt:
        pass  # the main process handles Ctrl-C and shuts the workers down
    # Do not wait at exit for the feeder thread to flush results nobody will read.
    data_queue.cancel_join_thread()
    data_queue.close()
