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
from jtorch._ops._util import float_dtype_for, to_operand
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor
from jtorch.autograd.grad_mode import is_grad_enabled, no_grad

# --- argument and dtype checks -------------------------------------------------------------------


def kind(dt: _dtype.dtype) -> str:
    """'b' bool, 'i' integer, 'f' floating, 'c' complex: the categories torch's kernels dispatch on."""
    if dt is _dtype.bool:
        return "b"
    if dt.is_complex:
        return "c"
    return "f" if dt.is_floating_point else "i"


def check_kind(kernel: str, dt: _dtype.dtype, allow: str) -> None:
    """Raise torch's dispatch error for a dtype the op's kernel does not handle."""
    if kind(dt) not in allow:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_name(dt)}'")


def operand(x, op: str, arg: str, pos: int, number_ok: bool = True):
    """A Tensor, or a Python number where torch's signature has a Scalar overload."""
    if isinstance(x, Tensor):
        return x
    if number_ok:
        return to_operand(x, arg)
    raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def check_no_zero_divisor(other) -> None:
    """Integer division by zero raises in torch (``RuntimeError: ZeroDivisionError``). This needs the
    divisor's values, so it syncs; under tracing (jit) the check is skipped."""
    if isinstance(other, Tensor):
        d = other._data
        if isinstance(d, jax.core.Tracer):
            return
        if other.numel() and bool(jnp.any(d == 0)):
            raise RuntimeError("ZeroDivisionError")
    elif other == 0:
        raise RuntimeError("ZeroDivisionError")


def _cast(x, dt):
    return x.astype(dt) if hasattr(x, "astype") else jnp.asarray(x, dt)


def _as_tensor(x, dt):
    return x if isinstance(x, Tensor) else Tensor._wrap(jnp.asarray(x, dt.np))


def inplace_untracked(self: Tensor, result: Tensor) -> Tensor:
    """Write a non-differentiable result in place the way torch does for logical_*_: the checks of
    any in-place op, then the values only, leaving ``self``'s autograd history as it was."""
    if is_grad_enabled() and self.requires_grad and self.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    node, out_nr = self._node, self._out_nr
    with no_grad():
        self._inplace(Tensor._wrap(result._data))
    self._node, self._out_nr = node, out_nr
    return self


# --- factories ---------------------------------------------------------------------------------


def _check_alpha(dt, alpha):
    # mirrors at::native::alpha_check
    if isinstance(alpha, bool) and dt is not _dtype.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def binary(
    name: str,
    jfn,
    grad_name: str,
    *,
    float_result: bool = False,
    inplace: bool = True,
    aliases=(),
    method: bool = True,
    allow: str = "bifc",
    kernel: str | None = None,
    number_other: bool = True,
    number_input: bool = True,
    int_divisor: bool = False,
):
    """An elementwise binary op ``jfn(a, b)`` computed in torch's promoted dtype.

    ``allow`` lists the dtype kinds the kernel handles (others raise torch's NotImplementedError),
    ``number_other``/``number_input`` whether torch has a Scalar overload for that argument, and
    ``int_divisor`` that integer results raise on a zero divisor as torch does.
    """

    def fn(a, b, *, dt):
        return jfn(a.astype(dt), _cast(b, dt))

    fn.__name__ = name

    def op(input, other):
        input = operand(input, name, "input", 1, number_input)
        other = operand(other, name, "other", 2, number_other)
        dt = _dtype.result_type(input, other)
        check_kind(kernel or f"{name}_cpu", dt, allow)
        if float_result:
            dt = float_dtype_for(dt)
        elif int_divisor and kind(dt) in "ib":
            check_no_zero_divisor(other)
        return apply(grad_name, fn, [_as_tensor(input, dt), other], (("dt", dt.np),))

    op.__name__ = name
    return torch_op(name, inplace=inplace, aliases=aliases, method=method)(op)


def comparison(name: str, jfn, aliases=(), number_other: bool = True):
    """A comparison or logical op: bool result; the in-place form writes it in ``self``'s dtype."""

    def fn(a, b, *, dt, out_dt=None):
        r = jfn(a.astype(dt), _cast(b, dt))
        return r if out_dt is None else r.astype(out_dt)

    fn.__name__ = name

    def prepare(input, other):
        input = operand(input, name, "input", 1, False)
        other = operand(other, name, "other", 2, number_other)
        return input, other, _dtype.result_type(input, other)

    def op(input, other):
        input, other, dt = prepare(input, other)
        return apply(name, fn, [input, other], (("dt", dt.np),))

    op.__name__ = name

    def inplace_op(self, other):
        self, other, dt = prepare(self, other)
        if name.startswith("logical"):
            return inplace_untracked(self, op(self, other))
        # computed as one op with a float output, so it is recorded (zero gradient) like torch's eq_
        return self._inplace(apply(name, fn, [self, other], (("dt", dt.np), ("out_dt", self.dtype.np))))

    from jtorch._ops.registry import METHODS

    torch_op(name, aliases=aliases)(op)
    for n in (name,) + tuple(aliases):
        METHODS[n + "_"] = inplace_op
    return op


def unary(
    name: str,
    jfn,
    grad_name: str,
    *,
    float_result: bool = True,
    inplace: bool = True,
    aliases=(),
    allow: str = "bifc",
    kernel: str | None = None,
):
    """An elementwise unary op; ``float_result`` ops give integer and bool inputs the default float dtype."""

    def fn(a, *, dt):
        return jfn(a.astype(dt))

    fn.__name__ = name

    def op(input):
        input = operand(input, name, "input", 1, False)
        dt = input.dtype
        check_kind(kernel or f"{name}_cpu", dt, allow)
        if float_result:
            dt = float_dtype_for(dt)
        return apply(grad_name, fn, [input], (("dt", dt.np),))

    op.__name__ = name
    return torch_op(name, inplace=inplace, aliases=aliases)(op)


def identity_for_ints(name: str, jfn, grad_name: str, *, kernel: str, aliases=()):
    """floor/ceil/trunc/round: integers pass through unchanged, bool is rejected as torch does."""

    def fn(a):
        return jfn(a)

    fn.__name__ = name

    def op(input):
        input = operand(input, name, "input", 1, False)
        check_kind(kernel, input.dtype, "ifc")
        if kind(input.dtype) == "i":
            return input.clone()
        return apply(grad_name, fn, [input])

    op.__name__ = name
    return torch_op(name, inplace=True, aliases=aliases)(op)


# --- arithmetic ----------------------------------------------------------------------------------


def _add(a, b, alpha, *, dt):
    b = _cast(b, dt)
    return a.astype(dt) + (b if alpha is None else (alpha * b).astype(dt))


def _sub(a, b, alpha, *, dt):
    b = _cast(b, dt)
    return a.astype(dt) - (b if alpha is None else alpha * b)


def _is_bool(x) -> bool:
    return x.dtype is _dtype.bool if isinstance(x, Tensor) else isinstance(x, bool)


@torch_op(inplace=True)
def add(input, other, *, alpha=1):
    input, other = to_operand(input, "input"), to_operand(other)
    dt = _dtype.result_type(input, other)
    _check_alpha(dt, alpha)
    return apply("AddBackward0", _add, [_as_tensor(input, dt), other, None if alpha == 1 else alpha], (("dt", dt.np),))


@torch_op(inplace=True, aliases=("subtract",))
def sub(input, other, *, alpha=1):
    input, other = to_operand(input, "input"), to_operand(other)
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
        )
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
            "use the `~` or `logical_not()` operator instead."
        )
    dt = _dtype.result_type(input, other)
    _check_alpha(dt, alpha)
    return apply("SubBackward0", _sub, [_as_tensor(input, dt), other, None if alpha == 1 else alpha], (("dt", dt.np),))


mul = binary("mul", jnp.multiply, "MulBackward0", aliases=("multiply",))


def _floor_div_float(a, b):
    # ATen's div_floor_floating: floor of the exact quotient via fmod, so (a - a % b) / b is exact
    mod = jnp.fmod(a, b)
    div = (a - mod) / b
    div = jnp.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floordiv = jnp.floor(div)
    floordiv = jnp.where(div - floordiv > 0.5, floordiv + 1, floordiv)
    floordiv = jnp.where(div == 0, jnp.copysign(jnp.zeros_like(div), a / b), floordiv)
    return jnp.where(b == 0, a / b, floordiv)


def _div(a, b, *, dt, mode):
    a = a.astype(dt)
    b = _cast(b, dt)
    if mode is None:
        return a / b
    integer = jnp.issubdtype(dt, jnp.integer) or dt == jnp.bool_
    if mode == "trunc":
        if integer:
            q = jnp.abs(a) // jnp.abs(b)
            return jnp.where((a < 0) != (b < 0), -q, q).astype(dt)
        return jnp.trunc(a / b)
    if integer:
        return jnp.floor_divide(a, b)
    return _floor_div_float(a, b)


@torch_op(inplace=True, aliases=("divide",))
def div(input, other, *, rounding_mode=None):
    input, other = to_operand(input, "input"), to_operand(other)
    dt = _dtype.result_type(input, other)
    if rounding_mode is None:
        dt = float_dtype_for(dt)
    elif rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    else:
        check_kind("div_trunc_cpu" if rounding_mode == "trunc" else "div_floor_cpu", dt, "ifc")
        if kind(dt) == "i":
            check_no_zero_divisor(other)
    return apply("DivBackward0", _div, [_as_tensor(input, dt), other], (("dt", dt.np), ("mode", rounding_mode)))


@torch_op(inplace=True)
def true_divide(input, other):
    return div(input, other)


@torch_op(inplace=True)
def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def _heaviside(a, b):
    return jnp.where(a == 0, b, (a > 0).astype(a.dtype))


_cmp_kw = dict(number_other=False, number_input=False)
remainder = binary("remainder", jnp.remainder, "RemainderBackward0", allow="if", int_divisor=True)
fmod = binary("fmod", jnp.fmod, "FmodBackward0", allow="if", int_divisor=True, number_input=False)
atan2 = binary("atan2", jnp.arctan2, "Atan2Backward0", float_result=True, aliases=("arctan2",), **_cmp_kw)
hypot = binary("hypot", jnp.hypot, "HypotBackward0", allow="f", **_cmp_kw)
maximum = binary("maximum", jnp.maximum, "MaximumBackward0", inplace=False, **_cmp_kw)
minimum = binary("minimum", jnp.minimum, "MinimumBackward0", inplace=False, **_cmp_kw)


def _fmax(a, b):
    # ATen's gradient masks: ties and a NaN ``other`` take ``input``
    return jnp.where((a >= b) | jnp.isnan(b), a, b)


def _fmin(a, b):
    return jnp.where((a <= b) | jnp.isnan(b), a, b)


fmax = binary("fmax", _fmax, "FmaxBackward0", inplace=False, **_cmp_kw)
fmin = binary("fmin", _fmin, "FminBackward0", inplace=False, **_cmp_kw)
copysign = binary("copysign", jnp.copysign, "CopysignBackward0", float_result=True, number_input=False)
logaddexp = binary("logaddexp", jnp.logaddexp, "LogaddexpBackward0", allow="fc", inplace=False, **_cmp_kw)
logaddexp2 = binary("logaddexp2", jnp.logaddexp2, "Logaddexp2Backward0", allow="f", inplace=False, **_cmp_kw)
xlogy = binary("xlogy", jsp.xlogy, "XlogyBackward0", float_result=True)
nextafter = binary("nextafter", jnp.nextafter, "NextafterBackward0", allow="f", **_cmp_kw)
_heaviside_op = binary("heaviside", _heaviside, "HeavisideBackward0", allow="bif", **_cmp_kw)


@torch_op(inplace=True)
def heaviside(input, values):
    if isinstance(input, Tensor) and isinstance(values, Tensor) and input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _heaviside_op(input, values)


bitwise_and = binary("bitwise_and", jnp.bitwise_and, "BitwiseAndBackward0", allow="bi", aliases=("__and__",))
bitwise_or = binary("bitwise_or", jnp.bitwise_or, "BitwiseOrBackward0", allow="bi", aliases=("__or__",))
bitwise_xor = binary("bitwise_xor", jnp.bitwise_xor, "BitwiseXorBackward0", allow="bi", aliases=("__xor__",))
bitwise_left_shift = binary(
    "bitwise_left_shift",
    jnp.left_shift,
    "BitwiseLeftShiftBackward0",
    allow="i",
    kernel="lshift_cpu",
    aliases=("__lshift__",),
)
bitwise_right_shift = binary(
    "bitwise_right_shift",
    jnp.right_shift,
    "BitwiseRightShiftBackward0",
    allow="i",
    kernel="rshift_cpu",
    aliases=("__rshift__",),
)


def _pow(a, b, *, dt):
    return jnp.power(a.astype(dt), _cast(b, dt))


def _pow_static(a, *, dt, exponent):
    # small constant exponents use exact kernels, as ATen's pow_tensor_scalar does (x*x, sqrt, 1/x...)
    a = a.astype(dt)
    if exponent == 0.5:
        return jnp.sqrt(a)
    if exponent == -0.5:
        return jax.lax.rsqrt(a)
    return jax.lax.integer_pow(a, builtins.int(exponent))


_STATIC_EXPONENTS = (-2, -1, -0.5, 0.5, 2, 3)


def _pow_trivial(a, *, dt, one):
    # ATen short-cuts exponents 0 and 1 (before any dtype check, so bool works)
    return a.astype(dt) if one else jnp.ones(a.shape, dt)


@torch_op(inplace=True)
def pow(input, exponent):
    input, exponent = to_operand(input, "input"), to_operand(exponent, "exponent")
    dt = _dtype.result_type(input, exponent)
    if isinstance(input, Tensor) and not isinstance(exponent, (Tensor, builtins.complex)) and exponent in (0, 1):
        return apply("PowBackward0", _pow_trivial, [input], (("dt", dt.np), ("one", exponent == 1)))
    check_kind("pow", dt, "ifc")
    if not isinstance(input, Tensor):
        return apply("PowBackward2", _pow, [_as_tensor(input, dt), exponent], (("dt", dt.np),))
    if isinstance(exponent, Tensor):
        return apply("PowBackward1", _pow, [input, exponent], (("dt", dt.np),))
    integral_exp = isinstance(exponent, builtins.int) and not isinstance(exponent, bool)
    if integral_exp and exponent < 0 and kind(dt) == "i":
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if (
        not isinstance(exponent, builtins.complex)
        and exponent in _STATIC_EXPONENTS
        and (kind(dt) in "fc" or exponent > 0)
    ):
        if exponent in (0.5, -0.5) and kind(dt) == "i":
            return apply("PowBackward0", _pow, [input, exponent], (("dt", dt.np),))
        return apply("PowBackward0", _pow_static, [input], (("dt", dt.np), ("exponent", exponent)))
    return apply("PowBackward0", _pow, [input, exponent], (("dt", dt.np),))


@torch_op(inplace=False)
def float_power(input, exponent):
    complex_ = any(isinstance(x, Tensor) and x.is_complex() for x in (input, exponent)) or isinstance(
        exponent, builtins.complex
    )
    dt = _dtype.complex128 if complex_ else _dtype.float64
    input = input.to(dt) if isinstance(input, Tensor) else Tensor._wrap(jnp.asarray(input, dt.np))
    return pow(input, exponent.to(dt) if isinstance(exponent, Tensor) else exponent)


@tensor_method("float_power_")
def float_power_(self, exponent):
    complex_ = (
        self.is_complex()
        or (isinstance(exponent, Tensor) and exponent.is_complex())
        or isinstance(exponent, builtins.complex)
    )
    dt = _dtype.complex128 if complex_ else _dtype.float64
    if self.dtype is not dt:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {_dtype.type_name(self.dtype)} but the operation's result requires dtype {_dtype.type_name(dt)}"
        )
    return self._inplace(float_power(self, exponent))


def _lerp(a, b, w, *, dt):
    # ATen's lerp: the two formulas keep the endpoints exact for weights near 0 and near 1
    a, b = a.astype(dt), b.astype(dt)
    w = _cast(w, dt)
    return jnp.where(jnp.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


@torch_op(inplace=True)
def lerp(input, end, weight):
    end = operand(end, "lerp", "end", 2, False)
    weight = operand(weight, "lerp", "weight", 3, True)
    for arg, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {_dtype.type_name(input.dtype).lower()} for `{arg}` but got dtype {_dtype.type_name(t.dtype).lower()}"
            )
    check_kind("lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar", input.dtype, "fc")
    name = "LerpBackward1" if isinstance(weight, Tensor) else "LerpBackward0"
    return apply(name, _lerp, [input, end, weight], (("dt", input.dtype.np),))


def _addcmul(a, t1, t2, value, *, dt):
    return a.astype(dt) + value * t1.astype(dt) * t2.astype(dt)


def _addcdiv(a, t1, t2, value, *, dt):
    return a.astype(dt) + value * (t1.astype(dt) / t2.astype(dt))


@torch_op(inplace=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    dt = _dtype.result_type(input, tensor1, tensor2)
    check_kind("addcmul_cpu_out", dt, "ifc")
    if isinstance(value, float) and kind(dt) in "ib":
        value = builtins.int(value)  # ATen converts the scalar to the integer result type
    return apply("AddcmulBackward0", _addcmul, [input, tensor1, tensor2, value], (("dt", dt.np),))


@torch_op(inplace=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    dt = _dtype.result_type(input, tensor1, tensor2)
    if kind(tensor1.dtype) in "ib" and kind(tensor2.dtype) in "ib":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
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
logical_and = comparison("logical_and", jnp.logical_and, number_other=False)
logical_or = comparison("logical_or", jnp.logical_or, number_other=False)
logical_xor = comparison("logical_xor", jnp.logical_xor, number_other=False)


def _isclose(a, b, rtol, atol, *, equal_nan, dt):
    # ATen's isclose: equal, or finite |a - b| <= atol + |rtol * b| (errors in the float dtype)
    close = a == b
    if equal_nan:
        close = close | (jnp.isnan(a) & jnp.isnan(b))
    fa, fb = a.astype(dt), b.astype(dt)
    err = jnp.abs(fa - fb)
    return close | (jnp.isfinite(err) & (err <= atol + jnp.abs(rtol * fb)))


@torch_op()
def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (or equal), as ``torch.isclose``."""
    input = operand(input, "isclose", "input", 1, False)
    other = operand(other, "isclose", "other", 2, False)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_dtype.type_name(input.dtype)} did not match {_dtype.type_name(other.dtype)}")
    if input.is_complex() and equal_nan:
        raise RuntimeError("isclose with equal_nan=True is not supported for complex inputs.")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    dt = float_dtype_for(input.dtype)
    return apply(
        "isclose", _isclose, [input, other, float(rtol), float(atol)], (("equal_nan", bool(equal_nan)), ("dt", dt.np))
    )


@torch_op()
def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether all elements are close (``isclose(...).all()``), as a Python bool."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def _equal(a, b, *, dt):
    return jnp.array_equal(a.astype(dt), b.astype(dt))


@torch_op()
def equal(input, other) -> bool:
    """True if both tensors have the same size and elements (dtypes are promoted), as a Python bool."""
    input = operand(input, "equal", "input", 1, False)
    other = operand(other, "equal", "other", 2, False)
    if input.shape != other.shape:
        return False
    dt = _dtype.promote_types(input.dtype, other.dtype)
    return bool(apply("equal", _equal, [input, other], (("dt", dt.np),)).item())


def _logical_not(a, *, out_dt=None):
    r = jnp.logical_not(a)
    return r if out_dt is None else r.astype(out_dt)


@torch_op()
def logical_not(input):
    input = operand(input, "logical_not", "input", 1, False)
    return apply("logical_not", _logical_not, [input])


@tensor_method("logical_not_")
def _logical_not_(self):
    return inplace_untracked(self, logical_not(self))


def _bitwise_not(a):
    if a.dtype == jnp.bool_:
        return jnp.logical_not(a)
    return jnp.invert(a)


@torch_op(inplace=True)
def bitwise_not(input):
    input = operand(input, "bitwise_not", "input", 1, False)
    check_kind("bitwise_not_cpu", input.dtype, "bi")
    return apply("bitwise_not", _bitwise_not, [input])


@tensor_method("__invert__")
def _invert(self):
    if kind(self.dtype) not in "bi":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


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
abs = unary("abs", jnp.abs, "AbsBackward0", float_result=False, aliases=("absolute",), allow="ifc")
frac = unary("frac", lambda a: a - jnp.trunc(a), "FracBackward0", float_result=False, allow="f")
floor = identity_for_ints("floor", jnp.floor, "FloorBackward0", kernel="floor_vml_cpu")
ceil = identity_for_ints("ceil", jnp.ceil, "CeilBackward0", kernel="ceil_vml_cpu")
trunc = identity_for_ints("trunc", jnp.trunc, "TruncBackward0", kernel="trunc_vml_cpu", aliases=("fix",))


def _neg(a):
    return jnp.negative(a)


@torch_op(inplace=True, aliases=("negative",))
def neg(input):
    input = operand(input, "neg", "input", 1, False)
    if input.dtype is _dtype.bool:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the "
            "`~` or `logical_not()` operator instead."
        )
    return apply("NegBackward0", _neg, [input])


@torch_op(method=False)
def positive(input):
    """``+x``: the input itself; torch rejects bool."""
    input = operand(input, "positive", "input", 1, False)
    if input.dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@torch_op(inplace=True)
def square(input):
    """``pow(input, 2)``, as torch defines it (so bool promotes to int64)."""
    return pow(operand(input, "square", "input", 1, False), 2)


def _sign(a):
    if jnp.iscomplexobj(a):
        # x / |x| (0 at 0), differentiable as torch's sgn is; jnp.sign has a zero derivative
        nz = a != 0
        return jnp.where(nz, a / jnp.where(nz, jnp.abs(a), 1), 0)
    return a if a.dtype == jnp.bool_ else jnp.sign(a)


@torch_op(inplace=True)
def sign(input):
    input = operand(input, "sign", "input", 1, False)
    check_kind("sign_cpu", input.dtype, "bif")
    return apply("SignBackward0", _sign, [input])


@torch_op(inplace=True)
def sgn(input):
    input = operand(input, "sgn", "input", 1, False)
    return apply("SgnBackward0", _sign, [input])


def _relu(a):
    return jax.nn.relu(a)


@torch_op(inplace=True)
def relu(input):
    input = operand(input, "relu", "input", 1, False)
    if input.dtype is _dtype.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return apply("ReluBackward0", _relu, [input])


def _signbit(a):
    return jnp.signbit(a)


@torch_op()
def signbit(input):
    input = operand(input, "signbit", "input", 1, False)
    check_kind("signbit_cpu", input.dtype, "bif")
    return apply("signbit", _signbit, [input])


def _round(a, *, decimals):
    # ATen: nearbyint(a * 10**d) / 10**d, or nearbyint(a / 10**-d) * 10**-d for negative d
    if decimals == 0:
        return jnp.round(a)
    ten = jnp.asarray(10.0 ** builtins.abs(decimals), a.dtype)
    return jnp.round(a / ten) * ten if decimals < 0 else jnp.round(a * ten) / ten


@torch_op(inplace=True)
def round(input, *, decimals=0):
    input = operand(input, "round", "input", 1, False)
    check_kind("round_vml_cpu" if decimals == 0 else "round_cpu", input.dtype, "ifc" if decimals == 0 else "fc")
    if kind(input.dtype) == "i":
        return input.clone()
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
    # where-based so the gradient follows ATen's masks: input gets it where lo <= a <= hi (ties
    # included), a tensor bound where it was taken; NaN inputs pass through
    a = a.astype(dt)
    if lo is not None:
        lo = _cast(lo, dt)
        a = jnp.where(a < lo, lo, a)
    if hi is not None:
        hi = _cast(hi, dt)
        a = jnp.where(a > hi, hi, a)
    return a


@torch_op(inplace=True, aliases=("clip",))
def clamp(input, min=None, max=None):
    input = operand(input, "clamp", "input", 1, False)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = (to_operand(v, n) if v is not None else None for v, n in ((min, "min"), (max, "max")))
    dt = _dtype.result_type(input, min, max)
    if isinstance(min, Tensor) and isinstance(max, Tensor):
        check_kind("clamp_cpu", dt, "if")
    elif not (isinstance(min, Tensor) or isinstance(max, Tensor)):  # one tensor bound runs as maximum/minimum
        check_kind(
            "clamp_scalar_cpu"
            if min is not None and max is not None
            else f"clamp_{'min' if max is None else 'max'}_scalar_cpu",
            dt,
            "if",
        )
    name = "ClampBackward0" if isinstance(min, Tensor) or isinstance(max, Tensor) else "ClampBackward1"
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


@tensor_method("where")
def _where_method(self, condition, y):
    return where(condition, self, y)


@torch_op(method=False)
def where(condition, input=None, other=None):
    if input is None and other is None:
        from jtorch._ops.indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if condition.dtype is not _dtype.bool:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {_dtype.type_name(condition.dtype)}"
        )
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


for _name, _jfn in (
    ("isnan", jnp.isnan),
    ("isinf", jnp.isinf),
    ("isfinite", jnp.isfinite),
    ("isposinf", jnp.isposinf),
    ("isneginf", jnp.isneginf),
    ("isreal", jnp.isreal),
):

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


@torch_op(method=False)
def real(input):
    return input if not input.is_complex() else apply("RealBackward0", _real, [input])


@torch_op(method=False)
def imag(input):
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply("ImagBackward0", _imag, [input])


def _set_real(self, value):
    if self.is_complex():
        raise NotImplementedError("assigning to .real of a complex tensor is not supported in jtorch")
    self.copy_(value)


def _set_imag(self, value):
    if not self.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    raise NotImplementedError("assigning to .imag of a complex tensor is not supported in jtorch")


# torch exposes these as attributes, not methods
Tensor.real = property(real, _set_real)
Tensor.imag = property(imag, _set_imag)


conj = unary("conj", jnp.conj, "ConjBackward0", float_result=False, inplace=False)
conj_physical = unary("conj_physical", jnp.conj, "ConjPhysicalBackward0", float_result=False)


def _angle(a):
    # keeps float32 for float32 input (jnp.angle's pi constant would not)
    return jnp.angle(a).astype(jnp.real(a).dtype)


angle = unary("angle", _angle, "AngleBackward0", inplace=False)


def _polar(a, b):
    return jax.lax.complex(a * jnp.cos(b), a * jnp.sin(b))  # ATen: abs * cos(angle) + i abs * sin(angle)


@torch_op(method=False)
def polar(abs, angle):
    return apply("PolarBackward0", _polar, [abs, angle])


def _complex(a, b):
    return jax.lax.complex(*jnp.broadcast_arrays(a, b))


@torch_op(method=False)
def complex(real, imag):
    return apply("ComplexBackward0", _complex, [real, imag])
