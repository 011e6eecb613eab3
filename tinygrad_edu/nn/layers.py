"""Layers: Linear, activations, Flatten, Identity (Sequential and ModuleList live in containers.py)."""

from __future__ import annotations

from typing import Any

from ..dtypes import get_default_dtype
from ..value import Value
from . import functional as F
from . import init
from .containers import ModuleList, Sequential
from .module import Module

__all__ = ["Linear", "ReLU", "Sigmoid", "Tanh", "Flatten", "Identity", "Sequential", "ModuleList"]


class Linear(Module):
    """``y = x @ weight.T + bias``, weight of shape ``(out_features, in_features)``.

    Both weight and bias start as U(-1/sqrt(in_features), 1/sqrt(in_features)), PyTorch's init.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        dtype = dtype or get_default_dtype()
        init.make_weight_and_bias(self, (out_features, in_features), bias, dtype)

    def reset_parameters(self) -> None:
        init.reset_weight_and_bias(self.weight, self.bias)

    def forward(self, x: Value) -> Value:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class ReLU(Module):
    """max(x, 0), with gradient 0 at x == 0. ``inplace=True`` writes the result into ``x``."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Value) -> Value:
        return x.relu_() if self.inplace else x.relu()

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    def forward(self, x: Value) -> Value:
        return x.sigmoid()


class Tanh(Module):
    def forward(self, x: Value) -> Value:
        return x.tanh()


class Identity(Module):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Value) -> Value:
        return x


class Flatten(Module):
    """Flatten axes ``start_dim..end_dim`` into one (default: all but the batch axis)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Value) -> Value:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
