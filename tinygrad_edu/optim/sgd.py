"""Stochastic gradient descent, computed exactly as ``torch.optim.SGD`` computes it."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..value import Value
from .optimizer import Optimizer, check_nonneg, grad_array, param_array, param_update, state_write


class SGD(Optimizer):
    """For each parameter p with a gradient, every step::

        g = -p.grad if maximize else p.grad
        if weight_decay != 0: g = g + weight_decay * p
        if momentum != 0:
            buf = copy(g) on the first step (no dampening),
                  else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g

    A parameter whose ``.grad`` is None is skipped. ``momentum=1`` with no dampening sums every
    past gradient forever (seed 003 uses it; the loss oscillates, as under PyTorch).
    """

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "learning rate")
        check_nonneg(group, "momentum", "momentum value")
        check_nonneg(group, "weight_decay", "weight_decay value")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum, dampening = float(group["lr"]), group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = (group["weight_decay"], group["nesterov"],
                                                group["maximize"])
            for p in group["params"]:
                g = grad_array(p)
                if g is None:
                    continue
                data = param_array(p)
                if maximize:
                    g = -g
                if weight_decay != 0:
                    g = g + weight_decay * data
                if momentum != 0:
                    state = self.state.setdefault(p, {})
                    buf = state.get("momentum_buffer")
                    if buf is None:  # the first step copies the gradient: no dampening
                        buf = state["momentum_buffer"] = Value(np.array(g, dtype=p.dtype))
                    else:
                        state_write(buf, momentum * buf.numpy() + (1 - dampening) * g)
                    b = buf.numpy()
                    g = g + momentum * b if nesterov else b
                param_update(p, data - lr * g)
        return loss
