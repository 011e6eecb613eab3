"""batch_norm, layer_norm and their layers: values and gradients from formulas written here,
running statistics step by step, train/eval, state_dict, errors; and the Module traversal fixes."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(1)


def standardize(x, axes, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        orig = x[idx]
        x[idx] = orig + eps
        plus = f(x)
        x[idx] = orig - eps
        minus = f(x)
        x[idx] = orig
        g[idx] = (plus - minus) / (2 * eps)
    return g


@pytest.mark.parametrize("shape", [(4, 3), (3, 2, 5), (2, 3, 2, 4)])
def test_batch_norm_training_values_and_grads(shape):
    x = RNG.standard_normal(shape) * 3 + 1
    w, b = RNG.standard_normal(shape[1]), RNG.standard_normal(shape[1])
    axes = (0,) + tuple(range(2, len(shape)))
    per = (1, -1) + (1,) * (len(shape) - 2)
    xv, wv, bv = (tg.tensor(a.copy(), requires_grad=True) for a in (x, w, b))
    y = F.batch_norm(xv, None, None, wv, bv, training=True)
    expected = standardize(x, axes) * w.reshape(per) + b.reshape(per)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    u = RNG.standard_normal(shape)
    y.backward(tg.tensor(u))

    def loss(x_):
        return (u * (standardize(x_, axes) * w.reshape(per) + b.reshape(per))).sum()

    np.testing.assert_allclose(xv.grad.numpy(), numeric_grad(loss, x.copy()), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(wv.grad.numpy(), (u * standardize(x, axes)).sum(axis=axes), rtol=1e-10)
    np.testing.assert_allclose(bv.grad.numpy(), u.sum(axis=axes), rtol=1e-12)


def test_normalize_is_twice_differentiable():
    x = tg.tensor(RNG.standard_normal((3, 2, 2)), requires_grad=True)
    w = tg.tensor(RNG.standard_normal(2), requires_grad=True)

    def f(x, w):
        return F.batch_norm(x, None, None, w, None, training=True)

    assert gradcheck(f, [x, w])
    assert gradgradcheck(f, [x, w])
    assert gradgradcheck(lambda x: F.layer_norm(x, (2, 2)), [x])


def test_batchnorm2d_running_stats_over_several_steps():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    mean, var = np.zeros(3), np.ones(3)
    for step in range(4):
        x = RNG.standard_normal((2, 3, 2, 2)) * (step + 1) + step
        bn(tg.tensor(x))
        batch_mean = x.mean(axis=(0, 2, 3))
        unbiased = x.var(axis=(0, 2, 3)) * 8 / 7  # n = 2*2*2 values per channel
        mean = 0.7 * mean + 0.3 * batch_mean
        var = 0.7 * var + 0.3 * unbiased
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-12)
    assert bn.num_batches_tracked.item() == 4 and bn.num_batches_tracked.dtype == np.int64


def test_batchnorm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None)
    xs = [RNG.standard_normal((5, 2)) + i for i in range(3)]
    for x in xs:
        bn(tg.tensor(x))
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean([x.mean(axis=0) for x in xs], axis=0),
                               rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(),
                               np.mean([x.var(axis=0, ddof=1) for x in xs], axis=0), rtol=1e-12)


def test_batchnorm_eval_uses_running_stats_and_leaves_them():
    bn = nn.BatchNorm1d(3)
    bn(tg.tensor(RNG.standard_normal((6, 3, 4)) * 2 + 5))
    with tg.no_grad():
        bn.weight.copy_(tg.tensor([1.0, 2.0, -1.0]))
        bn.bias.copy_(tg.tensor([0.5, 0.0, 1.0]))
    rm, rv = bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()
    bn.eval()
    x = RNG.standard_normal((2, 3, 4))
    y = bn(tg.tensor(x))
    expected = ((x - rm[:, None]) / np.sqrt(rv[:, None] + 1e-5) * np.array([1.0, 2.0, -1.0])[:, None]
                + np.array([0.5, 0.0, 1.0])[:, None])
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean.numpy(), rm)
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm_without_running_stats_normalises_with_the_batch_in_eval_too():
    bn = nn.BatchNorm2d(2, affine=False, track_running_stats=False).eval()
    x = RNG.standard_normal((3, 2, 2, 2))
    np.testing.assert_allclose(bn(tg.tensor(x)).detach().numpy(), standardize(x, (0, 2, 3)), rtol=1e-12)
    assert list(bn.state_dict()) == [] and bn.running_mean is None and bn.weight is None


def test_batchnorm_state_dict_repr_and_dtype():
    bn = nn.BatchNorm2d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(3))
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(3))
    assert repr(bn) == ("BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                        "track_running_stats=True)")
    bn.float()
    assert bn.running_mean.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64
    other = nn.BatchNorm2d(3)
    other(tg.tensor(RNG.standard_normal((2, 3, 2, 2))))
    bn.load_state_dict(other.state_dict())
    assert bn.num_batches_tracked.item() == 1
    np.testing.assert_allclose(bn.running_mean.numpy(), other.running_mean.numpy(), rtol=1e-6)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(tg.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(tg.zeros(2, 3, 4, 5))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(tg.zeros(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm2d(3)(tg.zeros(2, 4, 2, 2))
    with pytest.raises(RuntimeError, match="weight should contain 3 elements not 4"):
        F.batch_norm(tg.zeros(2, 3), None, None, tg.ones(4), training=True)
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(tg.zeros(2, 3), None, None)


def test_batchnorm_failed_call_leaves_running_stats():
    bn = nn.BatchNorm2d(3)
    with pytest.raises(RuntimeError):
        bn(tg.zeros(2, 4, 2, 2))
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(3))


@pytest.mark.parametrize("normalized", [(4,), (3, 4)])
def test_layer_norm_values_and_grads(normalized):
    x = RNG.standard_normal((2, 3, 4)) * 2 + 1
    w, b = RNG.standard_normal(normalized), RNG.standard_normal(normalized)
    axes = tuple(range(3 - len(normalized), 3))
    xv, wv, bv = (tg.tensor(a.copy(), requires_grad=True) for a in (x, w, b))
    y = F.layer_norm(xv, normalized, wv, bv)
    np.testing.assert_allclose(y.detach().numpy(), standardize(x, axes) * w + b, rtol=1e-12, atol=1e-12)
    u = RNG.standard_normal(x.shape)
    y.backward(tg.tensor(u))
    ref = numeric_grad(lambda x_: (u * (standardize(x_, axes) * w + b)).sum(), x.copy())
    np.testing.assert_allclose(xv.grad.numpy(), ref, rtol=1e-6, atol=1e-7)
    lead = tuple(range(3 - len(normalized)))
    np.testing.assert_allclose(wv.grad.numpy(), (u * standardize(x, axes)).sum(axis=lead), rtol=1e-10)


def test_layernorm_layer():
    ln = nn.LayerNorm(4)
    x = RNG.standard_normal((3, 4))
    np.testing.assert_allclose(ln(tg.tensor(x)).detach().numpy(), standardize(x, (1,)), rtol=1e-12)
    assert repr(ln) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert list(ln.state_dict()) == ["weight", "bias"]
    assert list(nn.LayerNorm([2, 3], elementwise_affine=False).state_dict()) == []
    assert nn.LayerNorm(3, bias=False).bias is None


def test_layer_norm_errors():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[3\], expected input with shape "
                                           r"\[\*, 3\], but got input of size\[2, 4\]"):
        nn.LayerNorm(3)(tg.zeros(2, 4))
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape as normalized_shape"):
        F.layer_norm(tg.zeros(2, 3), (3,), tg.ones(4))
    with pytest.raises(TypeError, match="must be tuple of ints, not int"):
        F.layer_norm(tg.zeros(2, 3), 3)


# ---------------------------------------------------------------- Module traversal (PyTorch's)
def test_train_calls_each_childs_own_train():
    calls = []

    class Frozen(nn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(False)  # stays in eval whatever the parent says

    model = nn.Sequential(nn.Linear(2, 2), Frozen(), nn.BatchNorm1d(2))
    model.eval()
    model.train()
    assert calls == [False, True]
    assert model.training and model[0].training and model[2].training and not model[1].training


def test_named_modules_remove_duplicate_and_memo():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    assert [n for n, _ in model.named_modules()] == ["", "0"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    assert [n for n, _ in model.named_modules(memo={shared})] == [""]
    assert len(list(model.named_parameters(remove_duplicate=False))) == 4
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Sequential"]
