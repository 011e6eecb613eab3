"""``Optimizer``: parameter groups, per-parameter state, zero_grad, step and state_dict."""

from __future__ import annotations

import copy
from typing import Any, Callable

import numpy as np

from ..dtypes import get_default_dtype
from ..methods import zero_grad
from ..state import enable_grad
from ..value import Value


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class: holds ``param_groups`` (a list of dicts with ``params`` and hyperparameters,
    each group may override the defaults) and ``state`` (per parameter, e.g. momentum buffers)."""

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Value):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {type(params).__name__} (wrap it in a list: [w])"
            )
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {type(params).__name__}"
            ) from None
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Value, dict[str, Any]] = {}
        self._opt_called = False
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, filling in the defaults for any hyperparameter it omits."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Value) else list(params)
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            group.setdefault(name, default)
        self._validate(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen & {id(p) for p in params} or len({id(p) for p in params}) != len(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _validate(self, group: dict[str, Any]) -> None:
        """Check a group's hyperparameters; subclasses raise ValueError with PyTorch's text."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient: to None (the default, as in PyTorch) or, with
        ``set_to_none=False``, zero the existing gradient in place (cut off from any graph)."""
        for group in self.param_groups:
            zero_grad(group["params"], set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns the closure's loss.
        Parameters whose ``.grad`` is None are skipped."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            for p in group["params"]:
                grad = grad_array(p)
                if grad is not None:
                    param_update(p, self._update(p, param_array(p), grad, group))
        return loss

    def _update(self, p: Value, data: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        """The optimizer's own formula: ``p``'s new numbers from its numbers ``data`` and its
        gradient ``grad`` (numpy arrays, not to be changed in place) under ``group``'s settings."""
        raise NotImplementedError(f"{type(self).__name__} defines neither step() nor _update()")

    def _state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        """``p``'s state, made the first time: a ``step`` counter, then ``_new_state(p, group)``."""
        state = self.state.setdefault(p, {})
        if not state:
            state["step"] = state_step()
            state.update(self._new_state(p, group))
        return state

    def _new_state(self, p: Value, group: dict[str, Any]) -> dict[str, Any]:
        """The state tensors a parameter starts with, besides ``step`` (none here)."""
        return {}

    def _closure_loss(self, closure: Callable[[], Any] | None) -> Any:
        """Every ``step`` starts here: it records that a step happened (learning-rate schedulers
        check it) and evaluates the closure, if any, with grad enabled."""
        self._opt_called = True
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}`` with
        parameters replaced by their position, as in PyTorch.

        As in PyTorch, the per-parameter entries are the optimizer's own live state: the same
        dicts holding the same Values (``step`` included), which later ``step()`` calls keep
        changing in place. Copy it (e.g. ``tg.save`` it, or ``copy.deepcopy``) to keep a snapshot.
        The group dicts are new dicts (their numbers do not follow later changes)."""
        index: dict[int, int] = {}
        groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            for p in g["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in g["params"]]
            groups.append(packed)
        state = {index[id(p)]: st for p, st in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state from ``state_dict`` (copied: the optimizer never
        shares arrays with it). Tensors are cast to their parameter's dtype, except ``step``.
        Everything is checked first; on any error the optimizer is unchanged."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                "optimizer state_dict must be a dict with exactly the keys 'state' and "
                "'param_groups' (as returned by optimizer.state_dict())"
            )
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, theirs in zip(self.param_groups, saved_groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of "
                    "optimizer's group"
                )
        id_map: dict[Any, Value] = {}
        for mine, theirs in zip(self.param_groups, saved_groups):
            for p, i in zip(mine["params"], theirs["params"]):
                id_map[i] = p
        new_state: dict[Value, dict[str, Any]] = {}
        for key, st in state_dict["state"].items():
            if key not in id_map:
                raise ValueError(f"loaded optimizer state refers to parameter {key}, which no group has")
            p = id_map[key]
            new_state[p] = {k: _load_state_entry(p, key, k, v) for k, v in st.items()}
        new_groups = []
        for i, (mine, theirs) in enumerate(zip(self.param_groups, saved_groups)):
            missing = sorted(set(self.defaults) - set(theirs))
            if missing:
                raise ValueError(
                    f"loaded state dict's parameter group {i} has no {missing} (was it saved from "
                    f"another kind of optimizer than {type(self).__name__}?)"
                )
            g = {k: v for k, v in theirs.items() if k != "params"}
            g["params"] = mine["params"]
            self._validate(g)
            new_groups.append(g)
        self.param_groups = new_groups
        self.state = new_state

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k != "params":
                    lines.append(f"    {k}: {g[k]}")
        return "\n".join(lines) + "\n)"


def param_update(p: Value, new_data: Any) -> None:
    """Write an optimizer's result into ``p`` in place, through the one in-place writer."""
    p._write(new_data)


def grad_array(p: Value) -> np.ndarray | None:
    """``p``'s gradient as numpy data (no copy: never change it in place), or None. Optimizers
    read the numbers directly: a Value per parameter per step would cost more than the update."""
    g = p._grad
    return g._data if isinstance(g, Value) else g


def param_array(p: Value) -> np.ndarray:
    """``p``'s numbers as numpy data (no copy: never change it in place)."""
    return p._data


def state_zeros(p: Value, fill: float = 0.0) -> Value:
    """A new state tensor shaped like ``p`` (its own memory), filled with ``fill``."""
    return Value(np.full(p.shape, fill, dtype=p.dtype))


def state_step() -> Value:
    """A new 0-d ``step`` counter; float, as in PyTorch (float64 unless the default is float32)."""
    return Value(np.zeros((), dtype=np.float64 if get_default_dtype() == np.float64 else np.float32))


def state_write(t: Value, new: Any) -> None:
    """Write ``new`` into the state tensor ``t`` in place, so every reference (a state_dict
    taken earlier included) sees it, 0-d or not: through the one in-place writer."""
    t._write(new, casting="unsafe")


def advance_step(state: dict[str, Any]) -> float:
    """``state['step'] += 1`` in place; returns the new count as a float."""
    step = float(state["step"].item()) + 1
    state_write(state["step"], step)
    return step


def _load_state_entry(p: Value, index: Any, key: str, v: Any) -> Any:
    """A copy of one loaded state entry: tensors become new Values, cast to ``p``'s dtype when
    ``p`` is floating point (``step`` keeps its own dtype, as in PyTorch); shapes are checked."""
    if not isinstance(v, (Value, np.ndarray, np.generic)):
        return copy.deepcopy(v)
    arr = np.array(v.detach().numpy() if isinstance(v, Value) else v, copy=True)
    if key == "step":
        if arr.size != 1:
            raise ValueError(f"loaded 'step' for parameter {index} has shape {arr.shape}; it must "
                             f"be a single number")
        return Value(arr.reshape(()))
    if p.dtype.kind in "fc":
        arr = arr.astype(p.dtype)
    if arr.shape != p.shape:
        raise ValueError(
            f"loaded {key} for parameter {index} has shape {arr.shape}, but the parameter has "
            f"shape {p.shape}"
        )
    return Value(arr)


def decayed_grad(grad: np.ndarray, data: np.ndarray, group: dict[str, Any], l2: bool = True) -> np.ndarray:
    """The gradient the formulas use: ``-grad`` under ``maximize``, plus (unless ``l2`` is False:
    AdamW decays the weights instead) the L2 penalty ``weight_decay * p``."""
    g = -grad if group["maximize"] else grad
    if l2 and group["weight_decay"] != 0:
        g = g + group["weight_decay"] * data
    return g


def _number(x: Any) -> Any:
    return x.item() if isinstance(x, Value) else x


# PyTorch's words for a hyperparameter in its ``Invalid ...`` messages (the others: "<key> value")
_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


def check_nonneg(group: dict[str, Any], *keys: str) -> None:
    """PyTorch's check ``0.0 <= group[key]`` for each key in turn, with its message
    ``Invalid learning rate: <value>``, ``Invalid epsilon value: ...``, ``Invalid <key> value: ...``."""
    for key in keys:
        value = _number(group[key])
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_LABELS.get(key, key + ' value')}: {value}")
