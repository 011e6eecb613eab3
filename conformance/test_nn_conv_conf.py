"""Convolution, pooling and normalisation layers side by side with PyTorch (float64): values,
gradients, running statistics over several training steps, train/eval, state_dict keys, errors."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import check, check_raises, f64  # noqa: E402

RNG = np.random.default_rng(7)
X4 = RNG.standard_normal((2, 4, 7, 6)).tolist()
U = RNG.standard_normal((64,)).tolist()


def _set(T, param, values):
    with T.no_grad():
        param.copy_(f64(T, values))


def _upstream(T, y, seed=0):
    u = np.random.default_rng(seed).standard_normal(tuple(y.shape))
    return (y * f64(T, u.tolist())).sum()


CONV_KW = [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2),
           dict(groups=2, stride=(2, 1), padding=(0, 2)), dict(padding=1, padding_mode="reflect"),
           dict(padding=(1, 2), padding_mode="circular"), dict(padding=1, padding_mode="replicate"),
           dict(padding="same")]


@pytest.mark.parametrize("kw", CONV_KW, ids=str)
def test_conv2d_layer_forward_backward(kw):
    groups = kw.get("groups", 1)
    w = RNG.standard_normal((6, 4 // groups, 3, 2)).tolist()
    b = RNG.standard_normal(6).tolist()

    def program(T):
        conv = T.nn.Conv2d(4, 6, (3, 2), dtype=T.float64, **kw)
        _set(T, conv.weight, w)
        _set(T, conv.bias, b)
        x = f64(T, X4, True)
        y = conv(x)
        _upstream(T, y).backward()
        return {"y": y, "x.grad": x.grad, "w.grad": conv.weight.grad, "b.grad": conv.bias.grad,
                "keys": list(conv.state_dict()), "repr": repr(conv)}

    check(program)


W_UNB = RNG.standard_normal((3, 4, 2, 2)).tolist()


def test_conv2d_unbatched_and_double_backward():
    def program(T):
        x = f64(T, X4[0], True)
        w = f64(T, W_UNB, True)
        y = T.nn.functional.conv2d(x, w, stride=2, padding=1, dilation=2)
        (gx,) = T.autograd.grad((y * y).sum(), [x], create_graph=True)
        (gw,) = T.autograd.grad((gx * gx).sum(), [w])
        return {"y": y, "gx": gx, "gw": gw}

    check(program)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1,
                                                          ceil_mode=True),
                                dict(kernel_size=(2, 3), stride=1, padding=1, dilation=2)], ids=str)
def test_max_pool2d_layer(kw):
    x = RNG.permutation(2 * 4 * 7 * 6).reshape(2, 4, 7, 6).astype(float).tolist()

    def program(T):
        xv = f64(T, x, True)
        y = T.nn.MaxPool2d(**kw)(xv)
        _upstream(T, y).backward()
        _, idx = T.nn.functional.max_pool2d(xv, return_indices=True, **kw)
        return {"y": y, "grad": xv.grad, "idx": idx, "repr": repr(T.nn.MaxPool2d(**kw))}

    check(program)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1,
                                                          ceil_mode=True),
                                dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                     count_include_pad=False),
                                dict(kernel_size=(2, 3), stride=1, padding=1, divisor_override=4)],
                         ids=str)
def test_avg_pool2d_layer(kw):
    def program(T):
        xv = f64(T, X4, True)
        y = T.nn.AvgPool2d(**kw)(xv)
        _upstream(T, y).backward()
        return {"y": y, "grad": xv.grad, "repr": repr(T.nn.AvgPool2d(**kw))}

    check(program)


@pytest.mark.parametrize("size", [(3, 4), 2, (None, 4), (7, 6), (5, 5)], ids=str)
def test_adaptive_avg_pool2d_layer(size):
    def program(T):
        xv = f64(T, X4, True)
        y = T.nn.AdaptiveAvgPool2d(size)(xv)
        _upstream(T, y).backward()
        return {"y": y, "grad": xv.grad, "unbatched": T.nn.AdaptiveAvgPool2d(size)(xv[0])}

    check(program)


@pytest.mark.parametrize("cls,shape", [("BatchNorm2d", (3, 4, 2, 3)), ("BatchNorm1d", (5, 4)),
                                       ("BatchNorm1d", (3, 4, 5))])
@pytest.mark.parametrize("momentum", [0.1, None, 0.5])
def test_batchnorm_training_steps_then_eval(cls, shape, momentum):
    xs = [(RNG.standard_normal(shape) * (i + 1) + i).tolist() for i in range(4)]
    w, b = RNG.standard_normal(4).tolist(), RNG.standard_normal(4).tolist()

    def program(T):
        bn = getattr(T.nn, cls)(4, momentum=momentum, dtype=T.float64)
        _set(T, bn.weight, w)
        _set(T, bn.bias, b)
        out = {}
        for i, x in enumerate(xs):
            xv = f64(T, x, True)
            y = bn(xv)
            _upstream(T, y, i).backward()
            out[f"y{i}"], out[f"g{i}"] = y, xv.grad
        out.update({k: v for k, v in bn.state_dict().items()})
        bn.eval()
        xv = f64(T, xs[0], True)
        y = bn(xv)
        _upstream(T, y).backward()
        out.update({"eval": y, "eval.grad": xv.grad, "w.grad": bn.weight.grad,
                    "repr": repr(bn), "nbt": bn.num_batches_tracked})
        return out

    check(program)


def test_batchnorm_without_tracking_and_without_affine():
    def program(T):
        bn = T.nn.BatchNorm2d(4, affine=False, track_running_stats=False, dtype=T.float64)
        xv = f64(T, X4, True)
        y = bn.eval()(xv)
        _upstream(T, y).backward()
        return {"y": y, "grad": xv.grad, "keys": list(bn.state_dict()), "repr": repr(bn)}

    check(program)


@pytest.mark.parametrize("normalized", [(6,), (7, 6)], ids=str)
def test_layernorm(normalized):
    w = RNG.standard_normal(normalized).tolist()
    b = RNG.standard_normal(normalized).tolist()

    def program(T):
        ln = T.nn.LayerNorm(normalized, dtype=T.float64)
        _set(T, ln.weight, w)
        _set(T, ln.bias, b)
        xv = f64(T, X4, True)
        y = ln(xv)
        _upstream(T, y).backward()
        return {"y": y, "grad": xv.grad, "w.grad": ln.weight.grad, "b.grad": ln.bias.grad,
                "repr": repr(ln), "keys": list(ln.state_dict())}

    check(program)


ERRORS = [
    (lambda T: T.nn.functional.conv2d(T.zeros(2, 3), T.zeros(1, 1, 1, 1)),
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]"),
    (lambda T: T.nn.functional.conv2d(T.zeros(64, 2, 8, 8), T.zeros(16, 1, 3, 3)),
     "Given groups=1, weight of size [16, 1, 3, 3], expected input[64, 2, 8, 8] to have 1 channels, "
     "but got 2 channels instead"),
    (lambda T: T.nn.functional.conv2d(T.zeros(1, 4, 8, 8), T.zeros(6, 2, 3, 3), groups=3),
     "expected input[1, 4, 8, 8] to have 6 channels"),
    (lambda T: T.nn.functional.conv2d(T.zeros(1, 1, 2, 2), T.zeros(1, 1, 3, 3)),
     "Kernel size can't be greater than actual input size"),
    (lambda T: T.nn.functional.conv2d(T.zeros(1, 1, 5, 5), T.zeros(1, 1, 3, 3), T.zeros(2)),
     "expected bias to be 1-dimensional with 1 elements"),
    (lambda T: T.nn.functional.conv2d(T.zeros(1, 1, 5, 5), T.zeros(1, 1, 3, 3), padding="same",
                                      stride=2), "padding='same' is not supported"),
    (lambda T: T.nn.Conv2d(3, 4, 3, groups=2), "in_channels must be divisible by groups"),
    (lambda T: T.nn.Conv2d(4, 3, 3, groups=2), "out_channels must be divisible by groups"),
    (lambda T: T.nn.Conv2d(4, 4, 3, padding_mode="mirror"), "padding_mode must be one of"),
    (lambda T: T.nn.Conv2d(4, 4, 3, padding="full"), "Invalid padding string 'full'"),
    (lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 4, 4), 3, padding=2),
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"),
    (lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 2, 2), 3), "Output size is too small"),
    (lambda T: T.nn.functional.max_pool2d(T.zeros(2, 3), 2), "3D or 4D"),
    (lambda T: T.nn.functional.avg_pool2d(T.zeros(1, 1, 4, 4), 2, stride=0), "stride should not be zero"),
    (lambda T: T.nn.functional.adaptive_avg_pool2d(T.zeros(2, 3), 2),
     "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [2, 3]"),
    (lambda T: T.nn.BatchNorm2d(3)(T.zeros(2, 3, 4)), "expected 4D input (got 3D input)"),
    (lambda T: T.nn.BatchNorm1d(3)(T.zeros(2, 3, 4, 5)), "expected 2D or 3D input (got 4D input)"),
    (lambda T: T.nn.BatchNorm1d(3)(T.zeros(1, 3)), "Expected more than 1 value per channel when training"),
    (lambda T: T.nn.BatchNorm2d(3)(T.zeros(2, 4, 2, 2)), "running_mean should contain 4 elements not 3"),
    (lambda T: T.nn.functional.batch_norm(T.zeros(2, 3), None, None),
     "running_mean must be defined in evaluation mode"),
    (lambda T: T.nn.LayerNorm(3)(T.zeros(2, 4)),
     "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 4]"),
    (lambda T: T.nn.functional.layer_norm(T.zeros(2, 3), (3,), T.ones(4)),
     "Expected weight to be of same shape as normalized_shape"),
    (lambda T: T.nn.functional.layer_norm(T.zeros(2, 3), 3), "must be tuple of ints, not int"),
]


@pytest.mark.parametrize("program,words", ERRORS, ids=[w[:40] for _, w in ERRORS])
def test_errors_match_pytorch(program, words):
    check_raises(program, words)


def test_failed_batchnorm_call_leaves_state():
    def program(T):
        bn = T.nn.BatchNorm2d(3, dtype=T.float64)
        try:
            bn(T.zeros(2, 4, 2, 2, dtype=T.float64))
        except RuntimeError:
            pass
        return dict(bn.state_dict())

    check(program)
