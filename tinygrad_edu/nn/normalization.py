"""Normalisation: ``batch_norm`` and ``layer_norm`` (also in ``nn.functional``), and the
``BatchNorm1d``, ``BatchNorm2d`` and ``LayerNorm`` layers.

Both standardise with the fused :class:`~tinygrad_edu.ops.norm.Normalize` op (biased variance),
then apply ``* weight + bias``. In training, batch norm also updates the running statistics in
place, outside the graph: ``running = (1 - momentum) * running + momentum * batch``, with the
*unbiased* batch variance for ``running_var``, exactly as PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..ops.norm import Normalize
from ..state import no_grad
from ..value import Value
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["batch_norm", "layer_norm", "BatchNorm1d", "BatchNorm2d", "LayerNorm"]


def _check_channels(name: str, v: Any, channels: int) -> None:
    if v is not None and int(np.prod(v.shape)) != channels:
        raise RuntimeError(f"{name} should contain {channels} elements not {int(np.prod(v.shape))}")


def _update_running(stat: Value, batch: np.ndarray, momentum: float) -> None:
    with no_grad():
        stat.copy_((1 - momentum) * stat.numpy() + momentum * batch)


def batch_norm(input: Value, running_mean: Value | None, running_var: Value | None,  # noqa: A002
               weight: Value | None = None, bias: Value | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Value:
    """Batch normalisation over every axis but the channel axis 1, as PyTorch.

    ``training=True``: normalise with the batch's mean and biased variance, and update
    ``running_mean``/``running_var`` in place when given (running_var with the unbiased
    variance). ``training=False``: normalise with the running statistics.
    """
    if input.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got 1): "
                         f"batch_norm needs an input of shape (N, C, ...), got {list(input.shape)}")
    channels = input.shape[1]
    for name, v in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_channels(name, v, channels)
    axes = (0,) + tuple(range(2, input.ndim))
    per_channel = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        count = int(np.prod([input.shape[a] for a in axes]))
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {tuple(input.shape)}")
        out = Normalize.apply(input, axes=axes, eps=eps)
        if running_mean is not None or running_var is not None:
            data = input.detach().numpy()
            if running_mean is not None:
                _update_running(running_mean, data.mean(axis=axes), momentum)
            if running_var is not None:
                _update_running(running_var, data.var(axis=axes, ddof=1), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        mean, var = running_mean.reshape(per_channel), running_var.reshape(per_channel)
        out = (input - mean) * (var + eps) ** -0.5
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out


def layer_norm(input: Value, normalized_shape: Any, weight: Value | None = None,  # noqa: A002
               bias: Value | None = None, eps: float = 1e-5) -> Value:
    """Normalise over the last ``len(normalized_shape)`` axes, then ``* weight + bias``."""
    if isinstance(normalized_shape, (int, np.integer)):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        "ints, not int")
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and tuple(v.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(v.shape)} and normalized_shape = {list(shape)}")
    out = Normalize.apply(input, axes=tuple(range(input.ndim - k, input.ndim)), eps=eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


class _BatchNorm(Module):
    """Shared by BatchNorm1d and BatchNorm2d (which only differ in the input ranks they take)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = dtype or get_default_dtype()
        if affine:
            self.weight = Parameter(np.empty((num_features,), dtype=dtype))
            if bias:
                self.bias = Parameter(np.empty((num_features,), dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Value(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Value(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Value(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, x: Value) -> None:
        raise NotImplementedError

    def forward(self, x: Value) -> Value:
        self._check_input_dim(x)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return batch_norm(x, self.running_mean if track else None,
                          self.running_var if track else None, self.weight, self.bias,
                          use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs, per channel C."""

    def _check_input_dim(self, x: Value) -> None:
        if x.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {x.ndim}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) inputs, per channel C."""

    def _check_input_dim(self, x: Value) -> None:
        if x.ndim != 4:
            raise ValueError(f"expected 4D input (got {x.ndim}D input)")


class LayerNorm(Module):
    """Layer norm over the last axes (``normalized_shape``), with elementwise weight and bias
    (ones and zeros at first)."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = dtype or get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, x: Value) -> Value:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
