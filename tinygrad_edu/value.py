"""Layer 3: the Value. One class for Python scalars and n-d numpy arrays; ``Tensor`` is an alias.

A Value carries ``data`` (a numpy array, or a numpy scalar for 0-d values), ``grad``,
``requires_grad``, ``grad_fn`` (the node that made it, ``None`` for leaves) and ``is_leaf``.
Every operator and method delegates to an op in :mod:`tinygrad_edu.ops`; ``backward()``
delegates to the engine in :mod:`tinygrad_edu.engine`.
"""

from __future__ import annotations

import operator
import warnings
from collections import namedtuple
from typing import Any, Iterator, Sequence

import numpy as np

from . import engine
from . import function as _fn
from .device import parse_to_args
from .function import Function, GraphValue
from .ops import (
    Abs,
    Add,
    BroadcastTo,
    Clamp,
    Cos,
    Div,
    Exp,
    GetItem,
    Log,
    MatMul,
    Max,
    Mean,
    Min,
    Mul,
    Neg,
    Permute,
    Pow,
    ReLU,
    Reshape,
    Sigmoid,
    Sin,
    Sqrt,
    Sub,
    Sum,
    Tanh,
)

__all__ = ["Value", "Tensor", "as_data", "set_default_dtype", "get_default_dtype", "float32", "float64",
           "int64", "int32", "bool_"]

float32 = np.float32
float64 = np.float64
int64 = np.int64
int32 = np.int32
bool_ = np.bool_

MaxResult = namedtuple("MaxResult", ["values", "indices"])

_default_float = np.dtype(np.float64)


def set_default_dtype(dtype: Any) -> None:
    """The float dtype for Python floats and for factories such as ``zeros`` and ``nn.Linear``.

    It starts as float64 (PyTorch starts at float32; see docs/pytorch-differences.md).
    """
    global _default_float
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type (got {dtype})")
    _default_float = dtype


def get_default_dtype() -> np.dtype:
    return _default_float


def as_data(x: Any, dtype: Any = None) -> np.ndarray | np.generic:
    """Turn Python numbers, nested lists, arrays or Values into numpy data.

    Python floats become float64 (PyTorch would make float32; see docs/pytorch-differences.md),
    Python ints int64, numpy data keeps its dtype. 0-d results are numpy scalars.
    """
    if isinstance(x, Value):
        x = x._data
    if dtype is not None:
        dtype = np.dtype(dtype)
    if isinstance(x, np.ndarray):
        out = x if dtype is None or x.dtype == dtype else x.astype(dtype)
    elif isinstance(x, np.generic):
        out = x if dtype is None else dtype.type(x)
    elif isinstance(x, bool):
        out = np.bool_(x) if dtype is None else dtype.type(x)
    elif isinstance(x, int):
        out = np.int64(x) if dtype is None else dtype.type(x)
    elif isinstance(x, float):
        out = (dtype or _default_float).type(x)
    else:
        if isinstance(x, (list, tuple)) and any(isinstance(e, Value) for e in _flatten(x)):
            x = _unwrap_nested(x)
        out = np.array(x, dtype=dtype)
        if dtype is None and out.dtype == np.float64 and _default_float != np.float64:
            out = out.astype(_default_float)
        if out.dtype == object:
            raise TypeError(
                f"tensor(): could not turn {type(x).__name__} into a numeric array; "
                "pass numbers, nested lists of numbers or a numpy array"
            )
    if type(out) is np.ndarray and not out.shape:
        out = out[()]
    return out


def _flatten(x: Any) -> Iterator[Any]:
    for e in x:
        if isinstance(e, (list, tuple)):
            yield from _flatten(e)
        else:
            yield e


def _unwrap_nested(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_unwrap_nested(e) for e in x]
    return x._data if isinstance(x, Value) else x


def _check_float_for_grad(dtype: np.dtype) -> None:
    if dtype.kind not in "fc":
        raise RuntimeError(
            f"Only Tensors of floating point and complex dtype can require gradients "
            f"(got dtype {dtype}). Convert first, e.g. tensor(data, dtype=float64) or x.double()."
        )


def _format_data(data: Any) -> str:
    arr = np.asarray(data)
    if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        mode = "maxprec"
    else:
        mode = "fixed"
    return np.array2string(
        arr, precision=4, separator=", ", prefix="tensor(", floatmode=mode, threshold=200,
        edgeitems=3,
    )


class Value(GraphValue):
    """A number or an n-d array that remembers how it was computed.

    >>> w = Value(2.0, requires_grad=True)
    >>> y = w * w + 3 * w
    >>> y.backward()
    >>> w.grad          # dy/dw = 2w + 3
    tensor(7.)
    """

    # _data holds the numpy array (or numpy scalar for 0-d values); ``data`` is PyTorch's view of
    # it. _ver, _stamp, _name and _base are set only when used (in-place ops, names, views): a new
    # Value then costs five attribute writes, which matters when every op makes one.
    __slots__ = ("_data", "_grad", "_rg", "grad_fn", "_retains_grad", "_ver", "_stamp", "_name",
                 "_base", "__weakref__")
    __array_priority__ = 1000

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self._data = as_data(data, dtype)
        self._grad = None
        self.grad_fn = None
        self._retains_grad = False
        self._rg = False
        self._ver = 0  # leaves are what in-place updates touch: keep that path free of lookups
        self._base = None
        if name is not None:
            self._name = name
        if requires_grad:
            self.requires_grad = True

    def _from_op(self, data: Any, node: Function | None) -> Value:
        """Build the output of an op (always a plain Value, even when self is a Parameter)."""
        v = Value.__new__(Value)
        if type(data) is np.ndarray:
            if not data.shape:
                data = data[()]
        elif not isinstance(data, np.generic):
            data = as_data(data)
        v._data = data
        v._grad = None
        v._rg = node is not None
        v.grad_fn = node
        v._retains_grad = False
        return v

    # ------------------------------------------------------------------ attributes
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if flag:
            _check_float_for_grad(self._data.dtype)
        self._rg = bool(flag)

    @property
    def data(self) -> Value:
        """The numbers, as a Value outside the graph that shares them (PyTorch's ``.data``).

        Changing it in place (``w.data -= 0.1 * w.grad.data``, ``w.data.zero_()``) changes this
        value without recording anything; assigning ``w.data = ...`` replaces the numbers.
        ``.numpy()`` gives the numpy array itself.
        """
        return self._view("_data", self._data)

    @data.setter
    def data(self, new: Any) -> None:
        arr = as_data(new)
        if self._rg:
            _check_float_for_grad(arr.dtype)
        self._data = arr

    @property
    def grad(self) -> Value | None:
        """The accumulated gradient, a Value with this value's shape, or None before backward.

        As in PyTorch, changing it in place (``w.grad.zero_()``) changes the stored gradient.
        """
        g = self._grad
        if g is None:
            if self.grad_fn is not None and not self._retains_grad:
                warnings.warn(
                    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                    "Its .grad attribute won't be populated during autograd.backward(). If you "
                    "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                    ".retain_grad() on the non-leaf Tensor.",
                    UserWarning,
                    stacklevel=2,
                )
            return None
        if isinstance(g, Value):  # a gradient with a graph, from create_graph=True
            return g
        return self._view("_grad", g)

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if isinstance(value, Value) and not value._rg:
                value = value._data
            if not isinstance(value, Value):
                value = as_data(value, self._data.dtype if self._data.dtype.kind in "fc" else None)
            if np.shape(value._data if isinstance(value, Value) else value) != self.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: grad shape "
                    f"{np.shape(value._data if isinstance(value, Value) else value)}, value shape "
                    f"{self.shape}"
                )
        self._grad = value

    def _view(self, attr: str, raw: Any) -> Value:
        """A graph-free Value over ``raw`` whose in-place changes write back to ``self.<attr>``."""
        v = Value.__new__(Value)
        v._data = raw
        v._grad = None
        v._rg = False
        v.grad_fn = None
        v._retains_grad = False
        v._ver = 0
        v._base = (self, attr)
        return v

    @property
    def name(self) -> str | None:
        """A label for explain tables and drawings, e.g. ``Value(1.0, name="w")``."""
        return getattr(self, "_name", None)

    @name.setter
    def name(self, label: str | None) -> None:
        self._name = label

    @property
    def _version(self) -> int:
        """How many in-place changes this value's data has had (PyTorch's ``_version``)."""
        return getattr(self, "_ver", 0)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def T(self) -> Value:
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Value:
        return self.transpose(-2, -1)

    def size(self, dim: int | None = None) -> Any:
        """The shape, or one axis of it (PyTorch's ``size``)."""
        return self.shape if dim is None else self.shape[dim]

    def numel(self) -> int:
        return int(self._data.size)

    def dim(self) -> int:
        return self.ndim

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    # ------------------------------------------------------------------ conversion
    def item(self) -> Any:
        """The single number held, as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar "
                f"(shape {self.shape}); index one element first, e.g. x[0].item(), or use .tolist()"
            )
        return self._data.item() if self._data.shape else self._data.item()

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
        body = _format_data(self._data)
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
            return _Cast.apply(self, dtype=dtype)
        return Value(self._data.astype(dtype))

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

    # ------------------------------------------------------------------ autograd
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence[Value] | None = None,
    ) -> None:
        """Compute the gradient of this value with respect to every leaf that requires grad.

        Gradients are added to the leaves' ``.grad``. A non-scalar value needs ``gradient``, the
        upstream gradient of the same shape. ``retain_graph=True`` keeps the saved values for
        another backward; ``create_graph=True`` records the backward itself (higher order).
        """
        engine.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph,
                        inputs=inputs)

    def detach(self) -> Value:
        """A new leaf sharing this value's numbers, cut off from the graph."""
        v = self._view("_data", self._data)
        if self.name is not None:
            v._name = self.name
        return v

    def detach_(self) -> Value:
        self.grad_fn = None
        self._rg = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Value:
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> Value:
        """Keep ``.grad`` on this non-leaf value during backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True
        return self

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def clone(self) -> Value:
        return Add.apply(self, 0) if self._rg else Value(np.array(self._data, copy=True))

    # ------------------------------------------------------------------ in-place
    def _bump_version(self) -> None:
        """Record an in-place change: count it, and stamp it with a new global epoch so that a
        node created before it knows its saved data may have changed. A view (``.data``,
        ``.grad``) writes its new numbers back to what it views: arrays share memory anyway,
        but a 0-d value's numpy scalar is immutable and was replaced."""
        try:
            self._ver += 1
            link = self._base
        except AttributeError:  # an op's output: these fields are set on first use
            self._ver = self._version + 1
            link = getattr(self, "_base", None)
        _fn._inplace_epoch += 1
        self._stamp = _fn._inplace_epoch
        view = self
        while link is not None:
            owner, attr = link
            setattr(owner, attr, view._data)
            if attr != "_data":
                break
            view, link = owner, getattr(owner, "_base", None)

    def _inplace(self, op: type[Function], other: Any, name: str) -> Value:
        """``self op= other``: allowed on leaves under no_grad (parameter updates) and on values
        outside any graph; refused where it could silently corrupt a gradient."""
        if _fn._grad_enabled:
            if self._rg:
                if self.grad_fn is None:
                    raise RuntimeError(
                        f"a leaf Variable that requires grad is being used in an in-place "
                        f"operation ({name}). Wrap parameter updates in `with no_grad():`, or use "
                        f"an out-of-place op (x = x {_SYMBOL[name]} y)."
                    )
                raise RuntimeError(
                    f"in-place {name[2:-2]} on a value that is part of a graph ({self.grad_fn!r}) "
                    f"is not supported: earlier uses of this value would silently get the wrong "
                    f"gradient. Write it out of place: x = x {_SYMBOL[name]} y."
                )
            if isinstance(other, Value) and other._rg:
                # self has no history, so nothing upstream can be misrouted: self becomes the result
                out = op.apply(self, other)
                self._data, self.grad_fn, self._rg = out._data, out.grad_fn, True
                self._bump_version()
                return self
        raw = other._data if isinstance(other, Value) else other
        data = self._data
        result = _INPLACE[name](data, raw)
        if type(data) is np.ndarray:
            if result.shape != data.shape:
                raise RuntimeError(
                    f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                    f"{list(result.shape)} (in-place {name})"
                )
            np.copyto(data, result, casting="same_kind")
        elif not isinstance(result, np.generic) and np.shape(result) != ():
            raise RuntimeError(
                f"output with shape [] doesn't match the broadcast shape {list(np.shape(result))} "
                f"(in-place {name} on a 0-d value)"
            )
        else:
            self._data = data.dtype.type(result)
        self._bump_version()
        return self

    def __iadd__(self, other: Any) -> Value:
        return self._inplace(Add, other, "__add__")

    def __isub__(self, other: Any) -> Value:
        return self._inplace(Sub, other, "__sub__")

    def __imul__(self, other: Any) -> Value:
        return self._inplace(Mul, other, "__mul__")

    def __itruediv__(self, other: Any) -> Value:
        return self._inplace(Div, other, "__truediv__")

    def add_(self, other: Any, alpha: float = 1) -> Value:
        return self._inplace(Add, other if alpha == 1 else other * alpha, "__add__")

    def sub_(self, other: Any, alpha: float = 1) -> Value:
        return self._inplace(Sub, other if alpha == 1 else other * alpha, "__sub__")

    def mul_(self, other: Any) -> Value:
        return self._inplace(Mul, other, "__mul__")

    def div_(self, other: Any) -> Value:
        return self._inplace(Div, other, "__truediv__")

    def zero_(self) -> Value:
        return self.fill_(0)

    def fill_(self, value: Any) -> Value:
        return self.copy_(np.broadcast_to(as_data(value), self.shape))

    def copy_(self, src: Any) -> Value:
        """Copy ``src`` into this value's data in place (casting to its dtype)."""
        if _fn._grad_enabled and self._rg and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation "
                "(copy_). Wrap it in `with no_grad():`."
            )
        raw = np.asarray(src._data if isinstance(src, Value) else src)
        if np.broadcast_shapes(raw.shape, self.shape) != self.shape:
            raise RuntimeError(
                f"copy_: the source shape {raw.shape} cannot be broadcast to {self.shape}"
            )
        if type(self._data) is np.ndarray:
            np.copyto(self._data, raw, casting="unsafe")
        else:
            self._data = self._data.dtype.type(raw[()] if raw.shape == () else raw.reshape(()))
        self._bump_version()
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if _fn._grad_enabled and self._rg:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation "
                "(__setitem__). Wrap it in `with no_grad():`."
                if self.grad_fn is None
                else "in-place assignment to a value that is part of a graph is not supported; "
                "build the result out of place (e.g. with where or cat)"
            )
        if type(self._data) is not np.ndarray:
            raise TypeError("cannot assign into a 0-d value by index; use copy_()")
        self._data[_index(index)] = value._data if isinstance(value, Value) else value
        self._bump_version()

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Value:
        return Add.apply(self, other)

    def __radd__(self, other: Any) -> Value:
        return Add.apply(other, self)

    def __sub__(self, other: Any) -> Value:
        return Sub.apply(self, other)

    def __rsub__(self, other: Any) -> Value:
        return Sub.apply(other, self)

    def __mul__(self, other: Any) -> Value:
        return Mul.apply(self, other)

    def __rmul__(self, other: Any) -> Value:
        return Mul.apply(other, self)

    def __truediv__(self, other: Any) -> Value:
        return Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return Div.apply(other, self)

    def __pow__(self, other: Any) -> Value:
        return Pow.apply(self, other)

    def __rpow__(self, other: Any) -> Value:
        return Pow.apply(other, self)

    def __matmul__(self, other: Any) -> Value:
        return MatMul.apply(self, other)

    def __rmatmul__(self, other: Any) -> Value:
        return MatMul.apply(other, self)

    def __neg__(self) -> Value:
        return Neg.apply(self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return Abs.apply(self)

    # comparisons are not differentiable: they return plain bool values
    def _compare(self, other: Any, op: Any) -> Any:
        if isinstance(other, Value):
            other = other._data
        elif not isinstance(other, (np.ndarray, np.generic, int, float, bool, list, tuple)):
            return NotImplemented  # let the other side decide (e.g. pytest.approx)
        return Value(op(self._data, other))

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
        return Value(~self._data)

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
        raw = [np.asarray(x) if isinstance(x, Value) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(o) if isinstance(o, Value) else o for o in kwargs["out"])
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

    # ------------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Value:
        """Sum over ``dim`` (PyTorch) or ``axis`` (numpy); all axes by default."""
        return Sum.apply(self, axis=_pick(dim, axis), keepdims=_pick(keepdim, keepdims))

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Value:
        """Mean over ``dim``/``axis``; all axes by default."""
        if self._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {self._data.dtype}. Convert with .float() or .double()."
            )
        return Mean.apply(self, axis=_pick(dim, axis), keepdims=_pick(keepdim, keepdims))

    def _extremum(self, op: type[Function], dim: Any, keepdim: bool, axis: Any,
                  keepdims: bool | None) -> Any:
        if dim is not None:  # PyTorch: x.max(dim) returns (values, indices)
            values = op.apply(self, axis=dim, keepdims=keepdim)
            find = np.argmax if op is Max else np.argmin
            idx = find(self._data, axis=dim)
            if keepdim:
                idx = np.expand_dims(idx, dim)
            return MaxResult(values, Value(idx))
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
        return Value(np.expand_dims(idx, dim) if keepdim and dim is not None else idx)

    def argmin(self, dim: Any = None, keepdim: bool = False) -> Value:
        idx = np.argmin(self._data, axis=dim)
        return Value(np.expand_dims(idx, dim) if keepdim and dim is not None else idx)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Value:
        shape = _shape_arg(shape)
        return self if shape == self.shape else Reshape.apply(self, shape=shape)

    def view(self, *shape: Any) -> Value:
        return self.reshape(*shape)

    def view_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def reshape_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def permute(self, *dims: Any) -> Value:
        dims = _shape_arg(dims)
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                f"length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is "
                f"not equal to len(dims) = {len(dims)}"
                if len(dims) != self.ndim
                else f"permute(): dims {dims} are not a permutation of range({self.ndim})"
            )
        return Permute.apply(self, axes=tuple(d % self.ndim for d in dims))

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Value:
        """Swap two axes (PyTorch's meaning; numpy's full permutation is ``permute``)."""
        if self.ndim < 2:
            return self
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return Permute.apply(self, axes=tuple(axes))

    def swapaxes(self, axis0: int, axis1: int) -> Value:
        return self.transpose(axis0, axis1)

    def t(self) -> Value:
        return self.transpose(0, 1)

    def unsqueeze(self, dim: int) -> Value:
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-self.ndim - 1}, "
                f"{self.ndim}], but got {dim})"
            )
        dim = dim % (self.ndim + 1)
        return Reshape.apply(self, shape=self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim: Any = None) -> Value:
        if dim is None:
            shape = tuple(s for s in self.shape if s != 1)
        else:
            dims = {d % max(self.ndim, 1) for d in (dim if isinstance(dim, tuple) else (dim,))}
            shape = tuple(s for i, s in enumerate(self.shape) if not (i in dims and s == 1))
        return self.reshape(shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Value:
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        shape = self.shape[:start] + (int(np.prod(self.shape[start:end + 1])),) + self.shape[end + 1:]
        return self.reshape(shape)

    def expand(self, *shape: Any) -> Value:
        shape = _shape_arg(shape)
        lead = len(shape) - self.ndim
        shape = tuple(s if s != -1 else self.shape[i - lead] for i, s in enumerate(shape))
        return self if shape == self.shape else BroadcastTo.apply(self, shape=shape)

    def broadcast_to(self, shape: Any) -> Value:
        return self.expand(*_shape_arg((shape,)))

    def expand_as(self, other: Value) -> Value:
        return self.expand(*other.shape)

    def __getitem__(self, index: Any) -> Value:
        return GetItem.apply(self, index=_index(index))

    def __iter__(self) -> Iterator[Value]:
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))


def _pick(torch_arg: Any, numpy_arg: Any) -> Any:
    """Accept PyTorch's spelling (dim, keepdim) or numpy's (axis, keepdims)."""
    return numpy_arg if numpy_arg is not None else torch_arg


def _shape_arg(shape: tuple) -> tuple[int, ...]:
    """reshape(2, 3) and reshape((2, 3)) both give (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _index(index: Any) -> Any:
    """Turn Values inside an index into their integer or bool arrays."""
    if isinstance(index, Value):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Value) else i for i in index)
    if isinstance(index, list):
        return np.asarray([i.item() if isinstance(i, Value) else i for i in index])
    return index


class _Cast(Function):
    """z = x cast to another float dtype.   dz/dx = 1 (the gradient is cast back)"""

    @staticmethod
    def forward(ctx, x, *, dtype):
        ctx.dtype = np.result_type(x)
        return np.asarray(x).astype(dtype)[()] if not np.shape(x) else x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return _Cast.apply(grad, dtype=ctx.dtype)


_SYMBOL = {"__add__": "+", "__sub__": "-", "__mul__": "*", "__truediv__": "/"}
_INPLACE = {"__add__": operator.add, "__sub__": operator.sub, "__mul__": operator.mul,
            "__truediv__": operator.truediv}



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

Tensor = Value
