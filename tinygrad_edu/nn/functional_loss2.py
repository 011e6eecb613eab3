"""More losses of ``nn.functional`` (re-exported there): KL divergence, margin and embedding losses,
soft-margin losses, Poisson and Gaussian negative log-likelihoods, triplet losses.

Each is a composition of existing methods (``clamp``, ``where``, ``softplus``, ``gather``,
``log``), written as the formula in PyTorch's documentation, and reduced with ``reduction``
('mean' | 'sum' | 'none').
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from ..toplevel import minimum, where
from ..value import Value
from .functional_act import softplus
from .functional_loss import _check_reduction, _reduce, _v, legacy_reduction, raw
from .functional_more import _broadcast_pair, pairwise_distance

__all__ = ["kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "soft_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
           "multilabel_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss"]


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return reduction


def kl_div(input: Value, target: Any, size_average: bool | None = None,  # noqa: A002
           reduce: bool | None = None, reduction: str = "mean", log_target: bool = False) -> Value:
    """``target * (log(target) - input)`` (0 where target is 0), with ``input`` log-probabilities;
    ``log_target=True``: ``exp(target) * (target - input)``. 'batchmean' divides the sum by the
    batch size (the KL divergence's definition)."""
    if reduction == "mean" and size_average is None and reduce is None:
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with the "
                      "KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    if reduction != "batchmean":
        reduction = _reduction(size_average, reduce, reduction)
    t = _v(target)
    input, t = _broadcast_pair(input, t)  # noqa: A001
    if log_target:
        loss = t.exp() * (t - input)
    else:
        positive = raw(t) > 0
        safe = where(positive, t, 1.0)
        loss = where(positive, t * safe.log(), 0.0) - t * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Value, input2: Value, target: Any, margin: float = 0.0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Value:
    """``max(0, -target * (input1 - input2) + margin)``, target 1 or -1."""
    reduction = _reduction(size_average, reduce, reduction)
    if not (input1.ndim == input2.ndim == _v(target).ndim):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but "
                           f"got sizes: input1: {list(input1.shape)}, input2: {list(input2.shape)}, "
                           f"target: {list(_v(target).shape)} ")
    return _reduce((-_v(target) * (input1 - input2) + margin).clamp(min=0.0), reduction)


def hinge_embedding_loss(input: Value, target: Any, margin: float = 1.0,  # noqa: A002
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Value:
    """``x`` where target is 1, ``max(0, margin - x)`` where target is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, _v(target))
    tr = raw(t)
    loss = where(tr != 1, (margin - x).clamp(min=0.0), 0.0) + where(tr != -1, x, 0.0)
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Value, input2: Value, target: Any, margin: float = 0.0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Value:
    """``1 - cos(x1, x2)`` where target is 1, ``max(0, cos(x1, x2) - margin)`` where it is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    t = _v(target)
    if t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if t.ndim == 1 and (input1.ndim != 2 or input2.ndim != 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if t.ndim == 0 and (input1.ndim != 1 or input2.ndim != 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    dim = t.ndim
    eps = 1e-12
    prod = (input1 * input2).sum(dim)
    mag = ((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)
    cos = prod / mag.sqrt()
    cos, t = _broadcast_pair(cos, t)
    tr = raw(t)
    loss = where(tr == 1, 1 - cos, 0.0) + where(tr == -1, (cos - margin).clamp(min=0.0), 0.0)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Value, target: Any, size_average: bool | None = None,  # noqa: A002
                     reduce: bool | None = None, reduction: str = "mean") -> Value:
    """``log(1 + exp(-target * x))``."""
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(softplus(-_v(target) * input), reduction)


def multilabel_soft_margin_loss(input: Value, target: Any, weight: Any = None,  # noqa: A002
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Value:
    """The mean over classes of the binary cross-entropy of ``sigmoid(x)`` against 0/1 targets."""
    reduction = _reduction(size_average, reduce, reduction)
    t = _v(target)
    loss = -(t * -softplus(-input) + (1 - t) * -softplus(input))
    if weight is not None:
        loss = loss * _v(weight)
    loss = loss.sum(input.ndim - 1) / input.shape[-1]
    return _reduce(loss, reduction)


def multi_margin_loss(input: Value, target: Any, p: int = 1, margin: float = 1.0,  # noqa: A002
                      weight: Any = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Value:
    """``sum over i != y of max(0, margin - x[y] + x[i])^p / C`` (times ``weight[y]``)."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    y = raw(target).astype(np.int64).reshape(-1)
    n, c = x.shape
    if input.ndim > 2 or (input.ndim == 2 and (raw(target).ndim != 1 or y.size != n)) or y.size != n:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the "
                           f"number of input samples (batch size). Expected target size [{n}], but "
                           f"got {list(raw(target).shape)}. Input has shape {list(input.shape)}.")
    if y.size and (y.min() < 0 or y.max() >= c):
        raise RuntimeError("target out of range")
    xy = x.gather(1, Value(y[:, None]))
    margins = (x - xy + margin).clamp(min=0.0)
    if p == 2:
        margins = margins * margins
    if weight is not None:
        margins = margins * _v(weight)[y].reshape(-1, 1)
    margins = margins * Value((np.arange(c)[None, :] != y[:, None]).astype(x.dtype))
    loss = margins.sum(1) / c
    return _reduce(loss if input.ndim == 2 else loss.reshape(()), reduction)


def multilabel_margin_loss(input: Value, target: Any, size_average: bool | None = None,  # noqa: A002
                           reduce: bool | None = None, reduction: str = "mean") -> Value:
    """``sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C``;
    each row of ``target`` lists class indices, ended by the first -1."""
    reduction = _reduction(size_average, reduce, reduction)
    t = raw(target).astype(np.int64)
    if tuple(t.shape) != tuple(input.shape) or input.ndim > 2:
        raise RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: "
                           f"{list(input.shape)}")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    t2 = t.reshape(x.shape)
    n, c = x.shape
    counts = np.zeros((n, c))
    for row in range(n):
        for j in t2[row]:
            if j < 0:
                break
            if j >= c:
                raise RuntimeError(f"index {j} is out of bounds for dimension 0 with size {c}")
            counts[row, j] += 1
    pair = (1 - x.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0.0)  # [n, j, i] = 1 - x[j] + x[i]
    mask = counts[:, :, None] * (counts[:, None, :] == 0)
    loss = (pair * Value(mask.astype(x.dtype))).sum((1, 2)) / c
    return _reduce(loss if input.ndim == 2 else loss.reshape(()), reduction)


def poisson_nll_loss(input: Value, target: Any, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Value:
    """``exp(x) - target * x`` (log_input) or ``x - target * log(x + eps)``; ``full`` adds
    Stirling's approximation of ``log(target!)`` where target > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    t = _v(target)
    loss = input.exp() - t * input if log_input else input - t * (input + eps).log()
    if full:
        tr = raw(t)
        big = tr > 1
        safe = np.where(big, tr, 2.0)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe)
        loss = loss + Value(np.where(big, stirling, 0.0).astype(input.dtype))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Value, target: Any, var: Any, full: bool = False,  # noqa: A002
                      eps: float = 1e-6, reduction: str = "mean") -> Value:
    """``0.5 * (log(var) + (input - target)^2 / var)`` (``+ 0.5 log(2 pi)`` if ``full``); ``var``
    is clamped to ``eps`` outside the graph, as PyTorch."""
    t, v = _v(target), _v(var)
    if tuple(v.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(v.shape):
            v = v.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(v.shape[:-1]) and v.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    _check_reduction(reduction)
    if (raw(v) < 0).any():
        raise ValueError("var has negative entry/entries")
    v = v + (v.detach().clamp(min=eps) - v.detach())
    loss = 0.5 * (v.log() + (input - t) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Value, positive: Value, negative: Value, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Value:
    """``max(0, d(a, p) - d(a, n) + margin)`` with ``d`` the pairwise ``p``-distance; ``swap``
    uses ``min(d(a, n), d(p, n))``."""
    reduction = _reduction(size_average, reduce, reduction)
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same "
                           f"number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp(min=0.0), reduction)


def triplet_margin_with_distance_loss(anchor: Value, positive: Value, negative: Value, *,
                                      distance_function: Callable | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Value:
    """The triplet loss with any ``distance_function`` (default: pairwise Euclidean distance)."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got "
                         f"{margin} instead")
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same "
                           f"number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp(min=0.0), reduction)
