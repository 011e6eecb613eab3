"""Floor 3: PyTorch's Tensor methods for elementwise maths, integer and bool arithmetic.

A mixin of :class:`~tinygrad_edu.methods.Methods`: each method is a line or a few composing
existing ops, so gradients, higher order, version checks and explain come for free. Top-level twins
and in-place variants come from the rules in functions.py.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MathMethods"]


class MathMethods:
    """Mixin: elementwise maths, integer and bool arithmetic."""

    __slots__ = ()
    _data: Any
    _rg: bool
