"""Scans: the running sum along one axis (``cumsum``), the op that cumprod, logcumsumexp and the
other scans cannot be composed from cheaply (they are composed from Mul and a doubling scan in
``reduce_methods.py``)."""

from __future__ import annotations

import numpy as np

from ..function import Function


def _cumsum(x: np.ndarray, axis: int, reverse: bool) -> np.ndarray:
    """Running sum along ``axis``, from the end when ``reverse``."""
    if not reverse:
        return np.cumsum(x, axis=axis)
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


class Cumsum(Function):
    """z_i = sum_{j <= i} x_j along ``axis`` (``reverse``: sum_{j >= i})."""

    derivative = ("dz_i/dx_j = 1 for j <= i: the upstream gradient summed from the end (a reverse "
                  "cumsum)",)

    @staticmethod
    def forward(ctx, x, *, axis, reverse=False):
        ctx.axis, ctx.reverse = axis, reverse
        x = np.asarray(x)
        return _cumsum(x, axis, reverse) if x.ndim else x[()]

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, axis=ctx.axis, reverse=not ctx.reverse)
    jvp = staticmethod(lambda ctx, t: Cumsum.apply(t, **ctx.settings))  # linear: J t = op(t)
