"""The loss functions of ``nn.functional`` (re-exported there): classification losses
(cross_entropy, nll_loss, binary_cross_entropy[_with_logits]) and regression losses (l1, smooth L1,
Huber). Checks and messages follow PyTorch; the arithmetic is in the ops of ``ops/loss.py``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..dtypes import as_data
from ..ops import BCEFunction, BCEWithLogitsFunction, HuberFunction, NLLLossFunction
from ..toplevel import where
from ..value import Value

__all__ = ["cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "l1_loss", "smooth_l1_loss", "huber_loss", "legacy_reduction"]

_REDUCTIONS = ("mean", "sum", "none")
_TORCH_TYPES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def raw(x: Any) -> np.ndarray:
    """The numbers of a Value (or of anything tensor-like) as a numpy array, outside any graph."""
    return np.asarray(x.detach().numpy() if isinstance(x, Value) else as_data(x))


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(as_data(x))


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """PyTorch's deprecated ``size_average``/``reduce`` pair, mapped to a ``reduction`` string."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    out = "none" if not reduce else "mean" if size_average else "sum"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{out}' "
                  f"instead.", UserWarning, stacklevel=3)
    return out


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction "
                         f"(expected one of 'mean', 'sum', 'none')")


def _reduce(loss: Value, reduction: str) -> Value:
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _type_name(dtype: Any) -> str:
    return _TORCH_TYPES.get(str(np.dtype(dtype)), str(dtype))


def _class_weight(weight: Any, n_classes: int, dtype: Any) -> np.ndarray | None:
    if weight is None:
        return None
    w = raw(weight)
    if w.ndim != 1 or w.size != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(w.shape)}")
    return w.astype(dtype)


def _check_index_target(input: Value, t: np.ndarray) -> None:  # noqa: A002
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(t.dtype)} "
                           f"(class indices must be int64: use target.long())")
    shape = input.shape
    if len(shape) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(shape)})")
    if len(shape) == 1:
        if t.ndim > 1 or t.size != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported "
                               f"(input shape {shape}, target shape {t.shape})")
        return
    if t.ndim == 0 or shape[0] != t.shape[0]:
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size "
                         f"({t.shape[0] if t.ndim else 0}).")
    if len(shape) == 2 and t.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported "
                           f"(input shape {shape}, target shape {t.shape})")
    expected = shape[:1] + shape[2:]
    if t.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(t.shape)}")


def nll_loss(input: Value, target: Any, weight: Any = None, size_average: bool | None = None,  # noqa: A002
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Value:
    """Negative log-likelihood of class indices: ``-w[t] * input[n, t]``, input of shape (N, C),
    (N, C, d1, ...) or (C,) holding log-probabilities. 'mean' divides by the sum of the weights of
    the targets that are not ``ignore_index`` (PyTorch's weighted mean)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    t = raw(target)
    _check_index_target(input, t)
    one = input.ndim == 1
    x = input.unsqueeze(0) if one else input
    t2 = t.reshape(1) if one else t
    n_classes = x.shape[1]
    w = _class_weight(weight, n_classes, input.dtype)
    bad = (t2 != ignore_index) & ((t2 < 0) | (t2 >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t2[bad].ravel()[0])} is out of bounds. (targets must be class "
                         f"indices in [0, {n_classes - 1}] or ignore_index={ignore_index})")
    out = NLLLossFunction.apply(x, target=t2.astype(np.int64), weight=w, ignore_index=ignore_index,
                                reduction=reduction)
    return out.reshape(t.shape) if one and reduction == "none" else out


def cross_entropy(input: Value, target: Any, weight: Any = None, size_average: bool | None = None,  # noqa: A002
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Value:
    """``nll_loss(log_softmax(input, class_dim), target)`` for class-index targets, or
    ``-sum(target * log_softmax(input))`` for class-probability targets (same shape as input).
    The class axis is 1, or 0 for a 1-D input. ``label_smoothing`` mixes the target with the
    uniform distribution, as in PyTorch."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    cdim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[cdim]
    w = _class_weight(weight, n_classes, input.dtype)
    w_b = None if w is None else w.reshape((-1,) + (1,) * (input.ndim - cdim - 1))
    logp = input.log_softmax(cdim)
    if tuple(np.shape(raw(target))) == input.shape:
        return _cross_entropy_probs(logp, target, w_b, cdim, reduction, label_smoothing)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return nll
    t = raw(target)
    smooth = -(logp if w_b is None else logp * w_b).sum(cdim)
    ignored = t == ignore_index
    smooth = where(ignored, 0.0, smooth)
    if reduction == "mean":
        denom = (~ignored).sum() if w is None else w[t[~ignored]].sum()
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(logp: Value, target: Any, w_b: Any, cdim: int, reduction: str,
                         label_smoothing: float) -> Value:
    n_classes = logp.shape[cdim]
    if raw(target).dtype.kind != "f":
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{_type_name(raw(target).dtype)}")
    t = _v(target)
    if label_smoothing > 0:
        t = t * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * t if w_b is None else logp * t * w_b
    if reduction == "none":
        return -prod.sum(cdim)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum() / (logp.numel() / n_classes)


def _same_size(input: Value, target: Any, message: str) -> None:  # noqa: A002
    t_shape = tuple(np.shape(raw(target)))
    if t_shape != input.shape:
        raise ValueError(message.format(t=t_shape, i=input.shape))


def binary_cross_entropy(input: Value, target: Any, weight: Any = None,  # noqa: A002
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Value:
    """``-w (t log x + (1 - t) log(1 - x))`` for probabilities x in [0, 1]; each log is clamped
    at -100, as in PyTorch, so x = 0 or 1 gives a finite loss."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_size(input, target, "Using a target size ({t}) that is different to the input size ({i}) "
               "is deprecated. Please ensure they have the same size.")
    x, t = raw(input), raw(target)
    if not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError("all elements of input should be between 0 and 1 (apply sigmoid first, "
                           "or use binary_cross_entropy_with_logits on the raw scores)")
    if not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    loss = BCEFunction.apply(input, target)
    if weight is not None:
        loss = loss * raw(weight).astype(input.dtype)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Value, target: Any, weight: Any = None,  # noqa: A002
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Value:
    """``binary_cross_entropy(sigmoid(input), target)`` in one stable formula:
    ``(1 - t) x - (1 + (p - 1) t) log sigmoid(x)``, p = pos_weight (weights the positive class)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_size(input, target, "Target size ({t}) must be the same as input size ({i})")
    pw = None if pos_weight is None else raw(pos_weight).astype(input.dtype)
    loss = BCEWithLogitsFunction.apply(input, target, pos_weight=pw)
    if weight is not None:
        loss = loss * raw(weight).astype(input.dtype)
    return _reduce(loss, reduction)


def _warn_shapes(input: Value, target: Any) -> None:  # noqa: A002
    t_shape = tuple(np.shape(raw(target)))
    if t_shape != input.shape:
        warnings.warn(
            f"Using a target size ({t_shape}) that is different to the input size ({input.shape}). "
            f"This will likely lead to incorrect results due to broadcasting. Please ensure they "
            f"have the same size.", UserWarning, stacklevel=3)


def _weighted(loss: Value, input: Value, weight: Any, reduction: str, divide_by_weight: bool  # noqa: A002
              ) -> Value:
    w = raw(weight)
    if w.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    loss = loss * _v(weight)
    if reduction == "mean" and divide_by_weight:
        return loss.sum() / _v(weight).sum()
    return _reduce(loss, reduction)


def l1_loss(input: Value, target: Any, size_average: bool | None = None,  # noqa: A002
            reduce: bool | None = None, reduction: str = "mean", weight: Any = None) -> Value:
    """``|input - target|``, reduced; with ``weight``, 'mean' is sum(w |d|) / sum(w)."""
    _warn_shapes(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted(loss, input, weight, reduction, divide_by_weight=True)
    _check_reduction(reduction)
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Value, target: Any, size_average: bool | None = None,  # noqa: A002
                   reduce: bool | None = None, reduction: str = "mean", beta: float = 1.0) -> Value:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (d = input - target)."""
    _warn_shapes(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta. (got {beta})")
    if beta == 0:
        return _reduce((input - target).abs(), reduction)
    return _reduce(HuberFunction.apply(input, target, delta=beta, scale=1 / beta), reduction)


def huber_loss(input: Value, target: Any, reduction: str = "mean", delta: float = 1.0,  # noqa: A002
               weight: Any = None) -> Value:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)`` (d = input - target)."""
    _warn_shapes(input, target)
    if weight is None:
        _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta. (got {delta})")
    loss = HuberFunction.apply(input, target, delta=delta)
    if weight is not None:
        return _weighted(loss, input, weight, reduction, divide_by_weight=False)
    return _reduce(loss, reduction)
