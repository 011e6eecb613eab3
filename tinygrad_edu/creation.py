"""Functions that make new values, as PyTorch code calls them: ``tensor``, ``zeros``, ``randn``..."""

from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_device
from .dtypes import as_data, get_default_dtype
from .methods import shape_arg as _shape_arg
from .random import Generator, rng
from .value import Value

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "zeros_like",
    "ones_like",
    "full",
    "full_like",
    "empty",
    "arange",
    "linspace",
    "eye",
    "rand",
    "randn",
    "randint",
    "rand_like",
    "randn_like",
    "randperm",
]


def tensor(
    data: Any, dtype: Any = None, requires_grad: bool = False, name: str | None = None, device: Any = None
) -> Value:
    """A new leaf value holding a copy of ``data``.

    Python floats become float64 (PyTorch: float32), Python ints int64; numpy arrays keep their
    dtype unless ``dtype`` is given.
    """
    check_device(device)
    arr = as_data(data, dtype)
    if isinstance(data, np.ndarray) and arr is data:
        arr = arr.copy()
    elif isinstance(data, Value) and arr is data._data and isinstance(arr, np.ndarray):
        arr = arr.copy()
    return Value(arr, requires_grad=requires_grad, name=name)


def as_tensor(data: Any, dtype: Any = None) -> Value:
    """Like ``tensor`` but shares memory with a numpy array when no cast is needed."""
    if isinstance(data, Value) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return Value(as_data(data, dtype))


def from_numpy(array: np.ndarray) -> Value:
    """A value that shares memory with ``array`` (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Value(array)


def _make(data: np.ndarray, dtype: Any, requires_grad: bool, device: Any = None) -> Value:
    check_device(device)
    if dtype is None and data.dtype == np.float64:
        dtype = get_default_dtype()
    if dtype is not None and data.dtype != dtype:
        data = data.astype(dtype)
    return Value(data, requires_grad=requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _make(np.zeros(_shape_arg(size), dtype=dtype or get_default_dtype()), None, requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _make(np.ones(_shape_arg(size), dtype=dtype or get_default_dtype()), None, requires_grad, device)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    fill = as_data(fill_value)
    return _make(np.full(_shape_arg((size,)), fill, dtype=dtype or fill.dtype), None, requires_grad, device)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _make(np.zeros_like(as_data(x), dtype=dtype), None, requires_grad, device)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _make(np.ones_like(as_data(x), dtype=dtype), None, requires_grad, device)


def full_like(
    x: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    return _make(np.full_like(as_data(x), fill_value, dtype=dtype), None, requires_grad, device)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Value:
    """``arange(5)``, ``arange(1, 4)``, ``arange(0, 1, 0.25)``: int64 for ints, else float64."""
    if end is None:
        start, end = 0, start
    return _make(np.arange(start, end, step), dtype, requires_grad, device)


def linspace(
    start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    return _make(np.linspace(start, end, int(steps)), dtype, requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    return _make(np.eye(n, m), dtype, requires_grad, device)


def rand(
    *size: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    device: Any = None,
) -> Value:
    """Uniform on [0, 1), from the global generator (see ``manual_seed``)."""
    return _make(rng(generator).random(_shape_arg(size)), dtype, requires_grad, device)


def randn(
    *size: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    device: Any = None,
) -> Value:
    """Standard normal, from the global generator (see ``manual_seed``)."""
    return _make(rng(generator).standard_normal(_shape_arg(size)), dtype, requires_grad, device)


def randint(
    low: int,
    high: int | None = None,
    size: Any = (),
    dtype: Any = None,
    generator: Generator | None = None,
    device: Any = None,
) -> Value:
    """Integers in [low, high), int64. ``randint(10, (3,))`` means low=0, high=10."""
    if high is None or isinstance(high, (tuple, list)):
        if isinstance(high, (tuple, list)):
            size = high
        low, high = 0, low
    out = rng(generator).integers(low, high, size=_shape_arg((size,)), dtype=np.int64)
    return _make(np.asarray(out), dtype, False, device)


def rand_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return rand(*np.shape(as_data(x)), dtype=dtype or as_data(x).dtype, requires_grad=requires_grad)


def randn_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return randn(*np.shape(as_data(x)), dtype=dtype or as_data(x).dtype, requires_grad=requires_grad)


def randperm(n: int, generator: Generator | None = None) -> Value:
    return Value(rng(generator).permutation(int(n)).astype(np.int64))
