"""The top-level ``torch.*`` forms of nn ops (``torch.conv2d``, ``torch.dropout``, ``torch.batch_norm``, ...).

Each is a thin alias of the ``jtorch.nn.functional`` definition with torch's top-level signature, which
sometimes differs from F's: ``torch.dropout(input, p, train)``, ``torch.batch_norm(input, weight, bias,
running_mean, running_var, training, momentum, eps, cudnn_enabled)``, losses take ``reduction`` as ATen's
int enum (1 mean, 2 sum, anything else none) and -- as torch's Python binding does, whatever the schema says --
default to 0, no reduction; ``torch.embedding(weight, indices, padding_idx=-1, ...)`` puts the weight
first. F is imported on first call: jtorch.nn imports jtorch, which imports this module.
"""

from __future__ import annotations

from jtorch._ops.registry import torch_op
from jtorch._tensor import Tensor


def _F():
    from jtorch.nn import functional

    return functional


def _reduction(r: int) -> str:
    """ATen's apply_loss_reduction: 1 is Mean, 2 is Sum, any other int leaves the loss unreduced."""
    if not isinstance(r, int) or isinstance(r, bool):
        raise TypeError(f"argument 'reduction' must be int, not {type(r).__name__}")
    return {1: "mean", 2: "sum"}.get(r, "none")


# ---- activations --------------------------------------------------------------------------------------------


@torch_op(method=False)
def selu(input: Tensor) -> Tensor:
    return _F().selu(input)


@torch_op(method=False)
def selu_(input: Tensor) -> Tensor:
    return _F().selu_(input)


@torch_op(method=False)
def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _F().celu(input, alpha)


@torch_op(method=False)
def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _F().celu_(input, alpha)


@torch_op(method=False)
def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    return _F().threshold(input, threshold, value)


@torch_op(method=False)
def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _F().threshold_(input, threshold, value)


def _rrelu(input, lower, upper, training, generator, inplace):
    if generator is None or not training:
        return _F().rrelu(input, lower, upper, training, inplace)
    import jax

    from jtorch.nn._functional import activation as A
    from jtorch.random import next_key

    A._float_only(input, "rrelu_with_noise_cpu")
    noise = jax.random.uniform(next_key(generator), input.shape, input._data.dtype, lower, upper)
    return A._run("RreluWithNoiseBackward0", A._rrelu_noise, input, (Tensor._wrap(noise),), inplace=inplace)


@torch_op(method=False)
def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, generator=None):
    return _rrelu(input, lower, upper, training, generator, False)


@torch_op(method=False)
def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, generator=None):
    return _rrelu(input, lower, upper, training, generator, True)


@torch_op()
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    return _F().prelu(input, weight)


@torch_op()
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _F().hardshrink(input, lambd)


# ---- dropout ------------------------------------------------------------------------------------------------


def _drop(input, p, train, inplace, feature, alpha):
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    from jtorch.nn._functional.dropout import _dropout_impl

    return _dropout_impl(input, p, train, inplace, feature=feature, alpha=alpha)


@torch_op(method=False)
def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, False, False, False)


@torch_op(method=False)
def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, False, False)


@torch_op(method=False)
def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, False, False, True)


@torch_op(method=False)
def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, False, True)


@torch_op(method=False)
def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, False, True, False)


@torch_op(method=False)
def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, True, False)


@torch_op(method=False)
def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, False, True, True)


@torch_op(method=False)
def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, True, True)


# ---- linear, distances, shuffles ----------------------------------------------------------------------------


@torch_op(method=False)
def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    return _F().bilinear(input1, input2, weight, bias)


@torch_op(method=False)
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    return _F().cosine_similarity(x1, x2, dim, eps)


@torch_op(method=False)
def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    return _F().pdist(input, p)


@torch_op(method=False)
def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    return _F().pairwise_distance(x1, x2, p, eps, keepdim)


@torch_op(method=False)
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    return _F().pixel_shuffle(input, upscale_factor)


@torch_op(method=False)
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    return _F().pixel_unshuffle(input, downscale_factor)


@torch_op(method=False, aliases=("native_channel_shuffle",))
def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    return _F().channel_shuffle(input, groups)


# ---- convolution and pooling --------------------------------------------------------------------------------


def _conv(n: int, transpose: bool):
    name = f"conv_transpose{n}d" if transpose else f"conv{n}d"
    if transpose:

        def f(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
            return getattr(_F(), name)(input, weight, bias, stride, padding, output_padding, groups, dilation)

    else:

        def f(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
            return getattr(_F(), name)(input, weight, bias, stride, padding, dilation, groups)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.{name}``: :func:`jtorch.nn.functional.{name}`."
    return torch_op(name, method=False)(f)


conv1d, conv2d, conv3d = (_conv(n, False) for n in (1, 2, 3))
conv_transpose1d, conv_transpose2d, conv_transpose3d = (_conv(n, True) for n in (1, 2, 3))


@torch_op(method=False)
def avg_pool1d(input: Tensor, kernel_size, stride=(), padding=0, ceil_mode: bool = False, count_include_pad=True):
    return _F().avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode, count_include_pad)


def _max_pool(n: int):
    name = f"max_pool{n}d"

    def f(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
        return getattr(_F(), name)(input, kernel_size, stride or None, padding, dilation, ceil_mode=ceil_mode)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.{name}``: :func:`jtorch.nn.functional.{name}`."
    return torch_op(name, method=False)(f)


max_pool1d, max_pool2d, max_pool3d = (_max_pool(n) for n in (1, 2, 3))


@torch_op(method=False)
def max_pool1d_with_indices(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return tuple(_F().max_pool1d_with_indices(input, kernel_size, stride or None, padding, dilation, ceil_mode))


@torch_op(method=False)
def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    return _F().adaptive_avg_pool1d(input, output_size)


@torch_op(method=False)
def adaptive_max_pool1d(input: Tensor, output_size) -> tuple:
    return tuple(_F().adaptive_max_pool1d(input, output_size, return_indices=True))


# ---- normalization and embedding ----------------------------------------------------------------------------


@torch_op(method=False)
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled) -> Tensor:
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


@torch_op(method=False)
def instance_norm(
    input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled
) -> Tensor:
    return _F().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


@torch_op(method=False)
def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5, cudnn_enable=True):
    return _F().layer_norm(input, normalized_shape, weight, bias, eps)


@torch_op(method=False)
def group_norm(input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-5, cudnn_enabled=True):
    return _F().group_norm(input, num_groups, weight, bias, eps)


@torch_op(method=False)
def rms_norm(input: Tensor, normalized_shape, weight=None, eps=None) -> Tensor:
    return _F().rms_norm(input, normalized_shape, weight, eps)


@torch_op(method=False)
def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1, scale_grad_by_freq=False, sparse=False):
    """Negative ``padding_idx`` means none here (F.embedding has already wrapped it when it calls this)."""
    pad = padding_idx if padding_idx >= 0 else None
    return _F().embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


# ---- losses -------------------------------------------------------------------------------------------------


@torch_op(method=False)
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction: int = 0) -> Tensor:
    return _F().binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


@torch_op(method=False)
def cosine_embedding_loss(input1, input2, target, margin: float = 0.0, reduction: int = 0) -> Tensor:
    return _F().cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


@torch_op(method=False)
def hinge_embedding_loss(input, target, margin: float = 1.0, reduction: int = 0) -> Tensor:
    return _F().hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


@torch_op(method=False)
def margin_ranking_loss(input1, input2, target, margin: float = 0.0, reduction: int = 0) -> Tensor:
    return _F().margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


@torch_op(method=False)
def kl_div(input, target, reduction: int = 0, *, log_target: bool = False) -> Tensor:
    return _F().kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


@torch_op(method=False)
def poisson_nll_loss(input, target, log_input: bool, full: bool, eps: float, reduction: int) -> Tensor:
    return _F().poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


@torch_op(method=False)
def triplet_margin_loss(
    anchor, positive, negative, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap=False, reduction: int = 0
) -> Tensor:
    return _F().triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction))


@torch_op(method=False)
def ctc_loss(
    log_probs, targets, input_lengths, target_lengths, blank: int = 0, reduction: int = 0, zero_infinity=False
) -> Tensor:
    return _F().ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction), zero_infinity)


# ---- sampling grids -----------------------------------------------------------------------------------------


@torch_op(method=False)
def affine_grid_generator(theta: Tensor, size, align_corners: bool) -> Tensor:
    return _F().affine_grid(theta, size, align_corners)


@torch_op(method=False)
def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int, align_corners: bool):
    mode = ("bilinear", "nearest", "bicubic")[interpolation_mode]
    pad = ("zeros", "border", "reflection")[padding_mode]
    return _F().grid_sample(input, grid, mode, pad, align_corners)
