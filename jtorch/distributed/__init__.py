"""jtorch.distributed: torch.distributed's API over JAX.

Process groups and collectives (``distributed_c10d``) run over ``jax.distributed`` and XLA
collectives; ``device_mesh`` and ``fsdp`` shard over ``jax.sharding`` meshes; ``checkpoint`` saves
and restores sharded state through orbax. Submodules load on first use, as in torch.
"""

from __future__ import annotations

import importlib

from jtorch.distributed.distributed_c10d import *  # noqa: F401,F403
from jtorch.distributed.distributed_c10d import (  # noqa: F401
    Backend,
    GroupMember,
    ProcessGroup,
    ReduceOp,
    Work,
    group,
)

_SUBMODULES = ("checkpoint", "device_mesh", "fsdp")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(
        f"module 'torch.distributed' has no attribute '{name}' — torch.distributed.{name} is not implemented in jtorch yet"
    )
