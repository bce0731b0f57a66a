"""torch.distributed.fsdp.fully_shard (FSDP2) over ``jax.sharding``.

``fully_shard(module)`` shards each parameter on dim 0 over the mesh's shard axis with a
``NamedSharding`` (the parameter stays the same jtorch Tensor; its array becomes sharded) and
splits the batch (dim 0 of the forward's tensor inputs) over the mesh, so each device holds
1/N of the parameters, of their gradients and of the optimizer state created from them (the
optimizer's jitted update keeps the parameter's sharding). XLA inserts the all-gathers of
parameters in forward/backward and the reduce-scatter of gradients, in eager steps and under
``jtorch.compile``. With a 2-D mesh (HSDP) parameters are replicated over the first axis and sharded
over the second, and the batch is split over both. ``state_dict()`` tensors keep their shardings,
so ``jtorch.distributed.checkpoint`` saves and restores them sharded.

Differences from PyTorch: parameters are plain tensors over sharded arrays, not DTensors (no
``placements``/``to_local()``/``full_tensor()``; a parameter reads as its full value). A parameter
whose dim 0 is not divisible by the shard count is replicated instead of padded (torch pads the
last shard). When XLA gathers and frees parameters is its scheduler's choice, so
``reshard_after_forward`` is recorded but does not change the program. One process only: across
processes, ``fully_shard`` raises NotImplementedError.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

from jtorch import distributed as dist
from jtorch.nn.modules.module import Module
from jtorch.nn.parallel import _sharding

__all__ = ["CPUOffloadPolicy", "FSDPModule", "MixedPrecisionPolicy", "OffloadPolicy", "UnshardHandle", "fully_shard"]


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    """No offloading (the default)."""


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    pin_memory: bool = True


class UnshardHandle:
    """What ``unshard(async_op=True)`` returns; the unshard has already completed."""

    def wait(self) -> None:
        return None


class _FSDPState:
    def __init__(self, mesh, shard_axis, batch_axes, params, reshard_after_forward):
        self.mesh, self.shard_axis, self.batch_axes = mesh, shard_axis, batch_axes
        self.params = params  # [(param, its sharded NamedSharding)]
        self.reshard_after_forward = reshard_after_forward


class FSDPModule:
    """Mixed into a module's class by ``fully_shard`` (``FSDP<ClassName>``), as in torch."""

    __slots__ = ()  # no instance layout of its own: the module's __class__ can be swapped

    def reshard(self) -> None:
        """Put the parameters back on their sharded layout (after ``unshard``)."""
        for p, sharding in self._fsdp_state.params:
            _sharding.place(p, sharding)

    def unshard(self, async_op: bool = False) -> UnshardHandle | None:
        """Gather every parameter of this module onto every device (replicated)."""
        rep = NamedSharding(self._fsdp_state.mesh, P())
        for p, _ in self._fsdp_state.params:
            _sharding.place(p, rep)
        return UnshardHandle() if async_op else None

    def set_reshard_after_forward(self, reshard_after_forward: bool, recurse: bool = True) -> None:
        for m in self.modules() if recurse else [self]:
            if isinstance(m, FSDPModule):
                m._fsdp_state.reshard_after_forward = reshard_after_forward

    def set_requires_gradient_sync(self, requires_gradient_sync: bool, *, recurse: bool = True) -> None:
        if not requires_gradient_sync:
            raise NotImplementedError(
                "FSDPModule.set_requires_gradient_sync(False): in jtorch gradients are reduced by XLA inside the step"
            )


_CLASSES: dict[type, type] = {}


def _fsdp_class(cls: type) -> type:
    new = _CLASSES.get(cls)
    if new is None:
        new = _CLASSES[cls] = type(f"FSDP{cls.__name__}", (cls, FSDPModule), {})
    return new


def _default_mesh():
    from jtorch.distributed.device_mesh import init_device_mesh

    device_type = {"gpu": "cuda"}.get(jax.default_backend(), jax.default_backend())
    return init_device_mesh(device_type, (jax.device_count(),))


def fully_shard(
    module,
    *,
    mesh=None,
    reshard_after_forward: bool | int | None = None,
    shard_placement_fn=None,
    mp_policy: MixedPrecisionPolicy = MixedPrecisionPolicy(),  # noqa: B008 - torch's default
    offload_policy: OffloadPolicy = OffloadPolicy(),  # noqa: B008 - torch's default
    ignored_params=None,
    dp_mesh_dims=None,
):
    """Shard ``module``'s parameters over ``mesh`` (default: every device, 1-D) and return it as an FSDPModule."""
    if isinstance(module, (list, tuple)):
        for m in module:
            fully_shard(m, mesh=mesh, reshard_after_forward=reshard_after_forward, ignored_params=ignored_params)
        return module
    if not isinstance(module, Module):
        raise ValueError(f"fully_shard does not support containers that do not implement forward: {module}")
    if dist.is_initialized() and dist.get_world_size() > 1:
        raise NotImplementedError("jtorch fully_shard across processes: only one process (any number of devices)")
    for name, value, default in (
        ("shard_placement_fn", shard_placement_fn, None),
        ("mp_policy", mp_policy, MixedPrecisionPolicy()),
        ("dp_mesh_dims", dp_mesh_dims, None),
    ):
        if value != default:
            raise NotImplementedError(f"jtorch fully_shard: {name} is not supported")
    if type(offload_policy) is not OffloadPolicy:
        raise NotImplementedError("jtorch fully_shard: CPU offloading is not supported")
    mesh = mesh or _default_mesh()
    if mesh.ndim not in (1, 2):
        raise ValueError(f"fully_shard expects a 1D or 2D DeviceMesh but got {mesh}")
    jmesh, dims = mesh.jax_mesh, mesh._dims
    shard_axis = dims[-1]
    batch_axes = dims[0] if len(dims) == 1 else tuple(dims)
    n = jmesh.shape[shard_axis]
    ignored = {id(p) for p in ignored_params or ()}
    params = []
    for p in module.parameters():
        if id(p) in ignored:
            continue
        spec = P(shard_axis) if p.ndim >= 1 and p.shape[0] % n == 0 else P()
        sharding = NamedSharding(jmesh, spec)
        _sharding.place(p, sharding)
        params.append((p, sharding))
    rep = NamedSharding(jmesh, P())
    for b in module.buffers():
        _sharding.place(b, rep)

    def shard_batch(mod, args, kwargs):
        return _sharding.shard_inputs(args, kwargs, jmesh, batch_axes, 0)

    module.register_forward_pre_hook(shard_batch, with_kwargs=True)
    module.__class__ = _fsdp_class(type(module))
    object.__setattr__(module, "_fsdp_state", _FSDPState(jmesh, shard_axis, batch_axes, params, reshard_after_forward))
    return module
