"""torch.autograd.Function: user-defined forward/backward recorded as one node on the tape."""

from __future__ import annotations

import functools

from jtorch.autograd import grad_mode
from jtorch.autograd.graph import Node


class FunctionCtx:
    """The ``ctx`` passed to forward/backward: saved tensors and flags, as in torch."""

    def __init__(self):
        self.to_save = ()
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._non_differentiable = set()
        self._dirty = set()

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    @property
    def saved_tensors(self):
        if self.to_save is None:
            from jtorch.autograd.graph import _FREED

            raise RuntimeError(_FREED)
        return tuple(self.to_save)

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = value


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = f"{name}Backward"


class Function(metaclass=_FunctionMeta):
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``.apply``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        from jtorch._tensor import Tensor

        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        custom_setup = cls.setup_context is not Function.setup_context
        # The inputs' edges are taken before forward runs: forward may modify them in place (mark_dirty).
        diff_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        edges = [args[i]._grad_edge() for i in diff_pos]
        with grad_mode.no_grad():
            if custom_setup:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        record = grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)
        if not record:
            return out
        node = Node(
            cls._backward_name,
            edges,
            (cls, ctx, diff_pos, len(args)),
            _function_backward,
            [(o.shape, o._data.dtype) if isinstance(o, Tensor) else ((), None) for o in outs],
        )
        node._materialize = ctx.materialize_grads
        results = []
        for k, o in enumerate(outs):
            if isinstance(o, Tensor):
                if id(o) in ctx._dirty:
                    t = o  # modified in place: keep the object, give it the new history
                else:
                    t = Tensor._wrap(o._data)
                if id(o) not in ctx._non_differentiable and (o.dtype.is_floating_point or o.dtype.is_complex):
                    t._node, t._out_nr = node, k
                results.append(t)
            else:
                results.append(o)
        return tuple(results) if multi else results[0]


def _function_backward(node, grads, create_graph):
    from jtorch._tensor import Tensor

    cls, ctx, diff_pos, n_args = node._saved
    gts = [g if g is None or isinstance(g, Tensor) else Tensor._wrap(g) for g in grads]
    with grad_mode.set_grad_enabled(create_graph):
        res = cls.backward(ctx, *gts)
    if not isinstance(res, tuple):
        res = (res,)
    if len(res) < n_args:
        raise RuntimeError(
            f"function {cls._backward_name} returned an incorrect number of gradients (expected {n_args}, got {len(res)})"
        )
    out = []
    for p in diff_pos:
        g = res[p]
        if g is None:
            out.append(None)
        elif create_graph:
            out.append(g)
        else:
            out.append(g._data)
    return out


def once_differentiable(fn):
    """Run ``backward`` without recording; under ``create_graph`` its results get a grad_fn that
    raises if differentiated again (torch's DelayedError)."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        from jtorch._tensor import Tensor

        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        multi = isinstance(outputs, tuple)
        outs = outputs if multi else (outputs,)
        # As torch: detached aliases that require grad, so the error node sits on the graph.
        wrapped = tuple(_DelayedError.apply(o.detach().requires_grad_()) if isinstance(o, Tensor) else o for o in outs)
        return wrapped if multi else wrapped[0]

    return wrapper


class _DelayedError(Function):
    """Identity whose backward raises: marks results of a once_differentiable backward."""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


_DelayedError._backward_name = "torch::autograd::Error"
