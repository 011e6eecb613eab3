"""The connectionist temporal classification loss: ``ctc_loss`` (also in ``nn.functional``) and
``CTCLoss``.

The forward (alpha) recursion of Graves et al., in log space, written with differentiable ops:
for each sample, the targets are interleaved with blanks (``b l1 b l2 ... b``), and at each time
step every state takes the ``logsumexp`` of itself, its left neighbour, and (when it is a label
different from the one two to the left) the state two to the left, plus the log-probability of
its symbol. ``-logsumexp`` of the last two states at the last step is the loss, so the gradient is
the one the backward (beta) recursion would give. Impossible alignments (too few time steps) give
``inf``, or 0 with ``zero_infinity``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..toplevel import cat, stack
from ..value import Value
from .functional_loss import _check_reduction, raw
from .module import Module

__all__ = ["ctc_loss", "CTCLoss"]

_NEG = -1e300  # log(0) stand-in: exp underflows to 0 and logsumexp stays finite and differentiable


def _lengths(v: Any, n: int) -> np.ndarray:
    values = np.asarray(raw(v) if isinstance(v, Value) else v, dtype=np.int64)
    return np.broadcast_to(values.reshape(-1), (n,))


def _sample_loss(lp: Value, labels: np.ndarray, steps: int, blank: int) -> Value | None:
    """-log p(labels | lp[:steps]) for one sample's (T, C) log-probabilities; None if impossible."""
    repeats = int(np.sum(labels[1:] == labels[:-1])) if labels.size > 1 else 0
    if steps < labels.size + repeats:
        return None
    ext = np.full(2 * labels.size + 1, blank, dtype=np.int64)
    ext[1::2] = labels
    skip = np.zeros(ext.size, bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    pad = Value(np.full(2, _NEG, dtype=lp.dtype))
    start = np.full(ext.size, _NEG)
    start[:2] = 0.0
    alpha = Value(start.astype(lp.dtype)) + lp[0, ext]  # only the first two states can start
    for t in range(1, steps):
        shifted = cat([pad, alpha])
        one, two = shifted[1:-1], shifted[:-2]
        two = two * Value(skip.astype(lp.dtype)) + Value(np.where(skip, 0.0, _NEG).astype(lp.dtype))
        alpha = stack([alpha, one, two]).logsumexp(0) + lp[t, ext]
    return -alpha[-2:].logsumexp(0) if ext.size > 1 else -alpha[-1]


def ctc_loss(log_probs: Value, targets: Any, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Value:
    """CTC loss of ``log_probs`` (T, N, C) or (T, C) (log-softmax outputs) against ``targets``
    (N, S) padded, or all targets concatenated (1-D). 'mean' divides each loss by its target
    length, then averages over the batch, as PyTorch."""
    _check_reduction(reduction)
    batched = log_probs.ndim == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    steps_max, n, _ = lp.shape
    t = raw(targets).astype(np.int64)
    in_len, tg_len = _lengths(input_lengths, n), _lengths(target_lengths, n)
    if in_len.max(initial=0) > steps_max:
        raise RuntimeError(f"Expected input_lengths to have value at most {steps_max}, but got value "
                           f"{in_len.max()} (while checking arguments for ctc_loss_allocate_outputs)")
    concatenated = t.ndim == 1 and batched
    if not concatenated and t.ndim >= 1 and tg_len.max(initial=0) > t.shape[-1]:
        raise RuntimeError(f"Expected tensor to have size at least {tg_len.max()} at dimension 1, but "
                           f"got size {t.shape[-1]} for argument #2 'targets' (while checking "
                           f"arguments for ctc_loss_allocate_outputs)")
    offsets = np.concatenate([[0], np.cumsum(tg_len)]) if concatenated else None
    losses = []
    for i in range(n):
        if concatenated:
            labels = t[offsets[i]: offsets[i + 1]]
        else:
            labels = (t.reshape(n, -1) if batched else t.reshape(1, -1))[i, : tg_len[i]]
        loss = _sample_loss(lp[:, i], labels, int(in_len[i]), blank)
        if loss is None:
            loss = lp[0, i, 0] * 0.0 + (0.0 if zero_infinity else np.inf)
        losses.append(loss)
    out = stack(losses)
    if reduction == "mean":
        return (out / Value(np.maximum(tg_len, 1).astype(lp.dtype))).mean()
    if reduction == "sum":
        return out.sum()
    return out if batched else out[0]


class CTCLoss(Module):
    """The CTC loss (see :func:`ctc_loss`); ``blank`` is the blank class index."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def forward(self, log_probs: Value, targets: Any, input_lengths: Any, target_lengths: Any) -> Value:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                        self.zero_infinity)
