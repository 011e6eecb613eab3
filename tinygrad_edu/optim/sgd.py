"""Stochastic gradient descent, computed exactly as ``torch.optim.SGD`` computes it."""

from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from ..value import Value
from .optimizer import Optimizer, check_nonneg, decayed_grad, param_array, state_write


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
        check_nonneg(group, "lr", "momentum", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """``p -= lr * g`` in place for every parameter with a gradient (``g`` as in the class
        docstring); returns the closure's loss. Parameters whose ``.grad`` is None are skipped."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            plain = not (group["momentum"] or group["weight_decay"] or group["maximize"])
            for p in group["params"]:
                g = p._grad
                if g is not None:
                    g = g._data if isinstance(g, Value) else g
                    p._write(lr * (g if plain else self._direction(p, g, group)), op=operator.isub)
        return loss

    def _direction(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        """The ``g`` that ``p -= lr * g`` uses: the gradient after maximize, weight decay and
        momentum (the momentum buffer is updated here)."""
        momentum = group["momentum"]
        g = decayed_grad(grad, param_array(p), group)
        if momentum != 0:
            state = self.state.setdefault(p, {})
            buf = state.get("momentum_buffer")
            if buf is None:  # the first step copies the gradient: no dampening
                buf = state["momentum_buffer"] = Value(np.array(g, dtype=p.dtype))
            elif type(b := param_array(buf)) is np.ndarray:  # numpy in place: no temporary array
                b *= momentum
                b += (1 - group["dampening"]) * g
            else:
                state_write(buf, momentum * b + (1 - group["dampening"]) * g)
            b = param_array(buf)
            g = g + momentum * b if group["nesterov"] else b
        return g
