"""Exercise 8: topological sort of the graph, by an iterative depth-first search."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CheckError, call

NAME = "topo_sort"
TITLE = "Topological sort (iterative DFS)"
IDEA = ("backward needs every node after all of its parents; an explicit stack does the depth-first "
        "search without Python's recursion limit")
HINT = """Keep a stack of (node, expanded) pairs and a set `visited` of id(node):
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded: order.append(node); continue      # its parents are all in order now
        if id(node) in visited: continue
        visited.add(id(node))
        stack.append((node, True))                      # come back to it after its parents
        for parent in node.parents: stack.append((parent, False))"""

TEMPLATE = '''\
"""Exercise 8: the topological order, by an iterative depth-first search.

Backward must process a node only when the gradients of ALL the nodes
that use it are complete. Listing the graph so that every node comes
after its parents (a topological order) and walking that list in reverse
guarantees it.

A depth-first search gives that order: visit a node's parents first, and
append the node when they are all done (post-order). The short way is a
recursive function (exercise 7 has one), but Python stops recursion at
about 1000 levels, and a graph is easily deeper than that: an RNN over
5000 time steps, or a loop `x = x * w` run 5000 times. So use your own
stack instead of the call stack.

Task: write topo_order(root): every Scalar that root depends on (root
included), each exactly once, each one after all of its parents, no
recursion.
Check:  python -m tinygrad_edu.exercises check 8
"""


class Scalar:
    def __init__(self, data, parents=()):
        self.data = data
        self.parents = parents    # the Scalars this one was computed from

    def __repr__(self):
        return f"Scalar({self.data})"


def topo_order(root):
    """All nodes root depends on, parents before children, root last."""
    # TODO: an iterative depth-first search with an explicit stack
    raise NotImplementedError("TODO: topo_order")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: topo_order": """\
order = []
visited = set()
stack = [(root, False)]
while stack:
    node, expanded = stack.pop()
    if expanded:
        order.append(node)
        continue
    if id(node) in visited:
        continue
    visited.add(id(node))
    stack.append((node, True))
    for parent in node.parents:
        stack.append((parent, False))
return order""",
}


# ---- check -------------------------------------------------------------------------------------

def _graphs(S: Any) -> list[tuple[str, Any, list]]:
    """(description, root, every node reachable from root) for a few graphs built with S."""
    x, y = S(1.0), S(2.0)
    a = S(3.0, (x, y))
    b = S(4.0, (a, x))
    diamond = S(5.0, (a, b))
    unused = S(9.0, (x,))  # not reachable from diamond: must not be listed
    del unused
    twice = S(6.0, (x, x))
    chain = [S(0.0)]
    for i in range(5000):
        chain.append(S(float(i), (chain[-1],)))
    rng = np.random.default_rng(2008)
    nodes = [S(float(i)) for i in range(5)]
    for i in range(200):
        k = int(rng.integers(1, 4))
        nodes.append(S(float(i), tuple(nodes[j] for j in rng.integers(0, len(nodes), size=k))))
    random_root = S(-1.0, tuple(nodes))
    return [
        ("a single leaf", x, [x]),
        ("x * x (one parent used twice)", twice, [x, twice]),
        ("a diamond: a = f(x, y), b = g(a, x), out = h(a, b)", diamond, [x, y, a, b, diamond]),
        ("a chain 5000 ops deep", chain[-1], chain),
        ("a random graph of 206 nodes", random_root, nodes + [random_root]),
    ]


def check(sol: Any) -> None:
    for name, root, reachable in _graphs(sol.Scalar):
        order = call(f"topo_order on {name}", sol.topo_order, root,
                     on_error="recursion is limited to about 1000 levels in Python: use an explicit "
                              "stack (a list you push to and pop from) instead of a recursive call.")
        if not isinstance(order, list):
            raise CheckError(f"topo_order on {name} should return a list, received {type(order).__name__}")
        position: dict[int, int] = {}
        for i, node in enumerate(order):
            if id(node) in position:
                raise CheckError(
                    f"topo_order on {name}: {node!r} is listed twice (at index {position[id(node)]} and "
                    f"{i}).\n  each node must appear exactly once: keep a `visited` set of id(node) and "
                    f"skip nodes already in it.")
            position[id(node)] = i
        want = {id(n) for n in reachable}
        for i, node in enumerate(order):
            if id(node) not in want:
                raise CheckError(f"topo_order on {name}: element {i}, {node!r}, is not an ancestor of "
                                   f"the root.\n  list only the nodes reached from root by following "
                                   f".parents.")
        for node in reachable:
            if id(node) not in position:
                raise CheckError(f"topo_order on {name}: {node!r} is missing (expected {len(reachable)} "
                                   f"nodes, received {len(order)}).\n  follow .parents from root until "
                                   f"every ancestor has been visited.")
        for i, node in enumerate(order):
            for parent in node.parents:
                if position[id(parent)] > i:
                    raise CheckError(
                        f"topo_order on {name}: element {i}, {node!r}, comes before its parent "
                        f"{parent!r} (element {position[id(parent)]}).\n  append a node only AFTER all "
                        f"its parents (post-order): push it back on the stack marked as expanded, then "
                        f"push its parents, and append it when it is popped the second time.")
