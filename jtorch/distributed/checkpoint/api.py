"""torch.distributed.checkpoint.api: the exception every DCP failure is wrapped in."""

from __future__ import annotations

import traceback as tb
from typing import Any

__all__ = ["CheckpointException"]

WRAPPED_EXCEPTION = tuple[BaseException, tb.StackSummary]


def _wrap_exception(exc: BaseException) -> WRAPPED_EXCEPTION:
    return (exc, tb.extract_tb(exc.__traceback__))


class CheckpointException(BaseException):
    """Exception raised if failure was detected as part of a checkpoint load or save.

    As in torch it derives from ``BaseException`` (not ``Exception``) and names each failing rank's error.
    """

    def __init__(self, msg: str, failures: dict[int, WRAPPED_EXCEPTION]):
        super().__init__(msg, failures)
        self._failures = failures

    @property
    def failures(self) -> dict[int, WRAPPED_EXCEPTION]:
        """Return a dictionary mapping node ranks to their associated exceptions in case of failure."""
        return self._failures

    def __str__(self) -> str:
        out = f"CheckpointException ranks:{self._failures.keys()}\n"
        for rank, (exc, trace) in self._failures.items():
            out += f"Traceback (most recent call last): (RANK {rank})\n"
            if trace is not None:
                out += "".join(tb.format_list(trace))
            out += "".join(tb.format_exception_only(type(exc), value=exc))
        return out


def _run_wrapped(fn, *args: Any) -> Any:
    """Run ``fn``; re-raise any error as torch does, as a CheckpointException naming this rank."""
    import jax

    try:
        return fn(*args)
    except Exception as e:
        raise CheckpointException("", {jax.process_index(): _wrap_exception(e)}) from e
