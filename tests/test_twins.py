"""The two rules of the surface: every Tensor method that PyTorch also offers as ``torch.f(x, ...)``
has its top-level twin, and every method with an in-place variant in PyTorch has ``f_`` (written
into the value, recorded in a graph as PyTorch records it)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.functions import INPLACE, TWINS


@pytest.mark.parametrize("name", TWINS)
def test_every_twin_whose_method_exists_is_a_top_level_function(name):
    if hasattr(tg.Tensor, name):
        assert callable(getattr(tg, name, None)), f"add `{name} = function_of({name!r})` to functions.py"


@pytest.mark.parametrize("name", INPLACE)
def test_every_method_with_a_pytorch_in_place_variant_has_one(name):
    if hasattr(tg.Tensor, name):
        assert hasattr(tg.Tensor, name + "_"), f"add `{name}_ = inplace_of({name!r})` to inplace_methods.py"


def test_a_twin_is_the_method_of_its_first_argument_and_takes_out():
    x = tg.tensor([0.25, 0.5, 1.0])
    assert tg.sinh(x).tolist() == x.sinh().tolist() == np.sinh([0.25, 0.5, 1.0]).tolist()
    assert tg.cumsum([1.0, 2.0, 3.0], 0).tolist() == [1.0, 3.0, 6.0]  # numbers become a value
    out = tg.zeros(3)
    assert tg.expm1(x, out=out) is out and out.tolist() == np.expm1([0.25, 0.5, 1.0]).tolist()


def test_an_in_place_variant_writes_into_the_value_and_is_recorded_in_a_graph():
    x = tg.tensor([0.25, 0.5])
    assert x.sinh_() is x and x.tolist() == np.sinh([0.25, 0.5]).tolist() and x._version == 1
    w = tg.tensor([0.25, 0.5], requires_grad=True)
    y = w * 1.0
    y.sinh_()
    y.sum().backward()
    assert y.grad_fn.name() == "SinhBackward"
    np.testing.assert_allclose(w.grad.numpy(), np.cosh([0.25, 0.5]), rtol=1e-15)


def _takes_dim_without_axis(fn) -> bool:
    import inspect
    if not inspect.isfunction(fn) or hasattr(fn, "numpy_names"):
        return False
    params = inspect.signature(fn).parameters
    return ("dim" in params or "keepdim" in params) and "axis" not in params and "kwargs" not in params


def test_every_function_with_a_dim_also_takes_numpys_axis():
    import inspect
    methods = [n for n in dir(tg.Tensor) if not n.startswith("_")
               and _takes_dim_without_axis(inspect.getattr_static(tg.Tensor, n, None))]
    functions = [n for n, f in vars(tg).items() if not n.startswith("_") and _takes_dim_without_axis(f)]
    assert not methods and not functions, f"decorate with dims.numpy_names: {methods} {functions}"
    x = tg.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert x.argmax(axis=1).tolist() == [1, 0] and tg.cumsum(x, axis=0).tolist() == [[1.0, 5.0], [4.0, 7.0]]
    with pytest.raises(TypeError, match="given twice"):
        x.argmax(dim=0, axis=0)


def test_relu_in_place_and_half_floats_as_pytorch_spells_them():
    relu = tg.nn.ReLU(inplace=True)
    x = tg.tensor([-1.0, 2.0], requires_grad=True)
    h = x * 1.0
    y = relu(h)
    assert y is h and y.tolist() == [0.0, 2.0] and repr(relu) == "ReLU(inplace=True)"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0]
    assert tg.zeros(2, dtype=tg.half).dtype == np.float16 and tg.float16 is tg.half
