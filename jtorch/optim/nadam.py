"""torch.optim.NAdam (rule: ``jtorch.optim.transforms.nadam_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check, check_betas, check_common, scalar, setdefaults, zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["NAdam"]


class NAdam(_RuleOptimizer):
    """NAdam with torch's momentum decay schedule (``mu_product`` state) and optional decoupled weight decay."""

    _rule = staticmethod(transforms.nadam_rule)
    _name = "NAdam"

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        momentum_decay=4e-3,
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
        check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(
            self, maximize=False, foreach=None, capturable=False, differentiable=False, decoupled_weight_decay=False
        )
        for st in self.state.values():
            if isinstance(st, dict) and "mu_product" in st and not hasattr(st["mu_product"], "_data"):
                st["mu_product"] = scalar(float(st["mu_product"]))

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
            momentum_decay=group["momentum_decay"],
        )

    def _init_state(self, p, group):
        return {"step": scalar(0.0), "mu_product": scalar(1.0), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
