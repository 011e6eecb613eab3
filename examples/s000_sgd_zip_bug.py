"""Seed 000, listing 2: the SGD version with zip() *inside* loss() and gradient().

The post asks (its 'thinking question') why this version prints different losses from the one
with zip() in the training loop. The loop inside loss() only rebinds y_pred, so when it ends
x, y and y_pred belong to the last sample: every epoch makes one update from (3.0, 6.0) alone.
We keep the post's logic, with autograd doing the gradient, and print that answer.
"""

from __future__ import annotations

from _support import parse_args, plot_curve
from s000_gd import X_DATA, Y_DATA

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


def loss_of_last_sample(w: tg.Value, xs: list[float], ys: list[float]) -> tg.Value:
    """The post's loss(xs, ys): the loop leaves only the last sample's prediction."""
    for x, y in zip(xs, ys):  # noqa: B007 - the post's bug: y survives the loop, as x does
        y_pred = w * x
    return (y_pred - y) ** 2


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 000: SGD with zip() inside loss() (only the last sample trains)", argv)
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
    print(EXPLANATION)
    plot_curve(args.out, "s000_sgd_zip_bug.png", epochs, losses, "Loss",
               "Seed 000: zip() inside loss() trains on the last sample only")


if __name__ == "__main__":
    main()
