"""Forward mode: a dual number class on plain floats, then the JVP rule of an op in tinygrad_edu
itself, both checked against tinygrad_edu's ``autograd.forward_ad`` and against central differences."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._common import CheckError, T, call, compare, matches
from ._step import Step, owned

__all__ = ["DUAL", "JVP_RULE"]


# ---- a dual number class -------------------------------------------------------------------------

DUAL_BODY = '''\
import math


class Dual:
    def __init__(self, value, tangent=0.0):
        self.value = value
        self.tangent = tangent

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        # TODO: add
        raise NotImplementedError("TODO: add")

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        # TODO: mul
        raise NotImplementedError("TODO: mul")

    __rmul__ = __mul__


def sin(x):
    # TODO: sin
    raise NotImplementedError("TODO: sin")


def exp(x):
    # TODO: exp
    raise NotImplementedError("TODO: exp")


def derivative(f, x):
    # TODO: derivative
    raise NotImplementedError("TODO: derivative")
'''


def _pair(what: str, d: Any) -> tuple[float, float]:
    if not hasattr(d, "value") or not hasattr(d, "tangent"):
        raise CheckError(T(f"{what} gave {d!r}, which is not a Dual (with .value and .tangent)",
                           f"{what} 得到 {d!r}，它不是 Dual（没有 .value 和 .tangent）"))
    return d.value, d.tangent


def _oracle_derivative(f: Any, x: float) -> float:
    """f'(x) by tinygrad_edu's forward mode: the tangent of f(make_dual(x, 1))."""
    import tinygrad_edu as tg
    from tinygrad_edu.autograd import forward_ad as fwad
    with fwad.dual_level():
        d = fwad.make_dual(tg.tensor(x), tg.tensor(1.0))
        out = f(d, lambda t: t.sin(), lambda t: t.exp())
        return float(fwad.unpack_dual(out).tangent.item())


def _check_dual(sol: Any) -> None:
    owned(sol, "Dual", "sin", "exp", "derivative")
    D = sol.Dual
    v, t = _pair("Dual(2.0, 3.0) + Dual(5.0, 7.0)", call("Dual(2.0, 3.0) + Dual(5.0, 7.0)",
                                                        lambda: D(2.0, 3.0) + D(5.0, 7.0)))
    compare(T("the value of Dual(2.0, 3.0) + Dual(5.0, 7.0)", "Dual(2.0, 3.0) + Dual(5.0, 7.0) 的值"), v, 7.0,
            T("values add: 2 + 5.", "值相加：2 + 5。"))
    compare(T("the tangent of Dual(2.0, 3.0) + Dual(5.0, 7.0)", "Dual(2.0, 3.0) + Dual(5.0, 7.0) 的切向量"),
            t, 10.0, T("tangents add too: (a + b eps) + (c + d eps) = (a + c) + (b + d) eps.",
                       "切向量也相加：(a + b eps) + (c + d eps) = (a + c) + (b + d) eps。"))
    v, t = _pair("Dual(2.0, 3.0) * Dual(5.0, 7.0)", call("Dual(2.0, 3.0) * Dual(5.0, 7.0)",
                                                        lambda: D(2.0, 3.0) * D(5.0, 7.0)))
    compare(T("the value of Dual(2.0, 3.0) * Dual(5.0, 7.0)", "Dual(2.0, 3.0) * Dual(5.0, 7.0) 的值"),
            v, 10.0, T("values multiply: 2 * 5.", "值相乘：2 * 5。"))
    if matches(t, 14.0) or matches(t, 15.0):
        tip = T("the product rule has two terms: a * d + b * c; your tangent has only one of them.",
                "乘积法则有两项：a * d + b * c；你的切向量只有其中一项。")
    elif matches(t, 21.0):
        tip = T("the tangents do not multiply each other: (a + b eps)(c + d eps) = ac + (ad + bc) eps, "
                "the product rule.", "切向量不是彼此相乘：(a + b eps)(c + d eps) = ac + (ad + bc) eps，"
                                     "也就是乘积法则。")
    else:
        tip = T("(a + b eps)(c + d eps) = ac + (ad + bc) eps: the product rule.",
                "(a + b eps)(c + d eps) = ac + (ad + bc) eps：乘积法则。")
    compare(T("the tangent of Dual(2.0, 3.0) * Dual(5.0, 7.0)", "Dual(2.0, 3.0) * Dual(5.0, 7.0) 的切向量"),
            t, 29.0, tip)
    for name, fn, deriv in (("sin", math.sin, math.cos), ("exp", math.exp, math.exp)):
        what = f"{name}(Dual(0.7, 2.0))"
        v, t = _pair(what, call(what, getattr(sol, name), D(0.7, 2.0)))
        compare(T(f"the value of {what}", f"{what} 的值"), v, fn(0.7))
        if matches(t, deriv(0.7)):
            tip = T(f"multiply {name}'(value) by the tangent (the chain rule): f(a + b eps) = f(a) + "
                    f"f'(a) b eps.", f"要把 {name}'(value) 乘以切向量（链式法则）：f(a + b eps) = f(a) + "
                                     f"f'(a) b eps。")
        else:
            tip = T(f"f(a + b eps) = f(a) + f'(a) b eps, with {name}' = {deriv.__name__}.",
                    f"f(a + b eps) = f(a) + f'(a) b eps，其中 {name}' = {deriv.__name__}。")
        compare(T(f"the tangent of {what}", f"{what} 的切向量"), t, 2.0 * deriv(0.7), tip)
    got = call("derivative(lambda x: 3 * x, 0.5)", sol.derivative, lambda x: 3 * x, 0.5)
    if hasattr(got, "tangent"):
        raise CheckError(T("derivative(f, x) returned a Dual: return the number f(x).tangent.",
                           "derivative(f, x) 返回了一个 Dual：要返回数字 f(x).tangent。"))
    if matches(got, 0.0) or matches(got, 1.5):
        tip = T("seed the tangent to 1: call f(Dual(x, 1.0)); dx/dx = 1, so the tangent that comes out "
                "is f'(x).", "把切向量的种子设为 1：调用 f(Dual(x, 1.0))；dx/dx = 1，于是出来的切向量就是 "
                             "f'(x)。")
    else:
        tip = T("return f(Dual(x, 1.0)).tangent.", "返回 f(Dual(x, 1.0)).tangent。")
    compare("derivative(lambda x: 3 * x, 0.5)", got, 3.0, tip)

    def g(x: Any, sin: Any, exp: Any) -> Any:
        return x * x * sin(x) + exp(x * 3) + 2 * x

    for x in (0.4, -1.3):
        got = call(f"derivative(f, {x})", sol.derivative, lambda d: g(d, sol.sin, sol.exp), x)
        h = 1e-6
        num = (g(x + h, math.sin, math.exp) - g(x - h, math.sin, math.exp)) / (2 * h)
        want = _oracle_derivative(g, x)
        compare(T(f"derivative(f, {x}) against central differences, f(x) = x * x * sin(x) + exp(x * 3) + "
                  f"2 * x", f"derivative(f, {x}) 与中心差分比较，f(x) = x * x * sin(x) + exp(x * 3) + 2 * x"),
                got, num, tip, rtol=1e-6, atol=1e-6)
        compare(T(f"derivative(f, {x}) against tinygrad_edu.autograd.forward_ad",
                  f"derivative(f, {x}) 与 tinygrad_edu.autograd.forward_ad 比较"), got, want, tip)


DUAL_SOLUTION = {
    "TODO: add": "return Dual(self.value + other.value, self.tangent + other.tangent)",
    "TODO: mul": "return Dual(self.value * other.value,\n"
                 "            self.value * other.tangent + self.tangent * other.value)",
    "TODO: sin": "return Dual(math.sin(x.value), math.cos(x.value) * x.tangent)",
    "TODO: exp": "return Dual(math.exp(x.value), math.exp(x.value) * x.tangent)",
    "TODO: derivative": "return f(Dual(x, 1.0)).tangent",
}

DUAL = Step(
    "dual_numbers", ("A dual number class", "对偶数类"),
    ("forward mode carries beside each number its rate of change, a + b eps with eps ** 2 = 0: the "
     "arithmetic then does the chain rule by itself, and seeding the input's tangent with 1 gives f'(x)",
     "前向模式在每个数旁边带上它的变化率，a + b eps，且 eps ** 2 = 0：算术自己就完成了链式法则，"
     "把输入的切向量设为 1，出来的就是 f'(x)"),
    ("Reverse mode (your backward) asks how one output depends on every input.\n"
     "Forward mode asks how every output moves when the input moves, in one\n"
     "pass forwards. Carry beside each number a its tangent b, as a + b eps with\n"
     "eps ** 2 = 0 (docs/transforms.md works one through by hand):\n\n"
     "    (a + b eps) + (c + d eps) = (a + c) + (b + d) eps\n"
     "    (a + b eps) * (c + d eps) = ac + (ad + bc) eps        (the product rule)\n"
     "    f(a + b eps)              = f(a) + f'(a) b eps        (the chain rule)\n\n"
     "Task: write + and * of Dual, sin and exp of a Dual (use math), and\n"
     "derivative(f, x), which runs f on a Dual whose tangent is seeded to 1\n"
     "and returns the tangent that comes out (a float). The check compares it\n"
     "with central differences and with tinygrad_edu.autograd.forward_ad.",
     "反向模式（你的 backward）问的是一个输出如何依赖每个输入。前向模式问的是输入动一下时，\n"
     "每个输出怎样动，只需向前走一遍。在每个数 a 旁边带上它的切向量 b，写成 a + b eps，\n"
     "并且 eps ** 2 = 0（docs/transforms.md 里有一个手算的例子）：\n\n"
     "    (a + b eps) + (c + d eps) = (a + c) + (b + d) eps\n"
     "    (a + b eps) * (c + d eps) = ac + (ad + bc) eps        （乘积法则）\n"
     "    f(a + b eps)              = f(a) + f'(a) b eps        （链式法则）\n\n"
     "任务：写出 Dual 的 + 和 *、Dual 的 sin 和 exp（用 math），以及 derivative(f, x)：\n"
     "它在切向量种子为 1 的 Dual 上运行 f，返回出来的切向量（一个浮点数）。检查程序把它与\n"
     "中心差分以及 tinygrad_edu.autograd.forward_ad 比较。"),
    DUAL_BODY, DUAL_SOLUTION,
    [("Each rule is the one in the text: the value part is the ordinary arithmetic, the tangent part is "
      "the derivative rule. To get f'(x), the input's own rate of change dx/dx must be 1.",
      "每条规则就是正文里那条：值的部分是普通算术，切向量的部分是求导法则。要得到 f'(x)，"
      "输入自己的变化率 dx/dx 必须是 1。"),
     ("+ adds values and tangents; * multiplies values and gives self.value * other.tangent + "
      "self.tangent * other.value; sin gives math.cos(x.value) times x.tangent; derivative builds "
      "Dual(x, 1.0), calls f on it and takes .tangent.",
      "+ 把值和切向量分别相加；* 把值相乘，切向量是 self.value * other.tangent + "
      "self.tangent * other.value；sin 的切向量是 math.cos(x.value) 乘以 x.tangent；derivative "
      "构造 Dual(x, 1.0)，对它调用 f，再取 .tangent。"),
     ("return Dual(self.value + other.value, self.tangent + other.tangent)\n"
      "return Dual(self.value * other.value, self.value * other.tangent + self.tangent * other.value)\n"
      "return Dual(math.sin(x.value), math.cos(x.value) * x.tangent)\n"
      "return Dual(math.exp(x.value), math.exp(x.value) * x.tangent)\n"
      "return f(Dual(x, 1.0)).tangent",
      "return Dual(self.value + other.value, self.tangent + other.tangent)\n"
      "return Dual(self.value * other.value, self.value * other.tangent + self.tangent * other.value)\n"
      "return Dual(math.sin(x.value), math.cos(x.value) * x.tangent)\n"
      "return Dual(math.exp(x.value), math.exp(x.value) * x.tangent)\n"
      "return f(Dual(x, 1.0)).tangent")],
    _check_dual)


# ---- the JVP rule of an op -----------------------------------------------------------------------

JVP_BODY = '''\
import numpy as np

from tinygrad_edu import Function


class Softplus(Function):
    derivative = ("dz/dx = sigmoid(x) = 1 / (1 + exp(-x))",)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad / (1 + (-x).exp())

    @staticmethod
    def jvp(ctx, t):
        # TODO: jvp
        raise NotImplementedError("TODO: jvp")
'''


def _sig(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(x / 2))


def _check_jvp(sol: Any) -> None:
    import tinygrad_edu as tg
    from tinygrad_edu.autograd import forward_ad as fwad
    from tinygrad_edu.func import jvp as func_jvp

    owned(sol, "Softplus")
    S = sol.Softplus
    if not (isinstance(S, type) and issubclass(S, tg.Function)):
        raise CheckError(T("Softplus must be a subclass of tinygrad_edu.Function.",
                           "Softplus 必须是 tinygrad_edu.Function 的子类。"))
    if "jvp" not in vars(S):
        raise CheckError(T("Softplus has no jvp of its own: write the static method jvp(ctx, t) in the "
                           "class.",
                           "Softplus 没有自己的 jvp：请在类里写出静态方法 jvp(ctx, t)。"))
    x_np = np.array([-3.0, -0.5, 0.0, 0.25, 1.5, 4.0])
    t_np = np.array([1.5, -2.0, 0.5, 1.0, -0.75, 2.0])
    s = _sig(x_np)
    want = t_np * s
    with fwad.dual_level():
        d = fwad.make_dual(tg.tensor(x_np), tg.tensor(t_np))
        out = call("Softplus.apply(make_dual(x, t))", S.apply, d)
        got = fwad.unpack_dual(out).tangent
    got = None if got is None else got.detach().numpy()
    if matches(got, t_np):
        tip = T("multiply the tangent t by the local derivative softplus'(x) = sigmoid(x).",
                "要把切向量 t 乘以局部导数 softplus'(x) = sigmoid(x)。")
    elif matches(got, s):
        tip = T("that is softplus'(x) alone: the JVP is J t, the derivative TIMES the tangent t.",
                "那只是 softplus'(x)：JVP 是 J t，导数乘以切向量 t。")
    elif matches(got, t_np * np.logaddexp(0, x_np)):
        tip = T("that is t times the output: softplus'(x) = sigmoid(x), not softplus(x).",
                "那是 t 乘以输出：softplus'(x) = sigmoid(x)，不是 softplus(x)。")
    else:
        tip = T("the JVP of an elementwise op is t * f'(x): here t * sigmoid(x).",
                "逐元素算子的 JVP 是 t * f'(x)：这里是 t * sigmoid(x)。")
    compare(T(f"the tangent of Softplus.apply(make_dual(x, t)) under forward_ad, x = {x_np.tolist()}, "
              f"t = {t_np.tolist()}", f"forward_ad 下 Softplus.apply(make_dual(x, t)) 的切向量，x = "
                                      f"{x_np.tolist()}，t = {t_np.tolist()}"), got, want, tip, rtol=1e-10)
    h = 1e-6
    num = (np.logaddexp(0, x_np + h * t_np) - np.logaddexp(0, x_np - h * t_np)) / (2 * h)
    compare(T("the tangent against central differences (f(x + h t) - f(x - h t)) / 2h",
              "切向量与中心差分 (f(x + h t) - f(x - h t)) / 2h 比较"), got, num, tip, rtol=1e-6, atol=1e-8)
    _, tangent = call("tinygrad_edu.func.jvp(Softplus.apply, (x,), (t,))", func_jvp,
                      lambda a: S.apply(a), (tg.tensor(x_np),), (tg.tensor(t_np),))
    compare(T("the tangent from tinygrad_edu.func.jvp", "tinygrad_edu.func.jvp 给出的切向量"),
            tangent.detach().numpy(), want, tip, rtol=1e-10)
    # written with tensor ops, the tangent can be differentiated again (reverse over forward)
    x = tg.tensor(x_np, requires_grad=True)
    with fwad.dual_level():
        tan = fwad.unpack_dual(S.apply(fwad.make_dual(x, tg.tensor(t_np)))).tangent
    if tan is None or not tan.requires_grad:
        raise CheckError(T("the tangent has no graph: write jvp with tensor ops on ctx.saved_values (the "
                           "saved x is a tensor there, as in backward), not with numpy, so that it can be "
                           "differentiated again.",
                           "切向量没有计算图：jvp 要像 backward 一样用张量运算作用在 ctx.saved_values 上"
                           "（那里保存的 x 是张量），不要用 numpy，这样它才能再被求导。"))
    tan.sum().backward()
    compare(T("x.grad of the tangent's sum (the second derivative t * s * (1 - s))",
              "切向量之和对 x 的梯度（二阶导数 t * s * (1 - s)）"), x.grad.numpy(), t_np * s * (1 - s), tip,
            rtol=1e-8)


JVP_RULE = Step(
    "jvp_rule", ("A JVP rule", "JVP 规则"),
    ("an op's JVP rule pushes the input's tangent forward, J t; for an elementwise op the Jacobian is "
     "diagonal, so J t is t times the local derivative, and forward mode calls the rule while a dual "
     "level is open",
     "算子的 JVP 规则把输入的切向量向前推：J t；逐元素算子的雅可比矩阵是对角的，所以 J t 就是 t "
     "乘以局部导数；只要对偶层级打开，前向模式就调用这条规则"),
    ("Step [[#dual_numbers]] carried tangents by hand. tinygrad_edu does the same for\n"
     "tensors (tinygrad_edu.autograd.forward_ad, tinygrad_edu.func.jvp): while a\n"
     "dual level is open, every op gets its output's tangent from its own rule\n"
     "jvp(ctx, *tangents), written beside its backward (docs/transforms.md and\n"
     "tinygrad_edu/ops/elementwise.py show them).\n\n"
     "Softplus(x) = log(1 + exp(x)) has softplus'(x) = sigmoid(x). Its forward and\n"
     "backward are given. In jvp, ctx.saved_values holds x as a tensor: write\n"
     "the rule with tensor ops (as backward does), so that the tangent can be\n"
     "differentiated again. Only Function may be imported from tinygrad_edu.\n\n"
     "Task: write Softplus.jvp(ctx, t).",
     "第 [[#dual_numbers]] 步手工携带了切向量。tinygrad_edu 对张量做同样的事\n"
     "（tinygrad_edu.autograd.forward_ad、tinygrad_edu.func.jvp）：只要对偶层级打开，\n"
     "每个算子都由它自己的规则 jvp(ctx, *tangents) 得到输出的切向量，这条规则写在它的\n"
     "backward 旁边（见 docs/transforms.md 和 tinygrad_edu/ops/elementwise.py）。\n\n"
     "Softplus(x) = log(1 + exp(x))，softplus'(x) = sigmoid(x)。它的 forward 和 backward\n"
     "已经给出。在 jvp 里，ctx.saved_values 中的 x 是一个张量：像 backward 那样用张量运算\n"
     "写这条规则，切向量才能再被求导。这里只允许从 tinygrad_edu 导入 Function。\n\n"
     "任务：写出 Softplus.jvp(ctx, t)。"),
    JVP_BODY,
    {"TODO: jvp": "(x,) = ctx.saved_values\nreturn t / (1 + (-x).exp())"},
    [("The Jacobian of an elementwise op is diagonal: the output's tangent is the input's tangent scaled "
      "by the local derivative, the same factor backward uses on the upstream gradient.",
      "逐元素算子的雅可比矩阵是对角的：输出的切向量就是输入的切向量乘以局部导数，"
      "也就是 backward 乘在上游梯度上的那个因子。"),
     ("Read x back from ctx.saved_values and return t times sigmoid(x), written with tensor ops: "
      "1 / (1 + (-x).exp()).",
      "从 ctx.saved_values 取回 x，返回 t 乘以 sigmoid(x)，用张量运算写成 1 / (1 + (-x).exp())。"),
     ("(x,) = ctx.saved_values\nreturn t / (1 + (-x).exp())",
      "(x,) = ctx.saved_values\nreturn t / (1 + (-x).exp())")],
    _check_jvp, allow=(("tinygrad_edu", "Function"),))
