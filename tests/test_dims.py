"""Dimension arguments and the errors users search for (trust issue kinds 5 and 12).

Every expected message below was copied from PyTorch 2.13's own error for the same call, and every
expected value is written out by hand."""

import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.dims import check_index, wrap_dim, wrap_dims


def z(*shape):
    return tg.zeros(*shape, dtype=tg.float64)


def s0(v=1.5):
    return tg.tensor(v, dtype=tg.float64)


def out_of_range(lo, hi, got):
    return re.escape(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {got})")


# ----------------------------------------------------------------------------- the helpers

def test_wrap_dim_counts_negatives_from_the_end():
    assert [wrap_dim(d, 3) for d in (-3, -2, -1, 0, 1, 2)] == [0, 1, 2, 0, 1, 2]


@pytest.mark.parametrize("dim", [-1, 0])
def test_wrap_dim_0d_has_one_virtual_axis(dim):
    assert wrap_dim(dim, 0) == 0


@pytest.mark.parametrize("dim,ndim,lo,hi", [(3, 2, -2, 1), (-3, 2, -2, 1), (1, 0, -1, 0), (-2, 0, -1, 0),
                                            (1, 1, -1, 0)])
def test_wrap_dim_out_of_range(dim, ndim, lo, hi):
    with pytest.raises(IndexError, match=out_of_range(lo, hi, dim)):
        wrap_dim(dim, ndim)


def test_wrap_dim_accepts_numpy_and_0d_integer_values():
    assert wrap_dim(np.int64(-1), 2) == 1
    assert wrap_dim(tg.tensor(1), 2) == 1


@pytest.mark.parametrize("dim", [1.0, (0,), "0", None, True])
def test_wrap_dim_refuses_non_integers(dim):
    with pytest.raises(TypeError, match="argument 'dim' must be int"):
        wrap_dim(dim, 2)


def test_wrap_dims_keeps_order_and_refuses_repeats():
    assert wrap_dims((-1, 0), 2) == (1, 0)
    assert wrap_dims(-1, 3) == (2,)
    with pytest.raises(RuntimeError, match="^dim 0 appears multiple times in the list of dims$"):
        wrap_dims((0, -2), 2)
    with pytest.raises(RuntimeError, match="^dup 1$"):
        wrap_dims([1, 1], 2, repeat="dup {dim}")


@pytest.mark.parametrize("index,shape,msg", [
    (5, (3,), "index 5 is out of bounds for dimension 0 with size 3"),
    (-4, (3,), "index -4 is out of bounds for dimension 0 with size 3"),
    ((0, 5), (2, 3), "index 5 is out of bounds for dimension 1 with size 3"),
    ((Ellipsis, 7), (2, 3), "index 7 is out of bounds for dimension 1 with size 3"),
    ((None, 1, Ellipsis, -9), (2, 3, 4), "index -9 is out of bounds for dimension 2 with size 4"),
    ((slice(None), np.array([0, 4])), (2, 3), "index 4 is out of bounds for dimension 1 with size 3"),
    ((0, 0), (3,), "too many indices for tensor of dimension 1"),
    (0, (), "invalid index of a 0-dim tensor"),
])
def test_check_index_errors(index, shape, msg):
    with pytest.raises(IndexError, match=re.escape(msg)):
        check_index(index, shape)


@pytest.mark.parametrize("index,shape", [(2, (3,)), (-3, (3,)), ((Ellipsis, -1), (2, 3)),
                                         (np.array([True, False, True]), (3,)), ((), ()), (None, ())])
def test_check_index_accepts_valid(index, shape):
    check_index(index, shape)


# ----------------------------------------------------------------------------- every op with dims

BAD = [
    (lambda: z(3, 1).squeeze(3), IndexError, out_of_range(-2, 1, 3)),
    (lambda: z(2, 3).squeeze(-3), IndexError, out_of_range(-2, 1, -3)),
    (lambda: z(1, 3).squeeze((0, 5)), IndexError, out_of_range(-2, 1, 5)),
    (lambda: z(1, 3).squeeze((0, -2)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: s0().squeeze(1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(2, 3).unsqueeze(3), IndexError, out_of_range(-3, 2, 3)),
    (lambda: s0().unsqueeze(-2), IndexError, out_of_range(-1, 0, -2)),
    (lambda: z(3, 1).permute(0, 3), IndexError, out_of_range(-2, 1, 3)),
    (lambda: z(2, 3).permute(0, -2), RuntimeError, re.escape("permute(): duplicate dims are not allowed.")),
    (lambda: z(2, 3).permute(0), RuntimeError, "input.dim\\(\\) = 2 is not equal to len\\(dims\\) = 1"),
    (lambda: z(2, 3).permute(0, 1, 2), RuntimeError,
     "number of dimensions in the tensor input does not match"),
    (lambda: s0().permute(0), RuntimeError, "input.dim\\(\\) = 0 is not equal to len\\(dims\\) = 1"),
    (lambda: z(3).transpose(0, 1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(3).swapaxes(0, 1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(2, 3).transpose(-3, 0), IndexError, out_of_range(-2, 1, -3)),
    (lambda: s0().transpose(1, 0), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(2, 3, 4).t(), RuntimeError,
     re.escape("t() expects a tensor with <= 2 dimensions, but self is 3D")),
    (lambda: z(3, 1).flatten(0, 5), IndexError, out_of_range(-2, 1, 5)),
    (lambda: z(3, 1).flatten(-1, 0), RuntimeError,
     re.escape("flatten() has invalid args: start_dim cannot come after end_dim")),
    (lambda: s0().flatten(1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(2, 3).sum((0, 0)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: z(2, 3).mean((0, -2)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: z(2, 3).amax((1, 1)), RuntimeError, "dim 1 appears multiple times in the list of dims"),
    (lambda: z(2, 3).amin((1, -1)), RuntimeError, "dim 1 appears multiple times in the list of dims"),
    (lambda: s0().sum((0, -1)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: z(2, 3).sum(2), IndexError, out_of_range(-2, 1, 2)),
    (lambda: z(2, 3).sum(axis=-3), IndexError, out_of_range(-2, 1, -3)),
    (lambda: s0().sum(1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: s0().mean(-2), IndexError, out_of_range(-1, 0, -2)),
    (lambda: z(2, 3).max(2), IndexError, out_of_range(-2, 1, 2)),
    (lambda: z(2, 3).min(-3), IndexError, out_of_range(-2, 1, -3)),
    (lambda: s0().max(1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(2, 3).max((0, 1)), TypeError, "argument 'dim' must be int, not tuple"),
    (lambda: z(2, 3).argmax(2), IndexError, out_of_range(-2, 1, 2)),
    (lambda: s0().argmin(1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: z(2, 3).size(2), IndexError, out_of_range(-2, 1, 2)),
    (lambda: s0().size(0), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda: tg.cat([z(2), z(2)], 1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: tg.cat([z(2, 3), z(3, 3)], 1), RuntimeError,
     "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1"),
    (lambda: tg.cat([z(2), z(2, 2)]), RuntimeError,
     "Tensors must have same number of dimensions: got 1 and 2"),
    (lambda: tg.stack([z(2), z(2)], 3), IndexError, out_of_range(-2, 1, 3)),
    (lambda: tg.stack([s0(), s0()], 1), IndexError, out_of_range(-1, 0, 1)),
    (lambda: tg.stack([z(2), z(3)]), RuntimeError,
     re.escape("stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1")),
]


@pytest.mark.parametrize("call,exc,msg", BAD)
def test_bad_dims_raise_pytorchs_error(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


def test_valid_edge_dims_give_the_right_shapes_and_values():
    v = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)
    assert v.transpose(-1, 0).tolist() == [1.0, 2.0, 3.0]
    assert s0().transpose(0, -1).item() == 1.5
    assert s0().sum(0).shape == () and s0().sum(-1).item() == 1.5
    assert s0().mean((-1,)).item() == 1.5
    assert s0().amax(0).item() == 1.5
    assert s0().squeeze(0).shape == () and s0().squeeze((-1,)).shape == ()
    assert z(2, 3).squeeze(0).shape == (2, 3)
    assert tg.tensor([[1.0], [2.0], [3.0]]).squeeze(-1).tolist() == [1.0, 2.0, 3.0]
    assert z(1, 3, 1).squeeze((0, 2)).shape == (3,)
    assert tg.tensor([[1.0, 2.0]]).unsqueeze(-1).shape == (1, 2, 1)
    assert s0().unsqueeze(-1).tolist() == [1.5]
    assert s0().flatten().tolist() == [1.5] and s0().flatten(-1, 0).shape == (1,)
    assert z(2, 3, 4).flatten(1, 2).shape == (2, 12) and z(2, 3, 4).flatten(-2).shape == (2, 12)
    assert v.t().tolist() == [1.0, 2.0, 3.0] and s0().t().item() == 1.5
    assert tg.tensor([[1.0, 2.0, 3.0]]).permute(-1, -2).tolist() == [[1.0], [2.0], [3.0]]
    assert s0().permute().item() == 1.5
    assert z(2, 3).size(-1) == 3


def test_empty_dims_tuple_reduces_everything_as_in_pytorch():
    x = tg.tensor([[1.0, 2.0], [3.0, 5.0]], dtype=tg.float64)
    assert x.sum(()).item() == 11.0
    assert x.mean(()).item() == 2.75
    assert x.amax(()).item() == 5.0


def test_reductions_over_dims_tuples_with_negatives():
    x = tg.tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 9.0]]], dtype=tg.float64)
    assert x.sum((0, -1)).tolist() == [14.0, 23.0]  # 1+2+5+6, 3+4+7+9
    assert x.mean((-1, 0), keepdim=True).tolist() == [[[3.5], [5.75]]]
    assert x.amax((2, 0)).tolist() == [6.0, 9.0]
    assert x.amin((-3, -2)).tolist() == [1.0, 2.0]


def test_max_dim_and_argmax_on_0d_and_keepdim():
    values, indices = s0().max(0)
    assert values.item() == 1.5 and indices.item() == 0 and indices.shape == ()
    values, indices = s0().min(-1, keepdim=True)
    assert values.shape == () and indices.shape == ()
    assert s0().argmax(0).item() == 0 and s0().argmin(-1, keepdim=True).shape == ()
    x = tg.tensor([[1.0, 7.0], [3.0, 5.0]])
    values, indices = x.max(-2, keepdim=True)
    assert values.tolist() == [[3.0, 7.0]] and indices.tolist() == [[1, 0]]
    assert x.argmax(keepdim=True).shape == (1, 1) and x.argmax(keepdim=True).item() == 1
    assert x.argmin(-1).tolist() == [0, 0]


def test_empty_reductions_raise_pytorchs_errors():
    e = z(0, 3)
    with pytest.raises(IndexError, match=re.escape("Expected reduction dim 0 to have non-zero size.")):
        e.amax(0)
    with pytest.raises(RuntimeError, match="Expected reduction dim to be specified for input.numel"):
        e.max()
    assert e.amax(1).shape == (0,)
    assert e.argmax(1).shape == (0,)
    with pytest.raises(IndexError, match="Expected reduction dim 0 to have non-zero size"):
        e.argmin(0)


def test_failed_dim_call_leaves_value_usable():
    x = tg.tensor([[1.0, 2.0]], dtype=tg.float64, requires_grad=True)
    with pytest.raises(IndexError):
        x.squeeze(5)
    with pytest.raises(RuntimeError):
        x.sum((1, 1))
    (x * 2.0).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0]]


def test_wrapped_dims_backward():
    x = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=tg.float64, requires_grad=True)
    y = x.transpose(-1, -2) * tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=tg.float64)
    y.sum((0, -1)).backward()
    assert x.grad.tolist() == [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]
    x.grad = None
    tg.cat([x, x], -1).sum(-2).mean(-1).backward()  # each column sum appears twice among 6 means
    assert x.grad.tolist() == [[2 / 6] * 3] * 2


# ----------------------------------------------------------------------------- k12: clear errors

def test_cat_of_0d_names_the_position():
    msg = "zero-dimensional tensor (at position {}) cannot be concatenated"
    with pytest.raises(RuntimeError, match=re.escape(msg.format(0))):
        tg.cat([s0(1.0), s0(2.0)])
    with pytest.raises(RuntimeError, match=re.escape(msg.format(1))):
        tg.cat([tg.tensor([1.0]), s0(2.0)])


def test_cat_and_stack_of_nothing():
    with pytest.raises(ValueError, match="expected a non-empty list of Tensors"):
        tg.cat([])
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        tg.stack([])


def test_stack_of_0d_and_cat_with_negative_dim():
    assert tg.stack([s0(1.0), s0(2.0)], -1).tolist() == [1.0, 2.0]
    assert tg.cat([tg.tensor([[1.0]]), tg.tensor([[2.0, 3.0]])], -1).tolist() == [[1.0, 2.0, 3.0]]
    assert tg.stack([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])], -1).tolist() == [[1.0, 3.0], [2.0, 4.0]]


@pytest.mark.parametrize("call,msg", [
    (lambda: z(2, 3).reshape(4, 4), "shape '[4, 4]' is invalid for input of size 6"),
    (lambda: z(2, 3).view(4, 2), "shape '[4, 2]' is invalid for input of size 6"),
    (lambda: z(2, 3).reshape(4, -1), "shape '[4, -1]' is invalid for input of size 6"),
    (lambda: s0().reshape(2), "shape '[2]' is invalid for input of size 1"),
    (lambda: z(2, 3).reshape(-1, -1), "only one dimension can be inferred"),
    (lambda: z(2, 3).reshape(-2, 3), "invalid shape dimension -2 at index 0 of shape [-2, 3]"),
])
def test_reshape_errors(call, msg):
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        call()


def test_reshape_infers_minus_one():
    assert z(2, 3).reshape(-1, 2).shape == (3, 2)
    assert z(2, 3).reshape(-1).shape == (6,)
    assert z(0, 3).reshape(2, -1).shape == (2, 0)
    assert tg.tensor([[5.0]]).reshape(()).item() == 5.0


@pytest.mark.parametrize("call,msg", [
    (lambda: z(3).expand(2, 4),
     "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  "
     "Target sizes: [2, 4].  Tensor sizes: [3]"),
    (lambda: z(1, 3).expand(2, 4),
     "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  "
     "Target sizes: [2, 4].  Tensor sizes: [1, 3]"),
    (lambda: z(2, 3).expand(3), "the number of sizes provided (1) must be greater or equal to the number of "
     "dimensions in the tensor (2)"),
    (lambda: z(3).expand(-1, 3), "The expanded size of the tensor (-1) isn't allowed in a leading, "
     "non-existing dimension 0"),
])
def test_expand_errors(call, msg):
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        call()


def test_expand_keeps_minus_one_and_broadcasts():
    x = tg.tensor([[1.0], [2.0]])
    assert x.expand(3, -1, 2).tolist() == [[[1.0, 1.0], [2.0, 2.0]]] * 3


def test_index_out_of_range_on_a_value_requiring_grad():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(IndexError, match=re.escape("index 5 is out of bounds for dimension 0 with size 3")):
        x[5]
    with pytest.raises(IndexError, match=re.escape("index -4 is out of bounds for dimension 0 with size 3")):
        x[[0, -4]]
    x[-3].backward()
    assert x.grad.tolist() == [1.0, 0.0, 0.0]


def test_t_and_transpose_of_a_matrix():
    x = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.t().tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert x.transpose(-1, 0).tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert tg.transpose(x, 1, 1).tolist() == x.tolist()
