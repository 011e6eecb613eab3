"""Exercise 1: the numerical derivative by central difference."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._common import CheckError, call, compare, matches

NAME = "numerical"
TITLE = "Numerical derivative (central difference)"
IDEA = ("f'(x) ~ (f(x+h) - f(x-h)) / 2h, with an error that shrinks like h**2: the yardstick of "
        "every gradient check")
# numpy's own finite differences would do this step's work
FORBID = {"np.gradient": ("numpy's finite differences are what this step asks you to write.",
                          "numpy 自带的有限差分正是这一步要你自己写的东西。"),
          "numpy.gradient": ("numpy's finite differences are what this step asks you to write.",
                             "numpy 自带的有限差分正是这一步要你自己写的东西。")}
HINT = """Evaluate f twice, once at x + h and once at x - h, and divide the difference by the distance
between the two points, which is 2 * h (not h). Use the h you are given."""

TEMPLATE = '''\
"""Exercise 1: the numerical derivative (central difference).

The derivative f'(x) is the slope of f at x. Without any calculus you can
estimate it from two evaluations of f close to x:

    f'(x) ~ (f(x + h) - f(x - h)) / (2 * h)

This *central* difference is far more accurate than the one-sided
(f(x + h) - f(x)) / h: its error shrinks like h**2 instead of like h.
Every gradient checker (tinygrad_edu.testing.gradcheck, and PyTorch's
torch.autograd.gradcheck) is built on it, and the checks of the next
exercises use it to test your backward code.

Task: write numerical_derivative(f, x, h) below.
Check:  python -m tinygrad_edu.exercises check 1
"""


def numerical_derivative(f, x, h=1e-5):
    """Estimate f'(x) by the central difference with step h."""
    # TODO: evaluate f on both sides of x and return the slope between the two points
    raise NotImplementedError("TODO: numerical_derivative")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: numerical_derivative": "return (f(x + h) - f(x - h)) / (2 * h)",
}


# ---- check -------------------------------------------------------------------------------------

# (name, f, f') with f' in closed form
_FUNCTIONS: list[tuple[str, Callable[[float], float], Callable[[float], float]]] = [
    ("x**2", lambda x: x * x, lambda x: 2 * x),
    ("sin(x)", math.sin, math.cos),
    ("exp(x)", math.exp, math.exp),
    ("1/x", lambda x: 1 / x, lambda x: -1 / (x * x)),
    ("x**3 - 2x", lambda x: x**3 - 2 * x, lambda x: 3 * x * x - 2),
]


def check(sol: Any) -> None:
    rng = np.random.default_rng(2001)
    points = [3.0, 0.5, -1.25] + [float(v) for v in rng.uniform(0.5, 2.5, size=3)]
    for name, f, df in _FUNCTIONS:
        for x in points:
            got = call(f"numerical_derivative(f, {x!r}) for f(x) = {name}", sol.numerical_derivative, f, x)
            h = 1e-5
            forward = (f(x + h) - f(x)) / h
            backward = (f(x) - f(x - h)) / h
            central = (f(x + h) - f(x - h)) / (2 * h)
            if matches(got, 2 * central, rtol=1e-6):
                hint = "the two points x - h and x + h are 2h apart: divide by 2 * h, not by h."
            elif matches(got, forward, rtol=1e-12) or matches(got, backward, rtol=1e-12):
                hint = ("this is the one-sided difference (f(x + h) - f(x)) / h, whose error shrinks "
                        "only like h: use the central difference (f(x + h) - f(x - h)) / (2h).")
            else:
                hint = "the central difference is (f(x + h) - f(x - h)) / (2 * h)."
            # central differences are accurate to about h**2 |f'''| + 1e-16 |f| / h: 1e-8 is ample
            compare(f"numerical_derivative(f, {x!r}) for f(x) = {name}: the slope", got, df(x), hint,
                    rtol=1e-8, atol=1e-8)
    # the step must be the one given: for a cubic, the central difference is exactly 3x^2 + h^2
    for h in (0.1, 0.01):
        got = call(f"numerical_derivative(f, 1.0, h={h})", sol.numerical_derivative, lambda x: x**3, 1.0, h)
        compare(f"numerical_derivative(lambda x: x**3, 1.0, h={h})", got, 3.0 + h * h,
                "use the step h that the caller passes, not a fixed one.", rtol=1e-9)
    if not isinstance(got, (float, int, np.floating)):
        raise CheckError(f"numerical_derivative should return a float, received {type(got).__name__}")


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '数值导数（中心差分）'
IDEA_ZH = "f'(x) 约等于 (f(x+h) - f(x-h)) / 2h，误差随 h**2 缩小：这是每个梯度检查的标尺"
TEXT_ZH = (
    "导数 f'(x) 是 f 在 x 处的斜率。不用微积分，也能用 x 附近的两次求值来估计它：\n"
    "\n    f'(x) ~ (f(x + h) - f(x - h)) / (2 * h)\n"
    '\n这个“中心”差分比单侧的 (f(x + h) - f(x)) / h 准确得多：它的误差随 h**2 缩小，\n'
    '而不是随 h。每个梯度检查工具都建立在它之上，后面的检查也用它来测试你的反向代码。\n'
    '\n任务：写出 numerical_derivative(f, x, h)。'
)
HINT_ZH = """把 f 求值两次，一次在 x + h，一次在 x - h，再用两个值的差除以
两点之间的距离，也就是 2 * h（不是 h）。要用传给你的那个 h。"""

HINTS = [
    (
        'A slope is a rise over a run. Take two points around x, one on each side, at the same distance'
        '.',
        '斜率就是高度差除以水平距离。在 x 两侧各取一个点，距离相同。'),
    (
        'Evaluate f at x + h and at x - h. How far apart are those two points?',
        '在 x + h 和 x - h 处求 f 的值。这两个点相距多远？'),
    (HINT, HINT_ZH),
]
