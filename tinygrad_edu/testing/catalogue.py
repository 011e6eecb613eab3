"""The catalogue of built-in ops that the test suite walks.

Each entry says how to call the op, where its inputs may live (domain, kinks and poles to keep
away from), which shapes it takes, and its vector-Jacobian product written out by hand in numpy
(``vjp(u, *xs)``), independently of the op's own backward. Adding an entry here gets the op a
hypothesis full-Jacobian check, a second-order check and an analytic check, with no new test code.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import toplevel as tf
from ..nn import functional as F
from ..ops import Cast, SetItem
from .catalogue_conv import CONV_CASES
from .catalogue_index import INDEX_CASES
from .catalogue_math import MATH_CASES
from .catalogue_nn import nn_cases
from .catalogue_reduce import REDUCE_CASES
from .opcase import OpCase, sum_to

__all__ = ["OpCase", "CATALOGUE", "sum_to"]


def _unary(f: Callable[[np.ndarray], np.ndarray]) -> Callable[..., tuple]:
    """vjp of an elementwise op from its local derivative f'(x)."""
    return lambda u, x: (u * f(x),)


def _binary(da: Callable, db: Callable) -> Callable[..., tuple]:
    return lambda u, a, b: (sum_to(u * da(a, b), np.shape(a)), sum_to(u * db(a, b), np.shape(b)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _shapes_min1(n: int = 1, min_side: int = 1) -> Any:
    """n copies of one shape with at least one axis (indexing and joining need an axis)."""
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=3).map(
        lambda s: (s,) * n)


def _matmul_shapes() -> Any:
    """1-D and 2-D operands and broadcast batch axes, with matching inner sizes."""
    from hypothesis import strategies as st

    def build(m: int, k: int, p: int, kind: str, batch: tuple) -> tuple:
        if kind == "vv":
            return ((k,), (k,))
        if kind == "vm":
            return ((k,), (k, p))
        if kind == "mv":
            return ((m, k), (k,))
        if kind == "mm":
            return ((m, k), (k, p))
        return (batch + (m, k), (k, p)) if kind == "bm" else ((1,) + (m, k), batch + (k, p))

    side = st.integers(1, 3)
    return st.builds(build, side, side, side, st.sampled_from(["vv", "vm", "mv", "mm", "bm", "mb"]),
                     st.tuples(st.integers(1, 3)))


def _matmul_vjp(u: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    out_shape = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1])
    g = np.reshape(u, out_shape)
    ga = sum_to(np.einsum("...ij,...kj->...ik", g, np.broadcast_to(b2, out_shape[:-2] + b2.shape[-2:])),
                a2.shape)
    gb = sum_to(np.einsum("...ki,...kj->...ij", np.broadcast_to(a2, out_shape[:-2] + a2.shape[-2:]), g),
                b2.shape)
    return ga.reshape(a.shape), gb.reshape(b.shape)


def _extremum_vjp(pick: Callable) -> Callable[..., tuple]:
    def vjp(u: Any, x: np.ndarray) -> tuple:
        g = np.zeros(x.shape)
        idx = pick(x.ravel())
        g.ravel()[idx] = u
        return (g,)

    return vjp


_TIE = 0.1234567


def _setitem_vjp(u: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
    """out = a with out[0] = b[0]: a's gradient is u outside row 0; b's is u's row 0 at row 0."""
    ga, gb = np.array(u, dtype=np.float64), np.zeros(np.shape(b))
    gb[0], ga[0] = ga[0], 0.0
    return ga, gb


def _getitem_vjp(index: Any) -> Callable[..., tuple]:
    def vjp(u: np.ndarray, x: np.ndarray) -> tuple:
        g = np.zeros(x.shape)
        np.add.at(g, index, u)
        return (g,)

    return vjp


def _linear(x: Any, w: Any, b: Any) -> Any:
    return F.linear(x, w, b)


def _linear_shapes() -> Any:
    from hypothesis import strategies as st

    side = st.integers(1, 3)
    return st.builds(lambda n, i, o, batch: ((batch, n, i) if batch else (n, i), (o, i), (o,)),
                     side, side, side, st.integers(0, 2))


def _linear_vjp(u: np.ndarray, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple:
    u2, x2 = u.reshape(-1, w.shape[0]), x.reshape(-1, w.shape[1])
    return (u @ w, u2.T @ x2, u2.sum(axis=0))


CATALOGUE: list[OpCase] = [
    OpCase("add", lambda a, b: a + b, _binary(lambda a, b: 1.0, lambda a, b: 1.0), 2),
    OpCase("sub", lambda a, b: a - b, _binary(lambda a, b: 1.0, lambda a, b: -1.0), 2),
    OpCase("mul", lambda a, b: a * b, _binary(lambda a, b: b, lambda a, b: a), 2),
    OpCase("div", lambda a, b: a / b, _binary(lambda a, b: 1 / b, lambda a, b: -a / b**2), 2,
           domain=[(-3.0, 3.0), (0.5, 3.0)]),
    OpCase("rdiv_const", lambda x: 2.0 / x, _unary(lambda x: -2.0 / x**2), domain=(0.5, 3.0)),
    OpCase("neg", lambda x: -x, _unary(lambda x: -np.ones_like(x))),
    OpCase("pow_square", lambda x: x**2, _unary(lambda x: 2 * x)),
    OpCase("pow_cube", lambda x: x**3, _unary(lambda x: 3 * x**2)),
    OpCase("pow_value", lambda a, b: a**b,
           _binary(lambda a, b: b * a ** (b - 1), lambda a, b: a**b * np.log(a)), 2,
           domain=[(0.5, 3.0), (-2.0, 2.0)]),
    OpCase("rpow_const", lambda x: 2.0**x, _unary(lambda x: 2.0**x * np.log(2.0))),
    OpCase("exp", lambda x: x.exp(), _unary(np.exp)),
    OpCase("log", lambda x: x.log(), _unary(lambda x: 1 / x), domain=(0.1, 10.0)),
    OpCase("sqrt", lambda x: x.sqrt(), _unary(lambda x: 0.5 / np.sqrt(x)), domain=(0.1, 10.0)),
    OpCase("abs", lambda x: x.abs(), _unary(np.sign), avoid=(0.0,)),
    OpCase("tanh", lambda x: x.tanh(), _unary(lambda x: 1 - np.tanh(x) ** 2)),
    OpCase("sigmoid", lambda x: x.sigmoid(), _unary(lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
           domain=(-8.0, 8.0)),
    OpCase("relu", lambda x: x.relu(), _unary(lambda x: (x > 0).astype(float)), avoid=(0.0,)),
    OpCase("clamp", lambda x: x.clamp(-1.0, 1.5),
           _unary(lambda x: ((x >= -1.0) & (x <= 1.5)).astype(float)), avoid=(-1.0, 1.5)),
    OpCase("sin", lambda x: x.sin(), _unary(np.cos)),
    OpCase("cos", lambda x: x.cos(), _unary(lambda x: -np.sin(x))),
    OpCase("where", lambda a, b: tf.where(a._data > 0, a, b),
           _binary(lambda a, b: np.broadcast_to(a > 0, np.broadcast_shapes(a.shape, b.shape)),
                   lambda a, b: np.broadcast_to(a <= 0, np.broadcast_shapes(a.shape, b.shape))),
           2, avoid=(0.0,)),
    OpCase("sum", lambda x: x.sum(), lambda u, x: (np.full(x.shape, u),)),
    OpCase("sum_axis_keepdim", lambda x: x.sum(dim=-1, keepdim=True),
           lambda u, x: (np.broadcast_to(u, x.shape) * 1.0,), shapes=lambda: _shapes_min1()),
    OpCase("sum_axis0", lambda x: x.sum(axis=0), lambda u, x: (np.broadcast_to(u, x.shape) * 1.0,),
           shapes=lambda: _shapes_min1()),
    OpCase("mean", lambda x: x.mean(), lambda u, x: (np.full(x.shape, u / max(x.size, 1)),)),
    OpCase("mean_axis", lambda x: x.mean(dim=0),
           lambda u, x: (np.broadcast_to(u, x.shape) / x.shape[0],), shapes=lambda: _shapes_min1()),
    OpCase("max", lambda x: x.max(), _extremum_vjp(np.argmax), distinct=True, margin=1e-2),
    OpCase("min", lambda x: x.min(), _extremum_vjp(np.argmin), distinct=True, margin=1e-2),
    OpCase("max_axis", lambda x: x.max(axis=-1).values,
           lambda u, x: ((x == x.max(axis=-1, keepdims=True)) * np.expand_dims(u, -1),),
           distinct=True, margin=1e-2, shapes=lambda: _shapes_min1()),
    OpCase("reshape", lambda x: x.reshape(-1), lambda u, x: (np.reshape(u, x.shape),)),
    OpCase("transpose", lambda x: x.T, lambda u, x: (np.transpose(u),)),
    OpCase("permute", lambda x: x.permute(*reversed(range(x.ndim))) if x.ndim else x,
           lambda u, x: (np.transpose(u),)),
    OpCase("unsqueeze", lambda x: x.unsqueeze(0), lambda u, x: (np.reshape(u, x.shape),)),
    OpCase("squeeze", lambda x: x.squeeze(), lambda u, x: (np.reshape(u, x.shape),)),
    OpCase("flatten", lambda x: x.flatten(), lambda u, x: (np.reshape(u, x.shape),)),
    OpCase("expand", lambda x: x.expand(2, *x.shape), lambda u, x: (np.sum(u, axis=0),)),
    OpCase("getitem_basic", lambda x: x[..., ::2] if x.ndim else x * 1,
           lambda u, x: (_getitem_vjp((Ellipsis, slice(None, None, 2)))(u, x)[0] if x.ndim
                         else u * 1.0,)),
    OpCase("getitem_repeated", lambda x: x[[0, 1, 0]],
           lambda u, x: _getitem_vjp(np.array([0, 1, 0]))(u, x),
           shapes=lambda: _shapes_min1(min_side=2)),
    # the odd offset keeps hypothesis's simple numbers (0, 1, 0.5) off the tie a == b + c
    OpCase("maximum", lambda a, b: tf.maximum(a, b + _TIE), _binary(lambda a, b: (a > b + _TIE) * 1.0,
                                                                     lambda a, b: (b + _TIE > a) * 1.0), 2),
    OpCase("minimum", lambda a, b: tf.minimum(a, b + _TIE), _binary(lambda a, b: (a < b + _TIE) * 1.0,
                                                                     lambda a, b: (b + _TIE < a) * 1.0), 2),
    OpCase("setitem", lambda a, b: SetItem.apply(a, b[0], index=0), _setitem_vjp, 2,
           broadcast=False, shapes=lambda: _shapes_min1(2)),
    OpCase("cast", lambda x: Cast.apply(x, dtype=np.float64), lambda u, x: (u * 1.0,)),
    OpCase("cat", lambda a, b: tf.cat([a, b], dim=0),
           lambda u, a, b: (u[: a.shape[0]], u[a.shape[0]:]), 2, shapes=lambda: _shapes_min1(2)),
    OpCase("stack", lambda a, b: tf.stack([a, b], dim=0), lambda u, a, b: (u[0], u[1]), 2,
           broadcast=False),
    OpCase("matmul", lambda a, b: a @ b, _matmul_vjp, 2, shapes=_matmul_shapes),
    OpCase("linear", _linear, _linear_vjp, 3, shapes=_linear_shapes),
    OpCase("mse_loss", lambda a, b: F.mse_loss(a, b),
           lambda u, a, b: (u * 2 * (a - b) / a.size, -u * 2 * (a - b) / a.size), 2,
           broadcast=False),
    OpCase("mse_loss_sum", lambda a, b: F.mse_loss(a, b, reduction="sum"),
           lambda u, a, b: (u * 2 * (a - b), -u * 2 * (a - b)), 2, broadcast=False),
]


CATALOGUE += CONV_CASES

CATALOGUE += [OpCase(**case) for case in INDEX_CASES]


CATALOGUE += nn_cases()

CATALOGUE += [OpCase(**case) for case in MATH_CASES]

CATALOGUE += [OpCase(**case) for case in REDUCE_CASES]
