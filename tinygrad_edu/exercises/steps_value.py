"""The steps where the learner's ``Value`` is born: + and *, their local gradients, the chain rule by
hand, the topological order and ``backward()``."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ex08_topo_sort
from ._common import CheckError, T, call, compare, fmt, matches
from ._step import Step, check_expr, local_grads, owned

__all__ = ["VALUE", "ADD_MUL_BACKWARD", "CHAIN_BY_HAND", "TOPO_ORDER", "BACKWARD"]

# ---- a Value with + and * ------------------------------------------------------------------------

VALUE_BODY = '''\
import numpy as np


class Value:
    """A number (a numpy array, often 0-d) that remembers how it was computed."""

    __array_ufunc__ = None   # so that numpy_array * value calls Value's __rmul__

    def __init__(self, data, parents=(), op=""):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)   # d(output)/d(self), filled in later
        self.parents = tuple(parents)           # the Values this one was computed from
        self.op = op                            # "+", "*", ...: what made it
        self._backward = lambda: None           # passes self.grad on to the parents (next step)

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


def as_value(x):
    """x itself if it is a Value, else a new Value (a leaf: no parents) holding x."""
    # TODO: as_value
    raise NotImplementedError("TODO: as_value")


def add(a, b):
    """a + b: a new Value holding the sum, with parents (a, b) and op "+"."""
    b = as_value(b)
    # TODO: add
    raise NotImplementedError("TODO: add")


def mul(a, b):
    """a * b: a new Value holding the product, with parents (a, b) and op "*"."""
    b = as_value(b)
    # TODO: mul
    raise NotImplementedError("TODO: mul")


# Python calls these for a + b, 2 + a, a * b and 2 * a
Value.__add__ = Value.__radd__ = add
Value.__mul__ = Value.__rmul__ = mul
'''


def _check_value(sol: Any) -> None:
    owned(sol, "Value", "as_value", "add", "mul")
    V = sol.Value
    a, b = V(3.0), V(-2.0)
    itself = T("as_value(a) for a Value a must return a itself (the same object), so that the graph stays "
               "connected.", "对 Value a，as_value(a) 必须返回 a 本身（同一个对象），图才能连起来。")
    same = call("as_value(a)", sol.as_value, a, on_error=itself)
    if same is not a:
        raise CheckError(itself)
    leaf = call("as_value(2.5)", sol.as_value, 2.5)
    if not isinstance(leaf, V) or not matches(leaf.data, 2.5) or leaf.parents:
        raise CheckError(T(f"as_value(2.5) should be a new leaf Value(2.5), received {leaf!r}",
                           f"as_value(2.5) 应该是一个新的叶子 Value(2.5)，得到的是 {leaf!r}"))
    for sym, fn, want in (("+", lambda x, y: x + y, 1.0), ("*", lambda x, y: x * y, -6.0)):
        out = call(f"a {sym} b", fn, a, b)
        if not isinstance(out, V):
            raise CheckError(T(f"a {sym} b should be a new Value, received {out!r}",
                               f"a {sym} b 应该是一个新的 Value，得到的是 {out!r}"))
        compare(T(f"(a {sym} b).data with a = 3, b = -2", f"(a {sym} b).data，其中 a = 3，b = -2"),
                out.data, want)
        if len(out.parents) != 2 or out.parents[0] is not a or out.parents[1] is not b:
            raise CheckError(T(f"(a {sym} b).parents should be (a, b), the two operands themselves, in "
                               f"order; received {out.parents!r}",
                               f"(a {sym} b).parents 应该是 (a, b)：两个操作数本身，按顺序；"
                               f"得到的是 {out.parents!r}"))
        if out.op != sym:
            raise CheckError(T(f"(a {sym} b).op should be {sym!r}, received {out.op!r}",
                               f"(a {sym} b).op 应该是 {sym!r}，得到的是 {out.op!r}"))
    out = call("2 * a + 1", lambda: 2 * a + 1)
    compare(T("(2 * a + 1).data with a = 3", "(2 * a + 1).data，其中 a = 3"), out.data, 7.0,
            T("numbers must be wrapped with as_value(...)", "数字要先用 as_value(...) 包成 Value"))
    x = V(np.array([1.0, 2.0]))
    compare("(x * x + x).data, x = [1, 2]", (x * x + x).data, [2.0, 6.0])


VALUE = Step(
    "value", ("A Value with + and *", "会记住来历的 Value：加法和乘法"),
    ("a Value holds its data and remembers its parents and the op that made it: the graph that "
     "backward will walk",
     "Value 保存数据，并记住它的父节点和生成它的运算：这就是反向传播要走的计算图"),
    ("Autograd needs to know how every number was computed. A Value wraps\n"
     "a number (here a numpy array) and remembers its parents (the Values it\n"
     "was computed from) and its op. a + b and a * b make new Values; a plain\n"
     "number such as the 2 in 2 * a is first wrapped by as_value.\n\n"
     "Task: write as_value, add and mul (forward only; gradients come next).",
     "自动微分要知道每个数是怎么算出来的。Value 包着一个数（这里是 numpy 数组），\n"
     "并记住它的父节点（由哪些 Value 算出）和运算。a + b 和 a * b 生成新的 Value；\n"
     "像 2 * a 里的 2 这样的普通数字，先用 as_value 包起来。\n\n"
     "任务：写出 as_value、add 和 mul（只做前向；梯度是下一步的事）。"),
    VALUE_BODY,
    {"TODO: as_value": "return x if isinstance(x, Value) else Value(x)",
     "TODO: add": 'return Value(a.data + b.data, (a, b), "+")',
     "TODO: mul": 'return Value(a.data * b.data, (a, b), "*")'},
    [("A new Value needs three things: its data (computed from a.data and b.data), its parents (the "
      "operands, in order) and its op (the symbol). as_value must not wrap a Value a second time.",
      "新的 Value 需要三样东西：数据（由 a.data 和 b.data 算出）、父节点（两个操作数，按顺序）和运算"
      "（符号）。as_value 不能把已经是 Value 的东西再包一层。"),
     ("Value's constructor is Value(data, parents, op). For as_value, test isinstance(x, Value).",
      "Value 的构造是 Value(data, parents, op)。as_value 里用 isinstance(x, Value) 判断。"),
     ('as_value: return x if isinstance(x, Value) else Value(x)\n'
      'add:      return Value(a.data + b.data, (a, b), "+")\n'
      'mul:      return Value(a.data * b.data, (a, b), "*")',
      'as_value：return x if isinstance(x, Value) else Value(x)\n'
      'add：     return Value(a.data + b.data, (a, b), "+")\n'
      'mul：     return Value(a.data * b.data, (a, b), "*")')],
    _check_value)

# ---- the local gradients of + and * --------------------------------------------------------------

ADD_MUL_BODY = '''\
from [[value]] import Value, as_value


def add(a, b):
    b = as_value(b)
    out = Value(a.data + b.data, (a, b), "+")

    def backward():
        # TODO: backward of +
        raise NotImplementedError("TODO: backward of +")

    out._backward = backward
    return out


def mul(a, b):
    b = as_value(b)
    out = Value(a.data * b.data, (a, b), "*")

    def backward():
        # TODO: backward of *
        raise NotImplementedError("TODO: backward of *")

    out._backward = backward
    return out


Value.__add__ = Value.__radd__ = add
Value.__mul__ = Value.__rmul__ = mul
'''


def _check_add_mul(sol: Any) -> None:
    owned(sol, "Value", "add", "mul")
    V = sol.Value
    for av, bv, g in ((3.0, -2.0, 1.5), (0.5, 4.0, -1.0), (-1.25, 2.5, 2.0)):
        a, b = V(av), V(bv)
        ga, gb = local_grads("a + b", a + b, g, (a, b))
        for name, got in (("a", ga), ("b", gb)):
            if matches(got, 0.0):
                tip = T("add out.grad into the parent's grad: a.grad = a.grad + out.grad",
                        "要把 out.grad 加进父节点的 grad：a.grad = a.grad + out.grad")
            else:
                tip = T("d(a+b)/da = d(a+b)/db = 1: each operand gets out.grad unchanged.",
                        "d(a+b)/da = d(a+b)/db = 1：两个操作数都原样得到 out.grad。")
            compare(T(f"a + b, a = {av}, b = {bv}, out.grad = {g}: {name}.grad after out._backward()",
                      f"a + b，a = {av}，b = {bv}，out.grad = {g}：调用 out._backward() 后的 {name}.grad"),
                    got, g, tip)
        a, b = V(av), V(bv)
        ga, gb = local_grads("a * b", a * b, g, (a, b))
        if matches(ga, av * g) and matches(gb, bv * g):
            tip = T("d(a*b)/da should be b; your backward gives a (did you swap the operands?)",
                    "d(a*b)/da 应该是 b；你的反向给出的是 a（是不是把两个操作数弄反了？）")
        elif matches(ga, bv) and matches(gb, av):
            tip = T("multiply by out.grad: the chain rule says local derivative TIMES the upstream "
                    "gradient.", "要乘上 out.grad：链式法则是局部导数乘以上游梯度。")
        else:
            tip = T("d(a*b)/da = b and d(a*b)/db = a, each times out.grad.",
                    "d(a*b)/da = b，d(a*b)/db = a，各自再乘以 out.grad。")
        compare(T(f"a * b, a = {av}, b = {bv}, out.grad = {g}: a.grad after out._backward()",
                  f"a * b，a = {av}，b = {bv}，out.grad = {g}：调用 out._backward() 后的 a.grad"),
                ga, bv * g, tip)
        compare(T(f"a * b, a = {av}, b = {bv}, out.grad = {g}: b.grad after out._backward()",
                  f"a * b，a = {av}，b = {bv}，out.grad = {g}：调用 out._backward() 后的 b.grad"),
                gb, av * g, tip)
    x = V(3.0)
    (gx, _) = local_grads("x + x", x + x, 1.0, (x, x))
    compare(T("x + x with x = 3, out.grad = 1: x.grad (x is both parents)",
              "x + x，x = 3，out.grad = 1：x.grad（x 同时是两个父节点）"), gx, 2.0,
            T("x is used twice: both contributions must ADD up (a.grad = a.grad + ..., not a.grad = ...)",
              "x 被用了两次：两份贡献要相加（a.grad = a.grad + ...，而不是 a.grad = ...）"))
    x = V(3.0)
    (gx, _) = local_grads("x * x", x * x, 1.0, (x, x))
    compare(T("x * x with x = 3, out.grad = 1: x.grad (x is both parents)",
              "x * x，x = 3，out.grad = 1：x.grad（x 同时是两个父节点）"), gx, 6.0,
            T("x is used twice: both contributions must ADD up (a.grad = a.grad + ..., not a.grad = ...)",
              "x 被用了两次：两份贡献要相加（a.grad = a.grad + ...，而不是 a.grad = ...）"))


ADD_MUL_BACKWARD = Step(
    "add_mul_backward", ("Local gradients of + and *", "加法和乘法的局部梯度"),
    ("each op's _backward turns out.grad into its parents' grads: + passes it on unchanged, * multiplies "
     "it by the OTHER operand, and both ADD into the parents",
     "每个运算的 _backward 把 out.grad 变成父节点的梯度：加法原样传下去，乘法乘以另一个操作数，"
     "并且都是累加进父节点"),
    ("Each op knows its local derivatives: d(a+b)/da = 1, d(a*b)/da = b.\n"
     "By the chain rule, a's share of the gradient is (local derivative) *\n"
     "out.grad. Each op stores a function _backward that does this for its\n"
     "parents, ADDING into a.grad (a Value may be used more than once).\n\n"
     "Task: write the two backward functions.",
     "每个运算都知道自己的局部导数：d(a+b)/da = 1，d(a*b)/da = b。按链式法则，\n"
     "a 分到的梯度是（局部导数）乘以 out.grad。每个运算保存一个函数 _backward，\n"
     "替父节点做这件事，并且是累加到 a.grad 上（一个 Value 可能被用了不止一次）。\n\n"
     "任务：写出这两个反向函数。"),
    ADD_MUL_BODY,
    {"TODO: backward of +": "a.grad = a.grad + out.grad\nb.grad = b.grad + out.grad",
     "TODO: backward of *": "a.grad = a.grad + b.data * out.grad\nb.grad = b.grad + a.data * out.grad"},
    [("For a sum, nudging a by a little moves out by the same little: the gradient passes through. For a "
      "product, nudging a moves out by b times as much. Whatever arrives in out.grad is multiplied by "
      "that, and added to what the parent already has.",
      "对加法，a 动一点，out 也动同样的一点：梯度原样穿过。对乘法，a 动一点，out 动 b 倍。"
      "到达 out.grad 的梯度乘上这个倍数，再加到父节点已有的梯度上。"),
     ("Inside backward(), a, b and out are all visible. Update a.grad and b.grad with "
      "`a.grad = a.grad + ...`: for *, a gets b.data times out.grad.",
      "在 backward() 里，a、b、out 都能用。用 `a.grad = a.grad + ...` 更新 a.grad 和 b.grad："
      "乘法里 a 得到 b.data 乘以 out.grad。"),
     ("+: a.grad = a.grad + out.grad;  b.grad = b.grad + out.grad\n"
      "*: a.grad = a.grad + b.data * out.grad;  b.grad = b.grad + a.data * out.grad",
      "加法：a.grad = a.grad + out.grad；b.grad = b.grad + out.grad\n"
      "乘法：a.grad = a.grad + b.data * out.grad；b.grad = b.grad + a.data * out.grad")],
    _check_add_mul, needs=("value",))

# ---- the chain rule by hand on a graph -----------------------------------------------------------

CHAIN_BODY = '''\
from [[add_mul_backward]] import Value


def build(a, b, c, f):
    """The graph: e = a * b, d = e + c, L = d * f. Returns (L, d, e)."""
    e = a * b
    d = e + c
    L = d * f
    return L, d, e


def backprop_by_hand(L, d, e):
    """Fill the grads of a, b, c, f (and d, e) with dL/d(that), by calling the _backward
    functions yourself, one by one."""
    # TODO: seed L.grad, then call the three _backward functions in the right order
    raise NotImplementedError("TODO: backprop_by_hand")
'''


def _check_chain(sol: Any) -> None:
    owned(sol, "backprop_by_hand")
    V = sol.Value
    for av, bv, cv, fv in ((2.0, -3.0, 10.0, -2.0), (0.5, 1.5, -1.0, 3.0)):
        xs = [V(v) for v in (av, bv, cv, fv)]
        L, d, e = call("build(a, b, c, f)", sol.build, *xs)
        call("backprop_by_hand(L, d, e)", sol.backprop_by_hand, L, d, e)
        dv = av * bv + cv
        want = [bv * fv, av * fv, fv, dv]
        got = [x.grad for x in xs]
        if all(matches(g, 0.0) for g in got) and not matches(L.grad, 1.0):
            tip = T("every grad is 0: start with L.grad = 1.0 (dL/dL), then call L._backward() first.",
                    "所有梯度都是 0：先设 L.grad = 1.0（dL/dL），再先调用 L._backward()。")
        elif matches(got[3], 0.0):
            tip = T("L.grad = 1.0 is seeded, but f got nothing: L._backward() was not called (or was called "
                    "before the seed). Call L._backward() right after L.grad = 1.0, then d's, then e's.",
                    "L.grad = 1.0 已经设好，但 f 什么也没得到：没有调用 L._backward()"
                    "（或者在设种子之前就调用了）。"
                    "设好 L.grad = 1.0 后紧接着调用 L._backward()，再调用 d 的，最后 e 的。")
        elif matches(got[2], 0.0):
            tip = T("f got its gradient but c got nothing: d._backward() did not run after L._backward() "
                    "filled d.grad (it was not called, or called before L's). Call them output first: L, "
                    "then d, then e.",
                    "f 得到了梯度，c 却什么也没得到：L._backward() 填好 d.grad 之后，d._backward() 没有运行"
                    "（没有调用，或者在 L 的之前调用了）。要从输出往回调用：先 L，再 d，最后 e。")
        elif matches(got[0], 0.0) and not matches(got[3], 0.0):
            tip = T("a and b got nothing: e._backward() ran before e.grad was filled. Call them output "
                    "first: L, then d, then e.",
                    "a 和 b 什么也没得到：e._backward() 在 e.grad 填好之前就运行了。要从输出往回调用："
                    "先 L，再 d，最后 e。")
        else:
            tip = T("seed L.grad = 1.0, then L._backward(), d._backward(), e._backward().",
                    "先设 L.grad = 1.0，再依次调用 L._backward()、d._backward()、e._backward()。")
        for name, g, w in zip("abcf", got, want):
            compare(T(f"L = (a*b + c) * f with a, b, c, f = {av}, {bv}, {cv}, {fv}: dL/d{name}",
                      f"L = (a*b + c) * f，a, b, c, f = {av}, {bv}, {cv}, {fv}：dL/d{name}"), g, w, tip)


CHAIN_BY_HAND = Step(
    "chain_by_hand", ("The chain rule by hand, on a graph", "在计算图上手动执行链式法则"),
    ("a node may pass its gradient on only once it is complete: seed dL/dL = 1 and call the _backward "
     "functions from the output back to the inputs",
     "一个节点的梯度完整以后才能往下传：先设 dL/dL = 1，再从输出往输入依次调用 _backward"),
    ("Before automating backward, do it by hand. For L = (a*b + c) * f the\n"
     "graph is e = a * b, d = e + c, L = d * f. dL/dL is 1. L's _backward\n"
     "fills d.grad and f.grad; d's fills e.grad and c.grad; e's fills a and b.\n"
     "The order matters.\n\n"
     "Task: write backprop_by_hand(L, d, e).",
     "在把反向传播自动化之前，先手动做一遍。L = (a*b + c) * f 的计算图是\n"
     "e = a * b，d = e + c，L = d * f。dL/dL 是 1。L 的 _backward 填好 d.grad 和 f.grad；\n"
     "d 的填好 e.grad 和 c.grad；e 的填好 a 和 b。顺序很重要。\n\n"
     "任务：写出 backprop_by_hand(L, d, e)。"),
    CHAIN_BODY,
    {"TODO: backprop_by_hand": "L.grad = 1.0\nL._backward()\nd._backward()\ne._backward()"},
    [("Where does the gradient start, and with which value? Which node's gradient is complete first?",
      "梯度从哪里开始，初值是多少？哪个节点的梯度最先完整？"),
     ("dL/dL = 1 is the seed. Then go from the output towards the inputs: L, d, e.",
      "种子是 dL/dL = 1。然后从输出往输入走：L、d、e。"),
     ("L.grad = 1.0\nL._backward()\nd._backward()\ne._backward()",
      "L.grad = 1.0\nL._backward()\nd._backward()\ne._backward()")],
    _check_chain, needs=("add_mul_backward",))

# ---- the topological order, recursively ----------------------------------------------------------

TOPO_BODY = '''\
from [[add_mul_backward]] import Value, as_value


def topo_order(root):
    """Every Value that root depends on, each once, each after its parents; root last."""
    order, visited = [], set()

    def visit(node):
        # TODO: visit the parents first, then append node (once)
        raise NotImplementedError("TODO: visit")

    visit(root)
    return order
'''


def _check_topo(sol: Any) -> None:
    owned(sol, "topo_order")
    ex08_topo_sort.check_orders(sol.topo_order, sol.Value, deep=False)


TOPO_ORDER = Step(
    "topo_order", ("The topological order (recursive)", "拓扑排序（递归）"),
    ("list the graph so that every node comes after its parents: a depth-first search that appends a "
     "node after visiting its parents; reversed, it is the order for backward",
     "把图排成每个节点都在父节点之后：深度优先搜索，访问完父节点再把节点加进来；反过来就是反向传播的顺序"),
    ("By hand you called L, d, e in order. For any graph, list the nodes so\n"
     "that each comes after its parents (a topological order); walked in\n"
     "reverse, every node's gradient is complete before it is passed on.\n"
     "A depth-first search gives it: visit the parents, then append the node.\n"
     "A node reached twice (x in x * x) is listed once.\n\n"
     "Task: write visit(node) inside topo_order.",
     "手动时你按 L、d、e 的顺序调用。对任意计算图，把节点排成每个节点都在父节点之后\n"
     "（拓扑序）；反过来走，每个节点的梯度在传下去之前都已完整。深度优先搜索就能给出它：\n"
     "先访问父节点，再把节点加进列表。被到达两次的节点（x * x 里的 x）只列一次。\n\n"
     "任务：写出 topo_order 里的 visit(node)。"),
    TOPO_BODY,
    {"TODO: visit": "if id(node) in visited:\n    return\nvisited.add(id(node))\n"
                    "for parent in node.parents:\n    visit(parent)\norder.append(node)"},
    [("Post-order: a node goes into the list only after all of its parents are in it. Remember what you "
      "have already visited.",
      "后序：一个节点要等它所有父节点都进了列表之后才能进列表。记住已经访问过哪些节点。"),
     ("Skip a node whose id is in `visited`; otherwise add it, call visit on each of node.parents, and "
      "only then append it to `order`.",
      "id 已在 `visited` 里的节点跳过；否则加入 visited，对 node.parents 里每个调用 visit，最后才把它"
      "加进 `order`。"),
     ("if id(node) in visited:\n    return\nvisited.add(id(node))\nfor parent in node.parents:\n"
      "    visit(parent)\norder.append(node)",
      "if id(node) in visited:\n    return\nvisited.add(id(node))\nfor parent in node.parents:\n"
      "    visit(parent)\norder.append(node)")],
    _check_topo, needs=("add_mul_backward",))

# ---- backward() ----------------------------------------------------------------------------------

BACKWARD_BODY = '''\
import numpy as np

from [[topo_order]] import Value, as_value, topo_order


def backward(self):
    """Fill .grad of every Value that self depends on with d(self)/d(that Value)."""
    # TODO: seed self.grad with ones, then call _backward on every node, output first
    raise NotImplementedError("TODO: backward")


Value.backward = backward
'''


def _check_backward(sol: Any) -> None:
    owned(sol, "backward")
    cases = [("a * b", lambda a, b: a * b, [3.0, -2.0]),
             ("a * b + a", lambda a, b: a * b + a, [3.0, -2.0]),
             ("(a + b) * (a * b)", lambda a, b: (a + b) * (a * b), [1.5, 0.5]),
             ("(a * b + 2) * a * a", lambda a, b: (a * b + 2) * a * a, [-0.75, 1.25]),
             ("a * b (arrays)", lambda a, b: a * b + b, [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])]
    for desc, fn, arrays in cases:
        vs = [sol.Value(np.array(x)) for x in arrays]
        out = call(desc, fn, *vs)
        call(f"({desc}).backward()", out.backward)
        got = [v.grad for v in vs]
        if all(matches(g, 0.0) for g in got):
            tip = T("nothing arrived: seed self.grad = np.ones_like(self.data) before the walk.",
                    "什么都没传到：在遍历之前先设 self.grad = np.ones_like(self.data)。")
        else:
            tip = T("call node._backward() for node in reversed(topo_order(self)): the output first.",
                    "对 reversed(topo_order(self)) 里的每个节点调用 node._backward()：输出先来。")
        check_expr(sol, desc, fn, arrays, tip)


BACKWARD = Step(
    "backward", ("backward(): the whole walk", "backward()：完整的反向遍历"),
    ("seed d(out)/d(out) = 1, then call every node's _backward in reverse topological order: one pass "
     "gives the gradient of every node",
     "种子 d(out)/d(out) = 1，再按拓扑序的逆序调用每个节点的 _backward：一遍就得到所有节点的梯度"),
    ("Put the last two steps together: backward() seeds the output's grad\n"
     "with ones and calls _backward on every node of topo_order(self), in\n"
     "reverse. Now (a * b + a).backward() fills a.grad and b.grad.\n\n"
     "Task: write backward(self).",
     "把前两步合起来：backward() 把输出的 grad 设为全 1，再按 topo_order(self) 的逆序\n"
     "对每个节点调用 _backward。这样 (a * b + a).backward() 就能填好 a.grad 和 b.grad。\n\n"
     "任务：写出 backward(self)。"),
    BACKWARD_BODY,
    {"TODO: backward": "self.grad = np.ones_like(self.data)\nfor node in reversed(topo_order(self)):\n"
                       "    node._backward()"},
    [("It is the by-hand step, for any graph: the seed, then the nodes in the order the previous step "
      "gives, reversed.", "就是手动那一步，推广到任意图：先种子，再把上一步给出的顺序反过来走。"),
     ("self.grad = np.ones_like(self.data); then loop over reversed(topo_order(self)).",
      "self.grad = np.ones_like(self.data)；然后遍历 reversed(topo_order(self))。"),
     ("self.grad = np.ones_like(self.data)\nfor node in reversed(topo_order(self)):\n    node._backward()",
      "self.grad = np.ones_like(self.data)\nfor node in reversed(topo_order(self)):\n    node._backward()")],
    _check_backward, needs=("topo_order",))

_ = fmt
