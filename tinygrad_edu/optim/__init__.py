"""``tinygrad_edu.optim``: ``Optimizer`` and ``SGD``."""

from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
