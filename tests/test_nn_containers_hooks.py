"""Module hooks, containers, state_dict semantics and nn.utils, against hand computations (no
torch)."""

import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

RNG = np.random.default_rng(0)
W, B, X = RNG.standard_normal((2, 3)), RNG.standard_normal(2), RNG.standard_normal((4, 3))


def _linear():
    lin = nn.Linear(3, 2)
    with tg.no_grad():
        lin.weight.copy_(tg.tensor(W))
        lin.bias.copy_(tg.tensor(B))
    return lin


# ------------------------------------------------------------------ hooks


def test_forward_hooks_replace_input_and_output_and_remove():
    lin = _linear()
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append("pre") or args[0] * 2)
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append("fwd") or out + 1)
    y = lin(tg.tensor(X))
    np.testing.assert_allclose(y.detach().numpy(), (2 * X) @ W.T + B + 1)
    assert calls == ["pre", "fwd"]
    h1.remove()
    with h2:  # a handle is also a context manager
        pass
    np.testing.assert_allclose(lin(tg.tensor(X)).detach().numpy(), X @ W.T + B)
    assert calls == ["pre", "fwd"] and not lin._forward_hooks and not lin._forward_pre_hooks


def test_hooks_with_kwargs_and_prepend():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    m.register_forward_pre_hook(
        lambda mod, args, kw: (args, {"factor": kw.get("factor", 1.0) * 10}), with_kwargs=True
    )
    m.register_forward_hook(lambda mod, args, kw, out: out + kw["factor"], with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: out * 0, prepend=True)  # runs first
    np.testing.assert_allclose(m(tg.ones(2), factor=2.0).numpy(), [20.0, 20.0])
    m.register_forward_pre_hook(lambda mod, args, kw: 3, with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        m(tg.ones(2))


def test_full_backward_hooks_see_and_replace_gradients():
    lin = _linear()
    seen = {}

    def pre(m, grad_output):
        seen["pre"] = grad_output[0].numpy().copy()
        return (grad_output[0] * 0.5,)

    def hook(m, grad_input, grad_output):
        seen["gi"], seen["go"] = grad_input[0].numpy().copy(), grad_output[0].numpy().copy()
        return (grad_input[0] * 3,)

    lin.register_full_backward_pre_hook(pre)
    lin.register_full_backward_hook(hook)
    x = tg.tensor(X, requires_grad=True)
    y = lin(x)
    (y**2).sum().backward()
    g_out = 2 * (X @ W.T + B)
    np.testing.assert_allclose(seen["pre"], g_out)
    np.testing.assert_allclose(seen["go"], g_out * 0.5)
    np.testing.assert_allclose(seen["gi"], (g_out * 0.5) @ W)
    np.testing.assert_allclose(x.grad.numpy(), 3 * (g_out * 0.5) @ W)
    np.testing.assert_allclose(lin.weight.grad.numpy(), (g_out * 0.5).T @ X)  # the pre-hook's change


def test_backward_hook_without_input_grad_warns_and_gets_none():
    lin = _linear()
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lin(tg.tensor(X)).sum().backward()
    assert seen == [(None,)]
    assert any("no inputs require gradients" in str(w.message) for w in caught)
    np.testing.assert_allclose(lin.bias.grad.numpy(), [4.0, 4.0])


def test_backward_hook_of_two_inputs():
    class Mul(nn.Module):
        def forward(self, a, b):
            return a * b

    m = Mul()
    got = []
    m.register_full_backward_hook(lambda mod, gi, go: got.append(gi) or (gi[0], gi[1] * 0))
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    m(a, b).sum().backward()
    np.testing.assert_allclose(got[0][0].numpy(), [3.0, 4.0])
    np.testing.assert_allclose(got[0][1].numpy(), [1.0, 2.0])
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 4.0])
    np.testing.assert_allclose(b.grad.numpy(), [0.0, 0.0])


def test_no_hooks_means_no_detour():
    lin = _linear()
    assert not lin._has_hooks
    lin.register_forward_hook(lambda *a: None).remove()
    np.testing.assert_allclose(lin(tg.tensor(X)).detach().numpy(), X @ W.T + B)


# ------------------------------------------------------------------ containers


def test_sequential_api():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Tanh()
    s = nn.Sequential(a, b, c)
    assert isinstance(s[1:], nn.Sequential) and list(s[1:]) == [b, c]
    assert s[-1] is c
    del s[0]
    assert list(s._modules) == ["0", "1"] and s[0] is b
    s.insert(0, a)
    assert list(s) == [a, b, c]
    assert s.pop(1) is b and len(s) == 2
    s[1] = b
    assert list(s) == [a, b]
    t = s + nn.Sequential(c)
    assert list(t) == [a, b, c] and list(s) == [a, b]
    s += nn.Sequential(c)
    assert list(s._modules) == ["0", "1", "2"]
    assert len(nn.Sequential(b) * 3) == 3
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential class"):
        s + [a]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        s[5]
    named = nn.Sequential(OrderedDict([("fc", a), ("act", b)]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"]


def test_module_list_api():
    mods = [nn.Linear(1, 1) for _ in range(4)]
    ml = nn.ModuleList(mods)
    assert isinstance(ml[::2], nn.ModuleList) and list(ml[::2]) == [mods[0], mods[2]]
    del ml[1]
    assert list(ml) == [mods[0], mods[2], mods[3]] and list(ml._modules) == ["0", "1", "2"]
    ml.insert(1, mods[1])
    assert list(ml) == mods
    assert ml.pop(-1) is mods[3]
    ml += [mods[3]]
    assert list(ml + [nn.ReLU()])[:4] == mods
    assert list(ml.state_dict())[:2] == ["0.weight", "0.bias"]
    assert "(0-3): 4 x Linear" in repr(nn.ModuleList([nn.Linear(1, 1) for _ in range(4)]))
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ml.extend(3)


def test_module_dict_parameter_list_and_dict():
    md = nn.ModuleDict({"b": nn.Linear(1, 2), "a": nn.ReLU()})
    assert list(md) == ["b", "a"] and "a" in md
    md["c"] = nn.Linear(2, 1)
    assert md.pop("a").__class__ is nn.ReLU
    assert [k for k, _ in md.named_parameters()] == ["b.weight", "b.bias", "c.weight", "c.bias"]
    with pytest.raises(KeyError, match="attribute 'train' already exists"):
        md["train"] = nn.ReLU()
    pl = nn.ParameterList([tg.zeros(2), tg.ones(3)])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(tg.zeros(1))
    assert [k for k, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert len(pl[1:]) == 2
    pd = nn.ParameterDict({"z": tg.zeros(2), "a": tg.ones(1)})
    assert list(pd) == ["a", "z"]  # a plain dict goes in sorted
    pd["m"] = tg.ones(2)
    assert isinstance(pd["m"], nn.Parameter) and list(pd.keys()) == ["a", "z", "m"]
    assert pd.pop("z").shape == (2,) and len(pd) == 2
    with pytest.raises(RuntimeError, match="ParameterDict should not be called"):
        pd(1)


# ------------------------------------------------------------------ state_dict semantics


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(tg.ones(2))
        self.register_buffer("running", tg.zeros(2))
        self.register_buffer("scratch", tg.zeros(3), persistent=False)
        self.fc = nn.Linear(2, 1)
        self.w = nn.Parameter(tg.ones(2) * 2)


def test_state_dict_order_and_persistence():
    net = Net()
    assert list(net.state_dict()) == ["w", "running", "fc.weight", "fc.bias"]
    assert [n for n, _ in net.named_buffers()] == ["running", "scratch"]
    net.shared = net.fc
    assert list(net.state_dict())[-2:] == ["shared.weight", "shared.bias"]
    assert [n for n, _ in net.named_parameters()] == ["w", "fc.weight", "fc.bias"]


def test_load_state_dict_result_and_errors():
    net = Net()
    sd = net.state_dict()
    result = net.load_state_dict(sd)
    assert repr(result) == str(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and tuple(result) == ([], [])
    partial = OrderedDict((k, v) for k, v in sd.items() if k != "running")
    partial["extra"] = tg.zeros(1)
    result = net.load_state_dict(partial, strict=False)
    assert repr(result) == "_IncompatibleKeys(missing_keys=['running'], unexpected_keys=['extra'])"
    partial["w"] = tg.zeros(3)
    before = net.fc.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError) as err:
        net.load_state_dict(partial)
    assert str(err.value) == (
        'Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: "running". \n\t'
        'Unexpected key(s) in state_dict: "extra". \n\tsize mismatch for w: copying a param with '
        "shape torch.Size([3]) from checkpoint, the shape in current model is torch.Size([2])."
    )
    np.testing.assert_array_equal(net.fc.weight.detach().numpy(), before)


def test_load_state_dict_assign():
    lin = nn.Linear(3, 2)
    w = tg.tensor(W)
    lin.load_state_dict({"weight": w, "bias": tg.tensor(B)}, assign=True)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad
    np.testing.assert_array_equal(lin.weight.detach().numpy(), W)


def test_registration_name_checks():
    m = nn.Module()
    with pytest.raises(KeyError, match="parameter name can"):
        m.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="attribute 'train' already exists"):
        m.register_buffer("train", tg.zeros(1))
    with pytest.raises(TypeError, match="buffer name should be a string"):
        m.register_buffer(1, None)


# ------------------------------------------------------------------ nn.utils


def _params_with_grads():
    shapes = [(3, 4), (4,), ()]
    ps = [tg.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes]
    grads = [RNG.standard_normal(s) * 3 for s in shapes]
    for p, g in zip(ps, grads):
        p.grad = tg.tensor(g)
    return ps, grads


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
def test_clip_grad_norm_against_numpy(norm_type):
    ps, grads = _params_with_grads()
    flat = np.concatenate([g.ravel() for g in grads])
    expected = (
        np.abs(flat).max() if norm_type == math.inf else (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    )
    total = nn.utils.clip_grad_norm_(ps, 1.0, norm_type)
    assert total.item() == pytest.approx(expected, rel=1e-12)
    coef = min(1.0, 1.0 / (expected + 1e-6))
    for p, g in zip(ps, grads):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-12)


def test_clip_grad_value_and_nonfinite():
    ps, grads = _params_with_grads()
    assert nn.utils.clip_grad_value_(ps, 0.5) is None
    for p, g in zip(ps, grads):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -0.5, 0.5))
    ps[0].grad = tg.tensor(np.full((3, 4), np.inf))
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    assert nn.utils.get_total_norm([]).item() == 0.0


def test_parameters_to_vector_round_trip_and_gradient():
    ps, _ = _params_with_grads()
    vec = nn.utils.parameters_to_vector(ps)
    assert vec.shape == (17,)
    nn.utils.vector_to_parameters(vec * 2, ps)
    np.testing.assert_allclose(nn.utils.parameters_to_vector(ps).detach().numpy(), 2 * vec.detach().numpy())
    w = tg.tensor(RNG.standard_normal(3), requires_grad=True)
    (nn.utils.parameters_to_vector([w, w]) ** 2).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 4 * w.detach().numpy())
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], ps)
