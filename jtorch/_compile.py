"""jtorch.compile: run a PyTorch-style function (a whole training step) as one XLA program.

How it works (DESIGN.md, mechanism 6):
1. *Find the state.* The function's arguments, closure cells and the globals its code names are
   walked for tensors (parameters, buffers, grads, optimizer state, any tensor it can reach),
   random generators and optimizer param groups. This is cached per function and argument ids.
2. *Lift it.* A pure function takes every state array (and each group's ``lr``) as input, installs
   tracers into the very same Python objects, runs the user's function unchanged -- the autograd
   tape and the optimizer run on tracers -- reads the arrays back out and restores the objects.
   It is traced once per signature (shapes, dtypes, which grads exist, training flags, grad mode,
   Python-valued arguments); the trace tells which state cells the step replaces. The jaxpr is then
   ``jax.jit``-compiled with exactly those cells' old arrays donated (state it only reads is passed
   undonated, state it never reads is not passed), so a per-call signature check, a list of arrays
   in and a list out are all that remain per step.
3. *Write back.* Results go into the same tensors (their ``_arr``), so the model, the optimizer
   and the user's references see the update, as after an eager step.

A function whose result requires grad and that runs no backward itself (``jtorch.compile(module)``)
becomes one autograd op instead: the compiled forward, and a ``CompiledFunctionBackward`` node whose
backward reruns the trace and differentiates it with jtorch's own tape inside one jitted program.

The first call runs eagerly: optimizers create their state lazily, so the steady-state structure
is known from the second call on and the step compiles once. Code that cannot be traced
(``.item()``, printing a value, data-dependent Python branches) falls back to eager execution with
one warning naming the cause, as ``torch.compile`` breaks graphs; ``fullgraph=True`` raises instead.
``JTORCH_LOGS=recompiles`` prints why each recompilation happened.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import os
import sys
import types
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import Var, jaxpr_as_fun

from jtorch._tensor import Tensor
from jtorch.autograd.function import Function
from jtorch.autograd.grad_mode import enable_grad, is_grad_enabled
from jtorch.random import Generator

__all__ = ["compile", "CompiledFunction"]

_TRACE_ERRORS = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerBoolConversionError,
    jax.errors.TracerIntegerConversionError,
    jax.errors.TracerArrayConversionError,
)


class _Unsupported(Exception):
    """The function does something a compiled step cannot hold (e.g. creates new state every call)."""


def _log_recompiles() -> bool:
    return "recompiles" in os.environ.get("JTORCH_LOGS", "").split(",")


# --- state discovery ------------------------------------------------------------------------------


class _State:
    """What a function can reach: root tensors, generators, optimizer param groups, modules."""

    def __init__(self):
        self.tensors: dict[int, Tensor] = {}
        self.generators: dict[int, Generator] = {}
        self.groups: list[dict] = []
        self.modules: list = []


def _skip(obj) -> bool:
    from jtorch.utils.data import DataLoader, Dataset

    return isinstance(
        obj, (type, types.ModuleType, Dataset, DataLoader, str, bytes, int, float, complex, bool, np.ndarray)
    )


def _walk(obj, state: _State, seen: set, depth: int = 0) -> None:
    if obj is None or id(obj) in seen or depth > 12 or _skip(obj):
        return
    seen.add(id(obj))
    if isinstance(obj, Tensor):
        root = obj._base if obj._base is not None else obj
        state.tensors.setdefault(id(root), root)  # its grad is a cell of its own (_Lifted)
        return
    if isinstance(obj, Generator):
        state.generators[id(obj)] = obj
        return
    from jtorch.nn import Module
    from jtorch.optim import Optimizer

    if isinstance(obj, Optimizer):
        state.groups.extend(obj.param_groups)
    if isinstance(obj, Module):
        # a module tree is walked at the depth of its root, however deeply it nests
        state.modules.append(obj)
        for table in ("_parameters", "_buffers", "_modules"):
            for v in obj.__dict__.get(table, {}).values():
                _walk(v, state, seen, depth)
        for k, v in vars(obj).items():
            if k not in ("_parameters", "_buffers", "_modules"):
                _walk(v, state, seen, depth + 1)
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            _walk(k, state, seen, depth + 1)
            _walk(v, state, seen, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            _walk(v, state, seen, depth + 1)
    elif isinstance(obj, (types.FunctionType, types.MethodType)):
        _walk_function(obj, state, seen, depth + 1)
    elif isinstance(obj, functools.partial):
        _walk(obj.func, state, seen, depth + 1)
        _walk(obj.args, state, seen, depth + 1)
        _walk(obj.keywords, state, seen, depth + 1)
    elif hasattr(obj, "__dict__"):
        _walk(vars(obj), state, seen, depth + 1)


def _code_names(code) -> set:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _code_names(c)
    return names


def _walk_function(fn, state: _State, seen: set, depth: int) -> None:
    if isinstance(fn, types.MethodType):
        _walk(fn.__self__, state, seen, depth)
        fn = fn.__func__
    if not isinstance(fn, types.FunctionType) or fn.__module__ and fn.__module__.startswith("jtorch."):
        return
    for cell in fn.__closure__ or ():
        try:
            _walk(cell.cell_contents, state, seen, depth)
        except ValueError:  # empty cell
            pass
    g = fn.__globals__
    for name in _code_names(fn.__code__):
        if name in g:
            _walk(g[name], state, seen, depth)


def _discover(fn, objects) -> _State:
    """Walk ``fn`` (closure, globals) and the non-tensor objects among its arguments."""
    from jtorch.random import default_generator

    state = _State()
    seen: set = set()
    _walk_function(fn, state, seen, 0)
    _walk(objects, state, seen, 0)
    state.generators[id(default_generator)] = default_generator
    return state


# --- lifting ------------------------------------------------------------------------------------


_ARR = operator.attrgetter("_arr")
_GRAD = operator.attrgetter("_grad")  # the leaf's grad without the property's non-leaf check
_TRAINING = operator.attrgetter("training")
_NONES = itertools.repeat(None)


class _Lifted:
    """The state cells of one function, read and written as one flat list of arrays: root tensors,
    then the grads that exist, then generator keys. Each param group's ``lr`` is a separate input.

    ``last``/``last_shapes`` make the per-call signature cheap: when the arrays read are the very
    objects the previous compiled call left, their shapes and dtypes are known without asking.
    """

    def __init__(self, state: _State):
        self.tensors = list(state.tensors.values())
        self.grad_owners = [t for t in self.tensors if t.requires_grad and t.is_leaf]
        self.generators = list(state.generators.values())
        self.groups = [
            g for g in state.groups if isinstance(g.get("lr"), (int, float)) and not isinstance(g.get("lr"), bool)
        ]
        self.modules = state.modules
        self.entries: dict = {}
        self.last: list | None = None
        self.last_shapes: tuple | None = None
        self.last_small: tuple | None = None
        self.last_entry: _Entry | None = None
        self._lr_cache: list = [(None, None)] * len(self.groups)

    def read(self) -> tuple[list, tuple]:
        """The current arrays (roots' ``_arr``, existing grads, generator keys) and which grads exist."""
        vals = list(map(_ARR, self.tensors))  # map/attrgetter: this runs every call
        grads = list(map(_GRAD, self.grad_owners))
        mask = tuple(map(operator.is_not, grads, _NONES))
        vals += [g._data for g in grads if g is not None]
        for g in self.generators:
            k = g._key
            vals.append(k if k is not None else g._get_key())
        return vals, mask

    def lr_arrays(self) -> list:
        """Each group's lr as a float64 device array, reused while the value is unchanged (a Python
        float would be transferred on every call)."""
        out = []
        for i, g in enumerate(self.groups):
            lr = g["lr"]
            cached = self._lr_cache[i]
            if cached[0] != lr or type(cached[0]) is not type(lr):
                cached = self._lr_cache[i] = (lr, jax.device_put(np.float64(lr)))
            out.append(cached[1])
        return out

    def shapes(self, vals: list) -> tuple:
        if self.last is not None and len(vals) == len(self.last) and all(map(operator.is_, vals, self.last)):
            return self.last_shapes
        return tuple((a.shape, a.dtype) for a in vals)

    def flags(self) -> tuple:
        return tuple(map(_TRAINING, self.modules))

    def cells(self, mask: tuple) -> list:
        """A name per entry of ``read()``'s list: ("t", i), ("g", j) or ("k", m)."""
        out = [("t", i) for i in range(len(self.tensors))]
        out += [("g", j) for j, has in enumerate(mask) if has]
        out += [("k", m) for m in range(len(self.generators))]
        return out

    def install(self, vals: list, mask: tuple, lrs: list) -> None:
        it = iter(vals)
        for t in self.tensors:
            t._arr = next(it)
            t._version += 1
        for t, has in zip(self.grad_owners, mask):
            t.grad = Tensor._wrap(next(it)) if has else None
        for g in self.generators:
            g._key = next(it)
        for grp, lr in zip(self.groups, lrs):
            grp["lr"] = lr

    def write(self, cell, arr) -> None:
        kind, i = cell[0], cell[1]
        if kind == "t":
            t = self.tensors[i]
            t._arr = arr
            t._version += 1
        elif kind == "g":
            t = self.grad_owners[i]
            if t.grad is not None and t.grad._base is None:
                t.grad._arr = arr
                t.grad._version += 1
            else:
                t.grad = Tensor._wrap(arr)
        else:
            self.generators[i]._key = arr


def _split_args(args, kwargs):
    """Tensor leaves of the arguments become inputs; everything else is static (part of the signature)."""
    if not args and not kwargs:
        return [], [], None, ()
    if not kwargs and all(type(a) is Tensor for a in args):  # the common step(x, y): skip the pytree walk
        arrays = [a._data for a in args]
        static = tuple(("T", x.shape, x.dtype, a.requires_grad) for a, x in zip(args, arrays))
        return arrays, list(args), None, static
    leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
    arrays, static = [], []
    for leaf in leaves:
        if isinstance(leaf, Tensor):
            arrays.append(leaf._data)
            static.append(("T", leaf._data.shape, leaf._data.dtype, leaf.requires_grad))
        else:
            static.append(("V", leaf if _hashable(leaf) else id(leaf)))
    return arrays, leaves, treedef, tuple(static)


def _may_hold_state(x) -> bool:
    if isinstance(x, Tensor) or _skip(x):
        return False
    return not _hashable(x) or hasattr(x, "__dict__")


def _hashable(x) -> bool:
    try:
        hash(x)
        return True
    except TypeError:
        return False


class _Entry:
    """One compiled signature: which state cells the step replaces (their old arrays are donated),
    which lrs it changes, and how to rebuild its return value (tensor leaves come from the program,
    other leaves are the Python values seen while tracing)."""

    jitted: Callable
    donate_idx: tuple  # positions in read()'s list whose arrays are replaced, hence donated
    keep_idx: tuple
    out_cells: list  # cells written from the program's outputs, in output order
    mask_out: tuple  # which grads exist after the step
    dropped: list  # grad owners whose grad the step set to None
    lr_changed: tuple  # indices of groups whose lr the step changed
    leaves: list  # the return value's leaves: None where a tensor goes, else the traced Python value
    treedef: Any


_DONATED_REFS = 4  # references to a donated array in __call__: its tensor, vals, donated, getrefcount's


class CompiledFunction:
    """What ``jtorch.compile(fn)`` returns: call it like ``fn``."""

    def __init__(self, fn: Callable, fullgraph: bool = False, dynamic=None, mode=None, backend=None, options=None):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._fullgraph = fullgraph
        self._last_sig = None
        self._calls = 0
        self._eager_reason: str | None = None
        self._discovery: dict = {}
        self.compile_count = 0
        self._donation_copies = 0  # state arrays copied because something else shared them

    def _where(self) -> str:
        code = getattr(self._fn, "__code__", None) or getattr(getattr(self._fn, "__func__", None), "__code__", None)
        return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(self._fn)

    def __call__(self, *args, **kwargs):
        self._calls += 1
        if self._eager_reason is not None or self._calls == 1:
            return self._fn(*args, **kwargs)
        arg_arrays, arg_leaves, arg_tree, arg_sig = _split_args(args, kwargs)
        if arg_tree is None:  # only tensors: no objects to walk
            key = objects = ()
        else:
            # objects that can hold state: containers, and instances with attributes (a model or an
            # optimizer passed as an argument); plain values and Python modules are only signature
            objects = [x for x in arg_leaves if _may_hold_state(x)]
            key = tuple(id(x) for x in objects)
        state = self._discovery.get(key)
        if state is None:
            state = self._discovery[key] = _Lifted(_discover(self._fn, objects))
        vals, mask = state.read()
        lrs = state.lr_arrays()
        shapes = state.shapes(vals)
        small = (mask, state.flags(), is_grad_enabled(), arg_sig)
        state.last = None  # drop our extra references before the donation check below
        if shapes is state.last_shapes and small == state.last_small:
            entry = state.last_entry  # same signature as the previous call: skip hashing it
        else:
            sig = (shapes, *small)
            entry = state.entries.get(sig)
            if entry is None:
                try:
                    entry = self._build(state, vals, mask, lrs, arg_arrays, arg_leaves, arg_tree, sig)
                except _TRACE_ERRORS + (_Unsupported, NotImplementedError) as e:
                    return self._fall_back(e, args, kwargs)
            state.last_small, state.last_entry = small, entry
        if entry.diff:
            return self._call_diff(entry, state, vals, lrs, arg_arrays, arg_leaves)
        donated = [vals[i] for i in entry.donate_idx]
        for k in range(len(donated)):
            # Donation frees the old buffer: copy one that something else still holds (a tensor
            # sharing the array, a second state cell) so that holder stays valid.
            if sys.getrefcount(donated[k]) > _DONATED_REFS:
                donated[k] = donated[k].copy()
                self._donation_copies += 1
        kept = [vals[i] for i in entry.keep_idx]
        outs = entry.jitted(donated, kept, lrs, arg_arrays)
        it = iter(outs)
        same_layout = entry.mask_out == mask
        tensors = state.tensors
        for cell in entry.out_cells:
            arr = next(it)
            if cell[0] == "t":  # inlined state.write for the common case
                t = tensors[cell[1]]
                t._arr = arr
                t._version += 1
            else:
                state.write(cell, arr)
            if same_layout:
                vals[cell[2]] = arr
        for j in entry.dropped:
            state.grad_owners[j].grad = None
        for i in entry.lr_changed:
            state.groups[i]["lr"] = float(next(it))
        if same_layout:  # next call: these exact arrays mean unchanged shapes (see _Lifted.shapes)
            state.last, state.last_shapes = vals, shapes
        else:
            state.last_shapes = None
        if entry.treedef is None:  # a lone tensor
            return Tensor._wrap(next(it))
        leaves = [Tensor._wrap(next(it)) if leaf is _TENSOR else leaf for leaf in entry.leaves]
        return jax.tree_util.tree_unflatten(entry.treedef, leaves)

    def _fall_back(self, err, args, kwargs):
        if self._fullgraph:
            raise RuntimeError(
                f"jtorch.compile(fullgraph=True): {self._fn.__qualname__} at {self._where()} cannot be traced: {err}"
            ) from err
        self._eager_reason = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        warnings.warn(
            f"jtorch.compile: {getattr(self._fn, '__qualname__', self._fn)} ({self._where()}) runs eagerly: it cannot be "
            f"traced into one XLA program ({self._eager_reason})",
            UserWarning,
            stacklevel=3,
        )
        return self._fn(*args, **kwargs)

    def _build(self, state: _Lifted, vals, mask, lrs, arg_arrays, arg_leaves, arg_tree, sig) -> _Entry:
        """Trace the step once (on tracers installed in the real objects), find which state cells it
        replaces, and jit the traced program with exactly those cells' old arrays donated.

        A function whose result requires grad and that runs no backward itself (a compiled
        module's forward) becomes one differentiable op instead (``_CompiledForward``)."""
        if _log_recompiles() and self._last_sig is not None:
            print(
                f"jtorch.compile: recompiling {getattr(self._fn, '__qualname__', self._fn)} ({self._where()}): "
                f"{_diff(self._last_sig, sig)}",
                file=sys.stderr,
            )
        entry = _Entry()
        in_cells = state.cells(mask)

        def run(vals_in, lrs_in, args_in):
            with _installed(state, vals_in, mask, lrs_in):
                out, _ = _call_traced(self._fn, args_in, arg_leaves, arg_tree)
                new, mask_out = state.read()
                out_cells = state.cells(mask_out)
                before = dict(zip(in_cells, vals_in))
                changed = [(c, x) for c, x in zip(out_cells, new) if before.get(c) is not x]
                entry.mask_out = mask_out
                entry.dropped = [j for j, (a, b) in enumerate(zip(mask, mask_out)) if a and not b]
                pos = {c: k for k, c in enumerate(in_cells)}
                entry.out_cells = [(c[0], c[1], pos.get(c, -1)) for c, _ in changed]
                replaced = {c for c, _ in changed}  # a grad set to None is not donated: its holder may keep it
                entry.donate_idx = tuple(k for k, c in enumerate(in_cells) if c in replaced)
                lrs_now = [g["lr"] for g in state.groups]
                entry.lr_changed = tuple(i for i, (a, b) in enumerate(zip(lrs_in, lrs_now)) if a is not b)
                entry.treedef, entry.leaves, tensor_outs = _flatten_result(out)
                touched_grads = mask_out != mask or any(c[0] == "g" for c, _ in changed)
                entry.grad_outs = tuple(k for k, t in enumerate(tensor_outs) if t.requires_grad)
                entry.diff = is_grad_enabled() and not touched_grads and bool(entry.grad_outs)
                lr_outs = [jnp.asarray(lrs_now[i], jnp.float64) for i in entry.lr_changed]
                return [x for _, x in changed] + lr_outs + [t._data for t in tensor_outs]

        traced = jax.jit(run).trace(vals, lrs, arg_arrays)
        program = jaxpr_as_fun(traced.jaxpr)
        # State the program never reads (grads a zero_grad() discards, an unused RNG key) is not
        # passed at all: each argument costs dispatch time, and XLA would drop it anyway.
        jaxpr = traced.jaxpr.jaxpr
        used = {v for e in jaxpr.eqns for v in e.invars if isinstance(v, Var)}
        used |= {v for v in jaxpr.outvars if isinstance(v, Var)}
        read = [v in used for v in jaxpr.invars[: len(vals)]]
        if entry.diff:
            entry.donate_idx = ()  # the backward recomputes from the same inputs
        entry.donate_idx = tuple(k for k in entry.donate_idx if read[k])
        entry.keep_idx = tuple(k for k in range(len(in_cells)) if read[k] and k not in entry.donate_idx)
        n = len(vals)
        donate_idx, keep_idx = entry.donate_idx, entry.keep_idx

        def step(donated, kept, lrs_in, args_in):
            flat = [None] * n
            for i, a in zip(donate_idx, donated):
                flat[i] = a
            for i, a in zip(keep_idx, kept):
                flat[i] = a
            return program(*flat, *lrs_in, *args_in)

        entry.jitted = jax.jit(step, donate_argnums=(0,))
        if entry.diff:
            entry.diff_state = tuple(i for i, t in enumerate(state.tensors) if t.requires_grad and t.is_leaf)
            entry.diff_args = tuple(
                k for k, leaf in enumerate(a for a in arg_leaves if isinstance(a, Tensor)) if leaf.requires_grad
            )
            entry.backward = jax.jit(self._backward_fn(state, mask, arg_leaves, arg_tree, entry))
        state.entries[sig] = entry
        self._last_sig = sig
        self.compile_count += 1
        return entry

    def _backward_fn(self, state: _Lifted, mask, arg_leaves, arg_tree, entry: _Entry):
        """The gradient of a compiled forward: rerun it on tracers and let jtorch's own autograd
        (the tape: detach, no_grad, custom Functions) differentiate it, all inside one program."""
        from jtorch.autograd import grad as autograd_grad

        def backward(vals_in, lrs_in, args_in, cotangents):
            with _installed(state, vals_in, mask, lrs_in), enable_grad():
                out, arg_tensors = _call_traced(self._fn, args_in, arg_leaves, arg_tree)
                _, _, tensor_outs = _flatten_result(out)
                outs = [tensor_outs[k] for k in entry.grad_outs]
                inputs = [state.tensors[i] for i in entry.diff_state] + [arg_tensors[k] for k in entry.diff_args]
                grads = autograd_grad(
                    outs, inputs, grad_outputs=[Tensor._wrap(c) for c in cotangents], allow_unused=True
                )
                return [jnp.zeros_like(x._data) if g is None else g._data for g, x in zip(grads, inputs)]

        return backward

    def _call_diff(self, entry: _Entry, state: _Lifted, vals, lrs, arg_arrays, arg_leaves):
        arg_tensors = [a for a in arg_leaves if isinstance(a, Tensor)]
        diff = [state.tensors[i] for i in entry.diff_state] + [arg_tensors[k] for k in entry.diff_args]
        kept = [vals[i] for i in entry.keep_idx]
        outs = _CompiledForward.apply(entry, (kept, lrs, arg_arrays, vals), *diff)
        it = iter(outs)
        for cell in entry.out_cells:
            state.write(cell, next(it)._data)
        for i in entry.lr_changed:
            state.groups[i]["lr"] = float(next(it).item())
        leaves = [next(it) if leaf is _TENSOR else leaf for leaf in entry.leaves]
        if entry.treedef is None:
            return leaves[0]
        return jax.tree_util.tree_unflatten(entry.treedef, leaves)


class _CompiledForward(Function):
    """A compiled forward as one autograd op: its result's grad_fn runs the traced backward."""

    @staticmethod
    def forward(ctx, entry, inputs, *diff):
        kept, lrs, arg_arrays, vals = inputs
        outs = entry.jitted([], kept, lrs, arg_arrays)
        ctx.entry, ctx.inputs = entry, (vals, lrs, arg_arrays)
        results = tuple(Tensor._wrap(o) for o in outs)
        ctx.n_state = len(entry.out_cells) + len(entry.lr_changed)  # state and lr results come first
        tensor_results = results[ctx.n_state :]
        ctx.mark_non_differentiable(*results[: ctx.n_state])
        ctx.mark_non_differentiable(*(t for k, t in enumerate(tensor_results) if k not in entry.grad_outs))
        return results

    @staticmethod
    def backward(ctx, *grads):
        entry = ctx.entry
        cts = [grads[ctx.n_state + k] for k in entry.grad_outs]
        vals, lrs, arg_arrays = ctx.inputs
        res = entry.backward(vals, lrs, arg_arrays, [c._data for c in cts])
        return (None, None, *(Tensor._wrap(g) for g in res))


_CompiledForward._backward_name = "CompiledFunctionBackward"  # torch.compile's grad_fn name


def _flatten_result(out):
    """(treedef or None for a lone tensor, leaves with _TENSOR for tensors, the tensors)."""
    flat, treedef = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
    leaves, tensors = [], []
    for leaf in flat:
        if isinstance(leaf, Tensor):
            leaves.append(_TENSOR)
            tensors.append(leaf)
        elif isinstance(leaf, jax.core.Tracer):
            raise _Unsupported("returns a traced value that is not a tensor")
        else:
            leaves.append(leaf)
    return (None if isinstance(out, Tensor) else treedef), leaves, tensors


def _call_traced(fn, args_in, arg_leaves, arg_tree):
    """Call ``fn`` on the traced argument arrays, rebuilt as the original arguments' structure."""
    it = iter(args_in)
    leaves, tensors = [], []
    for leaf in arg_leaves:
        if isinstance(leaf, Tensor):
            t = Tensor._wrap(next(it))
            if leaf.requires_grad:
                t.requires_grad_(True)
            leaves.append(t)
            tensors.append(t)
        else:
            leaves.append(leaf)
    if arg_tree is None:
        return fn(*leaves), tensors
    a, kw = jax.tree_util.tree_unflatten(arg_tree, leaves)
    return fn(*a, **kw), tensors


@contextlib.contextmanager
def _installed(state: _Lifted, vals, mask, lrs):
    """Put traced arrays into the real objects for the duration of a trace, then restore them."""
    originals, mask_orig = state.read()
    grads_orig = [t.grad for t in state.grad_owners]
    lrs_orig = [g["lr"] for g in state.groups]
    state.install(vals, mask, lrs)
    try:
        yield
    finally:
        state.install(originals, mask_orig, lrs_orig)
        for t, g in zip(state.grad_owners, grads_orig):
            t.grad = g


_TENSOR = object()  # marks a tensor leaf of the return value


def _diff(old, new) -> str:
    names = ["state tensor shapes/dtypes", "which grads exist", "module training flags", "grad mode", "arguments"]
    for name, a, b in zip(names, old, new):
        if a != b:
            if name == "arguments":
                for i, (x, y) in enumerate(zip(a, b)):
                    if x != y:
                        return f"argument leaf {i} changed: {x} -> {y}"
                return f"number of argument leaves changed: {len(a)} -> {len(b)}"
            if name == "state tensor shapes/dtypes" and len(a) == len(b):
                for i, (x, y) in enumerate(zip(a, b)):
                    if x != y:
                        return f"state tensor {i} changed: shape/dtype {x} -> {y}"
            return f"{name} changed: {a} -> {b}"
    return "new call site"


class OptimizedModule:
    """``jtorch.compile(module)``: calls run the module's forward as a compiled function; the
    parameters and everything else are the original module's."""

    def __init__(self, mod, **options):
        object.__setattr__(self, "_orig_mod", mod)
        object.__setattr__(self, "_compiled_call", CompiledFunction(mod.__call__, **options))

    def __call__(self, *args, **kwargs):
        return self._compiled_call(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._orig_mod, name)

    def __setattr__(self, name, value):
        setattr(self._orig_mod, name, value)

    def __repr__(self) -> str:
        return "OptimizedModule(\n  (_orig_mod): " + repr(self._orig_mod).replace("\n", "\n  ") + "\n)"


def compile(
    model=None,
    *,
    fullgraph: bool = False,
    dynamic=None,
    backend="inductor",
    mode=None,
    options=None,
    disable: bool = False,
) -> Any:
    """torch.compile's signature: compile a function or a module; usable as a decorator."""
    if model is None:
        return lambda m: compile(
            m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options, disable=disable
        )
    if disable:
        return model
    from jtorch.nn import Module

    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode, options=options)
    if not callable(model):
        raise RuntimeError("compile() expected a callable")
    return CompiledFunction(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode, options=options)
