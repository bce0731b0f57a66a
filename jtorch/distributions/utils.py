"""torch.distributions.utils: broadcasting, probs/logits conversion, lazy properties, and the
random draws distributions need (standard normal, gamma, Dirichlet, binomial) over ``jax.random``.

Draws take a fresh key from jtorch's default generator and run through ``dispatch.apply``, so they
jit once per shape and dtype. ``_standard_gamma`` differentiates w.r.t. the concentration with
JAX's implicit reparameterization gradient (as torch's ``_standard_gamma_grad``).
"""

from __future__ import annotations

import functools
import numbers

import jax
import jax.numpy as jnp
import numpy as np

import jtorch as torch
import jtorch.nn.functional as F
from jtorch._ops.dispatch import apply
from jtorch.random import next_key

euler_constant = 0.57721566490153286060  # Euler Mascheroni constant

__all__ = [
    "broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits", "lazy_property", "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]  # fmt: skip


def broadcast_all(*values):
    """Broadcast numbers and tensors together; numbers become tensors of the first tensor's dtype (or the default)."""
    if not all(isinstance(v, (torch.Tensor, numbers.Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, torch.Tensor) for v in values):
        dtype = next((v.dtype for v in values if isinstance(v, torch.Tensor)), torch.get_default_dtype())
        values = [v if isinstance(v, torch.Tensor) else torch.tensor(v, dtype=dtype) for v in values]
    return torch.broadcast_tensors(*values)


def _sum_rightmost(value, dim: int):
    """Sum out the ``dim`` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    """Logits to probabilities: sigmoid (binary) or softmax over the last dim."""
    if is_binary:
        return torch.sigmoid(logits)
    return F.softmax(logits, dim=-1)


def clamp_probs(probs):
    eps = torch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Probabilities to logits (clamped away from 0 and 1 first, as torch)."""
    ps = clamp_probs(probs)
    if is_binary:
        return torch.log(ps) - torch.log1p(-ps)
    return torch.log(ps)


class lazy_property:
    """A property computed once per instance (under ``enable_grad``) and then stored on it."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with torch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def _tril_mask(n: int, diag: int):
    arange = torch.arange(n)
    return arange < arange.view(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat, diag: int = 0):
    """The lower triangle (below diagonal ``diag``) of a batch of matrices, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag)]


def vec_to_tril_matrix(vec, diag: int = 0):
    """Inverse of :func:`tril_matrix_to_vec`."""
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > torch.finfo(vec.dtype).eps:
        raise ValueError(
            f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
            + "the lower triangular part of a square D x D matrix."
        )
    n = round(n)
    mat = vec.new_zeros(vec.shape[:-1] + torch.Size((n, n)))
    mat[..., _tril_mask(n, diag)] = vec
    return mat


# --- random draws over jax.random (pure fns at module level so dispatch's jit cache hits) ----------


def _normal_fn(key, *, shape, dtype):
    return jax.random.normal(key, shape, dtype)


def _gamma_fn(key, alpha):
    # jax.random.gamma has implicit reparameterization gradients w.r.t. alpha
    x = jax.random.gamma(key, alpha, alpha.shape, alpha.dtype)
    return jnp.maximum(x, jnp.finfo(alpha.dtype).tiny)  # torch clamps to tiny too


def _binomial_fn(key, n, p):
    return jax.lax.stop_gradient(jax.random.binomial(key, n, p, p.shape, p.dtype))


def _bucketed(name, fn, *params):
    """Run elementwise sampler ``fn(key, *flat_params)`` on params flattened and padded to a power-of-two
    length (at least 256), then restore the shape. JAX's gamma and binomial samplers are rejection loops
    that take ~1.5 s to compile; bucketing lets every shape in a bucket share one compiled kernel."""
    shape, n = params[0].shape, params[0].numel()
    size = max(256, 1 << (n - 1).bit_length())
    flat = [p.reshape(-1) for p in params]
    if size > n:
        flat = [torch.cat([f, f.new_ones(size - n) * 0.5]) for f in flat]  # 0.5: valid for every parameter
    out = apply(name, fn, [next_key(None), *flat])
    return out[:n].reshape(shape)


def _standard_normal(shape, dtype=None, device=None):
    """A standard normal draw of ``shape`` (no grad)."""
    dt = np.dtype((dtype or torch.get_default_dtype()).np)
    return apply("normal", _normal_fn, [next_key(None)], (("shape", tuple(shape)), ("dtype", dt)))


def _standard_gamma(concentration):
    """Gamma(concentration, 1) draws, shaped as ``concentration``; reparameterized."""
    return _bucketed("StandardGammaBackward0", _gamma_fn, concentration)


def _sample_dirichlet(concentration):
    """Dirichlet draws over the last dim (normalized gammas); reparameterized."""
    g = _standard_gamma(concentration)
    x = g / g.sum(-1, keepdim=True)
    finfo = torch.finfo(x.dtype)
    return x.clamp(min=finfo.tiny, max=1 - finfo.eps)


def _binomial(total_count, probs):
    """Binomial(total_count, probs) counts, shaped as ``probs`` (no grad); inputs broadcast already."""
    return _bucketed("binomial", _binomial_fn, total_count.to(probs.dtype), probs)


def _expand(dist, cls, batch_shape, _instance, names, event_shape=()):
    """``Distribution.expand`` for distributions whose state is the tensors ``names`` (batch + event shaped)."""
    new = dist._get_checked_instance(cls, _instance)
    batch_shape = torch.Size(batch_shape)
    for n in names:
        if n in dist.__dict__:
            setattr(new, n, dist.__dict__[n].expand(batch_shape + torch.Size(event_shape)))
    if "_param" in dist.__dict__:
        new._param = new.__dict__["probs" if "probs" in dist.__dict__ else "logits"]
    super(cls, new).__init__(batch_shape, dist.event_shape, validate_args=False)
    new._validate_args = dist._validate_args
    return new


def _batch_shape(param, *args):
    """``Size()`` when every argument was a Python number, else the broadcast parameter's shape."""
    return torch.Size() if all(isinstance(a, numbers.Number) for a in args) else param.size()


def _gammainc_fn(a, x):
    return jax.scipy.special.gammainc(a, x)


def _gammainc(a, x):
    """Regularized lower incomplete gamma P(a, x) (torch.special.gammainc), broadcast."""
    a, x = torch.broadcast_tensors(a, x)
    return apply("GammaincBackward", _gammainc_fn, [a, x])
