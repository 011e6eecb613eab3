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


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '矩阵乘法的反向'
IDEA_ZH = 'grad @ B.T 和 A.T @ grad：形状告诉你转置放在哪里'
TEXT_ZH = (
    'C = A @ B，A 是 (n, k)，B 是 (k, m)，C 是 (n, m)。给定 grad = dL/dC（形状 (n, m)）：\n'
    '\n    dL/dA = grad @ B.T     (n, m) @ (m, k) -> (n, k)\n'
    '    dL/dB = A.T @ grad     (k, n) @ (n, m) -> (k, m)\n'
    '\n记不住公式时，就让形状对上：每个梯度都必须是它输入的形状。\n'
    '\n任务：写出 matmul_backward(A, B, grad)。'
)
HINT_ZH = """让形状来决定：A 是 (m, k)，B 是 (k, p)，grad 是 (m, p)。
dL/dA 必须是 (m, k)：grad 和 B 的乘积里只有 grad @ B.T 是这个形状（(m, p) @ (p, k)）。
dL/dB 必须是 (k, p)：A 和 grad 的乘积里只有 A.T @ grad 是这个形状（(k, m) @ (m, p)）。"""

HINTS = [
    (
        "Each gradient has its input's shape. Which products of grad, A and B (maybe transposed) give t"
        'hose shapes?',
        '每个梯度都和它的输入同形状。grad、A、B（也许要转置）的哪种乘积能得到这些形状？'),
    (
        'dL/dA is (n, k): grad is (n, m), so multiply by something (m, k): B transposed. dL/dB is (k, m'
        '): something (k, n), which is A transposed, times grad.',
        'dL/dA 是 (n, k)：grad 是 (n, m)，所以要乘一个 (m, k) 的东西：B 的转置。dL/dB 是 (k, m)：一个 (k, '
        'n) 的东西，也就是 A 的转置，乘以'
        ' grad。'),
    (HINT, HINT_ZH),
]
