"""The one way an op runs: ``apply(name, fn, args, statics)``.

``fn`` is a pure JAX function of positional arrays (or Python numbers, or None) and keyword
``statics`` (hashable structure: dims, shapes, dtypes). Numbers stay dynamic arguments, so a
changing learning rate or scale never recompiles. The forward is ``jax.jit(fn)`` cached per
(fn, statics) -- one dispatch per op, cheaper here than eager ``jnp`` -- and, when an input
requires grad, a tape node is recorded whose backward is the jitted VJP of ``fn`` cached per
(fn, statics, differentiable inputs). With ``create_graph=True`` that VJP is itself applied as an
op, so higher-order gradients come from JAX's autodiff of the same definition.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from jtorch.autograd.graph import Node
from jtorch.autograd.grad_mode import is_grad_enabled

Tensor = None  # set by jtorch._tensor (import cycle)
_forward_cache: dict = {}
_vjp_cache: dict = {}


def forward_fn(fn, statics: tuple):
    key = (fn, statics)
    f = _forward_cache.get(key)
    if f is None:
        f = jax.jit(functools.partial(fn, **dict(statics)) if statics else fn)
        _forward_cache[key] = f
    return f


_DIFF_DTYPES: dict = {}


def _is_diff_dtype(dt) -> bool:
    # Cached: jnp.issubdtype costs ~2 us, paid several times per recorded op.
    r = _DIFF_DTYPES.get(dt)
    if r is None:
        r = _DIFF_DTYPES[dt] = bool(jnp.issubdtype(dt, jnp.inexact))
    return r


def _conj(x):
    # torch's complex gradients are the conjugates of JAX's cotangents; the VJP is R-linear, so
    # conjugating cotangents in and gradients out gives torch's convention.
    return jnp.conj(x) if jnp.iscomplexobj(x) else x


def vjp_fn(fn, statics: tuple, diff_pos: tuple, n_args: int, float_outs: tuple):
    """A pure function ``(*args, *cotangents) -> grads of args[diff_pos]`` for op ``fn``; cached."""
    key = (fn, statics, diff_pos, n_args, float_outs)
    g = _vjp_cache.get(key)
    if g is None:
        kw = dict(statics)
        multi = float_outs is not None

        def vjp(*flat):
            args, cts = list(flat[:n_args]), [_conj(c) for c in flat[n_args:]]

            def f(*diff):
                for p, d in zip(diff_pos, diff):
                    args[p] = d
                out = fn(*args, **kw)
                if multi:
                    return tuple(o for o, fl in zip(out, float_outs) if fl)
                return out

            _, pullback = jax.vjp(f, *[args[p] for p in diff_pos])
            return tuple(_conj(g) for g in pullback(tuple(cts) if multi else cts[0]))

        vjp.__name__ = f"vjp_{getattr(fn, '__name__', 'op')}"
        g = vjp
        _vjp_cache[key] = g
    return g


def _backward(node, grads, create_graph):
    fn, statics, diff_pos, args, float_outs = node._saved
    g = vjp_fn(fn, statics, diff_pos, len(args), float_outs)
    if float_outs is not None:
        grads = [gr for gr, fl in zip(grads, float_outs) if fl]
    if create_graph:
        # Differentiable backward: rebuild the inputs as tensors on their original edges and
        # run the VJP as an op, so it is recorded like any other.
        args = list(args)
        for p, (edge_node, nr) in zip(diff_pos, node.edges):
            t = Tensor._wrap(args[p])
            t._node, t._out_nr = edge_node, nr
            args[p] = t
        out = apply(node._name, g, [*args, *grads])
        return list(out) if isinstance(out, tuple) else [out]
    return list(forward_fn(g, ())(*args, *grads))


def apply(name: str, fn, args, statics: tuple = ()):
    """Run op ``fn`` on ``args`` (Tensors, numbers, None); record it on the tape if needed.

    Returns a Tensor, or a tuple of Tensors when ``fn`` returns a tuple.
    """
    arrays = []
    needs_grad = False
    for a in args:
        if isinstance(a, Tensor):
            arrays.append(a._data)
            if a.requires_grad:
                needs_grad = True
        else:
            arrays.append(a)
    try:
        out = forward_fn(fn, statics)(*arrays)
    except (TypeError, ValueError) as e:  # JAX's broadcasting TypeError/ValueError -> torch's RuntimeError
        err = _broadcast_error(arrays) if "incompatible shapes for broadcasting" in str(e).lower() else None
        if err is None:
            raise
        raise err from None
    if not (needs_grad and is_grad_enabled()):
        if isinstance(out, tuple):
            return tuple(Tensor._wrap(o) for o in out)
        return Tensor._wrap(out)
    return _record(name, fn, statics, args, arrays, out)


def _broadcast_error(arrays) -> RuntimeError | None:
    """torch's error for the first pair of argument shapes that do not broadcast (ATen's infer_size, which
    checks dimensions from the last), or None when the arguments themselves broadcast."""
    out: tuple = ()
    for a in arrays:
        s = tuple(getattr(a, "shape", ()))
        n = max(len(out), len(s))
        for i in range(n - 1, -1, -1):
            k = n - 1 - i
            da = out[-1 - k] if k < len(out) else 1
            db = s[-1 - k] if k < len(s) else 1
            if da != db and da != 1 and db != 1:
                return RuntimeError(
                    f"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}"
                )
        out = np.broadcast_shapes(out, s)
    return None


def _record(name, fn, statics, args, arrays, out):
    diff_pos, edges = [], []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.requires_grad and _is_diff_dtype(arrays[i].dtype):
            diff_pos.append(i)
            edges.append(a._grad_edge())
    multi = isinstance(out, tuple)
    outs = out if multi else (out,)
    float_outs = tuple(_is_diff_dtype(o.dtype) for o in outs) if multi else None
    if not diff_pos or not any(_is_diff_dtype(o.dtype) for o in outs):
        return tuple(Tensor._wrap(o) for o in outs) if multi else Tensor._wrap(out)
    node = Node(
        name, edges, (fn, statics, tuple(diff_pos), arrays, float_outs), _backward, [(o.shape, o.dtype) for o in outs]
    )
    results = []
    for k, o in enumerate(outs):
        t = Tensor._wrap(o)
        if _is_diff_dtype(o.dtype):
            t._node = node
            t._out_nr = k
        results.append(t)
    return tuple(results) if multi else results[0]
