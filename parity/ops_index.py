"""Op database entries: gather/scatter, index_*, masked_*, sorting and searching, unique, triangular and
diagonal ops, stacking helpers and the rest of jtorch/_ops/extra.py (plus where/clone/contiguous)."""

import numpy as np
from opinfo import OpInfo, Sample, randn


def _idx(rng, n, shape):
    """Random indices in [0, n) (duplicates allowed)."""
    return rng.integers(0, n, shape).astype(np.int64)


def _distinct(rng, n, k, cols):
    """A (k, cols) index with distinct rows per column, so scatter's writes never collide."""
    return np.stack([rng.permutation(n)[:k] for _ in range(cols)], axis=1).astype(np.int64)


def _mask(rng, shape):
    return rng.random(shape) > 0.5


def _x(shape):
    def samples(rng, dt):
        return [Sample((randn(rng, shape, dt),))]

    return samples


def _gather_samples(rng, dt):
    return [
        Sample((randn(rng, (3, 4), dt), 0, _idx(rng, 3, (2, 4)))),
        Sample((randn(rng, (3, 4), dt), 1, _idx(rng, 4, (3, 6)))),
        Sample((randn(rng, (3, 4), dt), -1, _idx(rng, 4, (2, 2)))),  # index smaller than input
        Sample((randn(rng, (3, 4), dt), 0, np.array([[3]]))),  # out of range: RuntimeError
        Sample((randn(rng, (3, 4), dt), 0, np.array([[-1]]))),  # negative: RuntimeError
        Sample((randn(rng, (3, 4), dt), 0, np.array([1]))),  # ndim mismatch: RuntimeError
        Sample((randn(rng, (3, 4), dt), 0, np.array([[1.0]]))),  # float index: RuntimeError
    ]


def _scatter_samples(rng, dt):
    return [
        Sample((randn(rng, (3, 4), dt), 0, _distinct(rng, 3, 2, 4), randn(rng, (2, 4), dt))),
        Sample((randn(rng, (3, 4), dt), 1, _distinct(rng, 4, 3, 3).T.copy(), randn(rng, (3, 3), dt))),
        Sample((randn(rng, (3, 4), dt), 0, np.array([[5]]), randn(rng, (1, 1), dt))),
    ]


def _scatter_dup_samples(rng, dt):
    return [
        Sample((randn(rng, (3, 4), dt), 0, _idx(rng, 3, (5, 4)), randn(rng, (5, 4), dt))),
        Sample((randn(rng, (3, 4), dt), 1, _idx(rng, 4, (2, 6)), randn(rng, (2, 6), dt))),
    ]


def _src_larger_samples(rng, dt):
    # torch's backward rejects a src larger than index (its grad is index-shaped), so forward only
    return [
        Sample((randn(rng, (3, 4), dt), 1, _distinct(rng, 4, 3, 3).T.copy(), randn(rng, (3, 5), dt))),
        Sample((randn(rng, (3, 4), dt), 0, _idx(rng, 3, (2, 3)), randn(rng, (3, 4), dt))),
    ]


def _index_samples(rng, dt):
    return [
        Sample((randn(rng, (4, 3), dt), 0, np.array([2, 0, 2]))),
        Sample((randn(rng, (4, 3), dt), 1, np.array([1]))),
        Sample((randn(rng, (4, 3), dt), 0, np.array(3))),
        Sample((randn(rng, (4, 3), dt), 0, np.array([4]))),  # out of range: IndexError
        Sample((randn(rng, (4, 3), dt), 0, np.array([[1]]))),  # not a vector: IndexError
    ]


def _index_src_samples(rng, dt):
    return [
        Sample((randn(rng, (4, 3), dt), 0, np.array([2, 0, 2]), randn(rng, (3, 3), dt))),
        Sample((randn(rng, (4, 3), dt), 1, np.array([1, 0]), randn(rng, (4, 2), dt))),
    ]


def _index_copy_samples(rng, dt):
    return [
        Sample((randn(rng, (4, 3), dt), 0, np.array([3, 0]), randn(rng, (2, 3), dt))),
        Sample((randn(rng, (4, 3), dt), 1, np.array([2]), randn(rng, (4, 1), dt))),
        Sample((randn(rng, (4, 3), dt), 0, np.array([4]), randn(rng, (1, 3), dt))),  # IndexError
    ]


def _masked_samples(rng, dt):
    return [
        Sample((randn(rng, (3, 4), dt), _mask(rng, (3, 4)))),
        Sample((randn(rng, (3, 4), dt), _mask(rng, (4,)))),
        Sample((randn(rng, (3, 4), dt), rng.integers(0, 2, (3, 4)))),  # int mask: RuntimeError
    ]


def _sort_samples(rng, dt):
    ties = np.array([[1, 0, 1, 2, 0, 1], [3, 3, 3, 1, 1, 2]], dtype=dt)
    return [
        Sample((randn(rng, (3, 5), dt),)),
        Sample((randn(rng, (3, 5), dt),), {"dim": 0}),
        Sample((randn(rng, (3, 5), dt),), {"descending": True}),
        Sample((ties,), {"stable": True}),
        Sample((ties,), {"stable": True, "descending": True}),
        Sample((np.array([1.0, np.nan, -2.0, np.nan, 0.5], dtype=dt),), {"descending": True}),
        Sample((np.array([1.0, np.nan, -2.0, np.nan, 0.5], dtype=dt),)),
        Sample((randn(rng, (), dt),)),
    ]


def _topk_samples(rng, dt):
    return [
        Sample((randn(rng, (3, 5), dt), 2)),
        Sample((randn(rng, (3, 5), dt), 3), {"dim": 0, "largest": False}),
        Sample((randn(rng, (3, 5), dt), 5), {"largest": True, "sorted": True}),
        Sample((randn(rng, (3, 5), dt), 6)),  # k too large: RuntimeError
    ]


def _int_samples(rng, dt):
    return [
        Sample((rng.integers(0, 4, (3, 5)).astype(np.int64),)),
        Sample((rng.integers(0, 3, (6,)).astype(np.int64),)),
    ]


def _searchsorted_samples(rng, dt):
    seq = np.sort(randn(rng, (6,), dt))
    seq2 = np.sort(randn(rng, (2, 5), dt), axis=-1)
    return [
        Sample((seq, randn(rng, (3, 4), dt))),
        Sample((seq, seq.copy()), {"right": True}),
        Sample((seq, seq.copy()), {"side": "right", "out_int32": True}),
        Sample((seq2, randn(rng, (2, 3), dt))),
        Sample((seq, 0.25)),
        Sample((seq2, randn(rng, (3, 3), dt))),  # mismatched leading dims: RuntimeError
        Sample((seq, seq.copy()), {"side": "left", "right": True}),  # RuntimeError
    ]


def _sq(shape):
    def samples(rng, dt):
        return [Sample((randn(rng, shape, dt),), {}), Sample((randn(rng, shape, dt),), {"diagonal": 1})]

    return samples


def _stack_inputs(rng, dt):
    return [
        Sample((randn(rng, (3,), dt), randn(rng, (3,), dt))),
        Sample((randn(rng, (2, 3), dt), randn(rng, (2, 3), dt))),
        Sample((randn(rng, (), dt), randn(rng, (), dt))),
    ]


def _any_dims(rng, dt):
    return [Sample((randn(rng, (), dt), randn(rng, (3,), dt), randn(rng, (2, 3), dt), randn(rng, (2, 1, 3), dt)))]


def _scatter_reduce_call(reduce, include_self):
    def call(T, x, d, i, s):
        return T.scatter_reduce(x, d, i, s, reduce, include_self=include_self)

    return call


def _index_reduce_call(reduce, include_self):
    def call(T, x, d, i, s):
        return T.index_reduce(x, d, i, s, reduce, include_self=include_self) + (x * 1).index_reduce_(
            d, i, s, reduce, include_self=include_self
        )

    return call


OPS = [
    # gather / scatter
    OpInfo(
        "gather",
        lambda T, x, d, i: T.gather(x, d, i) + x.gather(d, i),
        _gather_samples,
        covers=("gather", "Tensor.gather"),
    ),
    OpInfo(
        "scatter",
        lambda T, x, d, i, s: T.scatter(x, d, i, s),
        _scatter_samples,
        covers=("scatter", "Tensor.scatter"),
    ),
    OpInfo(
        "scatter_",
        lambda T, x, d, i, s: (x * 1).scatter_(d, i, s),
        _scatter_samples,
        covers=("Tensor.scatter_",),
    ),
    OpInfo(
        "scatter_value",
        lambda T, x, d, i, s: x.scatter(d, i, 2.5) + T.scatter(x, d, i, value=-1.0) + s.sum(),
        _scatter_samples,
    ),
    # torch has no backward for scatter(reduce=...) (its grad_fn is NotImplemented), hence grad=False
    OpInfo(
        "scatter_reduce_arg", lambda T, x, d, i, s: x.scatter(d, i, s, reduce="add"), _scatter_dup_samples, grad=False
    ),
    OpInfo(
        "scatter_reduce_arg_mul",
        lambda T, x, d, i, s: x.scatter(d, i, 1.5, reduce="multiply"),
        _scatter_dup_samples,
        grad=False,
    ),
    OpInfo(
        "scatter_add",
        lambda T, x, d, i, s: T.scatter_add(x, d, i, s) - (x * 1).scatter_add_(d, i, s),
        _scatter_dup_samples,
        covers=("scatter_add", "Tensor.scatter_add", "Tensor.scatter_add_"),
    ),
    OpInfo("scatter_add_plain", lambda T, x, d, i, s: x.scatter_add(d, i, s), _scatter_dup_samples),
    OpInfo(
        "scatter_src_larger",
        lambda T, x, d, i, s: (x.scatter(d, i, s), x.scatter_add(d, i, s), x.scatter_reduce(d, i, s, "amin")),
        _src_larger_samples,
        grad=False,
    ),
    OpInfo(
        "scatter_reduce_prod_zeros",  # exact zeros in self and src: torch's product-of-others gradient
        lambda T, x, d, i, s: x.scatter_reduce(d, i, s, "prod"),
        lambda rng, dt: [
            Sample(
                (
                    np.array([[0.0, 2.0, 3.0], [1.0, 0.0, 0.5]], dt),
                    1,
                    np.array([[0, 0, 1], [1, 1, 2]]),
                    np.array([[2.0, 0.0, 4.0], [0.0, 3.0, 0.0]], dt),
                )
            )
        ],
    ),
    *[
        OpInfo(
            f"scatter_reduce_{r}_{inc}",
            _scatter_reduce_call(r, inc),
            _scatter_dup_samples,
            covers=("scatter_reduce", "Tensor.scatter_reduce"),
        )
        for r in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    ],
    OpInfo(
        "scatter_reduce_",
        lambda T, x, d, i, s: (x * 1).scatter_reduce_(d, i, s, "amax", include_self=False),
        _scatter_dup_samples,
        covers=("Tensor.scatter_reduce_",),
    ),
    OpInfo(
        "scatter_reduce_int_mean",
        lambda T, x, d, i, s: T.scatter_reduce((x * 10).long(), d, i, (s * 10).long(), "mean"),
        _scatter_dup_samples,
        grad=False,
    ),
    # index_*
    OpInfo(
        "index_select",
        lambda T, x, d, i: T.index_select(x, d, i) * x.index_select(d, i),
        _index_samples,
        covers=("index_select", "Tensor.index_select"),
    ),
    OpInfo(
        "index_add",
        lambda T, x, d, i, s: T.index_add(x, d, i, s) + x.index_add(d, i, s, alpha=2.0) + (x * 1).index_add_(d, i, s),
        _index_src_samples,
        covers=("index_add", "Tensor.index_add", "Tensor.index_add_"),
    ),
    OpInfo(
        "index_copy",
        lambda T, x, d, i, s: T.index_copy(x, d, i, s) + x.index_copy(d, i, s) + (x * 1).index_copy_(d, i, s),
        _index_copy_samples,
        covers=("index_copy", "Tensor.index_copy", "Tensor.index_copy_"),
    ),
    OpInfo(
        "index_fill",
        lambda T, x, d, i: T.index_fill(x, d, i, -1.5) + x.index_fill(d, i, 2) + (x * 1).index_fill_(d, i, 0.5),
        _index_samples,
        covers=("index_fill", "Tensor.index_fill", "Tensor.index_fill_"),
    ),
    # masked_*
    OpInfo(
        "masked_fill",
        lambda T, x, m: T.masked_fill(x, m, -2.0) + x.masked_fill(m, 3) + (x * 1).masked_fill_(m, 1.5),
        _masked_samples,
        covers=("masked_fill", "Tensor.masked_fill", "Tensor.masked_fill_"),
    ),
    OpInfo(
        "masked_fill_tensor",
        lambda T, x, m, v: x.masked_fill(m, v),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), _mask(rng, (3, 4)), randn(rng, (), dt))),
            Sample((randn(rng, (3, 4), dt), _mask(rng, (3, 4)), randn(rng, (2,), dt))),
        ],
    ),
    OpInfo(
        "masked_select",
        lambda T, x, m: T.masked_select(x, m) * x.masked_select(m),
        _masked_samples,
        covers=("masked_select", "Tensor.masked_select"),
    ),
    OpInfo(
        "masked_scatter",
        lambda T, x, m, s: T.masked_scatter(x, m, s) + x.masked_scatter(m, s) + (x * 1).masked_scatter_(m, s),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), _mask(rng, (3, 4)), randn(rng, (14,), dt))),
            Sample((randn(rng, (3, 4), dt), _mask(rng, (4,)), randn(rng, (3, 5), dt))),
            Sample((randn(rng, (3, 4), dt), np.ones((3, 4), bool), randn(rng, (5,), dt))),  # too few: RuntimeError
        ],
        covers=("masked_scatter", "Tensor.masked_scatter", "Tensor.masked_scatter_"),
    ),
    # take
    OpInfo(
        "take",
        lambda T, x, i: T.take(x, i) + x.take(i),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), np.array([[0, 11], [-1, 5]]))),
            Sample((randn(rng, (3, 4), dt), np.array([12]))),  # IndexError
            Sample((randn(rng, (3, 4), dt), np.array([-13]))),  # IndexError
        ],
        covers=("take", "Tensor.take"),
    ),
    OpInfo(
        "take_along_dim",
        lambda T, x, i, d=None: T.take_along_dim(x, i, d) + x.take_along_dim(i, dim=d),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), _idx(rng, 12, (5,)))),
            Sample((randn(rng, (3, 4), dt), _idx(rng, 3, (2, 4)), 0)),
            Sample((randn(rng, (3, 4), dt), _idx(rng, 4, (3, 1)), 1)),
            Sample((randn(rng, (3, 1), dt), _idx(rng, 3, (2, 4)), 0)),  # broadcast
        ],
        covers=("take_along_dim", "Tensor.take_along_dim"),
    ),
    # sorting and searching
    OpInfo("sort", lambda T, x, **kw: T.sort(x, **kw), _sort_samples, covers=("sort",)),
    OpInfo(
        "sort_method", lambda T, x, **kw: x.sort(**kw).values + x.sort(**kw)[0], _sort_samples, covers=("Tensor.sort",)
    ),
    OpInfo("argsort", lambda T, x, **kw: T.argsort(x, **kw), _sort_samples, covers=("argsort", "Tensor.argsort")),
    OpInfo("msort", lambda T, x: T.msort(x) + x.msort(), _x((4, 3)), covers=("msort", "Tensor.msort")),
    OpInfo("sort_int", lambda T, x: T.sort(x, stable=True, descending=True), _int_samples, grad=False),
    OpInfo("topk", lambda T, x, k, **kw: T.topk(x, k, **kw), _topk_samples, covers=("topk",)),
    OpInfo("topk_method", lambda T, x, k, **kw: x.topk(k, **kw).values, _topk_samples, covers=("Tensor.topk",)),
    OpInfo(
        "topk_unsorted",  # torch's order is unspecified for sorted=False: compare the sorted values
        lambda T, x, k: T.sort(x.topk(k, sorted=False).values).values,
        lambda rng, dt: [Sample((randn(rng, (3, 5), dt), 3))],
    ),
    OpInfo(
        "kthvalue",
        lambda T, x, k, **kw: T.kthvalue(x, k, **kw),
        lambda rng, dt: [
            Sample((randn(rng, (3, 5), dt), 2)),
            Sample((randn(rng, (3, 5), dt), 3), {"dim": 0, "keepdim": True}),
            Sample((randn(rng, (3, 5), dt), 6)),  # RuntimeError
        ],
        covers=("kthvalue",),
    ),
    OpInfo("kthvalue_method", lambda T, x: x.kthvalue(1).values, _x((3, 5)), covers=("Tensor.kthvalue",)),
    OpInfo(
        "searchsorted",
        lambda T, s, v, **kw: T.searchsorted(s, v, **kw),
        _searchsorted_samples,
        covers=("searchsorted",),
    ),
    OpInfo(
        "searchsorted_sorter",
        lambda T, s, v, o: T.searchsorted(s, v, sorter=o),
        lambda rng, dt: [
            Sample((np.array([3.0, 1.0, 2.0], dt), np.array([0.5, 1.5, 2.5, 3.5], dt), np.array([1, 2, 0])))
        ],
        grad=False,
    ),
    OpInfo(
        "bucketize",
        lambda T, v, b, **kw: T.bucketize(v, b, **kw),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), np.sort(randn(rng, (5,), dt)))),
            Sample((np.array([1.0, 2.0, 3.0], dt), np.array([1.0, 2.0, 3.0], dt)), {"right": True}),
            Sample((np.array([1.0, 2.0, 3.0], dt), np.array([1.0, 2.0, 3.0], dt)), {"out_int32": True}),
            Sample((randn(rng, (3,), dt), np.sort(randn(rng, (2, 5), dt)))),  # RuntimeError
        ],
        covers=("bucketize",),
    ),
    OpInfo(
        "unique",
        lambda T, x, **kw: T.unique(x, **kw),
        lambda rng, dt: [
            Sample((rng.integers(0, 4, (3, 5)).astype(dt),)),
            Sample((rng.integers(0, 4, (3, 5)).astype(dt),), {"return_inverse": True, "return_counts": True}),
            Sample((rng.integers(0, 4, (8,)).astype(dt),), {"return_counts": True}),
            Sample((rng.integers(0, 2, (5, 2)).astype(dt),), {"dim": 0, "return_inverse": True, "return_counts": True}),
            Sample((rng.integers(0, 2, (2, 5)).astype(dt),), {"dim": 1, "return_inverse": True}),
        ],
        grad=False,  # unique has no backward in torch
        covers=("unique",),
    ),
    OpInfo("unique_method", lambda T, x: x.unique(), _int_samples, grad=False, covers=("Tensor.unique",)),
    OpInfo(
        "unique_consecutive",
        lambda T, x, **kw: T.unique_consecutive(x, **kw) if kw else x.unique_consecutive(),
        lambda rng, dt: [
            Sample((np.array([1, 1, 2, 2, 3, 1, 1, 2], dt),)),
            Sample((np.array([1, 1, 2, 2, 3, 1, 1, 2], dt),), {"return_inverse": True, "return_counts": True}),
            Sample((np.array([[1, 1, 2, 2], [0, 0, 1, 1]], dt),), {"dim": 1, "return_counts": True}),
        ],
        grad=False,
        covers=("unique_consecutive", "Tensor.unique_consecutive"),
    ),
    # triangular and diagonal
    OpInfo("tril", lambda T, x, **kw: T.tril(x, **kw), _sq((3, 4)), covers=("tril",)),
    OpInfo(
        "tril_method", lambda T, x: x.tril(-1) + (x * 1).tril_(1), _x((2, 3, 4)), covers=("Tensor.tril", "Tensor.tril_")
    ),
    OpInfo("triu", lambda T, x, **kw: T.triu(x, **kw), _sq((4, 3)), covers=("triu",)),
    OpInfo(
        "triu_method", lambda T, x: x.triu(-1) + (x * 1).triu_(2), _x((2, 3, 4)), covers=("Tensor.triu", "Tensor.triu_")
    ),
    OpInfo("tril_1d", lambda T, x: T.tril(x), _x((3,))),
    OpInfo(
        "diag",
        lambda T, x, *a: T.diag(x, *a) + x.diag(*a),
        lambda rng, dt: [
            Sample((randn(rng, (3,), dt),)),
            Sample((randn(rng, (3,), dt), -1)),
            Sample((randn(rng, (3, 4), dt),)),
            Sample((randn(rng, (3, 4), dt), 2)),
            Sample((randn(rng, (2, 2, 2), dt),)),  # RuntimeError
        ],
        covers=("diag", "Tensor.diag"),
    ),
    OpInfo(
        "diagonal",
        lambda T, x, **kw: T.diagonal(x, **kw) * x.diagonal(**kw),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt),)),
            Sample((randn(rng, (3, 4), dt),), {"offset": -1}),
            Sample((randn(rng, (2, 3, 4), dt),), {"offset": 1, "dim1": 2, "dim2": 0}),
            Sample((randn(rng, (3, 4), dt),), {"dim1": 1, "dim2": 1}),  # RuntimeError
        ],
        covers=("diagonal", "Tensor.diagonal"),
    ),
    OpInfo(
        "diag_embed",
        lambda T, x, **kw: T.diag_embed(x, **kw) + x.diag_embed(**kw),
        lambda rng, dt: [
            Sample((randn(rng, (2, 3), dt),)),
            Sample((randn(rng, (2, 3), dt),), {"offset": 1}),
            Sample((randn(rng, (2, 3), dt),), {"offset": -2, "dim1": 0, "dim2": 2}),
            Sample((randn(rng, (2, 3), dt),), {"offset": 1, "dim1": 2, "dim2": 0}),
        ],
        covers=("diag_embed", "Tensor.diag_embed"),
    ),
    OpInfo(
        "diagflat",
        lambda T, x, *a: T.diagflat(x, *a) - x.diagflat(*a),
        lambda rng, dt: [Sample((randn(rng, (2, 2), dt),)), Sample((randn(rng, (3,), dt), -1))],
        covers=("diagflat", "Tensor.diagflat"),
    ),
    OpInfo(
        "trace",
        lambda T, x: T.trace(x) + x.trace(),
        lambda rng, dt: [Sample((randn(rng, (3, 4), dt),)), Sample((randn(rng, (2, 2, 2), dt),))],
        covers=("trace", "Tensor.trace"),
    ),
    OpInfo(
        "trace_int",
        lambda T, x: T.trace(x),
        lambda rng, dt: [Sample((rng.integers(0, 5, (3, 3)).astype(np.int32),))],
        grad=False,
    ),
    # broadcasting, meshgrid, stacking
    OpInfo(
        "meshgrid",
        lambda T, *xs, **kw: T.meshgrid(*xs, **kw),
        lambda rng, dt: [
            Sample((randn(rng, (2,), dt), randn(rng, (3,), dt)), {"indexing": "ij"}),
            Sample((randn(rng, (2,), dt), randn(rng, (3,), dt), randn(rng, (4,), dt)), {"indexing": "xy"}),
            Sample((randn(rng, (), dt), randn(rng, (3,), dt)), {"indexing": "xy"}),
        ],
        covers=("meshgrid",),
    ),
    OpInfo(
        "meshgrid_list",
        lambda T, x, y: T.meshgrid([x, y], indexing="ij"),
        lambda rng, dt: [Sample((randn(rng, (2,), dt), randn(rng, (3,), dt)))],
    ),
    OpInfo("broadcast_tensors", lambda T, *xs: T.broadcast_tensors(*xs), _any_dims, covers=("broadcast_tensors",)),
    OpInfo(
        "broadcast_shapes",
        lambda T, x, *s: T.broadcast_shapes(*s),
        lambda rng, dt: [
            Sample((randn(rng, (), dt), (2, 1), (3,))),
            Sample((randn(rng, (), dt), 3, (1, 1), ())),
            Sample((randn(rng, (), dt), (2, 3), (3, 2))),  # RuntimeError
        ],
        grad=False,
        covers=("broadcast_shapes",),
    ),
    OpInfo(
        "cartesian_prod",
        lambda T, *xs: T.cartesian_prod(*xs),
        lambda rng, dt: [
            Sample((randn(rng, (2,), dt), randn(rng, (3,), dt), randn(rng, (2,), dt))),
            Sample((randn(rng, (3,), dt),)),
        ],
        covers=("cartesian_prod",),
    ),
    OpInfo("hstack", lambda T, x, y: T.hstack([x, y]), _stack_inputs, covers=("hstack",)),
    OpInfo("vstack", lambda T, x, y: T.vstack([x, y]), _stack_inputs, covers=("vstack",)),
    OpInfo("row_stack", lambda T, x, y: T.row_stack((x, y)), _stack_inputs, covers=("row_stack",)),
    OpInfo("dstack", lambda T, x, y: T.dstack([x, y]), _stack_inputs, covers=("dstack",)),
    OpInfo("column_stack", lambda T, x, y: T.column_stack([x, y]), _stack_inputs, covers=("column_stack",)),
    OpInfo(
        "atleast_1d",
        lambda T, *xs: (T.atleast_1d(xs[0]), T.atleast_1d(*xs), T.atleast_1d(list(xs))),
        _any_dims,
        covers=("atleast_1d",),
    ),
    OpInfo("atleast_2d", lambda T, *xs: (T.atleast_2d(xs[1]), T.atleast_2d(*xs)), _any_dims, covers=("atleast_2d",)),
    OpInfo("atleast_3d", lambda T, *xs: (T.atleast_3d(xs[2]), T.atleast_3d(*xs)), _any_dims, covers=("atleast_3d",)),
    # rot90, repeat_interleave, cross, unfold
    OpInfo(
        "rot90",
        lambda T, x, *a: T.rot90(x, *a) * 2 + x.rot90(*a),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt),)),
            Sample((randn(rng, (3, 4), dt), 2)),
            Sample((randn(rng, (2, 3, 4), dt), -1, [2, 0])),
            Sample((randn(rng, (2, 3, 4), dt), 3, [1, 2])),
            Sample((randn(rng, (3, 4), dt), 1, [0])),  # RuntimeError
            Sample((randn(rng, (3, 4), dt), 1, [1, 1])),  # RuntimeError
        ],
        covers=("rot90", "Tensor.rot90"),
    ),
    OpInfo(
        "repeat_interleave",
        lambda T, x, r, **kw: T.repeat_interleave(x, r, **kw) + x.repeat_interleave(r, **kw),
        lambda rng, dt: [
            Sample((randn(rng, (2, 3), dt), 2)),
            Sample((randn(rng, (2, 3), dt), 2), {"dim": 1}),
            Sample((randn(rng, (2, 3), dt), np.array([1, 0, 3])), {"dim": 1}),
            Sample((randn(rng, (2, 3), dt), np.array([2])), {"dim": 0}),
            Sample((randn(rng, (2, 3), dt), np.array([2, 1])), {"dim": 1}),  # RuntimeError
        ],
        covers=("repeat_interleave", "Tensor.repeat_interleave"),
    ),
    OpInfo(
        "repeat_interleave_idx",
        lambda T, r: T.repeat_interleave(r),
        lambda rng, dt: [Sample((np.array([2, 0, 3]),))],
        grad=False,
    ),
    OpInfo(
        "cross",
        lambda T, x, y, d: T.cross(x, y, dim=d) + x.cross(y, d),
        lambda rng, dt: [
            Sample((randn(rng, (2, 3), dt), randn(rng, (2, 3), dt), 1)),
            Sample((randn(rng, (3, 2), dt), randn(rng, (3, 1), dt), 0)),
            Sample((randn(rng, (3, 2), dt), randn(rng, (3, 2), dt), 1)),  # RuntimeError
        ],
        covers=("cross", "Tensor.cross"),
    ),
    OpInfo(
        "unfold",
        lambda T, x, *a: x.unfold(*a),
        lambda rng, dt: [
            Sample((randn(rng, (5, 3), dt), 0, 2, 1)),
            Sample((randn(rng, (5, 3), dt), 0, 2, 2)),
            Sample((randn(rng, (2, 7), dt), -1, 3, 2)),
            Sample((randn(rng, (5, 3), dt), 0, 6, 1)),  # RuntimeError
            Sample((randn(rng, (5, 3), dt), 0, 2, 0)),  # RuntimeError
        ],
        covers=("Tensor.unfold",),
    ),
    # where with scalars, clone, contiguous
    OpInfo(
        "where_scalar",
        lambda T, c, x: T.where(c, x, 0.0) + T.where(c, 1.5, x) + x.where(c, -1),
        lambda rng, dt: [
            Sample((_mask(rng, (3, 4)), randn(rng, (3, 4), dt))),
            Sample((_mask(rng, (4,)), randn(rng, (3, 4), dt))),
        ],
        covers=("where", "Tensor.where"),
    ),
    OpInfo(
        "where_both_scalars",
        lambda T, c: T.where(c, 1.0, 0),
        lambda rng, dt: [Sample((_mask(rng, (3, 4)),))],
        grad=False,
    ),
    OpInfo(
        "where_int_scalar",
        lambda T, c, x: T.where(c, x.long(), 2),
        lambda rng, dt: [Sample((_mask(rng, (4,)), randn(rng, (4,), dt)))],
        grad=False,
    ),
    OpInfo("clone", lambda T, x: T.clone(x) + x.clone(), _x((3, 4)), covers=("clone", "Tensor.clone")),
    OpInfo("contiguous", lambda T, x: x.t().contiguous(), _x((3, 4)), covers=("Tensor.contiguous",)),
    OpInfo(
        "select_scatter",
        lambda T, x, s, d, i: T.select_scatter(x, s, d, i) + x.select_scatter(s, d, i),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), randn(rng, (4,), dt), 0, 1)),
            Sample((randn(rng, (3, 4), dt), randn(rng, (3,), dt), -1, -1)),
            Sample((randn(rng, (3, 4), dt), randn(rng, (3,), dt), 0, 1)),  # RuntimeError
        ],
        covers=("select_scatter", "Tensor.select_scatter"),
    ),
    OpInfo(
        "slice_scatter",
        lambda T, x, s, **kw: T.slice_scatter(x, s, **kw) + x.slice_scatter(s, **kw),
        lambda rng, dt: [
            Sample((randn(rng, (5, 4), dt), randn(rng, (2, 4), dt)), {"start": 3}),
            Sample((randn(rng, (5, 4), dt), randn(rng, (5, 2), dt)), {"dim": 1, "start": 0, "end": 4, "step": 2}),
        ],
        covers=("slice_scatter", "Tensor.slice_scatter"),
    ),
    OpInfo(
        "diagonal_scatter",
        lambda T, x, s, **kw: T.diagonal_scatter(x, s, **kw) + x.diagonal_scatter(s, **kw),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), randn(rng, (3,), dt))),
            Sample((randn(rng, (2, 3, 4), dt), randn(rng, (2, 2), dt)), {"offset": 1, "dim1": 2, "dim2": 1}),
        ],
        covers=("diagonal_scatter", "Tensor.diagonal_scatter"),
    ),
    *[
        OpInfo(
            f"index_reduce_{r}_{inc}",
            _index_reduce_call(r, inc),
            lambda rng, dt: [
                Sample((randn(rng, (4, 3), dt), 0, np.array([2, 0, 2]), randn(rng, (3, 3), dt))),
                Sample((randn(rng, (4, 3), dt), 1, np.array([1, 1]), randn(rng, (4, 2), dt))),
            ],
            covers=("index_reduce", "Tensor.index_reduce", "Tensor.index_reduce_"),
        )
        for r in ("prod", "mean", "amax", "amin")
        for inc in (True, False)
    ],
]
