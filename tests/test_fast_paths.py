"""The shortcuts taken for speed keep PyTorch's semantics: a first gradient is taken without a copy
only when nothing else holds it, in-place ops on arrays write into the same memory, and SGD's
in-place update gives the same numbers as the formula."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


def _arr(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def test_two_leaves_fed_the_same_gradient_get_their_own_copies():
    a = tg.tensor(_arr(3), requires_grad=True)
    b = tg.tensor(_arr(3, seed=1), requires_grad=True)
    (a + b).backward(tg.tensor(np.ones(3)))  # Add sends the same array to both
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0, 1.0]


def test_a_leaf_gradient_never_shares_memory_with_what_a_node_received():
    a = tg.tensor(_arr(3), requires_grad=True)
    c = tg.tensor(_arr(3, seed=1), requires_grad=True) * 2.0
    y = a + c
    y.backward(tg.tensor(np.full(3, 2.0)), retain_graph=True)
    received = [y.grad_fn.received, c.grad_fn.received]
    for r in received:
        assert not np.shares_memory(a.grad.numpy(), r)
    y.backward(tg.tensor(np.full(3, 2.0)))  # accumulates into a.grad in place
    assert a.grad.tolist() == [4.0, 4.0, 4.0]
    assert [r.tolist() for r in received] == [[2.0] * 3, [2.0] * 3]


def test_the_users_gradient_array_is_copied_not_kept():
    x = tg.tensor(_arr(4), requires_grad=True)
    g = np.arange(4.0)
    x.backward(g)
    assert not np.shares_memory(x.grad.numpy(), g)
    x.grad.zero_()
    assert g.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_a_gradient_that_is_a_view_is_copied():
    x = tg.tensor(_arr(2, 3), requires_grad=True)
    x.sum().backward()  # the backward of sum broadcasts: a read-only view
    assert x.grad.numpy().flags.writeable and x.grad.numpy().base is None
    x.grad.add_(1.0)
    assert x.grad.tolist() == [[2.0] * 3] * 2


def test_a_fresh_gradient_is_kept_and_is_right():
    w = tg.tensor(_arr(3, 2), requires_grad=True)
    x = _arr(4, 2, seed=2)
    up = _arr(4, 3, seed=3)
    (tg.tensor(x) @ w.T).backward(tg.tensor(up))
    np.testing.assert_allclose(w.grad.numpy(), up.T @ x, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op, fn", [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                                    ("div", np.true_divide)])
def test_inplace_operators_on_arrays_write_into_the_same_memory(op, fn):
    data = _arr(2, 3) + 3.0
    other = _arr(3, seed=1) + 3.0
    x = tg.tensor(data.copy())
    view = x[0]  # a view sharing memory
    before = x.numpy()
    version = x._version
    if op == "add":
        x += other
    elif op == "sub":
        x -= other
    elif op == "mul":
        x *= other
    else:
        x /= other
    assert x.numpy() is before
    np.testing.assert_array_equal(x.numpy(), fn(data, other))
    np.testing.assert_array_equal(view.numpy(), fn(data, other)[0])
    assert x._version == version + 1


def test_inplace_operator_errors_leave_the_array_unchanged():
    x = tg.tensor(np.ones(3))
    msg = r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"
    with pytest.raises(RuntimeError, match=msg):
        x += np.ones((2, 3))
    assert x.tolist() == [1.0, 1.0, 1.0] and x._version == 0
    i = tg.tensor(np.array([1, 2, 3]))
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        i += 0.5
    assert i.tolist() == [1, 2, 3]
    e = tg.tensor(np.ones(1)).expand(3)
    with pytest.raises(RuntimeError, match="single memory location"):
        e += 1.0


def test_inplace_operator_on_a_0d_value_updates_every_sharer():
    w = tg.tensor(2.0)
    d = w.detach()
    w -= 0.5
    assert w.item() == 1.5 and d.item() == 1.5


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("settings", [{}, {"momentum": 0.9}, {"weight_decay": 0.1, "maximize": True},
                                      {"momentum": 0.5, "nesterov": True}])
def test_sgd_in_place_gives_the_formulas_numbers(dtype, settings):
    w = tg.tensor(_arr(3, 2).astype(dtype), requires_grad=True)
    alias = w.detach()  # shares memory: must see every update
    opt = tg.optim.SGD([w], lr=0.1, **settings)
    expected, buf = alias.numpy().copy(), None
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        g = w.grad.numpy().copy()
        if settings.get("maximize"):
            g = -g
        g = g + settings.get("weight_decay", 0.0) * expected
        if settings.get("momentum"):
            m = settings["momentum"]
            buf = g.copy() if buf is None else m * buf + g
            g = g + m * buf if settings.get("nesterov") else buf
        expected = expected - dtype(0.1) * g if dtype is np.float32 else expected - 0.1 * g
        opt.step()
        np.testing.assert_array_equal(alias.numpy(), expected.astype(dtype))  # the alias sees it
    assert w.detach().numpy().dtype == dtype


@pytest.mark.parametrize("n", [100, 2_000_000])
def test_mse_loss_sums_float32_accurately_at_any_size(n):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(n) + 0.5).astype(np.float32)
    y = np.zeros(n, np.float32)
    d = x.astype(np.float64)
    for reduction, exact in (("sum", d @ d), ("mean", d @ d / n)):
        loss = tg.nn.functional.mse_loss(tg.tensor(x), tg.tensor(y), reduction=reduction)
        assert loss.dtype == tg.float32
        assert abs(loss.item() - exact) / exact < 2e-7  # float32 BLAS dot drifts to ~3e-6 at 2M


def test_linear_bias_gradient_is_the_batch_sum():
    rng = np.random.default_rng(6)
    for rows, dtype in ((1, np.float64), (5, np.float64), (0, np.float64), (300, np.float32)):
        lin = tg.nn.Linear(3, 2, dtype=dtype)
        x = tg.tensor(rng.standard_normal((rows, 3)).astype(dtype))
        up = rng.standard_normal((rows, 2)).astype(dtype)
        lin(x).backward(tg.tensor(up))
        tol = 1e-12 if dtype is np.float64 else 1e-5
        np.testing.assert_allclose(lin.bias.grad.numpy(), up.astype(np.float64).sum(0), rtol=tol, atol=tol)
        assert lin.bias.grad.dtype == lin.bias.dtype


def test_empty_mean_squared_error_is_nan_with_empty_gradients():
    x = tg.tensor(np.zeros((0, 3)), requires_grad=True)
    t = tg.tensor(np.zeros(3), requires_grad=True)  # broadcast against the empty input
    with pytest.warns(UserWarning), np.errstate(invalid="ignore"):
        loss = tg.nn.functional.mse_loss(x, t)
    assert np.isnan(loss.item())
    loss.backward()
    assert x.grad.shape == (0, 3) and t.grad.tolist() == [0.0, 0.0, 0.0]


def test_a_read_only_gradient_from_a_custom_op_is_copied():
    frozen = np.ones(3)
    frozen.flags.writeable = False

    class Frozen(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, grad):
            return frozen

    w = tg.tensor(np.zeros(3), requires_grad=True)
    Frozen.apply(w).sum().backward()
    w.grad.add_(1.0)  # its own writable copy
    assert w.grad.tolist() == [2.0, 2.0, 2.0] and frozen.tolist() == [1.0, 1.0, 1.0]


def test_inplace_operator_with_shapes_that_do_not_broadcast_says_so_as_pytorch_does():
    x = tg.tensor(np.zeros(3))
    msg = r"The size of tensor a \(3\) must match the size of tensor b \(4\)"
    with pytest.raises(RuntimeError, match=msg):
        x += tg.tensor(np.ones(4))
    assert x.tolist() == [0.0, 0.0, 0.0] and x._version == 0
    e = tg.tensor(np.ones(1)).expand(3)
    with pytest.raises(RuntimeError, match="single memory location"):
        e += np.ones(4)  # read-only memory is named first, as in PyTorch


def test_mse_loss_of_complex_numbers_sums_squares_not_magnitudes():
    x = np.array([1.0, 2.0j, 3.0])
    loss = tg.nn.functional.mse_loss(tg.tensor(x), tg.tensor(np.zeros(3, complex)), reduction="sum")
    assert loss.item() == 6.0  # 1 + (2j)**2 + 9, consistent with the backward's 2 (x - y)


def test_mse_loss_takes_a_numpy_input():
    out = tg.nn.functional.mse_loss(np.array([1.0, 2.0]), tg.tensor([1.0, 0.0]))
    assert isinstance(out, tg.Tensor) and out.item() == 2.0


def test_create_graph_gradients_are_copies_that_stay_differentiable():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    g = tg.tensor([1.0, 1.0])
    (a + b).backward(g, create_graph=True)  # Add hands the same gradient to both, as PyTorch copies
    assert not np.shares_memory(a.grad.detach().numpy(), b.grad.detach().numpy())
    assert not np.shares_memory(a.grad.detach().numpy(), g.numpy())
    x = tg.tensor(2.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    first = x.grad  # 3 x^2 = 12, with a graph
    x.grad = None
    first.backward()
    assert first.item() == 12.0 and x.grad.item() == 12.0  # d/dx 3 x^2 = 6 x


# ---------------------------------------------------------------- third round: small batches
@pytest.mark.parametrize("shape", [(1, 3), (3,), (1, 1, 3), (4, 3)])
def test_linear_with_one_row_matches_finite_differences_to_second_order(shape):
    """One row takes the row itself as the bias gradient; more rows the product with ones.
    Values (create_graph) go through @ rather than np.dot."""
    from tinygrad_edu.testing import gradcheck, gradgradcheck

    rng = np.random.default_rng(7)
    x = tg.tensor(rng.standard_normal(shape), requires_grad=True)
    w = tg.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = tg.tensor(rng.standard_normal(2), requires_grad=True)
    assert gradcheck(tg.nn.functional.linear, (x, w, b))
    assert gradgradcheck(tg.nn.functional.linear, (x, w, b))


def test_linear_with_one_row_gives_exact_gradients_that_share_no_memory():
    rng = np.random.default_rng(8)
    x = tg.tensor(rng.standard_normal((1, 3)), requires_grad=True)
    lin = tg.nn.Linear(3, 2, dtype=np.float64)
    up = rng.standard_normal((1, 2))
    lin(x).backward(tg.tensor(up))
    np.testing.assert_array_equal(lin.weight.grad.numpy(), up.T @ x.detach().numpy())  # one product each
    np.testing.assert_array_equal(lin.bias.grad.numpy(), up[0])
    np.testing.assert_array_equal(x.grad.numpy(), up @ lin.weight.detach().numpy())
    grads = [x.grad.numpy(), lin.weight.grad.numpy(), lin.bias.grad.numpy()]
    for i, g in enumerate(grads):
        assert g.base is None or not np.shares_memory(g, up)
        assert not any(np.shares_memory(g, h) for h in grads[i + 1:])
    lin(x).backward(tg.tensor(up))  # accumulates in place, into arrays of their own
    np.testing.assert_array_equal(lin.bias.grad.numpy(), 2 * up[0])


def test_integer_array_indexing_without_grad_is_a_copy_with_pytorchs_errors():
    data = np.arange(12.0).reshape(6, 2)
    X = tg.tensor(data.copy())
    idx = np.array([5, 0, 5, -1])
    for index in (idx, tg.tensor(idx), idx.astype(np.int32)):
        r = X[index]
        np.testing.assert_array_equal(r.numpy(), data[idx])
        assert r.dtype == X.dtype and r.grad_fn is None and not r.requires_grad
        assert not np.shares_memory(r.numpy(), X.numpy())
    r[0] = 100.0  # a copy, as in PyTorch: X is untouched
    np.testing.assert_array_equal(X.numpy(), data)
    assert tg.tensor(np.arange(3.0))[np.array(2)].item() == 2.0
    assert tg.tensor(np.arange(3.0))[np.array(2)].shape == ()
    with pytest.raises(IndexError, match="index 6 is out of bounds for dimension 0 with size 6"):
        X[np.array([6])]
    Xg = tg.tensor(data.copy(), requires_grad=True)  # recorded: GetItem, the gradient adds back
    Xg[idx].sum().backward()
    assert Xg.grad.numpy()[:, 0].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 3.0]


def test_integer_array_indexing_in_anomaly_mode_lets_a_forward_nan_through_as_pytorch():
    X = tg.tensor(np.array([1.0, np.nan, 3.0]))
    with tg.autograd.detect_anomaly():
        assert np.isnan(X[np.array([1])].numpy()).all()  # anomaly mode checks backward only


def test_three_value_inputs_record_their_parents_and_which_need_a_gradient():
    class Fma(tg.autograd.Function):
        """z = a * b + c."""

        derivative = ("dz/da = b", "dz/db = a", "dz/dc = 1")

        @staticmethod
        def forward(ctx, a, b, c):
            ctx.seen = ctx.needs_input_grad
            ctx.save_for_backward(a, b)
            return a * b + c

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_values
            return grad * b, grad * a, grad

    a = tg.tensor(2.0, requires_grad=True)
    b = tg.tensor(3.0)
    c = tg.tensor(5.0, requires_grad=True)
    z = Fma.apply(a, b, c)
    assert z.item() == 11.0 and z.grad_fn.parents == (a, b, c)
    assert z.grad_fn.needs_input_grad == (True, False, True) == z.grad_fn.seen
    z.backward()
    assert (a.grad.item(), b.grad, c.grad.item()) == (3.0, None, 1.0)
    assert Fma.apply(b, b, b).grad_fn is None
    with tg.no_grad():
        assert Fma.apply(a, b, c).grad_fn is None
    assert Fma.apply(a, 3.0, c).grad_fn.needs_input_grad == (True, False, True)  # a number among them


def test_mse_loss_with_a_list_target():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = tg.nn.functional.mse_loss(x, [1.0, 3.0])
    loss.backward()
    assert loss.item() == 0.5 and x.grad.tolist() == [0.0, -1.0]


def test_the_walk_checks_gradient_shapes_of_every_op_but_the_built_in_ones():
    """Built-in ops are checked by the catalogue, so the walk skips their shape check; a user's op,
    even one subclassing a built-in, is still checked."""
    from tinygrad_edu.ops import BUILT_IN, Mul

    assert Mul in BUILT_IN and len(BUILT_IN) == len(tg.ops.__all__)

    class BrokenMul(Mul):
        """z = a * b, with a backward that forgets to unbroadcast."""

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_values
            return grad * b, grad * a

    a = tg.tensor(_arr(3), requires_grad=True)
    b = tg.tensor(_arr(2, 3, seed=1))
    with pytest.raises(RuntimeError, match=r"BrokenMulBackward returned an invalid gradient at index 0 "
                                           r"- got \[2, 3\] but expected shape compatible with \[3\]"):
        BrokenMul.apply(a, b).sum().backward()
    assert a.grad is None
    (Mul.apply(a, b)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), _arr(2, 3, seed=1).sum(0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_shape, in_f, out_f", [((1, 1), 1, 32), ((128, 1), 1, 32), ((1, 32), 32, 32),
                                                   ((128, 32), 32, 1), ((5, 4, 3), 3, 2), ((3,), 3, 2)])
def test_linear_gives_the_numbers_of_matmul(dtype, x_shape, in_f, out_f):
    """Linear multiplies with np.dot (faster on small arrays): the same numbers as x @ W.T + b."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal(x_shape).astype(dtype)
    lin = tg.nn.Linear(in_f, out_f, dtype=dtype)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    y = lin(tg.tensor(x))
    np.testing.assert_array_equal(y.detach().numpy(), x @ w.T + b)
    up = rng.standard_normal(y.shape).astype(dtype)
    xv = tg.tensor(x, requires_grad=True)
    lin(xv).backward(tg.tensor(up))
    up2, x2 = up.reshape(-1, out_f), x.reshape(-1, in_f)
    np.testing.assert_array_equal(xv.grad.numpy(), up @ w)
    np.testing.assert_array_equal(lin.weight.grad.numpy(), up2.T @ x2)
    assert lin.weight.grad.dtype == dtype and xv.grad.dtype == dtype


def test_a_binary_node_keeps_its_inputs_without_a_tuple_for_the_collector():
    """A binary op's node holds its two inputs in slots: after a collection, nothing the node
    refers to directly is a tuple still tracked by the garbage collector (a ``(a, b)`` tuple
    holding Values would be), while ``parents`` still reads as the tuple of inputs."""
    import gc

    x = tg.tensor(0.5, requires_grad=True)
    w = tg.tensor(3.0, requires_grad=True)
    nodes = {"mul by a number": (x * 2.0).grad_fn, "number minus": (1.0 - x).grad_fn,
             "two values": (x * w).grad_fn, "pow": (x ** 2).grad_fn}
    gc.collect()
    for what, node in nodes.items():
        assert not [o for o in gc.get_referents(node) if type(o) is tuple and gc.is_tracked(o)], what
    assert nodes["mul by a number"].parents == (x, None)
    assert nodes["number minus"].parents == (None, x)
    assert nodes["two values"].parents == (x, w)
    assert (x * 2.0).exp().grad_fn.parents[0].grad_fn.parents == (x, None)  # unary: a tuple
    y = x
    for i in range(2000):  # a deep chain of binary nodes still differentiates right
        y = y * 1.001 if i % 2 else y + 0.5
    y.backward()
    assert x.grad.item() == pytest.approx(1.001 ** 1000, rel=1e-12)
