"""Layer 1 (with function.py): the backward graph walk.

``backward`` sorts the graph with an iterative depth-first search (no recursion, so a chain a
million ops deep is fine), then visits the nodes from the output back to the inputs. At each node
it calls the op's ``backward`` with the gradient that has arrived, and adds what comes out to the
gradients of the node's inputs: to the next node's accumulator, or to a leaf's ``.grad``.

Like function.py, this module only relies on the small ``GraphValue`` interface of Value.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

import numpy as np

from . import function as _fn
from .function import _FREED, Function, GraphValue

__all__ = ["backward", "run_backward", "topological_order"]

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


def topological_order(roots: Sequence[Any]) -> list[Any]:
    """Non-leaf values reachable from ``roots``, each after every value it was computed from.

    An iterative walk (no recursion, so a graph a million nodes deep is fine) collects the
    reachable values; sorting them by their node's creation number then gives a topological
    order, because a node is always created after the nodes whose outputs it uses.
    """
    found: dict[Function, Any] = {}
    stack = [r for r in roots if r.grad_fn is not None]
    while stack:
        v = stack.pop()
        node = v.grad_fn
        if node in found:
            continue
        found[node] = v
        for p in node.parents:
            if p is not None and p.grad_fn is not None and p.grad_fn not in found:
                stack.append(p)
    return [found[n] for n in sorted(found, key=_creation_number)]


_creation_number = operator.attrgetter("_seq")


def _seed(root: Any, gradient: Any) -> Any:
    data = root._data
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs (this output has shape "
                f"{tuple(data.shape)}). Reduce it first (e.g. loss.sum() or loss.mean()), or pass "
                f"the upstream gradient: y.backward(gradient) with gradient.shape == y.shape."
            )
        return data.dtype.type(1) if not data.shape else np.ones_like(data)
    g = gradient._data if isinstance(gradient, GraphValue) and not _fn._grad_enabled else gradient
    if isinstance(g, GraphValue):
        return g
    g = np.asarray(g, dtype=data.dtype)
    if g.shape != data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of {tuple(g.shape)} and output[0] has a "
            f"shape of {tuple(data.shape)}. The gradient passed to backward must match the output."
        )
    return g[()] if not g.shape else g


def backward(
    root: Any,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Any] | None = None,
) -> None:
    """``root.backward(...)``: accumulate d(root)/d(leaf) into every leaf's ``.grad``."""
    if not root._rg:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn. Make sure a "
            "leaf was created with requires_grad=True (or call .requires_grad_()) and that the "
            "loss was not computed inside no_grad()."
        )
    seed = _seed(root, gradient)
    if retain_graph is None:
        retain_graph = create_graph
    only = None
    if inputs is not None:
        only = {id(v) for v in inputs}
    run_backward([root], [seed], retain_graph, create_graph, accumulate=True, only=only)


def _check_saved(node: Function, out: Any) -> None:
    """Raise if a value whose data ``node`` saved was modified in place after the node was made.

    Every in-place change stamps its value with a new global epoch; the node remembers the
    epoch at its creation. Only data that the node really saved counts (as in PyTorch).
    """
    for p in (*node.parents, out):
        if p is None or getattr(p, "_stamp", 0) <= node._epoch:
            continue
        if any(s is p._data for s in node.saved_values):
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{p._data.dtype}{list(p.shape)}] is at version {p._version}, "
                f"which {node.name()} saved before the change. Hint: do the in-place change "
                f"(e.g. the optimizer step) after backward(), or use an out-of-place op."
            )


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


def _leaf_grad(p: Any, g: Any, fresh: bool = False) -> Any:
    """A gradient as it is stored on a leaf: its own array (``fresh``: g already is), in the
    leaf's dtype."""
    if isinstance(g, GraphValue):
        return g
    if type(g) is np.ndarray:
        if fresh and g.dtype == p._data.dtype:
            return g
        return g.astype(p._data.dtype)  # astype copies, so no two leaves share one array
    if isinstance(g, np.generic) and g.dtype == p._data.dtype:
        return g
    return np.asarray(g, dtype=p._data.dtype)[()]


def run_backward(
    roots: Sequence[Any],
    seeds: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    accumulate: bool = True,
    only: set[int] | None = None,
    capture: dict[int, Any] | None = None,
    trace: Callable[..., None] | None = None,
) -> None:
    """The walk shared by ``backward`` and ``autograd.grad``.

    ``accumulate``: add into leaves' ``.grad`` (``backward``) or not (``grad``).
    ``only``: ids of the values whose ``.grad`` may be written (``backward(inputs=...)``).
    ``capture``: ids of values whose gradient is collected here instead (``autograd.grad``).
    ``trace``: called at each node with what it received and sent (``explain``).
    """
    order = topological_order(roots)
    # Gradients for leaves (and retained non-leaves) wait here until the whole walk has
    # succeeded: a backward that fails part-way leaves every .grad as it was.
    pending: dict[int, list] = {}
    retained: list[tuple[Any, Any]] = []
    for root, seed in zip(roots, seeds):
        if create_graph and not isinstance(seed, GraphValue):
            seed = root._from_op(seed, None)
        if root.grad_fn is None:
            _pend(pending, root, seed)
        else:
            node = root.grad_fn
            node._acc = seed if node._acc is None else node._acc + seed
    try:
        _walk(order, pending, retained, retain_graph, create_graph, accumulate, capture, trace)
    except BaseException:
        for v in order:  # leave no half-summed gradients on the nodes either
            v.grad_fn._acc = None
        raise
    for v, g in retained:
        v._grad = g if v._grad is None else v._grad + g
    for p, g in pending.values():
        _deliver_leaf(p, g, accumulate, only, capture, create_graph)


def _pend(pending: dict[int, list], p: Any, g: Any) -> None:
    slot = pending.get(id(p))
    if slot is None:
        pending[id(p)] = [p, g]
    else:
        slot[1] = slot[1] + g


def _walk(order: list, pending: dict[int, list], retained: list, retain_graph: bool,
          create_graph: bool, accumulate: bool, capture: dict[int, Any] | None,
          trace: Callable[..., None] | None) -> None:
    """Visit the nodes from the output back to the inputs, applying the chain rule at each.

    Backward functions run with grad mode on only under ``create_graph``, so that the backward
    computation is itself recorded then, and costs nothing extra otherwise.
    """
    previous = _fn._grad_enabled
    _fn._grad_enabled = create_graph
    try:
        _visit(order, pending, retained, retain_graph, create_graph, accumulate, capture, trace)
    finally:
        _fn._grad_enabled = previous


def _visit(order: list, pending: dict[int, list], retained: list, retain_graph: bool,
           create_graph: bool, accumulate: bool, capture: dict[int, Any] | None,
           trace: Callable[..., None] | None) -> None:
    epoch = _fn._inplace_epoch
    check_finite = _fn._anomaly_enabled
    for v in reversed(order):
        node = v.grad_fn
        g = node._acc
        node._acc = None
        if g is None:
            continue
        saved = node.saved_values
        if saved is _FREED:
            raise RuntimeError(SECOND_BACKWARD)
        if v._retains_grad and accumulate:
            retained.append((v, g))
        if capture is not None and id(v) in capture:
            capture[id(v)] = g if capture[id(v)] is None else capture[id(v)] + g
        if saved and node._epoch != epoch:
            _check_saved(node, v)
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
        parents = node.parents
        if len(grads) != len(parents):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {len(parents)}, got {len(grads)}): backward must return one "
                f"gradient (or None) per positional input of forward"
            )
        if check_finite:
            _fn._check_finite(type(node).__name__ + ".backward", grads,
                              node.__dict__.get("_trace"))
        if trace is not None:
            trace(v, g, grads)
        for i, p in enumerate(parents):
            if p is None:
                continue
            pg = grads[i]
            if pg is None:
                continue
            try:
                bad_shape = pg.shape != p._data.shape
            except AttributeError:  # a Python number from a user's backward
                pg, bad_shape = np.asarray(pg, dtype=p._data.dtype)[()], p._data.shape != ()
            if bad_shape:
                pg = _fix_shape(node, i, p, pg)
            pn = p.grad_fn
            if pn is None:
                slot = pending.get(id(p))
                if slot is None:
                    pending[id(p)] = [p, pg]
                else:
                    slot[1] = slot[1] + pg
            else:
                pn._acc = pg if pn._acc is None else pn._acc + pg
        if not retain_graph and saved:
            node.saved_values = _FREED


def _fix_shape(node: Function, i: int, p: Any, pg: Any) -> Any:
    """A gradient whose shape differs from its input's: allow only size-preserving 0-d/1-element
    differences (a Python float for a 0-d input); anything else is the op's bug, reported."""
    shape = tuple(np.shape(pg))
    if shape == () and p._data.shape == ():
        return np.asarray(pg, dtype=p._data.dtype)[()]
    raise RuntimeError(
        f"Function {node.name()} returned an invalid gradient at index {i} - got {list(shape)} but "
        f"expected shape compatible with {list(p._data.shape)}. A broadcasting op must sum the "
        f"gradient back to its input's shape with unbroadcast(grad, x.shape)."
    )


def _deliver_leaf(
    p: Any, g: Any, accumulate: bool, only: set[int] | None, capture: dict[int, Any] | None,
    create_graph: bool,
) -> None:
    if capture is not None:
        if id(p) in capture:
            capture[id(p)] = g if capture[id(p)] is None else capture[id(p)] + g
        return
    if not accumulate or (only is not None and id(p) not in only):
        return
    if p._grad is None:
        p._grad = _leaf_grad(p, g)
    elif create_graph or isinstance(p._grad, GraphValue):
        p._grad = p._grad + g
    else:
        p._grad = _leaf_grad(p, p._grad + g, fresh=True)
