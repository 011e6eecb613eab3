"""``tinygrad_edu.utils``: ``utils.data`` mirrors ``torch.utils.data``."""

from . import data

__all__ = ["data"]
