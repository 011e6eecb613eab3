"""The command line of the exercises: ``python -m tinygrad_edu.exercises list|start|check|hint``."""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Sequence

from . import EXERCISES, exercise, filename, run_check

__all__ = ["main"]

PROG = "python -m tinygrad_edu.exercises"


def _number(text: str) -> int:
    """argparse type of an exercise number: a clear usage error for anything else."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an exercise number: use 1 to "
                                         f"{len(EXERCISES)} (see `{PROG} list`)") from None
    if not 1 <= n <= len(EXERCISES):
        raise argparse.ArgumentTypeError(f"there is no exercise {n}: use 1 to {len(EXERCISES)} "
                                         f"(see `{PROG} list`)")
    return n


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Graded exercises: build an autograd engine piece by piece.",
        epilog=f"Start with `{PROG} list`, then `{PROG} start 1`.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{list,start,check,hint}")
    sub.add_parser("list", help="list the exercises")
    start = sub.add_parser("start", help="write exercise N's template file into DIR")
    start.add_argument("n", type=_number, metavar="N")
    start.add_argument("dir", nargs="?", default=".", metavar="DIR",
                       help="folder to write into (default: the current folder)")
    start.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = sub.add_parser("check", help="grade your solution of exercise N")
    check.add_argument("n", type=_number, metavar="N")
    check.add_argument("dir", nargs="?", default=".", metavar="DIR",
                       help="folder holding your file (default: the current folder), or the file")
    check.add_argument("--reference", action="store_true",
                       help="grade the bundled reference solution instead")
    hint = sub.add_parser("hint", help="print a hint for exercise N")
    hint.add_argument("n", type=_number, metavar="N")
    return parser


def _start(n: int, directory: str, force: bool) -> int:
    folder = pathlib.Path(directory)
    path = folder / filename(n)
    if path.exists() and not force:
        print(f"{path} already exists: not overwritten (your work is safe).\n"
              f"Use `{PROG} start {n} {directory} --force` to replace it with a fresh template.",
              file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(exercise(n).TEMPLATE, encoding="utf-8")
    where = "" if directory == "." else f" {directory}"
    print(f"wrote {path}: open it, read the docstring, fill in the TODOs, then run\n"
          f"  {PROG} check {n}{where}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0: done or correct, 1: not yet, 2: usage)."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        for i, ex in enumerate(EXERCISES, start=1):
            print(f"{i:2d}. {ex.TITLE:<50} {filename(i)}")
        return 0
    if args.command == "start":
        return _start(args.n, args.dir, args.force)
    if args.command == "hint":
        print(f"Exercise {args.n}: {exercise(args.n).TITLE}\n{exercise(args.n).HINT}")
        return 0
    passed, report = run_check(args.n, args.dir, reference=args.reference)
    print(report)
    return 0 if passed else 1
