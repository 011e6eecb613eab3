"""NAdam, RAdam, Adamax, ASGD, Rprop, LBFGS, Adafactor and the newer schedules, against hand
formulas in numpy (no torch)."""

import copy
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import optim
from tinygrad_edu.optim import lr_scheduler as S


def _param(values):
    p = tg.tensor(np.array(values, dtype=np.float64), requires_grad=True)
    return p


def _set_grad(p, g):
    p.grad = tg.tensor(np.array(g, dtype=np.float64))


def test_nadam_first_step_by_hand():
    p = _param([1.0, -2.0])
    opt = optim.NAdam([p], lr=0.1)
    g = np.array([0.5, -1.5])
    _set_grad(p, g)
    opt.step()
    beta1, beta2, md = 0.9, 0.999, 4e-3
    mu = beta1 * (1 - 0.5 * 0.96 ** (1 * md))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** (2 * md))
    m, v = (1 - beta1) * g, (1 - beta2) * g * g
    denom = np.sqrt(v / (1 - beta2)) + 1e-8
    expected = np.array([1.0, -2.0]) - 0.1 * (1 - mu) / (1 - mu) * g / denom \
        - 0.1 * mu_next / (1 - mu * mu_next) * m / denom
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12)
    state = opt.state[p]
    assert list(state) == ["step", "mu_product", "exp_avg", "exp_avg_sq"]
    assert state["mu_product"].item() == pytest.approx(mu) and state["step"].item() == 1.0


def test_radam_without_rectification_is_sgd_with_momentum_at_first():
    p = _param([1.0, 2.0])
    opt = optim.RAdam([p], lr=0.1)
    _set_grad(p, [1.0, -1.0])
    opt.step()  # rho_t <= 5 for the first steps: p -= lr * exp_avg / (1 - beta1^t) = lr * g
    np.testing.assert_allclose(p.detach().numpy(), [0.9, 2.1], rtol=1e-12)


def test_adamax_and_asgd_by_hand():
    p = _param([1.0, -1.0])
    opt = optim.Adamax([p], lr=0.1)
    _set_grad(p, [2.0, -0.5])
    opt.step()  # exp_avg = 0.1 g, exp_inf = |g| + eps, clr = lr / 0.1
    np.testing.assert_allclose(p.detach().numpy(),
                               [1.0 - 0.1 * 2 / (2 + 1e-8), -1.0 + 0.1 * 0.5 / (0.5 + 1e-8)])
    assert set(opt.state[p]) == {"step", "exp_avg", "exp_inf"}
    q = _param([1.0])
    opt = optim.ASGD([q], lr=0.1, lambd=0.01, alpha=0.5, t0=0)
    _set_grad(q, [1.0])
    opt.step()
    expected = 1.0 * (1 - 0.01 * 0.1) - 0.1
    assert q.item() == pytest.approx(expected)
    st = opt.state[q]
    assert st["ax"].item() == pytest.approx(expected)  # mu was 1: ax copies p
    assert st["eta"].item() == pytest.approx(0.1 / (1 + 0.01 * 0.1) ** 0.5)
    assert st["mu"].item() == 1.0


def test_rprop_grows_and_shrinks_step_sizes():
    p = _param([0.0, 0.0])
    opt = optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(0.01, 0.3))
    for g in ([1.0, 1.0], [1.0, -1.0], [1.0, 1.0]):
        _set_grad(p, g)
        opt.step()
    # first: both move -0.1; second: same sign grows to 0.2, flip shrinks to 0.05 and skips;
    # third: 0.3 (clamped), and the skipped one continues from 0.05
    np.testing.assert_allclose(p.detach().numpy(), [-0.1 - 0.2 - 0.3, -0.1 - 0.05])
    np.testing.assert_allclose(opt.state[p]["step_size"].numpy(), [0.3, 0.05])


def test_maximize_climbs():
    for name in ["NAdam", "RAdam", "Adamax", "ASGD", "Rprop", "Adafactor"]:
        p = _param([0.5, -0.5])
        opt = getattr(optim, name)([p], lr=0.05, maximize=True)
        for _ in range(5):
            opt.zero_grad()
            (-(p - 1.0) ** 2).sum().backward()  # maximum at 1
            opt.step()
        assert (np.abs(p.detach().numpy() - 1.0) < [0.5, 1.5]).all(), name


def test_adafactor_factored_state_and_decrease():
    w = tg.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    b = tg.tensor(np.ones(4), requires_grad=True)
    opt = optim.Adafactor([w, b], lr=0.05)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = (w ** 2).sum() + (b ** 2).sum()
        loss.backward()
        losses.append(loss.item())
        opt.step()
    assert losses[-1] < 0.5 * losses[0]
    assert opt.state[w]["row_var"].shape == (3, 1) and opt.state[w]["col_var"].shape == (1, 4)
    assert set(opt.state[b]) == {"step", "variance"}
    with pytest.raises(ValueError, match="beta2_decay should be <= 0"):
        optim.Adafactor([w], beta2_decay=0.1)


def _rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_minimises_rosenbrock(line_search_fn):
    x = _param([-1.2, 1.0])
    lr = 1.0 if line_search_fn else 0.2
    opt = optim.LBFGS([x], lr=lr, max_iter=50, history_size=10, line_search_fn=line_search_fn)

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(x)
        loss.backward()
        return loss

    first = opt.step(closure)
    for _ in range(10 if line_search_fn else 60):
        opt.step(closure)
    assert float(first.item()) == pytest.approx(24.2)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 1.0], atol=1e-3)
    state = opt.state_dict()["state"][0]
    assert state["n_iter"] > 1 and state["func_evals"] >= state["n_iter"]
    assert len(state["old_dirs"]) <= 10
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [_param([1.0])]}])


def test_lbfgs_state_dict_round_trip():
    def run(opt, x, steps):
        def closure():
            opt.zero_grad()
            loss = _rosenbrock(x)
            loss.backward()
            return loss
        for _ in range(steps):
            opt.step(closure)

    x = _param([-1.2, 1.0])
    opt = optim.LBFGS([x], max_iter=3, line_search_fn="strong_wolfe")
    run(opt, x, 2)
    y = _param(x.detach().numpy())
    opt2 = optim.LBFGS([y], max_iter=3, line_search_fn="strong_wolfe")
    opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
    run(opt, x, 2)
    run(opt2, y, 2)
    np.testing.assert_allclose(x.detach().numpy(), y.detach().numpy(), rtol=1e-12)


def test_new_optimizers_state_dict_round_trip():
    for name in ["NAdam", "RAdam", "Adamax", "ASGD", "Rprop", "Adafactor"]:
        rng = np.random.default_rng(1)
        start = [rng.standard_normal((2, 3)), rng.standard_normal(3)]
        a = [tg.tensor(s, requires_grad=True) for s in start]
        opt_a = getattr(optim, name)(a)
        for _ in range(3):
            opt_a.zero_grad()
            sum((p ** 2).sum() for p in a).backward()
            opt_a.step()
        b = [tg.tensor(p.detach().numpy(), requires_grad=True) for p in a]
        opt_b = getattr(optim, name)(b)
        opt_b.load_state_dict(copy.deepcopy(opt_a.state_dict()))
        for ps, opt in ((a, opt_a), (b, opt_b)):
            opt.zero_grad()
            sum((p ** 2).sum() for p in ps).backward()
            opt.step()
        for p, q in zip(a, b):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-12, err_msg=name)


# ------------------------------------------------------------------ schedules

def _opt(lr=0.1, **kw):
    return optim.SGD([tg.zeros(1, requires_grad=True)], lr=lr, **kw)


def _run(sched, opt, n):
    out = []
    for _ in range(n):
        out.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return out


def test_linear_constant_polynomial_closed_forms():
    opt = _opt()
    lrs = _run(S.LinearLR(opt, start_factor=0.25, total_iters=4), opt, 7)
    expected = [0.1 * (0.25 + 0.75 * min(t, 4) / 4) for t in range(7)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)
    opt = _opt()
    np.testing.assert_allclose(_run(S.ConstantLR(opt, factor=0.5, total_iters=2), opt, 4),
                               [0.05, 0.05, 0.1, 0.1], rtol=1e-12)
    opt = _opt()
    lrs = _run(S.PolynomialLR(opt, total_iters=5, power=2.0), opt, 7)
    np.testing.assert_allclose(lrs, [0.1 * (1 - min(t, 5) / 5) ** 2 for t in range(7)], atol=1e-15)
    opt = _opt()
    np.testing.assert_allclose(_run(S.MultiplicativeLR(opt, lambda e: 0.5), opt, 4),
                               [0.1, 0.05, 0.025, 0.0125])


def test_cyclic_triangle_and_momentum():
    opt = _opt(momentum=0.9)
    sched = S.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2, mode="triangular2")
    lrs = []
    moms = []
    for _ in range(9):
        lrs.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(lrs, [0.1, 0.3, 0.5, 0.3, 0.1, 0.2, 0.3, 0.2, 0.1], rtol=1e-12)
    np.testing.assert_allclose(moms[:3], [0.9, 0.85, 0.8], rtol=1e-12)


def test_one_cycle_endpoints():
    opt = _opt(momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="linear")
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.95)
    lrs = _run(sched, opt, 9)
    assert lrs[0] == pytest.approx(1.0 / 25) and max(lrs) == pytest.approx(1.0)
    assert sched.get_last_lr()[0] == pytest.approx(1.0 / 25 / 1e4)  # the last of the 10 steps
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.95)
    opt.step()
    sched.step()  # step 10 extrapolates, as PyTorch; step 11 raises
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        sched.step()


def test_warm_restarts_periods():
    opt = _opt()
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    lrs = _run(sched, opt, 8)
    expected = [0.1 * (1 + math.cos(math.pi * t / T)) / 2 for t, T in
                [(0, 2), (1, 2), (0, 4), (1, 4), (2, 4), (3, 4), (0, 8), (1, 8)]]
    np.testing.assert_allclose(lrs, expected, atol=1e-15)
    sched.step(2.5)  # fractional epoch inside the second period
    assert sched.get_last_lr()[0] == pytest.approx(0.1 * (1 + math.cos(math.pi * 0.5 / 4)) / 2)


def test_sequential_and_chained():
    opt = _opt()
    sched = S.SequentialLR(opt, [S.ConstantLR(opt, factor=0.1, total_iters=2),
                                 S.ExponentialLR(opt, gamma=0.5)], milestones=[2])
    np.testing.assert_allclose(_run(sched, opt, 5), [0.01, 0.01, 0.1, 0.05, 0.025], rtol=1e-12)
    opt = _opt()
    sched = S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=2), S.ExponentialLR(opt, 0.9)])
    np.testing.assert_allclose(_run(sched, opt, 4), [0.05, 0.045, 0.081, 0.0729], rtol=1e-12)
    state = sched.state_dict()
    assert len(state["_schedulers"]) == 2 and "optimizer" not in state
