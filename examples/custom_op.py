"""Extending tinygrad_edu: a new op, softplus, in one small Function class, verified by the kit.

    softplus(x) = log(1 + e^x)          d/dx softplus(x) = e^x / (1 + e^x) = sigmoid(x)

The backward uses another op (Sigmoid.apply) rather than numpy, so the new op is twice
differentiable for free. See docs/extending.md for the step-by-step guide.
"""

from __future__ import annotations

import numpy as np
from _support import parse_args, pyplot, save, tr

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import Function
from tinygrad_edu.ops import Sigmoid


class Softplus(Function):
    """z = log(1 + e^x).   dz/dx = sigmoid(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0, x)  # log(e^0 + e^x), stable for large |x|

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * Sigmoid.apply(x)


def softplus(x: tg.Value) -> tg.Value:
    return Softplus.apply(x)


class Softplus1D(nn.Module):
    """A tiny 1-16-1 network with softplus as its activation."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(1, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        return self.out(softplus(self.hidden(x)))


def train(steps: int = 300, model: Softplus1D | None = None) -> list[float]:
    """Fit sin(x) on [-3, 3]; a model passed in is trained in place (seed it yourself)."""
    if model is None:
        tg.manual_seed(0)
        model = Softplus1D()
    x = tg.linspace(-3, 3, 64).unsqueeze(1)
    y = x.sin()
    opt = tg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def verify(lang: str = "en") -> None:
    """check_op from the dev extra (hypothesis); gradcheck at fixed points otherwise."""
    try:
        from tinygrad_edu.testing import check_op

        check_op(softplus, domain=(-6.0, 6.0), max_examples=30)
        check_op(softplus, domain=(-6.0, 6.0), higher_order=True, max_examples=10)
        print(tr(lang, "check_op(softplus): first and second derivatives agree with central differences "
                       "over 30 + 10 hypothesis examples (shapes from 0-d to 3-d)",
                 "check_op(softplus):一阶和二阶导数在 30 + 10 个 hypothesis 例子上都与中心差分一致"
                 "(形状从 0 维到 3 维)"))
    except ImportError:
        from tinygrad_edu.testing import gradcheck, gradgradcheck

        x = tg.tensor(np.linspace(-4, 4, 7), requires_grad=True)
        assert gradcheck(softplus, [x]) and gradgradcheck(softplus, [x])
        print(tr(lang, "gradcheck and gradgradcheck(softplus) pass at 7 points "
                       '(install the dev extra for the hypothesis search: pip install -e ".[dev]")',
                 "gradcheck 和 gradgradcheck(softplus) 在 7 个点上通过"
                 '(要用 hypothesis 搜索,请安装 dev 依赖:pip install -e ".[dev]")'))


def main(argv: list[str] | None = None) -> None:
    args = parse_args("A custom op (softplus) used in a model and verified", argv)
    tg.manual_seed(0)
    model = Softplus1D()
    losses = train(model=model)
    print(tr(args.lang, f"a 1-16-1 softplus network fitting sin(x): loss {losses[0]:.4f} -> {losses[-1]:.4f} "
                        f"in {len(losses)} SGD steps",
             f"用 softplus 作激活函数的 1-16-1 网络拟合 sin(x):loss {losses[0]:.4f} -> {losses[-1]:.4f},"
             f"共 {len(losses)} 步 SGD"))
    verify(args.lang)
    plt = pyplot(args.lang)
    if plt:
        x = tg.linspace(-3, 3, 200).unsqueeze(1)
        with tg.no_grad():
            pred = model(x).numpy()[:, 0]
        xs = x.numpy()[:, 0]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
        fig.subplots_adjust(wspace=0.25)
        ax1.plot(
            xs,
            np.sin(xs),
            color="red",
            linewidth=3,
            alpha=0.5,
            label=tr(args.lang, "sin(x), the target", "sin(x),拟合目标"),
        )
        ax1.plot(xs, pred, color="tab:blue", label=tr(args.lang, "the softplus network", "softplus 网络"))
        ax1.plot(
            xs,
            np.logaddexp(0, xs),
            color="gray",
            linestyle=":",
            label=tr(args.lang, "softplus(x) itself", "softplus(x) 本身"),
        )
        ax1.set_xlabel("x")
        ax1.set_ylabel("y")
        ax1.legend()
        ax2.semilogy(range(1, len(losses) + 1), losses)
        ax2.set_xlabel(tr(args.lang, "SGD step", "SGD 步数"))
        ax2.set_ylabel(tr(args.lang, "MSE loss (log scale)", "均方误差(对数坐标)"))
        fig.suptitle(
            tr(
                args.lang,
                "custom_op: a 1-16-1 network with the new softplus op fits sin(x)",
                "custom_op:用新的 softplus 算子搭的 1-16-1 网络拟合 sin(x)",
            )
        )
        save(fig, args.out, "custom_op_softplus.png", args.lang)


if __name__ == "__main__":
    main()
