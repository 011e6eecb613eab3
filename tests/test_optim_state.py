"""Optimizer state_dict / load_state_dict: one rule for 0-d and n-d state (live references, as
in PyTorch), exact resumption, copies on load, validation before any change."""

import copy

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.optim import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop

MAKERS = [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: SGD(ps, lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.1),
    lambda ps: Adam(ps, lr=0.1),
    lambda ps: Adam(ps, lr=0.1, amsgrad=True, weight_decay=0.1),
    lambda ps: AdamW(ps, lr=0.1, amsgrad=True),
    lambda ps: RMSprop(ps, lr=0.05, momentum=0.9, centered=True),
    lambda ps: Adagrad(ps, lr=0.3, lr_decay=0.1),
    lambda ps: Adadelta(ps, lr=0.5),
]
NAMES = ["sgd", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "rmsprop", "adagrad", "adadelta"]


def _params(rng):
    """A vector, a matrix and a 0-d parameter."""
    return [tg.tensor(rng.standard_normal(3), requires_grad=True),
            tg.tensor(rng.standard_normal((2, 2)), requires_grad=True),
            tg.tensor(rng.standard_normal(()), requires_grad=True)]


def _grads(rng, n):
    return [[rng.standard_normal(3), rng.standard_normal((2, 2)), rng.standard_normal(())]
            for _ in range(n)]


def _run(opt, params, grads):
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = g
        opt.step()


@pytest.mark.parametrize("make", MAKERS, ids=NAMES)
def test_state_dict_is_live_for_0d_and_nd_state_alike(make):
    rng = np.random.default_rng(0)
    params = _params(rng)
    opt = make(params)
    grads = _grads(rng, 4)
    _run(opt, params, grads[:1])
    sd = opt.state_dict()
    _run(opt, params, grads[1:])
    # the state_dict taken after one step holds the optimizer's own state objects ...
    for i, p in enumerate(params):
        assert sd["state"][i] is opt.state[p]
        for k, v in opt.state[p].items():
            assert sd["state"][i][k] is v
    # ... so it shows the state after all four steps, 0-d entries (step, a 0-d param's buffers)
    # included
    if "step" in sd["state"][2]:
        assert sd["state"][2]["step"].item() == 4.0
    snapshot = copy.deepcopy(opt.state_dict())  # a true snapshot: later steps leave it alone
    frozen = {(i, k): v.numpy().copy() for i, st in snapshot["state"].items() for k, v in st.items()}
    _run(opt, params, grads[:1])
    for (i, k), arr in frozen.items():
        np.testing.assert_array_equal(snapshot["state"][i][k].numpy(), arr)
    assert any(not np.array_equal(arr, opt.state[params[i]][k].numpy())
               for (i, k), arr in frozen.items())


def test_state_dict_before_any_step_has_no_state_and_stays_empty():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([p], lr=0.1)
    sd = opt.state_dict()
    p.grad = np.array([1.0, 1.0])
    opt.step()
    assert sd["state"] == {}  # as in PyTorch: a new dict, not the optimizer's
    assert opt.state_dict()["state"][0]["step"].item() == 1.0


def test_group_entries_in_state_dict_are_copies():
    p = tg.tensor([1.0], requires_grad=True)
    opt = SGD([p], lr=0.1)
    sd = opt.state_dict()
    opt.param_groups[0]["lr"] = 0.5
    assert sd["param_groups"][0]["lr"] == 0.1 and sd["param_groups"][0]["params"] == [0]


@pytest.mark.parametrize("via_file", [False, True], ids=["in-memory", "tg.save"])
@pytest.mark.parametrize("make", MAKERS, ids=NAMES)
def test_resuming_from_state_dict_is_identical_to_uninterrupted(make, via_file, tmp_path):
    rng = np.random.default_rng(1)
    start = [p.detach().numpy().copy() for p in _params(rng)]
    grads = _grads(rng, 7)

    straight = [tg.tensor(a, requires_grad=True) for a in start]
    opt = make(straight)
    _run(opt, straight, grads)

    first = [tg.tensor(a, requires_grad=True) for a in start]
    opt1 = make(first)
    _run(opt1, first, grads[:3])
    sd = opt1.state_dict()
    if via_file:
        tg.save(sd, tmp_path / "opt.tge")
        sd = tg.load(tmp_path / "opt.tge")
    second = [tg.tensor(p.detach().numpy().copy(), requires_grad=True) for p in first]
    opt2 = make(second)
    opt2.load_state_dict(sd)
    _run(opt2, second, grads[3:])
    for a, b in zip(straight, second):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    for a, b in zip(straight, start):
        assert not np.allclose(a.detach().numpy(), b)


def test_load_copies_so_two_optimizers_never_share_state():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([1.0, 2.0], requires_grad=True)
    opt_a, opt_b = Adam([a], lr=0.1), Adam([b], lr=0.1)
    a.grad = np.array([1.0, -1.0])
    opt_a.step()
    opt_b.load_state_dict(opt_a.state_dict())
    for k in ("step", "exp_avg", "exp_avg_sq"):
        assert opt_b.state[b][k] is not opt_a.state[a][k]
    b.grad = np.array([3.0, 3.0])
    opt_b.step()
    assert opt_a.state[a]["step"].item() == 1.0 and opt_b.state[b]["step"].item() == 2.0
    np.testing.assert_allclose(opt_a.state[a]["exp_avg"].numpy(), [0.1, -0.1], rtol=1e-15)


def test_load_casts_state_to_the_parameter_dtype_but_not_step():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([a], lr=0.1)
    a.grad = np.array([1.0, -1.0])
    opt.step()
    b = tg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    opt32 = Adam([b], lr=0.1)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[b]["exp_avg"].dtype == np.float32
    assert opt32.state[b]["step"].dtype == np.float64


def test_zero_grad():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    q = tg.tensor([3.0], requires_grad=True)
    opt = SGD([p, q], lr=0.1)
    (p * p).sum().backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.numpy(), [0.0, 0.0])
    assert q.grad is None  # no gradient stays no gradient
    opt.zero_grad()
    assert p.grad is None


def _trained_adam():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([p], lr=0.1)
    p.grad = np.array([1.0, -1.0])
    opt.step()
    return p, opt


def _bad_group_count(sd):
    sd["param_groups"].append(dict(sd["param_groups"][0]))


def _bad_group_size(sd):
    sd["param_groups"][0]["params"] = [0, 1]


def _bad_shape(sd):
    sd["state"][0]["exp_avg"] = tg.zeros(5)


def _bad_lr(sd):
    sd["param_groups"][0]["lr"] = -1.0


def _bad_betas(sd):
    sd["param_groups"][0]["betas"] = (1.0, 0.999)


def _bad_kind(sd):
    del sd["param_groups"][0]["betas"]


def _bad_index(sd):
    sd["state"][7] = sd["state"].pop(0)


def _bad_step(sd):
    sd["state"][0]["step"] = tg.zeros(2)


@pytest.mark.parametrize("spoil, message", [
    (_bad_group_count, "loaded state dict has a different number of parameter groups"),
    (_bad_group_size, "loaded state dict contains a parameter group that doesn't match the size "
                      "of optimizer's group"),
    (_bad_shape, r"loaded exp_avg for parameter 0 has shape \(5,\), but the parameter has shape"),
    (_bad_lr, "Invalid learning rate: -1.0"),
    (_bad_betas, "Invalid beta parameter at index 0: 1.0"),
    (_bad_kind, "has no \\['betas'\\]"),
    (_bad_index, "refers to parameter 7"),
    (_bad_step, "loaded 'step' for parameter 0"),
])
def test_failed_load_leaves_optimizer_unchanged(spoil, message):
    p, opt = _trained_adam()
    before = copy.deepcopy(opt.state_dict())
    state_objects = dict(opt.state[p])
    bad = copy.deepcopy(opt.state_dict())
    bad["param_groups"][0]["eps"] = 0.5  # a change that must not get through either
    spoil(bad)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["eps"] == 1e-8 and opt.param_groups[0]["lr"] == 0.1
    assert opt.state[p].keys() == state_objects.keys()
    assert all(opt.state[p][k] is v for k, v in state_objects.items())
    for k, v in opt.state[p].items():
        np.testing.assert_array_equal(v.numpy(), before["state"][0][k].numpy())


def test_load_rejects_something_that_is_not_a_state_dict():
    p, opt = _trained_adam()
    with pytest.raises(ValueError, match="exactly the keys 'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})
