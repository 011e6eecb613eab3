"""``embedding_bag`` (also in ``nn.functional``) and the ``EmbeddingBag`` layer: the sum, mean
or max of the embeddings of each bag of indices, without building the per-index rows in the
caller's code.

Composed from ``embedding`` (so ``max_norm``, ``scale_grad_by_freq`` and ``padding_idx`` act as
there): 'sum' and 'mean' multiply the looked-up rows by a (bags, indices) 0/1 matrix (divided by
each bag's size for 'mean'); 'max' gathers each bag's rows into a padded (bags, longest, dim)
block, padded with -inf, and takes ``amax``. Empty bags give zeros, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..state import no_grad
from ..toplevel import cat, where
from ..value import Value
from . import init
from .functional_act import check_padding_idx, embedding
from .functional_loss import raw
from .module import Module
from .parameter import Parameter

__all__ = ["embedding_bag", "EmbeddingBag"]


def _bags(input: Any, offsets: Any, per_sample_weights: Any, include_last_offset: bool) -> tuple:  # noqa: A002
    idx = raw(input).astype(np.int64)
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a "
                             f"mini-batch of fixed length sequences. However, found offsets of type "
                             f"{type(offsets)}")
        starts = np.arange(0, idx.size, idx.shape[1]) if idx.shape[1] else np.zeros(idx.shape[0], int)
        ends = starts + idx.shape[1]
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return idx.reshape(-1), starts, ends, per_sample_weights
    if idx.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    off = raw(offsets).astype(np.int64)
    if off.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    if off.size and off[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
                           f"start from position 0. However, got {off[0]}")
    if off.size and off[-1] > idx.size:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {idx.size} but got "
                           f"offsets[-1] of {off[-1]}")
    if include_last_offset:
        return idx, off[:-1], off[1:], per_sample_weights
    return idx, off, np.append(off[1:], idx.size), per_sample_weights


def embedding_bag(input: Any, weight: Value, offsets: Any = None,  # noqa: A002
                  max_norm: float | None = None, norm_type: float = 2, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights: Any = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Value:
    """Per bag, the sum, mean or max of ``weight[i]`` over its indices ``i``. Bags are the rows of
    a 2-D ``input``, or the slices ``input[offsets[b]:offsets[b+1]]`` of a 1-D one.
    ``per_sample_weights`` (mode 'sum' only) scales each index's row; indices equal to
    ``padding_idx`` are left out of their bag."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    shape = list(np.shape(raw(input)))
    if per_sample_weights is not None and list(per_sample_weights.shape) != shape:
        raise ValueError(f"embedding_bag: If per_sample_weights (torch.Size("
                         f"{list(per_sample_weights.shape)})) is not None, then it must have the same "
                         f"shape as the input (torch.Size({shape}))")
    idx, starts, ends, psw = _bags(input, offsets, per_sample_weights, include_last_offset)
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        pos = int(np.flatnonzero((idx < 0) | (idx >= n))[0])
        raise RuntimeError(f"Index {pos} of input takes value {idx[pos]} which is not in the valid "
                           f"range [0, {n})")
    padding_idx = check_padding_idx(padding_idx, n)
    rows = embedding(Value(idx), weight, None, max_norm, norm_type, scale_grad_by_freq)
    keep = idx != padding_idx if padding_idx is not None else np.ones(idx.size, bool)
    position = np.arange(idx.size)
    member = (position[None, :] >= starts[:, None]) & (position[None, :] < ends[:, None]) & keep
    counts = member.sum(axis=1)
    if mode == "max":
        longest = max(int(counts.max()) if counts.size else 0, 1)
        gather = np.full((len(starts), longest), idx.size)  # idx.size points at the -inf row
        for b in range(len(starts)):
            members = np.flatnonzero(member[b])
            gather[b, : members.size] = members
        ext = cat([rows, Value(np.full((1, weight.shape[1]), -np.inf, dtype=weight.dtype))], 0)
        return where((counts > 0)[:, None], ext[gather].amax(1), 0.0)
    if psw is not None:
        rows = rows * psw.reshape(-1, 1)
    scale = member.astype(weight.dtype)
    if mode == "mean":
        scale = scale / np.maximum(counts, 1)[:, None]
    return Value(scale) @ rows


class EmbeddingBag(Module):
    """A table of ``num_embeddings`` rows (``weight``, N(0, 1) at first, the ``padding_idx`` row
    zero) whose forward returns one reduced row per bag (see :func:`embedding_bag`)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Any = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.padding_idx = check_padding_idx(padding_idx, num_embeddings)
        if _weight is None:
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim),
                                             dtype=dtype or get_default_dtype()))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(raw(_weight))
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def forward(self, input: Any, offsets: Any = None, per_sample_weights: Any = None) -> Value:  # noqa: A002
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
                             self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s
