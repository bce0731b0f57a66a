"""torch.nn.parallel.DistributedDataParallel over ``jax.sharding`` (and ``jax.distributed`` across processes).

Within a process, the wrapped module's parameters and buffers are replicated over a 1-D mesh of the
process's devices (``NamedSharding(mesh, P())``) and each forward splits its tensor inputs along
dim 0 over that mesh, so forward, backward and the optimizer step (eager or under
``jtorch.compile``) run data-parallel as one SPMD program and XLA inserts the gradient reduction.
Across processes (ranks), as in torch, each rank runs on its own batch and the gradients are
averaged over ranks during backward (a post-accumulate-grad hook per parameter running
``all_reduce(AVG)``, so gradients accumulated under ``no_sync()`` join the next synchronized one); rank 0's
parameters and buffers are broadcast at construction (``init_sync``) and its buffers before each
forward (``broadcast_buffers``).

Differences from PyTorch: the cross-process gradient average happens in eager backward only (inside
``jtorch.compile`` with more than one process the step falls back to eager, with the compile
warning); ``bucket_cap_mb``, ``gradient_as_bucket_view``, ``static_graph``, ``find_unused_parameters``
are accepted and change nothing (no buckets: one reduction per parameter; unused parameters simply
get no gradient); outputs stay sharded over the mesh (``output_device`` is not used).
"""

from __future__ import annotations

import contextlib
from typing import Any

import jax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

from jtorch import distributed as dist
from jtorch._tensor import Tensor
from jtorch.nn.modules.module import Module
from jtorch.nn.parallel import _sharding

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Data parallelism over every device of this process and, with ``jtorch.distributed``, over ranks."""

    def __init__(
        self,
        module: Module,
        device_ids=None,
        output_device=None,
        dim: int = 0,
        broadcast_buffers: bool | None = None,
        init_sync: bool = True,
        process_group=None,
        bucket_cap_mb=None,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
        delay_all_reduce_named_params=None,
        param_to_hook_all_reduce=None,
        mixed_precision=None,
        device_mesh=None,
        skip_all_reduce_unused_params: bool = False,
        bucket_cap_mb_list=None,
        batched_grad_copy: bool = False,
        forward_sync_buffers: bool | None = None,
    ) -> None:
        super().__init__()
        if process_group is not None and device_mesh is not None:
            raise RuntimeError("Cannot specify both process_group and device_mesh arguments.")
        if mixed_precision is not None:
            raise NotImplementedError("DistributedDataParallel: mixed_precision is not supported in jtorch")
        pg = dist.distributed_c10d._resolve(process_group)  # torch's error when not initialized
        if not any(p.requires_grad for p in module.parameters()):
            raise RuntimeError(
                "DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient."
            )
        self.module = module
        self.device_ids = None if device_ids is None else list(device_ids)
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.static_graph = static_graph
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.process_group = pg
        self.device_mesh = device_mesh
        self.require_backward_grad_sync = True
        self._sync_backward = True  # require_backward_grad_sync as of the last forward (torch reads it there)
        if device_mesh is not None and pg.size() > 1:
            raise NotImplementedError(
                "DistributedDataParallel(device_mesh=...) across processes is not supported in jtorch"
            )
        if device_mesh is not None:
            self._mesh, self._axes = (
                device_mesh.jax_mesh,
                device_mesh._dims if device_mesh.ndim > 1 else device_mesh._dims[0],
            )
        else:
            self._mesh, self._axes = _sharding.mesh_1d(jax.local_devices()), "dp"
        self._replicate()
        if pg.size() > 1:
            if init_sync:
                with _no_grad():
                    for t in self._state_tensors():
                        dist.broadcast(t, 0)
            for p in module.parameters():
                if p.requires_grad:
                    p.register_post_accumulate_grad_hook(self._average_over_ranks)

    def _state_tensors(self) -> list[Tensor]:
        return [*self.module.parameters(), *self.module.buffers()]

    def _replicate(self) -> None:
        if self._mesh.size == 1:
            return
        rep = NamedSharding(self._mesh, P())
        for t in self._state_tensors():
            _sharding.place(t, rep)

    def _average_over_ranks(self, p: Tensor) -> None:
        # After accumulation, as torch's reducer: gradients accumulated under no_sync() are averaged
        # together with this backward's at the next synchronized backward.
        if self._sync_backward and p.grad is not None:
            p.grad._assign_array(
                dist.distributed_c10d._all_reduce_array(p.grad._data, "AVG", self.process_group.size())
            )

    @contextlib.contextmanager
    def no_sync(self):
        """Skip the gradient average across ranks for backward passes of forwards run inside this context."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        self._sync_backward = self.require_backward_grad_sync
        if self.process_group.size() > 1 and self.broadcast_buffers and self.training:
            with _no_grad():
                for b in self.module.buffers():
                    dist.broadcast(b, 0)
        if self._mesh.size > 1:
            inputs, kwargs = _sharding.shard_inputs(inputs, kwargs, self._mesh, self._axes, self.dim)
        return self.module(*inputs, **kwargs)


def _no_grad():
    from jtorch.autograd.grad_mode import no_grad

    return no_grad()
