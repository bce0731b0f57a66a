"""Reductions with torch's ``dim``/``keepdim``/``dtype`` conventions and named-tuple results."""

from __future__ import annotations

import builtins
from collections import namedtuple

import jax
import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops._util import float_dtype_for, wrap_dim, wrap_dims
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import torch_op
from jtorch._tensor import Tensor


def _named(name, fields):
    cls = namedtuple(name, fields)
    cls.__module__ = "torch.return_types"
    cls.__repr__ = lambda self: f"torch.return_types.{name}(\n" + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self)) + ")"
    return cls


values_indices = {n: _named(n, ["values", "indices"]) for n in ("max", "min", "sort", "topk", "kthvalue", "median", "mode", "cummax", "cummin", "aminmax_", "nanmedian")}
aminmax_t = _named("aminmax", ["min", "max"])


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
    axes = wrap_dims(dim, input.ndim)
    return apply("NanmeanBackward0", _nanmean, [input], (("axis", axes), ("keepdims", keepdim)))


def _nanmean(a, *, axis, keepdims):
    return jnp.nanmean(a, axis=axis, keepdims=keepdims)


def _prod(a, *, axis, keepdims, dt):
    return jnp.prod(a.astype(dt), axis=axis, keepdims=keepdims)


@torch_op()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    axes = None if dim is None else (wrap_dim(dim, input.ndim),)
    return apply("ProdBackward0" if dim is None else "ProdBackward1", _prod, [input], (("axis", axes), ("keepdims", keepdim), ("dt", dt.np)))


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


def _var_args(input, dim, unbiased, keepdim, correction):
    # torch.var(x, True) means unbiased=True; torch.var(x, 0) means dim=0
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return (("axis", wrap_dims(dim, input.ndim)), ("correction", _correction(unbiased, correction)), ("keepdims", keepdim))


@torch_op()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return apply("VarBackward0", _var, [input], _var_args(input, dim, unbiased, keepdim, correction))


@torch_op()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return apply("StdBackward0", _std, [input], _var_args(input, dim, unbiased, keepdim, correction))


@torch_op(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim if not isinstance(dim, bool) else None, keepdim)


@torch_op(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim if not isinstance(dim, bool) else None, keepdim)


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
        return apply("MaxBackward1" if is_max else "MinBackward1", _amax if is_max else _amin, [input], (("axis", None), ("keepdims", False)))
    d = wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    v, i = apply("MaxBackward0" if is_max else "MinBackward0", _max_dim, [input], (("axis", d if input.ndim else None), ("keepdims", keepdim), ("is_max", is_max)))
    return values_indices[name](v, i)


@torch_op()
def max(input, dim=None, keepdim=False, *, other=None):
    return _extremum(input, dim, keepdim, other, True)


@torch_op()
def min(input, dim=None, keepdim=False, *, other=None):
    return _extremum(input, dim, keepdim, other, False)


@torch_op()
def amax(input, dim=(), keepdim=False):
    return apply("AmaxBackward0", _amax, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim)))


@torch_op()
def amin(input, dim=(), keepdim=False):
    return apply("AminBackward0", _amin, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim)))


@torch_op()
def aminmax(input, *, dim=None, keepdim=False):
    return aminmax_t(amin(input, () if dim is None else dim, keepdim), amax(input, () if dim is None else dim, keepdim))


def _argmax(a, *, axis, keepdims, is_max):
    f = jnp.argmax if is_max else jnp.argmin
    if axis is None:
        out = f(a.reshape(-1))
        return out.reshape((1,) * a.ndim).astype(jnp.int64) if keepdims else out.astype(jnp.int64)
    return f(a, axis=axis, keepdims=keepdims).astype(jnp.int64)


@torch_op()
def argmax(input, dim=None, keepdim=False):
    d = None if dim is None else wrap_dim(dim, input.ndim)
    return apply("argmax", _argmax, [input], (("axis", d if input.ndim else None), ("keepdims", keepdim), ("is_max", True)))


@torch_op()
def argmin(input, dim=None, keepdim=False):
    d = None if dim is None else wrap_dim(dim, input.ndim)
    return apply("argmin", _argmax, [input], (("axis", d if input.ndim else None), ("keepdims", keepdim), ("is_max", False)))


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
    return apply("LogsumexpBackward0", _logsumexp, [input], (("axis", wrap_dims(dim, input.ndim)), ("keepdims", keepdim)))


def _cumsum(a, *, axis, dt):
    return jnp.cumsum(a.astype(dt), axis=axis)


def _cumprod(a, *, axis, dt):
    return jnp.cumprod(a.astype(dt), axis=axis)


@torch_op(inplace=True)
def cumsum(input, dim, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    return apply("CumsumBackward0", _cumsum, [input], (("axis", wrap_dim(dim, input.ndim) if input.ndim else None), ("dt", dt.np)))


@torch_op(inplace=True)
def cumprod(input, dim, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    return apply("CumprodBackward0", _cumprod, [input], (("axis", wrap_dim(dim, input.ndim) if input.ndim else None), ("dt", dt.np)))


def _norm(a, p, *, axis, keepdims, kind):
    if kind == "fro" or kind == 2:
        if jnp.iscomplexobj(a):
            a = jnp.abs(a)
        return jnp.sqrt(jnp.sum(a * a, axis=axis, keepdims=keepdims))
    if kind == "inf":
        return jnp.max(jnp.abs(a), axis=axis, keepdims=keepdims)
    if kind == "-inf":
        return jnp.min(jnp.abs(a), axis=axis, keepdims=keepdims)
    if kind == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axis, keepdims=keepdims)
    if kind == 1:
        return jnp.sum(jnp.abs(a), axis=axis, keepdims=keepdims)
    return jnp.sum(jnp.abs(a) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


@torch_op()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_dtype.type_name(input.dtype)}")
    if p is None:
        p = "fro"
    if p == "nuc":
        raise NotImplementedError("torch.norm(p='nuc') is not implemented in jtorch yet")
    axes = wrap_dims(dim, input.ndim)
    if p == float("inf"):
        kind = "inf"
    elif p == float("-inf"):
        kind = "-inf"
    elif p in ("fro", 2, 2.0, 0, 0.0, 1, 1.0):
        kind = p if p == "fro" else builtins.int(p)
    else:
        kind = "p"
    return apply("NormBackward1", _norm, [input, None if kind != "p" else float(p)], (("axis", axes), ("keepdims", keepdim), ("kind", kind)))


def _count_nonzero(a, *, axis):
    return jnp.sum(a != 0, axis=axis).astype(jnp.int64)


@torch_op()
def count_nonzero(input, dim=None):
    return apply("count_nonzero", _count_nonzero, [input], (("axis", wrap_dims(dim, input.ndim)),))
