"""Run the benchmark suite: each workload against its references, in one process, as ratios.

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # fewer repeats and steps
    python benchmarks/run.py --json results.json

numpy's BLAS runs on one thread (``import tinygrad_edu`` sees to it, see tinygrad_edu/threads.py)
and so does torch (``torch.set_num_threads(1)``), so OMP_NUM_THREADS=1 is not needed.

Every number is the median of --repeats runs (at least 5 by default). micrograd and torch are
measured when installed (`pip install micrograd`, torch CPU) and reported as "not installed"
otherwise. Nothing here is a unit test: timings on shared machines are noisy, so we compare
ratios measured side by side.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pathlib
import platform
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
import workloads as W  # noqa: E402


def interleaved(named: list[tuple[str, object, tuple]], repeats: int) -> dict[str, float | None]:
    """Median of each workload, running them in turn within each repeat, so that a slow patch
    of a shared machine hits every contender alike rather than one of them."""
    values: dict[str, list[float]] = {name: [] for name, _, _ in named}
    missing: set[str] = set()
    for _ in range(repeats):
        for name, fn, args in named:
            if name in missing:
                continue
            try:
                values[name].append(fn(*args))
            except W.Missing:
                missing.add(name)
            gc.collect()
    return {name: None if name in missing else statistics.median(v) for name, v in values.items()}


def fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "not installed"
    return f"{v:,.0f}{unit}" if v >= 100 else f"{v:.3g}{unit}"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}x"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="fewer steps (for a smoke run)")
    p.add_argument("--json", default=str(HERE / "results" / "latest.json"))
    p.add_argument("--depth", type=int, default=1_000_000, help="length of the long chain")
    args = p.parse_args(argv)
    reps = max(args.repeats, 1)
    steps = 200 if args.quick else 1000
    results: dict = {
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "platform": platform.platform(), "cpus": os.cpu_count(),
                    "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                    "numpy_blas_threads": W.tg.get_num_threads()},
        "repeats": reps,
    }

    print("\n1. Seed 001's quadratic fit: 5000 per-sample updates (seconds, lower is better)")
    quad = interleaved([("post (pure Python)", W.quad_post, ()), ("micrograd", W.quad_micrograd, ()),
                        ("torch", W.quad_torch, ()), ("tinygrad_edu", W.quad_tinygrad, ())], reps)
    for name, t in quad.items():
        print(f"   {name:20s} {fmt(t and t * 1e3, ' ms'):>16s}   "
              f"{ratio(t, quad['post (pure Python)'])} the post")
    ours = quad["tinygrad_edu"]
    print(f"   targets: <= 0.5x micrograd -> {ratio(ours, quad['micrograd'])}; "
          f"<= 12x the post -> {ratio(ours, quad['post (pure Python)'])}")
    results["quadratic_fit_s"] = quad

    print(f"\n2. Seed 003's 1-32-32-1 MLP, {steps} SGD steps, float32 (steps/s, higher is better)")
    mlp = {}
    for batch in (1, 128, 1000):
        row = interleaved([("numpy", W.mlp_numpy, (batch, steps)), ("torch", W.mlp_torch, (batch, steps)),
                           ("tinygrad_edu", W.mlp_tinygrad, (batch, steps))], reps)
        mlp[batch] = row
        print(f"   batch {batch:5d}: numpy {fmt(row['numpy']):>8s}  torch {fmt(row['torch']):>13s}  "
              f"tinygrad_edu {fmt(row['tinygrad_edu']):>8s}   vs numpy "
              f"{ratio(row['tinygrad_edu'], row['numpy'])} (target >= 0.5x), vs torch "
              f"{ratio(row['tinygrad_edu'], row['torch'])}" + (" (target >= 2x)" if batch < 1000 else ""))
    results["mlp_steps_per_s"] = mlp

    print(f"\n3. The post's seed 003 loop (DataLoader + next(iter(...))), {steps // 2} steps (steps/s)")
    post = {}
    for name, batch, mom in (("Batch", 1000, 1), ("Stochastic", 1, 0), ("Minibatch", 128, 1)):
        both = interleaved([("torch", W.post_loop, ("torch", batch, mom, steps // 2)),
                            ("tinygrad_edu", W.post_loop, ("tinygrad_edu", batch, mom, steps // 2))], reps)
        t, o = both["torch"], both["tinygrad_edu"]
        post[name] = {"torch": t, "tinygrad_edu": o}
        target = ">= 5x" if name == "Batch" else "> 1x"
        print(f"   {name:10s}: torch {fmt(t):>13s}  tinygrad_edu {fmt(o):>8s}   {ratio(o, t)} "
              f"(target {target})")
    results["post_loop_steps_per_s"] = post

    print("\n4. Depth: a chain of ops, build + backward (microseconds per node)")
    depth = {}
    for n in (10_000, args.depth):
        contenders = [("tinygrad_edu (gc on)", lambda k=n: W.chain_tinygrad(k)["per_node_us"], ()),
                      ("tinygrad_edu (gc off)",
                       lambda k=n: W.chain_tinygrad(k, gc_off=True)["per_node_us"], ())]
        if n <= 10_000:
            contenders.insert(0, ("micrograd (gc off)",
                                  lambda k=n: W.chain_micrograd(k)["per_node_us"], ()))
        row = {"micrograd (gc off)": None}
        row.update(interleaved(contenders, reps if n <= 10_000 else 1))
        mem = W.chain_memory(min(n, 100_000))
        row["peak_MB_per_100k_nodes"] = mem["peak_MB"] * 100_000 / min(n, 100_000)
        row["MB_left_after_free"] = mem["after_free_MB"]
        depth[n] = row
        mg_text = fmt(row["micrograd (gc off)"], " us") if n <= 10_000 else "n/a (its recursive sort)"
        print(f"   {n:>9,d} ops: micrograd (gc off) {mg_text:>14s}   "
              f"tinygrad_edu {row['tinygrad_edu (gc on)']:.2f} us (gc on), "
              f"{row['tinygrad_edu (gc off)']:.2f} us (gc off)")
    m = depth[10_000]
    print(f"   memory: peak {m['peak_MB_per_100k_nodes']:.1f} MB per 100k nodes while the graph "
          f"lives; {m['MB_left_after_free']:.3f} MB left once the output is dropped (no cycles)")
    if m["micrograd (gc off)"] is None:
        print("   micrograd: not installed")
    results["depth_us_per_node"] = depth

    print("\n5. First-order backward of the MLP (batch 128), with create_graph off")
    bw = W.backward_cost()
    print(f"   loss.backward(): {bw['tinygrad_edu_us']:.0f} us per call; the same backward written by "
          f"hand in numpy: {bw['numpy_us']:.0f} us ({bw['tinygrad_edu_us'] / bw['numpy_us']:.2f}x)")
    print(f"   Values created during an ordinary backward: {bw['values_created']} (no graph is "
          f"recorded, so the higher-order machinery costs nothing when it is off)")
    results["first_order_backward"] = bw

    out = pathlib.Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nresults written to {out}")
    return 0


if __name__ == "__main__":
    t0 = time.perf_counter()
    code = main()
    print(f"benchmark time {time.perf_counter() - t0:.0f}s")
    sys.exit(code)
