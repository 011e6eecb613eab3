"""The built-in ops, one module per family. Each op is a :class:`~tinygrad_edu.Function`."""

from .activation import ELU, GELU, Erf, LeakyReLU, LogSoftmax, LogSumExp, SiLU, Softmax, Softplus
from .cast import Cast
from .conv import (
    Conv2dFunction,
    Conv2dWeightFunction,
    ConvTranspose2dFunction,
    MaxPool2dFunction,
)
from .elementwise import (
    Abs,
    Add,
    Clamp,
    Cos,
    Div,
    Exp,
    Log,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    ReLU,
    Sigmoid,
    Sin,
    Sqrt,
    Sub,
    Tanh,
    Where,
)
from .elementwise2 import (
    Acos,
    Acosh,
    Asin,
    Asinh,
    Atan,
    Atan2,
    Atanh,
    Cosh,
    Erfc,
    Expm1,
    Hypot,
    Log1p,
    LogAddExp,
    LogBase,
    Mod,
    Sinh,
    Tan,
)
from .embedding import EmbeddingFunction
from .index import Gather, ScatterAddDim
from .linalg import MatMul
from .loss import BCEFunction, BCEWithLogitsFunction, HuberFunction, NLLLossFunction
from .nn import LinearFunction, MSEFunction
from .norm import Normalize
from .reduce import Max, Mean, Min, Sum
from .shape import BroadcastTo, Cat, GetItem, Permute, Reshape, ScatterAdd, SetItem, Stack

__all__ = [
    "Abs", "Add", "BroadcastTo", "Cast", "Cat", "Clamp", "Cos", "Div", "Exp", "GetItem",
    "LinearFunction", "Log", "MatMul", "Max", "Maximum", "Mean", "Min", "Minimum", "MSEFunction",
    "Mul", "Neg", "Permute",
    "Pow", "ReLU", "Reshape", "ScatterAdd", "SetItem", "Sigmoid", "Sin", "Sqrt", "Stack", "Sub",
    "Sum", "Tanh", "Where",
    "Conv2dFunction", "ConvTranspose2dFunction", "Conv2dWeightFunction", "MaxPool2dFunction",
    "Normalize",
    "LeakyReLU", "ELU", "Erf", "GELU", "SiLU", "Softplus", "Softmax", "LogSoftmax", "LogSumExp",
    "NLLLossFunction", "BCEFunction", "BCEWithLogitsFunction", "HuberFunction", "EmbeddingFunction",
]
__all__ += ["Gather", "ScatterAddDim"]  # ops/index.py
from .linalg2 import Cholesky, Det, EigvalsH, EinSum, Inverse, LogAbsDet, Pinv, Solve, SvdVals  # noqa: E402
from .reduce2 import Cumsum  # noqa: E402

__all__ += ["Cholesky", "Det", "EigvalsH", "EinSum", "Inverse", "LogAbsDet", "Pinv", "Solve", "SvdVals",
            "Cumsum"]  # ops/linalg2.py, ops/reduce2.py
__all__ += ["Tan", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Log1p",
            "Expm1", "LogBase", "Erfc", "Hypot", "LogAddExp", "Mod"]  # ops/elementwise2.py

# The catalogue checks every built-in op's gradients, shapes included, against finite differences
# (tests/test_catalogue.py keeps each one in it), so the backward walk checks the shapes of the
# gradients that only other ops (a user's Function) return.
BUILT_IN = frozenset(op for name, op in list(globals().items()) if name in __all__)
