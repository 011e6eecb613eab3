"""Floor 1: what autograd checks, and says when something goes wrong: broadcast errors, anomaly
checks, in-place changes of saved data, gradients of the wrong shape, a second backward."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import numpy as np

from .state import GraphValue

__all__ = ["broadcast_error", "creation_site", "check_finite", "check_saved", "check_grad_shape",
           "SECOND_BACKWARD", "SHARED_MEMORY", "LEAF_INPLACE", "NO_GRAD_FN", "LEAF_ONLY",
           "NON_LEAF_GRAD", "implicit_grad_error", "grad_shape_error"]


def broadcast_error(op: str, raw: list) -> RuntimeError:
    """PyTorch's wording for shapes that do not broadcast, plus the op and a fix."""
    shapes = [tuple(np.shape(r)) for r in raw]
    a, b = (shapes + [()])[:2]
    detail = ""
    for i in range(1, max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            detail = (f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                      f"non-singleton dimension {max(len(a), len(b)) - i}. ")
            break
    dtypes = ", ".join(str(np.result_type(r)) for r in raw)
    return RuntimeError(
        f"{detail}{op}: shapes {' and '.join(map(str, shapes))} (dtypes {dtypes}) cannot be "
        f"broadcast together. Broadcasting matches axes from the right and needs each pair of "
        f"sizes to be equal or 1; reshape one operand (e.g. x.unsqueeze(-1) or x.reshape(...))."
    )


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def creation_site() -> str:
    """The innermost frame outside this package: where the user created the node."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    {frame.line}'
    return "<unknown>"


def check_finite(where: str, out: Any, site: str | None) -> None:
    """Raise if a gradient in ``out`` holds nan (anomaly mode checks backward, as PyTorch's does:
    an inf, or a nan in a forward such as ``masked_fill(mask, -inf)`` before a softmax, is fine)."""
    arrays = out if isinstance(out, tuple) else (out,)
    for i, a in enumerate(arrays):
        if a is None:
            continue
        data = a._data if isinstance(a, GraphValue) else a
        if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind in "fc" and np.isnan(data).any():
            created = f"\nThe op was created at:\n  {site}" if site else ""
            raise RuntimeError(
                f"Function '{where}' returned nan values in its {i}th output (detect_anomaly is on)."
                f"{created}\nCommon causes: log or sqrt of a value <= 0, 0/0, inf - inf, or "
                f"a learning rate so large that the weights blow up."
            )


SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


NO_GRAD_FN = (
    "element 0 of tensors does not require grad and does not have a grad_fn. Make sure a leaf was "
    "created with requires_grad=True (or call .requires_grad_()) and that the loss was not "
    "computed inside no_grad()."
)
LEAF_ONLY = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)
NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor."
)


def implicit_grad_error(shape: tuple) -> RuntimeError:
    """``backward()`` without a gradient on an output of more than one element."""
    return RuntimeError(
        f"grad can be implicitly created only for scalar outputs (this output has shape "
        f"{tuple(shape)}). Reduce it first (e.g. loss.sum() or loss.mean()), or pass the upstream "
        f"gradient: y.backward(gradient) with gradient.shape == y.shape."
    )


def grad_shape_error(g_shape: tuple, shape: tuple) -> RuntimeError:
    """``backward(gradient)`` with a gradient whose shape is not the output's."""
    return RuntimeError(
        f"Mismatch in shape: grad_output[0] has a shape of {tuple(g_shape)} and output[0] has a "
        f"shape of {tuple(shape)}. The gradient passed to backward must match the output."
    )


def check_saved(node: Any, out: Any) -> None:
    """Raise if data that ``node`` saved was changed in place after the node was made.

    Each value's version counter remembers the epoch of its last in-place change (shared with
    its views and detached copies). A changed input or output counts if the node saved its data,
    or if a 0-d value's numbers were replaced, leaving a saved number that belongs to no one.
    """
    mine = [p for p in (*node.parents, out) if p is not None]
    for p in mine:
        vc = p._vc
        if vc is None or vc[1] <= node._epoch:
            continue
        saved = any(s is p._data for s in node.saved_values) or (not p._data.shape and any(
            not any(s is q._data for q in mine) for s in node.saved_values))
        if saved:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{p._data.dtype}{list(p._data.shape)}] is at version {vc[0]}, "
                f"which {node.name()} saved before the change. Hint: do the in-place change "
                f"(e.g. the optimizer step) after backward(), or use an out-of-place op."
            )


def check_grad_shape(node: Any, p: Any, pg: Any, grads: tuple) -> Any:
    """A gradient ``pg`` (one of ``grads``) whose shape differs from its input ``p``'s: a number
    for a 0-d input is fine; anything else is the op's bug, reported."""
    shape = tuple(np.shape(pg))
    if shape == () and p._data.shape == ():
        return np.asarray(pg, dtype=p._data.dtype)[()]
    i = next(i for i, (q, g) in enumerate(zip(node.parents, grads)) if q is p and g is pg)
    raise RuntimeError(
        f"Function {node.name()} returned an invalid gradient at index {i} - got {list(shape)} but "
        f"expected shape compatible with {list(p._data.shape)}. A broadcasting op must sum the "
        f"gradient back to its input's shape with unbroadcast(grad, x.shape)."
    )


SHARED_MEMORY = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)


def write_error(data: np.ndarray, new: Any, op: Any = None) -> RuntimeError:
    """PyTorch's error for an in-place write into the array ``data`` that numpy refused (with
    ``op``, an in-place operator, the write was ``op(data, new)``): read-only memory (an expanded
    view), shapes that do not broadcast at all, or a broadcast shape that is not ``data``'s."""
    if not data.flags.writeable:
        return RuntimeError(SHARED_MEMORY)
    kind = np.result_type(data, new).kind if op is not None else np.asarray(new).dtype.kind
    if not np.can_cast(np.dtype(kind if kind != "b" else "?"), data.dtype, "same_kind"):
        names = {"f": "Float", "i": "Long", "u": "Long", "b": "Bool", "c": "ComplexFloat"}
        return RuntimeError(f"result type {names.get(kind, kind)} can't be cast to the desired output "
                            f"type {names.get(data.dtype.kind, data.dtype.name)}")
    try:
        shape = np.broadcast_shapes(data.shape, np.shape(new)) if op is not None else np.shape(new)
    except ValueError:
        return broadcast_error(f"in-place {op.__name__[1:]}", [data, new])  # isub: sub
    return RuntimeError(f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                        f"{list(shape)}")


def _sole_refcount() -> int:
    """What ``sys.getrefcount(g)`` says inside ``engine.accumulate``'s loop (the same code shape)
    of an array that nothing but ``found`` holds: 3 up to Python 3.13 (the slot, ``g``, the
    call's argument); interpreters that borrow references for locals may say less."""
    found = {0: [None, np.empty(1)]}
    for _, g in found.values():
        return sys.getrefcount(g)
    return 3


SOLE_REFCOUNT = _sole_refcount()


LEAF_INPLACE = ("a leaf Variable that requires grad is being used in an in-place operation. Wrap "
                "parameter updates in `with torch.no_grad():`, or use an out-of-place op.")
