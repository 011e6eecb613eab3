"""Random sampling: reproducibility under a seed, generators as separate streams and their state,
the distributions' moments and supports (checked on large seeded samples against numpy and hand
formulas), multinomial with and without replacement, the in-place fills and their errors."""

import numpy as np
import pytest

import tinygrad_edu as tg

N = 20000  # samples for the moment checks: a few standard errors of slack at this size


def _np(v):
    return np.asarray(v.detach().numpy())


DRAWS = {
    "rand": lambda g: tg.rand(3, 4, generator=g),
    "randn": lambda g: tg.randn(size=(5,), generator=g),
    "randint": lambda g: tg.randint(0, 10, (6,), generator=g),
    "randperm": lambda g: tg.randperm(7, generator=g),
    "normal": lambda g: tg.normal(0.0, 2.0, size=(4,), generator=g),
    "normal_t": lambda g: tg.normal(tg.zeros(3), tg.ones(3), generator=g),
    "rand_like": lambda g: tg.rand_like(tg.zeros(3), generator=g),
    "randn_like": lambda g: tg.randn_like(tg.zeros(3), generator=g),
    "randint_like": lambda g: tg.randint_like(tg.zeros(3), 9, generator=g),
    "poisson": lambda g: tg.poisson(tg.full((4,), 3.0), generator=g),
    "binomial": lambda g: tg.binomial(tg.full((4,), 10.0), tg.full((4,), 0.3), generator=g),
    "bernoulli": lambda g: tg.bernoulli(tg.full((5,), 0.5), generator=g),
    "multinomial": lambda g: tg.multinomial(tg.tensor([1.0, 2.0, 3.0, 4.0]), 3, generator=g),
    "multinomial_r": lambda g: tg.multinomial(tg.tensor([[1.0, 2.0], [3.0, 1.0]]), 5, True, generator=g),
    "normal_": lambda g: tg.zeros(4).normal_(generator=g),
    "uniform_": lambda g: tg.zeros(4).uniform_(-1, 1, generator=g),
    "exponential_": lambda g: tg.zeros(4).exponential_(generator=g),
    "geometric_": lambda g: tg.zeros(4).geometric_(0.3, generator=g),
    "log_normal_": lambda g: tg.zeros(4).log_normal_(generator=g),
    "cauchy_": lambda g: tg.zeros(4).cauchy_(generator=g),
    "random_": lambda g: tg.zeros(4).random_(generator=g),
    "bernoulli_": lambda g: tg.zeros(4).bernoulli_(0.5, generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_same_seed_same_numbers_globally_and_per_generator(name):
    draw = DRAWS[name]
    tg.manual_seed(11)
    a = _np(draw(None))
    tg.manual_seed(11)
    b = _np(draw(None))
    np.testing.assert_array_equal(a, b)
    c, d = _np(draw(tg.Generator().manual_seed(5))), _np(draw(tg.Generator(5)))
    np.testing.assert_array_equal(c, d)


def test_a_generator_leaves_the_global_stream_alone():
    tg.manual_seed(3)
    expected = _np(tg.rand(5))
    tg.manual_seed(3)
    g = tg.Generator().manual_seed(0)
    for draw in DRAWS.values():
        draw(g)
    np.testing.assert_array_equal(_np(tg.rand(5)), expected)


def test_state_round_trips():
    tg.manual_seed(1)
    tg.rand(3)  # a position in the middle of the stream
    s = tg.get_rng_state()
    assert s.dtype == np.uint8 and s.shape == (45,)
    a = _np(tg.randn(4))
    tg.set_rng_state(s)
    np.testing.assert_array_equal(_np(tg.randn(4)), a)
    assert tg.initial_seed() == 1
    g = tg.Generator(8)
    st = g.get_state()
    b = _np(tg.rand(2, generator=g))
    assert g.set_state(st) is g
    np.testing.assert_array_equal(_np(tg.rand(2, generator=g)), b)
    with pytest.raises(TypeError, match="ByteTensor"):
        tg.set_rng_state(tg.zeros(45))
    with pytest.raises(RuntimeError, match="45 bytes"):
        g.set_state(tg.zeros(3, dtype=tg.uint8))


def test_seeds():
    assert tg.Generator().initial_seed() == 67280421310721  # PyTorch's default seed
    assert tg.Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    assert tg.manual_seed(2.9).initial_seed() == 2
    s = tg.seed()
    assert isinstance(s, int) and tg.initial_seed() == s
    with pytest.raises(ValueError, match="Overflow"):
        tg.manual_seed(2**64)
    with pytest.raises(TypeError, match="generator"):
        tg.rand(2, generator=3)
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.Generator(device="cuda")
    assert str(tg.Generator().device) == "cpu"


@pytest.mark.parametrize("name,make,mean,var", [
    ("rand", lambda g: tg.rand(N, generator=g), 0.5, 1 / 12),
    ("randn", lambda g: tg.randn(N, generator=g), 0.0, 1.0),
    ("normal", lambda g: tg.normal(2.0, 3.0, (N,), generator=g), 2.0, 9.0),
    ("uniform_", lambda g: tg.zeros(N).uniform_(-2, 4, generator=g), 1.0, 3.0),
    ("normal_", lambda g: tg.zeros(N).normal_(1.0, 0.5, generator=g), 1.0, 0.25),
    ("exponential_", lambda g: tg.zeros(N).exponential_(4.0, generator=g), 0.25, 1 / 16),
    ("geometric_", lambda g: tg.zeros(N).geometric_(0.25, generator=g), 4.0, 0.75 / 0.25**2),
    ("log_normal_", lambda g: tg.zeros(N).log_normal_(0.0, 0.5, generator=g), np.exp(0.125),
     (np.exp(0.25) - 1) * np.exp(0.25)),
    ("poisson", lambda g: tg.poisson(tg.full((N,), 3.0), generator=g), 3.0, 3.0),
    ("binomial", lambda g: tg.binomial(tg.full((N,), 10.0), tg.full((N,), 0.3), generator=g), 3.0, 2.1),
    ("bernoulli", lambda g: tg.bernoulli(tg.full((N,), 0.3), generator=g), 0.3, 0.21),
    ("bernoulli_", lambda g: tg.zeros(N).bernoulli_(0.7, generator=g), 0.7, 0.21),
    ("randint", lambda g: tg.randint(-3, 5, (N,), generator=g), 0.5, (8**2 - 1) / 12),
    ("random_", lambda g: tg.zeros(N).random_(2, 6, generator=g), 3.5, (4**2 - 1) / 12),
])
def test_moments(name, make, mean, var):
    x = _np(make(tg.Generator(2024))).astype(np.float64)
    se = np.sqrt(var / N)
    assert abs(x.mean() - mean) < 5 * se, (name, x.mean(), mean)
    assert abs(x.var() - var) < 0.1 * var, (name, x.var(), var)


def test_cauchy_median_and_quartiles():
    x = _np(tg.zeros(N).cauchy_(1.0, 2.0, generator=tg.Generator(0)))
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    assert abs(med - 1.0) < 0.1 and abs(q1 - -1.0) < 0.15 and abs(q3 - 3.0) < 0.15


def test_supports_and_dtypes():
    g = tg.Generator(1)
    assert tg.rand(100, dtype=tg.float32, generator=g).dtype == np.float32
    assert set(np.unique(_np(tg.randint(3, 6, (200,), generator=g)))) == {3, 4, 5}
    assert tg.randint(0, 5, (3,), dtype=tg.int8).dtype == np.int8
    assert sorted(_np(tg.randperm(9, generator=g)).tolist()) == list(range(9))
    assert tg.randperm(4).dtype == np.int64 and tg.randperm(0).shape == (0,)
    geo = _np(tg.zeros(500, dtype=tg.int64).geometric_(0.5, generator=g))
    assert geo.dtype == np.int64 and geo.min() >= 1
    r32 = _np(tg.zeros(2000, dtype=tg.float32).random_(generator=g))
    assert r32.min() >= 0 and r32.max() <= 2**24 and np.all(r32 == np.round(r32))
    r8 = _np(tg.zeros(2000, dtype=tg.uint8).random_(generator=g))
    assert r8.min() == 0 and r8.max() == 255
    b = _np(tg.zeros(100, dtype=tg.bool).random_(generator=g))
    assert set(b.tolist()) == {False, True}
    assert tg.bernoulli(tg.full((3,), 0.5, dtype=tg.float32)).dtype == np.float32
    p = tg.tensor([0.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(_np(tg.zeros(2, 4).bernoulli_(p)), [[0, 1, 0, 1]] * 2)
    assert (_np(tg.exp(tg.zeros(100).log_normal_(generator=g)))).min() > 1.0
    assert tg.poisson(tg.tensor([0.0, 0.0])).tolist() == [0.0, 0.0]


def test_normal_forms():
    m, s = tg.tensor([[0.0], [10.0]]), tg.tensor([0.0, 0.0, 0.0])
    np.testing.assert_array_equal(_np(tg.normal(m, s)), [[0.0] * 3, [10.0] * 3])
    assert tg.normal(tg.zeros(2, dtype=tg.float32), 1.0).dtype == np.float32
    assert tg.normal(0.0, tg.ones(4)).shape == (4,)
    assert tg.normal(1.0, 2.0, (2, 3)).shape == (2, 3)
    with pytest.raises(TypeError, match="size="):
        tg.normal(0.0, 1.0)
    with pytest.raises(TypeError, match="size="):
        tg.normal(tg.zeros(2), 1.0, size=(2,))
    with pytest.raises(RuntimeError, match="must match the size"):
        tg.normal(tg.zeros(2), tg.ones(3))


def test_multinomial():
    g = tg.Generator(4)
    w = tg.tensor([0.0, 1.0, 3.0, 0.0])
    draws = _np(tg.multinomial(w, N, replacement=True, generator=g))
    assert set(np.unique(draws)) == {1, 2}
    assert abs((draws == 2).mean() - 0.75) < 0.02
    no_rep = _np(tg.multinomial(tg.tensor([[1.0, 5.0, 2.0, 0.0]] * 50), 4, generator=g))
    assert no_rep.shape == (50, 4) and no_rep.dtype == np.int64
    assert all(sorted(row) == [0, 1, 2, 3] for row in no_rep.tolist())
    assert (no_rep[:, 3] == 3).all()  # a zero weight comes last
    assert (no_rep[:, 0] == 1).mean() > 0.4  # the heaviest weight comes first most often
    firsts = _np(tg.multinomial(tg.tensor([[1.0, 3.0]] * N), 1, generator=g))[:, 0]
    assert abs(firsts.mean() - 0.75) < 0.02
    assert tg.multinomial(tg.tensor([2.0, 2.0]), 1).shape == (1,)


@pytest.mark.parametrize("call,exc,words", [
    (lambda: tg.multinomial(tg.tensor([0.2, 0.8]), 3), RuntimeError, "without replacement"),
    (lambda: tg.multinomial(tg.tensor([-1.0, 1.0]), 1), RuntimeError, "element < 0"),
    (lambda: tg.multinomial(tg.tensor([np.nan, 1.0]), 1), RuntimeError, "nan"),
    (lambda: tg.multinomial(tg.tensor([0.0, 0.0]), 1), RuntimeError, "sum of probabilities <= 0"),
    (lambda: tg.multinomial(tg.zeros(2, 2, 2), 1), RuntimeError, "1 or 2 dim"),
    (lambda: tg.multinomial(tg.tensor([1, 2]), 1), RuntimeError, "floating-point"),
    (lambda: tg.multinomial(tg.tensor([1.0]), 0), RuntimeError, "n_sample <= 0"),
    (lambda: tg.bernoulli(tg.tensor([1.5])), RuntimeError, "p_in <= 1"),
    (lambda: tg.bernoulli(tg.tensor([1])), NotImplementedError, "'Long'"),
    (lambda: tg.zeros(2).bernoulli_(-0.1), RuntimeError, "in \\[0, 1\\]"),
    (lambda: tg.zeros(2).bernoulli_(tg.tensor([0.5, 2.0])), RuntimeError, "in \\[0, 1\\]"),
    (lambda: tg.zeros(2, dtype=tg.int64).normal_(), NotImplementedError, "normal_kernel_cpu"),
    (lambda: tg.zeros(2, dtype=tg.int32).uniform_(), NotImplementedError, "'Int'"),
    (lambda: tg.zeros(2, dtype=tg.int64).log_normal_(), NotImplementedError, "'Long'"),
    (lambda: tg.zeros(2, dtype=tg.int64).cauchy_(), NotImplementedError, "'Long'"),
    (lambda: tg.zeros(2, dtype=tg.int64).exponential_(), RuntimeError, "floating point"),
    (lambda: tg.zeros(2).exponential_(-1.0), RuntimeError, "lambda > 0.0"),
    (lambda: tg.zeros(2).geometric_(0.0), RuntimeError, "\\(0, 1\\)"),
    (lambda: tg.zeros(2).log_normal_(0.0, 0.0), RuntimeError, "std > 0.0"),
    (lambda: tg.zeros(2).cauchy_(0.0, -1.0), RuntimeError, "sigma > 0.0"),
    (lambda: tg.zeros(2).normal_(0.0, -1.0), RuntimeError, "std >= 0.0"),
    (lambda: tg.zeros(2).uniform_(2.0, 1.0), RuntimeError, "from=2.0 > to=1.0"),
    (lambda: tg.zeros(2).random_(3, 3), RuntimeError, "'from' to be less than 'to'"),
    (lambda: tg.zeros(2, dtype=tg.uint8).random_(0, 257), RuntimeError, "unsigned char"),
    (lambda: tg.zeros(2, dtype=tg.int8).random_(-200, 0), RuntimeError, "signed char"),
    (lambda: tg.zeros(2).random_(1, 2, 3), TypeError, "random_"),
    (lambda: tg.poisson(tg.tensor([-1.0])), RuntimeError, "non-negative"),
    (lambda: tg.poisson(tg.tensor([1])), NotImplementedError, "poisson_cpu"),
    (lambda: tg.binomial(tg.tensor([1]), tg.tensor([0.5])), ValueError, "floating-point"),
    (lambda: tg.binomial(tg.ones(2), tg.ones(3)), RuntimeError, "must match"),
    (lambda: tg.randint(5), TypeError, "size"),
    (lambda: tg.randint(4, 2, (1,)), RuntimeError, "from=4 >= to=2"),
    (lambda: tg.randint(0, 3, (1,), dtype=tg.bool), RuntimeError, "bool"),
    (lambda: tg.randint(-1, 3, (1,), dtype=tg.uint8), RuntimeError, "from is out of bounds"),
    (lambda: tg.randn(2, dtype=tg.int64), NotImplementedError, "'Long'"),
    (lambda: tg.rand(2, dtype=tg.bool), NotImplementedError, "'Bool'"),
    (lambda: tg.randn_like(tg.tensor([1, 2])), NotImplementedError, "'Long'"),
    (lambda: tg.randperm(3, requires_grad=True), RuntimeError, "floating point"),
    (lambda: tg.randperm(-1), RuntimeError, "negative dimension"),
])
def test_errors(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_fills_in_place_and_autograd():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.normal_()
    with tg.no_grad():
        for fill in (w.normal_, w.uniform_, w.exponential_, w.log_normal_, w.cauchy_, w.random_):
            assert fill() is w
        assert w.geometric_(0.5) is w and w.bernoulli_() is w
    assert w._version == 8 and w.is_leaf and w.requires_grad and w.grad_fn is None
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.uniform_()  # in a graph: the filled numbers do not depend on x
    (y * 3).sum().backward()
    np.testing.assert_array_equal(_np(x.grad), [0.0, 0.0])
    v = tg.zeros(2, 3)
    v[0].normal_(generator=tg.Generator(1))  # a view: the base changes too
    assert np.all(_np(v)[0] != 0) and np.all(_np(v)[1] == 0)


def test_samples_have_no_graph():
    p = tg.tensor([0.3, 0.7], requires_grad=True)
    for out in (tg.bernoulli(p), tg.multinomial(p, 1), tg.poisson(p), tg.normal(p, 1.0)):
        assert out.grad_fn is None and not out.requires_grad


def test_fork_rng_restores_the_global_stream():
    tg.manual_seed(0)
    with tg.random.fork_rng():
        inside = _np(tg.rand(3))
        tg.manual_seed(99)
    np.testing.assert_array_equal(_np(tg.rand(3)), inside)
    tg.manual_seed(0)
    with tg.random.fork_rng(enabled=False):
        tg.rand(3)
    assert not np.array_equal(_np(tg.rand(3)), inside)
    assert tg.random.get_rng_state().shape == (45,)
