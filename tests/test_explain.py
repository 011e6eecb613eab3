"""explain's table can be checked by hand: the blog's cost at w = 0.5, worked out independently.

cost = mean((w x - y)^2) with x = [1, 2, 3], y = [2, 4, 6], w = 0.5:
w x - y = [-1.5, -3, -4.5]; dcost/d(wx - y) = 2 (wx - y) / 3 = [-1, -2, -3];
times x: [-1, -4, -9], summed: -14.
"""

import io
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


def blog_cost(w0=0.5):
    w = tg.tensor(w0, requires_grad=True)
    x = tg.tensor([1.0, 2.0, 3.0])
    y = tg.tensor([2.0, 4.0, 6.0])
    y_pred = w * x
    cost = ((y_pred - y) ** 2).mean()
    return w, x, y, y_pred, cost




def test_blog_cost_at_half_reads_like_a_hand_computation():
    w, x, y, y_pred, cost = blog_cost()
    out = io.StringIO()
    rows = tg.explain(cost, file=out)
    text = out.getvalue()
    errors = np.array([0.5, 1.0, 1.5]) - np.array([2.0, 4.0, 6.0])
    upstream = 2 * errors / 3
    assert upstream.tolist() == [-1.0, -2.0, -3.0]
    products = upstream * np.array([1.0, 2.0, 3.0])
    assert products.tolist() == [-1.0, -4.0, -9.0] and products.sum() == -14.0
    # names come from the caller's variables; the op is written with them
    assert "y_pred = w * x = [0.5, 1, 1.5]" in text
    assert "constant x = [1, 2, 3]" in text
    assert "constant y = [2, 4, 6]" in text
    assert "dL/dw = upstream * x = [-1, -4, -9] -> summed: -14" in text
    assert text.rstrip().endswith("w.grad = -14")
    assert w.grad.item() == -14.0
    # one notation, defined once at the top; the old undefined "g" and "x local" are gone
    assert text.count("Notation: dL/dv is the derivative of L") == 1
    assert "backward of L = cost: 4 nodes" in text
    assert " g " not in text and "upstream x local" not in text
    # the mean's 1/n prints as a fraction, so that the numbers multiply out exactly
    assert "t1 = y_pred - y = [-1.5, -3, -4.5]" in text and "t2 = t1 ** 2 = [2.25, 9, 20.25]" in text
    assert "local dcost/dt2 = 1/n = [1/3, 1/3, 1/3]" in text
    assert "upstream = dL/dt2 = [1/3, 1/3, 1/3]" in text
    assert "local dt2/dt1 = 2 * t1^(2-1) = [-3, -6, -9]" in text
    assert "dL/dt1 = upstream * local = [-1, -2, -3]" in text
    mul = next(r for r in rows if r.label == "y_pred")
    assert mul.expression == "w * x"
    np.testing.assert_array_equal(mul.inputs[0].products, products)
    assert mul.inputs[0].sent == -14.0


def test_name_argument_wins_over_variables():
    w = tg.tensor(0.5, requires_grad=True, name="weight")
    z = w * 3.0
    z.name = "z"
    out = io.StringIO()
    tg.explain(z, file=out)
    text = out.getvalue()
    assert "z = weight * 3 = 1.5" in text
    assert "backward of L = z: 1 node," in text  # singular
    assert "weight.grad = 3" in text


def test_shared_non_leaf_shows_the_sum_of_its_parts():
    a = tg.tensor(1.5, requires_grad=True)
    b = a * a
    c = b * b + b
    out = io.StringIO()
    tg.explain(c, file=out)
    text = out.getvalue()
    # dc/db = 2b + 1 = 5.5 arrives in two parts: 1 (from + b) and 2.25 + 2.25 (from b * b)
    assert "upstream = dL/db = 1 + 2.25 + 2.25 = 5.5   (b is used 3 times" in text
    assert "a.grad = 8.25 + 8.25 = 16.5" in text
    assert a.grad.item() == pytest.approx(2 * 1.5 * (2 * 1.5**2 + 1))


def test_matmul_rows_name_the_matrix_products():
    A = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    W = tg.tensor([[1.0, 0.0], [-1.0, 2.0]], requires_grad=True)
    total = (A @ W).sum()
    out = io.StringIO()
    tg.explain(total, file=out)
    text = out.getvalue()
    assert "dL/dA = upstream @ W^T = (2, 2) [1, 1, 1, 1]" in text  # ones @ W^T: row sums of W
    assert "dL/dW = A^T @ upstream = (2, 2) [4, 4, 6, 6]" in text  # A^T @ ones: column sums of A
    assert "upstream x local" not in text


def test_model_parameters_are_named_and_linear_can_be_unfused():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    x = tg.tensor([[1.0, -1.0], [0.5, 2.0]])
    loss = model(x).sum()
    out = io.StringIO()
    tg.explain(loss, model=model, retain_graph=True, file=out)
    fused = out.getvalue()
    assert "linear(x, 0.weight, 0.bias)" in fused and "linear(t2, 2.weight, 2.bias)" in fused
    assert "2.bias.grad = [2]" in fused  # d sum / d bias: one per row of the batch
    for p in model.parameters():
        p.grad = None
    out = io.StringIO()
    tg.explain(loss, model=model, unfuse=True, file=out)
    unfused = out.getvalue()
    assert "t1 = x @ 0.weight^T + 0.bias" in unfused
    assert "dL/d2.bias = upstream summed over the batch = [2]" in unfused
    assert "dL/d0.weight = upstream^T @ x" in unfused


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_lang_zh_prints_the_table_in_chinese_with_the_same_numbers():
    def table(lang):
        x, y = tg.tensor([1.0, 2.0, 3.0]), tg.tensor([2.0, 4.0, 6.0])
        w = tg.tensor(1.0, requires_grad=True)
        A = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        sse = ((w * x - y) ** 2).sum() + (A @ A).sum() * w
        out = io.StringIO()
        tg.explain(sse, file=out, lang=lang)
        return out.getvalue()

    en, zh = table("en"), table("zh")
    number = re.compile(r"-?\d+(?:\.\d+)?")
    assert number.findall(zh.replace("dL/dL = 1", "")) == number.findall(en.replace("dL/dL = 1", ""))
    assert "反向传播" in zh and "上游" in zh and "局部导数" in zh and "叶子节点的梯度" in zh
    assert "upstream @" not in zh and "leaf gradients" not in zh and "summed" not in zh
    assert "w.grad = " in zh  # code names stay as they are
    for line in zh.splitlines():  # Chinese punctuation inside Chinese text
        assert not re.search(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", line), line
    assert CJK.search(zh) and not CJK.search(en)
    with pytest.raises(ValueError, match="lang"):
        tg.explain(tg.tensor(1.0, requires_grad=True) * 2, lang="fr")
