"""Exercise 6: the backward of exp and tanh, written with the op's output."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._common import SCALAR, call, check_grads, check_node

NAME = "exp_tanh"
TITLE = "Backward of Exp and Tanh"
IDEA = "exp' = exp and tanh' = 1 - tanh**2: both derivatives are cheapest written with the OUTPUT"
HINT = """exp: d(e**x)/dx = e**x, which is out.data: `return (grad * out.data,)`.
tanh: with t = tanh(x) = out.data, d(tanh x)/dx = 1 - t**2: `return (grad * (1 - out.data**2),)`.
Mind the comma: a tuple with one gradient is (g,)."""

TEMPLATE = '''\
"""Exercise 6: the backward of exp and tanh (one input each).

    d/dx exp(x)  = exp(x)            = the output itself
    d/dx tanh(x) = 1 - tanh(x)**2    = 1 - (the output)**2

Both derivatives are cheapest when written with the op's OUTPUT, which
the forward has already computed: no exp or tanh has to be evaluated a
second time. (PyTorch saves the output of these ops for that reason.)

A one-input op still returns a tuple: (gradient for self,).

Task: write the backward of Scalar.exp and of Scalar.tanh.
Check:  python -m tinygrad_edu.exercises check 6
"""
import math


''' + SCALAR + '''
    def exp(self):
        out = Scalar(math.exp(self.data), (self,))

        def backward_fn(grad):
            # TODO: return (gradient for self,)
            raise NotImplementedError("TODO: backward of exp")

        out.backward_fn = backward_fn
        return out

    def tanh(self):
        out = Scalar(math.tanh(self.data), (self,))

        def backward_fn(grad):
            # TODO: return (gradient for self,)
            raise NotImplementedError("TODO: backward of tanh")

        out.backward_fn = backward_fn
        return out
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: backward of exp": "return (grad * out.data,)",
    "TODO: backward of tanh": "return (grad * (1 - out.data**2),)",
}


# ---- check -------------------------------------------------------------------------------------

def check(sol: Any) -> None:
    rng = np.random.default_rng(2006)
    cases = [(0.5, 1.5), (-1.2, -2.0), (2.0, 0.75)]
    cases += [(float(rng.uniform(-2.5, 2.5)), float(rng.uniform(-2, 2))) for _ in range(3)]
    no_grad = "multiply the local derivative by the upstream grad (chain rule)."
    for x, g in cases:
        X = sol.Scalar(x)
        what = f"Scalar({x!r}).exp()"
        out = call(what, X.exp)
        check_node(what, out, math.exp(x), (X,))
        e = math.exp(x)
        check_grads(what, out, g, (g * e,),
                    [((g * x,), "d/dx exp(x) = exp(x), the output (out.data), not the input x."),
                     ((e,), no_grad), ((g,), "d/dx exp(x) = exp(x): multiply grad by out.data.")],
                    "d/dx exp(x) = exp(x) = out.data, times the upstream grad.", names=("x",))
    for x, g in cases:
        X = sol.Scalar(x)
        what = f"Scalar({x!r}).tanh()"
        out = call(what, X.tanh)
        t = math.tanh(x)
        check_node(what, out, t, (X,))
        check_grads(what, out, g, (g * (1 - t * t),),
                    [((g * (1 - x * x),), "1 - tanh(x)**2 squares the OUTPUT t = tanh(x) "
                                          "(out.data), not the input x."),
                     ((g * (1 - t),), "d/dx tanh(x) = 1 - t**2: the output t must be squared."),
                     ((1 - t * t,), no_grad)],
                    "d/dx tanh(x) = 1 - tanh(x)**2 = 1 - out.data**2, times the upstream grad.",
                    names=("x",))


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = 'exp 和 tanh 的反向'
IDEA_ZH = "exp' = exp，tanh' = 1 - tanh**2：两个导数都用输出来写最省"
TEXT_ZH = (
    '    d/dx exp(x)  = exp(x)            = 输出本身\n'
    '    d/dx tanh(x) = 1 - tanh(x)**2    = 1 - 输出**2\n'
    '\n两个导数都用运算的输出来写最省：前向已经算过了，不用再算一次 exp 或 tanh。\n'
    '（PyTorch 也因此保存这些运算的输出。）只有一个输入的运算也返回一个元组：(grad,)。\n'
    '\n任务：写出 exp 和 tanh 的反向。'
)
HINT_ZH = """exp：d(e**x)/dx = e**x，也就是 out.data：`return (grad * out.data,)`。
tanh：设 t = tanh(x) = out.data，d(tanh x)/dx = 1 - t**2：`return (grad * (1 - out.data**2),)`。
注意逗号：只含一个梯度的元组写作 (g,)。"""

HINTS = [
    (
        "Both derivatives can be written with the op's output, which out.data already holds.",
        '两个导数都能用运算的输出来写，而 out.data 里已经存着它。'),
    (
        'exp: the derivative is the output itself. tanh: 1 minus the output squared. Times grad, in a o'
        'ne-element tuple.',
        'exp：导数就是输出本身。tanh：1 减去输出的平方。乘以 grad，放进只有一个元素的元组。'),
    (HINT, HINT_ZH),
]
