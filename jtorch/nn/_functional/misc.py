"""torch.nn.functional.pad and one_hot.

``pad`` maps torch's modes onto ``jnp.pad`` (constant via ``lax.pad``, which also crops for
negative pads; reflect, replicate = "edge", circular = "wrap"), with torch's argument checks.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["pad", "one_hot"]

_JNP_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
_PAD_GRAD = {
    "reflect": "ReflectionPad{}DBackward0",
    "replicate": "ReplicationPad{}DBackward0",
    "circular": "CopySlices",
}


def _pad_constant(x, value, *, cfg):
    return jax.lax.pad(x, jnp.asarray(value).astype(x.dtype), cfg)


def _crop(x, crops):
    return x[tuple(slice(lo, x.shape[i] - hi) for i, (lo, hi) in enumerate(crops))]


def _pad_mode(x, *, widths, crops, mode):
    # torch's circular pad crops (negative pads) first and wraps the cropped tensor;
    # reflect and replicate index the original input, i.e. pad first and crop after.
    if mode == "wrap":
        return jnp.pad(_crop(x, crops), widths, mode=mode)
    return _crop(jnp.pad(x, widths, mode=mode), crops)


def _widths(pad: tuple, ndim: int) -> list:
    """``pad`` is (last_lo, last_hi, second_last_lo, ...); return per-dim (lo, hi) for all dims."""
    w = [(0, 0)] * ndim
    for k in range(len(pad) // 2):
        w[ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    return w


def pad(input: Tensor, pad: list[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims; negative amounts crop, as in torch."""
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got padding length "
            f"{len(pad)} and input of dimension {input.ndim}"
        )
    widths = _widths(pad, input.ndim)
    if mode == "constant":
        for d, (lo, hi) in enumerate(widths):
            if input.shape[d] + lo + hi < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        cfg = tuple((lo, hi, 0) for lo, hi in widths)
        return apply("ConstantPadNdBackward0", _pad_constant, [input, 0 if value is None else value], (("cfg", cfg),))
    if mode not in _JNP_MODE:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not (1 <= n <= 3 and input.ndim in (n + 1, n + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    for d in range(input.ndim - n, input.ndim):
        lo, hi = widths[d]
        size = input.shape[d]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(
                f"Argument #{2 * n + 2}: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)}"
            )
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if size + lo + hi < 0:
            raise RuntimeError(f"input (W: {size}) is too small. Calculated output W: {size + lo + hi}")
    pos = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
    crops = tuple((max(-lo, 0), max(-hi, 0)) for lo, hi in widths)
    statics = (("widths", pos), ("crops", crops), ("mode", _JNP_MODE[mode]))
    return apply(_PAD_GRAD[mode].format(n), _pad_mode, [input], statics)


def _one_hot(x, *, n):
    return jax.nn.one_hot(x, n, dtype=jnp.int64)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding with a trailing class dim; ``num_classes=-1`` infers ``max + 1``."""
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if int(tensor.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        mx = int(tensor.max())
        if num_classes == -1:
            num_classes = mx + 1
        elif mx >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return apply("one_hot", _one_hot, [tensor], (("n", int(num_classes)),))
