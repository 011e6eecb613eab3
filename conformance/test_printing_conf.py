"""Printing against PyTorch: ``repr``/``str``/``format`` of tensors and Parameters, string for string.

The numbers are the same in both libraries (float64 tensors from the same numpy arrays, float32,
integer, bool and complex tensors from the same lists). Our one standing difference is the
default float dtype (float64 here, float32 in PyTorch; docs/pytorch-differences.md): PyTorch
prints ``, dtype=torch.float64`` after a float64 tensor and we do not. So PyTorch's string for a
float64 (or complex128) tensor is taken with PyTorch's default dtype set to float64 for the one
call, which is PyTorch's string with that suffix removed (and the suffixes after it placed where
they then fit); every other dtype is printed under PyTorch's own default. ``grad_fn`` names lose
PyTorch's version digit (``AddBackward0`` -> ``AddBackward``, docs/pytorch-differences.md).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402

COVERED = {"torch functions": ["set_printoptions"]}

RNG = np.random.default_rng(0)
N = {  # float64 data
    "randn5": RNG.standard_normal(5),
    "randn50": RNG.standard_normal(50),
    "randn3x4": RNG.standard_normal((3, 4)),
    "randn2x3x4": RNG.standard_normal((2, 3, 4)),
    "randn2x2x2x2": RNG.standard_normal((2, 2, 2, 2)),
    "randn3x40": RNG.standard_normal((3, 40)),
    "big_sci": RNG.standard_normal(30) * 1e5,
    "ratio": np.array([0.001, 1.0, 2.5]),
    "ratio_edge": np.array([0.001, 1.0]),
    "small": RNG.uniform(0, 1e-5, 6),
    "huge": np.array([1e8, 2e8, 3.5e8]),
    "huge_int_edge": np.array([1e8, 5.0]),
    "mixed_signs": np.array([-1.5, 2.25, -1000.125, 0.0]),
    "specials": np.array([-1.0, 2.5, np.nan, np.inf, -np.inf, 0.0]),
    "int_valued": np.array([1.0, -2.0, 300.0, 0.0]),
    "int_specials": np.array([1.0, np.nan, -np.inf, 2.0]),
    "zeros": np.zeros(4),
    "neg_zero": np.array([-0.0, 0.0, 1.0]),
    "neg_zero_frac": np.array([-0.0, 0.5]),
    "all_nan": np.array([np.nan, np.nan]),
    "only_inf": np.array([np.inf, -np.inf]),
    "rounding": np.array([0.00005, 0.99995, 1.23456789]),
    "long_ints_f": np.arange(100.0) * 7,
    "sum1001": RNG.standard_normal(1001),
    "sum_ints_f": np.arange(2000.0),
    "sum40x40": RNG.standard_normal((40, 40)),
    "sum11x11x11": RNG.standard_normal((11, 11, 11)),
    "sum2x1000": RNG.standard_normal((2, 1000)),
    "sum1000x2": RNG.standard_normal((1000, 2)),
    "sum2x2x300": RNG.standard_normal((2, 2, 300)) * 1e4,
    "sum_sci": np.concatenate([RNG.standard_normal(600) * 1e-6, RNG.standard_normal(600)]),
    "one_by_one": np.array([[0.71969]]),
    "column": RNG.standard_normal((4, 1)),
    "row30": RNG.standard_normal((1, 30)),
}
SCALARS = [3.5, 0.0, -0.0, float("nan"), float("inf"), -float("inf"), 1e10, 1e-5, 123456789.0, 2.0,
           -7.25, 0.1]


def _norm(text: str) -> str:
    return re.sub(r"(Backward)\d+", r"\1", text)


def torch_str(t, fn=repr) -> str:
    """PyTorch's string, as it reads with our default dtype rule (see the module docstring)."""
    old = torch.get_default_dtype()
    if t.dtype in (torch.float64, torch.complex128):
        torch.set_default_dtype(torch.float64)
    try:
        return _norm(fn(t))
    finally:
        torch.set_default_dtype(old)


@pytest.fixture(autouse=True)
def _default_options():
    yield
    torch.set_printoptions(profile="default")
    tg.set_printoptions(profile="default")


def dt(T, name: str):
    """``T.float16``, or numpy's dtype where tinygrad_edu has no such name."""
    return getattr(T, name) if hasattr(T, name) else np.dtype(name)


def both(make):
    return make(tg), make(torch)


def check_repr(make) -> None:
    ours, theirs = both(make)
    assert repr(ours) == torch_str(theirs), f"\nours:\n{ours!r}\ntorch:\n{torch_str(theirs)}"
    assert str(ours) == torch_str(theirs, str)


@pytest.mark.parametrize("name", list(N))
def test_float64_arrays(name):
    check_repr(lambda T: T.tensor(N[name].tolist(), dtype=T.float64))


@pytest.mark.parametrize("name", list(N))
def test_float32_arrays(name):
    check_repr(lambda T: T.tensor(N[name].tolist(), dtype=T.float32))


@pytest.mark.parametrize("value", SCALARS)
def test_scalars(value):
    check_repr(lambda T: T.tensor(value, dtype=T.float64))
    check_repr(lambda T: T.tensor(value, dtype=T.float32))


INTS = {
    "small": [1, 2, 3], "neg": [-5, 10, 200], "0d": 7, "2d": [[1, -20], [300, 4]],
    "long": list(range(-50, 150, 3)), "big": [2**40, -3, 5], "sum": list(range(1500)),
    "sum3d": np.arange(2 * 30 * 30).reshape(2, 30, 30).tolist(),
}


@pytest.mark.parametrize("name", list(INTS))
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
def test_integer_tensors(name, dtype):
    data = np.array(INTS[name])
    wrap = {"int32": (20000, 10000), "int16": (20000, 10000), "int8": (100, 50), "uint8": (200, 0)}
    if dtype in wrap:
        data = data % wrap[dtype][0] - wrap[dtype][1]
    data = data.tolist()
    check_repr(lambda T: T.tensor(data, dtype=dt(T, dtype)))


@pytest.mark.parametrize("data", [[True, False, True], True, [[True], [False]], [False] * 1200])
def test_bool_tensors(data):
    check_repr(lambda T: T.tensor(data))


def test_float16_and_complex():
    check_repr(lambda T: T.tensor([0.1, 2.5, -3.0], dtype=dt(T, "float16")))
    check_repr(lambda T: T.tensor([1 + 2j, -0.5j, 3.25 - 1j]))
    check_repr(lambda T: T.tensor([[1 + 2j, 3j], [1e5, -2]]))
    check_repr(lambda T: T.tensor(1.5 - 2j))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0, 4), (3, 0)])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "bool"])
def test_empty(shape, dtype):
    check_repr(lambda T: T.zeros(shape, dtype=dt(T, dtype)))


def test_requires_grad_and_grad_fn():
    check_repr(lambda T: T.tensor(N["randn5"].tolist(), dtype=T.float64, requires_grad=True))
    check_repr(lambda T: T.tensor(N["randn5"].tolist(), dtype=T.float64, requires_grad=True) * 2)
    check_repr(lambda T: T.tensor(N["randn5"].tolist(), dtype=T.float32, requires_grad=True) + 1)
    check_repr(lambda T: T.tensor(2.5, dtype=T.float64, requires_grad=True))
    check_repr(lambda T: T.tensor(2.5, dtype=T.float64, requires_grad=True) * 3)
    # suffixes that no longer fit the last line go on their own lines
    check_repr(lambda T: T.tensor(N["randn50"].tolist(), dtype=T.float64, requires_grad=True))
    check_repr(lambda T: T.tensor(N["randn50"].tolist(), dtype=T.float64, requires_grad=True) * 2)
    check_repr(lambda T: T.tensor(N["randn3x40"].tolist(), dtype=T.float32, requires_grad=True) + 1)
    check_repr(lambda T: T.tensor(list(range(16)), dtype=T.int32))
    check_repr(lambda T: T.tensor([1.0] * 14, dtype=T.float64, requires_grad=True) * 2)
    check_repr(lambda T: T.tensor(np.full(17, 12.5).tolist(), dtype=dt(T, "float16")))


def test_parameter():
    check_repr(lambda T: T.nn.Parameter(T.tensor(N["randn3x4"].tolist(), dtype=T.float64)))
    check_repr(lambda T: T.nn.Parameter(T.tensor([1.0, 2.0], dtype=T.float32)))
    check_repr(lambda T: T.nn.Parameter(T.tensor([1.5, 2.0], dtype=T.float64), requires_grad=False))
    check_repr(lambda T: T.nn.Parameter(T.tensor(0.5, dtype=T.float64)))


def test_format():
    ours, theirs = both(lambda T: T.tensor(2.0 / 3.0, dtype=T.float64, requires_grad=True) * 1)
    assert f"{ours:.3f}" == f"{theirs:.3f}" and f"{ours}" == f"{theirs}"
    assert f"{ours:>10.2e}" == f"{theirs:>10.2e}"
    ours, theirs = both(lambda T: T.tensor([1.0, 2.5], dtype=T.float64))
    assert f"{ours}" == torch_str(theirs)
    for x in (ours, theirs):
        with pytest.raises(TypeError):
            format(x, ".2f")
    ours, theirs = both(lambda T: T.nn.Parameter(T.tensor(0.5, dtype=T.float64)))  # not a plain Tensor
    for x in (ours, theirs):
        with pytest.raises(TypeError):
            format(x, ".2f")


OPTIONS = [
    {"precision": 2}, {"precision": 8}, {"precision": 0}, {"threshold": 5}, {"threshold": 50},
    {"edgeitems": 1, "threshold": 10}, {"edgeitems": 0, "threshold": 10}, {"edgeitems": 5},
    {"linewidth": 40}, {"linewidth": 120}, {"linewidth": 10}, {"profile": "short"},
    {"profile": "full"}, {"profile": "short", "precision": 6}, {"sci_mode": True},
    {"sci_mode": False}, {"sci_mode": True, "precision": 2}, {"profile": "nonsense"},
]
SAMPLES = ["randn5", "randn3x4", "randn2x3x4", "big_sci", "int_valued", "specials", "sum1001",
           "sum40x40", "sum11x11x11", "small", "randn50", "zeros"]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_set_printoptions(options):
    tg.set_printoptions(**options)
    torch.set_printoptions(**options)
    for name in SAMPLES:
        check_repr(lambda T, name=name: T.tensor(N[name].tolist(), dtype=T.float64))
    check_repr(lambda T: T.arange(30))
    check_repr(lambda T: T.tensor(N["randn5"].tolist(), dtype=T.float64, requires_grad=True) * 2)
    check_repr(lambda T: T.tensor(N["randn3x4"].tolist(), dtype=T.float32))


def test_set_printoptions_resets_sci_mode_and_keeps_the_rest():
    for T in (tg, torch):
        T.set_printoptions(sci_mode=True, precision=3)
        T.set_printoptions(linewidth=50)  # sci_mode back to None, precision stays 3
    check_repr(lambda T: T.tensor(N["randn50"].tolist(), dtype=T.float64))
    for T in (tg, torch):
        T.set_printoptions(profile="default")
    check_repr(lambda T: T.tensor(N["randn50"].tolist(), dtype=T.float64))


def test_default_dtype_float32_prints_float64_as_pytorch():
    tg.set_default_dtype(tg.float32)
    try:
        for make in (lambda T: T.tensor([1.5, 2.0], dtype=T.float64),
                     lambda T: T.tensor([1.5, 2.0], dtype=T.float32),
                     lambda T: T.tensor([], dtype=T.float64).reshape(0, 2)):
            ours, theirs = both(make)
            assert repr(ours) == repr(theirs)
    finally:
        tg.set_default_dtype(tg.float64)


def _random_case(rng: np.random.Generator) -> tuple[np.ndarray, str, dict]:
    ndim = int(rng.integers(0, 5))
    shape = tuple(int(n) for n in rng.integers(1, [60, 14, 8, 5][:ndim] if ndim else 1, size=ndim))
    kind = rng.choice(["normal", "scaled", "ints", "special", "tiny_ratio"])
    data = rng.standard_normal(shape)
    if kind == "scaled":
        data = data * 10.0 ** rng.integers(-9, 12)
    elif kind == "ints":
        data = np.round(data * 10.0 ** rng.integers(0, 10))
    elif kind == "special":
        flat = data.reshape(-1)
        picks = rng.integers(0, flat.size, size=min(flat.size, 4))
        flat[picks] = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], size=picks.size)
    elif kind == "tiny_ratio":
        data = 1.0 + data * 1e-6
    dtype = str(rng.choice(["float64", "float32", "int64"]))
    if dtype == "int64":
        data = np.nan_to_num(np.round(data), posinf=7, neginf=-7).clip(-1e15, 1e15)
    options = {}
    for name, choices in (("precision", [2, 4, 6]), ("linewidth", [40, 80, 100]),
                          ("edgeitems", [1, 2, 3]), ("threshold", [20, 1000])):
        if rng.random() < 0.3:
            options[name] = int(rng.choice(choices))
    return data, dtype, options


@pytest.mark.parametrize("seed", range(300))
def test_random_tensors(seed):
    data, dtype, options = _random_case(np.random.default_rng(seed))
    tg.set_printoptions(**options)
    torch.set_printoptions(**options)
    rg = dtype != "int64" and seed % 3 == 0
    check_repr(lambda T: T.tensor(data.astype(dtype).tolist(), dtype=getattr(T, dtype), requires_grad=rg))
