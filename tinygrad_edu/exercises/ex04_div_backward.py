"""Exercise 4: the backward of division, on a tiny Scalar."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ._common import SCALAR, call, check_grads, check_node

NAME = "div_backward"
TITLE = "Backward of Div"
IDEA = "d(a/b)/da = 1/b and d(a/b)/db = -a/b**2: the divisor's gradient is negative and squared"
HINT = """Write a / b as a * b**-1. Then d/da = 1/b, and d/db = a * (-1) * b**-2 = -a / b**2.
Both times the upstream grad: `return grad / other.data, -grad * self.data / other.data**2`."""

TEMPLATE = '''\
"""Exercise 4: the backward of division.

For out = a / b, think of it as a * b**-1:

    d(out)/da = 1 / b
    d(out)/db = a * d(b**-1)/db = a * (-1) * b**-2 = -a / b**2

The divisor's gradient has a minus sign (a larger b makes a / b smaller
when a > 0) and a square.

Task: write the backward of Scalar.__truediv__ (a is self, b is other).
Check:  python -m tinygrad_edu.exercises check 4
"""


''' + SCALAR + '''
    def __truediv__(self, other):
        out = Scalar(self.data / other.data, (self, other))

        def backward_fn(grad):
            # TODO: return (gradient for self, gradient for other)
            raise NotImplementedError("TODO: backward of a / b")

        out.backward_fn = backward_fn
        return out
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: backward of a / b": "return grad / other.data, -grad * self.data / other.data**2",
}


# ---- check -------------------------------------------------------------------------------------

def check(sol: Any) -> None:
    rng = np.random.default_rng(2004)
    cases = [(3.0, -2.0, 1.5), (1.0, 4.0, -2.0), (-1.5, 0.5, 0.75)]
    cases += [(float(rng.uniform(-3, 3)), float(rng.choice([-1, 1]) * rng.uniform(0.5, 3)),
               float(rng.uniform(-3, 3))) for _ in range(3)]
    for a, b, g in cases:
        A, B = sol.Scalar(a), sol.Scalar(b)
        what = f"Scalar({a!r}) / Scalar({b!r})"
        out = call(what, operator.truediv, A, B)
        check_node(what, out, a / b, (A, B))
        wrong = [
            ((g / b, g * a / b**2), "d(a/b)/db = -a/b**2: did you drop the minus sign?"),
            ((g / b, -g / b**2), "d(a/b)/db = -a/b**2: the numerator a is missing from b's gradient."),
            ((g / b, -g * a / b), "d(a/b)/db = -a/b**2: b must be SQUARED in b's gradient."),
            ((-g * a / b**2, g / b), "the two gradients are swapped: the first is for a (self), "
                                     "the second for b (other)."),
            ((1 / b, -a / b**2), "multiply by the upstream grad (chain rule): grad / b and "
                                 "-grad * a / b**2."),
        ]
        check_grads(what, out, g, (g / b, -g * a / b**2), wrong,
                    "d(a/b)/da = 1/b and d(a/b)/db = -a/b**2, each times the upstream grad.")


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '除法的反向'
IDEA_ZH = 'd(a/b)/da = 1/b，d(a/b)/db = -a/b**2：除数的梯度是负的，还带平方'
TEXT_ZH = (
    '在一个小小的 Scalar 上写出 a / b 的反向（backward_fn 返回每个父节点一个梯度）：\n'
    '\n    d(a/b)/da = 1 / b        d(a/b)/db = -a / b**2\n'
    '\n各自乘以上游梯度 grad。\n\n任务：写出 a / b 的反向。'
)
HINT_ZH = """把 a / b 写成 a * b**-1。于是 d/da = 1/b，d/db = a * (-1) * b**-2 = -a / b**2。
两个都乘以上游梯度：`return grad / other.data, -grad * self.data / other.data**2`。"""

HINTS = [
    (
        "Write a / b as a * b**-1 in your head: a's gradient is easy; for b use the power rule.",
        '在脑子里把 a / b 写成 a * b**-1：a 的梯度很简单；b 的用幂法则。'),
    (
        'For a: grad / b. For b: the power rule on b**-1 gives -b**-2, times a, times grad.',
        'a：grad / b。b：对 b**-1 用幂法则得到 -b**-2，乘以 a，再乘以 grad。'),
    (HINT, HINT_ZH),
]
