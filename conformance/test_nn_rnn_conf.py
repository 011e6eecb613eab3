"""Recurrent layers and nn.utils.rnn against PyTorch: RNN/LSTM/GRU (layers, directions, batch_first,
proj_size, unbatched, initial states), their cells, packing and padding, errors, names and the
safetensors bridge both ways (torch weights into ours and ours into torch, same outputs).

Both libraries get the same weights: every parameter is filled, by name, from one numpy generator.
"""

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import check, check_raises, f64  # noqa: E402

COVERED = {
    "nn modules": ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"],
}


def fill(T, mod, seed=0):
    """Every parameter of ``mod`` from one generator, in named_parameters order."""
    rng = np.random.default_rng(seed)
    with T.no_grad():
        for _, p in mod.named_parameters():
            p.copy_(f64(T, rng.uniform(-0.6, 0.6, tuple(p.shape))))
    return mod


def data(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).tolist()


def _flat(hidden):
    return list(hidden) if isinstance(hidden, tuple) else [hidden]


LAYERS = [
    ("RNN", dict()),
    ("RNN", dict(nonlinearity="relu", num_layers=2, bias=False)),
    ("RNN", dict(bidirectional=True, batch_first=True)),
    ("LSTM", dict()),
    ("LSTM", dict(num_layers=2, bidirectional=True)),
    ("LSTM", dict(proj_size=2, num_layers=2, batch_first=True)),
    ("LSTM", dict(proj_size=3, bidirectional=True, bias=False)),
    ("GRU", dict()),
    ("GRU", dict(num_layers=3, bidirectional=True)),
    ("GRU", dict(batch_first=True, bias=False)),
]


def _states(T, name, kw, batch, with_states):
    if not with_states:
        return None
    dirs = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    real = kw.get("proj_size", 0) or 4
    shape = (layers * dirs, batch, real) if batch else (layers * dirs, real)
    h0 = f64(T, data(shape, 11), requires_grad=True)
    if name != "LSTM":
        return h0
    cshape = shape[:-1] + (4,)
    return h0, f64(T, data(cshape, 12), requires_grad=True)


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("with_states", [False, True], ids=["zeros", "h0"])
@pytest.mark.parametrize("name, kw", LAYERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(LAYERS)])
def test_layers_values_and_gradients(name, kw, with_states, batched):
    def program(T):
        mod = fill(T, getattr(T.nn, name)(3, 4, dtype=T.float64, **kw))
        shape = ((2, 5, 3) if kw.get("batch_first") else (5, 2, 3)) if batched else (5, 3)
        x = f64(T, data(shape, 1), requires_grad=True)
        hx = _states(T, name, kw, 2 if batched else 0, with_states)
        out, hidden = mod(x) if hx is None else mod(x, hx)
        up = f64(T, data(tuple(out.shape), 2))
        loss = (out * up).sum() + sum((h * (i + 1.5)).sum() for i, h in enumerate(_flat(hidden)))
        loss.backward()
        grads = {n: p.grad for n, p in mod.named_parameters()}
        h_grads = [h.grad for h in _flat(hx)] if hx is not None else []
        return {"out": out, "hidden": _flat(hidden), "x.grad": x.grad, "h0.grad": h_grads,
                "params": grads, "dtype": out.dtype}

    check(program)


CELLS = [("RNNCell", dict()), ("RNNCell", dict(nonlinearity="relu", bias=False)), ("LSTMCell", dict()),
         ("LSTMCell", dict(bias=False)), ("GRUCell", dict()), ("GRUCell", dict(bias=False))]


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("with_state", [False, True], ids=["zeros", "hx"])
@pytest.mark.parametrize("name, kw", CELLS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CELLS)])
def test_cells_values_and_gradients(name, kw, with_state, batched):
    def program(T):
        cell = fill(T, getattr(T.nn, name)(3, 4, dtype=T.float64, **kw))
        x = f64(T, data((2, 3) if batched else (3,), 3), requires_grad=True)
        hx = None
        if with_state:
            hshape = (2, 4) if batched else (4,)
            h = f64(T, data(hshape, 4), requires_grad=True)
            hx = (h, f64(T, data(hshape, 5), requires_grad=True)) if name == "LSTMCell" else h
        res = cell(x) if hx is None else cell(x, hx)
        outs = _flat(res)
        sum((o * (i + 0.5)).sum() for i, o in enumerate(outs)).backward()
        hx_grads = [h.grad for h in _flat(hx)] if hx is not None else []
        return {"out": outs, "x.grad": x.grad, "hx.grad": hx_grads,
                "params": {n: p.grad for n, p in cell.named_parameters()}}

    check(program)


@pytest.mark.parametrize("name, kw", [("RNN", {}), ("LSTM", {}), ("GRU", {}), ("LSTM", {"proj_size": 2})])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_input(name, kw, enforce_sorted):
    kw = dict(kw, num_layers=2, bidirectional=True)

    def program(T):
        R = T.nn.utils.rnn
        mod = fill(T, getattr(T.nn, name)(3, 4, dtype=T.float64, **kw))
        lengths = [5, 3, 2] if enforce_sorted else [2, 5, 3]
        x = f64(T, data((5, 3, 3), 6), requires_grad=True)
        packed = R.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted)
        hx = _states(T, name, kw, 3, True)
        out, hidden = mod(packed, hx)
        padded, lens = R.pad_packed_sequence(out, batch_first=True, padding_value=-1.0, total_length=6)
        loss = (padded * f64(T, data(tuple(padded.shape), 7))).sum() + sum(h.sum() for h in _flat(hidden))
        loss.backward()
        return {"data": out.data, "batch_sizes": out.batch_sizes, "sorted": out.sorted_indices,
                "unsorted": out.unsorted_indices, "padded": padded, "lengths": lens,
                "hidden": _flat(hidden), "x.grad": x.grad, "h.grad": [h.grad for h in _flat(hx)],
                "params": {n: p.grad for n, p in mod.named_parameters()}}

    check(program)


def test_packing_utilities():
    def program(T):
        R = T.nn.utils.rnn
        seqs = [f64(T, data((n, 2), n), requires_grad=True) for n in (2, 4, 1)]
        p_right = R.pad_sequence(seqs, padding_value=7.0)
        p_left = R.pad_sequence(seqs, batch_first=True, padding_side="left")
        packed = R.pack_sequence(seqs, enforce_sorted=False)
        back, lens = R.pad_packed_sequence(packed)
        sorted_pack = R.pack_sequence([seqs[1], seqs[0], seqs[2]])
        ints = R.pad_sequence([T.tensor([1, 2, 3]), T.tensor([4])], batch_first=True)
        (p_right.sum() + (p_left * 2).sum() + (back * 3).sum()).backward()
        return {"right": p_right, "left": p_left, "data": packed.data, "bs": packed.batch_sizes,
                "sorted": packed.sorted_indices, "unsorted": packed.unsorted_indices, "back": back,
                "lens": lens, "sorted_pack": [sorted_pack.data, sorted_pack.batch_sizes,
                                              sorted_pack.sorted_indices],
                "ints": ints, "grads": [s.grad for s in seqs],
                "unpacked": R.unpack_sequence(packed),
                "unpadded": R.unpad_sequence(back * 1, lens)}  # (torch's transposes its argument in place)

    check(program)


def test_names_shapes_state_dict_and_init():
    def program(T):
        res = {}
        for name, kw in LAYERS + CELLS:
            mod = getattr(T.nn, name)(3, 4, **kw)
            bound = 1 / 4 ** 0.5
            res[f"{name}{kw}"] = {
                "named": [(n, tuple(p.shape)) for n, p in mod.named_parameters()],
                "state_dict": list(mod.state_dict()), "repr": repr(mod),
                "inside": all(bool((p.detach().abs() <= bound).all()) for p in mod.parameters())}
        lstm = T.nn.LSTM(3, 4, 2, bidirectional=True)
        res["all_weights"] = [[tuple(w.shape) for w in ws] for ws in lstm.all_weights]
        res["attrs"] = [lstm.input_size, lstm.hidden_size, lstm.num_layers, lstm.bias, lstm.batch_first,
                        lstm.dropout, lstm.bidirectional, lstm.proj_size, lstm.mode]
        res["float32"] = T.nn.GRU(3, 4, dtype=T.float32)(T.zeros(2, 1, 3, dtype=T.float32))[0].dtype
        return res

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(program)


def test_dropout_between_layers():
    def program(T):
        mod = fill(T, T.nn.LSTM(3, 4, num_layers=2, dropout=1.0, dtype=T.float64))
        x = f64(T, data((3, 2, 3), 9))
        train_out = mod(x)[0]  # p = 1 zeroes the first layer's output: deterministic
        mod.eval()
        return {"train": train_out, "eval": mod(x)[0]}

    check(program)


def _r(T, *shape, dtype=None):
    return T.zeros(*shape, dtype=dtype or T.float64)


def _lstm(T, **kw):
    return T.nn.LSTM(3, 5, dtype=T.float64, **kw)


ERRORS = [
    ("input size", lambda T: T.nn.RNN(3, 5, dtype=T.float64)(_r(T, 2, 4, 4)),
     ["input.size(-1) must be equal to input_size. Expected 3, got 4"]),
    ("hidden size", lambda T: T.nn.RNN(3, 5, dtype=T.float64)(_r(T, 2, 4, 3), _r(T, 1, 3, 5)),
     ["Expected hidden size (1, 4, 5), got [1, 3, 5]"]),
    ("hidden[1]", lambda T: _lstm(T)(_r(T, 2, 4, 3), (_r(T, 1, 4, 5), _r(T, 1, 3, 5))),
     ["Expected hidden[1] size (1, 4, 5), got [1, 3, 5]"]),
    ("proj hidden", lambda T: _lstm(T, proj_size=2)(_r(T, 2, 4, 3), (_r(T, 1, 4, 5), _r(T, 1, 4, 5))),
     ["Expected hidden[0] size (1, 4, 2), got [1, 4, 5]"]),
    ("unbatched hx", lambda T: T.nn.GRU(3, 5, dtype=T.float64)(_r(T, 4, 3), _r(T, 1, 4, 5)),
     ["For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"]),
    ("batched hx", lambda T: T.nn.RNN(3, 5, dtype=T.float64)(_r(T, 2, 4, 3), _r(T, 4, 5)),
     ["For batched 3-D input, hx should also be 3-D but got 2-D tensor"]),
    ("lstm hx dims", lambda T: _lstm(T)(_r(T, 4, 3), (_r(T, 1, 4, 5), _r(T, 1, 4, 5))),
     ["hx and cx should also be 2-D but got (3-D, 3-D) tensors"]),
    ("4-d input", lambda T: T.nn.RNN(3, 5, dtype=T.float64)(_r(T, 2, 2, 4, 3)),
     ["RNN: Expected input to be 2D or 3D, got 4D tensor instead"]),
    ("4-d lstm", lambda T: T.nn.LSTM(3, 5, dtype=T.float64)(_r(T, 2, 2, 4, 3)),
     ["LSTM: Expected input to be 2D or 3D, got 4D instead"]),
    ("dtype", lambda T: T.nn.RNN(3, 5, dtype=T.float64)(_r(T, 2, 4, 3, dtype=T.int64)),
     ["does not match weight dtype", "Convert input"]),
    ("nonlinearity", lambda T: T.nn.RNN(3, 5, nonlinearity="foo"), ["Unknown nonlinearity 'foo'"]),
    ("hidden type", lambda T: T.nn.RNN(3, 5.0), ["hidden_size should be of type int, got: float"]),
    ("hidden 0", lambda T: T.nn.GRU(3, 0), ["hidden_size must be greater than zero"]),
    ("layers 0", lambda T: T.nn.GRU(3, 4, num_layers=0), ["num_layers must be greater than zero"]),
    ("dropout", lambda T: T.nn.LSTM(3, 4, dropout=1.5), ["dropout should be a number in range [0, 1]"]),
    ("proj gru", lambda T: T.nn.GRU(3, 5, proj_size=2), ["proj_size argument is only supported for LSTM"]),
    ("proj big", lambda T: T.nn.LSTM(3, 5, proj_size=5), ["proj_size has to be smaller than hidden_size"]),
    ("proj neg", lambda T: T.nn.LSTM(3, 5, proj_size=-1), ["proj_size should be a positive integer"]),
    ("cell input dim", lambda T: T.nn.LSTMCell(3, 5, dtype=T.float64)(_r(T, 2, 2, 3)),
     ["LSTMCell: Expected input to be 1D or 2D, got 3D instead"]),
    ("cell hx dim", lambda T: T.nn.GRUCell(3, 5, dtype=T.float64)(_r(T, 2, 3), _r(T, 1, 2, 5)),
     ["GRUCell: Expected hidden to be 1D or 2D, got 3D instead"]),
    ("cell input size", lambda T: T.nn.RNNCell(3, 5, dtype=T.float64)(_r(T, 2, 4)),
     ["input has inconsistent input_size: got 4 expected 3"]),
    ("cell batch", lambda T: T.nn.LSTMCell(3, 5, dtype=T.float64)(_r(T, 2, 3), (_r(T, 3, 5), _r(T, 3, 5))),
     ["Input batch size 2 doesn't match hidden0 batch size 3"]),
    ("cell hidden size", lambda T: T.nn.GRUCell(3, 5, dtype=T.float64)(_r(T, 2, 3), _r(T, 2, 4)),
     ["hidden0 has inconsistent hidden_size: got 4, expected 5"]),
    ("unsorted", lambda T: T.nn.utils.rnn.pack_padded_sequence(_r(T, 3, 2, 2), [2, 3]),
     ["must be sorted in decreasing order when `enforce_sorted` is True"]),
    ("zero length", lambda T: T.nn.utils.rnn.pack_padded_sequence(_r(T, 3, 2, 2), [3, 0]),
     ["Length of all samples has to be greater than 0"]),
    ("lengths count", lambda T: T.nn.utils.rnn.pack_padded_sequence(_r(T, 3, 2, 2), [3, 2, 1]),
     ["Expected `len(lengths)` to be equal to batch_size, but got 3 (batch_size=2)"]),
    ("total_length", lambda T: T.nn.utils.rnn.pad_packed_sequence(
        T.nn.utils.rnn.pack_sequence([_r(T, 3, 1), _r(T, 1, 1)]), total_length=2),
     ["but got total_length=2 and max sequence length being 3"]),
    ("padding_side", lambda T: T.nn.utils.rnn.pad_sequence([_r(T, 3, 1)], padding_side="middle"),
     ["Expected padding_side to be one of left or right, but got middle."]),
    ("empty", lambda T: T.nn.utils.rnn.pad_sequence([]), ["received an empty list of sequences"]),
]


@pytest.mark.parametrize("label, call, words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(label, call, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(call, *words)


# ---------------------------------------------------------------- the safetensors bridge
BRIDGE = [("LSTM", dict(num_layers=2, bidirectional=True)), ("LSTM", dict(proj_size=2)),
          ("GRU", dict(num_layers=2, batch_first=True)), ("RNN", dict(nonlinearity="relu")),
          ("LSTMCell", dict()), ("GRUCell", dict())]


@pytest.mark.parametrize("direction", ["torch_to_ours", "ours_to_torch"])
@pytest.mark.parametrize("name, kw", BRIDGE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BRIDGE)])
def test_safetensors_bridge(tmp_path, name, kw, direction):
    pytest.importorskip("safetensors")
    import safetensors.torch as st_torch

    from tinygrad_edu.utils import safetensors as tst

    torch.manual_seed(3)
    theirs = getattr(torch.nn, name)(3, 4, dtype=torch.float64, **kw)
    ours = getattr(tg.nn, name)(3, 4, dtype=tg.float64, **kw)
    path = tmp_path / "w.safetensors"
    if direction == "torch_to_ours":
        st_torch.save_file(theirs.state_dict(), str(path))
        ours.load_state_dict(tst.load_file(path))
    else:
        fill(tg, ours, seed=4)
        tst.save_model(ours, path)
        result = theirs.load_state_dict(st_torch.load_file(str(path)))
        assert not result.missing_keys and not result.unexpected_keys
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[k].numpy(), v.numpy())
    cell = name.endswith("Cell")
    x = np.random.default_rng(8).normal(size=(2, 3) if cell else (2, 5, 3))
    got, want = ours(tg.tensor(x)), theirs(torch.tensor(x))
    got, want = (_flat(got[0]) + _flat(got[1]), _flat(want[0]) + _flat(want[1])) if not cell else \
        (_flat(got), _flat(want))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-14)
