"""torch.nn.functional.linear and bilinear: one pure JAX function each, run through ``dispatch.apply``."""

from __future__ import annotations

import math

import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor

__all__ = ["linear", "bilinear"]


def _linear(x, w, b):
    y = jnp.matmul(x, w.T)
    return y if b is None else y + b


def _bilinear(x1, x2, w, b):
    y = jnp.einsum("...i,oij,...j->...o", x1, w, x2)
    return y if b is None else y + b


def _check_same_dtype(*ts) -> None:
    dts = [t.dtype for t in ts if t is not None]
    if all(d is dts[0] for d in dts):
        return
    names = [_dtype.type_name(d) for d in dts]
    if len(set(names)) > 1:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {names[0].lower()} != {names[1].lower()}"
        )


def _linear_grad_name(ndim: int, w_ndim: int, has_bias: bool) -> str:
    """torch's grad_fn for each shape case (addmm for 2-d input with bias, as torch)."""
    if w_ndim == 1:
        return "DotBackward0" if ndim == 1 else ("AddBackward0" if has_bias else "MvBackward0")
    if ndim == 2:
        return "AddmmBackward0" if has_bias else "MmBackward0"
    if ndim == 1:
        return "ViewBackward0" if has_bias else "SqueezeBackward4"
    return "ViewBackward0" if has_bias else "UnsafeViewBackward0"


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y = x @ weight.T + bias`` with torch's weight layout ``(out_features, in_features)``."""
    # Checks read the jax arrays' shapes/dtypes once: this is the hot path of every MLP.
    xs, ws = input._data.shape, weight._data.shape
    bs = None if bias is None else bias._data.shape
    same_dt = input._data.dtype == weight._data.dtype and (bias is None or bias._data.dtype == input._data.dtype)
    if not (same_dt and len(ws) == 2 and xs and xs[-1] == ws[1] and (bs is None or bs == (ws[0],))):
        _check_linear_args(input, weight, bias)
    return apply(_linear_grad_name(len(xs), len(ws), bias is not None), _linear, [input, weight, bias])


def _check_linear_args(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """torch's errors for the unusual cases (dtype mismatch, shapes, 1-d weight, broadcast bias)."""
    _check_same_dtype(input, weight)
    if input.ndim == 0 or weight.ndim not in (1, 2):
        raise RuntimeError(
            f"linear(): input and weight must have at least one dimension and weight at most two, "
            f"got {input.ndim} and {weight.ndim}"
        )
    in_f = weight.shape[-1]
    if input.shape[-1] != in_f:
        rows = math.prod(input.shape[:-1])
        w_shape = f"{in_f}x{weight.shape[0]}" if weight.ndim == 2 else f"{in_f}"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and {w_shape})")
    if bias is not None:
        _check_same_dtype(input, bias)
        out_shape = tuple(input.shape[:-1]) + ((weight.shape[0],) if weight.ndim == 2 else ())
        try:
            bshape = jnp.broadcast_shapes(out_shape, tuple(bias.shape))
        except ValueError:
            bshape = None
        if bshape != out_shape:
            raise RuntimeError(
                f"The expanded size of the tensor ({out_shape[-1] if out_shape else 1}) must match the existing size "
                f"({bias.shape[-1] if bias.ndim else 1}) at non-singleton dimension {max(len(out_shape) - 1, 0)}.  "
                f"Target sizes: {list(out_shape)}.  Tensor sizes: {list(bias.shape)}"
            )


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]``."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {d}: got {input1.shape[d]} and {input2.shape[d]}"
            )
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, got {weight.ndim}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but expected {weight.shape[1]}"
        )
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but expected {weight.shape[2]}"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {bias.shape[-1] if bias.ndim else 1} "
            f"but expected {weight.shape[0]}"
        )
    _check_same_dtype(input1, input2, weight, bias)
    return apply("ViewBackward0", _bilinear, [input1, input2, weight, bias])
