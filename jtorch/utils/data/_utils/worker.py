"""get_worker_info(): which DataLoader worker this process is (None in the main process)."""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["WorkerInfo", "get_worker_info"]


@dataclasses.dataclass
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: Any

    def __repr__(self) -> str:
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, dataset={self.dataset!r})"


_worker_info: WorkerInfo | None = None
_grain_slot: tuple[int, int] | None = None  # (worker index, worker count) as grain reports it


def get_worker_info() -> WorkerInfo | None:
    return _worker_info
