"""Build your own autograd (python -m tinygrad_edu.exercises): every reference solution passes, every
untouched template fails, a correct fill of each template passes, typical wrong answers fail with a
report that names the missing idea (in English and in Chinese), a file that imports the library
instead of writing the piece fails, the first hint of every step shows no answer code, and the
Chinese texts use full-width punctuation. Steps are named, not numbered, so that the path can grow."""

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tinygrad_edu import exercises as ex
from tinygrad_edu.exercises._common import fill as fill_todos
from tinygrad_edu.exercises.cli import HINT_STATE, main

ROOT = pathlib.Path(__file__).resolve().parents[1]
N = len(ex.EXERCISES)
NAMES = [e.NAME for e in ex.EXERCISES]


def todo(tag: str) -> str:
    return f'raise NotImplementedError("TODO: {tag}")'


def fill(name: str, replacements: dict) -> str:
    """Step `name`'s template with each `old` text replaced by `new` (re-indented to old's line)."""
    text = ex.template(ex.number_of(name))
    for old, new in replacements.items():
        at = text.index(old)  # the template must contain it
        indent = text[text.rfind("\n", 0, at) + 1: at]
        text = text.replace(old, textwrap.indent(textwrap.dedent(new).strip(), indent)[len(indent):])
    return text


def grade(name: str, source: str, folder: pathlib.Path, lang: str = "en") -> tuple:
    """Write the references of the steps `name` builds on, then `source` as the learner's file; check."""
    n = ex.number_of(name)
    for k in ex.needs(n):
        (folder / ex.filename(k)).write_text(ex.reference_source(k), encoding="utf-8")
    (folder / ex.filename(n)).write_text(source, encoding="utf-8")
    return ex.run_check(n, folder, lang=lang)


def reference_with(name: str, answers: dict) -> str:
    """The reference of step `name` with some answers changed: {tag: code}, tag as in `todo(tag)`."""
    step = ex.exercise(ex.number_of(name))
    sol = dict(step.SOLUTION)
    for tag, code in answers.items():
        keys = [k for k in sol if k.endswith(f'"{tag}")') or k == tag]
        assert len(keys) == 1, (tag, list(sol))
        sol[keys[0]] = code
    return fill_todos(ex.template(ex.number_of(name)), sol)


TOPO_RIGHT = """
order, visited, stack = [], set(), [(root, False)]
while stack:
    node, expanded = stack.pop()
    if expanded:
        order.append(node)
    elif id(node) not in visited:
        visited.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in node.parents)
return order
"""

TOPO_RECURSIVE = """
order, seen = [], set()
def visit(node):
    if id(node) not in seen:
        seen.add(id(node))
        for p in node.parents:
            visit(p)
        order.append(node)
visit(root)
return order
"""

VISIT_HELPER = """
def _visit(node, order, seen):
    if id(node) not in seen:
        seen.add(id(node))
        for p in node.parents:
            _visit(p, order, seen)
        order.append(node)
    return order
"""

WALK = """
grads[id(order[-1])] = 1.0
for node in {order}:
    if node.backward_fn is None or id(node) not in grads:
        continue
    for parent, g in zip(node.parents, node.backward_fn(grads[id(node)])):
        grads[id(parent)] = {acc}g
return [grads.get(id(w), 0.0) for w in wrt]
"""

SGD = """
g = grad + weight_decay * param
if momentum != 0:
    buf = {first} if buf is None else momentum * buf + {damp}g
    g = {nesterov} if nesterov else buf
return param - lr * g, buf
"""
SGD_RIGHT = dict(first="g.copy()", damp="(1 - dampening) * ", nesterov="g + momentum * buf")

SILU = """
@staticmethod
def forward(ctx, x):
    ctx.save_for_backward(x)
    return x / (1 + np.exp(-x))

@staticmethod
def backward(ctx, grad):
    (x,) = ctx.saved_values
    s = 1 / (1 + np.exp(-x))
    return {result}
"""


def silu(result: str) -> dict:
    """The custom op step's class body: both TODO methods replaced at once."""
    body = ex.template(ex.number_of("custom_op"))
    start = body.index("    @staticmethod\n    def forward")
    return {body[start:].rstrip("\n").lstrip(): SILU.format(result=result)}


RIGHT = {
    "numerical": {todo("numerical_derivative"): "return (f(x + h) - f(x - h)) / (2 * h)"},
    "chain_rule": {todo("chain"): "return df(g(x)) * dg(x)",
        todo("d_sin_square"): "return math.cos(x**2) * 2 * x",
        todo("d_log_cube"): "return 3 * math.log(1 + x**2) ** 2 / (1 + x**2) * 2 * x"},
    "div_backward": {todo("backward of a / b"): "return grad / other.data, -grad * self.data / "
                                                "other.data**2"},
    "pow_backward": {todo("backward of a ** b"): "a, b = self.data, other.data\n"
                                    "return grad * b * a ** (b - 1), grad * a**b * math.log(a)"},
    "exp_tanh": {todo("backward of exp"): "return (grad * out.data,)",
        todo("backward of tanh"): "return (grad * (1 - out.data**2),)"},
    "accumulate": {"parent.grad = g": "parent.grad += g"},
    "topo_sort": {todo("topo_order"): TOPO_RIGHT},
    "backward_walk": {todo("gradients"): WALK.format(order="reversed(order)", acc="grads.get(id(parent), "
                                                                                  "0.0) + ")},
    "unbroadcast": {todo("unbroadcast"): "while grad.ndim > len(shape):\n    grad = grad.sum(axis=0)\n"
                              "for axis, size in enumerate(shape):\n    if size == 1:\n"
                              "        grad = grad.sum(axis=axis, keepdims=True)\nreturn grad",
         todo("mul_backward"): "return (unbroadcast(grad * b, np.shape(a)),\n"
                               "        unbroadcast(grad * a, np.shape(b)))"},
    "sum_mean": {todo("sum_backward"): "if axis is not None and not keepdims:\n"
                               "    grad = np.expand_dims(grad, axis)\n"
                               "return np.broadcast_to(grad, shape).copy()",
         todo("mean_backward"): "n = np.prod(shape) if axis is None else shape[axis]\n"
                                "return sum_backward(grad, shape, axis, keepdims) / n"},
    "matmul": {todo("matmul_backward"): "return grad @ B.T, A.T @ grad"},
    "sgd_momentum": {todo("sgd_step"): SGD.format(**SGD_RIGHT)},
    "custom_op": silu("grad * (s + x * s * (1 - s))"),
}

# correct answers written differently from the references (steps not listed: their reference answers)
RIGHT.update({
    "value": {todo("as_value"): "if isinstance(x, Value):\n    return x\nreturn Value(x, (), '')",
              todo("add"): 'out = Value(a.data + b.data, parents=(a, b), op="+")\nreturn out',
              todo("mul"): 'return Value(np.multiply(a.data, b.data), (a, b), "*")'},
    "add_mul_backward": {todo("backward of +"): "a.grad += out.grad\nb.grad += out.grad",
                         todo("backward of *"): "a.grad += out.grad * b.data\nb.grad += out.grad * a.data"},
    "chain_by_hand": {todo("backprop_by_hand"): "L.grad = 1\nfor node in (L, d, e):\n    node._backward()"},
    "topo_order": {todo("visit"): "if node not in visited:\n    visited.add(node)\n"
                                  "    for p in node.parents:\n        visit(p)\n    order.append(node)"},
    "backward": {todo("backward"): "order = topo_order(self)\nself.grad = np.ones_like(self.data)\n"
                                   "for v in order[::-1]:\n    v._backward()"},
    "value_pow": {todo("backward of a ** k"): "a.grad += k * (a.data ** (k - 1)) * out.grad"},
    "value_arith": {todo("neg"): "return -1 * a", todo("sub"): "return a + as_value(b) * -1",
                    todo("rsub"): "return -a + b", todo("div"): "return a * (as_value(b) ** -1)",
                    todo("rdiv"): "return (a ** -1) * b"},
    "value_exp_log": {todo("backward of exp"): "a.grad = a.grad + np.exp(a.data) * out.grad",
                      todo("backward of log"): "a.grad = a.grad + (1 / a.data) * out.grad"},
    "value_tanh_relu": {todo("backward of tanh"): "a.grad = a.grad + (1 - np.tanh(a.data) ** 2) * out.grad",
                        todo("backward of relu"): "a.grad = a.grad + np.where(a.data > 0, out.grad, 0.0)"},
    "sgd": {todo("zero_grad"): "for p in self.params:\n    p.grad = p.grad * 0",
            todo("step"): "for p in self.params:\n    p.data -= self.lr * p.grad"},
})
for _step in ex.EXERCISES:  # the rest: their reference answers
    if _step.NAME not in RIGHT:
        RIGHT[_step.NAME] = {k if k.startswith("raise") or "NotImplementedError" not in k else f"raise {k}": v
                             for k, v in _step.SOLUTION.items()}


def sgd(**changes: str) -> dict:
    return {todo("sgd_step"): SGD.format(**{**SGD_RIGHT, **changes})}


# (step name, replacements, words the failure report must contain)
WRONG = [
    ("numerical", {todo("numerical_derivative"): "return (f(x + h) - f(x)) / h"}, ["one-sided", "central"]),
    ("numerical", {todo("numerical_derivative"): "return (f(x + h) - f(x - h)) / h"}, ["2 * h"]),
    ("numerical", {todo("numerical_derivative"): "return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5"}, ["use the "
                                                                                                "step h"]),
    ("chain_rule", {**RIGHT["chain_rule"], todo("chain"): "return df(x) * dg(x)"}, ["inner value"]),
    ("chain_rule", {**RIGHT["chain_rule"], todo("d_sin_square"): "return math.cos(x**2)"}, ["2x"]),
    ("chain_rule", {**RIGHT["chain_rule"], todo("d_log_cube"): "return 3 * math.log(1 + x**2) ** 2 * 2 * "
                                                               "x"}, ["1/v"]),
    ("div_backward", {todo("backward of a / b"): "return grad / other.data, grad * self.data / "
                                                 "other.data**2"},
     ["minus sign"]),
    ("div_backward", {todo("backward of a / b"): "return grad / other.data, -grad * self.data / other.data"},
     ["SQUARED"]),
    ("pow_backward", {todo("backward of a ** b"): "return grad * other.data * self.data ** (other.data - "
                                                  "1), 0.0"},
     ["Scalar too", "log(a)"]),
    ("pow_backward", {todo("backward of a ** b"): "b = other.data\nreturn grad * b * self.data ** (b - 1), "
                                     "grad * b * self.data ** (b - 1)"}, ["exp(b * log(a))"]),
    ("exp_tanh", {**RIGHT["exp_tanh"], todo("backward of tanh"): "return (grad * (1 - "
                                                                 "self.data**2),)"}, ["OUTPUT"]),
    ("exp_tanh", {**RIGHT["exp_tanh"], todo("backward of exp"): "return grad * out.data"}, ["tuple of one "
                                                                                            "gradient"]),
    ("accumulate", {}, ["SUM of both contributions", "`=` instead of `+=`"]),
    ("topo_sort", {todo("topo_order"): TOPO_RECURSIVE}, ["`visit` calls itself", "explicit stack"]),
    # raising Python's recursion limit lets the recursive search pass the deep chain: named, not passed
    ("topo_sort", {todo("topo_order"): "import sys\nsys.setrecursionlimit(100000)\n" + TOPO_RECURSIVE},
     ["recursion limit", "sys.setrecursionlimit", "explicit stack"]),
    ("topo_sort", {"import numpy as np": "import sys\n\nimport numpy as np\n\nsys.setrecursionlimit(100000)",
                   todo("topo_order"): TOPO_RECURSIVE}, ["recursion limit", "explicit stack"]),
    ("topo_sort", {todo("topo_order"): "return _visit(root, [], set())",
                   "Value.backward = backward": "Value.backward = backward\n\n\n" + VISIT_HELPER},
     ["`_visit` calls itself"]),
    ("topo_sort", {todo("topo_order"): TOPO_RIGHT.replace("order.append(node)\n    elif", "pass\n    "
                                                                                          "elif").replace(
        "visited.add(id(node))", "visited.add(id(node))\n        order.append(node)")},
     ["comes before its parent", "AFTER all its parents"]),
    ("topo_sort", {todo("topo_order"): TOPO_RIGHT.replace("elif id(node) not in visited:", "else:")},
     ["listed twice", "visited"]),
    ("backward_walk", {todo("gradients"): WALK.format(order="order", acc="grads.get(id(parent), 0.0) + ")},
     ["REVERSE"]),
    ("backward_walk", {todo("gradients"): WALK.format(order="reversed(order)", acc="")}, ["`=` instead of "
                                                                                          "`+=`"]),
    ("backward_walk", {todo("gradients"): WALK.format(order="reversed(order)", acc="grads.get(id(parent), "
                                                                                   "0.0) + ")
         .replace("grads[id(order[-1])] = 1.0", "grads[id(order[-1])] = 0.0")}, ["seed"]),
    # a Scalar not in the graph has no entry in grads: KeyError, explained
    ("backward_walk", {todo("gradients"): WALK.format(order="reversed(order)", acc="grads.get(id(parent), "
                                                                                   "0.0) + ")
         .replace("grads.get(id(w), 0.0)", "grads[id(w)]")}, ["KeyError", "gradient is 0.0",
                                                               ".get(id(v), 0.0)"]),
    ("unbroadcast", {**RIGHT["unbroadcast"],
                     todo("unbroadcast"): RIGHT["unbroadcast"][todo("unbroadcast")].replace(
                         ", keepdims=True", "")},
     ["keepdims=True"]),
    ("unbroadcast", {**RIGHT["unbroadcast"], todo("unbroadcast"): "return "
                                                                  "grad.sum(axis=tuple(range(grad.ndim - "
                                                                  "len(shape))))"},
     ["sum exactly the axes", "size is 1"]),
    ("unbroadcast", {**RIGHT["unbroadcast"], todo("mul_backward"): "return grad * b, grad * "
                                                                   "a"}, ["unbroadcast"]),
    ("sum_mean", {**RIGHT["sum_mean"], todo("sum_backward"): "return np.broadcast_to(grad, shape).copy()"},
     ["np.expand_dims(grad, axis)"]),
    ("sum_mean", {**RIGHT["sum_mean"], todo("mean_backward"): "return sum_backward(grad, shape, axis, "
                                                              "keepdims)"},
     ["mean = sum / n", "divide"]),
    ("sum_mean", {**RIGHT["sum_mean"],
          todo("mean_backward"): "return sum_backward(grad, shape, axis, keepdims) / np.prod(shape)"},
     ["not by the total size"]),
    ("matmul", {todo("matmul_backward"): "return grad @ B, A.T @ grad"}, ["grad (2, 4) @ B.T (4, 3)"]),
    ("matmul", {todo("matmul_backward"): "return grad @ B.T, grad.T @ A"}, ["dL/dB is transposed", "A.T @ "
                                                                                                   "grad"]),
    ("matmul", {todo("matmul_backward"): "return A.T @ grad, grad @ B.T"}, ["swapped"]),
    ("sgd_momentum", sgd(damp=""), ["missing dampening", "(1 - dampening)"]),
    ("sgd_momentum", sgd(first="(1 - dampening) * g"), ["first step", "no dampening"]),
    ("sgd_momentum", sgd(nesterov="buf + momentum * g"), ["nesterov", "g + momentum * buf"]),
    ("sgd_momentum", {todo("sgd_step"): SGD.format(**SGD_RIGHT).replace("g = grad + weight_decay * param",
                                                            "g = grad")}, ["weight_decay * param"]),
    ("custom_op", silu("s + x * s * (1 - s)"), ["upstream gradient"]),
    ("custom_op", silu("grad * s"), ["product rule"]),
    # right at the six points the check tries first, wrong for |x| > 5: only check_op's search finds it
    ("custom_op", silu("grad * np.where(np.abs(x) < 5, s + x * s * (1 - s), 1.0)"),
     ["check_op found an input", "finite differences"]),
]



WRONG += [
    ("value", {**RIGHT["value"], todo("add"): 'return Value(a.data + b.data, (b, a), "+")'},
     ["parents should be (a, b)"]),
    ("value", {**RIGHT["value"], todo("as_value"): "return Value(x)"}, ["must return a itself"]),
    ("add_mul_backward", {**RIGHT["add_mul_backward"],
                          todo("backward of *"): "a.grad += out.grad * a.data\nb.grad += out.grad * b.data"},
     ["d(a*b)/da should be b; your backward gives a"]),
    ("add_mul_backward", {**RIGHT["add_mul_backward"], todo("backward of *"): "a.grad += b.data\nb.grad "
                                                                              "+= a.data"},
     ["multiply by out.grad"]),
    ("add_mul_backward", {**RIGHT["add_mul_backward"],
                          todo("backward of *"): "a.grad = out.grad * b.data\nb.grad = out.grad * a.data"},
     ["ADD into it"]),
    ("chain_by_hand", {todo("backprop_by_hand"): "L.grad = 1.0\ne._backward()\nd._backward()\nL._backward()"},
     ["output first"]),
    ("chain_by_hand", {todo("backprop_by_hand"): "L._backward()\nd._backward()\ne._backward()"},
     ["L.grad = 1.0"]),
    ("chain_by_hand", {todo("backprop_by_hand"): "L.grad = 1.0\nd._backward()\ne._backward()"},
     ["is seeded", "L._backward() was not called"]),
    ("chain_by_hand", {todo("backprop_by_hand"): "L.grad = 1.0\nL._backward()\ne._backward()"},
     ["c got nothing", "d._backward() did not run"]),
    ("topo_order", {todo("visit"): "if node in visited:\n    return\nvisited.add(node)\norder.append(node)\n"
                                   "for p in node.parents:\n    visit(p)"}, ["comes before its parent"]),
    ("topo_order", {todo("visit"): "for p in node.parents:\n    visit(p)\norder.append(node)"}, ["listed "
                                                                                                 "twice"]),
    ("backward", {todo("backward"): "for node in reversed(topo_order(self)):\n    node._backward()"},
     ["seed self.grad"]),
    ("backward", {todo("backward"): "self.grad = np.ones_like(self.data)\nfor node in topo_order(self):\n"
                                    "    node._backward()"}, ["reversed(topo_order(self))"]),
    ("value_pow", {todo("backward of a ** k"): "a.grad = a.grad + a.data ** (k - 1) * "
                                               "out.grad"}, ["factor k"]),
    ("value_pow", {todo("backward of a ** k"): "a.grad = a.grad + k * a.data ** k * out.grad"},
     ["exponent drops by one"]),
    ("value_arith", {**RIGHT["value_arith"], todo("rsub"): "return a + (-as_value(b))"}, ["order is "
                                                                                          "swapped"]),
    ("value_exp_log", {**RIGHT["value_exp_log"], todo("backward of log"): "a.grad = a.grad + out.grad * "
                                                                          "a.data"},
     ["1 / a"]),
    ("value_tanh_relu", {**RIGHT["value_tanh_relu"],
                         todo("backward of tanh"): "a.grad = a.grad + (1 - a.data ** 2) * out.grad"},
     ["use the OUTPUT"]),
    ("value_tanh_relu", {**RIGHT["value_tanh_relu"], todo("backward of relu"): "a.grad = a.grad + out.grad"},
     ["zeroed in the forward"]),
    ("value_broadcast", {**RIGHT["value_broadcast"],
                         todo("backward of + that broadcasts"): "a.grad = a.grad + out.grad\nb.grad = "
                                                                "b.grad + out.grad"},
     ["unbroadcast(g, a.data.shape)", "expected shape (3,)"]),
    ("value_sum_mean", {**RIGHT["value_sum_mean"], todo("mean"): "return sum_(a, axis, "
                                                                 "keepdims)"}, ["1 / n"]),
    ("value_sum_mean", {**RIGHT["value_sum_mean"],
                        todo("backward of sum"): "a.grad = sum_backward(out.grad, a.data.shape, axis,"
                                                 " keepdims)"},
     ["a is summed twice"]),
    ("value_matmul", {todo("backward of @"): "a.grad, b.grad = matmul_backward(a.data, b.data, out.grad)"},
     ["used twice"]),
    ("add_mul_backward", {**RIGHT["add_mul_backward"],
                          todo("backward of +"): "a.grad = out.grad\nb.grad = out.grad"},
     ["overwrites the parent's grad", "ADD into it"]),
    ("value_matmul", {todo("backward of @"): "ga, gb = matmul_backward(a.data, b.data, out.grad)\n"
                                             "a.grad = a.grad + gb.T\nb.grad = b.grad + ga.T"},
     ["matmul_backward(a.data, b.data, out.grad)"]),
    ("module_linear", {**RIGHT["module_linear"],
                       todo("parameters"): "return [v for v in vars(self).values() if isinstance(v, Value)]"},
     ["sub-Modules"]),
    ("mlp", {todo("forward"): "for layer in self.layers:\n    x = layer(x).relu()\nreturn x"},
     ["every layer but the last"]),
    ("sgd", {**RIGHT["sgd"], todo("step"): "for p in self.params:\n    p.data = p.data + self.lr * p.grad"},
     ["OTHER way"]),
    ("sgd_momentum_optimizer", {todo("step"): "for p in self.params:\n    p.data, _ = sgd_step(p.data, "
                                              "p.grad, None, "
                                              "self.lr, self.momentum,\n        self.dampening, "
                                              "self.weight_decay, "
                                              "self.nesterov)"}, ["OWN buffer"]),
    ("train_seed001", {todo("one sample"): "y_pred = w1 * x**2 + w2 * x + w3\nloss = (y_pred - y_true) ** 2\n"
                                           "epoch_loss += float(loss.data)\nloss.backward()\nopt.step()"},
     ["zero_grad"]),
    ("train_moons", {**RIGHT["train_moons"],
                     todo("one training step"): "opt.zero_grad()\nloss.backward()\nopt.step()"},
     ["1.0 - 0.9 * k / 100"]),
    ("dual_numbers", {**RIGHT["dual_numbers"], todo("mul"): "return Dual(self.value * other.value, "
                                                            "self.tangent * other.value)"},
     ["product rule has two terms"]),
    ("dual_numbers", {**RIGHT["dual_numbers"], todo("mul"): "return Dual(self.value * other.value, "
                                                            "self.tangent * other.tangent)"},
     ["do not multiply each other"]),
    ("dual_numbers", {**RIGHT["dual_numbers"], todo("sin"): "return Dual(math.sin(x.value), "
                                                            "math.cos(x.value))"},
     ["by the tangent (the chain rule)"]),
    ("dual_numbers", {**RIGHT["dual_numbers"], todo("derivative"): "return f(Dual(x)).tangent"},
     ["seed the tangent to 1"]),
    ("dual_numbers", {**RIGHT["dual_numbers"], todo("derivative"): "return f(Dual(x, 0.5)).tangent"},
     ["seed the tangent to 1"]),
    ("jvp_rule", {todo("jvp"): "return t"}, ["softplus'(x) = sigmoid(x)"]),
    ("jvp_rule", {todo("jvp"): "(x,) = ctx.saved_values\nreturn 1 / (1 + (-x).exp())"},
     ["TIMES the tangent"]),
    ("jvp_rule", {todo("jvp"): "(x,) = ctx.saved_values\nreturn t * (1 + x.exp()).log()"},
     ["not softplus(x)"]),
    ("jvp_rule", {todo("jvp"): "(x,) = ctx.saved_values\n"
                               "return t.detach().numpy() / (1 + np.exp(-x.detach().numpy()))"},
     ["no graph", "tensor ops"]),
]


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes(name):
    ok, report = ex.run_check(ex.number_of(name), reference=True)
    assert ok, report
    assert "correct" in report and ex.exercise(ex.number_of(name)).IDEA in report


@pytest.mark.parametrize("name", NAMES)
def test_reference_is_the_template_answered_and_graded_as_a_learners_file(name, tmp_path):
    n = ex.number_of(name)
    source = ex.reference_source(n)
    assert "TODO" not in source and "NotImplementedError" not in source and "[[" not in source
    assert source.splitlines()[:3] == ex.template(n).splitlines()[:3]
    module = ex.load_reference(n)  # imported from a file, as `check` imports a learner's
    assert module.__name__ == f"_exercise_{ex.filename(n)[:-3]}"
    assert module.__file__.endswith(ex.filename(n))
    ok, report = grade(name, source, tmp_path)  # the same text, as the learner's file: passes too
    assert ok, report


def test_fill_replaces_a_todo_line_and_its_comment_and_refuses_an_ambiguous_key():
    template = "def f(x):\n    # TODO: one\n    # TODO: two\n    raise NotImplementedError('TODO: f')\n"
    assert fill_todos(template, {"TODO: f": "y = x\nreturn y"}) == "def f(x):\n    y = x\n    return y\n"
    with pytest.raises(ValueError, match="exactly one line"):
        fill_todos(template, {"TODO": "pass"})
    with pytest.raises(ValueError, match="exactly one line"):
        fill_todos(template, {"TODO: g": "pass"})


@pytest.mark.parametrize("name", NAMES)
def test_untouched_template_fails_and_a_correct_fill_passes(name, tmp_path):
    ok, report = grade(name, ex.template(ex.number_of(name)), tmp_path)
    assert not ok and "not yet" in report
    if name != "accumulate":  # that template holds a bug instead of a TODO
        assert "not written yet" in report and "TODO" in report
    ok, report = grade(name, fill(name, RIGHT[name]), tmp_path)
    assert ok, report


@pytest.mark.parametrize("name, replacements, words", WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_typical_wrong_answer_fails_with_the_idea(name, replacements, words, tmp_path):
    ok, report = grade(name, fill(name, replacements), tmp_path)
    assert not ok, report
    for word in words:
        assert word in report, f"{word!r} not in:\n{report}"


def test_topo_sort_check_leaves_the_recursion_limit_as_it_was(tmp_path):
    before = sys.getrecursionlimit()
    source = fill("topo_sort", {"import numpy as np": "import sys\n\nimport numpy as np\n\n"
                                                      "sys.setrecursionlimit(100000)",
                                todo("topo_order"): TOPO_RECURSIVE})
    ok, report = grade("topo_sort", source, tmp_path)
    assert not ok and "sys.setrecursionlimit" in report
    assert sys.getrecursionlimit() == before


def test_the_report_names_one_earlier_file_in_the_singular(tmp_path):
    source = fill("add_mul_backward", {todo("backward of +"): "pass", todo("backward of *"): "pass"})
    ok, report = grade("add_mul_backward", source, tmp_path)
    assert not ok and "builds on your file ex03_value.py: if it does not" in report
    ok, report = grade("add_mul_backward", source, tmp_path, lang="zh")
    assert "如果它还没通过" in report
    assert "__rmul__\n\n    def __init__" in ex.template(ex.number_of("value"))  # one blank line in a class


def test_every_step_has_a_typical_wrong_answer_tested():
    assert {w[0] for w in WRONG} == set(NAMES)


def test_the_path_builds_one_engine_and_ends_with_the_two_training_runs():
    assert N >= 30
    assert NAMES[-4:] == ["train_seed001", "train_moons", "dual_numbers", "jvp_rule"]
    assert NAMES[:3] == ["numerical", "chain_rule", "value"]
    # the moons step imports, through the learner's files, every engine step from the Value on
    chain = [ex.filename(k) for k in ex.needs(ex.number_of("train_moons"))]
    for name in ("value", "add_mul_backward", "topo_order", "backward", "topo_sort", "value_pow",
                 "value_arith", "value_exp_log", "value_tanh_relu", "unbroadcast", "value_broadcast",
                 "sum_mean", "value_sum_mean", "matmul", "value_matmul", "module_linear", "mlp", "sgd",
                 "sgd_momentum", "sgd_momentum_optimizer"):
        assert ex.filename(ex.number_of(name)) in chain, name


def test_report_in_chinese(tmp_path):
    source = fill("add_mul_backward", {**RIGHT["add_mul_backward"],
                                       todo("backward of *"): "a.grad += out.grad * a.data\nb.grad += "
                                                              "out.grad * b.data"})
    ok, report = grade("add_mul_backward", source, tmp_path, lang="zh")
    assert not ok and "还不对" in report and "d(a*b)/da 应该是 b" in report and "应为" in report
    ok, report = ex.run_check(ex.number_of("value"), reference=True, lang="zh")
    assert ok and "正确" in report and "思路" in report
    assert ex.get_lang() == "en"  # run_check restores the language


# ---- a file that imports the library instead of writing the piece fails ---------------------------

SILU_FROM_LIBRARY = '''\
import numpy as np
from tinygrad_edu import Function
from tinygrad_edu.nn.functional import silu as SiLU
'''


@pytest.mark.parametrize("name, source, words", [
    ("custom_op", SILU_FROM_LIBRARY, ["imports tinygrad_edu.nn.functional (silu)", "from tinygrad_edu "
                                                                                   "import Function"]),
    ("custom_op", "import tinygrad_edu as tg\n\nclass SiLU(tg.Function):\n    pass\n", ["imports "
                                                                                        "tinygrad_edu"]),
    ("custom_op", "from tinygrad_edu import Function\nimport importlib\n"
                  "SiLU = importlib.import_module('tinygrad_edu.ops').SiLU\n", ["imports tinygrad_edu.ops"]),
    ("value", "from tinygrad_edu import Tensor as Value\n", ["imports tinygrad_edu (Tensor)", "WRITE the "
                                                                                              "piece"]),
    ("backward", "import torch\n", ["imports torch"]),
    ("jvp_rule", "from tinygrad_edu import Function\nfrom tinygrad_edu.ops import Softplus\n",
     ["imports tinygrad_edu.ops"]),
    ("jvp_rule", "from tinygrad_edu import Function\n"
                 "from tinygrad_edu.autograd.forward_ad import jvp_by_transpose\n\n"
                 "class Softplus(Function):\n    jvp = staticmethod(jvp_by_transpose)\n",
     ["imports tinygrad_edu.autograd.forward_ad"]),
    ("dual_numbers", "from tinygrad_edu.autograd.forward_ad import make_dual as Dual\n",
     ["imports tinygrad_edu"]),
    ("numerical", "import numpy as np\n\ndef numerical_derivative(f, x, h=1e-5):\n"
                  "    return np.gradient([f(x - h), f(x), f(x + h)], h)[1]\n",
     ["np.gradient may not be used"]),
    ("numerical", "from scipy.misc import derivative\n\ndef numerical_derivative(f, x, h=1e-5):\n"
                  "    return derivative(f, x, h)\n", ["imports scipy"]),
])
def test_importing_the_library_instead_of_writing_fails(name, source, words, tmp_path):
    ok, report = grade(name, source, tmp_path)
    assert not ok
    for word in words:
        assert word in report, report


def test_custom_op_must_be_the_learners_own_class(tmp_path):
    source = ("from tinygrad_edu import Function\n\nclass SiLU(Function):\n    pass\n\n"
              "SiLU = type('SiLU', (), {'apply': staticmethod(lambda x: x)})\n")
    ok, report = grade("custom_op", source, tmp_path)
    assert not ok and "subclass of tinygrad_edu.Function" in report


def test_an_earlier_file_that_imports_the_library_fails_too(tmp_path):
    n = ex.number_of("add_mul_backward")
    grade("add_mul_backward", ex.reference_source(n), tmp_path)  # writes ex03 too
    value = tmp_path / ex.filename(ex.number_of("value"))
    value.write_text("import tinygrad_edu\n" + value.read_text())
    ok, report = ex.run_check(n, tmp_path)
    assert not ok and f"{value.name} line 1 imports tinygrad_edu" in report


def test_a_missing_earlier_file_says_which_step_to_do_first(tmp_path):
    n = ex.number_of("add_mul_backward")
    (tmp_path / ex.filename(n)).write_text(ex.reference_source(n))
    ok, report = ex.run_check(n, tmp_path)
    assert not ok and "imports ex03_value" in report and "Do that step first" in report


def test_a_todo_left_in_an_earlier_file_is_named(tmp_path):
    n = ex.number_of("add_mul_backward")
    (tmp_path / ex.filename(n)).write_text(ex.reference_source(n))
    (tmp_path / "ex03_value.py").write_text(ex.template(3))
    ok, report = ex.run_check(n, tmp_path)
    assert not ok and "ex03_value.py line" in report and "not written yet" in report


# ---- hints ---------------------------------------------------------------------------------------

def _answer_lines(step) -> set[str]:
    lines = set()
    for code in step.SOLUTION.values():
        for line in code.splitlines():
            line = line.strip()
            if line.startswith(("def ", "return")) or re.search(r"[^=!<>]=[^=]", line):
                lines.add(line)
    return lines


@pytest.mark.parametrize("name", NAMES)
def test_hints_go_from_the_idea_to_the_answer(name):
    n = ex.number_of(name)
    step = ex.exercise(n)
    assert len(step.HINTS) >= 3
    for lang in ("en", "zh"):
        first = ex.hints(n, lang)[0]
        for line in _answer_lines(step):
            assert line not in first, (lang, line)
        assert not re.search(r"^\s*(def |return )", first, re.M)
    assert ex.hints(n, "en")[-1] == step.HINT
    assert not any("[[" in h for lang in ("en", "zh") for h in ex.hints(n, lang))
    assert "[[" not in ex.template(n) and "[[" not in ex.template(n, "zh")


def test_hint_levels_grow_each_time_they_are_asked(tmp_path, capsys):
    n = ex.number_of("value")
    for level in (1, 2, 3, 3):
        assert main(["hint", str(n), str(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert f"hint {level} of 3" in out and ex.hints(n)[level - 1] in out
    assert (tmp_path / HINT_STATE).exists()
    assert main(["hint", str(n), str(tmp_path), "--level", "1", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "提示 1/3" in out and ex.hints(n, "zh")[0] in out


# ---- Chinese texts ---------------------------------------------------------------------------------

HAN = r"[\u4e00-\u9fff]"
ASCII_PUNCT = re.compile(rf"{HAN}[,:;()]|[,:;()]{HAN}")


@pytest.mark.parametrize("name", NAMES)
def test_chinese_texts_use_full_width_punctuation(name):
    step = ex.exercise(ex.number_of(name))
    texts = [step.TITLE_ZH, step.IDEA_ZH, step.TEXT_ZH] + [zh for _, zh in step.HINTS]
    for text in texts:
        assert re.search(HAN, step.TITLE_ZH)
        bad = ASCII_PUNCT.search(text)
        assert not bad, f"{name}: {text[max(0, bad.start() - 20): bad.end() + 20]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_chinese_last_hint_keeps_no_english_prose(name):
    """The code of the last hint stays code, but no English sentence, label or comment is left over
    from the English hint."""
    n = ex.number_of(name)
    english = ex.hints(n)[-1].splitlines()
    for line in ex.hints(n, "zh")[-1].splitlines():
        if line in english:
            assert not re.search(r"#.*?[A-Za-z]{3,} [a-z]{3,}", line), (name, line)  # an English comment
            assert not re.match(r"\s*[A-Z][a-z]+ [a-z_]+ [a-z_]+", line), (name, line)  # an English sentence
            assert not re.match(r"\s*[a-z_]+: ", line), (name, line)  # an English label, "forward: ..."


def _code_tokens(source: str) -> list:
    """The tokens of source without its comments, its docstrings as one placeholder."""
    import io
    import tokenize
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            continue
        out.append("DOC" if tok.type == tokenize.STRING and tok.string.startswith('"""') else tok.string)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_chinese_template_translates_docstrings_and_comments_and_keeps_the_code(name):
    n = ex.number_of(name)
    zh, en = ex.template(n, "zh"), ex.template(n)
    assert _code_tokens(zh) == _code_tokens(en)
    body = zh[zh.index('"""', 3) + 3:]
    texts = re.findall(r'"""(.*?)"""', body, re.S) + re.findall(r"#([^\n]*)", body)
    for text in texts:
        # Chinese, or only code and maths (TODO, d/dx sin(x**2), id(node) -> d root / d node)
        assert re.search(HAN, text) or not re.search(r"[A-Za-z]{3,} [a-z]{3,}", text), (name, text)
        bad = ASCII_PUNCT.search(text)
        assert not bad, f"{name}: {text[max(0, bad.start() - 20): bad.end() + 20]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_chinese_template_answered_passes(name, tmp_path):
    n = ex.number_of(name)
    ok, report = grade(name, fill_todos(ex.template(n, "zh"), ex.exercise(n).SOLUTION), tmp_path, lang="zh")
    assert ok, report


def test_chinese_template_has_the_chinese_text(tmp_path, capsys):
    n = ex.number_of("backward")
    assert main(["start", str(n), str(tmp_path), "--lang", "zh"]) == 0
    text = (tmp_path / ex.filename(n)).read_text(encoding="utf-8")
    assert text.startswith(f'"""练习 {n}：') and ex.exercise(n).TEXT_ZH in text
    assert "check" in capsys.readouterr().out


# ---- the command line ------------------------------------------------------------------------------

def test_list_start_reset_hint_in_process(tmp_path, capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    assert len(lines) == N >= 30 and lines[0].startswith(" 1.") and "ex03_value.py" in lines[2]
    assert main(["list", "--lang", "zh"]) == 0
    assert "数值导数" in capsys.readouterr().out
    assert main(["start", "3", str(tmp_path)]) == 0
    path = tmp_path / "ex03_value.py"
    assert path.read_text() == ex.template(3)
    assert "check 3" in capsys.readouterr().out
    path.write_text("# my work")
    assert main(["start", "3", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err and path.read_text() == "# my work"
    assert main(["reset", "3", str(tmp_path)]) == 0
    assert path.read_text() == ex.template(3) and (tmp_path / "ex03_value.py.bak").read_text() == "# my work"
    assert main(["start", "3", str(tmp_path), "--force"]) == 0
    assert main(["show", "3"]) == 0 and "as_value" in capsys.readouterr().out
    for n in range(1, N + 1):
        assert main(["hint", str(n), str(tmp_path), "--level", "1"]) == 0
        assert len(capsys.readouterr().out.strip().splitlines()) >= 2


@pytest.mark.parametrize("bad", ["0", str(N + 1), "-1", "three"])
def test_bad_exercise_number_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["hint", bad])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and f"1 to {N}" in err


def test_usage_errors_help_and_the_reset_advice_in_chinese(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["start", "99", "--lang", "zh"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "用法：" in err and "错误：" in err and "没有练习 99" in err, err
    assert "there is no exercise" not in err and "usage:" not in err
    with pytest.raises(SystemExit):
        main(["--lang=zh", "check"])
    assert "缺少这些参数：N" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["start", "--lang", "zh", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0 and "选项：" in out and "覆盖已有的文件" in out and "options" not in out
    with pytest.raises(SystemExit):
        main(["start", "99"])  # English again without the flag
    assert "there is no exercise 99" in capsys.readouterr().err
    assert main(["start", "3", str(tmp_path), "--lang", "zh"]) == 0
    capsys.readouterr()
    assert main(["start", "3", str(tmp_path), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert f"reset 3 {tmp_path} --lang zh" in err, err


def test_list_lines_up_the_file_names_by_display_width(capsys):
    import unicodedata
    for lang in ("en", "zh"):
        assert main(["list", "--lang", lang]) == 0
        lines = capsys.readouterr().out.rstrip().splitlines()
        columns = {sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:line.rindex(" ex")])
                   for line in lines}
        assert len(lines) == N and len(columns) == 1, (lang, columns)


def _cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tinygrad_edu.exercises", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_through_subprocess(tmp_path):
    run = _cli("start", "3", cwd=tmp_path)  # default DIR: the current folder
    assert run.returncode == 0 and (tmp_path / "ex03_value.py").exists()
    run = _cli("check", "3", cwd=tmp_path)
    assert run.returncode == 1 and "not written yet" in run.stdout and "Traceback" not in run.stderr
    (tmp_path / "ex03_value.py").write_text(fill("value", RIGHT["value"]))
    run = _cli("check", "3", cwd=tmp_path)
    assert run.returncode == 0 and "correct" in run.stdout
    run = _cli("start", "4", cwd=tmp_path)
    run = _cli("check", "4", "--lang", "zh", cwd=tmp_path)
    assert run.returncode == 1 and "还没有写" in run.stdout and "Traceback" not in run.stderr
    run = _cli("check", "22", "--reference", cwd=tmp_path)
    assert run.returncode == 0 and "correct" in run.stdout
    run = _cli("start", "99", cwd=tmp_path)
    assert run.returncode == 2 and "there is no exercise 99" in run.stderr


def test_failure_report_names_element_expected_received(tmp_path):
    source = fill("unbroadcast", {**RIGHT["unbroadcast"], todo("unbroadcast"): "return grad.sum(axis=0) * "
                                                                               "1.5"})
    ok, report = grade("unbroadcast", source, tmp_path)
    assert not ok
    assert "element (" in report and "expected" in report and "received" in report


def test_import_error_in_learner_file_is_reported(tmp_path):
    ok, report = grade("value", "def broken(:\n", tmp_path)
    assert not ok and "could not be imported (line 1)" in report and "SyntaxError" in report


def test_missing_file_says_how_to_start(tmp_path):
    ok, report = ex.run_check(4, tmp_path)
    assert not ok and f"start 4 {tmp_path}" in report
    ok, report = ex.run_check(4, tmp_path / "work")
    assert not ok and f"start 4 {tmp_path / 'work'}" in report


def test_check_accepts_the_file_itself(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(fill("matmul", RIGHT["matmul"]))
    assert ex.run_check(ex.number_of("matmul"), path)[0]


def test_sgd_reference_matches_pytorch_numbers():
    # torch.optim.SGD (PyTorch 2.13, float64), 3 steps from p = [1, -2, 0.5] with these grads
    grads = [[0.3, -0.1, 0.2], [-0.5, 0.4, 0.1], [0.2, 0.2, -0.3]]
    torch_runs = [
        (dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
         [0.9809463048899999, -2.0486702502800003, 0.45311859839499996],
         [0.04281595109999999, 0.3725945028, -0.015001483949999906]),
        (dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
         [0.963311484, -1.980614613, 0.46796867749999993],
         [0.23187240000000006, -0.02800430000000005, 0.023820249999999987]),
    ]
    sgd_step = ex.load_reference(ex.number_of("sgd_momentum")).sgd_step
    for settings, p_torch, buf_torch in torch_runs:
        p, buf = np.array([1.0, -2.0, 0.5]), None
        for g in grads:
            p, buf = sgd_step(p, np.array(g), buf, **settings)
        np.testing.assert_allclose(p, p_torch, rtol=1e-13)
        np.testing.assert_allclose(buf, buf_torch, rtol=1e-12, atol=1e-15)


def test_seed001_step_reproduces_the_posts_run():
    # the blog post's run (examples/s001_quadratic_sgd.py): 50 epochs, then w = 2.1887, 2.7535, 4.0600
    from tinygrad_edu.exercises.steps_train import seed001_expected
    epochs, w1, w2, w3, _ = seed001_expected()
    assert epochs == 50
    np.testing.assert_allclose([w1, w2, w3], [2.188697138503384, 2.753474684969485, 4.060020789555843],
                               rtol=1e-12)
    got = ex.load_reference(ex.number_of("train_seed001")).train()
    assert got[0] == 50
    np.testing.assert_allclose(got[1:4], [w1, w2, w3], rtol=1e-12)


def test_custom_op_without_hypothesis_asks_for_the_dev_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # `import hypothesis` now raises ImportError
    ok, report = ex.run_check(ex.number_of("custom_op"), reference=True)
    assert not ok and "install the dev extra: pip install -e '.[dev]'" in report


def test_import_tinygrad_edu_does_not_import_the_exercises():
    code = "import sys, tinygrad_edu; assert 'tinygrad_edu.exercises' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("page", ["exercises.md", "exercises.zh.md"])
def test_docs_pages_list_every_step(page):
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    missing = [ex.filename(n) for n in range(1, N + 1) if f"`{ex.filename(n)}`" not in text]
    assert not missing


@pytest.mark.parametrize("name, replacements, words", WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_typical_wrong_answer_is_reported_in_chinese(name, replacements, words, tmp_path):
    ok, report = grade(name, fill(name, replacements), tmp_path, lang="zh")
    assert not ok and report.split("\n")[0].endswith("还不对。")
    body = report.split("\n")[1:-1]
    # the sentence that names the mistake (the last line before the footers; for check_op's search, its
    # first line: check_op's own description of the input stays English) is Chinese
    said = [line for line in body if not line.startswith("（")]
    line = said[0] if "check_op" in said[0] else said[-1]
    assert re.search(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]", line), report


@pytest.mark.parametrize("name", [e.NAME for e in ex.EXERCISES if getattr(e, "NEEDS", ())])
def test_a_chain_of_the_learners_own_fills_passes(name, tmp_path):
    """Each step on top of the OTHER correct answers (RIGHT, written differently from the references,
    e.g. `a.grad += ...` in step 4) of every step it builds on, as a learner's folder holds them."""
    n = ex.number_of(name)
    for k in ex.needs(n) + [n]:
        step = ex.exercise(k).NAME
        (tmp_path / ex.filename(k)).write_text(fill(step, RIGHT[step]), encoding="utf-8")
    ok, report = ex.run_check(n, tmp_path)
    assert ok, report


def test_docs_pages_name_the_right_step_numbers():
    en = (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    zh = (ROOT / "docs" / "exercises.zh.md").read_text(encoding="utf-8")
    num = ex.number_of
    assert f"(steps {num('div_backward')} to {num('exp_tanh')})" in en
    assert f"a bug hunt (step {num('accumulate')})" in en
    assert f"tinygrad_edu itself (step {num('custom_op')})" in en
    assert f"After step {num('backward_walk')} " in en
    assert f"第 {num('div_backward')} 到 {num('exp_tanh')} 步" in zh and f"第 {num('custom_op')} 步" in zh
    assert f"做完第 {num('backward_walk')} 步" in zh
