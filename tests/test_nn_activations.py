"""Activations, the softmax family, dropout, one_hot, Embedding and Unflatten: values and gradients
against formulas written here in numpy (float64), errors, module behaviour."""

import inspect
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.ops import activation, embedding, loss

X = np.array([[-2.5, -0.3, 0.0, 0.7, 3.1], [1.2, -1.7, 0.4, -4.0, 2.2]])
U = np.array([[0.3, -1.1, 0.5, 2.0, -0.7], [1.5, 0.2, -0.4, 0.9, 1.3]])


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _grad(fn, x=X, u=U):
    v = tg.tensor(x, requires_grad=True)
    out = fn(v)
    out.backward(tg.tensor(u))
    return out.detach().numpy(), v.grad.numpy()


# ---------------------------------------------------------------- softmax family
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_values_and_gradient(dim):
    y = np.exp(X) / np.exp(X).sum(axis=dim, keepdims=True)
    out, g = _grad(lambda v: F.softmax(v, dim=dim))
    np.testing.assert_allclose(out, y, rtol=1e-13)
    np.testing.assert_allclose(out.sum(axis=dim), 1.0, rtol=1e-14)
    # J = diag(y) - y y^T along dim: g = y * (u - sum(u y))
    np.testing.assert_allclose(g, y * (U - (U * y).sum(axis=dim, keepdims=True)), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dim", [0, 1])
def test_log_softmax_values_and_gradient(dim):
    y = X - np.log(np.exp(X).sum(axis=dim, keepdims=True))
    out, g = _grad(lambda v: F.log_softmax(v, dim=dim))
    np.testing.assert_allclose(out, y, rtol=1e-13)
    np.testing.assert_allclose(g, U - np.exp(y) * U.sum(axis=dim, keepdims=True), rtol=1e-12, atol=1e-15)


def test_logsumexp_values_gradient_and_keepdim():
    expected = np.log(np.exp(X).sum(axis=1))
    v = tg.tensor(X, requires_grad=True)
    out = v.logsumexp(1)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-14)
    out.backward(tg.tensor([2.0, -1.0]))
    np.testing.assert_allclose(v.grad.numpy(), np.array([[2.0], [-1.0]]) * _np_softmax(X, 1), rtol=1e-12)
    assert tg.logsumexp(tg.tensor(X), dim=1, keepdim=True).shape == (2, 1)
    both = tg.tensor(X).logsumexp((0, 1))
    assert both.shape == () and abs(both.item() - math.log(np.exp(X).sum())) < 1e-13


def test_softmax_family_is_stable_for_large_inputs():
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -1001.0]])
    small = x - x.max(axis=1, keepdims=True)
    ref = np.exp(small) / np.exp(small).sum(axis=1, keepdims=True)
    v = tg.tensor(x, requires_grad=True)
    sm, lsm, lse = v.softmax(1), v.log_softmax(1), v.logsumexp(1)
    for out in (sm, lsm, lse):
        assert np.all(np.isfinite(out.detach().numpy()))
    np.testing.assert_allclose(sm.detach().numpy(), ref, rtol=1e-13)
    np.testing.assert_allclose(lsm.detach().numpy(), np.log(ref), rtol=1e-13)
    np.testing.assert_allclose(lse.detach().numpy(), x.max(axis=1) + np.log(np.exp(small).sum(axis=1)),
                               rtol=1e-15)
    lse.sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), ref, rtol=1e-12)
    assert tg.tensor([-np.inf, -np.inf]).logsumexp(0).item() == -np.inf  # as PyTorch: max treated as 0


def test_softmax_surfaces_agree_and_keep_float32():
    x = tg.tensor(X.astype(np.float32))
    a, b, c = x.softmax(1), tg.softmax(x, 1), nn.Softmax(dim=1)(x)
    assert a.dtype == np.float32
    assert np.array_equal(a.numpy(), b.numpy()) and np.array_equal(a.numpy(), c.numpy())
    assert tg.log_softmax(tg.tensor(X), 0).shape == (2, 5)
    assert x.softmax(1, dtype=tg.float64).dtype == np.float64


def test_softmax_of_0d_and_dim_errors():
    assert tg.tensor(3.0).softmax(0).item() == 1.0
    assert tg.tensor(3.0).softmax(-1).item() == 1.0
    with pytest.raises(IndexError, match="Dimension out of range"):
        tg.tensor(X).softmax(2)
    with pytest.raises(IndexError, match=r"range of \[-1, 0\]"):
        tg.tensor(3.0).log_softmax(1)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        tg.tensor([1, 2]).softmax(0)
    assert tg.tensor([1, 2]).logsumexp(0).dtype == np.float64  # ints are promoted, as in PyTorch


def test_implicit_softmax_dim_warns_and_picks_pytorchs_axis():
    x = tg.tensor(X)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(x)
    np.testing.assert_allclose(out.numpy(), _np_softmax(X, 1), rtol=1e-14)  # 2-d: dim 1
    with pytest.warns(UserWarning, match="log_softmax"):
        out = nn.LogSoftmax()(tg.tensor(X[0]))
    np.testing.assert_allclose(out.numpy(), np.log(_np_softmax(X[0], 0)), rtol=1e-13)


# ---------------------------------------------------------------- elementwise activations
def _erf(x):
    return np.vectorize(math.erf)(x)


CASES = {
    "leaky_relu": (lambda v: F.leaky_relu(v, 0.2), lambda x: np.where(x > 0, x, 0.2 * x),
                   lambda x: np.where(x > 0, 1.0, 0.2)),
    "elu": (lambda v: F.elu(v, 0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1)),
            lambda x: np.where(x > 0, 1.0, 0.5 * np.exp(x))),
    "gelu": (F.gelu, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
             lambda x: 0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    "silu": (F.silu, lambda x: x / (1 + np.exp(-x)),
             lambda x: (1 / (1 + np.exp(-x))) * (1 + x * (1 - 1 / (1 + np.exp(-x))))),
    "softplus": (lambda v: F.softplus(v, beta=2.0, threshold=4.0),
                 lambda x: np.where(2 * x > 4.0, x, np.log1p(np.exp(2 * x)) / 2),
                 lambda x: np.where(2 * x > 4.0, 1.0, 1 / (1 + np.exp(-2 * x)))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_activation_values_and_gradients(name):
    fn, value, local = CASES[name]
    out, g = _grad(fn)
    np.testing.assert_allclose(out, value(X), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(g, U * local(X), rtol=1e-12)


def test_gelu_tanh_approximation():
    k = math.sqrt(2 / math.pi)
    t = np.tanh(k * (X + 0.044715 * X**3))
    out, g = _grad(lambda v: F.gelu(v, approximate="tanh"))
    np.testing.assert_allclose(out, 0.5 * X * (1 + t), rtol=1e-13, atol=1e-300)
    local = 0.5 * (1 + t) + 0.5 * X * (1 - t * t) * k * (1 + 3 * 0.044715 * X**2)
    np.testing.assert_allclose(g, U * local, rtol=1e-12)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(tg.tensor(X), approximate="fast")


def test_erf_matches_math_erf_across_the_range():
    xs = np.concatenate([np.linspace(-7, 7, 301), [0.0, 1e-300, -1e-12, 30.0]])
    got = activation.erf(xs)
    assert got.dtype == np.float64
    assert np.array_equal(got, np.array([math.erf(x) for x in xs]))
    assert activation.erf(np.float32(0.5)).dtype == np.float32


def test_activations_do_not_overflow():
    x = tg.tensor([-1000.0, 1000.0], requires_grad=True)
    for f in (F.elu, F.silu, F.softplus, F.gelu, lambda v: F.gelu(v, approximate="tanh")):
        out = f(x)
        out.sum().backward()
        assert np.all(np.isfinite(out.detach().numpy())) and np.all(np.isfinite(x.grad.numpy()))
        x.grad = None
    assert F.softplus(tg.tensor([1000.0])).item() == 1000.0


def test_activation_modules_repr_and_forward():
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.LeakyReLU(0.2, True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.ELU()) == "ELU(alpha=1.0)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.SiLU()) == "SiLU()" and repr(nn.SiLU(True)) == "SiLU(inplace=True)"
    assert repr(nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    x = tg.tensor(X)
    for module, fn in [(nn.LeakyReLU(0.2), CASES["leaky_relu"][1]), (nn.ELU(0.5), CASES["elu"][1]),
                       (nn.GELU(), CASES["gelu"][1]), (nn.SiLU(), CASES["silu"][1]),
                       (nn.Softplus(2.0, 4.0), CASES["softplus"][1])]:
        np.testing.assert_allclose(module(x).numpy(), fn(X), rtol=1e-13, atol=1e-300)


def test_inplace_activation_writes_into_the_input():
    x = tg.tensor([-2.0, 3.0])
    out = F.leaky_relu(x, 0.5, inplace=True)
    assert out is x and x.tolist() == [-1.0, 3.0]
    leaf = tg.tensor([-2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        nn.ELU(inplace=True)(leaf)


# ---------------------------------------------------------------- dropout
def test_dropout_statistics_scaling_and_gradient():
    tg.manual_seed(0)
    x = tg.ones(200, 500, requires_grad=True)
    out = F.dropout(x, p=0.3)
    y = out.detach().numpy()
    kept = y != 0
    assert np.allclose(y[kept], 1 / 0.7)
    assert abs(kept.mean() - 0.7) < 0.005  # 100000 draws: sd 0.0015
    assert abs(y.mean() - 1.0) < 0.01  # inverted dropout keeps the expectation
    out.sum().backward()
    assert np.array_equal(x.grad.numpy(), y)  # d out/dx = mask / (1 - p)


def test_dropout_is_repeatable_under_manual_seed_and_varies_without():
    tg.manual_seed(7)
    a = F.dropout(tg.ones(50)).numpy()
    b = F.dropout(tg.ones(50)).numpy()
    tg.manual_seed(7)
    c = F.dropout(tg.ones(50)).numpy()
    assert np.array_equal(a, c) and not np.array_equal(a, b)


def test_dropout_eval_and_edge_probabilities():
    x = tg.tensor(X)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert np.all(F.dropout(x, 1.0).numpy() == 0)
    m = nn.Dropout(0.4)
    assert m.training and repr(m) == "Dropout(p=0.4, inplace=False)"
    m.eval()
    assert m(x) is x
    m.train()
    assert np.any(m(tg.ones(100)).numpy() == 0)
    for p in (1.5, -0.1):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"):
            F.dropout(x, p)
    with pytest.raises(ValueError, match="but got 1.5"):
        nn.Dropout(1.5)


def test_dropout_inside_a_model_follows_train_and_eval():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    x = tg.ones(3, 4)
    model.eval()
    first, second = model(x).detach().numpy(), model(x).detach().numpy()
    assert np.array_equal(first, second)
    model.train()
    tg.manual_seed(1)
    assert not np.array_equal(model(x).detach().numpy(), first)


# ---------------------------------------------------------------- one_hot
def test_one_hot_values_dtype_and_errors():
    out = F.one_hot(tg.tensor([[0, 2], [1, 0]]))
    assert out.dtype == np.int64 and out.shape == (2, 2, 3)
    assert out.tolist() == [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0]]]
    assert F.one_hot(tg.tensor([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    assert F.one_hot(tg.tensor([], dtype=tg.int64), 3).shape == (0, 3)
    for bad, msg in [(lambda: F.one_hot(tg.tensor([0.0, 1.0])), "LongTensor"),
                     (lambda: F.one_hot(tg.tensor([0, 3]), 2), "smaller than num_classes"),
                     (lambda: F.one_hot(tg.tensor([0, -1])), "non-negative"),
                     (lambda: F.one_hot(tg.tensor([], dtype=tg.int64)), "empty tensor")]:
        with pytest.raises(RuntimeError, match=msg):
            bad()


# ---------------------------------------------------------------- Embedding
def test_embedding_lookup_and_gradient_accumulates_repeats():
    w = tg.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    idx = tg.tensor([[0, 2], [0, 3]])
    out = F.embedding(idx, w)
    np.testing.assert_array_equal(out.detach().numpy(), np.arange(12.0).reshape(4, 3)[[[0, 2], [0, 3]]])
    up = np.arange(12.0).reshape(2, 2, 3) + 1
    out.backward(tg.tensor(up))
    expected = np.zeros((4, 3))
    expected[0] = up[0, 0] + up[1, 0]
    expected[2], expected[3] = up[0, 1], up[1, 1]
    np.testing.assert_array_equal(w.grad.numpy(), expected)


def test_embedding_module_init_padding_and_state_dict():
    tg.manual_seed(0)
    emb = nn.Embedding(6, 4, padding_idx=-2)
    assert emb.padding_idx == 4 and repr(emb) == "Embedding(6, 4, padding_idx=4)"
    assert list(emb.state_dict()) == ["weight"] and emb.weight.shape == (6, 4)
    w = emb.weight.detach().numpy()
    assert np.all(w[4] == 0) and np.all(w[[0, 1, 2, 3, 5]] != 0)
    big = nn.Embedding(400, 50)  # N(0, 1): moments of 20000 draws
    data = big.weight.detach().numpy()
    assert abs(data.mean()) < 0.03 and abs(data.std() - 1) < 0.03
    out = emb(tg.tensor([4, 1, 4]))
    assert np.all(out.detach().numpy()[[0, 2]] == 0)
    out.sum().backward()
    g = emb.weight.grad.numpy()
    assert np.all(g[4] == 0) and np.all(g[1] == 1) and np.all(g[[0, 2, 3, 5]] == 0)


def test_embedding_scale_grad_by_freq_and_max_norm():
    w = tg.tensor(np.full((3, 2), 3.0), requires_grad=True)
    F.embedding(tg.tensor([0, 0, 1]), w, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [[1, 1], [1, 1], [0, 0]])  # 2 uses / count 2
    v = tg.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    F.embedding(tg.tensor([0, 1]), v, max_norm=1.0)
    np.testing.assert_allclose(v.numpy()[0], [0.6, 0.8], rtol=1e-6)  # rescaled in place
    np.testing.assert_array_equal(v.numpy()[1:], [[0.3, 0.4], [6.0, 8.0]])  # unused row untouched


def test_embedding_errors():
    w = tg.randn(3, 2)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(tg.tensor([0, 3]), w)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(tg.tensor([-1]), w)
    with pytest.raises(RuntimeError, match="Long, Int"):
        F.embedding(tg.tensor([0.0, 1.0]), w)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        F.embedding(tg.tensor([0]), w, padding_idx=-4)


def test_embedding_from_pretrained_is_frozen_and_shares_memory():
    base = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    emb = nn.Embedding.from_pretrained(base)
    assert not emb.weight.requires_grad
    assert emb(tg.tensor([1])).tolist() == [[3.0, 4.0]]
    assert nn.Embedding.from_pretrained(base, freeze=False).weight.requires_grad


# ---------------------------------------------------------------- Unflatten
def test_unflatten():
    x = tg.tensor(np.arange(24.0).reshape(2, 12))
    m = nn.Unflatten(1, (3, -1))
    assert m(x).shape == (2, 3, 4) and repr(m) == "Unflatten(dim=1, unflattened_size=(3, -1))"
    assert nn.Unflatten(-1, [2, 2, 3])(x).shape == (2, 2, 2, 3)
    with pytest.raises(RuntimeError, match="don't multiply up"):
        nn.Unflatten(1, (5, 2))(x)
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints"):
        nn.Unflatten(1, (2.0, 6))
    with pytest.raises(TypeError, match="must be a tuple of ints"):
        nn.Unflatten(1, 12)


# ---------------------------------------------------------------- op classes follow the rules
OPS = [c for mod in (activation, loss, embedding) for c in vars(mod).values()
       if inspect.isclass(c) and c.__module__ == mod.__name__]


@pytest.mark.parametrize("op", OPS, ids=lambda c: c.__name__)
def test_op_class_is_short_and_states_its_derivative(op):
    assert len(inspect.getsource(op).rstrip().splitlines()) <= (30 if "jvp" in vars(op) else 25)  # jvp: +5
    params = [p for p in inspect.signature(op.forward).parameters.values()
              if p.kind == p.POSITIONAL_OR_KEYWORD][1:]
    assert len(op.derivative) == len(params) and all(d.startswith("d") for d in op.derivative)


def test_no_warnings_from_the_stable_paths():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = tg.tensor([[-800.0, 0.0, 800.0]], requires_grad=True)
        (F.softmax(x, 1).sum() + F.log_softmax(x, 1).sum() + F.softplus(x).sum() + F.elu(x).sum()
         + x.logsumexp(1).sum()).backward()
