"""The remaining optimizers and schedules side by side with torch (float64, same start, same
gradients): NAdam, RAdam, Adamax, ASGD, Rprop, LBFGS, Adafactor; OneCycleLR, CyclicLR,
CosineAnnealingWarmRestarts, LinearLR, ConstantLR, MultiplicativeLR, PolynomialLR, SequentialLR,
ChainedScheduler."""

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import optim  # noqa: E402
from tinygrad_edu.optim import lr_scheduler as sched_tg  # noqa: E402

COVERED = {
    "optim + lr_scheduler": [
        "NAdam", "RAdam", "Adamax", "ASGD", "Rprop", "LBFGS", "Adafactor",
        "lr_scheduler.OneCycleLR", "lr_scheduler.CyclicLR", "lr_scheduler.CosineAnnealingWarmRestarts",
        "lr_scheduler.LinearLR", "lr_scheduler.ConstantLR", "lr_scheduler.MultiplicativeLR",
        "lr_scheduler.PolynomialLR", "lr_scheduler.SequentialLR", "lr_scheduler.ChainedScheduler",
    ],
}

STEPS = 15
TORCH_ONLY_GROUP_KEYS = {"foreach", "capturable", "differentiable", "fused"}

VARIANTS = [
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1)),  # rho_t > 5 from step 1 on
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.05, betas=(0.7, 0.8), eps=1e-3, weight_decay=0.1, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=4, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=2, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.05, eps=(1e-6, 1e-3), maximize=True)),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for n, kw in VARIANTS]


@pytest.fixture(autouse=True)
def _float64_default():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def _pair(rng, shapes=((4,), (2, 3), (), (2, 2, 3))):
    arrays = [rng.standard_normal(s) for s in shapes]
    return ([tg.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def _close(ours, theirs, what, rtol=1e-10):
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=1e-12,
                                   err_msg=what)


def _as_array(v):
    return v.detach().numpy() if hasattr(v, "detach") else np.asarray(v)


def _same_state(sd_a, sd_b, rtol=1e-10):
    assert list(sd_a["state"]) == list(sd_b["state"])
    for i in sd_b["state"]:
        assert list(sd_a["state"][i]) == list(sd_b["state"][i])
        for k, v in sd_b["state"][i].items():
            mine = sd_a["state"][i][k]
            if isinstance(v, list):
                assert len(mine) == len(v), k
                for x, y in zip(mine, v):
                    assert (x is None) == (y is None), k
                    if y is not None:
                        np.testing.assert_allclose(_as_array(x), _as_array(y), rtol=rtol, atol=1e-12,
                                                   err_msg=k)
            else:
                np.testing.assert_allclose(_as_array(mine), _as_array(v), rtol=rtol, atol=1e-12,
                                           err_msg=k)
    for group_a, group_b in zip(sd_a["param_groups"], sd_b["param_groups"]):
        assert set(group_a) == set(group_b) - TORCH_ONLY_GROUP_KEYS
        for k in group_a:
            assert group_a[k] == group_b[k], k


@pytest.mark.parametrize("name, kwargs", VARIANTS, ids=IDS)
def test_optimizer_matches_torch(name, kwargs):
    rng = np.random.default_rng(7)
    ours, theirs = _pair(rng)
    # two groups: the second overrides lr (and the first keeps the defaults)
    opt_a = getattr(optim, name)([{"params": ours[:2]}, {"params": ours[2:], "lr": 0.03}], **kwargs)
    opt_b = getattr(torch.optim, name)([{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.03}],
                                       **kwargs)
    target = [rng.standard_normal(p.shape) for p in ours]
    start = ours[0].detach().numpy().copy()
    for step in range(STEPS):
        opt_a.zero_grad()
        opt_b.zero_grad()
        used = [0, 1, 3] if step % 5 == 3 else [0, 1, 2, 3]  # param 2 gets no grad now and then
        sum(((ours[i] - tg.tensor(target[i])) ** 2 * (i + 1)).sum() for i in used).backward()
        sum(((theirs[i] - torch.tensor(target[i])) ** 2 * (i + 1)).sum() for i in used).backward()
        opt_a.step()
        opt_b.step()
        _close(ours, theirs, f"{name} {kwargs} step {step}")
    assert not np.allclose(ours[0].detach().numpy(), start)
    _same_state(opt_a.state_dict(), opt_b.state_dict())
    # a copy of the state loaded into a fresh optimizer continues the same trajectory
    fresh = [tg.tensor(p.detach().numpy(), requires_grad=True) for p in ours]
    opt_c = getattr(optim, name)([{"params": fresh[:2]}, {"params": fresh[2:], "lr": 0.03}], **kwargs)
    opt_c.load_state_dict(copy.deepcopy(opt_a.state_dict()))
    for ps, opt, lib in ((fresh, opt_c, tg), (theirs, opt_b, torch)):
        opt.zero_grad()
        sum(((ps[i] - lib.tensor(target[i])) ** 2).sum() for i in range(4)).backward()
        opt.step()
    _close(fresh, theirs, f"{name} after load_state_dict")


@pytest.mark.parametrize("kwargs", [
    dict(), dict(lr=0.5, history_size=3, max_iter=7), dict(line_search_fn="strong_wolfe"),
    dict(lr=0.8, history_size=2, max_iter=5, line_search_fn="strong_wolfe"),
    dict(max_iter=4, max_eval=6, tolerance_change=1e-5),
])
def test_lbfgs_matches_torch(kwargs):
    rng = np.random.default_rng(3)
    ours, theirs = _pair(rng, shapes=((3,), (2, 2)))
    scale = rng.uniform(1, 4, size=7)

    def closure_for(ps, lib, opt):
        def closure():
            opt.zero_grad()
            flat = lib.cat([p.reshape(-1) for p in ps])
            # a Rosenbrock-like valley plus a quartic: not a quadratic, so the line search works
            loss = (lib.tensor(scale) * (flat - 0.5) ** 2).sum() + ((flat[1:] - flat[:-1] ** 2) ** 2).sum() \
                + (flat ** 4).sum() * 0.1
            loss.backward()
            return loss
        return closure

    opt_a = optim.LBFGS(ours, **kwargs)
    opt_b = torch.optim.LBFGS(theirs, **kwargs)
    for step in range(4):
        la = opt_a.step(closure_for(ours, tg, opt_a))
        lb = opt_b.step(closure_for(theirs, torch, opt_b))
        assert float(la) == pytest.approx(float(lb.detach()), rel=1e-9)
        _close(ours, theirs, f"LBFGS {kwargs} step {step}", rtol=1e-9)
    sd_a, sd_b = opt_a.state_dict(), opt_b.state_dict()
    assert sd_a["state"][0]["func_evals"] == sd_b["state"][0]["func_evals"]
    assert sd_a["state"][0]["n_iter"] == sd_b["state"][0]["n_iter"]
    _same_state(sd_a, sd_b, rtol=1e-8)


def test_lbfgs_errors_match_torch():
    for lib, mk in ((optim, tg.zeros), (torch.optim, torch.zeros)):
        with pytest.raises(ValueError, match="doesn't support per-parameter options"):
            lib.LBFGS([{"params": [mk(1, requires_grad=True)]}, {"params": [mk(1, requires_grad=True)]}])


@pytest.mark.parametrize("name, kwargs", [
    ("NAdam", dict(lr=-1)), ("NAdam", dict(momentum_decay=-1)), ("NAdam", dict(betas=(1.0, 0.9))),
    ("RAdam", dict(eps=-1)), ("RAdam", dict(weight_decay=-1)), ("Adamax", dict(betas=(0.9, 1.5))),
    ("ASGD", dict(lr=-1)), ("ASGD", dict(weight_decay=-0.1)), ("Rprop", dict(etas=(1.5, 1.2))),
    ("Rprop", dict(lr=-1)), ("LBFGS", dict(lr=-1)),
    ("Adafactor", dict(lr=-1)), ("Adafactor", dict(beta2_decay=0.5)), ("Adafactor", dict(d=0.5)),
    ("Adafactor", dict(eps=(-1, 1e-3))), ("Adafactor", dict(eps=(None, -1))),
    ("Adafactor", dict(weight_decay=-1)),
])
def test_hyperparameter_errors_match_torch(name, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([tg.zeros(1, requires_grad=True)], **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax", "ASGD", "Rprop", "LBFGS", "Adafactor"])
def test_defaults_match_torch(name):
    a = getattr(optim, name)([tg.zeros(2, requires_grad=True)])
    b = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
    theirs = {k: v for k, v in b.defaults.items() if k not in TORCH_ONLY_GROUP_KEYS}
    assert a.defaults == theirs


# ---------------------------------------------------------------- schedules

def _opts(kind="SGD", lrs=(0.1, 0.02)):
    """Two groups in each library; SGD with momentum (CyclicLR/OneCycleLR cycle it) or Adam."""
    extra = {"momentum": 0.9} if kind == "SGD" else {}
    opt_a = getattr(optim, kind)([{"params": [tg.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs],
                                 **extra)
    opt_b = getattr(torch.optim, kind)([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr}
                                        for lr in lrs], **extra)
    return opt_a, opt_b


SCHEDULES = [
    ("LinearLR", dict()),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=7)),
    ("ConstantLR", dict()),
    ("ConstantLR", dict(factor=0.25, total_iters=3)),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.95)),
    ("MultiplicativeLR", dict(lr_lambda=[lambda e: 0.9, lambda e: 1.0 / (1 + 0.01 * e)])),
    ("PolynomialLR", dict()),
    ("PolynomialLR", dict(total_iters=9, power=2.5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=4)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.001)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("CyclicLR", dict(base_lr=[0.01, 0.002], max_lr=0.1, step_size_up=3, step_size_down=5,
                      mode="triangular2", base_momentum=0.7, max_momentum=0.95)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x,
                      scale_mode="iterations", cycle_momentum=False)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=30)),
    ("OneCycleLR", dict(max_lr=[0.5, 0.2], epochs=5, steps_per_epoch=6, pct_start=0.4,
                        anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=30, three_phase=True, base_momentum=0.8)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=30, cycle_momentum=False)),
]


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]



def _same_schedule_state(a, b) -> bool:
    """Equal, with numbers within 1e-6 relative, through lists, tuples and dicts (pytest.approx
    refuses nested structures such as OneCycleLR's phases)."""
    if isinstance(b, dict):
        same = a.keys() == b.keys() if isinstance(a, dict) else False
        return same and all(_same_schedule_state(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and all(map(_same_schedule_state, a, b))
    if isinstance(b, float) and not isinstance(a, str):
        return a == pytest.approx(b)
    return a == b

@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=[f"{s[0]}-{i}" for i, s in enumerate(SCHEDULES)])
def test_schedule_matches_torch(name, kwargs, kind):
    if kind == "Adam" and name not in ("CyclicLR", "OneCycleLR"):
        pytest.skip("beta1 cycling is only for the cyclic schedules")
    opt_a, opt_b = _opts(kind)
    s_a = getattr(sched_tg, name)(opt_a, **kwargs)
    s_b = getattr(torch.optim.lr_scheduler, name)(opt_b, **kwargs)
    assert s_a.base_lrs == pytest.approx(s_b.base_lrs, rel=1e-12)
    assert s_a.last_epoch == s_b.last_epoch
    for epoch in range(30 if name != "OneCycleLR" else 29):
        opt_a.step()
        opt_b.step()
        np.testing.assert_allclose(s_a.get_last_lr(), s_b.get_last_lr(), rtol=1e-10, atol=1e-15,
                                   err_msg=f"epoch {epoch}")
        assert _momenta(opt_a) == pytest.approx(_momenta(opt_b), rel=1e-10)
        s_a.step()
        s_b.step()
    assert s_a.last_epoch == s_b.last_epoch
    sd_a, sd_b = s_a.state_dict(), s_b.state_dict()
    assert set(sd_a) == set(sd_b) - {"_get_lr_called_within_step"}
    for k in sd_a:
        if k not in ("_scale_fn_ref",) and not callable(sd_b[k]):
            assert _same_schedule_state(sd_a[k], sd_b[k]), k
    assert {k for g in opt_a.param_groups for k in g} == {k for g in opt_b.param_groups for k in g} \
        - TORCH_ONLY_GROUP_KEYS


def test_cosine_warm_restarts_fractional_epochs_match_torch():
    for T_mult in (1, 2):
        opt_a, opt_b = _opts()
        s_a = sched_tg.CosineAnnealingWarmRestarts(opt_a, T_0=3, T_mult=T_mult, eta_min=0.001)
        s_b = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt_b, T_0=3, T_mult=T_mult,
                                                                   eta_min=0.001)
        for epoch in range(12):
            for i in range(4):
                opt_a.step()
                opt_b.step()
                s_a.step(epoch + i / 4)
                s_b.step(epoch + i / 4)
                np.testing.assert_allclose(s_a.get_last_lr(), s_b.get_last_lr(), rtol=1e-12)
                theirs = (s_b.T_i, s_b.T_cur, s_b.last_epoch)
                assert (s_a.T_i, s_a.T_cur, s_a.last_epoch) == pytest.approx(theirs)
        with pytest.raises(ValueError, match="Expected non-negative epoch"):
            s_a.step(-1)


def _combined(lib, opt, which):
    S = lib.optim.lr_scheduler if lib is torch else sched_tg
    if which == "sequential":
        parts = [S.LinearLR(opt, start_factor=0.1, total_iters=4), S.ExponentialLR(opt, gamma=0.9),
                 S.StepLR(opt, step_size=3, gamma=0.5)]
        return S.SequentialLR(opt, schedulers=parts, milestones=[5, 11])
    if which == "sequential-cosine":
        parts = [S.ConstantLR(opt, factor=0.5, total_iters=2), S.CosineAnnealingLR(opt, T_max=6),
                 S.MultiStepLR(opt, milestones=[2, 4], gamma=0.5), S.PolynomialLR(opt, total_iters=4)]
        return S.SequentialLR(opt, schedulers=parts, milestones=[3, 9, 14])
    parts = [S.ConstantLR(opt, factor=0.1, total_iters=2), S.ExponentialLR(opt, gamma=0.9),
             S.CosineAnnealingLR(opt, T_max=5)]
    return S.ChainedScheduler(parts) if which == "chained" else S.ChainedScheduler(parts, optimizer=opt)


@pytest.mark.parametrize("which", ["sequential", "sequential-cosine", "chained", "chained-opt"])
def test_combined_schedules_match_torch(which):
    opt_a, opt_b = _opts()
    s_a, s_b = _combined(tg, opt_a, which), _combined(torch, opt_b, which)
    np.testing.assert_allclose(s_a.get_last_lr(), s_b.get_last_lr(), rtol=1e-12)
    for epoch in range(20):
        opt_a.step()
        opt_b.step()
        s_a.step()
        s_b.step()
        np.testing.assert_allclose(s_a.get_last_lr(), s_b.get_last_lr(), rtol=1e-10, err_msg=str(epoch))
        np.testing.assert_allclose([g["lr"] for g in opt_a.param_groups],
                                   [g["lr"] for g in opt_b.param_groups], rtol=1e-10)
    sd_a, sd_b = s_a.state_dict(), s_b.state_dict()
    assert set(sd_a) == set(sd_b)
    assert len(sd_a["_schedulers"]) == len(sd_b["_schedulers"])
    for a, b in zip(sd_a["_schedulers"], sd_b["_schedulers"]):
        assert set(a) == set(b) - {"_get_lr_called_within_step"}
        assert a["last_epoch"] == b["last_epoch"] and a["_step_count"] == b["_step_count"]
    # a fresh combined schedule continues the same sequence after load_state_dict
    opt_c, _ = _opts()
    s_c = _combined(tg, opt_c, which)
    s_c.load_state_dict(copy.deepcopy(sd_a))
    for g_c, g_a in zip(opt_c.param_groups, opt_a.param_groups):
        g_c["lr"] = g_a["lr"]
    for _ in range(5):
        opt_c.step()
        opt_b.step()
        s_c.step()
        s_b.step()
        np.testing.assert_allclose(s_c.get_last_lr(), s_b.get_last_lr(), rtol=1e-10)


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR", "LinearLR", "PolynomialLR"])
def test_state_dict_round_trip_continues_like_torch(name):
    kwargs = dict(SCHEDULES[[s[0] for s in SCHEDULES].index(name) + 1][1])
    opt_a, opt_b = _opts()
    s_a = getattr(sched_tg, name)(opt_a, **kwargs)
    s_b = getattr(torch.optim.lr_scheduler, name)(opt_b, **kwargs)
    for _ in range(7):
        opt_a.step()
        opt_b.step()
        s_a.step()
        s_b.step()
    opt_c, _ = _opts()
    s_c = getattr(sched_tg, name)(opt_c, **kwargs)
    s_c.load_state_dict(copy.deepcopy(s_a.state_dict()))
    opt_c.load_state_dict(copy.deepcopy(opt_a.state_dict()))
    for _ in range(8):
        opt_c.step()
        opt_b.step()
        s_c.step()
        s_b.step()
        np.testing.assert_allclose(s_c.get_last_lr(), s_b.get_last_lr(), rtol=1e-10)


@pytest.mark.parametrize("name, kwargs", [
    ("LinearLR", dict(start_factor=0)), ("LinearLR", dict(end_factor=1.5)),
    ("ConstantLR", dict(factor=2)),
    ("MultiplicativeLR", dict(lr_lambda=[lambda e: 1.0])), ("CosineAnnealingWarmRestarts", dict(T_0=0)),
    ("CosineAnnealingWarmRestarts", dict(T_0=2, T_mult=0)),
    ("CyclicLR", dict(base_lr=0.1, max_lr=1, mode="x")),
    ("CyclicLR", dict(base_lr=[0.1], max_lr=1)), ("OneCycleLR", dict(max_lr=1)),
    ("OneCycleLR", dict(max_lr=1, total_steps=0)),
    ("OneCycleLR", dict(max_lr=1, total_steps=5, pct_start=1.5)),
    ("OneCycleLR", dict(max_lr=1, total_steps=5, anneal_strategy="x")),
    ("OneCycleLR", dict(max_lr=1, epochs=0, steps_per_epoch=2)),
])
def test_schedule_errors_match_torch(name, kwargs):
    opt_a, opt_b = _opts()
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim.lr_scheduler, name)(opt_b, **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(sched_tg, name)(opt_a, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_cycle_momentum_needs_momentum_and_one_cycle_overrun_match_torch():
    for lib, mk in ((optim, tg.zeros), (torch.optim, torch.zeros)):
        opt = lib.Adagrad([mk(1, requires_grad=True)])
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
            lib.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=1)
        opt = lib.SGD([mk(1, requires_grad=True)], momentum=0.9)
        s = lib.lr_scheduler.OneCycleLR(opt, max_lr=1, total_steps=3)
        for _ in range(3):
            opt.step()
            s.step()
        with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total "
                                             "steps is 3"):
            s.step()
    for lib in (sched_tg, torch.optim.lr_scheduler):
        opt_a, opt_b = _opts()
        opt = opt_a if lib is sched_tg else opt_b
        with pytest.raises(ValueError, match="expects number of schedulers provided to be one more"):
            lib.SequentialLR(opt, [lib.StepLR(opt, 2)], milestones=[3])
        with pytest.raises(ValueError, match="at least one scheduler"):
            lib.ChainedScheduler([])


def test_step_with_epoch_uses_the_closed_form_and_warns_like_torch():
    for name, kwargs in [("StepLR", dict(step_size=2, gamma=0.5)), ("LinearLR", dict()),
                         ("PolynomialLR", dict(power=2.0)), ("ExponentialLR", dict(gamma=0.9)),
                         ("MultiStepLR", dict(milestones=[1, 3])), ("ConstantLR", dict()),
                         ("CosineAnnealingLR", dict(T_max=4))]:
        opt_a, opt_b = _opts()
        s_a = getattr(sched_tg, name)(opt_a, **kwargs)
        s_b = getattr(torch.optim.lr_scheduler, name)(opt_b, **kwargs)
        opt_a.step()
        opt_b.step()
        for epoch in (3, 1, 6):
            with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step"):
                s_a.step(epoch)
            with pytest.warns(UserWarning):
                s_b.step(epoch)
            np.testing.assert_allclose(s_a.get_last_lr(), s_b.get_last_lr(), rtol=1e-12, err_msg=name)
