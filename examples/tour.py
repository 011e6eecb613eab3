"""The tour: the blog's first gradient step explained node by node, then every blog example in
order, each under a heading, then the list of plots written.

    python examples/tour.py              # everything, under a minute
    python examples/tour.py --lang zh    # the same, with the commentary in Chinese
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

from _support import DEFAULT_OUT, LANGS, post_header, tr  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import viz  # noqa: E402

# (module, seed of the post it follows or None, English title, Chinese title)
EXAMPLES = [
    ("s000_gd", "000", "Seed 000, listing 1: gradient descent on y = w*x",
     "种子 000,代码 1:在 y = w*x 上做梯度下降"),
    ("s000_sgd_zip_bug", "000", "Seed 000, listing 2: SGD with zip() inside loss() (the thinking question)",
     "种子 000,代码 2:zip() 写在 loss() 里的 SGD(思考题)"),
    ("s000_sgd", "000", "Seed 000, listing 3: per-sample SGD", "种子 000,代码 3:逐样本 SGD"),
    ("s002_gd", "002", "Seed 002, listing 1: the same GD, the post's print format",
     "种子 002,代码 1:同样的梯度下降,按原文格式打印"),
    ("s002_sgd", "002", "Seed 002, listing 2: per-sample SGD printing every gradient",
     "种子 002,代码 2:逐样本 SGD,打印每个梯度"),
    ("s001_quadratic_sgd", "001", "Seed 001: per-sample SGD fit of 2x^2 + 3x + 4",
     "种子 001:用逐样本 SGD 拟合 2x^2 + 3x + 4"),
    ("s003_minibatch", "003", "Seed 003: batch vs stochastic vs mini-batch on a 1-32-32-1 MLP",
     "种子 003:在 1-32-32-1 的 MLP 上比较批量、随机和小批量梯度下降"),
    ("s004_linreg", "004", "Seed 004: nn.Linear(1, 1) regression through optim.SGD",
     "种子 004:用 optim.SGD 训练 nn.Linear(1, 1) 做线性回归"),
    ("newton_vs_gd", "001", "Seed 001's question: why not solve f'(x) = 0? Newton's method vs GD",
     "种子 001 的思考题:为什么不直接解 f'(x) = 0?牛顿法对比梯度下降"),
    ("custom_op", None, "Extending: a new op (softplus), verified by check_op",
     "扩展:新增一个算子(softplus),用 check_op 验证"),
    ("moons", None, "A classifier: micrograd's two-moons demo (2-16-16-1 MLP, hinge loss)",
     "分类器:micrograd 的双月牙示例(2-16-16-1 MLP,合页损失)"),
    ("digits", None, "Handwritten digits: an MLP and a small CNN (cross-entropy, Adam)",
     "手写数字:MLP 与小型卷积网络(交叉熵,Adam)"),
    ("charlm", None, "A character-level language model: Embedding + GRU + Linear, truncated BPTT (short run)",
     "字符级语言模型：Embedding + GRU + Linear，截断的随时间反向传播（短训练）"),
]
KEYWORD_MAIN = {"moons", "digits"}  # main(fast=..., lang=..., out=...) instead of an argv list
HAS_FAST = {"s003_minibatch"}  # the examples whose long runs --fast shortens
SHORT_IN_TOUR = {"charlm"}  # always run in their short form (--fast) by the tour
BAR = "=" * 100


def first_step(lang: str) -> None:
    """Seed 000's first gradient-descent step, drawn as a graph and explained node by node."""
    print(f"{BAR}\n" + tr(lang, "Before the examples: the blog's first step, taken apart",
                          "开始之前:把原文的第一步拆开来看") + f"\n{BAR}")
    print(post_header("000", lang))
    print(tr(lang, """
(A "seed" is this project's number for each of the five blog posts, 000 to 004.)
Seed 000 fits y = w*x to x = (1, 2, 3), y = (2, 4, 6) from w = 1. Its first step computes the sum of
squared errors, sse = sum((w*x - y)^2), and its gradient. Here is the computational graph of sse,
drawn by tinygrad_edu.viz.to_text (the output at the top, the leaf w at the bottom):
""", """
(“种子”是本项目给五篇博客文章的编号,从 000 到 004。)
种子 000 从 w = 1 出发,用 y = w*x 拟合 x = (1, 2, 3)、y = (2, 4, 6)。第一步先算误差平方和
sse = sum((w*x - y)^2),再求它对 w 的梯度。下面是 sse 的计算图,由 tinygrad_edu.viz.to_text 画出
(最上面是输出,最下面是叶子节点 w):
"""))
    x, y = tg.tensor([1.0, 2.0, 3.0]), tg.tensor([2.0, 4.0, 6.0])
    w = tg.tensor(1.0, requires_grad=True, name="w")
    sse = ((w * x - y) ** 2).sum()
    print(viz.to_text(sse))
    print(tr(lang, """
tinygrad_edu.explain(sse) runs backward and prints what the chain rule does at each node: the
gradient that arrives from above, times the node's local derivative, is sent to its inputs.
""", """
tinygrad_edu.explain(sse) 执行反向传播,并打印链式法则在每个节点上做了什么:从上游传来的梯度
乘以该节点的局部导数,再传给它的输入。
"""))
    tg.explain(sse, lang=lang)
    grad = w.grad.item() / 3
    print(tr(lang, f"""
Divided by N = 3, w.grad = {w.grad.item()} gives the post's gradient {grad}; the update
w <- w - 0.01 * grad gives w = {1.0 - 0.01 * grad}, the first line the post prints (Epoch:0).
""", f"""
w.grad = {w.grad.item()} 除以 N = 3,就是原文的梯度 {grad};更新 w <- w - 0.01 * grad
得到 w = {1.0 - 0.01 * grad},正是原文打印的第一行(Epoch:0)。
"""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fast", action="store_true", help="shorten the long runs")
    p.add_argument("--only", help="run only the examples whose name contains this")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the plots")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of the commentary (en or zh)")
    args = p.parse_args(argv)
    lang = args.lang
    chosen = [e for e in EXAMPLES if not args.only or args.only in e[0]]
    if not chosen:
        p.error(f"no example matches {args.only!r}; names: {', '.join(e[0] for e in EXAMPLES)}")
    out = pathlib.Path(args.out)
    before = {f: f.stat().st_mtime for f in out.glob("*.png")} if out.exists() else {}
    start = time.perf_counter()
    announced = set()
    if not args.only:
        first_step(lang)
        announced.add("000")
    for name, seed, title_en, title_zh in chosen:
        print(f"\n{BAR}\n{tr(lang, title_en, title_zh)}   (examples/{name}.py)\n{BAR}", flush=True)
        if seed and seed not in announced:
            print(post_header(seed, lang) + "\n")
            announced.add(seed)
        module = importlib.import_module(name)
        if name in KEYWORD_MAIN:
            module.main(fast=args.fast, lang=lang, out=str(out))
            sys.stdout.flush()
            continue
        ex_args = ["--out", str(out), "--lang", lang, "--no-post"]
        if (args.fast and name in HAS_FAST) or name in SHORT_IN_TOUR:
            ex_args.append("--fast")
        module.main(ex_args)
        sys.stdout.flush()
    plots = sorted(f for f in out.glob("*.png") if before.get(f) != f.stat().st_mtime)
    print(tr(lang, f"\nTour finished in {time.perf_counter() - start:.1f}s. Plots written:",
             f"\n导览结束,用时 {time.perf_counter() - start:.1f} 秒。生成的图:"))
    for f in plots:
        print(f"  {f}")
    if not plots:
        print(tr(lang, '  none (install matplotlib for plots: pip install -e ".[examples]")',
                 '  无(要画图请安装 matplotlib:pip install -e ".[examples]")'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
