"""Op database entries: reductions, scans and order statistics (jtorch/_ops/reduction.py).

Every entry compares values, dtypes, shapes and gradients with torch over full reductions, ``dim`` (int,
negative, tuple), ``keepdim``, ``dtype=``, 0-d, empty and non-contiguous inputs; ``ties`` inputs (values
in {-1, 0, 1}) prove the gradient rules at ties (amax/max() split evenly, max(dim) picks one index).
Function and method forms are called in one entry and compared as a tuple; named-tuple results are
also read through their field names.
"""

from __future__ import annotations

import numpy as np
from opinfo import OpInfo, Sample
from ops_pointwise import FI, FIB, F, num, specials, ties

FIBU = FIB + ("uint8",)
# float results of integer inputs are compared like float32; float32 sums may be ordered differently
_TOLS = {d: (1.3e-6, 1e-5) for d in ("int64", "int32", "bool", "uint8")}
LOOSE = {**_TOLS, "float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7)}


def red_samples(gen=num, dims=True, multi=True, empty=True, keepdim=True):
    """Full reductions and reductions over dims, on 0-d, 1-d, 2-d, 3-d, empty and strided inputs."""

    def samples(rng, dtype):
        x = lambda *s: gen(rng, s, dtype)  # noqa: E731
        out = [Sample((x(3, 4),)), Sample((x(),)), Sample((x(5),)), Sample((x(2, 3, 4),), noncontig=True)]
        if empty:
            out.append(Sample((x(0, 3),)))
        if dims:
            out += [
                Sample((x(3, 4),), {"dim": 1}),
                Sample((x(2, 3, 4),), {"dim": -1}),
                Sample((x(),), {"dim": 0}),
                Sample((x(3, 4),), {"dim": 2}),  # out of range: IndexError
                Sample((x(2, 3, 4),), {"dim": 1}, noncontig=True),
            ]
            if keepdim:
                out += [Sample((x(3, 4),), {"dim": 0, "keepdim": True}), Sample((x(),), {"dim": -1, "keepdim": True})]
            if empty:
                out += [Sample((x(0, 3),), {"dim": 1}), Sample((x(0, 3),), {"dim": 0})]
            if multi:
                out += [
                    Sample((x(2, 3, 4),), {"dim": (0, 2)}),
                    Sample((x(2, 3, 4),), {"dim": [-1, 0], "keepdim": True}),
                    Sample((x(2, 3, 4),), {"dim": (1, 1)}),  # repeated dim: torch raises
                ]
        return out

    return samples


def _both(name):
    """``torch.name(x, ...)`` and ``x.name(...)`` as one result tuple."""

    def call(T, x, *args, **kwargs):
        return getattr(T, name)(x, *args, **kwargs), getattr(x, name)(*args, **kwargs)

    return call


def _named(name):
    """Both forms of an op returning (values, indices), read also through the field names."""

    def call(T, x, *args, **kwargs):
        r = getattr(T, name)(x, *args, **kwargs)
        m = getattr(x, name)(*args, **kwargs)
        if isinstance(r, tuple):
            return r.values, r.indices, m.values, m.indices
        return r, m

    return call


def R(name, gen=num, dtypes=F, grad=True, tols=None, **kw):
    return OpInfo(
        name, _both(name), red_samples(gen, **kw), dtypes, grad, (name, "Tensor." + name), {**_TOLS, **(tols or {})}
    )


def _with(samples, **extra):
    return lambda rng, dtype: [Sample(s.args, {**s.kwargs, **extra}, s.noncontig) for s in samples(rng, dtype)]


def _var_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    return [
        Sample((x(3, 4),)),
        Sample((x(3, 4), True)),  # positional unbiased
        Sample((x(3, 4), False)),
        Sample((x(3, 4), 1)),  # positional dim
        Sample((x(3, 4), 0, False)),
        Sample((x(3, 4), 1, True, True)),
        Sample((x(2, 3, 4),), {"dim": (0, 2), "keepdim": True}),
        Sample((x(3, 4),), {"dim": 1, "correction": 0}),
        Sample((x(3, 4),), {"dim": 0, "correction": 2}),
        Sample((x(3, 4),), {"correction": 0.5}),
        Sample((x(3, 4),), {"dim": 1, "unbiased": False, "keepdim": True}),
        Sample((x(2, 3, 4),), {"dim": -1}, noncontig=True),
        Sample((x(5),), {"dim": 0}),
    ]


def _var_edge(rng, dtype):
    """Degrees of freedom <= 0 (torch warns and returns inf/nan), and integer input (torch raises)."""
    return [
        Sample((num(rng, (1,), dtype),)),
        Sample((num(rng, (3, 1), dtype),), {"dim": 1}),
        Sample((num(rng, (3, 4), dtype),), {"dim": 1, "correction": 4}),
        Sample((num(rng, (3, 4), "int64"),)),
    ]


def _extremum_samples(gen):
    def samples(rng, dtype):
        x = lambda *s: gen(rng, s, dtype)  # noqa: E731
        return [
            Sample((x(3, 4),)),
            Sample((x(),)),
            Sample((x(3, 4), 1)),
            Sample((x(3, 4),), {"dim": 0, "keepdim": True}),
            Sample((x(2, 3, 4), -1)),
            Sample((x(),), {"dim": 0}),
            Sample((x(2, 3, 4), 1), noncontig=True),
            Sample((x(0, 3),)),  # no dim on an empty tensor: torch raises
            Sample((x(0, 3), 1)),
            Sample((x(0, 3), 0)),  # empty reduced dim: IndexError
        ]

    return samples


def _max_other(rng, dtype):
    return [
        Sample((num(rng, (3, 4), dtype), num(rng, (3, 4), dtype))),
        Sample((num(rng, (2, 3, 4), dtype), num(rng, (4,), dtype))),
    ]


def _norm_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    out = []
    for p in ("fro", 1, 2, float("inf"), float("-inf"), 3, 0, 0.5, -1):
        out += [Sample((x(3, 4),), {"p": p}), Sample((x(2, 3, 4),), {"p": p, "dim": 1})]
    return out + [
        Sample((x(3, 4),)),
        Sample((x(),)),
        Sample((x(2, 3, 4),), {"p": 2, "dim": (0, 2), "keepdim": True}),
        Sample((x(3, 4),), {"p": "fro", "dim": (0, 1)}),
        Sample((x(3, 4),), {"p": 3, "dim": -1, "keepdim": True}),
        Sample((x(2, 3, 4),), {"p": 1, "dim": 1}, noncontig=True),
        Sample((x(3, 4),), {"dtype": "float64"}),
        Sample((x(0, 3),), {"p": 2}),
    ]


def _norm_call(T, x, **kw):
    if "dtype" in kw:
        kw["dtype"] = getattr(T, kw["dtype"])
    return T.norm(x, **kw), x.norm(**kw)


def _norm_grad_fn(T, x):
    x = x.detach().requires_grad_()
    kws = ({}, {"dim": 1}, {"p": 1}, {"p": "fro", "dim": (0, 1)}, {"p": "nuc"}, {"p": float("inf"), "dim": 0})
    return [x.norm(**kw).grad_fn.name() for kw in kws]


def _dtype_call(name):
    def call(T, x, *args, **kw):
        kw = dict(kw)
        if "dtype" in kw:
            kw["dtype"] = getattr(T, kw["dtype"])
        return getattr(T, name)(x, *args, **kw), getattr(x, name)(*args, **kw)

    return call


def _dtype_samples(dims=True, dtypes=("float64", "int64", "float32")):
    def samples(rng, dtype):
        x = lambda *s: num(rng, s, dtype)  # noqa: E731
        out = [Sample((x(3, 4),), {"dtype": d}) for d in dtypes]
        if dims:
            out += [Sample((x(2, 3, 4),), {"dim": 1, "dtype": d}) for d in dtypes]
        return out

    return samples


def _scan_samples(gen=num, dtype_kw=False):
    def samples(rng, dtype):
        x = lambda *s: gen(rng, s, dtype)  # noqa: E731
        out = [
            Sample((x(3, 4), 1)),
            Sample((x(3, 4), 0)),
            Sample((x(2, 3, 4), -1)),
            Sample((x(), 0)),
            Sample((x(5), 0)),
            Sample((x(0, 3), 1)),
            Sample((x(2, 3, 4), 1), noncontig=True),
            Sample((x(3, 4), 2)),  # IndexError
        ]
        if dtype_kw:
            out += [Sample((x(3, 4), 1), {"dtype": "float64"}), Sample((x(3, 4), 0), {"dtype": "int64"})]
        return out

    return samples


def _softmax_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    return [
        Sample((x(3, 4), 1)),
        Sample((x(3, 4), 0)),
        Sample((x(2, 3, 4), -1)),
        Sample((x(2, 3, 4), 1), noncontig=True),
        Sample((x(), 0)),
        Sample((x(0, 3), 1)),
        Sample((x(3, 4), 1), {"dtype": "float64"}),
        Sample((x(3, 4), 2)),
    ]


def _median_samples(gen):
    def samples(rng, dtype):
        x = lambda *s: gen(rng, s, dtype)  # noqa: E731
        return [
            Sample((x(3, 4),)),
            Sample((x(5),)),
            Sample((x(),)),
            Sample((x(3, 4), 1)),
            Sample((x(3, 4),), {"dim": 0, "keepdim": True}),
            Sample((x(2, 3, 4), -1)),
            Sample((x(2, 3, 4), 1), noncontig=True),
            Sample((x(), 0)),
            Sample((x(0, 3), 0)),
        ]

    return samples


def _median_ties(rng, dtype):
    """Global median with ties: torch splits the gradient evenly over the tied elements."""
    return [Sample((ties(rng, (3, 4), dtype),)), Sample((ties(rng, (7,), dtype),))]


def _nan_rows(rng, dtype):
    """Rows with one NaN, two NaNs, all NaN and none (global and per-row). Per row, the all-NaN row is
    left out: torch's index there is an artifact of its partitioning (not the first NaN)."""
    a = num(rng, (4, 5), dtype)
    a[0, 2] = np.nan
    a[1, [0, 3]] = np.nan
    a[2, :] = np.nan
    return [Sample((a,)), Sample((a[[0, 1, 3]].copy(), 1)), Sample((a[3:].copy(),)), Sample((a[2:3].copy(),))]


def _mode_samples(rng, dtype):
    # small integer values so every slice has repeated values and ties between counts
    g = lambda *s: np.asarray(rng.integers(0, 3, s)).astype(dtype)  # noqa: E731
    return [
        Sample((g(3, 6),)),
        Sample((g(3, 6), 0)),
        Sample((g(2, 3, 5), 1, True)),
        Sample((g(7),)),
        Sample((g(),)),
        Sample((g(4, 6),), noncontig=True),
    ]


def _quantile_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    qv = lambda *q: np.asarray(q, dtype)  # noqa: E731
    out = [
        Sample((x(3, 5), 0.3)),
        Sample((x(3, 5), 0.5), {"dim": 1}),
        Sample((x(3, 5), qv(0.0, 0.25, 1.0)), {"dim": 0, "keepdim": True}),
        Sample((x(2, 3, 4), qv(0.1, 0.9)), {"dim": -1}),
        Sample((x(2, 3, 4), qv(0.6))),
        Sample((x(2, 3, 4), 0.7), {"keepdim": True}),
        Sample((x(), 0.4)),
        Sample((x(3, 5), 0.4), {"dim": 1}, noncontig=True),
        Sample((x(3, 5), 1.5)),  # out of range
        Sample((x(3, 5), qv(0.5, 1.2))),
        Sample((x(3, 5), 0.5), {"interpolation": "cubic"}),
    ]
    for m in ("lower", "higher", "midpoint", "nearest"):
        out += [
            Sample((x(3, 5), qv(0.2, 0.5, 0.625)), {"dim": 1, "interpolation": m}),
            Sample(
                (
                    x(
                        4,
                    ),
                    0.5,
                ),
                {"interpolation": m},
            ),
        ]
    return out


def _quantile_nan(rng, dtype):
    s = _nan_rows(rng, dtype)
    return [Sample((s[0].args[0], 0.4)), Sample((s[0].args[0], np.asarray([0.2, 0.8], dtype)), {"dim": 1})]


def _diff_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    return [
        Sample((x(5),)),
        Sample((x(3, 4),), {"dim": 0}),
        Sample((x(3, 4),), {"n": 2}),
        Sample((x(3, 4),), {"n": 5}),
        Sample((x(2, 3, 4),), {"dim": 1}, noncontig=True),
        Sample((x(3, 4),), {"prepend": x(3, 1), "append": x(3, 2)}),
        Sample((x(3, 4),), {"dim": 0, "prepend": x(2, 4)}),
        Sample((x(),)),  # 0-d: torch raises
        Sample((x(0, 3),)),
    ]


def _diff_call(T, x, **kw):
    kw = {k: T.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    return T.diff(x, **kw), x.diff(**kw)


def _histc_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    return [
        Sample((x(50),)),
        Sample((x(50),), {"bins": 7}),
        Sample((x(50),), {"bins": 5, "min": -1, "max": 1}),
        Sample((x(4, 5),), {"bins": 4, "min": -0.5, "max": 2}),
        Sample((np.ones(3, dtype),), {"bins": 4}),
        Sample((x(0),), {"bins": 3}),
        Sample((x(10),), {"bins": 0}),
    ]


def _bincount_samples(rng, dtype):
    i = lambda *s: np.asarray(rng.integers(0, 6, s)).astype(dtype)  # noqa: E731
    return [
        Sample((i(20),)),
        Sample((i(20),), {"minlength": 10}),
        Sample((i(8), rng.standard_normal(8).astype(np.float32))),
        Sample((i(8), rng.standard_normal(8))),
        Sample((i(8), np.arange(8))),
        Sample((np.zeros(0, dtype),)),
        Sample((np.asarray([1, -1], dtype),)),
        Sample((i(2, 3),)),
    ]


def _bincount_call(T, x, w=None, **kw):
    return T.bincount(x, w, **kw), x.bincount(w, **kw)


def _dist_samples(rng, dtype):
    x = lambda *s: num(rng, s, dtype)  # noqa: E731
    return [Sample((x(3, 4), x(3, 4), p)) for p in (2, 1, 3, float("inf"))] + [
        Sample((x(2, 3, 4), x(4), 2)),
        Sample((x(), x(5), 1.5)),
    ]


OPS = [
    # sums and means
    R("sum", dtypes=FIBU),
    OpInfo("sum_dtype", _dtype_call("sum"), _dtype_samples(), FIB, True, (), _TOLS),
    R("nansum", gen=specials, dtypes=FI, grad=False),
    OpInfo("nansum_grad", _both("nansum"), red_samples(num, empty=False), F, True, (), _TOLS),
    R("mean", dtypes=FIB),
    OpInfo("mean_dtype", _dtype_call("mean"), _dtype_samples(dtypes=("float64", "float32")), FIB, True, (), _TOLS),
    R("nanmean", gen=specials, dtypes=FI, grad=False),
    OpInfo("nanmean_grad", _both("nanmean"), red_samples(num, empty=False), F, True, (), _TOLS),
    OpInfo("prod", _both("prod"), red_samples(num, multi=False), FIB, True, ("prod", "Tensor.prod"), _TOLS),
    OpInfo("prod_tuple_dim", _both("prod"), lambda r, d: [Sample((num(r, (2, 3), d),), {"dim": (0, 1)})], F, True, ()),
    OpInfo("prod_dtype", _dtype_call("prod"), _dtype_samples(), FIB, True, (), _TOLS),
    OpInfo("prod_zeros", _both("prod"), red_samples(ties, multi=False), F, True, (), _TOLS),  # grads through zeros
    OpInfo(
        "logsumexp",
        _both("logsumexp"),
        red_samples(num, keepdim=True),
        FIB,
        True,
        ("logsumexp", "Tensor.logsumexp"),
        LOOSE,
    ),
    OpInfo(
        "count_nonzero",
        _both("count_nonzero"),
        red_samples(ties, keepdim=False),
        FIB,
        False,
        ("count_nonzero", "Tensor.count_nonzero"),
    ),
    # variance
    OpInfo("var", _both("var"), _var_samples, F, True, ("var", "Tensor.var"), LOOSE),
    OpInfo("std", _both("std"), _var_samples, F, True, ("std", "Tensor.std"), LOOSE),
    OpInfo(
        "var_mean",
        lambda T, x, *a, **k: (T.var_mean(x, *a, **k), T.std_mean(x, *a, **k)),
        _var_samples,
        F,
        True,
        ("var_mean", "std_mean"),
        LOOSE,
    ),
    OpInfo("var_edge", lambda T, x, *a, **k: (T.var(x, *a, **k), x.std(*a, **k)), _var_edge, F, False, ()),
    # extrema
    OpInfo("max", _named("max"), _extremum_samples(num), FIB, True, ("max", "Tensor.max")),
    OpInfo("min", _named("min"), _extremum_samples(num), FIB, True, ("min", "Tensor.min")),
    OpInfo(
        "max_ties",
        lambda T, x, *a, **k: (_named("max")(T, x, *a, **k), _named("min")(T, x, *a, **k)),
        _extremum_samples(ties),
        F,
    ),
    OpInfo(
        "max_nan",
        lambda T, x, *a, **k: (_named("max")(T, x, *a, **k), _named("min")(T, x, *a, **k)),
        _extremum_samples(specials),
        F,
        False,
    ),
    OpInfo("max_other", lambda T, x, y: (T.max(x, y), x.min(y), T.max(x, other=y)), _max_other, FIB, True, ()),
    R("amax", dtypes=FIB),
    R("amin", dtypes=FIB),
    OpInfo("amax_ties", lambda T, x, **k: (T.amax(x, **k), x.amin(**k)), red_samples(ties), F, True, ()),
    OpInfo(
        "aminmax",
        lambda T, x, **k: (tuple(T.aminmax(x, **k)), x.aminmax(**k).min, x.aminmax(**k).max),
        red_samples(num, multi=False),
        FIB,
        True,
        ("aminmax", "Tensor.aminmax"),
    ),
    OpInfo("argmax", _both("argmax"), red_samples(ties, multi=False), FIB, False, ("argmax", "Tensor.argmax")),
    OpInfo("argmin", _both("argmin"), red_samples(ties, multi=False), FIB, False, ("argmin", "Tensor.argmin")),
    OpInfo(
        "argmax_nan",
        lambda T, x, **k: (T.argmax(x, **k), T.argmin(x, **k)),
        red_samples(specials, multi=False, empty=False),
        F,
        False,
        (),
    ),
    # logical
    R("all", dtypes=FIBU, grad=False),
    R("any", dtypes=FIBU, grad=False),
    OpInfo("all_ties", lambda T, x, **k: (T.all(x, **k), x.any(**k)), red_samples(ties), FIBU, False, ()),
    # norms
    OpInfo("norm", _norm_call, _norm_samples, F, True, ("norm", "Tensor.norm"), LOOSE),
    OpInfo("norm_int", _norm_call, lambda r, d: [Sample((num(r, (3, 4), d),))], ("int64",), False, ()),
    # torch.norm is linalg.vector_norm / matrix_norm underneath: printed grad_fn names and p="nuc" follow
    OpInfo("norm_nuc", _norm_call, lambda r, d: [Sample((num(r, (3, 4), d),), {"p": "nuc"})], F, True, (), LOOSE),
    OpInfo("norm_grad_fn", _norm_grad_fn, lambda r, d: [Sample((num(r, (3, 4), d),))], ("float32",), False, ()),
    # torch's dist backward for p=0 fails (undefined gradient), so p=0 compares values only
    OpInfo(
        "dist_p0",
        lambda T, x, y: T.dist(x, y, 0),
        lambda r, d: [Sample((num(r, (3, 4), d), num(r, (3, 4), d)))],
        F,
        False,
        (),
    ),
    OpInfo(
        "dist",
        lambda T, x, y, p: (T.dist(x, y, p), x.dist(y, p)),
        _dist_samples,
        FI,
        True,
        ("dist", "Tensor.dist"),
        LOOSE,
    ),
    # scans
    OpInfo(
        "cumsum", _dtype_call("cumsum"), _scan_samples(dtype_kw=True), FIBU, True, ("cumsum", "Tensor.cumsum"), _TOLS
    ),
    OpInfo("cumsum_", lambda T, x, d: x.clone().cumsum_(d), _scan_samples(), FI, True, ("Tensor.cumsum_",)),
    OpInfo(
        "cumprod",
        _dtype_call("cumprod"),
        _scan_samples(dtype_kw=True),
        FIBU,
        True,
        ("cumprod", "Tensor.cumprod"),
        _TOLS,
    ),
    OpInfo("cumprod_", lambda T, x, d: x.clone().cumprod_(d), _scan_samples(), FI, True, ("Tensor.cumprod_",)),
    OpInfo("cumprod_zeros", lambda T, x, d: T.cumprod(x, d), _scan_samples(ties), F, True, ()),
    OpInfo("cummax", _named("cummax"), _scan_samples(ties), FIB, True, ("cummax", "Tensor.cummax")),
    OpInfo("cummin", _named("cummin"), _scan_samples(ties), FIB, True, ("cummin", "Tensor.cummin")),
    OpInfo("cummax_nan", lambda T, x, d: (T.cummax(x, d), T.cummin(x, d)), _scan_samples(specials), F, False, ()),
    OpInfo(
        "logcumsumexp", _both("logcumsumexp"), _scan_samples(), FI, True, ("logcumsumexp", "Tensor.logcumsumexp"), LOOSE
    ),
    OpInfo("diff", _diff_call, _diff_samples, FIB, True, ("diff", "Tensor.diff")),
    # softmax
    OpInfo("softmax", _dtype_call("softmax"), _softmax_samples, FI, True, ("softmax", "Tensor.softmax"), LOOSE),
    OpInfo(
        "log_softmax",
        _dtype_call("log_softmax"),
        _softmax_samples,
        FI,
        True,
        ("log_softmax", "Tensor.log_softmax"),
        LOOSE,
    ),
    # order statistics
    OpInfo("median", _named("median"), _median_samples(num), FI, True, ("median", "Tensor.median")),
    OpInfo("median_ties", lambda T, x: (T.median(x), T.nanmedian(x)), _median_ties, F, True, ()),
    OpInfo("median_nan", lambda T, x, *a: (T.median(x, *a), T.nanmedian(x, *a)), _nan_rows, F, True, ()),
    OpInfo("nanmedian", _named("nanmedian"), _median_samples(num), FI, True, ("nanmedian", "Tensor.nanmedian")),
    OpInfo("mode", _named("mode"), _mode_samples, FIB, True, ("mode", "Tensor.mode")),
    OpInfo("quantile", _both("quantile"), _quantile_samples, FI, True, ("quantile", "Tensor.quantile"), LOOSE),
    OpInfo(
        "nanquantile", _both("nanquantile"), _quantile_samples, F, True, ("nanquantile", "Tensor.nanquantile"), LOOSE
    ),
    # values only: which NaN receives the gradient of a NaN quantile depends on how each sort orders NaNs
    OpInfo(
        "quantile_nan",
        lambda T, x, q, **k: (T.quantile(x, q, **k), T.nanquantile(x, q, **k)),
        _quantile_nan,
        F,
        False,
        (),
        LOOSE,
    ),
    OpInfo("nanquantile_nan_grad", lambda T, x, q, **k: T.nanquantile(x, q, **k), _quantile_nan, F, True, (), LOOSE),
    # counting
    OpInfo("histc", _both("histc"), _histc_samples, FI, False, ("histc", "Tensor.histc")),
    OpInfo(
        "bincount",
        _bincount_call,
        _bincount_samples,
        ("int64", "int32", "float32"),
        False,
        ("bincount", "Tensor.bincount"),
    ),
]
