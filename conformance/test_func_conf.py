"""``tinygrad_edu.func`` against ``torch.func``: every transform on a few functions (values,
dtypes), vmap's in_dims/out_dims and per-sample gradients, functional_call, and the errors."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import check_raises  # noqa: E402

COVERED = {"torch functions": ["vmap"]}

X = [0.4, -1.3, 2.1]
M = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.3], [0.1, 0.2, -0.4]]


def _fns(T):
    return {
        "sin_x": lambda x: (x.sin() * x).sum(),
        "softmax": lambda x: (x.softmax(0) * T.arange(3, dtype=T.float64)).sum(),
        "poly": lambda x: (x ** 3 - 2 * x * x.sum()).mean(),
        "matvec": lambda x: (T.tensor(M, dtype=T.float64) @ x).tanh().sum(),
        "logsumexp": lambda x: x.logsumexp(0) + x.max(),
    }


NAMES = list(_fns(tg))


def _np(x):
    if isinstance(x, (tuple, list)):
        return [_np(v) for v in x]
    if isinstance(x, dict):
        return {k: _np(v) for k, v in x.items()}
    return x.detach().numpy()


def _same(a, b, rtol=1e-10):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k], rtol)
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, rtol)
    else:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)
        assert a.shape == b.shape


def both(program, rtol=1e-10):
    _same(_np(program(tg)), _np(program(torch)), rtol)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("transform", ["grad", "grad_and_value", "jacrev", "jacfwd", "hessian", "vjp", "jvp"])
def test_transform_matches_torch_func(transform, name):
    def program(T):
        f = _fns(T)[name]
        x = T.tensor(X, dtype=T.float64)
        v = T.tensor([1.0, -0.5, 2.0], dtype=T.float64)
        if transform == "vjp":
            out, fn = T.func.vjp(lambda x: x.exp() * f(x), x)
            return [out, fn(T.ones(3, dtype=T.float64))[0]]
        if transform == "jvp":
            return list(T.func.jvp(f, (x,), (v,)))
        res = getattr(T.func, transform)(f)(x)
        return list(res) if isinstance(res, tuple) else res

    both(program)


@pytest.mark.parametrize("in_dims,out_dims", [(0, 0), (1, 0), (0, 1), ((0, None), 0), ((1, 0), 1)])
def test_vmap_in_and_out_dims(in_dims, out_dims):
    def program(T):
        m = T.tensor(M, dtype=T.float64)
        if not isinstance(in_dims, tuple):
            x = m if in_dims == 0 else m.T.contiguous()
            return T.vmap(lambda x: T.stack([x.exp().sum(0) * x, x.cumsum(0)]), in_dims=in_dims,
                          out_dims=out_dims)(x)
        a = m if in_dims[0] == 0 else m.T.contiguous()
        b = T.tensor(X, dtype=T.float64) if in_dims[1] is None else m
        f = T.vmap(lambda x, y: (x * y).softmax(-1) * y + x.sum(), in_dims=in_dims, out_dims=out_dims)
        return f(a, b)

    both(program)


def test_per_sample_gradients_match_torch_func():
    def program(T):
        T.manual_seed(0)
        net = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Tanh(), T.nn.Linear(4, 2)).double()
        params = {k: T.tensor(np.linspace(-1, 1, v.numel()).reshape(tuple(v.shape)), dtype=T.float64)
                  for k, v in net.named_parameters()}
        xs, ys = T.tensor(M, dtype=T.float64), T.tensor(np.eye(2)[[0, 1, 1, 0]], dtype=T.float64)

        def loss(p, x, y):
            return -(T.nn.functional.log_softmax(T.func.functional_call(net, p, (x,)), -1) * y).sum()

        return T.func.vmap(T.func.grad(loss), in_dims=(None, 0, 0))(params, xs, ys)

    both(program)


def test_functional_call_matches_torch():
    def program(T):
        T.manual_seed(0)
        lin = T.nn.Linear(3, 2).double()
        p = {"weight": T.tensor(M[:2], dtype=T.float64), "bias": T.tensor([1.0, -1.0], dtype=T.float64)}
        return [T.func.functional_call(lin, p, (T.tensor(X, dtype=T.float64),)), lin.weight * 0]

    both(program)


def test_errors_match_torch():
    def non_tensor(T):
        T.func.grad(lambda x: 1.0)(T.ones(2))

    def non_scalar(T):
        T.func.grad(lambda x: x * 2)(T.ones(2))

    def in_dims(T):
        T.vmap(lambda a, b: a + b, in_dims=(0,))(T.ones(2), T.ones(2))

    def item(T):
        T.vmap(lambda a: a * a.item())(T.ones(2))

    def sizes(T):
        T.vmap(lambda a, b: a + b)(T.ones(2), T.ones(3))

    check_raises(non_tensor, "Expected f(*args) to return a")
    check_raises(non_scalar, "scalar Tensor")
    check_raises(in_dims, "in_dims is not compatible")
    check_raises(item, ".item()")
    def random(T):
        T.vmap(lambda a: T.nn.functional.dropout(a, 0.5))(T.ones(2, 3))

    check_raises(sizes, "same size")
    check_raises(random, "randomness error mode")
