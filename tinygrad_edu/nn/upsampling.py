"""``F.interpolate`` (and the deprecated ``upsample*`` functions) and the ``Upsample``,
``UpsamplingNearest2d`` and ``UpsamplingBilinear2d`` layers.

Every mode is separable: it resizes one spatial axis at a time. Nearest modes pick a source
index per output cell (one indexing op); linear, bicubic and area modes multiply the axis by a
small (out, in) matrix of interpolation weights, built with PyTorch's source-coordinate rules
(``align_corners``, ``scale_factor`` against ``size``), so gradients of every order come free.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..value import Value
from .module import Module
from .pooling import _averaging_matrix

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "Upsample",
           "UpsamplingNearest2d", "UpsamplingBilinear2d"]

_RANKS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_ALL = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def _nearest_index(n: int, out: int, scale: float | None, exact: bool) -> np.ndarray:
    """PyTorch's nearest source index, in float32 arithmetic as its CPU kernel computes it."""
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n) / np.float32(out)
    dst = np.arange(out, dtype=np.float32) + (np.float32(0.5) if exact else np.float32(0.0))
    return np.minimum(np.floor(dst * s).astype(np.int64), n - 1)


def _source(n: int, out: int, scale: float | None, align_corners: bool, cubic: bool) -> np.ndarray:
    dst = np.arange(out, dtype=np.float64)
    if align_corners:
        return dst * ((n - 1) / (out - 1) if out > 1 else 0.0)
    s = 1.0 / scale if scale is not None and scale > 0 else n / out
    src = (dst + 0.5) * s - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _linear_matrix(n: int, out: int, scale: float | None, align_corners: bool) -> np.ndarray:
    src = _source(n, out, scale, align_corners, False)
    i0 = src.astype(np.int64)
    lam = src - i0
    i1 = np.where(i0 < n - 1, i0 + 1, i0)
    m = np.zeros((out, n))
    np.add.at(m, (np.arange(out), i0), 1.0 - lam)
    np.add.at(m, (np.arange(out), i1), lam)
    return m


def _cubic_matrix(n: int, out: int, scale: float | None, align_corners: bool) -> np.ndarray:
    src = _source(n, out, scale, align_corners, True)
    i = np.floor(src).astype(np.int64)
    t = src - i
    a = -0.75
    w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
    w1 = ((a + 2) * t - (a + 3)) * t * t + 1
    w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1
    w3 = 1 - w0 - w1 - w2
    m = np.zeros((out, n))
    for k, w in enumerate((w0, w1, w2, w3)):
        np.add.at(m, (np.arange(out), np.clip(i - 1 + k, 0, n - 1)), w)
    return m


def _along(x: Value, axis: int, m: np.ndarray) -> Value:
    return (x.transpose(axis, -1) @ m.T.astype(x.dtype)).transpose(axis, -1)


def _spatial(values: Any, dim: int, shape: tuple, what: str) -> tuple:
    if isinstance(values, (list, tuple)):
        if len(values) != dim:
            raise ValueError(f"Input and {what} must have the same number of spatial dimensions, but "
                             f"got input with spatial dimensions of {list(shape[2:])} and {what} of "
                             f"{tuple(values)}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
                             f"format and {what} in (o1, o2, ...,oK) format.")
        return tuple(values)
    return (values,) * dim


def interpolate(input: Value, size: Any = None, scale_factor: Any = None,  # noqa: A002
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Value:
    """Resize the spatial axes (all but N and C) to ``size``, or by ``scale_factor``, with
    ``mode`` nearest | nearest-exact | linear | bilinear | bicubic | trilinear | area."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by tinygrad_edu")
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if mode not in _ALL or dim not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.ndim}D) for the modes: nearest | linear | bilinear | "
                                  f"bicubic | trilinear | area | nearest-exact (got {mode})")
    if mode in _RANKS and input.ndim != _RANKS[mode]:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{_RANKS[mode]}D input")
    shape = tuple(input.shape)
    if size is not None:
        out = tuple(int(s) for s in _spatial(size, dim, shape, "output size"))
        scales: tuple = (None,) * dim
    elif scale_factor is not None:
        scales = tuple(float(s) for s in _spatial(scale_factor, dim, shape, "scale_factor"))
        out = tuple(int(math.floor(float(n) * s)) for n, s in zip(shape[2:], scales))
        if recompute_scale_factor:
            scales = (None,) * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if min(out) <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(map(str, shape[2:]))}) and output "
                           f"({', '.join(map(str, out))})")
    y = input
    for i, (n, o, s) in enumerate(zip(shape[2:], out, scales)):
        axis = 2 + i
        if mode in ("nearest", "nearest-exact"):
            y = y[(slice(None),) * axis + (_nearest_index(n, o, s, mode == "nearest-exact"),)]
        elif mode == "area":
            y = _along(y, axis, _averaging_matrix(n, o, np.float64))
        elif mode == "bicubic":
            y = _along(y, axis, _cubic_matrix(n, o, s, bool(align_corners)))
        else:
            y = _along(y, axis, _linear_matrix(n, o, s, bool(align_corners)))
    return y


def upsample(input: Value, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
             align_corners: bool | None = None) -> Value:
    """Deprecated name of :func:`interpolate` (warns, as PyTorch)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Value, size: Any = None, scale_factor: Any = None) -> Value:  # noqa: A002
    """Deprecated: ``interpolate(mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Value, size: Any = None, scale_factor: Any = None) -> Value:  # noqa: A002
    """Deprecated: ``interpolate(mode='bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


class Upsample(Module):
    """Resize by ``scale_factor`` or to ``size`` (see :func:`interpolate`)."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Value) -> Value:  # noqa: A002
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = (f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else
                f"size={self.size!r}")
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W) inputs."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) inputs with ``align_corners=True``."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
