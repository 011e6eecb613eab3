"""conv2d, Conv2d and pooling: values and gradients against naive loops written here, shapes,
initialisation, repr, errors."""

import math
from itertools import product

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def naive_conv(x, w, b=None, stride=(1, 1), pads=((0, 0), (0, 0)), dil=(1, 1), groups=1):
    """Direct definition: out[n,o,p,q] = b[o] + sum_{c,i,j} w[o,c,i,j] xpad[n, g*Cg+c, p s + i d, ...]."""
    n_, c_, h_, w_ = x.shape
    o_, cg, kh, kw = w.shape
    xp = np.zeros((n_, c_, h_ + sum(pads[0]), w_ + sum(pads[1])))
    xp[:, :, pads[0][0]:pads[0][0] + h_, pads[1][0]:pads[1][0] + w_] = x
    ho = (xp.shape[2] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (xp.shape[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n_, o_, ho, wo))
    for n, o, p, q in product(range(n_), range(o_), range(ho), range(wo)):
        first = (o // (o_ // groups)) * cg
        acc = 0.0 if b is None else b[o]
        for c, i, j in product(range(cg), range(kh), range(kw)):
            acc += w[o, c, i, j] * xp[n, first + c, p * stride[0] + i * dil[0], q * stride[1] + j * dil[1]]
        out[n, o, p, q] = acc
    return out


def numeric_vjp(f, arrays, u, eps=1e-6):
    """d(sum(u * f(arrays)))/d(each array), by central differences (f is numpy-only)."""
    grads = []
    for a in arrays:
        g = np.zeros(a.shape)
        for idx in np.ndindex(a.shape):
            orig = a[idx]
            a[idx] = orig + eps
            plus = (u * f(*arrays)).sum()
            a[idx] = orig - eps
            minus = (u * f(*arrays)).sum()
            a[idx] = orig
            g[idx] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


CONFIGS = [
    (dict(), (1, 1), ((0, 0), (0, 0)), (1, 1), 1),
    (dict(stride=2, padding=1), (2, 2), ((1, 1), (1, 1)), (1, 1), 1),
    (dict(stride=(1, 2), padding=(2, 0)), (1, 2), ((2, 2), (0, 0)), (1, 1), 1),
    (dict(dilation=2, padding=1), (1, 1), ((1, 1), (1, 1)), (2, 2), 1),
    (dict(groups=2), (1, 1), ((0, 0), (0, 0)), (1, 1), 2),
    (dict(padding="valid"), (1, 1), ((0, 0), (0, 0)), (1, 1), 1),
]


@pytest.mark.parametrize("kwargs,stride,pads,dil,groups", CONFIGS)
def test_conv2d_values_and_grads_match_naive_loops(kwargs, stride, pads, dil, groups):
    x = RNG.standard_normal((2, 2, 5, 4))
    w = RNG.standard_normal((4, 2 // groups, 3, 2))
    b = RNG.standard_normal(4)
    xv, wv, bv = (tg.tensor(a.copy(), requires_grad=True) for a in (x, w, b))
    y = F.conv2d(xv, wv, bv, **kwargs)
    expected = naive_conv(x, w, b, stride, pads, dil, groups)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    u = RNG.standard_normal(expected.shape)
    y.backward(tg.tensor(u))
    ref = numeric_vjp(lambda x_, w_, b_: naive_conv(x_, w_, b_, stride, pads, dil, groups),
                      [x.copy(), w.copy(), b.copy()], u)
    for got, exp in zip((xv.grad, wv.grad, bv.grad), ref):
        np.testing.assert_allclose(got.numpy(), exp, rtol=1e-6, atol=1e-6 * np.abs(exp).max())
        assert np.abs(exp).max() > 0.1


def test_conv2d_same_padding_even_kernel_pads_bottom_right_like_pytorch():
    x, w = RNG.standard_normal((1, 2, 5, 4)), RNG.standard_normal((3, 2, 2, 4))
    y = F.conv2d(tg.tensor(x), tg.tensor(w), padding="same")
    # total padding d*(k-1): rows 1 -> (0 top, 1 bottom); columns 3 -> (1 left, 2 right)
    expected = naive_conv(x, w, pads=((0, 1), (1, 2)))
    assert y.shape == (1, 3, 5, 4)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_conv2d_unbatched_input_gives_unbatched_output():
    x, w = RNG.standard_normal((2, 5, 5)), RNG.standard_normal((3, 2, 3, 3))
    y = F.conv2d(tg.tensor(x), tg.tensor(w), stride=2)
    assert y.shape == (3, 2, 2)
    np.testing.assert_allclose(y.numpy(), naive_conv(x[None], w, stride=(2, 2))[0], rtol=1e-12)


def test_conv2d_is_twice_differentiable():
    x = tg.tensor(RNG.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = tg.tensor(RNG.standard_normal((2, 1, 2, 2)), requires_grad=True)
    b = tg.tensor(RNG.standard_normal(2), requires_grad=True)

    def f(x, w, b):
        return F.conv2d(x, w, b, stride=2, padding=1, groups=2)

    assert gradcheck(f, [x, w, b])
    assert gradgradcheck(f, [x, w, b])


def test_conv2d_second_derivative_mixed_term_is_exact():
    # y = sum(conv(x, w)^2)/2 for a 1x1 kernel: dy/dw = sum x^2 w, so d2y/dw2 = sum x^2
    x = tg.tensor(RNG.standard_normal((2, 1, 3, 3)))
    w = tg.tensor([[[[0.7]]]], requires_grad=True)
    y = (F.conv2d(x, w) ** 2).sum() / 2
    (gw,) = tg.autograd.grad(y, [w], create_graph=True)
    (ggw,) = tg.autograd.grad(gw.sum(), [w])
    assert ggw.numpy()[0, 0, 0, 0] == pytest.approx((x.numpy() ** 2).sum(), rel=1e-12)


@pytest.mark.parametrize("shape,message", [
    ((2, 3), "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]"),
    ((1, 2, 3, 4, 5), "input of size: [1, 2, 3, 4, 5]"),
])
def test_conv2d_rank_errors(shape, message):
    with pytest.raises(RuntimeError, match=re_escape(message)):
        F.conv2d(tg.zeros(*shape), tg.zeros(1, 1, 1, 1))


def re_escape(s):
    import re

    return re.escape(s)


def test_conv2d_argument_errors_use_pytorch_wording():
    x, w = tg.zeros(64, 2, 8, 8), tg.zeros(16, 1, 3, 3)
    with pytest.raises(RuntimeError, match=re_escape(
            "Given groups=1, weight of size [16, 1, 3, 3], expected input[64, 2, 8, 8] to have 1 "
            "channels, but got 2 channels instead")):
        F.conv2d(x, w)
    with pytest.raises(RuntimeError, match="expected weight to be divisible by 3 at dimension 0"):
        F.conv2d(tg.zeros(1, 6, 8, 8), tg.zeros(4, 2, 3, 3), groups=3)
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 16 elements"):
        F.conv2d(tg.zeros(1, 1, 8, 8), w, tg.zeros(3))
    with pytest.raises(RuntimeError, match=re_escape(
            "padded input size per channel: (2 x 2). Kernel size: (3 x 3)")):
        F.conv2d(tg.zeros(1, 1, 2, 2), w)
    with pytest.raises(RuntimeError, match="padding='same' is not supported for strided convolutions"):
        F.conv2d(tg.zeros(1, 1, 5, 5), w, padding="same", stride=2)
    with pytest.raises(RuntimeError, match="Invalid padding string: 'full'"):
        F.conv2d(tg.zeros(1, 1, 5, 5), w, padding="full")
    with pytest.raises(RuntimeError, match="non-positive stride"):
        F.conv2d(tg.zeros(1, 1, 5, 5), w, stride=0)
    with pytest.raises(RuntimeError, match="negative padding"):
        F.conv2d(tg.zeros(1, 1, 5, 5), w, padding=-1)
    with pytest.raises(RuntimeError, match="non-positive groups"):
        F.conv2d(tg.zeros(1, 1, 5, 5), w, groups=0)


def test_conv2d_layer_init_shapes_repr_and_state_dict():
    tg.manual_seed(0)
    conv = nn.Conv2d(4, 6, 3, groups=2)
    assert conv.weight.shape == (6, 2, 3, 3) and conv.bias.shape == (6,)
    fan_in = 2 * 3 * 3  # kaiming_uniform_(a=sqrt(5)) gives bound 1/sqrt(fan_in), as the bias
    bound = 1 / math.sqrt(fan_in)
    for p in (conv.weight, conv.bias):
        data = p.detach().numpy()
        assert np.abs(data).max() <= bound and np.abs(data).max() > 0.5 * bound
    assert list(conv.state_dict()) == ["weight", "bias"]
    assert repr(conv) == "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), groups=2)"
    assert repr(nn.Conv2d(1, 2, (3, 2), stride=2, padding=1, dilation=2, bias=False,
                          padding_mode="reflect")) == (
        "Conv2d(1, 2, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
        "bias=False, padding_mode=reflect)")
    assert repr(nn.Conv2d(1, 2, 3, padding="same")).endswith("padding=same)")
    assert nn.Conv2d(1, 2, 3, bias=False).bias is None


def test_conv2d_layer_forward_matches_functional():
    conv = nn.Conv2d(2, 3, 3, stride=2, padding=1)
    x = RNG.standard_normal((2, 2, 5, 5))
    expected = naive_conv(x, conv.weight.detach().numpy(), conv.bias.detach().numpy(), (2, 2),
                          ((1, 1), (1, 1)))
    np.testing.assert_allclose(conv(tg.tensor(x)).detach().numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("mode,numpy_mode", [("reflect", "reflect"), ("replicate", "edge"),
                                             ("circular", "wrap")])
def test_conv2d_padding_modes(mode, numpy_mode):
    conv = nn.Conv2d(1, 2, 3, padding=(1, 2), padding_mode=mode, bias=False)
    x = RNG.standard_normal((1, 1, 4, 5))
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2)), mode=numpy_mode)
    expected = naive_conv(xp, conv.weight.detach().numpy())
    xv = tg.tensor(x, requires_grad=True)
    y = conv(xv)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12)
    y.sum().backward()
    # every input pixel gets the sum of the kernel once per (padded) copy that a window reads
    assert xv.grad.shape == x.shape and np.abs(xv.grad.numpy()).max() > 0


def test_conv2d_layer_constructor_errors():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv2d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(4, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="Invalid padding string 'full', should be one of"):
        nn.Conv2d(4, 4, 3, padding="full")


# ---------------------------------------------------------------- pooling
def windows_1d(size, k, s, p, d, ceil):
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return [[o * s - p + t * d for t in range(k)] for o in range(out)]


def naive_max_pool(x, k, s, p, d, ceil):
    rows, cols = windows_1d(x.shape[2], k, s, p, d, ceil), windows_1d(x.shape[3], k, s, p, d, ceil)
    out = np.zeros(x.shape[:2] + (len(rows), len(cols)))
    for n, c, (a, r), (b, q) in product(range(x.shape[0]), range(x.shape[1]), enumerate(rows),
                                        enumerate(cols)):
        out[n, c, a, b] = max(x[n, c, i, j] for i in r for j in q
                              if 0 <= i < x.shape[2] and 0 <= j < x.shape[3])
    return out


@pytest.mark.parametrize("k,s,p,d,ceil", [(2, 2, 0, 1, False), (3, 2, 1, 1, True), (2, 1, 1, 2, False),
                                          (3, 3, 0, 1, True)])
def test_max_pool2d_matches_naive_loops_and_routes_grad_to_the_max(k, s, p, d, ceil):
    x = RNG.permutation(2 * 3 * 7 * 8).reshape(2, 3, 7, 8).astype(float)  # distinct values
    xv = tg.tensor(x, requires_grad=True)
    y = F.max_pool2d(xv, k, s, p, d, ceil)
    expected = naive_max_pool(x, k, s, p, d, ceil)
    np.testing.assert_array_equal(y.detach().numpy(), expected)
    u = RNG.standard_normal(expected.shape)
    y.backward(tg.tensor(u))
    g = np.zeros(x.shape)
    for idx in np.ndindex(expected.shape):  # each output's max, found by value
        where = np.argwhere(x[idx[0], idx[1]] == expected[idx])[0]
        g[idx[0], idx[1], where[0], where[1]] += u[idx]
    np.testing.assert_allclose(xv.grad.numpy(), g, rtol=1e-14)


def test_max_pool2d_return_indices_and_unbatched():
    x = np.array([[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 1.0]]])  # (1, 2, 4)
    y, idx = F.max_pool2d(tg.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), [[[5.0, 8.0]]])
    np.testing.assert_array_equal(idx.numpy(), [[[1, 6]]])
    assert idx.dtype == np.int64
    layer = nn.MaxPool2d(2)
    assert repr(layer) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"


def test_max_pool2d_padding_is_minus_infinity():
    x = -np.ones((1, 1, 2, 2))
    y = F.max_pool2d(tg.tensor(x), 2, stride=1, padding=1)
    np.testing.assert_array_equal(y.numpy(), -np.ones((1, 1, 3, 3)))  # zero padding would give 0


def test_pool_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(tg.zeros(1, 1, 4, 4), 3, padding=2)
    with pytest.raises(RuntimeError, match=re_escape("Given input size: (1x2x2). Calculated output "
                                                     "size: (1x0x0). Output size is too small")):
        F.max_pool2d(tg.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="non-empty 3D or 4D"):
        F.max_pool2d(tg.zeros(2, 3), 2)
    with pytest.raises(RuntimeError, match="stride should not be zero"):
        F.avg_pool2d(tg.zeros(1, 1, 4, 4), 2, stride=0)
    with pytest.raises(RuntimeError, match="Expected 3D or 4D tensor"):
        F.adaptive_avg_pool2d(tg.zeros(2, 3), 2)


def naive_avg_pool(x, k, s, p, ceil, include_pad):
    h, w = x.shape[2:]
    rows, cols = windows_1d(h, k, s, p, 1, ceil), windows_1d(w, k, s, p, 1, ceil)
    out = np.zeros(x.shape[:2] + (len(rows), len(cols)))
    for (a, r), (b, q) in product(enumerate(rows), enumerate(cols)):
        real = [(i, j) for i in r for j in q if 0 <= i < h and 0 <= j < w]
        padded = [(i, j) for i in r for j in q if i < h + p and j < w + p]
        total = sum(x[:, :, i, j] for i, j in real)
        out[:, :, a, b] = total / (len(padded) if include_pad else len(real))
    return out


@pytest.mark.parametrize("k,s,p,ceil,include", [(2, 2, 0, False, True), (3, 2, 1, True, True),
                                                (3, 2, 1, True, False), (2, 1, 1, False, False)])
def test_avg_pool2d_matches_naive_loops(k, s, p, ceil, include):
    x = RNG.standard_normal((1, 2, 7, 6))
    xv = tg.tensor(x, requires_grad=True)
    y = F.avg_pool2d(xv, k, s, p, ceil, include)
    expected = naive_avg_pool(x, k, s, p, ceil, include)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12)
    u = RNG.standard_normal(expected.shape)
    y.backward(tg.tensor(u))
    ref = numeric_vjp(lambda a: naive_avg_pool(a, k, s, p, ceil, include), [x.copy()], u)[0]
    np.testing.assert_allclose(xv.grad.numpy(), ref, rtol=1e-6, atol=1e-8)


def test_avg_pool2d_divisor_override_and_repr():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    y = F.avg_pool2d(tg.tensor(x), 2, divisor_override=2)
    np.testing.assert_array_equal(y.numpy(), [[[[5.0, 9.0], [21.0, 25.0]]]])
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"


@pytest.mark.parametrize("out", [(3, 4), 2, (None, 3), 1, (5, 7)])
def test_adaptive_avg_pool2d_matches_naive_loops(out):
    x = RNG.standard_normal((2, 3, 5, 7))
    oh, ow = (out, out) if isinstance(out, int) else out
    oh, ow = oh or 5, ow or 7
    expected = np.zeros((2, 3, oh, ow))
    for a, b in product(range(oh), range(ow)):
        r0, r1 = math.floor(a * 5 / oh), math.ceil((a + 1) * 5 / oh)
        c0, c1 = math.floor(b * 7 / ow), math.ceil((b + 1) * 7 / ow)
        expected[:, :, a, b] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
    y = nn.AdaptiveAvgPool2d(out)(tg.tensor(x))
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12)
    assert nn.AdaptiveAvgPool2d(out)(tg.tensor(x[0])).shape == (3, oh, ow)
