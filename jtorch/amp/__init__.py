"""torch.amp: autocast (mixed precision regions) and GradScaler (dynamic loss scaling)."""

from jtorch.amp.autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available  # noqa: F401
from jtorch.amp.grad_scaler import GradScaler  # noqa: F401

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
