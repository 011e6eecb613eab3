"""Random state: one global generator, reproducible under ``manual_seed``."""

from __future__ import annotations

import numpy as np

__all__ = ["Generator", "manual_seed", "default_generator", "seed", "initial_seed"]


class Generator:
    """A seeded source of random numbers (wraps ``numpy.random.Generator``), like torch.Generator."""

    def __init__(self, seed: int = 67280421310721) -> None:
        self.manual_seed(seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self.np = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.np.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.np.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the global generator: every random op and every shuffle after this is reproducible."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2**63))
    default_generator.manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()


def rng(generator: Generator | None = None) -> np.random.Generator:
    return (generator or default_generator).np
