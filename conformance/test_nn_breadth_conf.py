"""nn breadth against PyTorch, float64 on random inputs: the softmax family, activations, losses,
dropout, one_hot, Embedding and Unflatten (values and gradients to 1e-10, reprs, error classes and
key words)."""

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import check, check_raises, f64  # noqa: E402


def _rand(seed, *shape, lo=-3.0, hi=3.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


def _long(T, data):
    return T.tensor(data, dtype=T.int64)


def _value_and_grads(T, fn, *arrays, upstream_seed=99):
    """fn on float64 leaves; backward of sum(out * u) with a random u; (out, grads)."""
    xs = [f64(T, a, True) for a in arrays]
    out = fn(*xs)
    u = f64(T, np.random.default_rng(upstream_seed).uniform(-1, 1, size=tuple(out.shape)))
    (out * u).sum().backward()
    return {"out": out, "grads": [x.grad for x in xs]}


# ---------------------------------------------------------------- softmax family
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_values_and_grads(name, dim, seed):
    x = _rand(seed, 3, 4)
    check(lambda T: _value_and_grads(T, lambda v: getattr(T.nn.functional, name)(v, dim=dim), x))
    check(lambda T: _value_and_grads(T, lambda v: getattr(v, name)(dim), x))
    check(lambda T: _value_and_grads(T, lambda v: getattr(T, name)(v, dim), x))


def test_softmax_family_at_large_inputs(seed):
    x = _rand(seed, 2, 5) * 400 + 1000
    for name in ("softmax", "log_softmax"):
        check(lambda T, name=name: _value_and_grads(T, lambda v: getattr(v, name)(1), x))
    check(lambda T: _value_and_grads(T, lambda v: v.logsumexp(1), x))


@pytest.mark.parametrize("dim,keepdim", [(0, False), (1, True), ((0, 1), False), (-1, False)])
def test_logsumexp(dim, keepdim, seed):
    x = _rand(seed, 3, 4)
    check(lambda T: _value_and_grads(T, lambda v: T.logsumexp(v, dim, keepdim=keepdim), x))
    check(lambda T: _value_and_grads(T, lambda v: v.logsumexp(dim, keepdim), x))


def test_softmax_0d_implicit_dim_and_modules():
    def program(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            implicit = [T.nn.functional.softmax(f64(T, _rand(0, *s))) for s in [(4,), (2, 3), (2, 3, 2)]]
            module = T.nn.LogSoftmax()(f64(T, _rand(1, 2, 3)))
        return {"0d": T.tensor(2.0, dtype=T.float64).softmax(0), "implicit": implicit, "module": module,
                "reprs": [repr(T.nn.Softmax(1)), repr(T.nn.Softmax()), repr(T.nn.LogSoftmax(dim=0))]}

    check(program)


def test_softmax_errors():
    check_raises(lambda T: f64(T, _rand(0, 2, 3)).softmax(2), "Dimension out of range")
    check_raises(lambda T: f64(T, 1.0).log_softmax(1), "Dimension out of range")
    check_raises(lambda T: T.tensor([1, 2]).softmax(0), "not implemented for 'Long'")


# ---------------------------------------------------------------- activations
ACTIVATIONS = {
    "leaky_relu": lambda T, v: T.nn.functional.leaky_relu(v),
    "leaky_relu_0.3": lambda T, v: T.nn.functional.leaky_relu(v, negative_slope=0.3),
    "elu": lambda T, v: T.nn.functional.elu(v),
    "elu_0.5": lambda T, v: T.nn.functional.elu(v, alpha=0.5),
    "gelu": lambda T, v: T.nn.functional.gelu(v),
    "gelu_tanh": lambda T, v: T.nn.functional.gelu(v, approximate="tanh"),
    "silu": lambda T, v: T.nn.functional.silu(v),
    "softplus": lambda T, v: T.nn.functional.softplus(v),
    "softplus_b2_t3": lambda T, v: T.nn.functional.softplus(v, beta=2.0, threshold=3.0),
    "LeakyReLU": lambda T, v: T.nn.LeakyReLU(0.2)(v),
    "ELU": lambda T, v: T.nn.ELU(0.7)(v),
    "GELU": lambda T, v: T.nn.GELU()(v),
    "GELU_tanh": lambda T, v: T.nn.GELU("tanh")(v),
    "SiLU": lambda T, v: T.nn.SiLU()(v),
    "Softplus": lambda T, v: T.nn.Softplus(beta=0.5, threshold=2.0)(v),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_values_and_grads(name, seed):
    # tanh-GELU below about -4: its gradient is 1 + tanh(...) ~ 1e-9, a cancellation whose last
    # bits depend on the tanh implementation (numpy's vs PyTorch's SLEEF): not comparable to 1e-10
    x = _rand(seed, 3, 4, lo=-4 if "tanh" in name else -6, hi=6)
    x[x == 0] = 0.5
    check(lambda T: _value_and_grads(T, lambda v: ACTIVATIONS[name](T, v), x))


@pytest.mark.parametrize("name", ["elu", "gelu", "silu", "softplus"])
def test_activation_far_tails(name):
    x = np.array([-700.0, -40.0, -12.5, 12.5, 40.0, 700.0])
    check(lambda T: _value_and_grads(T, lambda v: ACTIVATIONS[name](T, v), x))


def test_activation_reprs_and_errors():
    check(lambda T: [repr(m) for m in [
        T.nn.LeakyReLU(), T.nn.LeakyReLU(0.2, True), T.nn.ELU(), T.nn.ELU(0.5, True), T.nn.GELU(),
        T.nn.GELU("tanh"), T.nn.SiLU(), T.nn.SiLU(True), T.nn.Softplus(), T.nn.Softplus(2, 10),
        T.nn.Dropout(), T.nn.Dropout(0.2, inplace=True), T.nn.Unflatten(1, (2, 5))]])
    check_raises(lambda T: T.nn.functional.gelu(f64(T, [1.0]), approximate="fast"),
                 "approximate argument must be either none or tanh")
    check_raises(lambda T: T.nn.functional.leaky_relu(f64(T, [1.0], True), inplace=True), "leaf")


# ---------------------------------------------------------------- cross_entropy / nll_loss
CE_CONFIGS = {
    "mean": {},
    "sum": {"reduction": "sum"},
    "none": {"reduction": "none"},
    "weight": {"weight": [0.5, 2.0, 1.0, 3.0]},
    "weight_sum": {"weight": [0.5, 2.0, 1.0, 3.0], "reduction": "sum"},
    "ignore": {"ignore_index": 1},
    "weight_ignore_none": {"weight": [0.5, 2.0, 1.0, 3.0], "ignore_index": 1, "reduction": "none"},
    "smooth": {"label_smoothing": 0.15},
    "smooth_weight_ignore": {"label_smoothing": 0.3, "weight": [0.5, 2.0, 1.0, 3.0], "ignore_index": 1},
    "smooth_sum": {"label_smoothing": 0.3, "reduction": "sum", "ignore_index": 1},
    "smooth_none": {"label_smoothing": 0.3, "reduction": "none"},
}
TARGETS = [3, 1, 0, 2, 1]


def _kw(T, cfg):
    kw = dict(cfg)
    if "weight" in kw:
        kw["weight"] = f64(T, kw["weight"])
    return kw


@pytest.mark.parametrize("cfg", list(CE_CONFIGS))
def test_cross_entropy_class_indices(cfg, seed):
    x = _rand(seed, 5, 4)
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.functional.cross_entropy(v, _long(T, TARGETS), **_kw(T, CE_CONFIGS[cfg])), x))
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.CrossEntropyLoss(**_kw(T, CE_CONFIGS[cfg]))(v, _long(T, TARGETS)), x))


@pytest.mark.parametrize("cfg", ["mean", "sum", "none", "weight", "weight_ignore_none", "ignore"])
def test_nll_loss(cfg, seed):
    x = _rand(seed, 5, 4)
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.functional.nll_loss(v.log_softmax(1), _long(T, TARGETS),
                                              **_kw(T, CE_CONFIGS[cfg])), x))
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.NLLLoss(**_kw(T, CE_CONFIGS[cfg]))(v, _long(T, TARGETS)), x))


@pytest.mark.parametrize("cfg", ["mean", "none", "smooth_weight_ignore"])
def test_cross_entropy_spatial_and_unbatched(cfg, seed):
    x = _rand(seed, 2, 4, 3, 2)
    t = np.random.default_rng(seed).integers(0, 4, size=(2, 3, 2))
    t[0, 0, 0] = 1
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.functional.cross_entropy(v, _long(T, t), **_kw(T, CE_CONFIGS[cfg])), x))
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.functional.cross_entropy(v, _long(T, 2), **_kw(T, CE_CONFIGS[cfg])), x[0, :, 0, 0]))


@pytest.mark.parametrize("cfg", ["mean", "sum", "none", "weight", "smooth", "smooth_none"])
def test_cross_entropy_probability_targets(cfg, seed):
    x, p = _rand(seed, 3, 4), _rand(seed + 10, 3, 4, lo=0.0, hi=1.0)
    check(lambda T: _value_and_grads(
        T, lambda v, q: T.nn.functional.cross_entropy(v, q, **_kw(T, CE_CONFIGS[cfg])), x, p))
    x4, p4 = _rand(seed, 2, 4, 2), _rand(seed + 10, 2, 4, 2, lo=0.0, hi=1.0)
    check(lambda T: _value_and_grads(
        T, lambda v, q: T.nn.functional.cross_entropy(v, q, **_kw(T, CE_CONFIGS[cfg])), x4, p4))


def test_cross_entropy_large_logits_and_all_ignored(seed):
    x = _rand(seed, 5, 4) * 500
    check(lambda T: _value_and_grads(T, lambda v: T.nn.functional.cross_entropy(v, _long(T, TARGETS)), x))
    check(lambda T: _value_and_grads(
        T, lambda v: T.nn.functional.cross_entropy(v, _long(T, [-100] * 5), reduction="sum"), x))
    check(lambda T: T.nn.functional.nll_loss(f64(T, x), _long(T, [-100] * 5)))


def test_classification_errors():
    def f(T):
        return T.nn.functional

    x = _rand(0, 3, 4)
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), _long(T, [0, 1, 5])), "Target 5 is out of bounds")
    check_raises(lambda T: f(T).nll_loss(f64(T, x), _long(T, [0, -1, 1])), "Target -1 is out of bounds")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), _long(T, [0, 1])),
                 "Expected input batch_size (3) to match target batch_size (2)")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), f64(T, [0.0, 1, 2])),
                 "expected target dtype to be Long or Byte")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), T.zeros(3, 4, dtype=T.int64)),
                 "Expected floating point type for target with class probabilities, got Long")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), _long(T, [0, 1, 2]), weight=f64(T, [1.0, 1, 1])),
                 "weight tensor should be defined either for all 4 classes or no classes")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), _long(T, [0, 1, 2]), label_smoothing=1.5),
                 "label_smoothing must be between 0.0 and 1.0. Got: 1.5")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), _long(T, [0, 1, 2]), reduction="avg"),
                 "avg is not a valid value for reduction")
    check_raises(lambda T: f(T).nll_loss(f64(T, _rand(0, 2, 3, 4)), T.zeros(2, 5, dtype=T.int64)),
                 "Expected target size [2, 4], got [2, 5]")
    check_raises(lambda T: f(T).nll_loss(f64(T, x), T.zeros(3, 4, dtype=T.int64)),
                 "0D or 1D target tensor expected, multi-target not supported")
    check_raises(lambda T: f(T).cross_entropy(f64(T, x), f64(T, x), ignore_index=1),
                 "ignore_index is not supported for floating point target")


# ---------------------------------------------------------------- binary cross entropy
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted, seed):
    x, t = _rand(seed, 3, 4, lo=0.02, hi=0.98), _rand(seed + 1, 3, 4, lo=0.0, hi=1.0)
    w = _rand(seed + 2, 4, lo=0.1, hi=2.0)

    def program(T):
        kw = {"weight": f64(T, w)} if weighted else {}
        return [_value_and_grads(T, lambda a, b: T.nn.functional.binary_cross_entropy(
                    a, b, reduction=reduction, **kw), x, t),
                _value_and_grads(T, lambda a, b: T.nn.BCELoss(reduction=reduction, **kw)(a, b), x, t)]

    check(program)


def test_binary_cross_entropy_clamp_at_the_ends():
    check(lambda T: _value_and_grads(T, lambda a: T.nn.functional.binary_cross_entropy(
        a, f64(T, [1.0, 0.0, 0.5, 1.0]), reduction="none"), np.array([0.0, 1.0, 1e-50, 1e-50])))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("extra", ["plain", "weight", "pos_weight", "both"])
def test_bce_with_logits(reduction, extra, seed):
    x, t = _rand(seed, 3, 4, lo=-8, hi=8), _rand(seed + 1, 3, 4, lo=0.0, hi=1.0)
    w, pw = _rand(seed + 2, 3, 1, lo=0.1, hi=2.0), _rand(seed + 3, 4, lo=0.2, hi=4.0)

    def program(T):
        kw = {}
        if extra in ("weight", "both"):
            kw["weight"] = f64(T, w)
        if extra in ("pos_weight", "both"):
            kw["pos_weight"] = f64(T, pw)
        return [_value_and_grads(T, lambda a, b: T.nn.functional.binary_cross_entropy_with_logits(
                    a, b, reduction=reduction, **kw), x, t),
                _value_and_grads(T, lambda a, b: T.nn.BCEWithLogitsLoss(reduction=reduction, **kw)(a, b),
                                 x, t)]

    check(program)


def test_bce_with_logits_extreme_logits():
    x = np.array([-1000.0, -50.0, 50.0, 1000.0])
    check(lambda T: _value_and_grads(T, lambda a: T.nn.functional.binary_cross_entropy_with_logits(
        a, f64(T, [1.0, 0.0, 1.0, 0.0]), pos_weight=f64(T, [3.0]), reduction="none"), x))


def test_binary_errors():
    check_raises(lambda T: T.nn.functional.binary_cross_entropy(f64(T, [0.5, 1.5]), f64(T, [0.0, 1.0])),
                 "all elements of input should be between 0 and 1")
    check_raises(lambda T: T.nn.functional.binary_cross_entropy(f64(T, [0.5, 0.5]), f64(T, [0.0, 1, 1])),
                 "Using a target size", "that is different to the input size")
    check_raises(lambda T: T.nn.functional.binary_cross_entropy_with_logits(f64(T, [0.5, 0.5]),
                                                                            f64(T, [0.0, 1, 1])),
                 "must be the same as input size")


# ---------------------------------------------------------------- regression losses
REGRESSION = {
    "l1": lambda T, a, b, r: T.nn.functional.l1_loss(a, b, reduction=r),
    "L1Loss": lambda T, a, b, r: T.nn.L1Loss(reduction=r)(a, b),
    "smooth_l1": lambda T, a, b, r: T.nn.functional.smooth_l1_loss(a, b, reduction=r),
    "smooth_l1_beta0.4": lambda T, a, b, r: T.nn.SmoothL1Loss(reduction=r, beta=0.4)(a, b),
    "smooth_l1_beta0": lambda T, a, b, r: T.nn.functional.smooth_l1_loss(a, b, reduction=r, beta=0.0),
    "huber": lambda T, a, b, r: T.nn.functional.huber_loss(a, b, reduction=r),
    "huber_delta2.5": lambda T, a, b, r: T.nn.HuberLoss(reduction=r, delta=2.5)(a, b),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(REGRESSION))
def test_regression_losses(name, reduction, seed):
    a, b = _rand(seed, 3, 4), _rand(seed + 1, 3, 4)
    check(lambda T: _value_and_grads(T, lambda x, y: REGRESSION[name](T, x, y, reduction), a, b))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weighted_l1_and_huber(reduction, seed):
    a, b, w = _rand(seed, 3, 4), _rand(seed + 1, 3, 4), _rand(seed + 2, 3, 4, lo=0.1, hi=2.0)
    check(lambda T: _value_and_grads(T, lambda x, y: T.nn.functional.l1_loss(
        x, y, reduction=reduction, weight=f64(T, w)), a, b))
    check(lambda T: _value_and_grads(T, lambda x, y: T.nn.functional.huber_loss(
        x, y, reduction=reduction, delta=0.8, weight=f64(T, w)), a, b))


def test_regression_broadcast_and_errors():
    def program(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _value_and_grads(T, lambda x, y: T.nn.functional.smooth_l1_loss(x, y), _rand(0, 3, 1),
                                    _rand(1, 4))

    check(program)
    a, b = _rand(0, 3), _rand(1, 3)
    check_raises(lambda T: T.nn.functional.smooth_l1_loss(f64(T, a), f64(T, b), beta=-1.0),
                 "smooth_l1_loss does not support negative values for beta")
    check_raises(lambda T: T.nn.functional.huber_loss(f64(T, a), f64(T, b), delta=0.0),
                 "huber_loss does not support non-positive values for delta")
    check_raises(lambda T: T.nn.functional.l1_loss(f64(T, a), f64(T, b), weight=f64(T, [1.0])),
                 "Weights and input must have the same size")
    check_raises(lambda T: T.nn.L1Loss(reduction="avg")(f64(T, a), f64(T, b)), "avg")


def test_loss_module_reprs_buffers_and_legacy_arguments():
    def program(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            legacy = [T.nn.L1Loss(size_average=False).reduction, T.nn.NLLLoss(reduce=False).reduction,
                      T.nn.BCELoss(size_average=True, reduce=True).reduction]
        ce = T.nn.CrossEntropyLoss(weight=f64(T, [1.0, 2.0]), label_smoothing=0.1)
        bl = T.nn.BCEWithLogitsLoss(pos_weight=f64(T, [2.0]))
        plain = [T.nn.NLLLoss(), T.nn.BCELoss(), T.nn.L1Loss(), T.nn.SmoothL1Loss(), T.nn.HuberLoss()]
        return {"legacy": legacy, "ce": (repr(ce), list(ce.state_dict())),
                "bl": (repr(bl), list(bl.state_dict())), "reprs": [repr(m) for m in plain],
                "reductions": [T.nn.HuberLoss().reduction, T.nn.SmoothL1Loss(reduction="sum").reduction]}

    check(program)


# ---------------------------------------------------------------- dropout, one_hot
def test_dropout_deterministic_cases():
    def program(T):
        x = f64(T, _rand(0, 3, 4), True)
        zeros = T.nn.functional.dropout(x, 1.0)
        zeros.sum().backward()
        m = T.nn.Dropout(0.5)
        m.eval()
        return {"eval_is_input": T.nn.functional.dropout(x, 0.5, training=False) is x,
                "p0_is_input": T.nn.functional.dropout(x, 0.0) is x, "module_eval": m(x) is x,
                "zeros": zeros, "grad": x.grad}

    check(program)
    check_raises(lambda T: T.nn.functional.dropout(f64(T, [1.0]), 1.5),
                 "dropout probability has to be between 0 and 1, but got 1.5")
    check_raises(lambda T: T.nn.Dropout(-0.1), "dropout probability has to be between 0 and 1")


def test_dropout_training_statistics():
    def program(T):
        T.manual_seed(0)
        y = T.nn.functional.dropout(T.ones(400, 250, dtype=T.float64), 0.25).numpy()
        kept = y != 0
        return {"kept_value": bool(np.allclose(y[kept], 1 / 0.75)),
                "keep_rate_ok": bool(abs(kept.mean() - 0.75) < 0.005)}

    check(program)


def test_one_hot():
    check(lambda T: [T.nn.functional.one_hot(_long(T, [[0, 2], [1, 0]])),
                     T.nn.functional.one_hot(_long(T, [1, 0]), num_classes=4),
                     T.nn.functional.one_hot(_long(T, 2), 3),
                     T.nn.functional.one_hot(T.zeros(0, dtype=T.int64), 3)])
    check_raises(lambda T: T.nn.functional.one_hot(f64(T, [0.0, 1.0])), "LongTensor")
    check_raises(lambda T: T.nn.functional.one_hot(_long(T, [0, 3]), 2),
                 "Class values must be smaller than num_classes")
    check_raises(lambda T: T.nn.functional.one_hot(_long(T, [0, -1])), "Class values must be non-negative")
    check_raises(lambda T: T.nn.functional.one_hot(T.zeros(0, dtype=T.int64)),
                 "Can not infer total number of classes from empty tensor")


# ---------------------------------------------------------------- embedding, unflatten
@pytest.mark.parametrize("kw", [{}, {"padding_idx": 1}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
                                {"padding_idx": 0, "scale_grad_by_freq": True}])
def test_embedding_values_and_grads(kw, seed):
    w = _rand(seed, 5, 3)
    idx = [[0, 1, 4], [1, 1, 2]]
    check(lambda T: _value_and_grads(T, lambda v: T.nn.functional.embedding(_long(T, idx), v, **kw), w))


def test_embedding_max_norm_renormalises_the_used_rows():
    def program(T):
        w = f64(T, _rand(3, 5, 3) * 2)
        out = T.nn.functional.embedding(_long(T, [0, 2, 2]), w, max_norm=1.5)
        return {"out": out, "weight": w}

    check(program)


def test_embedding_module():
    def program(T):
        T.manual_seed(0)
        e = T.nn.Embedding(6, 3, padding_idx=-2, dtype=T.float64)
        out = e(_long(T, [4, 0]))
        out.sum().backward()
        pre = T.nn.Embedding.from_pretrained(f64(T, [[1.0, 2.0], [3.0, 4.0]]))
        return {"repr": repr(e), "keys": list(e.state_dict()), "pad": e.padding_idx,
                "pad_row": e.weight[4].detach(), "grad_pad": e.weight.grad[4], "grad_0": e.weight.grad[0],
                "reprs": [repr(T.nn.Embedding(10, 3)), repr(T.nn.Embedding(10, 3, max_norm=1.0)),
                          repr(pre)],
                "frozen": pre.weight.requires_grad, "pre_out": pre(_long(T, [1, 0]))}

    check(program)


def test_embedding_errors():
    check_raises(lambda T: T.nn.functional.embedding(_long(T, [0, 5]), f64(T, _rand(0, 3, 2))),
                 "index out of range in self")
    check_raises(lambda T: T.nn.functional.embedding(_long(T, [0, -1]), f64(T, _rand(0, 3, 2))),
                 "index out of range in self")
    check_raises(lambda T: T.nn.functional.embedding(f64(T, [0.0]), f64(T, _rand(0, 3, 2))), "Long, Int")
    check_raises(lambda T: T.nn.Embedding(3, 2, padding_idx=3), "Padding_idx must be within num_embeddings")
    check_raises(lambda T: T.nn.Embedding(3, 2, padding_idx=-4), "Padding_idx must be within num_embeddings")


def test_unflatten():
    def program(T):
        x = f64(T, _rand(0, 2, 12), True)
        y = T.nn.Unflatten(1, (3, -1))(x)
        (y * f64(T, _rand(1, 2, 3, 4))).sum().backward()
        return {"y": y, "grad": x.grad, "list": T.nn.Unflatten(-1, [2, 6])(x).shape,
                "repr": repr(T.nn.Unflatten(1, (3, 4)))}

    check(program)
    check_raises(lambda T: T.nn.Unflatten(1, (2.0, 6)), "unflattened_size must be tuple of ints")
    check_raises(lambda T: T.nn.Unflatten(1, (5, 2))(f64(T, _rand(0, 2, 12))), "unflatten")
