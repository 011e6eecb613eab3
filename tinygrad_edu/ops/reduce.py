"""Reductions. Backward spreads the upstream gradient back over the reduced axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from .shape import BroadcastTo


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Normalise ``axis`` (None, int or tuple, negatives allowed) to a sorted tuple."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        if not -ndim <= a < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, "
                f"{max(ndim, 1) - 1}], but got {a})"
            )
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of the reduction with keepdims=True."""
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(Function):
    """z = sum_i x_i over the axes."""

    derivative = ('dz/dx_i = 1   (the upstream gradient is copied back)',)

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        shape = x.shape
        axes = _axes(axis, len(shape))
        ctx.shape, ctx.kept = shape, _kept_shape(shape, axes)
        return x.sum(axis=axes if shape else None, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return BroadcastTo.apply(grad.reshape(ctx.kept), shape=ctx.shape)


class Mean(Function):
    """z = (1/n) sum_i x_i over the axes."""

    derivative = ('dz/dx_i = 1/n',)

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        shape = x.shape
        axes = _axes(axis, len(shape))
        ctx.shape, ctx.kept = shape, _kept_shape(shape, axes)
        ctx.n = int(np.prod([shape[a] for a in axes])) if shape else 1
        return x.mean(axis=axes if shape else None, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return BroadcastTo.apply(grad.reshape(ctx.kept) / ctx.n, shape=ctx.shape)


class _Extremum(Function):
    """Shared by Max and Min: the gradient goes to the extreme elements, split evenly on ties.
    Subclasses set ``reduce`` (np.max or np.min)."""

    @classmethod
    def _forward(cls, ctx, x, axis, keepdims):
        shape = np.shape(x)
        if 0 in shape:
            raise RuntimeError(
                f"{cls.__name__.lower()}(): Expected reduction dim to be specified for input.numel() "
                f"== 0 (got an empty value of shape {shape})"
            )
        axes = _axes(axis, len(shape))
        kept = cls.reduce(x, axis=axes if shape else None, keepdims=True)
        mask = x == kept
        ctx.weight = mask / np.sum(mask, axis=axes if shape else None, keepdims=True)
        ctx.kept = _kept_shape(shape, axes)
        out = kept if keepdims else kept.reshape(tuple(s for i, s in enumerate(shape) if i not in axes))
        return out[()] if type(out) is np.ndarray and not out.shape else out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.kept) * ctx.weight


class Max(_Extremum):
    """z = max_i x_i."""

    derivative = ('dz/dx_i = 1 where x_i is the max (1/k each for a k-way tie), else 0',)

    reduce = staticmethod(np.max)

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        return Max._forward(ctx, x, axis, keepdims)


class Min(_Extremum):
    """z = min_i x_i."""

    derivative = ('dz/dx_i = 1 where x_i is the min (1/k each for a k-way tie), else 0',)

    reduce = staticmethod(np.min)

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False):
        return Min._forward(ctx, x, axis, keepdims)
