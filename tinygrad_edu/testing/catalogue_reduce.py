"""Catalogue entries for the scan and matrix ops (``Cumsum``; ``Det``, ``LogAbsDet``, ``Inverse``,
``Solve``, ``Pinv``, ``Cholesky``, ``SvdVals``, ``EigvalsH``, ``EinSum``).

Most matrix ops see ``S = x x^T + I`` (symmetric positive-definite, so invertible and with a
Cholesky factor, whatever x's shape): each vjp is dL/dS written in numpy from the textbook
formula, taken back to x by ``(G + G^T) x``. Pinv and svdvals see ``x + diag(5, 16, 27)`` and
eigvalsh ``x x^T + diag(1, 12, 23)``: full rank and well-separated values, so smooth. The
entries are OpCase keyword arguments (as in catalogue_index.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.linalg2 import Cholesky, Det, EigvalsH, EinSum, Inverse, LogAbsDet, Pinv, Solve, SvdVals
from ..ops.reduce2 import Cumsum

__all__ = ["REDUCE_CASES", "spread"]


def spread(shape: tuple[int, ...], first: float) -> np.ndarray:
    """A rectangular diagonal first, first + 11, first + 22 (entries in [-1, 1] move a singular value
    or eigenvalue by at most 3 or 9: the values stay apart and away from zero)."""
    out = np.zeros(shape)
    k = np.arange(min(shape))
    out[k, k] = first + 11 * k
    return out


def _spd(x: Any) -> Any:
    """x x^T + I for a Value or an array."""
    n = x.shape[0]
    return x @ x.swapaxes(0, 1) + np.eye(n)


def _back(g_s: np.ndarray, x: np.ndarray) -> tuple:
    """dL/dx from dL/dS for S = x x^T + I."""
    return ((g_s + g_s.T) @ x,)


def _matrices(n: int = 1) -> Any:
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=3).map(lambda s: (s,) * n)


def _rows(n: int = 1) -> Any:
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3).map(lambda s: (s,) * n)


def _cumsum_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    return (np.flip(np.cumsum(np.flip(u, -1), -1), -1),)


def _det_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    s = _spd(x)
    return _back(u * np.linalg.det(s) * np.linalg.inv(s).T, x)


def _inverse_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    z = np.linalg.inv(_spd(x))
    return _back(-z.T @ u @ z.T, x)


def _solve_vjp(u: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple:
    s = _spd(x)
    sol = np.linalg.solve(s, y)
    gy = np.linalg.solve(s.T, u)
    return _back(-gy @ sol.T, x)[0], gy


def _pinv_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    p = np.linalg.pinv(x)
    i_m, i_n = np.eye(x.shape[0]), np.eye(x.shape[1])
    return (-p.T @ u @ p.T + (i_m - x @ p) @ u.T @ p @ p.T + p.T @ p @ u.T @ (i_n - p @ x),)


def _cholesky_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    low = np.linalg.cholesky(_spd(x))
    phi = np.tril(low.T @ u)
    phi[np.diag_indices_from(phi)] *= 0.5
    li = np.linalg.inv(low)
    g = li.T @ phi @ li
    return _back(0.5 * (g + g.T), x)


def _svdvals_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    left, _, vh = np.linalg.svd(x, full_matrices=False)
    return (left @ np.diag(u) @ vh,)


def _eigvalsh_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    _, v = np.linalg.eigh(_spd(x) + spread((x.shape[0],) * 2, 0))
    return _back(v @ np.diag(u) @ v.T, x)


def _case(name: str, fn: Any, vjp: Any, n_inputs: int = 1, **options: Any) -> dict:
    return dict(name=name, fn=fn, vjp=vjp, n_inputs=n_inputs, **options)


REDUCE_CASES: list[dict] = [
    _case("cumsum", lambda x: Cumsum.apply(x, axis=-1), _cumsum_vjp, shapes=_rows),
    _case("det", lambda x: Det.apply(_spd(x)), _det_vjp, domain=(-1.0, 1.0), shapes=_matrices),
    _case("logabsdet", lambda x: LogAbsDet.apply(_spd(x)),
          lambda u, x: _back(u * np.linalg.inv(_spd(x)).T, x), domain=(-1.0, 1.0), shapes=_matrices),
    _case("inverse", lambda x: Inverse.apply(_spd(x)), _inverse_vjp, domain=(-1.0, 1.0), shapes=_matrices),
    _case("solve", lambda x, y: Solve.apply(_spd(x), y), _solve_vjp, 2, broadcast=False,
          domain=(-1.0, 1.0), shapes=lambda: _matrices(2)),
    _case("pinv", lambda x: Pinv.apply(x + spread(x.shape, 5)),
          lambda u, x: _pinv_vjp(u, x + spread(x.shape, 5)), domain=(-1.0, 1.0), shapes=_matrices),
    _case("cholesky", lambda x: Cholesky.apply(_spd(x)), _cholesky_vjp, domain=(-1.0, 1.0),
          shapes=_matrices),
    _case("svdvals", lambda x: SvdVals.apply(x + spread(x.shape, 5)),
          lambda u, x: _svdvals_vjp(u, x + spread(x.shape, 5)), domain=(-1.0, 1.0), twice=False,
          shapes=_matrices),
    _case("eigvalsh", lambda x: EigvalsH.apply(_spd(x) + spread((x.shape[0],) * 2, 0)),
          _eigvalsh_vjp, domain=(-1.0, 1.0), twice=False, shapes=_matrices),
    _case("einsum_rows", lambda a, b: EinSum.apply(a, b, eq="ij,ij->i"),
          lambda u, a, b: (u[:, None] * b, u[:, None] * a), 2, broadcast=False,
          shapes=lambda: _matrices(2)),
    _case("einsum_trace", lambda a: EinSum.apply(_spd(a), eq="ii"), lambda u, a: (2 * u * a,),
          shapes=_matrices),
]

