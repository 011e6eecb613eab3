"""Floor 3: more of PyTorch's indexing methods: ``take``, ``repeat_interleave``, the ``index_*``
and ``*_scatter`` families, ``scatter``/``scatter_reduce``, ``nonzero``, ``unique``.

A mixin of :class:`~tinygrad_edu.methods.Methods`. Reading elements is indexing (the op
``GetItem``, whose gradient adds back where an element was read twice); writing them is ``SetItem``
(gradient: zero where overwritten, and the written part to the source) or ``ScatterAdd`` (adding).
Integer results (``nonzero``, ``unique``'s inverse and counts) have no graph. Also here: ``new_zeros``
and the other ``new_*`` factories (a new value with self's dtype).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .dims import check_index as check_int_index
from .dims import numpy_names, wrap_dim
from .dtypes import as_data
from .index_methods import check_dim, raw
from .ops import ScatterAdd, SetItem
from .ops.index import check_index, coords
from .shape_methods import shape_arg
from .shape_more import diag_index
from .state import GraphValue

if TYPE_CHECKING:
    from .value import Value

__all__ = ["MoreIndexMethods"]

_TYPES = {"float64": "Double", "float32": "Float", "int64": "Long", "int32": "Int", "bool": "Bool"}


def _name(dtype: np.dtype) -> str:
    return _TYPES.get(str(dtype), str(dtype))


def _vector(op: str, index: Any) -> np.ndarray:
    idx = raw(index)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, but got dim: {idx.ndim} with "
                         f"size: {list(idx.shape)}")
    if idx.dtype.kind not in "iu":
        raise IndexError(f"{op}(): Expected a long tensor for index, but got {idx.dtype}")
    return idx.reshape(-1)


def _others(x: np.ndarray, nonzero: np.ndarray, zeros: np.ndarray) -> np.ndarray:
    """The product of the other factors of each ``x`` in its group, from the group's product of
    nonzero factors and its count of zeros."""
    safe = np.where(x == 0, 1, x)
    return np.where(x != 0, np.where(zeros == 0, nonzero / safe, 0), np.where(zeros == 1, nonzero, 0))


def _size(size: tuple) -> tuple[int, ...]:
    shape = shape_arg(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return shape


class MoreIndexMethods:
    """Mixin: reading and writing elements at indexes (see the module docstring)."""

    __slots__ = ()
    _data: Any
    _rg: bool

    def _as_value(self, x: Any, dtype: Any = None) -> Value:
        return x if isinstance(x, GraphValue) else self._from_op(as_data(x, dtype), None)

    # ------------------------------------------------------------------ reading
    def take(self, index: Any) -> Value:
        """Elements of self read as a flat list at ``index`` (negative counts from the end)."""
        idx, n = raw(index), self.numel()
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {idx[bad].flat[0]} on a tensor of "
                             f"{n} elements.")
        return self.reshape(-1)[idx.astype(np.int64) % max(n, 1)]

    @numpy_names
    def take_along_dim(self, indices: Any, dim: int | None = None) -> Value:
        """``gather`` with self and ``indices`` broadcast against each other except along ``dim``."""
        idx = raw(indices)
        if dim is None:
            return self.reshape(-1).gather(0, idx.reshape(-1))
        dim = check_dim(dim, self.ndim)
        if idx.ndim != self.ndim:
            raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                               f"number of dimensions, but got {self.ndim} dimensions for input, and "
                               f"{idx.ndim} dimensions for indices")
        shape = list(np.broadcast_shapes(*[tuple(s[:dim]) + (1,) + tuple(s[dim + 1:])
                                           for s in (self.shape, idx.shape)]))
        mine, theirs = list(shape), list(shape)
        mine[dim], theirs[dim] = self.shape[dim], idx.shape[dim]
        return self.expand(mine).gather(dim, np.broadcast_to(idx, theirs))

    @numpy_names
    def repeat_interleave(self, repeats: Any = None, dim: int | None = None, *,
                          output_size: int | None = None) -> Value:
        """Each element (or slice along ``dim``) repeated ``repeats`` times, in place in the order.
        ``torch.repeat_interleave(r)`` of a 1-D integer value alone gives ``arange(len(r))`` so."""
        if repeats is None:
            n = self.numel()
            return self._from_op(np.repeat(np.arange(n), self._repeats(raw(self), n)), None)
        x = self.reshape(-1) if dim is None else self
        dim = 0 if dim is None else wrap_dim(dim, self.ndim)
        n = x.shape[dim] if x.ndim else 1
        counts = self._repeats(raw(repeats), n, dim)
        index = np.repeat(np.arange(n), counts)
        return x._along(dim, index) if x.ndim else x.reshape(1)[index]

    def _repeats(self, r: np.ndarray, n: int, dim: int = 0) -> np.ndarray:
        if r.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if r.dtype.kind not in "iu":
            raise RuntimeError(f"repeats has to be Long or Int tensor (got {r.dtype})")
        if r.ndim == 1 and r.size != 1 and r.size != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {r.size} and input.size({dim}) = {n}")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        return np.broadcast_to(r.reshape(-1), (n,))

    def masked_select(self, mask: Any) -> Value:
        """The elements where ``mask`` (broadcast with self) is True, as a 1-D value."""
        m = raw(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(f"masked_select: expected BoolTensor for mask (got {m.dtype})")
        shape = np.broadcast_shapes(self.shape, m.shape)
        return self.expand(shape)[np.broadcast_to(m, shape)]

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        """Indexes of the nonzero elements: one row each (int64), or one 1-D value per axis."""
        where = np.argwhere(np.atleast_1d(raw(self))).astype(np.int64)
        if as_tuple:
            return tuple(self._from_op(where[:, i], None) for i in range(where.shape[1]))
        return self._from_op(where if self.ndim else where[:, :0], None)

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> Value:
        """:meth:`nonzero` cut or padded with ``fill_value`` to ``size`` rows."""
        where = raw(self.nonzero())
        out = np.full((size, where.shape[1]), fill_value, dtype=np.int64)
        out[:min(size, len(where))] = where[:size]
        return self._from_op(out, None)

    def argwhere(self) -> Value:
        return self.nonzero()

    def msort(self) -> Value:
        return self.sort(0).values

    @numpy_names
    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim: int | None = None) -> Any:
        """The distinct elements (or slices along ``dim``), sorted; with their inverse and counts."""
        data = raw(self)
        if dim is not None:
            dim = check_dim(dim, self.ndim)
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, axis=dim,
                                            equal_nan=False)  # as PyTorch: each nan apart
        inverse = inverse.reshape(data.shape if dim is None else (-1,)).astype(np.int64)
        out = [self._from_op(values, None)]
        out += [self._from_op(inverse, None)] if return_inverse else []
        out += [self._from_op(counts.astype(np.int64), None)] if return_counts else []
        return out[0] if len(out) == 1 else tuple(out)

    @numpy_names
    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None) -> Any:
        """Each run of equal elements (or slices along ``dim``) kept once, in order."""
        data = raw(self)
        flat = data.reshape(-1) if dim is None else np.moveaxis(data, check_dim(dim, self.ndim), 0)
        rows = flat.reshape(len(flat), -1)
        new = np.ones(len(flat), dtype=bool)
        new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        keep = flat[new] if dim is None else np.moveaxis(flat[new], 0, check_dim(dim, self.ndim))
        out = [self._from_op(np.ascontiguousarray(keep), None)]
        inverse = np.cumsum(new) - 1
        if return_inverse:
            inverse = inverse.reshape(data.shape if dim is None else -1).astype(np.int64)
            out.append(self._from_op(inverse, None))
        if return_counts:
            out.append(self._from_op(np.diff(np.flatnonzero(np.append(new, True))).astype(np.int64), None))
        return out[0] if len(out) == 1 else tuple(out)

    # ------------------------------------------------------------------ writing along one axis
    def _index_check(self, op: str, dim: int, index: Any, source: Any) -> tuple[int, np.ndarray, Any]:
        idx = _vector(op, index)
        dim = check_dim(dim, self.ndim)
        if source is not None:
            source = self._as_value(source)
            if source.dtype != self.dtype:
                raise RuntimeError(f"{op}(): self ({_name(self.dtype)}) and source ({_name(source.dtype)}) "
                                   f"must have the same scalar type")
            k = source.shape[dim] if source.ndim else 1
            if k != idx.size:
                raise RuntimeError(f"{op}(): Number of indices ({idx.size}) should be equal to "
                                   f"source.size(dim): ({k}), for dim: {dim}")
        n = self.shape[dim] if self.ndim else 1
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise IndexError(f"{op}(): index {idx[bad].flat[0]} is out of bounds for dimension {dim} "
                             f"with size {n}")
        return dim, idx, source

    @numpy_names
    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Value:
        """Self with ``source``'s slices (times ``alpha``) added at ``index`` along ``dim``."""
        dim, idx, source = self._index_check("index_add_", dim, index, source)
        if self.ndim == 0:
            return self + source.reshape(()) * (alpha * idx.size)
        source = source if alpha == 1 else source * alpha
        return self + ScatterAdd.apply(source, index=(slice(None),) * dim + (idx,), shape=self.shape)

    @numpy_names
    def index_copy(self, dim: int, index: Any, source: Any) -> Value:
        """Self with ``source``'s slices written at ``index`` along ``dim``."""
        dim, idx, source = self._index_check("index_copy_", dim, index, source)
        if self.ndim == 0:
            return source.reshape(()).clone() if idx.size else self.clone()
        return SetItem.apply(self, source, index=(slice(None),) * dim + (idx,))

    @numpy_names
    def index_fill(self, dim: int, index: Any, value: Any) -> Value:
        """Self with ``value`` (a number or a 0-d value) written at ``index`` along ``dim``."""
        dim, idx, _ = self._index_check("index_fill_", dim, index, None)
        value = value.to(self.dtype) if isinstance(value, GraphValue) else np.asarray(value, self.dtype)
        if self.ndim == 0:
            return self.reshape(1).index_fill(0, idx, value).reshape(())
        return SetItem.apply(self, value, index=(slice(None),) * dim + (idx,))

    def index_put(self, indices: Any, values: Any, accumulate: bool = False) -> Value:
        """Self with ``self[indices] = values`` (or ``+=`` with ``accumulate``), out of place."""
        index = tuple(raw(i) for i in indices)
        values = self._as_value(values, self.dtype)
        if values.dtype != self.dtype:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{_name(self.dtype)} for the destination and {_name(values.dtype)} for "
                               f"the source.")
        check_int_index(index, self.shape)
        if not accumulate:
            return SetItem.apply(self, values, index=index)
        target = np.shape(self._data[index])
        return self + ScatterAdd.apply(values.expand(target), index=index, shape=self.shape)

    @numpy_names
    def index_reduce(self, dim: int, index: Any, source: Any, reduce: str, *,
                     include_self: bool = True) -> Value:
        """Self with ``source``'s slices combined at ``index`` along ``dim`` by ``reduce`` ("prod",
        "mean", "amax" or "amin"): :meth:`scatter_reduce` with the index spread over the slices."""
        if reduce not in ("prod", "mean", "amax", "amin"):
            raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin "
                               f"but got {reduce}.")
        dim, idx, source = self._index_check("index_reduce_", dim, index, source)
        if self.ndim == 0:
            return self.reshape(1).index_reduce(0, idx, source.reshape(-1), reduce,
                                                include_self=include_self).reshape(())
        shape = [1] * source.ndim
        shape[dim] = -1
        full = np.broadcast_to(idx.reshape(shape), source.shape)
        return self.scatter_reduce(dim, full, source, reduce, include_self=include_self)

    def put(self, index: Any, source: Any, accumulate: bool = False) -> Value:
        """Self, read as a flat list, with ``source`` written (or added) at ``index``."""
        idx, n = raw(index).reshape(-1), self.numel()
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {idx[bad].flat[0]} on a tensor of "
                             f"{n} elements.")
        source = self._as_value(source)
        if source.numel() != idx.size:
            raise RuntimeError(f"put_(): Expected source and index to have the same number of elements, "
                               f"but got source.numel() = {source.numel()}, index.numel() = {idx.size}")
        flat = self.reshape(-1)
        return flat.index_put((idx,), source.reshape(-1), accumulate).reshape(self.shape)

    def masked_scatter(self, mask: Any, source: Any) -> Value:
        """Self with ``source``'s elements, in order, written where ``mask`` is True."""
        m = raw(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                               f"{m.dtype}")
        shape = np.broadcast_shapes(self.shape, m.shape)
        m, source = np.broadcast_to(m, shape), self._as_value(source)
        k = int(m.sum())
        if source.numel() < k:
            raise RuntimeError("masked_scatter: Number of elements of source < number of ones in mask")
        return SetItem.apply(self.expand(shape), source.reshape(-1)[:k], index=m)

    # ------------------------------------------------------------------ writing a slice, a diagonal
    def _scatter_at(self, src: Any, index: tuple, target: tuple) -> Value:
        src = self._as_value(src)
        if tuple(src.shape) != tuple(target):
            raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                               f"{list(src.shape)}, slice size = {list(target)}")
        return SetItem.apply(self, src, index=index)

    @numpy_names
    def select_scatter(self, src: Any, dim: int, index: int) -> Value:
        """Self with ``src`` written at ``self.select(dim, index)``."""
        target = self.select(dim, index).shape
        return self._scatter_at(src, (slice(None),) * wrap_dim(dim, self.ndim) + (int(index),), target)

    @numpy_names
    def slice_scatter(self, src: Any, dim: int = 0, start: int | None = None, end: int | None = None,
                      step: int = 1) -> Value:
        """Self with ``src`` written at ``self[..., start:end:step, ...]`` (the slice at ``dim``)."""
        index = (slice(None),) * wrap_dim(dim, self.ndim) + (slice(start, end, step),)
        return self._scatter_at(src, index, np.shape(self._data[index]))

    def diagonal_scatter(self, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Value:
        """Self with ``src`` written on ``self.diagonal(offset, dim1, dim2)``."""
        target = self.diagonal(offset, dim1, dim2).shape
        d1, d2 = wrap_dim(dim1, self.ndim), wrap_dim(dim2, self.ndim)
        rows, cols = diag_index(self.shape[d1], self.shape[d2], offset)
        index = [slice(None)] * self.ndim
        index[d1], index[d2] = rows, cols
        src = self._as_value(src)
        if tuple(src.shape) != tuple(target):
            return self._scatter_at(src, tuple(index), target)  # raises
        # numpy puts the diagonal axis where the two were (if adjacent) or first; PyTorch last
        src = src.movedim(-1, min(d1, d2) if abs(d1 - d2) == 1 else 0)
        return SetItem.apply(self, src, index=tuple(index))

    # ------------------------------------------------------------------ scatter
    def _scatter_args(self, op: str, dim: int, index: Any, src: Any) -> tuple[int, np.ndarray, Any]:
        dim, idx = check_dim(dim, self.ndim), raw(index)
        if isinstance(src, GraphValue) or isinstance(src, np.ndarray):
            src = self._as_value(src)
            if src.dtype != self.dtype:
                raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
            check_index(op, self.shape, idx, dim, src=src.shape)
            src = src[tuple(slice(0, s) for s in idx.shape)] if src.shape != idx.shape else src
        else:
            check_index(op, self.shape, idx, dim)
            src = self._from_op(np.full(idx.shape, src, dtype=self.dtype), None)
        return dim, idx, src

    @numpy_names
    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None, *,
                reduce: str | None = None) -> Value:
        """Self with ``src[i][j]`` (or ``value``) written at ``out[index[i][j]][j]`` (``dim=0``).
        ``reduce="add"``/``"multiply"`` combine instead (not differentiable, as in PyTorch)."""
        src = value if src is None else src
        if self.ndim == 0:
            return self.reshape(1).scatter(dim, raw(index).reshape(1), src, reduce=reduce).reshape(())
        dim, idx, src = self._scatter_args("scatter", dim, index, src)
        if reduce is None:
            return SetItem.apply(self, src, index=coords(idx, dim))
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply. (got {reduce!r})")
        out = np.array(raw(self), copy=True)
        (np.add if reduce == "add" else np.multiply).at(out, coords(idx, dim), raw(src))
        return self._from_op(out, None)

    @numpy_names
    def scatter_reduce(self, dim: int, index: Any, src: Any, reduce: str, *,
                       include_self: bool = True) -> Value:
        """Self with each ``src[i][j]`` combined into ``out[index[i][j]][j]`` (``dim=0``) by
        ``reduce``: "sum", "prod", "mean", "amax" or "amin"; ``include_self=False`` leaves self's
        numbers out where something is scattered. Ties of amax/amin share the gradient evenly;
        the gradient of "prod" is first-order only (the other factors are taken as constants)."""
        reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # PyTorch takes these too
        if reduce not in ("sum", "prod", "mean", "amax", "amin"):
            raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
        if self.ndim == 0:
            return self.reshape(1).scatter_reduce(dim, raw(index).reshape(1), self._as_value(src).reshape(1),
                                                  reduce, include_self=include_self).reshape(())
        dim, idx, src = self._scatter_args("scatter_reduce", dim, index, src)
        at = coords(idx, dim)
        hit = np.zeros(self.shape, dtype=bool)
        hit[at] = True
        base = self if include_self else self.masked_fill(self._from_op(hit, None), 0)
        if reduce in ("sum", "mean"):
            out = base.scatter_add(dim, idx, src)
            if reduce == "sum":
                return out
            count = np.zeros(self.shape, dtype=np.int64)
            np.add.at(count, at, 1)
            count += include_self | ~hit
            if self.dtype.kind == "f":
                return out / count
            return self._from_op(raw(out) // count, None)  # integers: floor division, no graph
        data = np.array(raw(self), copy=True)
        ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
        if not include_self:
            data[hit] = {"prod": 1, "amax": -np.inf, "amin": np.inf}[reduce] if self.dtype.kind == "f" else (
                {"prod": 1, "amax": np.iinfo(self.dtype).min, "amin": np.iinfo(self.dtype).max}[reduce])
        ufunc.at(data, at, raw(src))
        result = self._from_op(data, None)
        if self.dtype.kind != "f":
            return result
        if reduce == "prod":  # d out / d x = the product of the other factors (zeros counted apart)
            mine = hit & include_self
            x, y = raw(self), raw(src)
            nonzero, zeros = np.where(mine & (x != 0), x, 1), (mine & (x == 0)).astype(np.int64)
            np.multiply.at(nonzero, at, np.where(y == 0, 1, y))
            np.add.at(zeros, at, y == 0)
            d_src = _others(y, nonzero[at], zeros[at])
            d_self = np.where(mine, _others(x, nonzero, zeros), ~hit)
            part = ScatterAdd.apply((src - src.detach()) * d_src, index=at, shape=self.shape)
            return result + part + (self - self.detach()) * d_self
        tie_self = raw(self) == data  # PyTorch counts self's ties even with include_self=False
        tie_src = raw(src) == data[at]
        count = tie_self.astype(np.int64)
        np.add.at(count, at, tie_src)
        total = ScatterAdd.apply(src * tie_src, index=at, shape=self.shape)
        total = total + self * (tie_self & hit & include_self)
        total = total / np.maximum(count, 1)
        return result + (total - total.detach()) + (self - self.detach()) * ~hit

    # ------------------------------------------------------------------ new values like self
    def _new(self, data: Any, dtype: Any, requires_grad: bool) -> Value:
        out = self._from_op(as_data(data, self.dtype if dtype is None else dtype), None)
        return out.requires_grad_() if requires_grad else out

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Value:
        return self._new(np.zeros(_size(size)), dtype, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Value:
        return self._new(np.ones(_size(size)), dtype, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Value:
        return self._new(np.zeros(_size(size)), dtype, requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Value:
        return self._new(np.full(_size((size,)), fill_value), dtype, requires_grad)

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> Value:
        data = data.detach().numpy() if isinstance(data, GraphValue) else data
        return self._new(np.array(data, copy=True), dtype, requires_grad)
