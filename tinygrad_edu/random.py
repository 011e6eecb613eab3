"""Random state: generators, each its own stream, and one global generator under ``manual_seed``.

A :class:`Generator` wraps a ``numpy.random.Generator`` (PCG64). Every random function takes
``generator=`` and draws from the global :data:`default_generator` without it, so the same seed
gives the same numbers here (not PyTorch's numbers: its bit streams are its own). A generator's
state is 45 bytes, handed out as a uint8 value (``get_state``/``get_rng_state``) as PyTorch hands
out a ByteTensor.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import numpy as np

__all__ = ["Generator", "manual_seed", "default_generator", "seed", "initial_seed", "rng",
           "check_generator", "get_rng_state", "set_rng_state", "fork_rng"]

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed
_STATE_BYTES = 45


class Generator:
    """A seeded source of random numbers, like ``torch.Generator``: pass it as ``generator=`` to
    ``rand``, ``randn``, ``randint``, ``randperm``, ``multinomial``, ``bernoulli``, ``normal``,
    the in-place fills and ``DataLoader``/``random_split``. ``Generator()`` (or PyTorch's
    ``Generator(device='cpu')``) starts from PyTorch's default seed; ``Generator(seed)`` is a
    shortcut for ``Generator().manual_seed(seed)``.

    >>> g = Generator().manual_seed(0)
    >>> g.initial_seed()
    0
    """

    as_value: Callable[[np.ndarray], Any] = staticmethod(lambda a: a)
    """What ``get_state`` wraps the bytes in: the floor-4 surface sets it to ``Value``."""

    def __init__(self, device: Any = "cpu") -> None:
        seed = _DEFAULT_SEED
        if isinstance(device, int) and not isinstance(device, bool):  # Generator(seed): ours only
            seed, device = device, "cpu"
        name = str(getattr(device, "type", device)).split(":")[0]
        if name != "cpu":
            raise RuntimeError(f"tinygrad_edu runs on the CPU only; a Generator on {name!r} is not available")
        self.device = _Cpu()
        self.manual_seed(seed)

    def manual_seed(self, seed: Any) -> Generator:
        """Restart the stream from ``seed`` (an int, as PyTorch: floats are truncated, negatives
        wrap modulo 2**64)."""
        if isinstance(seed, (str, bytes)):
            raise TypeError(f"manual_seed expected an int seed, got {type(seed).__name__}")
        seed = int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError(f"Overflow when unpacking long long: seed {seed} is out of range")
        self._seed = seed % 2**64
        self.np = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Seed from fresh entropy (not reproducible); return the seed chosen."""
        s = int(np.random.SeedSequence().entropy % 2**63)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._seed

    def get_state(self) -> Any:
        """The stream's position as 45 uint8 bytes (a value; pass it to :meth:`set_state`)."""
        st = self.np.bit_generator.state
        raw = (st["state"]["state"].to_bytes(16, "little") + st["state"]["inc"].to_bytes(16, "little")
               + bytes([st["has_uint32"]]) + st["uinteger"].to_bytes(4, "little")
               + self._seed.to_bytes(8, "little"))
        return self.as_value(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Any) -> Generator:
        """Go back to a position that :meth:`get_state` returned."""
        arr = np.asarray(getattr(new_state, "_data", new_state))
        if arr.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if arr.shape != (_STATE_BYTES,):
            raise RuntimeError(f"Expected a state of {_STATE_BYTES} bytes (from get_state()), got "
                               f"shape {tuple(arr.shape)}")
        raw = arr.tobytes()

        def number(a: int, b: int) -> int:
            return int.from_bytes(raw[a:b], "little")

        self.np.bit_generator.state = {
            "bit_generator": "PCG64", "state": {"state": number(0, 16), "inc": number(16, 32)},
            "has_uint32": raw[32], "uinteger": number(33, 37)}
        self._seed = number(37, 45)
        return self

    def __repr__(self) -> str:
        return f"<torch.Generator (tinygrad_edu), initial_seed={self._seed}>"


class _Cpu:
    """``Generator().device``: prints as PyTorch's ``device(type='cpu')`` (device.py's class is
    on the same floor but a generator must not depend on it)."""

    type = "cpu"

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        return str(getattr(other, "type", other)) == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


default_generator = Generator()


def manual_seed(seed: Any) -> Generator:
    """Seed the global generator: every random op and every shuffle after this is reproducible."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global generator from fresh entropy; return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the global generator."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The global generator's state, a uint8 value (restore it with :func:`set_rng_state`)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Put the global generator back where :func:`get_rng_state` found it."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str = "cpu") -> Iterator[None]:
    """``with torch.random.fork_rng():`` draws inside do not move the global stream outside."""
    if not enabled:
        yield
        return
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)


def check_generator(generator: Any) -> Generator:
    """``generator`` itself, or the global generator for None; anything else is a TypeError."""
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"argument 'generator' must be torch.Generator, not {type(generator).__name__}")
    return generator


def rng(generator: Generator | None = None) -> np.random.Generator:
    """The numpy generator behind ``generator`` (the global one for None)."""
    return (default_generator if generator is None else check_generator(generator)).np
