"""Reductions, statistics and linear algebra: values against numpy, gradients with gradcheck (and
gradgradcheck where the ops are twice differentiable), the max/min tie rules, dtypes and errors."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(1)
M = RNG.normal(size=(3, 4))
SQ = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
SPD = SQ @ SQ.T + np.eye(3)
T3 = RNG.normal(size=(2, 3, 4))


def v(a, grad=False):
    return tg.tensor(np.array(a, dtype=np.float64), requires_grad=grad)


def close(value, expected):
    np.testing.assert_allclose(np.asarray(value.detach().numpy() if hasattr(value, "detach") else value),
                               expected, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------- values against numpy
@pytest.mark.parametrize("name,ours,ref", [
    ("var", lambda x: x.var(), lambda a: a.var(ddof=1)),
    ("var_dim", lambda x: x.var(1, keepdim=True), lambda a: a.var(1, ddof=1, keepdims=True)),
    ("var_correction0", lambda x: x.var(0, correction=0), lambda a: a.var(0)),
    ("std", lambda x: x.std(dim=(0, 1), unbiased=False), lambda a: a.std()),
    ("prod", lambda x: x.prod(1), lambda a: a.prod(1)),
    ("cumsum", lambda x: x.cumsum(0), lambda a: a.cumsum(0)),
    ("cumprod", lambda x: x.cumprod(-1), lambda a: a.cumprod(-1)),
    ("cummax", lambda x: x.cummax(1).values, lambda a: np.maximum.accumulate(a, 1)),
    ("cummin", lambda x: x.cummin(0).values, lambda a: np.minimum.accumulate(a, 0)),
    ("logcumsumexp", lambda x: x.logcumsumexp(1), lambda a: np.logaddexp.accumulate(a, 1)),
    ("norm", lambda x: x.norm(), lambda a: np.linalg.norm(a)),
    ("norm_p3", lambda x: x.norm(3, dim=1), lambda a: (np.abs(a) ** 3).sum(1) ** (1 / 3)),
    ("norm_nuc", lambda x: x.norm("nuc"), lambda a: np.linalg.norm(a, "nuc")),
    ("median", lambda x: x.median(), lambda a: np.sort(a.ravel())[(a.size - 1) // 2]),
    ("median_dim", lambda x: x.median(1).values, lambda a: np.sort(a, 1)[:, 1]),
    ("kthvalue", lambda x: x.kthvalue(3).values, lambda a: np.sort(a, -1)[:, 2]),
    ("quantile", lambda x: x.quantile(0.3, dim=1), lambda a: np.quantile(a, 0.3, axis=1)),
    ("quantile_q", lambda x: x.quantile(v([0.1, 0.9])), lambda a: np.quantile(a, [0.1, 0.9])),
    ("quantile_nearest", lambda x: x.quantile(0.4, interpolation="nearest"),
     lambda a: np.quantile(a, 0.4, method="nearest")),
    ("cov", lambda x: x.cov(), lambda a: np.cov(a)),
    ("corrcoef", lambda x: x.corrcoef(), lambda a: np.corrcoef(a)),
    ("diff", lambda x: x.diff(2, dim=1), lambda a: np.diff(a, 2, axis=1)),
    ("trace", lambda x: x.trace(), lambda a: np.trace(a)),
    ("inner", lambda x: x.inner(x), lambda a: np.inner(a, a)),
    ("kron", lambda x: x.kron(x[:2, :2]), lambda a: np.kron(a, a[:2, :2])),
    ("dist", lambda x: x.dist(x * 2, 1), lambda a: np.abs(a).sum()),
    ("einsum", lambda x: tg.einsum("ij,kj->ik", x, x), lambda a: a @ a.T),
    ("tensordot", lambda x: tg.tensordot(x, x, dims=([1], [1])), lambda a: a @ a.T),
    ("cdist", lambda x: tg.cdist(x, x[:2]), lambda a: np.linalg.norm(a[:, None] - a[None, :2], axis=-1)),
    ("pinverse", lambda x: x.pinverse(), lambda a: np.linalg.pinv(a)),
    ("trapezoid", lambda x: tg.trapezoid(x, dx=0.5), lambda a: np.trapezoid(a, dx=0.5)),
    ("vander", lambda x: tg.vander(x[0]), lambda a: np.vander(a[0])),
])
def test_values_match_numpy(name, ours, ref):
    close(ours(v(M)), ref(M))


@pytest.mark.parametrize("name,ours,ref", [
    ("det", lambda x: x.det(), np.linalg.det), ("inverse", lambda x: x.inverse(), np.linalg.inv),
    ("matrix_power", lambda x: x.matrix_power(3), lambda a: a @ a @ a),
    ("matrix_power_neg", lambda x: x.matrix_power(-1), np.linalg.inv),
    ("cholesky", lambda x: (x @ x.T + tg.eye(3)).cholesky(),
     lambda a: np.linalg.cholesky(a @ a.T + np.eye(3))),
    ("solve", lambda x: tg.linalg.solve(x, x[0]), lambda a: np.linalg.solve(a, a[0])),
    ("slogdet", lambda x: tg.linalg.slogdet(x).logabsdet, lambda a: np.linalg.slogdet(a)[1]),
    ("eigvalsh", lambda x: tg.linalg.eigvalsh(x + x.T), lambda a: np.linalg.eigvalsh(a + a.T)),
    ("matrix_norm_inf", lambda x: tg.linalg.matrix_norm(x, float("inf")),
     lambda a: np.linalg.norm(a, np.inf)),
    ("linalg_norm_2", lambda x: tg.linalg.norm(x, 2), lambda a: np.linalg.norm(a, 2)),
])
def test_matrix_values_match_numpy(name, ours, ref):
    close(ours(v(SQ)), ref(SQ))


# ---------------------------------------------------------------------- gradients
GRADS = {
    "var": lambda x: x.var(1), "std": lambda x: x.std(0, keepdim=True), "prod": lambda x: x.prod(1),
    "prod_all": lambda x: x.prod(), "cumsum": lambda x: x.cumsum(1), "cumprod": lambda x: x.cumprod(1),
    "cummax": lambda x: x.cummax(0).values, "logcumsumexp": lambda x: x.logcumsumexp(1),
    "norm": lambda x: x.norm(dim=1), "norm_p3": lambda x: x.norm(3), "norm_nuc": lambda x: x.norm("nuc"),
    "median": lambda x: x.median(1).values, "kthvalue": lambda x: x.kthvalue(2, 0).values,
    "quantile": lambda x: x.quantile(v([0.25, 0.6]), dim=1), "nansum": lambda x: x.nansum(0),
    "cov": lambda x: x.cov(), "corrcoef": lambda x: x.corrcoef(), "diff": lambda x: x.diff(dim=0),
    "trace": lambda x: x[:, :3].trace(), "inner": lambda x: x.inner(x), "kron": lambda x: x[:2].kron(x[1:]),
    "cross": lambda x: x[:2, :3].cross(x[1:, :3], dim=1), "pinverse": lambda x: x.pinverse(),
    "einsum": lambda x: tg.einsum("ij,kj->ik", x, x), "einsum_diag": lambda x: tg.einsum("ii->i", x[:, :3]),
    "tensordot": lambda x: tg.tensordot(x, x, 2), "cdist": lambda x: tg.cdist(x, x[:2] + 0.1),
    "block_diag": lambda x: tg.block_diag(x, x[0]), "cartesian_prod": lambda x: tg.cartesian_prod(x[0], x[1]),
    "trapezoid": lambda x: tg.trapezoid(x, x[0].abs().cumsum(0)), "vander": lambda x: tg.vander(x[0], 4),
    "cumulative_trapezoid": lambda x: tg.cumulative_trapezoid(x, dim=0),
    "renorm": lambda x: x.renorm(2, 0, 1.0),
}


@pytest.mark.parametrize("name", list(GRADS))
def test_gradients(name):
    gradcheck(GRADS[name], [v(M, True)])


MATRIX_GRADS = {
    "det": lambda x: x.det(), "slogdet": lambda x: x.slogdet().logabsdet, "inverse": lambda x: x.inverse(),
    "matrix_power": lambda x: x.matrix_power(-2), "solve": lambda x: tg.linalg.solve(x, x[:, :2] * 2),
    "solve_vec": lambda x: tg.linalg.solve(x, x[0]), "cholesky": lambda x: tg.linalg.cholesky(x @ x.T),
    "matrix_norm_1": lambda x: tg.linalg.matrix_norm(x, 1),
}


@pytest.mark.parametrize("name", list(MATRIX_GRADS))
def test_matrix_gradients_twice(name):
    gradcheck(MATRIX_GRADS[name], [v(SQ, True)])
    gradgradcheck(MATRIX_GRADS[name], [v(SQ, True)])


@pytest.mark.parametrize("name", ["prod", "cumprod", "logcumsumexp", "var", "einsum", "pinverse"])
def test_second_order(name):
    gradgradcheck(GRADS[name], [v(M, True)])


def test_svdvals_and_eigvalsh_are_differentiable_once():
    gradcheck(tg.linalg.svdvals, [v(M, True)])
    gradcheck(lambda x: tg.linalg.eigvalsh(x @ x.T + tg.tensor(np.diag([1.0, 5.0, 9.0]))), [v(SQ, True)])


def test_prod_and_cumprod_gradients_are_exact_at_zeros():
    x = v([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]], True)
    x.prod(1).sum().backward()
    close(x.grad, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])
    x = v([2.0, 0.0, 3.0], True)
    x.cumprod(0).sum().backward()
    close(x.grad, [1.0, 2.0 + 6.0, 0.0])


def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix():
    x = v([[1.0, 2.0], [2.0, 4.0]], True)
    x.det().backward()
    close(x.grad, [[4.0, -2.0], [-2.0, 1.0]])
    y = v([[[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]], True)
    y.det().sum().backward()
    a = y.detach().numpy()[0]
    cof = np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1)) for j in range(3)]
                    for i in range(3)])
    close(y.grad[0], cof)


def test_norm_at_zero_has_zero_gradient():
    x = v([0.0, 0.0], True)
    x.norm().backward()
    close(x.grad, [0.0, 0.0])
    y = v([[0.0, 0.0], [3.0, 4.0]], True)
    tg.cdist(y, y).sum().backward()
    assert np.isfinite(y.grad.numpy()).all()


def test_logcumsumexp_is_stable_far_apart():
    close(v([-1000.0, 0.0, 1000.0]).logcumsumexp(0), [-1000.0, 0.0, 1000.0])


# ---------------------------------------------------------------------- max/min ties
def test_max_dim_sends_the_gradient_to_the_returned_index_but_max_and_amax_split():
    x = v([[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]], True)
    values, indices = x.max(1)
    values.sum().backward()
    assert indices.tolist() == [0, 0]
    close(x.grad, [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    x.grad = None
    x.min(dim=0).values.sum().backward()
    close(x.grad, [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    x.grad = None
    x.max().backward()
    close(x.grad, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]])
    x.grad = None
    x.amax(1).sum().backward()
    close(x.grad, [[0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])


def test_max_with_a_tensor_is_the_elementwise_maximum():
    x, a = v([1.0, 5.0, 3.0], True), v([2.0, 2.0, 3.0])
    y = tg.max(x, a)
    y.sum().backward()
    close(y, [2.0, 5.0, 3.0])
    close(x.grad, [0.0, 1.0, 0.5])
    close(x.min(a), [1.0, 2.0, 3.0])


# ---------------------------------------------------------------------- results, dtypes, errors
def test_namedtuple_results_and_indices():
    x = v([[2.0, 1.0, 2.0, 1.0, 3.0]])
    mode = x.mode()
    assert mode.values.tolist() == [1.0] and mode.indices.tolist() == [3]
    cm = v([1.0, 3.0, 3.0, 2.0]).cummax(0)
    assert cm.indices.tolist() == [0, 1, 2, 2]
    med = v([[1.0, np.nan, 3.0]]).median(1)
    assert np.isnan(med.values.item()) and med.indices.tolist() == [1]
    assert v([[np.nan, 1.0, 2.0, 4.0]]).nanmedian(1).values.tolist() == [2.0]
    lo, hi = v([3.0, -1.0, 2.0]).aminmax()
    assert (lo.item(), hi.item()) == (-1.0, 3.0)
    hist, edges = tg.histogram(v([0.0, 0.5, 1.0]), 2)
    assert hist.tolist() == [1.0, 2.0] and edges.tolist() == [0.0, 0.5, 1.0]


def test_integer_dtypes():
    i = tg.tensor([[1, 2], [3, 4]], dtype=tg.int32)
    assert i.prod().dtype == np.int64 and i.prod().item() == 24
    assert i.cumsum(0).dtype == np.int64 and tg.tensor([True, True]).cumsum(0).tolist() == [1, 2]
    assert i.count_nonzero().dtype == np.int64 and i.trace().item() == 5
    assert tg.bincount(tg.tensor([0, 2, 2])).tolist() == [1, 0, 2]
    assert v([1.0, 2.0]).histc(2, min=0, max=4).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("call,error,words", [
    (lambda: tg.tensor([1, 2]).var(), RuntimeError, "std and var only support floating point"),
    (lambda: tg.tensor([1, 2]).std(), RuntimeError, "std and var only support floating point"),
    (lambda: v([1.0]).quantile(2.0), RuntimeError, "q must be in the range"),
    (lambda: v([1.0]).kthvalue(2), RuntimeError, "out of range"),
    (lambda: tg.zeros(2, 2).inverse(), RuntimeError, "singular"),
    (lambda: tg.ones(2, 3).det(), RuntimeError, "square matrices"),
    (lambda: tg.tensor([-1]).bincount(), RuntimeError, "non-negative"),
    (lambda: tg.einsum("ij,jk", tg.ones(2, 2)), RuntimeError, "fewer operands"),
    (lambda: tg.ones(2, 3).max(3), IndexError, "Dimension out of range"),
])
def test_errors(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace("[", r"\[")):
        call()
