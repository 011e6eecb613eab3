"""Floor 2: the graph's topological order, for drawings, explain's tables and the docs (the
backward walk in engine.py does not need it: it takes the newest node from a heap)."""

from __future__ import annotations

import operator
from typing import Any, Sequence

from .function import Function, input_node

__all__ = ["topological_order"]


def topological_order(roots: Sequence[Any]) -> list[Any]:
    """Non-leaf values reachable from ``roots``, each after every value it was computed from."""
    nodes, found = _order(roots)
    return [found[n] for n in nodes]


def _order(roots: Sequence[Any]) -> tuple[list[Function], dict[Function, Any]]:
    """The nodes reachable from ``roots``, each after every node whose output it uses, and the
    value each made. An iterative walk collects them; sorting by creation number gives the order,
    because a node is always created after the nodes whose outputs it uses."""
    found: dict[Function, Any] = {}
    # a value's node is its grad_fn or, after detach_(), the node it had (graphs built before
    # the detach still reach it, as in PyTorch)
    stack = [(r, r.grad_fn or r._detached) for r in roots if r.grad_fn or (not r._rg and r._detached)]
    while stack:
        v, node = stack.pop()
        if node in found:
            continue
        found[node] = v
        for p in node.parents:
            if p is not None:
                pn = input_node(p, node._seq)
                if pn is not None and pn not in found:
                    stack.append((p, pn))
    return sorted(found, key=operator.attrgetter("_seq")), found
