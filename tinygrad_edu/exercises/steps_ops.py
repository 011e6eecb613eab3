"""More ops on the learner's ``Value``: pow, the arithmetic built from + * and pow, exp and log, tanh
and relu."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._common import CheckError, T, call, compare, matches
from ._step import Step, check_expr, local_grads, owned

__all__ = ["POW", "ARITH", "EXP_LOG", "TANH_RELU"]


def _unary_body(prev: str, ops: Sequence[tuple[str, str, str]], attach: str) -> str:
    """A template with one unary op per (function name, forward expression, op label)."""
    parts = [f"import numpy as np\n\nfrom [[{prev}]] import Value, as_value\n"]
    for fn, forward, label in ops:
        parts.append(f'''

def {fn}(a):
    out = Value({forward}, (a,), "{label}")

    def backward():
        # TODO: backward of {label}
        raise NotImplementedError("TODO: backward of {label}")

    out._backward = backward
    return out
''')
    return "".join(parts) + "\n\n" + attach + "\n"


def _local(sol: Any, label: str, op: Callable, xs: Sequence[float], deriv: Callable,
           wrong: Sequence[tuple[Callable, tuple[str, str]]], default: tuple[str, str]) -> None:
    """The op's _backward alone, for each x with upstream gradient 1.5: a.grad = 1.5 * deriv(x)."""
    what = label if " " in label else f"{label}(a)"
    for x in xs:
        a = sol.Value(x)
        out = call(f"{what}, a = {x}", op, a)
        (got,) = local_grads(what, out, 1.5, (a,))
        want = 1.5 * deriv(x)
        tip = next((T(*h) for f, h in wrong if matches(got, f(x)) and not matches(got, want)), T(*default))
        compare(T(f"{what}, a = {x}, out.grad = 1.5: a.grad after out._backward()",
                  f"{what}，a = {x}，out.grad = 1.5：调用 out._backward() 后的 a.grad"), got, want, tip)


# ---- pow -----------------------------------------------------------------------------------------

POW_BODY = '''\
from [[topo_sort]] import Value, as_value


def pow_(a, k):
    """a ** k for a plain number k (not a Value)."""
    out = Value(a.data ** k, (a,), f"**{k}")

    def backward():
        # TODO: backward of a ** k
        raise NotImplementedError("TODO: backward of a ** k")

    out._backward = backward
    return out


Value.__pow__ = pow_
'''


def _check_pow(sol: Any) -> None:
    owned(sol, "pow_")
    for k in (2, 3, -1, 0.5, 1.5):
        _local(sol, f"a ** {k}", lambda a, k=k: a ** k, [1.7, 0.4], lambda x, k=k: k * x ** (k - 1),
               [(lambda x, k=k: 1.5 * x ** (k - 1), ("the power rule has the factor k in front: "
                                                     "k * a ** (k - 1).",
                                                     "幂法则前面有因子 k：k * a ** (k - 1)。")),
                (lambda x, k=k: 1.5 * k * x ** k, ("the exponent drops by one: k * a ** (k - 1), not "
                                                   "k * a ** k.", "指数要减一：k * a ** (k - 1)，不是 k * "
                                                                  "a ** k。")),
                (lambda x, k=k: k * x ** (k - 1), ("multiply by out.grad (the chain rule).",
                                                   "要乘以 out.grad（链式法则）。"))],
               ("d(a**k)/da = k * a ** (k - 1), times out.grad, added into a.grad.",
                "d(a**k)/da = k * a ** (k - 1)，乘以 out.grad，再累加到 a.grad。"))
    check_expr(sol, "a ** 2 * b + a ** -1", lambda a, b: a ** 2 * b + a ** -1, [1.3, -0.7])


POW = Step(
    "value_pow", ("Your Value learns **", "让你的 Value 支持 **"),
    ("the power rule d(a**k)/da = k a**(k-1), for a plain-number exponent: with it, division and "
     "square roots come for free",
     "幂法则 d(a**k)/da = k a**(k-1)（指数是普通数字）：有了它，除法和平方根都不用另写"),
    ("Your engine can now walk any graph of + and *. Time for more ops. Each\n"
     "new op is the same pattern: compute the forward, remember the parent,\n"
     "and give _backward that ADDS (local derivative) * out.grad into a.grad.\n"
     "First a ** k, where k is a plain number (step [[#pow_backward]] had the formula).\n\n"
     "Task: write the backward of a ** k.",
     "你的引擎已经能走遍任何由 + 和 * 组成的图。该加更多运算了。每个新运算都是同一个套路：\n"
     "算前向，记住父节点，再给出 _backward，把（局部导数）乘以 out.grad 累加到 a.grad。\n"
     "先做 a ** k，其中 k 是普通数字（第 [[#pow_backward]] 步讲过公式）。\n\n"
     "任务：写出 a ** k 的反向。"),
    POW_BODY,
    {"TODO: backward of a ** k": "a.grad = a.grad + k * a.data ** (k - 1) * out.grad"},
    [("Nudge a a little: how much does a ** k move? That factor times out.grad is a's share.",
      "把 a 挪一点点：a ** k 会动多少？这个倍数乘以 out.grad 就是 a 分到的梯度。"),
     ("The factor is k times a to the power k - 1 (use a.data and the plain number k).",
      "这个倍数是 k 乘以 a 的 k - 1 次方（用 a.data 和普通数字 k）。"),
     ("a.grad = a.grad + k * a.data ** (k - 1) * out.grad",
      "a.grad = a.grad + k * a.data ** (k - 1) * out.grad")],
    _check_pow, needs=("topo_sort",))

# ---- -, / by composition -------------------------------------------------------------------------

ARITH_BODY = '''\
from [[value_pow]] import Value, as_value


def neg(a):
    """-a"""
    # TODO: neg
    raise NotImplementedError("TODO: neg")


def sub(a, b):
    """a - b"""
    # TODO: sub
    raise NotImplementedError("TODO: sub")


def rsub(a, b):
    """b - a: Python calls this for 3 - a (a is the Value)"""
    # TODO: rsub
    raise NotImplementedError("TODO: rsub")


def div(a, b):
    """a / b"""
    # TODO: div
    raise NotImplementedError("TODO: div")


def rdiv(a, b):
    """b / a: Python calls this for 3 / a"""
    # TODO: rdiv
    raise NotImplementedError("TODO: rdiv")


Value.__neg__ = neg
Value.__sub__ = sub
Value.__rsub__ = rsub
Value.__truediv__ = div
Value.__rtruediv__ = rdiv
'''


def _check_arith(sol: Any) -> None:
    owned(sol, "neg", "sub", "rsub", "div", "rdiv")
    a, b = sol.Value(3.0), sol.Value(-2.0)
    for expr, fn, want, tip in (
            ("-a", lambda: -a, -3.0, ("-a = a * -1", "-a = a * -1")),
            ("a - b", lambda: a - b, 5.0, ("a - b = a + (-b)", "a - b = a + (-b)")),
            ("10 - a", lambda: 10 - a, 7.0, ("10 - a calls rsub(a, 10): inside rsub the 10 is its "
                                             "parameter b, and the result is b - a (the order is swapped).",
                                             "10 - a 调用的是 rsub(a, 10)：在 rsub 里，10 是它的参数 b，"
                                             "结果是 b - a（顺序反过来）。")),
            ("a / b", lambda: a / b, -1.5, ("a / b = a * b ** -1", "a / b = a * b ** -1")),
            ("6 / a", lambda: 6 / a, 2.0, ("6 / a calls rdiv(a, 6): inside rdiv the 6 is its parameter "
                                           "b, and b / a = b * a ** -1.",
                                           "6 / a 调用的是 rdiv(a, 6)：在 rdiv 里，6 是它的参数 b，"
                                           "b / a = b * a ** -1。"))):
        out = call(expr, fn, on_error=T(*tip) + T(" (Inside rsub and rdiv, b - a or b / a with a plain "
                                                  "number b calls them again, forever.)", "（在 rsub 和 "
                                                                                          "rdiv 里，b "
                                                                                          "是普通数字时 b "
                                                                                          "- a 或 b / a "
                                                                                          "会再次调用它们自己，没完没了。）"))
        if not hasattr(out, "data"):
            raise CheckError(T(f"{expr} should be a Value, received {out!r}",
                               f"{expr} 应该是一个 Value，得到的是 {out!r}"))
        compare(T(f"({expr}).data with a = 3, b = -2", f"({expr}).data，其中 a = 3，b = -2"), out.data,
                want, T(*tip))
    for desc, fn, xs in (("a - b", lambda a, b: a - b, [1.5, 0.25]),
                         ("(a / b - 3) * (2 - a)", lambda a, b: (a / b - 3) * (2 - a), [1.5, 0.5]),
                         ("-a / b + 1 / a", lambda a, b: -a / b + 1 / a, [0.75, -1.25])):
        check_expr(sol, desc, fn, xs, T("build each op from +, * and ** (-a = a * -1, a / b = a * b ** -1): "
                                        "then its backward comes for free.",
                                        "用 +、* 和 ** 组合出每个运算（-a = a * -1，a / b = a * b ** -1）："
                                        "它的反向就自动有了。"))


ARITH = Step(
    "value_arith", ("Your Value learns - and /, by composition", "让你的 Value 支持 - 和 /：用组合得到"),
    ("a new op built from ops that already have a backward needs no backward of its own: -a = a * -1, "
     "a - b = a + (-b), a / b = a * b**-1",
     "用已有反向的运算组合出来的新运算，不需要自己的反向：-a = a * -1，a - b = a + (-b)，a / b = a * b**-1"),
    ("Not every op needs its own backward. If you build a - b as a + (-b)\n"
     "and -b as b * -1, the graph records + and *, whose backward you\n"
     "already wrote, and the gradients come for free. tinygrad_edu calls this\n"
     "'composition first'. Note 3 - a: Python calls a.__rsub__(3).\n\n"
     "Task: write neg, sub, rsub, div and rdiv, each as one line that uses\n"
     "+, *, ** and as_value.",
     "不是每个运算都需要自己的反向。把 a - b 写成 a + (-b)，-b 写成 b * -1，\n"
     "计算图里记下的就是 + 和 *，它们的反向你已经写过了，梯度自然就有了。tinygrad_edu\n"
     "把这叫作“组合优先”。注意 3 - a：Python 调用的是 a.__rsub__(3)。\n\n"
     "任务：写出 neg、sub、rsub、div 和 rdiv，每个一行，只用 +、*、** 和 as_value。"),
    ARITH_BODY,
    {"TODO: neg": "return a * -1", "TODO: sub": "return a + (-as_value(b))",
     "TODO: rsub": "return as_value(b) + (-a)", "TODO: div": "return a * as_value(b) ** -1",
     "TODO: rdiv": "return as_value(b) * a ** -1"},
    [("Which ops that you already have make a minus? And a division? You need no backward here.",
      "已经有的哪些运算能拼出减法？除法呢？这里不需要写反向。"),
     ("Negation is a product with -1; subtraction adds a negation; division multiplies by a power -1. For "
      "rsub and rdiv, b is on the LEFT: wrap it with as_value.",
      "取负就是乘以 -1；减法是加上一个取负；除法是乘以 -1 次幂。rsub 和 rdiv 里 b 在左边：用 as_value "
      "包起来。"),
     ("neg: return a * -1\nsub: return a + (-as_value(b))\nrsub: return as_value(b) + (-a)\n"
      "div: return a * as_value(b) ** -1\nrdiv: return as_value(b) * a ** -1",
      "neg：return a * -1\nsub：return a + (-as_value(b))\nrsub：return as_value(b) + (-a)\n"
      "div：return a * as_value(b) ** -1\nrdiv：return as_value(b) * a ** -1")],
    _check_arith, needs=("value_pow",))

# ---- exp, log ------------------------------------------------------------------------------------


def _check_exp_log(sol: Any) -> None:
    owned(sol, "exp", "log")
    _local(sol, "exp", lambda a: a.exp(), [0.5, -1.2], np.exp,
           [(lambda x: np.exp(x), ("multiply by out.grad (the chain "
                                   "rule).", "要乘以 out.grad（链式法则）。"))],
           ("d exp(a)/da = exp(a), which is out.data: a.grad = a.grad + out.data * out.grad.",
            "d exp(a)/da = exp(a)，也就是 out.data：a.grad = a.grad + out.data * out.grad。"))
    _local(sol, "log", lambda a: a.log(), [0.5, 2.5], lambda x: 1 / x,
           [(lambda x: 1.5 * np.log(x), ("that is log(a) itself: the derivative of log(a) is 1 / a.",
                                        "这是 log(a) 本身：log(a) 的导数是 1 / a。")),
            (lambda x: 1 / x, ("multiply by out.grad (the chain rule).", "要乘以 out.grad（链式法则）。"))],
           ("d log(a)/da = 1 / a: a.grad = a.grad + out.grad / a.data.",
            "d log(a)/da = 1 / a：a.grad = a.grad + out.grad / a.data。"))
    check_expr(sol, "(a * b).exp() + (a * a + 1).log()", lambda a, b: (a * b).exp() + (a * a + 1).log(),
               [0.6, -0.8])


EXP_LOG = Step(
    "value_exp_log", ("Your Value learns exp and log", "让你的 Value 支持 exp 和 log"),
    ("exp' = exp (the output itself) and log' = 1/a: save what the backward needs when you compute the "
     "forward", "exp 的导数就是输出本身，log 的导数是 1/a：前向时就把反向要用的东西留好"),
    ("Two ops with their own backward. exp(a) is its own derivative, so\n"
     "the backward can use out.data (no second np.exp). The derivative of\n"
     "log(a) is 1 / a.\n\n"
     "Task: write the backward of exp and of log.",
     "两个需要自己反向的运算。exp(a) 的导数就是它自己，所以反向可以直接用 out.data\n"
     "（不用再算一次 np.exp）。log(a) 的导数是 1 / a。\n\n"
     "任务：写出 exp 和 log 的反向。"),
    _unary_body("value_arith", [("exp", "np.exp(a.data)", "exp"), ("log", "np.log(a.data)", "log")],
                "Value.exp = exp\nValue.log = log"),
    {"TODO: backward of exp": "a.grad = a.grad + out.data * out.grad",
     "TODO: backward of log": "a.grad = a.grad + out.grad / a.data"},
    [("Which function is its own derivative? What is the slope of log at a?",
      "哪个函数的导数是它自己？log 在 a 处的斜率是多少？"),
     ("exp: the local derivative is out.data. log: it is 1 / a.data. Both times out.grad, added into a.grad.",
      "exp：局部导数是 out.data。log：是 1 / a.data。都乘以 out.grad，再累加到 a.grad。"),
     ("exp: a.grad = a.grad + out.data * out.grad\nlog: a.grad = a.grad + out.grad / a.data",
      "exp：a.grad = a.grad + out.data * out.grad\nlog：a.grad = a.grad + out.grad / a.data")],
    _check_exp_log, needs=("value_arith",))

# ---- tanh, relu ----------------------------------------------------------------------------------


def _check_tanh_relu(sol: Any) -> None:
    owned(sol, "tanh", "relu")
    _local(sol, "tanh", lambda a: a.tanh(), [0.3, -1.1], lambda x: 1 - np.tanh(x) ** 2,
           [(lambda x: 1.5 * (1 - x * x), ("use the OUTPUT t = out.data: 1 - t**2, not 1 - a**2.",
                                          "要用输出 t = out.data：1 - t**2，而不是 1 - a**2。")),
            (lambda x: 1 - np.tanh(x) ** 2, ("multiply by out.grad (the chain rule).",
                                             "要乘以 out.grad（链式法则）。"))],
           ("d tanh(a)/da = 1 - tanh(a)**2 = 1 - out.data**2.", "d tanh(a)/da = 1 - tanh(a)**2 = 1 - "
                                                                "out.data**2。"))
    _local(sol, "relu", lambda a: a.relu(), [0.7, -0.4, 2.0, -3.0], lambda x: float(x > 0),
           [(lambda x: 1.5, ("a negative input was zeroed in the forward: its gradient is 0 too.",
                             "前向里负的输入被置零了：它的梯度也是 0。"))],
           ("d relu(a)/da is 1 where a > 0 and 0 elsewhere: out.grad * (a.data > 0).",
            "d relu(a)/da 在 a > 0 处是 1，其余是 0：out.grad * (a.data > 0)。"))
    for xs in ([0.5, 1.5], [-1.0, 0.25], [2.0, -0.5]):  # scalars: + and * broadcast from step 19 on
        check_expr(sol, "(a * b).tanh() + (a - b).relu()", lambda a, b: (a * b).tanh() + (a - b).relu(), xs)


TANH_RELU = Step(
    "value_tanh_relu", ("Your Value learns tanh and relu", "让你的 Value 支持 tanh 和 relu"),
    ("tanh' = 1 - tanh**2 (from the output) and relu passes the gradient where the input was positive, "
     "nothing elsewhere",
     "tanh 的导数是 1 - tanh**2（用输出算），relu 只在输入为正的地方让梯度通过，其余位置为零"),
    ("The two activations of small networks. tanh's derivative is\n"
     "1 - tanh(a)**2, cheapest with the output. relu(a) = max(a, 0) passes\n"
     "the gradient where a > 0 and blocks it elsewhere (a mask).\n\n"
     "Task: write the backward of tanh and of relu.",
     "小型网络的两个激活函数。tanh 的导数是 1 - tanh(a)**2，用输出算最省。\n"
     "relu(a) = max(a, 0) 在 a > 0 的地方让梯度通过，其余位置挡住（一个掩码）。\n\n"
     "任务：写出 tanh 和 relu 的反向。"),
    _unary_body("value_exp_log", [("tanh", "np.tanh(a.data)", "tanh"),
                                  ("relu", "np.maximum(a.data, 0.0)", "relu")],
                "Value.tanh = tanh\nValue.relu = relu"),
    {"TODO: backward of tanh": "a.grad = a.grad + (1 - out.data ** 2) * out.grad",
     "TODO: backward of relu": "a.grad = a.grad + (a.data > 0) * out.grad"},
    [("Write tanh's derivative with the output, as for exp. For relu: where did the forward let the "
      "input through?", "tanh 的导数像 exp 一样用输出来写。relu：前向在哪些地方让输入通过了？"),
     ("tanh: 1 - out.data ** 2. relu: the mask (a.data > 0), which is True/False, times out.grad.",
      "tanh：1 - out.data ** 2。relu：掩码 (a.data > 0)（True/False）乘以 out.grad。"),
     ("tanh: a.grad = a.grad + (1 - out.data ** 2) * out.grad\nrelu: a.grad = a.grad + (a.data > 0) * "
      "out.grad",
      "tanh：a.grad = a.grad + (1 - out.data ** 2) * out.grad\nrelu：a.grad = a.grad + (a.data > 0) * "
      "out.grad")],
    _check_tanh_relu, needs=("value_exp_log",))
