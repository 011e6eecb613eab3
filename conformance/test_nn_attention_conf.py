"""Attention and Transformer layers against PyTorch, float64: F.scaled_dot_product_attention and
F.multi_head_attention_forward (values and gradients to 1e-10, masks, errors), and the modules with
torch's own weights moved into ours through the safetensors bridge (outputs, input and parameter
gradients, train and eval, dropout 0), state_dict keys and shapes, init, and errors."""

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
st_torch = pytest.importorskip("safetensors.torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import check, check_raises, f64  # noqa: E402
from tinygrad_edu.utils import safetensors as st_ours  # noqa: E402

COVERED = {
    "nn.functional": ["scaled_dot_product_attention", "multi_head_attention_forward"],
    "nn modules": [
        "MultiheadAttention",
        "TransformerEncoderLayer",
        "TransformerEncoder",
        "TransformerDecoderLayer",
        "TransformerDecoder",
        "Transformer",
    ],
}


def _rand(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


def _snap(T, g):
    """``g`` with entries below 1e-9 of its largest set to 0: some gradients are zero in exact
    arithmetic (a key bias shifts every score of a row alike) and differ only in rounding noise."""
    if g is None:
        return None
    a = g.detach().numpy()
    return T.tensor(np.where(np.abs(a) <= 1e-9 * np.abs(a).max(initial=0.0), 0.0, a))


def _grads_of(T, out, leaves, seed=99):
    """backward of sum(out * u), u random; the leaves' gradients (rounding noise around 0 snapped)."""
    u = f64(T, _rand(seed, *tuple(out.shape)))
    (out * u).sum().backward()
    return [_snap(T, x.grad) for x in leaves]


# ---------------------------------------------------------------- scaled_dot_product_attention
L, S, E, EV = 3, 5, 4, 2
SDPA_CASES = {
    "plain": dict(shapes=((2, L, E), (2, S, E), (2, S, EV)), kw={}),
    "unbatched": dict(shapes=((L, E), (S, E), (S, EV)), kw={}),
    "4d_scale": dict(shapes=((2, 2, L, E), (2, 2, S, E), (2, 2, S, EV)), kw={"scale": 0.37}),
    "causal": dict(shapes=((2, L, E), (2, S, E), (2, S, EV)), kw={"is_causal": True}),
    "causal_square": dict(shapes=((2, S, E), (2, S, E), (2, S, EV)), kw={"is_causal": True}),
    "bool_mask": dict(shapes=((2, L, E), (2, S, E), (2, S, EV)), kw={}, mask="bool"),
    "dead_row": dict(shapes=((2, L, E), (2, S, E), (2, S, EV)), kw={}, mask="dead"),
    "float_mask": dict(shapes=((2, L, E), (2, S, E), (2, S, EV)), kw={}, mask="float"),
    "gqa": dict(shapes=((1, 4, L, E), (1, 2, S, E), (1, 2, S, EV)), kw={"enable_gqa": True}),
}


@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_values_and_grads(case, seed):
    spec = SDPA_CASES[case]
    arrays = [_rand(seed * 10 + i, *s) for i, s in enumerate(spec["shapes"])]
    allowed = np.random.default_rng(seed).random((L, S)) > 0.4
    allowed[:, 0] = True
    if spec.get("mask") == "dead":
        allowed[1] = False

    def program(T):
        xs = [f64(T, a, True) for a in arrays]
        kw = dict(spec["kw"])
        if spec.get("mask") in ("bool", "dead"):
            kw["attn_mask"] = T.tensor(allowed)
        elif spec.get("mask") == "float":
            kw["attn_mask"] = f64(T, _rand(seed + 5, L, S), True)
            xs.append(kw["attn_mask"])
        out = T.nn.functional.scaled_dot_product_attention(*xs[:3], **kw)
        return {"out": out, "dtype": out.dtype, "grads": _grads_of(T, out, xs)}

    check(program)


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(
                q, k, v, attn_mask=T.ones(L, S, dtype=T.bool), is_causal=True
            ),
            ["is_causal"],
        ),
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=1.5),
            ["between 0 and 1", "1.5"],
        ),
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(q[0, 0], k[0, 0], v[0, 0]),
            ["at least 2 dimensional"],
        ),
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(q, k[..., :3], v),
            ["Expected size for first two dimensions of batch2 tensor", "[2, 4] but got: [2, 3]"],
        ),
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(q[0], k[0, :, :3], v[0]),
            ["mat1 and mat2 shapes cannot be multiplied", "3x4 and 3x5"],
        ),
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(
                q, k, v, attn_mask=T.zeros(L, S, dtype=T.int64)
            ),
            ["bool or float"],
        ),
        (
            lambda T, q, k, v: T.nn.functional.scaled_dot_product_attention(
                q.unsqueeze(0),
                k[:1].unsqueeze(0).expand(1, 3, S, E),
                v[:1].unsqueeze(0).expand(1, 3, S, EV),
                enable_gqa=True,
            ),
            ["Number of heads in key and value must divide"],
        ),
    ],
)
def test_sdpa_errors(call, words):
    def program(T):
        q, k, v = f64(T, _rand(1, 2, L, E)), f64(T, _rand(2, 2, S, E)), f64(T, _rand(3, 2, S, EV))
        return call(T, q, k, v)

    check_raises(program, *words)


# ---------------------------------------------------------------- multi_head_attention_forward
@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask and attn_mask")
@pytest.mark.parametrize(
    "variant",
    ["packed", "separate", "bias_kv_zero_attn", "kpm_float_mask_per_head", "unbatched", "no_weights_causal"],
)
def test_multi_head_attention_forward(variant, seed):
    Lq, Sk, N, Em, H = 3, 4, 2, 6, 2
    rng = np.random.default_rng(seed)
    arrays = {
        "q": rng.standard_normal((Lq, N, Em)),
        "k": rng.standard_normal((Sk, N, Em)),
        "v": rng.standard_normal((Sk, N, Em)),
        "w_in": rng.standard_normal((3 * Em, Em)) * 0.4,
        "b_in": rng.standard_normal(3 * Em) * 0.1,
        "w_out": rng.standard_normal((Em, Em)) * 0.4,
        "b_out": rng.standard_normal(Em) * 0.1,
        "bias_k": rng.standard_normal((1, 1, Em)),
        "bias_v": rng.standard_normal((1, 1, Em)),
        "am": rng.standard_normal((N * H, Lq, Sk)),
    }
    kpm = np.zeros((N, Sk), bool)
    kpm[0, -1] = True
    if variant == "no_weights_causal":
        arrays["k"], arrays["v"] = arrays["q"], arrays["q"]

    def program(T):
        a = {n: f64(T, x, True) for n, x in arrays.items()}
        q, k, v = a["q"], a["k"], a["v"]
        kw = {}
        args = [a["w_in"], a["b_in"], None, None, False, 0.0, a["w_out"], a["b_out"]]
        if variant == "separate":
            kw = dict(
                use_separate_proj_weight=True,
                q_proj_weight=a["w_in"][:Em],
                k_proj_weight=a["w_in"][Em : 2 * Em],
                v_proj_weight=a["w_in"][2 * Em :],
            )
            args[0] = None
        elif variant == "bias_kv_zero_attn":
            args[2:5] = [a["bias_k"], a["bias_v"], True]
            kw = dict(key_padding_mask=T.tensor(kpm), attn_mask=T.tensor(arrays["am"][0] > 0.8))
        elif variant == "kpm_float_mask_per_head":
            kw = dict(key_padding_mask=T.tensor(kpm), attn_mask=a["am"], average_attn_weights=False)
        elif variant == "unbatched":
            q, k, v = q[:, 0], k[:, 0], v[:, 0]
            kw = dict(key_padding_mask=T.tensor(kpm[0]))
        elif variant == "no_weights_causal":
            k = v = q
            mask = T.nn.Transformer.generate_square_subsequent_mask(Lq, dtype=T.float64)
            kw = dict(attn_mask=mask, is_causal=True, need_weights=False)
        out, w = T.nn.functional.multi_head_attention_forward(q, k, v, Em, H, *args, **kw)
        leaves = [x for n, x in a.items() if n not in ("bias_k", "bias_v") or variant == "bias_kv_zero_attn"]
        return {"out": out, "weights": w, "grads": _grads_of(T, out, leaves)}

    check(program)


# ---------------------------------------------------------------- modules, with torch's weights
def _mha(T, **kw):
    return T.nn.MultiheadAttention(6, 2, dtype=T.float64, **kw)


def _enc_layer(T, **kw):
    return T.nn.TransformerEncoderLayer(6, 2, dim_feedforward=8, dropout=0.0, dtype=T.float64, **kw)


def _dec_layer(T, **kw):
    return T.nn.TransformerDecoderLayer(6, 2, dim_feedforward=8, dropout=0.0, dtype=T.float64, **kw)


def _causal(T, n):
    return T.nn.Transformer.generate_square_subsequent_mask(n, dtype=T.float64)


KPM = np.array([[False, False, False, True], [False, False, False, False]])
MODELS = {
    "mha_self": (lambda T: _mha(T), lambda T, m, x, y: m(x, x, x)),
    "mha_cross_masks": (
        lambda T: _mha(T, add_bias_kv=True, add_zero_attn=True),
        lambda T, m, x, y: m(
            x, y, y, key_padding_mask=T.tensor(KPM), attn_mask=T.tensor(np.eye(3, 4, 1, dtype=bool))
        ),
    ),
    "mha_kdim_vdim_bf": (
        lambda T: _mha(T, kdim=6, vdim=4, batch_first=True, bias=False),
        lambda T, m, x, y: m(
            x.transpose(0, 1), y.transpose(0, 1), y[..., :4].transpose(0, 1), need_weights=False
        ),
    ),
    "enc_layer_post_relu": (
        lambda T: _enc_layer(T),
        lambda T, m, x, y: m(y, src_key_padding_mask=T.tensor(KPM)),
    ),
    "enc_layer_pre_gelu_bf": (
        lambda T: _enc_layer(T, norm_first=True, activation="gelu", batch_first=True),
        lambda T, m, x, y: m(y, src_mask=_causal(T, 2), is_causal=True),
    ),
    "encoder_norm": (
        lambda T: T.nn.TransformerEncoder(
            _enc_layer(T), 2, norm=T.nn.LayerNorm(6, dtype=T.float64), enable_nested_tensor=False
        ),
        lambda T, m, x, y: m(y, mask=_causal(T, 4)),
    ),
    "dec_layer": (
        lambda T: _dec_layer(T, layer_norm_eps=1e-3),
        lambda T, m, x, y: m(x, y, tgt_mask=_causal(T, 3), memory_key_padding_mask=T.tensor(KPM)),
    ),
    "decoder_pre": (
        lambda T: T.nn.TransformerDecoder(_dec_layer(T, norm_first=True), 2),
        lambda T, m, x, y: m(x, y, tgt_is_causal=True, tgt_mask=_causal(T, 3)),
    ),
    "transformer": (
        lambda T: T.nn.Transformer(6, 2, 1, 2, 8, 0.0, activation=T.nn.functional.gelu, dtype=T.float64),
        lambda T, m, x, y: m(y, x, tgt_mask=_causal(T, 3), src_key_padding_mask=T.tensor(KPM)),
    ),
}


def _build(T, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MODELS[name][0](T)


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("name", list(MODELS))
def test_module_with_torch_weights(tmp_path, name, mode):
    torch.manual_seed(3)
    path = str(tmp_path / "model.safetensors")
    theirs = _build(torch, name)
    with torch.no_grad():  # non-zero biases, so their gradients and effects are compared too
        for p in theirs.parameters():
            if p.ndim == 1 and not p.any():
                p.normal_(0, 0.1)
    st_torch.save_file(theirs.state_dict(), path)
    x, y = _rand(1, 3, 2, 6), _rand(2, 4, 2, 6)

    def program(T):
        model = _build(T, name)
        loaded = st_torch.load_file(path) if T is torch else st_ours.load_file(path)
        model.load_state_dict(loaded)
        getattr(model, mode)()
        xs = [f64(T, x, True), f64(T, y, True)]
        out = MODELS[name][1](T, model, *xs)
        out, w = out if isinstance(out, tuple) else (out, None)
        names = [n for n, _ in model.named_parameters()]
        grads = _grads_of(T, out, xs + [p for _, p in model.named_parameters()])
        return {
            "out": out,
            "weights": w,
            "input_grads": grads[:2],
            "param_grads": dict(zip(names, grads[2:])),
        }

    check(program)


@pytest.mark.parametrize("name", ["mha_cross_masks", "enc_layer_post_relu", "transformer"])
def test_ours_to_torch(tmp_path, name):
    """Our weights (our init) into torch through the file: the same outputs."""
    path = str(tmp_path / "ours.safetensors")
    ours = _build(tg, name).eval()
    st_ours.save_file(ours.state_dict(), path)
    theirs = _build(torch, name).eval()
    theirs.load_state_dict(st_torch.load_file(path))
    x, y = _rand(1, 3, 2, 6), _rand(2, 4, 2, 6)
    got = MODELS[name][1](tg, ours, f64(tg, x), f64(tg, y))
    with torch.no_grad():
        want = MODELS[name][1](torch, theirs, f64(torch, x), f64(torch, y))
    got, want = (got[0], want[0]) if isinstance(want, tuple) else (got, want)
    np.testing.assert_allclose(got.detach().numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(MODELS))
def test_state_dict_keys_shapes_and_init_shape(name):
    def program(T):
        model = _build(T, name)
        sd = model.state_dict()
        zero = {k: bool((v == 0).all()) for k, v in sd.items() if k.endswith("in_proj_bias")}
        return {
            "keys": [(k, tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in sd.items()],
            "zero_in_proj_bias": zero,
            "training": model.training,
        }

    check(program)


def test_mha_init_bounds_and_attributes():
    def program(T):
        m = _mha(T, kdim=3, vdim=5, add_bias_kv=True)
        xav = np.sqrt(6 / (6 + 6))
        inside = all(bool((w.detach().abs() <= xav).all()) for w in (m.q_proj_weight, m.k_proj_weight[:, :3]))
        return {
            "inside": inside,
            "bias_zero": bool((m.out_proj.bias == 0).all()),
            "head_dim": m.head_dim,
            "same": m._qkv_same_embed_dim,
            "in_proj_weight": m.in_proj_weight is None,
            "kdim": (m.kdim, m.vdim),
            "out_proj": type(m.out_proj).__name__,
            "bias_k": tuple(m.bias_k.shape),
        }

    check(program)


def test_merge_masks_and_reprs():
    def program(T):
        m = _mha(T, batch_first=True)
        q = f64(T, _rand(0, 2, 3, 6))
        am, kpm = f64(T, _rand(1, 3, 3)), f64(T, _rand(2, 2, 3))
        both, t2 = m.merge_masks(am, kpm, q)
        only_kpm, t1 = m.merge_masks(None, kpm, q)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reprs = [repr(_build(T, n)) for n in ("mha_cross_masks", "dec_layer")]
        return {"both": both, "t2": t2, "kpm": only_kpm, "t1": t1, "none": m.merge_masks(None, None, q),
                "reprs": reprs}

    check(program)


def test_square_subsequent_mask():
    check(
        lambda T: {
            "m": T.nn.Transformer.generate_square_subsequent_mask(4, dtype=T.float64),
            "m32": T.nn.Transformer.generate_square_subsequent_mask(2, dtype=T.float32),
        }
    )


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda T: T.nn.MultiheadAttention(5, 2), ["embed_dim must be divisible by num_heads"]),
        (lambda T: T.nn.MultiheadAttention(4, 0), ["must be greater than 0"]),
        (
            lambda T: _mha(T)(*[f64(T, _rand(0, 3, 2, 4))] * 3),
            ["was expecting embedding dimension of 6, but got 4"],
        ),
        (
            lambda T: _mha(T)(*[f64(T, _rand(0, 3, 2, 6))] * 3, attn_mask=T.zeros(2, 2, dtype=T.float64)),
            ["The shape of the 2D attn_mask is", "but should be (3, 3)"],
        ),
        (
            lambda T: _mha(T)(*[f64(T, _rand(0, 3, 2, 6))] * 3, attn_mask=T.zeros(5, 3, 3, dtype=T.float64)),
            ["The shape of the 3D attn_mask is", "but should be (4, 3, 3)"],
        ),
        (
            lambda T: _mha(T)(
                *[f64(T, _rand(0, 3, 2, 6))] * 3, key_padding_mask=T.zeros(2, 3, dtype=T.int64)
            ),
            ["only bool and floating types of key_padding_mask are supported"],
        ),
        (
            lambda T: _mha(T)(*[f64(T, _rand(0, 3, 2, 6))] * 3, key_padding_mask=T.zeros(2, 5, dtype=T.bool)),
            ["Expected key_padded_mask.shape[1] to be 3, but got 5"],
        ),
        (
            lambda T: _mha(T)(*[f64(T, _rand(0, 3, 2, 6))] * 3, is_causal=True),
            ["Need attn_mask", "is_causal"],
        ),
        (
            lambda T: _mha(T)(f64(T, _rand(0, 3, 2, 6)), f64(T, _rand(0, 3, 6)), f64(T, _rand(0, 3, 6))),
            ["expected `key` and `value` to be 3-D but found 2-D and 2-D"],
        ),
        (
            lambda T: _mha(T)(*[f64(T, _rand(0, 2, 3, 2, 6))] * 3),
            ["query should be unbatched 2D or batched 3D"],
        ),
        (
            lambda T: T.nn.TransformerEncoderLayer(6, 2, activation="tanh"),
            ["activation should be relu/gelu, not tanh"],
        ),
        (
            lambda T: _build(T, "transformer")(f64(T, _rand(0, 3, 2, 6)), f64(T, _rand(0, 3, 1, 6))),
            ["the batch number of src and tgt must be equal"],
        ),
        (
            lambda T: _build(T, "transformer")(f64(T, _rand(0, 3, 2, 6)), f64(T, _rand(0, 3, 2, 5))),
            ["the feature number of src and tgt must be equal to d_model"],
        ),
    ],
)
def test_module_errors(call, words):
    check_raises(call, *words)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"batch_first": True},
        {"batch_first": True, "norm_first": True},
        {"batch_first": True, "activation": "tanh_callable"},
    ],
)
def test_encoder_nested_tensor_warning(kw):
    def program(T):
        kw2 = dict(kw)
        if kw2.get("activation") == "tanh_callable":
            kw2["activation"] = T.tanh
        layer = T.nn.TransformerEncoderLayer(6, 2, **kw2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            enc = T.nn.TransformerEncoder(layer, 1)
        return {
            "use_nested_tensor": enc.use_nested_tensor,
            "relu_or_gelu": layer.activation_relu_or_gelu,
            "warnings": [str(w.message) for w in caught if "nested" in str(w.message)],
        }

    check(program)
