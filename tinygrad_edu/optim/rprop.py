"""Resilient backpropagation, computed exactly as ``torch.optim.Rprop`` computes it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .optimizer import Optimizer, advance_step, check_nonneg, state_write, state_zeros


class Rprop(Optimizer):
    """Each number has its own step size, which grows by ``etas[1]`` while its gradient keeps
    its sign and shrinks by ``etas[0]`` when the sign flips; only the gradient's sign is used::

        g = -grad if maximize else grad
        s = sign(g * prev) mapped to etaplus (> 0), etaminus (< 0), 1 (== 0)
        step_size = clamp(step_size * s, step_sizes[0], step_sizes[1])
        g = 0 where the sign flipped;  p = p - sign(g) * step_size;  prev = g

    State: ``step``, ``prev`` (zeros) and ``step_size`` (starts at lr). No weight decay, as in
    PyTorch.
    """

    def __init__(self, params: Any, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr")
        etas = group["etas"]
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"prev": state_zeros(p), "step_size": state_zeros(p, float(group["lr"]))}

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        state = self._state(p, group)
        advance_step(state)
        g = -grad if group["maximize"] else grad
        sign = np.sign(g * state["prev"].numpy())
        factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0)).astype(data.dtype)
        step_size = np.clip(state["step_size"].numpy() * factor, lo, hi).astype(data.dtype)
        g = np.where(factor == etaminus, 0, g).astype(data.dtype)
        state_write(state["step_size"], step_size)
        state_write(state["prev"], g)
        return data - np.sign(g) * step_size
