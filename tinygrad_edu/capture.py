"""Floor 6: record one eager call of a step, for :mod:`tinygrad_edu.compiler`.

While the step runs as usual, a :class:`Capture` follows it in a shadow world of
:class:`~tinygrad_edu.tracer.Tracer` values: each op's own ``forward`` runs again on tracers
(``Function.apply``), the backward walk is taken in the engine's order with each node's own
``backward`` (``engine.backward``), and ``.grad`` reads and writes, ``zero_grad`` and in-place
writes under ``no_grad`` (``Value._write``, the one in-place writer, which the optimizers use too)
are noted. The shadow computes the same numbers as the eager run, and they are compared at every
step: what the capture did not see (a change made behind its back) is found, and the step then
runs eagerly. The hooks are installed only for the length of the call.
"""

from __future__ import annotations

import operator
from heapq import heappop, heappush
from typing import Any

import numpy as np

from .function import Function, input_node
from .optim.optimizer import Optimizer
from .state import GraphValue, state
from .tracer import Recording, Tracer, Untraceable, _operands, _tree, _val
from .value import Value

__all__ = ["Capture", "GraphBreak", "SymFloat", "active"]

from .capture_values import PKG, GraphBreak, SymFloat, _local, _lock, active, group, user_site  # noqa: F401

_INPLACE = {operator.isub: (operator.sub, "-="), operator.iadd: (operator.add, "+="),
            operator.imul: (operator.mul, "*="), operator.itruediv: (operator.truediv, "/=")}


def _same(a: Any, b: Any) -> bool:
    """Bit for bit the same numbers (nan equal to nan), of the same shape and dtype."""
    if a is None or b is None:
        return a is b
    a, b = np.asarray(a), np.asarray(b)
    nan = a.dtype.kind in "fc"
    return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=nan))


def _gdata(g: Any) -> Any:
    return g._data if isinstance(g, Value) else g


class Capture:
    """The shadow of one eager call. See the module docstring."""

    def __init__(self, fn: Any, fullgraph: bool, names: dict[int, str]) -> None:
        self.fn, self.fullgraph, self.names = fn, fullgraph, names
        self.rec = Recording()
        self.keep: list = []  # everything whose id() is a key below stays alive
        self.vsym: dict[int, Any] = {}  # id(Value) -> tracer (or constant) of its numbers now
        self.gsym: dict[int, Any] = {}  # id(Value) -> tracer of its .grad now (None: no grad)
        self.raw: dict[int, Any] = {}  # id(numpy data of a Value) -> its tracer
        self.ctxs: dict[int, Function] = {}  # id(node) -> the node's shadow ctx (tracers saved)
        self.alias: dict[int, Value] = {}  # id(.data/.detach() view) -> the value it shares numbers with
        self.holders: dict[int, tuple[Value, str]] = {}  # values read or written in place: their name
        self.guards: list[tuple[str, str]] = []  # (code, what it checks in words)
        self.created: set[int] = set()
        self.derived: dict[int, str] = {}
        self.writes: dict[int, Value] = {}
        self.gwrites: dict[int, Value] = {}
        self.gof: dict[int, Any] = {}  # id(gradient tracer) -> the value's tracer (for its name)
        self.entry: dict[int, Any] = {}  # id(v) -> the tracer of its .grad at entry
        self.off = False
        self.broken: str | None = None
        self.in_apply = 0

    # ------------------------------------------------------------------ breaking off
    def graph_break(self, reason: str, site: str | None = None) -> None:
        where = site or user_site()
        msg = f"graph break at {where}: {reason}"
        if self.fullgraph:
            self.off = True
            raise GraphBreak(msg)
        self.broken, self.off = msg, True

    def shadow(self, fn: Any, *args: Any) -> None:
        """Run the shadow's part; what it cannot follow becomes a graph break."""
        self.in_apply += 1  # the ops' own apply on tracers runs as it is
        try:
            fn(*args)
        except Untraceable as exc:
            if not self.off:
                self.graph_break(str(exc))
        except (GraphBreak, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - a failing trace must not fail the eager run
            if not self.off:
                self.graph_break(f"the trace failed ({type(exc).__name__}: {exc})")
        finally:
            self.in_apply -= 1

    # ------------------------------------------------------------------ values
    def keep_alive(self, *objs: Any) -> None:
        self.keep.extend(objs)

    def holder(self, v: Value, arg: str | None = None) -> str:
        """The name under which generated code reaches ``v`` (an argument or a captured value)."""
        h = self.holders.get(id(v))
        if h is None:
            name = arg or f"_v{sum(1 for _, n in self.holders.values() if n.startswith('_v'))}"
            self.holders[id(v)] = (v, name)
            self.keep_alive(v)
            d = v._data
            what = self.names.get(id(v)) or v._name or name
            if type(d) is np.ndarray:
                self.guards.append((f"type({name}._data) is _nd and {name}._data.shape == {d.shape!r} and "
                                    f"{name}._data.dtype is {self.rec.const(d.dtype)}",
                                    f"{what}: an array of shape {tuple(d.shape)} and dtype {d.dtype}"))
            else:
                self.guards.append((f"type({name}._data) is {self.rec.const(type(d))}",
                                    f"{what}: a 0-d value of dtype {d.dtype}"))
            self.guards.append((f"{name}._rg is {v._rg}", f"{what}.requires_grad is {v._rg}"))
            h = (v, name)
        return h[1]

    def resolve(self, v: Value) -> Value:
        return self.alias.get(id(v), v)

    def data(self, v: Value) -> Any:
        """The tracer of ``v``'s numbers now (reading a captured value on first use)."""
        v = self.resolve(v)
        t = self.vsym.get(id(v))
        if t is not None:
            if not _same(t.val if isinstance(t, Tracer) else t, v._data):
                raise Untraceable(f"the numbers of {self.label(v)} changed behind the trace's back")
            return t
        if id(v) in self.derived:
            raise Untraceable(f"a value made by {self.derived[id(v)]} is used: the trace cannot follow it")
        d = v._data
        if id(v) in self.created:  # made inside the step from constants: made afresh each call
            py = type(d) is np.float64
            t = self.rec.emit("float({})" if py else "{}.copy()", (np.array(d),), d.copy(), py=py)
        else:
            h = self.holder(v)
            py = type(d) is np.float64
            t = self.rec.emit(f"float({h}._data)" if py else f"{h}._data", (), d.copy(), py=py)
            t.name = self.names.get(id(v)) or v._name
        self.bind(v, t)
        return t

    def bind(self, v: Value, t: Any) -> None:
        self.vsym[id(v)] = t
        self.raw[id(v._data)] = t
        self.keep_alive(v, v._data)

    def label(self, v: Value) -> str:
        return self.names.get(id(v)) or v._name or "a value"

    def operand(self, x: Any) -> Any:
        if isinstance(x, GraphValue):
            return self.data(x)
        if isinstance(x, SymFloat):
            return x.tracer
        if isinstance(x, Tracer):
            return x
        if isinstance(x, (np.ndarray, np.generic)) and id(x) in self.raw:
            return self.raw[id(x)]
        return x

    def grad(self, v: Value) -> Any:
        """The tracer of ``v.grad`` now (None: no gradient), reading it on first use."""
        if id(v) in self.gsym:
            t = self.gsym[id(v)]
            if not _same(None if t is None else t.val if isinstance(t, Tracer) else t, _gdata(v._grad)):
                raise Untraceable(f"the .grad of {self.label(v)} changed behind the trace's back")
            return t
        h = self.holder(v)
        g = _gdata(v._grad)
        what = self.label(v)
        if g is None:
            self.guards.append((f"{h}._grad is None", f"{what}.grad is None"))
            t = None
        else:
            self.guards.append((f"{h}._grad is not None", f"{what}.grad is set"))
            py = type(g) is np.float64
            t = self.rec.emit(f"float(_gd({h}))" if py else f"_gd({h})", (), g if py else np.array(g), py=py)
            t.name = "g_" + (self.names.get(id(v)) or v._name or h.strip("_"))
            self.entry[id(v)] = t
        self.gsym[id(v)] = t
        return t

    def set_grad(self, v: Value, t: Any) -> None:
        self.holder(v)
        if isinstance(t, Tracer) and (t.view or any(t is x for x in self.gsym.values())):
            t = t.copy()  # as accumulate(): a view or a shared array is copied
        self.gsym[id(v)] = t
        self.gwrites[id(v)] = v

    # ------------------------------------------------------------------ the hooks' work
    def on_apply(self, cls: type, inputs: tuple, settings: dict, out: Value) -> None:
        raw = [self.operand(x) for x in inputs]
        if not any(isinstance(x, Tracer) for x in raw):
            self.created.add(id(out))
            self.keep_alive(out)
            return
        node = out.grad_fn
        ctx = cls.__new__(cls)
        ctx.saved_values = ()
        ctx.needs_input_grad = node.needs_input_grad if node is not None else (False,) * len(inputs)
        self.rec.group = group(cls.__name__)
        settings = {k: self.setting(v) for k, v in settings.items()}  # x[y]: y's numbers, traced
        try:
            res = cls.forward(ctx, *raw, **settings)
            if isinstance(res, Tracer) and type(res.val) is np.ndarray and not res.val.shape:
                res = res[()]
            if not isinstance(res, Tracer):
                raise Untraceable(f"{cls.__name__}'s forward gives numbers the tracer did not see made")
        except Untraceable:  # the op's own forward and backward, called from the generated code
            res, ctx = self.opaque_forward(cls, raw, settings, ctx.needs_input_grad)
        if not _same(res.val, out._data):
            raise Untraceable(f"{cls.__name__}'s forward on tracers gives other numbers than on arrays")
        self.bind(out, res)
        if node is not None:
            self.ctxs[id(node)] = ctx
            self.keep_alive(node)

    def opaque_forward(self, cls: type, raw: list, settings: dict, needs: tuple) -> tuple:
        """An op whose forward the tracer cannot follow (MatMul's np.asarray) is called as it is:
        ``ctx = _ctx(MatMul, needs); out = _fwd(ctx, a, b)``, and its backward ``_bwd(ctx, g)``."""
        cc = cls.__new__(cls)
        cc.saved_values, cc.needs_input_grad = (), needs
        val = cls.forward(cc, *[x.val if isinstance(x, Tracer) else x for x in raw],
                          **{k: _tree(v, _val) for k, v in settings.items()})
        if type(val) is np.ndarray and not val.shape:
            val = val[()]
        ctx_t = self.rec.emit("_ctx({}, {})", (cls, needs), cc)
        ctx_t.name = f"ctx_{cls.__name__}"
        text, ops = _operands(self.rec, tuple(raw), True)
        kw = ""
        for k, v in settings.items():
            kt, kops = _operands(self.rec, v, True)
            kw, ops = kw + f", {k}={kt}", ops + kops
        py = type(val) is np.float64
        call = f"_fwd({{}}, {text[1:-1].rstrip(',')}{kw})"
        return self.rec.emit(f"float({call})" if py else call, (ctx_t, *ops), val, py=py), (ctx_t, cc)

    def setting(self, v: Any) -> Any:
        """An op's setting with the arrays that are a traced value's numbers as their tracers."""
        if isinstance(v, (tuple, list)):
            return type(v)(self.setting(x) for x in v)
        if isinstance(v, (np.ndarray, np.generic)) and id(v) in self.raw:
            return self.raw[id(v)]
        return v

    def opaque_backward(self, node: Function, ctx: tuple, g: Any) -> tuple:
        ctx_t, cc = ctx
        grads = type(node).backward(cc, g.val if isinstance(g, Tracer) else g)
        grads = grads if type(grads) is tuple else (grads,)
        text, ops = _operands(self.rec, g, True)
        out = self.rec.emit(f"_bwd({{}}, {text})", (ctx_t, *ops), grads)
        return tuple(None if x is None else out[i] for i, x in enumerate(grads))

    def on_backward(self, root: Value, gradient: Any, create_graph: bool, inputs: Any) -> None:
        """The engine's walk (engine.run_backward and accumulate), taken on the shadow ctxs."""
        if create_graph or inputs is not None or gradient is not None or state.anomaly:
            raise Untraceable("backward() with gradient=, inputs=, create_graph or anomaly mode")
        d = root._data
        g0 = d.dtype.type(1) if not d.shape else np.ones_like(d)
        heap: list = []
        acc: dict[int, Any] = {}
        found: dict[int, list] = {}
        node = root.grad_fn or (None if root._rg else root._detached)
        acc[id(node)] = g0
        heappush(heap, (-node._seq, id(node), node, root))
        while heap:
            _, _, node, v = heappop(heap)
            g = acc.pop(id(node))
            if v._hooks:
                raise Untraceable("a value with hooks (register_hook)")
            if v._retains_grad and v.grad_fn is node:
                self._found(found, v, g)
            ctx = self.ctxs.get(id(node))
            if ctx is None:
                raise Untraceable(f"{node.name()} was made before the step (a graph from outside)")
            if isinstance(g, Tracer) and self.vsym.get(id(v)) is not None:
                self.gof.setdefault(id(g), self.vsym[id(v)])  # named g_<name of v> in the code
            self.rec.group = node.name()
            grads = self.opaque_backward(node, ctx, g) if type(ctx) is tuple else type(node).backward(ctx, g)
            grads = grads if type(grads) is tuple else (grads,)
            parents = node._inputs or (node._a, node._b)
            for i, pg in enumerate(grads):
                if pg is None or not node.needs_input_grad[i]:
                    continue
                p = parents[i]
                pn = p.grad_fn or (None if p._rg else p._detached)
                if pn is not None and pn._seq > node._seq:
                    pn = input_node(p, node._seq)
                if pn is None:
                    self._found(found, p, pg)
                elif id(pn) not in acc:
                    acc[id(pn)] = pg
                    heappush(heap, (-pn._seq, id(pn), pn, p))
                else:
                    acc[id(pn)] = acc[id(pn)] + pg
        self.rec.group = "accumulate into .grad"
        for v, g in found.values():
            if not isinstance(g, Tracer):  # the same every call (d sum(b)/db): a fresh copy each call
                g = np.asarray(g)
                py = g.dtype == np.float64 and not g.shape
                g = self.rec.emit("float({})" if py else "{}.copy()", (g,), g[()] if py else g.copy(), py=py)
            of = self.vsym.get(id(v))
            self.gof.setdefault(id(g), of if of is not None else "g_" + self.label(v).replace(" ", "_"))
            old, dtype = self.grad(v), v._data.dtype
            if old is None:
                self.set_grad(v, g if g.dtype == dtype else g.astype(dtype))
            elif type(old.val) is np.ndarray and old.val.flags.writeable:
                self.rec.effect("np.add({}, {}, out={}, casting='unsafe')", (old, g, old))
                np.add(old.val, g.val, out=old.val, casting="unsafe")
                self.gwrites[id(v)] = v
            else:
                self.set_grad(v, old + g)

    def _found(self, found: dict, v: Value, g: Any) -> None:
        slot = found.get(id(v))
        if slot is None:
            found[id(v)] = [v, g]
            self.keep_alive(v)
        else:
            slot[1] = slot[1] + g

    def on_write(self, v: Value, new: Any, casting: str, index: Any, op: Any) -> None:
        """``Value._write``: an in-place change of ``v``'s numbers (the optimizers' too)."""
        v = self.resolve(v)
        t = self.data(v)
        if id(v) not in self.created:
            self.holder(v)
        n = self.operand(new)
        if type(n) is np.ndarray:
            raise Untraceable("an in-place write of numbers computed outside the traced ops")
        self.rec.group = group("in-place write")
        nv = n.val if isinstance(n, Tracer) else n
        if type(t.val) is np.ndarray:
            if op is not None:
                self.rec.effect("{} " + _INPLACE[op][1] + " {}", (t, n))
                op(t.val, nv)
            elif index is not None:
                self.rec.effect("{}[{}] = {}", (t, index, n))
                t.val[index] = nv
            else:
                self.rec.effect(f"np.copyto({{}}, {{}}, casting={casting!r})", (t, n))
                np.copyto(t.val, nv, casting=casting)
        else:
            res = _INPLACE[op][0](t, n) if op is not None else n
            if not isinstance(res, Tracer):
                number = np.asarray(res, v._data.dtype)[()]
                res = self.rec.emit("{}", (number,), number)
            if (np.float64 if res.py else type(res.val)) is not type(v._data) or index is not None:
                raise Untraceable("an in-place write that changes a number's type")
            if res.name is None and self.vsym[id(v)].name is not None:
                res.name = self.vsym[id(v)].name  # w1 -= ...: the new w1 is w1_2 in the code
            self.vsym[id(v)] = res
        self.writes[id(v)] = v

    def on_optimizer_step(self, opt: Optimizer, step: Any) -> None:
        """Run the optimizer's own step on stand-ins whose numbers and grads are tracers."""
        if any(opt.state.values()):
            raise Untraceable(f"{type(opt).__name__} keeps state between steps (not traced yet)")
        proxy = object.__new__(type(opt))
        proxy.__dict__.update(opt.__dict__)
        proxy.state = {}
        proxy.param_groups = [dict(g, params=[_Stand(self, p) for p in g["params"]])
                              for g in opt.param_groups]
        self.rec.group = group(f"{type(opt).__name__}.step")
        try:
            step(proxy, None)
        except Untraceable as exc:
            if proxy.state:
                raise Untraceable(f"{type(opt).__name__} keeps state between steps (not traced yet)") \
                    from None
            raise Untraceable(f"{type(opt).__name__}.step: {exc}") from None
        if any(proxy.state.values()):
            raise Untraceable(f"{type(opt).__name__} keeps state between steps (not traced yet)")

    def refuse(self, why: str) -> None:
        raise Untraceable(why)

    def on_grad_read(self, v: Value, gv: Value) -> None:
        self.vsym[id(gv)] = self.grad(v)
        self.keep_alive(gv)

    def on_grad_write(self, v: Value, value: Any) -> None:
        self.set_grad(v, None if value is None else self.data(v._grad))

    def on_zero_grad(self, params: Any, set_to_none: bool) -> None:
        if not set_to_none:
            raise Untraceable("zero_grad(set_to_none=False)")
        for p in params:
            self.set_grad(p, None)


class _Stand:
    """What an optimizer's step touches on a parameter, with the tracers in its place."""

    def __init__(self, cap: Capture, p: Value) -> None:
        self._cap, self._p = cap, p

    _grad = property(lambda self: self._cap.grad(self._p))
    _data = property(lambda self: self._cap.data(self._p))
    shape = property(lambda self: self._p.shape)
    dtype = property(lambda self: self._p.dtype)

    def _write(self, new: Any, casting: str = "same_kind", index: Any = None, op: Any = None) -> None:
        self._cap.on_write(self._p, new, casting, index, op)
