"""``nn.utils.rnn``: padding and packing sequences of different lengths, as PyTorch's.

A :class:`PackedSequence` stores a batch of sequences time step by time step: ``data`` holds, for
each step ``t``, the rows of the sequences still running at ``t`` (longest sequence first), and
``batch_sizes[t]`` says how many rows that step has. The recurrent layers (``nn.RNN``, ``nn.LSTM``,
``nn.GRU``) accept one and stop each sequence at its own length. Everything here is built from
slicing, ``cat``, ``stack`` and ``index_select``, so gradients flow through packing and padding.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, Sequence

import numpy as np

from ...creation import full
from ...toplevel import cat, stack
from ...value import Value

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "unpad_sequence", "unpack_sequence", "invert_permutation"]

_Fields = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _index(x: Any) -> Value | None:
    """An int64 Value of indices, or None."""
    if x is None or isinstance(x, Value):
        return x
    return Value(np.asarray(x, dtype=np.int64))


def invert_permutation(permutation: Value | None) -> Value | None:
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    p = np.asarray(permutation.numpy(), dtype=np.int64)
    out = np.empty_like(p)
    out[p] = np.arange(p.size, dtype=np.int64)
    return Value(out)


class PackedSequence(_Fields):
    """``(data, batch_sizes, sorted_indices, unsorted_indices)``: made by
    :func:`pack_padded_sequence` or :func:`pack_sequence`, not by hand."""

    def __new__(cls, data: Value, batch_sizes: Any = None, sorted_indices: Any = None,
                unsorted_indices: Any = None) -> PackedSequence:
        sorted_indices = _index(sorted_indices)
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, _index(batch_sizes), sorted_indices, _index(unsorted_indices))

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """``data.to(...)``; the index tensors stay as they are (int64 on the CPU)."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices,
                                                          self.unsorted_indices)

    def double(self) -> PackedSequence:
        return self.to(np.float64)

    def float(self) -> PackedSequence:
        return self.to(np.float32)

    def cpu(self) -> PackedSequence:
        return self

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def _lengths(lengths: Any) -> list[int]:
    arr = lengths.numpy() if isinstance(lengths, Value) else np.asarray(lengths)
    return [int(n) for n in np.asarray(arr).reshape(-1)]


def pad_sequence(sequences: Sequence[Value], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Value:
    """Stack sequences of shapes ``(L_i, *)`` into ``(L_max, B, *)`` (``(B, L_max, *)`` when
    ``batch_first``), filling the missing steps with ``padding_value`` on ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Value):
        sequences = [sequences[i] for i in range(sequences.shape[0])]
    if len(sequences) == 0:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        missing = longest - s.shape[0]
        if s.shape[1:] != sequences[0].shape[1:]:
            raise RuntimeError(
                f"The size of tensor a ({sequences[0].shape[-1]}) must match the size of tensor b "
                f"({s.shape[-1]}) at non-singleton dimension {s.ndim - 1}")
        if missing:
            pad = full((missing, *s.shape[1:]), padding_value, dtype=s.dtype)
            s = cat([s, pad] if padding_side == "right" else [pad, s])
        rows.append(s)
    return stack(rows, 0 if batch_first else 1)


def _batch_sizes(lengths: list[int]) -> list[int]:
    return [sum(1 for n in lengths if n > t) for t in range(lengths[0])]


def pack_padded_sequence(input: Value, lengths: Any, batch_first: bool = False,  # noqa: A002
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` when ``batch_first``) whose sequence ``b``
    has ``lengths[b]`` steps. With ``enforce_sorted=False`` the lengths may come in any order: the
    batch is sorted longest first and the permutation kept in the result."""
    lens = _lengths(lengths)
    batch_dim = 0 if batch_first else 1
    sorted_indices = None
    if enforce_sorted:
        if any(a < b for a, b in zip(lens, lens[1:])):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                "sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-np.asarray(lens, dtype=np.int64), kind="stable")
        sorted_indices = Value(order.astype(np.int64))
        lens = [lens[i] for i in order]
        input = input.index_select(batch_dim, sorted_indices)
    if len(lens) != input.shape[batch_dim]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lens)} "
                           f"(batch_size={input.shape[batch_dim]})")
    if lens and lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in "
                           "'lengths' that is <= 0")
    steps = input.shape[1 - batch_dim]
    if lens[0] > steps:
        raise RuntimeError(f"the longest length in `lengths` ({lens[0]}) is more than the input's "
                           f"{steps} time steps")
    sizes = _batch_sizes(lens)
    chunks = [input[t, :bs] if not batch_first else input[:bs, t] for t, bs in enumerate(sizes)]
    return PackedSequence(cat(chunks), sizes, sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Value, Value]:
    """Undo :func:`pack_padded_sequence`: ``(padded, lengths)``, in the batch's original order."""
    data, sizes = sequence.data, _lengths(sequence.batch_sizes)
    batch, steps = sizes[0], len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, "
                f"but got total_length={total_length} and max sequence length being {steps}")
    rows, start = [], 0
    for bs in sizes:
        chunk = data[start:start + bs]
        start += bs
        if bs < batch:
            chunk = cat([chunk, full((batch - bs, *data.shape[1:]), padding_value, dtype=data.dtype)])
        rows.append(chunk)
    if total_length is not None and total_length > steps:
        rows += [full((batch, *data.shape[1:]), padding_value, dtype=data.dtype)] * (total_length - steps)
    padded = stack(rows, 1 if batch_first else 0)
    lengths = np.array([sum(1 for bs in sizes if bs > b) for b in range(batch)], dtype=np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[np.asarray(sequence.unsorted_indices.numpy())]
    return padded, Value(lengths)


def pack_sequence(sequences: Sequence[Value], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Value, lengths: Any, batch_first: bool = False) -> list[Value]:
    """The list of sequences in a padded batch, each cut to its length."""
    lens = _lengths(lengths)
    if batch_first:
        return [padded_sequences[b, :n] for b, n in enumerate(lens)]
    return [padded_sequences[:n, b] for b, n in enumerate(lens)]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Value]:
    """The list of sequences in a PackedSequence, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
