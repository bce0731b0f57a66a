"""Placing module state and inputs on a ``jax.sharding`` mesh (shared by DDP, DataParallel and fully_shard).

Placement is data, not code: a parameter keeps being the same jtorch Tensor, its ``_data`` becomes
a ``jax.Array`` with a ``NamedSharding``, and every op (eager, or traced by ``jtorch.compile``)
runs as one SPMD XLA program over the mesh: XLA inserts the gradient all-reduce for replicated
parameters fed by a sharded batch, and the all-gathers / reduce-scatters for sharded ones.
"""

from __future__ import annotations

import weakref

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from jtorch._ops import dispatch
from jtorch._tensor import Tensor

__all__ = ["place", "shard_inputs", "mesh_1d", "batch_spec"]

# Placements to keep: id(parameter) -> (weak reference, sharding). XLA picks the output sharding of
# each jitted update by propagation, which can differ from the one chosen here (e.g. a replicated
# weight whose gradient comes out split); an in-place write must not move a tensor, as in torch.
_PLACED: dict[int, tuple] = {}
_HOOK = None


def mesh_1d(devices, axis: str = "dp") -> Mesh:
    return Mesh(np.array(list(devices)), (axis,))


def _put(t: Tensor, sharding: NamedSharding) -> None:
    """Place ``t``'s array on ``sharding`` (a constraint when traced by jtorch.compile)."""
    arr = t._data
    if isinstance(arr, jax.core.Tracer):
        t._assign_array(jax.lax.with_sharding_constraint(arr, sharding))
    elif arr.sharding != sharding:
        t._assign_array(jax.device_put(arr, sharding))


def place(t: Tensor, sharding: NamedSharding) -> None:
    """Move root tensor ``t`` (a parameter or buffer) and its grad onto ``sharding``, in place, and keep
    them there: the gradient after each accumulation, the parameter and its optimizer state after
    each optimizer step."""
    global _HOOK
    _put(t, sharding)
    if t.grad is not None:
        _put(t.grad, sharding)
    if id(t) in _PLACED:
        _PLACED[id(t)] = (_PLACED[id(t)][0], sharding)
        return
    _PLACED[id(t)] = (weakref.ref(t, lambda _, k=id(t): _PLACED.pop(k, None)), sharding)
    if t.requires_grad and t.is_leaf:
        t.register_post_accumulate_grad_hook(_keep_grad)
    if _HOOK is None:
        from jtorch.optim.optimizer import register_optimizer_step_post_hook

        _HOOK = register_optimizer_step_post_hook(_keep_after_step)


def _sharding_of(t: Tensor):
    entry = _PLACED.get(id(t))
    return entry[1] if entry is not None and entry[0]() is t else None


def _keep_grad(p: Tensor) -> None:
    s = _sharding_of(p)
    if s is not None and p.grad is not None:
        _put(p.grad, s)


def _keep_after_step(opt, args, kwargs) -> None:
    for group in opt.param_groups:
        for p in group["params"]:
            s = _sharding_of(p)
            if s is None:
                continue
            _put(p, s)
            for v in opt.state.get(p, {}).values():
                if isinstance(v, Tensor) and v.shape == p.shape:
                    _put(v, s)


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
