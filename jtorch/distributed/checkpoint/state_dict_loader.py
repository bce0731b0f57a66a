"""torch.distributed.checkpoint.load: fill the given state dict in place from an orbax checkpoint."""

from __future__ import annotations

import os
from typing import Any

import jax

from jtorch.distributed.checkpoint import _orbax
from jtorch.distributed.checkpoint._common import recover, storage_path, warn_single_process
from jtorch.distributed.checkpoint._traverse import flatten_state_dict, set_element
from jtorch.distributed.checkpoint.api import _run_wrapped
from jtorch.distributed.checkpoint.default_planner import DefaultLoadPlanner
from jtorch.distributed.checkpoint.stateful import Stateful

__all__ = ["load"]


def load_flat(restore, state_dict: dict, allow_partial_load: bool = False) -> None:
    """Load into the (nested) ``state_dict``: tensors filled in place, other values replaced.

    ``restore(args)`` runs an orbax restore of this checkpoint (a checkpointer's or a manager's).
    """
    from jtorch._size import Size
    from jtorch._tensor import Tensor

    payload = restore(_orbax.restore_objects_args())[_orbax.OBJECTS]
    meta, objects = payload["metadata"], payload["objects"]
    flat, mappings = flatten_state_dict(state_dict)
    targets, tensors = {}, {}
    for fqn, obj in flat.items():
        if fqn not in meta:
            if allow_partial_load:
                continue
            raise RuntimeError(f"Missing key in checkpoint state_dict: {fqn}.")
        md = meta[fqn]
        if md is None:  # a saved object replaces whatever the target held
            set_element(state_dict, mappings[fqn], objects[fqn])
            continue
        if not isinstance(obj, Tensor):
            raise ValueError(
                f"Invalid checkpoint metadata for {fqn}, expected BytesStorageMetadata but found "
                "<class 'torch.distributed.checkpoint.metadata.TensorStorageMetadata'>"
            )
        if tuple(md[0]) != tuple(obj.shape):
            raise ValueError(f"Size mismatch between saved {Size(md[0])} and current: {obj.size()} for {fqn}")
        arr = obj._data
        targets[fqn] = jax.ShapeDtypeStruct(arr.shape, arr.dtype, sharding=arr.sharding)
        tensors[fqn] = obj
    if targets:
        restored = restore(_orbax.restore_tensors_args(targets))[_orbax.TENSORS]
        for fqn, t in tensors.items():
            t._assign_array(restored[fqn])


def load(
    state_dict: dict[str, Any],
    *,
    checkpoint_id: str | os.PathLike | None = None,
    storage_reader=None,
    planner=None,
    process_group=None,
    no_dist: bool = False,
) -> None:
    """Load a checkpoint into ``state_dict`` in place (torch's DCP semantics).

    Tensors are filled in place (cast to their dtype, restored onto their own sharding, whatever mesh
    the checkpoint was written from); non-tensor values are replaced; Stateful values get
    ``load_state_dict``. Every key of ``state_dict`` must be in the checkpoint (unless
    ``DefaultLoadPlanner(allow_partial_load=True)``) with the same shape.
    """
    warn_single_process(no_dist, "load")
    if planner is not None and not isinstance(planner, DefaultLoadPlanner):
        raise NotImplementedError("jtorch.distributed.checkpoint supports only DefaultLoadPlanner")
    allow_partial = bool(planner is not None and planner.allow_partial_load)

    path = storage_path(storage_reader, checkpoint_id, reader=True)

    def run():
        recover(path)
        keys = sorted(state_dict.keys())
        stateful_sd = {
            k: (state_dict[k].state_dict() if isinstance(state_dict[k], Stateful) else state_dict[k]) for k in keys
        }
        directory = _orbax.abspath(path)
        if not (directory / _orbax.OBJECTS).exists():
            raise FileNotFoundError(f"[Errno 2] No such file or directory: '{directory / _orbax.OBJECTS}'")
        ckptr = _orbax.new_checkpointer()
        try:
            load_flat(lambda args: ckptr.restore(directory, args=args), stateful_sd, allow_partial)
        finally:
            ckptr.close()
        for k in keys:
            if isinstance(state_dict[k], Stateful):
                state_dict[k].load_state_dict(stateful_sd[k])
            else:
                state_dict[k] = stateful_sd[k]

    _run_wrapped(run)
