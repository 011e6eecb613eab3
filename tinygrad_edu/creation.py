"""Functions that make new values, as PyTorch code calls them: ``tensor``, ``zeros``, ``randn``...

Also PyTorch's legacy constructors: ``Tensor(2, 3)`` / ``Tensor([1, 2])`` (the default float dtype)
and ``FloatTensor``, ``DoubleTensor``, ``LongTensor``, ``IntTensor``, ``BoolTensor``.
"""

from __future__ import annotations

import math
from abc import ABCMeta
from typing import Any

import numpy as np

from .device import check_device
from .dtypes import as_data, check_float_for_grad, get_default_dtype
from .methods import shape_arg as _shape_arg
from .random import Generator, rng
from .torch_types import Size
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
    "normal",
    "randint_like",
    "empty_like",
    "Tensor",
    "FloatTensor",
    "DoubleTensor",
    "LongTensor",
    "IntTensor",
    "BoolTensor",
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
    """Uninitialised in PyTorch; zeros here (reading it is a bug either way)."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    fill = as_data(fill_value)
    return _make(np.full(_shape_arg((size,)), fill, dtype=dtype or fill.dtype), None, requires_grad, device)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _make(np.zeros_like(as_data(x), dtype=dtype), None, requires_grad, device)


def empty_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    """Uninitialised in PyTorch; zeros here."""
    return zeros_like(x, dtype=dtype, requires_grad=requires_grad, device=device)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _make(np.ones_like(as_data(x), dtype=dtype), None, requires_grad, device)


def full_like(
    x: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    return _make(np.full_like(as_data(x), fill_value, dtype=dtype), None, requires_grad, device)


def _has_float(*xs: Any) -> bool:
    return any(isinstance(x, (float, np.floating)) for x in xs)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Value:
    """``arange(5)``, ``arange(1, 4)``, ``arange(0, 1, 0.25)``: ``start + i * step`` below ``end``;
    int64 when every argument is an int, else the default float dtype."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign (start={start}, "
                           f"end={end}, step={step})")
    n = max(math.ceil((end - start) / step), 0)
    if not _has_float(start, end, step):
        data = np.arange(n, dtype=np.int64) * int(step) + int(start)
    else:
        data = float(start) + np.arange(n, dtype=np.float64) * float(step)
    return _make(data, dtype, requires_grad, device)


def linspace(
    start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    """``steps`` evenly spaced numbers from ``start`` to ``end`` (both included), computed as
    PyTorch does: the first half counted up from ``start``, the second half down from ``end``."""
    steps = int(steps)
    if steps < 0:
        raise RuntimeError(f"number of steps must be non-negative (got {steps})")
    i = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    data = np.where(i < steps // 2, start + i * step, end - (steps - 1 - i) * step)
    if steps == 1:
        data = np.array([float(start)])
    return _make(data, dtype, requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    """The ``n`` by ``m`` (default ``n``) identity matrix."""
    for name, v in (("n", n), ("m", n if m is None else m)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
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


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Value:
    """Samples from N(mean, std**2). ``normal(0.0, 1.0, size=(2, 3))`` with numbers; with a value
    for ``mean`` and/or ``std`` one sample per element (they broadcast), in that value's dtype."""
    tensors = [x for x in (mean, std) if isinstance(x, Value)]
    if not tensors and size is None:
        raise TypeError("normal() received an invalid combination of arguments - got (float, float): "
                        "with numbers for mean and std, pass size=, e.g. normal(0.0, 1.0, size=(2, 3))")
    m, s = as_data(mean), as_data(std)
    if tensors:
        if np.any(s < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        a, b = np.shape(m), np.shape(s)
        for i in range(1, max(len(a), len(b)) + 1):
            da, db = (a[-i] if i <= len(a) else 1), (b[-i] if i <= len(b) else 1)
            if da != db and 1 not in (da, db):
                raise RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                                   f"({db}) at non-singleton dimension {max(len(a), len(b)) - i}")
        shape = np.broadcast_shapes(a, b)
        dtype = dtype or np.result_type(*(t.dtype for t in tensors))
    else:
        if s < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {float(s):g}")
        shape = _shape_arg((size,))
    data = m + s * rng(generator).standard_normal(shape)
    return _make(np.asarray(data, dtype=np.float64), dtype, requires_grad, device)


def randint(
    low: int,
    high: Any = None,
    size: Any = (),
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Value:
    """Integers in [low, high), int64. ``randint(10, (3,))`` means low=0, high=10."""
    if high is None or isinstance(high, (tuple, list)):
        if isinstance(high, (tuple, list)):
            size = high
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    out = rng(generator).integers(low, high, size=_shape_arg((size,)), dtype=np.int64)
    dtype = np.dtype(dtype or np.int64)
    if requires_grad:
        check_float_for_grad(dtype)
    return _make(np.asarray(out), dtype, requires_grad, device)


def randint_like(x: Any, low: int, high: int | None = None, *, dtype: Any = None,
                 requires_grad: bool = False, device: Any = None) -> Value:
    """Integers in [low, high) (``randint_like(x, 10)``: in [0, 10)) of x's shape and dtype."""
    if high is None:
        low, high = 0, low
    data = as_data(x)
    return randint(low, high, np.shape(data), dtype=dtype or data.dtype, requires_grad=requires_grad,
                   device=device)


def _float_like(op: str, x: Any, dtype: Any) -> np.dtype:
    dtype = np.dtype(dtype or as_data(x).dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for '{dtype}': pass dtype=, e.g. "
                                  f"{op}(x, dtype=float64)")
    return dtype


def rand_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    dtype = _float_like("rand_like", x, dtype)
    return rand(*np.shape(as_data(x)), dtype=dtype, requires_grad=requires_grad, device=device)


def randn_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    dtype = _float_like("randn_like", x, dtype)
    return randn(*np.shape(as_data(x)), dtype=dtype, requires_grad=requires_grad, device=device)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Value:
    """A random permutation of ``0 .. n-1`` (int64 unless ``dtype`` says otherwise)."""
    dtype = np.dtype(dtype or np.int64)
    if requires_grad:
        check_float_for_grad(dtype)
    return _make(rng(generator).permutation(int(n)).astype(np.int64), dtype, requires_grad, device)


# ---------------------------------------------------------------------- legacy constructors
def _legacy(name: str, dtype: Any, args: tuple) -> np.ndarray:
    """The numbers for ``Tensor(*args)`` and friends: sizes (ints, or one ``Size``) give zeros
    (PyTorch leaves them uninitialised), one sequence or array gives a copy in ``dtype``."""
    dtype = np.dtype(dtype)
    if not args:
        return np.zeros((0,), dtype)
    if isinstance(args[0], Size) and len(args) == 1:
        args = tuple(args[0])
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)) for a in args):
        sizes = [int(a) for a in args]
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"Trying to create tensor with negative dimension "
                               f"{min(sizes)}: {sizes}")
        return np.zeros(sizes, dtype)
    if len(args) > 1:
        raise TypeError(f"{name}() takes sizes (ints) or one sequence of data, got {args!r}")
    data = args[0]
    if isinstance(data, Value):
        if data.dtype != dtype:
            raise TypeError(f"{name}(): expected {dtype} data (got {data.dtype}); convert with "
                            f"x.to({dtype}) or use tensor(x, dtype=...)")
        return data.detach().numpy()  # PyTorch: the same numbers, shared
    if np.ndim(data) == 0:
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__}); "
                        f"{name}(n) with an int n makes n elements, tensor(x) makes a 0-d value")
    return np.array(as_data(data, dtype), dtype=dtype)


class Tensor(Value, metaclass=ABCMeta):
    """PyTorch's ``torch.Tensor``: every Value is an instance (``isinstance(v, Tensor)``), and
    calling it is the legacy constructor.

    ``Tensor(2, 3)`` is a 2 by 3 value of the default float dtype (zeros here; uninitialised in
    PyTorch), ``Tensor([1, 2])`` a copy of the data in that dtype, ``Tensor()`` an empty one.
    Unlike PyTorch, ``requires_grad=`` and ``name=`` are accepted too.

    >>> Tensor([1, 2]), Tensor(2, 3).size(), isinstance(tensor(1.0), Tensor)
    (tensor([1., 2.]), torch.Size([2, 3]), True)
    """

    __slots__ = ()

    def __init__(self, *args: Any, dtype: Any = None, requires_grad: bool = False,
                 name: str | None = None, device: Any = None) -> None:
        check_device(device)
        data = _legacy("Tensor", dtype or get_default_dtype(), args)
        super().__init__(data, requires_grad=requires_grad, name=name)

    @classmethod
    def __subclasshook__(cls, klass: type) -> Any:
        return True if issubclass(klass, Value) else NotImplemented


def FloatTensor(*args: Any, device: Any = None) -> Value:
    """Legacy float32 constructor: ``FloatTensor(2, 3)`` (sizes) or ``FloatTensor([1, 2])``."""
    check_device(device)
    return Value(_legacy("FloatTensor", np.float32, args))


def DoubleTensor(*args: Any, device: Any = None) -> Value:
    """Legacy float64 constructor: sizes or data."""
    check_device(device)
    return Value(_legacy("DoubleTensor", np.float64, args))


def LongTensor(*args: Any, device: Any = None) -> Value:
    """Legacy int64 constructor: sizes or data (floats are truncated)."""
    check_device(device)
    return Value(_legacy("LongTensor", np.int64, args))


def IntTensor(*args: Any, device: Any = None) -> Value:
    """Legacy int32 constructor: sizes or data."""
    check_device(device)
    return Value(_legacy("IntTensor", np.int32, args))


def BoolTensor(*args: Any, device: Any = None) -> Value:
    """Legacy bool constructor: sizes or data."""
    check_device(device)
    return Value(_legacy("BoolTensor", np.bool_, args))
