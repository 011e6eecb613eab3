"""Edge maths (trust issue kind 4): powers at 0, and nan through max/min/maximum/minimum.

Expected numbers are written out from the formulas (PyTorch 2.13's conventions, checked by hand):
    d/da a^b = 0 where b == 0, else b * a^(b-1)
    d/db a^b = 0 where a == 0 and b >= 0, else a^b * ln(a)     (nan for a < 0)
    max()/min(): nan if any element is nan; the gradient goes to the nan elements (split evenly;
    max(dim)/min(dim) send it all to the returned index, the first nan or first tied element);
    amax/amin: a nan result gives a nan gradient over its slice (PyTorch's rule);
    maximum/minimum: nan if either side is nan and both sides then get the full gradient; ties
    share it evenly."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.autograd import grad
from tinygrad_edu.testing import check_op
from tinygrad_edu.testing.strategies import arrays

NAN, INF = math.nan, math.inf


def f64(data, requires_grad=True):
    return tg.tensor(data, dtype=tg.float64, requires_grad=requires_grad)


def same(actual, expected):
    """Exact equality, nan matching nan, inf matching inf of the same sign."""
    np.testing.assert_array_equal(np.asarray(actual, dtype=np.float64),
                                  np.asarray(expected, dtype=np.float64))


@pytest.fixture(autouse=True)
def no_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # backward at the edges must not warn
        yield


# ----------------------------------------------------------------------------- powers

@pytest.mark.parametrize("exponent", [0, 0.0])
def test_x_pow_zero_has_zero_gradient_even_at_zero(exponent):
    x = f64([0.0, 2.0, -1.5])
    y = x**exponent
    y.sum().backward()
    same(y.detach().numpy(), [1.0, 1.0, 1.0])
    same(x.grad.numpy(), [0.0, 0.0, 0.0])


def test_zero_pow_zero_both_require_grad():
    x, y = f64(0.0), f64(0.0)
    z = x**y
    z.backward()
    assert z.item() == 1.0 and x.grad.item() == 0.0 and y.grad.item() == 0.0


def test_vector_pow_zero_exponent_value():
    x, y = f64([0.0, 2.0]), f64(0.0)
    (x**y).sum().backward()
    same(x.grad.numpy(), [0.0, 0.0])
    assert y.grad.item() == math.log(2.0)  # 1 * ln 2 from x = 2; x = 0 gives 0, not 1 * ln 0


def test_pow_at_zero_and_negative_bases():
    a = f64([0.0, 0.0, 0.0, -1.0, -1.0])
    b = f64([2.0, 0.5, -1.0, 2.0, 0.5])
    with np.errstate(divide="ignore", invalid="ignore"):  # the forward may warn (as numpy does)
        z = a**b
    z.sum().backward()
    same(z.detach().numpy(), [0.0, 0.0, INF, 1.0, NAN])
    # b a^(b-1): 2*0, 0.5*0^-0.5, -1*0^-2, 2*(-1)^1, 0.5*(-1)^-0.5
    same(a.grad.numpy(), [0.0, INF, -INF, -2.0, NAN])
    # a^b ln a: 0 (a=0, b>=0) twice, inf*(-inf), then ln(-1) = nan twice
    same(b.grad.numpy(), [0.0, 0.0, -INF, NAN, NAN])


def test_pow_ordinary_values():
    a, b = f64([2.0, 3.0, -2.0]), f64([2.0, 0.5, 3.0])
    (a**b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [4.0, 0.5 / math.sqrt(3.0), 12.0], rtol=1e-15)
    np.testing.assert_allclose(b.grad.numpy(), [4.0 * math.log(2.0), math.sqrt(3.0) * math.log(3.0), NAN],
                               rtol=1e-15)


def test_number_pow_value():
    x = f64([0.0, 1.0, -1.0])
    with np.errstate(divide="ignore"):  # the forward may warn (as numpy does)
        z = 0.0**x
    z.sum().backward()
    same(z.detach().numpy(), [1.0, 0.0, INF])
    same(x.grad.numpy(), [0.0, 0.0, -INF])
    w = f64([0.0, 1.0, 2.0])
    ((-2.0) ** w).sum().backward()
    same(w.grad.numpy(), [NAN, NAN, NAN])  # ln(-2) is nan, as in PyTorch


def test_pow_second_derivative_at_zero_exponent_is_the_true_one():
    # d/db (d/da a^b) = a^(b-1) (1 + b ln a) = 1 at a = 1, b = 0 (PyTorch's masked formula gives 0)
    a, b = f64(1.0), f64(0.0)
    (ga,) = grad(a**b, a, create_graph=True)
    assert ga.item() == 0.0
    (gab,) = grad(ga, b)
    assert gab.item() == 1.0


def test_pow_zero_exponent_with_create_graph():
    x = f64([0.0, 3.0])
    (gx,) = grad((x**0).sum(), x, create_graph=True)
    same(gx.detach().numpy(), [0.0, 0.0])
    assert not gx.requires_grad  # a constant zero, as PyTorch's zeros_like(self)


# ----------------------------------------------------------------------------- max / min

@pytest.mark.parametrize("method", ["max", "min"])
def test_max_min_with_nan_give_nan_and_gradient_to_the_nan(method):
    a = f64([1.0, NAN, 3.0])
    m = getattr(a, method)()
    m.backward()
    assert math.isnan(m.item())
    same(a.grad.numpy(), [0.0, 1.0, 0.0])


def test_max_with_two_nans_splits_between_them():
    a = f64([1.0, NAN, NAN, 3.0])
    a.max().backward()
    same(a.grad.numpy(), [0.0, 0.5, 0.5, 0.0])


def test_max_ties_split_evenly_but_max_dim_sends_all_to_the_index():
    a = f64([3.0, 1.0, 3.0])
    a.max().backward()
    same(a.grad.numpy(), [0.5, 0.0, 0.5])
    b = f64([[3.0, 1.0, 3.0], [4.0, 4.0, 2.0]])
    values, indices = b.max(1)
    values.sum().backward()
    same(b.grad.numpy(), [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    assert indices.tolist() == [0, 0]  # the first of the tied elements, as in PyTorch


def test_max_dim_with_nan():
    a = f64([[1.0, NAN, 3.0], [4.0, 0.0, 2.0]])
    values, indices = a.max(1)
    values.sum().backward()
    same(values.detach().numpy(), [NAN, 4.0])
    assert indices.tolist() == [1, 0]
    same(a.grad.numpy(), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_min_dim_with_nan_indices_point_at_the_first_nan():
    a = f64([[NAN, 1.0, NAN], [4.0, 4.0, 2.0]])
    values, indices = a.min(1)
    values.sum().backward()
    same(values.detach().numpy(), [NAN, 2.0])
    assert indices.tolist() == [0, 2]
    same(a.grad.numpy(), [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # all to the index, as in PyTorch
    assert a.detach().argmax(1).tolist() == [0, 0] and a.detach().argmin().item() == 0


def test_amax_with_nan_gives_nan_gradient_over_the_slice_as_pytorch():
    a = f64([[1.0, NAN, 3.0], [4.0, 0.0, 2.0]])
    v = a.amax(1)
    v.sum().backward()
    same(v.detach().numpy(), [NAN, 4.0])
    same(a.grad.numpy(), [[NAN, NAN, NAN], [1.0, 0.0, 0.0]])
    b = f64([2.0, NAN])
    b.amin().backward()
    same(b.grad.numpy(), [NAN, NAN])


def test_max_gradient_keeps_float32():
    a = tg.tensor([1.0, 5.0, 5.0], dtype=tg.float32, requires_grad=True)
    a.max().backward()
    assert a.grad.dtype == np.float32
    same(a.grad.numpy(), [0.0, 0.5, 0.5])


# ----------------------------------------------------------------------------- maximum / minimum

def test_maximum_minimum_propagate_nan_values_and_gradients():
    a = f64([NAN, 1.0, 2.0, NAN, 2.0])
    b = f64([1.0, NAN, 1.0, NAN, 2.0])
    hi = tg.maximum(a, b)
    hi.sum().backward()
    same(hi.detach().numpy(), [NAN, NAN, 2.0, NAN, 2.0])
    same(a.grad.numpy(), [1.0, 1.0, 1.0, 1.0, 0.5])
    same(b.grad.numpy(), [1.0, 1.0, 0.0, 1.0, 0.5])
    a.grad = b.grad = None
    lo = tg.minimum(a, b)
    lo.sum().backward()
    same(lo.detach().numpy(), [NAN, NAN, 1.0, NAN, 2.0])
    same(a.grad.numpy(), [1.0, 1.0, 0.0, 1.0, 0.5])
    same(b.grad.numpy(), [1.0, 1.0, 1.0, 1.0, 0.5])


def test_maximum_broadcast_ties_share():
    a, b = f64([1.0, 2.0, 3.0]), f64(2.0)
    tg.maximum(a, b).sum().backward()
    same(a.grad.numpy(), [0.0, 0.5, 1.0])
    assert b.grad.item() == 1.5  # 1 from the first element, 1/2 from the tie


def test_minimum_with_number_and_float32():
    a = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float32, requires_grad=True)
    m = tg.minimum(a, 2.0)
    m.sum().backward()
    assert m.dtype == np.float32 and a.grad.dtype == np.float32
    same(m.detach().numpy(), [1.0, 2.0, 2.0])
    same(a.grad.numpy(), [1.0, 0.5, 0.0])


# ----------------------------------------------------------------------------- full Jacobians
# (not in the catalogue, whose conformance twin needs a PyTorch spelling for every entry)

def _pair(op):
    """op(x[0], x[1:]): two inputs from one array, so that ``distinct`` keeps them from tying."""
    return lambda x: op(x[0], x[1:])


def _shapes_rows():
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3).map(lambda s: (s,))


@pytest.mark.parametrize("op", [tg.maximum, tg.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum_full_jacobian_and_second_order(op):
    kit = dict(distinct=True, margin=1e-2, shapes=_shapes_rows())
    check_op(_pair(op), **kit)
    check_op(_pair(op), higher_order=True, max_examples=8, **kit)


@pytest.mark.parametrize("op,first_wins", [(tg.maximum, np.greater), (tg.minimum, np.less)],
                         ids=["maximum", "minimum"])
def test_maximum_minimum_backward_matches_hand_formula(op, first_wins):
    @given(x=arrays(_shapes_rows().map(lambda s: s[0]), distinct=True, margin=1e-2),
           seed=st.integers(0, 1000))
    def run(x, seed):
        v = tg.tensor(x, requires_grad=True)
        out = _pair(op)(v)
        u = np.random.default_rng(seed).standard_normal(out.shape)
        out.backward(u)
        a, b = x[0], x[1:]
        wins = first_wins(a, b)  # no ties: distinct elements
        expected = np.zeros(x.shape)
        expected[0] = np.sum(u * wins, axis=0)  # x[0] was broadcast over x[1:]'s rows
        expected[1:] = u * ~wins
        np.testing.assert_allclose(v.grad.numpy(), expected, rtol=1e-12, atol=1e-15)
        assert np.abs(v.grad.numpy()).max() > 0

    run()
