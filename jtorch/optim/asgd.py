"""torch.optim.ASGD (rule: ``jtorch.optim.transforms.asgd_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check_common, scalar, setdefaults, to_scalar, zeros_like
from jtorch.optim.optimizer import _get_value, _RuleOptimizer

__all__ = ["ASGD"]


class ASGD(_RuleOptimizer):
    """Averaged SGD: keeps the running average ``ax`` with torch's ``eta``/``mu`` schedules."""

    _rule = staticmethod(transforms.asgd_rule)
    _name = "ASGD"

    def __init__(
        self,
        params,
        lr=1e-2,
        lambd=1e-4,
        alpha=0.75,
        t0=1e6,
        weight_decay=0,
        foreach=None,
        maximize=False,
        differentiable=False,
        capturable=False,
    ) -> None:
        check_common(lr, None, weight_decay)
        defaults = dict(
            lr=lr,
            lambd=lambd,
            alpha=alpha,
            t0=t0,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(self, foreach=None, maximize=False, differentiable=False, capturable=False)

    def _flags(self, group):
        return dict(maximize=group["maximize"], has_wd=group["weight_decay"] != 0)

    def _hyper(self, group):
        return {k: group[k] for k in ("lr", "lambd", "alpha", "t0", "weight_decay")}

    def _init_state(self, p, group):
        return {
            "step": scalar(0.0),
            "eta": scalar(float(_get_value(to_scalar(group["lr"])))),
            "mu": scalar(1.0),
            "ax": zeros_like(p),
        }
