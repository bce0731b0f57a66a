"""torch.autograd.functional, gradcheck/gradgradcheck and anomaly mode against real torch.

Values compare at float64 with 1e-10 relative (same formulas, different summation order); the
finite differences of gradcheck are only compared as pass/fail and error type, as in torch.
"""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

TOL = (1e-10, 1e-12)
X = np.array([0.3, -1.2, 0.7])
Y = np.array([[0.5, -0.4], [1.1, 0.2]])


def f_vec(T, x):
    return (x**2).sin() * x


def f_two(T, x, y):
    return (x[:2] * y[0]).exp(), (y * y).sum()


def f_scalar(T, x):
    return (x**3).sum() + (x[0] * x[1]).exp()


def both(fn):
    """fn(T, F, *tensors) for torch and jtorch with the same float64 inputs."""
    outs = []
    for T in (torch, jtorch):
        args = (T.tensor(X, dtype=T.float64), T.tensor(Y, dtype=T.float64))
        outs.append(fn(T, T.autograd.functional, *args))
    return outs


@covers()
@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_jvp_jacobian(create_graph):
    def run(T, F, x, y):
        v = T.ones(3, dtype=T.float64) * 0.5
        o1, vjp = F.vjp(lambda a: f_vec(T, a), x, v, create_graph=create_graph)
        o2, jvp = F.jvp(lambda a: f_vec(T, a), x, v, create_graph=create_graph)
        jac = F.jacobian(lambda a: f_vec(T, a), x, create_graph=create_graph)
        jac2 = F.jacobian(lambda a, b: f_two(T, a, b), (x, y), create_graph=create_graph)
        jac3 = F.jacobian(lambda a: f_vec(T, a), x, vectorize=True)
        vjp2 = F.vjp(lambda a, b: f_two(T, a, b)[1], (x, y))
        return o1, vjp, o2, jvp, jac, jac2, jac3, vjp2, vjp.requires_grad

    t, j = both(run)
    assert_same(t, j, *TOL, "functional")


@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian_hvp_vhp(create_graph):
    def run(T, F, x, y):
        v = T.tensor([1.0, -2.0, 0.5], dtype=T.float64)
        h = F.hessian(lambda a: f_scalar(T, a), x, create_graph=create_graph)
        h2 = F.hessian(lambda a, b: (a[:2] * b[0] * b[1]).sum(), (x, y))
        hv = F.hvp(lambda a: f_scalar(T, a), x, v, create_graph=create_graph)
        vh = F.vhp(lambda a: f_scalar(T, a), x, v, create_graph=create_graph)
        hf = F.hessian(lambda a: f_scalar(T, a), x, vectorize=True, outer_jacobian_strategy="forward-mode")
        jf = F.jacobian(lambda a: f_vec(T, a), x, vectorize=True, strategy="forward-mode")
        return h, h2, hv, vh, hf, jf

    t, j = both(run)
    assert_same(t, j, *TOL, "hessian")


@pytest.mark.parametrize(
    "case",
    [
        lambda T, F, x: F.vjp(lambda a: a * 2, x),  # v needed for a non-scalar output
        lambda T, F, x: F.jvp(lambda a: a * 2, x, T.ones(2, dtype=T.float64)),  # wrong v size
        lambda T, F, x: F.jacobian(lambda a: a.detach() * 2, x, strict=True),
        lambda T, F, x: F.vjp(lambda a: T.ones(3, dtype=T.float64), x, T.ones(3, dtype=T.float64), strict=True),
        lambda T, F, x: F.hessian(lambda a: a * 2, x),  # not a scalar
        lambda T, F, x: F.hvp(lambda a: (a * a).sum(), x, T.ones(2, dtype=T.float64)),
        lambda T, F, x: F.vhp(lambda a: a * a, x, T.ones(3, dtype=T.float64)),
        lambda T, F, x: F.jacobian(lambda a: a * 2, [x]),
        lambda T, F, x: F.jacobian(lambda a: a * 2, x, strategy="forward-mode"),
    ],
)
def test_functional_errors(case):
    errs = []
    for T in (torch, jtorch):
        x = T.tensor(X, dtype=T.float64)
        with pytest.raises(Exception) as e:
            case(T, T.autograd.functional, x)
        errs.append(e.value)
    assert type(errs[1]) is type(errs[0]) and str(errs[1]) == str(errs[0])


@covers("is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled")
def test_anomaly_mode():
    for T in (torch, jtorch):
        assert not T.is_anomaly_enabled()
        T.set_anomaly_enabled(True, check_nan=False)
        assert T.is_anomaly_enabled() and not T.is_anomaly_check_nan_enabled()
        T.set_anomaly_enabled(False)
        assert not T.is_anomaly_enabled()
    msgs = []
    for T in (torch, jtorch):
        x = T.tensor([0.0, 1.0], requires_grad=True)
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
            ctx = T.autograd.detect_anomaly()
        with ctx, pytest.raises(RuntimeError) as e:
            (x.sqrt() * 0).sum().backward()
        msgs.append(str(e.value))
        assert not T.is_anomaly_enabled()
        with T.autograd.set_detect_anomaly(True):
            assert (
                T.is_anomaly_enabled() and T.autograd.anomaly_mode.set_detect_anomaly is T.autograd.set_detect_anomaly
            )
    assert msgs[0] == msgs[1]


def test_gradcheck():
    for T in (torch, jtorch):

        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3

        x = T.tensor(X, dtype=T.float64, requires_grad=True)
        y = T.tensor(Y, dtype=T.float64, requires_grad=True)
        assert T.autograd.gradcheck(lambda a, b, T=T: f_two(T, a, b), (x, y))
        assert T.autograd.gradgradcheck(lambda a, T=T: f_vec(T, a), (x,))
        assert T.autograd.gradgradcheck(
            lambda a, T=T: f_vec(T, a), (x,), (T.ones(3, dtype=T.float64, requires_grad=True),)
        )
        assert T.autograd.gradcheck(Bad.apply, (x,), raise_exception=False) is False
        with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0"):
            T.autograd.gradcheck(Bad.apply, (x,))
        with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
            T.autograd.gradcheck(lambda a: a * 2, (x.detach(),))
        with pytest.warns(UserWarning, match="not a double precision"):
            T.autograd.gradcheck(lambda a: a * 2, (T.ones(2, requires_grad=True),), atol=1e-2, rtol=1e-2, eps=1e-3)


def test_variable():
    """Legacy ``Variable(t, requires_grad)``: a detached tensor sharing t's storage; isinstance works."""
    for T in (torch, jtorch):
        from_mod = T.autograd.Variable
        x = T.ones(2)
        v = from_mod(x, requires_grad=True)
        assert v is not x and v.requires_grad and not x.requires_grad and v.is_leaf
        assert isinstance(x, from_mod) and type(v) is T.Tensor
        y = T.ones(2, requires_grad=True) * 2
        w = from_mod(y)
        assert not w.requires_grad and w.grad_fn is None
        with T.no_grad():
            w.mul_(3)
        assert y.detach().tolist() == [6.0, 6.0]  # shares y's storage


@covers("Tensor.chalf")
def test_chalf_not_implemented():
    """complex32 has no XLA dtype: jtorch says so instead of returning another dtype."""
    assert torch.zeros(2).chalf().dtype == torch.complex32
    with pytest.raises(NotImplementedError, match="complex32"):
        jtorch.zeros(2).chalf()
