"""Exercise 11: the backward of sum and mean over an axis."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import call, compare, matches

NAME = "sum_mean"
TITLE = "Sum and mean over an axis: backward"
IDEA = ("the gradient of a sum is copied back to every element it summed (re-insert the reduced axis, "
        "then broadcast); a mean also divides by the number of elements averaged")
HINT = """    if axis is None: return np.broadcast_to(grad, shape).copy()
    if not keepdims: grad = np.expand_dims(grad, axis)     # (3,) -> (3, 1) for axis=1
    return np.broadcast_to(grad, shape).copy()
Without expand_dims numpy aligns grad with the LAST axis, which is the wrong one (or fails).
mean_backward: the same divided by shape[axis] (or by the total size when axis is None)."""

TEMPLATE = '''\
"""Exercise 11: the backward of sum and mean over an axis.

y = x.sum(axis=1) for x of shape (3, 4) gives y of shape (3,): y[i] is
the sum of row i. Every x[i, j] adds to y[i] with slope 1, so

    dL/dx[i, j] = dL/dy[i]          (copied along the reduced axis)

In numpy: put the reduced axis back (np.expand_dims(grad, axis): shape
(3,) -> (3, 1); not needed when keepdims=True kept it) and broadcast to
x's shape. Skip the expand_dims and numpy aligns the gradient on the
RIGHT, with the wrong axis: an error for (3, 4), and for a square (3, 3)
silently the transpose of the right answer!

A mean is a sum divided by n, the number of elements averaged
(shape[axis], or x.size when axis is None): its gradient is divided by n.

axis is an int (maybe negative, -1 is the last axis) or None (all axes;
then grad is a 0-d array).

Task: write sum_backward and mean_backward.
Check:  python -m tinygrad_edu.exercises check 11
"""
import numpy as np


def sum_backward(grad, shape, axis, keepdims):
    """dL/dx for y = x.sum(axis=axis, keepdims=keepdims), x of `shape`."""
    # TODO
    raise NotImplementedError("TODO: sum_backward")


def mean_backward(grad, shape, axis, keepdims):
    """dL/dx for y = x.mean(axis=axis, keepdims=keepdims), x of `shape`."""
    # TODO
    raise NotImplementedError("TODO: mean_backward")
'''


# ---- reference solution: the template with its TODOs answered (graded like a learner's file) ---

SOLUTION = {
    "TODO: sum_backward": """\
if axis is not None and not keepdims:
    grad = np.expand_dims(grad, axis)
return np.broadcast_to(grad, shape).copy()""",
    "TODO: mean_backward": """\
n = int(np.prod(shape)) if axis is None else shape[axis]
return sum_backward(grad, shape, axis, keepdims) / n""",
}


# ---- check -------------------------------------------------------------------------------------

def _spread(grad: np.ndarray, shape: tuple[int, ...], axis: int | None) -> np.ndarray:
    """The check's own answer, element by element: x[idx] gets grad at idx without the reduced axis."""
    out = np.empty(shape)
    flat = np.reshape(grad, -1) if axis is None else None
    for idx in np.ndindex(*shape):
        if axis is None:
            out[idx] = flat[0]
        else:
            ax = axis % len(shape)
            out[idx] = np.reshape(grad, shape[:ax] + shape[ax + 1:])[idx[:ax] + idx[ax + 1:]]
    return out


_CASES: list[tuple[tuple[int, ...], int | None, bool]] = [
    ((3, 4), 1, False), ((3, 3), 0, False), ((3, 3), 1, False), ((2, 3, 4), 1, False),
    ((2, 3, 4), -1, False), ((3, 4), 0, True), ((2, 3, 4), -2, True), ((3, 4), None, False),
    ((5,), 0, False), ((2, 3), None, True),
]

_EXPAND = ("put the reduced axis back before broadcasting: np.expand_dims(grad, axis) when "
           "keepdims is False; otherwise numpy aligns grad with the LAST axis.")


def _right_aligned(grad: np.ndarray, shape: tuple[int, ...], got: Any, n: int) -> bool:
    """Whether got is grad broadcast WITHOUT re-inserting the reduced axis (possible when the shapes
    happen to line up, e.g. square matrices)."""
    try:
        return matches(got, np.broadcast_to(grad, shape) / n)
    except ValueError:
        return False


def check(sol: Any) -> None:
    rng = np.random.default_rng(2011)
    for shape, axis, keepdims in _CASES:
        y = np.sum(np.zeros(shape), axis=axis, keepdims=keepdims)
        grad = rng.standard_normal(y.shape)
        expected = _spread(grad, shape, axis)
        args = f"grad of shape {grad.shape}, shape={shape}, axis={axis}, keepdims={keepdims}"
        for name, fn, n in (("sum_backward", sol.sum_backward, 1),
                            ("mean_backward", sol.mean_backward,
                             int(np.prod(shape)) if axis is None else shape[axis])):
            what = f"{name}({args})"
            got = call(what, fn, grad.copy(), shape, axis, keepdims, on_error=_EXPAND)
            if matches(got, expected / n):
                continue
            hint = f"the gradient of a sum is grad copied along the reduced axis {axis}."
            if axis is not None and not keepdims and _right_aligned(grad, shape, got, n):
                hint = _EXPAND
            elif n > 1 and matches(got, expected):
                hint = (f"mean = sum / n: divide the gradient by n = {n}, the number of elements "
                        f"averaged (shape[axis], or the total size when axis is None).")
            elif n > 1 and matches(got, expected / int(np.prod(shape))):
                hint = (f"divide by the number of elements averaged along axis {axis}, n = {n}, not by "
                        f"the total size {int(np.prod(shape))}.")
            elif np.ndim(got) != len(shape) or np.shape(got) != shape:
                hint = f"the gradient must have x's shape {shape}: broadcast grad to it."
            compare(what, got, expected / n, hint)


# ---- the Chinese texts and the hints, from the idea to the answer (the last one is HINT) -------

TITLE_ZH = 'sum 和 mean 的反向'
IDEA_ZH = '把梯度沿被求和的轴复制回去（先把那根轴补回来）；平均还要除以 n'
TEXT_ZH = (
    '求和时每个元素只被加了一次，所以它得到的梯度就是它所在的那个和的梯度：把 grad '
    '沿被求和的轴复制回输入的形状。\n'
    '如果求和时没有 keepdims，那根轴已经消失了：先用 np.expand_dims 把它补回来，再广播。平均是和除以 n，\n'
    '所以梯度也除以 n。\n\n任务：写出 sum_backward 和 mean_backward。'
)
HINT_ZH = """    if axis is None: return np.broadcast_to(grad, shape).copy()
    if not keepdims: grad = np.expand_dims(grad, axis)     # axis=1 时 (3,) -> (3, 1)
    return np.broadcast_to(grad, shape).copy()
不用 expand_dims 的话，numpy 会把 grad 和最后一个轴对齐，那是错的轴（或者直接报错）。
mean_backward：同样的结果，再除以 shape[axis]（axis 为 None 时除以总元素数）。"""

HINTS = [
    (
        'A sum adds each element once: every element gets the gradient of the sum it went into. What ha'
        'ppened to the summed axis?',
        '求和时每个元素加了一次：每个元素得到它所在那个和的梯度。被求和的那根轴怎么样了？'),
    (
        "If keepdims was False, put the axis back with np.expand_dims; then np.broadcast_to the input's"
        ' shape. For the mean divide by the number of elements summed.',
        '如果 keepdims 是 False，用 np.expand_dims 把轴补回来；再 np.broadcast_to 到输入的形状。'
        '平均要再除以参与求和的元素个数。'),
    (HINT, HINT_ZH),
]
