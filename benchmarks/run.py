"""Run the benchmark suite: each workload against its references, in one process, as ratios,
and check them against the performance targets.

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # fewer rounds, steps and epochs
    python benchmarks/run.py --json results.json

The contenders of each workload run side by side, interleaved: round after round, each of them
once per round, so that a slow patch of a shared machine hits them all alike. A ratio is computed
per round, between contenders that ran in the same round; we report the median of those ratios and
their range (min-max), by default over 5 rounds (3 with --quick). The run ends with one line per
target: workload, target, measured (median and range), met or NOT met (judged on the median).

micrograd, torch and scikit-learn (for the digits) are used when installed and reported as "not
installed" otherwise. Nothing here is a unit test: timings on shared machines are noisy, so we
compare ratios measured side by side.

numpy's BLAS runs on one thread (``import tinygrad_edu`` sees to it, see tinygrad_edu/threads.py)
and so does torch (``torch.set_num_threads(1)``), so OMP_NUM_THREADS=1 is not needed.
"""

from __future__ import annotations

import argparse
import gc
import json
import operator
import os
import pathlib
import platform
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import classifiers as C  # noqa: E402
import numpy as np  # noqa: E402
import workloads as W  # noqa: E402

import tinygrad_edu as tg  # noqa: E402

Rounds = dict[str, "list[float] | None"]
CHAIN_TARGET = 200_000  # the chain length for the micrograd comparison
POST = "post (its own code)"
INNER = 9  # fits per round for the millisecond-short references


def interleaved(named: list[tuple[str, object, tuple]], repeats: int) -> Rounds:
    """Each workload's value in each of ``repeats`` rounds, running them in turn within each
    round, so that a slow patch of a shared machine hits every contender alike rather than one of
    them. A contender whose library is not installed (``W.Missing``) gets None."""
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
    return {name: None if name in missing else v for name, v in values.items()}


def median_of(fn, k: int) -> float:
    """The median of k calls of fn, for a workload too short to time once."""
    return statistics.median(fn() for _ in range(k))


def per_round(num: list[float] | None, den: list[float] | None) -> list[float] | None:
    """num / den round by round (both measured in the same rounds)."""
    if num is None or den is None:
        return None
    assert len(num) == len(den)
    return [a / b for a, b in zip(num, den)]


def stats(values: list[float] | None) -> dict | None:
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "rounds": list(values)}


def fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "not installed"
    return f"{v:,.0f}{unit}" if abs(v) >= 100 else f"{v:.3g}{unit}"


def fmt_stats(values: list[float] | None, scale: float = 1.0, unit: str = "") -> str:
    """'median unit (min-max)'."""
    s = stats(values)
    if s is None:
        return "not installed"
    return (f"{fmt(s['median'] * scale, unit)} ({fmt(s['min'] * scale)}-"
            f"{fmt(s['max'] * scale)})")


def fmt_ratio(ratios: list[float] | None) -> str:
    s = stats(ratios)
    if s is None:
        return "-"
    return f"{s['median']:.2f}x ({s['min']:.2f}-{s['max']:.2f})"


OPS = {"<=": operator.le, ">=": operator.ge, ">": operator.gt}


class Targets:
    """The issue's targets, each checked on the median of its per-round ratios."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def check(self, order: int, workload: str, ratios: list[float] | None, op: str, threshold: float,
              note: str = "", why_missing: str = "not installed") -> str:
        """Record one target; returns 'target OP x: met' for the section's own line."""
        s = stats(ratios)
        target = f"{op} {threshold:g}x" + (f" ({note})" if note else "")
        row = {"order": order, "workload": workload, "target": target, "op": op, "threshold": threshold}
        if s is None:
            row.update(measured=None, met=None, verdict=f"n/a ({why_missing})")
        else:
            met = OPS[op](s["median"], threshold)
            every = all(OPS[op](r, threshold) for r in s["rounds"])
            some = any(OPS[op](r, threshold) for r in s["rounds"])
            verdict = "met" if met else "NOT met"
            if met and not every:
                verdict += " (not in every round)"
            elif not met and some:
                verdict += " (met in some rounds)"
            row.update(measured=s, met=met, verdict=verdict)
        self.rows.append(row)
        self.rows.sort(key=lambda r: r["order"])  # stable: the order, then the run's
        return f"target {target}: {row['verdict']}"

    def print_table(self, reps: int) -> None:
        met = sum(r["met"] is True for r in self.rows)
        print(f"\nSummary: {met} of {len(self.rows)} targets met (ratio per round, median and "
              f"min-max of {reps} rounds; the verdict is on the median)")
        w = max(len(r["workload"]) for r in self.rows)
        t = max(len(r["target"]) for r in self.rows)
        print(f"   {'workload':{w}s}  {'target':{t}s}  {'measured':22s}  verdict")
        for r in self.rows:
            measured = fmt_ratio(r["measured"] and r["measured"]["rounds"])
            print(f"   {r['workload']:{w}s}  {r['target']:{t}s}  {measured:22s}  {r['verdict']}")


def section_quadratic(reps: int, targets: Targets) -> dict:
    n = W.EPOCHS * len(W.X)
    print(f"\n2. Seed 001's quadratic fit: {n} per-sample updates (ms per fit, median and range; "
          f"lower is better; the post's rows: median of {INNER} fits per round)")
    # The post's two rows last a few ms, where one scheduler tick on a shared machine (4 ms) can
    # double a run: in its slot of each round, each takes the median of INNER fits.
    quad = interleaved([(POST, median_of, (W.quad_post, INNER)),
                        ("post, loop body only", median_of, (W.quad_post_body, INNER)),
                        ("micrograd", W.quad_micrograd, ()), ("torch", W.quad_torch, ()),
                        ("tinygrad_edu", W.quad_tinygrad, ())], reps)
    for name, v in quad.items():
        print(f"   {name:22s} {fmt_stats(v, 1e3, ' ms'):>24s}   "
              f"{fmt_ratio(per_round(v, quad[POST])):>20s} the post's code")
    ours = quad["tinygrad_edu"]
    vs_mg, vs_post = per_round(ours, quad["micrograd"]), per_round(ours, quad[POST])
    print(f"   tinygrad_edu / micrograd: {fmt_ratio(vs_mg)}   "
          + targets.check(1, "seed 001 fit, 5000 updates: time / micrograd's", vs_mg, "<=", 1.0,
                          "aim next: 0.5x"))
    print(f"   tinygrad_edu / the post's own code: {fmt_ratio(vs_post)}   "
          + targets.check(1, "seed 001 fit, 5000 updates: time / the post's code", vs_post, "<=", 12))
    print(f"   tinygrad_edu / the post's loop body only: "
          f"{fmt_ratio(per_round(ours, quad['post, loop body only']))} (no target)")
    return {"seconds": {k: stats(v) for k, v in quad.items()},
            "ratios": {"tinygrad_edu/micrograd": stats(vs_mg), "tinygrad_edu/post": stats(vs_post)}}


def section_mlp(reps: int, steps: int, dtype: str, targets: Targets) -> dict:
    print(f"\n3. Seed 003's 1-32-32-1 MLP, {steps} SGD steps, {dtype} in all three, torch on one "
          "thread (steps/s, median and range; higher is better)")
    dt = np.dtype(dtype).type
    vs_numpy_target = {1: 0.5, 128: 0.6, 1000: 0.8}
    out = {}
    for batch in (1, 128, 1000):
        row = interleaved([("numpy", W.mlp_numpy, (batch, steps, dt)),
                           ("torch", W.mlp_torch, (batch, steps, dt)),
                           ("tinygrad_edu", W.mlp_tinygrad, (batch, steps, dt))], reps)
        ours = row["tinygrad_edu"]
        vs_np, vs_torch = per_round(ours, row["numpy"]), per_round(ours, row["torch"])
        print(f"   batch {batch:4d}: numpy {fmt_stats(row['numpy'])}   torch {fmt_stats(row['torch'])}"
              f"   tinygrad_edu {fmt_stats(ours)}")
        print(f"      vs numpy {fmt_ratio(vs_np)}   "
              + targets.check(2, f"MLP batch {batch}: steps/s / hand-written numpy's", vs_np, ">=",
                              vs_numpy_target[batch]))
        if batch < 1000:
            tail = targets.check(2, f"MLP batch {batch}: steps/s / torch's", vs_torch, ">=", 2,
                                 "keep")
        else:
            tail = "(no target)"
        print(f"      vs torch {fmt_ratio(vs_torch)}   {tail}")
        out[batch] = {"steps_per_s": {k: stats(v) for k, v in row.items()},
                      "tinygrad_edu/numpy": stats(vs_np), "tinygrad_edu/torch": stats(vs_torch)}
    return out


def section_post_loop(reps: int, steps: int, targets: Targets) -> dict:
    print(f"\n4. The post's seed 003 loop (DataLoader + next(iter(...))), {steps} steps (steps/s)")
    out = {}
    for name, batch, mom, op, goal in (("Batch", 1000, 1, ">=", 5), ("Stochastic", 1, 0, ">", 1),
                                       ("Minibatch", 128, 1, ">", 1)):
        both = interleaved([("torch", W.post_loop, ("torch", batch, mom, steps)),
                            ("tinygrad_edu", W.post_loop, ("tinygrad_edu", batch, mom, steps))], reps)
        r = per_round(both["tinygrad_edu"], both["torch"])
        print(f"   {name:10s}: torch {fmt_stats(both['torch']):>22s}  tinygrad_edu "
              f"{fmt_stats(both['tinygrad_edu']):>22s}   {fmt_ratio(r)}   "
              + targets.check(5, f"seed 003 post loop, {name} ({batch}): steps/s / torch's", r, op, goal))
        out[name] = {"steps_per_s": {k: stats(v) for k, v in both.items()},
                     "tinygrad_edu/torch": stats(r)}
    return out


def section_depth(reps: int, long_chain: int | None, targets: Targets) -> dict:
    # First, before torch and scikit-learn are imported: with the cyclic collector on, every full
    # collection walks all tracked objects of the process, and torch's and scikit-learn's
    # modules (about 200,000 objects) would make ours pay for libraries a user of ours has not
    # imported. micrograd runs with the collector off, so it is not affected.
    heavy = sorted(m for m in ("torch", "sklearn") if m in sys.modules)
    print(f"\n1. Depth: a chain of ops, build + backward (microseconds per op, median and range); "
          f"run first, while the process holds {len(gc.get_objects()):,d} objects tracked by the "
          f"collector" + (f" (but {', '.join(heavy)} already imported)" if heavy else
                          " (numpy and tinygrad_edu imported, not torch or scikit-learn)"))
    out: dict = {"gc_tracked_objects_before": len(gc.get_objects()), "heavy_imports": heavy}
    for n in (10_000, CHAIN_TARGET):
        row = interleaved([
            ("micrograd (gc off)", lambda k=n: W.chain_micrograd(k)["per_node_us"], ()),
            ("tinygrad_edu (gc on)", lambda k=n: W.chain_tinygrad(k)["per_node_us"], ()),
            ("tinygrad_edu (gc off)", lambda k=n: W.chain_tinygrad(k, gc_off=True)["per_node_us"], ()),
        ], reps)
        r = per_round(row["tinygrad_edu (gc on)"], row["micrograd (gc off)"])
        print(f"   {n:>9,d} ops: " + "   ".join(f"{k} {fmt_stats(v, unit=' us')}" for k, v in row.items()))
        line = f"      tinygrad_edu (gc on) / micrograd (gc off): {fmt_ratio(r)}   "
        if n == CHAIN_TARGET:
            line += targets.check(3, f"chain of {n:,d} ops: time / micrograd's (gc off), ours gc on",
                                  r, "<=", 1.0)
        print(line + ("" if n == CHAIN_TARGET else "(no target)"))
        out[n] = {"us_per_op": {k: stats(v) for k, v in row.items()},
                  "tinygrad_edu_gc_on/micrograd_gc_off": stats(r)}
    if long_chain:
        row = interleaved([
            ("tinygrad_edu (gc on)", lambda: W.chain_tinygrad(long_chain)["per_node_us"], ()),
            ("tinygrad_edu (gc off)", lambda: W.chain_tinygrad(long_chain, gc_off=True)["per_node_us"], ()),
        ], 1)
        print(f"   {long_chain:>9,d} ops: tinygrad_edu {row['tinygrad_edu (gc on)'][0]:.2f} us (gc on), "
              f"{row['tinygrad_edu (gc off)'][0]:.2f} us (gc off), default recursion limit; one run, "
              "micrograd not measured")
        out[long_chain] = {"us_per_op": row}
    else:
        print("   the long chain (--depth) is skipped in --quick runs unless --depth is given")
    mem = W.chain_memory(100_000)
    out["memory"] = {"peak_MB_per_100k_nodes": mem["peak_MB"], "MB_left_after_free": mem["after_free_MB"]}
    print(f"   memory: peak {mem['peak_MB']:.1f} MB per 100k nodes while the graph lives; "
          f"{mem['after_free_MB']:.3f} MB left once the output is dropped (no cycles)")
    return out


def section_backward() -> dict:
    print("\n5. First-order backward of the MLP (batch 128), with create_graph off")
    bw = W.backward_cost()
    print(f"   loss.backward(): {bw['tinygrad_edu_us']:.0f} us per call; the same backward written by "
          f"hand in numpy: {bw['numpy_us']:.0f} us ({bw['tinygrad_edu_us'] / bw['numpy_us']:.2f}x)")
    print(f"   Values created during an ordinary backward: {bw['values_created']} (no graph is "
          f"recorded, so the higher-order machinery costs nothing when it is off)")
    return bw


def section_digits(reps: int, epochs: int, targets: Targets) -> dict:
    print(f"\n6. The digits classifiers (examples/digits.py's models, benchmarks/classifiers.py): "
          f"seconds per epoch, float32, batch 32, Adam, one thread; each round trains {epochs} "
          "epochs per library and counts their median")
    goals = {"MLP": 1.5, "CNN": 0.5}
    try:
        x, y = C.load_data()
    except ImportError:
        print("   scikit-learn not installed: skipped")
        for name, goal in goals.items():
            targets.check(4, f"digits {name}: torch's time per epoch / ours", None, ">=", goal,
                          why_missing="scikit-learn not installed")
        return {"skipped": "scikit-learn not installed"}

    def epoch(T, name: str) -> float:
        return statistics.median(C.epoch_seconds(T, name, x, y, epochs))

    out = {}
    for name, goal in goals.items():
        row = interleaved([("torch", lambda n=name: epoch(W._torch(), n), ()),
                           ("tinygrad_edu", lambda n=name: epoch(tg, n), ())], reps)
        r = per_round(row["torch"], row["tinygrad_edu"])
        print(f"   {name}: torch {fmt_stats(row['torch'], 1e3, ' ms')}   tinygrad_edu "
              f"{fmt_stats(row['tinygrad_edu'], 1e3, ' ms')}   torch/ours {fmt_ratio(r)}   "
              + targets.check(4, f"digits {name}: torch's time per epoch / ours", r, ">=", goal))
        out[name] = {"seconds_per_epoch": {k: stats(v) for k, v in row.items()},
                     "torch/tinygrad_edu": stats(r)}
    return out


def section_compiled(reps: int, steps: int, targets: Targets) -> dict:
    """Issue 26: compiled steps (tg.compile) against micrograd, the post and hand-written numpy."""
    n = W.EPOCHS * len(W.X)
    print(f"\n7. Compiled steps (tinygrad_edu.compile): seed 001's fit, {n} per-sample updates (ms per "
          f"fit, the first two calls, which run eagerly and trace, included; the post's row: median of "
          f"{INNER} fits per round), and the MLP's SGD step, {steps} steps once traced (steps/s)")
    quad = interleaved([(POST, median_of, (W.quad_post, INNER)), ("micrograd", W.quad_micrograd, ()),
                        ("tinygrad_edu compiled", W.quad_compiled, ())], reps)
    for name, v in quad.items():
        print(f"   {name:22s} {fmt_stats(v, 1e3, ' ms'):>24s}")
    ours = quad["tinygrad_edu compiled"]
    vs_mg, vs_post = per_round(ours, quad["micrograd"]), per_round(ours, quad[POST])
    print(f"   compiled / micrograd: {fmt_ratio(vs_mg)}   "
          + targets.check(0, "seed 001 fit, compiled: time / micrograd's", vs_mg, "<=", 0.5))
    print(f"   compiled / the post's own code: {fmt_ratio(vs_post)}   "
          + targets.check(0, "seed 001 fit, compiled: time / the post's code", vs_post, "<=", 5))
    trace = statistics.median(W.quad_trace_cost() for _ in range(5))
    mtrace = statistics.median(W.mlp_trace_cost() for _ in range(5))
    print(f"   the first two calls of a compiled step (they run eagerly, trace, compare and write the code): "
          f"a scalar step's {trace * 1e3:.2f} ms; the MLP's (batch 128) {mtrace * 1e3:.2f} ms more than two "
          "eager steps (medians of 5)")
    out: dict = {"quadratic": {"seconds": {k: stats(v) for k, v in quad.items()},
                               "compiled/micrograd": stats(vs_mg), "compiled/post": stats(vs_post)},
                 "first_call_s": trace, "mlp_first_call_extra_s": mtrace, "mlp": {}}
    goal = {1: 0.85, 128: 0.9, 1000: 0.95}
    for batch in (1, 128, 1000):
        row = interleaved([("numpy", W.mlp_numpy, (batch, steps)),
                           ("compiled", W.mlp_compiled, (batch, steps))], reps)
        r = per_round(row["compiled"], row["numpy"])
        print(f"   MLP batch {batch:4d}: numpy {fmt_stats(row['numpy'])}   compiled "
              f"{fmt_stats(row['compiled'])}   {fmt_ratio(r)}   "
              + targets.check(0, f"MLP batch {batch}, compiled: steps/s / hand-written numpy's", r, ">=",
                              goal[batch]))
        out["mlp"][batch] = {"steps_per_s": {k: stats(v) for k, v in row.items()}, "compiled/numpy": stats(r)}
    diff = W.compiled_vs_eager()
    print(f"   compiled against eager, the same steps: largest difference {diff:.3g}   "
          + targets.check(0, "compiled against eager: largest difference (not a ratio)", [diff], "<=", 1e-12))
    out["compiled_vs_eager_max_abs_diff"] = diff
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=None, help="rounds per workload (5; 3 with --quick)")
    p.add_argument("--quick", action="store_true", help="fewer rounds, steps and epochs (a smoke run)")
    p.add_argument("--json", default=str(HERE / "results" / "latest.json"))
    p.add_argument("--depth", type=int, default=None,
                   help="length of the long chain, ours only (1,000,000; skipped with --quick)")
    p.add_argument("--mlp-dtype", choices=("float32", "float64"), default="float32",
                   help="dtype of all three MLP contenders (float32, as seed 003 trains)")
    args = p.parse_args(argv)
    reps = max(args.repeats or (3 if args.quick else 5), 1)
    steps = 200 if args.quick else 1000
    long_chain = args.depth if args.depth is not None else (None if args.quick else 1_000_000)
    results: dict = {
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "platform": platform.platform(), "cpus": os.cpu_count(),
                    "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                    "numpy_blas_threads": W.tg.get_num_threads()},
        "repeats": reps, "quick": args.quick,
    }
    print(f"{reps} rounds per workload; ratios are taken per round, then their median and range")
    targets = Targets()
    results["depth"] = section_depth(reps, long_chain, targets)  # first: see its comment
    results["quadratic_fit"] = section_quadratic(reps, targets)
    results["mlp"] = section_mlp(reps, steps, args.mlp_dtype, targets)
    results["post_loop"] = section_post_loop(reps, steps // 2, targets)
    results["first_order_backward"] = section_backward()
    results["digits"] = section_digits(reps, 2 if args.quick else 3, targets)
    results["compiled"] = section_compiled(reps, steps, targets)

    targets.print_table(reps)
    results["targets"] = targets.rows
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
