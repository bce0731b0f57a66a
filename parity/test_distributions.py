"""torch.distributions against real torch: log_prob, cdf/icdf, entropy, moments, gradients, shapes,
KL divergences, transforms, validation errors, repr; sample moments checked statistically.

Both frameworks get the same numpy parameters. Tolerances: float64 at rtol 1e-8 (XLA and ATen evaluate
lgamma/digamma/erf/triangular solves with different kernels; JAX's float64 digamma differed by 3.8e-9
relative near 0.06);
float32 at rtol 2e-5, atol 2e-6 (float32 special functions and reordered sums, epsilon 1.2e-7, chained
through a few ops). Sample values differ by design (JAX's RNG streams are not torch's), so draws are
checked for shape, dtype and support, and their means against the true mean within 5 standard errors.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import numpy as np
import pytest
import torch
from opinfo import assert_same

import jtorch

torch.set_num_threads(1)

TOL = {"float32": (2e-5, 2e-6), "float64": (1e-8, 1e-10)}
DTYPES = ["float32", "float64"]


@dataclasses.dataclass
class Case:
    name: str
    make: Callable  # (module, *params) -> distribution; module is torch or jtorch
    params: Callable  # rng -> list of numpy arrays (or Python numbers)
    value: Callable  # rng -> numpy array (a point in the support)
    grad: bool = True


def _pos(rng, *shape):
    return rng.uniform(0.5, 2.5, shape)


def _unit(rng, *shape):
    return rng.uniform(0.1, 0.9, shape)


def _simplex(rng, *shape):
    p = rng.uniform(0.2, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _spd(rng, n):
    a = rng.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


def _tril(rng, n):
    return np.tril(rng.normal(size=(n, n)), -1) + np.diag(rng.uniform(0.5, 1.5, n))


CASES = [
    Case("Normal", lambda m, a, b: m.distributions.Normal(a, b), lambda r: [r.normal(size=3), _pos(r, 3)],
         lambda r: r.normal(size=3)),
    Case("NormalScalar", lambda m: m.distributions.Normal(0.5, 2.0), lambda r: [], lambda r: np.array(0.3), False),
    Case("Uniform", lambda m, a, b: m.distributions.Uniform(a, a + b), lambda r: [r.normal(size=3), _pos(r, 3)],
         lambda r: None),
    Case("Laplace", lambda m, a, b: m.distributions.Laplace(a, b), lambda r: [r.normal(size=3), _pos(r, 3)],
         lambda r: r.normal(size=3)),
    Case("Cauchy", lambda m, a, b: m.distributions.Cauchy(a, b), lambda r: [r.normal(size=3), _pos(r, 3)],
         lambda r: r.normal(size=3)),
    Case("Exponential", lambda m, a: m.distributions.Exponential(a), lambda r: [_pos(r, 3)], lambda r: _pos(r, 3)),
    Case("Gamma", lambda m, a, b: m.distributions.Gamma(a, b), lambda r: [_pos(r, 3), _pos(r, 3)],
         lambda r: _pos(r, 3)),
    Case("Chi2", lambda m, a: m.distributions.Chi2(a), lambda r: [_pos(r, 3) * 2], lambda r: _pos(r, 3)),
    Case("Beta", lambda m, a, b: m.distributions.Beta(a, b), lambda r: [_pos(r, 3), _pos(r, 3)], lambda r: _unit(r, 3)),
    Case("Dirichlet", lambda m, a: m.distributions.Dirichlet(a), lambda r: [_pos(r, 2, 3)],
         lambda r: _simplex(r, 2, 3)),
    Case("LogNormal", lambda m, a, b: m.distributions.LogNormal(a, b), lambda r: [r.normal(size=3), _pos(r, 3)],
         lambda r: _pos(r, 3)),
    Case("StudentT", lambda m, a, b, c: m.distributions.StudentT(a, b, c),
         lambda r: [np.array([0.8, 1.5, 4.0]), r.normal(size=3), _pos(r, 3)], lambda r: r.normal(size=3)),
    Case("BernoulliProbs", lambda m, a: m.distributions.Bernoulli(probs=a), lambda r: [np.array([0.2, 0.5, 0.7])],
         lambda r: np.array([0.0, 1.0, 1.0])),
    Case("BernoulliLogits", lambda m, a: m.distributions.Bernoulli(logits=a), lambda r: [r.normal(size=3)],
         lambda r: np.array([1.0, 0.0, 1.0])),
    Case("CategoricalProbs", lambda m, a: m.distributions.Categorical(probs=a), lambda r: [_simplex(r, 2, 3)],
         lambda r: np.array([0, 2])),
    Case("CategoricalLogits", lambda m, a: m.distributions.Categorical(logits=a), lambda r: [r.normal(size=(2, 3))],
         lambda r: np.array([[1, 2], [0, 0]])),
    Case("OneHotCategorical", lambda m, a: m.distributions.OneHotCategorical(probs=a), lambda r: [_simplex(r, 2, 3)],
         lambda r: np.eye(3)[[1, 2]]),
    Case("BinomialProbs", lambda m, a: m.distributions.Binomial(5, probs=a), lambda r: [_unit(r, 3)],
         lambda r: np.array([0.0, 3.0, 5.0])),
    Case("BinomialLogits", lambda m, a: m.distributions.Binomial(4, logits=a), lambda r: [r.normal(size=3)],
         lambda r: np.array([1.0, 2.0, 4.0])),
    Case("Geometric", lambda m, a: m.distributions.Geometric(a), lambda r: [_unit(r, 3)],
         lambda r: np.array([0.0, 2.0, 5.0])),
    Case("GeometricLogits", lambda m, a: m.distributions.Geometric(logits=a), lambda r: [r.normal(size=3)],
         lambda r: np.array([1.0, 0.0, 3.0])),
    Case("Poisson", lambda m, a: m.distributions.Poisson(a), lambda r: [_pos(r, 3)], lambda r: np.array([0.0, 1.0, 4.0])),
    Case("MVNCov", lambda m, a, b: m.distributions.MultivariateNormal(a, covariance_matrix=b),
         lambda r: [r.normal(size=(2, 3)), _spd(r, 3)], lambda r: r.normal(size=(2, 3))),
    Case("MVNPrecision", lambda m, a, b: m.distributions.MultivariateNormal(a, precision_matrix=b),
         lambda r: [r.normal(size=3), _spd(r, 3)], lambda r: r.normal(size=(2, 3))),
    Case("MVNScaleTril", lambda m, a, b: m.distributions.MultivariateNormal(a, scale_tril=b),
         lambda r: [r.normal(size=3), _tril(r, 3)], lambda r: r.normal(size=3)),
    Case("LowRankMVN", lambda m, a, b, c: m.distributions.LowRankMultivariateNormal(a, b, c),
         lambda r: [r.normal(size=(2, 3)), r.normal(size=(3, 2)), _pos(r, 3)], lambda r: r.normal(size=(2, 3))),
    Case("Independent", lambda m, a, b: m.distributions.Independent(m.distributions.Normal(a, b), 1),
         lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r: r.normal(size=(2, 3))),
    Case("TransformedExpAffine", lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Normal(a, b),
        [m.distributions.ExpTransform(), m.distributions.AffineTransform(1.0, 2.0)]),
         lambda r: [r.normal(size=3), _pos(r, 3)], lambda r: 1.0 + _pos(r, 3)),
    Case("TransformedSigmoid", lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Normal(a, b), m.distributions.SigmoidTransform()),
         lambda r: [r.normal(size=3), _pos(r, 3)], lambda r: _unit(r, 3)),
    Case("TransformedTanhCompose", lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Normal(a, b), m.distributions.ComposeTransform(
            [m.distributions.AffineTransform(0.5, -1.5), m.distributions.TanhTransform()])),
         lambda r: [r.normal(size=3), _pos(r, 3)], lambda r: r.uniform(-0.9, 0.9, 3)),
    Case("MixtureSameFamily", lambda m, a, b, c: m.distributions.MixtureSameFamily(
        m.distributions.Categorical(probs=a), m.distributions.Normal(b, c)),
         lambda r: [_simplex(r, 3), r.normal(size=3), _pos(r, 3)], lambda r: r.normal(size=(2,))),
]  # fmt: skip
IDS = [c.name for c in CASES]
# Every case in float64; float32 for a representative subset (each dtype compiles every op afresh: CI budget).
F32 = {"Normal", "Gamma", "CategoricalLogits", "MVNCov"}
VALUE_PARAMS = [(c, "float64") for c in CASES] + [(c, "float32") for c in CASES if c.name in F32]


def _build(case: Case, dtype: str, seed: int = 0):
    """(torch dist, jtorch dist, torch leaves, jtorch leaves, numpy value, numpy rng)."""
    rng = np.random.default_rng(seed)
    params = case.params(rng)
    t_leaves, j_leaves = [], []
    for p in params:
        p = np.asarray(p, dtype=dtype)
        t_leaves.append(torch.tensor(p, requires_grad=case.grad))
        j_leaves.append(jtorch.tensor(p, requires_grad=case.grad))
    td, jd = case.make(torch, *t_leaves), case.make(jtorch, *j_leaves)
    value = case.value(rng)
    if value is None:  # Uniform: a point inside [low, high)
        value = params[0] + 0.3 * params[1]
    return td, jd, t_leaves, j_leaves, value


def _value(lib, value, dtype, dist):
    if dist.support.is_discrete and "Categorical" in type(dist).__name__ and value.ndim == dist.batch_shape.__len__():
        return lib.tensor(value)  # integer class indices
    return lib.tensor(np.asarray(value, dtype=dtype))


def _call(fn, *args):
    try:
        return fn(*args)
    except NotImplementedError as e:
        return e


def _compare(t, j, what, dtype):
    if isinstance(t, NotImplementedError):
        assert isinstance(j, NotImplementedError), f"{what}: torch raises NotImplementedError, jtorch gave {j!r}"
        return
    assert not isinstance(j, Exception), f"{what}: jtorch raised {j!r}"
    assert_same(t, j, *TOL[dtype], what)


@pytest.mark.parametrize("case,dtype", VALUE_PARAMS, ids=[f"{c.name}-{d}" for c, d in VALUE_PARAMS])
def test_values_and_grads(case, dtype):
    """log_prob, cdf, icdf, entropy, mean, mode, variance, stddev and their gradients match torch."""
    td, jd, tl, jl, value = _build(case, dtype)
    assert td.batch_shape == tuple(jd.batch_shape) and td.event_shape == tuple(jd.event_shape)
    assert td.has_rsample == jd.has_rsample and td.has_enumerate_support == jd.has_enumerate_support
    assert repr(td) == repr(jd)
    tv, jv = _value(torch, value, dtype, td), _value(jtorch, value, dtype, jd)
    q = np.linspace(0.2, 0.8, int(np.prod(td.batch_shape)) or 1).reshape(td.batch_shape).astype(dtype)
    results = {}
    for name, fn in [
        ("log_prob", lambda d, lib, v: d.log_prob(v)),
        ("cdf", lambda d, lib, v: d.cdf(v)),
        ("icdf", lambda d, lib, v: d.icdf(lib.tensor(q))),
        ("entropy", lambda d, lib, v: d.entropy()),
        ("mean", lambda d, lib, v: d.mean),
        ("mode", lambda d, lib, v: d.mode),
        ("variance", lambda d, lib, v: d.variance),
        ("stddev", lambda d, lib, v: d.stddev),
    ]:
        t = _call(fn, td, torch, tv)
        j = _call(fn, jd, jtorch, jv)
        _compare(t, j, f"{case.name}.{name}", dtype)
        results[name] = (t, j)
    if not case.grad:
        return
    # torch has no gradient of gammainc w.r.t. its shape argument (Gamma.cdf); jtorch's (JAX's) exists
    keys = ("log_prob", "entropy") + (() if case.name in ("Gamma", "Chi2") else ("cdf",))
    t_obj = sum(
        r[0].sum() for k, r in results.items() if k in keys and isinstance(r[0], torch.Tensor) and r[0].requires_grad
    )
    j_obj = sum(
        r[1].sum() for k, r in results.items() if k in keys and isinstance(r[1], jtorch.Tensor) and r[1].requires_grad
    )
    tg = torch.autograd.grad(t_obj, tl, allow_unused=True)
    jg = jtorch.autograd.grad(j_obj, jl, allow_unused=True)
    for k, (a, b) in enumerate(zip(tg, jg)):
        if a is None:
            assert b is None or not b.abs().sum().item(), f"{case.name}: grad {k} torch None"
        else:
            assert_same(a, b, *TOL[dtype], f"{case.name}.grad[{k}]")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_sample_shapes_and_expand(case):
    """sample/rsample shapes, dtypes and support for sample_shape variants; expand's batch and sample shapes."""
    td, jd, _, _, value = _build(case, "float64")  # float64: reuses the kernels test_values_and_grads compiled
    for shape in [(2, 2)] if td.batch_shape else [(), (2, 2)]:
        ts, js = td.sample(shape), jd.sample(shape)
        assert tuple(ts.shape) == tuple(js.shape) and str(ts.dtype) == str(js.dtype), (case.name, shape)
        assert not js.requires_grad
        assert bool(jd.support.check(js).all()), (case.name, shape)
        if td.has_rsample:
            jr = jd.rsample(shape)
            assert tuple(jr.shape) == tuple(td.rsample(shape).shape)
    new_shape = (2,) + tuple(td.batch_shape)  # values broadcast against it
    te, je = td.expand(new_shape), jd.expand(new_shape)
    assert te.batch_shape == tuple(je.batch_shape) and type(te).__name__ == type(je).__name__
    assert tuple(te.sample().shape) == tuple(je.sample().shape)


# --- sample statistics ------------------------------------------------------------------------------

N = 20000
STAT_CASES = [
    ("Normal", lambda D: D.Normal(jtorch.tensor([0.5, -1.0]), jtorch.tensor([1.0, 2.0]))),
    ("Laplace", lambda D: D.Laplace(jtorch.tensor([0.5, -1.0]), jtorch.tensor([1.5, 0.5]))),
    ("Exponential", lambda D: D.Exponential(jtorch.tensor([0.5, 2.0]))),
    ("Gamma", lambda D: D.Gamma(jtorch.tensor([0.5, 3.0]), jtorch.tensor([1.0, 2.0]))),
    ("Beta", lambda D: D.Beta(jtorch.tensor([0.5, 2.0]), jtorch.tensor([1.5, 3.0]))),
    ("Dirichlet", lambda D: D.Dirichlet(jtorch.tensor([0.5, 1.0, 3.0]))),
    ("Poisson", lambda D: D.Poisson(jtorch.tensor([0.5, 4.0]))),
    ("Binomial", lambda D: D.Binomial(jtorch.tensor([3.0, 10.0]), jtorch.tensor([0.3, 0.6]))),
    ("StudentT", lambda D: D.StudentT(jtorch.tensor([5.0, 8.0]), jtorch.tensor([1.0, 0.0]), jtorch.tensor([2.0, 1.0]))),
    ("MVN", lambda D: D.MultivariateNormal(jtorch.tensor([1.0, -1.0]), jtorch.tensor([[2.0, 0.5], [0.5, 1.0]]))),
    ("LowRankMVN", lambda D: D.LowRankMultivariateNormal(
        jtorch.tensor([1.0, -1.0]), jtorch.tensor([[1.0], [0.5]]), jtorch.tensor([0.5, 1.0]))),
]  # fmt: skip


@pytest.mark.parametrize("name,make", STAT_CASES, ids=[n for n, _ in STAT_CASES])
def test_sample_moments_and_support(name, make):
    """Mean of 20k draws within 5 standard errors of the true mean (false-failure odds ~6e-7 per value)."""
    jtorch.manual_seed(1)
    d = make(jtorch.distributions)
    s = d.sample((N,))
    assert bool(d.support.check(s).all()), name
    mean = s.double().mean(0).numpy()
    sem = np.sqrt(d.variance.double().numpy() / N)
    np.testing.assert_array_less(np.abs(mean - d.mean.double().numpy()), 5 * sem + 1e-12, err_msg=name)
    if name == "Dirichlet":
        np.testing.assert_allclose(s.sum(-1).numpy(), 1.0, rtol=1e-5)


def test_categorical_sample_frequencies():
    """Categorical draw frequencies within 5 binomial standard errors of probs."""
    jtorch.manual_seed(2)
    p = np.array([0.1, 0.6, 0.3])
    s = jtorch.distributions.Categorical(jtorch.tensor(p)).sample((N,)).numpy()
    freq = np.bincount(s, minlength=3) / N
    np.testing.assert_array_less(np.abs(freq - p), 5 * np.sqrt(p * (1 - p) / N))


N_GRAD = 16384


@pytest.mark.parametrize("name", ["Gamma", "Beta", "Normal", "Exponential"])
def test_rsample_gradient_is_unbiased(name):
    """Reparameterized gradients: d/dtheta of a draw averages to d/dtheta of the mean (5 standard errors).

    The parameter is a length-N vector of equal values, so each draw's derivative is its own gradient entry.
    """
    jtorch.manual_seed(3)
    D = jtorch.distributions
    n = N_GRAD // 2 if name == "Beta" else N_GRAD  # Beta draws 2 gammas each: all share one compiled sampler
    a = jtorch.full((n,), 2.0, dtype=jtorch.float64, requires_grad=True)
    if name == "Gamma":
        d, expect = D.Gamma(a, 3.0), 1 / 3.0  # E = a / rate
    elif name == "Beta":
        d, expect = D.Beta(a, jtorch.full((n,), 3.0, dtype=jtorch.float64)), 3.0 / 25.0  # d/da a/(a+b)
    elif name == "Normal":
        d, expect = D.Normal(a, 1.5), 1.0
    else:
        d, expect = D.Exponential(a), -1 / 4.0  # d/drate 1/rate
    x = d.rsample()
    (g,) = jtorch.autograd.grad(x.sum(), [a])
    g = g.numpy()
    assert abs(g.mean() - expect) < 5 * g.std() / math.sqrt(n) + 1e-12, (name, g.mean(), expect)


# --- KL divergence -----------------------------------------------------------------------------------

KL_PAIRS = [
    ("Normal", "Normal"), ("Normal", "Laplace"), ("Normal", "Uniform"), ("Laplace", "Laplace"), ("Laplace", "Normal"),
    ("Exponential", "Exponential"), ("Exponential", "Gamma"), ("Exponential", "Normal"), ("Gamma", "Gamma"),
    ("Gamma", "Exponential"), ("Gamma", "Normal"), ("Beta", "Beta"), ("Beta", "Normal"), ("Beta", "Gamma"),
    ("Beta", "Exponential"), ("Beta", "Uniform"), ("Uniform", "Uniform"), ("Uniform", "Normal"), ("Uniform", "Gamma"),
    ("Uniform", "Beta"), ("Uniform", "Exponential"), ("Bernoulli", "Bernoulli"), ("Bernoulli", "Poisson"),
    ("Poisson", "Poisson"), ("Categorical", "Categorical"), ("OneHotCategorical", "OneHotCategorical"),
    ("Binomial", "Binomial"), ("Geometric", "Geometric"), ("Dirichlet", "Dirichlet"), ("Cauchy", "Cauchy"),
    ("MVN", "MVN"), ("MVN", "LowRankMVN"), ("LowRankMVN", "MVN"), ("LowRankMVN", "LowRankMVN"),
    ("Independent", "Independent"), ("LogNormal", "LogNormal"), ("Chi2", "Chi2"), ("Poisson", "Bernoulli"),
]  # fmt: skip

_KL_MAKERS = {
    "Normal": (lambda D, a, b: D.Normal(a, b), lambda r: [r.normal(size=3), _pos(r, 3)]),
    "LogNormal": (lambda D, a, b: D.LogNormal(a, b), lambda r: [r.normal(size=3), _pos(r, 3)]),
    "Laplace": (lambda D, a, b: D.Laplace(a, b), lambda r: [r.normal(size=3), _pos(r, 3)]),
    "Cauchy": (lambda D, a, b: D.Cauchy(a, b), lambda r: [r.normal(size=3), _pos(r, 3)]),
    "Uniform": (lambda D, a, b: D.Uniform(a, a + b), lambda r: [r.uniform(0.05, 0.3, 3), r.uniform(0.1, 0.6, 3)]),
    "Exponential": (lambda D, a: D.Exponential(a), lambda r: [_pos(r, 3)]),
    "Gamma": (lambda D, a, b: D.Gamma(a, b), lambda r: [_pos(r, 3), _pos(r, 3)]),
    "Chi2": (lambda D, a: D.Chi2(a), lambda r: [_pos(r, 3)]),
    "Beta": (lambda D, a, b: D.Beta(a, b), lambda r: [_pos(r, 3), _pos(r, 3)]),
    "Bernoulli": (lambda D, a: D.Bernoulli(a), lambda r: [_unit(r, 3)]),
    "Poisson": (lambda D, a: D.Poisson(a), lambda r: [_pos(r, 3)]),
    "Binomial": (lambda D, a: D.Binomial(4, a), lambda r: [_unit(r, 3)]),
    "Geometric": (lambda D, a: D.Geometric(a), lambda r: [_unit(r, 3)]),
    "Categorical": (lambda D, a: D.Categorical(a), lambda r: [_simplex(r, 2, 3)]),
    "OneHotCategorical": (lambda D, a: D.OneHotCategorical(a), lambda r: [_simplex(r, 2, 3)]),
    "Dirichlet": (lambda D, a: D.Dirichlet(a), lambda r: [_pos(r, 2, 3)]),
    "MVN": (lambda D, a, b: D.MultivariateNormal(a, scale_tril=b), lambda r: [r.normal(size=3), _tril(r, 3)]),
    "LowRankMVN": (lambda D, a, b, c: D.LowRankMultivariateNormal(a, b, c),
                   lambda r: [r.normal(size=3), r.normal(size=(3, 2)), _pos(r, 3)]),
    "Independent": (lambda D, a, b: D.Independent(D.Normal(a, b), 1), lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)]),
}  # fmt: skip


# float64 only: float32 KL paths reuse the float32-checked log_prob/entropy ops (CI budget).
KL_PARAMS = [(p, q, "float64") for p, q in KL_PAIRS]


@pytest.mark.parametrize("p,q,dtype", KL_PARAMS, ids=[f"{p}-{q}-{d}" for p, q, d in KL_PARAMS])
def test_kl_divergence(p, q, dtype):
    """kl_divergence values and gradients w.r.t. both distributions' parameters."""
    rng = np.random.default_rng(5)
    dists, leaves = {}, {"t": [], "j": []}
    for side, name in (("p", p), ("q", q)):
        make, params = _KL_MAKERS[name]
        arrays = [np.asarray(a, dtype=dtype) for a in params(rng)]
        for key, lib in (("t", torch), ("j", jtorch)):
            ls = [lib.tensor(a, requires_grad=True) for a in arrays]
            leaves[key] += ls
            dists[key, side] = make(lib.distributions, *ls)
    t = torch.distributions.kl_divergence(dists["t", "p"], dists["t", "q"])
    j = jtorch.distributions.kl_divergence(dists["j", "p"], dists["j", "q"])
    assert_same(t, j, *TOL[dtype], f"KL({p}||{q})")
    if not torch.isfinite(t).all():
        return
    tg = torch.autograd.grad(t.sum(), leaves["t"], allow_unused=True)
    jg = jtorch.autograd.grad(j.sum(), leaves["j"], allow_unused=True)
    for k, (a, b) in enumerate(zip(tg, jg)):
        if a is not None:
            assert_same(a, b, *TOL[dtype], f"KL({p}||{q}).grad[{k}]")


def test_kl_not_implemented_and_register():
    D = jtorch.distributions
    with pytest.raises(NotImplementedError) as e:
        D.kl_divergence(D.Cauchy(0.0, 1.0), D.Normal(0.0, 1.0))
    with pytest.raises(NotImplementedError) as te:
        torch.distributions.kl_divergence(torch.distributions.Cauchy(0.0, 1.0), torch.distributions.Normal(0.0, 1.0))
    assert str(e.value) == str(te.value)

    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return jtorch.zeros(())

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 0.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(0.0, 1.0)).item() == 0.0  # Normal-Normal by subclass


# --- transforms ------------------------------------------------------------------------------------

TRANSFORMS = [
    ("Exp", lambda D: D.ExpTransform(), lambda r: r.normal(size=4)),
    ("Affine", lambda D: D.AffineTransform(0.5, -2.0), lambda r: r.normal(size=4)),
    ("Sigmoid", lambda D: D.SigmoidTransform(), lambda r: r.normal(size=4)),
    ("Tanh", lambda D: D.TanhTransform(), lambda r: r.normal(size=4)),
    ("Softplus", lambda D: D.SoftplusTransform(), lambda r: r.normal(size=4)),
    ("Power", lambda D: D.PowerTransform(2.5), lambda r: _pos(r, 4)),
    ("StickBreaking", lambda D: D.StickBreakingTransform(), lambda r: r.normal(size=(2, 3))),
    ("Compose", lambda D: D.ComposeTransform([D.AffineTransform(1.0, 2.0), D.ExpTransform()]),
     lambda r: r.normal(size=4)),
    ("ExpInv", lambda D: D.ExpTransform().inv, lambda r: _pos(r, 4)),
    ("Independent", lambda D: D.IndependentTransform(D.SigmoidTransform(), 1), lambda r: r.normal(size=(2, 3))),
    ("Reshape", lambda D: D.ReshapeTransform((2, 3), (6,)), lambda r: r.normal(size=(4, 2, 3))),
]  # fmt: skip


@pytest.mark.parametrize("name,make,x", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])
def test_transforms(name, make, x):
    """Forward, inverse, log|det J| (with gradients), shapes, sign, repr and domain/codomain reprs."""
    xs = np.asarray(x(np.random.default_rng(7)), dtype="float64")
    tt, jt = make(torch.distributions), make(jtorch.distributions)
    tx, jx = torch.tensor(xs, requires_grad=True), jtorch.tensor(xs, requires_grad=True)
    ty, jy = tt(tx), jt(jx)
    assert_same(ty, jy, *TOL["float64"], f"{name}.forward")
    assert_same(tt.inv(ty), jt.inv(jy), *TOL["float64"], f"{name}.inverse")
    assert repr(tt) == repr(jt) and repr(tt.domain) == repr(jt.domain) and repr(tt.codomain) == repr(jt.codomain)
    assert tt.forward_shape(tx.shape) == tuple(jt.forward_shape(jx.shape))
    if name not in ("Reshape",):
        assert tt.bijective == jt.bijective
    if name == "Reshape" or not tt.bijective or name == "StickBreaking" or "Softmax" in name:
        return
    tl, jl = tt.log_abs_det_jacobian(tx, ty), jt.log_abs_det_jacobian(jx, jy)
    assert_same(tl, jl, *TOL["float64"], f"{name}.log_abs_det_jacobian")
    (tg,) = torch.autograd.grad((ty.sum() + tl.sum()), [tx])
    (jg,) = jtorch.autograd.grad((jy.sum() + jl.sum()), [jx])
    assert_same(tg, jg, *TOL["float64"], f"{name}.grad")


# --- validation, errors, repr ------------------------------------------------------------------------


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is compared against torch's
        return e
    return None


ERROR_CASES = [
    ("Normal bad scale", lambda m: m.distributions.Normal(m.tensor([0.0, 1.0]), m.tensor([1.0, -1.0]))),
    ("Normal nan loc", lambda m: m.distributions.Normal(m.tensor([math.nan]), m.tensor([1.0]))),
    ("Bernoulli probs > 1", lambda m: m.distributions.Bernoulli(m.tensor([0.5, 1.5]))),
    ("Categorical no simplex", lambda m: m.distributions.Categorical(probs=m.tensor([-0.1, 0.5]))),
    ("Categorical both", lambda m: m.distributions.Categorical(m.tensor([0.5, 0.5]), m.tensor([0.0, 0.0]))),
    ("Categorical 0-dim", lambda m: m.distributions.Categorical(m.tensor(0.5))),
    ("Uniform low >= high", lambda m: m.distributions.Uniform(m.tensor([1.0]), m.tensor([0.5]))),
    ("Gamma log_prob out of support", lambda m: m.distributions.Gamma(1.0, 1.0).log_prob(m.tensor([-1.0]))),
    ("Exponential shape", lambda m: m.distributions.Exponential(m.tensor([1.0, 2.0])).log_prob(m.tensor([1.0, 2.0, 3.0]))),
    ("Categorical value", lambda m: m.distributions.Categorical(m.tensor([0.5, 0.5])).log_prob(m.tensor(2))),
    ("Dirichlet simplex", lambda m: m.distributions.Dirichlet(m.tensor([1.0, 2.0])).log_prob(m.tensor([0.5, 0.6]))),
    ("log_prob of non-tensor", lambda m: m.distributions.Normal(0.0, 1.0).log_prob(0.5)),
    ("MVN two matrices", lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.eye(2), scale_tril=m.eye(2))),
    ("MVN not pd", lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]]))),
    ("Independent ndims", lambda m: m.distributions.Independent(m.distributions.Normal(m.zeros(2), 1.0), 2)),
    ("Geometric zero probs", lambda m: m.distributions.Geometric(m.tensor([0.0, 0.5]))),
    ("Binomial entropy inhomogeneous",
     lambda m: m.distributions.Binomial(m.tensor([2.0, 3.0]), m.tensor([0.5, 0.5])).entropy()),
    ("Independent enumerate",
     lambda m: m.distributions.Independent(m.distributions.Bernoulli(m.tensor([0.5])), 1).enumerate_support()),
    ("Transform cache_size", lambda m: m.distributions.ExpTransform(cache_size=2)),
]  # fmt: skip


@pytest.mark.parametrize("name,fn", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_validation_errors(name, fn):
    """Invalid parameters and values raise torch's exception type with torch's message."""
    te, je = _err(lambda: fn(torch)), _err(lambda: fn(jtorch))
    assert te is not None and je is not None, (name, te, je)
    assert type(te).__name__ == type(je).__name__, (name, te, je)
    assert str(te) == str(je), name


def test_set_default_validate_args():
    for lib in (torch, jtorch):
        D = lib.distributions
        try:
            D.Distribution.set_default_validate_args(False)
            D.Normal(0.0, -1.0)  # no error
            with pytest.raises(ValueError):
                D.Normal(0.0, -1.0, validate_args=True)
        finally:
            D.Distribution.set_default_validate_args(True)
        with pytest.raises(ValueError):
            D.Normal(0.0, -1.0)
        with pytest.raises(ValueError):
            D.Distribution.set_default_validate_args(3)
        D.Normal(0.0, -1.0, validate_args=False)


REPRS = [
    lambda m: m.distributions.Normal(0.0, 1.0),
    lambda m: m.distributions.Gamma(m.tensor([1.0, 2.0]), 1.0),
    lambda m: m.distributions.Categorical(logits=m.tensor([1.0, 2.0])),
    lambda m: m.distributions.Independent(m.distributions.Normal(m.zeros(2, 3), 1.0), 1),
    lambda m: m.distributions.Beta(2.0, 3.0),
    lambda m: m.distributions.MixtureSameFamily(m.distributions.Categorical(m.ones(2)), m.distributions.Normal(m.zeros(2), 1.0)),
    lambda m: m.distributions.constraints.interval(0.0, 1.0),
    lambda m: m.distributions.constraints.independent(m.distributions.constraints.positive, 1),
    lambda m: m.distributions.constraints.integer_interval(0, 3),
    lambda m: m.distributions.constraints.simplex,
    lambda m: m.distributions.constraints.real_vector,
    lambda m: m.distributions.constraints.lower_cholesky,
    lambda m: m.distributions.ComposeTransform([m.distributions.ExpTransform(), m.distributions.AffineTransform(1.0, 2.0)]),
    lambda m: m.distributions.ExpTransform().inv,
]  # fmt: skip


@pytest.mark.parametrize("k", range(len(REPRS)))
def test_repr(k):
    assert repr(REPRS[k](torch)) == repr(REPRS[k](jtorch))


CONSTRAINT_CHECKS = [
    ("positive", np.array([-1.0, 0.0, 2.0])),
    ("nonnegative", np.array([-1.0, 0.0, 2.0])),
    ("unit_interval", np.array([-0.1, 0.0, 0.5, 1.0, 1.1])),
    ("boolean", np.array([0.0, 1.0, 0.5])),
    ("nonnegative_integer", np.array([-1.0, 0.0, 2.0, 2.5])),
    ("positive_integer", np.array([0.0, 1.0, 2.5])),
    ("real", np.array([math.nan, 1.0, math.inf])),
    ("simplex", np.array([[0.2, 0.8], [0.5, 0.6], [-0.1, 1.1]])),
    ("one_hot", np.array([[0.0, 1.0], [1.0, 1.0]])),
    ("lower_cholesky", np.array([[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]])),
    ("lower_triangular", np.array([[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]]])),
    ("positive_definite", np.array([[[2.0, 0.5], [0.5, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])),
    ("positive_semidefinite", np.array([[[1.0, 1.0], [1.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])),
    ("symmetric", np.array([[[1.0, 0.5], [0.5, 1.0]], [[1.0, 2.0], [0.0, 1.0]]])),
    ("real_vector", np.array([[1.0, math.nan], [1.0, 2.0]])),
]


@pytest.mark.parametrize("name,x", CONSTRAINT_CHECKS, ids=[c[0] for c in CONSTRAINT_CHECKS])
def test_constraint_checks(name, x):
    tc, jc = getattr(torch.distributions.constraints, name), getattr(jtorch.distributions.constraints, name)
    assert_same(tc.check(torch.tensor(x)), jc.check(jtorch.tensor(x)), 0, 0, name)
    assert tc.event_dim == jc.event_dim and tc.is_discrete == jc.is_discrete


def test_enumerate_support():
    for make in [
        lambda m: m.distributions.Bernoulli(m.tensor([0.3, 0.6])),
        lambda m: m.distributions.Categorical(m.tensor([[0.3, 0.7, 0.0], [0.2, 0.2, 0.6]])),
        lambda m: m.distributions.Binomial(3, m.tensor([0.3, 0.6])),
        lambda m: m.distributions.OneHotCategorical(m.tensor([[0.3, 0.7], [0.5, 0.5]])),
    ]:
        td, jd = make(torch), make(jtorch)
        for expand in (True, False):
            assert_same(td.enumerate_support(expand), jd.enumerate_support(expand), 0, 0, repr(td))


def test_utils():
    U, TU = jtorch.distributions.utils, torch.distributions.utils
    x = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    assert_same(TU.probs_to_logits(torch.tensor(x)), U.probs_to_logits(jtorch.tensor(x)), 1e-12, 0, "p2l")
    assert_same(TU.logits_to_probs(torch.tensor(x)), U.logits_to_probs(jtorch.tensor(x)), 1e-12, 0, "l2p")
    assert_same(TU.probs_to_logits(torch.tensor(x), True), U.probs_to_logits(jtorch.tensor(x), True), 1e-12, 0, "")
    assert_same(TU.logits_to_probs(torch.tensor(x), True), U.logits_to_probs(jtorch.tensor(x), True), 1e-12, 0, "")
    tb, jb = TU.broadcast_all(torch.ones(2, 1), 3.0), U.broadcast_all(jtorch.ones(2, 1), 3.0)
    for a, b in zip(tb, jb):
        assert_same(a, b, 0, 0, "broadcast_all")
    with pytest.raises(ValueError, match="Input arguments must all be instances of Number"):
        U.broadcast_all(jtorch.ones(2), "a")
    m = np.arange(9.0).reshape(3, 3)
    assert_same(TU.tril_matrix_to_vec(torch.tensor(m)), U.tril_matrix_to_vec(jtorch.tensor(m)), 0, 0, "t2v")
    v = np.arange(6.0)
    assert_same(TU.vec_to_tril_matrix(torch.tensor(v)), U.vec_to_tril_matrix(jtorch.tensor(v)), 0, 0, "v2t")

    class C:
        calls = 0

        @U.lazy_property
        def x(self):
            C.calls += 1
            return 5

    c = C()
    assert c.x == 5 and c.x == 5 and C.calls == 1


def test_torch_alias_and_rl_policy_gradient():
    """``torch.distributions`` through the alias, and a REINFORCE-style update: grads flow to logits."""
    assert jtorch.distributions.Normal is __import__("jtorch").distributions.normal.Normal
    logits = {lib: lib.tensor([[0.1, 0.5, -0.2], [1.0, 0.0, 0.3]], requires_grad=True) for lib in (torch, jtorch)}
    actions = np.array([2, 0])
    out = {}
    for lib in (torch, jtorch):
        d = lib.distributions.Categorical(logits=logits[lib])
        loss = -(d.log_prob(lib.tensor(actions)) * lib.tensor([1.5, -0.5])).sum() - 0.01 * d.entropy().sum()
        loss.backward()
        out[lib] = (loss, logits[lib].grad)
    assert_same(out[torch][0], out[jtorch][0], *TOL["float32"], "loss")
    assert_same(out[torch][1], out[jtorch][1], *TOL["float32"], "grad")


def test_sample_n_warns():
    with pytest.warns(FutureWarning, match="`sample_n\\(n\\)` will be deprecated"):
        s = jtorch.distributions.Normal(0.0, 1.0).sample_n(3)
    assert tuple(s.shape) == (3,)
