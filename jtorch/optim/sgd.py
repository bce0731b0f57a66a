"""torch.optim.SGD (rule: ``jtorch.optim.transforms.sgd_rule``)."""

from __future__ import annotations

import jax.numpy as jnp

from jtorch.optim import transforms
from jtorch.optim.optimizer import _check_lr, _RuleOptimizer

__all__ = ["SGD"]


class SGD(_RuleOptimizer):
    """Stochastic gradient descent with torch's momentum, dampening, nesterov, weight decay and maximize."""

    _rule = staticmethod(transforms.sgd_rule)

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def _flags(self, group):
        return dict(
            maximize=group["maximize"],
            has_wd=group["weight_decay"] != 0,
            has_momentum=group["momentum"] != 0,
            nesterov=group["nesterov"],
        )

    def _hyper(self, group):
        return {k: group[k] for k in ("lr", "momentum", "dampening", "weight_decay")}

    def _functional_state(self, state, p, group):
        # torch keeps no state without momentum and creates ``momentum_buffer`` at the first step.
        if group["momentum"] == 0:
            return {}
        if "momentum_buffer" in state and state["momentum_buffer"] is not None:
            return {"momentum_buffer": state["momentum_buffer"]._data, "_initialized": jnp.ones((), bool)}
        return {"momentum_buffer": jnp.zeros_like(p._data), "_initialized": jnp.zeros((), bool)}
