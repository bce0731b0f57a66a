"""Placing module state and inputs on a ``jax.sharding`` mesh (shared by DDP, DataParallel and fully_shard).

Placement is data, not code: a parameter keeps being the same jtorch Tensor, its ``_data`` becomes
a ``jax.Array`` with a ``NamedSharding``, and every op (eager, or traced by ``jtorch.compile``)
runs as one SPMD XLA program over the mesh: XLA inserts the gradient all-reduce for replicated
parameters fed by a sharded batch, and the all-gathers / reduce-scatters for sharded ones.
"""

from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from jtorch._ops import dispatch
from jtorch._tensor import Tensor

__all__ = ["place", "shard_inputs", "mesh_1d", "batch_spec"]


def mesh_1d(devices, axis: str = "dp") -> Mesh:
    return Mesh(np.array(list(devices)), (axis,))


def place(t: Tensor, sharding: NamedSharding) -> None:
    """Move root tensor ``t`` (a parameter or buffer) and its grad onto ``sharding``, in place."""
    if t._data.sharding != sharding:
        t._assign_array(jax.device_put(t._data, sharding))
    g = t.grad
    if g is not None and g._data.sharding != sharding:
        g._assign_array(jax.device_put(g._data, sharding))


def _constrain(x, *, sharding):
    return jax.lax.with_sharding_constraint(x, sharding)


def batch_spec(ndim: int, dim: int, axes) -> P:
    """A PartitionSpec sharding dimension ``dim`` of an ``ndim``-d array over mesh ``axes``."""
    spec = [None] * ndim
    spec[dim] = axes
    return P(*spec)


def _shard_one(x: Tensor, mesh: Mesh, axes, dim: int) -> Tensor:
    n = int(np.prod([mesh.shape[a] for a in (axes if isinstance(axes, tuple) else (axes,))]))
    if x.ndim <= dim or x.shape[dim] % n != 0:
        return x  # not splittable evenly over the mesh: left as is (XLA replicates the work)
    sharding = NamedSharding(mesh, batch_spec(x.ndim, dim, axes))
    if isinstance(x._data, jax.core.Tracer) or x.requires_grad:
        # Traced (jtorch.compile) or differentiable: a sharding constraint, recorded as an op.
        return dispatch.apply("ShardBackward", _constrain, [x], (("sharding", sharding),))
    return Tensor._wrap(jax.device_put(x._data, sharding))


def shard_inputs(args, kwargs, mesh: Mesh, axes, dim: int = 0):
    """Every tensor among ``args``/``kwargs`` split along ``dim`` over the mesh ``axes``."""
    is_t = lambda v: isinstance(v, Tensor)  # noqa: E731
    f = lambda v: _shard_one(v, mesh, axes, dim) if is_t(v) else v  # noqa: E731
    return jax.tree_util.tree_map(f, args, is_leaf=is_t), jax.tree_util.tree_map(f, kwargs, is_leaf=is_t)
