"""``tinygrad_edu.nn``: modules, parameters, layers, losses, ``functional`` and ``init``."""

from . import functional, init
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, SiLU, Softmax, Softplus
from .dropout import Dropout
from .flatten import Unflatten
from .layers import Flatten, Identity, Linear, ModuleList, ReLU, Sequential, Sigmoid, Tanh
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .parameter import Parameter
from .sparse import Embedding

__all__ = [
    "Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Flatten", "Identity",
    "Sequential", "ModuleList", "MSELoss", "functional", "init",
    "Softmax", "LogSoftmax", "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Dropout", "Unflatten",
    "Embedding", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "L1Loss",
    "SmoothL1Loss", "HuberLoss",
]
