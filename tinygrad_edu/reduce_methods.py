"""Floor 3: PyTorch's Tensor methods for reductions and statistics.

A mixin of :class:`~tinygrad_edu.methods.Methods`: each method is a line or a few composing
existing ops, so gradients, higher order, version checks and explain come for free. Top-level twins
and in-place variants come from the rules in functions.py.

Selections (median, kthvalue, mode, cummax, quantile) find their indices with numpy and read the
values with ``gather``, so the gradient goes to the chosen elements as in PyTorch. Products and
scans (prod, cumprod, logcumsumexp) are trees and doubling scans of Mul and logaddexp: exact at
zeros, in log2(n) ops. Matrix functions are in ``linalg_methods.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .dims import numpy_names, wrap_dim, wrap_dims
from .linalg_methods import RESULTS, LinalgMethods, at_index, torch_type
from .ops import Cat, Where
from .ops.linalg2 import SvdVals
from .ops.reduce2 import Cumsum

if TYPE_CHECKING:
    from .value import Value

__all__ = ["ReduceMethods", "vector_norm"]

_at = at_index


def _doubling_scan(x: Value, d: int, combine: Callable[[Value, Value], Value]) -> Value:
    """Inclusive scan along ``d`` in log2(n) steps: y_i = combine(y_{i-s}, y_i) for s = 1, 2, 4..."""
    n, s = x.shape[d], 1
    while s < n:
        head, tail = x[_at(x.ndim, d, slice(0, s))], x[_at(x.ndim, d, slice(s, n))]
        x = Cat.apply(head, combine(x[_at(x.ndim, d, slice(0, n - s))], tail), axis=d)
        s *= 2
    return x


def _logaddexp(a: Value, b: Value) -> Value:
    """log(e^a + e^b), computed as max + log(1 + e^-|a - b|) (stable for large values)."""
    big = Where.apply(a, b, cond=a._data >= b._data)
    diff = Where.apply(0.0, a - b, cond=a._data == b._data)  # -inf - -inf would be nan
    return big + (diff.abs().neg().exp() + 1).log()


def _nans(data: np.ndarray, d: int) -> Any:
    """How many nans each slice along ``d`` holds (kept as size 1)."""
    return np.isnan(data).sum(axis=d, keepdims=True) if data.dtype.kind == "f" else np.zeros((), int)


def _safe_root(s: Value, root: Callable[[Value], Value]) -> Value:
    """``root(s)``, with value and gradient 0 where s == 0 (PyTorch's norm at the origin)."""
    zero = s._data == 0
    if not zero.any():
        return root(s)
    return Where.apply(0.0, root(Where.apply(1.0, s, cond=zero)), cond=zero)


def vector_norm(x: Value, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
                name: str = "linalg.vector_norm") -> Value:
    """The ``ord``-norm of x over ``dim`` (all elements by default): torch.linalg.vector_norm."""
    x = x if dtype is None else x.to(dtype)
    if x.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {torch_type(x.dtype)}")
    if isinstance(dim, (list, tuple)) and not dim:
        dim = None
    a = x.abs()
    if ord == float("inf"):
        return a.amax(dim, keepdim)
    if ord == -float("inf"):
        return a.amin(dim, keepdim)
    if ord == 0:
        return (a * 0).sum(dim, keepdim) + x._from_op((x._data != 0).sum(
            axis=None if dim is None else wrap_dims(dim, x.ndim), keepdims=keepdim).astype(x.dtype), None)
    if ord == 1:
        return a.sum(dim, keepdim)
    if ord == 2:
        return _safe_root((x * x).sum(dim, keepdim), lambda s: s.sqrt())
    return _safe_root((a ** ord).sum(dim, keepdim), lambda s: s ** (1.0 / ord))


class ReduceMethods(LinalgMethods):
    """Mixin: reductions and statistics (and, from LinalgMethods, matrix functions)."""

    __slots__ = ()
    _data: Any
    _rg: bool

    # ------------------------------------------------------------------ helpers
    def _const(self, data: Any) -> Value:
        return self._from_op(np.asarray(data)[()] if np.ndim(data) == 0 else np.asarray(data), None)

    def _count(self, dim: Any) -> int:
        """How many elements a reduction over ``dim`` (None: all) combines."""
        if dim is None or (isinstance(dim, (list, tuple)) and not dim):
            return int(self._data.size)
        return int(np.prod([self.shape[d] for d in wrap_dims(dim, self.ndim)])) if self.ndim else 1

    def _need_float(self, what: str) -> None:
        if self.dtype.kind != "f":
            raise RuntimeError(what)

    def _wide(self, dtype: Any) -> Value:
        """Self cast to ``dtype``; integers and bools widened to int64 (PyTorch's sums/products)."""
        if dtype is not None:
            return self.to(dtype)
        return self.to(np.int64) if self.dtype.kind in "biu" and self.dtype != np.int64 else self

    def _pick(self, index: np.ndarray, d: int, keepdim: bool) -> tuple[Value, Value]:
        """(values, indices) at ``index`` (one per slice along d, kept as size 1): a gather."""
        index = index.astype(np.int64)
        values = self.gather(d, self._const(index))
        if not keepdim:
            values, index = values.squeeze(d), np.squeeze(index, d)
        return values, self._const(index)

    def _sorted_along(self, d: int) -> np.ndarray:
        """The stable order of the data along ``d`` (nans last)."""
        return np.argsort(self._data, axis=d, kind="stable")

    # ------------------------------------------------------------------ moments
    @numpy_names
    def var(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: Any = None) -> Value:
        """sum((x - mean)^2) / (n - correction) over ``dim`` (correction 1: Bessel's, the default)."""
        if isinstance(dim, bool):  # x.var(False): the old positional unbiased
            dim, unbiased = None, dim
        self._need_float("std and var only support floating point and complex dtypes")
        c = (1 if unbiased else 0) if correction is None else correction
        d = self - self.mean(dim, keepdim=True)
        return (d * d).sum(dim, keepdim) / max(self._count(dim) - c, 0)

    @numpy_names
    def std(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: Any = None) -> Value:
        """The square root of :meth:`var`."""
        return self.var(dim, unbiased, keepdim, correction=correction).sqrt()

    @numpy_names
    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Value:
        """The sum with nans counted as zero."""
        x = self._wide(dtype)
        return x.sum(dim, keepdim) if x.dtype.kind != "f" else \
            Where.apply(0.0, x, cond=np.isnan(x._data)).sum(dim, keepdim)

    @numpy_names
    def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Value:
        """The mean of the elements that are not nan."""
        x = self if dtype is None else self.to(dtype)
        if x.dtype.kind != "f":
            raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                               f"but got {torch_type(x.dtype)}")
        axis = None if dim is None else wrap_dims(dim, x.ndim)
        count = (~np.isnan(x._data)).sum(axis=axis, keepdims=keepdim)
        return x.nansum(dim, keepdim) / x._const(count.astype(x.dtype))

    @numpy_names
    def count_nonzero(self, dim: Any = None) -> Value:
        """How many elements are not zero (int64)."""
        axis = None if dim is None else wrap_dims(dim, self.ndim)
        return self._const(np.count_nonzero(self._data, axis=axis if self.ndim else None)).to(np.int64)

    @numpy_names
    def aminmax(self, *, dim: Any = None, keepdim: bool = False) -> Any:
        """(amin, amax) over ``dim`` (all elements by default)."""
        return RESULTS["aminmax"](self.amin(dim, keepdim), self.amax(dim, keepdim))

    # ------------------------------------------------------------------ products and scans
    @numpy_names
    def prod(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Value:
        """The product over ``dim`` (all elements by default): a tree of pairwise Mul ops, so the
        gradient is exact where elements are zero."""
        x = self._wide(dtype)
        if dim is None:
            x, d, keepdim = x.reshape(-1), 0, False
        elif x.ndim == 0:
            wrap_dim(dim, 0)
            return x * 1
        else:
            d = wrap_dim(dim, x.ndim)
        if x.shape[d] == 0:
            return x.sum(d, keepdim) + 1
        while x.shape[d] > 1:
            n, h = x.shape[d], x.shape[d] // 2
            y = x[_at(x.ndim, d, slice(0, h))] * x[_at(x.ndim, d, slice(h, 2 * h))]
            x = Cat.apply(y, x[_at(x.ndim, d, slice(2 * h, n))], axis=d) if n % 2 else y
        return x if keepdim else x.squeeze(d)

    @numpy_names
    def cumsum(self, dim: int, *, dtype: Any = None) -> Value:
        """Running sum along ``dim``."""
        x = self._wide(dtype)
        return Cumsum.apply(x, axis=wrap_dim(dim, max(x.ndim, 1)) if x.ndim else 0)

    @numpy_names
    def cumprod(self, dim: int, *, dtype: Any = None) -> Value:
        """Running product along ``dim``: a doubling scan of Mul (exact at zeros)."""
        x = self._wide(dtype)
        d = wrap_dim(dim, max(x.ndim, 1))
        return _doubling_scan(x, d, lambda a, b: a * b) if x.ndim else x * 1

    @numpy_names
    def logcumsumexp(self, dim: int) -> Value:
        """log of the running sum of e^x along ``dim``: a doubling scan of logaddexp (stable)."""
        if self.dtype.kind != "f":
            raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for '
                                      f"'{torch_type(self.dtype)}'")
        d = wrap_dim(dim, max(self.ndim, 1))
        return _doubling_scan(self, d, _logaddexp) if self.ndim else self * 1

    def _cum_extreme(self, name: str, dim: int, acc: Any) -> Any:
        d = wrap_dim(dim, max(self.ndim, 1))
        if self.ndim == 0:
            return RESULTS[name](self * 1, self._const(np.int64(0)))
        x = self._data
        run = acc.accumulate(x, axis=d)
        pos = np.arange(x.shape[d]).reshape((-1,) + (1,) * (x.ndim - d - 1))
        hit = (x == run) | (np.isnan(x) if x.dtype.kind == "f" else False)
        index = np.maximum.accumulate(np.where(hit, pos, 0), axis=d).astype(np.int64)
        return RESULTS[name](self.gather(d, self._const(index)), self._const(index))

    @numpy_names
    def cummax(self, dim: int) -> Any:
        """(running max, its index) along ``dim``; a tie moves the index to the later element."""
        return self._cum_extreme("cummax", dim, np.maximum)

    @numpy_names
    def cummin(self, dim: int) -> Any:
        """(running min, its index) along ``dim``."""
        return self._cum_extreme("cummin", dim, np.minimum)

    # ------------------------------------------------------------------ order statistics
    def _order_stat(self, name: str, dim: Any, keepdim: bool, rank: Callable[[np.ndarray, int], Any]) -> Any:
        """The element of sorted rank ``rank(order, d)`` (per slice) along ``dim``: a gather."""
        x = self if dim is not None else self.reshape(-1)
        d = 0 if dim is None or self.ndim == 0 else wrap_dim(dim, self.ndim)
        if x.ndim == 0:
            return RESULTS[name](x * 1, self._const(np.int64(0)))
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        order = x._sorted_along(d)
        k = np.broadcast_to(rank(x._data, d), order.take([0], axis=d).shape)
        values, index = x._pick(np.take_along_axis(order, k, axis=d), d, keepdim)
        return values if dim is None else RESULTS[name](values, index)

    @numpy_names
    def median(self, dim: Any = None, keepdim: bool = False) -> Any:
        """The lower median (nan if the slice has a nan); with ``dim``, (values, indices)."""
        if dim is None and self.numel() == 0:
            return self._const(np.array(np.nan, dtype=self.dtype))

        def rank(data: np.ndarray, d: int) -> Any:
            n, nans = data.shape[d], _nans(data, d)
            return np.where(nans > 0, n - nans, (n - 1) // 2)

        return self._order_stat("median", dim, keepdim, rank)

    @numpy_names
    def nanmedian(self, dim: Any = None, keepdim: bool = False) -> Any:
        """The lower median of the elements that are not nan (nan for a slice of nans only)."""
        if dim is None and self.numel() == 0:
            return self._const(np.array(np.nan, dtype=self.dtype))

        def rank(data: np.ndarray, d: int) -> Any:
            valid = data.shape[d] - _nans(data, d)
            return np.maximum((valid - 1) // 2, 0)

        return self._order_stat("nanmedian", dim, keepdim, rank)

    @numpy_names
    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        """The k-th smallest element (k from 1) along ``dim``, as (values, indices)."""
        d = wrap_dim(dim, max(self.ndim, 1))
        n = self.shape[d] if self.ndim else 1
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
        return self._order_stat("kthvalue", d, keepdim, lambda data, d: np.array(k - 1))

    @numpy_names
    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        """The most frequent value along ``dim`` (the smallest among equally frequent ones) and
        the index of its last occurrence."""
        d = wrap_dim(dim, max(self.ndim, 1))
        if self.ndim == 0:
            return RESULTS["mode"](self * 1, self._const(np.int64(0)))
        x = np.moveaxis(self._data, d, -1)
        index = np.zeros(x.shape[:-1], dtype=np.int64)
        for row in np.ndindex(x.shape[:-1]):
            values, counts = np.unique(x[row], return_counts=True)
            index[row] = np.flatnonzero(x[row] == values[np.argmax(counts)])[-1]
        values, index = self._pick(np.expand_dims(index, d), d, keepdim)
        return RESULTS["mode"](values, index)

    @numpy_names
    def quantile(self, q: Any, dim: Any = None, keepdim: bool = False, *,
                 interpolation: str = "linear") -> Value:
        """The q-th quantiles over ``dim`` (all elements by default), interpolated between the
        sorted neighbours; nan where the slice has a nan."""
        return self._quantile("quantile", q, dim, keepdim, interpolation)

    @numpy_names
    def nanquantile(self, q: Any, dim: Any = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> Value:
        """:meth:`quantile` of the elements that are not nan."""
        return self._quantile("nanquantile", q, dim, keepdim, interpolation)

    def _quantile(self, name: str, q: Any, dim: Any, keepdim: bool, interpolation: str) -> Value:
        if self.dtype.kind != "f":
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        qs = np.asarray(q._data if hasattr(q, "_data") else q, dtype=self.dtype)
        if qs.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if ((qs < 0) | (qs > 1)).any():
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}" if qs.ndim == 0
                               else f"{name}() q values must be in the range [0, 1]")
        if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                               f"midpoint or nearest. Got {interpolation}")
        d = None if dim is None else wrap_dim(dim, max(self.ndim, 1))
        x = self.reshape(-1) if d is None or self.ndim == 0 else self.movedim(d, -1)
        order = np.argsort(x._data, axis=-1, kind="stable")
        xs = x.gather(-1, x._const(order))
        n = x.shape[-1]
        nans = np.isnan(x._data).sum(axis=-1, keepdims=True)
        valid = n - nans if name == "nanquantile" else np.full_like(nans, n)
        rank = qs.reshape(-1) * (valid - 1)
        if name == "quantile":  # a slice with a nan: the last sorted element (a nan), as PyTorch
            rank = np.where(nans > 0, n - 1.0, rank)
        lo = np.clip(np.floor(rank), 0, n - 1).astype(np.int64)
        hi = np.clip(np.ceil(rank), 0, n - 1).astype(np.int64)
        frac = {"linear": rank - np.floor(rank), "lower": 0 * rank, "higher": (hi > lo) * 1.0,
                "midpoint": (hi > lo) * 0.5, "nearest": (np.round(rank) > lo) * 1.0}[interpolation]
        below = xs.gather(-1, x._const(lo))
        out = below + (xs.gather(-1, x._const(hi)) - below) * x._const(frac.astype(self.dtype))
        out = out.movedim(-1, 0)  # (Q, ...)
        if keepdim:
            kept = [1] * self.ndim if d is None else list(self.shape[:d]) + [1] + list(self.shape[d + 1:])
            out = out.reshape([out.shape[0]] + kept)
        return out.squeeze(0) if qs.ndim == 0 else out

    @numpy_names
    def renorm(self, p: float, dim: int, maxnorm: float) -> Value:
        """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled down to it."""
        d = wrap_dim(dim, self.ndim)
        norms = vector_norm(self, p, tuple(i for i in range(self.ndim) if i != d), keepdim=True)
        over = norms._data > maxnorm
        return self * Where.apply(maxnorm / (norms + 1e-7), 1.0, cond=over)

    # ------------------------------------------------------------------ counting
    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Value:  # noqa: A002
        """Counts of the elements in ``bins`` equal bins over [min, max] (the data's range when
        both are 0); elements outside are ignored. Not differentiable."""
        if self.dtype.kind != "f":
            raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{torch_type(self.dtype)}'")
        lo, hi = (min, max) if (min, max) != (0, 0) or self.numel() == 0 else \
            (float(self._data.min()), float(self._data.max()))
        if lo > hi:
            raise RuntimeError("torch.histc: max must be larger than min")
        lo, hi = (lo - 1, hi + 1) if lo == hi else (lo, hi)
        return self._const(np.histogram(self._data, bins, range=(lo, hi))[0].astype(self.dtype))

    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Any = None,  # noqa: A002
                  density: bool = False) -> Any:
        """(hist, bin_edges): counts (or weights, or a density) of the elements in ``bins``."""
        if self.dtype.kind != "f":
            raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{torch_type(self.dtype)}'")
        edges = bins._data if hasattr(bins, "_data") else bins
        w = None if weight is None else np.asarray(getattr(weight, "_data", weight))
        hist, edges = np.histogram(self._data, edges, range=range, weights=w, density=density)
        hist, edges = self._const(hist.astype(self.dtype)), self._const(edges.astype(self.dtype))
        return RESULTS["histogram"](hist, edges)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Value:
        """How often each value 0, 1, 2... occurs (or the sum of its ``weights``)."""
        if self.ndim != 1 or self.dtype.kind not in "iu" or (self._data < 0).any():
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        w = None if weights is None else np.asarray(getattr(weights, "_data", weights))
        out = np.bincount(self._data, w, minlength)
        return self._const(out if w is None else out.astype(w.dtype if w.dtype.kind == "f" else np.float64))

    # ------------------------------------------------------------------ statistics of data
    def dist(self, other: Any, p: float = 2) -> Value:
        """The p-norm of self - other."""
        return vector_norm(self - other, p, name="linalg.vector_norm")

    @numpy_names
    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Value:
        """torch.norm: a vector norm over ``dim`` ('fro' is the 2-norm), or the nuclear norm."""
        if p == "nuc":
            dims = (-2, -1) if dim is None else dim
            if self.ndim < 2:
                raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
            x = self if dtype is None else self.to(dtype)
            out = SvdVals.apply(x.movedim(tuple(dims), (-2, -1))).sum(-1)
            if keepdim:
                for d in sorted(wrap_dims(dims, self.ndim)):
                    out = out.unsqueeze(d)
            return out
        return vector_norm(self, 2 if p in ("fro", None) else p, dim, keepdim, dtype=dtype)

    @numpy_names
    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Value:
        """The n-th forward difference along ``dim``: x[1:] - x[:-1], n times."""
        if self.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        d = wrap_dim(dim, self.ndim)
        parts = [p for p in (prepend, self, append) if p is not None]
        x = Cat.apply(*[p if hasattr(p, "_data") else self._const(p) for p in parts], axis=d) \
            if len(parts) > 1 else self
        for _ in range(n):
            m = x.shape[d]
            if m == 0:
                break
            later, earlier = _at(x.ndim, d, slice(1, m)), _at(x.ndim, d, slice(0, m - 1))
            x = x[later] - x[earlier] if x.dtype != np.bool_ else x._const(x._data[later] != x._data[earlier])
        return x
