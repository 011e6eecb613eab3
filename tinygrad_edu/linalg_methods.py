"""Floor 3: PyTorch's Tensor methods for matrices: trace, inner, kron, vdot, cross, det, slogdet,
inverse, pinverse, matrix_power, cholesky.

A mixin of :class:`~tinygrad_edu.reduce_methods.ReduceMethods` (so of ``Methods``): products are
compositions of existing methods; det, inverse, pinverse and cholesky call the ops of
``ops/linalg2.py`` (numpy forward, backward written with ops).
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np

from .dims import numpy_names, wrap_dim
from .dtypes import get_default_dtype
from .ops import Cat
from .ops.linalg2 import Cholesky, Det, Inverse, LogAbsDet, Pinv, SvdVals, square

if TYPE_CHECKING:
    from .value import Value

__all__ = ["LinalgMethods", "RESULTS", "torch_type", "at_index", "SOLVE_REMOVED"]

RESULTS = {name: namedtuple(name, fields) for name, fields in [
    ("cummax", "values indices"), ("cummin", "values indices"), ("median", "values indices"),
    ("nanmedian", "values indices"), ("mode", "values indices"), ("kthvalue", "values indices"),
    ("aminmax", "min max"), ("histogram", "hist bin_edges"), ("slogdet", "sign logabsdet"),
    ("svd", "U S V"), ("qr", "Q R")]}
SOLVE_REMOVED = ("This function was deprecated since version 1.9 and is now removed. `torch.solve` is "
                 "deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has its arguments "
                 "reversed and does not return the LU factorization.")
_TYPES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "float64": "Double", "float32": "Float"}


def torch_type(dtype: Any) -> str:
    """PyTorch's short name of a dtype in its kernel messages ('Long', 'Float')."""
    return _TYPES.get(str(dtype), str(dtype))


def at_index(ndim: int, d: int, index: Any) -> tuple:
    """An index that takes ``index`` (a slice or int) along axis ``d`` and everything elsewhere."""
    return (slice(None),) * d + (index,) + (slice(None),) * (ndim - d - 1)


class LinalgMethods:
    """Mixin: matrix functions."""

    __slots__ = ()
    _data: Any
    _rg: bool

    def trace(self) -> Value:
        """The sum of the main diagonal of a matrix."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        k = np.arange(min(self.shape))
        return self._wide(None)[k, k].sum()

    def inner(self, other: Any) -> Value:
        """The sum over the last axes of self and other (every pair of their other indices)."""
        if self.ndim == 0 or np.ndim(other._data) == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                               f"shapes {list(self.shape)} and {list(other.shape)}")
        k = self.shape[-1]
        out = self.reshape(-1, k) @ other.reshape(-1, k).transpose(0, 1)
        return out.reshape(tuple(self.shape[:-1]) + tuple(other.shape[:-1]))

    def kron(self, other: Any) -> Value:
        """The Kronecker product: every element of self times the whole of other."""
        n = max(self.ndim, other.ndim)
        a, b = self.reshape((1,) * (n - self.ndim) + tuple(self.shape)), other.reshape(
            (1,) * (n - other.ndim) + tuple(other.shape))
        ax = tuple(s for pair in zip(a.shape, [1] * n) for s in pair)
        bx = tuple(s for pair in zip([1] * n, b.shape) for s in pair)
        return (a.reshape(ax) * b.reshape(bx)).reshape(tuple(i * j for i, j in zip(a.shape, b.shape)))

    def vdot(self, other: Any) -> Value:
        """The dot product of two vectors."""
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        if self.dtype != other.dtype:
            raise RuntimeError(f"vdot : expected both vectors to have same dtype, but found "
                               f"{torch_type(self.dtype)} and {torch_type(other.dtype)}")
        return self.dot(other)

    @numpy_names
    def cross(self, other: Any, dim: Any = None) -> Value:
        """The cross product of 3-vectors along ``dim`` (default: the first axis of size 3)."""
        if self.ndim != other.ndim:
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        shape = np.broadcast_shapes(self.shape, other.shape)
        if dim is None:
            dim = next((i for i, s in enumerate(shape) if s == 3), -1)
        d = wrap_dim(dim, len(shape))
        if shape[d] != 3 or self.shape[d - len(shape) + self.ndim] != 3:
            sizes = [x.shape[dim] if x.ndim else 0 for x in (self, other)]
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                               f"{sizes[0]} and {sizes[1]}")
        a = [self[at_index(self.ndim, d - len(shape) + self.ndim, slice(i, i + 1))] for i in range(3)]
        b = [other[at_index(other.ndim, d - len(shape) + other.ndim, slice(i, i + 1))] for i in range(3)]
        parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
        return Cat.apply(*parts, axis=d)

    def _float_matrix(self, name: str) -> None:
        square(name, self._data)
        if self.dtype.kind != "f":
            raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                               f"Got {torch_type(self.dtype)}")

    def det(self) -> Value:
        """The determinant (of each matrix of a batch)."""
        self._float_matrix("linalg.det")
        return Det.apply(self)

    def slogdet(self) -> Any:
        """(sign, log|det|): the determinant without overflow."""
        self._float_matrix("linalg.slogdet")
        return RESULTS["slogdet"](self._const(np.linalg.slogdet(self._data)[0]), LogAbsDet.apply(self))

    def inverse(self) -> Value:
        """The matrix inverse (of each matrix of a batch)."""
        self._float_matrix("linalg.inv")
        return Inverse.apply(self)

    def pinverse(self, rcond: float = 1e-15) -> Value:
        """The Moore-Penrose pseudo-inverse."""
        return Pinv.apply(self, rtol=rcond)

    def matrix_power(self, n: int) -> Value:
        """The matrix to the integer power n (n < 0: of its inverse), by repeated squaring."""
        if self.ndim < 2 or self.shape[-1] != self.shape[-2]:
            square("linalg.matrix_power", self._data)
        if n < 0:
            return self.inverse().matrix_power(-n)
        eye = np.broadcast_to(np.eye(self.shape[-1], dtype=self.dtype), self.shape)
        out, base = None, self
        while n:
            if n & 1:
                out = base if out is None else out @ base
            n >>= 1
            if n:
                base = base @ base
        return self * 0 + self._const(eye.copy()) if out is None else out  # n = 0: I, zero gradient

    def cholesky(self, upper: bool = False) -> Value:
        """The Cholesky factor L (L L^T = self), or U = L^T when ``upper``."""
        low = Cholesky.apply(self)
        return low.transpose(-2, -1) if upper else low

    def svd(self, some: bool = True, compute_uv: bool = True) -> Any:
        """(U, S, V) with self = U diag(S) V^T (the old torch.svd: V, not Vh). S is
        differentiable (once); U and V come back without a graph."""
        u, _, vh = np.linalg.svd(self._data, full_matrices=not some)
        if not compute_uv:
            u, vh = np.zeros_like(u), np.zeros_like(vh)
        v = self._const(np.swapaxes(vh, -1, -2).copy())
        return RESULTS["svd"](self._const(u), SvdVals.apply(self), v)

    def qr(self, some: bool = True) -> Any:
        """(Q, R) with self = Q R, Q orthonormal, R upper triangular. No graph."""
        q, r = np.linalg.qr(self._data, mode="reduced" if some else "complete")
        return RESULTS["qr"](self._const(q), self._const(r))

    def solve(self, other: Any) -> Any:
        """Removed in PyTorch (use torch.linalg.solve): raises its error."""
        raise RuntimeError(SOLVE_REMOVED)

    def cov(self, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Value:
        """The covariance of the rows (variables) over the columns (observations)."""
        if self.ndim > 2:
            raise ValueError(f"cov(): expected input to have two or fewer dimensions but got an input "
                             f"with {self.ndim} dimensions")
        x = self.reshape(1, -1) if self.ndim < 2 else self
        x = x if x.dtype.kind == "f" else x.to(get_default_dtype())
        w = None
        for weights in (fweights, aweights):
            if weights is not None:
                weights = weights.to(x.dtype)
                w = weights if w is None else w * weights
        n = x.shape[1]
        wsum = n if w is None else w.sum()
        avg = (x.sum(1) if w is None else (x * w).sum(1)) / wsum
        if w is None:
            factor = n - correction
        elif aweights is None:
            factor = wsum - correction
        else:
            factor = wsum - correction * (w * aweights.to(x.dtype)).sum() / wsum
        xm = x - avg.unsqueeze(1)
        factor = max(factor, 0) if not hasattr(factor, "_data") else factor.clamp(min=0)
        c = (xm if w is None else xm * w) @ xm.transpose(0, 1) / factor
        return c.reshape(()) if self.ndim < 2 else c

    def corrcoef(self) -> Value:
        """Pearson's correlation coefficients of the rows, clamped to [-1, 1]."""
        c = self.cov()
        if c.ndim == 0:
            return c / c
        sd = c.diagonal().sqrt()
        return (c / sd.unsqueeze(1) / sd.unsqueeze(0)).clamp(-1, 1)
