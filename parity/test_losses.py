"""Every torch.nn loss against real torch: values, input gradients, dtypes, grad_fn names, warnings, errors.

Each case runs the functional form in torch and jtorch on the same numpy data for every reduction,
in float32 and float64, and compares the value, dtype, shape, ``grad_fn.name()`` and the gradients
of every floating input under a random cotangent, plus the list of warnings (category and text).

Tolerances: float64 at rtol 1e-10 (XLA and ATen sum in different orders); float32 at rtol 2e-5,
atol 2e-6, since both compute exp/log/log-sum-exp with their own float32 kernels and sums over a few
dozen terms reorder (float32 epsilon is 1.2e-7). CTC is compared at rtol 1e-4 in float32: its
log-space recursion chains T log-sum-exps.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from opinfo import covers

import jtorch
import jtorch.nn.functional as JF
from jtorch.nn._functional import loss as _loss_fns

torch.set_num_threads(1)

TOL = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-12)}
REDUCTIONS = ("none", "mean", "sum")


def _mod(T):
    return TF if T is torch else JF


@dataclasses.dataclass
class Case:
    id: str
    fn: str | Callable  # F's function name, or f(F, T, *args, **kw)
    make: Callable[[np.random.Generator], tuple]  # rng -> (args, requires_grad flags)
    kwargs: dict = dataclasses.field(default_factory=dict)
    reductions: tuple = REDUCTIONS
    tol32: tuple | None = None


def _leaf(T, a, dt, rg):
    if not isinstance(a, np.ndarray):
        return a
    if a.dtype.kind == "f":
        a = a.astype(dt)
    t = T.from_numpy(a.copy())
    return t.requires_grad_(True) if rg else t


def _call(case, T, args, reduction):
    kw = dict(case.kwargs)
    if reduction is not None:
        kw["reduction"] = reduction
    F = _mod(T)
    if isinstance(case.fn, str):
        return getattr(F, case.fn)(*args, **kw)
    return case.fn(F, T, *args, **kw)


def _np(t):
    return t.detach().numpy()


def _record(f):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = f()
    return out, [(x.category, str(x.message)) for x in w]


def run_case(case: Case, dt: str, reduction: str | None, seed: int = 0):
    """Run ``case`` in both frameworks; compare value, dtype, grad_fn name, grads and warnings."""
    rng = np.random.default_rng(seed)
    args, grads = case.make(rng)
    t_args = [_leaf(torch, a, dt, g) for a, g in zip(args, grads)]
    j_args = [_leaf(jtorch, a, dt, g) for a, g in zip(args, grads)]
    t_out, t_w = _record(lambda: _call(case, torch, t_args, reduction))
    j_out, j_w = _record(lambda: _call(case, jtorch, j_args, reduction))
    what = f"{case.id}[{dt}, {reduction}]"
    assert j_w == t_w, f"{what}: warnings {j_w} != torch {t_w}"
    assert str(j_out.dtype) == str(t_out.dtype), what
    assert tuple(j_out.shape) == tuple(t_out.shape), what
    rtol, atol = TOL[dt] if dt == "float64" or case.tol32 is None else case.tol32
    np.testing.assert_allclose(_np(j_out), _np(t_out), rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    t_name = t_out.grad_fn.name() if t_out.grad_fn is not None else None
    j_name = j_out.grad_fn.name() if j_out.grad_fn is not None else None
    assert j_name == t_name, f"{what}: grad_fn {j_name} != torch {t_name}"
    t_in = [a for a in t_args if isinstance(a, torch.Tensor) and a.requires_grad]
    j_in = [a for a in j_args if isinstance(a, jtorch.Tensor) and a.requires_grad]
    if not t_in:
        return
    c = np.random.default_rng(seed + 1).standard_normal(tuple(t_out.shape)).astype(dt)
    t_g = torch.autograd.grad((t_out * torch.from_numpy(c)).sum(), t_in)
    j_g = jtorch.autograd.grad((j_out * jtorch.from_numpy(c)).sum(), j_in)
    for k, (a, b) in enumerate(zip(t_g, j_g)):
        np.testing.assert_allclose(
            _np(b), _np(a), rtol=rtol * 10, atol=atol * 10, equal_nan=True, err_msg=f"{what} grad[{k}]"
        )


# --- sample builders ---------------------------------------------------------------------------------


def randn(rng, *shape):
    return rng.standard_normal(shape)


def probs(rng, *shape, axis=1):
    p = rng.uniform(0.05, 1.0, shape)
    return p / p.sum(axis=axis, keepdims=True)


def uniform(rng, *shape, lo=0.02, hi=0.98):
    return rng.uniform(lo, hi, shape)


def signs(rng, *shape):
    return np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)


def labels(rng, n_classes, *shape):
    return rng.integers(0, n_classes, shape).astype(np.int64)


def _w(T, x):
    return T.from_numpy(np.asarray(x)) if isinstance(x, np.ndarray) else x


def _pair(*arrs):
    return lambda rng: ([f(rng) if callable(f) else f for f in arrs[0]], arrs[1])


def xy(shape=(4, 3), target=randn, tgrad=True):
    return lambda rng: ([randn(rng, *shape), target(rng, *shape)], [True, tgrad])


def ce_idx(shape=(4, 3), ignore=None, weight=False):
    """Logits, class indices (some set to ``ignore``) and optional class weights."""

    def make(rng):
        x = randn(rng, *shape) * 2
        t = labels(rng, shape[1], shape[0], *shape[2:])
        if ignore is not None:
            t.reshape(-1)[::3] = ignore
        args, grads = [x, t], [True, False]
        if weight:
            args.append(rng.uniform(0.2, 2.0, shape[1]))
            grads.append(False)
        return args, grads

    return make


def ce_prob(shape=(4, 3), weight=False):
    def make(rng):
        args, grads = [randn(rng, *shape) * 2, probs(rng, *shape, axis=1 if len(shape) > 1 else 0)], [True, True]
        if weight:
            args.append(rng.uniform(0.2, 2.0, shape[1] if len(shape) > 1 else shape[0]))
            grads.append(False)
        return args, grads

    return make


def _w_kw(name):
    """f(F, T, x, t, w, **kw) passing ``w`` as keyword ``name``."""
    return lambda F, T, x, t, w, **kw: getattr(F, kw.pop("_fn"))(x, t, **{name: w}, **kw)


_weighted = _w_kw("weight")


def _ctc(F, T, lp, tg, il, tl, **kw):
    return F.ctc_loss(lp, tg, _w(T, il), _w(T, tl), **kw)


def ctc_make(T_=7, N=2, C=5, S=3, concat=False, unbatched=False):
    def make(rng):
        lp = np.log(rng.dirichlet(np.ones(C), size=(T_, N)))
        tl = np.array([S, S - 1][:N] + [1] * max(0, N - 2), np.int64)
        il = np.array([T_, T_ - 1][:N] + [T_] * max(0, N - 2), np.int64)
        tg = rng.integers(1, C, (N, S)).astype(np.int64)
        tg[0, 1] = tg[0, 0]  # a repeated label needs a blank between
        if concat:
            tg = np.concatenate([tg[i, : tl[i]] for i in range(N)])
        if unbatched:
            return [lp[:, 0], tg[0], np.array(il[0]), np.array(tl[0])], [True, False, False, False]
        return [lp, tg, il, tl], [True, False, False, False]

    return make


CASES = [
    # regression
    Case("mse", "mse_loss", xy()),
    Case("mse_3d", "mse_loss", xy((2, 3, 2))),
    Case(
        "mse_weight",
        _weighted,
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4, 3)], [1, 1, 0]),
        {"_fn": "mse_loss"},
    ),
    Case("l1", "l1_loss", xy()),
    Case(
        "l1_weight",
        _weighted,
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4, 3)], [1, 1, 0]),
        {"_fn": "l1_loss"},
    ),
    Case("smooth_l1", "smooth_l1_loss", xy()),
    Case("smooth_l1_beta", "smooth_l1_loss", xy(), {"beta": 0.4}),
    Case("smooth_l1_beta0", "smooth_l1_loss", xy(), {"beta": 0.0}),
    Case("huber", "huber_loss", xy()),
    Case("huber_delta", "huber_loss", xy(), {"delta": 0.3}),
    Case(
        "huber_weight",
        _weighted,
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4, 3)], [1, 1, 0]),
        {"_fn": "huber_loss"},
    ),
    # the tutorial's broadcast: (N, 1) predictions against an (N,) target warns and broadcasts
    Case("mse_broadcast", "mse_loss", lambda r: ([randn(r, 6, 1), randn(r, 6)], [True, True])),
    Case("l1_broadcast", "l1_loss", lambda r: ([randn(r, 6, 1), randn(r, 6)], [True, True])),
    Case("huber_broadcast", "huber_loss", lambda r: ([randn(r, 6, 1), randn(r, 6)], [True, True])),
    Case("smooth_l1_broadcast", "smooth_l1_loss", lambda r: ([randn(r, 6, 1), randn(r, 6)], [True, True])),
    Case("mse_legacy_sum", "mse_loss", xy(), {"size_average": False}, reductions=(None,)),
    Case("mse_legacy_none", "mse_loss", xy(), {"reduce": False}, reductions=(None,)),
    Case("mse_elementwise_mean", "mse_loss", xy(), {"reduction": "elementwise_mean"}, reductions=(None,)),
    Case("mse_empty", "mse_loss", xy((0, 3))),
    # classification
    Case("nll", "nll_loss", lambda r: ([np.log(probs(r, 4, 3)), labels(r, 3, 4)], [True, False])),
    Case("nll_weight_ignore", _weighted, ce_idx(ignore=1, weight=True), {"_fn": "nll_loss", "ignore_index": 1}),
    Case("nll_1d", "nll_loss", lambda r: ([randn(r, 3), np.array(2)], [True, False])),
    # torch cannot differentiate this one (its backward raises a size mismatch): values only
    Case("nll_1d_target1", "nll_loss", lambda r: ([randn(r, 3), np.array([1])], [False, False])),
    Case("nll_4d", "nll_loss", lambda r: ([randn(r, 2, 3, 2, 2), labels(r, 3, 2, 2, 2)], [True, False])),
    Case(
        "nll_legacy",
        "nll_loss",
        lambda r: ([randn(r, 4, 3), labels(r, 3, 4)], [True, False]),
        {"size_average": False, "reduce": True},
        reductions=(None,),
    ),
    Case("nll_uint8_target", "nll_loss", lambda r: ([randn(r, 4, 3), labels(r, 3, 4).astype(np.uint8)], [True, False])),
    Case("ce", "cross_entropy", ce_idx()),
    Case("ce_weight", _weighted, ce_idx(weight=True), {"_fn": "cross_entropy"}),
    Case("ce_ignore", "cross_entropy", ce_idx(ignore=-100)),
    Case("ce_ignore_custom", "cross_entropy", ce_idx(ignore=2), {"ignore_index": 2}),
    Case("ce_weight_ignore", _weighted, ce_idx(ignore=-100, weight=True), {"_fn": "cross_entropy"}),
    Case("ce_all_ignored", "cross_entropy", lambda r: ([randn(r, 4, 3), np.full(4, -100)], [True, False])),
    Case(
        "ce_all_ignored_weight_ls",
        _weighted,
        lambda r: ([randn(r, 4, 3), np.full(4, -100), uniform(r, 3)], [1, 0, 0]),
        {"_fn": "cross_entropy", "label_smoothing": 0.1},
    ),
    Case("ce_smoothing", "cross_entropy", ce_idx(), {"label_smoothing": 0.2}),
    Case(
        "ce_smoothing_weight_ignore",
        _weighted,
        ce_idx(ignore=-100, weight=True),
        {"_fn": "cross_entropy", "label_smoothing": 0.3},
    ),
    Case("ce_smoothing_one", "cross_entropy", ce_idx(), {"label_smoothing": 1.0}),
    Case("ce_kdim", "cross_entropy", ce_idx((2, 3, 4))),
    Case(
        "ce_kdim_weight_ignore_ls",
        _weighted,
        ce_idx((2, 3, 2, 2), ignore=-100, weight=True),
        {"_fn": "cross_entropy", "label_smoothing": 0.1},
    ),
    Case("ce_kdim5", "cross_entropy", ce_idx((2, 3, 2, 1, 2))),
    Case("ce_1d", "cross_entropy", lambda r: ([randn(r, 3), np.array(1)], [True, False])),
    Case("ce_prob", "cross_entropy", ce_prob()),
    Case("ce_prob_weight_ls", _weighted, ce_prob(weight=True), {"_fn": "cross_entropy", "label_smoothing": 0.25}),
    Case("ce_prob_kdim", "cross_entropy", ce_prob((2, 3, 2))),
    Case("ce_prob_1d", "cross_entropy", ce_prob((3,))),
    Case(
        "ce_extreme_logits",
        "cross_entropy",
        lambda r: ([np.array([[1e4, -1e4, 0.0], [-3e4, 3e4, 1.0]]), np.array([1, 1])], [True, False]),
    ),
    Case("ce_empty", "cross_entropy", lambda r: ([randn(r, 0, 3), np.zeros(0, np.int64)], [True, False])),
    Case("ce_empty_prob", "cross_entropy", lambda r: ([randn(r, 0, 3), randn(r, 0, 3)], [True, False])),
    Case("ce_legacy", "cross_entropy", ce_idx(), {"size_average": False, "reduce": False}, reductions=(None,)),
    # probabilistic
    Case(
        "poisson", "poisson_nll_loss", lambda r: ([randn(r, 4, 3), r.poisson(2.0, (4, 3)).astype(float)], [True, False])
    ),
    Case(
        "poisson_full",
        "poisson_nll_loss",
        lambda r: ([randn(r, 4, 3), r.poisson(2.0, (4, 3)).astype(float)], [True, False]),
        {"full": True},
    ),
    Case(
        "poisson_nolog",
        "poisson_nll_loss",
        lambda r: ([uniform(r, 4, 3, lo=0.0), r.poisson(2.0, (4, 3)).astype(float)], [True, True]),
        {"log_input": False, "eps": 1e-3},
    ),
    Case(
        "gaussian",
        "gaussian_nll_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4, 3)], [True, True, True]),
    ),
    Case(
        "gaussian_full_eps",
        "gaussian_nll_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4, 3, lo=0.0, hi=0.2)], [True, True, True]),
        {"full": True, "eps": 0.1},
    ),
    Case(
        "gaussian_homo",
        "gaussian_nll_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4)], [True, True, True]),
    ),
    Case(
        "gaussian_bcast",
        "gaussian_nll_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), uniform(r, 4, 1)], [True, True, True]),
    ),
    Case(
        "gaussian_float_var",
        "gaussian_nll_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), 0.7], [True, True, False]),
    ),
    Case("kl", "kl_div", lambda r: ([np.log(probs(r, 4, 3)), probs(r, 4, 3)], [True, True])),
    Case("kl_zero_target", "kl_div", lambda r: ([np.log(probs(r, 4, 3)), np.eye(4, 3)], [True, False])),
    Case(
        "kl_log_target",
        "kl_div",
        lambda r: ([np.log(probs(r, 4, 3)), np.log(probs(r, 4, 3))], [True, True]),
        {"log_target": True},
    ),
    Case(
        "kl_batchmean",
        "kl_div",
        lambda r: ([np.log(probs(r, 4, 3)), probs(r, 4, 3)], [True, True]),
        {"reduction": "batchmean"},
        reductions=(None,),
    ),
    Case(
        "kl_batchmean_0d",
        "kl_div",
        lambda r: ([np.array(-0.5), np.array(0.3)], [True, True]),
        {"reduction": "batchmean"},
        reductions=(None,),
    ),
    Case(
        "kl_legacy",
        "kl_div",
        lambda r: ([np.log(probs(r, 4, 3)), probs(r, 4, 3)], [True, True]),
        {"size_average": False},
        reductions=(None,),
    ),
    # binary
    Case("bce", "binary_cross_entropy", lambda r: ([uniform(r, 4, 3), uniform(r, 4, 3)], [True, True])),
    Case(
        "bce_weight",
        _weighted,
        lambda r: ([uniform(r, 4, 3), uniform(r, 4, 3), uniform(r, 3)], [1, 1, 0]),
        {"_fn": "binary_cross_entropy"},
    ),
    Case(
        "bce_edges",
        "binary_cross_entropy",
        lambda r: ([np.array([0.0, 1.0, 1e-30, 0.5]), np.array([1.0, 0.0, 1.0, 0.5])], [True, True]),
    ),
    Case(
        "bce_legacy",
        "binary_cross_entropy",
        lambda r: ([uniform(r, 4, 3), uniform(r, 4, 3)], [True, True]),
        {"reduce": False},
        reductions=(None,),
    ),
    Case("bce_empty", "binary_cross_entropy", lambda r: ([uniform(r, 0, 3), uniform(r, 0, 3)], [True, True])),
    Case(
        "bce_logits",
        "binary_cross_entropy_with_logits",
        lambda r: ([randn(r, 4, 3) * 3, uniform(r, 4, 3)], [True, True]),
    ),
    Case(
        "bce_logits_weights",
        lambda F, T, x, t, w, pw, **kw: F.binary_cross_entropy_with_logits(x, t, w, pos_weight=pw, **kw),
        lambda r: ([randn(r, 4, 3) * 3, uniform(r, 4, 3), uniform(r, 3), uniform(r, 3, lo=0.5, hi=4.0)], [1, 1, 0, 0]),
    ),
    Case(
        "bce_logits_extreme",
        lambda F, T, x, t, pw, **kw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, **kw),
        lambda r: (
            [np.array([1000.0, -1000.0, 80.0, -80.0]), np.array([0.0, 1.0, 0.3, 0.7]), np.array([3.0])],
            [1, 1, 0],
        ),
    ),
    # margins
    Case(
        "margin_ranking",
        "margin_ranking_loss",
        lambda r: ([randn(r, 5), randn(r, 5), signs(r, 5)], [True, True, False]),
        {"margin": 0.2},
    ),
    Case("hinge", "hinge_embedding_loss", lambda r: ([randn(r, 4, 3), signs(r, 4, 3)], [True, False])),
    Case(
        "hinge_margin",
        "hinge_embedding_loss",
        lambda r: ([randn(r, 4, 3), signs(r, 4, 3)], [True, False]),
        {"margin": 0.5},
    ),
    Case(
        "multilabel_margin",
        "multilabel_margin_loss",
        lambda r: ([randn(r, 4, 3), np.array([[0, 1, -1], [2, -1, 0], [1, 0, 2], [-1, 0, 0]])], [True, False]),
    ),
    Case(
        "multilabel_margin_1d",
        "multilabel_margin_loss",
        lambda r: ([randn(r, 4), np.array([3, 0, -1, 1])], [True, False]),
    ),
    Case("soft_margin", "soft_margin_loss", lambda r: ([randn(r, 4, 3), signs(r, 4, 3)], [True, False])),
    Case(
        "multilabel_soft_margin",
        "multilabel_soft_margin_loss",
        lambda r: ([randn(r, 4, 3), (randn(r, 4, 3) > 0) * 1.0], [True, True]),
    ),
    Case(
        "multilabel_soft_margin_w",
        _weighted,
        lambda r: ([randn(r, 4, 3), (randn(r, 4, 3) > 0) * 1.0, uniform(r, 3)], [1, 1, 0]),
        {"_fn": "multilabel_soft_margin_loss"},
    ),
    Case(
        "cosine_embedding",
        "cosine_embedding_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), signs(r, 4)], [True, True, False]),
        {"margin": -0.2},
    ),
    Case(
        "cosine_embedding_1d",
        "cosine_embedding_loss",
        lambda r: ([randn(r, 3), randn(r, 3), np.array(-1.0)], [True, True, False]),
    ),
    Case("multi_margin", "multi_margin_loss", lambda r: ([randn(r, 4, 3), labels(r, 3, 4)], [True, False])),
    Case(
        "multi_margin_p2_weight",
        lambda F, T, x, t, w, **kw: F.multi_margin_loss(x, t, p=2, margin=0.7, weight=w, **kw),
        lambda r: ([randn(r, 4, 3), labels(r, 3, 4), uniform(r, 3)], [1, 0, 0]),
    ),
    Case("multi_margin_1d", "multi_margin_loss", lambda r: ([randn(r, 3), np.array(1)], [True, False])),
    Case(
        "triplet",
        "triplet_margin_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), randn(r, 4, 3)], [True, True, True]),
    ),
    Case(
        "triplet_p1_swap",
        "triplet_margin_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), randn(r, 4, 3)], [True, True, True]),
        {"p": 1, "swap": True, "margin": 2.0},
    ),
    Case(
        "triplet_p3",
        "triplet_margin_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), randn(r, 4, 3)], [True, True, True]),
        {"p": 3.0, "eps": 1e-3},
    ),
    Case("triplet_1d", "triplet_margin_loss", lambda r: ([randn(r, 3), randn(r, 3), randn(r, 3)], [True, True, True])),
    Case(
        "triplet_distance",
        "triplet_margin_with_distance_loss",
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), randn(r, 4, 3)], [True, True, True]),
    ),
    Case(
        "triplet_distance_custom_swap",
        lambda F, T, a, p, n, **kw: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y), swap=True, margin=0.5, **kw
        ),
        lambda r: ([randn(r, 4, 3), randn(r, 4, 3), randn(r, 4, 3)], [True, True, True]),
    ),
    # CTC
    Case("ctc", _ctc, ctc_make(), tol32=(1e-4, 1e-5)),
    Case("ctc_concat_targets", _ctc, ctc_make(concat=True), tol32=(1e-4, 1e-5)),
    Case("ctc_blank_last", _ctc, ctc_make(), {"blank": 4}, tol32=(1e-4, 1e-5)),
    Case("ctc_unbatched", _ctc, ctc_make(unbatched=True), tol32=(1e-4, 1e-5)),
    Case(
        "ctc_impossible_zero_inf",
        _ctc,
        lambda r: (
            [
                np.log(r.dirichlet(np.ones(4), size=(2, 2))),
                np.array([[1, 1], [2, 3]]),
                np.array([2, 2]),
                np.array([2, 2]),
            ],
            [1, 0, 0, 0],
        ),
        {"zero_infinity": True},
    ),
]


def _case_params():
    out = []
    for c in CASES:
        for red in c.reductions:
            for dt in ("float32", "float64"):
                out.append(pytest.param(c, dt, red, id=f"{c.id}-{red}-{dt}"))
    return out


covers(*[f"nn.functional.{n}" for n in _loss_fns.__all__])


@pytest.mark.parametrize("case,dt,reduction", _case_params())
def test_loss(case, dt, reduction):
    run_case(case, dt, reduction)
