"""More ops: gather/scatter, index_* and masked_* ops, sorting and searching, unique, triangular
and diagonal ops, stacking helpers, meshgrid, rot90, repeat_interleave, cross, Tensor.unfold.

Index arguments are bounds-checked on their concrete values before dispatch, because XLA clamps
or drops out-of-range indices silently where torch raises. Data-dependent output shapes
(``masked_select``, ``unique``, ``repeat_interleave`` with tensor repeats) are computed from
concrete values, so those ops cannot run under ``jax.jit`` tracing (they raise
NotImplementedError there).
"""

from __future__ import annotations

import builtins
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._ops._util import is_number, wrap_dim
from jtorch._ops.dispatch import apply
from jtorch._ops.reduction import _named
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor

sort_t = _named("sort", ["values", "indices"])
topk_t = _named("topk", ["values", "indices"])
kthvalue_t = _named("kthvalue", ["values", "indices"])


# --- helpers -------------------------------------------------------------------------------------


def _concrete(t: Tensor, what: str = "this op"):
    """The tensor's values as numpy, or None under tracing."""
    try:
        return np.asarray(t._data)
    except Exception:  # a tracer
        return None


def _needs_concrete(t: Tensor, what: str) -> np.ndarray:
    arr = _concrete(t)
    if arr is None:
        raise NotImplementedError(
            f"{what} has a data-dependent output shape and cannot run inside jtorch.compile/jax.jit"
        )
    return arr


_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long"}


def _scalar_name(d: _dtype.dtype) -> str:
    """ATen's ScalarType name (``Float``, ``Long``...) used in some error messages."""
    return _SCALAR_NAMES.get(d.name, d.name.capitalize())


def _is_int_index(t: Tensor) -> bool:
    return t.dtype in (_dtype.int64, _dtype.int32)


def _scalar_tensor(value, dt: _dtype.dtype) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor._wrap(jnp.asarray(value, dt.np))


def _coords(idx, dim):
    """Full index tuple addressing ``a[..., idx[i], ...]`` along ``dim`` for every position of ``idx``."""
    grids = list(jnp.meshgrid(*[jnp.arange(s) for s in idx.shape], indexing="ij", sparse=True))
    grids[dim] = idx
    return tuple(grids)


def _prefix(a, shape):
    """``a`` cut to the leading block of ``shape`` (gather/scatter use index-sized blocks)."""
    return a[tuple(slice(0, s) for s in shape)]


def _check_gather_scatter(name, input, dim, index, src=None):
    if not _is_int_index(index):
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    d = wrap_dim(dim, input.ndim)
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if src is not None and index.ndim != src.ndim and not (index.ndim <= 1 and src.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for k in builtins.range(index.ndim):
        if k != d and index.shape[k] > input.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index.shape)} to be no larger than self "
                f"{list(input.shape)} apart from dimension {d}"
            )
        if src is not None and index.shape[k] > src.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index.shape)} to be no larger than src "
                f"{list(src.shape)}"
            )
    idx = _concrete(index)
    n = input.shape[d] if input.ndim else 1
    if idx is not None and idx.size:
        bad = idx[(idx < 0) | (idx >= n)]
        if bad.size:
            raise RuntimeError(f"index {int(bad.flat[0])} is out of bounds for dimension {d} with size {n}")
    return d


def _as_1d(a):
    return a.reshape(-1) if a.ndim == 0 else a


# --- gather / scatter ------------------------------------------------------------------------------


def _gather(a, idx, *, dim, shape):
    a, idx = _as_1d(a), _as_1d(idx)
    block = tuple(s if k != dim else None for k, s in enumerate(idx.shape))
    return jnp.take_along_axis(_prefix(a, block), idx, axis=dim).reshape(shape)


@torch_op()
def gather(input, dim, index, *, sparse_grad=False):
    """``out[i][j] = input[index[i][j]][j]`` (for dim 0), torch's GatherBackward0."""
    d = _check_gather_scatter("gather", input, dim, index)
    return apply("GatherBackward0", _gather, [input, index], (("dim", d), ("shape", tuple(index.shape))))


def _scatter(a, idx, src, *, dim, reduce):
    shape = a.shape
    a, idx = _as_1d(a), _as_1d(idx)
    src = jnp.broadcast_to(src, idx.shape) if jnp.ndim(src) == 0 else _prefix(_as_1d(src), idx.shape)
    ref = a.at[_coords(idx, dim)]
    src = src.astype(a.dtype)
    out = ref.set(src) if reduce is None else ref.add(src) if reduce == "add" else ref.multiply(src)
    return out.reshape(shape)


@torch_op(inplace=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Write ``src`` (a tensor or a scalar ``value``) into ``input`` at ``index`` along ``dim``."""
    if src is not None and is_number(src):
        src, value = None, src
    if src is None:
        if value is None:
            raise TypeError("scatter() missing required argument 'src' or 'value'")
        d = _check_gather_scatter("scatter", input, dim, index)
        src = value
    else:
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        d = _check_gather_scatter("scatter", input, dim, index, src)
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
        if isinstance(src, Tensor):
            warnings.warn(
                "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a future "
                "PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                UserWarning,
                stacklevel=2,
            )
    name = "ScatterBackward0" if isinstance(src, Tensor) else "ScatterBackward1"
    return apply(name, _scatter, [input, index, src], (("dim", d), ("reduce", reduce)))


@torch_op(inplace=True)
def scatter_add(input, dim, index, src):
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    d = _check_gather_scatter("scatter", input, dim, index, src)
    return apply("ScatterAddBackward0", _scatter, [input, index, src], (("dim", d), ("reduce", "add")))


_REDUCE_INIT = {"sum": 0, "mean": 0, "prod": 1}


@jax.custom_vjp
def _scatter_prod(a, c, src):
    return a.at[c].multiply(src)


def _scatter_prod_fwd(a, c, src):
    return _scatter_prod(a, c, src), (a, c, src)


def _scatter_prod_bwd(res, g):
    """torch's rule: d/dx of a product is the product of the other factors (exact with zeros)."""
    a, c, src = res
    one = jnp.ones((), a.dtype)
    a_nz, src_nz = jnp.where(a == 0, one, a), jnp.where(src == 0, one, src)
    prod_nz = a_nz.at[c].multiply(src_nz)  # product of the non-zero factors per slot
    zeros = (a == 0).astype(jnp.int32).at[c].add((src == 0).astype(jnp.int32))
    # the product of the other factors: prod/x for x != 0; for the only zero, prod_nz; else 0
    others_a = jnp.where(a == 0, jnp.where(zeros == 1, prod_nz, 0), jnp.where(zeros > 0, 0, prod_nz / a_nz))
    z_src, p_src = zeros[c], prod_nz[c]
    others_src = jnp.where(src == 0, jnp.where(z_src == 1, p_src, 0), jnp.where(z_src > 0, 0, p_src / src_nz))
    return g * others_a, None, g[c] * others_src


_scatter_prod.defvjp(_scatter_prod_fwd, _scatter_prod_bwd)


def _scatter_reduce(a, idx, src, *, dim, reduce, include_self):
    shape = a.shape
    a, idx = _as_1d(a), _as_1d(idx)
    src = _prefix(_as_1d(src), idx.shape)
    c = _coords(idx, dim)
    if not include_self:
        if reduce in ("amax", "amin"):
            if jnp.issubdtype(a.dtype, jnp.floating):
                init = -jnp.inf if reduce == "amax" else jnp.inf
            else:
                info = jnp.iinfo(a.dtype) if a.dtype != jnp.bool_ else None
                init = (info.min if reduce == "amax" else info.max) if info else reduce == "amin"
        else:
            init = _REDUCE_INIT[reduce]
        a = a.at[c].set(jnp.asarray(init, a.dtype))
    ref = a.at[c]
    if reduce in ("sum", "mean"):
        out = ref.add(src)
    elif reduce == "prod":
        # JAX differentiates scatter-multiply only for unique indices; a hand VJP covers repeats.
        out = _scatter_prod(a, c, src) if jnp.issubdtype(a.dtype, jnp.inexact) else ref.multiply(src)
    elif reduce == "amax":
        out = ref.max(src)
    else:
        out = ref.min(src)
    if reduce == "mean":
        count = jnp.zeros(a.shape, jnp.int64).at[c].add(1) + (1 if include_self else 0)
        count = jnp.maximum(count, 1).astype(a.dtype)
        out = jnp.floor_divide(out, count) if not jnp.issubdtype(a.dtype, jnp.inexact) else out / count
    return out.reshape(shape)


@torch_op(inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce ``src`` into ``input`` at ``index`` with sum/prod/mean/amax/amin."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    d = _check_gather_scatter("scatter", input, dim, index, src)
    return apply(
        "ScatterReduceBackward0",
        _scatter_reduce,
        [input, index, src],
        (("dim", d), ("reduce", reduce), ("include_self", bool(include_self))),
    )


# --- index_* ---------------------------------------------------------------------------------------


def _check_index_vector(name, index, input, dim, exc=IndexError, msg=None):
    if not _is_int_index(index):
        raise (IndexError if name == "index_select" else RuntimeError)(
            f"{name}(): Expected dtype int32 or int64 for index"
        )
    if index.ndim > 1:
        if name == "index_fill":
            raise RuntimeError("Index has to be a vector/scalar")
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    idx = _concrete(index)
    if idx is not None and idx.size:
        bad = idx[(idx < 0) | (idx >= n)]
        if bad.size:
            raise exc(msg or f"index {int(bad.flat[0])} is out of bounds for dimension {d} with size {n}")
    return d


def _index_select(a, idx, *, dim):
    if a.ndim == 0:
        return a.reshape(1)[idx]
    return jnp.take(a, idx.reshape(-1), axis=dim)


@torch_op()
def index_select(input, dim, index):
    if not _is_int_index(index):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    d = _check_index_vector("index_select", index, input, dim, msg="index out of range in self")
    return apply("IndexSelectBackward0", _index_select, [input, index], (("dim", d),))


def _index_update(a, idx, src, alpha, *, dim, mode):
    pos = (slice(None),) * dim + (idx.reshape(-1),)
    if mode == "add":
        src = src if alpha is None else src * alpha
        return a.at[pos].add(src.astype(a.dtype))
    if mode == "copy":
        return a.at[pos].set(src.astype(a.dtype))
    return a.at[pos].set(jnp.asarray(src, a.dtype))


def _check_source(name, input, index, source, d):
    expect = list(input.shape)
    if input.ndim:
        expect[d] = index.numel()
    if source.ndim and list(source.shape) != expect:
        raise RuntimeError(
            f"{name}(): Source/destination tensor must have same slice shapes. Destination slice shape: "
            f"{list(input.shape[:d]) + list(input.shape[d + 1 :])} at dimension {d} and source slice shape: "
            f"{list(source.shape[:d]) + list(source.shape[d + 1 :])} at dimension {d}."
        )


@torch_op(inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_scalar_name(input.dtype)}) and source ({_scalar_name(source.dtype)}) must have the same scalar type"
        )
    d = _check_index_vector("index_add", index, input, dim, exc=RuntimeError)
    _check_source("index_add_", input, index, source, d)
    return apply(
        "IndexAddBackward0",
        _index_update,
        [input, index, source, None if alpha == 1 else alpha],
        (("dim", d), ("mode", "add")),
    )


@torch_op(inplace=True)
def index_copy(input, dim, index, source):
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{_scalar_name(input.dtype)} and (source) {_scalar_name(source.dtype)}"
        )
    d = wrap_dim(dim, input.ndim)
    _check_index_vector("index_copy_", index, input, dim)
    _check_source("index_copy_", input, index, source, d)
    return apply("IndexCopyBackward0", _index_update, [input, index, source, None], (("dim", d), ("mode", "copy")))


@torch_op(inplace=True)
def index_fill(input, dim, index, value):
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s)."
        )
    d = _check_index_vector("index_fill", index, input, dim)
    return apply("IndexFillBackward0", _index_update, [input, index, value, None], (("dim", d), ("mode", "fill")))


def _index_reduce(a, idx, src, *, dim, reduce, include_self):
    shape = [1] * src.ndim
    shape[dim] = idx.size
    full = jnp.broadcast_to(idx.reshape(shape), src.shape)
    return _scatter_reduce(a, full, src, dim=dim, reduce=reduce, include_self=include_self)


@torch_op(inplace=True)
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """Reduce the slices of ``source`` into ``input[index[i]]`` along ``dim`` (prod/mean/amax/amin)."""
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=2)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_reduce_(): self ({_scalar_name(input.dtype)}) and source ({_scalar_name(source.dtype)}) must have "
            "the same scalar type"
        )
    d = _check_index_vector("index_reduce", index, input, dim, exc=RuntimeError)
    _check_source("index_reduce_", input, index, source, d)
    return apply(
        "IndexReduceBackward0",
        _index_reduce,
        [input, index, source],
        (("dim", d), ("reduce", reduce), ("include_self", bool(include_self))),
    )


# --- masked_* --------------------------------------------------------------------------------------


def _masked_fill(a, mask, value):
    shape = jnp.broadcast_shapes(a.shape, mask.shape)
    return jnp.where(mask, jnp.asarray(value).astype(a.dtype), jnp.broadcast_to(a, shape))


@torch_op(inplace=True)
def masked_fill(input, mask, value):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {_dtype.type_name(mask.dtype)}"
        )
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s)."
        )
    return apply("MaskedFillBackward0", _masked_fill, [input, mask, value])


def _masked_select(a, flat_idx, *, shape):
    return jnp.broadcast_to(a, shape).reshape(-1)[flat_idx]


@torch_op()
def masked_select(input, mask):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = tuple(jnp.broadcast_shapes(tuple(input.shape), tuple(mask.shape)))
    m = np.broadcast_to(_needs_concrete(mask, "masked_select"), shape)
    flat = Tensor._wrap(jnp.asarray(np.flatnonzero(m), jnp.int64))
    return apply("MaskedSelectBackward0", _masked_select, [input, flat], (("shape", shape),))


def _masked_scatter(a, mask, src):
    m = jnp.broadcast_to(mask, a.shape)
    pos = jnp.clip(jnp.cumsum(m.reshape(-1)) - 1, 0, max(src.size - 1, 0)).reshape(a.shape)
    return jnp.where(m, src.reshape(-1)[pos].astype(a.dtype), a)


@torch_op(inplace=True)
def masked_scatter(input, mask, source):
    """Copy consecutive ``source`` elements into the positions where ``mask`` is True."""
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype {_dtype.type_name(mask.dtype)}"
        )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"masked_scatter: expected self and source to have same dtypes but got {_dtype.type_name(input.dtype)} "
            f"and {_dtype.type_name(source.dtype)}"
        )
    shape = tuple(jnp.broadcast_shapes(tuple(input.shape), tuple(mask.shape)))
    if shape != tuple(input.shape):
        input = input.expand(shape)
    m = _concrete(mask)
    if m is not None and int(np.broadcast_to(m, shape).sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply("MaskedScatterBackward0", _masked_scatter, [input, mask, source])


# --- take -----------------------------------------------------------------------------------------


def _take(a, idx):
    flat = a.reshape(-1)
    return flat[jnp.where(idx < 0, idx + flat.size, idx)]


@torch_op()
def take(input, index):
    if not _is_int_index(index) or index.dtype is not _dtype.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got " + _dtype.type_name(index.dtype))
    n = input.numel()
    idx = _concrete(index)
    if idx is not None and idx.size:
        bad = idx[(idx < -n) | (idx >= n)]
        if bad.size:
            raise IndexError(f"out of range: tried to access index {int(bad.flat[0])} on a tensor of {n} elements.")
    return apply("TakeBackward0", _take, [input, index])


@torch_op()
def take_along_dim(input, indices, dim=None):
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    d = wrap_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )
    shp_in, shp_idx = list(input.shape), list(indices.shape)
    shp_in[d] = shp_idx[d] = 1
    b = list(jnp.broadcast_shapes(tuple(shp_in), tuple(shp_idx)))
    b_in, b_idx = list(b), list(b)
    b_in[d], b_idx[d] = input.shape[d], indices.shape[d]
    return gather(input.expand(b_in), d, indices.expand(b_idx))


# --- sorting and searching ----------------------------------------------------------------------------


def _sort(a, *, dim, descending):
    if a.ndim == 0:
        return a, jnp.zeros((), jnp.int64)
    idx = jnp.argsort(a, axis=dim, stable=True, descending=descending)
    return jnp.take_along_axis(a, idx, axis=dim), idx.astype(jnp.int64)


@torch_op()
def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values and their indices (always stable here; torch's stable=False order is unspecified)."""
    d = wrap_dim(dim, input.ndim)
    values, indices = apply("SortBackward0", _sort, [input], (("dim", d), ("descending", bool(descending))))
    return sort_t(values, indices)


@torch_op()
def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


@torch_op()
def msort(input):
    return sort(input, 0).values


def _topk(a, *, k, dim, largest):
    if a.ndim == 0:
        return a, jnp.zeros((), jnp.int64)
    idx = jax.lax.slice_in_dim(jnp.argsort(a, axis=dim, stable=True, descending=largest), 0, k, axis=dim)
    return jnp.take_along_axis(a, idx, axis=dim), idx.astype(jnp.int64)


@torch_op()
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) elements along ``dim``; always returned sorted."""
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    values, indices = apply("TopkBackward0", _topk, [input], (("k", int(k)), ("dim", d), ("largest", bool(largest))))
    return topk_t(values, indices)


def _kthvalue(a, *, k, dim, keepdim):
    if a.ndim == 0:
        return a, jnp.zeros((), jnp.int64)
    idx = jax.lax.slice_in_dim(jnp.argsort(a, axis=dim, stable=True), k - 1, k, axis=dim)
    vals = jnp.take_along_axis(a, idx, axis=dim)
    if not keepdim:
        vals, idx = jnp.squeeze(vals, dim), jnp.squeeze(idx, dim)
    return vals, idx.astype(jnp.int64)


@torch_op()
def kthvalue(input, k, dim=-1, keepdim=False):
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    values, indices = apply(
        "KthvalueBackward0", _kthvalue, [input], (("k", int(k)), ("dim", d), ("keepdim", bool(keepdim)))
    )
    return kthvalue_t(values, indices)


def _searchsorted(seq, v, *, side, dt):
    v = jnp.asarray(v)
    ct = jnp.promote_types(seq.dtype, v.dtype)
    seq, v = seq.astype(ct), v.astype(ct)
    if seq.ndim <= 1:
        return jnp.searchsorted(seq, v, side=side).astype(dt)
    lead = seq.shape[:-1]
    f = jax.vmap(lambda s, x: jnp.searchsorted(s, x, side=side))
    out = f(seq.reshape((-1, seq.shape[-1])), v.reshape((math.prod(lead), -1)))
    return out.reshape(v.shape).astype(dt)


def _sort_by(seq, sorter):
    return jnp.take_along_axis(seq, sorter, axis=-1)


@torch_op(method=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Indices where ``input`` would be inserted into the innermost dim of ``sorted_sequence``."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True"
            )
        right = side == "right"
    if isinstance(input, Tensor) and sorted_sequence.ndim > 1:
        if tuple(sorted_sequence.shape[:-1]) != tuple(input.shape[:-1]):
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
                f"tensor and input value tensor must match, but we got boundaries tensor {list(sorted_sequence.shape)} "
                f"and input value tensor {list(input.shape)}"
            )
    if sorter is not None:
        sorted_sequence = apply("SortBackward0", _sort_by, [sorted_sequence, sorter])
    dt = np.dtype(np.int32 if out_int32 else np.int64)
    return apply(
        "searchsorted", _searchsorted, [sorted_sequence, input], (("side", "right" if right else "left"), ("dt", dt))
    )


@torch_op(method=False)
def bucketize(input, boundaries, *, out_int32=False, right=False):
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _unique_np(arr, dim, want_inverse, want_counts, consecutive):
    if dim is None:
        arr = arr.reshape(-1)
        axis = 0
    else:
        axis = dim
    moved = np.moveaxis(arr, axis, 0)
    n = moved.shape[0]
    rows = moved.reshape(n, -1)
    if consecutive:
        if n == 0:
            starts = np.zeros((0,), np.int64)
        else:
            change = np.any(rows[1:] != rows[:-1], axis=1)
            starts = np.concatenate([[0], np.flatnonzero(change) + 1])
        vals = moved[starts]
        inverse = np.cumsum(np.concatenate([[0], change.astype(np.int64)])) if n else np.zeros((0,), np.int64)
        counts = np.diff(np.concatenate([starts, [n]]))
    else:
        if dim is None:
            vals, inverse, counts = np.unique(moved, return_inverse=True, return_counts=True)
        else:
            vals, inverse, counts = np.unique(moved, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
    vals = np.moveaxis(vals, 0, axis)
    return vals, inverse.astype(np.int64), counts.astype(np.int64)


def _finish_unique(input, vals, inverse, counts, dim, return_inverse, return_counts):
    out = Tensor._wrap(jnp.asarray(vals, input.dtype.np))
    if dim is None:
        inverse = inverse.reshape(tuple(input.shape))
    res = [out]
    if return_inverse:
        res.append(Tensor._wrap(jnp.asarray(inverse, jnp.int64)))
    if return_counts:
        res.append(Tensor._wrap(jnp.asarray(counts, jnp.int64)))
    return res[0] if len(res) == 1 else tuple(res)


@torch_op()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Unique elements (always sorted here; torch's sorted=False order is unspecified). Not differentiable."""
    arr = _needs_concrete(input, "unique")
    d = None if dim is None else wrap_dim(dim, input.ndim)
    vals, inverse, counts = _unique_np(arr, d, return_inverse, return_counts, consecutive=False)
    return _finish_unique(input, vals, inverse, counts, d, return_inverse, return_counts)


@torch_op()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    arr = _needs_concrete(input, "unique_consecutive")
    d = None if dim is None else wrap_dim(dim, input.ndim)
    vals, inverse, counts = _unique_np(arr, d, return_inverse, return_counts, consecutive=True)
    return _finish_unique(input, vals, inverse, counts, d, return_inverse, return_counts)


# --- triangular and diagonal ops ---------------------------------------------------------------------


def _tril(a, *, k):
    return jnp.tril(a, k)


def _triu(a, *, k):
    return jnp.triu(a, k)


@torch_op(inplace=True)
def tril(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply("TrilBackward0", _tril, [input], (("k", int(diagonal)),))


@torch_op(inplace=True)
def triu(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply("TriuBackward0", _triu, [input], (("k", int(diagonal)),))


def _diagonal(a, *, offset, dim1, dim2):
    return jnp.diagonal(a, offset, dim1, dim2)


@torch_op()
def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal as a view (writes go through to ``input``), appended as the last dim."""
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return input._make_view("DiagonalBackward0", _diagonal, (("offset", int(offset)), ("dim1", d1), ("dim2", d2)))


def _diag_embed(a, *, offset, dim1, dim2):
    m = a.shape[-1]
    n = m + abs(offset)
    rows = jnp.arange(m) + max(-offset, 0)
    cols = jnp.arange(m) + max(offset, 0)
    out = jnp.zeros(a.shape[:-1] + (n, n), a.dtype).at[..., rows, cols].set(a)
    return jnp.moveaxis(out, (-2, -1), (dim1, dim2))


@torch_op()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    n = input.ndim + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply("DiagEmbedBackward0", _diag_embed, [input], (("offset", int(offset)), ("dim1", d1), ("dim2", d2)))


def _diag2(a, *, offset):
    return jnp.diagonal(a, offset)


@torch_op()
def diag(input, diagonal=0):
    """1-D input: a matrix with it on the ``diagonal``; 2-D input: a copy of that diagonal."""
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return apply("DiagonalBackward0", _diag2, [input], (("offset", int(diagonal)),))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


@torch_op()
def diagflat(input, offset=0):
    return diag_embed(input.reshape(-1), offset, 0, 1)


def _trace(a, *, dt):
    return jnp.trace(a).astype(dt)


@torch_op()
def trace(input):
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    dt = input.dtype if (input.dtype.is_floating_point or input.dtype.is_complex) else _dtype.int64
    return apply("TraceBackward0", _trace, [input], (("dt", dt.np),))


# --- broadcasting, meshgrid, stacking -------------------------------------------------------------------


def _tensor_list(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


@torch_op(method=False)
def broadcast_shapes(*shapes):
    """The broadcast of the given shapes (ints or sequences), as a torch.Size."""
    from jtorch._size import Size

    norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    ndim = builtins.max((len(s) for s in norm), default=0)
    out = [1] * ndim
    for i, s in enumerate(norm):
        for k, v in enumerate(s):
            pos = ndim - len(s) + k
            if v < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {v}: {list(s)}")
            if out[pos] == 1:
                out[pos] = v
            elif v != 1 and v != out[pos]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {v} at {k - len(s)}! Mismatching argument at index "
                    f"{i} had {s}; but expected shape should be broadcastable to {out}"
                )
    return Size(out)


@torch_op(method=False)
def broadcast_tensors(*tensors):
    tensors = _tensor_list(tensors)
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(t.expand(shape) for t in tensors)


@torch_op(method=False)
def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids as expanded views of the inputs (torch warns when ``indexing`` is omitted)."""
    tensors = _tensor_list(tensors)
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    sizes = [t.numel() for t in tensors]
    order = list(builtins.range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = [sizes[o] for o in order]
    out = []
    for i, t in enumerate(tensors):
        view = [1] * len(tensors)
        view[order.index(i)] = -1
        out.append(t.reshape(view).expand(shape))
    return tuple(out)


@torch_op(method=False)
def cartesian_prod(*tensors):
    tensors = _tensor_list(tensors)
    if len(tensors) == 1:
        return tensors[0]
    from jtorch._ops.shape import stack

    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def _atleast(n, tensors):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    tensors = _tensor_list(tensors)
    out = []
    for t in tensors:
        if t.ndim >= n:
            out.append(t)
        elif n == 3 and t.ndim == 2:
            out.append(t.unsqueeze(-1))
        elif n == 3 and t.ndim == 1:
            out.append(t.reshape(1, -1, 1))
        elif n >= 2 and t.ndim == 1:
            out.append(t.unsqueeze(0))
        else:
            out.append(t.reshape((1,) * n))
    return out[0] if single else tuple(out)


@torch_op(method=False)
def atleast_1d(*tensors):
    return _atleast(1, tensors)


@torch_op(method=False)
def atleast_2d(*tensors):
    return _atleast(2, tensors)


@torch_op(method=False)
def atleast_3d(*tensors):
    return _atleast(3, tensors)


def _cat(tensors, dim):
    from jtorch._ops.shape import cat

    return cat(tensors, dim)


def _nonempty(name, tensors):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


@torch_op(method=False)
def hstack(tensors):
    ts = list(atleast_1d(*_nonempty("hstack", tensors)))
    return _cat(ts, 0 if ts[0].ndim == 1 else 1)


@torch_op(method=False, aliases=("row_stack",))
def vstack(tensors):
    return _cat(list(atleast_2d(*_nonempty("vstack", tensors))), 0)


@torch_op(method=False)
def dstack(tensors):
    return _cat(list(atleast_3d(*_nonempty("dstack", tensors))), 2)


@torch_op(method=False)
def column_stack(tensors):
    ts = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in _nonempty("column_stack", tensors)]
    return _cat(ts, 1)


# --- rot90, repeat_interleave, cross, unfold ---------------------------------------------------------


def _rot90(a, *, k, dims):
    return jnp.rot90(a, k, dims)


@torch_op()
def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return apply("Rot90Backward0", _rot90, [input], (("k", int(k) % 4), ("dims", (d0, d1))))


def _repeat(a, reps, *, dim, total):
    return jnp.repeat(a, reps, axis=dim, total_repeat_length=total)


@torch_op()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat elements (``repeats`` an int or a tensor); ``repeat_interleave(repeats)`` gives indices."""
    if repeats is None:  # torch.repeat_interleave(repeats_tensor)
        reps = input
        if reps.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        input = Tensor._wrap(jnp.arange(reps.shape[0], dtype=reps.dtype.np))
        return repeat_interleave(input, reps, 0, output_size=output_size)
    if dim is None:
        input = input.reshape(-1)
        d = 0
    else:
        d = wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.ndim == 1 and repeats.shape[0] not in (1, n):
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got repeats.size(0) = {repeats.shape[0]} "
                f"and input.size({d}) = {n}"
            )
        r = _concrete(repeats)
        if output_size is None:
            if r is None:
                raise NotImplementedError(
                    "repeat_interleave with tensor repeats needs output_size inside jtorch.compile/jax.jit"
                )
            if (r < 0).any():
                raise RuntimeError("repeats can not be negative")
            output_size = int(np.broadcast_to(r, (n,)).sum())
        if repeats.ndim == 0 or repeats.shape[0] == 1:
            repeats = repeats.reshape(()).expand(n)
        name = "IndexSelectBackward0"
    else:
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        output_size = n * int(repeats)
        name = "ViewBackward0"  # torch expands then reshapes for an int repeat
    return apply(name, _repeat, [input, repeats], (("dim", d), ("total", int(output_size))))


def _cross(a, b, *, dim, dt):
    return jnp.cross(a.astype(dt), b.astype(dt), axis=dim)


@torch_op()
def cross(input, other, dim=None):
    shape = broadcast_shapes(input.shape, other.shape)
    if dim is None:
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or "
            "simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross in "
            "a future release.",
            UserWarning,
            stacklevel=2,
        )
        dims3 = [i for i, s in enumerate(shape) if s == 3]
        if not dims3:
            raise RuntimeError("no dimension of size 3 in input")
        d = dims3[0]
    else:
        d = wrap_dim(dim, len(shape))
        if input.ndim != other.ndim:
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        if input.shape[d] != 3 or other.shape[d] != 3:
            raise RuntimeError(
                f"linalg.cross: inputs dimension {d} must have length 3. Got {input.shape[d]} and {other.shape[d]}"
            )
    dt = _dtype.promote_types(input.dtype, other.dtype)
    return apply(
        "LinalgCrossBackward0", _cross, [input.expand(shape), other.expand(shape)], (("dim", d), ("dt", dt.np))
    )


def _unfold(a, *, dim, size, step):
    if a.ndim == 0:
        return a.reshape(1)
    n = (a.shape[dim] - size) // step + 1
    idx = jnp.arange(n)[:, None] * step + jnp.arange(size)[None, :]
    out = jnp.take(a, idx, axis=dim)  # (..., n, size, ...)
    return jnp.moveaxis(out, dim + 1, -1)


@tensor_method()
def unfold(self, dimension, size, step):
    """All windows of ``size`` with stride ``step`` along ``dimension``, as a view in a new last dim."""
    d = wrap_dim(dimension, self.ndim)
    n = self.shape[d] if self.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    return self._make_view("UnfoldBackward0", _unfold, (("dim", d), ("size", int(size)), ("step", int(step))))


# --- *_scatter: out-of-place writes into a view's positions ---------------------------------------


def _embed(a, src, *, view_fn, view_statics):
    """``a`` with the elements of its view ``view_fn(a)`` replaced by ``src`` (index map of the view)."""
    idx = view_fn(jnp.arange(a.size).reshape(a.shape), **dict(view_statics))
    flat = a.reshape(-1).at[idx.reshape(-1)].set(jnp.broadcast_to(src, idx.shape).reshape(-1).astype(a.dtype))
    return flat.reshape(a.shape)


def _view_scatter(name, input, src, view):
    """Run the view op once to learn its shape and (fn, statics), then scatter ``src`` into it."""
    fn, statics = view._view_chain[-1]
    if tuple(src.shape) != tuple(view.shape):
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, slice size = "
            f"{list(view.shape)}"
        )
    return apply(name, _embed, [input, src], (("view_fn", fn), ("view_statics", statics)))


@torch_op()
def select_scatter(input, src, dim, index):
    from jtorch._ops.shape import select

    return _view_scatter("SelectScatterBackward0", input, src, select(input.detach(), dim, index))


@torch_op()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    d = wrap_dim(dim, input.ndim)
    view = input.detach()[(slice(None),) * d + (slice(start, end, step),)]
    return _view_scatter("SliceScatterBackward0", input, src, view)


@torch_op()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    return _view_scatter("DiagonalScatterBackward0", input, src, diagonal(input.detach(), offset, dim1, dim2))
