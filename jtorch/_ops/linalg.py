"""Linear algebra: matrix products (matmul, mm, bmm, einsum, ...) and ``torch.linalg``.

Every op is a pure JAX function run through ``dispatch.apply`` (so autograd is JAX's VJP of the
same definition) plus a torch-signature wrapper that reproduces torch's argument checks, dtype
rules and error messages. Decompositions call ``jnp.linalg`` (LAPACK on CPU, as torch does);
where ``jnp.linalg`` differs from torch (pinv's default cutoff, eigh reading only one triangle,
SVD gradients with ``full_matrices=True``) the difference is handled here and commented.

Failures torch reports from LAPACK (singular ``inv``/``solve``, non positive-definite
``cholesky``) raise ``jtorch.linalg.LinAlgError`` with torch's message. They need the values, so
they are checked eagerly only; under ``jax.jit`` the result is NaN/Inf as with ``*_ex`` functions.
"""

from __future__ import annotations

import builtins
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._ops._util import wrap_dim, wrap_dims
from jtorch._ops.dispatch import apply
from jtorch._ops.reduction import _named
from jtorch._ops.registry import torch_op
from jtorch._tensor import Tensor


class LinAlgError(RuntimeError):
    """Raised when a LAPACK routine fails (torch.linalg.LinAlgError)."""


LinAlgError.__module__ = "torch._C"
LinAlgError.__qualname__ = LinAlgError.__name__ = "_LinAlgError"

slogdet_t = _named("slogdet", ["sign", "logabsdet"])
linalg_slogdet_t = _named("linalg_slogdet", ["sign", "logabsdet"])
qr_t = _named("qr", ["Q", "R"])
linalg_qr_t = _named("linalg_qr", ["Q", "R"])
svd_t = _named("svd", ["U", "S", "V"])
linalg_svd_t = _named("linalg_svd", ["U", "S", "Vh"])
linalg_eigh_t = _named("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_lstsq_t = _named("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
linalg_inv_ex_t = _named("linalg_inv_ex", ["inverse", "info"])
linalg_cholesky_ex_t = _named("linalg_cholesky_ex", ["L", "info"])
linalg_solve_ex_t = _named("linalg_solve_ex", ["result", "info"])
linalg_eig_t = _named("linalg_eig", ["eigenvalues", "eigenvectors"])
linalg_lu_factor_t = _named("linalg_lu_factor", ["LU", "pivots"])
linalg_lu_t = _named("linalg_lu", ["P", "L", "U"])

# --- checks with torch's messages ----------------------------------------------------------------

_CPP_NAMES = {
    "float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
    "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
    "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
}  # fmt: skip


def _cname(d: _dtype.dtype) -> str:
    """The C++ type name torch prints in some messages (``float != double``)."""
    return _CPP_NAMES.get(d.name, d.name)


def _tname(d: _dtype.dtype) -> str:
    return _dtype.type_name(d)


def _is_float(t: Tensor) -> bool:
    return t.dtype.is_floating_point or t.dtype.is_complex


def _check_float(name: str, t: Tensor) -> None:
    if not _is_float(t):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tname(t.dtype)}")


def _check_matrix(name: str, t: Tensor, square: bool = False) -> None:
    if t.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and t.shape[-1] != t.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {t.shape[-2]} by {t.shape[-1]} matrices"
        )


def _check_not_bool(t: Tensor, kernel: str) -> None:
    if t.dtype is _dtype.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _mm_shapes(s1, s2) -> None:
    if s1[1] != s2[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({s1[0]}x{s1[1]} and {s2[0]}x{s2[1]})")


def _mm_dtypes(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_cname(a.dtype)} != {_cname(b.dtype)}"
        )


def _mv_shapes(n: int, k: int, v: int) -> None:
    if k != v:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({v})")


def _mv_dtypes(mat: Tensor, vec: Tensor, self_dt=None) -> None:
    self_dt = self_dt or vec.dtype
    if not (self_dt is mat.dtype is vec.dtype):
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {_tname(self_dt)}, {_tname(mat.dtype)}, and {_tname(vec.dtype)}"
        )


def _scalar_type(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {_tname(a.dtype)} but found {_tname(b.dtype)}")


def _infer_size(a, b) -> tuple:
    """Broadcast two shapes with torch's message (it reports the last mismatching dimension)."""
    n = max(len(a), len(b))
    out = [0] * n
    for i in range(n - 1, -1, -1):
        off = n - 1 - i
        sa = a[len(a) - 1 - off] if len(a) - 1 - off >= 0 else 1
        sb = b[len(b) - 1 - off] if len(b) - 1 - off >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at non-singleton dimension {i}"
            )
        out[i] = sb if sa == 1 else sa
    return tuple(out)


def _dot_checks(a: Tensor, b: Tensor) -> None:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_tname(a.dtype)} and {_tname(b.dtype)}"
        )
    if a.shape[0] != b.shape[0]:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of elements, "
            f"but got {n} and {m} elements respectively"
        )


# --- products --------------------------------------------------------------------------------------


def _matmul(a, b):
    return jnp.matmul(a, b)


def _matmul_plan(a: Tensor, b: Tensor) -> str:
    """Run torch's matmul shape/dtype checks along the path torch takes; return its grad_fn name.

    torch reduces matmul to dot/mv/mm, to one mm/mv over the folded batch of the larger operand
    (``should_fold``; for a 1-D/2-D first operand only when it requires grad), or to a broadcast
    bmm. The error a bad shape gives depends on that path, so it is reproduced here; the value
    is computed by one ``jnp.matmul``.
    """
    d1, d2 = a.ndim, b.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D")
    s1, s2 = tuple(a.shape), tuple(b.shape)
    if d1 == 1 and d2 == 1:
        _dot_checks(a, b)
        return "DotBackward0"
    _check_not_bool(a, "addmm_impl_cpu_")
    if d1 == 2 and d2 == 1:
        _mv_shapes(s1[0], s1[1], s2[0])
        _mv_dtypes(a, b)
        return "MvBackward0"
    if d1 <= 2 and d2 == 2:
        _mm_shapes(s1 if d1 == 2 else (1, s1[0]), s2)
        _mm_dtypes(a, b)
        return "MmBackward0" if d1 == 2 else "SqueezeBackward4"
    if d1 >= 3 and d2 <= 2:  # fold a's batch into its rows
        rows = math.prod(s1[:-1])
        if d2 == 2:
            _mm_shapes((rows, s1[-1]), s2)
            _mm_dtypes(a, b)
        else:
            _mv_shapes(rows, s1[-1], s2[0])
            _mv_dtypes(a, b)
        return "UnsafeViewBackward0"
    if d2 >= 3 and d1 <= 2 and a.requires_grad:  # fold the transposed problem b.mT @ a.mT
        rows = math.prod(s2[:-2]) * s2[-1]
        if d1 == 2:
            _mm_shapes((rows, s2[-2]), (s1[1], s1[0]))
            _mm_dtypes(b, a)
            return "CloneBackward0"
        _mv_shapes(rows, s2[-2], s1[0])
        _mv_dtypes(b, a)
        return "UnsafeViewBackward0"
    k1 = s1[0] if d1 == 1 else s1[-1]
    k2 = s2[0] if d2 == 1 else s2[-2]
    batch = math.prod(_infer_size(s1[:-2], s2[:-2]))
    if k1 != k2:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k1}] but got: [{batch}, {k2}]."
        )
    _scalar_type(a, b)
    return "UnsafeViewBackward0"


@torch_op()
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with numpy-style batching and 1-D promotion (torch.matmul)."""
    return apply(_matmul_plan(input, other), _matmul, [input, other])


@torch_op()
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _mm_shapes(input.shape, mat2.shape)
    _mm_dtypes(input, mat2)
    _check_not_bool(input, "addmm_impl_cpu_")
    return apply("MmBackward0", _matmul, [input, mat2])


def _bmm_checks(b1: Tensor, b2: Tensor) -> None:
    if b1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b1.shape[0] != b2.shape[0] or b1.shape[2] != b2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{b1.shape[0]}, {b1.shape[2]}] but "
            f"got: [{b2.shape[0]}, {b2.shape[1]}]."
        )


@torch_op()
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    _bmm_checks(input, mat2)
    _scalar_type(input, mat2)
    _check_not_bool(input, "bmm")
    return apply("BmmBackward0", _matmul, [input, mat2])


@torch_op()
def mv(input: Tensor, vec: Tensor) -> Tensor:
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    _mv_shapes(input.shape[0], input.shape[1], vec.shape[0])
    _mv_dtypes(input, vec)
    return apply("MvBackward0", _matmul, [input, vec])


@torch_op()
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    _dot_checks(input, tensor)
    _check_not_bool(input, "dot")
    return apply("DotBackward0", _matmul, [input, tensor])


def _vdot(a, b):
    return jnp.vdot(a, b)


@torch_op()
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Dot product conjugating the first argument."""
    _dot_checks(input, other)
    return apply("VdotBackward0", _vdot, [input, other])


def _outer(a, b, *, dt):
    return jnp.outer(a.astype(dt), b.astype(dt))


@torch_op(aliases=("ger",))
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    if input.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D")
    if vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    dt = _dtype.promote_types(input.dtype, vec2.dtype)
    return apply("MulBackward0", _outer, [input, vec2], (("dt", dt.np),))


def _addmm(c, a, b, beta, alpha, *, ignore_input):
    prod = alpha * jnp.matmul(a, b)
    out = prod if ignore_input else beta * c + prod
    return out.astype(c.dtype)


def _expand_check(t: Tensor, shape) -> None:
    """torch's ``expand`` message when the input of an add*-op cannot broadcast to the product."""
    s = tuple(t.shape)
    if len(s) > len(shape):
        raise RuntimeError(
            f"The expanded size of the tensor ({shape[0] if shape else 1}) must match the existing size "
            f"({s[0]}) at non-singleton dimension 0.  Target sizes: {list(shape)}.  Tensor sizes: {list(s)}"
        )
    for i in range(1, len(s) + 1):
        if s[-i] != 1 and s[-i] != shape[-i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[-i]}) must match the existing size ({s[-i]}) at "
                f"non-singleton dimension {len(shape) - i}.  Target sizes: {list(shape)}.  Tensor sizes: {list(s)}"
            )


def _add_op(name: str, grad_name: str, input, a, b, beta, alpha):
    return apply(grad_name, _addmm, [input, a, b, beta, alpha], (("ignore_input", beta == 0),))


@torch_op(inplace=True)
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; with ``beta == 0`` input is ignored (NaNs too)."""
    if mat1.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2.ndim}-D tensor")
    _mm_shapes(mat1.shape, mat2.shape)
    if not (input.dtype is mat1.dtype is mat2.dtype):
        other = mat2 if input.dtype is not mat2.dtype else mat1
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_tname(input.dtype)} and {_tname(other.dtype)}"
        )
    _expand_check(input, (mat1.shape[0], mat2.shape[1]))
    return _add_op("addmm", "AddmmBackward0", input, mat1, mat2, beta, alpha)


@torch_op(inplace=True)
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    _mv_shapes(mat.shape[0], mat.shape[1], vec.shape[0])
    _mv_dtypes(mat, vec, input.dtype)
    _expand_check(input, (mat.shape[0],))
    return _add_op("addmv", "AddmvBackward0", input, mat, vec, beta, alpha)


@torch_op(inplace=True)
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    if batch1.ndim == 3 and batch2.ndim == 3:  # torch expands the input before checking the product
        _expand_check(input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    _bmm_checks(batch1, batch2)
    if not (input.dtype is batch1.dtype is batch2.dtype):
        raise RuntimeError(
            f"Input dtypes must be the same, got: input {_cname(input.dtype)}, batch1: {_cname(batch1.dtype)}, "
            f"batch2: {_cname(batch2.dtype)}"
        )
    _expand_check(input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    return _add_op("baddbmm", "BaddbmmBackward0", input, batch1, batch2, beta, alpha)


def _addbmm(c, a, b, beta, alpha, *, ignore_input):
    prod = alpha * jnp.sum(jnp.matmul(a, b), axis=0)
    out = prod if ignore_input else beta * c + prod
    return out.astype(c.dtype)


@torch_op(inplace=True)
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``."""
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and {batch2.shape[0]}"
        )
    _expand_check(input, (batch1.shape[1], batch2.shape[2]))
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(
            f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
            f"{batch2.shape[1]}x{batch2.shape[2]})"
        )
    if not (input.dtype is batch1.dtype is batch2.dtype):
        other = batch2 if input.dtype is not batch2.dtype else batch1
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_tname(input.dtype)} and {_tname(other.dtype)}"
        )
    _expand_check(input, (batch1.shape[1], batch2.shape[2]))
    return apply("AddbmmBackward0", _addbmm, [input, batch1, batch2, beta, alpha], (("ignore_input", beta == 0),))


def _einsum(*ops, eq):
    return jnp.einsum(eq, *ops)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _sublist_equation(args) -> tuple:
    """torch.einsum(op1, [0, 1], op2, [1, 2], [0, 2]) -> ("ab,bc->ac", ops)."""

    def sub(lst):
        return "".join("..." if s is Ellipsis else _LETTERS[s] for s in lst)

    out = None
    if len(args) % 2:  # a trailing sublist is the output
        out, args = sub(args[-1]), args[:-1]
    ops, subs = list(args[0::2]), [sub(s) for s in args[1::2]]
    eq = ",".join(subs) + ("->" + out if out is not None else "")
    return eq, ops


def _einsum_checks(eq: str, ops) -> None:
    lhs = eq.split("->")[0]
    terms = lhs.split(",")
    if len(terms) > len(ops):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(ops):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    seen: dict = {}
    for k, (term, op) in enumerate(zip(terms, ops)):
        ellipsis = "..." in term
        labels = term.replace("...", "")
        if not ellipsis and len(labels) != op.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(labels)}) does not match the number of "
                f"dimensions ({op.ndim}) for operand {k} and no ellipsis was given"
            )
        if ellipsis and len(labels) > op.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(labels)}) is more than the number of "
                f"dimensions ({op.ndim}) for operand {k}"
            )
        head, _, tail = term.partition("...")
        sizes = list(zip(head, op.shape[: len(head)])) + list(zip(tail, op.shape[op.ndim - len(tail) :]))
        for label, size in sizes:
            prev = seen.get(label)
            if prev is not None and prev != size and prev != 1 and size != 1:
                raise RuntimeError(
                    f"einsum(): subscript {label} has size {size} for operand {k} which does not broadcast with "
                    f"previously seen size {prev}"
                )
            if prev is None or prev == 1:
                seen[label] = size


@torch_op(method=False)
def einsum(*args) -> Tensor:
    """Einstein summation; the equation form and the sublist form, as torch."""
    if args and isinstance(args[0], str):
        eq, ops = args[0], args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
    else:
        eq, ops = _sublist_equation(args)
    eq = eq.replace(" ", "")
    _einsum_checks(eq, ops)
    for o in ops[1:]:
        _scalar_type(ops[0], o)
    return apply("ViewBackward0", _einsum, list(ops), (("eq", eq),))


def _tensordot(a, b, *, axes):
    return jnp.tensordot(a, b, axes)


@torch_op(method=False)
def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2:
            raise RuntimeError(f"tensordot expects dims to be a pair of lists, got {dims}")
        da = list(dims[0]) if isinstance(dims[0], (list, tuple)) else [dims[0]]
        db = list(dims[1]) if isinstance(dims[1], (list, tuple)) else [dims[1]]
    else:
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for x, y in zip(da, db):
        sa, sb = a.shape[wrap_dim(x, a.ndim)], b.shape[wrap_dim(y, b.ndim)]
        if sa != sb:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {sa} in dim {x} and second has size {sb} in dim {y}"
            )
    axes = (tuple(wrap_dim(x, a.ndim) for x in da), tuple(wrap_dim(y, b.ndim) for y in db))
    result = apply("ViewBackward0", _tensordot, [a, b], (("axes", axes),))
    if out is not None:
        out._inplace(result)
        return out
    return result


def _kron(a, b, *, dt):
    return jnp.kron(a.astype(dt), b.astype(dt))


@torch_op()
def kron(input: Tensor, other: Tensor) -> Tensor:
    dt = _dtype.promote_types(input.dtype, other.dtype)
    return apply("UnsafeViewBackward0", _kron, [input, other], (("dt", dt.np),))


def _inner(a, b):
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return jnp.inner(a, b)


@torch_op()
def inner(input: Tensor, other: Tensor) -> Tensor:
    if input.ndim and other.ndim and input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes {list(input.shape)} and "
            f"{list(other.shape)}"
        )
    if input.dtype is not other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    name = "MulBackward0" if input.ndim == 0 or other.ndim == 0 else "ViewBackward0"
    return apply(name, _inner, [input, other])


def _multi_dot(*ops):
    return jnp.linalg.multi_dot(ops)


def linalg_multi_dot(tensors, *, out=None) -> Tensor:
    """Product of a chain of matrices in the cheapest order (first/last may be 1-D)."""
    tensors = list(tensors)
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        if i == 0 and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {t.ndim}D")
        if i == n - 1 and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {t.ndim}D")
        if 0 < i < n - 1 and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(
                f"multi_dot(): all tensors must have be the same dtype but tensor 0 is {_cname(tensors[0].dtype)} "
                f"and tensor {i} {_cname(t.dtype)}"
            )
    for i in range(n - 1):
        a, b = tensors[i], tensors[i + 1]
        sa = tuple(a.shape) if a.ndim == 2 else (1, a.shape[0])
        sb = tuple(b.shape) if b.ndim == 2 else (b.shape[0], 1)
        if sa[1] != sb[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(sa)} and {list(sb)} cannot be multiplied"
            )
    result = apply("MmBackward0", _multi_dot, tensors)
    return _write_out(out, result)


def _write_out(out, result):
    if out is None:
        return result
    out._inplace(result)
    return out


@torch_op(method=False)
def chain_matmul(*matrices) -> Tensor:
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot "
        "instead, which accepts a list of two or more tensors rather than multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    for t in matrices:
        if t.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return linalg_multi_dot(matrices)


def _cdist(x1, x2, p, *, kind):
    d = jnp.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if kind == "inf":
        return jnp.max(d, axis=-1) if d.shape[-1] else jnp.zeros(d.shape[:-1], d.dtype)
    if kind == 0:
        return jnp.sum(d != 0, axis=-1).astype(d.dtype)
    if kind == 1:
        return jnp.sum(d, axis=-1)
    if kind == 2:
        return _safe_root(jnp.sum(d * d, axis=-1), None)
    return _safe_root(jnp.sum(d**p, axis=-1), p)


def _safe_root(s, p):
    """``s ** (1/p)`` (square root when ``p`` is None) with a zero, not NaN, gradient at ``s == 0``,
    as torch's norm backwards."""
    pos = s > 0
    safe = jnp.where(pos, s, 1)
    return jnp.where(pos, jnp.sqrt(safe) if p is None else safe ** (1.0 / p), 0)


@torch_op(method=False)
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` and ``x2`` (batched)."""
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if not x1.dtype.is_floating_point:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_tname(x1.dtype)}")
    if not x2.dtype.is_floating_point:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X2 got: {_tname(x2.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    _scalar_type(x1, x2)
    _infer_size(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    kind = "inf" if p == float("inf") else (int(p) if p in (0, 1, 2) else "p")
    return apply("CdistBackward0", _cdist, [x1, x2, float(p)], (("kind", kind),))


# torch.trace and torch.cross are defined in extra.py (with the other shape-level ops).


# --- decompositions and solvers ------------------------------------------------------------------


def _is_tracer(t: Tensor) -> bool:
    return isinstance(t._data, jax.core.Tracer)


def _batch_prefix(shape, flat_index: int) -> str:
    return f"(Batch element {flat_index}): " if len(shape) > 2 else ""


def _lu_zero_pivot(a: np.ndarray):
    """(batch index, 1-based i) of the first zero diagonal element of U in LAPACK's LU, or None."""
    import jax.scipy.linalg as jsl

    flat = a.reshape((-1,) + a.shape[-2:])
    for b in range(flat.shape[0]):
        lu, _ = jsl.lu_factor(flat[b])
        diag = np.asarray(jnp.diagonal(lu))
        zero = np.nonzero(diag == 0)[0]
        if zero.size:
            return b, int(zero[0]) + 1
    return None


def _det(a):
    return jnp.linalg.det(a)


def linalg_det(A: Tensor, *, out=None) -> Tensor:
    _check_matrix("linalg.det", A)
    _check_float("linalg.det", A)
    _check_matrix("linalg.det", A, square=True)
    return _write_out(out, apply("LinalgDetBackward0", _det, [A]))


@torch_op()
def det(input: Tensor) -> Tensor:
    return linalg_det(input)


def _slogdet(a):
    return jnp.linalg.slogdet(a)


def linalg_slogdet(A: Tensor, *, out=None):
    _check_matrix("linalg.slogdet", A)
    _check_float("linalg.slogdet", A)
    _check_matrix("linalg.slogdet", A, square=True)
    return linalg_slogdet_t(*apply("LinalgSlogdetBackward0", _slogdet, [A]))


@torch_op()
def slogdet(input: Tensor):
    return slogdet_t(*linalg_slogdet(input))


def _logdet(a):
    sign, logabs = jnp.linalg.slogdet(a)
    if jnp.iscomplexobj(a):
        return logabs + jnp.log(sign)
    return jnp.where(sign < 0, jnp.nan, logabs)


@torch_op()
def logdet(input: Tensor) -> Tensor:
    """log(det(A)): NaN for a negative determinant, -inf for a singular matrix (torch's rules)."""
    _check_matrix("logdet", input)
    _check_float("logdet", input)
    _check_matrix("logdet", input, square=True)
    return apply("WhereBackward0", _logdet, [input])


def _inv(a):
    return jnp.linalg.inv(a)


def _check_singular(name: str, A: Tensor, result: Tensor, message: str) -> None:
    """Eagerly raise torch's LinAlgError when LU of A has a zero pivot (the result is then non-finite)."""
    if _is_tracer(A) or A.numel() == 0:
        return
    if bool(jnp.all(jnp.isfinite(result._data))):
        return
    hit = _lu_zero_pivot(np.asarray(A._data))
    if hit is not None:
        b, i = hit
        raise LinAlgError(f"{name}: {_batch_prefix(A.shape, b)}" + message.format(i=i))


def linalg_inv(A: Tensor, *, out=None) -> Tensor:
    _check_matrix("linalg.inv", A)
    _check_float("linalg.inv", A)
    _check_matrix("linalg.inv", A, square=True)
    result = apply("LinalgInvExBackward0", _inv, [A])
    _check_singular(
        "linalg.inv",
        A,
        result,
        "The diagonal element {i} is zero, the inversion could not be completed because the input matrix is singular.",
    )
    return _write_out(out, result)


def _info_of(result: Tensor, batch_shape) -> Tensor:
    ok = jnp.all(jnp.isfinite(result._data), axis=tuple(range(len(batch_shape), result.ndim)))
    return Tensor._wrap(jnp.where(ok, 0, 1).astype(jnp.int32))


def linalg_inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    """inv without raising; ``info`` is 0 where the inverse is finite (torch gives LAPACK's pivot index)."""
    result = linalg_inv(A) if check_errors else apply("LinalgInvExBackward0", _inv, [A])
    return linalg_inv_ex_t(result, _info_of(result, A.shape[:-2]))


@torch_op()
def inverse(input: Tensor) -> Tensor:
    return linalg_inv(input)


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    """torch's rule: B is a (batch of) vector(s) if 1-D or if its shape is A's minus the last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def _solve(a, b, *, vector, left):
    if not left:  # X A = B  <=>  A^T X^T = B^T
        a, b = jnp.swapaxes(a, -1, -2), jnp.swapaxes(b, -1, -2)
    if vector:
        a, b = jnp.broadcast_arrays(a, b[..., None])[0], b[..., None]
        bshape = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        x = jnp.linalg.solve(jnp.broadcast_to(a, bshape + a.shape[-2:]), jnp.broadcast_to(b, bshape + b.shape[-2:]))
        return x[..., 0]
    bshape = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    x = jnp.linalg.solve(jnp.broadcast_to(a, bshape + a.shape[-2:]), jnp.broadcast_to(b, bshape + b.shape[-2:]))
    return jnp.swapaxes(x, -1, -2) if not left else x


def linalg_solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``), with torch's vector-RHS rule."""
    _check_matrix("linalg.solve", A)
    _check_float("linalg.solve", A)
    _check_matrix("linalg.solve", A, square=True)
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type {_tname(A.dtype)} and B of "
            f"type {_tname(B.dtype)} instead"
        )
    vector = left and _is_vector_rhs(A, B)
    n = A.shape[-1]
    if vector:
        if B.shape[-1] != n:
            raise RuntimeError(
                f"linalg.solve: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and {B.shape[-1]}x1)"
            )
    else:
        if B.ndim < 2:
            raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
        k = B.shape[-2] if left else B.shape[-1]
        if k != n:
            eq = "AX = B" if left else "XA = B"
            raise RuntimeError(
                f"linalg.solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                f"{B.shape[-2]}x{B.shape[-1]})"
            )
        _infer_size(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    result = apply("LinalgSolveExBackward0", _solve, [A, B], (("vector", vector), ("left", left)))
    if not _is_tracer(A) and not bool(jnp.all(jnp.isfinite(result._data))) and _lu_zero_pivot(np.asarray(A._data)):
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    return _write_out(out, result)


def linalg_solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None):
    result = linalg_solve(A, B, left=left) if check_errors else _solve_unchecked(A, B, left)
    return linalg_solve_ex_t(result, _info_of(result, A.shape[:-2]))


def _solve_unchecked(A, B, left):
    vector = left and _is_vector_rhs(A, B)
    return apply("LinalgSolveExBackward0", _solve, [A, B], (("vector", vector), ("left", left)))


def _hermitian_from_lower(a):
    return jnp.tril(a) + jnp.conj(jnp.swapaxes(jnp.tril(a, -1), -1, -2))


def _lower_value_symmetric_grad(a):
    """The Hermitian matrix LAPACK sees (lower triangle of ``a``) as the value, with the derivative of
    ``(a + a^H) / 2``: torch's backward of Hermitian ops returns the symmetrised gradient."""
    sym = (a + jnp.conj(jnp.swapaxes(a, -1, -2))) / 2
    return jax.lax.stop_gradient(_hermitian_from_lower(a)) + (sym - jax.lax.stop_gradient(sym))


def _cholesky(a, *, upper):
    L = jnp.linalg.cholesky(_lower_value_symmetric_grad(a), symmetrize_input=False)
    return jnp.conj(jnp.swapaxes(L, -1, -2)) if upper else L


def _cholesky_failure(a: np.ndarray):
    """(batch index, order of the first non positive-definite leading minor) or None."""
    flat = a.reshape((-1,) + a.shape[-2:])
    for b in range(flat.shape[0]):
        m = flat[b]
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return b, k
    return None


def _cholesky_op(name: str, A: Tensor, upper: bool, check: bool = True) -> Tensor:
    _check_matrix(name, A)
    _check_float(name, A)
    _check_matrix(name, A, square=True)
    result = apply("LinalgCholeskyExBackward0", _cholesky, [A], (("upper", bool(upper)),))
    if check and not _is_tracer(A) and A.numel() and not bool(jnp.all(jnp.isfinite(result._data))):
        # LAPACK reads only the lower triangle, as jax's cholesky with symmetrize_input=False.
        low = np.tril(np.asarray(A._data)) + np.conj(np.swapaxes(np.tril(np.asarray(A._data), -1), -1, -2))
        hit = _cholesky_failure(low)
        if hit is not None:
            b, k = hit
            raise LinAlgError(
                f"{name}: {_batch_prefix(A.shape, b)}The factorization could not be completed because the input is "
                f"not positive-definite (the leading minor of order {k} is not positive-definite)."
            )
    return result


def linalg_cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Cholesky factor of a Hermitian positive-definite matrix (reads the lower triangle)."""
    return _write_out(out, _cholesky_op("linalg.cholesky", A, upper))


def linalg_cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    result = _cholesky_op("linalg.cholesky", A, upper, check=check_errors)
    return linalg_cholesky_ex_t(result, _info_of(result, A.shape[:-2]))


@torch_op()
def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    warnings.warn(
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future PyTorch "
        "release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\nand\n"
        "U = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
        "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
        UserWarning,
        stacklevel=2,
    )
    return _cholesky_op("cholesky", input, upper)


def _qr(a, *, mode):
    if mode == "r":
        return jnp.zeros((0,), a.dtype), jnp.linalg.qr(a, mode="r")
    return jnp.linalg.qr(a, mode=mode)


def linalg_qr(A: Tensor, mode: str = "reduced", *, out=None):
    """QR decomposition; mode 'reduced', 'complete' or 'r' (Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'"
        )
    _check_matrix("linalg.qr", A)
    _check_float("linalg.qr", A)
    return linalg_qr_t(*apply("LinalgQrBackward0", _qr, [A], (("mode", mode),)))


@torch_op()
def qr(input: Tensor, some: bool = True):
    return qr_t(*linalg_qr(input, "reduced" if some else "complete"))


def _svd(a, *, full, uv):
    if not uv:
        return jnp.linalg.svd(a, compute_uv=False)
    m, n = a.shape[-2:]
    U, S, Vh = jnp.linalg.svd(a, full_matrices=False)
    if full and m != n:
        # jax differentiates only the reduced SVD; torch ignores the gradient of the extra columns of
        # U / rows of Vh (any basis of the complement is valid), so they are taken without gradient.
        # (stop_gradient on the input: jax has no JVP rule for the full SVD.) The reduced factors
        # are sign-aligned with the full ones so that the columns form one consistent basis.
        Uf, _, Vhf = jnp.linalg.svd(jax.lax.stop_gradient(a), full_matrices=True)
        k = min(m, n)
        sign = jnp.sign(jnp.sum(jnp.conj(U) * Uf[..., :, :k], axis=-2).real).astype(U.dtype)
        U, Vh = U * sign[..., None, :], Vh * sign[..., :, None]
        U = jnp.concatenate([U, Uf[..., :, k:]], axis=-1)
        Vh = jnp.concatenate([Vh, Vhf[..., k:, :]], axis=-2)
    return U, S, Vh


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """``A = U diag(S) Vh``; singular vectors are unique only up to sign (phase)."""
    _check_matrix("linalg.svd", A)
    _check_float("linalg.svd", A)
    res = apply("LinalgSvdBackward0", _svd, [A], (("full", bool(full_matrices)), ("uv", True)))
    return linalg_svd_t(*res)


def linalg_svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    _check_matrix("linalg.svd", A)
    _check_float("linalg.svd", A)
    return _write_out(out, apply("LinalgSvdBackward0", _svd, [A], (("full", False), ("uv", False))))


@torch_op()
def svd(input: Tensor, some: bool = True, compute_uv: bool = True):
    """The older torch.svd: returns V (not Vh); with compute_uv=False U and V are zeros."""
    _check_matrix("linalg.svd", input)
    _check_float("linalg.svd", input)
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        S = linalg_svdvals(input)
        zeros = jnp.zeros
        return svd_t(
            Tensor._wrap(zeros(batch + (m, m), input._data.dtype)),
            S,
            Tensor._wrap(zeros(batch + (n, n), input._data.dtype)),
        )
    U, S, Vh = linalg_svd(input, full_matrices=not some)
    return svd_t(U, S, Vh.mH)


def _eigh(a, *, uplo):
    # torch reads one triangle only; jax would by default symmetrize the whole matrix first.
    return jnp.linalg.eigh(a, UPLO=uplo, symmetrize_input=False)


def _eigh_checks(name: str, A: Tensor, UPLO: str) -> None:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    _check_matrix(name, A)
    if not _is_float(A):
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_tname(A.dtype)}'")
    _check_matrix(name, A, square=True)


def linalg_eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a Hermitian matrix (vectors up to sign/phase)."""
    _eigh_checks("linalg.eigh", A, UPLO)
    return linalg_eigh_t(*apply("LinalgEighBackward0", _eigh, [A], (("uplo", UPLO),)))


def _eigvalsh(a, *, uplo):
    return jnp.linalg.eigh(a, UPLO=uplo, symmetrize_input=False)[0]


def linalg_eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    _eigh_checks("linalg.eigh", A, UPLO)
    return _write_out(out, apply("LinalgEighBackward0", _eigvalsh, [A], (("uplo", UPLO),)))


def _default_rtol(A: Tensor, atol, rtol):
    """torch's rule: rtol = eps * max(m, n) when neither tolerance is given, else 0 if only atol is."""
    if rtol is None:
        if atol is None or atol == 0:
            return float(np.finfo(A._data.dtype).eps) * max(A.shape[-2:])
        return 0.0
    return rtol


def _tol_arg(x):
    if isinstance(x, Tensor):
        return x
    return 0.0 if x is None else float(x)


def _pinv(a, atol, rtol, *, hermitian):
    if hermitian:
        w, v = jnp.linalg.eigh(a)
        s = jnp.abs(w)
    else:
        u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    cutoff = jnp.maximum(
        jnp.asarray(atol)[..., None], jnp.asarray(rtol)[..., None] * jnp.max(s, axis=-1, keepdims=True)
    )
    keep = s > cutoff
    s_inv = jnp.where(keep, 1 / jnp.where(keep, s if not hermitian else w, 1), 0)
    if hermitian:
        return jnp.einsum("...ij,...j,...kj->...ik", v, s_inv, jnp.conj(v))
    return jnp.einsum("...ji,...j,...kj->...ik", jnp.conj(vh), s_inv, jnp.conj(u))


def linalg_pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, rcond=None, out=None) -> Tensor:
    """Moore-Penrose pseudo-inverse with torch's tolerances (values below the cutoff are dropped)."""
    if A.ndim < 2 or not _is_float(A):
        raise RuntimeError(
            f"linalg.pinv({_tname(A.dtype)}{{{list(A.shape)}}}): expected a tensor with 2 or more dimensions of "
            "float, double, cfloat or cdouble types"
        )
    if rcond is not None:
        rtol = rcond
    rt = _default_rtol(A, atol, rtol)
    result = apply("LinalgPinvBackward0", _pinv, [A, _tol_arg(atol), _tol_arg(rt)], (("hermitian", bool(hermitian)),))
    return _write_out(out, result)


@torch_op()
def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    return linalg_pinv(input, rtol=rcond)


def _matrix_rank(a, atol, rtol, *, hermitian):
    s = jnp.abs(jnp.linalg.eigvalsh(a)) if hermitian else jnp.linalg.svd(a, compute_uv=False)
    smax = jnp.max(s, axis=-1, keepdims=True) if s.shape[-1] else jnp.zeros(s.shape[:-1] + (1,), s.dtype)
    cutoff = jnp.maximum(jnp.asarray(atol)[..., None], jnp.asarray(rtol)[..., None] * smax)
    return jnp.sum(s > cutoff, axis=-1).astype(jnp.int64)


def linalg_matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None, out=None) -> Tensor:
    """Number of singular values above ``max(atol, rtol * sigma_max)``."""
    if not (A.dtype.is_floating_point or A.dtype.is_complex) or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError("This function doesn't handle types other than float and double")
    _check_matrix("torch.linalg.matrix_rank", A)
    if tol is not None:
        atol, rtol = tol, 0.0
    rt = _default_rtol(A, atol, rtol)
    result = apply("matrix_rank", _matrix_rank, [A, _tol_arg(atol), _tol_arg(rt)], (("hermitian", bool(hermitian)),))
    return _write_out(out, result)


def _lstsq(a, b, rcond, *, vector):
    if vector:
        b = b[..., None]
    bshape = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, bshape + a.shape[-2:])
    b = jnp.broadcast_to(b, bshape + b.shape[-2:])
    x = jnp.linalg.pinv(a, rtol=rcond) @ b  # pinv has a stable custom derivative in jax
    s = jnp.linalg.svd(jax.lax.stop_gradient(a), compute_uv=False)
    smax = jnp.max(s, axis=-1, keepdims=True) if s.shape[-1] else jnp.zeros(s.shape[:-1] + (1,), s.dtype)
    rank = jnp.sum(s > rcond * smax, axis=-1).astype(jnp.int64)
    return (x[..., 0] if vector else x), rank, s


def linalg_lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` with torch's outputs for each driver.

    The solution is the minimum-norm one (via the pseudo-inverse); torch's default CPU driver
    'gelsy' returns a basic solution instead, which differs only for rank-deficient A.
    """
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype "
            f"{_tname(A.dtype)} and other's dtype {_tname(B.dtype)}"
        )
    _check_matrix("torch.linalg.lstsq", A)
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(
            f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), but got {driver}"
        )
    vector = _is_vector_rhs(A, B)
    if (B.shape[-1] if vector else B.shape[-2]) != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2:]
    eps = float(np.finfo(A._data.dtype).eps) * max(m, n)
    rc = eps if rcond is None or rcond < 0 else float(rcond)
    x, rank, s = apply("LinalgLstsqBackward0", _lstsq, [A, B, rc], (("vector", vector),))
    empty = Tensor._wrap(jnp.zeros((0,), A._data.real.dtype))
    rank_out = rank if driver != "gels" else Tensor._wrap(jnp.zeros((0,), jnp.int64))
    sv = s if driver in ("gelsd", "gelss") else empty
    residuals = empty
    if driver != "gelsy" and m > n and not _is_tracer(A) and bool(jnp.all(rank._data == n)):
        r = matmul(A, x.unsqueeze(-1) if vector else x) - (B.unsqueeze(-1) if vector else B)
        residuals = (r.abs() ** 2).sum(-2)
        if vector:
            residuals = residuals.squeeze(-1)
    return linalg_lstsq_t(x, residuals, rank_out, sv)


def _cross(a, b, *, axis):
    return jnp.cross(a, b, axis=axis)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (broadcasting the other dims)."""
    if input.ndim != other.ndim:
        raise RuntimeError(
            f"linalg.cross: inputs must have the same number of dimensions. Got {input.ndim} and {other.ndim}"
        )
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and {other.shape[d]}"
        )
    _infer_size(tuple(input.shape), tuple(other.shape))
    _scalar_type(input, other)
    return _write_out(out, apply("LinalgCrossBackward0", _cross, [input, other], (("axis", d),)))


def _vecdot(x, y, *, axis):
    return jnp.sum(jnp.conj(x) * y, axis=axis)


def linalg_vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    _scalar_type(x, y)
    shape = _infer_size(tuple(x.shape), tuple(y.shape))
    return _write_out(out, apply("SumBackward1", _vecdot, [x, y], (("axis", wrap_dim(dim, len(shape))),)))


def _matrix_power(a, *, n):
    if n == 0:
        return jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return jnp.linalg.matrix_power(a, n)


def linalg_matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    _check_matrix("linalg.matrix_power", A)
    _check_matrix("linalg.matrix_power", A, square=True)
    if n < 0:
        A = linalg_inv(A)
        n = -n
    name = "torch::autograd::CopyBackwards" if n == 0 else "MmBackward0"
    return _write_out(out, apply(name, _matrix_power, [A], (("n", int(n)),)))


@torch_op()
def matrix_power(input: Tensor, n: int) -> Tensor:
    return linalg_matrix_power(input, n)


# --- norms ---------------------------------------------------------------------------------------


def _vector_norm(a, p, *, axis, keepdims, kind, dt):
    a = jnp.abs(a.astype(dt))
    if kind == "inf":
        return jnp.max(a, axis=axis, keepdims=keepdims) if a.size else jnp.zeros(_reduced(a, axis, keepdims), a.dtype)
    if kind == "-inf":
        return jnp.min(a, axis=axis, keepdims=keepdims)
    if kind == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axis, keepdims=keepdims)
    if kind == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    if kind == 2:
        return _safe_root(jnp.sum(a * a, axis=axis, keepdims=keepdims), None)
    return _safe_root(jnp.sum(a**p, axis=axis, keepdims=keepdims), p)


def _reduced(a, axis, keepdims):
    axes = range(a.ndim) if axis is None else axis
    return (
        tuple(1 if i in axes else s for i, s in enumerate(a.shape))
        if keepdims
        else tuple(s for i, s in enumerate(a.shape) if i not in axes)
    )


def _norm_dtype(name: str, A: Tensor, dtype) -> _dtype.dtype:
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(f"{name}: dtype should be floating point or complex, but got {_tname(dtype)}")
    _check_float(name, A)
    return dtype or A.dtype


def linalg_vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The ``ord``-norm of ``x`` over ``dim`` (all elements by default), real-valued."""
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    dt = _norm_dtype("linalg.vector_norm", x, dtype)
    axes = wrap_dims(dim, x.ndim) if x.ndim else None
    if ord == float("inf"):
        kind = "inf"
    elif ord == float("-inf"):
        kind = "-inf"
    elif ord in (0, 1, 2):
        kind = builtins.int(ord)
    else:
        kind = "p"
    if kind in ("inf", "-inf") and x.numel() == 0 and kind == "-inf":
        raise RuntimeError(
            "linalg.vector_norm cannot compute the -inf norm on an empty tensor because the operation does not have "
            "an identity"
        )
    result = apply(
        "LinalgVectorNormBackward0",
        _vector_norm,
        [x, float(ord) if kind == "p" else None],
        (("axis", axes), ("keepdims", bool(keepdim)), ("kind", kind), ("dt", dt.np)),
    )
    return _write_out(out, result)


def _matrix_norm(a, *, ord, axes, keepdims, dt):
    a = a.astype(dt)
    r, c = axes
    if ord in ("nuc", 2, -2):
        m = jnp.moveaxis(a, (r, c), (-2, -1))
        s = jnp.linalg.svd(m, compute_uv=False)
        out = jnp.sum(s, -1) if ord == "nuc" else (jnp.max(s, -1) if ord == 2 else jnp.min(s, -1))
        if keepdims:
            for ax in sorted(axes):
                out = jnp.expand_dims(out, ax)
        return out
    a = jnp.abs(a)
    if ord in (1, -1):  # max/min over columns of the column sums
        s = jnp.sum(a, axis=r, keepdims=True)
        red = jnp.max if ord == 1 else jnp.min
        out = red(s, axis=c, keepdims=True)
    else:  # +-inf: over rows of the row sums
        s = jnp.sum(a, axis=c, keepdims=True)
        red = jnp.max if ord == float("inf") else jnp.min
        out = red(s, axis=r, keepdims=True)
    return out if keepdims else jnp.squeeze(out, axis=axes)


def linalg_matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Frobenius, nuclear, spectral (2/-2), 1/-1 and inf/-inf matrix norms over ``dim``."""
    _check_matrix("linalg.matrix_norm", A)
    dt = _norm_dtype("linalg.matrix_norm", A, dtype)
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    axes = (wrap_dim(dim[0], A.ndim), wrap_dim(dim[1], A.ndim))
    if axes[0] == axes[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return linalg_vector_norm(A, 2, dim=axes, keepdim=keepdim, dtype=dtype, out=out)
    if ord not in ("nuc", 2, -2, 1, -1, float("inf"), float("-inf")):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    name = {"nuc": "SumBackward1", 2: "AmaxBackward0", -2: "AminBackward0"}.get(ord, "AmaxBackward0")
    result = apply(
        name,
        _matrix_norm,
        [A],
        (
            ("ord", ord if isinstance(ord, str) else float(ord)),
            ("axes", axes),
            ("keepdims", bool(keepdim)),
            ("dt", dt.np),
        ),
    )
    return _write_out(out, result)


def linalg_norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Vector or matrix norm depending on ``dim`` / ``A.ndim``, as torch.linalg.norm."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        for d in dims:  # torch.linalg.norm checks the dims before the rank
            wrap_dim(d, A.ndim)
        if len(dims) == 1:
            return linalg_vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
        return linalg_matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
    if ord is not None:
        if A.ndim not in (1, 2):
            raise RuntimeError(
                f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D."
            )
        if A.ndim == 2 or isinstance(ord, str):
            return linalg_matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
        return linalg_vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
    return linalg_vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)


def linalg_diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return A.diagonal(offset=offset, dim1=dim1, dim2=dim2)


# --- further torch.linalg functions --------------------------------------------------------------


def _matrix_exp(a):
    return jax.scipy.linalg.expm(a)


def linalg_matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential (jax's Pade approximation with scaling and squaring, like torch's)."""
    _check_matrix("linalg.matrix_exp", A)
    _check_float("linalg.matrix_exp", A)
    _check_matrix("linalg.matrix_exp", A, square=True)
    if A.ndim > 2:
        return apply("LinalgMatrixExpBackward0", _matrix_exp_batched, [A])
    return apply("LinalgMatrixExpBackward0", _matrix_exp, [A])


def _matrix_exp_batched(a):
    flat = a.reshape((-1,) + a.shape[-2:])
    return jax.vmap(jax.scipy.linalg.expm)(flat).reshape(a.shape)


@torch_op()
def matrix_exp(input: Tensor) -> Tensor:
    return linalg_matrix_exp(input)


def _solve_triangular(a, b, *, upper, left, unit):
    if not left:  # X A = B  <=>  A^T X^T = B^T (the triangle flips)
        a, b, upper = jnp.swapaxes(a, -1, -2), jnp.swapaxes(b, -1, -2), not upper
    bshape = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, bshape + a.shape[-2:])
    b = jnp.broadcast_to(b, bshape + b.shape[-2:])
    x = jax.scipy.linalg.solve_triangular(a, b, lower=not upper, unit_diagonal=unit)
    return x if left else jnp.swapaxes(x, -1, -2)


def linalg_solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None
) -> Tensor:
    """Solve a triangular system; only the ``upper`` (or lower) triangle of A is read."""
    _check_matrix("linalg.solve_triangular", A)
    if B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    _check_matrix("linalg.solve_triangular", A, square=True)
    n = A.shape[-1]
    k = B.shape[-2] if left else B.shape[-1]
    if k != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve_triangular: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
            f"{B.shape[-2]}x{B.shape[-1]})"
        )
    _scalar_type(A, B)
    statics = (("upper", bool(upper)), ("left", bool(left)), ("unit", bool(unitriangular)))
    return _write_out(out, apply("LinalgSolveTriangularBackward0", _solve_triangular, [A, B], statics))


def _eig(a):
    return jnp.linalg.eig(a)


def _eigvals(a):
    return jnp.linalg.eigvals(a)


def linalg_eig(A: Tensor, *, out=None):
    """Eigen-decomposition of a general square matrix (complex results, LAPACK geev on CPU).

    The backward is not implemented: JAX has no derivative for eigenvectors, so differentiating
    through ``eig`` raises NotImplementedError; use ``eigvals`` for eigenvalue gradients.
    """
    _check_matrix("linalg.eig", A)
    _check_float("linalg.eig", A)
    _check_matrix("linalg.eig", A, square=True)
    return linalg_eig_t(*apply("LinalgEigBackward0", _eig, [A]))


def linalg_eigvals(A: Tensor, *, out=None) -> Tensor:
    _check_matrix("linalg.eigvals", A)
    _check_float("linalg.eigvals", A)
    _check_matrix("linalg.eigvals", A, square=True)
    return _write_out(out, apply("LinalgEigBackward0", _eigvals, [A]))


def _cond(a, *, p):
    if p in (None, 2, -2):
        s = jnp.linalg.svd(a, compute_uv=False)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
        return r
    inv = jnp.linalg.inv(a)
    axes = (-2, -1)
    if p == "fro":
        n = jnp.sqrt(jnp.sum(jnp.abs(a) ** 2, axis=axes)) * jnp.sqrt(jnp.sum(jnp.abs(inv) ** 2, axis=axes))
    elif p == "nuc":
        n = jnp.sum(jnp.linalg.svd(a, compute_uv=False), -1) * jnp.sum(jnp.linalg.svd(inv, compute_uv=False), -1)
    else:
        n = _matrix_norm(a, ord=p, axes=(a.ndim - 2, a.ndim - 1), keepdims=False, dt=a.dtype) * _matrix_norm(
            inv, ord=p, axes=(a.ndim - 2, a.ndim - 1), keepdims=False, dt=a.dtype
        )
    return jnp.where(jnp.isnan(n), jnp.inf, n)  # a singular matrix has condition number inf


def linalg_cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """Condition number: ratio of extreme singular values (p None/2/-2) or ``norm(A) * norm(inv(A))``."""
    _check_matrix("linalg.cond", A)
    _check_float("linalg.cond", A)
    if p not in (None, 2, -2, "fro", "nuc", 1, -1, float("inf"), float("-inf")):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p not in (None, 2, -2):
        _check_matrix(f"linalg.cond(ord={p})", A, square=True)
    pp = p if p is None or isinstance(p, str) else float(p) if abs(p) != 2 else int(p)
    name = "SqueezeBackward1" if p in (None, 2, -2) else "NanToNumBackward0"
    return _write_out(out, apply(name, _cond, [A], (("p", pp),)))


def _vander(x, *, n):
    powers = jnp.cumprod(jnp.broadcast_to(x[..., None], x.shape + (n - 1,)), axis=-1)
    return jnp.concatenate([jnp.ones(x.shape + (1,), x.dtype), powers], axis=-1)


def linalg_vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """Vandermonde matrix with increasing powers ``x**0 .. x**(N-1)`` along the last dim."""
    if x.ndim == 0:
        raise RuntimeError("N must be greater than 1.")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    if x.dtype is _dtype.bool:
        x = x.long()
    return apply("CatBackward0", _vander, [x], (("n", int(n)),))


def _lu(a):
    lu, piv, perm = jax.lax.linalg.lu(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    L = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=a.dtype)
    U = jnp.triu(lu[..., :k, :])
    return lu, piv + 1, L, U, perm


def linalg_lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    """Compact LU with partial pivoting; pivots are 1-based int32, as LAPACK/torch."""
    _check_matrix("torch.linalg.lu_factor", A)
    _check_float("linalg.lu_factor", A)
    if not pivot:
        raise NotImplementedError(
            "torch.linalg.lu_factor(pivot=False) is not implemented in jtorch (CUDA-only in torch)"
        )
    lu, piv, _, _, _ = apply("LinalgLuFactorExBackward0", _lu, [A])
    return linalg_lu_factor_t(lu, piv)


def linalg_lu(A: Tensor, *, pivot: bool = True, out=None):
    """``A = P L U`` with L unit lower triangular; P carries no gradient."""
    _check_matrix("linalg.lu", A)
    _check_float("linalg.lu", A)
    if not pivot:
        raise NotImplementedError("torch.linalg.lu(pivot=False) is not implemented in jtorch (CUDA-only in torch)")
    _, _, L, U, perm = apply("LinalgLuBackward0", _lu, [A])
    m = A.shape[-2]
    P = jnp.swapaxes(jax.nn.one_hot(perm._data, m, dtype=A._data.dtype), -1, -2)
    return linalg_lu_t(Tensor._wrap(P), L, U)


def linalg_tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """Inverse with respect to ``tensordot(A, X, ind)``: reshape to a square matrix, invert, reshape."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape, in_shape = tuple(A.shape[ind:]), tuple(A.shape[:ind])
    rows, cols = math.prod(in_shape), math.prod(out_shape)
    if rows != cols:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got "
            f"{cols} != {rows}"
        )
    return _write_out(out, linalg_inv(A.reshape(rows, cols)).reshape(out_shape + in_shape))


def linalg_tensorsolve(A: Tensor, B: Tensor, dims=None, *, out=None) -> Tensor:
    """Solve ``tensordot(A, X, X.ndim) = B``."""
    if dims is not None:
        dims = [wrap_dim(d, A.ndim) for d in dims]
        rest = [d for d in range(A.ndim) if d not in dims]
        A = A.permute(*(rest + dims))
    x_shape = tuple(A.shape[B.ndim :])
    n = B.numel()
    if math.prod(x_shape) != n:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), "
            f"but got {math.prod(x_shape)} != {math.prod(A.shape[: B.ndim])}"
        )
    return _write_out(out, linalg_solve(A.reshape(n, n), B.reshape(n)).reshape(x_shape))


def _lu_solve(lu, piv, b, *, left, adjoint):
    def mH(x):
        return jnp.conj(jnp.swapaxes(x, -1, -2))

    if not left:  # X A = B <=> A^H X^H = B^H ;  X A^H = B <=> A X^H = B^H
        return mH(_lu_solve(lu, piv, mH(b), left=True, adjoint=not adjoint))
    n = lu.shape[-1]
    bshape = jnp.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    lu = jnp.broadcast_to(lu, bshape + lu.shape[-2:])
    b = jnp.broadcast_to(b, bshape + b.shape[-2:])
    perm = jax.lax.linalg.lu_pivots_to_permutation(jnp.broadcast_to(piv, bshape + piv.shape[-1:]) - 1, n)
    solve = jax.scipy.linalg.solve_triangular
    if not adjoint:  # A = P L U:  X = U^-1 L^-1 P^T B
        pb = jnp.take_along_axis(b, perm[..., :, None], axis=-2)
        return solve(lu, solve(lu, pb, lower=True, unit_diagonal=True), lower=False)
    # A^H = U^H L^H P^T:  X = P L^-H U^-H B
    y = solve(lu, solve(lu, b, lower=False, trans="C"), lower=True, unit_diagonal=True, trans="C")
    inv = jnp.argsort(perm, axis=-1)
    return jnp.take_along_axis(y, inv[..., :, None], axis=-2)


def linalg_lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False, out=None):
    """Solve with a factorisation from ``lu_factor`` (``A X = B``, or ``X A = B`` / ``A^H`` variants)."""
    _check_matrix("linalg.lu_solve", LU, square=True)
    if B.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(
            f"linalg.lu_solve: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
            f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    _scalar_type(LU, B)
    statics = (("left", bool(left)), ("adjoint", bool(adjoint)))
    return _write_out(out, apply("LinalgLuSolveBackward0", _lu_solve, [LU, pivots, B], statics))


# --- Householder QR pieces (geqrf, householder_product/orgqr): orthogonal parametrizations use them --------------

geqrf_t = _named("geqrf", ["a", "tau"])


def _geqrf(a):
    # LAPACK's geqrf is jax.lax.linalg's private primitive (the public qr composes it with householder_product)
    from jax._src.lax.linalg import geqrf as _jax_geqrf

    return _jax_geqrf(a)


@torch_op(function=True, method=True)
def geqrf(input: Tensor):
    """LAPACK geqrf: R above the diagonal, Householder vectors below it, and their scales ``tau``."""
    if input.ndim < 2:
        raise RuntimeError(
            f"torch.geqrf: input must have at least 2 dimensions. Got an input with {input.ndim} dimensions instead"
        )
    return geqrf_t(*apply("GeqrfBackward0", _geqrf, [input]))


def _householder_product(a, tau):
    # Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H, in jnp so it is differentiable (JAX's householder_product
    # primitive has no differentiation rule; torch's is differentiable)
    m, n = a.shape[-2:]
    rows = jnp.arange(m)[:, None]
    q = jnp.broadcast_to(jnp.eye(m, dtype=a.dtype), a.shape[:-2] + (m, m))
    for i in range(tau.shape[-1]):
        v = jnp.where(rows < i, 0, jnp.where(rows == i, 1, a[..., :, i : i + 1]))  # (..., m, 1)
        q = q - (q @ v) * (tau[..., i, None, None] * jnp.conj(jnp.swapaxes(v, -1, -2)))
    return q[..., :, :n]


def linalg_householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """The first n columns of the product of the Householder reflectors stored in ``A`` and ``tau``."""
    if A.ndim < 2:
        raise RuntimeError(
            f"torch.linalg.householder_product: input must have at least 2 dimensions. Got {A.ndim} dimensions."
        )
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-2] must be greater than or equal to input.shape[-1]"
        )
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-1] must be greater than or equal to tau.shape[-1]"
        )
    r = apply("LinalgHouseholderProductBackward0", _householder_product, [A, tau])
    if out is not None:
        out.copy_(r)
        return out
    return r


@torch_op(function=True, method=True)
def orgqr(input: Tensor, input2: Tensor) -> Tensor:
    """Alias of ``torch.linalg.householder_product``."""
    return linalg_householder_product(input, input2)
