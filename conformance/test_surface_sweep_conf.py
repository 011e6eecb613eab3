"""A sweep over the surface, name by name, side by side with PyTorch.

For every Tensor method and torch function that tinygrad_edu has (by coverage.py's groups), the
first of a few standard calls that PyTorch accepts (``f(x)``, ``f(x, y)``, ``f(x, 1)``, ``f(x, 0)``
...) on float64 inputs away from kinks and poles is made in both libraries, and the results are
compared: value, shape and dtype, and, for a float result that requires grad, the gradients of
its inputs under a random upstream gradient. Errors for bad calls are the family modules' part
(their ``COVERED``), as are names where no standard call fits; KNOWN lists the differences this
sweep found that are still open, each with the reason.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance import coverage  # noqa: E402
from conformance.conftest import assert_same, catch  # noqa: E402

X = [[0.3, 0.7, 0.45], [0.55, 0.2, 0.65]]
Y = [[0.6, 0.25, 0.35], [0.4, 0.9, 0.15]]
Z = [[0.5, 0.8, 0.3], [0.7, 0.35, 0.6]]
N = [[1, 3, 2], [4, 2, 5]]

# name -> why the sweep cannot compare it (random results, identity or memory, printing)
SKIP = {n: "random" for n in ("bernoulli", "bernoulli_", "cauchy_", "exponential_", "geometric_",
                              "log_normal_", "normal_", "random_", "uniform_", "multinomial", "rand",
                              "randn", "rand_like", "randn_like", "randint_like", "randperm", "seed",
                              "poisson", "initial_seed", "get_rng_state", "set_rng_state", "manual_seed",
                              "randint", "normal", "empty", "empty_like", "new_empty")}
SKIP.update({n: "identity, memory or environment" for n in (
    "data_ptr", "storage_offset", "stride", "backward", "register_hook", "retain_grad", "type", "to",
    "numpy", "tolist", "item", "element_size", "nbytes", "itemsize", "cpu", "cuda", "save", "load",
    "set_default_dtype", "set_default_device", "set_printoptions", "set_num_threads",
    "set_default_tensor_type",
    "use_deterministic_algorithms", "set_anomaly_enabled", "set_warn_always", "set_deterministic_debug_mode",
    "set_grad_enabled", "is_grad_enabled", "compile", "vmap", "apply_", "map_", "requires_grad_",
    "detach_", "share_memory_", "resize_", "set_", "pin_memory", "new", "from_numpy", "frombuffer",
    "get_num_threads", "device", "Generator", "fill_", "zero_", "grad_fn", "grad",
    "no_grad", "enable_grad", "inference_mode")})

KNOWN: dict[str, str] = {
    "svd": "singular vectors are unique only up to sign (LAPACK's choice differs); U, V have no gradient yet",
    "qr": "Q and R have no gradient yet (LAPACK decompositions: coverage.py's exclusion list)",
    "einsum": "the sublist form einsum(x, [1, 0]) is not supported; the string form is",
}


def _calls(T, name):
    x = lambda: T.tensor(X, dtype=T.float64, requires_grad=True) * 1.0  # noqa: E731 - a non-leaf
    y = lambda: T.tensor(Y, dtype=T.float64)  # noqa: E731
    z = lambda: T.tensor(Z, dtype=T.float64)  # noqa: E731
    i = lambda: T.tensor(N)  # noqa: E731
    b = lambda: T.tensor(N) > 2  # noqa: E731
    return [
        ("f(x)", lambda: (x(),)), ("f(x, y)", lambda: (x(), y())), ("f(x, 1)", lambda: (x(), 1)),
        ("f(x, 0)", lambda: (x(), 0)), ("f(x, y, z)", lambda: (x(), y(), z())),
        ("f(x, 0, 1)", lambda: (x(), 0, 1)), ("f(x, 2)", lambda: (x(), 2)),
        ("f(i)", lambda: (i(),)), ("f(i, i)", lambda: (i(), i())), ("f(b)", lambda: (b(),)),
        ("f(b, b)", lambda: (b(), b())), ("f(x, 0.5)", lambda: (x(), 0.5)),
        ("f(i, 1)", lambda: (i(), 1)), ("f(x, [1, 0])", lambda: (x(), [1, 0])),
    ]


def _first_call(group, name):
    """The first standard call PyTorch accepts, or None."""
    for label, args in _calls(torch, name):
        fn = getattr(torch, name) if group == "torch functions" else (lambda s, *a: getattr(s, name)(*a))
        try:
            with torch.random.fork_rng():
                fn(*args())
        except Exception:  # noqa: BLE001 - trying the next call
            continue
        return label
    return None


def _run(T, group, name, label):
    args = dict(_calls(T, name))[label]()
    fn = getattr(T, name) if group == "torch functions" else (lambda s, *a: getattr(s, name)(*a))
    out = fn(*args)
    results = [out]
    first = out[0] if isinstance(out, tuple) and out and hasattr(out[0], "requires_grad") else out
    if hasattr(first, "requires_grad") and first.requires_grad and first.dtype == T.float64:
        up = T.tensor(np.random.default_rng(0).standard_normal(tuple(first.shape)), dtype=T.float64)
        grads = T.autograd.grad((first * up).sum(), [a for a in args if hasattr(a, "requires_grad")
                                                    and a.requires_grad], allow_unused=True)
        results.append(list(grads))
    return results


def _cases():
    out = []
    rep = coverage.report()
    for group in ("Tensor methods", "torch functions"):
        for name in rep[group]["have"]:
            if name in SKIP or name.startswith("is_") or name[0].isupper():
                continue
            out.append(pytest.param(group, name, id=f"{group.split()[0]}.{name}"))
    return out


@pytest.mark.parametrize("group,name", _cases())
def test_standard_call_agrees_with_pytorch(group, name):
    label = _first_call(group, name)
    if label is None:
        pytest.skip("no standard call fits; covered by its family module")
    if name in KNOWN:
        pytest.xfail(KNOWN[name])
    ref = catch(lambda: _run(torch, group, name, label))
    ours = catch(lambda: _run(tg, group, name, label))
    if isinstance(ref, BaseException):
        pytest.skip(f"{label}: torch needs more than the standard call ({type(ref).__name__})")
    assert not isinstance(ours, BaseException), f"{label}: ours raised {type(ours).__name__}: {ours}"
    assert_same(_run(tg, group, name, label), _run(torch, group, name, label), where=f"{name} {label}")


def swept() -> set[tuple[str, str]]:
    """(group, name) pairs with a standard call (for the coverage test)."""
    return {(g, n) for p in _cases() for g, n in [p.values] if _first_call(g, n) is not None}
