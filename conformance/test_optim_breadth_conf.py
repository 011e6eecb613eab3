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
