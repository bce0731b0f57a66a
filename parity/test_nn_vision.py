"""Upsample/Fold/Unfold/PairwiseDistance/CosineSimilarity modules, the deprecation and align_corners warnings,
torch's errors for interpolate/fold/unfold/grid_sample, and the top-level ``torch.*`` aliases of nn ops
(jtorch/_ops/nn_aliases.py), all against real torch. The functional values and gradients are in
parity/ops_nn_vision.py."""

import warnings

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

F32 = (1e-6, 1e-6)  # a few taps or a short sum per output


def _pair(x: np.ndarray, grad: bool = False):
    t, j = torch.from_numpy(x.copy()), jtorch.from_numpy(x.copy())
    if grad:
        t.requires_grad_(), j.requires_grad_()
    return t, j


MODULES = [
    ("Upsample_size", lambda T: T.nn.Upsample(size=(3, 7), mode="bilinear"), (1, 2, 4, 5)),
    ("Upsample_scale", lambda T: T.nn.Upsample(scale_factor=2), (1, 2, 4, 5)),
    ("Upsample_tuple", lambda T: T.nn.Upsample(scale_factor=(2, 1.5), mode="bicubic", align_corners=True), (1, 2, 4, 5)),
    ("UpsamplingNearest2d", lambda T: T.nn.UpsamplingNearest2d(scale_factor=2), (1, 2, 4, 5)),
    ("UpsamplingBilinear2d", lambda T: T.nn.UpsamplingBilinear2d(size=(3, 7)), (1, 2, 4, 5)),
    ("Unfold", lambda T: T.nn.Unfold(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(2, 1)), (2, 3, 5, 6)),
    ("Fold", lambda T: T.nn.Fold(output_size=(4, 5), kernel_size=2), (2, 12, 12)),
    ("PairwiseDistance", lambda T: T.nn.PairwiseDistance(p=1.5, keepdim=True), (3, 4), (3, 4)),
    ("CosineSimilarity", lambda T: T.nn.CosineSimilarity(dim=0, eps=1e-6), (3, 4), (3, 4)),
]  # fmt: skip


@covers(
    "nn.Upsample", "nn.UpsamplingNearest2d", "nn.UpsamplingBilinear2d", "nn.Fold", "nn.Unfold",
    "nn.PairwiseDistance", "nn.CosineSimilarity",
)  # fmt: skip
@pytest.mark.parametrize("spec", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(spec):
    """repr, output and input gradients equal torch's (float32)."""
    name, make, *shapes = spec
    tm, jm = make(torch), make(jtorch)
    assert repr(jm) == repr(tm)
    rng = np.random.default_rng(0)
    pairs = [_pair(rng.standard_normal(s).astype(np.float32), grad=True) for s in shapes]
    t_out, j_out = tm(*[p[0] for p in pairs]), jm(*[p[1] for p in pairs])
    assert_same(t_out, j_out, *F32, name)
    cot = rng.standard_normal(tuple(t_out.shape)).astype(np.float32)
    (t_out * torch.from_numpy(cot)).sum().backward()
    (j_out * jtorch.from_numpy(cot)).sum().backward()
    for k, (t, j) in enumerate(pairs):
        assert_same(t.grad, j.grad, 1e-5, 1e-5, f"{name} grad[{k}]")


def test_upsample_repr_defaults_and_attributes():
    for T in (torch, jtorch):
        m = T.nn.Upsample(scale_factor=(2, 3))
        assert m.scale_factor == (2.0, 3.0) and m.name == "Upsample" and m.recompute_scale_factor is None
    assert repr(jtorch.nn.Upsample(size=4)) == repr(torch.nn.Upsample(size=4))
    assert jtorch.nn.UpsamplingBilinear2d(size=3).align_corners is True


def _warns(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(x.category, str(x.message)) for x in w]


@pytest.mark.parametrize(
    "call",
    [
        lambda T, x: T.nn.functional.upsample(x, scale_factor=2),
        lambda T, x: T.nn.functional.upsample_nearest(x, scale_factor=2),
        lambda T, x: T.nn.functional.upsample_bilinear(x, scale_factor=2),
        lambda T, x: T.nn.functional.grid_sample(x, T.zeros(1, 2, 2, 2)),
        lambda T, x: T.nn.functional.affine_grid(T.zeros(1, 2, 3), (1, 2, 3, 3)),
        lambda T, x: T.nn.functional.affine_grid(T.zeros(1, 2, 3), (1, 2, 1, 3), align_corners=True),
    ],
    ids=["upsample", "upsample_nearest", "upsample_bilinear", "grid_sample", "affine_grid", "affine_grid_unit"],
)
def test_warnings_match_torch(call):
    x = np.zeros((1, 2, 3, 3), np.float32)
    assert _warns(lambda: call(jtorch, jtorch.from_numpy(x))) == _warns(lambda: call(torch, torch.from_numpy(x)))


ERRORS = [
    lambda T: T.nn.functional.interpolate(T.zeros(1, 2, 3), size=0),
    lambda T: T.nn.functional.interpolate(T.zeros(1, 2, 3, 3), size=(2, 0), mode="bicubic"),
    lambda T: T.nn.functional.interpolate(T.zeros(1, 0, 3), size=4),
    lambda T: T.nn.functional.interpolate(T.zeros(2, 3), size=2),
    lambda T: T.nn.functional.interpolate(T.zeros(1, 2, 3), size=2.5),
    lambda T: T.nn.functional.interpolate(T.zeros(1, 2, 3), scale_factor=(2.0, 2.0)),
    lambda T: T.nn.functional.interpolate(T.zeros(1, 2, 3, dtype=T.int64), size=4),
    lambda T: T.nn.functional.interpolate(T.zeros(1, 2, 3, 3), size=3, mode="lanczos"),
    lambda T: T.nn.functional.unfold(T.zeros(1, 3, 4, 4), 2, stride=0),
    lambda T: T.nn.functional.unfold(T.zeros(1, 3, 4, 4), 2, dilation=0),
    lambda T: T.nn.functional.unfold(T.zeros(1, 3, 4, 4), 2, padding=-1),
    lambda T: T.nn.functional.unfold(T.zeros(1, 0, 4, 4), 2),
    lambda T: T.nn.functional.unfold(T.zeros(1, 3, 4, 4), (2, 3, 4)),
    lambda T: T.nn.functional.unfold(T.zeros(1, 3, 4, 4, dtype=T.int64), 2),
    lambda T: T.nn.functional.fold(T.zeros(9), (4, 4), 2),
    lambda T: T.nn.functional.fold(T.zeros(1, 12, 9), (1, 1), 2),
    lambda T: T.nn.functional.grid_sample(T.zeros(1, 2, 3, 3), T.zeros(2, 2, 2, 2), align_corners=False),
    lambda T: T.nn.functional.grid_sample(T.zeros(1, 2, 3, 3), T.zeros(1, 2, 2, 3), align_corners=False),
    lambda T: T.nn.functional.grid_sample(T.zeros(1, 2, 0, 3), T.zeros(1, 2, 2, 2), align_corners=False),
    lambda T: T.nn.functional.grid_sample(T.zeros(1, 2, 3, 3), T.zeros(1, 2, 2, 2), padding_mode="x"),
    lambda T: T.nn.functional.grid_sample(T.zeros(1, 2, 3, 3), T.zeros(1, 2, 2, 2).double(), align_corners=False),
    lambda T: T.nn.functional.affine_grid(T.zeros(1, 2, 3, dtype=T.int64), (1, 2, 3, 3), align_corners=False),
    lambda T: T.nn.functional.affine_grid(T.zeros(1, 2, 3), (1, 2, 0, 3), align_corners=False),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors_match_torch(k):
    """Same exception type and message as torch."""
    with pytest.raises(Exception) as te:
        ERRORS[k](torch)
    with pytest.raises(type(te.value)) as je:
        ERRORS[k](jtorch)
    if "received an invalid combination of arguments" not in str(te.value):  # pybind's listing of C++ overloads
        assert str(je.value) == str(te.value)


def test_lanczos_is_not_implemented():
    x = jtorch.zeros(1, 1, 4, 4)
    with pytest.raises(NotImplementedError, match="lanczos"):
        jtorch.nn.functional.interpolate(x, size=2, mode="lanczos", antialias=True)


# ---- top-level aliases ----------------------------------------------------------------------------------------

R = np.random.default_rng(0)
X = R.standard_normal((2, 3, 6)).astype(np.float32)
W1 = R.standard_normal((4, 3, 2)).astype(np.float32)
W1T = R.standard_normal((3, 4, 2)).astype(np.float32)
X4 = R.standard_normal((1, 2, 4, 4)).astype(np.float32)
W2 = R.standard_normal((3, 2, 2, 2)).astype(np.float32)
W2T = R.standard_normal((2, 3, 2, 2)).astype(np.float32)
X5 = R.standard_normal((1, 2, 3, 3, 3)).astype(np.float32)
W3 = R.standard_normal((2, 2, 2, 2, 2)).astype(np.float32)
V3 = R.standard_normal((3,)).astype(np.float32)
M = R.standard_normal((4, 5)).astype(np.float32)
M2 = R.standard_normal((4, 5)).astype(np.float32)
Y = np.array([1.0, -1.0, 1.0, -1.0], np.float32)
P = R.uniform(0.1, 0.9, (4, 5)).astype(np.float32)
LP = np.log(np.full((5, 2, 4), 0.25, np.float32))
I = np.array([[0, 2], [1, 3]], np.int64)

ALIASES = [
    ("selu", (X,), {}), ("celu", (X, 0.7), {}), ("threshold", (X, 0.1, -2.0), {}), ("prelu", (X, V3), {}),
    ("rrelu", (X,), {}), ("hardshrink", (X, 0.3), {}), ("bilinear", (M, M2, R.standard_normal((2, 5, 5)).astype(np.float32)), {}),
    ("cosine_similarity", (M, M2), {}), ("pdist", (M,), {}), ("pairwise_distance", (M, M2), {"p": 3.0}),
    ("pixel_shuffle", (R.standard_normal((1, 4, 2, 3)).astype(np.float32), 2), {}),
    ("pixel_unshuffle", (X4, 2), {}), ("channel_shuffle", (R.standard_normal((1, 4, 2)).astype(np.float32), 2), {}),
    ("native_channel_shuffle", (R.standard_normal((1, 4, 2)).astype(np.float32), 2), {}),
    ("conv1d", (X, W1), {"stride": 2, "padding": 1}), ("conv2d", (X4, W2), {"padding": 1, "stride": 2}),
    ("conv3d", (X5, W3), {"dilation": 2}), ("conv_transpose1d", (X, W1T), {"stride": 2, "output_padding": 1}),
    ("conv_transpose2d", (X4, W2T), {"groups": 1}), ("conv_transpose3d", (X5, W3), {"padding": 1}),
    ("avg_pool1d", (X, 3), {"stride": 2, "padding": 1}), ("max_pool1d", (X, 2), {}), ("max_pool2d", (X4, 2), {}),
    ("max_pool3d", (X5, 2), {"stride": 1}), ("max_pool1d_with_indices", (X, 3), {"ceil_mode": True}),
    ("adaptive_avg_pool1d", (X, 4), {}), ("adaptive_max_pool1d", (X, 4), {}),
    ("batch_norm", (X, V3, V3, np.zeros(3, np.float32), np.ones(3, np.float32), False, 0.1, 1e-5, False), {}),
    ("instance_norm", (X, V3, V3, None, None, True, 0.1, 1e-5, False), {}),
    ("layer_norm", (X, (6,)), {}), ("group_norm", (X, 3, V3, V3), {}), ("rms_norm", (X, (3, 6)), {}),
    ("embedding", (M, I), {}), ("embedding", (M, I), {"padding_idx": 2}),
    ("binary_cross_entropy_with_logits", (M, P), {"reduction": 2}),
    ("cosine_embedding_loss", (M, M2, Y), {"margin": 0.1}), ("hinge_embedding_loss", (M, np.ones((4, 5), np.float32)), {}),
    ("margin_ranking_loss", (M[:, 0], M2[:, 0], Y), {"reduction": 0}), ("kl_div", (M, P), {"log_target": False}),
    ("poisson_nll_loss", (M, P, True, True, 1e-8, 1), {}), ("triplet_margin_loss", (M, M2, P), {"swap": True}),
    ("ctc_loss", (LP, np.array([[1, 2], [3, 3]], np.int64), [5, 4], [2, 1]), {}),
    ("affine_grid_generator", (R.standard_normal((1, 2, 3)).astype(np.float32), (1, 1, 2, 3), False), {}),
    ("grid_sampler", (X4, np.clip(R.standard_normal((1, 2, 3, 2)), -1, 1).astype(np.float32), 0, 2, False), {}),
    ("dropout", (X, 0.5, False), {}), ("alpha_dropout", (X, 0.5, False), {}), ("feature_dropout", (X, 0.0, True), {}),
    ("feature_alpha_dropout", (X, 0.5, False), {}),
]  # fmt: skip


NO_GRAD = {"native_channel_shuffle": (0,), "batch_norm": (3, 4)}  # torch has no derivative there


def _args(T, args, grad, name=""):
    out = []
    for k, a in enumerate(args):
        if isinstance(a, np.ndarray):
            t = T.from_numpy(a.copy())
            out.append(t.requires_grad_() if grad and a.dtype.kind == "f" and k not in NO_GRAD.get(name, ()) else t)
        else:
            out.append(a)
    return out


@covers(
    "selu", "celu", "threshold", "prelu", "Tensor.prelu", "rrelu", "hardshrink", "Tensor.hardshrink", "bilinear",
    "cosine_similarity", "pdist", "pairwise_distance", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
    "native_channel_shuffle", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "avg_pool1d", "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "batch_norm", "instance_norm", "layer_norm", "group_norm",
    "rms_norm", "embedding", "binary_cross_entropy_with_logits", "cosine_embedding_loss", "hinge_embedding_loss",
    "margin_ranking_loss", "kl_div", "poisson_nll_loss", "triplet_margin_loss", "ctc_loss", "affine_grid_generator",
    "grid_sampler", "dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout",
)  # fmt: skip
@pytest.mark.parametrize("spec", ALIASES, ids=[f"{a[0]}-{k}" for k, a in enumerate(ALIASES)])
def test_alias_matches_torch(spec):
    """``torch.<name>(...)`` with torch's top-level signature gives torch's values (float32). Gradients are F's,
    checked in the op database; inputs still require grad so the recorded path is the one exercised."""
    name, args, kwargs = spec
    t_out = getattr(torch, name)(*_args(torch, args, True, name), **kwargs)
    j_out = getattr(jtorch, name)(*_args(jtorch, args, True, name), **kwargs)
    assert_same(t_out, j_out, 1e-5, 1e-5, name)


@covers("selu_", "celu_", "threshold_", "rrelu_")
@pytest.mark.parametrize("name,args", [("selu_", ()), ("celu_", (0.5,)), ("threshold_", (0.1, 3.0)), ("rrelu_", ())])
def test_inplace_aliases(name, args):
    t, j = _pair(X)
    getattr(torch, name)(t, *args)
    assert getattr(jtorch, name)(j, *args) is j
    assert_same(t, j, *F32, name)


@covers("dropout_", "alpha_dropout_", "feature_dropout_", "feature_alpha_dropout_")
def test_dropout_aliases_train_statistics():
    """Random masks cannot match bitwise: check the mask structure, the 1 / (1 - p) scaling and torch's errors."""
    x = jtorch.ones(20, 30, 4)
    y = jtorch.dropout(x, 0.5, True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6
    f = jtorch.feature_dropout(x, 0.5, True).numpy()
    assert (f == f[..., :1]).all() and set(np.unique(f)) <= {0.0, 2.0}
    a = jtorch.alpha_dropout(x, 0.5, True).numpy()
    assert len(np.unique(a)) == 2
    fa = jtorch.feature_alpha_dropout(x, 0.5, True).numpy()
    assert (fa == fa[..., :1]).all()
    for name in ("dropout_", "alpha_dropout_", "feature_dropout_", "feature_alpha_dropout_"):
        z = jtorch.ones(4, 3, 2)
        assert getattr(jtorch, name)(z, 1.0, True) is z
        t = torch.ones(4, 3, 2)
        getattr(torch, name)(t, 1.0, True)
        assert_same(t, z, 0, 0, name)
    for T in (torch, jtorch):
        with pytest.raises(RuntimeError, match="dropout probability has to be between 0 and 1, but got 1.5"):
            T.dropout(T.ones(2), 1.5, False)
        with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions in the input"):
            T.feature_dropout(T.ones(3), 0.5, True)


def test_rrelu_generator_is_reproducible():
    g1, g2 = jtorch.Generator().manual_seed(3), jtorch.Generator().manual_seed(3)
    x = jtorch.from_numpy(X)
    a = jtorch.rrelu(x, training=True, generator=g1).numpy()
    b = jtorch.rrelu(x, training=True, generator=g2).numpy()
    np.testing.assert_array_equal(a, b)
    neg = X < 0
    slope = a[neg] / X[neg]
    assert ((slope >= 1 / 8 - 1e-6) & (slope <= 1 / 3 + 1e-6)).all()
