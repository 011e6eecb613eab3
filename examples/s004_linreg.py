"""Seed 004: linear regression with nn.Linear(1, 1) and optim.SGD.

Note: the post's title says SGD, but every step uses the full 100-sample batch, so this is plain
(batch) gradient descent run through the SGD optimizer class.
"""

from __future__ import annotations

import numpy as np
from _support import announce, parse_args, pyplot, save, tr

import tinygrad_edu as torch
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim


class LinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)  # one input feature, one output

    def forward(self, x):
        return self.linear(x)


def main(argv: list[str] | None = None) -> None:
    args = parse_args("Seed 004: linear regression with nn.Linear(1, 1)", argv)
    announce(args, "004")
    torch.manual_seed(0)
    np.random.seed(42)
    X = np.random.rand(100, 1)  # 100 samples
    y = 2 * X + 1 + 0.1 * np.random.randn(100, 1)  # y = 2x + 1 plus noise
    X_tensor = torch.tensor(X, dtype=torch.float32)
    y_tensor = torch.tensor(y, dtype=torch.float32)
    model = LinearModel().float()
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    num_epochs = 100
    losses = []
    for epoch in range(num_epochs):
        optimizer.zero_grad()
        loss = criterion(model(X_tensor), y_tensor)  # the full batch, every step
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if (epoch + 1) % 10 == 0:
            print(f"Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}")
    print("训练后的模型参数:", model.state_dict())
    print(tr(args.lang, "(Note: despite the post's title, every step used all 100 samples: this is "
                        "full-batch gradient descent through optim.SGD.)",
             "(注意:虽然原文标题写的是随机梯度下降,但每一步都用了全部 100 个样本:这是借 optim.SGD "
             "实现的全批量(full-batch)梯度下降。)"))
    plt = pyplot(args.lang)
    if plt:
        w, b = model.linear.weight.item(), model.linear.bias.item()
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
        fig.subplots_adjust(wspace=0.25)
        ax1.scatter(X[:, 0], y[:, 0], color="red", s=12, label=tr(args.lang, "data: 2x + 1 + noise",
                "数据:2x + 1 + 噪声"), zorder=2)
        xs = np.array([0.0, 1.0])
        ax1.plot(xs, 2 * xs + 1, color="gray", linestyle="--", label=tr(args.lang, "y = 2x + 1 (the truth)",
                "y = 2x + 1(真实关系)"), zorder=1)
        ax1.plot(xs, w * xs + b, color="tab:blue", label=tr(args.lang, "after 100 steps",
                "训练 100 步后") + f": y = {w:.3f}x + {b:.3f}", zorder=1)
        ax1.set_xlabel("x")
        ax1.set_ylabel("y")
        ax1.legend()
        ax2.plot(range(1, num_epochs + 1), losses)
        ax2.set_xlabel(tr(args.lang, "Epoch (one full-batch step each)", "轮次(每轮一次全批量更新)"))
        ax2.set_ylabel(tr(args.lang, "MSE loss", "均方误差"))
        fig.suptitle(tr(args.lang, "Seed 004: nn.Linear(1, 1) trained by optim.SGD on the full batch",
                        "种子 004:用 optim.SGD 在全批量上训练 nn.Linear(1, 1)"))
        save(fig, args.out, "s004_linreg.png", args.lang)

if __name__ == "__main__":
    main()
