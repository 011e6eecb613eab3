"""Top-level math functions, as PyTorch code calls them: ``torch.relu(x)``, ``torch.cat([...])``..."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .dims import numpy_names, wrap_dim
from .dtypes import as_data
from .methods import index_arg as _index
from .ops import Cat, Stack, Where
from .ops.elementwise import Maximum, Minimum
from .value import Value

__all__ = [
    "unsqueeze", "squeeze", "cat", "concatenate", "stack", "relu", "sigmoid", "tanh", "exp", "log",
    "sin", "cos", "sqrt", "abs", "sum", "mean", "max", "min", "matmul", "mul", "where", "clamp", "pow",
    "reshape", "transpose", "permute", "flatten", "square", "maximum", "minimum", "numel",
    "is_tensor", "softmax", "log_softmax", "logsumexp",
]


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(as_data(x))


@numpy_names
def unsqueeze(x: Any, dim: int) -> Value:
    return _v(x).unsqueeze(dim)


@numpy_names
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


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (differentiable in x and y). With the condition
    alone, the indexes where it holds, one value per axis (``torch.nonzero(c, as_tuple=True)``)."""
    if x is None and y is None:
        return _v(condition).nonzero(as_tuple=True)
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


@numpy_names
def sum(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Value:  # noqa: A001
    return _v(x).sum(dim, keepdim, **kw)


@numpy_names
def mean(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Value:
    return _v(x).mean(dim, keepdim, **kw)


@numpy_names
def max(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:  # noqa: A001
    return _v(x).max(dim, keepdim, **kw)


@numpy_names
def min(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:  # noqa: A001
    return _v(x).min(dim, keepdim, **kw)


def matmul(a: Any, b: Any, *, out: Value | None = None) -> Value:
    return _into(out, _v(a) @ b)


def mul(a: Any, b: Any, *, out: Value | None = None) -> Value:
    return _into(out, _v(a) * b)


def _into(out: Value | None, result: Value) -> Value:
    """PyTorch's ``out=``: the result written into ``out`` (in place), which is returned."""
    return result if out is None else out.copy_(result)


def numel(x: Value) -> int:
    return x.numel()


def is_tensor(x: Any) -> bool:
    return isinstance(x, Value)


# ---------------------------------------------------------------------- indexing and linear algebra
def mm(input: Any, mat2: Any) -> Value:
    return _v(input).mm(mat2)


def bmm(input: Any, mat2: Any) -> Value:
    return _v(input).bmm(mat2)


def mv(input: Any, vec: Any) -> Value:
    return _v(input).mv(vec)


def dot(input: Any, other: Any) -> Value:
    return _v(input).dot(other)


def outer(input: Any, vec2: Any) -> Value:
    return _v(input).outer(vec2)


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Value:
    """``beta * input + alpha * (mat1 @ mat2)``."""
    return _v(input).addmm(mat1, mat2, beta=beta, alpha=alpha)


@numpy_names
def gather(input: Any, dim: int, index: Any) -> Value:
    return _v(input).gather(dim, index)


@numpy_names
def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Value:
    return _v(input).scatter_add(dim, index, src)


@numpy_names
def index_select(input: Any, dim: int, index: Any) -> Value:
    return _v(input).index_select(dim, index)


def masked_fill(input: Any, mask: Any, value: Any) -> Value:
    return _v(input).masked_fill(mask, value)


@numpy_names
def sort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    return _v(input).sort(dim, descending, stable)


@numpy_names
def argsort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Value:
    return _v(input).argsort(dim, descending, stable)


@numpy_names
def topk(input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    return _v(input).topk(k, dim, largest, sorted)


@numpy_names
def argmax(input: Any, dim: Any = None, keepdim: bool = False) -> Value:
    return _v(input).argmax(dim, keepdim)


@numpy_names
def argmin(input: Any, dim: Any = None, keepdim: bool = False) -> Value:
    return _v(input).argmin(dim, keepdim)


def eq(input: Any, other: Any) -> Value:
    return _v(input).eq(other)


def ne(input: Any, other: Any) -> Value:
    return _v(input).ne(other)


def lt(input: Any, other: Any) -> Value:
    return _v(input).lt(other)


def le(input: Any, other: Any) -> Value:
    return _v(input).le(other)


def gt(input: Any, other: Any) -> Value:
    return _v(input).gt(other)


def ge(input: Any, other: Any) -> Value:
    return _v(input).ge(other)


def equal(input: Any, other: Any) -> bool:
    return _v(input).equal(other)


def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Value:
    return _v(input).isclose(other, rtol, atol, equal_nan)


def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return _v(input).allclose(other, rtol, atol, equal_nan)


# exported as ``all`` and ``any`` by the package: named with a trailing _ here so that this module
# keeps Python's builtins all() and any()
@numpy_names
def all_(input: Any, dim: Any = None, keepdim: bool = False) -> Value:
    """True where every element (along ``dim``) is nonzero; ``tinygrad_edu.all``."""
    return _v(input).all(dim, keepdim)


@numpy_names
def any_(input: Any, dim: Any = None, keepdim: bool = False) -> Value:
    """True where some element (along ``dim``) is nonzero; ``tinygrad_edu.any``."""
    return _v(input).any(dim, keepdim)


__all__ += [
    "mm", "bmm", "mv", "dot", "outer", "addmm", "gather", "scatter_add", "index_select",
    "masked_fill", "sort", "argsort", "topk", "argmax", "argmin", "eq", "ne", "lt", "le", "gt", "ge",
    "equal", "isclose", "allclose", "all_", "any_",
]


@numpy_names
def softmax(x: Any, dim: int, dtype: Any = None) -> Value:
    return _v(x).softmax(dim, dtype)


@numpy_names
def log_softmax(x: Any, dim: int, dtype: Any = None) -> Value:
    return _v(x).log_softmax(dim, dtype)


@numpy_names
def logsumexp(x: Any, dim: Any, keepdim: bool = False) -> Value:
    return _v(x).logsumexp(dim, keepdim)
