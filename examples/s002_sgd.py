"""Seed 002, listing 2: per-sample SGD, printing every sample's gradient.

Unlike seed 000's SGD listing, the loss printed each epoch is computed AFTER the last update.
The post's program prints three gradient lines and one progress line for each of its 100 epochs;
by default we print the first three epochs and the last two in full (what a reader compares with
the post) and, in between, the progress line of every tenth epoch. ``--full`` prints every line.
"""

from __future__ import annotations

from _support import announce, parse_args, pyplot, save, tr
from s000_sgd import train_sgd

import tinygrad_edu as tg

SHOWN = {0, 1, 2, 98, 99}  # the epochs whose gradient lines the short output keeps


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 002: per-sample SGD on y = x*w", argv,
                      extra=lambda p: p.add_argument("--full", action="store_true",
                                                     help="print every sample's gradient, all 100 epochs"))
    announce(args, "002")
    print("Predict (before training)", 4, 4 * 1.0)
    last, grads, ws = {}, [], []

    def on_sample(x, y, grad, w):
        grads.append(f"\tgrad:  {x} {y} {grad}")
        ws.append(w.item())
        with tg.no_grad():
            last["l"] = ((w * x - y) ** 2).item()  # the post's l = loss(x, y), after the update

    w, losses = 1.0, []
    for epoch, w, _loss, _grad in train_sgd(on_sample=on_sample):
        if args.full or epoch in SHOWN:
            print("\n".join(grads))
        elif epoch == 3:
            print(tr(args.lang, "\t(epochs 3 to 97: grad lines left out, progress every 10th epoch; --full "
                                "prints every line)",
                     "\t(第 3 到 97 轮:省略 grad 行,progress 每 10 轮打印一次;加 --full 打印全部)"))
        grads.clear()
        if args.full or epoch in SHOWN or epoch % 10 == 0:
            print("progress:", epoch, "w=", w, "loss=", last["l"])
        losses.append(last["l"])
    print("Predict (after training)", 4, 4 * w)
    print(tr(args.lang, "(Here the loss is computed after the epoch's last update; seed 000's SGD listing "
                        "prints it before. Same weights, different column.)",
             "(这里的 loss 是在每轮最后一次更新之后算的;种子 000 的 SGD 代码打印的是更新之前的。"
             "权重相同,打印的量不同。)"))
    plt = pyplot(args.lang)
    if plt:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
        fig.subplots_adjust(wspace=0.3)
        ax1.plot(range(1, len(ws) + 1), ws)
        ax1.axhline(
            2.0,
            color="gray",
            linestyle="--",
            linewidth=1,
            label=tr(args.lang, "w = 2 (the exact fit)", "w = 2(精确解)"),
        )
        ax1.set_xlabel(
            tr(args.lang, "Update (3 per epoch, one per sample)", "更新次数(每轮 3 次,每个样本一次)")
        )
        ax1.set_ylabel(tr(args.lang, "w after the update", "更新后的 w"))
        ax1.legend()
        ax2.semilogy(range(len(losses)), losses)
        ax2.set_xlabel(tr(args.lang, "Epoch", "轮次(epoch)"))
        ax2.set_ylabel(tr(args.lang, "Loss after the last update (log)", "最后一次更新后的 loss(对数)"))
        fig.suptitle(
            tr(args.lang, "Seed 002: per-sample SGD on y = x*w", "种子 002:在 y = x*w 上做逐样本 SGD")
        )
        save(fig, args.out, "s002_sgd.png", args.lang)


if __name__ == "__main__":
    main()
