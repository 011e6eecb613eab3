"""Exercise 9: the backward walk: given a topological order, apply each node's backward."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import SCALAR_ADD_MUL, CheckError, T, call, compare, matches

NAME = "backward_walk"
TITLE = "The backward walk (reverse topological order)"
IDEA = ("seed d(root)/d(root) = 1, walk the topological order in reverse, and hand each node's "
        "complete gradient to its backward_fn, adding the results into its parents' gradients")
HINT = """    grads = {id(order[-1]): 1.0}                 # d root / d root
    for node in reversed(order):                  # root first: consumers before producers
        if node.backward_fn is None or id(node) not in grads: continue
        for parent, g in zip(node.parents, node.backward_fn(grads[id(node)])):
            grads[id(parent)] = grads.get(id(parent), 0.0) + g
    return [grads.get(id(w), 0.0) for w in wrt]"""

TEMPLATE = '''\
"""Exercise 9: the backward walk.

Given the graph in topological order (every node after its parents, the
output `root` last), reverse-mode autodiff computes d(root)/d(node) for
every node in ONE pass:

  1. d(root)/d(root) = 1.0: the seed.
  2. Walk the order in REVERSE, so that when a node is reached every node
     that uses it has already passed its contribution back: its gradient
     is complete.
  3. Call node.backward_fn(gradient of node): one gradient per parent.
     ADD each into that parent's gradient (step [[#accumulate]]!).

Here, like torch.autograd.grad (and unlike .backward()), the gradients
go in a dict keyed by id(node), not into an attribute of the nodes, and
are returned for the Scalars you ask about; a Scalar that root does not
depend on has gradient 0.0.

Task: write gradients(order, wrt).
Check:  python -m tinygrad_edu.exercises check 9
"""


class Scalar:
    def __init__(self, data, parents=()):
        self.data = data
        self.parents = parents
        self.backward_fn = None   # grad -> tuple of gradients, one per parent

    def __repr__(self):
        return f"Scalar({self.data})"

''' + SCALAR_ADD_MUL + '''

def gradients(order, wrt):
    """[d root/d w for w in wrt], where root = order[-1] and order is topological."""
    grads = {}  # id(node) -> d root / d node
    # TODO: seed, walk in reverse, accumulate; then read off the gradients of wrt
    raise NotImplementedError("TODO: gradients")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: gradients": """\
grads[id(order[-1])] = 1.0
for node in reversed(order):
    if node.backward_fn is None or id(node) not in grads:
        continue
    for parent, g in zip(node.parents, node.backward_fn(grads[id(node)])):
        grads[id(parent)] = grads.get(id(parent), 0.0) + g
return [grads.get(id(w), 0.0) for w in wrt]""",
}


# ---- check -------------------------------------------------------------------------------------

def _order(root: Any) -> list:
    """The check's own topological order (iterative post-order DFS)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def _walk(order: list, wrt: list, reverse: bool, add: bool) -> list[float]:
    """A correct walk (reverse, add) or one of two typical wrong ones, to name the mistake."""
    grads = {id(order[-1]): 1.0}
    for node in (reversed(order) if reverse else order):
        if node.backward_fn is not None and id(node) in grads:
            for parent, g in zip(node.parents, node.backward_fn(grads[id(node)])):
                grads[id(parent)] = (grads.get(id(parent), 0.0) if add else 0.0) + g
    return [grads.get(id(w), 0.0) for w in wrt]


def _random_graph(S: Any, values: list[float], seed: int) -> tuple[Any, list]:
    """A random graph of + and * over leaves with the given values (same recipe for every call)."""
    rng = np.random.default_rng(seed)
    leaves = [S(v) for v in values]
    nodes = list(leaves)
    for _ in range(12):
        i, j = int(rng.integers(0, len(nodes))), int(rng.integers(0, len(leaves)))
        # products only with a leaf, so the degree (and the size of the values) stays small
        nodes.append(nodes[i] * leaves[j] if rng.random() < 0.5 else nodes[i] + nodes[j])
    root = nodes[-1]
    for node in nodes[-4:-1]:
        root = root + node
    return root, leaves


def _no_key_error(name: str, gradients: Any, order: list, wrt: list) -> Any:
    """The learner's gradients(order, wrt); a KeyError (a node read with grads[id(v)] that has no entry)
    explained."""
    try:
        return gradients(order, wrt)
    except KeyError as err:
        raise CheckError(T(
            f"gradients on {name} raised KeyError: {err} (an id(...) that is not a key of grads)\n  a "
            f"Scalar that root does not depend on (like the Scalar not in the graph here) never gets an "
            f"entry in grads: its gradient is 0.0. Read the gradients with grads.get(id(v), 0.0) instead "
            f"of grads[id(v)], and skip a node of the walk that has no entry yet.",
            f"在 {name} 上运行 gradients 抛出了 KeyError：{err}（一个不在 grads 键里的 id(...)）\n"
            f"  root 不依赖的 Scalar（比如这里那个不在图中的 Scalar）在 grads 里永远没有条目："
            f"它的梯度是 0.0。读取梯度时用 grads.get(id(v), 0.0)，不要用 grads[id(v)]；"
            f"遍历中还没有条目的节点要跳过。")) from None


def check(sol: Any) -> None:
    S = sol.Scalar
    x, y, z = S(3.0), S(-2.0), S(0.5)
    unused = S(7.0)
    cases = [
        ("x * y", x * y, [x, y], [-2.0, 3.0]),
        ("x * y + x (x used twice)", x * y + x, [x, y], [-1.0, 3.0]),
        ("(x + y) * (x * y)", (x + y) * (x * y), [x, y], [2 * 3 * -2.0 + 4.0, 9.0 + 2 * 3 * -2.0]),
        ("(x * y + z) * z, and a Scalar not in the graph", (x * y + z) * z, [x, y, z, unused],
         [-2.0 * 0.5, 3.0 * 0.5, 3.0 * -2.0 + 2 * 0.5, 0.0]),
    ]
    rng = np.random.default_rng(2009)
    for seed in range(3):
        values = [float(v) for v in rng.uniform(-1.5, 1.5, size=4)]
        root, leaves = _random_graph(S, values, seed)
        expected = []
        for i in range(len(values)):  # central differences on the rebuilt graph: exact enough
            up = _random_graph(S, values[:i] + [values[i] + 1e-6] + values[i + 1:], seed)[0].data
            down = _random_graph(S, values[:i] + [values[i] - 1e-6] + values[i + 1:], seed)[0].data
            expected.append((up - down) / 2e-6)
        cases.append((f"a random graph of + and * (seed {seed})", root, leaves, expected))
    for name, root, wrt, expected in cases:
        order = _order(root)
        got = call(f"gradients on {name}", _no_key_error, name, sol.gradients, order, wrt)
        if not isinstance(got, (list, tuple, np.ndarray)) or len(got) != len(wrt):
            raise CheckError(f"gradients on {name} should return a list of {len(wrt)} numbers, one per "
                               f"Scalar in wrt, received {got!r}")
        if matches(got, [0.0] * len(wrt)):
            hint = "every gradient is 0.0: did you seed the walk with grads[id(root)] = 1.0?"
        elif matches(got, _walk(order, wrt, reverse=False, add=True)):
            hint = ("walk the order in REVERSE (root first): a node's gradient is complete only after "
                    "every node that uses it has passed its contribution back.")
        elif matches(got, _walk(order, wrt, reverse=True, add=False)):
            hint = ("the gradient of a value used twice must be the SUM of both contributions: did you "
                    "write `=` instead of `+=`?")
        else:
            hint = "seed 1.0 at the root, walk reversed(order), add each parent's share."
        # the random graphs' expected values come from central differences: accurate to ~1e-8 |root|
        atol = 1e-12 if name.startswith(("x", "(")) else 1e-6 * (1 + abs(root.data))
        for i, (g, e) in enumerate(zip(got, expected)):
            compare(f"gradients on {name}: d root / d wrt[{i}] ({wrt[i]!r})", g, e, hint, rtol=1e-6,
                    atol=atol)


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '反向遍历（按拓扑序的逆序）'
IDEA_ZH = ("种子 d(root)/d(root) = 1，按拓扑序逆序走，"
           "把每个节点完整的梯度交给它的 backward_fn，结果累加到父节点的梯度上")
TEXT_ZH = (
    '给定按拓扑序排好的图（每个节点在父节点之后，输出 root 最后），反向模式自动微分一遍就算出每个节点的\n'
    'd(root)/d(node)：\n\n  1. d(root)/d(root) = 1.0：种子。\n'
    '  2. 按逆序走，这样到达一个节点时，所有用到它的节点都已把贡献传回来：它的梯度已完整。\n'
    '  3. 以节点的梯度为参数调用 node.backward_fn：每个父节点得到一个梯度，累加到那个父节点的梯度上（第 8 '
    '步！）。\n'
    '\n这里像 torch.autograd.grad（而不像 .backward()）那样，梯度放在以 id(node) 为键的字典里，\n'
    '只返回你问到的那些 Scalar 的梯度；root 不依赖的 Scalar 梯度为 0.0。\n'
    '\n任务：写出 gradients(order, wrt)。'
)
HINT_ZH = """    grads = {id(order[-1]): 1.0}                 # d root / d root
    for node in reversed(order):                  # root 先：用到一个节点的节点都排在它前面
        if node.backward_fn is None or id(node) not in grads: continue
        for parent, g in zip(node.parents, node.backward_fn(grads[id(node)])):
            grads[id(parent)] = grads.get(id(parent), 0.0) + g
    return [grads.get(id(w), 0.0) for w in wrt]"""

HINTS = [
    (
        'The same walk as your backward(), but the gradients live in a dict keyed by id(node) instead o'
        'f in the nodes.',
        '和你的 backward() 是同一种遍历，只是梯度存在以 id(node) 为键的字典里，而不是节点上。'),
    (
        'Seed grads[id(order[-1])] = 1.0; walk reversed(order); skip leaves and nodes with no gradient;'
        ' add each share into grads of the parent (use .get(..., 0.0)); finally read off the wrt nodes.',
        '种子 grads[id(order[-1])] = 1.0；遍历 reversed(order)；跳过叶子和没有梯度的节点；'
        '把每份梯度加进父节点在字典里的值（用 .get(..., 0.0'
        ')）；最后取出 wrt 里各节点的梯度。'),
    (HINT, HINT_ZH),
]
