"""Matrix products: matmul/mm/bmm/mv/dot/outer/addmm/einsum ... with torch's shape errors."""

from __future__ import annotations

import jax.numpy as jnp

from jtorch import _dtype
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import torch_op
from jtorch._tensor import Tensor


def _promote(*ts):
    dt = ts[0].dtype
    for t in ts[1:]:
        if t.dtype is not dt:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_dtype_name(dt)} != {_dtype_name(t.dtype)}")
    return dt


def _dtype_name(d):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}.get(d.name, d.name)


def _matmul(a, b):
    return jnp.matmul(a, b)


@torch_op()
def matmul(input, other):
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and {other.ndim}D"
        )
    _promote(input, other)
    a, b = input.shape, other.shape
    k1 = a[-1]
    k2 = b[0] if other.ndim == 1 else b[-2]
    if k1 != k2:
        if input.ndim == 1 and other.ndim == 1:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to have the same number of elements, but got {a[0]} and {b[0]} elements respectively"
            )
        if input.ndim <= 2 and other.ndim <= 2:
            m1 = f"{a[0]}x{a[1]}" if input.ndim == 2 else f"1x{a[0]}"
            m2 = f"{b[0]}x{b[1]}" if other.ndim == 2 else f"{b[0]}x1"
            if input.ndim == 2 and other.ndim == 1:
                raise RuntimeError(f"size mismatch, got input ({a[0]}), mat ({a[0]}x{a[1]}), vec ({b[0]})")
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m1} and {m2})")
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{_batch(a, b)}, {k1}] but got: [{_batch(a, b)}, {k2}]."
        )
    if input.ndim >= 2 and other.ndim >= 2:
        jnp.broadcast_shapes(a[:-2], b[:-2]) if _broadcastable(a[:-2], b[:-2]) else _bad_batch(a, b)
    name = {(1, 1): "DotBackward0", (2, 2): "MmBackward0", (2, 1): "MvBackward0"}.get((input.ndim, other.ndim), "UnsafeViewBackward0" if input.ndim > 2 else "MmBackward0")
    return apply(name, _matmul, [input, other])


def _batch(a, b):
    import math

    return math.prod(a[:-2]) if len(a) > 2 else math.prod(b[:-2])


def _broadcastable(a, b):
    try:
        jnp.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def _bad_batch(a, b):
    raise RuntimeError(
        f"The size of tensor a ({a[-3] if len(a) > 2 else 1}) must match the size of tensor b ({b[-3] if len(b) > 2 else 1}) at non-singleton dimension 0"
    )


@torch_op()
def mm(input, mat2):
    if input.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    _promote(input, mat2)
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})"
        )
    return apply("MmBackward0", _matmul, [input, mat2])


@torch_op()
def bmm(input, mat2):
    if input.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")
    _promote(input, mat2)
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, {input.shape[2]}] but "
            f"got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return apply("BmmBackward0", _matmul, [input, mat2])


@torch_op()
def mv(input, vec):
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {1}, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})")
    _promote(input, vec)
    return apply("MvBackward0", _matmul, [input, vec])


@torch_op()
def dot(input, tensor):
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.dtype is not tensor.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_dtype.type_name(input.dtype)} and {_dtype.type_name(tensor.dtype)}"
        )
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] to have the same number of elements, but got {input.shape[0]} and {tensor.shape[0]} elements respectively"
        )
    return apply("DotBackward0", _matmul, [input, tensor])


def _outer(a, b):
    return jnp.outer(a, b)


@torch_op(aliases=("ger",))
def outer(input, vec2):
    dt = _dtype.promote_types(input.dtype, vec2.dtype)
    return apply("OuterBackward0", _outer, [input.to(dt), vec2.to(dt)])


def _addmm(c, a, b, beta, alpha):
    return beta * c + alpha * (a @ b)


@torch_op(inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    mm(mat1, mat2)  # shape and dtype checks with torch's messages
    return apply("AddmmBackward0", _addmm, [input, mat1, mat2, beta, alpha])


@torch_op(inplace=True)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    mv(mat, vec)
    return apply("AddmvBackward0", _addmm, [input, mat, vec, beta, alpha])


@torch_op(inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    bmm(batch1, batch2)
    return apply("BaddbmmBackward0", _addmm, [input, batch1, batch2, beta, alpha])


def _einsum(*ops, eq):
    return jnp.einsum(eq, *ops)


@torch_op(method=False)
def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    dt = operands[0].dtype
    for o in operands[1:]:
        dt = _dtype.promote_types(dt, o.dtype)
    ops = [o.to(dt) if o.dtype is not dt else o for o in operands]
    return apply("ViewBackward0", _einsum, ops, (("eq", equation.replace(" ", "")),))


def _tensordot(a, b, *, axes):
    return jnp.tensordot(a, b, axes)


@torch_op(method=False)
def tensordot(a, b, dims=2):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (list, tuple)):
        dims = (tuple(dims[0]) if isinstance(dims[0], (list, tuple)) else (dims[0],), tuple(dims[1]) if isinstance(dims[1], (list, tuple)) else (dims[1],))
    return apply("TensordotBackward0", _tensordot, [a, b], (("axes", dims),))
