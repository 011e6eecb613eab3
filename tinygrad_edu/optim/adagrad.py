"""Adagrad, computed exactly as ``torch.optim.Adagrad`` computes it."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import (
    Optimizer,
    advance_step,
    check_nonneg,
    grad_array,
    param_array,
    param_update,
    state_step,
    state_write,
    state_zeros,
)


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
                self.state[p] = self._new_state(p)

    def _new_state(self, p: Any) -> dict[str, Any]:
        return {"step": state_step(),
                "sum": state_zeros(p, self.defaults["initial_accumulator_value"])}

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "learning rate")
        check_nonneg(group, "lr_decay", "lr_decay value")
        check_nonneg(group, "weight_decay", "weight_decay value")
        check_nonneg(group, "initial_accumulator_value", "initial_accumulator_value value")
        check_nonneg(group, "eps", "epsilon value")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay, eps = float(group["lr"]), group["lr_decay"], group["eps"]
            weight_decay = group["weight_decay"]
            for p in group["params"]:
                g = grad_array(p)
                if g is None:
                    continue
                data = param_array(p)
                state = self.state.get(p) or self.state.setdefault(p, self._new_state(p))
                step = advance_step(state)
                if group["maximize"]:
                    g = -g
                if weight_decay != 0:
                    g = g + weight_decay * data
                clr = lr / (1 + (step - 1) * lr_decay)
                total = state["sum"].numpy() + g * g
                state_write(state["sum"], total)
                std = np.sqrt(total) + eps
                param_update(p, data - clr * (g / std))
        return loss
