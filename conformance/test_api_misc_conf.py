# ruff: noqa: E501 - tables of PyTorch error messages read best one per line
"""Small API names against PyTorch: factory keywords and sizes, more factories, dtype names and
queries (finfo, iinfo, promote_types, result_type, can_cast), constants, inference mode, device
queries, global switches, torch.load's keywords and numpy's axis=/keepdims= spellings."""

import io
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import check, check_raises, f64  # noqa: E402

COVERED = {
    "Tensor methods": ["is_floating_point", "is_inference", "is_signed", "byte", "char", "short", "is_cpu",
                       "get_device"],
    "torch functions": ["zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
                        "logspace", "range", "scalar_tensor", "asarray", "ByteTensor", "CharTensor",
                        "ShortTensor", "int8", "int16", "uint8", "uint16", "uint32", "uint64", "short", "int",
                        "dtype", "finfo", "iinfo", "promote_types", "result_type", "can_cast", "is_floating_point",
                        "e", "pi", "inf", "nan", "newaxis", "inference_mode", "is_inference_mode_enabled",
                        "is_inference", "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
                        "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
                        "get_deterministic_debug_mode", "set_warn_always", "is_warn_always_enabled",
                        "is_anomaly_enabled", "set_anomaly_enabled", "is_anomaly_check_nan_enabled",
                        "set_default_tensor_type", "get_device", "load", "is_signed", "from_numpy",
                        "set_default_dtype", "get_default_dtype", "set_default_device", "is_tensor", "hann_window", "hamming_window",
                        "blackman_window", "bartlett_window", "kaiser_window"],
}


def test_factory_sizes_and_keywords():
    def program(T):
        f = T.float64
        outs = [T.zeros(size=(2, 4), dtype=f), T.ones([3], dtype=f),
                T.zeros(2, 3, dtype=T.int8), T.ones(size=[2], dtype=T.uint8), T.full((2,), 7), T.full((2,), True),
                T.full(size=(1, 2), fill_value=1.5, dtype=f), T.zeros((), dtype=f), T.zeros([], dtype=T.int16),
                T.zeros_like(T.tensor([1, 2])), T.ones_like(f64(T, [1.0])),
                T.full_like(T.tensor([1, 2]), 2.5), T.full_like(f64(T, [1.0, 2.0]), 7), T.zeros(2, dtype=f, requires_grad=True)]
        empties = [T.empty(T.Size([2, 1]), dtype=f), T.empty(size=(3,), dtype=T.int8), T.empty_like(T.tensor([1, 2]), dtype=f),
                   T.empty_like(T.tensor([1, 2]))]  # uninitialised in PyTorch: shapes and dtypes only
        return outs + [(tuple(e.shape), e.dtype) for e in empties] + [
            T.zeros(2, dtype=f, requires_grad=True).requires_grad, T.zeros(3, dtype=f, device="cpu").shape]
    check(program)


def test_more_factories():
    def program(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = [T.range(0, 4, dtype=T.float64), T.range(0, 1, 0.25, dtype=T.float64), T.range(0, -2, -1, dtype=T.float64)]
        a = np.array([1.0, 2.0])
        shared = T.asarray(a)
        a[0] = 5.0
        b = f64(T, [1.0, 2.0])
        return r + [T.logspace(0, 2, 3, dtype=T.float64), T.logspace(-1, 1, 3, base=2.0, dtype=T.float64),
                    T.logspace(0, 2, 3, dtype=T.int64), T.logspace(0, 1, 0, dtype=T.float64),
                    T.scalar_tensor(3, dtype=T.float64), T.scalar_tensor(2, dtype=T.int64), shared,
                    T.asarray(b) is b, T.asarray(b, copy=True) is b, T.asarray([1, 2]), T.asarray([1, 2], dtype=T.float64),
                    T.asarray(b, requires_grad=True).requires_grad, T.ByteTensor([1, 2]), T.CharTensor(2).dtype,
                    T.ShortTensor([1]), T.ByteTensor(2).type(), T.CharTensor([1]).type(), T.ShortTensor([1]).type()]
    check(program)


def test_dtype_names_and_queries():
    def program(T):
        x = f64(T, [1.5, -2.0])
        names = [T.int8, T.int16, T.uint8, T.uint16, T.uint32, T.uint64, T.short, T.int, T.float, T.double, T.long]
        fi, ii = T.finfo(T.float32), T.iinfo(T.int32)
        return names + [T.ones(1, dtype=d).dtype for d in names] + [
            isinstance(x.dtype, T.dtype), isinstance(T.float32, T.dtype), isinstance(3, T.dtype),
            fi.eps, fi.max, fi.min, fi.tiny, fi.smallest_normal, fi.resolution, fi.bits, fi.dtype,
            T.finfo(T.float64).eps, T.finfo(T.float64).bits, ii.bits, ii.max, ii.min, ii.dtype,
            T.iinfo(T.uint8).max, T.iinfo(T.int8).min, T.iinfo(T.int64).max,
            T.is_floating_point(x), T.is_floating_point(T.tensor([1])), x.is_floating_point(),
            x.is_signed(), T.tensor([1], dtype=T.uint8).is_signed(), T.tensor([True]).is_signed(),
            x.byte(), x.char(), x.short(), x.is_cpu, x.get_device(), T.get_device(x), x.is_inference(), T.is_inference(x),
            T.e, T.pi, T.inf, T.newaxis, np.isnan(T.nan), T.zeros(2, 3)[T.newaxis].shape]
    check(program)


@pytest.mark.parametrize("kind", ["hann", "hamming", "blackman", "bartlett", "kaiser"])
def test_window_functions(kind):
    def program(T):
        make = getattr(T, f"{kind}_window")
        outs = [make(n, periodic=p, dtype=T.float64) for n in (0, 1, 2, 5, 8, 33) for p in (True, False)]
        extra = {"hamming": {"alpha": 0.5, "beta": 0.4}, "kaiser": {"beta": 5.0}}.get(kind, {})
        return outs + [make(6, False, dtype=T.float64, **extra), make(4, dtype=T.float32).dtype, make(3, requires_grad=True, dtype=T.float64).requires_grad]
    check(program)
    check_raises(lambda T: getattr(T, f"{kind}_window")(-1), "requires non-negative window_length")
    check_raises(lambda T: getattr(T, f"{kind}_window")(3, dtype=T.int64), "expects floating point dtypes")


def test_defaults_and_type_checks():
    def program(T):
        a = np.array([1.0, 2.0])
        shared = T.from_numpy(a)
        a[1] = 7.0
        T.set_default_device("cpu")
        T.set_default_dtype(T.float32)
        inside = [T.get_default_dtype(), T.zeros(1).dtype, T.tensor([1.5]).dtype]
        T.set_default_dtype(T.float64)
        return [shared, T.from_numpy(np.array([1, 2], dtype=np.int32)), str(T.get_default_device()), inside,
                T.is_tensor(shared), T.is_tensor(a), T.is_signed(shared), T.is_signed(T.tensor([True]))]
    try:
        check(program)
    finally:
        torch.set_default_dtype(torch.float32)
        tg.set_default_dtype(tg.float64)
        torch.set_default_device(None)  # set, torch's F.l1_loss(weight=) takes another path


@pytest.mark.parametrize("a,b", [("int64", "float32"), ("uint8", "int8"), ("bool", "int8"), ("int32", "int64"),
                                 ("float32", "float64"), ("bool", "bool"), ("uint8", "bool"), ("int16", "float64")])
def test_promote_types_and_can_cast(a, b):
    check(lambda T: [T.promote_types(getattr(T, a if a != "bool" else "bool"), getattr(T, b)),
                     T.can_cast(getattr(T, a), getattr(T, b)), T.can_cast(getattr(T, b), getattr(T, a))])


def test_result_type():
    def program(T):
        i64, i32, u8 = T.tensor([1, 2]), T.tensor([1, 2], dtype=T.int32), T.tensor([1], dtype=T.uint8)
        f32, f64_ = T.tensor([1.0], dtype=T.float32), T.tensor([1.0], dtype=T.float64)
        return [T.result_type(i32, T.tensor(1)), T.result_type(f32, T.tensor(1.0, dtype=T.float64)),
                T.result_type(u8, 5), T.result_type(T.tensor([True]), 1), T.result_type(i64, True),
                T.result_type(i32, f64_), T.result_type(T.tensor(1, dtype=T.int32), f32),
                T.result_type(T.tensor(2.0, dtype=T.float64), i64), T.result_type(f32, 2), T.result_type(u8, i32)]
    check(program)


def test_result_type_with_python_floats_uses_the_default_dtype():
    tg.set_default_dtype(tg.float32)  # PyTorch's default; ours is float64
    try:
        check(lambda T: [T.result_type(T.tensor([1, 2]), 1.0), T.result_type(2, 3.0), T.result_type(True, 1.5)])
    finally:
        tg.set_default_dtype(tg.float64)


def test_inference_mode():
    def program(T):
        w = f64(T, [1.0, 2.0], requires_grad=True)
        out = []
        with T.inference_mode():
            y = w * 2
            out += [T.is_grad_enabled(), T.is_inference_mode_enabled(), y.requires_grad]
            with T.inference_mode(False):
                out += [T.is_grad_enabled(), T.is_inference_mode_enabled(), (w * 2).requires_grad]
            with T.inference_mode(mode=True):
                out += [T.is_grad_enabled()]
        out += [T.is_grad_enabled(), T.is_inference_mode_enabled()]

        @T.inference_mode()
        def f(v):
            return (v * 3).requires_grad, T.is_inference_mode_enabled()

        @T.inference_mode
        def g(v):
            return (v * 3).requires_grad

        @T.inference_mode(False)
        def h(v):
            return (v * 3).requires_grad
        out += [f(w), g(w), T.is_inference_mode_enabled()]
        with T.no_grad():
            out += [h(w)]
        return out
    check(program)


def test_device_queries():
    def program(T):
        T.cuda.manual_seed(0)
        T.cuda.manual_seed_all(1)
        T.backends.cudnn.deterministic = True
        T.backends.cudnn.benchmark = False
        return [T.cuda.is_available(), T.cuda.device_count(), T.backends.mps.is_available(),
                T.accelerator.is_available(), T.accelerator.current_accelerator(), T.accelerator.device_count(),
                T.backends.cudnn.deterministic, T.cuda.is_initialized()]
    check(program)


def test_switches():
    def program(T):
        out = [T.are_deterministic_algorithms_enabled(), T.get_deterministic_debug_mode(), T.is_warn_always_enabled(),
               T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled()]
        T.use_deterministic_algorithms(True)
        out += [T.are_deterministic_algorithms_enabled(), T.is_deterministic_algorithms_warn_only_enabled(),
                T.get_deterministic_debug_mode()]
        T.use_deterministic_algorithms(True, warn_only=True)
        out += [T.get_deterministic_debug_mode(), T.is_deterministic_algorithms_warn_only_enabled()]
        T.set_deterministic_debug_mode("error")
        out += [T.get_deterministic_debug_mode()]
        T.set_deterministic_debug_mode(0)
        out += [T.are_deterministic_algorithms_enabled()]
        T.set_warn_always(True)
        out += [T.is_warn_always_enabled()]
        T.set_warn_always(False)
        T.set_anomaly_enabled(True)
        out += [T.is_anomaly_enabled()]
        T.set_anomaly_enabled(False)
        out += [T.is_anomaly_enabled()]
        with T.autograd.detect_anomaly():
            out += [T.is_anomaly_enabled()]
        return out
    check(program)


def test_set_default_tensor_type():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            check(lambda T: [T.set_default_tensor_type(T.DoubleTensor), T.get_default_dtype(),
                             T.set_default_tensor_type("torch.FloatTensor"), T.get_default_dtype(), T.zeros(1).dtype])
        finally:
            torch.set_default_dtype(torch.float32)
            tg.set_default_dtype(tg.float64)


def test_load_accepts_torchs_keywords():
    def program(T):
        buf = io.BytesIO()
        T.save({"w": f64(T, [1.0, 2.0])}, buf)
        out = []
        for kw in ({"weights_only": True}, {"map_location": "cpu"}, {"map_location": T.device("cpu")},
                   {"weights_only": False, "mmap": False}):
            buf.seek(0)
            out.append(T.load(buf, **kw)["w"])
        return out
    check(program)


def test_numpy_spellings_of_dim_and_keepdim():
    def program(T):
        x = f64(T, [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
        return [x.argmax(axis=1), x.argmin(axis=0, keepdims=True), T.argmax(x, axis=1), x.sum(axis=1, keepdims=True),
                x.mean(axis=0), x.std(axis=1), x.softmax(axis=1), T.softmax(x, axis=0), x.cumsum(axis=0),
                x.unsqueeze(axis=0).shape, T.cat([x, x], axis=0).shape, x.logsumexp(axis=1), x.amax(axis=0),
                x.prod(axis=1), x.var(axis=0, keepdims=True)]
    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.zeros(2, size=(2,)), []),
    (lambda T: T.zeros(-1), ["Dimension size must be non-negative"]),
    (lambda T: T.ones(-1, 2), ["negative dimension -1"]),
    (lambda T: T.ones(2.5), ["must be tuple of ints"]),
    (lambda T: T.full((-2,), 1.0), ["negative dimension"]),
    (lambda T: T.zeros(2, dtype=T.int64, requires_grad=True), ["floating point"]),
    (lambda T: T.scalar_tensor(T.tensor([1.0, 2.0])), ["must be Number"]),
    (lambda T: T.asarray(np.array([1.0, 2.0]), copy=False, dtype=T.float32), []),
    (lambda T: T.range(0, 2, 0), ["step must be nonzero"]),
    (lambda T: T.range(0, -2, 1), ["upper bound and lower bound inconsistent with step sign"]),
    (lambda T: T.finfo(T.int64), []),
    (lambda T: T.iinfo(T.float32), []),
    (lambda T: T.set_deterministic_debug_mode("loud"), ["invalid value of debug_mode"]),
    (lambda T: T.set_deterministic_debug_mode(3), ["invalid value of debug_mode"]),
    (lambda T: T.cuda.manual_seed("a"), []),
    (lambda T: T.dtype(), []),
])
def test_errors(program, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(program, *words)
