"""Floor 6: ``tinygrad_edu.compile``: trace a step once, then replay it as generated Python.

    @tinygrad_edu.compile
    def step(x, y_true):
        loss = (w1 * x**2 + w2 * x + w3 - y_true) ** 2
        loss.backward()
        with tinygrad_edu.no_grad():
            for w in (w1, w2, w3):
                w -= lr * w.grad
                w.grad = None

The first call runs ``step`` eagerly while :mod:`~tinygrad_edu.capture` records it: every op's
``forward`` run again on :class:`~tinygrad_edu.tracer.Tracer` values, the backward walk in the
engine's order with each node's own ``backward``, ``.grad`` reads and writes and in-place updates.
From the recording one straight-line Python function is written (``step.source``): plain float
arithmetic for 0-d float64 values, numpy calls for arrays. Later calls run it: no Values are built,
no graph, no heap, and the numbers are the eager run's (the same operations in the same order).

Values and Python floats passed as arguments are inputs that change from call to call; Values
reached otherwise (parameters) are read and written in place. Guards (shapes, dtypes,
requires_grad, grad mode, whether ``.grad`` is set, the objects the function reads from its
globals and closure) pick a traced version or trace again, keeping up to ``CACHE_LIMIT``.
``.item()``, ``bool()``, ``.tolist()`` and printing are graph breaks: with ``fullgraph=True`` a
:class:`GraphBreak` names the line and the reason; by default the function warns once and runs
eagerly from then on.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import linecache
import re
import sys
import warnings
from typing import Any, Callable

import numpy as np

from . import capture as cap_mod
from .capture import Capture, GraphBreak, SymFloat
from .capture_hooks import hooks
from .capture_values import env_guards, env_names, namer
from .function import unbroadcast
from .state import grad_mode
from .tracer import Tracer, Untraceable, const_text
from .value import Value

__all__ = ["compile", "CompiledFunction", "GraphBreak"]

CACHE_LIMIT = 8
_MISS = object()
_BUILTINS = frozenset(dir(builtins))
_counter = iter(range(1, 1 << 62))
_RESERVED = {"np", "_f64", "_gd", "_mk", "_MISS", "_unbroadcast", "_np_op", "_nd", "_gm", "_G", "_set0",
             "_ctx", "_fwd", "_bwd"}


def compile(fn: Callable | None = None, *, fullgraph: bool = False, mode: str | None = None,  # noqa: A001
            dynamic: bool | None = None, backend: str | None = None) -> Any:
    """``torch.compile``'s spelling: ``compile(fn)``, ``@compile`` or ``@compile(fullgraph=True)``.
    ``mode``, ``dynamic`` and ``backend`` are accepted and ignored (there is one backend)."""
    if mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES[1:])}")
    if fn is None:
        return functools.partial(compile, fullgraph=fullgraph)
    if not callable(fn):
        raise AssertionError(f"A callable function is expected, but {type(fn)} is provided.")
    return CompiledFunction(fn, fullgraph)


_MODES = (None, "default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def _mk(data: Any) -> Value:
    v = Value.__new__(Value)
    v._data, v._grad, v.grad_fn, v._rg = data, None, None, False
    return v


def _gd(v: Value) -> Any:
    g = v._grad
    return g._data if isinstance(g, Value) else g


def _set0(v: Value, number: Any) -> None:
    v._write(number)  # a 0-d value whose number is shared (.data, detach): through the writer


def _np_op(a: Any, b: Any, op: Any) -> Any:
    return op(np.float64(a), b)


def _ctx(cls: type, needs: tuple) -> Any:
    """A fresh ctx for an op called as it is (one its forward the tracer cannot follow)."""
    ctx = cls.__new__(cls)
    ctx.saved_values, ctx.needs_input_grad = (), needs
    return ctx


def _fwd(ctx: Any, *inputs: Any, **settings: Any) -> Any:
    out = type(ctx).forward(ctx, *inputs, **settings)
    return out[()] if type(out) is np.ndarray and not out.shape else out


def _bwd(ctx: Any, grad: Any) -> tuple:
    grads = type(ctx).backward(ctx, grad)
    return grads if type(grads) is tuple else (grads,)


_ENV = {"np": np, "_f64": np.float64, "_gd": _gd, "_mk": _mk, "_MISS": _MISS, "_unbroadcast": unbroadcast,
        "_np_op": _np_op, "_nd": np.ndarray, "_gm": grad_mode, "_set0": _set0, "_ctx": _ctx, "_fwd": _fwd,
        "_bwd": _bwd}


class CompiledFunction:
    """What ``compile(fn)`` returns: call it as ``fn``. ``.source`` is the generated Python of the
    last trace, ``.guards`` what it checks before running it, ``.graph_break`` why it runs eagerly
    (None while it does not), ``.recompiles`` why it traced again."""

    def __init__(self, fn: Callable, fullgraph: bool = False) -> None:
        self.fn, self.fullgraph = fn, fullgraph
        functools.update_wrapper(self, fn, updated=())  # type: ignore[arg-type]
        self.source: str | None = None
        self.guards: list[str] = []
        self.graph_break: str | None = None
        self.recompiles: list[str] = []
        self._entries: list[tuple[Callable, Callable, str, list[str]]] = []
        self._fast: Callable = _miss
        self._pending: tuple | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = self._fast(*args) if not kwargs else _MISS
        if r is _MISS:
            return self._slow(args, kwargs)
        return r

    def __get__(self, obj: Any, owner: Any = None) -> Any:  # a decorated method
        return self if obj is None else functools.partial(self, obj)

    def reset(self) -> None:
        """Forget every trace (as ``torch._dynamo.reset()``): the next call traces again."""
        self._entries, self._fast, self.source, self.graph_break, self._pending = [], _miss, None, None, None

    def _slow(self, args: tuple, kwargs: dict) -> Any:
        if self.graph_break is not None or kwargs or cap_mod.active() is not None:
            return self.fn(*args, **kwargs)  # eager: after a break, with keywords, or inside a trace
        for i, (fast, *_) in enumerate(self._entries[1:], 1):
            r = fast(*args)
            if r is not _MISS:
                self._entries.insert(0, self._entries.pop(i))
                self._fast = fast
                return r
        pending = self._pending
        if pending is not None and pending[1](*args)[0] > len(pending[3]):
            return self._trace(args, True)  # the second recording of these guards: compared with the first
        if self._entries or pending is not None:  # the guard that failed in the trace that matched longest
            why = max(entry[1](*args) for entry in self._entries + ([pending] if pending else []))[1]
            self.recompiles.append(why)
            if len(self._entries) >= CACHE_LIMIT or len(self.recompiles) >= 2 * CACHE_LIMIT:
                self._go_eager(f"{CACHE_LIMIT} traces are cached (CACHE_LIMIT) or {2 * CACHE_LIMIT} were "
                               f"made, and the guards failed again: {why}")
                return self.fn(*args)
        return self._trace(args, False)

    def _go_eager(self, why: str) -> None:
        self.graph_break = why
        self._fast = self.fn
        warnings.warn(f"compile({self.__name__}): {why}; running it eagerly from now on", UserWarning,
                      stacklevel=4)

    def _trace(self, args: tuple, second: bool) -> Any:
        fn = self.fn
        c = Capture(fn, self.fullgraph, env_names(fn))
        params = _param_names(fn, len(args))
        wrapped = []
        for i, a in enumerate(args):
            h = f"_a{i}"
            if isinstance(a, Value):
                c.names[id(a)] = params[i]
                c.holder(a, h)
                c.data(a).name = params[i]
                wrapped.append(a)
            elif type(a) is float:
                c.guards.append((f"type({h}) is float", f"argument {params[i]} is a float"))
                t = c.rec.emit(h, (), np.float64(a), py=True)
                t.name = params[i]
                wrapped.append(SymFloat.make(a, t))
            else:
                text = const_text(a)
                code = f"{h} == {text}" if text is not None else f"{h} is {c.rec.const(a)}"
                c.guards.append((f"type({h}) is {c.rec.const(type(a))} and {code}",
                                 f"argument {params[i]} is {a!r}"))
                wrapped.append(a)
        on = grad_mode.enabled
        c.guards.append((f"_gm.enabled is {on}", f"grad mode is {'on' if on else 'off'}"))
        c.guards += env_guards(fn, c)
        installed = []
        with cap_mod._lock:
            old_trace = sys.gettrace()
            try:
                for owner, name, new in hooks():
                    installed.append((owner, name, owner.__dict__.get(name, _MISS)))
                    setattr(owner, name, new)  # the capture's hooks, for this call only
                cap_mod._local.capture = c
                if old_trace is None:  # (under a debugger or coverage: no names, theirs is left alone)
                    sys.settrace(namer(c))
                result = fn(*wrapped)
            finally:
                sys.settrace(old_trace)
                cap_mod._local.capture = None
                for owner, name, old in reversed(installed):
                    if old is _MISS:
                        delattr(owner, name)
                    else:
                        setattr(owner, name, old)
        out = _plain(result)
        if c.broken is None:
            try:
                entry = _build(c, fn, len(args), result, run=second)
            except Exception as exc:  # noqa: BLE001 - what the trace missed, or a bug of ours: run eagerly
                why = str(exc) if isinstance(exc, Untraceable) else (
                    f"compile failed ({type(exc).__name__}: {exc})")
                if self.fullgraph:
                    raise GraphBreak(f"in {self.__name__}: {why}") from None
                c.broken = why
        if c.broken is None and second:
            c.broken = _differ(self._pending, entry)  # two recordings with the same guards: must agree
            if c.broken is not None and self.fullgraph:
                raise GraphBreak(f"in {self.__name__}: {c.broken}")
        elif c.broken is None:
            self._pending = entry  # the first recording: used once a second one agrees with it
            return out
        self._pending = None
        if c.broken is not None:
            self._go_eager(c.broken)
            return out
        self._entries.insert(0, entry)
        self._fast, self.source, self.guards = entry[0], entry[2], entry[3]
        return out


def _miss(*args: Any) -> Any:
    return _MISS


def _plain(x: Any) -> Any:
    if isinstance(x, SymFloat):
        return float(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(y) for y in x)
    if isinstance(x, dict):
        return {k: _plain(y) for k, y in x.items()}
    return x


def _param_names(fn: Any, n: int) -> list[str]:
    code = getattr(fn, "__code__", None)
    names = list(code.co_varnames[:code.co_argcount]) if code is not None else []
    return [names[i] if i < len(names) else f"arg{i}" for i in range(n)]


def _ret(c: Capture, x: Any, ops: list) -> str:
    """The generated expression of the step's result."""
    if isinstance(x, SymFloat):
        ops.append(x.tracer)
        return "{}"
    if isinstance(x, Value):
        h = c.holders.get(id(x))
        if h is not None and h[1].startswith("_v"):
            return h[1]
        t = c.vsym.get(id(c.resolve(x)))  # (x.detach(): the numbers of x)
        if not isinstance(t, Tracer):
            raise Untraceable("the step returns a value the trace did not see made")
        ops.append(t)
        return "_mk(_f64({}))" if t.py else "_mk({})"
    if isinstance(x, (list, tuple)):
        inner = ", ".join(_ret(c, y, ops) for y in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner}{',' if len(x) == 1 else ''})"
    if isinstance(x, dict):
        if not all(const_text(k) is not None for k in x):
            raise Untraceable("the step returns a dict whose keys compile cannot write")
        items = (f"{const_text(k).replace('{', '{{').replace('}', '}}')}: {_ret(c, y, ops)}"
                 for k, y in x.items())
        return "{{" + ", ".join(items) + "}}"
    text = const_text(x)
    if text is None:
        raise Untraceable(f"the step returns {type(x).__name__}, which compile cannot replay")
    return text.replace("{", "{{").replace("}", "}}")


def _build(c: Capture, fn: Any, nargs: int, result: Any, run: bool = True) -> tuple:
    """Check the shadow against the eager run, then write, compile and return the function."""
    for v, h in c.holders.values():
        t = c.vsym.get(id(v))
        if t is not None and not cap_mod._same(t.val if isinstance(t, Tracer) else t, v._data):
            raise Untraceable(f"the trace of {h} does not match the eager run")
        if id(v) in c.gsym:
            g = c.gsym[id(v)]
            if not cap_mod._same(None if g is None else g.val, cap_mod._gdata(v._grad)):
                raise Untraceable(f"the traced gradient of {c.label(v)} does not match the eager run")
    lines = list(c.rec.lines)
    c.rec.group = "write back"
    for v in c.writes.values():
        h, t = c.holders[id(v)][1], c.vsym[id(v)]
        if type(v._data) is not np.ndarray:
            setter = f"_set0({h}, {{}})" if v._peers else f"{h}._data = {{}}"
            lines.append((setter.format("_f64({})" if t.py else "{}"), (t,), None, "write back"))
    for v in c.gwrites.values():
        h, t = c.holders[id(v)][1], c.gsym[id(v)]
        if t is None:
            lines.append((f"{h}._grad = None", (), None, "write back"))
        elif t is not c.entry.get(id(v)):
            lines.append((f"{h}._grad = " + ("_f64({})" if t.py else "{}"), (t,), None, "write back"))
    rops: list = []
    ret = _ret(c, result, rops)
    lines.append(("return " + ret, tuple(rops), None, ""))
    lines = _cse(lines)
    live: set[int] = set()
    keep = []
    for line in reversed(lines):
        template, ops, out, group = line
        if out is None or id(out) in live:
            keep.append(line)
            live.update(id(x) for x in ops if isinstance(x, Tracer))
    keep.reverse()
    names = _names(c, keep)
    fname = re.sub(r"\W", "_", getattr(fn, "__name__", "step")) or "step"
    params = [f"_a{i}" for i in range(nargs)]
    guards = [g for g, _ in c.guards]
    body = [f"def {fname}({', '.join(params + ['*_more'])}):",
            f"    if _more or not ({guards[0]}" if guards else "    if _more:"]
    body += [f"            and {g}" for g in guards[1:]]
    if guards:
        body[-1] += "):"
    body.append("        return _MISS")
    # Arrays computed here are let go after their last use, as the eager run lets them go: kept
    # to the end, they would grow the heap that glibc trims again after every call (page faults).
    last = {id(x): i for i, (_, ops, _, _) in enumerate(keep) for x in ops if isinstance(x, Tracer)}
    made = {id(out) for _, ops, out, _ in keep if out is not None and ops and type(out.val) is np.ndarray}
    group, dead = None, []
    for i, (template, ops, out, g) in enumerate(keep):
        if g != group and g:
            if dead and not template.startswith("return"):
                body.append(f"    del {', '.join(dead)}")
            dead = []
            body.append(f"    # {g}")
        group = g
        text = template.format(*[names[id(x)] if isinstance(x, Tracer) else c.rec.const(x) for x in ops])
        body.append(f"    {names[id(out)]} = {text}" if out is not None else f"    {text}")
        dead += sorted({names[id(x)] for x in ops if isinstance(x, Tracer) and last.get(id(x)) == i
                        and id(x) in made and names[id(x)] not in dead})
    source = "\n".join(body) + "\n"
    why = [f"def _why({', '.join(params + ['*_more'])}):", "    if _more:",
           "        return (0, 'the number of arguments')"]
    for k, (g, words) in enumerate(c.guards, 1):
        why += [f"    if not ({g}):", f"        return ({k}, {words!r})"]
    why.append(f"    return ({len(c.guards) + 1}, 'nothing')")
    env = dict(_ENV, _G=getattr(fn, "__globals__", {}))
    env.update(dict(c.rec.consts))
    env.update({h: v for v, h in c.holders.values() if h.startswith("_v")})
    filename = f"<compiled {fname} #{next(_counter)}>"
    text = (source + "\n\n" if run else "") + "\n".join(why) + "\n"  # (a first recording: guards only)
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(builtins.compile(text, filename, "exec"), env)  # the compiler's one job: run what it wrote
    return env.get(fname), env["_why"], source, [w for _, w in c.guards], list(c.rec.consts)


def _differ(first: tuple, second: tuple) -> str | None:
    """Why two recordings of a step with the same guards differ (None: they agree). A number the
    step read into Python (an index made of an input's numbers, a random draw, the time) is a
    constant of the code: it shows up here as a constant that changed between the two calls."""
    if first[2] != second[2] or len(first[4]) != len(second[4]):
        return ("two calls with the same guards were traced into different code: the step reads numbers "
                "that change (a random draw in Python, the time) where a replay cannot follow them")
    for (name, a), (_, b) in zip(first[4], second[4]):
        if a is not b and not (type(a) is type(b) and (cap_mod._same(a, b) if isinstance(
                a, (np.ndarray, np.generic)) else _equal(a, b))):
            return (f"the constant {name} of the code changed between two calls ({a!r} then {b!r}): "
                    "the step reads numbers that change into Python, where a replay cannot follow them")
    return None


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects that cannot say
        return False


def _cse(lines: list) -> list:
    """Common subexpressions: a line that repeats an earlier one (same code, same operands, no
    in-place write in between) is dropped and its value is the earlier one's. The ops recompute
    what their forward computed (MSE's ``x - y``); the numbers are the same either way."""
    seen: dict[tuple, Any] = {}
    same: dict[int, Any] = {}
    out, epoch = [], 0
    for template, ops, res, group in lines:
        ops = tuple(same.get(id(x), x) if isinstance(x, Tracer) else x for x in ops)
        if res is None:
            epoch += 1
        elif ops and "copy(" not in template and not template.startswith("_ctx("):
            key = (template, epoch, *(("t", id(x)) if isinstance(x, Tracer) else ("c", id(x)) for x in ops))
            if key in seen:
                same[id(res)] = seen[key]
                continue
            seen[key] = res
        out.append((template, ops, res, group))
    return out


def _names(c: Capture, lines: list) -> dict[int, str]:
    used = _RESERVED | {h for _, h in c.holders.values()} | _BUILTINS
    used |= {n for n, _ in c.rec.consts}
    names: dict[int, str] = {}
    count = 0
    for _, ops, out, _ in lines:
        for t in (*ops, out):
            if not isinstance(t, Tracer) or id(t) in names:
                continue
            base = t.name
            if base is None and id(t) in c.gof:
                of = c.gof[id(t)]
                base = "g_" + (names.get(id(of)) or of.name or f"t{of.n}") if isinstance(of, Tracer) else of
            if base is None:
                count += 1
                base = f"t{count}"
            base = re.sub(r"\W", "_", base)
            if base[0].isdigit():
                base = "_" + base
            if keyword.iskeyword(base):
                base += "_"
            name, k = base, 1
            while name in used:
                k += 1
                name = f"{base}_{k}"
            used.add(name)
            names[id(t)] = name
    return names

