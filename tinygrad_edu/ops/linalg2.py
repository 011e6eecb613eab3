"""Matrix functions: forward with numpy.linalg, backward written with ops (so twice differentiable,
except where the docstring says first order only), and ``einsum``, whose gradient is an einsum.

Batched inputs (``(..., n, n)``) work throughout; numpy's LinAlgError becomes PyTorch's
RuntimeError with its words ("singular", "positive-definite").
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from ..function import Function, unbroadcast
from .tangents import plus, times


def _t(x: Any) -> Any:
    """The last two axes swapped (arrays and Values alike)."""
    return x.swapaxes(-1, -2)


def _mat(x: Any) -> Any:
    """x with two unit axes added at the end (a batch of numbers times a batch of matrices)."""
    return x.reshape(tuple(x.shape) + (1, 1))


def square(name: str, a: np.ndarray) -> None:
    """PyTorch's error for an input that is not a batch of square matrices."""
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def lapack(name: str, fn: Any, *args: Any, what: str = "the input matrix is singular") -> Any:
    """``fn(*args)``, numpy's LinAlgError raised as PyTorch's RuntimeError."""
    try:
        return fn(*args)
    except np.linalg.LinAlgError as exc:
        raise RuntimeError(f"{name}: The computation could not be completed because {what}.") from exc


def cofactors(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix adj(A)^T (= det(A) A^-T where A is invertible), from the SVD
    A = U S V^T: det(U) det(V) U diag(prod_{j != i} s_j) V^T, defined for singular A too."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return _mat(sign) * (u * others[..., None, :]) @ vh


class Det(Function):
    """z = det(A)."""

    derivative = ("dz/dA = det(A) A^-T = adj(A)^T (the cofactors, for a singular A)",)

    @staticmethod
    def forward(ctx, a):
        square("linalg.det", np.asarray(a))
        out = np.linalg.det(a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_values
        if isinstance(grad, (np.ndarray, np.generic)):  # first order: cofactors, singular A too
            return _mat(grad) * cofactors(a)
        return _mat(grad * out) * _t(Inverse.apply(a))

    @staticmethod
    def jvp(ctx, t):  # d det(A) = det(A) tr(A^-1 dA)
        a, out = ctx.saved_values
        return out * (t * _t(Inverse.apply(a))).sum((-2, -1))


class LogAbsDet(Function):
    """z = log|det(A)| (the second result of slogdet)."""

    derivative = ("dz/dA = A^-T",)

    @staticmethod
    def forward(ctx, a):
        square("linalg.slogdet", np.asarray(a))
        ctx.save_for_backward(a)
        return np.linalg.slogdet(a)[1]

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_values
        return _mat(grad) * _t(Inverse.apply(a))
    jvp = staticmethod(lambda ctx, t: (t * _t(Inverse.apply(ctx.saved_values[0]))).sum((-2, -1)))


class Inverse(Function):
    """Z = A^-1."""

    derivative = ("dZ/dA: sends -Z^T G Z^T",)

    @staticmethod
    def forward(ctx, a):
        square("linalg.inv", np.asarray(a))
        out = lapack("linalg.inv", np.linalg.inv, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_values
        return -(_t(z) @ grad @ _t(z))
    jvp = staticmethod(lambda ctx, t: -(ctx.saved_values[0] @ t @ ctx.saved_values[0]))  # dZ = -Z dA Z


class Solve(Function):
    """X = A^-1 B (B a batch of matrices, or of vectors when ``vector``)."""

    derivative = ("dX/dA: sends -G_B X^T", "dX/dB: sends G_B = solve(A^T, G)")

    @staticmethod
    def forward(ctx, a, b, *, vector=False):
        square("torch.linalg.solve", np.asarray(a))
        x = lapack("torch.linalg.solve", np.linalg.solve, a, np.asarray(b)[..., None] if vector else b)
        out = x[..., 0] if vector else x
        ctx.vector, ctx.shapes = vector, (np.shape(a), np.shape(b))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_values
        gb = Solve.apply(_t(a), grad, vector=ctx.vector)
        if ctx.vector:  # the outer product of gb and x, batch by batch
            ga = -(gb.reshape(tuple(gb.shape) + (1,)) * x.reshape(tuple(x.shape[:-1]) + (1, x.shape[-1])))
        else:
            ga = -(gb @ _t(x))
        return unbroadcast(ga, ctx.shapes[0]), unbroadcast(gb, ctx.shapes[1])

    @staticmethod
    def jvp(ctx, ta, tb):  # A X = B, so A dX = dB - dA X
        a, x = ctx.saved_values
        dax = None if ta is None else (ta @ x.unsqueeze(-1)).squeeze(-1) if ctx.vector else ta @ x
        return Solve.apply(a, plus(tb, times(dax, -1)), **ctx.settings)


class Pinv(Function):
    """P = A^+ (the Moore-Penrose pseudo-inverse, singular values below rtol * max cut)."""

    derivative = ("dP/dA: sends -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)",)

    @staticmethod
    def forward(ctx, a, *, rtol=None):
        out = np.linalg.pinv(a, rcond=1e-15 if rtol is None else rtol)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, p = ctx.saved_values
        m = _t(grad) @ p @ _t(p)
        k = _t(p) @ p @ _t(grad)
        return -(_t(p) @ grad @ _t(p)) + (m - a @ (p @ m)) + (k - (k @ p) @ a)

    @staticmethod
    def jvp(ctx, t):  # -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P  (Golub and Pereyra)
        a, p = ctx.saved_values
        pt, tt = _t(p), _t(t)
        return -(p @ t @ p) + p @ pt @ tt - p @ pt @ tt @ a @ p + tt @ pt @ p - p @ a @ tt @ pt @ p


class Cholesky(Function):
    """L = cholesky(A), lower triangular with L L^T = A (A symmetric positive-definite)."""

    derivative = ("dL/dA: sends sym(L^-T phi(L^T G) L^-1), phi = lower triangle with the diagonal "
                  "halved",)

    @staticmethod
    def forward(ctx, a):
        square("linalg.cholesky", np.asarray(a))
        out = lapack("linalg.cholesky", np.linalg.cholesky, a, what="the input is not positive-definite")
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (low,) = ctx.saved_values
        n = low.shape[-1]
        phi = (_t(low) @ grad) * (np.tril(np.ones((n, n))) - 0.5 * np.eye(n))
        li = Inverse.apply(low)
        g = _t(li) @ phi @ li
        return (g + _t(g)) * 0.5

    @staticmethod
    def jvp(ctx, t):  # dL = L phi(L^-1 sym(dA) L^-T), phi: the lower triangle with the diagonal halved
        (low,) = ctx.saved_values
        li, n = Inverse.apply(low), low.shape[-1]
        return low @ ((li @ ((t + _t(t)) * 0.5) @ _t(li)) * (np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)))


class SvdVals(Function):
    """s = the singular values of A, largest first. First order only (U and V are constants in
    the backward; a double backward raises)."""

    derivative = ("ds/dA: sends U diag(g) V^T",)

    @staticmethod
    def forward(ctx, a):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.u, ctx.vh = u, vh
        return s

    @staticmethod
    def backward(ctx, grad):
        if not isinstance(grad, np.ndarray):
            raise NotImplementedError("the double backward of svdvals is not implemented")
        return (ctx.u * grad[..., None, :]) @ ctx.vh
    jvp = staticmethod(lambda ctx, t: (ctx.u * (t @ _t(ctx.vh))).sum(-2))  # ds_i = u_i^T dA v_i


class EigvalsH(Function):
    """w = the eigenvalues of the symmetric A (its lower triangle read), ascending. First order
    only (the eigenvectors are constants in the backward; a double backward raises)."""

    derivative = ("dw/dA: sends V diag(g) V^T",)

    @staticmethod
    def forward(ctx, a):
        square("linalg.eigh", np.asarray(a))
        w, v = np.linalg.eigh(a)
        ctx.v = v
        return w

    @staticmethod
    def backward(ctx, grad):
        if not isinstance(grad, np.ndarray):
            raise NotImplementedError("the double backward of eigvalsh is not implemented")
        return (ctx.v * grad[..., None, :]) @ _t(ctx.v)
    jvp = staticmethod(lambda ctx, t: (ctx.v * (t @ ctx.v)).sum(-2))  # dw_i = v_i^T dA v_i


def parse_einsum(eq: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Subscripts of each operand and of the output, with '...' spelled out in unused letters and
    the implicit output (letters seen once, sorted) made explicit."""
    eq = eq.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(shapes) > len(subs) else "einsum(): fewer operands were provided "
                           "than specified in the equation")
    spare = [c for c in string.ascii_letters if c not in eq]
    extra = [len(s) - len(sub.replace("...", "")) for s, sub in zip(shapes, subs)]
    n_ell = max([e for e, sub in zip(extra, subs) if "..." in sub], default=0)
    ell = "".join(spare[:n_ell])
    subs = [sub.replace("...", ell[n_ell - e:]) for sub, e in zip(subs, extra)]
    if not arrow:
        letters = "".join(subs)
        out = ell + "".join(sorted(c for c in set(letters) - set(ell) if letters.count(c) == 1))
    return subs, out.replace("...", ell)


class EinSum(Function):
    """z = einsum(eq, x_1, ..., x_k): sums of products over the repeated subscripts."""

    derivative = ("dz/dx_k: sends einsum of the gradient with the other operands to x_k's subscripts "
                  "(ones for letters only x_k has, an identity for a repeated letter)",)

    @staticmethod
    def forward(ctx, *xs, eq):
        ctx.subs, ctx.out = parse_einsum(eq, [np.shape(x) for x in xs])
        ctx.sizes = {c: n for sub, x in zip(ctx.subs, xs) for c, n in zip(sub, np.shape(x))}
        ctx.save_for_backward(*xs)
        return np.einsum(",".join(ctx.subs) + "->" + ctx.out, *xs)

    @staticmethod
    def backward(ctx, grad):
        xs, grads = ctx.saved_values, []
        for k, need in enumerate(ctx.needs_input_grad):
            if need:
                operands, eq = einsum_vjp(ctx, grad, xs, k)
                grads.append(EinSum.apply(*operands, eq=eq))
            else:
                grads.append(None)
        return tuple(grads)

    @staticmethod
    def jvp(ctx, *ts):  # multilinear: one term per operand, with its tangent in its place
        xs = ctx.saved_values
        return plus(*(None if t is None else EinSum.apply(*xs[:k], t, *xs[k + 1:], **ctx.settings)
                      for k, t in enumerate(ts)))


def einsum_vjp(ctx: Any, grad: Any, xs: Any, k: int) -> tuple[list, str]:
    """The operands and equation of the einsum that gives operand k's gradient."""
    subs, out, target = ctx.subs, ctx.out, ""
    spare = iter(c for c in string.ascii_letters if c not in ctx.sizes)
    terms = [(out, grad)] + [(s, x) for j, (s, x) in enumerate(zip(subs, xs)) if j != k]
    seen = set("".join(s for s, _ in terms))
    dtype = np.result_type(*[getattr(x, "dtype", np.float64) for x in xs])
    for c in subs[k]:
        if c in target:  # a repeated letter (a diagonal): its gradient lies on the diagonal
            f = next(spare)
            terms.append((c + f, np.eye(ctx.sizes[c], dtype=dtype)))
            target += f
        else:
            target += c
            if c not in seen:  # a letter only x_k has: the gradient is the same along it
                terms.append((c, np.ones(ctx.sizes[c], dtype=dtype)))
                seen.add(c)
    return [x for _, x in terms], ",".join(s for s, _ in terms) + "->" + target
