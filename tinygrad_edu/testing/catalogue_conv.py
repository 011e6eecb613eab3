"""Catalogue entries for convolution, pooling and normalisation (appended to ``CATALOGUE``).

The reference vjps here are deliberately naive: direct loops over every output pixel and kernel
position, written from the definitions, sharing no code with :mod:`tinygrad_edu.ops.conv`. They
only ever see tiny shapes.

Max pooling and the norms need inputs away from ties and from zero variance: their cases add a
fixed ``spread`` (distinct integers in a fixed shuffled order) to an input drawn from a narrow
domain, so every window has one clear maximum and every group a clear variance.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from ..nn import functional as F
from ..ops.conv import Conv2dWeightFunction, ConvGeometry, ConvTranspose2dFunction
from .catalogue import OpCase

__all__ = ["CONV_CASES", "spread"]

_NARROW = (-0.3, 0.3)


def spread(shape: tuple[int, ...]) -> np.ndarray:
    """Distinct integers 0..size-1 in a fixed shuffled order, shaped ``shape``."""
    size = int(np.prod(shape))
    return np.random.default_rng(size).permutation(size).reshape(shape).astype(np.float64)


# ---------------------------------------------------------------- naive references
def _conv_loops(x, w, u, stride, pads, dil, groups):
    """Forward value and, when ``u`` is given, the vjp (gx, gw, gb), by direct loops."""
    n_, c_, h_, w_ = x.shape
    o_, cg, kh, kw = w.shape
    (pt, pb), (pl, pr) = pads
    xp = np.zeros((n_, c_, h_ + pt + pb, w_ + pl + pr))
    xp[:, :, pt:pt + h_, pl:pl + w_] = x
    ho = (xp.shape[2] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (xp.shape[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out, gxp, gw = np.zeros((n_, o_, ho, wo)), np.zeros(xp.shape), np.zeros(w.shape)
    og = o_ // groups
    for n, o, p, q, c, i, j in product(range(n_), range(o_), range(ho), range(wo), range(cg),
                                       range(kh), range(kw)):
        ci = (o // og) * cg + c
        r, s = p * stride[0] + i * dil[0], q * stride[1] + j * dil[1]
        out[n, o, p, q] += w[o, c, i, j] * xp[n, ci, r, s]
        if u is not None:
            gxp[n, ci, r, s] += u[n, o, p, q] * w[o, c, i, j]
            gw[o, c, i, j] += u[n, o, p, q] * xp[n, ci, r, s]
    gx = gxp[:, :, pt:pt + h_, pl:pl + w_]
    return out, gx, gw, None if u is None else u.sum(axis=(0, 2, 3))


def _conv_vjp(stride, pads, dil, groups):
    def vjp(u, x, w, b):
        _, gx, gw, gb = _conv_loops(x, w, np.asarray(u), stride, pads, dil, groups)
        return gx, gw, gb

    return vjp


def _conv_case(name, kwargs, stride, pads, dil, groups, shapes):
    return OpCase(name, lambda x, w, b: F.conv2d(x, w, b, **kwargs),
                  _conv_vjp(stride, pads, dil, groups), 3, broadcast=False, shapes=shapes)


def _conv_shapes(kernel, stride, pads, dil, groups=1):
    """(x, w, b) shapes with a valid output: N in 1..2, channels per group 1..2."""
    from hypothesis import strategies as st

    eff = [d * (k - 1) + 1 for k, d in zip(kernel, dil)]
    low = [max(1, e - p0 - p1) for e, (p0, p1) in zip(eff, pads)]

    def build(n, cg, og, extra_h, extra_w):
        h, w = low[0] + extra_h, low[1] + extra_w
        return ((n, cg * groups, h, w), (og * groups, cg) + tuple(kernel), (og * groups,))

    one_two, extra = st.integers(1, 2), st.integers(0, 2 * max(stride))
    return lambda: st.builds(build, one_two, one_two, one_two, extra, extra)


def _transpose_fn(x: Any, w: Any) -> Any:
    """z = conv^T(g, w) for stride 2, padding 1, kernel 3, back to size (2*Ho, 2*Wo - 1)."""
    geom = ConvGeometry((2, 2), ((1, 1), (1, 1)), (1, 1), 1)
    return ConvTranspose2dFunction.apply(x, w, size=(2 * x.shape[2], 2 * x.shape[3] - 1), geom=geom)


def _transpose_vjp(u, g, w):
    """conv^T(g, w) is the vjp of conv(., w) at upstream g: its vjp is the conv of u (wrt g)
    and the weight gradient of conv at input u and upstream g (wrt w)."""
    u = np.asarray(u)
    out, _, gw, _ = _conv_loops(u, w, g, (2, 2), ((1, 1), (1, 1)), (1, 1), 1)
    return out, gw


def _transpose_shapes():
    from hypothesis import strategies as st

    side = st.integers(1, 3)
    return st.builds(lambda n, o, c, ho, wo: ((n, o, ho, wo), (o, c, 3, 3)),
                     st.integers(1, 2), side, side, side, side)


def _weight_fn(x: Any, g: Any) -> Any:
    """z = dconv/dw for stride 1, padding (1, 0), dilation 1, kernel 2x2."""
    geom = ConvGeometry((1, 1), ((1, 1), (0, 0)), (1, 1), 1)
    return Conv2dWeightFunction.apply(x, g, kernel=(2, 2), geom=geom)


def _weight_vjp(u, x, g):
    """z(x, g) = sum over the windows of x times g: vjp wrt x is conv^T(g, u), wrt g is conv(x, u)."""
    u = np.asarray(u)
    out, gx, _, _ = _conv_loops(x, u, g, (1, 1), ((1, 1), (0, 0)), (1, 1), 1)
    return gx, out


def _weight_shapes():
    from hypothesis import strategies as st

    side = st.integers(1, 3)
    return st.builds(lambda n, c, o, h, w: ((n, c, h, w + 1), (n, o, h + 1, w)),
                     st.integers(1, 2), side, side, side, side)


# ---------------------------------------------------------------- pooling
def _pool_shapes(min_side: int):
    from hypothesis import strategies as st

    side = st.integers(min_side, min_side + 3)
    return lambda: st.builds(lambda n, c, h, w: ((n, c, h, w),), st.integers(1, 2),
                             st.integers(1, 2), side, side)


def _windows_1d(size, k, s, p, d, ceil):
    """Per output position: the input indices its window covers (padding dropped) and the
    window's length counting padding up to size + p (the count_include_pad divisor)."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    wins = []
    for o in range(out):
        start = o * s - p
        idx = [start + t * d for t in range(k)]
        wins.append(([i for i in idx if 0 <= i < size], min(start + (k - 1) * d + 1, size + p) - start))
    return wins


def _max_pool_vjp(k, s, p, d, ceil):
    def vjp(u, x):
        x = x + spread(x.shape)
        g = np.zeros(x.shape)
        rows, cols = _windows_1d(x.shape[2], k, s, p, d, ceil), _windows_1d(x.shape[3], k, s, p, d, ceil)
        for n, c, (a, (ri, _)), (b, (ci, _)) in product(range(x.shape[0]), range(x.shape[1]),
                                                        enumerate(rows), enumerate(cols)):
            best = max(((r, q) for r in ri for q in ci), key=lambda rq: x[n, c, rq[0], rq[1]])
            g[n, c, best[0], best[1]] += u[n, c, a, b]
        return (g,)

    return vjp


def _avg_pool_vjp(u, x):
    """kernel 2, stride 1, padding 1, ceil_mode, count_include_pad=False: each output's gradient
    is shared equally by the real pixels of its window."""
    g = np.zeros(x.shape)
    rows, cols = _windows_1d(x.shape[2], 2, 1, 1, 1, True), _windows_1d(x.shape[3], 2, 1, 1, 1, True)
    for n, c, (a, (ri, _)), (b, (ci, _)) in product(range(x.shape[0]), range(x.shape[1]),
                                                    enumerate(rows), enumerate(cols)):
        for r, q in product(ri, ci):
            g[n, c, r, q] += u[n, c, a, b] / (len(ri) * len(ci))
    return (g,)


def _adaptive_vjp(u, x):
    """Output (2, 3): window i along an axis of size n is [floor(i n / o), ceil((i+1) n / o))."""
    g = np.zeros(x.shape)
    h, w = x.shape[2:]
    for a, b in product(range(2), range(3)):
        r0, r1 = (a * h) // 2, -(-((a + 1) * h) // 2)
        c0, c1 = (b * w) // 3, -(-((b + 1) * w) // 3)
        g[:, :, r0:r1, c0:c1] += u[:, :, a:a + 1, b:b + 1] / ((r1 - r0) * (c1 - c0))
    return (g,)


# ---------------------------------------------------------------- norms
def _norm_vjp(u, y, axes, eps):
    """Standardisation's vjp from its definition, written per group with explicit sums."""
    m = int(np.prod([y.shape[a] for a in axes]))
    mean = y.sum(axis=axes, keepdims=True) / m
    var = ((y - mean) ** 2).sum(axis=axes, keepdims=True) / m
    z = (y - mean) / np.sqrt(var + eps)
    su = u.sum(axis=axes, keepdims=True)
    suz = (u * z).sum(axis=axes, keepdims=True)
    return (u - su / m - z * suz / m) / np.sqrt(var + eps), z


def _batch_norm_fn(x: Any, w: Any, b: Any) -> Any:
    return F.batch_norm(x + spread(x.shape), None, None, w, b, training=True)


def _batch_norm_vjp(u, x, w, b):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    axes = (0,) + tuple(range(2, x.ndim))
    gz = u * w.reshape(shape)
    gx, z = _norm_vjp(gz, x + spread(x.shape), axes, 1e-5)
    return gx, (u * z).sum(axis=axes), u.sum(axis=axes)


def _batch_norm_shapes():
    from hypothesis import strategies as st

    def build(n, c, spatial):
        return ((n, c) + spatial, (c,), (c,))

    spatial = st.sampled_from([(), (2,), (1, 2), (2, 2)])
    return st.builds(build, st.integers(2, 3), st.integers(1, 2), spatial)


def _layer_norm_fn(x: Any, w: Any, b: Any) -> Any:
    return F.layer_norm(x + spread(x.shape), w.shape, w, b)


def _layer_norm_vjp(u, x, w, b):
    lead = x.ndim - w.ndim
    axes = tuple(range(lead, x.ndim))
    gx, z = _norm_vjp(u * w, x + spread(x.shape), axes, 1e-5)
    return gx, (u * z).sum(axis=tuple(range(lead))), u.sum(axis=tuple(range(lead)))


def _layer_norm_shapes():
    from hypothesis import strategies as st

    def build(lead, norm):
        return (lead + norm, norm, norm)

    return st.builds(build, st.sampled_from([(), (2,), (2, 1)]),
                     st.sampled_from([(2,), (3,), (1, 2), (2, 2)]))


CONV_CASES: list[OpCase] = [
    _conv_case("conv2d", {}, (1, 1), ((0, 0), (0, 0)), (1, 1), 1,
               _conv_shapes((2, 2), (1, 1), ((0, 0), (0, 0)), (1, 1))),
    _conv_case("conv2d_stride_pad", {"stride": 2, "padding": 1}, (2, 2), ((1, 1), (1, 1)), (1, 1),
               1, _conv_shapes((3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1))),
    _conv_case("conv2d_dilation", {"dilation": 2, "padding": (1, 0)}, (1, 1), ((1, 1), (0, 0)),
               (2, 2), 1, _conv_shapes((2, 2), (1, 1), ((1, 1), (0, 0)), (2, 2))),
    _conv_case("conv2d_groups", {"groups": 2, "stride": (1, 2)}, (1, 2), ((0, 0), (0, 0)), (1, 1),
               2, _conv_shapes((2, 1), (1, 2), ((0, 0), (0, 0)), (1, 1), 2)),
    _conv_case("conv2d_same", {"padding": "same"}, (1, 1), ((0, 1), (1, 1)), (1, 1), 1,
               _conv_shapes((2, 3), (1, 1), ((0, 1), (1, 1)), (1, 1))),
    OpCase("conv_transpose2d", _transpose_fn, _transpose_vjp, 2, broadcast=False,
           shapes=_transpose_shapes),
    OpCase("conv2d_weight", _weight_fn, _weight_vjp, 2, broadcast=False, shapes=_weight_shapes),
    OpCase("max_pool2d", lambda x: F.max_pool2d(x + spread(x.shape), 2),
           _max_pool_vjp(2, 2, 0, 1, False), domain=_NARROW, shapes=_pool_shapes(2)),
    OpCase("max_pool2d_pad_ceil",
           lambda x: F.max_pool2d(x + spread(x.shape), 3, stride=2, padding=1, ceil_mode=True),
           _max_pool_vjp(3, 2, 1, 1, True), domain=_NARROW, shapes=_pool_shapes(1)),
    OpCase("max_pool2d_dilation",
           lambda x: F.max_pool2d(x + spread(x.shape), 2, stride=1, dilation=2),
           _max_pool_vjp(2, 1, 0, 2, False), domain=_NARROW, shapes=_pool_shapes(3)),
    OpCase("avg_pool2d",
           lambda x: F.avg_pool2d(x, 2, stride=1, padding=1, ceil_mode=True, count_include_pad=False),
           _avg_pool_vjp, shapes=_pool_shapes(1)),
    OpCase("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (2, 3)), _adaptive_vjp,
           shapes=_pool_shapes(1)),
    OpCase("batch_norm", _batch_norm_fn, _batch_norm_vjp, 3, domain=[_NARROW, (-3.0, 3.0),
           (-3.0, 3.0)], broadcast=False, shapes=_batch_norm_shapes),
    OpCase("layer_norm", _layer_norm_fn, _layer_norm_vjp, 3, domain=[_NARROW, (-3.0, 3.0),
           (-3.0, 3.0)], broadcast=False, shapes=_layer_norm_shapes),
]
