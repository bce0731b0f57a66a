"""nn.init parity: exact values where torch's are deterministic (gains, fans, constant/eye/dirac),
torch's formulas for the distributions (bounds exactly, moments within statistical tolerance), and
torch's errors. Random values come from JAX's stream, so only distributions are compared.

Statistical tolerances: with n = 20000 samples the standard error of a sample std is about
std / sqrt(2n) = 0.5% of std, and of a sample mean std / sqrt(n) = 0.7% of std; the checks use 5%
(about 7 to 10 standard errors), which cannot fail by chance yet catches a wrong formula (e.g. a
missing sqrt(3) or a fan_in/fan_out swap changes the std by 40% or more here).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from opinfo import covers

import jtorch
from jtorch.nn import init as jinit

torch.set_num_threads(1)
SHAPE = (100, 200)  # fan_in 200, fan_out 100: 20000 samples


def _np(t):
    return t.detach().numpy()


@covers("nn.init.calculate_gain")
def test_calculate_gain_exact():
    for nl in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
               "sigmoid", "tanh", "relu", "selu"):  # fmt: skip
        assert jinit.calculate_gain(nl) == torch.nn.init.calculate_gain(nl), nl
    for p in (None, 0.2, 1, 5**0.5):
        assert jinit.calculate_gain("leaky_relu", p) == torch.nn.init.calculate_gain("leaky_relu", p)
    for args in (("leaky_relu", True), ("leaky_relu", "x"), ("nope",)):
        with pytest.raises(ValueError) as te:
            torch.nn.init.calculate_gain(*args)
        with pytest.raises(ValueError) as je:
            jinit.calculate_gain(*args)
        assert str(je.value) == str(te.value)


def test_fan_in_and_fan_out():
    for shape in ((3, 4), (8, 3, 5), (6, 2, 3, 3), (2, 2, 1, 2, 3)):
        assert jinit._calculate_fan_in_and_fan_out(jtorch.empty(*shape)) == torch.nn.init._calculate_fan_in_and_fan_out(
            torch.empty(*shape)
        )
    with pytest.raises(ValueError) as te:
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(3))
    with pytest.raises(ValueError) as je:
        jinit._calculate_fan_in_and_fan_out(jtorch.empty(3))
    assert str(je.value) == str(te.value)


@covers("nn.init.constant_", "nn.init.ones_", "nn.init.zeros_", "nn.init.eye_", "nn.init.dirac_")
def test_deterministic_inits_exact():
    for fn, args in ((torch.nn.init.constant_, (0.25,)), (torch.nn.init.ones_, ()), (torch.nn.init.zeros_, ()),
                     (torch.nn.init.eye_, ())):  # fmt: skip
        t = fn(torch.empty(3, 5), *args)
        j = getattr(jinit, fn.__name__)(jtorch.empty(3, 5), *args)
        np.testing.assert_array_equal(_np(j), _np(t))
    for shape, groups in (((4, 2, 3), 1), ((4, 2, 3, 3), 2), ((6, 3, 3, 3, 3), 3), ((2, 4, 5, 5), 1)):
        t = torch.nn.init.dirac_(torch.empty(*shape), groups)
        j = jinit.dirac_(jtorch.empty(*shape), groups)
        np.testing.assert_array_equal(_np(j), _np(t))
    for fn, arg in ((jinit.eye_, jtorch.empty(2, 2, 2)), (jinit.dirac_, jtorch.empty(2, 2))):
        tfn = getattr(torch.nn.init, fn.__name__)
        with pytest.raises(ValueError) as te:
            tfn(torch.empty(*arg.shape))
        with pytest.raises(ValueError) as je:
            fn(arg)
        assert str(je.value) == str(te.value)
    p = jtorch.nn.Parameter(jtorch.empty(2, 2))
    jinit.ones_(p)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None


def _check_uniform(x, bound, lo=None):
    lo = -bound if lo is None else lo
    assert x.min() >= lo and x.max() <= bound
    assert x.min() < lo + 0.01 * (bound - lo) and x.max() > bound - 0.01 * (bound - lo)
    np.testing.assert_allclose(x.std(), (bound - lo) / math.sqrt(12), rtol=0.05)


@covers("nn.init.uniform_", "nn.init.normal_", "nn.init.xavier_uniform_", "nn.init.xavier_normal_",
        "nn.init.kaiming_uniform_", "nn.init.kaiming_normal_")  # fmt: skip
def test_distributions_follow_torch_formulas():
    fan_in, fan_out = SHAPE[1], SHAPE[0]
    x = _np(jinit.uniform_(jtorch.empty(*SHAPE), -0.5, 2.0))
    _check_uniform(x, 2.0, -0.5)
    x = _np(jinit.normal_(jtorch.empty(*SHAPE), 1.5, 0.3))
    np.testing.assert_allclose([x.mean(), x.std()], [1.5, 0.3], rtol=0.05)
    gain = 1.7
    _check_uniform(_np(jinit.xavier_uniform_(jtorch.empty(*SHAPE), gain)), gain * math.sqrt(6 / (fan_in + fan_out)))
    x = _np(jinit.xavier_normal_(jtorch.empty(*SHAPE), gain))
    np.testing.assert_allclose(x.std(), gain * math.sqrt(2 / (fan_in + fan_out)), rtol=0.05)
    for a, mode, nl in ((0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"), (0, "fan_out", "relu"),
                        (0.1, "fan_out", "tanh")):  # fmt: skip
        fan = fan_in if mode == "fan_in" else fan_out
        std = torch.nn.init.calculate_gain(nl, a) / math.sqrt(fan)
        _check_uniform(_np(jinit.kaiming_uniform_(jtorch.empty(*SHAPE), a, mode, nl)), math.sqrt(3) * std)
        x = _np(jinit.kaiming_normal_(jtorch.empty(*SHAPE), a, mode, nl))
        np.testing.assert_allclose(x.std(), std, rtol=0.05)
        assert abs(x.mean()) < 0.05 * std
    with pytest.raises(ValueError) as te:
        torch.nn.init.kaiming_uniform_(torch.empty(2, 2), mode="fan_x")
    with pytest.raises(ValueError) as je:
        jinit.kaiming_uniform_(jtorch.empty(2, 2), mode="fan_x")
    assert str(je.value) == str(te.value)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        jinit.kaiming_normal_(jtorch.empty(0, 3))


@covers("nn.init.trunc_normal_")
def test_trunc_normal():
    for mean, std, a, b in ((0.0, 1.0, -2.0, 2.0), (0.5, 0.2, 0.0, 1.0), (0.0, 1.0, 1.5, 4.0)):
        x = _np(jinit.trunc_normal_(jtorch.empty(*SHAPE), mean, std, a, b)).astype(np.float64)
        assert x.min() >= a and x.max() <= b
        # moments of the truncated normal (scipy-free formulas)
        al, be = (a - mean) / std, (b - mean) / std
        pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
        cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
        Z = cdf(be) - cdf(al)
        m = mean + std * (pdf(al) - pdf(be)) / Z
        var = std**2 * (1 + (al * pdf(al) - be * pdf(be)) / Z - ((pdf(al) - pdf(be)) / Z) ** 2)
        np.testing.assert_allclose(x.mean(), m, atol=0.05 * math.sqrt(var))
        np.testing.assert_allclose(x.std(), math.sqrt(var), rtol=0.05)


@covers("nn.init.orthogonal_")
def test_orthogonal():
    for shape, gain in (((6, 10), 1.0), ((10, 6), 2.0), ((4, 3, 2, 2), 1.0)):
        w = _np(jinit.orthogonal_(jtorch.empty(*shape), gain)).reshape(shape[0], -1).astype(np.float64)
        rows, cols = w.shape
        prod = w @ w.T if rows <= cols else w.T @ w
        np.testing.assert_allclose(prod, gain**2 * np.eye(min(rows, cols)), atol=1e-5)
    with pytest.raises(ValueError) as te:
        torch.nn.init.orthogonal_(torch.empty(3))
    with pytest.raises(ValueError) as je:
        jinit.orthogonal_(jtorch.empty(3))
    assert str(je.value) == str(te.value)


@covers("nn.init.sparse_")
def test_sparse():
    w = _np(jinit.sparse_(jtorch.empty(10, 300), 0.3, std=0.02))
    assert ((w == 0).sum(0) == math.ceil(0.3 * 10)).all()
    nz = w[w != 0]
    np.testing.assert_allclose(nz.std(), 0.02, rtol=0.05)


def test_generator_and_rng_stream():
    g = jtorch.Generator().manual_seed(3)
    a = _np(jinit.kaiming_uniform_(jtorch.empty(4, 4), generator=g))
    g.manual_seed(3)
    b = _np(jinit.kaiming_uniform_(jtorch.empty(4, 4), generator=g))
    np.testing.assert_array_equal(a, b)
    jtorch.manual_seed(5)
    c = _np(jinit.normal_(jtorch.empty(5)))
    jtorch.manual_seed(5)
    np.testing.assert_array_equal(c, _np(jinit.normal_(jtorch.empty(5))))


def test_deprecated_aliases_warn():
    with pytest.warns(FutureWarning, match="nn.init.normal` is now deprecated in favor of `nn.init.normal_"):
        jinit.normal(jtorch.empty(2))
