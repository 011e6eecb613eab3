"""Matrix product, with numpy's rules for 1-D and batched operands."""

from __future__ import annotations

import numpy as np

from ..function import Function, unbroadcast
from .tangents import plus


def _swap_last(x):
    """x with its last two axes swapped (a method that arrays and Values share)."""
    return x.swapaxes(-1, -2)


def check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    """PyTorch's errors for operands that cannot be multiplied."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else -1]:
        left = "x".join(map(str, a.shape if a.ndim > 1 else (1,) + a.shape))
        right = "x".join(map(str, b.shape if b.ndim > 1 else b.shape + (1,)))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({left} and {right}): "
            f"the last axis of the left operand ({a.shape[-1]}) must equal the "
            f"{'first' if b.ndim == 1 else 'second-to-last'} axis of the right operand"
        )


class MatMul(Function):
    """Z = A @ B. A 1-D operand is a row (left) or column (right) vector whose added axis is
    removed again; batch axes broadcast and are summed back by ``unbroadcast``."""

    derivative = ("dZ/dA: sends upstream @ B^T", "dZ/dB: sends A^T @ upstream")

    @staticmethod
    def forward(ctx, a, b):
        a, b = np.asarray(a), np.asarray(b)
        check_matmul(a, b)
        ctx.save_for_backward(a, b)
        out = a @ b
        return out[()] if type(out) is np.ndarray and not out.shape else out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        sa, sb = a.shape, b.shape
        a2 = a.reshape((1,) + sa) if len(sa) == 1 else a
        b2 = b.reshape(sb + (1,)) if len(sb) == 1 else b
        g = grad.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g @ _swap_last(b2), a2.shape).reshape(sa) if na else None,
                unbroadcast(_swap_last(a2) @ g, b2.shape).reshape(sb) if nb else None)

    @staticmethod
    def jvp(ctx, ta, tb):  # bilinear: dZ = dA @ B + A @ dB
        a, b = ctx.saved_values
        return plus(None if ta is None else MatMul.apply(ta, b), None if tb is None else MatMul.apply(a, tb))
