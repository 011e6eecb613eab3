"""nn basics (Linear, MSELoss, Module state_dict) and SGD step by step against PyTorch (kind nn, k10)."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import catch, check, check_raises, f64  # noqa: E402

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
W = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]
B = [0.05, -0.15]
Y = [[1.0, -1.0], [0.5, 2.0]]


def _linear(T, bias=True):
    lin = T.nn.Linear(3, 2, bias=bias, dtype=T.float64)
    with T.no_grad():
        lin.weight.copy_(f64(T, W))
        if bias:
            lin.bias.copy_(f64(T, B))
    return lin


def test_nn_linear_init_shapes_and_bounds():
    def program(T):
        lin = T.nn.Linear(5, 4)
        bound = 1 / math.sqrt(5)
        inside = bool(np.all(np.abs(lin.weight.detach().numpy()) <= bound)
                      and np.all(np.abs(lin.bias.detach().numpy()) <= bound))
        return {"weight": tuple(lin.weight.shape), "bias": tuple(lin.bias.shape), "inside": inside,
                "rg": (lin.weight.requires_grad, lin.bias.requires_grad),
                "no_bias": _linear(T, bias=False).bias is None,
                "params": [n for n, _ in lin.named_parameters()]}

    check(program)


def test_nn_linear_forward_backward():
    def program(T):
        lin = _linear(T)
        x = f64(T, X, True)
        y = lin(x)
        (y * f64(T, [[1.0, 2.0], [3.0, -1.0]])).sum().backward()
        return {"y": y, "x.grad": x.grad, "w.grad": lin.weight.grad, "b.grad": lin.bias.grad}

    check(program)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nn_mse_reductions(reduction):
    def program(T):
        a, b = f64(T, [[1.0, 2.0], [3.0, -4.0]], True), f64(T, [[0.5, 2.5], [-1.0, 1.0]], True)
        loss = T.nn.MSELoss(reduction=reduction)(a, b)
        loss.sum().backward() if reduction == "none" else loss.backward()
        return {"loss": loss, "a.grad": a.grad, "b.grad": b.grad}

    check(program)


def test_nn_mse_bad_reduction():
    check_raises(lambda T: T.nn.MSELoss(reduction="avg")(f64(T, [1.0]), f64(T, [2.0])), "avg")


def test_nn_sequential_state_dict_keys():
    def program(T):
        model = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 1))
        sd = model.state_dict()
        return {"keys": list(sd), "shapes": [tuple(v.shape) for v in sd.values()],
                "named": [n for n, _ in model.named_parameters()],
                "n_params": sum(p.numel() for p in model.parameters())}

    check(program)


def test_nn_nested_module_state_dict_keys():
    def program(T):
        class Net(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.body = T.nn.Sequential(T.nn.Linear(2, 3), T.nn.Tanh())
                self.head = T.nn.Linear(3, 1, bias=False)

            def forward(self, x):
                return self.head(self.body(x))

        net = Net()
        return {"keys": list(net.state_dict()), "children": [n for n, _ in net.named_children()],
                "modules": [n for n, _ in net.named_modules()]}

    check(program)


def test_nn_load_state_dict_roundtrip_and_missing_key():
    def program(T):
        a, b = _linear(T), T.nn.Linear(3, 2, dtype=T.float64)
        b.load_state_dict(a.state_dict())
        before = b.weight.detach().clone()
        err = catch(lambda: b.load_state_dict({"weight": f64(T, W)}))
        return {"weight": b.weight, "bias": b.bias, "error": err, "unchanged": before}

    check(program)
    check_raises(lambda T: T.nn.Linear(3, 2).load_state_dict({"weight": T.zeros(2, 3)}), "Missing key")


def test_nn_zero_grad_sets_none():
    def program(T):
        lin = _linear(T)
        lin(f64(T, X)).sum().backward()
        lin.zero_grad()
        return {"w.grad": lin.weight.grad, "b.grad": lin.bias.grad}

    check(program)


SGD_CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.1, weight_decay=0.01),
    dict(lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(lr=0.1, momentum=0.5, maximize=True),
]


@pytest.mark.parametrize("config", SGD_CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_nn_sgd_step_by_step(config):
    def program(T):
        lin = _linear(T)
        opt = T.optim.SGD(lin.parameters(), **config)
        x, y = f64(T, X), f64(T, Y)
        trajectory = []
        for _ in range(5):
            opt.zero_grad()
            loss = T.nn.functional.mse_loss(lin(x), y)
            loss.backward()
            opt.step()
            trajectory.append((loss.detach(), lin.weight.detach().clone(), lin.bias.detach().clone()))
        return trajectory

    check(program)


def test_nn_sgd_bad_arguments():
    check_raises(lambda T: T.optim.SGD([f64(T, [1.0], True)], lr=-0.1), "Invalid learning rate")
    check_raises(lambda T: T.optim.SGD([f64(T, [1.0], True)], lr=0.1, nesterov=True),
                 "Nesterov momentum requires a momentum and zero dampening")


def test_k10_sgd_momentum_state_dict():
    def program(T):
        w = f64(T, [1.0, -2.0], True)
        opt = T.optim.SGD([w], lr=0.1, momentum=0.9)
        before = opt.state_dict()
        (w * w).sum().backward()
        opt.step()
        after = opt.state_dict()
        group = after["param_groups"][0]
        return {"before_state": dict(before["state"]), "params": group["params"], "lr": group["lr"],
                "momentum": group["momentum"], "buffer": after["state"][0]["momentum_buffer"], "w": w}

    check(program)


def test_k10_sgd_load_state_dict_continues_identically():
    # 2 steps, save, load into a fresh optimizer, 1 step == 3 uninterrupted steps
    # (PyTorch's loaded momentum buffers may alias the saved ones, so the first run is not stepped again)
    def program(T):
        def make():
            w = f64(T, [1.0, -2.0], True)
            return w, T.optim.SGD([w], lr=0.1, momentum=0.9)

        def step(w, o):
            o.zero_grad()
            (w * w * w).sum().backward()
            o.step()

        w1, o1 = make()
        step(w1, o1)
        step(w1, o1)
        w2, o2 = make()
        with T.no_grad():
            w2.copy_(w1)
        o2.load_state_dict(o1.state_dict())
        step(w2, o2)
        w3, o3 = make()
        for _ in range(3):
            step(w3, o3)
        return {"resumed": w2, "uninterrupted": w3}

    check(program)
