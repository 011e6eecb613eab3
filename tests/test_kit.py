"""The verification kit catches broken ops: each deliberately wrong backward fails check_op."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Function
from tinygrad_edu.function import unbroadcast
from tinygrad_edu.testing import OpCheckError, check_op, gradcheck, gradgradcheck


class GoodMul(Function):
    """z = a * b.   dz/da = b,  dz/db = a"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        return unbroadcast(grad * b, np.shape(a)), unbroadcast(grad * a, np.shape(b))


class ZeroGrad(GoodMul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        return unbroadcast(grad * 0 * b, np.shape(a)), unbroadcast(grad * 0 * a, np.shape(b))


class WrongSign(GoodMul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        return unbroadcast(-grad * b, np.shape(a)), unbroadcast(-grad * a, np.shape(b))


class ForgetsUnbroadcast(GoodMul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        return grad * b, grad * a


class SwapsGradients(GoodMul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_values
        return unbroadcast(grad * a, np.shape(a)), unbroadcast(grad * b, np.shape(b))


class GoodCube(Function):
    """z = x^3.   dz/dx = 3 x^2"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * 3 * x * x


class CorrectOnlyAtZero(GoodCube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_values
        return grad * 3 * x * x * x  # agrees with 3x^2 at x = 0 (and x = 1) only


def test_correct_ops_pass():
    check_op(GoodMul.apply, n_inputs=2)
    check_op(GoodCube.apply, higher_order=True)


@pytest.mark.parametrize("op", [ZeroGrad, WrongSign, ForgetsUnbroadcast, SwapsGradients])
def test_broken_binary_op_fails_the_kit(op):
    with pytest.raises((OpCheckError, RuntimeError)) as err:
        check_op(op.apply, n_inputs=2)
    if op is ForgetsUnbroadcast:
        assert "returned an invalid gradient" in str(err.value)
    else:
        assert "disagrees with central differences" in str(err.value)


def test_correct_only_at_zero_fails_the_kit():
    with pytest.raises(OpCheckError, match="disagrees with central differences"):
        check_op(CorrectOnlyAtZero.apply)


def test_failure_report_names_input_and_shrinks():
    with pytest.raises(OpCheckError) as err:
        check_op(SwapsGradients.apply, n_inputs=2)
    msg = str(err.value)
    assert "check_op(SwapsGradients.apply)" in msg and "input shapes:" in msg
    assert "smallest failing input found" in msg


def test_gradcheck_full_jacobian_and_reentrancy():
    x = tg.tensor(np.linspace(-1, 1, 5), requires_grad=True)
    w = tg.tensor(np.random.default_rng(0).standard_normal((3, 5)), requires_grad=True)
    assert gradcheck(lambda a, b: (b @ a).tanh(), [x, w])
    assert gradgradcheck(lambda a, b: (b @ a).tanh(), [x, w])
    assert not gradcheck(WrongSign.apply, [x, x * 1.0], raise_exception=False)
    from tinygrad_edu.testing import GradcheckError

    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(ZeroGrad.apply, [x, tg.tensor(np.ones(5) * 2, requires_grad=True)])


def test_forward_may_call_other_ops_on_raw_arrays_under_no_grad():
    from tinygrad_edu.ops import Exp

    class ExpTwice(Function):
        """z = 2 e^x.   dz/dx = 2 e^x"""

        @staticmethod
        def forward(ctx, x):
            ctx.factor = 2.0
            out = Exp.apply(x)  # another op on plain arrays, inside a forward
            return out * ctx.factor  # ctx must still hold what this forward stored

        @staticmethod
        def backward(ctx, grad):
            return grad * 2.0 * Exp.apply(ctx.saved_values[0]) if ctx.saved_values else grad

    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with tg.no_grad():
        assert ExpTwice.apply(x).tolist() == [2.0, 2 * np.e]


def test_check_op_without_hypothesis_says_what_to_install(monkeypatch):
    import sys

    import pytest

    from tinygrad_edu.testing import check_op

    monkeypatch.setitem(sys.modules, "hypothesis", None)  # as if it were not installed
    with pytest.raises(ModuleNotFoundError, match=r"pip install -e '\.\[dev\]'"):
        check_op(lambda x: x * 2.0)
