"""Elementwise ops. Each class: docstring with the local derivative, then forward and backward.

Binary ops broadcast; their backward hands each input ``unbroadcast(grad * local, x.shape)``.
Backwards use only operators and other ops, so they work on numpy arrays (ordinary backward) and
on Values (``create_graph=True``): every op here is twice differentiable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, unbroadcast


def _shape(x: Any) -> tuple[int, ...]:
    return getattr(x, "shape", ())


def _scalar(a: Any) -> Any:
    """numpy returns 0-d arrays from some functions; Values hold 0-d data as numpy scalars."""
    return a[()] if type(a) is np.ndarray and not a.shape else a


class Add(Function):
    """z = a + b."""

    derivative = ('dz/da = 1', 'dz/db = 1')

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return a + b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad, sa) if na else None, unbroadcast(grad, sb) if nb else None)


class Sub(Function):
    """z = a - b."""

    derivative = ('dz/da = 1', 'dz/db = -1')

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return a - b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad, sa) if na else None, unbroadcast(-grad, sb) if nb else None)


class Mul(Function):
    """z = a * b."""

    derivative = ('dz/da = b', 'dz/db = a')

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad * b, _shape(a)) if na else None,
            unbroadcast(grad * a, _shape(b)) if nb else None,
        )


class Div(Function):
    """z = a / b."""

    derivative = ('dz/da = 1/b', 'dz/db = -a/b^2')

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, _shape(a)) if na else None,
            unbroadcast(-grad * a / (b * b), _shape(b)) if nb else None,
        )


class Neg(Function):
    """z = -x."""

    derivative = ('dz/dx = -1',)

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """z = a ** b, elementwise. ``a ** 2`` is computed as ``a * a``: faster, what numpy arrays
    do, and rounded as the blog posts' printed numbers (see docs/pytorch-differences.md)."""

    derivative = ("dz/da = b * a^(b-1)", "dz/db = a^b * ln(a)   (ln(a) taken as 0 where a <= 0)")

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * a if (type(b) is int or type(b) is float) and b == 2 else a**b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        square = (type(b) is int or type(b) is float) and b == 2
        ga = None if not na else grad * 2 * a if square else unbroadcast(
            grad * b * Pow.apply(a, b - 1), _shape(a))
        if not nb:
            return ga, None
        positive = np.asarray(a > 0)
        safe_a = a if positive.all() else Where.apply(a, 1.0, cond=positive)
        return ga, unbroadcast(grad * Pow.apply(a, b) * Log.apply(safe_a), _shape(b))


class Exp(Function):
    """z = e^x."""

    derivative = ('dz/dx = e^x = z',)

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_values
        return grad * out


class Log(Function):
    """z = ln(x)."""

    derivative = ('dz/dx = 1/x',)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / x


class Sqrt(Function):
    """z = sqrt(x)."""

    derivative = ('dz/dx = 1 / (2 sqrt(x)) = 1 / (2z)',)

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_values
        return grad / (2 * out)


class Abs(Function):
    """z = |x|."""

    derivative = ('dz/dx = sign(x)   (0 at x = 0, as in PyTorch)',)

    @staticmethod
    def forward(ctx, x):
        ctx.sign = np.sign(x)  # piecewise constant: a constant for higher-order gradients
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.sign


class Tanh(Function):
    """z = tanh(x)."""

    derivative = ('dz/dx = 1 - tanh(x)^2 = 1 - z^2',)

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_values
        return grad * (1 - out * out)


class Sigmoid(Function):
    """z = 1 / (1 + e^-x).

    Forward never exponentiates a positive number, so it is stable for large |x|.
    """

    derivative = ('dz/dx = z (1 - z)',)

    @staticmethod
    def forward(ctx, x):
        e = np.exp(-np.abs(x))
        out = _scalar(np.where(np.asarray(x) >= 0, 1 / (1 + e), e / (1 + e)))
        if hasattr(x, "dtype") and out.dtype != x.dtype and x.dtype.kind == "f":
            out = out.astype(x.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_values
        return grad * out * (1 - out)


class ReLU(Function):
    """z = max(x, 0)."""

    derivative = ('dz/dx = 1 if x > 0 else 0   (0 at the kink x = 0, as in PyTorch)',)

    @staticmethod
    def forward(ctx, x):
        ctx.mask = x > 0
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.mask


class Clamp(Function):
    """z = min(max(x, lo), hi)."""

    derivative = ("dz/dx = 1 if lo <= x <= hi else 0   (PyTorch's convention)",)

    @staticmethod
    def forward(ctx, x, *, min=None, max=None):
        mask = np.ones_like(x, dtype=bool)
        if min is not None:
            mask = mask & (x >= min)
        if max is not None:
            mask = mask & (x <= max)
        ctx.mask = _scalar(mask)
        return _scalar(np.clip(x, min, max))

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.mask


class Sin(Function):
    """z = sin(x)."""

    derivative = ('dz/dx = cos(x)',)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * Cos.apply(x)


class Cos(Function):
    """z = cos(x)."""

    derivative = ('dz/dx = -sin(x)',)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return -grad * Sin.apply(x)


class Where(Function):
    """z = a where cond else b."""

    derivative = ('dz/da = cond', 'dz/db = not cond   (cond is not differentiable)')

    @staticmethod
    def forward(ctx, a, b, *, cond):
        cond = np.asarray(cond, dtype=bool)
        ctx.cond = cond
        ctx.shapes = (_shape(a), _shape(b))
        return _scalar(np.where(cond, a, b))

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        c = ctx.cond
        return (
            unbroadcast(grad * c, sa) if na else None,
            unbroadcast(grad * ~c, sb) if nb else None,
        )
