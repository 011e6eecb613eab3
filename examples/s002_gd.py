"""Seed 002, listing 1: the same lecture's batch gradient descent, in the post's print format.

The training is seed 000's (s000_gd.train_gd: autograd gradient, checked against the hand
formula every epoch); only the printing differs.
"""

from __future__ import annotations

from _support import parse_args
from s000_gd import train_gd


def main(argv: list[str] | None = None) -> None:
    parse_args("Seed 002: batch gradient descent on y = x*w", argv)
    w = 1.0
    print("Predict (before training)", 4, 4 * w)
    for epoch, w, cost, _grad in train_gd():
        print("Epoch:", epoch, "w=", w, "loss=", cost)
    print("Predict (after training)", 4, 4 * w)


if __name__ == "__main__":
    main()
