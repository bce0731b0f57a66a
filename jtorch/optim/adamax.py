"""torch.optim.Adamax (rule: ``jtorch.optim.transforms.adamax_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check_betas, check_common, scalar, setdefaults, zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["Adamax"]


class Adamax(_RuleOptimizer):
    """Adamax (Adam with the infinity norm)."""

    _rule = staticmethod(transforms.adamax_rule)
    _name = "Adamax"

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        capturable=False,
    ) -> None:
        check_common(lr, eps)
        check_betas(betas)
        check_common(0.0, None, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
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
        return dict(
            lr=group["lr"],
            beta1=group["betas"][0],
            beta2=group["betas"][1],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
        )

    def _init_state(self, p, group):
        return {"step": scalar(0.0), "exp_avg": zeros_like(p), "exp_inf": zeros_like(p)}
