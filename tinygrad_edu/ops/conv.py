"""Convolution and max pooling over (N, C, H, W) data, vectorised with numpy.

The forward convolution reads every window at once: ``sliding_window_view`` gives an
(N, C, Ho, Wo, kh, kw) view of the padded input ("im2col" without a copy), and one batched
matrix product per group contracts it with the weight. Three ops close under differentiation, so
convolution is differentiable to any order:

* :class:`Conv2dFunction` ``z = conv(x, w) + b``;
* :class:`ConvTranspose2dFunction` ``z = conv^T(g, w)``, the gradient with respect to ``x``
  (it scatters each window back, "col2im": a loop over the kh*kw kernel positions, never pixels);
* :class:`Conv2dWeightFunction` ``z = corr(x, g)``, the gradient with respect to ``w``.

Each is linear in each input, and the adjoint of one in one argument is another of the three.
Padding is given per side, ``((top, bottom), (left, right))``, so that ``padding='same'`` with an
even kernel (one more row at the bottom, as PyTorch) and ``ceil_mode`` pooling fit the same code.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from .shape import ScatterAdd
from .tangents import bilinear, plus

__all__ = ["ConvGeometry", "Conv2dFunction", "ConvTranspose2dFunction", "Conv2dWeightFunction",
           "MaxPool2dFunction", "pool_output_size", "max_pool_index"]


class ConvGeometry(NamedTuple):
    """How a kernel slides: stride, per-side padding ((top, bottom), (left, right)), dilation,
    groups."""

    stride: tuple[int, int]
    padding: tuple[tuple[int, int], tuple[int, int]]
    dilation: tuple[int, int]
    groups: int = 1


def _pad(x: np.ndarray, padding: tuple, value: float = 0.0) -> np.ndarray:
    if not any(padding[0]) and not any(padding[1]):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)


def _windows(xp: np.ndarray, kernel: tuple[int, int], geom: ConvGeometry) -> np.ndarray:
    """The (N, C, Ho, Wo, kh, kw) view of every window of the padded input ``xp`` (no copy)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, geom.stride, geom.dilation
    win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return win[:, :, ::sh, ::sw, ::dh, ::dw]


def _columns(x: np.ndarray, kernel: tuple[int, int], geom: ConvGeometry) -> tuple:
    """The windows as a (groups, N*Ho*Wo, C/groups*kh*kw) matrix, one row per output pixel,
    and the output size (Ho, Wo)."""
    win = _windows(_pad(x, geom.padding), kernel, geom)
    n, c, ho, wo, kh, kw = win.shape
    g = geom.groups
    win = win.reshape(n, g, c // g, ho, wo, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6)
    return win.reshape(g, n * ho * wo, (c // g) * kh * kw), (ho, wo)


def conv2d_data(x: np.ndarray, w: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """out[n, o, p, q] = sum_{c, i, j} w[o, c, i, j] xpad[n, c, p*sh + i*dh, q*sw + j*dw]."""
    o, cg, kh, kw = w.shape
    g = geom.groups
    cols, (ho, wo) = _columns(x, (kh, kw), geom)
    n = x.shape[0]
    out = cols @ w.reshape(g, o // g, cg * kh * kw).transpose(0, 2, 1)  # (g, N*Ho*Wo, O/g)
    out = out.reshape(g, n, ho, wo, o // g).transpose(1, 0, 4, 2, 3).reshape(n, o, ho, wo)
    return np.ascontiguousarray(out)


def conv2d_input_grad(grad: np.ndarray, w: np.ndarray, size: tuple[int, int],
                      geom: ConvGeometry) -> np.ndarray:
    """The transposed convolution: each output pixel's gradient times the kernel, added back
    onto the input window it came from (col2im)."""
    n, o, ho, wo = grad.shape
    _, cg, kh, kw = w.shape
    g, og = geom.groups, o // geom.groups
    gg = grad.reshape(n, g, og, ho, wo).transpose(1, 0, 3, 4, 2).reshape(g, n * ho * wo, og)
    cols = (gg @ w.reshape(g, og, cg * kh * kw)).reshape(g, n, ho, wo, cg, kh, kw)
    cols = cols.transpose(1, 0, 4, 2, 3, 5, 6).reshape(n, g * cg, ho, wo, kh, kw)
    (pt, pb), (pl, pr) = geom.padding
    (sh, sw), (dh, dw) = geom.stride, geom.dilation
    out = np.zeros((n, g * cg, size[0] + pt + pb, size[1] + pl + pr), dtype=cols.dtype)
    for i in range(kh):  # kh*kw strided adds, each covering every pixel at once
        for j in range(kw):
            out[:, :, i * dh: i * dh + sh * (ho - 1) + 1: sh,
                j * dw: j * dw + sw * (wo - 1) + 1: sw] += cols[..., i, j]
    return out[:, :, pt: pt + size[0], pl: pl + size[1]]


def conv2d_weight_grad(x: np.ndarray, grad: np.ndarray, kernel: tuple[int, int],
                       geom: ConvGeometry) -> np.ndarray:
    """gw[o, c, i, j] = sum_{n, p, q} grad[n, o, p, q] xpad[n, c, p*sh + i*dh, q*sw + j*dw]."""
    n, o, ho, wo = grad.shape
    g = geom.groups
    cols, _ = _columns(x, kernel, geom)
    gg = grad.reshape(n, g, o // g, ho, wo).transpose(1, 2, 0, 3, 4).reshape(g, o // g, n * ho * wo)
    return (gg @ cols).reshape(o, x.shape[1] // g, *kernel)


class Conv2dFunction(Function):
    """z[n,o,p,q] = b[o] + sum_{c,i,j} w[o,c,i,j] x[n, c, p*s + i*d - pad, q*s + j*d - pad]."""

    derivative = ("dz/dx: upstream convolved back with w (transposed convolution)",
                  "dz/dw: upstream correlated with the windows of x", "dz/db = 1 (summed over n, p, q)")

    @staticmethod
    def forward(ctx, x, w, b=None, *, geom):
        ctx.save_for_backward(x, w)
        ctx.geom = geom
        out = conv2d_data(x, w, geom)
        return out if b is None else out + np.reshape(b, (-1, 1, 1))

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_values
        nx, nw, *nb = ctx.needs_input_grad
        gx = ConvTranspose2dFunction.apply(grad, w, size=x.shape[2:], geom=ctx.geom) if nx else None
        gw = Conv2dWeightFunction.apply(x, grad, kernel=w.shape[2:], geom=ctx.geom) if nw else None
        return (gx, gw) if not nb else (gx, gw, grad.sum(axis=(0, 2, 3)) if nb[0] else None)

    @staticmethod
    def jvp(ctx, tx, tw, tb=None):  # bilinear in (x, w), plus db on every position
        return plus(bilinear(Conv2dFunction, ctx, tx, tw), None if tb is None else tb.reshape((-1, 1, 1)))


class ConvTranspose2dFunction(Function):
    """z = the transposed convolution of g with w, of spatial size ``size`` (conv2d's dz/dx)."""

    derivative = ("dz/dg: upstream convolved with w (a convolution)",
                  "dz/dw: the windows of upstream correlated with g")

    @staticmethod
    def forward(ctx, g, w, *, size, geom):
        ctx.save_for_backward(g, w)
        ctx.geom = geom
        return conv2d_input_grad(g, w, size, geom)

    @staticmethod
    def backward(ctx, grad):
        g, w = ctx.saved_values
        ng, nw = ctx.needs_input_grad
        gg = Conv2dFunction.apply(grad, w, geom=ctx.geom) if ng else None
        gw = Conv2dWeightFunction.apply(grad, g, kernel=w.shape[2:], geom=ctx.geom) if nw else None
        return gg, gw
    jvp = staticmethod(lambda ctx, tg, tw: bilinear(ConvTranspose2dFunction, ctx, tg, tw))


class Conv2dWeightFunction(Function):
    """z[o,c,i,j] = sum_{n,p,q} g[n,o,p,q] x[n, c, p*s + i*d - pad, q*s + j*d - pad] (dconv/dw)."""

    derivative = ("dz/dx: g convolved back with upstream (transposed convolution)",
                  "dz/dg: x convolved with upstream as the kernel")

    @staticmethod
    def forward(ctx, x, g, *, kernel, geom):
        ctx.save_for_backward(x, g)
        ctx.geom = geom
        return conv2d_weight_grad(x, g, tuple(kernel), geom)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_values
        nx, ng = ctx.needs_input_grad
        gx = ConvTranspose2dFunction.apply(g, grad, size=x.shape[2:], geom=ctx.geom) if nx else None
        gg = Conv2dFunction.apply(x, grad, geom=ctx.geom) if ng else None
        return gx, gg
    jvp = staticmethod(lambda ctx, tx, tg: bilinear(Conv2dWeightFunction, ctx, tx, tg))


def pool_output_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size; with ceil_mode the last window must start inside the input
    or its left padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def max_pool_index(x: np.ndarray, kernel: tuple[int, int], geom: ConvGeometry,
                   out_size: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """(n, c, h, w) index arrays of each window's maximum (the first one on ties; a NaN wins),
    padding counted as -inf. ``geom.padding`` includes ceil_mode's extra bottom/right padding."""
    xp = _pad(x, geom.padding, -np.inf)
    win = _windows(xp, kernel, geom)[:, :, : out_size[0], : out_size[1]]
    n, c, ho, wo, kh, kw = win.shape
    flat = win.reshape(n, c, ho, wo, kh * kw).argmax(axis=-1)
    (sh, sw), (dh, dw) = geom.stride, geom.dilation
    h = np.arange(ho)[:, None] * sh + (flat // kw) * dh - geom.padding[0][0]
    w = np.arange(wo)[None, :] * sw + (flat % kw) * dw - geom.padding[1][0]
    return (np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], h, w)


class MaxPool2dFunction(Function):
    """z = x[index]: each window's maximum, whose position ``index`` the caller found."""

    derivative = ("dz/dx = 1 at each window's maximum, 0 elsewhere (added where windows share it)",)

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, index=ctx.index, shape=ctx.shape)
    jvp = staticmethod(lambda ctx, t: MaxPool2dFunction.apply(t, **ctx.settings))  # linear: J t = op(t)
