"""default_collate / default_convert with torch's rules.

Numbers, numpy arrays and tensors become batched tensors (Python float -> float64, int -> int64),
mappings, namedtuples and sequences keep their structure, strings stay lists. ``collate_numpy`` is
the same recursion producing numpy arrays; DataLoader workers use it so they send plain arrays
through grain's shared memory, and the main process turns them into tensors.
"""

from __future__ import annotations

import collections.abc
import re

import numpy as np

__all__ = ["default_collate", "default_convert"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _is_tensor(x) -> bool:
    from jtorch import Tensor

    return isinstance(x, Tensor)


def _rebuild(elem, values):
    """Rebuild a container of the type of ``elem`` from ``values`` (a dict or a list)."""
    if isinstance(values, dict):
        if isinstance(elem, collections.abc.MutableMapping):
            try:
                clone = elem.copy() if hasattr(elem, "copy") else type(elem)()
                clone.update(values)
                return clone
            except TypeError:
                return values
        try:
            return type(elem)(values)
        except TypeError:
            return values
    try:
        return type(elem)(values)
    except TypeError:
        return values


def _collate(batch, leaf):
    """The shared recursion; ``leaf(kind, batch)`` makes the batched leaf."""
    from jtorch.utils.data.dataset import _BatchedSamples

    if isinstance(batch, _BatchedSamples):  # TensorDataset.__getitems__: already stacked
        return [leaf("stacked", c) for c in batch.columns]
    elem = batch[0]
    elem_type = type(elem)
    if _is_tensor(elem):
        return leaf("tensor", batch)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ in ("ndarray", "memmap"):
            if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
                raise TypeError(default_collate_err_msg_format.format(elem.dtype))
            return leaf("ndarray", batch)
        if elem.shape == ():
            return leaf("npscalar", batch)
    if isinstance(elem, bool):
        return leaf("bool", batch)
    if isinstance(elem, float):
        return leaf("float", batch)
    if isinstance(elem, int):
        return leaf("int", batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: _collate([d[key] for d in batch], leaf) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(_collate(samples, leaf) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [_collate(samples, leaf) for samples in transposed]
        return _rebuild(elem, [_collate(samples, leaf) for samples in transposed])
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def _own_tensor(arr: np.ndarray):
    """A tensor of an array this module made (a gather, a stack, an unpickled batch): nothing else
    holds it, so JAX takes its memory without the copy ``from_numpy`` makes."""
    from jtorch import _dtype
    from jtorch._host import host_array
    from jtorch._tensor import Tensor

    _dtype.from_numpy_dtype(arr.dtype)  # torch's error for a dtype it has no tensor type for
    return Tensor._wrap(host_array(arr, private=True))


def _tensor_leaf(kind, batch):
    import jtorch

    if kind == "stacked":
        return _own_tensor(np.ascontiguousarray(batch))
    if kind == "tensor":
        return jtorch.stack(batch, 0)
    if kind == "ndarray":
        return _own_tensor(np.stack(batch))
    if kind == "npscalar":
        return jtorch.as_tensor(np.asarray(batch))
    arr = _py_numbers(kind, batch)
    if arr is not None:
        return _own_tensor(arr)
    if kind == "float":
        return jtorch.tensor(batch, dtype=jtorch.float64)
    return jtorch.tensor(batch)


def _py_numbers(kind, batch):
    """A list of Python numbers as numpy with torch's dtype (float64, int64, bool) when the list is
    uniform (one numpy conversion instead of jtorch.tensor's per-element dtype inference); None
    for mixed lists (e.g. ints and floats give float32 in torch), left to ``tensor``'s rules."""
    if kind == "float":
        return np.asarray(batch, dtype=np.float64)
    exact = int if kind == "int" else bool
    if not all(type(x) is exact for x in batch):
        return None
    try:
        return np.asarray(batch, dtype=np.int64 if kind == "int" else np.bool_)
    except OverflowError:
        return None


def _numpy_leaf(kind, batch):
    if kind == "stacked":
        return batch
    if kind == "tensor":
        shapes = {tuple(b.shape) for b in batch}
        if len(shapes) > 1:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(batch[0].shape)} at entry 0 and "
                f"{list(next(b.shape for b in batch if tuple(b.shape) != tuple(batch[0].shape)))} at entry 1"
            )
        return np.stack([np.asarray(b._data) for b in batch])
    if kind == "ndarray":
        return np.stack(batch)
    if kind == "npscalar":
        return np.asarray(batch)
    arr = _py_numbers(kind, batch)
    if arr is None:  # mixed Python numbers: tensor()'s dtype rules
        return np.asarray(_tensor_leaf(kind, batch)._data)
    return arr


def default_collate(batch):
    """Merge a list of samples into a batch, torch's way."""
    return _collate(batch, _tensor_leaf)


def collate_numpy(batch):
    """default_collate with numpy leaves (for DataLoader workers); see ``numpy_to_tensors``."""
    return _collate(batch, _numpy_leaf)


def numpy_to_tensors(data):
    """Turn every numpy array in a collated structure into a jtorch tensor."""

    if isinstance(data, np.ndarray):
        return _own_tensor(np.ascontiguousarray(data))
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: numpy_to_tensors(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(numpy_to_tensors(v) for v in data))
    if isinstance(data, (list, tuple)):
        return type(data)(numpy_to_tensors(v) for v in data)
    return data


def default_convert(data):
    """Turn numpy arrays (not strings) into tensors, recursively; leave everything else."""
    import jtorch

    elem_type = type(data)
    if _is_tensor(data):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return jtorch.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data
