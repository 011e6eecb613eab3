"""Dropout: random zeroing in training, identity in evaluation."""

from __future__ import annotations

from typing import Any

from ..value import Value
from . import functional as F
from . import functional_more as FM
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class Dropout(Module):
    """During training (``model.train()``, the default) zero each element with probability ``p``
    and scale the others by ``1/(1-p)``; after ``model.eval()`` return the input unchanged."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Value) -> Value:  # noqa: A002
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class _DropoutNd(Dropout):
    _fn: Any = None

    def forward(self, input: Value) -> Value:  # noqa: A002
        return type(self)._fn(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) inputs in training (mask per channel)."""

    _fn = staticmethod(FM.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) inputs in training (mask per channel)."""

    _fn = staticmethod(FM.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs in training."""

    _fn = staticmethod(FM.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's self-normalisation (mean 0, variance 1) in training."""

    _fn = staticmethod(FM.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels in training."""

    _fn = staticmethod(FM.feature_alpha_dropout)
