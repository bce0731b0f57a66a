"""torch.nn.utils.stateless: the deprecated spelling of ``torch.func.functional_call`` (torch warns the same)."""

from __future__ import annotations

from typing import Any

from typing_extensions import deprecated

__all__ = ["functional_call"]


@deprecated(
    "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
    "and will be removed in a future version of PyTorch. "
    "Please use `torch.func.functional_call` instead which is a drop-in replacement.",
    category=FutureWarning,
)
def functional_call(
    module,
    parameters_and_buffers: dict,
    args: Any | tuple | None = None,
    kwargs: dict[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
):
    """Call ``module`` with its parameters and buffers replaced by ``parameters_and_buffers`` (by name)."""
    from jtorch.func import functional_call as _functional_call

    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
