"""torch.nn.functional.conv1d/2d/3d and conv_transpose1d/2d/3d over ``jax.lax.conv_general_dilated``.

Activations stay NC(D)(H)W and weights O I/g k... (transposed: I O/g k...) as in torch; the
dimension numbers tell XLA the layout, and XLA picks the physical one. A transposed convolution
is the input-dilated (``lhs_dilation=stride``) convolution with the flipped, in/out-swapped kernel,
which is what torch computes too.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]

_DN = {1: ("NCH", "OIH", "NCH"), 2: ("NCHW", "OIHW", "NCHW"), 3: ("NCDHW", "OIDHW", "NCDHW")}


def _conv(x, w, b, *, stride, padding, dilation, groups, batched):
    if not batched:
        x = x[None]
    n = w.ndim - 2
    y = jax.lax.conv_general_dilated(
        x, w, stride, padding, rhs_dilation=dilation, feature_group_count=groups, dimension_numbers=_DN[n]
    )
    if b is not None:
        y = y + b.reshape((-1,) + (1,) * n)
    return y if batched else y[0]


def _conv_t(x, w, b, *, stride, padding, output_padding, dilation, groups, batched):
    if not batched:
        x = x[None]
    n = w.ndim - 2
    cin, coutg, ks = w.shape[0], w.shape[1], w.shape[2:]
    # (I, O/g, k) -> (O, I/g, k), flipped: the transposed convolution as a forward one
    wt = w.reshape((groups, cin // groups, coutg) + ks).swapaxes(1, 2).reshape((groups * coutg, cin // groups) + ks)
    wt = jnp.flip(wt, axis=tuple(range(2, 2 + n)))
    pads = [(d * (k - 1) - p, d * (k - 1) - p + op) for k, p, op, d in zip(ks, padding, output_padding, dilation)]
    y = jax.lax.conv_general_dilated(
        x,
        wt,
        (1,) * n,
        pads,
        lhs_dilation=stride,
        rhs_dilation=dilation,
        feature_group_count=groups,
        dimension_numbers=_DN[n],
    )
    if b is not None:
        y = y + b.reshape((-1,) + (1,) * n)
    return y if batched else y[0]


def _tuple(v, n: int, name: str = "") -> tuple:
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {n} values to match the convolution dimensions, but got {name}={list(v)}"
            )
        return tuple(int(e) for e in v)
    return (int(v),) * n


def _check_input(input: Tensor, weight: Tensor, n: int, fname: str) -> bool:
    """torch's rank check; returns whether the input is batched."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(
            f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {fname}, "
            f"but got input of size: {list(input.shape)}"
        )
    if weight.ndim != n + 2:
        raise RuntimeError(
            "weight should have at least three dimensions"
            if weight.ndim < 3
            else f"Expected {n + 2}-dimensional weight for {n + 2}-dimensional input {list(input.shape)}, "
            f"but got {weight.ndim}-dimensional weight of size {list(weight.shape)} instead"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same")
    return input.ndim == n + 2


def _shape_str(s) -> str:
    return " x ".join(str(int(v)) for v in s)


def _convnd(input, weight, bias, stride, padding, dilation, groups, n, fname):
    batched = _check_input(input, weight, n, fname)
    xs = tuple(input.shape) if batched else (1,) + tuple(input.shape)
    stride, dilation = _tuple(stride, n, "stride"), _tuple(dilation, n, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    ks = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            tot = [d * (k - 1) for d, k in zip(dilation, ks)]
            pads = tuple((t // 2, t - t // 2) for t in tot)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = _tuple(padding, n, "padding")
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((v, v) for v in p)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if xs[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{list(xs)} to have "
            f"{weight.shape[1] * groups} channels, but got {xs[1]} channels instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of "
            f"size {list(weight.shape)} instead"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with {weight.shape[0]} "
            f"elements, but got bias of size {list(bias.shape)} instead"
        )
    padded = [xs[2 + i] + pads[i][0] + pads[i][1] for i in range(n)]
    eff = [dilation[i] * (ks[i] - 1) + 1 for i in range(n)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_shape_str(padded)}). Kernel size: ({_shape_str(eff)}). "
            "Kernel size can't be greater than actual input size"
        )
    statics = (("stride", stride), ("padding", pads), ("dilation", dilation), ("groups", int(groups)),
               ("batched", batched))  # fmt: skip
    return apply("ConvolutionBackward0", _conv, [input, weight, bias], statics)


def conv1d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:
    """1-d cross-correlation over (N, C, L) or (C, L) input; ``padding`` may be 'same' or 'valid'."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:
    """2-d cross-correlation over (N, C, H, W) or (C, H, W) input; ``padding`` may be 'same' or 'valid'."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:
    """3-d cross-correlation over (N, C, D, H, W) or (C, D, H, W) input; ``padding`` may be 'same' or 'valid'."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, n, fname):
    batched = _check_input(input, weight, n, fname)
    xs = tuple(input.shape) if batched else (1,) + tuple(input.shape)
    stride, dilation = _tuple(stride, n, "stride"), _tuple(dilation, n, "dilation")
    padding, output_padding = _tuple(padding, n, "padding"), _tuple(output_padding, n, "output_padding")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in padding):
        raise RuntimeError("negative padding is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError(
                f"output padding must be smaller than either stride or dilation, but got output_padding: "
                f"{_shape_str(output_padding)}, stride: {_shape_str(stride)}, dilation: {_shape_str(dilation)}"
            )
    if xs[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(xs)} to have "
            f"{weight.shape[0]} channels, but got {xs[1]} channels instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of "
            f"size {list(weight.shape)} instead"
        )
    cout = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (cout,):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be 1-dimensional with {cout} "
            f"elements, but got bias of size {list(bias.shape)} instead"
        )
    ks = tuple(weight.shape[2:])
    out = [(xs[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (ks[i] - 1) + output_padding[i] + 1
           for i in range(n)]  # fmt: skip
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size per channel: ({_shape_str(xs[2:])}). Calculated output size per channel: "
            f"({_shape_str(out)}). Output size is too small"
        )
    statics = (("stride", stride), ("padding", padding), ("output_padding", output_padding),
               ("dilation", dilation), ("groups", int(groups)), ("batched", batched))  # fmt: skip
    return apply("ConvolutionBackward0", _conv_t, [input, weight, bias], statics)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups=1, dilation=1) -> Tensor:  # fmt: skip
    """1-d transposed convolution ("deconvolution"); weight is (in, out/groups, k)."""
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups=1, dilation=1) -> Tensor:  # fmt: skip
    """2-d transposed convolution; weight is (in, out/groups, kh, kw)."""
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups=1, dilation=1) -> Tensor:  # fmt: skip
    """3-d transposed convolution; weight is (in, out/groups, kd, kh, kw)."""
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )
