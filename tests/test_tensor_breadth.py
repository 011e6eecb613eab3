"""Tensor breadth: legacy constructors, creation rules, Size, type names, indexing, sorting,
comparisons and matrix functions. Expected numbers are written out or computed in numpy here."""

import numpy as np
import pytest

import tinygrad_edu as tg


# ---------------------------------------------------------------------- constructors
def test_tensor_class_constructs_like_pytorch_and_is_the_class_of_every_value():
    a = tg.Tensor(2, 3)
    assert a.shape == (2, 3) and a.dtype == np.float64 and not np.any(a.numpy())
    b = tg.Tensor([1, 2])
    assert b.dtype == tg.get_default_dtype() and b.tolist() == [1.0, 2.0]
    assert tg.Tensor().shape == (0,)
    assert tg.Tensor(tg.Size([4, 1])).shape == (4, 1)
    assert isinstance(tg.tensor(1.0), tg.Tensor) and isinstance(tg.nn.Parameter(tg.zeros(2)), tg.Tensor)
    assert not isinstance(np.zeros(2), tg.Tensor)
    w = tg.Tensor([1.0, 2.0], requires_grad=True)  # accepted here (PyTorch refuses the keyword)
    (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="must be a sequence"):
        tg.Tensor(2.5)
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        tg.Tensor(-1)


def test_legacy_typed_constructors():
    assert tg.FloatTensor(2, 3).dtype == np.float32 and tg.FloatTensor(2, 3).shape == (2, 3)
    assert tg.FloatTensor([1, 2]).dtype == np.float32
    assert tg.DoubleTensor([1]).dtype == np.float64
    assert tg.LongTensor([1.7, -2.7]).tolist() == [1, -2]  # truncated, as a C cast
    assert tg.IntTensor((2,)).tolist() == [2] and tg.IntTensor((2,)).dtype == np.int32
    assert tg.BoolTensor([1, 0]).tolist() == [True, False]
    with pytest.raises(TypeError, match="expected int64"):
        tg.LongTensor(tg.tensor([1.0]))


def test_size_repr_numel_and_type_names():
    s = tg.zeros(2, 3).size()
    assert repr(s) == "torch.Size([2, 3])" and s == (2, 3) and s.numel() == 6
    assert repr(tg.tensor(1.0).size()) == "torch.Size([])" and tg.tensor(1.0).size().numel() == 1
    assert tg.zeros(2).float().type() == "torch.FloatTensor"
    assert tg.zeros(2).type() == "torch.DoubleTensor"
    assert tg.arange(3).type() == "torch.LongTensor"
    assert tg.zeros(2).type("torch.IntTensor").dtype == np.int32
    assert tg.zeros(2).type(tg.LongTensor).dtype == np.int64
    assert tg.zeros(2).type(tg.float32).dtype == np.float32


def test_default_device():
    assert str(tg.get_default_device()) == "cpu"
    tg.set_default_device("cpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.set_default_device("cuda")


# ---------------------------------------------------------------------- creation
def test_arange_dtypes_values_and_errors():
    assert tg.arange(5).dtype == np.int64 and tg.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert tg.arange(5.0).dtype == tg.get_default_dtype()
    assert tg.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert tg.arange(3, 0, -1).tolist() == [3, 2, 1]
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        tg.arange(0, 5, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        tg.arange(0, 5, -1)


def test_linspace_eye_full():
    assert tg.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert tg.linspace(2, 3, 1).tolist() == [2.0] and tg.linspace(0, 1, 0).shape == (0,)
    # the second half counts down from end: the last element is end exactly
    assert tg.linspace(0.1, 0.7, 7).tolist()[-1] == 0.7
    assert tg.eye(2, 3).tolist() == [[1, 0, 0], [0, 1, 0]]
    with pytest.raises(RuntimeError, match="n must be greater or equal to 0"):
        tg.eye(-1)
    assert tg.full((2,), 1).dtype == np.int64 and tg.full((2,), True).dtype == np.bool_
    assert tg.full((2,), 1.5).tolist() == [1.5, 1.5]


def test_like_family_keeps_shape_and_dtype():
    x = tg.ones(2, 3, dtype=tg.float32)
    for f in (tg.zeros_like, tg.ones_like, tg.empty_like, tg.rand_like, tg.randn_like):
        y = f(x)
        assert y.shape == (2, 3) and y.dtype == np.float32
    assert tg.full_like(x, 7).tolist() == [[7.0] * 3] * 2
    r = tg.randint_like(x, 3, 5)
    assert r.dtype == np.float32 and set(np.unique(r.numpy())) <= {3.0, 4.0}
    with pytest.raises(NotImplementedError):
        tg.rand_like(tg.arange(3))


def test_random_creation_is_reproducible_and_checked():
    tg.manual_seed(5)
    a = [tg.rand(3), tg.randn(3), tg.randint(0, 10, (3,)), tg.randperm(4), tg.normal(1.0, 2.0, (3,))]
    tg.manual_seed(5)
    b = [tg.rand(3), tg.randn(3), tg.randint(0, 10, (3,)), tg.randperm(4), tg.normal(1.0, 2.0, (3,))]
    for x, y in zip(a, b):
        assert x.tolist() == y.tolist()
    g1, g2 = tg.Generator(3), tg.Generator(3)
    assert tg.randperm(6, generator=g1).tolist() == tg.randperm(6, generator=g2).tolist()
    assert sorted(tg.randperm(6).tolist()) == list(range(6))
    assert tg.randperm(4, dtype=tg.float32).dtype == np.float32
    with pytest.raises(RuntimeError, match="floating point"):
        tg.randint(10, (3,), requires_grad=True)
    with pytest.raises(RuntimeError, match="'from' to be less than 'to'"):
        tg.randint(5, 3, (2,))


def test_normal_with_values_broadcasts_and_follows_the_generator():
    mean, std = tg.zeros(2, 1, dtype=tg.float32), tg.full((3,), 2.0)
    out = tg.normal(mean, std, generator=tg.Generator(1))
    expected = 0.0 + 2.0 * np.random.default_rng(1).standard_normal((2, 3))
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert tg.normal(tg.zeros(2, dtype=tg.float32), 1.0).dtype == np.float32
    with pytest.raises(TypeError, match="size="):
        tg.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        tg.normal(0.0, -1.0, (2,))
    with pytest.raises(RuntimeError, match="must match the size"):
        tg.normal(tg.zeros(2), tg.ones(3))


def test_inplace_initialisers():
    x = tg.zeros(1000)
    x.normal_(3.0, 0.5, generator=tg.Generator(0))
    np.testing.assert_allclose(x.numpy(), 3.0 + 0.5 * np.random.default_rng(0).standard_normal(1000))
    x.uniform_(-2.0, -1.0)
    assert x.numpy().min() >= -2.0 and x.numpy().max() < -1.0 and x._version == 2
    assert tg.tensor([-3.0, 0.5, 3.0]).clamp_(-1, 1).tolist() == [-1.0, 0.5, 1.0]
    w = tg.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.normal_()
    with tg.no_grad():
        w.normal_()
    with pytest.raises(NotImplementedError):
        tg.arange(3).normal_()
    with pytest.raises(RuntimeError, match=r"\[from, to\) range"):
        tg.zeros(2).uniform_(2, 1)


# ---------------------------------------------------------------------- linear algebra
def test_matrix_products_values_and_gradients():
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 1.0]])
    A, B = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    out = tg.mm(A, B)
    assert out.tolist() == [[-4.0, 6.0], [-5.5, 12.0]]  # by hand: row . column
    out.sum().backward()
    np.testing.assert_array_equal(A.grad.numpy(), np.ones((2, 2)) @ b.T)
    np.testing.assert_array_equal(B.grad.numpy(), a.T @ np.ones((2, 2)))
    assert tg.mv(tg.tensor(a), tg.tensor([1.0, 0.0, -1.0])).tolist() == [-2.0, -2.0]
    assert tg.dot(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])).item() == 11.0
    assert tg.outer(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0, 5.0])).tolist() == [[3, 4, 5], [6, 8, 10]]
    batch = tg.bmm(tg.tensor(np.stack([a, 2 * a])), tg.tensor(np.stack([b, b])))
    assert batch.tolist() == [[[-4.0, 6.0], [-5.5, 12.0]], [[-8.0, 12.0], [-11.0, 24.0]]]
    C = tg.tensor([10.0, 20.0], requires_grad=True)
    r = tg.addmm(C, A, B, beta=0.5, alpha=2.0)
    assert r.tolist() == [[-3.0, 22.0], [-6.0, 34.0]]
    C.grad = None
    r.sum().backward()
    assert C.grad.tolist() == [1.0, 1.0]  # beta * (sum over the two rows)
    nan = tg.tensor([[np.nan, np.nan], [np.nan, np.nan]])
    assert not np.isnan(tg.addmm(nan, A.detach(), B.detach(), beta=0).numpy()).any()


@pytest.mark.parametrize("call,words", [
    (lambda: tg.mm(tg.ones(3), tg.ones(3, 2)), "self must be a matrix"),
    (lambda: tg.mm(tg.ones(2, 3), tg.ones(2, 3)), "cannot be multiplied (2x3 and 2x3)"),
    (lambda: tg.bmm(tg.ones(2, 3), tg.ones(2, 3)), "batch1 must be a 3D tensor"),
    (lambda: tg.bmm(tg.ones(2, 2, 3), tg.ones(2, 4, 5)), "to be: [2, 3] but got: [2, 4]"),
    (lambda: tg.mv(tg.ones(2, 3), tg.ones(4)), "size mismatch, got input (2), mat (2x3), vec (4)"),
    (lambda: tg.dot(tg.ones(2, 3), tg.ones(3)), "1D tensors expected, but got 2D and 1D tensors"),
    (lambda: tg.dot(tg.ones(3), tg.ones(4)), "inconsistent tensor size"),
    (lambda: tg.outer(tg.ones(2, 3), tg.ones(3)), "outer: Expected 1-D argument self, but got 2-D"),
    (lambda: tg.addmm(tg.ones(3), tg.ones(2, 3), tg.ones(3, 2)), "Target sizes: [2, 2]"),
])
def test_matrix_errors(call, words):
    with pytest.raises(RuntimeError) as info:
        call()
    assert words in str(info.value)


# ---------------------------------------------------------------------- sorting and indexing
def test_sort_topk_argsort_and_their_gradients():
    x = tg.tensor([[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 4.0]], requires_grad=True)
    values, indices = x.sort(dim=1, descending=True)
    assert values.tolist() == [[3, 2, 1, 1], [5, 4, 0, -1]]
    assert indices.tolist() == [[0, 2, 1, 3], [2, 3, 0, 1]]  # ties keep their order
    assert tg.sort(x.detach()).indices.tolist() == [[1, 3, 2, 0], [1, 0, 3, 2]]
    assert tg.argsort(x.detach(), dim=0).tolist() == [[1, 1, 0, 0], [0, 0, 1, 1]]
    top = tg.topk(x, 2)
    assert type(top).__name__ == "topk" and top.values.tolist() == [[3, 2], [5, 4]]
    (top.values * tg.tensor([[10.0, 1.0], [100.0, 7.0]])).sum().backward()
    assert x.grad.tolist() == [[10, 0, 1, 0], [0, 0, 100, 7]]
    assert x.detach().topk(1, largest=False).indices.tolist() == [[1], [1]]
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(5)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.sort(dim=2)
    zero_d = tg.tensor(2.0).sort()
    assert zero_d.values.item() == 2.0 and zero_d.indices.item() == 0


def test_gather_scatter_add_index_select_masked_fill():
    x = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    index = tg.tensor([[2, 2], [0, 1]])
    g = x.gather(1, index)
    assert g.tolist() == [[3.0, 3.0], [4.0, 5.0]]
    g.sum().backward()
    assert x.grad.tolist() == [[0, 0, 2], [1, 1, 0]]  # the repeated index adds twice
    src = tg.tensor([[10.0, 20.0, 30.0]], requires_grad=True)
    base = tg.zeros(2, 3, requires_grad=True)
    s = base.scatter_add(0, tg.tensor([[1, 0, 1]]), src)
    assert s.tolist() == [[0, 20, 0], [10, 0, 30]]
    (s * tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    assert src.grad.tolist() == [[4.0, 2.0, 6.0]] and base.grad.tolist() == [[1, 2, 3], [4, 5, 6]]
    sel = tg.index_select(x, 1, tg.tensor([2, 0, 2]))
    assert sel.tolist() == [[3, 1, 3], [6, 4, 6]]
    m = tg.masked_fill(x, x.detach() > 2.5, -1.0)
    assert m.tolist() == [[1, 2, -1], [-1, -1, -1]]
    x.grad = None
    m.sum().backward()
    assert x.grad.tolist() == [[1, 1, 0], [0, 0, 0]]
    assert tg.ones(3, dtype=tg.int64).masked_fill(tg.tensor([True, False, True]), 2.7).tolist() == [2, 1, 2]


@pytest.mark.parametrize("call,kind,words", [
    (lambda x: x.gather(1, tg.tensor([[0.0]])), RuntimeError, "Expected dtype int32/int64"),
    (lambda x: x.gather(1, tg.tensor([0, 1])), RuntimeError, "same number of dimensions"),
    (lambda x: x.gather(1, tg.tensor([[0, 5]])), RuntimeError, "index 5 is out of bounds for dimension 1"),
    (lambda x: x.gather(1, tg.tensor([[0, 1]] * 3)), RuntimeError, "Size does not match at dimension 0"),
    (lambda x: x.gather(3, tg.tensor([[0]])), IndexError, "Dimension out of range"),
    (lambda x: x.scatter_add(1, tg.tensor([[0]]), x.float()), RuntimeError, "self.dtype to be equal"),
    (lambda x: x.scatter_add(1, tg.tensor([[0, 1]]), tg.ones(1, 1)), RuntimeError, "no larger size than src"),
    (lambda x: x.index_select(1, tg.tensor([[0]])), IndexError, "supposed to be a vector"),
    (lambda x: x.index_select(1, tg.tensor([5])), RuntimeError, "out of DATA bounds"),
    (lambda x: x.masked_fill(tg.tensor([1, 0, 1]), 2.0), RuntimeError, "only supports boolean masks"),
    (lambda x: x.masked_fill(tg.ones(3, 3) > 0, 2.0), RuntimeError, "must match the size"),
    (lambda x: x.masked_fill(x > 0, tg.ones(2)), RuntimeError, "0-dimensional value tensor"),
])
def test_indexing_errors(call, kind, words):
    x = tg.ones(2, 3)
    with pytest.raises(kind) as info:
        call(x)
    assert words in str(info.value)


# ---------------------------------------------------------------------- comparisons
def test_comparisons_return_bool_values_that_reduce():
    x = tg.tensor([1.0, 2.0, 3.0, 4.0])
    for f, expected in [(tg.eq, [0, 1, 0, 0]), (tg.ne, [1, 0, 1, 1]), (tg.lt, [1, 0, 0, 0]),
                        (tg.le, [1, 1, 0, 0]), (tg.gt, [0, 0, 1, 1]), (tg.ge, [0, 1, 1, 1])]:
        out = f(x, 2.0)
        assert out.dtype == np.bool_ and out.tolist() == [bool(e) for e in expected]
    mask = x > 1.5
    assert mask.sum().item() == 3 and mask.sum().dtype == np.int64
    assert mask.float().mean().item() == 0.75 and mask.float().dtype == np.float32
    assert (x > 3.5)[3].item() is True
    with pytest.raises(RuntimeError, match="mean"):
        mask.mean()
    assert tg.all(mask).item() is False and tg.any(mask).item() is True
    assert tg.all(tg.tensor([[1, 0], [1, 1]]), dim=1).tolist() == [False, True]
    assert tg.any(tg.tensor([[1, 0], [0, 0]]), dim=0, keepdim=True).tolist() == [[True, False]]
    assert tg.equal(x, x.clone()) is True and tg.equal(x, x[:3]) is False
    assert tg.isclose(x, x + 1e-9).tolist() == [True] * 4
    assert tg.allclose(x, x * (1 + 1e-3)) is False and tg.allclose(x, x * (1 + 1e-6)) is True
    with pytest.raises(RuntimeError, match="must match the size"):
        tg.isclose(tg.ones(2), tg.ones(3))


def test_argmax_argmin_dim_keepdim():
    x = tg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    assert tg.argmax(x).item() == 3 and tg.argmin(x).item() == 4
    assert tg.argmax(x, dim=1).tolist() == [1, 0]
    assert tg.argmin(x, dim=0, keepdim=True).tolist() == [[0, 1, 0]]
