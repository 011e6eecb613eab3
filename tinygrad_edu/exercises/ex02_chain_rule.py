"""Exercise 2: the chain rule on scalars, by hand."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._common import call, compare, matches

NAME = "chain_rule"
TITLE = "Chain rule on scalars (a composition, by hand)"
IDEA = ("d/dx f(g(x)) = f'(g(x)) * g'(x): the outer derivative at the inner value, times the inner "
        "derivative; backpropagation applies it op after op")
HINT = """chain(df, g, dg, x) is df(g(x)) * dg(x): the outer derivative is evaluated at the INNER
VALUE g(x), not at x. For sin(x**2): outer sin, inner x**2, so cos(x**2) * 2x.
For log(1 + x**2)**3 there are three layers (cube, log, 1 + x**2): one factor per layer,
3 * log(1 + x**2)**2  *  1 / (1 + x**2)  *  2x."""

TEMPLATE = '''\
"""Exercise 2: the chain rule, by hand.

If y = f(g(x)), a small change dx moves g(x) by g'(x) dx, and that moves
f by f'(g(x)) * g'(x) dx. So

    d/dx f(g(x)) = f'(g(x)) * g'(x)

"the outer derivative, evaluated at the inner value, times the inner
derivative". Backpropagation is nothing but this rule applied over and
over, one op at a time, from the output back to the inputs.

Task:
  1. chain(df, g, dg, x): the derivative of f(g(x)) at x, given the
     functions df = f', g and dg = g'.
  2. d_sin_square(x): the derivative of sin(x**2), worked out by hand.
  3. d_log_cube(x): the derivative of log(1 + x**2) ** 3, by hand
     (three functions nested: use the rule twice).
Check:  python -m tinygrad_edu.exercises check 2
"""
import math


def chain(df, g, dg, x):
    """d/dx f(g(x)), from df = f', g and dg = g'."""
    # TODO
    raise NotImplementedError("TODO: chain")


def d_sin_square(x):
    """d/dx sin(x**2)"""
    # TODO: use math.cos
    raise NotImplementedError("TODO: d_sin_square")


def d_log_cube(x):
    """d/dx log(1 + x**2) ** 3"""
    # TODO: use math.log
    raise NotImplementedError("TODO: d_log_cube")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: chain": "return df(g(x)) * dg(x)",
    "TODO: d_sin_square": "return math.cos(x**2) * 2 * x",
    "TODO: d_log_cube": "return 3 * math.log(1 + x**2) ** 2 * (1 / (1 + x**2)) * 2 * x",
}


# ---- check -------------------------------------------------------------------------------------

def _slope(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def check(sol: Any) -> None:
    rng = np.random.default_rng(2002)
    points = [0.7, -1.3, 2.0] + [float(v) for v in rng.uniform(-2.0, 2.0, size=3)]
    # (name, f', g, g', f o g) with a composition whose derivative is known in closed form
    pairs = [
        ("sin(x**2)", math.cos, lambda x: x * x, lambda x: 2 * x, lambda x: math.cos(x * x) * 2 * x),
        ("exp(3x)", math.exp, lambda x: 3 * x, lambda x: 3.0, lambda x: 3 * math.exp(3 * x)),
        ("tanh(sin(x))", lambda u: 1 - math.tanh(u) ** 2, math.sin, math.cos,
         lambda x: (1 - math.tanh(math.sin(x)) ** 2) * math.cos(x)),
    ]
    for name, df, g, dg, expected in pairs:
        for x in points:
            got = call(f"chain(df, g, dg, {x!r}) for {name}", sol.chain, df, g, dg, x)
            if matches(got, df(x) * dg(x), rtol=1e-12):
                hint = "evaluate the outer derivative at the inner value: df(g(x)), not df(x)."
            elif matches(got, df(g(x)), rtol=1e-12):
                hint = "multiply by the inner derivative dg(x): d/dx f(g(x)) = f'(g(x)) * g'(x)."
            else:
                hint = "d/dx f(g(x)) = df(g(x)) * dg(x)."
            compare(f"chain(...) at x = {x!r} for {name}", got, expected(x), hint)
    for x in points:
        got = call(f"d_sin_square({x!r})", sol.d_sin_square, x)
        if matches(got, math.cos(x * x), rtol=1e-12):
            hint = "the inner function x**2 has derivative 2x: multiply by it."
        elif matches(got, 2 * x * math.cos(x), rtol=1e-12):
            hint = "the outer derivative cos must be evaluated at the inner value x**2: cos(x**2)."
        else:
            hint = "d/dx sin(x**2) = cos(x**2) * 2x."
        compare(f"d_sin_square({x!r})", got, math.cos(x * x) * 2 * x, hint)
        # the closed form, confirmed by a central difference
        compare(f"d_sin_square({x!r}) against a central difference", got,
                _slope(lambda t: math.sin(t * t), x), hint, rtol=1e-6, atol=1e-8)
    for x in points:
        got = call(f"d_log_cube({x!r})", sol.d_log_cube, x)
        u = math.log(1 + x * x)
        full = 3 * u**2 / (1 + x * x) * 2 * x
        if matches(got, 3 * u**2 / (1 + x * x), rtol=1e-12):
            hint = "the innermost layer 1 + x**2 has derivative 2x: multiply by it too."
        elif matches(got, 3 * u**2 * 2 * x, rtol=1e-12):
            hint = "the middle layer log(v) has derivative 1/v with v = 1 + x**2: a factor is missing."
        else:
            hint = "three layers, three factors: 3 log(1 + x**2)**2 * 1/(1 + x**2) * 2x."
        compare(f"d_log_cube({x!r})", got, full, hint)
        compare(f"d_log_cube({x!r}) against a central difference", got,
                _slope(lambda t: math.log(1 + t * t) ** 3, x), hint, rtol=1e-6, atol=1e-8)


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '标量上的链式法则（手算复合函数）'
IDEA_ZH = ("d/dx f(g(x)) = f'(g(x)) * g'(x)：外层导数在内层的值处求，"
           "再乘以内层导数；反向传播就是一个运算接一个运算地用它")
TEXT_ZH = (
    "如果 y = f(g(x))，x 的一个小变化 dx 让 g(x) 变化 g'(x) dx，这又让 f 变化 f'(g(x)) * g'(x) dx。\n"
    "所以\n\n    d/dx f(g(x)) = f'(g(x)) * g'(x)\n"
    '\n“外层导数在内层的值处求，再乘以内层导数”。反向传播就是从输出到输入，一个运算一个运算地\n'
    "反复使用这条规则。\n\n任务：\n  1. chain(df, g, dg, x)：给定 df = f'、g 和 dg = g'，求 f(g(x)) 在 x "
    "处的导数。\n"
    '  2. d_sin_square(x)：手推 sin(x**2) 的导数。\n'
    '  3. d_log_cube(x)：手推 log(1 + x**2) ** 3 的导数（三层嵌套：用两次链式法则）。'
)
HINT_ZH = """chain(df, g, dg, x) 就是 df(g(x)) * dg(x)：外层导数要在内层的值 g(x) 处求，而不是在 x 处。
sin(x**2)：外层是 sin，内层是 x**2，所以是 cos(x**2) * 2x。
log(1 + x**2)**3 有三层（立方、log、1 + x**2）：每层一个因子，
3 * log(1 + x**2)**2  *  1 / (1 + x**2)  *  2x。"""

HINTS = [
    (
        'Peel the layers from the outside in: the outer derivative is taken at the inner value, then mu'
        'ltiplied by the inner derivative.',
        '从外往里一层层剥：外层导数在内层的值处求，再乘以内层导数。'),
    (
        'chain: df is evaluated at g(x), not at x. sin(x**2): outer sin, inner x**2. log(1 + x**2)**3 h'
        'as three layers: one factor per layer.',
        'chain：df 要在 g(x) 处求值，而不是在 x 处。sin(x**2)：外层 sin，内层 x**2。log(1 + x**2)**3 '
        '有三层：每层一个因子。'),
    (HINT, HINT_ZH),
]
