"""Shape ops: they move or copy numbers without changing them, so backward moves them back."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dims import check_index
from ..function import Function, unbroadcast
from .tangents import filled


class Reshape(Function):
    """z = x viewed with a new shape."""

    derivative = ('dz/dx = identity (the gradient is reshaped back)',)

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.shape = x.shape
        out = x.reshape(shape)
        return out if shape else out[()]

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)
    jvp = staticmethod(lambda ctx, t: Reshape.apply(t, **ctx.settings))  # linear: J t = op(t)


class Permute(Function):
    """z = x with its axes reordered."""

    derivative = ('dz/dx = the inverse reordering of the gradient',)

    @staticmethod
    def forward(ctx, x, *, axes):
        ctx.axes = axes
        return x.transpose(axes)

    @staticmethod
    def backward(ctx, grad):
        inverse = tuple(int(i) for i in np.argsort(ctx.axes))
        return Permute.apply(grad, axes=inverse)
    jvp = staticmethod(lambda ctx, t: Permute.apply(t, **ctx.settings))  # linear: J t = op(t)


class BroadcastTo(Function):
    """z = x copied along broadcast axes."""

    derivative = ('dz/dx = sum of the gradient over the copies',)

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.shape = np.shape(x)
        return np.broadcast_to(x, shape) if shape else x

    @staticmethod
    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shape)
    jvp = staticmethod(lambda ctx, t: BroadcastTo.apply(t, **ctx.settings))  # linear: J t = op(t)


def is_basic_index(index: Any) -> bool:
    """True for indexes made of ints, slices, None and Ellipsis: they never repeat an element."""
    if type(index) is not tuple:  # one part: the common cases without a loop
        return type(index) is not np.ndarray and (isinstance(index, (int, np.integer, slice))
                                                  or index is None or index is Ellipsis)
    for p in index:
        if not (isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis):
            return False
    return True


class GetItem(Function):
    """z = x[index]."""

    derivative = ("dz/dx = the gradient scattered back into x's shape (added where repeated)",)

    @staticmethod
    def forward(ctx, x, *, index):
        x = np.asarray(x)
        ctx.shape, ctx.index = x.shape, index
        try:
            out = x[index]
        except IndexError:
            check_index(index, ctx.shape)  # PyTorch's IndexError wording (numpy says "axis")
            raise
        return out[()] if type(out) is np.ndarray and not out.shape else out

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, index=ctx.index, shape=ctx.shape)
    jvp = staticmethod(lambda ctx, t: GetItem.apply(t, **ctx.settings))  # linear: J t = op(t)


class SetItem(Function):
    """z = x with z[index] = v (v broadcast to the indexed shape): ``x[index] = v`` recorded."""

    derivative = ("dz/dx = 1 outside index, 0 at index", "dz/dv = 1 at index (summed where v was broadcast)")

    @staticmethod
    def forward(ctx, x, v, *, index):
        ctx.index, ctx.vshape = index, np.shape(v)
        out = np.array(x, copy=True)
        out[index] = v
        return out

    @staticmethod
    def backward(ctx, grad):
        nx, nv = ctx.needs_input_grad
        gx = SetItem.apply(grad, 0.0, index=ctx.index) if nx else None
        gv = unbroadcast(GetItem.apply(grad, index=ctx.index), ctx.vshape) if nv else None
        return gx, gv
    jvp = staticmethod(lambda ctx, *ts: SetItem.apply(*filled(ctx, ts), **ctx.settings))


class ScatterAdd(Function):
    """z = zeros(shape) with x added at index.

    The adjoint of GetItem, so that indexing is twice differentiable.
    """

    derivative = ("dz/dx = z's gradient read back at index",)

    @staticmethod
    def forward(ctx, x, *, index, shape):
        ctx.index = index
        out = np.zeros(shape, dtype=np.result_type(x))
        if is_basic_index(index):
            out[index] = x
        else:
            np.add.at(out, index, x)
        return out if shape else out[()]

    @staticmethod
    def backward(ctx, grad):
        return GetItem.apply(grad, index=ctx.index)
    jvp = staticmethod(lambda ctx, t: ScatterAdd.apply(t, **ctx.settings))  # linear: J t = op(t)


class Cat(Function):
    """z = concatenate(x_1, ..., x_k) along axis."""

    derivative = ('dz/dx_j = the slice of the gradient for x_j',)

    @staticmethod
    def forward(ctx, *xs, axis=0):
        ctx.axis = axis
        ctx.sizes = [np.shape(x)[axis] for x in xs]
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        lead = (slice(None),) * (ctx.axis % len(grad.shape))
        for size, need in zip(ctx.sizes, ctx.needs_input_grad):
            if need:
                grads.append(GetItem.apply(grad, index=lead + (slice(start, start + size),)))
            else:
                grads.append(None)
            start += size
        return tuple(grads)
    jvp = staticmethod(lambda ctx, *ts: Cat.apply(*filled(ctx, ts), **ctx.settings))


class Stack(Function):
    """z = stack(x_1, ..., x_k) along a new axis."""

    derivative = ('dz/dx_j = the gradient at position j',)

    @staticmethod
    def forward(ctx, *xs, axis=0):
        out = np.stack(xs, axis=axis)
        ctx.axis = axis % out.ndim
        return out

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        return tuple(
            GetItem.apply(grad, index=lead + (j,)) if need else None
            for j, need in enumerate(ctx.needs_input_grad)
        )
    jvp = staticmethod(lambda ctx, *ts: Stack.apply(*filled(ctx, ts), **ctx.settings))
