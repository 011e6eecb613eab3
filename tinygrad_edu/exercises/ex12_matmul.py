"""Exercise 12: the backward of matrix multiplication."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CheckError, call, compare, matches

NAME = "matmul"
TITLE = "Matmul backward (grad @ B.T, A.T @ grad)"
IDEA = ("for C = A @ B: dL/dA = grad @ B.T and dL/dB = A.T @ grad; the shapes alone tell you where "
        "the transposes go")
HINT = """Let the shapes decide: A is (m, k), B is (k, p), grad is (m, p).
dL/dA must be (m, k): the only product of grad and B with that shape is grad @ B.T ((m, p) @ (p, k)).
dL/dB must be (k, p): the only product of A and grad with that shape is A.T @ grad ((k, m) @ (m, p))."""

TEMPLATE = '''\
"""Exercise 12: the backward of matrix multiplication.

C = A @ B with A of shape (m, k) and B of shape (k, p): C[i, j] is
sum_q A[i, q] * B[q, j]. Each A[i, q] meets B[q, j] for every j, so

    dL/dA[i, q] = sum_j grad[i, j] * B[q, j]     i.e.  dL/dA = grad @ B.T
    dL/dB[q, j] = sum_i A[i, q] * grad[i, j]     i.e.  dL/dB = A.T @ grad

You do not need to remember this: a gradient has the shape of its input,
and only one product of grad (m, p) with B or A gives that shape.

    dL/dA: (m, k) = (m, p) @ (p, k)
    dL/dB: (k, p) = (k, m) @ (m, p)

Beware: for square matrices a wrong transpose still has the right shape.

Task: write matmul_backward(A, B, grad) for 2-D A and B.
Check:  python -m tinygrad_edu.exercises check 12
"""
import numpy as np


def matmul_backward(A, B, grad):
    """(dL/dA, dL/dB) for C = A @ B, given grad = dL/dC."""
    # TODO
    raise NotImplementedError("TODO: matmul_backward")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: matmul_backward": "return grad @ B.T, A.T @ grad",
}


# ---- check -------------------------------------------------------------------------------------

_SHAPES = [(2, 3, 4), (3, 3, 3), (1, 5, 1), (4, 2, 2), (2, 2, 5), (3, 1, 2)]


def check(sol: Any) -> None:
    rng = np.random.default_rng(2012)
    for m, k, p in _SHAPES:
        A, B, grad = rng.standard_normal((m, k)), rng.standard_normal((k, p)), rng.standard_normal((m, p))
        # written from the index formulas, not from the matrix ones
        dA = np.einsum("ij,qj->iq", grad, B)
        dB = np.einsum("iq,ij->qj", A, grad)
        what = f"matmul_backward(A {A.shape}, B {B.shape}, grad {grad.shape})"
        got = call(what, sol.matmul_backward, A.copy(), B.copy(), grad.copy(),
                   on_error=f"check the shapes: dL/dA = grad {grad.shape} @ B.T {B.T.shape}, "
                            f"dL/dB = A.T {A.T.shape} @ grad {grad.shape}.")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckError(f"{what} should return the pair (dL/dA, dL/dB), received {type(got).__name__}")
        ga, gb = got
        if matches(ga, dB) and matches(gb, dA):
            hint_a = hint_b = "the two gradients are swapped: return (dL/dA, dL/dB) in that order."
        else:
            hint_a = f"dL/dA = grad @ B.T: shapes ({m}, {p}) @ ({p}, {k}) -> ({m}, {k}), A's shape."
            if np.shape(ga) == (m, k) and p == k and matches(ga, grad @ B):
                hint_a = "dL/dA = grad @ B.T: you forgot to transpose B (square B hides it in the shapes)."
            elif np.shape(ga) == (k, m) and matches(ga, dA.T):
                hint_a = "your dL/dA is transposed: use grad @ B.T, which has A's shape (m, k)."
            hint_b = f"dL/dB = A.T @ grad: shapes ({k}, {m}) @ ({m}, {p}) -> ({k}, {p}), B's shape."
            if np.shape(gb) == (p, k) and matches(gb, dB.T):
                hint_b = ("your dL/dB is transposed (grad.T @ A?): use A.T @ grad, which has B's "
                          "shape (k, p).")
            elif np.shape(gb) == (k, p) and m == k and matches(gb, A @ grad):
                hint_b = "dL/dB = A.T @ grad: you forgot to transpose A (square A hides it in the shapes)."
        compare(f"{what}: dL/dA", ga, dA, hint_a)
        compare(f"{what}: dL/dB", gb, dB, hint_b)
