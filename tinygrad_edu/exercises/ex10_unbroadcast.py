"""Exercise 10: broadcasting, and unbroadcast in backward."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CheckError, call, compare, matches

NAME = "unbroadcast"
TITLE = "Broadcasting and unbroadcast"
IDEA = ("a broadcast operand is used many times, so its gradient is the sum over its copies: sum the "
        "leading axes away, and sum size-1 axes with keepdims=True")
HINT = """    while grad.ndim > len(shape):                   # 1. axes that broadcasting added in front
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):             # 2. axes of size 1 that were stretched
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
mul_backward: (unbroadcast(grad * b, np.shape(a)), unbroadcast(grad * a, np.shape(b)))."""

TEMPLATE = '''\
"""Exercise 10: broadcasting, and undoing it in backward (unbroadcast).

numpy broadcasting stretches operands to a common shape. Shapes are
aligned on the RIGHT; missing leading axes are added; an axis of size 1
is repeated to match:

    a: (3,)   + b: (2, 3)  ->  (2, 3)     a is reused for each of 2 rows
    a: (2, 1) * b: (2, 3)  ->  (2, 3)     a's column is reused 3 times

A broadcast operand is used many times, so (step [[#accumulate]]!) its gradient is
the SUM of the gradients of all of its copies. In backward the gradient
arrives in the broadcast shape and must be summed back to the input's:

  1. sum over the leading axes that broadcasting added;
  2. sum with keepdims=True over every axis where the input had size 1
     (keepdims keeps that axis, with size 1, as the input had it).

Task:
  1. unbroadcast(grad, shape): grad summed back to exactly `shape`.
  2. mul_backward(a, b, grad): the gradients of a * b for arrays a and b
     that broadcast together, each with its input's shape.
Check:  python -m tinygrad_edu.exercises check 10
"""
import numpy as np


def unbroadcast(grad, shape):
    """Sum grad (of the broadcast shape) down to `shape`."""
    # TODO: 1. leading axes, 2. size-1 axes with keepdims=True
    raise NotImplementedError("TODO: unbroadcast")


def mul_backward(a, b, grad):
    """(dL/da, dL/db) for out = a * b, given grad = dL/d(out)."""
    # TODO: step [[#add_mul_backward]]'s gradients + unbroadcast
    raise NotImplementedError("TODO: mul_backward")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: unbroadcast": """\
grad = np.asarray(grad)
while grad.ndim > len(shape):
    grad = grad.sum(axis=0)
for axis, size in enumerate(shape):
    if size == 1 and grad.shape[axis] != 1:
        grad = grad.sum(axis=axis, keepdims=True)
return grad""",
    "TODO: mul_backward": "return unbroadcast(grad * b, np.shape(a)), unbroadcast(grad * a, np.shape(b))",
}


# ---- check -------------------------------------------------------------------------------------

def _sum_copies(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The check's own unbroadcast: give each element of the broadcast result the flat index of the
    input element it is a copy of, and add up grad per index (no axis bookkeeping at all)."""
    size = int(np.prod(shape, dtype=int))
    owner = np.broadcast_to(np.arange(size).reshape(shape), grad.shape)
    return np.bincount(owner.ravel(), weights=grad.ravel(), minlength=size).reshape(shape)


_PAIRS = [((3,), (2, 3)), ((2, 1), (2, 3)), ((1, 3), (4, 2, 3)), ((), (2, 3)), ((2, 3), (2, 3)),
          ((3, 1, 4), (1, 5, 4)), ((1, 1), (3, 1, 4)), ((5,), (1,))]

_KEEPDIMS = ("an axis where the input has size 1 must stay, with size 1: sum it with "
             "keepdims=True.")
_LEADING = "sum away the leading axes that broadcasting added in front (grad.sum(axis=0) while too many)."


def _shape_hint(got: Any, shape: tuple[int, ...]) -> str:
    got_shape = np.shape(got)
    if len(got_shape) < len(shape):
        return _KEEPDIMS
    if len(got_shape) > len(shape):
        return _LEADING
    return "sum exactly the axes where the input's size is 1 and grad's is not."


def check(sol: Any) -> None:
    rng = np.random.default_rng(2010)
    for shape_a, shape_b in _PAIRS:
        out_shape = np.broadcast_shapes(shape_a, shape_b)
        grad = rng.standard_normal(out_shape)
        for shape in (shape_a, shape_b):
            expected = _sum_copies(grad, shape)
            got = call(f"unbroadcast(grad of shape {out_shape}, {shape})", sol.unbroadcast, grad.copy(),
                       shape)
            what = f"unbroadcast(grad of shape {out_shape}, {shape})"
            hint = _shape_hint(got, shape)
            if np.shape(got) == shape and not matches(got, expected):
                hint = "each input element's gradient is the SUM over all of its copies in grad."
            compare(what, got, expected, hint)
        a = rng.uniform(-2, 2, shape_a)
        b = rng.uniform(-2, 2, shape_b)
        what = f"mul_backward(a of shape {shape_a}, b of shape {shape_b}, grad)"
        got = call(what, sol.mul_backward, a, b, grad.copy())
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckError(f"{what} should return (dL/da, dL/db), received {got!r}")
        for name, g, e, shape in (("dL/da", got[0], _sum_copies(grad * b, shape_a), shape_a),
                                  ("dL/db", got[1], _sum_copies(grad * a, shape_b), shape_b)):
            hint = ("sum each gradient back to its input's shape with unbroadcast."
                    if np.shape(g) != shape else "dL/da = grad * b and dL/db = grad * a, unbroadcast.")
            compare(f"{what}: {name}", g, e, hint)


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = '广播与反广播'
IDEA_ZH = ("被广播的操作数被用了很多次，所以它的梯度是各份拷贝之和：把前面多出的轴求和掉，"
           "大小为 1 的轴用 keepdims=True 求和")
TEXT_ZH = (
    'numpy 的广播把操作数拉伸到一个共同的形状。形状从右边对齐；缺的前导轴补上；大小为 1 的轴重复以匹配：\n'
    '\n    a: (3,)   + b: (2, 3)  ->  (2, 3)     a 对 2 行中的每一行重复使用\n'
    '    a: (2, 1) * b: (2, 3)  ->  (2, 3)     a 的那一列被重复使用 3 次\n'
    '\n被广播的操作数被用了很多次，所以（第 [[#accumulate]] 步！）它的梯度是所有拷贝梯度之和。'
    '反向时梯度以广播后的形状到达，\n'
    '必须求和回输入的形状：1. 对广播加在前面的轴求和；2. 对输入中大小为 1 的轴用 keepdims=True 求和。\n'
    '\n任务：\n  1. unbroadcast(grad, shape)：把 grad 恰好求和回 shape。\n'
    '  2. mul_backward(a, b, grad)：可广播的数组 a、b 的 a * b 的梯度，各自是输入的形状。'
)
HINT_ZH = """    while grad.ndim > len(shape):                   # 1. 广播在前面加出来的轴
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):             # 2. 被拉伸过的大小为 1 的轴
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
mul_backward：(unbroadcast(grad * b, np.shape(a)), unbroadcast(grad * a, np.shape(b)))。"""

HINTS = [
    (
        'Each input element was copied to many places of the result; its gradient is the sum over those'
        ' places. Which axes hold the copies?',
        '输入的每个元素都被复制到结果的许多位置；它的梯度是这些位置之和。哪些轴上是拷贝？'),
    (
        'Two kinds of axes: extra ones in front (sum them away with axis=0 while grad has too many), an'
        'd axes where the input has size 1 (sum them with keepdims=True).',
        '两种轴：前面多出来的轴（grad 轴数过多时就用 axis=0 求和掉），以及输入大小为 1 的轴（用 '
        'keepdims=True 求和）。'),
    (HINT, HINT_ZH),
]
