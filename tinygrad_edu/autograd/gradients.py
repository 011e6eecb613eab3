"""``grad`` and ``backward``: the functional entry points to the engine."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import engine
from ..value import Value

__all__ = ["grad", "backward"]


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, Value):
        return (x,)
    return tuple(x)


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not stored in ``.grad``.

    Follows ``torch.autograd.grad``: a non-scalar output needs its ``grad_outputs``; an input that
    the outputs do not depend on raises unless ``allow_unused=True`` (then its gradient is None);
    ``create_graph=True`` returns Values with a graph, so they can be differentiated again.
    Gradients are Values.
    """
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if grad_outputs is None:
        gouts: tuple = (None,) * len(outs)
    else:
        gouts = (grad_outputs,) if isinstance(grad_outputs, Value) or not isinstance(
            grad_outputs, (list, tuple)) else tuple(grad_outputs)
    if len(gouts) != len(outs):
        raise RuntimeError(
            f"grad requires one grad_output per output: got {len(gouts)} grad_outputs and "
            f"{len(outs)} outputs"
        )
    for i, x in enumerate(ins):
        if not isinstance(x, Value) or not x.requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors does not require grad (input {i}). "
                f"Create it with requires_grad=True."
            )
    for i, o in enumerate(outs):
        if not o.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
    seeds = [engine.seed(o, g, create_graph) for o, g in zip(outs, gouts)]
    if retain_graph is None:
        retain_graph = create_graph
    found = engine.run_backward(list(outs), seeds, retain_graph, create_graph, {id(x) for x in ins})
    results = []
    for i, x in enumerate(ins):
        g = found.get(id(x), (None, None))[1]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors appears to not have been used in the graph "
                    f"(input {i}, shape {tuple(x.shape)}). Set allow_unused=True if this is the "
                    f"desired behavior."
                )
            results.append(None)
        elif isinstance(g, Value):
            results.append(g)
        else:
            results.append(Value(np.asarray(g, dtype=x.dtype) if np.shape(g) else x.dtype.type(g)))
    return tuple(results)


def backward(tensors: Value | Sequence[Value], grad_tensors: Any = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Sequence[Value] | None = None) -> None:
    """``torch.autograd.backward``: backward from several outputs at once."""
    outs = _as_tuple(tensors)
    gs = (None,) * len(outs) if grad_tensors is None else _as_tuple(grad_tensors)
    seeds = [engine.seed(o, g, create_graph) for o, g in zip(outs, gs)]
    collect = None if inputs is None else {id(v) for v in _as_tuple(inputs)}
    found = engine.run_backward(list(outs), seeds, bool(retain_graph or create_graph), create_graph,
                                collect)
    engine.accumulate(found, create_graph)
