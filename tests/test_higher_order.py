"""Higher-order gradients: create_graph, autograd.grad, gradgradcheck, hessian/hvp/jacobian."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.autograd import grad
from tinygrad_edu.autograd.functional import hessian, hvp, jacobian, vjp
from tinygrad_edu.testing import gradgradcheck
from tinygrad_edu.testing.catalogue import CATALOGUE
from tinygrad_edu.testing.strategies import broadcastable_arrays


@given(st.floats(-3, 3))
def test_second_derivative_of_cube_is_6x(a):
    x = tg.tensor(a, requires_grad=True)
    (g,) = grad(x**3, x, create_graph=True)
    assert g.item() == pytest.approx(3 * a * a, rel=1e-12, abs=1e-12)
    (h,) = grad(g, x)
    assert h.item() == pytest.approx(6 * a, rel=1e-12, abs=1e-12)
    assert h.item() != 0 or a == 0


@given(st.floats(-3, 3))
def test_second_derivative_of_tanh(a):
    x = tg.tensor(a, requires_grad=True)
    y = x.tanh()
    y.backward(create_graph=True)
    first = x.grad
    assert first.requires_grad and first.grad_fn is not None  # .grad is a Value with a graph
    x.grad = None
    first.backward()
    t = np.tanh(a)
    assert x.grad.item() == pytest.approx(-2 * t * (1 - t * t), rel=1e-10, abs=1e-12)


@given(st.integers(1, 5), st.integers(0, 1000))
def test_hessian_of_quadratic_form_is_symmetric_part(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    x0 = rng.standard_normal(n)

    def f(x):
        return 0.5 * (x @ (tg.tensor(A) @ x))

    H = hessian(f, x0)
    np.testing.assert_allclose(H.numpy(), (A + A.T) / 2, rtol=1e-12, atol=1e-12)
    v = rng.standard_normal(n)
    _, Hv = hvp(f, x0, v)
    np.testing.assert_allclose(Hv.numpy(), (A + A.T) / 2 @ v, rtol=1e-10, atol=1e-12)


def test_jacobian_and_vjp():
    x0 = np.array([0.5, -1.0, 2.0])
    J = jacobian(lambda x: x.sin() * 2, x0)
    np.testing.assert_allclose(J.numpy(), np.diag(2 * np.cos(x0)), atol=1e-15)
    _, g = vjp(lambda x: (x * x).sum(), x0)
    np.testing.assert_allclose(g.numpy(), 2 * x0)


def test_grad_semantics_follow_pytorch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    z = tg.tensor([3.0], requires_grad=True)
    y = (x * x).sum()
    (gx,) = grad(y, x, retain_graph=True)
    assert gx.tolist() == [2.0, 4.0] and x.grad is None  # returned, not stored
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        grad(y, [x, z], retain_graph=True)
    gx, gz = grad(y, [x, z], allow_unused=True, retain_graph=True)
    assert gz is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad(y, tg.tensor([1.0]))
    out = x * 3
    (g,) = grad(out, x, grad_outputs=tg.tensor([1.0, 10.0]))
    assert g.tolist() == [3.0, 30.0]
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        grad(x * 3, x)


def test_newton_step_solves_seed001_quadratic_in_one_step():
    X = [0.01 * i for i in range(100)]
    F = tg.tensor([[x * x, x, 1.0] for x in X])
    Y = tg.tensor([2 * x**2 + 3 * x + 4 for x in X])

    def loss(w):
        return ((F @ w - Y) ** 2).mean()

    w = tg.tensor([1.0, 0.0, -1.0], requires_grad=True)
    (g,) = grad(loss(w), w)
    H = hessian(loss, w)
    step = np.linalg.solve(H.numpy(), g.numpy())
    np.testing.assert_allclose(w.detach().numpy() - step, [2.0, 3.0, 4.0], atol=1e-9)


def _domain(case):
    return case.domain


@pytest.mark.parametrize("case", [c for c in CATALOGUE if c.twice], ids=lambda c: c.name)
def test_gradgradcheck_every_catalogue_op(case):
    strategy = broadcastable_arrays(case.n_inputs, case.domain, case.avoid, case.margin,
                                    case.broadcast, 2, 3, case.distinct,
                                    case.shapes() if case.shapes else None)

    @settings(max_examples=5)
    @given(arrays=strategy, seed=st.integers(0, 100))
    def run(arrays, seed):
        vals = [tg.tensor(a, requires_grad=True) for a in arrays]
        assert gradgradcheck(case.fn, vals, seed=seed, atol=1e-5, rtol=1e-4)

    run()
