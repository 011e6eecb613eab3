"""Adafactor, computed exactly as ``torch.optim.Adafactor`` computes it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .adam_variants import FreeShapeState, lerp
from .optimizer import Optimizer, advance_step, state_write


def _norm(x: np.ndarray, **kw: Any) -> Any:
    return np.sqrt(np.sum(x * x, **kw))


class Adafactor(FreeShapeState, Optimizer):
    """Adam-like steps whose second moment of a matrix is kept factored (one row and one column
    vector), so the state is O(n + m) instead of O(n m). Every step (t counts this parameter's
    steps)::

        g = -grad if maximize else grad
        beta2_t = t ** beta2_decay;  rho = min(lr, 1 / sqrt(t))
        alpha = max(eps2, rms(p)) * rho;  if weight_decay: p = p * (1 - lr * weight_decay)
        matrices: row_var = lerp(row_var, mean(g*g, last axis), beta2_t), col_var likewise over
                  the second-to-last axis;  v = row_var @ col_var / max(mean(row_var), eps1)
        others:   variance = lerp(variance, g * g, beta2_t);  v = variance
        u = g / sqrt(max(v, eps1 ** 2));  p = p - alpha / max(1, rms(u) / d) * u

    ``eps=(eps1, eps2)``; eps1 None means the dtype's machine epsilon. State: ``step``, and
    ``row_var``/``col_var`` (two or more axes) or ``variance``.
    """

    _free_state_keys = ("row_var", "col_var")

    def __init__(self, params: Any, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
                 weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        lr, beta2_decay, eps, d = group["lr"], group["beta2_decay"], group["eps"], group["d"]
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"weight_decay should be >= 0 but is: {group['weight_decay']}")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        if p.ndim > 1:
            return {"row_var": Value(np.zeros(p.shape[:-1] + (1,), dtype=p.dtype)),
                    "col_var": Value(np.zeros(p.shape[:-2] + (1, p.shape[-1]), dtype=p.dtype))}
        return {"variance": Value(np.zeros(p.shape, dtype=p.dtype))}

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        lr, weight_decay = float(group["lr"]), group["weight_decay"]
        eps1, eps2 = group["eps"]
        eps1 = float(np.finfo(data.dtype).eps) if eps1 is None else eps1
        state = self._state(p, group)
        step = advance_step(state)
        g = -grad if group["maximize"] else grad
        beta2_t = step ** group["beta2_decay"]
        rho_t = min(lr, 1 / (step**0.5))
        alpha = max(eps2, float(_norm(data)) / (data.size**0.5)) * rho_t
        if weight_decay != 0:
            data = data * (1 - lr * weight_decay)
        if g.ndim > 1:
            row_mean = _norm(g, axis=-1, keepdims=True) ** 2 / g.shape[-1]
            col_mean = _norm(g, axis=-2, keepdims=True) ** 2 / g.shape[-2]
            row_var = lerp(state["row_var"].numpy(), row_mean, beta2_t)
            col_var = lerp(state["col_var"].numpy(), col_mean, beta2_t)
            state_write(state["row_var"], row_var)
            state_write(state["col_var"], col_var)
            var_estimate = (row_var @ col_var) / np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            var_estimate = lerp(state["variance"].numpy(), g * g, beta2_t)
            state_write(state["variance"], var_estimate)
        update = (1 / np.sqrt(np.maximum(var_estimate, eps1 * eps1))) * g
        denom = max(1.0, float(_norm(update)) / ((update.size**0.5) * group["d"]))
        return data + (-alpha / denom) * update
