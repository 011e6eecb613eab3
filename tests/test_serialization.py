"""save/load: exact round trips, atomic writes, no pickle, clear errors on bad files."""

import os
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.optim import SGD
from tinygrad_edu.serialization import CheckpointError


def test_round_trip_model_and_optimizer(tmp_path):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    model[0].float()
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(tg.ones(2, 3)).sum().backward()
    opt.step()
    path = tmp_path / "ckpt.tge"
    tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3, "note": "hi",
             "pair": (1.5, None)}, path)
    back = tg.load(path)
    assert back["epoch"] == 3 and back["note"] == "hi" and back["pair"] == (1.5, None)
    for k, v in model.state_dict().items():
        assert back["model"][k].dtype == v.dtype
        np.testing.assert_array_equal(back["model"][k].data, v.data)
    assert back["model"]["0.weight"].dtype == np.float32
    assert list(back["optim"]["state"]) == [0, 1, 2, 3]  # int keys survive
    model2 = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    model2.load_state_dict(back["model"])
    opt2 = SGD(model2.parameters(), lr=0.1, momentum=0.9)
    opt2.load_state_dict(back["optim"])
    np.testing.assert_array_equal(opt2.state[model2[2].bias]["momentum_buffer"],
                                  opt.state[model[2].bias]["momentum_buffer"])


def test_file_contains_no_pickle(tmp_path):
    path = tmp_path / "x.tge"
    tg.save({"w": tg.ones(3)}, path)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            np.load(zf.open(name), allow_pickle=False)  # every member loads without pickle


def test_foreign_and_truncated_files_fail_cleanly(tmp_path):
    path = tmp_path / "x.tge"
    tg.save({"w": tg.ones(100)}, path)
    raw = path.read_bytes()
    (tmp_path / "trunc").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(CheckpointError, match="truncated"):
        tg.load(tmp_path / "trunc")
    np.savez(tmp_path / "plain.npz", a=np.ones(3))
    with pytest.raises(CheckpointError, match="not a tinygrad_edu checkpoint"):
        tg.load(tmp_path / "plain.npz")
    (tmp_path / "text").write_text("hello")
    with pytest.raises(CheckpointError):
        tg.load(tmp_path / "text")


def test_tampered_array_is_rejected(tmp_path):
    path = tmp_path / "x.tge"
    tg.save({"w": tg.tensor([1.0, 2.0, 3.0])}, path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["arr_0.npy"] = members["arr_0.npy"].replace(np.float64(2.0).tobytes(), np.float64(9.0).tobytes())
    with zipfile.ZipFile(path, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    with pytest.raises(CheckpointError, match="digest"):
        tg.load(path)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "x.tge"
    tg.save({"w": tg.ones(2)}, path)
    original = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"w": tg.zeros(1000)}, path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["x.tge"]  # no temporary file left behind


def test_unsupported_objects_are_refused(tmp_path):
    with pytest.raises(TypeError, match="cannot store an object of type"):
        tg.save({"f": lambda: 0}, tmp_path / "x")


@settings(max_examples=40)
@given(data=st.data())
def test_fuzzed_bytes_never_load_silently(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fz") / "x.tge"
    tg.save({"w": tg.tensor([1.0, 2.0]), "n": 3}, path)
    raw = bytearray(path.read_bytes())
    n_flips = data.draw(st.integers(1, 8))
    for _ in range(n_flips):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    path.write_bytes(bytes(raw[:cut]))
    try:
        out = tg.load(path)
    except CheckpointError:
        return
    # if it loads, it must be exactly what was saved (the flips hit unused bytes)
    assert out["n"] == 3 and out["w"].tolist() == [1.0, 2.0]
