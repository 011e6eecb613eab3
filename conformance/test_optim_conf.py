"""tinygrad_edu.optim side by side with torch.optim (float64, same start, same gradients)."""

import copy
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import optim  # noqa: E402
from tinygrad_edu.optim import lr_scheduler as sched_tg  # noqa: E402

COVERED = {
    "optim + lr_scheduler": [
        "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta",
        "lr_scheduler.StepLR", "lr_scheduler.MultiStepLR", "lr_scheduler.ExponentialLR",
        "lr_scheduler.CosineAnnealingLR", "lr_scheduler.LambdaLR",
    ],
}

STEPS = 20
TORCH_ONLY_GROUP_KEYS = {"foreach", "capturable", "differentiable", "fused"}

VARIANTS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, amsgrad=True, maximize=True, weight_decay=0.05)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.05, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-4, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.3, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.2)),
    ("Adagrad", dict(lr=0.3, eps=1e-3, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.7, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for n, kw in VARIANTS]


@pytest.fixture(autouse=True)
def _float64_default():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def _pair(rng):
    """The same three parameters (vector, matrix, 0-d) in both libraries."""
    arrays = [rng.standard_normal(4), rng.standard_normal((2, 3)), rng.standard_normal(())]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def _close(ours, theirs, what):
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=what)


@pytest.mark.parametrize("name, kwargs", VARIANTS, ids=IDS)
def test_optimizer_matches_torch(name, kwargs):
    rng = np.random.default_rng(42)
    ours, theirs = _pair(rng)
    opt_a = getattr(optim, name)(ours, **kwargs)
    opt_b = getattr(torch.optim, name)(theirs, **kwargs)
    start = [p.detach().numpy().copy() for p in ours]
    # a real loss through backward in both libraries, gradients skipped now and then for one
    target = [rng.standard_normal(p.shape) for p in start]
    for step in range(STEPS):
        opt_a.zero_grad()
        opt_b.zero_grad()
        used = [0, 1] if step % 5 == 3 else [0, 1, 2]  # param 2 gets no grad on some steps
        sum(((ours[i] - tg.tensor(target[i])) ** 2 * (i + 1)).sum() for i in used).backward()
        sum(((theirs[i] - torch.tensor(target[i])) ** 2 * (i + 1)).sum() for i in used).backward()
        opt_a.step()
        opt_b.step()
        _close(ours, theirs, f"{name} {kwargs} step {step}")
    assert not np.allclose(ours[0].detach().numpy(), start[0])
    # state: same parameter indices, same names, same values
    sd_a, sd_b = opt_a.state_dict(), opt_b.state_dict()
    assert list(sd_a["state"]) == list(sd_b["state"])
    for i in sd_b["state"]:
        assert list(sd_a["state"][i]) == list(sd_b["state"][i])
        for k, v in sd_b["state"][i].items():
            if v is None:
                assert sd_a["state"][i][k] is None
                continue
            np.testing.assert_allclose(sd_a["state"][i][k].numpy(), v.detach().numpy(),
                                       rtol=1e-10, atol=1e-12, err_msg=k)
    group_b = sd_b["param_groups"][0]
    group_a = sd_a["param_groups"][0]
    assert set(group_a) == set(group_b) - TORCH_ONLY_GROUP_KEYS
    for k in group_a:
        assert group_a[k] == group_b[k], k


@pytest.mark.parametrize("name, kwargs", VARIANTS[::2], ids=IDS[::2])
def test_state_dict_liveness_matches_torch(name, kwargs):
    rng = np.random.default_rng(5)
    ours, theirs = _pair(rng)
    opt_a = getattr(optim, name)(ours, **kwargs)
    opt_b = getattr(torch.optim, name)(theirs, **kwargs)
    early_a, early_b = opt_a.state_dict(), opt_b.state_dict()
    assert list(early_a["state"]) == list(early_b["state"])  # Adagrad's eager state: both
    for a, b in zip(ours, theirs):
        a.grad = tg.ones(*a.shape)
        b.grad = torch.ones(b.shape)
    opt_a.step()
    opt_b.step()
    sd_a, sd_b = opt_a.state_dict(), opt_b.state_dict()
    opt_a.step()
    opt_b.step()
    for i in sd_b["state"]:  # taken after step 1, read after step 2: both show step 2
        for k, v in sd_b["state"][i].items():
            np.testing.assert_allclose(sd_a["state"][i][k].numpy(), v.detach().numpy(),
                                       rtol=1e-12, err_msg=k)


@pytest.mark.parametrize("name, kwargs", [
    ("Adam", dict(lr=-1)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.999))),
    ("Adam", dict(betas=(0.9, 1.0))), ("Adam", dict(weight_decay=-1)),
    ("AdamW", dict(betas=(-0.5, 0.9))), ("RMSprop", dict(alpha=-1.0)),
    ("RMSprop", dict(momentum=-1)), ("Adagrad", dict(lr_decay=-1)),
    ("Adagrad", dict(initial_accumulator_value=-1)), ("Adadelta", dict(rho=1.5)),
    ("SGD", dict(lr=0.1, nesterov=True)),
])
def test_hyperparameter_errors_match_torch(name, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([tg.zeros(1, requires_grad=True)], **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("spoil", ["groups", "size"])
def test_load_state_dict_errors_match_torch(spoil):
    def build(lib, ps):
        return lib.Adam(ps, lr=0.1)

    messages = []
    for lib, mk in ((optim, lambda: tg.zeros(2, requires_grad=True)),
                    (torch.optim, lambda: torch.zeros(2, requires_grad=True))):
        opt = build(lib, [mk()])
        sd = copy.deepcopy(opt.state_dict())
        if spoil == "groups":
            sd["param_groups"].append(dict(sd["param_groups"][0], params=[1]))
        else:
            sd["param_groups"][0]["params"] = [0, 1]
        with pytest.raises(ValueError) as err:
            opt.load_state_dict(sd)
        messages.append(str(err.value))
    assert messages[0] == messages[1]


# ---------------------------------------------------------------- schedules

SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 11], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.85)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.002)),
    ("LambdaLR", dict(lr_lambda=lambda e: 1.0 / (1 + e) ** 0.5)),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_torch(name, kwargs):
    lrs = (0.1, 0.02)
    opt_a = optim.SGD([{"params": [tg.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs])
    opt_b = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr}
                             for lr in lrs])
    s_a = getattr(sched_tg, name)(opt_a, **kwargs)
    s_b = getattr(torch.optim.lr_scheduler, name)(opt_b, **kwargs)
    assert s_a.base_lrs == s_b.base_lrs and s_a.last_epoch == s_b.last_epoch
    for epoch in range(25):
        opt_a.step()
        opt_b.step()
        np.testing.assert_allclose(s_a.get_last_lr(), s_b.get_last_lr(), rtol=1e-10, atol=1e-15,
                                   err_msg=f"epoch {epoch}")
        assert [g["lr"] for g in opt_a.param_groups] == pytest.approx(
            [g["lr"] for g in opt_b.param_groups], rel=1e-10, abs=1e-15)
        s_a.step()
        s_b.step()
    assert s_a.last_epoch == s_b.last_epoch
    assert [g["initial_lr"] for g in opt_a.param_groups] == [g["initial_lr"] for g in opt_b.param_groups]
    torch_internal = {"_get_lr_called_within_step"}
    assert set(s_a.state_dict()) == set(s_b.state_dict()) - torch_internal


@pytest.mark.parametrize("kwargs", [
    dict(patience=2, factor=0.5),
    dict(mode="max", patience=1, factor=0.3, cooldown=2, min_lr=0.01),
    dict(patience=0, threshold=0.05, threshold_mode="abs", eps=1e-3),
    dict(patience=1, threshold=0.02, cooldown=1),
])
def test_reduce_on_plateau_matches_torch(kwargs):
    rng = np.random.default_rng(9)
    metrics = np.cumsum(rng.standard_normal(40) * 0.1) + 1.0
    opt_a = optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    opt_b = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    s_a = sched_tg.ReduceLROnPlateau(opt_a, **kwargs)
    s_b = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_b, **kwargs)
    seen = []
    for m in metrics:
        s_a.step(float(m))
        s_b.step(float(m))
        assert s_a.get_last_lr() == pytest.approx(s_b.get_last_lr(), rel=1e-10)
        assert (s_a.best, s_a.num_bad_epochs, s_a.cooldown_counter) == (
            s_b.best, s_b.num_bad_epochs, s_b.cooldown_counter)
        seen.append(s_a.get_last_lr()[0])
    assert len(set(seen)) > 1  # the schedule really cut the lr at least once
    assert set(s_a.state_dict()) == set(s_b.state_dict())


@pytest.mark.parametrize("kwargs", [dict(factor=1.0), dict(mode="up"), dict(threshold_mode="x")])
def test_reduce_on_plateau_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as theirs:
        torch.optim.lr_scheduler.ReduceLROnPlateau(
            torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0), **kwargs)
    with pytest.raises(ValueError) as ours:
        sched_tg.ReduceLROnPlateau(optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_cosine_closed_form_sanity():
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    s = sched_tg.CosineAnnealingLR(opt, T_max=4)
    for _ in range(2):
        opt.step()
        s.step()
    assert s.get_last_lr()[0] == pytest.approx((1 + math.cos(math.pi / 2)) / 2, abs=1e-15)
