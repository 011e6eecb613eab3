"""Threads: ``import tinygrad_edu`` puts numpy's BLAS on one thread unless the user set a thread
variable; ``set_num_threads``/``get_num_threads``/``threads.restore`` (docs/performance.md, "Threads").

The import behaviour is checked in fresh interpreters. Each one first sets numpy's BLAS to 3
threads with threadpoolctl (a count no BLAS picks by itself on a 2-core machine), then imports
tinygrad_edu and reports what threadpoolctl sees, so the checks mean the same on any machine.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import tinygrad_edu as tg
from tinygrad_edu import threads

ROOT = pathlib.Path(__file__).resolve().parents[1]

PROGRAM = """
import numpy
from threadpoolctl import threadpool_info, threadpool_limits

def blas():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

threadpool_limits(3, user_api="blas")
before = blas()
import tinygrad_edu
print(before, blas(), end=" ")
tinygrad_edu.set_num_threads(2)
print(blas(), end=" ")
tinygrad_edu.threads.restore()
print(blas(), end=" ")
tinygrad_edu.threads.restore()
print(blas())
"""

HAS_BLAS = any(lib["user_api"] == "blas" for lib in threadpool_info())
needs_blas = pytest.mark.skipif(not HAS_BLAS, reason="threadpoolctl finds no BLAS under this numpy")


def run_fresh(**env: str) -> list[list[int]]:
    """Run PROGRAM in a fresh interpreter with no thread variable set but ``env``; the BLAS thread
    counts it saw: before import, after import, after set_num_threads(2), after restore() twice."""
    clean = {k: v for k, v in os.environ.items() if k not in threads.ENV_VARS}
    clean["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    out = subprocess.run([sys.executable, "-c", PROGRAM], env={**clean, **env}, capture_output=True,
                         text=True, check=True).stdout
    return [[int(n) for n in part.strip("[]").split(",")] for part in out.split()]


@needs_blas
def test_import_limits_blas_to_one_thread_and_restore_gives_it_back():
    before, after_import, after_set, restored, restored_again = run_fresh()
    assert before == [3]
    assert after_import == [1], "import tinygrad_edu should put numpy's BLAS on one thread"
    assert after_set == [2]
    assert restored == restored_again == [3], "restore() should give numpy back its own setting"


@needs_blas
def test_an_empty_variable_counts_as_unset():
    assert run_fresh(OMP_NUM_THREADS="")[1] == [1]


@needs_blas
@pytest.mark.parametrize("name", ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS",
                                  "MKL_NUM_THREADS", "MKL_DOMAIN_NUM_THREADS", "BLIS_NUM_THREADS"])
def test_a_thread_variable_set_by_the_user_is_respected(name):
    before, after_import, after_set, restored, _ = run_fresh(**{name: "2"})
    assert after_import == before == [3], f"with {name} set, import must not change the BLAS threads"
    assert after_set == [2] and restored == [3]


@needs_blas
def test_set_and_get_num_threads_round_trip():
    start = tg.get_num_threads()
    try:
        for n in (2, 1, np.int64(3)):
            tg.set_num_threads(n)
            assert tg.get_num_threads() == n
            assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"][0] == n
    finally:
        tg.set_num_threads(start)


@pytest.mark.parametrize("bad", [0, -1])
def test_set_num_threads_refuses_non_positive_counts(bad):
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        tg.set_num_threads(bad)


@pytest.mark.parametrize("bad, kind", [(1.5, "float"), ("2", "str"), (True, "bool"), (None, "NoneType")])
def test_set_num_threads_refuses_non_integers(bad, kind):
    with pytest.raises(RuntimeError, match=f"set_num_threads expects an int, but got {kind}"):
        tg.set_num_threads(bad)


class NoBlas:
    """A threadpoolctl controller that finds no library, as under a numpy without a known BLAS."""

    lib_controllers: list = []

    def select(self, **kwargs: str) -> NoBlas:
        return self


def test_without_a_blas_everything_still_works(monkeypatch):
    monkeypatch.setattr(threads, "ThreadpoolController", NoBlas)
    threads._limit_at_import()
    tg.set_num_threads(4)
    assert tg.get_num_threads() == 1  # numpy's own loops run on one thread
    threads.restore()
