"""torch.nn.functional.embedding and embedding_bag.

``embedding`` is a gather whose weight gradient is torch's: rows looked up at ``padding_idx`` get no
gradient, and ``scale_grad_by_freq`` divides each looked-up row's gradient by how often its index
occurs in the batch (a ``jax.custom_vjp`` scaling in the op, so the backward stays the op's VJP).
``max_norm`` renormalizes the looked-up rows of ``weight`` in place first, as torch's
``embedding_renorm_``. ``embedding_bag`` reduces the looked-up rows per bag with
``jax.ops.segment_sum``/``segment_max``; bag ids come from ``offsets`` on the host.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import jtorch
from jtorch._ops.dispatch import apply, forward_fn
from jtorch._tensor import Tensor

__all__ = ["embedding", "embedding_bag"]


@jax.custom_vjp
def _scale_grad(x, s):
    """Identity forward; the cotangent is multiplied by ``s`` (broadcast over the last dim)."""
    return x


def _scale_grad_fwd(x, s):
    return x, s


def _scale_grad_bwd(s, ct):
    return ct * s[..., None].astype(ct.dtype), None


_scale_grad.defvjp(_scale_grad_fwd, _scale_grad_bwd)


def _grad_scale(idx, n: int, padding_idx, scale: bool):
    s = jnp.ones(idx.shape, jnp.float64)
    if scale:
        counts = jnp.zeros((n,), jnp.float64).at[idx.reshape(-1)].add(1.0)
        s = 1.0 / counts[idx]
    if padding_idx is not None:
        s = jnp.where(idx == padding_idx, 0.0, s)
    return s


def _embedding(w, idx, *, padding_idx, scale):
    rows = jnp.take(w, idx, axis=0)
    if padding_idx is None and not scale:
        return rows
    return _scale_grad(rows, _grad_scale(idx, w.shape[0], padding_idx, scale))


def _renorm(w, idx, max_norm, *, norm_type):
    rows = jnp.unique(idx.reshape(-1), size=idx.size, fill_value=idx.reshape(-1)[0])
    sel = w[rows]
    if norm_type == float("inf"):
        norm = jnp.max(jnp.abs(sel), axis=-1)
    else:
        norm = jnp.sum(jnp.abs(sel) ** norm_type, axis=-1) ** (1.0 / norm_type)
    factor = jnp.where(norm > max_norm, max_norm / (norm + 1e-7), 1.0).astype(w.dtype)
    return w.at[rows].set(sel * factor[:, None])


def _check_indices(input: Tensor, fname: str = "embedding") -> None:
    if input.dtype not in (jtorch.int64, jtorch.int32):
        tname = {jtorch.float32: "Float", jtorch.float64: "Double"}.get(input.dtype, str(input.dtype))
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got torch.{tname}Tensor instead (while checking arguments for {fname})"
        )


def _pad_idx(padding_idx, n: int, msg: str = "Padding_idx must be within num_embeddings"):
    if padding_idx is None:
        return None
    if padding_idx > 0 and padding_idx >= n or padding_idx < 0 and padding_idx < -n:
        raise AssertionError(msg)
    return padding_idx + n if padding_idx < 0 else padding_idx


def _max_norm_(weight: Tensor, input: Tensor, max_norm: float, norm_type: float) -> None:
    """torch.embedding_renorm_: scale rows of ``weight`` looked up by ``input`` to norm <= max_norm, in place."""
    if input.numel() == 0:
        return
    new = forward_fn(_renorm, (("norm_type", float(norm_type)),))(weight._data, input._data, float(max_norm))
    weight._assign_array(new)


def _check_range(input: Tensor, n: int) -> None:
    if input.numel() and (int(input.max()) >= n or int(input.min()) < 0):
        raise IndexError("index out of range in self")


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """Look up rows of ``weight`` (num_embeddings, dim) at integer ``input``; output ``input.shape + (dim,)``."""
    padding_idx = _pad_idx(padding_idx, weight.size(0))
    _check_indices(input)
    if sparse:
        raise NotImplementedError("F.embedding(sparse=True): sparse gradients are not implemented in jtorch")
    _check_range(input, weight.size(0))
    if max_norm is not None:
        _max_norm_(weight, input, max_norm, norm_type)
    statics = (("padding_idx", padding_idx if padding_idx is not None else None), ("scale", bool(scale_grad_by_freq)))
    return apply("EmbeddingBackward0", _embedding, [weight, input], statics)


def _bag(w, idx, seg, psw, *, n_bags, mode, padding_idx, scale):
    rows = jnp.take(w, idx, axis=0)
    if scale:
        rows = _scale_grad(rows, _grad_scale(idx, w.shape[0], None, True))
    valid = jnp.ones(idx.shape, bool) if padding_idx is None else idx != padding_idx
    if psw is not None:
        rows = rows * psw[:, None]
    count = jax.ops.segment_sum(valid.astype(w.dtype), seg, n_bags)
    if mode == "max":
        low = jnp.asarray(-jnp.inf, w.dtype)
        m = jax.ops.segment_max(jnp.where(valid[:, None], rows, low), seg, n_bags)
        return jnp.where(count[:, None] > 0, m, jnp.zeros((), w.dtype))
    tot = jax.ops.segment_sum(jnp.where(valid[:, None], rows, jnp.zeros((), w.dtype)), seg, n_bags)
    if mode == "mean":
        return tot / jnp.maximum(count, 1)[:, None]
    return tot


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:  # fmt: skip
    """Sum, mean or max of embedding rows per bag: rows of a 2-d ``input``, or ``offsets`` into a 1-d one."""
    if weight.dtype == jtorch.int64 and input.is_floating_point():
        raise NotImplementedError("F.embedding_bag: the deprecated (weight, input) argument order is not supported")
    _check_indices(input, "embedding_bag")
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must have the "
            f"same shape as the input ({input.shape})"
        )
    if not weight.dim() == 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            # torch prints str(type(offsets)); a jtorch Tensor stands for torch.Tensor
            type_str = "<class 'torch.Tensor'>" if isinstance(offsets, jtorch.Tensor) else str(type(offsets))
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length "
                f"sequences. However, found offsets of type {type_str}"
            )
        b, length = input.shape
        offs = np.arange(0, b * length, length, dtype=np.int64)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        include_last_offset = False
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        offs = np.asarray(offsets.numpy(), dtype=np.int64)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if max_norm is not None:
        _max_norm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
            f"(got mode='{mode}'). Please open a feature request on GitHub."
        )
    if sparse:
        raise NotImplementedError("F.embedding_bag(sparse=True): sparse gradients are not implemented in jtorch")
    padding_idx = _pad_idx(padding_idx, weight.size(0), "padding_idx must be within num_embeddings")
    _check_range(input, weight.size(0))
    n = input.numel()
    n_bags = len(offs) - 1 if include_last_offset else len(offs)
    if len(offs) and offs[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {offs[0]}")  # fmt: skip
    seg = np.searchsorted(offs, np.arange(n), side="right") - 1
    if include_last_offset:
        # offsets[-1] should equal input.numel(); when it is smaller torch's float32 kernel drops the tail (as
        # here) while its float64 kernel keeps it in the last bag
        seg = np.where(np.arange(n) >= offs[-1], n_bags, seg)
    statics = (("n_bags", int(n_bags)), ("mode", mode), ("padding_idx", padding_idx),
               ("scale", bool(scale_grad_by_freq)))  # fmt: skip
    args = [weight, input, Tensor._wrap(jnp.asarray(seg, jnp.int64)), per_sample_weights]
    return apply("EmbeddingBagBackward0", _bag, args, statics)
