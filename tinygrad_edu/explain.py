"""Layer 6: watch backward apply the chain rule, node by node, in numbers you can check by hand.

``explain(loss)`` runs ``loss.backward()`` and prints one row per node, in the order backward
visits them. A row states the op with your names substituted (``t1 = w * x``), the values of the
constant inputs (``x = [1, 2, 3]``), the gradient that arrives (``upstream``, the sum of its parts
when the value was used several times), and for each input its local derivative and what is sent:
``upstream * local`` elementwise, shown before the sum when broadcasting made copies
(``upstream * x = [-1, -4, -9] -> summed: -14``). Leaves come last with their ``.grad``.

Names come from ``name=``, from the parameters of ``model`` (``0.weight``, ``fc1.bias``), or from
the caller's variables; unnamed intermediate values are called ``t1, t2...`` in creation order.
The rows are also returned as data. ``lang="zh"`` prints the table's words in Chinese.
"""

from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TextIO

import numpy as np

from . import engine
from .state import no_grad
from .value import Value

__all__ = ["explain", "ExplainRow", "InputRow", "fmt"]

_INFIX = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**", "MatMul": "@"}
_BINARY = ("Add", "Sub", "Mul", "Div", "Pow")  # elementwise, no settings: safe to re-run
_ELEMENTWISE = ("Neg", "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid", "ReLU", "Clamp", "Sin",
                "Cos", "Cast", "Sum", "Mean", "MSEFunction")  # upstream * local is the product
_SYMBOL = re.compile(r"d(\w+?)/d([A-Za-z]+)")
# The table's words, in English and Chinese (lang="zh"); the maths (dL/dv, names, numbers) is shared.
_WORDS = {
    "en": {
        "head": "backward of L = {loss}: {count}, visited from the output back to the inputs.",
        "node": "node", "nodes": "nodes",
        "notation": "Notation: dL/dv is the derivative of L with respect to a value v. At each node, "
                    "upstream is dL/d(the node's output);\nthe node sends upstream * (its local derivative) "
                    "to each input, summed back to the input's shape.",
        "constant": "constant", "upstream": "upstream", "local": "local", "to": "to {label}: ",
        "summed": "-> summed: ", "start": "   (the start: dL/dL = 1)",
        "used": "   ({label} is used {n} times: the gradients add up)",
        "hook": ", replaced by a hook (register_hook) with {new}",
        "leaf_hook": "   (a hook, register_hook, replaced the sum)",
        "leaves": "\nleaf gradients (added into .grad):",
        "unfused": ", unfused: ",
        "plus": "step +: dL/d({x} @ {w}^T) = upstream (the local derivative of + is 1)",
        "bias": "dL/d{b} = upstream summed over the batch = ", "step": "step @: ",
    },
    "zh": {
        "head": "L = {loss} 的反向传播：{count}，从输出倒着走回输入。",
        "node": "个节点", "nodes": "个节点",
        "notation": "记号：dL/dv 是 L 对值 v 的导数。在每个节点，上游（upstream）是 dL/d（该节点的输出）；\n"
                    "节点把“上游 * 它的局部导数”送给每个输入，再求和回到该输入的形状。",
        "constant": "常量", "upstream": "上游", "local": "局部导数", "to": "传给 {label}：",
        "summed": "-> 求和：", "start": "  （起点：dL/dL = 1）",
        "used": "  （{label} 被用了 {n} 次：梯度相加）",
        "hook": "，被钩子（register_hook）换成了 {new}",
        "leaf_hook": "  （钩子 register_hook 换掉了这个和）",
        "leaves": "\n叶子节点的梯度（累加进 .grad）：",
        "unfused": "，拆开写：", "plus": "第 + 步：dL/d({x} @ {w}^T) = 上游（+ 的局部导数是 1）",
        "bias": "dL/d{b} = 上游沿批次求和 = ", "step": "第 @ 步：",
    },
}


def _num(x: Any, exact: bool = False) -> str:
    """One number: ``-14`` not ``-14.0``; a short decimal whole (``7.3125``); ``1/3`` for a simple
    fraction (so that printed numbers multiply out exactly); otherwise 4 significant digits, or every
    digit when ``exact``."""
    x = x.item() if hasattr(x, "item") else x
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, int) or (np.isfinite(x) and x == int(x) and abs(x) < 1e15):
        return str(int(x))
    if exact or not np.isfinite(x):
        return repr(float(x))
    short = repr(float(x))
    if "e" not in short and len(short.lstrip("-").replace(".", "").lstrip("0")) <= 6:
        return short  # a short exact decimal (7.3125) is shown whole, not rounded to 7.312
    frac = Fraction(x).limit_denominator(64)
    if frac.denominator <= 64 and abs(float(frac) - x) <= 1e-12 * abs(x) and len(f"{x:.4g}") > 5:
        return f"{frac.numerator}/{frac.denominator}"
    return f"{x:.4g}"


def fmt(x: Any, precision: int = 4, max_items: int = 6, exact: bool = False) -> str:
    """Compact text for a number or an array: ``10.5``, ``[1, 2, 3]``, or the shape and a few
    values for bigger arrays (``(50, 8) [0.1, ..., 2]``), so that an MLP's table stays readable."""
    if x is None:
        return "-"
    if isinstance(x, Value):
        x = x.detach().numpy()
    arr = np.asarray(x)
    if arr.ndim == 0:
        return _num(arr, exact)
    flat = [_num(v) if precision == 4 else f"{v:.{precision}g}" for v in arr.ravel()[:max_items + 1]]
    if arr.size <= max_items:
        body = ", ".join(flat[: arr.size])
        return f"[{body}]" if arr.ndim == 1 else f"{tuple(arr.shape)} [{body}]"
    tail = [_num(v) for v in arr.ravel()[-(max_items // 2):]]
    return f"{tuple(arr.shape)} [{', '.join(flat[: max_items // 2])}, ..., {', '.join(tail)}]"


@dataclass
class InputRow:
    """One input of a node: its label, the local derivative (formula and values), what is sent."""

    label: str
    formula: str
    local: Any
    sent: Any
    products: Any = None  # upstream * local elementwise, before the sum, when they differ


@dataclass
class ExplainRow:
    """One node of backward: what arrived, what it computed, what it sent."""

    step: int
    op: str
    label: str
    value: Any
    upstream: Any
    upstream_parts: list = field(default_factory=list)
    inputs: list[InputRow] = field(default_factory=list)
    is_leaf: bool = False
    expression: str = ""
    constants: list = field(default_factory=list)  # (label, value) of inputs without gradient
    operands: list = field(default_factory=list)  # the labels of every positional input
    hooked: bool = False  # a register_hook hook replaced the gradient that arrived


class _Labels:
    """Names for values: ``name=``, the model's parameter names, the caller's variables, then
    ``t1, t2...`` for intermediate values and ``c1...`` for unnamed constants."""

    def __init__(self, known: dict[int, str]) -> None:
        self.known = known
        self.names: dict[int, str] = {}
        self.count = {"t": 0, "c": 0, "leaf": 0}

    def __call__(self, v: Value) -> str:
        key = id(v)
        if key not in self.names:
            label = v.name or self.known.get(key)
            if label is None:
                kind = "t" if v.grad_fn is not None else "leaf" if v.requires_grad else "c"
                self.count[kind] += 1
                label = f"{kind}{self.count[kind]}"
            self.names[key] = label
        return self.names[key]


def _data(v: Any) -> Any:
    return v.detach().numpy() if isinstance(v, Value) else v


def _symbols(node: Any, n: int) -> tuple[str, list[str], list[str]]:
    """The op's own letters (``z``, ``[a, b]``) and the right-hand sides of its derivatives."""
    strings = list(getattr(node, "derivative", ()))
    if len(strings) == 1 and n > 1:  # one formula for every input (cat, stack)
        strings = strings * n
    out, ins, rhs = "z", [], []
    for i in range(n):
        s = re.split(r"\s{2,}\(|\s{3}", strings[i])[0].strip() if i < len(strings) else ""
        m = _SYMBOL.search(s)
        if m:
            out = m.group(1)
        ins.append(m.group(2) if m else f"x{i}")
        body = s.split("=", 1)[1] if "=" in s and (":" not in s or s.index("=") < s.index(":")) else s
        rhs.append(body.split("(sends")[0].strip() if "sends" not in body[:7] else "")
    return out, ins, rhs


def _sends(node: Any, i: int) -> str | None:
    """The formula of what an input receives, for ops that say it (``upstream @ B^T``)."""
    strings = getattr(node, "derivative", ())
    m = re.search(r"sends ([^)]*)", strings[i]) if i < len(strings) else None
    return m.group(1).strip() if m else None


def _substitute(text: str, mapping: dict[str, str]) -> str:
    """Replace the op's letters by labels, whole tokens only (``x_i`` counts, ``max`` does not)."""
    if not mapping:
        return text
    pattern = r"(?<![A-Za-z0-9.])(" + "|".join(map(re.escape, mapping)) + r")(?![A-Za-z0-9])"
    return re.sub(pattern, lambda m: mapping[m.group(1)], text)


def _wrap(label: str) -> str:
    return f"({label})" if " " in label else label


def _expression(node: Any, labels: list[str]) -> str:
    name = type(node).__name__
    if name in _INFIX and len(labels) == 2:
        return f"{_wrap(labels[0])} {_INFIX[name]} {_wrap(labels[1])}"
    if name == "Neg":
        return f"-{_wrap(labels[0])}"
    short = {"LinearFunction": "linear", "MSEFunction": "mse_loss"}.get(name, name.lower())
    return f"{short}({', '.join(labels)})"


def _caller_names(frame: Any) -> dict[int, str]:
    names: dict[int, str] = {}
    if frame is not None:
        for key, val in list(frame.f_locals.items()):
            if isinstance(val, Value) and not key.startswith("_"):
                names.setdefault(id(val), key)
    return names


def _input_labels(node: Any, label: _Labels) -> list[str]:
    """Labels of every positional input: Values by name, numbers the op saved by their value."""
    saved, out = node.saved_values, []
    for i, p in enumerate(node.parents):
        if p is not None:
            out.append(label(p))
        elif len(saved) == len(node.parents) and np.ndim(saved[i]) == 0 and not isinstance(saved[i], str):
            out.append(_num(saved[i]))
        else:
            out.append("const")
    return out


def _broadcast_locals(node: Any, shape: tuple) -> tuple | None:
    """Local derivatives of an elementwise binary op at the output's full shape: the op re-run on
    its inputs broadcast to ``shape``, so that the products before unbroadcast's sum can be shown."""
    cls = type(node)
    saved = node.saved_values
    # an op may save only what its backward reads (a shape in place of an input): inputs from parents
    raw = [_data(p) if p is not None else (saved[i] if len(saved) == len(node.parents) else 0.0)
           for i, p in enumerate(node.parents)]
    full = [np.broadcast_to(r, shape) if p is not None else r for r, p in zip(raw, node.parents)]
    ctx = cls.__new__(cls)
    ctx.saved_values, ctx.needs_input_grad = (), (True,) * len(full)
    cls.forward(ctx, *full)
    local = cls.backward(ctx, np.ones(shape))
    return local if isinstance(local, tuple) else (local,)


def explain(loss: Value, gradient: Any = None, retain_graph: bool = False, file: TextIO | None = None,
            show: bool = True, model: Any = None, unfuse: bool = False, lang: str = "en") -> list[ExplainRow]:
    """Run ``loss.backward()`` and print it as a chain-rule table; return the rows.

    Gradients are accumulated into the leaves' ``.grad`` exactly as ``backward`` does.
    ``model``: a Module whose parameters are labelled by their names (``0.weight``).
    ``unfuse=True`` shows a fused ``Linear`` node as its two steps, ``x @ W^T`` then ``+ b``.
    ``lang``: ``"en"`` (the default) or ``"zh"``, the language of the printed table.
    """
    if lang not in _WORDS:
        raise ValueError(f"lang must be one of {sorted(_WORDS)}, got {lang!r}")
    if not isinstance(loss, Value):
        raise TypeError(f"explain expects a Value, got {type(loss).__name__}")
    if not loss.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn: nothing to "
            "explain. Create a leaf with requires_grad=True first."
        )
    known = _caller_names(inspect.currentframe().f_back)
    if model is not None:
        known.update({id(p): n for n, p in model.named_parameters()})
    label = _Labels(known)
    for v in engine.topological_order([loss]):  # creation order: t1, t2... as they were made
        label(v)
    seed = engine.seed(loss, gradient)
    parts: dict[int, list] = {id(loss): [seed]}
    leaves: dict[int, Value] = {}
    rows: list[ExplainRow] = []

    def trace(v: Value, g: Any, grads: tuple) -> None:
        rows.append(_row(len(rows) + 1, v, g, grads, label, parts, leaves))

    with no_grad():
        found = engine.run_backward([loss], [seed], retain_graph, False, trace=trace)
    engine.accumulate(found, False)
    if loss.grad_fn is None:
        leaves[id(loss)] = loss
    for key, leaf in leaves.items():
        grad = None if leaf.grad is None else leaf.grad.numpy()
        rows.append(ExplainRow(len(rows) + 1, "leaf", label(leaf), _data(leaf), grad,
                               parts.get(key, []), [], is_leaf=True,
                               hooked=bool(leaf.__dict__.get("hooked"))))
    if show:
        _print(label(loss), rows, file or sys.stdout, unfuse, _WORDS[lang])
    return rows


def _row(step: int, v: Value, g: Any, grads: tuple, label: _Labels, parts: dict, leaves: dict,
         ) -> ExplainRow:
    """What explain records at one node; called by the engine while the saved values exist."""
    node = v.grad_fn
    n = len(node.parents)
    labels = _input_labels(node, label)
    out_sym, in_syms, rhs = _symbols(node, n)
    mapping = dict(zip(in_syms, labels)) | {out_sym: label(v)}
    row = ExplainRow(step, node.name(), label(v), _data(v), g, parts.pop(id(v), [g]),
                     expression=_expression(node, labels), operands=labels,
                     hooked=bool(v.__dict__.get("hooked")))
    name, shape = type(node).__name__, np.shape(_data(v))
    ones = np.ones(np.shape(g))
    local = node.backward(node, ones[()] if not ones.shape else ones)
    local = local if isinstance(local, tuple) else (local,)
    if name in _BINARY and any(p is not None and p.shape != shape for p in node.parents):
        local = _broadcast_locals(node, shape)
    for i, p in enumerate(node.parents):
        if p is not None and not node.needs_input_grad[i]:
            row.constants.append((labels[i], _data(p)))
        if p is None or not node.needs_input_grad[i]:
            continue
        sends = _sends(node, i)
        formula = f"sends {_substitute(sends, mapping)}" if sends else (
            f"d{label(v)}/d{labels[i]} = {_substitute(rhs[i], mapping)}")
        products = None
        if not sends and (name in _BINARY or name in _ELEMENTWISE) and local[i] is not None:
            products = np.asarray(g) * np.asarray(local[i])
            if products.shape == np.shape(grads[i]):
                products = None  # nothing was summed: the product is what is sent
        row.inputs.append(InputRow(labels[i], formula, None if sends else local[i], grads[i], products))
        if grads[i] is not None:
            parts.setdefault(id(p), []).append(grads[i])
            if p.grad_fn is None:
                leaves[id(p)] = p
    return row


def _print(loss_label: str, rows: list[ExplainRow], out: TextIO, unfuse: bool, w: dict) -> None:
    nodes = [r for r in rows if not r.is_leaf]
    count = f"{len(nodes)} " + (w["node"] if len(nodes) == 1 else w["nodes"])
    print(w["head"].format(loss=loss_label, count=count), file=out)
    print(w["notation"], file=out)
    up = w["upstream"]
    for r in nodes:
        if unfuse and r.op == "LinearFunctionBackward":
            _print_linear_unfused(r, out, w)
            continue
        head = r.expression if r.label == r.expression else f"{r.label} = {r.expression}"
        print(f"\n[{r.step}] {head} = {fmt(r.value, max_items=4)}", file=out)
        for name, value in r.constants:
            print(f"    {w['constant']} {name} = {fmt(value, max_items=4)}", file=out)
        print(f"    {up} = dL/d{_wrap(r.label)} = {_upstream_text(r, loss_label, w)}", file=out)
        for inp in r.inputs:
            target, to = f"dL/d{_wrap(inp.label)}", w["to"].format(label=inp.label)
            if inp.local is None:  # matmul-like: the formula says what is sent
                print(f"    {to}{target} = {inp.formula.removeprefix('sends ').replace('upstream', up)} = "
                      f"{fmt(inp.sent, max_items=4)}", file=out)
                continue
            rhs = inp.formula.split(" = ", 1)[1]
            factor = rhs if re.fullmatch(r"[\w.]+|1/n|-?\d+", rhs) else w["local"]
            local = fmt(inp.local, max_items=4)
            shown = "" if local == rhs else f" = {local}"  # "= 1 = 1" says nothing twice
            print(f"    {to}{w['local']} {inp.formula}{shown}", file=out)
            if inp.products is not None:
                print(f"        {target} = {up} * {factor} = {fmt(inp.products, max_items=4)}"
                      f" {w['summed']}{fmt(inp.sent, max_items=4)}", file=out)
            else:
                print(f"        {target} = {up} * {factor} = {fmt(inp.sent, max_items=4)}", file=out)
    print(w["leaves"], file=out)
    for r in rows:
        if r.is_leaf:
            total = fmt(r.upstream, exact=True)
            if len(r.upstream_parts) > 1:
                total = " + ".join(fmt(p, exact=True) for p in r.upstream_parts) + " = " + total
            hook = w["leaf_hook"] if r.hooked else ""
            print(f"  {r.label}.grad = {total}{hook}", file=out)


def _upstream_text(row: ExplainRow, loss_label: str, w: dict) -> str:
    if row.hooked:  # what arrived, then what the hook made of it
        arrived = sum(row.upstream_parts)
        parts = " + ".join(fmt(p, max_items=4) for p in row.upstream_parts)
        parts = f"{parts} = {fmt(arrived, max_items=4)}" if len(row.upstream_parts) > 1 else parts
        return parts + w["hook"].format(new=fmt(row.upstream, max_items=4))
    if len(row.upstream_parts) > 1:
        return (" + ".join(fmt(p, max_items=4) for p in row.upstream_parts) + " = "
                + fmt(row.upstream, max_items=4)
                + w["used"].format(label=row.label, n=len(row.upstream_parts)))
    start = w["start"] if row.label == loss_label and row.step == 1 else ""
    return fmt(row.upstream, max_items=4) + start


def _print_linear_unfused(r: ExplainRow, out: TextIO, words: dict) -> None:
    """A fused Linear node, shown as the two steps it fuses: t = x @ W^T, then out = t + b."""
    x, w, *b = r.operands
    bias, up, step = (f" + {b[0]}" if b else ""), words["upstream"], words["step"]
    print(f"\n[{r.step}] {r.label} = {r.expression}{words['unfused']}"
          f"{r.label} = {x} @ {w}^T{bias} = {fmt(r.value, max_items=4)}", file=out)
    print(f"    {up} = dL/d{_wrap(r.label)} = {_upstream_text(r, '', words)}", file=out)
    sent = {i.label: i.sent for i in r.inputs}
    if b:
        print(f"    {words['plus'].format(x=x, w=w)}", file=out)
        if b[0] in sent:
            print(f"            {words['bias'].format(b=b[0])}{fmt(sent[b[0]], max_items=4)}", file=out)
    if x in sent:
        print(f"    {step}dL/d{x} = {up} @ {w} = {fmt(sent[x], max_items=4)}", file=out)
    if w in sent:
        print(f"    {step}dL/d{w} = {up}^T @ {x} = {fmt(sent[w], max_items=4)}", file=out)
