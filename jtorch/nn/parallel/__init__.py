"""torch.nn.parallel: data parallelism over ``jax.sharding`` meshes (and ``jax.distributed`` across processes)."""

from jtorch.nn.parallel.data_parallel import DataParallel
from jtorch.nn.parallel.distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
