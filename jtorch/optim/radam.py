"""torch.optim.RAdam (rule: ``jtorch.optim.transforms.radam_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check_betas, check_common, scalar, setdefaults, zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["RAdam"]


class RAdam(_RuleOptimizer):
    """Rectified Adam (plain bias-corrected momentum while the variance rectification term rho_t <= 5)."""

    _rule = staticmethod(transforms.radam_rule)
    _name = "RAdam"

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        decoupled_weight_decay=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
    ) -> None:
        check_common(lr, eps)
        check_betas(betas)
        check_common(0.0, None, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(
            self, foreach=None, maximize=False, differentiable=False, decoupled_weight_decay=False, capturable=False
        )

    def _flags(self, group):
        return dict(
            maximize=group["maximize"],
            has_wd=group["weight_decay"] != 0,
            decoupled_weight_decay=group["decoupled_weight_decay"],
        )

    def _hyper(self, group):
        return dict(
            lr=group["lr"],
            beta1=group["betas"][0],
            beta2=group["betas"][1],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
        )

    def _init_state(self, p, group):
        return {"step": scalar(0.0), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
