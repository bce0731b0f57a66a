"""torch.nn.functional batch_norm, instance_norm, layer_norm, group_norm, rms_norm, local_response_norm.

Each normalization is one pure JAX function through ``dispatch.apply`` (its backward is the VJP of
the same definition). Training-mode batch/instance norm also return the batch statistics, and the
running buffers are then updated in place (``copy_`` under no_grad) with torch's rule: biased
variance to normalize, unbiased variance into ``running_var``.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

import jtorch
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]


def _affine(y, w, b, shape):
    if w is not None:
        y = y * w.reshape(shape)
    if b is not None:
        y = y + b.reshape(shape)
    return y


def _bn_train(x, w, b, eps, *, axes):
    """Normalize with batch stats over ``axes``; return (y, mean, unbiased var) per channel."""
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    y = (x - mean) * jax.lax.rsqrt(var + eps)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    n = math.prod(x.shape[a] for a in axes)
    mean, var = mean.reshape(-1), var.reshape(-1)
    return _affine(y, w, b, shape), jax.lax.stop_gradient(mean), jax.lax.stop_gradient(var * (n / max(n - 1, 1)))


def _bn_eval(x, rm, rv, w, b, eps):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - rm.reshape(shape)) * jax.lax.rsqrt(rv.reshape(shape) + eps)
    return _affine(y, w, b, shape)


def _ema(r, stat, m):
    return (r * (1 - m) + stat * m).astype(r.dtype)


def _update(running: Tensor | None, stat: Tensor, momentum: float) -> None:
    if running is not None:
        with jtorch.no_grad():
            running.copy_(apply("ema", _ema, [running, stat.detach(), float(momentum)]))


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize over (N, *spatial) per channel (dim 1); training updates the running stats in place."""
    if training:
        size = list(input.shape)
        if math.prod(size[:1] + size[2:]) == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.size()}")
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    for t, nm in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"), (bias, "bias")):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{nm} should contain {c} elements not {t.numel()}")
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        y, mean, var = apply("NativeBatchNormBackward0", _bn_train, [input, weight, bias, eps], (("axes", axes),))
        _update(running_mean, mean, momentum)
        _update(running_var, var, momentum)
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    return apply("NativeBatchNormBackward0", _bn_eval, [input, running_mean, running_var, weight, bias, eps])


def _in_train(x, w, b, eps):
    axes = tuple(range(2, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    y = (x - mean) * jax.lax.rsqrt(var + eps)
    n = math.prod(x.shape[2:])
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean_c = jnp.mean(mean.reshape(x.shape[:2]), axis=0)
    var_c = jnp.mean(var.reshape(x.shape[:2]), axis=0) * (n / max(n - 1, 1))
    return _affine(y, w, b, shape), jax.lax.stop_gradient(mean_c), jax.lax.stop_gradient(var_c)


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each (sample, channel) over its spatial dims; running stats get the batch-mean update."""
    if use_input_stats:
        if math.prod(input.shape[2:]) == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.size()}")
        y, mean, var = apply("NativeBatchNormBackward0", _in_train, [input, weight, bias, eps])
        _update(running_mean, mean, momentum)
        _update(running_var, var, momentum)
        return y
    return apply("NativeBatchNormBackward0", _bn_eval, [input, running_mean, running_var, weight, bias, eps])


def _layer_norm(x, w, b, eps, *, n):
    axes = tuple(range(x.ndim - n, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    y = (x - mean) * jax.lax.rsqrt(var + eps)
    return _affine(y, w, b, x.shape[x.ndim - n :])


def _check_normalized_shape(input: Tensor, normalized_shape, weight, bias) -> tuple:
    shape = (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(int(s) for s in normalized_shape)
    if len(shape) == 0:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got "
            "normalized_shape = []"
        )
    for t, nm in ((weight, "weight"), (bias, "bias")):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {nm} to be of same shape as normalized_shape, but got {nm} of shape {list(t.shape)} and "
                f"normalized_shape = {list(shape)}"
            )
    if input.ndim < len(shape) or tuple(input.shape[input.ndim - len(shape) :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}"
        )
    return shape


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize over the trailing ``normalized_shape`` dims (biased variance), then scale and shift."""
    shape = _check_normalized_shape(input, normalized_shape, weight, bias)
    return apply("NativeLayerNormBackward0", _layer_norm, [input, weight, bias, eps], (("n", len(shape)),))


def _rms_norm(x, w, eps, *, n):
    axes = tuple(range(x.ndim - n, x.ndim))
    y = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=axes, keepdims=True) + eps)
    return y if w is None else y * w


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x**2) + eps) * weight`` over the trailing dims; eps defaults to the dtype's epsilon."""
    shape = _check_normalized_shape(input, normalized_shape, weight, None)
    if eps is None:
        eps = float(jnp.finfo(input._data.dtype).eps)
    return apply("MulBackward0", _rms_norm, [input, weight, eps], (("n", len(shape)),))


def _group_norm(x, w, b, eps, *, g):
    n, c = x.shape[:2]
    xg = x.reshape((n, g, -1))
    mean = jnp.mean(xg, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(xg - mean), axis=-1, keepdims=True)
    y = ((xg - mean) * jax.lax.rsqrt(var + eps)).reshape(x.shape)
    return _affine(y, w, b, (1, -1) + (1,) * (x.ndim - 2))


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each sample over groups of ``C / num_groups`` channels (and all spatial dims)."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{list(input.shape)} and num_groups={num_groups}"
        )
    for t, nm in ((weight, "weight"), (bias, "bias")):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(
                f"Expected {nm} to be a vector of size equal to the number of channels in input, but got {nm} of "
                f"shape {list(t.shape)} and input of shape {list(input.shape)}"
            )
    return apply("NativeGroupNormBackward0", _group_norm, [input, weight, bias, eps], (("g", int(num_groups)),))


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """torch's composition: ``x / (k + alpha * avg over `size` neighbouring channels of x**2) ** beta``."""
    from jtorch.nn._functional.misc import pad
    from jtorch.nn._functional.pooling import avg_pool2d, avg_pool3d

    dim = input.dim()
    if dim < 3:
        # torch's message carries the indentation of a line continuation in its source
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div
