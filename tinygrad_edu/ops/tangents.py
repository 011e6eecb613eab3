"""Helpers for the ops' JVP rules (forward mode, ``autograd/forward_ad.py``).

An op's ``jvp(ctx, *tangents)`` gets one tangent per positional input, None where that input
carries none, and returns the output's tangent ``sum_i (dz/dx_i) t_i``. Its ``ctx`` is the node
its forward filled, with the saved arrays replaced by the graph's own values (as under
``create_graph``, so the tangent is differentiable again) and ``ctx.settings``, the keyword
settings of the call, and ``ctx.zeros(i)``, a zero tangent for input ``i``. A linear op's rule is
the op itself applied to the tangents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plus", "times", "zero", "pow_tangent", "filled", "bilinear", "diagonal_pair"]


def plus(*terms: Any) -> Any:
    """The sum of the terms that are not None (None when all are)."""
    out = None
    for t in terms:
        if t is not None:
            out = t if out is None else out + t
    return out


def times(t: Any, factor: Any) -> Any:
    """``t * factor``, or None when ``t`` is None."""
    return None if t is None else t * factor


def zero(t: Any) -> Any:
    """``t``, or the number 0.0 in its place (it broadcasts)."""
    return 0.0 if t is None else t


def pow_tangent(ctx: Any, ta: Any, tb: Any) -> Any:
    """z = a ** b: ta b a^(b-1) + tb a^b ln(a) (operators only: Values dispatch to the ops)."""
    a, b = ctx.saved_values
    if type(b) is int or type(b) is float:
        return ta * 0 if b == 0 else ta * 2 * a if b == 2 else ta * b * a ** (b - 1)
    return plus(None if ta is None else ta * b * a ** (b - 1),
                None if tb is None else tb * a ** b * np.log(a))


def filled(ctx: Any, tangents: Any) -> list:
    """The tangents, with zeros where an input carries none (``ctx.zeros(i)``, from forward_ad)."""
    return [t if t is not None else ctx.zeros(i) for i, t in enumerate(tangents)]


def bilinear(op: Any, ctx: Any, ta: Any, tb: Any) -> Any:
    """The rule of an op linear in each of its two saved inputs a, b: op(ta, b) + op(a, tb)."""
    a, b = ctx.saved_values[:2]
    return plus(None if ta is None else op.apply(ta, b, **ctx.settings),
                None if tb is None else op.apply(a, tb, **ctx.settings))


def diagonal_pair(op: Any, ctx: Any, ta: Any, tb: Any) -> Any:
    """The rule of an elementwise op of two inputs whose backward sends ``grad * local`` to each
    (without summing broadcast axes): each input's part is its backward applied to its tangent."""
    return plus(None if ta is None else op.backward(ctx, ta)[0],
                None if tb is None else op.backward(ctx, tb)[1])
