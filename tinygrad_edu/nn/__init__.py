"""``tinygrad_edu.nn``: modules, parameters, layers, losses, ``functional`` and ``init``."""

from . import functional, init
from .conv import Conv2d
from .layers import Flatten, Identity, Linear, ModuleList, ReLU, Sequential, Sigmoid, Tanh
from .loss import MSELoss
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

__all__ = [
    "Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Flatten", "Identity",
    "Sequential", "ModuleList", "MSELoss", "functional", "init",
    "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d",
    "LayerNorm",
]
