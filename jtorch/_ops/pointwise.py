"""Elementwise ops: arithmetic, comparisons, unary math, with torch's promotion rules.

Each op is a pure JAX function plus a torch-signature wrapper; the factories below build the
common shapes (binary with promotion, unary float-valued, comparisons) so each op is one line.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
from jax.scipy import special as jsp

from jtorch import _dtype
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._ops._util import float_dtype_for, to_operand
from jtorch._tensor import Tensor

# --- factories ---------------------------------------------------------------------------------


def _check_alpha(dt, alpha):
    if isinstance(alpha, float) and not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if dt is _dtype.bool and not isinstance(alpha, bool) and alpha not in (0, 1):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def binary(name: str, jfn, grad_name: str, *, float_result: bool = False, inplace: bool = True, aliases=(), method: bool = True):
    """An elementwise binary op ``jfn(a, b)`` computed in torch's promoted dtype."""

    def fn(a, b, *, dt):
        return jfn(a.astype(dt), b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt))

    fn.__name__ = name

    def op(input, other):
        input, other = to_operand(input, "input"), to_operand(other)
        dt = _dtype.result_type(input, other)
        if float_result:
            dt = float_dtype_for(dt)
        if not isinstance(input, Tensor):
            input = Tensor._wrap(jnp.asarray(input, dt.np))
        return apply(grad_name, fn, [input, other], (("dt", dt.np),))

    op.__name__ = name
    return torch_op(name, inplace=inplace, aliases=aliases, method=method)(op)


def comparison(name: str, jfn, aliases=()):
    def fn(a, b, *, dt):
        return jfn(a.astype(dt), b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt))

    fn.__name__ = name

    def op(input, other):
        input, other = to_operand(input, "input"), to_operand(other)
        dt = _dtype.result_type(input, other)
        if not isinstance(input, Tensor):
            input = Tensor._wrap(jnp.asarray(input, dt.np))
        out = apply(name, fn, [input, other], (("dt", dt.np),))
        return out

    op.__name__ = name

    def inplace_op(self, other):
        return self._inplace(op(self, other).to(self.dtype))

    from jtorch._ops.registry import METHODS

    torch_op(name, aliases=aliases)(op)
    for n in (name,) + tuple(aliases):
        METHODS[n + "_"] = inplace_op
    return op


def unary(name: str, jfn, grad_name: str, *, float_result: bool = True, inplace: bool = True, aliases=(), int_ok: bool = True):
    """An elementwise unary op; ``float_result`` ops give integer inputs the default float dtype."""

    def fn(a, *, dt):
        return jfn(a.astype(dt))

    fn.__name__ = name

    def op(input):
        dt = input.dtype
        if float_result:
            dt = float_dtype_for(dt)
        elif not int_ok and not (dt.is_floating_point or dt.is_complex):
            raise NotImplementedError(f'"{name}" not implemented for \'{_dtype.type_name(dt)}\'')
        return apply(grad_name, fn, [input], (("dt", dt.np),))

    op.__name__ = name
    return torch_op(name, inplace=inplace, aliases=aliases)(op)


# --- arithmetic ----------------------------------------------------------------------------------


def _add(a, b, alpha, *, dt):
    b = b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt)
    return a.astype(dt) + (b if alpha is None else alpha * b)


def _sub(a, b, alpha, *, dt):
    b = b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt)
    return a.astype(dt) - (b if alpha is None else alpha * b)


@torch_op(inplace=True)
def add(input, other, *, alpha=1):
    input, other = to_operand(input, "input"), to_operand(other)
    dt = _dtype.result_type(input, other)
    _check_alpha(dt, alpha)
    if not isinstance(input, Tensor):
        input = Tensor._wrap(jnp.asarray(input, dt.np))
    return apply("AddBackward0", _add, [input, other, None if alpha == 1 else alpha], (("dt", dt.np),))


@torch_op(inplace=True, aliases=("subtract",))
def sub(input, other, *, alpha=1):
    input, other = to_operand(input, "input"), to_operand(other)
    dt = _dtype.result_type(input, other)
    if dt is _dtype.bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
        )
    _check_alpha(dt, alpha)
    if not isinstance(input, Tensor):
        input = Tensor._wrap(jnp.asarray(input, dt.np))
    return apply("SubBackward0", _sub, [input, other, None if alpha == 1 else alpha], (("dt", dt.np),))


mul = binary("mul", jnp.multiply, "MulBackward0", aliases=("multiply",))


def _div(a, b, *, dt, mode):
    a = a.astype(dt)
    b = b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt)
    if mode is None:
        return a / b
    if mode == "trunc":
        if jnp.issubdtype(dt, jnp.integer):
            q = jnp.abs(a) // jnp.abs(b)
            return jnp.where((a < 0) != (b < 0), -q, q).astype(dt)
        return jnp.trunc(a / b)
    if jnp.issubdtype(dt, jnp.integer):
        return jnp.floor_divide(a, b)
    return jnp.floor(a / b)


@torch_op(inplace=True, aliases=("divide",))
def div(input, other, *, rounding_mode=None):
    input, other = to_operand(input, "input"), to_operand(other)
    dt = _dtype.result_type(input, other)
    if rounding_mode is None:
        dt = float_dtype_for(dt)
    elif rounding_mode not in ("trunc", "floor"):
        raise ValueError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    if not isinstance(input, Tensor):
        input = Tensor._wrap(jnp.asarray(input, dt.np))
    return apply("DivBackward0", _div, [input, other], (("dt", dt.np), ("mode", rounding_mode)))


@torch_op(inplace=True)
def true_divide(input, other):
    return div(input, other)


@torch_op(inplace=True)
def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def _remainder(a, b):
    return jnp.remainder(a, b)


remainder = binary("remainder", jnp.remainder, "RemainderBackward0")
fmod = binary("fmod", jnp.fmod, "FmodBackward0")
atan2 = binary("atan2", jnp.arctan2, "Atan2Backward0", float_result=True, aliases=("arctan2",))
hypot = binary("hypot", jnp.hypot, "HypotBackward0")
maximum = binary("maximum", jnp.maximum, "MaximumBackward0", inplace=False)
minimum = binary("minimum", jnp.minimum, "MinimumBackward0", inplace=False)
fmax = binary("fmax", jnp.fmax, "FmaxBackward0", inplace=False)
fmin = binary("fmin", jnp.fmin, "FminBackward0", inplace=False)
copysign = binary("copysign", jnp.copysign, "CopysignBackward0", float_result=True)
logaddexp = binary("logaddexp", jnp.logaddexp, "LogaddexpBackward0", float_result=True, inplace=False)
logaddexp2 = binary("logaddexp2", jnp.logaddexp2, "Logaddexp2Backward0", float_result=True, inplace=False)
xlogy = binary("xlogy", jsp.xlogy, "XlogyBackward0", float_result=True)
nextafter = binary("nextafter", jnp.nextafter, "NextafterBackward0")
heaviside = binary("heaviside", lambda a, b: jnp.where(a == 0, b, (a > 0).astype(a.dtype)), "HeavisideBackward0")
bitwise_and = binary("bitwise_and", jnp.bitwise_and, "BitwiseAndBackward0", aliases=("__and__",))
bitwise_or = binary("bitwise_or", jnp.bitwise_or, "BitwiseOrBackward0", aliases=("__or__",))
bitwise_xor = binary("bitwise_xor", jnp.bitwise_xor, "BitwiseXorBackward0", aliases=("__xor__",))
bitwise_left_shift = binary("bitwise_left_shift", jnp.left_shift, "BitwiseLeftShiftBackward0", aliases=("__lshift__",))
bitwise_right_shift = binary("bitwise_right_shift", jnp.right_shift, "BitwiseRightShiftBackward0", aliases=("__rshift__",))


def _pow(a, b, *, dt):
    a = a.astype(dt)
    b = b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt)
    if jnp.issubdtype(dt, jnp.integer):
        return jnp.power(a, b)
    return jnp.power(a, b)


@torch_op(inplace=True)
def pow(input, exponent):
    input, exponent = to_operand(input, "input"), to_operand(exponent, "exponent")
    dt = _dtype.result_type(input, exponent)
    if isinstance(exponent, Tensor) and not isinstance(input, Tensor):
        input = Tensor._wrap(jnp.asarray(input, dt.np))
        return apply("PowBackward1", _pow, [input, exponent], (("dt", dt.np),))
    if isinstance(exponent, int) and not isinstance(exponent, bool) and exponent < 0 and not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    name = "PowBackward1" if isinstance(exponent, Tensor) else "PowBackward0"
    return apply(name, _pow, [input, exponent], (("dt", dt.np),))


@torch_op(inplace=True)
def float_power(input, exponent):
    dt = _dtype.float64
    if (isinstance(input, Tensor) and input.is_complex()) or (isinstance(exponent, Tensor) and exponent.is_complex()) or isinstance(exponent, builtins.complex):
        dt = _dtype.complex128
    input = input.to(dt) if isinstance(input, Tensor) else Tensor._wrap(jnp.asarray(input, dt.np))
    return pow(input, exponent.to(dt) if isinstance(exponent, Tensor) else exponent)


def _lerp(a, b, w, *, dt):
    a, b = a.astype(dt), b.astype(dt)
    return a + w * (b - a)


@torch_op(inplace=True)
def lerp(input, end, weight):
    dt = _dtype.result_type(input, end)
    return apply("LerpBackward0", _lerp, [input, end, to_operand(weight, "weight")], (("dt", dt.np),))


def _addcmul(a, t1, t2, value, *, dt):
    return a.astype(dt) + value * t1.astype(dt) * t2.astype(dt)


def _addcdiv(a, t1, t2, value, *, dt):
    return a.astype(dt) + value * t1.astype(dt) / t2.astype(dt)


@torch_op(inplace=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    dt = _dtype.result_type(input, tensor1, tensor2)
    return apply("AddcmulBackward0", _addcmul, [input, tensor1, tensor2, value], (("dt", dt.np),))


@torch_op(inplace=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    dt = _dtype.result_type(input, tensor1, tensor2)
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true "
            "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
            "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * "
            "tensor1 / tensor2), for all dtypes."
        )
    return apply("AddcdivBackward0", _addcdiv, [input, tensor1, tensor2, value], (("dt", dt.np),))


# --- comparisons and logic -------------------------------------------------------------------------

eq = comparison("eq", jnp.equal)
ne = comparison("ne", jnp.not_equal, aliases=("not_equal",))
lt = comparison("lt", jnp.less, aliases=("less",))
le = comparison("le", jnp.less_equal, aliases=("less_equal",))
gt = comparison("gt", jnp.greater, aliases=("greater",))
ge = comparison("ge", jnp.greater_equal, aliases=("greater_equal",))
logical_and = comparison("logical_and", jnp.logical_and)
logical_or = comparison("logical_or", jnp.logical_or)
logical_xor = comparison("logical_xor", jnp.logical_xor)


def _logical_not(a):
    return jnp.logical_not(a)


@torch_op()
def logical_not(input):
    return apply("logical_not", _logical_not, [input])


@tensor_method("logical_not_")
def _logical_not_(self):
    return self._inplace(logical_not(self).to(self.dtype))


def _bitwise_not(a):
    if a.dtype == jnp.bool_:
        return jnp.logical_not(a)
    return jnp.invert(a)


@torch_op(inplace=True)
def bitwise_not(input):
    if input.dtype.is_floating_point or input.dtype.is_complex:
        raise RuntimeError(f'"bitwise_not_cpu" not implemented for \'{_dtype.type_name(input.dtype)}\'')
    return apply("bitwise_not", _bitwise_not, [input])


# --- unary ---------------------------------------------------------------------------------------

exp = unary("exp", jnp.exp, "ExpBackward0")
exp2 = unary("exp2", jnp.exp2, "Exp2Backward0")
expm1 = unary("expm1", jnp.expm1, "Expm1Backward0")
log = unary("log", jnp.log, "LogBackward0")
log2 = unary("log2", jnp.log2, "Log2Backward0")
log10 = unary("log10", jnp.log10, "Log10Backward0")
log1p = unary("log1p", jnp.log1p, "Log1PBackward0")
sqrt = unary("sqrt", jnp.sqrt, "SqrtBackward0")
rsqrt = unary("rsqrt", jax.lax.rsqrt, "RsqrtBackward0")
sin = unary("sin", jnp.sin, "SinBackward0")
cos = unary("cos", jnp.cos, "CosBackward0")
tan = unary("tan", jnp.tan, "TanBackward0")
asin = unary("asin", jnp.arcsin, "AsinBackward0", aliases=("arcsin",))
acos = unary("acos", jnp.arccos, "AcosBackward0", aliases=("arccos",))
atan = unary("atan", jnp.arctan, "AtanBackward0", aliases=("arctan",))
sinh = unary("sinh", jnp.sinh, "SinhBackward0")
cosh = unary("cosh", jnp.cosh, "CoshBackward0")
tanh = unary("tanh", jnp.tanh, "TanhBackward0")
asinh = unary("asinh", jnp.arcsinh, "AsinhBackward0", aliases=("arcsinh",))
acosh = unary("acosh", jnp.arccosh, "AcoshBackward0", aliases=("arccosh",))
atanh = unary("atanh", jnp.arctanh, "AtanhBackward0", aliases=("arctanh",))
sigmoid = unary("sigmoid", jax.nn.sigmoid, "SigmoidBackward0")
erf = unary("erf", jsp.erf, "ErfBackward0")
erfc = unary("erfc", jsp.erfc, "ErfcBackward0")
erfinv = unary("erfinv", jsp.erfinv, "ErfinvBackward0")
lgamma = unary("lgamma", jsp.gammaln, "LgammaBackward0")
digamma = unary("digamma", jsp.digamma, "DigammaBackward0")
sinc = unary("sinc", jnp.sinc, "SincBackward0")
deg2rad = unary("deg2rad", jnp.deg2rad, "Deg2RadBackward0")
rad2deg = unary("rad2deg", jnp.rad2deg, "Rad2DegBackward0")
reciprocal = unary("reciprocal", jnp.reciprocal, "ReciprocalBackward0")
i0 = unary("i0", jsp.i0, "I0Backward0")
neg = unary("neg", jnp.negative, "NegBackward0", float_result=False, aliases=("negative",))
abs = unary("abs", jnp.abs, "AbsBackward0", float_result=False, aliases=("absolute",))
square = unary("square", jnp.square, "PowBackward0", float_result=False)
sign = unary("sign", jnp.sign, "SignBackward0", float_result=False)
sgn = unary("sgn", jnp.sign, "SgnBackward0", float_result=False)
floor = unary("floor", jnp.floor, "FloorBackward0", float_result=False)
ceil = unary("ceil", jnp.ceil, "CeilBackward0", float_result=False)
trunc = unary("trunc", jnp.trunc, "TruncBackward0", float_result=False, aliases=("fix",))
frac = unary("frac", lambda a: a - jnp.trunc(a), "FracBackward0", float_result=False, int_ok=False)
relu = unary("relu", jax.nn.relu, "ReluBackward0", float_result=False)


def _signbit(a):
    return jnp.signbit(a)


@torch_op()
def signbit(input):
    return apply("signbit", _signbit, [input])


def _round(a, *, decimals):
    if decimals == 0:
        return jnp.round(a)
    return jnp.round(a, decimals)


@torch_op(inplace=True)
def round(input, *, decimals=0):
    return apply("RoundBackward0" if decimals == 0 else "RoundBackward1", _round, [input], (("decimals", decimals),))


def _logit(a, eps, *, dt):
    a = a.astype(dt)
    if eps is not None:
        a = jnp.clip(a, eps, 1 - eps)
    return jnp.log(a / (1 - a))


@torch_op(inplace=True)
def logit(input, eps=None):
    return apply("LogitBackward0", _logit, [input, eps], (("dt", float_dtype_for(input.dtype).np),))


def _clamp(a, lo, hi, *, dt):
    a = a.astype(dt)
    if lo is not None:
        a = jnp.maximum(a, jnp.asarray(lo).astype(dt))
    if hi is not None:
        a = jnp.minimum(a, jnp.asarray(hi).astype(dt))
    return a


@torch_op(inplace=True, aliases=("clip",))
def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = (to_operand(v, "min") if v is not None else None for v in (min, max))
    dt = _dtype.result_type(input, min, max)
    name = "ClampBackward1" if isinstance(min, Tensor) or isinstance(max, Tensor) else ("ClampMinBackward0" if max is None else "ClampMaxBackward0" if min is None else "ClampBackward1")
    return apply(name, _clamp, [input, min, max], (("dt", dt.np),))


@torch_op(inplace=True)
def clamp_min(input, min):
    return clamp(input, min=min)


@torch_op(inplace=True)
def clamp_max(input, max):
    return clamp(input, max=max)


def _where(c, a, b, *, dt):
    a = a.astype(dt) if hasattr(a, "astype") else jnp.asarray(a, dt)
    b = b.astype(dt) if hasattr(b, "astype") else jnp.asarray(b, dt)
    return jnp.where(c, a, b)


@torch_op()
def where(condition, input=None, other=None):
    if input is None and other is None:
        from jtorch._ops.indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if condition.dtype is not _dtype.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {_dtype.type_name(condition.dtype)}")
    input, other = to_operand(input, "input"), to_operand(other)
    dt = _dtype.result_type(input, other)
    return apply("WhereBackward0", _where, [condition, input, other], (("dt", dt.np),))


def _nan_to_num(a, nan, posinf, neginf):
    return jnp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)


@torch_op(inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        return input.clone()
    return apply("NanToNumBackward0", _nan_to_num, [input, nan, posinf, neginf])


for _name, _jfn in (("isnan", jnp.isnan), ("isinf", jnp.isinf), ("isfinite", jnp.isfinite), ("isposinf", jnp.isposinf), ("isneginf", jnp.isneginf), ("isreal", jnp.isreal)):

    def _make(name, jfn):
        def fn(a):
            return jfn(a)

        fn.__name__ = name

        def op(input):
            return apply(name, fn, [input])

        op.__name__ = name
        return torch_op(name)(op)

    globals()[_name] = _make(_name, _jfn)


def _real(a):
    return jnp.real(a)


def _imag(a):
    return jnp.imag(a)


@torch_op()
def real(input):
    return input if not input.is_complex() else apply("RealBackward0", _real, [input])


@torch_op()
def imag(input):
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply("ImagBackward0", _imag, [input])


conj = unary("conj", jnp.conj, "ConjBackward0", float_result=False, inplace=False)
conj_physical = unary("conj_physical", jnp.conj, "ConjPhysicalBackward0", float_result=False)
angle = unary("angle", jnp.angle, "AngleBackward0")


def _polar(a, b):
    return a * jnp.exp(1j * b)


@torch_op(method=False)
def polar(abs, angle):
    return apply("PolarBackward0", _polar, [abs, angle])


def _complex(a, b):
    return jax.lax.complex(a, b)


@torch_op(method=False)
def complex(real, imag):
    return apply("ComplexBackward0", _complex, [real, imag])
