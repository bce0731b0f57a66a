"""torch.nn.functional dropout family, drawing masks from jtorch's RNG (``jtorch.random.next_key``).

The mask is drawn outside the op and passed in as a non-differentiable input, so the op itself is
a pure function (``x * noise``) whose backward is the cached VJP, exactly torch's ``MulBackward0``.
The bits differ from torch's for the same seed (different generators); the distribution, the
zeroing pattern (per element or per channel) and the ``1 / (1 - p)`` scaling are torch's.
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d"]

_SELU_ALPHA = 1.7580993408473766  # torch's alpha' = -scale * alpha of SELU


def _mul(x, noise):
    return x * noise


def _alpha_mul(x, mask, a, ap):
    # torch: b = (mask - 1) * alpha * a + alpha * a * p; out = x * (mask * a) + b
    return x * (mask * a) + ((mask - 1) * (_SELU_ALPHA * a) + ap)


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(
    input: Tensor, p: float, train: bool, inplace: bool, feature: bool, alpha: bool, batched: bool = True
) -> Tensor:
    """torch's ``_dropout_impl`` (aten/src/ATen/native/Dropout.cpp), one branch per case.

    ``feature``: one draw per channel (noise of shape ``(N, C, 1, ...)``, or ``(C, 1, ...)`` for an
    unbatched input, which torch handles by unsqueezing a batch dim)."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if feature and input.ndim + (0 if batched else 1) < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 1:
        out = apply("MulBackward0", _mul, [input, Tensor._wrap(jnp.zeros((), input._data.dtype))])
        return input._inplace(out) if inplace else out
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type {_dtype.type_name(input.dtype)}"
        )
    from jtorch.random import next_key

    lead = 2 if batched else 1
    shape = tuple(input.shape[:lead]) + (1,) * (input.ndim - lead) if feature else tuple(input.shape)
    dt = input._data.dtype
    mask = jax.random.bernoulli(next_key(None), 1 - p, shape).astype(dt)
    if alpha:
        a = 1.0 / ((_SELU_ALPHA**2 * p + 1) * (1 - p)) ** 0.5
        out = apply("AddBackward0", _alpha_mul, [input, Tensor._wrap(mask), a, _SELU_ALPHA * a * p])
    else:
        out = apply("MulBackward0", _mul, [input, Tensor._wrap(mask / jnp.asarray(1 - p, dt))])
    return input._inplace(out) if inplace else out


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=False, alpha=False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalizing mean and variance."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=False, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, L)`` or ``(C, L)`` input."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. "
            "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
            "spatial dimension, a channel dimension, and an optional batch dimension "
            "(i.e. 2D or 3D inputs)."
        )
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=False, batched=inp_dim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, H, W)`` input (a 3-D input is read as ``(N, C, L)``, as torch does)."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout2d "
            "exists to provide channel-wise dropout on inputs with 2 spatial dimensions, "
            "a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if inp_dim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
            "1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout3d "
            "exists to provide channel-wise dropout on inputs with 3 spatial dimensions, "
            "a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=False, batched=inp_dim == 5)
