"""In-place ops inside a graph, and tensor hooks, side by side with PyTorch: values, gradients,
which node a value ends on, and the errors (a leaf that requires grad; saved data changed)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from conformance.conftest import catch, check, check_raises, f64  # noqa: E402

COVERED = {"Tensor methods": ["register_hook", "add_", "sub_", "mul_", "div_", "copy_", "fill_", "zero_",
                              "abs_", "exp_", "clamp_", "relu_", "sigmoid_", "tanh_", "neg_", "sqrt_",
                              "masked_fill_", "pow_"]}


def _grads(T, build):
    a = f64(T, [0.5, 1.5, 2.5], requires_grad=True)
    out = build(T, a)
    out.sum().backward()
    return out, a.grad


def _inplace_chain(T, a):
    y = a * 2
    z = y * 3  # made before the change: its gradient goes to y's earlier node
    y += 1
    y *= a
    y -= a / 4
    y /= 2
    return y + z


def test_augmented_assignment_on_a_value_in_a_graph_is_recorded():
    check(lambda T: _grads(T, _inplace_chain))


@pytest.mark.parametrize("name", ["abs_", "exp_", "relu_", "sigmoid_", "tanh_", "neg_", "sqrt_"])
def test_unary_inplace_methods_on_a_non_leaf(name):
    check(lambda T: _grads(T, lambda T, a: getattr(a * 1.0, name)() * a))


def test_clamp_masked_fill_pow_copy_fill_zero_inplace_on_non_leaves():
    def build(T, a):
        y = (a * 2).clamp_(1.5, 4.0)
        y.masked_fill_(a > 2, 0.25)
        y.pow_(2)
        w = a * 0.0
        w.copy_(y * a)
        v = (a * 1.0).fill_(3.0)
        u = (a * 1.0).zero_()
        return w + v + u
    check(lambda T: _grads(T, build))


def test_add_sub_mul_div_methods_with_alpha_in_a_graph():
    check(lambda T: _grads(T, lambda T, a: (a * 1.0).add_(a, alpha=2).sub_(a * a, alpha=0.5).mul_(a).div_(3)))


def test_setitem_on_a_non_leaf_records_the_write():
    def build(T, a):
        y = a * 2
        y[0] = a[2] * 5
        y[1:] += a[:2] * a[1:]
        return y
    check(lambda T: _grads(T, build))


def test_setitem_strips_leading_size_one_axes_of_the_value():
    def program(T):
        x = T.zeros(4, dtype=T.float64)
        x[1] = f64(T, [[2.5]])
        x[2:] = f64(T, [[[1.0, 2.0]]])
        return x
    check(program)


def test_a_saved_output_changed_in_place_raises_at_backward():
    def program(T):
        a = f64(T, [0.5, 1.0], requires_grad=True)
        y = a.exp()
        y += 1
        y.sum().backward()
    check_raises(program, "modified by an inplace operation")


def test_inplace_on_a_leaf_that_requires_grad_is_refused_and_leaves_it_unchanged():
    def program(T):
        a = f64(T, [0.5, 1.0], requires_grad=True)
        err = catch(lambda: a.add_(1))
        return err, a.detach(), a.grad_fn is None
    ours, ref = __import__("conformance.conftest", fromlist=["run_both"]).run_both(program)
    from conformance.conftest import assert_same, assert_same_error
    assert_same_error(ours[0], ref[0], "leaf Variable that requires grad", "in-place operation")
    assert_same(ours[1:], ref[1:])


def test_lossy_inplace_cast_is_refused():
    check_raises(lambda T: T.tensor([1, 2]).add_(1.5), "can't be cast to the desired output type")


def test_the_value_ends_on_the_inplace_node():
    def program(T):
        a = f64(T, [0.5, 1.0], requires_grad=True)
        y = a * 2
        before = y.grad_fn.name().rstrip("0123456789")
        y.exp_()
        return before, y.grad_fn.name().rstrip("0123456789"), y.is_leaf, y.requires_grad
    check(program)


def test_hook_replaces_a_non_leaf_gradient_and_sees_a_leaf_gradient():
    def program(T):
        a = f64(T, [0.5, 1.0, 2.0], requires_grad=True)
        seen = []
        y = a * 3
        y.register_hook(lambda g: g * 10)
        h = a.register_hook(lambda g: seen.append(g.detach().clone()))
        (y * y).sum().backward()
        first = a.grad.clone()
        h.remove()
        a.grad = None
        (a * a).sum().backward()
        return first, seen, a.grad
    check(program)


def test_hook_on_a_value_that_does_not_require_grad_is_refused():
    check_raises(lambda T: f64(T, [1.0]).register_hook(lambda g: g),
                 "cannot register a hook on a tensor that doesn't require gradient")


def test_hook_that_changes_the_shape_is_refused():
    def program(T):
        a = f64(T, [0.5, 1.0], requires_grad=True)
        y = a * 2
        y.register_hook(lambda g: g.sum())
        y.sum().backward()
    check_raises(program, "hook", "size")


def test_masked_fill_with_minus_inf_before_softmax_under_anomaly_mode():
    def program(T):
        x = f64(T, [[0.5, 1.0, 2.0], [1.0, -1.0, 0.0]], requires_grad=True)
        mask = T.tensor([[False, True, False], [False, False, True]])
        with T.autograd.detect_anomaly():
            p = x.masked_fill(mask, float("-inf")).softmax(-1)
            (p * f64(T, [[1.0, 2.0, 3.0], [3.0, 1.0, 2.0]])).sum().backward()
        return p, x.grad
    check(program)


def test_anomaly_mode_names_the_backward_that_returned_nan():
    def program(T):
        x = f64(T, [-1.0, 4.0], requires_grad=True)
        with T.autograd.detect_anomaly():
            y = x.sqrt()
            y.sum().backward()
    check_raises(program, "SqrtBackward", "returned nan values in its 0th output")
