"""Tensor creation: tensor, as_tensor, from_numpy, zeros/ones/full/empty (+_like, new_*), arange,
linspace, logspace, eye. Creation records nothing; ``requires_grad=True`` makes a leaf."""

from __future__ import annotations

import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._device import device as _device
from jtorch._device import put
from jtorch._ops._util import shape_arg
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor


def _finish(arr, dtype=None, device=None, requires_grad=False) -> Tensor:
    if dtype is not None:
        dt = _dtype.to_dtype(dtype)
        if arr.dtype != dt.np:
            arr = arr.astype(dt.np)
    if device is not None:
        arr = put(arr, _device(device))
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_dtype(data) -> _dtype.dtype | None:
    """torch's dtype inference for nested Python data (floats -> default dtype, ints -> int64)."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        return _dtype.from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return _dtype.from_numpy_dtype(data.dtype)
    if isinstance(data, bool):
        return _dtype.bool
    if isinstance(data, numbers.Integral):
        return _dtype.int64
    if isinstance(data, numbers.Real):
        return _dtype.get_default_dtype()
    if isinstance(data, numbers.Complex):
        if _dtype.get_default_dtype() is _dtype.bfloat16:
            raise RuntimeError("invalid default scalar type for complex")
        return _dtype.get_default_dtype().to_complex()
    if isinstance(data, (list, tuple)):
        out = None
        for x in data:
            d = _infer_dtype(x)
            if d is not None:
                out = d if out is None else _dtype.promote_types(out, d)
        return out
    if hasattr(data, "__array__") or hasattr(data, "__jax_array__"):
        return _dtype.from_numpy_dtype(np.asarray(data).dtype)
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _check_ragged(data, dim=0):
    if isinstance(data, (list, tuple)) and data:
        lens = None
        for x in data:
            if isinstance(x, (list, tuple)):
                if lens is None:
                    lens = len(x)
                elif len(x) != lens:
                    raise ValueError(f"expected sequence of length {lens} at dim {dim + 1} (got {len(x)})")
                _check_ragged(x, dim + 1)
            elif lens is not None:
                raise TypeError(f"not a sequence")


def _to_numpy(data):
    if isinstance(data, Tensor):
        return np.asarray(data._data)
    if isinstance(data, (list, tuple)):
        if any(isinstance(x, Tensor) for x in data):
            return np.stack([_to_numpy(x) for x in data]) if data else np.zeros((0,))
        _check_ragged(data)
    return np.asarray(data)


@torch_op(method=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Copy ``data`` (nested lists, numbers, numpy arrays, tensors) into a new leaf tensor."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        arr = data._data
        dt = _dtype.to_dtype(dtype) if dtype is not None else data.dtype
        return _finish(arr, dt, device, requires_grad)
    dt = _dtype.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    if dt is None:
        dt = _dtype.get_default_dtype()
    arr = _to_numpy(data)
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if np.iscomplexobj(arr) and not dt.is_complex:
        raise TypeError("can't convert complex to float")
    return _finish(jnp.asarray(arr.astype(dt.np, copy=False)), None, device, requires_grad)


@torch_op(method=False)
def as_tensor(data, dtype=None, device=None) -> Tensor:
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype is not None or device is not None) else data
    return tensor(data, dtype=dtype, device=device)


@torch_op(method=False, aliases=("asarray",))
def from_numpy(ndarray) -> Tensor:
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(jnp.asarray(ndarray))


def _filled(fill, size, dtype, device, requires_grad):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(jnp.full(shape_arg(size), fill, dt.np), None, device, requires_grad)


@torch_op(method=False)
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return _filled(0, size, dtype, device, requires_grad)


@torch_op(method=False)
def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return _filled(1, size, dtype, device, requires_grad)


@torch_op(method=False)
def empty(
    *size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, memory_format=None
):
    """Uninitialised in torch; zeros here (XLA has no uninitialised buffers)."""
    return _filled(0, size, dtype, device, requires_grad)


@torch_op(method=False)
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value if not isinstance(fill_value, Tensor) else fill_value.item())
    return _filled(fill_value, (size,), dtype, device, requires_grad)


def _like(fill, input, dtype, device, requires_grad):
    dt = _dtype.to_dtype(dtype) if dtype is not None else input.dtype
    arr = jnp.full(input.shape, fill, dt.np)
    return _finish(arr, None, device if device is not None else None, requires_grad)


@torch_op(method=False)
def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(0, input, dtype, device, requires_grad)


@torch_op(method=False)
def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(1, input, dtype, device, requires_grad)


@torch_op(method=False)
def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(0, input, dtype, device, requires_grad)


@torch_op(method=False)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like(fill_value, input, dtype, device, requires_grad)


@tensor_method()
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(0, size, dtype or self.dtype, device, requires_grad)


@tensor_method()
def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(1, size, dtype or self.dtype, device, requires_grad)


@tensor_method()
def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(0, size, dtype or self.dtype, device, requires_grad)


@tensor_method()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(fill_value, (size,), dtype or self.dtype, device, requires_grad)


@tensor_method()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


@torch_op(method=False)
def arange(
    start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    dt = _dtype.to_dtype(dtype)
    n = max(0, math.ceil((end - start) / step))
    if dt.is_floating_point:
        # torch computes start + i * step in double precision, then casts
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (start + np.arange(n, dtype=np.int64) * int(step)).astype(dt.np)
    return _finish(jnp.asarray(arr), None, device, requires_grad)


@torch_op(method=False)
def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent "
        "with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    if end is None:
        start, end = 0, start
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    n = int(math.floor((_num(end) - _num(start)) / _num(step))) + 1
    arr = (_num(start) + np.arange(n, dtype=np.float64) * _num(step)).astype(dt.np)
    return _finish(jnp.asarray(arr), None, device, requires_grad)


@torch_op(method=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    start, end = _num(start), _num(end)
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # torch fills the first half from start and the second half from end (symmetric rounding)
    i = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    arr = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if dt.is_floating_point and dt.itemsize < 8:
        wdt = np.float32
        i32 = np.arange(steps, dtype=wdt)
        st = wdt(step)
        arr = np.where(i32 < half, wdt(start) + st * i32, wdt(end) - st * (wdt(steps - 1) - i32))
    return _finish(jnp.asarray(np.asarray(arr).astype(dt.np)), None, device, requires_grad)


@torch_op(method=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    exps = linspace(start, end, steps, dtype=_dtype.float64)._data
    return _finish(jnp.power(base, exps).astype(dt.np), None, device, requires_grad)


@torch_op(method=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(jnp.eye(n, n if m is None else m, dtype=dt.np), None, device, requires_grad)


def _clone(a):
    return a


@torch_op()
def clone(input, *, memory_format=None):
    from jtorch._ops.dispatch import apply

    return apply("CloneBackward0", _clone, [input])


def _copy(dst, src):
    return jnp.broadcast_to(src, dst.shape).astype(dst.dtype)


@tensor_method()
def copy_(self, src, non_blocking=False):
    from jtorch._ops.dispatch import apply

    if not isinstance(src, Tensor):
        src = tensor(src)
    if grad_enabled_leaf(self):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    return self._write(apply("CopyBackwards", _copy, [Tensor._wrap(self._data), src]))


def grad_enabled_leaf(t) -> bool:
    from jtorch.autograd.grad_mode import is_grad_enabled

    return is_grad_enabled() and t._requires_grad and t._node is None and t._base is None


@tensor_method()
def zero_(self):
    return self.fill_(0)


@tensor_method()
def fill_(self, value):
    if grad_enabled_leaf(self):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        return self._write(value.to(self.dtype).expand(self.shape))
    self._assign_array(jnp.full(self.shape, value, self._data.dtype))
    if self._base is None and self._node is not None:
        self._node = None  # a constant fill cuts the history, as torch's FillBackward gives zero grad
    return self


_ = jax  # jax is imported for its side effects on jnp (x64 config happens in jtorch/__init__)
