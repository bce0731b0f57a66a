"""Reductions with torch's ``dim``/``keepdim``/``dtype`` conventions and named-tuple results."""

from __future__ import annotations

import builtins
import math
import warnings
from collections import namedtuple

import jax
import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops._util import float_dtype_for, wrap_dim, wrap_dims
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import torch_op
from jtorch._tensor import Tensor
from jtorch.autograd.grad_mode import is_grad_enabled


def _named(name, fields):
    cls = namedtuple(name, fields)
    cls.__module__ = "torch.return_types"
    cls.__repr__ = lambda self: (
        f"torch.return_types.{name}(\n" + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self)) + ")"
    )
    return cls


values_indices = {
    n: _named(n, ["values", "indices"])
    for n in ("max", "min", "sort", "topk", "kthvalue", "median", "mode", "cummax", "cummin", "aminmax_", "nanmedian")
}
aminmax_t = _named("aminmax", ["min", "max"])


def _check_grad_dtype(input, dt) -> None:
    """torch refuses to record an integer-valued result of a differentiable input."""
    if not (dt.is_floating_point or dt.is_complex) and input.requires_grad and is_grad_enabled():
        raise RuntimeError(f"Autograd not support dtype: {_dtype.type_name(dt)}")


def _check_nonempty(name: str, input, axes) -> None:
    """Reductions without an identity (max, amax, argmax...) refuse empty slices, as torch does."""
    if axes is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            )
        return
    for d in axes:
        if input.ndim and input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _sum(a, *, axis, keepdims, dt):
    return jnp.sum(a, axis=axis, keepdims=keepdims, dtype=dt)


def _sum_dtype(input, dtype):
    if dtype is not None:
        return _dtype.to_dtype(dtype)
    d = input.dtype
    return _dtype.int64 if (d is _dtype.bool or not (d.is_floating_point or d.is_complex)) else d


@torch_op()
def sum(input, dim=None, keepdim=False, *, dtype=None):
    axes = wrap_dims(dim, input.ndim)
    dt = _sum_dtype(input, dtype)
    _check_grad_dtype(input, dt)
    name = "SumBackward0" if axes is None else "SumBackward1"
    return apply(name, _sum, [input], (("axis", axes), ("keepdims", keepdim), ("dt", dt.np)))


@torch_op()
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    axes = wrap_dims(dim, input.ndim)
    dt = _sum_dtype(input, dtype)
    return apply("NansumBackward0", _nansum, [input], (("axis", axes), ("keepdims", keepdim), ("dt", dt.np)))


def _nansum(a, *, axis, keepdims, dt):
    return jnp.nansum(a, axis=axis, keepdims=keepdims, dtype=dt)


def _mean(a, *, axis, keepdims, dt):
    return jnp.mean(a.astype(dt), axis=axis, keepdims=keepdims)


@torch_op()
def mean(input, dim=None, keepdim=False, *, dtype=None):
    dt = _dtype.to_dtype(dtype) if dtype is not None else input.dtype
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {_dtype.type_name(dt)}"
        )
    axes = wrap_dims(dim, input.ndim)
    name = "MeanBackward0" if axes is None else "MeanBackward1"
    return apply(name, _mean, [input], (("axis", axes), ("keepdims", keepdim), ("dt", dt.np)))


@torch_op()
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {_dtype.type_name(input.dtype)}"
        )
    if dtype is not None:
        input = input.to(dtype)
    axes = wrap_dims(dim, input.ndim)
    return apply("NanmeanBackward0", _nanmean, [input], (("axis", axes), ("keepdims", keepdim)))


def _nanmean(a, *, axis, keepdims):
    return jnp.nanmean(a, axis=axis, keepdims=keepdims)


def _prod(a, *, axis, keepdims, dt):
    return jnp.prod(a.astype(dt), axis=axis, keepdims=keepdims)


@torch_op()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    _check_grad_dtype(input, dt)
    axes = None if dim is None else (wrap_dim(dim, input.ndim),)
    if input.ndim == 0:
        axes = None
    return apply(
        "ProdBackward0" if dim is None else "ProdBackward1",
        _prod,
        [input],
        (("axis", axes), ("keepdims", keepdim), ("dt", dt.np)),
    )


def _var(a, *, axis, correction, keepdims):
    n = a.size if axis is None else jnp.prod(jnp.array([a.shape[i] for i in axis]))
    m = jnp.mean(a, axis=axis, keepdims=True)
    d = jnp.abs(a - m) ** 2 if jnp.iscomplexobj(a) else (a - m) ** 2
    return jnp.sum(d, axis=axis, keepdims=keepdims) / jnp.maximum(n - correction, 0)


def _std(a, *, axis, correction, keepdims):
    return jnp.sqrt(_var(a, axis=axis, correction=correction, keepdims=keepdims))


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _var_args(name, input, dim, unbiased, keepdim, correction):
    # torch.var(x, True) means unbiased=True; torch.var(x, 0) means dim=0
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = wrap_dims(dim, input.ndim)
    corr = _correction(unbiased, correction)
    n = input.numel() if axes is None else math.prod(input.shape[d] for d in axes)
    if n - corr <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
            "(input numel divided by output numel).",
            UserWarning,
            stacklevel=4,
        )
    return (("axis", axes), ("correction", corr), ("keepdims", keepdim))


@torch_op()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return apply("VarBackward0", _var, [input], _var_args("var", input, dim, unbiased, keepdim, correction))


@torch_op()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return apply("StdBackward0", _std, [input], _var_args("std", input, dim, unbiased, keepdim, correction))


@torch_op(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction), mean(
        input, dim if not isinstance(dim, bool) else None, keepdim
    )


@torch_op(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return std(input, dim, unbiased, keepdim, correction=correction), mean(
        input, dim if not isinstance(dim, bool) else None, keepdim
    )


def _max_dim(a, *, axis, keepdims, is_max):
    idx = jnp.argmax(a, axis=axis, keepdims=True) if is_max else jnp.argmin(a, axis=axis, keepdims=True)
    val = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        val, idx = jnp.squeeze(val, axis), jnp.squeeze(idx, axis)
    return val, idx.astype(jnp.int64)


def _amax(a, *, axis, keepdims):
    return jnp.max(a, axis=axis, keepdims=keepdims)


def _amin(a, *, axis, keepdims):
    return jnp.min(a, axis=axis, keepdims=keepdims)


def _extremum(input, dim, keepdim, other, is_max):
    name = "max" if is_max else "min"
    if isinstance(dim, Tensor) and other is None:
        dim, other = None, dim
    if other is not None:
        from jtorch._ops.pointwise import maximum, minimum

        return (maximum if is_max else minimum)(input, other)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            )
        return apply(
            "MaxBackward1" if is_max else "MinBackward1",
            _amax if is_max else _amin,
            [input],
            (("axis", None), ("keepdims", False)),
        )
    d = wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if input.ndim == 0:
        return values_indices[name](input.clone(), Tensor._wrap(jnp.zeros((), jnp.int64)))
    v, i = apply(
        "MaxBackward0" if is_max else "MinBackward0",
        _max_dim,
        [input],
        (("axis", d), ("keepdims", keepdim), ("is_max", is_max)),
    )
    return values_indices[name](v, i)


@torch_op()
def max(input, dim=None, keepdim=False, *, other=None):
    return _extremum(input, dim, keepdim, other, True)


@torch_op()
def min(input, dim=None, keepdim=False, *, other=None):
    return _extremum(input, dim, keepdim, other, False)


@torch_op()
def amax(input, dim=(), keepdim=False):
    _check_nonempty("amax", input, wrap_dims(dim, input.ndim))
    return apply("AmaxBackward0", _amax, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim)))


@torch_op()
def amin(input, dim=(), keepdim=False):
    _check_nonempty("amin", input, wrap_dims(dim, input.ndim))
    return apply("AminBackward0", _amin, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim)))


@torch_op()
def aminmax(input, *, dim=None, keepdim=False):
    axes = None if dim is None else wrap_dims(dim, input.ndim)
    if axes and input.ndim and input.shape[axes[0]] == 0:
        raise IndexError(f"aminmax: Expected reduction dim {axes[0]} to have non-zero size.")
    if axes is None and input.numel() == 0:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
        )
    return aminmax_t(amin(input, () if dim is None else dim, keepdim), amax(input, () if dim is None else dim, keepdim))


def _argmax(a, *, axis, keepdims, is_max):
    f = jnp.argmax if is_max else jnp.argmin
    if axis is None:
        out = f(a.reshape(-1))
        return out.reshape((1,) * a.ndim).astype(jnp.int64) if keepdims else out.astype(jnp.int64)
    return f(a, axis=axis, keepdims=keepdims).astype(jnp.int64)


def _check_arg_extremum(name, input, d):
    if d is None and input.numel() == 0:
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    if d is not None and input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


@torch_op()
def argmax(input, dim=None, keepdim=False):
    if input.dtype is _dtype.bool:
        raise RuntimeError("argmax(): does not support bool input")
    d = None if dim is None else wrap_dim(dim, input.ndim)
    _check_arg_extremum("argmax", input, d)
    return apply(
        "argmax", _argmax, [input], (("axis", d if input.ndim else None), ("keepdims", keepdim), ("is_max", True))
    )


@torch_op()
def argmin(input, dim=None, keepdim=False):
    if input.dtype is _dtype.bool:
        raise RuntimeError("argmin(): does not support bool input")
    d = None if dim is None else wrap_dim(dim, input.ndim)
    _check_arg_extremum("argmin", input, d)
    return apply(
        "argmin", _argmax, [input], (("axis", d if input.ndim else None), ("keepdims", keepdim), ("is_max", False))
    )


def _all(a, *, axis, keepdims):
    return jnp.all(a, axis=axis, keepdims=keepdims)


def _any(a, *, axis, keepdims):
    return jnp.any(a, axis=axis, keepdims=keepdims)


def _bool_reduce(fn, input, dim, keepdim):
    out = apply(fn.__name__, fn, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim)))
    return out if input.dtype is not _dtype.uint8 else out.to(_dtype.uint8)


@torch_op()
def all(input, dim=None, keepdim=False):
    return _bool_reduce(_all, input, dim, keepdim)


@torch_op()
def any(input, dim=None, keepdim=False):
    return _bool_reduce(_any, input, dim, keepdim)


def _logsumexp(a, *, axis, keepdims):
    return jax.nn.logsumexp(a, axis=axis, keepdims=keepdims)


@torch_op()
def logsumexp(input, dim, keepdim=False):
    input = input.to(float_dtype_for(input.dtype))
    return apply(
        "LogsumexpBackward0", _logsumexp, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim))
    )


def _cumsum(a, *, axis, dt):
    return jnp.cumsum(a.astype(dt), axis=axis).reshape(a.shape)


def _cumprod(a, *, axis, dt):
    return jnp.cumprod(a.astype(dt), axis=axis).reshape(a.shape)


@torch_op(inplace=True)
def cumsum(input, dim, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    _check_grad_dtype(input, dt)
    return apply(
        "CumsumBackward0",
        _cumsum,
        [input],
        (("axis", wrap_dim(dim, input.ndim) if input.ndim else None), ("dt", dt.np)),
    )


@torch_op(inplace=True)
def cumprod(input, dim, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    _check_grad_dtype(input, dt)
    return apply(
        "CumprodBackward0",
        _cumprod,
        [input],
        (("axis", wrap_dim(dim, input.ndim) if input.ndim else None), ("dt", dt.np)),
    )


@torch_op()
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm as torch's strided path: ``linalg.vector_norm`` (``"fro"`` over at most two dims, or a
    number), else ``linalg.matrix_norm`` (``"nuc"``, and torch's errors for other strings)."""
    from jtorch._ops.linalg import linalg_matrix_norm, linalg_vector_norm

    _dim = [dim] if isinstance(dim, builtins.int) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, builtins.int) or len(dim) <= 2):
            return linalg_vector_norm(input, 2, _dim, keepdim, dtype=dtype, out=out)
        if _dim is None:
            _dim = list(builtins.range(input.ndim))
        return linalg_matrix_norm(input, p, _dim, keepdim, dtype=dtype, out=out)
    return linalg_vector_norm(input, 2.0 if p is None else p, _dim, keepdim, dtype=dtype, out=out)


def _count_nonzero(a, *, axis):
    return jnp.sum(a != 0, axis=axis).astype(jnp.int64)


@torch_op()
def count_nonzero(input, dim=None):
    return apply("count_nonzero", _count_nonzero, [input], (("axis", wrap_dims(dim, input.ndim)),))


# --- softmax (torch.softmax / Tensor.softmax share nn.functional's definition) ---------------------


@torch_op()
def softmax(input, dim, dtype=None):
    """``torch.softmax``: ``nn.functional.softmax`` with a required ``dim``."""
    from jtorch.nn.functional import softmax as _f

    if _softmax_trivial(input, dim, dtype, "softmax"):
        return input.to(dtype) if dtype is not None else input.clone()
    return _f(input, dim, dtype=dtype)


@torch_op()
def log_softmax(input, dim, dtype=None):
    from jtorch.nn.functional import log_softmax as _f

    if _softmax_trivial(input, dim, dtype, "log_softmax"):
        return input.to(dtype) if dtype is not None else input.clone()
    return _f(input, dim, dtype=dtype)


def _softmax_trivial(input, dim, dtype, name) -> bool:
    """Checks in torch's order (dim, then dtype); an empty input returns without reaching a kernel."""
    d = wrap_dim(dim, input.ndim)
    if input.numel() == 0:
        return True
    if dtype is None and not input.dtype.is_floating_point:
        kernel = f"{name}_lastdim_kernel_impl" if d == builtins.max(input.ndim - 1, 0) else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_name(input.dtype)}'")
    return False


# --- order statistics ------------------------------------------------------------------------------


def _check_float(name: str, input) -> None:
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")


def _evenly(a, v):
    """``v`` in the forward; in the backward, the gradient split evenly over the elements equal to
    ``v`` (ATen's evenly_distribute_backward for median/nanmedian without dim)."""
    mask = (a == v) | (jnp.isnan(a) & jnp.isnan(v))
    count = jnp.maximum(jnp.sum(mask), 1)
    return jax.lax.stop_gradient(v) + jnp.sum(jnp.where(mask, a - jax.lax.stop_gradient(a), 0)) / count


def _median_all(a, *, ignore_nan):
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        flat = jnp.sort(a.reshape(-1))
        return flat[(flat.size - 1) // 2]
    flat = jnp.sort(a.reshape(-1))  # NaN sorts last
    nan = jnp.isnan(flat)
    n = jnp.sum(~nan) if ignore_nan else flat.size
    k = jnp.maximum((n - 1) // 2, 0)
    v = flat[k] if flat.size else jnp.asarray(jnp.nan, a.dtype)
    if flat.size:
        v = jnp.where((n == 0) | (jnp.any(nan) & (not ignore_nan)), jnp.nan, v)
        return _evenly(a.reshape(-1), v)
    return v


def _median_dim(a, *, axis, keepdims, ignore_nan):
    # lower median of each slice; a stable sort makes ties pick torch's index, NaNs sort last
    order = jnp.argsort(a, axis=axis, stable=True)
    nan = jnp.isnan(a)
    n_valid = jnp.sum(~nan, axis=axis, keepdims=True)
    n = a.shape[axis]
    if ignore_nan:
        k = jnp.maximum((n_valid - 1) // 2, 0)
    else:
        # a slice with NaN reports its first NaN, which the stable sort puts at position n_valid
        k = jnp.where(n_valid < n, n_valid, (n - 1) // 2)
    idx = jnp.take_along_axis(order, k, axis=axis)
    val = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        val, idx = jnp.squeeze(val, axis), jnp.squeeze(idx, axis)
    return val, idx.astype(jnp.int64)


def _median(name, input, dim, keepdim, ignore_nan):
    if dim is None:
        if kind_is_bool(input):
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
        return apply(f"{name.capitalize()}Backward0", _median_all, [input], (("ignore_nan", ignore_nan),))
    d = wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if input.ndim == 0:
        return values_indices[name](input.clone(), Tensor._wrap(jnp.zeros((), jnp.int64)))
    v, i = apply(
        f"{name.capitalize()}Backward1",
        _median_dim,
        [input],
        (("axis", d), ("keepdims", keepdim), ("ignore_nan", ignore_nan)),
    )
    return values_indices[name](v, i)


def kind_is_bool(t) -> bool:
    return t.dtype is _dtype.bool


@torch_op()
def median(input, dim=None, keepdim=False):
    """Lower median (no averaging); without ``dim`` a 0-d value, with ``dim`` (values, indices)."""
    return _median("median", input, dim, keepdim, False)


@torch_op()
def nanmedian(input, dim=None, keepdim=False):
    """``median`` ignoring NaN (NaN only where a slice is all NaN)."""
    return _median("nanmedian", input, dim, keepdim, True)


def _mode(a, *, axis, keepdims):
    # most frequent value of each slice; ties go to the smallest value and the index is that
    # value's last occurrence, as ATen's CPU kernel does. O(n^2) per slice: slices are small.
    x = jnp.moveaxis(a, axis, -1)
    eq = x[..., :, None] == x[..., None, :]
    counts = jnp.sum(eq, axis=-1)
    best = jnp.max(counts, axis=-1, keepdims=True)
    cand = jnp.where(counts == best, x, jnp.max(x, axis=-1, keepdims=True) if x.dtype != jnp.bool_ else True)
    val = jnp.min(cand, axis=-1, keepdims=True)
    pos = jnp.arange(x.shape[-1])
    idx = jnp.max(jnp.where(x == val, pos, -1), axis=-1, keepdims=True)
    val = jnp.take_along_axis(x, idx, axis=-1)
    val, idx = jnp.moveaxis(val, -1, axis), jnp.moveaxis(idx, -1, axis)
    if not keepdims:
        val, idx = jnp.squeeze(val, axis), jnp.squeeze(idx, axis)
    return val, idx.astype(jnp.int64)


@torch_op()
def mode(input, dim=-1, keepdim=False):
    """Most frequent value along ``dim`` (smallest on ties) and the index of its last occurrence."""
    if input.ndim == 0:
        return values_indices["mode"](input.clone(), Tensor._wrap(jnp.zeros((), jnp.int64)))
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    v, i = apply("ModeBackward0", _mode, [input], (("axis", d), ("keepdims", keepdim)))
    return values_indices["mode"](v, i)


def _quantile(a, q, *, axis, keepdims, method, ignore_nan, q_scalar):
    # ATen's algorithm (native/Sorting.cpp): sort (NaN last); rank = q * (n - 1), or q * (n_valid - 1)
    # for nanquantile; a slice with NaN gets rank n - 1 (so quantile is NaN); then gather and lerp
    x = a.reshape(-1) if axis is None else jnp.moveaxis(a, axis, -1)
    x = jnp.sort(x, axis=-1)  # (..., n)
    n = x.shape[-1]
    nan = jnp.isnan(x)
    qv = jnp.reshape(q, (-1,)).astype(x.dtype)  # (Q,)
    if ignore_nan:
        ranks = qv * (jnp.sum(~nan, axis=-1, keepdims=True) - 1).astype(x.dtype)
        ranks = jnp.where(ranks < 0, 0, ranks)
    else:
        ranks = jnp.maximum(qv * (n - 1), jnp.any(nan, axis=-1, keepdims=True) * (n - 1)).astype(x.dtype)
    if method == "lower":
        ranks = jnp.floor(ranks)
    elif method == "higher":
        ranks = jnp.ceil(ranks)
    elif method == "nearest":
        ranks = jnp.round(ranks)  # half to even, as torch
    below_idx = ranks.astype(jnp.int32)
    out = jnp.take_along_axis(x, below_idx, axis=-1)
    if method in ("linear", "midpoint"):
        w = jnp.full_like(ranks, 0.5) if method == "midpoint" else ranks - below_idx
        above = jnp.take_along_axis(x, jnp.ceil(ranks).astype(jnp.int32), axis=-1)
        out = jnp.where(jnp.abs(w) < 0.5, out + w * (above - out), above - (above - out) * (1 - w))
    out = jnp.moveaxis(out, -1, 0)  # (Q, ...)
    if keepdims:
        out = out.reshape(out.shape[:1] + (1,) * a.ndim) if axis is None else jnp.expand_dims(out, axis + 1)
    return out[0] if q_scalar else out


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_op(name, input, q, dim, keepdim, interpolation, ignore_nan):
    if input.numel() == 0 and dim is None:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _QUANTILE_METHODS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. Got {interpolation}"
        )
    q_scalar = not isinstance(q, Tensor)
    if q_scalar:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        qt = float(q)
    else:
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._data
        if not isinstance(qa, jax.core.Tracer) and bool(jnp.any((qa < 0) | (qa > 1))):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        q_scalar = q.ndim == 0
        qt = q
    axis = None if dim is None else wrap_dim(dim, input.ndim)
    if input.ndim == 0 and axis is not None:
        axis = None
    statics = (
        ("axis", axis),
        ("keepdims", keepdim),
        ("method", interpolation),
        ("ignore_nan", ignore_nan),
        ("q_scalar", q_scalar),
    )
    return apply("QuantileBackward0" if not ignore_nan else "NanquantileBackward0", _quantile, [input, qt], statics)


@torch_op()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """q-th quantiles along ``dim`` (all elements if None); a 1-d ``q`` adds a leading dimension."""
    return _quantile_op("quantile", input, q, dim, keepdim, interpolation, False)


@torch_op()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """``quantile`` ignoring NaN."""
    return _quantile_op("nanquantile", input, q, dim, keepdim, interpolation, True)


# --- scans -------------------------------------------------------------------------------------------


def _cum_extremum(a, *, axis, is_max):
    # scan over (value, index) pairs: a later element wins on ties (>= / <=) and NaN wins and sticks,
    # as ATen's cummax/cummin; the values are gathered so the gradient goes to the chosen index
    idx = jax.lax.broadcasted_iota(jnp.int64, a.shape, axis)

    def combine(left, right):
        lv, li = left
        rv, ri = right
        better = (rv >= lv) if is_max else (rv <= lv)
        take_right = jnp.isnan(rv) | (~jnp.isnan(lv) & better) if jnp.issubdtype(a.dtype, jnp.inexact) else better
        return jnp.where(take_right, rv, lv), jnp.where(take_right, ri, li)

    _, best = jax.lax.associative_scan(combine, (a, idx), axis=axis)
    return jnp.take_along_axis(a, best, axis=axis), best


def _cum_ext_op(name, input, dim, is_max):
    d = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return values_indices[name](input.clone(), Tensor._wrap(jnp.zeros((), jnp.int64)))
    v, i = apply(
        "CummaxBackward0" if is_max else "CumminBackward0", _cum_extremum, [input], (("axis", d), ("is_max", is_max))
    )
    return values_indices[name](v, i)


@torch_op()
def cummax(input, dim):
    """Running maximum along ``dim`` and the index where it was attained."""
    return _cum_ext_op("cummax", input, dim, True)


@torch_op()
def cummin(input, dim):
    return _cum_ext_op("cummin", input, dim, False)


def _logcumsumexp(a, *, axis):
    return jax.lax.cumlogsumexp(a, axis=axis)


@torch_op()
def logcumsumexp(input, dim):
    """``log(cumsum(exp(input)))`` computed stably."""
    d = wrap_dim(dim, input.ndim)
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_dtype.type_name(input.dtype)}'")
    if input.ndim == 0:
        return input.clone()
    return apply("LogcumsumexpBackward0", _logcumsumexp, [input], (("axis", d),))


def _diff(*arrays, n, axis):
    a = jnp.concatenate(arrays, axis=axis) if len(arrays) > 1 else arrays[0]
    for _ in range(n):
        if a.shape[axis] == 0:
            break
        lo = jax.lax.slice_in_dim(a, 0, a.shape[axis] - 1, axis=axis)
        hi = jax.lax.slice_in_dim(a, 1, a.shape[axis], axis=axis)
        a = (hi != lo) if a.dtype == jnp.bool_ else hi - lo  # bool: logical_xor, as torch
    return a


@torch_op()
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """n-th forward difference along ``dim``, after concatenating ``prepend``/``append``."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, input.ndim)
    parts = [input]
    for name, t in (("prepend", prepend), ("append", append)):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {type(t).__name__}")
        if t.ndim != input.ndim:
            raise RuntimeError(f"diff expects {name} or its broadcast to be the same number of dimensions as input")
        if name == "prepend":
            parts.insert(0, t)
        else:
            parts.append(t)
    dt = _dtype.result_type(*parts) if len(parts) > 1 else input.dtype
    parts = [p.to(dt) for p in parts]
    return apply("DiffBackward0", _diff, parts, (("n", n), ("axis", d)))


@torch_op()
def dist(input, other, p=2):
    """``norm(input - other, p)`` over all elements."""
    for t in (input, other):
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError(
                f"norm(): input dtype should be either floating point or complex. Got {_dtype.type_name(t.dtype)} instead."
            )
    from jtorch._ops.pointwise import sub

    return norm(sub(input, other), p)


# --- counting ----------------------------------------------------------------------------------------


def _histc(a, lo, hi, *, bins):
    # ATen: the bin of x is floor((x - lo) * bins / (hi - lo)); x == hi goes in the last bin;
    # values outside [lo, hi] (and NaN) are ignored
    a = a.reshape(-1)
    pos = jnp.floor((a - lo) * bins / (hi - lo)).astype(jnp.int64)
    pos = jnp.where(a == hi, bins - 1, pos)
    keep = (a >= lo) & (a <= hi)
    return jnp.zeros((bins,), a.dtype).at[jnp.where(keep, pos, bins)].add(1, mode="drop")


@torch_op()
def histc(input, bins=100, min=0, max=0):
    """Histogram with ``bins`` equal bins over [min, max] (the data's range when both are 0)."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_dtype.type_name(input.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and input.numel() > 0:
        lo, hi = float(input.min()), float(input.max())  # data-dependent range: reads values back
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc(): max must be larger than min, but got min {lo} max {hi}")
    if not (jnp.isfinite(lo) and jnp.isfinite(hi)):
        raise RuntimeError(f"torch.histc(): range of [{lo}, {hi}] is not finite")
    return apply("histc", _histc, [input, lo, hi], (("bins", builtins.int(bins)),))


def _bincount(a, w, *, length, dt):
    vals = jnp.ones(a.shape, dt) if w is None else w.astype(dt)
    return jnp.zeros((length,), dt).at[a].add(vals)


@torch_op()
def bincount(input, weights=None, minlength=0):
    """Counts (or summed ``weights``) of each non-negative integer; the length depends on the data,
    so the maximum is read back to the host (not traceable under jit)."""
    if input.dtype.is_floating_point or input.dtype.is_complex or input.dtype is _dtype.bool:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_dtype.type_name(input.dtype)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1 or (input.numel() and builtins.int(input.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    length = builtins.max(builtins.int(input.max()) + 1 if input.numel() else 0, builtins.int(minlength))
    if weights is None:
        dt = _dtype.int64
    else:
        dt = weights.dtype if weights.dtype in (_dtype.float32, _dtype.float64) else _dtype.float64
    return apply("bincount", _bincount, [input, weights], (("length", length), ("dt", dt.np)))
