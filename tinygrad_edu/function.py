"""Floor 1: the extension point. An op is a subclass of :class:`Function`::

    class Square(Function):
        '''z = x ** 2, elementwise.'''

        derivative = ("dz/dx = 2x",)

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_values
            return grad * 2 * x

``Square.apply(v)`` unwraps the inputs, runs ``forward`` on plain numpy data and, when grad mode
is on and some input requires grad, records a graph node: the ``ctx`` object itself. A backward
written with operators, shared array/Value methods and other ops' ``apply`` is twice
differentiable for free: under ``create_graph=True`` it receives Values and is itself recorded
(``apply`` on plain numpy inputs just returns the forward's array). Values are used only through
the :class:`~tinygrad_edu.state.GraphValue` contract.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .diagnostics import broadcast_error, creation_site
from .state import GraphValue, grad_mode, state

__all__ = ["Function", "unbroadcast", "input_node"]

_ONE_NEEDS = (True,)
_TWO_NEEDS = (((False, False), (False, True)), ((True, False), (True, True)))  # shared, not per op
_FREED = ("<freed>",)  # marks saved values released by a backward without retain_graph
_FSUM_MAX = 1 << 16  # above this, a scalar's gradient is summed by numpy (pairwise) for speed


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` down to ``shape``: the one place where broadcasting is undone.

    Broadcasting copies; the adjoint of a copy is a sum. Leading axes that broadcasting added are
    summed away, then the axes where ``x`` had size 1 (with ``keepdims``). When everything sums
    into one number (a weight shared by a batch), ``math.fsum`` adds the terms correctly rounded,
    so ``d/dw mean((w*x - y)**2)`` equals the blog's hand formula (docs/pytorch-differences.md).
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


def input_node(p: Any, seq: int) -> Any:
    """The node of input ``p`` as the node made at ``seq`` saw it. An in-place op made since then
    moved ``p.grad_fn`` on; the nodes it had are in ``p._history`` (``Value._become``)."""
    pn = p.grad_fn or (None if p._rg else p._detached)
    if pn is not None and pn._seq > seq:
        pn = next((n for n in reversed(p._history) if n is not None and n._seq < seq), None)
    return pn


class Function:
    """Base class of every differentiable op. An instance is both the op's context and its node.

    ``forward(ctx, *inputs, **settings)`` gets the raw data of the positional inputs (keyword
    arguments are settings such as an axis); ``backward(ctx, grad)`` returns one gradient (or
    None) per positional input. ``derivative`` names the local derivatives, one
    ``"dz/d<input> = <formula>"`` string per input (explain prints them). On the ctx:

    * ``save_for_backward(*arrays)``, read back as ``saved_values`` (alias ``saved_tensors``):
      save the inputs or the output themselves, so that create_graph hands back the graph's
      Values and in-place changes before backward are caught;
    * ``needs_input_grad``: one boolean per positional input;
    * ``parents``: the positional inputs that are Values (None for plain numbers or arrays);
    * ``received``: after a backward, the gradient that reached the node's output (drawings);
    * ``shapes``: free for the input shapes that broadcasting ops unbroadcast to;
    * any other attribute (``ctx.shape = x.shape``) may be set freely (it costs each node a dict).
    """

    __slots__ = ("_a", "_b", "_inputs", "saved_values", "needs_input_grad", "received", "shapes", "_epoch",
                 "_acc", "_seq", "__dict__")
    derivative: tuple[str, ...] = ()

    saved_values: tuple
    needs_input_grad: tuple[bool, ...]

    saved_tensors = property(lambda self: self.saved_values, doc="PyTorch's name for saved_values.")
    parents = property(lambda self: (self._a, self._b) if self._inputs is None else self._inputs,
                       doc="The inputs (a tuple). A binary op keeps its two in slots: one object fewer "
                           "per node for the garbage collector to walk (docs/performance.md).")

    def save_for_backward(self, *values: Any) -> None:
        self.saved_values = values

    @staticmethod
    def forward(ctx: Function, *inputs: Any, **settings: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Function, grad: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    def name(self) -> str:
        """PyTorch-style node name, e.g. ``MulBackward``."""
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"

    @property
    def next_functions(self) -> tuple:
        """``(node, 0)`` per input, as in PyTorch (``(None, 0)`` for leaves and constants)."""
        return tuple((input_node(p, self._seq) if n else None, 0)
                     for p, n in zip(self.parents, self.needs_input_grad))

    @classmethod
    def apply(cls, *inputs: Any, **settings: Any) -> Any:
        """Run the op. Values in, Value out (with a graph node when grad is needed).

        Plain numpy arrays or numbers in (no Value among them): the forward result is returned
        as is, with no graph.
        """
        # The raw data goes to forward; the Values (None for other inputs) become the parents.
        record = grad_mode.enabled
        if len(inputs) == 2:  # binary ops are the hot path: unrolled
            a, b = inputs
            if isinstance(a, GraphValue):
                proto, ra, raw_a = a, a._rg, a._data
            else:
                proto, ra, raw_a, a = None, False, a, None
            if isinstance(b, GraphValue):
                rb, raw_b = b._rg, b._data
                if proto is None:
                    proto = b
            else:
                rb, raw_b, b = False, b, None
            raw: Any = (raw_a, raw_b)
            record = record and (ra or rb)
            if record:
                parents, needs = None, _TWO_NEEDS[ra][rb]  # None: a and b go in slots
        elif len(inputs) == 1 and isinstance(inputs[0], GraphValue):  # unary ops: unrolled
            proto = inputs[0]
            raw = (proto._data,)
            record = record and proto._rg
            if record:
                parents, needs = inputs, _ONE_NEEDS
        elif len(inputs) == 3 and isinstance(a := inputs[0], GraphValue) and isinstance(
                b := inputs[1], GraphValue) and isinstance(c := inputs[2], GraphValue):  # Linear
            proto, parents, raw, needs = a, inputs, (a._data, b._data, c._data), (a._rg, b._rg, c._rg)
            record = record and True in needs
        else:
            proto, parents, raw, needs = None, [], [], []
            for x in inputs:
                value = isinstance(x, GraphValue)
                if value and proto is None:
                    proto = x
                parents.append(x if value else None)
                raw.append(x._data if value else x)
                needs.append(value and x._rg)
            parents, needs = tuple(parents), tuple(needs)
            record = record and True in needs
        ctx = cls.__new__(cls)
        ctx.saved_values = ()
        ctx.needs_input_grad = needs if record else (False,) * len(inputs)
        try:
            out = cls.forward(ctx, *raw, **settings) if settings else cls.forward(ctx, *raw)
        except ValueError as exc:
            if proto is None or "broadcast" not in str(exc):
                raise
            raise broadcast_error(cls.__name__, list(raw)) from exc
        if proto is None:
            return out
        if state.anomaly:  # where the node was made, for a nan in its backward
            ctx.__dict__["_trace"] = creation_site()
        if not record:
            return proto._from_op(out, None)
        ctx._seq = next(state.nodes)  # creation order: every node is made after those it uses
        ctx._inputs = parents
        if parents is None:
            ctx._a, ctx._b = a, b
        ctx._acc = None
        if ctx.saved_values:
            ctx._epoch = state.epoch  # in-place changes after this are caught at backward
        return proto._from_op(out, ctx)
