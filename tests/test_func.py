"""tinygrad_edu.func: the transforms against hand formulas."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import func

X = np.array([0.5, -1.0, 2.0])


def f(x):
    return (x.sin() * x).sum()


def test_grad_jvp_vjp():
    x = tg.tensor(X)
    np.testing.assert_allclose(func.grad(f)(x).numpy(), np.cos(X) * X + np.sin(X))
    out, t = func.jvp(f, (x,), (tg.ones(3),))
    np.testing.assert_allclose(t.item(), (np.cos(X) * X + np.sin(X)).sum())
    _, fn = func.vjp(lambda x: x.exp(), x)
    np.testing.assert_allclose(fn(tg.ones(3))[0].numpy(), np.exp(X))
    g, v = func.grad_and_value(f)(x)
    assert np.isclose(v.item(), (np.sin(X) * X).sum())


def test_jacobians_and_hessian():
    x = tg.tensor(X)
    jr, jf = func.jacrev(lambda x: x.sin() * x)(x), func.jacfwd(lambda x: x.sin() * x)(x)
    np.testing.assert_allclose(jr.numpy(), np.diag(np.cos(X) * X + np.sin(X)))
    np.testing.assert_allclose(jf.numpy(), jr.numpy())
    h = func.hessian(f)(x)
    np.testing.assert_allclose(h.numpy(), np.diag(2 * np.cos(X) - X * np.sin(X)), atol=1e-12)
    assert not h.requires_grad
    np.testing.assert_allclose(func.jacfwd(func.jacfwd(lambda x: (x ** 3).sum()))(x).numpy(), np.diag(6 * X))


def test_vmap_of_grad_gives_per_sample_gradients():
    xs = tg.tensor(np.stack([X, 2 * X]))
    with pytest.warns(UserWarning, match="per sample"):
        g = func.vmap(func.grad(f))(xs)
    np.testing.assert_allclose(g.numpy(), np.cos(xs.numpy()) * xs.numpy() + np.sin(xs.numpy()))


def test_functional_call():
    m = tg.nn.Linear(3, 2)
    out = func.functional_call(m, {k: v * 0 for k, v in m.named_parameters()}, (tg.tensor(X),))
    assert np.all(out.detach().numpy() == 0) and np.any(m(tg.tensor(X)).detach().numpy() != 0)


def test_errors():
    x = tg.tensor(X)
    with pytest.raises(RuntimeError, match="return a Tensor"):
        func.grad(lambda x: 1.0)(x)
    with pytest.raises(RuntimeError, match="scalar Tensor"):
        func.grad(lambda x: x * 2)(x)
    with pytest.raises(ValueError, match="in_dims is not compatible"):
        func.vmap(lambda a, b: a + b, in_dims=(0,))(x, x)
    with pytest.raises(RuntimeError, match="item"), pytest.warns(UserWarning):
        func.vmap(lambda a: a * a.item())(x)
