"""Seed 001: fit y = 2x^2 + 3x + 4 by per-sample SGD, with autograd instead of hand gradients.

Model y_pred = w1 x^2 + w2 x + w3, loss (y_pred - y)^2, learning rate 0.1, 100 samples
x = 0.00 .. 0.99. Each epoch updates after every sample; training stops once the epoch's mean loss
drops below 1e-4. The post's hand-derived gradients
    dL/dw1 = 2 (y_pred - y) x^2,   dL/dw2 = 2 (y_pred - y) x,   dL/dw3 = 2 (y_pred - y)
are checked against backward() at every step. It stops after 50 epochs with the post's weights.
"""

from __future__ import annotations

from _support import announce, parse_args, pyplot, save, tr

import tinygrad_edu as tg

X = [0.01 * x for x in range(100)]
Y = [2 * x**2 + 3 * x + 4 for x in X]  # the samples


def train(lr: float = 0.1, max_epochs: int = 1000, log=print):
    w1 = tg.tensor(1.0, requires_grad=True, name="w1")  # the post's "random" start: 1, 0, -1
    w2 = tg.tensor(0.0, requires_grad=True, name="w2")
    w3 = tg.tensor(-1.0, requires_grad=True, name="w3")
    params = (w1, w2, w3)
    for epoch in range(max_epochs):
        epoch_loss = 0
        for x, y_true in zip(X, Y):
            y_pred = w1 * x**2 + w2 * x + w3
            loss = (y_pred - y_true) ** 2
            epoch_loss += loss.item()
            loss.backward()
            d = 2 * (y_pred.item() - y_true)
            assert (w1.grad, w2.grad, w3.grad) == (d * x**2, d * x, d)  # the post's formulas
            with tg.no_grad():
                for w in params:
                    w -= lr * w.grad  # sgd
                    w.grad = None
        epoch_loss /= len(X)
        log("第%d轮, loss %f" % (epoch, epoch_loss))  # noqa: UP031 - the post's own format
        if epoch_loss < 0.0001:
            break
    return epoch, w1.item(), w2.item(), w3.item()


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 001: per-sample SGD fit of 2x^2 + 3x + 4", argv)
    announce(args, "001")
    epoch, w1, w2, w3 = train()
    print(f"训练后权重:w1:{w1} w2:{w2} w3:{w3}")
    print(tr(args.lang, f"(stopped after {epoch + 1} epochs: epoch loss below 1e-4)",
             f"(训练 {epoch + 1} 轮后停止:这一轮的平均 loss 已低于 1e-4)"))
    print(tr(args.lang, "(The weights are not yet 2, 3, 4: the stopping rule fires first. At every step "
                        "backward() gave the post's three hand-derived gradients exactly.)",
             "(权重还没有到 2、3、4:停止条件先触发了。每一步 backward() 算出的三个梯度都与原文手推的"
             "公式完全相同。)"))
    plt = pyplot(args.lang)
    if plt:
        Yp = [w1 * x**2 + w2 * x + w3 for x in X]  # predictions of the trained model
        fig = plt.figure()
        plt.plot(X, Yp, color="tab:blue", linewidth=2, label=tr(args.lang, "fit",
                "拟合") + f": {w1:.3f}x^2 + {w2:.3f}x + {w3:.3f}",
                 zorder=1)
        plt.scatter(
            X[::3],
            Y[::3],
            color="red",
            s=14,
            label=tr(
                args.lang, "data: 2x^2 + 3x + 4 (every 3rd sample)", "数据:2x^2 + 3x + 4(每 3 个样本画一个)"
            ),
            zorder=2,
        )
        plt.xlabel("x")
        plt.ylabel("y")
        plt.legend()
        plt.title(
            tr(
                args.lang,
                f"Seed 001: data (red) against the fit after {epoch + 1} epochs",
                f"种子 001:数据(红点)与训练 {epoch + 1} 轮后的拟合曲线",
            )
        )
        save(fig, args.out, "s001_quadratic_sgd.png", args.lang)


if __name__ == "__main__":
    main()
