"""torch.nn.Parameter and torch.nn.Buffer: jtorch Tensors that are also Flax NNX Variables.

``Parameter`` is a ``Tensor`` and an ``nnx.Param``; ``Buffer`` is a ``Tensor`` and an
``nnx.BatchStat`` (the NNX kind for non-trained module state), so ``nnx.split``/``nnx.state``/
``nnx.jit`` see a jtorch model's parameters and buffers as its NNX state. One array backs both
views of the object: NNX's ``_raw_value`` slot is replaced by a property over the Tensor's storage
(``_arr``), so ``p.data.mul_(0.5)``, ``nnx.update(model, state)`` and an optimizer step all change
the same value. ``requires_grad`` lives in the NNX metadata so it survives ``nnx.split``/``merge``
and JAX pytree round trips.

Difference from PyTorch: ``Parameter(t)``/``Buffer(t)`` take ``t``'s current value but do not share
storage with ``t`` afterwards (JAX arrays are immutable; only views share storage in jtorch).
"""

from __future__ import annotations

import threading

import numpy as np
from flax import nnx

from jtorch._host import as_jax
from jtorch._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy"]


# Set while a Flax module's own __call__ runs on raw arrays (see nn/modules/module.py): there
# ``param[...]`` must mean NNX's "the value", not torch indexing.
_IN_FOREIGN = threading.local()


def _as_array(data):
    import jax.numpy as jnp

    if data is None:
        from jtorch._dtype import get_default_dtype

        return jnp.zeros((0,), get_default_dtype().np)
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (np.ndarray, jnp.ndarray)):
        return jnp.asarray(data)
    raise TypeError(f"expected Tensor as element 0 in argument 0, but got {type(data).__name__}")


class _TensorVariable(Tensor):
    """A Tensor whose storage is also the value of the NNX Variable it is mixed with."""

    # The nnx.Variable slot ``_raw_value`` becomes this property: NNX reads and writes the tensor's array.
    @property
    def _raw_value(self):
        return self._data if self._arr is not None else None

    @_raw_value.setter
    def _raw_value(self, value):
        if isinstance(value, Tensor):
            value = value._data
        base = self._base
        if base is not None:  # never the case for modules' own tensors; keep views consistent anyway
            self._assign_array(value)
            return
        self._arr = value
        self._version += 1

    @property
    def _requires_grad(self) -> bool:
        try:
            return object.__getattribute__(self, "_var_metadata").get("requires_grad", False)
        except AttributeError:
            return False

    @_requires_grad.setter
    def _requires_grad(self, value: bool) -> None:
        self._var_metadata["requires_grad"] = bool(value)

    # Tensors are mutable across traces (jtorch.compile lifts them); skip NNX's trace-level check.
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __getattr__(self, name: str):
        try:
            meta = object.__getattribute__(self, "_var_metadata")
        except AttributeError:
            meta = {}
        if name in meta:
            return meta[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __str__(self) -> str:
        return self.__repr__()

    def __getitem__(self, key):
        if getattr(_IN_FOREIGN, "active", 0):
            return nnx.Variable.__getitem__(self, key)
        return Tensor.__getitem__(self, key)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"'{type(self).__name__}' object is not callable")


class Parameter(_TensorVariable, nnx.Param):
    """A Tensor that is a module parameter (and an ``nnx.Param``)."""

    def __new__(cls, data=None, requires_grad: bool = True):
        return object.__new__(cls)

    def __init__(self, data=None, requires_grad: bool = True):
        arr = _as_array(data)
        if requires_grad and not (np.issubdtype(arr.dtype, np.inexact)):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        nnx.Param.__init__(self, arr, requires_grad=bool(requires_grad))

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (np.asarray(self._data), self.requires_grad))


class Buffer(_TensorVariable, nnx.BatchStat):
    """A Tensor that is module state but not a parameter (an NNX ``BatchStat`` Variable)."""

    def __new__(cls, data=None, *, persistent: bool = True):
        return object.__new__(cls)

    def __init__(self, data=None, *, persistent: bool = True):
        requires_grad = bool(data.requires_grad) if isinstance(data, Tensor) else False
        nnx.BatchStat.__init__(self, _as_array(data), requires_grad=requires_grad, persistent=bool(persistent))

    def __repr__(self) -> str:
        # torch's Buffer(t) is a plain Tensor carrying a flag; it prints as one.
        return Tensor.__repr__(self).replace("Buffer(", "tensor(", 1)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), persistent=self._var_metadata.get("persistent", True))
        result.requires_grad_(self.requires_grad)
        if self.grad is not None:
            result.grad = self.grad.clone()
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (
            _rebuild_buffer,
            (np.asarray(self._data), self.requires_grad, self._var_metadata.get("persistent", True)),
        )


def _as_buffer(t: Tensor, persistent: bool = True) -> Buffer:
    """The NNX-visible form of a tensor registered as a buffer (keeps its autograd history)."""
    if isinstance(t, Buffer):
        return t
    b = Buffer(t.detach(), persistent=persistent)
    if t.requires_grad:
        b._var_metadata["requires_grad"] = bool(t._requires_grad)
        b._node, b._out_nr = t._node, t._out_nr
    return b


def _rebuild_parameter(arr, requires_grad):
    return Parameter(Tensor._wrap(as_jax(arr)), requires_grad)


def _rebuild_buffer(arr, requires_grad, persistent):
    b = Buffer(Tensor._wrap(as_jax(arr)), persistent=persistent)
    b.requires_grad_(requires_grad)
    return b


class UninitializedParameter(Parameter):
    """Lazy modules are not implemented in jtorch."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("nn.UninitializedParameter: lazy modules are not implemented in jtorch")


class UninitializedBuffer(Buffer):
    """Lazy modules are not implemented in jtorch."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("nn.UninitializedBuffer: lazy modules are not implemented in jtorch")


def is_lazy(param) -> bool:
    """Whether ``param`` is an uninitialized (lazy) parameter or buffer: never, in jtorch."""
    return isinstance(param, (UninitializedParameter, UninitializedBuffer))
