"""Floor 6: forward-mode automatic differentiation, as ``torch.autograd.forward_ad`` spells it.

A dual number ``x + t ε`` (with ``ε² = 0``) carries a value and a tangent; pushing it through
``f`` gives ``f(x) + f'(x) t ε``: the Jacobian-vector product comes out beside the value, in one
pass, with no graph kept. Here the tangents live in a side table of the current
:class:`dual_level` keyed by the value's id (a weak reference drops the entry when the value dies),
so nothing below knows they exist::

    >>> import tinygrad_edu as torch
    >>> import tinygrad_edu.autograd.forward_ad as fwAD
    >>> x = torch.tensor([1.0, 2.0])
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(x, torch.tensor([1.0, 0.0])) ** 3
    ...     fwAD.unpack_dual(y).tangent      # 3 x^2 * t
    tensor([3., 0.])

How a new value gets its tangent: while a level is open, ``Function.apply`` is wrapped (as the
compile layer wraps it during a traced call). When an input has a tangent, the op is run so
that it records its node (the ctx, with what its forward saved), then the op's own rule
``jvp(ctx, *tangents)`` (beside its ``backward`` in ``ops/``) gives the output's tangent; a node
that nobody asked for is dropped again. The rule runs on the graph's own values (as under
``create_graph``), so the tangent can be differentiated again (reverse over forward) and, with
levels nested by ``func.jvp``, pushed forward again (forward over forward). An op without a rule
gets its JVP from its backward by transposition: ``J t = d/du <J^T u, t>`` (two backward calls).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, NamedTuple

import numpy as np

from ..conversion_methods import _UFUNC_OPS
from ..function import Function
from ..ops import Add, GetItem, SetItem
from ..shape_methods import index_arg, strip_leading_ones
from ..state import GraphValue, grad_mode
from ..value import Value

__all__ = ["dual_level", "make_dual", "unpack_dual", "UnpackedDualTensor", "enter_dual_level",
           "exit_dual_level"]


class UnpackedDualTensor(NamedTuple):
    """What :func:`unpack_dual` returns: the primal and its tangent (None when it has none)."""

    primal: Any
    tangent: Any


class _Local(threading.local):
    levels: list = []  # this thread's open levels, outermost first (a new list per thread)
    visible = 0  # how many of them ops see: a level's own tangent rules see only the outer ones
    off = 0  # > 0 while forward_ad itself runs ops that must not be intercepted


_local = _Local()
_installed = [0, None]  # how many levels are open in all threads, and the original apply
_lock = threading.Lock()


class _Level:
    """One level: tangents by id of the value, with a weak reference that drops the entry."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.tangents: dict[int, tuple[Any, Any]] = {}

    def get(self, v: Any) -> Any:
        entry = self.tangents.get(id(v))
        return None if entry is None or entry[0]() is not v else entry[1]

    def set(self, v: Any, t: Any) -> None:
        key, table = id(v), self.tangents
        self.tangents[key] = (weakref.ref(v, lambda _r: table.pop(key, None)), t)


def _levels() -> list:
    if "levels" not in _local.__dict__:
        _local.levels = []
    return _local.levels


def enter_dual_level() -> int:
    """Open a new level (``dual_level`` does this for you); returns its index."""
    levels = _levels()
    levels.append(_Level(len(levels)))
    _local.visible = len(levels)
    with _lock:
        _installed[0] += 1
        if _installed[0] == 1:
            _install()
    return len(levels) - 1


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the innermost level: its tangents are forgotten."""
    levels = _levels()
    if not levels or (level is not None and level != len(levels) - 1):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one created.")
    levels.pop().tangents.clear()
    _local.visible = len(levels)
    with _lock:
        _installed[0] -= 1
        if _installed[0] == 0:
            _uninstall()


class dual_level:  # noqa: N801  (PyTorch's name)
    """``with dual_level():`` the scope inside which dual tensors exist (their tangents are
    forgotten on exit). ``torch.autograd.forward_ad`` allows one level; ``func.jvp`` nests them."""

    def __enter__(self) -> int:
        if _levels() and not _local.__dict__.get("nesting"):
            raise RuntimeError("Nested forward mode AD is not supported at the moment")
        self.level = enter_dual_level()
        return self.level

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()


def _current() -> _Level:
    levels = _levels()
    if not levels:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make "
                           "sure to enter_dual_level() first.")
    return levels[-1]


def _same(v: Value) -> Value:
    """A new value with the same numbers, in ``v``'s graph (a view when ``v`` needs no grad)."""
    if v._rg and grad_mode.enabled:
        _local.off += 1
        try:
            return v * 1
        finally:
            _local.off -= 1
    return v._view(v._data, shared_version=True)


def make_dual(tensor: Value, tangent: Value, *, level: int | None = None) -> Value:
    """A new value with ``tensor``'s numbers that carries ``tangent`` at the current level."""
    lv = _current() if level is None else _levels()[level]
    if not isinstance(tensor, Value) or not isinstance(tangent, Value):
        raise TypeError("make_dual(): argument 'tensor' and 'tangent' must be Tensor")
    if tangent.shape != tensor.shape:
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of "
                           f"the original Tensor, this is not supported. Tensor is of size "
                           f"{list(tensor.shape)} while the given forward gradient is of size "
                           f"{list(tangent.shape)}.")
    if tensor.dtype.kind not in "fc" or tangent.dtype.kind not in "fc":
        raise ValueError("Expected both tensor and its forward grad to be floating point or complex")
    dual = _same(tensor)
    for other in _levels():  # the tangents tensor carries at the other levels (nested jvp)
        if other is not lv and (t := other.get(tensor)) is not None:
            other.set(dual, t)
    lv.set(dual, tangent if tangent.dtype == tensor.dtype else tangent.to(tensor.dtype))
    return dual


def unpack_dual(tensor: Any, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: the numbers without the tangent, and the tangent (or None)."""
    levels = _levels()
    if not isinstance(tensor, Value) or not levels:
        return UnpackedDualTensor(tensor, None)
    lv = levels[-1] if level is None else levels[level]
    t = lv.get(tensor)
    if t is None:
        return UnpackedDualTensor(tensor, None)
    primal = _same(tensor)
    for other in levels:  # it keeps the tangents of the other levels
        if other is not lv and (t2 := other.get(tensor)) is not None:
            other.set(primal, t2)
    return UnpackedDualTensor(primal, t)


def tangent_of(v: Any, level: int = -1) -> Any:
    """The tangent of ``v`` at a level (the innermost by default), or None."""
    levels = _levels()
    return levels[level].get(v) if levels and isinstance(v, Value) else None


# ---------------------------------------------------------------------- the wrapped apply
def _install() -> None:
    _installed[1] = Function.__dict__["apply"]
    Function.apply = classmethod(_apply)  # type: ignore[method-assign, assignment]
    for name, hook in _VALUE_HOOKS.items():
        _saved_methods[name] = Value.__dict__.get(name)
        setattr(Value, name, hook(getattr(Value, name)))
    _saved_ufuncs.update(_UFUNC_OPS)  # numpy interop holds bound applies: late-bound while open
    _UFUNC_OPS.update({u: _late(f.__self__) for u, f in _UFUNC_OPS.items()})


def _uninstall() -> None:
    if Function.__dict__["apply"] is not _installed[1]:
        Function.apply = _installed[1]  # type: ignore[method-assign]
    for name, orig in _saved_methods.items():
        if orig is None:
            delattr(Value, name)
        else:
            setattr(Value, name, orig)
    _UFUNC_OPS.update(_saved_ufuncs)


def _late(cls: type) -> Any:
    return lambda *inputs: cls.apply(*inputs)


def _dual(*xs: Any) -> bool:
    """Does one of ``xs`` carry a tangent at a level that ops see now?"""
    levels = _local.__dict__.get("levels")
    if not levels or _local.off:
        return False
    return any(isinstance(x, Value) and levels[k].get(x) is not None
               for k in range(_local.visible) for x in xs)


def _take_tangents(dst: Value, src: Value) -> None:
    """``dst`` (changed in place) takes the tangents of ``src``, the value it now equals."""
    for lv in _levels()[:_local.visible]:
        t = lv.get(src)
        if t is not None:
            lv.set(dst, t)
        else:
            lv.tangents.pop(id(dst), None)


def _getitem(orig: Any) -> Any:
    """Indexing a dual value goes through GetItem (the fast paths for plain numbers skip ops)."""
    def hooked(self: Value, index: Any) -> Any:
        if not _dual(self):
            return orig(self, index)
        return GetItem.apply(self, index=index if type(index) is np.ndarray else index_arg(index))
    return hooked


def _assign(orig: Any) -> Any:
    """In place (``x.add_(t)``, ``x[i] = t``): x takes the tangent of the out-of-place result."""
    def hooked(self: Value, compute: Any, *args: Any, **kwargs: Any) -> Any:
        if not _dual(self, *args, *kwargs.values()):
            return orig(self, compute, *args, **kwargs)
        new = compute(self, *args, **kwargs)
        out = orig(self, compute, *args, **kwargs)
        _take_tangents(self, new)
        return out
    return hooked


def _inplace(orig: Any) -> Any:
    def hooked(self: Value, op: Any, other: Any) -> Any:
        return self._assign(op.apply, other) if _dual(self, other) else orig(self, op, other)
    return hooked


def _setitem(orig: Any) -> Any:
    def hooked(self: Value, index: Any, value: Any) -> None:
        if not _dual(self, value):
            return orig(self, index, value)
        idx, val = index_arg(index, self.shape), strip_leading_ones(value)
        self._assign(lambda x, v: SetItem.apply(x, v, index=idx), val)
        return None
    return hooked


def _clone(orig: Any) -> Any:
    def hooked(self: Value, *args: Any, **kwargs: Any) -> Any:
        return Add.apply(self, 0) if _dual(self) else orig(self, *args, **kwargs)
    return hooked


_VALUE_HOOKS = {"__getitem__": _getitem, "_assign": _assign, "_inplace": _inplace,
                "__setitem__": _setitem, "clone": _clone}
_saved_methods: dict[str, Any] = {}
_saved_ufuncs: dict[Any, Any] = {}


def _orig(cls: type, *inputs: Any, **settings: Any) -> Any:
    return _installed[1].__func__(cls, *inputs, **settings)


def _apply(cls: type, *inputs: Any, **settings: Any) -> Any:
    levels = _local.__dict__.get("levels")
    if not levels or _local.off:
        return _orig(cls, *inputs, **settings)
    hits = []
    for k in range(_local.visible):
        ts = [levels[k].get(x) if isinstance(x, GraphValue) else None for x in inputs]
        if any(t is not None for t in ts):
            hits.append((k, ts))
    if not hits:
        return _orig(cls, *inputs, **settings)
    dual = [x for i, x in enumerate(inputs) if isinstance(x, GraphValue) and not x._rg
            and any(ts[i] is not None for _, ts in hits)]
    prev, grad_mode.enabled = grad_mode.enabled, True
    real = tuple(prev and isinstance(x, GraphValue) and x._rg for x in inputs)
    for x in dual:
        x._rg = True  # so that apply records the node (the ctx) the JVP rule reads
    try:
        out = _orig(cls, *inputs, **settings)
    finally:
        for x in dual:
            x._rg = False
        grad_mode.enabled = prev
    ctx = out.grad_fn
    if ctx is None or out.dtype.kind not in "fc":
        return out
    ctx.settings = settings
    ctx.zeros = lambda i: np.zeros(np.shape(raw := getattr(inputs[i], "_data", inputs[i])), dtype=(
        raw.dtype if getattr(raw, "dtype", np.dtype("i")).kind in "fc" else out.dtype))
    if True in real:
        ctx.needs_input_grad = real  # the node stays in the graph: only the real needs
    else:
        out.grad_fn, out._rg = None, False  # nobody needs the node: drop it again
    for k, ts in hits:
        _local.visible = k
        try:
            t = _rule(cls, ctx, out, ts)
        finally:
            _local.visible = len(levels)
        if t is not None:
            t = _fit(t, out)
            if t._rg and True not in real and not any(getattr(x, "_rg", False) for x in ts):
                t = t.detach()  # (a rule by transposition builds a graph nobody needs)
            levels[k].set(out, t)
    ctx.needs_input_grad = real
    return out


def _fit(t: Any, out: Value) -> Value:
    """The tangent as a Value of the output's shape and dtype."""
    if not isinstance(t, Value):
        t = Value(np.asarray(t, dtype=out.dtype))
    if t.shape != out.shape:
        t = t.expand(out.shape)
    return t if t.dtype == out.dtype else t.to(out.dtype)


def _lifted(ctx: Function, out: Value) -> tuple:
    """The saved arrays, each replaced by the graph's own value that holds it (engine's lifting)."""
    lifted = []
    for s in ctx.saved_values:
        for p in ctx.parents:
            if p is not None and s is p._data:
                lifted.append(p)
                break
        else:
            lifted.append(out if s is out._data else s)
    return tuple(lifted)


def _rule(cls: type, ctx: Function, out: Value, tangents: list) -> Any:
    saved = ctx.saved_values
    ctx.saved_values = _lifted(ctx, out)
    try:
        jvp = getattr(cls, "jvp", None)
        if jvp is not None:
            return jvp(ctx, *tangents)
        return jvp_by_transpose(ctx, out, tangents)
    finally:
        ctx.saved_values = saved


def jvp_by_transpose(ctx: Function, out: Value, tangents: list) -> Any:
    """``J t`` from the op's backward alone: ``<J^T u, t>`` is linear in ``u``, so its gradient
    with respect to ``u`` is ``J t``. Two backward calls; used for ops that have no ``jvp``."""
    from .gradients import grad

    u = Value(np.zeros(out.shape, dtype=out.dtype), requires_grad=True)
    with _GradOn():
        grads = ctx.backward(ctx, u)
        if not isinstance(grads, tuple):
            grads = (grads,)
        total = None
        for g, t in zip(grads, tangents):
            if g is not None and t is not None:
                term = (g * t).sum()
                total = term if total is None else total + term
        if total is None or not total.requires_grad:
            return None
        (jt,) = grad(total, u, create_graph=True, allow_unused=True)
    return jt


class _GradOn:
    def __enter__(self) -> None:
        self.prev, grad_mode.enabled = grad_mode.enabled, True

    def __exit__(self, *exc: object) -> None:
        grad_mode.enabled = self.prev
