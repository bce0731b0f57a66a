"""torch.distributed.checkpoint.save / async_save over orbax (see ``_orbax.py`` for the layout)."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
from enum import Enum
from typing import Any

import jax

from jtorch.distributed.checkpoint import _orbax
from jtorch.distributed.checkpoint._common import (
    FORMAT_VERSION,
    NEW,
    OLD,
    build_metadata,
    recover,
    storage_path,
    warn_single_process,
)
from jtorch.distributed.checkpoint._traverse import flatten_state_dict
from jtorch.distributed.checkpoint.api import _run_wrapped
from jtorch.distributed.checkpoint.default_planner import DefaultSavePlanner
from jtorch.distributed.checkpoint.metadata import Metadata
from jtorch.distributed.checkpoint.stateful import Stateful

__all__ = ["AsyncCheckpointerType", "async_save", "save"]


class AsyncCheckpointerType(Enum):
    """Enum for async checkpointer type."""

    THREAD = "thread"
    PROCESS = "process"


def _stateful_to_state_dict(state_dict: dict) -> dict:
    """A shallow copy of ``state_dict`` where ``state_dict()`` is called for each Stateful object."""
    return {k: (v.state_dict() if isinstance(v, Stateful) else v) for k, v in state_dict.items()}


def _split(state_dict: dict):
    """(arrays by fqn, pickled part: objects, metadata and the nested paths)."""
    from jtorch._tensor import Tensor

    flat, mappings = flatten_state_dict(state_dict)
    arrays, objects, meta = {}, {}, {}
    for fqn, v in flat.items():
        if isinstance(v, Tensor):
            arrays[fqn] = v._data  # an immutable jax array: later in-place updates of v never reach the save
            meta[fqn] = (tuple(v.shape), v.dtype.name, bool(v.requires_grad))
        else:
            objects[fqn] = v
            meta[fqn] = None
    return arrays, {"version": FORMAT_VERSION, "metadata": meta, "planner_data": mappings, "objects": objects}


def _check_planner(planner) -> None:
    if planner is not None and not isinstance(planner, DefaultSavePlanner):
        raise NotImplementedError("jtorch.distributed.checkpoint supports only DefaultSavePlanner")


def _start_save(state_dict, path, planner):
    """Begin an orbax save; returns ``finish()``, which waits for the files and returns the Metadata.

    The blocking part (device to host copies) is done when this returns. A new directory is written by
    orbax under a temporary name and renamed when complete. An existing checkpoint is replaced the same
    way: orbax writes ``<path>.jtorch-new`` completely, then two renames swap it in, so a crash mid-save
    keeps the old checkpoint (orbax's own ``force=True`` would delete it first).
    """
    _check_planner(planner)
    arrays, payload = _split(_stateful_to_state_dict(state_dict))
    metadata = build_metadata(payload["metadata"], payload["planner_data"], path)
    recover(path)
    final = _orbax.abspath(path)
    replace = final.exists()
    target = final.parent / f"{final.name}{NEW}" if replace else final
    ckptr = _orbax.new_checkpointer()
    ckptr.save(target, args=_orbax.save_args(arrays, payload), force=target.exists())

    def finish():
        try:
            ckptr.wait_until_finished()
        finally:
            ckptr.close()
        if replace and jax.process_index() == 0:
            old = final.parent / f"{final.name}{OLD}"
            os.rename(final, old)
            os.rename(target, final)
            shutil.rmtree(old)
        return metadata

    return finish


def save(
    state_dict: dict[str, Any],
    *,
    checkpoint_id: str | os.PathLike | None = None,
    storage_writer=None,
    planner=None,
    process_group=None,
    no_dist: bool = False,
    use_collectives: bool = True,
) -> Metadata:
    """Save ``state_dict`` (nested dicts/lists of tensors and objects, or Stateful values) to a directory.

    Each process writes the shards of the (possibly sharded) arrays it owns; the directory appears
    under its final name only once complete (orbax's temporary directory and atomic rename).
    """
    warn_single_process(no_dist, "save")
    path = storage_path(storage_writer, checkpoint_id, reader=False)

    return _run_wrapped(lambda: _start_save(state_dict, path, planner)())


_executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="jtorch-dcp-async-save")


def async_save(
    state_dict: dict[str, Any],
    *,
    checkpoint_id: str | os.PathLike | None = None,
    storage_writer=None,
    planner=None,
    process_group=None,
    async_checkpointer_type: AsyncCheckpointerType = AsyncCheckpointerType.THREAD,
    async_stager=None,
    no_dist: bool = False,
    use_collectives: bool = True,
) -> concurrent.futures.Future:
    """Asynchronous ``save``: returns once the arrays are staged; the Future's result is the Metadata.

    Staging is free here: jtorch tensors hold immutable jax arrays, so the training loop may keep
    updating the model while orbax writes the snapshot taken at this call.
    """
    if async_checkpointer_type != AsyncCheckpointerType.THREAD:
        raise NotImplementedError("jtorch's async_save runs in a background thread (AsyncCheckpointerType.THREAD)")
    if async_stager is not None:
        raise NotImplementedError("jtorch's async_save does not take an async_stager (jax arrays need no staging)")
    path = storage_path(storage_writer, checkpoint_id, reader=False)
    finish = _run_wrapped(_start_save, state_dict, path, planner)
    return _executor.submit(_run_wrapped, finish)
