"""``nn.functional``: the layers as functions, and their fused ops.

``linear`` and ``mse_loss`` are single graph nodes rather than chains of primitive ops: fewer
nodes means less Python per training step (see docs/performance.md). Their backwards are written
with differentiable ops, so they stay twice differentiable.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..dtypes import as_data
from ..ops import LinearFunction, MSEFunction
from ..value import Value
from .functional_act import (
    dropout,
    elu,
    embedding,
    gelu,
    leaky_relu,
    log_softmax,
    one_hot,
    silu,
    softmax,
    softplus,
)
from .functional_loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    nll_loss,
    smooth_l1_loss,
)

__all__ = ["relu", "sigmoid", "tanh", "linear", "mse_loss", "LinearFunction", "MSEFunction"]
__all__ += ["softmax", "log_softmax", "leaky_relu", "elu", "gelu", "silu", "softplus", "dropout",
            "one_hot", "embedding", "cross_entropy", "nll_loss", "binary_cross_entropy",
            "binary_cross_entropy_with_logits", "l1_loss", "smooth_l1_loss", "huber_loss"]


def relu(x: Value) -> Value:
    return x.relu()


def sigmoid(x: Value) -> Value:
    return x.sigmoid()


def tanh(x: Value) -> Value:
    return x.tanh()


def linear(x: Value, weight: Value, bias: Value | None = None) -> Value:
    """``x @ weight.T + bias`` for any input shape ``(..., in_features)``."""
    if bias is None:
        return LinearFunction.apply(x, weight)
    return LinearFunction.apply(x, weight, bias)


_REDUCTIONS = ("mean", "sum", "none")


def mse_loss(input: Value, target: Any, reduction: str = "mean") -> Value:  # noqa: A002
    """Mean squared error. Warns, as PyTorch does, when the target would broadcast."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    t_shape = (target._data if isinstance(target, Value) else as_data(target)).shape
    if t_shape != (input._data.shape if isinstance(input, Value) else np.shape(input)):
        warnings.warn(
            f"Using a target size ({t_shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            f"Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
        try:
            np.broadcast_shapes(t_shape, input.shape)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({input.shape}) must match the size of tensor b "
                f"({t_shape}): mse_loss could not broadcast the target against the input"
            ) from None
    return MSEFunction.apply(input, target, reduction=reduction)


# ---------------------------------------------------------------- convolution, pooling, norms
# (written in nn/conv.py, nn/pooling.py and nn/normalization.py, next to their layers)
from .conv import conv2d  # noqa: E402
from .normalization import batch_norm, layer_norm  # noqa: E402
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d  # noqa: E402

__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm", "layer_norm"]

# ---------------------------------------------------------------- attention (nn/attention.py)
from .attention import (  # noqa: E402,F401
    _canonical_mask,
    _none_or_dtype,
    multi_head_attention_forward,
    scaled_dot_product_attention,
)

__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]

# ---------------------------------------------------------------- more layers as functions
# (nn/functional_more.py, functional_loss2.py, padding.py, conv1d3d.py, pooling2.py, pooling3.py,
#  norm2.py, upsampling.py, embedding_bag.py)
from .conv1d3d import (  # noqa: E402
    conv1d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .embedding_bag import (  # noqa: E402
    embedding_bag,
)
from .functional_loss2 import (  # noqa: E402
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    kl_div,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from .functional_more import (  # noqa: E402
    alpha_dropout,
    bilinear,
    celu,
    celu_,
    channel_shuffle,
    cosine_similarity,
    dropout1d,
    dropout2d,
    dropout3d,
    elu_,
    feature_alpha_dropout,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu_,
    logsigmoid,
    mish,
    normalize,
    pairwise_distance,
    pdist,
    pixel_shuffle,
    pixel_unshuffle,
    prelu,
    relu6,
    relu_,
    rrelu,
    rrelu_,
    selu,
    selu_,
    softmin,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)
from .norm2 import (  # noqa: E402
    group_norm,
    instance_norm,
    local_response_norm,
    rms_norm,
)
from .padding import (  # noqa: E402
    pad,
)
from .pooling2 import (  # noqa: E402
    avg_pool1d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .pooling3 import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    fold,
    unfold,
)
from .upsampling import (  # noqa: E402
    interpolate,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ += [
    "hardtanh", "hardtanh_", "relu6", "relu_", "selu", "selu_", "celu", "celu_", "elu_", "leaky_relu_",
    "threshold", "threshold_", "glu", "hardshrink", "softshrink", "hardsigmoid", "hardswish",
    "logsigmoid", "mish", "softmin", "softsign", "tanhshrink", "rrelu", "rrelu_", "prelu", "normalize",
    "cosine_similarity", "pairwise_distance", "pdist", "dropout1d", "dropout2d", "dropout3d",
    "alpha_dropout", "feature_alpha_dropout", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
    "bilinear", "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
    "soft_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss",
    "poisson_nll_loss", "gaussian_nll_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "pad", "conv1d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d", "max_pool3d_with_indices",
    "avg_pool1d", "avg_pool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
    "max_unpool3d", "adaptive_avg_pool1d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "unfold", "fold", "group_norm",
    "instance_norm", "local_response_norm", "rms_norm", "interpolate", "upsample", "upsample_nearest",
    "upsample_bilinear", "embedding_bag"
]

# ---------------------------------------------------------------- sampling (nn/sampling.py)
from .sampling import affine_grid, grid_sample, gumbel_softmax  # noqa: E402

__all__ += ["affine_grid", "grid_sample", "gumbel_softmax"]

# ---------------------------------------------------------------- CTC (nn/ctc.py)
from .ctc import ctc_loss  # noqa: E402

__all__ += ["ctc_loss"]
