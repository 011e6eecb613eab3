"""Floor 4: top-level shape functions whose first argument is not "the tensor": stacking
(``hstack``, ``vstack``...), ``atleast_nd``, broadcasting several values, grids and products
(``meshgrid``, ``cartesian_prod``, ``combinations``, ``block_diag``), index tables
(``tril_indices``) and searching sorted values (``searchsorted``, ``bucketize``).

Each composes Tensor methods and ``cat``/``stack``, so gradients come for free.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any, Sequence

import numpy as np

from .dtypes import as_data
from .ops import ScatterAdd
from .toplevel import cat, stack
from .torch_types import Size
from .value import Value

__all__ = [
    "concat", "hstack", "vstack", "dstack", "column_stack", "row_stack", "atleast_1d", "atleast_2d",
    "atleast_3d", "broadcast_tensors", "broadcast_shapes", "meshgrid", "cartesian_prod",
    "combinations", "block_diag", "tril_indices", "triu_indices", "searchsorted", "bucketize",
    "unravel_index",
]

concat = cat


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(as_data(x))


def _values(tensors: tuple) -> list[Value]:
    """``f(a, b)`` and ``f([a, b])`` both give [a, b]."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return [_v(t) for t in tensors]


def _atleast(tensors: tuple, shape: Any) -> Any:
    one = len(tensors) == 1 and not isinstance(tensors[0], (list, tuple))
    out = tuple(t.reshape(shape(t)) for t in _values(tensors))
    return out[0] if one else out


def atleast_1d(*tensors: Any) -> Any:
    return _atleast(tensors, lambda t: t.shape if t.ndim >= 1 else (1,))


def atleast_2d(*tensors: Any) -> Any:
    return _atleast(tensors, lambda t: t.shape if t.ndim >= 2 else (1,) * (2 - t.ndim) + t.shape)


def atleast_3d(*tensors: Any) -> Any:
    def shape(t: Value) -> tuple:
        return {0: (1, 1, 1), 1: (1,) + t.shape + (1,), 2: t.shape + (1,)}.get(t.ndim, t.shape)
    return _atleast(tensors, shape)


def hstack(tensors: Sequence[Any]) -> Value:
    vs = atleast_1d(*tensors) if tensors else ()
    return cat(vs, 0 if vs and vs[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Value:
    return cat(atleast_2d(*tensors) if tensors else (), 0)


row_stack = vstack


def dstack(tensors: Sequence[Any]) -> Value:
    return cat(atleast_3d(*tensors) if tensors else (), 2)


def column_stack(tensors: Sequence[Any]) -> Value:
    return cat([t.reshape(-1, 1) if t.ndim <= 1 else t for t in _values((tensors,))], 1)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that values of ``shapes`` broadcast to."""
    out: list[int] = []
    for i, shape in enumerate((s,) if isinstance(s, int) else tuple(s) for s in shapes):
        out = [1] * (len(shape) - len(out)) + out
        for d in range(1, len(shape) + 1):
            a, b = out[-d], shape[-d]
            if a != b and a != 1 and b != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {b} at {-d}! Mismatching "
                                   f"argument at index {i} had {tuple(shape)}; but expected shape should be "
                                   f"broadcastable to {out}")
            out[-d] = b if a == 1 else a
    return Size(out)


def broadcast_tensors(*tensors: Any) -> tuple[Value, ...]:
    vs = _values(tensors)
    shape: tuple = ()
    for v in vs:
        for d in range(1, min(len(shape), v.ndim) + 1):
            a, b = shape[-d], v.shape[-d]
            if a != b and a != 1 and b != 1:
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                   f"non-singleton dimension {max(len(shape), v.ndim) - d}")
        shape = tuple(np.broadcast_shapes(shape, v.shape))
    return tuple(v.expand(shape) for v in vs)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Value, ...]:
    """Coordinate grids from 1-D values: ``indexing="ij"`` (the default) or ``"xy"``."""
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: "
                           f"{indexing}")
    vs = _values(tensors)
    if not vs:
        raise RuntimeError("torch.meshgrid expects a non-empty TensorList")
    for v in vs:
        if v.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {v}")
        if v.dtype != vs[0].dtype:
            raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have the same "
                               "dtype")
    swap = indexing == "xy" and len(vs) >= 2
    order = [1, 0] + list(range(2, len(vs))) if swap else list(range(len(vs)))
    sizes = [vs[i].numel() for i in order]
    out = []
    for i, v in enumerate(vs):
        axis = order.index(i)
        shape = [1] * len(vs)
        shape[axis] = -1
        out.append(v.reshape(shape).expand(sizes))
    return tuple(out)


def cartesian_prod(*tensors: Any) -> Value:
    """Every tuple of one element from each 1-D value, one row each (the last varies fastest)."""
    vs = _values(tensors)
    if len(vs) == 1:
        return vs[0]
    return stack([g.reshape(-1) for g in meshgrid(*vs, indexing="ij")], 1)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Value:
    """Every combination of ``r`` elements of a 1-D value, one row each (itertools' order)."""
    x = _v(input)
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return x[np.zeros(0, dtype=np.int64)]
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.array(list(pick(range(x.numel()), r)), dtype=np.int64).reshape(-1, r)
    return x[index]


def block_diag(*tensors: Any) -> Value:
    """The values (0-d, 1-D as a row, or 2-D) along the diagonal of one matrix, zeros elsewhere."""
    vs = []
    for i, v in enumerate(_values(tensors)):
        if v.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                               f"{i} has {v.ndim} dimensions")
        vs.append(v.reshape(1, -1) if v.ndim < 2 else v)
    if not vs:
        return Value(np.zeros((1, 0)))
    rows, cols = np.cumsum([0] + [v.shape[0] for v in vs]), np.cumsum([0] + [v.shape[1] for v in vs])
    dtype = np.result_type(*[v.dtype for v in vs])
    shape = (int(rows[-1]), int(cols[-1]))
    parts = [ScatterAdd.apply(v.to(dtype), index=(slice(rows[i], rows[i + 1]), slice(cols[i], cols[i + 1])),
                              shape=shape) for i, v in enumerate(vs)]
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _indices(row: int, col: int, offset: int, lower: bool, dtype: Any) -> Value:
    if lower:
        r, c = np.tril_indices(row, offset, col)
    else:
        r, c = np.triu_indices(row, offset, col)
    return Value(np.stack([r, c]).astype(np.int64 if dtype is None else np.dtype(dtype)))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Value:
    """The (2, N) row and column indexes of the lower triangle of a (row, col) matrix."""
    return _indices(row, col, offset, True, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Value:
    """The (2, N) row and column indexes of the upper triangle of a (row, col) matrix."""
    return _indices(row, col, offset, False, dtype)


def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Any = None) -> Value:
    """Where each of ``input`` would go in ``sorted_sequence`` (its last axis) to keep it sorted."""
    seq = np.asarray(_v(sorted_sequence).detach().numpy())
    values = np.asarray(input.detach().numpy() if isinstance(input, Value) else input)
    side = side or ("right" if right else "left")
    if side == "left" and right:
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of "
                           "left while right was True")
    if sorter is not None:
        seq = np.take_along_axis(seq, np.asarray(_v(sorter).numpy()), -1)
    dtype = np.int32 if out_int32 else np.int64
    if seq.ndim <= 1:
        return Value(np.asarray(np.searchsorted(seq, values, side=side)).astype(dtype))
    if seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                           f"N-1 dimensions of boundaries tensor and input value tensor must match, but we "
                           f"got boundaries tensor {list(seq.shape)} and input value tensor "
                           f"{list(values.shape)}")
    rows = [np.searchsorted(s, v, side=side) for s, v in zip(seq.reshape(-1, seq.shape[-1]),
                                                            values.reshape(-1, values.shape[-1]))]
    return Value(np.array(rows).reshape(values.shape).astype(dtype))


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Value:
    """The bucket of each element of ``input`` between the sorted 1-D ``boundaries``."""
    b = _v(boundaries)
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    return searchsorted(b, input, out_int32=out_int32, right=right)


def unravel_index(indices: Any, shape: Any) -> tuple[Value, ...]:
    """The coordinates in an array of ``shape`` of each flat index in ``indices`` (int64)."""
    flat = np.asarray(indices.detach().numpy() if isinstance(indices, Value) else indices)
    if flat.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {flat.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    coords, rest = [], flat.astype(np.int64)
    for size in reversed(shape):  # as PyTorch: no range check, indexes wrap (floor division)
        coords.append(rest % size)
        rest = rest // size
    return tuple(Value(np.asarray(c, dtype=np.int64)) for c in reversed(coords))
