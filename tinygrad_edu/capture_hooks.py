"""Floor 6: the hooks a :class:`~tinygrad_edu.capture.Capture` installs for the length of one
traced call (``compiler.CompiledFunction`` installs and removes them): ``Function.apply``,
``engine.backward``, ``Value._write`` (the one in-place writer), ``Value.grad``, ``zero_grad``, the
optimizers' ``step``, the constructors of values, and the conversions that are graph breaks
(``.item()``, ``bool()``, ``.tolist()``, printing). Outside a capture, in this thread or any other,
each hook calls the original at once.
"""

from __future__ import annotations

import sys
from typing import Any

from . import engine, function
from .capture import Capture, active, user_site
from .function import Function
from .nn.module import Module
from .optim.optimizer import Optimizer
from .state import GraphValue
from .tracer import Tracer
from .value import Value

__all__ = ["hooks"]


# ---------------------------------------------------------------------- installing the hooks
_BREAKS = {"item": ".item() reads the number into Python",
           "tolist": ".tolist() reads the numbers into Python",
           "__bool__": "bool() of a value (Python control flow on its number)",
           "__float__": "float() of a value", "__int__": "int() of a value",
           "__index__": "using a value as an index",
           "__repr__": "printing a value", "__format__": "formatting a value", "numpy": ".numpy()",
           "__array__": "np.asarray() of a value"}


def _guarded(orig: Any, work: Any) -> Any:
    """``orig``, or while a capture is on in this thread ``work``, which calls ``orig`` once and
    does the shadow's part through ``Capture.shadow``."""

    def hooked(*args: Any, **kwargs: Any) -> Any:
        c = active()
        if c is None:
            return orig(*args, **kwargs)
        return work(c, orig, *args, **kwargs)

    return hooked


def _apply(c: Capture, orig: Any, cls: type, *inputs: Any, **settings: Any) -> Any:
    if c.in_apply or not any(isinstance(x, GraphValue) for x in inputs):
        return orig(cls, *inputs, **settings)
    c.in_apply += 1
    try:
        out = orig(cls, *inputs, **settings)
    finally:
        c.in_apply -= 1
    c.shadow(c.on_apply, cls, inputs, settings, out)
    return out


def _quietly(c: Capture, orig: Any, *args: Any, **kwargs: Any) -> Any:
    c.off = True
    try:
        return orig(*args, **kwargs)
    finally:
        c.off = c.broken is not None


def _backward(c: Capture, orig: Any, root: Any, gradient: Any = None, retain_graph: Any = None,
              create_graph: bool = False, inputs: Any = None) -> Any:
    c.shadow(c.on_backward, root, gradient, create_graph, inputs)
    return _quietly(c, orig, root, gradient, retain_graph, create_graph, inputs)


def _write(c: Capture, orig: Any, v: Value, new: Any, casting: str = "same_kind", index: Any = None,
           op: Any = None) -> Any:
    c.shadow(c.on_write, v, new, casting, index, op)
    out = _quietly(c, orig, v, new, casting, index, op)
    r = c.resolve(v)
    if not c.off and id(r) in c.vsym:
        c.bind(r, c.vsym[id(r)])
    return out


def _grad_get(c: Capture, orig: Any, v: Value) -> Any:
    gv = orig(v)
    if gv is not None:
        c.shadow(c.on_grad_read, v, gv)
    return gv


def _grad_set(c: Capture, orig: Any, v: Value, value: Any) -> Any:
    out = orig(v, value)
    c.shadow(c.on_grad_write, v, value)
    return out


def _step(c: Capture, orig: Any, opt: Any, closure: Any = None) -> Any:
    if closure is not None:
        c.shadow(c.refuse, "optimizer.step(closure)")
    else:
        c.shadow(c.on_optimizer_step, opt, orig)
    return _quietly(c, orig, opt, closure)


def _zero_opt(c: Capture, orig: Any, opt: Any, set_to_none: bool = True) -> Any:
    c.shadow(c.on_zero_grad, [p for g in opt.param_groups for p in g["params"]], set_to_none)
    return _quietly(c, orig, opt, set_to_none)


def _zero_mod(c: Capture, orig: Any, mod: Any, set_to_none: bool = True) -> Any:
    c.shadow(c.on_zero_grad, list(mod.parameters()), set_to_none)
    return _quietly(c, orig, mod, set_to_none)


def _made(c: Capture, orig: Any, v: Value, *args: Any, **kwargs: Any) -> Any:
    orig(v, *args, **kwargs)
    c.created.add(id(v))
    c.keep_alive(v)


def _from_op(c: Capture, orig: Any, v: Value, data: Any, node: Any) -> Any:
    out = orig(v, data, node)
    if not c.in_apply:
        c.derived[id(out)] = f"an operation outside the ops ({user_site()})"
        c.keep_alive(out)
    return out


def _view(c: Capture, orig: Any, v: Value, data: Any, shared_version: bool) -> Any:
    out = orig(v, data, shared_version)
    c.keep_alive(out)
    if data is v._data:
        c.alias[id(out)] = c.resolve(v)
    else:
        c.derived[id(out)] = f"a view of part of a value ({user_site()})"
    return out


def _breaker(name: str) -> Any:
    def work(c: Capture, orig: Any, *args: Any, **kwargs: Any) -> Any:
        c.graph_break(_BREAKS[name])
        return orig(*args, **kwargs)
    return work


def _steps() -> list[type]:
    out, todo = [], [Optimizer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "step" in cls.__dict__:
            out.append(cls)
    return out


_made_hooks: dict[tuple, list] = {}


def hooks() -> list[tuple[Any, str, Any]]:
    """(owner, attribute, replacement) for every hook a capture installs (made once, and again
    when modules or optimizers were added since)."""
    key = (len(sys.modules), tuple(_steps()))
    if key not in _made_hooks:
        _made_hooks.clear()
        _made_hooks[key] = _make_hooks()
    return _made_hooks[key]


def _make_hooks() -> list[tuple[Any, str, Any]]:
    ops_modules = [m for name, m in list(sys.modules.items()) if name.startswith("tinygrad_edu.")
                   and getattr(m, "unbroadcast", None) is function.unbroadcast and m is not function]
    orig_apply = Function.__dict__["apply"].__func__
    grad = Value.__dict__["grad"]
    out: list = [(Function, "apply", classmethod(_guarded(orig_apply, _apply))),
                 (engine, "backward", _guarded(engine.backward, _backward)),
                 (Value, "_write", _guarded(Value._write, _write)),
                 (Value, "grad", property(_guarded(grad.fget, _grad_get), _guarded(grad.fset, _grad_set))),
                 (Value, "__init__", _guarded(Value.__init__, _made)),
                 (Value, "_from_op", _guarded(Value._from_op, _from_op)),
                 (Value, "_view", _guarded(Value._view, _view)),
                 (Optimizer, "zero_grad", _guarded(Optimizer.zero_grad, _zero_opt)),
                 (Module, "zero_grad", _guarded(Module.zero_grad, _zero_mod))]
    out += [(cls, "step", _guarded(cls.__dict__["step"], _step)) for cls in _steps()]
    out += [(Value, name, _guarded(getattr(Value, name), _breaker(name))) for name in _BREAKS]
    out += [(m, "unbroadcast", _opaque_unbroadcast) for m in ops_modules]
    return out


def _opaque_unbroadcast(grad: Any, shape: tuple) -> Any:
    """``unbroadcast`` on a tracer: one call of the function itself in the generated code (it
    sums with math.fsum where numpy would not), or nothing where it returns its input."""
    if not isinstance(grad, Tracer):
        return function.unbroadcast(grad, shape)
    val = function.unbroadcast(grad.val, shape)
    if val is grad.val:
        return grad
    return grad.rec.emit("_unbroadcast({}, {})", (grad, shape), val)
