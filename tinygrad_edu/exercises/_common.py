"""Shared by the exercises: load a learner's file (or a reference solution, written out as one),
call its code safely, compare numbers, say what is wrong in words that point at the missing idea;
and the template pieces several exercises hand out."""

from __future__ import annotations

import ast
import importlib.util
import pathlib
import re
import sys
import tempfile
import traceback
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["CheckError", "T", "set_lang", "get_lang", "guard", "STEP_FILE", "load_file", "load_source",
           "fill", "call", "compare", "matches", "as_grads",
           "fmt", "pick_hint", "backward_of", "check_node", "check_grads",
           "SCALAR", "SCALAR_ADD_MUL"]


class CheckError(Exception):
    """The learner's answer is not right yet; the message says where, what and why."""


_LANG = ["en"]

STEP_FILE = re.compile(r"^ex\d\d_\w+$")  # the module name of a learner's step file

# libraries whose autograd would do the learner's work (and their hosts)
BANNED = ("tinygrad_edu", "torch", "micrograd", "tinygrad", "jax", "autograd", "mygrad", "dezero",
          "minitorch", "scipy", "sympy", "tensorflow")


def set_lang(lang: str) -> None:
    """The language of reports and hints: "en" or "zh"."""
    if lang not in ("en", "zh"):
        raise ValueError(f"unknown language {lang!r}: use 'en' or 'zh'")
    _LANG[0] = lang


def get_lang() -> str:
    return _LANG[0]


def T(en: str, zh: str) -> str:
    """The text in the current language."""
    return zh if _LANG[0] == "zh" else en


def guard(source: str, name: str, allow: tuple = (), forbid: dict | None = None) -> None:
    """Refuse a learner's file that imports a library that already does the step's work (tinygrad_edu,
    torch, micrograd, ...) instead of writing it: ``allow`` holds the (module, name) pairs that the step
    hands out (e.g. ("tinygrad_edu", "Function")); ``forbid`` maps a dotted name (``"np.gradient"``)
    to why it may not be used here. Reads the file's syntax tree, so nothing of it runs."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return  # the import reports it, with its line
    allowed_mods = {m for m, _ in allow}
    for node in ast.walk(tree):
        bad = None
        if isinstance(node, ast.Import):
            bad = next((a.name for a in node.names if a.name.split(".")[0] in BANNED), None)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in BANNED:
            names = [a.name for a in node.names]
            if node.module not in allowed_mods or any((node.module, n) not in allow for n in names):
                bad = f"{node.module} ({', '.join(names)})"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.split(".")[0] in BANNED and node.value.replace(".", "").isidentifier():
                bad = node.value
        elif isinstance(node, (ast.Attribute, ast.Name)) and forbid:
            dotted = ast.unparse(node)
            if dotted in forbid:
                raise CheckError(T(f"{name} line {node.lineno}: {dotted} may not be used in this step: "
                                   f"{forbid[dotted][0]}",
                                   f"{name} 第 {node.lineno} 行：这一步不能用 {dotted}：{forbid[dotted][1]}"))
        if bad:
            ok = ", ".join(f"from {m} import {n}" for m, n in allow)
            raise CheckError(T(
                f"{name} line {node.lineno} imports {bad}: this step asks you to WRITE the piece, not to "
                f"import it from a library that already has it." + (f" (Allowed here: {ok}.)" if ok else ""),
                f"{name} 第 {node.lineno} 行导入了 {bad}：这一步要你自己写出这部分，"
                f"而不是从已经实现了它的库里"
                f"导入。" + (f"（这里允许的是：{ok}。）" if ok else "")))


def _purge_steps() -> None:
    for mod in [m for m in sys.modules if STEP_FILE.match(m)]:
        del sys.modules[mod]


def load_file(path: pathlib.Path, allow: tuple = (), forbid: dict | None = None) -> Any:
    """Import the learner's file at ``path`` as a fresh module (never cached in sys.modules), with its
    folder on sys.path so that it can import the learner's earlier step files (``from ex03_value import
    Value``), which are imported fresh too. The file, and every step file it imports, goes through
    :func:`guard` first."""
    path = pathlib.Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CheckError(T(f"cannot read {path}: {err}", f"读不了 {path}：{err}")) from None
    guard(source, path.name, allow, forbid)
    spec = importlib.util.spec_from_file_location(f"_exercise_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise CheckError(T(f"cannot import {path}: is it a Python file?", f"无法导入 {path}：它是 Python "
                                                                          f"文件吗？"))
    module = importlib.util.module_from_spec(spec)
    folder = str(path.parent.resolve())
    _purge_steps()
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
        for mod in [m for m in sys.modules if STEP_FILE.match(m)]:  # the learner's earlier files
            dep = getattr(sys.modules[mod], "__file__", None)
            if dep:
                guard(pathlib.Path(dep).read_text(encoding="utf-8"), pathlib.Path(dep).name)
    except CheckError:
        raise
    except Exception as err:  # any error in the learner's file is reported, not raised
        where = traceback.extract_tb(err.__traceback__)[-1]
        line = getattr(err, "lineno", None) or where.lineno
        msg = "".join(traceback.format_exception_only(type(err), err)).strip()
        if isinstance(err, ModuleNotFoundError) and err.name and STEP_FILE.match(err.name):
            raise CheckError(T(
                f"your file {path.name} imports {err.name}, your file of an earlier step, which is not in "
                f"{path.parent}: this step builds on it. Do that step first (or copy the file here).",
                f"你的文件 {path.name} 导入了 {err.name}，也就是你前面某一步的文件，但它不在 "
                f"{path.parent} 里："
                f"这一步建立在它之上。请先完成那一步（或者把文件复制到这里）。")) from err
        raise CheckError(T(f"your file {path.name} could not be imported (line {line}):\n  {msg}",
                           f"你的文件 {path.name} 无法导入（第 {line} 行）：\n  {msg}")) from err
    finally:
        sys.path.remove(folder)
        _purge_steps()
    return module


def load_source(source: str, name: str, others: dict[str, str] | None = None, allow: tuple = (),
                forbid: dict | None = None) -> Any:
    """Write ``source`` to a file called ``name`` (and each of ``others``, file name -> source, beside
    it) in a fresh temporary folder and import it with :func:`load_file`, exactly as a learner's file
    is imported."""
    with tempfile.TemporaryDirectory(prefix="tinygrad_edu_exercise_") as folder:
        for other, text in (others or {}).items():
            (pathlib.Path(folder) / other).write_text(text, encoding="utf-8")
        path = pathlib.Path(folder) / name
        path.write_text(source, encoding="utf-8")
        return load_file(path, allow, forbid)


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
        raise CheckError(T(f"{what} is not written yet: replace the `raise NotImplementedError` "
                           f"under its TODO with your code.",
                           f"{what} 还没有写：把 TODO 下面的 `raise NotImplementedError` "
                           f"换成你的代码。")) from None
    except CheckError:
        raise
    except RecursionError as err:
        raise CheckError(T(f"{what} raised RecursionError: {err}\n  {on_error}",
                           f"{what} 抛出了 RecursionError：{err}\n  {on_error}").rstrip()) from None
    except Exception as err:  # reported with a hint instead of a traceback
        tip = f"\n  {on_error}" if on_error else ""
        raise CheckError(T(f"{what} raised {type(err).__name__}: {err}{tip}",
                           f"{what} 抛出了 {type(err).__name__}：{err}{tip}")) from None


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
        raise CheckError(T(f"{what}: expected shape {e.shape}, received shape {g.shape}{tip}",
                           f"{what}：形状应为 {e.shape}，得到的是 {g.shape}{tip}"))
    excess = np.abs(g - e) - (atol + rtol * np.abs(e))
    excess = np.where(np.isnan(excess), np.inf, excess)
    if (excess > 0).any():
        idx = np.unravel_index(int(np.argmax(excess)), e.shape) if e.shape else ()
        where = f", element {tuple(int(i) for i in idx)}" if e.shape else ""
        where_zh = f"，元素 {tuple(int(i) for i in idx)}" if e.shape else ""
        raise CheckError(T(f"{what}{where}: expected {fmt(e[idx])}, received {fmt(g[idx])}{tip}",
                           f"{what}{where_zh}：应为 {fmt(e[idx])}，得到的是 {fmt(g[idx])}{tip}"))


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
