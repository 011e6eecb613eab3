"""Exercise 14: a custom op in tinygrad_edu itself, verified by ``testing.check_op``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CheckError, T, call, compare, matches
from ._step import owned

NAME = "custom_op"
TITLE = "A custom op, verified by check_op"
IDEA = ("an op is a forward on numpy plus a backward that multiplies the upstream gradient by the "
        "local derivative; check_op then tests it against central differences over many shapes")
HINT = """forward:  ctx.save_for_backward(x); return x / (1 + np.exp(-x))      # x * sigmoid(x)
backward: (x,) = ctx.saved_values; s = 1 / (1 + np.exp(-x))
          return grad * (s + x * s * (1 - s))      # product rule, times the upstream grad"""

ALLOW = (("tinygrad_edu", "Function"),)  # the one name of the library this step may import

INSTALL = ("this step uses tinygrad_edu.testing.check_op, which needs hypothesis: install the dev "
           "extra: pip install -e '.[dev]'")

TEMPLATE = '''\
"""Exercise 14: your own op in tinygrad_edu, verified by check_op.

Now the real library. An op is a Function with a forward that computes on
numpy arrays and a backward that applies the chain rule (the guide is
docs/extending.md). Your Value ops were the same idea.

SiLU (also called swish) is used in many modern networks:

    silu(x)  = x * sigmoid(x),        sigmoid(x) = 1 / (1 + exp(-x))
    silu'(x) = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))

(the product rule, with sigmoid' = sigmoid * (1 - sigmoid)).

The check runs tinygrad_edu.testing.check_op(SiLU.apply, ...): a
hypothesis search over shapes and values that compares your backward
with central differences (step 1). It needs the dev extra:
pip install -e '.[dev]'

Task: fill in forward and backward.
Check:  python -m tinygrad_edu.exercises check 14
"""
import numpy as np

from tinygrad_edu import Function


class SiLU(Function):
    """z = x * sigmoid(x).   dz/dx = s + x * s * (1 - s), s = sigmoid(x)"""

    @staticmethod
    def forward(ctx, x):
        # TODO: ctx.save_for_backward(x), then return x * sigmoid(x) (numpy)
        raise NotImplementedError("TODO: SiLU.forward")

    @staticmethod
    def backward(ctx, grad):
        # TODO: (x,) = ctx.saved_values; return grad times silu'(x)
        raise NotImplementedError("TODO: SiLU.backward")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: SiLU.forward": "ctx.save_for_backward(x)\nreturn x / (1 + np.exp(-x))",
    "TODO: SiLU.backward": """\
(x,) = ctx.saved_values
s = 1 / (1 + np.exp(-x))
return grad * (s + x * s * (1 - s))""",
}


# ---- check -------------------------------------------------------------------------------------

def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(x / 2))  # the same function, written differently


def check(sol: Any) -> None:
    try:
        import hypothesis  # noqa: F401 - only to know that check_op can run
    except ImportError:
        raise CheckError(INSTALL) from None
    from ..creation import tensor
    from ..function import Function
    from ..testing import OpCheckError, check_op

    owned(sol, "SiLU")
    if not issubclass(sol.SiLU, Function):
        raise CheckError(T("SiLU must be a subclass of tinygrad_edu.Function.",
                           "SiLU 必须是 tinygrad_edu.Function 的子类。"))
    x_np = np.array([-3.0, -0.5, 0.0, 0.25, 1.5, 4.0])
    u = np.array([1.5, -2.0, 0.5, 1.0, -0.75, 2.0])
    s = _sigmoid(x_np)
    x = tensor(x_np, requires_grad=True)
    y = call("SiLU.apply(x)", sol.SiLU.apply, x)
    compare(f"the forward SiLU.apply(x) at x = {x_np.tolist()}", y.detach().numpy(), x_np * s,
            "silu(x) = x * sigmoid(x) = x / (1 + np.exp(-x)).", rtol=1e-12)
    loss = (y * tensor(u)).sum()
    call("the backward of SiLU (through (y * u).sum().backward())", loss.backward)
    got = None if x.grad is None else x.grad.numpy()
    local = s + x_np * s * (1 - s)
    if matches(got, local):
        hint = "multiply the local derivative by the upstream gradient `grad` (chain rule)."
    elif matches(got, u * s):
        hint = ("product rule: d(x * s)/dx = s + x * s'(x), with s' = s * (1 - s): the second term is "
                "missing.")
    elif matches(got, u * s * (1 - s)):
        hint = "that is the derivative of sigmoid alone: SiLU is x * sigmoid(x), use the product rule."
    else:
        hint = "dz/dx = s + x * s * (1 - s) with s = sigmoid(x), times the upstream gradient."
    compare(f"x.grad after (SiLU.apply(x) * u).sum().backward(), x = {x_np.tolist()}, "
            f"u = {u.tolist()}", got, u * local, hint, rtol=1e-10)
    try:
        check_op(sol.SiLU.apply, domain=(-6.0, 6.0), max_examples=30)
    except OpCheckError as err:
        raise CheckError(f"check_op found an input where your backward is wrong:\n{err}") from None
    except NotImplementedError:
        raise CheckError("SiLU is not written yet: fill in its TODOs.") from None
    except Exception as err:  # reported with the op's name instead of a traceback
        raise CheckError(f"check_op(SiLU.apply) raised {type(err).__name__}: {err}") from None


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '自定义算子，用 check_op 验证'
IDEA_ZH = ('算子就是 numpy 上的前向，加上一个把上游梯度乘以局部导数的反向；'
           'check_op 再在多种形状上把它与中心差分比较')
TEXT_ZH = (
    '现在来看真正的库。一个算子是一个 Function：forward 在 numpy 数组上计算，backward 应用链式法则\n'
    '（指南见 docs/extending.md）。你的 Value 运算就是同一个思想。\n'
    '\nSiLU（也叫 swish）用在许多现代网络里：\n\n    silu(x)  = x * sigmoid(x),        sigmoid(x) = 1 / '
    '(1 + exp(-x))'
    "\n    silu'(x) = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))\n"
    "\n检查程序运行 tinygrad_edu.testing.check_op(SiLU.apply, ...)，需要 dev 依赖：pip install -e "
    "'.[dev]'。\n"
    '这里只允许从 tinygrad_edu 导入 Function：SiLU 要你自己写。\n'
    '\n任务：填写 forward 和 backward。'
)
HINT_ZH = """forward： ctx.save_for_backward(x); return x / (1 + np.exp(-x))      # x * sigmoid(x)
backward：(x,) = ctx.saved_values; s = 1 / (1 + np.exp(-x))
          return grad * (s + x * s * (1 - s))      # 乘积法则，再乘以上游梯度"""

HINTS = [
    (
        'forward computes on numpy and saves what backward needs; backward multiplies the upstream grad'
        "ient by silu'(x), from the product rule.",
        "forward 在 numpy 上计算，并保存 backward 需要的东西；backward 把上游梯度乘以由乘积法则得到的 "
        "silu'(x)。"),
    (
        'forward: ctx.save_for_backward(x), then x times sigmoid(x) with np.exp. backward: read x back '
        'from ctx.saved_values, compute s = sigmoid(x), and return grad times (s + x * s * (1 - s)).',
        'forward：ctx.save_for_backward(x)，然后用 np.exp 算 x 乘以 sigmoid(x)。backward：从 '
        'ctx.saved_values 取回 x'
        '，算出 s = sigmoid(x)，返回 grad 乘以 (s + x * s * (1 - s))。'),
    (HINT, HINT_ZH),
]
