"""Helpers for the differential suite: the same small program runs on PyTorch and on tinygrad_edu.

A program is a function of one argument, the library module ``T``; it is called once as
``program(torch)`` and once as ``program(tinygrad_edu)``, and what it returns (tensors, numbers,
dtypes, exceptions, and lists, tuples and dicts of them) is compared:

- tensors: same shape, same dtype, values equal to ``rtol=1e-10`` (NaN matches NaN);
- exceptions (caught with :func:`catch`): the same builtin exception class (our error must be an
  instance of the builtin class PyTorch raises, e.g. ``RuntimeError``, ``IndexError``);
- everything else: equal.

Inside programs, build tensors with :func:`f64` so both libraries compute in float64 (PyTorch's
default dtype is never changed).

Run the suite with ``python -m pytest conformance`` (it is not in the main run's testpaths).
Without PyTorch, every module skips (each one starts with ``pytest.importorskip("torch")``).
"""

from __future__ import annotations

import math
import types
from typing import Any, Callable

import numpy as np
import pytest

import tinygrad_edu as tg

try:
    import torch
except ImportError:  # the modules skip themselves; the helpers below are then never called
    torch = None

RTOL = 1e-10
ATOL = 1e-300  # values are compared relatively; exact zeros must stay (nearly) zero

Program = Callable[[types.ModuleType], Any]


def f64(T: types.ModuleType, data: Any, requires_grad: bool = False) -> Any:
    """A float64 tensor of ``data`` in library ``T``."""
    return T.tensor(data, dtype=T.float64, requires_grad=requires_grad)


def catch(fn: Callable[[], Any]) -> BaseException | None:
    """Run ``fn``; return the exception it raised, or None when it returned normally."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the point is to compare any failure
        return e
    return None


def run_both(program: Program) -> tuple[Any, Any]:
    """(ours, torch's) results of ``program``."""
    return program(tg), program(torch)


def _is_torch_tensor(x: Any) -> bool:
    return torch is not None and isinstance(x, torch.Tensor)


def _is_ours(x: Any) -> bool:
    return isinstance(x, tg.Value)


def _builtin_base(exc_type: type) -> type:
    """The first builtin class in the MRO of ``exc_type`` (torch's own errors subclass builtins)."""
    for klass in exc_type.__mro__:
        if klass.__module__ == "builtins":
            return klass
    return Exception


def _dtype_name(dt: Any) -> str:
    if torch is not None and isinstance(dt, torch.dtype):
        return str(dt).replace("torch.", "")
    return str(np.dtype(dt))


def assert_same_error(ours: BaseException | None, ref: BaseException | None, *words: str,
                      where: str = "") -> None:
    """Both raised; ours is an instance of the builtin class of torch's; every word is in both."""
    assert ref is not None, f"{where}: the test expects PyTorch to raise, but it did not"
    assert ours is not None, f"{where}: PyTorch raised {type(ref).__name__}: {ref}; ours did not raise"
    family = _builtin_base(type(ref))
    assert isinstance(ours, family), (
        f"{where}: PyTorch raised {family.__name__} ({ref}); ours raised {type(ours).__name__}: {ours}")
    for w in words:
        assert w.lower() in str(ref).lower(), f"{where}: test defect: {w!r} not in PyTorch's message {ref}"
        assert w.lower() in str(ours).lower(), (
            f"{where}: {w!r} missing from our message {ours!r} (PyTorch's: {ref})")


def assert_same(ours: Any, ref: Any, where: str = "result") -> None:
    """Recursive comparison of a program's results (see the module docstring)."""
    if isinstance(ref, BaseException) or isinstance(ours, BaseException):
        if ref is None or ours is None or not isinstance(ref, BaseException):
            raise AssertionError(f"{where}: ours {ours!r}, PyTorch {ref!r}")
        assert_same_error(ours, ref, where=where)
        return
    if _is_torch_tensor(ref):
        assert _is_ours(ours), f"{where}: PyTorch gives a tensor, ours gives {type(ours).__name__}: {ours!r}"
        assert tuple(ours.shape) == tuple(ref.shape), (
            f"{where}: shape {tuple(ours.shape)} != PyTorch's {tuple(ref.shape)}")
        assert _dtype_name(ours.dtype) == _dtype_name(ref.dtype), (
            f"{where}: dtype {_dtype_name(ours.dtype)} != PyTorch's {_dtype_name(ref.dtype)}")
        a = np.asarray(ours.detach().numpy())
        b = ref.detach().cpu().resolve_conj().resolve_neg().numpy()
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
        return
    if torch is not None and isinstance(ref, torch.dtype):
        assert _dtype_name(ours) == _dtype_name(ref), f"{where}: dtype {ours} != {ref}"
        return
    if isinstance(ref, dict):
        assert isinstance(ours, dict), f"{where}: ours is {type(ours).__name__}, not a dict"
        assert list(ours) == list(ref), f"{where}: keys {list(ours)} != PyTorch's {list(ref)}"
        for k in ref:
            assert_same(ours[k], ref[k], f"{where}[{k!r}]")
        return
    if isinstance(ref, (list, tuple)):
        assert isinstance(ours, (list, tuple)), f"{where}: ours is {type(ours).__name__}: {ours!r}"
        assert len(ours) == len(ref), f"{where}: length {len(ours)} != PyTorch's {len(ref)}"
        for i, (o, r) in enumerate(zip(ours, ref)):
            assert_same(o, r, f"{where}[{i}]")
        return
    if isinstance(ref, bool) or ref is None or isinstance(ref, str):
        assert ours == ref and type(ours) is type(ref), f"{where}: ours {ours!r}, PyTorch {ref!r}"
        return
    if isinstance(ref, float):
        assert isinstance(ours, (int, float)) and not isinstance(ours, bool), f"{where}: {ours!r}"
        same = math.isclose(ours, ref, rel_tol=RTOL, abs_tol=ATOL) or (math.isnan(ours) and math.isnan(ref))
        assert same, f"{where}: ours {ours!r}, PyTorch {ref!r}"
        return
    assert ours == ref, f"{where}: ours {ours!r}, PyTorch {ref!r}"


def check(program: Program) -> None:
    """Run ``program`` on both libraries and compare everything it returns."""
    ours, ref = run_both(program)
    assert_same(ours, ref)


def check_raises(program: Program, *words: str) -> None:
    """``program`` must raise on both libraries: same builtin class, every word in both messages."""
    assert_same_error(catch(lambda: program(tg)), catch(lambda: program(torch)), *words,
                      where=getattr(program, "__name__", "program"))


@pytest.fixture(params=[0, 1, 2], ids=lambda s: f"seed{s}")
def seed(request: pytest.FixtureRequest) -> int:
    return request.param
