"""Attention and Transformer layers (torch-free): scaled_dot_product_attention and MultiheadAttention
against numpy formulas written here, gradients with gradcheck, masks, parameters, init, errors."""

import copy
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def t(a, rg=False):
    return tg.tensor(
        np.array(a, dtype=np.float64) if not isinstance(a, np.ndarray) or a.dtype != bool else a,
        requires_grad=rg,
    )


def np_softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_sdpa(q, k, v, add=None, scale=None):
    s = q @ np.swapaxes(k, -1, -2) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if add is not None:
        s = s + add
    return np_softmax(s) @ v


# ------------------------------------------------------------------ scaled_dot_product_attention


def test_sdpa_value_plain_and_scale():
    q, k, v = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 5, 4)), RNG.standard_normal((2, 5, 6))
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(t(q), t(k), t(v)).detach().numpy(), np_sdpa(q, k, v), rtol=1e-12
    )
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(t(q), t(k), t(v), scale=0.3).detach().numpy(),
        np_sdpa(q, k, v, scale=0.3),
        rtol=1e-12,
    )


def test_sdpa_bool_mask_true_means_attend_and_float_mask_is_added():
    q, k, v = RNG.standard_normal((3, 4)), RNG.standard_normal((5, 4)), RNG.standard_normal((5, 2))
    allowed = RNG.random((3, 5)) > 0.4
    allowed[:, 0] = True
    want = np_sdpa(q, k, v, np.where(allowed, 0.0, -np.inf))
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=tg.tensor(allowed)).detach().numpy(),
        want,
        rtol=1e-12,
    )
    add = RNG.standard_normal((3, 5))
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=t(add)).detach().numpy(),
        np_sdpa(q, k, v, add),
        rtol=1e-12,
    )


def test_sdpa_causal_is_top_left_tril():
    q, k, v = RNG.standard_normal((1, 3, 4)), RNG.standard_normal((1, 5, 4)), RNG.standard_normal((1, 5, 2))
    want = np_sdpa(q, k, v, np.where(np.tril(np.ones((3, 5), bool)), 0.0, -np.inf))
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(t(q), t(k), t(v), is_causal=True).detach().numpy(), want, rtol=1e-12
    )


def test_sdpa_fully_masked_row_gives_zeros_and_zero_gradient():
    q, k, v = (t(RNG.standard_normal(s), True) for s in ((3, 4), (5, 4), (5, 2)))
    allowed = np.ones((3, 5), bool)
    allowed[1] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=tg.tensor(allowed))
    assert np.all(out.detach().numpy()[1] == 0) and np.all(np.isfinite(out.detach().numpy()))
    out.sum().backward()
    assert np.all(q.grad.detach().numpy()[1] == 0) and np.all(np.isfinite(k.grad.detach().numpy()))


def test_sdpa_gqa_repeats_key_value_heads():
    q, k, v = (
        RNG.standard_normal((2, 4, 3, 2)),
        RNG.standard_normal((2, 2, 5, 2)),
        RNG.standard_normal((2, 2, 5, 3)),
    )
    want = np_sdpa(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1))
    got = F.scaled_dot_product_attention(t(q), t(k), t(v), enable_gqa=True)
    np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-12)


@pytest.mark.parametrize("case", ["plain", "bool", "float", "causal", "gqa", "dead_row"])
def test_sdpa_gradcheck(case):
    hq, hk = (4, 2) if case == "gqa" else (2, 2)
    q = t(RNG.standard_normal((hq, 3, 2)), True)
    k, v = t(RNG.standard_normal((hk, 4, 2)), True), t(RNG.standard_normal((hk, 4, 3)), True)
    inputs, kw = [q, k, v], {}
    if case in ("bool", "dead_row"):
        allowed = RNG.random((3, 4)) > 0.3
        allowed[:, 1] = case == "bool"
        if case == "dead_row":
            allowed[0] = False
        kw["attn_mask"] = tg.tensor(allowed)
    elif case == "float":
        inputs.append(t(RNG.standard_normal((3, 4)), True))
    kw.update(is_causal=case == "causal", enable_gqa=case == "gqa")

    def fn(*xs):
        return F.scaled_dot_product_attention(
            *xs[:3],
            attn_mask=xs[3] if len(xs) > 3 else kw.get("attn_mask"),
            is_causal=kw["is_causal"],
            enable_gqa=kw["enable_gqa"],
        )

    assert gradcheck(fn, inputs)
    if case == "plain":
        assert gradgradcheck(fn, inputs)


def test_sdpa_dropout_zeroes_weights_and_scales():
    tg.manual_seed(0)
    q, k, v = t(np.zeros((1, 4, 2))), t(np.zeros((1, 4, 2))), t(np.eye(4)[None])
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).detach().numpy()
    assert set(np.unique(np.round(out, 12))) <= {0.0, 0.5}  # weights 1/4, kept ones scaled by 2


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda q, k, v: F.scaled_dot_product_attention(
                q, k, v, attn_mask=tg.ones(3, 5, dtype=tg.bool), is_causal=True
            ),
            "should not be set when is_causal",
        ),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, dropout_p=1.5), "between 0 and 1"),
        (lambda q, k, v: F.scaled_dot_product_attention(q[0], k[0], v[0]), "at least 2 dimensional"),
        (
            lambda q, k, v: F.scaled_dot_product_attention(q, k[:, :3], v),
            "mat1 and mat2 shapes cannot be multiplied",
        ),
        (
            lambda q, k, v: F.scaled_dot_product_attention(q[None], k[None, :, :3], v[None]),
            r"batch2 .*\[1, 4\] but got: \[1, 3\]",
        ),
        (
            lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=tg.zeros(3, 5, dtype=tg.int64)),
            "bool or float",
        ),
    ],
)
def test_sdpa_errors(call, words):
    q, k, v = t(RNG.standard_normal((3, 4))), t(RNG.standard_normal((5, 4))), t(RNG.standard_normal((5, 4)))
    with pytest.raises(RuntimeError, match=words):
        call(q, k, v)


# ------------------------------------------------------------------ MultiheadAttention


def np_mha(x_q, x_k, x_v, w_in, b_in, w_out, b_out, heads, add=None):
    """(L, N, E) inputs, packed in-projection, returns (output, head-averaged weights)."""
    E = x_q.shape[-1]
    hd = E // heads
    q, k, v = (
        x_q @ w_in[:E].T + b_in[:E],
        x_k @ w_in[E : 2 * E].T + b_in[E : 2 * E],
        x_v @ w_in[2 * E :].T + b_in[2 * E :],
    )

    def split(a):  # (L, N, E) -> (N, H, L, hd)
        return a.reshape(a.shape[0], a.shape[1], heads, hd).transpose(1, 2, 0, 3)

    s = split(q) @ np.swapaxes(split(k), -1, -2) / math.sqrt(hd)
    if add is not None:
        s = s + add
    w = np_softmax(s)
    o = (w @ split(v)).transpose(2, 0, 1, 3).reshape(q.shape[0], q.shape[1], E)
    return o @ w_out.T + b_out, w.mean(1)


def _mha(E=6, H=2, **kw):
    m = nn.MultiheadAttention(E, H, **kw)
    with tg.no_grad():
        for p in m.parameters():
            p.copy_(tg.tensor(RNG.standard_normal(p.shape) * 0.5))
    return m


def _params(m):
    return (
        m.in_proj_weight.detach().numpy(),
        m.in_proj_bias.detach().numpy(),
        m.out_proj.weight.detach().numpy(),
        m.out_proj.bias.detach().numpy(),
    )


def test_mha_values_match_formula_and_batch_first():
    m = _mha()
    x, y = RNG.standard_normal((4, 2, 6)), RNG.standard_normal((5, 2, 6))
    out, w = m(t(x), t(y), t(y))
    want, want_w = np_mha(x, y, y, *_params(m), heads=2)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-11)
    np.testing.assert_allclose(w.detach().numpy(), want_w, rtol=1e-11)
    m.batch_first = True
    out_bf, _ = m(
        t(x.transpose(1, 0, 2)), t(y.transpose(1, 0, 2)), t(y.transpose(1, 0, 2)), need_weights=False
    )
    np.testing.assert_allclose(out_bf.detach().numpy(), want.transpose(1, 0, 2), rtol=1e-11)


def test_mha_bool_masks_true_means_blocked_and_need_weights_false_agrees():
    m = _mha()
    x = RNG.standard_normal((4, 2, 6))
    kpm = np.zeros((2, 4), bool)
    kpm[1, 3] = True
    am = np.triu(np.ones((4, 4), bool), 1)
    add = np.where(am, -np.inf, 0.0)[None, None] + np.where(kpm, -np.inf, 0.0)[:, None, None, :]
    want, want_w = np_mha(x, x, x, *_params(m), heads=2, add=add)
    out, w = m(t(x), t(x), t(x), key_padding_mask=tg.tensor(kpm), attn_mask=tg.tensor(am))
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-11)
    np.testing.assert_allclose(w.detach().numpy(), want_w, rtol=1e-11, atol=1e-300)
    out2, none = m(
        t(x), t(x), t(x), key_padding_mask=tg.tensor(kpm), attn_mask=tg.tensor(am), need_weights=False
    )
    assert none is None
    np.testing.assert_allclose(out2.detach().numpy(), want, rtol=1e-11)
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    out3, _ = m(t(x), t(x), t(x), attn_mask=causal, is_causal=True, need_weights=False)
    np.testing.assert_allclose(
        out3.detach().numpy(),
        np_mha(x, x, x, *_params(m), heads=2, add=causal.detach().numpy())[0],
        rtol=1e-11,
    )


def test_mha_fully_masked_row_nan_with_weights_zero_without():
    m = _mha(E=4, H=2)
    x = t(RNG.standard_normal((3, 1, 4)))
    kpm = tg.ones(1, 3, dtype=tg.bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.all(np.isnan(m(x, x, x, key_padding_mask=kpm)[0].detach().numpy()))
    out = m(x, x, x, key_padding_mask=kpm, need_weights=False)[0].detach().numpy()
    np.testing.assert_allclose(out, np.broadcast_to(m.out_proj.bias.detach().numpy(), out.shape), rtol=1e-12)


def test_mha_per_head_weights_and_unbatched():
    m = _mha(E=4, H=2)
    x = RNG.standard_normal((3, 4))
    out, w = m(t(x), t(x), t(x), average_attn_weights=False)
    full, _ = m(t(x[:, None]), t(x[:, None]), t(x[:, None]))
    assert tuple(out.shape) == (3, 4) and tuple(w.shape) == (2, 3, 3)
    np.testing.assert_allclose(out.detach().numpy(), full.detach().numpy()[:, 0], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy().sum(-1), np.ones((2, 3)), rtol=1e-12)


@pytest.mark.parametrize(
    "kw", [{}, {"add_bias_kv": True, "add_zero_attn": True}, {"kdim": 3, "vdim": 5}, {"bias": False}]
)
def test_mha_gradcheck(kw):
    m = _mha(E=4, H=2, **kw)
    q = t(RNG.standard_normal((3, 2, 4)), True)
    k = t(RNG.standard_normal((2, 2, kw.get("kdim", 4))), True)
    v = t(RNG.standard_normal((2, 2, kw.get("vdim", 4))), True)
    names = [n for n, _ in m.named_parameters()]
    params = [t(p.detach().numpy(), True) for p in m.parameters()]

    def fn(q, k, v, *ps):
        d = dict(zip(names, ps))
        sep = "q_proj_weight" in d
        return F.multi_head_attention_forward(
            q,
            k,
            v,
            4,
            2,
            d.get("in_proj_weight"),
            d.get("in_proj_bias"),
            d.get("bias_k"),
            d.get("bias_v"),
            m.add_zero_attn,
            0.0,
            d["out_proj.weight"],
            d.get("out_proj.bias"),
            use_separate_proj_weight=sep,
            q_proj_weight=d.get("q_proj_weight"),
            k_proj_weight=d.get("k_proj_weight"),
            v_proj_weight=d.get("v_proj_weight"),
        )[0]

    assert gradcheck(fn, [q, k, v, *params])


def test_mha_parameters_names_shapes_and_init():
    m = nn.MultiheadAttention(8, 2)
    assert [(n, tuple(p.shape)) for n, p in m.state_dict().items()] == [
        ("in_proj_weight", (24, 8)),
        ("in_proj_bias", (24,)),
        ("out_proj.weight", (8, 8)),
        ("out_proj.bias", (8,)),
    ]
    assert np.all(m.in_proj_bias.detach().numpy() == 0) and np.all(m.out_proj.bias.detach().numpy() == 0)
    bound = math.sqrt(6 / (24 + 8))
    assert np.abs(m.in_proj_weight.detach().numpy()).max() <= bound
    assert np.abs(m.out_proj.weight.detach().numpy()).max() <= 1 / math.sqrt(8)
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    m2 = nn.MultiheadAttention(6, 3, add_bias_kv=True, kdim=4, vdim=5, bias=False)
    assert [(n, tuple(p.shape)) for n, p in m2.state_dict().items()] == [
        ("q_proj_weight", (6, 6)),
        ("k_proj_weight", (6, 4)),
        ("v_proj_weight", (6, 5)),
        ("bias_k", (1, 1, 6)),
        ("bias_v", (1, 1, 6)),
        ("out_proj.weight", (6, 6)),
    ]
    assert m2.in_proj_weight is None and m2.in_proj_bias is None and m2.head_dim == 2


def test_mha_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="must be greater than 0"):
        nn.MultiheadAttention(0, 2)
    m = nn.MultiheadAttention(4, 2)
    x = tg.randn(3, 2, 4)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 4"):
        m(tg.randn(3, 2, 6), tg.randn(3, 2, 6), tg.randn(3, 2, 6))
    with pytest.raises(RuntimeError, match="The shape of the 2D attn_mask is"):
        m(x, x, x, attn_mask=tg.zeros(2, 2))
    with pytest.raises(AssertionError, match="only bool and floating types of key_padding_mask"):
        m(x, x, x, key_padding_mask=tg.zeros(2, 3, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
        m(x, x[0], x[0])


def test_mha_dropout_only_in_training():
    m = _mha(E=4, H=2, dropout=0.9)
    x = t(RNG.standard_normal((3, 2, 4)))
    m.eval()
    a, b = m(x, x, x)[0].detach().numpy(), m(x, x, x)[0].detach().numpy()
    np.testing.assert_array_equal(a, b)
    m.train()
    assert not np.allclose(m(x, x, x)[0].detach().numpy(), a)


# ------------------------------------------------------------------ Transformer layers


def test_square_subsequent_mask():
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    np.testing.assert_array_equal(mask.detach().numpy(), [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]])
    assert mask.dtype == tg.get_default_dtype()
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=tg.float32).dtype == tg.float32


def np_layer_norm(x, w, b, eps=1e-5):
    m = x.mean(-1, keepdims=True)
    return (x - m) / np.sqrt(((x - m) ** 2).mean(-1, keepdims=True) + eps) * w + b


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_matches_formula(norm_first):
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, norm_first=norm_first)
    x = RNG.standard_normal((3, 2, 4))
    a = layer.self_attn
    pa = _params(a)
    n1 = (layer.norm1.weight.detach().numpy(), layer.norm1.bias.detach().numpy())
    n2 = (layer.norm2.weight.detach().numpy(), layer.norm2.bias.detach().numpy())

    def ff(h):
        h = np.maximum(h @ layer.linear1.weight.detach().numpy().T + layer.linear1.bias.detach().numpy(), 0)
        return h @ layer.linear2.weight.detach().numpy().T + layer.linear2.bias.detach().numpy()

    def sa(h):
        return np_mha(h, h, h, *pa, heads=2)[0]

    if norm_first:
        h = x + sa(np_layer_norm(x, *n1))
        want = h + ff(np_layer_norm(h, *n2))
    else:
        h = np_layer_norm(x + sa(x), *n1)
        want = np_layer_norm(h + ff(h), *n2)
    np.testing.assert_allclose(layer(t(x)).detach().numpy(), want, rtol=1e-10, atol=1e-12)


def test_encoder_and_decoder_stacks_gradcheck_and_clones():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(4, 2, 6, 0.0, activation="gelu"), 2, norm=nn.LayerNorm(4)
        )
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 6, 0.0, norm_first=True), 2)
    assert enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight
    np.testing.assert_array_equal(
        enc.layers[0].linear1.weight.detach().numpy(), enc.layers[1].linear1.weight.detach().numpy()
    )
    src, tgt = t(RNG.standard_normal((3, 1, 4)), True), t(RNG.standard_normal((2, 1, 4)), True)
    mask = nn.Transformer.generate_square_subsequent_mask(2)

    def fn(src, tgt):
        return dec(tgt, enc(src), tgt_mask=mask)

    assert gradcheck(fn, [src, tgt])


def test_transformer_state_dict_keys_and_xavier_reinit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = nn.Transformer(
            d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8
        )
    keys = list(model.state_dict())
    assert keys[:4] == [
        "encoder.layers.0.self_attn.in_proj_weight",
        "encoder.layers.0.self_attn.in_proj_bias",
        "encoder.layers.0.self_attn.out_proj.weight",
        "encoder.layers.0.self_attn.out_proj.bias",
    ]
    assert "decoder.layers.0.multihead_attn.in_proj_weight" in keys and keys[-2:] == [
        "decoder.norm.weight",
        "decoder.norm.bias",
    ]
    assert len(keys) == 34
    w = model.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.abs(w).max() <= math.sqrt(6 / (8 + 4))
    out = model(tg.randn(5, 2, 4), tg.randn(3, 2, 4))
    assert tuple(out.shape) == (3, 2, 4)


def test_transformer_errors_and_warnings():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    with pytest.warns(UserWarning, match="enable_nested_tensor is True"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, batch_first=True), 1)
    assert enc.use_nested_tensor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = nn.Transformer(
            d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=4
        )
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(tg.randn(3, 2, 4), tg.randn(3, 1, 4))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        model(tg.randn(3, 2, 4), tg.randn(3, 2, 5))


def test_callable_activation_and_deepcopy():
    layer = nn.TransformerEncoderLayer(4, 2, 6, 0.0, activation=nn.GELU())
    assert layer.activation_relu_or_gelu == 2 and isinstance(layer.activation, nn.GELU)
    other = copy.deepcopy(layer)
    x = t(RNG.standard_normal((2, 3, 4)))
    np.testing.assert_allclose(other(x).detach().numpy(), layer(x).detach().numpy(), rtol=1e-12)
