"""The benchmark harness's bookkeeping (benchmarks/run.py), without timing anything: per-round
ratios, the met / NOT met verdicts, and the seed 001 reference being the post's own code."""

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # puts benchmarks/ on sys.path for workloads and classifiers
    return module


def test_ratios_are_taken_round_by_round(run):
    assert run.per_round([2.0, 9.0, 4.0], [1.0, 3.0, 4.0]) == [2.0, 3.0, 1.0]
    assert run.per_round(None, [1.0]) is None
    s = run.stats(run.per_round([2.0, 9.0, 4.0], [1.0, 3.0, 4.0]))
    assert (s["median"], s["min"], s["max"]) == (2.0, 1.0, 3.0)


def test_interleaved_runs_each_contender_once_per_round_and_marks_missing_ones(run):
    calls = []

    def ok(tag):
        calls.append(tag)
        return float(len(calls))

    def missing():
        raise run.W.Missing("not installed")

    got = run.interleaved([("a", ok, ("a",)), ("gone", missing, ()), ("b", ok, ("b",))], 3)
    assert calls == ["a", "b"] * 3
    assert got == {"a": [1.0, 3.0, 5.0], "gone": None, "b": [2.0, 4.0, 6.0]}


def test_verdicts_use_the_median_and_say_when_rounds_disagree(run):
    t = run.Targets()
    t.check(2, "fast", [0.4, 0.5, 0.6], "<=", 1.0)
    t.check(1, "slow", [2.0, 2.1, 2.2], "<=", 1.0)
    t.check(3, "borderline", [0.7, 0.85, 0.9], ">=", 0.8)
    t.check(3, "nearly", [0.9, 1.5, 0.95], ">=", 1.0)
    t.check(4, "absent", None, ">=", 1.5, why_missing="scikit-learn not installed")
    t.check(5, "strict", [1.0, 1.0, 1.0], ">", 1.0)
    rows = {r["workload"]: r for r in t.rows}
    assert [r["workload"] for r in t.rows][:3] == ["slow", "fast", "borderline"]  # by order
    assert rows["fast"]["verdict"] == "met" and rows["fast"]["met"] is True
    assert rows["slow"]["verdict"] == "NOT met"
    assert rows["borderline"]["verdict"] == "met (not in every round)"
    assert rows["nearly"]["verdict"] == "NOT met (met in some rounds)"
    assert rows["absent"]["met"] is None and "scikit-learn" in rows["absent"]["verdict"]
    assert rows["strict"]["met"] is False


def test_the_seed_001_reference_is_the_posts_loop_and_stops_after_5000_updates(run):
    W = run.W
    for line in ("y_pred = func(x)", "epoch_loss += loss(y_pred, y_true)", "epoch_loss /= len(X)",
                 'print("第%d轮, loss %f" %(epoch, epoch_loss))', "if epoch_loss < 0.0001:"):
        assert line in W.POST_001_TRAIN
    assert W.quad_post() > 0  # asserts inside: epoch 49, 50 printed lines, w1 after 5000 updates
    assert W.quad_post_body() > 0


@pytest.fixture(scope="module")
def floor(run):
    spec = importlib.util.spec_from_file_location("benchmarks_floor", ROOT / "benchmarks" / "floor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("form", ["tuple", "slots", "squeezed", "bare"])
def test_the_floor_model_computes_what_the_post_computes(floor, form):
    """benchmarks/floor.py times a stripped-down autograd; its numbers only mean something if it
    computes the right gradients: the same weights as the post after 5000 updates (asserted
    inside), and d/dx of the chain, by the product rule, in every form."""
    assert sorted(floor.FORMS) == ["bare", "slots", "squeezed", "tuple"]
    Value = floor.FORMS[form]
    assert floor.quad_floor(Value) > 0
    x = Value(0.5, True)
    y = (x * 3.0 + x) * x - x ** 2.0  # y = 3x^2: dy/dx = 6x = 3
    y.backward()
    assert x.grad == pytest.approx(3.0, rel=1e-12)
    assert floor.chain_floor(Value, 1000) > 0
