"""``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian``."""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from ..autograd import forward_ad as fwAD
from ..autograd.gradients import grad as autograd_grad
from ..state import enable_grad
from ..value import Value
from . import batching

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]


def _argnums(args: tuple, argnums: int | Sequence[int], name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError(f"{name}: argnums must be non-empty")
    for n in nums:
        if not -len(args) <= n < len(args):
            raise RuntimeError(f"Got argnums={n} but only {len(args)} positional inputs")
    return tuple(n % len(args) for n in nums)


def _fresh(x: Any, name: str) -> Value:
    """A value with ``x``'s numbers that requires grad, differentiable back to ``x`` and carrying
    ``x``'s tangents (so that transforms nest)."""
    if not isinstance(x, Value):
        raise ValueError(f"{name}: Expected the inputs to be Tensors, got {type(x).__name__}")
    if batching.active() and not batching.batched(x):  # inside vmap: one copy per sample, so that
        x = batching.expand(x, batching.active())  # each sample gets its own gradient
    if x.requires_grad:
        return x * 1
    y = x.detach().requires_grad_()
    fwAD._take_tangents(y, x)
    return y


def _leaves(tree: Any) -> list:
    """The tensors of a pytree (dicts, lists and tuples of tensors), in order."""
    if isinstance(tree, dict):
        return [v for k in tree for v in _leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [v for t in tree for v in _leaves(t)]
    return [tree]


def _rebuild(tree: Any, leaves: Any) -> Any:
    """``tree`` with its tensors replaced, in order, from the iterator ``leaves``."""
    if isinstance(tree, dict):
        return {k: _rebuild(v, leaves) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(t, leaves) for t in tree)
    return next(leaves)


def _outside(args: Sequence[Any]) -> bool:
    """No input is differentiated by an enclosing transform: results need no graph."""
    return not any(isinstance(a, Value) and (a.requires_grad or fwAD._dual(a)) for a in args)


def _plain(res: Any, args: Sequence[Any]) -> Any:
    if not _outside(args):
        return res
    if isinstance(res, Value):
        return res.detach()
    if isinstance(res, dict):
        return {k: _plain(v, ()) for k, v in res.items()}
    return type(res)(_plain(r, ()) for r in res) if isinstance(res, (tuple, list)) else res


def _check_out(out: Any, name: str, scalar: bool) -> None:
    if not isinstance(out, Value):
        raise RuntimeError(f"{name}(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
    if scalar and out.ndim != 0:
        raise RuntimeError(f"{name}(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                           f"with {out.ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")


def _split_aux(res: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return res, None
    if not isinstance(res, tuple) or len(res) != 2:
        raise RuntimeError(f"{name}(f, ...)(*args): output of function f should be a tuple: (output, aux) "
                           f"if has_aux is True")
    return res


def _zeros(x: Value) -> Value:
    z = Value(np.zeros(x._data.shape, dtype=x.dtype))
    return batching.mark(z) if batching.batched(x) else z


def _grads(out: Value, xs: Sequence[Value], seed: Any = None) -> tuple:
    """d out / d xs (zeros where out does not depend on an input), with a graph. Inside vmap the
    walk runs on the whole batch as recorded (a batched scalar is seeded with ones)."""
    if not out.requires_grad:
        return tuple(_zeros(x) for x in xs)
    if batching.batched(out) and seed is None:
        seed = Value(np.ones(out._data.shape, dtype=out.dtype))
    with batching.unbatched_off():
        gs = autograd_grad(out, list(xs), seed, create_graph=True, allow_unused=True)
    return tuple(_zeros(x) if g is None else batching.mark(g) if batching.batched(x) else g
                 for g, x in zip(gs, xs))


def grad_and_value(func: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """``(gradient, value)`` of a function that returns a scalar (``((gradient, (value, aux))``
    with ``has_aux``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums(args, argnums, "grad_and_value")
        with enable_grad():
            args2 = list(args)
            for n in nums:
                args2[n] = _rebuild(args[n], iter([_fresh(x, "grad_and_value") for x in _leaves(args[n])]))
            out, aux = _split_aux(func(*args2, **kwargs), has_aux, "grad_and_value")
            _check_out(out, "grad_and_value", scalar=True)
            flat = [x for n in nums for x in _leaves(args2[n])]
            it = iter(_grads(out, flat))
            gs = tuple(_rebuild(args[n], it) for n in nums)
        g = _plain(gs[0] if isinstance(argnums, int) else gs, _leaves(args))
        out = _plain(out, args)
        return (g, (out, aux)) if has_aux else (g, out)

    return wrapper


def grad(func: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The gradient of a function that returns a scalar, with respect to argument ``argnums``."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, (out, aux) = gv(*args, **kwargs) if has_aux else (gv(*args, **kwargs)[0], (None, None))
        return (g, aux) if has_aux else g

    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(func(*primals), vjp_fn)``; ``vjp_fn(u)`` gives ``u^T J`` for every primal."""
    with enable_grad():
        xs = [_fresh(p, "vjp") for p in primals]
        out, aux = _split_aux(func(*xs), has_aux, "vjp")
        _check_out(out, "vjp", scalar=False)

    def vjp_fn(u: Value) -> tuple:
        if not isinstance(u, Value) or u.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                               f"{list(getattr(u, 'shape', ()))} and output[0] has a shape of "
                               f"{list(out.shape)}.")
        with enable_grad():
            return _plain(_grads(out, xs, u), primals)

    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def jvp(func: Callable, primals: Sequence[Any], tangents: Sequence[Any], *, has_aux: bool = False) -> tuple:
    """``(func(*primals), J t)`` by forward mode: one pass, no graph kept."""
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to be tuples.")
    if len(primals) != len(tangents):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same "
                           f"length but got primals length {len(primals)} and tangents length "
                           f"{len(tangents)}")
    level = fwAD.enter_dual_level()
    try:
        duals = [fwAD.make_dual(p, t, level=level) for p, t in zip(primals, tangents)]
        if getattr(func, "__name__", "") == "apply" and isinstance(getattr(func, "__self__", None), type):
            func = func.__self__.apply  # Op.apply taken before the level: look it up again
        out, aux = _split_aux(func(*duals), has_aux, "jvp")
        _check_out(out, "jvp", scalar=False)
        t = fwAD.tangent_of(out, level)
        primal = fwAD.unpack_dual(out, level=level).primal
    finally:
        fwAD.exit_dual_level(level=level)
    t = Value(np.zeros(out.shape, dtype=out.dtype)) if t is None else t
    return (primal, t, aux) if has_aux else (primal, t)


def _basis(x: Value) -> list[Value]:
    eye = np.eye(max(x.numel(), 1), dtype=x.dtype)[: x.numel()]
    return [Value(row.reshape(x.shape)) for row in eye]


def jacrev(func: Callable, argnums: int | Sequence[int] = 0, *, has_aux: bool = False) -> Callable:
    """The Jacobian by reverse mode: one vector-Jacobian product per output element."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        nums = _argnums(args, argnums, "jacrev")
        with enable_grad():
            args2 = list(args)
            for n in nums:
                args2[n] = _fresh(args[n], "jacrev")
            out, aux = _split_aux(func(*args2), has_aux, "jacrev")
            _check_out(out, "jacrev", scalar=False)
            xs = [args2[n] for n in nums]
            size = batching.active() if batching.batched(out) else 0
            rows = [_grads(out, xs, batching.expand(u, size) if size else u) for u in _basis(out)]
        from ..joins import stack
        jac = tuple(stack([r[i] for r in rows]).reshape(tuple(out.shape) + tuple(x.shape)) if rows
                    else Value(np.zeros(tuple(out.shape) + tuple(x.shape), dtype=out.dtype))
                    for i, x in enumerate(xs))
        j = _plain(jac[0] if isinstance(argnums, int) else jac, args)
        return (j, aux) if has_aux else j

    return wrapper


def jacfwd(func: Callable, argnums: int | Sequence[int] = 0, *, has_aux: bool = False,
           randomness: str = "error") -> Callable:
    """The Jacobian by forward mode: one Jacobian-vector product per input element."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        nums = _argnums(args, argnums, "jacfwd")
        from ..joins import stack
        jac, aux = [], None
        for n in nums:
            cols = []
            for e in _basis(args[n]):
                def f(x: Any, n: int = n) -> Any:
                    return func(*args[:n], x, *args[n + 1:])
                res = jvp(f, (args[n],), (e,), has_aux=has_aux)
                cols.append(res[1])
                aux = res[2] if has_aux else None
            out_shape = tuple(cols[0].shape) if cols else ()
            j = stack(cols, dim=-1) if cols else Value(np.zeros(0))
            jac.append(j.reshape(out_shape + tuple(args[n].shape)))
        j = _plain(jac[0] if isinstance(argnums, int) else tuple(jac), args)
        return (j, aux) if has_aux else j

    return wrapper


def hessian(func: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian, forward over reverse: ``jacfwd(jacrev(func))``."""
    return jacfwd(jacrev(func, argnums), argnums)
