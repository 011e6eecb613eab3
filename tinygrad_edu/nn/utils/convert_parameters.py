"""``parameters_to_vector`` and ``vector_to_parameters``, as ``torch.nn.utils``."""

from __future__ import annotations

from typing import Iterable

from ...toplevel import cat
from ...value import Value

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Value]) -> Value:
    """All the parameters' numbers as one vector, in order (differentiable: built with ``cat``)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Value, parameters: Iterable[Value]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters' ``.data`` (no graph)."""
    if not isinstance(vec, Value):
        kind = type(vec)
        name = kind.__qualname__ if kind.__module__ == "builtins" else \
            f"{kind.__module__}.{kind.__qualname__}"
        raise TypeError(f"expected torch.Tensor, but got: {name}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n
