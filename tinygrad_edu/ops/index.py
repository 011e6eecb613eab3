"""Gathering and scattering along one axis (``gather``, ``scatter_add``, the values of ``sort``).

Each is the other's adjoint: reading elements at an index is undone by adding the gradient back at
the same index, so both are twice differentiable.
"""

from __future__ import annotations

import numpy as np

from ..function import Function
from .shape import ScatterAdd
from .tangents import filled


def coords(index: np.ndarray, dim: int) -> tuple:
    """The full coordinates that ``index`` names along ``dim``: position elsewhere, index at dim."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def check_index(op: str, shape: tuple, index: np.ndarray, dim: int, src: tuple | None = None) -> None:
    """PyTorch's errors for gather/scatter_add indexes: same rank, sizes that fit, in range."""
    if index.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index (got {index.dtype})")
    if index.ndim != len(shape):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as input "
                           f"tensor (index {list(index.shape)}, input {list(shape)})")
    for d, (i, s) in enumerate(zip(index.shape, shape)):
        if (d != dim and i > s) or (src is not None and i > src[d]):
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {d} expected index "
                                   f"{list(index.shape)} to be no larger than self {list(shape)} "
                                   f"apart from dimension {dim}")
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self "
                               f"{list(shape)} apart from dimension {dim} and to be no larger size "
                               f"than src {list(src)}")
    bad = (index < 0) | (index >= shape[dim])
    if bad.any():
        raise RuntimeError(f"index {index[bad].flat[0]} is out of bounds for dimension {dim} with "
                           f"size {shape[dim]}")


class Gather(Function):
    """z[i][j] = x[index[i][j]][j] (for dim=0): the elements of x that index names along dim."""

    derivative = ("dz/dx = the gradient added back at index (a scatter-add into zeros)",)

    @staticmethod
    def forward(ctx, x, *, dim, index):
        ctx.shape, ctx.dtype, ctx.dim, ctx.index = np.shape(x), np.result_type(x), dim, index
        return np.asarray(x)[coords(index, dim)]

    @staticmethod
    def backward(ctx, grad):
        zeros = np.zeros(ctx.shape, dtype=ctx.dtype)
        return ScatterAddDim.apply(zeros, grad, dim=ctx.dim, index=ctx.index)
    jvp = staticmethod(lambda ctx, t: Gather.apply(t, **ctx.settings))  # linear: J t = op(t)


class ScatterAddDim(Function):
    """z = x, then z[index[i][j]][j] += src[i][j] (for dim=0): ``x.scatter_add(dim, index, src)``."""

    derivative = ("dz/dx = 1", "dz/dsrc = the gradient read back at index (a gather)")

    @staticmethod
    def forward(ctx, x, src, *, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, np.shape(src)
        out = np.array(x, copy=True)
        np.add.at(out, coords(index, dim), np.asarray(src)[tuple(slice(0, s) for s in index.shape)])
        return out

    @staticmethod
    def backward(ctx, grad):
        nx, ns = ctx.needs_input_grad
        gs = Gather.apply(grad, dim=ctx.dim, index=ctx.index) if ns else None
        if gs is not None and ctx.src_shape != ctx.index.shape:  # src elements past index: zero
            gs = ScatterAdd.apply(gs, index=tuple(slice(0, s) for s in ctx.index.shape), shape=ctx.src_shape)
        return (grad if nx else None), gs
    jvp = staticmethod(lambda ctx, *ts: ScatterAddDim.apply(*filled(ctx, ts), **ctx.settings))
