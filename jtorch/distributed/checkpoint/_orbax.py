"""The orbax engine under jtorch.distributed.checkpoint: one checkpoint directory = one orbax composite.

A checkpoint holds two orbax items:

- ``tensors``: a flat ``{fqn: jax.Array}`` PyTree written by orbax's ``PyTreeCheckpointHandler``. Sharded
  arrays (``NamedSharding`` over a mesh) are written shard by shard by the processes that own them, and
  are restored onto whatever shardings the *target* tensors have (another mesh, another device count).
- ``objects``: everything that is not a tensor (numbers, strings, lists, optimizer hyperparameters), plus
  the checkpoint's metadata (each fqn's shape/dtype or "bytes", and its path in the nested state dict),
  pickled with ``jtorch.save`` as torch's DCP does with ``torch.save``.

Orbax writes the whole directory under a temporary name and renames it when every item is committed
(``AsyncCheckpointer`` finalize), so a process killed mid-save never leaves a half-written checkpoint
under the final name.

Tuning (``benchmarks/bench_checkpoint.py``-style runs of a 272 MB float32 state dict on these 2-core
machines, best of 3 under heavy load from other processes, MB/s save/load): orbax's defaults (OCDBT,
zarr2, zstd) 107/173; compression off 380-470/370-460 (float weights barely compress and zstd made
saving CPU-bound); OCDBT off 169/306 (one file per array is slower to create and to rename than
OCDBT's few large files); zarr2 and zarr3 were indistinguishable within the noise, zarr3 is kept as
orbax's current format. ``save_concurrent_gb``/``restore_concurrent_gb`` are raised so a multi-GB
state dict is never throttled in batches. OCDBT data files are capped at 64 MB
(``ocdbt_target_data_file_size``): with orbax's default (no cap) a 1 GB state dict saved at 410-440
MB/s, with 16/32/64/128 MB caps at 550-1050 MB/s (tensorstore then writes several files at once); 64 MB
was best over two rounds (1028 and 742 MB/s). Loads were unchanged (1100-1400 MB/s cold).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

import jax
import orbax.checkpoint as ocp
from etils import epath

TENSORS, OBJECTS = "tensors", "objects"
_OBJECTS_FILE = "objects.pt"
_DATA_FILE_BYTES = 64 << 20


def tensors_handler() -> ocp.PyTreeCheckpointHandler:
    """orbax's PyTree handler with the options chosen above."""
    return ocp.PyTreeCheckpointHandler(
        use_ocdbt=True, use_zarr3=True, use_compression=False, save_concurrent_gb=64, restore_concurrent_gb=64
    )


class ObjectsHandler(ocp.CheckpointHandler):
    """Pickles the non-tensor part of a checkpoint with ``jtorch.save`` (small; written synchronously)."""

    def save(self, directory: epath.Path, args: ObjectsSave) -> None:
        from jtorch.serialization import save

        if jax.process_index() == 0:
            buf = io.BytesIO()
            save(args.item, buf)
            (directory / _OBJECTS_FILE).write_bytes(buf.getvalue())

    def restore(self, directory: epath.Path, args: ObjectsRestore | None = None) -> Any:
        from jtorch.serialization import load

        # torch's DCP reads its byte items with weights_only=False too: the checkpoint is trusted data.
        return load(io.BytesIO((directory / _OBJECTS_FILE).read_bytes()), weights_only=False)

    def metadata(self, directory: epath.Path) -> None:
        return None

    def finalize(self, directory: epath.Path) -> None:
        pass

    def close(self) -> None:
        pass


@ocp.args.register_with_handler(ObjectsHandler, for_save=True)
@dataclass
class ObjectsSave(ocp.args.CheckpointArgs):
    item: Any


@ocp.args.register_with_handler(ObjectsHandler, for_restore=True)
@dataclass
class ObjectsRestore(ocp.args.CheckpointArgs):
    pass


def composite_handler() -> ocp.CompositeCheckpointHandler:
    return ocp.CompositeCheckpointHandler(**{TENSORS: tensors_handler(), OBJECTS: ObjectsHandler()})


def new_checkpointer() -> ocp.AsyncCheckpointer:
    return ocp.AsyncCheckpointer(composite_handler())


def save_args(arrays: dict[str, jax.Array], objects: Any) -> ocp.args.Composite:
    items = {OBJECTS: ObjectsSave(objects)}
    if arrays:
        items[TENSORS] = ocp.args.PyTreeSave(arrays, ocdbt_target_data_file_size=_DATA_FILE_BYTES)
    return ocp.args.Composite(**items)


def restore_tensors_args(targets: dict[str, jax.ShapeDtypeStruct]) -> ocp.args.Composite:
    """Restore exactly these fqns, each onto its target's shape, dtype and sharding."""
    restore_args = {
        k: ocp.ArrayRestoreArgs(sharding=t.sharding, global_shape=t.shape, dtype=t.dtype) for k, t in targets.items()
    }
    return ocp.args.Composite(
        **{TENSORS: ocp.args.PyTreeRestore(item=targets, restore_args=restore_args, partial_restore=True)}
    )


def restore_objects_args() -> ocp.args.Composite:
    return ocp.args.Composite(**{OBJECTS: ObjectsRestore()})


def abspath(path: str | os.PathLike) -> epath.Path:
    """orbax's background thread fails on relative paths, so always hand it an absolute one."""
    return epath.Path(os.path.abspath(os.fspath(path)))
