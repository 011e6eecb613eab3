"""1-D and 3-D convolutions and the transposed convolutions, built from the 2-D ops.

* ``conv1d`` is ``conv2d`` on a height-1 image.
* ``conv3d`` pads the input, then adds one ``conv2d`` per depth position of the kernel: the input
  planes that kernel slice meets (a strided slice along depth) become a batch of images.
* ``conv_transpose2d`` is :class:`~tinygrad_edu.ops.conv.ConvTranspose2dFunction` (conv2d's input
  gradient) with the output size PyTorch computes; ``conv_transpose1d`` is it on a height-1 image;
  ``conv_transpose3d`` adds one ``conv_transpose2d`` per depth position of the kernel, each placed
  at its depth offset (stride: zeros between planes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..ops.conv import ConvGeometry, ConvTranspose2dFunction
from ..value import Value
from . import init
from .conv import check_conv_args, conv2d
from .module import Module
from .padding import pad
from .parameter import Parameter

__all__ = ["conv1d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "Conv1d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "ntuple"]


def ntuple(value: Any, n: int, name: str = "value") -> tuple[int, ...]:
    """An int or a sequence of 1 or ``n`` ints, as an ``n``-tuple."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    values = tuple(int(v) for v in value)
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to "
                           f"match the convolution dimensions, but got {name}={list(values)}")
    return values


def _check(op: str, nd: int, x: Value, w: Value, bias: Any, stride: tuple, dilation: tuple,
           groups: int, transposed: bool = False) -> None:
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but "
                           f"got input of size: {list(x.shape)}")
    if w.ndim != nd + 2:
        raise RuntimeError(f"weight should have at least three dimensions, and {nd + 2} for {op}, but "
                           f"got weight of size {list(w.shape)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    channels = x.shape[0 if x.ndim == nd + 1 else 1]
    xs = [1] + list(x.shape) if x.ndim == nd + 1 else list(x.shape)
    expected = w.shape[0] if transposed else w.shape[1] * groups
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size [{list(w.shape)}] instead")
    if channels != expected:
        raise RuntimeError(f"Given {'transposed=1' if transposed else f'groups={groups}'}, weight of "
                           f"size {list(w.shape)}, expected input{xs} to have {expected} channels, "
                           f"but got {channels} channels instead")
    out = w.shape[1] * groups if transposed else w.shape[0]
    if bias is not None and tuple(bias.shape) != (out,):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional "
                           f"with {out} elements, but got bias of size {list(bias.shape)} instead")


def _sides(padding: Any, nd: int, kernel: tuple, stride: tuple, dilation: tuple) -> list:
    """Per-side padding [(before, after), ...] from an int, a tuple, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * nd
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return [(t // 2, t - t // 2) for t in totals]
    p = ntuple(padding, nd, "padding")
    if min(p) < 0:
        raise RuntimeError("negative padding is not supported")
    return [(q, q) for q in p]


def conv1d(input: Value, weight: Value, bias: Value | None = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Value:
    """1-D cross-correlation over (N, C, L) or (C, L) inputs, as ``torch.nn.functional.conv1d``."""
    s, d = ntuple(stride, 1, "stride"), ntuple(dilation, 1, "dilation")
    _check("conv1d", 1, input, weight, bias, s, d, groups)
    p = padding if isinstance(padding, str) else (0, ntuple(padding, 1, "padding")[0])
    y = conv2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, (1, s[0]), p, (1, d[0]), groups)
    return y.squeeze(-2)


def conv3d(input: Value, weight: Value, bias: Value | None = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Value:
    """3-D cross-correlation over (N, C, D, H, W) or (C, D, H, W) inputs: one conv2d per depth
    position of the kernel, added up."""
    s, d = ntuple(stride, 3, "stride"), ntuple(dilation, 3, "dilation")
    _check("conv3d", 3, input, weight, bias, s, d, groups)
    kernel = tuple(weight.shape[2:])
    sides = _sides(padding, 3, kernel, s, d)
    x = input if input.ndim == 5 else input.unsqueeze(0)
    x = pad(x, [q for pair in reversed(sides) for q in pair])
    n, c, depth, h, w = x.shape
    eff = [dd * (k - 1) + 1 for k, dd in zip(kernel, d)]
    if depth < eff[0] or h < eff[1] or w < eff[2]:
        raise RuntimeError(f"Calculated padded input size per channel: ({depth} x {h} x {w}). Kernel "
                           f"size: ({eff[0]} x {eff[1]} x {eff[2]}). Kernel size can't be greater "
                           f"than actual input size")
    out_d = (depth - eff[0]) // s[0] + 1
    total = None
    for i in range(kernel[0]):
        planes = x[:, :, i * d[0]: i * d[0] + s[0] * (out_d - 1) + 1: s[0]]
        planes = planes.permute(0, 2, 1, 3, 4).reshape(n * out_d, c, h, w)
        y = conv2d(planes, weight[:, :, i], None, s[1:], 0, d[1:], groups)
        total = y if total is None else total + y
    total = total.reshape((n, out_d) + tuple(total.shape[1:])).permute(0, 2, 1, 3, 4)
    if bias is not None:
        total = total + bias.reshape(-1, 1, 1, 1)
    return total if input.ndim == 5 else total.squeeze(0)


def _transposed_sizes(op: str, size: tuple, kernel: tuple, s: tuple, p: tuple, op_: tuple,
                      d: tuple) -> tuple:
    for o, st, dd in zip(op_, s, d):
        if o >= st and o >= dd:
            names = ("depth", "height", "width")[3 - len(s):]
            raise RuntimeError("output padding must be smaller than either stride or dilation, but "
                               "got " + " ".join(f"output_padding_{nm}: {v}" for nm, v in zip(names, op_)))
        if o >= st:
            raise NotImplementedError(f"{op}: output_padding ({o}) at least the stride ({st}) (allowed "
                                      f"by the dilation) is not supported by tinygrad_edu")
    out = tuple((n - 1) * st - 2 * pp + dd * (k - 1) + o + 1
                for n, k, st, pp, o, dd in zip(size, kernel, s, p, op_, d))
    if min(out) <= 0:
        raise RuntimeError(f"Given input size per channel: {list(size)}. Calculated output size per "
                           f"channel: {list(out)}. Output size is too small")
    return out


def conv_transpose2d(input: Value, weight: Value, bias: Value | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Value:
    """The transposed 2-D convolution (conv2d's gradient with respect to its input), as
    ``torch.nn.functional.conv_transpose2d``; weight (C_in, C_out/groups, kH, kW)."""
    s, d = ntuple(stride, 2, "stride"), ntuple(dilation, 2, "dilation")
    p, op_ = ntuple(padding, 2, "padding"), ntuple(output_padding, 2, "output_padding")
    _check("conv_transpose2d", 2, input, weight, bias, s, d, groups, transposed=True)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    size = _transposed_sizes("conv_transpose2d", tuple(x.shape[2:]), tuple(weight.shape[2:]), s, p,
                             op_, d)
    geom = ConvGeometry(s, ((p[0], p[0]), (p[1], p[1])), d, groups)
    y = ConvTranspose2dFunction.apply(x, weight, size=size, geom=geom)
    if bias is not None:
        y = y + bias.reshape(-1, 1, 1)
    return y if input.ndim == 4 else y.squeeze(0)


def conv_transpose1d(input: Value, weight: Value, bias: Value | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Value:
    """The transposed 1-D convolution: conv_transpose2d on a height-1 image."""
    s, d = ntuple(stride, 1, "stride"), ntuple(dilation, 1, "dilation")
    _check("conv_transpose1d", 1, input, weight, bias, s, d, groups, transposed=True)
    p, op_ = ntuple(padding, 1, "padding"), ntuple(output_padding, 1, "output_padding")
    y = conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, (1, s[0]), (0, p[0]),
                         (0, op_[0]), groups, (1, d[0]))
    return y.squeeze(-2)


def conv_transpose3d(input: Value, weight: Value, bias: Value | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Value:
    """The transposed 3-D convolution: per depth position of the kernel, a conv_transpose2d of
    every input plane, placed ``stride`` planes apart from its depth offset, all added up."""
    s, d = ntuple(stride, 3, "stride"), ntuple(dilation, 3, "dilation")
    p, op_ = ntuple(padding, 3, "padding"), ntuple(output_padding, 3, "output_padding")
    _check("conv_transpose3d", 3, input, weight, bias, s, d, groups, transposed=True)
    x = input if input.ndim == 5 else input.unsqueeze(0)
    n, c, depth, h, w = x.shape
    kernel = tuple(weight.shape[2:])
    out = _transposed_sizes("conv_transpose3d", (depth, h, w), kernel, s, p, op_, d)
    full = out[0] + 2 * p[0]
    planes = x.permute(0, 2, 1, 3, 4).reshape(n * depth, c, h, w)
    total = None
    for i in range(kernel[0]):
        y = conv_transpose2d(planes, weight[:, :, i], None, s[1:], p[1:], op_[1:], groups, d[1:])
        y = y.reshape((n, depth) + tuple(y.shape[1:]))
        if s[0] > 1:  # s - 1 planes of zeros after each plane
            y = pad(y.unsqueeze(2), (0, 0) * 3 + (0, s[0] - 1))
            y = y.reshape((n, depth * s[0]) + tuple(y.shape[3:]))[:, : (depth - 1) * s[0] + 1]
        y = pad(y, (0, 0) * 3 + (i * d[0], full - i * d[0] - y.shape[1]))
        total = y if total is None else total + y
    total = total[:, p[0]: p[0] + out[0]].permute(0, 2, 1, 3, 4)
    if bias is not None:
        total = total + bias.reshape(-1, 1, 1, 1)
    return total if input.ndim == 5 else total.squeeze(0)


_PAD_MODE = {"reflect": "reflect", "replicate": "replicate", "circular": "circular"}


class _ConvNd(Module):
    """Conv1d/Conv3d/ConvTranspose*d: PyTorch's attributes, weight and bias shapes and
    initialisation (kaiming_uniform_(a=sqrt(5)); bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""

    nd = 1
    transposed = False
    _fn: Any = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None, *,
                 output_padding: Any = 0) -> None:
        super().__init__()
        check_conv_args(in_channels, out_channels, groups, padding_mode)
        nd = self.nd
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size")
        self.stride, self.dilation = ntuple(stride, nd, "stride"), ntuple(dilation, nd, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of "
                                 f"{{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        self.padding = padding if isinstance(padding, str) else ntuple(padding, nd, "padding")
        self.output_padding = ntuple(output_padding, nd, "output_padding")
        self.padding_mode = padding_mode
        dtype = dtype or get_default_dtype()
        shape = ((in_channels, out_channels // groups) if self.transposed else
                 (out_channels, in_channels // groups)) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.reset_weight_and_bias(self.weight, self.bias)

    def forward(self, input: Value) -> Value:  # noqa: A002
        if self.padding_mode == "zeros":
            return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding,
                                  self.dilation, self.groups)
        sides = _sides(self.padding, self.nd, self.kernel_size, self.stride, self.dilation)
        x = pad(input, [q for pair in reversed(sides) for q in pair], _PAD_MODE[self.padding_mode])
        return type(self)._fn(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self.nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self.nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """1-D convolution layer over (N, C, L) inputs; weight (out, in/groups, k)."""

    nd, _fn = 1, staticmethod(conv1d)


class Conv3d(_ConvNd):
    """3-D convolution layer over (N, C, D, H, W) inputs; weight (out, in/groups, kD, kH, kW)."""

    nd, _fn = 3, staticmethod(conv3d)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise ValueError(f"Invalid padding string '{padding}' for {type(self).__name__}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, output_padding=output_padding)

    def _output_padding(self, input: Value, output_size: Any) -> tuple:  # noqa: A002
        if output_size is None:
            return self.output_padding
        want = [int(v) for v in output_size][-self.nd:]
        size = input.shape[-self.nd:]
        out = []
        for i in range(self.nd):
            least = ((size[i] - 1) * self.stride[i] - 2 * self.padding[i]
                     + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            if not least <= want[i] < least + self.stride[i]:
                raise ValueError(f"requested an output size of {want}, but valid sizes range from "
                                 f"{least} to {least + self.stride[i] - 1} (for an input of "
                                 f"{list(size)})")
            out.append(want[i] - least)
        return tuple(out)

    def forward(self, input: Value, output_size: Any = None) -> Value:  # noqa: A002
        op_ = self._output_padding(input, output_size)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, op_,
                              self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution layer; weight (in, out/groups, k)."""

    nd, _fn = 1, staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution layer; weight (in, out/groups, kH, kW)."""

    nd, _fn = 2, staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-D convolution layer; weight (in, out/groups, kD, kH, kW)."""

    nd, _fn = 3, staticmethod(conv_transpose3d)
