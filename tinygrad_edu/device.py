"""``device`` and ``cuda``: tutorial code names a device; everything here runs on the CPU."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["device", "cuda", "accelerator", "backends", "check_device", "parse_to_args", "set_default_device",
           "get_default_device", "Movable"]


class device:
    """``torch.device('cpu')``. Only the CPU exists here; other devices raise a clear error."""

    def __init__(self, type: str = "cpu", index: int | None = None) -> None:
        self.type = str(type).split(":")[0]
        self.index = index
        check_device(self)

    def __repr__(self) -> str:
        return f"device(type='{self.type}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (device, str)) and str(getattr(other, "type", other)) == self.type

    def __hash__(self) -> int:
        return hash(self.type)

    def __str__(self) -> str:
        return self.type


def check_device(dev: Any) -> None:
    """Accept None, 'cpu' or device('cpu'); anything else is not available in tinygrad_edu."""
    if dev is None:
        return
    name = str(getattr(dev, "type", dev)).split(":")[0]
    if name != "cpu":
        raise RuntimeError(
            f"tinygrad_edu runs on numpy, on the CPU only; device {name!r} is not available. "
            f"Use device='cpu' (or check cuda.is_available(), which is False)."
        )


class cuda:
    """``torch.cuda.is_available()`` is False here, so tutorial code picks the CPU. Seeding it
    (``manual_seed``, ``manual_seed_all``, ``seed``, ``seed_all``) does nothing, as in PyTorch
    without a GPU; ``empty_cache()`` and ``synchronize()`` have nothing to do either."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0

    @staticmethod
    def is_initialized() -> bool:
        return False

    @staticmethod
    def manual_seed(seed: int) -> None:
        int(seed)

    @staticmethod
    def manual_seed_all(seed: int) -> None:
        int(seed)

    @staticmethod
    def seed() -> None:
        pass

    @staticmethod
    def seed_all() -> None:
        pass

    @staticmethod
    def empty_cache() -> None:
        pass

    @staticmethod
    def current_device() -> int:
        raise RuntimeError("Found no NVIDIA driver on your system: tinygrad_edu runs on the CPU only "
                           "(cuda.is_available() is False)")


class accelerator:
    """``torch.accelerator``: no accelerator here (``is_available()`` False,
    ``current_accelerator()`` None, ``device_count()`` 0)."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def current_accelerator(check_available: bool = False) -> None:
        return None

    @staticmethod
    def device_count() -> int:
        return 0


def parse_to_args(args: tuple, dtype: Any, dev: Any) -> tuple[Any, Any]:
    """Sort ``.to(...)``'s positional arguments into (dtype, device), as PyTorch accepts
    ``x.to(float32)``, ``x.to("cpu")`` and ``x.to(device, dtype)``; check the device."""
    for a in args:
        if isinstance(a, (str, device)):
            dev = a
        else:
            dtype = a
    check_device(dev)
    return dtype, dev


def set_default_device(dev: Any) -> None:
    """PyTorch's ``set_default_device``: only ``'cpu'`` (or None) is accepted, as the CPU is the
    only device here; anything else raises the error :func:`check_device` gives."""
    check_device(dev)


def get_default_device() -> device:
    """Always ``device(type='cpu')``."""
    return device("cpu")


class Movable:
    """``cpu()``, ``float()``, ``double()`` for anything with ``to(...)``: values (a cast copy) and
    modules (cast in place). Written once, inherited by both."""

    __slots__ = ()

    def to(self, *args: Any, dtype: Any = None, device: Any = None) -> Any:  # pragma: no cover
        raise NotImplementedError

    def cpu(self) -> Any:
        return self

    def float(self) -> Any:
        return self.to(np.float32)

    def double(self) -> Any:
        return self.to(np.float64)


class _NoBackend:
    """A backend that is never available here (``torch.backends.mps`` and friends)."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


class _Cudnn(_NoBackend):
    """``torch.backends.cudnn``: its switches (``deterministic``, ``benchmark``, ``enabled``) may
    be set and read back; they change nothing here."""

    deterministic = False
    benchmark = False
    enabled = True
    allow_tf32 = True


class backends:
    """``torch.backends.mps.is_available()`` and ``torch.backends.cuda.is_built()`` are False, so
    tutorial code that picks a device picks the CPU."""

    mps = _NoBackend()
    cuda = _NoBackend()
    cudnn = _Cudnn()
