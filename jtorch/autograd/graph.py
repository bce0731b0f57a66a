"""The autograd tape: graph nodes and the engine that walks them backwards.

A node is created by ``jtorch._ops.dispatch.apply`` when an op runs on tensors that require grad.
Its backward is the op's VJP, a ``jax.jit``-compiled function cached per op and signature (see
dispatch.py), so eager backward never calls ``jax.vjp`` afresh. The engine works the same on
concrete arrays and on tracers, which is what lets ``jtorch.compile`` fuse a whole step.
"""

from __future__ import annotations

from collections import defaultdict

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

    __slots__ = ("_name", "edges", "_saved", "_backward", "_out_meta", "_pre_hooks", "_hooks", "_tensor_pre_hooks", "_retained", "metadata", "__weakref__")

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


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds incoming gradients into ``variable.grad``."""

    __slots__ = ("variable", "_post_hooks")

    def __init__(self, variable):
        super().__init__("AccumulateGrad", [], True, None, [(variable.shape, None)])
        self.variable = variable
        self._post_hooks = None

    def apply(self, grads, create_graph):
        from jtorch._tensor import Tensor

        (g,) = grads
        if g is None:
            return []
        var = self.variable
        if not isinstance(g, Tensor):
            g = Tensor._wrap(g)
        if g.dtype is not var.dtype:
            g = g.to(var.dtype)
        if var.grad is None:
            var.grad = g if create_graph else g.detach()
        elif create_graph or var.grad.requires_grad:
            var.grad = var.grad + g
        else:
            var.grad._assign_array(var.grad._data + g._data)
        if self._post_hooks:
            for hook in list(self._post_hooks.values()):
                hook(var)
        return []

    def _release(self):
        pass


def _zeros(meta):
    shape, dt = meta
    return jnp.zeros(shape, dt)


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


def run_backward(roots, root_grads, retain_graph: bool, create_graph: bool, inputs=None, accumulate=True, allow_unused=True):
    """Walk the graph from ``roots`` (list of (node, output_nr)) with ``root_grads``.

    With ``accumulate`` the leaves' AccumulateGrad nodes run (``Tensor.backward``); otherwise the
    gradients reaching ``inputs`` (a list of edges) are captured and returned (``autograd.grad``).
    """
    from jtorch._tensor import Tensor

    wrap = create_graph
    # Count how many gradient contributions each node waits for.
    deps = defaultdict(int)
    seen = set()
    stack = [n for n, _ in roots]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for nxt, _ in node.edges:
            deps[nxt] += 1
            stack.append(nxt)

    capture = {}
    if inputs is not None:
        for k, (node, nr) in enumerate(inputs):
            capture.setdefault(node, []).append((k, nr))
    results = [None] * (len(inputs) if inputs is not None else 0)
    accumulate_filter = None
    if accumulate and inputs is not None:
        accumulate_filter = {node for node, _ in inputs}

    buffers = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.setdefault(node, [None] * len(node._out_meta))
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    ready = [node for node, _ in roots if deps[node] == 0]
    ready = list(dict.fromkeys(ready))

    with grad_mode.set_grad_enabled(create_graph):
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
            if node in capture:
                for k, nr in capture[node]:
                    g = grads[nr]
                    results[k] = None if g is None else _as_tensor_grad(g)
            if isinstance(node, AccumulateGrad):
                if accumulate and (accumulate_filter is None or node in accumulate_filter):
                    node.apply(grads, create_graph)
                continue
            if all(g is None for g in grads):
                in_grads = [None] * len(node.edges)
            else:
                if wrap:
                    grads = [Tensor._wrap(_zeros(m)) if g is None else _as_tensor_grad(g) for g, m in zip(grads, node._out_meta)]
                else:
                    grads = [_zeros(m) if g is None else g for g, m in zip(grads, node._out_meta)]
                in_grads = node.apply(grads, create_graph)
                if not retain_graph:
                    node._release()
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
                    buf = buffers.setdefault(nxt, [None] * len(nxt._out_meta))
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
    return results
