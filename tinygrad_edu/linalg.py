"""``torch.linalg``: norms, det, inv, solve, pinv, matrix_power, cross, svd, qr, eigh, cholesky,
slogdet. Each is a line or a few over the Tensor methods (``reduce_methods.py``,
``linalg_methods.py``) and the ops of ``ops/linalg2.py``: numpy computes the forward, the backward
is written with ops.

Gradients: det, slogdet, inv, solve, pinv, cholesky, matrix_power, cross and the norms are twice
differentiable; svdvals and eigvalsh once. The singular vectors of :func:`svd` and the
eigenvectors of :func:`eigh` and the factors of :func:`qr` come back without a graph (their
gradients are not implemented: docs/pytorch-differences.md).

The module also holds the top-level functions whose signature is not "method of the first
argument" (``torch.einsum``, ``tensordot``, ``cdist``, ``cartesian_prod``, ``block_diag``,
``chain_matmul``, ``var_mean``, ``std_mean``); the package imports them (``TOPLEVEL``).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .dims import numpy_names, wrap_dim, wrap_dims
from .dtypes import as_data, get_default_dtype
from .linalg_methods import at_index
from .ops import Cat, Stack
from .ops.linalg2 import EigvalsH, EinSum, Solve, SvdVals, lapack, square
from .reduce_methods import vector_norm
from .value import Value

__all__ = ["norm", "vector_norm", "matrix_norm", "det", "slogdet", "inv", "solve", "pinv",
           "matrix_power", "cross", "svd", "svdvals", "qr", "eigh", "eigvalsh", "cholesky", "matrix_rank"]
TOPLEVEL = ["einsum", "tensordot", "cdist", "cartesian_prod", "block_diag", "chain_matmul", "var_mean",
            "std_mean", "frobenius_norm", "nuclear_norm", "trapezoid", "trapz", "cumulative_trapezoid",
            "vander", "histogramdd", "removed_matrix_rank (as matrix_rank)"]

_SVD = namedtuple("svd", ["U", "S", "Vh"])
_QR = namedtuple("qr", ["Q", "R"])
_EIGH = namedtuple("eigh", ["eigenvalues", "eigenvectors"])
_HISTOGRAMDD = namedtuple("histogramdd", ["hist", "bin_edges"])


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(as_data(x))


def _const(like: Value, data: Any) -> Value:
    data = np.array(data)
    return like._from_op(data[()] if data.ndim == 0 else data, None)


def matrix_norm(A: Any, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Value:
    """'fro', 'nuc', 1, -1, 2, -2, inf or -inf norm of the matrices in ``dim``."""
    A = _v(A) if dtype is None else _v(A).to(dtype)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if A.dtype.kind != "f":
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. "
                           f"Got {A.dtype}")
    r, c = wrap_dims(dim, A.ndim)
    if ord == "fro":
        return vector_norm(A, 2, (r, c), keepdim)
    if ord in ("nuc", 2, -2):
        s = SvdVals.apply(A.movedim((r, c), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        for d in sorted((r, c)) if keepdim else ():
            out = out.unsqueeze(d)
        return out
    if ord not in (1, -1, float("inf"), -float("inf")):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    across, along = (r, c) if abs(ord) == 1 else (c, r)  # 1: max column sum; inf: max row sum
    sums = A.abs().sum(across, keepdim=True)
    out = sums.amax(along, keepdim=True) if ord > 0 else sums.amin(along, keepdim=True)
    return out if keepdim else out.squeeze((r, c))


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Value:
    """A vector norm (1-D input or an int ``dim``) or a matrix norm (2-D input or two dims);
    without ``ord`` and ``dim``, the 2-norm of all elements."""
    A = _v(A)
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, name="linalg.norm")
    if dim is None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or "
                           f"2D. Got {A.ndim}D.")
    if (dim is None and A.ndim == 2) or (dim is not None and len(dim) == 2):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Order {ord} not supported.")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def det(A: Any) -> Value:
    return _v(A).det()


def slogdet(A: Any) -> Any:
    return _v(A).slogdet()


def inv(A: Any) -> Value:
    return _v(A).inverse()


def pinv(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Value:
    """The pseudo-inverse, cutting singular values below ``rtol`` times the largest."""
    if atol is not None:
        raise NotImplementedError("linalg.pinv: atol is not supported (use rtol)")
    A = _v(A)
    return A.pinverse(1e-15 * max(A.shape[-2:]) if rtol is None else rtol)


def matrix_power(A: Any, n: int) -> Value:
    return _v(A).matrix_power(n)


def cholesky(A: Any, *, upper: bool = False) -> Value:
    return _v(A).cholesky(upper)


def cross(input: Any, other: Any, *, dim: int = -1) -> Value:  # noqa: A002
    return _v(input).cross(_v(other), dim)


def solve(A: Any, B: Any, *, left: bool = True) -> Value:
    """X with A X = B (``left=False``: X A = B). B is a batch of vectors when it has one axis
    fewer than A and matches A's leading shape, as in PyTorch."""
    A, B = _v(A), _v(B)
    if not left:
        return solve(A.transpose(-2, -1), B.transpose(-2, -1)).transpose(-2, -1)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype} and B of type {B.dtype} instead")
    return Solve.apply(A, B, vector=vector)


def svdvals(A: Any) -> Value:
    """The singular values, largest first (differentiable once)."""
    return SvdVals.apply(_v(A))


def svd(A: Any, full_matrices: bool = True) -> Any:
    """(U, S, Vh) with A = U diag(S) Vh. S is differentiable (once); U and Vh have no graph."""
    A = _v(A)
    u, _, vh = np.linalg.svd(A._data, full_matrices=full_matrices)
    return _SVD(_const(A, u), svdvals(A), _const(A, vh))


def qr(A: Any, mode: str = "reduced") -> Any:
    """(Q, R) with A = Q R, Q orthonormal, R upper triangular. No graph (not differentiable here)."""
    A = _v(A)
    q, r = np.linalg.qr(A._data, mode=mode)
    return _QR(_const(A, q), _const(A, r))


def eigvalsh(A: Any, UPLO: str = "L") -> Value:
    """The eigenvalues of a symmetric matrix, ascending (differentiable once)."""
    A = _v(A)
    square("linalg.eigh", A._data)
    tri = A.tril() if UPLO == "L" else A.triu()  # the triangle read, mirrored
    sym = tri + (A.tril(-1) if UPLO == "L" else A.triu(1)).transpose(-2, -1)
    return EigvalsH.apply(sym)


def eigh(A: Any, UPLO: str = "L") -> Any:
    """(eigenvalues, eigenvectors) of a symmetric matrix; the eigenvectors have no graph."""
    A = _v(A)
    _, vectors = lapack("linalg.eigh", np.linalg.eigh, A._data, UPLO)
    return _EIGH(eigvalsh(A, UPLO), _const(A, vectors))


def matrix_rank(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Value:
    """How many singular values exceed max(atol, rtol * the largest) (int64, no graph)."""
    A = _v(A)
    s = np.linalg.svd(A._data, compute_uv=False)
    eps = np.finfo(A.dtype).eps * max(A.shape[-2:]) if rtol is None and atol is None else (rtol or 0.0)
    tol = np.maximum(atol or 0.0, eps * s.max(axis=-1, initial=0.0))
    return _const(A, (s > np.expand_dims(tol, -1)).sum(-1).astype(np.int64))


# ------------------------------------------------------------------ top-level functions
@numpy_names
def frobenius_norm(input: Any, dim: Any = (-2, -1), keepdim: bool = False) -> Value:  # noqa: A002
    """The 2-norm of all elements over ``dim`` (kept for old code: linalg.vector_norm)."""
    return vector_norm(_v(input), 2, dim, keepdim)


@numpy_names
def nuclear_norm(input: Any, dim: Any = (-2, -1), keepdim: bool = False) -> Value:  # noqa: A002
    """The sum of the singular values (kept for old code: linalg.matrix_norm(A, 'nuc'))."""
    return matrix_norm(_v(input), "nuc", dim, keepdim)

def einsum(equation: str, *operands: Any) -> Value:
    """Sums of products over the repeated subscripts of ``equation`` ('ij,jk->ik'); its gradient
    is another einsum. The operands may also come as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return EinSum.apply(*[_v(x) for x in operands], eq=equation)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Value:
    """Sum over the last ``dims`` axes of a and the first of b (or the two lists of axes)."""
    a, b = _v(a), _v(b)
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in (dims[0], dims[1]))
    da, db = wrap_dims(da, a.ndim) if da else (), wrap_dims(db, b.ndim) if db else ()
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in "
                               f"dim {i} and second has size {b.shape[j]} in dim {j}")
        sb[j] = sa[i]
    out = [c for k, c in enumerate(sa) if k not in da] + [c for k, c in enumerate(sb) if k not in db]
    return EinSum.apply(a, b, eq="".join(sa) + "," + "".join(sb) + "->" + "".join(out))


def cdist(x1: Any, x2: Any, p: float = 2.0, compute_mode: Any = None) -> Value:
    """The p-norm distance between each row of x1 and each row of x2 (batched)."""
    x1, x2 = _v(x1), _v(x2)
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.ndim < 2 else 2} got: "
                           f"{min(x1.ndim, x2.ndim)}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
                           f"X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1)


def cartesian_prod(*tensors: Any) -> Value:
    """Every combination of one element from each 1-D tensor, as rows."""
    ts = [_v(t) for t in tensors]
    if len(ts) == 1:
        return ts[0] * 1
    shape = tuple(t.shape[0] for t in ts)
    grids = [t.reshape(tuple(-1 if k == i else 1 for k in range(len(ts)))).expand(*shape)
             for i, t in enumerate(ts)]
    return Stack.apply(*grids, axis=-1).reshape(-1, len(ts))


def block_diag(*tensors: Any) -> Value:
    """The tensors (0-, 1- or 2-D) placed along the diagonal of a zero matrix."""
    ts = [_v(t) for t in tensors]
    ts = [t.reshape(1, 1) if t.ndim == 0 else t.reshape(1, -1) if t.ndim == 1 else t for t in ts]
    for i, t in enumerate(ts):
        if t.ndim != 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                               f"{i} has {t.ndim} dimensions")
    floats = [t.dtype for t in ts if t.dtype.kind == "f"]  # PyTorch: a float wins over the integers
    dtype = np.result_type(*(floats or [t.dtype for t in ts])) if ts else np.float32
    width, left, rows = sum(t.shape[1] for t in ts), 0, []
    for t in ts:
        right = width - left - t.shape[1]
        parts = [_const(t, np.zeros((t.shape[0], left), dtype)), t.to(dtype),
                 _const(t, np.zeros((t.shape[0], right), dtype))]
        rows.append(Cat.apply(*parts, axis=1))
        left += t.shape[1]
    return Cat.apply(*rows, axis=0) if rows else Value(np.zeros((0, 0), dtype=np.float32))


def chain_matmul(*matrices: Any) -> Value:
    """The product of the matrices, left to right."""
    out = _v(matrices[0])
    for m in matrices[1:]:
        out = out @ m
    return out


@numpy_names
def var_mean(input: Any, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Value, Value]:
    """(var, mean) over ``dim``."""
    x = _v(input)
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return x.var(dim, unbiased, keepdim, correction=correction), x.mean(dim, keepdim)


@numpy_names
def std_mean(input: Any, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Value, Value]:
    """(std, mean) over ``dim``."""
    x = _v(input)
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return x.std(dim, unbiased, keepdim, correction=correction), x.mean(dim, keepdim)


def _trapezoids(y: Any, x: Any, dx: Any, dim: int, name: str) -> Value:
    """The area of each trapezoid between neighbouring samples of y along ``dim``."""
    y = _v(y)
    y = y if y.dtype.kind == "f" else y.to(get_default_dtype())
    d = wrap_dim(dim, y.ndim)
    n = y.shape[d]
    mean = (y[at_index(y.ndim, d, slice(1, n))] + y[at_index(y.ndim, d, slice(0, n - 1))]) * 0.5
    if x is None:
        return mean * (1.0 if dx is None else dx)
    x = _v(x)
    if (x.shape[-1 if x.ndim == 1 else d] if x.ndim else 0) != n:
        raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
    xd = -1 if x.ndim == 1 else d
    m = x.shape[xd]
    dxs = x[at_index(x.ndim, xd % x.ndim, slice(1, m))] - x[at_index(x.ndim, xd % x.ndim, slice(0, m - 1))]
    if x.ndim == 1 and y.ndim > 1:  # a 1-D x runs along dim
        dxs = dxs.reshape(tuple(n - 1 if i == d else 1 for i in range(y.ndim)))
    return mean * dxs


@numpy_names
def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Value:
    """The trapezoidal rule: the integral of the samples y along ``dim`` (spacing x or dx)."""
    return _trapezoids(y, x, dx, dim, "trapezoid").sum(dim)


@numpy_names
def trapz(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Value:
    """Alias of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


@numpy_names
def cumulative_trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Value:
    """The running integral of :func:`trapezoid` (one element fewer along ``dim``)."""
    return _trapezoids(y, x, dx, dim, "cumulative_trapezoid").cumsum(dim)


def vander(x: Any, N: Any = None, increasing: bool = False) -> Value:
    """The Vandermonde matrix: columns x^(N-1) ... x^0 (x^0 ... x^(N-1) when ``increasing``)."""
    x = _v(x)
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    powers = np.arange(n) if increasing else np.arange(n)[::-1].copy()
    x = x if x.dtype.kind == "f" else x.to(np.int64)
    return x.unsqueeze(1) ** _const(x, powers.astype(x.dtype))


def histogramdd(input: Any, bins: Any = 10, *, range: Any = None, weight: Any = None,  # noqa: A002
                density: bool = False) -> Any:
    """(hist, bin_edges): counts of the rows of ``input`` (points in D dimensions) in a grid of
    bins. Not differentiable."""
    x = _v(input)
    if x.dtype.kind != "f":
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                           f"but got input {x.dtype}")
    data = x._data.reshape(-1, x.shape[-1])
    edges = [np.asarray(getattr(b, "_data", b)) for b in bins] if isinstance(bins, (list, tuple)) and \
        not isinstance(bins[0], (int, np.integer)) else bins
    rng = None if range is None else list(zip(range[::2], range[1::2]))
    w = None if weight is None else np.asarray(getattr(weight, "_data", weight)).reshape(-1)
    hist, out_edges = np.histogramdd(data, edges, range=rng, weights=w, density=density)
    edges = tuple(_const(x, e.astype(x.dtype)) for e in out_edges)
    return _HISTOGRAMDD(_const(x, hist.astype(x.dtype)), edges)


def removed_matrix_rank(*args: Any, **kwargs: Any) -> Value:
    """``torch.matrix_rank``, removed in PyTorch 1.9 (use linalg.matrix_rank): raises its error."""
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed.\nPlease use the "
                       "`torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was renamed "
                       "in `torch.linalg.matrix_rank()` to 'hermitian'.")
