"""Seed 002, listing 2: per-sample SGD, printing every sample's gradient.

Unlike seed 000's SGD listing, the loss printed each epoch is computed AFTER the last update.
"""

from __future__ import annotations

from _support import parse_args
from s000_sgd import train_sgd

import tinygrad_edu as tg


def main(argv: list[str] | None = None) -> None:
    parse_args("Seed 002: per-sample SGD on y = x*w", argv)
    print("Predict (before training)", 4, 4 * 1.0)
    last = {}

    def on_sample(x, y, grad, w):
        print("\tgrad: ", x, y, grad)
        with tg.no_grad():
            last["l"] = ((w * x - y) ** 2).item()  # the post's l = loss(x, y), after the update

    w = 1.0
    for epoch, w, _loss, _grad in train_sgd(on_sample=on_sample):
        print("progress:", epoch, "w=", w, "loss=", last["l"])
    print("Predict (after training)", 4, 4 * w)


if __name__ == "__main__":
    main()
