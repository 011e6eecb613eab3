"""More normalisation: ``group_norm``, ``instance_norm``, ``local_response_norm`` and ``rms_norm``
(also in ``nn.functional``), and the ``GroupNorm``, ``InstanceNorm1d/2d/3d``, ``BatchNorm3d``,
``LocalResponseNorm``, ``CrossMapLRN2d`` and ``RMSNorm`` layers.

Group and instance norm reshape so that the axes to standardise are the last ones, then use the
fused :class:`~tinygrad_edu.ops.norm.Normalize` op, as layer norm does. Local response norm adds
shifted slices of the zero-padded squares along the channel axis; RMS norm is
``x * (mean(x^2) + eps)^(-1/2)``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..ops.norm import Normalize
from ..value import Value
from . import init
from .module import Module
from .normalization import _BatchNorm, _update_running
from .padding import pad
from .parameter import Parameter

__all__ = ["group_norm", "instance_norm", "local_response_norm", "rms_norm", "GroupNorm",
           "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "BatchNorm3d", "LocalResponseNorm",
           "CrossMapLRN2d", "RMSNorm"]


def _per_channel(v: Value, ndim: int) -> Value:
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def group_norm(input: Value, num_groups: int, weight: Value | None = None,  # noqa: A002
               bias: Value | None = None, eps: float = 1e-5) -> Value:
    """Standardise each group of ``C / num_groups`` channels of each sample (over the group's
    channels and all positions), then ``* weight + bias`` per channel."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    n, c = input.shape[:2]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but "
                           f"got input of shape {list(input.shape)} and num_groups={num_groups}")
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and tuple(v.shape) != (c,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(v.shape)} and "
                               f"input of shape {list(input.shape)}")
    x = input.reshape(n, num_groups, -1)
    out = Normalize.apply(x, axes=(2,), eps=eps).reshape(tuple(input.shape))
    if weight is not None:
        out = out * _per_channel(weight, input.ndim)
    if bias is not None:
        out = out + _per_channel(bias, input.ndim)
    return out


def instance_norm(input: Value, running_mean: Value | None = None,  # noqa: A002
                  running_var: Value | None = None, weight: Value | None = None,
                  bias: Value | None = None, use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5) -> Value:
    """Standardise each channel of each sample over its positions. With ``use_input_stats`` the
    running statistics (when given) move towards the batch average of the per-sample statistics
    (variance unbiased), as PyTorch; otherwise they are used instead."""
    spatial = tuple(range(2, input.ndim))
    if use_input_stats:
        if int(np.prod(input.shape[2:])) <= 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                             f"torch.Size({list(input.shape)})")
        out = Normalize.apply(input, axes=spatial, eps=eps)
        data = input.detach().numpy()
        if running_mean is not None:
            _update_running(running_mean, data.mean(axis=spatial).mean(axis=0), momentum)
        if running_var is not None:
            _update_running(running_var, data.var(axis=spatial, ddof=1).mean(axis=0), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        out = (input - _per_channel(running_mean, input.ndim)) * \
            (_per_channel(running_var, input.ndim) + eps) ** -0.5
    if weight is not None:
        out = out * _per_channel(weight, input.ndim)
    if bias is not None:
        out = out + _per_channel(bias, input.ndim)
    return out


def local_response_norm(input: Value, size: int, alpha: float = 1e-4, beta: float = 0.75,  # noqa: A002
                        k: float = 1.0) -> Value:
    """``x / (k + alpha * mean of x^2 over the ``size`` nearest channels)^beta``."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got "
                         f"{input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = pad(input * input, (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2))
    total = None
    for j in range(size):
        part = sq[:, j: j + c]
        total = part if total is None else total + part
    return input / (total / size * alpha + k) ** beta


def rms_norm(input: Value, normalized_shape: Any, weight: Value | None = None,  # noqa: A002
             eps: float | None = None) -> Value:
    """``x / sqrt(mean(x^2) + eps)`` over the last ``len(normalized_shape)`` axes, ``* weight``;
    ``eps=None`` is the machine epsilon of the input's dtype."""
    shape = (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) else \
        tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")
    if eps is None:
        eps = float(np.finfo(input.dtype).eps)
    axes = tuple(range(input.ndim - k, input.ndim))
    out = input * ((input * input).mean(axes, keepdim=True) + eps) ** -0.5
    return out if weight is None else out * weight


class GroupNorm(Module):
    """Group norm over ``num_groups`` groups of ``num_channels`` channels; weight ones, bias zeros."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = (num_groups, num_channels, eps,
                                                                     affine)
        dtype = dtype or get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(num_channels, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Value) -> Value:  # noqa: A002
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    """Instance norm layers: PyTorch's defaults are ``affine=False, track_running_stats=False``."""

    spatial = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)

    def _check_input_dim(self, x: Value) -> None:
        if x.ndim not in (self.spatial + 1, self.spatial + 2):
            raise ValueError(f"expected {self.spatial + 1}D or {self.spatial + 2}D input (got "
                             f"{x.ndim}D input)")

    def forward(self, input: Value) -> Value:  # noqa: A002
        self._check_input_dim(input)
        feature_dim = input.ndim - self.spatial - 1
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can "
                          "silence this warning by not passing in num_features, which is not used "
                          "because affine=False", UserWarning, stacklevel=2)
        x = input if feature_dim == 1 else input.unsqueeze(0)
        out = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            self.momentum if self.momentum is not None else 0.0, self.eps)
        return out if feature_dim == 1 else out.squeeze(0)


class InstanceNorm1d(_InstanceNorm):
    """Instance norm of (N, C, L) or (C, L) inputs."""

    spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance norm of (N, C, H, W) or (C, H, W) inputs."""

    spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance norm of (N, C, D, H, W) or (C, D, H, W) inputs."""

    spatial = 3


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) inputs, per channel C."""

    def _check_input_dim(self, x: Value) -> None:
        if x.ndim != 5:
            raise ValueError(f"expected 5D input (got {x.ndim}D input)")


class LocalResponseNorm(Module):
    """Normalise each channel by the mean square of its ``size`` neighbouring channels."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Value) -> Value:  # noqa: A002
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _cross_map_window(channels: int, size: int) -> np.ndarray:
    """(C, C) 0/1 matrix of the channels PyTorch's CrossMapLRN2d sums for each channel (its running
    window, replayed: add the next channel, drop the one ``pre_pad`` back from the second on)."""
    pre_pad = int((size - 1) / 2 + 1)
    m = np.zeros((channels, channels))
    m[0, : min(pre_pad, channels)] = 1
    for c in range(1, channels):
        m[c] = m[c - 1]
        if c < channels - pre_pad + 1:
            m[c, c + pre_pad - 1] += 1
        if c > pre_pad:
            m[c, c - pre_pad] -= 1
    return m


class CrossMapLRN2d(Module):
    """Lua Torch's cross-channel LRN on (N, C, H, W): ``x * (k + alpha/size * window sum of
    x^2)^(-beta)``, with PyTorch's window."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Value) -> Value:  # noqa: A002
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
        m = _cross_map_window(input.shape[1], self.size).astype(input.dtype)
        sums = ((input * input).permute(0, 2, 3, 1) @ m.T).permute(0, 3, 1, 2)
        return input * (sums * (self.alpha / self.size) + self.k) ** -self.beta

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class RMSNorm(Module):
    """RMS norm over the last axes (``normalized_shape``), with an elementwise weight (ones)."""

    def __init__(self, normalized_shape: Any, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype or get_default_dtype()))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Value) -> Value:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
