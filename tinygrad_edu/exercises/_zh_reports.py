"""Chinese for the reports of the steps kept from the first edition, whose checks write English: the
sentences that name a mistake, and the recurring fragments of the "what" part, translated in the
finished report (``--lang zh``). New steps write both languages themselves, through ``T``."""

from __future__ import annotations

import re

__all__ = ["translate"]

PHRASES: dict[str, str] = {
    # step 1
    "use the step h that the caller passes, not a fixed one.": "要用调用者传进来的步长 h，而不是一个固定值。",
    "the two points x - h and x + h are 2h apart: divide by 2 * h, not by h.":
        "x - h 和 x + h 这两个点相距 2h：要除以 2 * h，而不是 h。",
    "this is the one-sided difference (f(x + h) - f(x)) / h, whose error shrinks only like h: use the "
    "central "
    "difference (f(x + h) - f(x - h)) / (2h).":
        "这是单侧差分 (f(x + h) - f(x)) / h，它的误差只随 h 缩小：请用中心差分 (f(x + h) - f(x - h)) / "
        "(2h)。",
    "the central difference is (f(x + h) - f(x - h)) / (2 * h).": "中心差分是 (f(x + h) - f(x - h)) / (2 "
                                                                  "* h)。",
    "numerical_derivative should return a float, received": "numerical_derivative 应该返回一个浮点数，"
                                                            "得到的是",
    # step 2
    "the inner function x**2 has derivative 2x: multiply by it.": "内层函数 x**2 的导数是 2x：要乘上它。",
    "the innermost layer 1 + x**2 has derivative 2x: multiply by it too.": "最内层 1 + x**2 的导数是 "
                                                                           "2x：也要乘上它。",
    "evaluate the outer derivative at the inner value: df(g(x)), not df(x).":
        "外层导数要在内层的值处求：df(g(x))，而不是 df(x)。",
    "the outer derivative cos must be evaluated at the inner value x**2: cos(x**2).":
        "外层导数 cos 要在内层的值 x**2 处求：cos(x**2)。",
    "the middle layer log(v) has derivative 1/v with v = 1 + x**2: a factor is missing.":
        "中间层 log(v) 的导数是 1/v，其中 v = 1 + x**2：少了一个因子。",
    "three layers, three factors: 3 log(1 + x**2)**2 * 1/(1 + x**2) * 2x.":
        "三层，三个因子：3 log(1 + x**2)**2 * 1/(1 + x**2) * 2x。",
    "multiply by the inner derivative dg(x): d/dx f(g(x)) = f'(g(x)) * g'(x).":
        "要乘以内层导数 dg(x)：d/dx f(g(x)) = f'(g(x)) * g'(x)。",
    "against a central difference": "与中心差分比较",
    # steps 11 to 13
    "d(a/b)/da = 1/b and d(a/b)/db = -a/b**2, each times the upstream grad.":
        "d(a/b)/da = 1/b，d(a/b)/db = -a/b**2，各自乘以上游梯度。",
    "d(a/b)/db = -a/b**2: did you drop the minus sign?": "d(a/b)/db = -a/b**2：是不是漏了负号？",
    "d(a/b)/db = -a/b**2: the numerator a is missing from b's gradient.": "d(a/b)/db = -a/b**2：b "
                                                                          "的梯度里少了分子 a。",
    "d(a/b)/db = -a/b**2: b must be SQUARED in b's gradient.": "d(a/b)/db = -a/b**2：b 的梯度里 b 要平方。",
    "the two gradients are swapped: the first is for a (self), the second for b (other).":
        "两个梯度弄反了：第一个属于 a（self），第二个属于 b（other）。",
    "multiply by the upstream grad (chain rule): grad / b and -grad * a / b**2.":
        "要乘以上游梯度（链式法则）：grad / b 和 -grad * a / b**2。",
    "d(a**b)/da = b * a**(b - 1) and d(a**b)/db = a**b * log(a), each times grad.":
        "d(a**b)/da = b * a**(b - 1)，d(a**b)/db = a**b * log(a)，各自乘以 grad。",
    "the exponent is a Scalar too: it gets the gradient a**b * log(a), not 0.":
        "指数也是一个 Scalar：它的梯度是 a**b * log(a)，而不是 0。",
    "the power rule is for the base only; for the exponent write a**b = exp(b * log(a)): d/db = a**b * "
    "log(a).":
        "幂法则只适用于底数；对指数，把 a**b 写成 exp(b * log(a))：d/db = a**b * log(a)。",
    "d(a**b)/db = a**b * log(a): the factor a**b is missing.": "d(a**b)/db = a**b * log(a)：少了因子 a**b。",
    "power rule: d(a**b)/da = b * a**(b - 1): the power drops by one.": "幂法则：d(a**b)/da = b * a**(b - "
                                                                        "1)：指数要减一。",
    "power rule: d(a**b)/da = b * a**(b - 1): the factor b is missing.": "幂法则：d(a**b)/da = b * a**(b "
                                                                         "- 1)：少了因子 b。",
    "the two gradients are swapped: the first is for the base a (self), the second for the exponent b "
    "(other).":
        "两个梯度弄反了：第一个属于底数 a（self），第二个属于指数 b（other）。",
    "multiply by the upstream grad (chain rule).": "要乘以上游梯度（链式法则）。",
    "multiply the local derivative by the upstream grad (chain "
    "rule).": "要把局部导数乘以上游梯度（链式法则）。",
    "d/dx exp(x) = exp(x) = out.data, times the upstream grad.": "d/dx exp(x) = exp(x) = out.data，"
                                                                 "再乘以上游梯度。",
    "d/dx tanh(x) = 1 - tanh(x)**2 = 1 - out.data**2, times the upstream grad.":
        "d/dx tanh(x) = 1 - tanh(x)**2 = 1 - out.data**2，再乘以上游梯度。",
    "d/dx exp(x) = exp(x), the output (out.data), not the input x.": "d/dx exp(x) = exp(x)，"
                                                                     "是输出（out.data），不是输入 x。",
    "d/dx exp(x) = exp(x): multiply grad by out.data.": "d/dx exp(x) = exp(x)：用 grad 乘以 out.data。",
    "1 - tanh(x)**2 squares the OUTPUT t = tanh(x) (out.data), not the input x.":
        "1 - tanh(x)**2 平方的是输出 t = tanh(x)（out.data），不是输入 x。",
    "d/dx tanh(x) = 1 - t**2: the output t must be squared.": "d/dx tanh(x) = 1 - t**2：输出 t 要平方。",
    "the forward part was given: keep `out = Scalar(<value>, <parents>)` as it was.":
        "前向部分是给定的：保留 `out = Scalar(<value>, <parents>)` 原样。",
    # step 8
    "the gradient of a value used twice must be the SUM of both contributions: did you write `=` instead "
    "of `+=`?":
        "被用了两次的值，梯度必须是两份贡献之和：是不是把 `+=` 写成了 `=`？",
    "even with no value used twice the gradients are wrong: compare your engine with the original template.":
        "即使没有值被用两次，梯度也不对：把你的引擎和原来的模板对比一下。",
    "the output's own grad should be 1.0 (d root/d root), received": "输出自己的 grad 应该是 1.0（d "
                                                                     "root/d root），得到的是",
    # step 9
    "recursion is limited to about 1000 levels in Python: use an explicit stack (a list you push to and "
    "pop from) "
    "instead of a recursive call.": "Python 的递归大约限制在 1000 层：用一个显式的栈（一个可以压入、"
                                    "弹出的列表）代替递归调用。",
    "recursion is limited to about 1000 levels in Python: use an explicit stack.":
        "Python 的递归大约限制在 1000 层：请用显式的栈。",
    "each node must appear exactly once: keep a `visited` set of id(node) and skip nodes already in it.":
        "每个节点必须恰好出现一次：用一个记录 id(node) 的 `visited` 集合，跳过已经在里面的节点。",
    "list only the nodes reached from root by following .parents.": "只列出从 root 沿 .parents "
                                                                    "能到达的节点。",
    "follow .parents from root until every ancestor has been visited.": "从 root 沿 .parents 走，"
                                                                        "直到访问过每个祖先。",
    "append a node only AFTER all its parents (post-order): push it back on the stack marked as expanded, "
    "then "
    "push its parents, and append it when it is popped the second time.":
        "一个节点只能在它所有父节点之后加入（后序）：把它标记为已展开压回栈里，再压入它的父节点，第二次弹出它时再加入列表。",
    "append a node only AFTER all its parents (post-order): visit every parent first, then append the node.":
        "一个节点只能在它所有父节点之后加入（后序）：先访问它的每个父节点，再把它加进列表。",
    "out = f(x, x) (one parent used twice)": "out = f(x, x)（一个父节点用了两次）",
    "a diamond: a = f(x, y), b = g(a, x), out = h(a, b)": "菱形图：a = f(x, y)，b = g(a, x)，out = h(a, b)",
    "a random graph of 206 nodes": "206 个节点的随机图",
    "a chain 5000 ops deep": "5000 个运算深的链",
    "a chain 6000 ops deep": "6000 个运算深的链",
    "a single leaf": "单个叶子",
    # step 10
    "x * y + x (x used twice)": "x * y + x（x 被用了两次）",
    "(x * y + z) * z, and a Scalar not in the graph": "(x * y + z) * z，外加一个不在图里的 Scalar",
    "every gradient is 0.0: did you seed the walk with grads[id(root)] = 1.0?":
        "所有梯度都是 0.0：遍历开始前设了种子 grads[id(root)] = 1.0 吗？",
    "walk the order in REVERSE (root first): a node's gradient is complete only after every node that "
    "uses it "
    "has passed its contribution back.": "要按逆序走（root 先）："
                                         "只有用到一个节点的所有节点都把贡献传回来之后，它的梯度才完整。",
    "seed 1.0 at the root, walk reversed(order), add each parent's share.":
        "在 root 处种下 1.0，遍历 reversed(order)，把每份梯度加到父节点上。",
    # step 18
    "an axis where the input has size 1 must stay, with size 1: sum it with keepdims=True.":
        "输入中大小为 1 的轴必须保留，大小仍为 1：用 keepdims=True 求和。",
    "sum away the leading axes that broadcasting added in front (grad.sum(axis=0) while too many).":
        "把广播加在前面的轴求和掉（轴太多时就 grad.sum(axis=0)）。",
    "sum exactly the axes where the input's size is 1 and grad's is not.": "只对输入大小为 1 而 grad 不为 "
                                                                           "1 的那些轴求和。",
    "each input element's gradient is the SUM over all of its copies in grad.": "每个输入元素的梯度是它在 "
                                                                                "grad 中所有拷贝之和。",
    "sum each gradient back to its input's shape with unbroadcast.": "用 unbroadcast "
                                                                     "把每个梯度求和回它输入的形状。",
    "dL/da = grad * b and dL/db = grad * a, unbroadcast.": "dL/da = grad * b，dL/db = grad * a，再反广播。",
    # step 20
    "put the reduced axis back before broadcasting: np.expand_dims(grad, axis) when keepdims is False; "
    "otherwise "
    "numpy aligns grad with the LAST axis.":
        "广播之前先把被归约的轴补回来：keepdims 为 False 时用 np.expand_dims(grad, axis)；否则 numpy 会把 "
        "grad 对齐到最后一根轴。",
    "the gradient of a sum is grad copied along the reduced axis": "求和的梯度是把 grad 沿被归约的轴复制",
    "mean = sum / n: divide the gradient by n =": "mean = sum / n：把梯度除以 n =",
    ", the number of elements averaged (shape[axis], or the total size when axis is None).":
        "，也就是参与平均的元素个数（shape[axis]，axis 为 None 时是总大小）。",
    "divide by the number of elements averaged along axis": "要除以沿这根轴参与平均的元素个数：axis",
    # step 22
    "the two gradients are swapped: return (dL/dA, dL/dB) in that order.": "两个梯度弄反了：按 (dL/dA, "
                                                                           "dL/dB) 的顺序返回。",
    "dL/dA = grad @ B.T: you forgot to transpose B (square B hides it in the shapes).":
        "dL/dA = grad @ B.T：你忘了转置 B（B 是方阵，所以形状看不出来）。",
    "dL/dB = A.T @ grad: you forgot to transpose A (square A hides it in the shapes).":
        "dL/dB = A.T @ grad：你忘了转置 A（A 是方阵，所以形状看不出来）。",
    "your dL/dB is transposed (grad.T @ A?): use A.T @ grad, which has B's shape (k, p).":
        "你的 dL/dB 是转置的（grad.T @ A？）：用 A.T @ grad，它和 B 同形状 (k, p)。",
    "your dL/dA is transposed: use grad @ B.T, which has A's shape (m, k).": "你的 dL/dA 是转置的：用 "
                                                                             "grad @ B.T，它和 A 同形状 "
                                                                             "(m, k)。",
    # step 27
    "plain SGD: param - lr * grad.": "普通 SGD：param - lr * grad。",
    "weight decay adds weight_decay * param to the gradient: g = grad + weight_decay * param.":
        "权重衰减把 weight_decay * param 加到梯度上：g = grad + weight_decay * param。",
    "on the first step PyTorch sets buf = g exactly, and steps with it: param - lr * buf.":
        "第一步 PyTorch 令 buf = g，并用它更新：param - lr * buf。",
    "later steps: buf = momentum * buf + (1 - dampening) * g, then param - lr * buf.":
        "以后各步：buf = momentum * buf + (1 - dampening) * g，然后 param - lr * buf。",
    "on the first step PyTorch sets buf = g exactly, with no dampening: (1 - dampening) is used from the "
    "second "
    "step on.": "第一步 PyTorch 令 buf = g，不做 dampening：(1 - dampening) 从第二步才开始用。",
    "missing dampening? buf = momentum * buf + (1 - dampening) * g.": "少了 dampening？buf = momentum * "
                                                                      "buf + (1 - dampening) * g。",
    "nesterov steps with g + momentum * buf (buf already updated), not with buf.":
        "nesterov 用 g + momentum * buf（buf 已更新）来更新，而不是用 buf。",
    "weight decay goes into g BEFORE momentum: g = grad + weight_decay * param; buf = g on step 1.":
        "权重衰减要在动量之前加进 g：g = grad + weight_decay * param；第 1 步 buf = g。",
    "weight decay goes into g BEFORE momentum, then buf = momentum * buf + (1 - dampening) * g.":
        "权重衰减要在动量之前加进 g，然后 buf = momentum * buf + (1 - dampening) * g。",
    "g = grad + weight_decay * param first; then buf = g and the step uses g + momentum * buf.":
        "先 g = grad + weight_decay * param；然后 buf = g，更新用 g + momentum * buf。",
    "g = grad + weight_decay * param first; then the step uses g + momentum * buf.":
        "先 g = grad + weight_decay * param；然后更新用 g + momentum * buf。",
    "with momentum 0 there is no buffer: return None as buf.": "momentum 为 0 时没有缓冲：buf 返回 None。",
    # step 29
    "silu(x) = x * sigmoid(x) = x / (1 + np.exp(-x)).": "silu(x) = x * sigmoid(x) = x / (1 + np.exp(-x))。",
    "multiply the local derivative by the upstream gradient `grad` (chain rule).":
        "要把局部导数乘以上游梯度 `grad`（链式法则）。",
    "product rule: d(x * s)/dx = s + x * s'(x), with s' = s * (1 - s): the second term is missing.":
        "乘积法则：d(x * s)/dx = s + x * s'(x)，其中 s' = s * (1 - s)：少了第二项。",
    "that is the derivative of sigmoid alone: SiLU is x * sigmoid(x), use the product rule.":
        "这只是 sigmoid 的导数：SiLU 是 x * sigmoid(x)，要用乘积法则。",
    "dz/dx = s + x * s * (1 - s) with s = sigmoid(x), times the upstream gradient.":
        "dz/dx = s + x * s * (1 - s)，其中 s = sigmoid(x)，再乘以上游梯度。",
    "check_op found an input where your backward is wrong:": "check_op 找到了一个让你的反向出错的输入：",
    "SiLU is not written yet: fill in its TODOs.": "SiLU 还没有写：请填好它的 TODO。",
}

PATTERNS: list[tuple[str, str]] = [
    (r" for f\(x\) = (.+?): the slope", r"，f(x) = \1：斜率"),
    (r"^chain\(\.\.\.\) at x = (\S+) for ", r"chain(...)，x = \1，函数 "),
    (r" with upstream grad (\S+): the gradient for the (base|exponent) (\w+) \(parent (\d+)\)",
     r"，上游梯度 \1：\3（下标为 \4 的父节点）的梯度"),
    (r"^the backward_fn of (.+?) must return a tuple of one gradient, one per parent \(e\.g\. (`.+?`)\), "
     r"received ", r"\1 的 backward_fn 必须返回只含一个梯度的元组（例如 \2），得到的是 "),
    (r"^the backward_fn of (.+?) must return a tuple of (\d+) gradients, one per parent \(e\.g\. (`.+?`)\), "
     r"received ", r"\1 的 backward_fn 必须返回含 \2 个梯度的元组，每个父节点一个（例如 \3），得到的是 "),
    (r"^the backward_fn of (.+?) 抛出了 ", r"\1 的 backward_fn 抛出了 "),
    (r" must return a tuple of one gradient, one per parent \(e\.g\. ", "必须返回只含一个梯度的元组（例如 "),
    (r" must return a tuple of (\d+) gradients, one per parent \(e\.g\. ", r"必须返回含 \1 "
                                                                            "个梯度的元组，"
                                                                            "每个父节点一个（例如 "),
    (r"^(\s*)check the shapes: ", r"\1核对形状："),
    (r", n = (\d+), not by the total size (\d+)\.", r"，n = \1，而不是总大小 \2。"),
    (r"^x\.grad after \(SiLU\.apply\(x\) \* u\)\.sum\(\)\.backward\(\), ", "执行 (SiLU.apply(x) * "
                                                                           "u).sum().backward() 之后的 "
                                                                           "x.grad，"),
    (r" with upstream grad (\S+): the gradient for (\w+) \(parent (\d+)\)", r"，上游梯度 \1：\2（下标为 \3 "
                                                                             "的父节点）的梯度"),
    (r"^after backward\((.+?)\) at x = (\S+), y = (\S+): ", r"在 x = \2，y = \3 处执行 backward(\1) 之后："),
    (r"the backward_fn of ", "backward_fn，属于 "),
    (r"^the value of ", "值："),
    (r"topo_order on (.+?): element (\d+), (.+?), comes before its parent (.+?) \(element (\d+)\)\.",
     r"在 \1 上的 topo_order：位置 \2 的 \3 排在它的父节点 \4（位置 \5）之前。"),
    (r"topo_order on (.+?): (.+?) is listed twice \(at index (\d+) and (\d+)\)\.",
     r"在 \1 上的 topo_order：\2 被列了两次（位置 \3 和 \4）。"),
    (r"topo_order on (.+?): element (\d+), (.+?), is not an ancestor of the root\.",
     r"在 \1 上的 topo_order：位置 \2 的 \3 不是 root 的祖先。"),
    (r"topo_order on (.+?): (.+?) is missing \(expected (\d+) nodes, received (\d+)\)\.",
     r"在 \1 上的 topo_order：缺了 \2（应有 \3 个节点，得到 \4 个）。"),
    (r"^(topo_order|gradients|backward\(\)) on (.+?) 抛出了 ", r"在 \2 上运行 \1 抛出了 "),
    (r"gradients on (.+?): d root / d wrt", r"在 \1 上的 gradients：d root / d wrt"),
    (r"sgd_step with (.+?), step (\d+), param shape (\S+): new (param|buf)", r"sgd_step（\1），第 \2 "
                                                                              "步，参数形状 \3：新的 \4"),
]


def translate(text: str) -> str:
    """The report ``text`` with the known English sentences and fragments in Chinese."""
    for en in sorted(PHRASES, key=len, reverse=True):
        text = text.replace(en, PHRASES[en])
    lines = []
    for line in text.split("\n"):
        for pattern, repl in PATTERNS:
            line = re.sub(pattern, repl, line)
        lines.append(line)
    text = "\n".join(lines).replace("element (", "元素 (").replace(": expected ", "：应为 ").replace(
        ", received ", "，得到的是 ")
    return re.sub(r"([\u4e00-\u9fff）]) 上(的|运行)", r"\1上\2", text)
