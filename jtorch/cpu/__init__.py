"""torch.cpu: the CPU device module (always available) and the deprecated torch.cpu.amp."""

from __future__ import annotations

from jtorch.cpu import amp  # noqa: F401


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def synchronize(device=None) -> None:
    """Wait for queued CPU work (JAX dispatches asynchronously)."""
    import jtorch.cuda

    jtorch.cuda.synchronize()
