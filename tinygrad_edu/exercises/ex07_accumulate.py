"""Exercise 7: gradient accumulation: a value used twice (the template holds the bug to find)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._common import SCALAR_ADD_MUL, CheckError, call, compare, fmt

NAME = "accumulate"
TITLE = "Gradient accumulation (a value used twice)"
IDEA = ("a value used by several ops gets the SUM of the gradients along every path: accumulate "
        "with +=, never overwrite with =")
HINT = """Look at the last line of backward(): `parent.grad = g` throws away whatever an earlier
consumer of `parent` already put there. Gradients from different paths must be added:
`parent.grad += g` (grad starts at 0.0, so the first contribution is kept too)."""

TEMPLATE = '''\
"""Exercise 7: a value used twice (gradient accumulation).

Here is a complete little engine: Scalars with + and *, a topological
order, and a backward() that walks it from the output to the inputs.
It has ONE bug:

    x = Scalar(3.0)
    y = x * x           # x is used twice
    backward(y)
    x.grad              # should be 6.0 (d x**2/dx = 2x), this gives 3.0

When a value feeds several ops, the loss depends on it along several
paths, and the multivariable chain rule says its gradient is the SUM of
the contributions of all the paths.

Task: find the bug and fix it (one line).
Check:  python -m tinygrad_edu.exercises check 7
"""


class Scalar:
    def __init__(self, data, parents=()):
        self.data = data
        self.grad = 0.0           # dL/d(self)
        self.parents = parents
        self.backward_fn = None   # grad -> tuple of gradients, one per parent

    def __repr__(self):
        return f"Scalar({self.data}, grad={self.grad})"

''' + SCALAR_ADD_MUL + '''

def topo_order(root):
    """Every Scalar that root depends on, each one after its parents."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def backward(root):
    """Set node.grad = d(root)/d(node) for every node of root's graph."""
    root.grad = 1.0
    for node in reversed(topo_order(root)):
        if node.backward_fn is None:    # a leaf: nothing to pass on
            continue
        for parent, g in zip(node.parents, node.backward_fn(node.grad)):
            parent.grad = g
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "parent.grad = g": "parent.grad += g",
}


# ---- check -------------------------------------------------------------------------------------

# (description, build(S, x, y) -> root, d root/dx, d root/dy, x used more than once?)
_GRAPHS: list[tuple[str, Callable, Callable, Callable, bool]] = [
    ("x * y", lambda x, y: x * y, lambda a, b: b, lambda a, b: a, False),
    ("x * y + y", lambda x, y: x * y + y, lambda a, b: b, lambda a, b: a + 1, True),
    ("x * x", lambda x, y: x * x, lambda a, b: 2 * a, lambda a, b: 0.0, True),
    ("x + x", lambda x, y: x + x, lambda a, b: 2.0, lambda a, b: 0.0, True),
    ("(x * y + x) * x", lambda x, y: (x * y + x) * x, lambda a, b: 2 * a * b + 2 * a,
     lambda a, b: a * a, True),
    ("(x + y) * (x * y)", lambda x, y: (x + y) * (x * y), lambda a, b: 2 * a * b + b * b,
     lambda a, b: a * a + 2 * a * b, True),
]

EQUALS_BUG = ("the gradient of a value used twice must be the SUM of both contributions: did you "
              "write `=` instead of `+=`?")


def check(sol: Any) -> None:
    rng = np.random.default_rng(2007)
    points = [(3.0, -2.0), (0.5, 1.5)] + [tuple(float(v) for v in rng.uniform(-2, 2, 2)) for _ in range(2)]
    for name, build, dx, dy, reused in _GRAPHS:
        for a, b in points:
            x, y = sol.Scalar(a), sol.Scalar(b)
            root = call(f"building {name}", build, x, y)
            call(f"backward({name})", sol.backward, root)
            what = f"after backward({name}) at x = {a!r}, y = {b!r}"
            hint = EQUALS_BUG if reused else ("even with no value used twice the gradients are wrong: "
                                              "compare your engine with the original template.")
            compare(f"{what}: x.grad", getattr(x, "grad", None), dx(a, b), hint)
            compare(f"{what}: y.grad", getattr(y, "grad", None), dy(a, b), hint)
            if getattr(root, "grad", None) != 1.0:
                raise CheckError(f"{what}: the output's own grad should be 1.0 (d root/d root), "
                                   f"received {fmt(root.grad)}")


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '梯度累加（一个值被用了两次）'
IDEA_ZH = '被多个运算使用的值，得到沿每条路径传来的梯度之和：用 += 累加，不要用 = 覆盖'
TEXT_ZH = (
    '这里是一个完整的小引擎：带 + 和 * 的 Scalar、拓扑排序，以及从输出走到输入的 backward()。\n'
    '它有一个错误：\n\n    x = Scalar(3.0)\n    y = x * x           # x 被用了两次\n'
    '    backward(y)\n    x.grad              # 应该是 6.0（d x**2/dx = 2x），这里得到 3.0\n'
    '\n一个值进入多个运算时，损失沿多条路径依赖它，多元链式法则说它的梯度是所有路径贡献之和。\n'
    '\n任务：找出并修好这个错误（一行）。'
)
HINT_ZH = """看 backward() 的最后一行：`parent.grad = g` 会扔掉 `parent` 之前的使用者已经放进去的梯度。
不同路径来的梯度必须相加：`parent.grad += g`（grad 从 0.0 开始，所以第一份贡献也会留下）。"""

HINTS = [
    (
        "x * x uses x along two paths. What happens to the first path's gradient when the second one ar"
        'rives?',
        'x * x 沿两条路径用到 x。第二条路径的梯度到来时，第一条路径的梯度怎么样了？'),
    (
        'Look at the last line of backward(): it overwrites. Gradients from different paths must be com'
        'bined instead.',
        '看 backward() 的最后一行：它在覆盖。不同路径来的梯度应该合起来。'),
    (HINT, HINT_ZH),
]
