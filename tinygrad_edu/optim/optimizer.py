"""``Optimizer``: parameter groups, per-parameter state, zero_grad, step and state_dict."""

from __future__ import annotations

import copy
from typing import Any, Callable

import numpy as np

from ..state import enable_grad
from ..value import Value, zero_grad


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
        """Clear every parameter's gradient: to None (the default, as in PyTorch) or to zeros."""
        for group in self.param_groups:
            zero_grad(group["params"], set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _closure_loss(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}`` with
        parameters replaced by their position, as in PyTorch."""
        index: dict[int, int] = {}
        groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            packed["params"] = []
            for p in g["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if p in self.state:
                    state[index[id(p)]] = {
                        k: Value(v) if isinstance(v, (np.ndarray, np.generic)) else v
                        for k, v in self.state[p].items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state. Everything is checked first; on any error the
        optimizer is unchanged."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                "optimizer state_dict must be a dict with exactly the keys 'state' and "
                "'param_groups' (as returned by optimizer.state_dict())"
            )
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of "
                    "optimizer's group"
                )
        id_map = {}
        for mine, theirs in zip(self.param_groups, groups):
            for p, i in zip(mine["params"], theirs["params"]):
                id_map[i] = p
        new_state: dict[Value, dict[str, Any]] = {}
        for key, st in state_dict["state"].items():
            if key not in id_map:
                raise ValueError(f"loaded optimizer state refers to parameter {key}, which no group has")
            p = id_map[key]
            entry = {}
            for k, v in st.items():
                if isinstance(v, Value) or isinstance(v, np.ndarray):
                    arr = np.array(v._data if isinstance(v, Value) else v, dtype=p.dtype)
                    if k == "momentum_buffer" and arr.shape != p.shape:
                        raise ValueError(
                            f"loaded momentum_buffer for parameter {key} has shape {arr.shape}, "
                            f"but the parameter has shape {p.shape}"
                        )
                    entry[k] = arr[()] if not arr.shape else arr
                else:
                    entry[k] = copy.deepcopy(v)
            new_state[p] = entry
        new_groups = []
        for mine, theirs in zip(self.param_groups, groups):
            g = {k: copy.deepcopy(v) for k, v in theirs.items() if k != "params"}
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
