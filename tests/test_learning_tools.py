"""explain (backward as a table) and viz (DOT, drawing, text tree)."""

import re
import shutil
import xml.dom.minidom

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import viz


def seed000_cost():
    w = tg.tensor(1.0, requires_grad=True, name="w")
    x = tg.tensor([1.0, 2.0, 3.0], name="x")
    y = tg.tensor([2.0, 4.0, 6.0], name="y")
    cost = ((w * x - y) ** 2).mean()
    cost.name = "cost"
    return w, cost


def test_explain_seed000_first_epoch(capsys):
    w, cost = seed000_cost()
    rows = tg.explain(cost)
    out = capsys.readouterr().out
    assert out.rstrip().endswith("w.grad = -9.333333333333334")  # the post's number
    assert [r.op for r in rows] == ["MeanBackward", "PowBackward", "SubBackward", "MulBackward", "leaf"]
    np.testing.assert_allclose(rows[1].upstream, [1 / 3] * 3)  # 1/N from the mean
    np.testing.assert_allclose(rows[1].inputs[0].local, [-2.0, -4.0, -6.0])  # 2(wx - y)
    np.testing.assert_allclose(rows[3].upstream, [-2 / 3, -4 / 3, -2.0])
    assert rows[3].inputs[0].label == "w" and rows[3].inputs[0].formula == "dt1/dw = x"
    assert rows[-1].is_leaf and rows[-1].upstream == w.grad == -9.333333333333334
    # w was broadcast over x: the three products are shown before they are summed
    assert "dL/dw = upstream * x = [-2/3, -8/3, -6] -> summed: -28/3" in out


def test_explain_tanh_of_affine(capsys):
    a = tg.tensor(0.5, requires_grad=True, name="a")
    b = tg.tensor(-1.5, requires_grad=True, name="b")
    c = tg.tensor(0.25, requires_grad=True, name="c")
    z = (a * b + c).tanh()
    rows = tg.explain(z, show=False)
    t = np.tanh(0.5 * -1.5 + 0.25)
    assert rows[0].op == "TanhBackward" and rows[0].inputs[0].local == pytest.approx(1 - t**2)
    grads = {r.label: r.upstream for r in rows if r.is_leaf}
    assert grads["a"] == pytest.approx((1 - t**2) * -1.5)
    assert grads["b"] == pytest.approx((1 - t**2) * 0.5)
    assert grads["c"] == pytest.approx(1 - t**2)
    assert a.grad == grads["a"]


def test_explain_shows_accumulation_at_a_diamond(capsys):
    a = tg.tensor(2.0, requires_grad=True, name="a")
    b = a + a
    b.name = "b"
    c = b + b
    rows = tg.explain(c)
    out = capsys.readouterr().out
    b_row = next(r for r in rows if r.label == "b")
    assert [float(p) for p in b_row.upstream_parts] == [1.0, 1.0] and b_row.upstream == 2.0
    assert "upstream = dL/db = 1 + 1 = 2   (b is used 2 times: the gradients add up)" in out
    assert "a.grad = 2 + 2 = 4" in out


def test_explain_small_mlp_rows_and_compact_arrays(capsys):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 1))
    x = tg.linspace(-1, 1, 50).unsqueeze(1)
    loss = nn.MSELoss()(model(x), x * x)
    rows = tg.explain(loss)
    out = capsys.readouterr().out
    ops = [r.op for r in rows if not r.is_leaf]
    assert ops == ["MSEFunctionBackward", "LinearFunctionBackward", "ReLUBackward",
                   "LinearFunctionBackward"]
    leaves = [r for r in rows if r.is_leaf]
    assert len(leaves) == 4
    for r in leaves:  # the table's gradients are the ones backward stored
        match = [p for p in model.parameters() if p.detach().numpy() is r.value]
        assert match and np.array_equal(match[0].grad, r.upstream)
    assert "(50, 8) [" in out and "..." in out  # arrays print as shape plus a few values
    assert max(len(line) for line in out.splitlines()) < 200


def test_to_dot_is_well_formed_and_complete():
    w, cost = seed000_cost()
    viz.backward(cost)
    dot = viz.to_dot(cost)
    nodes = set(re.findall(r"^\s+(v\d+|op\d+) \[", dot, re.M))
    edges = re.findall(r"^\s+(\w+) -> (\w+);", dot, re.M)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert all(a in nodes and b in nodes for a, b in edges)
    values = viz.graph_nodes(cost)
    n_ops = sum(v.grad_fn is not None for v in values)
    # 5 values with grad, the constants x and y, 4 ops, and the 2 of ** 2 as a number node
    assert len(nodes) == len(values) + n_ops == 7 + 4
    assert re.search(r'c\d+_1 \[shape=plaintext, label="2"\]', dot)
    assert '"*  Mul"' in dot and '"**  Pow"' in dot and "w = 1\\ngrad -28/3" in dot
    assert 'label="x = [1, 2, 3]\\nconstant"' in dot
    assert re.search(r'v\d+ -> op\d+ \[label="a"\]', dot)  # err - y: the operands are named
    assert "rankdir=TB" in dot and 'size="' in dot
    assert "grad [1/3, 1/3, 1/3]" in dot  # a value in between, without retain_grad
    w, cost = seed000_cost()
    cost.backward()  # a plain backward frees what Pow saved: the exponent is no longer known
    assert 'label="a number"' in viz.to_dot(cost)


def test_to_text_tree():
    a = tg.tensor(2.0, requires_grad=True, name="a")
    b = a * a
    text = viz.to_text(b + b)
    assert text.splitlines()[0].startswith("+  Add: 8")
    assert "(shared, see line 2)" in text and "a = 2" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_draw_writes_valid_svg_and_png(tmp_path):
    w, cost = seed000_cost()
    cost.backward()
    svg = viz.draw(cost, str(tmp_path / "g.svg"))
    doc = xml.dom.minidom.parse(svg)
    assert doc.documentElement.tagName == "svg"
    png = viz.draw(cost, str(tmp_path / "g.png"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_draw_without_dot_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    w, cost = seed000_cost()
    with pytest.raises(RuntimeError, match="Install Graphviz"):
        viz.draw(cost, str(tmp_path / "g.svg"))
