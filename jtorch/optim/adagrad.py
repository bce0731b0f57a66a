"""torch.optim.Adagrad (rule: ``jtorch.optim.transforms.adagrad_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check, check_common, full_like, scalar, setdefaults
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["Adagrad"]


class Adagrad(_RuleOptimizer):
    """Adagrad; like torch, the state of every parameter is created in the constructor."""

    _rule = staticmethod(transforms.adagrad_rule)
    _name = "Adagrad"

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ) -> None:
        check_common(lr)
        check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        check(0.0 <= initial_accumulator_value, f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(p, group))

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(self, foreach=None, maximize=False, differentiable=False, fused=None)

    def _flags(self, group):
        return dict(maximize=group["maximize"], has_wd=group["weight_decay"] != 0)

    def _hyper(self, group):
        return {k: group[k] for k in ("lr", "lr_decay", "weight_decay", "eps")}

    def _init_state(self, p, group):
        return {"step": scalar(0.0), "sum": full_like(p, self.defaults["initial_accumulator_value"])}
