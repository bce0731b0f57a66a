"""Assorted torch top-level ops and Tensor methods real programs reach for.

Most are compositions of registered jtorch ops (so dtypes, promotion and autograd come from the one
definition of each piece); the rest are a pure JAX function through ``dispatch.apply``. Predicates
(``is_nonzero``, ``is_signed`` ...) and in-place metadata changes (``t_``, ``squeeze_`` ...) are plain
Python over the tensor's state.
"""

from __future__ import annotations

import itertools
import math
import numbers

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import special as jsp

from jtorch import _dtype
from jtorch._host import host_array
from jtorch._ops._util import float_dtype_for, shape_arg, wrap_dim
from jtorch._ops.dispatch import apply
from jtorch._ops.pointwise import binary, check_kind
from jtorch._ops.reduction import _named
from jtorch._ops.registry import FUNCTIONS, METHODS, tensor_method, torch_op
from jtorch._tensor import Tensor
from jtorch.autograd import grad_mode

F = FUNCTIONS  # other ops through their registered (torch-signature) definitions


def _tensor(x, dtype=None) -> Tensor:
    return x if isinstance(x, Tensor) else F["tensor"](x, dtype=dtype)


# --- torch.* forms of existing ops ------------------------------------------------------------------


@torch_op(method=False)
def detach(input: Tensor) -> Tensor:
    return input.detach()


@torch_op(method=False)
def detach_(input: Tensor) -> Tensor:
    return input.detach_()


def _full_like(a, v):
    return jnp.full_like(a, v)


@torch_op(method=False)
def fill(input: Tensor, value) -> Tensor:
    """``torch.fill(x, v)``: a new tensor of ``x``'s shape and dtype filled with ``v``."""
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
    return apply("FillBackward0", _full_like, [input, value])


@torch_op(method=False)
def rsub(input, other, *, alpha=1) -> Tensor:
    """``other - alpha * input``."""
    return F["sub"](other, input, alpha=alpha)


# --- integer and float decomposition ------------------------------------------------------------------

binary("gcd", jnp.gcd, "GcdBackward0", allow="i", number_other=False, number_input=False)
binary("lcm", jnp.lcm, "LcmBackward0", allow="i", number_other=False, number_input=False)


@torch_op(inplace=True)
def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """``input * 2**other`` computed as torch does (``mul(input, pow(2., other))``), so dtypes follow it."""
    return F["mul"](input, F["pow"](2.0, other))


def _frexp(a):
    m, e = jnp.frexp(a)
    # mantissa = a / 2**e with the exponent constant: torch's gradient ``grad / exponent.exp2()``
    return a / jnp.exp2(jax.lax.stop_gradient(e).astype(a.dtype)), e.astype(jnp.int32)


frexp_t = _named("frexp", ["mantissa", "exponent"])


@torch_op()
def frexp(input: Tensor):
    if not (input.dtype.is_floating_point):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return frexp_t(*apply("FrexpBackward0", _frexp, [input]))


@torch_op(method=False)
def unravel_index(indices, shape):
    """torch's own composite: ``indices.unsqueeze(-1) // coefs % shape``, unbound on the last dim."""
    if indices.is_complex() or indices.is_floating_point() or indices.dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if not isinstance(shape, (numbers.Integral, list, tuple)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    shape = (int(shape),) if isinstance(shape, numbers.Integral) else tuple(shape)
    for d in shape:
        if not isinstance(d, numbers.Integral):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(d)}")
    if any(d < 0 for d in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(shape)}")
    coefs = list(reversed(list(itertools.accumulate(reversed(shape[1:] + (1,)), func=lambda a, b: a * b))))
    div = F["floor_divide"](indices.unsqueeze(-1), F["tensor"](coefs, dtype=_dtype.int64))
    return (div % F["tensor"](list(shape), dtype=_dtype.int64)).unbind(-1)


@torch_op(method=False, inplace=False)
def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments")
    like = elements if isinstance(elements, Tensor) else test_elements
    e, t = _tensor(elements, like.dtype), _tensor(test_elements, like.dtype)
    dt = _dtype.result_type(e, t)
    return apply("isin", _isin, [e, t], (("invert", bool(invert)), ("dt", dt.np)))


def _isin(e, t, *, invert, dt):
    return jnp.isin(e.astype(dt), t.astype(dt).reshape(-1), invert=invert)


# --- predicates and names -----------------------------------------------------------------------------


@torch_op()
def is_nonzero(input: Tensor) -> bool:
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


@torch_op()
def is_same_size(input: Tensor, other: Tensor) -> bool:
    return tuple(input.shape) == tuple(other.shape)


@torch_op()
def is_signed(input: Tensor) -> bool:
    return input.dtype.is_signed


@torch_op()
def is_conj(input: Tensor) -> bool:
    return False  # jtorch materialises conj(): no lazy conjugate bit


@torch_op()
def is_neg(input: Tensor) -> bool:
    return False  # no lazy negative bit either


@torch_op()
def resolve_conj(input: Tensor) -> Tensor:
    return input


@torch_op()
def resolve_neg(input: Tensor) -> Tensor:
    return input


@torch_op()
def is_inference(input: Tensor) -> bool:
    """Whether ``input`` was created under ``inference_mode`` (views of normal tensors stay normal)."""
    return input._inference


@torch_op(method=False)
def typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "") or ""
    qual = type(obj).__qualname__
    return qual if module in ("", "builtins") else f"{module}.{qual}"


# --- statistics -------------------------------------------------------------------------------------

histogram_t = _named("histogram", ["hist", "bin_edges"])


def _histogram(a, w, edges_or_bins, *, nbins, lo_hi, density):
    if nbins is not None:
        lo, hi = lo_hi if lo_hi is not None else (jnp.min(a) if a.size else 0.0, jnp.max(a) if a.size else 0.0)
        lo, hi = jnp.asarray(lo, a.dtype), jnp.asarray(hi, a.dtype)
        same = lo == hi
        lo, hi = jnp.where(same, lo - 0.5, lo), jnp.where(same, hi + 0.5, hi)
        # torch's bin edges are linspace(lo, hi) in the input dtype
        edges = jnp.linspace(lo, hi, nbins + 1).astype(a.dtype)
    else:
        edges = edges_or_bins.astype(a.dtype)
    h, _ = jnp.histogram(a.reshape(-1), bins=edges, weights=None if w is None else w.reshape(-1), density=density)
    return h.astype(a.dtype), edges


@torch_op()
def histogram(input: Tensor, bins, *, range=None, weight=None, density: bool = False):
    if not input.dtype.is_floating_point:
        check_kind("histogramdd", input.dtype, "f")
    if isinstance(bins, Tensor):
        statics = (("nbins", None), ("lo_hi", None), ("density", bool(density)))
        return histogram_t(*apply("histogram", _histogram, [input, weight, bins], statics))
    if bins <= 0:
        raise RuntimeError(f"torch.histogramdd(): expected each bin count to be positive, but got {bins}")
    rng = None if range is None else (float(range[0]), float(range[1]))
    statics = (("nbins", int(bins)), ("lo_hi", rng), ("density", bool(density)))
    return histogram_t(*apply("histogram", _histogram, [input, weight, None], statics))


histogramdd_t = _named("histogramdd", ["hist", "bin_edges"])


def _histdd_edges(a, *, nbins, lo_hi):
    edges = []
    for k, n in enumerate(nbins):
        if lo_hi is not None:
            lo, hi = jnp.asarray(lo_hi[2 * k], a.dtype), jnp.asarray(lo_hi[2 * k + 1], a.dtype)
        else:
            col = a[:, k]
            lo = jnp.min(col) if col.size else jnp.asarray(0, a.dtype)
            hi = jnp.max(col) if col.size else jnp.asarray(0, a.dtype)
        same = lo == hi
        lo, hi = jnp.where(same, lo - 0.5, lo), jnp.where(same, hi + 0.5, hi)
        edges.append(jnp.linspace(lo, hi, n + 1).astype(a.dtype))
    return tuple(edges)


def _histdd(a, w, *edges, density):
    h, _ = jnp.histogramdd(a, bins=list(edges), weights=w, density=density)
    return h.astype(a.dtype)


@torch_op(method=False)
def histogramdd(input: Tensor, bins, *, range=None, weight=None, density: bool = False):
    """Histogram of the rows of ``input`` (N, D); bins per dim as counts or edge tensors."""
    if not input.dtype.is_floating_point:
        check_kind("histogramdd", input.dtype, "f")
    d = input.shape[-1]
    pts = input.reshape(-1, d)
    w = None if weight is None else weight.reshape(-1)
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], Tensor):
        edges = tuple(b.to(input.dtype) for b in bins)
    else:
        nbins = (int(bins),) * d if isinstance(bins, numbers.Integral) else tuple(int(b) for b in bins)
        if len(nbins) != d:
            raise RuntimeError(f"torch.histogramdd(): expected 1 or {d} bin counts but got {len(nbins)}")
        rng = None if range is None else tuple(float(r) for r in range)
        edges = apply("histogramdd", _histdd_edges, [pts], (("nbins", nbins), ("lo_hi", rng)))
    hist = apply("histogramdd", _histdd, [pts, w, *edges], (("density", bool(density)),))
    return histogramdd_t(hist, tuple(edges))


@torch_op()
def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """torch.cov: rows are variables, columns observations (ATen's own composite, in jtorch ops)."""
    if input.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input with {input.ndim} dimensions"
        )
    x = input if input.ndim == 2 else input.view(1, -1)
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1)
        w_sum = F["tensor"](n_obs, dtype=avg.dtype)
        norm_factor = w_sum - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction == 0:
            norm_factor = w_sum
        elif aweights is None:
            norm_factor = w_sum - correction
        else:
            norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    norm_factor = F["clamp"](norm_factor, min=0) if isinstance(norm_factor, Tensor) else max(norm_factor, 0)
    xm = x - avg.unsqueeze(1)
    c = F["mm"](xm, (xm if w is None else xm * w).t().conj())
    return (c / norm_factor).squeeze()


@torch_op()
def corrcoef(input: Tensor) -> Tensor:
    if input.ndim > 2:
        raise RuntimeError(
            f"corrcoef(): expected input to have two or fewer dimensions but got an input with {input.ndim} dimensions"
        )
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = F["diagonal"](c)
    if c.dtype.is_complex:
        d = d.real
        stddev = d.sqrt()
        c = c / stddev.view(-1, 1)
        c = c / stddev.view(1, -1)
        return F["complex"](c.real.clip(-1, 1), c.imag.clip(-1, 1))
    stddev = d.sqrt()
    c = c / stddev.view(-1, 1)
    c = c / stddev.view(1, -1)
    return c.clip(-1, 1)


# --- integration ------------------------------------------------------------------------------------


def _slice(y, dim, start, stop):
    return F["narrow"](y, dim, start, stop - start)


def _trapezoid_dx(y, dx, dim):
    n = y.shape[dim]
    if n == 0:
        return F["sum"](y, dim) * dx
    return (F["sum"](y, dim) - (_slice(y, dim, 0, 1).squeeze(dim) + _slice(y, dim, n - 1, n).squeeze(dim)) * 0.5) * dx


@torch_op(method=False)
def trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    dim = wrap_dim(dim, y.ndim)
    if x is not None and dx is not None:
        raise RuntimeError("trapezoid: received both x and dx")
    if isinstance(x, Tensor):
        n = y.shape[dim]
        if x.ndim == 1:
            if x.shape[0] != n:
                raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
            shp = [1] * y.ndim
            shp[dim] = n - 1 if n else 0
            d = F["diff"](x).view(shp) if n else x
        else:
            d = F["diff"](x, dim=dim)
        if n == 0:
            return F["sum"](y, dim) * 0
        return ((_slice(y, dim, 1, n) + _slice(y, dim, 0, n - 1)) * d).sum(dim) / 2
    spacing = 1 if x is None and dx is None else (x if x is not None else dx)
    return _trapezoid_dx(y, spacing, dim)


@torch_op(method=False)
def trapz(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    return trapezoid(y, x, dx=dx, dim=dim)


@torch_op(method=False)
def cumulative_trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    dim = wrap_dim(dim, y.ndim)
    if x is not None and dx is not None:
        raise RuntimeError("cumulative_trapezoid: received both x and dx")
    n = y.shape[dim]
    if n == 0:
        return _slice(y, dim, 0, 0) * 1.0
    pair = (_slice(y, dim, 1, n) + _slice(y, dim, 0, n - 1)) / 2
    if isinstance(x, Tensor):
        if x.ndim == 1:
            if x.shape[0] != n:
                raise RuntimeError("cumulative_trapezoid: There must be one `x` value for each sample point")
            shp = [1] * y.ndim
            shp[dim] = n - 1
            pair = pair * F["diff"](x).view(shp)
        else:
            pair = pair * F["diff"](x, dim=dim)
    else:
        pair = pair * (1 if x is None and dx is None else (x if x is not None else dx))
    return F["cumsum"](pair, dim)


def _grad_uniform(f, d, h, edge_order):
    n = f.shape[d]
    interior = (_slice(f, d, 2, n) - _slice(f, d, 0, n - 2)) / (2 * h)
    f0, f1, f2 = (_slice(f, d, k, k + 1) for k in range(3)) if edge_order == 2 else (None, None, None)
    if edge_order == 1:
        first = (_slice(f, d, 1, 2) - _slice(f, d, 0, 1)) / h
        last = (_slice(f, d, n - 1, n) - _slice(f, d, n - 2, n - 1)) / h
    else:
        first = (-1.5 * f0 + 2 * f1 - 0.5 * f2) / h
        last = (0.5 * _slice(f, d, n - 3, n - 2) - 2 * _slice(f, d, n - 2, n - 1) + 1.5 * _slice(f, d, n - 1, n)) / h
    return F["cat"]([first, interior, last], d)


def _grad_coords(f, d, x, edge_order):
    """numpy's (and torch's) second-order formula on non-uniform coordinates ``x``."""
    n = f.shape[d]
    shp = [1] * f.ndim
    shp[d] = -1
    dx = F["diff"](x.to(f.dtype))
    dx1, dx2 = dx[:-1].view(shp), dx[1:].view(shp)
    a = -dx2 / (dx1 * (dx1 + dx2))
    b = (dx2 - dx1) / (dx1 * dx2)
    c = dx1 / (dx2 * (dx1 + dx2))
    interior = a * _slice(f, d, 0, n - 2) + b * _slice(f, d, 1, n - 1) + c * _slice(f, d, 2, n)
    if edge_order == 1:
        first = (_slice(f, d, 1, 2) - _slice(f, d, 0, 1)) / dx[0]
        last = (_slice(f, d, n - 1, n) - _slice(f, d, n - 2, n - 1)) / dx[-1]
    else:
        e1, e2 = dx[0], dx[1]
        first = (
            -(2.0 * e1 + e2) / (e1 * (e1 + e2)) * _slice(f, d, 0, 1)
            + (e1 + e2) / (e1 * e2) * _slice(f, d, 1, 2)
            - e1 / (e2 * (e1 + e2)) * _slice(f, d, 2, 3)
        )
        e1, e2 = dx[-2], dx[-1]
        last = (
            e2 / (e1 * (e1 + e2)) * _slice(f, d, n - 3, n - 2)
            - (e2 + e1) / (e1 * e2) * _slice(f, d, n - 2, n - 1)
            + (2.0 * e2 + e1) / (e2 * (e1 + e2)) * _slice(f, d, n - 1, n)
        )
    return F["cat"]([first, interior, last], d)


@torch_op(method=False)
def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """Central differences inside, one-sided (first or second order) at the edges, as numpy.gradient."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = tuple(range(input.ndim)) if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            what = "since dim argument was not given" if dim is None else "since dim argument was given"
            n = f"'self.dim() = {input.ndim}'" if dim is None else f"dim ({len(dims)})"
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to {n}, "
                f"{what}, but got a list of length {len(spacing)}"
            )
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    f = input if (input.dtype.is_floating_point or input.dtype.is_complex) else input.to(_dtype.get_default_dtype())
    outs = []
    for d, h in zip(dims, spacings):
        if isinstance(h, Tensor) and h.ndim == 1:
            outs.append(_grad_coords(f, d, h, edge_order))
        else:
            outs.append(_grad_uniform(f, d, h.item() if isinstance(h, Tensor) else h, edge_order))
    return tuple(outs)


# --- window functions -------------------------------------------------------------------------------


def _window_dtype(name: str, dtype):
    d = _dtype.get_default_dtype() if dtype is None else dtype
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(f"{name} expects floating point dtypes, got: {d}")
    return d


def _window(name, window_length, periodic, dtype, device, requires_grad, values):
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window length, got window_length={window_length}")
    d = _window_dtype(name, dtype)
    if window_length == 0:
        arr = np.zeros((0,))
    elif window_length == 1:
        arr = np.ones((1,))
    else:
        n = window_length + 1 if periodic else window_length
        arr = values(n)[:window_length]
    out = F["tensor"](np.asarray(arr, np.float64), dtype=d, device=device)
    return out.requires_grad_(requires_grad)


def _cosine_window(a: tuple):
    # computed in float64 with numpy then cast, as torch computes in the target dtype; float32
    # results agree to rounding
    def values(n):
        k = np.arange(n, dtype=np.float64)
        return sum(((-1) ** i) * c * np.cos(2 * math.pi * i * k / (n - 1)) for i, c in enumerate(a))

    return values


@torch_op(method=False)
def hann_window(
    window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, _cosine_window((0.5, 0.5)))


@torch_op(method=False)
def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    return _window(
        "hamming_window", window_length, periodic, dtype, device, requires_grad, _cosine_window((alpha, beta))
    )


@torch_op(method=False)
def blackman_window(
    window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    return _window(
        "blackman_window", window_length, periodic, dtype, device, requires_grad, _cosine_window((0.42, 0.5, 0.08))
    )


@torch_op(method=False)
def bartlett_window(
    window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    def values(n):
        k = np.arange(n, dtype=np.float64)
        return 1 - np.abs(2 * k / (n - 1) - 1)

    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, values)


@torch_op(method=False)
def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    def values(n):
        k = np.arange(n, dtype=np.float64)
        return np.i0(beta * np.sqrt(np.maximum(1 - ((k - (n - 1) / 2) / ((n - 1) / 2)) ** 2, 0))) / np.i0(beta)

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, values)


# --- matrix constructions ---------------------------------------------------------------------------


@torch_op(method=False)
def block_diag(*tensors: Tensor) -> Tensor:
    mats = []
    for t in tensors:
        if t.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {len(mats)} has {t.ndim} dimensions"
            )
        mats.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not mats:
        return F["zeros"](1, 0)
    dt = _dtype.result_type(*mats)
    rows = sum(m.shape[0] for m in mats)
    cols = sum(m.shape[1] for m in mats)
    if rows == 0:
        return F["zeros"](0, cols, dtype=dt)
    c, pieces = 0, []
    for m in mats:
        # each block padded to full width, then the rows stacked: differentiable through jtorch ops
        if m.shape[0]:
            pieces.append(_pad_cols(m.to(dt), c, cols))
        c += m.shape[1]
    return F["cat"](pieces, 0)


def _pad_cols(m: Tensor, left: int, cols: int) -> Tensor:
    parts = []
    if left:
        parts.append(F["zeros"](m.shape[0], left, dtype=m.dtype))
    parts.append(m)
    right = cols - left - m.shape[1]
    if right:
        parts.append(F["zeros"](m.shape[0], right, dtype=m.dtype))
    return F["cat"](parts, 1) if len(parts) > 1 else m


@torch_op(method=False)
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return F["empty"](0, dtype=input.dtype)
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.asarray(list(gen(range(input.shape[0]), r)), np.int64).reshape(-1, r)
    if idx.shape[0] == 0:
        return F["empty"](0, r, dtype=input.dtype)
    return input[Tensor._wrap(host_array(idx, private=True))]


@torch_op(method=False)
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if n == 0:
        return F["empty"](x.shape[0], 0, dtype=_dtype.result_type(x, 1))
    dt = _dtype.result_type(x, 1)
    dt = _dtype.int64 if not (dt.is_floating_point or dt.is_complex) else dt
    cols = [F["ones_like"](x, dtype=dt)]
    if n > 1:
        rest = F["cumprod"](x.to(dt).unsqueeze(1).expand(x.shape[0], n - 1), 1)
        out = F["cat"]([cols[0].unsqueeze(1), rest], 1)
    else:
        out = cols[0].unsqueeze(1)
    return out if increasing else F["flip"](out, [1])


@torch_op(inplace=True)
def renorm(input: Tensor, p, dim: int, maxnorm) -> Tensor:
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        check_kind("renorm_out", input.dtype, "fc")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    dim = wrap_dim(dim, input.ndim)
    return apply("RenormBackward0", _renorm_fn, [input], (("p", float(p)), ("dim", dim), ("maxnorm", float(maxnorm))))


def _renorm_fn(a, *, p, dim, maxnorm):
    axes = tuple(i for i in range(a.ndim) if i != dim)
    norm = jnp.sum(jnp.abs(a) ** p, axis=axes, keepdims=True) ** (1.0 / p)
    factor = jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(a.dtype)
    return a * factor


@torch_op(inplace=True)
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(
            f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D"
            if vec1.ndim != 1
            else f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D"
        )
    term = F["outer"](vec1, vec2)
    term = term * alpha if alpha != 1 else term
    if beta == 0:  # torch ignores input (NaN and inf in it do not propagate)
        return term + F["zeros_like"](input)
    return (input * beta if beta != 1 else input) + term


# --- special functions --------------------------------------------------------------------------------


def _polygamma(a, *, n, dt):
    a = a.astype(dt)
    return jsp.digamma(a) if n == 0 else jsp.polygamma(n, a)


@torch_op(method=False)
def polygamma(n: int, input: Tensor) -> Tensor:
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    check_kind("polygamma", input.dtype, "bif")
    dt = float_dtype_for(input.dtype)
    return apply("PolygammaBackward0", _polygamma, [input], (("n", int(n)), ("dt", dt.np)))


@tensor_method("polygamma")
def _polygamma_method(self: Tensor, n: int) -> Tensor:
    return polygamma(n, self)


@tensor_method("polygamma_")
def _polygamma_inplace(self: Tensor, n: int) -> Tensor:
    return self._inplace(polygamma(n, self))


def _mvlgamma(a, *, p):
    i = jnp.arange(p, dtype=a.dtype)
    return jnp.sum(jsp.gammaln(a[..., None] - i / 2), axis=-1) + p * (p - 1) / 4 * math.log(math.pi)


@torch_op(inplace=True)
def mvlgamma(input: Tensor, p: int) -> Tensor:
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    check_kind("mvlgamma", input.dtype, "bif")
    if not input.dtype.is_floating_point:
        input = input.to(_dtype.get_default_dtype())
    return apply("MvlgammaBackward0", _mvlgamma, [input], (("p", int(p)),))


binary("igamma", jsp.gammainc, "IgammaBackward0", allow="f", float_result=True, number_other=False, number_input=False)
binary(
    "igammac", jsp.gammaincc, "IgammacBackward0", allow="f", float_result=True, number_other=False, number_input=False
)


# --- legacy linear-algebra entry points (over jtorch.linalg) --------------------------------------------

triangular_solve_t = _named("triangular_solve", ["solution", "cloned_coefficient"])
lu_unpack_t = _named("lu_unpack", ["P", "L", "U"])


def _linalg():
    from jtorch import linalg

    return linalg


@torch_op()
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """Solve ``A X = B`` with ``A = L L^H`` given the Cholesky factor (torch's argument order: B, L)."""
    if input.ndim < 2 or input2.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} dimensions instead")
    lin = _linalg()
    lower = input2.mH if upper else input2
    y = lin.solve_triangular(lower, input, upper=False)
    return lin.solve_triangular(lower.mH, y, upper=True)


@torch_op()
def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    eye = F["eye"](input.shape[-1], dtype=input.dtype).expand(input.shape)
    return cholesky_solve(eye, input, upper)


@torch_op()
def triangular_solve(
    input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False, unitriangular: bool = False
):
    a = A.mT if transpose else A
    sol = _linalg().solve_triangular(a, input, upper=upper != transpose, unitriangular=unitriangular)
    return triangular_solve_t(sol, A.clone())


@torch_op(method=False)
def lu(A: Tensor, pivot: bool = True, get_infos: bool = False):
    """The deprecated ``torch.lu`` (``Tensor.lu`` in torch is a Python method of the same)."""
    LU, piv = _linalg().lu_factor(A, pivot=pivot)
    if not get_infos:
        return LU, piv
    # jtorch.linalg has no lu_factor_ex: lu_factor raises on a singular input, so infos are zeros
    return LU, piv, F["zeros"](tuple(A.shape[:-2]), dtype=_dtype.int32)


@tensor_method("lu")
def _lu_method(self: Tensor, pivot: bool = True, get_infos: bool = False):
    return lu(self, pivot, get_infos)


@torch_op()
def lu_solve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    return _linalg().lu_solve(LU_data, LU_pivots, input)


def _perm_matrix(piv, *, m):
    perm = jax.lax.linalg.lu_pivots_to_permutation(piv - 1, m)
    return jnp.swapaxes(jax.nn.one_hot(perm, m, dtype=jnp.float32), -1, -2)


@torch_op(method=False)
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True):
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    batch = tuple(LU_data.shape[:-2])
    if unpack_data:
        L = F["tril"](LU_data.narrow(-1, 0, k), -1) + F["eye"](m, k, dtype=LU_data.dtype)
        U = F["triu"](LU_data.narrow(-2, 0, k))
    else:
        L = F["empty"](0, dtype=LU_data.dtype)
        U = F["empty"](0, dtype=LU_data.dtype)
    if unpack_pivots:
        P = apply("lu_unpack", _perm_matrix, [LU_pivots.int()], (("m", m),)).to(LU_data.dtype)
        P = P.expand(*batch, m, m) if P.shape[:-2] != batch else P
    else:
        P = F["empty"](0, dtype=LU_data.dtype)
    return lu_unpack_t(P, L, U)


# --- complex <-> real pairs ---------------------------------------------------------------------------
# torch returns views of the same storage; these are copies (differentiable): jtorch's view
# mechanism maps each view element to one root element, and a complex element is two reals.


def _as_real(a):
    return jnp.stack([jnp.real(a), jnp.imag(a)], axis=-1)


def _as_complex(a):
    return jax.lax.complex(a[..., 0], a[..., 1])


@torch_op(method=False)
def view_as_real(input: Tensor) -> Tensor:
    if not input.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply("ViewAsRealBackward0", _as_real, [input])


@torch_op(method=False)
def view_as_complex(input: Tensor) -> Tensor:
    if input.dtype not in (_dtype.float32, _dtype.float64):
        name = _dtype.type_name(input.dtype)
        if input.dtype is _dtype.float16:
            raise NotImplementedError("view_as_complex: complex32 (ComplexHalf) has no JAX/XLA dtype")
        raise RuntimeError(
            f"view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar type: {name}"
        )
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return apply("ViewAsComplexBackward0", _as_complex, [input])


# --- short-time Fourier transforms ---------------------------------------------------------------------


def _stft_window(window, n_fft: int, win_length: int, dtype) -> Tensor:
    if window is None:
        window = F["ones"](win_length, dtype=dtype)
    if window.shape[0] != win_length:
        raise RuntimeError(
            f"stft: expected a 1D window tensor of size equal to win_length={win_length}, but got window with size {list(window.shape)}"
        )
    left = (n_fft - win_length) // 2
    if left or n_fft != win_length:
        window = _pad_cols(window.view(1, -1), left, n_fft).view(-1)
    return window


@torch_op()
def stft(
    input: Tensor,
    n_fft: int,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Tensor | None = None,
    center: bool = True,
    pad_mode: str = "reflect",
    normalized: bool = False,
    onesided: bool | None = None,
    return_complex: bool | None = None,
    align_to_window: bool | None = None,
) -> Tensor:
    """torch.stft: frames (``unfold``) times the window, then ``torch.fft`` over each frame."""
    import warnings

    from jtorch import fft
    from jtorch.nn import functional as nnf

    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if align_to_window:
        raise NotImplementedError("stft(align_to_window=True) is not implemented in jtorch")
    complex_in = input.dtype.is_complex or (window is not None and window.dtype.is_complex)
    if return_complex is None:
        if not complex_in:
            raise RuntimeError(
                "stft requires the return_complex parameter be given for real inputs, and will further require that "
                "return_complex=True in a future PyTorch release."
            )
        return_complex = True
    if window is None:
        warnings.warn(
            "A window was not provided. A rectangular window will be applied,which is known to cause spectral leakage. "
            "Other windows such as torch.hann_window or torch.hamming_window are recommended to reduce spectral "
            "leakage.To suppress this warning and use a rectangular window, explicitly set "
            "`window=torch.ones(n_fft, device=<device>)`.",
            stacklevel=2,
        )
    if not return_complex:
        warnings.warn(
            "stft with return_complex=False is deprecated. In a future pytorch release, stft will return complex "
            "tensors for all inputs, and return_complex=False will raise an error.\nNote: you can still call "
            "torch.view_as_real on the complex output to recover the old return format.",
            stacklevel=2,
        )
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.ndim}D tensor")
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if center:
        pad = n_fft // 2
        x = nnf.pad(input.view([1] * (3 - input.ndim) + list(input.shape)), [pad, pad], pad_mode)
        input = x.view(x.shape[-input.ndim :])
    if not 0 < n_fft <= input.shape[-1]:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {input.shape[-1]}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    dt = input.dtype if (input.dtype.is_floating_point or input.dtype.is_complex) else _dtype.get_default_dtype()
    w = _stft_window(window, n_fft, win, dt.to_real() if dt.is_complex else dt)
    frames = input.unfold(-1, n_fft, hop) * w
    one = onesided if onesided is not None else not complex_in
    norm = "ortho" if normalized else "backward"
    out = fft.rfft(frames, dim=-1, norm=norm) if one else fft.fft(frames, dim=-1, norm=norm)
    out = out.transpose(-1, -2)
    return out if return_complex else view_as_real(out)


@torch_op()
def istft(
    input: Tensor,
    n_fft: int,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Tensor | None = None,
    center: bool = True,
    normalized: bool = False,
    onesided: bool | None = None,
    length: int | None = None,
    return_complex: bool = False,
) -> Tensor:
    """Inverse of stft: inverse FFT of each frame, windowed overlap-add, divided by the window envelope."""
    from jtorch import fft

    if not input.dtype.is_complex:
        raise RuntimeError(
            "istft requires a complex-valued input tensor matching the output from stft with return_complex=True."
        )
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    n_frames = input.shape[-1]
    one = onesided if onesided is not None else input.shape[-2] != n_fft
    if return_complex and one:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    frames = input.transpose(-1, -2)
    norm = "ortho" if normalized else "backward"
    frames = fft.irfft(frames, n=n_fft, dim=-1, norm=norm) if one else fft.ifft(frames, n=n_fft, dim=-1, norm=norm)
    if not return_complex and frames.dtype.is_complex:
        frames = frames.real
    w = _stft_window(window, n_fft, win, frames.dtype.to_real() if frames.dtype.is_complex else frames.dtype)
    frames = frames * w
    total = n_fft + hop * (n_frames - 1)
    idx = (F["arange"](n_frames).view(-1, 1) * hop + F["arange"](n_fft).view(1, -1)).reshape(-1)
    lead = tuple(frames.shape[:-2])
    y = F["zeros"](*lead, total, dtype=frames.dtype).index_add(-1, idx, frames.reshape(*lead, -1))
    env = F["zeros"](total, dtype=w.dtype).index_add(0, idx, (w * w).expand(n_frames, n_fft).reshape(-1))
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (total - n_fft // 2 if center else total)
    end = min(end, total)
    y, env = y[..., start:end], env[start:end]
    if env.numel() and float(env.abs().min()) < 1e-11:
        raise RuntimeError(f"istft(...): window overlap add min: {float(env.abs().min()):g}")
    y = y / env
    if length is not None and y.shape[-1] < length:
        y = _pad_cols(y.reshape(-1, y.shape[-1]), 0, length).view(*lead, length)
    return y


# --- randomized low-rank SVD / PCA (torch._lowrank's algorithm, on jtorch ops) -----------------------


def _range_finder(A: Tensor, q: int, niter: int, M=None) -> Tensor:
    """Halko et al. 2009, algorithm 4.4 as torch implements it: an orthonormal basis of A's range."""
    lin = _linalg()
    X = F["randn"](*A.shape[:-2], A.shape[-1], q, dtype=A.dtype)
    AM = A if M is None else A - M
    Q = lin.qr(AM @ X).Q
    for _ in range(niter):
        Q = lin.qr(AM.mH @ Q).Q
        Q = lin.qr(AM @ Q).Q
    return Q


@torch_op(method=False)
def svd_lowrank(A: Tensor, q: int | None = 6, niter: int = 2, M: Tensor | None = None):
    """Approximate rank-``q`` SVD ``(U, S, V)`` with ``A ~ U diag(S) V^H``; random like torch's, so
    factors match torch's only up to the randomness (their product matches for low-rank A)."""
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    lin = _linalg()
    if m < n:  # work on the transpose, as torch does
        U, S, V = svd_lowrank(A.mH, q, niter, None if M is None else M.mH)
        return V, S, U
    Q = _range_finder(A, q, niter, M)
    B = Q.mH @ (A if M is None else A - M)
    U, S, Vh = lin.svd(B, full_matrices=False)
    return Q @ U, S, Vh.mH


@torch_op(method=False)
def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True, niter: int = 2):
    """``svd_lowrank`` of ``A`` minus its column means (when ``center``)."""
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if niter < 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), q, niter)


# --- buffers and DLPack -----------------------------------------------------------------------------


@torch_op(method=False)
def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad: bool = False) -> Tensor:
    """A tensor of ``buffer``'s bytes. torch shares the buffer's memory; a jax array cannot, so this
    is a copy (later writes to the buffer are not seen)."""
    mv = memoryview(buffer)
    length = mv.nbytes
    size = dtype.itemsize
    if length <= 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(
            f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({length} bytes) minus 1"
        )
    if count <= 0 and (length - offset) % size != 0:
        raise ValueError(
            f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a multiple of element size ({size})"
        )
    if count < 0:
        count = (length - offset) // size
    if offset + count * size > length:
        raise ValueError(
            f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not be greater than actual buffer length ({length} bytes)"
        )
    arr = np.frombuffer(mv, dtype=dtype.np, count=count, offset=offset).copy()
    return Tensor._wrap(host_array(arr, private=True)).requires_grad_(requires_grad)


@torch_op(method=False)
def from_dlpack(ext_tensor) -> Tensor:
    """Import any ``__dlpack__`` object (a torch or numpy array, a jax array) or a legacy capsule."""
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    if not hasattr(ext_tensor, "__dlpack__"):  # a legacy capsule (torch.to_dlpack): host memory
        ext_tensor = _Capsule(ext_tensor)
    return Tensor._wrap(jax.dlpack.from_dlpack(ext_tensor))


class _Capsule:
    """A DLPack capsule presented through the ``__dlpack__`` protocol jax reads (CPU only)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


@torch_op(method=False)
def to_dlpack(tensor: Tensor):
    """A DLPack capsule of the tensor's jax array."""
    return tensor._data.__dlpack__()


@tensor_method("__dlpack__")
def _dlpack(self: Tensor, *, stream=None, **kwargs):
    return self._data.__dlpack__(stream=stream, **kwargs)


@tensor_method("__dlpack_device__")
def _dlpack_device(self: Tensor):
    return self._data.__dlpack_device__()


# --- Tensor methods ----------------------------------------------------------------------------------

METHODS["positive"] = FUNCTIONS["positive"]


def _metadata_inplace(self: Tensor, name: str, view: Tensor) -> Tensor:
    """Make ``self`` itself become ``view`` (t_, transpose_, squeeze_, ...): torch changes the
    tensor's sizes and strides in place. A view's derivation chain grows by the op; a root takes the
    new array (views taken of it earlier are not re-derived: they see the new layout)."""
    if grad_mode.is_grad_enabled() and self.requires_grad and self.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if self._base is not None:
        self._view_chain = view._view_chain
        self.__dict__.pop("_view_index_cache", None)
    else:
        self._version += 1
    self._arr = view._arr
    if view._node is not None:
        self._node, self._out_nr = view._node, view._out_nr
    return self


@tensor_method()
def t_(self: Tensor) -> Tensor:
    return _metadata_inplace(self, "t_", F["t"](self))


@tensor_method()
def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    return _metadata_inplace(self, "transpose_", F["transpose"](self, dim0, dim1))


@tensor_method()
def swapaxes_(self: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose_(self, axis0, axis1)


@tensor_method()
def swapdims_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    return transpose_(self, dim0, dim1)


@tensor_method()
def squeeze_(self: Tensor, dim=None) -> Tensor:
    return _metadata_inplace(self, "squeeze_", F["squeeze"](self) if dim is None else F["squeeze"](self, dim))


@tensor_method()
def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    return _metadata_inplace(self, "unsqueeze_", F["unsqueeze"](self, dim))


def _strided_index(size, stride, offset):
    idx = np.full(tuple(size), offset, np.int64)
    for k, (n, st) in enumerate(zip(size, stride)):
        shp = [1] * len(size)
        shp[k] = n
        idx = idx + (np.arange(n, dtype=np.int64) * st).reshape(shp)
    return idx


def _as_strided(a, *, size, stride, offset):
    return a.reshape(-1)[_strided_index(size, stride, offset)]


def _as_strided_args(self: Tensor, size, stride, storage_offset):
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    offset = storage_offset_of(self) if storage_offset is None else int(storage_offset)
    if any(s < 0 for s in stride):
        raise RuntimeError(
            "as_strided: Negative strides are not supported at the moment, got strides: " + str(list(stride))
        )
    root = self._base if self._base is not None else self
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * st for n, st in zip(size, stride))
    if need > root.numel():
        item = self.dtype.itemsize
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and itemsize {item} "
            f"requiring a storage size of {need * item} are out of bounds for storage of size {root.numel() * item}"
        )
    return size, stride, offset, root


@torch_op()
def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """A view of the root's storage (a jtorch root is contiguous, so its flat data is torch's storage)."""
    size, stride, offset, root = _as_strided_args(input, size, stride, storage_offset)
    src = root if (input._base is None or input._view_grad) else root.detach()
    return src._make_view("AsStridedBackward0", _as_strided, (("size", size), ("stride", stride), ("offset", offset)))


@tensor_method()
def as_strided_(self: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    return _metadata_inplace(self, "as_strided_", as_strided(self, size, stride, storage_offset))


FUNCTIONS["as_strided_"] = as_strided_


def _as_strided_scatter(a, src, *, size, stride, offset):
    idx = _strided_index(size, stride, offset).reshape(-1)
    return a.reshape(-1).at[idx].set(src.reshape(-1).astype(a.dtype)).reshape(a.shape)


@torch_op()
def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    size, stride, offset, _ = _as_strided_args(input, size, stride, 0 if storage_offset is None else storage_offset)
    if tuple(src.shape) != size:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, slice size = {list(size)}"
        )
    st = (("size", size), ("stride", stride), ("offset", offset))
    return apply("AsStridedScatterBackward0", _as_strided_scatter, [input, src], st)


def storage_offset_of(self: Tensor) -> int:
    return storage_offset(self)


@tensor_method()
def storage_offset(self: Tensor) -> int:
    """Offset of element 0 in the root's storage, read from the view's element map."""
    if self._base is None or not self._view_chain:
        return 0
    if self.numel() == 0:
        raise NotImplementedError("storage_offset of an empty view: jtorch views keep no strides to read it from")
    return int(np.asarray(self._view_index()).reshape(-1)[0])


def _fill_diag_index(shape, wrap):
    if len(shape) == 2:
        rows, cols = shape
        step = cols + 1
        limit = rows * cols if wrap else min(rows, cols) * cols
        flat = np.arange(0, limit, step)
        return flat[flat < rows * cols]
    n = min(shape)
    return np.ravel_multi_index(tuple(np.arange(n) for _ in shape), shape)


def _fill_flat(a, v, idx):
    return a.reshape(-1).at[idx].set(jnp.asarray(v, a.dtype)).reshape(a.shape)


@tensor_method()
def fill_diagonal_(self: Tensor, fill_value, wrap: bool = False) -> Tensor:
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    idx = Tensor._wrap(jnp.asarray(_fill_diag_index(tuple(self.shape), wrap), jnp.int64))
    return self._inplace(apply("FillBackward1", _fill_flat, [self, fill_value, idx]))


@tensor_method()
def new(self: Tensor, *args, device=None) -> Tensor:
    """Legacy ``x.new(...)``: sizes give a (zero-filled, uninitialised in torch) tensor of ``x``'s dtype,
    a sequence gives data, nothing gives an empty tensor."""
    from jtorch._ops.creation import legacy_construct

    return legacy_construct(self.dtype, args, device if device is not None else self.device)


@tensor_method()
def resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
    """torch semantics on the flat storage: the first elements are kept; growth appends elements
    (uninitialised memory in torch, zeros here)."""
    size = shape_arg(sizes)
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if tuple(size) == tuple(self.shape):
        return self
    if self._base is not None:
        raise NotImplementedError("resize_ of a view: jtorch views cannot change their root's storage size")
    flat = self._data.reshape(-1)
    n = math.prod(size)
    if n > flat.shape[0]:
        flat = jnp.concatenate([flat, jnp.zeros((n - flat.shape[0],), flat.dtype)])
    self._arr = flat[:n].reshape(size)
    self._version += 1
    return self


@tensor_method()
def resize_as_(self: Tensor, the_template: Tensor, *, memory_format=None) -> Tensor:
    return resize_(self, tuple(the_template.shape))


FUNCTIONS["resize_as_"] = resize_as_


@jax.custom_vjp
def _put_set(flat, i, s):
    return flat.at[i].set(s)


def _put_set_fwd(flat, i, s):
    return flat.at[i].set(s), i


def _put_set_bwd(i, g):
    # torch's put_ backward: every source element gets grad.take(index), duplicates included
    return g.at[i].set(0), None, g[i]


_put_set.defvjp(_put_set_fwd, _put_set_bwd)


def _put(a, idx, src, *, accumulate):
    flat, i, s = a.reshape(-1), idx.reshape(-1), src.reshape(-1).astype(a.dtype)
    return (flat.at[i].add(s) if accumulate else _put_set(flat, i, s)).reshape(a.shape)


@torch_op(inplace=True)
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {index.dtype}")
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"put_(): self and source expected to have the same dtype, but got self.dtype = {input.dtype} and source.dtype = {source.dtype}"
        )
    if index.numel() != source.numel():
        raise RuntimeError(
            f"put_(): Expected source and index to have the same number of elements, but got source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    n = input.numel()
    arr = index._data
    if not isinstance(arr, jax.core.Tracer) and index.numel():
        lo, hi = int(jnp.min(arr)), int(jnp.max(arr))
        bad = lo if lo < -n else (hi if hi >= n else None)
        if bad is not None:
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    idx = F["remainder"](index, n) if n else index
    return apply("PutBackward0", _put, [input, idx, source], (("accumulate", bool(accumulate)),))


@tensor_method()
def apply_(self: Tensor, callable) -> Tensor:
    """CPU-only in torch: ``callable`` runs on every element in Python."""
    if self.requires_grad:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.")
    arr = np.asarray(self._data)
    out = np.vectorize(callable, otypes=[arr.dtype])(arr) if arr.size else arr
    self._assign_array(jnp.asarray(out, arr.dtype))
    return self


@tensor_method()
def map_(self: Tensor, tensor: Tensor, callable) -> Tensor:
    if self.requires_grad or tensor.requires_grad:
        raise RuntimeError("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.")
    arr = np.asarray(self._data)
    other = np.broadcast_to(np.asarray(tensor._data), arr.shape)
    out = np.vectorize(callable, otypes=[arr.dtype])(arr, other) if arr.size else arr
    self._assign_array(jnp.asarray(out, arr.dtype))
    return self


@tensor_method()
def sum_to_size(self: Tensor, *size) -> Tensor:
    size = shape_arg(size)
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != d for s, d in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    out = self
    if lead:
        out = out.sum(tuple(range(lead)))
    dims = tuple(i for i, (s, d) in enumerate(zip(size, shape[lead:])) if s == 1 and d != 1)
    if dims:
        out = out.sum(dims, keepdim=True)
    return out


@torch_op()
def split_with_sizes(self: Tensor, split_sizes, dim: int = 0):
    total = sum(split_sizes)
    d = self.shape[wrap_dim(dim, self.ndim)]
    if total != d:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {d} (input tensor's size at dimension {dim}), but got split_sizes={list(split_sizes)}"
        )
    return F["split"](self, list(split_sizes), dim)


def _unsafe(pieces):
    for p in pieces:
        p.__dict__.pop("_multi_view", None)  # torch's unsafe_ variants skip the multi-output-view check
    return pieces


@torch_op()
def unsafe_split(input: Tensor, split_size: int, dim: int = 0):
    return _unsafe(F["split"](input, split_size, dim))


@torch_op()
def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: int = 0):
    return _unsafe(split_with_sizes(input, split_sizes, dim))


@torch_op()
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0):
    return _unsafe(F["chunk"](input, chunks, dim))


@tensor_method()
def chalf(self: Tensor, memory_format=None) -> Tensor:
    raise NotImplementedError("Tensor.chalf: complex32 (ComplexHalf) has no JAX/XLA dtype")


# --- functions torch removed in 1.9 but still defines (they raise, pointing at torch.linalg) -----------

_REMOVED = {
    "solve": "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has its arguments "
    "reversed and does not return the LU factorization.",
    "lstsq": "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.",
    "eig": "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real tensors "
    "mimicking complex tensors.",
    "symeig": "The default behavior has changed from using the upper triangular portion of the matrix by default to "
    "using the lower triangular portion.",
    "matrix_rank": "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was renamed "
    "in `torch.linalg.matrix_rank()` to 'hermitian'.",
}


def _removed(name: str):
    def f(*args, **kwargs):
        sep = "" if _REMOVED[name].startswith("\n") else " "
        raise RuntimeError(f"This function was deprecated since version 1.9 and is now removed.{sep}{_REMOVED[name]}")

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"torch.{name}: removed in torch 1.9; raises as torch does."
    return f


for _n in _REMOVED:
    FUNCTIONS[_n] = _removed(_n)
    if _n != "matrix_rank":
        METHODS[_n] = _removed(_n)


# --- runtime switches torch exposes at top level -------------------------------------------------------

_runtime = {"warn_always": False, "interop_threads": None}
_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


@torch_op(method=False)
def get_deterministic_debug_mode() -> int:
    from jtorch import _flags

    return 0 if not _flags._state["deterministic"] else (1 if _flags._state["warn_only"] else 2)


@torch_op(method=False)
def set_deterministic_debug_mode(debug_mode) -> None:
    """0/"default", 1/"warn", 2/"error": the same switch as ``use_deterministic_algorithms``."""
    from jtorch import _flags

    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    _flags.use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


@torch_op(method=False)
def set_warn_always(b: bool) -> None:
    """Recorded only: jtorch's warnings follow Python's own filters."""
    _runtime["warn_always"] = bool(b)


@torch_op(method=False)
def is_warn_always_enabled() -> bool:
    return _runtime["warn_always"]


@torch_op(method=False)
def get_num_interop_threads() -> int:
    import os

    n = _runtime["interop_threads"]
    return n if n is not None else (os.cpu_count() or 1)


@torch_op(method=False)
def set_num_interop_threads(num: int) -> None:
    """Recorded only: XLA sizes its own thread pools."""
    if num <= 0:
        raise RuntimeError("Expected positive number of threads")
    _runtime["interop_threads"] = int(num)


@torch_op(method=False)
def init_num_threads() -> None:
    return None


@torch_op(method=False)
def set_flush_denormal(mode: bool) -> bool:
    """False, as torch answers on CPUs where it cannot: jax exposes no flush-to-zero switch."""
    return False


@torch_op(method=False)
def is_storage(obj) -> bool:
    return False  # jtorch has no Storage objects


@torch_op(method=False)
def is_distributed(input: Tensor) -> bool:
    return False


@torch_op(method=False)
def get_device(input: Tensor) -> int:
    return input.get_device()


# --- small Tensor API pieces -------------------------------------------------------------------------

for _dev in ("is_xla", "is_xpu", "is_ipu", "is_maia", "is_mtia"):
    METHODS[_dev] = property(lambda self: False, doc="False: jtorch tensors live on JAX's CPU/GPU/TPU devices.")


@tensor_method()
def dim_order(self: Tensor, *, ambiguity_check=False) -> tuple:
    return tuple(range(self.ndim))  # jtorch tensors are always contiguous


@tensor_method()
def new_empty_strided(self: Tensor, size, stride, *, dtype=None, device=None, requires_grad=False, **kwargs) -> Tensor:
    """Strides are ignored (jtorch tensors are contiguous); values are zeros (uninitialised in torch)."""
    out = F["zeros"](tuple(size), dtype=dtype or self.dtype, device=device or self.device)
    return out.requires_grad_(requires_grad)


@tensor_method()
def map2_(self: Tensor, x: Tensor, y: Tensor, callable) -> Tensor:
    if self.requires_grad or x.requires_grad or y.requires_grad:
        raise RuntimeError("Can't call map2_() on Variable that requires grad. Use var.detach().map2_() instead.")
    arr = np.asarray(self._data)
    a, b = (np.broadcast_to(np.asarray(t._data), arr.shape) for t in (x, y))
    out = np.vectorize(callable, otypes=[arr.dtype])(arr, a, b) if arr.size else arr
    self._assign_array(jnp.asarray(out, arr.dtype))
    return self


@torch_op()
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``nonzero`` padded (with ``fill_value``) or truncated to ``size`` rows: a static shape, so it
    also runs under jit (``jnp.nonzero(size=...)``)."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got size: {size}")
    return apply("nonzero_static", _nonzero_static, [input], (("size", int(size)), ("fill", int(fill_value))))


def _nonzero_static(a, *, size, fill):
    a = a.reshape(1) if a.ndim == 0 else a
    idx = jnp.nonzero(a, size=size, fill_value=fill)
    return jnp.stack(idx, axis=1).astype(jnp.int64) if idx else jnp.zeros((size, 0), jnp.int64)


@torch_op(method=False)
def nuclear_norm(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Deprecated in torch (kept for JIT): ``linalg.matrix_norm(input, 'nuc', dim)``."""
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    return _linalg().matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else tuple(dim), keepdim=keepdim)


@torch_op(method=False)
def frobenius_norm(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    return _linalg().vector_norm(input, 2, dim=tuple(dim) if isinstance(dim, (list, tuple)) else dim, keepdim=keepdim)


@torch_op(method=False)
def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The norm over every dim but ``dim`` (weight_norm's helper), keeping dims; ``dim=-1``: the whole norm."""
    if dim == -1:
        return _linalg().vector_norm(v, pow)
    d = wrap_dim(dim, v.ndim)
    others = tuple(i for i in range(v.ndim) if i != d)
    return _linalg().vector_norm(v, pow, dim=others, keepdim=True) if others else v.abs()


# --- control flow -------------------------------------------------------------------------------------


def _traced(t) -> bool:
    return isinstance(t, Tensor) and isinstance(t._data, jax.core.Tracer)


@torch_op(method=False)
def cond(pred, true_fn, false_fn, operands=()):
    """Run ``true_fn(*operands)`` or ``false_fn(*operands)``. Eagerly (and with a concrete ``pred``)
    the chosen branch runs as Python, on the tape; with a traced ``pred`` (inside jtorch.compile/jit)
    it becomes ``jax.lax.cond`` over both branches (no gradients through it then)."""
    from jtorch.func import _arrays, _tensors

    if isinstance(pred, Tensor) and pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    operands = tuple(operands)
    if _traced(pred):

        def branch(fn):
            return lambda *a: _arrays(fn(*_tensors(a)))

        return _tensors(jax.lax.cond(pred._data.reshape(()), branch(true_fn), branch(false_fn), *_arrays(operands)))
    return true_fn(*operands) if bool(pred) else false_fn(*operands)


@torch_op(method=False)
def while_loop(cond_fn, body_fn, carried_inputs):
    """Iterate ``carried = body_fn(*carried)`` while ``cond_fn(*carried)``; eagerly a Python loop (on
    the tape), under tracing ``jax.lax.while_loop``."""
    from jtorch.func import _arrays, _tensors

    carried = tuple(carried_inputs)
    first = cond_fn(*carried)
    if _traced(first) or any(_traced(c) for c in carried):
        out = jax.lax.while_loop(
            lambda a: jnp.asarray(_arrays(cond_fn(*_tensors(a)))).reshape(()),
            lambda a: tuple(_arrays(body_fn(*_tensors(a)))),
            tuple(_arrays(carried)),
        )
        return _tensors(out)
    while bool(first):
        carried = tuple(body_fn(*carried))
        first = cond_fn(*carried)
    return carried


# --- torch.<op>_ : the top-level in-place forms torch exposes ---------------------------------------

_TOP_LEVEL_INPLACE = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ ceil_ "
    "clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ cosh_ deg2rad_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ "
    "floor_ frac_ i0_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ relu_ round_ "
    "rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ zero_ gcd_ lcm_ ldexp_ index_put_"
).split()
for _n in _TOP_LEVEL_INPLACE:
    if _n in METHODS and _n not in FUNCTIONS:
        FUNCTIONS[_n] = METHODS[_n]


def index_put_(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    return input.index_put_(indices, values, accumulate)


FUNCTIONS["index_put_"] = index_put_

# torch.vmap is torch.func.vmap; anomaly-mode switches are also top-level in torch
from jtorch.func import vmap  # noqa: E402

FUNCTIONS["vmap"] = vmap
for _n in ("is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled"):
    FUNCTIONS[_n] = getattr(grad_mode, _n)
