"""Fused layer ops: one node for ``x @ W.T + b`` and one for the squared error, for speed."""

from __future__ import annotations

import numpy as np

from ..function import Function, unbroadcast
from .tangents import plus, times


def linear_error(x, w) -> RuntimeError:
    """PyTorch's error for an input whose last axis is not the layer's in_features."""
    rows = int(np.prod(x.shape[:-1])) if len(x.shape) > 1 else 1
    return RuntimeError(
        f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
        f"{w.shape[1]}x{w.shape[0]}): the layer expects {w.shape[1]} input features, "
        f"the input has {x.shape[-1]} (input shape {tuple(x.shape)})"
    )


def mm(a, b):
    """``a @ b`` for a 2-D ``b``. On arrays of at most 2-D, ``np.dot``: the same BLAS call and the
    same numbers, without matmul's overhead (0.35 us less per call on small arrays; 6x faster when
    the inner size is 1, as in a layer with one input feature). For a batched ``a`` np.dot sums in
    another order (float32 differs in the last bit), and Values (create_graph) need ``@``."""
    return np.dot(a, b) if type(a) is type(b) is np.ndarray and a.ndim <= 2 else a @ b


def batch_sum(g2):
    """``g2.sum(axis=0)``: for one row, that row (a view, which a leaf's ``.grad`` copies as it
    copies any view); else ``ones @ g2``, one BLAS call, several times faster (float32, 128 rows:
    1.6 us against 3.1 us). Works on Values too (create_graph)."""
    if g2.shape[0] == 1:
        return g2[0]
    ones = np.empty(g2.shape[0], g2.dtype)
    ones.fill(1)
    return mm(ones, g2)


class LinearFunction(Function):
    """y = x @ W^T + b, for x of shape (..., in_features). Batch axes are folded into one."""

    derivative = ("dy/dx = W  (sends upstream @ W)", "dy/dW = x  (sends upstream^T @ x)",
                  "dy/db = 1  (sends upstream summed over the batch)")

    @staticmethod
    def forward(ctx, x, w, b=None):
        if x.shape[-1] != w.shape[1]:
            raise linear_error(x, w)
        ctx.save_for_backward(x, w)
        out = mm(x, w.T)
        return out + b if b is not None else out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_values
        needs = ctx.needs_input_grad
        g2 = grad if grad.ndim == 2 else grad.reshape((-1, grad.shape[-1]))  # batch axes folded
        x2 = x if x.ndim == 2 else x.reshape((-1, x.shape[-1]))
        gx = mm(grad, w) if needs[0] else None
        gw = mm(g2.T, x2) if needs[1] else None
        return (gx, gw) if len(needs) == 2 else (gx, gw, batch_sum(g2) if needs[2] else None)

    @staticmethod
    def jvp(ctx, tx, tw, tb=None):  # bilinear in (x, W), plus db
        x, w = ctx.saved_values
        return plus(None if tx is None else LinearFunction.apply(tx, w),
                    None if tw is None else LinearFunction.apply(x, tw), tb)


class MSEFunction(Function):
    """l = reduce((x - y)^2) with reduction 'mean' (over N elements), 'sum' or 'none'."""

    derivative = ("dl/dx = 2 (x - y) / N  (no /N for 'sum')", "dl/dy = -2 (x - y) / N")

    @staticmethod
    def forward(ctx, x, y, *, reduction="mean"):
        ctx.save_for_backward(x, y)
        d = x - y
        ctx.n = max(d.size, 1) if reduction == "mean" else 1
        ctx.shapes = getattr(x, "shape", ()), getattr(y, "shape", ())  # (): a list, a constant
        if reduction == "none":
            return np.square(d)
        # the sum of the squares: one BLAS call, or numpy's pairwise sum where float32 BLAS would drift
        real = d.dtype.kind == "f"  # np.vdot conjugates complex numbers
        total = np.vdot(d, d) if real and d.size <= 65536 else np.add.reduce(np.square(d), axis=None)
        return total / d.size if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_values
        g = (x - y) * (2 / ctx.n * grad)  # the numbers first: one pass over the array fewer
        nx, ny = ctx.needs_input_grad
        return unbroadcast(g, ctx.shapes[0]) if nx else None, unbroadcast(-g, ctx.shapes[1]) if ny else None

    @staticmethod
    def jvp(ctx, tx, ty):  # 2 (x - y) (tx - ty), reduced as the loss is
        x, y = ctx.saved_values
        d = 2 * (x - y) * plus(tx, times(ty, -1))
        return d if ctx.settings.get("reduction", "mean") == "none" else d.sum() / ctx.n
