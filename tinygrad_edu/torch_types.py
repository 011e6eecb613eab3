"""Floor 1: PyTorch's type vocabulary: ``Size`` (a shape that prints as ``torch.Size``) and the
legacy tensor type names that ``x.type()`` returns (``'torch.FloatTensor'`` for float32...)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["Size", "type_name", "dtype_of_type_name"]


class Size(tuple):
    """A value's shape: a tuple of ints (it compares equal to plain tuples).

    >>> Size([2, 3])
    torch.Size([2, 3])
    >>> Size([2, 3]).numel(), Size([2, 3]) == (2, 3)
    (6, True)
    """

    __slots__ = ()

    def numel(self) -> int:
        """The number of elements a value of this shape holds."""
        return math.prod(self)

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__


_NAMES = {
    np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor",
    np.dtype(np.float16): "HalfTensor", np.dtype(np.int64): "LongTensor",
    np.dtype(np.int32): "IntTensor", np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor", np.dtype(np.uint8): "ByteTensor",
    np.dtype(np.bool_): "BoolTensor", np.dtype(np.complex64): "ComplexFloatTensor",
    np.dtype(np.complex128): "ComplexDoubleTensor",
}
_DTYPES = {name: dtype for dtype, name in _NAMES.items()}


def type_name(dtype: Any) -> str:
    """PyTorch's legacy name of a CPU tensor type: ``type_name(float32) == 'torch.FloatTensor'``."""
    return "torch." + _NAMES[np.dtype(dtype)]


def dtype_of_type_name(name: str) -> np.dtype:
    """The dtype behind a legacy type name (``'torch.FloatTensor'`` or ``'FloatTensor'``)."""
    key = name[len("torch."):] if name.startswith("torch.") else name
    if key not in _DTYPES:
        raise ValueError(f"invalid type: '{name}' (known types: "
                         f"{', '.join('torch.' + n for n in _DTYPES)})")
    return _DTYPES[key]
