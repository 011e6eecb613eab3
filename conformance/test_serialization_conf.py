"""save/load file semantics next to torch.save/torch.load: file objects, symlinks, modes, errors.

The formats differ on purpose (ours has no pickle), so only how files are found, written and
refused is compared.
"""

import io
import os
import stat
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks and modes")


def _both(tmp_path):
    return [("torch", torch.save, torch.load, torch.ones(3), tmp_path / "torch"),
            ("tg", tg.save, tg.load, tg.ones(3), tmp_path / "tg")]


def test_file_object_round_trip_from_the_current_position():
    pairs = [(torch.save, torch.load, torch.arange(4.0)), (tg.save, tg.load, tg.arange(4.0))]
    for save, load, value in pairs:
        buf = io.BytesIO(b"PREFIX")
        buf.seek(6)
        save({"w": value, "n": 3}, buf)
        assert buf.getvalue()[:6] == b"PREFIX"
        assert buf.tell() == len(buf.getvalue())  # left at the end of what was written
        buf.seek(6)
        back = load(buf)
        assert back["n"] == 3 and back["w"].tolist() == [0.0, 1.0, 2.0, 3.0]


@posix_only
def test_symlink_is_written_through_keeping_the_targets_mode(tmp_path):
    for name, save, load, value, folder in _both(tmp_path):
        (folder / "real").mkdir(parents=True)
        target = folder / "real" / "ckpt"
        target.write_bytes(b"old")
        os.chmod(target, 0o640)
        link = folder / "latest"
        link.symlink_to(target)
        save({"w": value}, link)
        assert link.is_symlink(), name
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o640, name
        assert load(target)["w"].tolist() == [1.0, 1.0, 1.0], name
        assert sorted(p.name for p in folder.rglob("*")) == ["ckpt", "latest", "real"], name


@posix_only
def test_new_file_mode_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        modes = {name: (save({"w": value}, folder), stat.S_IMODE(os.stat(folder).st_mode))[1]
                 for name, save, _, value, folder in _both(tmp_path)}
    finally:
        os.umask(old)
    assert modes["tg"] == modes["torch"] == 0o640


def test_missing_folder_message_matches_torch(tmp_path):
    folder = tmp_path / "missing"
    with pytest.raises(RuntimeError) as theirs:
        torch.save({"w": torch.ones(1)}, folder / "x.pt")
    # ours is a FileNotFoundError (an OSError, like open()) with the same sentence
    with pytest.raises(FileNotFoundError) as ours:
        tg.save({"w": tg.ones(1)}, folder / "x.tge")
    sentence = f"Parent directory {folder} does not exist."
    assert sentence in str(theirs.value) and sentence in str(ours.value)


def test_missing_file_and_text_mode_errors_have_the_same_types(tmp_path):
    for save, load in [(torch.save, torch.load), (tg.save, tg.load)]:
        with pytest.raises(FileNotFoundError):
            load(tmp_path / "nothing.pt")
        with open(tmp_path / "text", "w") as fh, pytest.raises(TypeError):
            save({"n": 1}, fh)


def test_state_dict_values_survive_the_same_way(tmp_path):
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    sd = {k: v.detach().numpy().astype(np.float64) for k, v in lin.state_dict().items()}
    torch.save(lin.state_dict(), tmp_path / "t.pt")
    tg.save({k: tg.tensor(v) for k, v in sd.items()}, tmp_path / "g.tge")
    theirs, ours = torch.load(tmp_path / "t.pt"), tg.load(tmp_path / "g.tge")
    assert list(theirs) == list(ours) == ["weight", "bias"]
    for k in sd:
        np.testing.assert_array_equal(ours[k].numpy(), theirs[k].double().numpy())
