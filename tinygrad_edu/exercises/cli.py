"""The command line of the path: ``python -m tinygrad_edu.exercises list|show|start|reset|check|hint``,
each with ``--lang en|zh``."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import unicodedata
from typing import Sequence

from . import EXERCISES, exercise, filename, hints, numbered, run_check, template, title

__all__ = ["main", "HINT_STATE"]

PROG = "python -m tinygrad_edu.exercises"
HINT_STATE = ".tinygrad_edu_hints.json"  # in the learner's folder: how many hints of each step were shown


def _number(text: str) -> int:
    """argparse type of a step number: a clear usage error for anything else."""
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
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("en", "zh"), default=argparse.SUPPRESS,
                        help="language of texts, reports and hints (zh: Chinese)")
    parser = argparse.ArgumentParser(
        prog=PROG, parents=[common],
        description="Build your own autograd: a graded path, step by step, in your own files.",
        epilog=f"Start with `{PROG} list`, then `{PROG} start 1`. 中文：加上 --lang zh。")
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{list,show,start,reset,check,hint}")
    sub.add_parser("list", parents=[common], help="list the steps")
    show = sub.add_parser("show", parents=[common], help="print step N's text")
    show.add_argument("n", type=_number, metavar="N")
    for verb, text in (("start", "write step N's template file into DIR"),
                       ("reset", "write a fresh template of step N over your file (kept as .bak)")):
        cmd = sub.add_parser(verb, parents=[common], help=text)
        cmd.add_argument("n", type=_number, metavar="N")
        cmd.add_argument("dir", nargs="?", default=".", metavar="DIR",
                         help="folder to write into (default: the current folder)")
        if verb == "start":
            cmd.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = sub.add_parser("check", parents=[common], help="grade your solution of step N")
    check.add_argument("n", type=_number, metavar="N")
    check.add_argument("dir", nargs="?", default=".", metavar="DIR",
                       help="folder holding your file (default: the current folder), or the file")
    check.add_argument("--reference", action="store_true",
                       help="grade the bundled reference solution instead")
    hint = sub.add_parser("hint", parents=[common],
                          help="a hint for step N: the idea first; ask again to get closer")
    hint.add_argument("n", type=_number, metavar="N")
    hint.add_argument("dir", nargs="?", default=".", metavar="DIR",
                      help="your folder, where the hints already seen are remembered (default: .)")
    hint.add_argument("--level", type=int, default=None, metavar="K",
                      help="show hint level K (1: the idea; the last may show the answer)")
    return parser


def _write(n: int, directory: str, lang: str, force: bool, reset: bool) -> int:
    zh = lang == "zh"
    folder = pathlib.Path(directory)
    path = folder / filename(n)
    if path.exists() and not (force or reset):
        print((f"{path} 已经存在：没有覆盖（你的代码是安全的）。\n要换成新的模板，用 `{PROG} reset {n} "
               f"{directory}`"
               f"（旧文件会保存为 .bak）。") if zh else
              (f"{path} already exists: not overwritten (your work is safe).\n"
               f"Use `{PROG} reset {n} {directory}` to replace it with a fresh template (the old file is "
               f"kept "
               f"as .bak)."), file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    if reset and path.exists():
        path.with_suffix(".py.bak").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    path.write_text(template(n, lang), encoding="utf-8")
    where = "" if directory == "." else f" {directory}"
    flag = " --lang zh" if zh else ""
    print(f"已写入 {path}：打开它，读文档字符串，填好 TODO，然后运行\n  {PROG} check "
          f"{n}{where}{flag}" if zh else
          f"wrote {path}: open it, read the docstring, fill in the TODOs, then run\n  {PROG} check "
          f"{n}{where}")
    return 0


def _hint(n: int, directory: str, lang: str, level: int | None) -> int:
    levels = hints(n, lang)
    state_path = pathlib.Path(directory) / HINT_STATE
    state: dict[str, int] = {}
    if level is None:
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        level = min(int(state.get(str(n), 0)) + 1, len(levels))
    level = max(1, min(level, len(levels)))
    zh = lang == "zh"
    head = f"练习 {n}：{title(n, lang)}，提示 {level}/{len(levels)}" if zh else \
        f"Exercise {n}: {title(n, lang)}, hint {level} of {len(levels)}"
    print(f"{head}\n{levels[level - 1]}")
    if level < len(levels):
        print(f"（还卡着？再运行一次 `{PROG} hint {n} --lang zh`，提示会更具体。）" if zh else
              f"(still stuck? run `{PROG} hint {n}` again for a closer hint)")
    if state_path.parent.is_dir():
        state[str(n)] = max(level, int(state.get(str(n), 0)))
        try:
            state_path.write_text(json.dumps(state), encoding="utf-8")
        except OSError:
            pass  # a read-only folder: the hint is printed all the same
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0: done or correct, 1: not yet, 2: usage)."""
    args = _parser().parse_args(argv)
    lang = getattr(args, "lang", "en")
    if args.command == "list":
        for i in range(1, len(EXERCISES) + 1):
            name = title(i, lang)
            pad = 50 - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in name)
            print(f"{i:2d}. {name}{' ' * max(pad, 1)}{filename(i)}")
        return 0
    if args.command == "show":
        ex = exercise(args.n)
        text = numbered(ex.TEXT_ZH) if lang == "zh" else template(args.n).split('"""')[1].strip()
        print(f"{args.n}. {title(args.n, lang)}\n\n{text}" if lang == "zh" else text)
        return 0
    if args.command in ("start", "reset"):
        return _write(args.n, args.dir, lang, getattr(args, "force", False), args.command == "reset")
    if args.command == "hint":
        return _hint(args.n, args.dir, lang, args.level)
    passed, report = run_check(args.n, args.dir, reference=args.reference, lang=lang)
    print(report)
    return 0 if passed else 1
