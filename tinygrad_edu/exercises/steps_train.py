"""The last steps: seed 001's model and micrograd's moons demo, trained on the learner's engine and
checked against the same runs on tinygrad_edu."""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ._common import CheckError, T, call, compare
from ._step import Step, owned

__all__ = ["SEED001", "MOONS", "make_moons", "moons_weights"]

SEED001_BODY = '''\
from [[sgd_momentum_optimizer]] import SGD, Value

X = [0.01 * i for i in range(100)]
Y = [2 * x**2 + 3 * x + 4 for x in X]   # the samples of y = 2x^2 + 3x + 4


def train(lr=0.1, max_epochs=1000):
    """Fit y_pred = w1 x^2 + w2 x + w3 by per-sample SGD. Returns (epochs run, w1, w2, w3, the mean
    loss of every epoch)."""
    w1, w2, w3 = Value(1.0), Value(0.0), Value(-1.0)   # the post's start
    opt = SGD([w1, w2, w3], lr=lr)
    losses = []
    for epoch in range(max_epochs):
        epoch_loss = 0.0
        for x, y_true in zip(X, Y):
            # TODO: one sample: the prediction, the squared error (add it to epoch_loss), backward, a step
            raise NotImplementedError("TODO: one sample")
        epoch_loss /= len(X)
        losses.append(epoch_loss)
        if epoch_loss < 0.0001:
            break
    return epoch + 1, float(w1.data), float(w2.data), float(w3.data), losses


if __name__ == "__main__":
    epochs, w1, w2, w3, losses = train()
    print(f"{epochs} epochs, loss {losses[-1]:.6f}: w1 {w1:.6f} w2 {w2:.6f} w3 {w3:.6f}")
'''


@functools.lru_cache(maxsize=1)
def seed001_expected() -> tuple:
    """Seed 001 on tinygrad_edu (as examples/s001_quadratic_sgd.py): epochs, w1, w2, w3, epoch losses."""
    import tinygrad_edu as tg
    X = [0.01 * i for i in range(100)]
    Y = [2 * x**2 + 3 * x + 4 for x in X]
    w = [tg.tensor(v, requires_grad=True) for v in (1.0, 0.0, -1.0)]
    losses = []
    for _ in range(1000):
        total = 0.0
        for x, y in zip(X, Y):
            loss = (w[0] * x**2 + w[1] * x + w[2] - y) ** 2
            total += loss.item()
            loss.backward()
            with tg.no_grad():
                for p in w:
                    p -= 0.1 * p.grad
                    p.grad = None
        losses.append(total / len(X))
        if losses[-1] < 0.0001:
            break
    return len(losses), w[0].item(), w[1].item(), w[2].item(), tuple(losses)


def _check_seed001(sol: Any) -> None:
    owned(sol, "train")
    epochs, w1, w2, w3, losses = seed001_expected()
    tip = T("per sample: y_pred = w1 * x**2 + w2 * x + w3; loss = (y_pred - y_true) ** 2; add "
            "float(loss.data) to epoch_loss; opt.zero_grad(); loss.backward(); opt.step().",
            "每个样本：y_pred = w1 * x**2 + w2 * x + w3；loss = (y_pred - y_true) ** 2；把 float(loss.data) "
            "加到 epoch_loss；opt.zero_grad()；loss.backward()；opt.step()。")
    for max_epochs in (2, 1000):  # two epochs first: a wrong loop fails fast, and says so early
        got = call(f"train(max_epochs={max_epochs})", sol.train, max_epochs=max_epochs)
        if not isinstance(got, (tuple, list)) or len(got) != 5:
            raise CheckError(T(f"train() should return (epochs, w1, w2, w3, losses), received {got!r}",
                               f"train() 应该返回 (epochs, w1, w2, w3, losses)，得到的是 {got!r}"))
        g_epochs, g1, g2, g3, g_losses = got
        if len(g_losses) > 1 and g_losses[1] > 1.5 * g_losses[0]:
            tip = T("the loss grows: are the gradients cleared before each backward (zero_grad)? ",
                    "损失在变大：每次 backward 之前清零梯度了吗（zero_grad）？") + tip
        n = min(len(g_losses), 2)
        compare(T("the mean loss of the first epochs", "前几轮的平均损失"), list(g_losses)[:n],
                list(losses[:n]), tip, rtol=1e-9)
    compare(T("the number of epochs (tinygrad_edu stops after 50)", "训练轮数（tinygrad_edu 在 50 "
                                                                    "轮后停下）"),
            g_epochs, epochs, tip)
    compare(T("the mean loss of every "
              "epoch", "每一轮的平均损失"), list(g_losses), list(losses), tip, rtol=1e-9)
    for name, g, w in (("w1", g1, w1), ("w2", g2, w2), ("w3", g3, w3)):
        compare(T(f"{name} after training (tinygrad_edu: {w:.12g})", f"训练后的 {name}（tinygrad_edu："
                                                                     f"{w:.12g}）"),
                g, w, tip, rtol=1e-9)


SEED001 = Step(
    "train_seed001", ("Train seed 001's model on your engine", "用你的引擎训练种子 001 的模型"),
    ("your engine reproduces tinygrad_edu's training run number for number: the same graph, the same "
     "gradients, the same steps",
     "你的引擎逐个数字地重现了 tinygrad_edu 的训练：同样的计算图，同样的梯度，同样的更新"),
    ("Seed 001 is the first blog post this project grew from (a 'seed' is one\n"
     "of those posts): it fits y = 2x^2 + 3x + 4 with y_pred = w1 x^2 + w2 x\n"
     "+ w3, updating after every sample with lr 0.1, until an epoch's mean\n"
     "loss is below 1e-4 (examples/s001_quadratic_sgd.py). Now run it on YOUR\n"
     "engine: the check runs it on tinygrad_edu too and compares every\n"
     "epoch's loss and the final weights.\n\n"
     "Task: the body of the inner loop.",
     "种子 001 是本项目起源的第一篇博客文章（“种子”就是指这些文章）：它用\n"
     "y_pred = w1 x^2 + w2 x + w3 拟合 y = 2x^2 + 3x + 4，每个样本更新一次，学习率 0.1，\n"
     "直到某一轮的平均损失低于 1e-4（examples/s001_quadratic_sgd.py）。现在在你自己的\n"
     "引擎上跑它：检查程序也会在 tinygrad_edu 上跑一遍，比较每一轮的损失和最后的权重。\n\n"
     "任务：写出内层循环的循环体。"),
    SEED001_BODY,
    {"TODO: one sample": "y_pred = w1 * x**2 + w2 * x + w3\nloss = (y_pred - y_true) ** 2\n"
                         "epoch_loss += float(loss.data)\nopt.zero_grad()\nloss.backward()\nopt.step()"},
    [("Four things per sample: predict, measure the error, get the gradients, take a step. Mind what "
      "backward does to gradients that are already there.",
      "每个样本四件事：预测、量误差、求梯度、走一步。注意 backward 对已有的梯度做了什么。"),
     ("The prediction is w1 times x squared plus w2 times x plus w3; the loss is its squared difference "
      "to y_true. Clear the gradients, call backward on the loss, then step the optimizer.",
      "预测是 w1 乘 x 的平方加 w2 乘 x 再加 w3；损失是它和 y_true 之差的平方。清零梯度，对损失调用 "
      "backward，再让优化器走一步。"),
     ("y_pred = w1 * x**2 + w2 * x + w3\nloss = (y_pred - y_true) ** 2\nepoch_loss += float(loss.data)\n"
      "opt.zero_grad()\nloss.backward()\nopt.step()",
      "y_pred = w1 * x**2 + w2 * x + w3\nloss = (y_pred - y_true) ** 2\nepoch_loss += float(loss.data)\n"
      "opt.zero_grad()\nloss.backward()\nopt.step()")],
    _check_seed001, needs=("sgd_momentum_optimizer",))

# ---- moons ---------------------------------------------------------------------------------------

MOONS_BODY = '''\
import numpy as np

from [[sgd_momentum_optimizer]] import MLP, SGD, Value


def loss_and_accuracy(model, X, y, alpha=1e-4):
    """micrograd's loss: the mean hinge loss relu(1 - y * score) plus alpha times the sum of
    p ** 2 over every parameter; and the share of points whose score has y's sign.
    X: (n, 2) array, y: (n, 1) array of labels -1 / +1."""
    scores = model(Value(X))   # (n, 1)
    # TODO: loss and accuracy
    raise NotImplementedError("TODO: loss and accuracy")


def train(X, y, weights, steps=100):
    """Full-batch SGD on MLP(2, [16, 16, 1]) started from `weights` (the arrays of its parameters,
    in order), with lr = 1.0 - 0.9 * k / 100 at step k. Returns the losses and accuracies."""
    model = MLP(2, [16, 16, 1])
    for p, w in zip(model.parameters(), weights):
        p.data = np.array(w, dtype=np.float64)
    opt = SGD(model.parameters(), lr=1.0)
    losses, accuracies = [], []
    for k in range(steps):
        loss, accuracy = loss_and_accuracy(model, X, y)
        # TODO: the learning rate of step k, zero_grad, backward, step
        raise NotImplementedError("TODO: one training step")
        losses.append(float(loss.data))
        accuracies.append(accuracy)
    return losses, accuracies
'''


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple[np.ndarray, np.ndarray]:
    """The two moons of examples/moons.py (sklearn's recipe): points (n, 2), labels 0/1."""
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


def moons_weights(seed: int = 0) -> list[np.ndarray]:
    """The start of examples/moons.py's model (torch.manual_seed(seed), weights U(-1, 1), biases 0), in
    the learner's layout: weight (nin, nout), then bias, per layer."""
    import tinygrad_edu as tg
    import tinygrad_edu.nn as nn
    tg.manual_seed(seed)
    out = []
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        layer = nn.Linear(nin, nout)
        nn.init.uniform_(layer.weight, -1.0, 1.0)
        out += [layer.weight.detach().numpy().T.copy(), np.zeros(nout)]
    return out


@functools.lru_cache(maxsize=1)
def moons_expected() -> tuple[tuple, tuple]:
    """examples/moons.py's run on tinygrad_edu (torch layout): the losses and accuracies of 100 steps."""
    import tinygrad_edu as tg
    import tinygrad_edu.nn.functional as F
    x_np, y_np = make_moons()
    ws = [tg.tensor(w.T.copy() if w.ndim == 2 else w, requires_grad=True) for w in moons_weights()]
    x, y = tg.tensor(x_np), tg.tensor(y_np * 2.0 - 1)
    opt = tg.optim.SGD(ws, lr=1.0)
    losses, accs = [], []
    for k in range(100):
        h = x
        for i in range(0, 6, 2):
            h = F.linear(h, ws[i], ws[i + 1])
            h = h.relu() if i < 4 else h
        scores = h.reshape(-1)
        loss = F.relu(1 - y * scores).mean() + 1e-4 * sum((p * p).sum() for p in ws)
        accs.append(float(np.mean((y.numpy() > 0) == (scores.detach().numpy() > 0))))
        opt.zero_grad()
        loss.backward()
        opt.param_groups[0]["lr"] = 1.0 - 0.9 * k / 100
        opt.step()
        losses.append(loss.item())
    return tuple(losses), tuple(accs)


def _check_moons(sol: Any) -> None:
    owned(sol, "loss_and_accuracy", "train")
    want_losses, want_accs = moons_expected()
    x, y = make_moons()
    got = call("train(X, y, weights)", sol.train, x, (y * 2.0 - 1).reshape(-1, 1), moons_weights())
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckError(T(f"train should return (losses, accuracies), received {got!r}",
                           f"train 应该返回 (losses, accuracies)，得到的是 {got!r}"))
    losses, accs = got
    ltip = T("loss = (1 - y * scores).relu().mean() + alpha * sum((p * p).sum() for p in "
             "model.parameters()); "
             "accuracy = np.mean((y > 0) == (scores.data > 0)).",
             "loss = (1 - y * scores).relu().mean() + alpha * sum((p * p).sum() for p in "
             "model.parameters())；"
             "accuracy = np.mean((y > 0) == (scores.data > 0))。")
    compare(T("the loss of step 0 (before any update)", "第 0 步的损失（还没有任何更新）"),
            list(losses)[:1], list(want_losses[:1]), ltip, rtol=1e-9)
    compare(T("the accuracy of step 0", "第 0 步的准确率"), list(accs)[:1], list(want_accs[:1]), ltip)
    stip = T("each step: opt.lr = 1.0 - 0.9 * k / 100; opt.zero_grad(); loss.backward(); opt.step().",
             "每一步：opt.lr = 1.0 - 0.9 * k / 100；opt.zero_grad()；loss.backward()；opt.step()。")
    compare(T("the losses of the 100 steps (against tinygrad_edu)", "100 步的损失（与 tinygrad_edu 比较）"),
            list(losses), list(want_losses), stip, rtol=1e-7, atol=1e-9)
    compare(T("the accuracies of the 100 steps (against tinygrad_edu)", "100 步的准确率（与 tinygrad_edu "
                                                                        "比较）"),
            list(accs), list(want_accs), stip)


MOONS = Step(
    "train_moons", ("micrograd's moons demo on your engine", "用你的引擎跑 micrograd 的双月示例"),
    ("a 2-16-16-1 MLP learns a curved boundary on your own engine, with the same losses as tinygrad_edu "
     "step for step: you have built an autograd library",
     "一个 2-16-16-1 的多层感知机在你自己的引擎上学会了弯曲的分界线，每一步的损失都与 tinygrad_edu 相同："
     "你已经搭出了一个自动微分库"),
    ("The last step is micrograd's demo (examples/moons.py): 100 points of\n"
     "two interleaving half moons, labels -1/+1, MLP(2, [16, 16, 1]), the\n"
     "hinge loss mean(relu(1 - y * score)) plus 1e-4 * sum(p ** 2), 100\n"
     "steps of full-batch SGD with lr = 1.0 - 0.9 * k / 100. The check\n"
     "starts your model from tinygrad_edu's weights and compares every step.\n\n"
     "Task: the loss and accuracy, and one training step.",
     "最后一步是 micrograd 的示例（examples/moons.py）：两个交错的半月形共 100 个点，\n"
     "标签 -1/+1，MLP(2, [16, 16, 1])，合页损失 mean(relu(1 - y * score)) 加上\n"
     "1e-4 * sum(p ** 2)，全批量 SGD 训练 100 步，学习率 lr = 1.0 - 0.9 * k / 100。\n"
     "检查程序让你的模型从 tinygrad_edu 的权重出发，逐步比较。\n\n"
     "任务：写出损失和准确率，以及一步训练。"),
    MOONS_BODY,
    {"TODO: loss and accuracy": """\
data_loss = (1 - y * scores).relu().mean()
reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
accuracy = float(np.mean((y > 0) == (scores.data > 0)))
return data_loss + reg_loss, accuracy""",
     "TODO: one training step": "opt.lr = 1.0 - 0.9 * k / 100\nopt.zero_grad()\nloss.backward()\nopt.step()"},
    [("Every piece is an op of your engine: a product, a subtraction from 1, relu, a mean, squares and "
      "sums. The learning rate changes each step before the update.",
      "每一块都是你引擎里的运算：乘法、用 1 去减、relu、平均、平方和求和。学习率在每次更新前都会变。"),
     ("data loss: relu of (1 - y * scores), then its mean; add alpha times the sum over the parameters of "
      "(p * p).sum(). accuracy: compare the signs of y and scores.data. A step: set opt.lr, zero_grad, "
      "backward, step.",
      "数据损失：对 (1 - y * scores) 取 relu 再求平均；加上 alpha 乘以所有参数的 (p * p).sum() 之和。"
      "准确率：比较 y 和 scores.data 的符号。一步训练：设 opt.lr，zero_grad，backward，step。"),
     ("data_loss = (1 - y * scores).relu().mean()\n"
      "reg_loss = alpha * sum((p * p).sum() for p in model.parameters())\n"
      "accuracy = float(np.mean((y > 0) == (scores.data > 0)))\nreturn data_loss + reg_loss, accuracy\n\n"
      "opt.lr = 1.0 - 0.9 * k / 100\nopt.zero_grad()\nloss.backward()\nopt.step()",
      "data_loss = (1 - y * scores).relu().mean()\n"
      "reg_loss = alpha * sum((p * p).sum() for p in model.parameters())\n"
      "accuracy = float(np.mean((y > 0) == (scores.data > 0)))\nreturn data_loss + reg_loss, accuracy\n\n"
      "opt.lr = 1.0 - 0.9 * k / 100\nopt.zero_grad()\nloss.backward()\nopt.step()")],
    _check_moons, needs=("sgd_momentum_optimizer",))
