"""Exercise 3: the backward of multiplication, on a tiny Scalar."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ._common import SCALAR, call, check_grads, check_node

NAME = "mul_backward"
TITLE = "Backward of Mul"
IDEA = "each operand of a product gets the OTHER operand times the upstream gradient"
HINT = """out = a * b, so d(out)/da = b and d(out)/db = a. By the chain rule the backward returns
(grad * b, grad * a): in Scalar.__mul__, a is self and b is other, so
`return grad * other.data, grad * self.data`."""

TEMPLATE = '''\
"""Exercise 3: the backward of multiplication.

In reverse-mode autodiff every op has two halves. The forward computes
the result. The backward receives `grad` = dL/d(out), the gradient of the
final loss L with respect to the op's output, and returns dL/d(input) for
each input: by the chain rule, grad * d(out)/d(input).

For out = a * b:   d(out)/da = b   and   d(out)/db = a.

Below, a Scalar remembers its parents (the Scalars it was computed from)
and a backward_fn: a function from the upstream grad to a tuple of
gradients, one per parent, in the parents' order.

Task: write the backward of Scalar.__mul__.
Check:  python -m tinygrad_edu.exercises check 3
"""


''' + SCALAR + '''
    def __mul__(self, other):
        out = Scalar(self.data * other.data, (self, other))

        def backward_fn(grad):
            # TODO: return (gradient for self, gradient for other)
            raise NotImplementedError("TODO: backward of a * b")

        out.backward_fn = backward_fn
        return out
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: backward of a * b": "return grad * other.data, grad * self.data",
}


# ---- check -------------------------------------------------------------------------------------

SWAPPED = ("d(a*b)/da should be b: your backward returned a's own value — did you swap the "
           "operands? (self is a, other is b)")
NO_GRAD = ("multiply by the upstream grad: the chain rule gives dL/da = grad * d(a*b)/da = "
           "grad * b.")


def check(sol: Any) -> None:
    rng = np.random.default_rng(2003)
    cases = [(3.0, -2.0, 1.5), (0.5, 4.0, -2.0), (-1.5, 2.5, 0.75)]
    cases += [tuple(float(v) for v in rng.uniform(-3, 3, size=3)) for _ in range(3)]
    for a, b, g in cases:
        A, B = sol.Scalar(a), sol.Scalar(b)
        what = f"Scalar({a!r}) * Scalar({b!r})"
        out = call(what, operator.mul, A, B)
        check_node(what, out, a * b, (A, B))
        check_grads(what, out, g, (g * b, g * a), [((g * a, g * b), SWAPPED), ((b, a), NO_GRAD)],
                    "d(a*b)/da = b and d(a*b)/db = a, each times the upstream grad.")
