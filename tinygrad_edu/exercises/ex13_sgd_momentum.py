"""Exercise 13: one step of SGD with momentum, exactly by PyTorch's formula."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CheckError, call, compare

NAME = "sgd_momentum"
TITLE = "SGD with momentum, by PyTorch's formula"
IDEA = ("g = grad + weight_decay * p; buf = g on the first step, then momentum * buf + (1 - dampening) "
        "* g; step with buf, or with g + momentum * buf for nesterov")
HINT = """PyTorch's torch.optim.SGD, one parameter:
    g = grad + weight_decay * param
    if momentum != 0:
        buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    return param - lr * g, buf
Note the first step: buf = g exactly, no dampening."""

TEMPLATE = '''\
"""Exercise 13: SGD with momentum, exactly as torch.optim.SGD does it.

Plain gradient descent steps against the gradient: p = p - lr * grad.
Momentum keeps a running "velocity" buf, so consistent directions speed
up and oscillations cancel out. PyTorch's formula, for one parameter:

    g = grad + weight_decay * p            # L2 penalty, added to the grad
    if momentum != 0:
        if first step:  buf = g            # exactly g: NO dampening here
        else:           buf = momentum * buf + (1 - dampening) * g
        if nesterov:    g = g + momentum * buf    # look ahead
        else:           g = buf
    p = p - lr * g

The details matter if you want the same numbers as PyTorch: dampening is
not applied on the first step, weight decay goes in before momentum, and
Nesterov steps with g + momentum * buf (the NEW buf).

Task: write sgd_step. buf is None on the first step; return the new
param and the new buf (None when momentum is 0). Arrays are numpy.
Check:  python -m tinygrad_edu.exercises check 13
"""
import numpy as np


def sgd_step(param, grad, buf, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """One SGD step: returns (new_param, new_buf)."""
    # TODO
    raise NotImplementedError("TODO: sgd_step")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: sgd_step": """\
g = grad + weight_decay * param
if momentum != 0:
    buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
    g = g + momentum * buf if nesterov else buf
return param - lr * g, buf""",
}


# ---- check -------------------------------------------------------------------------------------

# (description, settings, hint for the first step, hint for later steps)
_CONFIGS: list[tuple[str, dict, str, str]] = [
    ("plain SGD", dict(lr=0.1), "plain SGD: param - lr * grad.", "plain SGD: param - lr * grad."),
    ("weight decay", dict(lr=0.1, weight_decay=0.05),
     "weight decay adds weight_decay * param to the gradient: g = grad + weight_decay * param.",
     "weight decay adds weight_decay * param to the gradient: g = grad + weight_decay * param."),
    ("momentum", dict(lr=0.1, momentum=0.9),
     "on the first step PyTorch sets buf = g exactly, and steps with it: param - lr * buf.",
     "later steps: buf = momentum * buf + (1 - dampening) * g, then param - lr * buf."),
    ("momentum with dampening", dict(lr=0.1, momentum=0.9, dampening=0.3),
     "on the first step PyTorch sets buf = g exactly, with no dampening: (1 - dampening) is used from "
     "the second step on.",
     "missing dampening? buf = momentum * buf + (1 - dampening) * g."),
    ("nesterov", dict(lr=0.05, momentum=0.8, nesterov=True),
     "nesterov steps with g + momentum * buf (buf already updated), not with buf.",
     "nesterov steps with g + momentum * buf (buf already updated), not with buf."),
    ("momentum, dampening and weight decay", dict(lr=0.05, momentum=0.7, dampening=0.2, weight_decay=0.1),
     "weight decay goes into g BEFORE momentum: g = grad + weight_decay * param; buf = g on step 1.",
     "weight decay goes into g BEFORE momentum, then buf = momentum * buf + (1 - dampening) * g."),
    ("nesterov and weight decay", dict(lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True),
     "g = grad + weight_decay * param first; then buf = g and the step uses g + momentum * buf.",
     "g = grad + weight_decay * param first; then the step uses g + momentum * buf."),
]


def check(sol: Any) -> None:
    rng = np.random.default_rng(2013)
    for name, settings, first_hint, later_hint in _CONFIGS:
        lr = settings["lr"]
        m = settings.get("momentum", 0.0)
        d = settings.get("dampening", 0.0)
        wd = settings.get("weight_decay", 0.0)
        nesterov = settings.get("nesterov", False)
        for shape in ((3,), (2, 2)):
            p_mine = p_ref = rng.uniform(-2, 2, shape)
            buf_mine = buf_ref = None
            for step in range(1, 5):
                grad = rng.standard_normal(shape)
                # the expected step, written out from the formula in PyTorch's documentation
                g = grad + wd * p_ref
                if m:
                    buf_ref = g if buf_ref is None else m * buf_ref + (1 - d) * g
                    g = g + m * buf_ref if nesterov else buf_ref
                p_ref = p_ref - lr * g
                what = f"sgd_step with {name} ({settings}), step {step}, param shape {shape}"
                out = call(what, sol.sgd_step, np.array(p_mine), grad.copy(),
                           None if buf_mine is None else np.array(buf_mine), **settings)
                if not isinstance(out, (tuple, list)) or len(out) != 2:
                    raise CheckError(f"{what} should return (new_param, new_buf), received {out!r}")
                p_mine, buf_mine = out
                hint = first_hint if step == 1 else later_hint
                compare(f"{what}: new param", p_mine, p_ref, hint)
                if m:
                    compare(f"{what}: new buf", buf_mine, buf_ref, hint)
                elif buf_mine is not None:
                    raise CheckError(f"{what}: with momentum 0 there is no buffer: return None as buf.")


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '带动量的 SGD，按 PyTorch 的公式'
IDEA_ZH = (
    'g = grad + weight_decay * p；第一步 buf = g，之后 momentum * buf + (1 - dampening) * g；用 buf '
    '更新，nesterov '
    '时用 g + momentum * buf'
)
TEXT_ZH = (
    '普通梯度下降逆着梯度走：p = p - lr * grad。动量保留一个持续的“速度” buf，让一致的方向加速、'
    '震荡相互抵消。\n'
    'PyTorch 对一个参数的公式：\n\n    g = grad + weight_decay * p            # L2 惩罚，加到梯度上\n'
    '    if momentum != 0:\n        第一步：  buf = g                   # 就是 g：这里没有 dampening\n'
    '        以后：    buf = momentum * buf + (1 - dampening) * g\n'
    '        nesterov：g = g + momentum * buf   # 往前看一步\n'
    '        否则：    g = buf\n    p = p - lr * g\n'
    '\n任务：写出 sgd_step。第一步时 buf 是 None；返回新的参数和新的 buf（momentum 为 0 时 buf 为 None）。'
)
HINT_ZH = """PyTorch 的 torch.optim.SGD，对一个参数：
    g = grad + weight_decay * param
    if momentum != 0:
        buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    return param - lr * g, buf
注意第一步：buf 就等于 g，没有 dampening。"""

HINTS = [
    (
        "Follow PyTorch's formula in the docstring line by line; the traps are the first step and the o"
        'rder of weight decay and momentum.',
        '照着文档字符串里 PyTorch 的公式一行一行写；陷阱在第一步，以及权重衰减和动量的先后顺序。'),
    (
        'Add weight_decay * param to grad first. With momentum: on the first step (buf is None) buf is '
        'a copy of g; later it is momentum * buf + (1 - dampening) * g. Then step with buf, or with g +'
        ' momentum * buf for nesterov.',
        '先把 weight_decay * param 加到 grad 上。有动量时：第一步（buf 为 None）buf 是 g 的拷贝；以后是 '
        'momentum * buf + (1 - da'
        'mpening) * g。然后用 buf 更新，nesterov 时用 g + momentum * buf。'),
    (HINT, HINT_ZH),
]
