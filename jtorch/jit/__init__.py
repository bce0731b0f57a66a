"""torch.jit on jtorch: the decorators and entry points run the Python code unchanged.

There is no TorchScript compiler here: ``script`` and ``trace`` return the function or module itself, which
behaves identically (use ``jtorch.compile`` to compile to one XLA program). ``is_scripting()`` and
``is_tracing()`` are False. ``torch.jit.save``/``load`` raise NotImplementedError: TorchScript archives hold
TorchScript IR that jtorch cannot run (save the ``state_dict`` with ``torch.save`` instead).
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, Callable

from jtorch.nn.modules.module import Module

__all__ = [
    "Attribute", "Error", "Final", "ScriptFunction", "ScriptModule", "ScriptWarning", "TracerWarning", "annotate",
    "export", "fork", "freeze", "ignore", "interface", "is_scripting", "is_tracing", "load",
    "optimize_for_inference", "optimized_execution", "save", "script", "script_if_tracing", "script_method", "trace",
    "trace_module", "unused", "wait",
]  # fmt: skip

_NO_FILES = (
    "torch.jit.{name}: TorchScript files are not supported by jtorch (they hold TorchScript IR, which jtorch does "
    "not execute); save and load the state_dict with torch.save/torch.load instead"
)

_DEPRECATED = "`torch.jit.{name}` is deprecated. Please switch to `torch.compile` or `torch.export`."


class Error(RuntimeError):
    """torch.jit.Error."""


class ScriptWarning(Warning):
    pass


class TracerWarning(Warning):
    pass


class ScriptModule(Module):
    """Base class of scripted modules in torch; here a plain Module (``script`` returns the module itself)."""


class ScriptFunction:
    """Placeholder for isinstance checks: scripted functions are the Python functions themselves."""


def script(obj: Any, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None) -> Any:
    """Return ``obj`` (function, Module or class) unchanged: it runs as Python on jtorch ops."""
    warnings.warn(_DEPRECATED.format(name="script"), DeprecationWarning, stacklevel=2)
    if optimize is not None:
        warnings.warn(
            "`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` instead",
            FutureWarning,
            stacklevel=2,
        )
    return obj


def trace(func: Callable, example_inputs=None, optimize=None, check_trace: bool = True, check_inputs=None,
          check_tolerance: float = 1e-5, strict: bool = True, _force_outplace: bool = False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs: bool = True) -> Callable:  # fmt: skip
    """Return ``func`` unchanged (no trace is recorded: the Python code runs on each call)."""
    warnings.warn(_DEPRECATED.format(name="trace"), DeprecationWarning, stacklevel=2)
    if isinstance(func, Module):  # torch traces a module through trace_module, which warns twice
        return trace_module(func, {"forward": example_inputs})
    return func


def trace_module(mod: Module, inputs, *args, **kwargs) -> Module:
    """Return ``mod`` unchanged (torch 2.13 emits its trace_method deprecation twice here; so does this)."""
    for _ in range(2):
        warnings.warn(_DEPRECATED.format(name="trace_method"), DeprecationWarning, stacklevel=2)
    return mod


def script_if_tracing(fn: Callable) -> Callable:
    return fn


def script_method(fn: Callable) -> Callable:
    warnings.warn(_DEPRECATED.format(name="script_method"), DeprecationWarning, stacklevel=2)
    return fn


def _decorator(obj=None, **kwargs):
    """``@ignore``, ``@ignore(drop=True)``, ``@unused``, ``@export``: mark nothing, return the function."""
    if callable(obj):
        return obj
    return lambda fn: fn


ignore = _decorator
unused = _decorator
export = _decorator
interface = _decorator


def is_scripting() -> bool:
    """False: code never runs under the TorchScript compiler here."""
    return False


def is_tracing() -> bool:
    """False: ``trace`` records nothing."""
    return False


def annotate(the_type, the_value):
    return the_value


class Final:
    """``torch.jit.Final[T]`` in class annotations: accepted, no effect."""

    def __class_getitem__(cls, item):
        return item


class Attribute:
    """``torch.jit.Attribute(value, type)``: returns the value."""

    def __new__(cls, value, type=None):
        return value


def freeze(mod: Module, preserved_attrs=None, optimize_numerics: bool = True) -> Module:
    return mod


def optimize_for_inference(mod: Module, other_methods=None) -> Module:
    return mod


@contextlib.contextmanager
def optimized_execution(should_optimize: bool):
    yield


def fork(func: Callable, *args, **kwargs):
    """Run ``func`` now and return a completed future (torch runs it asynchronously; results are the same)."""
    return _Done(func(*args, **kwargs))


class _Done:
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value


def wait(future):
    return future.wait()


def save(m, f, _extra_files=None) -> None:
    raise NotImplementedError(_NO_FILES.format(name="save"))


def load(f, map_location=None, _extra_files=None, _restore_shapes: bool = False):
    raise NotImplementedError(_NO_FILES.format(name="load"))
