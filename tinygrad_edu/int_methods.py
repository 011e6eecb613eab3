"""Floor 3: PyTorch's Tensor methods for integer and bool arithmetic (``//``, ``%``, bitwise and
logical operators, ``gcd``), ``divide`` with its rounding modes and the arithmetic aliases
(``multiply``, ``greater``...).

A mixin under :class:`~tinygrad_edu.math_methods.MathMethods`, which adds the float maths. Integer,
bitwise and logical results have no graph; a float quotient rounded by ``rounding_mode`` has a zero
gradient, as in PyTorch. Bad dtypes are refused with PyTorch's errors (``"bitwise_and_cpu" not
implemented for 'Float'``, integer division by zero, an in-place result the dtype cannot hold).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import get_default_dtype
from .ops import Div, Sub, Where
from .ops.elementwise2 import Mod
from .state import GraphValue

if TYPE_CHECKING:
    from .value import Value

__all__ = ["IntMethods", "torch_type_name", "raw", "check_kinds"]

_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


_BOOL_SUB2 = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
              "`logical_xor()` operator instead.")
_BOOL_SUB = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
             "invert a mask, use the `~` or `logical_not()` operator instead.")


def torch_type_name(dtype: Any) -> str:
    """PyTorch's short name of a dtype in its messages (``Float``, ``Long``, ``Bool``...)."""
    return _NAMES.get(str(np.dtype(dtype)), str(dtype))


def raw(x: Any) -> Any:
    """The numbers of a Value; anything else as it is."""
    return x._data if isinstance(x, GraphValue) else x


def check_kinds(name: str, kinds: str, *xs: Any) -> np.dtype:
    """The promoted dtype of ``xs``, refused as PyTorch refuses it when its kind is not in
    ``kinds`` ("b" bool, "i"/"u" integer, "f" float)."""
    dtype = np.result_type(*(raw(x) for x in xs))
    if dtype.kind not in kinds:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{torch_type_name(dtype)}\'')
    return dtype


def _check_zero(divisor: Any) -> None:
    """Integer division by zero raises, as in PyTorch (numpy would warn and give 0)."""
    if np.any(np.asarray(raw(divisor)) == 0):
        raise RuntimeError("ZeroDivisionError")


class IntMethods:
    """Mixin: integer and bool arithmetic, rounding division, arithmetic aliases."""

    __slots__ = ()
    _data: Any
    _rg: bool

    def _flat(self, data: Any) -> Value:
        """``data`` (computed from this value's numbers) as a result with a zero gradient (the
        rounding functions): a Where that takes none of this value. No graph when none is needed."""
        data = np.asarray(data, dtype=self._data.dtype)
        return Where.apply(self, data, cond=False) if self._rg else self._from_op(data, None)

    def _plain(self, data: Any) -> Value:
        return self._from_op(data, None)

    def _lift(self, other: Any) -> Value:
        """``other`` as a Value, a Python number taking the dtype PyTorch would promote to."""
        if isinstance(other, GraphValue):
            return other  # type: ignore[return-value]
        dtype = np.result_type(self._data, other)
        if dtype.kind == "f" and self._data.dtype.kind != "f":
            dtype = get_default_dtype()  # integer data and a Python float: PyTorch's default float
        return self._from_op(np.asarray(other, dtype=dtype), None)

    def _common(self, other: Any, true_division: bool = False) -> tuple[Any, Any]:
        """(self, other) cast so that numpy computes in the dtype PyTorch promotes to: the float
        side's dtype when the other side is integer data; the default float dtype for integer
        data and a Python float (and, for true division, for integer data on both sides)."""
        a_float = self._data.dtype.kind == "f"
        if isinstance(other, GraphValue):
            b_float = other._data.dtype.kind == "f"
            if a_float != b_float:
                return (self, other.to(self.dtype)) if a_float else (self.to(other.dtype), other)
            if true_division and not a_float:
                return self.to(get_default_dtype()), other.to(get_default_dtype())
        elif not a_float and (isinstance(other, float) or true_division):
            return self.to(get_default_dtype()), other
        return self, other

    # ------------------------------------------------------------------ aliases
    def positive(self) -> Value:
        if self._data.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self  # type: ignore[return-value]

    def negative(self) -> Value:
        return self.neg()  # type: ignore[attr-defined]

    def absolute(self) -> Value:
        return self.abs()  # type: ignore[attr-defined]

    def multiply(self, other: Any) -> Value:
        return self.mul(other)  # type: ignore[attr-defined]

    def subtract(self, other: Any, *, alpha: Any = 1) -> Value:
        """self - alpha * other; refused with a bool operand, as PyTorch refuses it."""
        bools = (self._data.dtype.kind == "b") + (np.result_type(raw(other)).kind == "b")
        if bools:
            raise RuntimeError(_BOOL_SUB2 if bools == 2 else _BOOL_SUB)
        return Sub.apply(self, other if alpha == 1 else other * alpha)

    def true_divide(self, other: Any) -> Value:
        return Div.apply(*self._common(other, true_division=True))

    def divide(self, other: Any, *, rounding_mode: str | None = None) -> Value:
        """self / other; ``rounding_mode`` "trunc" or "floor" rounds the quotient (integer
        inputs then stay integer; the gradient is zero)."""
        if rounding_mode is None:
            return self.true_divide(other)
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                               f"found '{rounding_mode}'")
        a, b = self._data, raw(other)
        if check_kinds(f"div_{rounding_mode}", "iuf", self, other).kind != "f":
            _check_zero(b)
            q = np.floor_divide(a, b)
            return self._plain(q + ((q < 0) & (q * b != a)) if rounding_mode == "trunc" else q)
        x, other = self._common(other)
        a, b = x._data, raw(other)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.floor_divide(a, b) if rounding_mode == "floor" else np.trunc(np.true_divide(a, b))
        return (x if x._data.dtype == q.dtype else x.to(q.dtype))._flat(q)

    def greater(self, other: Any) -> Value:
        return self.gt(other)  # type: ignore[attr-defined]

    def greater_equal(self, other: Any) -> Value:
        return self.ge(other)  # type: ignore[attr-defined]

    def less(self, other: Any) -> Value:
        return self.lt(other)  # type: ignore[attr-defined]

    def less_equal(self, other: Any) -> Value:
        return self.le(other)  # type: ignore[attr-defined]

    def not_equal(self, other: Any) -> Value:
        return self.ne(other)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ integer division, remainders
    def floor_divide(self, other: Any) -> Value:
        """self // other, rounded towards -inf (integers stay integer)."""
        return self.divide(other, rounding_mode="floor")

    def _mod(self, other: Any, name: str, floor: bool) -> Value:
        if check_kinds(name, "iuf", self, other).kind != "f":
            _check_zero(other)
            return self._plain((np.remainder if floor else np.fmod)(self._data, raw(other)))
        return Mod.apply(*self._common(other), floor=floor)

    def remainder(self, other: Any) -> Value:
        """self - other * floor(self / other): Python's %, with the sign of other."""
        return self._mod(other, "remainder", True)

    def fmod(self, other: Any) -> Value:
        """self - other * trunc(self / other): C's fmod, with the sign of self."""
        return self._mod(other, "fmod", False)

    def gcd(self, other: Any) -> Value:
        check_kinds("gcd", "iu", self, other)
        return self._plain(np.gcd(self._data, raw(other)))

    def lcm(self, other: Any) -> Value:
        check_kinds("lcm", "iu", self, other)
        return self._plain(np.lcm(self._data, raw(other)))

    # ------------------------------------------------------------------ bitwise and logical
    def _bits(self, other: Any, ufunc: Any, name: str) -> Value:
        check_kinds(name, "biu", self, other)
        return self._plain(ufunc(self._data, raw(other)))

    def bitwise_and(self, other: Any) -> Value:
        return self._bits(other, np.bitwise_and, "bitwise_and")

    def bitwise_or(self, other: Any) -> Value:
        return self._bits(other, np.bitwise_or, "bitwise_or")

    def bitwise_xor(self, other: Any) -> Value:
        return self._bits(other, np.bitwise_xor, "bitwise_xor")

    def bitwise_left_shift(self, other: Any) -> Value:
        return self._bits(other, np.left_shift, "lshift")

    def bitwise_right_shift(self, other: Any) -> Value:
        return self._bits(other, np.right_shift, "rshift")

    def bitwise_not(self) -> Value:
        check_kinds("bitwise_not", "biu", self)
        return self._plain(np.invert(self._data))

    def logical_and(self, other: Any) -> Value:
        return self._plain(np.logical_and(self._data, raw(other)))

    def logical_or(self, other: Any) -> Value:
        return self._plain(np.logical_or(self._data, raw(other)))

    def logical_xor(self, other: Any) -> Value:
        return self._plain(np.logical_xor(self._data, raw(other)))

    def logical_not(self) -> Value:
        return self._plain(np.logical_not(self._data))

    # ------------------------------------------------------------------ operators
    def _iop(self, method: Any, other: Any) -> Value:
        """``x op= y`` by the in-place rule, refused as PyTorch refuses a result that x's dtype
        cannot hold (an integer x and a float result)."""
        result = np.result_type(self._data, raw(other))
        if not np.can_cast(result, self._data.dtype, "same_kind"):
            raise RuntimeError(f"result type {torch_type_name(result)} can't be cast to the desired "
                               f"output type {torch_type_name(self._data.dtype)}")
        return self._assign(method, other)  # type: ignore[attr-defined]

    def __invert__(self) -> Value:
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return self.bitwise_not()

    def __floordiv__(self, other: Any) -> Value:
        return self.floor_divide(other)

    def __rfloordiv__(self, other: Any) -> Value:
        return self._lift(other).floor_divide(self)

    def __ifloordiv__(self, other: Any) -> Value:
        return self._iop(IntMethods.floor_divide, other)

    def __mod__(self, other: Any) -> Value:
        return self.remainder(other)

    def __rmod__(self, other: Any) -> Value:
        return self._lift(other).remainder(self)

    def __imod__(self, other: Any) -> Value:
        return self._iop(IntMethods.remainder, other)

    def __and__(self, other: Any) -> Value:
        return self.bitwise_and(other)

    def __rand__(self, other: Any) -> Value:
        return self._lift(other).bitwise_and(self)

    def __iand__(self, other: Any) -> Value:
        return self._iop(IntMethods.bitwise_and, other)

    def __or__(self, other: Any) -> Value:
        return self.bitwise_or(other)

    def __ror__(self, other: Any) -> Value:
        return self._lift(other).bitwise_or(self)

    def __ior__(self, other: Any) -> Value:
        return self._iop(IntMethods.bitwise_or, other)

    def __xor__(self, other: Any) -> Value:
        return self.bitwise_xor(other)

    def __rxor__(self, other: Any) -> Value:
        return self._lift(other).bitwise_xor(self)

    def __ixor__(self, other: Any) -> Value:
        return self._iop(IntMethods.bitwise_xor, other)

    def __lshift__(self, other: Any) -> Value:
        return self.bitwise_left_shift(other)

    def __rlshift__(self, other: Any) -> Value:
        return self._lift(other).bitwise_left_shift(self)

    def __ilshift__(self, other: Any) -> Value:
        return self._iop(IntMethods.bitwise_left_shift, other)

    def __rshift__(self, other: Any) -> Value:
        return self.bitwise_right_shift(other)

    def __rrshift__(self, other: Any) -> Value:
        return self._lift(other).bitwise_right_shift(self)

    def __irshift__(self, other: Any) -> Value:
        return self._iop(IntMethods.bitwise_right_shift, other)
