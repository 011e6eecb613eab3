"""Layer 6: draw the graph: Graphviz DOT text (no dependency), SVG/PNG through ``dot``, or an
indented text tree for terminals."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Any

import numpy as np

from .explain import fmt
from .value import Value

__all__ = ["to_dot", "draw", "to_text", "graph_nodes"]

INSTALL = ("Install Graphviz to render drawings: `apt-get install graphviz` (Debian/Ubuntu), "
           "`brew install graphviz` (macOS) or `conda install graphviz`; or paste the text of "
           "tinygrad_edu.viz.to_dot(value) into any Graphviz viewer.")


def _grad_inputs(node: Any) -> list:
    """The inputs of a node that receive a gradient (constants are left out of the drawing)."""
    return [p for p, need in zip(node.parents, node.needs_input_grad) if need]


def graph_nodes(root: Value) -> list[Value]:
    """Every value in the graph of ``root`` that requires grad, root first (iterative walk)."""
    seen, order, stack = set(), [], [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        order.append(v)
        if v.grad_fn is not None:
            stack.extend(reversed(_grad_inputs(v.grad_fn)))
    return order


def _value_label(v: Value, max_size: int) -> str:
    name = v.name or ("leaf" if v.grad_fn is None else "")
    parts = [f"{name} shape {tuple(v.shape)}" if v.shape else name or "value"]
    if v._data.size <= max_size:
        parts.append("value " + fmt(v._data, max_items=max_size))
    grad = None if v._grad is None else np.asarray(v._grad)
    if grad is not None:
        parts.append("grad " + fmt(grad, max_items=max_size))
    return " | ".join(p.replace("|", "/").replace("{", "(").replace("}", ")")
                      .replace("<", "&lt;").replace(">", "&gt;").replace('"', "'") for p in parts)


def to_dot(root: Value, max_size: int = 6, rankdir: str = "LR") -> str:
    """Graphviz DOT text for the graph that computed ``root``.

    Each value is a record node (name, shape, value when it has at most ``max_size`` elements,
    grad once backward has run); each op is an ellipse between its inputs and its output.
    """
    lines = ["digraph tinygrad_edu {", f"  rankdir={rankdir};",
             '  node [fontname="Helvetica", fontsize=10];']
    values = graph_nodes(root)
    number = {id(v): i for i, v in enumerate(values)}  # stable names: v0 is the root
    for v in values:
        k = number[id(v)]
        lines.append(f'  v{k} [shape=record, label="{_value_label(v, max_size)}"];')
        if v.grad_fn is not None:
            lines.append(f'  op{k} [shape=ellipse, label="{v.grad_fn.name()}"];')
            lines.append(f"  op{k} -> v{k};")
            for p in _grad_inputs(v.grad_fn):
                if p is not None:
                    lines.append(f"  v{number[id(p)]} -> op{k};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(root: Value, path: str, max_size: int = 6) -> str:
    """Render the graph to ``path`` (.svg, .png or .pdf) with Graphviz's ``dot`` program."""
    fmt_ = os.path.splitext(path)[1].lstrip(".").lower()
    if fmt_ not in ("svg", "png", "pdf"):
        raise ValueError(f"draw: unsupported file type {fmt_!r}; use .svg, .png or .pdf")
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("draw: Graphviz's `dot` program was not found. " + INSTALL)
    with tempfile.NamedTemporaryFile("w", suffix=".dot", delete=False) as fh:
        fh.write(to_dot(root, max_size))
        src = fh.name
    try:
        subprocess.run([dot, f"-T{fmt_}", src, "-o", path], check=True, capture_output=True)
    finally:
        os.unlink(src)
    return path


def to_text(root: Value, max_size: int = 4) -> str:
    """An indented tree for terminals: the output at the top, its inputs below. A value used
    twice is printed once and referred to afterwards."""
    lines: list[str] = []
    seen: dict[int, str] = {}
    stack: list[tuple[Value, str, str]] = [(root, "", "")]
    while stack:
        v, prefix, branch = stack.pop()
        name = v.name or ("leaf" if v.grad_fn is None else "")
        op = v.grad_fn.name() if v.grad_fn is not None else "leaf"
        desc = f"{name + ' = ' if name and name != 'leaf' else ''}{fmt(v._data, max_items=max_size)}"
        grad = f"  grad {fmt(np.asarray(v._grad), max_items=max_size)}" if v._grad is not None else ""
        if id(v) in seen:
            lines.append(f"{prefix}{branch}{op}: {desc} (shared, see {seen[id(v)]})")
            continue
        seen[id(v)] = f"line {len(lines) + 1}"
        lines.append(f"{prefix}{branch}{op}: {desc}{grad}")
        if v.grad_fn is not None:
            kids = _grad_inputs(v.grad_fn)
            child_prefix = prefix + ("   " if branch.startswith("└") else "│  " if branch else "")
            for i, p in enumerate(reversed(kids)):
                last = i == 0
                stack.append((p, child_prefix, "└─ " if last else "├─ "))
    return "\n".join(lines)

