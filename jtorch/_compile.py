"""jtorch.compile: run a PyTorch-style function (a whole training step) as one XLA program.

How it works (DESIGN.md, mechanism 6):
1. *Find the state.* The function's arguments, closure cells and the globals its code names are
   walked for tensors (parameters, buffers, grads, optimizer state, any tensor it can reach),
   random generators and optimizer param groups. This is cached per function and argument ids.
2. *Lift it.* A pure function takes every state array (and each group's ``lr``) as input, installs
   tracers into the very same Python objects, runs the user's function unchanged -- the autograd
   tape and the optimizer run on tracers -- reads the arrays back out and restores the objects.
   That function is ``jax.jit``-compiled once per signature (shapes, dtypes, which grads exist,
   training flags, Python-valued arguments), with the state it updates donated.
3. *Write back.* Results go into the same tensors (their ``_arr``), so the model, the optimizer
   and the user's references see the update, as after an eager step.

The first call runs eagerly: optimizers create their state lazily, so the steady-state structure
is known from the second call on and the step compiles once. Code that cannot be traced
(``.item()``, printing a value, data-dependent Python branches) falls back to eager execution with
one warning naming the cause, as ``torch.compile`` breaks graphs; ``fullgraph=True`` raises instead.
``JTORCH_LOGS=recompiles`` prints why each recompilation happened.
"""

from __future__ import annotations

import functools
import os
import sys
import types
import warnings
from typing import Any, Callable

import jax
import numpy as np

from jtorch._tensor import Tensor
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

    return isinstance(obj, (type, types.ModuleType, Dataset, DataLoader, str, bytes, int, float, complex, bool, np.ndarray))


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
        state.modules.append(obj)
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


def _grad_array(t: Tensor):
    return None if t.grad is None else t.grad._data


class _Lifted:
    """The state cells of one function, read and written as one flat list of arrays:
    root tensors, then the grads that exist, then generator keys, then each group's ``lr``."""

    def __init__(self, state: _State):
        self.tensors = list(state.tensors.values())
        self.grad_owners = [t for t in self.tensors if t.requires_grad and t.is_leaf]
        self.generators = list(state.generators.values())
        for g in self.generators:
            g._get_key()
        self.groups = [g for g in state.groups if isinstance(g.get("lr"), (int, float)) and not isinstance(g.get("lr"), bool)]
        self.modules = state.modules

    def read(self) -> list:
        out = [t._data for t in self.tensors]
        out += [t.grad._data for t in self.grad_owners if t.grad is not None]
        out += [g._key for g in self.generators]
        out += [float(g["lr"]) for g in self.groups]
        return out

    def grad_mask(self) -> tuple:
        return tuple(t.grad is not None for t in self.grad_owners)

    def signature(self, values: list, args_sig) -> tuple:
        n = len(self.tensors)
        return (
            tuple((a.shape, a.dtype) for a in values[:n]),
            self.grad_mask(),
            tuple(bool(getattr(m, "training", False)) for m in self.modules),
            args_sig,
        )

    def install(self, values: list, mask: tuple) -> None:
        it = iter(values)
        for t in self.tensors:
            t._arr = next(it)
            t._version += 1
        for t, has in zip(self.grad_owners, mask):
            t.grad = Tensor._wrap(next(it)) if has else None
        for g in self.generators:
            g._key = next(it)
        for grp in self.groups:
            grp["lr"] = next(it)

    def read_traced(self, lr_in: list) -> tuple[list, tuple, list]:
        """Inside a trace: the new state, which grads exist now, and each lr if the step changed it."""
        out = [t._data for t in self.tensors]
        mask = self.grad_mask()
        out += [t.grad._data for t in self.grad_owners if t.grad is not None]
        out += [g._key for g in self.generators]
        lrs = [None if g["lr"] is lr else g["lr"] for g, lr in zip(self.groups, lr_in)]
        return out, mask, lrs

    def write_back(self, values: list, mask: tuple, lrs: list) -> None:
        it = iter(values)
        for t in self.tensors:
            t._arr = next(it)
            t._version += 1
        for t, has in zip(self.grad_owners, mask):
            if not has:
                t.grad = None
                continue
            a = next(it)
            if t.grad is not None and t.grad._base is None:
                t.grad._arr = a
                t.grad._version += 1
            else:
                t.grad = Tensor._wrap(a)
        for g in self.generators:
            g._key = next(it)
        for grp, lr in zip(self.groups, lrs):
            if lr is not None:  # the step changed lr (a scheduler inside it)
                grp["lr"] = float(lr)


def _unique_buffers(values: list) -> list:
    """Donation needs each buffer once: copy any array that two state cells share (e.g. a
    momentum buffer initialised as the gradient itself)."""
    seen = set()
    for k, x in enumerate(values):
        if id(x) in seen:
            values[k] = x.copy()
        seen.add(id(x))
    return values


def _split_args(args, kwargs):
    """Tensor leaves of the arguments become inputs; everything else is static (part of the signature)."""
    leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
    arrays, static = [], []
    for leaf in leaves:
        if isinstance(leaf, Tensor):
            arrays.append(leaf._data)
            static.append(("T", leaf._data.shape, leaf._data.dtype, leaf.requires_grad))
        else:
            static.append(("V", leaf if _hashable(leaf) else id(leaf)))
    return arrays, leaves, treedef, tuple(static)


def _hashable(x) -> bool:
    try:
        hash(x)
        return True
    except TypeError:
        return False


def _to_arrays(out):
    leaves, treedef = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
    arrays = []
    kinds = []
    for leaf in leaves:
        if isinstance(leaf, Tensor):
            arrays.append(leaf._data)
            kinds.append(True)
        else:
            arrays.append(leaf)
            kinds.append(False)
    return arrays, kinds, treedef


class _Entry:
    """One compiled signature: the jitted pure step and how to unpack its results."""

    def __init__(self, jitted, out_meta):
        self.jitted = jitted
        self.out_meta = out_meta  # [kinds, treedef] filled at first trace


class CompiledFunction:
    """What ``jtorch.compile(fn)`` returns: call it like ``fn``."""

    def __init__(self, fn: Callable, fullgraph: bool = False, dynamic=None, mode=None, backend=None, options=None):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._fullgraph = fullgraph
        self._entries: dict = {}
        self._last_sig = None
        self._calls = 0
        self._eager_reason: str | None = None
        self._discovery: dict = {}
        self.compile_count = 0

    def _where(self) -> str:
        code = getattr(self._fn, "__code__", None) or getattr(getattr(self._fn, "__func__", None), "__code__", None)
        return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(self._fn)

    def __call__(self, *args, **kwargs):
        self._calls += 1
        if self._eager_reason is not None or self._calls == 1:
            return self._fn(*args, **kwargs)
        arg_arrays, arg_leaves, arg_tree, arg_sig = _split_args(args, kwargs)
        objects = [x for x in arg_leaves if not isinstance(x, Tensor) and not _hashable(x)]
        key = tuple(id(x) for x in objects)
        state = self._discovery.get(key)
        if state is None:
            state = self._discovery[key] = _Lifted(_discover(self._fn, objects))
        before = _unique_buffers(state.read())
        sig = state.signature(before, arg_sig)
        entry = self._entries.get(sig)
        if entry is None:
            entry = self._build(state, arg_leaves, arg_tree, sig)
        fresh = entry.out_meta[0] is None
        try:
            new_state, lrs, outs = entry.jitted(before, arg_arrays)
        except _TRACE_ERRORS + (_Unsupported, NotImplementedError) as e:
            return self._fall_back(e, args, kwargs)
        if fresh:
            self.compile_count += 1
        state.write_back(new_state, entry.out_meta[2], lrs)
        kinds, treedef = entry.out_meta[0], entry.out_meta[1]
        leaves = [Tensor._wrap(o) if k else o for o, k in zip(outs, kinds)]
        return jax.tree_util.tree_unflatten(treedef, leaves)

    def _fall_back(self, err, args, kwargs):
        if self._fullgraph:
            raise RuntimeError(f"jtorch.compile(fullgraph=True): {self._fn.__qualname__} at {self._where()} cannot be traced: {err}") from err
        self._eager_reason = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        warnings.warn(
            f"jtorch.compile: {getattr(self._fn, '__qualname__', self._fn)} ({self._where()}) runs eagerly: it cannot be "
            f"traced into one XLA program ({self._eager_reason})",
            UserWarning,
            stacklevel=3,
        )
        return self._fn(*args, **kwargs)

    def _build(self, state: _Lifted, arg_leaves, arg_tree, sig):
        if _log_recompiles() and self._last_sig is not None:
            print(f"jtorch.compile: recompiling {getattr(self._fn, '__qualname__', self._fn)} ({self._where()}): {_diff(self._last_sig, sig)}", file=sys.stderr)
        self._last_sig = sig
        out_meta = [None, None, None]
        fn = self._fn
        mask_in = sig[1]

        def pure(values, arg_arrays):
            originals = state.read()
            grads_orig = [t.grad for t in state.grad_owners]
            state.install(values, mask_in)
            try:
                it = iter(arg_arrays)
                leaves = []
                for leaf in arg_leaves:
                    if isinstance(leaf, Tensor):
                        t = Tensor._wrap(next(it))
                        if leaf.requires_grad:
                            t.requires_grad_(True)
                        leaves.append(t)
                    else:
                        leaves.append(leaf)
                a, kw = jax.tree_util.tree_unflatten(arg_tree, leaves)
                out = fn(*a, **kw)
                n_lr = len(state.groups)
                new, mask_out, lrs = state.read_traced(values[len(values) - n_lr :] if n_lr else [])
                arrays, kinds, treedef = _to_arrays(out)
                for x, k in zip(arrays, kinds):
                    if not k and isinstance(x, jax.core.Tracer):
                        raise _Unsupported("returns a traced value that is not a tensor")
                out_meta[0], out_meta[1], out_meta[2] = kinds, treedef, mask_out
                return new, lrs, [x if k else None for x, k in zip(arrays, kinds)]
            finally:
                state.install(originals, tuple(g is not None for g in grads_orig))
                for t, g in zip(state.grad_owners, grads_orig):
                    t.grad = g

        jitted = jax.jit(pure, donate_argnums=(0,))
        entry = _Entry(jitted, out_meta)
        self._entries[sig] = entry
        return entry


def _diff(old, new) -> str:
    names = ["state tensor shapes/dtypes", "which grads exist", "module training flags", "generators", "optimizer param groups", "arguments"]
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


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor", mode=None, options=None, disable: bool = False) -> Any:
    """torch.compile's signature: compile a function or a module; usable as a decorator."""
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options, disable=disable)
    if disable:
        return model
    from jtorch.nn import Module

    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode, options=options)
    if not callable(model):
        raise RuntimeError("compile() expected a callable")
    return CompiledFunction(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode, options=options)
