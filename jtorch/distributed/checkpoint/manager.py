"""CheckpointManager: step checkpoints over orbax's ``CheckpointManager`` (beyond torch's API).

Each step is one DCP-layout checkpoint (``<directory>/<step>/``, see ``_orbax.py``). Orbax writes a
step under a temporary name and renames it when complete, so a process killed mid-save leaves the
previous steps intact, ``latest_step()`` still names the last complete one and it loads.
"""

from __future__ import annotations

import os
from typing import Any

import orbax.checkpoint as ocp

from jtorch.distributed.checkpoint import _orbax
from jtorch.distributed.checkpoint.state_dict_loader import load_flat
from jtorch.distributed.checkpoint.state_dict_saver import _split, _stateful_to_state_dict
from jtorch.distributed.checkpoint.stateful import Stateful

__all__ = ["CheckpointManager"]


class CheckpointManager:
    """Keep the last ``max_to_keep`` step checkpoints of a state dict in ``directory``; find and resume the latest.

    Beyond torch (torch has no checkpoint manager): ``save(step, state_dict)`` writes asynchronously
    (the arrays are snapshotted before it returns; ``wait_until_finished()`` waits for the files),
    ``restore(step=None, state_dict)`` loads in place like ``jtorch.distributed.checkpoint.load``.
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        max_to_keep: int | None = None,
        save_interval_steps: int = 1,
        enable_async_checkpointing: bool = True,
    ) -> None:  # noqa: E501
        options = ocp.CheckpointManagerOptions(
            max_to_keep=max_to_keep,
            save_interval_steps=save_interval_steps,
            enable_async_checkpointing=enable_async_checkpointing,
            cleanup_tmp_directories=True,  # leftovers of a killed save are removed on the next start
        )
        handlers = {_orbax.TENSORS: _orbax.tensors_handler(), _orbax.OBJECTS: _orbax.ObjectsHandler()}
        self.directory = os.path.abspath(os.fspath(directory))
        self._manager = ocp.CheckpointManager(self.directory, options=options, item_handlers=handlers)

    def save(self, step: int, state_dict: dict[str, Any], *, force: bool = False) -> bool:
        """Save ``state_dict`` as ``step`` (False when skipped by ``save_interval_steps``)."""
        arrays, payload = _split(_stateful_to_state_dict(state_dict))
        return self._manager.save(step, args=_orbax.save_args(arrays, payload), force=force)

    def restore(self, step: int | None = None, state_dict: dict[str, Any] | None = None) -> int:
        """Load ``step`` (default: the latest) into ``state_dict`` in place; returns the step loaded."""
        if state_dict is None:
            raise TypeError("restore() needs the state_dict to load into")
        self._manager.wait_until_finished()
        if step is None:
            step = self.latest_step()
            if step is None:
                raise FileNotFoundError(f"No checkpoint found in {self.directory}")
        keys = sorted(state_dict.keys())
        sd = {k: (state_dict[k].state_dict() if isinstance(state_dict[k], Stateful) else state_dict[k]) for k in keys}
        load_flat(lambda args: self._manager.restore(step, args=args), sd)
        for k in keys:
            if isinstance(state_dict[k], Stateful):
                state_dict[k].load_state_dict(sd[k])
            else:
                state_dict[k] = sd[k]
        return step

    def latest_step(self) -> int | None:
        """The newest complete step, or None."""
        return self._manager.latest_step()

    def all_steps(self) -> list[int]:
        """Every complete step kept on disk, ascending."""
        return sorted(self._manager.all_steps())

    def wait_until_finished(self) -> None:
        """Block until the pending asynchronous save is on disk."""
        self._manager.wait_until_finished()

    def close(self) -> None:
        self._manager.close()

    def __enter__(self) -> CheckpointManager:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
