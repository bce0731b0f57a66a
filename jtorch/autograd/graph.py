"""The autograd tape: graph nodes and the engine that walks them backwards.

A node is created by ``jtorch._ops.dispatch.apply`` when an op runs on tensors that require grad.
Its backward is the op's VJP, a ``jax.jit``-compiled function cached per op and signature (see
dispatch.py), so eager backward never calls ``jax.vjp`` afresh. The engine works the same on
concrete arrays and on tracers, which is what lets ``jtorch.compile`` fuse a whole step.

Eager speed: gradients travel between nodes as bare jax arrays (Tensors only under
``create_graph``), constant gradients (ones at the root, zeros for unused outputs) are cached per
shape and dtype, and accumulation uses one jitted add, so a small backward costs about 1-2x its
forward (benchmarks/bench_ops.py).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from jtorch.autograd import grad_mode

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)


class Node:
    """A recorded op (torch's ``grad_fn``). ``edges[i]`` is where the gradient of differentiable input i goes."""

    __slots__ = (
        "_name",
        "edges",
        "_saved",
        "_backward",
        "_out_meta",
        "_pre_hooks",
        "_hooks",
        "_tensor_pre_hooks",
        "_retained",
        "_materialize",
        "metadata",
        "__weakref__",
    )

    def __new__(cls, name, *args, **kwargs):
        # Each grad_fn is an instance of a class named after it, as torch's (type(y.grad_fn).__name__
        # == "MulBackward0"); the per-name subclasses only carry the name.
        return object.__new__(_node_class(name) if cls is Node else cls)

    def __init__(self, name, edges, saved, backward, out_meta):
        self._name = name
        self.edges = edges  # list of (Node, output_nr)
        self._saved = saved  # whatever `backward` needs; None once freed
        self._backward = backward  # callable(node, grads, create_graph) -> list of grads per edge
        self._out_meta = out_meta  # list of (shape, jnp dtype) per output
        self._pre_hooks = None
        self._hooks = None
        self._tensor_pre_hooks = None
        self._retained = None
        self._materialize = True  # missing output grads become zeros (Function: ctx.set_materialize_grads)
        self.metadata = {}

    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<{self._name} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        return tuple((n, i) for n, i in self.edges)

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) -> new grad_inputs or None, after this node's backward."""
        from jtorch.utils.hooks import RemovableHandle

        if self._hooks is None:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn):
        """fn(grad_outputs) -> new grad_outputs or None, before this node's backward."""
        from jtorch.utils.hooks import RemovableHandle

        if self._pre_hooks is None:
            self._pre_hooks = {}
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def _add_tensor_pre_hook(self, output_nr, fn):
        from jtorch.utils.hooks import RemovableHandle

        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        handle = RemovableHandle(self._tensor_pre_hooks)
        self._tensor_pre_hooks[handle.id] = (output_nr, fn)
        return handle

    def apply(self, grads, create_graph: bool):
        if self._saved is None:
            raise RuntimeError(_FREED)
        return self._backward(self, grads, create_graph)

    def _release(self):
        self._saved = None


@functools.lru_cache(maxsize=None)
def _node_class(name: str) -> type:
    return type(name, (Node,), {"__slots__": (), "__module__": "jtorch.autograd.graph"})


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("variable", "_post_hooks")

    def __init__(self, variable):
        super().__init__("torch::autograd::AccumulateGrad", [], True, None, [(variable.shape, None)])
        self.variable = variable
        self._post_hooks = None

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def apply(self, grads, create_graph):
        from jtorch._tensor import Tensor

        g = grads[0]
        if g is None:
            return []
        var = self.variable
        if create_graph:
            g = g if isinstance(g, Tensor) else Tensor._wrap(g)
            if g.dtype is not var.dtype:
                g = g.to(var.dtype)
            # torch keeps the graph of the accumulated gradient under create_graph.
            var.grad = g if var.grad is None else var.grad + g
        else:
            # Fast path (no Tensor temporaries): the incoming gradient is a plain array.
            arr = g._data if isinstance(g, Tensor) else g
            want = var._data.dtype
            if arr.dtype != want:
                arr = arr.astype(want)
            old = var.grad
            if old is None:
                var.grad = Tensor._wrap(arr)
            elif old.requires_grad:
                var.grad = old + Tensor._wrap(arr)
            else:
                # torch adds in place when the existing grad does not require grad.
                old._assign_array(_jit_add(old._data, arr))
        if self._post_hooks:
            for hook in list(self._post_hooks.values()):
                hook(var)
        return []

    def _release(self):
        pass


def _add(a, b):
    return a + b


_jit_add = jax.jit(_add)

# Constant arrays (root gradients of ones, zeros for unused outputs) are immutable, so they are
# cached per (shape, dtype) and made concretely even while tracing (a constant, never a tracer).
_CONSTS: dict = {}


def const(value: float, shape, dtype):
    key = (value, tuple(shape), dtype)
    arr = _CONSTS.get(key)
    if arr is None:
        with jax.ensure_compile_time_eval():
            arr = jnp.full(shape, value, dtype)
        if len(_CONSTS) < 4096:
            _CONSTS[key] = arr
    return arr


def _zeros(meta):
    shape, dt = meta
    return const(0, shape, dt)


def _as_tensor_grad(g):
    from jtorch._tensor import Tensor

    return g if isinstance(g, Tensor) else Tensor._wrap(g)


def _run_tensor_pre_hooks(node, grads):
    for output_nr, fn in list(node._tensor_pre_hooks.values()):
        g = grads[output_nr]
        if g is None:
            continue
        new = fn(_as_tensor_grad(g))
        if new is not None:
            grads[output_nr] = new if isinstance(grads[output_nr], type(new)) else new._data
    return grads


def _check_nan(node, in_grads) -> None:
    """Anomaly mode: torch's error when a node's backward produced NaN (eager values only)."""
    for i, g in enumerate(in_grads):
        arr = getattr(g, "_data", g)
        if arr is None or isinstance(arr, jax.core.Tracer) or not jnp.issubdtype(arr.dtype, jnp.inexact):
            continue
        if bool(jnp.any(jnp.isnan(arr))):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _dependencies(roots) -> dict:
    """How many gradient contributions (incoming edges) each reachable node waits for."""
    deps: dict = {}
    stack = [n for n, _ in roots]
    seen = set(stack)
    while stack:
        for nxt, _ in stack.pop().edges:
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


def run_backward(
    roots, root_grads, retain_graph: bool, create_graph: bool, inputs=None, accumulate=True, allow_unused=True
):
    """Walk the graph from ``roots`` (list of (node, output_nr)) with ``root_grads``.

    With ``accumulate`` the leaves' AccumulateGrad nodes run (``Tensor.backward``); otherwise the
    gradients reaching ``inputs`` (a list of edges) are captured and returned (``autograd.grad``).
    Gradients travel as plain arrays, or as Tensors with ``create_graph`` (so the backward is
    itself recorded). Each node runs once all its incoming contributions have arrived.
    """
    wrap = create_graph
    deps = _dependencies(roots)

    capture = None
    results = []
    accumulate_filter = None
    if inputs is not None:
        capture = {}
        for k, (node, nr) in enumerate(inputs):
            capture.setdefault(node, []).append((k, nr))
        results = [None] * len(inputs)
        if accumulate:
            accumulate_filter = {node for node, _ in inputs}

    buffers = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * len(node._out_meta)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    ready = list(dict.fromkeys(node for node, _ in roots if node not in deps))

    prev_mode = grad_mode.is_grad_enabled()
    grad_mode._set_enabled(create_graph)
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None) or [None] * len(node._out_meta)
            if node._tensor_pre_hooks:
                grads = _run_tensor_pre_hooks(node, grads)
            if node._retained:
                for nr, ref in node._retained.items():
                    t = ref()
                    if t is not None and grads[nr] is not None:
                        g = _as_tensor_grad(grads[nr])
                        g = g if create_graph else g.detach()
                        t.grad = g if t.grad is None else t.grad + g
            if node._pre_hooks:
                outs = tuple(None if g is None else _as_tensor_grad(g) for g in grads)
                for hook in list(node._pre_hooks.values()):
                    new = hook(outs)
                    if new is not None:
                        outs = tuple(new)
                grads = [None if g is None else (g if wrap else g._data) for g in outs]
            if capture is not None and node in capture:
                for k, nr in capture[node]:
                    g = grads[nr]
                    results[k] = None if g is None else _as_tensor_grad(g)
            if type(node) is AccumulateGrad:
                if accumulate and (accumulate_filter is None or node in accumulate_filter):
                    node.apply(grads, create_graph)
                continue
            in_grads = None
            missing = [g is None for g in grads]
            if not all(missing):
                if any(missing) and node._materialize:
                    grads = [_zeros(m) if g is None else g for g, m in zip(grads, node._out_meta)]
                if wrap:
                    grads = [None if g is None else _as_tensor_grad(g) for g in grads]
                in_grads = node.apply(grads, create_graph)
                if not retain_graph:
                    node._release()
                if grad_mode._anomaly["enabled"] and grad_mode._anomaly["check_nan"]:
                    _check_nan(node, in_grads)
            else:
                in_grads = [None] * len(node.edges)
            if node._hooks:
                gi = tuple(None if g is None else _as_tensor_grad(g) for g in in_grads)
                go = tuple(None if g is None else _as_tensor_grad(g) for g in grads)
                for hook in list(node._hooks.values()):
                    new = hook(gi, go)
                    if new is not None:
                        gi = tuple(new)
                in_grads = [None if g is None else (g if wrap else g._data) for g in gi]
            for (nxt, nr), g in zip(node.edges, in_grads):
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * len(nxt._out_meta)
                    old = buf[nr]
                    buf[nr] = g if old is None else (old + g if wrap else _jit_add(old, g))
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    ready.append(nxt)
    finally:
        grad_mode._set_enabled(prev_mode)
    return results
