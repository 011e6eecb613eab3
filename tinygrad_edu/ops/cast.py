"""Casting between float dtypes, differentiably."""

from __future__ import annotations

import numpy as np

from ..function import Function


class Cast(Function):
    """z = x cast to another float dtype."""

    derivative = ("dz/dx = 1  (the gradient is cast back to x's dtype)",)

    @staticmethod
    def forward(ctx, x, *, dtype):
        ctx.dtype = np.result_type(x)
        return np.asarray(x).astype(dtype)[()] if not np.shape(x) else x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return Cast.apply(grad, dtype=ctx.dtype)
    jvp = staticmethod(lambda ctx, t: Cast.apply(t, **ctx.settings))  # linear: J t = op(t)
