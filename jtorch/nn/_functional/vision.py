"""torch.nn.functional pixel_shuffle / pixel_unshuffle / channel_shuffle: pure reshape-transpose ops.

interpolate/upsample, grid_sample, affine_grid, fold/unfold are not implemented yet (they raise
NotImplementedError saying so).
"""

from __future__ import annotations

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


def _missing(name: str):
    def f(*args, **kwargs):
        raise NotImplementedError(f"F.{name} is not implemented in jtorch yet")

    f.__name__ = name
    f.__doc__ = f"Not implemented yet: F.{name}."
    return f


interpolate = _missing("interpolate")
upsample = _missing("upsample")
upsample_nearest = _missing("upsample_nearest")
upsample_bilinear = _missing("upsample_bilinear")
grid_sample = _missing("grid_sample")
affine_grid = _missing("affine_grid")
fold = _missing("fold")
unfold = _missing("unfold")
