"""jtorch.save / jtorch.load in PyTorch's own file format, both ways.

A file is a zip archive (``<name>/data.pkl``, ``<name>/data/<key>``, version records) whose pickle
names torch's globals (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``, ``torch.float32``)
and refers to raw storages by persistent id, so real ``torch.load(weights_only=True)`` reads what
jtorch writes and jtorch reads what torch writes. Loading is safe by default: ``weights_only=True``
allows only tensors, containers and the globals torch allows (plus ``add_safe_globals``).

Python's C pickler cannot emit a global it cannot import (``torch`` may not even be installed), so
saving uses the pure-Python ``pickle._Pickler`` with ``save`` overridden for jtorch objects; the
storages themselves are written as raw bytes outside the pickle, so this costs little.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import pickle
import struct
import zipfile
from typing import Any, Callable

import numpy as np

from jtorch import _dtype
from jtorch._host import aligned_empty

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load", "safe_globals", "save"]

DEFAULT_PROTOCOL = 2
_CHUNK = 64 << 20  # bytes per write() call when streaming a storage

# dtype <-> torch's legacy storage class names, as torch pickles them
_STORAGE_NAMES = {
    _dtype.float32: "FloatStorage",
    _dtype.float64: "DoubleStorage",
    _dtype.float16: "HalfStorage",
    _dtype.bfloat16: "BFloat16Storage",
    _dtype.int64: "LongStorage",
    _dtype.int32: "IntStorage",
    _dtype.int16: "ShortStorage",
    _dtype.int8: "CharStorage",
    _dtype.uint8: "ByteStorage",
    _dtype.bool: "BoolStorage",
    _dtype.complex64: "ComplexFloatStorage",
    _dtype.complex128: "ComplexDoubleStorage",
    _dtype.uint16: "UInt16Storage",
    _dtype.uint32: "UInt32Storage",
    _dtype.uint64: "UInt64Storage",
}
_DTYPE_BY_STORAGE = {v: k for k, v in _STORAGE_NAMES.items()}


class _TorchGlobal:
    """A name in torch's namespace, written into the pickle as a GLOBAL."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce insists on a callable
        raise TypeError(f"{self.module}.{self.name} is a name for the pickle, not a function")


_REBUILD_TENSOR = _TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchGlobal("torch._utils", "_rebuild_parameter")
_ORDERED_DICT = collections.OrderedDict


class _StorageRef:
    """One storage to write: the root array of a tensor (and of all its views)."""

    __slots__ = ("key", "dtype", "array")

    def __init__(self, key, dtype, array):
        self.key, self.dtype, self.array = key, dtype, array


def _affine_layout(index: np.ndarray):
    """(offset, strides) if the flat indices of a view are offset + sum(i_k * stride_k), else None."""
    if index.size == 0:
        return 0, tuple(0 for _ in index.shape)
    offset = int(index.flat[0])
    strides = []
    for k in range(index.ndim):
        if index.shape[k] > 1:
            sl = [0] * index.ndim
            sl[k] = 1
            strides.append(int(index[tuple(sl)]) - offset)
        else:
            strides.append(0)
    grid = offset + sum(
        np.arange(n).reshape([-1 if j == k else 1 for j in range(index.ndim)]) * s
        for k, (n, s) in enumerate(zip(index.shape, strides))
    )
    if np.array_equal(np.broadcast_to(grid, index.shape), index):
        return offset, tuple(strides)
    return None


def _contiguous_strides(shape):
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


class _Pickler(pickle._Pickler):
    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages: dict[int, _StorageRef] = {}

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", _TorchGlobal("torch", _STORAGE_NAMES[obj.dtype]), obj.key, "cpu", int(obj.array.size))
        return None

    def _storage_for(self, root) -> _StorageRef:
        ref = self.storages.get(id(root))
        if ref is None:
            ref = _StorageRef(str(len(self.storages)), root.dtype, np.asarray(root._data))
            self.storages[id(root)] = (ref, root)  # keep root alive while pickling
            return ref
        return ref[0]

    def _tensor_args(self, t):
        root = t._base if t._base is not None else t
        layout = None
        if t._base is not None:
            layout = _affine_layout(np.asarray(t._view_index()))
        if layout is None:  # a whole tensor, or a view not expressible by strides: own storage
            if t._base is not None:
                root = t.detach().clone()
            ref = self._storage_for(root)
            offset, strides = 0, _contiguous_strides(tuple(t.shape))
        else:
            ref = self._storage_for(root)
            offset, strides = layout
        return (ref, offset, tuple(t.shape), strides, t.requires_grad and t.is_leaf, _ORDERED_DICT())

    def save(self, obj, save_persistent_id=True):
        if type(obj) in _PLAIN_TYPES:  # speed: most objects need none of the checks below
            super().save(obj, save_persistent_id)
            return
        from jtorch._device import device
        from jtorch._size import Size
        from jtorch._tensor import Tensor

        if isinstance(obj, _TorchGlobal):
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
            return
        if isinstance(obj, Tensor):
            if getattr(obj, "_is_param", False) or type(obj).__name__ == "Parameter":
                data = Tensor._wrap(obj._data)
                data._base, data._view_chain = obj._base, obj._view_chain
                self.save_reduce(_REBUILD_PARAMETER, (_TensorArgs(data), obj.requires_grad, _ORDERED_DICT()), obj=obj)
            else:
                self.save_reduce(_REBUILD_TENSOR, self._tensor_args(obj), obj=obj)
            return
        if isinstance(obj, _TensorArgs):
            self.save_reduce(_REBUILD_TENSOR, self._tensor_args(obj.tensor), obj=None)
            return
        if isinstance(obj, _dtype.dtype):
            self.save(_TorchGlobal("torch", obj.name))
            return
        if isinstance(obj, device):
            self.save_reduce(_TorchGlobal("torch", "device"), (str(obj),), obj=obj)
            return
        if isinstance(obj, Size):
            self.save_reduce(_TorchGlobal("torch", "Size"), (tuple(obj),), obj=obj)
            return
        super().save(obj, save_persistent_id)


_PLAIN_TYPES = frozenset({int, float, str, bytes, bool, type(None), tuple, list, dict})


class _TensorArgs:
    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


def _open_for_write(f):
    """A path is written to a temporary file in the same folder and renamed over the target when
    complete, so a crash mid-save never leaves a half-written file where a good one was."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        tmp = f"{path}.tmp-{os.getpid()}"
        return open(tmp, "wb"), (tmp, path), os.path.splitext(os.path.basename(path))[0] or "archive"
    return f, None, "archive"


def _write_entry(zf: zipfile.ZipFile, name: str, data, align: int = 64) -> None:
    """Write one stored (uncompressed) record; ``data`` is bytes or a numpy array, streamed without a copy."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    if align:
        # Pad the local header's extra field so the data starts on an `align`-byte boundary (torch does the same).
        base = zf.fp.tell() + 30 + len(name.encode())
        pad = (-(base + 4)) % align
        info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
    if isinstance(data, bytes):
        zf.writestr(info, data)
        return
    # Speed: ``arr.tobytes()`` + ``writestr`` copied every storage once more; the stream writer takes the
    # array's memory directly (CRC computed on the fly, as torch.save does).
    view = memoryview(np.ascontiguousarray(data).reshape(-1).view(np.uint8))
    info.file_size = len(view)
    with zf.open(info, "w") as w:
        for i in range(0, len(view), _CHUNK):
            w.write(view[i : i + _CHUNK])


def save(
    obj: Any,
    f,
    pickle_module=pickle,
    pickle_protocol: int = DEFAULT_PROTOCOL,
    _use_new_zipfile_serialization: bool = True,
    _disable_byteorder_record: bool = False,
) -> None:
    """Write ``obj`` to ``f`` (path, PathLike or binary file object) in PyTorch's zip format."""
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("jtorch.save writes only the zip format (torch's default since 1.6)")
    if pickle_module is not pickle:
        raise NotImplementedError("jtorch.save supports only the standard pickle module")
    buf = io.BytesIO()
    pickler = _Pickler(buf, pickle_protocol)
    pickler.dump(obj)
    fh, rename, name = _open_for_write(f)
    try:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
            _write_entry(zf, f"{name}/data.pkl", buf.getvalue(), align=0)
            _write_entry(zf, f"{name}/.format_version", b"1", align=0)
            _write_entry(zf, f"{name}/.storage_alignment", b"64", align=0)
            if not _disable_byteorder_record:
                _write_entry(zf, f"{name}/byteorder", b"little", align=0)
            for ref, _root in sorted(pickler.storages.values(), key=lambda r: int(r[0].key)):
                _write_entry(zf, f"{name}/data/{ref.key}", ref.array)
            _write_entry(zf, f"{name}/version", b"3\n", align=0)
            _write_entry(zf, f"{name}/.data/serialization_id", os.urandom(20).hex().encode(), align=0)
    except BaseException:
        if rename:
            fh.close()
            os.unlink(rename[0])
        raise
    if rename:
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(*rename)


# --- loading ------------------------------------------------------------------------------------

_safe_globals: list = []


def add_safe_globals(safe_globals: list) -> None:
    """Allow these classes/functions when loading with ``weights_only=True``."""
    _safe_globals.extend(safe_globals)


def clear_safe_globals() -> None:
    _safe_globals.clear()


def get_safe_globals() -> list:
    return list(_safe_globals)


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    n = len(_safe_globals)
    _safe_globals.extend(safe_globals)
    try:
        yield
    finally:
        del _safe_globals[n:]


def _qualname(obj) -> str:
    if isinstance(obj, tuple):
        obj = obj[0]
    return f"{obj.__module__}.{obj.__qualname__}"


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    return _LoadedTensor(storage, storage_offset, tuple(size), tuple(stride), requires_grad)


class _LoadedTensor:
    """A tensor read from a file, before storage sharing is resolved (see ``_materialize``)."""

    __slots__ = ("storage", "offset", "size", "stride", "requires_grad", "param", "tensor")

    def __init__(self, storage, offset, size, stride, requires_grad):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride
        self.requires_grad, self.param, self.tensor = requires_grad, False, None


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    data.requires_grad, data.param = requires_grad, True
    return data


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch's wrapper for tensor subclasses; jtorch rebuilds the plain tensor (no subclass state)."""
    return func(*args)


class _Storage:
    __slots__ = ("key", "dtype", "array", "users")

    def __init__(self, key, dtype, array):
        self.key, self.dtype, self.array, self.users = key, dtype, array, []


class _StorageType:
    def __init__(self, name):
        self.dtype = _DTYPE_BY_STORAGE[name]


def _torch_globals() -> dict:
    from jtorch._device import device
    from jtorch._size import Size

    table = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch", "Size"): Size,
        ("torch", "device"): device,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "Counter"): collections.Counter,
        ("builtins", "set"): set,
        ("builtins", "complex"): complex,
        ("builtins", "bytearray"): bytearray,
        ("_codecs", "encode"): __import__("codecs").encode,
    }
    for name in _DTYPE_BY_STORAGE:
        table[("torch", name)] = _StorageType(name)
    for d in _dtype.ALL:
        table[("torch", d.name)] = d
    return table


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, read_storage: Callable, weights_only: bool, **kwargs):
        super().__init__(file, **kwargs)
        self._read_storage = read_storage
        self._weights_only = weights_only
        self._globals = _torch_globals()
        self.storages: dict[str, _Storage] = {}
        self.tensors: list[_LoadedTensor] = []

    def find_class(self, module, name):
        fn = self._globals.get((module, name))
        if fn is not None:
            return fn
        for obj in _safe_globals:
            target = obj[0] if isinstance(obj, tuple) else obj
            alias = obj[1] if isinstance(obj, tuple) else _qualname(obj)
            if alias == f"{module}.{name}":
                return target
        if self._weights_only:
            raise pickle.UnpicklingError(
                "Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. \n\t(1) In PyTorch 2.6, we "
                "changed the default value of the `weights_only` argument in `torch.load` from `False` to `True`. "
                "Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can result in "
                "arbitrary code execution. Do it only if you got the file from a trusted source.\n\t(2) Alternatively, to "
                "load with `weights_only=True` please check the recommended steps in the following error message.\n\t"
                f"WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} was not an allowed global by "
                f"default. Please use `torch.serialization.add_safe_globals([{module}.{name}])` or the "
                f"`torch.serialization.safe_globals([{module}.{name}])` context manager to allowlist this global if you "
                "trust this class/function.\n\nCheck the documentation of torch.load to learn more about types accepted "
                "by default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html."
            )
        if module == "torch" or module.startswith("torch."):
            module = "j" + module  # a pickled torch object: use jtorch's class of the same path
        return super().find_class(module, name)

    def persistent_load(self, pid):
        kind, storage_type, key, location, numel = pid[:5]
        if kind != "storage":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        st = self.storages.get(key)
        if st is None:
            dt = storage_type.dtype if isinstance(storage_type, _StorageType) else _dtype.uint8
            st = self.storages[key] = _Storage(key, dt, self._read_storage(key, dt, numel))
        return st

    def load(self):
        obj = super().load()
        return _materialize(obj, self.storages)


def _strided_index(offset, size, stride) -> np.ndarray:
    """Flat storage positions of a tensor with this (offset, size, stride) layout."""
    idx = np.asarray(offset, np.int64)
    for k, (n, st) in enumerate(zip(size, stride)):
        idx = idx + np.arange(n, dtype=np.int64).reshape([-1 if j == k else 1 for j in range(len(size))]) * st
    return np.broadcast_to(idx, size)


def _materialize(obj, storages):
    """Replace loaded tensors by jtorch tensors; tensors sharing a storage become views of one root."""
    import jax

    from jtorch._tensor import Tensor

    users: dict[str, list] = collections.defaultdict(list)
    seen = {}

    def collect(o):
        if isinstance(o, _LoadedTensor):
            if id(o) not in seen:
                seen[id(o)] = o
                users[o.storage.key].append(o)
        elif isinstance(o, dict):
            for v in o.values():
                collect(v)
        elif isinstance(o, (list, tuple, set, frozenset)):
            for v in o:
                collect(v)
        elif hasattr(o, "__dict__") and not isinstance(o, type):
            for v in vars(o).values():
                collect(v)

    collect(obj)
    for key, ts in users.items():
        st = storages[key]
        arr = np.asarray(st.array)
        if len(ts) == 1:
            # Speed: a strided view of the storage (no index array, no gather); device_put takes an aligned
            # contiguous buffer without copying, where jnp.asarray staged a copy through a jitted op.
            t = ts[0]
            numel = int(np.prod(t.size, dtype=np.int64))
            if numel == 0:
                src = np.empty(t.size, arr.dtype)
            elif t.offset == 0 and numel == arr.size and t.stride == _contiguous_strides(t.size):
                src = arr.reshape(t.size)
            elif not t.size:  # 0-d (as_strided reads an empty shape as "keep the input's")
                src = arr[t.offset : t.offset + 1].reshape(())
            else:
                src = np.lib.stride_tricks.as_strided(arr[t.offset :], t.size, [s * arr.itemsize for s in t.stride])
                src = np.ascontiguousarray(src)
            t.tensor = Tensor._wrap(jax.device_put(src))
            continue
        root = Tensor._wrap(jax.device_put(arr))
        for t in ts:
            t.tensor = _strided_view(root, t.offset, t.size, t.stride)
    for t in seen.values():
        out = t.tensor
        if t.param:
            from jtorch.nn import Parameter

            out = Parameter(out, requires_grad=t.requires_grad)
        elif t.requires_grad:
            out.requires_grad_(True)
        t.tensor = out
    return _replace(obj, {})


def _strided_view(root, offset, size, stride):
    return root._make_view(
        "AsStridedBackward0", _as_strided_fn, (("offset", offset), ("size", size), ("stride", stride))
    )


def _as_strided_fn(a, *, offset, size, stride):
    return a.reshape(-1)[_strided_index(offset, size, stride)]


def _replace(o, memo):
    if isinstance(o, _LoadedTensor):
        return o.tensor
    if id(o) in memo:
        return memo[id(o)]
    if isinstance(o, collections.OrderedDict):
        out = type(o)((k, _replace(v, memo)) for k, v in o.items())
        if hasattr(o, "_metadata"):
            out._metadata = o._metadata
    elif type(o) is dict:
        out = {k: _replace(v, memo) for k, v in o.items()}
    elif type(o) is list:
        out = [_replace(v, memo) for v in o]
    elif type(o) is tuple:
        out = tuple(_replace(v, memo) for v in o)
    elif isinstance(o, tuple) and hasattr(o, "_fields"):
        out = type(o)(*(_replace(v, memo) for v in o))
    elif hasattr(o, "__dict__") and not isinstance(o, type) and not callable(getattr(o, "_jtorch_no_replace", None)):
        for k, v in list(vars(o).items()):
            new = _replace(v, memo)
            if new is not v:
                object.__setattr__(o, k, new)
        out = o
    else:
        out = o
    memo[id(o)] = out
    return out


def _map_location(tensor_obj, map_location):
    return tensor_obj


def load(
    f,
    map_location=None,
    pickle_module=None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
    **pickle_load_args,
) -> Any:
    """Read an object saved by ``torch.save`` or ``jtorch.save`` (zip format or torch's legacy format)."""
    if weights_only is None:
        weights_only = os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0") not in ("1", "true", "True")
    if isinstance(f, (str, os.PathLike)):
        if mmap:
            return _load_zip(
                zipfile.ZipFile(os.fspath(f)), weights_only, map_location, mmap_path=os.fspath(f), **pickle_load_args
            )
        with open(f, "rb") as fh:
            if fh.read(2) == b"PK":
                # Speed: read each storage straight from the file into its final buffer (no whole-file read,
                # no per-record copy; CRCs are not checked on load, as torch's reader does not).
                fh.seek(0)
                try:
                    zf = zipfile.ZipFile(fh)
                except zipfile.BadZipFile as e:
                    raise RuntimeError(
                        "PytorchStreamReader failed reading zip archive: failed finding central directory (the file "
                        "is truncated or corrupted)"
                    ) from e
                return _load_zip(zf, weights_only, map_location, direct=fh, **pickle_load_args)
            fh.seek(0)
            fobj = io.BytesIO(fh.read())
    else:
        if mmap:
            raise ValueError("f must be a file path in order to use the mmap argument")
        fobj = f
    start = fobj.tell()
    magic = fobj.read(4)
    fobj.seek(start)
    if magic[:2] == b"PK":
        try:
            zf = zipfile.ZipFile(fobj)
        except zipfile.BadZipFile as e:
            raise RuntimeError(
                "PytorchStreamReader failed reading zip archive: failed finding central directory (the file is truncated or corrupted)"
            ) from e
        return _load_zip(zf, weights_only, map_location, **pickle_load_args)
    return _load_legacy(fobj, weights_only, map_location, **pickle_load_args)


def _record_offset(fh, info: zipfile.ZipInfo) -> int:
    """Where a stored record's bytes start: after its local header and extra field."""
    fh.seek(info.header_offset + 26)
    n, m = struct.unpack("<HH", fh.read(4))
    return info.header_offset + 30 + n + m


def _load_zip(zf: zipfile.ZipFile, weights_only, map_location, mmap_path=None, direct=None, **kwargs):
    names = zf.namelist()
    pkl = next((n for n in names if n.endswith("data.pkl") and n.count("/") == 1), None)
    if pkl is None:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    prefix = pkl[: -len("data.pkl")]

    def read_storage(key, dt, numel):
        name = f"{prefix}data/{key}"
        if mmap_path is not None:
            info = zf.getinfo(name)
            with open(mmap_path, "rb") as fh:
                fh.seek(info.header_offset + 26)
                n, m = struct.unpack("<HH", fh.read(4))
            start = info.header_offset + 30 + n + m
            return np.memmap(mmap_path, dtype=dt.np, mode="r", offset=start, shape=(numel,))
        if direct is not None:
            info = zf.getinfo(name)
            if info.compress_type == zipfile.ZIP_STORED:
                out = aligned_empty((numel,), dt.np)
                direct.seek(_record_offset(direct, info))
                if direct.readinto(memoryview(out.view(np.uint8))) != out.nbytes:
                    raise RuntimeError(f"PytorchStreamReader failed reading file {name}: file read failed")
                return out
        return np.frombuffer(zf.read(name), dtype=dt.np, count=numel)

    up = _Unpickler(io.BytesIO(zf.read(pkl)), read_storage, weights_only, **kwargs)
    return _apply_map_location(up.load(), map_location)


def _apply_map_location(obj, map_location):
    if map_location is None:
        return obj
    from jtorch._device import device
    from jtorch._tensor import Tensor

    def move(t):
        if isinstance(map_location, (str, device)):
            return t.to(map_location) if str(map_location) != "cpu" or True else t
        if isinstance(map_location, dict):
            target = map_location.get("cpu", map_location.get(str(t.device)))
            return t.to(target) if target is not None else t
        if callable(map_location):
            out = map_location(t, "cpu")
            return t if out is None else out
        raise ValueError(
            f"map_location should be a string, device, dict or callable, got {type(map_location).__name__}"
        )

    def walk(o):
        if isinstance(o, Tensor):
            return move(o)
        if isinstance(o, collections.OrderedDict):
            return type(o)((k, walk(v)) for k, v in o.items())
        if type(o) is dict:
            return {k: walk(v) for k, v in o.items()}
        if type(o) in (list, tuple):
            return type(o)(walk(v) for v in o)
        return o

    return walk(obj)


def _load_legacy(fobj, weights_only, map_location, **kwargs):
    """torch's pre-1.6 format: pickled magic/protocol/sys-info, the object, the storage keys, raw storages."""
    magic = pickle.load(fobj)
    if magic != 0x1950A86A20F9469CFC6C:
        raise RuntimeError("Invalid magic number; corrupt file?")
    pickle.load(fobj)  # protocol version
    pickle.load(fobj)  # sys info
    pending: dict[str, tuple] = {}
    storages: dict[str, _Storage] = {}

    class Legacy(_Unpickler):
        def persistent_load(self, pid):
            kind, storage_type, key, location, numel = pid[:5]
            st = storages.get(key)
            if st is None:
                st = storages[key] = _Storage(key, storage_type.dtype, None)
                pending[key] = (storage_type.dtype, numel)
            return st

    up = Legacy(fobj, None, weights_only, **kwargs)
    obj = pickle.Unpickler.load(up)
    keys = pickle.load(fobj)
    for key in keys:
        dt, _ = pending[key]
        (n,) = struct.unpack("<q", fobj.read(8))
        storages[key].array = np.frombuffer(fobj.read(n * dt.itemsize), dtype=dt.np, count=n)
    return _apply_map_location(_materialize(obj, storages), map_location)
