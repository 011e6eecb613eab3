"""Loss modules."""

from __future__ import annotations

from typing import Any

from ..value import Value
from . import functional as F
from .module import Module

__all__ = ["MSELoss"]


class MSELoss(Module):
    """Mean squared error with ``reduction`` 'mean' (default), 'sum' or 'none'.

    The 'mean' gradient is 2(x - y)/N. A target whose shape differs from the input's warns, as in
    PyTorch, because broadcasting (5,) against (5, 1) silently makes a (5, 5) loss.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"{reduction} is not a valid value for reduction")
        self.reduction = reduction

    def forward(self, input: Value, target: Any) -> Value:  # noqa: A002
        return F.mse_loss(input, target, reduction=self.reduction)
