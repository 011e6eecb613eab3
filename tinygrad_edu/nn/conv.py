"""2-D convolution: ``conv2d`` (also in ``nn.functional``) and the ``Conv2d`` layer.

Inputs are (N, C, H, W), or (C, H, W) unbatched. The arithmetic lives in
:mod:`tinygrad_edu.ops.conv`; this module checks the arguments with PyTorch's messages and turns
``stride``/``padding``/``dilation`` into a :class:`~tinygrad_edu.ops.conv.ConvGeometry`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..ops.conv import Conv2dFunction, ConvGeometry
from ..value import Value
from . import init
from .module import Module

__all__ = ["conv2d", "Conv2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pair(value: Any, name: str, op: str = "conv2d") -> tuple[int, int]:
    """An int or a sequence of one or two ints, as a pair (PyTorch's ``_pair`` with its check)."""
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    values = [int(v) for v in value]
    if len(values) == 1:
        return values[0], values[0]
    if len(values) != 2:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of 2 values to "
                           f"match the convolution dimensions, but got {name}={values}")
    return values[0], values[1]


def same_padding(kernel: tuple[int, int], dilation: tuple[int, int]) -> tuple:
    """Per-side padding that keeps the size at stride 1: the odd extra row/column goes to the
    bottom/right, as in PyTorch."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple((t // 2, t - t // 2) for t in total)


def conv_padding(padding: Any, kernel: tuple[int, int], stride: tuple[int, int],
                 dilation: tuple[int, int], error: type[Exception] = RuntimeError) -> tuple:
    """``padding`` (int, pair, 'valid' or 'same') as ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding != "same":
            raise error(f"Invalid padding string: '{padding}'" if error is RuntimeError else
                        f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        if stride != (1, 1):
            raise error("padding='same' is not supported for strided convolutions")
        return same_padding(kernel, dilation)
    ph, pw = pair(padding, "padding")
    if ph < 0 or pw < 0:
        raise RuntimeError("negative padding is not supported")
    return ((ph, ph), (pw, pw))


def _check_conv(x: Value, w: Value, bias: Any, geom: ConvGeometry) -> None:
    o, cg, kh, kw = w.shape
    g = geom.groups
    if o % g:
        raise RuntimeError(f"Given groups={g}, expected weight to be divisible by {g} at dimension 0, "
                           f"but got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != cg * g:
        raise RuntimeError(f"Given groups={g}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {cg * g} channels, but got {x.shape[1]} "
                           f"channels instead")
    if bias is not None and tuple(bias.shape) != (o,):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional "
                           f"with {o} elements, but got bias of size {list(bias.shape)} instead")
    (pt, pb), (pl, pr) = geom.padding
    padded = (x.shape[2] + pt + pb, x.shape[3] + pl + pr)
    eff = tuple(d * (k - 1) + 1 for k, d in zip((kh, kw), geom.dilation))
    if padded[0] < eff[0] or padded[1] < eff[1]:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). "
                           f"Kernel size: ({eff[0]} x {eff[1]}). Kernel size can't be greater than "
                           f"actual input size")


def conv2d(input: Value, weight: Value, bias: Value | None = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Value:
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``.

    ``input`` (N, C, H, W) or (C, H, W); ``weight`` (out_channels, C/groups, kH, kW); ``bias``
    (out_channels,). ``padding`` is an int, a pair, ``'valid'`` (no padding) or ``'same'``
    (output as large as the input; stride 1 only).
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {list(input.shape)}")
    if weight.ndim != 4:
        raise RuntimeError(f"conv2d expects a 4D weight (out_channels, in_channels/groups, kH, kW), "
                           f"but got weight of size: {list(weight.shape)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride_, dilation_ = pair(stride, "stride"), pair(dilation, "dilation")
    if min(stride_) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation_) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation_)}")
    kernel = (weight.shape[2], weight.shape[3])
    geom = ConvGeometry(stride_, conv_padding(padding, kernel, stride_, dilation_), dilation_, groups)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    _check_conv(x, weight, bias, geom)
    out = Conv2dFunction.apply(x, weight, geom=geom) if bias is None else Conv2dFunction.apply(
        x, weight, bias, geom=geom)
    return out if input.ndim == 4 else out.squeeze(0)


def pad_by_mode(x: Value, padding: tuple, mode: str) -> Value:
    """Pad the last two axes by reflecting ('reflect'), repeating the edge ('replicate') or
    wrapping around ('circular'): one indexing op, so the gradient flows back to the copied
    pixels."""
    h, w = x.shape[-2:]
    for (before, after), size in zip(padding, (h, w)):
        limit = size - 1 if mode == "reflect" else size
        if max(before, after) > limit:
            raise RuntimeError(f"padding ({before}, {after}) is too large for padding_mode='{mode}' "
                               f"on a dimension of size {size}: it must be at most {limit}")
    rows = np.pad(np.arange(h), padding[0], mode=_NUMPY_MODE[mode])
    cols = np.pad(np.arange(w), padding[1], mode=_NUMPY_MODE[mode])
    return x[..., rows[:, None], cols[None, :]]


def check_conv_args(in_channels: int, out_channels: int, groups: int, padding_mode: str) -> None:
    """PyTorch's checks of a convolution layer's arguments (every Conv and ConvTranspose)."""
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups:
        raise ValueError("out_channels must be divisible by groups")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {{'replicate', 'circular', 'reflect', "
                         f"'zeros'}}, but got padding_mode='{padding_mode}'")


class Conv2d(Module):
    """2-D convolution layer, as ``torch.nn.Conv2d``.

    weight: (out_channels, in_channels/groups, kH, kW), initialised with
    ``kaiming_uniform_(a=sqrt(5))``; bias: (out_channels,), U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    with fan_in = in_channels/groups * kH * kW, as PyTorch.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", dtype: Any = None) -> None:
        super().__init__()
        check_conv_args(in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride, self.dilation = pair(stride, "stride"), pair(dilation, "dilation")
        self._sides = conv_padding(padding, self.kernel_size, self.stride, self.dilation, ValueError)
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding")
        self.padding_mode = padding_mode
        dtype = dtype or get_default_dtype()
        shape = (out_channels, in_channels // groups) + self.kernel_size
        init.make_weight_and_bias(self, shape, bias, dtype)

    def reset_parameters(self) -> None:
        init.reset_weight_and_bias(self.weight, self.bias)

    def forward(self, x: Value) -> Value:
        if self.padding_mode == "zeros":
            return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                          self.groups)
        if x.ndim not in (3, 4):
            raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                               f"input of size: {list(x.shape)}")
        return conv2d(pad_by_mode(x, self._sides, self.padding_mode), self.weight, self.bias,
                      self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s
