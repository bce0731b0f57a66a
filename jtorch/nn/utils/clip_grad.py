"""torch.nn.utils.clip_grad: clip_grad_norm_, clip_grad_value_ (torch's formulas).

optax has ``clip_by_global_norm``/``clip``, but its rule differs from torch's (torch scales by
``min(max_norm / (total_norm + 1e-6), 1)``, supports any ``norm_type`` incl. inf and 0, and works
in place on ``.grad``), so the norm is one jitted pure function here and the scaling jtorch ops.
"""

from __future__ import annotations

import functools
import math
import types
import warnings
from collections.abc import Iterable

import jax.numpy as jnp
from typing_extensions import deprecated

from jtorch._ops import dispatch
from jtorch._tensor import Tensor
from jtorch.autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]

_tensor_or_tensors = Tensor | Iterable[Tensor]


def _no_grad(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with no_grad():
            return func(*args, **kwargs)

    return wrapper


def _vector_norm(x, p: float):
    """torch.linalg.vector_norm of the flattened ``x`` (ord ``p``)."""
    a = jnp.abs(x.reshape(-1))
    if p == math.inf:
        return jnp.max(a, initial=0.0).astype(x.dtype)
    if p == -math.inf:
        return jnp.min(a).astype(x.dtype)
    if p == 0:
        return jnp.sum(a != 0).astype(x.dtype)
    if p == 1:
        return jnp.sum(a)
    if p == 2:
        return jnp.sqrt(jnp.sum(a * a))
    return jnp.sum(a**p) ** (1.0 / p)


def _total_norm(*grads, norm_type):
    """Norm of the per-tensor norms, as torch's _get_total_norm."""
    return _vector_norm(jnp.stack([_vector_norm(g, norm_type) for g in grads]), norm_type)


@_no_grad
def _get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    from jtorch import tensor as _tensor

    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _tensor(0.0)
    total_norm = dispatch.apply("norm", _total_norm, tensors, (("norm_type", norm_type),))
    if error_if_nonfinite and bool(total_norm.isnan() | total_norm.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from "
            "`parameters` is non-finite, so it cannot be clipped. To disable "
            "this error and scale the gradients by the non-finite norm anyway, "
            "set `error_if_nonfinite=False`"
        )
    return total_norm


@_no_grad
def _clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach=None) -> None:
    from jtorch import clamp

    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if len(grads) == 0:
        return
    clip_coef_clamped = clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(clip_coef_clamped)


@_no_grad
def clip_grad_norm_(
    parameters: _tensor_or_tensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale the gradients in place so their total ``norm_type`` norm is at most ``max_norm``; return the norm.

    ``foreach`` is accepted and has no effect (one fused computation either way).
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = _get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


@deprecated(
    "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
    category=FutureWarning,
)
def clip_grad_norm(
    parameters: _tensor_or_tensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Deprecated alias of :func:`clip_grad_norm_`."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@_no_grad
def clip_grad_value_(parameters: _tensor_or_tensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient in place to ``[-clip_value, clip_value]``."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    for p in parameters:
        if p.grad is not None:
            p.grad.clamp_(min=-clip_value, max=clip_value)
