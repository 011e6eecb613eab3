"""Sampling functions of ``nn.functional``: ``affine_grid`` and ``grid_sample`` (spatial
transformer networks, 4-D inputs) and ``gumbel_softmax``.

* ``affine_grid`` maps a base grid of normalised coordinates [x, y, 1] through each ``theta``: one
  matrix product, so the gradient reaches ``theta``.
* ``grid_sample`` turns each grid point into pixel coordinates (PyTorch's rules for
  ``align_corners`` and the padding modes), finds the neighbouring pixels with numpy (``floor``,
  outside the graph) and gathers them by indexing; the bilinear weights are computed from the
  grid with differentiable ops, so gradients reach both the input and the grid.
* ``gumbel_softmax`` adds Gumbel noise to the logits and takes a softmax; ``hard=True`` returns the
  one-hot argmax with the soft sample's gradient (straight-through).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..random import rng
from ..toplevel import where
from ..value import Value

__all__ = ["affine_grid", "grid_sample", "gumbel_softmax"]


def _align_default(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False "
                      "since 1.3.0. Please specify align_corners=True if the old behavior is desired. "
                      "See the documentation of grid_sample for details.", UserWarning, stacklevel=3)
        return False
    return align_corners


def _base(n: int, align_corners: bool) -> np.ndarray:
    steps = np.linspace(-1.0, 1.0, n) if n > 1 else np.zeros(1)
    return steps if align_corners else steps * (n - 1) / n


def affine_grid(theta: Value, size: Any, align_corners: bool | None = None) -> Value:
    """The (N, H, W, 2) sampling grid of the affine maps ``theta`` (N, 2, 3) for an output of
    ``size`` (N, C, H, W)."""
    align = _align_default(align_corners)
    size = [int(s) for s in size]
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid only supports 4D sizes, for 2D affine "
                                  f"transformations. Got size {size}.")
    n, _, h, w = size
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.shape[0] != n:
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                         f"torch.Size({size}). Got torch.Size({list(theta.shape)}).")
    if min(size[2:]) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    xs, ys = np.meshgrid(_base(w, align), _base(h, align))
    base = np.stack([xs, ys, np.ones_like(xs)], -1).reshape(1, h * w, 3).astype(theta.dtype)
    return (Value(base) @ theta.transpose(1, 2)).reshape(n, h, w, 2)


def _unnormalise(coord: Value, size: int, align: bool) -> Value:
    return (coord + 1) / 2 * (size - 1) if align else ((coord + 1) * size - 1) / 2


def _reflect(x: Value, twice_low: int, twice_high: int) -> Value:
    """PyTorch's reflect_coordinates: mirror ``x`` into [low, high] as often as needed."""
    if twice_low == twice_high:
        return x * 0.0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    x = (x - low).abs()
    flips = np.floor(x.detach().numpy() / span)
    extra = x - flips * span
    return where(flips % 2 == 0, extra + low, span - extra + low)


def _coordinates(coord: Value, size: int, padding_mode: str, align: bool) -> Value:
    x = _unnormalise(coord, size, align)
    if padding_mode == "border":
        return x.clamp(0.0, size - 1.0)
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align else _reflect(x, -1, 2 * size - 1)
        return x.clamp(0.0, size - 1.0)
    return x


def _gather(input: Value, iy: np.ndarray, ix: np.ndarray) -> tuple[Value, np.ndarray]:  # noqa: A002
    """input[n, :, iy, ix] as (N, C, Ho, Wo), zero where (iy, ix) is outside; and that mask."""
    h, w = input.shape[2:]
    inside = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
    n = np.arange(input.shape[0]).reshape(-1, 1, 1)
    picked = input[n, :, np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)]  # (N, Ho, Wo, C)
    return picked.permute(0, 3, 1, 2), inside[:, None].astype(input.dtype)


def grid_sample(input: Value, grid: Value, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Value:
    """Sample ``input`` (N, C, H, W) at the normalised points ``grid`` (N, Ho, Wo, 2), (x, y) in
    [-1, 1]; ``mode`` 'bilinear' | 'nearest', ``padding_mode`` 'zeros' | 'border' | 'reflection'."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
                         f"'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', "
                         f"or 'reflection', but got: '{padding_mode}'")
    align = _align_default(align_corners)
    if input.ndim != 4 or mode == "bicubic":
        raise NotImplementedError("grid_sample: tinygrad_edu supports 4-D inputs with mode 'bilinear' "
                                  "or 'nearest'")
    if grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension and the "
                           f"same batch size as input, but got grid with sizes {list(grid.shape)} and "
                           f"input with sizes {list(input.shape)}")
    h, w = input.shape[2:]
    x = _coordinates(grid[..., 0], w, padding_mode, align)
    y = _coordinates(grid[..., 1], h, padding_mode, align)
    xd, yd = x.detach().numpy(), y.detach().numpy()
    if mode == "nearest":
        value, inside = _gather(input, np.rint(yd).astype(np.int64), np.rint(xd).astype(np.int64))
        return value * inside + ((x + y) * 0.0).unsqueeze(1)  # as PyTorch, the grid's gradient is 0
    x0, y0 = np.floor(xd).astype(np.int64), np.floor(yd).astype(np.int64)
    fx, fy = (x - x0).unsqueeze(1), (y - y0).unsqueeze(1)  # (N, 1, Ho, Wo), differentiable in grid
    out = None
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            value, inside = _gather(input, y0 + dy, x0 + dx)
            term = value * (wy * wx * inside)
            out = term if out is None else out + term
    return out


def gumbel_softmax(logits: Value, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Value:
    """``softmax((logits + g) / tau)`` with Gumbel(0, 1) noise ``g``; ``hard``: the one-hot argmax
    in the forward pass, the soft sample's gradient in the backward pass."""
    gumbels = Value(-np.log(rng().exponential(1.0, logits.shape)).astype(logits.dtype))
    soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return soft
    index = soft.detach().numpy().argmax(axis=dim)
    axis = dim % logits.ndim
    one_hot = (np.expand_dims(index, axis) == np.arange(logits.shape[axis]).reshape(
        [-1 if a == axis else 1 for a in range(logits.ndim)])).astype(logits.dtype)
    return Value(one_hot) - soft.detach() + soft
