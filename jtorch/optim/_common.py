"""Small helpers shared by the optimizer classes: torch's argument checks and state constructors."""

from __future__ import annotations

import jax.numpy as jnp

from jtorch._tensor import Tensor
from jtorch.optim.optimizer import _scalar_state, _to_scalar

__all__ = ["zeros_like", "full_like", "scalar", "check", "check_betas", "setdefaults", "to_scalar"]

to_scalar = _to_scalar
scalar = _scalar_state


def zeros_like(p: Tensor) -> Tensor:
    return Tensor._wrap(jnp.zeros_like(p._data))


def full_like(p: Tensor, value) -> Tensor:
    return Tensor._wrap(jnp.full_like(p._data, value))


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise ValueError(msg)


def check_common(lr, eps=None, weight_decay=None) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    check(0.0 <= lr, f"Invalid learning rate: {lr}")
    if eps is not None:
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    if weight_decay is not None:
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


def check_betas(betas) -> None:
    check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
    check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")


def setdefaults(optimizer, **defaults) -> None:
    """torch's ``__setstate__`` back-filling of options missing from an older state dict."""
    for group in optimizer.param_groups:
        for k, v in defaults.items():
            group.setdefault(k, v)
    for _p, st in optimizer.state.items():
        if isinstance(st, dict) and "step" in st and not isinstance(st["step"], Tensor):
            st["step"] = scalar(float(st["step"]))
