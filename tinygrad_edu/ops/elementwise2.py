"""More elementwise ops: those that composition would compute badly. Each class: docstring,
derivative, forward and backward.

``tan`` as ``sin/cos`` loses the last digits, ``log1p(x)`` as ``log(1 + x)`` all of them for small
x, ``asinh`` by its log formula cancels for negative x, ``hypot`` as ``sqrt(a^2 + b^2)`` overflows,
``logaddexp`` by the max trick gives nan for two infinities. So numpy's function does the forward,
and the backward is written with operators and ops (twice differentiable, as in elementwise.py).
Everything else in ``math_methods.py`` is composed from ops.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, unbroadcast
from .elementwise import Exp, Sqrt
from .tangents import plus, times

__all__ = ["Tan", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Log1p",
           "Expm1", "LogBase", "Erfc", "Hypot", "LogAddExp", "Mod"]

_ERFC = np.frompyfunc(math.erfc, 1, 1)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _shape(x: Any) -> tuple[int, ...]:
    return getattr(x, "shape", ())


class Tan(Function):
    """z = tan(x)."""

    derivative = ("dz/dx = 1 + tan(x)^2 = 1 + z^2",)

    @staticmethod
    def forward(ctx, x):
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_values
        return grad * (1 + out * out)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Asin(Function):
    """z = asin(x), for -1 <= x <= 1."""

    derivative = ("dz/dx = 1 / sqrt(1 - x^2)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / Sqrt.apply(1 - x * x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Acos(Function):
    """z = acos(x), for -1 <= x <= 1."""

    derivative = ("dz/dx = -1 / sqrt(1 - x^2)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return -grad / Sqrt.apply(1 - x * x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Atan(Function):
    """z = atan(x)."""

    derivative = ("dz/dx = 1 / (1 + x^2)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / (1 + x * x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Atan2(Function):
    """z = atan2(a, b): the angle of the point (b, a), in (-pi, pi]."""

    derivative = ("dz/da = b / (a^2 + b^2)", "dz/db = -a / (a^2 + b^2)")

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        g = grad / (a * a + b * b)
        return (unbroadcast(g * b, _shape(a)) if na else None, unbroadcast(-g * a, _shape(b)) if nb else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.saved_values
        return plus(times(ta, b), times(tb, -a)) / (a * a + b * b)


class Sinh(Function):
    """z = sinh(x) = (e^x - e^-x) / 2."""

    derivative = ("dz/dx = cosh(x)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * Cosh.apply(x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Cosh(Function):
    """z = cosh(x) = (e^x + e^-x) / 2."""

    derivative = ("dz/dx = sinh(x)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * Sinh.apply(x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Asinh(Function):
    """z = asinh(x)."""

    derivative = ("dz/dx = 1 / sqrt(x^2 + 1)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / Sqrt.apply(x * x + 1)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Acosh(Function):
    """z = acosh(x), for x >= 1."""

    derivative = ("dz/dx = 1 / sqrt((x - 1)(x + 1))",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / Sqrt.apply((x - 1) * (x + 1))
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Atanh(Function):
    """z = atanh(x), for -1 < x < 1."""

    derivative = ("dz/dx = 1 / (1 - x^2)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / (1 - x * x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Log1p(Function):
    """z = ln(1 + x), exact for small x (``log(1 + x)`` would round 1 + x first)."""

    derivative = ("dz/dx = 1 / (1 + x)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / (1 + x)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Expm1(Function):
    """z = e^x - 1, exact for small x."""

    derivative = ("dz/dx = e^x = z + 1",)

    @staticmethod
    def forward(ctx, x):
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_values
        return grad * (out + 1)
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class LogBase(Function):
    """z = log_base(x), base 2 or 10 (numpy's log2/log10: exact at powers of the base)."""

    derivative = ("dz/dx = 1 / (x ln(base))",)

    @staticmethod
    def forward(ctx, x, *, base):
        ctx.save_for_backward(x)
        ctx.k = 1 / math.log(base)
        return np.log2(x) if base == 2 else np.log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * ctx.k / x
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Erfc(Function):
    """z = erfc(x) = 1 - erf(x), without the cancellation for large x."""

    derivative = ("dz/dx = -(2/sqrt(pi)) e^(-x^2)",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        a = np.asarray(x)
        out = np.asarray(_ERFC(a), dtype=np.float64).astype(a.dtype)
        return out[()] if not out.shape else out

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * Exp.apply(-(x * x)) * -_TWO_OVER_SQRT_PI
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


class Hypot(Function):
    """z = sqrt(a^2 + b^2), without overflow in the squares."""

    derivative = ("dz/da = a / z", "dz/db = b / z")

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_values
        na, nb = ctx.needs_input_grad
        g = grad / out
        return (unbroadcast(g * a, _shape(a)) if na else None, unbroadcast(g * b, _shape(b)) if nb else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b, out = ctx.saved_values
        return plus(times(ta, a), times(tb, b)) / out


class LogAddExp(Function):
    """z = log(e^a + e^b) (``base=2``: log2(2^a + 2^b)), stable for large and infinite inputs."""

    derivative = ("dz/da = e^(a - z)   (base 2: 2^(a - z))", "dz/db = e^(b - z)   (base 2: 2^(b - z))")

    @staticmethod
    def forward(ctx, a, b, *, base=None):
        out = np.logaddexp2(a, b) if base == 2 else np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        ctx.k = math.log(2) if base == 2 else 1.0
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_values
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad * Exp.apply((a - out) * ctx.k), _shape(a)) if na else None,
                unbroadcast(grad * Exp.apply((b - out) * ctx.k), _shape(b)) if nb else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b, out = ctx.saved_values
        return plus(times(ta, Exp.apply((a - out) * ctx.k)), times(tb, Exp.apply((b - out) * ctx.k)))


class Mod(Function):
    """z = a - b q: the remainder of a / b, with q = floor(a / b) (``remainder``, Python's %, the
    sign of b) or q = trunc(a / b) (``fmod``, C's fmod, the sign of a)."""

    derivative = ("dz/da = 1", "dz/db = -q   (q is piecewise constant)")

    @staticmethod
    def forward(ctx, a, b, *, floor=True):
        ctx.shapes = (_shape(a), _shape(b))
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.needs_input_grad[1]:
                ctx.q = np.floor_divide(a, b) if floor else np.trunc(np.true_divide(a, b))
            return np.remainder(a, b) if floor else np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad, sa) if na else None, unbroadcast(-grad * ctx.q, sb) if nb else None)
    jvp = staticmethod(lambda ctx, ta, tb: plus(ta, times(tb, -ctx.q)))
