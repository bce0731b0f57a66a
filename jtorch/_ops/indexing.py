"""Indexing: ``x[idx]`` and ``x[idx] = v`` with ints, slices, None, ..., bool masks and index
tensors; basic indexing returns a view as in torch, advanced indexing a copy. Indices are checked
against the shape and raise IndexError, since JAX would clamp them silently."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._host import host_array
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import torch_op
from jtorch._tensor import Tensor

_ARRAY = "a"  # placeholder for an index array in a static template


def _rebuild(template, arrays):
    it = iter(arrays)
    out = []
    for kind, *v in template:
        if kind == "i":
            out.append(v[0])
        elif kind == "s":
            out.append(slice(*v))
        elif kind == "n":
            out.append(None)
        else:
            out.append(next(it))
    return tuple(out)


def _split_ints(template):
    """torch applies integer indices as ``select`` before advanced indexing (numpy instead treats
    them as advanced indices, which moves dims differently): split off an int-only first stage."""
    if not any(t[0] == "i" for t in template) or not any(t[0] == _ARRAY for t in template):
        return None, template
    first = tuple(t if t[0] == "i" else ("s", None, None, None) for t in template if t[0] != "n")
    return first, tuple(t for t in template if t[0] != "i")


def _get(a, *arrays, template):
    first, rest = _split_ints(template)
    if first is not None:
        a = a[_rebuild(first, ())]
    return a[_rebuild(rest, arrays)]


def _put(a, v, *arrays, template, accumulate):
    first, rest = _split_ints(template)
    v = v.astype(a.dtype)
    if first is not None:
        outer = _rebuild(first, ())
        return a.at[outer].set(_put(a[outer], v, *arrays, template=rest, accumulate=accumulate))
    ref = a.at[_rebuild(rest, arrays)]
    return ref.add(v) if accumulate else ref.set(v)


def _concrete(t):
    arr = t._data
    try:
        return np.asarray(arr)
    except Exception:  # a tracer: no bounds check possible
        return None


def _scalar_bool(value: bool, template, arrays) -> None:
    """A 0-d mask adds a dim of size 1 (True) or 0 (False), as in torch and numpy."""
    template.append(("n",))
    if not value:
        arrays.append(jnp.zeros((0,), jnp.int64))
        template.append((_ARRAY,))


def _sequence_as_tuple(index) -> bool:
    """torch's legacy rule: a short list holding a tensor, sequence, slice, None or ... is a tuple."""
    if not isinstance(index, list) or len(index) >= 32:
        return False
    return any(isinstance(it, (Tensor, list, tuple, slice)) or it is None or it is Ellipsis for it in index)


def _parse(x: Tensor, index):
    """Turn a torch index into (static template, index arrays, is_basic)."""
    if _sequence_as_tuple(index):
        import warnings

        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch "
            "2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, "
            "x[torch.tensor(seq)], which will result either in an error or a different result",
            UserWarning,
            stacklevel=3,
        )
        index = tuple(index)
    if not isinstance(index, tuple):
        index = (index,)
    items = []
    for it in index:
        if isinstance(it, list):
            it = Tensor._wrap(host_array(np.asarray(it)))
        elif isinstance(it, np.ndarray):
            it = Tensor._wrap(host_array(it))
        items.append(it)
    # bool masks consume as many dims as they have; everything else except None/... one
    consumed = sum(
        it.ndim
        if isinstance(it, Tensor) and it.dtype is _dtype.bool
        else (0 if it is None or it is Ellipsis or isinstance(it, bool) else 1)
        for it in items
    )
    if consumed > x.ndim:
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    if sum(1 for it in items if it is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    template, arrays, basic = [], [], True
    dim = 0
    shape = x.shape
    for it in items:
        if it is Ellipsis:
            n = x.ndim - consumed
            template.extend([("s", None, None, None)] * n)
            dim += n
        elif it is None:
            template.append(("n",))
        elif isinstance(it, bool):
            _scalar_bool(it, template, arrays)
            basic = False
        elif isinstance(it, (int, np.integer)):
            k = int(it)
            n = shape[dim]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {n}")
            template.append(("i", k % n))
            dim += 1
        elif isinstance(it, slice):
            step = 1 if it.step is None else int(it.step)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            start = None if it.start is None else int(it.start)
            stop = None if it.stop is None else int(it.stop)
            template.append(("s", start, stop, step if step != 1 else None))
            dim += 1
        elif isinstance(it, Tensor):
            basic = False
            if it.dtype is _dtype.bool or it.dtype is _dtype.uint8:
                if it.dtype is _dtype.uint8:
                    import warnings

                    warnings.warn(
                        "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                        UserWarning,
                        stacklevel=3,
                    )
                mask = _concrete(it)
                if mask is None:
                    raise NotImplementedError(
                        "boolean mask indexing inside jtorch.compile/jax.jit needs a static shape; use torch.where instead"
                    )
                if mask.ndim == 0:
                    _scalar_bool(bool(mask), template, arrays)
                    continue
                for k in range(mask.ndim):
                    if mask.shape[k] != shape[dim + k]:
                        raise IndexError(
                            f"The shape of the mask {list(mask.shape)} at index {k} does not match the shape of the indexed tensor {list(shape)} at index {dim + k}"
                        )
                for nz in np.nonzero(mask.astype(bool)):
                    arrays.append(host_array(nz))
                    template.append((_ARRAY,))
                dim += mask.ndim
            elif it.dtype.is_floating_point or it.dtype.is_complex:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            else:
                idx = _concrete(it)
                n = shape[dim]
                if idx is not None and idx.size:
                    bad = idx[(idx < -n) | (idx >= n)]
                    if bad.size:
                        raise IndexError(f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {n}")
                arrays.append(it._data)
                template.append((_ARRAY,))
                dim += 1
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got "
                f"{type(it).__name__})"
            )
    return tuple(template), arrays, basic


def _view_name(template):
    kinds = {t[0] for t in template}
    if "i" in kinds:
        return "SelectBackward0"
    if "s" in kinds and any(t != ("s", None, None, None) for t in template if t[0] == "s"):
        return "SliceBackward0"
    if "n" in kinds:
        return "UnsqueezeBackward0"
    return "AliasBackward0"


def getitem(self: Tensor, index):
    template, arrays, basic = _parse(self, index)
    if basic:
        return self._make_view(_view_name(template), _get, (("template", template),))
    return apply("IndexBackward0", _get, [self, *[Tensor._wrap(a) for a in arrays]], (("template", template),))


def _check_value_shape(self, template, arrays, basic, value) -> None:
    """torch's errors for a value that does not broadcast to the indexed shape (JAX's differ)."""
    from jtorch._ops.dispatch import forward_fn

    target = tuple(forward_fn(_get, (("template", template),)).eval_shape(self._data, *arrays).shape)
    vs = tuple(value.shape)
    try:
        ok = jnp.broadcast_shapes(vs, target) == target
    except ValueError:
        ok = False
    if ok:
        return
    if not basic:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(vs)} cannot be broadcast to indexing result of shape {list(target)}"
        )
    value.expand(target)  # raises torch's expand error
    raise RuntimeError(
        f"output with shape {list(target)} doesn't match the broadcast shape {list(jnp.broadcast_shapes(vs, target))}"
    )


def setitem(self: Tensor, index, value) -> None:
    template, arrays, basic = _parse(self, index)
    if isinstance(value, Tensor) and not basic and value.dtype is not self.dtype:
        single_mask = isinstance(index, Tensor) and index.dtype is _dtype.bool
        if not (single_mask and value.ndim == 0):
            from jtorch._ops.extra import _scalar_name

            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{_scalar_name(self.dtype)} for the destination and {_scalar_name(value.dtype)} for the source."
            )
    if isinstance(value, Tensor) and value.ndim and value.shape[0] == 1:
        # torch's slicePrefix1sDims: leading size-1 dims of the value are dropped (x[i] = v.view(1, 1, n))
        shape = tuple(value.shape)
        value = value.reshape(shape[next((i for i, s in enumerate(shape) if s != 1), len(shape)) :])
    if isinstance(value, Tensor) and value.ndim:
        _check_value_shape(self, template, arrays, basic, value)
    if not isinstance(value, Tensor):
        if not isinstance(value, (bool, int, float, complex)):
            cls = type(value)
            name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__.split('.')[0]}.{cls.__name__}"
            raise TypeError(f"can't assign a {name} to a {self.type()}")
        value = Tensor._wrap(jnp.asarray(value, self.dtype.np))
    from jtorch.autograd.grad_mode import is_grad_enabled

    if is_grad_enabled() and self._requires_grad and self._node is None and self._base is None:
        # torch writes a basic index through a view (copy_), an advanced one with index_put_
        view = "a view of " if basic and template else ""
        raise RuntimeError(f"{view}a leaf Variable that requires grad is being used in an in-place operation.")
    if basic and template and "_multi_view" in self.__dict__:
        # a piece of split/unbind: write through the indexed view as torch does (view + copy_), so
        # torch's multi-output-view checks and messages apply to that view
        getitem(self, index)._inplace(value)
        return
    new = apply(
        "IndexPutBackward0",
        _put,
        [self, value, *[Tensor._wrap(a) for a in arrays]],
        (("template", template), ("accumulate", False)),
    )
    self._write(new)


@torch_op(method=False)
def index_put(input, indices, values, accumulate=False):
    template = tuple((_ARRAY,) for _ in indices)
    return apply(
        "IndexPutBackward0", _put, [input, values, *indices], (("template", template), ("accumulate", accumulate))
    )


def _index_put_(self, indices, values, accumulate=False):
    return self._inplace(index_put(self, indices, values, accumulate))


@torch_op()
def nonzero(input, *, as_tuple=False):
    arr = _concrete(input)
    if arr is None:
        raise NotImplementedError("nonzero has a data-dependent shape and cannot run inside jtorch.compile/jax.jit")
    nz = np.nonzero(arr) if arr.ndim else np.nonzero(arr.reshape(1))
    if as_tuple:
        return tuple(Tensor._wrap(jnp.asarray(n, jnp.int64)) for n in nz)
    return Tensor._wrap(jnp.asarray(np.stack(nz, axis=1) if arr.ndim else np.zeros((int(bool(arr)), 0)), jnp.int64))


@torch_op()
def argwhere(input):
    return nonzero(input)


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
Tensor.index_put_ = _index_put_
Tensor.index_put = lambda self, indices, values, accumulate=False: index_put(self, indices, values, accumulate)
