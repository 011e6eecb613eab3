"""examples/charlm.py: the character-level GRU language model (short runs only, a second or two each)."""

import math
import pathlib
import re
import sys

import pytest

import tinygrad_edu as tg

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

import charlm  # noqa: E402
from _support import zh_punct  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def small_model(seed=0):
    text, vocab = charlm.load_text()
    stoi = {c: i for i, c in enumerate(vocab)}
    ids = tg.tensor([stoi[c] for c in text])
    tg.manual_seed(seed)
    return charlm.CharLM(len(vocab)).float(), vocab, ids


def test_text_ships_with_the_project_and_names_its_origin():
    text, vocab = charlm.load_text()
    assert 2000 < len(text) < 10000 and vocab == sorted(set(text)) and len(vocab) < 60
    assert "written for this project" in charlm.__doc__ and "MIT" in charlm.__doc__


def test_streams_are_contiguous_and_targets_are_the_next_character():
    ids = tg.arange(50)
    x, y = charlm.streams(ids, 4)
    assert x.shape == (4, 12) and y.shape == (4, 12)
    assert x[1].tolist() == list(range(12, 24)) and (y.numpy() == x.numpy() + 1).all()


def test_model_shapes_and_first_loss_near_a_uniform_guess():
    model, vocab, ids = small_model()
    logits, h = model(ids[:40].view(2, 20))
    assert logits.shape == (2, 20, len(vocab)) and h.shape == (1, 2, 128)
    assert logits.dtype == tg.float32
    assert abs(charlm.held_out_loss(model, ids[:300]) - math.log(len(vocab))) < 0.3


def test_loss_falls_over_a_few_steps():
    model, vocab, ids = small_model()
    lines = []
    losses, printed = charlm.train(model, ids[:2700], ids[2700:], steps=30, every=10, log=lines.append)
    assert len(losses) == 30 and [k for k, _, _ in printed] == [1, 10, 20, 30] and len(lines) == 4
    assert losses[-1] < losses[0] - 0.5
    assert printed[-1][1] < printed[1][1] < printed[0][1]  # the printed means fall
    assert printed[-1][2] < printed[0][2]  # and so does the held-out loss


def test_sample_is_drawn_from_the_vocabulary_and_a_seed_repeats_it():
    model, vocab, _ = small_model()

    def draw(seed, temperature=0.8):
        return charlm.sample(model, vocab, "The ", 60, temperature, tg.Generator().manual_seed(seed))

    first = draw(3)
    assert first.startswith("The ") and len(first) == 64 and set(first) <= set(vocab)
    assert draw(3) == first and draw(4) != first
    cold = charlm.sample(model, vocab, "a", 30, 1e-3, tg.Generator().manual_seed(5))
    assert cold == charlm.sample(model, vocab, "a", 30, 1e-3, tg.Generator().manual_seed(6))  # ~argmax


def run(capsys, tmp_path, *args):
    result = charlm.main(["--out", str(tmp_path), "--steps", "6", "--length", "40", *args])
    return result, capsys.readouterr().out.splitlines()


def test_main_prints_the_loss_curve_and_a_sample_and_repeats_with_the_same_seed(capsys, tmp_path):
    result, out = run(capsys, tmp_path)
    assert [ln[:11] for ln in out if ln.startswith("step ")] == [f"step    {k}/6" for k in range(1, 7)]
    assert "a uniform guess scores ln(" in "\n".join(out)
    sample_lines = [ln[4:] for ln in out if ln.startswith("  | ")]
    assert "\n".join(sample_lines) == result["sample"] and len(result["sample"]) == 44
    again, out2 = run(capsys, tmp_path)
    assert again["sample"] == result["sample"] and again["losses"] == result["losses"]
    other, _ = run(capsys, tmp_path, "--seed", "1")
    assert other["sample"] != result["sample"]


def test_lang_zh_prints_chinese_lines_with_the_same_numbers(capsys, tmp_path):
    _, en = run(capsys, tmp_path / "en")
    _, zh = run(capsys, tmp_path / "zh", "--lang", "zh")
    commentary = [ln for ln in zh if not ln.startswith("  | ")]  # the sample itself is English text
    assert commentary and all(CJK.search(ln) for ln in commentary), commentary
    assert all(zh_punct(ln) == ln for ln in commentary)  # full-width punctuation already
    assert not any(CJK.search(ln) for ln in en)
    assert [ln for ln in zh if ln.startswith("  | ")] == [ln for ln in en if ln.startswith("  | ")]

    def nums(lines, folder):
        return sorted(NUMBER.findall(" ".join(ln.replace(str(folder), "") for ln in lines)))

    assert nums(zh, tmp_path / "zh") == nums(en, tmp_path / "en")


def test_plot_is_written_with_chinese_labels_under_zh(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    run(capsys, tmp_path / "en")
    assert [p.name for p in (tmp_path / "en").iterdir()] == ["charlm_loss.png"]
    texts = []

    def record(fig, out, name, lang="en"):
        ax = fig.axes[0]
        texts.extend([ax.get_title(), ax.get_xlabel(), ax.get_ylabel(),
                      *(t.get_text() for t in ax.get_legend().get_texts())])
        plt.close(fig)

    monkeypatch.setattr(charlm, "save", record)
    run(capsys, tmp_path / "zh", "--lang", "zh")
    assert len(texts) == 6 and all(CJK.search(t) for t in texts), texts


def test_bad_arguments_are_refused(capsys, tmp_path):
    with pytest.raises(SystemExit, match="not in the text"):
        run(capsys, tmp_path, "--prompt", "Zürich")
    with pytest.raises(SystemExit, match="temperature"):
        run(capsys, tmp_path, "--temperature", "0")
