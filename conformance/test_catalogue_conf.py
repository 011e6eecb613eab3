"""Every op in ``tinygrad_edu.testing.catalogue``: value and gradients against PyTorch's equivalent,
on random float64 inputs (three seeds, broadcast shapes), with a random upstream gradient."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import assert_same  # noqa: E402
from tinygrad_edu.testing.catalogue import CATALOGUE  # noqa: E402
from tinygrad_edu.testing.catalogue_conv import spread  # noqa: E402
from tinygrad_edu.testing.catalogue_index import (  # noqa: E402
    ADDMM_ALPHA,
    ADDMM_BETA,
    pattern_index,
    pattern_mask,
)
from tinygrad_edu.testing.catalogue_math import MATH_CASES  # noqa: E402
from tinygrad_edu.testing.catalogue_nn import (  # noqa: E402
    class_targets,
    class_weights,
    embedding_indices,
    huber_shift,
    l1_shift,
    prob_pattern,
)
from tinygrad_edu.testing.catalogue_reduce import spread as reduce_spread  # noqa: E402

F = torch.nn.functional


def _spread(x):
    return x + torch.tensor(spread(tuple(x.shape)), dtype=torch.float64)


def _long(a):
    return torch.tensor(a, dtype=torch.int64)


def _f64(a):
    return torch.tensor(a, dtype=torch.float64)


def _rev(x):
    return x.permute(*reversed(range(x.ndim))) if x.ndim else x


def _scatter_add(a, b):
    """The catalogue's index has one column fewer than src; PyTorch 2.13 cannot differentiate a src
    larger than the index (its backward returns the index's shape), so src is sliced first."""
    idx = torch.tensor(pattern_index(a.shape[:-1] + (max(a.shape[-1] - 1, 1),), a.shape[-1]))
    return a.scatter_add(-1, idx, b[..., : idx.shape[-1]])


# PyTorch's spelling of each catalogue entry
TORCH = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "rdiv_const": lambda x: 2.0 / x,
    "neg": lambda x: -x,
    "pow_square": lambda x: x**2,
    "pow_cube": lambda x: x**3,
    "pow_value": lambda a, b: a**b,
    "rpow_const": lambda x: 2.0**x,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "clamp": lambda x: x.clamp(-1.0, 1.5),
    "sin": torch.sin,
    "cos": torch.cos,
    "where": lambda a, b: torch.where(a.detach() > 0, a, b),
    "maximum": lambda a, b: torch.maximum(a, b + 0.1234567),
    "minimum": lambda a, b: torch.minimum(a, b + 0.1234567),
    "setitem": lambda a, b: _setitem(a, b),
    "cast": lambda x: x.to(torch.float64),
    "sum": lambda x: x.sum(),
    "sum_axis_keepdim": lambda x: x.sum(dim=-1, keepdim=True),
    "sum_axis0": lambda x: x.sum(dim=0),
    "mean": lambda x: x.mean(),
    "mean_axis": lambda x: x.mean(dim=0),
    "max": lambda x: x.max(),
    "min": lambda x: x.min(),
    "max_axis": lambda x: x.amax(dim=-1),
    "reshape": lambda x: x.reshape(-1),
    "transpose": _rev,
    "permute": _rev,
    "unsqueeze": lambda x: x.unsqueeze(0),
    "squeeze": lambda x: x.squeeze(),
    "flatten": lambda x: x.flatten(),
    "expand": lambda x: x.expand(2, *x.shape),
    "getitem_basic": lambda x: x[..., ::2] if x.ndim else x * 1,
    "getitem_repeated": lambda x: x[[0, 1, 0]],
    "cat": lambda a, b: torch.cat([a, b], dim=0),
    "stack": lambda a, b: torch.stack([a, b], dim=0),
    "matmul": lambda a, b: a @ b,
    "linear": F.linear,
    "mse_loss": lambda a, b: F.mse_loss(a, b),
    "mse_loss_sum": lambda a, b: F.mse_loss(a, b, reduction="sum"),
    "conv2d": F.conv2d,
    "conv2d_stride_pad": lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
    "conv2d_dilation": lambda x, w, b: F.conv2d(x, w, b, dilation=2, padding=(1, 0)),
    "conv2d_groups": lambda x, w, b: F.conv2d(x, w, b, groups=2, stride=(1, 2)),
    "conv2d_same": lambda x, w, b: F.conv2d(x, w, b, padding="same"),
    "conv_transpose2d": lambda g, w: torch.nn.grad.conv2d_input(
        (g.shape[0], w.shape[1], 2 * g.shape[2], 2 * g.shape[3] - 1), w, g, stride=2, padding=1),
    "conv2d_weight": lambda x, g: F.conv2d(F.pad(x, (0, 0, 1, 1)).transpose(0, 1),
                                           g.transpose(0, 1)).transpose(0, 1),
    "max_pool2d": lambda x: F.max_pool2d(_spread(x), 2),
    "max_pool2d_pad_ceil": lambda x: F.max_pool2d(_spread(x), 3, stride=2, padding=1, ceil_mode=True),
    "max_pool2d_dilation": lambda x: F.max_pool2d(_spread(x), 2, stride=1, dilation=2),
    "avg_pool2d": lambda x: F.avg_pool2d(x, 2, stride=1, padding=1, ceil_mode=True,
                                         count_include_pad=False),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
    "batch_norm": lambda x, w, b: F.batch_norm(_spread(x), None, None, w, b, training=True),
    "layer_norm": lambda x, w, b: F.layer_norm(_spread(x), tuple(w.shape), w, b),
    # catalogue_index.py
    "gather": lambda x: x.gather(-1, torch.tensor(pattern_index(x.shape, x.shape[-1]))),
    "scatter_add": lambda a, b: _scatter_add(a, b),
    "masked_fill": lambda x: x.masked_fill(torch.tensor(pattern_mask(tuple(x.shape))), 0.5),
    "index_select": lambda x: x.index_select(0, torch.tensor([x.shape[0] - 1, 0, 0])),
    "sort_values": lambda x: x.sort(dim=-1, descending=True).values,
    "topk_values": lambda x: x.topk(min(2, x.shape[-1]), largest=False).values,
    "mm": torch.mm,
    "bmm": torch.bmm,
    "mv": torch.mv,
    "dot": torch.dot,
    "outer": torch.outer,
    "addmm": lambda c, a, b: torch.addmm(c, a, b, beta=ADDMM_BETA, alpha=ADDMM_ALPHA),
    # nn entries (tinygrad_edu/testing/catalogue_nn.py)
    "leaky_relu": lambda x: F.leaky_relu(x, 0.1),
    "elu": lambda x: F.elu(x, 0.7),
    "erf": torch.erf,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "softplus": lambda x: F.softplus(x, beta=2.0, threshold=3.0),
    "softmax": lambda x: F.softmax(x, dim=-1),
    "log_softmax": lambda x: F.log_softmax(x, dim=-1),
    "logsumexp": lambda x: x.logsumexp(-1),
    "logsumexp_keepdim": lambda x: x.logsumexp(tuple(range(x.ndim)), keepdim=True),
    "nll_loss": lambda x: F.nll_loss(x, _long(class_targets(x.shape))),
    "nll_loss_weighted_ignore": lambda x: F.nll_loss(x, _long(class_targets(x.shape, True)),
                                                     weight=_f64(class_weights(x.shape[1]))),
    "cross_entropy": lambda x: F.cross_entropy(x, _long(class_targets(x.shape))),
    "cross_entropy_nd": lambda x: F.cross_entropy(x, _long(class_targets(x.shape))),
    "cross_entropy_weighted_smooth": lambda x: F.cross_entropy(
        x, _long(class_targets(x.shape, True)), weight=_f64(class_weights(x.shape[1])),
        label_smoothing=0.2),
    "cross_entropy_probs": lambda x, t: F.cross_entropy(x, t * _f64(prob_pattern(tuple(x.shape)))),
    "binary_cross_entropy": lambda x, t: F.binary_cross_entropy(x, t),
    "binary_cross_entropy_with_logits": lambda x, t: F.binary_cross_entropy_with_logits(
        x, t, pos_weight=torch.tensor(2.5, dtype=torch.float64)),
    "l1_loss": lambda a, b: F.l1_loss(a, b + _f64(l1_shift(tuple(b.shape)))),
    "smooth_l1_loss": lambda a, b: F.smooth_l1_loss(a, b + _f64(huber_shift(tuple(b.shape)))),
    "huber_loss": lambda a, b: F.huber_loss(a, b + _f64(huber_shift(tuple(b.shape))), reduction="sum"),
    "embedding": lambda w: F.embedding(_long(embedding_indices(w.shape[0])), w),
}

UNARY = [(), (3,), (2, 3), (2, 1, 3)]
BINARY = [((), ()), ((2, 3), (2, 3)), ((2, 3), (3,)), ((1, 3), (2, 1)), ((), (2,)), ((2, 1, 3), (4, 1))]
def _setitem(a, b):
    out = a.clone()
    out[0] = b[0]
    return out


SHAPES = {
    "setitem": [((3,), (3,)), ((2, 3), (2, 3)), ((2, 2, 3), (2, 2, 3))],
    "sum_axis_keepdim": [(3,), (2, 3), (2, 3, 2)],
    "sum_axis0": [(3,), (2, 3), (2, 3, 2)],
    "mean_axis": [(3,), (2, 3), (2, 3, 2)],
    "max_axis": [(3,), (2, 3), (2, 3, 2)],
    "getitem_repeated": [(3,), (2, 3), (4, 2)],
    "cat": [((2, 3), (1, 3)), ((2,), (3,)), ((1, 2, 2), (2, 2, 2))],
    "stack": [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    "matmul": [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
               ((1, 2, 3), (2, 3, 4))],
    "linear": [((2, 3), (4, 3), (4,)), ((2, 2, 3), (4, 3), (4,)), ((3,), (1, 3), (1,))],
    "mse_loss": [((3,), (3,)), ((2, 3), (2, 3)), ((), ())],
    "mse_loss_sum": [((3,), (3,)), ((2, 3), (2, 3)), ((), ())],
    "conv2d": [((2, 3, 5, 4), (4, 3, 2, 3), (4,)), ((1, 1, 2, 2), (1, 1, 2, 2), (1,))],
    "conv2d_stride_pad": [((2, 2, 5, 6), (3, 2, 3, 3), (3,)), ((1, 1, 1, 2), (2, 1, 3, 3), (2,))],
    "conv2d_dilation": [((2, 2, 4, 5), (3, 2, 2, 2), (3,)), ((1, 1, 1, 3), (1, 1, 2, 2), (1,))],
    "conv2d_groups": [((2, 4, 4, 5), (6, 2, 2, 1), (6,)), ((1, 2, 2, 3), (2, 1, 2, 1), (2,))],
    "conv2d_same": [((2, 2, 4, 5), (3, 2, 2, 3), (3,)), ((1, 1, 1, 1), (1, 1, 2, 3), (1,))],
    "conv_transpose2d": [((2, 3, 2, 3), (3, 2, 3, 3)), ((1, 1, 1, 1), (1, 2, 3, 3))],
    "conv2d_weight": [((2, 3, 3, 4), (2, 2, 4, 3)), ((1, 1, 1, 2), (1, 1, 2, 1))],
    "max_pool2d": [(2, 3, 4, 5), (1, 1, 2, 2)],
    "max_pool2d_pad_ceil": [(2, 2, 5, 6), (1, 1, 1, 2)],
    "max_pool2d_dilation": [(2, 2, 4, 5), (1, 1, 3, 3)],
    "avg_pool2d": [(2, 2, 4, 5), (1, 1, 1, 2)],
    "adaptive_avg_pool2d": [(2, 2, 5, 7), (1, 1, 1, 2), (1, 2, 4, 6)],
    "batch_norm": [((4, 3, 2, 3), (3,), (3,)), ((3, 2), (2,), (2,)), ((2, 2, 3), (2,), (2,))],
    "layer_norm": [((2, 3, 4), (3, 4), (3, 4)), ((5,), (5,), (5,)), ((2, 1, 3), (3,), (3,))],
    "gather": [(3,), (2, 3), (2, 3, 2)],
    "scatter_add": [((3,), (3,)), ((2, 3), (2, 3)), ((2, 1, 3), (2, 1, 3))],
    "index_select": [(3,), (2, 3), (4, 2)],
    "sort_values": [(3,), (2, 3), (2, 3, 2)],
    "topk_values": [(3,), (2, 3), (2, 1, 4)],
    "mm": [((2, 3), (3, 4)), ((1, 1), (1, 2))],
    "bmm": [((2, 2, 3), (2, 3, 4)), ((1, 3, 1), (1, 1, 2))],
    "mv": [((2, 3), (3,)), ((1, 1), (1,))],
    "dot": [((3,), (3,)), ((1,), (1,))],
    "outer": [((2,), (3,)), ((1,), (4,))],
    "addmm": [((2, 4), (2, 3), (3, 4)), ((4,), (2, 3), (3, 4)), ((), (1, 2), (2, 1))],
    "logsumexp": [(3,), (2, 3), (2, 3, 2)],
    "logsumexp_keepdim": [(3,), (2, 3), (2, 3, 2)],
    "nll_loss": [(1, 1), (3, 4), (5, 2)],
    "nll_loss_weighted_ignore": [(2, 3), (3, 4), (5, 2)],
    "cross_entropy": [(1, 1), (3, 4), (5, 2)],
    "cross_entropy_nd": [(2, 3, 2), (3, 4, 1), (1, 2, 3)],
    "cross_entropy_weighted_smooth": [(2, 3), (3, 4), (5, 2)],
    "cross_entropy_probs": [((1, 1), (1, 1)), ((3, 4), (3, 4)), ((2, 3, 2), (2, 3, 2))],
    "binary_cross_entropy": [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    "binary_cross_entropy_with_logits": [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    "l1_loss": [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    "smooth_l1_loss": [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    "huber_loss": [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    "embedding": [(1, 2), (3, 1), (4, 3)],
}


# the scan and matrix ops (catalogue_reduce.py): S = x x^T + I, or x plus a spread diagonal
def _spd(x, diag=None):
    eye = torch.eye(x.shape[0], dtype=torch.float64)
    return x @ x.T + (eye if diag is None else eye + _f64(diag))


def _plus(x, first):
    return x + _f64(reduce_spread(tuple(x.shape), first))


TORCH.update({
    "cumsum": lambda x: x.cumsum(-1),
    "det": lambda x: torch.linalg.det(_spd(x)),
    "logabsdet": lambda x: torch.linalg.slogdet(_spd(x))[1],
    "inverse": lambda x: torch.linalg.inv(_spd(x)),
    "solve": lambda x, y: torch.linalg.solve(_spd(x), y),
    "pinv": lambda x: torch.linalg.pinv(_plus(x, 5)),
    "cholesky": lambda x: torch.linalg.cholesky(_spd(x)),
    "svdvals": lambda x: torch.linalg.svdvals(_plus(x, 5)),
    "eigvalsh": lambda x: torch.linalg.eigvalsh(_spd(x, reduce_spread((x.shape[0],) * 2, 0))),
    "einsum_rows": lambda a, b: torch.einsum("ij,ij->i", a, b),
    "einsum_trace": lambda a: torch.einsum("ii", _spd(a)),
})
_MATRICES = [(2, 3), (3, 3), (3, 1)]
SHAPES.update({"cumsum": [(3,), (2, 3), (2, 3, 2)], "solve": [((2, 3), (2, 3)), ((3, 3), (3, 3))],
               "einsum_rows": [((2, 3), (2, 3)), ((1, 4), (1, 4))],
               **{n: _MATRICES for n in ("det", "logabsdet", "inverse", "pinv", "cholesky", "svdvals",
                                         "eigvalsh", "einsum_trace")}})

def _shapes(case):
    if case.name in SHAPES:
        return [s if case.n_inputs > 1 else (s,) for s in SHAPES[case.name]]
    return BINARY if case.n_inputs == 2 else [(s,) for s in UNARY]


def _inputs(case, shapes, seed):
    rng = np.random.default_rng(seed)
    domains = case.domain if isinstance(case.domain, list) else [case.domain] * case.n_inputs
    out = []
    for shape, (lo, hi) in zip(shapes, domains):
        x = rng.uniform(lo, hi, size=shape)
        for a in case.avoid:  # keep away from kinks: move the point 0.1 further from a
            near = np.abs(x - a) < 0.1
            x = np.where(near, np.where(x >= a, a + 0.1, a - 0.1), x)
        out.append(np.asarray(x, dtype=np.float64))
    return out


PARAMS = [(case, shapes) for case in CATALOGUE for shapes in _shapes(case)]
IDS = [f"{c.name}-{'-'.join('x'.join(map(str, s)) or '0d' for s in sh)}" for c, sh in PARAMS]



# ops/elementwise2.py and the composed maths (catalogue_math.py): each entry calls Tensor methods
# that PyTorch spells the same way, so its own function is PyTorch's spelling too
TORCH.update({case["name"]: case["fn"] for case in MATH_CASES})

def test_catalogue_every_entry_has_a_torch_spelling():
    assert sorted(c.name for c in CATALOGUE) == sorted(TORCH)


@pytest.mark.parametrize("case,shapes", PARAMS, ids=IDS)
def test_catalogue_value_and_grad(case, shapes, seed):
    xs = _inputs(case, shapes, seed)
    ours_in = [tg.tensor(x.copy(), dtype=tg.float64, requires_grad=True) for x in xs]
    ref_in = [torch.tensor(x.copy(), dtype=torch.float64, requires_grad=True) for x in xs]
    ours_out = case.fn(*ours_in, **case.kwargs)
    ref_out = TORCH[case.name](*ref_in)
    u = np.random.default_rng(seed + 100).uniform(-1, 1, size=tuple(ref_out.shape))
    (ours_out * tg.tensor(u, dtype=tg.float64)).sum().backward()
    (ref_out * torch.tensor(u, dtype=torch.float64)).sum().backward()
    assert_same({"out": ours_out, "grads": [v.grad for v in ours_in]},
                {"out": ref_out, "grads": [v.grad for v in ref_in]})
