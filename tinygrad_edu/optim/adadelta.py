"""Adadelta, computed exactly as ``torch.optim.Adadelta`` computes it."""

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
        check_nonneg(group, "lr", "learning rate")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")
        check_nonneg(group, "eps", "epsilon value")
        check_nonneg(group, "weight_decay", "weight_decay value")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps = float(group["lr"]), group["rho"], group["eps"]
            weight_decay = group["weight_decay"]
            for p in group["params"]:
                g = grad_array(p)
                if g is None:
                    continue
                data = param_array(p)
                state = self.state.setdefault(p, {})
                if not state:
                    state["step"] = state_step()
                    state["square_avg"] = state_zeros(p)
                    state["acc_delta"] = state_zeros(p)
                advance_step(state)
                if group["maximize"]:
                    g = -g
                if weight_decay != 0:
                    g = g + weight_decay * data
                square_avg = rho * state["square_avg"].numpy() + (1 - rho) * g * g
                state_write(state["square_avg"], square_avg)
                acc_delta = state["acc_delta"].numpy()
                delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
                state_write(state["acc_delta"], rho * acc_delta + (1 - rho) * delta * delta)
                param_update(p, data - lr * delta)
        return loss
