"""Activations and the softmax family. Each class: docstring, derivative, forward and backward.

Backwards use only operators and other ops (``Exp``, ``Sigmoid``, ``Tanh``, ``Erf``...), so every
op here is twice differentiable. Masks that pick a branch (x > 0) are computed once in forward and
kept as constants: the derivative of a branch choice is zero away from the kink.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from .elementwise import Clamp, Exp, Sigmoid, Tanh
from .reduce import _axes

__all__ = ["LeakyReLU", "ELU", "Erf", "GELU", "SiLU", "Softplus", "Softmax", "LogSoftmax",
           "LogSumExp", "erf", "float_input"]

_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_TANH_K = math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5  # sqrt(2/pi), rounded as PyTorch's kBeta
_ERF = np.frompyfunc(math.erf, 1, 1)


def _scalar(a: Any) -> Any:
    return a[()] if type(a) is np.ndarray and not a.shape else a


def _like(mask: Any, x: Any) -> Any:
    """A 0/1 mask (or any constant) as numbers of x's float dtype, so products keep that dtype."""
    return _scalar(np.asarray(mask).astype(np.result_type(x)))


def erf(x: Any) -> Any:
    """The error function elementwise, from ``math.erf`` (correctly rounded to ~1 ulp)."""
    a = np.asarray(x)
    return _scalar(np.asarray(_ERF(a), dtype=np.float64).astype(a.dtype if a.dtype.kind == "f" else
                                                                np.float64))


_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool"}


def float_input(x: Any, name: str, dtype: Any = None) -> Any:
    """``x`` cast to ``dtype`` if given; a non-float input is refused as PyTorch refuses it."""
    if dtype is not None:
        x = x.to(dtype)
    if x.dtype.kind != "f":
        kind = _TORCH_NAMES.get(str(x.dtype), str(x.dtype))
        raise NotImplementedError(
            f'"{name}_lastdim_kernel_impl" not implemented for \'{kind}\': {name} needs a floating '
            f"point input; convert it first (x.double()) or pass dtype=float64")
    return x


def _dims(x: Any, dim: Any) -> tuple[int, ...] | None:
    """Check ``dim`` (an int or a tuple) as PyTorch does; None for a 0-d input, which accepts
    the dims -1 and 0 and is reduced as a whole."""
    if np.ndim(x):
        return _axes(dim, np.ndim(x))
    for d in (dim,) if isinstance(dim, (int, np.integer)) else dim:
        if d not in (-1, 0):
            raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got {d})")
    return None


def _dim(x: Any, dim: int) -> int | None:
    axes = _dims(x, dim)
    return None if axes is None else axes[0]


def _logsumexp_kept(x: Any, axes: Any) -> np.ndarray:
    """max + log(sum(e^(x - max))) with keepdims; an infinite max counts as 0 (as in PyTorch), and
    an empty or all -inf slice gives -inf without a warning."""
    m = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    m = np.where(np.isinf(m), 0, m).astype(np.result_type(x))
    with np.errstate(divide="ignore"):
        return np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m


class LeakyReLU(Function):
    """z = x if x > 0 else negative_slope * x."""

    derivative = ("dz/dx = 1 if x > 0 else negative_slope",)

    @staticmethod
    def forward(ctx, x, *, negative_slope=0.01):
        pos = x > 0
        ctx.local = _like(np.where(pos, 1.0, negative_slope), x)
        return _scalar(np.where(pos, x, x * negative_slope))

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.local
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class ELU(Function):
    """z = x if x > 0 else alpha (e^x - 1)."""

    derivative = ("dz/dx = 1 if x > 0 else alpha e^x",)

    @staticmethod
    def forward(ctx, x, *, alpha=1.0):
        ctx.save_for_backward(x)
        pos = x > 0
        ctx.pos, ctx.neg_alpha = _like(pos, x), _like(~pos * alpha, x)
        return _scalar(np.where(pos, x, np.expm1(np.minimum(x, 0)) * alpha))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values  # e^min(x, 0): never overflows on the branch that is not taken
        return grad * (ctx.pos + Exp.apply(Clamp.apply(x, max=0.0)) * ctx.neg_alpha)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Erf(Function):
    """z = erf(x) = (2/sqrt(pi)) integral_0^x e^(-t^2) dt."""

    derivative = ("dz/dx = (2/sqrt(pi)) e^(-x^2)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * Exp.apply(-(x * x)) * (2 / math.sqrt(math.pi))
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class GELU(Function):
    """z = x Phi(x), Phi the standard normal CDF; approximate='tanh':
    z = x/2 (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi)."""

    derivative = ("dz/dx = Phi(x) + x phi(x)   (tanh: 1/2 (1+t) + x/2 (1-t^2) k (1 + 3*0.044715 x^2))",)

    @staticmethod
    def forward(ctx, x, *, approximate="none"):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(_TANH_K * (x + 0.044715 * (x * x * x))))
        return x * 0.5 * (1 + erf(x * _SQRT1_2))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        if ctx.approximate == "tanh":
            t = Tanh.apply((x + x * x * x * 0.044715) * _TANH_K)  # in PyTorch's order of rounding:
            return grad * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * ((x * x * (3 * 0.044715) + 1) * _TANH_K))
        cdf = (Erf.apply(x * _SQRT1_2) + 1) * 0.5
        return grad * (cdf + x * Exp.apply(x * x * -0.5) * _INV_SQRT_2PI)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class SiLU(Function):
    """z = x sigmoid(x) (also called swish)."""

    derivative = ("dz/dx = s (1 + x (1 - s)),  s = sigmoid(x)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * Sigmoid.apply(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        s = Sigmoid.apply(x)
        return grad * s * (1 + x * (1 - s))
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Softplus(Function):
    """z = log(1 + e^(beta x)) / beta, and z = x where beta x > threshold (PyTorch's switch)."""

    derivative = ("dz/dx = sigmoid(beta x)   (1 where beta x > threshold)",)

    @staticmethod
    def forward(ctx, x, *, beta=1.0, threshold=20.0):
        ctx.save_for_backward(x)
        ctx.beta, above = beta, x * beta > threshold
        ctx.above, ctx.below = _like(above, x), _like(~above, x)
        return _scalar(np.where(above, x, np.logaddexp(0, x * beta) / beta))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * (ctx.above + Sigmoid.apply(x * ctx.beta) * ctx.below)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Softmax(Function):
    """z_i = e^(x_i) / sum_j e^(x_j) along dim (computed as e^(x_i - max) / sum e^(x_j - max))."""

    derivative = ("dz_i/dx_j = z_i (delta_ij - z_j)   (sends z * (g - sum(g z)) back)",)

    @staticmethod
    def forward(ctx, x, *, dim):
        ctx.axis = axis = _dim(x, dim)
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        out = _scalar(e / e.sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_values
        return z * (grad - (grad * z).sum(axis=ctx.axis, keepdims=True))
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class LogSoftmax(Function):
    """z_i = x_i - log sum_j e^(x_j) along dim (with the max subtracted first, for stability)."""

    derivative = ("dz_i/dx_j = delta_ij - softmax(x)_j   (sends g - e^z sum(g) back)",)

    @staticmethod
    def forward(ctx, x, *, dim):
        ctx.axis = axis = _dim(x, dim)
        shifted = x - np.max(x, axis=axis, keepdims=True)
        out = _scalar(shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_values
        return grad - Exp.apply(z) * grad.sum(axis=ctx.axis, keepdims=True)
    jvp = staticmethod(lambda ctx, t: t - (Exp.apply(ctx.saved_values[0]) * t).sum(ctx.axis, keepdims=True))


class LogSumExp(Function):
    """z = log sum_i e^(x_i) over dim, computed as m + log sum e^(x_i - m), m the max."""

    derivative = ("dz/dx_i = e^(x_i - z) = softmax(x)_i",)

    @staticmethod
    def forward(ctx, x, *, dim, keepdim=False):
        axes = _dims(x, dim)
        kept = _logsumexp_kept(x, axes)
        ctx.kept = kept.shape
        out = _scalar(kept if keepdim else kept.reshape(
            tuple(s for i, s in enumerate(np.shape(x)) if axes is not None and i not in axes)))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, z = ctx.saved_values
        return grad.reshape(ctx.kept) * Exp.apply(x - z.reshape(ctx.kept))

    @staticmethod
    def jvp(ctx, t):  # sum of softmax(x) * t over the reduced axes (those of size 1 in kept)
        x, z = ctx.saved_values
        axes = tuple(i for i, k in enumerate(ctx.kept) if k == 1)
        w = Exp.apply(x - z.reshape(ctx.kept)) * t
        return (w.sum(axes, keepdim=True) if axes else w).reshape(z.shape)
