"""``Unflatten``: the inverse of ``Flatten`` (which lives in layers.py)."""

from __future__ import annotations

import math
from typing import Any

from ..value import Value
from .module import Module

__all__ = ["Unflatten"]


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size`` (one entry may be -1: inferred)."""

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        for i, e in enumerate(unflattened_size):
            if not isinstance(e, int):
                raise TypeError(f"unflattened_size must be tuple of ints, but found element of type "
                                f"{type(e).__name__} at pos {i}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input: Value) -> Value:  # noqa: A002
        shape, sizes = input.shape, tuple(self.unflattened_size)
        if not -len(shape) <= self.dim < max(len(shape), 1):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, "
                             f"{len(shape) - 1}], but got {self.dim})")
        d = self.dim % len(shape)
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) > 1 or (-1 not in sizes and known != shape[d]) or (
                -1 in sizes and (known == 0 or shape[d] % known)):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                               f"size of dim {self.dim} ({shape[d]}) in the input tensor")
        return input.reshape(shape[:d] + sizes + shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
