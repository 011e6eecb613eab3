"""``gradcheck`` and ``gradgradcheck``: full Jacobians against central differences (numpy only)."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from ..autograd.functional import one_hot_seeds
from ..autograd.gradients import grad
from ..state import enable_grad, no_grad
from ..value import Value

__all__ = ["central_differences", "gradcheck", "gradgradcheck", "GradcheckError", "numerical_jacobian",
           "analytical_jacobian"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when a gradient disagrees with finite differences."""


def _outputs(out: Any) -> tuple[Value, ...]:
    outs = (out,) if isinstance(out, Value) else tuple(out)
    for o in outs:
        if not isinstance(o, Value):
            raise TypeError(f"gradcheck: the function must return Values, got {type(o).__name__}")
    return outs


def numerical_jacobian(fn: Callable[..., Any], inputs: Sequence[Value], eps: float = 1e-6
                       ) -> list[list[np.ndarray]]:
    """``J[o][i]`` of shape ``(outputs[o].size, inputs[i].size)`` by central differences."""
    base = [np.array(x._data, dtype=x.dtype, copy=True) for x in inputs]

    def evaluate(arrays: list[np.ndarray]) -> list[np.ndarray]:
        with no_grad():
            vals = [Value(a[()] if not a.shape else a.copy(), requires_grad=x.requires_grad)
                    for a, x in zip(arrays, inputs)]
            # copies: an output may be an input itself, whose buffer the next step perturbs
            return [np.array(o._data, dtype=np.float64).ravel() for o in _outputs(fn(*vals))]

    ref = evaluate(base)
    jac = [[np.zeros((r.size, x._data.size)) for x in inputs] for r in ref]
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            continue
        for j, cols in central_differences(evaluate, base, i, eps):
            for o, col in enumerate(cols):
                jac[o][i][:, j] = col
    return jac


def central_differences(evaluate: Callable[[list[np.ndarray]], list[np.ndarray]],
                        arrays: list[np.ndarray], i: int, eps: float) -> Any:
    """Yield ``(j, columns)`` for each element ``j`` of ``arrays[i]``: the derivative of every
    output of ``evaluate(arrays)`` with respect to that element, ``(f(x + eps) - f(x - eps)) /
    2 eps``. ``arrays[i]`` is perturbed in place and restored. The one central-difference helper
    (``numerical_jacobian``, ``gradcheck`` and ``check_op`` use it)."""
    flat = arrays[i].reshape(-1)
    for j in range(flat.size):
        orig = flat[j]
        flat[j] = orig + eps
        plus = evaluate(arrays)
        flat[j] = orig - eps
        minus = evaluate(arrays)
        flat[j] = orig
        yield j, [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def analytical_jacobian(fn: Callable[..., Any], inputs: Sequence[Value]
                        ) -> list[list[np.ndarray]]:
    """``J[o][i]`` from backward, one pass per output element (one-hot upstream gradients)."""
    diff = [x for x in inputs if x.requires_grad]
    with enable_grad():
        outs = _outputs(fn(*inputs))
        jac = [[np.zeros((o._data.size, x._data.size)) for x in inputs] for o in outs]
        for oi, o in enumerate(outs):
            if not o.requires_grad:
                continue
            for k, seed in one_hot_seeds(o):
                gs = grad(o, diff, grad_outputs=seed, retain_graph=True, allow_unused=True)
                gi = iter(gs)
                for i, x in enumerate(inputs):
                    if not x.requires_grad:
                        continue
                    g = next(gi)
                    if g is not None:
                        if g.shape != x.shape:
                            raise GradcheckError(
                                f"gradient for input {i} has shape {g.shape}, expected {x.shape}"
                            )
                        jac[oi][i][k, :] = np.asarray(g._data, dtype=np.float64).ravel()
    return jac


def gradcheck(
    fn: Callable[..., Any],
    inputs: Value | Sequence[Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare the full analytical Jacobian of ``fn`` at ``inputs`` with central differences.

    Every input with ``requires_grad=True`` is checked; the test is ``|a - n| <= atol + rtol*|n|``
    elementwise, as in ``torch.autograd.gradcheck``. It also checks that backward gives the same
    result twice. On a mismatch it raises ``GradcheckError`` naming the output, the input and the
    worst element (or returns False under ``raise_exception=False``).
    """
    inputs = (inputs,) if isinstance(inputs, Value) else tuple(inputs)
    if not any(isinstance(x, Value) and x.requires_grad for x in inputs):
        raise ValueError("gradcheck expects at least one input Value with requires_grad=True")
    for i, x in enumerate(inputs):
        if x.requires_grad and x.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. This "
                f"check will likely fail if all the inputs are not of double precision floating "
                f"point.",
                UserWarning,
                stacklevel=2,
            )

    def fail(msg: str) -> bool:
        if raise_exception:
            raise GradcheckError(msg)
        return False

    num = numerical_jacobian(fn, inputs, eps)
    ana = analytical_jacobian(fn, inputs)
    again = analytical_jacobian(fn, inputs)
    for o in range(len(num)):
        for i, x in enumerate(inputs):
            if not x.requires_grad:
                continue
            n, a = num[o][i], ana[o][i]
            bad = np.abs(a - n) > atol + rtol * np.abs(n)
            if bad.any():
                k, j = np.unravel_index(np.argmax(np.abs(a - n) - rtol * np.abs(n)), n.shape)
                return fail(
                    f"Jacobian mismatch for output {o} with respect to input {i} (shape "
                    f"{x.shape}): at output element {k}, input element "
                    f"{tuple(int(i) for i in np.unravel_index(j, x.shape))}: analytical "
                    f"{float(a[k, j])!r} vs numerical {float(n[k, j])!r}.\n"
                    f"numerical:\n{n}\nanalytical:\n{a}"
                )
            if not np.array_equal(a, again[o][i]):
                return fail(
                    f"Backward is not reentrant: two backward passes gave different gradients for "
                    f"output {o}, input {i}"
                )
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Value | Sequence[Value],
    grad_outputs: Sequence[Any] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check second derivatives: gradcheck of ``(x, u) -> d(fn(x))/dx . u`` built with
    ``create_graph=True``. ``u`` (random by default) is differentiated too, as in PyTorch."""
    inputs = (inputs,) if isinstance(inputs, Value) else tuple(inputs)
    diff = [x for x in inputs if x.requires_grad]
    with enable_grad():
        outs = _outputs(fn(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = [Value(rng.standard_normal(o.shape) if o.shape else rng.standard_normal(),
                              requires_grad=True) for o in outs]
    else:
        grad_outputs = [g if isinstance(g, Value) else Value(g, requires_grad=True)
                        for g in grad_outputs]
    n_in = len(inputs)

    def first_order(*args: Value) -> tuple[Value, ...]:
        xs, us = args[:n_in], args[n_in:]
        with enable_grad():
            os_ = _outputs(fn(*xs))
            wrt = [x for x in xs if x.requires_grad]
            gs = grad(list(os_), wrt, grad_outputs=list(us), create_graph=True, allow_unused=True)
        return tuple(g if g is not None else Value(np.zeros(w.shape)) * 0 for g, w in zip(gs, wrt)
                     ) if gs else ()

    if not diff:
        raise ValueError("gradgradcheck expects at least one input with requires_grad=True")
    return gradcheck(first_order, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
