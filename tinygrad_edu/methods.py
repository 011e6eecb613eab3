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

from .conversion_methods import ConversionMethods
from .device import device
from .dims import numpy_names, wrap_dim
from .dtypes import get_default_dtype
from .function import Function
from .hooks import HOOK_ON_NO_GRAD, RemovableHandle, add_hook
from .index_methods import IndexMethods
from .index_more import MoreIndexMethods
from .inplace_methods import InplaceMethods
from .math_methods import MathMethods
from .ops import (
    Abs,
    Add,
    Clamp,
    Cos,
    Div,
    Exp,
    Log,
    MatMul,
    Max,
    Maximum,
    Mean,
    Min,
    Minimum,
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
from .random_methods import RandomMethods
from .reduce_methods import ReduceMethods
from .shape_methods import ShapeMethods, index_arg, pick, shape_arg
from .shape_more import MoreShapeMethods
from .state import GraphValue
from .torch_types import Size

if TYPE_CHECKING:
    from .value import Value

__all__ = ["zero_grad", "Methods", "MaxResult", "index_arg", "shape_arg"]

_CPU = device("cpu")
MaxResult = namedtuple("MaxResult", ["values", "indices"])

class Methods(MathMethods, ReduceMethods, MoreShapeMethods, RandomMethods, IndexMethods, ShapeMethods,
              ConversionMethods, MoreIndexMethods, InplaceMethods):
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

    @numpy_names
    def size(self, dim: int | None = None) -> Any:
        """The shape as a :class:`Size`, or one axis of it (PyTorch's ``size``)."""
        if dim is None:
            return Size(self.shape)
        if self.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self.shape[wrap_dim(dim, self.ndim)]

    def numel(self) -> int:
        return int(self._data.size)

    def dim(self) -> int:
        return self.ndim

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    # ------------------------------------------------------------------ attributes, in place
    @property
    def name(self) -> str | None:
        """A label for explain tables and drawings, e.g. ``Value(1.0, name="w")``."""
        return self._name

    @name.setter
    def name(self, label: str | None) -> None:
        self._name = label

    @property
    def shape(self) -> Size:
        """The shape, a tuple that prints as ``torch.Size([2, 3])``."""
        return Size(self._data.shape)

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def requires_grad_(self, requires_grad: bool = True) -> Value:
        self.requires_grad = requires_grad
        return self

    def add_(self, other: Any, alpha: float = 1) -> Value:
        return self._inplace(Add, other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, alpha: float = 1) -> Value:
        return self._inplace(Sub, other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> Value:
        return self._inplace(Mul, other)

    def div_(self, other: Any) -> Value:
        return self._inplace(Div, other)

    def zero_(self) -> Value:
        return self.fill_(0)

    def fill_(self, value: Any) -> Value:
        if isinstance(value, GraphValue) and value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        return self.copy_(value)

    def register_hook(self, hook: Any) -> RemovableHandle:
        """Call ``hook(grad)`` with this value's gradient during backward (before a leaf adds it
        into ``.grad``); a hook may return a replacement gradient. ``.remove()`` on the handle."""
        if not self._rg:
            raise RuntimeError(HOOK_ON_NO_GRAD)
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, hook)

    @property
    def _version(self) -> int:
        """How many in-place changes this value's data has had (PyTorch's ``_version``)."""
        return 0 if self._vc is None else self._vc[0]

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def device(self) -> device:
        """Where the numbers live: always the CPU (see docs/pytorch-differences.md)."""
        return _CPU

    is_cuda = False

    # ------------------------------------------------------------------ math methods
    def add(self, other: Any) -> Value:
        return Add.apply(self, other)

    def sub(self, other: Any) -> Value:
        return Sub.apply(self, other)

    def mul(self, other: Any) -> Value:
        return Mul.apply(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Value:
        if rounding_mode is not None:
            return self.divide(other, rounding_mode=rounding_mode)  # int_methods.py
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
        if isinstance(min, GraphValue) or isinstance(max, GraphValue):  # tensor bounds
            out = self if min is None else self.clamp_min(min)
            return out if max is None else out.clamp_max(max)
        return Clamp.apply(self, min=min, max=max)

    clip = clamp

    @numpy_names
    def softmax(self, dim: int, dtype: Any = None) -> Value:
        """e^x / sum(e^x) along ``dim``, with the max subtracted first (stable for large x)."""
        return Softmax.apply(float_input(self, "softmax", dtype), dim=dim)

    @numpy_names
    def log_softmax(self, dim: int, dtype: Any = None) -> Value:
        """x - logsumexp(x) along ``dim``: log-probabilities, stable for large x."""
        return LogSoftmax.apply(float_input(self, "log_softmax", dtype), dim=dim)

    @numpy_names
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
        if isinstance(dim, GraphValue):  # torch.max(x, other): the elementwise maximum
            return (Maximum if op is Max else Minimum).apply(self, dim)
        if axis is not None or keepdims is not None:  # numpy's names for dim and keepdim
            if dim is not None or not isinstance(axis, (int, np.integer, type(None))):
                raise TypeError(f"{op.__name__.lower()}() received an invalid combination of arguments: "
                                f"dim is one int (given as dim= or axis=, not both)")
            dim, keepdim = axis, bool(keepdims) if keepdims is not None else keepdim
        if dim is not None:  # PyTorch: x.max(dim) returns (values, indices)
            dim = wrap_dim(dim, self.ndim)
            values = op.apply(self, axis=dim, keepdims=keepdim)
            return MaxResult(values, self._arg(np.argmax if op is Max else np.argmin, dim, keepdim))
        return op.apply(self)

    def max(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """Largest element: ``max()`` returns a Value; ``max(dim)`` (or numpy's ``max(axis=...)``)
        returns ``(values, indices)`` as in PyTorch, and ``max(other)`` with a tensor is the elementwise
        maximum. A nan anywhere makes the result nan (its gradient goes to the nan). As in
        PyTorch, ``max(dim)`` sends the gradient to the returned index; ``max()`` splits it
        evenly between tied elements."""
        return self._extremum(Max, dim, keepdim, axis, keepdims)

    def min(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Any:
        """Smallest element; see :meth:`max` for the return value."""
        return self._extremum(Min, dim, keepdim, axis, keepdims)

    @numpy_names
    def amax(self, dim: Any = None, keepdim: bool = False) -> Value:
        """Largest element over ``dim`` (an int or tuple; all by default). As in PyTorch, where
        the result is nan its gradient is nan."""
        return Max.apply(self, axis=dim, keepdims=keepdim, pick_nan=False)

    @numpy_names
    def amin(self, dim: Any = None, keepdim: bool = False) -> Value:
        """Smallest element over ``dim``; see :meth:`amax`."""
        return Min.apply(self, axis=dim, keepdims=keepdim, pick_nan=False)

    def _arg(self, find: Any, dim: int | None, keepdim: bool) -> Value:
        """Index of the extreme (the first nan if any, as in PyTorch), as an int64 value."""
        if self.numel() == 0 and (dim is None or self.shape[dim] == 0):
            raise IndexError(
                f"{find.__name__}(): Expected reduction dim to be specified for input.numel() == 0."
                if dim is None else f"{find.__name__}(): Expected reduction dim {dim} to have non-zero size."
            )
        if dim is None or self.ndim == 0:
            idx = np.int64(find(self._data))
            return self._from_op(np.full((1,) * self.ndim, idx) if keepdim else idx, None)
        idx = find(self._data, axis=dim)
        return self._from_op(np.expand_dims(idx, dim) if keepdim else idx, None)

    @numpy_names
    def argmax(self, dim: Any = None, keepdim: bool = False) -> Value:
        return self._arg(np.argmax, None if dim is None else wrap_dim(dim, self.ndim), keepdim)

    @numpy_names
    def argmin(self, dim: Any = None, keepdim: bool = False) -> Value:
        return self._arg(np.argmin, None if dim is None else wrap_dim(dim, self.ndim), keepdim)


def zero_grad(params: Any, set_to_none: bool = True) -> None:
    """Clear the gradients of ``params``: to None (the default, as in PyTorch) or to zeros in
    place. ``Module.zero_grad`` and ``Optimizer.zero_grad`` both call this."""
    for p in params:
        if set_to_none or p._grad is None:
            p._grad = None
            continue
        g = p.grad  # PyTorch: grad.detach_() (it may have a graph, from create_graph), then zero_()
        if g.grad_fn is not None:
            g = p._grad = g.detach()
        g.requires_grad_(False).zero_()
