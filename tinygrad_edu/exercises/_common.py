"""Shared by the exercises: load a learner's file (or a reference solution, written out as one),
call its code safely, compare numbers, say what is wrong in words that point at the missing idea;
and the template pieces several exercises hand out."""

from __future__ import annotations

import importlib.util
import pathlib
import tempfile
import traceback
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["CheckError", "load_file", "load_source", "fill", "call", "compare", "matches", "as_grads",
           "fmt", "pick_hint", "backward_of", "check_node", "check_grads",
           "SCALAR", "SCALAR_ADD_MUL"]


class CheckError(Exception):
    """The learner's answer is not right yet; the message says where, what and why."""


def load_file(path: pathlib.Path) -> Any:
    """Import the learner's file at ``path`` as a fresh module (never cached in sys.modules)."""
    spec = importlib.util.spec_from_file_location(f"_exercise_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise CheckError(f"cannot import {path}: is it a Python file?")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # any error in the learner's file is reported, not raised
        where = traceback.extract_tb(err.__traceback__)[-1]
        line = getattr(err, "lineno", None) or where.lineno
        msg = "".join(traceback.format_exception_only(type(err), err)).strip()
        raise CheckError(f"your file {path.name} could not be imported (line {line}):\n  {msg}") from err
    return module


def load_source(source: str, name: str) -> Any:
    """Write ``source`` to a file called ``name`` in a fresh temporary folder and import it with
    :func:`load_file`, exactly as a learner's file is imported."""
    with tempfile.TemporaryDirectory(prefix="tinygrad_edu_exercise_") as folder:
        path = pathlib.Path(folder) / name
        path.write_text(source, encoding="utf-8")
        return load_file(path)


def fill(template: str, answers: dict[str, str]) -> str:
    """``template`` with its TODOs answered: the line holding each key of ``answers`` (and the
    ``# TODO`` comment lines just above it) is replaced by the key's value, indented like it."""
    lines = template.splitlines(keepends=True)
    for old, new in answers.items():
        found = [i for i, line in enumerate(lines) if old in line]
        if len(found) != 1:
            raise ValueError(f"{old!r} must stand on exactly one line of the template, not {len(found)}")
        at = found[0]
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        start = at
        while start > 0 and lines[start - 1].strip().startswith("# TODO"):
            start -= 1
        lines[start: at + 1] = [f"{indent}{line}\n" if line else "\n" for line in new.splitlines()]
    return "".join(lines)


# The tiny Scalar of exercises 3 to 6, up to its ops (each exercise appends its own op).
SCALAR = '''\
class Scalar:
    def __init__(self, data, parents=()):
        self.data = data          # the number
        self.parents = parents    # the Scalars this one was computed from
        self.backward_fn = None   # grad -> tuple of gradients, one per parent

    def __repr__(self):
        return f"Scalar({self.data})"
'''

# The two ops of the complete little engines of exercises 7 and 9.
SCALAR_ADD_MUL = '''\
    def __add__(self, other):
        out = Scalar(self.data + other.data, (self, other))
        out.backward_fn = lambda grad: (grad, grad)
        return out

    def __mul__(self, other):
        out = Scalar(self.data * other.data, (self, other))
        out.backward_fn = lambda grad: (grad * other.data, grad * self.data)
        return out
'''


def fmt(x: Any) -> str:
    """A number or array, short and exact enough to compare by eye."""
    if isinstance(x, (float, int, np.floating, np.integer)):
        return repr(float(f"{float(x):.12g}"))
    with np.printoptions(precision=6, suppress=True):
        return np.array2string(np.asarray(x), separator=", ")


def call(what: str, fn: Callable[..., Any], *args: Any, on_error: str = "", **kwargs: Any) -> Any:
    """Run one piece of the learner's code; turn an exception into a CheckError that says which
    piece failed (and, for NotImplementedError, that its TODO is still open)."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise CheckError(f"{what} is not written yet: replace the `raise NotImplementedError` "
                           f"under its TODO with your code.") from None
    except CheckError:
        raise
    except RecursionError as err:
        raise CheckError(f"{what} raised RecursionError: {err}\n  {on_error}".rstrip()) from None
    except Exception as err:  # reported with a hint instead of a traceback
        tip = f"\n  {on_error}" if on_error else ""
        raise CheckError(f"{what} raised {type(err).__name__}: {err}{tip}") from None


def _array(x: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckError(f"{what}: expected a number or numpy array, received {x!r} "
                           f"({type(x).__name__})") from None


def matches(got: Any, expected: Any, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """True when got equals expected (same shape, close values). Never raises."""
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == e.shape and bool(np.all(np.abs(g - e) <= atol + rtol * np.abs(e)))


def compare(what: str, got: Any, expected: Any, hint: str = "", rtol: float = 1e-9,
            atol: float = 1e-12) -> None:
    """Raise CheckError naming the worst element, the expected and the received value, and the
    hint, unless ``got`` has ``expected``'s shape and every element is within
    ``atol + rtol * |expected|`` of it."""
    g = _array(got, what)
    e = _array(expected, what)
    tip = f"\n  {hint}" if hint else ""
    if g.shape != e.shape:
        raise CheckError(f"{what}: expected shape {e.shape}, received shape {g.shape}{tip}")
    excess = np.abs(g - e) - (atol + rtol * np.abs(e))
    excess = np.where(np.isnan(excess), np.inf, excess)
    if (excess > 0).any():
        idx = np.unravel_index(int(np.argmax(excess)), e.shape) if e.shape else ()
        where = f", element {tuple(int(i) for i in idx)}" if e.shape else ""
        raise CheckError(f"{what}{where}: expected {fmt(e[idx])}, received {fmt(g[idx])}{tip}")


def as_grads(result: Any, n: int, what: str) -> tuple:
    """The learner's backward result as a tuple of n gradients, or a CheckError saying so."""
    if not isinstance(result, (tuple, list)) or len(result) != n:
        shape = "a tuple of one gradient" if n == 1 else f"a tuple of {n} gradients"
        raise CheckError(f"{what} must return {shape}, one per parent (e.g. "
                           f"`return ({', '.join(f'g{i}' for i in range(n))}{',' if n == 1 else ''})`)"
                           f", received {result!r}")
    return tuple(result)


def pick_hint(got: Sequence[Any] | Any, wrong: Sequence[tuple[Any, str]], default: str) -> str:
    """The hint of the first typical wrong answer that ``got`` equals, else ``default``."""
    for value, hint in wrong:
        if matches(got, value):
            return hint
    return default


def backward_of(what: str, out: Any, grad: float, n: int) -> tuple:
    """Call a Scalar's ``backward_fn(grad)`` and return its n gradients as floats."""
    fn = getattr(out, "backward_fn", None)
    if fn is None:
        raise CheckError(f"{what}: the result has no backward_fn: set `out.backward_fn = ...` "
                           f"before returning out.")
    grads = as_grads(call(f"the backward_fn of {what}", fn, grad), n, f"the backward_fn of {what}")
    for i, g in enumerate(grads):
        _array(g, f"gradient {i} from the backward_fn of {what}")
    return grads


def check_node(what: str, out: Any, data: float, parents: tuple) -> None:
    """The forward of a Scalar op: its value and its parents, in order."""
    compare(f"the value of {what}", getattr(out, "data", None), data,
            "the forward part was given: keep `out = Scalar(<value>, <parents>)` as it was.")
    got = tuple(getattr(out, "parents", ()))
    if len(got) != len(parents) or any(p is not q for p, q in zip(got, parents)):
        raise CheckError(f"{what}: out.parents must be the operands {parents!r} in order, "
                           f"received {got!r}")


def check_grads(what: str, out: Any, grad: float, expected: Sequence[float],
                wrong: Sequence[tuple[Any, str]], default: str, names: Sequence[str] = ("a", "b")) -> None:
    """Call out.backward_fn(grad); compare each gradient, with the hint of the typical wrong answer
    the result equals (if any)."""
    got = backward_of(what, out, grad, len(expected))
    hint = pick_hint(got, wrong, default)
    for i, (g, e) in enumerate(zip(got, expected)):
        compare(f"{what} with upstream grad {fmt(grad)}: the gradient for {names[i]} (parent {i})",
                g, e, hint)
