"""tinygrad_edu.utils.safetensors: state_dicts to and from safetensors files (torch-free).

The file layout is checked independently of the code under test: the header is parsed by hand
(8-byte little-endian length, then JSON with dtype, shape and byte offsets, as the format's
specification says) and the bytes are compared with numpy's own encoding of the arrays.
"""

import json
import os
import stat
import struct
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.utils import safetensors as tst

SPEC_DTYPES = {np.bool_: "BOOL", np.int8: "I8", np.uint8: "U8", np.int16: "I16", np.uint16: "U16",
               np.int32: "I32", np.uint32: "U32", np.int64: "I64", np.uint64: "U64",
               np.float16: "F16", np.float32: "F32", np.float64: "F64"}


def read_by_hand(path):
    """(header dict, data bytes) of a safetensors file, parsed from its specification."""
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def mlp(seed):
    tg.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))


needs_package = pytest.mark.skipif(
    __import__("importlib").util.find_spec("safetensors") is None,
    reason='the optional safetensors package is not installed (pip install "tinygrad_edu[safetensors]")')


@needs_package
def test_model_round_trip_restores_parameters_and_outputs(tmp_path):
    src, dst = mlp(0), mlp(1)
    x = tg.tensor(np.linspace(-1, 1, 12).reshape(4, 3))
    assert not np.allclose(src(x).detach().numpy(), dst(x).detach().numpy())
    path = tmp_path / "m.safetensors"
    tst.save_model(src, path)
    result = tst.load_model(dst, path)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (k, a), (k2, b) in zip(src.state_dict().items(), dst.state_dict().items()):
        assert k == k2 and np.array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(src(x).detach().numpy(), dst(x).detach().numpy())


@needs_package
def test_file_layout_matches_the_specification(tmp_path):
    m = mlp(0).float()
    path = tmp_path / "m.safetensors"
    tst.save_file(m.state_dict(), path, metadata={"author": "test"})
    header, data = read_by_hand(path)
    assert header.pop("__metadata__") == {"author": "test"}
    assert set(header) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    for key, value in m.state_dict().items():
        entry = header[key]
        assert entry["dtype"] == "F32" and entry["shape"] == list(value.shape)
        start, end = entry["data_offsets"]
        expected = value.numpy().astype("<f4").tobytes()
        assert data[start:end] == expected


@needs_package
@pytest.mark.parametrize("dtype", list(SPEC_DTYPES))
def test_every_dtype_is_kept_exactly(tmp_path, dtype):
    arr = (np.arange(6).reshape(2, 3) % 2 == 1) if dtype is np.bool_ else \
        (np.arange(6).reshape(2, 3) * 3 - (0 if np.dtype(dtype).kind == "u" else 7)).astype(dtype)
    path = tmp_path / "t.safetensors"
    tst.save_file({"a": tg.tensor(arr), "n": arr}, path)
    header, _ = read_by_hand(path)
    assert header["a"]["dtype"] == SPEC_DTYPES[dtype] == header["n"]["dtype"]
    back = tst.load_file(path)
    for key in ("a", "n"):
        assert isinstance(back[key], tg.Value) and not back[key].requires_grad
        assert back[key].dtype == np.dtype(dtype) and back[key].shape == (2, 3)
        np.testing.assert_array_equal(back[key].numpy(), arr)


@needs_package
def test_zero_dim_empty_and_non_contiguous_tensors(tmp_path):
    base = np.arange(12.0).reshape(3, 4)
    entries = {"scalar": tg.tensor(2.5), "empty": np.zeros((0, 3), np.float32),
               "transposed": tg.tensor(base).transpose(0, 1), "strided": base[:, ::2]}
    back = tst.load(tst.save(entries))
    assert back["scalar"].shape == () and back["scalar"].item() == 2.5
    assert back["empty"].shape == (0, 3) and back["empty"].dtype == np.float32
    np.testing.assert_array_equal(back["transposed"].numpy(), base.T)
    np.testing.assert_array_equal(back["strided"].numpy(), base[:, ::2])


@needs_package
def test_parameters_that_require_grad_are_saved_and_loaded_values_do_not(tmp_path):
    w = nn.Parameter(tg.tensor([1.0, -2.0]))
    assert w.requires_grad
    back = tst.load(tst.save({"w": w}))["w"]
    assert back.tolist() == [1.0, -2.0] and not back.requires_grad


@needs_package
@pytest.mark.parametrize("bad, message", [
    ({"a": "text"}, 'cannot store "a": safetensors holds only numeric tensors'),
    ({"a": None}, 'cannot store "a"'),
    ({"a": [1.0, 2.0]}, "got list"),
    ({"a": 1.5}, "got float"),
    ({"a": np.array(["x"])}, "dtype <U1 is not a numeric dtype"),
    ({"a": np.ones(2, dtype=complex)}, "dtype complex128 is not a numeric dtype"),
    ({"a": np.array([object()])}, "dtype object"),
    ({3: np.ones(2)}, "keys must be strings"),
])
def test_non_numeric_entries_are_refused_and_the_file_is_untouched(tmp_path, bad, message):
    path = tmp_path / "old.safetensors"
    path.write_bytes(b"previous contents")
    with pytest.raises(TypeError, match=message.replace("(", r"\(")):
        tst.save_file({"ok": np.ones(2), **bad}, path)
    assert path.read_bytes() == b"previous contents"
    assert sorted(os.listdir(tmp_path)) == ["old.safetensors"]  # no temporary file left


@needs_package
def test_a_dict_is_required_and_metadata_must_be_strings(tmp_path):
    with pytest.raises(TypeError, match="expects a dict of name -> tensor"):
        tst.save_file([np.ones(2)], tmp_path / "x")
    with pytest.raises(TypeError, match="metadata must be a dict of str -> str"):
        tst.save_file({"a": np.ones(2)}, tmp_path / "x", metadata={"epoch": 3})
    assert not (tmp_path / "x").exists()


@needs_package
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and symlinks")
def test_existing_file_keeps_its_mode_and_symlinks_are_written_through(tmp_path):
    target = tmp_path / "real.safetensors"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    link = tmp_path / "latest.safetensors"
    link.symlink_to(target)
    tst.save_file({"a": np.arange(3.0)}, link)
    assert link.is_symlink() and stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert tst.load_file(target)["a"].tolist() == [0.0, 1.0, 2.0]
    os.chmod(target, 0o440)
    if os.access(target, os.W_OK):
        pytest.skip("running as root: read-only files are writable")
    with pytest.raises(PermissionError, match="read-only"):
        tst.save_file({"a": np.zeros(1)}, target)


@needs_package
def test_strict_load_reports_keys_and_leaves_the_model_unchanged(tmp_path):
    model = mlp(0)
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    path = tmp_path / "partial.safetensors"
    tst.save_file({"0.weight": np.zeros((5, 3)), "extra": np.zeros(1)}, path)
    with pytest.raises(RuntimeError, match='Unexpected key\\(s\\) in state_dict: "extra"'):
        tst.load_model(model, path)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    result = tst.load_model(model, path, strict=False)
    assert result.unexpected_keys == ["extra"] and "2.bias" in result.missing_keys
    assert np.all(model.state_dict()["0.weight"].numpy() == 0)


@needs_package
def test_bfloat16_file_gets_a_clear_error(tmp_path):
    header = json.dumps({"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}).encode()
    header += b" " * (-len(header) % 8)
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x80\x3f\x00\x40")  # 1.0, 2.0
    with pytest.raises(TypeError, match="bfloat16 and float8 tensors cannot be read here"):
        tst.load_file(path)


def test_missing_package_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "safetensors", None)  # makes `import safetensors` fail
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    for call in (lambda: tst.save_file({"a": np.ones(1)}, tmp_path / "x"),
                 lambda: tst.load_file(tmp_path / "x"), lambda: tst.save({"a": np.ones(1)}),
                 lambda: tst.load(b"")):
        with pytest.raises(ImportError, match=r'pip install "tinygrad_edu\[safetensors\]"'):
            call()
    assert not (tmp_path / "x").exists()
