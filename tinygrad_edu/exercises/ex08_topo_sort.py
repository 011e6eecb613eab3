"""Exercise 8: topological sort of the graph, by an iterative depth-first search."""

from __future__ import annotations

import ast
import pathlib
import sys
import types
from typing import Any

import numpy as np

from ._common import CheckError, T, call, compare
from ._step import owned

NAME = "topo_sort"
TITLE = "Topological order without recursion (iterative DFS)"
NEEDS = ("backward",)
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

Your backward() walks topo_order, whose visit() calls itself once per
level of the graph. Python stops recursion at about 1000 levels, and a
graph is easily deeper than that: an RNN over 5000 time steps, or a loop
`x = x * w` run 5000 times. So use your own stack instead of the call
stack: the same depth-first search, each node appended after all of its
parents (post-order), each node once, root last.

Task: write topo_order(root) with no recursion. The backward() below is
yours from before, now walking this order.
Check:  python -m tinygrad_edu.exercises check 8
"""
import numpy as np

from [[backward]] import Value, as_value


def topo_order(root):
    """All nodes root depends on, parents before children, root last."""
    # TODO: an iterative depth-first search with an explicit stack
    raise NotImplementedError("TODO: topo_order")


def backward(self):
    self.grad = np.ones_like(self.data)
    for node in reversed(topo_order(self)):
        node._backward()


Value.backward = backward
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
        ("out = f(x, x) (one parent used twice)", twice, [x, twice]),
        ("a diamond: a = f(x, y), b = g(a, x), out = h(a, b)", diamond, [x, y, a, b, diamond]),
        ("a chain 5000 ops deep", chain[-1], chain),
        ("a random graph of 206 nodes", random_root, nodes + [random_root]),
    ]


def check_orders(topo_order: Any, S: Any, deep: bool = True) -> None:
    """topo_order on a few graphs built with S(data, parents): each node once, after its parents."""
    for name, root, reachable in _graphs(S):
        if not deep and "5000" in name:
            continue
        order = call(f"topo_order on {name}", topo_order, root,
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
                        f"its parents (post-order): " + (
                            "push it back on the stack marked as expanded, then push its parents, and "
                            "append it when it is popped the second time." if deep else
                            "visit every parent first, then append the node."))


_LIMIT = sys.getrecursionlimit()  # Python's, before any learner's file is imported


def _codes(fn: Any, module: Any) -> list[types.CodeType]:
    """The code of fn, of the functions nested in it, and of the module's functions it calls."""
    out: list[types.CodeType] = []
    todo = [getattr(fn, "__code__", None)]
    while todo:
        code = todo.pop()
        if not isinstance(code, types.CodeType) or code in out:
            continue
        out.append(code)
        todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        for name in code.co_names:
            other = getattr(module, name, None)
            if isinstance(other, types.FunctionType) and other.__module__ == module.__name__:
                todo.append(other.__code__)
    return out


def _calls_setrecursionlimit(source: str) -> bool:
    """Whether the source names setrecursionlimit in its code (not in a comment or a string)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(node, ast.Attribute) and node.attr == "setrecursionlimit"
               or isinstance(node, ast.Name) and node.id == "setrecursionlimit"
               or isinstance(node, ast.alias) and node.name == "setrecursionlimit" for node in ast.walk(tree))


def check_no_recursion(sol: Any) -> None:
    """topo_order must not recurse, and the learner's file must not raise Python's recursion limit: a
    higher limit only moves the wall (a deep enough graph then overflows the C stack and kills Python)."""
    codes = _codes(sol.topo_order, sol)
    try:  # the learner's file; gone for a reference solution (its temporary folder is removed)
        source = pathlib.Path(sol.__file__).read_text(encoding="utf-8")
    except (OSError, TypeError, AttributeError, UnicodeDecodeError):
        source = ""
    changed = sys.getrecursionlimit() != _LIMIT
    if (_calls_setrecursionlimit(source) or any("setrecursionlimit" in c.co_names for c in codes)
            or changed and not source):
        sys.setrecursionlimit(_LIMIT)
        raise CheckError(T(
            "your file changes Python's recursion limit (sys.setrecursionlimit): a higher "
            "limit only moves the wall, and a graph deep enough then overflows the C stack and crashes "
            "Python itself. Remove it and write topo_order with an explicit stack (a list you push to "
            "and pop from) instead of a recursive call.",
            "你的文件改了 Python 的递归深度上限（sys.setrecursionlimit）：调高上限只是把墙"
            "往后挪，图再深一些就会撑爆 C 栈，让 Python 本身崩溃。请删掉它，用显式的栈（一个可以压入、"
            "弹出的列表）代替递归调用来写 topo_order。"))
    for code in codes:
        same = getattr(getattr(sol, code.co_name, None), "__code__", None) is code  # a module-level self-call
        if code.co_name in code.co_freevars or code.co_name in code.co_names and same:
            raise CheckError(T(
                f"topo_order is recursive: `{code.co_name}` calls itself, so a graph deeper than Python's "
                f"recursion limit (about 1000 levels) fails. This step asks for the same depth-first "
                f"search with NO recursion: use an explicit stack (a list you push to and pop from).",
                f"topo_order 是递归的：`{code.co_name}` 调用了它自己，所以比 Python 递归深度上限（大约 "
                f"1000 层）更深的图会失败。这一步要的是同样的深度优先搜索，但不用递归：用显式的栈（一个可以"
                f"压入、弹出的列表）。"))


def check(sol: Any) -> None:
    owned(sol, "topo_order")
    check_no_recursion(sol)
    check_orders(sol.topo_order, sol.Value, deep=True)
    x = sol.Value(1.5)
    y = x
    for _ in range(3000):
        y = y * 1.0 + 0.0
    call("backward() on a chain 6000 ops deep", y.backward,
         on_error="recursion is limited to about 1000 levels in Python: use an explicit stack.")
    compare(T("x.grad for y = x * 1 + 0, 3000 times", "y = x * 1 + 0 重复 3000 次后的 x.grad"), x.grad, 1.0)


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '不用递归的拓扑排序（迭代的深度优先搜索）'
IDEA_ZH = '反向传播需要每个节点都排在它所有父节点之后；用显式的栈做深度优先搜索，就不受 Python 递归深度的限制'
TEXT_ZH = (
    '你的 backward() 走的是 topo_order，而其中的 visit() 每深入图的一层就调用自己一次。Python 的\n'
    '递归大约在 1000 层处停下，而计算图很容易比这更深：5000 个时间步的 RNN，或者把 x = x * w\n'
    '循环 5000 次。所以要用你自己的栈代替调用栈：同样的深度优先搜索，每个节点排在它所有父节点之后\n'
    '（后序），每个节点一次，根节点最后。\n\n任务：不用递归写出 topo_order(root)。下面的 backward() '
    '是你之前写的，现在走的是这个顺序。'
)
HINT_ZH = """用一个由 (node, expanded) 对组成的栈，再用一个记录 id(node) 的集合 `visited`：
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded: order.append(node); continue      # 它的父节点都已经在 order 里了
        if id(node) in visited: continue
        visited.add(id(node))
        stack.append((node, True))                      # 处理完父节点后再回到它
        for parent in node.parents: stack.append((parent, False))"""

HINTS = [
    (
        'Replace the call stack by a list you push to and pop from. A node must wait until its parents '
        'are done: how can the stack remember to come back to it?',
        '用一个可以压入、弹出的列表代替调用栈。一个节点要等它的父节点都处理完：栈怎样记得回到它这里？'),
    (
        'Push (node, False) pairs. When you pop an unexpanded node you have not visited, mark it visite'
        'd, push (node, True) back, then push its parents. When you pop (node, True), append it.',
        '压入 (node, False) 这样的对。弹出一个未展开且未访问过的节点时，标记为已访问，把 (node, True) '
        '压回去，再压入它的父节点。弹出 (node, True) 时，把它'
        '加进列表。'),
    (HINT, HINT_ZH),
]
