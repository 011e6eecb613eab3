"""save/load: exact round trips, atomic writes, no pickle, clear errors on bad files.

The crafted files below are built by hand (zip, npy header, JSON) so each differs from a valid
checkpoint in one thing; every one must raise CheckpointError before allocating what it claims."""

import contextlib
import hashlib
import inspect
import io
import json
import os
import stat
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import serialization
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


# ------------------------------------------------------------------ files: modes, links, folders
@contextlib.contextmanager
def _umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_save_keeps_the_mode_of_an_existing_file(tmp_path, mode):
    path = tmp_path / "x.tge"
    path.write_bytes(b"old")
    os.chmod(path, mode)
    with _umask(0o077):  # the umask must not matter for an existing file
        tg.save({"w": tg.ones(2)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    assert tg.load(path)["w"].tolist() == [1.0, 1.0]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_new_file_gets_the_mode_open_would_give(tmp_path, mask):
    with _umask(mask):
        tg.save({"w": tg.ones(2)}, tmp_path / "new.tge")
        with open(tmp_path / "by_open", "wb"):
            pass
    want = stat.S_IMODE(os.stat(tmp_path / "by_open").st_mode)
    assert want == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(tmp_path / "new.tge").st_mode) == want


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_save_writes_through_a_symlink_into_the_targets_folder(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "ckpt.tge"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    link = tmp_path / "links" / "latest.tge"
    link.symlink_to(target)
    renames = []
    real_replace = os.replace

    def spy(src, dst):
        renames.append((os.path.dirname(src), dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    tg.save({"w": tg.tensor([1.0, 2.0])}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert renames == [(str(tmp_path / "real"), str(target))]  # temp file beside the target
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert tg.load(target)["w"].tolist() == [1.0, 2.0]
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["ckpt.tge"]
    assert sorted(p.name for p in (tmp_path / "links").iterdir()) == ["latest.tge"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_save_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.tge"
    link.symlink_to(tmp_path / "made.tge")
    tg.save({"n": 1}, link)
    assert link.is_symlink() and tg.load(tmp_path / "made.tge") == {"n": 1}


def test_missing_folder_is_named(tmp_path):
    folder = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match=f"Parent directory {folder} does not exist") as info:
        tg.save({"n": 1}, folder / "x.tge")
    assert ".tmp" not in str(info.value)
    assert not (tmp_path / "no").exists()


@pytest.mark.skipif(sys.platform == "win32" or os.getuid() == 0, reason="root may write read-only files")
def test_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "x.tge"
    path.write_bytes(b"keep")
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError):
        tg.save({"n": 1}, path)
    assert path.read_bytes() == b"keep"


def test_failed_save_leaves_the_target_untouched(tmp_path):
    path = tmp_path / "x.tge"
    tg.save({"w": tg.ones(2)}, path)
    before = path.read_bytes()
    cyc = []
    cyc.append(cyc)
    deep = []
    for _ in range(serialization.MAX_DEPTH):
        deep = [deep]
    for bad, err in [({"w": tg.ones(3), "f": object()}, TypeError), ({"s": np.array(["a"])}, TypeError),
                     ({1.5: 1}, TypeError), (cyc, ValueError), (deep, ValueError), (10**5000, ValueError)]:
        with pytest.raises(err):
            tg.save(bad, path)
        buf = io.BytesIO(b"pre")
        with pytest.raises(err):
            tg.save(bad, buf)
        assert buf.getvalue() == b"pre"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["x.tge"]


def test_nesting_up_to_max_depth_round_trips(tmp_path):
    deep = [1]
    for _ in range(serialization.MAX_DEPTH - 1):
        deep = [deep]
    tg.save(deep, tmp_path / "x")
    assert tg.load(tmp_path / "x") == deep


# ------------------------------------------------------------------ file objects and path types
def test_bytesio_round_trip_from_the_current_position():
    buf = io.BytesIO()
    buf.write(b"HEADER")
    tg.save({"w": tg.tensor([1.0, -2.0], requires_grad=True), "k": (1, "a")}, buf)
    assert buf.getvalue()[:6] == b"HEADER" and buf.tell() == len(buf.getvalue())
    buf.seek(6)
    back = tg.load(buf)
    assert back["w"].tolist() == [1.0, -2.0] and back["w"].requires_grad and back["k"] == (1, "a")


def test_real_file_objects_and_pathlike(tmp_path):
    class Where:
        def __fspath__(self):
            return str(tmp_path / "p.tge")

    tg.save([np.arange(3)], Where())
    assert tg.load(str(tmp_path / "p.tge"))[0].tolist() == [0, 1, 2]
    with open(tmp_path / "f.tge", "wb") as fh:
        tg.save({"n": 2}, fh)
    with open(tmp_path / "f.tge", "rb") as fh:
        assert tg.load(fh) == {"n": 2}


def test_wrong_file_arguments_are_type_errors(tmp_path):
    with pytest.raises(TypeError, match="path .* or a binary file object"):
        tg.save({"n": 1}, 42)
    with pytest.raises(TypeError, match="binary file object"):
        tg.load(object())
    with open(tmp_path / "t", "w") as fh, pytest.raises(TypeError, match="text mode"):
        tg.save({"n": 1}, fh)
    with pytest.raises(FileNotFoundError):
        tg.load(tmp_path / "missing.tge")


# ------------------------------------------------------------------ crafted files
def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _npy_header(descr, shape, data=b""):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue() + data


def _digest(arr):  # independent of the library: sha256(dtype, shape, C-order bytes)
    return hashlib.sha256(str(arr.dtype).encode() + str(arr.shape).encode() + arr.tobytes()).hexdigest()


def _structure_text(tree, digests):
    return json.dumps({"format": "tinygrad_edu-checkpoint", "version": 1, "tree": tree, "digests": digests})


def _write(path, members, structure_text=None):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if structure_text is not None:
            zf.writestr("__structure__.npy", _npy(np.frombuffer(structure_text.encode(), np.uint8)))
    return path


def _one_tensor_file(path, arr, rg=False):
    tree = {"t": "dict", "v": [["w", {"t": "tensor", "k": 0, "rg": rg}]]}
    return _write(path, {"arr_0.npy": _npy(arr)}, _structure_text(tree, [_digest(arr)]))


def test_crafted_file_helper_matches_save(tmp_path):  # so the crafted files below differ in one thing only
    out = tg.load(_one_tensor_file(tmp_path / "x", np.array([1.5, 2.5])))
    assert out["w"].tolist() == [1.5, 2.5] and out["w"].dtype == np.float64


def _patch_zip(path, local_offset, central_offset, value, width):
    raw = bytearray(path.read_bytes())
    for sig, off in [(b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)]:
        i = raw.find(sig)
        while i != -1:
            raw[i + off:i + off + width] = value.to_bytes(width, "little")
            i = raw.find(sig, i + 4)
    path.write_bytes(bytes(raw))


def test_encrypted_member_is_a_checkpoint_error(tmp_path):
    path = _one_tensor_file(tmp_path / "x", np.array([1.0]))
    _patch_zip(path, 6, 8, 0x1, 2)  # general purpose flag bit 0: encrypted
    with pytest.raises(CheckpointError, match="encrypted"):
        tg.load(path)


@pytest.mark.parametrize("method", [8, 12, 99, 77])  # deflate, bzip2, AES, unknown
def test_compressed_or_unknown_method_is_a_checkpoint_error(tmp_path, method):
    path = _one_tensor_file(tmp_path / "x", np.array([1.0]))
    _patch_zip(path, 8, 10, method, 2)
    with pytest.raises(CheckpointError, match=f"compression method {method}"):
        tg.load(path)


def test_deeply_nested_json_is_a_checkpoint_error(tmp_path):
    path = _write(tmp_path / "x", {}, "[" * 5000 + "]" * 5000)
    with pytest.raises(CheckpointError, match="structure record is corrupt"):
        tg.load(path)
    deep = {"t": "py", "v": 1}
    for _ in range(300):  # shallow enough for json, deeper than MAX_DEPTH
        deep = {"t": "list", "v": [deep]}
    path = _write(tmp_path / "y", {}, _structure_text(deep, []))
    with pytest.raises(CheckpointError, match="nested more than 100 deep"):
        tg.load(path)


def test_huge_int_is_a_checkpoint_error(tmp_path):
    text = _structure_text({"t": "py", "v": 0}, []).replace('"v": 0', '"v": ' + "7" * 5000)
    with pytest.raises(CheckpointError, match="structure record is corrupt"):
        tg.load(_write(tmp_path / "x", {}, text))


@pytest.mark.parametrize("descr", ["<U3", "|O", [("a", "<f8")], "<M8[s]", ("<f8", (2,))])
def test_non_number_dtypes_are_checkpoint_errors(tmp_path, descr):
    tree = {"t": "ndarray", "k": 0, "rg": False}
    path = _write(tmp_path / "x", {"arr_0.npy": _npy_header(descr, (1,), b"\0" * 16)},
                  _structure_text(tree, ["0" * 64]))
    with pytest.raises(CheckpointError, match="checkpoints hold only numbers"):
        tg.load(path)


def test_requires_grad_on_an_int_array_is_a_checkpoint_error(tmp_path):
    path = _one_tensor_file(tmp_path / "x", np.array([1, 2]), rg=True)
    with pytest.raises(CheckpointError, match="floating point"):
        tg.load(path)


@pytest.mark.parametrize("tree", [
    {"t": "tensor", "k": True, "rg": False}, {"t": "tensor", "k": 1, "rg": False},
    {"t": "list", "v": [{"t": "tensor", "k": 0, "rg": False}] * 2}, {"t": "py", "v": [1]},
    {"t": "dict", "v": [["a", {"t": "py", "v": 1}], ["a", {"t": "py", "v": 2}]]},
    {"t": "dict", "v": [[None, {"t": "py", "v": 1}]]}, {"t": "nope"}, [1], {"t": "list", "v": 3},
    {"t": "ndarray", "k": 0, "rg": True}, {"t": "npscalar", "k": 0, "rg": False},
])
def test_malformed_trees_are_checkpoint_errors(tmp_path, tree):
    arr = np.array([1.0, 2.0])
    path = _write(tmp_path / "x", {"arr_0.npy": _npy(arr)}, _structure_text(tree, [_digest(arr)]))
    with pytest.raises(CheckpointError, match="structure record is malformed"):
        tg.load(path)


def _peak_during(fn):
    tracemalloc.start()
    try:
        with contextlib.suppress(CheckpointError):
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", [(10**15,), (3 * 2**30 // 8,), (2**40, 2**40)])
def test_small_file_claiming_a_huge_array_is_refused_before_allocating(tmp_path, shape):
    data = b"\0" * 2**20
    tree = {"t": "ndarray", "k": 0, "rg": False}
    path = _write(tmp_path / "x", {"arr_0.npy": _npy_header("<f8", shape, data)},
                  _structure_text(tree, ["0" * 64]))
    with pytest.raises(CheckpointError, match=r"declares shape .* but holds 1048576 bytes"):
        tg.load(path)
    size = path.stat().st_size
    # documented bound: arrays take at most the bytes in the file; bookkeeping is small
    assert _peak_during(lambda: tg.load(path)) < size + 2**20


def test_zip_directory_claiming_more_than_the_file_is_refused(tmp_path):
    path = _one_tensor_file(tmp_path / "x", np.zeros(1000))
    raw = bytearray(path.read_bytes())
    i = raw.find(b"PK\x01\x02")  # first central entry: arr_0.npy; claim 3 GB stored and uncompressed
    raw[i + 20:i + 28] = (3 * 2**30).to_bytes(4, "little") * 2
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="declares .* bytes of members but the file has only"):
        tg.load(path)
    assert _peak_during(lambda: tg.load(path)) < path.stat().st_size + 2**20


def test_max_bytes_bounds_what_load_allocates(tmp_path):
    path = tmp_path / "x"
    tg.save({"w": np.zeros(2**16)}, path)  # 512 KiB of data
    with pytest.raises(CheckpointError, match="more than max_bytes=100000"):
        tg.load(path, max_bytes=100_000)
    assert tg.load(path, max_bytes=None)["w"].shape == (2**16,)
    assert tg.load(path, max_bytes=2**20)["w"].shape == (2**16,)
    default = inspect.signature(tg.load).parameters["max_bytes"].default
    assert default == serialization.DEFAULT_MAX_BYTES == 4 * 2**30
    with pytest.raises(ValueError, match="max_bytes"):
        tg.load(path, max_bytes=-1)


def test_loading_a_real_checkpoint_allocates_about_its_data_once(tmp_path):
    path = tmp_path / "x"
    tg.save({"w": np.arange(2**19, dtype=np.float64)}, path)  # 4 MiB
    out = {}
    peak = _peak_during(lambda: out.update(tg.load(path)))
    assert out["w"][-1] == 2**19 - 1
    assert 4 * 2**20 <= peak < 4 * 2**20 + 2**20  # the array once, plus 256 KiB chunk buffers


def test_fortran_ordered_arrays_round_trip(tmp_path):
    a = np.arange(6.0).reshape(2, 3).T
    tg.save({"a": a}, tmp_path / "x")
    back = tg.load(tmp_path / "x")["a"]
    assert back.shape == (3, 2) and back.tolist() == a.tolist()


def test_extra_or_duplicate_members_are_refused(tmp_path):
    path = _one_tensor_file(tmp_path / "x", np.array([1.0]))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("extra.npy", _npy(np.zeros(1)))
    with pytest.raises(CheckpointError, match="unexpected \\['extra.npy'\\]"):
        tg.load(path)
    path = _one_tensor_file(tmp_path / "y", np.array([1.0]))
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as zf:
        zf.writestr("arr_0.npy", _npy(np.array([2.0])))
    with pytest.raises(CheckpointError, match="duplicate member names"):
        tg.load(path)


def test_a_file_in_the_previous_writer_layout_still_loads(tmp_path):
    # the first version wrote each member with ZipFile.writestr (stored) and np.save: as _write does
    out = tg.load(_one_tensor_file(tmp_path / "x", np.arange(6.0).reshape(2, 3).astype(np.float32)))
    assert out["w"].dtype == np.float32 and out["w"].tolist() == [[0, 1, 2], [3, 4, 5]]
