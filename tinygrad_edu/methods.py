"""Floor 3: PyTorch's method surface of a Value, one line per method calling one op.

:class:`~tinygrad_edu.value.Value` inherits these, as PyTorch's ``Tensor`` sits on a core base:
value.py holds the autograd core, this module the rest of what users call (``x.exp()``,
``x.sum(dim)``, ``x.reshape(...)``, conversions and printing). Methods use values only through
the :class:`~tinygrad_edu.state.GraphValue` contract; ``self._from_op(data, None)`` makes a new
value without a graph.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np

from .device import device, parse_to_args
from .dtypes import get_default_dtype
from .function import Function
from .index_methods import IndexMethods
from .ops import (
    Abs,
    Add,
    Cast,
    Clamp,
    Cos,
    Div,
    Exp,
    Log,
    MatMul,
    Max,
    Mean,
    Min,
    Mul,
    Neg,
    Pow,
    ReLU,
    Sigmoid,
    Sin,
    Sqrt,
    Sub,
    Sum,
    Tanh,
)
from .ops.activation import LogSoftmax, LogSumExp, Softmax, float_input
from .shape_methods import ShapeMethods, index_arg, pick, shape_arg
from .state import GraphValue
from .torch_types import Size, dtype_of_type_name, type_name

if TYPE_CHECKING:
    from .value import Value

__all__ = ["Methods", "MaxResult", "index_arg", "shape_arg", "format_data"]

_CPU = device("cpu")
MaxResult = namedtuple("MaxResult", ["values", "indices"])

def format_data(data: Any) -> str:
    arr = np.asarray(data)
    if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        mode = "maxprec"
    else:
        mode = "fixed"
    return np.array2string(
        arr, precision=4, separator=", ", prefix="tensor(", floatmode=mode, threshold=200,
        edgeitems=3,
    )


class Methods(IndexMethods, ShapeMethods):
    """PyTorch's Tensor methods beyond the autograd core (see the module docstring)."""

    __slots__ = ()
    _data: Any
    _rg: bool
    grad_fn: Any

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def T(self) -> Value:
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Value:
        return self.transpose(-2, -1)

    def size(self, dim: int | None = None) -> Any:
        """The shape as a :class:`Size`, or one axis of it (PyTorch's ``size``)."""
        return Size(self.shape) if dim is None else self.shape[dim]

    def numel(self) -> int:
        return int(self._data.size)

    def dim(self) -> int:
        return self.ndim

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    @property
    def device(self) -> device:
        """Where the numbers live: always the CPU (see docs/pytorch-differences.md)."""
        return _CPU

    is_cuda = False

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
        if self._data.size == 1 and not self.shape:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self) -> str:
        extras = []
        if self._data.dtype not in (np.float32, np.float64, np.int64, np.bool_):
            extras.append(f"dtype={self._data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self._rg:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        body = format_data(self._data)
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

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

    def cpu(self) -> Value:
        return self

    def float(self) -> Value:
        return self.to(np.float32)

    def double(self) -> Value:
        return self.to(np.float64)

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

    # ------------------------------------------------------------------ math methods
    def add(self, other: Any) -> Value:
        return Add.apply(self, other)

    def sub(self, other: Any) -> Value:
        return Sub.apply(self, other)

    def mul(self, other: Any) -> Value:
        return Mul.apply(self, other)

    def div(self, other: Any) -> Value:
        return Div.apply(self, other)

    def pow(self, exponent: Any) -> Value:
        return Pow.apply(self, exponent)

    def neg(self) -> Value:
        return Neg.apply(self)

    def matmul(self, other: Any) -> Value:
        return MatMul.apply(self, other)

    def exp(self) -> Value:
        return Exp.apply(self)

    def log(self) -> Value:
        return Log.apply(self)

    def sqrt(self) -> Value:
        return Sqrt.apply(self)

    def abs(self) -> Value:
        return Abs.apply(self)

    def tanh(self) -> Value:
        return Tanh.apply(self)

    def sigmoid(self) -> Value:
        return Sigmoid.apply(self)

    def relu(self) -> Value:
        return ReLU.apply(self)

    def sin(self) -> Value:
        return Sin.apply(self)

    def cos(self) -> Value:
        return Cos.apply(self)

    def square(self) -> Value:
        return Mul.apply(self, self)

    def clamp(self, min: Any = None, max: Any = None) -> Value:
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return Clamp.apply(self, min=min, max=max)

    clip = clamp

    def softmax(self, dim: int, dtype: Any = None) -> Value:
        """e^x / sum(e^x) along ``dim``, with the max subtracted first (stable for large x)."""
        return Softmax.apply(float_input(self, "softmax", dtype), dim=dim)

    def log_softmax(self, dim: int, dtype: Any = None) -> Value:
        """x - logsumexp(x) along ``dim``: log-probabilities, stable for large x."""
        return LogSoftmax.apply(float_input(self, "log_softmax", dtype), dim=dim)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Value:
        """log(sum(e^x)) over ``dim`` (an int or a tuple), computed as max + log(sum(e^(x - max)))."""
        x = self if self.dtype.kind == "f" else self.to(get_default_dtype())
        return LogSumExp.apply(x, dim=dim, keepdim=keepdim)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Value:
        """Sum over ``dim`` (PyTorch) or ``axis`` (numpy); all axes by default."""
        return Sum.apply(self, axis=pick(dim, axis), keepdims=pick(keepdim, keepdims))

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Value:
        """Mean over ``dim``/``axis``; all axes by default."""
        if self._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {self._data.dtype}. Convert with .float() or .double()."
            )
        return Mean.apply(self, axis=pick(dim, axis), keepdims=pick(keepdim, keepdims))

    def _extremum(self, op: type[Function], dim: Any, keepdim: bool, axis: Any,
                  keepdims: bool | None) -> Any:
        if dim is not None:  # PyTorch: x.max(dim) returns (values, indices)
            values = op.apply(self, axis=dim, keepdims=keepdim)
            find = np.argmax if op is Max else np.argmin
            idx = find(self._data, axis=dim)
            if keepdim:
                idx = np.expand_dims(idx, dim)
            return MaxResult(values, self._from_op(idx, None))
        return op.apply(self, axis=axis, keepdims=bool(keepdims))

    def max(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """Largest element: ``max()`` and ``max(axis=...)`` return a Value; ``max(dim)`` returns
        ``(values, indices)`` as in PyTorch."""
        return self._extremum(Max, dim, keepdim, axis, keepdims)

    def min(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """Smallest element; see :meth:`max` for the return value."""
        return self._extremum(Min, dim, keepdim, axis, keepdims)

    def amax(self, dim: Any = None, keepdim: bool = False) -> Value:
        return Max.apply(self, axis=dim, keepdims=keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Value:
        return Min.apply(self, axis=dim, keepdims=keepdim)

    def argmax(self, dim: Any = None, keepdim: bool = False) -> Value:
        idx = np.argmax(self._data, axis=dim)
        return self._from_op(np.expand_dims(idx, dim) if keepdim and dim is not None else idx, None)

    def argmin(self, dim: Any = None, keepdim: bool = False) -> Value:
        idx = np.argmin(self._data, axis=dim)
        return self._from_op(np.expand_dims(idx, dim) if keepdim and dim is not None else idx, None)

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

