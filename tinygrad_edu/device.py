"""``device`` and ``cuda``: tutorial code names a device; everything here runs on the CPU."""

from __future__ import annotations

from typing import Any

__all__ = ["device", "cuda", "check_device", "parse_to_args", "set_default_device", "get_default_device"]


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
    """``torch.cuda.is_available()`` is False here, so tutorial code picks the CPU."""

    @staticmethod
    def is_available() -> bool:
        return False

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
