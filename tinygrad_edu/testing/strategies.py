"""Hypothesis strategies for op authors: values inside a domain, away from kinks and poles, in
broadcast-compatible shapes (0-d and size-1 axes included). Needs the ``dev`` extra."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = ["floats", "arrays", "broadcastable_arrays", "Domain"]

Domain = tuple[float, float]


def floats(domain: Domain = (-3.0, 3.0), avoid: Sequence[float] = (), margin: float = 1e-3
           ) -> st.SearchStrategy[float]:
    """Finite floats in ``[lo, hi]``, each at least ``margin`` from every point in ``avoid``."""
    lo, hi = domain
    base = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if avoid:
        base = base.filter(lambda v: all(abs(v - a) > margin for a in avoid))
    return base


def _separated(a: np.ndarray, margin: float) -> bool:
    flat = np.sort(a.ravel())
    return flat.size < 2 or bool(np.min(np.diff(flat)) > margin)


def arrays(shape: Any, domain: Domain = (-3.0, 3.0), avoid: Sequence[float] = (),
           margin: float = 1e-3, dtype: Any = np.float64, distinct: bool = False
           ) -> st.SearchStrategy[np.ndarray]:
    """Arrays of ``shape`` (a tuple or a strategy of tuples) with elements from :func:`floats`.

    ``distinct=True`` keeps every pair of elements ``margin`` apart (for max/min, whose gradient
    jumps where two elements tie).
    """
    strat = hnp.arrays(dtype, shape, elements=floats(domain, avoid, margin))
    if distinct:
        strat = strat.filter(lambda a: _separated(a, margin))
    return strat


@st.composite
def broadcastable_arrays(
    draw: Any,
    n: int,
    domain: Domain | Sequence[Domain] = (-3.0, 3.0),
    avoid: Sequence[float] | Sequence[Sequence[float]] = (),
    margin: float = 1e-3,
    broadcast: bool = True,
    max_dims: int = 3,
    max_side: int = 3,
    distinct: bool = False,
    shapes: st.SearchStrategy | None = None,
) -> tuple[np.ndarray, ...]:
    """``n`` float64 arrays whose shapes broadcast together (drawn with numpy's
    ``mutually_broadcastable_shapes``, from 0-d up to ``max_dims``), or share one shape when
    ``broadcast=False``. ``domain`` and ``avoid`` may be given per input."""
    if shapes is not None:
        in_shapes = draw(shapes)
    elif broadcast and n > 1:
        in_shapes = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=n, min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side)).input_shapes
    else:
        one = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side))
        in_shapes = (one,) * n
    domains = [domain] * n if _is_single_domain(domain) else list(domain)
    avoids = [avoid] * n if _is_flat(avoid) else list(avoid)
    return tuple(draw(arrays(s, d, a, margin, distinct=distinct))
                 for s, d, a in zip(in_shapes, domains, avoids))


def _is_single_domain(domain: Any) -> bool:
    return len(domain) == 2 and all(isinstance(v, (int, float)) for v in domain)


def _is_flat(avoid: Any) -> bool:
    return all(isinstance(v, (int, float)) for v in avoid)
