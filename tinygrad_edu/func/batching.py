"""The batching rules behind ``vmap``: the whole batch runs as one computation.

Inside ``vmap`` the function gets :class:`BatchedValue` s: Values whose numbers hold the whole
batch on axis 0 while they report the shape of one sample (``x.shape``, ``x.ndim``, ``len(x)``),
so the function's own shape logic sees what it would see unbatched. While a vmap runs,
``Function.apply`` is wrapped (as forward mode wraps it): an op with a batched input runs once on
the whole batch, its settings moved one axis on (``sum(dim=0)`` sums axis 1), its other inputs
aligned (an unbatched input broadcasts against the batch). An op with no rule runs once per
sample and the results are stacked, with a warning that names it. Code that reads a value's raw
numbers (``.item()``, ``.numpy()``: max pooling's window search, class-index targets) cannot be
batched this way.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import numpy as np

from ..function import Function
from ..methods import Size
from ..ops import (
    BUILT_IN,
    Add,
    BroadcastTo,
    Cat,
    Conv2dFunction,
    Cumsum,
    GetItem,
    LinearFunction,
    LogSoftmax,
    LogSumExp,
    MatMul,
    Max,
    Mean,
    Min,
    Permute,
    Reshape,
    Softmax,
    Stack,
    Sum,
    Where,
)
from ..value import Value

__all__ = ["BatchedValue", "batched", "unbatched_off", "install", "uninstall", "expand", "mark", "active"]

_local = threading.local()
_AXIS = {Sum: "axis", Mean: "axis", Max: "axis", Min: "axis", Cumsum: "axis", Softmax: "dim",
         LogSoftmax: "dim", LogSumExp: "dim", Cat: "axis", Stack: "axis"}
_REDUCE_ALL = (Sum, Mean, Max, Min, LogSumExp)  # axis None: every axis of a sample
_SPECIAL = (Reshape, Permute, BroadcastTo, MatMul, LinearFunction, GetItem, Where)
_SETTINGS_FREE = {"Clamp", "LeakyReLU", "ELU", "GELU", "Softplus", "LogBase", "LogAddExp", "Mod", "Cast"}
_warned: set = set()


class BatchedValue(Value):
    """A Value that holds a batch (axis 0) and reports the shape of one sample."""

    __slots__ = ()

    @property
    def shape(self) -> Size:  # the whole batch's while rules and backward walks run on it
        return Size(self._data.shape[1:] if not getattr(_local, "off", 0) else self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim - (not getattr(_local, "off", 0))

    def numel(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def _from_op(self, data: Any, node: Any) -> Value:
        return mark(Value._from_op(self, data, node))

    def _view(self, data: Any, shared_version: bool) -> Value:
        return mark(Value._view(self, data, shared_version))

    def __getitem__(self, index: Any) -> Value:
        from ..shape_methods import index_arg

        return GetItem.apply(self, index=index if type(index) is np.ndarray else index_arg(index))

    def item(self) -> Any:
        raise RuntimeError("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap "
                           "over calling .item() on a Tensor, please try to rewrite what you're doing with "
                           "other operations.")

    tolist = item

    def numpy(self, *, force: bool = False) -> Any:
        raise RuntimeError("vmap: .numpy() inside vmap would read the numbers of the whole batch; write "
                           "this step with tensor operations")

    def __repr__(self) -> str:
        return f"BatchedValue(batch={self._data.shape[0]}, sample shape={list(self.shape)})"


def mark(v: Any) -> Any:
    if isinstance(v, Value) and type(v) is Value:
        v.__class__ = BatchedValue
    return v


def batched(x: Any) -> bool:
    return type(x) is BatchedValue


def expand(x: Value, size: int) -> Value:
    """An unbatched value copied along a new batch axis (a view: no numbers are copied)."""
    with unbatched_off():
        out = BroadcastTo.apply(x, shape=(size,) + tuple(x._data.shape))
    return mark(out)


class unbatched_off:  # noqa: N801
    """Ops run on the raw batch (no rules) inside: the backward walk, whose nodes were recorded on
    the whole batch already."""

    def __enter__(self) -> None:
        _local.off = getattr(_local, "off", 0) + 1

    def __exit__(self, *exc: object) -> None:
        _local.off -= 1


_orig: list = []


def active() -> int:
    """The batch size of the vmap running in this thread (0: none)."""
    return getattr(_local, "size", 0)


def install() -> None:
    _orig.append(Function.__dict__["apply"])
    Function.apply = classmethod(_apply)  # type: ignore[method-assign, assignment]


def uninstall() -> None:
    Function.apply = _orig.pop()  # type: ignore[method-assign]


def _call(cls: type, *inputs: Any, **settings: Any) -> Any:
    return _orig[-1].__func__(cls, *inputs, **settings)


def _apply(cls: type, *inputs: Any, **settings: Any) -> Any:
    if getattr(_local, "off", 0) or not any(type(x) is BatchedValue for x in inputs):
        return _call(cls, *inputs, **settings)
    _local.off = getattr(_local, "off", 0) + 1  # the rule's own ops run as they are
    try:
        return mark(_batched(cls, inputs, settings))
    finally:
        _local.off -= 1


def _rank(x: Any) -> int:
    return (x._data.ndim - 1) if type(x) is BatchedValue else np.ndim(getattr(x, "_data", x))


def _align(x: Any, rank: int) -> Any:
    """A batched input with size-1 axes after the batch axis up to ``rank`` sample axes."""
    if type(x) is not BatchedValue or _rank(x) == rank:
        return x
    s = x._data.shape
    return Reshape.apply(x, shape=(s[0],) + (1,) * (rank - _rank(x)) + s[1:])


def _shift(axis: Any, rank: int) -> Any:
    if axis is None:
        return tuple(range(1, rank + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(_shift(a, rank) for a in axis)
    return axis + 1 if axis >= 0 else axis


def _batched(cls: type, inputs: tuple, settings: dict) -> Any:
    size = next(x._data.shape[0] for x in inputs if type(x) is BatchedValue)
    if cls in _AXIS:
        name = _AXIS[cls]
        x = inputs[0]
        if cls in (Cat, Stack):
            inputs = tuple(x if type(x) is BatchedValue else expand(x, size) for x in inputs)
        axis = settings.get(name, 0 if cls in (Cat, Stack) else None)
        if axis is None and cls not in _REDUCE_ALL:
            return _fallback(cls, inputs, settings, size)
        return _call(cls, *inputs, **{**settings, name: _shift(axis, _rank(x))})
    if cls is Reshape:
        return _call(cls, inputs[0], shape=(size,) + tuple(settings["shape"]))
    if cls is Permute:
        axes = tuple(a % max(_rank(inputs[0]), 1) for a in settings["axes"])
        return _call(cls, inputs[0], axes=(0,) + tuple(a + 1 for a in axes))
    if cls is BroadcastTo:
        target = tuple(settings["shape"])
        return _call(cls, _align(inputs[0], len(target)), shape=(size,) + target)
    if cls is GetItem:
        index = settings["index"]
        index = (slice(None),) + (index if isinstance(index, tuple) else (index,))
        return _call(cls, inputs[0], index=index)
    if cls is MatMul:
        return _matmul(*inputs)
    if cls is Conv2dFunction:
        return _conv(inputs, settings["geom"], size)
    if cls is LinearFunction:
        if all(type(x) is not BatchedValue for x in inputs[1:]):
            return _call(cls, *inputs)
        w = inputs[1]  # per-sample weights: x @ W^T + b, batched
        wt = mark(Permute.apply(w, axes=(0, 2, 1))) if batched(w) else Permute.apply(w, axes=(1, 0))
        out = mark(_matmul(inputs[0], wt))
        return out if len(inputs) < 3 or inputs[2] is None else _batched(Add, (out, inputs[2]), {})
    if cls is Where:
        rank = max(_rank(x) for x in inputs)
        cond = np.asarray(settings["cond"])
        if cond.ndim == rank + 1 and cond.shape[:1] == (size,):  # a mask made from the batch
            cond = cond.reshape((size,) + (1,) * (rank + 1 - cond.ndim) + cond.shape[1:])
        return _call(cls, *(_align(x, rank) for x in inputs), cond=cond)
    if cls in BUILT_IN and (not settings or cls.__name__ in _SETTINGS_FREE) and _elementwise(cls):
        rank = max(_rank(x) for x in inputs)
        return _call(cls, *(_align(x, rank) for x in inputs), **settings)
    return _fallback(cls, inputs, settings, size)


def _elementwise(cls: type) -> bool:
    return cls.__module__.endswith(("ops.elementwise", "ops.elementwise2", "ops.activation", "ops.cast"))


def _matmul(a: Any, b: Any) -> Any:
    ra, rb = _rank(a), _rank(b)
    sa = tuple(a._data.shape[1:] if batched(a) else np.shape(getattr(a, "_data", a)))
    sb = tuple(b._data.shape[1:] if batched(b) else np.shape(getattr(b, "_data", b)))
    size = (a if batched(a) else b)._data.shape[0]
    out_shape = _matmul_shape(sa, sb)
    if batched(a) and ra == 1:
        a, sa = Reshape.apply(a, shape=(size, 1) + sa), (1,) + sa
    if batched(b) and rb == 1:
        b, sb = Reshape.apply(b, shape=(size,) + sb + (1,)), sb + (1,)
    rank = max(len(sa), len(sb))
    if batched(a) and len(sb) >= 2:
        a = _align(a, rank)
    if batched(b) and len(sa) >= 2:
        b = _align(b, rank)
    out = _call(MatMul, a, b)
    return Reshape.apply(out, shape=(size,) + out_shape)


def _conv(inputs: tuple, geom: Any, size: int) -> Any:
    """conv2d on a batch: the batch joins N when only x is batched; with per-sample weights it
    joins the channels, as groups (one group of convolutions per sample)."""
    x, w, b = inputs[0], inputs[1], inputs[2] if len(inputs) > 2 else None
    if not batched(w) and not batched(b):
        s = x._data.shape
        out = _call(Conv2dFunction, Reshape.apply(x, shape=(s[0] * s[1],) + s[2:]), *inputs[1:], geom=geom)
        return Reshape.apply(out, shape=s[:2] + out._data.shape[1:])
    x, w = (v if batched(v) else expand(v, size) for v in (x, w))
    (_, n, c, h, wd), (_, o, *k) = x._data.shape, w._data.shape
    xg = Reshape.apply(Permute.apply(x, axes=(1, 0, 2, 3, 4)), shape=(n, size * c, h, wd))
    wg = Reshape.apply(w, shape=(size * o, *k))
    bg = None if b is None else Reshape.apply(b if batched(b) else expand(b, size), shape=(size * o,))
    out = _call(Conv2dFunction, xg, wg, *(() if bg is None else (bg,)),
                geom=geom._replace(groups=geom.groups * size))
    out = Reshape.apply(out, shape=(n, size, o) + out._data.shape[2:])
    return Permute.apply(out, axes=(1, 0, 2, 3, 4))


def _matmul_shape(sa: tuple, sb: tuple) -> tuple:
    a2 = (1,) + sa if len(sa) == 1 else sa
    b2 = sb + (1,) if len(sb) == 1 else sb
    out = np.broadcast_shapes(a2[:-2], b2[:-2]) + (a2[-2], b2[-1])
    if len(sa) == 1:
        out = out[:-2] + out[-1:]
    if len(sb) == 1:
        out = out[:-1]
    return out


def _fallback(cls: type, inputs: tuple, settings: dict, size: int) -> Any:
    if cls.__name__ not in _warned:
        _warned.add(cls.__name__)
        warnings.warn(f"vmap: there is no batching rule for {cls.__name__}, so it runs once per sample and "
                      f"the results are stacked (a performance drop)", UserWarning, stacklevel=4)
    outs = [_call(cls, *(GetItem.apply(x, index=i) if type(x) is BatchedValue else x for x in inputs),
                  **settings) for i in range(size)]
    return Stack.apply(*outs, axis=0)

