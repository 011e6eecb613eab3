"""``tinygrad_edu.nn``: modules, parameters, layers, losses, ``functional`` and ``init``."""

from . import functional, init
from .layers import Flatten, Identity, Linear, ModuleList, ReLU, Sequential, Sigmoid, Tanh
from .loss import MSELoss
from .module import Module
from .parameter import Parameter

__all__ = [
    "Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Flatten", "Identity",
    "Sequential", "ModuleList", "MSELoss", "functional", "init",
]
