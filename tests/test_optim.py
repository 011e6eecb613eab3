"""optim.SGD against PyTorch's formulas, computed independently in numpy."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.optim import SGD


def reference_sgd(p, grads, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """PyTorch's SGD, written out in numpy (torch.optim.SGD's documented algorithm; docs/api.md)."""
    p = p.copy()
    buf = None
    for g in grads:
        g = -g if maximize else g.copy()
        if weight_decay != 0:
            g = g + weight_decay * p
        if momentum != 0:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
    return p


@given(
    lr=st.floats(1e-4, 1.0),
    momentum=st.sampled_from([0.0, 0.5, 0.9, 1.0]),
    dampening=st.sampled_from([0.0, 0.1, 0.5]),
    weight_decay=st.sampled_from([0.0, 1e-2, 0.3]),
    nesterov=st.booleans(),
    maximize=st.booleans(),
    steps=st.integers(1, 5),
    seed=st.integers(0, 1000),
)
def test_sgd_matches_pytorch_formula(lr, momentum, dampening, weight_decay, nesterov, maximize,
                                     steps, seed):
    if nesterov and (momentum == 0 or dampening != 0):
        with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero dampening"):
            SGD([tg.zeros(1, requires_grad=True)], lr=lr, momentum=momentum, dampening=dampening,
                nesterov=nesterov)
        return
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(3)
    grads = [rng.standard_normal(3) for _ in range(steps)]
    p = tg.tensor(p0, requires_grad=True)
    opt = SGD([p], lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
              nesterov=nesterov, maximize=maximize)
    for g in grads:
        p.grad = g
        opt.step()
    expected = reference_sgd(p0, grads, lr, momentum, dampening, weight_decay, nesterov, maximize)
    np.testing.assert_allclose(p.data, expected, rtol=1e-12, atol=1e-12)
    if steps and lr > 0:
        assert not np.allclose(p.data, p0)


def test_first_momentum_step_has_no_dampening_and_momentum_one_sums_forever():
    p = tg.tensor([0.0], requires_grad=True)
    opt = SGD([p], lr=1.0, momentum=1.0, dampening=0.5)
    p.grad = np.array([1.0])
    opt.step()
    assert p.item() == -1.0  # buf = g, not (1 - dampening) g
    p.grad = np.array([0.0])
    for _ in range(3):
        opt.step()  # buf never decays at momentum=1: p keeps moving by the old gradient
    assert p.item() == -4.0


def test_param_without_grad_is_skipped():
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([1.0], requires_grad=True)
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad = np.array([1.0])
    opt.step()
    assert b.item() == 1.0 and b not in opt.state and a in opt.state


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(lr=0.1, momentum=-1), "Invalid momentum value: -1"),
    (dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
])
def test_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([tg.zeros(1, requires_grad=True)], **kwargs)


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        SGD(tg.zeros(1, requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        SGD(3, lr=0.1)


def test_param_groups_zero_grad_closure_and_state_dict():
    net = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    opt = SGD([{"params": net[0].parameters()}, {"params": net[1].parameters(), "lr": 0.5}],
              lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9

    def closure():
        opt.zero_grad()
        loss = net(tg.ones(4, 2)).pow(2).mean()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert isinstance(loss.item(), float)
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0, 1, 2, 3]
    assert set(sd["state"][0]) == {"momentum_buffer"}
    assert sd["param_groups"][0]["params"] == [0, 1] and sd["param_groups"][1]["params"] == [2, 3]
    opt.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    opt2 = SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt2.load_state_dict(sd)
    opt3 = SGD([{"params": net[0].parameters()}, {"params": net[1].parameters()}], lr=0.1,
               momentum=0.9)
    opt3.load_state_dict(sd)
    assert opt3.param_groups[1]["lr"] == 0.5
    np.testing.assert_array_equal(opt3.state[net[0].weight]["momentum_buffer"],
                                  opt.state[net[0].weight]["momentum_buffer"])


def test_failed_optimizer_load_leaves_state_unchanged():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([1.0, 1.0])
    opt.step()
    before = copy.deepcopy(opt.state_dict())  # state_dict() is live: snapshot it
    bad = copy.deepcopy(opt.state_dict())
    bad["state"][0]["momentum_buffer"] = tg.zeros(5)
    bad["param_groups"][0]["lr"] = 123.0
    with pytest.raises(ValueError, match="momentum_buffer"):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == 0.1
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], before["state"][0]["momentum_buffer"].data)


class _SignSGD(tg.optim.Optimizer):
    """A custom optimizer written the way the built-in ones are: only its formula (``_update``)
    and its state (``_new_state``); the base class's step does the loop."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, dict(lr=lr))

    def _new_state(self, p, group):
        return {"flips": 0}

    def _update(self, p, data, grad, group):
        state = self._state(p, group)
        state["flips"] += 1
        return data - group["lr"] * np.sign(grad)


def test_custom_optimizer_with_only_its_formula_uses_the_base_step():
    w = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    unused = tg.tensor([5.0], requires_grad=True)
    opt = _SignSGD([w, unused], lr=0.25)
    (w * tg.tensor([2.0, -3.0, 0.0])).sum().backward()
    assert opt.step(lambda: 7.5) == 7.5  # the closure's loss comes back
    np.testing.assert_array_equal(w.detach().numpy(), [0.75, -1.75, 3.0])  # sign(0) = 0: no move
    np.testing.assert_array_equal(unused.detach().numpy(), [5.0])  # no grad: skipped, no state made
    assert list(opt.state) == [w] and opt.state[w]["flips"] == 1
    assert float(opt.state[w]["step"].item()) == 0.0  # made by _state; _update did not advance it
    opt.step()
    np.testing.assert_array_equal(w.detach().numpy(), [0.5, -1.5, 3.0])
    assert opt.state[w]["flips"] == 2 and list(opt.state[w]) == ["step", "flips"]


def test_optimizer_without_a_formula_says_so():
    w = tg.tensor([1.0], requires_grad=True)
    opt = tg.optim.Optimizer([w], dict(lr=0.1))
    opt.step()  # nothing has a gradient: nothing to update
    w.sum().backward()
    with pytest.raises(NotImplementedError, match="Optimizer defines neither step\\(\\) nor _update\\(\\)"):
        opt.step()
    np.testing.assert_array_equal(w.detach().numpy(), [1.0])


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1, momentum=-2, weight_decay=-3), "Invalid learning rate: -1"),  # checked in order
    (dict(lr=0.1, momentum=-2, weight_decay=-3), "Invalid momentum value: -2"),
])
def test_hyperparameters_are_checked_in_pytorch_order(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        SGD([tg.tensor([1.0], requires_grad=True)], **kwargs)
