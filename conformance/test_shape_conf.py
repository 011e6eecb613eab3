# ruff: noqa: E501 - tables of PyTorch calls and error messages read best one per line
"""Shape and indexing breadth against PyTorch: splits, copies that move numbers, triangles and
diagonals, reading and writing at indexes, in-place shape changes, joins and searches (values,
gradients, dtypes, error classes and wording)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import check, check_raises, f64  # noqa: E402

COVERED = {
    "Tensor methods": [
        "split", "split_with_sizes", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind",
        "unflatten", "repeat", "tile", "roll", "flip", "fliplr", "flipud", "rot90", "tril", "tril_", "triu",
        "triu_", "contiguous", "is_contiguous", "movedim", "moveaxis", "swapaxes", "swapdims", "broadcast_to",
        "diag", "diag_embed", "diagflat", "diagonal", "narrow", "select", "take", "take_along_dim",
        "repeat_interleave", "masked_select", "nonzero", "argwhere", "index_add", "index_add_", "index_copy",
        "index_copy_", "index_fill", "index_fill_", "index_put", "index_put_", "scatter", "scatter_",
        "scatter_reduce", "scatter_reduce_", "masked_scatter", "masked_scatter_", "put", "put_",
        "select_scatter", "slice_scatter", "diagonal_scatter", "squeeze_", "unsqueeze_", "t_", "transpose_",
        "swapaxes_", "swapdims_", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "ravel",
        "unfold", "msort", "unique", "unique_consecutive", "view_as", "reshape_as", "expand_as", "nelement",
        "ndimension", "sum_to_size", "fill_diagonal_", "index_reduce", "index_reduce_", "nonzero_static"],
    "torch functions": [
        "split", "split_with_sizes", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind",
        "unflatten", "tile", "roll", "flip", "fliplr", "flipud", "rot90", "tril", "triu", "tril_indices",
        "triu_indices", "movedim", "moveaxis", "swapaxes", "swapdims", "broadcast_to", "broadcast_tensors",
        "broadcast_shapes", "diag", "diag_embed", "diagflat", "diagonal", "meshgrid", "narrow", "select",
        "take", "take_along_dim", "repeat_interleave", "masked_select", "nonzero", "argwhere", "index_add",
        "index_copy", "index_fill", "index_put", "index_put_", "scatter", "scatter_reduce", "masked_scatter",
        "put", "select_scatter", "slice_scatter", "diagonal_scatter", "hstack", "vstack", "dstack",
        "column_stack", "row_stack", "atleast_1d", "atleast_2d", "atleast_3d", "ravel", "cartesian_prod",
        "combinations", "block_diag", "searchsorted", "bucketize", "msort", "unique", "unique_consecutive",
        "concat", "index_reduce", "nonzero_static", "unravel_index"],
}


def _weighted_loss(T, outs):
    loss = None
    for i, o in enumerate(outs):
        if isinstance(o, T.Tensor) and o.requires_grad:
            w = f64(T, np.cos(np.arange(o.numel()) * 0.7 + i).reshape(tuple(o.shape)))
            term = (o * w).sum()
            loss = term if loss is None else loss + term
    return loss


def run_case(fn, shapes):
    """``fn(T, *xs)`` on float64 inputs of ``shapes`` (requires_grad): its results, then the gradients
    of a weighted sum of every differentiable result."""
    data = [np.random.default_rng(7 + i).normal(size=s) for i, s in enumerate(shapes)]

    def program(T):
        xs = [f64(T, d, requires_grad=True) for d in data]
        out = fn(T, *xs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        loss = _weighted_loss(T, outs)
        if loss is not None:
            loss.backward()
        return outs + [x.grad for x in xs]

    check(program)


A, B, C = (3, 4), (2, 3, 4), (5,)
IX = lambda T, *v: T.tensor(v)  # noqa: E731 - an int64 index
CASES = {
    # splits and views
    "split": ([A], lambda T, x: x.split(3, 1) + T.split(x, 2) + x.split([1, 3], dim=1) + x.split(split_size=2, dim=1) + T.split(x, split_size_or_sections=[1, 2])),
    "split_with_sizes": ([A], lambda T, x: x.split_with_sizes([2, 1]) + T.split_with_sizes(x, [4, 0], -1)),
    "chunk": ([A], lambda T, x: x.chunk(3, 1) + T.chunk(x, 2) + x.chunk(5, 0) + T.zeros(0, dtype=T.float64).chunk(3)),
    "tensor_split": ([A], lambda T, x: x.tensor_split(3, 1) + T.tensor_split(x, [1, 3], dim=1) + x.tensor_split(IX(T, 2, 1, 9)) + x.tensor_split(IX(T, 2), 1)),
    "hsplit_vsplit_dsplit": ([(2, 4, 6)], lambda T, x: x.hsplit(2) + x.vsplit([1]) + T.dsplit(x, 3) + T.hsplit(x[0, 0], [2, 4])),
    "unbind": ([B], lambda T, x: x.unbind(1) + T.unbind(x) + x.unbind(-1)),
    "unflatten": ([B], lambda T, x: [x.unflatten(2, (2, -1)), T.unflatten(x, -1, (1, 4, 1))]),
    "narrow_select": ([A], lambda T, x: [x.narrow(1, 1, 2), x.narrow(0, -2, 2), T.narrow(x, 1, T.tensor(0), 2), x.select(1, -1), T.select(x, 0, 1)]),
    "diagonal": ([B], lambda T, x: [x.diagonal(), x.diagonal(1, 0, 2), T.diagonal(x, -1, 2, 0), x[0].diagonal(-1)]),
    "movedim": ([B], lambda T, x: [x.movedim(0, 2), x.movedim((0, 1), (2, 0)), T.moveaxis(x, -1, 0), T.movedim(x, [2], [1])]),
    "swapdims": ([B], lambda T, x: [x.swapdims(0, 2), T.swapaxes(x, 0, 1), T.swapdims(x, -1, 1), x.swapaxes(1, 2)]),
    "unfold": ([A], lambda T, x: [x.unfold(1, 2, 1), x.unfold(0, 2, 2), x.unfold(-1, 4, 3), x[0, 0].unfold(0, 1, 1)]),
    # copies that move numbers
    "repeat_tile": ([(2, 3)], lambda T, x: [x.repeat(2, 1, 3), x.repeat(1, 1), x.tile((2,)), T.tile(x, (2, 2, 1)), x[0].repeat(3), x[0, 0].repeat(2)]),
    "roll": ([A], lambda T, x: [x.roll(1, 1), x.roll((1, -2), (0, 1)), T.roll(x, 5), x.roll(-1, -1)]),
    "flip": ([B], lambda T, x: [x.flip(0), x.flip((0, 2)), T.flip(x, [-1]), x[0].fliplr(), T.flipud(x), x.flip(-1, 1)]),
    "rot90": ([A], lambda T, x: [x.rot90(), x.rot90(2), x.rot90(-1, [1, 0]), T.rot90(x, 3), x.rot90(4)]),
    "tril_triu": ([A], lambda T, x: [x.tril(), x.tril(-1), x.triu(1), T.triu(x, -1), T.tril(x, 5), (x * 1).tril_(), (x * 1).triu_(2)]),
    "tril_batched": ([B], lambda T, x: [x.tril(1), x.triu(), T.tril(T.ones(2, 3, dtype=T.int64)), T.triu(T.ones(3, 2, dtype=T.bool))]),
    "diag": ([C, A], lambda T, v, x: [v.diag(), v.diag(1), T.diag(v, -2), x.diag(), x.diag(-1), T.diag(x, 2)]),
    "diag_embed": ([A], lambda T, x: [x.diag_embed(), x.diag_embed(1, 0, 2), T.diag_embed(x, dim1=-1, dim2=0), x[0].diag_embed(-1)]),
    "diagflat": ([A, C], lambda T, x, v: [x.diagflat(), T.diagflat(v, -1), x.diagflat(2)]),
    "contiguous_ravel": ([B], lambda T, x: [x.transpose(0, 2).contiguous(), x.transpose(0, 2).is_contiguous(), x.contiguous().is_contiguous(), x.transpose(0, 2).contiguous().is_contiguous(), T.ravel(x.transpose(1, 2)), x.ravel(), x[:, ::2].contiguous()]),
    "broadcast": ([(3, 1), (4,)], lambda T, a, b: list(T.broadcast_tensors(a, b)) + [a.broadcast_to((2, 3, 4)), T.broadcast_to(b, (3, 4)), b.expand_as(a * b), T.broadcast_shapes((2, 1), (3,), 1), T.broadcast_shapes()]),
    "view_as_reshape_as": ([A, (2, 6)], lambda T, x, y: [x.view_as(y), x.reshape_as(y), x.nelement(), x.ndimension(), y.sum_to_size(1, 6), y.sum_to_size(2, 1), T.ones(2, 3, 4, dtype=T.float64).sum_to_size(3, 1)]),
    # reading at indexes
    "take": ([A], lambda T, x: [x.take(IX(T, [0, 5], [-1, 3])), T.take(x, T.tensor(2)), x.take(T.tensor([], dtype=T.int64))]),
    "take_along_dim": ([A], lambda T, x: [x.take_along_dim(IX(T, [0], [2], [1]), 1), T.take_along_dim(x, IX(T, 0, 11, 3)), x.take_along_dim(IX(T, [1, 3]), dim=1), x.take_along_dim(x.detach().argsort(0), 0)]),
    "repeat_interleave": ([A], lambda T, x: [x.repeat_interleave(2), x.repeat_interleave(IX(T, 1, 0, 2), dim=0), T.repeat_interleave(x, 2, dim=1), T.repeat_interleave(IX(T, 2, 1, 0, 3)), x.repeat_interleave(IX(T, 2), dim=-1), T.repeat_interleave(x[0, 0], 3)]),
    "masked_select": ([A], lambda T, x: [x.masked_select(x.detach() > 0), T.masked_select(x, T.tensor([True, False, True, True])), x[0].masked_select(x.detach() > 0)]),
    "nonzero": ([A], lambda T, x: [(x.detach() > 0).nonzero(), T.nonzero(x.detach() > 0, as_tuple=True), T.argwhere(x.detach() > 0.5), T.tensor(3.0).nonzero(), T.zeros(2, 0).nonzero(), T.tensor([0, 2, 0]).nonzero(as_tuple=True)]),
    "msort_unique": ([A], lambda T, x: [x.msort(), T.msort(x[0]), T.unique(T.tensor([3, 1, 2, 3, 1])), T.tensor([3, 1, 2, 3, 1]).unique(return_inverse=True, return_counts=True), T.unique(T.tensor([[1, 2], [0, 1], [1, 2]]), dim=0, return_inverse=True, return_counts=True), T.unique(f64(T, [[2.0, 1.0], [1.0, 2.0]]), return_inverse=True), T.unique(f64(T, [2.0, np.nan, 1.0, np.nan]), return_inverse=True, return_counts=True), T.unique(T.tensor([3, 1, 2]), sorted=False)]),
    "unique_consecutive": ([A], lambda T, x: [T.unique_consecutive(T.tensor([1, 1, 2, 2, 3, 1, 1])), T.tensor([1, 1, 2, 2, 3, 1, 1]).unique_consecutive(return_inverse=True, return_counts=True), T.unique_consecutive(T.tensor([[1, 1, 2], [1, 1, 3]]), dim=1, return_counts=True, return_inverse=True), T.tensor([[1, 2], [1, 2], [0, 0]]).unique_consecutive(dim=0)]),
    # writing at indexes
    "index_add": ([A, (3, 4), (3, 2)], lambda T, x, s, t: [x.index_add(0, IX(T, 0, 2, 0), s), T.index_add(x, 1, IX(T, 3, 3), t, alpha=2.0), (x * 1).index_add_(1, IX(T, 1, 0), t)]),
    "index_copy": ([A, (3, 2)], lambda T, x, s: [x.index_copy(1, IX(T, 3, 0), s), T.index_copy(x, 0, IX(T, 2), s.T[:1].repeat(1, 2)[:, :4]), (x * 1).index_copy_(1, IX(T, 1), s[:, :1])]),
    "index_fill": ([A, ()], lambda T, x, v: [x.index_fill(1, IX(T, 0, 2), -1.0), T.index_fill(x, 0, IX(T, 1), v), (x * 1).index_fill_(1, IX(T, 3), 2), T.ones(3, dtype=T.int64).index_fill(0, IX(T, 1), 2.7)]),
    "index_put": ([A, (2,), ()], lambda T, x, v, s: [x.index_put((IX(T, 0, 2), IX(T, 1, 1)), v), x.index_put((IX(T, 0, 0, 1), IX(T, 3, 3, 0)), s, accumulate=True), T.index_put(x, (x.detach() > 0,), s), (x * 1).index_put_((IX(T, 2),), v.sum().reshape(()).expand(4).clone())]),
    "scatter": ([A, (2, 4)], lambda T, x, s: [x.scatter(0, IX(T, [2, 0, 1, 1], [0, 2, 2, 0]), s), T.scatter(x, 1, IX(T, [3, 1], [0, 2]), 2.5), x.scatter(1, IX(T, [1], [2]), s[:, :1], reduce="add").detach(), x.detach().scatter(0, IX(T, [0, 0, 2, 1]), 3.0, reduce="multiply"), (x * 1).scatter_(1, IX(T, [0, 3], [1, 2], [2, 1]), s.T[:3, :2]), T.zeros(3, dtype=T.int64).scatter(0, IX(T, 2, 0), IX(T, 5, 6))]),
    "masked_scatter": ([A, (12,)], lambda T, x, s: [x.masked_scatter(x.detach() > 0, s), T.masked_scatter(x, T.tensor([True, False, False, True]), s), (x * 1).masked_scatter_(x.detach() < 0, s)]),
    "put": ([A, (3,)], lambda T, x, s: [x.put(IX(T, 0, 5, -1), s), T.put(x, IX(T, 1, 1), s[:2], accumulate=True), (x * 1).put_(IX(T, 11, 2, 3), s, accumulate=True)]),
    "select_slice_scatter": ([A, (4,), (3, 2)], lambda T, x, v, s: [x.select_scatter(v, 0, 1), T.select_scatter(x, s[:, 0], 1, -1), x.slice_scatter(s, 1, 1, 4, 2), T.slice_scatter(x, v.reshape(1, 4), start=2), x.slice_scatter(s[:, :1], dim=1, start=-1)]),
    "diagonal_scatter": ([B, (3,), (2, 3), (3, 2)], lambda T, x, d, y1, y2: [x[0].diagonal_scatter(d), T.diagonal_scatter(x[0], d, 1), x.diagonal_scatter(y1, 0, 1, 2), x.diagonal_scatter(y2, 1, 0, 2), x.diagonal_scatter(y2, -1, 2, 0)]),
    "fill_diagonal": ([(5, 3), (3, 5)], lambda T, x, y: [(x * 1).fill_diagonal_(2.0), (x * 1).fill_diagonal_(-1.0, wrap=True), (y * 1).fill_diagonal_(0.5, True), T.zeros(2, 2, 2, dtype=T.float64).fill_diagonal_(1), T.zeros(2, 3, dtype=T.int64).fill_diagonal_(2.7)]),
    "index_reduce": ([A, (2, 4)], lambda T, x, s: [x.index_reduce(0, IX(T, 0, 2), s, r, include_self=b) for r in ("prod", "mean", "amax", "amin") for b in (True, False)] + [T.index_reduce(x, 1, IX(T, 3, 3), s.T[:3], "amax"), (x * 1).index_reduce_(0, IX(T, 1, 1), s, "mean")]),
    "nonzero_static_unravel": ([], lambda T: [T.tensor([[0, 1], [1, 0]]).nonzero_static(size=3), T.nonzero_static(T.tensor([1, 0, 2]), size=1, fill_value=7), T.tensor(0.0).nonzero_static(size=2), T.unravel_index(T.tensor([4, 1]), (2, 3)), T.unravel_index(T.tensor(5), (2, 3)), T.unravel_index(T.tensor([[7], [0]]), T.Size([2, 2, 2]))]),
    # in-place shape changes
    "shape_in_place": ([(1, 3, 1), A], lambda T, x, y: [(x * 1).squeeze_(), (x * 1).squeeze_(0), (x * 1).unsqueeze_(-1), (y * 1).t_(), (y * 1).transpose_(0, 1), (x * 1).swapaxes_(0, 1), (x * 1).swapdims_(2, 0), (y * 1).t_().contiguous().is_contiguous()]),
    # new values like self
    "new": ([A], lambda T, x: [x.new_zeros(2, 3), x.new_ones((2,)), x.new_full((2,), 3), x.new_empty(2).shape, x.new_tensor([1, 2]), T.tensor([1]).new_tensor([1.5]), T.tensor([1]).new_ones(2, dtype=T.float64), x.new_zeros(2, requires_grad=True).requires_grad, x.new_tensor(x).requires_grad]),
    # joins and searches (top level)
    "stacks": ([C, (2, 5), ()], lambda T, v, m, s: [T.hstack([v, v]), T.hstack((m, m)), T.vstack([v, m]), T.row_stack([v, v]), T.dstack([v, v]), T.dstack([m, m]), T.column_stack([v, m.T, v]), T.column_stack([s, s]), T.concat([m, m], 1), T.concat((v, v))]),
    "atleast": ([C, A, ()], lambda T, v, m, s: [T.atleast_1d(s), T.atleast_1d(v, s), T.atleast_2d(s), T.atleast_2d(v), T.atleast_2d([m, v]), T.atleast_3d(s), T.atleast_3d(v), T.atleast_3d(m), T.atleast_3d(m[None])]),
    "meshgrid": ([(3,), (2,), ()], lambda T, a, b, c: list(T.meshgrid(a, b, indexing="ij")) + list(T.meshgrid([a, b], indexing="xy")) + list(T.meshgrid(a, b, c, indexing="xy")) + list(T.meshgrid(a, indexing="ij"))),
    "cartesian_combinations": ([(3,), (2,)], lambda T, a, b: [T.cartesian_prod(a, b), T.cartesian_prod(a), T.cartesian_prod(a, b, a).shape, T.combinations(a), T.combinations(a, 3), T.combinations(b, with_replacement=True), T.combinations(a, 1), T.combinations(b, 3), T.combinations(a, 0)]),
    "block_diag": ([A, (2,), ()], lambda T, x, v, s: [T.block_diag(x, v, s), T.block_diag(v), T.block_diag(s, T.ones(2, 2, dtype=T.float64)), T.block_diag(T.ones(1, dtype=T.int64), T.ones(2, dtype=T.int64))]),
    "tril_triu_indices": ([], lambda T: [T.tril_indices(3, 4), T.tril_indices(4, 3, 1), T.triu_indices(3, 3, -1), T.triu_indices(2, 5, 2), T.tril_indices(0, 3), T.tril_indices(3, 3, dtype=T.int32)]),
    "searchsorted_bucketize": ([], lambda T: [T.searchsorted(T.tensor([1.0, 3.0, 5.0, 7.0]), T.tensor([[3.0, 6.0], [0.0, 9.0]])), T.searchsorted(T.tensor([1, 3, 5]), T.tensor([3, 5]), right=True), T.searchsorted(T.tensor([[1, 3], [2, 4]]), T.tensor([[3], [3]]), side="right"), T.searchsorted(T.tensor([1, 3]), 3), T.searchsorted(T.tensor([1, 3]), T.tensor([2]), out_int32=True), T.bucketize(T.tensor([[0.5, 3.0], [9.0, 1.0]]), T.tensor([1.0, 3.0, 5.0])), T.bucketize(T.tensor([1, 3, 6]), T.tensor([1, 3, 5]), right=True), T.searchsorted(T.tensor([5, 1, 3]), T.tensor([2, 4]), sorter=T.tensor([1, 2, 0]))]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_gradients(name):
    shapes, fn = CASES[name]
    run_case(fn, shapes)


def _reduce_case(reduce, include_self, self_data, src_data, index):
    def program(T):
        x, s = f64(T, self_data, requires_grad=True), f64(T, src_data, requires_grad=True)
        out = x.scatter_reduce(0, T.tensor(index), s, reduce, include_self=include_self)
        (out * f64(T, np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape)))).sum().backward()
        return [out, x.grad, s.grad]
    return program


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_values_and_gradients(reduce, include_self):
    x = np.array([[1.5, -2.0], [0.5, 3.0], [2.0, 2.0], [-1.0, 4.0]])
    src = np.array([[2.0, 3.0], [1.5, -2.0], [0.25, 3.0], [2.0, 4.0], [0.0, 1.0]])  # ties for amax/amin
    index = [[0, 1], [0, 1], [2, 1], [0, 0], [2, 1]]
    check(_reduce_case(reduce, include_self, x, src, index))


def test_scatter_reduce_integer_and_method_twins():
    def program(T):
        x = T.tensor([[4, 1], [2, 7]])
        s = T.tensor([[3, 8], [5, 2], [9, 0]])
        i = T.tensor([[0, 1], [0, 1], [1, 1]])
        return [x.scatter_reduce(0, i, s, r, include_self=b) for r in ("sum", "prod", "mean", "amax", "amin") for b in (True, False)] + [
            T.scatter_reduce(x, 0, i, s, "amax"), (x * 1).scatter_reduce_(0, i, s, "sum")]
    check(program)


def test_views_share_memory_and_versions():
    def program(T):
        x = T.zeros(3, 4, dtype=T.float64)
        x.narrow(1, 1, 2).fill_(1.0)
        x.select(0, 2).add_(2.0)
        x.diagonal().fill_(5.0)
        parts = x.split(2)
        parts[1].mul_(3.0)
        x.unbind(1)[3].sub_(1.0)
        y = T.ones(2, 3, dtype=T.float64)
        y.t_()
        y.unsqueeze_(0)
        z = x.flip(0)
        z.zero_()  # a copy: x keeps its numbers
        return [x, x._version > 0, y, y.shape, y._version]
    check(program)


def test_in_place_shape_change_in_a_graph():
    def program(T):
        w = f64(T, [[1.0, 2.0, 3.0]], requires_grad=True)
        h = w * 2
        h.squeeze_(0)
        h.unsqueeze_(1)
        h.t_()
        out = (h * h).sum()
        out.backward()
        return [h, w.grad, h.shape]
    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.ones(3).split(-1), ["split expects split_size be non-negative"]),
    (lambda T: T.ones(5).split([2, 2]), ["split_with_sizes expects split_sizes to sum exactly to 5"]),
    (lambda T: T.ones(3).chunk(0), ["chunk expects `chunks` to be greater than 0, got: 0"]),
    (lambda T: T.ones(3).tensor_split(0), ["number of sections must be larger than 0, got 0"]),
    (lambda T: T.ones(3, 3).hsplit(2), ["torch.hsplit attempted to split along dimension 1, but the size of the dimension 3 is not divisible by the split_size 2!"]),
    (lambda T: T.ones(3).vsplit(1), ["torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!"]),
    (lambda T: T.ones(3, 3).dsplit(1), ["torch.dsplit requires a tensor with at least 3 dimension"]),
    (lambda T: T.ones(2, 3).unbind(2), ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    (lambda T: T.ones(2, 6).unflatten(1, (4, -1)), ["unflatten: Provided sizes [4, -1] don't multiply up to the size of dim 1 (6)"]),
    (lambda T: T.ones(2, 3).repeat(2), ["Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"]),
    (lambda T: T.ones(2, 3).roll((1, 2), 0), ["shifts and dimensions must align. shifts: 2, dims:1"]),
    (lambda T: T.ones(2, 3).flip(0, 0), ["appears multiple times in the list of dims"]),
    (lambda T: T.ones(3).fliplr(), ["Input must be >= 2-d."]),
    (lambda T: T.ones(2, 3).rot90(1, [0, 0]), ["expected rotation dims to be different"]),
    (lambda T: T.ones(2, 3).rot90(1, [0, 1, 2]), ["expected total rotation dims == 2, but got dims = 3"]),
    (lambda T: T.ones(3).tril(), ["tril: input tensor must have at least 2 dimensions"]),
    (lambda T: T.ones(3).triu(), ["triu: input tensor must have at least 2 dimensions"]),
    (lambda T: T.ones(2, 3).movedim((0, 1), (0,)), ["movedim: Invalid source or destination dims"]),
    (lambda T: T.ones(2, 3).movedim((0, 0), (0, 1)), ["movedim: repeated dim in `source` ([0, 0])"]),
    (lambda T: T.broadcast_tensors(T.ones(2), T.ones(3)), ["must match the size of tensor b (3)"]),
    (lambda T: T.broadcast_shapes((2,), (3,)), ["Attempting to broadcast a dimension of length 3 at -1"]),
    (lambda T: T.ones(2, 2, 2).diag(), ["diag(): Supports 1D or 2D tensors. Got 3D"]),
    (lambda T: T.ones(2, 2).diagonal(0, 1, 1), ["diagonal dimensions cannot be identical 1, 1"]),
    (lambda T: T.meshgrid(T.ones(2, 2), indexing="ij"), ["torch.meshgrid: Expected 0D or 1D tensor in the tensor list"]),
    (lambda T: T.meshgrid(T.ones(2), indexing="ji"), ["indexing must be one of"]),
    (lambda T: T.ones(3).narrow(0, 2, 2), ["start (2) + length (2) exceeds dimension size (3)."]),
    (lambda T: T.ones(3).narrow(0, 5, 1), ["start out of range"]),
    (lambda T: T.ones(3).select(0, 3), ["select(): index 3 out of range for tensor of size [3] at dimension 0"]),
    (lambda T: T.ones(2, 3).take(T.tensor([6])), ["out of range: tried to access index 6 on a tensor of 6 elements."]),
    (lambda T: T.ones(2, 3).take_along_dim(T.tensor([0]), 1), ["input and indices should have the same number of dimensions"]),
    (lambda T: T.ones(2, 3).repeat_interleave(T.tensor([1, 2]), dim=1), ["repeats must have the same size as input along dim, but got repeats.size(0) = 2 and input.size(1) = 3"]),
    (lambda T: T.ones(2).repeat_interleave(T.tensor([-1, 2])), ["repeats can not be negative"]),
    (lambda T: T.ones(2, 3).masked_select(T.ones(2, 3)), ["masked_select: expected BoolTensor for mask"]),
    (lambda T: T.ones(2, 3).index_add(0, T.tensor([0]), T.ones(2, 3)), ["Number of indices (1) should be equal to source.size(dim): (2), for dim: 0"]),
    (lambda T: T.ones(2, 3, dtype=T.float64).index_add(0, T.tensor([0]), T.ones(1, 3, dtype=T.float32)), ["must have the same scalar type"]),
    (lambda T: T.ones(2, 3).index_add(0, T.tensor([[0]]), T.ones(1, 3)), ["Index is supposed to be a vector"]),
    (lambda T: T.ones(2, 3).index_copy(0, T.tensor([3]), T.ones(1, 3)), ["index_copy_(): index 3 is out of bounds for dimension 0 with size 2"]),
    (lambda T: T.ones(2, 3).index_fill(0, T.tensor([5]), 1.0), ["index 5 is out of bounds for dimension 0 with size 2"]),
    (lambda T: T.ones(2, 3).index_put((T.tensor([5]),), T.tensor(1.0)), ["index 5 is out of bounds for dimension 0 with size 2"]),
    (lambda T: T.ones(2, 3, dtype=T.float64).scatter(0, T.tensor([[0]]), T.ones(1, 1, dtype=T.float32)), ["scatter(): Expected self.dtype to be equal to src.dtype"]),
    (lambda T: T.ones(2, 3).scatter(0, T.tensor([[0]]), 1.0, reduce="foo"), ["reduce argument must be either add or multiply"]),
    (lambda T: T.ones(2, 3).scatter(0, T.tensor([[2]]), 1.0), ["index 2 is out of bounds for dimension 0 with size 2"]),
    (lambda T: T.ones(2, 3).scatter_reduce(0, T.tensor([[0]]), T.ones(1, 1), "foo"), ["reduce argument must be either sum, prod, mean, amax or amin"]),
    (lambda T: T.ones(2, 3).masked_scatter(T.ones(2, 3).bool(), T.ones(2)), ["Number of elements of source < number of ones in mask"]),
    (lambda T: T.ones(2, 3).put(T.tensor([7]), T.ones(1)), ["out of range: tried to access index 7 on a tensor of 6 elements."]),
    (lambda T: T.ones(2, 3).select_scatter(T.ones(2), 0, 0), ["expected src to have a size equal to the slice of self. src size = [2], slice size = [3]"]),
    (lambda T: T.ones(2, 3).slice_scatter(T.ones(2, 2), 1, 0, 1), ["expected src to have a size equal to the slice of self. src size = [2, 2], slice size = [2, 1]"]),
    (lambda T: T.ones(2, 3).diagonal_scatter(T.ones(3)), ["expected src to have a size equal to the slice of self. src size = [3], slice size = [2]"]),
    (lambda T: T.ones(2, 3).sum_to_size(3, 3), ["is not expandable to size"]),
    (lambda T: T.ones(2, 3).unfold(1, 4, 1), ["maximum size for tensor at dimension 1 is 3 but size is 4"]),
    (lambda T: T.ones(2, 3).unfold(1, 2, 0), ["step is 0 but must be > 0"]),
    (lambda T: T.ones(2, 3).unique(dim=3), ["Dimension out of range"]),
    (lambda T: T.ones(2, 1, requires_grad=True).squeeze_(), ["a leaf Variable that requires grad is being used in an in-place operation"]),
    (lambda T: T.ones(2, 3, 4).t_(), ["t_() expects a tensor with <= 2 dimensions, but self is 3D"]),
    (lambda T: T.combinations(T.ones(2, 2)), ["Expect a 1D vector, but got shape [2, 2]"]),
    (lambda T: T.block_diag(T.ones(1, 1, 1)), ["torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions"]),
    (lambda T: T.searchsorted(T.tensor([[1, 2]]), T.tensor([1, 2, 3])), ["boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match"]),
    (lambda T: T.bucketize(T.ones(2), T.ones(2, 2)), ["boundaries tensor must be 1 dimension, but got dim(2)"]),
    (lambda T: T.ones(3).fill_diagonal_(1.0), ["dimensions must larger than 1"]),
    (lambda T: T.ones(2, 3, 2).fill_diagonal_(1.0), ["all dimensions of input must be of equal length"]),
    (lambda T: T.ones(3).index_reduce(0, T.tensor([0]), T.ones(1), "sum"), ["index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got sum."]),
    (lambda T: T.unravel_index(T.tensor([1.0]), (2,)), ["expected 'indices' to be integer dtype"]),
    (lambda T: T.ones(2).new_zeros(-1), ["Trying to create tensor with negative dimension -1"]),
])
def test_errors(program, words):
    check_raises(program, *words)
