"""Threads: numpy's BLAS runs on one thread, unless you set its thread count yourself.

**What happens at ``import tinygrad_edu``.** If none of the environment variables in
:data:`ENV_VARS` is set, tinygrad_edu limits the BLAS libraries that numpy has loaded (OpenBLAS,
MKL or BLIS) to one thread, through threadpoolctl. This changes the thread count of *every* BLAS
call in the process, your own numpy code included, which is why it is said here, in the README
and in docs/performance.md ("Threads").

**Why.** Our matrices are small. A BLAS that starts one thread per core for them spends more
time waking and waiting for its threads than computing, and on a machine where another program
keeps a core busy it waits far longer: on a 2-core machine with one core busy, seed 003's example
took 92 s instead of 7 s (medians). PyTorch avoids this by running small ops on one thread.

**How to change it.** ``set_num_threads(n)`` and ``get_num_threads()`` are PyTorch's functions,
acting on numpy's BLAS; :func:`restore` gives numpy back the thread counts it had before
tinygrad_edu changed them. A user who sets ``OMP_NUM_THREADS`` (or another variable of
:data:`ENV_VARS`) keeps full control: then nothing is changed at import.
"""

from __future__ import annotations

import os

import numpy as np  # imported first: it loads the BLAS that threadpoolctl looks for
from threadpoolctl import ThreadpoolController

__all__ = ["set_num_threads", "get_num_threads", "restore", "ENV_VARS"]

ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS",
            "MKL_DOMAIN_NUM_THREADS", "BLIS_NUM_THREADS")
"""The variables that OpenBLAS, MKL and BLIS (the BLAS libraries threadpoolctl controls) read for
their thread count. If any is set (to anything but ""), tinygrad_edu leaves the thread counts
alone at import."""

_original: dict[str, int] = {}  # library path -> its thread count before we first changed it


def _blas() -> list:
    """Controllers of the BLAS libraries loaded now (looked up afresh each time: 1 to 2 ms)."""
    return ThreadpoolController().select(user_api="blas").lib_controllers


def _limit(num_threads: int) -> None:
    for lib in _blas():
        _original.setdefault(lib.filepath, lib.num_threads)
        lib.set_num_threads(num_threads)


def set_num_threads(num_threads: int) -> None:
    """Set the number of threads numpy's BLAS uses (matrix products), like ``torch.set_num_threads``.

    At import tinygrad_edu sets 1 (see the module docstring); ``set_num_threads(os.cpu_count())``
    suits large matrices. It acts on every BLAS library loaded at the time of the call.
    """
    if isinstance(num_threads, bool) or not isinstance(num_threads, (int, np.integer)):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(num_threads).__name__}")
    if num_threads <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _limit(int(num_threads))


def get_num_threads() -> int:
    """The number of threads numpy's BLAS uses, like ``torch.get_num_threads``: the largest count
    among the BLAS libraries loaded, or 1 when threadpoolctl finds none (numpy then computes its
    matrix products itself, on one thread)."""
    return max((lib.num_threads for lib in _blas()), default=1)


def restore() -> None:
    """Give every BLAS library the thread count it had before tinygrad_edu first changed it (at
    import, or through :func:`set_num_threads`). Calling it again does nothing more."""
    for lib in _blas():
        if lib.filepath in _original:
            lib.set_num_threads(_original.pop(lib.filepath))


def _limit_at_import() -> None:
    """One thread for numpy's BLAS, unless the user has chosen a thread count in the environment."""
    if not any(os.environ.get(name) for name in ENV_VARS):
        _limit(1)


_limit_at_import()
