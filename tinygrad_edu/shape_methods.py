"""Floor 3: the shape part of PyTorch's method surface (``reshape``, ``permute``, ``squeeze``...),
one line per method calling one op. :class:`~tinygrad_edu.methods.Methods` builds on it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from .dims import check_index, numpy_names, wrap_dim, wrap_dims
from .ops import BroadcastTo, Permute, Reshape
from .state import GraphValue

if TYPE_CHECKING:
    from .value import Value

__all__ = ["ShapeMethods", "shape_arg", "index_arg", "basic_view", "infer_shape", "expand_shape",
           "strip_leading_ones"]


class ShapeMethods:
    """Methods that move numbers around without changing them."""

    __slots__ = ()
    _data: Any

    def _viewed(self, out: Value) -> Value:
        """``out`` shares this value's memory (a numpy view, made outside any graph): let it share
        the version counter too, so that in-place changes through it are caught (as PyTorch)."""
        data = out._data
        if out.grad_fn is None and type(data) is np.ndarray and data.base is not None and (
                data.base is self._data or data.base is getattr(self._data, "base", None)):
            out._vc = self._counter()
        return out

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Value:
        shape = infer_shape(shape_arg(shape), self.numel())
        return self if shape == self.shape else self._viewed(Reshape.apply(self, shape=shape))

    def view(self, *shape: Any) -> Value:
        return self.reshape(*shape)

    def view_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def reshape_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def permute(self, *dims: Any) -> Value:
        dims = shape_arg(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                f"length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is "
                f"not equal to len(dims) = {len(dims)}"
            )
        axes = wrap_dims(dims, self.ndim, repeat="permute(): duplicate dims are not allowed.")
        return self._viewed(Permute.apply(self, axes=axes))

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Value:
        """Swap two axes (PyTorch's meaning; numpy's full permutation is ``permute``)."""
        dim0, dim1 = wrap_dim(dim0, self.ndim), wrap_dim(dim1, self.ndim)
        if self.ndim < 2:
            return self
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return self._viewed(Permute.apply(self, axes=tuple(axes)))

    def swapaxes(self, axis0: int, axis1: int) -> Value:
        return self.transpose(axis0, axis1)

    def t(self) -> Value:
        """Transpose of a matrix; a 0-d or 1-D value is returned as is (PyTorch's rule)."""
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D; "
                f"use transpose(dim0, dim1) or permute(...) for more dimensions"
            )
        return self.transpose(0, -1)

    @numpy_names
    def unsqueeze(self, dim: int) -> Value:
        dim = wrap_dim(dim, self.ndim + 1)
        return self._viewed(Reshape.apply(self, shape=self.shape[:dim] + (1,) + self.shape[dim:]))

    @numpy_names
    def squeeze(self, dim: Any = None) -> Value:
        if dim is None:
            shape = tuple(s for s in self.shape if s != 1)
        else:
            dims = wrap_dims(dim, self.ndim)
            shape = tuple(s for i, s in enumerate(self.shape) if not (i in dims and s == 1))
        return self.reshape(shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Value:
        start, end = wrap_dim(start_dim, self.ndim), wrap_dim(end_dim, self.ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if self.ndim == 0:
            return self.reshape(1)
        shape = self.shape[:start] + (math.prod(self.shape[start:end + 1]),) + self.shape[end + 1:]
        return self.reshape(shape)

    def expand(self, *shape: Any) -> Value:
        shape = expand_shape(self.shape, shape_arg(shape))
        return self if shape == self.shape else self._viewed(BroadcastTo.apply(self, shape=shape))

    def broadcast_to(self, shape: Any) -> Value:
        return self.expand(*shape_arg((shape,)))

    def expand_as(self, other: Value) -> Value:
        return self.expand(*other.shape)

    def __iter__(self) -> Iterator[Value]:
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))




def pick(torch_arg: Any, numpy_arg: Any) -> Any:
    """Accept PyTorch's spelling (dim, keepdim) or numpy's (axis, keepdims)."""
    return numpy_arg if numpy_arg is not None else torch_arg


def shape_arg(shape: tuple) -> tuple[int, ...]:
    """reshape(2, 3) and reshape((2, 3)) both give (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def strip_leading_ones(value: Any) -> Any:
    """A value written with ``x[index] = value`` loses its leading size-1 axes, as in PyTorch
    (``preds[i] = net(x)`` with a (1, 1) output)."""
    shape = getattr(value, "shape", ())
    k = next((i for i, n in enumerate(shape) if n != 1), len(shape))
    return value if not k else value.reshape(tuple(shape[k:]))


def index_arg(index: Any, shape: tuple[int, ...] | None = None) -> Any:
    """Turn Values inside an index into their integer or bool arrays; with ``shape``, also check
    integer indexes against it (PyTorch's IndexError, see :func:`~tinygrad_edu.dims.check_index`)."""
    if isinstance(index, GraphValue):
        index = index._data
    elif isinstance(index, tuple):
        index = tuple(i._data if isinstance(i, GraphValue) else i for i in index)
    elif isinstance(index, list):
        index = np.asarray([i.item() if isinstance(i, GraphValue) else i for i in index])
    if shape is not None:
        check_index(index, shape)
    return index


def basic_view(data: np.ndarray, index: Any) -> np.ndarray | None:
    """``data[index]`` for a basic index as a numpy view (0-d results too), or None where numpy
    would copy; an index out of range raises PyTorch's IndexError."""
    parts = index if isinstance(index, tuple) else (index,)
    try:
        view = data[parts if Ellipsis in parts else parts + (Ellipsis,)]
    except IndexError:
        check_index(index, data.shape)
        raise
    return view if type(view) is np.ndarray else None


def infer_shape(shape: tuple[int, ...], size: int) -> tuple[int, ...]:
    """``shape`` with its one ``-1`` filled in; PyTorch's errors when it cannot hold ``size``."""
    bad = [i for i, s in enumerate(shape) if s < -1]
    if bad:
        raise RuntimeError(
            f"invalid shape dimension {shape[bad[0]]} at index {bad[0]} of shape {list(shape)}"
        )
    if shape.count(-1) > 1:
        raise RuntimeError(f"only one dimension can be inferred (shape {list(shape)})")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape and known and size % known == 0:
        return tuple(size // known if s == -1 else s for s in shape)
    if -1 in shape or known != size:
        raise RuntimeError(
            f"shape '{list(shape)}' is invalid for input of size {size} (the sizes must multiply "
            f"to {size}; one of them may be -1 to have it inferred)"
        )
    return shape


def expand_shape(shape: tuple[int, ...], sizes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape ``expand(*sizes)`` gives (``-1`` keeps a size); PyTorch's errors otherwise."""
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"expand(tensor of shape {list(shape)}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
            f"({len(shape)})"
        )
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
        elif s == -1:
            s = shape[i - lead]
        elif s != shape[i - lead] and shape[i - lead] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size "
                f"({shape[i - lead]}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(shape)}"
            )
        out.append(s)
    return tuple(out)


