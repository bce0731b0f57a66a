"""torch.optim.Muon (rule: ``jtorch.optim.transforms.muon_rule``): momentum orthogonalized by Newton-Schulz."""

from __future__ import annotations

from jtorch._tensor import Tensor
from jtorch.optim import transforms
from jtorch.optim._common import zeros_like
from jtorch.optim.optimizer import _RuleOptimizer

__all__ = ["Muon"]


class Muon(_RuleOptimizer):
    """Muon for 2-D parameters; the Newton-Schulz iterations run in bfloat16 like torch's."""

    _rule = staticmethod(transforms.muon_rule)
    _name = "Muon"

    def __init__(
        self,
        params,
        lr=0.001,
        weight_decay=0.1,
        momentum=0.95,
        nesterov=True,
        ns_coefficients=(3.4445, -4.775, 2.0315),
        eps=1e-07,
        ns_steps=5,
        adjust_lr_fn=None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        if ns_steps >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")
        if len(ns_coefficients) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")
        defaults = dict(
            lr=lr,
            weight_decay=weight_decay,
            momentum=momentum,
            nesterov=nesterov,
            ns_coefficients=ns_coefficients,
            eps=eps,
            ns_steps=ns_steps,
            adjust_lr_fn=adjust_lr_fn,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(
                        f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}"
                    )

    def _flags(self, group):
        return dict(nesterov=group["nesterov"], ns_steps=group["ns_steps"], adjust_lr_fn=group["adjust_lr_fn"])

    def _hyper(self, group):
        a, b, c = group["ns_coefficients"]
        return dict(
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            ns_a=a,
            ns_b=b,
            ns_c=c,
            eps=group["eps"],
        )

    def _init_state(self, p, group):
        return {"momentum_buffer": zeros_like(p)}
