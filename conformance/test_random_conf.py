# ruff: noqa: E501 - tables of PyTorch error messages read best one per line
"""Random sampling against PyTorch: the factories' call forms, shapes and dtypes, the numbers
wherever a distribution makes them certain (p in {0, 1}, one-hot weights, std 0...), the in-place
fills, generators and their state, and the errors. The bit streams differ (each library has its
own generator), so other numbers are compared within each library (same seed, same numbers)."""

import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import check, check_raises, f64  # noqa: E402

COVERED = {
    "Tensor methods": ["bernoulli", "bernoulli_", "multinomial", "normal_", "uniform_", "exponential_",
                       "geometric_", "log_normal_", "cauchy_", "random_"],
    "torch functions": ["rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
                        "normal", "poisson", "binomial", "bernoulli", "multinomial", "manual_seed", "seed",
                        "initial_seed", "get_rng_state", "set_rng_state", "Generator", "default_generator"],
}


def test_factory_call_forms_shapes_and_dtypes():
    def program(T):
        f = T.float64
        outs = [T.rand(2, 3, dtype=f), T.rand((2, 3), dtype=f), T.rand([2, 3], dtype=f), T.rand(size=(2, 3), dtype=f),
                T.rand(T.Size([2, 3]), dtype=f), T.randn(size=[4], dtype=f), T.randn((), dtype=f),
                T.randint(10, (3,)), T.randint(2, 10, (3,)), T.randint(10, size=(3,)),
                T.randint(low=2, high=10, size=(2, 2)), T.randint(0, 5, (2,), dtype=T.int32),
                T.randint(0, 5, (2,), dtype=f), T.randperm(5), T.randperm(4, dtype=f),
                T.normal(0.0, 1.0, size=(2,), dtype=f), T.normal(0.0, 1.0, (3,), dtype=f),
                T.normal(f64(T, [0.0, 1.0]), 1.0), T.normal(0.0, f64(T, [1.0, 2.0])),
                T.normal(f64(T, [[0.0], [1.0]]), f64(T, [1.0, 2.0, 3.0])),
                T.rand_like(f64(T, [1.0, 2.0])), T.randn_like(f64(T, [[1.0]])),
                T.randint_like(f64(T, [1.0, 2.0]), 5), T.randint_like(T.tensor([1, 2]), 1, 5),
                T.poisson(f64(T, [1.0, 2.0])), T.binomial(f64(T, [5.0]), f64(T, [0.5]))]
        return [(tuple(o.shape), str(o.dtype).replace("torch.", "")) for o in outs] + [
            T.rand(2, requires_grad=True, dtype=f).requires_grad, T.randn(2, dtype=f, device="cpu").is_leaf]
    check(program)


def test_numbers_a_distribution_makes_certain():
    def program(T):
        p = f64(T, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        x = T.zeros(4, dtype=T.float64)
        return [T.bernoulli(f64(T, [0.0, 1.0, 1.0])), T.bernoulli(f64(T, [0.3, 0.7]), 1.0),
                f64(T, [0.3, 0.4]).bernoulli(0.0), T.multinomial(p, 1), T.multinomial(p[0], 3, replacement=True),
                T.multinomial(f64(T, [0.0, 5.0, 0.0]), 1), sorted(T.multinomial(f64(T, [1.0, 1.0, 1.0]), 3).tolist()),
                T.multinomial(p, 2, replacement=True).shape, T.binomial(f64(T, [5.0, 10.0, -1.0]), f64(T, [0.0, 1.0, 0.5])),
                T.poisson(f64(T, [0.0, 0.0])), T.normal(f64(T, [1.0, 2.0]), 0.0), T.normal(3.0, f64(T, [0.0])),
                T.randint(3, 4, (3,)), T.randperm(1), x.clone().uniform_(2.0, 2.0), x.clone().normal_(5.0, 0.0),
                x.clone().random_(2, 3), x.clone().bernoulli_(1.0), x.clone().bernoulli_(f64(T, [0.0, 1.0, 0.0, 1.0])),
                T.zeros(3, dtype=T.int64).bernoulli_(1.0), T.zeros(3, dtype=T.int64).random_(7, 8),
                T.zeros(2, dtype=T.bool).random_(1, 2), T.zeros(2, dtype=T.uint8).random_(255, 256)]
    check(program)


def test_fills_respect_ranges_and_dtypes():
    def program(T):
        T.manual_seed(0)
        x = T.zeros(2000, dtype=T.float64)
        u, n = x.clone().uniform_(-1.0, 3.0), x.clone().normal_(0.0, 1.0)
        e, g = x.clone().exponential_(2.0), x.clone().geometric_(0.5)
        ln, c = x.clone().log_normal_(0.0, 0.5), x.clone().cauchy_(0.0, 1.0)
        r, ri = x.clone().random_(5), T.zeros(100, dtype=T.int64).random_(-3, 3)
        gi = T.zeros(5, dtype=T.int64).geometric_(0.9)
        return [bool(((u >= -1) & (u < 3)).all()), abs(float(n.mean())) < 0.2, bool((e > 0).all()),
                abs(float(e.mean()) - 0.5) < 0.1, bool((g >= 1).all()) and bool((g == g.round()).all()),
                bool((ln > 0).all()), bool(c.isfinite().all()), bool(((r >= 0) & (r < 5)).all()),
                sorted(set(r.tolist())) == [0.0, 1.0, 2.0, 3.0, 4.0], bool(((ri >= -3) & (ri < 3)).all()),
                gi.dtype, bool((gi >= 1).all()), x._version]
    check(program)


def test_same_seed_same_numbers_and_generators_are_separate_streams():
    def program(T):
        T.manual_seed(7)
        a = T.randn(5, dtype=T.float64)
        T.manual_seed(7)
        b = T.randn(5, dtype=T.float64)
        g1, g2 = T.Generator().manual_seed(3), T.Generator().manual_seed(3)
        T.manual_seed(1)
        before = T.rand(3, dtype=T.float64)
        T.manual_seed(1)
        x1 = T.rand(4, generator=g1, dtype=T.float64)  # draws from g1 leave the global stream alone
        after = T.rand(3, dtype=T.float64)
        x2 = T.rand(4, generator=g2, dtype=T.float64)
        m1 = T.multinomial(f64(T, [1.0, 2.0, 3.0]), 2, generator=T.Generator().manual_seed(5))
        m2 = T.multinomial(f64(T, [1.0, 2.0, 3.0]), 2, generator=T.Generator().manual_seed(5))
        p1 = T.randperm(6, generator=T.Generator().manual_seed(2))
        p2 = T.randperm(6, generator=T.Generator().manual_seed(2))
        return [bool((a == b).all()), bool((before == after).all()), bool((x1 == x2).all()),
                bool((m1 == m2).all()), bool((p1 == p2).all()), g1.initial_seed(),
                T.Generator().manual_seed(-1).initial_seed(), T.manual_seed(4).initial_seed(), T.initial_seed(),
                str(T.Generator().device), isinstance(T.seed(), int)]
    check(program)


def test_rng_state_round_trip():
    def program(T):
        T.manual_seed(0)
        s = T.get_rng_state()
        a = T.rand(3, dtype=T.float64)
        T.set_rng_state(s)
        b = T.rand(3, dtype=T.float64)
        g = T.Generator().manual_seed(9)
        gs = g.get_state()
        c = T.randn(2, generator=g, dtype=T.float64)
        g.set_state(gs)
        d = T.randn(2, generator=g, dtype=T.float64)
        T.default_generator.manual_seed(12)
        return [bool((a == b).all()), bool((c == d).all()), s.dtype, s.ndim, gs.dtype, T.initial_seed(),
                isinstance(g.set_state(gs), T.Generator)]
    check(program)


def test_fork_rng():
    def program(T):
        T.manual_seed(0)
        with T.random.fork_rng():
            a = T.rand(3, dtype=T.float64)
        b = T.rand(3, dtype=T.float64)
        return [bool((a == b).all()), T.random.get_rng_state().dtype]
    check(program)


def test_fills_on_parameters_and_graphs():
    def program(T):
        w = f64(T, [1.0, 2.0], requires_grad=True)
        with T.no_grad():
            w.normal_()
            w.uniform_(0, 1)
            w.exponential_()
        v = w._version
        return [w.requires_grad, w.is_leaf, v, tuple(w.shape)]
    check(program)


@pytest.mark.parametrize("program,words", [
    (lambda T: f64(T, [1.0], requires_grad=True).normal_(), ["a leaf Variable that requires grad"]),
    (lambda T: f64(T, [1.0], requires_grad=True).bernoulli_(0.5), ["a leaf Variable that requires grad"]),
    (lambda T: T.zeros(2, dtype=T.int64).normal_(), ["not implemented for 'Long'"]),
    (lambda T: T.zeros(2, dtype=T.int64).uniform_(), ["not implemented for 'Long'"]),
    (lambda T: T.zeros(2, dtype=T.int64).exponential_(), ["dtype must be a floating point"]),
    (lambda T: T.zeros(2).exponential_(0), ["exponential_ expects lambda > 0.0"]),
    (lambda T: T.zeros(2).geometric_(1.0), ["geometric_ expects p to be in (0, 1)"]),
    (lambda T: T.zeros(2).log_normal_(0, -1), ["log_normal_ expects std > 0.0"]),
    (lambda T: T.zeros(2).cauchy_(0, 0), ["cauchy_ expects sigma > 0.0"]),
    (lambda T: T.zeros(2).uniform_(3, 2), ["uniform_ expects to return a [from, to) range"]),
    (lambda T: T.zeros(2).normal_(0, -1), ["normal expects std >= 0.0"]),
    (lambda T: T.zeros(2).random_(5, 2), ["random_ expects 'from' to be less than 'to'"]),
    (lambda T: T.zeros(2, dtype=T.int8).random_(0, 300), ["out of bounds for signed char"]),
    (lambda T: T.zeros(2).bernoulli_(1.5), ["bernoulli_ expects p to be in [0, 1]"]),
    (lambda T: T.bernoulli(f64(T, [0.2, 1.5])), ["p_in >= 0 && p_in <= 1"]),
    (lambda T: T.bernoulli(T.tensor([1, 0])), ["not implemented for 'Long'"]),
    (lambda T: T.multinomial(f64(T, [0.2, 0.8]), 3), ["cannot sample n_sample > prob_dist.size(-1) samples without replacement"]),
    (lambda T: T.multinomial(f64(T, [-0.2, 0.8]), 1), ["probability tensor contains either `inf`, `nan` or element < 0"]),
    (lambda T: T.multinomial(f64(T, [0.0, 0.0]), 1), ["sum of probabilities <= 0"]),
    (lambda T: T.multinomial(f64(T, 0.5), 1), ["prob_dist must be 1 or 2 dim"]),
    (lambda T: T.multinomial(T.tensor([1, 2]), 1), ["multinomial only supports floating-point dtypes"]),
    (lambda T: T.multinomial(f64(T, [1.0, 2.0]), 0), ["cannot sample n_sample <= 0 samples"]),
    (lambda T: T.poisson(f64(T, [-1.0])), ["invalid Poisson rate, expected rate to be non-negative"]),
    (lambda T: T.poisson(T.tensor([1, 2])), ["not implemented for 'Long'"]),
    (lambda T: T.binomial(T.tensor([5, 10]), f64(T, [0.5, 0.5])), ["binomial only supports floating-point dtypes for count"]),
    (lambda T: T.normal(f64(T, [0.0, 0.0]), f64(T, [1.0, 1.0, 1.0])), ["must match the size of tensor b"]),
    (lambda T: T.normal(f64(T, [0.0]), -1.0), ["normal expects std >= 0.0"]),
    (lambda T: T.normal(0.0, 1.0), []),
    (lambda T: T.normal(T.zeros(2, dtype=T.int64), 1.0), ["not implemented for 'Long'"]),
    (lambda T: T.randn(2, dtype=T.int64), ["not implemented for 'Long'"]),
    (lambda T: T.rand(2, dtype=T.int64), ["not implemented for 'Long'"]),
    (lambda T: T.rand_like(T.zeros(2, dtype=T.int64)), ["not implemented for 'Long'"]),
    (lambda T: T.randint(5), []),
    (lambda T: T.randint(5, 2, (2,)), ["random_ expects 'from' to be less than 'to'"]),
    (lambda T: T.randint(0, 300, (2,), dtype=T.uint8), ["to - 1 is out of bounds for unsigned char"]),
    (lambda T: T.randint(-1, 3, (2,), dtype=T.uint8), ["from is out of bounds for unsigned char"]),
    (lambda T: T.randint(5, (2,), dtype=T.bool), ["to - 1 is out of bounds for bool"]),
    (lambda T: T.randperm(-1), ["negative dimension"]),
    (lambda T: T.randperm(3, requires_grad=True), ["floating point"]),
    (lambda T: T.rand(-1, 2), ["negative dimension -1"]),
    (lambda T: T.rand(2.5), ["must be tuple of ints"]),
    (lambda T: T.rand((2, 3), 4), []),
    (lambda T: T.rand(2, size=(2,)), []),
    (lambda T: T.randn(2, generator=3), []),
    (lambda T: T.set_rng_state(T.zeros(3)), ["must be a torch.ByteTensor"]),
    (lambda T: T.manual_seed(2**64), ["Overflow when unpacking long"]),
])
def test_errors(program, words):
    check_raises(program, *words)
