"""Seed 003: batch, stochastic and mini-batch gradient descent on a 1-32-32-1 ReLU MLP.

Built from tinygrad_edu.nn, optim.SGD and utils.data.DataLoader, with the post's
hyperparameters: lr=1e-4, 1000 steps, batch sizes 1000 / 1 / 128 and momentum 1 / 0 / 1.
Each "epoch" of the post is really one optimizer step on one batch drawn by next(iter(loader)):
our bars, axes and text say "step".

The post says momentum 0 gives SGD and non-zero momentum gives ordinary GD. It is the batch size
that makes the difference; a second figure sweeps momentum (0, 0.9, 0.99, 1) on full batches to
show what momentum does instead. momentum=1 with no dampening sums every gradient forever, so
those runs oscillate and never settle, as they do under PyTorch.
"""

from __future__ import annotations

import numpy as np
from _support import announce, parse_args, progress, pyplot, save, tr

import tinygrad_edu as torch
import tinygrad_edu.nn as nn

NAMES = ["Batch", "Stochastic", "Minibatch"]
BATCH_SIZE = [1000, 1, 128]
MOMENTUM = [1, 0, 1]
SWEEP = [0, 0.9, 0.99, 1]

NOTE = """\
Note: what separates the three runs is the batch size (1000 samples, 1 sample, 128 samples per
step), not the momentum. Batch and Minibatch use the same momentum=1 and still differ: the
Minibatch curve is noisier because each step sees a random 128 samples. Momentum changes how past
gradients accumulate (the sweep), at any batch size; momentum=1 never forgets a gradient, so the
loss keeps oscillating."""
STEPS_NOTE = ("The post's n_epochs are really optimizer steps, one batch each: our bars and axes say "
              "\"step\", not \"epoch\".")

NOTE_ZH = """\
说明：三次训练的区别在于批量大小（每一步分别用 1000 个、1 个、128 个样本），而不在于 momentum。
Batch 和 Minibatch 用的是同一个 momentum=1，结果仍然不同：Minibatch 的曲线更抖，因为每一步只看
随机抽取的 128 个样本。momentum 决定的是过去的梯度如何累积（见扫描图），任何批量大小都可以用；
momentum=1 永远不会“忘掉”旧梯度，所以 loss 一直振荡。"""
STEPS_NOTE_ZH = ("原文的 n_epochs 其实是优化器的步数，每一步只取一个批量：所以进度条和横轴写的是"
                 "“步”（step），而不是“轮”（epoch）。")


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = nn.Linear(1, 32)
        self.hidden2 = nn.Linear(32, 32)
        self.output = nn.Linear(32, 1)

    def forward(self, x):
        x = torch.relu(self.hidden1(x))
        x = torch.relu(self.hidden2(x))
        return self.output(x)


def make_dataset(n_samples: int = 1000):
    np.random.seed(0)
    x = np.linspace(-5, 5, n_samples)
    y = 0.3 * (x**2) + np.random.randn(n_samples)
    x = torch.unsqueeze(torch.from_numpy(x).float(), 1)
    y = torch.unsqueeze(torch.from_numpy(y).float(), 1)
    return torch.utils.data.TensorDataset(x, y)


def run(dataset, batch_size: int, momentum: float, steps: int, label: str, lr: float = 0.0001,
        lang: str = "en"):
    model = Model().float()  # float32, as in the post
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    losses = []
    for _ in progress(range(steps), desc=label, total=steps, unit="step", lang=lang):
        x, y = next(iter(loader))
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 003: batch vs stochastic vs mini-batch SGD", argv,
                      fast_help="150 steps instead of 1000 (for tests)")
    announce(args, "003")
    steps = 150 if args.fast else 1000
    torch.manual_seed(0)
    dataset = make_dataset()
    losses = [run(dataset, BATCH_SIZE[i], MOMENTUM[i], steps, NAMES[i], lang=args.lang) for i in range(3)]
    for i, ls in enumerate(losses):
        tail = ls[-100:]
        print(f"{NAMES[i]}: batch_size={BATCH_SIZE[i]} momentum={MOMENTUM[i]} "
              f"first_loss={ls[0]:.6f} final_loss={ls[-1]:.6f} "
              f"mean_last100={sum(tail) / len(tail):.6f} min={min(ls):.6f} max={max(ls):.6f}")
    sweep = {m: run(dataset, 1000, m, steps, f"Batch, momentum={m}", lang=args.lang) for m in SWEEP}
    for m, ls in sweep.items():
        tail = ls[-250:]
        print(tr(args.lang, f"full batch, momentum={m}: final_loss={ls[-1]:.3f}, last 250 steps between "
                            f"{min(tail):.3f} and {max(tail):.3f}",
                 f"全批量，momentum={m}：final_loss={ls[-1]:.3f}，最后 250 步在 "
                 f"{min(tail):.3f} 和 {max(tail):.3f} 之间"))
    print()
    print(tr(args.lang, NOTE, NOTE_ZH))
    print(tr(args.lang, STEPS_NOTE, STEPS_NOTE_ZH))
    plt = pyplot(args.lang)
    if plt:
        fig, axes = plt.subplots(3, 1, figsize=(12, 10), sharex=True)
        for ax, name, ls, bs in zip(axes, NAMES, losses, BATCH_SIZE):
            ax.semilogy(range(1, len(ls) + 1), ls)
            ax.set_ylabel(tr(args.lang, "Loss (log scale)", "loss(对数坐标)"))
            ax.set_title(tr(args.lang, f"{name}: {bs} sample{'s' if bs > 1 else ''} per step",
                            f"{name}:每步 {bs} 个样本"))
        axes[-1].set_xlabel(tr(args.lang, "Optimizer step (one batch each; the post's 'epoch')",
                               "优化器步数(每步一个批次;即原文的“epoch”)"))
        save(fig, args.out, "s003_minibatch.png", args.lang)
        fig = plt.figure(figsize=(12, 4))
        for m, ls in sweep.items():
            plt.semilogy(range(1, len(ls) + 1), ls, label=f"momentum={m}")
        plt.xlabel(tr(args.lang, "Optimizer step (full batch of 1000 samples each)",
                      "优化器步数(每步用全部 1000 个样本)"))
        plt.ylabel(tr(args.lang, "Loss (log scale)", "loss(对数坐标)"))
        plt.title(tr(args.lang, "Full batch (1000 samples) at four momenta: momentum does not make SGD",
                     "全批量(1000 个样本)下的四种动量:动量不决定是不是 SGD"))
        plt.legend()
        save(fig, args.out, "s003_momentum_sweep.png", args.lang)

if __name__ == "__main__":
    main()
