"""Shared pieces of save/load: where the checkpoint goes, the single-process warning, metadata."""

from __future__ import annotations

import os
import warnings

from jtorch.distributed.checkpoint.filesystem import FileSystemReader, FileSystemWriter
from jtorch.distributed.checkpoint.metadata import (
    BytesStorageMetadata,
    ChunkStorageMetadata,
    Metadata,
    StorageMeta,
    TensorProperties,
    TensorStorageMetadata,
)

FORMAT_VERSION = 1
NEW, OLD = ".jtorch-new", ".jtorch-old"  # siblings used to replace an existing checkpoint atomically


def recover(path: str) -> None:
    """Finish or undo a replacement that a crash interrupted, and remove its leftovers.

    ``save`` over an existing checkpoint writes ``<path>.jtorch-new`` (orbax: under a temporary name,
    renamed when complete), then renames ``<path>`` to ``<path>.jtorch-old``, ``.jtorch-new`` to
    ``<path>``, and deletes ``.jtorch-old``. A crash between the two renames leaves no ``<path>``:
    the complete new one (or else the old one) is put back here.
    """
    import glob
    import shutil

    import jax

    if jax.process_index() != 0:
        return
    path = os.path.abspath(os.fspath(path))
    new, old = path + NEW, path + OLD
    if not os.path.exists(path) and os.path.exists(old):
        os.rename(new if os.path.exists(new) else old, path)
    for stale in [new, old, *glob.glob(glob.escape(new) + ".orbax-checkpoint-tmp*")]:
        if os.path.exists(stale) and os.path.exists(path):
            shutil.rmtree(stale)


def storage_path(storage, checkpoint_id, reader: bool) -> str:
    """torch's ``_storage_setup``: the directory named by checkpoint_id or by the storage object."""
    if storage is not None:
        if not isinstance(storage, (FileSystemReader, FileSystemWriter)):
            raise NotImplementedError(
                "jtorch.distributed.checkpoint supports FileSystemWriter/FileSystemReader storage only "
                f"(the bytes are written by orbax), got {type(storage).__name__}"
            )
        if checkpoint_id is not None:
            storage.path = os.fspath(checkpoint_id)
        return storage.path
    if not checkpoint_id:
        raise RuntimeError("`checkpoint_id` must be specified if storage_reader/storage_writer is None.")
    return os.fspath(checkpoint_id)


def is_distributed() -> bool:
    import jtorch

    dist = getattr(jtorch, "distributed", None)
    is_init = getattr(dist, "is_initialized", None)
    return bool(is_init()) if callable(is_init) else False


def warn_single_process(no_dist: bool, verb: str) -> None:
    if no_dist or not is_distributed():
        warnings.warn(
            f"torch.distributed is disabled, unavailable or uninitialized, assuming the intent is to {verb} in a "
            "single process.",
            stacklevel=3,
        )


def build_metadata(meta: dict, planner_data: dict, checkpoint_id) -> Metadata:
    """torch's Metadata for what was saved (one chunk per tensor: shards are orbax's business)."""
    from jtorch import _dtype
    from jtorch._size import Size

    sd_meta = {}
    for fqn, m in meta.items():
        if m is None:
            sd_meta[fqn] = BytesStorageMetadata()
        else:
            shape, dtype_name, requires_grad = m
            dt = getattr(_dtype, dtype_name)
            chunk = ChunkStorageMetadata(offsets=Size([0] * len(shape)), sizes=Size(shape))
            sd_meta[fqn] = TensorStorageMetadata(TensorProperties(dt, requires_grad), Size(shape), [chunk])
    return Metadata(sd_meta, planner_data, None, StorageMeta(checkpoint_id=checkpoint_id), "1.0.0")
