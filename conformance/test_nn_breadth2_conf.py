"""nn breadth, second part, against PyTorch in float64: activations, distances, channel dropout,
shuffles, padding, 1-D/3-D and transposed convolutions, pooling (1-D/3-D, LP, adaptive, unpool,
fold/unfold), group/instance/local-response/RMS norms, interpolation, EmbeddingBag and the margin,
embedding, KL, Poisson, Gaussian and triplet losses.

Functions: value, gradient of every float input (a random upstream gradient), dtype. Modules:
output, gradients of the input and of every parameter (the parameters are set to the same numbers
in both libraries first), ``state_dict`` keys and shapes, repr, train/eval. Every name: one bad call
(same builtin exception class and key words of PyTorch's message)."""

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import assert_same, check, check_raises, f64, run_both  # noqa: E402


def _rand(seed, *shape, lo=-3.0, hi=3.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


def _long(T, data):
    return T.tensor(data, dtype=T.int64)


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def _value_and_grads(T, fn, *arrays, upstream_seed=99):
    """fn on float64 leaves; backward of sum(out * u) with a random u; (out, grads)."""
    xs = [f64(T, a, True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(*xs)
    y = _first(out)
    u = f64(T, np.random.default_rng(upstream_seed).uniform(-1, 1, size=tuple(y.shape)))
    (y * u).sum().backward()
    return {"out": out, "dtype": y.dtype, "grads": [x.grad for x in xs]}


# PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32 (a 3e-8 relative error in
# float64): its gradients are compared to 1e-7, everything else to 1e-10.
LOOSE_GRADS = {"hardsigmoid", "Hardsigmoid"}


def _check(name, program):
    if name not in LOOSE_GRADS:
        check(program)
        return
    ours, ref = run_both(program)
    for key in ("grads", "param_grads"):
        for a, b in zip(ours.pop(key, []), ref.pop(key, [])):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-7, atol=1e-300)
    assert_same(ours, ref)


def _pos(seed, *shape):
    return _rand(seed, *shape, lo=0.3, hi=2.0)


A = (3, 4, 5)  # a default (N, C, L) input
FUNCTIONS = {  # name: (call(T, F, *inputs), input arrays from a seed)
    "max_unpool1d": (
        lambda T, F, x: F.max_unpool1d(*F.max_pool1d(x, 2, return_indices=True), 2, output_size=(9,)),
        lambda s: [_rand(s, 2, 3, 9)],
    ),
    "max_unpool2d": (
        lambda T, F, x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2, output_size=(4, 5)),
        lambda s: [_rand(s, 2, 3, 4, 5)],
    ),
    "max_unpool3d": (
        lambda T, F, x: F.max_unpool3d(*F.max_pool3d(x, 2, return_indices=True), 2, output_size=(5, 4, 5)),
        lambda s: [_rand(s, 2, 5, 4, 5)],
    ),
    "hardtanh": (lambda T, F, x: F.hardtanh(x, -1.5, 2.0), lambda s: [_rand(s, *A)]),
    "relu6": (lambda T, F, x: F.relu6(x * 3), lambda s: [_rand(s, *A)]),
    "selu": (lambda T, F, x: F.selu(x), lambda s: [_rand(s, *A)]),
    "celu": (lambda T, F, x: F.celu(x, 0.5), lambda s: [_rand(s, *A)]),
    "glu": (lambda T, F, x: F.glu(x, 1), lambda s: [_rand(s, 3, 4, 5)]),
    "hardshrink": (lambda T, F, x: F.hardshrink(x, 0.8), lambda s: [_rand(s, *A)]),
    "softshrink": (lambda T, F, x: F.softshrink(x, 0.8), lambda s: [_rand(s, *A)]),
    "hardsigmoid": (lambda T, F, x: F.hardsigmoid(x * 2), lambda s: [_rand(s, *A)]),
    "hardswish": (lambda T, F, x: F.hardswish(x * 2), lambda s: [_rand(s, *A)]),
    "logsigmoid": (lambda T, F, x: F.logsigmoid(x * 2), lambda s: [_rand(s, *A)]),
    "mish": (lambda T, F, x: F.mish(x), lambda s: [_rand(s, *A)]),
    "softmin": (lambda T, F, x: F.softmin(x, 1), lambda s: [_rand(s, *A)]),
    "softsign": (lambda T, F, x: F.softsign(x), lambda s: [_rand(s, *A)]),
    "tanhshrink": (lambda T, F, x: F.tanhshrink(x), lambda s: [_rand(s, *A)]),
    "threshold": (lambda T, F, x: F.threshold(x, 0.3, -2.0), lambda s: [_rand(s, *A)]),
    "rrelu": (lambda T, F, x: F.rrelu(x, 0.1, 0.3), lambda s: [_rand(s, *A)]),
    "prelu": (lambda T, F, x, w: F.prelu(x, w), lambda s: [_rand(s, *A), _rand(s + 1, 4)]),
    "normalize": (lambda T, F, x: F.normalize(x, p=3, dim=2), lambda s: [_rand(s, *A)]),
    "cosine_similarity": (
        lambda T, F, a, b: F.cosine_similarity(a, b, dim=2),
        lambda s: [_rand(s, *A), _rand(s + 1, 4, 5)],
    ),
    "pairwise_distance": (
        lambda T, F, a, b: F.pairwise_distance(a, b, p=1.5, keepdim=True),
        lambda s: [_rand(s, 6, 5), _rand(s + 1, 6, 5)],
    ),
    "pdist": (lambda T, F, x: F.pdist(x), lambda s: [_rand(s, 5, 3)]),
    "pixel_shuffle": (lambda T, F, x: F.pixel_shuffle(x, 2), lambda s: [_rand(s, 2, 8, 3, 2)]),
    "pixel_unshuffle": (lambda T, F, x: F.pixel_unshuffle(x, 2), lambda s: [_rand(s, 2, 2, 4, 6)]),
    "channel_shuffle": (lambda T, F, x: F.channel_shuffle(x, 3), lambda s: [_rand(s, 2, 6, 2, 2)]),
    "bilinear": (
        lambda T, F, a, b, w, c: F.bilinear(a, b, w, c),
        lambda s: [_rand(s, 4, 3), _rand(s + 1, 4, 2), _rand(s + 2, 5, 3, 2), _rand(s + 3, 5)],
    ),
    "pad": (
        lambda T, F, x: [
            F.pad(x, (1, 2, -1, 1), value=0.5),
            F.pad(x, (2, 1), "reflect"),
            F.pad(x, (3, 1, 1, 0), "replicate"),
            F.pad(x, (2, -1), "circular"),
        ],
        lambda s: [_rand(s, 2, 3, 4)],
    ),
    "conv1d": (
        lambda T, F, x, w, b: F.conv1d(x, w, b, 2, 1, 2, 2),
        lambda s: [_rand(s, 2, 4, 9), _rand(s + 1, 6, 2, 3), _rand(s + 2, 6)],
    ),
    "conv3d": (
        lambda T, F, x, w, b: F.conv3d(x, w, b, (2, 1, 1), 1, (1, 1, 2), 2),
        lambda s: [_rand(s, 2, 4, 5, 4, 5), _rand(s + 1, 6, 2, 2, 3, 2), _rand(s + 2, 6)],
    ),
    "conv_transpose1d": (
        lambda T, F, x, w, b: F.conv_transpose1d(x, w, b, 2, 1, 1, 2, 2),
        lambda s: [_rand(s, 2, 4, 6), _rand(s + 1, 4, 3, 3), _rand(s + 2, 6)],
    ),
    "conv_transpose2d": (
        lambda T, F, x, w, b: F.conv_transpose2d(x, w, b, (2, 3), (1, 0), (1, 2), 2, (1, 2)),
        lambda s: [_rand(s, 2, 4, 4, 5), _rand(s + 1, 4, 3, 3, 2), _rand(s + 2, 6)],
    ),
    "conv_transpose3d": (
        lambda T, F, x, w, b: F.conv_transpose3d(x, w, b, (2, 1, 2), 1, (1, 0, 1), 1, 1),
        lambda s: [_rand(s, 2, 3, 3, 4, 3), _rand(s + 1, 3, 2, 3, 2, 3), _rand(s + 2, 2)],
    ),
    "max_pool1d": (lambda T, F, x: F.max_pool1d(x, 3, 2, 1, 1, True), lambda s: [_rand(s, 2, 3, 10)]),
    "max_pool1d_with_indices": (
        lambda T, F, x: F.max_pool1d_with_indices(x, 3, 2),
        lambda s: [_rand(s, 2, 3, 10)],
    ),
    "max_pool2d_with_indices": (
        lambda T, F, x: F.max_pool2d_with_indices(x, 2, 1, 1),
        lambda s: [_rand(s, 2, 3, 5, 4)],
    ),
    "max_pool3d": (
        lambda T, F, x: F.max_pool3d(x, (2, 3, 2), (1, 2, 2), (1, 1, 0), (2, 1, 1), True),
        lambda s: [_rand(s, 2, 2, 5, 6, 5)],
    ),
    "max_pool3d_with_indices": (
        lambda T, F, x: F.max_pool3d_with_indices(x, 2),
        lambda s: [_rand(s, 2, 4, 5, 4)],
    ),
    "avg_pool1d": (lambda T, F, x: F.avg_pool1d(x, 3, 2, 1, True, False), lambda s: [_rand(s, 2, 3, 10)]),
    "avg_pool3d": (
        lambda T, F, x: F.avg_pool3d(x, 3, 2, 1, True, False),
        lambda s: [_rand(s, 2, 2, 5, 6, 5)],
    ),
    "lp_pool1d": (lambda T, F, x: F.lp_pool1d(x, 2.0, 3, 2), lambda s: [_pos(s, 2, 3, 10)]),
    "lp_pool2d": (lambda T, F, x: F.lp_pool2d(x, 3.0, 2), lambda s: [_pos(s, 2, 3, 5, 4)]),
    "lp_pool3d": (lambda T, F, x: F.lp_pool3d(x, 1.5, 2, 1), lambda s: [_pos(s, 2, 3, 3, 4)]),
    "adaptive_avg_pool1d": (lambda T, F, x: F.adaptive_avg_pool1d(x, 4), lambda s: [_rand(s, 2, 3, 10)]),
    "adaptive_avg_pool3d": (
        lambda T, F, x: F.adaptive_avg_pool3d(x, (3, None, 2)),
        lambda s: [_rand(s, 2, 3, 5, 4, 7)],
    ),
    "adaptive_max_pool1d": (
        lambda T, F, x: F.adaptive_max_pool1d(x, 4, True),
        lambda s: [_rand(s, 2, 3, 10)],
    ),
    "adaptive_max_pool1d_with_indices": (
        lambda T, F, x: F.adaptive_max_pool1d_with_indices(x, 3),
        lambda s: [_rand(s, 3, 7)],
    ),
    "adaptive_max_pool2d": (
        lambda T, F, x: F.adaptive_max_pool2d(x, (3, 2)),
        lambda s: [_rand(s, 2, 3, 7, 5)],
    ),
    "adaptive_max_pool2d_with_indices": (
        lambda T, F, x: F.adaptive_max_pool2d_with_indices(x, 3),
        lambda s: [_rand(s, 2, 3, 7, 5)],
    ),
    "adaptive_max_pool3d": (lambda T, F, x: F.adaptive_max_pool3d(x, 2), lambda s: [_rand(s, 2, 5, 4, 5)]),
    "adaptive_max_pool3d_with_indices": (
        lambda T, F, x: F.adaptive_max_pool3d_with_indices(x, (2, 3, 2)),
        lambda s: [_rand(s, 2, 2, 5, 4, 5)],
    ),
    "unfold": (lambda T, F, x: F.unfold(x, (2, 3), (1, 2), 1, (2, 1)), lambda s: [_rand(s, 2, 3, 7, 9)]),
    "fold": (lambda T, F, x: F.fold(x, (5, 6), 2, 1, 1, 2), lambda s: [_rand(s, 2, 12, 12)]),
    "group_norm": (
        lambda T, F, x, w, b: F.group_norm(x, 2, w, b, 1e-3),
        lambda s: [_rand(s, 3, 4, 5), _rand(s + 1, 4), _rand(s + 2, 4)],
    ),
    "instance_norm": (
        lambda T, F, x, w, b: F.instance_norm(x, weight=w, bias=b),
        lambda s: [_rand(s, 3, 4, 5), _rand(s + 1, 4), _rand(s + 2, 4)],
    ),
    "local_response_norm": (
        lambda T, F, x: F.local_response_norm(x, 3, 0.1, 0.6, 2.0),
        lambda s: [_rand(s, 2, 5, 3, 4)],
    ),
    "rms_norm": (lambda T, F, x, w: F.rms_norm(x, (4, 5), w), lambda s: [_rand(s, *A), _rand(s + 1, 4, 5)]),
    "interpolate": (
        lambda T, F, x: [
            F.interpolate(x, scale_factor=1.7),
            F.interpolate(x, (3, 8), mode="bilinear"),
            F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=True),
            F.interpolate(x, (2, 3), mode="area"),
            F.interpolate(x, (7, 4), mode="nearest-exact"),
        ],
        lambda s: [_rand(s, 2, 3, 4, 5)],
    ),
    "upsample": (lambda T, F, x: F.upsample(x, 7, mode="linear"), lambda s: [_rand(s, 2, 3, 4)]),
    "upsample_nearest": (
        lambda T, F, x: F.upsample_nearest(x, scale_factor=2),
        lambda s: [_rand(s, 2, 2, 3, 4, 3)],
    ),
    "upsample_bilinear": (lambda T, F, x: F.upsample_bilinear(x, (5, 7)), lambda s: [_rand(s, 2, 3, 4, 3)]),
    "kl_div": (
        lambda T, F, x, t: F.kl_div(x, t.softmax(1), reduction="batchmean"),
        lambda s: [_rand(s, 4, 5), _rand(s + 1, 4, 5)],
    ),
    "margin_ranking_loss": (
        lambda T, F, a, b: F.margin_ranking_loss(a, b, f64(T, [1, -1, -1, 1, 1.0]), 0.5),
        lambda s: [_rand(s, 5), _rand(s + 1, 5)],
    ),
    "hinge_embedding_loss": (
        lambda T, F, x: F.hinge_embedding_loss(x, f64(T, [1, -1, -1, 1.0]), 2.0, reduction="none"),
        lambda s: [_rand(s, 3, 4)],
    ),
    "cosine_embedding_loss": (
        lambda T, F, a, b: F.cosine_embedding_loss(a, b, f64(T, [1, -1, -1.0]), 0.1),
        lambda s: [_rand(s, 3, 5), _rand(s + 1, 3, 5)],
    ),
    "soft_margin_loss": (
        lambda T, F, x: F.soft_margin_loss(x, f64(T, [1, -1, -1, 1.0]), reduction="sum"),
        lambda s: [_rand(s, 3, 4)],
    ),
    "multilabel_soft_margin_loss": (
        lambda T, F, x: F.multilabel_soft_margin_loss(
            x, f64(T, [[1, 0, 0, 1.0], [0, 1, 1, 1], [0, 0, 0, 1]]), f64(T, [1, 2, 0.5, 1])
        ),
        lambda s: [_rand(s, 3, 4)],
    ),
    "multi_margin_loss": (
        lambda T, F, x: [
            F.multi_margin_loss(x, _long(T, [0, 3, 2]), 2, 0.8, f64(T, [1, 2, 0.5, 1])),
            F.multi_margin_loss(x, _long(T, [1, 1, 2]), reduction="none"),
        ],
        lambda s: [_rand(s, 3, 4)],
    ),
    "multilabel_margin_loss": (
        lambda T, F, x: F.multilabel_margin_loss(
            x, _long(T, [[3, 0, -1, 1], [1, 2, 3, 0], [2, -1, 0, 0]]), reduction="none"
        ),
        lambda s: [_rand(s, 3, 4)],
    ),
    "poisson_nll_loss": (
        lambda T, F, x: [
            F.poisson_nll_loss(x, f64(T, [[0, 1, 5], [2, 3, 9.0]]), full=True),
            F.poisson_nll_loss(
                x.abs() + 0.1, f64(T, [[0, 1, 5], [2, 3, 9.0]]), log_input=False, reduction="sum"
            ),
        ],
        lambda s: [_rand(s, 2, 3)],
    ),
    "gaussian_nll_loss": (
        lambda T, F, x, t, v: [
            F.gaussian_nll_loss(x, t, v, full=True),
            F.gaussian_nll_loss(x, t, v[:, :1], reduction="none"),
        ],
        lambda s: [_rand(s, 4, 3), _rand(s + 1, 4, 3), _pos(s + 2, 4, 3)],
    ),
    "triplet_margin_loss": (
        lambda T, F, a, p, n: [
            F.triplet_margin_loss(a, p, n, 0.7, 3.0, swap=True),
            F.triplet_margin_loss(a, p, n, reduction="none"),
        ],
        lambda s: [_rand(s, 4, 5), _rand(s + 1, 4, 5), _rand(s + 2, 4, 5)],
    ),
    "triplet_margin_with_distance_loss": (
        lambda T, F, a, p, n: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5, swap=True
        ),
        lambda s: [_rand(s, 4, 5), _rand(s + 1, 4, 5), _rand(s + 2, 4, 5)],
    ),
}
IN_PLACE = {  # name: (call, the out-of-place twin's call)
    "relu_": (lambda F, x: F.relu_(x), lambda F, x: F.relu(x)),
    "elu_": (lambda F, x: F.elu_(x, 0.5), lambda F, x: F.elu(x, 0.5)),
    "leaky_relu_": (lambda F, x: F.leaky_relu_(x, 0.2), lambda F, x: F.leaky_relu(x, 0.2)),
    "hardtanh_": (lambda F, x: F.hardtanh_(x, -0.5, 1.0), lambda F, x: F.hardtanh(x, -0.5, 1.0)),
    "celu_": (lambda F, x: F.celu_(x, 2.0), lambda F, x: F.celu(x, 2.0)),
    "selu_": (lambda F, x: F.selu_(x), lambda F, x: F.selu(x)),
    "threshold_": (lambda F, x: F.threshold_(x, 0.1, 5.0), lambda F, x: F.threshold(x, 0.1, 5.0)),
}
SAMPLING = {  # grid_sample over its modes; affine_grid with the gradient reaching theta
    f"grid_sample-{mode}-{pad}-{align}": (
        lambda T, F, x, g, m=mode, p=pad, a=align: F.grid_sample(x, g, m, p, a),
        lambda s: [_rand(s, 2, 3, 4, 5), _rand(s + 1, 2, 3, 6, 2, lo=-1.3, hi=1.3)],
    )
    for mode in ("bilinear", "nearest")
    for pad in ("zeros", "border", "reflection")
    for align in (True, False)
}
SAMPLING["ctc_loss"] = (
    lambda T, F, x: [
        F.ctc_loss(
            x.log_softmax(2),
            _long(T, [[1, 2, 2], [3, 3, 0], [4, 1, 0]]),
            _long(T, [7, 6, 5]),
            _long(T, [3, 2, 1]),
        ),
        F.ctc_loss(
            x.log_softmax(2), _long(T, [1, 2, 3, 3, 1]), (7, 6, 5), (1, 2, 2), blank=4, reduction="none"
        ),
        F.ctc_loss(x[:, 0].log_softmax(1), _long(T, [1, 2]), _long(T, 7), _long(T, 2), reduction="sum"),
        F.ctc_loss(
            x.log_softmax(2),
            _long(T, [[1, 1, 1], [3, 3, 0], [4, 1, 0]]),
            (4, 6, 5),
            (3, 2, 0),
            zero_infinity=True,
        ),
    ],
    lambda s: [_rand(s, 7, 3, 5)],
)
SAMPLING["affine_grid"] = (
    lambda T, F, t: [F.affine_grid(t, (2, 3, 4, 5), True), F.affine_grid(t, (2, 1, 3, 2), False)],
    lambda s: [_rand(s, 2, 2, 3)],
)
FUNCTIONS.update(SAMPLING)
RANDOM = {  # name: (call in training or not, input shape); outside training: the identity
    "dropout1d": (lambda F, x, tr: F.dropout1d(x, 0.5, tr), (2, 3, 4)),
    "dropout2d": (lambda F, x, tr: F.dropout2d(x, 0.5, tr), (2, 3, 4, 2)),
    "dropout3d": (lambda F, x, tr: F.dropout3d(x, 0.5, tr), (2, 3, 4, 2, 3)),
    "alpha_dropout": (lambda F, x, tr: F.alpha_dropout(x, 0.5, tr), (2, 3)),
    "feature_alpha_dropout": (lambda F, x, tr: F.feature_alpha_dropout(x, 0.5, tr), (2, 3, 4)),
}
EMBEDDING_BAG = "embedding_bag"


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_values_and_grads(name, seed):
    call, make = FUNCTIONS[name]
    arrays = make(seed)
    _check(name, lambda T: _value_and_grads(T, lambda *xs: call(T, T.nn.functional, *xs), *arrays))


@pytest.mark.parametrize("name", list(IN_PLACE))
def test_in_place_functions(name):
    call, twin = IN_PLACE[name]

    def program(T):
        x = f64(T, _rand(3, 3, 4), True)
        y = x * 1.0
        out = call(T.nn.functional, y)
        u = f64(T, _rand(4, 3, 4))
        (out * u).sum().backward()
        return {"same_object": out is y, "out": out, "twin": twin(T.nn.functional, x), "grad": x.grad}

    check(program)


@pytest.mark.parametrize("name", list(RANDOM))
def test_random_functions_outside_training_and_shapes(name):
    def program(T):
        call, shape = RANDOM[name]
        x = f64(T, _rand(5, *shape))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = call(T.nn.functional, x, True)
            return {"eval": call(T.nn.functional, x, False), "shape": tuple(y.shape), "dtype": y.dtype}

    check(program)


def test_embedding_bag_function(seed):
    w = _rand(seed, 6, 3)

    def program(T):
        F = T.nn.functional
        idx, off = _long(T, [1, 2, 4, 4, 5, 0, 3]), _long(T, [0, 2, 2, 5])
        psw = f64(T, _rand(seed + 1, 7), True)
        out = {}
        for mode in ("sum", "mean", "max"):
            wt = f64(T, w, True)
            y = F.embedding_bag(idx, wt, off, mode=mode, padding_idx=4)
            (y * f64(T, _rand(7, *y.shape))).sum().backward()
            out[mode] = (y, wt.grad)
            wt2 = f64(T, w, True)
            y2 = F.embedding_bag(_long(T, [[1, 2], [0, 5], [3, 3]]), wt2, mode=mode)
            (y2 * f64(T, _rand(8, *y2.shape))).sum().backward()
            out[mode + "2d"] = (y2, wt2.grad)
        wt = f64(T, w, True)
        y = F.embedding_bag(
            idx, wt, _long(T, [0, 3, 7]), mode="sum", per_sample_weights=psw, include_last_offset=True
        )
        y.sum().backward()
        out["psw"] = (y, wt.grad, psw.grad)
        return out

    check(program)


ERRORS = [  # (names it covers, program, key words)
    (
        ["hardtanh"],
        lambda T, F: F.hardtanh(f64(T, [1.0]), 2.0, 1.0),
        ["min_val cannot be greater than max_val"],
    ),
    (["celu"], lambda T, F: F.celu(f64(T, [1.0]), 0.0), ["alpha cannot be 0 for CELU"]),
    (["glu"], lambda T, F: F.glu(f64(T, _rand(0, 2, 3)), 1), ["Halving dimension must be even"]),
    (
        ["prelu"],
        lambda T, F: F.prelu(f64(T, _rand(0, 2, 3)), f64(T, [1.0, 2.0])),
        ["Mismatch of parameter numbers"],
    ),
    (["softshrink"], lambda T, F: F.softshrink(f64(T, [1.0]), -1.0), ["lambda must be in range"]),
    (["rrelu"], lambda T, F: F.rrelu(f64(T, [1.0]), 0.5, 0.1), ["Lower bound should be less than or equal"]),
    (["normalize"], lambda T, F: F.normalize(f64(T, _rand(0, 2, 3)), dim=3), ["Dimension out of range"]),
    (
        ["cosine_similarity"],
        lambda T, F: F.cosine_similarity(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 3, 3))),
        ["must match the size of tensor b"],
    ),
    (["pdist"], lambda T, F: F.pdist(f64(T, _rand(0, 2, 3, 3))), ["pdist only supports 2D tensors, got: 3D"]),
    (["dropout1d"], lambda T, F: F.dropout1d(f64(T, _rand(0, 2, 3, 4, 5))), ["Expected 2D or 3D input"]),
    (
        ["dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"],
        lambda T, F: F.dropout2d(f64(T, [1.0]), 1.5),
        ["dropout probability has to be between 0 and 1"],
    ),
    (
        ["pixel_shuffle"],
        lambda T, F: F.pixel_shuffle(f64(T, _rand(0, 1, 3, 2, 2)), 2),
        ["divisible by the square"],
    ),
    (
        ["pixel_unshuffle"],
        lambda T, F: F.pixel_unshuffle(f64(T, _rand(0, 1, 3, 3, 2)), 2),
        ["height to be divisible by downscale_factor"],
    ),
    (
        ["channel_shuffle"],
        lambda T, F: F.channel_shuffle(f64(T, _rand(0, 1, 3, 3, 2)), 2),
        ["Number of channels must be divisible by groups"],
    ),
    (
        ["bilinear"],
        lambda T, F: F.bilinear(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 4, 2, 3))),
        ["input1 size does not match weight size"],
    ),
    (
        ["pad"],
        lambda T, F: F.pad(f64(T, _rand(0, 1, 2, 3)), (3, 3), "reflect"),
        ["Padding size should be less than"],
    ),
    (
        ["conv1d"],
        lambda T, F: F.conv1d(f64(T, _rand(0, 2, 5, 9)), f64(T, _rand(0, 4, 3, 3))),
        ["expected input[2, 5, 9] to have 3 channels, but got 5 channels"],
    ),
    (
        ["conv3d"],
        lambda T, F: F.conv3d(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 4, 3, 1, 1, 1))),
        ["Expected 4D (unbatched) or 5D (batched) input to conv3d"],
    ),
    (
        ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"],
        lambda T, F: F.conv_transpose2d(f64(T, _rand(0, 1, 5, 4, 4)), f64(T, _rand(0, 4, 3, 3, 3))),
        ["expected input[1, 5, 4, 4] to have 4 channels"],
    ),
    (
        ["max_pool1d", "max_pool1d_with_indices"],
        lambda T, F: F.max_pool1d(f64(T, _rand(0, 2, 2, 2, 2)), 2),
        ["max_pool1d: Expected 2D or 3D (batch mode) tensor"],
    ),
    (
        ["max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "lp_pool3d"],
        lambda T, F: F.max_pool3d(f64(T, _rand(0, 2, 2, 2)), 2),
        ["4D or 5D (batch mode) tensor expected"],
    ),
    (
        ["max_pool2d_with_indices"],
        lambda T, F: F.max_pool2d_with_indices(f64(T, _rand(0, 1, 1, 4, 4)), 2, padding=2),
        ["pad should be at most half of effective kernel size"],
    ),
    (
        ["avg_pool1d", "lp_pool1d"],
        lambda T, F: F.avg_pool1d(f64(T, _rand(0, 2, 2, 2, 2)), 2),
        ["Expected 2 to 3 dimensions, but got 4-dimensional tensor"],
    ),
    (
        ["lp_pool2d"],
        lambda T, F: F.lp_pool2d(f64(T, _rand(0, 2, 2, 2, 2, 2)), 2, 2),
        ["Expected 3D or 4D (batch mode) tensor"],
    ),
    (
        ["adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices"],
        lambda T, F: F.adaptive_max_pool1d(f64(T, _rand(0, 2, 2, 2, 2)), 2),
        ["Expected 2 to 3 dimensions"],
    ),
    (
        ["adaptive_avg_pool3d"],
        lambda T, F: F.adaptive_avg_pool3d(f64(T, _rand(0, 2, 2)), 2),
        ["Expected 4D or 5D tensor"],
    ),
    (
        ["adaptive_max_pool2d", "adaptive_max_pool2d_with_indices"],
        lambda T, F: F.adaptive_max_pool2d(f64(T, _rand(0, 2)), 2),
        ["Expected 3D or 4D tensor"],
    ),
    (
        ["adaptive_max_pool3d", "adaptive_max_pool3d_with_indices"],
        lambda T, F: F.adaptive_max_pool3d(f64(T, _rand(0, 2, 2)), 2),
        ["Expected 4D or 5D tensor"],
    ),
    (
        ["max_unpool1d", "max_unpool2d", "max_unpool3d"],
        lambda T, F: F.max_unpool1d(f64(T, _rand(0, 1, 2, 2)), _long(T, np.full((1, 2, 2), 9)), 2),
        ["Found an invalid max index: 9"],
    ),
    (
        ["unfold"],
        lambda T, F: F.unfold(f64(T, _rand(0, 2, 3, 4, 4)), 5),
        ["calculated shape of the array of sliding blocks"],
    ),
    (
        ["fold"],
        lambda T, F: F.fold(f64(T, _rand(0, 2, 13, 4)), (3, 3), 2),
        ["Expected size of input's dimension 1 to be divisible by the product of kernel_size"],
    ),
    (
        ["group_norm"],
        lambda T, F: F.group_norm(f64(T, _rand(0, 2, 6, 3)), 4),
        ["Expected number of channels in input to be divisible by num_groups"],
    ),
    (
        ["instance_norm"],
        lambda T, F: F.instance_norm(f64(T, _rand(0, 2, 6))),
        ["Expected more than 1 spatial element"],
    ),
    (
        ["local_response_norm"],
        lambda T, F: F.local_response_norm(f64(T, _rand(0, 2, 6)), 3),
        ["Expected 3D or higher"],
    ),
    (["rms_norm"], lambda T, F: F.rms_norm(f64(T, _rand(0, 2, 6)), (5,)), ["Given normalized_shape=[5]"]),
    (
        ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"],
        lambda T, F: F.interpolate(f64(T, _rand(0, 1, 2, 3)), 4, mode="bilinear"),
        ["bilinear mode needs 4D input"],
    ),
    (
        [
            "kl_div",
            "margin_ranking_loss",
            "soft_margin_loss",
            "multilabel_soft_margin_loss",
            "poisson_nll_loss",
        ],
        lambda T, F: F.kl_div(f64(T, [1.0]), f64(T, [1.0]), reduction="foo"),
        ["is not a valid value for reduction"],
    ),
    (
        ["hinge_embedding_loss"],
        lambda T, F: F.hinge_embedding_loss(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 2, 4))),
        ["must match the size of tensor b"],
    ),
    (
        ["cosine_embedding_loss"],
        lambda T, F: F.cosine_embedding_loss(f64(T, [1.0, 2]), f64(T, [1.0, 2]), f64(T, [1.0])),
        ["1D target tensor expects 2D input tensors"],
    ),
    (
        ["multi_margin_loss"],
        lambda T, F: F.multi_margin_loss(f64(T, _rand(0, 3, 4)), _long(T, [0, 1, 2]), p=3),
        ["only p == 1 and p == 2 supported"],
    ),
    (
        ["multilabel_margin_loss"],
        lambda T, F: F.multilabel_margin_loss(f64(T, _rand(0, 3, 4)), _long(T, [0, 1, 2])),
        ["inconsistent target size"],
    ),
    (
        ["gaussian_nll_loss"],
        lambda T, F: F.gaussian_nll_loss(
            f64(T, _rand(0, 3, 4)), f64(T, _rand(0, 3, 4)), f64(T, _pos(0, 3, 5))
        ),
        ["var is of incorrect size"],
    ),
    (
        ["triplet_margin_loss", "triplet_margin_with_distance_loss"],
        lambda T, F: F.triplet_margin_loss(
            f64(T, _rand(0, 3, 4)), f64(T, _rand(0, 3, 4)), f64(T, _rand(0, 3, 5))
        ),
        ["must match the size of tensor b"],
    ),
    (
        ["grid_sample"],
        lambda T, F: F.grid_sample(
            f64(T, _rand(0, 1, 2, 3, 3)), f64(T, _rand(0, 1, 2, 2, 3)), align_corners=False
        ),
        ["expected grid to have size 2 in last dimension"],
    ),
    (
        ["ctc_loss"],
        lambda T, F: F.ctc_loss(f64(T, _rand(0, 5, 2, 4)), _long(T, [[1, 2], [3, 3]]), (6, 4), (2, 2)),
        ["Expected input_lengths to have value at most 5"],
    ),
    (
        ["affine_grid"],
        lambda T, F: F.affine_grid(f64(T, _rand(0, 1, 3, 3)), (1, 1, 2, 2), False),
        ["Expected a batch of 2D affine matrices of shape Nx2x3"],
    ),
    (
        ["gumbel_softmax"],
        lambda T, F: F.gumbel_softmax(f64(T, _rand(0, 2, 3)), dim=2),
        ["Dimension out of range"],
    ),
    (
        ["embedding_bag"],
        lambda T, F: F.embedding_bag(_long(T, [1, 2, 3]), f64(T, _rand(0, 5, 3)), _long(T, [1, 2])),
        ["offsets[0] has to be 0"],
    ),
    (
        [
            "selu",
            "hardshrink",
            "hardsigmoid",
            "hardswish",
            "logsigmoid",
            "mish",
            "softsign",
            "tanhshrink",
            "threshold",
            "relu6",
            "relu_",
            "elu_",
            "leaky_relu_",
            "hardtanh_",
            "celu_",
            "selu_",
            "threshold_",
        ],
        lambda T, F: F.selu_(f64(T, [1.0], True)),
        ["leaf"],
    ),
    (["softmin"], lambda T, F: F.softmin(f64(T, _rand(0, 2, 3)), 2), ["Dimension out of range"]),
    (
        ["pairwise_distance"],
        lambda T, F: F.pairwise_distance(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 3, 3))),
        ["must match the size of tensor b"],
    ),
]


@pytest.mark.parametrize("i", range(len(ERRORS)), ids=[e[0][0] for e in ERRORS])
def test_function_errors(i):
    _, program, words = ERRORS[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(lambda T: program(T, T.nn.functional), *words)


FUNCTIONAL_NAMES = sorted(
    {n for n in FUNCTIONS if not n.startswith("grid_sample-")}
    | {"grid_sample", "gumbel_softmax"}
    | set(IN_PLACE)
    | set(RANDOM)
    | {EMBEDDING_BAG}
)


def test_gumbel_softmax_properties():
    """Random: compared by its properties (rows sum to 1; hard rows are one-hot and carry the soft
    rows' gradient), and the error for a bad dim."""

    def program(T):
        logits = f64(T, _rand(0, 4, 5), True)
        soft = T.nn.functional.gumbel_softmax(logits, tau=0.5)
        hard = T.nn.functional.gumbel_softmax(logits, hard=True, dim=0)
        (hard * f64(T, _rand(1, 4, 5))).sum().backward()
        return {
            "sums": soft.sum(1).detach(),
            "hard_sums": hard.sum(0).detach(),
            "one_hot": bool(((hard.detach() == 0) | (hard.detach() == 1)).all().item()),
            "grad_shape": tuple(logits.grad.shape),
            "dtype": soft.dtype,
        }

    check(program)


def test_every_function_has_an_error_case():
    covered = {n for names, _, _ in ERRORS for n in names}
    assert set(FUNCTIONAL_NAMES) <= covered, set(FUNCTIONAL_NAMES) - covered


# ---------------------------------------------------------------- modules
def _args(_, *shape):
    """One input of this shape."""
    return lambda seed: [_rand(seed, *shape)]


def _many(*shapes):
    """Several inputs, one per shape."""
    return lambda seed: [_rand(seed + i, *shape) for i, shape in enumerate(shapes)]


D = {"dtype": "float64"}  # parameters in float64 in both libraries
T5 = [1, -1, -1, 1, 1.0]
MODULES = {  # name: (constructor(T), inputs from a seed, forward(T, m, *xs) or None)
    "CTCLoss": (
        lambda T: T.nn.CTCLoss(blank=4, reduction="sum"),
        _args(0, 6, 2, 5),
        lambda T, m, x: m(x.log_softmax(2), _long(T, [[1, 2], [3, 0]]), (6, 5), (2, 1)),
    ),
    "Hardtanh": (lambda T: T.nn.Hardtanh(-0.5, 2.0), _args(0, 3, 4), None),
    "ReLU6": (lambda T: T.nn.ReLU6(), lambda s: [_rand(s, 3, 4) * 3], None),
    "SELU": (lambda T: T.nn.SELU(), _args(0, 3, 4), None),
    "CELU": (lambda T: T.nn.CELU(0.5), _args(0, 3, 4), None),
    "GLU": (lambda T: T.nn.GLU(0), _args(0, 4, 3), None),
    "Hardshrink": (lambda T: T.nn.Hardshrink(0.7), _args(0, 3, 4), None),
    "Hardsigmoid": (lambda T: T.nn.Hardsigmoid(), lambda s: [_rand(s, 3, 4) * 2], None),
    "Hardswish": (lambda T: T.nn.Hardswish(), lambda s: [_rand(s, 3, 4) * 2], None),
    "LogSigmoid": (lambda T: T.nn.LogSigmoid(), _args(0, 3, 4), None),
    "Mish": (lambda T: T.nn.Mish(), _args(0, 3, 4), None),
    "Softmin": (lambda T: T.nn.Softmin(dim=0), _args(0, 3, 4), None),
    "Softshrink": (lambda T: T.nn.Softshrink(0.7), _args(0, 3, 4), None),
    "Softsign": (lambda T: T.nn.Softsign(), _args(0, 3, 4), None),
    "Tanhshrink": (lambda T: T.nn.Tanhshrink(), _args(0, 3, 4), None),
    "Threshold": (lambda T: T.nn.Threshold(0.2, -1.0), _args(0, 3, 4), None),
    "RReLU": (lambda T: T.nn.RReLU(0.1, 0.2).eval(), _args(0, 3, 4), None),
    "PReLU": (lambda T: T.nn.PReLU(4, **_d(T)), _args(0, 2, 4, 3), None),
    "Softmax2d": (lambda T: T.nn.Softmax2d(), _args(0, 2, 3, 2, 2), None),
    "Conv1d": (
        lambda T: T.nn.Conv1d(4, 6, 3, 2, 2, padding_mode="reflect", groups=2, **_d(T)),
        _args(0, 2, 4, 9),
        None,
    ),
    "Conv3d": (
        lambda T: T.nn.Conv3d(2, 3, (2, 3, 2), padding="same", **_d(T)),
        _args(0, 2, 2, 3, 4, 3),
        None,
    ),
    "ConvTranspose1d": (lambda T: T.nn.ConvTranspose1d(4, 2, 3, 2, 1, 1, **_d(T)), _args(0, 2, 4, 5), None),
    "ConvTranspose2d": (
        lambda T: T.nn.ConvTranspose2d(4, 2, 3, 2, 1, groups=2, **_d(T)),
        _args(0, 2, 4, 3, 3),
        lambda T, m, x: m(x, output_size=(6, 5)),
    ),
    "ConvTranspose3d": (
        lambda T: T.nn.ConvTranspose3d(2, 3, 2, (1, 2, 1), bias=False, **_d(T)),
        _args(0, 2, 2, 3, 2, 3),
        None,
    ),
    "Dropout1d": (lambda T: T.nn.Dropout1d(0.3).eval(), _args(0, 2, 3, 4), None),
    "Dropout2d": (lambda T: T.nn.Dropout2d(0.3).eval(), _args(0, 2, 3, 4, 2), None),
    "Dropout3d": (lambda T: T.nn.Dropout3d(0.3).eval(), _args(0, 2, 3, 4, 2, 2), None),
    "AlphaDropout": (lambda T: T.nn.AlphaDropout(0.3).eval(), _args(0, 2, 3), None),
    "FeatureAlphaDropout": (lambda T: T.nn.FeatureAlphaDropout(0.3).eval(), _args(0, 2, 3, 2), None),
    "EmbeddingBag": (
        lambda T: T.nn.EmbeddingBag(6, 3, mode="max", padding_idx=2, **_d(T)),
        lambda s: [],
        lambda T, m: m(_long(T, [1, 2, 5, 0, 3, 3]), _long(T, [0, 2, 2])),
    ),
    "Bilinear": (lambda T: T.nn.Bilinear(3, 2, 4, **_d(T)), _many((5, 3), (5, 2)), None),
    "CosineSimilarity": (lambda T: T.nn.CosineSimilarity(0), _many((4, 3), (4, 3)), None),
    "PairwiseDistance": (lambda T: T.nn.PairwiseDistance(3.0, keepdim=True), _many((4, 3), (4, 3)), None),
    "PixelShuffle": (lambda T: T.nn.PixelShuffle(3), _args(0, 1, 9, 2, 2), None),
    "PixelUnshuffle": (lambda T: T.nn.PixelUnshuffle(2), _args(0, 1, 1, 4, 2), None),
    "ChannelShuffle": (lambda T: T.nn.ChannelShuffle(2), _args(0, 1, 4, 2), None),
    "KLDivLoss": (lambda T: T.nn.KLDivLoss(reduction="sum", log_target=True), _many((3, 4), (3, 4)), None),
    "MarginRankingLoss": (
        lambda T: T.nn.MarginRankingLoss(0.3),
        _many((5,), (5,)),
        lambda T, m, a, b: m(a, b, f64(T, T5)),
    ),
    "HingeEmbeddingLoss": (
        lambda T: T.nn.HingeEmbeddingLoss(0.5),
        _args(0, 5),
        lambda T, m, x: m(x, f64(T, T5)),
    ),
    "CosineEmbeddingLoss": (
        lambda T: T.nn.CosineEmbeddingLoss(-0.2, reduction="none"),
        _many((5, 3), (5, 3)),
        lambda T, m, a, b: m(a, b, f64(T, T5)),
    ),
    "SoftMarginLoss": (lambda T: T.nn.SoftMarginLoss(), _args(0, 5), lambda T, m, x: m(x, f64(T, T5))),
    "MultiLabelSoftMarginLoss": (
        lambda T: T.nn.MultiLabelSoftMarginLoss(f64(T, [1, 2, 0.5])),
        _args(0, 2, 3),
        lambda T, m, x: m(x, f64(T, [[1, 0, 1.0], [0, 0, 1]])),
    ),
    "MultiMarginLoss": (
        lambda T: T.nn.MultiMarginLoss(2, 0.5, f64(T, [1, 2, 0.5])),
        _args(0, 2, 3),
        lambda T, m, x: m(x, _long(T, [2, 0])),
    ),
    "MultiLabelMarginLoss": (
        lambda T: T.nn.MultiLabelMarginLoss(),
        _args(0, 2, 3),
        lambda T, m, x: m(x, _long(T, [[2, 0, -1], [1, -1, 0]])),
    ),
    "PoissonNLLLoss": (
        lambda T: T.nn.PoissonNLLLoss(full=True),
        _args(0, 2, 3),
        lambda T, m, x: m(x, f64(T, [[1, 2, 0], [4, 0, 7.0]])),
    ),
    "GaussianNLLLoss": (
        lambda T: T.nn.GaussianNLLLoss(full=True),
        lambda s: [_rand(s, 3, 2), _pos(s + 1, 3)],
        lambda T, m, x, v: m(x, f64(T, _rand(9, 3, 2)), v),
    ),
    "TripletMarginLoss": (lambda T: T.nn.TripletMarginLoss(0.5, 1.0), _many((3, 4), (3, 4), (3, 4)), None),
    "TripletMarginWithDistanceLoss": (
        lambda T: T.nn.TripletMarginWithDistanceLoss(swap=True),
        _many((3, 4), (3, 4), (3, 4)),
        None,
    ),
    "NLLLoss2d": (
        lambda T: T.nn.NLLLoss2d(),
        _args(0, 2, 3, 2, 2),
        lambda T, m, x: m(x.log_softmax(1), _long(T, [[[0, 2], [1, 1]], [[2, 2], [0, 1]]])),
    ),
    "GroupNorm": (lambda T: T.nn.GroupNorm(2, 4, **_d(T)), _args(0, 3, 4, 5), None),
    "InstanceNorm1d": (lambda T: T.nn.InstanceNorm1d(4, affine=True, **_d(T)), _args(0, 3, 4, 5), None),
    "InstanceNorm2d": (lambda T: T.nn.InstanceNorm2d(4), _args(0, 4, 3, 5), None),
    "InstanceNorm3d": (
        lambda T: T.nn.InstanceNorm3d(2, track_running_stats=True, **_d(T)),
        _args(0, 2, 2, 3, 2, 2),
        None,
    ),
    "BatchNorm3d": (lambda T: T.nn.BatchNorm3d(2, **_d(T)), _args(0, 2, 2, 3, 2, 2), None),
    "LocalResponseNorm": (lambda T: T.nn.LocalResponseNorm(2, 0.1, 0.5, 1.5), _args(0, 2, 4, 3), None),
    "CrossMapLRN2d": (lambda T: T.nn.CrossMapLRN2d(3, 0.1, 0.5, 1.5), _args(0, 2, 4, 3, 2), "no grad"),
    "RMSNorm": (lambda T: T.nn.RMSNorm([3, 2], 1e-3, **_d(T)), _args(0, 4, 3, 2), None),
    "ConstantPad1d": (lambda T: T.nn.ConstantPad1d((2, -1), 1.5), _args(0, 2, 3), None),
    "ConstantPad2d": (lambda T: T.nn.ConstantPad2d(1, -1.0), _args(0, 2, 3), None),
    "ConstantPad3d": (lambda T: T.nn.ConstantPad3d((1, 0, 2, 0, 0, 1), 2.0), _args(0, 2, 3, 2), None),
    "ZeroPad1d": (lambda T: T.nn.ZeroPad1d(2), _args(0, 2, 3), None),
    "ZeroPad2d": (lambda T: T.nn.ZeroPad2d((1, 2, 0, 1)), _args(0, 1, 2, 3), None),
    "ZeroPad3d": (lambda T: T.nn.ZeroPad3d(1), _args(0, 1, 2, 3, 2), None),
    "ReflectionPad1d": (lambda T: T.nn.ReflectionPad1d((2, 1)), _args(0, 2, 4), None),
    "ReflectionPad2d": (lambda T: T.nn.ReflectionPad2d(2), _args(0, 1, 3, 4), None),
    "ReflectionPad3d": (lambda T: T.nn.ReflectionPad3d((1, 0, 1, 2, 0, 1)), _args(0, 1, 2, 3, 3), None),
    "ReplicationPad1d": (lambda T: T.nn.ReplicationPad1d((3, 1)), _args(0, 2, 4), None),
    "ReplicationPad2d": (lambda T: T.nn.ReplicationPad2d(2), _args(0, 1, 3, 4), None),
    "ReplicationPad3d": (lambda T: T.nn.ReplicationPad3d(1), _args(0, 1, 2, 3, 3), None),
    "CircularPad1d": (lambda T: T.nn.CircularPad1d((3, 1)), _args(0, 2, 4), None),
    "CircularPad2d": (lambda T: T.nn.CircularPad2d(2), _args(0, 1, 3, 4), None),
    "CircularPad3d": (lambda T: T.nn.CircularPad3d((1, 0, 1, 2, 0, 1)), _args(0, 1, 2, 3, 3), None),
    "MaxPool1d": (lambda T: T.nn.MaxPool1d(3, 2, 1, return_indices=True), _args(0, 2, 3, 8), None),
    "MaxPool3d": (lambda T: T.nn.MaxPool3d(2, 1, ceil_mode=True), _args(0, 2, 3, 3, 4), None),
    "AvgPool1d": (lambda T: T.nn.AvgPool1d(3, 2, 1, count_include_pad=False), _args(0, 2, 3, 8), None),
    "AvgPool3d": (lambda T: T.nn.AvgPool3d(2, 1, 1), _args(0, 2, 3, 3, 4), None),
    "LPPool1d": (lambda T: T.nn.LPPool1d(2, 3), lambda s: [_pos(s, 2, 3, 8)], None),
    "LPPool2d": (lambda T: T.nn.LPPool2d(1.5, 2), lambda s: [_pos(s, 2, 3, 4)], None),
    "LPPool3d": (lambda T: T.nn.LPPool3d(3, 2), lambda s: [_pos(s, 2, 3, 4, 2)], None),
    "MaxUnpool1d": (
        lambda T: T.nn.MaxUnpool1d(2),
        _args(0, 2, 3, 4),
        lambda T, m, x: m(*T.nn.functional.max_pool1d(x, 2, return_indices=True)),
    ),
    "MaxUnpool2d": (
        lambda T: T.nn.MaxUnpool2d(2),
        _args(0, 2, 4, 4),
        lambda T, m, x: m(*T.nn.functional.max_pool2d(x, 2, return_indices=True), output_size=(5, 5)),
    ),
    "MaxUnpool3d": (
        lambda T: T.nn.MaxUnpool3d(2),
        _args(0, 2, 4, 2, 4),
        lambda T, m, x: m(*T.nn.functional.max_pool3d(x, 2, return_indices=True)),
    ),
    "AdaptiveAvgPool1d": (lambda T: T.nn.AdaptiveAvgPool1d(3), _args(0, 2, 3, 7), None),
    "AdaptiveAvgPool3d": (lambda T: T.nn.AdaptiveAvgPool3d((2, 3, None)), _args(0, 2, 3, 5, 4), None),
    "AdaptiveMaxPool1d": (lambda T: T.nn.AdaptiveMaxPool1d(3, return_indices=True), _args(0, 2, 3, 7), None),
    "AdaptiveMaxPool2d": (lambda T: T.nn.AdaptiveMaxPool2d((2, 3)), _args(0, 2, 3, 5, 4), None),
    "AdaptiveMaxPool3d": (lambda T: T.nn.AdaptiveMaxPool3d(2), _args(0, 2, 3, 5, 4), None),
    "Fold": (lambda T: T.nn.Fold((4, 5), 2, stride=(2, 1)), _args(0, 2, 8, 8), None),
    "Unfold": (lambda T: T.nn.Unfold(2, padding=1), _args(0, 2, 2, 3, 3), None),
    "Upsample": (lambda T: T.nn.Upsample(scale_factor=(1.5, 2), mode="bilinear"), _args(0, 1, 2, 3, 4), None),
    "UpsamplingNearest2d": (lambda T: T.nn.UpsamplingNearest2d((5, 3)), _args(0, 1, 2, 3, 4), None),
    "UpsamplingBilinear2d": (lambda T: T.nn.UpsamplingBilinear2d(scale_factor=2), _args(0, 1, 2, 3, 4), None),
}
MODULE_NAMES = sorted(MODULES)


def _d(T):
    return {"dtype": T.float64}


def _run_module(T, name, seed, train=None):
    make, inputs, forward = MODULES[name]
    m = make(T)
    if train is not None:
        m.train(train)
    with T.no_grad():
        for k, (_, p) in enumerate(sorted(m.named_parameters())):
            p.copy_(f64(T, _rand(50 + k, *p.shape, lo=0.5, hi=1.5)))
    xs = [f64(T, a, True) for a in inputs(seed)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = forward(T, m, *xs) if callable(forward) else m(*xs)
    y = _first(out)
    result = {
        "out": out,
        "state": {k: (tuple(v.shape), v.dtype) for k, v in m.state_dict().items()},
        "repr": repr(m),
    }
    if forward != "no grad" and y.requires_grad:
        u = f64(T, _rand(99, *y.shape))
        (y * u).sum().backward()
        result["grads"] = [x.grad for x in xs]
        result["param_grads"] = {k: p.grad for k, p in m.named_parameters()}
    result["buffers"] = {k: v for k, v in m.state_dict().items() if "num_batches" not in k}
    return result


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_module_values_grads_state(name, seed):
    _check(name, lambda T: _run_module(T, name, seed))


@pytest.mark.parametrize(
    "name",
    [
        "InstanceNorm3d",
        "BatchNorm3d",
        "RReLU",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "AlphaDropout",
        "FeatureAlphaDropout",
    ],
)
def test_module_eval_after_training(name):
    """Norms with running statistics: a training step, then evaluation; random layers: eval is
    the identity after train()/eval() round trips."""

    def program(T):
        make, inputs, _ = MODULES[name]
        m = make(T).train()
        x = f64(T, inputs(1)[0])
        if "Norm" in name:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                first = m(x)
        else:
            first = tuple(m(x).shape)
        m.eval()
        return {
            "train": first,
            "eval": m(x),
            "training": m.training,
            "state": {k: v for k, v in m.state_dict().items()},
        }

    check(program)


def test_module_initialisation_shapes_and_bounds():
    """Default initialisation: shapes, dtypes, and the values PyTorch fixes (ones, zeros, 0.25)
    or the bounds it draws from."""

    def program(T):
        out = {}
        for m in [T.nn.PReLU(3), T.nn.GroupNorm(2, 4), T.nn.RMSNorm(3), T.nn.InstanceNorm1d(3, affine=True)]:
            out[repr(m)] = {k: v.double() for k, v in m.state_dict().items()}
        for m in [
            T.nn.Conv1d(4, 6, 3),
            T.nn.Conv3d(2, 4, 2),
            T.nn.ConvTranspose1d(4, 6, 3, groups=2),
            T.nn.ConvTranspose2d(4, 6, 3),
            T.nn.ConvTranspose3d(2, 4, 2),
            T.nn.Bilinear(3, 4, 5),
            T.nn.EmbeddingBag(5, 3, padding_idx=1),
        ]:
            sd = m.state_dict()
            fan = {"Bilinear": 3}.get(type(m).__name__, int(np.prod(sd["weight"].shape[1:])))
            bound = 1 / np.sqrt(fan)
            out[repr(m)] = {
                k: (
                    tuple(v.shape),
                    bool((v.abs() <= bound + 1e-12).all().item())
                    if "Embedding" not in repr(m)
                    else bool((v[1] == 0).all().item()),
                )
                for k, v in sd.items()
            }
        return out

    check(program)


MODULE_ERRORS = [  # (names, program, words)
    (
        ["CTCLoss"],
        lambda T: T.nn.CTCLoss()(f64(T, _rand(0, 5, 2, 4)), _long(T, [[1, 2], [3, 3]]), (5, 4), (3, 2)),
        ["Expected tensor to have size at least 3 at dimension 1"],
    ),
    (["Hardtanh", "ReLU6"], lambda T: T.nn.Hardtanh(1.0, -1.0), ["must be greater than min_val"]),
    (
        ["SELU", "CELU", "Hardsigmoid", "Hardswish", "Mish", "Threshold", "RReLU"],
        lambda T: T.nn.SELU(inplace=True)(f64(T, [1.0], True)),
        ["leaf"],
    ),
    (["GLU"], lambda T: T.nn.GLU()(f64(T, _rand(0, 2, 3))), ["Halving dimension must be even"]),
    (
        ["Hardshrink", "LogSigmoid", "Softsign", "Tanhshrink", "Softmin"],
        lambda T: T.nn.Hardshrink()(f64(T, [1.0]), f64(T, [1.0])),
        ["positional argument"],
    ),
    (["Softshrink"], lambda T: T.nn.Softshrink(-1.0)(f64(T, [1.0])), ["lambda must be in range"]),
    (
        ["PReLU"],
        lambda T: T.nn.PReLU(3, dtype=T.float64)(f64(T, _rand(0, 2, 4))),
        ["Mismatch of parameter numbers"],
    ),
    (
        ["Softmax2d"],
        lambda T: T.nn.Softmax2d()(f64(T, _rand(0, 2, 4))),
        ["Softmax2d: expected input to be 3D or 4D"],
    ),
    (
        ["Conv1d", "Conv3d"],
        lambda T: T.nn.Conv1d(4, 6, 3, groups=4),
        ["out_channels must be divisible by groups"],
    ),
    (
        ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"],
        lambda T: T.nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
        ['Only "zeros" padding mode is supported'],
    ),
    (
        ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"],
        lambda T: T.nn.Dropout2d(1.5),
        ["dropout probability has to be between 0 and 1"],
    ),
    (
        ["EmbeddingBag"],
        lambda T: T.nn.EmbeddingBag(5, 2, mode="sum")(
            _long(T, [1, 2]), _long(T, [0]), f64(T, [1.0, 2, 3]).reshape(3, 1)
        ),
        ["must have the same shape as the input"],
    ),
    (
        ["Bilinear"],
        lambda T: T.nn.Bilinear(2, 3, 4, dtype=T.float64)(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 2, 3))),
        ["input1 size does not match weight size"],
    ),
    (
        ["CosineSimilarity", "PairwiseDistance"],
        lambda T: T.nn.CosineSimilarity()(f64(T, _rand(0, 2, 3)), f64(T, _rand(0, 3, 3))),
        ["must match the size"],
    ),
    (
        ["PixelShuffle"],
        lambda T: T.nn.PixelShuffle(2)(f64(T, _rand(0, 1, 3, 2, 2))),
        ["divisible by the square"],
    ),
    (
        ["PixelUnshuffle"],
        lambda T: T.nn.PixelUnshuffle(2)(f64(T, _rand(0, 1, 3, 3, 2))),
        ["divisible by downscale"],
    ),
    (
        ["ChannelShuffle"],
        lambda T: T.nn.ChannelShuffle(2)(f64(T, _rand(0, 1, 3, 3, 2))),
        ["Number of channels must be divisible by groups"],
    ),
    (
        [
            "KLDivLoss",
            "MarginRankingLoss",
            "HingeEmbeddingLoss",
            "CosineEmbeddingLoss",
            "SoftMarginLoss",
            "MultiLabelSoftMarginLoss",
            "MultiLabelMarginLoss",
            "PoissonNLLLoss",
            "GaussianNLLLoss",
            "TripletMarginLoss",
            "TripletMarginWithDistanceLoss",
        ],
        lambda T: T.nn.SoftMarginLoss(reduction="foo")(f64(T, [1.0]), f64(T, [1.0])),
        ["is not a valid value for reduction"],
    ),
    (["MultiMarginLoss"], lambda T: T.nn.MultiMarginLoss(p=3), ["only p == 1 and p == 2 supported"]),
    (["NLLLoss2d"], lambda T: T.nn.NLLLoss2d()(f64(T, _rand(0, 2, 3)), _long(T, [0, 5])), ["out of bounds"]),
    (["GroupNorm"], lambda T: T.nn.GroupNorm(4, 6), ["num_channels (6) must be divisible by num_groups (4)"]),
    (
        ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"],
        lambda T: T.nn.InstanceNorm2d(3)(f64(T, _rand(0, 2, 3))),
        ["expected 3D or 4D input (got 2D input)"],
    ),
    (
        ["BatchNorm3d"],
        lambda T: T.nn.BatchNorm3d(3)(f64(T, _rand(0, 2, 3, 2, 2))),
        ["expected 5D input (got 4D input)"],
    ),
    (
        ["LocalResponseNorm"],
        lambda T: T.nn.LocalResponseNorm(2)(f64(T, _rand(0, 2, 3))),
        ["Expected 3D or higher"],
    ),
    (
        ["CrossMapLRN2d"],
        lambda T: T.nn.CrossMapLRN2d(3)(f64(T, _rand(0, 2, 3, 2))),
        ["Expected input to be 4D"],
    ),
    (["RMSNorm"], lambda T: T.nn.RMSNorm(4)(f64(T, _rand(0, 2, 3))), ["Given normalized_shape=[4]"]),
    (
        ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"],
        lambda T: T.nn.ConstantPad3d(1, 0.0)(f64(T, [1.0, 2.0])),
        ["Padding length should be less than or equal to two"],
    ),
    (
        ["ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d"],
        lambda T: T.nn.ReflectionPad1d(3)(f64(T, _rand(0, 1, 3))),
        ["Padding size should be less than the corresponding input dimension"],
    ),
    (
        ["ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d"],
        lambda T: T.nn.ReplicationPad2d(1)(f64(T, _rand(0, 3, 3))),
        ["is not supported for 2D input tensor"],
    ),
    (
        ["CircularPad1d", "CircularPad2d", "CircularPad3d"],
        lambda T: T.nn.CircularPad1d(4)(f64(T, _rand(0, 1, 3))),
        ["wrapping around more than once"],
    ),
    (
        ["MaxPool1d", "AvgPool1d", "LPPool1d"],
        lambda T: T.nn.AvgPool1d(2)(f64(T, _rand(0, 2, 2, 2, 2))),
        ["Expected 2 to 3 dimensions"],
    ),
    (
        ["MaxPool3d", "AvgPool3d", "LPPool3d"],
        lambda T: T.nn.MaxPool3d(2)(f64(T, _rand(0, 2, 2))),
        ["4D or 5D (batch mode) tensor expected"],
    ),
    (["LPPool2d"], lambda T: T.nn.LPPool2d(2, 2)(f64(T, _rand(0, 2, 2, 2, 2, 2))), ["Expected 3D or 4D"]),
    (
        ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"],
        lambda T: T.nn.MaxUnpool2d(2)(f64(T, _rand(0, 1, 2, 2, 2)), _long(T, np.zeros((1, 2, 2, 2))), (9, 9)),
        ["invalid output_size"],
    ),
    (
        ["AdaptiveAvgPool1d", "AdaptiveMaxPool1d"],
        lambda T: T.nn.AdaptiveAvgPool1d(2)(f64(T, _rand(0, 2, 2, 2, 2))),
        ["Expected 2 to 3 dimensions"],
    ),
    (
        ["AdaptiveAvgPool3d", "AdaptiveMaxPool3d"],
        lambda T: T.nn.AdaptiveMaxPool3d(2)(f64(T, _rand(0, 2, 2))),
        ["Expected 4D or 5D tensor"],
    ),
    (
        ["AdaptiveMaxPool2d"],
        lambda T: T.nn.AdaptiveMaxPool2d(2)(f64(T, _rand(0, 2))),
        ["Expected 3D or 4D tensor"],
    ),
    (
        ["Fold"],
        lambda T: T.nn.Fold((3, 3), 2)(f64(T, _rand(0, 2, 12, 5))),
        ["calculated number of sliding blocks"],
    ),
    (["Unfold"], lambda T: T.nn.Unfold(5)(f64(T, _rand(0, 2, 3, 4, 4))), ["must be at least one"]),
    (
        ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"],
        lambda T: T.nn.Upsample()(f64(T, _rand(0, 1, 2, 3))),
        ["either size or scale_factor should be defined"],
    ),
]


@pytest.mark.parametrize("i", range(len(MODULE_ERRORS)), ids=[e[0][0] for e in MODULE_ERRORS])
def test_module_errors(i):
    _, program, words = MODULE_ERRORS[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(program, *words)


def test_every_module_has_an_error_case():
    covered = {n for names, _, _ in MODULE_ERRORS for n in names}
    assert set(MODULE_NAMES) <= covered, set(MODULE_NAMES) - covered


COVERED = {"nn.functional": FUNCTIONAL_NAMES, "nn modules": MODULE_NAMES}
