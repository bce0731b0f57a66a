"""Shape ops. Those that are views in torch (view, reshape, flatten, squeeze, unsqueeze, permute,
transpose, t, expand, narrow, select, split/chunk/unbind pieces, diagonal, unfold) are views here
too (``Tensor._make_view``): they share storage with their base."""

from __future__ import annotations

import builtins
import math

import jax.numpy as jnp

from jtorch._ops._util import shape_arg, wrap_dim, wrap_dims
from jtorch._ops.dispatch import apply
from jtorch._ops.registry import tensor_method, torch_op
from jtorch._tensor import Tensor


def _infer_shape(shape: tuple, numel: int) -> tuple:
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = math.prod(s for s in shape if s != -1)
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _reshape(a, *, shape):
    return a.reshape(shape)


@tensor_method()
def view(self, *shape):
    from jtorch import _dtype

    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("Tensor.view(dtype) (bit reinterpretation) is not implemented in jtorch")
    shape = _infer_shape(shape_arg(shape), self.numel())
    return self._make_view("ViewBackward0", _reshape, (("shape", shape),))


@torch_op()
def reshape(input, *shape):
    shape = _infer_shape(shape_arg(shape), input.numel())
    return input._make_view("ViewBackward0", _reshape, (("shape", shape),))


@tensor_method()
def view_as(self, other):
    return self.view(other.shape)


@tensor_method()
def reshape_as(self, other):
    return self.reshape(other.shape)


@torch_op()
def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return input.reshape(1)
    s, e = wrap_dim(start_dim, input.ndim), wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = input.shape
    return input.reshape(shp[:s] + (math.prod(shp[s : e + 1]),) + shp[e + 1 :])


@torch_op()
def unflatten(input, dim, sizes):
    d = wrap_dim(dim, input.ndim)
    shp = input.shape
    sizes = _infer_shape(tuple(sizes), shp[d])
    return input.reshape(shp[:d] + sizes + shp[d + 1 :])


@torch_op()
def squeeze(input, dim=None):
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        dims = wrap_dims(dim, input.ndim) or ()
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
    # torch's overloads: squeeze() -> SqueezeBackward0, squeeze(int) -> 1, squeeze(dims) -> 2
    name = "SqueezeBackward0" if dim is None else "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
    return input._make_view(name, _reshape, (("shape", shape),))


@torch_op()
def unsqueeze(input, dim):
    d = wrap_dim(dim, input.ndim + 1)
    shp = input.shape
    return input._make_view("UnsqueezeBackward0", _reshape, (("shape", shp[:d] + (1,) + shp[d:]),))


def _permute(a, *, dims):
    return jnp.transpose(a, dims)


@torch_op()
def permute(input, *dims):
    dims = shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
            f"ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return input._make_view("PermuteBackward0", _permute, (("dims", dims),))


@torch_op(aliases=("swapaxes", "swapdims"))
def transpose(input, dim0, dim1):
    n = input.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    dims = list(builtins.range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return input._make_view("TransposeBackward0", _permute, (("dims", tuple(dims)),))


@torch_op()
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return input.reshape(input.shape)
    return input._make_view("TBackward0", _permute, (("dims", (1, 0)),))


def _T(self):
    if self.ndim not in (0, 2):
        import warnings

        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will "
            "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
            "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
            UserWarning,
            stacklevel=2,
        )
    return self.permute(*reversed(builtins.range(self.ndim)))


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return self.transpose(-2, -1)


Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.H = property(lambda self: _T(self).conj())
Tensor.mH = property(lambda self: _mT(self).conj())


def _broadcast_to(a, *, shape):
    return jnp.broadcast_to(a, shape)


@tensor_method()
def expand(self, *sizes):
    sizes = shape_arg(sizes)
    if len(sizes) < self.ndim:
        raise RuntimeError(
            f"expand({self.type()}{{{list(self.shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({self.ndim})"
        )
    shp = (1,) * (len(sizes) - self.ndim) + tuple(self.shape)
    out = []
    for i, (s, cur) in enumerate(zip(sizes, shp)):
        if s == -1:
            if i < len(sizes) - self.ndim:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(self.shape)}"
            )
        out.append(s)
    if tuple(out) == tuple(self.shape):
        return self._make_view("ExpandBackward0", _reshape, (("shape", tuple(out)),))
    return self._make_view("ExpandBackward0", _broadcast_to, (("shape", tuple(out)),))


@tensor_method()
def expand_as(self, other):
    return self.expand(other.shape)


@torch_op()
def broadcast_to(input, size):
    return input.expand(*size)


def _cat(*arrs, dim, dt, skip=()):
    return jnp.concatenate([a.astype(dt) for i, a in enumerate(arrs) if i not in skip], axis=dim)


@torch_op(method=False, aliases=("concat", "concatenate"))
def cat(tensors, dim=0):
    from jtorch import _dtype

    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    # torch skips legacy empty 1-d tensors of shape (0,) (they still get a zero-size gradient)
    skip = tuple(i for i, x in enumerate(tensors) if x.ndim == 1 and x.shape[0] == 0)
    if len(skip) == len(tensors):
        skip = skip[1:]
    parts = [x for i, x in enumerate(tensors) if i not in skip]
    ref = parts[0]
    d = wrap_dim(dim, ref.ndim)
    for i, x in enumerate(parts):
        if x.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {x.ndim}")
        for k in builtins.range(ref.ndim):
            if k != d and x.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[k]} but got size "
                    f"{x.shape[k]} for tensor number {i} in the list."
                )
    dt = tensors[0].dtype
    for x in tensors[1:]:
        dt = _dtype.promote_types(dt, x.dtype)
    statics = (("dim", d), ("dt", dt.np)) + ((("skip", skip),) if skip else ())
    return apply("CatBackward0", _cat, tensors, statics)


def _stack(*arrs, dim, dt):
    return jnp.stack([a.astype(dt) for a in arrs], axis=dim)


@torch_op(method=False)
def stack(tensors, dim=0):
    from jtorch import _dtype

    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]
    for i, x in enumerate(tensors):
        if x.shape != ref.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref.shape)} at entry 0 and "
                f"{list(x.shape)} at entry {i}"
            )
    d = wrap_dim(dim, ref.ndim + 1)
    dt = ref.dtype
    for x in tensors[1:]:
        dt = _dtype.promote_types(dt, x.dtype)
    return apply("StackBackward0", _stack, tensors, (("dim", d), ("dt", dt.np)))


def _slice(a, *, dim, start, stop, step):
    idx = [slice(None)] * a.ndim
    idx[dim] = slice(start, stop, step)
    return a[tuple(idx)]


def _select(a, *, dim, index):
    return jnp.take(a, index, axis=dim)


@torch_op()
def narrow(input, dim, start, length):
    d = wrap_dim(dim, input.ndim)
    start = int(start)
    n = input.shape[d]
    if start < 0:
        start += n
    if not (0 <= start <= n and 0 <= length and start + length <= n):
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return input._make_view(
        "SliceBackward0", _slice, (("dim", d), ("start", start), ("stop", start + length), ("step", 1))
    )


@torch_op()
def select(input, dim, index):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}"
        )
    return input._make_view("SelectBackward0", _select, (("dim", d), ("index", int(index) % n)))


@torch_op()
def split(tensor, split_size_or_sections, dim=0):
    d = wrap_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0 and n > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size > 0 else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), "
                f"but got split_sizes={sizes}"
            )
    name = "Split" if isinstance(split_size_or_sections, int) else "SplitWithSizes"
    out, start = [], 0
    for k, s in enumerate(sizes):
        piece = tensor._make_view(
            name + "Backward0", _slice, (("dim", d), ("start", start), ("stop", start + s), ("step", 1))
        )
        piece._multi_view = (name, k)  # torch forbids in-place writes on these when autograd is involved
        out.append(piece)
        start += s
    return tuple(out)


@torch_op()
def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if n == 0:
        return split(input, [0], d)
    return split(input, -(-n // chunks), d)


@torch_op()
def unbind(input, dim=0):
    d = wrap_dim(dim, input.ndim)
    out = tuple(select(input, d, i) for i in builtins.range(input.shape[d]))
    for k, piece in enumerate(out):
        piece._multi_view = ("Unbind", k)
    return out


def _flip(a, *, dims):
    return jnp.flip(a, dims)


@torch_op()
def flip(input, dims):
    dims = wrap_dims(tuple(dims) if isinstance(dims, (list, tuple)) else (dims,), input.ndim) or ()
    return apply("FlipBackward0", _flip, [input], (("dims", dims),))


@torch_op()
def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@torch_op()
def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def _roll(a, *, shifts, dims):
    return jnp.roll(a, shifts, dims)


@torch_op()
def roll(input, shifts, dims=None):
    if dims is None:
        return roll(input.flatten(), shifts, 0).view(input.shape)
    shifts = tuple(shifts) if isinstance(shifts, (list, tuple)) else (shifts,)
    dims = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return apply("RollBackward0", _roll, [input], (("shifts", shifts), ("dims", dims)))


@torch_op(aliases=("moveaxis",))
def movedim(input, source, destination):
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    n = input.ndim
    src = [wrap_dim(s, n) for s in src]
    dst = [wrap_dim(s, n) for s in dst]
    order = [i for i in builtins.range(n) if i not in src]
    perm = [None] * n
    for s, dd in zip(src, dst):
        perm[dd] = s
    it = iter(order)
    perm = [p if p is not None else next(it) for p in perm]
    return input.permute(*perm)


def _tile(a, *, reps):
    return jnp.tile(a, reps)


@tensor_method()
def repeat(self, *sizes):
    sizes = shape_arg(sizes)
    if len(sizes) < self.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    return apply("RepeatBackward0", _tile, [self], (("reps", sizes),))


@torch_op()
def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return input.repeat(*dims)


@torch_op()
def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``n`` near-equal views or at the given indices (slices: writes go through)."""
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, Tensor) and indices_or_sections.ndim == 0:
        indices_or_sections = int(indices_or_sections.item())
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = [0]
        for s in sizes:
            bounds.append(bounds[-1] + s)
    else:
        idx = [
            int(i)
            for i in (indices_or_sections.tolist() if isinstance(indices_or_sections, Tensor) else indices_or_sections)
        ]
        bounds = [0] + idx + [n]
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        a, b = builtins.min(builtins.max(a, 0), n), builtins.min(builtins.max(b, 0), n)
        out.append(
            input._make_view(
                "SliceBackward0", _slice, (("dim", d), ("start", a), ("stop", builtins.max(a, b)), ("step", 1))
            )
        )
    return tuple(out)


def _dir_split(name, input, sections, dim, min_dims):
    if input.ndim < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor with {input.ndim} "
            "dimensions!"
        )
    if isinstance(sections, int) and (sections == 0 or input.shape[dim] % sections):
        raise RuntimeError(
            f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
            f"{input.shape[dim]} is not divisible by the split_size {sections}!"
        )
    return tensor_split(input, sections, dim)


@torch_op()
def hsplit(input, sections):
    if input.ndim == 0:
        raise RuntimeError(
            "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!"
        )
    return _dir_split("hsplit", input, sections, 0 if input.ndim == 1 else 1, 1)


@torch_op()
def vsplit(input, sections):
    return _dir_split("vsplit", input, sections, 0, 2)


@torch_op()
def dsplit(input, sections):
    return _dir_split("dsplit", input, sections, 2, 3)


@torch_op()
def ravel(input):
    return input.reshape(-1)


@torch_op()
def adjoint(input):
    return input.transpose(-2, -1).conj()
