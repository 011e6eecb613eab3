"""Adam and AdamW, computed exactly as ``torch.optim.Adam`` / ``torch.optim.AdamW`` compute them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from .optimizer import Optimizer, advance_step, check_nonneg, decayed_grad, state_write, state_zeros


class Adam(Optimizer):
    """For each parameter p with a gradient, every step (t counts this parameter's steps)::

        g = -p.grad if maximize else p.grad
        if weight_decay != 0:
            if decoupled_weight_decay: p = p * (1 - lr * weight_decay)      # AdamW
            else:                      g = g + weight_decay * p
        exp_avg    = beta1 * exp_avg    + (1 - beta1) * g
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
        v = exp_avg_sq
        if amsgrad: max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq); v = max_exp_avg_sq
        denom = sqrt(v) / sqrt(1 - beta2 ** t) + eps
        p = p - lr / (1 - beta1 ** t) * exp_avg / denom

    State per parameter: ``step`` (a 0-d float Value), ``exp_avg``, ``exp_avg_sq`` and, with
    amsgrad, ``max_exp_avg_sq``. A parameter whose ``.grad`` is None is skipped.
    """

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        self._validate(defaults)
        defaults["betas"] = tuple(float(b) for b in betas)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "eps")
        betas = group["betas"]
        if (not isinstance(betas, (tuple, list)) or len(betas) != 2
                or not all(isinstance(b, (int, float, np.floating)) for b in betas)):
            raise ValueError(f"betas must be a pair of floats (beta1, beta2), but got {betas!r}")
        for i, b in enumerate(betas):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {b}")
        check_nonneg(group, "weight_decay")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        state = {"exp_avg": state_zeros(p), "exp_avg_sq": state_zeros(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = state_zeros(p)
        return state

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        lr, eps, weight_decay = float(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        state = self._state(p, group)
        step = advance_step(state)
        decoupled = group["decoupled_weight_decay"]
        g = decayed_grad(grad, data, group, l2=not decoupled)
        if decoupled and weight_decay != 0:
            data = data * (1 - lr * weight_decay)
        m = state["exp_avg"].numpy()
        m = m + (1 - beta1) * (g - m)  # torch's lerp_(g, 1 - beta1)
        v = beta2 * state["exp_avg_sq"].numpy() + (1 - beta2) * g * g
        state_write(state["exp_avg"], m)
        state_write(state["exp_avg_sq"], v)
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"].numpy(), v)
            state_write(state["max_exp_avg_sq"], v)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        denom = np.sqrt(v) / bias_correction2**0.5 + eps
        return data - lr / bias_correction1 * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (``p = p * (1 - lr * weight_decay)`` before the Adam
    update, instead of adding ``weight_decay * p`` to the gradient); weight_decay defaults to
    1e-2. Its groups always have ``decoupled_weight_decay=True``, as in PyTorch."""

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
