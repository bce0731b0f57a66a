"""nn layers against real torch: outputs and input/weight gradients with weights copied from torch,
state_dict keys/shapes, repr strings, default initialisation statistics, dropout's randomness, the
softmax implicit-dim warning, and the tutorial's hand-written LinearModel."""

import math
import warnings

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

F32 = (1e-5, 1e-5)  # one matmul or less per layer; XLA and MKL order the sums differently

# (name, constructor taking the framework module T, input shapes)
SPECS = [
    ("Linear", lambda T: T.nn.Linear(4, 3), [(2, 4)]),
    ("Linear_nobias", lambda T: T.nn.Linear(4, 3, bias=False), [(2, 4)]),
    ("Linear_3d", lambda T: T.nn.Linear(4, 3), [(2, 5, 4)]),
    ("Linear_1d", lambda T: T.nn.Linear(4, 3), [(4,)]),
    ("Bilinear", lambda T: T.nn.Bilinear(4, 3, 5), [(2, 4), (2, 3)]),
    ("Bilinear_nobias", lambda T: T.nn.Bilinear(4, 3, 5, bias=False), [(2, 4), (2, 3)]),
    ("Identity", lambda T: T.nn.Identity(54, unused="x"), [(2, 3)]),
    ("Flatten", lambda T: T.nn.Flatten(), [(2, 3, 4)]),
    ("Flatten_0_1", lambda T: T.nn.Flatten(0, 1), [(2, 3, 4)]),
    ("Unflatten", lambda T: T.nn.Unflatten(1, (2, 3)), [(2, 6)]),
    ("ReLU", lambda T: T.nn.ReLU(), [(3, 4)]),
    ("ReLU_inplace", lambda T: T.nn.ReLU(inplace=True), [(3, 4)]),
    ("ReLU6", lambda T: T.nn.ReLU6(), [(3, 4)]),
    ("LeakyReLU", lambda T: T.nn.LeakyReLU(0.2), [(3, 4)]),
    ("LeakyReLU_inplace", lambda T: T.nn.LeakyReLU(inplace=True), [(3, 4)]),
    ("PReLU", lambda T: T.nn.PReLU(), [(2, 3, 4)]),
    ("PReLU_channels", lambda T: T.nn.PReLU(3, init=0.1), [(2, 3, 4)]),
    ("RReLU_eval", lambda T: T.nn.RReLU(0.1, 0.3).eval(), [(3, 4)]),
    ("ELU", lambda T: T.nn.ELU(alpha=0.5), [(3, 4)]),
    ("SELU", lambda T: T.nn.SELU(), [(3, 4)]),
    ("CELU", lambda T: T.nn.CELU(1.5, inplace=True), [(3, 4)]),
    ("GELU", lambda T: T.nn.GELU(), [(3, 4)]),
    ("GELU_tanh", lambda T: T.nn.GELU("tanh"), [(3, 4)]),
    ("SiLU", lambda T: T.nn.SiLU(), [(3, 4)]),
    ("Mish", lambda T: T.nn.Mish(), [(3, 4)]),
    ("Softplus", lambda T: T.nn.Softplus(beta=2, threshold=1), [(3, 4)]),
    ("Softsign", lambda T: T.nn.Softsign(), [(3, 4)]),
    ("Hardtanh", lambda T: T.nn.Hardtanh(-0.5, 0.5), [(3, 4)]),
    ("Hardswish", lambda T: T.nn.Hardswish(), [(3, 4)]),
    ("Hardsigmoid", lambda T: T.nn.Hardsigmoid(), [(3, 4)]),
    ("Sigmoid", lambda T: T.nn.Sigmoid(), [(3, 4)]),
    ("LogSigmoid", lambda T: T.nn.LogSigmoid(), [(3, 4)]),
    ("Tanh", lambda T: T.nn.Tanh(), [(3, 4)]),
    ("Tanhshrink", lambda T: T.nn.Tanhshrink(), [(3, 4)]),
    ("Softshrink", lambda T: T.nn.Softshrink(0.3), [(3, 4)]),
    ("Hardshrink", lambda T: T.nn.Hardshrink(), [(3, 4)]),
    ("Softmax", lambda T: T.nn.Softmax(dim=1), [(3, 4)]),
    ("LogSoftmax", lambda T: T.nn.LogSoftmax(dim=-1), [(3, 4)]),
    ("Softmin", lambda T: T.nn.Softmin(dim=0), [(3, 4)]),
    ("Softmax2d", lambda T: T.nn.Softmax2d(), [(2, 3, 2, 2)]),
    ("Threshold", lambda T: T.nn.Threshold(0.1, 20.0), [(3, 4)]),
    ("GLU", lambda T: T.nn.GLU(), [(3, 4)]),
    ("Dropout_eval", lambda T: T.nn.Dropout(0.3).eval(), [(3, 4)]),
    ("Dropout2d_eval", lambda T: T.nn.Dropout2d().eval(), [(2, 3, 2, 2)]),
    ("AlphaDropout_eval", lambda T: T.nn.AlphaDropout(0.2).eval(), [(3, 4)]),
    ("Sequential_mlp", lambda T: T.nn.Sequential(T.nn.Linear(4, 8), T.nn.ReLU(), T.nn.Linear(8, 2)), [(5, 4)]),
]
covers(*(f"nn.{n}" for n in [
    "Linear", "Bilinear", "Identity", "Flatten", "Unflatten", "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU",
    "SELU", "CELU", "GELU", "SiLU", "Mish", "Softplus", "Softsign", "Hardtanh", "Hardswish", "Hardsigmoid", "Sigmoid",
    "LogSigmoid", "Tanh", "Tanhshrink", "Softshrink", "Hardshrink", "Softmax", "LogSoftmax", "Softmin", "Softmax2d",
    "Threshold", "GLU", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "LazyLinear",
]))  # fmt: skip


def _copy_weights(tm, jm):
    """Load torch's parameters into the jtorch module through numpy; state_dict keys/shapes must agree."""
    tsd, jsd = tm.state_dict(), jm.state_dict()
    assert list(tsd.keys()) == list(jsd.keys())
    assert [tuple(v.shape) for v in tsd.values()] == [tuple(v.shape) for v in jsd.values()]
    jm.load_state_dict({k: jtorch.from_numpy(v.detach().numpy().copy()) for k, v in tsd.items()})


@pytest.mark.parametrize("spec", SPECS, ids=[s[0] for s in SPECS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_module_matches_torch(spec, dtype):
    name, ctor, shapes = spec
    torch.manual_seed(0)
    tm, jm = ctor(torch), ctor(jtorch)
    tm, jm = tm.to(getattr(torch, dtype)), jm.to(getattr(jtorch, dtype))
    assert repr(jm) == repr(tm)
    _copy_weights(tm, jm)
    rng = np.random.default_rng(0)
    xs = [(2 * rng.standard_normal(s)).astype(dtype) for s in shapes]
    tx = [torch.from_numpy(x).requires_grad_() for x in xs]
    jx = [jtorch.from_numpy(x).requires_grad_() for x in xs]
    # clone() so in-place modules write into a non-leaf, as a model's hidden activations are
    t_out, j_out = tm(*[x.clone() for x in tx]), jm(*[x.clone() for x in jx])
    tol = F32 if dtype == "float32" else (1e-7, 1e-7)
    assert_same(t_out, j_out, *tol, name)
    cot = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    (t_out * torch.from_numpy(cot)).sum().backward()
    (j_out * jtorch.from_numpy(cot)).sum().backward()
    gtol = (tol[0] * 10, tol[1] * 10)
    for k, (a, b) in enumerate(zip(tx, jx)):
        assert_same(a.grad, b.grad, *gtol, f"{name} input grad {k}")
    t_params, j_params = dict(tm.named_parameters()), dict(jm.named_parameters())
    assert list(t_params) == list(j_params)
    for pname in t_params:
        assert_same(t_params[pname].grad, j_params[pname].grad, *gtol, f"{name} grad of {pname}")


def test_repr_with_options():
    for ctor in [
        lambda T: T.nn.ReLU(inplace=True),
        lambda T: T.nn.ReLU6(inplace=True),
        lambda T: T.nn.LeakyReLU(0.1, inplace=True),
        lambda T: T.nn.Hardtanh(-2.0, 3.0, inplace=True),
        lambda T: T.nn.RReLU(inplace=True),
        lambda T: T.nn.ELU(inplace=True),
        lambda T: T.nn.Threshold(0.5, 1, inplace=True),
        lambda T: T.nn.Hardswish(inplace=True),
        lambda T: T.nn.Softmax(),
        lambda T: T.nn.GLU(dim=0),
        lambda T: T.nn.Dropout(0.1, inplace=True),
        lambda T: T.nn.Dropout1d(),
        lambda T: T.nn.Dropout3d(0.0),
        lambda T: T.nn.AlphaDropout(),
        lambda T: T.nn.Linear(3, 2, bias=False, dtype=T.float64),
        lambda T: T.nn.Sequential(T.nn.Flatten(), T.nn.Unflatten(1, [2, 2]), T.nn.Softplus(), T.nn.Identity()),
    ]:
        assert repr(ctor(jtorch)) == repr(ctor(torch))


def test_constructor_errors():
    for ctor, exc in [
        (lambda T: T.nn.Dropout(1.5), ValueError),
        (lambda T: T.nn.Dropout2d(-0.1), ValueError),
        (lambda T: T.nn.Hardtanh(1.0, -1.0), AssertionError),
        (lambda T: T.nn.Unflatten(1, (2, 2.0)), TypeError),
        (lambda T: T.nn.Unflatten(1, 4), TypeError),
        (lambda T: T.nn.Bilinear(0, 2, 3), ValueError),
    ]:
        with pytest.raises(exc) as te:
            ctor(torch)
        with pytest.raises(exc) as je:
            ctor(jtorch)
        assert str(je.value) == str(te.value)
    with pytest.raises(NotImplementedError, match="LazyLinear"):
        jtorch.nn.LazyLinear(3)


def test_dtype_device_and_defaults():
    m = jtorch.nn.Linear(3, 2, dtype=jtorch.float64)
    assert m.weight.dtype is jtorch.float64 and m.bias.dtype is jtorch.float64
    assert m.weight.requires_grad and m.weight.is_leaf
    assert jtorch.nn.Linear(3, 2, device="cpu").weight.device.type == "cpu"
    assert jtorch.nn.Linear(3, 2, bias=False).bias is None
    p = jtorch.nn.PReLU(4, init=0.3)
    np.testing.assert_array_equal(p.weight.detach().numpy(), np.full(4, 0.3, np.float32))


@pytest.mark.parametrize("which", ["Linear", "Bilinear"])
def test_reset_parameters_distribution(which):
    """torch's defaults: Linear weight kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)), bias the
    same bound; Bilinear U(-1/sqrt(in1), 1/sqrt(in1)). Checked on 2**14 or more draws: support, mean and
    variance (bound**2 / 3) at about 5 standard errors."""
    jtorch.manual_seed(0)
    if which == "Linear":
        m, fan_in = jtorch.nn.Linear(256, 128), 256
    else:
        m, fan_in = jtorch.nn.Bilinear(64, 8, 32), 64
    bound = 1 / math.sqrt(fan_in)
    for p in (m.weight, m.bias):
        a = p.detach().numpy().astype(np.float64).ravel()
        assert np.all(np.abs(a) <= bound)
        n = a.size
        var = bound**2 / 3
        assert abs(a.mean()) < 5 * math.sqrt(var / n)
        assert abs(a.var() - var) < 5 * math.sqrt(var**2 * 0.8 / n)  # uniform: Var(x^2) = 4/45 b^4 = 0.8 var^2
        if n > 1000:
            assert a.max() > 0.99 * bound and a.min() < -0.99 * bound
    jtorch.manual_seed(0)
    w1 = jtorch.nn.Linear(5, 3).weight.detach().numpy()
    jtorch.manual_seed(0)
    assert np.array_equal(w1, jtorch.nn.Linear(5, 3).weight.detach().numpy())


@covers("nn.functional.linear")
def test_linear_grad_fn_names():
    for xs, ws, bias in [((3, 4), (5, 4), True), ((3, 4), (5, 4), False), ((2, 3, 4), (5, 4), True),
                         ((2, 3, 4), (5, 4), False), ((4,), (5, 4), True), ((4,), (5, 4), False), ((4,), (4,), False)]:  # fmt: skip
        names = []
        for T in (torch, jtorch):
            x = T.ones(xs, requires_grad=True)
            y = T.nn.functional.linear(x, T.ones(ws), T.ones(ws[0]) if bias else None)
            names.append(y.grad_fn.name())
        assert names[0] == names[1], (xs, ws, bias, names)


def _zero_fraction(a):
    return float(np.mean(a == 0))


@covers("nn.functional.dropout", "nn.Dropout")
def test_dropout_statistics_and_scaling():
    p, n = 0.3, 100_000
    x = jtorch.rand(n) + 0.5  # no zeros in the input
    x.requires_grad_()
    y = jtorch.nn.functional.dropout(x, p)
    assert y.grad_fn.name() == "MulBackward0"
    yn, xn = y.detach().numpy(), x.detach().numpy()
    assert abs(_zero_fraction(yn) - p) < 5 * math.sqrt(p * (1 - p) / n)
    kept = yn != 0
    np.testing.assert_allclose(yn[kept], xn[kept] / (1 - p), rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / (1 - p), rtol=1e-6)
    # two draws differ; a reseeded generator repeats its draw
    jtorch.manual_seed(3)
    a = jtorch.nn.functional.dropout(jtorch.ones(64)).numpy()
    b = jtorch.nn.functional.dropout(jtorch.ones(64)).numpy()
    jtorch.manual_seed(3)
    assert not np.array_equal(a, b) and np.array_equal(a, jtorch.nn.functional.dropout(jtorch.ones(64)).numpy())
    # module: random in train mode, identity in eval mode
    m = jtorch.nn.Dropout(0.5)
    z = jtorch.ones(1000)
    assert 0 < _zero_fraction(m(z).numpy()) < 1
    m.eval()
    assert m(z) is z
    # in-place form writes into the input
    w = jtorch.ones(1000)
    out = jtorch.nn.functional.dropout(w, 0.5, inplace=True)
    assert out is w and 0 < _zero_fraction(w.numpy()) < 1


@covers("nn.functional.dropout1d", "nn.functional.dropout2d", "nn.functional.dropout3d")
@pytest.mark.parametrize(
    "fn, shape, channel_dims",
    [("dropout1d", (40, 50, 3), 2), ("dropout1d", (2000, 3), 1), ("dropout2d", (40, 50, 2, 2), 2),
     ("dropout3d", (40, 50, 1, 2, 2), 2), ("dropout3d", (2000, 1, 2, 2), 1)],
)  # fmt: skip
def test_feature_dropout_zeroes_whole_channels(fn, shape, channel_dims):
    p = 0.4
    y = getattr(jtorch.nn.functional, fn)(jtorch.ones(shape), p).numpy()
    per_channel = y.reshape(*shape[:channel_dims], -1)
    assert np.all((per_channel == 0).all(-1) | np.isclose(per_channel, 1 / (1 - p), rtol=1e-6).all(-1))
    n = int(np.prod(shape[:channel_dims]))
    frac = float(np.mean((per_channel == 0).all(-1)))
    assert abs(frac - p) < 5 * math.sqrt(p * (1 - p) / n)


@covers("nn.functional.dropout2d", "nn.functional.dropout3d")
def test_feature_dropout_warnings_and_errors():
    for T in (torch, jtorch):
        with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
            T.nn.functional.dropout2d(T.ones(2, 3, 4))
        with pytest.warns(UserWarning, match="Received a 2-D input to dropout3d"):
            T.nn.functional.dropout3d(T.ones(2, 3))
    with pytest.raises(RuntimeError) as te:
        torch.nn.functional.dropout1d(torch.ones(3))
    with pytest.raises(RuntimeError) as je:
        jtorch.nn.functional.dropout1d(jtorch.ones(3))
    assert str(te.value) == str(je.value)


@covers("nn.functional.alpha_dropout", "nn.functional.feature_alpha_dropout", "nn.AlphaDropout")
def test_alpha_dropout_values_and_moments():
    """A zero input shows the two values alpha dropout produces (kept: alpha*a*p, dropped: the SELU
    saturation shifted); they must equal torch's. A standard normal input keeps mean 0 and std 1."""
    p = 0.2
    t_vals = np.unique(torch.nn.functional.alpha_dropout(torch.zeros(2000, dtype=torch.float64), p, True).numpy())
    j_vals = np.unique(jtorch.nn.functional.alpha_dropout(jtorch.zeros(2000, dtype=jtorch.float64), p, True).numpy())
    np.testing.assert_allclose(j_vals, t_vals, rtol=1e-12)
    n = 200_000
    y = jtorch.nn.functional.alpha_dropout(jtorch.randn(n, dtype=jtorch.float64), p, True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    f = jtorch.nn.functional.feature_alpha_dropout(jtorch.zeros(300, 10, 4), p, True).numpy()
    assert np.all((f == f[..., :1]).all(-1))  # one draw per channel


@covers("nn.functional.rrelu", "nn.RReLU")
def test_rrelu_training_slopes():
    lower, upper = 0.1, 0.3
    x = -(jtorch.rand(10_000) + 0.1)
    x.requires_grad_()
    m = jtorch.nn.RReLU(lower, upper)
    assert m.training
    y = m(x)
    slope = (y / x).detach().numpy()
    assert slope.min() >= lower and slope.max() <= upper and slope.std() > 0.05
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=1e-5)
    pos = jtorch.rand(100) + 0.1
    assert np.array_equal(jtorch.nn.functional.rrelu(pos, training=True).numpy(), pos.numpy())
    m.eval()
    np.testing.assert_allclose((m(x) / x).detach().numpy(), (lower + upper) / 2, rtol=1e-6)


@covers("nn.functional.softmax", "nn.functional.log_softmax", "nn.functional.softmin", "nn.Softmax")
@pytest.mark.parametrize("fname", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(3,), (3, 4), (2, 3, 4), (2, 3, 4, 5)])
def test_softmax_implicit_dim_warning(fname, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    results = []
    for T in (torch, jtorch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = getattr(T.nn.functional, fname)(T.from_numpy(x.copy()))
        assert len(w) == 1 and w[0].category is UserWarning
        assert w[0].filename == __file__  # stacklevel points at the caller, as torch's
        results.append((str(w[0].message), out))
    assert results[0][0] == results[1][0]
    assert_same(results[0][1], results[1][1], 1.3e-6, 1e-6, fname)


@covers("nn.Softmax", "nn.LogSoftmax", "nn.Softmin")
def test_softmax_module_implicit_dim_warning():
    msgs = []
    for T in (torch, jtorch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            T.nn.Softmax()(T.ones(2, 3))
        msgs.append([str(m.message) for m in w])
    assert msgs[0] == msgs[1]


class _TutorialLinearModel:
    """The tutorial's model, written once for both frameworks."""

    @staticmethod
    def build(T, ndim):
        class LinearModel(T.nn.Module):
            def __init__(self, ndim):
                super().__init__()
                self.ndim = ndim
                self.weight = T.nn.Parameter(T.randn(ndim, 1))
                self.bias = T.nn.Parameter(T.randn(1))

            def forward(self, x):
                return x.mm(self.weight) + self.bias

        return LinearModel(ndim)


def test_tutorial_linear_model():
    ndim = 5
    tm, jm = _TutorialLinearModel.build(torch, ndim), _TutorialLinearModel.build(jtorch, ndim)
    assert repr(tm) == repr(jm) == "LinearModel()"
    _copy_weights(tm, jm)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, ndim)).astype(np.float32)
    y = rng.standard_normal((32, 1)).astype(np.float32)
    for T, m in ((torch, tm), (jtorch, jm)):
        xt, yt = T.from_numpy(x.copy()), T.from_numpy(y.copy())
        for _ in range(5):
            loss = ((m(xt) - yt) ** 2).mean()
            loss.backward()
            with T.no_grad():
                for p in m.parameters():
                    p -= 0.1 * p.grad
                    p.grad.zero_()
    for (k, a), (k2, b) in zip(tm.state_dict().items(), jm.state_dict().items()):
        assert k == k2
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-5, atol=1e-6)
    assert_same(tm(torch.from_numpy(x)), jm(jtorch.from_numpy(x)), *F32, "LinearModel output")


@covers("nn.functional.gumbel_softmax")
def test_gumbel_softmax():
    """Soft samples sum to 1; hard samples are one-hot with argmax frequencies equal to softmax(logits)
    (the Gumbel-max trick), at 5 standard errors on 20000 draws; the straight-through gradient is the
    soft sample's, so it sums to zero along ``dim``; the deprecated ``eps`` warns as in torch."""
    probs = np.array([0.2, 0.5, 0.3])
    n = 20_000
    logits = jtorch.from_numpy(np.tile(np.log(probs), (n, 1))).requires_grad_()
    soft = jtorch.nn.functional.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.detach().numpy().sum(-1), 1, rtol=1e-12)
    hard = jtorch.nn.functional.gumbel_softmax(logits, hard=True)
    h = hard.detach().numpy()
    assert np.all(h.sum(-1) == 1) and set(np.unique(h)) <= {0.0, 1.0}
    freq = h.mean(0)
    assert np.all(np.abs(freq - probs) < 5 * np.sqrt(probs * (1 - probs) / n))
    c = jtorch.from_numpy(np.random.default_rng(0).standard_normal((n, 3)))
    (hard * c).sum().backward()
    np.testing.assert_allclose(logits.grad.numpy().sum(-1), 0, atol=1e-12)
    assert np.any(logits.grad.numpy() != 0)
    for T in (torch, jtorch):
        with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
            T.nn.functional.gumbel_softmax(T.zeros(2, 3), eps=1e-5)
    y = jtorch.nn.functional.gumbel_softmax(jtorch.zeros(4, 3), hard=True, dim=0).numpy()
    assert np.all(y.sum(0) == 1)
