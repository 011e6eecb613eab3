"""Floor 2: tensor hooks. ``v.register_hook(fn)`` asks the backward walk to call ``fn(grad)`` with
the gradient of ``v`` once it is complete (for a leaf, before it is added into ``.grad``); a hook
may return a replacement gradient. The walk calls :func:`run_hooks`; explain and the drawings read
``hooked`` to show where a hook changed a gradient."""

from __future__ import annotations

from typing import Any, Callable

from .state import GraphValue

__all__ = ["RemovableHandle", "add_hook", "run_hooks", "HOOK_ON_NO_GRAD"]

HOOK_ON_NO_GRAD = "cannot register a hook on a tensor that doesn't require gradient"


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` takes the hook away (also as a ``with``)."""

    _next = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks, self.id = hooks, RemovableHandle._next
        RemovableHandle._next += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def add_hook(hooks: dict, fn: Callable[..., Any]) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


def run_hooks(v: Any, g: Any) -> Any:
    """``g`` (v's complete gradient, numbers or a Value under create_graph) through v's hooks.
    ``v.hooked`` says afterwards whether a hook replaced it (explain and the drawings show it)."""
    v.__dict__["hooked"] = False
    for fn in list(v._hooks.values()):
        new = fn(g if isinstance(g, GraphValue) else v._from_op(g, None))
        if new is None:
            continue
        if tuple(new.shape) != tuple(v._data.shape):
            raise RuntimeError(f"hook '{getattr(fn, '__name__', fn)}' has changed the size of value: "
                               f"expected {list(v._data.shape)}, got {list(new.shape)}")
        g = new if isinstance(g, GraphValue) else new._data
        v.__dict__["hooked"] = True  # explain and the drawings mark it
    return g
