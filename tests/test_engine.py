"""Contract tests of the engine: accumulation, diamonds, retain_graph, no_grad, detach, non-leaf
grads, the deep chain, and the analytic formulas from the blogs."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Value, no_grad


def test_reused_node_accumulates():
    x = tg.tensor(3.0, requires_grad=True)
    (x * x).backward()
    assert x.grad == 6.0  # early tinygrad overwrote instead of adding and got 3


def test_diamond_and_repeated_use():
    a = tg.tensor(2.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    x = tg.tensor(1.5, requires_grad=True)
    left, right = x * 2.0, x.exp()
    (left * right).backward()  # d/dx 2x e^x = 2e^x + 2x e^x
    assert np.isclose(x.grad, 2 * np.exp(1.5) * (1 + 1.5), rtol=1e-15)


def test_gradients_accumulate_across_backward_calls():
    w = tg.tensor([1.0, -2.0], requires_grad=True)
    for _ in range(3):
        (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad, 3 * 2 * np.array([1.0, -2.0]))


def test_blog_cost_gradient_matches_hand_formula():
    # seed 000: cost = mean((w*x - y)^2), dcost/dw = mean(2*x*(w*x - y))
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([2.0, 4.0, 6.0])
    for w0 in (1.0, 1.5, 2.5, -0.3):
        w = tg.tensor(w0, requires_grad=True)
        ((w * x - y) ** 2).mean().backward()
        hand = np.mean(2 * x * (w0 * x - y))
        assert w.grad == pytest.approx(hand, rel=1e-15, abs=1e-15)
    w = tg.tensor(1.0, requires_grad=True)
    ((w * x - y) ** 2).mean().backward()
    assert w.grad == -9.333333333333334  # the post's printed number, to the last bit


@given(st.floats(-5, 5), st.floats(-5, 5))
def test_analytic_formulas_of_composites(a, b):
    x = tg.tensor(a, requires_grad=True)
    y = tg.tensor(b, requires_grad=True)
    z = (x * y + x.sin()) * y.exp()
    z.backward()
    assert x.grad == pytest.approx((b + np.cos(a)) * np.exp(b), rel=1e-12, abs=1e-12)
    assert y.grad == pytest.approx((a + a * b + np.sin(a)) * np.exp(b), rel=1e-12, abs=1e-12)


def test_retain_graph_allows_a_second_backward():
    x = tg.tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == 2 * 12.0


def test_second_backward_through_freed_graph_raises_pytorch_error():
    x = tg.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_non_scalar_backward_needs_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(tg.tensor([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [3.0, 30.0])


def test_backward_when_nothing_requires_grad():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        (tg.tensor(1.0) * 2).backward()


def test_no_grad_context_and_decorator():
    w = tg.tensor(1.0, requires_grad=True)
    with no_grad():
        y = w * 2
    assert y.grad_fn is None and not y.requires_grad

    @no_grad()
    def f(v):
        return v * 2

    assert not f(w).requires_grad
    with no_grad():
        with tg.enable_grad():
            assert (w * 2).requires_grad
    assert (w * 2).requires_grad


def test_inplace_update_under_no_grad_and_error_outside():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    assert w.is_leaf and w.requires_grad
    leaf_msg = "a leaf Variable that requires grad is being used in an in-place operation"
    with pytest.raises(RuntimeError, match=leaf_msg):
        w += 1
    np.testing.assert_allclose(w.data, [0.8, 1.6])  # untouched by the failed op


def test_inplace_on_scalar_value_under_no_grad():
    w = tg.tensor(1.0, requires_grad=True)
    w.grad = 2.0
    with no_grad():
        w -= 0.5 * w.grad
    assert w.item() == 0.0 and w.dtype == np.float64


def test_detach_shares_memory_and_cuts_the_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert d.is_leaf and not d.requires_grad
    e = x.detach()
    e.data[0] = 5.0
    assert x.data[0] == 5.0


def test_non_leaf_grad_is_none_with_warning_unless_retained():
    x = tg.tensor(2.0, requires_grad=True)
    h = x * 3
    k = x * 4
    k.retain_grad()
    (h * k).backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert h.grad is None
    assert k.grad == 6.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad == 2 * 3 * 4 * 2.0


def test_deep_chain_without_recursion():
    limit = sys.getrecursionlimit()
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() == limit


@pytest.mark.slow
def test_million_deep_chain():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0


def test_dtype_rules():
    assert tg.tensor(1.5).dtype == np.float64
    assert tg.tensor([1, 2]).dtype == np.int64
    assert tg.tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
    x32 = tg.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    y = (x32 * 2.5).sum()  # a Python float does not promote float32
    assert y.dtype == np.float32
    y.backward()
    assert x32.grad.dtype == np.float32
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        tg.tensor([1, 2]).requires_grad_()


def test_value_api_and_repr():
    w = Value(2.0, requires_grad=True, name="w")
    assert repr(tg.tensor(2.0)) == "tensor(2.)"
    assert repr(tg.tensor([[0.71969]])) == "tensor([[0.7197]])"
    y = w * 3
    assert repr(y) == "tensor(6., grad_fn=<MulBackward>)"
    assert y.grad_fn.name() == "MulBackward"
    assert tg.tensor([1.0, 2.0]).shape == (2,)
    assert tg.tensor([[1.0, 2.0]]).size(1) == 2 and tg.tensor([[1.0, 2.0]]).numel() == 2
    assert tg.tensor(3.5).item() == 3.5 and isinstance(tg.tensor(3.5).item(), float)
    assert tg.tensor([1.0, 2.0], dtype=tg.float32).float().dtype == np.float32
    assert tg.tensor([1.0]).double().dtype == np.float64
    assert f"{tg.tensor(0.123456):.3f}" == "0.123"
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        tg.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        w.numpy()
    assert w.detach().numpy() == 2.0


def test_ops_accept_numbers_and_arrays_on_either_side():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0])
    for y in (2 + x, x + 2, a * x, x * a, 1 / x, x / a, 2**x, x**2, a - x, x @ a, a @ x):
        assert isinstance(y, Value) and y.requires_grad
    (a * x).sum().backward()
    np.testing.assert_array_equal(x.grad, a)
    assert isinstance(np.exp(x), Value) and np.exp(x).grad_fn.name() == "ExpBackward"


def test_import_pulls_in_nothing_heavier_than_numpy():
    code = ("import sys, tinygrad_edu; heavy = {'torch', 'hypothesis', 'matplotlib', 'scipy', "
            "'tqdm', 'pandas', 'pytest'} & {m.split('.')[0] for m in sys.modules}; print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_failed_backward_leaves_grads_untouched():
    # found by the stateful fuzz: the Add branch (nothing saved) used to reach the leaf before
    # the freed Mul node raised, so p.grad came out 3 instead of 2
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (p * 1.0 + p).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()
    assert p.grad.tolist() == [2.0, 2.0]
