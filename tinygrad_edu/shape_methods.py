"""Floor 3: the shape part of PyTorch's method surface (``reshape``, ``permute``, ``squeeze``...),
one line per method calling one op. :class:`~tinygrad_edu.methods.Methods` builds on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from .ops import BroadcastTo, Permute, Reshape
from .state import GraphValue

if TYPE_CHECKING:
    from .value import Value

__all__ = ["ShapeMethods", "shape_arg", "index_arg"]


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
        shape = shape_arg(shape)
        return self if shape == self.shape else self._viewed(Reshape.apply(self, shape=shape))

    def view(self, *shape: Any) -> Value:
        return self.reshape(*shape)

    def view_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def reshape_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def permute(self, *dims: Any) -> Value:
        dims = shape_arg(dims)
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                f"length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is "
                f"not equal to len(dims) = {len(dims)}"
                if len(dims) != self.ndim
                else f"permute(): dims {dims} are not a permutation of range({self.ndim})"
            )
        return self._viewed(Permute.apply(self, axes=tuple(d % self.ndim for d in dims)))

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Value:
        """Swap two axes (PyTorch's meaning; numpy's full permutation is ``permute``)."""
        if self.ndim < 2:
            return self
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return self._viewed(Permute.apply(self, axes=tuple(axes)))

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
        return self._viewed(Reshape.apply(self, shape=self.shape[:dim] + (1,) + self.shape[dim:]))

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
        shape = shape_arg(shape)
        lead = len(shape) - self.ndim
        shape = tuple(s if s != -1 else self.shape[i - lead] for i, s in enumerate(shape))
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


def index_arg(index: Any) -> Any:
    """Turn Values inside an index into their integer or bool arrays."""
    if isinstance(index, GraphValue):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, GraphValue) else i for i in index)
    if isinstance(index, list):
        return np.asarray([i.item() if isinstance(i, GraphValue) else i for i in index])
    return index


