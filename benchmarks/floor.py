"""The floor: how fast can a node-per-op autograd be in CPython, before it does anything more?

    python benchmarks/floor.py            # 5 interleaved rounds (about a minute)
    python benchmarks/floor.py --rounds 3

Three of the issue's targets compare a whole library with programs that do much less: micrograd
(floats, closures, no semantics beyond the chain rule) and the post's hand-derived loop (no graph
at all). This file measures the least that *our design* can do on the same two workloads, so that
a target can be judged against what the design allows, not only against what we built.

``Floor`` below is that least: the design of tinygrad_edu (docs/design.md) with everything else
taken out. An op is a ``Function`` subclass whose instance is its own ctx and graph node, with
static ``forward``/``backward``; ``apply`` records a node when grad mode is on; the backward walk
takes nodes newest first from a heap; ``no_grad`` is a thread-local switch; ``w -= lr * w.grad``
works on Values and counts a version. Data are Python floats. Left out, each of which the library
has and its tests hold it to: dtypes and numpy data, shapes and broadcasting (``unbroadcast``),
errors in PyTorch's words, saved-value version checks, ``retain_graph``/``create_graph``, hooks,
anomaly mode, ``retain_grad``, views, ``.grad`` of the value's dtype, ``backward(inputs=...)``.

The floor comes in four forms (``FORMS``; ``make_floor`` builds each):

* **tuple** and **slots** differ in one thing: where a node keeps its inputs. In a ``parents``
  tuple, or in two slots of the node (as tinygrad_edu's binary ops do; ``parents`` reads them as a
  tuple for drawings, explain and the exercises). The tuple is one more object per node for
  Python's cyclic garbage collector to walk, which is what the chain rows measure.
* **squeezed**: slots, plus every shortcut we found for two-input ops (``apply`` and the walk
  unrolled for exactly two inputs): how fast the design can be and keep PyTorch's semantics.
* **bare**: squeezed, and also without two of PyTorch's guarantees: grad mode per thread (one
  flag for the whole process instead) and the version count of in-place changes.

Nothing here is a unit test (tests/test_benchmarks_harness.py checks only that the floor
computes the same weights as the post).
"""

from __future__ import annotations

import argparse
import gc
import heapq
import itertools
import pathlib
import statistics
import sys
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import workloads as W  # noqa: E402

_nodes = itertools.count()
heappush, heappop = heapq.heappush, heapq.heappop


def make_floor(slots: bool, squeezed: bool = False, semantics: bool = True):
    """The floor's ``Value`` class, in one of its forms (each form gets its own classes, so that
    none pays for another):

    * ``slots``: nodes keep their two inputs in two slots instead of a ``parents`` tuple;
    * ``squeezed`` (with ``slots``): every shortcut we found for two-input ops, ``apply`` and the
      walk unrolled for exactly two inputs;
    * ``semantics=False``: also without two of PyTorch's guarantees, grad mode per thread (here
      one flag for the whole process) and version counting of in-place changes.
    """

    class Mode(threading.local if semantics else object):
        enabled = True

    mode = Mode()

    class no_grad:
        def __enter__(self) -> None:
            self.prev, mode.enabled = mode.enabled, False

        def __exit__(self, *exc: object) -> None:
            mode.enabled = self.prev

    def new(data, fn, rg):
        v = Value.__new__(Value)
        v.data, v.grad, v.grad_fn, v.rg, v.version = data, None, fn, rg, 0
        return v

    class Function:
        """The op is its own node: its inputs, what it saved, which inputs need a gradient."""

        __slots__ = ("a", "b", "saved", "needs", "seq", "acc") if slots else (
            "parents", "saved", "needs", "seq", "acc")

        if not squeezed:
            @classmethod
            def apply(cls, a, b):
                va, vb = type(a) is Value, type(b) is Value
                ra, rb = va and a.rg, vb and b.rg
                ctx = cls.__new__(cls)
                out = Value.__new__(Value)
                out.data = cls.forward(ctx, a.data if va else a, b.data if vb else b)
                out.grad, out.version = None, 0
                if mode.enabled and (ra or rb):
                    if slots:
                        ctx.a, ctx.b = a, b
                    else:
                        ctx.parents = (a, b)
                    ctx.needs, ctx.seq, ctx.acc = (ra, rb), next(_nodes), None
                    out.grad_fn, out.rg = ctx, True
                else:
                    out.grad_fn, out.rg = None, False
                return out

        else:  # the same, with two inputs unrolled and Values made by new()
            @classmethod
            def apply(cls, a, b):
                ctx = cls.__new__(cls)
                if type(a) is Value:
                    ra, da = a.rg, a.data
                else:
                    ra, da, a = False, a, None
                if type(b) is Value:
                    rb, db = b.rg, b.data
                else:
                    rb, db, b = False, b, None
                out = cls.forward(ctx, da, db)
                if (ra or rb) and mode.enabled:
                    ctx.a, ctx.b, ctx.needs, ctx.seq, ctx.acc = a, b, (ra, rb), next(_nodes), None
                    return new(out, ctx, True)
                return new(out, None, False)

    class Add(Function):
        __slots__ = ()

        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g

    class Sub(Function):
        __slots__ = ()

        @staticmethod
        def forward(ctx, a, b):
            return a - b

        @staticmethod
        def backward(ctx, g):
            return g, -g

    class Mul(Function):
        __slots__ = ()

        @staticmethod
        def forward(ctx, a, b):
            ctx.saved = (a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved
            return g * b, g * a

    class Pow(Function):
        __slots__ = ()

        @staticmethod
        def forward(ctx, a, b):
            ctx.saved = (a, b)
            return a ** b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved
            return g * b * a ** (b - 1), None

    class Value:
        __slots__ = ("data", "grad", "grad_fn", "rg", "version")

        def __init__(self, data: float, requires_grad: bool = False) -> None:
            self.data, self.grad, self.grad_fn = float(data), None, None
            self.rg, self.version = requires_grad, 0

        def __add__(self, o):
            return Add.apply(self, o)

        def __sub__(self, o):
            return Sub.apply(self, o)

        def __mul__(self, o):
            return Mul.apply(self, o)

        def __rmul__(self, o):
            return Mul.apply(o, self)

        def __pow__(self, o):
            return Pow.apply(self, o)

        def __isub__(self, o):
            if self.rg and mode.enabled:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
            self.data -= o.data if type(o) is Value else o
            if semantics:
                self.version += 1
            return self

        def backward(self) -> None:
            root = self.grad_fn
            root.acc, heap = 1.0, [(-root.seq, root)]
            prev, mode.enabled = mode.enabled, False
            try:
                while heap:
                    node = heappop(heap)[1]
                    g, node.acc = node.acc, None
                    if squeezed:  # two inputs: no zip, no tuples
                        ga, gb = node.backward(node, g)
                        na, nb = node.needs
                        if na:
                            send(heap, node.a, ga)
                        if nb:
                            send(heap, node.b, gb)
                        continue
                    parents = (node.a, node.b) if slots else node.parents
                    for p, need, pg in zip(parents, node.needs, node.backward(node, g)):
                        if need:
                            send(heap, p, pg)
            finally:
                mode.enabled = prev

    def send(heap, p, pg):
        """Add ``pg`` to the gradient waiting at ``p``'s node, or to ``p.grad`` for a leaf."""
        pn = p.grad_fn
        if pn is None:
            p.grad = pg if p.grad is None else p.grad + pg
        elif pn.acc is None:
            pn.acc = pg
            heappush(heap, (-pn.seq, pn))
        else:
            pn.acc += pg

    Value.no_grad, Value.new = no_grad, staticmethod(new)
    return Value


FORMS = {"tuple": make_floor(slots=False), "slots": make_floor(slots=True),
         "squeezed": make_floor(slots=True, squeezed=True),
         "bare": make_floor(True, True, semantics=False)}


def quad_floor(Value: type) -> float:
    """Seed 001's loop, written as quad_tinygrad writes it (``.grad`` a Value, as in PyTorch)."""
    no_grad, new = Value.no_grad, Value.new  # (``.grad`` read: a new Value, not recorded)
    t = time.perf_counter()
    w1, w2, w3 = Value(1.0, True), Value(0.0, True), Value(-1.0, True)
    lr = 0.1
    with_grad = (w1, w2, w3)
    for _ in range(W.EPOCHS):
        for x, y_true in zip(W.X, W.Y):
            loss = (w1 * x**2 + w2 * x + w3 - y_true) ** 2
            loss.backward()
            with no_grad():
                for w in with_grad:
                    w -= lr * new(w.grad, None, False)
                    w.grad = None
    elapsed = time.perf_counter() - t
    assert abs(w1.data - W.W1_AFTER_5000) < 1e-12, w1.data
    return elapsed


def chain_floor(Value: type, n: int, gc_off: bool = False) -> float:
    """The chain of run.py (``workloads._chain``), us per node, build + backward."""
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        t0 = time.perf_counter()
        x = y = Value(0.5, True)
        for i in range(n):
            y = y * 1.0000001 if i % 2 else y + 0.0000001
        y.backward()
        t1 = time.perf_counter()
    finally:
        gc.enable()
    assert x.grad is not None
    return (t1 - t0) / n * 1e6


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--chain", type=int, default=200_000)
    args = p.parse_args(argv)

    def both(fn, *a):
        return {name: fn(Value, *a) for name, Value in FORMS.items()}

    rows: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        floors = both(quad_floor)
        times = {"micrograd": W.quad_micrograd(), "post": W.quad_post(), "tinygrad_edu": W.quad_tinygrad(),
                 **{f"floor ({name})": t for name, t in floors.items()}}
        rows.setdefault("seed001 micrograd / post", []).append(times["micrograd"] / times["post"])
        for name, t in times.items():
            if name not in ("micrograd", "post"):
                rows.setdefault(f"seed001 {name} / micrograd", []).append(t / times["micrograd"])
                rows.setdefault(f"seed001 {name} / post", []).append(t / times["post"])
        mg = W.chain_micrograd(args.chain)["per_node_us"]
        chain = {"tinygrad_edu, gc on": W.chain_tinygrad(args.chain)["per_node_us"],
                 "tinygrad_edu, gc off": W.chain_tinygrad(args.chain, gc_off=True)["per_node_us"]}
        for gc_off, label in ((False, "gc on"), (True, "gc off")):
            for name, us in both(chain_floor, args.chain, gc_off).items():
                chain[f"floor ({name}), {label}"] = us
        for name, us in chain.items():
            rows.setdefault(f"chain {name} / micrograd gc off", []).append(us / mg)
    print(f"python {sys.version.split()[0]}; median (range) of {args.rounds} rounds, ratios of times")
    for name, ratios in rows.items():
        print(f"  {name:50s} {statistics.median(ratios):6.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
