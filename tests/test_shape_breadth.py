"""Shape and indexing breadth (shape_more.py, index_more.py, joins.py): values against numpy,
gradients by gradcheck (full Jacobians, float64), views and versions, in-place shape changes and
PyTorch's errors. Torch is not imported."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def leaf(*shape):
    return tg.tensor(RNG.normal(size=shape), requires_grad=True)


def idx(*v):
    return tg.tensor(v)


# ---------------------------------------------------------------------- values against numpy
def test_splits_match_numpy():
    x = np.arange(24.0).reshape(4, 6)
    t = tg.tensor(x)
    assert [p.numpy().tolist() for p in t.split(4, 1)] == [x[:, :4].tolist(), x[:, 4:].tolist()]
    assert [p.shape[1] for p in t.split([1, 5], 1)] == [1, 5]
    assert [p.shape[0] for p in t.chunk(3)] == [2, 2]  # ceil(4 / 3) = 2 each
    for got, want in zip(t.tensor_split(4, 1), np.array_split(x, 4, 1)):
        np.testing.assert_array_equal(got.numpy(), want)
    for got, want in zip(t.tensor_split([1, 4], 1), np.split(x, [1, 4], 1)):
        np.testing.assert_array_equal(got.numpy(), want)
    assert [p.shape for p in t.hsplit(3)] == [(4, 2)] * 3
    assert [p.shape for p in t.vsplit([1])] == [(1, 6), (3, 6)]
    assert [p.tolist() for p in t.unbind(0)] == x.tolist()
    assert t.unflatten(1, (2, 3)).shape == (4, 2, 3) and t.narrow(1, -2, 2).tolist() == x[:, -2:].tolist()
    assert t.select(1, 2).tolist() == x[:, 2].tolist()


def test_copies_that_move_numbers_match_numpy():
    x = np.arange(12.0).reshape(3, 4)
    t = tg.tensor(x)
    np.testing.assert_array_equal(t.flip(0, 1).numpy(), np.flip(x))
    np.testing.assert_array_equal(t.fliplr().numpy(), np.fliplr(x))
    np.testing.assert_array_equal(t.roll((1, -1), (0, 1)).numpy(), np.roll(x, (1, -1), (0, 1)))
    np.testing.assert_array_equal(t.roll(5).numpy(), np.roll(x, 5))
    for k in range(-1, 4):
        np.testing.assert_array_equal(t.rot90(k).numpy(), np.rot90(x, k))
    np.testing.assert_array_equal(t.repeat(2, 1, 3).numpy(), np.tile(x, (2, 1, 3)))
    np.testing.assert_array_equal(t.tile((2,)).numpy(), np.tile(x, 2))
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(t.tril(k).numpy(), np.tril(x, k))
        np.testing.assert_array_equal(t.triu(k).numpy(), np.triu(x, k))
    np.testing.assert_array_equal(t.unfold(1, 2, 2).numpy(), x.reshape(3, 2, 2))
    want = np.repeat(x, [2, 0, 1], 0)
    np.testing.assert_array_equal(t.repeat_interleave(idx(2, 0, 1), dim=0).numpy(), want)
    np.testing.assert_array_equal(tg.repeat_interleave(idx(1, 2)).numpy(), [0, 1, 1])
    np.testing.assert_array_equal(t.movedim(0, 1).numpy(), np.moveaxis(x, 0, 1))
    assert t.flip(0)._data.base is None and not np.shares_memory(t.repeat(1, 1)._data, t._data)


def test_diagonals_match_numpy():
    x = np.arange(24.0).reshape(2, 3, 4)
    t = tg.tensor(x)
    for k, d1, d2 in [(0, 0, 1), (1, 0, 2), (-1, 2, 0), (2, 1, 2)]:
        np.testing.assert_array_equal(t.diagonal(k, d1, d2).numpy(), np.diagonal(x, k, d1, d2))
    v = np.arange(3.0)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(tg.tensor(v).diag(k).numpy(), np.diag(v, k))
        np.testing.assert_array_equal(tg.tensor(x[0]).diag(k).numpy(), np.diag(x[0], k))
    np.testing.assert_array_equal(tg.tensor(x[0]).diagflat().numpy(), np.diagflat(x[0]))
    emb = tg.tensor(x[0]).diag_embed()
    assert emb.shape == (3, 4, 4) and np.array_equal(emb.numpy()[1], np.diag(x[0, 1]))


def test_reading_and_writing_at_indexes():
    x = np.arange(12.0).reshape(3, 4)
    t = tg.tensor(x)
    assert t.take(idx(0, -1, 5)).tolist() == [0.0, 11.0, 5.0]
    np.testing.assert_array_equal(t.take_along_dim(idx([1], [0], [3]), 1).numpy(),
                                  np.take_along_axis(x, np.array([[1], [0], [3]]), 1))
    assert t.masked_select(t > 8).tolist() == [9.0, 10.0, 11.0]
    assert (t > 9).nonzero().tolist() == [[2, 2], [2, 3]] and (t > 9).nonzero().dtype == np.int64
    assert [a.tolist() for a in (t > 9).nonzero(as_tuple=True)] == [[2, 2], [2, 3]]
    want = x.copy()
    np.add.at(want, ([0, 2, 0],), np.ones((3, 4)))
    np.testing.assert_array_equal(t.index_add(0, idx(0, 2, 0), tg.ones(3, 4)).numpy(), want)
    assert t.index_fill(1, idx(0), -1.0)[:, 0].tolist() == [-1.0] * 3
    assert t.index_copy(0, idx(1), tg.zeros(1, 4))[1].tolist() == [0.0] * 4
    assert t.index_put((idx(0, 0), idx(1, 1)), tg.tensor(1.0), accumulate=True)[0, 1].item() == 3.0
    assert t.scatter(1, idx([0], [1], [2]), -1.0).diagonal().tolist() == [-1.0, -1.0, -1.0]
    assert t.put(idx(0, 11), tg.tensor([7.0, 8.0])).reshape(-1)[[0, 11]].tolist() == [7.0, 8.0]
    assert t.masked_scatter(t < 2, tg.tensor([5.0, 6.0]))[0, :2].tolist() == [5.0, 6.0]
    assert t.select_scatter(tg.zeros(3), 1, 0)[:, 0].tolist() == [0.0] * 3
    assert t.slice_scatter(tg.zeros(3, 2), 1, 0, 4, 2)[0].tolist() == [0.0, 1.0, 0.0, 3.0]
    assert t.diagonal_scatter(tg.zeros(3), 1).diagonal(1).tolist() == [0.0] * 3


def test_scatter_reduce_values():
    x = tg.tensor([1.0, 2.0, 3.0])
    src, index = tg.tensor([4.0, -1.0, 5.0, 0.5]), idx(0, 0, 2, 2)
    assert x.scatter_reduce(0, index, src, "sum").tolist() == [4.0, 2.0, 8.5]
    assert x.scatter_reduce(0, index, src, "prod", include_self=False).tolist() == [-4.0, 2.0, 2.5]
    assert x.scatter_reduce(0, index, src, "mean").tolist() == [4.0 / 3, 2.0, 8.5 / 3]
    assert x.scatter_reduce(0, index, src, "amax").tolist() == [4.0, 2.0, 5.0]
    assert x.scatter_reduce(0, index, src, "amin", include_self=False).tolist() == [-1.0, 2.0, 0.5]


def test_unique_and_searching():
    t = tg.tensor([3, 1, 2, 3, 1])
    values, inverse, counts = t.unique(return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3] and inverse.tolist() == [2, 0, 1, 2, 0]
    assert counts.tolist() == [2, 1, 2]
    out, inv, cnt = tg.tensor([1, 1, 2, 1]).unique_consecutive(return_inverse=True, return_counts=True)
    assert out.tolist() == [1, 2, 1] and inv.tolist() == [0, 0, 1, 2] and cnt.tolist() == [2, 1, 1]
    rows = tg.tensor([[1, 2], [0, 1], [1, 2]]).unique(dim=0)
    assert rows.tolist() == [[0, 1], [1, 2]]
    assert tg.searchsorted(tg.tensor([1, 3, 5]), tg.tensor([3, 6])).tolist() == [1, 3]
    assert tg.bucketize(tg.tensor([3, 6]), tg.tensor([1, 3, 5]), right=True).tolist() == [2, 3]
    assert tg.searchsorted(tg.tensor([1, 3]), tg.tensor([2]), out_int32=True).dtype == np.int32
    assert tg.msort(tg.tensor([[2.0, 0.0], [1.0, 3.0]])).tolist() == [[1.0, 0.0], [2.0, 3.0]]


def test_joins_and_grids():
    a, b = tg.arange(3.0), tg.arange(2.0)
    gi, gj = tg.meshgrid(a, b, indexing="ij")
    ni, nj = np.meshgrid(np.arange(3.0), np.arange(2.0), indexing="ij")
    assert np.array_equal(gi.numpy(), ni) and np.array_equal(gj.numpy(), nj)
    assert tg.meshgrid(a, b, indexing="xy")[0].shape == (2, 3)
    with pytest.warns(UserWarning, match="indexing argument"):
        tg.meshgrid(a, b)
    assert tg.cartesian_prod(a, b).tolist() == [[i, j] for i in range(3) for j in range(2)]
    assert tg.combinations(a).tolist() == [[0.0, 1.0], [0.0, 2.0], [1.0, 2.0]]
    assert tg.combinations(b, with_replacement=True).shape == (3, 2)
    bd = tg.block_diag(tg.ones(2, 2), tg.tensor([3.0, 4.0]))
    assert bd.tolist() == [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 3, 4]]
    assert tg.hstack([a, a]).shape == (6,) and tg.vstack([a, a]).shape == (2, 3)
    assert tg.dstack([a, a]).shape == (1, 3, 2) and tg.column_stack([a, a]).shape == (3, 2)
    assert tg.row_stack([a, a]).shape == (2, 3) and tg.concat([a, b]).shape == (5,)
    assert tg.atleast_2d(tg.tensor(1.0)).shape == (1, 1) and tg.atleast_3d(a).shape == (1, 3, 1)
    assert [v.shape for v in tg.atleast_1d(tg.tensor(1.0), a)] == [(1,), (3,)]
    assert [v.shape for v in tg.broadcast_tensors(tg.ones(3, 1), tg.ones(4))] == [(3, 4), (3, 4)]
    assert tg.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert tg.tril_indices(3, 3).tolist() == [list(r) for r in np.tril_indices(3)]
    assert tg.triu_indices(3, 4, 1).tolist() == [list(r) for r in np.triu_indices(3, 1, 4)]


def test_new_values_and_small_names():
    x = tg.ones(2, 3, dtype=tg.float32)
    assert x.new_zeros(2, 2).dtype == np.float32 and x.new_ones((3,)).tolist() == [1.0] * 3
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0] and x.new_empty(4).shape == (4,)
    assert x.new_tensor([1, 2]).dtype == np.float32 and x.new_zeros(1, requires_grad=True).requires_grad
    assert x.nelement() == 6 and x.ndimension() == 2
    assert tg.ones(2, 3).sum_to_size(1, 3).tolist() == [[2.0, 2.0, 2.0]]
    assert not x.t().is_contiguous() and x.t().contiguous().is_contiguous() and x.is_contiguous()
    assert tg.arange(6).reshape(2, 3).t().ravel().tolist() == [0, 3, 1, 4, 2, 5]


# ---------------------------------------------------------------------- gradients
GRADS = [
    ("split", lambda x: x.split([1, 3], 1), [(3, 4)]),
    ("chunk", lambda x: x.chunk(2, 0), [(3, 4)]),
    ("tensor_split", lambda x: x.tensor_split(3, 1), [(2, 4)]),
    ("unbind", lambda x: x.unbind(1), [(2, 3)]),
    ("narrow_select", lambda x: (x.narrow(1, 1, 2), x.select(0, -1)), [(3, 4)]),
    ("repeat", lambda x: x.repeat(2, 1, 2), [(2, 3)]),
    ("tile", lambda x: x.tile((2,)), [(2, 3)]),
    ("roll", lambda x: x.roll((1, -2), (0, 1)), [(3, 4)]),
    ("flip", lambda x: x.flip(0, 1), [(3, 4)]),
    ("rot90", lambda x: x.rot90(3), [(3, 4)]),
    ("tril_triu", lambda x: (x.tril(-1), x.triu(1)), [(3, 4)]),
    ("diagonal", lambda x: x.diagonal(1, 0, 2), [(2, 3, 4)]),
    ("diag", lambda x: (x.diag(1), x.diag().diag()), [(3,)]),
    ("diag_embed", lambda x: x.diag_embed(1, 0, 2), [(2, 3)]),
    ("diagflat", lambda x: x.diagflat(-1), [(2, 2)]),
    ("unfold", lambda x: x.unfold(1, 2, 1), [(2, 4)]),
    ("movedim", lambda x: x.movedim((0, 1), (2, 0)), [(2, 3, 4)]),
    ("take", lambda x: x.take(idx([0, 5], [5, 1])), [(2, 3)]),
    ("take_along_dim", lambda x: x.take_along_dim(idx([0, 0], [2, 1]), 1), [(2, 3)]),
    ("repeat_interleave", lambda x: x.repeat_interleave(idx(2, 0, 1), dim=1), [(2, 3)]),
    ("masked_select", lambda x: x.masked_select(tg.tensor([True, False, True])), [(2, 3)]),
    ("index_add", lambda x, s: x.index_add(0, idx(0, 2, 0), s, alpha=2.0), [(3, 2), (3, 2)]),
    ("index_copy", lambda x, s: x.index_copy(1, idx(2, 0), s), [(2, 3), (2, 2)]),
    ("index_fill", lambda x, v: x.index_fill(1, idx(0, 2), v), [(2, 3), ()]),
    ("index_put", lambda x, v: x.index_put((idx(0, 0, 1), idx(1, 1, 2)), v, accumulate=True), [(2, 3), (3,)]),
    ("scatter", lambda x, s: x.scatter(1, idx([2, 0], [1, 2]), s), [(2, 3), (2, 3)]),
    ("masked_scatter", lambda x, s: x.masked_scatter(tg.tensor([True, False, True]), s), [(2, 3), (5,)]),
    ("put", lambda x, s: x.put(idx(0, 5, 0), s, accumulate=True), [(2, 3), (3,)]),
    ("select_scatter", lambda x, s: x.select_scatter(s, 1, 0), [(2, 3), (2,)]),
    ("slice_scatter", lambda x, s: x.slice_scatter(s, 1, 0, 3, 2), [(2, 3), (2, 2)]),
    ("diagonal_scatter", lambda x, s: x.diagonal_scatter(s, -1, 2, 0), [(2, 3, 4), (3, 2)]),
    ("meshgrid", lambda a, b: tg.meshgrid(a, b, indexing="xy"), [(3,), (2,)]),
    ("cartesian_prod", lambda a, b: tg.cartesian_prod(a, b), [(3,), (2,)]),
    ("combinations", lambda a: tg.combinations(a, 2, with_replacement=True), [(3,)]),
    ("block_diag", lambda a, b: tg.block_diag(a, b), [(2, 2), (3,)]),
    ("stacks", lambda a, b: (tg.hstack([a, b]), tg.dstack([a, b]), tg.column_stack([a, b])), [(3,), (3,)]),
    ("broadcast_tensors", lambda a, b: tg.broadcast_tensors(a, b), [(3, 1), (4,)]),
    ("sum_to_size", lambda x: x.sum_to_size(1, 3), [(2, 3)]),
    ("contiguous", lambda x: x.t().contiguous(), [(2, 3)]),
    ("fill_diagonal_", lambda x, v: (x * 1).fill_diagonal_(v, wrap=True), [(5, 2), ()]),
    ("index_reduce", lambda x, s: x.index_reduce(0, idx(0, 2), s, "prod", include_self=False),
     [(3, 2), (2, 2)]),
]


@pytest.mark.parametrize("name,fn,shapes", GRADS, ids=[g[0] for g in GRADS])
def test_gradients(name, fn, shapes):
    gradcheck(fn, [leaf(*s) for s in shapes])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradients(reduce, include_self):
    x = tg.tensor([[1.5, -2.0], [0.5, 3.0], [2.0, 2.5]], requires_grad=True)
    src = tg.tensor([[2.0, 3.5], [1.25, -2.5], [0.25, 3.25], [2.75, 4.0]], requires_grad=True)  # no ties
    index = idx([0, 1], [0, 1], [2, 1], [0, 0])
    gradcheck(lambda a, b: a.scatter_reduce(0, index, b, reduce, include_self=include_self), [x, src])


def test_amax_ties_share_the_gradient():
    x = tg.tensor([1.0, 3.0], requires_grad=True)
    src = tg.tensor([3.0, 3.0, 0.0], requires_grad=True)
    x.scatter_reduce(0, idx(1, 1, 0), src, "amax").sum().backward()
    assert x.grad.tolist() == [1.0, 1 / 3] and src.grad.tolist() == [1 / 3, 1 / 3, 0.0]


def test_second_order_through_compositions():
    gradgradcheck(lambda x: (x.repeat(2, 1) * x.flip(0).roll(1, 1).repeat(2, 1)).tril(), [leaf(3, 3)])
    gradgradcheck(lambda x, s: x.index_add(0, idx(1, 1), s) ** 2, [leaf(2, 2), leaf(2, 2)])


# ---------------------------------------------------------------------- views, versions, in place
def test_views_write_through_and_share_versions():
    x = tg.zeros(3, 4)
    x.narrow(1, 1, 2).fill_(1.0)
    x.diagonal().add_(5.0)
    x.split(2)[1].mul_(2.0)
    x.unbind(1)[3].sub_(1.0)
    want = np.zeros((3, 4))
    want[:, 1:3] = 1.0
    want[np.arange(3), np.arange(3)] += 5.0
    want[2:] *= 2.0
    want[:, 3] -= 1.0
    np.testing.assert_array_equal(x.numpy(), want)
    assert x._version == 4


def test_shape_changes_in_place():
    x = tg.ones(1, 3, 1)
    x.squeeze_()
    assert x.shape == (3,) and x._version == 1
    x.unsqueeze_(0).t_()
    assert x.shape == (3, 1) and x._version == 3
    y = tg.ones(2, 3, 4)
    y.transpose_(0, 2).swapdims_(0, 1)
    assert y.shape == (3, 4, 2)
    w = tg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    h = w * 3
    h.squeeze_(0)
    h.unsqueeze_(1)
    h.t_()
    assert h.shape == (1, 3)
    (h * h).sum().backward()
    assert w.grad.tolist() == [[18.0, 36.0, 54.0]]
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.squeeze_()


def test_fill_diagonal_nonzero_static_unravel_index():
    x = tg.zeros(5, 2)
    assert x.fill_diagonal_(1.0, wrap=True) is x and x.tolist() == [[1, 0], [0, 1], [0, 0], [1, 0], [0, 1]]
    assert tg.ones(2, 2, 2).fill_diagonal_(0.0).sum().item() == 6.0
    assert tg.tensor([0, 3, 0, 4]).nonzero_static(size=3).tolist() == [[1], [3], [-1]]
    assert [c.tolist() for c in tg.unravel_index(tg.tensor([5, 1]), (2, 3))] == [[1, 0], [2, 1]]
    out = tg.tensor([1.0, 2.0]).index_reduce(0, idx(1, 1), tg.tensor([3.0, 5.0]), "amax")
    assert out.tolist() == [1.0, 5.0]


def test_inplace_twins_from_the_rule():
    x = tg.arange(6.0).reshape(2, 3)
    x.tril_()
    assert x.tolist() == [[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]]
    x.index_fill_(1, idx(0), 9.0).scatter_(1, idx([2], [2]), -1.0)
    assert x.tolist() == [[9.0, 0.0, -1.0], [9.0, 4.0, -1.0]]
    assert tg.index_put_(x, (idx(0),), tg.tensor(0.0)) is x and x[0].tolist() == [0.0] * 3


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize("call,exc,words", [
    (lambda: tg.ones(3).split(-1), RuntimeError, "non-negative"),
    (lambda: tg.ones(5).split([2, 2]), RuntimeError, "sum exactly to 5"),
    (lambda: tg.ones(3).chunk(0), RuntimeError, "greater than 0"),
    (lambda: tg.ones(3, 3).hsplit(2), RuntimeError, "not divisible by the split_size 2"),
    (lambda: tg.ones(2, 3).repeat(2), RuntimeError, "can not be smaller"),
    (lambda: tg.ones(3).tril(), RuntimeError, "at least 2 dimensions"),
    (lambda: tg.ones(2, 2).diagonal(0, 1, 1), RuntimeError, "cannot be identical"),
    (lambda: tg.ones(3).narrow(0, 2, 2), RuntimeError, "exceeds dimension size"),
    (lambda: tg.ones(3).select(0, 3), IndexError, "out of range"),
    (lambda: tg.ones(2, 3).take(idx(6)), IndexError, "tried to access index 6"),
    (lambda: tg.ones(2).repeat_interleave(idx(-1, 2)), RuntimeError, "can not be negative"),
    (lambda: tg.ones(2, 3).index_add(0, idx(0), tg.ones(2, 3)), RuntimeError, "Number of indices (1)"),
    (lambda: tg.ones(2, 3).scatter_reduce(0, idx([0]), tg.ones(1, 1), "foo"), RuntimeError, "reduce arg"),
    (lambda: tg.ones(2, 3).select_scatter(tg.ones(2), 0, 0), RuntimeError, "slice size = [3]"),
    (lambda: tg.broadcast_shapes((2,), (3,)), RuntimeError, "Attempting to broadcast"),
    (lambda: tg.ones(2, 3).unfold(1, 4, 1), RuntimeError, "maximum size"),
    (lambda: tg.ones(2, 3, 4).t_(), RuntimeError, "t_() expects"),
    (lambda: tg.bucketize(tg.ones(2), tg.ones(2, 2)), RuntimeError, "1 dimension"),
])
def test_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)
