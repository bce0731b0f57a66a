"""Loss functions of ``torch.nn.functional``: one pure JAX function per loss, run through ``dispatch.apply``.

Each loss computes its whole value (elementwise terms and reduction) in one jitted function, so a
single tape node is recorded and its backward is the cached VJP of that same function. The node is
named after torch's last op for that configuration (``MseLossBackward0``; ``NllLossBackward0`` for
cross entropy; ``MeanBackward0`` for losses torch builds from smaller ops), so ``loss.grad_fn``
reads as in torch. Argument checks, warnings and messages follow torch/nn/functional.py and ATen.

Checks that need values (class index in range, BCE input in [0, 1], CTC lengths) read the data on
the host as torch's CPU kernels do; they are skipped under tracing (``jtorch.compile``), where the
values are not known.

optax has ``softmax_cross_entropy``, ``sigmoid_binary_cross_entropy``, ``huber_loss``, ``ctc_loss``
..., but not torch's reductions, ``ignore_index``/weight normalisation, clamps or gradient
conventions (BCE's clamped backward, CTC's gradient with respect to the logits), so the
formulas are written here once, as ATen writes them.
"""

from __future__ import annotations

import math
import warnings
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import special as jsp

from jtorch import _dtype
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = [
    "l1_loss",
    "mse_loss",
    "cross_entropy",
    "linear_cross_entropy",
    "nll_loss",
    "poisson_nll_loss",
    "gaussian_nll_loss",
    "kl_div",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "multilabel_margin_loss",
    "huber_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
    "cosine_embedding_loss",
    "multi_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "ctc_loss",
]

# --- reductions (torch.nn._reduction) -------------------------------------------------------------


def get_enum(reduction: str) -> int:
    """torch.nn._reduction.get_enum: validate ``reduction`` (0 none, 1 mean, 2 sum)."""
    if reduction == "none":
        return 0
    if reduction == "mean":
        return 1
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.", stacklevel=3)
        return 1
    if reduction == "sum":
        return 2
    raise ValueError(f"{reduction} is not a valid value for reduction")


_ENUM_NAMES = ("none", "mean", "sum")


def legacy_get_string(size_average: bool | None, reduce: bool | None, emit_warning: bool = True) -> str:
    """torch.nn._reduction.legacy_get_string: map the deprecated ``size_average``/``reduce`` pair."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.", stacklevel=3
        )
    return ret


def _reduction(size_average, reduce, reduction: str) -> str:
    """The validated reduction name ('none' | 'mean' | 'sum'), honouring the legacy arguments."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    return _ENUM_NAMES[get_enum(reduction)]


def _reduce(loss, reduction: str):
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _name(reduction: str, none: str, mean: str = "MeanBackward0", sum: str = "SumBackward0") -> str:
    """torch's grad_fn name of the last op for each reduction."""
    return {"none": none, "mean": mean, "sum": sum}[reduction]


# --- shared helpers ---------------------------------------------------------------------------------


def _concrete(*ts) -> bool:
    """True when every tensor holds a concrete array (value checks are skipped under tracing)."""
    return not any(isinstance(t, Tensor) and isinstance(t._data, jax.core.Tracer) for t in ts)


def _np(t: Tensor) -> np.ndarray:
    return np.asarray(t._data)


def _broadcast_shape(a, b) -> tuple:
    """The broadcast of two shapes, raising torch's RuntimeError when they do not broadcast."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {i}"
            )
        out.append(y if x == 1 else x)
    return tuple(out)


def _warn_target_size(input: Tensor, target: Tensor) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
            "This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )


def _as_tensor(x, like: Tensor) -> Tensor:
    if isinstance(x, Tensor):
        return x
    return Tensor._wrap(jnp.asarray(x, like._data.dtype))


def _float_dt(name: str, *ts) -> _dtype.dtype:
    """The promoted dtype of ``ts``; integer results raise torch's 'not implemented for' error."""
    dt = _dtype.result_type(*[t for t in ts if t is not None])
    if not (dt.is_floating_point or dt.is_complex):
        raise NotImplementedError(f"\"{name}\" not implemented for '{_dtype.type_name(dt)}'")
    return dt


def _abs(d):
    """|d| whose gradient at 0 is 0 (torch's sign), where jnp.abs gives 1."""
    return d * jnp.sign(d)


def _clamp_min0(a):
    """max(a, 0) with torch's clamp_min gradient (passes where a >= 0; jnp.maximum splits ties)."""
    return jnp.where(a >= 0, a, jnp.zeros((), a.dtype))


def _shape_list(t) -> str:
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


# --- regression losses ------------------------------------------------------------------------------


def _weighted_reduce(loss, w, reduction: str, by_weight: bool):
    if w is None:
        return _reduce(loss, reduction)
    loss = loss * w
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(w) if by_weight else jnp.mean(loss)
    return _reduce(loss, reduction)


def _mse_fn(x, t, w, *, dt, reduction):
    d = x.astype(dt) - t.astype(dt)
    return _weighted_reduce(d * d, None if w is None else w.astype(dt), reduction, True)


def _l1_fn(x, t, w, *, dt, reduction):
    d = x.astype(dt) - t.astype(dt)
    return _weighted_reduce(_abs(d), None if w is None else w.astype(dt), reduction, True)


def _smooth_l1_fn(x, t, beta, *, dt, reduction):
    z = _abs(x.astype(dt) - t.astype(dt))
    return _reduce(jnp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def _huber_fn(x, t, w, delta, *, dt, reduction):
    z = _abs(x.astype(dt) - t.astype(dt))
    loss = jnp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    return _weighted_reduce(loss, None if w is None else w.astype(dt), reduction, False)


def _check_weight_size(weight, input):
    if weight is not None and tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")


def _check_weighted_reduction(weight, reduction):
    if weight is not None and reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error; a target of another shape broadcasts with torch's warning."""
    _warn_target_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    _broadcast_shape(input.shape, target.shape)
    _check_weight_size(weight, input)
    _check_weighted_reduction(weight, reduction)
    red = _ENUM_NAMES[get_enum(reduction)]
    dt = _float_dt("mse_cpu", input, target, weight)
    if weight is None:
        name = "MseLossBackward0"
    else:
        name = _name(red, "MulBackward0", "DivBackward0")
    return apply(name, _mse_fn, [input, target, weight], (("dt", dt.np), ("reduction", red)))


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error; a target of another shape broadcasts with torch's warning."""
    _warn_target_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    _broadcast_shape(input.shape, target.shape)
    _check_weight_size(weight, input)
    _check_weighted_reduction(weight, reduction)
    red = _ENUM_NAMES[get_enum(reduction)]
    return _l1(input, target, weight, red)


def _l1(input, target, weight, red):
    dt = _dtype.result_type(*[t for t in (input, target, weight) if t is not None])
    if not (dt.is_floating_point or dt.is_complex) and red == "mean":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {_dtype.type_name(dt)}"
        )
    if weight is None:
        name = _name(red, "AbsBackward0")
    else:
        name = _name(red, "MulBackward0", "DivBackward0")
    return apply(name, _l1_fn, [input, target, weight], (("dt", dt.np), ("reduction", red)))


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Smooth L1: quadratic below ``beta``, linear above; ``beta=0`` is exactly L1 as in torch."""
    _warn_target_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    _broadcast_shape(input.shape, target.shape)
    red = _ENUM_NAMES[get_enum(reduction)]
    if beta == 0.0:
        return _l1(input, target, None, red)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    dt = _float_dt("smooth_l1_cpu", input, target)
    return apply("SmoothL1LossBackward0", _smooth_l1_fn, [input, target, beta], (("dt", dt.np), ("reduction", red)))


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight: Tensor | None = None
) -> Tensor:
    """Huber loss: quadratic below ``delta``, ``delta``-scaled linear above."""
    _warn_target_size(input, target)
    _broadcast_shape(input.shape, target.shape)
    _check_weight_size(weight, input)
    _check_weighted_reduction(weight, reduction)
    red = _ENUM_NAMES[get_enum(reduction)]
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    dt = _float_dt("huber_cpu", input, target, weight)
    name = "HuberLossBackward0" if weight is None else _name(red, "MulBackward0")
    return apply(name, _huber_fn, [input, target, weight, delta], (("dt", dt.np), ("reduction", red)))


# --- classification: NLL and cross entropy ------------------------------------------------------


def _nll_terms(lp, t, w, ignore_index):
    """Per-element ``-w[t] * lp[t]`` and ``w[t]`` (0 where ignored); class axis 1 (0 for 1-D input)."""
    t = t.astype(jnp.int64)
    valid = t != ignore_index
    ts = jnp.where(valid, t, 0)
    if lp.ndim == 1:
        picked = lp[ts.reshape(-1)].reshape(())
        valid = valid.reshape(())
        ts = ts.reshape(())
    else:
        picked = jnp.take_along_axis(lp, jnp.expand_dims(ts, 1), axis=1).squeeze(1)
    wt = jnp.ones_like(picked) if w is None else w.astype(lp.dtype)[ts]
    wt = jnp.where(valid, wt, jnp.zeros((), lp.dtype))
    return -picked * wt, wt, valid


def _safe_div(num, den):
    """num / den whose gradient stays finite when den == 0 (all targets ignored): torch's gradient
    is then 0, while the value is still nan (0 / 0) as torch's."""
    zero = den == 0
    out = num / jnp.where(zero, jnp.ones((), den.dtype), den)
    return out + jax.lax.stop_gradient(jnp.where(zero, num / den - out, jnp.zeros((), out.dtype)))


def _nll_reduce(loss, wt, reduction):
    if reduction == "mean":
        return _safe_div(jnp.sum(loss), jnp.sum(wt))
    return _reduce(loss, reduction)


def _nll_name(input: Tensor, reduction: str) -> str:
    """ATen runs nll_loss (<= 2-D), nll_loss2d (4-D), or nll_loss2d on a reshape (3-D, >= 5-D: 'none' ends in a view)."""
    if input.dim() <= 2:
        return "NllLossBackward0"
    if input.dim() != 4 and reduction == "none":
        return "ViewBackward0"
    return "NllLoss2DBackward0"


def _nll_fn(lp, t, w, ignore_index, *, reduction):
    loss, wt, _ = _nll_terms(lp, t, w, ignore_index)
    return _nll_reduce(loss, wt, reduction)


def _ce_fn(x, t, w, ignore_index, smoothing, *, reduction, smooth):
    ax = 0 if x.ndim == 1 else 1
    lp = jax.nn.log_softmax(x, axis=ax)
    loss, wt, valid = _nll_terms(lp, t, w, ignore_index)
    nll = _nll_reduce(loss, wt, reduction)
    if not smooth:
        return nll
    n_classes = x.shape[ax]
    if w is None:
        sl = -jnp.sum(lp, axis=ax)
    else:
        shape = [1] * x.ndim
        shape[ax] = n_classes
        sl = -jnp.sum(lp * w.astype(lp.dtype).reshape(shape), axis=ax)
    sl = jnp.where(valid, sl, jnp.zeros((), lp.dtype))
    if reduction == "mean":
        sl = _safe_div(jnp.sum(sl), jnp.sum(wt) if w is not None else jnp.sum(valid).astype(sl.dtype))
    elif reduction == "sum":
        sl = jnp.sum(sl)
    return (1 - smoothing) * nll + sl * (smoothing / n_classes)


def _ce_prob_fn(x, t, w, smoothing, *, dt, reduction, smooth):
    ax = 0 if x.ndim == 1 else 1
    lp = jax.nn.log_softmax(x.astype(dt), axis=ax)
    n_classes = x.shape[ax]
    t = t.astype(dt)
    if smooth:
        t = t * (1 - smoothing) + smoothing / n_classes
    prod = lp * t
    if w is not None:
        shape = [1] * x.ndim
        shape[ax] = n_classes
        prod = prod * w.astype(dt).reshape(shape)
    if reduction == "none":
        return -jnp.sum(prod, axis=ax)
    if reduction == "sum":
        return -jnp.sum(prod)
    return -jnp.sum(prod) / (lp.size // n_classes if lp.size else jnp.nan)


def _check_nll_args(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> None:
    """ATen's nll_loss_nd / nll_loss / nll_loss2d argument checks, with torch's messages."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1 and input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]})."
        )
    n_classes = input.shape[0] if input.dim() == 1 else input.shape[1]
    if input.dim() <= 2:
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.dim() == 1 and target.dim() == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
    elif input.dim() == 4:
        if target.dim() != 3:
            raise RuntimeError(
                f"only batches of spatial targets supported (3D tensors) but got targets of dimension: {target.dim()}"
            )
        if tuple(target.shape[1:]) != tuple(input.shape[2:]):
            raise RuntimeError(f"size mismatch (got input: {_shape_list(input)} , target: {_shape_list(target)}")
    elif tuple(target.shape[1:]) != tuple(input.shape[2:]):
        out = [input.shape[0], *input.shape[2:]]
        raise RuntimeError(f"Expected target size {list(out)}, got {_shape_list(target)}")
    if weight is not None and (weight.dim() != 1 or weight.shape[0] != n_classes):
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes but got weight "
            f"tensor of shape: {_shape_list(weight)}"
        )
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_dtype.type_name(target.dtype)}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {_dtype.type_name(input.dtype)} but found {_dtype.type_name(weight.dtype)}"
        )
    if _concrete(target) and target.numel():
        t = _np(target).astype(np.int64).reshape(-1)
        bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
        if bad.any():
            raise IndexError(f"Target {t[np.argmax(bad)]} is out of bounds.")


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood over class indices, for (C), (N, C) and (N, C, d1, ...) inputs.

    'mean' divides by the summed weights of the non-ignored targets (nan when all are ignored).
    """
    red = _reduction(size_average, reduce, reduction)
    _check_nll_args(input, target, weight, ignore_index)
    return apply(_nll_name(input, red), _nll_fn, [input, target, weight, ignore_index], (("reduction", red),))


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross entropy of logits (log-softmax then NLL, in one op) with class-index or class-probability targets."""
    red = _reduction(size_average, reduce, reduction)
    if not input.is_floating_point():
        raise NotImplementedError(
            f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{_dtype.type_name(input.dtype)}'"
        )
    if tuple(input.shape) == tuple(target.shape):
        # Same shapes: class probabilities.
        if not target.is_floating_point():
            raise RuntimeError(
                f"Expected floating point type for target with class probabilities, got {_dtype.type_name(target.dtype)}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        n_classes = input.shape[0] if input.dim() == 1 else input.shape[1]
        if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
            raise RuntimeError(
                f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or no classes "
                f"but got weight tensor of shape: {_shape_list(weight)}"
            )
        dt = _dtype.result_type(input, target)
        smooth = label_smoothing > 0.0
        name = _name(red, "NegBackward0", "DivBackward1" if input.numel() else "NegBackward0", "NegBackward0")
        return apply(
            name,
            _ce_prob_fn,
            [input, target, weight, float(label_smoothing)],
            (("dt", dt.np), ("reduction", red), ("smooth", smooth)),
        )
    smooth = label_smoothing > 0.0
    if smooth and label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    _check_nll_args(input, target, weight, ignore_index)
    name = "AddBackward0" if smooth else _nll_name(input, red)
    return apply(
        name,
        _ce_fn,
        [input, target, weight, ignore_index, float(label_smoothing)],
        (("reduction", red), ("smooth", smooth)),
    )


_NO_CHUNKED = (
    "linear_cross_entropy: the chunked path (options=LinearCrossEntropyOptions) is not implemented in jtorch; "
    "pass options=None (torch's reference path, same values)"
)


def linear_cross_entropy(
    input: Tensor,
    linear_weight: Tensor,
    target: Tensor,
    *,
    linear_bias: Tensor | None = None,
    weight: Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options=None,
) -> Tensor:
    """cross_entropy(linear(input, linear_weight, linear_bias), target): torch's reference path."""
    from jtorch.nn import functional as F

    if options is not None:
        raise NotImplementedError(_NO_CHUNKED)
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    num_batches = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(
            "expected equal input and linear_weight last dimensions (in_features), "
            f"got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively"
        )
    num_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got {tuple(linear_bias.shape)}")
    if out_features and not num_batches:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
            f" batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}"
        )
    logits_shape = (*num_batches, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = ignore_index if ignore_index is not None else -100
    if out_features:
        linear_weight = linear_weight.reshape((math.prod(out_features, start=num_classes), in_features))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(math.prod(out_features, start=num_classes))
    logits = F.linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(
        logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index, label_smoothing=label_smoothing
    )


# --- probabilistic losses ---------------------------------------------------------------------------


def _poisson_fn(x, t, eps, *, dt, reduction, log_input, full):
    x, t = x.astype(dt), t.astype(dt)
    loss = jnp.exp(x) - t * x if log_input else x - t * jnp.log(x + eps)
    if full:
        stirling = t * jnp.log(t) - t + 0.5 * jnp.log(2 * math.pi * t)
        loss = loss + jnp.where(t <= 1, jnp.zeros((), dt), stirling)
    return _reduce(loss, reduction)


def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Poisson negative log likelihood; ``full`` adds the Stirling term for targets above 1."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    dt = _float_dt("poisson_nll_loss", input, target)
    name = _name(reduction, "AddBackward0" if full else "SubBackward0")
    return apply(
        name,
        _poisson_fn,
        [input, target, eps],
        (("dt", dt.np), ("reduction", reduction), ("log_input", bool(log_input)), ("full", bool(full))),
    )


def _gaussian_fn(x, t, var, eps, *, dt, reduction, full):
    x, t, var = x.astype(dt), t.astype(dt), var.astype(dt)
    # torch clamps a clone of var in place under no_grad: the value is clamped, the gradient is not.
    var = var + jax.lax.stop_gradient(jnp.maximum(var, eps) - var)
    d = x - t
    loss = 0.5 * (jnp.log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def gaussian_nll_loss(
    input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
) -> Tensor:
    """Gaussian negative log likelihood with heteroscedastic or homoscedastic ``var``."""
    if not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = Tensor._wrap(jnp.full(tuple(input.shape), var, input._data.dtype))
    elif _concrete(var) and bool(np.any(_np(var) < 0)):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    dt = _float_dt("gaussian_nll_loss", input, target, var)
    name = _name(reduction, "AddBackward0" if full else "MulBackward0")
    return apply(
        name, _gaussian_fn, [input, target, var, eps], (("dt", dt.np), ("reduction", reduction), ("full", bool(full)))
    )


def _kl_fn(x, t, *, dt, reduction, log_target, batch):
    x, t = x.astype(dt), t.astype(dt)
    loss = jnp.exp(t) * (t - x) if log_target else jsp.xlogy(t, t) - t * x
    out = _reduce(loss, reduction)
    return out / batch if batch else out


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """KL divergence of ``target`` from ``input`` (log-probabilities); 'batchmean' divides by the batch size."""
    if size_average is not None or reduce is not None:
        red = legacy_get_string(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support size."
                "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                stacklevel=2,
            )
        red = "sum" if reduction == "batchmean" else _ENUM_NAMES[get_enum(reduction)]
    if not input.is_floating_point() or not target.is_floating_point():
        raise RuntimeError("kl_div: Integral inputs not supported.")
    dt = _dtype.result_type(input, target)
    batch = input.shape[0] if reduction == "batchmean" and input.dim() != 0 else 0
    name = "DivBackward0" if batch else _name(red, "MulBackward0" if log_target else "SubBackward0")
    return apply(
        name,
        _kl_fn,
        [input, target],
        (("dt", dt.np), ("reduction", red), ("log_target", bool(log_target)), ("batch", batch)),
    )


# --- binary cross entropy ---------------------------------------------------------------------------


_BCE_EPS = float(np.float32(1e-12))


@jax.custom_vjp
def _bce_elem(x, t):
    return -(t * jnp.maximum(jnp.log(x), -100.0) + (1 - t) * jnp.maximum(jnp.log1p(-x), -100.0))


def _bce_elem_fwd(x, t):
    return _bce_elem(x, t), (x, t)


def _bce_elem_bwd(res, g):
    # ATen's binary_cross_entropy_backward (its EPSILON is the float 1e-12f) and its unclamped target backward.
    x, t = res
    gx = g * (x - t) / jnp.maximum((1 - x) * x, _BCE_EPS)
    gt = g * (jnp.log1p(-x) - jnp.log(x))
    return gx, gt


_bce_elem.defvjp(_bce_elem_fwd, _bce_elem_bwd)


def _bce_fn(x, t, w, *, reduction):
    loss = _bce_elem(x, t)
    if w is not None:
        loss = loss * w.astype(loss.dtype)
    return _reduce(loss, reduction)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross entropy of probabilities; logs clamped at -100 and torch's clamped gradient."""
    red = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}) is deprecated. "
            "Please ensure they have the same size."
        )
    if weight is not None:
        try:
            shape = _broadcast_shape(target.shape, weight.shape)
        except RuntimeError:
            shape = None
        if shape != tuple(target.shape):
            bad = next(w for w, s in zip(reversed(weight.shape), reversed(target.shape)) if w not in (1, s))
            dim = -1 - next(
                i for i, (w, s) in enumerate(zip(reversed(weight.shape), reversed(target.shape))) if w not in (1, s)
            )
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {bad} at {dim}! Mismatching argument at index 1 had "
                f"{weight.size()}; but expected shape should be broadcastable to {list(target.shape)}"
            )
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_dtype.type_name(target.dtype)} but expected {_dtype.type_name(input.dtype)}")
    if _concrete(input, target):
        x = _np(input)
        if not np.all((x >= 0) & (x <= 1)):
            raise RuntimeError("all elements of input should be between 0 and 1")
        y = _np(target)
        if not np.all((y >= 0) & (y <= 1)):
            raise RuntimeError("all elements of target should be between 0 and 1")
    return apply("BinaryCrossEntropyBackward0", _bce_fn, [input, target, weight], (("reduction", red),))


def _bce_logits_fn(x, t, w, pw, *, dt, reduction):
    x, t = x.astype(dt), t.astype(dt)
    log_sig = jax.nn.log_sigmoid(x)
    if pw is not None:
        log_sig = log_sig * ((pw.astype(dt) - 1) * t + 1)
    loss = (1 - t) * x - log_sig
    if w is not None:
        loss = loss * w.astype(dt)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross entropy of logits in torch's log-sigmoid form (finite for any logit)."""
    red = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    dt = _float_dt("binary_cross_entropy_with_logits", input, target)
    for w in (weight, pos_weight):
        if w is not None:
            _broadcast_shape(input.shape, w.shape)
    return apply(
        "BinaryCrossEntropyWithLogitsBackward0",
        _bce_logits_fn,
        [input, target, weight, pos_weight],
        (("dt", dt.np), ("reduction", red)),
    )


# --- margin losses ---------------------------------------------------------------------------------


def _margin_ranking_fn(x1, x2, y, margin, *, dt, reduction):
    x1, x2, y = x1.astype(dt), x2.astype(dt), y.astype(dt)
    return _reduce(_clamp_min0(-y * (x1 - x2) + margin), reduction)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -y * (x1 - x2) + margin)."""
    red = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} "
        )
    _broadcast_shape(_broadcast_shape(input1.shape, input2.shape), target.shape)
    dt = _float_dt("margin_ranking_loss", input1, input2, target)
    return apply(
        _name(red, "ClampMinBackward0"),
        _margin_ranking_fn,
        [input1, input2, target, margin],
        (("dt", dt.np), ("reduction", red)),
    )


def _hinge_fn(x, y, margin, *, dt, reduction):
    x = x.astype(dt)
    zero = jnp.zeros((), dt)
    out = jnp.where(y != 1, _clamp_min0(margin - x), zero) + jnp.where(y != -1, x, zero)
    return _reduce(out, reduction)


def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1 (both terms for other target values, as ATen)."""
    red = _reduction(size_average, reduce, reduction)
    _broadcast_shape(input.shape, target.shape)
    dt = _float_dt("hinge_embedding_loss", input, target)
    return apply(_name(red, "AddBackward0"), _hinge_fn, [input, target, margin], (("dt", dt.np), ("reduction", red)))


def _soft_margin_fn(x, y, *, dt, reduction):
    # torch's log1p(exp(-y x)), not a softplus: it overflows to inf where torch's does.
    return _reduce(jnp.log1p(jnp.exp(-y.astype(dt) * x.astype(dt))), reduction)


def soft_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """log(1 + exp(-y * x))."""
    red = _reduction(size_average, reduce, reduction)
    _broadcast_shape(input.shape, target.shape)
    dt = _float_dt("soft_margin_loss", input, target)
    return apply("SoftMarginLossBackward0", _soft_margin_fn, [input, target], (("dt", dt.np), ("reduction", red)))


def _multilabel_soft_margin_fn(x, y, w, *, dt, reduction):
    x, y = x.astype(dt), y.astype(dt)
    loss = -(y * jax.nn.log_sigmoid(x) + (1 - y) * jax.nn.log_sigmoid(-x))
    if w is not None:
        loss = loss * w.astype(dt)
    class_dim = x.ndim - 1
    loss = jnp.sum(loss, axis=class_dim) / x.shape[class_dim]
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """One-vs-all logistic loss averaged over classes."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    shape = _broadcast_shape(input.shape, target.shape)
    if weight is not None:
        _broadcast_shape(shape, weight.shape)
    dt = _float_dt("multilabel_soft_margin_loss", input, target, weight)
    return apply(
        _name(reduction, "DivBackward0"),
        _multilabel_soft_margin_fn,
        [input, target, weight],
        (("dt", dt.np), ("reduction", reduction)),
    )


def _cosine_embedding_fn(x1, x2, y, margin, *, dt, reduction):
    x1, x2 = x1.astype(dt), x2.astype(dt)
    ax = x1.ndim - 1
    eps = 1e-12  # ATen's EPSILON
    prod = jnp.sum(x1 * x2, axis=ax)
    denom = jnp.sqrt((jnp.sum(x1 * x1, axis=ax) + eps) * (jnp.sum(x2 * x2, axis=ax) + eps))
    cos = prod / denom
    zero = jnp.zeros((), dt)
    out = jnp.where(y == 1, 1 - cos, zero) + jnp.where(y == -1, _clamp_min0(cos - margin), zero)
    return _reduce(out, reduction)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1."""
    red = _reduction(size_average, reduce, reduction)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dim() == 1 and (input1.dim() != 2 or input2.dim() != 2):
        raise RuntimeError(
            f"1D target tensor expects 2D input tensors, but found inputs with sizes {_shape_list(input1)} and "
            f"{_shape_list(input2)}."
        )
    if target.dim() == 0 and (input1.dim() != 1 or input2.dim() != 1):
        raise RuntimeError(
            f"0D target tensor expects 1D input tensors, but found inputs with sizes {_shape_list(input1)} and "
            f"{_shape_list(input2)}."
        )
    _broadcast_shape(input1.shape, input2.shape)
    dt = _float_dt("cosine_embedding_loss", input1, input2)
    return apply(
        _name(red, "AddBackward0"),
        _cosine_embedding_fn,
        [input1, input2, target, margin],
        (("dt", dt.np), ("reduction", red)),
    )


def _multi_margin_fn(x, t, w, margin, *, reduction, p):
    n_classes = x.shape[-1]
    x2 = x.reshape(-1, n_classes)
    t2 = t.reshape(-1).astype(jnp.int64)
    z = margin - jnp.take_along_axis(x2, t2[:, None], axis=1) + x2
    h = jnp.where(z > 0, z, jnp.zeros((), x.dtype))
    if p == 2:
        h = h * h
    if w is not None:
        h = h * w.astype(x.dtype)[t2][:, None]
    h = jnp.where(jnp.arange(n_classes)[None, :] == t2[:, None], jnp.zeros((), x.dtype), h)
    loss = (jnp.sum(h, axis=1) / n_classes).reshape(t.shape)
    return _reduce(loss, reduction)


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-class hinge loss: sum over i != y of max(0, margin - x[y] + x[i])^p, over C."""
    red = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    if input.dim() not in (1, 2) or input.numel() == 0 and input.dim() != 2:
        raise RuntimeError(
            f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {_shape_list(input)}"
        )
    n_classes = input.shape[-1]
    nframe = 1 if input.dim() <= 1 else input.shape[0]
    if not (target.dim() <= 1 and target.numel() == nframe):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples "
            f"(batch size). Expected target size [{nframe}], but got {_shape_list(target)}. "
            f"Input has shape {_shape_list(input)}."
        )
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {_dtype.type_name(target.dtype)}")
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(f"inconsistent weight size, expected {n_classes} but got {_shape_list(weight)}")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"multi_margin_loss_cpu\" not implemented for '{_dtype.type_name(input.dtype)}'")
    if _concrete(target) and target.numel():
        t = _np(target)
        if np.any((t < 0) | (t >= n_classes)):
            raise RuntimeError("target out of range")
    if input.dim() == 2 and target.dim() == 0:
        target = target.reshape(1)
    return apply(
        "MultiMarginLossBackward0",
        _multi_margin_fn,
        [input, target, weight, margin],
        (("reduction", red), ("p", int(p))),
    )


def _multilabel_margin_fn(x, t, *, reduction):
    n_classes = x.shape[-1] if x.ndim else 1
    x2 = x.reshape(-1, n_classes)
    t2 = t.reshape(-1, n_classes).astype(jnp.int64)
    valid = jnp.cumprod(t2 >= 0, axis=1).astype(bool)  # targets up to the first negative
    ts = jnp.where(valid, t2, 0)
    classes = jnp.arange(n_classes)
    is_target = jnp.any(valid[:, :, None] & (ts[:, :, None] == classes[None, None, :]), axis=1)
    xy = jnp.take_along_axis(x2, ts, axis=1)
    z = 1 - xy[:, :, None] + x2[:, None, :]  # (N, target j, class i)
    keep = (z > 0) & valid[:, :, None] & ~is_target[:, None, :]
    loss = jnp.sum(jnp.where(keep, z, jnp.zeros((), x.dtype)), axis=(1, 2)) / n_classes
    loss = loss.reshape(x.shape[:-1] if x.ndim else ())
    return _reduce(loss, reduction)


def multilabel_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-label hinge loss over the target classes listed before the first -1 in each row."""
    red = _reduction(size_average, reduce, reduction)
    if input.dim() > 2 or tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {_shape_list(target)} for input of size: {_shape_list(input)}")
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {_dtype.type_name(target.dtype)}")
    n_classes = input.shape[-1] if input.dim() else 1
    if _concrete(target) and target.numel():
        t = _np(target).reshape(-1, n_classes)
        valid = np.cumprod(t >= 0, axis=1).astype(bool)
        if np.any(valid & (t >= n_classes)):
            raise RuntimeError("argument #2 'target' is out of range")
    return apply("MultilabelMarginLossBackward0", _multilabel_margin_fn, [input, target], (("reduction", red),))


# --- triplet losses ---------------------------------------------------------------------------------


def _pnorm(d, p):
    """torch.norm(d, p, dim=-1) for p in {0, inf, -inf, 1, 2, other}."""
    a = jnp.abs(d)
    if p == 2:
        return jnp.sqrt(jnp.sum(d * d, axis=-1))
    if p == 1:
        return jnp.sum(_abs(d), axis=-1)
    if p == math.inf:
        return jnp.max(a, axis=-1)
    if p == -math.inf:
        return jnp.min(a, axis=-1)
    if p == 0:
        return jnp.sum((d != 0).astype(d.dtype), axis=-1)
    return jnp.sum(a**p, axis=-1) ** (1.0 / p)


def _pairwise_distance_fn(x1, x2, eps, *, dt, p, keepdim):
    out = _pnorm(x1.astype(dt) - x2.astype(dt) + eps, p)
    return jnp.expand_dims(out, -1) if keepdim else out


def _pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """torch.pairwise_distance: the p-norm of ``x1 - x2 + eps`` over the last dimension."""
    _broadcast_shape(x1.shape, x2.shape)
    dt = _float_dt("norm", x1, x2)
    return apply(
        "NormBackward1",
        _pairwise_distance_fn,
        [x1, x2, eps],
        (("dt", dt.np), ("p", float(p)), ("keepdim", bool(keepdim))),
    )


def _triplet_fn(a, pos, neg, margin, eps, *, dt, reduction, p, swap):
    a, pos, neg = a.astype(dt), pos.astype(dt), neg.astype(dt)
    d_pos = _pnorm(a - pos + eps, p)
    d_neg = _pnorm(a - neg + eps, p)
    if swap:
        d_neg = jnp.minimum(d_neg, _pnorm(pos - neg + eps, p))
    return _reduce(_clamp_min0(margin + d_pos - d_neg), reduction)


def _check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not (a == p and p == n):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of dimensions, but "
            f"got: anchor {a}D, positive {p}D, and negative {n}D inputs"
        )


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)) with the pairwise p-norm distance."""
    red = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    _broadcast_shape(_broadcast_shape(anchor.shape, positive.shape), negative.shape)
    dt = _float_dt("norm", anchor, positive, negative)
    return apply(
        _name(red, "ClampMinBackward0"),
        _triplet_fn,
        [anchor, positive, negative, margin, eps],
        (("dt", dt.np), ("reduction", red), ("p", float(p)), ("swap", bool(swap))),
    )


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """Triplet loss with any distance function (jtorch ops, so user distances join the same tape)."""
    import jtorch

    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    if distance_function is None:
        from jtorch.nn import functional as F

        distance_function = getattr(F, "pairwise_distance", _pairwise_distance)
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = jtorch.minimum(dist_neg, distance_function(positive, negative))
    loss = apply("ClampMinBackward0", _clamp_min0, [margin + dist_pos - dist_neg])
    if reduction == "sum":
        return jtorch.sum(loss)
    if reduction == "mean":
        return jtorch.mean(loss)
    return loss


# --- CTC -------------------------------------------------------------------------------------------


def _lse(*xs):
    m = xs[0]
    for x in xs[1:]:
        m = jnp.maximum(m, x)
    m = jax.lax.stop_gradient(m)
    return m + jnp.log(sum(jnp.exp(x - m) for x in xs))


def _ctc_fn(lp, tgt, il, tl, *, blank, reduction, zero_infinity, unbatched):
    """Per-sample CTC negative log likelihood by the forward (alpha) recursion in log space.

    Unreachable states hold a large finite negative number instead of -inf, so the VJP through
    the recursion has no inf - inf; likelihoods below it become inf, as torch's.
    """
    big = 1e30
    neg = jnp.asarray(-big, lp.dtype)
    n_t, n, _ = lp.shape
    s = tgt.shape[1]
    n_states = 2 * s + 1
    tgt = tgt.astype(jnp.int64)
    il, tl = il.astype(jnp.int64), tl.astype(jnp.int64)
    ext = jnp.full((n, n_states), blank, jnp.int64).at[:, 1::2].set(tgt)
    skip = jnp.zeros((n, n_states), bool).at[:, 2:].set((ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2]))
    lpe = jnp.take_along_axis(lp, jnp.broadcast_to(ext[None], (n_t, n, n_states)), axis=2)
    lpe = jnp.maximum(lpe, neg)
    states = jnp.arange(n_states)
    state_ok = states[None, :] < (2 * tl[:, None] + 1)
    alpha0 = jnp.where((states[None, :] < 2) & state_ok, lpe[0], neg)

    def step(alpha, inp):
        t, lpe_t = inp
        a1 = jnp.concatenate([jnp.full((n, 1), neg), alpha[:, :-1]], axis=1)
        a2 = jnp.concatenate([jnp.full((n, 2), neg), alpha[:, :-2]], axis=1)
        a2 = jnp.where(skip, a2, neg)
        new = jnp.where(state_ok, _lse(alpha, a1, a2) + lpe_t, neg)
        return jnp.where((t < il)[:, None], new, alpha), None

    alpha, _ = jax.lax.scan(step, alpha0, (jnp.arange(1, n_t), lpe[1:]))
    end1 = jnp.take_along_axis(alpha, (2 * tl)[:, None], axis=1)[:, 0]
    end2 = jnp.take_along_axis(alpha, jnp.maximum(2 * tl - 1, 0)[:, None], axis=1)[:, 0]
    end2 = jnp.where(tl > 0, end2, neg)
    nll = -_lse(end1, end2)
    # torch's CTC gradient is taken with respect to the logits behind a log_softmax: it adds
    # exp(log_probs) for t < input_length. This term is zero in value and adds exactly that.
    lps = jax.lax.stop_gradient(lp)
    tmask = (jnp.arange(n_t)[:, None] < il[None, :])[:, :, None] & jnp.isfinite(lps)
    nll = nll + jnp.sum(jnp.where(tmask, jnp.exp(lps) * (lp - lps), jnp.zeros((), lp.dtype)), axis=(0, 2))
    nll = jnp.where(nll >= big / 10, jnp.inf, nll)
    if zero_infinity:
        nll = jnp.where(jnp.isinf(nll), jnp.zeros((), lp.dtype), nll)
    if reduction == "mean":
        return jnp.mean(nll / jnp.maximum(tl, 1).astype(lp.dtype))
    if reduction == "sum":
        return jnp.sum(nll)
    return nll[0] if unbatched else nll


def _lengths(x, name: str) -> np.ndarray:
    if isinstance(x, Tensor):
        return _np(x).astype(np.int64).reshape(-1)
    return np.asarray(x, dtype=np.int64).reshape(-1)


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor,
    target_lengths: Tensor,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """Connectionist Temporal Classification loss for (T, N, C) or unbatched (T, C) log-probabilities.

    'mean' divides each loss by its target length (at least 1), then averages over the batch.
    """
    red = _ENUM_NAMES[get_enum(reduction)]
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    n_t, n, n_classes = lp.shape
    if not (0 <= blank < n_classes):
        raise RuntimeError("blank must be in label range")
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    if il.shape[0] != n:
        raise RuntimeError(f"input_lengths must be of size batch_size, but got {il.shape[0]}")
    if tl.shape[0] != n:
        raise RuntimeError(f"target_lengths must be of size batch_size, but got {tl.shape[0]}")
    if n and il.max() > n_t:
        raise RuntimeError(
            f"Expected input_lengths to have value at most {n_t}, but got value {il.max()} "
            "(while checking arguments for ctc_loss_allocate_outputs)"
        )
    tg = _np(targets).astype(np.int64) if isinstance(targets, Tensor) else np.asarray(targets, np.int64)
    if (
        not batched
        and tg.ndim == 1
        and np.ndim(_np(target_lengths) if isinstance(target_lengths, Tensor) else target_lengths) == 0
    ):
        tg = tg[None]  # unbatched (S,) targets
    if tg.ndim == 2:
        s = tg.shape[1]
        if n and tl.max() > s:
            raise RuntimeError(
                f"Expected tensor to have size at least {tl.max()} at dimension 1, but got size {s} for argument #2 "
                "'targets' (while checking arguments for ctc_loss_allocate_outputs)"
            )
        padded = tg
    else:
        if tg.size < tl.sum():
            raise RuntimeError(
                f"Expected tensor to have size at least {tl.sum()} at dimension 1, but got size {tg.size} for "
                "argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)"
            )
        s = int(tl.max()) if n else 0
        padded = np.zeros((n, s), np.int64)
        offsets = np.concatenate([[0], np.cumsum(tl)])
        for i in range(n):
            padded[i, : tl[i]] = tg.reshape(-1)[offsets[i] : offsets[i + 1]]
    none_name = "SqueezeBackward1" if not batched else "WhereBackward0" if zero_infinity else "CtcLossBackward0"
    return apply(
        _name(red, none_name),
        _ctc_fn,
        [lp, Tensor._wrap(jnp.asarray(padded)), Tensor._wrap(jnp.asarray(il)), Tensor._wrap(jnp.asarray(tl))],
        (("blank", int(blank)), ("reduction", red), ("zero_infinity", bool(zero_infinity)), ("unbatched", not batched)),
    )
