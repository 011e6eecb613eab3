"""Every op in the catalogue: full-Jacobian hypothesis check, second-order check, analytic check.

The checks go through the public kit (tinygrad_edu.testing.check_op), so an op author's own op
gets exactly the verification the built-ins get.
"""

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.testing import check_op
from tinygrad_edu.testing.catalogue import CATALOGUE
from tinygrad_edu.testing.strategies import broadcastable_arrays

CASES = {c.name: c for c in CATALOGUE}
CONV_NAMES = ("conv", "max_pool", "avg_pool", "adaptive", "batch_norm", "layer_norm")
# ops that take other shapes than the coverage check's defaults
EXAMPLE_SHAPES = {"matmul": [(2, 3), (3, 2)], "mm": [(2, 3), (3, 2)], "bmm": [(2, 2, 3), (2, 3, 2)],
                  "mv": [(2, 3), (3,)], "dot": [(3,), (3,)], "outer": [(2,), (3,)],
                  "addmm": [(2, 2), (2, 3), (3, 2)]}


def _kit_args(case):
    return dict(domain=case.domain, n_inputs=case.n_inputs, broadcast=case.broadcast,
                avoid=case.avoid, margin=case.margin, distinct=case.distinct,
                shapes=case.shapes() if case.shapes else None)


@pytest.mark.parametrize("name", list(CASES))
def test_full_jacobian_matches_central_differences(name):
    case = CASES[name]
    check_op(case.fn, **_kit_args(case))


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.twice])
def test_second_derivative_matches_central_differences(name):
    case = CASES[name]
    check_op(case.fn, higher_order=True, max_examples=8, **_kit_args(case))


@pytest.mark.parametrize("name", list(CASES))
def test_backward_matches_hand_written_formula(name):
    case = CASES[name]
    args = _kit_args(case)
    strategy = broadcastable_arrays(case.n_inputs, args["domain"], args["avoid"], args["margin"],
                                    args["broadcast"], 3, 3, args["distinct"], args["shapes"])

    @given(arrays=strategy, seed=st.integers(0, 1000))
    def run(arrays, seed):
        vals = [tg.tensor(a, requires_grad=True) for a in arrays]
        out = case.fn(*vals)
        u = np.random.default_rng(seed).standard_normal(out.shape)
        out.backward(u)
        expected = case.vjp(u, *arrays)
        for i, (v, e) in enumerate(zip(vals, expected)):
            e = np.broadcast_to(np.asarray(e, dtype=np.float64), v.shape)
            got = np.asarray(v.grad, dtype=np.float64)
            scale = 1e-12 + np.abs(e).max(initial=0)
            np.testing.assert_allclose(got, e, rtol=1e-9, atol=1e-12 * scale, err_msg=f"input {i}")
            # a backward that returns zeros must not pass: the expected gradient is nonzero
            # somewhere for almost every draw, and then so must ours be
            if np.abs(e).max(initial=0) > 1e-9:
                assert np.abs(got).max() > 0

    run()


def test_catalogue_covers_every_builtin_op():
    from tinygrad_edu import ops

    exercised = set()
    for case in CATALOGUE:
        args = _kit_args(case)
        # one concrete example per case is enough to see which node types it builds
        shapes = {1: [(2, 3)], 2: [(2, 3), (2, 3)], 3: [(2, 3), (4, 3), (4,)]}[case.n_inputs]
        if case.name == "matmul":
            shapes = [(2, 3), (3, 2)]
        elif case.shapes is not None and case.name.startswith(CONV_NAMES):  # fixed-rank inputs
            shapes = list(find(case.shapes(), lambda _: True))
        shapes = EXAMPLE_SHAPES.get(case.name, shapes)
        lo, hi = args["domain"] if len(args["domain"]) == 2 and np.isscalar(args["domain"][0]) \
            else args["domain"][0]
        vals = [tg.tensor(np.linspace(lo + 0.05, hi - 0.05, int(np.prod(s))).reshape(s) + 0.0123,
                          requires_grad=True) for s in shapes]
        out = case.fn(*vals)
        stack = [out]
        while stack:
            v = stack.pop()
            if v.grad_fn is not None:
                exercised.add(type(v.grad_fn).__name__)
                stack.extend(p for p in v.grad_fn.parents if p is not None)
    builtin = {name for name in ops.__all__} | {"LinearFunction", "MSEFunction"}
    # ScatterAdd and BroadcastTo are exercised as the backward of GetItem and Sum/expand
    missing = builtin - exercised - {"ScatterAdd"}
    assert not missing, f"ops missing from the catalogue: {sorted(missing)}"


@pytest.mark.parametrize("name", list(CASES))
def test_jvp_matches_differences_and_reverse_mode(name):
    """Forward mode of every op: J v against central differences and <u, J v> = <J^T u, v>, and
    at second order d<u, J v>/dx (reverse over forward) = d<J^T u, v>/dx (reverse over reverse)."""
    from tinygrad_edu.testing.jvpcheck import check_jvp

    case = CASES[name]
    args = _kit_args(case)
    strategy = broadcastable_arrays(case.n_inputs, args["domain"], args["avoid"], args["margin"],
                                    args["broadcast"], 3, 3, args["distinct"], args["shapes"])

    @settings(max_examples=4, deadline=None)
    @given(arrays=strategy, seed=st.integers(0, 1000))
    def run(arrays, seed):
        check_jvp(case.fn, arrays, seed=seed, second_order=case.twice)

    run()
