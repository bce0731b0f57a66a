"""torch.optim.RMSprop (rule: ``jtorch.optim.transforms.rmsprop_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check, check_common, scalar, setdefaults, zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["RMSprop"]


class RMSprop(_RuleOptimizer):
    """RMSprop with torch's eps outside the square root, centered and momentum variants."""

    _rule = staticmethod(transforms.rmsprop_rule)
    _name = "RMSprop"

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ) -> None:
        check_common(lr, eps)
        check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(
            self, momentum=0, centered=False, foreach=None, maximize=False, differentiable=False, capturable=False
        )

    def _flags(self, group):
        return dict(
            maximize=group["maximize"],
            has_wd=group["weight_decay"] != 0,
            has_momentum=group["momentum"] > 0,
            centered=group["centered"],
        )

    def _hyper(self, group):
        return {k: group[k] for k in ("lr", "alpha", "eps", "weight_decay", "momentum")}

    def _init_state(self, p, group):
        st = {"step": scalar(0.0), "square_avg": zeros_like(p)}
        if group["momentum"] > 0:
            st["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            st["grad_avg"] = zeros_like(p)
        return st
