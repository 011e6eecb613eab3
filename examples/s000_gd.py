"""Seed 000, listing 1 (and seed 002, listing 1): gradient descent on y = w*x, with autograd.

The post derives the gradient of the mean squared error by hand,
    cost(w) = 1/N sum_n (w x_n - y_n)^2,    dcost/dw = 1/N sum_n 2 x_n (w x_n - y_n),
and updates w <- w - lr * dcost/dw. Here backward() computes the gradient, and the post's hand
formula runs alongside it; the two must agree at every epoch, to the last bit.

Why backward on the *sum*, then divide by N: the post adds the N terms first and divides last.
The gradient of the sum, divided by N, is that same arithmetic, so every printed number is the
post's. (The gradient of the mean scales each term by 1/N first; mathematically equal, it can
differ in the last bit at some epochs. See docs/blogs/seed-000.md.)
"""

from __future__ import annotations

from _support import announce, parse_args, plot_curve, tr

import tinygrad_edu as tg

X_DATA = [1.0, 2.0, 3.0]
Y_DATA = [2.0, 4.0, 6.0]
CHECKED_EN = ("(backward() gave the post's hand-derived gradient at every one of the 100 epochs, "
              "digit for digit: an assert checks each one.)")
CHECKED_ZH = ("（100 轮中的每一轮，backward() 算出的梯度都与原文手推公式的结果逐位相同："
              "每轮都有 assert 检查。）")


def hand_gradient(w: float, xs: list[float], ys: list[float]) -> float:
    """The post's gradient(), verbatim in arithmetic."""
    grad = 0
    for x, y in zip(xs, ys):
        grad += (w * x - y) * 2 * x
    return grad / len(xs)


def train_gd(epochs: int = 100, lr: float = 0.01, w0: float = 1.0):
    """Yield (epoch, w after the update, cost, grad) for each epoch, gradients by autograd."""
    x, y = tg.tensor(X_DATA), tg.tensor(Y_DATA)
    w = tg.tensor(w0, requires_grad=True, name="w")
    for epoch in range(epochs):
        sse = ((w * x - y) ** 2).sum()  # sum of squared errors
        sse.backward()
        cost = sse.item() / len(X_DATA)
        grad = w.grad.item() / len(X_DATA)
        assert grad == hand_gradient(w.item(), X_DATA, Y_DATA), (epoch, grad)
        with tg.no_grad():
            w -= lr * grad  # w = w - lr * dcost/dw: the heart of gradient descent
        w.grad = None
        yield epoch, w.item(), cost, grad


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 000: gradient descent on y = w*x", argv)
    announce(args, "000")
    w = 1.0
    print(f"训练前的输入值x:{4.0}, 训练前的预测值:{w * 4.0}\n")
    print("***************************开始训练***************************")
    epochs, costs = [], []
    for epoch, w, cost, grad in train_gd():
        print(f"Epoch:{epoch}, w={w}, loss={cost}, grad={grad}")
        epochs.append(epoch)
        costs.append(cost)
    print("***************************训练结束***************************\n")
    print(f"训练后的输入值x:{4.0}, 训练后的预测值:{w * 4}")
    print(tr(args.lang, CHECKED_EN, CHECKED_ZH))
    plot_curve(args.out, "s000_gd.png", epochs, costs, tr(args.lang, "Cost", "代价(cost)"),
               tr(args.lang, "Seed 000: gradient descent on y = w*x", "种子 000:在 y = w*x 上做梯度下降"),
               args.lang)


if __name__ == "__main__":
    main()
