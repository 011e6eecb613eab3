# ruff: noqa: E501 - tables of PyTorch error messages read best one per line
"""Tensor breadth against PyTorch: constructors, creation rules, Size, type names, matrices,
sorting, indexing and comparisons (values, gradients, dtypes, error classes and wording)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import check, check_raises, f64  # noqa: E402


def test_legacy_constructors_dtypes_and_shapes():
    def program(T):
        return [T.FloatTensor(2, 3).shape == (2, 3), T.FloatTensor(2, 3).dtype, T.FloatTensor([1, 2]),
                T.DoubleTensor([1.5]), T.LongTensor([1.7, -2.7]), T.IntTensor((2,)), T.BoolTensor([1, 0]),
                T.Tensor(2, 3).shape == (2, 3), T.Tensor().shape == (0,),
                T.Tensor(T.Size([4, 1])).shape == (4, 1), isinstance(T.zeros(2), T.Tensor),
                T.FloatTensor(2).type(), T.DoubleTensor(2).type(), T.LongTensor(2).type(),
                T.IntTensor(2).type(), T.BoolTensor(2).type()]
    check(program)


def test_tensor_constructor_uses_the_default_dtype():
    # PyTorch's default is float32, ours float64 (docs/pytorch-differences.md): compare as float32
    tg.set_default_dtype(tg.float32)
    try:
        check(lambda T: [T.Tensor([1, 2]), T.Tensor(2, 2).dtype, T.Tensor(np.array([1, 2]))])
    finally:
        tg.set_default_dtype(tg.float64)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.Tensor(2.5), ["data must be a sequence"]),
    (lambda T: T.FloatTensor(2.5), ["data must be a sequence"]),
    (lambda T: T.Tensor(-1), ["negative dimension -1"]),
    (lambda T: T.FloatTensor([[1, 2], [3]]), []),
])
def test_constructor_errors(program, words):
    check_raises(program, *words)


def test_size_repr_and_numel():
    check(lambda T: [repr(T.zeros(2, 3).size()), repr(T.zeros(()).size()), T.zeros(2, 3).size().numel(),
                     T.zeros(4).size() == (4,), str(T.Size([2, 3])), T.Size([2, 3]).numel()])


def test_type_names_and_casts():
    def program(T):
        x = f64(T, [1.5, -2.0])
        return [x.type(), x.float().type(), x.type(T.float32), x.type("torch.LongTensor"),
                x.type(T.IntTensor), x.to(T.float32), x.long().type(), (x > 0).type()]
    check(program)


def test_default_device():
    check(lambda T: str(T.get_default_device()))


def test_creation_rules():
    def program(T):
        return [T.arange(5), T.arange(0, 1, 0.25, dtype=T.float64), T.arange(5.0).dtype == T.get_default_dtype(),
                T.arange(3, 0, -1), T.arange(1, 2.5, 0.5, dtype=T.float64),
                T.linspace(0, 1, 5, dtype=T.float64), T.linspace(-1.3, 2.9, 7, dtype=T.float64),
                T.linspace(2, 3, 1, dtype=T.float64), T.linspace(0, 1, 0, dtype=T.float64),
                T.eye(2, 3, dtype=T.float64), T.full((2,), 1), T.full((2,), True),
                T.full((2,), 1.5, dtype=T.float64), T.zeros_like(T.ones(2, dtype=T.int32)),
                T.empty_like(T.ones(2, dtype=T.int32)).dtype, T.randint(3, (2,), dtype=T.float64).dtype,
                T.randint_like(T.ones(2, dtype=T.float64), 5).dtype, T.randperm(4, dtype=T.float64).dtype,
                T.normal(T.zeros(2, dtype=T.float64), 1.0).dtype,
                T.normal(T.zeros(2, 1, dtype=T.float64), T.ones(3, dtype=T.float64)).shape == (2, 3),
                sorted(T.randperm(5).tolist())]
    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.arange(0, 5, 0), ["step must be nonzero"]),
    (lambda T: T.arange(0, 5, -1), ["upper bound and lower bound inconsistent with step sign"]),
    (lambda T: T.linspace(0, 1, -1), ["number of steps must be non-negative"]),
    (lambda T: T.eye(-1), ["n must be greater or equal to 0, got -1"]),
    (lambda T: T.randint(10, (3,), requires_grad=True), ["floating point"]),
    (lambda T: T.randint(5, 3, (2,)), ["random_ expects 'from' to be less than 'to'"]),
    (lambda T: T.randperm(4, requires_grad=True), ["floating point"]),
    (lambda T: T.rand_like(T.ones(2, dtype=T.int64)), []),
    (lambda T: T.normal(0.0, 1.0), []),
    (lambda T: T.normal(0.0, -1.0, (2,)), ["normal expects std >= 0.0, but found std -1"]),
    (lambda T: T.normal(T.zeros(2), -T.ones(2)), ["normal expects all elements of std >= 0.0"]),
    (lambda T: T.normal(T.zeros(2), T.ones(3)), ["must match the size of tensor b (3)"]),
    (lambda T: T.ones(2).normal_(0, -1), ["normal expects std >= 0.0"]),
    (lambda T: T.ones(2).uniform_(2, 1), ["uniform_ expects to return a [from, to) range"]),
    (lambda T: T.ones(2, requires_grad=True).normal_(), ["a leaf Variable that requires grad"]),
    (lambda T: T.ones(2, dtype=T.int64).normal_(), []),
    (lambda T: T.ones(2).clamp_(), ["At least one of 'min' or 'max' must not be None"]),
])
def test_creation_errors(program, words):
    check_raises(program, *words)


def test_in_place_clamp():
    check(lambda T: f64(T, [-3.0, 0.5, 3.0]).clamp_(-1, 1))


def _grads(*xs):
    return [x.grad for x in xs]


def test_matrix_products_values_and_grads():
    rng = np.random.default_rng(0)
    a, b, c, v = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=3)
    ba, bb = rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 3, 4))

    def program(T):
        A, B, C, V = (f64(T, x, requires_grad=True) for x in (a, b, c, v))
        BA, BB = f64(T, ba, requires_grad=True), f64(T, bb, requires_grad=True)
        outs = [T.mm(A, B), A.mm(B), T.mv(A, V), T.dot(V, V), T.outer(V, C), T.bmm(BA, BB),
                T.addmm(C, A, B, beta=0.5, alpha=-2.0), A.addmm(A, B[:, :3]), T.addmm(C, A, B, beta=0)]
        sum(o.sum() * (i + 1) for i, o in enumerate(outs)).backward()
        return outs + _grads(A, B, C, V, BA, BB)

    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.mm(T.ones(3), T.ones(2, 3)), ["self must be a matrix"]),
    (lambda T: T.mm(T.ones(2, 3), T.ones(3)), ["mat2 must be a matrix"]),
    (lambda T: T.mm(T.ones(2, 3), T.ones(2, 3)), ["mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"]),
    (lambda T: T.bmm(T.ones(2, 3), T.ones(2, 3)), ["batch1 must be a 3D tensor"]),
    (lambda T: T.bmm(T.ones(2, 2, 3), T.ones(2, 3)), ["batch2 must be a 3D tensor"]),
    (lambda T: T.bmm(T.ones(2, 2, 3), T.ones(3, 3, 5)),
     ["Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3]."]),
    (lambda T: T.mv(T.ones(2, 3), T.ones(4)), ["size mismatch, got input (2), mat (2x3), vec (4)"]),
    (lambda T: T.mv(T.ones(3), T.ones(3)), ["vector + matrix @ vector expected, got 1, 1, 1"]),
    (lambda T: T.dot(T.ones(2, 3), T.ones(3)), ["1D tensors expected, but got 2D and 1D tensors"]),
    (lambda T: T.dot(T.ones(3), T.ones(4)),
     ["inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements"]),
    (lambda T: T.outer(T.ones(2, 3), T.ones(3)), ["outer: Expected 1-D argument self, but got 2-D"]),
    (lambda T: T.outer(T.ones(3), T.ones(2, 3)), ["outer: Expected 1-D argument vec2, but got 2-D"]),
    (lambda T: T.addmm(T.ones(3, 3), T.ones(2, 3), T.ones(3, 2)),
     ["The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 1",
      "Target sizes: [2, 2].  Tensor sizes: [3, 3]"]),
    (lambda T: T.addmm(T.ones(3), T.ones(2, 3), T.ones(3, 2)), ["Tensor sizes: [3]"]),
])
def test_matrix_errors(program, words):
    check_raises(program, *words)


def test_sort_topk_values_indices_and_grads():
    x = np.random.default_rng(1).permutation(24).reshape(2, 3, 4) / 7.0  # distinct: no ties

    def program(T):
        X = f64(T, x, requires_grad=True)
        s = X.sort(dim=1, descending=True)
        s2 = T.sort(X, dim=-1)
        t = X.topk(2)
        t2 = T.topk(X, 3, dim=0 - 3 + 1, largest=False)
        w = [f64(T, np.arange(r.values.numel()).reshape(tuple(r.values.shape)) + 1.0) for r in (s, s2, t, t2)]
        sum((r.values * wi).sum() for r, wi in zip((s, s2, t, t2), w)).backward()
        return [s.values, s.indices, s2.values, s2.indices, t.values, t.indices, t2.values, t2.indices,
                X.grad, type(t).__name__, type(s).__name__, T.argsort(X.detach(), dim=1),
                T.argmax(X.detach()), T.argmin(X.detach(), dim=1, keepdim=True)]

    check(program)


def test_stable_sort_with_ties_and_zero_d():
    check(lambda T: [T.sort(f64(T, [3.0, 1.0, 2.0, 1.0, 3.0]), stable=True),
                     T.sort(f64(T, [3.0, 1.0, 2.0, 1.0, 3.0]), descending=True, stable=True),
                     f64(T, 2.0).sort(), f64(T, 2.0).topk(1), f64(T, [1.0, 2.0]).topk(0)])


@pytest.mark.parametrize("program,words", [
    (lambda T: T.ones(4).topk(5), ["selected index k out of range"]),
    (lambda T: T.ones(4).topk(2, dim=1), ["Dimension out of range (expected to be in range of [-1, 0], but got 1)"]),
    (lambda T: T.ones(2, 3).sort(dim=2), ["Dimension out of range"]),
])
def test_sort_errors(program, words):
    check_raises(program, *words)


def test_gather_scatter_add_index_select_masked_fill():
    x = np.arange(12.0).reshape(3, 4) / 3.0

    def program(T):
        X = f64(T, x, requires_grad=True)
        S = f64(T, np.ones((2, 4)) * 0.5, requires_grad=True)
        idx = T.tensor([[2, 0, 2, 1], [0, 0, 1, 2]])
        outs = [X.gather(0, idx), T.gather(X, 1, T.tensor([[3, 3], [0, 1], [2, 2]])),
                X.scatter_add(0, idx, S), T.scatter_add(X, 1, T.tensor([[1, 1, 0]]), S[:1, :3]),  # PyTorch cannot differentiate a larger src
                X.index_select(1, T.tensor([3, 0, 3])), T.index_select(X, 0, T.tensor(1)),
                X.masked_fill(X.detach() > 2, -1.0), T.masked_fill(X, T.tensor([True, False, False, True]), 7),
                T.ones(3, dtype=T.int64).masked_fill(T.tensor([True, False, True]), 2.7),
                T.ones(3, dtype=T.float64).masked_fill(T.ones(2, 3).bool(), 2.0)]
        sum(o.sum() * (i + 1) for i, o in enumerate(outs[:8])).backward()
        return outs + [X.grad, S.grad]

    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: T.ones(2, 3).gather(1, T.tensor([[0.0, 1.0]])), ["gather(): Expected dtype int32/int64 for index"]),
    (lambda T: T.ones(2, 3).gather(1, T.tensor([0, 1])),
     ["Index tensor must have the same number of dimensions as input tensor"]),
    (lambda T: T.ones(2, 3).gather(1, T.tensor([[0, 5]])), ["index 5 is out of bounds for dimension 1 with size 3"]),
    (lambda T: T.ones(2, 3).gather(1, T.tensor([[0, -1]])), ["index -1 is out of bounds for dimension 1 with size 3"]),
    (lambda T: T.ones(2, 3).gather(1, T.tensor([[0, 1]] * 3)),
     ["Size does not match at dimension 0 expected index [3, 2] to be no larger than self [2, 3] apart from dimension 1"]),
    (lambda T: T.ones(2, 3).gather(3, T.tensor([[0]])), ["Dimension out of range"]),
    (lambda T: T.ones(2, 3).scatter_add(1, T.tensor([[0, 5]]), T.ones(2, 3)), ["index 5 is out of bounds"]),
    (lambda T: T.ones(2, 3).scatter_add(1, T.tensor([[0, 1], [1, 0]]), T.ones(1, 1)),
     ["Expected index [2, 2] to be no larger than self [2, 3] apart from dimension 1 and to be no larger size than src [1, 1]"]),
    (lambda T: T.ones(2, 3, dtype=T.float64).scatter_add(1, T.tensor([[0]]), T.ones(2, 3, dtype=T.float32)),
     ["scatter(): Expected self.dtype to be equal to src.dtype"]),
    (lambda T: T.ones(2, 3).index_select(1, T.tensor([[0]])), ["index_select(): Index is supposed to be a vector"]),
    (lambda T: T.ones(2, 3).index_select(1, T.tensor([5])), ["INDICES element is out of DATA bounds, id=5 axis_dim=3"]),
    (lambda T: T.ones(2, 3).index_select(1, T.tensor([0.0])), ["index_select(): Expected dtype int32 or int64 for index"]),
    (lambda T: T.ones(2, 3).masked_fill(T.tensor([1, 0, 1]), 2.0), ["masked_fill_ only supports boolean masks"]),
    (lambda T: T.ones(2, 3).masked_fill(T.ones(3, 3).bool(), 2.0),
     ["The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"]),
    (lambda T: T.ones(2, 3).masked_fill(T.tensor([True, False, True]), T.ones(2)),
     ["masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)."]),
])
def test_indexing_errors(program, words):
    check_raises(program, *words)


def test_comparisons():
    def program(T):
        x, y = f64(T, [1.0, 2.0, 3.0, np.nan]), f64(T, [1.0, 2.5, 3.0 + 1e-9, np.nan])
        mask = x > 1.5
        return [T.eq(x, y), T.ne(x, y), T.lt(x, 2), T.le(x, 2), T.gt(x, y), T.ge(x, y), x.eq(y), x.ge(2),
                mask.sum(), mask.float(), mask.float().mean(), mask[1].item(), T.all(mask), T.any(mask),
                T.all(T.tensor([[1, 0], [1, 1]]), dim=1), T.any(T.tensor([[1, 0], [0, 0]]), dim=0, keepdim=True),
                T.all(f64(T, [[1.0, 0.0]]), dim=-1, keepdim=True), x.all(), x.any(),
                T.equal(x, x), T.equal(y[:3], y[:3].clone()), T.equal(x, x[:3]), T.equal(x[:3], y[:3]),
                T.isclose(x, y), T.isclose(x, y, equal_nan=True), x.isclose(y, rtol=0, atol=1e-12),
                T.allclose(x[:3], y[:3]), T.allclose(x, y, equal_nan=True), x[:3].allclose(y[:3], rtol=0, atol=0)]

    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: (T.ones(2) > 0).mean(), ["mean(): could not infer output dtype"]),
    (lambda T: T.isclose(T.ones(2), T.ones(3)), ["The size of tensor a (2) must match the size of tensor b (3)"]),
    (lambda T: T.allclose(T.ones(2), T.ones(3)), ["must match the size"]),
])
def test_comparison_errors(program, words):
    check_raises(program, *words)
