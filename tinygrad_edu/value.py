"""Floor 3: the Value, for Python scalars and n-d numpy arrays alike; ``Tensor`` is an alias.

This module holds the autograd core: storage, ``grad``/``data``, building an op's output,
``backward``, ``detach``, in-place changes and the operators. The rest of PyTorch's method surface
(``exp``, ``sum``, ``reshape``...) is inherited from :class:`~tinygrad_edu.methods.Methods`.
"""

from __future__ import annotations

import operator
import warnings
import weakref
from typing import Any, Sequence

import numpy as np

from . import engine
from .diagnostics import LEAF_INPLACE, LEAF_ONLY, NON_LEAF_GRAD, write_error
from .dtypes import as_data, check_float_for_grad
from .function import Function
from .methods import Methods
from .ops import Add, Div, GetItem, MatMul, Mul, Neg, Pow, SetItem, Sub
from .ops.shape import is_basic_index
from .shape_methods import basic_view, index_arg, strip_leading_ones
from .state import GraphValue, grad_mode, state

__all__ = ["Value", "Tensor"]


class Value(Methods, GraphValue):
    """A number or an n-d array that remembers how it was computed.

    >>> w = Value(2.0, requires_grad=True)
    >>> y = w * w + 3 * w
    >>> y.backward()
    >>> w.grad          # dy/dw = 2w + 3
    tensor(7.)
    """

    # An op's output writes four slots; the rarely set attributes default to the class's values.
    __slots__ = ("_data", "_grad", "_rg", "grad_fn", "__dict__", "__weakref__")
    _retains_grad, _vc, _detached, _peers, _name, _hooks = False, None, None, None, None, None
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 name: str | None = None) -> None:
        self._data = as_data(data, dtype)
        self._grad = self.grad_fn = None
        self._rg = False
        if name is not None:
            self._name = name
        if requires_grad:
            self.requires_grad = True

    def _from_op(self, data: Any, node: Function | None) -> Value:
        """Build the output of an op (always a plain Value, even when self is a Parameter)."""
        v = Value.__new__(Value)
        if type(data) is np.ndarray:
            if not data.ndim:  # (ndim: an int, where shape builds a tuple)
                data = data[()]
        elif not isinstance(data, np.generic):
            data = as_data(data)
        v._data = data
        v._grad = None
        v.grad_fn = node
        v._rg = node is not None
        return v

    def _view(self, data: Any, shared_version: bool) -> Value:
        """A graph-free Value over the same numbers (``detach``, ``.data``, basic indexing)."""
        v = Value.__new__(Value)
        v._data, v._grad, v.grad_fn, v._rg = data, None, None, False
        if shared_version:
            v._vc = self._counter()
        if type(data) is not np.ndarray:
            self._share_number(v)
        return v

    # ------------------------------------------------------------------ attributes
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None and not flag:
            raise RuntimeError(LEAF_ONLY)
        if flag:
            check_float_for_grad(self._data.dtype)
        self._rg = bool(flag)

    @property
    def data(self) -> Value:
        """The numbers, as a Value outside the graph that shares them (PyTorch's ``.data``).

        Changing it in place (``w.data -= 0.1 * w.grad``, ``w.data.zero_()``) changes this value
        without recording anything or counting a version; ``w.data = ...`` replaces the numbers.
        """
        return self._view(self._data, shared_version=False)

    @data.setter
    def data(self, new: Any) -> None:
        arr = as_data(new)
        if self._rg:
            check_float_for_grad(arr.dtype)
        self._data = arr
        self._peers = None  # handles taken before no longer share this value's number

    @property
    def grad(self) -> Value | None:
        """The accumulated gradient, a Value of this value's shape (the same Value every time, as
        in PyTorch: ``w.grad.zero_()`` changes it), or None before backward."""
        g = self._grad
        if g is not None and not isinstance(g, Value):  # numbers from backward: wrap them once
            g = self._grad = self._from_op(g, None)
        if g is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, Value):
                value = Value(as_data(value, self._data.dtype if self._data.dtype.kind == "f" else None))
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: grad shape "
                                   f"{value.shape}, value shape {self.shape}")
        self._grad = value

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Sequence[Value] | None = None) -> None:
        """Add d(self)/d(leaf) into every leaf's ``.grad`` (only the ``inputs``' if given). A
        non-scalar value needs ``gradient`` of its shape; ``retain_graph=True`` keeps the saved
        values; ``create_graph=True`` records the backward itself (higher order)."""
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Value:
        """A new leaf sharing this value's numbers and version counter, cut off from the graph."""
        v = self._view(self._data, shared_version=True)
        if self.name is not None:
            v._name = self.name
        return v

    def detach_(self) -> Value:
        """Cut this value off from the graph in place (graphs built before still reach its node)."""
        if self.grad_fn is not None:
            self._detached = self.grad_fn
        self.grad_fn = None
        self._rg = False
        return self

    def retain_grad(self) -> Value:
        """Keep ``.grad`` on this non-leaf value during backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True
        return self

    # ------------------------------------------------------------------ in-place
    def _counter(self) -> list:
        """This value's version counter ``[version, epoch]``, made on first use."""
        if self._vc is None:
            self._vc = [0, 0]
        return self._vc

    def _share_number(self, other: Value) -> None:
        """Let ``other`` share this 0-d value's number: numpy scalars cannot change, so an in-place
        change writes the new number into every live sharer (weak references: no leaks)."""
        peers = self._peers or [weakref.ref(self)]
        peers[:] = [r for r in peers if r() is not None] + [weakref.ref(other)]  # drop the dead
        self._peers = other._peers = peers

    def _write(self, new: Any, casting: str = "same_kind", index: Any = None, op: Any = None) -> Value:
        """The one in-place writer (in-place ops, ``copy_``, ``[]=``, optimizers,
        ``load_state_dict``): write ``new`` into this value's numbers (at ``index`` if given; with
        ``op``, an in-place operator such as ``operator.isub``, write ``numbers -= new``: numpy's
        same_kind casting), then count a version."""
        data = self._data
        if type(data) is np.ndarray:
            try:
                if op is not None:
                    op(data, new)  # data -= new: in place, no temporary array
                elif index is not None:
                    data[index] = new
                else:
                    np.copyto(data, new, casting=casting)
            except (ValueError, TypeError):  # read-only (an expanded view), shapes or a lossy cast
                raise write_error(data, new, op) from None
        else:
            if op is not None:
                new = op(data, new)  # a number cannot change: data - new, written below
            if index is not None or (type(new) is not type(data) and np.shape(new) != ()):
                raise RuntimeError(f"output with shape [] doesn't match the broadcast shape "
                                   f"{list(np.shape(new if index is None else data[index]))}")
            number = new if type(new) is type(data) else np.asarray(new).astype(
                data.dtype, casting=casting)[()]
            self._data = number
            for r in self._peers or ():  # values sharing this 0-d number
                if (v := r()) is not None and v._data is data:
                    v._data = number
        state.epoch += 1
        vc = self._vc
        if vc is None:
            self._vc = [1, state.epoch]
        else:
            vc[0] += 1
            vc[1] = state.epoch
        return self

    def _become(self, out: Value) -> Value:
        """``self`` takes ``out``'s numbers and node: an in-place op, recorded as PyTorch does. A
        non-leaf's earlier node stays in ``_history``, where the nodes made before the change
        find it (``function.input_node``); its saved numbers are checked by version at backward."""
        if self._rg and self.grad_fn is None:
            raise RuntimeError(LEAF_INPLACE)
        if out.shape != self.shape:
            raise write_error(self._data, out._data, operator.iadd)
        if self.grad_fn is not None and getattr(self._data, "base", None) is not None:
            self._data = np.array(self._data)  # a view: its base is not rebased, so keep them apart
        self._write(out._data, casting="same_kind" if out.dtype.kind != self.dtype.kind else "unsafe")
        self.__dict__.setdefault("_history", [self.grad_fn]).append(out.grad_fn)
        self.grad_fn, self._rg = out.grad_fn, out._rg or self._rg
        return self

    def _assign(self, compute: Any, *args: Any, **kwargs: Any) -> Value:
        """The one in-place rule (``x.op_(...)``, ``x += y``): ``x.op(...)`` written into ``x``.
        In a graph, ``x`` becomes the op's output (the op reads a copy, so nothing it saved is
        overwritten); else the numbers are written with no node."""
        if grad_mode.enabled and (self._rg or any(
                isinstance(a, Value) and a._rg for a in (*args, *kwargs.values()))):
            return self._become(compute(self.clone(), *args, **kwargs))
        return self._write(compute(self, *args, **kwargs)._data, casting="same_kind")

    def _inplace(self, op: type[Function], other: Any) -> Value:
        if grad_mode.enabled and (self._rg or isinstance(other, Value) and other._rg):
            return self._assign(op.apply, other)
        return self._write(other._data if isinstance(other, Value) else other, op=_INPLACE[op])

    def __iadd__(self, other: Any) -> Value: return self._inplace(Add, other)
    def __isub__(self, other: Any) -> Value: return self._inplace(Sub, other)
    def __imul__(self, other: Any) -> Value: return self._inplace(Mul, other)
    def __itruediv__(self, other: Any) -> Value: return self._inplace(Div, other)

    def copy_(self, src: Any) -> Value:
        """Copy ``src`` into this value's data in place (broadcast, cast to its dtype)."""
        if grad_mode.enabled and (self._rg or isinstance(src, Value) and src._rg):
            return self._assign(SetItem.apply, src, index=...)  # no gradient to what was there
        raw = np.asarray(src._data if isinstance(src, Value) else src)
        if np.broadcast_shapes(raw.shape, self.shape) != self.shape:
            raise RuntimeError(f"copy_: the source shape {raw.shape} cannot be broadcast to {self.shape}")
        return self._write(raw, casting="unsafe")

    def __setitem__(self, index: Any, value: Any) -> None:
        index, value = index_arg(index, self.shape), strip_leading_ones(value)
        if grad_mode.enabled and (self._rg or isinstance(value, Value) and value._rg):
            self._assign(SetItem.apply, value, index=index)
        else:
            self._write(value._data if isinstance(value, Value) else value, index=index)

    def __getitem__(self, index: Any) -> Value:
        if type(index) is not np.ndarray:
            index = index_arg(index)  # Values in the index become their numbers
        data = self._data
        if type(data) is np.ndarray and not (self._rg and grad_mode.enabled):  # nothing to record
            if type(index) is np.ndarray:
                if index.dtype.kind in "iu" and not state.anomaly:
                    try:  # a batch drawn by integer indexes: numpy's copy, with no node to make
                        return self._from_op(data[index], None)
                    except IndexError:
                        pass  # GetItem.apply says it in PyTorch's words
            elif is_basic_index(index):
                view = basic_view(data, index)  # a view sharing memory and version, as in PyTorch
                if view is not None:
                    return self._view(view, shared_version=True)
        return GetItem.apply(self, index=index)

    # ------------------------------------------------------------------ operators
    def __add__(self, other: Any) -> Value: return Add.apply(self, other)
    def __radd__(self, other: Any) -> Value: return Add.apply(other, self)
    def __sub__(self, other: Any) -> Value: return Sub.apply(self, other)
    def __rsub__(self, other: Any) -> Value: return Sub.apply(other, self)
    def __mul__(self, other: Any) -> Value: return Mul.apply(self, other)
    def __rmul__(self, other: Any) -> Value: return Mul.apply(other, self)
    def __truediv__(self, other: Any) -> Value: return Div.apply(self, other)
    def __rtruediv__(self, other: Any) -> Value: return Div.apply(other, self)
    def __pow__(self, other: Any) -> Value: return Pow.apply(self, other)
    def __rpow__(self, other: Any) -> Value: return Pow.apply(other, self)
    def __matmul__(self, other: Any) -> Value: return MatMul.apply(self, other)
    def __rmatmul__(self, other: Any) -> Value: return MatMul.apply(other, self)
    def __neg__(self) -> Value: return Neg.apply(self)
    def __pos__(self) -> Value: return self

    __hash__ = object.__hash__


_INPLACE = {Add: operator.iadd, Sub: operator.isub, Mul: operator.imul, Div: operator.itruediv}

Tensor = Value

