"""NAdam, RAdam and Adamax, computed exactly as ``torch.optim.NAdam`` / ``RAdam`` / ``Adamax``
compute them (PyTorch's single-tensor code path, in the same order of operations)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..value import Value
from .optimizer import Optimizer, advance_step, check_nonneg, decayed_grad, state_write, state_zeros


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``torch.lerp`` as PyTorch computes it: from the nearer end, so ``weight=1`` gives ``end``."""
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def scalar_state(fill: float) -> Value:
    """A 0-d state number (``mu_product``, ``eta``, ``mu``) in PyTorch's scalar dtype."""
    dtype = np.float64 if get_default_dtype() == np.float64 else np.float32
    return Value(np.full((), fill, dtype=dtype))


class FreeShapeState:
    """Mixin for optimizers whose state holds entries not shaped like the parameter (0-d
    numbers such as NAdam's ``mu_product``, Adafactor's row and column factors): those keys,
    listed in ``_free_state_keys``, are loaded as copies cast to the parameter's dtype without
    the shape check ``Optimizer.load_state_dict`` makes for the others."""

    _free_state_keys: tuple[str, ...] = ()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not isinstance(state_dict, dict) or not isinstance(state_dict.get("state"), dict):
            return super().load_state_dict(state_dict)  # type: ignore[misc]
        free = {i: {k: v for k, v in st.items() if k in self._free_state_keys}
                for i, st in state_dict["state"].items()}
        rest = {i: {k: v for k, v in st.items() if k not in self._free_state_keys}
                for i, st in state_dict["state"].items()}
        super().load_state_dict(dict(state_dict, state=rest))  # type: ignore[misc]
        id_map = {i: p for g, saved in zip(self.param_groups, state_dict["param_groups"])  # type: ignore[attr-defined]
                  for p, i in zip(g["params"], saved["params"])}
        for i, entries in free.items():
            p = id_map[i]
            st = self.state.setdefault(p, {})  # type: ignore[attr-defined]
            for k, v in entries.items():
                arr = np.array(v.detach().numpy() if isinstance(v, Value) else v, copy=True)
                st[k] = Value(arr if arr.ndim == 0 else arr.astype(p.dtype))
            self.state[p] = {k: st[k] for k in state_dict["state"][i]}  # type: ignore[attr-defined]


def check_betas(group: dict[str, Any]) -> None:
    """PyTorch's ``Invalid beta parameter at index i`` check."""
    betas = group["betas"]
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair of floats (beta1, beta2), but got {betas!r}")
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")


def _moments(state: dict[str, Any], g: np.ndarray, beta1: float,
             beta2: float) -> tuple[np.ndarray, np.ndarray]:
    """Update ``exp_avg`` (a lerp towards g) and ``exp_avg_sq`` in place; return both."""
    m = lerp(state["exp_avg"].numpy(), g, 1 - beta1)
    v = beta2 * state["exp_avg_sq"].numpy() + (1 - beta2) * (g * g)
    state_write(state["exp_avg"], m)
    state_write(state["exp_avg_sq"], v)
    return m, v


class _AdamLike(Optimizer):
    """The constructor checks and the ``exp_avg``/``exp_avg_sq`` state NAdam and RAdam share."""

    def _validate(self, group: dict[str, Any]) -> None:
        check_nonneg(group, "lr", "eps")
        check_betas(group)
        check_nonneg(group, "weight_decay")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"exp_avg": state_zeros(p), "exp_avg_sq": state_zeros(p)}

    def _decay(self, data: np.ndarray, grad: np.ndarray,
               group: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """(decayed parameter, gradient used): maximize, then L2 or decoupled weight decay."""
        decoupled = group["decoupled_weight_decay"]
        g = decayed_grad(grad, data, group, l2=not decoupled)
        if decoupled and group["weight_decay"] != 0:
            data = data * (1 - float(group["lr"]) * group["weight_decay"])
        return data, g


class NAdam(FreeShapeState, _AdamLike):
    """Adam with Nesterov momentum and a momentum schedule. Every step (t counts this
    parameter's steps)::

        g = -grad if maximize else grad; weight decay as Adam (or AdamW if decoupled)
        mu      = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = mu_product * mu
        exp_avg, exp_avg_sq as Adam;  denom = sqrt(exp_avg_sq / (1 - beta2 ** t)) + eps
        p = p - lr * (1 - mu) / (1 - mu_product) * g / denom
              - lr * mu_next / (1 - mu_product * mu_next) * exp_avg / denom

    State: ``step``, ``mu_product`` (0-d, starts at 1), ``exp_avg``, ``exp_avg_sq``.
    """

    _free_state_keys = ("mu_product",)

    def __init__(self, params: Any, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                        maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        check_nonneg(group, "momentum_decay")

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"mu_product": scalar_state(1.0), **super()._new_state(p, group)}

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        lr, eps, momentum_decay = float(group["lr"]), group["eps"], group["momentum_decay"]
        beta1, beta2 = group["betas"]
        state = self._state(p, group)
        step = advance_step(state)
        bias_correction2 = 1 - beta2**step
        data, g = self._decay(data, grad, group)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = state["mu_product"].item() * mu
        state_write(state["mu_product"], mu_product)
        mu_product = state["mu_product"].item()  # as stored (float32 under a float32 default)
        m, v = _moments(state, g, beta1, beta2)
        denom = np.sqrt(v / bias_correction2) + eps
        mu_product_next = mu_product * mu_next
        data = data + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        return data + ((-lr * mu_next) / (1.0 - mu_product_next)) * (m / denom)


class RAdam(_AdamLike):
    """Rectified Adam. Every step (t counts this parameter's steps)::

        g, weight decay, exp_avg, exp_avg_sq as Adam (AdamW's decay if decoupled)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
        if rho_t > 5:
            rect = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
            p = p - exp_avg / (1 - beta1 ** t) * lr * sqrt(1 - beta2 ** t) / (sqrt(exp_avg_sq) + eps) * rect
        else:
            p = p - exp_avg / (1 - beta1 ** t) * lr

    State: ``step``, ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        lr, eps = float(group["lr"]), group["eps"]
        beta1, beta2 = group["betas"]
        state = self._state(p, group)
        step = advance_step(state)
        data, g = self._decay(data, grad, group)
        m, v = _moments(state, g, beta1, beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        corrected = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = (bias_correction2**0.5) / (np.sqrt(v) + eps)
            return data - corrected * lr * adaptive * rect
        return data - corrected * lr


class Adamax(_AdamLike):
    """Adam with the infinity norm. Every step (t counts this parameter's steps)::

        g = -grad if maximize else grad;  if weight_decay: g = g + weight_decay * p
        exp_avg = lerp(exp_avg, g, 1 - beta1)
        exp_inf = maximum(beta2 * exp_inf, |g| + eps)
        p = p - lr / (1 - beta1 ** t) * exp_avg / exp_inf

    State: ``step``, ``exp_avg``, ``exp_inf``.
    """

    def __init__(self, params: Any, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        self._validate(defaults)
        super().__init__(params, defaults)

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        return {"exp_avg": state_zeros(p), "exp_inf": state_zeros(p)}

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        beta1, beta2 = group["betas"]
        state = self._state(p, group)
        step = advance_step(state)
        g = decayed_grad(grad, data, group)
        m = lerp(state["exp_avg"].numpy(), g, 1 - beta1)
        inf = np.maximum(state["exp_inf"].numpy() * beta2, np.abs(g) + group["eps"])
        state_write(state["exp_avg"], m)
        state_write(state["exp_inf"], inf)
        clr = float(group["lr"]) / (1 - beta1**step)
        return data + (-clr) * (m / inf)
