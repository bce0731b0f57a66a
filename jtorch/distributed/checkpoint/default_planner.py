"""torch.distributed.checkpoint.default_planner: the planners' options jtorch honours.

jtorch's plan is fixed (every process writes the shards it owns through orbax), so a planner only
carries options; custom ``SavePlanner``/``LoadPlanner`` subclasses are not supported.
"""

from __future__ import annotations

__all__ = ["DefaultLoadPlanner", "DefaultSavePlanner"]


class DefaultSavePlanner:
    def __init__(
        self,
        flatten_state_dict: bool = True,
        flatten_sharded_tensors: bool = True,
        dedup_replicated_tensors=None,
        dedup_save_to_lowest_rank: bool = False,
        enable_plan_caching: bool = False,
    ) -> None:  # noqa: E501
        if not flatten_state_dict:
            raise NotImplementedError("jtorch.distributed.checkpoint always flattens the state dict")


class DefaultLoadPlanner:
    def __init__(
        self, flatten_state_dict: bool = True, flatten_sharded_tensors: bool = True, allow_partial_load: bool = False
    ) -> None:  # noqa: E501
        if not flatten_state_dict:
            raise NotImplementedError("jtorch.distributed.checkpoint always flattens the state dict")
        self.allow_partial_load = allow_partial_load
