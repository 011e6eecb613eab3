"""The tour: every blog example in order, each under a heading, then the list of plots written.

    python examples/tour.py              # everything, under a minute
    python examples/tour.py --fast       # shortened long runs (used by the tests)
    python examples/tour.py --only s001  # one example (any part of its name)
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _support import DEFAULT_OUT  # noqa: E402

EXAMPLES = [
    ("s000_gd", "Seed 000, listing 1: gradient descent on y = w*x"),
    ("s000_sgd_zip_bug", "Seed 000, listing 2: SGD with zip() inside loss() (the thinking question)"),
    ("s000_sgd", "Seed 000, listing 3: per-sample SGD"),
    ("s002_gd", "Seed 002, listing 1: the same GD, the post's print format"),
    ("s002_sgd", "Seed 002, listing 2: per-sample SGD printing every gradient"),
    ("s001_quadratic_sgd", "Seed 001: per-sample SGD fit of 2x^2 + 3x + 4"),
    ("s003_minibatch", "Seed 003: batch vs stochastic vs mini-batch on a 1-32-32-1 MLP"),
    ("s004_linreg", "Seed 004: nn.Linear(1, 1) regression through optim.SGD"),
    ("newton_vs_gd", "Seed 001's question: why not solve f'(x) = 0? Newton's method vs GD"),
    ("custom_op", "Extending: a new op (softplus), verified by check_op"),
]
HAS_FAST = {"s003_minibatch"}  # the examples whose long runs --fast shortens


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fast", action="store_true", help="shorten the long runs")
    p.add_argument("--only", help="run only the examples whose name contains this")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the plots")
    args = p.parse_args(argv)
    chosen = [(n, t) for n, t in EXAMPLES if not args.only or args.only in n]
    if not chosen:
        p.error(f"no example matches {args.only!r}; names: {', '.join(n for n, _ in EXAMPLES)}")
    out = pathlib.Path(args.out)
    before = {f: f.stat().st_mtime for f in out.glob("*.png")} if out.exists() else {}
    start = time.perf_counter()
    for name, title in chosen:
        bar = "=" * 100
        print(f"\n{bar}\n{title}   (examples/{name}.py)\n{bar}", flush=True)
        module = importlib.import_module(name)
        ex_args = ["--out", str(out)]
        if args.fast and name in HAS_FAST:
            ex_args.append("--fast")
        module.main(ex_args)
        sys.stdout.flush()
    plots = sorted(f for f in out.glob("*.png") if before.get(f) != f.stat().st_mtime)
    print(f"\nTour finished in {time.perf_counter() - start:.1f}s. Plots written:")
    for f in plots:
        print(f"  {f}")
    if not plots:
        print("  none (install matplotlib for plots: pip install -e \".[examples]\")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
