"""dtypes against torch: promote_types over every pair, result_type over tensor / 0-d tensor /
Python scalar combinations, default dtype effects, finfo/iinfo, can_cast, reprs, torch.Size."""

import itertools
import pickle

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

NAMES = [
    "bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
]  # fmt: skip
PAIRS = list(itertools.product(NAMES, NAMES))
# complex32 exists as a dtype (promotion, reprs) but jtorch stores such tensors as complex64.
DTYPE_PAIRS = list(itertools.product(NAMES + ["complex32"], NAMES + ["complex32"]))


def _both(f, *args):
    """Run ``f(T, *args)`` for torch and jtorch; ('ok', str(value)) or ('err', exception type name) each."""
    out = []
    for T in (torch, jtorch):
        try:
            out.append(("ok", str(f(T, *args))))
        except Exception as e:  # compared by the caller: jtorch must raise the same type
            out.append(("err", type(e).__name__))
    return out


def _promote(T, a, b):
    return T.promote_types(getattr(T, a), getattr(T, b))


def _result_tensors(T, a, ka, b, kb):
    return T.result_type(_example(T, a, ka), _example(T, b, kb))


def _result_scalar(T, name, kind, s, scalar_first):
    x = _example(T, name, kind)
    return T.result_type(s, x) if scalar_first else T.result_type(x, s)


@covers("promote_types")
def test_promote_types_all_pairs():
    bad = []
    for a, b in DTYPE_PAIRS:
        t, j = _both(_promote, a, b)
        if t != j:
            bad.append((a, b, t, j))
    assert not bad, bad


def _example(T, name, kind):
    dt = getattr(T, name)
    if kind == "dim":
        return T.ones(2, dtype=dt)
    return T.ones((), dtype=dt)


SCALARS = [True, 2, 2.5, 1 + 1j]


@covers("result_type")
def test_result_type_tensors():
    """Dimensioned against 0-d, in every order, over all dtype pairs."""
    bad = []
    for (a, b), (ka, kb) in itertools.product(
        PAIRS, [("dim", "dim"), ("dim", "zero"), ("zero", "dim"), ("zero", "zero")]
    ):
        t, j = _both(_result_tensors, a, ka, b, kb)
        if t != j:
            bad.append((a, ka, b, kb, t, j))
    assert not bad, bad


def test_result_type_scalars():
    bad = []
    for name, kind, s in itertools.product(NAMES, ["dim", "zero"], SCALARS):
        t, j = _both(_result_scalar, name, kind, s, False)
        if t != j:
            bad.append((name, kind, s, t, j))
        t, j = _both(_result_scalar, name, kind, s, True)
        if t != j:
            bad.append((s, name, kind, t, j))
    assert not bad, bad


@covers("can_cast")
def test_can_cast_all_pairs():
    bad = []
    for a, b in DTYPE_PAIRS:
        t = torch.can_cast(getattr(torch, a), getattr(torch, b))
        j = jtorch.can_cast(getattr(jtorch, a), getattr(jtorch, b))
        if t != j:
            bad.append((a, b, t, j))
    assert not bad, bad


def test_dtype_attributes():
    for name in NAMES + ["complex32"]:
        t, j = getattr(torch, name), getattr(jtorch, name)
        assert repr(j) == repr(t) and str(j) == str(t)
        assert (j.is_floating_point, j.is_complex, j.is_signed) == (t.is_floating_point, t.is_complex, t.is_signed), (
            name
        )
        assert j.itemsize == t.itemsize, name
        assert pickle.loads(pickle.dumps(j)) is j
    for name in NAMES + ["complex32"]:
        for m in ("to_complex", "to_real"):
            t, j = _both(lambda T, name=name, m=m: getattr(getattr(T, name), m)())
            assert t == j, (name, m, t, j)
    for alias in ["float", "double", "half", "cfloat", "cdouble", "chalf", "short", "int", "long"]:
        assert repr(getattr(jtorch, alias)) == repr(getattr(torch, alias)), alias


@covers("is_floating_point", "is_complex", "Tensor.is_floating_point", "Tensor.is_complex")
def test_is_floating_point_and_complex():
    for name in NAMES:
        t, j = torch.ones(1, dtype=getattr(torch, name)), jtorch.ones(1, dtype=getattr(jtorch, name))
        assert jtorch.is_floating_point(j) == torch.is_floating_point(t), name
        assert j.is_floating_point() == t.is_floating_point(), name
        assert jtorch.is_complex(j) == torch.is_complex(t), name
        assert j.is_complex() == t.is_complex(), name


@covers("get_default_dtype", "set_default_dtype")
def test_default_dtype_effects():
    assert jtorch.get_default_dtype() is jtorch.float32
    try:
        for d in ["float64", "float16", "bfloat16", "float32"]:
            torch.set_default_dtype(getattr(torch, d))
            jtorch.set_default_dtype(getattr(jtorch, d))
            assert str(jtorch.get_default_dtype()) == str(torch.get_default_dtype())
            for make in [
                lambda T: T.tensor([1.0]),
                lambda T: T.tensor(1.0),
                lambda T: T.tensor([1, 2.5]),
                lambda T: T.tensor([1j]),
                lambda T: T.tensor([1]),
                lambda T: T.arange(3.0),
                lambda T: T.arange(0, 1, 0.25),
                lambda T: T.arange(3),
                lambda T: T.zeros(2),
                lambda T: T.full((2,), 1.5),
                lambda T: T.linspace(0, 1, 3),
                lambda T: T.ones(2, dtype=T.int32) * 1.5,
                lambda T: T.ones(2, dtype=T.int64) + 1j,
            ]:
                want, got = _both(lambda T, make=make: make(T).dtype)
                if want == ("ok", "torch.complex32"):
                    want = ("ok", "torch.complex64")  # jtorch stores complex32 as complex64 (no XLA complex32)
                assert got == want, (d, want)
    finally:
        torch.set_default_dtype(torch.float32)
        jtorch.set_default_dtype(jtorch.float32)
    with pytest.raises(TypeError):
        torch.set_default_dtype(torch.int64)
    with pytest.raises(TypeError):
        jtorch.set_default_dtype(jtorch.int64)


@covers("finfo", "iinfo")
def test_finfo_iinfo():
    for name in ["float16", "bfloat16", "float32", "float64"]:
        t, j = torch.finfo(getattr(torch, name)), jtorch.finfo(getattr(jtorch, name))
        for attr in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]:
            assert getattr(j, attr) == getattr(t, attr), (name, attr)
    t, j = torch.finfo(), jtorch.finfo()
    assert (j.eps, j.dtype) == (t.eps, t.dtype)
    for name in ["uint8", "int8", "int16", "int32", "int64"]:
        t, j = torch.iinfo(getattr(torch, name)), jtorch.iinfo(getattr(jtorch, name))
        for attr in ["bits", "max", "min", "dtype"]:
            assert getattr(j, attr) == getattr(t, attr), (name, attr)
    with pytest.raises(TypeError):
        torch.iinfo(torch.float32)
    with pytest.raises(TypeError):
        jtorch.iinfo(jtorch.float32)
    with pytest.raises(TypeError):
        torch.finfo(torch.int32)
    with pytest.raises(TypeError):
        jtorch.finfo(jtorch.int32)


@covers("Size")
def test_size():
    t, j = torch.Size([2, 3, 4]), jtorch.Size([2, 3, 4])
    assert repr(j) == repr(t) and str(j) == str(t)
    assert j == t == (2, 3, 4)
    assert isinstance(j, tuple)
    assert j.numel() == t.numel() == 24
    assert repr(j[1:]) == repr(t[1:]) and j[0] == t[0] == 2
    assert repr(j + (5,)) == repr(t + (5,))
    assert repr(jtorch.Size([])) == repr(torch.Size([]))
    assert jtorch.Size([]).numel() == 1
    assert pickle.loads(pickle.dumps(j)) == j and type(pickle.loads(pickle.dumps(j))) is jtorch.Size
    assert repr(jtorch.zeros(2, 3).shape) == repr(torch.zeros(2, 3).shape)
    assert repr(jtorch.zeros(2, 3).size()) == repr(torch.zeros(2, 3).size())
    assert jtorch.zeros(2, 3).size(-1) == 3
    for make in [
        lambda T: (1,) + T.Size([2, 3]),
        lambda T: T.Size([2, 3]) * 2,
        lambda T: 2 * T.Size([2, 3]),
        lambda T: T.Size([2, 3])[::-1],
        lambda T: T.Size([T.tensor(2), np.int64(3), True]),
        lambda T: T.Size(i for i in range(3)),
        lambda T: T.Size([2, 3]) + T.Size([5]),
        lambda T: T.Size(),
        lambda T: T.Size([2, 3]) == [2, 3],
        lambda T: (T.Size([2, 3, 2]).count(2), T.Size([2, 3]).index(3), hash(T.Size([2, 3])) == hash((2, 3))),
    ]:
        t, j = make(torch), make(jtorch)
        assert type(t).__name__ == type(j).__name__ and repr(t) == repr(j), (t, j)
    for bad in [lambda T: T.Size([2.5]), lambda T: T.Size([2, "a"]), lambda T: T.Size([2]) + [4]]:
        with pytest.raises(TypeError) as te:
            bad(torch)
        with pytest.raises(TypeError) as je:
            bad(jtorch)
        assert str(je.value) == str(te.value)


@covers(
    "Tensor.float", "Tensor.double", "Tensor.half", "Tensor.bfloat16", "Tensor.long", "Tensor.int", "Tensor.short",
    "Tensor.char", "Tensor.byte", "Tensor.bool", "Tensor.cfloat", "Tensor.cdouble",
)  # fmt: skip
def test_tensor_dtype_conversions():
    """.float()/.double()/... and .to(dtype) give torch's dtypes and values."""
    a = np.array([-1.7, 0.0, 2.5, 300.0])
    for meth in [
        "float",
        "double",
        "half",
        "bfloat16",
        "long",
        "int",
        "short",
        "char",
        "byte",
        "bool",
        "cfloat",
        "cdouble",
    ]:
        t = getattr(torch.from_numpy(a), meth)()
        j = getattr(jtorch.from_numpy(a), meth)()
        assert str(j.dtype) == str(t.dtype), meth
        if meth not in ("char", "byte"):  # out-of-range float->int8/uint8 casts are undefined in C++
            np.testing.assert_array_equal(
                np.asarray(j.to(jtorch.complex128) if j.is_complex() else j.double()),
                (t.to(torch.complex128) if t.is_complex() else t.double()).numpy(),
            )
    for name in NAMES:
        t = torch.from_numpy(a).abs().to(getattr(torch, name))
        j = jtorch.from_numpy(a).abs().to(getattr(jtorch, name))
        assert str(j.dtype) == str(t.dtype)


@covers("is_tensor", "numel", "set_default_tensor_type", "get_num_threads", "set_num_threads", "memory_format")
def test_misc_top_level():
    for T in (torch, jtorch):
        assert T.is_tensor(T.ones(1)) and not T.is_tensor(1) and not T.is_tensor([1])
        assert T.numel(T.ones(2, 3)) == 6 and T.numel(T.ones(())) == 1
    for name in ("contiguous_format", "channels_last", "preserve_format", "strided"):
        assert repr(getattr(jtorch, name)) == repr(getattr(torch, name))
    assert isinstance(jtorch.contiguous_format, jtorch.memory_format)
    n = jtorch.get_num_threads()
    assert isinstance(n, int) and n >= 1
    jtorch.set_num_threads(1)  # accepted (XLA's thread pool is fixed at start-up)
    try:
        with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated"):
            jtorch.set_default_tensor_type(jtorch.DoubleTensor)
        assert jtorch.get_default_dtype() is jtorch.float64
        with pytest.warns(UserWarning):
            jtorch.set_default_tensor_type("torch.FloatTensor")
        assert jtorch.get_default_dtype() is jtorch.float32
        with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
            jtorch.set_default_tensor_type(jtorch.LongTensor)
    finally:
        jtorch.set_default_dtype(jtorch.float32)


@covers(
    "Tensor.shape", "Tensor.size", "Tensor.dim", "Tensor.ndim", "Tensor.ndimension", "Tensor.numel",
    "Tensor.nelement", "Tensor.dtype", "Tensor.element_size", "Tensor.itemsize", "Tensor.nbytes", "Tensor.stride",
    "Tensor.is_contiguous", "Tensor.layout", "Tensor.is_sparse", "Tensor.is_quantized", "Tensor.is_meta",
    "Tensor.is_shared", "Tensor.share_memory_", "Tensor.is_pinned", "Tensor.data_ptr", "Tensor.item",
    "Tensor.tolist", "Tensor.numpy", "Tensor.type_as", "Tensor.device", "Tensor.cpu", "Tensor.is_cpu",
    "Tensor.is_cuda", "Tensor.get_device", "Tensor.cuda", "Tensor.pin_memory", "Tensor.untyped_storage",
)  # fmt: skip
def test_tensor_introspection():
    shapes = [(), (0,), (2, 3), (2, 0, 3), (4, 1, 2)]
    for shape in shapes:
        for name in ["float32", "float64", "int8", "int64", "bool", "complex64", "float16"]:
            t = torch.zeros(shape, dtype=getattr(torch, name))
            j = jtorch.zeros(shape, dtype=getattr(jtorch, name))
            got = (j.shape, j.size(), j.dim(), j.ndim, j.ndimension(), j.numel(), j.nelement(), str(j.dtype))
            want = (t.shape, t.size(), t.dim(), t.ndim, t.ndimension(), t.numel(), t.nelement(), str(t.dtype))
            assert repr(got) == repr(want), (shape, name)
            assert (j.element_size(), j.itemsize, j.nbytes) == (t.element_size(), t.itemsize, t.nbytes)
            assert j.stride() == t.stride() and j.is_contiguous() == t.is_contiguous()
            assert repr(j.layout) == repr(t.layout)
            flags = ("is_sparse", "is_quantized", "is_meta", "is_cpu", "is_cuda")
            assert [getattr(j, f) for f in flags] == [getattr(t, f) for f in flags]
            assert (j.is_shared(), j.is_pinned(), j.get_device()) == (t.is_shared(), t.is_pinned(), t.get_device())
            if len(shape) > 0:
                assert j.size(-1) == t.size(-1) and j.stride(0) == t.stride(0)
    t, j = torch.ones(2), jtorch.ones(2)
    for f in (lambda x: x.size(2), lambda x: x.stride(2)):
        with pytest.raises(IndexError) as te:
            f(t)
        with pytest.raises(IndexError) as je:
            f(j)
        assert str(je.value) == str(te.value)
    assert j.share_memory_() is j and isinstance(j.data_ptr(), int)
    with pytest.raises(NotImplementedError, match="untyped_storage"):
        j.untyped_storage()  # no byte-addressable storage under XLA


def test_tensor_item_tolist_numpy():
    for data in [2.5, 3, True, 1 + 2j, [[1, 2], [3, 4]], [1.5, -0.0], []]:
        t, j = torch.tensor(data), jtorch.tensor(data)
        assert repr(j.tolist()) == repr(t.tolist()), data
        np.testing.assert_array_equal(j.numpy(), t.numpy())
        assert j.numpy().dtype == t.numpy().dtype
        if t.numel() == 1:
            assert type(j.item()) is type(t.item()) and j.item() == t.item()
    for f in (lambda T: T.ones(2).item(), lambda T: T.ones(2, requires_grad=True).numpy()):
        with pytest.raises(RuntimeError) as te:
            f(torch)
        with pytest.raises(RuntimeError) as je:
            f(jtorch)
        assert str(je.value) == str(te.value)
    j = jtorch.ones(2, requires_grad=True)
    np.testing.assert_array_equal(j.detach().numpy(), [1.0, 1.0])
    assert_same(
        torch.ones(2).type_as(torch.ones(1, dtype=torch.int64)),
        jtorch.ones(2).type_as(jtorch.ones(1, dtype=jtorch.int64)),
        0,
        0,
    )


def test_tensor_device_methods_without_gpu():
    """cpu() is a no-op on a CPU tensor; cuda()/pin_memory() need an accelerator. Differences by design:
    jtorch's cuda() raises RuntimeError naming JAX (torch: AssertionError 'not compiled with CUDA'), and
    pin_memory() returns the tensor (XLA manages host buffers; torch raises without an accelerator)."""
    t, j = torch.ones(2), jtorch.ones(2)
    assert t.cpu() is t and j.cpu() is j
    assert str(j.device) == str(t.device) == "cpu" and repr(j.device) == repr(t.device)
    if not jtorch.cuda.is_available():
        with pytest.raises(RuntimeError, match="JAX sees no GPU"):
            j.cuda()
        assert j.pin_memory() is j
