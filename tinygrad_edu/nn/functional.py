"""``nn.functional``: the layers as functions, and their fused ops.

``linear`` and ``mse_loss`` are single graph nodes rather than chains of primitive ops: fewer
nodes means less Python per training step (see docs/performance.md). Their backwards are written
with differentiable ops, so they stay twice differentiable.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..function import Function, unbroadcast
from ..value import Value, as_data

__all__ = ["relu", "sigmoid", "tanh", "linear", "mse_loss", "LinearFunction", "MSEFunction"]


def relu(x: Value) -> Value:
    return x.relu()


def sigmoid(x: Value) -> Value:
    return x.sigmoid()


def tanh(x: Value) -> Value:
    return x.tanh()


class LinearFunction(Function):
    """y = x W^T + b.   dL/dx = g W,  dL/dW = g^T x (summed over batch axes),  dL/db = sum g"""

    @staticmethod
    def forward(ctx, x, w, b=None):
        if x.shape[-1] != w.shape[1]:
            rows = int(np.prod(x.shape[:-1])) if len(x.shape) > 1 else 1
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                f"{w.shape[1]}x{w.shape[0]}): the layer expects {w.shape[1]} input features, "
                f"the input has {x.shape[-1]} (input shape {tuple(x.shape)})"
            )
        ctx.save_for_backward(x, w)
        ctx.has_bias = b is not None
        out = x @ w.T
        return out + b if b is not None else out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_values
        nx, nw = ctx.needs_input_grad[:2]
        nb = ctx.has_bias and ctx.needs_input_grad[2]
        gx = grad @ w if nx else None
        gw = gb = None
        if nw or nb:  # fold any batch axes into one, so both are plain 2-D products
            g2 = grad.reshape((-1, grad.shape[-1]))
            if nw:
                gw = g2.T @ x.reshape((-1, x.shape[-1]))
            if nb:
                gb = g2.sum(axis=0)
        return (gx, gw, gb) if ctx.has_bias else (gx, gw)


def linear(x: Value, weight: Value, bias: Value | None = None) -> Value:
    """``x @ weight.T + bias`` for any input shape ``(..., in_features)``."""
    if bias is None:
        return LinearFunction.apply(x, weight)
    return LinearFunction.apply(x, weight, bias)


class MSEFunction(Function):
    """l = reduce((x - y)^2).   dl/dx = 2 (x - y) / N for 'mean' (no /N for 'sum'),  dl/dy = -dl/dx"""

    @staticmethod
    def forward(ctx, x, y, *, reduction="mean"):
        diff = x - y
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        ctx.shapes = (np.shape(x), np.shape(y))
        sq = diff * diff
        if reduction == "none":
            return sq
        total = sq.sum()
        return total / sq.size if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_values
        nx, ny = ctx.needs_input_grad
        local = (x - y) * 2
        if ctx.reduction == "mean":
            local = local / math.prod(np.broadcast_shapes(*ctx.shapes))
        g = grad * local
        return (unbroadcast(g, ctx.shapes[0]) if nx else None,
                unbroadcast(-g, ctx.shapes[1]) if ny else None)


_REDUCTIONS = ("mean", "sum", "none")


def mse_loss(input: Value, target: Any, reduction: str = "mean") -> Value:  # noqa: A002
    """Mean squared error. Warns, as PyTorch does, when the target would broadcast."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    t_shape = np.shape(target._data if isinstance(target, Value) else as_data(target))
    if t_shape != input.shape:
        warnings.warn(
            f"Using a target size ({t_shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            f"Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
        try:
            np.broadcast_shapes(t_shape, input.shape)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({input.shape}) must match the size of tensor b "
                f"({t_shape}): mse_loss could not broadcast the target against the input"
            ) from None
    return MSEFunction.apply(input, target, reduction=reduction)
