"""Dimension arguments (k05) and errors users will search for (k12): the same exception class and
PyTorch's key words, on the same bad calls; valid edge calls give the same results."""

import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import catch, check, check_raises, f64  # noqa: E402

OUT_OF_RANGE = "Dimension out of range"


def _z(T, *shape):
    return T.zeros(*shape, dtype=T.float64)


# (id, program, key words): every program raises in PyTorch
BAD_DIMS = [
    ("squeeze_3_on_3x1", lambda T: _z(T, 3, 1).squeeze(3),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 3)"]),
    ("squeeze_neg3_on_2d", lambda T: _z(T, 2, 3).squeeze(-3),
     ["Dimension out of range (expected to be in range of [-2, 1], but got -3)"]),
    ("permute_0_3_on_2d", lambda T: _z(T, 3, 1).permute(0, 3),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 3)"]),
    ("permute_duplicate", lambda T: _z(T, 2, 3).permute(0, 0), ["permute", "duplicate dims"]),
    ("permute_too_few", lambda T: _z(T, 2, 3).permute(0), ["number of dimensions"]),
    ("flatten_0_5", lambda T: _z(T, 3, 1).flatten(0, 5),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 5)"]),
    ("transpose_0_1_on_1d", lambda T: _z(T, 3).transpose(0, 1),
     ["Dimension out of range (expected to be in range of [-1, 0], but got 1)"]),
    ("transpose_0_2_on_2d", lambda T: _z(T, 2, 3).transpose(0, 2),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    ("t_on_3d", lambda T: _z(T, 2, 3, 4).t(), ["t() expects a tensor with <= 2 dimensions"]),
    ("sum_dims_0_0", lambda T: _z(T, 2, 3).sum((0, 0)), ["dim 0 appears multiple times"]),
    ("mean_dims_0_neg2", lambda T: _z(T, 2, 3).mean((0, -2)), ["dim 0 appears multiple times"]),
    ("amax_dims_1_1", lambda T: _z(T, 2, 3).amax((1, 1)), ["dim 1 appears multiple times"]),
    ("sum_dim_2_on_2d", lambda T: _z(T, 2, 3).sum(2),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    ("sum_dim_1_on_0d", lambda T: f64(T, 1.0).sum(1),
     ["Dimension out of range (expected to be in range of [-1, 0], but got 1)"]),
    ("unsqueeze_3_on_2d", lambda T: _z(T, 2, 3).unsqueeze(3),
     ["Dimension out of range (expected to be in range of [-3, 2], but got 3)"]),
    ("unsqueeze_2_on_0d", lambda T: f64(T, 1.0).unsqueeze(2),
     ["Dimension out of range (expected to be in range of [-1, 0], but got 2)"]),
    ("mean_dim_2", lambda T: _z(T, 2, 3).mean(2),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    ("max_dim_2", lambda T: _z(T, 2, 3).max(2),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    ("cat_dim_1_of_1d", lambda T: T.cat([_z(T, 2), _z(T, 2)], 1),
     ["Dimension out of range (expected to be in range of [-1, 0], but got 1)"]),
    ("cat_sizes", lambda T: T.cat([_z(T, 2, 3), _z(T, 3, 3)], 1),
     ["Sizes of tensors must match except in dimension 1"]),
    ("stack_dim_3_of_1d", lambda T: T.stack([_z(T, 2), _z(T, 2)], 3),
     ["Dimension out of range (expected to be in range of [-2, 1], but got 3)"]),
    ("stack_sizes", lambda T: T.stack([_z(T, 2), _z(T, 3)]), ["stack expects each tensor to be equal size"]),
]


@pytest.mark.parametrize("program,words", [(p, w) for _, p, w in BAD_DIMS], ids=[i for i, _, _ in BAD_DIMS])
def test_k05_dims_bad_call(program, words):
    check_raises(program, *words)


# valid edge calls: same shapes and values
GOOD_DIMS = [
    ("transpose_neg1_0_on_1d", lambda T: f64(T, [1.0, 2.0, 3.0]).transpose(-1, 0)),
    ("transpose_0_0_on_0d", lambda T: f64(T, 1.5).transpose(0, 0)),
    ("sum_dim_0_on_0d", lambda T: f64(T, 1.5).sum(0)),
    ("sum_dim_neg1_on_0d", lambda T: f64(T, 1.5).sum(-1)),
    ("squeeze_0_on_2x3_noop", lambda T: _z(T, 2, 3).squeeze(0)),
    ("squeeze_neg1_on_3x1", lambda T: f64(T, [[1.0], [2.0], [3.0]]).squeeze(-1)),
    ("unsqueeze_neg1", lambda T: f64(T, [[1.0, 2.0]]).unsqueeze(-1)),
    ("unsqueeze_0_on_0d", lambda T: f64(T, 2.0).unsqueeze(0)),
    ("flatten_on_0d", lambda T: f64(T, 2.0).flatten()),
    ("flatten_1_2", lambda T: _z(T, 2, 3, 4).flatten(1, 2)),
    ("t_on_1d", lambda T: f64(T, [1.0, 2.0]).t()),
    ("permute_neg", lambda T: f64(T, [[1.0, 2.0, 3.0]]).permute(-1, -2)),
    ("sum_dims_tuple", lambda T: f64(T, [[1.0, 2.0], [3.0, 4.0]]).sum((0, 1))),
    ("mean_dim_neg1_keepdim", lambda T: f64(T, [[1.0, 2.0], [3.0, 5.0]]).mean(-1, keepdim=True)),
    ("max_dim_keepdim", lambda T: tuple(f64(T, [[1.0, 7.0], [3.0, 5.0]]).max(0, keepdim=True))),
    ("cat_neg1", lambda T: T.cat([f64(T, [[1.0]]), f64(T, [[2.0, 3.0]])], -1)),
    ("stack_neg1", lambda T: T.stack([f64(T, [1.0, 2.0]), f64(T, [3.0, 4.0])], -1)),
]


@pytest.mark.parametrize("program", [p for _, p in GOOD_DIMS], ids=[i for i, _ in GOOD_DIMS])
def test_k05_dims_valid_edge_call(program):
    check(program)


def test_k05_dims_failed_call_leaves_value_usable():
    def program(T):
        x = f64(T, [[1.0, 2.0]], True)
        err = catch(lambda: x.squeeze(5))
        y = (x * 2.0).sum()
        y.backward()
        return {"error": err, "x": x, "x.grad": x.grad}

    check(program)


# --- k12: errors users search for ---------------------------------------------------------------

def test_k12_errors_inplace_on_expanded():
    check_raises(lambda T: _z(T, 3).expand(2, 3).add_(1.0),
                 "unsupported operation: more than one element of the written-to tensor refers to a "
                 "single memory location")


def test_k12_errors_inplace_on_expanded_leaves_base_unchanged():
    def program(T):
        base = f64(T, [1.0, 2.0, 3.0])
        err = catch(lambda: base.expand(2, 3).mul_(5.0))
        return {"error": err, "base": base}

    check(program)


def test_k12_errors_cat_of_0d():
    check_raises(lambda T: T.cat([f64(T, 1.0), f64(T, 2.0)]),
                 "zero-dimensional tensor (at position 0) cannot be concatenated")


def test_k12_errors_cat_of_0d_second_position():
    check_raises(lambda T: T.cat([f64(T, [1.0]), f64(T, 2.0)]),
                 "zero-dimensional tensor (at position 1) cannot be concatenated")


def test_k12_errors_cat_empty_list():
    check_raises(lambda T: T.cat([]), "expected a non-empty list of Tensors")


def test_k12_errors_transpose_out_of_range():
    check_raises(lambda T: _z(T, 2, 3).transpose(-3, 0),
                 "Dimension out of range (expected to be in range of [-2, 1], but got -3)")


def test_k12_errors_matmul_shapes():
    check_raises(lambda T: _z(T, 2, 3) @ _z(T, 2, 3), "cannot be multiplied", "2x3 and 2x3")


def test_k12_errors_matmul_0d():
    check_raises(lambda T: f64(T, 1.0) @ f64(T, 2.0), "both arguments to matmul need to be at least 1D")


def test_k12_errors_broadcast_add():
    check_raises(lambda T: _z(T, 2, 3) + _z(T, 4), "must match the size of tensor b")


def test_k12_errors_reshape_bad_size():
    check_raises(lambda T: _z(T, 2, 3).reshape(4, 2), "shape '[4, 2]' is invalid for input of size 6")


def test_k12_errors_item_of_many():
    check_raises(lambda T: _z(T, 2).item(), "a Tensor with 2 elements cannot be converted to Scalar")


def test_k12_errors_numpy_of_requires_grad():
    check_raises(lambda T: f64(T, [1.0], True).numpy(), "Can't call numpy() on Tensor that requires grad")


def test_k12_errors_inplace_on_leaf_requiring_grad():
    check_raises(lambda T: f64(T, [1.0], True).add_(1.0),
                 "a leaf Variable that requires grad is being used in an in-place operation")


def test_k12_errors_backward_twice():
    def raising(T):
        w = f64(T, [1.0, 2.0], True)
        y = (w.exp() * w).sum()
        y.backward()
        y.backward()

    check_raises(raising, "Trying to backward through the graph a second time")


def test_k12_errors_index_out_of_range():
    check_raises(lambda T: _z(T, 3)[5], "index 5 is out of bounds for dimension 0 with size 3")


def test_k12_errors_expand_bad():
    check_raises(lambda T: _z(T, 3).expand(2, 4),
                 "The expanded size of the tensor (4) must match the existing size (3)")
