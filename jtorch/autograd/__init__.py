"""torch.autograd: backward, grad, grad modes and custom Functions, all on one tape (graph.py)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import jax.numpy as jnp

from jtorch.autograd.function import Function, FunctionCtx, once_differentiable
from jtorch.autograd.grad_mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from jtorch.autograd.graph import Node

__all__ = [
    "Function",
    "FunctionCtx",
    "Node",
    "backward",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "once_differentiable",
    "set_grad_enabled",
    "detect_anomaly",
    "set_detect_anomaly",
]


def _as_list(x):
    if x is None:
        return None
    from jtorch._tensor import Tensor

    return [x] if isinstance(x, Tensor) else list(x)


def _root_grads(outputs, grad_outputs):
    """Edges of ``outputs`` and their starting gradients (Tensors), with torch's checks."""
    from jtorch._tensor import Tensor
    from jtorch.autograd.graph import const

    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(
            f"grad_tensors (or grad_outputs) should be a sequence of Tensors of length {len(outputs)}, got {len(grads)}"
        )
    edges, arrays = [], []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        arr = out._data
        if g is None:
            if arr.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not jnp.issubdtype(arr.dtype, jnp.floating):
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            g = Tensor._wrap(const(1, arr.shape, arr.dtype))
        else:
            if not isinstance(g, Tensor):
                g = Tensor._wrap(jnp.asarray(g, arr.dtype))
            if g._data.shape != arr.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a shape of {out.shape}."
                )
        edges.append(out._grad_edge())
        arrays.append(g)
    return edges, arrays


def backward(
    tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None
) -> None:
    """Accumulate d(tensors)/d(leaf) into each leaf's ``.grad`` (or only into ``inputs``)."""
    from jtorch.autograd.graph import run_backward

    tensors = _as_list(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    edges, grads = _root_grads(tensors, grad_tensors)
    if not create_graph:
        grads = [g._data for g in grads]
    input_edges = None
    if inputs is not None:
        inputs = _as_list(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        input_edges = [t._grad_edge() for t in inputs]
    run_backward(edges, grads, retain_graph, create_graph, inputs=input_edges, accumulate=True)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """Return d(outputs)/d(inputs) without touching ``.grad`` (a dict of ``inputs`` gives a dict back)."""
    from jtorch._tensor import Tensor
    from jtorch.autograd.graph import run_backward

    if type(inputs) is dict:
        keys = list(inputs.keys())
        res = grad(outputs, list(inputs.values()), grad_outputs, retain_graph, create_graph, only_inputs,
                   allow_unused, is_grads_batched, materialize_grads)  # fmt: skip
        return dict(zip(keys, res, strict=True))
    if isinstance(inputs, Mapping):
        raise TypeError(
            f"`inputs` argument to `grad()` must be a dict, not {type(inputs).__name__}. "
            "Other Mapping types are not supported."
        )
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    if len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if not only_inputs:
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for "
            "other parts of the graph, please use torch.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    if is_grads_batched:
        return _grad_batched(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads)
    if retain_graph is None:
        retain_graph = create_graph
    edges, grads = _root_grads(outputs, grad_outputs)  # torch checks the outputs first
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if not create_graph:
        grads = [g._data for g in grads]
    results = run_backward(
        edges, grads, retain_graph, create_graph, inputs=[t._grad_edge() for t in inputs], accumulate=False
    )
    if allow_unused is None:
        allow_unused = materialize_grads
    out = []
    for i, (t, g) in enumerate(zip(inputs, results)):
        if g is None:
            if materialize_grads:
                g = Tensor._wrap(jnp.zeros(t.shape, t._data.dtype))
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        elif not create_graph:
            g = g.detach()
        out.append(g)
    return tuple(out)


def _grad_batched(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads):
    """``is_grads_batched=True``: torch vmaps the backward over the first dim of each grad_output; one backward
    per batch entry, stacked, gives the same values on the one tape (a vmap of the tape would be a second
    autograd)."""
    import jtorch

    gos = _as_list(grad_outputs) or [None] * len(outputs)
    if len(gos) != len(outputs):
        raise RuntimeError(
            f"grad_tensors (or grad_outputs) should be a sequence of Tensors of length {len(outputs)}, got {len(gos)}"
        )
    batch = None
    for i, (out, g) in enumerate(zip(outputs, gos)):
        if g is None:
            continue
        if tuple(g.shape[1:]) != tuple(out.shape):  # torch reports the shape of g[0] less its first dim
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding "
                f"output, but a mismatch was detected: grad_output[{i}] has a shape of {jtorch.Size(g.shape[2:])} "
                f"and output[{i}] has a shape of {out.shape}. If you only want some tensors in `grad_output` to be "
                "considered batched, consider using vmap."
            )
        batch = g.shape[0]
    if batch is None:  # nothing batched: a plain grad
        return grad(outputs, inputs, gos, retain_graph, create_graph, True, allow_unused, False, materialize_grads)
    if retain_graph is None:
        retain_graph = create_graph
    rows = []
    for b in range(batch):
        keep = retain_graph or b < batch - 1
        row_gos = [None if g is None else g[b] for g in gos]
        rows.append(grad(outputs, inputs, row_gos, keep, create_graph, True, allow_unused, False, False))
    out = []
    for i, t in enumerate(inputs):
        col = [r[i] for r in rows]
        if col[0] is None:
            out.append(jtorch.zeros_like(t, requires_grad=create_graph) if materialize_grads else None)
        else:
            out.append(jtorch.stack(col))
    return tuple(out)


from jtorch.autograd import anomaly_mode, functional  # noqa: E402,F401
from jtorch.autograd.gradcheck import gradcheck, gradgradcheck  # noqa: E402,F401
from jtorch.autograd.variable import Variable  # noqa: E402,F401
