"""torch.nn.DataParallel over ``jax.sharding``: one process, several devices.

Parameters and buffers are replicated over a 1-D mesh of the chosen devices and each forward
splits its tensor inputs along ``dim`` over the mesh; XLA runs the replicas and reduces the
gradients (no per-call module replication or scatter/gather threads as in torch).

Differences from PyTorch: torch's DataParallel does nothing without CUDA (``device_ids == []``);
jtorch uses JAX's devices of the default platform (several CPU devices when
``XLA_FLAGS=--xla_force_host_platform_device_count=N``), and ``device_ids`` lists their indices.
Outputs stay sharded over the mesh rather than gathered on ``output_device``.
"""

from __future__ import annotations

from typing import Any

import jax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

from jtorch.nn.modules.module import Module
from jtorch.nn.parallel import _sharding

__all__ = ["DataParallel"]


def _device_index(d) -> int:
    from jtorch._device import device

    if isinstance(d, int) and not isinstance(d, bool):
        return d
    if isinstance(d, str):
        d = device(d)
    if isinstance(d, device):
        return d.index or 0
    raise ValueError(f"Expected a torch.device or an int, but got: {d}")


class DataParallel(Module):
    """Replicate ``module`` over ``device_ids`` (default: every local device) and split the batch."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        devices = jax.local_devices()
        ids = list(range(len(devices))) if device_ids is None else [_device_index(d) for d in device_ids]
        for i in ids:
            if not 0 <= i < len(devices):
                raise RuntimeError("CUDA error: invalid device ordinal")
        self.module = module
        self.device_ids = ids
        self.output_device = ids[0] if output_device is None else _device_index(output_device)
        self.dim = dim
        self._mesh = _sharding.mesh_1d([devices[i] for i in ids])
        if len(ids) > 1:
            rep = NamedSharding(self._mesh, P())
            for t in [*module.parameters(), *module.buffers()]:
                _sharding.place(t, rep)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        if len(self.device_ids) > 1:
            inputs, kwargs = _sharding.shard_inputs(inputs, kwargs, self._mesh, "dp", self.dim)
        return self.module(*inputs, **kwargs)
