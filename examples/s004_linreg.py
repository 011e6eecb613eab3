"""Seed 004: linear regression with nn.Linear(1, 1) and optim.SGD.

Note: the post's title says SGD, but every step uses the full 100-sample batch, so this is plain
(batch) gradient descent run through the SGD optimizer class.
"""

from __future__ import annotations

import numpy as np
from _support import parse_args

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
    parse_args("Seed 004: linear regression with nn.Linear(1, 1)", argv)
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
    for epoch in range(num_epochs):
        optimizer.zero_grad()
        loss = criterion(model(X_tensor), y_tensor)  # the full batch, every step
        loss.backward()
        optimizer.step()
        if (epoch + 1) % 10 == 0:
            print(f"Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}")
    print("训练后的模型参数:", model.state_dict())
    print("(Note: despite the post's title, every step used all 100 samples: this is full-batch "
          "gradient descent through optim.SGD.)")


if __name__ == "__main__":
    main()
