"""Floor 1: dtypes. Their names, the default float dtype, and turning input into numpy data."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from .state import GraphValue

__all__ = ["float16", "half", "as_data", "set_default_dtype", "get_default_dtype", "check_float_for_grad",
           "float32",
           "float64", "int64", "int32", "bool_", "format_data", "int16", "int8", "uint8", "uint16",
           "uint32", "uint64", "short", "dtype"]

float32 = np.float32
float64 = np.float64
float16 = half = np.float16  # storage and arithmetic as numpy's half floats
int64 = np.int64
int32 = np.int32
int16 = short = np.int16
int8 = np.int8
uint8 = np.uint8
uint16 = np.uint16
uint32 = np.uint32
uint64 = np.uint64
bool_ = np.bool_


class _DtypeType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, np.dtype) or isinstance(obj, type) and issubclass(obj, np.generic)


class dtype(metaclass=_DtypeType):
    """``torch.dtype``, for ``isinstance(x.dtype, torch.dtype)``: the dtypes here are numpy's
    (``torch.float32`` is ``numpy.float32``, ``x.dtype`` a ``numpy.dtype``), and both pass."""

    def __new__(cls, *args: Any) -> Any:
        raise TypeError("cannot create 'torch.dtype' instances")

_default = [np.dtype(np.float64)]  # a list, so that the setter changes it in place


def set_default_dtype(dtype: Any) -> None:
    """The float dtype for Python floats and for factories such as ``zeros`` and ``nn.Linear``.

    It starts as float64 (PyTorch starts at float32; see docs/pytorch-differences.md).
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type (got {dtype})")
    _default[0] = dtype


def get_default_dtype() -> np.dtype:
    return _default[0]


def as_data(x: Any, dtype: Any = None) -> np.ndarray | np.generic:
    """Turn Python numbers, nested lists, arrays or Values into numpy data.

    Python floats become float64 (PyTorch would make float32; see docs/pytorch-differences.md),
    Python ints int64, numpy data keeps its dtype. 0-d results are numpy scalars.
    """
    if isinstance(x, GraphValue):
        x = x._data
    if dtype is not None:
        dtype = np.dtype(dtype)
    if isinstance(x, np.ndarray):
        out = x if dtype is None or x.dtype == dtype else x.astype(dtype)
    elif isinstance(x, np.generic):
        out = x if dtype is None else dtype.type(x)
    elif isinstance(x, bool):
        out = np.bool_(x) if dtype is None else dtype.type(x)
    elif isinstance(x, int):
        out = np.int64(x) if dtype is None else dtype.type(x)
    elif isinstance(x, float):
        out = (dtype or _default[0]).type(x)
    else:
        if isinstance(x, (list, tuple)) and any(isinstance(e, GraphValue) for e in _flatten(x)):
            x = _unwrap_nested(x)
        out = np.array(x, dtype=dtype)
        if dtype is None and out.dtype == np.float64 and _default[0] != np.float64:
            out = out.astype(_default[0])
        if out.dtype == object:
            raise TypeError(
                f"tensor(): could not turn {type(x).__name__} into a numeric array; "
                "pass numbers, nested lists of numbers or a numpy array"
            )
    if type(out) is np.ndarray and not out.shape:
        out = out[()]
    return out


def _flatten(x: Any) -> Iterator[Any]:
    for e in x:
        if isinstance(e, (list, tuple)):
            yield from _flatten(e)
        else:
            yield e


def _unwrap_nested(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_unwrap_nested(e) for e in x]
    return x._data if isinstance(x, GraphValue) else x


def check_float_for_grad(dtype: np.dtype) -> None:
    """Only float data can require grad. Complex data is refused too: its gradients would need
    PyTorch's conjugate convention throughout (see docs/pytorch-differences.md)."""
    if dtype.kind == "c":
        raise RuntimeError(
            f"tinygrad_edu does not differentiate complex values (got dtype {dtype}): split them "
            f"into real and imaginary parts (see docs/pytorch-differences.md)."
        )
    if dtype.kind != "f":
        raise RuntimeError(
            f"Only Tensors of floating point and complex dtype can require gradients (got dtype "
            f"{dtype}). Convert first, e.g. tensor(data, dtype=float64) or x.double()."
        )


def format_data(data: Any) -> str:
    arr = np.asarray(data)
    if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        mode = "maxprec"
    else:
        mode = "fixed"
    return np.array2string(
        arr, precision=4, separator=", ", prefix="tensor(", floatmode=mode, threshold=200,
        edgeitems=3,
    )
