"""Host (numpy) memory handed to JAX: private 64-byte-aligned buffers, and copies of user arrays."""

from __future__ import annotations

import ctypes
import mmap

import jax
import jax.numpy as jnp
import numpy as np

from jtorch._device import default_jax_device


def aligned_empty(shape: tuple, dtype) -> np.ndarray:
    """An uninitialized 64-byte-aligned array: ``jax.device_put`` then uses it without copying (on CPU).

    Speed: numpy asks the kernel for transparent huge pages on large allocations, and with THP defrag on
    "madvise" (as on these machines) the kernel compacts memory on the first touch of each: reading a
    checkpoint into such buffers ran 3 to 5x slower than torch. They get ordinary pages here, as torch's
    allocator does, while malloc can still hand back memory freed by earlier loads.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + 64, np.uint8)
    if nbytes >= 4 << 20:
        _no_huge_pages(raw.ctypes.data, raw.nbytes)
    start = (-raw.ctypes.data) % 64
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def host_array(arr: np.ndarray, device: jax.Device | None = None, *, private: bool = False) -> jax.Array:
    """A new jax array holding a copy of ``arr`` (on ``device``, default JAX's): later writes to
    ``arr`` never show in it. ``private=True``: the caller made ``arr`` and hands it over (nothing
    else will read or write it), so JAX may take its memory as it is.

    Not ``jnp.asarray``: jax 0.10 lifts a numpy array through ``lax.stage``, which compiles an
    identity program for every new shape and dtype (10-30 ms each on first use). Nor a bare
    ``device_put``: on CPU it aliases a 64-byte-aligned array (``may_alias=False`` notwithstanding),
    so whether a tensor saw later writes would depend on the array's address. For a CPU target the
    data is copied once into a private aligned buffer, which ``device_put`` then takes as it is.
    """
    if private:
        return jax.device_put(arr, device)
    target = device if device is not None else default_jax_device()
    if target.platform == "cpu":
        buf = aligned_empty(arr.shape, arr.dtype)
        np.copyto(buf, arr)
        arr = buf
    return jax.device_put(arr, device)


def as_jax(arr) -> jax.Array:
    """A numpy array (copied with :func:`host_array`) or a jax array (as is) as a jax array: what an
    unpickled tensor, Parameter or Buffer holds."""
    return host_array(arr) if isinstance(arr, np.ndarray) else jnp.asarray(arr)


def _no_huge_pages(addr: int, length: int) -> None:
    advice = getattr(mmap, "MADV_NOHUGEPAGE", None)
    if advice is None or _LIBC is None:
        return
    page = mmap.PAGESIZE
    first, last = -(-addr // page) * page, (addr + length) // page * page
    if last > first:
        _LIBC.madvise(ctypes.c_void_p(first), ctypes.c_size_t(last - first), ctypes.c_int(advice))


try:
    _LIBC = ctypes.CDLL(None, use_errno=True) if hasattr(ctypes.CDLL(None), "madvise") else None
except OSError:  # no C library to ask (not Linux-like): keep numpy's pages
    _LIBC = None
