"""Layer 6: watch backward apply the chain rule, node by node.

``explain(loss)`` runs ``loss.backward()`` and prints one row per node, in the order backward
visits them: the node's op and label, its value, the gradient that arrives at it (written as a
sum when several consumers contributed), and for each input the local derivative (the formula from
the op's docstring, and its value for an upstream gradient of ones) and the gradient sent. Leaves
come last with their accumulated ``.grad``. The rows are also returned as data.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from . import engine
from .state import no_grad
from .value import Value

__all__ = ["explain", "ExplainRow", "fmt"]

_REDUCING = ("SumBackward", "MeanBackward", "MaxBackward", "MinBackward", "GetItemBackward")


def fmt(x: Any, precision: int = 4, max_items: int = 6) -> str:
    """Compact text for a number or an array: full precision for scalars, shape plus a few
    values for arrays, so that an MLP's table stays readable."""
    if x is None:
        return "-"
    if isinstance(x, Value):
        x = x._data
    arr = np.asarray(x)
    if arr.size == 1 and arr.ndim == 0:
        return repr(arr.item())
    flat = arr.ravel()
    if flat.size <= max_items:
        body = ", ".join(f"{v:.{precision}g}" for v in flat)
    else:
        head = ", ".join(f"{v:.{precision}g}" for v in flat[: max_items // 2])
        tail = ", ".join(f"{v:.{precision}g}" for v in flat[-(max_items // 2):])
        body = f"{head}, ..., {tail}"
    return f"{tuple(arr.shape)} [{body}]"


def _formulas(node: Any, n: int) -> list[str]:
    """Per-input derivative formulas from the op's ``derivative`` attribute, e.g. 'dz/da = b'."""
    pieces = [p.split("   ")[0].strip() for p in getattr(node, "derivative", ())]
    if len(pieces) == 1 and n > 1:  # one formula for every input (cat, stack)
        pieces = pieces * n
    return (pieces + ["(see the op's docstring)"] * n)[:n]


@dataclass
class InputRow:
    label: str
    formula: str
    local: Any
    sent: Any


@dataclass
class ExplainRow:
    """One node of backward: what arrived, what it computed, what it sent."""

    step: int
    op: str
    label: str
    value: Any
    upstream: Any
    upstream_parts: list = field(default_factory=list)
    inputs: list[InputRow] = field(default_factory=list)
    is_leaf: bool = False


class _Labels:
    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.count = 0

    def __call__(self, v: Value) -> str:
        if id(v) not in self.names:
            if v.name:
                self.names[id(v)] = v.name
            else:
                self.count += 1
                kind = "leaf" if v.grad_fn is None else type(v.grad_fn).__name__.lower()
                self.names[id(v)] = f"{kind}{self.count}"
        return self.names[id(v)]


def explain(loss: Value, gradient: Any = None, retain_graph: bool = False, file: TextIO | None = None,
            show: bool = True) -> list[ExplainRow]:
    """Run ``loss.backward()`` and print it as a chain-rule table; return the rows.

    Gradients are accumulated into the leaves' ``.grad`` exactly as ``backward`` does.
    """
    if not isinstance(loss, Value):
        raise TypeError(f"explain expects a Value, got {type(loss).__name__}")
    if not loss.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn: nothing to "
            "explain. Create a leaf with requires_grad=True first."
        )
    label = _Labels()
    seed = engine.seed(loss, gradient)
    parts: dict[int, list] = {id(loss): [seed]}
    leaves: dict[int, Value] = {}
    rows: list[ExplainRow] = []

    def trace(v: Value, g: Any, grads: tuple) -> None:
        node = v.grad_fn
        with no_grad():
            ones = np.ones_like(np.asarray(g))
            local = node.backward(node, ones[()] if not ones.shape else ones)
        local = local if isinstance(local, tuple) else (local,)
        formulas = _formulas(node, len(node.parents))
        row = ExplainRow(len(rows) + 1, node.name(), label(v), v._data, g, parts.pop(id(v), [g]))
        for i, p in enumerate(node.parents):
            if p is None or not node.needs_input_grad[i]:
                continue
            row.inputs.append(InputRow(label(p), formulas[i], local[i], grads[i]))
            if grads[i] is not None:
                parts.setdefault(id(p), []).append(grads[i])
                if p.grad_fn is None:
                    leaves[id(p)] = p
        rows.append(row)

    engine.accumulate(engine.run_backward([loss], [seed], retain_graph, False, trace=trace), False)
    if loss.grad_fn is None:
        leaves[id(loss)] = loss
    for key, leaf in leaves.items():
        grad = None if leaf._grad is None else np.asarray(leaf._grad)
        rows.append(ExplainRow(len(rows) + 1, "leaf", label(leaf), leaf._data, grad,
                               parts.get(key, []), [], is_leaf=True))
    if show:
        _print(loss, rows, file or sys.stdout)
    return rows


def _broadcasts(small: tuple, big: tuple) -> bool:
    try:
        return np.broadcast_shapes(small, big) == big
    except ValueError:
        return False


def _upstream_text(row: ExplainRow) -> str:
    if len(row.upstream_parts) > 1:
        return " + ".join(fmt(p, max_items=4) for p in row.upstream_parts) + " = " + fmt(row.upstream)
    return fmt(row.upstream, max_items=4)


def _print(loss: Value, rows: list[ExplainRow], out: TextIO) -> None:
    nodes = [r for r in rows if not r.is_leaf]
    print(f"backward of {loss!r}: {len(nodes)} nodes, visited from the output back to the leaves",
          file=out)
    print("Each node multiplies the gradient that arrives (upstream) by its local derivative and "
          "sends the result to its inputs.", file=out)
    for r in nodes:
        print(f"\n[{r.step}] {r.op} -> {r.label} = {fmt(r.value, max_items=4)}", file=out)
        print(f"    upstream grad d(loss)/d({r.label}) = {_upstream_text(r)}", file=out)
        out_shape = np.shape(r.value)
        for inp in r.inputs:
            in_shape = np.shape(inp.local)
            note = ""
            if in_shape != out_shape and r.op not in _REDUCING and _broadcasts(in_shape, out_shape):
                note = " (summed over the copies that broadcasting made)"
            print(f"    to {inp.label}: local {inp.formula}", file=out)
            print(f"        with upstream 1: {fmt(inp.local, max_items=4)}{note}", file=out)
            print(f"        sends upstream x local = {fmt(inp.sent, max_items=4)}", file=out)
    print("\nleaf gradients (accumulated in .grad):", file=out)
    for r in rows:
        if r.is_leaf:
            if len(r.upstream_parts) > 1:
                print(f"  {r.label}.grad = " + " + ".join(fmt(p) for p in r.upstream_parts)
                      + f" = {fmt(r.upstream)}", file=out)
            else:
                print(f"  {r.label}.grad = {fmt(r.upstream)}", file=out)
