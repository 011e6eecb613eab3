"""Layer 6: draw the graph: Graphviz DOT text (no dependency), SVG/PNG through ``dot``, or an
indented text tree for terminals.

Every value shows its number and, once known, its gradient. Leaves keep their gradient in
``.grad``; a value computed along the way does not (as in PyTorch, unless you call
``retain_grad()``), but its node remembers the gradient it received in the last backward
(``value.grad_fn.received``), so a plain ``loss.backward()`` is enough for a drawing with every
gradient. ``viz.backward(loss)`` does the same as ``loss.backward()`` and also remembers, weakly,
the numbers each op took as constants; ``to_dot(loss, backward=True)`` is the same in one call.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import weakref
from typing import Any

import numpy as np

from . import engine
from .explain import _caller_names, _symbols, fmt
from .state import no_grad
from .value import Value

__all__ = ["backward", "to_dot", "to_svg", "draw", "to_text", "graph_nodes"]

INSTALL = ("Install Graphviz to render drawings: `apt-get install graphviz` (Debian/Ubuntu), "
           "`brew install graphviz` (macOS) or `conda install graphviz`; or paste the text of "
           "tinygrad_edu.viz.to_dot(value) into any Graphviz viewer.")

_SYMBOLS = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**", "MatMul": "@", "Neg": "-"}
_COMMUTATIVE = ("Add", "Mul")
# id(value) -> (weak reference, gradient, numbers the node saved as constants) from viz.backward
_SEEN: dict[int, tuple[Any, Any, dict[int, Any]]] = {}


def backward(root: Value, gradient: Any = None, retain_graph: bool | None = None) -> None:
    """``root.backward(gradient, retain_graph)``, remembering every value's gradient for drawing.

    The leaves' ``.grad`` is accumulated exactly as ``root.backward()`` does it, and no other
    value gets a ``.grad``: the gradients of the values in between are kept here, by weak
    reference, and shown by ``to_dot``, ``to_svg``, ``draw`` and ``to_text``.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn. Make sure a "
            "leaf was created with requires_grad=True and that the value was not computed inside "
            "no_grad().")
    for key in [k for k, (ref, _, _) in _SEEN.items() if ref() is None]:
        del _SEEN[key]
    start = engine.seed(root, gradient)

    def record(v: Value, g: Any, grads: tuple) -> None:
        _SEEN[id(v)] = (weakref.ref(v), np.array(g, copy=True), _constants(v.grad_fn, v))

    with no_grad():
        found = engine.run_backward([root], [start], bool(retain_graph), False, trace=record)
    engine.accumulate(found, False)


_backward = backward  # to_dot's argument ``backward`` hides the function's name inside it


def _constants(node: Any, out: Value) -> dict[int, Any]:
    """Plain numbers the op took as inputs: read from what it saved (``err ** 2``), or, for
    ``+`` and ``-``, worked out from the output and the other operand (``y - 1.0``)."""
    saved, parents = node.saved_values, node.parents
    if len(saved) == len(parents):
        return {i: s for i, (p, s) in enumerate(zip(parents, saved))
                if p is None and np.ndim(s) == 0 and not isinstance(s, str)}
    name = type(node).__name__
    if name not in ("Add", "Sub") or len(parents) != 2 or (parents[0] is None) == (parents[1] is None):
        return {}
    i = 0 if parents[0] is None else 1
    z, other = out.detach().numpy(), parents[1 - i].detach().numpy()
    found = z - other if name == "Add" else other - z if i == 1 else z + other
    return {i: np.ravel(found)[0]} if np.size(found) else {}


def _seen(v: Value) -> tuple[Any, dict[int, Any]]:
    entry = _SEEN.get(id(v))
    if entry is None or entry[0]() is not v:
        return None, {}
    return entry[1], entry[2]


def _grad(v: Value) -> Any:
    """The gradient to show: ``.grad`` for leaves and retained values; for the values in between,
    the gradient their node received in the last backward (a plain ``backward()`` is enough), or
    the one ``viz.backward`` remembered."""
    if v.grad_fn is None or v.retains_grad:
        return None if v.grad is None else v.grad.detach().numpy()
    received = getattr(v.grad_fn, "received", None)  # set by the first backward through it
    if received is not None and not hasattr(received, "grad_fn"):
        return np.asarray(received)
    return _seen(v)[0]


def graph_nodes(root: Value) -> list[Value]:
    """Every value in the graph of ``root``, constants included, root first (iterative walk)."""
    seen, order, stack = set(), [], [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        order.append(v)
        if v.grad_fn is not None:
            stack.extend(reversed([p for p in v.grad_fn.parents if p is not None]))
    return order


def _op_label(node: Any) -> str:
    name = type(node).__name__.removesuffix("Function")
    symbol = _SYMBOLS.get(name)
    return f"{symbol}  {name}" if symbol else name


def _operand_names(node: Any) -> list[str]:
    """Edge labels for ops whose operands' order matters (a - b, A @ B); none for + and *."""
    n = len(node.parents)
    if n < 2 or type(node).__name__ in _COMMUTATIVE:
        return [""] * n
    return _symbols(node, n)[1]


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _value_lines(v: Value, max_size: int, names: dict[int, str]) -> list[str]:
    data = v.detach().numpy()
    shown = fmt(data, max_items=max_size) if data.size <= max_size else f"shape {tuple(data.shape)}"
    name = v.name or names.get(id(v))
    lines = [f"{name} = {shown}" if name else shown]
    if not v.requires_grad:
        lines.append("constant")
    else:
        grad = _grad(v)
        if grad is not None:
            hooked = " (set by a hook)" if v.__dict__.get("hooked") else ""
            lines.append(f"grad {fmt(grad, max_items=max_size)}{hooked}")
    return lines


def to_dot(root: Value, max_size: int = 6, rankdir: str = "TB", size: str | None = "4.5,7",
           backward: bool = False, names: dict[int, str] | None = None) -> str:
    """Graphviz DOT text for the graph that computed ``root``, drawn top to bottom.

    Each value is a box (its name and number, ``grad`` once known; constants dashed, marked
    ``constant``); each op an ellipse labelled by symbol and name (``*  Mul``), with its operands'
    edges labelled where their order matters (``a``, ``b`` of ``a - b``). ``size`` (inches) caps
    the drawing for a page column. ``backward=True`` runs :func:`backward` first, so that every
    value shows its gradient. Values are named by ``name=``, else by the caller's variables.
    """
    if names is None:
        names = _caller_names(inspect.currentframe().f_back)
    if backward:
        _backward(root)
    lines = ["digraph tinygrad_edu {", f"  rankdir={rankdir}; nodesep=0.25; ranksep=0.3;",
             '  node [fontname="Helvetica", fontsize=11, margin="0.08,0.04"];',
             '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.6];']
    if size:
        lines.insert(2, f'  size="{size}";')
    values = graph_nodes(root)
    number = {id(v): i for i, v in enumerate(values)}  # stable names: v0 is the root
    for v in values:
        k = number[id(v)]
        style = "rounded" if v.requires_grad else "dashed"
        label = "\\n".join(_esc(line) for line in _value_lines(v, max_size, names))
        lines.append(f'  v{k} [shape=box, style={style}, label="{label}"];')
        node = v.grad_fn
        if node is None:
            continue
        lines.append(f'  op{k} [shape=ellipse, label="{_esc(_op_label(node))}"];')
        lines.append(f"  op{k} -> v{k};")
        consts = _seen(v)[1] or _constants(node, v)
        for i, (p, name) in enumerate(zip(node.parents, _operand_names(node))):
            edge = f' [label="{name}"]' if name else ""
            if p is not None:
                lines.append(f"  v{number[id(p)]} -> op{k}{edge};")
            else:  # a plain number; after a plain backward() some ops no longer know which
                shown = fmt(consts[i]) if i in consts else "a number"
                lines.append(f'  c{k}_{i} [shape=plaintext, label="{shown}"];')
                lines.append(f"  c{k}_{i} -> op{k}{edge};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(root: Value, max_size: int = 6, size: str | None = "4.5,7", backward: bool = False) -> str:
    """The drawing as SVG text (needs Graphviz's ``dot``)."""
    names = _caller_names(inspect.currentframe().f_back)
    return _render(to_dot(root, max_size, size=size, backward=backward, names=names), "svg").decode()


def _render(dot_text: str, kind: str) -> bytes:
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("draw: Graphviz's `dot` program was not found. " + INSTALL)
    return subprocess.run([dot, f"-T{kind}"], input=dot_text.encode("utf-8"), check=True,
                          capture_output=True).stdout


def draw(root: Value, path: str, max_size: int = 6, size: str | None = "4.5,7",
         backward: bool = False) -> str:
    """Render the graph to ``path`` (.svg, .png or .pdf) with Graphviz's ``dot`` program."""
    kind = os.path.splitext(path)[1].lstrip(".").lower()
    if kind not in ("svg", "png", "pdf"):
        raise ValueError(f"draw: unsupported file type {kind!r}; use .svg, .png or .pdf")
    names = _caller_names(inspect.currentframe().f_back)
    data = _render(to_dot(root, max_size, size=size, backward=backward, names=names), kind)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def to_text(root: Value, max_size: int = 4, backward: bool = False) -> str:
    """An indented tree for terminals: the output at the top, its inputs below, plain Python
    numbers an op took included (``number: 2`` under ``x ** 2``). A value used twice is printed
    once and referred to afterwards."""
    names = _caller_names(inspect.currentframe().f_back)
    if backward:
        _backward(root)
    lines: list[str] = []
    seen: dict[int, str] = {}
    stack: list[tuple[Value | str, str, str]] = [(root, "", "")]
    while stack:
        v, prefix, branch = stack.pop()
        if isinstance(v, str):  # a plain number an op took
            lines.append(f"{prefix}{branch}{v}")
            continue
        data = fmt(v.detach().numpy(), max_items=max_size)
        name = v.name or names.get(id(v))
        desc = f"{name} = {data}" if name else data
        kind = "constant" if not v.requires_grad else "leaf" if v.grad_fn is None else _op_label(v.grad_fn)
        grad = _grad(v) if v.requires_grad else None
        tail = f"  grad {fmt(grad, max_items=max_size)}" if grad is not None else ""
        tail += " (set by a hook)" if tail and v.__dict__.get("hooked") else ""
        if id(v) in seen:
            lines.append(f"{prefix}{branch}{kind}: {desc} (shared, see {seen[id(v)]})")
            continue
        seen[id(v)] = f"line {len(lines) + 1}"
        lines.append(f"{prefix}{branch}{kind}: {desc}{tail}")
        if v.grad_fn is not None:
            consts = _seen(v)[1] or _constants(v.grad_fn, v)
            kids = [p if p is not None else f"number: {fmt(consts[i])}" if i in consts else
                    "number (its value was freed by backward; viz.backward keeps it)"
                    for i, p in enumerate(v.grad_fn.parents)]
            child_prefix = prefix + ("   " if branch.startswith("└") else "│  " if branch else "")
            for i, p in enumerate(reversed(kids)):
                stack.append((p, child_prefix, "└─ " if i == 0 else "├─ "))
    return "\n".join(lines)
