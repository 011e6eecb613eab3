"""Seed 000, listing 3 (the 'thinking question' version): per-sample SGD on y = w*x.

Each epoch visits the three samples in turn and updates w after each one:
    loss_n(w) = (w x_n - y_n)^2,    dloss_n/dw = 2 x_n (w x_n - y_n),    w <- w - lr * dloss_n/dw.
The printed loss and grad are those of the last sample, computed before its update, as in the post.
"""

from __future__ import annotations

from _support import announce, parse_args, plot_curve, tr
from s000_gd import X_DATA, Y_DATA

import tinygrad_edu as tg


def train_sgd(epochs: int = 100, lr: float = 0.01, w0: float = 1.0, on_sample=None):
    """Yield (epoch, w, last sample's loss, last sample's grad). ``on_sample(x, y, grad, w)`` is
    called after every update (seed 002 prints there)."""
    w = tg.tensor(w0, requires_grad=True, name="w")
    for epoch in range(epochs):
        for x, y in zip(X_DATA, Y_DATA):
            loss = (w * x - y) ** 2
            loss.backward()
            grad = w.grad.item()
            assert grad == 2 * x * (w.item() * x - y)  # the post's gradient(), exactly
            with tg.no_grad():
                w -= lr * grad
            w.grad = None
            if on_sample:
                on_sample(x, y, grad, w)
        yield epoch, w.item(), loss.item(), grad


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 000: per-sample SGD on y = w*x", argv)
    announce(args, "000")
    w = 1.0
    print(f"训练前的输入值x:{4.0}, 训练前的预测值:{w * 4.0}\n")
    print("***************************开始训练***************************")
    epochs, losses = [], []
    for epoch, w, loss, grad in train_sgd():
        print(f"Epoch:{epoch}, w={w}, loss={loss}, grad={grad}")
        epochs.append(epoch)
        losses.append(loss)
    print("***************************训练结束***************************\n")
    print(f"训练后的输入值x:{4.0}, 训练后的预测值:{w * 4}")
    print(tr(args.lang, "(Three updates per epoch, one per sample: 300 in all. Each sample's gradient "
                        "from backward() equalled the post's 2x(wx - y), checked by an assert.)",
             "(每轮三次更新,每个样本一次,共 300 次。每个样本由 backward() 算出的梯度都等于原文的 "
             "2x(wx - y),由 assert 逐次检查。)"))
    plot_curve(args.out, "s000_sgd.png", epochs, losses, tr(args.lang, "Loss", "损失(loss)"),
               tr(args.lang, "Seed 000: per-sample SGD", "种子 000:逐样本 SGD"), args.lang, logy=True)


if __name__ == "__main__":
    main()
