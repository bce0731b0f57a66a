"""torch.optim.Adafactor (rule: ``jtorch.optim.transforms.adafactor_rule``)."""

from __future__ import annotations

import jax.numpy as jnp

from jtorch._tensor import Tensor
from jtorch.optim import transforms
from jtorch.optim._common import scalar, setdefaults
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["Adafactor"]


class Adafactor(_RuleOptimizer):
    """Adafactor as torch implements it (lr caps the relative step size and scales decoupled weight decay)."""

    _rule = staticmethod(transforms.adafactor_rule)
    _name = "Adafactor"

    def __init__(
        self,
        params,
        lr=1e-2,
        beta2_decay=-0.8,
        eps=(None, 1e-3),
        d=1.0,
        weight_decay=0.0,
        *,
        foreach=None,
        maximize=False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(
            lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach, maximize=maximize
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        setdefaults(self, foreach=None)

    def _flags(self, group):
        return dict(maximize=group["maximize"], has_wd=group["weight_decay"] != 0, eps1_default=group["eps"][0] is None)

    def _hyper(self, group):
        eps1, eps2 = group["eps"]
        return dict(
            lr=group["lr"],
            beta2_decay=group["beta2_decay"],
            eps1=0.0 if eps1 is None else eps1,
            eps2=eps2,
            d=group["d"],
            weight_decay=group["weight_decay"],
        )

    def _init_state(self, p, group):
        st = {"step": scalar(0.0)}
        if p.grad.dim() > 1:
            st["row_var"] = Tensor._wrap(jnp.zeros((*p.shape[:-1], 1), p._data.dtype))
            st["col_var"] = Tensor._wrap(jnp.zeros((*p.shape[:-2], 1, p.shape[-1]), p._data.dtype))
        else:
            st["variance"] = Tensor._wrap(jnp.zeros_like(p._data))
        return st
