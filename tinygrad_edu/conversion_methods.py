"""Floor 3: conversions and dtypes of PyTorch's method surface (``item``, ``numpy``, ``repr``,
``to``, ``float``...). :class:`~tinygrad_edu.methods.Methods` builds on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .device import Movable, parse_to_args
from .ops import Abs, Add, Cast, Cos, Div, Exp, Log, MatMul, Mul, Neg, Pow, Sin, Sqrt, Sub, Tanh
from .printing import tensor_repr
from .state import GraphValue
from .torch_types import dtype_of_type_name, type_name

if TYPE_CHECKING:
    from .value import Value

__all__ = ["ConversionMethods"]


class ConversionMethods(Movable):
    """Turning a value into Python numbers, numpy arrays, text and other dtypes."""

    __slots__ = ()
    _data: Any
    _rg: bool
    grad_fn: Any

    def __getstate__(self) -> Any:
        """Pickle the numbers and attributes, not the weak links between 0-d values that share a
        number (an unpickled value shares with no one)."""
        state = super().__getstate__()  # type: ignore[misc]  # (__dict__ or None, slots)
        if type(state) is tuple and state[0] and "_peers" in state[0]:
            state = ({k: v for k, v in state[0].items() if k != "_peers"}, state[1])
        return state

    # ------------------------------------------------------------------ conversion
    def item(self) -> Any:
        """The single number held, as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar "
                f"(shape {self.shape}); index one element first, e.g. x[0].item(), or use .tolist()"
            )
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self) -> Any:
        """The data as a numpy array (shares memory). Not allowed while it requires grad."""
        if self._rg:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return np.asarray(self._data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self._rg:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        arr = np.asarray(self._data)
        if dtype is not None and arr.dtype != dtype:
            return arr.astype(dtype)
        return arr.copy() if copy else arr

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous (shape {self.shape})"
            )
        return bool(self._data)

    def __format__(self, spec: str) -> str:
        """As PyTorch: a 0-d tensor formats as its number (``f"{loss:.4f}"``); any other formats
        only with an empty spec (as its ``str``), a spec raises TypeError."""
        if not self.shape and type(self).__name__ == "Value":
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __repr__(self) -> str:
        """PyTorch's printed form (see :mod:`tinygrad_edu.printing`), plus ``name=`` if named."""
        extra = [f"name={self.name!r}"] if self.name else []
        return tensor_repr(self._data, self.grad_fn, self._rg, extra)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ dtype
    def to(self, *args: Any, dtype: Any = None, device: Any = None, **ignored: Any) -> Value:
        """``x.to(float32)``, ``x.to('cpu')`` or ``x.to(device, dtype)``: a copy cast to the dtype
        (differentiable between float dtypes), or self when nothing changes."""
        dtype, device = parse_to_args(args, dtype, device)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if self._data.dtype == dtype:
            return self
        if self._rg and dtype.kind in "fc":
            return Cast.apply(self, dtype=dtype)
        return self._from_op(self._data.astype(dtype), None)

    def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
        """``x.type()``: PyTorch's type name (``'torch.FloatTensor'`` for float32...).
        ``x.type(dtype)``: cast, given a dtype, a name such as ``'torch.LongTensor'`` or a legacy
        constructor such as ``LongTensor``."""
        if dtype is None:
            return type_name(self._data.dtype)
        if isinstance(dtype, str) or getattr(dtype, "__name__", "").endswith("Tensor"):
            dtype = dtype_of_type_name(dtype if isinstance(dtype, str) else dtype.__name__)
        return self.to(dtype)

    def long(self) -> Value:
        return self.to(np.int64)

    def int(self) -> Value:
        return self.to(np.int32)

    def bool(self) -> Value:
        return self.to(np.bool_)

    def type_as(self, other: Value) -> Value:
        return self.to(other.dtype)

    def clone(self) -> Value:
        return Add.apply(self, 0) if self._rg else self._from_op(np.array(self._data, copy=True), None)

    def __abs__(self) -> Value:
        return Abs.apply(self)

    # comparisons are not differentiable: they return plain bool values
    def _compare(self, other: Any, op: Any) -> Any:
        if isinstance(other, GraphValue):
            other = other._data
        elif not isinstance(other, (np.ndarray, np.generic, int, float, bool, list, tuple)):
            return NotImplemented  # let the other side decide (e.g. pytest.approx)
        return self._from_op(op(self._data, other), None)

    def __eq__(self, other: Any) -> Value:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Value:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __lt__(self, other: Any) -> Value:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Value:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Value:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Value:
        return self._compare(other, np.greater_equal)

    def __invert__(self) -> Value:
        return self._from_op(~self._data, None)

    def __and__(self, other: Any) -> Value:
        return self._compare(other, np.logical_and)

    def __or__(self, other: Any) -> Value:
        return self._compare(other, np.logical_or)

    # numpy interop: np.exp(value) and ndarray * value go through the ops, so they record a graph
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        op = _UFUNC_OPS.get(ufunc)
        if method == "__call__" and op is not None and not kwargs:
            return op(*inputs)
        # any other numpy function: plain numpy on the numbers, not differentiable (and refused,
        # as numpy() is, while a value requires grad)
        raw = [np.asarray(x) if isinstance(x, GraphValue) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(o) if isinstance(o, GraphValue) else o for o in kwargs["out"])
        return getattr(ufunc, method)(*raw, **kwargs)


_UFUNC_OPS = {
    np.add: Add.apply,
    np.subtract: Sub.apply,
    np.multiply: Mul.apply,
    np.true_divide: Div.apply,
    np.power: Pow.apply,
    np.negative: Neg.apply,
    np.matmul: MatMul.apply,
    np.exp: Exp.apply,
    np.log: Log.apply,
    np.sqrt: Sqrt.apply,
    np.absolute: Abs.apply,
    np.tanh: Tanh.apply,
    np.sin: Sin.apply,
    np.cos: Cos.apply,
}

