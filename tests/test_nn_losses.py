"""Classification and regression losses: values and gradients against formulas written here in
numpy (float64), reductions, weights, ignore_index, label smoothing, pos_weight, errors, modules."""

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

LOGITS = np.array([[1.5, -0.3, 0.2, 2.1], [0.0, 0.7, -1.2, 0.4], [-2.0, 1.1, 0.9, 0.3]])
TARGET = np.array([3, 1, 0])
W = np.array([0.5, 2.0, 1.0, 3.0])


def _logp(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _run(fn, x, *rest):
    v = tg.tensor(x, requires_grad=True)
    out = fn(v, *rest)
    out.sum().backward()
    return out.detach().numpy(), v.grad.numpy()


# ---------------------------------------------------------------- cross_entropy / nll_loss
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_class_indices(reduction):
    per = -_logp(LOGITS)[np.arange(3), TARGET]
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    out, g = _run(lambda v: F.cross_entropy(v, tg.tensor(TARGET), reduction=reduction), LOGITS)
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    p = np.exp(_logp(LOGITS))
    grad = p - np.eye(4)[TARGET]  # d(-log softmax_t)/dx = softmax - onehot
    np.testing.assert_allclose(g, grad / (3 if reduction == "mean" else 1), rtol=1e-12, atol=1e-15)


def test_cross_entropy_weighted_mean_divides_by_the_target_weights():
    per = -_logp(LOGITS)[np.arange(3), TARGET] * W[TARGET]
    out, g = _run(lambda v: F.cross_entropy(v, tg.tensor(TARGET), weight=tg.tensor(W)), LOGITS)
    np.testing.assert_allclose(out, per.sum() / W[TARGET].sum(), rtol=1e-13)
    grad = (np.exp(_logp(LOGITS)) - np.eye(4)[TARGET]) * W[TARGET][:, None] / W[TARGET].sum()
    np.testing.assert_allclose(g, grad, rtol=1e-12, atol=1e-15)


def test_nll_loss_ignore_index_and_weights():
    logp = _logp(LOGITS)
    t = np.array([3, -100, 0])
    out, g = _run(lambda v: F.nll_loss(v, tg.tensor(t), weight=tg.tensor(W)), logp)
    expected = (-logp[0, 3] * W[3] - logp[2, 0] * W[0]) / (W[3] + W[0])
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    grad = np.zeros((3, 4))
    grad[0, 3], grad[2, 0] = -W[3] / (W[3] + W[0]), -W[0] / (W[3] + W[0])
    np.testing.assert_allclose(g, grad, rtol=1e-14)
    none = F.nll_loss(tg.tensor(logp), tg.tensor([3, 5, 0]), ignore_index=5, reduction="none")
    np.testing.assert_allclose(none.numpy(), [-logp[0, 3], 0.0, -logp[2, 0]], rtol=1e-14)
    everything_ignored = F.nll_loss(tg.tensor(logp), tg.tensor([-100, -100, -100]))
    assert np.isnan(everything_ignored.item())  # 0 / 0, as in PyTorch
    assert F.nll_loss(tg.tensor(logp), tg.tensor([-100] * 3), reduction="sum").item() == 0.0


def test_cross_entropy_label_smoothing():
    eps, t = 0.2, np.array([3, -100, 0])
    logp = _logp(LOGITS)
    valid = t != -100
    nll = sum(-logp[n, t[n]] * W[t[n]] for n in range(3) if valid[n]) / W[t[valid]].sum()
    smooth = sum(-(logp[n] * W).sum() for n in range(3) if valid[n]) / W[t[valid]].sum()
    out = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(t), weight=tg.tensor(W), label_smoothing=eps)
    np.testing.assert_allclose(out.item(), (1 - eps) * nll + eps / 4 * smooth, rtol=1e-13)
    plain = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(TARGET), label_smoothing=0.1, reduction="none")
    q = 0.9 * np.eye(4)[TARGET] + 0.1 / 4  # mixing with the uniform distribution
    np.testing.assert_allclose(plain.numpy(), -(q * logp).sum(axis=1), rtol=1e-13)


def test_cross_entropy_probability_targets():
    q = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    logp = _logp(LOGITS)
    xv, qv = tg.tensor(LOGITS, requires_grad=True), tg.tensor(q, requires_grad=True)
    out = F.cross_entropy(xv, qv)
    out.backward()
    np.testing.assert_allclose(out.item(), -(q * logp).sum() / 3, rtol=1e-13)
    np.testing.assert_allclose(xv.grad.numpy(), (np.exp(logp) * q.sum(1, keepdims=True) - q) / 3, rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(qv.grad.numpy(), -logp / 3, rtol=1e-13)
    weighted = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(q), weight=tg.tensor(W), reduction="none")
    np.testing.assert_allclose(weighted.numpy(), -(q * logp * W).sum(axis=1), rtol=1e-13)
    smoothed = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(q), label_smoothing=0.3, reduction="sum")
    np.testing.assert_allclose(smoothed.item(), -((q * 0.7 + 0.3 / 4) * logp).sum(), rtol=1e-13)


def test_cross_entropy_nd_and_unbatched_inputs():
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    t = np.array([[0, 3, 1], [2, 2, 0]])
    logp = _logp(x, axis=1)
    expected = -np.take_along_axis(logp, t[:, None], axis=1)[:, 0]
    out = F.cross_entropy(tg.tensor(x), tg.tensor(t), reduction="none")
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-13)
    one = F.cross_entropy(tg.tensor(LOGITS[0]), tg.tensor(3))
    assert one.shape == () and abs(one.item() + _logp(LOGITS[:1])[0, 3]) < 1e-14


def test_cross_entropy_is_stable_for_large_logits():
    x = LOGITS * 1000
    out, g = _run(lambda v: F.cross_entropy(v, tg.tensor(TARGET)), x)
    assert np.isfinite(out) and np.all(np.isfinite(g))
    np.testing.assert_allclose(out, -_logp(x)[np.arange(3), TARGET].mean(), rtol=1e-13)
    bce = F.binary_cross_entropy_with_logits(tg.tensor([1000.0, -1000.0]), tg.tensor([0.0, 1.0]))
    np.testing.assert_allclose(bce.item(), 1000.0, rtol=1e-15)


def test_classification_loss_errors():
    x = tg.tensor(LOGITS)
    cases = [
        (lambda: F.cross_entropy(x, tg.tensor([0, 1, 4])), IndexError, "Target 4 is out of bounds"),
        (lambda: F.nll_loss(x, tg.tensor([0, -1, 1])), IndexError, "Target -1 is out of bounds"),
        (lambda: F.cross_entropy(x, tg.tensor([0, 1])), ValueError,
         r"Expected input batch_size \(3\) to match target batch_size \(2\)"),
        (lambda: F.cross_entropy(x, tg.tensor([0.0, 1.0, 2.0])), RuntimeError,
         "expected target dtype to be Long or Byte, but got Double"),
        (lambda: F.cross_entropy(x, tg.zeros(3, 4, dtype=tg.int64)), RuntimeError,
         "Expected floating point type for target with class probabilities, got Long"),
        (lambda: F.cross_entropy(x, tg.tensor(TARGET), weight=tg.ones(3)), RuntimeError,
         "weight tensor should be defined either for all 4 classes"),
        (lambda: F.cross_entropy(x, tg.tensor(TARGET), label_smoothing=1.5), RuntimeError,
         "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
        (lambda: F.cross_entropy(x, tg.tensor(TARGET), reduction="avg"), ValueError,
         "avg is not a valid value for reduction"),
        (lambda: F.nll_loss(tg.zeros(2, 3, 4), tg.zeros(2, 5, dtype=tg.int64)), RuntimeError,
         r"Expected target size \[2, 4\], got \[2, 5\]"),
        (lambda: F.nll_loss(x, tg.zeros(3, 4, dtype=tg.int64)), RuntimeError, "multi-target not supported"),
        (lambda: F.cross_entropy(x, tg.zeros(3, 4), ignore_index=1), RuntimeError,
         "ignore_index is not supported for floating point target"),
    ]
    for call, kind, msg in cases:
        with pytest.raises(kind, match=msg):
            call()


# ---------------------------------------------------------------- binary cross entropy
P = np.array([[0.1, 0.8, 0.5], [0.999, 0.3, 0.02]])
Y = np.array([[0.0, 1.0, 0.3], [1.0, 0.0, 0.5]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction):
    per = -(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    out, g = _run(lambda v: F.binary_cross_entropy(v, tg.tensor(Y), reduction=reduction), P)
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    n = P.size if reduction == "mean" else 1
    np.testing.assert_allclose(g, (P - Y) / (P * (1 - P)) / n, rtol=1e-12)


def test_binary_cross_entropy_weight_clamp_and_target_gradient():
    w = np.array([2.0, 0.5, 1.0])
    out = F.binary_cross_entropy(tg.tensor(P), tg.tensor(Y), weight=tg.tensor(w), reduction="sum")
    np.testing.assert_allclose(out.item(), (-(Y * np.log(P) + (1 - Y) * np.log(1 - P)) * w).sum(), rtol=1e-13)
    # log(0) is clamped at -100: a confident wrong answer costs 100, not inf
    assert F.binary_cross_entropy(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 0.0]), reduction="none").tolist() \
        == [100.0, 100.0]
    t = tg.tensor(Y, requires_grad=True)
    F.binary_cross_entropy(tg.tensor(P), t, reduction="sum").backward()
    np.testing.assert_allclose(t.grad.numpy(), np.log(1 - P) - np.log(P), rtol=1e-12)
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(tg.tensor([1.5]), tg.tensor([1.0]))
    with pytest.raises(ValueError, match="that is different to the input size"):
        F.binary_cross_entropy(tg.tensor([0.5, 0.5]), tg.tensor([0.0, 1.0, 1.0]))


def test_bce_with_logits_matches_sigmoid_then_bce_and_pos_weight():
    x = np.array([[-3.0, 0.5, 2.0], [0.1, -0.7, 4.0]])
    s = 1 / (1 + np.exp(-x))
    pw = np.array([1.0, 3.0, 0.5])
    w = np.array([[1.0, 2.0, 0.5], [0.3, 1.0, 1.0]])
    per = -(pw * Y * np.log(s) + (1 - Y) * np.log(1 - s)) * w
    xv, yv = tg.tensor(x, requires_grad=True), tg.tensor(Y, requires_grad=True)
    out = F.binary_cross_entropy_with_logits(xv, yv, weight=tg.tensor(w), pos_weight=tg.tensor(pw))
    out.backward()
    np.testing.assert_allclose(out.item(), per.mean(), rtol=1e-13)
    np.testing.assert_allclose(xv.grad.numpy(), w * ((pw * Y + 1 - Y) * s - pw * Y) / 6, rtol=1e-12)
    np.testing.assert_allclose(yv.grad.numpy(), -w * (pw * np.log(s) - np.log(1 - s)) / 6, rtol=1e-12)
    plain = F.binary_cross_entropy_with_logits(tg.tensor(x), tg.tensor(Y), reduction="none")
    np.testing.assert_allclose(plain.numpy(), -(Y * np.log(s) + (1 - Y) * np.log(1 - s)), rtol=1e-12)
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(tg.tensor([0.5, 0.5]), tg.tensor([0.0, 1.0, 1.0]))


# ---------------------------------------------------------------- regression losses
A = np.array([[0.3, -2.0, 1.5], [4.0, 0.0, -0.25]])
B = np.array([[0.0, 0.5, 1.0], [1.0, 0.1, 0.5]])


def test_l1_loss_and_weight():
    out, g = _run(lambda v: F.l1_loss(v, tg.tensor(B)), A)
    np.testing.assert_allclose(out, np.abs(A - B).mean(), rtol=1e-14)
    np.testing.assert_allclose(g, np.sign(A - B) / 6, rtol=1e-14)
    w = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 1.0]])
    weighted = F.l1_loss(tg.tensor(A), tg.tensor(B), weight=tg.tensor(w))
    np.testing.assert_allclose(weighted.item(), (np.abs(A - B) * w).sum() / w.sum(), rtol=1e-14)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        F.l1_loss(tg.tensor(A), tg.tensor(B), weight=tg.ones(3))


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_smooth_l1_loss(beta):
    d = A - B
    per = np.where(np.abs(d) < beta, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta)
    out, g = _run(lambda v: F.smooth_l1_loss(v, tg.tensor(B), reduction="sum", beta=beta), A)
    np.testing.assert_allclose(out, per.sum(), rtol=1e-13)
    np.testing.assert_allclose(g, np.where(np.abs(d) < beta, d / beta, np.sign(d)), rtol=1e-13)


@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
def test_huber_loss(delta):
    d = A - B
    per = np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))
    out, g = _run(lambda v: F.huber_loss(v, tg.tensor(B), delta=delta), A)
    np.testing.assert_allclose(out, per.mean(), rtol=1e-13)
    np.testing.assert_allclose(g, np.where(np.abs(d) < delta, d, delta * np.sign(d)) / 6, rtol=1e-13)


def test_regression_loss_edge_cases_and_errors():
    zero_beta = F.smooth_l1_loss(tg.tensor(A), tg.tensor(B), beta=0.0)
    np.testing.assert_allclose(zero_beta.item(), np.abs(A - B).mean(), rtol=1e-14)
    with pytest.raises(RuntimeError, match="does not support negative values for beta"):
        F.smooth_l1_loss(tg.tensor(A), tg.tensor(B), beta=-1.0)
    with pytest.raises(RuntimeError, match="does not support non-positive values for delta"):
        F.huber_loss(tg.tensor(A), tg.tensor(B), delta=0.0)
    with pytest.warns(UserWarning, match="different to the input size"):
        F.l1_loss(tg.tensor([1.0, 2.0]), tg.tensor([[1.0], [2.0]]))
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            F.huber_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0, 3.0]))


# ---------------------------------------------------------------- modules
def test_loss_modules_match_functions_and_keep_weights_as_buffers():
    x, t = tg.tensor(LOGITS), tg.tensor(TARGET)
    ce = nn.CrossEntropyLoss(weight=tg.tensor(W), ignore_index=1, label_smoothing=0.1)
    assert repr(ce) == "CrossEntropyLoss()" and list(ce.state_dict()) == ["weight"]
    assert ce(x, t).item() == F.cross_entropy(x, t, weight=tg.tensor(W), ignore_index=1,
                                              label_smoothing=0.1).item()
    assert nn.NLLLoss(reduction="sum")(x, t).item() == F.nll_loss(x, t, reduction="sum").item()
    p, y = tg.tensor(P), tg.tensor(Y)
    assert nn.BCELoss()(p, y).item() == F.binary_cross_entropy(p, y).item()
    bl = nn.BCEWithLogitsLoss(pos_weight=tg.tensor([2.0, 1.0, 1.0]))
    assert list(bl.state_dict()) == ["pos_weight"]
    pw = tg.tensor([2.0, 1, 1])
    assert bl(p, y).item() == F.binary_cross_entropy_with_logits(p, y, pos_weight=pw).item()
    a, b = tg.tensor(A), tg.tensor(B)
    assert nn.L1Loss()(a, b).item() == F.l1_loss(a, b).item()
    assert nn.SmoothL1Loss(beta=0.5)(a, b).item() == F.smooth_l1_loss(a, b, beta=0.5).item()
    assert nn.HuberLoss(delta=2.0)(a, b).item() == F.huber_loss(a, b, delta=2.0).item()
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        nn.L1Loss(reduction="avg")(a, b)


def test_legacy_size_average_and_reduce_map_to_reduction():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.L1Loss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.CrossEntropyLoss(reduce=False).reduction == "none"
    with pytest.warns(UserWarning):
        out = F.nll_loss(tg.tensor(_logp(LOGITS)), tg.tensor(TARGET), size_average=False)
    np.testing.assert_allclose(out.item(), -_logp(LOGITS)[np.arange(3), TARGET].sum(), rtol=1e-14)


def test_a_classifier_trains_with_cross_entropy():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(2, 8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 2))
    opt = tg.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = nn.CrossEntropyLoss()
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = loss_fn(model(tg.tensor(x)), tg.tensor(y))
        first = first if first is not None else loss.item()
        loss.backward()
        opt.step()
    model.eval()
    acc = (model(tg.tensor(x)).argmax(1).numpy() == y).mean()
    assert loss.item() < first / 3 and acc > 0.9
