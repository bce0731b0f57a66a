"""torch.nn.functional pixel_shuffle / pixel_unshuffle / channel_shuffle: pure reshape-transpose ops.

interpolate/upsample, grid_sample, affine_grid, fold/unfold are not implemented yet (they raise
NotImplementedError saying so).
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from jtorch._dtype import uint8
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "interpolate",
           "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample", "affine_grid", "fold", "unfold"]  # fmt: skip


def _pixel_shuffle(x, *, r):
    *lead, c, h, w = x.shape
    oc = c // (r * r)
    y = x.reshape((*lead, oc, r, r, h, w))
    n = len(lead)
    y = y.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return y.reshape((*lead, oc, h * r, w * r))


def _pixel_unshuffle(x, *, r):
    *lead, c, h, w = x.shape
    y = x.reshape((*lead, c, h // r, r, w // r, r))
    n = len(lead)
    y = y.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return y.reshape((*lead, c * r * r, h // r, w // r))


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Rearrange (*, C * r**2, H, W) into (*, C, H * r, W * r)."""
    if input.ndim < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with {input.ndim} dimension(s)"
        )
    r = int(upscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, "
            f"but input.size(-3)={c} is not divisible by {r * r}"
        )
    return apply("PixelShuffleBackward0", _pixel_shuffle, [input], (("r", r),))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Rearrange (*, C, H * r, W * r) into (*, C * r**2, H, W)."""
    if input.ndim < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {input.ndim} dimension(s)"
        )
    r = int(downscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not "
            f"divisible by {r}"
        )
    if w % r:
        raise RuntimeError(
            f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not "
            f"divisible by {r}"
        )
    return apply("PixelUnshuffleBackward0", _pixel_unshuffle, [input], (("r", r),))


def _channel_shuffle(x, *, g):
    n, c = x.shape[:2]
    rest = x.shape[2:]
    return x.reshape((n, g, c // g) + rest).swapaxes(1, 2).reshape(x.shape)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Split channels into ``groups`` and interleave them: (N, g * k, *) -> channel j*g + i = old i*k + j."""
    if input.ndim <= 2:
        raise RuntimeError(
            f"channel_shuffle expects input to have at least 3 dimensions, but got input with {input.ndim} dimension(s)"
        )
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and {groups} groups."
        )
    return apply("ViewBackward0", _channel_shuffle, [input], (("g", int(groups)),))


native_channel_shuffle = channel_shuffle


# ---- interpolate ------------------------------------------------------------------------------------------------
# Source indices and weights are computed on the host at trace time with ATen's arithmetic (UpSample.h:
# area_pixel_compute_scale / area_pixel_compute_source_index / guard_index_and_lambda, in the op's "opmath"
# type: float32 for float32 and half inputs, float64 for float64), so the sampled positions are torch's bit
# for bit; the jitted function is then a separable gather-and-weight per spatial dim, last dim first (the
# order ATen's kernel nests them). jax.image.resize is not used: its sample positions and edge handling are
# not torch's (no align_corners, no torch-style clamping). antialias=True (bilinear/bicubic) uses ATen's
# normalized-filter taps (_compute_weights_aa) in the same separable gather-and-weight.

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


def _opmath(dt) -> type:
    return np.float64 if np.dtype(dt) == np.float64 else np.float32


def _compute_scale(L: int, O: int, align: bool, scale, op):
    """ATen's area_pixel_compute_scale."""
    if align:
        return op(L - 1) / op(O - 1) if O > 1 else op(0)
    if scale is not None and scale > 0:
        return op(1.0 / scale)
    return op(L) / op(O)


def _source_index(scale, i: np.ndarray, align: bool, cubic: bool, op) -> np.ndarray:
    """ATen's area_pixel_compute_source_index (evaluated in double, returned in opmath as C++ does)."""
    if align:
        return (np.float64(scale) * i).astype(op)
    r = (np.float64(scale) * (i + 0.5) - 0.5).astype(op)
    return r if cubic else np.maximum(r, op(0))


def _guard(r: np.ndarray, L: int, op):
    """ATen's guard_index_and_lambda: floor (in float32, as ``floorf``) clamped to L-1, lambda in [0, 1]."""
    idx = np.minimum(np.floor(r.astype(np.float32)).astype(np.int64), L - 1)
    lam = np.clip(r - idx.astype(op), op(0), op(1)).astype(op)
    return idx, lam


def _nearest_fwd_index(L: int, O: int, scale, exact: bool, op) -> np.ndarray:
    s = _compute_scale(L, O, False, scale, op)
    i = np.arange(O)
    if exact:
        r = _source_index(s, i, False, False, op).astype(np.float32) + np.float32(0.5)
    else:
        r = _source_index(s, i, True, False, op).astype(np.float32)
    return np.minimum(np.floor(r).astype(np.int64), L - 1)


def _nearest_bwd_index(L: int, O: int, scale, exact: bool) -> np.ndarray:
    """The indices ATen's *backward* kernel scatters to (nearest_idx / nearest_exact_idx): float32 scale, and for
    'nearest' the shortcuts O == L (copy) and O == 2L (i >> 1), which differ from the forward's indices when
    a scale_factor is given; torch's gradients follow these, so ours do too."""
    i = np.arange(O)
    if not exact:
        if O == L:
            return i
        if O == 2 * L:
            return i >> 1
    s = _compute_scale(L, O, False, scale, np.float32)
    r = (np.float64(s) * (i + 0.5) if exact else np.float64(s) * i).astype(np.float32)
    return np.minimum(np.floor(r).astype(np.int64), L - 1)


def _linear_taps(L: int, O: int, align: bool, scale, op):
    """(indices (O, 2), weights (O, 2)) of ATen's compute_source_index_and_lambda."""
    if O == L:  # ATen copies when the size is unchanged, whatever the scale
        i = np.arange(O)
        return np.stack([i, i], 1), np.stack([np.ones(O, op), np.zeros(O, op)], 1)
    s = _compute_scale(L, O, align, scale, op)
    i0, l1 = _guard(_source_index(s, np.arange(O), align, False, op), L, op)
    i1 = i0 + (i0 < L - 1)
    return np.stack([i0, i1], 1), np.stack([(op(1) - l1).astype(op), l1], 1)


def _cubic_coeffs(t: np.ndarray, op) -> np.ndarray:
    """ATen's get_cubic_upsample_coefficients (A = -0.75), in opmath."""
    A = op(-0.75)

    def conv1(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def conv2(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A

    t = t.astype(op)
    x2 = (op(1) - t).astype(op)
    return np.stack([conv2(t + op(1)), conv1(t), conv1(x2), conv2(x2 + op(1))], -1).astype(op)


def _cubic_taps(L: int, O: int, align: bool, scale, op):
    s = _compute_scale(L, O, align, scale, op)
    i0, t = _guard(_source_index(s, np.arange(O), align, True, op), L, op)
    idx = np.clip(i0[:, None] - 1 + np.arange(4), 0, L - 1)
    return idx, _cubic_coeffs(t, op)


def _aa_filter(x: np.ndarray, cubic: bool, op) -> np.ndarray:
    """ATen's antialias filters: triangle for bilinear, Keys cubic with a = -0.5 for bicubic (PIL's)."""
    x = np.abs(x.astype(op))
    if not cubic:
        return np.where(x < 1, op(1) - x, op(0)).astype(op)
    a = op(-0.5)
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1, c1, np.where(x < 2, c2, op(0))).astype(op)


def _aa_taps(L: int, O: int, align: bool, scale, op, cubic: bool):
    """ATen's _compute_weights_aa: a normalized filter over every input pixel the output pixel covers."""
    s = _compute_scale(L, O, align, scale, op)
    interp = 4 if cubic else 2
    support = op(interp * 0.5 * np.float64(s)) if s >= 1 else op(interp * 0.5)
    invscale = op(1.0 / np.float64(s)) if s >= 1 else op(1)
    idx_rows, w_rows = [], []
    for i in range(O):
        center = op(np.float64(s) * (i + 0.5))
        xmin = max(int(np.float64(center) - np.float64(support) + 0.5), 0)
        xsize = min(int(np.float64(center) + np.float64(support) + 0.5), L) - xmin
        j = np.arange(xsize)
        arg = ((op(1) * (j + xmin)).astype(op) - center).astype(np.float64) + 0.5
        w = _aa_filter((arg * np.float64(invscale)).astype(op), cubic, op)
        total = op(0)
        for v in w:
            total = op(total + v)
        if total != 0:
            w = (w / total).astype(op)
        idx_rows.append(xmin + j)
        w_rows.append(w)
    K = max(len(r) for r in idx_rows)
    idx = np.stack([np.pad(r, (0, K - len(r)), constant_values=min(r[-1] if len(r) else 0, L - 1)) for r in idx_rows])
    w = np.stack([np.pad(r, (0, K - len(r))) for r in w_rows]).astype(op)
    return idx, w


def _gather_axis(x, idx, ax):
    return jnp.take(x, jnp.asarray(idx), axis=ax)


def _upsample_nearest(x, *, out, scales, exact):
    n = len(out)
    lead = x.ndim - n
    ins = x.shape[lead:]
    op = _opmath(x.dtype)
    bidx = [_nearest_bwd_index(L, O, s, exact) for L, O, s in zip(ins, out, scales)]
    if n == 2 and not exact:  # ATen's 2-d nearest forward uses the backward's nearest_idx (checked against torch)
        fidx = bidx
    else:
        fidx = [_nearest_fwd_index(L, O, s, exact, op) for L, O, s in zip(ins, out, scales)]

    @jax.custom_vjp
    def f(x):
        for k in range(n):
            x = _gather_axis(x, fidx[k], lead + k)
        return x

    def fwd(x):
        return f(x), None

    def bwd(_, g):
        for k in reversed(range(n)):
            ax = lead + k
            shape = g.shape[:ax] + (ins[k],) + g.shape[ax + 1 :]
            g = jnp.zeros(shape, g.dtype).at[(slice(None),) * ax + (jnp.asarray(bidx[k]),)].add(g)
        return (g,)

    f.defvjp(fwd, bwd)
    return f(x)


def _upsample_interp(x, *, out, scales, align, cubic, aa=False):
    if aa:
        return _interp(x, out, scales, align, cubic, aa=True)
    if cubic and x.shape[x.ndim - len(out) :] == out:
        # ATen's bicubic backward copies the gradient when the size is unchanged (its forward still resamples
        # with the given scale): keep both.
        return _same_size_cubic(x, out, scales, align)
    return _interp(x, out, scales, align, cubic)


def _same_size_cubic(x, out, scales, align):
    @jax.custom_vjp
    def f(x):
        return _interp(x, out, scales, align, True)

    f.defvjp(lambda x: (f(x), None), lambda _, g: (g,))
    return f(x)


def _interp(x, out, scales, align, cubic, aa=False):
    n = len(out)
    lead = x.ndim - n
    dt = x.dtype
    op = _opmath(dt)
    xc = x.astype(op)
    for k in reversed(range(n)):  # innermost (last) dim first, as ATen nests its interpolation
        ax = lead + k
        if aa:
            idx, w = _aa_taps(x.shape[ax], out[k], align, scales[k], op, cubic)
        else:
            idx, w = (_cubic_taps if cubic else _linear_taps)(x.shape[ax], out[k], align, scales[k], op)
        w = w.astype(dt).astype(op)  # ATen stores the weights in the input's dtype
        bshape = (1,) * ax + (out[k],) + (1,) * (x.ndim - ax - 1)
        acc = None
        for j in range(idx.shape[1]):
            term = _gather_axis(xc, idx[:, j], ax) * jnp.asarray(w[:, j]).reshape(bshape)
            acc = term if acc is None else acc + term
        xc = acc
    return xc.astype(dt)


def _size_error(ins, outs):
    names = ("D", "H", "W")[-len(ins) :]
    a = ", ".join(f"{n}: {v}" for n, v in zip(names, ins))
    b = ", ".join(f"{n}: {v}" for n, v in zip(names, outs))
    sep = " and output" if len(ins) == 1 else " output"
    return RuntimeError(f"Input and output sizes should be greater than 0, but got input ({a}){sep} ({b})")


def _upsample(input: Tensor, out: tuple, scales, mode: str, align, antialias: bool = False) -> Tensor:
    n = len(out)
    ins = tuple(input.shape[2:])
    if any(v <= 0 for v in ins) or any(v <= 0 for v in out):
        raise _size_error(ins, out)
    if input.shape[1] == 0:
        raise RuntimeError(
            f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes {list(input.shape)}"
        )
    dt = input.dtype
    if dt is uint8 and mode in ("nearest", "nearest-exact"):
        pass  # ATen's nearest kernels take uint8 (images); a gather needs no arithmetic
    elif dt is uint8:
        raise NotImplementedError(f"F.interpolate of uint8 input in mode {mode!r} is not implemented in jtorch")
    elif not dt.is_floating_point:
        kind = {"nearest": "nearest", "nearest-exact": "nearest", "bicubic": "cubic"}.get(mode, "linear")
        raise NotImplementedError(f"\"compute_indices_weights_{kind}\" not implemented for '{_dtype_name(dt)}'")
    scales = tuple(None if s is None else float(s) for s in (scales or (None,) * n))
    out = tuple(int(v) for v in out)
    if mode in ("nearest", "nearest-exact"):
        name = {1: "UpsampleNearest1DBackward0", 2: "UpsampleNearest2DBackward0", 3: "UpsampleNearest3DBackward0"}[n]
        if mode == "nearest-exact":
            name = name.replace("Nearest", "NearestExact")
        statics = (("out", out), ("scales", scales), ("exact", mode == "nearest-exact"))
        return apply(name, _upsample_nearest, [input], statics)
    name = {"linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
            "trilinear": "UpsampleTrilinear3DBackward0", "bicubic": "UpsampleBicubic2DBackward0"}[mode]  # fmt: skip
    statics = (("out", out), ("scales", scales), ("align", bool(align)), ("cubic", mode == "bicubic"))
    if antialias:
        name = name.replace("2DBackward0", "2DAaBackward0")
        statics += (("aa", True),)
    return apply(name, _upsample_interp, [input], statics)


def _dtype_name(dt) -> str:
    return {
        "int64": "Long",
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "bfloat16": "BFloat16",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
    }.get(str(dt).replace("torch.", ""), str(dt))


def _is_integer(x) -> bool:
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return True
    return isinstance(x, Tensor) and not x.is_floating_point()


def interpolate(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resample the spatial dims (N, C, d1, ..., dK) to ``size`` or by ``scale_factor`` (torch's index math)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format."
                )
            if not all(_is_integer(x) for x in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                    f"Tuple[int, int, int], but got size with types {[type(x) for x in size]}"
                )
            output_size = [int(v) for v in size]
        else:
            if not _is_integer(size):
                raise TypeError(f"expected size to be an int, but got {type(size).__name__}")
            output_size = [int(size)] * max(dim, 0)
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "scale_factor in (s1, s2, ...,sK) format."
                )
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * max(dim, 0)
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [int(input.shape[i + 2] * scale_factors[i]) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input"
        )
    valid = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "area": (3, 4, 5), "linear": (3,), "bilinear": (4,),
             "bicubic": (4,), "trilinear": (5,), "lanczos": (4,)}  # fmt: skip
    if mode not in valid or input.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the modes: {_MODES}"
            f" (got {mode})"
        )
    if input.ndim not in valid[mode]:
        need = {"linear": 3, "bilinear": 4, "trilinear": 5}.get(mode)
        if need is None:
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the modes: {_MODES}"
                f" (got {mode})"
            )
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {need}D input")
    if mode == "lanczos":
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    if antialias and mode == "lanczos":
        raise NotImplementedError("F.interpolate(mode='lanczos') is not implemented in jtorch yet")
    if output_size is None:
        output_size = [int(input.shape[i + 2] * scale_factors[i]) for i in range(dim)]
    if mode == "area":
        from jtorch.nn._functional import pooling

        return getattr(pooling, f"adaptive_avg_pool{dim}d")(input, output_size)
    return _upsample(input, tuple(output_size), scale_factors, mode, align_corners, antialias)


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners=None) -> Tensor:
    """Deprecated alias of :func:`interpolate` (warns, as torch does)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: ``interpolate(mode='nearest')``."""
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: ``interpolate(mode='bilinear', align_corners=True)``."""
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- fold / unfold ----------------------------------------------------------------------------------------------
# im2col as kh*kw strided slices of the padded input (not lax.conv_general_dilated_patches: that multiplies by a
# one-hot kernel, so one inf or nan would spread over every patch); fold (col2im) is its adjoint, the same slices
# scatter-added. Both are jitted once per geometry; their VJPs are each other's.


def _pair(v, name: str = "kernel_size") -> tuple:
    if isinstance(v, (list, tuple)):
        if len(v) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _windows(o: tuple, k: tuple, d: tuple, s: tuple):
    for i in range(k[0]):
        for j in range(k[1]):
            yield (
                slice(i * d[0], i * d[0] + s[0] * (o[0] - 1) + 1, s[0]),
                slice(j * d[1], j * d[1] + s[1] * (o[1] - 1) + 1, s[1]),
            )


def _im2col(x, *, k, d, p, s, o):
    xp = jnp.pad(x, [(0, 0)] * (x.ndim - 2) + [(p[0], p[0]), (p[1], p[1])])
    cols = jnp.stack([xp[(Ellipsis, *w)] for w in _windows(o, k, d, s)], axis=-3)  # (..., C, kh*kw, oh, ow)
    return cols.reshape(x.shape[:-3] + (x.shape[-3] * k[0] * k[1], o[0] * o[1]))


def _col2im(x, *, k, d, p, s, o, size):
    c = x.shape[-2] // (k[0] * k[1])
    blocks = x.reshape(x.shape[:-2] + (c, k[0] * k[1]) + o)
    out = jnp.zeros(x.shape[:-2] + (c, size[0] + 2 * p[0], size[1] + 2 * p[1]), x.dtype)
    for n, w in enumerate(_windows(o, k, d, s)):
        out = out.at[(Ellipsis, *w)].add(blocks[..., n, :, :])
    return out[..., p[0] : p[0] + size[0], p[1] : p[1] + size[1]]


def _check_geometry(k, d, p, s):
    if k[0] <= 0 or k[1] <= 0:
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kernel_height: {k[0]} kernel_width: {k[1]}"
        )
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(
            f"dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: {d[1]}"
        )
    if p[0] < 0 or p[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}")


def _blocks(size, k, d, p, s) -> tuple:
    return tuple((size[i] + 2 * p[i] - (d[i] * (k[i] - 1) + 1)) // s[i] + 1 for i in range(2))


def _check_float(input: Tensor, op: str):
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise NotImplementedError(f"\"{op}\" not implemented for '{_dtype_name(input.dtype)}'")


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """im2col: (N, C, H, W) -> (N, C * kh * kw, L) sliding blocks (3-D unbatched input too)."""
    k, d = _pair(kernel_size), _pair(dilation, "dilation")
    p, s = _pair(padding, "padding"), _pair(stride, "stride")
    _check_geometry(k, d, p, s)
    if input.ndim < 3:
        from jtorch._ops._util import wrap_dim

        wrap_dim(2, input.ndim)  # torch reads input.size(2) first: IndexError
    valid = input.ndim == 3 and input.numel() != 0 or input.ndim == 4 and all(v != 0 for v in input.shape[1:])
    if not valid:
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for "
            f"input, but got: {list(input.shape)}"
        )
    size = tuple(input.shape[-2:])
    o = _blocks(size, k, d, p, s)
    if o[0] < 1 or o[1] < 1:
        raise RuntimeError(
            f"Given input with spatial size ({size[0]}, {size[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, "
            f"{d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of sliding blocks as ({o[0]}, {o[1]}), "
            "but its components must be at least one."
        )
    _check_float(input, "im2col_out_cpu")
    return apply("Im2ColBackward0", _im2col, [input], (("k", k), ("d", d), ("p", p), ("s", s), ("o", o)))


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """col2im: sum (N, C * kh * kw, L) sliding blocks into (N, C, H, W); the adjoint of :func:`unfold`."""
    size = _pair(output_size, "output_size")
    k, d = _pair(kernel_size), _pair(dilation, "dilation")
    p, s = _pair(padding, "padding"), _pair(stride, "stride")
    _check_geometry(k, d, p, s)
    valid = input.ndim == 2 and 0 not in input.shape or input.ndim == 3 and 0 not in input.shape[1:]
    if not valid:
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for "
            f"input, but got: {list(input.shape)}"
        )
    planes, length = input.shape[-2:]
    if planes % (k[0] * k[1]):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
            f"input.size(1)={planes} and kernel_size=({k[0]}, {k[1]})."
        )
    o = _blocks(size, k, d, p, s)
    geo = (
        f"Given output_size=({size[0]}, {size[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), "
        f"padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), "
    )
    if length != o[0] * o[1]:
        raise RuntimeError(
            f"{geo}expected size of input's dimension 2 to match the calculated number of sliding blocks "
            f"{o[0]} * {o[1]} = {o[0] * o[1]}, but got input.size(2)={length}."
        )
    if o[0] < 1 or o[1] < 1:
        raise RuntimeError(
            f"{geo}calculated shape of the array of sliding blocks as ({o[0]}, {o[1]}), which is too small (non-positive)"
        )
    _check_float(input, "col2im_out_cpu")
    statics = (("k", k), ("d", d), ("p", p), ("s", s), ("o", o), ("size", size))
    return apply("Col2ImBackward0", _col2im, [input], statics)


# ---- affine_grid / grid_sample ----------------------------------------------------------------------------------
# grid_sample follows ATen's GridSampler.h: unnormalize, then border clipping / reflection, then bilinear
# (2-d and 3-d: 4 or 8 corners), nearest (round half to even, as nearbyint) or bicubic (2-d; 16 taps, each
# tap's integer coordinate padded separately). Corners are gathered from the flattened spatial dims; taps
# outside the input contribute zero. The grid's gradient comes from JAX's autodiff of the same formulas.

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify "
    "align_corners=True if the old behavior is desired. See the documentation of grid_sample for details."
)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """Sampling grid (N, H, W, 2) or (N, D, H, W, 3) of the affine maps ``theta`` over [-1, 1]^n."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    shown = size
    size = [int(v) for v in size]
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {shown}. Got {theta.shape}."
            )
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {shown}. Got {theta.shape}."
            )
        spatial = size[-3:]
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. "
            f"Got size {shown}."
        )
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. "
            "This is not an intended use case of affine_grid. See the documentation of affine_grid for details.",
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {shown}")
    statics = (("spatial", tuple(spatial)), ("n", size[0]), ("align", bool(align_corners)))
    return apply("AffineGridGeneratorBackward0", _affine_grid, [theta], statics)


def _linspace_from_neg_one(n: int, align: bool, dt):
    """ATen's linspace_from_neg_one (linspace(-1, 1, n), shrunk by (n-1)/n unless align_corners)."""
    if n <= 1:
        return jnp.zeros((1,), dt)
    r = jnp.linspace(-1.0, 1.0, n, dtype=dt)
    return r if align else r * (n - 1) / n


def _affine_grid(theta, *, spatial, n, align):
    dt = theta.dtype
    axes = [_linspace_from_neg_one(L, align, dt) for L in spatial]
    k = len(spatial)
    # base grid (*spatial, k + 1): x (last spatial dim) first, then y, (z,) then ones
    coords = jnp.meshgrid(*axes, indexing="ij")[::-1]
    base = jnp.stack([*coords, jnp.ones(tuple(spatial), dt)], axis=-1).reshape(1, -1, k + 1)
    grid = jnp.matmul(jnp.broadcast_to(base, (n,) + base.shape[1:]), jnp.swapaxes(theta, 1, 2))
    return grid.reshape((n, *spatial, k))


def _unnormalize(c, size: int, align: bool):
    if align:
        return (c + 1) / 2 * (size - 1)
    return ((c + 1) * size - 1) / 2


def _reflect(c, lo2: int, hi2: int):
    if lo2 == hi2:
        return jnp.zeros_like(c)
    mn = lo2 / 2
    span = (hi2 - lo2) / 2
    c = jnp.abs(c - mn)
    extra = jnp.fmod(c, span)
    flips = jnp.floor(c / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + mn, span - extra + mn)


def _pad_coord(c, size: int, padding: str, align: bool):
    """ATen's compute_coordinates: clip for 'border', reflect then clip for 'reflection'."""
    if padding == "border":
        return jnp.clip(c, 0, size - 1)
    if padding == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align else _reflect(c, -1, 2 * size - 1)
        return jnp.clip(c, 0, size - 1)
    return c


def _gather_points(x, idx: list, sizes: tuple):
    """x (N, C, *sizes); idx: per-dim integer arrays (T, N, *out) of T taps -> values (T, N, C, *out), zero outside.

    One gather for all taps keeps the program (and its VJP) small."""
    n, c = x.shape[:2]
    taps = idx[0].shape[0]
    inside = jnp.ones(idx[0].shape, bool)
    flat = jnp.zeros(idx[0].shape, jnp.int32)
    for i, L in zip(idx, sizes):
        inside = inside & (i >= 0) & (i < L)
        flat = flat * L + jnp.clip(i, 0, L - 1).astype(jnp.int32)
    out_shape = idx[0].shape[2:]
    flat = jnp.moveaxis(flat, 0, 1).reshape(n, 1, -1)  # (N, 1, T * P)
    v = jnp.take_along_axis(x.reshape(n, c, -1), flat, axis=2).reshape((n, c, taps) + out_shape)
    v = jnp.moveaxis(v, 2, 0)
    return jnp.where(inside[:, :, None], v, jnp.zeros((), x.dtype))


def _grid_sample(x, grid, *, mode, padding, align):
    sizes = x.shape[2:]
    k = len(sizes)
    # grid's last axis is (x, y[, z]): reverse to spatial order (..., H, W)
    coords = [grid[..., k - 1 - i] for i in range(k)]
    if mode == "bicubic":
        return _grid_sample_bicubic(x, coords, sizes, padding, align)
    src = [_pad_coord(_unnormalize(c, L, align), L, padding, align) for c, L in zip(coords, sizes)]
    if mode == "nearest":
        return _gather_points(x, [jnp.round(s).astype(jnp.int64)[None] for s in src], sizes)[0]
    lo = [jnp.floor(s) for s in src]
    frac = [s - f for s, f in zip(src, lo)]
    corners = list(np.ndindex(*(2,) * k))
    idx = [jnp.stack([(lo[d] + c[d]).astype(jnp.int64) for c in corners]) for d in range(k)]
    w = []
    for c in corners:
        wc = 1
        for b, fr in zip(c, frac):
            wc = wc * (fr if b else 1 - fr)
        w.append(wc)
    v = _gather_points(x, idx, sizes)  # (2**k, N, C, *out)
    return jnp.sum(v * jnp.stack(w)[:, :, None], axis=0)


def _cubic_coeffs_jnp(t):
    A = -0.75

    def conv1(v):
        return ((A + 2) * v - (A + 3)) * v * v + 1

    def conv2(v):
        return ((A * v - 5 * A) * v + 8 * A) * v - 4 * A

    return jnp.stack([conv2(t + 1), conv1(t), conv1(1 - t), conv2(2 - t)])


def _grid_sample_bicubic(x, coords, sizes, padding, align):
    src = [_unnormalize(c, L, align) for c, L in zip(coords, sizes)]
    lo = [jnp.floor(s) for s in src]
    cy, cx = (_cubic_coeffs_jnp(s - f) for s, f in zip(src, lo))  # (4, N, *out) each
    off = jnp.arange(-1, 3, dtype=lo[0].dtype).reshape((4,) + (1,) * lo[0].ndim)
    yy = _pad_coord(lo[0][None] + off, sizes[0], padding, align).astype(jnp.int64)  # (4, N, *out)
    xx = _pad_coord(lo[1][None] + off, sizes[1], padding, align).astype(jnp.int64)
    yy = jnp.broadcast_to(yy[:, None], (4,) + xx.shape).reshape((16,) + xx.shape[1:])
    xx = jnp.broadcast_to(xx[None], (4,) + xx.shape).reshape((16,) + xx.shape[1:])
    v = _gather_points(x, [yy, xx], sizes).reshape((4, 4) + x.shape[:2] + coords[0].shape[1:])
    rows = jnp.sum(v * cx[None, :, :, None], axis=1)  # (4, N, C, *out): x taps of each y row
    return jnp.sum(rows * cy[:, :, None], axis=0)


def grid_sample(
    input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros", align_corners: bool | None = None
) -> Tensor:
    """Sample ``input`` (N, C, H, W) / (N, C, D, H, W) at the normalized [-1, 1] locations of ``grid``."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', "
            f"but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {_dtype_name(input.dtype)} but found {_dtype_name(grid.dtype)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input with sizes "
            f"{list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, but got grid with sizes "
            f"{list(grid.shape)}"
        )
    for i in range(2, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes "
                f"{list(input.shape)} with dimension {i} being empty"
            )
    nd = 4 if input.dim() == 4 else 5
    if input.dim() != nd or grid.dim() != nd:
        raise RuntimeError(
            f"grid_sampler(): expected {nd}D input and grid with same number of dimensions, but got input with sizes "
            f"{list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if nd == 5 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"grid_sampler_2d_cpu\" not implemented for '{_dtype_name(input.dtype)}'")
    name = "GridSampler2DBackward0" if nd == 4 else "GridSampler3DBackward0"
    statics = (("mode", mode), ("padding", padding_mode), ("align", bool(align_corners)))
    return apply(name, _grid_sample, [input, grid], statics)
