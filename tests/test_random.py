"""RNG behaviour without torch: reproducibility, generator isolation, state save/restore, and
statistical checks of every sampler (jtorch's streams differ from torch's by design, so only the
distributions can be compared).

Statistical tolerances: with N = 20000 draws the standard error of a mean is sigma / sqrt(N), about
0.7% of sigma; bounds below are at least 5 standard errors wide, so a correct sampler fails with
probability below 1e-6 per check, while a wrong parameter (e.g. a variance off by 2x) fails surely.
"""

import math
import pickle

import numpy as np
import pytest

import jtorch

N = 20000


def _np(t):
    return t.detach().double().numpy()


def test_manual_seed_reproducible():
    jtorch.manual_seed(123)
    a = _np(jtorch.rand(5))
    b = _np(jtorch.randn(5))
    jtorch.manual_seed(123)
    np.testing.assert_array_equal(_np(jtorch.rand(5)), a)
    np.testing.assert_array_equal(_np(jtorch.randn(5)), b)
    assert not np.array_equal(_np(jtorch.rand(5)), a)  # the stream advances


def test_generator_isolated_from_default():
    g1 = jtorch.Generator().manual_seed(7)
    g2 = jtorch.Generator().manual_seed(7)
    jtorch.manual_seed(0)
    a = _np(jtorch.rand(4, generator=g1))
    jtorch.rand(4)  # draws from the default generator do not move g2
    np.testing.assert_array_equal(_np(jtorch.rand(4, generator=g2)), a)
    g3 = jtorch.Generator().manual_seed(8)
    assert not np.array_equal(_np(jtorch.rand(4, generator=g3)), a)


def test_generator_state_roundtrip_and_pickle():
    g = jtorch.Generator().manual_seed(42)
    jtorch.rand(3, generator=g)
    state = g.get_state()
    assert state.dtype is jtorch.uint8 and state.ndim == 1
    a = _np(jtorch.randn(4, generator=g))
    g.set_state(state)
    np.testing.assert_array_equal(_np(jtorch.randn(4, generator=g)), a)
    g.set_state(state)
    g2 = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(_np(jtorch.randn(4, generator=g2)), a)
    assert g2.initial_seed() == 42


def test_fork_rng_restores():
    jtorch.manual_seed(3)
    with jtorch.random.fork_rng():
        jtorch.rand(10)
    a = _np(jtorch.rand(3))
    jtorch.manual_seed(3)
    np.testing.assert_array_equal(_np(jtorch.rand(3)), a)


def test_inplace_samplers_respect_generator():
    g = jtorch.Generator().manual_seed(1)
    a = _np(jtorch.empty(4).normal_(generator=g))
    g.manual_seed(1)
    np.testing.assert_array_equal(_np(jtorch.empty(4).normal_(generator=g)), a)


def _check_moments(x, mean, std, what):
    se = std / math.sqrt(x.size)
    assert abs(x.mean() - mean) < 6 * se, (what, x.mean(), mean)
    assert abs(x.std() - std) < 0.03 * std, (what, x.std(), std)


def test_uniform_and_normal_moments():
    jtorch.manual_seed(0)
    _check_moments(_np(jtorch.rand(N)), 0.5, math.sqrt(1 / 12), "rand")
    _check_moments(_np(jtorch.randn(N)), 0.0, 1.0, "randn")
    _check_moments(_np(jtorch.empty(N).uniform_(-2, 4)), 1.0, 6 / math.sqrt(12), "uniform_")
    _check_moments(_np(jtorch.empty(N, dtype=jtorch.float64).normal_(3, 2)), 3.0, 2.0, "normal_")
    _check_moments(_np(jtorch.normal(-1.0, 0.5, (N,))), -1.0, 0.5, "normal")
    m = jtorch.full((N,), 2.0)
    s = jtorch.full((N,), 3.0)
    _check_moments(_np(jtorch.normal(m, s)), 2.0, 3.0, "normal(tensor, tensor)")


def test_complex_randn_parts_have_half_variance():
    jtorch.manual_seed(0)
    z = jtorch.randn(N, dtype=jtorch.complex64).numpy()
    _check_moments(z.real.astype(np.float64), 0.0, math.sqrt(0.5), "randn real")
    _check_moments(z.imag.astype(np.float64), 0.0, math.sqrt(0.5), "randn imag")
    u = jtorch.rand(N, dtype=jtorch.complex64).numpy()
    _check_moments(u.real.astype(np.float64), 0.5, math.sqrt(1 / 12), "rand real")


def test_discrete_samplers():
    jtorch.manual_seed(0)
    r = _np(jtorch.randint(-3, 7, (N,)))
    assert r.min() == -3 and r.max() == 6
    _check_moments(r, 1.5, math.sqrt((10**2 - 1) / 12), "randint")
    counts = np.bincount((r + 3).astype(int), minlength=10)
    assert counts.min() > N / 10 * 0.9  # each value near 10%
    b = _np(jtorch.bernoulli(jtorch.full((N,), 0.3)))
    assert set(np.unique(b)) <= {0.0, 1.0}
    assert abs(b.mean() - 0.3) < 6 * math.sqrt(0.3 * 0.7 / N)
    b = _np(jtorch.empty(N).bernoulli_(0.8))
    assert abs(b.mean() - 0.8) < 6 * math.sqrt(0.8 * 0.2 / N)
    p = jtorch.tensor([0.1, 0.2, 0.7])
    m = jtorch.multinomial(p, N, replacement=True).numpy()
    freq = np.bincount(m, minlength=3) / N
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=6 * math.sqrt(0.25 / N))
    perm = jtorch.randperm(50).numpy()
    assert sorted(perm.tolist()) == list(range(50))


def test_multinomial_without_replacement_frequencies():
    """The first draw without replacement follows the weights; all draws are distinct."""
    jtorch.manual_seed(0)
    w = jtorch.tensor([[1.0, 2.0, 7.0]]).expand(4000, 3).contiguous()
    out = jtorch.multinomial(w, 2).numpy()
    assert (out[:, 0] != out[:, 1]).all()
    freq = np.bincount(out[:, 0], minlength=3) / len(out)
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=6 * math.sqrt(0.25 / len(out)))


def test_continuous_inplace_distributions():
    jtorch.manual_seed(0)
    e = _np(jtorch.empty(N, dtype=jtorch.float64).exponential_(2.0))
    assert e.min() >= 0
    _check_moments(e, 0.5, 0.5, "exponential_")
    g = _np(jtorch.empty(N, dtype=jtorch.float64).geometric_(0.25))
    assert g.min() >= 1 and np.all(g == np.round(g))
    _check_moments(g, 4.0, math.sqrt(0.75) / 0.25, "geometric_")
    ln = _np(jtorch.empty(N, dtype=jtorch.float64).log_normal_(0.0, 0.5))
    _check_moments(np.log(ln), 0.0, 0.5, "log_normal_")
    c = _np(jtorch.empty(N, dtype=jtorch.float64).cauchy_(1.0, 2.0))
    assert abs(np.median(c) - 1.0) < 0.1  # median's standard error: pi * sigma / (2 sqrt(N)) = 0.022
    q75, q25 = np.percentile(c, [75, 25])
    assert abs((q75 - q25) / 2 - 2.0) < 0.15  # half the IQR of a Cauchy is sigma


def test_random_default_ranges():
    jtorch.manual_seed(0)
    x = _np(jtorch.empty(N, dtype=jtorch.int8).random_())
    assert x.min() >= 0 and x.max() <= 127 and x.max() > 120
    x = _np(jtorch.empty(N).random_(10))
    assert set(np.unique(x)) == set(range(10))
    x = _np(jtorch.empty(N, dtype=jtorch.float16).random_())
    assert x.min() >= 0 and x.max() <= 2**11


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_rand_dtypes_in_range(dtype):
    jtorch.manual_seed(0)
    x = jtorch.rand(1000, dtype=getattr(jtorch, dtype))
    assert x.dtype is getattr(jtorch, dtype)
    v = _np(x)
    assert v.min() >= 0 and v.max() < 1 and v.std() > 0.2


def test_half_rand_never_one():
    """Drawing in float32 and rounding to half would give 1.0 for about 1 in 2000 draws."""
    jtorch.manual_seed(0)
    for dt in (jtorch.float16, jtorch.bfloat16):
        assert _np(jtorch.rand(N, dtype=dt)).max() < 1


def test_poisson_moments():
    jtorch.manual_seed(0)
    x = _np(jtorch.poisson(jtorch.full((N,), 4.0)))
    assert np.all(x == np.round(x)) and x.min() >= 0
    _check_moments(x, 4.0, 2.0, "poisson")
    assert _np(jtorch.poisson(jtorch.zeros(5))).max() == 0
