"""micrograd's two-moons demo, mirrored: a 2-16-16-1 MLP learns a curved decision boundary.

As in karpathy/micrograd's demo.ipynb: 100 points of two interleaving half circles (noise 0.1),
labels -1/+1, weights drawn uniformly from [-1, 1] and zero biases, the max-margin (hinge) loss
``mean(relu(1 - y * score))`` plus L2 regularisation ``1e-4 * sum(p**2)``, full-batch SGD for 100
steps with the learning rate ``1.0 - 0.9 * k / 100``, and the decision boundary drawn over a grid.
Here the schedule is ``optim.lr_scheduler.LambdaLR`` and the data comes from numpy alone (the
notebook calls sklearn's ``make_moons``; :func:`make_moons` below is the same recipe).

    python examples/moons.py            # prints accuracy every 10 steps, writes moons.png
    python examples/moons.py --fast     # the same training, a coarser plot grid
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np
from _support import DEFAULT_OUT, parse_args, pyplot, save

import tinygrad_edu as torch
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

STEPS = 100
ALPHA = 1e-4
TEXT = {
    "en": {"data": "two moons: {n} points, noise {noise}, labels -1/+1",
           "model": "model: 2-16-16-1 MLP, {n} parameters",
           "step": "step {k:3d} lr {lr:.3f} loss {loss:.6f}, accuracy {acc:.0f}%",
           "final": "final accuracy {acc:.0f}% after {steps} steps ({secs:.2f}s)",
           "title": "Two moons: decision boundary of a 2-16-16-1 MLP (accuracy {acc:.0f}%)"},
    "zh": {"data": "双月数据：{n} 个点，噪声 {noise}，标签 -1/+1",
           "model": "模型：2-16-16-1 多层感知机，共 {n} 个参数",
           "step": "第 {k:3d} 步 学习率 {lr:.3f} 损失 {loss:.6f}，准确率 {acc:.0f}%",
           "final": "训练 {steps} 步后准确率 {acc:.0f}%（{secs:.2f} 秒）",  # plot titles stay English:
           # matplotlib's default font has no CJK glyphs
           "title": "Two moons: decision boundary of a 2-16-16-1 MLP (accuracy {acc:.0f}%)"},
}


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as ``sklearn.datasets.make_moons`` builds them.

    The upper moon is (cos t, sin t), the lower one (1 - cos t, 0.5 - sin t), t in [0, pi]; the
    points are shuffled and Gaussian noise of standard deviation ``noise`` is added. Labels 0/1.
    """
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out, t_in = np.linspace(0, math.pi, n_out), np.linspace(0, math.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    order = rng.permutation(n_samples)
    x, y = x[order], y[order]
    return x + rng.normal(scale=noise, size=x.shape), y


def make_model() -> nn.Module:
    """micrograd's MLP(2, [16, 16, 1]): ReLU after every layer but the last, weights U(-1, 1),
    biases 0."""
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    for layer in (model[0], model[2], model[4]):
        nn.init.uniform_(layer.weight, -1.0, 1.0)
        nn.init.zeros_(layer.bias)
    return model


def svm_loss(model: nn.Module, x, y) -> tuple:
    """(hinge loss + L2 penalty, accuracy): the notebook's ``loss()``, batched."""
    scores = model(x).reshape(-1)
    data_loss = F.relu(1 - y * scores).mean()
    reg_loss = ALPHA * sum((p * p).sum() for p in model.parameters())
    accuracy = float(np.mean((y.numpy() > 0) == (scores.detach().numpy() > 0)))
    return data_loss + reg_loss, accuracy


def train(x_np: np.ndarray, y_np: np.ndarray, steps: int = STEPS, seed: int = 0,
          log=print, every: int = 10, lang: str = "en") -> tuple[nn.Module, list[float], list[float]]:
    torch.manual_seed(seed)
    model = make_model()
    x, y = torch.tensor(x_np), torch.tensor(y_np * 2.0 - 1)  # labels -1 / +1 as in the notebook
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda k: 1.0 - 0.9 * k / 100)
    losses, accuracies = [], []
    for k in range(steps):
        loss, acc = svm_loss(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        lr = optimizer.param_groups[0]["lr"]
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        accuracies.append(acc)
        if k % every == 0 or k == steps - 1:
            log(TEXT[lang]["step"].format(k=k, lr=lr, loss=loss.item(), acc=acc * 100))
    return model, losses, accuracies


def plot_boundary(model: nn.Module, x: np.ndarray, y: np.ndarray, out: str, h: float, title: str,
                  lang: str = "en") -> None:
    """The notebook's picture: the sign of the score over a grid (contourf), the points on top."""
    plt = pyplot()
    if not plt:
        return
    x_min, x_max = x[:, 0].min() - 1, x[:, 0].max() + 1
    y_min, y_max = x[:, 1].min() - 1, x[:, 1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
    with torch.no_grad():
        scores = model(torch.tensor(np.c_[xx.ravel(), yy.ravel()])).numpy()
    z = (scores.reshape(xx.shape) > 0).astype(float)
    fig = plt.figure(figsize=(6, 5))
    plt.contourf(xx, yy, z, cmap=plt.cm.Spectral, alpha=0.8)
    plt.scatter(x[:, 0], x[:, 1], c=y, s=40, cmap=plt.cm.Spectral, edgecolors="k")  # as the regions
    plt.xlim(xx.min(), xx.max())
    plt.ylim(yy.min(), yy.max())
    plt.title(title, fontsize=9)
    save(fig, out, "moons.png", lang)


def main(fast: bool = False, lang: str = "en", out: str | None = None) -> dict:
    """Train and plot; returns ``{"accuracy", "losses", "accuracies"}`` (used by the tests)."""
    text = TEXT[lang]
    start = time.perf_counter()
    x, y = make_moons(100, noise=0.1)
    print(text["data"].format(n=len(x), noise=0.1))
    model, losses, accuracies = train(x, y, lang=lang)
    print(text["model"].format(n=sum(p.numel() for p in model.parameters())))
    print(text["final"].format(acc=accuracies[-1] * 100, steps=STEPS, secs=time.perf_counter() - start))
    plot_boundary(model, x, y, str(out or DEFAULT_OUT), lang=lang, h=0.1 if fast else 0.02,
                  title=text["title"].format(acc=accuracies[-1] * 100))
    return {"accuracy": accuracies[-1], "losses": losses, "accuracies": accuracies}


def cli(argv: list[str] | None = None) -> dict:
    args = parse_args(__doc__, argv, fast_help="coarser plot grid (same training)")
    return main(fast=args.fast, lang=args.lang, out=args.out)


if __name__ == "__main__":
    cli(sys.argv[1:])
