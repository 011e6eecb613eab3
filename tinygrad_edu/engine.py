"""Floor 2: the backward walk. ``run_backward`` visits the nodes from the output back to the
inputs without recursion (a chain a million ops deep is fine): a heap holds the nodes that have
received a gradient, and the walk always takes the newest. A node is made after the nodes whose
outputs it uses, so every node that sends it a gradient has been visited by then. At each node
it calls the op's ``backward`` with the gradient that has arrived and adds what comes out to the
next node's accumulator, or, for a leaf, to the gradients the walk collects: those of the values
in ``collect`` (ids), or of every leaf and every ``retain_grad()`` value when it is None.
``backward`` adds them into ``.grad``; ``autograd.grad`` returns them. Values are used only
through the GraphValue contract.
"""

from __future__ import annotations

from heapq import heappop, heappush
from sys import getrefcount
from typing import Any, Callable, Sequence

import numpy as np

from . import diagnostics
from .diagnostics import SECOND_BACKWARD, SOLE_REFCOUNT, check_finite, check_grad_shape, check_saved
from .function import _FREED, Function, input_node
from .graph import topological_order
from .hooks import run_hooks
from .ops import BUILT_IN, Mul
from .state import GraphValue, grad_mode, state

__all__ = ["backward", "run_backward", "topological_order", "seed", "accumulate"]


def seed(root: Any, gradient: Any, create_graph: bool = False) -> Any:
    """The gradient that starts the walk at ``root``: checked against its shape, in its dtype."""
    data = root._data
    if gradient is None:
        if data.size != 1:
            raise diagnostics.implicit_grad_error(data.shape)
        return data.dtype.type(1) if not data.shape else np.ones_like(data)
    value = isinstance(gradient, GraphValue)
    g = gradient._data if value else np.asarray(gradient)
    if g.shape != data.shape:
        raise diagnostics.grad_shape_error(g.shape, data.shape)
    if value and create_graph and gradient._rg:
        return gradient  # differentiated through, too
    g = np.asarray(g, dtype=data.dtype)  # as in PyTorch, the gradient takes the output's dtype
    return g[()] if not g.shape else g


def backward(root: Any, gradient: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Sequence[Any] | None = None) -> None:
    """``root.backward(...)``: add d(root)/d(leaf) into every leaf's ``.grad`` (or only into the
    ``inputs``' ``.grad``, leaves or not)."""
    if not root._rg:
        raise RuntimeError(diagnostics.NO_GRAD_FN)
    start = seed(root, gradient, create_graph)
    if inputs is not None and not all(v._rg for v in inputs):
        raise RuntimeError("One of the differentiated Tensors does not require grad: every value "
                           "in backward(inputs=...) must have requires_grad=True.")
    collect = None if inputs is None else {id(v) for v in inputs}
    found = run_backward([root], [start], retain_graph or create_graph, create_graph, collect)
    accumulate(found, create_graph)


def accumulate(found: dict[int, list], create_graph: bool) -> None:
    """Add gradients into ``.grad`` in the value's dtype, in place where possible. A first array
    is kept as is if it is writable and nothing else holds it (PyTorch's rule; see SOLE_REFCOUNT),
    else copied: no two values ever share one. ``.grad`` wraps it in a Value when read."""
    for v, g in found.values():
        old, dtype = v._grad, v._data.dtype
        if old is None and type(g) is np.ndarray:  # the common case first
            sole = g.base is None and g.flags.writeable and getrefcount(g) <= SOLE_REFCOUNT
            v._grad = g if sole and (g.dtype is dtype or g.dtype == dtype) else g.astype(dtype)
        elif isinstance(g, GraphValue) or isinstance(old, GraphValue) and (create_graph or old._rg):
            v._grad = Mul.apply(g, 1) if old is None else old + g  # with a graph: a recorded copy
        elif old is None:  # copies (numbers never change): no two values ever share one
            v._grad = g if type(g) is dtype.type else np.asarray(g, dtype)[()]
        elif type(data := getattr(old, "_data", old)) is np.ndarray and data.flags.writeable:
            np.add(data, g, out=data, casting="unsafe")
        elif isinstance(old, GraphValue):  # numbers that cannot change: replace them in the Value
            old._data = np.asarray(data + g, dtype)[()]
        else:
            v._grad = np.asarray(data + g, dtype)[()]


def run_backward(roots: Sequence[Any], seeds: Sequence[Any], retain_graph: bool, create_graph: bool,
                 collect: set[int] | None = None, trace: Callable[..., None] | None = None,
                 ) -> dict[int, list]:
    """The walk shared by ``backward``, ``autograd.grad`` and ``explain``.

    Returns ``{id(value): [value, gradient]}`` for the values that collect (see the module's
    docstring). ``trace(value, grad, grads)`` is called at each node (explain's table).
    Nothing is written anywhere if the walk fails part-way.
    """
    found: dict[int, list] = {}
    heap: list = []  # (-creation number, node, the value it made): the newest node first
    for root, g in zip(roots, seeds):
        if create_graph and not isinstance(g, GraphValue):
            g = root._from_op(g, None)
        node = root.grad_fn or (None if root._rg else root._detached)
        if node is not None:
            _send(heap, node, root, g)
        elif collect is None or id(root) in collect:
            _add(found, root, g)
    prev, grad_mode.enabled = grad_mode.enabled, create_graph  # record the backward only if asked
    try:
        _walk(heap, found, retain_graph, create_graph, collect, trace)
        for slot in found.values():  # a leaf's hooks see its summed gradient
            if slot[0]._hooks and slot[0].grad_fn is None:
                slot[1] = run_hooks(*slot)
    except BaseException:
        for _, node, _ in heap:  # leave no half-summed gradients on the nodes either
            node._acc = None
        raise
    finally:
        grad_mode.enabled = prev
    return found


def _send(heap: list, node: Function, v: Any, g: Any) -> None:
    """Add ``g`` to the gradient waiting at ``node`` (the node of value ``v``)."""
    if node._acc is None:
        node._acc = g
        heappush(heap, (-node._seq, node, v))
    else:
        node._acc = node._acc + g


def _add(found: dict[int, list], v: Any, g: Any) -> None:
    slot = found.get(id(v))
    if slot is None:
        found[id(v)] = [v, g]
    else:
        slot[1] = slot[1] + g


def _walk(heap: list, found: dict[int, list], retain_graph: bool, create_graph: bool,
          collect: set[int] | None, trace: Callable[..., None] | None) -> None:
    """Visit the nodes from the output back to the inputs, applying the chain rule at each."""
    epoch, every, watch = state.epoch, collect is None, state.anomaly or trace is not None
    while heap:
        _, node, v = heappop(heap)
        g, saved = node._acc, node.saved_values
        if v._hooks:  # register_hook: they see (and may replace) v's whole gradient
            g = run_hooks(v, g)
        node._acc, node.received = None, None if create_graph else g  # received: for drawings
        if (v._retains_grad if every else id(v) in collect) and (v.grad_fn or v._detached) is node:
            _add(found, v, g)  # (not an earlier node of a value changed in place since)
        if not saved:
            grads = node.backward(node, g)
        elif saved is _FREED:
            raise RuntimeError(SECOND_BACKWARD)
        else:
            if node._epoch != epoch:
                check_saved(node, v)
            grads = _lifted_backward(node, v, g) if create_graph else node.backward(node, g)
        if type(grads) is not tuple:
            grads = (grads,)
        parents = node._inputs or (node._a, node._b)  # node.parents, inlined
        needs = node.needs_input_grad
        if len(grads) != len(parents):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {len(parents)}, got {len(grads)})")
        if watch:
            if state.anomaly:
                check_finite(node.name(), grads, node.__dict__.get("_trace"))
            if trace is not None:
                trace(v, g, grads)
        if saved and not retain_graph:
            node.saved_values = _FREED
        checked = type(node) in BUILT_IN  # a built-in op's gradients have the right shapes
        for i, pg in enumerate(grads):
            if pg is None or not needs[i]:
                continue
            p = parents[i]
            if not checked:
                try:
                    bad_shape = pg.shape != p._data.shape
                except AttributeError:  # a Python number from a user's backward
                    bad_shape = True
                if bad_shape:
                    pg = check_grad_shape(node, p, pg, grads)
            pn = p.grad_fn or (None if p._rg else p._detached)
            if pn is not None and pn._seq > node._seq:  # p was changed in place after node was made
                pn = input_node(p, node._seq)
            if pn is None:
                if every or id(p) in collect:
                    slot = found.get(id(p))
                    found[id(p)] = [p, pg] if slot is None else [p, slot[1] + pg]
            elif pn._acc is None:  # _send, inlined: the hot path
                pn._acc = pg
                heappush(heap, (-pn._seq, pn, p))
            else:
                pn._acc = pn._acc + pg


def _lifted_backward(node: Function, out: Any, g: Any) -> Any:
    """The backward of a node recorded itself (create_graph): its saved arrays are handed over as
    the graph's own Values."""
    saved, lifted = node.saved_values, []
    for s in saved:
        for p in node.parents:
            if p is not None and s is p._data:
                lifted.append(p)
                break
        else:
            lifted.append(out if s is out._data else s)
    node.saved_values = tuple(lifted)
    try:
        return node.backward(node, g)
    finally:
        node.saved_values = saved
