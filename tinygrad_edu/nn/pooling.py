"""2-D pooling: ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d`` (also in
``nn.functional``) and their layers.

* Max pooling finds each window's maximum with numpy (padding counts as -inf) and gathers it:
  one :class:`~tinygrad_edu.ops.conv.MaxPool2dFunction` node, whose backward scatters the
  gradient back to the maxima.
* Average pooling is a convolution with a kernel of ones, one channel at a time (``groups=C``),
  divided by each window's count: no new op, and differentiable to any order.
* Adaptive average pooling averages windows of uneven sizes: ``P_h @ x @ P_w^T`` with two small
  averaging matrices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.conv import (
    Conv2dFunction,
    ConvGeometry,
    MaxPool2dFunction,
    max_pool_index,
    pool_output_size,
)
from ..value import Value
from .module import Module

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "MaxPool2d", "AvgPool2d",
           "AdaptiveAvgPool2d"]


def _pool_pair(value: Any, name: str, op: str) -> tuple[int, int]:
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    values = tuple(int(v) for v in value)
    if len(values) == 1:
        return values[0], values[0]
    if len(values) != 2:
        raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of two ints")
    return values


def _pool_geometry(x: Value, op: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool) -> tuple:
    """Check the arguments as PyTorch does; return (kernel, geometry, output size).

    The geometry's padding includes the extra bottom/right cells that ceil_mode's last, partial
    window reaches into."""
    if x.ndim not in (3, 4) or x.numel() == 0:
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    kernel = _pool_pair(kernel_size, "kernel_size", op)
    stride_ = kernel if stride is None or stride == [] else _pool_pair(stride, "stride", op)
    pad, dil = _pool_pair(padding, "padding", op), _pool_pair(dilation, "dilation", op)
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} "
                           f"kW: {kernel[1]}")
    if min(stride_) <= 0:
        raise RuntimeError("stride should not be zero")
    if min(dil) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dil[0]} "
                           f"dilationW: {dil[1]}")
    for p, k, d in zip(pad, kernel, dil):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    size = x.shape[-2:]
    out = tuple(pool_output_size(*args, ceil_mode) for args in zip(size, kernel, stride_, pad, dil))
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({x.shape[-3]}x{size[0]}x{size[1]}). Calculated "
                           f"output size: ({x.shape[-3]}x{out[0]}x{out[1]}). Output size is too small")
    sides = tuple((p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p))
                  for n, o, k, s, p, d in zip(size, out, kernel, stride_, pad, dil))
    return kernel, ConvGeometry(stride_, sides, dil, 1), out


def _batched(x: Value) -> Value:
    return x if x.ndim == 4 else x.unsqueeze(0)


def max_pool2d(input: Value, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window, as ``torch.nn.functional.max_pool2d`` (padding is -inf).

    With ``return_indices=True`` also returns, for each output, the flat position ``h * W + w``
    of its maximum in its input plane (int64), as PyTorch."""
    kernel, geom, out = _pool_geometry(input, "max_pool2d", kernel_size, stride, padding, dilation,
                                       ceil_mode)
    x = _batched(input)
    index = max_pool_index(x.detach().numpy(), kernel, geom, out)
    y = MaxPool2dFunction.apply(x, index=index)
    y = y if input.ndim == 4 else y.squeeze(0)
    if not return_indices:
        return y
    flat = np.broadcast_to(index[2] * x.shape[3] + index[3], x.shape[:2] + out).astype(np.int64)
    return y, Value(flat if input.ndim == 4 else flat[0])


def avg_pool2d(input: Value, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Value:
    """The mean of each window, as ``torch.nn.functional.avg_pool2d``.

    Zero padding counts in the divisor when ``count_include_pad`` (cells beyond it, which only
    ceil_mode's last window reaches, never do); ``divisor_override`` replaces the divisor."""
    kernel, geom, out = _pool_geometry(input, "avg_pool2d", kernel_size, stride, padding, 1,
                                       ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x = _batched(input)
    channels = x.shape[1]
    ones = np.ones((channels, 1) + kernel, dtype=x.dtype)
    sums = Conv2dFunction.apply(x, ones, geom=geom._replace(groups=channels))
    if divisor_override is not None:
        divisor: Any = float(divisor_override)
    else:
        counts = []
        for n, o, k, s, (p, _) in zip(x.shape[2:], out, kernel, geom.stride, geom.padding):
            start = np.arange(o) * s - p
            end = np.minimum(start + k, n + p)
            counts.append(end - start if count_include_pad else
                          np.minimum(end, n) - np.maximum(start, 0))
        divisor = np.outer(counts[0], counts[1]).astype(x.dtype)
    y = sums / divisor
    return y if input.ndim == 4 else y.squeeze(0)


def _averaging_matrix(size: int, out: int, dtype: Any) -> np.ndarray:
    """(out, size): row i averages x[floor(i*size/out) : ceil((i+1)*size/out)], as PyTorch."""
    m = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        m[i, start:end] = 1.0 / (end - start)
    return m


def adaptive_avg_pool2d(input: Value, output_size: Any) -> Value:  # noqa: A002
    """Average pooling to a fixed output size (``None`` keeps that axis), as PyTorch."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(input.shape)}")
    sizes = (output_size, output_size) if isinstance(output_size, (int, np.integer)) or \
        output_size is None else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got "
                         f"{output_size!r}")
    oh, ow = (s if o is None else int(o) for o, s in zip(sizes, input.shape[-2:]))
    if oh < 0 or ow < 0:
        raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater than or "
                           f"equal to 0 but received {{{oh}, {ow}}}")
    rows = _averaging_matrix(input.shape[-2], oh, input.dtype)
    cols = _averaging_matrix(input.shape[-1], ow, input.dtype)
    return rows @ (input @ cols.T)


class MaxPool2d(Module):
    """Max pooling layer; ``stride`` defaults to ``kernel_size``."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Value) -> Any:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Average pooling layer; ``stride`` defaults to ``kernel_size``."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x: Value) -> Value:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Value) -> Value:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
