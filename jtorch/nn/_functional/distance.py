"""torch.nn.functional distances: pairwise_distance, pdist, cosine_similarity."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._ops._util import wrap_dim
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["pairwise_distance", "pdist", "cosine_similarity"]


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    """torch's broadcasting error message for mismatched shapes."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in range(n - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            raise RuntimeError(
                f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at non-singleton dimension {i}"
            )
    return tuple(max(x, y) for x, y in zip(a, b))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dim (composed from jtorch ops, as ATen composes it)."""
    innermost = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, innermost if innermost >= 0 else None, keepdim=keepdim)


def _safe_pnorm(d, *, p, axis=-1, keepdims=False):
    """Vector p-norm with torch's zero gradient at a zero vector (``jnp.linalg.norm`` gives nan there)."""
    a = jnp.abs(d)
    if p == 0:
        return jnp.sum((a != 0).astype(d.dtype), axis=axis, keepdims=keepdims)
    if p == float("inf"):
        return jnp.max(a, axis=axis, keepdims=keepdims, initial=0)
    s = jnp.sum(a**p, axis=axis, keepdims=keepdims)
    pos = s > 0
    return jnp.where(pos, jnp.where(pos, s, 1) ** (1.0 / p), 0)


def _pdist(x, *, p):
    n = x.shape[0]
    i, j = np.triu_indices(n, 1)
    return _safe_pnorm(x[i] - x[j], p=p)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """Distances between all row pairs ``i < j`` of an ``(N, M)`` input, in row-major order."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return apply("PdistBackward0", _pdist, [input], (("p", float(p)),))


def _cosine_similarity(x1, x2, eps, *, dim, shape, dt):
    x1 = jnp.broadcast_to(x1.astype(dt), shape)
    x2 = jnp.broadcast_to(x2.astype(dt), shape)
    n1 = jnp.sqrt(jnp.sum(x1 * x1, axis=dim, keepdims=True))
    n2 = jnp.sqrt(jnp.sum(x2 * x2, axis=dim, keepdims=True))
    # ATen clamps the norms in place under no_grad: the value is clamped, the gradient is the norm's.
    n1 = n1 + jax.lax.stop_gradient(jnp.maximum(n1, eps) - n1)
    n2 = n2 + jax.lax.stop_gradient(jnp.maximum(n2, eps) - n2)
    return jnp.sum((x1 / n1) * (x2 / n2), axis=dim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (after broadcasting)."""
    dt = _dtype.result_type(x1, x2)
    if not dt.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {_dtype.type_name(dt)}")
    shape = _broadcast_shape(tuple(x1.shape), tuple(x2.shape))
    d = wrap_dim(dim, len(shape))
    statics = (("dim", d), ("shape", shape), ("dt", dt.np))
    return apply("SumBackward1", _cosine_similarity, [x1, x2, eps], statics)
