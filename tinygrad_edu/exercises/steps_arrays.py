"""Arrays in the learner's ``Value``: + and * that broadcast (with the learner's unbroadcast), sum and
mean (with the learner's sum_backward), and matmul (with the learner's matmul_backward)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import T
from ._step import Step, check_expr, owned

__all__ = ["BROADCAST", "SUM_MEAN", "MATMUL"]

BROADCAST_BODY = '''\
from [[value_tanh_relu]] import Value, as_value
from [[unbroadcast]] import unbroadcast


def add(a, b):
    b = as_value(b)
    out = Value(a.data + b.data, (a, b), "+")

    def backward():
        # TODO: backward of + that broadcasts
        raise NotImplementedError("TODO: backward of + that broadcasts")

    out._backward = backward
    return out


def mul(a, b):
    b = as_value(b)
    out = Value(a.data * b.data, (a, b), "*")

    def backward():
        # TODO: backward of * that broadcasts
        raise NotImplementedError("TODO: backward of * that broadcasts")

    out._backward = backward
    return out


Value.__add__ = Value.__radd__ = add
Value.__mul__ = Value.__rmul__ = mul
'''

_UNBROADCAST = ("a.grad has a's shape, out.grad the broadcast shape: sum out.grad's share back to each "
                "parent's shape with unbroadcast(g, a.data.shape).",
                "a.grad 是 a 的形状，out.grad 是广播后的形状：用 unbroadcast(g, a.data.shape) 把每份梯度"
                "求和回父节点的形状。")


def _check_broadcast(sol: Any) -> None:
    owned(sol, "add", "mul", "unbroadcast")
    rng = np.random.default_rng(2019)
    cases = [((3,), (2, 3)), ((2, 1), (2, 3)), ((), (2, 3)), ((4, 1, 3), (2, 1)), ((2, 3), (2, 3))]
    for sa, sb in cases:
        a, b = rng.uniform(-2, 2, sa), rng.uniform(-2, 2, sb)
        for desc, fn in ((f"a + b, a of shape {sa}, b of shape {sb}", lambda x, y: x + y),
                         (f"a * b, a of shape {sa}, b of shape {sb}", lambda x, y: x * y),
                         (f"(a * b + a) * b, a of shape {sa}, b of shape {sb}",
                          lambda x, y: (x * y + x) * y)):
            check_expr(sol, desc, fn, [a, b], T(*_UNBROADCAST))
    check_expr(sol, "(a - b) / (b * b + 1), shapes (3,) and (2, 3)", lambda x, y: (x - y) / (y * y + 1),
               [rng.uniform(-2, 2, 3), rng.uniform(-2, 2, (2, 3))], T(*_UNBROADCAST))


BROADCAST = Step(
    "value_broadcast", ("Your + and * broadcast", "让你的 + 和 * 支持广播"),
    ("a broadcast operand was used many times, so its gradient is the sum over its copies: unbroadcast "
     "each parent's share back to its own shape",
     "被广播的操作数相当于被用了很多次，所以它的梯度是各份拷贝之和：把每个父节点分到的梯度反广播回它自己的形状"),
    ("Your Values hold numpy arrays, and numpy broadcasts: a bias of shape\n"
     "(3,) plus a batch (2, 3). The forward already works, but the backward\n"
     "of + and * adds an out.grad of shape (2, 3) into a.grad of shape (3,),\n"
     "which fails. Your unbroadcast (step [[#unbroadcast]]) sums it back. Every op built on\n"
     "+ and * (-, /) is fixed at the same time.\n\n"
     "Task: write the backward of + and * again, with unbroadcast.",
     "你的 Value 存的是 numpy 数组，而 numpy 会广播：形状 (3,) 的偏置加上一批 (2, 3) 的数据。\n"
     "前向已经能算，但 + 和 * 的反向会把形状 (2, 3) 的 out.grad 加到形状 (3,) 的 a.grad 上，\n"
     "这就出错了。你在第 [[#unbroadcast]] 步写的 unbroadcast 能把它求和回去。建立在 + 和 * 之上的运算\n"
     "（-、/）也同时修好了。\n\n"
     "任务：用 unbroadcast 重新写 + 和 * 的反向。"),
    BROADCAST_BODY,
    {"TODO: backward of + that broadcasts": "a.grad = a.grad + unbroadcast(out.grad, a.data.shape)\n"
                                            "b.grad = b.grad + unbroadcast(out.grad, b.data.shape)",
     "TODO: backward of * that broadcasts": "a.grad = a.grad + unbroadcast(b.data * out.grad, a.data.shape)\n"
                                            "b.grad = b.grad + unbroadcast(a.data * out.grad, b.data.shape)"},
    [("The local gradients are the ones you wrote in step [[#add_mul_backward]]; only their shape is "
      "wrong. Which function "
      "of yours brings a gradient back to an input's shape?",
      "局部梯度和第 [[#add_mul_backward]] 步写的一样，只是形状不对。"
      "你写过的哪个函数能把梯度变回输入的形状？"),
     ("Compute each parent's share as in step [[#add_mul_backward]] (out.grad, or the other operand's "
      "data times out.grad), "
      "then pass it through unbroadcast(share, parent.data.shape) before adding it.",
      "像第 [[#add_mul_backward]] 步那样算出每个父节点分到的梯度（out.grad，或另一个操作数的 data 乘以 "
      "out.grad），"
      "加进去之前先经过 unbroadcast(share, parent.data.shape)。"),
     ("+: a.grad = a.grad + unbroadcast(out.grad, a.data.shape)   (the same for b)\n"
      "*: a.grad = a.grad + unbroadcast(b.data * out.grad, a.data.shape)\n"
      "   b.grad = b.grad + unbroadcast(a.data * out.grad, b.data.shape)",
      "+：a.grad = a.grad + unbroadcast(out.grad, a.data.shape)（b 也一样）\n"
      "*：a.grad = a.grad + unbroadcast(b.data * out.grad, a.data.shape)\n"
      "   b.grad = b.grad + unbroadcast(a.data * out.grad, b.data.shape)")],
    _check_broadcast, needs=("value_tanh_relu", "unbroadcast"))

# ---- sum, mean -----------------------------------------------------------------------------------

SUM_MEAN_BODY = '''\
from [[value_broadcast]] import Value, as_value
from [[sum_mean]] import sum_backward


def sum_(a, axis=None, keepdims=False):
    """The sum of a's elements (along axis, if given) as a Value."""
    out = Value(a.data.sum(axis=axis, keepdims=keepdims), (a,), "sum")

    def backward():
        # TODO: backward of sum
        raise NotImplementedError("TODO: backward of sum")

    out._backward = backward
    return out


def mean(a, axis=None, keepdims=False):
    """The mean, by composition: no backward of its own."""
    # TODO: mean
    raise NotImplementedError("TODO: mean")


Value.sum = sum_
Value.mean = mean
'''


def _check_sum_mean(sol: Any) -> None:
    owned(sol, "sum_", "mean")
    rng = np.random.default_rng(2021)
    x = rng.uniform(-2, 2, (3, 4))
    w = rng.uniform(-2, 2, (3, 4))
    tip = T("a.grad = a.grad + sum_backward(out.grad, a.data.shape, axis, keepdims): each element of a "
            "was added once, so it gets the gradient of the sum it went into.",
            "a.grad = a.grad + sum_backward(out.grad, a.data.shape, axis, keepdims)：a "
            "的每个元素只被加了一次，"
            "所以它得到它所在那个和的梯度。")
    mtip = T("mean = sum * (1 / n), n the number of elements summed (all of them when axis is None).",
             "mean = sum * (1 / n)，n 是参与求和的元素个数（axis 为 None 时是全部元素）。")
    for desc, fn, t in (("(a * w).sum()", lambda a, w: (a * w).sum(), tip),
                        ("(a * w).sum(axis=1) * [1, 2, 3]",
                         lambda a, w: (a * w).sum(1) * np.array([1.0, 2.0, 3.0]), tip),
                        ("(a * w).sum(axis=0, keepdims=True) * "
                         "a", lambda a, w: (a * w).sum(0, True) * a, tip),
                        ("a.sum(axis=1) * w.sum(axis=1) + a.sum(axis=1) (a summed twice)",
                         lambda a, w: a.sum(1) * w.sum(1) + a.sum(1),
                         tip + T(" ADD into a.grad: a is summed twice.",
                                 "要累加进 a.grad：a 被求和了两次。")),
                        ("(a * w).mean()", lambda a, w: (a * w).mean(), mtip),
                        ("(a * w).mean(axis=1, keepdims=True) * "
                         "a", lambda a, w: (a * w).mean(1, True) * a, mtip)):
        check_expr(sol, desc, _numpy_kw(fn), [x, w], t, names="aw")


def _numpy_kw(fn: Any) -> Any:
    """The learner's sum/mean take (axis, keepdims), tinygrad_edu's (dim, keepdim): positional calls fit
    both."""
    return fn


SUM_MEAN = Step(
    "value_sum_mean", ("Your Value learns sum and mean", "让你的 Value 支持求和与平均"),
    ("sum copies the gradient back to every element it added (re-inserting the summed axis); mean is a sum "
     "times 1/n, so it needs no backward of its own",
     "求和把梯度复制回参与求和的每个元素（先把求和的轴补回来）；平均就是求和乘以 1/n，不需要自己的反向"),
    ("A loss is one number: the sum or the mean of many. Your sum_backward\n"
     "(step [[#sum_mean]]) spreads out.grad back to a's shape. mean needs no backward:\n"
     "it is a sum times 1/n.\n\n"
     "Task: the backward of sum, and mean by composition.",
     "损失是一个数：很多数的和或平均。你在第 [[#sum_mean]] 步写的 sum_backward 会把 out.grad\n"
     "铺回 a 的形状。平均不需要反向：它就是求和乘以 1/n。\n\n"
     "任务：写出 sum 的反向，以及用组合写出 mean。"),
    SUM_MEAN_BODY,
    {"TODO: backward of sum": "a.grad = a.grad + sum_backward(out.grad, a.data.shape, axis, keepdims)",
     "TODO: mean": "n = a.data.size if axis is None else a.data.shape[axis]\n"
                   "return sum_(a, axis, keepdims) * (1.0 / n)"},
    [("You wrote the gradient of a sum already, as a numpy function. And what is a mean made of?",
      "求和的梯度你已经写过了，是一个 numpy 函数。平均又是由什么组成的？"),
     ("sum: pass out.grad, a's shape, axis and keepdims to your sum_backward. mean: count n (all elements, "
      "or the length of the axis), then multiply the sum by 1 / n.",
      "sum：把 out.grad、a 的形状、axis 和 keepdims 交给你的 sum_backward。mean：数出 n（全部元素，"
      "或那根轴的长度），再把和乘以 1 / n。"),
     ("sum:  a.grad = a.grad + sum_backward(out.grad, a.data.shape, axis, keepdims)\n"
      "mean: n = a.data.size if axis is None else a.data.shape[axis]\n"
      "      return sum_(a, axis, keepdims) * (1.0 / n)",
      "sum：a.grad = a.grad + sum_backward(out.grad, a.data.shape, axis, keepdims)\n"
      "mean：n = a.data.size if axis is None else a.data.shape[axis]\n"
      "      return sum_(a, axis, keepdims) * (1.0 / n)")],
    _check_sum_mean, needs=("value_broadcast", "sum_mean"))

# ---- matmul --------------------------------------------------------------------------------------

MATMUL_BODY = '''\
from [[value_sum_mean]] import Value, as_value
from [[matmul]] import matmul_backward


def matmul(a, b):
    """a @ b for 2-D a and b."""
    b = as_value(b)
    out = Value(a.data @ b.data, (a, b), "@")

    def backward():
        # TODO: backward of @
        raise NotImplementedError("TODO: backward of @")

    out._backward = backward
    return out


Value.__matmul__ = matmul
'''


def _check_matmul(sol: Any) -> None:
    owned(sol, "matmul", "matmul_backward")
    rng = np.random.default_rng(2023)
    tip = T("ga, gb = matmul_backward(a.data, b.data, out.grad), then add ga into a.grad and gb into b.grad.",
            "ga, gb = matmul_backward(a.data, b.data, out.grad)，再把 ga 加进 a.grad，gb 加进 b.grad。")
    for sa, sb in (((2, 3), (3, 4)), ((5, 2), (2, 1)), ((1, 3), (3, 3))):
        check_expr(sol, f"a @ b, shapes {sa} and {sb}", lambda a, b: a @ b,
                   [rng.uniform(-1, 1, sa), rng.uniform(-1, 1, sb)], tip)
    check_expr(sol, "a @ b + a @ b * 2 (a and b used twice)", lambda a, b: a @ b + a @ b * 2,
               [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3, 2))],
               tip + T(" ADD into the grads: a and b are used twice.", "要累加进梯度：a 和 b 都被用了两次。"))
    check_expr(sol, "((x @ w + b).relu() * x @ w).mean()",
               lambda x, w, b: ((x @ w + b).relu() * x @ w).mean(),
               [rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, 3)], tip,
               names="xwb")


MATMUL = Step(
    "value_matmul", ("Your Value learns @ (matrix product)", "让你的 Value 支持矩阵乘法 @"),
    ("the gradients of a @ b are out.grad @ b.T and a.T @ out.grad: with @ a layer is one op",
     "a @ b 的梯度是 out.grad @ b.T 和 a.T @ out.grad：有了 @，一层网络就是一个运算"),
    ("A layer of a network is x @ W + b. You have + with broadcasting; the\n"
     "last op is @, whose backward you wrote as a numpy function (step [[#matmul]]).\n\n"
     "Task: the backward of @, with your matmul_backward.",
     "网络的一层是 x @ W + b。带广播的 + 已经有了；最后一个运算是 @，它的反向你在第 [[#matmul]] 步\n"
     "写成了一个 numpy 函数。\n\n"
     "任务：用你的 matmul_backward 写出 @ 的反向。"),
    MATMUL_BODY,
    {"TODO: backward of @": "ga, gb = matmul_backward(a.data, b.data, out.grad)\n"
                            "a.grad = a.grad + ga\nb.grad = b.grad + gb"},
    [("The numbers come from a function you already wrote; here you only route them to the parents.",
      "数值来自你已经写好的函数；这里只是把它们送到父节点。"),
     ("Call matmul_backward with the two operands' data and out.grad; it returns one gradient per operand.",
      "用两个操作数的 data 和 out.grad 调用 matmul_backward；它为每个操作数返回一个梯度。"),
     ("ga, gb = matmul_backward(a.data, b.data, out.grad)\na.grad = a.grad + ga\nb.grad = b.grad + gb",
      "ga, gb = matmul_backward(a.data, b.data, out.grad)\na.grad = a.grad + ga\nb.grad = b.grad + gb")],
    _check_matmul, needs=("value_sum_mean", "matmul"))
