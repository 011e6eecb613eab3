"""One step of the path, as data (the steps written since the second edition are ``Step`` objects;
the older ones are modules with the same attribute names), and the checks the engine steps share:
build an expression with the learner's ``Value`` and with tinygrad_edu's tensors (the oracle, float64),
compare values and gradients, and name the mistake."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._common import CheckError, T, call, compare, fmt, matches

__all__ = ["Step", "oracle", "leaves", "run_backward", "local_grads", "check_expr", "owned"]


class Step:
    """A step: its texts (English and Chinese), the body of its template (the docstring is made from
    the text), the answers to the template's TODOs, the hints from the idea to the answer, the check,
    the (module, name) pairs of a banned library it may import (``allow``), the dotted names it may
    not use (``forbid``: name -> (why, why in Chinese)), and the steps whose files it imports
    (``needs``; a template writes such a module as ``[[name]]``)."""

    def __init__(self, name: str, title: tuple[str, str], idea: tuple[str, str], text: tuple[str, str],
                 body: str, solution: dict[str, str], hints: Sequence[tuple[str, str]],
                 check: Callable[[Any], None], needs: Sequence[str] = (), allow: tuple = (),
                 forbid: dict | None = None) -> None:
        self.NAME = name
        self.TITLE, self.TITLE_ZH = title
        self.IDEA, self.IDEA_ZH = idea
        self.TEXT, self.TEXT_ZH = text
        self.BODY = body
        # each key stands on its `# TODO: key` comment and on its `raise NotImplementedError("key")` line:
        # the answer replaces the raise (and the TODO comments just above it)
        self.SOLUTION = {(f'NotImplementedError("{k}")' if k.startswith("TODO") else k): v
                         for k, v in solution.items()}
        self.HINTS = list(hints)
        self.HINT = self.HINTS[-1][0]
        self.check = check
        self.NEEDS = tuple(needs)
        self.ALLOW = allow
        self.FORBID = forbid or {}
        self.TEMPLATE = (f'"""Exercise 0: {self.TITLE}\n\n{self.TEXT}\n\nCheck:  python -m '
                         f'tinygrad_edu.exercises check 0\n"""\n' + body)

    def __repr__(self) -> str:
        return f"<step {self.NAME}>"


def owned(sol: Any, *names: str) -> None:
    """Each name must be defined in the learner's own files (this one or an earlier step's), not
    taken from a library."""
    for name in names:
        obj = getattr(sol, name, None)
        if obj is None:
            raise CheckError(T(f"your file defines no `{name}`: keep the name the template gives.",
                               f"你的文件里没有 `{name}`：请保留模板给出的名字。"))
        mod = getattr(obj, "__module__", "") or ""
        if not (mod.startswith("_exercise_") or mod[:2] == "ex" and mod[2:4].isdigit()):
            raise CheckError(T(f"`{name}` comes from {mod}, not from your files: write it yourself.",
                               f"`{name}` 来自 {mod}，不是你自己的文件：请自己写出来。"))


def leaves(V: Any, arrays: Sequence[Any]) -> list:
    return [call(T("Value(...)", "Value(...)"), V, np.array(a, dtype=np.float64)) for a in arrays]


def oracle(fn: Callable, arrays: Sequence[Any]) -> tuple[np.ndarray, list[np.ndarray]]:
    """fn on tinygrad_edu tensors (float64): the value and the gradient of out.sum() for each input."""
    import tinygrad_edu as tg
    ts = [tg.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    out = fn(*ts)
    out.sum().backward()
    return out.detach().numpy(), [np.zeros_like(t.numpy()) if t.grad is None else t.grad.numpy() for t in ts]


def run_backward(what: str, out: Any, hint: str = "") -> None:
    if not hasattr(out, "backward"):
        raise CheckError(T(f"{what} gave {out!r}, which is not a Value with backward()",
                           f"{what} 得到 {out!r}，它不是带 backward() 的 Value"))
    call(T(f"backward() of {what}", f"{what} 的 backward()"), out.backward, on_error=hint)


def local_grads(what: str, out: Any, grad: Any, parents: Sequence[Any]) -> list:
    """Set out.grad = grad, zero the parents' grads, call out._backward() once: the parents' grads."""
    for p in parents:
        p.grad = np.zeros_like(p.data)
    out.grad = np.array(grad, dtype=np.float64)
    fn = getattr(out, "_backward", None)
    if fn is None:
        raise CheckError(T(f"{what}: the result has no _backward", f"{what}：结果没有 _backward"))
    call(T(f"the _backward of {what}", f"{what} 的 _backward"), fn)
    first = [np.array(p.grad, dtype=np.float64, copy=True) for p in parents]
    first = [float(g) if g.ndim == 0 else g for g in first]
    call(T(f"the _backward of {what}", f"{what} 的 _backward"), fn)  # again: it must add, not overwrite
    for p, g in zip(parents, first):
        if np.any(np.asarray(g) != 0) and matches(p.grad, g):
            raise CheckError(T(
                f"{what}: calling out._backward() twice left the parent's grad at {fmt(g)}: your _backward "
                f"overwrites the parent's grad. ADD into it (a.grad = a.grad + ...): a Value used by several "
                f"ops gets the sum of their contributions.",
                f"{what}：调用两次 out._backward() 后，父节点的 grad 仍是 {fmt(g)}：你的 _backward "
                f"覆盖了父节点的 grad。要累加（a.grad = a.grad + ...）：被多个运算使用的 Value "
                f"得到它们贡献之和。"))
    for p, g in zip(parents, first):
        p.grad = np.array(g, dtype=np.float64)
    return first


def check_expr(sol: Any, desc: str, fn: Callable, arrays: Sequence[Any], hint: str = "",
               names: str = "abcdefgh", diagnose: Callable | None = None) -> None:
    """fn on the learner's Values, then backward(); value and every input's grad against tinygrad_edu.
    ``diagnose(got_grads, arrays)`` may return a sharper hint for a wrong gradient."""
    want, want_grads = oracle(fn, arrays)
    vs = leaves(sol.Value, arrays)
    out = call(desc, fn, *vs)
    compare(T(f"the value of {desc}", f"{desc} 的值"), getattr(out, "data", out), want, hint)
    run_backward(desc, out, hint)
    got = [v.grad for v in vs]
    tip = (diagnose(got, arrays) if diagnose else None) or hint
    for name, g, w in zip(names, got, want_grads):
        compare(T(f"{desc} with {fmt_inputs(names, arrays)}: the grad of {name}",
                  f"{desc}，其中 {fmt_inputs(names, arrays, '，')}：{name} 的梯度"), g, w, tip)


def fmt_inputs(names: str, arrays: Sequence[Any], sep: str = ", ") -> str:
    return sep.join(f"{n} = {fmt(a) if np.ndim(a) == 0 else np.shape(a)}" for n, a in zip(names, arrays))


def same(got: Any, value: Any) -> bool:
    return matches(got, value)
