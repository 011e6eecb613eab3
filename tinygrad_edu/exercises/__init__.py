"""Graded exercises that teach how autograd works: ``python -m tinygrad_edu.exercises``.

Exercises 1 to 13 are self-contained micro-engines on Python floats and numpy (the learner writes
the idea, not this library's internals); exercise 14 adds an op to tinygrad_edu itself and
verifies it with :func:`tinygrad_edu.testing.check_op`. Each exercise is one module holding its
``TEMPLATE`` (the file the learner starts from), its ``SOLUTION`` (the answers to the template's
TODOs: the reference solution is the template filled in, written to a file and graded like a
learner's), its ``check`` and its ``HINT``. ``import tinygrad_edu`` does not import this package.
"""

from __future__ import annotations

import pathlib
from types import ModuleType

from . import (
    ex01_numerical,
    ex02_chain_rule,
    ex03_mul_backward,
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
)
from ._common import CheckError, fill, load_file, load_source

__all__ = ["EXERCISES", "exercise", "filename", "reference_source", "load_reference", "run_check"]

EXERCISES: list[ModuleType] = [
    ex01_numerical, ex02_chain_rule, ex03_mul_backward, ex04_div_backward, ex05_pow_backward,
    ex06_exp_tanh, ex07_accumulate, ex08_topo_sort, ex09_backward_walk, ex10_unbroadcast,
    ex11_sum_mean, ex12_matmul, ex13_sgd_momentum, ex14_custom_op,
]


def exercise(n: int) -> ModuleType:
    """Exercise ``n`` (1-based)."""
    if not 1 <= n <= len(EXERCISES):
        raise ValueError(f"no exercise {n}: choose a number from 1 to {len(EXERCISES)}")
    return EXERCISES[n - 1]


def filename(n: int) -> str:
    """The file name the learner works in, e.g. ``ex03_mul_backward.py``."""
    return f"ex{n:02d}_{exercise(n).NAME}.py"


def reference_source(n: int) -> str:
    """The reference solution of exercise ``n``: its template with every TODO answered."""
    ex = exercise(n)
    return fill(ex.TEMPLATE, ex.SOLUTION)


def load_reference(n: int) -> ModuleType:
    """The reference solution of exercise ``n``, written to a temporary file and imported exactly as
    ``check`` imports a learner's file."""
    return load_source(reference_source(n), filename(n))


def run_check(n: int, directory: str | pathlib.Path = ".", reference: bool = False) -> tuple[bool, str]:
    """Grade exercise ``n``: the learner's file in ``directory``, or the bundled reference solution.
    Returns (passed, the report to print)."""
    ex = exercise(n)
    head = f"Exercise {n}: {ex.TITLE}"
    try:
        if reference:
            solution = load_reference(n)
        else:
            path = pathlib.Path(directory)
            if path.is_dir() or path.suffix != ".py":  # a folder (maybe not made yet) or the file
                path = path / filename(n)
            if not path.is_file():
                raise CheckError(f"there is no file {path}: create it with\n"
                                   f"  python -m tinygrad_edu.exercises start {n} {path.parent}")
            solution = load_file(path)
        ex.check(solution)
    except CheckError as failure:
        return False, (f"{head}: not yet.\n{failure}\n"
                       f"(stuck? python -m tinygrad_edu.exercises hint {n})")
    if n < len(EXERCISES):
        nxt = f"Next: python -m tinygrad_edu.exercises start {n + 1}"
    else:
        nxt = "That was the last one: you have built an autograd engine, piece by piece."
    return True, f"{head}: correct, well done!\nThe idea: {ex.IDEA}.\n{nxt}"
