"""Floor 3: PyTorch's Tensor methods for elementwise maths, integer and bool arithmetic.

A mixin of :class:`~tinygrad_edu.methods.Methods`: each method is a line or a few composing
existing ops, so gradients, higher order, version checks and explain come for free. Top-level twins
and in-place variants come from the rules in functions.py.

Conventions, as in PyTorch: integer and bool inputs of float functions (``sin``, ``erf``...) are
first cast to the default dtype; rounding functions (``floor``, ``round``, ``sign``...) have a zero
gradient (a ``Where`` that takes none of its differentiable branch); comparisons, tests such as
``isnan``, and integer and bitwise arithmetic return values with no graph.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import get_default_dtype
from .int_methods import IntMethods, check_kinds, raw, torch_type_name
from .ops import Erf, Maximum, Minimum, Pow, Where
from .ops.elementwise2 import (
    Acos,
    Acosh,
    Asin,
    Asinh,
    Atan,
    Atan2,
    Atanh,
    Cosh,
    Erfc,
    Expm1,
    Hypot,
    Log1p,
    LogAddExp,
    LogBase,
    Sinh,
    Tan,
)
from .state import GraphValue

if TYPE_CHECKING:
    from .value import Value

__all__ = ["MathMethods", "FrexpResult"]

FrexpResult = namedtuple("FrexpResult", ["mantissa", "exponent"])


def _fl(x: Any) -> Any:
    """A Value of integer or bool dtype cast to the default float dtype (PyTorch's rule for float
    functions); float Values and Python numbers as they are."""
    if isinstance(x, GraphValue) and x._data.dtype.kind != "f":
        return x.to(get_default_dtype())
    return x


class MathMethods(IntMethods):
    """Mixin: elementwise float maths (integer and bool arithmetic come from IntMethods)."""

    __slots__ = ()
    _data: Any
    _rg: bool

    def _pair(self, other: Any) -> tuple[Any, Any]:
        """self and other cast as PyTorch promotes them (``_common``), integers then to the
        default float dtype: the inputs of a binary float function."""
        x, y = self._common(other)  # type: ignore[attr-defined]
        return _fl(x), _fl(y)

    # ------------------------------------------------------------------ trigonometry, hyperbolic
    def tan(self) -> Value:
        return Tan.apply(_fl(self))

    def asin(self) -> Value:
        return Asin.apply(_fl(self))

    def acos(self) -> Value:
        return Acos.apply(_fl(self))

    def atan(self) -> Value:
        return Atan.apply(_fl(self))

    def atan2(self, other: Any) -> Value:
        """The angle of the point (other, self), in (-pi, pi]."""
        return Atan2.apply(*self._pair(other))

    def sinh(self) -> Value:
        return Sinh.apply(_fl(self))

    def cosh(self) -> Value:
        return Cosh.apply(_fl(self))

    def asinh(self) -> Value:
        return Asinh.apply(_fl(self))

    def acosh(self) -> Value:
        return Acosh.apply(_fl(self))

    def atanh(self) -> Value:
        return Atanh.apply(_fl(self))

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def deg2rad(self) -> Value:
        return _fl(self) * 0.017453292519943295  # PyTorch's M_PI / 180

    def rad2deg(self) -> Value:
        return _fl(self) * 57.29577951308232  # 180 / M_PI

    def sinc(self) -> Value:
        """sin(pi x) / (pi x), and 1 at x = 0 (with gradient 0 there: x = 0 is swapped for 1
        inside, so no 0/0 reaches the gradient)."""
        x = _fl(self)
        zero = x._data == 0
        px = Where.apply(1.0, x, cond=zero) * math.pi if zero.any() else x * math.pi
        return Where.apply(1.0, px.sin() / px, cond=zero) if zero.any() else px.sin() / px

    # ------------------------------------------------------------------ exponentials, logarithms
    def log2(self) -> Value:
        return LogBase.apply(_fl(self), base=2)

    def log10(self) -> Value:
        return LogBase.apply(_fl(self), base=10)

    def log1p(self) -> Value:
        return Log1p.apply(_fl(self))

    def expm1(self) -> Value:
        return Expm1.apply(_fl(self))

    def exp2(self) -> Value:
        return Pow.apply(2.0, _fl(self))

    def erf(self) -> Value:
        return Erf.apply(_fl(self))

    def erfc(self) -> Value:
        return Erfc.apply(_fl(self))

    def logit(self, eps: float | None = None) -> Value:
        """log(x / (1 - x)); with ``eps``, x is clamped to [eps, 1 - eps] first."""
        x = _fl(self)
        if eps is not None:
            x = x.clamp(eps, 1 - eps)
        return (x / (1 - x)).log()

    def xlogy(self, other: Any) -> Value:
        """x * log(y), and 0 where x == 0 (unless y is nan). Where x == 0 and y <= 0, y is
        swapped for 1 inside, so the value is 0 and x's gradient 0 there, as PyTorch's."""
        x, y = self._pair(self._lift(other))
        zero = (x._data == 0) & (y._data <= 0)
        return x * (Where.apply(1.0, y, cond=zero) if zero.any() else y).log()

    def logaddexp(self, other: Any) -> Value:
        """log(e^self + e^other), stable for large and infinite inputs."""
        check_kinds("logaddexp", "f", self, other)
        return LogAddExp.apply(*self._common(other))

    def logaddexp2(self, other: Any) -> Value:
        """log2(2^self + 2^other)."""
        check_kinds("logaddexp2", "f", self, other)
        return LogAddExp.apply(*self._common(other), base=2)

    def float_power(self, exponent: Any) -> Value:
        """self ** exponent in float64, whatever the dtypes."""
        e = exponent.to(np.float64) if isinstance(exponent, GraphValue) else exponent
        return Pow.apply(self.to(np.float64), e)  # type: ignore[attr-defined]

    def float_power_(self, exponent: Any) -> Value:
        """In-place :meth:`float_power`: only a float64 value can hold its result."""
        if self._data.dtype != np.float64:
            name = torch_type_name(self._data.dtype)
            raise RuntimeError(f"the base given to float_power_ has dtype {name} but the operation's "
                               f"result requires dtype Double")
        return self._assign(MathMethods.float_power, exponent)  # type: ignore[attr-defined]

    def ldexp(self, other: Any) -> Value:
        """self * 2 ** other."""
        x = _fl(self)
        e = other.to(x.dtype) if isinstance(other, GraphValue) and other.dtype.kind != "f" else other
        return x * Pow.apply(2.0, e)

    def reciprocal(self) -> Value:
        return 1 / _fl(self)

    def rsqrt(self) -> Value:
        return 1 / _fl(self).sqrt()

    def hypot(self, other: Any) -> Value:
        """sqrt(self^2 + other^2), without overflow in the squares."""
        check_kinds("hypot", "f", self, other)
        return Hypot.apply(*self._common(other))

    # ------------------------------------------------------------------ rounding (zero gradient)
    def _round_with(self, name: str, fn: Any) -> Value:
        if self._data.dtype.kind == "b":
            raise NotImplementedError(f'"{name}_vml_cpu" not implemented for \'Bool\'')
        return self._flat(fn(self._data)) if self._data.dtype.kind == "f" else self.clone()

    def floor(self) -> Value:
        return self._round_with("floor", np.floor)

    def ceil(self) -> Value:
        return self._round_with("ceil", np.ceil)

    def trunc(self) -> Value:
        return self._round_with("trunc", np.trunc)

    fix = trunc

    def round(self, decimals: int = 0) -> Value:
        """Round half to even, at ``decimals`` digits after the point (before it if negative)."""
        if decimals and self._data.dtype.kind != "f":
            raise NotImplementedError(f'"round_cpu" not implemented for \'{torch_type_name(self.dtype)}\'')
        return self._round_with("round", lambda a: np.round(a, decimals))

    def frac(self) -> Value:
        """self - trunc(self): gradient 1."""
        check_kinds("frac", "f", self)
        return self - self.trunc()

    def sign(self) -> Value:
        """-1, 0 or 1 (0 for nan, as in PyTorch); bool stays bool."""
        a = self._data
        if a.dtype.kind == "b":
            return self.clone()
        return self._flat((a > 0).astype(a.dtype) - (a < 0).astype(a.dtype))

    def signbit(self) -> Value:
        return self._plain(np.signbit(self._data))

    # ------------------------------------------------------------------ tests and repairs
    def isnan(self) -> Value:
        return self._plain(np.isnan(self._data))

    def isinf(self) -> Value:
        return self._plain(np.isinf(self._data))

    def isfinite(self) -> Value:
        return self._plain(np.isfinite(self._data))

    def isposinf(self) -> Value:
        return self._plain(np.isposinf(self._data))

    def isneginf(self) -> Value:
        return self._plain(np.isneginf(self._data))

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Value:
        """nan, +inf and -inf replaced (by 0 and the dtype's largest and smallest numbers by
        default); the gradient flows where the input was finite."""
        a = self._data
        if a.dtype.kind != "f":
            return self.clone()
        fixed = np.asarray(np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf))
        return Where.apply(self, fixed, cond=np.isfinite(a))

    def _clamp_by(self, bound: Any, keep: Any) -> Value:
        """clamp_min/clamp_max with a tensor bound: self where ``keep(self, bound)``, else the
        bound; nan where either is nan, with no gradient there (PyTorch's convention)."""
        x, m = self._common(bound)
        a, b = x._data, raw(m)
        out = Where.apply(x, m, cond=keep(a, b))
        nan = np.isnan(a) | np.isnan(b)
        return Where.apply(math.nan, out, cond=nan) if nan.any() else out

    def clamp_min(self, min: Any) -> Value:
        if isinstance(min, GraphValue):
            return self._clamp_by(min, np.greater_equal)
        return self.clamp(min=min)  # type: ignore[attr-defined]

    def clamp_max(self, max: Any) -> Value:
        if isinstance(max, GraphValue):
            return self._clamp_by(max, np.less_equal)
        return self.clamp(max=max)  # type: ignore[attr-defined]

    def frexp(self) -> Any:
        """(mantissa, exponent) with self = mantissa * 2^exponent, 0.5 <= |mantissa| < 1; the
        mantissa's gradient is 2^-exponent (0 where that overflows: subnormal inputs)."""
        if self._data.dtype.kind != "f":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        m, e = np.frexp(self._data)
        with np.errstate(over="ignore"):
            scale = np.ldexp(np.ones_like(m), -e)
        finite = np.isfinite(scale)
        scale = np.where(finite, scale, 0).astype(m.dtype)
        mantissa = Where.apply(self * scale, m, cond=finite) if self._rg else self._plain(m)
        return FrexpResult(mantissa, self._plain(e.astype(np.int32)))

    # ------------------------------------------------------------------ binary maths
    def maximum(self, other: Any) -> Value:
        """Elementwise max; nan where either is nan; ties share the gradient (as PyTorch)."""
        return Maximum.apply(self, other)

    def minimum(self, other: Any) -> Value:
        """Elementwise min; see :meth:`maximum`."""
        return Minimum.apply(self, other)

    def copysign(self, other: Any) -> Value:
        """|self| with the sign of other (its sign bit: -0.0 counts as negative)."""
        x = _fl(self)
        dtype = np.result_type(x._data, raw(other))
        dtype = dtype if dtype.kind == "f" else x.dtype
        sign = np.where(np.signbit(raw(other)), -1.0, 1.0).astype(dtype)
        if isinstance(other, GraphValue) and other._rg:  # other gets a zero gradient, as in PyTorch
            sign = Where.apply(other, sign, cond=False)
        return x.abs() * sign

    def fmax(self, other: Any) -> Value:
        """Elementwise max ignoring nan (nan only where both are); self's gradient where
        self >= other or other is nan, other's elsewhere (PyTorch's convention)."""
        x, y = self._common(other)
        a, b = x._data, raw(y)
        return Where.apply(x, y, cond=(a >= b) | np.isnan(b))

    def fmin(self, other: Any) -> Value:
        """Elementwise min ignoring nan; see :meth:`fmax`."""
        x, y = self._common(other)
        a, b = x._data, raw(y)
        return Where.apply(x, y, cond=(a <= b) | np.isnan(b))

    def heaviside(self, values: Any) -> Value:
        """0 where self < 0, 1 where self > 0, ``values`` where self == 0 (not differentiable)."""
        v = raw(values)
        if isinstance(values, GraphValue) and v.dtype != self._data.dtype:
            raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
        a = self._data
        return self._plain(np.where(a == 0, v, a > 0).astype(np.result_type(a, v)))

    def nextafter(self, other: Any) -> Value:
        """The next float after self towards other (gradient 1 for self, as PyTorch's)."""
        check_kinds("nextafter", "f", self, other)
        out = np.nextafter(self._data, raw(other))
        if not (self._rg or isinstance(other, GraphValue) and other._rg):
            return self._plain(out)
        with np.errstate(invalid="ignore", over="ignore"):
            delta = out - self._data  # exact: out and self are neighbours
        out = Where.apply(self + delta, out, cond=np.isfinite(delta))
        if isinstance(other, GraphValue) and other._rg:  # other gets a zero gradient, as in PyTorch
            out = out + Where.apply(other, 0.0, cond=False)
        return out

    def lerp(self, end: Any, weight: Any) -> Value:
        """self + weight (end - self), computed as PyTorch computes it (from end when
        |weight| >= 1/2)."""
        check_kinds("lerp_kernel_scalar", "f", self)
        if isinstance(end, GraphValue) and end.dtype != self._data.dtype:
            raise RuntimeError(f"expected dtype {self.dtype} for `end` but got dtype {end.dtype}")
        diff = end - self
        if not isinstance(weight, GraphValue):
            return self + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
        return Where.apply(self + weight * diff, end - diff * (1 - weight), cond=np.abs(weight._data) < 0.5)

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Value:
        """self + value * tensor1 * tensor2."""
        return self + (tensor1 * tensor2 if value == 1 else value * tensor1 * tensor2)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Value:
        """self + value * tensor1 / tensor2."""
        if np.result_type(raw(tensor1), raw(tensor2)).kind in "iub":
            raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future "
                               "release addcdiv will perform a true division of tensor1 and tensor2.")
        return self + (tensor1 / tensor2 if value == 1 else value * tensor1 / tensor2)
