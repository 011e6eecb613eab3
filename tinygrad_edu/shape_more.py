"""Floor 3: PyTorch's Tensor methods for more shape and indexing methods.

A mixin of :class:`~tinygrad_edu.methods.Methods`: each method is a line or a few composing
existing ops, so gradients, higher order, version checks and explain come for free. Top-level twins
and in-place variants come from the rules in functions.py.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MoreShapeMethods"]


class MoreShapeMethods:
    """Mixin: more shape and indexing methods."""

    __slots__ = ()
    _data: Any
    _rg: bool
