"""torch.utils.checkpoint on jtorch: same values, gradients, warnings and errors as torch.

Memory: torch frees the segment's activations and recomputes them in backward. jtorch's eager tape keeps
each op's inputs for its VJP, and recomputing a segment would mean running it twice eagerly for no gain on
these machines, so eager ``checkpoint`` runs the function once and keeps its activations (no memory saved).
Under ``jtorch.compile`` the whole step is one XLA program, whose own rematerialisation decides what to
keep. (``jax.checkpoint`` applies to JAX functions; a checkpointed segment here is arbitrary Python over
jtorch tensors recorded op by op, so it cannot wrap it without a second autograd.)
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import jtorch

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn", "detach_variable", "check_backward_validity"]


def noop_context_fn():
    import contextlib

    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs: tuple) -> tuple:
    if isinstance(inputs, tuple):
        out = []
        for inp in inputs:
            if not isinstance(inp, jtorch.Tensor):
                out.append(inp)
                continue
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            out.append(x)
        return tuple(out)
    raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")


def check_backward_validity(inputs) -> None:
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, jtorch.Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


def checkpoint(
    function: Callable,
    *args: Any,
    use_reentrant: bool | None = None,
    context_fn: Callable = noop_context_fn,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    **kwargs: Any,
):
    """Run ``function(*args, **kwargs)`` as torch's activation checkpoint would (see the module docstring).

    The reentrant variant (``use_reentrant=True``, torch's default when not passed) keeps torch's semantics:
    no keyword arguments, and when no tensor input requires grad the output does not either (parameters
    used inside get no gradient), with torch's warning.
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be "
            "passed explicitly. Starting in PyTorch 2.9, calling checkpoint "
            "without use_reentrant will raise an exception. use_reentrant=False is "
            "recommended, but if you need to preserve the current default "
            "behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    kwargs.pop("preserve_rng_state", True)  # one forward pass: the RNG stream is used once either way
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        check_backward_validity(args)
        if not any(isinstance(a, jtorch.Tensor) and a.requires_grad for a in args):
            with jtorch.no_grad():
                return function(*args)
        return function(*args)
    forward_ctx, _recompute_ctx = context_fn()
    with forward_ctx:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None, **kwargs):
    """Run a Sequential (or list of modules) in ``segments`` checkpointed chunks, as torch does."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant "
            "parameter should be passed explicitly. "
            "In version 2.9 we will raise an exception if use_reentrant "
            "is not passed. use_reentrant=False is "
            "recommended, but if you need to preserve the current default "
            "behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input

        return forward

    if isinstance(functions, jtorch.nn.Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(
            run_function(start, end, functions), input, use_reentrant=use_reentrant, preserve_rng_state=preserve
        )
    return run_function(end + 1, len(functions) - 1, functions)(input)
