"""In-place ops inside a graph (recorded as PyTorch records them) and tensor hooks, checked
against hand-derived gradients and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck


def test_augmented_assignment_in_a_graph_gives_the_hand_derived_gradient():
    a = tg.tensor([0.5, 1.5, 2.5], requires_grad=True)
    y = a * 2
    z = y * 3  # made before the change: it saw y = 2a
    y += 1
    y *= a  # y = (2a + 1) a
    (y + z).sum().backward()
    x = a.detach().numpy()
    np.testing.assert_allclose(a.grad.numpy(), 4 * x + 1 + 6, rtol=1e-14)
    assert y.grad_fn.name() == "MulBackward" and not y.is_leaf


def test_inplace_chain_matches_finite_differences():
    def f(a):
        y = a * 1.0
        y.exp_()
        y.mul_(a)
        y[0] = a[1] * a[2]
        y += a.sum()
        return y
    assert gradcheck(f, (tg.tensor([0.3, -0.7, 1.1], requires_grad=True),))


def test_inplace_on_a_leaf_that_requires_grad_is_refused_and_the_leaf_is_unchanged():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        a += 1
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        a.exp_()
    assert a.tolist() == [1.0, 2.0] and a.is_leaf and a._version == 0


def test_a_saved_value_changed_in_place_raises_at_backward_not_before():
    a = tg.tensor([0.5, 1.0], requires_grad=True)
    y = a.exp()  # Exp saves its output
    y += 1  # allowed now
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_multiplying_by_a_constant_saves_nothing_that_a_later_change_can_spoil():
    a = tg.tensor([0.5, 1.0], requires_grad=True)
    y = a * 2
    z = y * 3  # needs only the constant 3 for y's gradient
    y += 1
    (z + y).sum().backward()
    assert a.grad.tolist() == [8.0, 8.0]


def test_in_place_under_no_grad_writes_without_a_node():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    with tg.no_grad():
        y.add_(1)
    assert y.tolist() == [3.0, 5.0] and y.grad_fn.name() == "MulBackward"


def test_a_constant_becomes_part_of_the_graph_when_a_value_that_requires_grad_is_written_in():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    buf = tg.zeros(3)
    buf[1:] = a * a
    buf.sum().backward()
    assert a.grad.tolist() == [2.0, 4.0]


def test_setitem_strips_leading_size_one_axes():
    x = tg.zeros(3)
    x[1] = tg.tensor([[2.5]])
    assert x.tolist() == [0.0, 2.5, 0.0]


def test_lossy_inplace_cast_is_refused_and_the_value_is_unchanged():
    x = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        x += 1.5
    assert x.tolist() == [1, 2]


def test_the_in_place_rule_gives_every_listed_method_an_in_place_twin():
    from tinygrad_edu.functions import INPLACE
    for name in INPLACE:
        if hasattr(tg.Tensor, name):
            assert hasattr(tg.Tensor, name + "_"), name
    x = tg.tensor([-1.0, 4.0])
    assert x.abs_() is x and x.tolist() == [1.0, 4.0]
    assert x.sqrt_().tolist() == [1.0, 2.0]


def test_hooks_replace_a_gradient_see_a_leaf_gradient_and_can_be_removed():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    y = a * 3
    y.register_hook(lambda g: g * 10)
    h = a.register_hook(lambda g: seen.append(g.tolist()))
    (y * y).sum().backward()  # d/dy = 2y = 6a, times 10, times 3
    assert a.grad.tolist() == [180.0, 360.0] and seen == [[180.0, 360.0]]
    h.remove()
    a.grad = None
    (a * a).sum().backward()
    assert a.grad.tolist() == [2.0, 4.0] and len(seen) == 1


def test_hook_errors():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tg.tensor([1.0]).register_hook(lambda g: g)
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    y.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="changed the size"):
        y.sum().backward()
    assert a.grad is None


def test_anomaly_mode_lets_minus_inf_through_a_masked_softmax_and_catches_a_nan_gradient():
    x = tg.tensor([[0.5, 1.0, 2.0]], requires_grad=True)
    mask = tg.tensor([[False, True, False]])
    with tg.autograd.detect_anomaly():
        p = x.masked_fill(mask, float("-inf")).softmax(-1)
        (p * tg.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        assert x.grad.numpy()[0, 1] == 0.0
        w = tg.tensor([-1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="returned nan values in its 0th"), np.errstate(all="ignore"):
            w.sqrt().sum().backward()


def test_explain_and_the_drawings_show_where_a_hook_changed_a_gradient():
    import io

    from tinygrad_edu import viz
    w = tg.tensor(2.0, requires_grad=True)
    y = w * 3
    y.register_hook(lambda g: g * 10)
    loss = y * y
    out = io.StringIO()
    tg.explain(loss, file=out)
    assert "dL/dy = 6 + 6 = 12, replaced by a hook (register_hook) with 120" in out.getvalue()
    assert "w.grad = 360" in out.getvalue()
    w.grad = None
    y = w * 3
    y.register_hook(lambda g: g * 10)
    (y * y).backward()
    assert "grad 120 (set by a hook)" in viz.to_text(y * 1) or "(set by a hook)" in viz.to_dot(y)
    out = io.StringIO()
    w.grad = None
    y = w * 3
    y.register_hook(lambda g: None)  # looks, changes nothing: no mark
    tg.explain(y * y, file=out, lang="zh")
    assert "钩子" not in out.getvalue()
