"""Recurrent layers (RNN, LSTM, GRU, their cells) and nn.utils.rnn, against numpy formulas.

The reference below is a plain numpy loop with PyTorch's gate order; gradients come from
gradcheck (full Jacobians, float64) through the whole sequence."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.utils import rnn as R
from tinygrad_edu.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def sig(x):
    return 1 / (1 + np.exp(-x))


def np_step(mode, x, h, c, p):
    """One step of the numpy reference; p = (w_ih, w_hh, b_ih, b_hh, w_hr) as arrays or None."""
    w_ih, w_hh, b_ih, b_hh, w_hr = p
    gi = x @ w_ih.T + (0 if b_ih is None else b_ih)
    gh = h @ w_hh.T + (0 if b_hh is None else b_hh)
    if mode in ("tanh", "relu"):
        pre = gi + gh
        return (np.tanh(pre) if mode == "tanh" else np.maximum(pre, 0)), None
    n = w_hh.shape[0] // (4 if mode == "lstm" else 3)
    if mode == "lstm":
        g = gi + gh
        i, f, gg, o = (g[..., k * n:(k + 1) * n] for k in range(4))
        c = sig(f) * c + sig(i) * np.tanh(gg)
        h = sig(o) * np.tanh(c)
        return (h if w_hr is None else h @ w_hr.T), c
    r = sig(gi[..., :n] + gh[..., :n])
    z = sig(gi[..., n:2 * n] + gh[..., n:2 * n])
    new = np.tanh(gi[..., 2 * n:] + r * gh[..., 2 * n:])
    return (1 - z) * new + z * h, None


def np_layer_stack(mod, mode, x):
    """The numpy reference for a whole (batch-second) multi-layer, maybe bidirectional module."""
    dirs = 2 if mod.bidirectional else 1
    hs, cs = [], []
    for layer in range(mod.num_layers):
        outs = []
        for d in range(dirs):
            sfx = f"_l{layer}{'_reverse' if d else ''}"
            p = [getattr(mod, n + sfx, None) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                                       "weight_hr")]
            p = [None if a is None else a.detach().numpy() for a in p]
            h = np.zeros((x.shape[1], p[1].shape[1]))
            c = np.zeros((x.shape[1], mod.hidden_size))
            out = [None] * x.shape[0]
            for t in (reversed(range(x.shape[0])) if d else range(x.shape[0])):
                h, c = np_step(mode, x[t], h, c, p)
                out[t] = h
            outs.append(np.stack(out))
            hs.append(h)
            cs.append(c)
        x = np.concatenate(outs, -1)
    return x, np.stack(hs), np.stack(cs)


CASES = [
    ("tanh", nn.RNN, {}),
    ("relu", nn.RNN, {"nonlinearity": "relu", "num_layers": 2}),
    ("lstm", nn.LSTM, {"num_layers": 2, "bidirectional": True}),
    ("lstm", nn.LSTM, {"proj_size": 2}),
    ("gru", nn.GRU, {"bidirectional": True}),
    ("gru", nn.GRU, {"bias": False, "num_layers": 2}),
]


@pytest.mark.parametrize("mode, cls, kw", CASES, ids=[f"{c[1].__name__}-{i}" for i, c in enumerate(CASES)])
def test_values_match_the_numpy_reference(mode, cls, kw):
    mod = cls(3, 4, **kw)
    x = RNG.normal(size=(5, 2, 3))
    out, hidden = mod(tg.tensor(x))
    want, h_n, c_n = np_layer_stack(mod, mode, x)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-12, atol=1e-12)
    if mode == "lstm":
        np.testing.assert_allclose(hidden[0].detach().numpy(), h_n, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(hidden[1].detach().numpy(), c_n, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(hidden.detach().numpy(), h_n, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls, kw", [(nn.RNN, {}), (nn.LSTM, {"bidirectional": True, "proj_size": 2}),
                                     (nn.GRU, {"num_layers": 2})])
def test_gradients_through_the_sequence(cls, kw):
    mod = cls(2, 3, **kw)
    x = tg.tensor(RNG.normal(size=(3, 2, 2)), requires_grad=True)
    lstm = cls is nn.LSTM
    dirs = 2 if mod.bidirectional else 1
    real = mod.proj_size or mod.hidden_size
    h0 = tg.tensor(RNG.normal(size=(mod.num_layers * dirs, 2, real)), requires_grad=True)
    c0 = tg.tensor(RNG.normal(size=(mod.num_layers * dirs, 2, 3)), requires_grad=True)
    names, params = zip(*mod.named_parameters())

    def f(x, h0, c0, *ps):  # the module reads its weights as plain attributes: swap gradcheck's in
        saved = {n: mod.__dict__[n] for n in names}
        mod.__dict__.update(zip(names, ps))
        try:
            out, hid = mod(x, (h0, c0) if lstm else h0)
        finally:
            mod.__dict__.update(saved)
        return out.sum() + (hid[0] * hid[1].sum() if lstm else hid * 2).sum()

    assert gradcheck(f, [x, h0, c0, *params])


def test_second_order_through_a_gru_cell():
    cell = nn.GRUCell(2, 3)
    x = tg.tensor(RNG.normal(size=(2, 2)), requires_grad=True)
    h = tg.tensor(RNG.normal(size=(2, 3)), requires_grad=True)
    assert gradgradcheck(lambda x, h: cell(x, h), [x, h])


def test_parameter_names_shapes_and_init_bounds():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    names = [n for n, _ in lstm.named_parameters()]
    per = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"]
    assert names == [f"{p}_l{layer}{s}" for layer in range(2) for s in ("", "_reverse") for p in per]
    assert list(lstm.state_dict()) == names
    shapes = dict((n, tuple(p.shape)) for n, p in lstm.named_parameters())
    assert shapes["weight_ih_l0"] == (16, 3) and shapes["weight_hh_l0"] == (16, 2)
    assert shapes["weight_ih_l1_reverse"] == (16, 4) and shapes["weight_hr_l1"] == (2, 4)
    bound = 1 / math.sqrt(4)
    assert all(np.all(np.abs(p.detach().numpy()) <= bound) for p in lstm.parameters())
    assert lstm.all_weights[0][0] is lstm.weight_ih_l0
    gru = nn.GRU(3, 5, bias=False)
    assert [n for n, _ in gru.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert [n for n, _ in nn.LSTMCell(2, 3).named_parameters()] == ["weight_ih", "weight_hh", "bias_ih",
                                                                     "bias_hh"]
    assert nn.RNNCell(2, 3, bias=False).bias_ih is None


def test_repr_as_pytorch():
    assert repr(nn.LSTM(3, 5, 2, bidirectional=True, proj_size=2)) == \
        "LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu", bias=False)) == \
        "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    assert repr(nn.GRU(3, 5, batch_first=True)) == "GRU(3, 5, batch_first=True)"


def test_batch_first_and_unbatched_agree_with_batch_second():
    gru = nn.GRU(3, 4, bidirectional=True)
    x = RNG.normal(size=(5, 2, 3))
    out, h = gru(tg.tensor(x))
    gru.batch_first = True
    out_bf, h_bf = gru(tg.tensor(x.transpose(1, 0, 2)))
    np.testing.assert_allclose(out_bf.detach().numpy().transpose(1, 0, 2), out.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(h_bf.detach().numpy(), h.detach().numpy(), rtol=1e-14)
    gru.batch_first = False
    out1, h1 = gru(tg.tensor(x[:, 1]))
    assert out1.shape == (5, 8) and h1.shape == (2, 4)
    np.testing.assert_allclose(out1.detach().numpy(), out.detach().numpy()[:, 1], rtol=1e-14)


def test_cells_match_one_step_of_the_layer():
    for mode, cell_cls, layer_cls in (("tanh", nn.RNNCell, nn.RNN), ("lstm", nn.LSTMCell, nn.LSTM),
                                      ("gru", nn.GRUCell, nn.GRU)):
        cell = cell_cls(3, 4)
        x, h, c = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 4)), RNG.normal(size=(2, 4))
        p = [q.detach().numpy() for q in cell.parameters()] + [None]
        want_h, want_c = np_step(mode, x, h, c, p)
        if mode == "lstm":
            got_h, got_c = cell(tg.tensor(x), (tg.tensor(h), tg.tensor(c)))
            np.testing.assert_allclose(got_c.detach().numpy(), want_c, rtol=1e-12)
        else:
            got_h = cell(tg.tensor(x), tg.tensor(h))
        np.testing.assert_allclose(got_h.detach().numpy(), want_h, rtol=1e-12)
        one = cell(tg.tensor(x[0]))  # unbatched, zero state
        assert (one[0] if mode == "lstm" else one).shape == (4,)
        assert layer_cls(3, 4).weight_ih_l0.shape == cell.weight_ih.shape


def test_dropout_between_layers_only_in_training():
    lstm = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = tg.tensor(RNG.normal(size=(4, 2, 3)))
    lstm.eval()
    a, b = lstm(x)[0].detach().numpy(), lstm(x)[0].detach().numpy()
    np.testing.assert_array_equal(a, b)
    lstm.train()
    tg.manual_seed(0)
    c = lstm(x)[0].detach().numpy()
    assert not np.allclose(a, c)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.RNN(3, 4, dropout=0.2)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: nn.RNN(3, 5)(tg.zeros(2, 4, 4)), RuntimeError, "input.size(-1) must be equal to input_size. "
                                                            "Expected 3, got 4"),
    (lambda: nn.RNN(3, 5)(tg.zeros(2, 4, 3), tg.zeros(1, 3, 5)), RuntimeError,
     "Expected hidden size (1, 4, 5), got [1, 3, 5]"),
    (lambda: nn.RNN(3, 5)(tg.zeros(4, 3), tg.zeros(1, 4, 5)), RuntimeError, "hx should also be 2-D"),
    (lambda: nn.RNN(3, 5)(tg.zeros(2, 2, 4, 3)), ValueError, "Expected input to be 2D or 3D, got 4D"),
    (lambda: nn.RNN(3, 5)(tg.zeros(2, 4, 3, dtype=tg.int64)), ValueError, "does not match weight dtype"),
    (lambda: nn.LSTM(3, 5)(tg.zeros(2, 4, 3), (tg.zeros(1, 4, 5), tg.zeros(1, 3, 5))), RuntimeError,
     "Expected hidden[1] size (1, 4, 5), got [1, 3, 5]"),
    (lambda: nn.RNN(3, 5, nonlinearity="foo"), ValueError, "Unknown nonlinearity 'foo'"),
    (lambda: nn.RNN(3, 5.0), TypeError, "hidden_size should be of type int"),
    (lambda: nn.RNN(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.GRU(3, 5, dropout=2), ValueError, "dropout should be a number in range [0, 1]"),
    (lambda: nn.GRU(3, 5, proj_size=2), ValueError, "only supported for LSTM"),
    (lambda: nn.LSTM(3, 5, proj_size=5), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda: nn.LSTMCell(3, 5)(tg.zeros(2, 2, 3)), ValueError, "LSTMCell: Expected input to be 1D or 2D"),
    (lambda: nn.GRUCell(3, 5)(tg.zeros(2, 4)), RuntimeError, "input has inconsistent input_size: got 4"),
    (lambda: nn.RNNCell(3, 5)(tg.zeros(2, 3), tg.zeros(3, 5)), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
])
def test_errors_as_pytorch(call, exc, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as info:
            call()
    assert words in str(info.value)


def test_float32_input_mixes_with_float64_weights_as_elsewhere_in_the_project():
    out, h = nn.GRU(3, 4)(tg.zeros(2, 1, 3, dtype=tg.float32))
    assert out.dtype == np.float64 and h.dtype == np.float64
    assert nn.LSTM(3, 4, dtype=tg.float32)(tg.zeros(2, 1, 3, dtype=tg.float32))[0].dtype == np.float32


def test_state_dict_round_trip_between_modules():
    a, b = nn.LSTM(3, 4, 2), nn.LSTM(3, 4, 2)
    b.load_state_dict(a.state_dict())
    x = tg.tensor(RNG.normal(size=(3, 2, 3)))
    np.testing.assert_array_equal(a(x)[0].detach().numpy(), b(x)[0].detach().numpy())


# ---------------------------------------------------------------- nn.utils.rnn
def test_pad_sequence_sides_and_batch_first():
    a, b = tg.tensor([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]), tg.tensor([[4.0, 4.0]])
    p = R.pad_sequence([a, b])
    assert p.shape == (3, 2, 2)
    np.testing.assert_array_equal(p.detach().numpy()[:, 1, 0], [4.0, 0.0, 0.0])
    q = R.pad_sequence([a, b], batch_first=True, padding_value=-1.0, padding_side="left")
    np.testing.assert_array_equal(q.detach().numpy()[1, :, 0], [-1.0, -1.0, 4.0])
    assert R.pad_sequence([tg.tensor([1, 2]), tg.tensor([3])]).dtype == np.int64
    with pytest.raises(RuntimeError, match="padding_side"):
        R.pad_sequence([a], padding_side="middle")
    with pytest.raises(RuntimeError, match="empty list"):
        R.pad_sequence([])


def test_pack_and_pad_round_trip_unsorted():
    seqs = [tg.tensor(RNG.normal(size=(n, 2))) for n in (2, 4, 3)]
    packed = R.pack_sequence(seqs, enforce_sorted=False)
    np.testing.assert_array_equal(packed.batch_sizes.detach().numpy(), [3, 3, 2, 1])
    np.testing.assert_array_equal(packed.sorted_indices.detach().numpy(), [1, 2, 0])
    np.testing.assert_array_equal(packed.unsorted_indices.detach().numpy(), [2, 0, 1])
    assert packed.data.shape == (9, 2)
    padded, lengths = R.pad_packed_sequence(packed, batch_first=True, total_length=5)
    assert padded.shape == (3, 5, 2)
    np.testing.assert_array_equal(lengths.detach().numpy(), [2, 4, 3])
    for s, back in zip(seqs, R.unpack_sequence(packed)):
        np.testing.assert_array_equal(back.detach().numpy(), s.detach().numpy())
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        R.pack_sequence(seqs)
    with pytest.raises(ValueError, match="total_length=2"):
        R.pad_packed_sequence(packed, total_length=2)
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(tg.zeros(3, 2, 2), [3, 0])


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_packed_input_equals_each_sequence_alone(cls):
    mod = cls(2, 3, num_layers=2, bidirectional=True)
    seqs = [tg.tensor(RNG.normal(size=(n, 2))) for n in (2, 4, 3)]
    out, hidden = mod(R.pack_sequence(seqs, enforce_sorted=False))
    assert isinstance(out, R.PackedSequence)
    padded, lengths = R.pad_packed_sequence(out)
    padded = padded.detach().numpy()
    h_n = (hidden[0] if cls is nn.LSTM else hidden).detach().numpy()
    for b, s in enumerate(seqs):
        alone, h_alone = mod(s)
        h_alone = h_alone[0] if cls is nn.LSTM else h_alone
        np.testing.assert_allclose(padded[:s.shape[0], b], alone.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(padded[s.shape[0]:, b], 0.0)
        np.testing.assert_allclose(h_n[:, b], h_alone.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_gradients_through_packing():
    gru = nn.GRU(2, 2)
    x = tg.tensor(RNG.normal(size=(3, 2, 2)), requires_grad=True)

    def f(x):
        packed = R.pack_padded_sequence(x, [1, 3], enforce_sorted=False)
        out, h = gru(packed)
        return R.pad_packed_sequence(out)[0].sum() + h.sum()

    assert gradcheck(f, [x])
