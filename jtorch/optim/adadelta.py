"""torch.optim.Adadelta (rule: ``jtorch.optim.transforms.adadelta_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check, check_common, scalar, setdefaults, zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["Adadelta"]


class Adadelta(_RuleOptimizer):
    """Adadelta with torch's eps placement (inside both square roots)."""

    _rule = staticmethod(transforms.adadelta_rule)
    _name = "Adadelta"

    def __init__(
        self,
        params,
        lr=1.0,
        rho=0.9,
        eps=1e-6,
        weight_decay=0,
        foreach=None,
        *,
        capturable=False,
        maximize=False,
        differentiable=False,
    ) -> None:
        check_common(lr)
        check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            capturable=capturable,
            foreach=foreach,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(self, foreach=None, maximize=False, differentiable=False, capturable=False)

    def _flags(self, group):
        return dict(maximize=group["maximize"], has_wd=group["weight_decay"] != 0)

    def _hyper(self, group):
        return {k: group[k] for k in ("lr", "rho", "eps", "weight_decay")}

    def _init_state(self, p, group):
        return {"step": scalar(0.0), "square_avg": zeros_like(p), "acc_delta": zeros_like(p)}
