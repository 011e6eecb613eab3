"""Functions that make new values, as PyTorch code calls them: ``tensor``, ``zeros``, ``arange``...

Sizes are given as PyTorch takes them: ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros(size=(2, 3))``
(:func:`size_arg`). Also PyTorch's legacy constructors: ``Tensor(2, 3)`` / ``Tensor([1, 2])`` (the
default float dtype) and ``FloatTensor``, ``DoubleTensor``, ``LongTensor``, ``IntTensor``,
``BoolTensor``, ``ByteTensor``, ``CharTensor``, ``ShortTensor``. The random factories (``rand``,
``randn``...) are in surface.py.
"""

from __future__ import annotations

import math
import operator
import warnings
from abc import ABCMeta
from typing import Any

import numpy as np

from .device import check_device
from .dtypes import as_data, get_default_dtype
from .torch_types import Size
from .value import Value

__all__ = [
    "tensor",
    "as_tensor",
    "asarray",
    "from_numpy",
    "scalar_tensor",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "range_",
    "linspace",
    "logspace",
    "eye",
    "size_arg",
    "factory_kw",
    "new_value",
    "Tensor",
    "FloatTensor",
    "DoubleTensor",
    "LongTensor",
    "IntTensor",
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "ShortTensor",
]


def tensor(
    data: Any, dtype: Any = None, requires_grad: bool = False, name: str | None = None, device: Any = None,
    pin_memory: bool = False,
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


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Value:
    """Like ``tensor`` but shares memory with a numpy array when no cast is needed."""
    check_device(device)
    if isinstance(data, Value) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return Value(as_data(data, dtype))


def from_numpy(array: np.ndarray) -> Value:
    """A value that shares memory with ``array`` (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Value(array)


def new_value(data: np.ndarray, dtype: Any, requires_grad: bool, device: Any = None) -> Value:
    """A factory's result: ``data`` in ``dtype`` (float64 data, with no dtype given, in the
    default float dtype), after checking ``device``."""
    check_device(device)
    if dtype is None and data.dtype == np.float64:
        dtype = get_default_dtype()
    if dtype is not None and data.dtype != dtype:
        data = data.astype(dtype)
    return Value(data, requires_grad=requires_grad)


def size_arg(name: str, args: tuple, size: Any = None) -> tuple[int, ...]:
    """PyTorch's size argument of a factory: ints (``rand(2, 3)``), one tuple, list or ``Size``
    (``rand((2, 3))``), or the keyword (``rand(size=(2, 3))``); checked as PyTorch checks it."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() received an invalid combination of arguments - got sizes both "
                            f"as positional arguments {args} and as size={size!r}")
        args = size if isinstance(size, (tuple, list)) else (size,)
    elif len(args) == 1 and isinstance(args[0], (tuple, list)):  # Size is a tuple
        args = tuple(args[0])
    out = []
    for i, s in enumerate(args):
        try:
            if isinstance(s, (bool, np.bool_)):
                raise TypeError
            out.append(operator.index(s))
        except TypeError:
            raise TypeError(f"{name}(): argument 'size' (position {i + 1}) must be tuple of ints, "
                            f"not {type(s).__name__}") from None
    if any(s < 0 for s in out):
        if name == "zeros":  # PyTorch's own words for zeros
            raise RuntimeError(f"zeros: Dimension size must be non-negative (got {out}).")
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {out}")
    return tuple(out)


def _filled(name: str, fill: Any, size: tuple, dtype: Any, requires_grad: bool, device: Any) -> Value:
    shape = size_arg(name, *size)
    return new_value(np.full(shape, fill, dtype=dtype or get_default_dtype()), None, requires_grad, device)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
          **kw: Any) -> Value:
    """``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``: the default float dtype
    unless ``dtype`` says otherwise."""
    return _filled("zeros", 0, (size, factory_kw(kw)), dtype, requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
         **kw: Any) -> Value:
    """``ones(2, 3)``, ``ones((2, 3))`` or ``ones(size=(2, 3))``."""
    return _filled("ones", 1, (size, factory_kw(kw)), dtype, requires_grad, device)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
          **kw: Any) -> Value:
    """Uninitialised in PyTorch; zeros here (reading it is a bug either way)."""
    return _filled("empty", 0, (size, factory_kw(kw)), dtype, requires_grad, device)


_IGNORED = {"layout", "pin_memory", "memory_format", "out"}


def factory_kw(kw: dict, sized: bool = True) -> Any:
    """The ``size=`` keyword; PyTorch's ``layout``, ``pin_memory`` and ``memory_format`` are
    accepted and have no effect here (one strided layout, one device)."""
    for key in kw:
        if not (key == "size" and sized) and key not in _IGNORED:
            raise TypeError(f"got an unexpected keyword argument '{key}'")
    if kw.get("out") is not None:
        raise TypeError("out= is not supported by tinygrad_edu's factories: assign the result instead")
    return kw.get("size")


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Value:
    """``full((2, 3), 7.0)``: the dtype of ``fill_value`` (a float: the default float dtype, an
    int: int64, a bool: bool) unless ``dtype`` says otherwise."""
    fill = as_data(fill_value)
    shape = size_arg("full", (size,))
    return new_value(np.full(shape, fill, dtype=dtype or fill.dtype), None, requires_grad, device)


def _like(x: Any, dtype: Any, kw: dict) -> tuple[tuple[int, ...], np.dtype]:
    factory_kw(kw, sized=False)
    data = as_data(x)
    return np.shape(data), np.dtype(dtype or data.dtype)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
               **kw: Any) -> Value:
    """Zeros of ``x``'s shape and dtype (unless ``dtype`` says otherwise)."""
    shape, dtype = _like(x, dtype, kw)
    return new_value(np.zeros(shape, dtype), dtype, requires_grad, device)


def empty_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
               **kw: Any) -> Value:
    """Uninitialised in PyTorch; zeros here."""
    return zeros_like(x, dtype=dtype, requires_grad=requires_grad, device=device, **kw)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
              **kw: Any) -> Value:
    """Ones of ``x``'s shape and dtype (unless ``dtype`` says otherwise)."""
    shape, dtype = _like(x, dtype, kw)
    return new_value(np.ones(shape, dtype), dtype, requires_grad, device)


def full_like(x: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None, **kw: Any) -> Value:
    """``fill_value`` in ``x``'s shape and dtype (``full_like(int_x, 2.5)`` holds 2, as in PyTorch)."""
    shape, dtype = _like(x, dtype, kw)
    return new_value(np.full(shape, as_data(fill_value), dtype=dtype), dtype, requires_grad, device)


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
    return new_value(data, dtype, requires_grad, device)


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
    return new_value(data, dtype, requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    """The ``n`` by ``m`` (default ``n``) identity matrix."""
    for name, v in (("n", n), ("m", n if m is None else m)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return new_value(np.eye(n, m), dtype, requires_grad, device)


def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Value:
    """``base ** linspace(start, end, steps)``: ``steps`` numbers spaced evenly on a log scale."""
    exps = linspace(start, end, steps, dtype=np.float64)._data
    return new_value(np.power(float(base), exps), dtype, requires_grad, device)


def range_(start: float = 0, end: float | None = None, step: float = 1, dtype: Any = None,
          requires_grad: bool = False, device: Any = None) -> Value:
    """Deprecated in PyTorch (it warns): like ``arange`` but ``end`` is included, and the dtype is
    the default float dtype even for ints. Use ``arange(start, end + step, step)``."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its "
                  "behavior is inconsistent with Python's range builtin. Instead, use torch.arange, "
                  "which produces values in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = math.floor((end - start) / step) + 1
    data = float(start) + np.arange(n, dtype=np.float64) * float(step)
    return new_value(data, dtype, requires_grad, device)


range_.__name__ = range_.__qualname__ = "range"  # torch.range (range_ here: the builtin stays usable)


def scalar_tensor(s: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    """A 0-d value holding the number ``s``, in the default float dtype unless ``dtype`` is given."""
    if isinstance(s, Value) or not isinstance(s, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{'Tensor' if isinstance(s, Value) else type(s).__name__}")
    return new_value(np.array(s, dtype=dtype or get_default_dtype()), None, requires_grad, device)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool = False) -> Value:
    """``obj`` as a value, sharing memory with a Value or numpy array when no cast is needed (and
    ``copy`` is not True); ``copy=False`` refuses to copy."""
    check_device(device)
    data = obj._data if isinstance(obj, Value) else obj
    if isinstance(data, (np.ndarray, np.generic)) and (dtype is None or np.dtype(dtype) == data.dtype):
        if not copy:
            if isinstance(obj, Value) and not requires_grad:
                return obj
            return Value(data, requires_grad=requires_grad)
    elif copy is False:
        raise ValueError(f"can't alias {type(obj).__name__} of dtype {getattr(data, 'dtype', '?')} "
                         f"into dtype {np.dtype(dtype) if dtype is not None else 'its own'} without a copy")
    return tensor(obj, dtype=dtype, requires_grad=requires_grad)


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


def ByteTensor(*args: Any, device: Any = None) -> Value:
    """Legacy uint8 constructor: sizes or data."""
    check_device(device)
    return Value(_legacy("ByteTensor", np.uint8, args))


def CharTensor(*args: Any, device: Any = None) -> Value:
    """Legacy int8 constructor: sizes or data."""
    check_device(device)
    return Value(_legacy("CharTensor", np.int8, args))


def ShortTensor(*args: Any, device: Any = None) -> Value:
    """Legacy int16 constructor: sizes or data."""
    check_device(device)
    return Value(_legacy("ShortTensor", np.int16, args))
