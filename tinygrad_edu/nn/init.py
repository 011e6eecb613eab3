"""``nn.init``: fill parameters in place, under no_grad, from the global generator."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..random import Generator, rng
from ..state import no_grad
from ..value import Value
from .parameter import Parameter

__all__ = [
    "uniform_", "normal_", "zeros_", "ones_", "constant_", "kaiming_uniform_", "xavier_uniform_",
    "calculate_gain",
]


def _fill(t: Value, data: np.ndarray) -> Value:
    with no_grad():
        t.copy_(data.astype(t.dtype))
    return t


def _fans(t: Value) -> tuple[int, int]:
    if t.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def calculate_gain(nonlinearity: str, param: Any = None) -> float:
    if nonlinearity in ("linear", "sigmoid", "identity", "conv1d", "conv2d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(t: Value, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Value:
    return _fill(t, rng(generator).uniform(a, b, t.shape))


def normal_(t: Value, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Value:
    return _fill(t, rng(generator).normal(mean, std, t.shape))


def zeros_(t: Value) -> Value:
    return _fill(t, np.zeros(t.shape))


def ones_(t: Value) -> Value:
    return _fill(t, np.ones(t.shape))


def constant_(t: Value, val: float) -> Value:
    return _fill(t, np.full(t.shape, val))


def kaiming_uniform_(t: Value, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Generator | None = None) -> Value:
    """U(-bound, bound) with bound = gain * sqrt(3 / fan). nn.Linear uses a = sqrt(5)."""
    fan_in, fan_out = _fans(t)
    fan = fan_in if mode == "fan_in" else fan_out
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan) if fan else 0.0
    return uniform_(t, -bound, bound, generator)


def xavier_uniform_(t: Value, gain: float = 1.0, generator: Generator | None = None) -> Value:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(t)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -bound, bound, generator)


def make_weight_and_bias(module: Any, weight_shape: tuple, bias: bool, dtype: Any) -> None:
    """Register ``weight`` (and ``bias`` of size ``weight_shape[0]``, or None) on ``module``, then
    initialise them as ``nn.Linear`` and ``nn.Conv2d`` do (``reset_weight_and_bias``)."""
    module.weight = Parameter(np.empty(weight_shape, dtype=dtype))
    if bias:
        module.bias = Parameter(np.empty(weight_shape[:1], dtype=dtype))
    else:
        module.register_parameter("bias", None)
    reset_weight_and_bias(module.weight, module.bias)


def reset_weight_and_bias(weight: Value, bias: Value | None) -> None:
    """PyTorch's default for Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) for the weight, and
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = _fans(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
