"""Where torch-facing ops are registered once and exposed as function, method and in-place method.

An op module defines a torch-signature function (argument checks, dtype promotion, error
messages) that calls ``dispatch.apply`` with a pure JAX function, and decorates it:

    @torch_op(inplace=True)          # torch.add, Tensor.add, Tensor.add_
    def add(input, other, *, alpha=1): ...

``jtorch/__init__.py`` exports FUNCTIONS; ``jtorch/_ops/__init__.py`` attaches METHODS to Tensor.
"""

from __future__ import annotations

import functools

from jtorch.amp.autocast_mode import autocast_op

FUNCTIONS: dict = {}
METHODS: dict = {}


def _with_out(f):
    """Support torch's ``out=`` keyword: the result is written into ``out``."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if "out" not in kwargs:
            return f(*args, **kwargs)
        out = kwargs.pop("out")
        result = f(*args, **kwargs)
        if out is None:
            return result
        if isinstance(out, (tuple, list)):
            for o, r in zip(out, result):
                _write_out(o, r)
            return result if not hasattr(result, "_fields") else type(result)(*out)
        _write_out(out, result)
        return out

    return wrapper


def _write_out(out, result):
    from jtorch._dtype import can_cast, type_name

    if not can_cast(result.dtype, out.dtype):
        raise RuntimeError(
            f"result type {type_name(result.dtype)} can't be cast to the desired output type {type_name(out.dtype)}"
        )
    out._arr = result.to(out.dtype)._data
    out._node, out._out_nr = result._node, result._out_nr
    out._version += 1


def _inplace_method(f, name):
    def method(self, *args, **kwargs):
        return self._inplace(f(self, *args, **kwargs))

    method.__name__ = name + "_"
    method.__qualname__ = "Tensor." + name + "_"
    method.__doc__ = f"In-place version of :func:`{name}`."
    return method


def torch_op(
    name: str | None = None, *, function: bool = True, method: bool = True, inplace: bool = False, aliases: tuple = ()
):
    """Register a torch op under ``name`` (default: the function's name) and its aliases."""

    def deco(f):
        names = (name or f.__name__,) + tuple(aliases)
        g = autocast_op(names[0])(f)  # casts inputs inside torch.autocast if the op is on its lists; else g is f
        wrapped = _with_out(g)
        for n in names:
            if function:
                FUNCTIONS[n] = wrapped
            if method:
                METHODS[n] = g
            if inplace:
                METHODS[n + "_"] = _inplace_method(f, n)
        return wrapped

    return deco


def tensor_method(name: str | None = None):
    """Register a Tensor-only method (no torch.* function)."""

    def deco(f):
        METHODS[name or f.__name__] = f
        return f

    return deco
