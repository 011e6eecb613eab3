"""The digits classifiers (examples/digits.py), time per training epoch, tinygrad_edu against
PyTorch running the very same code (one thread, float32, batch 32, Adam), side by side.

    OMP_NUM_THREADS=1 python benchmarks/classifiers.py [--epochs 3] [--repeats 5]

Needs scikit-learn (the bundled 8x8 digits) and, for the comparison, torch. Prints the median
seconds per epoch of each and the ratio torch/ours (above 1: we are faster).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def models(T):
    """The same architectures as examples/digits.py, in library T, in float32 as digits.py trains
    them (``.float()``: our default dtype is float64, torch's float32)."""
    nn = T.nn
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64, 10))
    return {"MLP": mlp.float(), "CNN": cnn.float()}


def load_data() -> tuple[np.ndarray, np.ndarray]:
    """(x, y): 1438 of the 8x8 digits (the training split's size), images (N, 1, 8, 8) in [0, 1]
    float32 and int64 labels. ImportError when scikit-learn is missing."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target.astype(np.int64)
    return x[:1438], y[:1438]


def epoch_seconds(T, name: str, x: np.ndarray, y: np.ndarray, epochs: int) -> list[float]:
    """Seconds of each of ``epochs`` training epochs of model ``name`` in library ``T``."""
    T.manual_seed(0)
    model = models(T)[name]
    opt = T.optim.Adam(model.parameters(), lr=3e-3)
    loader = T.utils.data.DataLoader(T.utils.data.TensorDataset(T.from_numpy(x), T.from_numpy(y)),
                                     batch_size=32, shuffle=True)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        for xb, yb in loader:
            loss = T.nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    import tinygrad_edu as tg

    x, y = load_data()
    libs = {"tinygrad_edu": tg}
    try:
        import torch

        torch.set_num_threads(1)
        libs["torch"] = torch
    except ImportError:
        print("torch not installed: tinygrad_edu only")
    for name in ("MLP", "CNN"):
        runs: dict[str, list[float]] = {k: [] for k in libs}
        for _ in range(args.repeats):  # interleaved, so a slow patch of the machine hits both
            for lib, T in libs.items():
                runs[lib] += epoch_seconds(T, name, x, y, args.epochs)
        med = {lib: statistics.median(v) for lib, v in runs.items()}
        line = "  ".join(f"{lib} {med[lib] * 1000:.1f} ms/epoch (range {min(runs[lib]) * 1000:.1f}-"
                         f"{max(runs[lib]) * 1000:.1f})" for lib in libs)
        ratio = f"  -> {med['torch'] / med['tinygrad_edu']:.2f}x torch's speed" if "torch" in med else ""
        print(f"{name}: {line}{ratio}")


if __name__ == "__main__":
    main()
