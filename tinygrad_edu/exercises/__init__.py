"""Build your own autograd: a graded path, ``python -m tinygrad_edu.exercises``.

Step by step the learner's own files become a small working engine: a numerical derivative, a
``Value`` with + and *, the chain rule by hand, the backward walk (recursive, then iterative), more
ops, broadcasting and its undoing, sum/mean, matmul, a ``Module``, ``Linear``, an MLP, SGD and
momentum, and at the end the training runs of seed 001's model and of micrograd's moons demo on the
learner's engine, checked against tinygrad_edu's numbers. A few steps are self-contained (the
formulas on a tiny ``Scalar``, numpy functions) and one adds an op to tinygrad_edu itself.

Each step (a module ``exNN_*.py`` or a :class:`~._step.Step`) holds its texts in English and Chinese,
its ``TEMPLATE`` (the file the learner starts from; an engine step imports the learner's file of an
earlier step, written ``[[name]]`` in the template), its ``SOLUTION`` (the answers to the TODOs: the
reference solution is the template filled in, written to a file beside the references of the steps
it builds on and graded like a learner's), its ``check`` and its ``HINTS`` (from the idea to the
answer). ``import tinygrad_edu`` does not import this package.
"""

from __future__ import annotations

import pathlib
import re
import traceback
import warnings
from types import ModuleType
from typing import Any

import numpy as np

from . import (
    ex01_numerical,
    ex02_chain_rule,
    ex04_div_backward,
    ex05_pow_backward,
    ex06_exp_tanh,
    ex07_accumulate,
    ex08_topo_sort,
    ex09_backward_walk,
    ex10_unbroadcast,
    ex11_sum_mean,
    ex12_matmul,
    ex13_sgd_momentum,
    ex14_custom_op,
    steps_arrays,
    steps_forward,
    steps_nn,
    steps_ops,
    steps_train,
    steps_value,
)
from ._common import CheckError, T, fill, get_lang, load_file, load_source, set_lang
from ._zh_reports import translate
from ._zh_templates import translate_template

__all__ = ["EXERCISES", "exercise", "filename", "template", "reference_source", "load_reference",
           "run_check", "hints", "number_of", "numbered", "set_lang", "get_lang"]

EXERCISES: list[Any] = [
    ex01_numerical, ex02_chain_rule,
    steps_value.VALUE, steps_value.ADD_MUL_BACKWARD, steps_value.CHAIN_BY_HAND, steps_value.TOPO_ORDER,
    steps_value.BACKWARD, ex07_accumulate, ex08_topo_sort, ex09_backward_walk,
    ex04_div_backward, ex05_pow_backward, ex06_exp_tanh,
    steps_ops.POW, steps_ops.ARITH, steps_ops.EXP_LOG, steps_ops.TANH_RELU,
    ex10_unbroadcast, steps_arrays.BROADCAST, ex11_sum_mean, steps_arrays.SUM_MEAN,
    ex12_matmul, steps_arrays.MATMUL,
    steps_nn.MODULE, steps_nn.MLP, steps_nn.SGD, ex13_sgd_momentum, steps_nn.MOMENTUM,
    ex14_custom_op,
    steps_train.SEED001, steps_train.MOONS,
    steps_forward.DUAL, steps_forward.JVP_RULE,
]


def exercise(n: int) -> Any:
    """Step ``n`` (1-based)."""
    if not 1 <= n <= len(EXERCISES):
        raise ValueError(f"no exercise {n}: choose a number from 1 to {len(EXERCISES)}")
    return EXERCISES[n - 1]


def number_of(name: str) -> int:
    """The number of the step called ``name``."""
    for i, ex in enumerate(EXERCISES, start=1):
        if ex.NAME == name:
            return i
    raise KeyError(name)


def filename(n: int) -> str:
    """The file name the learner works in, e.g. ``ex03_value.py``."""
    return f"ex{n:02d}_{exercise(n).NAME}.py"


def _module(match: re.Match) -> str:
    return filename(number_of(match.group(1)))[:-3]


def numbered(text: str) -> str:
    """``text`` with each ``[[#name]]`` replaced by the number of the step called name."""
    return re.sub(r"\[\[#(\w+)\]\]", lambda m: str(number_of(m.group(1))), text)


def template(n: int, lang: str = "en") -> str:
    """Step ``n``'s template: its step numbers and the module names of the learner's earlier files
    filled in; with ``lang="zh"`` its docstring is the Chinese text, and so are the docstrings and
    comments of its code (the code itself is the same)."""
    ex = exercise(n)
    text = re.sub(r"\[\[(\w+)\]\]", _module, numbered(ex.TEMPLATE))
    text = re.sub(r"exercises check \d+", f"exercises check {n}", text)
    text = re.sub(r'^"""Exercise \d+:', f'"""Exercise {n}:', text)
    if lang == "zh" and text.startswith('"""'):
        end = text.index('"""', 3) + 3
        text = (f'"""练习 {n}：{ex.TITLE_ZH}\n\n{numbered(ex.TEXT_ZH)}\n\n'
                f'检查：python -m tinygrad_edu.exercises check {n} --lang zh\n"""'
                + translate_template(text[end:]))
    return text


def needs(n: int) -> list[int]:
    """The steps whose files step n imports, directly or through them, in order."""
    out: list[int] = []
    for name in getattr(exercise(n), "NEEDS", ()):
        k = number_of(name)
        for m in needs(k) + [k]:
            if m not in out:
                out.append(m)
    return sorted(out)


def reference_source(n: int) -> str:
    """The reference solution of step ``n``: its template with every TODO answered."""
    return fill(template(n), exercise(n).SOLUTION)


def load_reference(n: int) -> ModuleType:
    """The reference solution of step ``n``, written to a temporary folder beside the references of
    the steps it builds on, and imported exactly as ``check`` imports a learner's file."""
    ex = exercise(n)
    others = {filename(k): reference_source(k) for k in needs(n)}
    return load_source(reference_source(n), filename(n), others, getattr(ex, "ALLOW", ()),
                       getattr(ex, "FORBID", None))


def hints(n: int, lang: str = "en") -> list[str]:
    """Step ``n``'s hints, from the idea (no answer code) to the last one (which may show it)."""
    return [numbered(zh if lang == "zh" else en) for en, zh in exercise(n).HINTS]


def title(n: int, lang: str = "en") -> str:
    ex = exercise(n)
    return ex.TITLE_ZH if lang == "zh" else ex.TITLE


def run_check(n: int, directory: str | pathlib.Path = ".", reference: bool = False,
              lang: str | None = None) -> tuple[bool, str]:
    """Grade step ``n``: the learner's file in ``directory``, or the bundled reference solution.
    Returns (passed, the report to print), in ``lang`` (default: the current language)."""
    old = get_lang()
    set_lang(lang or old)
    try:
        return _run_check(n, directory, reference)
    finally:
        set_lang(old)


def _where(err: BaseException) -> str:
    """A report for an exception raised by the learner's code: the file and line of theirs it came from."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if re.match(r"ex\d\d_\w+\.py$", pathlib.Path(f.filename).name)
              and "tinygrad_edu" not in pathlib.Path(f.filename).parts]
    at = frames[-1] if frames else None
    place = f"{pathlib.Path(at.filename).name} line {at.lineno}" if at else "your code"
    place_zh = f"{pathlib.Path(at.filename).name} 第 {at.lineno} 行" if at else "你的代码"
    if isinstance(err, NotImplementedError):
        return T(f"{place} is not written yet ({err}): replace its `raise NotImplementedError` with your "
                 f"code.",
                 f"{place_zh} 还没有写（{err}）：把那里的 `raise NotImplementedError` 换成你的代码。")
    return T(f"{place} raised {type(err).__name__}: {err}", f"{place_zh} 抛出了 {type(err).__name__}：{err}")


def _run_check(n: int, directory: str | pathlib.Path, reference: bool) -> tuple[bool, str]:
    ex = exercise(n)
    zh = get_lang() == "zh"
    head = f"练习 {n}：{ex.TITLE_ZH}" if zh else f"Exercise {n}: {ex.TITLE}"
    flag = " --lang zh" if zh else ""
    try:
        if reference:
            solution = load_reference(n)
        else:
            path = pathlib.Path(directory)
            if path.is_dir() or path.suffix != ".py":  # a folder (maybe not made yet) or the file
                path = path / filename(n)
            if not path.is_file():
                raise CheckError(T(f"there is no file {path}: create it with\n"
                                   f"  python -m tinygrad_edu.exercises start {n} {path.parent}",
                                   f"没有文件 {path}：先用下面的命令生成它\n"
                                   f"  python -m tinygrad_edu.exercises start {n} {path.parent}{flag}"))
            solution = load_file(path, getattr(ex, "ALLOW", ()), getattr(ex, "FORBID", None))
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)  # a diverging run of the learner's
                ex.check(solution)
        except CheckError:
            raise
        except Exception as err:  # the learner's code failed outside a guarded call: say where
            raise CheckError(_where(err)) from None
    except CheckError as err:
        failure = translate(str(err)) if zh else str(err)
        built = [number_of(name) for name in getattr(ex, "NEEDS", ())]
        on = ""
        if built and not reference:
            files = ", ".join(filename(k) for k in built)
            if len(built) == 1:
                on = T(f"\n(this step builds on your file {files}: if it does not pass its own check, fix it "
                       f"first)",
                       f"\n（这一步建立在你的文件 {files} 之上：如果它还没通过自己的检查，先改好它）")
            else:
                on = T(f"\n(this step builds on your files {files}: if one of them does not pass its own "
                       f"check, fix it first)",
                       f"\n（这一步建立在你的文件 {files} 之上："
                       f"如果其中有文件还没通过它自己的检查，先改好它）")
        return False, T(f"{head}: not yet.\n{failure}{on}\n(stuck? python -m tinygrad_edu.exercises hint "
                        f"{n})",
                        f"{head}：还不对。\n{failure}{on}\n（卡住了？python -m tinygrad_edu.exercises "
                        f"hint {n}"
                        f" --lang zh）")
    if n < len(EXERCISES):
        nxt = T(f"Next: python -m tinygrad_edu.exercises start {n + 1}",
                f"下一步：python -m tinygrad_edu.exercises start {n + 1} --lang zh")
    else:
        nxt = T("That was the last one: you have built an autograd engine, piece by piece, trained "
                "two models with it, and pushed tangents forward as well.",
                "这是最后一步：你一块一块地搭出了一个自动微分引擎，用它训练了两个模型，"
                "还把切向量向前推了。")
    idea = f"思路：{ex.IDEA_ZH}。" if zh else f"The idea: {ex.IDEA}."
    return True, T(f"{head}: correct, well done!\n{idea}\n{nxt}", f"{head}：正确，做得好！\n{idea}\n{nxt}")
