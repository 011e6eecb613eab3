"""The command line of the path: ``python -m tinygrad_edu.exercises list|show|start|reset|check|hint``,
each with ``--lang en|zh``."""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys
import unicodedata
from typing import Sequence

from . import EXERCISES, exercise, filename, hints, numbered, run_check, template, title

__all__ = ["main", "HINT_STATE"]

PROG = "python -m tinygrad_edu.exercises"
HINT_STATE = ".tinygrad_edu_hints.json"  # in the learner's folder: how many hints of each step were shown


_ZH = [False]  # --lang zh on the command line: argparse's help and errors in Chinese too

# argparse's own messages, in Chinese under --lang zh
_ARGPARSE_ZH = ((r"the following arguments are required: ", "缺少这些参数："),
                (r"^argument ([^:]+): ", r"参数 \1："), (r"invalid choice: (.*) \(choose from (.*)\)",
                                                        r"无效的选择：\1（可选：\2）"),
                (r"unrecognized arguments: ", "无法识别的参数："),
                (r"expected one argument", "需要一个参数值"),
                (r"invalid int value: (.*)", r"\1 不是整数"))


def _width(text: str) -> int:
    """The display width of text in a terminal: a wide (CJK, full-width) character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _t(en: str, zh: str) -> str:
    return zh if _ZH[0] else en


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, _t("usage: ", "用法：") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its headings and errors in Chinese under --lang zh."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        parents = kwargs.pop("parents", [])
        super().__init__(*args, **kwargs)
        if _ZH[0]:  # before the parents' options are merged in, so that their groups' titles match
            self._positionals.title = "位置参数"
            self._optionals.title = "选项"
            for action in self._actions:
                if isinstance(action, argparse._HelpAction):
                    action.help = "显示这段帮助并退出"
        for parent in parents:
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def format_help(self) -> str:
        text = super().format_help()
        return re.sub(r"^(位置参数|选项):$", r"\1：", text, flags=re.M) if _ZH[0] else text

    def error(self, message: str):  # type: ignore[no-untyped-def]
        if not _ZH[0]:
            super().error(message)
        for en, zh in _ARGPARSE_ZH:
            message = re.sub(en, zh, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _number(text: str) -> int:
    """argparse type of a step number: a clear usage error for anything else."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_t(f"{text!r} is not an exercise number: use 1 to "
                                            f"{len(EXERCISES)} (see `{PROG} list`)",
                                            f"{text!r} 不是练习的编号：请用 1 到 {len(EXERCISES)}"
                                            f"（见 `{PROG} list --lang zh`）")) from None
    if not 1 <= n <= len(EXERCISES):
        raise argparse.ArgumentTypeError(_t(f"there is no exercise {n}: use 1 to {len(EXERCISES)} "
                                            f"(see `{PROG} list`)",
                                            f"没有练习 {n}：请用 1 到 {len(EXERCISES)}"
                                            f"（见 `{PROG} list --lang zh`）"))
    return n


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=("en", "zh"), default=argparse.SUPPRESS,
                        help=_t("language of texts, reports and hints (zh: Chinese)",
                                "文本、报告和提示的语言（zh：中文）"))
    parser = _Parser(
        prog=PROG, parents=[common],
        description=_t("Build your own autograd: a graded path, step by step, in your own files.",
                       "自己动手搭一个自动微分引擎：一条逐步检查的练习路线，代码都写在你自己的文件里。"),
        epilog=_t(f"Start with `{PROG} list`, then `{PROG} start 1`. 中文：加上 --lang zh。",
                  f"先运行 `{PROG} list --lang zh`，再运行 `{PROG} start 1 --lang zh`。"))
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{list,show,start,reset,check,hint}")
    folder = _t("folder to write into (default: the current folder)", "写入的文件夹（默认：当前文件夹）")
    sub.add_parser("list", parents=[common], help=_t("list the steps", "列出所有步骤"))
    show = sub.add_parser("show", parents=[common], help=_t("print step N's text", "显示第 N 步的说明"))
    show.add_argument("n", type=_number, metavar="N")
    for verb, text in (("start", _t("write step N's template file into DIR", "把第 N 步的模板文件写进 DIR")),
                       ("reset", _t("write a fresh template of step N over your file (kept as .bak)",
                                    "用第 N 步的新模板覆盖你的文件（旧文件保存为 .bak）"))):
        cmd = sub.add_parser(verb, parents=[common], help=text)
        cmd.add_argument("n", type=_number, metavar="N")
        cmd.add_argument("dir", nargs="?", default=".", metavar="DIR", help=folder)
        if verb == "start":
            cmd.add_argument("--force", action="store_true",
                             help=_t("overwrite an existing file", "覆盖已有的文件"))
    check = sub.add_parser("check", parents=[common], help=_t("grade your solution of step N",
                                                              "检查你对第 N 步的解答"))
    check.add_argument("n", type=_number, metavar="N")
    check.add_argument("dir", nargs="?", default=".", metavar="DIR",
                       help=_t("folder holding your file (default: the current folder), or the file",
                               "放着你的文件的文件夹（默认：当前文件夹），或者文件本身"))
    check.add_argument("--reference", action="store_true",
                       help=_t("grade the bundled reference solution instead", "改为检查自带的参考答案"))
    hint = sub.add_parser("hint", parents=[common],
                          help=_t("a hint for step N: the idea first; ask again to get closer",
                                  "第 N 步的提示：先给思路；再问一次会更具体"))
    hint.add_argument("n", type=_number, metavar="N")
    hint.add_argument("dir", nargs="?", default=".", metavar="DIR",
                      help=_t("your folder, where the hints already seen are remembered (default: .)",
                              "你的文件夹，记录已经看过的提示（默认：.）"))
    hint.add_argument("--level", type=int, default=None, metavar="K",
                      help=_t("show hint level K (1: the idea; the last may show the answer)",
                              "显示第 K 级提示（1：思路；最后一级可能给出答案）"))
    return parser


def _write(n: int, directory: str, lang: str, force: bool, reset: bool) -> int:
    zh = lang == "zh"
    folder = pathlib.Path(directory)
    path = folder / filename(n)
    if path.exists() and not (force or reset):
        print((f"{path} 已经存在：没有覆盖（你的代码是安全的）。\n要换成新的模板，用 `{PROG} reset {n} "
               f"{directory} --lang zh`"
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
    argv = list(sys.argv[1:] if argv is None else argv)
    # the language first, so that argparse's help and errors speak it too (the last --lang wins)
    langs = [v for i, a in enumerate(argv) for v in ([argv[i + 1]] if a == "--lang" and i + 1 < len(argv)
                                                     else [a[7:]] if a.startswith("--lang=") else [])]
    _ZH[0] = bool(langs) and langs[-1] == "zh"
    args = _parser().parse_args(argv)
    lang = getattr(args, "lang", "en")
    if args.command == "list":
        names = [title(i, lang) for i in range(1, len(EXERCISES) + 1)]
        column = max(_width(name) for name in names) + 2  # the file names line up, whatever the title
        for i, name in enumerate(names, start=1):
            print(f"{i:2d}. {name}{' ' * (column - _width(name))}{filename(i)}")
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
