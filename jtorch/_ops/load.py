"""Importing this module registers every op module and attaches the Tensor
methods and Python operators, each derived from the one registered definition."""

from __future__ import annotations

from jtorch._ops import (  # noqa: F401 - imported to register their ops
    creation,
    indexing,
    linalg,
    nn_aliases,
    pointwise,
    random_ops,
    reduction,
    shape,
    misc,
    extra,
    foreach,
)
from jtorch._ops.registry import FUNCTIONS, METHODS
from jtorch._tensor import Tensor


def _attach():
    for name, f in METHODS.items():
        if name not in Tensor.__dict__ or getattr(Tensor.__dict__[name], "_jtorch_op", False):
            setattr(Tensor, name, f)
    F = FUNCTIONS

    def reflected(fn):
        return lambda self, other: fn(other, self)

    def inplace(name):
        return lambda self, other: getattr(self, name)(other)

    ops = {
        "add": "add",
        "sub": "sub",
        "mul": "mul",
        "truediv": "div",
        "floordiv": "floor_divide",
        "mod": "remainder",
        "pow": "pow",
        "matmul": "matmul",
        "and": "bitwise_and",
        "or": "bitwise_or",
        "xor": "bitwise_xor",
        "lshift": "bitwise_left_shift",
        "rshift": "bitwise_right_shift",
    }
    for dunder, fname in ops.items():
        setattr(Tensor, f"__{dunder}__", F[fname])
        setattr(Tensor, f"__r{dunder}__", reflected(F[fname]))
        if dunder != "matmul":
            setattr(Tensor, f"__i{dunder}__", inplace(fname + "_"))
    Tensor.__imatmul__ = F["matmul"]  # torch has no in-place @=: Python rebinds to a new tensor
    for dunder, fname in {"eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge"}.items():
        setattr(Tensor, f"__{dunder}__", F[fname])
    Tensor.__neg__ = F["neg"]
    Tensor.__pos__ = F["positive"]
    Tensor.__abs__ = F["abs"]
    Tensor.__invert__ = METHODS["__invert__"]


_attach()
