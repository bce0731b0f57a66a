"""torch.cuda.amp: deprecated aliases of torch.amp with device_type 'cuda' (they warn as torch does)."""

from __future__ import annotations

import warnings

import jtorch.amp
from jtorch.amp import GradScaler as _GradScaler
from jtorch.amp.autocast_mode import custom_bwd as _custom_bwd
from jtorch.amp.autocast_mode import custom_fwd as _custom_fwd

__all__ = ["autocast", "custom_bwd", "custom_fwd", "GradScaler"]


class autocast(jtorch.amp.autocast):
    """``torch.cuda.amp.autocast(args...)`` is ``torch.amp.autocast("cuda", args...)``."""

    def __init__(self, enabled: bool = True, dtype=None, cache_enabled: bool = True):
        import jtorch

        warnings.warn(
            "`torch.cuda.amp.autocast(args...)` is deprecated. Please use `torch.amp.autocast('cuda', args...)` "
            "instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", enabled=enabled, dtype=jtorch.float16 if dtype is None else dtype,
                         cache_enabled=cache_enabled)  # fmt: skip


class GradScaler(_GradScaler):
    """``torch.cuda.amp.GradScaler(args...)`` is ``torch.amp.GradScaler("cuda", args...)``."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:  # fmt: skip
        warnings.warn(
            "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use `torch.amp.GradScaler('cuda', args...)` "
            "instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """Deprecated ``torch.cuda.amp.custom_fwd``: ``torch.amp.custom_fwd(device_type='cuda')``."""
    warnings.warn(
        "`torch.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
        "`torch.amp.custom_fwd(args..., device_type='cuda')` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return _custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """Deprecated ``torch.cuda.amp.custom_bwd``: ``torch.amp.custom_bwd(device_type='cuda')``."""
    warnings.warn(
        "`torch.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
        "`torch.amp.custom_bwd(args..., device_type='cuda')` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return _custom_bwd(bwd, device_type="cuda")
