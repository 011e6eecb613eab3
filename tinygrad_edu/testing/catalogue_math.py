"""Catalogue entries for the ops of ``ops/elementwise2.py`` (``tan``, ``asin``... ``logaddexp``,
``remainder``/``fmod``) and for composed math methods with their own conventions (``sinc``,
``xlogy``, ``copysign``, ``lerp``, ``fmax``).

Each vjp is the local derivative written here in numpy, independently of the ops' backward. The
entries are the keyword arguments of :class:`~tinygrad_edu.testing.catalogue.OpCase`
(catalogue.py builds them), so that this module does not import catalogue.py, which imports it.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .opcase import sum_to

__all__ = ["MATH_CASES"]


def _unary(name: str, fn: Callable, d: Callable, **kw: Any) -> dict:
    return dict(name=name, fn=fn, vjp=lambda u, x: (u * d(x),), **kw)


def _binary(name: str, fn: Callable, da: Callable, db: Callable, **kw: Any) -> dict:
    return dict(name=name, fn=fn, n_inputs=2,
                vjp=lambda u, a, b: (sum_to(u * da(a, b), np.shape(a)), sum_to(u * db(a, b), np.shape(b))),
                **kw)


def _sinc_d(x: np.ndarray) -> np.ndarray:
    px = np.pi * x
    return (np.cos(px) * px - np.sin(px)) / (px * x)


_LN2 = math.log(2)

MATH_CASES: list[dict] = [
    _unary("tan", lambda x: x.tan(), lambda x: 1 / np.cos(x) ** 2, domain=(-1.2, 1.2)),
    _unary("asin", lambda x: x.asin(), lambda x: 1 / np.sqrt(1 - x * x), domain=(-0.9, 0.9)),
    _unary("acos", lambda x: x.acos(), lambda x: -1 / np.sqrt(1 - x * x), domain=(-0.9, 0.9)),
    _unary("atan", lambda x: x.atan(), lambda x: 1 / (1 + x * x)),
    _unary("sinh", lambda x: x.sinh(), np.cosh),
    _unary("cosh", lambda x: x.cosh(), np.sinh),
    _unary("asinh", lambda x: x.asinh(), lambda x: 1 / np.sqrt(x * x + 1)),
    _unary("acosh", lambda x: x.acosh(), lambda x: 1 / np.sqrt(x * x - 1), domain=(1.2, 4.0)),
    _unary("atanh", lambda x: x.atanh(), lambda x: 1 / (1 - x * x), domain=(-0.9, 0.9)),
    _unary("log1p", lambda x: x.log1p(), lambda x: 1 / (1 + x), domain=(-0.8, 3.0)),
    _unary("expm1", lambda x: x.expm1(), np.exp),
    _unary("log2", lambda x: x.log2(), lambda x: 1 / (x * _LN2), domain=(0.1, 10.0)),
    _unary("log10", lambda x: x.log10(), lambda x: 1 / (x * math.log(10)), domain=(0.1, 10.0)),
    _unary("erfc", lambda x: x.erfc(), lambda x: -2 / math.sqrt(math.pi) * np.exp(-x * x)),
    _unary("exp2", lambda x: x.exp2(), lambda x: np.exp2(x) * _LN2),
    _unary("sinc", lambda x: x.sinc(), _sinc_d, avoid=(0.0,), margin=1e-2),
    _unary("logit_eps", lambda x: x.logit(eps=0.05), lambda x: 1 / (x * (1 - x)), domain=(0.1, 0.9)),
    _unary("frac", lambda x: x.frac(), lambda x: np.ones_like(x), domain=(-2.5, 2.5),
           avoid=(-2.0, -1.0, 0.0, 1.0, 2.0)),
    _binary("atan2", lambda a, b: a.atan2(b), lambda a, b: b / (a * a + b * b),
            lambda a, b: -a / (a * a + b * b), domain=[(0.3, 3.0), (-3.0, 3.0)]),
    _binary("hypot", lambda a, b: a.hypot(b), lambda a, b: a / np.hypot(a, b),
            lambda a, b: b / np.hypot(a, b), domain=[(0.3, 3.0), (-3.0, 3.0)]),
    _binary("logaddexp", lambda a, b: a.logaddexp(b), lambda a, b: np.exp(a - np.logaddexp(a, b)),
            lambda a, b: np.exp(b - np.logaddexp(a, b))),
    _binary("logaddexp2", lambda a, b: a.logaddexp2(b), lambda a, b: np.exp2(a - np.logaddexp2(a, b)),
            lambda a, b: np.exp2(b - np.logaddexp2(a, b))),
    _binary("remainder", lambda a, b: a.remainder(b), lambda a, b: np.ones_like(a + b),
            lambda a, b: -np.floor(a / b), domain=[(-0.9, -0.1), (1.0, 3.0)]),
    _binary("fmod", lambda a, b: a.fmod(b), lambda a, b: np.ones_like(a + b),
            lambda a, b: -np.trunc(a / b), domain=[(1.1, 1.4), (0.75, 1.0)]),
    _binary("xlogy", lambda a, b: a.xlogy(b), lambda a, b: np.log(b) + 0 * a, lambda a, b: a / b,
            domain=[(-3.0, 3.0), (0.2, 3.0)]),
    _binary("copysign", lambda a, b: a.copysign(b), lambda a, b: np.sign(a) * np.where(b < 0, -1, 1),
            lambda a, b: 0 * (a + b), avoid=(0.0,)),
    _binary("fmax", lambda a, b: a.fmax(b + 0.1234567), lambda a, b: (a >= b + 0.1234567) * 1.0,
            lambda a, b: (a < b + 0.1234567) * 1.0),
    _binary("lerp", lambda a, b: a.lerp(b, 0.3), lambda a, b: 0.7 + 0 * b, lambda a, b: 0.3 + 0 * a),
]
