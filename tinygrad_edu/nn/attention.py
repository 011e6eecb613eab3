"""Attention as PyTorch computes it, built from existing ops (so gradients and higher order come free).

- :func:`scaled_dot_product_attention`: ``softmax(q @ k^T * scale + mask) @ v``. A bool ``attn_mask``
  says which positions TAKE PART (True = attend); a float mask is added to the scores. Rows where
  every key is masked give zeros (PyTorch's "safe softmax"), with zero gradients, not NaN.
- :func:`multi_head_attention_forward`: what ``nn.MultiheadAttention`` runs, step by step as in
  ``torch.nn.functional``: in-projection, optional ``bias_k``/``bias_v`` and zero attention, masks
  merged into one additive float mask (here a bool mask means True = NOT allowed), attention per
  head, out-projection. With ``need_weights=True`` it uses a plain softmax (a fully masked row is
  NaN, as in PyTorch) and also returns the weights; otherwise it calls
  :func:`scaled_dot_product_attention`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..ops import LinearFunction
from ..toplevel import cat
from ..value import Value
from .functional_act import dropout

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _np(x: Any) -> np.ndarray:
    return x.detach().numpy() if isinstance(x, Value) else np.asarray(x)


def _is_float(x: Any) -> bool:
    return np.dtype(x.dtype).kind == "f"


def _const(data: np.ndarray) -> Value:
    return Value(np.ascontiguousarray(data))


def _linear(x: Value, w: Value, b: Value | None) -> Value:
    """``F.linear`` (the same one-node op; nn.functional itself imports this module)."""
    return LinearFunction.apply(x, w) if b is None else LinearFunction.apply(x, w, b)


def _safe_softmax(scores: Value) -> Value:
    """Softmax over the last axis; a row that is -inf everywhere gives zeros (and zero gradient)."""
    dead = np.all(np.isneginf(_np(scores)), axis=-1, keepdims=True)
    if not dead.any():
        return scores.softmax(-1)
    return scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def _matmul_check(a: tuple, b: tuple) -> None:
    """PyTorch's message when ``a @ b`` (a: (..., n, m), b: (..., p, q)) has m != p."""
    if a[-1] == b[-2]:
        return
    if len(a) == 2 and len(b) == 2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})")
    batch = int(np.prod(a[:-2]))
    raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                       f"[{batch}, {a[-1]}] but got: [{batch}, {b[-2]}].")


def scaled_dot_product_attention(query: Value, key: Value, value: Value, attn_mask: Value | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None, enable_gqa: bool = False) -> Value:
    """``softmax(query @ key.T * scale + mask) @ value`` over the last two axes (PyTorch's math path).

    ``scale`` defaults to ``1/sqrt(E)``. ``is_causal`` masks keys after each query (top-left
    aligned when L != S). ``enable_gqa`` repeats key/value heads (axis -3) to the query's count.
    Dropout on the weights is always applied when ``dropout_p > 0`` (pass 0 in evaluation).
    """
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but got "
                           f"query.dim: {query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} "
                           "instead.")
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                           "is_causal=True")
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if attn_mask is not None and attn_mask.dtype != np.bool_ and not _is_float(attn_mask):
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {attn_mask.dtype} and  query.dtype: {query.dtype} instead.")
    L, E, S = query.shape[-2], query.shape[-1], key.shape[-2]
    if enable_gqa and query.ndim >= 3 and key.ndim >= 3:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in query")
        key, value = _repeat_heads(key, hq // hk), _repeat_heads(value, hq // hv)
    _matmul_check(tuple(query.shape), (*key.shape[:-2], key.shape[-1], S))
    _matmul_check((*query.shape[:-1], S), tuple(value.shape))
    factor = 1.0 / math.sqrt(E) if scale is None else float(scale)
    scores = query.matmul(key.transpose(-2, -1)) * factor
    if is_causal:
        attn_mask = _const(np.tril(np.ones((L, S), dtype=bool)))
    if attn_mask is not None:
        if attn_mask.dtype == np.bool_:
            attn_mask = _const(np.where(_np(attn_mask), 0.0, -np.inf).astype(scores.dtype))
        scores = scores + attn_mask
    weights = _safe_softmax(scores)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights.matmul(value)


def _repeat_heads(x: Value, r: int) -> Value:
    """``x.repeat_interleave(r, dim=-3)`` by unsqueeze, expand and reshape."""
    if r == 1:
        return x
    *lead, h, s, e = x.shape
    return x.unsqueeze(-3).expand(*lead, h, r, s, e).reshape(*lead, h * r, s, e)


def _canonical_mask(mask: Value | None, mask_name: str, other_type: Any, other_name: str,
                    target_type: Any, check_other: bool = True) -> Value | None:
    """A bool mask (True = not allowed) becomes an additive float mask of ``target_type``
    (0 and -inf); a float mask is returned as it is; anything else is refused."""
    if mask is None:
        return None
    is_float = _is_float(mask)
    if mask.dtype != np.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=3)
    if not is_float:
        mask = _const(np.where(_np(mask), -np.inf, 0.0).astype(target_type))
    return mask


def _none_or_dtype(x: Value | None) -> Any:
    if x is None:
        return None
    if isinstance(x, Value):
        return x.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _shape_check(query: Value, key: Value, value: Value, key_padding_mask: Value | None,
                 attn_mask: Value | None, num_heads: int) -> bool:
    """PyTorch's ``_mha_shape_check``: True for batched (3-D) input, False for unbatched (2-D)."""
    q = query.ndim
    if q not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {q}-D "
                             "query tensor")
    kind = "batched (3-D)" if q == 3 else "unbatched (2-D)"
    if key.ndim != q or value.ndim != q:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {q}-D but found "
                             f"{key.ndim}-D and {value.ndim}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != q - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or {q - 1}-D "
                             f"but found {key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.ndim}-D tensor instead")
        want = (num_heads, query.shape[0], key.shape[0])
        if q == 2 and attn_mask.ndim == 3 and tuple(attn_mask.shape) != want:
            raise AssertionError(f"Expected `attn_mask` shape to be {want} but got {attn_mask.shape}")
    return q == 3


def _pad_one(mask: Value | None) -> Value | None:
    """``F.pad(mask, (0, 1))``: one more key column of zeros (allowed)."""
    if mask is None:
        return None
    return cat([mask, _const(np.zeros((*mask.shape[:-1], 1), dtype=mask.dtype))], -1)


def _in_projection(query: Value, key: Value, value: Value, w: Any, b: Value | None,
                   embed_dim: int) -> tuple[Value, Value, Value]:
    """q, k, v = linear(query, w_q, b_q), ...; ``w`` is the packed (3E, E) weight or a (w_q, w_k, w_v)
    triple, and ``b`` the packed (3E,) bias or None."""
    E = embed_dim
    bs = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
    if not isinstance(w, tuple):
        if query is key and key is value:
            proj = _linear(query, w, b)
            return proj[..., :E], proj[..., E:2 * E], proj[..., 2 * E:]
        w = (w[:E], w[E:2 * E], w[2 * E:])
    else:
        sizes = (query.shape[-1], key.shape[-1], value.shape[-1])
        for name, wi, s in zip(("query", "key", "value"), w, sizes):
            if tuple(wi.shape) != (E, s):
                raise AssertionError(f"expecting {name} weights shape of {(E, s)}, but got {wi.shape}")
    return tuple(_linear(x, wi, bi) for x, wi, bi in zip((query, key, value), w, bs))  # type: ignore


def multi_head_attention_forward(
        query: Value, key: Value, value: Value, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Value | None, in_proj_bias: Value | None, bias_k: Value | None,
        bias_v: Value | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Value,
        out_proj_bias: Value | None, training: bool = True, key_padding_mask: Value | None = None,
        need_weights: bool = True, attn_mask: Value | None = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Value | None = None, k_proj_weight: Value | None = None,
        v_proj_weight: Value | None = None, static_k: Value | None = None, static_v: Value | None = None,
        average_attn_weights: bool = True, is_causal: bool = False) -> tuple[Value, Value | None]:
    """PyTorch's ``F.multi_head_attention_forward``: inputs (L, N, E) or unbatched (L, E); returns
    the output and, when ``need_weights``, the attention weights (averaged over heads by default)."""
    is_batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint goes to scaled_dot_product_attention as is_causal
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, "
                             f"but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        weights: Any = (q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = in_proj_weight
    q, k, v = _in_projection(query, key, value, weights, in_proj_bias, embed_dim)
    src_len = key.shape[0]
    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                               f"{(bsz * num_heads, tgt_len, src_len)}.")
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            which = "key" if static_k is not None else "value"
            raise AssertionError(f"bias cannot be added to static {which}.")
        k = cat([k, bias_k.expand(1, bsz, embed_dim)])
        v = cat([v, bias_v.expand(1, bsz, embed_dim)])
        attn_mask, key_padding_mask = _pad_one(attn_mask), _pad_one(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k is set but bias_v is None" if bias_k is not None
                             else "bias_v is set but bias_k is None")
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, "static_k", bsz * num_heads, head_dim)
    v = _heads(v, static_v, "static_v", bsz * num_heads, head_dim)
    if add_zero_attn:
        k = cat([k, _const(np.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype))], 1)
        v = cat([v, _const(np.zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype))], 1)
        attn_mask, key_padding_mask = _pad_one(attn_mask), _pad_one(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            i = 0 if key_padding_mask.shape[0] != bsz else 1
            raise AssertionError(f"Expected key_padded_mask.shape[{i}] to be {(bsz, src_len)[i]}, but got "
                                 f"{key_padding_mask.shape[i]}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        scores = (q * math.sqrt(1.0 / float(head_dim))).matmul(k.transpose(-2, -1))
        if attn_mask is not None:
            scores = attn_mask + scores
        attn = scores.softmax(-1)
        if dropout_p > 0.0:
            attn = dropout(attn, p=dropout_p)
        out = attn.matmul(v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = _linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
        attn = attn.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            attn = attn.mean(dim=1)
        return (out, attn) if is_batched else (out.squeeze(1), attn.squeeze(0))
    if attn_mask is not None:
        if attn_mask.shape[0] == 1 and attn_mask.ndim == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    out = scaled_dot_product_attention(q.reshape(bsz, num_heads, tgt_len, head_dim),
                                       k.reshape(bsz, num_heads, src_len, head_dim),
                                       v.reshape(bsz, num_heads, src_len, head_dim),
                                       attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = _linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    return (out if is_batched else out.squeeze(1)), None


def _heads(x: Value, static: Value | None, name: str, bh: int, head_dim: int) -> Value:
    """(S, N, E) -> (N * heads, S, head_dim), or the given ``static_k``/``static_v`` after checks."""
    if static is None:
        return x.reshape(x.shape[0], bh, head_dim).transpose(0, 1)
    if static.shape[0] != bh:
        raise AssertionError(f"expecting {name}.size(0) of {bh}, but got {static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static
