"""torch.fft over ``jnp.fft``: every transform is one op through ``dispatch.apply``.

torch's dtypes: real and integer inputs compute in their floating type (integers in the default
dtype) and give the matching complex dtype (float32 -> complex64); the Hermitian transforms are
written with the real ones (``hfftn(x) = irfftn(conj(x))`` and ``ihfftn(x) = conj(rfftn(x))`` with
the dual normalisation), as ATen does.
"""

from __future__ import annotations

import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops._util import wrap_dim
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import FUNCTIONS
from jtorch._tensor import Tensor

__all__ = [
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
    "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]  # fmt: skip

_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}
_COMPLEX = {"float32": _dtype.complex64, "float64": _dtype.complex128}


def _norm(norm: str | None) -> str:
    norm = "backward" if norm is None else norm
    if norm not in _DUAL:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _real_dtype(x: Tensor, name: str) -> _dtype.dtype:
    d = x.dtype
    if d.is_complex:
        raise RuntimeError(f"{name} expects a real input tensor, but got {_dtype.type_name(d)}")
    return d if d.is_floating_point else _dtype.get_default_dtype()


def _complex_dtype(x: Tensor) -> _dtype.dtype:
    d = x.dtype
    if d.is_complex:
        return d
    d = d if d.is_floating_point else _dtype.get_default_dtype()
    if str(d.np) not in _COMPLEX:
        raise RuntimeError(f"Unsupported dtype {_dtype.type_name(d)}")
    return _COMPLEX[str(d.np)]


def _dims(x: Tensor, s, dim, default_all: bool):
    """(sizes or None per dim, dims) as torch resolves ``s`` and ``dim``."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(wrap_dim(d, x.ndim) for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > x.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions.")
        dims = tuple(range(x.ndim - len(s), x.ndim))
    else:
        dims = tuple(range(x.ndim)) if default_all else tuple(range(x.ndim - 2, x.ndim))
    sizes = [None if s is None or s[i] == -1 else int(s[i]) for i in range(len(dims))]
    for n in sizes:
        if n is not None and n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return sizes, dims


def _c2c(a, *, s, axes, norm, inverse, dt):
    f = jnp.fft.ifftn if inverse else jnp.fft.fftn
    return f(a.astype(dt), s=s, axes=axes, norm=norm)


def _r2c(a, *, s, axes, norm, dt, conj):
    out = jnp.fft.rfftn(a.astype(dt), s=s, axes=axes, norm=norm)
    return jnp.conj(out) if conj else out


def _c2r(a, *, s, axes, norm, dt, conj):
    a = a.astype(dt)
    return jnp.fft.irfftn(jnp.conj(a) if conj else a, s=s, axes=axes, norm=norm)


def _fill(x: Tensor, sizes, dims) -> tuple:
    return tuple(x.shape[d] if n is None else n for n, d in zip(sizes, dims))


def _cc(x, s, dim, norm, inverse, default_all=True):
    sizes, dims = _dims(x, s, dim, default_all)
    dt = _complex_dtype(x)
    st = (("s", _fill(x, sizes, dims)), ("axes", dims), ("norm", _norm(norm)), ("inverse", inverse), ("dt", dt.np))
    return apply("FftC2CBackward0", _c2c, [x], st)


def _rc(x, s, dim, norm, name, default_all=True, hermitian=False):
    sizes, dims = _dims(x, s, dim, default_all)
    dt = _real_dtype(x, name)
    norm = _norm(norm)
    st = (
        ("s", _fill(x, sizes, dims)),
        ("axes", dims),
        ("norm", _DUAL[norm] if hermitian else norm),
        ("dt", dt.np),
        ("conj", hermitian),
    )
    return apply("FftR2CBackward0", _r2c, [x], st)


def _cr(x, s, dim, norm, default_all=True, hermitian=False):
    sizes, dims = _dims(x, s, dim, default_all)
    full = _fill(x, sizes, dims)
    if sizes[-1] is None:
        full = full[:-1] + (2 * (x.shape[dims[-1]] - 1),)
    if full[-1] < 1:
        raise RuntimeError(f"Invalid number of data points ({full[-1]}) specified")
    dt = _complex_dtype(x)
    norm = _norm(norm)
    st = (("s", full), ("axes", dims), ("norm", _DUAL[norm] if hermitian else norm), ("dt", dt.np), ("conj", hermitian))
    return apply("FftC2RBackward0", _c2r, [x], st)


def _one(n):
    return None if n is None else (n,)


def fft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
    return _cc(input, _one(n), dim, norm, False)


def ifft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
    return _cc(input, _one(n), dim, norm, True)


def fft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None) -> Tensor:
    return _cc(input, s, dim, norm, False)


def ifft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None) -> Tensor:
    return _cc(input, s, dim, norm, True)


def fftn(input: Tensor, s=None, dim=None, norm: str | None = None) -> Tensor:
    return _cc(input, s, dim, norm, False)


def ifftn(input: Tensor, s=None, dim=None, norm: str | None = None) -> Tensor:
    return _cc(input, s, dim, norm, True)


def rfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
    return _rc(input, _one(n), dim, norm, "rfft")


def irfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
    return _cr(input, _one(n), dim, norm)


def rfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None) -> Tensor:
    return _rc(input, s, dim, norm, "rfftn")


def irfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None) -> Tensor:
    return _cr(input, s, dim, norm)


def rfftn(input: Tensor, s=None, dim=None, norm: str | None = None) -> Tensor:
    return _rc(input, s, dim, norm, "rfftn")


def irfftn(input: Tensor, s=None, dim=None, norm: str | None = None) -> Tensor:
    return _cr(input, s, dim, norm)


def hfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
    return _cr(input, _one(n), dim, norm, hermitian=True)


def ihfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None) -> Tensor:
    return _rc(input, _one(n), dim, norm, "ihfft", hermitian=True)


def hfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None) -> Tensor:
    return _cr(input, s, dim, norm, hermitian=True)


def ihfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None) -> Tensor:
    return _rc(input, s, dim, norm, "ihfftn", hermitian=True)


def hfftn(input: Tensor, s=None, dim=None, norm: str | None = None) -> Tensor:
    return _cr(input, s, dim, norm, hermitian=True)


def ihfftn(input: Tensor, s=None, dim=None, norm: str | None = None) -> Tensor:
    return _rc(input, s, dim, norm, "ihfftn", hermitian=True)


def _freq(n, d, dtype, device, requires_grad, rfft_: bool) -> Tensor:
    dt = _dtype.get_default_dtype() if dtype is None else dtype
    vals = jnp.fft.rfftfreq(n, d) if rfft_ else jnp.fft.fftfreq(n, d)
    out = FUNCTIONS["tensor"](vals.astype(jnp.float64), dtype=dt, device=device)
    return out.requires_grad_(requires_grad)


def fftfreq(n: int, d: float = 1.0, *, dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:
    return _freq(n, d, dtype, device, requires_grad, False)


def rfftfreq(n: int, d: float = 1.0, *, dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:
    return _freq(n, d, dtype, device, requires_grad, True)


def _roll(a, *, shifts, axes):
    return jnp.roll(a, shifts, axes) if axes else a


def _shift(x: Tensor, dim, inverse: bool) -> Tensor:
    if dim is None:
        dims = tuple(range(x.ndim))
    else:
        dims = tuple(wrap_dim(d, x.ndim) for d in ((dim,) if isinstance(dim, int) else dim))
    shifts = tuple((x.shape[d] + 1) // 2 if inverse else x.shape[d] // 2 for d in dims)
    return apply("RollBackward0", _roll, [x], (("shifts", shifts), ("axes", dims)))


def fftshift(input: Tensor, dim=None) -> Tensor:
    return _shift(input, dim, False)


def ifftshift(input: Tensor, dim=None) -> Tensor:
    return _shift(input, dim, True)
