"""Averaged SGD, computed exactly as ``torch.optim.ASGD`` computes it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .adam_variants import FreeShapeState, scalar_state
from .optimizer import Optimizer, advance_step, check_nonneg, decayed_grad, state_write, state_zeros


class ASGD(FreeShapeState, Optimizer):
    """SGD with a decaying step size and a running average ``ax`` of the iterates. Every step
    (t counts this parameter's steps)::

        g = -grad if maximize else grad;  if weight_decay: g = g + weight_decay * p
        p = p * (1 - lambd * eta) - eta * g
        ax = ax + (p - ax) * mu          (ax = p while mu == 1)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)

    State: ``step``, ``eta`` (0-d, starts at lr), ``mu`` (0-d, starts at 1) and ``ax``.
    """

    _free_state_keys = ("eta", "mu")

    def __init__(self, params: Any, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "weight_decay")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"eta": scalar_state(float(group["lr"])), "mu": scalar_state(1.0), "ax": state_zeros(p)}

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        lr, lambd = float(group["lr"]), group["lambd"]
        state = self._state(p, group)
        step = advance_step(state)
        g = decayed_grad(grad, data, group)
        eta = state["eta"].item()
        data = data * (1 - lambd * eta)
        data = data + (-eta) * g
        mu = state["mu"].item()
        ax = state["ax"].numpy()
        state_write(state["ax"], ax + (data - ax) * mu if mu != 1 else data)
        state_write(state["eta"], lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state_write(state["mu"], 1 / max(1, step - group["t0"]))
        return data
