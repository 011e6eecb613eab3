"""More of ``nn.functional`` (re-exported there): piecewise and smooth activations, their in-place
forms, normalising and distances, channel dropout, pixel and channel shuffles, ``bilinear``.

Every function is a composition of existing methods (``clamp``, ``where``, ``exp``, ``softplus``,
indexing, ``reshape``/``permute``), so gradients of every order come from the ops underneath.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..random import rng
from ..toplevel import where
from ..value import Value
from .functional_act import _implicit_dim, _maybe_inplace, dropout, elu, leaky_relu, softplus

__all__ = ["hardtanh", "hardtanh_", "relu6", "relu_", "selu", "selu_", "celu", "celu_", "elu_",
           "leaky_relu_", "threshold", "threshold_", "glu", "hardshrink", "softshrink", "hardsigmoid",
           "hardswish", "logsigmoid", "mish", "softmin", "softsign", "tanhshrink", "rrelu", "rrelu_",
           "prelu", "normalize", "cosine_similarity", "pairwise_distance", "pdist", "vector_norm",
           "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
           "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "bilinear"]

def _apply(input: Value, fn: Any, inplace: bool) -> Value:  # noqa: A002
    """``fn(input)``, or with ``inplace`` written into ``input`` (refused, as in PyTorch, for a leaf
    that requires grad). The op runs on a copy, so what it saves for backward stays unchanged."""
    return input.copy_(fn(input.clone())) if inplace else fn(input)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# ---------------------------------------------------------------- piecewise activations
def hardtanh(input: Value, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False) -> Value:
    """``x`` clamped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _apply(input, lambda v: v.clamp(min_val, max_val), inplace)


def hardtanh_(input: Value, min_val: float = -1.0, max_val: float = 1.0) -> Value:  # noqa: A002
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """``min(max(0, x), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def relu_(input: Value) -> Value:  # noqa: A002
    return input.relu_()


def selu(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """``scale * elu(x, alpha)`` with the self-normalising constants of Klambauer et al."""
    return _apply(input, lambda v: elu(v, SELU_ALPHA) * SELU_SCALE, inplace)


def selu_(input: Value) -> Value:  # noqa: A002
    return selu(input, inplace=True)


def celu(input: Value, alpha: float = 1.0, inplace: bool = False) -> Value:  # noqa: A002
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` = ``alpha * elu(x / alpha)``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _apply(input, lambda v: elu(v / alpha) * alpha, inplace)


def celu_(input: Value, alpha: float = 1.0) -> Value:  # noqa: A002
    return celu(input, alpha, inplace=True)


def elu_(input: Value, alpha: float = 1.0) -> Value:  # noqa: A002
    return _apply(input, lambda v: elu(v, alpha), True)


def leaky_relu_(input: Value, negative_slope: float = 0.01) -> Value:  # noqa: A002
    return _apply(input, lambda v: leaky_relu(v, negative_slope), True)


def _threshold(input: Value, limit: float, value: float, inplace: bool) -> Value:  # noqa: A002
    return _apply(input, lambda v: where(v.detach() > limit, v, float(value)), inplace)


def threshold(input: Value, threshold: float, value: float, inplace: bool = False) -> Value:  # noqa: A002
    """``x`` where ``x > threshold``, else ``value``."""
    return _threshold(input, threshold, value, inplace)


def threshold_(input: Value, threshold: float, value: float) -> Value:  # noqa: A002
    return _threshold(input, threshold, value, True)


def glu(input: Value, dim: int = -1) -> Value:  # noqa: A002
    """``a * sigmoid(b)`` where ``a, b`` are the two halves of ``input`` along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim if -input.ndim <= dim < input.ndim else dim
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    first = (slice(None),) * d
    return input[first + (slice(0, n // 2),)] * input[first + (slice(n // 2, n),)].sigmoid()


def _check_lambd(input: Value, lambd: float) -> None:  # noqa: A002
    if lambd < 0:
        kind = "Double" if input.dtype == np.float64 else "Float"
        raise RuntimeError(f"lambda must be in range [0, 1.79769e+308] for input dtype {kind}, but "
                           f"found {lambd:g}")


def hardshrink(input: Value, lambd: float = 0.5) -> Value:  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0."""
    return where(input.detach().abs() > lambd, input, 0.0)


def softshrink(input: Value, lambd: float = 0.5) -> Value:  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    _check_lambd(input, lambd)
    x = input.detach()
    return where(x > lambd, input - lambd, where(x < -lambd, input + lambd, 0.0))


def hardsigmoid(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """``clamp(x / 6 + 1/2, 0, 1)``."""
    return _apply(input, lambda v: (v / 6 + 0.5).clamp(0.0, 1.0), inplace)


def hardswish(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """``x * clamp(x + 3, 0, 6) / 6``."""
    return _apply(input, lambda v: v * (v + 3).clamp(0.0, 6.0) / 6, inplace)


def logsigmoid(input: Value) -> Value:  # noqa: A002
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    return -softplus(-input)


def mish(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """``x * tanh(softplus(x))``."""
    return _apply(input, lambda v: v * softplus(v).tanh(), inplace)


def softmin(input: Value, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
            dtype: Any = None) -> Value:
    """``softmax(-x)`` along ``dim``."""
    return (-input).softmax(_implicit_dim("softmin", input.ndim) if dim is None else dim, dtype)


def softsign(input: Value) -> Value:  # noqa: A002
    """``x / (1 + |x|)``."""
    return input / (input.abs() + 1)


def tanhshrink(input: Value) -> Value:  # noqa: A002
    """``x - tanh(x)``."""
    return input - input.tanh()


def rrelu(input: Value, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
          training: bool = False, inplace: bool = False) -> Value:
    """Leaky ReLU with a random slope per element, drawn from U(lower, upper) in training; the
    fixed slope ``(lower + upper) / 2`` otherwise."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return _apply(input, lambda v: leaky_relu(v, (lower + upper) / 2), inplace)
    slope = rng().uniform(lower, upper, input.shape).astype(input.dtype)
    slope = np.where(input.detach().numpy() >= 0, 1.0, slope).astype(input.dtype)
    return _apply(input, lambda v: v * Value(slope), inplace)


def rrelu_(input: Value, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
           training: bool = False) -> Value:
    return rrelu(input, lower, upper, training, inplace=True)


def prelu(input: Value, weight: Value) -> Value:  # noqa: A002
    """``x`` where x > 0, else ``weight * x``; ``weight`` has one slope, or one per channel (axis
    1; an input of fewer than 2 dims has 1 channel)."""
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = int(np.prod(weight.shape))
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter "
                           f"numbers = {n} and channel size = {channels}.")
    w = weight.reshape(()) if n == 1 else weight.reshape((1, channels) + (1,) * (input.ndim - 2))
    return input.relu() - w * (-input).relu()


# ---------------------------------------------------------------- norms and distances
def vector_norm(x: Value, p: float = 2.0, dim: Any = None, keepdim: bool = False) -> Value:
    """``sum(|x|^p)^(1/p)`` along ``dim`` (p = inf: max |x|; p = 2 through sqrt)."""
    if p == math.inf:
        return x.abs().amax(dim, keepdim)
    if p == -math.inf:
        return x.abs().amin(dim, keepdim)
    if p == 2:
        return (x * x).sum(dim, keepdim).sqrt()
    if p == 1:
        return x.abs().sum(dim, keepdim)
    if p == 0:
        return Value((x.detach().numpy() != 0).sum(axis=dim, keepdims=keepdim).astype(x.dtype))
    return (x.abs() ** p).sum(dim, keepdim) ** (1.0 / p)


def normalize(input: Value, p: float = 2.0, dim: int = 1, eps: float = 1e-12,  # noqa: A002
              out: Any = None) -> Value:
    """``x / max(||x||_p, eps)`` along ``dim``."""
    return input / vector_norm(input, p, dim, keepdim=True).clamp(min=eps).expand_as(input)


def _broadcast_pair(x1: Value, x2: Value) -> tuple[Value, Value]:
    try:
        shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        a, b = tuple(x1.shape), tuple(x2.shape)
        n = max(len(a), len(b))
        a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
        i = next(i for i in range(n - 1, -1, -1) if a[i] != b[i] and 1 not in (a[i], b[i]))
        raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) "
                           f"at non-singleton dimension {i}") from None
    return x1.broadcast_to(shape), x2.broadcast_to(shape)


def cosine_similarity(x1: Value, x2: Value, dim: int = 1, eps: float = 1e-8) -> Value:
    """``sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps))`` along ``dim`` (as PyTorch, each input
    is divided by its own norm first, which keeps the result in [-1, 1])."""
    a, b = _broadcast_pair(x1, x2)
    na = vector_norm(a, 2, dim, keepdim=True)
    nb = vector_norm(b, 2, dim, keepdim=True)
    na = na + (na.detach().clamp(min=eps) - na.detach())  # PyTorch clamps outside the graph
    nb = nb + (nb.detach().clamp(min=eps) - nb.detach())
    return ((a / na) * (b / nb)).sum(dim)


def pairwise_distance(x1: Value, x2: Value, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Value:
    """``||x1 - x2 + eps||_p`` along the last axis."""
    a, b = _broadcast_pair(x1, x2)
    dim = -1 if a.ndim else None
    return vector_norm(a - b + eps, p, dim, keepdim)


def pdist(input: Value, p: float = 2.0) -> Value:  # noqa: A002
    """The ``p``-norm distances between every pair of rows ``i < j`` of an (N, M) input."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(input.shape[0], 1)
    return vector_norm(input[i] - input[j], p, 1)


# ---------------------------------------------------------------- channel dropout
def _channel_dropout(name: str, input: Value, p: float, training: bool, inplace: bool,  # noqa: A002
                     spatial: int) -> Value:
    """PyTorch's ``feature_dropout``: one mask value per (sample, channel). As in PyTorch, a 3-D
    input to dropout2d is read as (N, C, L); dropout1d and dropout3d read the smaller rank as one
    sample without a batch axis."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    ranks = (spatial + 1, spatial + 2)
    note = (f"Note that {name} exists to provide channel-wise dropout on inputs with {spatial} "
            f"spatial dimension{'s' if spatial > 1 else ''}, a channel dimension, and an optional "
            f"batch dimension (i.e. {ranks[0]}D or {ranks[1]}D inputs).")
    if input.ndim not in ranks:
        if spatial == 1:
            raise RuntimeError(f"{name}: Expected {ranks[0]}D or {ranks[1]}D input, but received a "
                               f"{input.ndim}D input. {note}")
        warnings.warn(f"{name}: Received a {input.ndim}-D input to {name}, which is deprecated and "
                      f"will result in an error in a future release. To retain the behavior and "
                      f"silence this warning, please use dropout instead. {note}", UserWarning,
                      stacklevel=3)
    elif spatial == 2 and input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
                      "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
                      "is the channel dim. This behavior will change in a future release to interpret "
                      "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
                      "the 1D channel-wise dropout behavior, please switch to using dropout1d "
                      "instead.", UserWarning, stacklevel=3)
    if not training or p == 0.0:
        return input
    unbatched = spatial != 2 and input.ndim == ranks[0]
    lead = tuple(input.shape[:1] if unbatched else input.shape[:2])
    shape = lead + (1,) * (input.ndim - len(lead))
    keep = rng().random(shape) >= p
    mask = np.zeros(shape, input.dtype) if p == 1.0 else keep.astype(input.dtype) / (1 - p)
    return _maybe_inplace(input, input * Value(mask.astype(input.dtype)), inplace)


def dropout1d(input: Value, p: float = 0.5, training: bool = True, inplace: bool = False) -> Value:  # noqa: A002
    """Zero whole channels (axis -2 of (N, C, L) or (C, L)) with probability ``p``, scale the others
    by ``1/(1-p)``."""
    return _channel_dropout("dropout1d", input, p, training, inplace, 1)


def dropout2d(input: Value, p: float = 0.5, training: bool = True, inplace: bool = False) -> Value:  # noqa: A002
    """Zero whole channels of (N, C, H, W) or (C, H, W) inputs with probability ``p``."""
    return _channel_dropout("dropout2d", input, p, training, inplace, 2)


def dropout3d(input: Value, p: float = 0.5, training: bool = True, inplace: bool = False) -> Value:  # noqa: A002
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability ``p``."""
    return _channel_dropout("dropout3d", input, p, training, inplace, 3)


def _alpha_dropout(input: Value, p: float, training: bool, feature: bool) -> Value:  # noqa: A002
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    alpha = -SELU_ALPHA * SELU_SCALE
    a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    keep = (rng().random(shape) >= p).astype(input.dtype)
    return input * Value((a * keep).astype(input.dtype)) + Value(
        ((1 - keep) * alpha * a - a * alpha * p).astype(input.dtype))


def alpha_dropout(input: Value, p: float = 0.5, training: bool = False,  # noqa: A002
                  inplace: bool = False) -> Value:
    """Dropout for SELU networks: dropped elements become SELU's negative saturation value, then an
    affine map restores the mean and variance."""
    return _maybe_inplace(input, _alpha_dropout(input, p, training, False), inplace and training)


def feature_alpha_dropout(input: Value, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False) -> Value:
    """Alpha dropout of whole channels."""
    return _maybe_inplace(input, _alpha_dropout(input, p, training, True), inplace and training)


# ---------------------------------------------------------------- shuffles and bilinear
def pixel_shuffle(input: Value, upscale_factor: int) -> Value:  # noqa: A002
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by "
                           f"the square of upscale_factor, but input.size(-3)={c} is not divisible "
                           f"by {r * r}")
    k = len(lead)
    x = input.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    x = x.permute(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return x.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Value, downscale_factor: int) -> Value:  # noqa: A002
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of pixel_shuffle."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    for name, size, axis in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, "
                               f"but input.size({axis})={size} is not divisible by {r}")
    k = len(lead)
    x = input.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    x = x.permute(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return x.reshape(tuple(lead) + (c * r * r, h // r, w // r))


def channel_shuffle(input: Value, groups: int) -> Value:  # noqa: A002
    """(N, g * k, *) -> channels reordered as (k, g): channel ``i * k + j`` goes to ``j * g + i``."""
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{groups} groups.")
    x = input.reshape((n, groups, c // groups) + tuple(rest)).transpose(1, 2)
    return x.reshape(tuple(input.shape))


def bilinear(input1: Value, input2: Value, weight: Value, bias: Value | None = None) -> Value:
    """``y[..., o] = x1 @ weight[o] @ x2 + bias[o]`` with ``weight`` (out, in1, in2)."""
    o, i1, i2 = weight.shape
    if input1.shape[-1] != i1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {i1}")
    if input2.shape[-1] != i2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {i2}")
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    t = input1 @ weight.permute(1, 0, 2).reshape(i1, o * i2)
    y = (t.reshape(tuple(input1.shape[:-1]) + (o, i2)) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias


_ = dropout  # re-exported by functional.py alongside these
