"""torch.backends: the flags scripts set (``cudnn.benchmark = True``) and the availability probes they read.

jtorch runs on XLA, which picks its own kernels: the flags are accepted and remembered but change
nothing. ``mps`` is never available; ``cuda``/``cudnn`` follow ``jtorch.cuda.is_available()`` (a JAX GPU).
"""

from __future__ import annotations

import types

__all__ = ["cpu", "cuda", "cudnn", "mkldnn", "mps", "openmp"]


def _module(name: str, doc: str, **attrs) -> types.ModuleType:
    import sys

    mod = types.ModuleType(f"{__name__}.{name}", doc)
    mod.__dict__.update(attrs)
    sys.modules[mod.__name__] = mod
    return mod


def _cuda_available() -> bool:
    from jtorch import cuda as _cuda

    return _cuda.is_available()


def _false() -> bool:
    return False


def _true() -> bool:
    return True


def _cudnn_version():
    return None


class _MatmulFlags:
    """torch.backends.cuda.matmul: allow_tf32 mirrors set_float32_matmul_precision as in torch."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        from jtorch._flags import get_float32_matmul_precision

        return get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        from jtorch._flags import set_float32_matmul_precision

        set_float32_matmul_precision("high" if value else "highest")


cudnn = _module(
    "cudnn",
    "torch.backends.cudnn: flags accepted for compatibility; XLA chooses convolution algorithms itself.",
    enabled=True,
    benchmark=False,
    deterministic=False,
    allow_tf32=True,
    benchmark_limit=10,
    is_available=_cuda_available,
    version=_cudnn_version,
)
cuda = _module(
    "cuda",
    "torch.backends.cuda",
    matmul=_MatmulFlags(),
    is_built=_cuda_available,
    is_flash_attention_available=_false,
)
mps = _module(
    "mps",
    "torch.backends.mps: Apple's Metal backend is not available under jtorch.",
    is_available=_false,
    is_built=_false,
)
mkldnn = _module("mkldnn", "torch.backends.mkldnn", is_available=_false, enabled=False)
openmp = _module("openmp", "torch.backends.openmp", is_available=_false)
cpu = _module("cpu", "torch.backends.cpu", get_cpu_capability=lambda: "DEFAULT")
