"""torch.cuda over JAX's GPU devices."""

from __future__ import annotations

import jax

from jtorch._device import device, gpus, jax_device


def is_available() -> bool:
    return bool(gpus())


def device_count() -> int:
    return len(gpus())


def _lazy_init() -> None:
    """Raise as torch does without CUDA (RuntimeError here, naming JAX, rather than torch's AssertionError)."""
    if not gpus():
        raise RuntimeError("No CUDA GPUs are available (JAX sees no GPU device; jax.devices() lists only CPU)")


def current_device() -> int:
    _lazy_init()
    return 0


def get_device_name(device_=None) -> str:
    idx = device_.index if isinstance(device_, device) else (device_ or 0)
    return jax_device(device("cuda", idx or 0)).device_kind


def get_device_capability(device_=None) -> tuple:
    d = jax_device(
        device("cuda", 0 if device_ is None else (device_.index if isinstance(device_, device) else device_))
    )
    cc = getattr(d, "compute_capability", "0.0")
    major, minor = str(cc).split(".")
    return int(major), int(minor)


def synchronize(device_=None) -> None:
    """Wait for all queued work (JAX dispatches asynchronously, like CUDA). Unlike torch it also
    works without a GPU, so timing code can call it on any backend."""
    (jax.device_put(0.0) + 0).block_until_ready()
    jax.effects_barrier()


def empty_cache() -> None:
    jax.clear_caches()


def is_initialized() -> bool:
    return bool(gpus())


def manual_seed(seed: int) -> None:
    from jtorch.random import manual_seed as _ms

    _ms(seed)


manual_seed_all = manual_seed


def memory_allocated(device_=None) -> int:
    if not gpus():
        return 0
    stats = jax_device(device("cuda", 0)).memory_stats() or {}
    return int(stats.get("bytes_in_use", 0))


def max_memory_allocated(device_=None) -> int:
    if not gpus():
        return 0
    stats = jax_device(device("cuda", 0)).memory_stats() or {}
    return int(stats.get("peak_bytes_in_use", 0))


def memory_reserved(device_=None) -> int:
    if not gpus():
        return 0
    stats = jax_device(device("cuda", 0)).memory_stats() or {}
    return int(stats.get("bytes_reserved", stats.get("bytes_limit", 0)))


def reset_peak_memory_stats(device_=None) -> None:
    """Accepted for compatibility: XLA's allocator keeps its peak counter for the process."""
    _lazy_init()


def set_device(device_) -> None:
    """Only device 0 exists as 'current' here: jtorch places arrays on JAX's default device."""
    idx = device_.index if isinstance(device_, device) else device_
    _lazy_init()
    if idx not in (None, 0):
        raise NotImplementedError("torch.cuda.set_device: jtorch supports only device 0 as the current device")


class _Properties:
    def __init__(self, d):
        self.name = d.device_kind
        stats = d.memory_stats() or {}
        self.total_memory = int(stats.get("bytes_limit", 0))
        cc = str(getattr(d, "compute_capability", "0.0")).split(".")
        self.major, self.minor = int(cc[0]), int(cc[1]) if len(cc) > 1 else 0
        self.multi_processor_count = int(getattr(d, "core_count", 0) or 0)

    def __repr__(self) -> str:
        return (
            f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
            f"total_memory={self.total_memory // 2**20}MB, multi_processor_count={self.multi_processor_count})"
        )


def get_device_properties(device_=None) -> _Properties:
    idx = device_.index if isinstance(device_, device) else device_
    return _Properties(jax_device(device("cuda", idx or 0)))
