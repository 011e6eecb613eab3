"""Reductions. Backward spreads the upstream gradient back over the reduced axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dims import wrap_dims
from ..function import Function
from .shape import BroadcastTo


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Normalise ``axis`` (None, int or tuple, negatives allowed) to a sorted tuple of axes.

    None and ``()`` mean every axis (as in PyTorch); out-of-range and repeated dims raise
    PyTorch's errors (:func:`~tinygrad_edu.dims.wrap_dims`). A 0-d value accepts 0 and -1.
    """
    if axis is None or (isinstance(axis, (tuple, list)) and not axis):
        return tuple(range(ndim))
    axes = wrap_dims(axis, ndim)
    return tuple(sorted(axes)) if ndim else ()


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
    jvp = staticmethod(lambda ctx, t: Sum.apply(t, **ctx.settings))  # linear: J t = op(t)


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
    jvp = staticmethod(lambda ctx, t: Mean.apply(t, **ctx.settings))  # linear: J t = op(t)


def _check_nonempty(name: str, shape: tuple[int, ...], axis: Any, axes: tuple[int, ...]) -> None:
    """max/min of nothing has no value: PyTorch's errors for an empty reduction."""
    if 0 not in shape:
        return
    if axis is None:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
            f"reduction dim with the 'dim' argument (got an empty value of shape {shape})."
        )
    for a in axes:
        if shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")


def _extreme_weight(x: Any, kept: Any, axes: Any, pick_nan: bool) -> Any:
    """Each element's share of the gradient: 1/k for each of the k elements equal to the result.

    Where the result is nan, ``pick_nan`` gives the shares to the nan elements (PyTorch's max()
    and max(dim)); without it no element equals nan, and the shares are 0/0 = nan (PyTorch's amax).
    """
    mask = x == kept
    if pick_nan and np.result_type(x).kind == "f":
        nan_kept = np.isnan(kept)
        if nan_kept.any():
            mask = np.where(nan_kept, np.isnan(x), mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = mask / np.sum(mask, axis=axes, keepdims=True)
    return weight.astype(np.result_type(x)) if np.result_type(x).kind == "f" else weight


def _first_weight(x: Any, axis: int, find: Any) -> Any:
    """1 at the index ``find`` (np.argmax/np.argmin: the first extreme, or the first nan) along
    ``axis``, else 0: PyTorch's max(dim)/min(dim) send the whole gradient to the returned index."""
    x = np.asarray(x)
    weight = np.zeros(x.shape, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    np.put_along_axis(weight, np.expand_dims(find(x, axis=axis), axis), 1, axis=axis)
    return weight


class _Extremum(Function):
    """Shared by Max and Min: the gradient goes to the extreme elements, split evenly on ties
    (max(), amax); with one int axis and ``pick_nan`` (PyTorch's max(dim)) all of it goes to the
    first extreme, the index max(dim) returns. Subclasses set ``reduce`` and ``find``."""

    @classmethod
    def _forward(cls, ctx, x, axis, keepdims, pick_nan):
        shape = np.shape(x)
        axes = _axes(axis, len(shape))
        _check_nonempty(cls.__name__.lower(), shape, axis, axes)
        kept = cls.reduce(x, axis=axes if shape else None, keepdims=True)
        if pick_nan and shape and isinstance(axis, (int, np.integer)):
            ctx.weight = _first_weight(x, axes[0], cls.find)
        else:
            ctx.weight = _extreme_weight(x, kept, axes if shape else None, pick_nan)
        ctx.kept = _kept_shape(shape, axes)
        out = kept if keepdims else kept.reshape(tuple(s for i, s in enumerate(shape) if i not in axes))
        return out[()] if type(out) is np.ndarray and not out.shape else out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.kept) * ctx.weight
    @staticmethod
    def jvp(ctx, t):  # the tangents of the extreme elements (shared on ties), as backward sends
        s = ctx.settings
        return Sum.apply(t * ctx.weight, axis=s.get("axis"), keepdims=s.get("keepdims", False))


class Max(_Extremum):
    """z = max_i x_i (nan if any x_i is nan). ``pick_nan=False``: PyTorch's amax gradient."""

    derivative = ('dz/dx_i = 1 where x_i is the max (1/k each for a k-way tie, but all to the first '
                  'with one int axis; the nans if any), else 0',)

    reduce, find = staticmethod(np.max), staticmethod(np.argmax)

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False, pick_nan=True):
        return Max._forward(ctx, x, axis, keepdims, pick_nan)


class Min(_Extremum):
    """z = min_i x_i (nan if any x_i is nan). ``pick_nan=False``: PyTorch's amin gradient."""

    derivative = ('dz/dx_i = 1 where x_i is the min (1/k each for a k-way tie, but all to the first '
                  'with one int axis; the nans if any), else 0',)

    reduce, find = staticmethod(np.min), staticmethod(np.argmin)

    @staticmethod
    def forward(ctx, x, *, axis=None, keepdims=False, pick_nan=True):
        return Min._forward(ctx, x, axis, keepdims, pick_nan)
