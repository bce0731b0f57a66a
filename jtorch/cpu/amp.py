"""torch.cpu.amp: deprecated aliases of torch.amp with device_type 'cpu' (they warn as torch does)."""

from __future__ import annotations

import warnings

import jtorch.amp
from jtorch.amp import GradScaler as _GradScaler

__all__ = ["autocast", "GradScaler"]


class autocast(jtorch.amp.autocast):
    """``torch.cpu.amp.autocast(args...)`` is ``torch.amp.autocast("cpu", args...)``."""

    def __init__(self, enabled: bool = True, dtype=None, cache_enabled: bool = True):
        import jtorch

        warnings.warn(
            "`torch.cpu.amp.autocast(args...)` is deprecated. Please use `torch.amp.autocast('cpu', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cpu", enabled=enabled, dtype=jtorch.bfloat16 if dtype is None else dtype,
                         cache_enabled=cache_enabled)  # fmt: skip


class GradScaler(_GradScaler):
    """``torch.cpu.amp.GradScaler(args...)`` is ``torch.amp.GradScaler("cpu", args...)``."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:  # fmt: skip
        warnings.warn(
            "`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use `torch.amp.GradScaler('cpu', args...)` "
            "instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)
