"""examples/custom_op.py: the worked example of a new op passes the kit."""

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))

import custom_op  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu.testing import check_op  # noqa: E402


def test_softplus_passes_the_kit():
    check_op(custom_op.softplus, domain=(-8.0, 8.0))
    check_op(custom_op.softplus, domain=(-8.0, 8.0), higher_order=True, max_examples=10)


def test_softplus_values_and_analytic_derivative():
    x = np.linspace(-5, 5, 11)
    v = tg.tensor(x, requires_grad=True)
    y = custom_op.softplus(v)
    np.testing.assert_allclose(y.numpy() if not y.requires_grad else y.detach().numpy(),
                               np.log1p(np.exp(x)), rtol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), 1 / (1 + np.exp(-x)), rtol=1e-12)
    assert custom_op.softplus(tg.tensor(800.0)).item() == 800.0  # no overflow


def test_softplus_model_trains():
    losses = custom_op.train(steps=100)
    assert losses[-1] < 0.5 * losses[0]
