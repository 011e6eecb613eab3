"""The built-in ops, one module per family. Each op is a :class:`~tinygrad_edu.Function`."""

from .elementwise import (
    Abs,
    Add,
    Clamp,
    Cos,
    Div,
    Exp,
    Log,
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
from .linalg import MatMul
from .reduce import Max, Mean, Min, Sum
from .shape import BroadcastTo, Cat, GetItem, Permute, Reshape, ScatterAdd, Stack

__all__ = [
    "Abs", "Add", "BroadcastTo", "Cat", "Clamp", "Cos", "Div", "Exp", "GetItem", "Log", "MatMul",
    "Max", "Mean", "Min", "Mul", "Neg", "Permute", "Pow", "ReLU", "Reshape", "ScatterAdd",
    "Sigmoid", "Sin", "Sqrt", "Stack", "Sub", "Sum", "Tanh", "Where",
]
