"""jtorch.testing.assert_close and make_tensor against torch.testing: same pass/fail, error types and messages."""

import numpy as np
import opinfo
import pytest
import torch

import jtorch
import jtorch.testing

opinfo.covers("testing.assert_close", "testing.make_tensor")


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


def _both(actual, expected, **kw):
    """The same assert_close call on torch and on jtorch values built from the same numpy/Python data."""

    def conv(lib, v):
        if isinstance(v, np.ndarray):
            return lib.from_numpy(v.copy())
        if isinstance(v, dict):
            return {k: conv(lib, x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(lib, x) for x in v]
        return v

    kw_t = {k: (getattr(torch, v.name) if hasattr(v, "name") else v) for k, v in kw.items()}
    t = _outcome(lambda: torch.testing.assert_close(conv(torch, actual), conv(torch, expected), **kw_t))
    j = _outcome(lambda: jtorch.testing.assert_close(conv(jtorch, actual), conv(jtorch, expected), **kw))
    return t, j


f32 = np.float32
CASES = [
    ("equal", np.array([1.0, 2.0, 3.0], f32), np.array([1.0, 2.0, 3.0], f32), {}),
    ("within float32 tol", np.array([1.0, 2.0], f32), np.array([1.000001, 2.0], f32), {}),
    ("one mismatch", np.array([1.0, 2.0, 3.0], f32), np.array([1.0, 2.0, 3.5], f32), {}),
    ("2d mismatch", np.arange(6, dtype=f32).reshape(2, 3), np.arange(6, dtype=f32).reshape(2, 3) * 1.01, {}),
    ("float64 tol", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-6]), {}),
    ("explicit tol", np.array([1.0, 2.0], f32), np.array([1.05, 2.0], f32), {"rtol": 0.1, "atol": 0.0}),
    ("only rtol", np.array([1.0], f32), np.array([1.0], f32), {"rtol": 0.1}),
    ("shape", np.zeros((2, 3), f32), np.zeros((3, 2), f32), {}),
    ("dtype", np.zeros(3, f32), np.zeros(3), {}),
    ("dtype unchecked", np.ones(3, f32), np.ones(3), {"check_dtype": False}),
    ("int equal", np.array([1, 2, 3]), np.array([1, 2, 3]), {}),
    ("int mismatch", np.array([1, 2, 3]), np.array([1, 2, 4]), {}),
    ("bool mismatch", np.array([True, False]), np.array([True, True]), {}),
    ("nan", np.array([np.nan, 1.0], f32), np.array([np.nan, 1.0], f32), {}),
    ("nan equal_nan", np.array([np.nan, 1.0], f32), np.array([np.nan, 1.0], f32), {"equal_nan": True}),
    ("inf", np.array([np.inf], f32), np.array([np.inf], f32), {}),
    ("scalar tensor", np.array(1.0, f32), np.array(1.5, f32), {}),
    ("python scalars", 1.0, 1.1, {}),
    ("python ints", 3, 4, {}),
    ("sequence length", [np.ones(2, f32)], [np.ones(2, f32), np.ones(2, f32)], {}),
    ("sequence item", [np.ones(2, f32), np.ones(2, f32)], [np.ones(2, f32), np.zeros(2, f32)], {}),
    ("mapping keys", {"a": np.ones(1, f32)}, {"b": np.ones(1, f32)}, {}),
    ("mapping item", {"w": np.ones(2, f32)}, {"w": np.full(2, 2.0, f32)}, {}),
    ("msg", np.ones(2, f32), np.zeros(2, f32), {"msg": "custom message"}),
]


@pytest.mark.parametrize("actual,expected,kw", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_assert_close_matches_torch(actual, expected, kw):
    t, j = _both(actual, expected, **kw)
    assert j == t


def test_unrelated_types_message():
    t = _outcome(lambda: torch.testing.assert_close(torch.ones(2), 1.0))
    j = _outcome(lambda: jtorch.testing.assert_close(jtorch.ones(2), 1.0))
    assert t[0] == j[0] == "TypeError"
    assert t[1].replace("torch.Tensor", "X") == j[1].replace("jtorch._tensor.Tensor", "X")


def test_default_tolerances_per_dtype():
    from torch.testing._comparison import default_tolerances as tdt

    from jtorch.testing._comparison import default_tolerances as jdt

    for name in ("float16", "bfloat16", "float32", "float64", "complex64", "complex128", "int64", "bool"):
        assert jdt(getattr(jtorch, name)) == tdt(getattr(torch, name)), name


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "uint8", "bool", "complex64"])
def test_make_tensor(dtype):
    jt = jtorch.testing.make_tensor((3, 4), dtype=getattr(jtorch, dtype), device="cpu", low=-2, high=3)
    tt = torch.testing.make_tensor((3, 4), dtype=getattr(torch, dtype), device="cpu", low=-2, high=3)
    assert str(jt.dtype) == str(tt.dtype) and tuple(jt.shape) == tuple(tt.shape)
    v = jt.numpy()
    if dtype == "bool":
        return
    parts = [v.real, v.imag] if dtype == "complex64" else [v]
    lo = 0 if dtype == "uint8" else -2
    for p in parts:
        assert (p >= lo).all() and (p < 3 if dtype.startswith(("float", "complex")) else p <= 3).all()


def test_make_tensor_options():
    jt = jtorch.testing.make_tensor(5, dtype=jtorch.float32, device="cpu", requires_grad=True, exclude_zero=True)
    assert jt.requires_grad and jt.is_leaf and bool((jt != 0).all())
    jt = jtorch.testing.make_tensor((2, 3), dtype=jtorch.float32, device="cpu", noncontiguous=True)
    assert tuple(jt.shape) == (2, 3)
    for kwargs in (
        {"dtype": "int64", "requires_grad": True},
        {"dtype": "float32", "low": 3, "high": 1},
        {"dtype": "float32", "low": float("nan")},
        {"dtype": "uint8", "low": -10, "high": -1},
    ):

        def make(lib, kw=kwargs):
            kw = dict(kw, dtype=getattr(lib, kw["dtype"]))
            return lib.testing.make_tensor((2,), device="cpu", **kw)

        assert _outcome(lambda: make(jtorch)) == _outcome(lambda: make(torch)), kwargs
