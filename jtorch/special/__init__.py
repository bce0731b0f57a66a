"""torch.special: aliases of jtorch ops where torch has them, the rest over ``jax.scipy.special``
(each one op through ``dispatch.apply``). Functions jax has no kernel for raise NotImplementedError."""

from __future__ import annotations

import jax.numpy as jnp
from jax.scipy import special as jsp

from jtorch import _dtype
from jtorch._ops._util import float_dtype_for, to_operand
from jtorch._ops.dispatch import apply
from jtorch._ops.pointwise import check_kind
from jtorch._ops.registry import FUNCTIONS as F
from jtorch._tensor import Tensor

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1",
    "gammainc", "gammaincc", "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit",
    "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax", "xlog1py",
    "xlogy", "zeta",
]  # fmt: skip

# Aliases: the same registered op (torch.special.erf is torch.erf).
digamma = psi = F["digamma"]
erf, erfc, erfinv = F["erf"], F["erfc"], F["erfinv"]
exp2, expm1, log1p = F["exp2"], F["expm1"], F["log1p"]
expit = F["sigmoid"]
gammaln = F["lgamma"]
i0 = F["i0"]
logit = F["logit"]
logsumexp = F["logsumexp"]
polygamma = F["polygamma"]
multigammaln = F["mvlgamma"]
round = F["round"]  # noqa: A001 - torch's name
sinc = F["sinc"]
xlogy = F["xlogy"]
gammainc, gammaincc = F["igamma"], F["igammac"]


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return F["softmax"](input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return F["log_softmax"](input, dim, dtype=dtype)


def _unary(name: str, jfn, kinds: str = "bif"):
    def fn(a, *, dt):
        return jfn(a.astype(dt))

    fn.__name__ = name

    def op(input: Tensor) -> Tensor:
        check_kind(f"{name}_cpu", input.dtype, kinds)
        dt = float_dtype_for(input.dtype)
        return apply(f"Special{name.title().replace('_', '')}Backward0", fn, [input], (("dt", dt.np),))

    op.__name__ = name
    op.__doc__ = f"torch.special.{name} over jax.scipy.special."
    return op


def _entr(a):
    return jnp.where(a > 0, -jsp.xlogy(a, a), jnp.where(a == 0, jnp.zeros_like(a), -jnp.inf))


entr = _unary("entr", _entr)
erfcx = _unary("erfcx", jsp.erfcx)
i0e = _unary("i0e", jsp.i0e)
i1 = _unary("i1", jsp.i1)
i1e = _unary("i1e", jsp.i1e)
ndtr = _unary("ndtr", jsp.ndtr)
ndtri = _unary("ndtri", jsp.ndtri)
log_ndtr = _unary("log_ndtr", jsp.log_ndtr)


def _binary_fn(jfn):
    def fn(a, b, *, dt):
        return jfn(jnp.asarray(a).astype(dt), jnp.asarray(b).astype(dt))

    fn.__name__ = jfn.__name__
    return fn


_xlog1py = _binary_fn(jsp.xlog1py)
_zeta = _binary_fn(jsp.zeta)


def _binary(name, fn, input, other):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments")
    input, other = to_operand(input, "self"), to_operand(other, "other")
    dt = float_dtype_for(_dtype.result_type(input, other))
    if not isinstance(input, Tensor):
        input = Tensor._wrap(jnp.asarray(input, dt.np))
    return apply(f"Special{name.title().replace('_', '')}Backward0", fn, [input, other], (("dt", dt.np),))


def xlog1py(input, other) -> Tensor:
    return _binary("xlog1py", _xlog1py, input, other)


def zeta(input, other) -> Tensor:
    """Hurwitz zeta ``zeta(x, q)``."""
    return _binary("zeta", _zeta, input, other)


def _missing(name: str):
    def f(*args, **kwargs):
        raise NotImplementedError(
            f"torch.special.{name} is not implemented in jtorch: jax.scipy.special has no (accurate) kernel for it"
        )

    f.__name__ = name
    return f


for _name in (
    "airy_ai bessel_j0 bessel_j1 bessel_y0 bessel_y1 modified_bessel_i0 modified_bessel_i1 modified_bessel_k0 modified_bessel_k1 "
    "scaled_modified_bessel_k0 scaled_modified_bessel_k1 spherical_bessel_j0 chebyshev_polynomial_t "
    "chebyshev_polynomial_u chebyshev_polynomial_v chebyshev_polynomial_w shifted_chebyshev_polynomial_t "
    "shifted_chebyshev_polynomial_u shifted_chebyshev_polynomial_v shifted_chebyshev_polynomial_w "
    "hermite_polynomial_h hermite_polynomial_he laguerre_polynomial_l legendre_polynomial_p"
).split():
    globals()[_name] = _missing(_name)
