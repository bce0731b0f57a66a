"""``torch._foreach_*``: the multi-tensor ops that research code calls (EMA updates, hand-written optimizers).

Each is the per-tensor jtorch op applied to every tensor of the list: torch fuses a list into one kernel, here
each per-tensor op is its cached jitted program (under ``jtorch.compile`` the loop fuses into the step's one
XLA program), so values, dtypes and autograd are exactly those of the single-tensor ops. As in torch the
out-of-place forms return a tuple and the in-place forms return the (updated) input list itself.
"""

from __future__ import annotations

from jtorch._ops.registry import FUNCTIONS
from jtorch._tensor import Tensor

_UNARY = (
    "abs acos asin atan ceil cos cosh erf erfc exp expm1 floor frac lgamma log log10 log1p log2 neg reciprocal "
    "round rsqrt sigmoid sign sin sinh sqrt tan tanh trunc"
).split()
_BINARY = "add sub mul div maximum minimum clamp_max clamp_min pow".split()
_TERNARY = "addcmul addcdiv lerp".split()
# torch.maximum/minimum take no Python number; foreach's Scalar overloads are clamps
_SCALAR_FORM = {"maximum": "clamp_min", "minimum": "clamp_max"}


def _check(name: str, tensors, *others) -> int:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'self' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    n = len(tensors)
    if n == 0:
        raise RuntimeError("Tensor list must have at least one tensor.")
    for o in others:
        if isinstance(o, (list, tuple)) and len(o) != n:
            if o and isinstance(o[0], Tensor):
                raise RuntimeError(f"Tensor lists must have the same number of tensors, got {n} and {len(o)}")
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
    return n


def _at(arg, i: int):
    return arg[i] if isinstance(arg, (list, tuple)) else arg


def _op(name: str, arg):
    import jtorch

    if name in _SCALAR_FORM and not isinstance(arg, Tensor):
        name = _SCALAR_FORM[name]
    return getattr(jtorch, name)


def _values(name: str, args: tuple, kwargs: dict) -> tuple:
    """addcmul/addcdiv: foreach's positional ``scalars`` (a number, a list, or a 1-D tensor of one per tensor) is
    the single-tensor op's ``value=`` keyword."""
    if name in ("addcmul", "addcdiv"):
        if len(args) > 2:
            args, kwargs = args[:2], {**kwargs, "value": args[2]}
        v = kwargs.get("value")
        if isinstance(v, Tensor):
            kwargs["value"] = [float(x) for x in v.tolist()]
    return args, kwargs


def _at_kw(kwargs: dict, i: int) -> dict:
    return {k: _at(v, i) for k, v in kwargs.items()}


def _make(name: str, nargs: int):
    def out_of_place(self, *args, **kwargs):
        args, kwargs = _values(name, args, kwargs)
        if name == "pow" and not isinstance(self, (list, tuple)):  # pow(Scalar self, Tensor[] exponent)
            return tuple(_op(name, None)(self, e) for e in args[0][: _check("_foreach_pow", args[0])])
        n = _check(f"_foreach_{name}", self, *args, *kwargs.values())
        return tuple(_op(name, _at(args[0], i) if args else None)(
            self[i], *[_at(a, i) for a in args], **_at_kw(kwargs, i)) for i in range(n))  # fmt: skip

    def in_place(self, *args, **kwargs):
        args, kwargs = _values(name, args, kwargs)
        n = _check(f"_foreach_{name}_", self, *args, *kwargs.values())
        for i in range(n):
            per = [_at(a, i) for a in args]
            fn = _op(name, per[0] if per else None)
            method = getattr(Tensor, fn.__name__ + "_", None)
            if method is not None:
                method(self[i], *per, **_at_kw(kwargs, i))
            else:
                self[i].copy_(fn(self[i], *per, **_at_kw(kwargs, i)))
        return self

    out_of_place.__name__ = f"_foreach_{name}"
    in_place.__name__ = f"_foreach_{name}_"
    out_of_place.__doc__ = f"``{name}`` applied to each tensor of a list; returns a tuple."
    in_place.__doc__ = f"In-place ``{name}_`` on each tensor of a list; returns the list."
    FUNCTIONS[out_of_place.__name__] = out_of_place
    FUNCTIONS[in_place.__name__] = in_place


for _name in _UNARY:
    _make(_name, 0)
for _name in _BINARY:
    _make(_name, 1)
for _name in _TERNARY:
    _make(_name, 2)


def _foreach_zero_(self):
    """Zero every tensor of the list in place; returns the list."""
    for t in self[: _check("_foreach_zero_", self)]:
        t.zero_()
    return self


def _foreach_copy_(self, src, non_blocking: bool = False):
    """Copy ``src[i]`` into ``self[i]``; returns the list."""
    for i in range(_check("_foreach_copy_", self, src)):
        self[i].copy_(src[i], non_blocking)
    return self


def _foreach_clone(self):
    """A tuple of clones."""
    return tuple(t.clone() for t in self[: _check("_foreach_clone", self)])


def _foreach_norm(self, ord=2, dtype=None):
    """A tuple of vector norms (``torch.linalg.vector_norm`` of each tensor)."""
    import jtorch

    return tuple(jtorch.linalg.vector_norm(t, ord, dtype=dtype) for t in self[: _check("_foreach_norm", self)])


def _foreach_powsum(self, exponent=2, dtype=None):
    """A tuple of ``sum(|t| ** exponent)``."""
    return tuple((t.abs() ** exponent).sum(dtype=dtype) for t in self[: _check("_foreach_powsum", self)])


def _foreach_max(self):
    """A tuple of each tensor's maximum."""
    return tuple(t.max() for t in self[: _check("_foreach_max", self)])


def _foreach_mm(self, mat2):
    """A tuple of ``self[i] @ mat2[i]`` (2-D)."""
    return tuple(self[i].mm(mat2[i]) for i in range(_check("_foreach_mm", self, mat2)))


for _f in (_foreach_zero_, _foreach_copy_, _foreach_clone, _foreach_norm, _foreach_powsum, _foreach_max, _foreach_mm):
    FUNCTIONS[_f.__name__] = _f
