"""torch.nn.functional activations, softmax family, glu, threshold and normalize.

Each activation is one pure JAX function run through ``dispatch.apply`` (so its backward is the
cached VJP of the same definition). Where torch's backward differs from the naive derivative at a
kink (hardtanh, hardswish, hardsigmoid, threshold, elu at 0) the forward is written with
``jnp.where`` branches chosen so the VJP equals torch's formula. Scalars (slopes, alphas) are
dynamic arguments, so changing them never recompiles. ``jax.nn`` is used where its definition
matches torch's (sigmoid, log_sigmoid, softmax, log_softmax).
"""

from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
from jax.scipy import special as jsp

from jtorch import _dtype
from jtorch._ops._util import wrap_dim
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = [
    "threshold", "threshold_", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_",
    "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "softplus", "softsign", "hardtanh",
    "hardtanh_", "hardswish", "hardsigmoid", "sigmoid", "logsigmoid", "tanh", "tanhshrink", "softshrink", "hardshrink",
    "softmax", "log_softmax", "softmin", "gumbel_softmax", "glu", "normalize",
]  # fmt: skip

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float_only(input: Tensor, kernel: str) -> None:
    """torch's kernels reject integer inputs with NotImplementedError naming the kernel."""
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_name(input.dtype)}'")


def _run(name: str, fn, input: Tensor, args: tuple = (), statics: tuple = (), inplace: bool = False) -> Tensor:
    out = apply(name, fn, [input, *args], statics)
    return input._inplace(out) if inplace else out


def _opmath(fn):
    """Compute half-precision inputs in float32 and round once, as torch's CPU kernels do (opmath)."""

    @functools.wraps(fn)
    def wrapped(x, *args, **kwargs):
        if x.dtype == jnp.float16 or x.dtype == jnp.bfloat16:
            return fn(x.astype(jnp.float32), *args, **kwargs).astype(x.dtype)
        return fn(x, *args, **kwargs)

    return wrapped


# --- pure functions (module level so dispatch's jit cache hits) ---------------------------------


def _threshold(x, th, value):
    return jnp.where(x > th, x, jnp.asarray(value).astype(x.dtype))


def _hardtanh(x, lo, hi):
    # torch's backward passes the gradient only strictly inside (lo, hi).
    lo_, hi_ = jnp.asarray(lo).astype(x.dtype), jnp.asarray(hi).astype(x.dtype)
    return jnp.where(x <= lo, lo_, jnp.where(x >= hi, hi_, x))


@_opmath
def _leaky_relu(x, slope):
    return jnp.where(x > 0, x, x * slope)


@_opmath
def _prelu(x, w, *, shape):
    w = w.reshape(shape)
    return jnp.where(x > 0, x, w * x)


@_opmath
def _rrelu_noise(x, noise):
    return jnp.where(x >= 0, x, x * noise)


@_opmath
def _elu(x, alpha, scale, input_scale):
    # expm1 of the clamped input keeps the unused branch finite (no 0 * inf in the VJP).
    neg = alpha * jnp.expm1(jnp.where(x > 0, jnp.zeros_like(x), x) * input_scale)
    return scale * jnp.where(x > 0, x, neg)


@_opmath
def _gelu(x, *, approximate):
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + jnp.tanh(inner))
    return 0.5 * x * (1 + jsp.erf(x * (1 / math.sqrt(2.0))))


@_opmath
def _silu(x):
    return x * jax.nn.sigmoid(x)


@_opmath
def _mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


@_opmath
def _softplus(x, beta, threshold):
    xb = x * beta
    above = xb > threshold
    safe = jnp.where(above, jnp.zeros_like(xb), xb)
    return jnp.where(above, x, jnp.log1p(jnp.exp(safe)) / beta)


def _softsign(x, *, dt):
    x = x.astype(dt)
    return x / (jnp.abs(x) + 1)


@_opmath
def _hardswish(x):
    return jnp.where(x < -3, jnp.zeros_like(x), jnp.where(x <= 3, x * (x + 3) / 6, x))


@_opmath
def _hardsigmoid(x):
    return jnp.where(x <= -3, jnp.zeros_like(x), jnp.where(x >= 3, jnp.ones_like(x), x / 6 + 0.5))


@_opmath
def _logsigmoid(x):
    return jax.nn.log_sigmoid(x)


def _tanhshrink(x, *, dt):
    x = x.astype(dt)
    return x - jnp.tanh(x)


def _softshrink(x, lambd):
    zero = jnp.zeros_like(x)
    return jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, zero))


def _hardshrink(x, lambd):
    return jnp.where((x >= -lambd) & (x <= lambd), jnp.zeros_like(x), x)


def _softmax(x, *, dim, dt, log):
    x = x.astype(dt)
    if x.ndim == 0:
        return jnp.zeros_like(x) if log else jnp.ones_like(x)
    ct = jnp.float32 if dt in (jnp.float16, jnp.bfloat16) else dt  # torch accumulates half types in float32
    y = jax.nn.log_softmax(x.astype(ct), axis=dim) if log else jax.nn.softmax(x.astype(ct), axis=dim)
    return y.astype(dt)


@_opmath
def _glu(x, *, dim):
    a, b = jnp.split(x, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


# --- public functional API -----------------------------------------------------------------------


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``y = x if x > threshold else value``."""
    return _run("ThresholdBackward0", _threshold, input, (threshold, value), inplace=inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _run("ThresholdBackward1", _threshold, input, (threshold, value), inplace=True)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _run("HardtanhBackward0", _hardtanh, input, (min_val, max_val), inplace=inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    _float_only(input, "leaky_relu_cpu")
    return _run("LeakyReluBackward0", _leaky_relu, input, (negative_slope,), inplace=inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``max(0, x) + weight * min(0, x)``, weight broadcast along the channel dim (dim 1)."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_dtype.type_name(input.dtype)} and {_dtype.type_name(weight.dtype)}"
        )
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    n = weight.numel()
    if input.ndim == 0 and n != 1:
        raise RuntimeError("Not allow zero-dim input tensor.")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. "
            f"Found parameter numbers = {n} and channel size = {channels}."
        )
    shape = (n,) + (1,) * (input.ndim - 2) if n != 1 else ()
    return apply("PreluKernelBackward0", _prelu, [input, weight], (("shape", shape),))


def rrelu(
    input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, inplace: bool = False
) -> Tensor:
    """Randomized leaky ReLU: in training the negative slope is drawn from U(lower, upper) per
    element (from jtorch's RNG); in eval it is ``(lower + upper) / 2``."""
    _float_only(input, "rrelu_with_noise_cpu")
    if not training:
        return _run("RreluWithNoiseBackward0", _leaky_relu, input, ((lower + upper) / 2,), inplace=inplace)
    from jtorch.random import next_key

    noise = jax.random.uniform(next_key(None), input.shape, input._data.dtype, lower, upper)
    return _run("RreluWithNoiseBackward0", _rrelu_noise, input, (Tensor._wrap(noise),), inplace=inplace)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    _float_only(input, "elu_cpu")
    return _run("EluBackward0", _elu, input, (alpha, 1.0, 1.0), inplace=inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    _float_only(input, "elu_cpu")
    return _run("EluBackward0", _elu, input, (_SELU_ALPHA, _SELU_SCALE, 1.0), inplace=inplace)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    _float_only(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _run("EluBackward0", _elu, input, (alpha, 1.0, 1.0 / alpha), inplace=inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_only(input, "GeluKernelImpl")
    return apply("GeluBackward0", _gelu, [input], (("approximate", approximate),))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    _float_only(input, "silu_cpu")
    return _run("SiluBackward0", _silu, input, inplace=inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    _float_only(input, "mish_cpu")
    return _run("MishBackward0", _mish, input, inplace=inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    _float_only(input, "softplus_cpu")
    return apply("SoftplusBackward0", _softplus, [input, beta, threshold])


def softsign(input: Tensor) -> Tensor:
    return apply("DivBackward0", _softsign, [input], (("dt", _float_dt(input)),))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    _float_only(input, "hardswish_cpu")
    return _run("HardswishBackward0", _hardswish, input, inplace=inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    _float_only(input, "hardsigmoid_cpu")
    return _run("HardsigmoidBackward0", _hardsigmoid, input, inplace=inplace)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def logsigmoid(input: Tensor) -> Tensor:
    _float_only(input, "log_sigmoid_cpu")
    return apply("LogSigmoidBackward0", _logsigmoid, [input])


def tanhshrink(input: Tensor) -> Tensor:
    return apply("SubBackward0", _tanhshrink, [input], (("dt", _float_dt(input)),))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    _float_only(input, "softshrink_check")
    if lambd < 0:
        fmax = float(jnp.finfo(input._data.dtype).max)
        raise RuntimeError(
            f"lambda must be in range [0, {fmax:g}] for input dtype {_dtype.type_name(input.dtype)}, but found {lambd:g}"
        )
    return apply("SoftshrinkBackward0", _softshrink, [input, lambd])


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    _float_only(input, "hardshrink_cpu")
    return apply("HardshrinkBackward0", _hardshrink, [input, lambd])


def _float_dt(input: Tensor):
    return (input.dtype if input.dtype.is_floating_point else _dtype.get_default_dtype()).np


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=stacklevel + 1,  # + the autocast wrapper around F.softmax/log_softmax/softmin (amp)
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_op(name: str, input: Tensor, dim: int, dtype, log: bool, kernel: str) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_name(input.dtype)}'")
    d = wrap_dim(dim, input.ndim)
    return apply(name, _softmax, [input], (("dim", d), ("dt", input._data.dtype), ("log", log)))


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """Softmax along ``dim``; ``dtype`` casts the input first (as torch does)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax_op("SoftmaxBackward0", input, dim, dtype, False, "softmax_lastdim_kernel_impl")


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _softmax_op("LogSoftmaxBackward0", input, dim, dtype, True, "log_softmax_lastdim_kernel_impl")


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return _softmax_op("SoftmaxBackward0", -input, dim, dtype, False, "softmax_lastdim_kernel_impl")


def _hard_one_hot(y, *, dim):
    idx = jnp.argmax(y, axis=dim, keepdims=True)  # first maximum, as torch's max(dim)
    return (jnp.arange(y.shape[dim]).reshape([-1 if a == dim else 1 for a in range(y.ndim)]) == idx).astype(y.dtype)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """Sample from the Gumbel-softmax distribution (noise from jtorch's RNG); ``hard=True`` returns
    one-hot samples with the soft sample's gradient (straight-through), as torch."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from jtorch import empty_like

    gumbels = -empty_like(logits).exponential_().log()  # ~Gumbel(0, 1)
    gumbels = (logits + gumbels) / tau  # ~Gumbel(logits, tau)
    y_soft = softmax(gumbels, dim)
    if not hard:
        return y_soft
    y_hard = apply("one_hot", _hard_one_hot, [y_soft.detach()], (("dim", wrap_dim(dim, logits.ndim)),))
    return y_hard - y_soft.detach() + y_soft


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``a * sigmoid(b)`` where ``a, b`` are the two halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    _float_only(input, "glu_cpu")
    return apply("GluBackward0", _glu, [input], (("dim", d),))


def _normalize(x, eps, *, p, dim):
    from jtorch.nn._functional.distance import _safe_pnorm

    n = _safe_pnorm(x, p=p, axis=dim, keepdims=True)
    return x / jnp.where(n >= eps, n, eps)  # torch's clamp_min(eps): gradient passes where n >= eps


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """``v / max(||v||_p, eps)`` along ``dim`` (a zero vector gets a zero norm gradient, as in torch)."""
    dims = (wrap_dim(dim, input.ndim),) if isinstance(dim, int) else tuple(wrap_dim(d, input.ndim) for d in dim)
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_dtype.type_name(input.dtype)}"
        )
    result = apply("DivBackward0", _normalize, [input, eps], (("p", float(p)), ("dim", dims)))
    if out is None:
        return result
    out._inplace(result)
    return out
