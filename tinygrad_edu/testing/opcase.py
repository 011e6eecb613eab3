"""``OpCase``, one entry of the op catalogue (see :mod:`tinygrad_edu.testing.catalogue`), and
``sum_to``, the reference reduction of a broadcast gradient used by the entries' vjps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["OpCase", "sum_to"]


def sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reference reduction of a broadcast gradient, written independently of ``unbroadcast``."""
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


@dataclass
class OpCase:
    name: str
    fn: Callable[..., Any]
    vjp: Callable[..., tuple]
    n_inputs: int = 1
    domain: Any = (-3.0, 3.0)
    avoid: Sequence[float] = ()
    margin: float = 1e-3
    broadcast: bool = True
    distinct: bool = False
    shapes: Any = None  # a function returning a hypothesis strategy of shape tuples
    twice: bool = True  # twice differentiable (where the math allows)
    kwargs: dict = field(default_factory=dict)
