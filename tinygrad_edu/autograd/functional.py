"""Higher-order helpers built on :func:`tinygrad_edu.autograd.grad`: jacobian, hessian, vjp, hvp."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..state import enable_grad
from ..toplevel import stack
from ..value import Value
from .gradients import grad

__all__ = ["jacobian", "hessian", "vjp", "hvp", "one_hot_seeds"]


def _prepare(x: Any) -> Value:
    data = x._data if isinstance(x, Value) else np.asarray(x, dtype=np.float64)
    return Value(data, requires_grad=True)


def vjp(f: Callable[[Value], Value], x: Any, v: Any = None, create_graph: bool = False) -> tuple:
    """``(f(x), v^T J)``: the vector-Jacobian product, one backward pass."""
    xv = _prepare(x)
    with enable_grad():
        y = f(xv)
        (g,) = grad(y, xv, grad_outputs=v, create_graph=create_graph, allow_unused=True)
    if g is None:
        g = Value(np.zeros_like(xv._data))
    return (y if create_graph else y.detach()), g


def one_hot_seeds(out: Value) -> Any:
    """Yield one upstream gradient per element of ``out``: ones at that element, zeros elsewhere.
    Backward with each gives one row of the Jacobian (``jacobian`` and ``gradcheck`` use it)."""
    for k in range(max(out._data.size, 1)):
        seed = np.zeros(out._data.size, dtype=out.dtype)
        seed[k] = 1
        yield k, Value(seed.reshape(out.shape))


def jacobian(f: Callable[[Value], Value], x: Any, create_graph: bool = False) -> Value:
    """The full Jacobian ``J[i..., j...] = d f(x)[i...] / d x[j...]``, of shape
    ``f(x).shape + x.shape``, one backward pass per output element."""
    xv = _prepare(x)
    with enable_grad():
        y = f(xv)
        rows = []
        out_shape = y.shape
        for _, seed in one_hot_seeds(y):
            (g,) = grad(y, xv, grad_outputs=seed, retain_graph=True, create_graph=create_graph,
                        allow_unused=True)
            rows.append(g if g is not None else Value(np.zeros_like(xv._data)))
    return stack(rows).reshape(out_shape + xv.shape)


def hessian(f: Callable[[Value], Value], x: Any) -> Value:
    """The Hessian of a scalar function: the Jacobian of its gradient, shape ``x.shape * 2``."""
    def gradient(z: Value) -> Value:
        (g,) = grad(f(z), z, create_graph=True)
        return g

    return jacobian(gradient, x)


def hvp(f: Callable[[Value], Value], x: Any, v: Any) -> tuple:
    """``(f(x), H v)``: a Hessian-vector product in two backward passes, without forming H.

    d/dx (grad f(x) . v) = H v, because v does not depend on x.
    """
    xv = _prepare(x)
    vv = v._data if isinstance(v, Value) else np.asarray(v, dtype=xv.dtype)
    with enable_grad():
        y = f(xv)
        (g,) = grad(y, xv, create_graph=True)
        (hv,) = grad((g * vv).sum(), xv, allow_unused=True)
    if hv is None:
        hv = Value(np.zeros_like(xv._data))
    return y.detach(), hv
