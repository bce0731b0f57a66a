"""torch.optim.Adam (rule: ``jtorch.optim.transforms.adam_rule``)."""

from __future__ import annotations

from jtorch._tensor import Tensor
from jtorch.optim import transforms
from jtorch.optim._common import check_betas, check_common, scalar, setdefaults, to_scalar, zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["Adam"]


class Adam(_RuleOptimizer):
    """Adam with torch's bias correction and eps placement, amsgrad, weight decay (coupled or decoupled), maximize."""

    _rule = staticmethod(transforms.adam_rule)
    _name = "Adam"

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        check_common(lr, eps)
        check_betas(betas)
        check_common(0.0, None, weight_decay)
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(map(to_scalar, betas))
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(
            self,
            amsgrad=False,
            maximize=False,
            foreach=None,
            capturable=False,
            differentiable=False,
            decoupled_weight_decay=False,
            fused=None,
        )

    def _flags(self, group):
        return dict(
            maximize=group["maximize"],
            has_wd=group["weight_decay"] != 0,
            amsgrad=group["amsgrad"],
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
        st = {"step": scalar(0.0), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
        if group["amsgrad"]:
            st["max_exp_avg_sq"] = zeros_like(p)
        return st
