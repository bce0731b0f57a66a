"""torch.nn.functional pooling: max/avg/lp/adaptive pooling and max_unpool.

Max and average pooling are ``jax.lax.reduce_window`` over the last n dims (padding applied by
``lax.pad`` with -inf / 0, extended on the high side for ``ceil_mode``); average pooling divides by a
constant divisor array computed on the host with torch's formula (count_include_pad, divisor_override,
windows clipped by ceil_mode). Pooling with indices and adaptive max pooling gather each output's
window (index arrays built on the host) and take the first maximum, as torch does, so ties and the
flat ``H * W`` indices are torch's. Adaptive average pooling is separable: each dim is a masked window
sum over torch's ``[floor(i*L/o), ceil((i+1)*L/o))`` ranges.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

import jtorch
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
    "max_unpool3d", "fractional_max_pool2d", "fractional_max_pool3d",
]  # fmt: skip


def _tuple(v, n: int) -> tuple:
    if isinstance(v, (list, tuple)):
        return tuple(int(e) for e in v) if len(v) != 1 else (int(v[0]),) * n
    return (int(v),) * n


def _lowest(dt):
    return -jnp.inf if jnp.issubdtype(dt, jnp.floating) else jnp.iinfo(dt).min


def _out_size(L: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    """torch's pooling_output_shape."""
    num = L + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    out = num // s + 1
    if ceil and (out - 1) * s >= L + p:
        out -= 1
    return out


# ---- pure functions ---------------------------------------------------------------------------------------------


def _pad_cfg(lead: int, pads) -> list:
    return [(0, 0, 0)] * lead + [(lo, hi, 0) for lo, hi in pads]


def _max_pool(x, *, k, s, d, pads):
    n = len(k)
    lead = x.ndim - n
    xp = jax.lax.pad(x, jnp.asarray(_lowest(x.dtype), x.dtype), _pad_cfg(lead, pads))
    return jax.lax.reduce_window(
        xp, _lowest(x.dtype), jax.lax.max, (1,) * lead + k, (1,) * lead + s, "VALID", None, (1,) * lead + d
    )


def _avg_pool(x, divisor, *, k, s, pads):
    n = len(k)
    lead = x.ndim - n
    xp = jax.lax.pad(x, jnp.zeros((), x.dtype), _pad_cfg(lead, pads))
    tot = jax.lax.reduce_window(xp, np.zeros((), x.dtype), jax.lax.add, (1,) * lead + k, (1,) * lead + s, "VALID")
    return tot / divisor.astype(x.dtype)


def _gather_windows(x, idx, valid):
    """x (..., L1..Ln); idx/valid per dim (o_d, K_d) -> windows (..., o1..on, K1*...*Kn), invalid = lowest."""
    n = len(idx)
    lead = x.ndim - n
    grids = []
    for i, ix in enumerate(idx):
        shape = [1] * (2 * n)
        shape[2 * i], shape[2 * i + 1] = ix.shape
        grids.append(ix.reshape(shape))
    w = x[(Ellipsis, *grids)]  # (..., o1, K1, o2, K2, ...)
    mask = jnp.ones((), bool)
    for i, v in enumerate(valid):
        shape = [1] * (2 * n)
        shape[2 * i], shape[2 * i + 1] = v.shape
        mask = mask & v.reshape(shape)
    w = jnp.where(mask, w, jnp.asarray(_lowest(x.dtype), x.dtype))
    perm = list(range(lead)) + [lead + 2 * i for i in range(n)] + [lead + 2 * i + 1 for i in range(n)]
    w = w.transpose(perm)
    return w.reshape(w.shape[: lead + n] + (-1,))


def _max_with_indices(x, idx, valid, *, kshape, in_shape):
    """Windowed max taking the first maximum (NaN counts as maximum, as torch); returns (values, flat indices)."""
    idx, valid = [jnp.asarray(i) for i in idx], [jnp.asarray(v) for v in valid]
    w = _gather_windows(x, [jnp.clip(i, 0, L - 1) for i, L in zip(idx, in_shape)], valid)
    a = jnp.argmax(w, axis=-1)
    val = jnp.take_along_axis(w, a[..., None], axis=-1)[..., 0]
    # flat index in the (L1, ..., Ln) input of the chosen window element
    ks = np.unravel_index(np.arange(math.prod(kshape)), kshape)
    flat = jnp.zeros(a.shape, jnp.int64)
    n = len(idx)
    for i in range(n):
        # position of element k_i of output o_i along dim i, broadcast over the output grid
        pos_i = idx[i][:, ks[i]]  # (o_i, K)
        shape = [1] * n + [pos_i.shape[1]]
        shape[i] = pos_i.shape[0]
        pos = jnp.broadcast_to(pos_i.reshape(shape), a.shape[-n:] + (pos_i.shape[1],))
        chosen = jnp.take_along_axis(jnp.broadcast_to(pos, a.shape + (pos.shape[-1],)), a[..., None], axis=-1)[..., 0]
        flat = flat * in_shape[i] + chosen
    return val, flat


def _max_idx_op(x, *ix, kshape, in_shape):
    n = len(in_shape)
    return _max_with_indices(x, ix[:n], ix[n:], kshape=kshape, in_shape=in_shape)


def _adaptive_avg(x, *, out):
    n = len(out)
    lead = x.ndim - n
    for i, o in enumerate(out):
        ax = lead + i
        L = x.shape[ax]
        starts = np.array([(j * L) // o for j in range(o)])
        ends = np.array([-((-(j + 1) * L) // o) for j in range(o)])
        K = int((ends - starts).max())
        ix = np.minimum(starts[:, None] + np.arange(K), L - 1)
        valid = np.arange(K)[None, :] < (ends - starts)[:, None]
        w = jnp.take(x, jnp.asarray(ix.reshape(-1)), axis=ax)
        w = w.reshape(x.shape[:ax] + (o, K) + x.shape[ax + 1 :])
        vshape = [1] * w.ndim
        vshape[ax], vshape[ax + 1] = o, K
        w = jnp.where(jnp.asarray(valid).reshape(vshape), w, jnp.zeros((), x.dtype))
        cnt = (
            jnp.asarray((ends - starts).astype(np.float64)).astype(x.dtype).reshape(vshape[: ax + 1] + vshape[ax + 2 :])
        )
        x = w.sum(axis=ax + 1) / cnt
    return x


def _unpool(x, ind, *, out):
    n = len(out)
    lead = x.shape[: x.ndim - n]
    xf = x.reshape(lead + (-1,))
    if_ = ind.reshape(lead + (-1,))
    z = jnp.zeros(lead + (math.prod(out),), x.dtype)
    rows = tuple(jnp.arange(s).reshape((-1,) + (1,) * (len(lead) - i)) for i, s in enumerate(lead))
    return z.at[(*rows, if_)].set(xf).reshape(lead + out)


# ---- argument handling ------------------------------------------------------------------------------------------


def _check_rank(input: Tensor, n: int, fname: str) -> bool:
    if input.ndim not in (n + 1, n + 2) or input.numel() == 0 and input.ndim == n + 1:
        if fname == "max_pool1d":
            raise RuntimeError(
                "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                f"but got:{list(input.shape)}"
            )
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    return input.ndim == n + 2


def _pool_geometry(input, n, kernel_size, stride, padding, dilation, ceil_mode, fname):
    """Validated (k, s, p, d, out sizes, pads-with-ceil-extension), torch's checks and messages."""
    k = _tuple(kernel_size, n)
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else _tuple(stride, n)
    p, d = _tuple(padding, n), _tuple(dilation, n)
    if any(v <= 0 for v in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[-1]}")
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[-1]}")
    for ki, pi, di in zip(k, p, d):
        if pi > (di * (ki - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={pi}, kernel_size={ki} and "
                f"dilation={di}"
            )
    spatial = tuple(input.shape[-n:])
    out = tuple(_out_size(L, ki, si, pi, di, ceil_mode) for L, ki, si, pi, di in zip(spatial, k, s, p, d))
    if any(o <= 0 for o in out):
        if n == 1 and fname == "max_pool1d":
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {out[0]}")
        c = input.shape[-n - 1] if input.ndim > n else 1
        ins = "x".join(str(v) for v in (c, *spatial) if True)
        outs = "x".join(str(v) for v in (c, *out))
        if n == 1:
            ins, outs = f"{c}x1x{spatial[0]}", f"{c}x1x{out[0]}"
        raise RuntimeError(f"Given input size: ({ins}). Calculated output size: ({outs}). Output size is too small")
    # high padding so the padded length is exactly what the out windows read (crops when negative)
    pads = tuple(
        (pi, (o - 1) * si + di * (ki - 1) + 1 - L - pi) for L, ki, si, pi, di, o in zip(spatial, k, s, p, d, out)
    )
    return k, s, p, d, out, pads


def _window_index(L, k, s, p, d, o):
    idx = np.arange(o)[:, None] * s - p + np.arange(k)[None, :] * d
    return idx.astype(np.int64), (idx >= 0) & (idx < L)


def _max_pool_nd(input, n, kernel_size, stride, padding, dilation, ceil_mode, return_indices, fname):
    _check_rank(input, n, fname)
    k, s, p, d, out, pads = _pool_geometry(input, n, kernel_size, stride, padding, dilation, ceil_mode, fname)
    if not return_indices:
        name = "SqueezeBackward1" if n == 1 else f"MaxPool{n}DWithIndicesBackward0"
        return apply(name, _max_pool, [input], (("k", k), ("s", s), ("d", d), ("pads", pads)))
    spatial = tuple(input.shape[-n:])
    ix = [_window_index(*a) for a in zip(spatial, k, s, p, d, out)]
    args = [input] + [Tensor._wrap(jnp.asarray(i)) for i, _ in ix] + [Tensor._wrap(jnp.asarray(v)) for _, v in ix]
    name = "SqueezeBackward1" if n == 1 else f"MaxPool{n}DWithIndicesBackward0"
    return apply(name, _max_idx_op, args, (("kshape", k), ("in_shape", spatial)))


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):  # fmt: skip
    """1-d max pooling returning (values, indices into L)."""
    return _max_pool_nd(input, 1, kernel_size, stride, padding, dilation, ceil_mode, True, "max_pool1d")


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):  # fmt: skip
    """2-d max pooling returning (values, flat indices into H*W)."""
    return _max_pool_nd(input, 2, kernel_size, stride, padding, dilation, ceil_mode, True, "max_pool2d")


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):  # fmt: skip
    """3-d max pooling returning (values, flat indices into D*H*W)."""
    return _max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode, True, "max_pool3d")


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):  # fmt: skip
    """1-d max pooling over (N, C, L) or (C, L)."""
    return _max_pool_nd(input, 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool1d")


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):  # fmt: skip
    """2-d max pooling over (N, C, H, W) or (C, H, W)."""
    return _max_pool_nd(input, 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool2d")


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):  # fmt: skip
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool3d")


def _avg_divisor(L, k, s, p, o, count_include_pad):
    """torch's per-dim window size (AvgPoolKernel.cpp): clipped to input+pad, then to the input if excluding pad."""
    start = np.arange(o) * s - p
    end = np.minimum(start + k, L + p)
    size = end - start
    if count_include_pad:
        return size
    return np.minimum(end, L) - np.maximum(start, 0)


def _avg_pool_nd(input, n, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, fname):
    _check_rank(input, n, fname)
    k, s, p, _, out, pads = _pool_geometry(input, n, kernel_size, stride, padding, 1, ceil_mode, fname)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        div = np.full(out, float(divisor_override))
    else:
        div = np.ones(())
        for i, (L, ki, si, pi, o) in enumerate(zip(input.shape[-n:], k, s, p, out)):
            shape = [1] * n
            shape[i] = o
            div = div * _avg_divisor(L, ki, si, pi, o, count_include_pad).reshape(shape)
    name = "SqueezeBackward1" if n == 1 else f"AvgPool{n}DBackward0"
    return apply(name, _avg_pool, [input, Tensor._wrap(jnp.asarray(div, jnp.float64))], (("k", k), ("s", s), ("pads", pads)))  # fmt: skip


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:  # fmt: skip
    """1-d average pooling over (N, C, L) or (C, L)."""
    return _avg_pool_nd(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None, "avg_pool1d")


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """2-d average pooling over (N, C, H, W) or (C, H, W)."""
    return _avg_pool_nd(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, "avg_pool2d")  # fmt: skip


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _avg_pool_nd(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, "avg_pool3d")  # fmt: skip


def _adaptive_out(input, n, output_size, fname, colon=False) -> tuple:
    if input.ndim not in (n + 1, n + 2):
        sep = ": " if colon else " "
        raise RuntimeError(f"{fname}(): Expected {n + 1}D or {n + 2}D tensor, but got{sep}{list(input.shape)}")
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != n:
            raise RuntimeError(f"{fname}: internal error: output_size.size() must be {n}")
        out = tuple(int(input.shape[-n + i]) if v is None else int(v) for i, v in enumerate(output_size))
    else:
        out = (int(output_size),) * n
    for d in range(input.ndim - n, input.ndim):
        if input.shape[d] <= 0:
            raise RuntimeError(
                f"{fname}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                f"{list(input.shape)} with dimension {d} being empty"
            )
    return out


def _adaptive_avg_nd(input, n, output_size, fname):
    out = _adaptive_out(input, n, output_size, fname)
    name = "SqueezeBackward1" if n == 1 else f"AdaptiveAvgPool{n}DBackward0"
    return apply(name, _adaptive_avg, [input], (("out", out),))


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average over torch's adaptive windows to ``output_size`` along L."""
    return _adaptive_avg_nd(input, 1, output_size, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average over torch's adaptive windows to ``output_size`` (None keeps a dim)."""
    return _adaptive_avg_nd(input, 2, output_size, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Average over torch's adaptive windows to ``output_size`` (None keeps a dim)."""
    return _adaptive_avg_nd(input, 3, output_size, "adaptive_avg_pool3d")


def _adaptive_windows(L, o):
    starts = np.array([(j * L) // o for j in range(o)])
    ends = np.array([-((-(j + 1) * L) // o) for j in range(o)])
    K = int((ends - starts).max())
    ix = starts[:, None] + np.arange(K)
    return ix.astype(np.int64), ix < ends[:, None]


def _adaptive_max_nd(input, n, output_size, return_indices, fname):
    out = _adaptive_out(input, n, output_size, fname, colon=True)
    spatial = tuple(input.shape[-n:])
    ix = [_adaptive_windows(L, o) for L, o in zip(spatial, out)]
    kshape = tuple(i.shape[1] for i, _ in ix)
    args = [input] + [Tensor._wrap(jnp.asarray(i)) for i, _ in ix] + [Tensor._wrap(jnp.asarray(v)) for _, v in ix]
    name = "SqueezeBackward1" if n == 1 else f"AdaptiveMaxPool{n}DBackward0"
    val, ind = apply(name, _max_idx_op, args, (("kshape", kshape), ("in_shape", spatial)))
    return (val, ind) if return_indices else val


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    return _adaptive_max_nd(input, 1, output_size, True, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    return _adaptive_max_nd(input, 2, output_size, True, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    return _adaptive_max_nd(input, 3, output_size, True, "adaptive_max_pool3d")


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Max over torch's adaptive windows along L (first maximum's index with ``return_indices``)."""
    return _adaptive_max_nd(input, 1, output_size, return_indices, "adaptive_max_pool1d")


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max over torch's adaptive windows (flat H*W indices with ``return_indices``)."""
    return _adaptive_max_nd(input, 2, output_size, return_indices, "adaptive_max_pool2d")


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """Max over torch's adaptive windows (flat D*H*W indices with ``return_indices``)."""
    return _adaptive_max_nd(input, 3, output_size, return_indices, "adaptive_max_pool3d")


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n):
    """torch's formula: ``(sign(a) * relu(|a|) * prod(k)) ** (1/p)`` with ``a = avg_pool(x ** p)``."""
    k = _tuple(kernel_size, n)
    pool = (avg_pool1d, avg_pool2d, avg_pool3d)[n - 1]
    out = pool(input.pow(norm_type), k, stride, 0, ceil_mode)
    return (jtorch.sign(out) * jtorch.nn.functional.relu(jtorch.abs(out))).mul(math.prod(k)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling ``(sum x**p) ** (1/p)`` over 1-d windows."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over 2-d windows."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over 3-d windows."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


def _unpool_output_size(input, kernel_size, stride, padding, output_size, n):
    """torch's F._unpool_output_size: default (in - 1) * s - 2p + k, or a checked ``output_size``."""
    k, s, p = _tuple(kernel_size, n), _tuple(kernel_size if stride is None else stride, n), _tuple(padding, n)
    in_size = tuple(input.shape[-n:])
    default = [(in_size[d] - 1) * s[d] + k[d] - 2 * p[d] for d in range(n)]
    if output_size is None:
        return tuple(default)
    output_size = list(output_size)
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError(
            f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a length of "
            f"'{len(output_size)}'"
        )
    for d in range(n):
        min_size = default[d] - s[d]
        max_size = default[d] + s[d]
        if not (min_size < output_size[d] < max_size):
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {min_size} and {max_size})')
    return tuple(int(v) for v in output_size)


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, n):
    out = _unpool_output_size(input, kernel_size, stride, padding, output_size, n)
    if indices.dtype is not jtorch.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) but got "
            f"indices tensor with shape: {list(indices.shape)}"
        )
    mx = int(indices.max()) if indices.numel() else 0
    if mx >= math.prod(out) or (indices.numel() and int(indices.min()) < 0):
        raise RuntimeError(f"Found an invalid max index: {mx} (output volumes are of size {'x'.join(map(str, out))}")
    return apply(f"MaxUnpool{n}DBackward0", _unpool, [input, indices], (("out", out),))


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Partial inverse of max_pool1d: scatter values to their indices, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Partial inverse of max_pool2d: scatter values to their flat H*W indices, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Partial inverse of max_pool3d."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


def fractional_max_pool2d(*args, **kwargs):
    """Not implemented: fractional max pooling (random pseudo-pooling regions) is not available in jtorch."""
    raise NotImplementedError("F.fractional_max_pool2d is not implemented in jtorch")


def fractional_max_pool3d(*args, **kwargs):
    """Not implemented: fractional max pooling (random pseudo-pooling regions) is not available in jtorch."""
    raise NotImplementedError("F.fractional_max_pool3d is not implemented in jtorch")
