"""torch.device over JAX devices: 'cpu' is JAX's CPU backend, 'cuda:i' is JAX's i-th GPU."""

from __future__ import annotations

import builtins
import re

import jax

from jtorch import _dtype

_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla", "lazy",
    "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip
_DEVICE_RE = re.compile(r"([a-zA-Z_]+)(?::([1-9]\d*|0))?")


class device:
    """torch.device('cuda:0'), torch.device('cuda', 0), torch.device(type='cpu'), torch.device(0)."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None):  # noqa: A002 - torch's name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):  # a bare index means the accelerator
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            if not gpus():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            self.type, self.index = "cuda", type
            return
        if not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got ({builtins.type(type).__name__}), "
                "but expected one of:\n * (torch.device device)\n * (str type, int index = -1)\n"
            )
        m = _DEVICE_RE.fullmatch(type)
        if m is None:
            raise RuntimeError(f"Invalid device string: '{type}'")
        name, idx = m.group(1), m.group(2)
        if name not in _TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {name}")
        if idx is not None:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed explicitly: {type}"
                )
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = name, index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        # as torch: a device never equals a string, and 'cuda' differs from 'cuda:0'
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


_CPU = device("cpu")


def gpus() -> list:
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


def device_of(arr) -> device:
    try:
        (d,) = arr.devices()
    except Exception:  # tracers and sharded arrays: report the default device
        d = jax.devices()[0]
    if d.platform == "cpu":
        return _CPU
    if d.platform == "gpu":
        return device("cuda", gpus().index(d))
    return device(d.platform, d.id)


def jax_device(dev: device):
    """The JAX device for a torch device; raises what torch raises when there is no GPU."""
    if dev.type == "cpu":
        return jax.devices("cpu")[0]
    if dev.type == "cuda":
        g = gpus()
        if not g:
            raise RuntimeError("No CUDA GPUs are available (JAX sees no GPU device; jax.devices() lists only CPU)")
        idx = dev.index or 0
        if idx >= len(g):
            raise RuntimeError("CUDA error: invalid device ordinal")
        return g[idx]
    if dev.type in ("tpu", "xla"):
        return jax.devices()[dev.index or 0]
    raise RuntimeError(f"device type '{dev.type}' is not available in jtorch")


def put(arr, dev: device):
    target = jax_device(dev)
    try:
        if arr.devices() == {target}:
            return arr
    except Exception:
        return arr  # under tracing placement is XLA's
    return jax.device_put(arr, target)


def parse_to(t, *args, device=None, dtype=None, non_blocking=False, copy=False, memory_format=None):
    """Parse Tensor.to's overloads: to(device, dtype), to(dtype), to(tensor), keywords."""
    dev, dt = device, dtype
    for a in args:
        if a is None:
            continue
        if isinstance(a, _dtype.dtype):
            dt = a
        elif isinstance(a, bool):
            non_blocking = a
        elif isinstance(a, (str, int, globals()["device"])):
            dev = a
        elif hasattr(a, "_data") and hasattr(a, "dtype"):
            dt, dev = a.dtype, a.device
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
    del non_blocking  # JAX transfers are asynchronous anyway
    if dev is not None:
        dev = globals()["device"](dev)
    if dt is not None:
        dt = _dtype.to_dtype(dt)
    return dev, dt, copy


def set_default_device(dev) -> None:
    """torch.set_default_device: where factory functions (zeros, rand, tensor...) place new tensors.
    Maps to JAX's ``jax_default_device``; ``None`` restores JAX's own default."""
    if dev is None:
        jax.config.update("jax_default_device", None)
        return
    jax.config.update("jax_default_device", jax_device(device(dev)))


def default_jax_device():
    """The JAX device new arrays go to: ``jax_default_device`` (a device or a platform name) or JAX's first."""
    d = jax.config.jax_default_device
    if d is None:
        return jax.devices()[0]
    return jax.devices(d)[0] if isinstance(d, str) else d


def get_default_device() -> device:
    """torch.get_default_device: the device new tensors are created on."""
    d = default_jax_device()
    if d.platform == "cpu":
        return device("cpu")
    if d.platform == "gpu":
        return device("cuda", gpus().index(d))
    return device(d.platform, d.id)
