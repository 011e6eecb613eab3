"""The activation, softmax, dropout, one-hot and embedding functions of ``nn.functional``
(re-exported there). Checks and messages follow PyTorch; the arithmetic is in ``ops/``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..ops import ELU, GELU, EmbeddingFunction, LeakyReLU, SiLU, Softplus
from ..random import rng
from ..state import no_grad
from ..value import Value
from .functional_loss import raw

__all__ = ["softmax", "log_softmax", "leaky_relu", "elu", "gelu", "silu", "softplus", "dropout",
           "one_hot", "embedding"]


def _implicit_dim(name: str, ndim: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  f"include dim=X as an argument.", UserWarning, stacklevel=4)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Value, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
            dtype: Any = None) -> Value:
    """``exp(x) / exp(x).sum(dim, keepdim=True)``, computed stably (the max is subtracted first)."""
    return input.softmax(_implicit_dim("softmax", input.ndim) if dim is None else dim, dtype)


def log_softmax(input: Value, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
                dtype: Any = None) -> Value:
    """``x - logsumexp(x, dim)``: stable log-probabilities (use with nll_loss)."""
    return input.log_softmax(_implicit_dim("log_softmax", input.ndim) if dim is None else dim, dtype)


def _maybe_inplace(input: Value, out: Value, inplace: bool) -> Value:  # noqa: A002
    """``inplace=True`` writes the result into ``input`` (refused, as in PyTorch, for a leaf that
    requires grad) and returns it."""
    return input.copy_(out) if inplace else out


def leaky_relu(input: Value, negative_slope: float = 0.01, inplace: bool = False) -> Value:  # noqa: A002
    """``x`` where x > 0, else ``negative_slope * x``."""
    return _maybe_inplace(input, LeakyReLU.apply(input, negative_slope=negative_slope), inplace)


def elu(input: Value, alpha: float = 1.0, inplace: bool = False) -> Value:  # noqa: A002
    """``x`` where x > 0, else ``alpha * (exp(x) - 1)``."""
    return _maybe_inplace(input, ELU.apply(input, alpha=alpha), inplace)


def gelu(input: Value, approximate: str = "none") -> Value:  # noqa: A002
    """``x * Phi(x)`` (Phi the standard normal CDF, through erf), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh. (got {approximate!r})")
    return GELU.apply(input, approximate=approximate)


def silu(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """``x * sigmoid(x)``."""
    return _maybe_inplace(input, SiLU.apply(input), inplace)


def softplus(input: Value, beta: float = 1.0, threshold: float = 20.0) -> Value:  # noqa: A002
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``."""
    return Softplus.apply(input, beta=beta, threshold=threshold)


def dropout(input: Value, p: float = 0.5, training: bool = True, inplace: bool = False) -> Value:  # noqa: A002
    """Inverted dropout: in training, zero each element with probability ``p`` and scale the rest
    by ``1/(1-p)``, so the expected value is unchanged; otherwise return ``input`` itself. The
    mask comes from tinygrad_edu's generator, so ``manual_seed`` makes it repeatable."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    dtype = input.dtype
    if p == 1.0:
        mask = np.zeros(input.shape, dtype=dtype)
    else:
        keep = rng().random(input.shape) >= p
        mask = keep.astype(dtype) * dtype.type(1 / (1 - p))
    return _maybe_inplace(input, input * Value(mask), inplace)


def one_hot(tensor: Value, num_classes: int = -1) -> Value:
    """``(..., num_classes)`` int64 rows with a 1 at each class index (num_classes=-1: max + 1)."""
    t = raw(tensor)
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if t.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return Value(np.zeros(t.shape + (num_classes,), dtype=np.int64))
    if t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(t.max()) + 1
    elif t.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes. (got class {int(t.max())}"
                           f" with num_classes={num_classes})")
    return Value((t[..., None] == np.arange(num_classes)).astype(np.int64))


def check_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
    """PyTorch's check and normalisation of ``padding_idx`` (a negative one counts from the end)."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_embeddings


def embedding(input: Any, weight: Value, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Value:
    """``weight[input]``: one row of ``weight`` per integer index. The row ``padding_idx`` gets no
    gradient; ``max_norm`` first rescales (in place) each looked-up row whose norm exceeds it;
    ``scale_grad_by_freq`` divides each row's gradient by how often it occurs in ``input``.
    ``sparse=True`` is accepted, but the gradient is dense (see docs/pytorch-differences.md)."""
    idx = raw(input)
    if idx.dtype not in (np.int64, np.int32):
        kind = {"float64": "Double", "float32": "Float", "bool": "Bool"}.get(str(idx.dtype), str(idx.dtype))
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following "
                           f"scalar types: Long, Int; but got torch.{kind}Tensor instead (while "
                           f"checking arguments for embedding)")
    n = weight.shape[0]
    padding_idx = check_padding_idx(padding_idx, n)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].ravel()[0]
        raise IndexError(f"index out of range in self (index {bad}, num_embeddings {n})")
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    scale = np.ones(idx.shape) if padding_idx is not None or scale_grad_by_freq else None
    if scale_grad_by_freq:
        scale = scale / np.bincount(idx.ravel(), minlength=n)[idx]
    if padding_idx is not None:
        scale = scale * (idx != padding_idx)
    return EmbeddingFunction.apply(weight, indices=idx.astype(np.int64), row_scale=scale)


def _renorm(weight: Value, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rows of ``weight`` used by ``idx`` whose norm exceeds ``max_norm`` are scaled down to it,
    in place and outside the graph (PyTorch's embedding_renorm_)."""
    rows = np.unique(idx)
    data = raw(weight)[rows]
    norms = np.sum(np.abs(data) ** norm_type, axis=1) ** (1 / norm_type)
    big = norms > max_norm
    if big.any():
        with no_grad():
            weight[rows[big]] = data[big] * (max_norm / (norms[big] + 1e-7))[:, None]
