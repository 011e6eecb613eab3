"""Small API names: factory sizes and keywords, more factories (logspace, range, scalar_tensor,
asarray, legacy constructors), dtype names and queries, constants, inference mode, device
queries, global switches, torch.load's keywords and numpy's axis=/keepdims= spellings."""

import io
import math
import threading
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.value import Value


def _np(v):
    return np.asarray(v.detach().numpy())


@pytest.mark.parametrize("make", [tg.zeros, tg.ones, tg.empty, tg.rand, tg.randn])
@pytest.mark.parametrize("how", ["ints", "tuple", "list", "Size", "size=", "size=list"])
def test_every_size_form(make, how):
    args, kw = {"ints": ((2, 3), {}), "tuple": (((2, 3),), {}), "list": (([2, 3],), {}),
                "Size": ((tg.Size([2, 3]),), {}), "size=": ((), {"size": (2, 3)}),
                "size=list": ((), {"size": [2, 3]})}[how]
    out = make(*args, **kw, dtype=tg.float32, device="cpu", requires_grad=True)
    assert out.shape == (2, 3) and out.dtype == np.float32 and out.requires_grad and out.is_leaf


def test_sizes_and_keywords():
    assert tg.zeros(()).shape == () and tg.ones([]).shape == () and tg.rand(0).shape == (0,)
    assert tg.zeros(np.int64(2), tg.tensor(3)).shape == (2, 3)  # anything with __index__
    assert tg.full(size=(2,), fill_value=3).dtype == np.int64
    assert tg.full((2,), True).dtype == np.bool_ and tg.full((2,), 1.5).dtype == np.float64
    assert tg.zeros(2, layout=None, pin_memory=False).shape == (2,)
    assert tg.randint(5, size=(2, 2)).shape == (2, 2)
    assert tg.randint(low=1, high=3, size=[4]).shape == (4,)
    for bad, exc, words in [((2, "size"), TypeError, "both"), ((-1,), RuntimeError, "non-negative"),
                            ((2.5,), TypeError, "tuple of ints"), ((True,), TypeError, "tuple of ints")]:
        with pytest.raises(exc, match=words):
            tg.zeros(*bad[:1], **({"size": (2,)} if bad[1:] == ("size",) else {}))
    with pytest.raises(RuntimeError, match="negative dimension -2: \\[1, -2\\]"):
        tg.ones(1, -2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'shape'"):
        tg.zeros(shape=(2,))
    with pytest.raises(TypeError, match="out="):
        tg.zeros(2, out=tg.zeros(2))
    with pytest.raises(RuntimeError, match="floating point"):
        tg.ones(2, dtype=tg.int64, requires_grad=True)


def test_like_factories_keep_the_dtype():
    x = tg.tensor([1.0, 2.0], dtype=tg.float64)
    tg.set_default_dtype(tg.float32)
    try:
        for make in (tg.zeros_like, tg.ones_like, tg.empty_like, tg.rand_like, tg.randn_like):
            assert make(x).dtype == np.float64, make
        assert tg.full_like(x, 3).dtype == np.float64
    finally:
        tg.set_default_dtype(tg.float64)
    i = tg.tensor([1, 2])
    np.testing.assert_array_equal(_np(tg.full_like(i, 2.5)), [2, 2])
    assert tg.full_like(i, 2.5).dtype == np.int64 and tg.empty_like(i, dtype=tg.float32).dtype == np.float32
    assert tg.zeros_like(x, requires_grad=True).requires_grad
    assert tg.ones_like(i, memory_format=None).dtype == np.int64
    assert tg.randint_like(i, 3).dtype == np.int64 and tg.randint_like(x, 1, 3).dtype == np.float64
    with pytest.raises(TypeError, match="unexpected keyword argument 'size'"):
        tg.zeros_like(x, size=(3,))


def test_logspace_range_scalar_tensor():
    np.testing.assert_allclose(_np(tg.logspace(0, 3, 4)), [1.0, 10.0, 100.0, 1000.0])
    np.testing.assert_allclose(_np(tg.logspace(-1, 1, 5, base=2.0)), 2.0 ** np.linspace(-1, 1, 5))
    np.testing.assert_array_equal(_np(tg.logspace(0, 2, 3, dtype=tg.int64)), [1, 10, 100])
    assert tg.logspace(0, 1, 0).shape == (0,) and tg.logspace(2, 5, 1).tolist() == [100.0]
    with pytest.warns(UserWarning, match="deprecated"):
        r = tg.range(1, 4)
    np.testing.assert_array_equal(_np(r), [1.0, 2.0, 3.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert r.dtype == np.float64 and tg.range(0, 1, 0.25).shape == (5,)
        np.testing.assert_array_equal(_np(tg.range(0, -2, -1, dtype=tg.int64)), [0, -1, -2])
        with pytest.raises(RuntimeError, match="nonzero"):
            tg.range(0, 1, 0)
        with pytest.raises(RuntimeError, match="inconsistent"):
            tg.range(0, -1, 1)
        with pytest.raises(TypeError, match="end"):
            tg.range(3)
    assert tg.range.__name__ == "range" and range(3) == range(0, 3)  # the builtin is untouched here
    s = tg.scalar_tensor(3)
    assert s.shape == () and s.dtype == np.float64 and s.item() == 3.0
    assert tg.scalar_tensor(True, dtype=tg.int64).item() == 1
    with pytest.raises(TypeError, match="must be Number"):
        tg.scalar_tensor(tg.tensor([1.0]))


def test_asarray_shares_when_it_can():
    a = np.array([1.0, 2.0])
    v = tg.asarray(a)
    a[0] = 9.0
    assert v.tolist() == [9.0, 2.0]
    assert tg.asarray(a, copy=True).tolist() == [9.0, 2.0] and tg.asarray(a, copy=True)._data is not a
    t = tg.tensor([1.0])
    assert tg.asarray(t) is t and tg.asarray(t, copy=True) is not t
    assert tg.asarray(t, dtype=tg.float32).dtype == np.float32
    assert tg.asarray([1, 2]).dtype == np.int64 and tg.asarray(3.0).shape == ()
    assert tg.asarray(t, requires_grad=True).requires_grad and not t.requires_grad
    with pytest.raises(ValueError, match="alias"):
        tg.asarray(a, copy=False, dtype=tg.float32)


def test_legacy_constructors_and_dtype_names():
    assert tg.ByteTensor([1, 2]).dtype == np.uint8 and tg.CharTensor(3).shape == (3,)
    assert tg.CharTensor([1]).dtype == np.int8 and tg.ShortTensor([1]).dtype == np.int16
    assert tg.ByteTensor([1]).type() == "torch.ByteTensor"
    assert tg.ShortTensor([1]).type() == "torch.ShortTensor"
    names = {"int8": np.int8, "int16": np.int16, "short": np.int16, "int": np.int32, "uint8": np.uint8,
             "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64}
    for name, dt in names.items():
        assert getattr(tg, name) is dt and tg.zeros(1, dtype=getattr(tg, name)).dtype == dt
    assert isinstance(tg.zeros(1).dtype, tg.dtype) and isinstance(tg.int8, tg.dtype)
    assert not isinstance(3, tg.dtype) and not isinstance("float32", tg.dtype)
    with pytest.raises(TypeError, match="cannot create"):
        tg.dtype()
    x = tg.tensor([1.5, -2.0])
    assert x.byte().dtype == np.uint8 and x.char().tolist() == [1, -2] and x.short().dtype == np.int16
    assert x.is_floating_point() and tg.is_floating_point(x) and not tg.tensor([1]).is_floating_point()
    assert x.is_signed() and not tg.ByteTensor([1]).is_signed() and not tg.tensor([True]).is_signed()
    assert x.is_cpu and x.get_device() == -1 and tg.get_device(x) == -1 and not x.is_inference()


def test_constants():
    assert tg.e == math.e and tg.pi == math.pi and tg.inf == math.inf and math.isnan(tg.nan)
    assert tg.newaxis is None and tg.zeros(2)[tg.newaxis].shape == (1, 2)


def test_finfo_iinfo():
    for dt in (np.float32, np.float64):
        fi, ref = tg.finfo(dt), np.finfo(dt)
        assert (fi.eps, fi.max, fi.min, fi.tiny, fi.bits) == (float(ref.eps), float(ref.max), float(ref.min),
                                                              float(ref.smallest_normal), ref.bits)
        assert type(fi.eps) is float and fi.dtype == np.dtype(dt).name and fi.smallest_normal == fi.tiny
    assert tg.finfo(tg.float32).resolution == 1e-06 and tg.finfo().dtype == "float64"
    assert "eps=1.19209e-07" in repr(tg.finfo(tg.float32))
    for dt in (np.int8, np.uint8, np.int32, np.int64):
        ii = tg.iinfo(dt)
        assert (ii.min, ii.max, ii.bits) == (np.iinfo(dt).min, np.iinfo(dt).max, np.iinfo(dt).bits)
        assert type(ii.max) is int
    assert repr(tg.iinfo(tg.int8)) == "iinfo(min=-128, max=127, dtype=int8)"
    with pytest.raises(TypeError, match="iinfo"):
        tg.finfo(tg.int64)
    with pytest.raises(TypeError, match="finfo"):
        tg.iinfo(tg.float32)


@pytest.mark.parametrize("a,b,want", [
    (np.int64, np.float32, np.float32), (np.uint8, np.int8, np.int16), (np.bool_, np.int8, np.int8),
    (np.int32, np.int64, np.int64), (np.float32, np.float64, np.float64), (np.bool_, np.bool_, np.bool_),
    (np.int16, np.float32, np.float32), (np.uint8, np.float64, np.float64),
])
def test_promote_types(a, b, want):
    assert tg.promote_types(a, b) == want and tg.promote_types(b, a) == want


def test_result_type_and_can_cast():
    i64, i32, u8 = tg.tensor([1, 2]), tg.tensor([1], dtype=tg.int32), tg.tensor([1], dtype=tg.uint8)
    f32 = tg.tensor([1.0], dtype=tg.float32)
    cases = [((i32, tg.tensor(1)), np.int32), ((f32, tg.tensor(1.0)), np.float32), ((u8, 5), np.uint8),
             ((tg.tensor([True]), 1), np.int64), ((i64, 1.0), np.float64), ((2, 3.0), np.float64),
             ((tg.tensor(1, dtype=tg.int32), f32), np.float32), ((tg.tensor(2.0), i64), np.float64),
             ((u8, i32), np.int32), ((True, False), np.bool_), ((f32, 2), np.float32)]
    for (a, b), want in cases:
        assert tg.result_type(a, b) == want, (a, b)
    with pytest.raises(TypeError, match="Tensor or Number"):
        tg.result_type(i64, "x")
    assert tg.can_cast(tg.int32, tg.float32) and tg.can_cast(tg.float64, tg.float32)
    assert not tg.can_cast(tg.float32, tg.int64) and not tg.can_cast(tg.int8, tg.bool)
    assert tg.can_cast(tg.bool, tg.uint8)


def test_inference_mode():
    w = tg.tensor([1.0], requires_grad=True)
    assert not tg.is_inference_mode_enabled()
    with tg.inference_mode():
        assert not tg.is_grad_enabled() and tg.is_inference_mode_enabled()
        assert not (w * 2).requires_grad
        with tg.inference_mode(False):
            assert tg.is_grad_enabled() and not tg.is_inference_mode_enabled() and (w * 2).requires_grad
        with tg.inference_mode(mode=True):
            assert not tg.is_grad_enabled()
        assert tg.is_inference_mode_enabled()
    assert tg.is_grad_enabled() and not tg.is_inference_mode_enabled()

    @tg.inference_mode
    def bare(v):
        return (v * 2).requires_grad, tg.is_inference_mode_enabled()

    @tg.inference_mode()
    def called(v):
        return (v * 2).requires_grad

    assert bare(w) == (False, True) and called(w) is False and bare.__name__ == "bare"
    assert tg.is_grad_enabled()
    seen = []
    with tg.inference_mode():
        t = threading.Thread(
            target=lambda: seen.append((tg.is_grad_enabled(), tg.is_inference_mode_enabled())))
        t.start()
        t.join()
    assert seen == [(True, False)]  # per thread, as grad mode
    with pytest.raises(ZeroDivisionError), tg.inference_mode():
        1 / 0
    assert not tg.is_inference_mode_enabled()


def test_device_queries_and_switches():
    assert not tg.cuda.is_available() and tg.cuda.device_count() == 0 and not tg.cuda.is_initialized()
    tg.manual_seed(5)
    expected = tg.rand(2).tolist()
    tg.manual_seed(5)
    tg.cuda.manual_seed(1)  # no effect on the CPU's generator, as in PyTorch
    tg.cuda.manual_seed_all(2)
    tg.cuda.seed()
    tg.cuda.seed_all()
    tg.cuda.empty_cache()
    assert tg.rand(2).tolist() == expected
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.cuda.current_device()
    assert not tg.accelerator.is_available() and tg.accelerator.current_accelerator() is None
    assert tg.accelerator.device_count() == 0 and not tg.backends.mps.is_available()
    assert not tg.backends.cudnn.is_available()
    tg.backends.cudnn.deterministic = True
    assert tg.backends.cudnn.deterministic
    tg.backends.cudnn.deterministic = False
    tg.use_deterministic_algorithms(True, warn_only=True)
    assert tg.are_deterministic_algorithms_enabled() and tg.is_deterministic_algorithms_warn_only_enabled()
    assert tg.get_deterministic_debug_mode() == 1
    tg.set_deterministic_debug_mode("error")
    assert tg.get_deterministic_debug_mode() == 2 and not tg.is_deterministic_algorithms_warn_only_enabled()
    tg.set_deterministic_debug_mode("default")
    assert not tg.are_deterministic_algorithms_enabled()
    with pytest.raises(RuntimeError, match="debug_mode"):
        tg.set_deterministic_debug_mode(5)
    tg.set_warn_always(True)
    assert tg.is_warn_always_enabled()
    tg.set_warn_always(False)
    assert not tg.is_anomaly_enabled()
    tg.set_anomaly_enabled(True, check_nan=False)
    try:
        assert tg.is_anomaly_enabled() and not tg.is_anomaly_check_nan_enabled()
    finally:
        tg.set_anomaly_enabled(False)
    with tg.autograd.detect_anomaly():
        assert tg.is_anomaly_enabled()


def test_set_default_tensor_type():
    try:
        with pytest.warns(UserWarning, match="deprecated"):
            tg.set_default_tensor_type(tg.FloatTensor)
        assert tg.get_default_dtype() == np.float32 and tg.zeros(1).dtype == np.float32
        with pytest.warns(UserWarning):
            tg.set_default_tensor_type("torch.DoubleTensor")
        assert tg.get_default_dtype() == np.float64
        with pytest.raises(TypeError, match="floating-point"), pytest.warns(UserWarning):
            tg.set_default_tensor_type(tg.LongTensor)
    finally:
        tg.set_default_dtype(tg.float64)


def test_load_accepts_torchs_keywords():
    buf = io.BytesIO()
    tg.save({"w": tg.tensor([1.0, 2.0])}, buf)
    for kw in ({"weights_only": True}, {"map_location": "cpu"}, {"map_location": tg.device("cpu")},
               {"map_location": lambda storage, loc: storage}, {"mmap": True, "weights_only": False}):
        buf.seek(0)
        assert tg.load(buf, **kw)["w"].tolist() == [1.0, 2.0]
    buf.seek(0)
    assert tg.load(buf, "cpu")["w"].tolist() == [1.0, 2.0]  # map_location is the second positional
    buf.seek(0)
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.load(buf, map_location="cuda:0")


def test_numpy_spellings_of_dim_and_keepdim():
    x = tg.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    a = _np(x)
    assert x.argmax(axis=1).tolist() == [1, 2] and x.argmin(axis=0, keepdims=True).tolist() == [[0, 1, 0]]
    assert tg.argmax(x, axis=1).tolist() == [1, 2] and tg.argmin(x, axis=1, keepdims=True).shape == (2, 1)
    np.testing.assert_allclose(_np(x.softmax(axis=1)), np.exp(a) / np.exp(a).sum(1, keepdims=True))
    np.testing.assert_allclose(_np(tg.softmax(x, axis=0)), np.exp(a) / np.exp(a).sum(0, keepdims=True))
    np.testing.assert_allclose(_np(x.logsumexp(axis=1)), np.log(np.exp(a).sum(1)))
    np.testing.assert_allclose(_np(x.amax(axis=0, keepdims=True)), a.max(0, keepdims=True))
    assert x.unsqueeze(axis=0).shape == (1, 2, 3) and x.size(axis=1) == 3
    np.testing.assert_allclose(_np(x.sum(axis=1, keepdims=True)), a.sum(1, keepdims=True))
    with pytest.raises(TypeError, match="given twice"):
        x.argmax(dim=0, axis=1)
    # every method with a dim (or keepdim) parameter takes the numpy spelling too
    wrapped = [n for n in dir(Value) if hasattr(getattr(Value, n, None), "numpy_names")]
    assert {"argmax", "argmin", "softmax", "log_softmax", "unsqueeze", "logsumexp"} <= set(wrapped)
    y = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y.log_softmax(axis=1).sum().backward()  # gradients flow through the alias unchanged
    np.testing.assert_allclose(_np(y.grad), 1 - 2 * np.exp(_np(y)) / np.exp(_np(y)).sum(1, keepdims=True))


def test_window_functions():
    n = np.arange(8)
    np.testing.assert_allclose(_np(tg.hann_window(8, periodic=False)), np.hanning(8), atol=1e-15)
    np.testing.assert_allclose(_np(tg.hamming_window(8, periodic=False)), np.hamming(8), atol=1e-15)
    np.testing.assert_allclose(_np(tg.blackman_window(8, periodic=False)), np.blackman(8), atol=1e-15)
    np.testing.assert_allclose(_np(tg.bartlett_window(8, periodic=False)), np.bartlett(8), atol=1e-15)
    kaiser = _np(tg.kaiser_window(8, periodic=False, beta=3.0))
    np.testing.assert_allclose(kaiser, np.kaiser(8, 3.0), rtol=1e-12)
    np.testing.assert_allclose(_np(tg.hann_window(8)), 0.5 - 0.5 * np.cos(2 * np.pi * n / 8), atol=1e-15)
    assert tg.hann_window(0).shape == (0,) and tg.hann_window(1).tolist() == [1.0]
    assert tg.hann_window(4, dtype=tg.float32).dtype == np.float32
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.blackman_window(-2)
    with pytest.raises(RuntimeError, match="floating point"):
        tg.bartlett_window(3, dtype=tg.int64)


def test_tensor_and_as_tensor_keywords():
    a = np.ones(2)
    assert tg.as_tensor(a, device="cpu")._data is a
    assert tg.tensor([1.0], pin_memory=False, device=tg.device("cpu")).tolist() == [1.0]
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.as_tensor([1], device="cuda")
