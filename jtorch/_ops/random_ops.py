"""Random sampling: rand/randn/randint/randperm/normal/bernoulli/multinomial, their ``_like``
forms and the in-place samplers (``uniform_``, ``normal_``, ...).

Each draw takes a fresh key from the generator (``generator=`` or the default one) and runs a pure
JAX sampler through ``dispatch.apply`` (jitted once per shape and dtype; bounds and parameters stay
dynamic). Distributions, shapes, dtypes and argument checks match torch's; the streams do not, as
torch's Philox/MT19937 bits are not reproduced (README, "Differences from PyTorch").
"""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._ops._util import shape_arg
from jtorch._ops.creation import _finish, check_size, overwrite
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor
from jtorch.random import next_key

# --- pure samplers (module level so dispatch's jit cache hits) ----------------------------------


def _real(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    return np.dtype(np.float32 if dt == np.complex64 else np.float64) if dt.kind == "c" else dt


def _uniform(key, low, high, *, shape, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "c":  # real and imaginary parts independently uniform on [low, high)
        u = jax.random.uniform(key, shape + (2,), _real(dt))
        u = low + (high - low) * u
        return jax.lax.complex(u[..., 0], u[..., 1])
    u = jax.random.uniform(key, shape, dt)  # drawn in dt itself: a wider draw could round up to 1
    return (low + (high - low) * u).astype(dt)


def _normal(key, mean, std, *, shape, dtype):
    # complex: real and imaginary parts each of variance std**2 / 2, as torch.randn
    return (mean + std * jax.random.normal(key, shape, dtype)).astype(dtype)


def _normal_no_grad(key, mean, std, *, shape, dtype):
    return jax.lax.stop_gradient(_normal(key, mean, std, shape=shape, dtype=dtype))


def _randint(key, low, high, *, shape, dtype):
    return jax.random.randint(key, shape, low, high, jnp.int64).astype(dtype)


def _randperm(key, *, n, dtype):
    return jax.random.permutation(key, n).astype(dtype)


def _bernoulli(key, p, *, shape, dtype):
    # stop_gradient: torch's BernoulliBackward gives the probabilities a zero gradient
    return jax.lax.stop_gradient((jax.random.uniform(key, shape, jnp.float64) < p).astype(dtype))


def _bernoulli_p(key, x, p, *, shape, dtype):
    return _bernoulli(key, p, shape=shape, dtype=dtype) + jax.lax.stop_gradient(jnp.zeros_like(x, dtype))


def _exponential(key, lambd, *, shape, dtype):
    return (jax.random.exponential(key, shape, jnp.float64) / lambd).astype(dtype)


def _geometric(key, p, *, shape, dtype):
    u = jax.random.uniform(key, shape, jnp.float64)
    return jnp.maximum(jnp.ceil(jnp.log1p(-u) / jnp.log1p(-p)), 1.0).astype(dtype)


def _log_normal(key, mean, std, *, shape, dtype):
    return jnp.exp(mean + std * jax.random.normal(key, shape, jnp.float64)).astype(dtype)


def _cauchy(key, median, sigma, *, shape, dtype):
    return (median + sigma * jax.random.cauchy(key, shape, jnp.float64)).astype(dtype)


def _poisson(key, rate, *, shape, dtype):
    return jax.lax.stop_gradient(jax.random.poisson(key, rate, shape).astype(dtype))  # zero grad, as torch


def _multinomial(key, p, *, num_samples, replacement):
    logits = jnp.log(p.astype(jnp.float64) / p.sum(-1, keepdims=True))
    if replacement:
        out = jax.random.categorical(key, logits, axis=-1, shape=(num_samples,) + p.shape[:-1])
        return jnp.moveaxis(out, 0, -1).astype(jnp.int64)
    # Gumbel top-k: draws without replacement with probabilities proportional to p
    g = jax.random.gumbel(key, p.shape, jnp.float64)
    return jax.lax.top_k(logits + g, num_samples)[1].astype(jnp.int64)


def _sample(name, fn, generator, args, **statics) -> Tensor:
    return apply(name, fn, [next_key(generator), *args], tuple(statics.items()))


# --- argument checks with torch's messages -------------------------------------------------------


def _not_implemented(kernel: str, dt: _dtype.dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_name(dt)}'")


def _require_float(dt: _dtype.dtype, kernel: str, complex_ok: bool = True) -> None:
    if not (dt.is_floating_point or (complex_ok and dt.is_complex)):
        raise _not_implemented(kernel, dt)


def _float_dt(dtype) -> _dtype.dtype:
    return _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()


def _fmt(x) -> str:
    """A number as C++'s ostream prints it in torch's messages (-1.0 -> '-1')."""
    return f"{x:g}" if isinstance(x, float) else str(x)


# --- factories ------------------------------------------------------------------------------------


@torch_op(method=False)
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Uniform on [0, 1)."""
    dt = _float_dt(dtype)
    _require_float(dt, "check_uniform_bounds")
    t = _sample("rand", _uniform, generator, [0.0, 1.0], shape=check_size(shape_arg(size)), dtype=dt.np)
    return _finish(t._data, None, device, requires_grad)


@torch_op(method=False)
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Standard normal (complex: each part of variance 1/2)."""
    dt = _float_dt(dtype)
    _require_float(dt, "normal_kernel_cpu")
    t = _sample("randn", _normal, generator, [0.0, 1.0], shape=check_size(shape_arg(size)), dtype=dt.np)
    return _finish(t._data, None, device, requires_grad)


@torch_op(method=False)
def randint(
    low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
):
    """Integers uniform on [low, high): ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None and high is not None and not isinstance(high, numbers.Number):
        low, high, size = 0, low, high  # randint(high, size)
    elif high is None:
        low, high = 0, low  # randint(high, size=...)
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    _check_int_bounds(low, high, dt)
    t = _sample("randint", _randint, generator, [low, high], shape=check_size(shape_arg((size,))), dtype=dt.np)
    return _finish(t._data, None, device, requires_grad)


def _check_int_bounds(low: int, high: int, dt: _dtype.dtype) -> None:
    if dt.is_floating_point or dt.is_complex or dt is _dtype.bool:
        return
    info = np.iinfo(dt.np)
    ctype = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int", "int64": "long"}
    if low < info.min:
        raise RuntimeError(f"from is out of bounds for {ctype.get(dt.name, dt.name)}")
    if high - 1 > info.max:
        raise RuntimeError(f"to - 1 is out of bounds for {ctype.get(dt.name, dt.name)}")


@torch_op(method=False)
def randperm(
    n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """A random permutation of 0..n-1."""
    check_size((n,))
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    t = _sample("randperm", _randperm, generator, [], n=int(n), dtype=dt.np)
    return _finish(t._data, None, device, requires_grad)


@torch_op(method=False)
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    dt = dtype or input.dtype
    return rand(
        *input.shape,
        dtype=dt,
        device=device if device is not None else input.device,
        requires_grad=requires_grad,
        generator=generator,
    )


@torch_op(method=False)
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    dt = dtype or input.dtype
    return randn(
        *input.shape,
        dtype=dt,
        device=device if device is not None else input.device,
        requires_grad=requires_grad,
        generator=generator,
    )


@torch_op(method=False)
def randint_like(
    input,
    low=0,
    high=None,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
    generator=None,
):
    if high is None:
        low, high = 0, low
    dt = dtype or input.dtype
    dev = device if device is not None else input.device
    return randint(
        low, high, tuple(input.shape), dtype=dt, device=dev, requires_grad=requires_grad, generator=generator
    )


@torch_op(method=False)
def normal(
    mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
):
    """normal(mean, std) with tensor mean and/or std (broadcast), or normal(mean, std, size) with numbers."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        _require_float(ref.dtype, "normal_kernel_cpu")
        if isinstance(std, Tensor):
            if bool((std._data < 0).any()):
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(float(std))}")
        dt = _dtype.result_type(*[x for x in (mean, std) if isinstance(x, Tensor)])
        shape = tuple(jnp.broadcast_shapes(tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ()))))
        m = mean.to(dt) if isinstance(mean, Tensor) else float(mean)
        s = std.to(dt) if isinstance(std, Tensor) else float(std)
        # torch records NormalBackward1/2/3 (tensor mean / std / both) whose gradients are zero
        name = "NormalBackward" + str(isinstance(mean, Tensor) + 2 * isinstance(std, Tensor))
        return apply(name, _normal_no_grad, [next_key(generator), m, s], (("shape", shape), ("dtype", dt.np)))
    if size is None:
        raise TypeError(
            f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, {type(std).__name__})"
        )
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(float(std))}")
    dt = _float_dt(dtype)
    _require_float(dt, "normal_kernel_cpu")
    t = _sample(
        "normal", _normal, generator, [float(mean), float(std)], shape=check_size(shape_arg((size,))), dtype=dt.np
    )
    return _finish(t._data, None, device, requires_grad)


_P_MSG = (
    "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  "
    "If so, please report an enhancement request to PyTorch.)"
)


@torch_op()
def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (or ``p``), elementwise; the result has input's dtype."""
    _require_float(input.dtype, "bernoulli_tensor_cpu_p_", complex_ok=False)
    if p is None:
        if bool(((input._data < 0) | (input._data > 1)).any()):
            raise RuntimeError(_P_MSG)
        probs = input
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(float(p))}")
        probs = float(p)
    name = "BernoulliBackward0" if p is None else "BernoulliBackward1"
    if p is not None:  # the sample does not depend on input's values; keep the edge for the zero gradient
        return _sample(name, _bernoulli_p, generator, [input, probs], shape=tuple(input.shape), dtype=input.dtype.np)
    return _sample(name, _bernoulli, generator, [probs], shape=tuple(input.shape), dtype=input.dtype.np)


@torch_op(method=False)
def poisson(input, generator=None) -> Tensor:
    """Poisson counts with rates ``input``, in input's dtype."""
    _require_float(input.dtype, "poisson_cpu", complex_ok=False)
    if bool((input._data < 0).any()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return _sample("PoissonBackward0", _poisson, generator, [input], shape=tuple(input.shape), dtype=input.dtype.np)


@torch_op()
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the rows of ``input`` (non-negative weights)."""
    if not (input.dtype.is_floating_point):
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {_dtype.type_name(input.dtype)}"
        )
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    p = input._data
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if bool((p < 0).any()) or not bool(jnp.isfinite(p).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if bool((p.sum(-1) <= 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return _sample(
        "multinomial",
        _multinomial,
        generator,
        [input.detach()],
        num_samples=int(num_samples),
        replacement=bool(replacement),
    )


# --- in-place samplers --------------------------------------------------------------------------


def _fill_random(self: Tensor, sample: Tensor, name: str) -> Tensor:
    """Write a sample into ``self``; in a graph it records ``name`` (zero gradient), as torch."""
    return overwrite(self, sample, name)


def _shape_dt(self):
    return {"shape": tuple(self.shape), "dtype": self._data.dtype}


@tensor_method()
def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    _require_float(self.dtype, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={_fmt(from_)} > to={_fmt(to)}"
        )
    return _fill_random(
        self, _sample("uniform_", _uniform, generator, [float(from_), float(to)], **_shape_dt(self)), "UniformBackward0"
    )


@tensor_method()
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    _require_float(self.dtype, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(float(std))}")
    return _fill_random(
        self, _sample("normal_", _normal, generator, [float(mean), float(std)], **_shape_dt(self)), "NormalBackward0"
    )


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None):
    bern_name = "BernoulliBackward1" if isinstance(p, Tensor) else "BernoulliBackward2"
    if isinstance(p, Tensor):
        if bool(((p._data < 0) | (p._data > 1)).any()):
            raise RuntimeError(_P_MSG)
        p = p.detach()
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(float(p))}")
    else:
        p = float(p)
    return _fill_random(self, _sample("bernoulli_", _bernoulli, generator, [p], **_shape_dt(self)), bern_name)


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None):
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be a floating point "
            f"but you specified {_dtype.type_name(self.dtype)}"
        )
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(float(lambd))}")
    return _fill_random(
        self,
        _sample("exponential_", _exponential, generator, [float(lambd)], **_shape_dt(self)),
        "ExponentialBackward0",
    )


@tensor_method()
def random_(self, from_=0, to=None, *, generator=None):
    """random_(to) draws from [0, to); random_(from, to); random_() from [0, 2**mantissa] (floats) or
    [0, max] (integers)."""
    rand_name = "RandomBackward" + ("0" if to is not None else "1" if from_ else "2")  # torch's overload order
    if to is None:
        if from_:
            from_, to = 0, from_
        elif self.dtype.is_floating_point:
            to = 2 ** int(np.finfo(self.dtype.np).nmant + 1) + 1
        elif self.dtype is _dtype.bool:
            to = 2
        else:
            to = int(np.iinfo(self.dtype.np).max) + 1
    from_, to = int(from_), int(to)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    _check_int_bounds(from_, to, self.dtype)
    return _fill_random(self, _sample("random_", _randint, generator, [from_, to], **_shape_dt(self)), rand_name)


@tensor_method()
def geometric_(self, p, *, generator=None):
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(float(p))}")
    return _fill_random(
        self, _sample("geometric_", _geometric, generator, [float(p)], **_shape_dt(self)), "GeometricBackward0"
    )


@tensor_method()
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    _require_float(self.dtype, "log_normal_cpu", complex_ok=False)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(float(std))}")
    sample = _sample("log_normal_", _log_normal, generator, [float(mean), float(std)], **_shape_dt(self))
    return _fill_random(self, sample, "LogNormalBackward0")


@tensor_method()
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "Cauchy distribution is a continuous probability distribution. dtype must be a floating point but "
            f"you specified {_C_NAMES.get(self.dtype.name, self.dtype.name)}"
        )
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(float(sigma))}")
    return _fill_random(
        self,
        _sample("cauchy_", _cauchy, generator, [float(median), float(sigma)], **_shape_dt(self)),
        "CauchyBackward0",
    )


# C++ type names torch prints for cauchy_'s dtype message
_C_NAMES = {
    "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
    "bool": "bool",
}  # fmt: skip
