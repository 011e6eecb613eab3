"""``check_op``: one call that searches shapes and values with hypothesis and compares the
vector-Jacobian product from backward (random upstream gradient) with the full Jacobian from
central differences, with tolerances scaled to the size of the gradient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..autograd.gradients import grad
from ..state import enable_grad, no_grad
from ..value import Value
from .gradcheck import central_differences

__all__ = ["check_op", "vjp_mismatch", "OpCheckError"]


class OpCheckError(AssertionError):
    """An op's backward disagrees with central differences."""


@dataclass
class _Report:
    input: int
    element: tuple
    analytic: float
    numeric: float
    tolerance: float
    analytic_vjp: np.ndarray
    numeric_vjp: np.ndarray


def _call(fn: Callable[..., Any], arrays: Sequence[np.ndarray], requires_grad: bool) -> Value:
    vals = [Value(a[()] if not a.shape else a.copy(), requires_grad=requires_grad) for a in arrays]
    out = fn(*vals)
    if not isinstance(out, Value):
        raise TypeError(f"check_op: the function must return a Value, got {type(out).__name__}")
    return out, vals


def _evaluate(fn: Callable[..., Any], arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    with no_grad():
        return [np.asarray(_call(fn, arrays, False)[0]._data, dtype=np.float64).ravel()]


def vjp_mismatch(
    fn: Callable[..., Any],
    arrays: Sequence[np.ndarray],
    upstream: np.ndarray | None = None,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-9,
    seed: int = 0,
) -> _Report | None:
    """Compare ``u^T J`` from backward with ``u^T J`` from the full central-difference Jacobian.

    Returns None when they agree, else a report of the worst element. The tolerance for each
    element is ``atol + rtol * sum_k |u_k| |J_kj|`` plus the rounding noise of the difference
    quotient, so it scales with the gradient: a backward that returns zeros never passes where
    the true gradient is not zero.
    """
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    with enable_grad():
        out, vals = _call(fn, arrays, True)
        if upstream is None:
            rng = np.random.default_rng(seed)
            upstream = rng.standard_normal(out.shape) if out.shape else rng.standard_normal()
        upstream = np.asarray(upstream, dtype=np.float64)
        if out.requires_grad:
            grads = grad(out, vals, grad_outputs=Value(upstream), allow_unused=True)
        else:
            grads = (None,) * len(vals)
    u = upstream.ravel()
    f0 = np.abs(np.asarray(out._data, dtype=np.float64)).max(initial=0.0)
    for i, a in enumerate(arrays):
        ana = np.zeros(a.shape) if grads[i] is None else np.asarray(grads[i]._data, dtype=np.float64)
        num = np.zeros(a.size)
        scale = np.zeros(a.size)
        for j, (col,) in central_differences(lambda arrs: _evaluate(fn, arrs), arrays, i, eps):
            num[j] = u @ col
            scale[j] = np.abs(u) @ np.abs(col)
        noise = 1e-9 * (1 + f0) * np.abs(u).sum()
        tol = atol + rtol * scale + noise
        err = np.abs(ana.ravel() - num)
        if (err > tol).any():
            j = int(np.argmax(err - tol))
            return _Report(i, np.unravel_index(j, a.shape) if a.shape else (), float(ana.ravel()[j]),
                           float(num[j]), float(tol[j]), ana, num.reshape(a.shape))
    return None


def _describe(fn: Callable[..., Any], arrays: Sequence[np.ndarray], upstream_seed: int,
              rep: _Report, order: str) -> str:
    owner = getattr(fn, "__self__", None)
    name = f"{owner.__name__}.{fn.__name__}" if isinstance(owner, type) else getattr(
        fn, "__name__", repr(fn))
    shapes = ", ".join(str(a.shape) for a in arrays)
    with np.printoptions(precision=6, suppress=True):
        listing = "\n".join(f"  x{i} = {np.array2string(a, separator=', ')}" for i, a in enumerate(arrays))
        return (
            f"check_op({name}): {order} gradient of input {rep.input} disagrees with central "
            f"differences.\n"
            f"  input shapes: {shapes}; upstream gradient: standard normal, seed {upstream_seed}\n"
            f"  worst element {rep.element}: backward gives {rep.analytic!r}, finite differences "
            f"give {rep.numeric!r} (tolerance {rep.tolerance:.3g})\n"
            f"  backward vjp:\n{np.array2string(rep.analytic_vjp, separator=', ')}\n"
            f"  numeric vjp:\n{np.array2string(rep.numeric_vjp, separator=', ')}\n"
            f"smallest failing input found:\n{listing}"
        )


def _second_order(fn: Callable[..., Any], seed: int) -> Callable[..., Value]:
    """x -> sum_i <d(u . fn(x))/dx_i, v_i>, built with create_graph: its gradient is H-products."""

    def h(*vals: Value) -> Value:
        with enable_grad():
            out = fn(*vals)
            rng = np.random.default_rng(seed)
            u = rng.standard_normal(out.shape) if out.shape else rng.standard_normal()
            wrt = [v for v in vals if v.requires_grad]
            if not wrt:  # numeric evaluation: rebuild with grad so the first derivative exists
                vals = [Value(v._data, requires_grad=True) for v in vals]
                out = fn(*vals)
                wrt = vals
            gs = grad(out, wrt, grad_outputs=Value(np.asarray(u)), create_graph=True,
                      allow_unused=True)
            total = Value(0.0)
            for g, v in zip(gs, wrt):
                if g is not None:
                    vv = rng.standard_normal(v.shape) if v.shape else rng.standard_normal()
                    total = total + (g * vv).sum()
            return total

    return h


def check_op(
    fn: Callable[..., Value],
    domain: tuple[float, float] | Sequence[tuple[float, float]] = (-3.0, 3.0),
    n_inputs: int = 1,
    broadcast: bool = True,
    avoid: Sequence[float] = (),
    margin: float = 1e-3,
    distinct: bool = False,
    shapes: Any = None,
    higher_order: bool = False,
    max_dims: int = 3,
    max_side: int = 3,
    rtol: float = 1e-5,
    max_examples: int | None = None,
) -> None:
    """Verify an op's backward under a hypothesis search. Raises ``OpCheckError`` on the smallest
    failing input that hypothesis finds; returns None when every example passes.

    ``fn`` takes ``n_inputs`` Values and returns a Value. Inputs are float64, inside ``domain``
    (one pair, or one per input), at least ``margin`` away from each point in ``avoid`` (kinks
    and poles), with shapes from ``mutually_broadcastable_shapes`` (or one shared shape when
    ``broadcast=False``, or drawn from the ``shapes`` strategy). ``higher_order=True`` checks the
    second derivative too. The number of examples comes from the active hypothesis profile unless
    ``max_examples`` is given.
    """
    try:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "check_op searches inputs with hypothesis, which is not installed: install the dev "
            "extra with  pip install -e '.[dev]'  (or  pip install hypothesis).") from None

    from .strategies import broadcastable_arrays

    inputs = broadcastable_arrays(n_inputs, domain, avoid, margin, broadcast, max_dims, max_side,
                                  distinct, shapes)

    @given(arrays=inputs, upstream_seed=st.integers(0, 2**16))
    def run(arrays: tuple[np.ndarray, ...], upstream_seed: int) -> None:
        rep = vjp_mismatch(fn, arrays, seed=upstream_seed, rtol=rtol)
        if rep is not None:
            raise OpCheckError(_describe(fn, arrays, upstream_seed, rep, "first-order"))
        if higher_order:
            h = _second_order(fn, upstream_seed)
            rep = vjp_mismatch(h, arrays, upstream=np.float64(1.0), rtol=max(rtol, 1e-4))
            if rep is not None:
                raise OpCheckError(_describe(fn, arrays, upstream_seed, rep, "second-order"))

    # Finite differences are slow by nature, and the domain filters reject some draws: whatever
    # the caller's hypothesis profile, drop the deadline and those two health checks.
    overrides = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                           HealthCheck.filter_too_much])
    if max_examples is not None:
        overrides["max_examples"] = max_examples
    run = settings(**overrides)(run)
    run()
