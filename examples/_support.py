"""What every example shares: its command line, the output folder, optional matplotlib and tqdm.

The examples run without matplotlib or tqdm; they then say how to get plots and progress bars.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from typing import Any, Iterable

DEFAULT_OUT = pathlib.Path(__file__).resolve().parent / "out"
INSTALL_HINT = 'pip install -e ".[examples]"'


def parse_args(description: str, argv: list[str] | None = None, fast_help: str | None = None
               ) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", default=os.environ.get("TINYGRAD_EDU_OUT", str(DEFAULT_OUT)),
                   help="folder for the PNG plots (default: examples/out)")
    if fast_help:
        p.add_argument("--fast", action="store_true", help=fast_help)
    return p.parse_args(argv)


def pyplot() -> Any:
    """matplotlib.pyplot with a file-only backend, or None (and a hint) when it is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"(matplotlib is not installed, so no plot; for plots: {INSTALL_HINT})")
        return None
    return plt


def save(fig: Any, out: str, name: str) -> pathlib.Path:
    folder = pathlib.Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    fig.savefig(path, dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(f"plot written: {path}")
    return path


def plot_curve(out: str, name: str, xs: list, ys: list, ylabel: str, title: str) -> None:
    """One line plot of a loss against epochs, labelled like the post's, saved as out/name."""
    plt = pyplot()
    if plt:
        fig = plt.figure()
        plt.plot(xs, ys)
        plt.ylabel(ylabel)
        plt.xlabel("Epoch")
        plt.title(title)
        save(fig, out, name)


def progress(iterable: Iterable, desc: str, total: int) -> Iterable:
    """A tqdm bar labelled like the post's, or plain progress lines without tqdm."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _plain_progress(iterable, desc, total)
    return tqdm(iterable, desc=desc, total=total, leave=True, unit=" epoch", file=sys.stderr)


def _plain_progress(iterable: Iterable, desc: str, total: int) -> Iterable:
    step = max(total // 4, 1)
    for i, item in enumerate(iterable):
        if i % step == 0 or i == total - 1:
            print(f"{desc}: {i + 1}/{total} epoch (tqdm not installed: {INSTALL_HINT})",
                  file=sys.stderr)
        yield item
