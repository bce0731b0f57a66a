"""Parity for behaviour found by porting unseen PyTorch programs (research-code idioms): torch's errors for
shapes that do not broadcast (raised by every op that goes through dispatch) and the ``torch._foreach_*`` ops
that EMA updates and hand-written optimizers call."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)


def raises_same(f):
    """``f(lib)`` raises the same exception type with the same message under torch and jtorch."""
    with pytest.raises(Exception) as te:
        f(torch)
    with pytest.raises(type(te.value)) as je:
        f(jtorch)
    assert str(je.value) == str(te.value)


@pytest.mark.parametrize(
    "f",
    [
        lambda T: T.zeros(3) + T.zeros(4),
        lambda T: T.zeros(3).add_(T.zeros(4)),
        lambda T: T.zeros(2, 3) * T.zeros(3, 2),
        lambda T: T.zeros(5, 2, 3).sub(T.zeros(4, 1, 3)),
        lambda T: T.zeros(3, requires_grad=True) * T.zeros(2),
        lambda T: T.where(T.zeros(2, 3) > 0, T.zeros(3), T.zeros(4, 1)),
        lambda T: T.zeros(2, 3) < T.zeros(2),
    ],
)
def test_broadcast_mismatch_raises_torch_runtime_error(f):
    raises_same(f)


FOREACH = [
    ("_foreach_add", lambda T, a, b: T._foreach_add(a, 1.5)),
    ("_foreach_add", lambda T, a, b: T._foreach_add(a, b, alpha=2)),
    ("_foreach_add", lambda T, a, b: T._foreach_add(a, [1.0, -2.0])),
    ("_foreach_add", lambda T, a, b: T._foreach_add(a, T.tensor(0.5, dtype=T.float64))),
    ("_foreach_sub", lambda T, a, b: T._foreach_sub(a, b)),
    ("_foreach_mul", lambda T, a, b: T._foreach_mul(a, b)),
    ("_foreach_div", lambda T, a, b: T._foreach_div(a, 3.0)),
    ("_foreach_maximum", lambda T, a, b: T._foreach_maximum(a, 0.1)),
    ("_foreach_minimum", lambda T, a, b: T._foreach_minimum(a, b)),
    ("_foreach_clamp_min", lambda T, a, b: T._foreach_clamp_min(a, [0.0, -0.5])),
    ("_foreach_clamp_max", lambda T, a, b: T._foreach_clamp_max(a, 0.2)),
    ("_foreach_pow", lambda T, a, b: T._foreach_pow(a, 2)),
    ("_foreach_pow", lambda T, a, b: T._foreach_pow(2.0, a)),
    ("_foreach_addcmul", lambda T, a, b: T._foreach_addcmul(a, a, b, 0.5)),
    ("_foreach_addcdiv", lambda T, a, b: T._foreach_addcdiv(a, a, [x.abs() + 1 for x in b], [1.0, 2.0])),
    ("_foreach_lerp", lambda T, a, b: T._foreach_lerp(a, b, 0.3)),
    ("_foreach_sqrt", lambda T, a, b: T._foreach_sqrt([x.abs() for x in a])),
    ("_foreach_exp", lambda T, a, b: T._foreach_exp(a)),
    ("_foreach_neg", lambda T, a, b: T._foreach_neg(a)),
    ("_foreach_sign", lambda T, a, b: T._foreach_sign(a)),
    ("_foreach_norm", lambda T, a, b: T._foreach_norm(a)),
    ("_foreach_norm", lambda T, a, b: T._foreach_norm(a, float("inf"))),
    ("_foreach_powsum", lambda T, a, b: T._foreach_powsum(a, 3)),
    ("_foreach_max", lambda T, a, b: T._foreach_max(a)),
    ("_foreach_clone", lambda T, a, b: T._foreach_clone(a)),
    ("_foreach_mm", lambda T, a, b: T._foreach_mm([a[0].view(2, 3)], [b[0].view(3, 2)])),
]


def _lists(T):
    rs = np.random.RandomState(0)
    a = [T.tensor(rs.randn(6)), T.tensor(rs.randn(2, 2))]
    b = [T.tensor(rs.randn(6)), T.tensor(rs.randn(2, 2))]
    return a, b


@pytest.mark.parametrize("name,f", FOREACH, ids=[f"{n}-{i}" for i, (n, _) in enumerate(FOREACH)])
def test_foreach_out_of_place(name, f):
    res = [f(T, *_lists(T)) for T in (torch, jtorch)]
    assert type(res[0]) is type(res[1]) and len(res[0]) == len(res[1])
    for t, j in zip(*res):
        assert_same(t, j, 1e-12, 1e-12)


@covers(*sorted({n for n, _ in FOREACH}))
@covers(*(f"_foreach_{n}_" for n in "mul add addcmul lerp clamp_min exp zero copy".split()))
def test_foreach_in_place_returns_the_list_and_tracks_grad():
    out = []
    for T in (torch, jtorch):
        a, b = _lists(T)
        w = [x.clone().requires_grad_() for x in a]
        h = [x * 1 for x in w]
        assert T._foreach_mul_(h, b) is h
        T._foreach_add_(h, b, alpha=0.5)
        T._foreach_addcmul_(h, b, b, value=2.0)
        T._foreach_lerp_(h, a, [0.25, 0.75][0])
        T._foreach_clamp_min_(h, 0.0)
        T._foreach_exp_(h)
        sum(x.sum() for x in h).backward()
        c = T._foreach_clone(a)
        assert T._foreach_zero_(c) is c
        T._foreach_copy_(c, b)
        out.append(h + [x.grad for x in w] + list(c))
    for t, j in zip(*out):
        assert_same(t, j, 1e-12, 1e-12)
    for f in (
        lambda T: T._foreach_add([], 1.0),
        lambda T: T._foreach_add(_lists(T)[0], [1.0]),
        lambda T: T._foreach_add(_lists(T)[0], _lists(T)[1][:1]),
    ):
        raises_same(f)


# --- parametrizations (torch.nn.utils.parametrize / parametrizations) and the Householder QR pieces -------------


def _linear(T, n_in, n_out, seed):
    rs = np.random.RandomState(seed)
    m = T.nn.Linear(n_in, n_out).double()
    with T.no_grad():
        m.weight.copy_(T.tensor(rs.randn(n_out, n_in)))
        m.bias.copy_(T.tensor(rs.randn(n_out)))
    return m


def _run_parametrize(T):
    P = T.nn.utils.parametrize

    class Symmetric(T.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    class Double(T.nn.Module):
        def forward(self, X):
            return X * 2.0

        def right_inverse(self, A):
            return A / 2.0

    m = _linear(T, 3, 3, 0)
    P.register_parametrization(m, "weight", Symmetric())
    P.register_parametrization(m, "bias", Double())
    m.bias = T.tensor([1.0, 2.0, 3.0], dtype=T.float64)  # through right_inverse
    x = T.tensor(np.random.RandomState(1).randn(2, 3))
    with P.cached():
        loss = (m(x) ** 2).sum() + m.weight.sum()
    loss.backward()
    info = (type(m).__name__, sorted(m.state_dict()), P.is_parametrized(m), P.is_parametrized(m, "bias"))
    grads = [m.parametrizations.weight.original.grad, m.parametrizations.bias.original.grad]
    vals = [loss, m.weight, m.bias, m.parametrizations.bias.original]
    P.remove_parametrizations(m, "weight", leave_parametrized=True)
    info += (type(m).__name__, sorted(m.state_dict()), P.type_before_parametrizations(m).__name__)
    return info, grads + vals + [m.weight]


@covers("nn.utils.parametrize.register_parametrization", "nn.utils.parametrize.remove_parametrizations",
        "nn.utils.parametrize.cached", "nn.utils.parametrize.is_parametrized",
        "nn.utils.parametrize.type_before_parametrizations")  # fmt: skip
def test_parametrize_register_cached_right_inverse_remove():
    (ti, tv), (ji, jv) = _run_parametrize(torch), _run_parametrize(jtorch)
    assert ti == ji
    for t, j in zip(tv, jv):
        assert_same(t, j, 1e-12, 1e-12)


def _run_parametrizations(T):
    PZ = T.nn.utils.parametrizations
    out = []
    for make in (
        lambda: PZ.weight_norm(_linear(T, 3, 2, 2)),
        lambda: PZ.orthogonal(_linear(T, 2, 4, 4), use_trivialization=False),  # tall: householder (no random base)
    ):
        m = make()
        x = T.tensor(np.random.RandomState(5).randn(2, m.in_features))
        m(x).pow(2).sum().backward()
        out += [m.weight.detach()] + [p.grad for p in m.parameters()]
    return out


@covers("nn.utils.parametrizations.weight_norm", "nn.utils.parametrizations.orthogonal")
def test_parametrizations_weight_norm_orthogonal_values_and_grads():
    for t, j in zip(_run_parametrizations(torch), _run_parametrizations(jtorch)):
        assert_same(t, j, 1e-9, 1e-10)  # orthogonal goes through QR: LAPACK vs XLA rounding


@covers("nn.utils.parametrizations.spectral_norm")
def test_spectral_norm_power_iteration_from_the_same_vectors():
    res = []
    ref = None
    for T in (torch, jtorch):
        m = T.nn.utils.parametrizations.spectral_norm(_linear(T, 4, 3, 6), n_power_iterations=2)
        if ref is None:
            ref = {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}  # torch's random u, v
        else:
            m.load_state_dict({k: T.tensor(v) for k, v in ref.items()})
        x = T.tensor(np.random.RandomState(7).randn(2, 4))
        m(x).sum().backward()
        w = m.weight.detach()
        m.eval()
        res.append([w, m.weight, m.parametrizations.weight.original.grad, m.parametrizations.weight[0]._u])
    for t, j in zip(*res):
        assert_same(t, j, 1e-10, 1e-12)


@covers("geqrf", "Tensor.geqrf", "linalg.householder_product", "orgqr", "Tensor.orgqr")
def test_geqrf_householder_product_and_grad():
    a = np.random.RandomState(8).randn(2, 4, 3)
    res = []
    for T in (torch, jtorch):
        g = T.geqrf(T.tensor(a))
        h = g.a.clone().requires_grad_()
        q = T.linalg.householder_product(h, g.tau)
        (q * T.tensor(a)).sum().backward()
        res.append([g.a, g.tau, q, h.grad, T.orgqr(g.a, g.tau[..., :2]), T.tensor(a).geqrf().tau])
    for t, j in zip(*res):
        assert_same(t, j, 1e-10, 1e-12)


@covers(
    "nn.utils.weight_norm", "nn.utils.remove_weight_norm", "nn.utils.spectral_norm", "nn.utils.remove_spectral_norm"
)
def test_hook_based_weight_norm_and_spectral_norm():
    res, keys, ref = [], [], None
    for T in (torch, jtorch):
        with pytest.warns(FutureWarning, match="deprecated"):
            wn = T.nn.utils.weight_norm(_linear(T, 3, 2, 9))
        sn = T.nn.utils.spectral_norm(_linear(T, 4, 3, 10))
        if ref is None:
            ref = {k: v.detach().numpy().copy() for k, v in sn.state_dict().items()}  # torch's random u, v
        else:
            sn.load_state_dict({k: T.tensor(v) for k, v in ref.items()})
        x3, x4 = (T.tensor(np.random.RandomState(11).randn(2, n)) for n in (3, 4))
        (wn(x3).pow(2).sum() + sn(x4).pow(2).sum()).backward()
        keys.append((sorted(wn.state_dict()), sorted(sn.state_dict()), type(wn.weight.grad_fn).__name__))
        row = [wn.weight, wn.weight_g.grad, wn.weight_v.grad, sn.weight, sn.weight_orig.grad, sn.weight_u]
        T.nn.utils.remove_weight_norm(wn)
        T.nn.utils.remove_spectral_norm(sn)
        keys.append((sorted(wn.state_dict()), sorted(sn.state_dict())))
        res.append(row + [wn.weight, sn.weight])
    assert keys[0] == keys[2] and keys[1] == keys[3]
    for t, j in zip(*res):
        assert_same(t, j, 1e-10, 1e-12)


@covers("nn.utils.get_total_norm", "nn.utils.clip_grads_with_norm_")
def test_get_total_norm_and_clip_grads_with_norm():
    res = []
    for T in (torch, jtorch):
        ps = [T.tensor([3.0, -4.0], requires_grad=True), T.tensor([[1.0, 2.0]], requires_grad=True)]
        for p in ps:
            p.grad = p.detach() * 2
        norms = [T.nn.utils.get_total_norm([p.grad for p in ps], norm_type=n) for n in (2.0, 1.0, float("inf"))]
        T.nn.utils.clip_grads_with_norm_(ps, 1.0, norms[0])
        res.append(norms + [p.grad for p in ps])
    for t, j in zip(*res):
        assert_same(t, j, 1e-6, 1e-7)


@covers("nn.utils.stateless.functional_call")
def test_stateless_functional_call_warns_and_matches_func():
    res = []
    for T in (torch, jtorch):
        m = _linear(T, 3, 2, 13)
        w = {"weight": T.ones(2, 3, dtype=T.float64), "bias": T.zeros(2, dtype=T.float64)}
        with pytest.warns(FutureWarning, match="stateless.functional_call` is deprecated"):
            out = T.nn.utils.stateless.functional_call(m, w, (T.tensor([[1.0, 2.0, 3.0]], dtype=T.float64),))
        res.append([out, m.weight])
    for t, j in zip(*res):
        assert_same(t, j, 1e-12, 1e-12)


def test_assigning_grad_checks_type_and_size():
    for f in (
        lambda T: setattr(T.ones(2, requires_grad=True), "grad", T.ones(3)),
        lambda T: setattr(T.ones(2, 2, requires_grad=True), "grad", T.ones(4)),
        lambda T: setattr(T.ones(2, requires_grad=True), "grad", 3),
    ):
        raises_same(f)
