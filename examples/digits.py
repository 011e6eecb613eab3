"""Handwritten digits: an MLP and a small CNN on scikit-learn's bundled 8x8 digits.

The 1797 images of ``sklearn.datasets.load_digits`` (no download: they ship with scikit-learn)
are split 80/20 with a fixed seed. Both models train with ``F.cross_entropy`` and ``optim.Adam``
in float32, in mini-batches from ``utils.data.DataLoader``:

    MLP  Flatten -> Linear(64, 128) -> ReLU -> Linear(128, 10)
    CNN  Conv2d(1, 8, 3, padding=1) -> ReLU -> MaxPool2d(2)       8x8 -> 4x4
         Conv2d(8, 16, 3, padding=1) -> ReLU -> MaxPool2d(2)      4x4 -> 2x2
         Flatten -> Linear(64, 10)

Each epoch prints the loss, train and test accuracy and the time it took; plots go to
examples/out/: loss and accuracy curves, the CNN's confusion matrix, and its misclassified digits.

    python examples/digits.py          # 30 epochs each: both above 97% test accuracy
    python examples/digits.py --fast   # 12 and 4 epochs (a few seconds; used by the tests)

Needs scikit-learn (``pip install -e ".[examples]"``).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from _support import DEFAULT_OUT, parse_args, progress, pyplot, save

import tinygrad_edu as torch
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.utils.data import DataLoader, TensorDataset

SEED = 0
TEXT = {
    "en": {"data": "digits: {train} training and {test} test images of 8x8 pixels, 10 classes",
           "model": "{name}: {n} parameters, {epochs} epochs of Adam(lr={lr}), batch size {bs}",
           "epoch": "{name} epoch {e:2d}/{epochs}: loss {loss:.4f}  train acc {train:.2%}  "
                    "test acc {test:.2%}  ({secs:.2f}s)",
           "final": "{name}: test accuracy {test:.2%} ({wrong} of {n} wrong), {secs:.2f}s per epoch",
           "no_sklearn": "scikit-learn is not installed, so there are no digits to load; install it "
                         'with: pip install -e ".[examples]"  (or: pip install scikit-learn)'},
    "zh": {"data": "手写数字：{train} 张训练图像、{test} 张测试图像，8x8 像素，10 类",
           "model": "{name}：{n} 个参数，Adam(lr={lr}) 训练 {epochs} 轮，批大小 {bs}",
           "epoch": "{name} 第 {e:2d}/{epochs} 轮：损失 {loss:.4f}  训练准确率 {train:.2%}  "
                    "测试准确率 {test:.2%}  （{secs:.2f} 秒）",
           "final": "{name}：测试准确率 {test:.2%}（{n} 张中错 {wrong} 张），每轮 {secs:.2f} 秒",
           "no_sklearn": "没有安装 scikit-learn，无法加载数字数据；请运行："
                         'pip install -e ".[examples]"（或 pip install scikit-learn）'},
}


def load_split(test_fraction: float = 0.2, seed: int = SEED):
    """(x_train, y_train, x_test, y_test) as numpy arrays: images (N, 1, 8, 8) scaled to [0, 1]
    in float32, labels int64. ImportError when scikit-learn is missing."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def make_mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def make_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64, 10),
    )


def evaluate(model: nn.Module, x, y) -> tuple[float, float, np.ndarray]:
    """(mean cross-entropy, accuracy, predictions) on the whole of x, y, without a graph."""
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
    pred = logits.argmax(1).numpy()
    return loss, float(np.mean(pred == y.numpy())), pred


def train(name: str, model: nn.Module, data: tuple, epochs: int, lr: float, batch_size: int = 32,
          lang: str = "en") -> dict:
    """Train with Adam and cross-entropy; returns the per-epoch history and final predictions."""
    text = TEXT[lang]
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in data)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n_params = sum(p.numel() for p in model.parameters())
    print(text["model"].format(name=name, n=n_params, epochs=epochs, lr=lr, bs=batch_size))
    history = {"loss": [], "train_acc": [], "test_loss": [], "test_acc": [], "seconds": []}
    for epoch in progress(range(epochs), desc=name, total=epochs):
        start = time.perf_counter()
        model.train()
        total, count = 0.0, 0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            count += len(yb)
        seconds = time.perf_counter() - start
        _, train_acc, _ = evaluate(model, x_train, y_train)
        test_loss, test_acc, _ = evaluate(model, x_test, y_test)
        for key, value in zip(history, (total / count, train_acc, test_loss, test_acc, seconds)):
            history[key].append(value)
        if (epoch + 1) % max(1, epochs // 6) == 0 or epoch + 1 == epochs:  # a few lines, not all
            print(text["epoch"].format(name=name, e=epoch + 1, epochs=epochs, loss=total / count,
                                       train=train_acc, test=test_acc, secs=seconds), flush=True)
    _, test_acc, pred = evaluate(model, x_test, y_test)
    history["pred"] = pred
    history["test_accuracy"] = test_acc
    print(text["final"].format(name=name, test=test_acc, wrong=int(np.sum(pred != data[3])),
                               n=len(pred), secs=float(np.mean(history["seconds"]))))
    return history


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n: int = 10) -> np.ndarray:
    """counts[i, j]: how many digits i were predicted as j."""
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_all(results: dict, x_test: np.ndarray, y_test: np.ndarray, out: str,
             lang: str = "en") -> None:
    plt = pyplot()
    if not plt:
        return
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for name, h in results.items():
        epochs = range(1, len(h["loss"]) + 1)
        ax_loss.plot(epochs, h["loss"], label=f"{name} train")
        ax_loss.plot(epochs, h["test_loss"], "--", label=f"{name} test")
        ax_acc.plot(epochs, h["train_acc"], label=f"{name} train")
        ax_acc.plot(epochs, h["test_acc"], "--", label=f"{name} test")
    ax_loss.set(xlabel="Epoch", ylabel="Cross-entropy", title="Loss per epoch", yscale="log")
    ax_acc.set(xlabel="Epoch", ylabel="Accuracy", title="Accuracy per epoch", ylim=(0.8, 1.001))
    ax_loss.legend()
    ax_acc.legend()
    save(fig, out, "digits_curves.png", lang)

    name = "CNN" if "CNN" in results else next(iter(results))
    pred = results[name]["pred"]
    counts = confusion_matrix(y_test, pred)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(counts, cmap="Blues")
    for i in range(10):
        for j in range(10):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="Predicted", ylabel="True",
           title=f"{name} confusion matrix (test set, {np.mean(pred == y_test):.1%} correct)")
    save(fig, out, "digits_confusion.png", lang)

    wrong = np.flatnonzero(pred != y_test)[:24]
    cols = 8
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.45), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(x_test[i, 0], cmap="gray_r")
        ax.set_title(f"{y_test[i]}→{pred[i]}", fontsize=9, color="crimson")
    fig.suptitle(f"{name}: misclassified test digits (true→predicted), {len(wrong)} shown", fontsize=10)
    save(fig, out, "digits_misclassified.png", lang)


def main(fast: bool = False, lang: str = "en", out: str | None = None) -> dict | None:
    """Train both models; returns {"MLP": history, "CNN": history}, or None without scikit-learn."""
    text = TEXT[lang]
    try:
        data = load_split()
    except ImportError:
        print(text["no_sklearn"])
        return None
    print(text["data"].format(train=len(data[1]), test=len(data[3])))
    torch.manual_seed(SEED)
    results = {
        "MLP": train("MLP", make_mlp().float(), data, epochs=12 if fast else 30, lr=1e-3, lang=lang),
        "CNN": train("CNN", make_cnn().float(), data, epochs=4 if fast else 30, lr=3e-3, lang=lang),
    }
    plot_all(results, data[2], data[3], str(out or DEFAULT_OUT), lang)
    return results


def cli(argv: list[str] | None = None) -> dict | None:
    args = parse_args(__doc__, argv, fast_help="fewer epochs (a few seconds)")
    return main(fast=args.fast, lang=args.lang, out=args.out)


if __name__ == "__main__":
    cli(sys.argv[1:])
