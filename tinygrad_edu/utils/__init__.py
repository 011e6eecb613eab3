"""``tinygrad_edu.utils``: ``utils.data`` mirrors ``torch.utils.data``; ``utils.safetensors`` reads and
writes safetensors files (the optional ``safetensors`` package)."""

from . import data, safetensors

__all__ = ["data", "safetensors"]
