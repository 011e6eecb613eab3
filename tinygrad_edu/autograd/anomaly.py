"""Anomaly mode: find the op whose backward first produced a nan."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from ..state import state

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class detect_anomaly:
    """Context manager and decorator: the first op whose backward returns a nan raises, naming the
    op and the line of your code that created it. As in PyTorch, forwards are not checked: an inf
    or nan there (``masked_fill(mask, float("-inf"))`` before a softmax) is fine.

    It makes every op slower (it checks every gradient and records where each node was made); use
    it to find the source of a nan, then switch it off.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(state.anomaly)
        state.anomaly = self.check_nan

    def __exit__(self, *exc: object) -> None:
        state.anomaly = self._prev.pop()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def set_detect_anomaly(mode: bool) -> None:
    state.anomaly = bool(mode)


def is_anomaly_enabled() -> bool:
    return state.anomaly
