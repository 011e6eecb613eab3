"""Adadelta, computed exactly as ``torch.optim.Adadelta`` computes it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .optimizer import Optimizer, advance_step, check_nonneg, decayed_grad, state_write, state_zeros


class Adadelta(Optimizer):
    """For each parameter p with a gradient, every step::

        g = -p.grad if maximize else p.grad
        if weight_decay != 0: g = g + weight_decay * p
        square_avg = rho * square_avg + (1 - rho) * g * g
        delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        p = p - lr * delta

    State per parameter: ``step``, ``square_avg`` and ``acc_delta`` (zeros at first). ``lr``
    defaults to 1.0. Parameters with no ``.grad`` are skipped.
    """

    def __init__(self, params: Any, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")
        check_nonneg(group, "eps", "weight_decay")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"square_avg": state_zeros(p), "acc_delta": state_zeros(p)}

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        rho, eps = group["rho"], group["eps"]
        state = self._state(p, group)
        advance_step(state)
        g = decayed_grad(grad, data, group)
        square_avg = rho * state["square_avg"].numpy() + (1 - rho) * g * g
        state_write(state["square_avg"], square_avg)
        acc_delta = state["acc_delta"].numpy()
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
        state_write(state["acc_delta"], rho * acc_delta + (1 - rho) * delta * delta)
        return data - float(group["lr"]) * delta
