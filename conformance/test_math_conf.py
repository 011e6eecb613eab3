# ruff: noqa: E501 - tables of PyTorch error messages read best one per line
"""Elementwise maths and integer/bool arithmetic against PyTorch: values, gradients, dtypes, the
method, the torch function and the in-place variants of each name, and the errors (class and
key words) of bad calls."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import check, check_raises, f64  # noqa: E402

NAN, INF = math.nan, math.inf

# name -> (data, differentiable): float64 inputs inside each function's domain
UNARY = {
    "tan": ([0.3, -1.2, 0.9], True), "asin": ([0.3, -0.7, 0.5], True), "acos": ([0.3, -0.7, 0.5], True),
    "atan": ([-2.0, 0.5, 3.0], True), "sinh": ([-2.0, 0.5, 3.0], True), "cosh": ([-2.0, 0.5, 3.0], True),
    "asinh": ([-2.0, 0.5, 3.0], True), "acosh": ([1.5, 2.0, 3.7], True), "atanh": ([0.3, -0.7, 0.5], True),
    "arcsin": ([0.3, -0.7, 0.5], True), "arccos": ([0.3, -0.7, 0.5], True), "arctan": ([-2.0, 0.5, 3.0], True),
    "arcsinh": ([-2.0, 0.5, 3.0], True), "arccosh": ([1.5, 2.0, 3.7], True),
    "arctanh": ([0.3, -0.7, 0.5], True),
    "floor": ([2.5, -0.5, -1.7, 1.2], True), "ceil": ([2.5, -0.5, -1.7, 1.2], True),
    "round": ([2.5, 3.5, -0.5, -1.7], True), "trunc": ([2.5, -0.5, -1.7, 1.2], True),
    "fix": ([2.5, -0.5, -1.7, 1.2], True), "frac": ([2.5, -0.5, -1.7, 1.2], True),
    "sign": ([2.5, -0.5, 0.0, NAN], True), "signbit": ([2.5, -0.5, -0.0, 0.0], False),
    "log10": ([0.5, 2.0, 1000.0], True), "log2": ([0.5, 2.0, 8.0], True), "log1p": ([-0.5, 1e-20, 3.0], True),
    "expm1": ([-1.5, 1e-20, 2.0], True), "exp2": ([-1.5, 0.2, 3.0], True), "erf": ([-1.5, 0.2, 2.0], True),
    "erfc": ([-1.5, 0.2, 6.0], True),
    "isnan": ([NAN, INF, -INF, 1.0], False), "isinf": ([NAN, INF, -INF, 1.0], False),
    "isfinite": ([NAN, INF, -INF, 1.0], False), "isposinf": ([NAN, INF, -INF, 1.0], False),
    "isneginf": ([NAN, INF, -INF, 1.0], False), "nan_to_num": ([NAN, INF, -INF, 1.5], True),
    "reciprocal": ([0.5, -2.0, 4.0], True), "rsqrt": ([0.5, 2.0, 4.0], True), "sinc": ([0.0, 0.5, -1.3], True),
    "logit": ([0.2, 0.5, 0.9], True), "deg2rad": ([30.0, -45.0, 180.0], True),
    "rad2deg": ([0.5, -1.0, 3.0], True), "positive": ([0.5, -1.0], True), "negative": ([0.5, -1.0], True),
    "absolute": ([0.5, -1.0], True), "square": ([0.5, -1.0], True), "logical_not": ([0.0, -1.0], False),
}

# name -> (a, b, differentiable, keyword arguments); b broadcasts against a
BINARY = {
    "atan2": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "hypot": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "logaddexp": ([[0.5, -1.0, 2.0], [1.5, -INF, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "logaddexp2": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "xlogy": ([[0.5, 0.0, 2.0], [1.5, 0.3, -0.7]], [1.0, 2.0, 0.5], True, {}),
    "copysign": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, -0.0], True, {}),
    "fmax": ([[0.5, NAN, 2.0], [1.5, 0.3, NAN]], [1.0, -2.0, NAN], True, {}),
    "fmin": ([[0.5, NAN, 2.0], [1.5, 0.3, NAN]], [1.0, -2.0, NAN], True, {}),
    "maximum": ([[0.5, NAN, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 2.0], True, {}),
    "minimum": ([[0.5, NAN, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 2.0], True, {}),
    "remainder": ([[5.5, -5.5, 2.0], [1.5, 0.3, -0.7]], [2.0, 2.0, -0.4], True, {}),
    "fmod": ([[5.5, -5.5, 2.0], [1.5, 0.3, -0.7]], [2.0, 2.0, -0.4], True, {}),
    "float_power": ([[0.5, 1.3, 2.0], [1.5, 0.3, 0.7]], [1.0, -2.0, 0.5], True, {}),
    "ldexp": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 3.0], True, {}),
    "nextafter": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "heaviside": ([[0.5, 0.0, -2.0], [0.0, 0.3, -0.7]], [1.0, -2.0, 0.5], False, {}),
    "multiply": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "subtract": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {"alpha": 2.5}),
    "true_divide": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "divide": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], [1.0, -2.0, 0.5], True, {}),
    "floor_divide": ([[5.5, -5.5, 2.0], [1.5, 0.3, -0.7]], [2.0, 2.0, -0.4], False, {}),
    "greater": ([[0.5, -1.0, 2.0]], [1.0, -1.0, 0.5], False, {}),
    "greater_equal": ([[0.5, -1.0, 2.0]], [1.0, -1.0, 0.5], False, {}),
    "less": ([[0.5, -1.0, 2.0]], [1.0, -1.0, 0.5], False, {}),
    "less_equal": ([[0.5, -1.0, 2.0]], [1.0, -1.0, 0.5], False, {}),
    "not_equal": ([[0.5, -1.0, 2.0]], [1.0, -1.0, 0.5], False, {}),
    "logical_and": ([[0.5, 0.0, 2.0]], [1.0, -1.0, 0.0], False, {}),
    "logical_or": ([[0.5, 0.0, 0.0]], [1.0, -1.0, 0.0], False, {}),
    "logical_xor": ([[0.5, 0.0, 0.0]], [1.0, -1.0, 0.0], False, {}),
}

# integer and bool names: (program arguments as int64/bool lists)
INTEGER = {
    "bitwise_and": ([6, -7, 3], [3, 2, 5]), "bitwise_or": ([6, -7, 3], [3, 2, 5]),
    "bitwise_xor": ([6, -7, 3], [3, 2, 5]), "bitwise_left_shift": ([6, -7, 3], [3, 2, 5]),
    "bitwise_right_shift": ([64, -7, 3], [3, 2, 5]), "gcd": ([12, -18, 0], [8, 12, 5]),
    "lcm": ([12, -18, 0], [8, 12, 5]), "floor_divide": ([7, -7, 3], [2, 2, -2]),
    "remainder": ([7, -7, 3], [2, 2, -2]), "fmod": ([7, -7, 3], [2, 2, -2]),
    "logical_and": ([1, 0, 3], [2, 2, 0]), "logical_or": ([1, 0, 0], [2, 0, 0]),
    "logical_xor": ([1, 0, 3], [2, 0, 0]), "heaviside": ([0, -3, 3], [5, 5, 5]),
}

# names whose ``other`` may be a Python number in PyTorch (the others take tensors only)
SCALAR_OTHER = {"bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift",
                "floor_divide", "remainder", "fmod"}

UPSTREAM = [0.3, -1.2, 0.7, 2.0, -0.4, 1.1]


def _up(T, out):
    return f64(T, np.resize(UPSTREAM, tuple(out.shape)))


def _inplace_variants(T, name, x, *args, **kwargs):
    """x.name_(...) and T.name_(x, ...) on copies of x, where PyTorch has them."""
    out = []
    if hasattr(torch.Tensor, name + "_"):
        y = x.detach().clone()
        getattr(y, name + "_")(*args, **kwargs)
        out.append(y)
    if hasattr(torch, name + "_") and not kwargs:
        y = x.detach().clone()
        getattr(T, name + "_")(y, *args)
        out.append(y)
    return out


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_gradients_functions_and_in_place(name):
    data, differentiable = UNARY[name]

    def program(T):
        x = f64(T, data, requires_grad=differentiable)
        y = getattr(x, name)()
        outs = [y, getattr(T, name)(x.detach())] + _inplace_variants(T, name, x)
        if differentiable:
            y.backward(_up(T, y))
            outs.append(x.grad)
        return outs

    check(program)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_values_gradients_functions_and_in_place(name):
    a, b, differentiable, kwargs = BINARY[name]

    def program(T):
        x, y = f64(T, a, requires_grad=differentiable), f64(T, b, requires_grad=differentiable)
        out = getattr(x, name)(y, **kwargs)
        outs = [out, getattr(T, name)(x.detach(), y.detach(), **kwargs)]
        outs += _inplace_variants(T, name, x, y.detach(), **kwargs)
        if differentiable:
            out.backward(_up(T, out))
            outs += [x.grad, y.grad]
        return outs

    check(program)


@pytest.mark.parametrize("name", sorted(INTEGER))
def test_integer_values_dtypes_functions_and_in_place(name):
    a, b = INTEGER[name]

    def program(T):
        x, y = T.tensor(a), T.tensor(b)
        scalar = [getattr(x, name)(2)] if name in SCALAR_OTHER else []
        return [getattr(x, name)(y), getattr(T, name)(x, y)] + scalar + _inplace_variants(T, name, x, y)

    check(program)


def test_bitwise_not_and_bool_inputs():
    def program(T):
        i, b = T.tensor([6, -7, 0]), T.tensor([True, False, True])
        return [i.bitwise_not(), T.bitwise_not(b), b.bitwise_and(b), b.bitwise_or(T.tensor([False] * 3)),
                b ^ b, b & i, b | True, T.bitwise_left_shift(b, 1),
                _inplace_variants(T, "bitwise_not", i)]
    check(program)


def test_python_operators_and_their_reflected_and_in_place_forms():
    def program(T):
        i, j, b = T.tensor([7, -7, 3]), T.tensor([2, 3, -2]), T.tensor([True, False, True])
        x = f64(T, [5.5, -5.5, 1.25])
        outs = [i // j, i % j, i & j, i | j, i ^ j, ~i, ~b, i << j.abs(), i >> 1, 2 // i, 10 % i,
                2.5 % i, 5 & i, 8 | i, 3 ^ i, 3 << j.abs(), 64 >> j.abs(), x // 2, x % 2, 7 // x, 3 % x,
                i // 2.5, (i // j).dtype, i.true_divide(j).dtype, (2.5 % i).dtype]
        k = i.clone()
        k //= 2
        k %= 3
        k &= 6
        k |= 1
        k ^= 2
        k <<= 1
        k >>= 1
        y = x.clone()
        y //= 2
        z = x.clone()
        z %= 2
        return outs + [k, y, z]
    tg.set_default_dtype(tg.float32)  # int / int: PyTorch's default float dtype
    try:
        check(program)
    finally:
        tg.set_default_dtype(tg.float64)


def test_integer_and_bool_inputs_and_result_dtypes():
    float_names = ["tan", "asin", "atan", "sinh", "asinh", "log10", "log2", "log1p", "expm1", "exp2", "erf",
                   "erfc", "reciprocal", "rsqrt", "sinc", "logit", "deg2rad", "rad2deg"]

    def program(T):
        i, b = T.tensor([1, 2, 3]), T.tensor([True, False, True])
        outs = [getattr(i, n)().dtype for n in float_names] + [getattr(b, n)().dtype for n in float_names]
        outs += [i.floor(), i.ceil(), i.round(), i.trunc(), i.fix(), i.sign(), b.sign(), i.signbit(),
                 i.isnan(), i.isinf(), i.isfinite(), i.isposinf(), i.isneginf(), i.nan_to_num(),
                 i.float_power(2), T.float_power(f64(T, [2.0]).float(), 2).dtype, i.divide(T.tensor(2)).dtype,
                 i.true_divide(2).dtype, i.divide(2, rounding_mode="trunc"), i.divide(-2, rounding_mode="floor"),
                 i.atan2(T.tensor([2, 2, 2])).dtype, i.copysign(-1).dtype, i.ldexp(T.tensor([1, 2, 3])),
                 i.xlogy(T.tensor([2, 2, 2])).dtype, i.clamp_min(2), i.clamp_max(2), i.addcmul(i, i, value=2),
                 i.multiply(i), i.subtract(i, alpha=2), i.absolute(), i.negative(), i.positive(), i.square()]
        return outs
    tg.set_default_dtype(tg.float32)  # integer inputs of float functions give the default dtype
    try:
        check(program)
    finally:
        tg.set_default_dtype(tg.float64)


def test_float32_and_integer_operands_promote_as_pytorch():
    def program(T):
        f, i = f64(T, [1.0, 2.5]).float(), T.tensor([1, 3])
        outs = [f.atan2(i), i.atan2(f), f.hypot(i), f.logaddexp(i), f.logaddexp2(i), f.fmax(i), i.fmin(f),
                f.xlogy(i), i.xlogy(f), f.xlogy(2), i.remainder(f), f.fmod(i), f.floor_divide(i),
                i.divide(f, rounding_mode="trunc"), f.true_divide(i), i.atan2(i), i.remainder(2.5),
                i.floor_divide(1.5), 7 // f, 2.5 % i]
        return [o.dtype for o in outs]  # float32 values differ from PyTorch's kernels in the last bit
    tg.set_default_dtype(tg.float32)
    try:
        check(program)
    finally:
        tg.set_default_dtype(tg.float64)


def test_round_decimals_lerp_addcmul_addcdiv_and_clamp_variants():
    def program(T):
        x = f64(T, [1.2345, -1234.5, 0.0155, 2.5], requires_grad=True)
        e = f64(T, [2.0, 1.0, -1.0, 0.5], requires_grad=True)
        w = f64(T, [0.2, 0.7, 0.5, 0.49], requires_grad=True)
        outs = [x.round(decimals=2), x.round(decimals=-2), T.round(x, decimals=1), x.lerp(e, w),
                x.lerp(e, 0.75), T.lerp(x, e, 0.25), x.addcmul(e, w, value=-1.5), T.addcmul(x, e, w),
                x.addcdiv(e, w, value=0.5), T.addcdiv(x, e, w), x.clamp_min(0.0), x.clamp_max(1.0),
                T.clamp_min(x, 0.0), T.clamp_max(x, 1.0), x.clip(-1.0, 1.0), T.clip(x, max=0.5)]
        sum(o.sum() * (k + 1) for k, o in enumerate(outs)).backward()
        y = x.detach().clone()
        y.round_(decimals=1)
        z = x.detach().clone()
        z.lerp_(e.detach(), 0.3)
        z.addcmul_(e.detach(), w.detach(), value=2)
        z.addcdiv_(e.detach(), w.detach())
        z.clamp_min_(0.5)
        z.clamp_max_(1.0)
        z.clip_(0.6, 0.9)
        return outs + [x.grad, e.grad, w.grad, y, z, T.clamp_min_(x.detach().clone(), 0.1),
                       T.clamp_max_(x.detach().clone(), 0.1), T.clip_(x.detach().clone(), 0.0, 0.1)]
    check(program)


def test_clamp_min_and_clamp_max_with_tensor_bounds():
    def program(T):
        x = f64(T, [1.0, 2.0, NAN, 1.5, 0.0], requires_grad=True)
        m = f64(T, [1.5, 1.5, 1.0, 1.5, NAN], requires_grad=True)
        outs = [x.clamp_min(m), x.clamp_max(m), T.clamp_min(x, m[0]), T.clamp_max(x, m[:1])]
        sum(o.sum() * (k + 1) for k, o in enumerate(outs)).backward()
        return outs + [x.grad, m.grad]
    check(program)


def test_logit_eps_and_special_points():
    def program(T):
        x = f64(T, [0.01, 0.5, 0.99, 0.2], requires_grad=True)
        y = x.logit(eps=0.2)
        y.backward(_up(T, y))
        s = f64(T, [0.0, 1.0, -2.5], requires_grad=True)
        s.sinc().sum().backward()
        return [y, x.grad, T.logit(x.detach(), 0.1), s.grad, f64(T, [0.0, NAN, 0.0, 0.0]).xlogy(f64(T, [NAN, 0.0, -1.0, 2.0])),
                T.nan_to_num(f64(T, [NAN, INF, -INF]), nan=1.0, posinf=2.0, neginf=-3.0),
                f64(T, [-INF, INF]).logaddexp(f64(T, [-INF, INF])), f64(T, [1e-300]).log1p()]
    check(program)


def test_frexp():
    def program(T):
        x = f64(T, [3.0, -0.75, 0.0, 1e30, -INF, NAN], requires_grad=True)
        m, e = x.frexp()
        m.backward(_up(T, m))
        return [m, e, x.grad, T.frexp(x.detach()), T.tensor([8.0, 0.1]).float().frexp()]
    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.tensor([True]) - T.tensor([True]), ["Subtraction, the `-` operator, with two bool tensors is not supported"]),
    (lambda T: T.tensor([True]).subtract(1), ["Subtraction, the `-` operator, with a bool tensor is not supported"]),
    (lambda T: T.subtract(T.tensor([2]), T.tensor([True])), ["with a bool tensor is not supported"]),
    (lambda T: T.tensor([2]).subtract(True), ["with a bool tensor is not supported"]),
    (lambda T: T.tensor([True]).subtract(T.tensor([True])), ["with two bool tensors is not supported"]),
    (lambda T: -T.tensor([True]), ["Negation, the `-` operator, on a bool tensor is not supported"]),
    (lambda T: T.tensor([True]).negative(), ["Negation, the `-` operator, on a bool tensor is not supported"]),
    (lambda T: +T.tensor([True]) if T is not tg else T.tensor([True]).positive(), ["The `+` operator, on a bool tensor is not supported"]),
    (lambda T: T.positive(T.tensor([True])), ["The `+` operator, on a bool tensor is not supported"]),
    (lambda T: T.tensor([1, 2]).__iadd__(1.5), ["result type", "can't be cast to the desired output type Long"]),
    (lambda T: T.tensor([1, 2]).__ifloordiv__(1.5), ["result type", "can't be cast to the desired output type Long"]),
    (lambda T: T.tensor([1, 2]).__imod__(1.5), ["can't be cast to the desired output type Long"]),
    (lambda T: T.tensor([True]).__iand__(T.tensor([3])), ["can't be cast to the desired output type Bool"]),
    (lambda T: T.tensor([1, 2]) // 0, ["ZeroDivisionError"]),
    (lambda T: T.tensor([1, 2]) % T.tensor([1, 0]), ["ZeroDivisionError"]),
    (lambda T: T.tensor([1, 2]).fmod(0), ["ZeroDivisionError"]),
    (lambda T: T.tensor([1, 2]).div(0, rounding_mode="trunc") if T is not tg else T.tensor([1, 2]).divide(0, rounding_mode="trunc"), ["ZeroDivisionError"]),
    (lambda T: T.tensor([1, 2]).divide(2, rounding_mode="nearest"), ["rounding_mode to be one of None, 'trunc', or 'floor'"]),
    (lambda T: T.tensor([1.0]) & 1, ['"bitwise_and_cpu" not implemented for']),
    (lambda T: T.tensor([1.0]) | T.tensor([1.0]), ['"bitwise_or_cpu" not implemented for']),
    (lambda T: T.tensor([1.0]) ^ 1, ['"bitwise_xor_cpu" not implemented for']),
    (lambda T: T.tensor([1.0]) << 1, ['"lshift_cpu" not implemented for']),
    (lambda T: T.tensor([1.0]) >> 1, ['"rshift_cpu" not implemented for']),
    (lambda T: T.tensor([1]).bitwise_and(1.5), ['"bitwise_and_cpu" not implemented for']),
    (lambda T: T.tensor([1.0]).bitwise_not(), ['"bitwise_not_cpu" not implemented for']),
    (lambda T: ~T.tensor([1.0]), ["~ (operator.invert) is only implemented on integer and Boolean-type tensors"]),
    (lambda T: T.gcd(T.tensor([1.0]), T.tensor([2.0])), ['"gcd_cpu" not implemented for']),
    (lambda T: T.lcm(T.tensor([True]), T.tensor([True])), ['"lcm_cpu" not implemented for \'Bool\'']),
    (lambda T: T.tensor([True]) // T.tensor([True]), ["not implemented for 'Bool'"]),
    (lambda T: T.tensor([True]).remainder(T.tensor([True])), ['"remainder_cpu" not implemented for \'Bool\'']),
    (lambda T: T.tensor([True]).floor(), ["not implemented for 'Bool'"]),
    (lambda T: T.tensor([True]).round(), ["not implemented for 'Bool'"]),
    (lambda T: T.tensor([1]).round(decimals=1), ['"round_cpu" not implemented for \'Long\'']),
    (lambda T: T.tensor([1]).frac(), ['"frac_cpu" not implemented for \'Long\'']),
    (lambda T: T.tensor([1]).hypot(T.tensor([1])), ['"hypot_cpu" not implemented for \'Long\'']),
    (lambda T: T.tensor([1]).logaddexp(T.tensor([1])), ['"logaddexp_cpu" not implemented for \'Long\'']),
    (lambda T: T.tensor([1, 2]).lerp(T.tensor([2, 3]), 0.5), ["not implemented for 'Long'"]),
    (lambda T: f64(T, [1.0]).lerp(f64(T, [1.0]).float(), 0.5), ["expected dtype", "for `end` but got dtype"]),
    (lambda T: T.addcdiv(T.tensor([1]), T.tensor([1]), T.tensor([2])), ["Integer division with addcdiv is no longer supported"]),
    (lambda T: f64(T, [1.0]).heaviside(f64(T, [1.0]).float()), ["heaviside is not yet implemented for tensors with different dtypes"]),
    (lambda T: T.tensor([1, 2]).frexp(), ["torch.frexp() only supports floating-point dtypes"]),
    (lambda T: f64(T, [1.0]).float().float_power_(2), ["the base given to float_power_ has dtype Float but the operation's result requires dtype Double"]),
    (lambda T: T.tensor([1, 2]).tan_(), ["result type Float can't be cast to the desired output type Long"]),
])
def test_errors(program, words):
    check_raises(program, *words)


_UNARY_INPLACE = [n + "_" for n in UNARY if hasattr(torch.Tensor, n + "_")]
_BINARY_INPLACE = [n + "_" for n in list(BINARY) + list(INTEGER) + ["bitwise_not"] if hasattr(torch.Tensor, n + "_")]
_EXTRA = ["frexp", "round", "round_", "lerp", "lerp_", "addcmul", "addcmul_", "addcdiv", "addcdiv_", "clamp_min", "clamp_min_",
          "clamp_max", "clamp_max_", "clip", "clip_", "bitwise_not", "bitwise_not_", "logit", "logit_"]
_METHODS = sorted(set(UNARY) | set(BINARY) | set(INTEGER) | set(_UNARY_INPLACE) | set(_BINARY_INPLACE) | set(_EXTRA))
_FUNCTIONS = sorted({n for n in _METHODS if not n.endswith("_")}
                    | {n + "_" for n in _METHODS if not n.endswith("_") and hasattr(torch, n + "_")})

COVERED = {
    "Tensor methods": _METHODS,
    "torch functions": _FUNCTIONS,
}
