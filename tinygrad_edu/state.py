"""Floor 1: the contract between a value and the engine, and the one state object.

:class:`GraphValue` names every attribute and method that function.py, engine.py and the ops may
use on a value; :class:`tinygrad_edu.Value` implements it, and nothing below value.py touches
anything else. :data:`state` holds what autograd keeps between calls: grad mode (per thread, as in
PyTorch), anomaly mode, the node counter and the in-place epoch. The grad-mode switches
(``no_grad``, ``enable_grad``, ``set_grad_enabled``) live here too, since they only flip ``state``.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import threading
from typing import Any, Callable, TypeVar

__all__ = ["GraphValue", "state", "grad_mode", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "is_inference_mode_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class GraphValue:
    """The contract: what the engine, function.py and the ops may use on a value.

    A version counter is a two-item list ``[version, epoch]`` shared by a value and its views and
    detached copies: ``version`` counts in-place changes, ``epoch`` is :data:`state`'s epoch at
    the last one. A node compares it with the epoch at its own creation to know whether data it
    saved has changed since.
    """

    __slots__ = ()
    _data: Any
    """The numbers: a numpy array, or a numpy scalar (or 0-d array) for a 0-d value."""
    _rg: bool
    """requires_grad."""
    grad_fn: Any
    """The :class:`~tinygrad_edu.function.Function` node that made this value; None for a leaf."""
    _grad: Any
    """The gradient stored by ``backward()``: None, numpy data of the same shape and dtype (wrapped
    into a value, once, when ``.grad`` is read), or such a value."""
    _retains_grad: bool
    """True after ``retain_grad()``: a non-leaf that keeps its gradient in ``_grad``."""
    _detached: Any
    """None, or after ``detach_()`` on a non-leaf the node it had, so that graphs built before
    still reach it (as in PyTorch)."""
    _history: list
    """Set on a value changed in place inside a graph: the nodes it has had, oldest first (the
    nodes made before a change find the one they used through ``function.input_node``)."""
    _hooks: dict | None
    """None, or the hooks of ``register_hook`` by handle id (hooks.py); the walk runs them."""
    _vc: list | None
    """The version counter ``[version, epoch]``, or None while the data was never changed in
    place (it is made on first use, so that most values never pay for it)."""

    def _from_op(self, data: Any, node: Any) -> GraphValue:
        """Build a new value holding ``data``, made by ``node`` (None: no graph)."""
        raise NotImplementedError


class _GradMode(threading.local):
    enabled = True  # each thread starts with grad mode on, as in PyTorch
    inference = False  # inside inference_mode()


class State:
    """The one place where autograd keeps state between calls."""

    __slots__ = ("grad", "anomaly", "nodes", "epoch")

    def __init__(self) -> None:
        self.grad = _GradMode()  # grad.enabled: do ops record a graph? (per thread)
        self.anomaly = False  # detect_anomaly: check every forward and backward for nan/inf
        self.nodes = itertools.count(1)  # creation numbers of nodes (next() is thread-safe)
        self.epoch = 0  # bumped by every in-place change of a value's data


state = State()
grad_mode = _mode = state.grad  # this thread's grad mode, under one name: hot paths read it


def is_grad_enabled() -> bool:
    """True when ops record a graph (the default) in this thread."""
    return _mode.enabled


class _GradSwitch:
    """``with switch:`` sets grad mode and restores it on exit; ``@switch`` does the same around
    each call of a function (and around each step of a generator)."""

    __slots__ = ("prev",)
    mode = True

    def __enter__(self) -> None:
        self.prev = _mode.enabled
        _mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                gen = fn(*args, **kwargs)
                try:
                    with _Switch(mode):
                        item = next(gen)
                    while True:
                        try:
                            sent = yield item
                        except GeneratorExit:
                            gen.close()
                            raise
                        except BaseException as exc:  # thrown in: pass it on under the mode
                            with _Switch(mode):
                                item = gen.throw(exc)
                            continue
                        with _Switch(mode):
                            item = gen.send(sent)
                except StopIteration as stop:
                    return stop.value

            return gen_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _Switch(mode):  # a fresh switch per call, so recursion and threads are safe
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]



class _Switch(_GradSwitch):
    __slots__ = ("mode",)

    def __init__(self, mode: bool) -> None:
        self.mode = mode


class no_grad(_GradSwitch):
    """``with no_grad():``, ``@no_grad()`` or ``@no_grad``: ops inside record nothing.

    Use it for parameter updates such as ``w -= lr * w.grad``.
    """

    __slots__ = ()
    mode = False

    def __new__(cls, fn: Any = None) -> Any:
        self = object.__new__(cls)
        return self if fn is None else self(fn)  # @no_grad without parentheses


class enable_grad(no_grad):
    """``with enable_grad():`` or ``@enable_grad()``: record a graph even inside ``no_grad``."""

    __slots__ = ()
    mode = True


class set_grad_enabled(_GradSwitch):
    """``set_grad_enabled(False)`` switches grad mode at once (as a plain call, as in PyTorch);
    used with ``with`` or as a decorator it restores the previous mode afterwards."""

    __slots__ = ("mode",)

    def __init__(self, mode: bool) -> None:
        self.prev = _mode.enabled
        self.mode = bool(mode)
        _mode.enabled = self.mode

    def __enter__(self) -> None:
        pass  # already switched by the constructor

    def __call__(self, fn: F) -> F:
        _mode.enabled = self.prev  # as a decorator: switch only while fn runs
        return super().__call__(fn)


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` in this thread."""
    return _mode.inference


class inference_mode(_GradSwitch):
    """``with inference_mode():``, ``@inference_mode()`` or ``@inference_mode``: no_grad here
    (values made inside are ordinary values); ``inference_mode(False)`` (or ``mode=False``) turns
    grad mode back on for its block, as in PyTorch."""

    __slots__ = ("infer", "prev_infer")

    def __new__(cls, mode: Any = True) -> Any:
        return object.__new__(cls) if isinstance(mode, bool) else cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        self.infer = self.prev_infer = bool(mode)

    def __enter__(self) -> None:
        self.prev, self.prev_infer = _mode.enabled, _mode.inference
        _mode.enabled, _mode.inference = not self.infer, self.infer

    def __exit__(self, *exc: object) -> None:
        _mode.enabled, _mode.inference = self.prev, self.prev_infer

    def __call__(self, fn: F) -> F:
        infer = self.infer

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(infer):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
