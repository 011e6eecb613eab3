"""Floor 0: checking dimension arguments and integer indexes, with PyTorch's errors.

Every op that takes a ``dim`` wraps it here, so that the range check and its message exist once:

* :func:`wrap_dim` turns one dim (negatives count from the end) into ``0 <= d < ndim``, or raises
  ``IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 3)``. As in
  PyTorch, a 0-d value accepts ``-1`` and ``0`` (they both mean its one "virtual" axis).
* :func:`wrap_dims` does the same for a dim or a tuple of dims and refuses repeats
  (``RuntimeError: dim 0 appears multiple times in the list of dims``).
* :func:`check_index` checks integer indexes against a shape before numpy sees them, because
  numpy's message says "axis" where PyTorch's says "dimension".
* :func:`numpy_names`, a decorator, gives a function with a ``dim``/``keepdim`` parameter numpy's
  spellings too (``x.argmax(axis=1)``, ``x.std(axis=0, keepdims=True)``), as PyTorch's argument
  parser does for all its functions: put ``@numpy_names`` on each new method or function that
  takes a ``dim`` (tests/test_twins.py checks they all do).

This module imports only numpy and the standard library.
"""

from __future__ import annotations

import functools
import operator
from typing import Any, Callable

import numpy as np

__all__ = ["wrap_dim", "wrap_dims", "check_index", "numpy_names", "with_numpy_names"]

_REPEAT = "dim {dim} appears multiple times in the list of dims"


def wrap_dim(dim: Any, ndim: int) -> int:
    """``dim`` as an axis number in ``range(max(ndim, 1))``; 0 for the one axis of a 0-d value.

    For ops that add an axis (``unsqueeze``, ``stack``) pass ``ndim + 1``.
    """
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        try:  # a 0-d integer Value or array also works, as in PyTorch
            if isinstance(dim, (bool, np.bool_)):
                raise TypeError
            dim = operator.index(dim)
        except TypeError:
            raise TypeError(f"argument 'dim' must be int, not {type(dim).__name__}") from None
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return int(dim) % n


def wrap_dims(dims: Any, ndim: int, *, repeat: str = _REPEAT) -> tuple[int, ...]:
    """A dim or a sequence of dims, each wrapped by :func:`wrap_dim`, in the order given.

    A dim named twice (``(0, -2)`` on a 2-D value) raises RuntimeError; ``repeat`` is the message,
    with ``{dim}`` standing for the repeated axis.
    """
    if not isinstance(dims, (tuple, list)):
        dims = (dims,)
    out: list[int] = []
    for d in dims:
        w = wrap_dim(d, ndim)
        if w in out:
            raise RuntimeError(repeat.format(dim=w))
        out.append(w)
    return tuple(out)


def check_index(index: Any, shape: tuple[int, ...]) -> None:
    """Raise PyTorch's IndexError when an integer in ``index`` is out of range for ``shape``.

    Handles ints, integer arrays and lists, slices, None and one Ellipsis; anything else (boolean
    masks) is left to numpy.
    """
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(p, (bool, np.bool_)) or np.asarray(p).dtype == bool for p in parts
           if p is not None and p is not Ellipsis and not isinstance(p, slice)):
        return  # masks: numpy's own checks
    used = sum(1 for p in parts if p is not None and p is not Ellipsis)
    if used > len(shape):
        if not shape:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    dim = 0
    for p in parts:
        if p is Ellipsis:
            dim = len(shape) - (used - dim)
            continue
        if p is None:
            continue
        if not isinstance(p, slice):
            arr = np.asarray(p)
            if arr.size and arr.dtype.kind in "iu":
                size = shape[dim]
                bad = arr[(arr < -size) | (arr >= size)]
                if bad.size:
                    raise IndexError(
                        f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}"
                    )
        dim += 1


NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}  # numpy's spelling -> PyTorch's


def with_numpy_names(fn: Callable[..., Any], aliases: dict[str, str]) -> Callable[..., Any]:
    """``fn`` that also takes numpy's keyword names (``aliases``: numpy's name -> ``fn``'s)."""

    @functools.wraps(fn)
    def method(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            for alias, name in aliases.items():
                if alias in kwargs:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}(): argument '{name}' was given twice "
                                        f"(as '{name}' and as its alias '{alias}')")
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    method.numpy_names = aliases  # type: ignore[attr-defined]
    return method


def numpy_names(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: ``fn`` (with a ``dim`` or ``keepdim`` parameter) also takes numpy's ``axis`` and
    ``keepdims``, as PyTorch's argument parser does (``x.argmax(axis=1)``)."""
    code = fn.__code__
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    return with_numpy_names(fn, {a: p for a, p in NUMPY_NAMES.items() if p in params and a not in params})
