"""Dropout: random zeroing in training, identity in evaluation."""

from __future__ import annotations

from ..value import Value
from . import functional as F
from .module import Module

__all__ = ["Dropout"]


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
