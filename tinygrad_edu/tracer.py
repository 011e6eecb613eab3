"""Floor 6: the tracer that :mod:`tinygrad_edu.compiler` runs the ops' own ``forward`` and
``backward`` on, as JAX traces a function to a jaxpr.

A :class:`Tracer` stands for one number or array of a step. It holds the concrete value (the
same numpy result the eager run computes, so that shapes, dtypes and branches are known) and
a name in the code being written: every arithmetic operator, numpy ufunc and numpy function
applied to it computes the concrete result *and* appends one line of Python to the
:class:`Recording`. A 0-d float64 is written as plain Python float arithmetic (``py``: the same
IEEE operations, without numpy's scalar overhead); everything else as numpy calls.

What a tracer cannot follow (``float(t)``, ``t.tolist()``, ``np.asarray(t)``, ``if t:``) raises
:class:`Untraceable`: the compiler then says why and runs the step eagerly.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

__all__ = ["Tracer", "Recording", "Untraceable", "const_text"]

_F64 = np.float64
_OPS = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
        operator.pow: "**", operator.matmul: "@", operator.gt: ">", operator.lt: "<",
        operator.ge: ">=", operator.le: "<=", operator.eq: "==", operator.ne: "!=",
        operator.floordiv: "//", operator.mod: "%"}
_UFUNC_OPS = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
              np.true_divide: operator.truediv, np.power: operator.pow, np.greater: operator.gt,
              np.less: operator.lt, np.greater_equal: operator.ge, np.less_equal: operator.le,
              np.equal: operator.eq, np.not_equal: operator.ne}
_VIEWS = {"reshape", "transpose", "ravel", "swapaxes", "squeeze", "expand_dims", "broadcast_to",
          "moveaxis", "atleast_1d", "atleast_2d", "diagonal"}  # results that may share memory


class Untraceable(Exception):  # noqa: N818 - a reason, carried up to the compiler
    """Something the tracer cannot record; the message says what."""


class Recording:
    """The lines of a step, in order. A line is ``(template, operands, out, group)``: the
    template's ``{}`` are filled with the operands' names once every value has its final name."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, tuple, Any, str]] = []
        self.consts: list[tuple[str, Any]] = []  # (name in the code, value)
        self.group = ""
        self.count = 0

    def const(self, c: Any) -> str:
        """A constant's spelling: Python's own for plain numbers, else a name in the table."""
        text = const_text(c)
        if text is not None:
            return text
        if c is np.float64 or c is np.ndarray:
            return "_f64" if c is np.float64 else "_nd"
        for name, k in self.consts:
            if k is c:
                return name
        if isinstance(c, type) and c.__name__.isidentifier():  # an op's class: by its name
            name = c.__name__
        elif isinstance(c, np.dtype):
            name = f"_{c.name}"
        else:
            name = f"_k{len(self.consts)}"
        if any(n == name for n, _ in self.consts):
            name = f"_k{len(self.consts)}"
        self.consts.append((name, c))
        return name

    def emit(self, template: str, operands: tuple, val: Any, py: bool = False, view: bool = False,
             effect: bool = False) -> Tracer:
        out = Tracer(self, val, py, view)
        self.lines.append((template, operands, None if effect else out, self.group))
        return out

    def effect(self, template: str, operands: tuple) -> None:
        """A line kept for what it does (an in-place write), not for a value it makes."""
        self.lines.append((template, operands, None, self.group))


def const_text(c: Any) -> str | None:
    if c is None or type(c) in (bool, int, str):
        return repr(c)
    if type(c) is float and np.isfinite(c):
        return repr(c)
    if type(c) is tuple and all(const_text(x) is not None for x in c):
        return "(" + ", ".join(const_text(x) for x in c) + ("," if len(c) == 1 else "") + ")"
    if type(c) is slice:
        return f"slice({const_text(c.start)}, {const_text(c.stop)}, {const_text(c.step)})"
    if c is Ellipsis:
        return "..."
    return None


def _val(x: Any) -> Any:
    return x.val if isinstance(x, Tracer) else x


def _tree(x: Any, fn: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(_tree(y, fn) for y in x)
    return fn(x)


def _has_tracer(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return any(_has_tracer(y) for y in x)
    return isinstance(x, Tracer)


class Tracer:
    """One traced number or array: its concrete value, and where it comes from in the code."""

    __slots__ = ("rec", "val", "py", "view", "name", "n")
    __array_priority__ = 10_000

    def __init__(self, rec: Recording, val: Any, py: bool = False, view: bool = False) -> None:
        self.rec, self.val, self.py, self.view, self.name = rec, val, py, view, None
        rec.count += 1
        self.n = rec.count

    def __repr__(self) -> str:
        return f"<Tracer {self.name or self.n} {getattr(self.val, 'shape', ())} {self.dtype}>"

    # ------------------------------------------------------------------ what is known statically
    shape = property(lambda self: np.shape(self.val))
    dtype = property(lambda self: np.asarray(self.val).dtype if not hasattr(self.val, "dtype")
                     else self.val.dtype)
    ndim = property(lambda self: np.ndim(self.val))
    size = property(lambda self: int(np.size(self.val)))

    def __len__(self) -> int:
        return len(self.val)

    # ------------------------------------------------------------------ what cannot be followed
    def _refuse(self, what: str) -> Any:
        raise Untraceable(f"{what} turns a traced value into a Python value")

    def __bool__(self) -> bool:
        return self._refuse("bool()")

    def __float__(self) -> float:
        return self._refuse("float()")

    def __int__(self) -> int:
        return self._refuse("int()")

    def __index__(self) -> int:
        return self._refuse("using it as an index")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._refuse("np.asarray()/np.array()")

    def item(self, *a: Any) -> Any:
        return self._refuse(".item()")

    def tolist(self) -> Any:
        return self._refuse(".tolist()")

    def __iter__(self) -> Any:
        return self._refuse("iterating over it")

    # ------------------------------------------------------------------ operators
    def _binary(self, other: Any, op: Any, swap: bool = False) -> Any:
        a, b = (other, self) if swap else (self, other)
        if op is operator.matmul and np.ndim(_val(a)) <= 2 and np.ndim(_val(b)) <= 2:
            return _call(np.dot, (a, b), {})  # as the ops' mm(): np.dot, the same BLAS call
        return _operator(self.rec, op, a, b)

    def __add__(self, o: Any) -> Any: return self._binary(o, operator.add)
    def __radd__(self, o: Any) -> Any: return self._binary(o, operator.add, True)
    def __sub__(self, o: Any) -> Any: return self._binary(o, operator.sub)
    def __rsub__(self, o: Any) -> Any: return self._binary(o, operator.sub, True)
    def __mul__(self, o: Any) -> Any: return self._binary(o, operator.mul)
    def __rmul__(self, o: Any) -> Any: return self._binary(o, operator.mul, True)
    def __truediv__(self, o: Any) -> Any: return self._binary(o, operator.truediv)
    def __rtruediv__(self, o: Any) -> Any: return self._binary(o, operator.truediv, True)
    def __pow__(self, o: Any) -> Any: return self._binary(o, operator.pow)
    def __rpow__(self, o: Any) -> Any: return self._binary(o, operator.pow, True)
    def __matmul__(self, o: Any) -> Any: return self._binary(o, operator.matmul)
    def __rmatmul__(self, o: Any) -> Any: return self._binary(o, operator.matmul, True)
    def __floordiv__(self, o: Any) -> Any: return self._binary(o, operator.floordiv)
    def __mod__(self, o: Any) -> Any: return self._binary(o, operator.mod)
    def __gt__(self, o: Any) -> Any: return self._binary(o, operator.gt)
    def __lt__(self, o: Any) -> Any: return self._binary(o, operator.lt)
    def __ge__(self, o: Any) -> Any: return self._binary(o, operator.ge)
    def __le__(self, o: Any) -> Any: return self._binary(o, operator.le)
    def __eq__(self, o: Any) -> Any: return self._binary(o, operator.eq)  # type: ignore[override]
    def __ne__(self, o: Any) -> Any: return self._binary(o, operator.ne)  # type: ignore[override]
    __hash__ = object.__hash__

    def __neg__(self) -> Any:
        return self.rec.emit("-{}", (self,), -self.val, py=self.py)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return self.rec.emit("abs({})", (self,), abs(self.val), py=self.py)

    def __getitem__(self, index: Any) -> Any:
        if _has_tracer(index):
            raise Untraceable("indexing with a traced index")
        if self.py:
            if index == ():
                return self
            raise Untraceable("indexing a number")
        val = self.val[index]
        text, ops = _operands(self.rec, index, False)
        if type(val) is _F64:  # one float64 out of an array: a Python float from here on
            return self.rec.emit("float({}[" + text + "])", (self, *ops), val, py=True)
        return self.rec.emit("{}[" + text + "]", (self, *ops), val, view=type(val) is np.ndarray)

    # ------------------------------------------------------------------ methods the ops use
    def _method(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if _has_tracer(args) or _has_tracer(list(kwargs.values())):
            raise Untraceable(f".{name}() with traced arguments")
        val = getattr(self.val, name)(*args, **kwargs)
        text = ", ".join([const_text(a) or "{}" for a in args] +
                         [f"{k}={const_text(v) or '{}'}" for k, v in kwargs.items()])
        consts = tuple(a for a in args if const_text(a) is None) + tuple(
            v for v in kwargs.values() if const_text(v) is None)
        return self.rec.emit("{}." + name + "(" + text + ")", (self, *consts), val,
                             view=name in _VIEWS or name == "view")

    def reshape(self, *a: Any, **k: Any) -> Any: return self._method("reshape", *a, **k)
    def sum(self, *a: Any, **k: Any) -> Any: return self._method("sum", *a, **k)
    def mean(self, *a: Any, **k: Any) -> Any: return self._method("mean", *a, **k)
    def max(self, *a: Any, **k: Any) -> Any: return self._method("max", *a, **k)
    def min(self, *a: Any, **k: Any) -> Any: return self._method("min", *a, **k)
    def astype(self, *a: Any, **k: Any) -> Any: return self._method("astype", *a, **k)
    def copy(self, *a: Any, **k: Any) -> Any: return self._method("copy", *a, **k)
    def transpose(self, *a: Any, **k: Any) -> Any: return self._method("transpose", *a, **k)
    def ravel(self, *a: Any, **k: Any) -> Any: return self._method("ravel", *a, **k)
    def squeeze(self, *a: Any, **k: Any) -> Any: return self._method("squeeze", *a, **k)
    def swapaxes(self, *a: Any, **k: Any) -> Any: return self._method("swapaxes", *a, **k)
    def prod(self, *a: Any, **k: Any) -> Any: return self._method("prod", *a, **k)

    @property
    def T(self) -> Any:  # noqa: N802 - numpy's name
        return self.rec.emit("{}.T", (self,), self.val.T, view=True)

    # ------------------------------------------------------------------ numpy's protocols
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or "out" in kwargs:
            raise Untraceable(f"np.{ufunc.__name__}.{method}" if method != "__call__"
                              else f"np.{ufunc.__name__}(..., out=)")
        if ufunc is np.matmul and all(np.ndim(_val(x)) <= 2 for x in inputs):
            return _call(np.dot, inputs, {})
        op = _UFUNC_OPS.get(ufunc)
        if op is not None and len(inputs) == 2 and not kwargs:  # 2.0 * t: written as an operator
            return _operator(next(x for x in inputs if isinstance(x, Tracer)).rec, op, *inputs)
        return _call(ufunc, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _call(func, args, kwargs)


def _spell(rec: Recording, func: Any) -> str:
    name = getattr(func, "__name__", "")
    return f"np.{name}" if getattr(np, name, None) is func else rec.const(func)


def _operands(rec: Recording, items: Any, wrap64: bool) -> tuple[str, list]:
    """The text of operands (``{}`` per tracer or table constant) and the list they fill."""
    ops: list = []

    def one(x: Any) -> str:
        if isinstance(x, (list, tuple)) and _has_tracer(x):
            inner = ", ".join(one(y) for y in x)
            return f"[{inner}]" if isinstance(x, list) else f"({inner}{',' if len(x) == 1 else ''})"
        if isinstance(x, Tracer):
            ops.append(x)
            return "_f64({})" if wrap64 and x.py else "{}"
        text = const_text(x)
        if text is None:
            ops.append(x)  # a constant spelled through the table
            return "{}"
        return text

    return one(items), ops


def _operator(rec: Recording, op: Any, a: Any, b: Any) -> Any:
    va, vb = _val(a), _val(b)
    val = op(va, vb)
    sym = _OPS[op]
    tracers = [x for x in (a, b) if isinstance(x, Tracer)]
    others = [x for x in (a, b) if not isinstance(x, Tracer)]
    all_py = all(t.py for t in tracers)
    py_ok = all_py and all(type(x) in (int, float, bool, _F64) for x in others) and (
        type(val) in (_F64, np.bool_)) and not (op is operator.pow and (type(vb) is not int and not (
            isinstance(vb, float) and float(vb).is_integer())))  # Python's ** of a fraction may be complex
    if py_ok:
        parts = []
        for x in (a, b):
            parts.append("{}" if isinstance(x, Tracer) else repr(float(x)) if type(x) is _F64 else repr(x))
        return rec.emit(f"{parts[0]} {sym} {parts[1]}", tuple(tracers), val, py=True)
    # numpy semantics: a Python float meeting a float32 array is weak; the eager np.float64 is not
    wrap = any(t.py for t in tracers) and np.result_type(va, vb) != np.result_type(
        *(float(_val(x)) if isinstance(x, Tracer) and x.py else _val(x) for x in (a, b)))
    ta, opa = _operands(rec, a, wrap)
    tb, opb = _operands(rec, b, wrap)
    if all_py and type(val) is _F64:  # e.g. x ** 0.5 on a Python float: numpy's, back to float
        return rec.emit(f"float(_np_op({ta}, {tb}, {rec.const(op)}))", (*opa, *opb), val, py=True)
    return rec.emit(f"{ta} {sym} {tb}", (*opa, *opb), val)


def _call(func: Any, args: Any, kwargs: dict) -> Any:
    """One numpy call on traced values: computed now, written as one line."""
    rec = next(x for x in _flat((args, list(kwargs.values()))) if isinstance(x, Tracer)).rec
    val = func(*_tree(tuple(args), _val), **{k: _tree(v, _val) for k, v in kwargs.items()})
    tracers = [x for x in _flat(args) if isinstance(x, Tracer)]
    if type(val) is int or isinstance(val, np.dtype) or (type(val) is tuple and all(type(x) is int
                                                                                  for x in val)):
        return val  # np.shape, np.ndim, np.size, np.result_type: known while tracing, the same every call
    if isinstance(val, tuple):
        raise Untraceable(f"np.{getattr(func, '__name__', func)} returns several arrays")
    all_py = all(t.py for t in tracers)
    wrap = any(t.py for t in tracers) and not all_py
    text, ops = _operands(rec, tuple(args), wrap)
    inner = text[1:-1].rstrip(",")
    for k, v in kwargs.items():
        kt, kops = _operands(rec, v, wrap)
        inner += f", {k}={kt}"
        ops += kops
    call = f"{_spell(rec, func)}({inner})"
    if all_py and type(val) is _F64:
        return rec.emit(f"float({call})", tuple(ops), val, py=True)
    name = getattr(func, "__name__", "")
    return rec.emit(call, tuple(ops), val, view=name in _VIEWS)


def _flat(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return [z for y in x for z in _flat(y)]
    return [x]
