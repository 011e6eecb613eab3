"""The graded exercises (python -m tinygrad_edu.exercises): every reference solution passes, every
untouched template fails, a correct fill of each template passes, and the typical wrong answers
fail with a message that names the missing idea."""

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tinygrad_edu import exercises as ex
from tinygrad_edu.exercises._common import fill as fill_todos
from tinygrad_edu.exercises.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]
N = len(ex.EXERCISES)


def todo(tag: str) -> str:
    return f'raise NotImplementedError("TODO: {tag}")'


def fill(n: int, replacements: dict) -> str:
    """Exercise n's template with each `old` text replaced by `new` (re-indented to old's line)."""
    text = ex.exercise(n).TEMPLATE
    for old, new in replacements.items():
        at = text.index(old)  # the template must contain it
        indent = text[text.rfind("\n", 0, at) + 1: at]
        text = text.replace(old, textwrap.indent(textwrap.dedent(new).strip(), indent)[len(indent):])
    return text


def grade(n: int, source: str, folder: pathlib.Path) -> tuple:
    (folder / ex.filename(n)).write_text(source)
    return ex.run_check(n, folder)


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
    """Exercise 14's class body: both TODO methods replaced at once."""
    body = ex.exercise(14).TEMPLATE
    start = body.index("    @staticmethod\n    def forward")
    return {body[start:].rstrip("\n").lstrip(): SILU.format(result=result)}


RIGHT = {
    1: {todo("numerical_derivative"): "return (f(x + h) - f(x - h)) / (2 * h)"},
    2: {todo("chain"): "return df(g(x)) * dg(x)",
        todo("d_sin_square"): "return math.cos(x**2) * 2 * x",
        todo("d_log_cube"): "return 3 * math.log(1 + x**2) ** 2 / (1 + x**2) * 2 * x"},
    3: {todo("backward of a * b"): "return grad * other.data, grad * self.data"},
    4: {todo("backward of a / b"): "return grad / other.data, -grad * self.data / other.data**2"},
    5: {todo("backward of a ** b"): "a, b = self.data, other.data\n"
                                    "return grad * b * a ** (b - 1), grad * a**b * math.log(a)"},
    6: {todo("backward of exp"): "return (grad * out.data,)",
        todo("backward of tanh"): "return (grad * (1 - out.data**2),)"},
    7: {"parent.grad = g": "parent.grad += g"},
    8: {todo("topo_order"): TOPO_RIGHT},
    9: {todo("gradients"): WALK.format(order="reversed(order)", acc="grads.get(id(parent), 0.0) + ")},
    10: {todo("unbroadcast"): "while grad.ndim > len(shape):\n    grad = grad.sum(axis=0)\n"
                              "for axis, size in enumerate(shape):\n    if size == 1:\n"
                              "        grad = grad.sum(axis=axis, keepdims=True)\nreturn grad",
         todo("mul_backward"): "return (unbroadcast(grad * b, np.shape(a)),\n"
                               "        unbroadcast(grad * a, np.shape(b)))"},
    11: {todo("sum_backward"): "if axis is not None and not keepdims:\n"
                               "    grad = np.expand_dims(grad, axis)\n"
                               "return np.broadcast_to(grad, shape).copy()",
         todo("mean_backward"): "n = np.prod(shape) if axis is None else shape[axis]\n"
                                "return sum_backward(grad, shape, axis, keepdims) / n"},
    12: {todo("matmul_backward"): "return grad @ B.T, A.T @ grad"},
    13: {todo("sgd_step"): SGD.format(**SGD_RIGHT)},
    14: silu("grad * (s + x * s * (1 - s))"),
}


def sgd(**changes: str) -> dict:
    return {todo("sgd_step"): SGD.format(**{**SGD_RIGHT, **changes})}


# (exercise, replacements, words the failure report must contain)
WRONG = [
    (1, {todo("numerical_derivative"): "return (f(x + h) - f(x)) / h"}, ["one-sided", "central"]),
    (1, {todo("numerical_derivative"): "return (f(x + h) - f(x - h)) / h"}, ["2 * h"]),
    (1, {todo("numerical_derivative"): "return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5"}, ["use the step h"]),
    (2, {**RIGHT[2], todo("chain"): "return df(x) * dg(x)"}, ["inner value"]),
    (2, {**RIGHT[2], todo("d_sin_square"): "return math.cos(x**2)"}, ["2x"]),
    (2, {**RIGHT[2], todo("d_log_cube"): "return 3 * math.log(1 + x**2) ** 2 * 2 * x"}, ["1/v"]),
    (3, {todo("backward of a * b"): "return grad * self.data, grad * other.data"},
     ["d(a*b)/da should be b", "did you swap the operands?", "expected -3.0, received 4.5"]),
    (3, {todo("backward of a * b"): "return other.data, self.data"}, ["upstream grad"]),
    (3, {todo("backward of a * b"): "return grad * other.data"}, ["tuple of 2 gradients"]),
    (4, {todo("backward of a / b"): "return grad / other.data, grad * self.data / other.data**2"},
     ["minus sign"]),
    (4, {todo("backward of a / b"): "return grad / other.data, -grad * self.data / other.data"},
     ["SQUARED"]),
    (5, {todo("backward of a ** b"): "return grad * other.data * self.data ** (other.data - 1), 0.0"},
     ["Scalar too", "log(a)"]),
    (5, {todo("backward of a ** b"): "b = other.data\nreturn grad * b * self.data ** (b - 1), "
                                     "grad * b * self.data ** (b - 1)"}, ["exp(b * log(a))"]),
    (6, {**RIGHT[6], todo("backward of tanh"): "return (grad * (1 - self.data**2),)"}, ["OUTPUT"]),
    (6, {**RIGHT[6], todo("backward of exp"): "return grad * out.data"}, ["tuple of one gradient"]),
    (7, {}, ["SUM of both contributions", "`=` instead of `+=`"]),
    (8, {todo("topo_order"): "order, seen = [], set()\n"
                             "def visit(node):\n    if id(node) not in seen:\n        seen.add(id(node))\n"
                             "        for p in node.parents:\n            visit(p)\n"
                             "        order.append(node)\nvisit(root)\nreturn order"},
     ["RecursionError", "explicit stack"]),
    (8, {todo("topo_order"): TOPO_RIGHT.replace("order.append(node)\n    elif", "pass\n    elif").replace(
        "visited.add(id(node))", "visited.add(id(node))\n        order.append(node)")},
     ["comes before its parent", "AFTER all its parents"]),
    (8, {todo("topo_order"): TOPO_RIGHT.replace("elif id(node) not in visited:", "else:")},
     ["listed twice", "visited"]),
    (9, {todo("gradients"): WALK.format(order="order", acc="grads.get(id(parent), 0.0) + ")},
     ["REVERSE"]),
    (9, {todo("gradients"): WALK.format(order="reversed(order)", acc="")}, ["`=` instead of `+=`"]),
    (9, {todo("gradients"): WALK.format(order="reversed(order)", acc="grads.get(id(parent), 0.0) + ")
         .replace("grads[id(order[-1])] = 1.0", "grads[id(order[-1])] = 0.0")}, ["seed"]),
    (10, {**RIGHT[10], todo("unbroadcast"): RIGHT[10][todo("unbroadcast")].replace(", keepdims=True", "")},
     ["keepdims=True"]),
    (10, {**RIGHT[10], todo("unbroadcast"): "return grad.sum(axis=tuple(range(grad.ndim - len(shape))))"},
     ["sum exactly the axes", "size is 1"]),
    (10, {**RIGHT[10], todo("mul_backward"): "return grad * b, grad * a"}, ["unbroadcast"]),
    (11, {**RIGHT[11], todo("sum_backward"): "return np.broadcast_to(grad, shape).copy()"},
     ["np.expand_dims(grad, axis)"]),
    (11, {**RIGHT[11], todo("mean_backward"): "return sum_backward(grad, shape, axis, keepdims)"},
     ["mean = sum / n", "divide"]),
    (11, {**RIGHT[11],
          todo("mean_backward"): "return sum_backward(grad, shape, axis, keepdims) / np.prod(shape)"},
     ["not by the total size"]),
    (12, {todo("matmul_backward"): "return grad @ B, A.T @ grad"}, ["grad (2, 4) @ B.T (4, 3)"]),
    (12, {todo("matmul_backward"): "return grad @ B.T, grad.T @ A"}, ["dL/dB is transposed", "A.T @ grad"]),
    (12, {todo("matmul_backward"): "return A.T @ grad, grad @ B.T"}, ["swapped"]),
    (13, sgd(damp=""), ["missing dampening", "(1 - dampening)"]),
    (13, sgd(first="(1 - dampening) * g"), ["first step", "no dampening"]),
    (13, sgd(nesterov="buf + momentum * g"), ["nesterov", "g + momentum * buf"]),
    (13, {todo("sgd_step"): SGD.format(**SGD_RIGHT).replace("g = grad + weight_decay * param",
                                                            "g = grad")}, ["weight_decay * param"]),
    (14, silu("s + x * s * (1 - s)"), ["upstream gradient"]),
    (14, silu("grad * s"), ["product rule"]),
    # right at the six points the check tries first, wrong for |x| > 5: only check_op's search finds it
    (14, silu("grad * np.where(np.abs(x) < 5, s + x * s * (1 - s), 1.0)"),
     ["check_op found an input", "finite differences"]),
]


@pytest.mark.parametrize("n", range(1, N + 1))
def test_reference_passes(n):
    ok, report = ex.run_check(n, reference=True)
    assert ok, report
    assert "correct" in report and ex.exercise(n).IDEA in report


@pytest.mark.parametrize("n", range(1, N + 1))
def test_reference_is_the_template_answered_and_graded_as_a_learners_file(n, tmp_path):
    source = ex.reference_source(n)
    assert "TODO" not in source and "NotImplementedError" not in source
    # the template's text stays, around the answers (its docstring first)
    assert source.splitlines()[:3] == ex.exercise(n).TEMPLATE.splitlines()[:3]
    module = ex.load_reference(n)  # imported from a file, as `check` imports a learner's
    assert module.__name__ == f"_exercise_{ex.filename(n)[:-3]}"
    assert module.__file__.endswith(ex.filename(n))
    ok, report = grade(n, source, tmp_path)  # the same text, as the learner's file: passes too
    assert ok, report


def test_fill_replaces_a_todo_line_and_its_comment_and_refuses_an_ambiguous_key():
    template = "def f(x):\n    # TODO: one\n    # TODO: two\n    raise NotImplementedError('TODO: f')\n"
    assert fill_todos(template, {"TODO: f": "y = x\nreturn y"}) == "def f(x):\n    y = x\n    return y\n"
    with pytest.raises(ValueError, match="exactly one line"):
        fill_todos(template, {"TODO": "pass"})
    with pytest.raises(ValueError, match="exactly one line"):
        fill_todos(template, {"TODO: g": "pass"})


@pytest.mark.parametrize("n", range(1, N + 1))
def test_untouched_template_fails_and_a_correct_fill_passes(n, tmp_path):
    ok, report = grade(n, ex.exercise(n).TEMPLATE, tmp_path)
    assert not ok and "not yet" in report
    if n != 7:  # exercise 7's template holds a bug instead of a TODO
        assert "not written yet" in report and "TODO" in report
    ok, report = grade(n, fill(n, RIGHT[n]), tmp_path)
    assert ok, report


@pytest.mark.parametrize("n, replacements, words", WRONG,
                         ids=[f"ex{w[0]:02d}-{i}" for i, w in enumerate(WRONG)])
def test_typical_wrong_answer_fails_with_the_idea(n, replacements, words, tmp_path):
    ok, report = grade(n, fill(n, replacements), tmp_path)
    assert not ok, report
    for word in words:
        assert word in report, f"{word!r} not in:\n{report}"


def test_every_exercise_has_a_typical_wrong_answer_tested():
    assert {w[0] for w in WRONG} == set(range(1, N + 1))


def test_failure_report_names_element_expected_received(tmp_path):
    source = fill(10, {**RIGHT[10], todo("unbroadcast"): "return grad.sum(axis=0) * 1.5"})
    ok, report = grade(10, source, tmp_path)
    assert not ok
    assert "element (" in report and "expected" in report and "received" in report


def test_import_error_in_learner_file_is_reported(tmp_path):
    ok, report = grade(3, "def broken(:\n", tmp_path)
    assert not ok and "could not be imported (line 1)" in report and "SyntaxError" in report


def test_missing_file_says_how_to_start(tmp_path):
    ok, report = ex.run_check(4, tmp_path)
    assert not ok and f"start 4 {tmp_path}" in report
    ok, report = ex.run_check(4, tmp_path / "work")
    assert not ok and f"start 4 {tmp_path / 'work'}" in report


def test_check_accepts_the_file_itself(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(fill(12, RIGHT[12]))
    assert ex.run_check(12, path)[0]


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
    sgd_step = ex.load_reference(13).sgd_step
    for settings, p_torch, buf_torch in torch_runs:
        p, buf = np.array([1.0, -2.0, 0.5]), None
        for g in grads:
            p, buf = sgd_step(p, np.array(g), buf, **settings)
        np.testing.assert_allclose(p, p_torch, rtol=1e-13)
        np.testing.assert_allclose(buf, buf_torch, rtol=1e-12, atol=1e-15)


def test_exercise_14_without_hypothesis_asks_for_the_dev_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # `import hypothesis` now raises ImportError
    ok, report = ex.run_check(14, reference=True)
    assert not ok and "install the dev extra: pip install -e '.[dev]'" in report


def test_list_start_hint_in_process(tmp_path, capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    assert len(lines) == N >= 12 and lines[0].startswith(" 1.") and "ex03_mul_backward.py" in lines[2]
    assert main(["start", "3", str(tmp_path)]) == 0
    path = tmp_path / "ex03_mul_backward.py"
    assert path.read_text() == ex.exercise(3).TEMPLATE
    assert "check 3" in capsys.readouterr().out
    path.write_text("# my work")
    assert main(["start", "3", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err and path.read_text() == "# my work"
    assert main(["start", "3", str(tmp_path), "--force"]) == 0
    assert path.read_text() == ex.exercise(3).TEMPLATE
    for n in range(1, N + 1):
        assert main(["hint", str(n)]) == 0
        assert len(capsys.readouterr().out.strip().splitlines()) >= 2


@pytest.mark.parametrize("bad", ["0", "15", "-1", "three"])
def test_bad_exercise_number_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["hint", bad])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and f"1 to {N}" in err


def _cli(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tinygrad_edu.exercises", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_through_subprocess(tmp_path):
    run = _cli("start", "3", cwd=tmp_path)  # default DIR: the current folder
    assert run.returncode == 0 and (tmp_path / "ex03_mul_backward.py").exists()
    run = _cli("check", "3", cwd=tmp_path)
    assert run.returncode == 1 and "not written yet" in run.stdout and "Traceback" not in run.stderr
    (tmp_path / "ex03_mul_backward.py").write_text(fill(3, RIGHT[3]))
    run = _cli("check", "3", cwd=tmp_path)
    assert run.returncode == 0 and "correct" in run.stdout
    run = _cli("check", "12", "--reference", cwd=tmp_path)
    assert run.returncode == 0 and "correct" in run.stdout
    run = _cli("start", "99", cwd=tmp_path)
    assert run.returncode == 2 and "there is no exercise 99" in run.stderr


def test_import_tinygrad_edu_does_not_import_the_exercises():
    code = "import sys, tinygrad_edu; assert 'tinygrad_edu.exercises' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_docs_page_lists_every_exercise():
    page = (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    missing = [ex.filename(n) for n in range(1, N + 1) if f"`{ex.filename(n)}`" not in page]
    assert not missing
