"""Exercise 5: the backward of power, for the base and for the exponent."""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ._common import SCALAR, call, check_grads, check_node

NAME = "pow_backward"
TITLE = "Backward of Pow (base and exponent)"
IDEA = "d(a**b)/da = b * a**(b-1) (power rule), d(a**b)/db = a**b * log(a) (since a**b = exp(b log a))"
HINT = """Base: the power rule, d(a**b)/da = b * a**(b - 1).
Exponent: a**b = exp(b * log(a)), so d(a**b)/db = exp(b * log(a)) * log(a) = a**b * log(a).
`return grad * b * a**(b - 1), grad * a**b * math.log(a)` with a = self.data, b = other.data."""

TEMPLATE = '''\
"""Exercise 5: the backward of power, a ** b, where BOTH are Scalars.

For the base a, the power rule:      d(a**b)/da = b * a**(b - 1)

For the exponent b, the power rule does NOT apply (b is not a constant
here). Write a**b = exp(b * log(a)); the derivative of exp(u) is exp(u),
times du/db = log(a):

                                     d(a**b)/db = a**b * log(a)

(This needs a > 0: the check uses positive bases only. PyTorch gives
nan for the exponent's gradient when a < 0.)

Task: write the backward of Scalar.__pow__ (a is self, b is other).
Check:  python -m tinygrad_edu.exercises check 5
"""
import math


''' + SCALAR + '''
    def __pow__(self, other):
        out = Scalar(self.data ** other.data, (self, other))

        def backward_fn(grad):
            # TODO: return (gradient for the base self, gradient for the exponent other)
            raise NotImplementedError("TODO: backward of a ** b")

        out.backward_fn = backward_fn
        return out
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: backward of a ** b": "a, b = self.data, other.data\n"
                                "return grad * b * a ** (b - 1), grad * a**b * math.log(a)",
}


# ---- check -------------------------------------------------------------------------------------

def check(sol: Any) -> None:
    rng = np.random.default_rng(2005)
    cases = [(2.0, 3.0, 1.5), (0.5, -2.0, -1.0), (3.0, 0.5, 2.0), (1.5, 2.0, 1.0)]
    cases += [(float(rng.uniform(0.3, 3)), float(rng.uniform(-2.5, 2.5)), float(rng.uniform(-2, 2)))
              for _ in range(3)]
    for a, b, g in cases:
        A, B = sol.Scalar(a), sol.Scalar(b)
        what = f"Scalar({a!r}) ** Scalar({b!r})"
        out = call(what, operator.pow, A, B)
        check_node(what, out, a**b, (A, B))
        da, db = g * b * a ** (b - 1), g * a**b * math.log(a)
        wrong = [
            ((da, 0.0), "the exponent is a Scalar too: it gets the gradient a**b * log(a), not 0."),
            ((da, g * b * a ** (b - 1)), "the power rule is for the base only; for the exponent write "
                                         "a**b = exp(b * log(a)): d/db = a**b * log(a)."),
            ((da, g * math.log(a)), "d(a**b)/db = a**b * log(a): the factor a**b is missing."),
            ((g * b * a**b, db), "power rule: d(a**b)/da = b * a**(b - 1): the power drops by one."),
            ((g * a ** (b - 1), db), "power rule: d(a**b)/da = b * a**(b - 1): the factor b is missing."),
            ((db, da), "the two gradients are swapped: the first is for the base a (self), the "
                       "second for the exponent b (other)."),
            ((da / g, db / g), "multiply by the upstream grad (chain rule)."),
        ]
        check_grads(what, out, g, (da, db), wrong,
                    "d(a**b)/da = b * a**(b - 1) and d(a**b)/db = a**b * log(a), each times grad.",
                    names=("the base a", "the exponent b"))


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '幂运算的反向'
IDEA_ZH = '底数用幂法则；指数用 a^b = exp(b log a)，得到 a^b log a'
TEXT_ZH = (
    '在小小的 Scalar 上写出 a ** b 的反向，a 和 b 都是 Scalar：\n'
    '\n    d(a**b)/da = b * a**(b - 1)        d(a**b)/db = a**b * log(a)\n'
    '\n第二个公式来自 a**b = exp(b * log(a))。\n'
    '\n任务：写出 a ** b 的反向。'
)
HINT_ZH = """底数：幂法则，d(a**b)/da = b * a**(b - 1)。
指数：a**b = exp(b * log(a))，所以 d(a**b)/db = exp(b * log(a)) * log(a) = a**b * log(a)。
`return grad * b * a**(b - 1), grad * a**b * math.log(a)`，其中 a = self.data，b = other.data。"""

HINTS = [
    (
        'Two different rules: for the base the exponent is fixed (power rule); for the exponent the bas'
        'e is fixed (think of exp).',
        '两条不同的规则：对底数，指数固定（幂法则）；对指数，底数固定（想想 exp）。'),
    (
        'Base: b * a ** (b - 1). Exponent: write a**b = exp(b log a); its derivative in b is a**b * log'
        ' a. Both times grad.',
        '底数：b * a ** (b - 1)。指数：把 a**b 写成 exp(b log a)；它对 b 的导数是 a**b * log a。都乘以 '
        'grad。'),
    (HINT, HINT_ZH),
]
