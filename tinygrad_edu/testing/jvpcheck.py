"""Checks of forward mode (an op's JVP rule, or the composition it comes from), in numpy terms:

* against central differences: ``J v ~ (f(x + h v) - f(x - h v)) / 2h``;
* against reverse mode, by the identity ``<u, J v> = <J^T u, v>`` (HIPS autograd's check);
* at second order: ``d/dx <u, J(x) v>`` by reverse over forward equals ``d/dx <J(x)^T u, v>``
  by reverse over reverse.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..autograd import forward_ad as fwAD
from ..autograd.gradients import grad
from ..value import Value

__all__ = ["jvp_of", "check_jvp", "JvpCheckError"]


class JvpCheckError(AssertionError):
    """A JVP that disagrees with central differences or with reverse mode."""


def jvp_of(fn: Callable[..., Any], xs: Sequence[Any], vs: Sequence[Any]) -> tuple[Value, Value]:
    """``(fn(*xs), J v)`` by forward mode (a zero tangent when the output carries none)."""
    with fwAD.dual_level():
        out = fn(*[fwAD.make_dual(x, v) for x, v in zip(xs, vs)])
        t = fwAD.unpack_dual(out).tangent
    return out, t if t is not None else Value(np.zeros(out.shape, dtype=out.dtype))


def _close(got: Any, want: Any, rtol: float, what: str) -> None:
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    scale = 1.0 + np.abs(want).max(initial=0)
    if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=rtol * scale):
        raise JvpCheckError(f"{what}: got {got}, expected {want}")


def check_jvp(fn: Callable[..., Any], arrays: Sequence[np.ndarray], seed: int = 0,
              second_order: bool = True, h: float = 1e-6, rtol: float = 1e-5) -> None:
    """Check forward mode of ``fn`` at ``arrays`` (float64) in a random direction; raises
    :class:`JvpCheckError` on a mismatch."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    vs = [rng.standard_normal(a.shape) for a in arrays]
    out, jv = jvp_of(fn, [Value(a) for a in arrays], [Value(v) for v in vs])
    hi = fn(*[Value(a + h * v) for a, v in zip(arrays, vs)])
    lo = fn(*[Value(a - h * v) for a, v in zip(arrays, vs)])
    _close(jv._data, (np.asarray(hi._data) - np.asarray(lo._data)) / (2 * h), max(rtol, 1e-4),
           "J v against central differences")
    u = rng.standard_normal(np.shape(out._data))
    xs = [Value(a, requires_grad=True) for a in arrays]
    ys = fn(*xs)
    if not ys.requires_grad:
        return
    gs = grad(ys, xs, Value(u), create_graph=second_order, allow_unused=True)
    dot_rev = sum(float(np.sum(np.asarray(g._data) * v)) for g, v in zip(gs, vs) if g is not None)
    _close(float(np.sum(u * np.asarray(jv._data))), dot_rev, 1e-9, "<u, J v> against <J^T u, v>")
    if not second_order:
        return
    xs2 = [Value(a, requires_grad=True) for a in arrays]
    _, jv2 = jvp_of(fn, xs2, [Value(v) for v in vs])
    rev_terms = [(g * Value(v)).sum() for g, v in zip(gs, vs) if g is not None and g.requires_grad]
    if not rev_terms or not jv2.requires_grad:
        return
    fwd = grad((jv2 * Value(u)).sum(), xs2, allow_unused=True)
    rev = grad(sum(rev_terms[1:], rev_terms[0]), xs, allow_unused=True)
    for i, (a, b) in enumerate(zip(fwd, rev)):
        za = np.zeros(arrays[i].shape) if a is None else a._data
        zb = np.zeros(arrays[i].shape) if b is None else b._data
        _close(za, zb, 1e-7, f"second order, input {i}: d<u, J v>/dx against d<J^T u, v>/dx")
