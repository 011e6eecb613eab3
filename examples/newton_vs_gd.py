"""Newton's method against gradient descent on seed 001's quadratic fit.

Seed 001 asks why deep learning does not just solve f'(w) = 0. For its least-squares problem,
    L(w) = 1/N sum_n (w1 x_n^2 + w2 x_n + w3 - y_n)^2,
the loss is quadratic in w, so one Newton step w <- w - H^-1 grad L lands on the minimum exactly.
Both H (the Hessian) and grad L come from autograd: the Hessian is the gradient of the gradient,
built with create_graph=True. The post's SGD needs 50 epochs (5000 updates) to get close.

Newton needs the Hessian, a P x P matrix for P parameters: fine for 3, impossible for the millions
of a network, and a neural network's loss is not quadratic, so one step would not be enough
anyway. That is why deep learning walks downhill instead.
"""

from __future__ import annotations

import numpy as np
from _support import announce, parse_args, pyplot, save, tr
from s001_quadratic_sgd import X, Y
from s001_quadratic_sgd import train as train_sgd

import tinygrad_edu as tg
from tinygrad_edu.autograd import grad
from tinygrad_edu.autograd.functional import hessian

FEATURES = tg.tensor([[x * x, x, 1.0] for x in X])  # one row (x^2, x, 1) per sample
TARGET = tg.tensor(Y)


def loss_fn(w: tg.Value) -> tg.Value:
    return ((FEATURES @ w - TARGET) ** 2).mean()


def newton(w0, steps: int = 2):
    w = tg.tensor(w0, requires_grad=True)
    history = [loss_fn(w).item()]
    for _ in range(steps):
        (g,) = grad(loss_fn(w), w)
        H = hessian(loss_fn, w).numpy()
        with tg.no_grad():
            w -= np.linalg.solve(H, g.numpy())
        history.append(loss_fn(w).item())
    return w.detach().numpy(), history, H


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 001: Newton's method vs gradient descent", argv)
    announce(args, "001")
    lang = args.lang
    w0 = [1.0, 0.0, -1.0]  # the post's starting weights
    w, history, H = newton(w0)
    print(tr(lang, "Hessian of the loss at the start (from autograd, create_graph=True):",
             "起点处 loss 的黑塞矩阵(Hessian,由自动微分在 create_graph=True 下求得):"))
    print(np.array2string(H, precision=4))
    step = tr(lang, "Newton, step", "牛顿法,第")
    after = tr(lang, ": ", " 步：")
    print(f"{step} 0{after}loss {history[0]:.6f}")
    print(f"{step} 1{after}loss {history[1]:.3e}, w1={w[0]:.12f} w2={w[1]:.12f} w3={w[2]:.12f}")
    print(f"{step} 2{after}loss {history[2]:.3e} " + tr(lang, "(nothing left to gain: step 1 was exact)",
                                                          "(已无可改进:第 1 步就是精确解)"))
    epoch_losses = []
    epoch, w1, w2, w3 = train_sgd(log=lambda line: epoch_losses.append(float(line.split()[-1])))
    print(tr(lang, f"The post's per-sample SGD: {epoch + 1} epochs ({100 * (epoch + 1)} updates) to reach ",
             f"原文的逐样本 SGD:用了 {epoch + 1} 轮({100 * (epoch + 1)} 次更新)才到达 ")
          + f"loss {epoch_losses[-1]:.6f}, w1={w1:.6f} w2={w2:.6f} w3={w3:.6f}")
    assert history[1] < 1e-20 and np.allclose(w, [2.0, 3.0, 4.0], atol=1e-9)
    plt = pyplot(lang)
    if plt:
        fig = plt.figure()
        plt.semilogy(
            range(1, len(epoch_losses) + 1),
            epoch_losses,
            label=tr(lang, "SGD (the post), per epoch", "SGD(原文),每轮"),
        )
        plt.semilogy(
            [0, 1],
            [history[0], max(history[1], 1e-30)],
            "o-",
            label=tr(lang, "Newton, per step", "牛顿法,每步"),
        )
        plt.xlabel(tr(lang, "Epoch / Newton step", "轮次 / 牛顿法步数"))
        plt.ylabel(tr(lang, "Loss", "损失(loss)"))
        plt.title(
            tr(
                lang,
                "Seed 001: one Newton step solves the quadratic fit; SGD takes 50 epochs",
                "种子 001:牛顿法一步解出二次拟合,SGD 要 50 轮",
            )
        )
        plt.legend()
        save(fig, args.out, "newton_vs_gd.png", lang)


if __name__ == "__main__":
    main()
