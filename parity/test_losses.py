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
import math
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
    Case(
        "linear_cross_entropy",
        lambda F, T, x, w, t, b, cw, **kw: F.linear_cross_entropy(x, w, t, linear_bias=b, weight=cw, **kw),
        lambda r: ([randn(r, 4, 5), randn(r, 3, 5), labels(r, 3, 4), randn(r, 3), uniform(r, 3)], [1, 1, 0, 1, 0]),
        {"label_smoothing": 0.1, "ignore_index": 2},
    ),
    Case(
        "linear_cross_entropy_kdim_prob",
        lambda F, T, x, w, t, **kw: F.linear_cross_entropy(x, w, t, **kw),
        lambda r: ([randn(r, 4, 5), randn(r, 3, 2, 5), probs(r, 4, 3, 2)], [1, 1, 1]),
    ),
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


# --- errors: same exception type and message as torch ----------------------------------------------


def _t(T, x, dtype=None):
    return T.tensor(x, dtype=dtype)


ERRORS = {
    "invalid_reduction": lambda F, T: F.mse_loss(T.ones(3), T.ones(3), reduction="foo"),
    "invalid_reduction_ce": lambda F, T: F.cross_entropy(T.ones(2, 3), _t(T, [0, 1]), reduction="avg"),
    "invalid_reduction_poisson": lambda F, T: F.poisson_nll_loss(T.ones(3), T.ones(3), reduction="x"),
    "invalid_reduction_gaussian": lambda F, T: F.gaussian_nll_loss(T.ones(3), T.ones(3), T.ones(3), reduction="x"),
    "invalid_reduction_mlsm": lambda F, T: F.multilabel_soft_margin_loss(T.ones(2, 3), T.ones(2, 3), reduction="x"),
    "invalid_reduction_triplet_distance": lambda F, T: F.triplet_margin_with_distance_loss(
        T.ones(2, 3), T.ones(2, 3), T.ones(2, 3), reduction="x"
    ),
    "invalid_reduction_weighted_mse": lambda F, T: F.mse_loss(T.ones(3), T.ones(3), weight=T.ones(3), reduction="x"),
    "mse_not_broadcastable": lambda F, T: F.mse_loss(T.ones(3), T.ones(4)),
    "mse_weight_size": lambda F, T: F.mse_loss(T.ones(2, 3), T.ones(2, 3), weight=T.ones(3)),
    "mse_integer": lambda F, T: F.mse_loss(T.ones(3, dtype=T.int64), T.ones(3, dtype=T.int64)),
    "l1_integer_mean": lambda F, T: F.l1_loss(T.ones(3, dtype=T.int64), T.ones(3, dtype=T.int64)),
    "smooth_l1_negative_beta": lambda F, T: F.smooth_l1_loss(T.ones(3), T.zeros(3), beta=-1.0),
    "huber_zero_delta": lambda F, T: F.huber_loss(T.ones(3), T.zeros(3), delta=0.0),
    "nll_target_out_of_range": lambda F, T: F.nll_loss(T.zeros(4, 3), _t(T, [0, 2, 1, 5])),
    "nll_target_negative": lambda F, T: F.nll_loss(T.zeros(4, 3), _t(T, [0, -1, 1, 2])),
    "nll_target_out_of_range_none": lambda F, T: F.nll_loss(T.zeros(4, 3), _t(T, [0, 3, 1, 2]), reduction="none"),
    "nll_4d_out_of_range": lambda F, T: F.nll_loss(T.zeros(2, 3, 2, 2), T.full((2, 2, 2), 4)),
    "nll_3d_out_of_range": lambda F, T: F.nll_loss(T.zeros(2, 3, 2), T.full((2, 2), 3)),
    "nll_float_target": lambda F, T: F.nll_loss(T.zeros(4, 3), T.zeros(4)),
    "nll_int32_target": lambda F, T: F.nll_loss(T.zeros(4, 3), T.zeros(4, dtype=T.int32)),
    "nll_0d_input": lambda F, T: F.nll_loss(T.zeros(()), T.zeros((), dtype=T.int64)),
    "nll_batch_mismatch": lambda F, T: F.nll_loss(T.zeros(4, 3), _t(T, [0, 1, 1])),
    "nll_2d_target": lambda F, T: F.nll_loss(T.zeros(2, 3), T.zeros(2, 5, dtype=T.int64)),
    "nll_1d_target_size": lambda F, T: F.nll_loss(T.zeros(3), T.zeros(2, dtype=T.int64)),
    "nll_4d_target_size": lambda F, T: F.nll_loss(T.zeros(2, 3, 2, 2), T.zeros(2, 2, 3, dtype=T.int64)),
    "nll_4d_target_dim": lambda F, T: F.nll_loss(T.zeros(2, 3, 2, 2), T.zeros(2, 4, dtype=T.int64)),
    "nll_3d_target_size": lambda F, T: F.nll_loss(T.zeros(2, 3, 4), T.zeros(2, 5, dtype=T.int64)),
    "nll_weight_size": lambda F, T: F.nll_loss(T.zeros(2, 3), _t(T, [1, 1]), weight=T.ones(4)),
    "ce_weight_dtype": lambda F, T: F.cross_entropy(T.zeros(2, 3), _t(T, [1, 1]), weight=T.ones(3, dtype=T.float64)),
    "ce_float_target_wrong_shape": lambda F, T: F.cross_entropy(T.zeros(4, 3), T.rand(4)),
    "ce_float_target_wrong_shape_2d": lambda F, T: F.cross_entropy(T.zeros(4, 3), T.rand(4, 2)),
    "ce_long_prob_target": lambda F, T: F.cross_entropy(T.zeros(4, 3), T.zeros(4, 3, dtype=T.int64)),
    "ce_prob_ignore_index": lambda F, T: F.cross_entropy(T.zeros(4, 3), T.rand(4, 3), ignore_index=1),
    "ce_prob_weight_size": lambda F, T: F.cross_entropy(T.zeros(4, 3), T.rand(4, 3), weight=T.ones(4)),
    "ce_label_smoothing_above_one": lambda F, T: F.cross_entropy(
        T.zeros(4, 3), _t(T, [0, 1, 1, 1]), label_smoothing=1.5
    ),
    "ce_integer_input": lambda F, T: F.cross_entropy(T.ones(4, 3, dtype=T.int64), _t(T, [0, 1, 1, 1])),
    "ce_target_out_of_range": lambda F, T: F.cross_entropy(T.zeros(4, 3), _t(T, [0, 1, 3, 1])),
    "bce_input_above_one": lambda F, T: F.binary_cross_entropy(_t(T, [1.5, 0.2]), _t(T, [1.0, 0.0])),
    "bce_input_negative": lambda F, T: F.binary_cross_entropy(_t(T, [-0.1, 0.2]), _t(T, [1.0, 0.0])),
    "bce_input_nan": lambda F, T: F.binary_cross_entropy(_t(T, [math.nan, 0.2]), _t(T, [1.0, 0.0])),
    "bce_target_out_of_range": lambda F, T: F.binary_cross_entropy(_t(T, [0.5, 0.2]), _t(T, [2.0, 0.0])),
    "bce_size_mismatch": lambda F, T: F.binary_cross_entropy(_t(T, [0.5, 0.2]), _t(T, [[1.0, 0.0]])),
    "bce_dtype_mismatch": lambda F, T: F.binary_cross_entropy(T.full((2,), 0.5), T.full((2,), 0.5, dtype=T.float64)),
    "bce_weight_not_broadcastable": lambda F, T: F.binary_cross_entropy(
        T.full((2, 3), 0.5), T.full((2, 3), 0.5), weight=T.ones(4)
    ),
    "bce_logits_size_mismatch": lambda F, T: F.binary_cross_entropy_with_logits(_t(T, [0.5, 0.2]), _t(T, [[1.0, 0.0]])),
    "kl_integer_target": lambda F, T: F.kl_div(T.zeros(2, 3), T.ones(2, 3, dtype=T.int64), reduction="sum"),
    "gaussian_negative_var": lambda F, T: F.gaussian_nll_loss(T.zeros(3, 4), T.zeros(3, 4), T.full((3, 4), -1.0)),
    "gaussian_negative_float_var": lambda F, T: F.gaussian_nll_loss(T.zeros(3, 4), T.zeros(3, 4), -1.0),
    "gaussian_var_size": lambda F, T: F.gaussian_nll_loss(T.zeros(3, 4), T.zeros(3, 4), T.ones(2)),
    "margin_ranking_dims": lambda F, T: F.margin_ranking_loss(T.zeros(3), T.zeros(3, 1), T.ones(3)),
    "multi_margin_p3": lambda F, T: F.multi_margin_loss(T.zeros(3, 4), T.zeros(3, dtype=T.int64), p=3),
    "multi_margin_weight_2d": lambda F, T: F.multi_margin_loss(T.zeros(3, 4), _t(T, [1, 2, 3]), weight=T.ones(4, 1)),
    "multi_margin_target_range": lambda F, T: F.multi_margin_loss(T.zeros(4, 3), _t(T, [0, 2, 1, 5])),
    "multi_margin_target_size": lambda F, T: F.multi_margin_loss(T.zeros(3, 4), T.zeros(2, dtype=T.int64)),
    "multi_margin_float_target": lambda F, T: F.multi_margin_loss(T.zeros(3, 4), T.zeros(3)),
    "multilabel_margin_range": lambda F, T: F.multilabel_margin_loss(T.zeros(4, 3), T.full((4, 3), 5)),
    "multilabel_margin_shape": lambda F, T: F.multilabel_margin_loss(T.zeros(3, 4), T.zeros(3, 3, dtype=T.int64)),
    "cosine_2d_target": lambda F, T: F.cosine_embedding_loss(T.ones(3, 4), T.ones(3, 4), T.ones(3, 1)),
    "cosine_size": lambda F, T: F.cosine_embedding_loss(T.ones(3, 4), T.ones(3, 5), T.ones(3)),
    "triplet_margin_zero": lambda F, T: F.triplet_margin_loss(T.ones(3, 4), T.ones(3, 4), T.ones(3, 4), margin=0),
    "triplet_dims": lambda F, T: F.triplet_margin_loss(T.ones(3, 4), T.ones(4), T.ones(3, 4)),
    "triplet_distance_margin": lambda F, T: F.triplet_margin_with_distance_loss(
        T.ones(3, 4), T.ones(3, 4), T.ones(3, 4), margin=-1.0
    ),
    "triplet_distance_dims": lambda F, T: F.triplet_margin_with_distance_loss(T.ones(3, 4), T.ones(4), T.ones(3, 4)),
    "ctc_blank_range": lambda F, T: F.ctc_loss(
        T.zeros(5, 2, 4), T.ones(2, 2, dtype=T.int64), _t(T, [5, 5]), _t(T, [2, 2]), blank=4
    ),
    "ctc_input_length": lambda F, T: F.ctc_loss(
        T.zeros(5, 2, 4), T.ones(2, 2, dtype=T.int64), _t(T, [6, 5]), _t(T, [2, 2])
    ),
    "ctc_invalid_reduction": lambda F, T: F.ctc_loss(
        T.zeros(5, 2, 4), T.ones(2, 2, dtype=T.int64), _t(T, [5, 5]), _t(T, [2, 2]), reduction="x"
    ),
}


@covers("nn.functional.nll_loss", "nn.functional.cross_entropy", "nn.functional.binary_cross_entropy")
@pytest.mark.filterwarnings("ignore:Using a target size")  # mse_not_broadcastable warns, then raises, in both
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error(name):
    call = ERRORS[name]
    with pytest.raises(Exception) as t_err:
        call(TF, torch)
    with pytest.raises(Exception) as j_err:
        call(JF, jtorch)
    assert j_err.type is t_err.type, f"{name}: {j_err.type.__name__}: {j_err.value} vs torch {t_err.type.__name__}"
    assert str(j_err.value) == str(t_err.value)


# --- the tutorial's broadcast ------------------------------------------------------------------------


def test_tutorial_506_broadcast_warning_and_value():
    """A (506, 1) prediction against a (506,) target: torch's number and torch's UserWarning."""
    rng = np.random.default_rng(5)
    pred, target = rng.standard_normal((506, 1)).astype(np.float32), rng.standard_normal(506).astype(np.float32)
    for name in ("mse_loss", "l1_loss"):
        with pytest.warns(UserWarning) as t_w:
            t_out = getattr(TF, name)(torch.from_numpy(pred), torch.from_numpy(target))
        with pytest.warns(UserWarning) as j_w:
            j_out = getattr(JF, name)(jtorch.from_numpy(pred), jtorch.from_numpy(target))
        assert [str(w.message) for w in j_w] == [str(w.message) for w in t_w]
        assert str(j_w[0].message) == (
            "Using a target size (torch.Size([506])) that is different to the input size (torch.Size([506, 1])). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size."
        )
        # 506 * 506 terms summed in float32: rtol 1e-5 leaves room for a different summation order.
        np.testing.assert_allclose(j_out.item(), t_out.item(), rtol=1e-5)


# --- modules -----------------------------------------------------------------------------------------


def _weights(T):
    return T.tensor([0.5, 1.0, 2.0])


MODULES = {
    "L1Loss": (lambda nn, T: nn.L1Loss(), "reg"),
    "L1Loss_sum": (lambda nn, T: nn.L1Loss(reduction="sum"), "reg"),
    "MSELoss": (lambda nn, T: nn.MSELoss(), "reg"),
    "MSELoss_legacy": (lambda nn, T: nn.MSELoss(size_average=False), "reg"),
    "MSELoss_legacy_reduce": (lambda nn, T: nn.MSELoss(reduce=False), "reg"),
    "SmoothL1Loss": (lambda nn, T: nn.SmoothL1Loss(beta=0.5), "reg"),
    "HuberLoss": (lambda nn, T: nn.HuberLoss(delta=0.5), "reg"),
    "SoftMarginLoss": (lambda nn, T: nn.SoftMarginLoss(), "sign"),
    "HingeEmbeddingLoss": (lambda nn, T: nn.HingeEmbeddingLoss(margin=0.5), "sign"),
    "CrossEntropyLoss": (lambda nn, T: nn.CrossEntropyLoss(), "cls"),
    "CrossEntropyLoss_opts": (
        lambda nn, T: nn.CrossEntropyLoss(weight=_weights(T), ignore_index=1, label_smoothing=0.1, reduction="sum"),
        "cls",
    ),
    "NLLLoss": (lambda nn, T: nn.NLLLoss(weight=_weights(T)), "cls"),
    "NLLLoss2d": (lambda nn, T: nn.NLLLoss2d(), "cls"),
    "MultiMarginLoss": (lambda nn, T: nn.MultiMarginLoss(p=2, weight=_weights(T)), "cls"),
    "MultiLabelMarginLoss": (lambda nn, T: nn.MultiLabelMarginLoss(), "mlml"),
    "BCELoss": (lambda nn, T: nn.BCELoss(weight=_weights(T)), "prob"),
    "BCEWithLogitsLoss": (lambda nn, T: nn.BCEWithLogitsLoss(pos_weight=_weights(T)), "logit"),
    "MultiLabelSoftMarginLoss": (lambda nn, T: nn.MultiLabelSoftMarginLoss(weight=_weights(T)), "logit"),
    "KLDivLoss": (lambda nn, T: nn.KLDivLoss(), "kl"),
    "KLDivLoss_batchmean": (lambda nn, T: nn.KLDivLoss(reduction="batchmean", log_target=True), "kl"),
    "PoissonNLLLoss": (lambda nn, T: nn.PoissonNLLLoss(full=True), "reg"),
    "GaussianNLLLoss": (lambda nn, T: nn.GaussianNLLLoss(full=True, eps=1e-3), "var"),
    "CosineEmbeddingLoss": (lambda nn, T: nn.CosineEmbeddingLoss(margin=0.1), "pair"),
    "MarginRankingLoss": (lambda nn, T: nn.MarginRankingLoss(margin=0.1), "rank"),
    "TripletMarginLoss": (lambda nn, T: nn.TripletMarginLoss(margin=0.5, p=1, swap=True), "triplet"),
    "TripletMarginWithDistanceLoss": (lambda nn, T: nn.TripletMarginWithDistanceLoss(margin=0.5), "triplet"),
    "LinearCrossEntropyLoss": (
        lambda nn, T: nn.LinearCrossEntropyLoss(5, 3, bias=True, weight=_weights(T), label_smoothing=0.1),
        "lce",
    ),
    "CTCLoss": (lambda nn, T: nn.CTCLoss(blank=0, zero_infinity=True), "ctc"),
}


def _module_inputs(kind, rng):
    x = rng.standard_normal((4, 3))
    y = rng.standard_normal((4, 3))
    if kind == "reg":
        return [x, y], [1, 1]
    if kind == "sign":
        return [x, signs(rng, 4, 3)], [1, 0]
    if kind == "cls":
        return [x, np.array([0, 1, 2, 1])], [1, 0]
    if kind == "mlml":
        return [x, np.array([[0, 1, -1], [2, -1, 0], [1, 0, 2], [-1, 0, 0]])], [1, 0]
    if kind == "prob":
        return [uniform(rng, 4, 3), uniform(rng, 4, 3)], [1, 1]
    if kind == "logit":
        return [x, (y > 0) * 1.0], [1, 0]
    if kind == "kl":
        return [np.log(probs(rng, 4, 3)), np.log(probs(rng, 4, 3))], [1, 1]
    if kind == "var":
        return [x, y, uniform(rng, 4, 3)], [1, 1, 1]
    if kind == "pair":
        return [x, y, signs(rng, 4)], [1, 1, 0]
    if kind == "rank":
        return [x[:, 0].copy(), y[:, 0].copy(), signs(rng, 4)], [1, 1, 0]
    if kind == "lce":
        return [rng.standard_normal((4, 5)), np.array([0, 1, 2, 1])], [1, 0]
    if kind == "triplet":
        return [x, y, rng.standard_normal((4, 3))], [1, 1, 1]
    return ctc_make()(rng)


def _modules_covered():
    return [f"nn.{n.split('_')[0]}" for n in MODULES]


@covers(*_modules_covered())
@pytest.mark.parametrize("name", sorted(MODULES))
def test_module(name):
    """Construction warnings, repr, buffers/state_dict, and forward/backward equal torch's (float32)."""
    make, kind = MODULES[name]
    t_mod, t_w = _record(lambda: make(torch.nn, torch))
    j_mod, j_w = _record(lambda: make(jtorch.nn, jtorch))
    assert j_w == t_w
    assert list(j_mod.state_dict()) == list(t_mod.state_dict())
    assert getattr(j_mod, "reduction", None) == getattr(t_mod, "reduction", None)
    if list(t_mod.parameters()):  # same (random) Linear weights in both
        j_mod.load_state_dict({k: jtorch.from_numpy(v.detach().numpy().copy()) for k, v in t_mod.state_dict().items()})
    args, grads = _module_inputs(kind, np.random.default_rng(0))
    case = Case(name, lambda F, T, *a, **kw: (t_mod if T is torch else j_mod)(*a), lambda r: (args, grads))
    case.fn = lambda F, T, *a, **kw: (t_mod if T is torch else j_mod)(*[_w(T, x) if kind == "ctc" else x for x in a])
    run_case(case, "float32", None)
    assert repr(j_mod) == repr(t_mod)


def test_module_weight_buffer_moves_with_state_dict():
    """``weight`` is a buffer: loading a state_dict replaces it and changes the loss as in torch."""
    t_mod, j_mod = torch.nn.CrossEntropyLoss(weight=torch.ones(3)), jtorch.nn.CrossEntropyLoss(weight=jtorch.ones(3))
    w = np.array([0.2, 1.0, 3.0], np.float32)
    t_mod.load_state_dict({"weight": torch.from_numpy(w)})
    j_mod.load_state_dict({"weight": jtorch.from_numpy(w)})
    x, t = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32), np.array([0, 1, 2, 2])
    t_out = t_mod(torch.from_numpy(x), torch.from_numpy(t))
    j_out = j_mod(jtorch.from_numpy(x), jtorch.from_numpy(t))
    np.testing.assert_allclose(j_out.item(), t_out.item(), rtol=2e-6)


def test_module_constructor_errors():
    for make in (
        lambda nn: nn.MultiMarginLoss(p=3),
        lambda nn: nn.MultiMarginLoss(weight=(torch if nn is torch.nn else jtorch).ones(2, 2)),
        lambda nn: nn.TripletMarginLoss(margin=0.0),
        lambda nn: nn.TripletMarginWithDistanceLoss(margin=-1.0),
        lambda nn: nn.HuberLoss(delta="1"),
    ):
        with pytest.raises(Exception) as t_err:
            make(torch.nn)
        with pytest.raises(Exception) as j_err:
            make(jtorch.nn)
        assert j_err.type is t_err.type and str(j_err.value) == str(t_err.value)
