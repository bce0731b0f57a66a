"""Tensor creation: tensor, as_tensor, from_numpy, zeros/ones/full/empty (+_like, new_*), arange,
linspace, logspace, eye. Creation records nothing; ``requires_grad=True`` makes a leaf."""

from __future__ import annotations

import builtins
import math
import numbers
import warnings
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._device import device as _device
from jtorch._device import jax_device, put
from jtorch._host import host_array
from jtorch._ops._util import shape_arg
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor


def _finish(arr, dtype=None, device=None, requires_grad=False) -> Tensor:
    """The new leaf tensor of a creation op: ``arr`` (a jax array, or a numpy array, copied to the
    device) cast to ``dtype``, on ``device``, requiring grad if asked."""
    if dtype is not None:
        dt = _dtype.to_dtype(dtype)
        if arr.dtype != dt.np:
            arr = arr.astype(dt.np)
    if isinstance(arr, np.ndarray):
        arr = host_array(arr, None if device is None else jax_device(_device(device)))
    elif device is not None:
        arr = put(arr, _device(device))
    t = Tensor._wrap(arr)
    if requires_grad:
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
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
    if isinstance(data, Sequence) and not isinstance(data, str):
        out = None
        for x in data:
            if isinstance(x, str):
                raise ValueError(f"too many dimensions '{type(x).__name__}'")
            d = _infer_dtype(x)
            if d is not None:
                out = d if out is None else _dtype.promote_types(out, d)
        return out
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if hasattr(data, "__array__") or hasattr(data, "__jax_array__"):
        return _dtype.from_numpy_dtype(np.asarray(data).dtype)
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _is_seq(x) -> bool:
    if isinstance(x, np.ndarray):
        return x.ndim > 0
    return isinstance(x, (list, tuple, builtins.range)) or (isinstance(x, Sequence) and not isinstance(x, (str, bytes)))


def _check_ragged(data, dim=0):
    """torch's shape check for nested sequences: the first element fixes each dimension's length."""
    if not _is_seq(data) or len(data) == 0:
        return
    first = data[0]
    if not _is_seq(first):
        for x in data:
            if _is_seq(x):  # torch reads the scalar slot as an integer and fails on the list
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
        return
    n = len(first)
    for x in data:
        if not _is_seq(x):
            raise TypeError("not a sequence")
        if len(x) != n:
            raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {len(x)})")
        _check_ragged(x, dim + 1)


def _scalarize(data):
    """Nested sequences with tensors read as scalars, as torch does (a tensor element must hold one value)."""
    if isinstance(data, Tensor):
        if data.numel() != 1:
            if data.dtype.is_floating_point or data.dtype.is_complex:
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return data.item()
    if _is_seq(data) and not isinstance(data, np.ndarray):
        return [_scalarize(x) for x in data]
    return data


def _to_numpy(data):
    if isinstance(data, Tensor):
        return np.asarray(data._data)
    if _is_seq(data) and not isinstance(data, np.ndarray):
        _check_ragged(data)
        data = _scalarize(data)
    return np.asarray(data)


def _check_int_range(arr: np.ndarray, dt: _dtype.dtype) -> None:
    """torch's checked conversion of Python numbers to an integer dtype (unsigned types also take
    negative integers down to -max, which wrap)."""
    info = np.iinfo(dt.np)
    finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
    lo = -int(info.max) if info.min == 0 and arr.dtype.kind in "iu" else int(info.min)
    if finite.size and (finite.min() < lo or finite.max() > info.max) or finite.size != arr.size:
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")


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
    if not isinstance(data, np.ndarray) and arr.dtype.kind in "uO" and not (dt.is_floating_point or dt.is_complex):
        # Python ints beyond int64 (uint64 targets take up to 2**64 - 1)
        limit = 2**64 - 1 if dt is _dtype.uint64 else 2**63 - 1
        if arr.size and (arr.dtype == object or int(arr.max()) > limit):
            raise ValueError("Overflow when unpacking long long")
    if arr.dtype == object:
        arr = arr.astype(np.float64)  # Python ints beyond int64 going to a float dtype
    if not isinstance(data, np.ndarray) and arr.size and dt.np.kind in "iu" and arr.dtype.kind in "iuf":
        _check_int_range(arr, dt)
    if np.iscomplexobj(arr) and not dt.is_complex and not isinstance(data, np.ndarray):
        if dt.is_floating_point:
            raise TypeError("must be real number, not complex")
        raise TypeError("'complex' object cannot be interpreted as an integer")
    with np.errstate(over="ignore", invalid="ignore"):  # out-of-range floats become inf, as in torch
        arr = arr.astype(dt.np, copy=False)
    return _finish(arr, None, device, requires_grad)


@torch_op(method=False)
def as_tensor(data, dtype=None, device=None) -> Tensor:
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype is not None or device is not None) else data
    return tensor(data, dtype=dtype, device=device)


@torch_op(method=False)
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    """torch.asarray: a tensor is returned as is unless a dtype/device change or ``copy=True`` asks for a
    new one; anything else is converted like :func:`tensor`. (numpy arrays are copied: a JAX array
    cannot share a numpy buffer, so writes to the array are not seen by the tensor.)"""
    if isinstance(obj, Tensor):
        dt = _dtype.to_dtype(dtype) if dtype is not None else obj.dtype
        if copy is False and dt is not obj.dtype:
            raise ValueError(
                f"can't alias tensor with dtype '{_dtype.type_name(obj.dtype)}' into dtype '{_dtype.type_name(dt)}'."
            )
        out = obj.to(dtype=dt, device=device, copy=bool(copy))
        return out.requires_grad_(True) if requires_grad and not out.requires_grad else out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)


@torch_op(method=False)
def from_numpy(ndarray) -> Tensor:
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(host_array(ndarray))


def check_size(shape: tuple, op: str = "") -> tuple:
    """Reject negative sizes with torch's messages (``zeros`` has its own)."""
    for s in shape:
        if s < 0:
            if op == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _filled(fill, size, dtype, device, requires_grad, op=""):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(jnp.full(check_size(shape_arg(size), op), fill, dt.np), None, device, requires_grad)


@torch_op(method=False)
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return _filled(0, size, dtype, device, requires_grad, "zeros")


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
        if isinstance(fill_value, np.bool_):
            dtype = _dtype.get_default_dtype()  # torch reads a numpy bool as a plain number here
        else:
            dtype = _dtype.scalar_dtype(fill_value if not isinstance(fill_value, Tensor) else fill_value.item())
    return _filled(fill_value, (size,), dtype, device, requires_grad)


def _device_of(t: Tensor):
    """The device new tensors made from ``t`` go to (``*_like``, ``new_*``): t's own, as in torch."""
    return t.device


def _like(fill, input, dtype, device, requires_grad):
    dt = _dtype.to_dtype(dtype) if dtype is not None else input.dtype
    arr = jnp.full(input.shape, fill, dt.np)
    return _finish(arr, None, device if device is not None else _device_of(input), requires_grad)


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
    return _filled(0, size, dtype or self.dtype, device if device is not None else _device_of(self), requires_grad)


@tensor_method()
def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(1, size, dtype or self.dtype, device if device is not None else _device_of(self), requires_grad)


@tensor_method()
def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(0, size, dtype or self.dtype, device if device is not None else _device_of(self), requires_grad)


@tensor_method()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return _filled(
        fill_value, (size,), dtype or self.dtype, device if device is not None else _device_of(self), requires_grad
    )


@tensor_method()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    dev = device if device is not None else _device_of(self)
    return tensor(data, dtype=dtype or self.dtype, device=dev, requires_grad=requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def _fma(a, b, c):
    """Correctly rounded ``a * b + c`` in float64 (numpy has no fma): Dekker's exact product, then an
    exact two-sum, so the result is what the FMA instruction torch's compiled kernels use gives."""
    a, b, c = np.float64(a), np.asarray(b, np.float64), np.asarray(c, np.float64)
    p = a * b
    split = 134217729.0  # 2**27 + 1, Veltkamp splitting
    ta, tb = split * a, split * b
    ah = ta - (ta - a)
    bh = tb - (tb - b)
    al, bl = a - ah, b - bh
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return s + (t + err)


def _arange_values(start: float, step: float, n: int, dt: _dtype.dtype) -> np.ndarray:
    """torch's CPU arange kernel for floating dtypes, bit for bit (x86-64 builds).

    The kernel accumulates in double (float for half types): blocks of two 256-bit vectors take
    ``base = T(fma(step, i, start))`` and fill ``T(fma(step, k, base))`` for the lanes k; the tail
    that does not fill two vectors is ``T(fma(step, i, start))`` per element.
    """
    half = dt in (_dtype.float16, _dtype.bfloat16)
    lanes = 32 // dt.itemsize
    if (
        half
    ):  # accumulate in float32 (the fma in double, rounded to float32, is float32's fma but for rare double rounding)
        start, step = float(np.float32(start)), float(np.float32(step))
    idx = np.arange(n, dtype=np.int64)
    n_vec = (n // (2 * lanes)) * 2 * lanes
    out = np.empty(n, np.float64)
    if n_vec:
        blocks = idx[:n_vec:lanes]
        base = _fma(step, blocks, start)
        base = (base.astype(np.float32) if half else base).astype(dt.np).astype(np.float64)
        k = np.tile(np.arange(lanes, dtype=np.float64), len(blocks))
        out[:n_vec] = _fma(step, k, np.repeat(base, lanes))
    out[n_vec:] = _fma(step, idx[n_vec:], start)
    if half:
        out = out.astype(np.float32)
    return out.astype(dt.np)


@torch_op(method=False)
def arange(
    start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """Values ``start + i * step`` for ``i`` in ``[0, ceil((end - start) / step))``, as torch computes them."""
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    dt = _dtype.to_dtype(dtype)
    floating = dt.is_floating_point
    if not (math.isfinite(float(start)) and math.isfinite(float(end))):
        raise RuntimeError(f"unsupported range: {float(start):g} -> {float(end):g}")
    # torch converts the bounds to the accumulation type first: integral dtypes truncate them
    xstart, xend, xstep = (float(start), float(end), float(step)) if floating else (int(start), int(end), int(step))
    if not (xstep > 0 or xstep < 0):
        raise RuntimeError("step must be nonzero")
    if dt is _dtype.int64:
        sgn = (xstep > 0) - (xstep < 0)
        num = xend - xstart + xstep - sgn
        size_d = abs(num) // abs(xstep) * (1 if (num >= 0) == (xstep > 0) else -1)
    else:
        size_d = math.ceil((float(end) - float(start)) / float(step))
    if not ((xstep > 0 and xend >= xstart) or (xstep < 0 and xend <= xstart)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if not (0 <= size_d <= np.iinfo(np.int64).max):
        raise RuntimeError("invalid size, possible overflow?")
    n = int(size_d)
    if floating:
        arr = _arange_values(xstart, xstep, n, dt)
    else:
        arr = (xstart + np.arange(n, dtype=np.int64) * xstep).astype(dt.np)
    return _finish(arr, None, device, requires_grad)


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
    return _finish(arr, None, device, requires_grad)


_C_INT = {"int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t", "uint8": "uint8_t"}


def _linspace_values(start, end, steps: int, dt: _dtype.dtype) -> np.ndarray:
    """torch's CPU linspace kernel: ``start + step * i`` for the first half, ``end - step * (steps - 1 - i)``
    for the rest, each a fused multiply-add in the dtype's precision (per component for complex);
    integral dtypes take truncated bounds and a double step."""
    i = np.arange(steps, dtype=np.int64)
    halfway = steps // 2
    if dt.is_floating_point or dt.is_complex:
        T = dt.np.type
        s, e = T(start), T(end)
        if steps == 1:
            return np.full(1, s, dt.np)
        R = _real_np(dt)
        with np.errstate(all="ignore"):
            if dt.is_complex:  # complex / integer divides each component (no complex division)
                step = T(complex((R(e.real) - R(s.real)) / R(steps - 1), (R(e.imag) - R(s.imag)) / R(steps - 1)))
            else:
                step = (e - s) / T(steps - 1)
        if dt in (_dtype.float16, _dtype.bfloat16):  # c10::Half/BFloat16 round every operation
            with np.errstate(all="ignore"):
                return np.where(i < halfway, s + step * i.astype(T), e - step * (steps - i - 1).astype(T))
        parts = [(s.real, e.real, step.real), (s.imag, e.imag, step.imag)] if dt.is_complex else [(s, e, step)]
        out = []
        for ps, pe, pstep in parts:
            lo = _fma(float(pstep), i, float(ps))
            hi = _fma(-float(pstep), steps - i - 1, float(pe))
            out.append(np.where(i < halfway, lo, hi).astype(_real_np(dt)))
        return out[0] + 1j * out[1] if dt.is_complex else out[0]
    info = np.iinfo(dt.np) if dt is not _dtype.bool else None
    for v in (start, end):  # c10's checked conversion: unsigned types also take integers -max..-1 (wrapping)
        unsigned_int = info is not None and info.min == 0 and isinstance(v, numbers.Integral)
        lo = -info.max if unsigned_int else getattr(info, "min", 0)
        if info is not None and not lo <= v <= info.max:
            raise RuntimeError(f"value cannot be converted to type {_C_INT.get(dt.name, dt.name)} without overflow")
    s, e = int(start), int(end)
    if info is not None and info.min == 0:
        s, e = s % (info.max + 1), e % (info.max + 1)
    if steps == 1:
        return np.full(1, s, np.int64)
    step = (float(e) - float(s)) / (steps - 1)
    vals = np.where(i < halfway, _fma(step, i, float(s)), _fma(-step, steps - i - 1, float(e)))
    return np.trunc(vals).astype(np.int64)


def _real_np(dt: _dtype.dtype):
    return np.float32 if dt.np == np.complex64 else np.float64 if dt.is_complex else dt.np


@torch_op(method=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` values from ``start`` to ``end`` inclusive, computed as torch's CPU kernel does."""
    start, end = _num(start), _num(end)
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.result_type(start, end)
    if dtype is None and not (dt.is_floating_point or dt.is_complex):
        dt = _dtype.get_default_dtype()
    arr = _linspace_values(start, end, int(steps), dt)
    return _finish(np.asarray(arr).astype(dt.np), None, device, requires_grad)


@torch_op(method=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    exps = linspace(start, end, steps, dtype=_dtype.float64)._data
    return _finish(jnp.power(base, exps).astype(dt.np), None, device, requires_grad)


@torch_op(method=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(jnp.eye(n, n if m is None else m, dtype=dt.np), None, device, requires_grad)


@torch_op(method=False)
def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A 0-d tensor of the default dtype (whatever the number's type)."""
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(jnp.asarray(_num(s), dt.np), None, device, requires_grad)


@torch_op(method=False)
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Zeros of ``size`` (XLA arrays have no user strides: ``stride`` is accepted and not kept)."""
    return _filled(0, (tuple(size),), dtype, device, requires_grad)


def _tri_indices(row, col, offset, lower, dtype, device):
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    rows, cols = np.tril_indices(row, offset, col) if lower else np.triu_indices(row, offset, col)
    return _finish(np.stack([rows, cols]).astype(dt.np), None, device, False)


@torch_op(method=False)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Coordinates (2, N) of the lower triangle of a row x col matrix, row-major as torch."""
    return _tri_indices(row, col, offset, True, dtype, device)


@torch_op(method=False)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Coordinates (2, N) of the upper triangle of a row x col matrix, row-major as torch."""
    return _tri_indices(row, col, offset, False, dtype, device)


class _LegacyTensorType(type):
    """Metaclass of the legacy types (``torch.FloatTensor``...): ``isinstance`` checks the dtype."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


_C_TYPES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "int64": "long int",
    "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
}  # fmt: skip


def _options(d: _dtype.dtype) -> str:
    return (
        f"TensorOptions(dtype={_C_TYPES.get(d.name, d.name)}, device=cpu, layout=Strided, requires_grad=false "
        "(default), pinned_memory=false (default), memory_format=(nullopt))"
    )


def legacy_construct(d: _dtype.dtype, args: tuple, device=None, typed: bool = True) -> Tensor:
    """The legacy constructors ``torch.Tensor(...)`` / ``torch.FloatTensor(...)``: sizes give zeros
    (uninitialised in torch), a sequence gives data, nothing gives an empty tensor. A tensor argument
    gives its values (torch aliases its storage; here it is a copy) and must match a typed constructor's dtype."""
    from jtorch._size import Size

    if not args:
        return tensor([], dtype=d, device=device)
    if len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if typed and src.dtype is not d:
            raise TypeError(f"expected {_options(d)} (got {_options(src.dtype)})")
        return Tensor._wrap(src._data)
    if len(args) == 1 and not isinstance(args[0], (numbers.Integral, Size)):
        if isinstance(args[0], numbers.Number):
            raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
        return tensor(args[0], dtype=d, device=device)
    return _filled(0, args, d, device, False)


def legacy_type(d: _dtype.dtype) -> type:
    """``torch.FloatTensor(2, 3)``, ``torch.FloatTensor([1, 2])``, ``torch.FloatTensor()``: plain Tensors of ``d``."""

    def __new__(cls, *args, device=None):
        return legacy_construct(d, args, device)

    return _LegacyTensorType(
        d._legacy, (), {"__new__": __new__, "dtype": d, "_jtorch_dtype": d, "__module__": "jtorch"}
    )


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
    if src.shape != self.shape:
        _check_copy_shape(tuple(self.shape), tuple(src.shape))
    return self._write(apply("CopyBackwards", _copy, [Tensor._wrap(self._data), src]))


def _check_copy_shape(dst: tuple, src: tuple) -> None:
    """torch's errors for a ``copy_`` source that does not broadcast to the destination's shape."""
    n = builtins.max(len(dst), len(src))
    a, b = (1,) * (n - len(dst)) + dst, (1,) * (n - len(src)) + src
    for i in builtins.range(n):
        if a[i] != b[i] and 1 not in (a[i], b[i]):
            raise RuntimeError(
                f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at non-singleton dimension {i}"
            )
    out = [builtins.max(x, y) if 0 not in (x, y) else 0 for x, y in zip(a, b)]
    if tuple(out) != dst:
        raise RuntimeError(f"output with shape {list(dst)} doesn't match the broadcast shape {out}")


def grad_enabled_leaf(t) -> bool:
    from jtorch.autograd.grad_mode import is_grad_enabled

    return is_grad_enabled() and t._requires_grad and t._node is None and t._base is None


def _overwritten(x, value):
    """The new values of an in-place fill; ``x`` only carries the autograd edge (its gradient is zero)."""
    return jax.lax.stop_gradient(jnp.broadcast_to(value, x.shape).astype(x.dtype))


def overwrite(self: Tensor, value, name: str) -> Tensor:
    """Replace the values of ``self`` with a constant or a sample, as torch's fill_/zero_/samplers: no
    gradient flows to the old values, but a tensor in a graph stays in it (grad_fn ``name``)."""
    from jtorch._ops.dispatch import apply
    from jtorch.autograd.grad_mode import is_grad_enabled

    if grad_enabled_leaf(self):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if self.requires_grad and is_grad_enabled():
        return self._write(apply(name, _overwritten, [self, value]))
    arr = value._data if isinstance(value, Tensor) else value
    self._assign_array(jnp.broadcast_to(jnp.asarray(arr, self._data.dtype), self.shape))
    return self


@tensor_method()
def zero_(self):
    return overwrite(self, 0, "ZeroBackward0")


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
    return overwrite(self, value, "FillBackward2")


_ = jax  # jax is imported for its side effects on jnp (x64 config happens in jtorch/__init__)
