"""Learning-rate schedules against their closed forms, and ReduceLROnPlateau against sequences
worked out by hand from its rules."""

import copy
import math
import warnings
from bisect import bisect_right

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.optim import SGD, Adam
from tinygrad_edu.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    ReduceLROnPlateau,
    StepLR,
)


def _opt(lrs=(0.1, 0.03)):
    return SGD([{"params": [tg.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], lr=1.0)


def _run(opt, sched, epochs):
    """The learning rates in use for epochs 0 .. epochs-1 (step the optimizer, then the schedule)."""
    seen = []
    for _ in range(epochs):
        opt.step()
        seen.append(sched.get_last_lr())
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        sched.step()
    return seen


def _check(seen, closed_form, base_lrs):
    for t, lrs in enumerate(seen):
        expected = [closed_form(t, b) for b in base_lrs]
        np.testing.assert_allclose(lrs, expected, rtol=1e-12, atol=1e-15 * max(base_lrs),
                                   err_msg=f"epoch {t}")


def test_step_lr():
    opt = _opt()
    seen = _run(opt, StepLR(opt, step_size=3, gamma=0.5), 12)
    _check(seen, lambda t, b: b * 0.5 ** (t // 3), [0.1, 0.03])
    assert seen[2] == [0.1, 0.03] and seen[3] == [0.05, 0.015]


def test_multistep_lr_with_a_repeated_milestone():
    opt = _opt()
    milestones = [2, 5, 5, 9]
    seen = _run(opt, MultiStepLR(opt, milestones=milestones, gamma=0.1), 12)
    _check(seen, lambda t, b: b * 0.1 ** bisect_right(milestones, t), [0.1, 0.03])


def test_exponential_lr():
    opt = _opt()
    seen = _run(opt, ExponentialLR(opt, gamma=0.9), 15)
    _check(seen, lambda t, b: b * 0.9**t, [0.1, 0.03])


@pytest.mark.parametrize("eta_min", [0.0, 0.001])
def test_cosine_annealing_follows_the_closed_form_past_t_max(eta_min):
    opt = _opt()
    T = 6
    seen = _run(opt, CosineAnnealingLR(opt, T_max=T, eta_min=eta_min), 3 * T + 2)

    def closed(t, b):
        return eta_min + (b - eta_min) * (1 + math.cos(math.pi * t / T)) / 2

    _check(seen, closed, [0.1, 0.03])
    assert seen[T][0] == pytest.approx(eta_min, abs=1e-15)


def test_lambda_lr_one_function_or_one_per_group():
    opt = _opt()
    seen = _run(opt, LambdaLR(opt, lambda e: 1 / (e + 1)), 6)
    _check(seen, lambda t, b: b / (t + 1), [0.1, 0.03])
    opt = _opt()
    seen = _run(opt, LambdaLR(opt, [lambda e: 0.5**e, lambda e: e + 1.0]), 5)
    assert [s[0] for s in seen] == [0.1 * 0.5**t for t in range(5)]
    np.testing.assert_allclose([s[1] for s in seen], [0.03 * (t + 1) for t in range(5)], rtol=1e-15)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        LambdaLR(_opt(), [lambda e: 1.0])


def test_base_class_bookkeeping():
    opt = _opt()
    sched = StepLR(opt, step_size=2)
    assert isinstance(sched, LRScheduler)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03]
    assert sched.base_lrs == [0.1, 0.03] and sched.last_epoch == 0
    opt.step()
    sched.step()
    sched.step()
    assert sched.last_epoch == 2 and sched.get_last_lr() == pytest.approx([0.01, 0.003], rel=1e-15)
    assert set(sched.state_dict()) >= {"base_lrs", "last_epoch", "step_size", "gamma", "_last_lr"}
    assert "optimizer" not in sched.state_dict()


def test_warns_when_scheduler_steps_before_optimizer():
    opt = _opt()
    sched = ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    opt2 = _opt()
    sched2 = ExponentialLR(opt2, gamma=0.5)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched2.step()


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(_opt(), step_size=2, last_epoch=3)


@pytest.mark.parametrize("make", [
    lambda o: StepLR(o, step_size=3, gamma=0.5),
    lambda o: MultiStepLR(o, milestones=[2, 4, 4], gamma=0.3),
    lambda o: ExponentialLR(o, gamma=0.8),
    lambda o: CosineAnnealingLR(o, T_max=5, eta_min=0.01),
], ids=["step", "multistep", "exponential", "cosine"])
@pytest.mark.parametrize("via_file", [False, True], ids=["in-memory", "tg.save"])
def test_state_dict_round_trip_resumes_exactly(make, via_file, tmp_path):
    opt = _opt()
    sched = make(opt)
    straight = _run(opt, sched, 12)

    opt1 = _opt()
    sched1 = make(opt1)
    _run(opt1, sched1, 5)
    osd, ssd = copy.deepcopy(opt1.state_dict()), copy.deepcopy(sched1.state_dict())
    if via_file:
        tg.save({"o": osd, "s": ssd}, tmp_path / "ck.tge")
        back = tg.load(tmp_path / "ck.tge")
        osd, ssd = back["o"], back["s"]
    opt2 = _opt((0.7, 0.7))
    sched2 = make(opt2)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(ssd)
    assert _run(opt2, sched2, 7) == straight[5:]


def test_scheduler_load_state_dict_validates_keys_first():
    opt = _opt()
    sched = StepLR(opt, step_size=2)
    bad = dict(sched.state_dict(), last_epoch=99, surprise=1)
    with pytest.raises(ValueError, match="unexpected \\['surprise'\\]"):
        sched.load_state_dict(bad)
    assert sched.last_epoch == 0


def test_lambda_lr_state_dict_keeps_functions_and_callable_objects_state():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, e):
            return min(1.0, (e + 1) / self.n)

    opt = _opt()
    sched = LambdaLR(opt, [Warmup(4), lambda e: 1.0])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"n": 4}, None]
    opt2 = _opt()
    sched2 = LambdaLR(opt2, [Warmup(10), lambda e: 2.0])
    sched2.load_state_dict(sd)
    assert sched2.lr_lambdas[0].n == 4 and sched2.lr_lambdas[1](0) == 2.0


# ---------------------------------------------------------------- ReduceLROnPlateau


def _plateau(metrics, **kw):
    opt = SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    sched = ReduceLROnPlateau(opt, **kw)
    lrs = []
    for m in metrics:
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
        assert sched.get_last_lr() == [lrs[-1]]
    return lrs, sched


def test_plateau_min_mode_patience():
    # best 1.0 at epoch 1; epochs 2, 3 bad (patience 2 allows them), epoch 4 is the third: cut
    lrs, sched = _plateau([1.0, 1.0, 1.0, 1.0, 0.5, 0.6, 0.6, 0.6], patience=2, factor=0.5)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25]
    assert sched.best == 0.5 and sched.last_epoch == 8


def test_plateau_cooldown_ignores_bad_epochs():
    # cut at epoch 2 (patience 1), then 2 cooldown epochs where bad epochs do not count
    lrs, _ = _plateau([1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], patience=1, cooldown=2, factor=0.1)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.1, 0.1, 0.1, 0.1, 0.01], rtol=1e-15)


def test_plateau_threshold_rel_and_abs():
    # rel: 0.9999 is not below 1.0 * (1 - 0.01): no improvement
    lrs, sched = _plateau([1.0, 0.995, 0.995], patience=1, threshold=0.01, factor=0.5)
    assert lrs == [1.0, 1.0, 0.5] and sched.best == 1.0
    # abs: 0.95 < 1.0 - 0.01 improves; 0.945 does not
    lrs, sched = _plateau([1.0, 0.95, 0.945, 0.945], patience=1, threshold=0.01,
                          threshold_mode="abs", factor=0.5)
    assert lrs == [1.0, 1.0, 1.0, 0.5] and sched.best == 0.95


def test_plateau_max_mode_min_lr_and_eps():
    lrs, _ = _plateau([1.0, 2.0, 1.0, 1.0, 1.0, 1.0], mode="max", patience=0, factor=0.5,
                      min_lr=0.3)
    assert lrs == [1.0, 1.0, 0.5, 0.3, 0.3, 0.3]
    # a cut smaller than eps is skipped
    lrs, _ = _plateau([1.0, 1.0, 1.0], patience=0, factor=0.5, eps=0.6)
    assert lrs == [1.0, 1.0, 1.0]


def test_plateau_accepts_a_one_element_value_and_per_group_min_lr():
    opt = Adam([{"params": [tg.zeros(1, requires_grad=True)], "lr": 1.0},
                {"params": [tg.zeros(1, requires_grad=True)], "lr": 1.0}])
    sched = ReduceLROnPlateau(opt, patience=0, factor=0.5, min_lr=[0.0, 0.8])
    sched.step(tg.tensor(1.0))
    sched.step(tg.tensor(1.0))
    assert sched.get_last_lr() == [0.5, 0.8]


@pytest.mark.parametrize("kwargs, message", [
    (dict(factor=1.0), "Factor should be < 1.0."),
    (dict(mode="up"), "mode up is unknown!"),
    (dict(threshold_mode="pct"), "threshold mode pct is unknown!"),
    (dict(min_lr=[0.1, 0.2]), "expected 1 min_lrs, got 2"),
])
def test_plateau_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReduceLROnPlateau(SGD([tg.zeros(1, requires_grad=True)], lr=1.0), **kwargs)


def test_plateau_state_dict_round_trip():
    metrics = [1.0, 0.9, 0.95, 0.97, 0.99, 0.8, 0.85, 0.9, 0.95, 0.99]
    straight, _ = _plateau(metrics, patience=1, cooldown=1, factor=0.5)
    opt = SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    sched = ReduceLROnPlateau(opt, patience=1, cooldown=1, factor=0.5)
    for m in metrics[:4]:
        sched.step(m)
    osd, ssd = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    opt2 = SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    sched2 = ReduceLROnPlateau(opt2, patience=1, cooldown=1, factor=0.5)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(ssd)
    rest = []
    for m in metrics[4:]:
        sched2.step(m)
        rest.append(opt2.param_groups[0]["lr"])
    assert rest == straight[4:]


def test_not_an_optimizer():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        StepLR([], step_size=1)
