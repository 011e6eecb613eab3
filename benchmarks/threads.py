"""Thread storms: the examples in the default environment against OMP_NUM_THREADS=1, idle and busy.

    python benchmarks/threads.py                      # seed 003's example and the tour, 5 repeats
    python benchmarks/threads.py --repeats 3 --fast   # the tour with --fast (shortened long runs)
    python benchmarks/threads.py --run-py 1           # also benchmarks/run.py --quick, once each
    python benchmarks/threads.py --repeats 0 --run-py 3 --phases busy   # only run.py, only busy
    python benchmarks/threads.py --tree /path/to/another/checkout   # measure another tree
    python benchmarks/threads.py --programs s003 --no-trim   # the control: no heap trimming

Each program runs in a fresh interpreter whose PYTHONPATH is the measured tree, once with none of
the thread variables set ("default": what a user gets) and once with OMP_NUM_THREADS=1
("single"), the two in turn within each repeat (which goes first alternates). Wall time is
measured around the child; CPU time (user + system, all its threads) and the minor page faults
come from ``resource.getrusage(RUSAGE_CHILDREN)`` before and after (page faults show when glibc's
heap, not the threads, makes the difference: docs/performance.md, "Threads"). Then the same
again "busy": with one Python process spinning ``while True: pass`` for the whole phase, so that
one of the machine's cores is taken, as on a shared machine (the spinner is reaped only after the
phase, so its CPU time is not counted). Prints medians and ranges, and the ratio default/single
of the median wall times against the target: at most 1.10x (``import tinygrad_edu`` is meant to
make the default as fast as OMP_NUM_THREADS=1; see docs/performance.md, "Threads").
"""

from __future__ import annotations

import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
# every variable that tells a BLAS its thread count (tinygrad_edu.threads.ENV_VARS, repeated here so
# that a tree without that module can be measured too)
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS",
               "MKL_DOMAIN_NUM_THREADS", "BLIS_NUM_THREADS")
TARGET = 1.10
# --no-trim, a control: both environments get these glibc settings, which stop the heap from
# being given back to the system after each free of a large array at its top and faulted in again
# at the next allocation (docs/performance.md, "Threads"). Not what a user gets.
NO_TRIM = {"MALLOC_TRIM_THRESHOLD_": str(64 << 20), "MALLOC_TOP_PAD_": str(16 << 20)}


def environments(tree: pathlib.Path) -> dict[str, dict[str, str]]:
    default = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    default["PYTHONPATH"] = str(tree)
    return {"default": default, "single": {**default, "OMP_NUM_THREADS": "1"}}


def run_once(argv: list[str], env: dict[str, str], cwd: pathlib.Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, minor page faults) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_minflt - before.ru_minflt


def measure(programs: dict[str, list[str]], envs: dict[str, dict[str, str]], repeats: int,
            cwd: pathlib.Path) -> dict[tuple[str, str], list[tuple[float, float, int]]]:
    """Every program in every environment, ``repeats`` times, interleaved."""
    times: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for r in range(repeats):
        for prog, argv in programs.items():
            order = list(envs) if r % 2 == 0 else list(reversed(envs))
            for name in order:
                wall, cpu, faults = run_once(argv, envs[name], cwd)
                times.setdefault((prog, name), []).append((wall, cpu, faults))
                print(f"   repeat {r + 1}/{repeats} {prog:8s} {name:7s} wall {wall:6.2f} s  cpu {cpu:6.2f} s"
                      f"  page faults {faults:7d}", flush=True)
    return times


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s ({min(values):.2f}-{max(values):.2f})"


def report(title: str, times: dict[tuple[str, str], list[tuple[float, float, int]]]) -> None:
    print(f"\n{title}: median (range) of {len(next(iter(times.values())))} runs")
    print(f"   {'program':8s} {'env':7s} {'wall':>22s} {'cpu':>22s} {'page faults':>12s}")
    for (prog, name), runs in times.items():
        wall, cpu = spread([r[0] for r in runs]), spread([r[1] for r in runs])
        faults = statistics.median(r[2] for r in runs)
        print(f"   {prog:8s} {name:7s} {wall:>22s} {cpu:>22s} {faults:12.0f}")
    for prog in dict.fromkeys(p for p, _ in times):
        default = statistics.median(r[0] for r in times[(prog, "default")])
        single = statistics.median(r[0] for r in times[(prog, "single")])
        verdict = "met" if default / single <= TARGET else "MISSED"
        print(f"   {prog}: default/single wall {default / single:.2f}x (target <= {TARGET:.2f}x: {verdict})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=5, help="runs of each example (0: none)")
    p.add_argument("--tree", default=str(ROOT), help="the checkout to measure (default: this one)")
    p.add_argument("--fast", action="store_true", help="run the tour with --fast")
    p.add_argument("--run-py", type=int, default=0, metavar="N",
                   help="also benchmarks/run.py --quick, N times per phase (about 40 s each)")
    p.add_argument("--phases", default="idle,busy", help="idle, busy or both (the default)")
    p.add_argument("--programs", default="s003,tour", help="s003, tour or both (the default)")
    p.add_argument("--no-trim", action="store_true",
                   help="a control: glibc's heap trimming off in both environments (see NO_TRIM)")
    args = p.parse_args(argv)
    tree = pathlib.Path(args.tree).resolve()
    envs = environments(tree)
    if args.no_trim:
        envs = {name: {**env, **NO_TRIM} for name, env in envs.items()}
    print(f"tree {tree}; {os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as out:
        programs = {
            "s003": [sys.executable, str(tree / "examples" / "s003_minibatch.py"), "--out", out],
            "tour": [sys.executable, str(tree / "examples" / "tour.py"), "--out", out]
            + (["--fast"] if args.fast else []),
        }
        programs = {name: argv for name, argv in programs.items() if name in args.programs.split(",")}
        quick = {"run.py": [sys.executable, str(tree / "benchmarks" / "run.py"), "--quick",
                            "--json", os.path.join(out, "run.json")]}
        phases = [(title, busy) for title, busy in [("idle (no load added)", False),
                                                    ("busy (one core spinning)", True)]
                  if title.split()[0] in args.phases.split(",")]
        for title, busy in phases:
            print(f"\n{title} (load average before: {os.getloadavg()[0]:.2f})")
            spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
            try:
                if args.repeats:
                    report(title, measure(programs, envs, args.repeats, tree))
                if args.run_py:
                    report(f"{title}, run.py --quick", measure(quick, envs, args.run_py, tree))
                note = " (the spinner counts 1)" if busy else ""
                print(f"   load average after: {os.getloadavg()[0]:.2f}{note}")
            finally:
                if spinner is not None:
                    spinner.kill()
                    spinner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
