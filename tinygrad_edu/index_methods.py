"""Floor 3: indexing, sorting, comparison and linear-algebra methods of a Value.

:class:`~tinygrad_edu.methods.Methods` inherits these. Each method checks its arguments with
PyTorch's errors, then calls ops: ``gather``, ``sort`` and ``topk`` read elements with
:class:`~tinygrad_edu.ops.Gather` (their gradient is a scatter-add), ``mm``/``bmm``/``mv``/``dot``
are :class:`~tinygrad_edu.ops.MatMul` after a shape check, ``masked_fill`` is
:class:`~tinygrad_edu.ops.Where`. Comparisons are not differentiable: they return bool values.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np

from .dims import numpy_names
from .dtypes import as_data
from .ops import Gather, GetItem, MatMul, ScatterAddDim, Where
from .ops.index import check_index
from .state import GraphValue

if TYPE_CHECKING:
    from .value import Value

__all__ = ["IndexMethods", "SortResult", "TopkResult", "raw", "check_dim"]

SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])


def raw(x: Any) -> np.ndarray:
    """The numbers of a Value (outside any graph), or of an array, list or number."""
    return np.asarray(x.detach().numpy() if isinstance(x, GraphValue) else x)


def check_dim(dim: int, ndim: int) -> int:
    """``dim`` in ``[-ndim, ndim)`` (a 0-d value has one pseudo-axis), made non-negative."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but "
                         f"got {dim})")
    return dim % n


def _order(data: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Indices that sort ``data`` along ``dim``; ties keep their order (NaN counts as largest)."""
    if not descending:
        return np.argsort(data, axis=dim, kind="stable")
    flipped = np.flip(np.argsort(np.flip(data, dim), axis=dim, kind="stable"), dim)
    return data.shape[dim] - 1 - flipped


def _dims(*values: Any) -> str:
    return " and ".join(f"{v.ndim}D" for v in values)


class IndexMethods:
    """PyTorch's indexing, sorting, comparison and matrix methods (see the module docstring)."""

    __slots__ = ()

    # ------------------------------------------------------------------ indexing and linear algebra
    @numpy_names
    def gather(self, dim: int, index: Any) -> Value:
        """``out[i][j] = self[index[i][j]][j]`` for ``dim=0`` (and so on): differentiable in self."""
        if self.ndim == 0:
            return self.reshape(1).gather(dim, raw(index).reshape(1)).reshape(())
        dim, idx = check_dim(dim, self.ndim), raw(index)
        check_index("gather", self.shape, idx, dim)
        return Gather.apply(self, dim=dim, index=idx)

    @numpy_names
    def scatter_add(self, dim: int, index: Any, src: Any) -> Value:
        """A copy of self with ``out[index[i][j]][j] += src[i][j]`` (``dim=0``): differentiable in
        self and src."""
        src = src if isinstance(src, GraphValue) else self._from_op(as_data(src), None)
        if self.ndim == 0:
            return self.reshape(1).scatter_add(dim, raw(index).reshape(1), src.reshape(1)).reshape(())
        if src.dtype != self.dtype:
            raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype (self is "
                               f"{self.dtype}, src is {src.dtype}; convert one with .to(dtype))")
        dim, idx = check_dim(dim, self.ndim), raw(index)
        check_index("scatter_add", self.shape, idx, dim, src=src.shape)
        return ScatterAddDim.apply(self, src, dim=dim, index=idx)

    @numpy_names
    def index_select(self, dim: int, index: Any) -> Value:
        """The slices of self at ``index`` (a 1-D integer value) along ``dim``; differentiable."""
        idx = raw(index)
        if idx.ndim > 1:
            raise IndexError(f"index_select(): Index is supposed to be a vector (got shape "
                             f"{list(idx.shape)})")
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index (got "
                               f"{idx.dtype})")
        dim = check_dim(dim, self.ndim)
        n = self.shape[dim] if self.ndim else 1
        bad = (idx < 0) | (idx >= n)
        if bad.any():
            raise RuntimeError(f"index_select(): INDICES element is out of DATA bounds, "
                               f"id={idx[bad].flat[0]} axis_dim={n} (dimension {dim} has size {n})")
        if self.ndim == 0:
            return self.reshape(1)[idx.reshape(-1)].reshape(idx.shape)
        return GetItem.apply(self, index=(slice(None),) * dim + (idx.reshape(-1),))

    def masked_fill(self, mask: Any, value: Any) -> Value:
        """``value`` where ``mask`` (a bool value broadcastable with self) is True, else self;
        differentiable in self (and in a 0-d value)."""
        m = raw(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{m.dtype} (make one with a comparison, e.g. x > 0, or .bool())")
        if isinstance(value, GraphValue):
            if value.ndim:
                raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but "
                                   f"got tensor with {value.ndim} dimension(s).")
            value = value.to(self.dtype)
        else:
            value = np.asarray(value).astype(self.dtype)
        _check_broadcast(m.shape, self.shape)
        return Where.apply(value, self, cond=m)

    @numpy_names
    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> SortResult:
        """``(values, indices)`` sorted along ``dim``; ties keep their order (always stable).
        The values are differentiable: each gradient goes back to the element it came from."""
        if self.ndim == 0:
            check_dim(dim, 0)
            values, indices = self.reshape(1).sort(0, descending)
            return SortResult(values.reshape(()), indices.reshape(()))
        dim = check_dim(dim, self.ndim)
        idx = _order(raw(self), dim, descending)
        return SortResult(Gather.apply(self, dim=dim, index=idx), self._from_op(idx, None))

    @numpy_names
    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Value:
        return self.sort(dim, descending, stable).indices

    @numpy_names
    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopkResult:
        """The ``k`` largest (or smallest) elements along ``dim`` and their indices, in order."""
        if self.ndim == 0:
            check_dim(dim, 0)
            values, indices = self.reshape(1).topk(k, 0, largest)
            return TopkResult(values.reshape(()), indices.reshape(()))
        dim = check_dim(dim, self.ndim)
        if not 0 <= k <= self.shape[dim]:
            raise RuntimeError(f"selected index k out of range (k={k}, but dimension {dim} has "
                               f"size {self.shape[dim]})")
        idx = _order(raw(self), dim, largest)
        idx = idx[(slice(None),) * dim + (slice(0, k),)]
        return TopkResult(Gather.apply(self, dim=dim, index=idx), self._from_op(idx, None))

    # comparisons: the methods behind the operators, and whole-value tests
    def eq(self, other: Any) -> Value:
        return self == other

    def ne(self, other: Any) -> Value:
        return self != other

    def lt(self, other: Any) -> Value:
        return self < other

    def le(self, other: Any) -> Value:
        return self <= other

    def gt(self, other: Any) -> Value:
        return self > other

    def ge(self, other: Any) -> Value:
        return self >= other

    def all(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None, out: None = None) -> Value:
        """True where every element (along ``dim``, or of the whole value) is nonzero (numpy's
        ``axis``/``keepdims`` spelling too, so that ``np.all(v)`` works)."""
        dim, keepdim = (dim, keepdim) if axis is None else (axis, bool(keepdims))
        dim = None if dim is None else check_dim(dim, self.ndim)
        return self._from_op(np.all(raw(self), axis=dim, keepdims=keepdim and dim is not None), None)

    def any(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None, out: None = None) -> Value:
        """True where some element (along ``dim``, or of the whole value) is nonzero (numpy's
        ``axis``/``keepdims`` spelling too, so that ``np.any(v)`` works)."""
        dim, keepdim = (dim, keepdim) if axis is None else (axis, bool(keepdims))
        dim = None if dim is None else check_dim(dim, self.ndim)
        return self._from_op(np.any(raw(self), axis=dim, keepdims=keepdim and dim is not None), None)

    def equal(self, other: Any) -> bool:
        """True when both have the same shape and the same elements."""
        return self.shape == tuple(np.shape(raw(other))) and bool(np.all(raw(self) == raw(other)))

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Value:
        """Elementwise ``|self - other| <= atol + rtol * |other|`` (bool value)."""
        a, b = raw(self), raw(other)
        _check_broadcast(a.shape, b.shape, both=True)
        return self._from_op(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), None)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """True when :meth:`isclose` holds everywhere."""
        return bool(np.all(raw(self.isclose(other, rtol, atol, equal_nan))))

    # linear algebra: MatMul after PyTorch's shape checks
    def mm(self, mat2: Any) -> Value:
        """Matrix product of two 2-D values."""
        if self.ndim != 2:
            raise RuntimeError(f"self must be a matrix (got a {self.ndim}-D value; use matmul or @)")
        if np.ndim(mat2) != 2:
            raise RuntimeError(f"mat2 must be a matrix (got a {np.ndim(mat2)}-D value; use matmul or @)")
        return MatMul.apply(self, mat2)

    def bmm(self, mat2: Any) -> Value:
        """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p)."""
        if self.ndim != 3:
            raise RuntimeError(f"batch1 must be a 3D tensor (got {self.ndim}D)")
        if np.ndim(mat2) != 3:
            raise RuntimeError(f"batch2 must be a 3D tensor (got {np.ndim(mat2)}D)")
        want, got = [self.shape[0], self.shape[2]], list(np.shape(mat2)[:2])
        if want != got:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"{want} but got: {got}.")
        return MatMul.apply(self, mat2)

    def mv(self, vec: Any) -> Value:
        """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
        if self.ndim != 2 or np.ndim(vec) != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self.ndim}, {np.ndim(vec)}")
        if self.shape[1] != np.shape(vec)[0]:
            n, m = self.shape
            raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({np.shape(vec)[0]})")
        return MatMul.apply(self, vec)

    def dot(self, other: Any) -> Value:
        """Inner product of two 1-D values of the same length."""
        if self.ndim != 1 or np.ndim(other) != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {np.ndim(other)}D tensors")
        n, m = self.shape[0], np.shape(other)[0]
        if n != m:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have "
                               f"the same number of elements, but got {n} and {m} elements respectively")
        return MatMul.apply(self, other)

    def outer(self, vec2: Any) -> Value:
        """Outer product of two 1-D values: ``out[i, j] = self[i] * vec2[j]``."""
        if self.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument self, but got {self.ndim}-D")
        if np.ndim(vec2) != 1:
            raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {np.ndim(vec2)}-D")
        vec2 = vec2 if isinstance(vec2, GraphValue) else self._from_op(as_data(vec2), None)
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    def addmm(self, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Value:
        """``beta * self + alpha * (mat1 @ mat2)``, self broadcast to the product's shape."""
        if np.ndim(mat1) != 2:
            raise RuntimeError(f"mat1 must be a matrix, got {np.ndim(mat1)}-D tensor")
        if np.ndim(mat2) != 2:
            raise RuntimeError(f"mat2 must be a matrix, got {np.ndim(mat2)}-D tensor")
        product = MatMul.apply(mat1, mat2)
        _check_expand(self.shape, product.shape)
        product = product if alpha == 1 else product * alpha
        if beta == 0:  # as in PyTorch, self is ignored (NaN and inf in it do not propagate)
            return product
        return (self if beta == 1 else self * beta) + product


def _check_float(op: str, dtype: np.dtype) -> None:
    if dtype.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for '{dtype}': random floats need a "
                                  f"float value (convert with .double() or .float())")


def _check_broadcast(target: tuple, shape: tuple, both: bool = False) -> None:
    """PyTorch's message when ``shape`` does not broadcast with ``target``."""
    for i in range(1, max(len(target), len(shape)) + 1):
        a = target[-i] if i <= len(target) else 1
        b = shape[-i] if i <= len(shape) else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                               f"non-singleton dimension {max(len(target), len(shape)) - i}")


def _check_expand(shape: tuple, target: tuple) -> None:
    """PyTorch's message when a value of ``shape`` cannot be expanded to ``target``."""
    lead = len(target) - len(shape)
    for i, s in reversed(list(enumerate(shape))):
        if lead < 0 or (s != 1 and s != target[lead + i]):
            d = i + max(lead, 0)
            raise RuntimeError(
                f"The expanded size of the tensor ({target[d] if d < len(target) else '?'}) must "
                f"match the existing size ({s}) at non-singleton dimension {d}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(shape)}")
