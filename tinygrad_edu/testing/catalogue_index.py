"""Catalogue entries for indexing, sorting and matrix ops (``gather``, ``scatter_add``,
``masked_fill``, ``index_select``, the values of ``sort``/``topk``, ``mm`` ... ``addmm``).

Each vjp is written here in plain numpy loops or products, independently of the ops' backward.
Indices and masks are fixed patterns computed from the input's shape (``pattern_index``,
``pattern_mask``), with repeats, so that scatter-adds really add.

The entries are the keyword arguments of :class:`~tinygrad_edu.testing.catalogue.OpCase`
(catalogue.py builds them), so that this module does not import catalogue.py, which imports it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["INDEX_CASES", "pattern_index", "pattern_mask", "ADDMM_BETA", "ADDMM_ALPHA"]

ADDMM_BETA, ADDMM_ALPHA = 0.5, -2.0


def pattern_index(shape: tuple[int, ...], size: int) -> np.ndarray:
    """An int64 index of ``shape`` with entries in ``[0, size)`` along the last axis (repeats
    included): entry number i is ``(2 * i + 1) % size``."""
    n = int(np.prod(shape))
    return ((2 * np.arange(n) + 1) % size).reshape(shape).astype(np.int64)


def pattern_mask(shape: tuple[int, ...]) -> np.ndarray:
    """A bool mask of ``shape``: every third element (from the first) is True."""
    return (np.arange(int(np.prod(shape))) % 3 == 0).reshape(shape)


def _sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back to ``shape`` (leading axes, then size-1 axes)."""
    g = np.asarray(g, dtype=np.float64)
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    return g.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1), keepdims=True)


def _scatter_index(shape: tuple[int, ...]) -> np.ndarray:
    """The index for scatter_add: one fewer column than ``shape`` (src's extra column is ignored)."""
    return pattern_index(shape[:-1] + (max(shape[-1] - 1, 1),), shape[-1])


def _shapes(n: int, min_side: int = 1) -> Any:
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=3).map(lambda s: (s,) * n)


def _mat_shapes(kind: str) -> Any:
    from hypothesis import strategies as st

    side = st.integers(1, 3)

    def build(b: int, m: int, k: int, p: int, bias: int) -> tuple:
        return {"mm": ((m, k), (k, p)), "bmm": ((b, m, k), (b, k, p)), "mv": ((m, k), (k,)),
                "dot": ((k,), (k,)), "outer": ((m,), (p,)),
                "addmm": ([(m, p), (p,), (1, p), ()][bias], (m, k), (k, p))}[kind]

    return st.builds(build, side, side, side, side, st.integers(0, 3))


def _gather_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    idx, g = pattern_index(x.shape, x.shape[-1]), np.zeros(x.shape)
    for pos in np.ndindex(idx.shape):
        g[pos[:-1] + (idx[pos],)] += u[pos]
    return (g,)


def _scatter_vjp(u: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
    idx, gb = _scatter_index(a.shape), np.zeros(b.shape)
    for pos in np.ndindex(idx.shape):
        gb[pos] = u[pos[:-1] + (idx[pos],)]
    return np.array(u, dtype=np.float64), gb


def _rows(shape: tuple[int, ...]) -> np.ndarray:
    """Rows picked by the index_select entry: the last, then the first twice."""
    return np.array([shape[0] - 1, 0, 0])


def _index_select_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    g = np.zeros(x.shape)
    for j, row in enumerate(_rows(x.shape)):
        g[row] += u[j]
    return (g,)


def _sorted_vjp(order: Any) -> Any:
    """vjp of ``values = x[..., order(row)]`` taken row by row along the last axis."""
    def vjp(u: np.ndarray, x: np.ndarray) -> tuple:
        g = np.zeros(x.shape)
        for row in np.ndindex(x.shape[:-1]):
            for j, src in enumerate(order(x[row])):
                g[row + (src,)] += u[row + (j,)]
        return (g,)

    return vjp


def _addmm_vjp(u: np.ndarray, c: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
    return _sum_to(ADDMM_BETA * u, c.shape), ADDMM_ALPHA * u @ b.T, ADDMM_ALPHA * a.T @ u


def _case(name: str, fn: Any, vjp: Any, n_inputs: int = 1, **options: Any) -> dict:
    return dict(name=name, fn=fn, vjp=vjp, n_inputs=n_inputs, **options)


INDEX_CASES: list[dict] = [
    _case("gather", lambda x: x.gather(-1, pattern_index(x.shape, x.shape[-1])), _gather_vjp,
           shapes=lambda: _shapes(1)),
    _case("scatter_add", lambda a, b: a.scatter_add(-1, _scatter_index(a.shape), b), _scatter_vjp,
           2, broadcast=False, shapes=lambda: _shapes(2)),
    _case("masked_fill", lambda x: x.masked_fill(pattern_mask(x.shape), 0.5),
           lambda u, x: (u * ~pattern_mask(x.shape),)),
    _case("index_select", lambda x: x.index_select(0, _rows(x.shape)), _index_select_vjp,
           shapes=lambda: _shapes(1)),
    _case("sort_values", lambda x: x.sort(dim=-1, descending=True).values,
           _sorted_vjp(lambda row: sorted(range(len(row)), key=lambda j: -row[j])), distinct=True,
           margin=1e-2, shapes=lambda: _shapes(1)),
    _case("topk_values", lambda x: x.topk(min(2, x.shape[-1]), largest=False).values,
           _sorted_vjp(lambda row: sorted(range(len(row)), key=lambda j: row[j])[:2]), distinct=True,
           margin=1e-2, shapes=lambda: _shapes(1)),
    _case("mm", lambda a, b: a.mm(b), lambda u, a, b: (u @ b.T, a.T @ u), 2,
           shapes=lambda: _mat_shapes("mm")),
    _case("bmm", lambda a, b: a.bmm(b),
           lambda u, a, b: (u @ b.transpose(0, 2, 1), a.transpose(0, 2, 1) @ u), 2,
           shapes=lambda: _mat_shapes("bmm")),
    _case("mv", lambda a, v: a.mv(v), lambda u, a, v: (np.outer(u, v), a.T @ u), 2,
           shapes=lambda: _mat_shapes("mv")),
    _case("dot", lambda a, b: a.dot(b), lambda u, a, b: (u * b, u * a), 2,
           shapes=lambda: _mat_shapes("dot")),
    _case("outer", lambda a, b: a.outer(b), lambda u, a, b: (u @ b, a @ u), 2,
           shapes=lambda: _mat_shapes("outer")),
    _case("addmm", lambda c, a, b: c.addmm(a, b, beta=ADDMM_BETA, alpha=ADDMM_ALPHA), _addmm_vjp, 3,
           shapes=lambda: _mat_shapes("addmm")),
]
