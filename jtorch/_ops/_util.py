"""Small helpers shared by the op modules: argument normalisation and dtype decisions."""

from __future__ import annotations

import numbers

import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._host import host_array
from jtorch._tensor import Tensor


def is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, Tensor)


def to_operand(x, name: str = "other"):
    """Tensors and Python numbers pass through (numbers stay dynamic jit arguments); numpy/JAX
    scalars become Python numbers; anything else is rejected as torch rejects it."""
    if isinstance(x, Tensor) or isinstance(x, (bool, int, float, complex)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return Tensor._wrap(host_array(x))
    if isinstance(x, jnp.ndarray):
        return Tensor._wrap(x)
    raise TypeError(f"{name} must be Tensor or Number, not {type(x).__name__}")


def wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return int(dim) + n if dim < 0 else int(dim)


def wrap_dims(dim, ndim: int):
    """``dim`` as a sorted tuple of non-negative axes, or None for all axes."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        axes = tuple(sorted(wrap_dim(d, ndim) for d in dim))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
        return axes
    return (wrap_dim(dim, ndim),) if ndim > 0 else ()


def shape_arg(size) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f(torch.Size([2, 3]))`` forms."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)):
            raise TypeError(f"size must be tuple of ints, but got element of type {type(s).__name__}")
        out.append(int(s))
    return tuple(out)


def float_dtype_for(d: _dtype.dtype) -> _dtype.dtype:
    """Integer and bool inputs of float-valued ops (exp, sqrt, mean...) compute in the default dtype."""
    return d if (d.is_floating_point or d.is_complex) else _dtype.get_default_dtype()


def np_dt(d: _dtype.dtype):
    return d.np
