"""Tensor creation against torch: values, dtypes, shapes, requires_grad, errors and messages.

Creation is exact (no arithmetic beyond torch's own formulas), so values are compared with zero
tolerance except where noted (linspace/logspace: float rounding of a closed form, 1 ulp).
"""

import warnings

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

EXACT = (0, 0)

CASES = {
    # torch.tensor: dtype inference
    "tensor_floats": lambda T: T.tensor([[1.0, 2.0], [3.0, 4.5]]),
    "tensor_ints": lambda T: T.tensor([[1, 2], [3, 4]]),
    "tensor_mixed": lambda T: T.tensor([1, 2.5, True]),
    "tensor_int_bool": lambda T: T.tensor([1, True]),
    "tensor_bools": lambda T: T.tensor([True, False]),
    "tensor_complex": lambda T: T.tensor([1, 2j]),
    "tensor_scalar_int": lambda T: T.tensor(3),
    "tensor_scalar_float": lambda T: T.tensor(3.5),
    "tensor_scalar_bool": lambda T: T.tensor(False),
    "tensor_empty": lambda T: T.tensor([]),
    "tensor_empty_nested": lambda T: T.tensor([[], []]),
    "tensor_tuple": lambda T: T.tensor(((1, 2), (3, 4))),
    "tensor_dtype": lambda T: T.tensor([1, 2], dtype=T.float64),
    "tensor_dtype_int_from_float": lambda T: T.tensor([1.7, -2.7], dtype=T.int32),
    "tensor_numpy_f64": lambda T: T.tensor(np.array([1.0, 2.0])),
    "tensor_numpy_i32": lambda T: T.tensor(np.array([1, 2], dtype=np.int32)),
    "tensor_numpy_scalar": lambda T: T.tensor(np.float32(2.5)),
    "tensor_numpy_scalar_list": lambda T: T.tensor([np.float64(1.5), 2]),
    "tensor_of_0d_tensors": lambda T: T.tensor([T.tensor(1.5), T.tensor(2.5)]),
    "tensor_requires_grad": lambda T: T.tensor([1.0, 2.0], requires_grad=True),
    "tensor_large_int": lambda T: T.tensor([2**40, -(2**50)]),
    "tensor_uint8_negative_int_wraps": lambda T: T.tensor([-3, -255], dtype=T.uint8),
    "tensor_f16_overflow_inf": lambda T: T.tensor([1e10, -1e10], dtype=T.float16),
    "tensor_int16_in_range": lambda T: T.tensor([300, -32768], dtype=T.int16),
    "tensor_0d_tensor_elements": lambda T: T.tensor([T.tensor(1), 2.5]),
    "tensor_1elem_tensor_elements": lambda T: T.tensor([T.tensor([1]), T.tensor([3])]),
    "tensor_int32_tensor_elements": lambda T: T.tensor([T.tensor(1, dtype=T.int32), T.tensor(2, dtype=T.int32)]),
    "tensor_numpy_rows": lambda T: T.tensor([np.array([1, 2]), np.array([3, 4])]),
    "tensor_range": lambda T: T.tensor(range(3)),
    "tensor_uint64_big": lambda T: T.tensor([2**63], dtype=T.uint64),
    "tensor_big_int_to_float": lambda T: T.tensor([2**70], dtype=T.float64),
    "zeros_py_float": lambda T: T.zeros(2, dtype=float),
    "zeros_py_complex": lambda T: T.zeros(2, dtype=complex),
    "zeros_py_int_bool": lambda T: (T.zeros(1, dtype=int).dtype, T.zeros(1, dtype=bool).dtype),
    "full_numpy_int": lambda T: T.full((2,), np.int32(1)),
    "full_numpy_bool": lambda T: T.full((2,), np.bool_(True)),
    # as_tensor / from_numpy
    "as_tensor_list": lambda T: T.as_tensor([1, 2, 3]),
    "as_tensor_numpy": lambda T: T.as_tensor(np.arange(4, dtype=np.int16)),
    "as_tensor_dtype": lambda T: T.as_tensor([1, 2], dtype=T.float32),
    "as_tensor_tensor_dtype": lambda T: T.as_tensor(T.tensor([1, 2]), dtype=T.float64),
    "from_numpy_f32": lambda T: T.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3)),
    "from_numpy_bool": lambda T: T.from_numpy(np.array([True, False])),
    "from_numpy_u8": lambda T: T.from_numpy(np.array([1, 255], dtype=np.uint8)),
    "from_numpy_c128": lambda T: T.from_numpy(np.array([1 + 1j])),
    # zeros / ones / full / empty
    "zeros": lambda T: T.zeros(2, 3),
    "zeros_tuple": lambda T: T.zeros((2, 3)),
    "zeros_list": lambda T: T.zeros([4]),
    "zeros_size": lambda T: T.zeros(T.Size([2, 1])),
    "zeros_scalar": lambda T: T.zeros(()),
    "zeros_dtype": lambda T: T.zeros(2, dtype=T.int32),
    "ones": lambda T: T.ones(3, dtype=T.bool),
    "ones_rg": lambda T: T.ones(2, requires_grad=True),
    "empty_shape": lambda T: T.empty(2, 3).shape,
    "empty_dtype": lambda T: T.empty(2, dtype=T.float64).dtype,
    "full_float": lambda T: T.full((2, 2), 1.5),
    "full_int": lambda T: T.full((2,), 7),
    "full_bool": lambda T: T.full((2,), True),
    "full_complex": lambda T: T.full((2,), 1 + 2j),
    "full_dtype": lambda T: T.full((3,), 2, dtype=T.float64),
    "full_list_size": lambda T: T.full([1, 2], 3.0),
    "zeros_like": lambda T: T.zeros_like(T.tensor([[1, 2]])),
    "ones_like_dtype": lambda T: T.ones_like(T.tensor([1, 2]), dtype=T.float32),
    "full_like": lambda T: T.full_like(T.tensor([1.0, 2.0]), 7),
    "full_like_int_float_fill": lambda T: T.full_like(T.tensor([1, 2]), 2.7),
    "empty_like": lambda T: T.empty_like(T.tensor([[1, 2]])).shape,
    "empty_like_dtype": lambda T: T.empty_like(T.tensor([1, 2]), dtype=T.int8).dtype,
    "ones_like_rg": lambda T: T.ones_like(T.tensor([1.0]), requires_grad=True),
    # new_*
    "new_zeros": lambda T: T.tensor([1, 2], dtype=T.int32).new_zeros(2, 3),
    "new_zeros_tuple": lambda T: T.tensor([1.0]).new_zeros((2,)),
    "new_ones": lambda T: T.tensor([1.0], dtype=T.float64).new_ones(3),
    "new_ones_dtype": lambda T: T.tensor([1.0]).new_ones(2, dtype=T.int64),
    "new_full": lambda T: T.tensor([1], dtype=T.int16).new_full((2,), 5),
    "new_empty": lambda T: T.tensor([1.0], dtype=T.float16).new_empty(2, 2).shape,
    "new_empty_dtype": lambda T: T.tensor([1.0], dtype=T.float16).new_empty(2).dtype,
    "new_tensor": lambda T: T.tensor([1.0], dtype=T.float64).new_tensor([1, 2]),
    "new_tensor_dtype": lambda T: T.tensor([1.0]).new_tensor([1, 2], dtype=T.int8),
    "new_tensor_rg": lambda T: T.tensor([1.0]).new_tensor([1.0], requires_grad=True),
    # arange / range
    "arange_int": lambda T: T.arange(5),
    "arange_start_end": lambda T: T.arange(2, 7),
    "arange_neg_step": lambda T: T.arange(5, -3, -2),
    "arange_float": lambda T: T.arange(0.0, 1.0, 0.1),
    "arange_float_step_round": lambda T: T.arange(1, 2.5, 0.3),
    "arange_float_end": lambda T: T.arange(4.5),
    "arange_neg_float": lambda T: T.arange(1.0, -1.0, -0.25),
    "arange_dtype": lambda T: T.arange(5, dtype=T.float64),
    "arange_int_dtype_float_args": lambda T: T.arange(0.5, 4.0, 1.5, dtype=T.int64),
    "arange_empty": lambda T: T.arange(3, 3),
    "arange_f32_accuracy": lambda T: T.arange(-1.0, 1.0, 0.01),
    "arange_tensor_args": lambda T: T.arange(T.tensor(3)),
    "arange_rg": lambda T: T.arange(3.0, requires_grad=True),
    # linspace / logspace / eye
    "linspace": lambda T: T.linspace(0, 1, 5),
    "linspace_odd": lambda T: T.linspace(-3.3, 7.1, 11),
    "linspace_one": lambda T: T.linspace(2, 3, 1),
    "linspace_zero": lambda T: T.linspace(2, 3, 0),
    "linspace_f64": lambda T: T.linspace(0, 1, 7, dtype=T.float64),
    "linspace_int": lambda T: T.linspace(0, 10, 4, dtype=T.int64),
    "linspace_desc": lambda T: T.linspace(5, -5, 6),
    "linspace_fma_f32": lambda T: T.linspace(2.5, -1.25, 1000),
    "linspace_fma_f64": lambda T: T.linspace(-5, 5, 101, dtype=T.float64),
    "linspace_f16": lambda T: T.linspace(0.1, 100.7, 37, dtype=T.float16),
    "linspace_bf16": lambda T: T.linspace(-3.3, 7.1, 11, dtype=T.bfloat16),
    "linspace_complex64": lambda T: T.linspace(2.5 - 1j, -1.25 + 3j, 100, dtype=T.complex64),
    "linspace_complex128": lambda T: T.linspace(1 + 2j, -3 - 0.5j, 17, dtype=T.complex128),
    "linspace_int_fma": lambda T: T.linspace(-5, 5, 101, dtype=T.int32),
    "linspace_uint8_wrap": lambda T: T.linspace(-5, 5, 11, dtype=T.uint8),
    "linspace_tensor_bounds": lambda T: T.linspace(T.tensor(0.5), T.tensor(2.5), 5),
    "logspace_wide": lambda T: T.logspace(-10, 10, 101),
    "logspace_base3_f64": lambda T: T.logspace(-2.1, 3.7, 51, base=3.0, dtype=T.float64),
    "logspace": lambda T: T.logspace(0, 2, 3),
    "logspace_base2": lambda T: T.logspace(0, 4, 5, base=2),
    "logspace_f64": lambda T: T.logspace(-2, 2, 9, dtype=T.float64),
    "eye": lambda T: T.eye(3),
    "eye_rect": lambda T: T.eye(2, 4),
    "eye_dtype": lambda T: T.eye(2, dtype=T.int64),
    "tril_indices": lambda T: T.tril_indices(3, 3),
    "tril_indices_offset": lambda T: T.tril_indices(4, 3, 1),
    "triu_indices": lambda T: T.triu_indices(3, 4, -1),
    "triu_indices_int32": lambda T: T.triu_indices(3, 3, dtype=T.int32),
    "tril_indices_empty": lambda T: T.tril_indices(0, 3),
    "scalar_tensor": lambda T: T.scalar_tensor(3),
    "scalar_tensor_bool": lambda T: T.scalar_tensor(True),
    "scalar_tensor_dtype": lambda T: T.scalar_tensor(2.5, dtype=T.float64),
    "empty_strided": lambda T: (T.empty_strided((2, 3), (3, 1)).shape, T.empty_strided((2,), (1,)).dtype),
    # legacy constructors and type strings
    "Tensor_shape": lambda T: (T.Tensor(2, 3).shape, T.Tensor(2, 3).dtype),
    "Tensor_list": lambda T: T.Tensor([1, 2]),
    "Tensor_empty": lambda T: T.Tensor(),
    "Tensor_from_size": lambda T: T.Tensor(T.Size([2, 3])).shape,
    "Tensor_tuple_is_data": lambda T: T.Tensor((2, 3)),
    "Tensor_from_int_tensor": lambda T: T.Tensor(T.ones(2, dtype=T.int64)),
    "FloatTensor_empty": lambda T: T.FloatTensor(),
    "FloatTensor_size": lambda T: T.FloatTensor(T.Size([2, 3])).shape,
    "legacy_repr": lambda T: repr(T.FloatTensor).replace("jtorch", "torch"),
    "FloatTensor_shape": lambda T: (T.FloatTensor(2).shape, T.FloatTensor(2).dtype),
    "FloatTensor_list": lambda T: T.FloatTensor([1, 2]),
    "LongTensor_list": lambda T: T.LongTensor([1, 2]),
    "DoubleTensor_list": lambda T: T.DoubleTensor([1.5]),
    "BoolTensor_list": lambda T: T.BoolTensor([1, 0]),
    "IntTensor_shape": lambda T: (T.IntTensor(3, 1).shape, T.IntTensor(3).dtype),
    "HalfTensor_list": lambda T: T.HalfTensor([1.5]),
    "BFloat16Tensor_list": lambda T: T.BFloat16Tensor([1.5]),
    "ByteTensor_list": lambda T: T.ByteTensor([1, 255]),
    "CharTensor_list": lambda T: T.CharTensor([-1, 2]),
    "ShortTensor_list": lambda T: T.ShortTensor([3]),
    "LongTensor_shape": lambda T: (T.LongTensor(2, 2).shape, T.LongTensor(1).dtype),
    "legacy_dtype_attr": lambda T: (T.FloatTensor.dtype, T.LongTensor.dtype),
    # asarray
    "asarray_list": lambda T: T.asarray([1, 2]),
    "asarray_scalar": lambda T: T.asarray(3.5),
    "asarray_dtype": lambda T: T.asarray([1, 2], dtype=T.float64),
    "asarray_numpy": lambda T: T.asarray(np.arange(3, dtype=np.int32)),
    "asarray_tensor_same": lambda T: (lambda a: T.asarray(a) is a)(T.ones(2)),
    "asarray_tensor_copy": lambda T: (lambda a: T.asarray(a, copy=True) is a)(T.ones(2)),
    "asarray_tensor_dtype": lambda T: T.asarray(T.tensor([1, 2]), dtype=T.float32),
    "asarray_rg": lambda T: T.asarray([1.0, 2.0], requires_grad=True),
    # range (deprecated, end inclusive)
    "range": lambda T: T.range(0, 4),
    "range_step": lambda T: T.range(1, 2, 0.25),
    "range_dtype": lambda T: T.range(0, 3, dtype=T.int64),
    "type_float": lambda T: T.ones(1).type(),
    "type_long": lambda T: T.ones(1, dtype=T.int64).type(),
    "type_bool": lambda T: T.ones(1, dtype=T.bool).type(),
    "type_half": lambda T: T.ones(1, dtype=T.float16).type(),
    "type_complex": lambda T: (T.ones(1, dtype=T.complex64).type(), T.ones(1, dtype=T.complex128).type()),
    "type_uint": lambda T: (T.ones(1, dtype=T.uint16).type(), T.ones(1, dtype=T.uint64).type()),
    "type_convert_complex_str": lambda T: T.ones(2).type("torch.ComplexFloatTensor"),
    "type_convert_str": lambda T: T.ones(2).type("torch.LongTensor"),
    "type_convert_dtype": lambda T: T.ones(2).type(T.float64),
    "type_convert_legacy": lambda T: T.ones(2).type(T.IntTensor),
    # conversions
    "to_float": lambda T: T.tensor([1, 2]).float(),
    "to_double": lambda T: T.tensor([1, 2]).double(),
    "to_long": lambda T: T.tensor([1.7, -1.7]).long(),
    "to_int": lambda T: T.tensor([1.7, -1.7]).int(),
    "to_half": lambda T: T.tensor([1.1, 2.0]).half(),
    "to_bool": lambda T: T.tensor([0.0, 0.5, -1.0]).bool(),
    "to_dtype": lambda T: T.tensor([1, 2]).to(T.float16),
    "to_dtype_kw": lambda T: T.tensor([1, 2]).to(dtype=T.float64),
    "to_other": lambda T: T.tensor([1, 2]).to(T.tensor([1.0], dtype=T.float64)),
    "to_complex_to_real": lambda T: T.tensor([1.0, 2.0]).to(T.complex64),
    "to_grad": lambda T: T.tensor([1.0], requires_grad=True).double(),
    "to_same_is_self": lambda T: (lambda t: t.to(T.float32) is t)(T.ones(1)),
    "to_copy_not_self": lambda T: (lambda t: t.to(T.float32, copy=True) is t)(T.ones(1)),
}

LOGSPACE_TOL = {"torch.float32": (3e-7, 0), "torch.float64": (4e-15, 0)}

COVERS = (
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like",
    "empty_like", "Tensor.new_zeros", "Tensor.new_ones", "Tensor.new_full", "Tensor.new_empty", "Tensor.new_tensor",
    "arange", "linspace", "logspace", "eye", "asarray", "range", "tril_indices", "triu_indices", "scalar_tensor",
    "empty_strided", "FloatTensor", "DoubleTensor", "HalfTensor",
    "BFloat16Tensor", "ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor", "BoolTensor", "Tensor.type", "Tensor.float", "Tensor.double", "Tensor.long",
    "Tensor.int", "Tensor.half", "Tensor.bool", "Tensor.to",
)  # fmt: skip


@covers(*COVERS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_creation(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = CASES[name](torch)
        j = CASES[name](jtorch)
    # logspace: torch's pow is a vectorized (not correctly rounded) one: up to 2.5 ulp in float32, ~10 in float64
    tol = LOGSPACE_TOL.get(str(t.dtype), EXACT) if name.startswith("logspace") else EXACT
    if isinstance(t, torch.Tensor):
        assert j.requires_grad == t.requires_grad
        assert j.is_leaf == t.is_leaf
    if isinstance(t, (torch.Size, torch.dtype, tuple)):
        t, j = str(t), str(j)
    assert_same(t, j, *tol, what=name)


ERRORS = {
    "ragged": lambda T: T.tensor([[1, 2], [3]]),
    "ragged_deep": lambda T: T.tensor([[[1], [2]], [[3], [4, 5]]]),
    "ragged_scalar_then_list": lambda T: T.tensor([1, [2]]),
    "ragged_list_then_scalar": lambda T: T.tensor([[1], 2]),
    "tensor_str": lambda T: T.tensor("abc"),
    "tensor_object": lambda T: T.tensor([object()]),
    "tensor_none": lambda T: T.tensor(None),
    "complex_to_float": lambda T: T.tensor([1j], dtype=T.float32),
    "requires_grad_int": lambda T: T.tensor([1, 2], requires_grad=True),
    "ones_requires_grad_int": lambda T: T.ones(2, dtype=T.int64, requires_grad=True),
    "from_numpy_list": lambda T: T.from_numpy([1, 2]),
    "from_numpy_object": lambda T: T.from_numpy(np.array(["a"], dtype=object)),
    "arange_zero_step": lambda T: T.arange(0, 5, 0),
    "arange_bad_sign": lambda T: T.arange(0, 5, -1),
    "linspace_neg_steps": lambda T: T.linspace(0, 1, -1),
    "linspace_uint8_float_negative": lambda T: T.linspace(-3.3, 7.1, 11, dtype=T.uint8),
    "linspace_int8_overflow": lambda T: T.linspace(-300, 5, 3, dtype=T.int8),
    "zeros_neg": lambda T: T.zeros(-1),
    "eye_neg": lambda T: T.eye(-1),
    "eye_neg_m": lambda T: T.eye(2, -1),
    "ones_neg": lambda T: T.ones(2, -3),
    "full_neg": lambda T: T.full((-1,), 1.0),
    "arange_nan": lambda T: T.arange(float("nan")),
    "arange_inf": lambda T: T.arange(0, float("inf")),
    "legacy_float_scalar": lambda T: T.FloatTensor(2.5),
    "Tensor_float_scalar": lambda T: T.Tensor(2.5),
    "legacy_dtype_mismatch": lambda T: T.LongTensor(T.ones(2)),
    "complex_to_int": lambda T: T.tensor([1j], dtype=T.int64),
    "tensor_str_list": lambda T: T.tensor(["a"]),
    "tensor_multi_elem_int_tensors": lambda T: T.tensor([T.tensor([1, 2]), T.tensor([3, 4])]),
    "tensor_multi_elem_float_tensors": lambda T: T.tensor([T.tensor([1.0, 2.0])]),
    "tensor_int_overflow": lambda T: T.tensor([2**64]),
    "tensor_uint8_overflow": lambda T: T.tensor([300], dtype=T.uint8),
    "tensor_int8_float_overflow": lambda T: T.tensor([1e10], dtype=T.int8),
    "tensor_int32_nan": lambda T: T.tensor([float("nan")], dtype=T.int32),
    "tensor_uint8_negative_float": lambda T: T.tensor([-0.5], dtype=T.uint8),
    "tensor_int_overflow_0d": lambda T: T.tensor(2**63),
    "tensor_int_underflow": lambda T: T.tensor([-(2**63) - 1]),
    "tril_indices_neg": lambda T: T.tril_indices(-1, 3),
    "triu_indices_neg_col": lambda T: T.triu_indices(3, -2),
    "asarray_no_alias": lambda T: T.asarray(T.tensor([1, 2]), dtype=T.float32, copy=False),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_creation_errors(name):
    with pytest.raises(Exception) as te:
        ERRORS[name](torch)
    with pytest.raises(Exception) as je:
        ERRORS[name](jtorch)
    assert je.type is te.type, (je.value, te.value)
    assert str(je.value) == str(te.value)


def test_tensor_from_tensor_warns():
    t, j = torch.tensor([1.0]), jtorch.tensor([1.0])
    with pytest.warns(UserWarning, match="sourceTensor.detach"):
        torch.tensor(t)
    with pytest.warns(UserWarning, match="sourceTensor.detach"):
        out = jtorch.tensor(j)
    out.add_(1)
    assert j.item() == 1.0  # a copy, not a view


def test_from_numpy_and_as_tensor_dtypes_all():
    for npdt in [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]:
        a = np.zeros(2, dtype=npdt)
        assert str(jtorch.from_numpy(a).dtype) == str(torch.from_numpy(a).dtype)
        assert str(jtorch.as_tensor(a).dtype) == str(torch.as_tensor(a).dtype)
        assert str(jtorch.tensor(a).dtype) == str(torch.tensor(a).dtype)


def test_numpy_sources_are_copied_whatever_their_alignment():
    """from_numpy/tensor/as_tensor copy (a difference by design): neither later writes to the array nor
    the tensor's in-place updates (an optimizer step donating its buffer) cross over. torch's own
    buffers are 64-byte aligned, the case where JAX on CPU would alias the memory."""
    src = torch.arange(16, dtype=torch.float32)
    arr = src.numpy()
    assert arr.ctypes.data % 64 == 0
    made = [jtorch.from_numpy(arr), jtorch.tensor(arr), jtorch.as_tensor(arr), jtorch.asarray(arr)]
    src.add_(100)
    for t in made:
        np.testing.assert_array_equal(t.numpy(), np.arange(16, dtype=np.float32))
    w = jtorch.tensor(np.ones(16, np.float32), requires_grad=True)
    host = np.ones(16, np.float32)
    w2 = jtorch.from_numpy(host).requires_grad_()
    opt = jtorch.optim.SGD([w, w2], lr=1.0)
    (w.sum() + w2.sum()).backward()
    opt.step()
    np.testing.assert_array_equal(host, np.ones(16, np.float32))
    np.testing.assert_array_equal(w2.detach().numpy(), np.zeros(16, np.float32))


def test_as_tensor_shares_tensor():
    j = jtorch.tensor([1.0, 2.0])
    assert jtorch.as_tensor(j) is j
    assert torch.as_tensor(torch.tensor([1.0])) is not None


def test_legacy_isinstance():
    assert isinstance(torch.ones(1), torch.FloatTensor) == isinstance(jtorch.ones(1), jtorch.FloatTensor)
    assert isinstance(torch.ones(1, dtype=torch.int64), torch.FloatTensor) == isinstance(
        jtorch.ones(1, dtype=jtorch.int64), jtorch.FloatTensor
    )


# --- random factories: shapes, dtypes, ranges and errors (the streams differ from torch by design) ---

RANDOM = {
    "rand": lambda T: T.rand(2, 3),
    "rand_tuple": lambda T: T.rand((4,)),
    "rand_f64": lambda T: T.rand(3, dtype=T.float64),
    "rand_f16": lambda T: T.rand(3, dtype=T.float16),
    "rand_complex": lambda T: T.rand(3, dtype=T.complex64),
    "rand_gen": lambda T: T.rand(2, generator=T.Generator().manual_seed(1)),
    "rand_rg": lambda T: T.rand(2, requires_grad=True),
    "randn": lambda T: T.randn(3, 2),
    "randn_complex": lambda T: T.randn(2, dtype=T.complex128),
    "randint_high": lambda T: T.randint(5, (3,)),
    "randint_low_high": lambda T: T.randint(-3, 5, (2, 2)),
    "randint_kw_size": lambda T: T.randint(5, size=(3,)),
    "randint_float": lambda T: T.randint(0, 5, (3,), dtype=T.float32),
    "randint_big": lambda T: T.randint(0, 2**40, (3,)),
    "randperm": lambda T: T.randperm(6),
    "randperm_float": lambda T: T.randperm(4, dtype=T.float32),
    "normal_scalars": lambda T: T.normal(2.0, 3.0, (2, 3)),
    "normal_tensor_mean": lambda T: T.normal(T.zeros(3), 1.0),
    "normal_tensor_std": lambda T: T.normal(0.0, T.ones(3, dtype=T.float64)),
    "normal_broadcast": lambda T: T.normal(T.zeros(3), T.ones(2, 3)),
    "normal_mixed_dtypes": lambda T: T.normal(T.zeros(3, dtype=T.float64), T.ones(3)),
    "bernoulli": lambda T: T.bernoulli(T.full((5,), 0.5)),
    "bernoulli_p": lambda T: T.bernoulli(T.zeros(5, dtype=T.float64), 0.3),
    "multinomial": lambda T: T.multinomial(T.ones(4), 2),
    "multinomial_2d_repl": lambda T: T.multinomial(T.ones(2, 4), 6, replacement=True),
    "rand_like": lambda T: T.rand_like(T.ones(2, dtype=T.float64)),
    "randn_like": lambda T: T.randn_like(T.ones(2, 2)),
    "randint_like": lambda T: T.randint_like(T.ones(3), 5),
    "randint_like_low": lambda T: T.randint_like(T.ones(3, dtype=T.int32), 2, 5),
    "uniform_": lambda T: T.ones(3).uniform_(2, 3),
    "normal_": lambda T: T.ones(3, dtype=T.float64).normal_(1, 2),
    "normal_complex": lambda T: T.ones(3, dtype=T.complex64).normal_(),
    "bernoulli_": lambda T: T.ones(3).bernoulli_(0.3),
    "bernoulli_int": lambda T: T.ones(3, dtype=T.int64).bernoulli_(0.5),
    "bernoulli_tensor_p": lambda T: T.ones(3).bernoulli_(T.tensor([0.0, 1.0, 0.5])),
    "exponential_": lambda T: T.ones(3).exponential_(2.0),
    "geometric_": lambda T: T.ones(3).geometric_(0.5),
    "geometric_int": lambda T: T.ones(3, dtype=T.int64).geometric_(0.5),
    "log_normal_": lambda T: T.ones(3).log_normal_(),
    "cauchy_": lambda T: T.ones(3).cauchy_(),
    "random_to": lambda T: T.ones(3).random_(5),
    "random_from_to": lambda T: T.ones(3, dtype=T.int64).random_(-3, 5),
    "random_bool": lambda T: T.ones(3, dtype=T.bool).random_(),
    "random_int8": lambda T: T.ones(3, dtype=T.int8).random_(),
    "poisson": lambda T: T.poisson(T.tensor([1.0, 5.0, 0.0])),
    "poisson_f64": lambda T: T.poisson(T.full((2, 2), 3.0, dtype=T.float64)),
}

# (low, high) bounds every sample must respect; None: no bound check
RANGES = {
    "rand": (0, 1), "rand_tuple": (0, 1), "rand_f64": (0, 1), "rand_f16": (0, 1), "rand_gen": (0, 1),
    "randint_high": (0, 4), "randint_low_high": (-3, 4), "randint_kw_size": (0, 4), "randint_float": (0, 4),
    "randperm": (0, 5), "bernoulli": (0, 1), "bernoulli_p": (0, 1), "multinomial": (0, 3),
    "multinomial_2d_repl": (0, 3), "rand_like": (0, 1), "randint_like": (0, 4), "randint_like_low": (2, 4),
    "uniform_": (2, 3), "bernoulli_": (0, 1), "exponential_": (0, float("inf")), "geometric_": (1, float("inf")),
    "log_normal_": (0, float("inf")), "random_to": (0, 4), "random_from_to": (-3, 4), "random_int8": (0, 127),
}  # fmt: skip


@covers(
    "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "rand_like", "randn_like",
    "randint_like", "Tensor.uniform_", "Tensor.normal_", "Tensor.bernoulli", "Tensor.bernoulli_",
    "Tensor.exponential_", "Tensor.geometric_", "Tensor.log_normal_", "Tensor.cauchy_", "Tensor.random_",
    "Tensor.multinomial", "Generator", "poisson",
)  # fmt: skip
@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_shape_dtype_range(name):
    t, j = RANDOM[name](torch), RANDOM[name](jtorch)
    assert isinstance(j, jtorch.Tensor)
    assert (tuple(j.shape), str(j.dtype), j.requires_grad) == (tuple(t.shape), str(t.dtype), t.requires_grad)
    if name in RANGES:
        lo, hi = RANGES[name]
        v = j.detach().double().numpy()
        assert v.min() >= lo and v.max() <= hi, (v.min(), v.max())
    if name.startswith("randperm"):
        assert sorted(j.tolist()) == sorted(t.tolist())
    if name.startswith("multinomial") and "repl" not in name:
        assert len(set(j.tolist())) == len(j.tolist())  # without replacement: distinct


RANDOM_ERRORS = {
    "randint_empty_range": lambda T: T.randint(5, 5, (2,)),
    "randint_uint8_negative": lambda T: T.randint(-5, 0, (3,), dtype=T.uint8),
    "randperm_negative": lambda T: T.randperm(-1),
    "rand_negative": lambda T: T.rand(-1),
    "rand_int": lambda T: T.rand(2, dtype=T.int64),
    "randn_int": lambda T: T.randn(2, dtype=T.int64),
    "normal_neg_std": lambda T: T.normal(0.0, -1.0, (2,)),
    "normal_tensor_neg_std": lambda T: T.normal(T.zeros(3), -1.0),
    "normal_int_mean": lambda T: T.normal(T.zeros(2, dtype=T.int64), 1.0),
    "bernoulli_p_out_of_range": lambda T: T.bernoulli(T.full((3,), 1.5)),
    "bernoulli_int": lambda T: T.bernoulli(T.ones(3, dtype=T.int64)),
    "multinomial_too_many": lambda T: T.multinomial(T.ones(4), 6),
    "multinomial_negative": lambda T: T.multinomial(-T.ones(4), 2),
    "multinomial_int": lambda T: T.multinomial(T.ones(4, dtype=T.int64), 2),
    "multinomial_zero_sum": lambda T: T.multinomial(T.zeros(4), 2),
    "multinomial_3d": lambda T: T.multinomial(T.ones(3, 3, 3), 1),
    "uniform_bad_range": lambda T: T.ones(3).uniform_(2, 1),
    "uniform_int": lambda T: T.ones(3, dtype=T.int64).uniform_(),
    "normal__neg_std": lambda T: T.ones(3).normal_(0, -1),
    "normal__int": lambda T: T.ones(3, dtype=T.int64).normal_(),
    "exponential_neg": lambda T: T.ones(3).exponential_(-1),
    "exponential_int": lambda T: T.ones(3, dtype=T.int64).exponential_(),
    "geometric_zero": lambda T: T.ones(3).geometric_(0),
    "geometric_one": lambda T: T.ones(3).geometric_(1),
    "bernoulli__p": lambda T: T.ones(3).bernoulli_(2.0),
    "log_normal_neg": lambda T: T.ones(3).log_normal_(1, -1),
    "log_normal_int": lambda T: T.ones(3, dtype=T.int64).log_normal_(),
    "cauchy_neg": lambda T: T.ones(3).cauchy_(0, -1),
    "cauchy_int": lambda T: T.ones(3, dtype=T.int64).cauchy_(),
    "random_bad_range": lambda T: T.ones(3).random_(3, 2),
    "random_uint8_negative": lambda T: T.ones(3, dtype=T.uint8).random_(-1, 5),
    "seed_overflow": lambda T: T.Generator().manual_seed(2**64),
    "set_state_not_bytes": lambda T: T.Generator().set_state(T.zeros(16)),
    "poisson_negative": lambda T: T.poisson(T.tensor([-1.0])),
    "poisson_int": lambda T: T.poisson(T.tensor([1])),
    "leaf_inplace": lambda T: T.ones(2, requires_grad=True).uniform_(),
}


@pytest.mark.parametrize("name", sorted(RANDOM_ERRORS))
def test_random_errors(name):
    with pytest.raises(Exception) as te:
        RANDOM_ERRORS[name](torch)
    with pytest.raises(Exception) as je:
        RANDOM_ERRORS[name](jtorch)
    assert je.type is te.type, (je.value, te.value)
    assert str(je.value) == str(te.value)


def test_normal_tensor_args_autograd():
    """torch records NormalBackward1/2/3 for tensor mean/std and gives them zero gradients."""
    for mk in (lambda T, m, s: T.normal(m, 1.0), lambda T, m, s: T.normal(0.0, s), lambda T, m, s: T.normal(m, s)):
        outs = []
        for T in (torch, jtorch):
            m, s = T.zeros(3, requires_grad=True), T.ones(3, requires_grad=True)
            out = mk(T, m, s)
            out.sum().backward()
            grads = [g.tolist() if g is not None else None for g in (m.grad, s.grad)]
            outs.append((out.grad_fn.name(), out.requires_grad, grads))
        assert outs[0] == outs[1]


INPLACE_SAMPLERS = [
    ("uniform_", ()), ("normal_", ()), ("bernoulli_", (0.5,)), ("exponential_", ()), ("random_", ()),
    ("random_", (5,)), ("random_", (2, 5)), ("geometric_", (0.5,)), ("log_normal_", ()), ("cauchy_", ()),
    ("zero_", ()), ("fill_", (2.0,)),
]  # fmt: skip


@pytest.mark.parametrize("method, args", INPLACE_SAMPLERS, ids=[f"{m}{len(a)}" for m, a in INPLACE_SAMPLERS])
def test_inplace_overwrite_autograd(method, args):
    """An in-place fill of a tensor in a graph keeps it in the graph (torch's grad_fn name) with zero gradient."""
    res = []
    for T in (torch, jtorch):
        leaf = T.ones(3, requires_grad=True)
        x = leaf * 1
        getattr(x, method)(*args)
        (x * 2).sum().backward()
        res.append((x.grad_fn.name().rsplit("::", 1)[-1], x.requires_grad, leaf.grad.tolist()))
    assert res[1] == res[0]


def test_bernoulli_tensor_p_autograd():
    res = []
    for T in (torch, jtorch):
        x = T.ones(3, requires_grad=True) * 1
        x.bernoulli_(T.full((3,), 0.5))
        p = T.full((3,), 0.5, requires_grad=True)
        b = T.bernoulli(p)
        res.append((x.grad_fn.name(), b.grad_fn.name(), T.poisson(p).grad_fn.name()))
    assert res[1] == res[0]


@covers("manual_seed", "initial_seed", "seed", "get_rng_state", "set_rng_state")
def test_seed_api():
    assert jtorch.Generator().initial_seed() == torch.Generator().initial_seed()
    assert jtorch.manual_seed(5).initial_seed() == torch.manual_seed(5).initial_seed() == 5
    assert jtorch.Generator().manual_seed(-1).initial_seed() == torch.Generator().manual_seed(-1).initial_seed()
    assert str(jtorch.Generator().device) == str(torch.Generator().device)
    s = jtorch.seed()
    assert jtorch.initial_seed() == s
    st = jtorch.get_rng_state()
    assert str(st.dtype) == str(torch.get_rng_state().dtype) and st.ndim == 1
    a = jtorch.rand(3)
    jtorch.set_rng_state(st)
    assert jtorch.rand(3).tolist() == a.tolist()


# --- copy_ / fill_ / zero_: values, casting, broadcasting and gradients ----------------------------


def _copy_into(T, dst_dtype):
    src = T.tensor([[1.5, -2.0, 3.25]], dtype=T.float64, requires_grad=True)
    base = T.tensor([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]], requires_grad=True)
    dst = (base * 1).to(dst_dtype) if dst_dtype.is_floating_point else T.zeros(2, 3, dtype=dst_dtype)
    dst.copy_(src)  # broadcast (1, 3) -> (2, 3) and cast
    return dst, src, base


@covers("Tensor.copy_", "Tensor.fill_", "Tensor.zero_")
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "bool"])
def test_copy_(dt):
    td, jd = getattr(torch, dt), getattr(jtorch, dt)
    t_dst, t_src, t_base = _copy_into(torch, td)
    j_dst, j_src, j_base = _copy_into(jtorch, jd)
    assert_same(t_dst.detach(), j_dst.detach(), *EXACT, what="copy_")
    if td.is_floating_point:
        g = np.arange(6.0).reshape(2, 3)
        t_gs = torch.autograd.grad((t_dst * torch.from_numpy(g).to(td)).sum(), [t_src, t_base], allow_unused=True)
        j_gs = jtorch.autograd.grad((j_dst * jtorch.from_numpy(g).to(jd)).sum(), [j_src, j_base], allow_unused=True)
        assert_same(t_gs[0], j_gs[0], *EXACT, what="grad src")
        # the overwritten destination gets no gradient: torch gives zeros, None is equivalent
        for g_ in (t_gs[1], j_gs[1]):
            assert g_ is None or not np.any(g_.detach().numpy())


def test_copy_from_list_and_errors():
    j = jtorch.zeros(3)
    j.copy_(jtorch.tensor([1, 2, 3]))
    assert j.tolist() == torch.zeros(3).copy_(torch.tensor([1, 2, 3])).tolist()
    for T in (torch, jtorch):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            T.ones(2, requires_grad=True).copy_(T.zeros(2))
    for dst, src in (((4,), (3,)), ((4,), (2, 4)), ((4,), (1, 4)), ((2, 4), (3, 1))):  # torch's shape errors
        msgs = []
        for T in (torch, jtorch):
            with pytest.raises(RuntimeError) as e:
                T.zeros(dst).copy_(T.ones(src))
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


@pytest.mark.parametrize("dt", ["float32", "int64", "bool"])
def test_fill_and_zero(dt):
    t = torch.ones(2, 3, dtype=getattr(torch, dt))
    j = jtorch.ones(2, 3, dtype=getattr(jtorch, dt))
    assert_same(t.fill_(2.7), j.fill_(2.7), *EXACT, what="fill_ number")
    assert_same(t.fill_(torch.tensor(5)), j.fill_(jtorch.tensor(5)), *EXACT, what="fill_ tensor")
    assert_same(t.zero_(), j.zero_(), *EXACT, what="zero_")
    assert_same(t[0].fill_(3), j[0].fill_(3), *EXACT, what="fill_ view")
    assert_same(t, j, *EXACT, what="fill_ through view")


def test_fill_grad_and_errors():
    tv = torch.tensor(2.0, requires_grad=True)
    jv = jtorch.tensor(2.0, requires_grad=True)
    t = (torch.ones(3, requires_grad=True) * 1).fill_(tv)
    j = (jtorch.ones(3, requires_grad=True) * 1).fill_(jv)
    assert_same(t, j, *EXACT, what="fill_ value")
    t.sum().backward()
    j.sum().backward()
    assert_same(tv.grad, jv.grad, *EXACT, what="fill_ value grad")
    for T in (torch, jtorch):
        with pytest.raises(RuntimeError) as e:
            T.ones(3).fill_(T.ones(2))
        msgs = str(e.value)
    assert msgs == "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions."
