"""Adagrad, computed exactly as ``torch.optim.Adagrad`` computes it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .optimizer import Optimizer, advance_step, check_nonneg, decayed_grad, state_write, state_zeros


class Adagrad(Optimizer):
    """For each parameter p with a gradient, every step (t counts this parameter's steps)::

        g = -p.grad if maximize else p.grad
        if weight_decay != 0: g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        sum = sum + g * g
        p = p - clr * g / (sqrt(sum) + eps)

    As in PyTorch, the state (``step`` = 0 and ``sum`` = initial_accumulator_value) is made for
    every parameter when the optimizer is built, using the constructor's
    ``initial_accumulator_value`` (a per-group value is not used for it); parameters added
    later with ``add_param_group`` get it on their first step. Parameters with no ``.grad``
    are skipped.
    """

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, *,
                 maximize: bool = False) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._state(p, group)

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"sum": state_zeros(p, self.defaults["initial_accumulator_value"])}

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        state = self._state(p, group)
        step = advance_step(state)
        g = decayed_grad(grad, data, group)
        clr = float(group["lr"]) / (1 + (step - 1) * group["lr_decay"])
        total = state["sum"].numpy() + g * g
        state_write(state["sum"], total)
        return data - clr * (g / (np.sqrt(total) + group["eps"]))
