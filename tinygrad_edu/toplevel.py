"""Top-level math functions, as PyTorch code calls them: ``torch.relu(x)``, ``torch.cat([...])``..."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .dims import wrap_dim
from .dtypes import as_data
from .methods import index_arg as _index
from .ops import Cat, Stack, Where
from .ops.elementwise import Maximum, Minimum
from .value import Value

__all__ = [
    "unsqueeze", "squeeze", "cat", "concatenate", "stack", "relu", "sigmoid", "tanh", "exp", "log",
    "sin", "cos", "sqrt", "abs", "sum", "mean", "max", "min", "matmul", "where", "clamp", "pow",
    "reshape", "transpose", "permute", "flatten", "square", "maximum", "minimum", "numel",
    "is_tensor",
]


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(as_data(x))


def unsqueeze(x: Any, dim: int) -> Value:
    return _v(x).unsqueeze(dim)


def squeeze(x: Any, dim: Any = None) -> Value:
    return _v(x).squeeze(dim)


def reshape(x: Any, shape: Any) -> Value:
    return _v(x).reshape(shape)


def transpose(x: Any, dim0: int, dim1: int) -> Value:
    return _v(x).transpose(dim0, dim1)


def permute(x: Any, dims: Any) -> Value:
    return _v(x).permute(dims)


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Value:
    return _v(x).flatten(start_dim, end_dim)


def _check_join(name: str, values: Sequence[Value], dim: int, new_axis: bool) -> int:
    """PyTorch's checks for cat (``new_axis=False``) and stack; returns the wrapped dim."""
    if not values:
        if new_axis:
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError("cat(): expected a non-empty list of Tensors")
    shapes = [v.shape for v in values]
    if not new_axis:
        for i, s in enumerate(shapes):
            if not s:
                raise RuntimeError(
                    f"zero-dimensional tensor (at position {i}) cannot be concatenated; "
                    f"use stack() to join 0-d values, or unsqueeze(0) them first"
                )
    dim = wrap_dim(dim, len(shapes[0]) + (1 if new_axis else 0))
    for i, s in enumerate(shapes[1:], start=1):
        if new_axis and s != shapes[0]:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 "
                f"and {list(s)} at entry {i}"
            )
        if len(s) != len(shapes[0]):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(shapes[0])} and {len(s)}"
            )
        for d, (a, b) in enumerate(zip(shapes[0], s)):
            if a != b and d != dim:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {a} but "
                    f"got size {b} for tensor number {i} in the list (shapes {shapes})"
                )
    return dim


def cat(values: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Value:
    """Join values along an existing axis."""
    vs = [_v(x) for x in values]
    return Cat.apply(*vs, axis=_check_join("cat", vs, dim if axis is None else axis, new_axis=False))


concatenate = cat


def stack(values: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Value:
    """Join values of equal shape along a new axis."""
    vs = [_v(x) for x in values]
    return Stack.apply(*vs, axis=_check_join("stack", vs, dim if axis is None else axis, new_axis=True))


def where(condition: Any, x: Any, y: Any) -> Value:
    """``x`` where ``condition`` holds, else ``y`` (differentiable in x and y)."""
    cond = np.asarray(_index(condition), dtype=bool)
    if not isinstance(x, Value) and not isinstance(y, Value):
        x = _v(x)
    return Where.apply(x, y, cond=cond)


def maximum(a: Any, b: Any) -> Value:
    """Elementwise max; nan where either is nan; ties share the gradient evenly (as PyTorch)."""
    return Maximum.apply(_v(a), b)


def minimum(a: Any, b: Any) -> Value:
    """Elementwise min; nan where either is nan; ties share the gradient evenly (as PyTorch)."""
    return Minimum.apply(_v(a), b)


def relu(x: Any) -> Value:
    return _v(x).relu()


def sigmoid(x: Any) -> Value:
    return _v(x).sigmoid()


def tanh(x: Any) -> Value:
    return _v(x).tanh()


def exp(x: Any) -> Value:
    return _v(x).exp()


def log(x: Any) -> Value:
    return _v(x).log()


def sin(x: Any) -> Value:
    return _v(x).sin()


def cos(x: Any) -> Value:
    return _v(x).cos()


def sqrt(x: Any) -> Value:
    return _v(x).sqrt()


def abs(x: Any) -> Value:  # noqa: A001 - PyTorch's name
    return _v(x).abs()


def square(x: Any) -> Value:
    return _v(x).square()


def pow(x: Any, exponent: Any) -> Value:  # noqa: A001 - PyTorch's name
    return _v(x) ** exponent


def clamp(x: Any, min: Any = None, max: Any = None) -> Value:  # noqa: A002
    return _v(x).clamp(min, max)


def sum(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Value:  # noqa: A001
    return _v(x).sum(dim, keepdim, **kw)


def mean(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Value:
    return _v(x).mean(dim, keepdim, **kw)


def max(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:  # noqa: A001
    return _v(x).max(dim, keepdim, **kw)


def min(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:  # noqa: A001
    return _v(x).min(dim, keepdim, **kw)


def matmul(a: Any, b: Any) -> Value:
    return _v(a) @ b


def numel(x: Value) -> int:
    return x.numel()


def is_tensor(x: Any) -> bool:
    return isinstance(x, Value)
