"""The second batch of nn breadth, without PyTorch: values against numpy formulas written here,
gradients of every differentiable name by gradcheck (float64, full Jacobian, inputs away from
kinks), a few second derivatives, channel masks of the dropouts, train/eval, state_dict keys and
shapes, and errors."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def leaf(*shape, lo=-2.0, hi=2.0, away=None):
    """A float64 leaf; ``away`` keeps values at least 0.05 from the given kinks."""
    x = RNG.uniform(lo, hi, size=shape)
    for k in away or ():
        x = np.where(np.abs(x - k) < 0.05, x + 0.1, x)
    return tg.tensor(x, requires_grad=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------- activations
ACTIVATIONS = {  # name: (function, numpy formula, kinks)
    "hardtanh": (lambda v: F.hardtanh(v, -1.0, 1.5), lambda x: np.clip(x, -1.0, 1.5), (-1, 1.5)),
    "relu6": (lambda v: F.relu6(v * 4), lambda x: np.clip(x * 4, 0, 6), (0, 1.5)),
    "selu": (
        F.selu,
        lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
        (0,),
    ),
    "celu": (
        lambda v: F.celu(v, 0.5),
        lambda x: np.maximum(x, 0) + np.minimum(0, 0.5 * np.expm1(x / 0.5)),
        (0,),
    ),
    "hardshrink": (lambda v: F.hardshrink(v, 0.5), lambda x: np.where(np.abs(x) > 0.5, x, 0), (-0.5, 0.5)),
    "softshrink": (
        lambda v: F.softshrink(v, 0.5),
        lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
        (-0.5, 0.5),
    ),
    "hardsigmoid": (lambda v: F.hardsigmoid(v * 2), lambda x: np.clip(x * 2 / 6 + 0.5, 0, 1), (-1.5, 1.5)),
    "hardswish": (lambda v: F.hardswish(v * 2), lambda x: 2 * x * np.clip(2 * x + 3, 0, 6) / 6, (-1.5, 1.5)),
    "logsigmoid": (F.logsigmoid, lambda x: np.log(sigmoid(x)), ()),
    "mish": (F.mish, lambda x: x * np.tanh(np.log1p(np.exp(x))), ()),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x)), (0,)),
    "tanhshrink": (F.tanhshrink, lambda x: x - np.tanh(x), ()),
    "threshold": (lambda v: F.threshold(v, 0.2, -3.0), lambda x: np.where(x > 0.2, x, -3.0), (0.2,)),
    "rrelu_eval": (lambda v: F.rrelu(v, 0.1, 0.3), lambda x: np.where(x >= 0, x, 0.2 * x), (0,)),
    "softmin": (lambda v: F.softmin(v, 1), lambda x: np.exp(-x) / np.exp(-x).sum(1, keepdims=True), ()),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_values_and_gradcheck(name):
    fn, ref, kinks = ACTIVATIONS[name]
    x = leaf(3, 4, away=kinks)  # the kinks are given in terms of x
    np.testing.assert_allclose(fn(x).detach().numpy(), ref(x.detach().numpy()), rtol=1e-12, atol=1e-12)
    assert gradcheck(fn, [x])


@pytest.mark.parametrize("name", ["selu", "mish", "logsigmoid", "softsign", "celu"])
def test_activation_second_derivatives(name):
    fn, _, kinks = ACTIVATIONS[name]
    assert gradgradcheck(fn, [leaf(2, 3, away=kinks)])


def test_glu_prelu_and_in_place_forms():
    x = leaf(2, 6, 3)
    a, b = x.detach().numpy()[:, :3], x.detach().numpy()[:, 3:]
    np.testing.assert_allclose(F.glu(x, 1).detach().numpy(), a * sigmoid(b), rtol=1e-12)
    assert gradcheck(lambda v: F.glu(v, 1), [x])
    w = tg.tensor(RNG.uniform(0.1, 0.5, 6), requires_grad=True)
    xp = leaf(2, 6, 3, away=[0])
    want = np.where(
        xp.detach().numpy() > 0, xp.detach().numpy(), w.detach().numpy()[None, :, None] * xp.detach().numpy()
    )
    np.testing.assert_allclose(F.prelu(xp, w).detach().numpy(), want, rtol=1e-12)
    assert gradcheck(F.prelu, [xp, w])
    for inplace, twin in [
        (F.relu_, F.relu),
        (F.selu_, F.selu),
        (F.elu_, F.elu),
        (F.hardtanh_, F.hardtanh),
        (F.celu_, F.celu),
        (F.leaky_relu_, F.leaky_relu),
    ]:
        x = leaf(3, 2, away=[0, -1, 1])
        y = x * 1.0
        out = inplace(y)
        assert out is y
        np.testing.assert_allclose(out.detach().numpy(), twin(x).detach().numpy())
        out.sum().backward()  # the op ran on a copy, so backward still works
        assert x.grad is not None
    with pytest.raises(RuntimeError, match="leaf"):
        F.selu_(leaf(2))
    out = F.threshold_(tg.tensor([0.1, 0.5]), 0.3, 9.0)
    assert out.tolist() == [9.0, 0.5]


def test_rrelu_training_slopes_are_random_in_bounds():
    tg.manual_seed(0)
    x = tg.tensor(-np.ones((200,)))
    y = F.rrelu(x, 0.1, 0.3, training=True).numpy()
    assert np.all((-y >= 0.1) & (-y <= 0.3)) and np.std(y) > 0.03
    m = nn.RReLU(0.1, 0.3)
    assert m.training and np.std(m(x).numpy()) > 0.03
    np.testing.assert_allclose(m.eval()(x).numpy(), -0.2)


# ---------------------------------------------------------------- distances, shuffles, bilinear
def test_normalize_distances_and_bilinear():
    x, y = leaf(4, 5), leaf(4, 5)
    xn, yn = x.detach().numpy(), y.detach().numpy()
    np.testing.assert_allclose(
        F.normalize(x, dim=1).detach().numpy(), xn / np.linalg.norm(xn, axis=1, keepdims=True), rtol=1e-12
    )
    cos = (xn * yn).sum(1) / np.linalg.norm(xn, axis=1) / np.linalg.norm(yn, axis=1)
    np.testing.assert_allclose(F.cosine_similarity(x, y).detach().numpy(), cos, rtol=1e-12)
    np.testing.assert_allclose(
        F.pairwise_distance(x, y, 3.0).detach().numpy(),
        (np.abs(xn - yn + 1e-6) ** 3).sum(1) ** (1 / 3),
        rtol=1e-12,
    )
    i, j = np.triu_indices(4, 1)
    np.testing.assert_allclose(F.pdist(x).detach().numpy(), np.linalg.norm(xn[i] - xn[j], axis=1), rtol=1e-12)
    for fn in (
        lambda a, b: F.normalize(a, p=3, dim=0),
        F.cosine_similarity,
        lambda a, b: F.pairwise_distance(a, b, 1.5),
        lambda a, b: F.pdist(a),
    ):
        assert gradcheck(fn, [x, y])
    w, b = leaf(3, 5, 2), leaf(3)
    z = leaf(4, 2)
    want = np.einsum("ni,oij,nj->no", xn, w.detach().numpy(), z.detach().numpy()) + b.detach().numpy()
    np.testing.assert_allclose(F.bilinear(x, z, w, b).detach().numpy(), want, rtol=1e-12)
    assert gradcheck(F.bilinear, [x, z, w, b])
    m = nn.Bilinear(5, 2, 3)
    assert [k for k in m.state_dict()] == ["weight", "bias"] and m.weight.shape == (3, 5, 2)
    assert float(m.weight.abs().max().item()) <= 1 / math.sqrt(5)


def test_shuffles_are_permutations_and_invert():
    x = tg.tensor(np.arange(2 * 8 * 3 * 2, dtype=np.float64).reshape(2, 8, 3, 2), requires_grad=True)
    up = F.pixel_shuffle(x, 2)
    assert up.shape == (2, 2, 6, 4)
    assert up.detach().numpy()[0, 0, 1, 1] == x.detach().numpy()[0, 3, 0, 0]  # channel c*4 + i*2 + j
    np.testing.assert_array_equal(F.pixel_unshuffle(up, 2).detach().numpy(), x.detach().numpy())
    cs = F.channel_shuffle(x, 2).detach().numpy()
    np.testing.assert_array_equal(cs[:, 1], x.detach().numpy()[:, 4])
    for fn in (lambda v: F.pixel_shuffle(v, 2), lambda v: F.channel_shuffle(v, 4)):
        assert gradcheck(fn, [leaf(1, 8, 2, 2)])
    assert gradcheck(lambda v: F.pixel_unshuffle(v, 2), [leaf(1, 2, 4, 2)])


# ---------------------------------------------------------------- dropout
@pytest.mark.parametrize(
    "name,shape,mask_axes",
    [
        ("dropout1d", (4, 6, 5), (0, 1)),
        ("dropout1d", (6, 5), (0,)),
        ("dropout2d", (4, 6, 3, 3), (0, 1)),
        ("dropout3d", (3, 5, 2, 2, 2), (0, 1)),
        ("dropout3d", (5, 2, 2, 2), (0,)),
    ],
)
def test_channel_dropout_masks_whole_channels(name, shape, mask_axes):
    tg.manual_seed(1)
    x = tg.ones(shape, dtype=tg.float64)
    y = getattr(F, name)(x, 0.5, True).numpy()
    per_channel = y.reshape(y.shape[: len(mask_axes)] + (-1,))
    assert np.all(per_channel.min(-1) == per_channel.max(-1))  # constant over each channel
    assert set(np.unique(y)) <= {0.0, 2.0} and 0 < (y == 0).mean() < 1
    assert getattr(F, name)(x, 0.5, False) is x


@pytest.mark.filterwarnings("ignore:dropout")
def test_dropout_modules_train_eval_and_alpha_statistics():
    x = tg.tensor(RNG.normal(size=(2000, 4)))
    for cls in (nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout):
        m = cls(0.3)
        assert repr(m) == f"{cls.__name__}(p=0.3, inplace=False)" and m.state_dict() == {}
        assert m.eval()(x) is x
    tg.manual_seed(2)
    y = nn.AlphaDropout(0.2).train()(x).numpy()
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05  # self-normalising
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout2d(1.5)


# ---------------------------------------------------------------- padding
def test_pad_modes_against_numpy():
    x = leaf(2, 3, 4, 5)
    xn = x.detach().numpy()
    np.testing.assert_array_equal(
        F.pad(x, (1, 2, 0, 1), value=3.0).detach().numpy(),
        np.pad(xn, ((0, 0), (0, 0), (0, 1), (1, 2)), constant_values=3.0),
    )
    for mode, np_mode in (("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")):
        np.testing.assert_array_equal(
            F.pad(x, (2, 1, 1, 3), mode).detach().numpy(),
            np.pad(xn, ((0, 0), (0, 0), (1, 3), (2, 1)), np_mode),
        )
        assert gradcheck(lambda v, m=mode: F.pad(v, (2, 1, 1, 0), m), [leaf(1, 2, 3, 3)])
    np.testing.assert_array_equal(F.pad(x, (-1, -2)).detach().numpy(), xn[..., 1:-2])
    assert gradcheck(lambda v: F.pad(v, (1, -1, 2, 0), value=0.5), [leaf(2, 3, 3)])
    assert nn.ZeroPad2d((1, 0, 2, 0))(x).shape == (2, 3, 6, 6)
    assert nn.ReflectionPad3d(1)(x).shape == (2, 5, 6, 7)
    with pytest.raises(NotImplementedError, match="not supported for 4D input"):
        F.pad(x, (1, 1), "reflect")
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(x, (1,))


# ---------------------------------------------------------------- convolutions
def conv1d_ref(x, w, b, stride, pad, dil):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    n, c, length = x.shape
    o, _, k = w.shape
    out_len = (length - dil * (k - 1) - 1) // stride + 1
    out = np.zeros((n, o, out_len))
    for t in range(out_len):
        window = x[:, :, t * stride : t * stride + dil * (k - 1) + 1 : dil]
        out[:, :, t] = np.einsum("nck,ock->no", window, w)
    return out + b[None, :, None]


def test_conv1d_and_conv3d_values_and_gradcheck():
    x, w, b = leaf(2, 3, 9), leaf(4, 3, 3), leaf(4)
    np.testing.assert_allclose(
        F.conv1d(x, w, b, 2, 1, 2).detach().numpy(),
        conv1d_ref(*(v.detach().numpy() for v in (x, w, b)), 2, 1, 2),
        rtol=1e-12,
    )
    assert gradcheck(lambda a, c, d: F.conv1d(a, c, d, 2, 1, 2), [x, w, b])
    # conv3d with a depth-1 kernel is conv2d of every plane
    x3, w3 = leaf(1, 2, 3, 4, 4), leaf(3, 2, 1, 2, 2)
    planes = [F.conv2d(x3[:, :, d], w3[:, :, 0]).detach().numpy() for d in range(3)]
    np.testing.assert_allclose(F.conv3d(x3, w3).detach().numpy(), np.stack(planes, 2), rtol=1e-12)
    assert gradcheck(
        lambda a, c: F.conv3d(a, c, None, (2, 1, 1), 1), [leaf(1, 2, 3, 3, 3), leaf(2, 2, 2, 2, 2)]
    )


def test_transposed_convolutions_are_adjoint_to_convolution():
    """<conv(x, w), y> == <x, conv_transpose(y, w)>: the defining property."""
    for nd, conv, convt in (
        (1, F.conv1d, F.conv_transpose1d),
        (2, F.conv2d, F.conv_transpose2d),
        (3, F.conv3d, F.conv_transpose3d),
    ):
        x = leaf(2, 4, *(5,) * nd)
        w = leaf(6, 2, *(3,) * nd)
        y = conv(x, w, None, 2, 1, 1, 2)
        u = leaf(*y.shape)
        back = convt(u, w, None, 2, 1, 0, 2)
        assert back.shape == x.shape
        np.testing.assert_allclose((y * u).sum().item(), (x * back).sum().item(), rtol=1e-10)
    assert gradcheck(
        lambda a, c, d: F.conv_transpose3d(a, c, d, (2, 1, 1), 1, (1, 0, 0)),
        [leaf(1, 2, 2, 3, 2), leaf(2, 2, 2, 2, 2), leaf(2)],
    )
    assert gradcheck(lambda a, c: F.conv_transpose1d(a, c, None, 3, 0, 2), [leaf(1, 2, 3), leaf(2, 1, 2)])


def test_conv_layers_state_dict_and_errors():
    for m, w in [
        (nn.Conv1d(4, 6, 3, groups=2), (6, 2, 3)),
        (nn.Conv3d(2, 4, (1, 2, 3)), (4, 2, 1, 2, 3)),
        (nn.ConvTranspose1d(4, 6, 3, groups=2), (4, 3, 3)),
        (nn.ConvTranspose2d(4, 6, 2), (4, 6, 2, 2)),
        (nn.ConvTranspose3d(2, 4, 2, bias=False), (2, 4, 2, 2, 2)),
    ]:
        sd = m.state_dict()
        assert sd["weight"].shape == w
        assert ("bias" in sd) == (m.bias is not None) and (
            m.bias is None or m.bias.shape == (m.out_channels,)
        )
    m = nn.ConvTranspose2d(3, 2, 3, stride=2)
    assert m(tg.zeros(1, 3, 4, 4), output_size=(10, 10)).shape == (1, 2, 10, 10)
    with pytest.raises(ValueError, match="requested an output size"):
        m(tg.zeros(1, 3, 4, 4), output_size=(12, 12))
    with pytest.raises(RuntimeError, match="Expected 2D \\(unbatched\\) or 3D \\(batched\\) input to conv1d"):
        F.conv1d(tg.zeros(3), tg.zeros(1, 1, 1))
    assert nn.Conv1d(2, 2, 3, padding="same", padding_mode="circular")(tg.zeros(1, 2, 7)).shape == (1, 2, 7)


# ---------------------------------------------------------------- pooling
def test_pooling_values_against_numpy():
    x = leaf(2, 3, 8)
    xn = x.detach().numpy()
    np.testing.assert_allclose(F.max_pool1d(x, 2).detach().numpy(), xn.reshape(2, 3, 4, 2).max(-1))
    np.testing.assert_allclose(
        F.avg_pool1d(x, 2).detach().numpy(), xn.reshape(2, 3, 4, 2).mean(-1), rtol=1e-12
    )
    x3 = leaf(1, 2, 4, 4, 4)
    blocks = x3.detach().numpy().reshape(1, 2, 2, 2, 2, 2, 2, 2)
    np.testing.assert_allclose(F.max_pool3d(x3, 2).detach().numpy(), blocks.max((3, 5, 7)))
    np.testing.assert_allclose(F.avg_pool3d(x3, 2).detach().numpy(), blocks.mean((3, 5, 7)), rtol=1e-12)
    np.testing.assert_allclose(
        F.adaptive_avg_pool3d(x3, 1).detach().numpy()[..., 0, 0, 0],
        x3.detach().numpy().mean((2, 3, 4)),
        rtol=1e-12,
    )
    np.testing.assert_allclose(F.adaptive_max_pool1d(x, 1).detach().numpy()[..., 0], xn.max(-1))
    xp = leaf(1, 2, 6, lo=0.5, hi=2)
    np.testing.assert_allclose(
        F.lp_pool1d(xp, 3, 2).detach().numpy(),
        ((xp.detach().numpy() ** 3).reshape(1, 2, 3, 2).sum(-1)) ** (1 / 3),
        rtol=1e-12,
    )
    y, idx = F.max_pool1d(x, 2, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), xn.reshape(2, 3, 4, 2).argmax(-1) + 2 * np.arange(4))
    assert idx.dtype == np.int64
    up = F.max_unpool1d(y, idx, 2).detach().numpy()
    assert np.count_nonzero(up) == y.numel() and np.allclose(up.max(-1), xn.max(-1))


@pytest.mark.parametrize(
    "fn,shape",
    [
        (lambda v: F.max_pool1d(v, 3, 2, 1, 1, True), (1, 2, 9)),
        (lambda v: F.max_pool3d(v, 2, 1, 1), (1, 1, 3, 3, 3)),
        (lambda v: F.avg_pool1d(v, 3, 2, 1, True, False), (1, 2, 9)),
        (lambda v: F.avg_pool3d(v, 2, 1, 1, count_include_pad=False), (1, 1, 3, 3, 3)),
        (lambda v: F.lp_pool2d(v.abs() + 0.5, 2.5, 2), (1, 2, 4, 4)),
        (lambda v: F.adaptive_avg_pool1d(v, 4), (1, 2, 7)),
        (lambda v: F.adaptive_max_pool2d(v, (2, 3)), (1, 2, 5, 5)),
        (lambda v: F.adaptive_max_pool3d(v, 2), (1, 3, 3, 3)),
        (lambda v: F.unfold(v, 2, 1, 1, 2), (1, 2, 4, 3)),
        (lambda v: F.fold(v, (4, 5), 2, 1, 0, 1), (1, 8, 12)),
        (lambda v: F.max_unpool2d(*F.max_pool2d(v, 2, return_indices=True), 2), (1, 2, 4, 4)),
    ],
)
def test_pooling_gradcheck(fn, shape):
    assert gradcheck(fn, [leaf(*shape)])


def test_fold_is_the_adjoint_of_unfold_and_layers():
    x = leaf(2, 3, 5, 6)
    cols = F.unfold(x, (2, 3), 1, 1, (1, 2))
    u = leaf(*cols.shape)
    back = F.fold(u, (5, 6), (2, 3), 1, 1, (1, 2))
    np.testing.assert_allclose((cols * u).sum().item(), (x * back).sum().item(), rtol=1e-10)
    assert repr(nn.Unfold(2)) == "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"
    assert nn.AvgPool1d(3).kernel_size == (3,) and nn.MaxUnpool3d(2).stride == (2, 2, 2)
    with pytest.raises(RuntimeError, match="non-empty 4D or 5D"):
        F.avg_pool3d(tg.zeros(2, 2), 2)


# ---------------------------------------------------------------- normalisation
def standardize(x, axes, eps=1e-5):
    return (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)


def test_group_instance_rms_and_lrn_values_and_gradcheck():
    x, w, b = leaf(3, 4, 5), leaf(4), leaf(4)
    xn = x.detach().numpy()
    grouped = standardize(xn.reshape(3, 2, 10), (2,)).reshape(3, 4, 5)
    np.testing.assert_allclose(
        F.group_norm(x, 2, w, b).detach().numpy(),
        grouped * w.detach().numpy()[:, None] + b.detach().numpy()[:, None],
        rtol=1e-10,
    )
    np.testing.assert_allclose(F.instance_norm(x).detach().numpy(), standardize(xn, (2,)), rtol=1e-10)
    rms = xn / np.sqrt((xn**2).mean(-1, keepdims=True) + np.finfo(np.float64).eps)
    np.testing.assert_allclose(F.rms_norm(x, (5,)).detach().numpy(), rms, rtol=1e-10)
    sq = np.pad(xn**2, ((0, 0), (1, 1), (0, 0)))
    div = (0.1 * (sq[:, :-2] + sq[:, 1:-1] + sq[:, 2:]) / 3 + 2.0) ** 0.75
    np.testing.assert_allclose(
        F.local_response_norm(x, 3, 0.1, 0.75, 2.0).detach().numpy(), xn / div, rtol=1e-10
    )
    for fn in (
        lambda a, c, d: F.group_norm(a, 2, c, d),
        lambda a, c, d: F.instance_norm(a, weight=c, bias=d),
        lambda a, c, d: F.rms_norm(a, (5,), c[:1].expand(5)) + d.sum(),
        lambda a, c, d: F.local_response_norm(a * c.reshape(1, 4, 1), 2) + d.sum(),
        lambda a, c, d: nn.CrossMapLRN2d(3, 0.5)(a.reshape(3, 4, 5, 1)) * c.sum(),
    ):
        assert gradcheck(fn, [x, w, b])
    assert gradgradcheck(lambda a: F.group_norm(a, 2), [leaf(2, 4, 3)])


def test_norm_layers_running_stats_state_dict_and_errors():
    m = nn.InstanceNorm1d(3, affine=True, track_running_stats=True)
    assert list(m.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    x = tg.tensor(RNG.normal(size=(4, 3, 6)) * 2 + 1)
    m(x)
    xn = x.numpy()
    np.testing.assert_allclose(m.running_mean.numpy(), 0.1 * xn.mean(2).mean(0), rtol=1e-10)
    np.testing.assert_allclose(m.running_var.numpy(), 0.9 + 0.1 * xn.var(2, ddof=1).mean(0), rtol=1e-10)
    assert m.num_batches_tracked.item() == 0  # PyTorch's instance norm does not count batches
    m.eval()
    want = (xn - m.running_mean.numpy()[:, None]) / np.sqrt(m.running_var.numpy()[:, None] + 1e-5)
    np.testing.assert_allclose(m(x).detach().numpy(), want, rtol=1e-10)
    assert nn.InstanceNorm2d(3)(tg.zeros(3, 2, 2)).shape == (3, 2, 2)  # unbatched
    assert list(nn.GroupNorm(2, 4).state_dict()) == ["weight", "bias"]
    assert list(nn.RMSNorm([2, 3]).state_dict()) == ["weight"] and nn.RMSNorm(3).weight.tolist() == [1, 1, 1]
    bn = nn.BatchNorm3d(2)
    bn(tg.tensor(RNG.normal(size=(2, 2, 2, 2, 2))))
    assert bn.num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match="expected 5D input"):
        bn(tg.zeros(2, 2, 2, 2))
    with pytest.raises(ValueError, match="must be divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="Expected more than 1 spatial element"):
        F.instance_norm(tg.zeros(2, 3, 1))


# ---------------------------------------------------------------- interpolation
def test_interpolate_values():
    x = tg.tensor(np.arange(6, dtype=np.float64).reshape(1, 1, 2, 3))
    np.testing.assert_array_equal(
        F.interpolate(x, scale_factor=2).numpy()[0, 0], np.repeat(np.repeat(x.numpy()[0, 0], 2, 0), 2, 1)
    )
    lin = F.interpolate(tg.tensor([[[0.0, 1.0, 2.0]]]), size=5, mode="linear", align_corners=True)
    np.testing.assert_allclose(lin.numpy()[0, 0], [0, 0.5, 1, 1.5, 2], rtol=1e-12)
    lin = F.interpolate(tg.tensor([[[0.0, 1.0]]]), scale_factor=2, mode="linear")
    np.testing.assert_allclose(lin.numpy()[0, 0], [0, 0.25, 0.75, 1], rtol=1e-12)
    area = F.interpolate(x, (1, 1), mode="area")
    assert area.item() == 2.5
    cubic = F.interpolate(tg.tensor(np.ones((1, 1, 3, 3))), (5, 4), mode="bicubic")
    np.testing.assert_allclose(cubic.numpy(), 1.0, rtol=1e-12)  # the cubic weights sum to 1
    for mode in ("nearest", "bilinear", "bicubic", "area", "nearest-exact"):
        assert gradcheck(lambda v, m=mode: F.interpolate(v, scale_factor=1.5, mode=m), [leaf(1, 2, 3, 2)])
    assert gradcheck(
        lambda v: F.interpolate(v, (3, 2, 4), mode="trilinear", align_corners=True), [leaf(1, 1, 2, 3, 2)]
    )
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert nn.UpsamplingBilinear2d(scale_factor=2).align_corners is True
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(NotImplementedError, match="trilinear mode needs 5D input"):
        F.interpolate(x, 2, mode="trilinear")


# ---------------------------------------------------------------- embedding bag
def test_embedding_bag_modes():
    w = tg.tensor(RNG.normal(size=(6, 3)), requires_grad=True)
    wn = w.detach().numpy()
    idx, off = tg.tensor([1, 2, 4, 5, 5, 0]), tg.tensor([0, 2, 2])
    bags = [[1, 2], [], [4, 5, 5, 0]]
    for mode, red in (("sum", np.sum), ("mean", np.mean), ("max", np.max)):
        out = F.embedding_bag(idx, w, off, mode=mode).detach().numpy()
        for b, rows in enumerate(bags):
            np.testing.assert_allclose(out[b], red(wn[rows], 0) if rows else 0.0, rtol=1e-12)
        assert gradcheck(lambda v, m=mode: F.embedding_bag(idx, v, off, mode=m), [w])
    out = F.embedding_bag(idx, w, off, mode="mean", padding_idx=5).detach().numpy()
    np.testing.assert_allclose(out[2], wn[[4, 0]].mean(0), rtol=1e-12)
    psw = tg.tensor(RNG.uniform(0.5, 1, 6), requires_grad=True)
    assert gradcheck(lambda v, p: F.embedding_bag(idx, v, off, mode="sum", per_sample_weights=p), [w, psw])
    np.testing.assert_allclose(
        F.embedding_bag(tg.tensor([[1, 2], [3, 3]]), w).detach().numpy(),
        wn[[[1, 2], [3, 3]]].mean(1),
        rtol=1e-12,
    )
    m = nn.EmbeddingBag(5, 3, mode="sum", padding_idx=1)
    assert (
        list(m.state_dict()) == ["weight"]
        and m.weight.shape == (5, 3)
        and m.weight[1].abs().sum().item() == 0
    )
    assert repr(m) == "EmbeddingBag(5, 3, mode='sum', padding_idx=1)"
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(idx, w)


# ---------------------------------------------------------------- losses
def test_losses_against_formulas():
    x, y, z = leaf(4, 5), leaf(4, 5), leaf(4, 5)
    xn, yn, zn = (v.detach().numpy() for v in (x, y, z))
    p = np.exp(yn) / np.exp(yn).sum(1, keepdims=True)
    np.testing.assert_allclose(
        F.kl_div(x, tg.tensor(p), reduction="batchmean").item(), (p * (np.log(p) - xn)).sum() / 4, rtol=1e-12
    )
    s = np.sign(RNG.normal(size=(4, 5)))
    np.testing.assert_allclose(
        F.margin_ranking_loss(x, y, tg.tensor(s), 0.2).item(),
        np.maximum(0, -s * (xn - yn) + 0.2).mean(),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        F.soft_margin_loss(x, tg.tensor(s)).item(), np.log1p(np.exp(-s * xn)).mean(), rtol=1e-12
    )
    np.testing.assert_allclose(
        F.hinge_embedding_loss(x, tg.tensor(s), 1.0, reduction="sum").item(),
        np.where(s == 1, xn, np.maximum(0, 1 - xn)).sum(),
        rtol=1e-12,
    )
    labels = np.array([0, 3, 1, 4])
    xy = xn[np.arange(4), labels][:, None]
    mm = np.maximum(0, 1 - xy + xn)
    mm[np.arange(4), labels] = 0
    np.testing.assert_allclose(
        F.multi_margin_loss(x, tg.tensor(labels)).item(), (mm.sum(1) / 5).mean(), rtol=1e-12
    )
    d_ap = np.linalg.norm(xn - yn + 1e-6, axis=1)
    d_an = np.linalg.norm(xn - zn + 1e-6, axis=1)
    np.testing.assert_allclose(
        F.triplet_margin_loss(x, y, z).item(), np.maximum(0, 1 + d_ap - d_an).mean(), rtol=1e-12
    )
    v = tg.tensor(RNG.uniform(0.5, 2, (4, 5)))
    np.testing.assert_allclose(
        F.gaussian_nll_loss(x, y, v).item(),
        (0.5 * (np.log(v.numpy()) + (xn - yn) ** 2 / v.numpy())).mean(),
        rtol=1e-12,
    )
    t = tg.tensor(RNG.integers(0, 5, (4, 5)).astype(np.float64))
    np.testing.assert_allclose(
        F.poisson_nll_loss(x, t).item(), (np.exp(xn) - t.numpy() * xn).mean(), rtol=1e-12
    )


SIGNS = np.sign(np.random.default_rng(3).normal(size=(3, 4)))  # fixed targets (the function is called often)


@pytest.mark.parametrize(
    "loss",
    [
        lambda a, b, c: F.kl_div(a, b.softmax(1), reduction="batchmean"),
        lambda a, b, c: F.kl_div(a, b, log_target=True, reduction="sum"),
        lambda a, b, c: F.margin_ranking_loss(a, b, tg.tensor(SIGNS), 0.1),
        lambda a, b, c: F.cosine_embedding_loss(a, b, tg.tensor([1.0, -1.0, 1.0]), -0.5),
        lambda a, b, c: F.soft_margin_loss(a, tg.tensor(SIGNS)),
        lambda a, b, c: F.multilabel_soft_margin_loss(a, (b > 0).double()),
        lambda a, b, c: F.multi_margin_loss(a, tg.tensor([0, 2, 3]), p=2, weight=tg.tensor([1.0, 2, 3, 4])),
        lambda a, b, c: F.multilabel_margin_loss(a, tg.tensor([[1, 3, -1, 0], [0, -1, 1, 1], [3, 2, 1, 0]])),
        lambda a, b, c: F.poisson_nll_loss(a, tg.tensor(np.ones((3, 4)) * 2), full=True),
        lambda a, b, c: F.gaussian_nll_loss(a, b, c.abs() + 0.5, full=True),
        lambda a, b, c: F.triplet_margin_loss(a, b, c, swap=True, p=3),
        lambda a, b, c: F.triplet_margin_with_distance_loss(
            a, b, c, distance_function=lambda u, v: (u - v).abs().sum(-1)
        ),
        lambda a, b, c: F.hinge_embedding_loss(a, tg.tensor(SIGNS), 0.5, reduction="none"),
    ],
)
def test_loss_gradcheck(loss):
    a, b, c = leaf(3, 4), leaf(3, 4), leaf(3, 4)
    assert gradcheck(loss, [a, b, c])


def test_loss_modules_and_errors():
    assert list(nn.MultiMarginLoss(weight=tg.ones(3)).state_dict()) == ["weight"]
    assert list(nn.MultiLabelSoftMarginLoss().state_dict()) == []
    assert isinstance(nn.TripletMarginWithDistanceLoss().distance_function, nn.PairwiseDistance)
    assert issubclass(nn.NLLLoss2d, nn.NLLLoss)
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        nn.NLLLoss2d()
    x = leaf(2, 3)
    assert nn.KLDivLoss(reduction="sum")(x, x.exp()).shape == ()
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.soft_margin_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, x, tg.ones(3, 2))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input tensors"):
        F.cosine_embedding_loss(tg.ones(3), tg.ones(3), tg.ones(3))
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=0.0)


# ---------------------------------------------------------------- sampling
def test_affine_grid_and_grid_sample():
    identity = tg.tensor(np.tile([[1.0, 0, 0], [0, 1, 0]], (2, 1, 1)), requires_grad=True)
    x = leaf(2, 3, 4, 5)
    for align in (True, False):
        grid = F.affine_grid(identity, (2, 3, 4, 5), align)
        assert grid.shape == (2, 4, 5, 2)
        for mode in ("bilinear", "nearest"):  # the identity map samples every pixel at its centre
            np.testing.assert_allclose(
                F.grid_sample(x, grid, mode, align_corners=align).detach().numpy(),
                x.detach().numpy(),
                rtol=1e-12,
                atol=1e-12,
            )
    theta = tg.tensor(RNG.normal(size=(2, 2, 3)) * 0.5, requires_grad=True)
    assert gradcheck(lambda t: F.affine_grid(t, (2, 1, 3, 4), False), [theta])
    for pad in ("zeros", "border", "reflection"):
        g = leaf(2, 2, 3, 2, lo=-1.2, hi=1.2)
        assert gradcheck(lambda a, b, p=pad: F.grid_sample(a, b, "bilinear", p, False), [leaf(2, 2, 3, 4), g])
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.affine_grid(identity, (2, 3, 4, 5))


def test_gumbel_softmax():
    tg.manual_seed(3)
    logits = leaf(6, 4)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(1).detach().numpy(), 1.0, rtol=1e-12)
    hard = F.gumbel_softmax(logits, hard=True)
    assert set(np.unique(hard.detach().numpy())) <= {0.0, 1.0} and hard.detach().numpy().sum() == 6
    hard.sum().backward()
    np.testing.assert_allclose(logits.grad.numpy(), 0.0, atol=1e-12)  # rows of a softmax sum to 1


# ---------------------------------------------------------------- CTC
def test_ctc_loss_against_enumerated_alignments():
    """Two time steps, one label: the alignments are (l, l), (b, l), (l, b)."""
    lp = tg.tensor(np.log(RNG.dirichlet(np.ones(3), size=(2, 1))), requires_grad=True)  # (T=2, N=1, C=3)
    p = np.exp(lp.detach().numpy()[:, 0])
    want = -np.log(p[0, 1] * p[1, 1] + p[0, 0] * p[1, 1] + p[0, 1] * p[1, 0])
    got = F.ctc_loss(lp, tg.tensor([[1]]), [2], [1], reduction="sum")
    np.testing.assert_allclose(got.item(), want, rtol=1e-12)
    x = leaf(5, 2, 4)
    assert gradcheck(lambda v: F.ctc_loss(v.log_softmax(2), tg.tensor([[1, 2], [3, 3]]), (5, 4), (2, 2)), [x])
    assert (
        F.ctc_loss(x.log_softmax(2), tg.tensor([[1, 1], [3, 3]]), (2, 4), (2, 2), reduction="none")[0].item()
        == math.inf
    )
    assert (
        F.ctc_loss(
            x.log_softmax(2),
            tg.tensor([[1, 1], [2, 2]]),
            (2, 2),
            (2, 2),
            zero_infinity=True,
            reduction="none",
        )[0].item()
        == 0
    )
    assert repr(nn.CTCLoss(blank=2)) == "CTCLoss()"
