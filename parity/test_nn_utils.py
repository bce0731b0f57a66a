"""nn.utils parity: clip_grad_norm_ / clip_grad_value_ / parameters_to_vector / vector_to_parameters
against torch on the same gradients (float32 at torch's assert_close defaults)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)
RTOL, ATOL = 1.3e-6, 1e-5


def _params(T, rng_seed=0, scale=1.0, with_none=True):
    rng = np.random.default_rng(rng_seed)
    shapes = [(3, 4), (5,), (2, 2, 2)]
    params = []
    for k, s in enumerate(shapes):
        p = T.nn.Parameter(T.tensor(rng.standard_normal(s).astype(np.float32)))
        g = (rng.standard_normal(s) * scale).astype(np.float32)
        if not (with_none and k == 1):
            p.grad = T.tensor(g)
        params.append(p)
    return params


@covers("nn.utils.clip_grad_norm_", "nn.utils.clip_grad_norm")
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf, "inf", 0.0, -math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm(norm_type, max_norm):
    tp, jp = _params(torch), _params(jtorch)
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type=norm_type)
    jn = jtorch.nn.utils.clip_grad_norm_(jp, max_norm, norm_type=norm_type, foreach=True)
    assert_same(tn, jn, RTOL, ATOL, "total norm")
    for a, b in zip(tp, jp):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            assert_same(a.grad, b.grad, RTOL, ATOL, "clipped grad")


def test_clip_grad_norm_single_tensor_empty_and_nonfinite():
    tp, jp = _params(torch)[0], _params(jtorch)[0]
    assert_same(torch.nn.utils.clip_grad_norm_(tp, 0.1), jtorch.nn.utils.clip_grad_norm_(jp, 0.1), RTOL, ATOL, "")
    assert_same(torch.nn.utils.clip_grad_norm_([], 1.0), jtorch.nn.utils.clip_grad_norm_([], 1.0), RTOL, ATOL, "")
    with pytest.warns(UserWarning, match="empty generator"):
        jtorch.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    tp, jp = _params(torch), _params(jtorch)
    tp[0].grad[0, 0] = float("inf")
    jp[0].grad[0, 0] = float("inf")
    with pytest.raises(RuntimeError) as te:
        torch.nn.utils.clip_grad_norm_(tp, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as je:
        jtorch.nn.utils.clip_grad_norm_(jp, 1.0, error_if_nonfinite=True)
    assert str(je.value) == str(te.value)
    assert_same(torch.nn.utils.clip_grad_norm_(tp, 1.0), jtorch.nn.utils.clip_grad_norm_(jp, 1.0), RTOL, ATOL, "")
    with pytest.warns(FutureWarning):
        jtorch.nn.utils.clip_grad_norm(jp, 1.0)


@covers("nn.utils.clip_grad_value_")
def test_clip_grad_value():
    tp, jp = _params(torch, scale=3.0), _params(jtorch, scale=3.0)
    assert torch.nn.utils.clip_grad_value_(tp, 1.5) is None
    assert jtorch.nn.utils.clip_grad_value_(jp, 1.5) is None
    for a, b in zip(tp, jp):
        if a.grad is not None:
            assert_same(a.grad, b.grad, 0, 0, "clip value")
    torch.nn.utils.clip_grad_value_(tp[0], 0.1)
    jtorch.nn.utils.clip_grad_value_(jp[0], 0.1)
    assert_same(tp[0].grad, jp[0].grad, 0, 0, "single tensor")


@covers("nn.utils.parameters_to_vector", "nn.utils.vector_to_parameters")
def test_parameters_vector_roundtrip():
    tp, jp = _params(torch), _params(jtorch)
    tv = torch.nn.utils.parameters_to_vector(tp)
    jv = jtorch.nn.utils.parameters_to_vector(jp)
    assert_same(tv, jv, 0, 0, "vector")
    tv.sum().backward()
    jv.sum().backward()  # differentiable, as in torch
    new = np.arange(tv.numel(), dtype=np.float32)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tp)
    objs = list(jp)
    jtorch.nn.utils.vector_to_parameters(jtorch.tensor(new), jp)
    for a, b, o in zip(tp, jp, objs):
        assert b is o and b.requires_grad
        assert_same(a.detach(), b.detach(), 0, 0, "params")
    with pytest.raises(TypeError) as te:
        torch.nn.utils.vector_to_parameters([1.0], tp)
    with pytest.raises(TypeError) as je:
        jtorch.nn.utils.vector_to_parameters([1.0], jp)
    assert str(je.value) == str(te.value)
