"""``vmap`` and ``functional_call``.

This first ``vmap`` has no batching rules yet: it runs the function once per sample and stacks
the results (PyTorch's fallback for ops without a rule), and says so in a warning.
"""

from __future__ import annotations

import functools
import threading
import warnings
from typing import Any, Callable

from ..joins import stack
from ..value import Value

__all__ = ["vmap", "functional_call"]

_inside = threading.local()


def _item(orig: Any) -> Any:
    def hooked(self: Value) -> Any:
        if getattr(_inside, "depth", 0):
            raise RuntimeError("vmap: It looks like you're calling .item() on a Tensor. We don't support "
                               "vmap over calling .item() on a Tensor, please try to rewrite what you're "
                               "doing with other operations.")
        return orig(self)
    return hooked


def _size(args: tuple, dims: tuple) -> int:
    sizes = {a.shape[d] for a, d in zip(args, dims) if d is not None}
    if not sizes:
        raise ValueError("vmap(f, in_dims=..., ...)(<inputs>): at least one input must be vmapped "
                         "over (got in_dims that are all None)")
    if len(sizes) > 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, "
                         f"got sizes {sorted(sizes)} for the mapped dimension")
    return sizes.pop()


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``func`` mapped over axis ``in_dims`` of its inputs; results stacked along ``out_dims``."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                           f"Got {randomness}")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        dims = (in_dims,) * len(args) if not isinstance(in_dims, (tuple, list)) else tuple(in_dims)
        if len(dims) != len(args):
            raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
                             f"the structure of `inputs`. in_dims has structure {len(dims)} but inputs has "
                             f"structure {len(args)}.")
        for a, d in zip(args, dims):
            if d is not None and (not isinstance(a, Value) or not -a.ndim <= d < a.ndim):
                raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                                 f"but the input is of type {type(a)} with {getattr(a, 'ndim', 0)} dims")
        n = _size(args, dims)
        warnings.warn(f"vmap({getattr(func, '__name__', 'f')}): no batching rules yet, so the function runs "
                      f"once per sample ({n} calls) and the results are stacked", UserWarning, stacklevel=2)
        outs = []
        _inside.depth = getattr(_inside, "depth", 0) + 1
        orig, Value.item = Value.item, _item(Value.item)  # type: ignore[method-assign]
        try:
            for i in range(n):
                sample = [a.select(d, i) if d is not None else a for a, d in zip(args, dims)]
                outs.append(func(*sample, **kwargs))
        finally:
            Value.item = orig  # type: ignore[method-assign]
            _inside.depth -= 1
        return _stack(outs, out_dims)

    return wrapper


def _stack(outs: list, out_dims: Any) -> Any:
    first = outs[0]
    if isinstance(first, tuple):
        od = out_dims if isinstance(out_dims, (tuple, list)) else (out_dims,) * len(first)
        return tuple(_stack([o[i] for o in outs], od[i]) for i in range(len(first)))
    if not isinstance(first, Value):
        raise ValueError(f"vmap(f, ...): `f` must only return Tensors, got type {type(first)}. Did you "
                         f"mean to set out_dims= to None for output?")
    return stack(outs, dim=out_dims)


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = (), kwargs: Any = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """Run ``module(*args)`` with the parameters and buffers named in the dict(s) in place of its own
    (restored afterwards)."""
    dicts = parameter_and_buffer_dicts
    merged: dict = {}
    for d in (dicts if isinstance(dicts, (tuple, list)) else (dicts,)):
        merged.update(d)
    args = args if isinstance(args, tuple) else (args,)
    saved = []
    for name, value in merged.items():
        owner, _, leaf = name.rpartition(".")
        mod = module.get_submodule(owner) if owner else module
        d = mod.__dict__
        for table in ("_parameters", "_buffers"):
            if leaf in d.get(table, {}):
                saved.append((d, table, leaf, d[table][leaf], d.get(leaf, None), leaf in d))
                d[table][leaf] = value
                if leaf in d:
                    d[leaf] = value  # the module keeps its tensors in its __dict__ too (fast reads)
                break
        else:
            if strict:
                raise RuntimeError(f"Unexpected key(s): '{name}'.")
    try:
        return module(*args, **(kwargs or {}))
    finally:
        for d, table, leaf, old, old_attr, had in reversed(saved):
            d[table][leaf] = old
            if had:
                d[leaf] = old_attr
