"""Stochastic gradient descent, computed exactly as ``torch.optim.SGD`` computes it."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..value import Value
from .optimizer import Optimizer, param_update


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
        lr, momentum = group["lr"], group["momentum"]
        if isinstance(lr, Value):
            lr = lr.item()
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not momentum >= 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not group["weight_decay"] >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")
        if group["nesterov"] and (momentum <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = (group["weight_decay"], group["nesterov"],
                                                group["maximize"])
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if isinstance(g, Value):
                    g = g._data
                if maximize:
                    g = -g
                if weight_decay != 0:
                    g = g + weight_decay * p._data
                if momentum != 0:
                    state = self.state.setdefault(p, {})
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = np.array(g, dtype=p._data.dtype, copy=True)
                        if not buf.shape:
                            buf = buf[()]
                    elif type(buf) is np.ndarray:
                        buf *= momentum
                        buf += (1 - dampening) * g
                    else:
                        buf = buf * momentum + (1 - dampening) * g
                    state["momentum_buffer"] = buf
                    g = g + momentum * buf if nesterov else buf
                param_update(p, p._data - lr * g)
        return loss
