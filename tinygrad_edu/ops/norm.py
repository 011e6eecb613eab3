"""Standardisation, the core of batch norm and layer norm, as one fused op.

``Normalize`` subtracts the mean and divides by the standard deviation (the biased one, dividing
by n, as PyTorch normalises) over some axes. The affine part (``* weight + bias``) is left to the
ordinary Mul and Add ops. One node instead of seven keeps training fast, and its backward, written
with ops, keeps it twice differentiable.
"""

from __future__ import annotations

from typing import Any

from ..function import Function

__all__ = ["Normalize"]


def inv_std(x: Any, axes: tuple[int, ...], eps: float) -> Any:
    """1 / sqrt(var(x) + eps) over ``axes`` (biased variance), kept for broadcasting.
    Works on arrays and on Values (so the backward below is itself differentiable)."""
    centred = x - x.mean(axis=axes, keepdims=True)
    return ((centred * centred).mean(axis=axes, keepdims=True) + eps) ** -0.5


class Normalize(Function):
    """z = (x - mean(x)) / sqrt(var(x) + eps), mean and biased variance over ``axes``."""

    derivative = ("dz/dx = (upstream - mean(upstream) - z * mean(upstream * z)) / sqrt(var + eps), "
                  "means over the normalised axes",)

    @staticmethod
    def forward(ctx, x, *, axes, eps):
        ctx.axes, ctx.eps = axes, eps
        z = (x - x.mean(axis=axes, keepdims=True)) * inv_std(x, axes, eps)
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, grad):
        x, z = ctx.saved_values
        axes = ctx.axes
        centred = grad - grad.mean(axis=axes, keepdims=True)
        return (centred - z * (grad * z).mean(axis=axes, keepdims=True)) * inv_std(x, axes, ctx.eps)
    jvp = backward  # a symmetric Jacobian is its own transpose: J t = J^T t
