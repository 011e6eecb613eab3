"""``Parameter``: a Value that a Module registers as one of its trainable weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import as_data
from ..value import Value


class Parameter(Value):
    """A leaf Value with ``requires_grad=True`` that Modules collect in ``parameters()``.

    ``Parameter(value)`` shares memory with ``value``.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty((0,), dtype=np.float64)
        super().__init__(as_data(data), requires_grad=requires_grad)

    def __repr__(self) -> str:
        """PyTorch's: ``Parameter containing:`` over the tensor's own repr."""
        return "Parameter containing:\n" + super().__repr__()
