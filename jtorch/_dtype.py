"""torch dtype objects over numpy/JAX dtypes, and torch's type promotion rules."""

from __future__ import annotations

import builtins

import jax.numpy as jnp
import ml_dtypes
import numpy as np


class dtype:
    """A torch dtype: a name (``torch.float32``) over a numpy dtype."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_legacy")

    def __init__(self, name: str, np_dtype, legacy: str | None = None):
        self.name = name
        self.np = np.dtype(np_dtype)
        kind = self.np.kind
        self.is_complex = kind == "c"
        self.is_floating_point = kind == "f" or self.np == np.dtype(ml_dtypes.bfloat16)
        self.is_signed = kind in "fci" or self.is_floating_point
        self.itemsize = self.np.itemsize
        self._legacy = legacy

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_complex(self) -> dtype:
        """c10's toComplexType: bfloat16 has float32's range, so it maps to complex64."""
        if self.is_complex:
            return self
        if not self.is_floating_point:
            raise RuntimeError(f"Unknown Complex ScalarType for {type_name(self)}")
        return {float16: complex32, bfloat16: complex64, float32: complex64, float64: complex128}[self]

    def to_real(self) -> dtype:
        return {complex32: float16, complex64: float32, complex128: float64}.get(self, self)


float32 = dtype("float32", np.float32, "FloatTensor")
float64 = dtype("float64", np.float64, "DoubleTensor")
float16 = dtype("float16", np.float16, "HalfTensor")
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, "BFloat16Tensor")
complex32 = dtype("complex32", np.complex64)  # no numpy complex32: tensors of it are stored as complex64
complex32.itemsize = 4
complex64 = dtype("complex64", np.complex64)
complex128 = dtype("complex128", np.complex128)
uint8 = dtype("uint8", np.uint8, "ByteTensor")
uint16 = dtype("uint16", np.uint16)
uint32 = dtype("uint32", np.uint32)
uint64 = dtype("uint64", np.uint64)
int8 = dtype("int8", np.int8, "CharTensor")
int16 = dtype("int16", np.int16, "ShortTensor")
int32 = dtype("int32", np.int32, "IntTensor")
int64 = dtype("int64", np.int64, "LongTensor")
bool = dtype("bool", np.bool_, "BoolTensor")  # noqa: A001 - torch.bool

float = float32  # noqa: A001
double = float64
half = float16
cfloat = complex64
cdouble = complex128
chalf = complex32
short = int16
int = int32  # noqa: A001
long = int64

ALL = (
    float32,
    float64,
    float16,
    bfloat16,
    complex64,
    complex128,
    uint8,
    uint16,
    uint32,
    uint64,
    int8,
    int16,
    int32,
    int64,
    bool,
)
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL + (complex32,)}
_BY_LEGACY = {d._legacy: d for d in ALL if d._legacy}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, uint16, "
            "uint8, and bool."
        ) from None


def to_dtype(d) -> dtype:
    """Accept a jtorch dtype, a Python type, a numpy/JAX dtype or a legacy tensor type name."""
    if isinstance(d, dtype):
        return d
    if d is builtins.float:  # Python's float is a double: torch maps it to float64, not the default dtype
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if d is builtins.complex:
        return complex128
    if isinstance(d, str):
        name = d.rsplit(".", 1)[-1]
        if name in _BY_LEGACY:
            return _BY_LEGACY[name]
        for cand in ALL:  # Tensor.type() names of dtypes without a legacy class: ComplexFloatTensor...
            if name == f"{type_name(cand)}Tensor":
                return cand
        if name in _BY_NAME:
            return _BY_NAME[name]
        raise TypeError(f"invalid type: '{d}'")
    legacy = getattr(d, "_jtorch_dtype", None)
    if legacy is not None:
        return legacy
    return from_numpy_dtype(d)


# --- default dtype -------------------------------------------------------------------------

_default = [float32]


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d) -> None:
    d = to_dtype(d)
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


# --- promotion -------------------------------------------------------------------------------


def _category(d: dtype) -> builtins.int:
    if d is bool:
        return 0
    if d.is_complex:
        return 3
    if d.is_floating_point:
        return 2
    return 1


_BAREBONES_UNSIGNED = (uint16, uint32, uint64)


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types: the smallest dtype both can be cast to (c10's promoteTypes lattice)."""
    if a is b:
        return a
    if a in _BAREBONES_UNSIGNED or b in _BAREBONES_UNSIGNED:
        # torch promotes uint16/32/64 only with real floating types (which win)
        if a.is_floating_point and not b.is_complex:
            return a
        if b.is_floating_point and not a.is_complex:
            return b
        raise RuntimeError(
            "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
            f"{type_name(a)} and {type_name(b)}"
        )
    ca, cb = _category(a), _category(b)
    if ca == 3 or cb == 3:  # complex: promote the real parts, then make complex
        return promote_types(a.to_real(), b.to_real()).to_complex()
    if ca != cb:
        return a if ca > cb else b
    if ca == 2:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize > b.itemsize else b
    return _BY_NP[np.promote_types(a.np, b.np)]


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # Mirrors c10's combine_categories used by at::native::result_type.
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x) -> dtype:
    """The dtype torch gives a Python (or numpy) number when it is wrapped into a tensor."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, builtins.bool):
        return bool
    if isinstance(x, builtins.int):
        return int64
    if isinstance(x, builtins.float):
        return get_default_dtype()
    if isinstance(x, builtins.complex):
        return get_default_dtype().to_complex()
    raise TypeError(f"unsupported scalar type {type(x).__name__}")


def result_type(*operands) -> dtype:
    """torch.result_type over tensors and Python numbers: dimensioned tensors win over 0-d tensors,
    which win over numbers, unless a lower tier is of a higher category (bool < int < float < complex)."""
    dim = zero = wrapped = None
    for x in operands:
        if x is None:
            continue
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim > 0:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine_categories(dim, _combine_categories(zero, wrapped))


def can_cast(from_: dtype, to: dtype) -> builtins.bool:
    """torch.can_cast: whether an in-place op may write a `from_` result into a `to` tensor."""
    return _category(from_) <= _category(to)


def tensor_type_name(d: dtype) -> str:
    """``Tensor.type()``'s string: the legacy name (``torch.FloatTensor``, ``torch.ComplexFloatTensor``)."""
    return f"torch.{type_name(d)}Tensor" if d._legacy is None else f"torch.{d._legacy}"


def jnp_dtype(d: dtype):
    return jnp.dtype(d.np)


def type_name(d: dtype) -> str:
    """The capitalised scalar-type name torch uses in messages (Float, Long, ComplexFloat)."""
    return {
        float32: "Float",
        float64: "Double",
        float16: "Half",
        bfloat16: "BFloat16",
        complex64: "ComplexFloat",
        complex128: "ComplexDouble",
        uint8: "Byte",
        int8: "Char",
        int16: "Short",
        int32: "Int",
        int64: "Long",
        bool: "Bool",
        uint16: "UInt16",
        uint32: "UInt32",
        uint64: "UInt64",
        complex32: "ComplexHalf",
    }[d]


# --- finfo / iinfo -----------------------------------------------------------------------------


class finfo:
    """torch.finfo: machine limits of a floating dtype (complex dtypes report their real part)."""

    def __init__(self, type: dtype | None = None):  # noqa: A002 - torch's name
        d = get_default_dtype() if type is None else to_dtype(type)
        if not (d.is_floating_point or d.is_complex):
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'"
            )
        d = d.to_real()
        info = ml_dtypes.finfo(d.np)  # ml_dtypes' finfo covers bfloat16 as well as numpy's floats
        self.bits = builtins.int(info.bits)
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)
        self.dtype = d.name

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:
    """torch.iinfo: machine limits of an integer dtype."""

    def __init__(self, type: dtype):  # noqa: A002 - torch's name
        d = to_dtype(type)
        if d is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.is_floating_point or d.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(d.np)
        self.bits = builtins.int(info.bits)
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)
        self.dtype = d.name

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
