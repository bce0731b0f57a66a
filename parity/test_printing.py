"""repr/str of tensors must equal torch's strings exactly, under every print option."""

import math

import numpy as np
import pytest
import torch
from opinfo import covers

import jtorch

torch.set_num_threads(1)

_rng = np.random.default_rng(0)
_wide = _rng.standard_normal((4, 30)) * 10.0 ** _rng.integers(-6, 9, (4, 30))

# Each case builds a tensor from the torch-like module T; both reprs must be identical.
CASES = {
    "float_fixed": lambda T: T.tensor([1.5, -2.25, 3.0]),
    "float_int_mode": lambda T: T.tensor([1.0, -2.0, 300.0]),
    "float_sci_small": lambda T: T.tensor([1e-5, 1.0]),
    "float_sci_large": lambda T: T.tensor([1e9, 1.0]),
    "float_sci_ratio": lambda T: T.tensor([1.0, 1001.0]),
    "float_int_sci": lambda T: T.tensor([1.0, 1e10]),
    "float_zeros": lambda T: T.zeros(3),
    "neg_zero": lambda T: T.tensor([-0.0, 0.0]),
    "neg_zero_mixed": lambda T: T.tensor([-0.0, 1.5]),
    "nan_inf": lambda T: T.tensor([math.nan, math.inf, -math.inf, 1.5]),
    "nan_inf_int_mode": lambda T: T.tensor([math.nan, math.inf, 2.0]),
    "only_nan": lambda T: T.tensor([math.nan]),
    "scalar_float": lambda T: T.tensor(3.25),
    "scalar_int": lambda T: T.tensor(7),
    "scalar_bool": lambda T: T.tensor(True),
    "scalar_f64": lambda T: T.tensor(1e-7, dtype=T.float64),
    "scalar_complex": lambda T: T.tensor(1 - 2j),
    "ints": lambda T: T.tensor([[1, -20, 300], [4, 5, 6]]),
    "int32": lambda T: T.tensor([1, 2], dtype=T.int32),
    "uint8": lambda T: T.tensor([0, 255], dtype=T.uint8),
    "int8": lambda T: T.tensor([-128, 127], dtype=T.int8),
    "bools": lambda T: T.tensor([True, False, True]),
    "bool_2d": lambda T: T.tensor([[True], [False]]),
    "float64": lambda T: T.tensor([1.5, 2.0], dtype=T.float64),
    "float16": lambda T: T.tensor([1.5, 2.1], dtype=T.float16),
    "bfloat16": lambda T: T.tensor([1.5, 2.1, 1e-5], dtype=T.bfloat16),
    "complex": lambda T: T.tensor([1 + 2j, -3.5 - 0.5j, 0j]),
    "complex_neg_zero_imag": lambda T: T.complex(T.tensor([1.0]), T.tensor([-0.0])),
    "complex128": lambda T: T.tensor([1e-6 + 2j], dtype=T.complex128),
    "empty_1d": lambda T: T.zeros(0),
    "empty_2d": lambda T: T.zeros(0, 3),
    "empty_int": lambda T: T.zeros(2, 0, dtype=T.int64),
    "empty_f64": lambda T: T.zeros(0, dtype=T.float64),
    "matrix": lambda T: T.from_numpy(np.arange(12.0).reshape(3, 4) / 7),
    "cube": lambda T: T.from_numpy(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 3),
    "four_d": lambda T: T.from_numpy(np.arange(16, dtype=np.int64).reshape(2, 2, 2, 2)),
    "wrap_long_row": lambda T: T.from_numpy(np.linspace(-1, 1, 40, dtype=np.float32)),
    "wrap_wide_sci": lambda T: T.from_numpy(_wide.astype(np.float32)),
    "summarize_1d": lambda T: T.from_numpy(np.arange(2000, dtype=np.float32)),
    "summarize_2d": lambda T: T.from_numpy(np.arange(5000, dtype=np.int64).reshape(50, 100)),
    "summarize_3d": lambda T: T.from_numpy((np.arange(8000, dtype=np.float32) / 9).reshape(20, 20, 20)),
    "summarize_short_dim": lambda T: T.from_numpy(np.arange(1200, dtype=np.float32).reshape(2, 600)),
    "summarize_complex": lambda T: T.from_numpy(np.arange(1500, dtype=np.complex64) * (1 + 0.5j)),
    "requires_grad": lambda T: T.tensor([1.0, 2.0], requires_grad=True),
    "requires_grad_f64": lambda T: T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True),
    "grad_fn_add": lambda T: T.tensor([1.0, 2.0], requires_grad=True) + 1,
    "grad_fn_mul": lambda T: T.tensor([[1.0, 2.0]], requires_grad=True) * 3,
    "grad_fn_long_row": lambda T: T.from_numpy(np.linspace(0, 1, 30, dtype=np.float32)).requires_grad_() * 2,
    "detached": lambda T: (T.tensor([1.0], requires_grad=True) * 2).detach(),
}


@covers("Tensor.__repr__", "Tensor.__str__")
@pytest.mark.parametrize("name", sorted(CASES))
def test_repr_matches(name):
    make = CASES[name]
    assert repr(make(jtorch)) == repr(make(torch))
    assert str(make(jtorch)) == str(make(torch))


# print options applied to both libraries, then restored.
OPTION_SETS = [
    {"precision": 2},
    {"precision": 8},
    {"threshold": 5},
    {"edgeitems": 1, "threshold": 5},
    {"edgeitems": 0, "threshold": 5},
    {"linewidth": 30},
    {"sci_mode": True},
    {"sci_mode": False},
    {"profile": "short"},
    {"profile": "full"},
]
OPTION_CASES = [
    "float_fixed",
    "float_sci_small",
    "ints",
    "matrix",
    "cube",
    "wrap_long_row",
    "summarize_2d",
    "complex",
    "grad_fn_long_row",
]


@pytest.fixture
def restore_printoptions():
    yield
    torch.set_printoptions(profile="default")
    jtorch.set_printoptions(profile="default")


@covers("set_printoptions")
@pytest.mark.parametrize("opts", OPTION_SETS, ids=[str(o) for o in OPTION_SETS])
def test_printoptions(opts, restore_printoptions):
    torch.set_printoptions(**opts)
    jtorch.set_printoptions(**opts)
    for name in OPTION_CASES:
        make = CASES[name]
        assert repr(make(jtorch)) == repr(make(torch)), name


def test_default_dtype_changes_suffix(restore_printoptions):
    """A float64 default drops the dtype suffix from float64 tensors and adds it to float32 ones."""
    old = torch.get_default_dtype()
    try:
        for T in (torch, jtorch):
            T.set_default_dtype(T.float64)
        for name in ("float_fixed", "float64", "empty_1d", "complex", "scalar_f64"):
            assert repr(CASES[name](jtorch)) == repr(CASES[name](torch)), name
        assert repr(jtorch.tensor([1.0], dtype=jtorch.float32)) == repr(torch.tensor([1.0], dtype=torch.float32))
    finally:
        torch.set_default_dtype(old)
        jtorch.set_default_dtype(jtorch.float32)


def test_subclass_prefix():
    class MyTensor(torch.Tensor):
        pass

    class MyJTensor(jtorch.Tensor):
        pass

    t = torch.tensor([1.0, 2.0]).as_subclass(MyTensor)
    j = MyJTensor([1.0, 2.0])
    assert repr(j).replace("MyJTensor", "MyTensor") == repr(t)


def test_format_scalar():
    assert f"{jtorch.tensor(2.5):.3f}" == f"{torch.tensor(2.5):.3f}"


def test_parameter_repr():
    assert repr(jtorch.nn.Parameter(jtorch.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


def _random_array(rng):
    shape = tuple(rng.integers(1, 6, rng.integers(0, 4)))
    scale = 10.0 ** rng.integers(-9, 12)
    kind = rng.integers(0, 6)
    a = rng.standard_normal(shape) * scale
    if kind == 1:
        a = np.round(a)
    elif kind == 2:
        a = a.astype(np.float32)
    elif kind == 3:
        a = (a + 1j * rng.standard_normal(shape)).astype(np.complex64)
    elif kind == 4:
        a = np.round(a).astype(np.int64)
    elif kind == 5 and scale < 1e4:
        a = a.astype(np.float16)
    a = np.array(a)
    if a.size and rng.random() < 0.2 and a.dtype.kind in "fc":
        a.flat[0] = np.nan
    if a.size > 1 and rng.random() < 0.2 and a.dtype.kind == "f":
        a.flat[1] = -np.inf
    return a


def test_repr_random_arrays():
    """Seeded random shapes, magnitudes (1e-9..1e11), dtypes, nan/inf: the format choice must agree."""
    rng = np.random.default_rng(1)
    for _ in range(300):
        a = _random_array(rng)
        assert repr(jtorch.from_numpy(a.copy())) == repr(torch.from_numpy(a.copy())), a


def test_repr_under_tracing_is_like_meta():
    """Inside jax.jit values are unknown: printed as torch prints a meta tensor (less the device)."""
    import jax

    seen = []

    @jax.jit
    def f(x):
        seen.append(repr(jtorch.Tensor._wrap(x)))
        return x

    f(np.ones((2, 3), np.float32))
    meta = repr(torch.ones(2, 3, device="meta")).replace("device='meta', ", "")
    assert seen == [meta] == ["tensor(..., size=(2, 3))"]


def test_summarized_large_tensor():
    a = np.arange(200 * 300 * 2, dtype=np.float32).reshape(200, 300, 2) / 7
    assert repr(jtorch.from_numpy(a)) == repr(torch.from_numpy(a))
