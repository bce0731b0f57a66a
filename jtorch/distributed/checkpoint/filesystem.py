"""torch.distributed.checkpoint.filesystem: FileSystemWriter/Reader name the checkpoint directory.

The bytes themselves are written by orbax (see ``_orbax.py``), so the writer's tuning knobs
(``thread_count``, ``per_thread_copy_ahead``, ``single_file_per_rank``) are accepted and not used.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["FileSystemReader", "FileSystemWriter"]


class FileSystemWriter:
    """Write a checkpoint to the directory ``path``."""

    def __init__(
        self,
        path: str | os.PathLike,
        single_file_per_rank: bool = True,
        sync_files: bool = True,
        thread_count: int = 1,
        per_thread_copy_ahead: int = 10_000_000,
        cache_staged_state_dict: bool = False,
        overwrite: bool = True,
        **kwargs: Any,
    ) -> None:
        self.path = os.fspath(path)
        self.sync_files, self.overwrite = sync_files, overwrite

    @property
    def checkpoint_id(self) -> str:
        return self.path


class FileSystemReader:
    """Read a checkpoint from the directory ``path``."""

    def __init__(self, path: str | os.PathLike, **kwargs: Any) -> None:
        self.path = os.fspath(path)

    @property
    def checkpoint_id(self) -> str:
        return self.path
