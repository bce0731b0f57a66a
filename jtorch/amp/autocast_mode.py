"""torch.amp.autocast: ops on torch's autocast lists run in a lower precision (or float32) inside the region.

One mechanism: ``autocast_op(name)`` wraps an op's torch-facing function where the op is defined (the
registry does it for every ``torch_op``; ``nn.functional`` ops carry the decorator). Inside an enabled
region the wrapper casts the op's floating-point tensor arguments by the op's policy before the op's own
checks run (as torch's Autocast dispatch key does before the kernel), so ``linear(bf16, fp32 weight)``
works as in torch. Casts go through ``Tensor.to`` and are recorded on the tape (gradients flow back
to the float32 leaves in float32). Outside a region the wrapper costs one flag test.

Policies, from ATen's autocast_mode.cpp lists for CPU and CUDA:
- ``lower``: cast float32 (and other non-float64 floating) tensors to the autocast dtype;
- ``fp32``: cast non-float64 floating tensors to float32;
- ``promote``: cast to the widest floating dtype among the arguments.
float64 tensors are never cast, as in torch. The weight-cast cache (``cache_enabled``) is accepted and
reported but not used: a cast is an XLA convert, cheap next to the op, and under ``jtorch.compile`` XLA
fuses it.
"""

from __future__ import annotations

import collections.abc
import functools
import threading
import warnings
from typing import Any

_LOWER, _FP32, _PROMOTE = "lower", "fp32", "promote"

_CPU_LOWER = (
    "conv1d conv2d conv3d bmm mm linalg_vecdot baddbmm addmm addbmm linear _convolution matmul conv_tbc "
    "conv_transpose1d conv_transpose2d conv_transpose3d prelu scaled_dot_product_attention"
).split()
_CPU_FP32 = (
    "avg_pool3d binary_cross_entropy grid_sampler polar prod quantile nanquantile stft cdist trace view_as_complex "
    "cholesky cholesky_inverse cholesky_solve inverse lu_solve orgqr ormqr pinverse max_pool3d max_unpool2d "
    "max_unpool3d adaptive_avg_pool3d reflection_pad1d reflection_pad2d replication_pad1d replication_pad2d "
    "replication_pad3d mse_loss cosine_embedding_loss nll_loss nll_loss2d hinge_embedding_loss poisson_nll_loss "
    "smooth_l1_loss cross_entropy l1_loss huber_loss margin_ranking_loss soft_margin_loss triplet_margin_loss "
    "multi_margin_loss ctc_loss kl_div multilabel_margin_loss binary_cross_entropy_with_logits "
    "fft_fft fft_ifft fft_fft2 fft_ifft2 fft_fftn fft_ifftn fft_rfft fft_irfft fft_rfft2 fft_irfft2 fft_rfftn "
    "fft_irfftn fft_hfft fft_ihfft linalg_cond linalg_matrix_rank linalg_solve linalg_cholesky linalg_svdvals "
    "linalg_eigvals linalg_eigvalsh linalg_inv linalg_householder_product linalg_tensorinv linalg_tensorsolve "
    "fake_quantize_per_tensor_affine geqrf qr svd triangular_solve fractional_max_pool2d fractional_max_pool3d "
    "adaptive_max_pool3d linalg_qr linalg_cholesky_ex linalg_svd linalg_eig linalg_eigh linalg_lstsq linalg_inv_ex"
).split()
# ATen composites that decompose into mm/bmm (so their result is bf16 in torch too); jtorch defines them as one op.
_CPU_LOWER += "einsum tensordot inner chain_matmul".split()
_CPU_PROMOTE = "stack cat index_copy".split()

_CUDA_LOWER = (
    "_convolution conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d convolution "
    "prelu addmm addmv addr matmul einsum mm mv linalg_vecdot linear addbmm baddbmm bmm chain_matmul linalg_multi_dot "
    "_thnn_fused_lstm_cell _thnn_fused_gru_cell lstm_cell gru_cell rnn_tanh_cell rnn_relu_cell "
    "_scaled_dot_product_flash_attention scaled_dot_product_attention"
).split()
_CUDA_FP32 = (
    "acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow softplus layer_norm "
    "native_layer_norm group_norm frobenius_norm nuclear_norm cosine_similarity poisson_nll_loss "
    "cosine_embedding_loss nll_loss nll_loss2d hinge_embedding_loss kl_div l1_loss smooth_l1_loss huber_loss "
    "mse_loss margin_ranking_loss multilabel_margin_loss soft_margin_loss triplet_margin_loss multi_margin_loss "
    "binary_cross_entropy_with_logits dist pdist cdist renorm logsumexp upsample_nearest1d upsample_nearest2d "
    "upsample_nearest3d upsample_linear1d upsample_bilinear2d upsample_trilinear3d upsample_bicubic2d "
    "grid_sampler polar prod cumprod cumsum softmax log_softmax softmin sum norm normalize cross_entropy "
    "linalg_norm linalg_vector_norm linalg_matrix_norm"
).split()
_CUDA_PROMOTE = "addcdiv addcmul atan2 bilinear cross dot vdot grid_sampler index_put scatter_add tensordot stack cat index_copy".split()

POLICIES: dict[str, dict[str, str]] = {
    "cpu": {**{n: _LOWER for n in _CPU_LOWER}, **{n: _FP32 for n in _CPU_FP32}, **{n: _PROMOTE for n in _CPU_PROMOTE}},
    "cuda": {
        **{n: _LOWER for n in _CUDA_LOWER},
        **{n: _FP32 for n in _CUDA_FP32},
        **{n: _PROMOTE for n in _CUDA_PROMOTE},
    },
}
_CUDA_BANNED = {"binary_cross_entropy"}  # torch raises for it under CUDA autocast
_AUTOCAST_OPS = set(POLICIES["cpu"]) | set(POLICIES["cuda"]) | _CUDA_BANNED


class _State(threading.local):
    """Per-thread autocast state, like torch's (thread-local in ATen)."""

    def __init__(self):
        self.enabled = {"cpu": False, "cuda": False}
        self.dtype: dict = {}
        self.cache_enabled = True
        self.nesting = 0
        self.active = False  # any device enabled: the wrappers' one fast test


_state = _State()
_DEVICE_TYPES = ("cpu", "cuda", "xpu", "mps", "xla", "mtia", "hpu", "maia")


def _default_dtype(device_type: str):
    import jtorch

    return _state.dtype.get(device_type) or (jtorch.bfloat16 if device_type != "cuda" else jtorch.float16)


def is_autocast_available(device_type: str) -> bool:
    """Return whether autocast is available on ``device_type`` (jtorch: 'cpu' and 'cuda')."""
    return device_type in ("cpu", "cuda")


# --- torch.* state functions -------------------------------------------------------------------------------


def is_autocast_enabled(device_type: str | None = None) -> bool:
    return _state.enabled.get("cuda" if device_type is None else device_type, False)


def set_autocast_enabled(device_type: str, enabled: bool | None = None) -> None:
    if enabled is None:  # torch's deprecated one-argument form sets CUDA
        device_type, enabled = "cuda", device_type
    _state.enabled[device_type] = bool(enabled)
    _state.active = any(_state.enabled.values())


def get_autocast_dtype(device_type: str):
    if device_type not in _state.enabled:
        import jtorch

        jtorch.device(device_type)  # torch's error for an unknown device string
    return _default_dtype(device_type)


def set_autocast_dtype(device_type: str, dtype) -> None:
    _state.dtype[device_type] = dtype


def is_autocast_cache_enabled() -> bool:
    return _state.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    _state.cache_enabled = bool(enabled)


def autocast_increment_nesting() -> int:
    _state.nesting += 1
    return _state.nesting


def autocast_decrement_nesting() -> int:
    _state.nesting -= 1
    return _state.nesting


def clear_autocast_cache() -> None:
    """Nothing is cached (see the module docstring)."""


# --- the context manager -----------------------------------------------------------------------------------


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)

    return decorate_autocast


class autocast:
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: context manager and
    decorator. Ops on torch's autocast lists for ``device_type`` run in ``dtype`` (default bfloat16 on CPU,
    float16 on CUDA) or in float32."""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled: bool | None = None):
        import jtorch

        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(self.device):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{self.device}'")
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        supported = [jtorch.bfloat16, jtorch.float16]
        if enabled:
            if self.device == "cuda":
                if not jtorch.cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in supported:
                name = self.device.upper()
                warnings.warn(
                    f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                    f"{name} Autocast only supports dtypes of " + ", ".join(map(str, supported)) + " currently.",
                    stacklevel=2,
                )
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                f"Did you mean to use autocast as a context manager? For example:\n"
                f"    with torch.autocast(device_type=...):\n"
                f"        output = model(input)"
            )
        return autocast_decorator(self, func)


# --- the cast hook -----------------------------------------------------------------------------------------

_Tensor = None


def _tensor_cls():
    global _Tensor
    if _Tensor is None:
        from jtorch._tensor import Tensor

        _Tensor = Tensor
    return _Tensor


def _eligible(t, device_type: str) -> bool:
    import jtorch

    return t.is_floating_point() and t.dtype is not jtorch.float64 and t.device.type == device_type


def _map(value, fn):
    """Apply ``fn`` to every Tensor in ``value`` (lists, tuples and dicts walked), like torch's ``_cast``."""
    if isinstance(value, _tensor_cls()):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map(v, fn) for v in value)
    if isinstance(value, collections.abc.Mapping) and not isinstance(value, (str, bytes)):
        return {k: _map(v, fn) for k, v in value.items()}
    return value


def _tensors(value, out: list) -> list:
    if isinstance(value, _tensor_cls()):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _tensors(v, out)
    return out


def _cast_args(name: str, args: tuple, kwargs: dict):
    """The op's arguments cast by its autocast policy for the device type of its tensors."""
    found = _tensors(args, [])
    if not found:
        found = _tensors(list(kwargs.values()), [])
    if not found:
        return args, kwargs
    device_type = found[0].device.type
    if not _state.enabled.get(device_type):
        return args, kwargs
    if device_type == "cuda" and name in _CUDA_BANNED:
        raise RuntimeError(
            "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
            "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
            "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
            "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
            "safe to autocast."
        )
    policy = POLICIES.get(device_type, {}).get(name)
    if policy is None:
        return args, kwargs
    import jtorch

    if policy == _LOWER:
        target = _default_dtype(device_type)
    elif policy == _FP32:
        target = jtorch.float32
    else:
        floats = [t.dtype for t in found if t.is_floating_point()]
        if not floats:
            return args, kwargs
        target = functools.reduce(jtorch.promote_types, floats)

    def cast(t):
        return t.to(target) if _eligible(t, device_type) and t.dtype is not target else t

    return _map(args, cast), {k: _map(v, cast) for k, v in kwargs.items()}


def autocast_op(name: str):
    """Decorator for an op's torch-facing function: under autocast, cast its inputs by ``name``'s policy.

    Ops on no autocast list come back unwrapped (no cost)."""

    def deco(f):
        if name not in _AUTOCAST_OPS:
            return f

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            if not _state.active:
                return f(*args, **kwargs)
            args, kwargs = _cast_args(name, args, kwargs)
            return f(*args, **kwargs)

        wrapper._jtorch_autocast = True
        return wrapper

    return deco


# --- custom autograd.Function helpers ----------------------------------------------------------------------


def custom_fwd(fwd=None, *, device_type: str, cast_inputs=None):
    """Decorator for a custom ``autograd.Function.forward``: with ``cast_inputs``, run it with autocast off and
    floating inputs cast to ``cast_inputs``; the backward (``custom_bwd``) runs with the forward's state."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        autocast_context = is_autocast_enabled(device_type)
        args[0]._fwd_used_autocast = False
        if autocast_context:
            with autocast(device_type=device_type, enabled=False):
                cast = lambda t: t.to(cast_inputs) if _eligible(t, device_type) else t  # noqa: E731
                return fwd(*_map(args, cast), **{k: _map(v, cast) for k, v in kwargs.items()})
        return fwd(*args, **kwargs)

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """Decorator for a custom ``autograd.Function.backward``: runs it under the forward's autocast state."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)

    return decorate_bwd


def wrap_namespace(namespace: dict) -> None:
    """Wrap, in place, every function in ``namespace`` whose name is on an autocast list (``nn.functional``)."""
    for name, f in list(namespace.items()):
        if name in _AUTOCAST_OPS and callable(f) and not getattr(f, "_jtorch_autocast", False):
            namespace[name] = autocast_op(name)(f)
