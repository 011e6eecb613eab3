"""Forward mode (autograd.forward_ad): values against hand formulas; every op's JVP is checked
by the catalogue (tests/test_catalogue.py)."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.autograd.forward_ad as fwAD


def test_dual_numbers_give_the_derivative_beside_the_value():
    x = tg.tensor([1.0, 2.0])
    with fwAD.dual_level():
        y = fwAD.make_dual(x, tg.tensor([1.0, 1.0])) ** 3
        p, t = fwAD.unpack_dual(y)
    np.testing.assert_allclose(p.numpy(), [1.0, 8.0])
    np.testing.assert_allclose(t.numpy(), [3.0, 12.0])


def test_indexing_and_in_place_carry_tangents():
    with fwAD.dual_level():
        d = fwAD.make_dual(tg.tensor([1.0, 2.0, 3.0]), tg.tensor([1.0, 2.0, 3.0]))
        assert np.allclose(fwAD.unpack_dual(d[1:]).tangent.numpy(), [2.0, 3.0])
        e = d.clone()
        e.mul_(2.0)
        assert np.allclose(fwAD.unpack_dual(e).tangent.numpy(), [2.0, 4.0, 6.0])


def test_reverse_over_forward():
    w = tg.tensor([0.5, 1.5], requires_grad=True)
    with fwAD.dual_level():
        t = fwAD.unpack_dual((fwAD.make_dual(w, tg.ones(2)).sin() * 2).sum()).tangent
    (g,) = tg.autograd.grad(t, w)
    np.testing.assert_allclose(g.numpy(), -2 * np.sin([0.5, 1.5]))


def test_errors_as_pytorch():
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(tg.ones(2), tg.ones(2))
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="different size"):
            fwAD.make_dual(tg.ones(2), tg.ones(3))
        with pytest.raises(RuntimeError, match="Nested"):
            with fwAD.dual_level():
                pass


def test_hooks_are_gone_after_the_level():
    from tinygrad_edu.function import Function

    before = Function.__dict__["apply"]
    with fwAD.dual_level():
        assert Function.__dict__["apply"] is not before
    assert Function.__dict__["apply"] is before


def test_every_builtin_op_has_a_jvp_rule_and_a_users_op_gets_one_by_transposition():
    from tinygrad_edu import ops

    assert [n for n in ops.__all__ if not hasattr(getattr(ops, n), "jvp")] == []

    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_values
            return grad * 3 * x * x

    with fwAD.dual_level():
        t = fwAD.unpack_dual(Cube.apply(fwAD.make_dual(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.5])))).tangent
    np.testing.assert_allclose(t.numpy(), [3.0, 6.0])
    assert not t.requires_grad
