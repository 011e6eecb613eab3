"""Elementwise maths and integer/bool arithmetic (math_methods.py, int_methods.py): values against
numpy and hand formulas, result dtypes, gradients by full-Jacobian gradcheck (and second order),
PyTorch's conventions at kinks, and PyTorch's errors."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _leaf(data):
    return tg.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


# ---------------------------------------------------------------------- unary float maths
# name -> (numpy reference, domain): inputs are drawn inside the domain, away from kinks and poles
UNARY = {
    "tan": (np.tan, (-1.2, 1.2)), "asin": (np.arcsin, (-0.9, 0.9)), "acos": (np.arccos, (-0.9, 0.9)),
    "atan": (np.arctan, (-3, 3)), "sinh": (np.sinh, (-3, 3)), "cosh": (np.cosh, (-3, 3)),
    "asinh": (np.arcsinh, (-3, 3)), "acosh": (np.arccosh, (1.2, 4)), "atanh": (np.arctanh, (-0.9, 0.9)),
    "arcsin": (np.arcsin, (-0.9, 0.9)), "arccos": (np.arccos, (-0.9, 0.9)), "arctan": (np.arctan, (-3, 3)),
    "arcsinh": (np.arcsinh, (-3, 3)), "arccosh": (np.arccosh, (1.2, 4)),
    "arctanh": (np.arctanh, (-0.9, 0.9)),
    "log2": (np.log2, (0.1, 9)), "log10": (np.log10, (0.1, 9)), "log1p": (np.log1p, (-0.8, 3)),
    "expm1": (np.expm1, (-3, 3)), "exp2": (np.exp2, (-3, 3)),
    "erf": (np.vectorize(math.erf), (-2, 2)), "erfc": (np.vectorize(math.erfc), (-2, 2)),
    "reciprocal": (lambda x: 1 / x, (0.3, 3)), "rsqrt": (lambda x: 1 / np.sqrt(x), (0.3, 3)),
    "sinc": (np.sinc, (0.1, 3)), "logit": (lambda x: np.log(x / (1 - x)), (0.1, 0.9)),
    "deg2rad": (np.deg2rad, (-90, 90)), "rad2deg": (np.rad2deg, (-3, 3)),
    "frac": (lambda x: x - np.trunc(x), (0.1, 0.9)), "negative": (np.negative, (-3, 3)),
    "absolute": (np.abs, (0.1, 3)), "positive": (lambda x: x, (-3, 3)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_gradients_and_second_order(name):
    ref, (lo, hi) = UNARY[name]
    x = _leaf(RNG.uniform(lo, hi, (2, 3)))
    np.testing.assert_allclose(getattr(x, name)().detach().numpy(), ref(x.detach().numpy()), rtol=1e-12)
    np.testing.assert_allclose(getattr(tg, name)(x).detach().numpy(), ref(x.detach().numpy()), rtol=1e-12)
    gradcheck(lambda v: getattr(v, name)(), [x])
    gradgradcheck(lambda v: getattr(v, name)(), [x])


@pytest.mark.parametrize("name", ["tan", "asinh", "log2", "exp2", "erf", "erfc", "sinc", "rsqrt",
                                  "deg2rad", "reciprocal", "expm1", "logit"])
def test_integer_and_bool_inputs_of_float_functions_give_the_default_float(name):
    assert getattr(tg.tensor([1, 2]), name)().dtype == tg.get_default_dtype()
    assert getattr(tg.tensor([True, True]), name)().dtype == tg.get_default_dtype()
    assert getattr(tg.tensor([0.5], dtype=tg.float32), name)().dtype == np.float32


def test_the_primitives_are_exact_where_composition_is_not():
    assert tg.tensor(8.0).log2().item() == 3.0 and tg.tensor(1000.0).log10().item() == 3.0
    assert tg.tensor(1e-20).log1p().item() == 1e-20 and tg.tensor(1e-20).expm1().item() == 1e-20
    assert tg.tensor(10.0).erfc().item() == pytest.approx(2.088487583762545e-45, rel=1e-12)
    assert tg.tensor(1e200).hypot(tg.tensor(1e200)).item() == pytest.approx(math.sqrt(2) * 1e200)
    inf = tg.tensor([-math.inf, math.inf])
    assert inf.logaddexp(inf).tolist() == [-math.inf, math.inf]
    assert tg.tensor(-1e-8).asinh().item() == pytest.approx(-1e-8, rel=1e-15)


# ---------------------------------------------------------------------- binary float maths
BINARY = {
    "atan2": (np.arctan2, (0.3, 3), (-3, 3)), "arctan2": (np.arctan2, (0.3, 3), (-3, 3)),
    "hypot": (np.hypot, (0.3, 3), (-3, 3)), "logaddexp": (np.logaddexp, (-3, 3), (-3, 3)),
    "logaddexp2": (np.logaddexp2, (-3, 3), (-3, 3)),
    "xlogy": (lambda a, b: a * np.log(b), (0.2, 3), (0.2, 3)),
    "remainder": (np.remainder, (-0.9, -0.1), (1, 3)), "fmod": (np.fmod, (1.1, 1.4), (0.75, 1.0)),
    "copysign": (np.copysign, (0.2, 3), (-3, 3)), "float_power": (np.power, (0.5, 3), (-2, 2)),
    "ldexp": (lambda a, b: a * 2.0**b, (-3, 3), (-2, 2)),
    "fmax": (np.fmax, (-3, 3), (-3, 3)), "fmin": (np.fmin, (-3, 3), (-3, 3)),
    "multiply": (np.multiply, (-3, 3), (-3, 3)), "subtract": (np.subtract, (-3, 3), (-3, 3)),
    "divide": (np.divide, (-3, 3), (0.5, 3)), "true_divide": (np.divide, (-3, 3), (0.5, 3)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_values_gradients_and_broadcasting(name):
    ref, da, db = BINARY[name]
    a, b = _leaf(RNG.uniform(*da, (2, 3))), _leaf(RNG.uniform(*db, (3,)))
    if name in ("fmax", "fmin"):
        b = _leaf(b.detach().numpy() + 0.1234567)  # away from ties
    expected = ref(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_allclose(getattr(a, name)(b).detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(getattr(tg, name)(a, b).detach().numpy(), expected, rtol=1e-12)
    gradcheck(lambda u, v: getattr(u, name)(v), [a, b])
    gradgradcheck(lambda u, v: getattr(u, name)(v), [a, b])


def test_lerp_addcmul_addcdiv():
    a, b, w = _leaf([1.0, -2.0, 3.0]), _leaf([0.5, 4.0, -1.0]), _leaf([0.2, 0.7, 0.5])
    np.testing.assert_allclose(a.lerp(b, w).detach().numpy(), [0.9, 2.2, 1.0])
    np.testing.assert_allclose(a.lerp(b, 0.75).detach().numpy(), [0.625, 2.5, 0.0])
    gradcheck(lambda x, y, z: x.lerp(y, z), [a, b, w])
    gradcheck(lambda x, y: x.lerp(y, 0.8), [a, b])
    np.testing.assert_allclose(a.addcmul(b, w, value=2).detach().numpy(), [1.2, 3.6, 2.0])
    np.testing.assert_allclose(tg.addcdiv(a, b, w, value=0.5).detach().numpy(),
                               [2.25, 0.857142857142857, 2.0])
    gradcheck(lambda x, y, z: x.addcmul(y, z, value=-1.5), [a, b, w])
    gradcheck(lambda x, y, z: x.addcdiv(y, z, value=2.0), [a, b, w])
    assert tg.tensor([3]).addcmul(tg.tensor([1]), tg.tensor([2]), value=2).tolist() == [7]
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        tg.tensor([3]).addcdiv(tg.tensor([1]), tg.tensor([2]))
    with pytest.raises(RuntimeError, match="expected dtype"):
        a.lerp(b.float(), 0.5)


def test_pytorch_conventions_at_kinks_and_special_points():
    x = _leaf([0.0, 0.5])
    x.sinc().sum().backward()  # sinc(0) = 1, with gradient 0 there
    assert x.grad.tolist()[0] == 0.0 and x.sinc().tolist()[0] == 1.0
    a, b = _leaf([0.0, 2.0]), _leaf([3.0, 3.0])
    out = a.xlogy(b)
    assert out.tolist() == [0.0, 2 * math.log(3)]
    out.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [math.log(3), math.log(3)])  # log(y), also at x == 0
    a, b = _leaf([0.0, 0.0]), _leaf([0.0, -1.0])
    assert a.xlogy(b).tolist() == [0.0, 0.0]
    a.xlogy(b).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]  # 0 where x == 0 and y <= 0
    assert tg.tensor([0.0]).xlogy(tg.tensor([math.nan])).isnan().item()
    a, b = _leaf([1.0, 2.0, math.nan, 1.0]), _leaf([1.0, 1.0, 1.0, math.nan])
    assert a.fmax(b).tolist() == [1.0, 2.0, 1.0, 1.0]
    a.fmax(b).sum().backward()  # ties go to self; nan in other sends it to self too
    assert a.grad.tolist() == [1.0, 1.0, 0.0, 1.0] and b.grad.tolist() == [0.0, 0.0, 1.0, 0.0]
    a, b = _leaf([0.0, 1.0, -2.0]), _leaf([-1.0, 2.0, -0.0])
    assert a.copysign(b).tolist() == [-0.0, 1.0, -2.0] and np.signbit(a.copysign(b).tolist()[0])
    a.copysign(b).sum().backward()
    assert a.grad.tolist() == [0.0, 1.0, 1.0] and b.grad.tolist() == [0.0, 0.0, 0.0]
    x = _leaf([0.01, 0.5, 0.99])
    x.logit(eps=0.1).sum().backward()
    assert x.grad.tolist() == [0.0, 4.0, 0.0]
    x = _leaf([math.nan, math.inf, -math.inf, 1.5])
    out = x.nan_to_num()
    assert out.tolist()[0] == 0.0 and out.tolist()[1] == np.finfo(np.float64).max
    assert x.nan_to_num(nan=1.0, posinf=2.0, neginf=-2.0).tolist() == [1.0, 2.0, -2.0, 1.5]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0]
    assert tg.tensor([1, 2]).nan_to_num().dtype == np.int64


# ---------------------------------------------------------------------- rounding
def test_rounding_values_zero_gradients_and_dtypes():
    data = [2.5, 3.5, -0.5, -1.7, 1.2, 0.0]
    x = _leaf(data)
    for name, ref in [("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc), ("fix", np.trunc),
                      ("round", np.round), ("sign", np.sign)]:
        out = getattr(x, name)()
        assert out.tolist() == ref(np.array(data)).tolist(), name
        assert out.requires_grad and out.dtype == np.float64
        out.sum().backward()
        assert x.grad.tolist() == [0.0] * 6, name
        x.grad = None
        gradcheck(lambda v, n=name: getattr(v, n)(), [_leaf([0.3, -1.4])])
    assert tg.tensor([1.2345, 1234.5]).round(decimals=2).tolist() == [1.23, 1234.5]
    assert tg.tensor([1234.5]).round(decimals=-2).tolist() == [1200.0]
    assert tg.tensor([math.nan, -0.0]).sign().tolist() == [0.0, 0.0]  # PyTorch: sign(nan) = 0
    i = tg.tensor([7, -7, 0])
    for name in ("floor", "ceil", "trunc", "round", "fix"):
        assert getattr(i, name)().tolist() == [7, -7, 0] and getattr(i, name)().dtype == np.int64
    assert i.sign().tolist() == [1, -1, 0] and tg.tensor([True]).sign().dtype == np.bool_
    assert tg.tensor([-1, 2]).signbit().tolist() == [True, False]
    assert tg.tensor([-0.0, 0.0]).signbit().tolist() == [True, False]
    f = _leaf([1.5, -2.25])
    assert f.frac().tolist() == [0.5, -0.25]
    f.frac().sum().backward()
    assert f.grad.tolist() == [1.0, 1.0]
    for bad in (lambda: tg.tensor([True]).floor(), lambda: tg.tensor([1]).frac(),
                lambda: tg.tensor([1]).round(decimals=1)):
        with pytest.raises(NotImplementedError, match="not implemented for"):
            bad()


# ---------------------------------------------------------------------- tests on values
def test_isnan_family_returns_bool_without_graph():
    x = _leaf([math.nan, math.inf, -math.inf, 1.0])
    cases = {"isnan": [True, False, False, False], "isinf": [False, True, True, False],
             "isfinite": [False, False, False, True], "isposinf": [False, True, False, False],
             "isneginf": [False, False, True, False]}
    for name, expected in cases.items():
        out = getattr(x, name)()
        assert out.tolist() == expected and out.dtype == np.bool_ and out.grad_fn is None
        assert getattr(tg.tensor([1, 2]), name)().dtype == np.bool_
        assert getattr(tg, name)(x).tolist() == expected


def test_heaviside_and_nextafter():
    x = _leaf([-1.5, 0.0, 2.0])
    assert x.heaviside(tg.tensor(0.5, dtype=tg.float64)).tolist() == [0.0, 0.5, 1.0]
    assert x.heaviside(tg.tensor(0.5, dtype=tg.float64)).grad_fn is None
    with pytest.raises(RuntimeError, match="different dtypes"):
        x.heaviside(tg.tensor(0.5, dtype=tg.float32))
    assert tg.tensor([0, 3]).heaviside(tg.tensor([7])).tolist() == [7, 1]
    y = tg.tensor([1.0, 1.0, 1.0], dtype=tg.float64)
    np.testing.assert_array_equal(x.nextafter(y).detach().numpy(), np.nextafter(x.detach().numpy(), 1.0))
    x.nextafter(y).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_float_power_is_float64_and_ldexp_follows_the_float_input():
    assert tg.tensor([2, 3]).float_power(2).dtype == np.float64
    assert tg.tensor([2.0], dtype=tg.float32).float_power(2).dtype == np.float64
    x = tg.tensor([2.0], dtype=tg.float32, requires_grad=True)
    x.float_power(3).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [12.0]
    assert tg.tensor([3.0], dtype=tg.float32).ldexp(tg.tensor([2])).dtype == np.float32
    assert tg.tensor([3]).ldexp(tg.tensor([2])).tolist() == [12.0]
    y = tg.tensor([2.0, 3.0])
    y.float_power_(2)
    assert y.tolist() == [4.0, 9.0]
    with pytest.raises(RuntimeError, match="has dtype Float but the operation's result requires"):
        tg.tensor([2.0], dtype=tg.float32).float_power_(2)


# ---------------------------------------------------------------------- integer division, remainders
def test_integer_division_and_remainders_stay_integer():
    i, j = tg.tensor([7, -7, 3, -3]), tg.tensor([2, 2, -2, -2])
    assert (i // j).tolist() == [3, -4, -2, 1] and (i // j).dtype == np.int64
    assert (i % j).tolist() == [1, 1, -1, -1] and i.fmod(j).tolist() == [1, -1, 1, -1]
    assert i.divide(j).dtype == tg.get_default_dtype() and i.true_divide(j).tolist() == [3.5, -3.5, -1.5, 1.5]
    assert i.divide(j, rounding_mode="trunc").tolist() == [3, -3, -1, 1]
    assert i.divide(j, rounding_mode="floor").tolist() == [3, -4, -2, 1]
    assert tg.true_divide(i, j).tolist() == [3.5, -3.5, -1.5, 1.5]
    assert (2 // i).tolist() == [0, -1, 0, -1] and (10 % i).tolist() == [3, -4, 1, -2]
    assert (2.5 % i).dtype == tg.get_default_dtype()
    assert tg.floor_divide(i, 2).tolist() == [3, -4, 1, -2]
    for bad in (lambda: i // 0, lambda: i % tg.tensor([1, 0, 1, 1]), lambda: i.fmod(0),
                lambda: i.divide(0, rounding_mode="trunc")):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            bad()
    with pytest.raises(RuntimeError, match="rounding_mode to be one of"):
        i.divide(2, rounding_mode="round")
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        tg.tensor([True]) // tg.tensor([True])


def test_float_division_rounding_modes_and_remainder_gradients():
    x = _leaf([5.5, -5.5, 1.0])
    assert x.divide(2, rounding_mode="floor").tolist() == [2.0, -3.0, 0.0]
    assert x.divide(2, rounding_mode="trunc").tolist() == [2.0, -2.0, 0.0]
    assert (x // 2).tolist() == [2.0, -3.0, 0.0] and (x % 2).tolist() == [1.5, 0.5, 1.0]
    assert x.fmod(2).tolist() == [1.5, -1.5, 1.0]
    x.divide(2, rounding_mode="floor").sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    a, b = _leaf([5.5, -5.5]), _leaf([2.0, 2.0])
    a.remainder(b).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and b.grad.tolist() == [-2.0, 3.0]
    a, b = _leaf([5.5, -5.5]), _leaf([2.0, 2.0])
    a.fmod(b).sum().backward()
    assert b.grad.tolist() == [-2.0, 2.0]


def test_gcd_lcm():
    a, b = tg.tensor([12, -18, 0, 7]), tg.tensor([8, 12, 5, 0])
    assert tg.gcd(a, b).tolist() == [4, 6, 5, 7] and a.lcm(b).tolist() == [24, 36, 0, 0]
    with pytest.raises(NotImplementedError, match="\"gcd_cpu\" not implemented for 'Double'"):
        tg.tensor([1.0]).gcd(tg.tensor([2.0]))


# ---------------------------------------------------------------------- bitwise and logical
def test_bitwise_operators_and_methods():
    i, j, b = tg.tensor([6, -7, 3]), tg.tensor([3, 2, 5]), tg.tensor([True, False, True])
    assert (i & j).tolist() == [2, 0, 1] and (i | j).tolist() == [7, -5, 7] and (i ^ j).tolist() == [5, -5, 6]
    assert (~i).tolist() == [-7, 6, -4] and (~b).tolist() == [False, True, False]
    assert (i << 2).tolist() == [24, -28, 12] and (i >> 1).tolist() == [3, -4, 1]
    assert (3 << j).tolist() == [24, 12, 96] and (1 & i).tolist() == [0, 1, 1]
    assert (8 | i).tolist() == [14, -7, 11]
    assert (5 ^ i).tolist() == [3, -4, 6] and (64 >> j).tolist() == [8, 16, 2]
    assert (b & True).dtype == np.bool_ and (b ^ b).tolist() == [False] * 3 and (i & b).dtype == np.int64
    assert tg.bitwise_and(i, j).tolist() == [2, 0, 1] and i.bitwise_not().tolist() == [-7, 6, -4]
    assert tg.bitwise_left_shift(b, 1).tolist() == [2, 0, 2]
    x = tg.tensor([1.0])
    with pytest.raises(NotImplementedError, match="\"bitwise_and_cpu\" not implemented for 'Double'"):
        x & 1
    with pytest.raises(NotImplementedError, match="not implemented for 'Double'"):
        i.bitwise_or(1.5)
    with pytest.raises(NotImplementedError, match="lshift_cpu"):
        x << 1
    with pytest.raises(TypeError, match="only implemented on integer and Boolean"):
        ~x


def test_logical_functions_give_bool():
    x, y = tg.tensor([0.0, 1.5, -2.0]), tg.tensor([3, 0, 1])
    assert x.logical_and(y).tolist() == [False, False, True] and x.logical_and(y).dtype == np.bool_
    assert tg.logical_or(x, y).tolist() == [True, True, True]
    assert x.logical_xor(y).tolist() == [True, True, False]
    assert x.logical_not().tolist() == [True, False, False]


def test_in_place_operators():
    i = tg.tensor([7, -7])
    i //= 2
    assert i.tolist() == [3, -4]
    i %= 3
    assert i.tolist() == [0, 2]
    i |= 4
    i &= 6
    i ^= 1
    i <<= 1
    i >>= 1
    assert i.tolist() == [5, 7] and i.dtype == np.int64 and i._version == 7
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        i //= 1.5
    b = tg.tensor([True, False])
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Bool"):
        b &= tg.tensor([1, 1])
    x = tg.tensor([5.5, -5.5])
    x %= 2
    assert x.tolist() == [1.5, 0.5]
    y = tg.tensor([1, 2])
    y.bitwise_xor_(3)
    assert y.tolist() == [2, 1]
    z = tg.tensor([1.5, -2.5])
    z.floor_()
    assert z.tolist() == [1.0, -3.0]
    w = _leaf([1.5, -2.5]) * 1
    w.fmod_(1.0)
    assert w.tolist() == [0.5, -0.5] and w.grad_fn is not None


# ---------------------------------------------------------------------- bool arithmetic errors, aliases
def test_bool_subtraction_and_negation_are_refused():
    b, i = tg.tensor([True, False]), tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="with two bool tensors is not supported"):
        b - b
    with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
        i.subtract(True)
    with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
        tg.subtract(b, 1)
    with pytest.raises(RuntimeError, match="with two bool tensors is not supported"):
        b.subtract(b)
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor"):
        -b
    with pytest.raises(RuntimeError, match="Negation"):
        b.negative()
    with pytest.raises(RuntimeError, match="The `\\+` operator, on a bool tensor is not supported"):
        tg.positive(b)
    assert (i - 1).tolist() == [0, 1] and (b + b).tolist() == [True, False]


def test_comparison_and_arithmetic_aliases():
    x, y = tg.tensor([1.0, 2.0, 3.0]), tg.tensor([2.0, 2.0, 2.0])
    assert x.greater(y).tolist() == [False, False, True]
    assert x.greater_equal(y).tolist() == [False, True, True]
    assert x.less(y).tolist() == [True, False, False] and tg.less_equal(x, y).tolist() == [True, True, False]
    assert tg.not_equal(x, y).tolist() == [True, False, True]
    assert x.multiply(y).tolist() == [2.0, 4.0, 6.0] and x.subtract(y, alpha=2).tolist() == [-3.0, -2.0, -1.0]
    assert tg.clamp_min(x, 2.0).tolist() == [2.0, 2.0, 3.0] and x.clamp_max(2.0).tolist() == [1.0, 2.0, 2.0]
    assert tg.clip(x, 1.5, 2.5).tolist() == [1.5, 2.0, 2.5]
    w = _leaf([1.0, 2.0, 3.0])
    w.clamp_min(2.0).sum().backward()  # the boundary passes the gradient, as in PyTorch
    assert w.grad.tolist() == [0.0, 1.0, 1.0]


def test_in_place_twins_exist_and_record_the_graph():
    x = _leaf([0.2, 0.4])
    y = x * 1
    y.tan_()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / np.cos([0.2, 0.4]) ** 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tg.atan2(tg.tensor([1.0]), tg.tensor([1.0])).item() == pytest.approx(math.pi / 4)


def test_frexp_maximum_minimum():
    x = _leaf([3.0, -0.75, 0.0, 1e-310])
    m, e = x.frexp()
    np.testing.assert_array_equal(m.detach().numpy(), np.frexp(x.detach().numpy())[0])
    assert e.tolist() == [2, 0, 0, -1029] and e.dtype == np.int32 and tg.frexp(x).exponent.tolist()[0] == 2
    m.sum().backward()
    assert x.grad.tolist() == [0.25, 1.0, 1.0, 0.0]  # 2^-exponent (0 where it overflows)
    with pytest.raises(RuntimeError, match="only supports floating-point dtypes"):
        tg.tensor([1]).frexp()
    a, b = _leaf([1.0, 2.0, -1.0]), _leaf([2.0, 2.0, -3.0])
    assert a.maximum(b).tolist() == [2.0, 2.0, -1.0] and a.minimum(b).tolist() == [1.0, 2.0, -3.0]
    a.maximum(b).sum().backward()
    assert a.grad.tolist() == [0.0, 0.5, 1.0] and b.grad.tolist() == [1.0, 0.5, 0.0]
    gradcheck(lambda u, v: u.minimum(v), [_leaf([0.3, -1.0]), _leaf([[0.5, -2.0], [0.1, 0.0]])])


def test_clamp_min_and_clamp_max_with_tensor_bounds():
    x, m = _leaf([1.0, 2.0, math.nan, 1.5]), _leaf([1.5, 1.5, 1.0, 1.5])
    out = x.clamp_min(m)
    assert out.tolist()[:2] == [1.5, 2.0] and math.isnan(out.tolist()[2])
    out.sum().backward()  # the tie goes to self; nan stops both gradients
    assert x.grad.tolist() == [0.0, 1.0, 0.0, 1.0] and m.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    gradcheck(lambda u, v: u.clamp_max(v), [_leaf([[0.3, -1.0], [2.0, 0.7]]), _leaf([0.5, -0.2])])
    gradcheck(lambda u, v: tg.clamp_min(u, v), [_leaf([[0.3, -1.0], [2.0, 0.7]]), _leaf([0.5, -0.2])])
