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


def test_vmap_of_grad_gives_per_sample_gradients(recwarn):
    xs = tg.tensor(np.stack([X, 2 * X]))
    g = func.vmap(func.grad(f))(xs)
    np.testing.assert_allclose(g.numpy(), np.cos(xs.numpy()) * xs.numpy() + np.sin(xs.numpy()))
    assert not [w for w in recwarn if "batching rule" in str(w.message)]  # one batched computation


def test_per_sample_gradients_of_an_mlp_match_one_sample_at_a_time(recwarn):
    rng = np.random.default_rng(0)
    net = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 2))
    params = {k: v.detach() for k, v in net.named_parameters()}
    xs, ys = tg.tensor(rng.standard_normal((5, 3))), tg.tensor(np.eye(2)[[0, 1, 1, 0, 1]])

    def loss(p, x, y):
        return -(tg.nn.functional.log_softmax(func.functional_call(net, p, (x,)), -1) * y).sum()

    per = func.vmap(func.grad(loss), in_dims=(None, 0, 0))(params, xs, ys)
    assert per["0.weight"].shape == (5, 4, 3)
    for i in range(5):
        one = func.grad(loss)(params, xs[i], ys[i])
        for k in one:
            np.testing.assert_allclose(per[k][i].numpy(), one[k].numpy(), atol=1e-12)
    assert not [w for w in recwarn if "batching rule" in str(w.message)]


@pytest.mark.parametrize("fn, in_dims", [
    (lambda x: x.sum(0) * x, 0), (lambda x: x.reshape(-1, 1).T @ x.reshape(-1, 1), 0),
    (lambda x: x.softmax(-1).log() + x.mean(), 1), (lambda x: x[1:].exp() / x.max(), 0),
    (lambda x: tg.stack([x, x * 2]).permute(1, 0).cumsum(0), 0),
    (lambda x: tg.where(x > 0, x, x * 0.1).logsumexp(0), 0),
])
def test_vmap_matches_a_loop(fn, in_dims):
    xs = tg.tensor(np.random.default_rng(1).standard_normal((4, 3)))
    got = func.vmap(fn, in_dims=in_dims)(xs)
    moved = xs if in_dims == 0 else xs.T
    want = np.stack([fn(moved[i]).numpy() for i in range(len(moved))])
    np.testing.assert_allclose(got.numpy(), want, atol=1e-12)


def test_vmap_falls_back_per_sample_with_a_warning_where_no_rule_exists():
    xs = tg.tensor(np.random.default_rng(2).standard_normal((3, 2, 2)) + 3 * np.eye(2))
    with pytest.warns(UserWarning, match="no batching rule for Det"):
        got = func.vmap(tg.linalg.det)(xs)
    np.testing.assert_allclose(got.numpy(), np.linalg.det(xs.numpy()))


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
    with pytest.raises(RuntimeError, match="item"):
        func.vmap(lambda a: a * a.item())(x)


def test_transforms_compose_under_vmap(recwarn):
    xs = tg.tensor(np.random.default_rng(3).standard_normal((4, 3)))
    x = xs.numpy()
    h = func.vmap(func.hessian(f))(xs)
    want = np.stack([np.diag(r) for r in 2 * np.cos(x) - x * np.sin(x)])
    np.testing.assert_allclose(h.numpy(), want, atol=1e-12)
    jf = func.vmap(func.jacfwd(lambda x: x.sin() * x))(xs)
    want = np.stack([np.diag(r) for r in np.cos(x) * x + np.sin(x)])
    np.testing.assert_allclose(jf.numpy(), want, atol=1e-12)
    assert not [w for w in recwarn if "batching rule" in str(w.message)]


@pytest.mark.parametrize("groups", [1, 2])
def test_vmap_of_conv2d_and_per_sample_conv_gradients(groups, recwarn):
    tg.manual_seed(0)
    conv = tg.nn.Conv2d(2, 4, 3, padding=1, stride=2, groups=groups)
    xs = tg.tensor(np.random.default_rng(4).standard_normal((3, 2, 2, 5, 5)))
    got = func.vmap(conv)(xs)
    want = np.stack([conv(xs[i]).detach().numpy() for i in range(3)])
    np.testing.assert_allclose(got.detach().numpy(), want)
    params = {k: v.detach() for k, v in conv.named_parameters()}

    def f(p, x):
        return func.functional_call(conv, p, (x,)).tanh().sum()

    per = func.vmap(func.grad(f), in_dims=(None, 0))(params, xs)
    for i in range(3):
        one = func.grad(f)(params, xs[i])
        for k in one:
            np.testing.assert_allclose(per[k][i].numpy(), one[k].numpy(), atol=1e-12)
    assert not [w for w in recwarn if "batching rule" in str(w.message)]


def test_vmap_refuses_to_read_the_whole_batch():
    with pytest.raises(RuntimeError, match="numpy"):
        func.vmap(lambda a: a * float(a.numpy().sum()))(tg.ones(3, 2))


def test_vmap_randomness():
    with pytest.raises(RuntimeError, match="randomness error mode"):
        func.vmap(lambda a: tg.nn.functional.dropout(a, 0.5))(tg.ones(2, 3))
    out = func.vmap(lambda a: tg.nn.functional.dropout(a, 0.5), randomness="same")(tg.ones(3, 40))
    assert set(np.unique(out.numpy())) == {0.0, 2.0} and (out.numpy() == out.numpy()[0]).all()
    tg.randn(2)  # the generator works again after the vmap


def test_jvp_of_a_user_ops_apply_passed_directly_uses_its_rule():
    from tinygrad_edu import Function
    from tinygrad_edu.func import jvp

    class Sq(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_values
            return g * 2 * x

    x, t = tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.5])
    _, tangent = jvp(Sq.apply, (x,), (t,))  # the bound apply, taken before the dual level opens
    assert tangent.tolist() == [2.0, 2.0]
