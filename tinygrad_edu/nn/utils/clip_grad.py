"""Gradient clipping, as ``torch.nn.utils``: ``clip_grad_norm_``, ``clip_grad_value_``,
``get_total_norm`` and ``clip_grads_with_norm_``. They work on the gradients' numbers in place
(no graph), like an optimizer step."""

from __future__ import annotations

import math
import types
import warnings
from typing import Any, Iterable

import numpy as np

from ...value import Value

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _tensor_list(tensors: Any) -> list[Value]:
    return [tensors] if isinstance(tensors, Value) else list(tensors)


def _vector_norm(x: np.ndarray, p: float) -> Any:
    """``torch.linalg.vector_norm`` of all of ``x``'s numbers (inf, -inf, 0 and p > 0)."""
    a = np.abs(x.ravel())
    if p == math.inf:
        return a.max() if a.size else np.zeros((), x.dtype)
    if p == -math.inf:
        return a.min() if a.size else np.array(math.inf, x.dtype)
    if p == 0:
        return np.asarray(np.count_nonzero(a), dtype=x.dtype)
    if p == 1:
        return a.sum()
    if p == 2:
        return np.sqrt(np.sum(a * a))
    return np.sum(a**p) ** (1.0 / p)


def get_total_norm(tensors: Iterable[Value] | Value, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Value:
    """The ``norm_type`` norm of all the tensors' numbers together, as if they were one vector
    (the norm of the per-tensor norms); 0-d. ``error_if_nonfinite=True`` raises on nan/inf."""
    tensors = _tensor_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return Value(np.array(0.0))
    norms = [_vector_norm(t._data, norm_type) for t in tensors]
    dtype = np.result_type(*[t._data.dtype for t in tensors])
    total = np.asarray(_vector_norm(np.array(norms, dtype=dtype), norm_type), dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
            "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
            "anyway, set `error_if_nonfinite=False`")
    return Value(total)


def clip_grads_with_norm_(parameters: Iterable[Value] | Value, max_norm: float, total_norm: Any,
                          foreach: bool | None = None) -> None:
    """Scale every gradient by ``min(1, max_norm / (total_norm + 1e-6))``, in place."""
    grads = [p.grad for p in _tensor_list(parameters) if p.grad is not None]
    if not grads:
        return
    total = total_norm._data if isinstance(total_norm, Value) else np.asarray(total_norm)
    coef = np.minimum(float(max_norm) / (total + 1e-6), 1.0).astype(total.dtype)
    for g in grads:
        g._write(g._data * coef, casting="unsafe")


def clip_grad_norm_(parameters: Iterable[Value] | Value, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Value:
    """Scale the gradients of ``parameters`` in place so that their total ``norm_type`` norm
    (see ``get_total_norm``) is at most ``max_norm``; returns the total norm before clipping.
    ``foreach`` is accepted and ignored (there is one code path)."""
    if isinstance(parameters, Value):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters: Iterable[Value] | Value, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Value:
    """Deprecated alias of ``clip_grad_norm_`` (PyTorch warns and calls it)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Iterable[Value] | Value, clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient to ``[-clip_value, clip_value]``, in place."""
    clip_value = float(clip_value)
    for p in _tensor_list(parameters):
        g = p.grad
        if g is not None:
            g._write(np.clip(g._data, -clip_value, clip_value), casting="unsafe")
