"""Seed 002, listing 1: the same lecture's batch gradient descent, in the post's print format.

The training is seed 000's (s000_gd.train_gd: autograd gradient, checked against the hand
formula every epoch); only the printing differs.
"""

from __future__ import annotations

from _support import announce, parse_args, plot_curve, tr
from s000_gd import train_gd


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 002: batch gradient descent on y = x*w", argv)
    announce(args, "002")
    w = 1.0
    epochs, costs = [], []
    print("Predict (before training)", 4, 4 * w)
    for epoch, w, cost, _grad in train_gd():
        print("Epoch:", epoch, "w=", w, "loss=", cost)
        epochs.append(epoch)
        costs.append(cost)
    print("Predict (after training)", 4, 4 * w)
    print(tr(args.lang, "(The same numbers as seed 000's first listing: the same lecture code, printed in "
                        "this post's format.)",
             "(数字与种子 000 的第一段代码完全相同:同一讲的代码,只是按本文的格式打印。)"))
    plot_curve(
        args.out,
        "s002_gd.png",
        epochs,
        costs,
        tr(args.lang, "Cost (log scale)", "代价(对数坐标)"),
        tr(args.lang, "Seed 002: batch gradient descent on y = x*w", "种子 002:在 y = x*w 上做批量梯度下降"),
        args.lang,
        logy=True,
    )


if __name__ == "__main__":
    main()
