"""torch.autograd.Variable: the pre-0.4 wrapper, today a way of spelling a Tensor (as in torch)."""

from __future__ import annotations


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        from jtorch._tensor import Tensor

        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(t, requires_grad=False)``: a tensor sharing ``t``'s storage, detached from its graph."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        import jtorch

        if data is None:
            data = jtorch.tensor([])
        out = data.detach()
        return out.requires_grad_(requires_grad) if requires_grad else out
