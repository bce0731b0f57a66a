"""torch.nn.Module as a Flax NNX graph node.

The PyTorch side follows torch/nn/modules/module.py: ``_parameters``/``_buffers``/``_modules``
dicts filled by ``__setattr__``, the same registration rules, errors, traversal order, hooks,
``state_dict``/``load_state_dict`` and ``repr``. The Flax side: ``Module`` subclasses
``nnx.Module`` and registers its own graph-node flatten (``_graph_node_flatten`` and friends), whose
children are the module's parameters, buffers and submodules under their PyTorch names, and whose
one static element holds every other attribute. So ``nnx.split(model)`` gives a ``State`` keyed
like ``state_dict()``, and ``nnx.merge``/``nnx.update``/``nnx.jit``/``nnx.grad`` work on jtorch
models. Parameters are ``nnx.Param`` and buffers ``nnx.BatchStat`` (see jtorch/nn/parameter.py).

A Flax NNX module assigned as an attribute becomes a child module: its ``nnx.Param`` values are
turned into jtorch Parameters (so ``parameters()``/``state_dict()``/optimizers see them) and calling
it with jtorch tensors records one tape node (its forward is a pure JAX function of its parameters
and inputs, differentiated by JAX).
"""

from __future__ import annotations

import copy
import functools
import itertools
import warnings
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from flax import nnx
from flax.nnx import graphlib, pytreelib

from jtorch._tensor import Tensor
from jtorch.autograd.grad_mode import no_grad
from jtorch.nn.parameter import _IN_FOREIGN, Buffer, Parameter, _as_buffer
from jtorch.utils.hooks import RemovableHandle

__all__ = [
    "register_module_forward_pre_hook",
    "register_module_forward_hook",
    "register_module_full_backward_pre_hook",
    "register_module_backward_hook",
    "register_module_full_backward_hook",
    "register_module_buffer_registration_hook",
    "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
    "Module",
]

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s_: str, numSpaces: int) -> str:
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [(numSpaces * " ") + line if line.strip() else "" for line in s]
    return first + "\n" + "\n".join(s)


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", "__builtin__") else f"{module}.{name}"


class _WrappedHook:
    def __init__(self, hook: Callable, module: Module | None = None) -> None:
        self.hook = hook
        functools.update_wrapper(self, hook)
        self.with_module = False
        if module is not None:
            self.module = weakref.ref(module)
            self.with_module = True

    def __call__(self, *args, **kwargs):
        if self.with_module:
            module = self.module()
            if module is None:
                raise RuntimeError("You are trying to call the hook of a dead Module!")
            return self.hook(module, *args, **kwargs)
        return self.hook(*args, **kwargs)

    def __getstate__(self) -> dict:
        result = {"hook": self.hook, "with_module": self.with_module}
        if self.with_module:
            result["module"] = self.module()
        return result

    def __setstate__(self, state: dict):
        self.hook = state["hook"]
        self.with_module = state["with_module"]
        if self.with_module:
            if state["module"] is None:
                raise RuntimeError("You are trying to revive the hook of a dead Module!")
            self.module = weakref.ref(state["module"])


# Global hooks (torch.nn.modules.module.register_module_*): run for every module.
_global_buffer_registration_hooks: dict[int, Callable] = OrderedDict()
_global_module_registration_hooks: dict[int, Callable] = OrderedDict()
_global_parameter_registration_hooks: dict[int, Callable] = OrderedDict()
_global_backward_pre_hooks: dict[int, Callable] = OrderedDict()
_global_backward_hooks: dict[int, Callable] = OrderedDict()
_global_is_full_backward_hook: bool | None = None
_global_forward_pre_hooks: dict[int, Callable] = OrderedDict()
_global_forward_hooks: dict[int, Callable] = OrderedDict()
_global_forward_hooks_always_called: dict[int, bool] = OrderedDict()
_global_forward_hooks_with_kwargs: dict[int, bool] = OrderedDict()


def register_module_buffer_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    handle = RemovableHandle(_global_buffer_registration_hooks)
    _global_buffer_registration_hooks[handle.id] = hook
    return handle


def register_module_module_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    handle = RemovableHandle(_global_module_registration_hooks)
    _global_module_registration_hooks[handle.id] = hook
    return handle


def register_module_parameter_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    handle = RemovableHandle(_global_parameter_registration_hooks)
    _global_parameter_registration_hooks[handle.id] = hook
    return handle


def register_module_forward_pre_hook(hook: Callable[..., None]) -> RemovableHandle:
    handle = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[handle.id] = hook
    return handle


def register_module_forward_hook(
    hook: Callable[..., None], *, with_kwargs: bool = False, always_call: bool = False
) -> RemovableHandle:
    handle = RemovableHandle(
        _global_forward_hooks, extra_dict=[_global_forward_hooks_with_kwargs, _global_forward_hooks_always_called]
    )
    _global_forward_hooks[handle.id] = hook
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_backward_hook(hook) -> RemovableHandle:
    raise NotImplementedError(
        "register_module_backward_hook: non-full backward hooks are deprecated in torch and not implemented in "
        "jtorch; use register_module_full_backward_hook"
    )


def register_module_full_backward_pre_hook(hook) -> RemovableHandle:
    handle = RemovableHandle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[handle.id] = hook
    return handle


def register_module_full_backward_hook(hook) -> RemovableHandle:
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is False:
        raise RuntimeError(
            "Cannot use both regular backward hooks and full backward hooks as a global Module hook. "
            "Please use only one of them."
        )
    _global_is_full_backward_hook = True
    handle = RemovableHandle(_global_backward_hooks)
    _global_backward_hooks[handle.id] = hook
    return handle


# --- backward hooks (torch.utils.hooks.BackwardHook): identity nodes around inputs and outputs ------
def _identity_n(*xs):
    return xs


class _BackwardHook:
    """Runs a module's full backward (pre-)hooks from two identity nodes on the tape.

    The node on the module's outputs sees grad_output (backward pre-hooks run there); the node on
    its inputs sees grad_input, where the full backward hooks run, as torch's BackwardHook does.
    """

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = -1
        self.input_tensors_index = None

    @staticmethod
    def _wrap(args, name):
        from jtorch._ops import dispatch

        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not idx or not any(args[i].requires_grad for i in idx):
            return args, idx, None
        outs = dispatch.apply(name, _identity_n, [args[i] for i in idx])
        new = list(args)
        for i, o in zip(idx, outs):
            new[i] = o
        node = next((o.grad_fn for o in outs if o.grad_fn is not None), None)
        return tuple(new), idx, node

    def _pack(self, grads, idx, n):
        full = [None] * n
        for i, g in zip(idx, grads):
            full[i] = g
        return tuple(full)

    def setup_input_hook(self, args):
        if not self.user_hooks:
            return args
        args = tuple(args)
        self.n_inputs = len(args)
        new, idx, node = self._wrap(args, "BackwardHookFunctionBackward")
        self.input_tensors_index = idx
        if node is not None:

            def hook(grads):
                grad_input = self._pack(grads, idx, len(args))
                for user_hook in self.user_hooks:
                    res = user_hook(self.module, grad_input, self.grad_outputs)
                    if res is None:
                        continue
                    res = (res,) if isinstance(res, Tensor) else tuple(res)
                    if len(res) != len(grad_input):
                        raise RuntimeError(
                            f"Backward hook returned an invalid number of grad_input, got {len(res)}, but expected "
                            f"{len(grad_input)}"
                        )
                    grad_input = res
                self.grad_outputs = None
                return tuple(grad_input[i] for i in idx)

            node.register_prehook(hook)
        else:
            self.input_tensors_index = None
        return new

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        outs = (result,) if single else result
        if not isinstance(outs, tuple):
            return result
        new, idx, node = self._wrap(outs, "BackwardHookFunctionBackward")
        if node is not None:

            def hook(grads):
                grad_output = self._pack(grads, idx, len(outs))
                for pre in self.user_pre_hooks:
                    res = pre(self.module, grad_output)
                    if res is None:
                        continue
                    res = (res,) if isinstance(res, Tensor) else tuple(res)
                    if len(res) != len(grad_output):
                        raise RuntimeError(
                            f"Backward pre hook returned an invalid number of grad_output, got {len(res)}, but "
                            f"expected {len(grad_output)}"
                        )
                    grad_output = res
                self.grad_outputs = grad_output
                if self.input_tensors_index is None and self.user_hooks:
                    # No input requires grad: the hooks fire here with grad_input all None.
                    warnings.warn(
                        "Full backward hook is firing when gradients are computed "
                        "with respect to module outputs since no inputs require gradients. See "
                        "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                        "#torch.nn.Module.register_full_backward_hook for more details.",
                        stacklevel=5,
                    )
                    grad_inputs = (None,) * max(self.n_inputs, 0)
                    for user_hook in self.user_hooks:
                        if user_hook(self.module, grad_inputs, self.grad_outputs) is not None:
                            raise RuntimeError(
                                "Backward hook for Modules where no input requires gradient should always return None "
                                "or None for all gradients."
                            )
                    self.grad_outputs = None
                return tuple(grad_output[i] for i in idx)

            node.register_prehook(hook)
        return new[0] if single else new


# --- the NNX graph-node view of a Module -----------------------------------------------------------
_STRUCT = ("_parameters", "_buffers", "_modules")
_SKIP = ("_parameters", "_buffers", "_modules", "_pytree__state", "_pytree__nodes")
_STATIC_KEY = "_jtorch_module_attrs"
_PLAIN = (bool, int, float, complex, str, bytes, type(None))


def _static_key(v):
    if type(v) in _PLAIN:
        return (0, type(v), v)
    if type(v) is tuple and all(type(x) in _PLAIN for x in v):
        return (0, tuple, v)
    return (1, id(v))


class _ModuleAttrs:
    """The non-state attributes of a Module, as one hashable static element of its NNX graphdef.

    Plain values (flags, sizes, names) compare by value, so e.g. ``train()``/``eval()`` change the
    graphdef and ``nnx.jit`` retraces; everything else (hook dicts, functions) compares by identity.
    """

    __slots__ = ("attrs", "names", "_key")

    def __init__(self, attrs: dict, names: tuple):
        self.attrs = attrs
        self.names = names
        self._key = (names, tuple((k, _static_key(v)) for k, v in attrs.items()))

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return isinstance(other, _ModuleAttrs) and self._key == other._key

    def __repr__(self):
        return "ModuleAttrs(...)"


# --- Flax NNX modules living inside jtorch modules ------------------------------------------------
def _is_foreign(m) -> bool:
    return isinstance(m, nnx.Module) and not isinstance(m, Module)


def _foreign_members(m):
    """(params, buffers, children) of a Flax module, by attribute name, in attribute order."""
    params, buffers, children = [], [], []
    for k, v in vars(m).items():
        if k.startswith("_pytree__"):
            continue
        if isinstance(v, Parameter):
            params.append((k, v))
        elif isinstance(v, Buffer):
            buffers.append((k, v))
        elif isinstance(v, nnx.Module):
            children.append((k, v))
    return params, buffers, children


def _adopt_foreign(m) -> None:
    """Turn the Variables of a Flax module tree into jtorch Parameters/Buffers, in place."""
    for _, node in nnx.iter_graph(m):
        if not isinstance(node, nnx.Module) or isinstance(node, Module):
            continue
        for k, v in list(vars(node).items()):
            if isinstance(v, nnx.Variable) and not isinstance(v, (Parameter, Buffer)):
                arr = v.get_value()
                if not hasattr(arr, "dtype"):
                    continue
                new = Parameter(Tensor._wrap(arr)) if isinstance(v, nnx.Param) else _as_buffer(Tensor._wrap(arr))
                object.__setattr__(node, k, new)
        if type(node).__call__ is not _foreign_call and "__call__" in dir(type(node)):
            node.__class__ = _bridged_class(type(node))


_BRIDGED: dict = {}


def _bridged_class(cls):
    sub = _BRIDGED.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls,), {"__call__": _foreign_call, "_jtorch_orig_call": cls.__call__})
        sub.__qualname__ = cls.__qualname__
        sub.__module__ = cls.__module__
        _BRIDGED[cls] = sub
    return sub


def _foreign_fn(*arrays, module, n_vars, kw_names):
    """Pure JAX function: the Flax module's forward with its variables set to ``arrays[:n_vars]``."""
    variables = [v for _, v in nnx.iter_graph(module) if isinstance(v, (Parameter, Buffer))]
    saved = [v._arr for v in variables]
    for v, a in zip(variables, arrays[:n_vars]):
        v._arr = a
    _IN_FOREIGN.active = getattr(_IN_FOREIGN, "active", 0) + 1
    try:
        inputs = arrays[n_vars:]
        n_kw = len(kw_names)
        args = inputs[: len(inputs) - n_kw]
        kwargs = dict(zip(kw_names, inputs[len(inputs) - n_kw :]))
        out = type(module)._jtorch_orig_call(module, *args, **kwargs)
    finally:
        _IN_FOREIGN.active -= 1
        for v, a in zip(variables, saved):
            v._arr = a
    return out


def _foreign_call(self, *args, **kwargs):
    """Calling a Flax module with jtorch tensors: one op on the tape (JAX differentiates the forward)."""
    if getattr(_IN_FOREIGN, "active", 0) or not any(isinstance(a, Tensor) for a in (*args, *kwargs.values())):
        return type(self)._jtorch_orig_call(self, *args, **kwargs)
    from jtorch._ops import dispatch

    variables = [v for _, v in nnx.iter_graph(self) if isinstance(v, (Parameter, Buffer))]
    kw_names = tuple(kwargs)
    return dispatch.apply(
        f"{type(self).__name__}Backward",
        _foreign_fn,
        [*variables, *args, *kwargs.values()],
        (("module", self), ("n_vars", len(variables)), ("kw_names", kw_names)),
    )


def _members(m, kind: str):
    if isinstance(m, Module):
        return m.__dict__[kind].items()
    params, buffers, children = _foreign_members(m)
    return {"_parameters": params, "_buffers": buffers, "_modules": children}[kind]


def _named_modules(m, memo, prefix, remove_duplicate):
    if isinstance(m, Module):
        yield from m.named_modules(memo, prefix, remove_duplicate)
        return
    if m in memo:
        return
    if remove_duplicate:
        memo.add(m)
    yield prefix, m
    for name, sub in _members(m, "_modules"):
        yield from _named_modules(sub, memo, prefix + ("." if prefix else "") + name, remove_duplicate)


# --- Module ----------------------------------------------------------------------------------------
def _forward_unimplemented(self, *input: Any) -> None:
    raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')


class Module(nnx.Module, pytree=False):
    """Base class for all neural network modules (torch.nn.Module), an NNX graph node."""

    dump_patches: bool = False
    _version: int = 1
    training: bool
    call_super_init: bool = False
    _compiled_call_impl = None

    def __init__(self, *args, **kwargs) -> None:
        if self.call_super_init is False and bool(kwargs):
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        if self.call_super_init is False and bool(args):
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given"
            )
        d = self.__dict__
        if "_pytree__state" not in d:  # constructed without nnx's metaclass call (e.g. __new__ + __init__)
            d["_pytree__state"] = pytreelib.PytreeState()
            d["_pytree__nodes"] = type(self)._pytree__nodes
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_backward_hooks"] = OrderedDict()
        d["_is_full_backward_hook"] = None
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = OrderedDict()
        d["_forward_hooks_always_called"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_post_hooks"] = OrderedDict()
        d["_modules"] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        # A jtorch Module is an NNX graph node, never a JAX pytree of its __dict__ (its own flatten below).
        kwargs["pytree"] = False
        super().__init_subclass__(**kwargs)

    forward: Callable[..., Any] = _forward_unimplemented

    # --- registration ---------------------------------------------------------------------------
    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer (an NNX ``BatchStat`` Variable); non-persistent ones are left out of state_dict."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        elif not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        elif "." in name:
            raise KeyError('buffer name can\'t contain "."')
        elif name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        elif hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        elif tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' (torch Tensor or None required)"
            )
        for hook in _global_buffer_registration_hooks.values():
            output = hook(self, name, tensor)
            if output is not None:
                tensor = output
        self._buffers[name] = None if tensor is None else _as_buffer(tensor, persistent)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (an ``nnx.Param``) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        elif not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        elif "." in name:
            raise KeyError('parameter name can\'t contain "."')
        elif name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        elif hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' (torch.nn.Parameter or None required)"
            )
        elif param.grad_fn:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly. "
                f"To express '{name}' as a function of another Tensor, compute the value in the forward() method."
            )
        else:
            for hook in _global_parameter_registration_hooks.values():
                output = hook(self, name, param)
                if output is not None:
                    param = output
            self._parameters[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module (a jtorch Module or a Flax NNX module)."""
        if not isinstance(module, nnx.Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        elif not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        elif hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        elif "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        elif name == "":
            raise KeyError('module name can\'t be empty string ""')
        for hook in _global_module_registration_hooks.values():
            output = hook(self, name, module)
            if output is not None:
                module = output
        if _is_foreign(module):
            _adopt_foreign(module)
        self._modules[name] = module

    def register_module(self, name: str, module: Module | None) -> None:
        """Alias for :meth:`add_module`."""
        self.add_module(name, module)

    def get_submodule(self, target: str) -> Module:
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, nnx.Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        atoms = target.split(".")
        if not isinstance(module, nnx.Module):
            raise ValueError("`" + "module" + f"` is not an nn.Module, found {type(module)}")
        parent = self if len(atoms) == 1 else self.get_submodule(".".join(atoms[:-1]))
        if strict and not hasattr(parent, atoms[-1]):
            raise AttributeError(parent._get_name() + " has no attribute `" + atoms[-1] + "`")
        if hasattr(parent, atoms[-1]):
            mod = getattr(parent, atoms[-1])
            if not isinstance(mod, nnx.Module):
                raise AttributeError("`" + atoms[-1] + "` is not an nn.Module")
        setattr(parent, atoms[-1], module)

    def get_parameter(self, target: str) -> Parameter:
        module_path, _, param_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, param_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
        param = getattr(mod, param_name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + param_name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        module_path, _, buffer_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, buffer_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
        buffer = getattr(mod, buffer_name)
        if buffer_name not in dict(_members(mod, "_buffers")):
            raise AttributeError("`" + buffer_name + "` is not a buffer")
        return buffer

    def get_extra_state(self) -> Any:
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called. "
            "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
            "to report this bug."
        )

    def set_extra_state(self, state: Any) -> None:
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called. "
            "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
            "to report this bug."
        )

    # --- conversion ---------------------------------------------------------------------------------
    def _apply(self, fn, recurse: bool = True):
        """Apply ``fn`` to every parameter, grad and buffer, writing results into the same objects."""
        if recurse:
            for module in self.children():
                if isinstance(module, Module):
                    module._apply(fn)
                else:
                    _apply_foreign(module, fn)
        for param in self._parameters.values():
            if param is not None:
                _apply_tensor(param, fn)
        for buf in self._buffers.values():
            if buf is not None:
                _apply_tensor(buf, fn)
        return self

    def apply(self, fn: Callable[[Module], None]) -> Module:
        for module in self.children():
            if isinstance(module, Module):
                module.apply(fn)
            else:
                for _, m in _named_modules(module, set(), "", True):
                    fn(m)
        fn(self)
        return self

    def cuda(self, device=None) -> Module:
        return self._apply(lambda t: t.cuda(device))

    def cpu(self) -> Module:
        return self._apply(lambda t: t.cpu())

    def type(self, dst_type) -> Module:
        return self._apply(lambda t: t.type(dst_type))

    def float(self) -> Module:
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def to_empty(self, *, device, recurse: bool = True) -> Module:
        from jtorch import empty_like

        return self._apply(lambda t: empty_like(t, device=device), recurse=recurse)

    def to(self, *args, **kwargs) -> Module:
        """Move and/or cast parameters and buffers in place (floating point ones only get the dtype)."""
        from jtorch._device import parse_to

        kwargs.pop("memory_format", None)
        device, dtype, _ = parse_to(None, *args, **kwargs)
        if dtype is not None:
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError(
                    f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dtype}"
                )
            if dtype.is_complex:
                warnings.warn(
                    "Complex modules are a new feature under active development whose design may change, "
                    "and some modules might not work as expected when using complex tensors as parameters or buffers. "
                    "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                    "if a complex module does not work as expected.",
                    stacklevel=2,
                )

        def convert(t):
            return t.to(device=device, dtype=dtype if t.is_floating_point() or t.is_complex() else None)

        return self._apply(convert)

    def share_memory(self) -> Module:
        return self

    # --- hooks ------------------------------------------------------------------------------------
    def register_full_backward_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_output) -> new grad_output or None, before the module's input grads are computed."""
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_backward_hook(self, hook) -> RemovableHandle:
        raise NotImplementedError(
            "Module.register_backward_hook: non-full backward hooks (deprecated in torch) are not implemented in "
            "jtorch; use register_full_backward_hook"
        )

    def register_full_backward_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_input, grad_output) -> new grad_input or None, when the input grads are computed."""
        if self._is_full_backward_hook is False:
            raise RuntimeError(
                "Cannot use both regular backward hooks and full backward hooks on a single Module. "
                "Please use only one of them."
            )
        self._is_full_backward_hook = True
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False) -> RemovableHandle:
        handle = RemovableHandle(self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(
        self, hook, *, prepend: bool = False, with_kwargs: bool = False, always_call: bool = False
    ) -> RemovableHandle:
        handle = RemovableHandle(
            self._forward_hooks, extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called]
        )
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def _call_impl(self, *args, **kwargs):
        forward_call = self.forward
        if not (
            self._backward_hooks
            or self._backward_pre_hooks
            or self._forward_hooks
            or self._forward_pre_hooks
            or _global_backward_pre_hooks
            or _global_backward_hooks
            or _global_forward_hooks
            or _global_forward_pre_hooks
        ):
            return forward_call(*args, **kwargs)

        result = None
        called_always_called_hooks = set()

        def inner():
            nonlocal result, args, kwargs
            full_backward_hooks, backward_pre_hooks = [], []
            if self._backward_pre_hooks or _global_backward_pre_hooks:
                backward_pre_hooks = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
            if self._backward_hooks or _global_backward_hooks:
                if _global_is_full_backward_hook is True:
                    full_backward_hooks += _global_backward_hooks.values()
                if self._is_full_backward_hook is True:
                    full_backward_hooks += self._backward_hooks.values()

            for hook_id, hook in (*_global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()):
                if hook_id in self._forward_pre_hooks_with_kwargs:
                    args_kwargs_result = hook(self, args, kwargs)
                    if args_kwargs_result is not None:
                        if isinstance(args_kwargs_result, tuple) and len(args_kwargs_result) == 2:
                            args, kwargs = args_kwargs_result
                        else:
                            raise RuntimeError(
                                "forward pre-hook must return None or a tuple "
                                f"of (new_args, new_kwargs), but got {args_kwargs_result}."
                            )
                else:
                    args_result = hook(self, args)
                    if args_result is not None:
                        if not isinstance(args_result, tuple):
                            args_result = (args_result,)
                        args = args_result

            bw_hook = None
            if full_backward_hooks or backward_pre_hooks:
                bw_hook = _BackwardHook(self, full_backward_hooks, backward_pre_hooks)
                args = bw_hook.setup_input_hook(args)

            result = forward_call(*args, **kwargs)
            for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called or hook_id in _global_forward_hooks_always_called:
                    called_always_called_hooks.add(hook_id)
                if hook_id in self._forward_hooks_with_kwargs or hook_id in _global_forward_hooks_with_kwargs:
                    hook_result = hook(self, args, kwargs, result)
                else:
                    hook_result = hook(self, args, result)
                if hook_result is not None:
                    result = hook_result

            if bw_hook:
                if not isinstance(result, (Tensor, tuple)):
                    warnings.warn(
                        "For backward hooks to be called, module output should be a Tensor or a tuple of Tensors"
                        f" but received {type(result)}",
                        stacklevel=2,
                    )
                result = bw_hook.setup_output_hook(result)
            return result

        try:
            return inner()
        except Exception:
            for hook_id, hook in _global_forward_hooks.items():
                if hook_id in _global_forward_hooks_always_called and hook_id not in called_always_called_hooks:
                    try:
                        hook_result = hook(self, args, result)
                        if hook_result is not None:
                            result = hook_result
                    except Exception as e:
                        warnings.warn(
                            "global module forward hook with ``always_call=True`` raised an exception "
                            f"that was silenced as another error was raised in forward: {str(e)}",
                            stacklevel=2,
                        )
                        continue
            for hook_id, hook in self._forward_hooks.items():
                if hook_id in self._forward_hooks_always_called and hook_id not in called_always_called_hooks:
                    try:
                        if hook_id in self._forward_hooks_with_kwargs:
                            hook_result = hook(self, args, kwargs, result)
                        else:
                            hook_result = hook(self, args, result)
                        if hook_result is not None:
                            result = hook_result
                    except Exception as e:
                        warnings.warn(
                            "module forward hook with ``always_call=True`` raised an exception "
                            f"that was silenced as another error was raised in forward: {str(e)}",
                            stacklevel=2,
                        )
                        continue
            raise

    def _wrapped_call_impl(self, *args, **kwargs):
        if self._compiled_call_impl is not None:
            return self._compiled_call_impl(*args, **kwargs)
        return self._call_impl(*args, **kwargs)

    __call__: Callable[..., Any] = _wrapped_call_impl

    # --- attributes -------------------------------------------------------------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_compiled_call_impl", None)
        state.pop("_pytree__state", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        d = self.__dict__
        d["_pytree__state"] = pytreelib.PytreeState()
        d.setdefault("_pytree__nodes", type(self)._pytree__nodes)
        for name in (
            "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks_with_kwargs",
            "_forward_hooks_always_called", "_state_dict_hooks", "_state_dict_pre_hooks",
            "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks", "_backward_pre_hooks",
        ):  # fmt: skip
            d.setdefault(name, OrderedDict())
        d.setdefault("_non_persistent_buffers_set", set())
        d.setdefault("_is_full_backward_hook", None)

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        new.__setstate__(copy.deepcopy(self.__getstate__(), memo))
        return new

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "_parameters" in d:
            _parameters = d["_parameters"]
            if name in _parameters:
                return _parameters[name]
        if "_buffers" in d:
            _buffers = d["_buffers"]
            if name in _buffers:
                return _buffers[name]
        if "_modules" in d:
            modules = d["_modules"]
            if name in modules:
                return modules[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        def remove_from(*dicts_or_sets) -> None:
            for d in dicts_or_sets:
                if name in d:
                    if isinstance(d, dict):
                        del d[name]
                    else:
                        d.discard(name)

        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            remove_from(self.__dict__, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' (torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        else:
            modules = self.__dict__.get("_modules")
            if isinstance(value, nnx.Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                remove_from(self.__dict__, self._parameters, self._buffers, self._non_persistent_buffers_set)
                for hook in _global_module_registration_hooks.values():
                    output = hook(self, name, value)
                    if output is not None:
                        value = output
                if _is_foreign(value):
                    _adopt_foreign(value)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{_typename(value)}' as child module '{name}' (torch.nn.Module or None expected)"
                    )
                for hook in _global_module_registration_hooks.values():
                    output = hook(self, name, value)
                    if output is not None:
                        value = output
                modules[name] = value
            else:
                buffers = self.__dict__.get("_buffers")
                if isinstance(value, Buffer) or buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(
                            f"cannot assign '{_typename(value)}' as buffer '{name}' "
                            "(torch.nn.Buffer, torch.Tensor or None expected)"
                        )
                    if isinstance(value, Buffer):
                        persistent = value._var_metadata.get("persistent", True)
                    else:
                        persistent = name not in self._non_persistent_buffers_set
                    self.register_buffer(name, value, persistent)
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        module_attrs = dir(self.__class__)
        attrs = list(self.__dict__.keys())
        keys = module_attrs + attrs + list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(key for key in keys if not key[0].isdigit())

    # --- state_dict ----------------------------------------------------------------------------------
    def _register_state_dict_hook(self, hook):
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError(
                "Cannot register the same function as the state dict post hook that was previously registered via register_state_dict_post_hook"
            )
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def register_state_dict_post_hook(self, hook):
        hook._from_public_api = True
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def register_state_dict_pre_hook(self, hook):
        handle = RemovableHandle(self._state_dict_pre_hooks)
        self._state_dict_pre_hooks[handle.id] = hook
        return handle

    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        extra_state_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if getattr(self.__class__, "get_extra_state", Module.get_extra_state) is not Module.get_extra_state:
            destination[extra_state_key] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False):
        """An OrderedDict of parameters and persistent buffers under torch's dotted names (detached)."""
        if len(args) > 0:
            warnings.warn(
                "Positional args are being deprecated, use kwargs instead. Refer to "
                "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                " for details.",
                FutureWarning,
                stacklevel=2,
            )
            if destination is None:
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = dict(version=self._version)
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is None:
                continue
            if isinstance(module, Module):
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
            else:
                _foreign_state_dict(module, destination, prefix + name + ".", keep_vars)
        for hook in self._state_dict_hooks.values():
            hook_result = hook(self, destination, prefix, local_metadata)
            if not getattr(hook, "_from_public_api", False):
                if hook_result is not None:
                    destination = hook_result
            elif hook_result is not None:
                raise RuntimeError("state_dict post-hook must return None")
        return destination

    def _register_load_state_dict_pre_hook(self, hook, with_module: bool = False):
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = _WrappedHook(hook, self if with_module else None)
        return handle

    def register_load_state_dict_pre_hook(self, hook):
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook):
        handle = RemovableHandle(self._load_state_dict_post_hooks)
        self._load_state_dict_post_hooks[handle.id] = hook
        return handle

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ) -> None:
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent_buffers = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {
            k: v for k, v in itertools.chain(self._parameters.items(), persistent_buffers.items()) if v is not None
        }
        _load_local(self, local_state, state_dict, prefix, local_metadata, strict, missing_keys, error_msgs)
        extra_state_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if getattr(self.__class__, "set_extra_state", Module.set_extra_state) is not Module.set_extra_state:
            if extra_state_key in state_dict:
                self.set_extra_state(state_dict[extra_state_key])
            elif strict:
                missing_keys.append(extra_state_key)
        elif strict and (extra_state_key in state_dict):
            unexpected_keys.append(extra_state_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_state_key:
                    input_name = key[len(prefix) :].split(".", 1)
                    if len(input_name) > 1:
                        if input_name[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif input_name[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False):
        """Copy values from ``state_dict`` (jtorch tensors, or numpy/torch arrays) into parameters and buffers."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys: list[str] = []
        unexpected_keys: list[str] = []
        error_msgs: list[str] = []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            if isinstance(module, Module):
                module._load_from_state_dict(
                    local_state_dict, prefix, local_metadata, True, missing_keys, unexpected_keys, error_msgs
                )
            else:
                _foreign_load(
                    module, local_state_dict, prefix, local_metadata, missing_keys, unexpected_keys, error_msgs
                )
            for name, child in _members(module, "_modules"):
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}
                    load(child, child_state_dict, child_prefix)  # noqa: F821
            if isinstance(module, Module):
                incompatible_keys = _IncompatibleKeys(missing_keys, unexpected_keys)
                for hook in module._load_state_dict_post_hooks.values():
                    out = hook(module, incompatible_keys)
                    if out is not None:
                        raise AssertionError(
                            "Hooks registered with ``register_load_state_dict_post_hook`` are not "
                            "expected to return new values, if incompatible_keys need to be modified, "
                            "it should be done inplace."
                        )

        load(self, state_dict)
        del load
        if strict:
            if len(unexpected_keys) > 0:
                error_msgs.insert(
                    0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected_keys))
                )
            if len(missing_keys) > 0:
                error_msgs.insert(
                    0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing_keys))
                )
        if len(error_msgs) > 0:
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(self.__class__.__name__, "\n\t".join(error_msgs))
            )
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # --- traversal ------------------------------------------------------------------------------
    def _named_members(self, get_members_fn, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members_fn(module):
                if v is None or v in memo:
                    continue
                if remove_duplicate:
                    memo.add(v)
                yield module_prefix + ("." if module_prefix else "") + k, v

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _name, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        yield from self._named_members(
            lambda module: _members(module, "_parameters"),
            prefix=prefix,
            recurse=recurse,
            remove_duplicate=remove_duplicate,
        )

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        yield from self._named_members(
            lambda module: _members(module, "_buffers"),
            prefix=prefix,
            recurse=recurse,
            remove_duplicate=remove_duplicate,
        )

    def children(self) -> Iterator[Module]:
        for _name, module in self.named_children():
            yield module

    def named_children(self):
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def modules(self, remove_duplicate: bool = True) -> Iterator[Module]:
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
            yield module

    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True):
        if memo is None:
            memo = set()
        if self not in memo:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                yield from _named_modules(module, memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and its children (torch semantics, not nnx's ``train(**attrs)``)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            if isinstance(module, Module):
                module.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    # --- printing ---------------------------------------------------------------------------------
    def _get_name(self) -> str:
        return self.__class__.__name__

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra_lines = []
        extra_repr = self.extra_repr()
        if extra_repr:
            extra_lines = extra_repr.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            mod_str = _addindent(repr(module), 2)
            child_lines.append("(" + key + "): " + mod_str)
        lines = extra_lines + child_lines
        main_str = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main_str += extra_lines[0]
            else:
                main_str += "\n  " + "\n  ".join(lines) + "\n"
        main_str += ")"
        return main_str

    def __str__(self) -> str:
        return self.__repr__()

    def compile(self, *args, **kwargs) -> None:
        """Compile this module's forward in place (``jtorch.compile`` of ``_call_impl``), as torch does."""
        from jtorch._compile import compile as _compile

        self._compiled_call_impl = _compile(self._call_impl, *args, **kwargs)

    # --- NNX graph node ---------------------------------------------------------------------------
    def _graph_node_flatten(self):
        d = self.__dict__
        attrs = {k: v for k, v in d.items() if k not in _SKIP}
        names = tuple(tuple(d[s]) for s in _STRUCT)
        items = [(_STATIC_KEY, graphlib.StaticElem(_ModuleAttrs(attrs, names)))]
        for s in _STRUCT:
            for k, v in d[s].items():
                if v is not None:
                    items.append((k, graphlib.DataElem(v)))
        # NNX matches a graphdef's attributes with State entries in sorted key order.
        items.sort(key=lambda kv: kv[0])
        return items, type(self)

    def _graph_node_set_key(self, key, value):
        if not isinstance(key, str):
            raise KeyError(f"Invalid key: {key!r}")
        current = self.__getattr__(key) if key in self._parameters or key in self._buffers else None
        if isinstance(current, nnx.Variable) and isinstance(value, nnx.Variable):
            current.update_from_state(value)
        elif isinstance(value, nnx.Variable) and not isinstance(value, (Parameter, Buffer)):
            arr = Tensor._wrap(value.get_value())
            setattr(self, key, Parameter(arr) if isinstance(value, nnx.Param) else Buffer(arr))
        else:
            setattr(self, key, value)

    def _graph_node_pop_key(self, key):
        value = getattr(self, key)
        delattr(self, key)
        return value

    @staticmethod
    def _graph_node_create_empty(node_type):
        return object.__new__(node_type)

    def _graph_node_clear(self):
        self.__dict__.clear()

    def _graph_node_init(self, attributes):
        values = dict(attributes)
        static = values.pop(_STATIC_KEY)
        d = self.__dict__
        d["_pytree__state"] = pytreelib.PytreeState()
        d["_pytree__nodes"] = type(self)._pytree__nodes
        for k, v in static.attrs.items():
            d[k] = v.copy() if isinstance(v, (dict, set)) else v
        for s, names in zip(_STRUCT, static.names):
            d[s] = {k: values.get(k) for k in names}


def _apply_tensor(t: Tensor, fn) -> None:
    """Replace the values of parameter/buffer ``t`` by ``fn(t)`` in place (the same object), and its grad."""
    with no_grad():
        applied = fn(t)
    if applied is not t:
        t.data = applied
    if t.grad is not None:
        with no_grad():
            g = fn(t.grad)
        if g is not t.grad:
            t.grad.data = g


def _apply_foreign(m, fn) -> None:
    for _, sub in _named_modules(m, set(), "", True):
        for kind in ("_parameters", "_buffers"):
            for _, t in _members(sub, kind):
                _apply_tensor(t, fn)


def _foreign_state_dict(m, destination, prefix, keep_vars) -> None:
    for name, t in (*_members(m, "_parameters"), *_members(m, "_buffers")):
        destination[prefix + name] = t if keep_vars else t.detach()
    for name, sub in _members(m, "_modules"):
        _foreign_state_dict(sub, destination, prefix + name + ".", keep_vars)


def _foreign_load(m, state_dict, prefix, local_metadata, missing_keys, unexpected_keys, error_msgs) -> None:
    local_state = dict((*_members(m, "_parameters"), *_members(m, "_buffers")))
    _load_local(m, local_state, state_dict, prefix, local_metadata, True, missing_keys, error_msgs)
    children = dict(_members(m, "_modules"))
    for key in state_dict:
        if key.startswith(prefix):
            input_name = key[len(prefix) :].split(".", 1)
            if (len(input_name) > 1 and input_name[0] not in children) or (
                len(input_name) == 1 and input_name[0] not in local_state
            ):
                unexpected_keys.append(key)


def _to_tensor(value):
    """A state_dict value as a jtorch Tensor: jtorch tensors as is, numpy arrays and torch tensors via numpy."""
    from jtorch._host import host_array

    if isinstance(value, Tensor):
        return value
    if hasattr(value, "__array__") and hasattr(value, "shape"):
        if type(value).__module__.startswith("torch"):
            value = value.detach().cpu().numpy()
        return Tensor._wrap(host_array(np.asarray(value)))
    return None


def _load_local(module, local_state, state_dict, prefix, local_metadata, strict, missing_keys, error_msgs) -> None:
    from jtorch._size import Size

    assign = local_metadata.get("assign_to_params_buffers", False)
    for name, param in local_state.items():
        key = prefix + name
        if key not in state_dict:
            if strict:
                missing_keys.append(key)
            continue
        input_param = _to_tensor(state_dict[key])
        if input_param is None:
            error_msgs.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like object from '
                f"checkpoint but received {type(state_dict[key])}"
            )
            continue
        if len(param.shape) == 0 and len(input_param.shape) == 1 and input_param.shape[0] == 1:
            input_param = input_param[0]
        if input_param.shape != param.shape:
            error_msgs.append(
                f"size mismatch for {key}: copying a param with shape {Size(input_param.shape)} from checkpoint, "
                f"the shape in current model is {param.shape}."
            )
            continue
        try:
            with no_grad():
                if assign:
                    # The same Variable object stays in the graph (NNX identity); it takes the input's value/dtype.
                    param.data = input_param
                else:
                    param.copy_(input_param)
        except Exception as ex:
            error_msgs.append(
                f'While copying the parameter named "{key}", whose dimensions in the model are {param.size()} and '
                f"whose dimensions in the checkpoint are {input_param.size()}, an exception occurred : {ex.args}."
            )
