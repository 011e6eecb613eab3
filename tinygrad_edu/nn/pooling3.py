"""Adaptive pooling in 1-D and 3-D (and adaptive max pooling in 2-D), ``unfold`` and ``fold``
(also in ``nn.functional``), with their layers.

* Adaptive average pooling averages windows of uneven sizes: one small averaging matrix per
  axis (window ``i`` covers ``floor(i*n/o)`` to ``ceil((i+1)*n/o)``, as PyTorch).
* Adaptive max pooling finds each window's maximum with numpy and gathers it by indexing.
* ``unfold`` gathers every window of the padded input into a column (one indexing op);
  ``fold`` is its adjoint: it adds each column back onto its window (``scatter_add``).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..value import Value
from .conv1d3d import ntuple
from .module import Module
from .padding import pad
from .pooling import _averaging_matrix

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d",
           "adaptive_max_pool3d_with_indices", "unfold", "fold", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
           "Fold", "Unfold"]


def _sizes(output_size: Any, nd: int, shape: tuple, name: str) -> tuple[int, ...]:
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        sizes: tuple = (output_size,) * nd
    else:
        sizes = tuple(output_size)
    if len(sizes) != nd:
        raise ValueError(f"{name}: output_size must be an int or a tuple of {nd}, got {output_size!r}")
    out = tuple(int(n) if o is None else int(o) for o, n in zip(sizes, shape[-nd:]))
    if min(out) < 0:
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but "
                           f"received {{{', '.join(map(str, out))}}}")
    return out


def _check_rank(x: Value, nd: int, name: str) -> None:
    if x.ndim in (nd + 1, nd + 2):
        return
    if nd == 1:
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {name})")
    raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}")


def adaptive_avg_pool1d(input: Value, output_size: Any) -> Value:  # noqa: A002
    """Average pooling of the last axis to ``output_size`` windows."""
    _check_rank(input, 1, "adaptive_avg_pool1d")
    (o,) = _sizes(output_size, 1, tuple(input.shape), "adaptive_avg_pool1d")
    return input @ _averaging_matrix(input.shape[-1], o, input.dtype).T


def adaptive_avg_pool3d(input: Value, output_size: Any) -> Value:  # noqa: A002
    """Average pooling of the last three axes to ``output_size``: one averaging matrix per axis."""
    _check_rank(input, 3, "adaptive_avg_pool3d")
    od, oh, ow = _sizes(output_size, 3, tuple(input.shape), "adaptive_avg_pool3d")
    rows = _averaging_matrix(input.shape[-2], oh, input.dtype)
    cols = _averaging_matrix(input.shape[-1], ow, input.dtype)
    y = rows @ (input @ cols.T)
    m = _averaging_matrix(input.shape[-3], od, input.dtype)
    return (y.transpose(-3, -1) @ m.T).transpose(-3, -1)


def _adaptive_max(input: Value, nd: int, output_size: Any, name: str) -> tuple[Value, Value]:  # noqa: A002
    _check_rank(input, nd, name)
    out = _sizes(output_size, nd, tuple(input.shape), name)
    x = input if input.ndim == nd + 2 else input.unsqueeze(0)
    data = x.detach().numpy()
    sizes = data.shape[2:]
    n, c = data.shape[:2]
    pos = [np.zeros((n, c) + out, dtype=np.int64) for _ in range(nd)]
    bounds = [[(i * s // o, -((-(i + 1) * s) // o)) for i in range(o)] for s, o in zip(sizes, out)]
    for cell in itertools.product(*(range(o) for o in out)):
        box = [bounds[a][cell[a]] for a in range(nd)]
        window = data[(slice(None), slice(None)) + tuple(slice(lo, hi) for lo, hi in box)]
        flat = window.reshape(n, c, -1).argmax(axis=-1)
        for a, off in enumerate(np.unravel_index(flat, window.shape[2:])):
            pos[a][(slice(None), slice(None)) + cell] = off + box[a][0]
    lead = (np.arange(n).reshape((n,) + (1,) * (nd + 1)), np.arange(c).reshape((1, c) + (1,) * nd))
    y = x[lead + tuple(pos)]
    idx = np.ravel_multi_index(tuple(pos), sizes).astype(np.int64)
    if input.ndim == nd + 1:
        return y.squeeze(0), Value(idx[0])
    return y, Value(idx)


def adaptive_max_pool1d_with_indices(input: Value, output_size: Any,  # noqa: A002
                                     return_indices: bool = True) -> tuple[Value, Value]:
    return _adaptive_max(input, 1, output_size, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input: Value, output_size: Any,  # noqa: A002
                                     return_indices: bool = True) -> tuple[Value, Value]:
    return _adaptive_max(input, 2, output_size, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input: Value, output_size: Any,  # noqa: A002
                                     return_indices: bool = True) -> tuple[Value, Value]:
    return _adaptive_max(input, 3, output_size, "adaptive_max_pool3d")


def adaptive_max_pool1d(input: Value, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """Max pooling of the last axis to ``output_size`` windows of uneven sizes."""
    out = _adaptive_max(input, 1, output_size, "adaptive_max_pool1d")
    return out if return_indices else out[0]


def adaptive_max_pool2d(input: Value, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """Max pooling of the last two axes to ``output_size``."""
    out = _adaptive_max(input, 2, output_size, "adaptive_max_pool2d")
    return out if return_indices else out[0]


def adaptive_max_pool3d(input: Value, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """Max pooling of the last three axes to ``output_size``."""
    out = _adaptive_max(input, 3, output_size, "adaptive_max_pool3d")
    return out if return_indices else out[0]


def _blocks(size: tuple, k: tuple, d: tuple, p: tuple, s: tuple) -> tuple:
    blocks = tuple((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1
                   for n, kk, dd, pp, ss in zip(size, k, d, p, s))
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(size)}, kernel_size={k}, "
                           f"dilation={d}, padding={p}, calculated shape of the array of sliding "
                           f"blocks as {blocks}, but its components must be at least one.")
    return blocks


def _window_rows_cols(k: tuple, d: tuple, s: tuple, blocks: tuple) -> tuple:
    rows = (np.arange(k[0]) * d[0])[:, None, None, None] + (np.arange(blocks[0]) * s[0])[None, None, :, None]
    cols = (np.arange(k[1]) * d[1])[None, :, None, None] + (np.arange(blocks[1]) * s[1])[None, None, None, :]
    return rows, cols


def unfold(input: Value, kernel_size: Any, dilation: Any = 1, padding: Any = 0,  # noqa: A002
           stride: Any = 1) -> Value:
    """(N, C, H, W) -> (N, C*kH*kW, L): every sliding window as a column ("im2col")."""
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got "
                                  f"{input.ndim}D)")
    k, d = ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation")
    p, s = ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride")
    x = input if input.ndim == 4 else input.unsqueeze(0)
    blocks = _blocks(tuple(x.shape[2:]), k, d, p, s)
    rows, cols = _window_rows_cols(k, d, s, blocks)
    cells = pad(x, (p[1], p[1], p[0], p[0]))[:, :, rows, cols]  # (N, C, kH, kW, bH, bW)
    y = cells.reshape(x.shape[0], x.shape[1] * k[0] * k[1], blocks[0] * blocks[1])
    return y if input.ndim == 4 else y.squeeze(0)


def fold(input: Value, output_size: Any, kernel_size: Any, dilation: Any = 1,  # noqa: A002
         padding: Any = 0, stride: Any = 1) -> Value:
    """(N, C*kH*kW, L) -> (N, C, H, W): each column added back onto its window ("col2im")."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors "
                                  f"are supported (got {input.ndim}D)")
    size, k = ntuple(output_size, 2, "output_size"), ntuple(kernel_size, 2, "kernel_size")
    d, p, s = ntuple(dilation, 2, "dilation"), ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride")
    x = input if input.ndim == 3 else input.unsqueeze(0)
    n, ck, length = x.shape
    if ck % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={ck} and kernel_size={k}.")
    blocks = _blocks(size, k, d, p, s)
    if blocks[0] * blocks[1] != length:
        raise RuntimeError(f"Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, "
                           f"stride={s}, expected size of input's dimension 2 to match the calculated "
                           f"number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={length}.")
    c = ck // (k[0] * k[1])
    hp, wp = size[0] + 2 * p[0], size[1] + 2 * p[1]
    rows, cols = _window_rows_cols(k, d, s, blocks)
    flat = np.broadcast_to((rows * wp + cols).reshape(-1), (n, c, k[0] * k[1] * length)).copy()
    zeros = Value(np.zeros((n, c, hp * wp), dtype=x.dtype))
    out = zeros.scatter_add(2, Value(flat), x.reshape(n, c, -1)).reshape(n, c, hp, wp)
    out = out[:, :, p[0]: p[0] + size[0], p[1]: p[1] + size[1]]
    return out if input.ndim == 3 else out.squeeze(0)


class _Adaptive(Module):
    _fn: Any = None
    _max = False

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        if self._max:
            self.return_indices = return_indices

    def forward(self, input: Value) -> Any:  # noqa: A002
        if self._max:
            return type(self)._fn(input, self.output_size, self.return_indices)
        return type(self)._fn(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_Adaptive):
    """Average pooling of the last axis to a fixed size."""

    _fn = staticmethod(adaptive_avg_pool1d)

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)


class AdaptiveAvgPool3d(_Adaptive):
    """Average pooling of the last three axes to a fixed size."""

    _fn = staticmethod(adaptive_avg_pool3d)

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)


class AdaptiveMaxPool1d(_Adaptive):
    """Max pooling of the last axis to a fixed size."""

    _fn, _max = staticmethod(adaptive_max_pool1d), True


class AdaptiveMaxPool2d(_Adaptive):
    """Max pooling of the last two axes to a fixed size."""

    _fn, _max = staticmethod(adaptive_max_pool2d), True


class AdaptiveMaxPool3d(_Adaptive):
    """Max pooling of the last three axes to a fixed size."""

    _fn, _max = staticmethod(adaptive_max_pool3d), True


class Fold(Module):
    """Columns of sliding windows back into an image (sums where windows overlap)."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Value) -> Value:  # noqa: A002
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Every sliding window of an image as a column."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Value) -> Value:  # noqa: A002
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")
