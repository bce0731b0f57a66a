"""torch.optim.Rprop (rule: ``jtorch.optim.transforms.rprop_rule``)."""

from __future__ import annotations

from jtorch.optim import transforms
from jtorch.optim._common import check_common, full_like, scalar, setdefaults, to_scalar, zeros_like
from jtorch.optim.optimizer import _get_value, _RuleOptimizer

__all__ = ["Rprop"]


class Rprop(_RuleOptimizer):
    """Resilient backpropagation: per-element step sizes grown by etaplus, shrunk by etaminus."""

    _rule = staticmethod(transforms.rprop_rule)
    _name = "Rprop"

    def __init__(
        self,
        params,
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ) -> None:
        check_common(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr,
            etas=etas,
            step_sizes=step_sizes,
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
        return dict(maximize=group["maximize"])

    def _hyper(self, group):
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        return dict(lr=group["lr"], etaminus=etaminus, etaplus=etaplus, step_size_min=lo, step_size_max=hi)

    def _init_state(self, p, group):
        return {
            "step": scalar(0.0),
            "prev": zeros_like(p),
            "step_size": full_like(p, float(_get_value(to_scalar(group["lr"])))),
        }
