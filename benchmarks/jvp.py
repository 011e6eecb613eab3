"""A jvp of an elementwise function on 200,000 numbers against one forward pass (issue 27).

Forward mode runs each op once and then its JVP rule (one to three array operations: ``t * cos(x)``
for sin, ``ta * b + a * tb`` for a product), so a JVP costs a few forward passes, never one per
number. Measured here: 3 to 5 forward passes; PyTorch's ``torch.func.jvp`` on the CPU, 8 to 11.

Run: python benchmarks/jvp.py
"""

from __future__ import annotations

import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import func


def f(x: tg.Tensor) -> tg.Tensor:
    return (x.sin() * x.exp() + x * x).tanh()


def best(fn, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


if __name__ == "__main__":
    x = tg.tensor(np.random.default_rng(0).standard_normal(200_000))
    v = tg.ones(200_000, dtype=tg.float64)
    fwd = best(lambda: f(x))
    jv = best(lambda: func.jvp(f, (x,), (v,)))
    print(f"tinygrad_edu: forward {fwd * 1e3:.2f} ms, jvp {jv * 1e3:.2f} ms, ratio {jv / fwd:.2f}")
    try:  # the same on PyTorch (CPU), for scale
        import torch
    except ImportError:
        raise SystemExit(0) from None
    tx, tv = torch.tensor(x.numpy()), torch.ones(200_000, dtype=torch.float64)
    fwd, jv = best(lambda: f(tx)), best(lambda: torch.func.jvp(f, (tx,), (tv,)))
    print(f"torch:        forward {fwd * 1e3:.2f} ms, jvp {jv * 1e3:.2f} ms, ratio {jv / fwd:.2f}")
