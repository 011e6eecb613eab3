"""Floor 2: the backward walk. ``run_backward`` sorts the graph without recursion (a chain a
million ops deep is fine), then visits the nodes from the output back to the inputs. At each node
it calls the op's ``backward`` with the gradient that has arrived and adds what comes out to the
next node's accumulator, or, for a leaf, to the gradients the walk collects: those of the values
in ``collect`` (ids), or of every leaf and every ``retain_grad()`` value when it is None.
``backward`` adds them into ``.grad``; ``autograd.grad`` returns them. Values are used only
through the GraphValue contract.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

import numpy as np

from .diagnostics import SECOND_BACKWARD, check_finite, check_grad_shape, check_saved
from .function import _FREED, Function
from .state import GraphValue, grad_mode, state

__all__ = ["backward", "run_backward", "topological_order", "seed", "accumulate"]

def topological_order(roots: Sequence[Any]) -> list[Any]:
    """Non-leaf values reachable from ``roots``, each after every value it was computed from."""
    nodes, found = _order(roots)
    return [found[n] for n in nodes]


def _order(roots: Sequence[Any]) -> tuple[list[Function], dict[Function, Any]]:
    """The nodes reachable from ``roots``, each after every node whose output it uses, and the
    value each made. An iterative walk collects them; sorting by creation number gives the order,
    because a node is always created after the nodes whose outputs it uses."""
    found: dict[Function, Any] = {}
    # a value's node is its grad_fn or, after detach_(), the node it had (graphs built before
    # the detach still reach it, as in PyTorch)
    stack = [r for r in roots if r.grad_fn or (not r._rg and r._detached)]
    while stack:
        v = stack.pop()
        node = v.grad_fn or v._detached
        if node in found:
            continue
        found[node] = v
        for p in node.parents:
            if p is not None:
                pn = p.grad_fn or (None if p._rg else p._detached)
                if pn is not None and pn not in found:
                    stack.append(p)
    return sorted(found, key=operator.attrgetter("_seq")), found


def seed(root: Any, gradient: Any, create_graph: bool = False) -> Any:
    """The gradient that starts the walk at ``root``: checked against its shape, in its dtype."""
    data = root._data
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs (this output has shape "
                f"{tuple(data.shape)}). Reduce it first (e.g. loss.sum() or loss.mean()), or pass "
                f"the upstream gradient: y.backward(gradient) with gradient.shape == y.shape."
            )
        return data.dtype.type(1) if not data.shape else np.ones_like(data)
    value = isinstance(gradient, GraphValue)
    g = gradient._data if value else np.asarray(gradient)
    if g.shape != data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of {tuple(g.shape)} and output[0] has a "
            f"shape of {tuple(data.shape)}. The gradient passed to backward must match the output."
        )
    if value and create_graph and gradient._rg:
        return gradient  # differentiated through, too
    g = np.asarray(g, dtype=data.dtype)  # as in PyTorch, the gradient takes the output's dtype
    return g[()] if not g.shape else g


def backward(root: Any, gradient: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Sequence[Any] | None = None) -> None:
    """``root.backward(...)``: add d(root)/d(leaf) into every leaf's ``.grad`` (or only into the
    ``inputs``' ``.grad``, leaves or not)."""
    if not root._rg:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn. Make sure a "
            "leaf was created with requires_grad=True (or call .requires_grad_()) and that the "
            "loss was not computed inside no_grad()."
        )
    start = seed(root, gradient, create_graph)
    if inputs is not None and not all(v._rg for v in inputs):
        raise RuntimeError("One of the differentiated Tensors does not require grad: every value "
                           "in backward(inputs=...) must have requires_grad=True.")
    collect = None if inputs is None else {id(v) for v in inputs}
    found = run_backward([root], [start], retain_graph or create_graph, create_graph, collect)
    accumulate(found, create_graph)


def accumulate(found: dict[int, list], create_graph: bool) -> None:
    """Add gradients into ``.grad`` in the value's dtype, in place where possible (a first one is
    stored as numbers of its own; ``.grad`` wraps them in a Value when read)."""
    for v, g in found.values():
        old, dtype = v._grad, v._data.dtype
        if isinstance(g, GraphValue) or isinstance(old, GraphValue) and (create_graph or old._rg):
            v._grad = g if old is None else old + g  # a gradient with a graph: out of place
        elif old is None:  # copies (numbers never change): no two values ever share one
            v._grad = g.astype(dtype) if type(g) is np.ndarray else g if isinstance(
                g, np.generic) and g.dtype == dtype else np.asarray(g, dtype)[()]
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
    nodes, made = _order(roots)
    found: dict[int, list] = {}
    for root, g in zip(roots, seeds):
        if create_graph and not isinstance(g, GraphValue):
            g = root._from_op(g, None)
        node = root.grad_fn or (None if root._rg else root._detached)
        if node is not None:
            node._acc = g if node._acc is None else node._acc + g
        elif collect is None or id(root) in collect:
            _add(found, root, g)
    prev, grad_mode.enabled = grad_mode.enabled, create_graph  # record the backward only if asked
    try:
        _walk(nodes, made, found, retain_graph, create_graph, collect, trace)
    except BaseException:
        for node in nodes:  # leave no half-summed gradients on the nodes either
            node._acc = None
        raise
    finally:
        grad_mode.enabled = prev
    return found


def _add(found: dict[int, list], v: Any, g: Any) -> None:
    slot = found.get(id(v))
    if slot is None:
        found[id(v)] = [v, g]
    else:
        slot[1] = slot[1] + g


def _walk(nodes: list, made: dict, found: dict[int, list], retain_graph: bool, create_graph: bool,
          collect: set[int] | None, trace: Callable[..., None] | None) -> None:
    """Visit the nodes from the output back to the inputs, applying the chain rule at each."""
    epoch, anomaly, every = state.epoch, state.anomaly, collect is None
    for node in reversed(nodes):
        v, g, node._acc = made[node], node._acc, None
        node.received = None if create_graph else g  # kept for drawings (viz, explain)
        if g is None:
            continue
        saved = node.saved_values
        if saved is _FREED:
            raise RuntimeError(SECOND_BACKWARD)
        if v._retains_grad if every else id(v) in collect:
            _add(found, v, g)
        if saved and node._epoch != epoch:
            check_saved(node, v)
        if create_graph and saved:
            node.saved_values = _lift(node, v)
            try:
                grads = node.backward(node, g)
            finally:
                node.saved_values = saved
        else:
            grads = node.backward(node, g)
        if type(grads) is not tuple:
            grads = (grads,)
        parents, needs = node.parents, node.needs_input_grad
        if len(grads) != len(parents):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {len(parents)}, got {len(grads)})")
        if anomaly:
            check_finite(type(node).__name__ + ".backward", grads, node.__dict__.get("_trace"))
        if trace is not None:
            trace(v, g, grads)
        for i, pg in enumerate(grads):
            if pg is None or not needs[i]:
                continue
            p = parents[i]
            try:
                bad_shape = pg.shape != p._data.shape
            except AttributeError:  # a Python number from a user's backward
                pg, bad_shape = np.asarray(pg, dtype=p._data.dtype)[()], p._data.shape != ()
            if bad_shape:
                pg = check_grad_shape(node, i, p, pg)
            pn = p.grad_fn or (None if p._rg else p._detached)
            if pn is not None:
                pn._acc = pg if pn._acc is None else pn._acc + pg
            elif every or id(p) in collect:
                slot = found.get(id(p))
                found[id(p)] = [p, pg] if slot is None else [p, slot[1] + pg]
        if not retain_graph and saved:
            node.saved_values = _FREED


def _lift(node: Function, out: Any) -> tuple:
    """Saved arrays as the graph's own Values, for a backward that is itself recorded."""
    lifted = []
    for s in node.saved_values:
        for p in node.parents:
            if p is not None and s is p._data:
                lifted.append(p)
                break
        else:
            lifted.append(out if s is out._data else s)
    return tuple(lifted)


