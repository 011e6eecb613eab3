"""``F.pad`` and the padding layers (ConstantPad, ZeroPad, ReflectionPad, ReplicationPad,
CircularPad, each in 1d/2d/3d).

Constant padding joins blocks of the fill value to each side (``cat``; a negative amount crops by
slicing). The other modes are one indexing op per padded axis: the index array says which input
cell each output cell copies (mirrored, clipped or wrapped), so the gradient adds back onto the
copied cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..toplevel import cat
from ..value import Value
from .module import Module

__all__ = ["pad", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
           "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]

_MODES = ("constant", "reflect", "replicate", "circular")


def _source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each output cell along an axis of size ``n``, the input cell it copies."""
    j = np.arange(-before, n + after)
    if mode == "reflect":
        period = 2 * (n - 1) if n > 1 else 1
        j = np.abs(j) % period
        return np.where(j > n - 1, period - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    lo, hi = max(-before, 0), n - max(-after, 0)  # circular crops first, then wraps what is left
    return np.arange(-max(before, 0), hi - lo + max(after, 0)) % (hi - lo) + lo


def _pad_constant(x: Value, pairs: list, value: float) -> Value:
    for k, (before, after) in enumerate(pairs):
        axis = x.ndim - 1 - k
        n = x.shape[axis]
        lo, hi = max(-before, 0), n - max(-after, 0)
        if lo > 0 or hi < n:
            if hi - lo < 0:
                raise RuntimeError(f"The input size {n}, plus negative padding {before} and {after} "
                                   f"resulted in a negative output size, which is invalid. Check "
                                   f"dimension {axis} of your input.")
            x = x[(slice(None),) * axis + (slice(lo, hi),)]
        parts = []
        for amount in (before, after):
            shape = list(x.shape)
            shape[axis] = max(amount, 0)
            parts.append(Value(np.full(shape, value, dtype=x.dtype)))
        if before > 0 or after > 0:
            x = cat([parts[0], x, parts[1]], axis)
    return x


def _pad_by_index(x: Value, pairs: list, mode: str) -> Value:
    n_pad = 2 * len(pairs)
    if x.ndim not in (len(pairs) + 1, len(pairs) + 2) or len(pairs) > 3:
        raise NotImplementedError(
            f"Padding size {n_pad} is not supported for {x.ndim}D input tensor.\nSupported "
            f"combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads "
            f"last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - "
            f"4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    for k, (before, after) in enumerate(pairs):
        axis = x.ndim - 1 - k
        n = x.shape[axis]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({before}, {after}) at dimension "
                               f"{axis} of input {list(x.shape)}")
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if n + before + after < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        x = x[(slice(None),) * axis + (_source_index(n, before, after, mode),)]
    return x


def pad(input: Value, pad: Any, mode: str = "constant", value: float | None = None) -> Value:  # noqa: A002
    """Pad the last ``len(pad) // 2`` axes: ``pad = (left, right, top, bottom, front, back)``, the
    last axis first, as ``torch.nn.functional.pad``. Negative amounts crop."""
    amounts = [int(p) for p in pad]
    if len(amounts) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(amounts) > 2 * input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(amounts)} and input of dimension "
                           f"{input.ndim}")
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pairs = [(amounts[i], amounts[i + 1]) for i in range(0, len(amounts), 2)]
    if mode == "constant":
        return _pad_constant(input, pairs, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _pad_by_index(input, pairs, mode)


def _expand(padding: Any, n: int) -> tuple[int, ...]:
    if isinstance(padding, (int, np.integer)):
        return (int(padding),) * (2 * n)
    values = tuple(int(p) for p in padding)
    if len(values) != 2 * n:
        raise ValueError(f"padding must be an int or a tuple of {2 * n} ints, got {padding!r}")
    return values


class _PadNd(Module):
    """Shared by the padding layers: ``padding`` is kept as a tuple of 2, 4 or 6 ints."""

    mode = "constant"
    dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _expand(padding, self.dims)

    def forward(self, input: Value) -> Value:  # noqa: A002
        if self.mode == "constant":
            return pad(input, self.padding, "constant", self.value)
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last axis with a constant ``value``."""
    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 axes with a constant ``value``."""
    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 axes with a constant ``value``."""
    dims = 3


class ZeroPad1d(_ZeroPadNd):
    """Pad the last axis with zeros."""
    dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 axes with zeros."""
    dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 axes with zeros."""
    dims = 3


class ReflectionPad1d(_PadNd):
    """Pad the last axis in mode 'reflect' (see ``F.pad``)."""
    dims, mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last 2 axes in mode 'reflect' (see ``F.pad``)."""
    dims, mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last 3 axes in mode 'reflect' (see ``F.pad``)."""
    dims, mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last axis in mode 'replicate' (see ``F.pad``)."""
    dims, mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last 2 axes in mode 'replicate' (see ``F.pad``)."""
    dims, mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last 3 axes in mode 'replicate' (see ``F.pad``)."""
    dims, mode = 3, "replicate"


class CircularPad1d(_PadNd):
    """Pad the last axis in mode 'circular' (see ``F.pad``)."""
    dims, mode = 1, "circular"


class CircularPad2d(_PadNd):
    """Pad the last 2 axes in mode 'circular' (see ``F.pad``)."""
    dims, mode = 2, "circular"


class CircularPad3d(_PadNd):
    """Pad the last 3 axes in mode 'circular' (see ``F.pad``)."""
    dims, mode = 3, "circular"
