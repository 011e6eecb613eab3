"""Printing (tinygrad_edu/printing.py): the strings PyTorch 2.13 prints, written out (torch-free;
conformance/test_printing_conf.py compares with PyTorch itself)."""

from __future__ import annotations

import time

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.printing import get_printoptions, printoptions


@pytest.fixture(autouse=True)
def _default_options():
    yield
    tg.set_printoptions(profile="default")


NAN, INF = float("nan"), float("inf")
CASES = [
    (tg.tensor(3.5), "tensor(3.5000)"),
    (tg.tensor(-0.0), "tensor(-0.)"),
    (tg.tensor(2), "tensor(2)"),
    (tg.tensor(True), "tensor(True)"),
    (tg.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (tg.tensor([1.5, -2.25, 0.1]), "tensor([ 1.5000, -2.2500,  0.1000])"),
    (tg.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (tg.tensor([1e9, 1.0]), "tensor([1.0000e+09, 1.0000e+00])"),
    (tg.tensor([0.001, 1.0, 2.5]), "tensor([1.0000e-03, 1.0000e+00, 2.5000e+00])"),
    (tg.tensor([123456789.0, 1.0]), "tensor([1.2346e+08, 1.0000e+00])"),
    (tg.tensor([NAN, INF, -INF, 2.0]), "tensor([nan, inf, -inf, 2.])"),
    (tg.tensor([-0.0, 0.0, 1.0]), "tensor([-0., 0., 1.])"),
    (tg.tensor([0.0, 0.0]), "tensor([0., 0.])"),
    (tg.tensor([[1, 2], [30, -4]]), "tensor([[ 1,  2],\n        [30, -4]])"),
    (tg.tensor([True, False]), "tensor([ True, False])"),
    (tg.tensor([1, 2], dtype=tg.int32), "tensor([1, 2], dtype=torch.int32)"),
    (tg.tensor([1.0, 2.5], dtype=np.float16), "tensor([1.0000, 2.5000], dtype=torch.float16)"),
    (tg.tensor([1.0, 2.5], dtype=tg.float32), "tensor([1.0000, 2.5000])"),
    (tg.tensor([1 + 2j, -0.5j]), "tensor([1.+2.0000j, -0.-0.5000j])"),
    (tg.zeros(0, 3), "tensor([], size=(0, 3))"),
    (tg.zeros(0), "tensor([])"),
    (tg.zeros(0, dtype=tg.int64), "tensor([], dtype=torch.int64)"),
    (tg.zeros(2, 0, dtype=tg.bool), "tensor([], size=(2, 0), dtype=torch.bool)"),
    (tg.arange(30.0),
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
     "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
     "        28., 29.])"),
    (tg.arange(16.0) / 7,
     "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
     "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429])"),
    (tg.arange(24.0).reshape(2, 3, 4),
     "tensor([[[ 0.,  1.,  2.,  3.],\n"
     "         [ 4.,  5.,  6.,  7.],\n"
     "         [ 8.,  9., 10., 11.]],\n"
     "\n"
     "        [[12., 13., 14., 15.],\n"
     "         [16., 17., 18., 19.],\n"
     "         [20., 21., 22., 23.]]])"),
    (tg.arange(1001), "tensor([   0,    1,    2,  ...,  998,  999, 1000])"),
    (tg.arange(2000.0).reshape(40, 50),
     "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n"
     "         4.9000e+01],\n"
     "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n"
     "         9.9000e+01],\n"
     "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n"
     "         1.4900e+02],\n"
     "        ...,\n"
     "        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n"
     "         1.8990e+03],\n"
     "        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n"
     "         1.9490e+03],\n"
     "        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
     "         1.9990e+03]])"),
]


@pytest.mark.parametrize("value,expected", CASES, ids=[e.split("\n")[0][:40] for _, e in CASES])
def test_repr_and_str(value, expected):
    assert repr(value) == expected and str(value) == expected


def test_suffixes_grad_fn_requires_grad_and_name():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward>)"
    assert repr(tg.tensor([1, 2], dtype=tg.int32)) == "tensor([1, 2], dtype=torch.int32)"
    assert repr(tg.tensor(1.0, name="w")) == "tensor(1., name='w')"
    # a suffix that does not fit the last line goes on its own line, under the numbers
    y = tg.tensor([1.0] * 14, requires_grad=True) * 2
    assert repr(y) == ("tensor([2., 2., 2., 2., 2., 2., 2., 2., 2., 2., 2., 2., 2., 2.],\n"
                       "       grad_fn=<MulBackward>)")
    z = tg.arange(16, dtype=tg.int32)
    assert repr(z) == ("tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15],\n"
                       "       dtype=torch.int32)")


def test_float32_prints_no_dtype_and_float64_does_after_set_default_dtype_float32():
    assert repr(tg.tensor([0.1], dtype=tg.float32)) == "tensor([0.1000])"
    tg.set_default_dtype(tg.float32)
    try:
        assert repr(tg.tensor([0.5], dtype=tg.float64)) == "tensor([0.5000], dtype=torch.float64)"
        assert repr(tg.tensor([0.5])) == "tensor([0.5000])"
        assert repr(tg.tensor([], dtype=tg.float64)) == "tensor([], dtype=torch.float64)"
    finally:
        tg.set_default_dtype(tg.float64)


def test_parameter_repr():
    p = nn.Parameter(tg.tensor([[1.0, 2.0]]))
    assert repr(p) == "Parameter containing:\ntensor([[1., 2.]], requires_grad=True)"
    q = nn.Parameter(tg.tensor([1.5]), requires_grad=False)
    assert repr(q) == "Parameter containing:\ntensor([1.5000])"


def test_format():
    x = tg.tensor(2.0 / 3.0, requires_grad=True) * 1
    assert f"{x:.3f}" == "0.667" and f"{x}" == "0.6666666666666666"
    v = tg.tensor([1.0, 2.5])
    assert f"{v}" == "tensor([1.0000, 2.5000])"
    with pytest.raises(TypeError):
        format(v, ".2f")
    with pytest.raises(TypeError):  # as PyTorch: only a plain 0-d tensor formats as its number
        format(nn.Parameter(tg.tensor(0.5)), ".2f")


def test_set_printoptions():
    tg.set_printoptions(precision=2)
    assert repr(tg.tensor([1.12345])) == "tensor([1.12])"
    tg.set_printoptions(threshold=5)  # precision stays 2
    assert repr(tg.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    assert get_printoptions()["precision"] == 2
    tg.set_printoptions(profile="default")
    assert repr(tg.tensor([1.12345])) == "tensor([1.1235])"
    assert repr(tg.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"
    tg.set_printoptions(sci_mode=True)
    assert repr(tg.tensor([1.5])) == "tensor([1.5000e+00])"
    tg.set_printoptions(linewidth=30)  # sci_mode goes back to None with every call
    assert repr(tg.arange(10.0)) == "tensor([0., 1., 2., 3., 4.,\n        5., 6., 7., 8., 9.])"
    tg.set_printoptions(profile="short")
    assert repr(tg.tensor([1.12345] * 3)) == "tensor([1.12, 1.12, 1.12])"
    tg.set_printoptions(profile="full")
    assert "..." not in repr(tg.arange(3000))
    tg.set_printoptions(profile="default", edgeitems=1, threshold=3)
    assert repr(tg.arange(12).reshape(3, 4)) == (
        "tensor([[ 0,  ...,  3],\n        ...,\n        [ 8,  ..., 11]])")
    tg.set_printoptions(edgeitems=0, threshold=3)
    assert repr(tg.arange(12).reshape(3, 4)) == "tensor([...], size=(3, 4))"


def test_printoptions_context_restores():
    with printoptions(precision=1):
        assert repr(tg.tensor([1.26])) == "tensor([1.3])"
    assert repr(tg.tensor([1.26])) == "tensor([1.2600])"


def test_summary_of_a_large_tensor_is_quick():
    x = tg.zeros(1000, 1000) + 0.5
    start = time.perf_counter()
    text = repr(x)
    assert time.perf_counter() - start < 1.0
    row = "[0.5000, 0.5000, 0.5000,  ..., 0.5000, 0.5000, 0.5000]"
    assert text == "tensor([" + ",\n        ".join([row] * 3 + ["..."] + [row] * 3) + "])"
