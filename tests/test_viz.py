"""viz: every value's gradient in the drawing, without retain_grad and without changing backward."""

import html
import re
import shutil
import warnings

import pytest

import tinygrad_edu as tg
from tinygrad_edu import viz


def square_twice():
    a = tg.tensor(1.5, requires_grad=True, name="a")
    b = a * a
    b.name = "b"
    c = b * b
    c.name = "c"
    return a, b, c


def label_of(dot, name):
    return re.search(r'label="(' + re.escape(name) + r' = [^"]*)"', dot).group(1)


def test_viz_backward_shows_the_gradient_of_a_value_in_between():
    a, b, c = square_twice()
    viz.backward(c)
    dot = viz.to_dot(c)
    # dc/db = 2b = 2 * 2.25 = 4.5; dc/da = 2b * 2a = 4.5 * 3 = 13.5
    assert label_of(dot, "b") == "b = 2.25\\ngrad 4.5"
    assert label_of(dot, "a") == "a = 1.5\\ngrad 13.5"
    assert label_of(dot, "c") == "c = 5.0625\\ngrad 1"
    assert a.grad.item() == 13.5
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert b.grad is None  # PyTorch's semantics are untouched: no .grad on b
    assert caught and "not a leaf" in str(caught[0].message)


def test_to_dot_backward_true_is_the_same_in_one_call():
    a, b, c = square_twice()
    dot = viz.to_dot(c, backward=True)
    assert "b = 2.25\\ngrad 4.5" in dot and a.grad.item() == 13.5
    assert "grad 4.5" in viz.to_text(c)


def test_after_plain_backward_every_gradient_is_drawn():
    a, b, c = square_twice()
    b.retain_grad()
    c.backward()
    dot = viz.to_dot(c)
    assert label_of(dot, "b") == "b = 2.25\\ngrad 4.5"  # retained: .grad
    assert label_of(dot, "c") == "c = 5.0625\\ngrad 1"  # not retained: what its node received
    assert label_of(dot, "a") == "a = 1.5\\ngrad 13.5"
    assert c.grad_fn.received == 1.0


def test_a_second_viz_backward_accumulates_like_backward():
    a, b, c = square_twice()
    viz.backward(c, retain_graph=True)
    viz.backward(c)
    assert a.grad.item() == 27.0  # 13.5 twice, as two c.backward() calls would give
    assert "b = 2.25\\ngrad 4.5" in viz.to_dot(c)  # the latest walk's gradient, not a sum


def test_ops_constants_and_operand_order_are_labelled():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    W = tg.tensor([[1.0, 0.0], [0.0, 2.0]], name="W")
    z = (W @ x - 1.0) / x ** 2
    dot = viz.to_dot(z.sum(), backward=True)
    for op in ('"@  MatMul"', '"-  Sub"', '"/  Div"', '"**  Pow"', '"Sum"'):
        assert op in dot
    assert 'W = (2, 2) [1, 0, 0, 2]\\nconstant"' in dot  # a constant is a node of its own
    assert len(re.findall(r'-> op\d+ \[label="A"\]', dot)) == 1
    assert len(re.findall(r'-> op\d+ \[label="b"\]', dot)) == 3  # - b, / b, ** b
    assert 'label="2"' in dot  # the exponent, a plain number the op saved
    assert 'label="1"' in dot  # the 1.0 of "- 1.0", worked out from the output
    assert "value |" not in dot and "| value" not in dot


def test_unnamed_values_show_just_their_number():
    dot = viz.to_dot(tg.tensor(2.0, requires_grad=True) * 3.0, backward=True)
    assert 'label="6\\ngrad 1"' in dot and 'label="2\\ngrad 3"' in dot


def test_values_are_named_by_the_callers_variables():
    w = tg.tensor(2.0, requires_grad=True)
    z = w * 3.0
    dot = viz.to_dot(z, backward=True)
    assert 'label="z = 6\\ngrad 1"' in dot and 'label="w = 2\\ngrad 3"' in dot
    assert viz.to_text(z).splitlines()[1:] == ["├─ leaf: w = 2  grad 3", "└─ number: 3"]


def test_to_text_shows_the_python_numbers_an_op_took():
    w = tg.tensor(1.0, requires_grad=True)
    c = (w * 3.0 + 1.0) ** 2
    assert viz.to_text(c).splitlines() == [
        "**  Pow: c = 16", "├─ +  Add: 4", "│  ├─ *  Mul: 3", "│  │  ├─ leaf: w = 1", "│  │  └─ number: 3",
        "│  └─ number: 1", "└─ number: 2"]
    c.backward()  # Mul no longer holds the 3 it saved; viz.backward would have kept it
    assert "number (its value was freed by backward; viz.backward keeps it)" in viz.to_text(c)


def test_backward_refuses_a_value_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        viz.backward(tg.tensor(1.0))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_is_narrow_enough_for_a_page_column():
    w = tg.tensor(0.5, requires_grad=True, name="w")
    x, y = tg.tensor([1.0, 2.0, 3.0], name="x"), tg.tensor([2.0, 4.0, 6.0], name="y")
    svg = viz.to_svg(((w * x - y) ** 2).mean(), backward=True)
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    assert width <= 4.5 * 72 + 1  # the size attribute caps it at 4.5 inches
    assert "grad -14" in html.unescape(svg)
