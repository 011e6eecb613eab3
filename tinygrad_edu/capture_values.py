"""Floor 6: what a capture shares with the code it runs in: the capture of this thread
(:func:`active`), :class:`SymFloat` (a Python number argument that remembers its tracer),
:class:`GraphBreak` and :func:`user_site` (the user's line, for messages and comments)."""

from __future__ import annotations

import linecache
import operator
import os
import sys
import threading
from typing import Any, Callable

from .nn.module import Module
from .optim.optimizer import Optimizer
from .tracer import Tracer
from .value import Value

__all__ = ["GraphBreak", "SymFloat", "active", "user_site", "PKG", "env_names", "env_guards", "namer"]
# and what the compiler reads about the function: the values it reaches through its globals and
# closure (env_names, env_guards), and the names of the user's variables (namer)

PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep
_local = threading.local()
_lock = threading.Lock()  # one capture at a time: the hooks are process-wide


class GraphBreak(RuntimeError):  # noqa: N818 - as torch._dynamo names it
    """The step does something a compiled step cannot replay (``compile(fullgraph=True)``)."""


GraphBreak.__module__ = "tinygrad_edu.compiler"  # where users import it from


def active() -> Any:
    c = getattr(_local, "capture", None)
    return c if c is not None and not c.off else None


def user_site(code_only: bool = False) -> str:
    """``file:line (code)`` of the innermost frame outside tinygrad_edu (the user's line); with
    ``code_only``, the code alone (the comments of the generated source)."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(PKG):
        f = f.f_back
    if f is None:
        return "" if code_only else "<unknown>"
    code = linecache.getline(f.f_code.co_filename, f.f_lineno).strip()
    return code if code_only else f"{os.path.basename(f.f_code.co_filename)}:{f.f_lineno} ({code})"


def group(name: str) -> str:
    """The comment over an op's lines: its name and the user's line that ran it."""
    code = user_site(code_only=True)
    return f"{name}: {code}" if code else name


class SymFloat(float):
    """A Python number passed to the step: a float that remembers its tracer."""

    def _op(self, other: Any, op: Any, swap: bool = False) -> Any:
        if not isinstance(other, (int, float)):
            return NotImplemented
        plain = op(float(other), float(self)) if swap else op(float(self), float(other))
        c = active()
        if c is None:
            return plain
        a, b = self.tracer, other.tracer if isinstance(other, SymFloat) else other
        a.rec.group = group("Python arithmetic")
        t = op(b, a) if swap else op(a, b)
        return SymFloat.make(plain, t)

    @staticmethod
    def make(value: float, tracer: Tracer) -> SymFloat:
        s = SymFloat(value)
        s.tracer = tracer
        return s

    def __add__(self, o: Any) -> Any: return self._op(o, operator.add)
    def __radd__(self, o: Any) -> Any: return self._op(o, operator.add, True)
    def __sub__(self, o: Any) -> Any: return self._op(o, operator.sub)
    def __rsub__(self, o: Any) -> Any: return self._op(o, operator.sub, True)
    def __mul__(self, o: Any) -> Any: return self._op(o, operator.mul)
    def __rmul__(self, o: Any) -> Any: return self._op(o, operator.mul, True)
    def __truediv__(self, o: Any) -> Any: return self._op(o, operator.truediv)
    def __rtruediv__(self, o: Any) -> Any: return self._op(o, operator.truediv, True)
    def __pow__(self, o: Any) -> Any: return self._op(o, operator.pow)
    def __rpow__(self, o: Any) -> Any: return self._op(o, operator.pow, True)

    def __neg__(self) -> Any:
        return SymFloat.make(-float(self), -self.tracer) if active() else -float(self)

    def _break(self, why: str) -> None:
        c = active()
        if c is not None:
            c.graph_break(f"{why} of the number argument {self.tracer.name or ''} (Python control flow "
                          "on a number that changes from call to call)")

    def __bool__(self) -> bool: self._break("bool()"); return float(self) != 0  # noqa: E702
    def __lt__(self, o: Any) -> bool: self._break("a comparison"); return float(self) < o  # noqa: E702
    def __le__(self, o: Any) -> bool: self._break("a comparison"); return float(self) <= o  # noqa: E702
    def __gt__(self, o: Any) -> bool: self._break("a comparison"); return float(self) > o  # noqa: E702
    def __ge__(self, o: Any) -> bool: self._break("a comparison"); return float(self) >= o  # noqa: E702
    def __repr__(self) -> str: self._break("printing"); return float.__repr__(self)  # noqa: E702
    __str__ = __repr__
    __hash__ = float.__hash__


def _env_objects(fn: Any) -> list[tuple[str, str, Any]]:
    """(kind, name, object) that ``fn`` reads from its globals and closure."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    out = [("global", n, fn.__globals__[n]) for n in code.co_names if n in fn.__globals__]
    cells = fn.__closure__ or ()
    return out + [("cell", n, cell.cell_contents) for n, cell in zip(code.co_freevars, cells)
                  if cell.cell_contents is not None]


def env_names(fn: Any) -> dict[int, str]:
    names: dict[int, str] = {}
    for _, name, obj in _env_objects(fn):
        if isinstance(obj, Value):
            names[id(obj)] = name
        elif isinstance(obj, Module):
            for pn, p in obj.named_parameters():  # hidden1.weight: hidden1_weight; 0.weight: model_0_weight
                names.setdefault(id(p), (f"{name}_" if pn[0].isdigit() else "") + pn.replace(".", "_"))
        elif isinstance(obj, (list, tuple)):
            for i, x in enumerate(obj):
                if isinstance(x, Value):
                    names.setdefault(id(x), x._name or f"{name}_{i}")
    return names


def env_guards(fn: Any, c: Any) -> list[tuple[str, str]]:
    out = []
    for i, (kind, name, obj) in enumerate(_env_objects(fn)):
        where = f"_G[{name!r}]" if kind == "global" else f"_cells[{i - len(fn.__code__.co_names)}]"
        if kind == "cell":
            continue  # a closure's cell is checked through the values it reaches
        if isinstance(obj, (Value, Module, Optimizer, list, tuple, dict)):
            out.append((f"{where} is {c.rec.const(obj)}", f"the global {name} is the same object"))
        elif type(obj) in (int, float, bool):
            out.append((f"{where} == {obj!r}", f"the global {name} == {obj!r}"))
    for _, name, obj in _env_objects(fn):  # what a trace reads off a model and an optimizer
        if isinstance(obj, Module):
            for m in obj.modules():
                out.append((f"{c.rec.const(m)}.training is {m.training}",
                            f"{name}: a {type(m).__name__} in {'training' if m.training else 'eval'} mode"))
        elif isinstance(obj, Optimizer):
            k = c.rec.const(obj)
            out.append((f"len({k}.param_groups) == {len(obj.param_groups)}",
                        f"{name} has {len(obj.param_groups)} parameter groups"))
            for i, group in enumerate(obj.param_groups):
                for key, val in group.items():
                    if key != "params" and type(val) in (int, float, bool):
                        out.append((f"{k}.param_groups[{i}][{key!r}] == {val!r}",
                                    f"{name}.param_groups[{i}][{key!r}] == {val!r}"))
    return out


def namer(c: Any) -> Callable:
    """A sys.settrace function: values get the names of the user's variables that hold them."""
    def local(frame: Any, event: str, arg: Any) -> Any:
        if event in ("line", "return"):
            for k, v in frame.f_locals.items():
                t = None
                if isinstance(v, Value):
                    t = c.vsym.get(id(c.resolve(v)))
                elif isinstance(v, SymFloat):
                    t = v.tracer
                if isinstance(t, Tracer) and t.name is None and not k.startswith("_"):
                    t.name = k
        return local

    def glob(frame: Any, event: str, arg: Any) -> Any:
        f = frame.f_code.co_filename
        return None if f.startswith(PKG) or "numpy" in f or f.startswith("<compiled") else local
    return glob
