"""Seed 000, listing 2: the SGD version with zip() *inside* loss() and gradient().

The post asks (its 'thinking question') why this version prints different losses from the one
with zip() in the training loop. The loop inside loss() only rebinds y_pred, so when it ends
x, y and y_pred belong to the last sample: every epoch makes one update from (3.0, 6.0) alone.
We keep the post's logic, with autograd doing the gradient, and print that answer.
"""

from __future__ import annotations

from _support import announce, parse_args, pyplot, save, tr
from s000_gd import X_DATA, Y_DATA
from s000_sgd import train_sgd

import tinygrad_edu as tg

EXPLANATION = """\
Why the losses differ (the post's thinking question):
  In this version zip() runs inside loss() and gradient(). Their for-loops only rebind y_pred,
  so after the loop x, y and y_pred are those of the LAST sample (x=3.0, y=6.0). Each epoch
  therefore makes ONE update from one sample, and the printed loss is that sample's loss
  before the update: epoch 0 prints loss=(1*3-6)^2=9.0 and grad=2*3*(3-6)=-18.0.
  With zip() in the training loop, each epoch makes THREE updates, one per sample, and prints
  the last sample's loss after two updates already happened: loss=7.315943039999998.
  Same data, same learning rate: different algorithms, so different numbers."""

EXPLANATION_ZH = """\
为什么两个版本的 loss 不同（原文的思考题）：
  这个版本把 zip() 写在了 loss() 和 gradient() 里面。函数里的 for 循环只是反复给 y_pred 重新赋值，
  循环结束后 x、y 和 y_pred 都停在最后一个样本上（x=3.0, y=6.0）。所以每一轮只用这一个样本
  做一次更新，打印的是更新前这个样本的 loss：第 0 轮打印 loss=(1*3-6)^2=9.0，grad=2*3*(3-6)=-18.0。
  把 zip() 写在训练循环里时，每一轮做三次更新，每个样本一次，打印的是最后一个样本的 loss，
  此时前两次更新已经做完：loss=7.315943039999998。
  数据相同、学习率相同，算法不同，数字自然不同。"""


def loss_of_last_sample(w: tg.Value, xs: list[float], ys: list[float]) -> tg.Value:
    """The post's loss(xs, ys): the loop leaves only the last sample's prediction."""
    for x, y in zip(xs, ys):  # noqa: B007 - the post's bug: y survives the loop, as x does
        y_pred = w * x
    return (y_pred - y) ** 2


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 000: SGD with zip() inside loss() (only the last sample trains)", argv)
    announce(args, "000")
    w = tg.tensor(1.0, requires_grad=True, name="w")
    print(f"训练前的输入值x:{4.0}, 训练前的预测值:{w.item() * 4.0}\n")
    print("***************************开始训练***************************")
    epochs, losses = [], []
    for epoch in range(100):
        loss = loss_of_last_sample(w, X_DATA, Y_DATA)
        loss.backward()
        grad = w.grad.item()
        x, y = X_DATA[-1], Y_DATA[-1]
        assert grad == 2 * x * (w.item() * x - y)  # the post's gradient(xs, ys)
        with tg.no_grad():
            w -= 0.01 * grad
        w.grad = None
        print(f"Epoch:{epoch}, w={w.item()}, loss={loss.item()}, grad={grad}")
        epochs.append(epoch)
        losses.append(loss.item())
    print("***************************训练结束***************************\n")
    print(f"训练后的输入值x:{4.0}, 训练后的预测值:{w.item() * 4}")
    print()
    print(tr(args.lang, EXPLANATION, EXPLANATION_ZH))
    plt = pyplot(args.lang)
    if plt:
        correct = [loss for _epoch, _w, loss, _grad in train_sgd()]  # s000_sgd.py, zip() in the loop
        fig = plt.figure(figsize=(8, 4.5))
        plt.semilogy(
            epochs,
            losses,
            color="tab:red",
            label=tr(
                args.lang,
                "zip() inside loss(): 1 update per epoch, last sample only",
                "zip() 写在 loss() 里:每轮 1 次更新,只用最后一个样本",
            ),
        )
        plt.semilogy(
            epochs,
            correct,
            color="tab:blue",
            label=tr(
                args.lang,
                "correct per-sample SGD (s000_sgd.py): 3 updates per epoch",
                "正确的逐样本 SGD(s000_sgd.py):每轮 3 次更新",
            ),
        )
        plt.xlabel(tr(args.lang, "Epoch", "轮次(epoch)"))
        plt.ylabel(tr(args.lang, "Loss printed each epoch (log scale)", "每轮打印的 loss(对数坐标)"))
        plt.title(
            tr(
                args.lang,
                "Seed 000's thinking question: the zip() slip against correct SGD",
                "种子 000 的思考题:写错位置的 zip() 与正确的 SGD",
            )
        )
        plt.legend(loc="upper right", fontsize=9)
        save(fig, args.out, "s000_sgd_zip_bug.png", args.lang)


if __name__ == "__main__":
    main()
