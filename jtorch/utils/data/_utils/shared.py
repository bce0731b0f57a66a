"""Send a dataset to worker processes with its large numpy arrays in shared memory.

torch forks its workers, so they see the dataset's arrays copy-on-write for free. jtorch's workers
are forked from a fork server (fork of this process is unsafe once JAX runs threads), so the
dataset is pickled to them; an in-memory dataset of 60,000 28x28 images would be 188 MB through a
pipe per worker. Here every C-contiguous numpy array of at least ``_MIN_BYTES`` (numpy arrays
inside jtorch tensors too, as their pickled form carries one) is copied once into a POSIX
shared-memory block and the worker maps it copy-on-write (``MAP_PRIVATE``): no copy, and writes
stay private to the worker as after torch's fork.

``multiprocessing.shared_memory`` is used to create the block; the worker maps the file under
``/dev/shm`` itself, because attaching with ``SharedMemory(name)`` registers the block with the
resource tracker a second time (Python < 3.13), which then warns and unlinks it early.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
from multiprocessing import reduction, shared_memory

import numpy as np

_MIN_BYTES = 1 << 20
_SHM_DIR = "/dev/shm"


def _attach(name: str, dtype: str, shape: tuple, order: str):
    """In the worker: a numpy view of the shared block ``name`` (copy-on-write)."""
    fd = os.open(os.path.join(_SHM_DIR, name), os.O_RDONLY)
    try:
        size = max(1, int(np.prod(shape)) * np.dtype(dtype).itemsize)
        mm = mmap.mmap(fd, size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(fd)
    return np.ndarray(shape, dtype=np.dtype(dtype), buffer=mm, order=order)


class _Pickler(reduction.ForkingPickler):
    def __init__(self, file, blocks: list):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._blocks = blocks
        self._seen: dict[int, tuple] = {}  # id -> (spec, array): the array kept alive so ids stay unique

    def reducer_override(self, obj):
        if type(obj) is not np.ndarray or obj.nbytes < _MIN_BYTES or obj.dtype.hasobject:
            return NotImplemented
        if not (obj.flags.c_contiguous or obj.flags.f_contiguous):
            return NotImplemented
        key = id(obj)
        if key not in self._seen:
            block = shared_memory.SharedMemory(create=True, size=obj.nbytes)
            self._blocks.append(block)
            order = "C" if obj.flags.c_contiguous else "F"
            np.ndarray(obj.shape, obj.dtype, buffer=block.buf, order=order)[...] = obj
            self._seen[key] = ((block.name, obj.dtype.str, obj.shape, order), obj)
        return _attach, self._seen[key][0]


def dumps(obj) -> tuple[bytes, list]:
    """Pickle ``obj`` with its large arrays in shared memory; returns the bytes and the blocks,
    which the caller must ``close()`` and ``unlink()`` once the workers have loaded them."""
    if not os.path.isdir(_SHM_DIR):  # no POSIX shared memory here: plain pickling
        return reduction.ForkingPickler.dumps(obj, pickle.HIGHEST_PROTOCOL).tobytes(), []
    buf, blocks = io.BytesIO(), []
    try:
        _Pickler(buf, blocks).dump(obj)
    except BaseException:
        release(blocks)
        raise
    return buf.getvalue(), blocks


def release(blocks: list) -> None:
    for block in blocks:
        try:
            block.close()
            block.unlink()
        except FileNotFoundError:
            pass
