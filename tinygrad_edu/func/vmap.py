"""``vmap`` (the batching rules are in :mod:`~tinygrad_edu.func.batching`) and
``functional_call``."""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

from ..joins import stack
from ..ops import Reshape
from ..random import default_generator
from ..value import Value
from . import batching

__all__ = ["vmap", "functional_call"]

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
    """``func`` mapped over axis ``in_dims`` of its inputs, run as one batched computation;
    results have the batch on axis ``out_dims``. ``randomness='error'`` refuses random draws from
    the global generator inside; with 'same' a draw is made once, with a sample's shape, for every
    sample. 'different' is accepted but acts as 'same' (draws see a sample's shape)."""
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
        if batching.active():  # vmap inside vmap: the inner one runs per sample
            warnings.warn("vmap inside vmap: the inner vmap runs once per sample", UserWarning, stacklevel=2)
            return _stack([func(*[a.select(d, i) if d is not None else a for a, d in zip(args, dims)],
                                **kwargs) for i in range(n)], out_dims)
        inputs = [a if d is None else batching.mark(Reshape.apply(a.movedim(d, 0), shape=(n,) + tuple(
            a.movedim(d, 0).shape[1:]))) for a, d in zip(args, dims)]
        batching.install()
        batching._local.size = n
        gen, draws = default_generator, default_generator.np
        if randomness == "error":
            gen.np = _NoRandomness()
        try:
            out = func(*inputs, **kwargs)
        finally:
            gen.np = draws
            batching._local.size = 0
            batching.uninstall()
        return _unbatch(out, out_dims, n)

    return wrapper


class _NoRandomness:
    """The global generator's numpy generator while a vmap with randomness='error' runs."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("vmap: called random operation while in randomness error mode. Please either "
                           "use the 'same' or 'different' randomness flags on vmap or perform the "
                           "randomness operation out of vmap")


def _unbatch(out: Any, out_dims: Any, n: int) -> Any:
    if isinstance(out, dict):
        return {k: _unbatch(v, out_dims, n) for k, v in out.items()}
    if isinstance(out, tuple):
        od = out_dims if isinstance(out_dims, (tuple, list)) else (out_dims,) * len(out)
        return tuple(_unbatch(o, d, n) for o, d in zip(out, od))
    if not isinstance(out, Value):
        raise ValueError(f"vmap(f, ...): `f` must only return Tensors, got type {type(out)}. Did you "
                         f"mean to set out_dims= to None for output?")
    if batching.batched(out):
        out.__class__ = Value
    else:
        out = out.expand((n,) + tuple(out.shape))
    return out.movedim(0, out_dims) if out_dims else out


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
        mod = module
        for part in owner.split(".") if owner else ():
            mod = mod.__dict__["_modules"][part]
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
