"""torch.distributed.checkpoint (DCP) over orbax-checkpoint.

``save``/``async_save`` write a state dict (nested dicts and lists of tensors and Python objects, or
Stateful objects such as modules and optimizers) to a directory; ``load`` fills a state dict in place.
Arrays sharded over a device mesh are written shard by shard and restored onto the target tensors'
own shardings, so a checkpoint written on 8 devices loads on 4 or on 1. See ``_orbax.py`` for the
on-disk layout and the orbax options chosen.

``CheckpointManager`` (beyond torch) keeps the last N step checkpoints over orbax's CheckpointManager.
"""

from jtorch.distributed.checkpoint import state_dict  # noqa: F401
from jtorch.distributed.checkpoint.api import CheckpointException
from jtorch.distributed.checkpoint.default_planner import DefaultLoadPlanner, DefaultSavePlanner
from jtorch.distributed.checkpoint.filesystem import FileSystemReader, FileSystemWriter
from jtorch.distributed.checkpoint.manager import CheckpointManager
from jtorch.distributed.checkpoint.metadata import (
    BytesStorageMetadata,
    ChunkStorageMetadata,
    Metadata,
    TensorStorageMetadata,
)
from jtorch.distributed.checkpoint.state_dict_loader import load
from jtorch.distributed.checkpoint.state_dict_saver import AsyncCheckpointerType, async_save, save
from jtorch.distributed.checkpoint.stateful import Stateful

__all__ = [
    "AsyncCheckpointerType",
    "BytesStorageMetadata",
    "CheckpointException",
    "CheckpointManager",
    "ChunkStorageMetadata",
    "DefaultLoadPlanner",
    "DefaultSavePlanner",
    "FileSystemReader",
    "FileSystemWriter",
    "Metadata",
    "Stateful",
    "TensorStorageMetadata",
    "async_save",
    "load",
    "save",
]
