"""Elementwise ops. Each class: docstring with the local derivative, then forward and backward.

Binary ops broadcast; their backward hands each input ``unbroadcast(grad * local, x.shape)``.
Backwards use only operators and other ops, so they work on numpy arrays (ordinary backward) and
on Values (``create_graph=True``): every op here is twice differentiable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, unbroadcast
from .tangents import plus, pow_tangent, times, zero


def _shape(x: Any) -> tuple[int, ...]:
    return getattr(x, "shape", ())


_BOOL_SUB2 = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
              "`logical_xor()` operator instead.")
_BOOL_NEG = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
             "a mask, use the `~` or `logical_not()` operator instead.")


def _is_bool(x: Any) -> bool:
    return type(x) is bool or getattr(x, "dtype", None) == np.bool_


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
    jvp = staticmethod(lambda ctx, ta, tb: plus(ta, tb))


class Sub(Function):
    """z = a - b."""

    derivative = ('dz/da = 1', 'dz/db = -1')

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        try:
            return a - b
        except TypeError:  # numpy refuses bool - bool; PyTorch raises RuntimeError
            if _is_bool(a) and _is_bool(b):
                raise RuntimeError(_BOOL_SUB2) from None
            raise

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad, sa) if na else None, unbroadcast(-grad, sb) if nb else None)
    jvp = staticmethod(lambda ctx, ta, tb: plus(ta, times(tb, -1)))


class Mul(Function):
    """z = a * b."""

    derivative = ('dz/da = b', 'dz/db = a')

    @staticmethod
    def forward(ctx, a, b):  # saves only what backward reads (y = x * 2; x += 1 stays valid)
        na, nb = ctx.needs_input_grad
        ctx.save_for_backward(a if nb else _shape(a), b if na else _shape(b))
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad * b, _shape(a) if nb else a) if na else None,
            unbroadcast(grad * a, _shape(b) if na else b) if nb else None,
        )
    jvp = staticmethod(lambda c, ta, tb: plus(times(ta, c.saved_values[1]), times(tb, c.saved_values[0])))


class Div(Function):
    """z = a / b."""

    derivative = ('dz/da = 1/b', 'dz/db = -a/b^2')

    @staticmethod
    def forward(ctx, a, b):  # a is read only for b's gradient (x = y / 2; y += 1 stays valid)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else _shape(a), b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, _shape(a) if nb else a) if na else None,
            unbroadcast(-grad * a / (b * b), _shape(b)) if nb else None,
        )

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.saved_values
        return plus(None if ta is None else ta / b, None if tb is None else -tb * a / (b * b))


class Neg(Function):
    """z = -x."""

    derivative = ('dz/dx = -1',)

    @staticmethod
    def forward(ctx, x):
        try:
            return -x
        except TypeError:  # numpy refuses -bool; PyTorch raises RuntimeError
            if _is_bool(x):
                raise RuntimeError(_BOOL_NEG) from None
            raise

    @staticmethod
    def backward(ctx, grad):
        return -grad
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


def _pow_base_grad(grad: Any, a: Any, b: Any) -> Any:
    """PyTorch's pow_backward: grad * b * a^(b-1), and exactly 0 where b == 0 (even at a = 0,
    where the formula gives 0 * 0^-1 = nan). Elsewhere the formula already gives 0 at b == 0;
    masking only where it would not keeps the second derivative d/db right there."""
    if type(b) is int or type(b) is float:  # a Python number: the common x ** 2 first
        if b == 2:
            return grad * 2 * a
        if b == 0:
            return Where.apply(grad, 0.0, cond=False)  # zeros, recorded under create_graph
        return grad * b * Pow.apply(a, b - 1)
    zero = np.asarray(b == 0) & (np.asarray(a == 0) | np.asarray(a != a))  # a != a: a is nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out = grad * b * Pow.apply(a, b - 1)
    return unbroadcast(Where.apply(0.0, out, cond=zero) if zero.any() else out, _shape(a))


def _pow_exponent_grad(grad: Any, a: Any, b: Any) -> Any:
    """PyTorch's pow_backward_exponent: grad * a^b * ln(a), and exactly 0 where a == 0 and
    b >= 0 (there 0^b is flat or 0 * -inf = nan). A negative base gives nan, as in PyTorch."""
    zero = np.logical_and(np.asarray(a == 0), np.asarray(b >= 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = grad * Pow.apply(a, b) * Log.apply(a)
    return unbroadcast(Where.apply(0.0, out, cond=zero) if zero.any() else out, _shape(b))


class Pow(Function):
    """z = a ** b, elementwise. ``a ** 2`` is computed as ``a * a``: faster, what numpy arrays
    do, and rounded as the blog posts' printed numbers (see docs/pytorch-differences.md)."""

    derivative = ("dz/da = b * a^(b-1)   (0 where b = 0, as in PyTorch)",
                  "dz/db = a^b * ln(a)   (0 where a = 0 and b >= 0; nan where a < 0)")

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * a if (type(b) is int or type(b) is float) and b == 2 else a**b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        na, nb = ctx.needs_input_grad
        return (_pow_base_grad(grad, a, b) if na else None,
                _pow_exponent_grad(grad, a, b) if nb else None)
    jvp = staticmethod(pow_tangent)


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = backward  # a diagonal Jacobian is its own transpose: J t = J^T t


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
    jvp = staticmethod(lambda ctx, ta, tb: Where.apply(zero(ta), zero(tb), cond=ctx.cond))


def _share(a: Any, b: Any, dtype: Any) -> Any:
    """a's share of the gradient of max(a, b): 1 where a > b or either is nan (nan reaches both,
    as in PyTorch), 1/2 where a == b, 0 where a < b. b's share is ``_share(b, a)``; for min(a, b)
    the shares swap."""
    return _scalar(np.where(np.equal(a, b), 0.5, np.where(np.less(a, b), 0.0, 1.0)).astype(dtype))


def _pick(ctx: Any, pick: Any, a: Any, b: Any) -> Any:
    """Forward of Maximum/Minimum: ``pick(a, b)``, saving each input's share of the gradient."""
    out = pick(a, b)
    dtype = out.dtype if out.dtype.kind == "f" else np.float64
    wa, wb = _share(a, b, dtype), _share(b, a, dtype)
    ctx.shapes, ctx.shares = (_shape(a), _shape(b)), ((wa, wb) if pick is np.maximum else (wb, wa))
    return out


def _shared_grads(ctx: Any, grad: Any) -> tuple:
    """Backward of Maximum/Minimum: the upstream gradient times each input's share."""
    (sa, sb), (wa, wb) = ctx.shapes, ctx.shares
    na, nb = ctx.needs_input_grad
    return (unbroadcast(grad * wa, sa) if na else None, unbroadcast(grad * wb, sb) if nb else None)


class Maximum(Function):
    """z = max(a, b), elementwise; nan where a or b is nan."""

    derivative = ("dz/da = 1 where a > b, 1/2 where a = b, 0 where a < b   (1 where either is nan)",
                  "dz/db = 1 where b > a, 1/2 where a = b, 0 where b < a   (1 where either is nan)")

    @staticmethod
    def forward(ctx, a, b):
        return _pick(ctx, np.maximum, a, b)

    @staticmethod
    def backward(ctx, grad):
        return _shared_grads(ctx, grad)
    jvp = staticmethod(lambda ctx, ta, tb: plus(times(ta, ctx.shares[0]), times(tb, ctx.shares[1])))


class Minimum(Function):
    """z = min(a, b), elementwise; nan where a or b is nan."""

    derivative = ("dz/da = 1 where a < b, 1/2 where a = b, 0 where a > b   (1 where either is nan)",
                  "dz/db = 1 where b < a, 1/2 where a = b, 0 where b > a   (1 where either is nan)")

    @staticmethod
    def forward(ctx, a, b):
        return _pick(ctx, np.minimum, a, b)

    @staticmethod
    def backward(ctx, grad):
        return _shared_grads(ctx, grad)
    jvp = staticmethod(lambda ctx, ta, tb: plus(times(ta, ctx.shares[0]), times(tb, ctx.shares[1])))
