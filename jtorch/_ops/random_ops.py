"""Random sampling: rand/randn/randint/randperm/normal/bernoulli/multinomial, their ``_like``
forms and the in-place samplers (``uniform_``, ``normal_``, ...). Each draw takes a fresh key
from the generator (``generator=`` or the default one); distributions match torch's, the streams
do not (README, "Differences from PyTorch")."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops._util import shape_arg
from jtorch._ops.creation import _finish
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor
from jtorch.random import next_key


def _float_dt(dtype):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return dt


@torch_op(method=False)
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dt = _float_dt(dtype)
    return _finish(jax.random.uniform(next_key(generator), shape_arg(size), dt.np), None, device, requires_grad)


@torch_op(method=False)
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dt = _float_dt(dtype)
    return _finish(jax.random.normal(next_key(generator), shape_arg(size), dt.np), None, device, requires_grad)


@torch_op(method=False)
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    arr = jax.random.randint(next_key(generator), tuple(size), low, high, jnp.int64).astype(dt.np)
    return _finish(arr, None, device, requires_grad)


@torch_op(method=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    return _finish(jax.random.permutation(next_key(generator), n).astype(dt.np), None, device, requires_grad)


@torch_op(method=False)
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    return rand(*input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad, generator=generator)


@torch_op(method=False)
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    return randn(*input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad, generator=generator)


@torch_op(method=False)
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, generator=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device, generator=generator)


@torch_op(method=False)
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        shape = jnp.broadcast_shapes(tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ())))
        if isinstance(std, Tensor) and bool((std._data < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        z = jax.random.normal(next_key(generator), shape, ref.dtype.np)
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        return Tensor._wrap((m + s * z).astype(ref.dtype.np))
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    dt = _float_dt(dtype)
    z = jax.random.normal(next_key(generator), tuple(size), dt.np)
    return _finish((mean + std * z).astype(dt.np), None, device, requires_grad)


@torch_op()
def bernoulli(input, p=None, *, generator=None, out=None):
    probs = input._data if p is None else jnp.full(input.shape, p)
    if bool(((probs < 0) | (probs > 1)).any()):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = jax.random.uniform(next_key(generator), input.shape, jnp.float64)
    return Tensor._wrap((u < probs).astype(input.dtype.np))


@torch_op()
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    p = input._data
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if bool((p < 0).any()) or not bool(jnp.isfinite(p).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    logits = jnp.log(p / p.sum(-1, keepdims=True))
    key = next_key(generator)
    batch = p.shape[:-1]
    if replacement:
        out = jax.random.categorical(key, logits, axis=-1, shape=(num_samples,) + batch)
        out = jnp.moveaxis(out, 0, -1)
    else:  # Gumbel top-k: sampling without replacement in proportion to p
        g = jax.random.gumbel(key, p.shape, jnp.float64)
        out = jax.lax.top_k(logits + g, num_samples)[1]
    return Tensor._wrap(out.astype(jnp.int64))


# --- in-place samplers --------------------------------------------------------------------------


def _fill_random(self, arr):
    from jtorch._ops.creation import grad_enabled_leaf

    if grad_enabled_leaf(self):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    self._assign_array(arr.astype(self._data.dtype))
    return self


@tensor_method()
def uniform_(self, a=0.0, b=1.0, *, generator=None):
    u = jax.random.uniform(next_key(generator), self.shape, self._data.dtype if self.dtype.is_floating_point else jnp.float64)
    return _fill_random(self, a + (b - a) * u)


@tensor_method()
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    z = jax.random.normal(next_key(generator), self.shape, self._data.dtype if self.dtype.is_floating_point else jnp.float64)
    return _fill_random(self, mean + std * z)


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None):
    probs = p._data if isinstance(p, Tensor) else p
    u = jax.random.uniform(next_key(generator), self.shape, jnp.float64)
    return _fill_random(self, u < probs)


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None):
    return _fill_random(self, jax.random.exponential(next_key(generator), self.shape, jnp.float64) / lambd)


@tensor_method()
def random_(self, from_=0, to=None, *, generator=None):
    """random_(to) draws from [0, to); random_() from [0, 2**mantissa] (floats) or [0, max] (ints)."""
    if to is None:
        if from_:
            from_, to = 0, from_
        elif self.dtype.is_floating_point:
            to = 2 ** int(jnp.finfo(self._data.dtype).nmant + 1) + 1
        else:
            to = int(jnp.iinfo(self._data.dtype).max) if self.dtype is not _dtype.bool else 2
    return _fill_random(self, jax.random.randint(next_key(generator), self.shape, from_, to, jnp.int64))


@tensor_method()
def geometric_(self, p, *, generator=None):
    u = jax.random.uniform(next_key(generator), self.shape, jnp.float64)
    return _fill_random(self, jnp.ceil(jnp.log1p(-u) / jnp.log1p(-p)))


@tensor_method()
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    z = jax.random.normal(next_key(generator), self.shape, jnp.float64)
    return _fill_random(self, jnp.exp(mean + std * z))


@tensor_method()
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    return _fill_random(self, median + sigma * jax.random.cauchy(next_key(generator), self.shape, jnp.float64))
