"""jtorch: PyTorch's API on JAX and XLA. ``import jtorch as torch``."""

from __future__ import annotations

import jax as _jax

# torch's int64/float64 tensors need JAX's 64-bit mode; float32 stays the default dtype.
_jax.config.update("jax_enable_x64", True)


def _use_compilation_cache() -> None:
    """Keep XLA programs that took 0.1 s or more to compile in JAX's on-disk cache, as torch.compile keeps
    its own (``/tmp/torchinductor_<user>``): a program's second run loads them instead of compiling. The
    programs eager jtorch compiles per new shape are mostly random draws for parameter init (threefry, ~0.25 s
    each on these machines): building four small layers took 2.4 s cold and 0.8 s with the cache warm.
    ``JTORCH_COMPILATION_CACHE_DIR`` picks the folder (empty: no cache); a cache the user set up for JAX
    (``JAX_COMPILATION_CACHE_DIR`` or ``jax_compilation_cache_dir``) is left as it is."""
    import os

    if _jax.config.jax_compilation_cache_dir is not None or "JAX_COMPILATION_CACHE_DIR" in os.environ:
        return
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.environ.get("JTORCH_COMPILATION_CACHE_DIR", os.path.join(base, "jtorch", "xla"))
    if folder:
        _jax.config.update("jax_compilation_cache_dir", folder)
        _jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.1)


_use_compilation_cache()

from jtorch import _dtype  # noqa: E402
from jtorch._dtype import (  # noqa: E402,F401
    bfloat16,
    bool,
    cdouble,
    cfloat,
    chalf,
    complex32,
    complex64,
    complex128,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
    uint16,
    uint32,
    uint64,
)
from jtorch._device import device, get_default_device, set_default_device  # noqa: E402,F401
from jtorch._tensor_str import set_printoptions  # noqa: E402,F401
from jtorch._size import Size  # noqa: E402,F401
from jtorch._tensor import Tensor  # noqa: E402,F401
from jtorch._ops import load as _load_ops  # noqa: E402,F401
from jtorch._ops.registry import FUNCTIONS as _FUNCTIONS  # noqa: E402

globals().update(_FUNCTIONS)

from jtorch import autograd, cuda, random  # noqa: E402,F401
from jtorch import linalg  # noqa: E402,F401
from jtorch import nn, optim, utils  # noqa: E402,F401
import jtorch.utils.data  # noqa: E402,F401
from jtorch import serialization  # noqa: E402,F401
from jtorch.serialization import load, save  # noqa: E402,F401
from jtorch._compile import compile  # noqa: E402,F401
from jtorch import func  # noqa: E402,F401
from jtorch import distributions  # noqa: E402,F401
from jtorch import amp, cpu, jit, profiler  # noqa: E402,F401
import jtorch.utils.checkpoint  # noqa: E402,F401
from jtorch.amp.autocast_mode import (  # noqa: E402,F401
    autocast,
    autocast_decrement_nesting,
    autocast_increment_nesting,
    clear_autocast_cache,
    get_autocast_dtype,
    is_autocast_cache_enabled,
    is_autocast_enabled,
    set_autocast_cache_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
)
from jtorch import fft, special  # noqa: E402,F401
from jtorch.autograd.grad_mode import (  # noqa: E402,F401
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from jtorch.random import (  # noqa: E402,F401
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

from jtorch.torch_version import __version__  # noqa: E402,F401


class _Layout:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


strided = _Layout("strided")
sparse_coo = _Layout("sparse_coo")


class memory_format:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
preserve_format = memory_format("preserve_format")


def result_type(tensor1, tensor2) -> dtype:
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_: dtype, to: dtype) -> bool:
    return _dtype.can_cast(from_, to)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.dtype.is_floating_point


def is_complex(input) -> bool:
    return input.dtype.is_complex


def numel(input) -> int:
    return input.numel()


def set_default_tensor_type(t) -> None:
    import warnings

    warnings.warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use torch.set_default_dtype() and "
        "torch.set_default_device() as alternatives.",
        UserWarning,
        stacklevel=2,
    )
    set_default_dtype(_dtype.to_dtype(t))


def get_num_threads() -> int:
    import os

    return os.cpu_count() or 1


def set_num_threads(n: int) -> None:
    """Accepted for compatibility; XLA's CPU thread pool is configured at start-up (XLA_FLAGS)."""


from jtorch._dtype import finfo, iinfo  # noqa: E402,F401


# Legacy tensor type names: torch.FloatTensor etc. construct tensors and work with .type().
def _legacy_type(d):
    from jtorch._ops.creation import legacy_type

    return legacy_type(d)


for _d in _dtype.ALL:
    if _d._legacy:
        globals()[_d._legacy] = _legacy_type(_d)
del _d

# torch.testing, torch.backends, torch.version, process-wide flags and the `import torch` alias.
from jtorch import backends, testing, version  # noqa: E402,F401
from jtorch._flags import (  # noqa: E402,F401
    are_deterministic_algorithms_enabled,
    get_float32_matmul_precision,
    is_deterministic_algorithms_warn_only_enabled,
    set_float32_matmul_precision,
    use_deterministic_algorithms,
)
from jtorch._alias import add_missing_attribute_errors as _add_missing, install_torch_alias  # noqa: E402,F401

_add_missing(__import__("sys").modules[__name__])  # torch.X that jtorch lacks: "not implemented in jtorch yet"
