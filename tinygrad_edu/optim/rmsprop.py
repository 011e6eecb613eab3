"""RMSprop, computed exactly as ``torch.optim.RMSprop`` computes it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .optimizer import Optimizer, advance_step, check_nonneg, decayed_grad, state_write, state_zeros


class RMSprop(Optimizer):
    """For each parameter p with a gradient, every step::

        g = -p.grad if maximize else p.grad
        if weight_decay != 0: g = g + weight_decay * p
        square_avg = alpha * square_avg + (1 - alpha) * g * g
        if centered:
            grad_avg = alpha * grad_avg + (1 - alpha) * g
            avg = sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = sqrt(square_avg) + eps
        if momentum > 0:
            momentum_buffer = momentum * momentum_buffer + g / avg
            p = p - lr * momentum_buffer
        else:
            p = p - lr * g / avg

    State per parameter: ``step``, ``square_avg``, plus ``momentum_buffer`` when momentum > 0
    and ``grad_avg`` when centered (all zeros at first). Parameters with no ``.grad`` are skipped.
    """

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "eps", "momentum", "weight_decay", "alpha")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        state = {"square_avg": state_zeros(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = state_zeros(p)
        if group["centered"]:
            state["grad_avg"] = state_zeros(p)
        return state

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        lr, alpha, eps, momentum = float(group["lr"]), group["alpha"], group["eps"], group["momentum"]
        state = self._state(p, group)
        advance_step(state)
        g = decayed_grad(grad, data, group)
        square_avg = alpha * state["square_avg"].numpy() + (1 - alpha) * g * g
        state_write(state["square_avg"], square_avg)
        if group["centered"]:
            grad_avg = state["grad_avg"].numpy()
            grad_avg = grad_avg + (1 - alpha) * (g - grad_avg)  # torch's lerp_
            state_write(state["grad_avg"], grad_avg)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        if momentum > 0:
            buf = momentum * state["momentum_buffer"].numpy() + g / avg
            state_write(state["momentum_buffer"], buf)
            return data - lr * buf
        return data - lr * (g / avg)
