"""Catalogue entries for the nn ops: activations, the softmax family, losses and embedding.

Each vjp is written out in numpy from the math (explicit Jacobians for the softmax family), not
from the ops' backwards. Losses with integer targets are catalogue cases through a closure: the
targets are a fixed function of the input's shape (:func:`class_targets`), so central differences
see the same targets on every call. conformance/test_catalogue_conf.py spells each entry in
PyTorch with the same helpers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..nn import functional as F
from ..ops import Erf
from ..value import Value

__all__ = ["nn_cases", "class_targets", "class_weights", "l1_shift", "huber_shift", "embedding_indices",
           "prob_pattern"]

_erf = np.vectorize(math.erf, otypes=[np.float64])


def class_targets(shape: tuple[int, ...], ignore: bool = False) -> np.ndarray:
    """Class indices for an input of shape (N, C, d...) (or (C,)): a fixed, varied pattern; with
    ``ignore`` the first one is -100 (ignore_index) when there are at least two."""
    shape = tuple(shape)
    c, rest = (shape[0], ()) if len(shape) == 1 else (shape[1], shape[:1] + shape[2:])
    t = (np.arange(math.prod(rest)).reshape(rest) * 7 + 1) % c
    if ignore and t.size > 1:
        t.flat[0] = -100
    return t.astype(np.int64)


def class_weights(n_classes: int) -> np.ndarray:
    return 1.0 + 0.5 * np.arange(n_classes)


def l1_shift(shape: tuple[int, ...]) -> np.ndarray:
    """+-5 alternating: ``a - (b + shift)`` stays at least 4 away from l1's kink at 0."""
    return np.where(np.arange(math.prod(shape)) % 2 == 0, 5.0, -5.0).reshape(shape)


def huber_shift(shape: tuple[int, ...]) -> np.ndarray:
    """0 and 3 alternating: with a, b in (-0.4, 0.4), |a - b - shift| is below 0.8 or above 2.2,
    so both branches of smooth L1 / Huber (delta 1) are exercised, away from the switch at 1."""
    return np.where(np.arange(math.prod(shape)) % 2 == 0, 0.0, 3.0).reshape(shape)


def embedding_indices(num_embeddings: int) -> np.ndarray:
    """Indices with a repeat (gradients add up), the first and the last row."""
    return np.array([[0, num_embeddings - 1], [0, num_embeddings // 2]], dtype=np.int64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    """u^T J with the explicit Jacobian J = diag(y) - y y^T of each row (last axis)."""
    if x.ndim == 0:
        return (np.zeros(()),)
    y = _softmax(x, -1)
    jac = np.einsum("...i,ij->...ij", y, np.eye(x.shape[-1])) - np.einsum("...i,...j->...ij", y, y)
    return (np.einsum("...i,...ij->...j", u, jac),)


def _log_softmax_vjp(u: np.ndarray, x: np.ndarray) -> tuple:
    """J = I - 1 y^T: d log y_i / dx_j = delta_ij - y_j."""
    if x.ndim == 0:
        return (np.zeros(()),)
    y = _softmax(x, -1)
    jac = np.eye(x.shape[-1]) - y[..., None, :]
    return (np.einsum("...i,...ij->...j", u, jac),)


def _class_shapes(extra_dims: int = 0, n: int = 1) -> Any:
    """(N, C) shapes (with ``extra_dims`` trailing axes), repeated for ``n`` inputs."""
    from hypothesis import strategies as st

    side = st.integers(1, 3)
    return st.tuples(side, st.integers(1, 4), *([side] * extra_dims)).map(lambda s: (s,) * n)


def _min1() -> Any:
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3).map(lambda s: (s,))


def _rows_cols() -> Any:
    from hypothesis import strategies as st

    return st.tuples(st.integers(1, 4), st.integers(1, 3)).map(lambda s: (s,))


def _nll_vjp(weighted: bool, ignore: bool) -> Any:
    def vjp(u: Any, x: np.ndarray) -> tuple:
        t = class_targets(x.shape, ignore)
        w_c = class_weights(x.shape[1]) if weighted else np.ones(x.shape[1])
        g = np.zeros(x.shape)
        total = 0.0
        for n in range(x.shape[0]):
            if t[n] != -100:
                g[n, t[n]] = -w_c[t[n]]
                total += w_c[t[n]]
        return (u * g / total if total else g,)

    return vjp


def _ce_grad_rows(x: np.ndarray, t: np.ndarray, w_c: np.ndarray, eps: float) -> np.ndarray:
    """Gradient of the (weighted, smoothed) cross entropy sum, row by row, class axis 1 moved
    last: row n contributes (1-eps) w[t] (p - e_t) + eps/C sum_c w_c (p - e_c), when not ignored."""
    xl = np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
    tl = t.reshape(-1)
    c = x.shape[1]
    g = np.zeros(xl.shape)
    for n in range(xl.shape[0]):
        if tl[n] == -100:
            continue
        p = _softmax(xl[n], 0)
        e_t = np.eye(c)[tl[n]]
        g[n] = (1 - eps) * w_c[tl[n]] * (p - e_t) + eps / c * (w_c.sum() * p - w_c)
    shape = (x.shape[0],) + x.shape[2:] + (c,)
    return np.moveaxis(g.reshape(shape), -1, 1)


def _ce_vjp(weighted: bool, ignore: bool, eps: float) -> Any:
    def vjp(u: Any, x: np.ndarray) -> tuple:
        t = class_targets(x.shape, ignore)
        w_c = class_weights(x.shape[1]) if weighted else np.ones(x.shape[1])
        total = sum(w_c[k] for k in t.ravel() if k != -100)
        return (u * _ce_grad_rows(x, t, w_c, eps) / total,)

    return vjp


def prob_pattern(shape: tuple[int, ...]) -> np.ndarray:
    """1, 2, ..., C along the class axis 1 of ``shape``: multiplies the probability targets, so
    that they are never proportional to softmax(x) for simple x (where the gradient would cancel
    to rounding noise)."""
    return (1.0 + np.arange(shape[1])).reshape((-1,) + (1,) * (len(shape) - 2))


def _ce_probs_vjp(u: Any, x: np.ndarray, t0: np.ndarray) -> tuple:
    """l = -sum(t log softmax(x)) / N with t = t0 * pattern: dl/dx = (p sum_c t - t) / N,
    dl/dt0 = -pattern log p / N."""
    t = t0 * prob_pattern(x.shape)
    p = _softmax(x, 1)
    n = x.size / x.shape[1]
    gx = (p * t.sum(axis=1, keepdims=True) - t) / n
    return u * gx, -u * prob_pattern(x.shape) * np.log(p) / n


def _bce_vjp(u: Any, x: np.ndarray, t: np.ndarray) -> tuple:
    n = x.size
    return u * (x - t) / (x * (1 - x)) / n, u * (np.log(1 - x) - np.log(x)) / n


_POS_WEIGHT = 2.5


def _bce_logits_vjp(u: Any, x: np.ndarray, t: np.ndarray) -> tuple:
    """l = -(p t log s + (1 - t) log(1 - s)), s = sigmoid(x), p = pos_weight."""
    s, p, n = _sigmoid(x), _POS_WEIGHT, x.size
    gx = -(p * t * (1 - s) - (1 - t) * s)
    gt = -(p * np.log(s) - np.log(1 - s))
    return u * gx / n, u * gt / n


def _huber_vjp(u: Any, a: np.ndarray, b: np.ndarray) -> tuple:
    """Mean of 0.5 d^2 (|d| < 1) or |d| - 0.5 (delta = beta = 1: smooth L1 and Huber agree)."""
    d = a - (b + huber_shift(b.shape))
    g = np.where(np.abs(d) < 1.0, d, np.sign(d)) / d.size
    return u * g, -u * g


def _embedding_vjp(u: np.ndarray, w: np.ndarray) -> tuple:
    """Each lookup sends its upstream row back to the row it read. (padding_idx is not a
    catalogue case: its row's gradient is zero by definition, not by calculus.)"""
    idx = embedding_indices(w.shape[0])
    g = np.zeros(w.shape)
    for pos in np.ndindex(idx.shape):
        g[idx[pos]] += u[pos]
    return (g,)


def _gelu_local(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _gelu_tanh_local(x: np.ndarray) -> np.ndarray:
    k = math.sqrt(2 / math.pi)
    t = np.tanh(k * (x + 0.044715 * x**3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * k * (1 + 3 * 0.044715 * x**2)


def _t(a: np.ndarray) -> Value:
    return Value(a)


def nn_cases() -> list:
    """The entries (built on call: catalogue.py imports this module at its end, so OpCase is
    imported here, late, to keep either import order working)."""
    from .catalogue import OpCase

    return [
        OpCase("leaky_relu", lambda x: F.leaky_relu(x, 0.1),
               lambda u, x: (u * np.where(x > 0, 1.0, 0.1),), avoid=(0.0,)),
        OpCase("elu", lambda x: F.elu(x, 0.7), lambda u, x: (u * np.where(x > 0, 1.0, 0.7 * np.exp(x)),),
               avoid=(0.0,)),
        OpCase("erf", lambda x: Erf.apply(x), lambda u, x: (u * 2 / math.sqrt(math.pi) * np.exp(-x * x),)),
        OpCase("gelu", lambda x: F.gelu(x), lambda u, x: (u * _gelu_local(x),)),
        OpCase("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), lambda u, x: (u * _gelu_tanh_local(x),)),
        OpCase("silu", lambda x: F.silu(x),
               lambda u, x: (u * (_sigmoid(x) + x * _sigmoid(x) * (1 - _sigmoid(x))),)),
        OpCase("softplus", lambda x: F.softplus(x, beta=2.0, threshold=3.0),
               lambda u, x: (u * np.where(2 * x > 3.0, 1.0, _sigmoid(2 * x)),), avoid=(1.5,), margin=1e-2),
        OpCase("softmax", lambda x: F.softmax(x, dim=-1), _softmax_vjp),
        OpCase("log_softmax", lambda x: F.log_softmax(x, dim=-1), _log_softmax_vjp),
        OpCase("logsumexp", lambda x: x.logsumexp(-1),
               lambda u, x: (np.expand_dims(u, -1) * _softmax(x, -1),), shapes=_min1),
        OpCase("logsumexp_keepdim", lambda x: x.logsumexp(tuple(range(x.ndim)), keepdim=True),
               lambda u, x: (u * np.exp(x - np.log(np.exp(x).sum())),), shapes=_min1),
        OpCase("nll_loss", lambda x: F.nll_loss(x, class_targets(x.shape)), _nll_vjp(False, False),
               shapes=_class_shapes),
        OpCase("nll_loss_weighted_ignore",
               lambda x: F.nll_loss(x, class_targets(x.shape, True), weight=class_weights(x.shape[1])),
               _nll_vjp(True, True), shapes=lambda: _class_shapes().filter(lambda s: s[0][0] > 1)),
        OpCase("cross_entropy", lambda x: F.cross_entropy(x, class_targets(x.shape)),
               _ce_vjp(False, False, 0.0), shapes=_class_shapes),
        OpCase("cross_entropy_nd", lambda x: F.cross_entropy(x, class_targets(x.shape)),
               _ce_vjp(False, False, 0.0), shapes=lambda: _class_shapes(extra_dims=1)),
        OpCase("cross_entropy_weighted_smooth",
               lambda x: F.cross_entropy(x, class_targets(x.shape, True), weight=class_weights(x.shape[1]),
                                         label_smoothing=0.2),
               _ce_vjp(True, True, 0.2), shapes=lambda: _class_shapes().filter(lambda s: s[0][0] > 1)),
        OpCase("cross_entropy_probs", lambda x, t: F.cross_entropy(x, t * prob_pattern(x.shape)),
               _ce_probs_vjp, 2,
               domain=[(-3.0, 3.0), (0.0, 1.0)], shapes=lambda: _class_shapes(n=2)),
        OpCase("binary_cross_entropy", lambda x, t: F.binary_cross_entropy(x, t), _bce_vjp, 2,
               domain=[(0.05, 0.95), (0.01, 0.99)], broadcast=False),
        OpCase("binary_cross_entropy_with_logits",
               lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=_t(np.float64(_POS_WEIGHT))),
               _bce_logits_vjp, 2, domain=[(-6.0, 6.0), (0.0, 1.0)], broadcast=False),
        OpCase("l1_loss", lambda a, b: F.l1_loss(a, b + l1_shift(b.shape)),
               lambda u, a, b: (u * np.sign(a - b - l1_shift(b.shape)) / a.size,
                                -u * np.sign(a - b - l1_shift(b.shape)) / a.size), 2, broadcast=False),
        OpCase("smooth_l1_loss", lambda a, b: F.smooth_l1_loss(a, b + huber_shift(b.shape)),
               _huber_vjp, 2, domain=(-0.4, 0.4), broadcast=False),
        OpCase("huber_loss", lambda a, b: F.huber_loss(a, b + huber_shift(b.shape), reduction="sum"),
               lambda u, a, b: tuple(g * a.size for g in _huber_vjp(u, a, b)), 2,
               domain=(-0.4, 0.4), broadcast=False),
        OpCase("embedding", lambda w: F.embedding(embedding_indices(w.shape[0]), w),
               _embedding_vjp, shapes=_rows_cols),
    ]
