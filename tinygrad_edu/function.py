"""Layer 1: the extension point.

An op is a subclass of :class:`Function` with two static methods side by side::

    class Square(Function):
        '''d/dx x^2 = 2x'''

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_values
            return grad * 2 * x

``Square.apply(v)`` unwraps the inputs, runs ``forward`` on plain numpy data and, when grad mode
is on and some input requires grad, records a graph node. The node *is* the ``ctx`` object.

Two rules make every op twice differentiable for free:

* ``backward`` uses only operators (``+ - * / ** @``), the methods that numpy arrays and Values
  share (``sum``, ``reshape``, ``transpose``...) and other ops' ``apply``. During an ordinary
  backward those receive numpy arrays; under ``create_graph=True`` they receive Values, so the
  backward computation is itself recorded.
* ``apply`` on plain numpy inputs (no Value among them) just runs ``forward`` and returns the
  array. That is what makes ``Cos.apply(x)`` usable inside ``Sin.backward`` in both modes.

This module knows nothing about the Value class beyond the small :class:`GraphValue` interface
that Value implements, so nothing here imports anything above it.
"""

from __future__ import annotations

import functools
import math
import os
import traceback
from typing import Any, Callable, TypeVar

import numpy as np

__all__ = [
    "Function",
    "GraphValue",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "unbroadcast",
]

F = TypeVar("F", bound=Callable[..., Any])

# ----------------------------------------------------------------------------- grad mode

_grad_enabled = True  # read by Function.apply on every call, so a plain module global
_anomaly_enabled = False  # set by autograd.detect_anomaly
_node_count = 0  # nodes made so far; each node keeps its number (see engine.topological_order)
_inplace_epoch = 0  # bumped by every in-place change of a Value's data (see Value._bump_version)


def is_grad_enabled() -> bool:
    """True when ops record a graph (the default)."""
    return _grad_enabled


class set_grad_enabled:
    """Context manager and decorator that turns graph recording on or off."""

    __slots__ = ("mode", "_prev")

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        global _grad_enabled
        self._prev = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        global _grad_enabled
        _grad_enabled = self._prev

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):  # a fresh manager per call, so recursion is safe
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(set_grad_enabled):
    """``with no_grad():`` or ``@no_grad()``: ops inside record nothing.

    Use it for parameter updates such as ``w -= lr * w.grad``.
    """

    __slots__ = ()

    def __init__(self) -> None:
        self.mode = False


class enable_grad(set_grad_enabled):
    """``with enable_grad():`` or ``@enable_grad()``: record a graph even inside ``no_grad``."""

    __slots__ = ()

    def __init__(self) -> None:
        self.mode = True


# ----------------------------------------------------------------------------- values


class GraphValue:
    """The interface that :class:`tinygrad_edu.Value` implements, as far as this layer needs it.

    Attributes used here: ``data``, ``_rg`` (requires grad), ``grad_fn`` and the method
    ``_from_op(data, node)`` that builds the output of an op.
    """

    __slots__ = ()


_ONE_NEEDS = (True,)
_FREED = ("<freed>",)  # marks saved values released by a backward without retain_graph
_FSUM_MAX = 1 << 16  # above this, a scalar's gradient is summed by numpy (pairwise) for speed


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` down to ``shape``: the one place where broadcasting is undone.

    Broadcasting ``x`` of shape ``shape`` to ``grad.shape`` copies it; the adjoint of a copy is a
    sum. Leading axes that broadcasting added are summed away, then the axes where ``x`` had size 1
    are summed with ``keepdims``. Works on numpy arrays and on Values (through their ``sum``).

    When everything sums into one number (a scalar weight shared by a whole batch, as in
    ``w * x``), the terms are added with ``math.fsum``: correctly rounded and independent of their
    order, so ``d/dw mean((w*x - y)**2)`` comes out exactly as a hand-written formula that divides
    last (see docs/pytorch-differences.md).
    """
    if grad.shape == shape:
        return grad
    from_shape = grad.shape
    if type(grad) is np.ndarray and grad.dtype.kind == "f" and grad.size < _FSUM_MAX and all(
        s == 1 for s in shape
    ):
        total = grad.dtype.type(math.fsum(grad.ravel().tolist()))
        return total if not shape else np.full(shape, total, dtype=grad.dtype)
    lead = len(from_shape) - len(shape)
    if lead < 0 or any(s != 1 and s != g for s, g in zip(shape, from_shape[lead:])):
        raise ValueError(f"unbroadcast: cannot sum a gradient of shape {from_shape} down to {shape}")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and from_shape[lead + i] != 1
    )
    out = grad.sum(axis=axes, keepdims=True) if axes else grad
    return out.reshape(shape) if out.shape != shape else out


# ----------------------------------------------------------------------------- Function


class Function:
    """Base class of every differentiable op. An instance is both the op's context and its node.

    Subclasses write ``forward(ctx, *inputs, **settings)`` and ``backward(ctx, grad)`` as static
    methods. Positional arguments are the differentiable inputs (Values, arrays or numbers);
    keyword arguments are settings such as an axis. ``backward`` returns one gradient per
    positional input, or ``None`` for an input that has no gradient.

    On the ctx:

    * ``ctx.save_for_backward(*arrays)`` keeps what backward needs; read it back from
      ``ctx.saved_values`` (alias ``ctx.saved_tensors``). Save the forward's inputs or its output
      themselves: under ``create_graph=True`` those are handed back to backward as the Values of
      the graph. Any other array you save is treated as a constant by higher-order gradients,
      which is right for masks and indices.
    * ``ctx.needs_input_grad`` is a tuple of booleans, one per positional input.
    * Any other attribute (``ctx.shape = x.shape``) may be set freely.
    """

    __slots__ = ("parents", "saved_values", "needs_input_grad", "_epoch", "_acc", "_seq", "__dict__")

    def __init__(self) -> None:
        self.saved_values: tuple = ()
        self.needs_input_grad: tuple[bool, ...] = ()

    # PyTorch's name for the same thing
    @property
    def saved_tensors(self) -> tuple:
        return self.saved_values

    def save_for_backward(self, *values: Any) -> None:
        self.saved_values = values

    @staticmethod
    def forward(ctx: Function, *inputs: Any, **settings: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Function, grad: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    # -- graph node -----------------------------------------------------------------------
    def name(self) -> str:
        """PyTorch-style node name, e.g. ``MulBackward``."""
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"

    @property
    def next_functions(self) -> tuple:
        """The nodes of the inputs, as in PyTorch (``None`` for inputs without grad)."""
        return tuple((p.grad_fn if p is not None else None) for p in self.parents)

    # -- apply ------------------------------------------------------------------------------
    @classmethod
    def apply(cls, *inputs: Any, **settings: Any) -> Any:
        """Run the op. Values in, Value out (with a graph node when grad is needed).

        Plain numpy arrays or numbers in (no Value among them): the forward result is returned
        as is, with no graph.
        """
        # Unwrap the inputs: their raw data goes to forward; the Values that need a gradient
        # become the node's parents (None in the place of any other input).
        record = _grad_enabled
        if len(inputs) == 2:  # binary ops are the hot path: unrolled
            a, b = inputs
            proto = None  # the first Value input: it builds the output Value
            if isinstance(a, GraphValue):
                proto, ra, a_raw = a, a._rg, a._data
            else:
                ra, a_raw = False, a
            if isinstance(b, GraphValue):
                if proto is None:
                    proto = b
                rb, b_raw = b._rg, b._data
            else:
                rb, b_raw = False, b
            raw = (a_raw, b_raw)
            record = record and (ra or rb)
            if record:
                parents = (a if ra else None, b if rb else None)
                needs = (ra, rb)
        elif len(inputs) == 1 and isinstance(inputs[0], GraphValue):  # unary ops: unrolled
            proto = inputs[0]
            raw = (proto._data,)
            record = record and proto._rg
            if record:
                parents = inputs
                needs = _ONE_NEEDS
        else:
            proto, raw, listed = None, [], []
            for x in inputs:
                if isinstance(x, GraphValue):
                    raw.append(x._data)
                    if proto is None:
                        proto = x
                    listed.append(x if x._rg else None)
                else:
                    raw.append(x)
                    listed.append(None)
            parents = tuple(listed)
            record = record and any(p is not None for p in parents)
            if record:
                needs = tuple(p is not None for p in parents)
        ctx = cls.__new__(cls)
        ctx.saved_values = ()
        ctx.needs_input_grad = needs if record else (False,) * len(inputs)
        try:
            out = cls.forward(ctx, *raw, **settings)
        except ValueError as exc:
            if proto is None or "broadcast" not in str(exc):
                raise
            raise _broadcast_error(cls.__name__, raw) from exc
        if proto is None:
            return out
        if _anomaly_enabled:
            site = _creation_site()
            _check_finite(cls.__name__ + ".forward", out, site)
            ctx.__dict__["_trace"] = site
        if not record:
            return proto._from_op(out, None)
        global _node_count
        _node_count += 1
        ctx._seq = _node_count  # creation order: every node is made after the nodes it uses
        ctx.parents = parents
        ctx._acc = None
        if ctx.saved_values:
            ctx._epoch = _inplace_epoch  # in-place changes after this are caught at backward
        return proto._from_op(out, ctx)


def _broadcast_error(op: str, raw: list) -> RuntimeError:
    """PyTorch's wording for shapes that do not broadcast, plus the op and a fix."""
    shapes = [tuple(np.shape(r)) for r in raw]
    a, b = (shapes + [()])[:2]
    detail = ""
    for i in range(1, max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            detail = (f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                      f"non-singleton dimension {max(len(a), len(b)) - i}. ")
            break
    dtypes = ", ".join(str(np.result_type(r)) for r in raw)
    return RuntimeError(
        f"{detail}{op}: shapes {' and '.join(map(str, shapes))} (dtypes {dtypes}) cannot be "
        f"broadcast together. Broadcasting matches axes from the right and needs each pair of "
        f"sizes to be equal or 1; reshape one operand (e.g. x.unsqueeze(-1) or x.reshape(...))."
    )


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _creation_site() -> str:
    """The innermost frame outside this package: where the user created the node."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    {frame.line}'
    return "<unknown>"


def _check_finite(where: str, out: Any, site: str | None) -> None:
    """Raise if any float array in ``out`` holds nan or inf (anomaly mode)."""
    arrays = out if isinstance(out, tuple) else (out,)
    for a in arrays:
        if a is None:
            continue
        data = a._data if isinstance(a, GraphValue) else a
        if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind in "fc":
            if not np.all(np.isfinite(data)):
                created = f"\nThe op was created at:\n  {site}" if site else ""
                raise RuntimeError(
                    f"Function '{where}' returned nan or inf values (detect_anomaly is on)."
                    f"{created}\nCommon causes: log or sqrt of a value <= 0, division by zero, or "
                    f"a learning rate so large that the weights blow up."
                )
