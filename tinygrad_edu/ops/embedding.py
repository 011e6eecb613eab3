"""Embedding lookup: rows of a weight matrix picked by integer indices."""

from __future__ import annotations

from ..function import Function
from .shape import ScatterAdd

__all__ = ["EmbeddingFunction"]


class EmbeddingFunction(Function):
    """z[..., :] = weight[indices[...], :]. ``row_scale`` (one number per index, optional) scales
    the gradient each lookup sends back: 0 for padding_idx, 1/count for scale_grad_by_freq."""

    derivative = ("dz/dweight = 1 at the picked rows (added where an index repeats)",)

    @staticmethod
    def forward(ctx, weight, *, indices, row_scale=None):
        ctx.indices, ctx.shape = indices, weight.shape
        ctx.scale = None if row_scale is None else row_scale[..., None].astype(weight.dtype)
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        g = grad if ctx.scale is None else grad * ctx.scale
        return ScatterAdd.apply(g, index=ctx.indices, shape=ctx.shape)
    jvp = staticmethod(lambda ctx, t: EmbeddingFunction.apply(t, **ctx.settings))  # linear: J t = op(t)
