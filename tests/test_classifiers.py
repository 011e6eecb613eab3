"""The classifier examples: two moons (micrograd's demo) and the 8x8 digits (MLP and CNN)."""

import pathlib
import sys

import numpy as np
import pytest

import tinygrad_edu as tg

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

import moons  # noqa: E402


def test_make_moons_lies_on_the_two_half_circles_without_noise():
    x, y = moons.make_moons(100, noise=0.0, seed=3)
    assert x.shape == (100, 2) and y.shape == (100,) and y.sum() == 50
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12
    noisy, y2 = moons.make_moons(100, noise=0.1, seed=3)
    assert np.array_equal(y, y2) and 0.05 < np.std(noisy - x) < 0.15


def test_first_loss_is_the_notebooks_formula():
    x, y = moons.make_moons()
    tg.manual_seed(0)
    params = [p.detach().numpy().copy() for p in moons.make_model().parameters()]
    w1, b1, w2, b2, w3, b3 = params
    assert np.all(np.abs(w1) <= 1) and np.all(b1 == 0)  # micrograd's init: U(-1, 1), zero bias
    h = np.maximum(x @ w1.T + b1, 0)
    h = np.maximum(h @ w2.T + b2, 0)
    scores = (h @ w3.T + b3).ravel()
    sign = 2.0 * y - 1
    expected = np.mean(np.maximum(1 - sign * scores, 0)) + 1e-4 * sum((p**2).sum() for p in params)
    _, losses, accuracies = moons.train(x, y, steps=1, seed=0, log=lambda *a: None)
    assert losses[0] == pytest.approx(expected, rel=1e-12)
    assert accuracies[0] == np.mean((scores > 0) == (sign > 0))


def test_moons_fast_mode_reaches_100_percent(tmp_path, capsys):
    result = moons.main(fast=True, out=str(tmp_path))
    assert result["accuracy"] == 1.0
    assert result["losses"][-1] < 0.1 * result["losses"][0]
    printed = capsys.readouterr().out
    assert "final accuracy 100% after 100 steps" in printed
    if "matplotlib is not installed" not in printed:
        assert (tmp_path / "moons.png").stat().st_size > 0


def test_moons_speaks_chinese(tmp_path, capsys):
    moons.main(fast=True, lang="zh", out=str(tmp_path))
    assert "准确率 100%" in capsys.readouterr().out


def test_digits_fast_mode_trains_both_models(tmp_path):
    pytest.importorskip("sklearn")
    import digits

    result = digits.main(fast=True, out=str(tmp_path))
    mlp, cnn = result["MLP"], result["CNN"]
    assert mlp["test_acc"][-1] >= 0.95 and cnn["test_acc"][-1] >= 0.85
    assert mlp["loss"][-1] < mlp["loss"][0] and cnn["loss"][-1] < cnn["loss"][0]
