"""Pooling beyond 2-D: max, average and power-average pooling in 1-D and 3-D, the ``*_with_indices``
forms, and max unpooling (also in ``nn.functional``), with their layers.

* Max pooling in any number of dimensions finds each window's maximum with numpy (padding counts
  as -inf) and gathers it by indexing, so the gradient goes back to the maxima through the
  indexing op; the indices are the flat positions in each input plane, as PyTorch returns them.
* 1-D average pooling is 2-D average pooling of a height-1 image. 3-D average pooling is
  separable: the window sums along depth, height and width are three products with small 0/1
  matrices (the same idea as adaptive average pooling), then a division by each window's count.
* LP pooling is ``(window sum of x^p)^(1/p)``, from average pooling, as PyTorch computes it.
* Max unpooling scatters each value into a zero output at its index (``scatter_add``; where
  windows overlapped and two values share an index they are added, where PyTorch keeps one).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..ops.conv import pool_output_size
from ..value import Value
from .conv1d3d import ntuple
from .module import Module
from .pooling import avg_pool2d, max_pool2d

__all__ = ["max_pool1d", "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool3d", "lp_pool1d", "lp_pool2d",
           "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "MaxPool1d", "MaxPool3d",
           "AvgPool1d", "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d",
           "MaxUnpool2d", "MaxUnpool3d", "window_geometry"]


def window_geometry(shape: tuple, nd: int, kernel_size: Any, stride: Any, padding: Any,
                    dilation: Any, ceil_mode: bool) -> tuple:
    """(kernel, stride, padding, dilation, output size, extra right padding) of an ``nd``-D pool
    over the last ``nd`` axes of ``shape``, with PyTorch's checks."""
    k = ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None or stride == [] or stride == () else ntuple(stride, nd, "stride")
    p, d = ntuple(padding, nd, "padding"), ntuple(dilation, nd, "dilation")
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_size={list(k)}")
    if min(s) <= 0:
        raise RuntimeError("stride should not be zero")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation={list(d)}")
    for pp, kk, dd in zip(p, k, d):
        if pp < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {pp}")
        if pp > (dd * (kk - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={pp}, kernel_size={kk} and dilation={dd}")
    size = tuple(shape[-nd:])
    out = tuple(pool_output_size(*a, ceil_mode) for a in zip(size, k, s, p, d))
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, shape[-nd - 1:]))}). Calculated "
                           f"output size: ({'x'.join(map(str, (shape[-nd - 1],) + out))}). Output "
                           f"size is too small")
    extra = tuple(max(pp, (o - 1) * ss + dd * (kk - 1) + 1 - n - pp)
                  for n, o, kk, ss, pp, dd in zip(size, out, k, s, p, d))
    return k, s, p, d, out, extra


def _max_pool_nd(input: Value, nd: int, kernel_size: Any, stride: Any, padding: Any,  # noqa: A002
                 dilation: Any, ceil_mode: bool) -> tuple[Value, Value]:
    if input.ndim not in (nd + 1, nd + 2) or input.numel() == 0:
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
    k, s, p, d, out, extra = window_geometry(tuple(input.shape), nd, kernel_size, stride, padding,
                                             dilation, ceil_mode)
    x = input if input.ndim == nd + 2 else input.unsqueeze(0)
    data = x.detach().numpy()
    xp = np.pad(data, ((0, 0), (0, 0)) + tuple(zip(p, extra)), constant_values=-np.inf)
    axes = tuple(range(2, 2 + nd))
    win = sliding_window_view(xp, tuple(dd * (kk - 1) + 1 for kk, dd in zip(k, d)), axis=axes)
    win = win[(slice(None), slice(None)) + tuple(slice(0, o * ss, ss) for o, ss in zip(out, s))
              + tuple(slice(None, None, dd) for dd in d)]
    flat = win.reshape(win.shape[: 2 + nd] + (-1,)).argmax(axis=-1)
    offsets = np.unravel_index(flat, k)
    grid = np.meshgrid(*(np.arange(o) for o in out), indexing="ij")
    pos = tuple(g * ss + off * dd - pp for g, off, ss, dd, pp in zip(grid, offsets, s, d, p))
    n, c = x.shape[:2]
    lead = (np.arange(n).reshape((n,) + (1,) * (nd + 1)), np.arange(c).reshape((1, c) + (1,) * nd))
    y = x[lead + pos]
    idx = np.ravel_multi_index(pos, x.shape[2:]).astype(np.int64)
    if input.ndim == nd + 1:
        return y.squeeze(0), Value(idx[0])
    return y, Value(idx)


def max_pool1d_with_indices(input: Value, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Value, Value]:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(input.shape)}")
    return _max_pool_nd(input, 1, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(input: Value, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window along the last axis of (N, C, L) or (C, L) inputs."""
    out = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


def max_pool2d_with_indices(input: Value, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Value, Value]:
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Value, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Value, Value]:
    return _max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input: Value, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window of (N, C, D, H, W) or (C, D, H, W) inputs (padding is -inf)."""
    out = _max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


def avg_pool1d(input: Value, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Value:
    """The mean of each window along the last axis: avg_pool2d of a height-1 image."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for avg_pool1d)")
    k = ntuple(kernel_size, 1, "kernel_size")[0]
    s = k if stride is None or stride == [] else ntuple(stride, 1, "stride")[0]
    p = ntuple(padding, 1, "padding")[0]
    x = input.unsqueeze(-2)
    return avg_pool2d(x, (1, k), (1, s), (0, p), ceil_mode, count_include_pad).squeeze(-2)


def _window_matrix(n: int, out: int, k: int, s: int, before: int) -> np.ndarray:
    """(out, n) 0/1 matrix: row i marks the cells of window i (start ``i*s - before``)."""
    start = np.arange(out)[:, None] * s - before
    cols = np.arange(n)[None, :]
    return ((cols >= start) & (cols < start + k)).astype(np.float64)


def _along(x: Value, axis: int, m: np.ndarray) -> Value:
    """Multiply axis ``axis`` of ``x`` by the matrix ``m`` (out, n)."""
    return (x.transpose(axis, -1) @ m.T.astype(x.dtype)).transpose(axis, -1)


def avg_pool3d(input: Value, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Value:
    """The mean of each window of (N, C, D, H, W) or (C, D, H, W) inputs; the window sums are
    separable, so they are three small matrix products."""
    if input.ndim not in (4, 5) or input.numel() == 0:
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    k, s, p, _, out, _ = window_geometry(tuple(input.shape), 3, kernel_size, stride, padding, 1,
                                             ceil_mode)
    y, divisor = input, np.ones(1)
    for i, (n, o, kk, ss, pp) in enumerate(zip(input.shape[-3:], out, k, s, p)):
        y = _along(y, input.ndim - 3 + i, _window_matrix(n, o, kk, ss, pp))
        start = np.arange(o) * ss - pp
        end = np.minimum(start + kk, n + pp)
        count = end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0)
        divisor = np.multiply.outer(divisor, count)
    if divisor_override is not None:
        return y / float(divisor_override)
    return y / divisor.reshape(out).astype(input.dtype)


def _lp(norm_type: float, pooled: Value, count: int) -> Value:
    return (pooled * count) ** (1.0 / norm_type)


def lp_pool1d(input: Value, norm_type: float, kernel_size: int, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Value:
    """``(sum over each window of x^p)^(1/p)`` along the last axis."""
    k = ntuple(kernel_size, 1, "kernel_size")[0]
    pooled = avg_pool1d(input ** norm_type, k, stride, 0, ceil_mode)
    return _lp(norm_type, pooled, k)


def lp_pool2d(input: Value, norm_type: float, kernel_size: Any, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Value:
    """``(sum over each window of x^p)^(1/p)`` over the last two axes."""
    kh, kw = ntuple(kernel_size, 2, "kernel_size")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    pooled = avg_pool2d(input ** norm_type, (kh, kw), stride, 0, ceil_mode)
    return _lp(norm_type, pooled, kh * kw)


def lp_pool3d(input: Value, norm_type: float, kernel_size: Any, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Value:
    """``(sum over each window of x^p)^(1/p)`` over the last three axes."""
    k = ntuple(kernel_size, 3, "kernel_size")
    pooled = avg_pool3d(input ** norm_type, k, stride, 0, ceil_mode)
    return _lp(norm_type, pooled, int(np.prod(k)))


def _max_unpool(input: Value, indices: Any, nd: int, kernel_size: Any, stride: Any,  # noqa: A002
                padding: Any, output_size: Any) -> Value:
    k = ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None else ntuple(stride, nd, "stride")
    p = ntuple(padding, nd, "padding")
    idx = np.asarray(indices.detach().numpy() if isinstance(indices, Value) else indices)
    if idx.dtype != np.int64:
        raise RuntimeError("elements in indices should be type int64 but got: "
                           f"{idx.dtype}")
    default = tuple((n - 1) * ss - 2 * pp + kk for n, ss, pp, kk in zip(input.shape[-nd:], s, p, k))
    if output_size is None:
        size = default
    else:
        size = tuple(int(v) for v in output_size)[-nd:]
        for i, (want, base, ss) in enumerate(zip(size, default, s)):
            if not base - ss < want < base + ss:
                raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {i} must be '
                                 f'between {base - ss} and {base + ss})')
    if tuple(idx.shape) != tuple(input.shape):
        shown = list(input.shape) + [1] * (2 - nd if nd < 2 else 0)
        got = list(idx.shape) + [1] * (2 - nd if nd < 2 else 0)
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({shown}) but got indices tensor with shape: {got}")
    volume = int(np.prod(size))
    if idx.size and (idx.min() < 0 or idx.max() >= volume):
        bad = idx[(idx < 0) | (idx >= volume)].ravel()[0]
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    lead = tuple(input.shape[:-nd])
    flat = input.reshape(lead + (-1,))
    zeros = Value(np.zeros(lead + (volume,), dtype=input.dtype))
    out = zeros.scatter_add(-1, Value(idx.reshape(lead + (-1,))), flat)
    return out.reshape(lead + size)


def max_unpool1d(input: Value, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Value:
    """The inverse of max_pool1d: each value goes to its index in a zero output."""
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Value, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Value:
    """The inverse of max_pool2d: each value goes to its index in a zero output."""
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Value, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Value:
    """The inverse of max_pool3d: each value goes to its index in a zero output."""
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size)


class _MaxPoolNd(Module):
    _fn: Any = None

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Value) -> Any:  # noqa: A002
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                              self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max pooling along the last axis; ``stride`` defaults to ``kernel_size``."""

    _fn = staticmethod(max_pool1d)


class MaxPool3d(_MaxPoolNd):
    """Max pooling over the last three axes; ``stride`` defaults to ``kernel_size``."""

    _fn = staticmethod(max_pool3d)


class AvgPool1d(Module):
    """Average pooling along the last axis (attributes as 1-tuples, as PyTorch)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = ntuple(kernel_size, 1, "kernel_size")
        self.stride = ntuple(stride if stride is not None else kernel_size, 1, "stride")
        self.padding = ntuple(padding, 1, "padding")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Value) -> Value:  # noqa: A002
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool3d(Module):
    """Average pooling over the last three axes; ``stride`` defaults to ``kernel_size``."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Value) -> Value:  # noqa: A002
        return avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _LPPoolNd(Module):
    _fn: Any = None

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = (norm_type, kernel_size,
                                                                         stride, ceil_mode)

    def forward(self, input: Value) -> Value:  # noqa: A002
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride,
                              self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling along the last axis."""

    _fn = staticmethod(lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling over the last two axes."""

    _fn = staticmethod(lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling over the last three axes."""

    _fn = staticmethod(lp_pool3d)


class _MaxUnpoolNd(Module):
    nd = 1

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = ntuple(kernel_size, self.nd, "kernel_size")
        self.stride = ntuple(stride if stride is not None else kernel_size, self.nd, "stride")
        self.padding = ntuple(padding, self.nd, "padding")

    def forward(self, input: Value, indices: Any, output_size: Any = None) -> Value:  # noqa: A002
        return _max_unpool(input, indices, self.nd, self.kernel_size, self.stride, self.padding,
                           output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The inverse of MaxPool1d, given its indices."""

    nd = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The inverse of MaxPool2d, given its indices."""

    nd = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """The inverse of MaxPool3d, given its indices."""

    nd = 3
