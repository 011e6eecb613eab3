"""What every example shares: its command line (--out, --lang), the output folder, the blog post it
follows, optional matplotlib and tqdm.

The examples run without matplotlib or tqdm; they then say how to get plots and progress bars.
``--lang zh`` prints the commentary in Chinese, with Chinese punctuation (``zh_punct``), and labels
the plots in Chinese (with a CJK font when one is installed); the numbers (and the posts' own
Chinese output lines) are the same in both languages.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Iterable

DEFAULT_OUT = pathlib.Path(__file__).resolve().parent / "out"
INSTALL_HINT = 'pip install -e ".[examples]"'
LANGS = ("en", "zh")


@dataclass(frozen=True)
class Post:
    """A blog post as our copy of it names it. None of the scraped copies keeps the post's own
    address: ``url`` is the closest address the copy gives (the author's blog, or None), and the
    ``source`` texts say where the copy comes from (and hold that address)."""

    seed: str
    title: str  # the original, Chinese title
    title_en: str  # our English rendering of it
    source_en: str
    source_zh: str
    url: str | None = None

    def page(self, lang: str) -> str:
        return f"docs/blogs/seed-{self.seed}{'.zh' if lang == 'zh' else ''}.md"


POSTS = {
    "000": Post("000", "梯度下降和随机梯度下降SGD的数学表达式及PyTorch代码实现",
                "Gradient descent and SGD: the math and the PyTorch code",
                "William Baker, 2021-11-24 (a repost; the original is on the author's CSDN blog, "
                "https://blog.csdn.net/weixin_43051346)",
                "William Baker，2021-11-24（转载稿；原文在作者的 CSDN 博客 "
                "https://blog.csdn.net/weixin_43051346）",
                "https://blog.csdn.net/weixin_43051346"),
    "001": Post("001", "梯度下降算法", "The gradient descent algorithm",
                "a CSDN blog post (its tip box names zeon3paang); our copy keeps no address",
                "CSDN 博客文章（打赏栏署名 zeon3paang）；存档未保留网址"),
    "002": Post("002", "Pytorch系列笔记(三)", "PyTorch notes, part 3",
                "a CSDN blog post on lecture 3 of 《PyTorch深度学习实践》; our copy keeps no address",
                "CSDN 博客文章，讲的是《PyTorch深度学习实践》第 3 讲；存档未保留网址"),
    "003": Post("003", "6.5 小批量梯度下降法", "6.5 Mini-batch gradient descent",
                "梗直哥丶, 2023-02-22 (a repost on a prose site); our copy keeps no address",
                "梗直哥丶，2023-02-22（散文网上的转载）；存档未保留网址"),
    "004": Post("004", "Pytorch 梯度下降算法【1/9】随机梯度下降(Stochastic Gradient Descent, SGD)",
                "PyTorch gradient descent algorithms [1/9]: stochastic gradient descent (SGD)",
                "林欣 (Lin Xin), HUAWEI CLOUD community, 2023-07-25; our copy keeps no address",
                "林欣，华为云社区，2023-07-25；存档未保留网址"),
}


def parse_args(description: str, argv: list[str] | None = None, fast_help: str | None = None,
               extra: Any = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", default=os.environ.get("TINYGRAD_EDU_OUT", str(DEFAULT_OUT)),
                   help="folder for the plots (default: examples/out)")
    p.add_argument("--lang", choices=LANGS, default="en",
                   help="language of the commentary: en (default) or zh; the numbers are the same")
    p.add_argument("--no-post", action="store_true", help=argparse.SUPPRESS)  # the tour names it once
    if fast_help:
        p.add_argument("--fast", action="store_true", help=fast_help)
    if extra:
        extra(p)
    return p.parse_args(argv)


# CJK ideographs, CJK and full-width punctuation: what an ASCII mark beside them makes "Chinese".
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_FULL = {",": "，", ":": "：", ";": "；"}


def zh_punct(text: str) -> str:
    """Full-width punctuation where Chinese text meets ASCII ``, : ; ( )``: ``(...)`` becomes
    ``（...）`` when it holds Chinese or opens right after it, and ``, : ;`` next to Chinese become ``，：；``
    (eating the space after). Code such as ``2x(wx - y)`` or ``loss=(1*3-6)^2`` stays as it is."""
    def paren(m: re.Match) -> str:
        before, body = m.group(1), m.group(2)
        chinese = re.search("[\u4e00-\u9fff]", body) or re.search(f"[{_CJK}]", before)
        return f"{before}（{body}）" if chinese else m.group(0)  # not x = (1, 2, 3)、

    for _ in range(3):  # innermost pairs first, then the pairs around them
        text = re.sub(r"(^|.)\(((?:[^()\n]|\(\))*)\)", paren, text, flags=re.M)  # calls f() inside
    text = re.sub(f"(?<=[{_CJK}])([,:;]) ?", lambda m: _FULL[m.group(1)], text)
    return re.sub(f"([,:;]) ?(?=[{_CJK}])", lambda m: _FULL[m.group(1)], text)


def tr(lang: str, en: str, zh: str) -> str:
    """The commentary in the chosen language (Chinese with Chinese punctuation)."""
    return zh_punct(zh) if lang == "zh" else en


def post_header(seed: str, lang: str) -> str:
    """One line naming the blog post an example follows: its title, where it comes from, our page."""
    post = POSTS[seed]
    if lang == "zh":
        # the title stays exactly as the post spells it
        return f"原文（种子 {seed}）：《{post.title}》，{post.source_zh}。本站讲解：{post.page(lang)}"
    return (f"Blog post (seed {seed}): 《{post.title}》 (\"{post.title_en}\"), {post.source_en}. "
            f"Our page: {post.page(lang)}")


def announce(args: argparse.Namespace, seed: str) -> None:
    """Print the post's header, unless the tour already did."""
    if not args.no_post:
        print(post_header(seed, args.lang))
        print()


# Fonts with Chinese glyphs, the common ones first (Linux, Windows, macOS); the first installed one
# labels the plots under --lang zh.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
             "Arial Unicode MS")
_FONT_NOTE_SHOWN = []


def cjk_font() -> str | None:
    """The first installed font of CJK_FONTS, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def pyplot(lang: str = "en") -> Any:
    """matplotlib.pyplot with a file-only backend, or None (and a hint) when it is missing.
    Under ``lang="zh"`` the labels are Chinese: a CJK font is chosen, or a note says which to install."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(tr(lang, f"(matplotlib is not installed, so no plot; for plots: {INSTALL_HINT})",
                 f"(没有安装 matplotlib,所以不画图;要画图请运行:{INSTALL_HINT})"))
        return None
    if lang == "zh":
        font = cjk_font()
        if font:
            plt.rcParams["font.sans-serif"] = [font, *plt.rcParams["font.sans-serif"]]
            plt.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack the minus sign
        else:
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            if not _FONT_NOTE_SHOWN:
                _FONT_NOTE_SHOWN.append(True)
                print(zh_punct("(没有找到中文字体,图里的中文会显示成方框;"
                               "可安装 Noto Sans CJK,如 Debian/Ubuntu 上的 fonts-noto-cjk)"), file=sys.stderr)
    return plt


def save(fig: Any, out: str, name: str, lang: str = "en") -> pathlib.Path:
    folder = pathlib.Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    fig.savefig(path, dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(tr(lang, f"plot written: {path}", f"图已保存:{path}"))
    return path


def plot_curve(out: str, name: str, xs: list, ys: list, ylabel: str, title: str, lang: str = "en",
               xlabel: str | None = None, logy: bool = False) -> None:
    """One line plot of a loss against epochs, labelled like the post's, saved as out/name.
    ``xlabel`` None: "Epoch" (in Chinese under ``lang="zh"``)."""
    plt = pyplot(lang)
    if plt:
        fig = plt.figure()
        plt.plot(xs, ys)
        if logy:
            plt.yscale("log")
        plt.ylabel(ylabel)
        plt.xlabel(xlabel or tr(lang, "Epoch", "轮次(epoch)"))
        plt.title(title)
        save(fig, out, name, lang)


def progress(iterable: Iterable, desc: str, total: int, unit: str = "epoch", lang: str = "en") -> Iterable:
    """A tqdm bar, or plain progress lines without tqdm."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _plain_progress(iterable, desc, total, unit, lang)
    return tqdm(iterable, desc=desc, total=total, leave=True, unit=f" {unit}", file=sys.stderr)


def _plain_progress(iterable: Iterable, desc: str, total: int, unit: str, lang: str) -> Iterable:
    every = max(total // 4, 1)
    hint = tr(lang, f"tqdm not installed: {INSTALL_HINT}", f"没有安装 tqdm:{INSTALL_HINT}")
    for i, item in enumerate(iterable):
        if i % every == 0 or i == total - 1:
            print(f"{desc}: {i + 1}/{total} {unit} ({hint})", file=sys.stderr)
        yield item
