"""``tinygrad_edu.nn.utils``: helpers around modules (``nn.utils.rnn``: padding and packing sequences)."""

from . import rnn  # noqa: F401
