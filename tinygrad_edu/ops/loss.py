"""Loss ops. ``NLLLossFunction`` reduces itself (its 'mean' divides by a sum of class weights);
the others are elementwise and ``nn.functional`` reduces them with ``sum``/``mean``.

Settings that are not differentiated (target class indices, class weights, pos_weight, masks) are
keyword arguments: constants for the graph, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from ..function import Function, unbroadcast
from .activation import Softplus, _like, _scalar
from .elementwise import Clamp, Log, Sigmoid
from .tangents import diagonal_pair, plus, times

__all__ = ["NLLLossFunction", "BCEFunction", "BCEWithLogitsFunction", "HuberFunction"]


def nll_parts(x: np.ndarray, target: np.ndarray, weight, ignore_index: int) -> tuple:
    """For x of shape (N, C, d...) and target (N, d...): the picked scores x[n, t_n, d], the
    weight of each target w[t_n] (0 where ignored) and the one-hot mask of the targets."""
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    w = ((np.asarray(weight)[safe] if weight is not None else 1) * valid).astype(x.dtype)
    picked = np.take_along_axis(x, np.expand_dims(safe, 1), axis=1)[:, 0]
    hot = np.expand_dims(safe, 1) == np.arange(x.shape[1]).reshape((-1,) + (1,) * (x.ndim - 2))
    return picked, w, hot


class NLLLossFunction(Function):
    """l_n = -w[t_n] x[n, t_n] (0 where t_n == ignore_index); 'mean' is sum_n l_n / sum_n w[t_n]."""

    derivative = ("dl/dx[n, c] = -w[c] (1 if c == t_n else 0)   (/ sum of the weights for 'mean')",)

    @staticmethod
    def forward(ctx, x, *, target, weight=None, ignore_index=-100, reduction="mean"):
        picked, w, hot = nll_parts(x, target, weight, ignore_index)
        losses = -(w * picked)
        total = w.sum() if reduction == "mean" else x.dtype.type(1)
        scale = -w / total if total != 0 else np.zeros_like(w)  # all ignored: nan value, zero grad
        ctx.coef = (hot * np.expand_dims(scale, 1)).astype(x.dtype)
        ctx.reduction, ctx.kept = reduction, x.shape[:1] + (1,) + x.shape[2:]
        if reduction == "none":
            return losses
        with np.errstate(invalid="ignore"):
            return _scalar(np.asarray(losses.sum() / total))

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.kept) * ctx.coef if ctx.reduction == "none" else grad * ctx.coef
    jvp = staticmethod(lambda ctx, t: (t * ctx.coef).sum(1 if ctx.reduction == "none" else None))


_EPS = float(np.float32(1e-12))  # PyTorch's EPSILON in the BCE backward is a float32 1e-12


def _clamped_log(v):
    """max(log v, -100), differentiable (PyTorch's clamp in binary_cross_entropy)."""
    with np.errstate(divide="ignore"):
        return Clamp.apply(Log.apply(v), min=-100)


class BCEFunction(Function):
    """l = -(t max(log x, -100) + (1 - t) max(log(1 - x), -100)), elementwise (PyTorch's clamp)."""

    derivative = ("dl/dx = (x - t) / max(x (1 - x), 1e-12)",
                  "dl/dt = max(log(1 - x), -100) - max(log x, -100)")

    @staticmethod
    def forward(ctx, x, t):
        ctx.save_for_backward(x, t)
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100
            return (t - 1) * np.maximum(np.log1p(-x), -100) - t * np.maximum(np.log(x), -100)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_values
        nx, nt = ctx.needs_input_grad
        gx = grad * (x - t) / Clamp.apply((1 - x) * x, min=_EPS) if nx else None
        gt = grad * (_clamped_log(1 - x) - _clamped_log(x))
        return gx, gt if nt else None
    jvp = staticmethod(lambda ctx, tx, tt: diagonal_pair(BCEFunction, ctx, tx, tt))


class BCEWithLogitsFunction(Function):
    """l = (1 - t) x - (1 + (p - 1) t) log sigmoid(x), elementwise, p the pos_weight (default 1).
    log sigmoid(x) = min(x, 0) - log(1 + e^-|x|) never overflows."""

    derivative = ("dl/dx = (1 + (p - 1) t) sigmoid(x) - p t", "dl/dt = -x - (p - 1) log sigmoid(x)")

    @staticmethod
    def forward(ctx, x, t, *, pos_weight=None):
        ctx.save_for_backward(x, t)
        ctx.pm1 = 0 if pos_weight is None else pos_weight - 1
        log_sig = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        return (1 - t) * x - (1 + ctx.pm1 * t) * log_sig

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_values
        nx, nt = ctx.needs_input_grad
        gx = grad * ((1 + ctx.pm1 * t) * Sigmoid.apply(x) - (ctx.pm1 + 1) * t) if nx else None
        log_sig = -Softplus.apply(-x, threshold=np.inf) if nt else None
        return gx, grad * (-x - ctx.pm1 * log_sig) if nt else None
    jvp = staticmethod(lambda ctx, tx, tt: diagonal_pair(BCEWithLogitsFunction, ctx, tx, tt))


class HuberFunction(Function):
    """l = scale * (0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta)), d = x - y, elementwise.
    Huber loss is scale = 1; smooth L1 with beta is delta = beta, scale = 1/beta."""

    derivative = ("dl/dx = scale * (d if |d| < delta else delta sign(d))", "dl/dy = -dl/dx")

    @staticmethod
    def forward(ctx, x, y, *, delta=1.0, scale=1.0):
        ctx.save_for_backward(x, y)
        ctx.shapes, d = (np.shape(x), np.shape(y)), x - y
        inner = np.abs(d) < delta
        ctx.inner, ctx.outer = _like(inner * scale, d), _like(~inner * np.sign(d) * (delta * scale), d)
        return _scalar(np.where(inner, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta)) * scale)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_values
        g, (nx, ny) = grad * ((x - y) * ctx.inner + ctx.outer), ctx.needs_input_grad
        return (unbroadcast(g, ctx.shapes[0]) if nx else None, unbroadcast(-g, ctx.shapes[1]) if ny
                else None)

    @staticmethod
    def jvp(ctx, tx, ty):  # dl/dx (tx - ty), elementwise
        x, y = ctx.saved_values
        return ((x - y) * ctx.inner + ctx.outer) * plus(tx, times(ty, -1))
