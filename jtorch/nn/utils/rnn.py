"""torch.nn.utils.rnn: PackedSequence and the pack/pad helpers (ported from torch/nn/utils/rnn.py).

Lengths and ``batch_sizes`` are host values (torch keeps them on the CPU too), so the index maps
between the padded and packed layouts are computed in NumPy and each conversion is ONE gather op
through ``dispatch.apply`` (gradients flow back to the padded/packed data as in torch).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import jax.numpy as jnp
import numpy as np

import jtorch
from jtorch._ops.dispatch import apply
from jtorch._tensor import Tensor
from jtorch.nn._functional.rnn import _gather_rows

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


def _take2(x, i0, i1):
    return x[i0, i1]


def _pad_seqs(fill, *seqs, total, batch_first, left):
    out = []
    for s in seqs:
        n = total - s.shape[0]
        pad = [(n, 0) if left else (0, n)] + [(0, 0)] * (s.ndim - 1)
        out.append(jnp.pad(s, pad, constant_values=jnp.asarray(fill, s.dtype)))
    return jnp.stack(out, axis=0 if batch_first else 1)


def _np_long(t) -> np.ndarray:
    if isinstance(t, Tensor):
        return np.asarray(t._data).astype(np.int64)
    return np.asarray(t, dtype=np.int64)


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A packed batch of variable-length sequences: ``data`` (sum of lengths, *) and ``batch_sizes`` per step."""

    def __new__(
        cls,
        data: Tensor,
        batch_sizes: Tensor | None = None,
        sorted_indices: Tensor | None = None,
        unsorted_indices: Tensor | None = None,
    ):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _map(self, fn) -> PackedSequence:
        return type(self)(fn(self.data), self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def pin_memory(self) -> PackedSequence:
        return self

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._map(lambda d: d.cuda(*args, **kwargs))

    def cpu(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._map(lambda d: d.cpu(*args, **kwargs))

    def double(self) -> PackedSequence:
        return self.to(dtype=jtorch.double)

    def float(self) -> PackedSequence:
        return self.to(dtype=jtorch.float)

    def half(self) -> PackedSequence:
        return self.to(dtype=jtorch.half)

    def long(self) -> PackedSequence:
        return self.to(dtype=jtorch.long)

    def int(self) -> PackedSequence:
        return self.to(dtype=jtorch.int)

    def short(self) -> PackedSequence:
        return self.to(dtype=jtorch.short)

    def char(self) -> PackedSequence:
        return self.to(dtype=jtorch.int8)

    def byte(self) -> PackedSequence:
        return self.to(dtype=jtorch.uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of a 1-D index permutation (None stays None)."""
    if permutation is None:
        return None
    p = _np_long(permutation)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size)
    return jtorch.tensor(inv, dtype=jtorch.int64)


def pack_padded_sequence(
    input: Tensor, lengths: Tensor | list[int], batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded ``(T, B, *)`` (or ``(B, T, *)``) batch whose sequences have the given lengths."""
    ln = _np_long(lengths).reshape(-1)
    if enforce_sorted:
        order = None
    else:
        order = np.argsort(-ln, kind="stable")
        ln = ln[order]
    B = input.shape[0 if batch_first else 1]
    if ln.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {ln.size} (batch_size={B})")
    if ln.size and ln[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
        )
    if np.any(ln[1:] > ln[:-1]):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
            "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
            "if you do not need ONNX exportability."
        )
    batch_sizes = (np.arange(int(ln[0]))[:, None] < ln[None, :]).sum(1) if ln.size else np.zeros(0, np.int64)
    cols = order if order is not None else np.arange(B)
    ts = np.concatenate([np.full(int(n), t) for t, n in enumerate(batch_sizes)]).astype(np.int64)
    bs = np.concatenate([cols[: int(n)] for n in batch_sizes]).astype(np.int64)
    i0, i1 = (bs, ts) if batch_first else (ts, bs)
    data = apply(
        "PackPaddedSequenceBackward0", _take2, [input, Tensor._wrap(jnp.asarray(i0)), Tensor._wrap(jnp.asarray(i1))]
    )
    sorted_indices = None if order is None else jtorch.tensor(order, dtype=jtorch.int64)
    return PackedSequence(data, jtorch.tensor(batch_sizes.astype(np.int64)), sorted_indices, None)


def _packed_layout(batch_sizes: np.ndarray):
    """Per-step offsets into ``data`` and per-(sorted)-sequence lengths."""
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]]).astype(np.int64)
    B = int(batch_sizes[0]) if batch_sizes.size else 0
    lengths = (batch_sizes[:, None] > np.arange(B)[None, :]).sum(0).astype(np.int64)
    return offsets, lengths


def _packed_index(batch_sizes: np.ndarray, cols: np.ndarray, total: int) -> np.ndarray:
    """``idx[t, j]``: the row of ``data`` holding step ``t`` of sorted sequence ``cols[j]`` (``N`` = padding)."""
    offsets, _ = _packed_layout(batch_sizes)
    n = int(batch_sizes.sum())
    T = batch_sizes.size
    idx = np.full((total, cols.size), n, np.int64)
    idx[:T] = np.where(cols[None, :] < batch_sizes[:, None], offsets[:, None] + cols[None, :], n)
    return idx


def pad_packed_sequence(
    sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0, total_length: int | None = None
) -> tuple[Tensor, Tensor]:
    """Inverse of :func:`pack_padded_sequence`: returns the padded batch and the lengths (in input order)."""
    bsz = _np_long(sequence.batch_sizes)
    max_seq_length = bsz.size
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError(
                "Expected total_length to be at least the length "
                "of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {max_seq_length}"
            )
    else:
        total_length = max_seq_length
    _, lengths = _packed_layout(bsz)
    B = lengths.size
    cols = np.arange(B) if sequence.unsorted_indices is None else _np_long(sequence.unsorted_indices)
    idx = _packed_index(bsz, cols, total_length)
    if batch_first:
        idx = idx.T
    out = apply(
        "PadPackedSequenceBackward0", _gather_rows, [sequence.data, Tensor._wrap(jnp.asarray(idx)), padding_value]
    )
    return out, jtorch.tensor(lengths[cols])


def pad_sequence(
    sequences: Tensor | list[Tensor], batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"
) -> Tensor:
    """Stack variable-length ``(L, *)`` tensors into ``(T, B, *)`` (``(B, T, *)`` if batch_first), padded."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    elif not isinstance(sequences, (list, tuple)):
        try:
            sequences = list(sequences)
        except TypeError:
            raise RuntimeError(
                f"pad_sequence: Expected iterable for input sequences, but got arg of type: {type(sequences)}"
            ) from None
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    total = max(s.shape[0] for s in sequences)
    statics = (("total", total), ("batch_first", bool(batch_first)), ("left", padding_side == "left"))
    return apply("StackBackward0", _pad_seqs, [padding_value, *sequences], statics)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its variable-length sequences."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[: int(n)] for seq, n in zip(padded_sequences.unbind(0), _np_long(lengths), strict=True)]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """``pack_padded_sequence(pad_sequence(sequences), lengths)``."""
    lengths = jtorch.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences packed in ``packed_sequences`` (input order)."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
