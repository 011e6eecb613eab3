"""More activation modules; each keeps its options and calls its function in ``nn.functional``
(``functional_more.py``). ``PReLU`` has a learnable slope (``weight``, 0.25 at first)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..value import Value
from . import functional_more as FM
from .module import Module
from .parameter import Parameter

__all__ = ["Hardtanh", "ReLU6", "SELU", "CELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish",
           "LogSigmoid", "Mish", "Softmin", "Softshrink", "Softsign", "Tanhshrink", "Threshold",
           "RReLU", "PReLU", "Softmax2d"]


def _inplace(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class Hardtanh(Module):
    """``x`` clamped to ``[min_val, max_val]``."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if not max_val > min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)``."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class _Inplace(Module):
    """An activation whose only option is ``inplace``."""

    _fn: Any = None

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Value) -> Value:  # noqa: A002
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class _Plain(Module):
    """An activation without options."""

    _fn: Any = None

    def forward(self, input: Value) -> Value:  # noqa: A002
        return type(self)._fn(input)


class SELU(_Inplace):
    """``scale * elu(x, alpha)`` (self-normalising constants)."""

    _fn = staticmethod(FM.selu)


class Hardsigmoid(_Inplace):
    """``clamp(x / 6 + 1/2, 0, 1)``."""

    _fn = staticmethod(FM.hardsigmoid)


class Hardswish(_Inplace):
    """``x * hardsigmoid(x)``."""

    _fn = staticmethod(FM.hardswish)


class Mish(_Inplace):
    """``x * tanh(softplus(x))``."""

    _fn = staticmethod(FM.mish)


class LogSigmoid(_Plain):
    """``log(sigmoid(x))``."""

    _fn = staticmethod(FM.logsigmoid)


class Softsign(_Plain):
    """``x / (1 + |x|)``."""

    _fn = staticmethod(FM.softsign)


class Tanhshrink(_Plain):
    """``x - tanh(x)``."""

    _fn = staticmethod(FM.tanhshrink)


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """Gated linear unit: ``a * sigmoid(b)`` of the two halves along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardshrink(Module):
    """``x`` where ``|x| > lambd``, else 0."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.softshrink(input, self.lambd)


class Softmin(Module):
    """``softmax(-x)`` along ``dim``."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels of (N, C, H, W) or (C, H, W) inputs, at each position."""

    def forward(self, input: Value) -> Value:  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return input.softmax(-3)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class RReLU(Module):
    """Leaky ReLU with a random slope from U(lower, upper) in training, ``(lower + upper) / 2``
    in evaluation."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """Leaky ReLU with a learnable slope: one (``num_parameters=1``) or one per channel."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(np.full((num_parameters,), init, dtype=dtype or get_default_dtype()))

    def reset_parameters(self) -> None:
        from . import init as nn_init
        nn_init.constant_(self.weight, self.init)

    def forward(self, input: Value) -> Value:  # noqa: A002
        return FM.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"

