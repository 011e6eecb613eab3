"""Top-level math functions, as PyTorch code calls them: ``torch.relu(x)``, ``torch.cat([...])``..."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .dtypes import as_data
from .methods import index_arg as _index
from .ops import Cat, Stack, Where
from .value import Value

__all__ = [
    "unsqueeze", "squeeze", "cat", "concatenate", "stack", "relu", "sigmoid", "tanh", "exp", "log",
    "sin", "cos", "sqrt", "abs", "sum", "mean", "max", "min", "matmul", "where", "clamp", "pow",
    "reshape", "transpose", "permute", "flatten", "square", "maximum", "minimum", "numel",
    "is_tensor", "softmax", "log_softmax", "logsumexp",
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


def _check_same_rank(name: str, values: Sequence[Value], axis: int, new_axis: bool) -> None:
    if not values:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    shapes = [v.shape for v in values]
    if len({len(s) for s in shapes}) != 1:
        raise RuntimeError(
            f"{name}(): Tensors must have same number of dimensions: got shapes {shapes}"
        )
    ndim = len(shapes[0]) + (1 if new_axis else 0)
    if not -ndim <= axis < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {axis})"
        )
    for s in shapes[1:]:
        for i, (a, b) in enumerate(zip(shapes[0], s)):
            if a != b and (new_axis or i != axis % len(s)):
                raise RuntimeError(
                    f"{name}(): Sizes of tensors must match except in dimension {axis}. Expected "
                    f"size {a} but got size {b} for tensor number {shapes.index(s)} in the list "
                    f"(shapes {shapes})"
                    if not new_axis
                    else f"stack expects each tensor to be equal size, but got {list(shapes[0])} "
                    f"at entry 0 and {list(s)} at entry {shapes.index(s)}"
                )


def cat(values: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Value:
    """Join values along an existing axis."""
    axis = dim if axis is None else axis
    vs = [_v(x) for x in values]
    _check_same_rank("cat", vs, axis, new_axis=False)
    return Cat.apply(*vs, axis=axis)


concatenate = cat


def stack(values: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Value:
    """Join values of equal shape along a new axis."""
    axis = dim if axis is None else axis
    vs = [_v(x) for x in values]
    _check_same_rank("stack", vs, axis, new_axis=True)
    return Stack.apply(*vs, axis=axis)


def where(condition: Any, x: Any, y: Any) -> Value:
    """``x`` where ``condition`` holds, else ``y`` (differentiable in x and y)."""
    cond = np.asarray(_index(condition), dtype=bool)
    if not isinstance(x, Value) and not isinstance(y, Value):
        x = _v(x)
    return Where.apply(x, y, cond=cond)


def maximum(a: Any, b: Any) -> Value:
    a, b = _v(a), _v(b)
    return where(a._data >= b._data, a, b)


def minimum(a: Any, b: Any) -> Value:
    a, b = _v(a), _v(b)
    return where(a._data <= b._data, a, b)


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


def softmax(x: Any, dim: int, dtype: Any = None) -> Value:
    return _v(x).softmax(dim, dtype)


def log_softmax(x: Any, dim: int, dtype: Any = None) -> Value:
    return _v(x).log_softmax(dim, dtype)


def logsumexp(x: Any, dim: Any, keepdim: bool = False) -> Value:
    return _v(x).logsumexp(dim, keepdim)
