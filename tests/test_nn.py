"""nn: registration, naming order, state_dict and its errors, Linear init, MSELoss, repr."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(tg.tensor([1.0]))
        self.hidden1 = nn.Linear(1, 10)
        self.out = nn.Linear(10, 1)
        self.not_a_param = tg.tensor([5.0])

    def forward(self, x):
        return self.out(tg.relu(self.hidden1(x))) * self.scale


def test_registration_and_pytorch_order():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "hidden1.weight", "hidden1.bias", "out.weight", "out.bias"]
    assert len(list(net.parameters())) == 5
    assert [n for n, _ in net.named_children()] == ["hidden1", "out"]
    assert len(list(net.modules())) == 3


def test_shared_parameter_listed_once_and_sequential_names():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(seq) == 3 and seq[1].__class__ is nn.ReLU
    seq.append(nn.Tanh())
    assert isinstance(seq[-1], nn.Tanh)


def test_assigning_module_before_init_raises():
    class Bad(nn.Module):
        def __init__(self):
            self.lin = nn.Linear(1, 1)
            super().__init__()

    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) call"):
        Bad()


def test_attribute_typo_raises():
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'hiden1'"):
        Net().hiden1


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(1)


def test_linear_init_bounds_shape_and_math():
    tg.manual_seed(0)
    for fan_in in (1, 3, 32):
        lin = nn.Linear(fan_in, 200)
        bound = 1 / math.sqrt(fan_in)
        assert lin.weight.shape == (200, fan_in) and lin.bias.shape == (200,)
        for p in (lin.weight, lin.bias):
            assert np.all(np.abs(p.data) <= bound)
            assert np.abs(p.data).max() > 0.9 * bound  # really spread over the interval
    lin = nn.Linear(3, 2)
    x = np.random.default_rng(0).standard_normal((4, 3))
    np.testing.assert_allclose(lin(tg.tensor(x)).data, x @ lin.weight.data.T + lin.bias.data)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(5x4 and 3x2\)"):
        lin(tg.zeros(5, 4))


def test_state_dict_round_trip_and_memory_sharing():
    a, b = Net(), Net()
    sd = a.state_dict()
    assert list(sd) == ["scale", "hidden1.weight", "hidden1.bias", "out.weight", "out.bias"]
    sd["scale"].data[0] = 7.0
    assert a.scale.data[0] == 7.0  # shares memory
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (n1, p1), (_, p2) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p1.data, p2.data, err_msg=n1)


def _snapshot(model):
    return {k: np.array(v.data, copy=True) for k, v in model.state_dict().items()}


@pytest.mark.parametrize("case", ["missing", "unexpected", "size"])
def test_state_dict_errors_use_pytorch_text_and_leave_model_unchanged(case):
    net = Net()
    good = Net().state_dict()
    before = _snapshot(net)
    if case == "missing":
        del good["out.bias"]
        pattern = r'Missing key\(s\) in state_dict: "out.bias"\.'
    elif case == "unexpected":
        good["extra.weight"] = tg.zeros(1)
        pattern = r'Unexpected key\(s\) in state_dict: "extra.weight"\.'
    else:
        good["out.weight"] = tg.zeros(2, 10)
        pattern = (r"size mismatch for out.weight: copying a param with shape torch.Size\(\[2, 10\]\) "
                   r"from checkpoint, the shape in current model is torch.Size\(\[1, 10\]\)\.")
    with pytest.raises(RuntimeError, match=r"Error\(s\) in loading state_dict for Net:\n\t") as err:
        net.load_state_dict(good)
    assert __import__("re").search(pattern, str(err.value))
    after = _snapshot(net)
    for k in before:
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)


def test_non_strict_load_returns_keys_but_size_mismatch_still_raises():
    net = Net()
    sd = Net().state_dict()
    del sd["scale"]
    sd["junk"] = tg.zeros(1)
    res = net.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["scale"] and res.unexpected_keys == ["junk"]
    sd["out.bias"] = tg.zeros(3)
    with pytest.raises(RuntimeError, match="size mismatch for out.bias"):
        net.load_state_dict(sd, strict=False)


def test_train_eval_zero_grad():
    net = Net()
    assert net.eval() is net and not net.hidden1.training
    net.train()
    assert net.out.training
    net(tg.ones(4, 1)).sum().backward()
    assert net.out.weight.grad is not None
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net(tg.ones(4, 1)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad == 0) for p in net.parameters())


def test_repr_layout():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden1 = nn.Linear(1, 32)
            self.act = nn.Sequential(nn.ReLU(), nn.Linear(32, 1, bias=False))

    assert repr(Model()) == (
        "Model(\n"
        "  (hidden1): Linear(in_features=1, out_features=32, bias=True)\n"
        "  (act): Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Linear(in_features=32, out_features=1, bias=False)\n"
        "  )\n"
        ")"
    )
    assert repr(nn.MSELoss()) == "MSELoss()"


def test_mse_loss_reductions_and_gradient():
    x = tg.tensor([[1.0], [2.0], [4.0]], requires_grad=True)
    y = tg.tensor([[0.0], [2.0], [1.0]])
    assert nn.MSELoss()(x, y).item() == pytest.approx((1 + 0 + 9) / 3)
    assert nn.MSELoss(reduction="sum")(x, y).item() == 10.0
    assert nn.MSELoss(reduction="none")(x, y).shape == (3, 1)
    nn.MSELoss()(x, y).backward()
    np.testing.assert_allclose(x.grad, 2 * (x.data - y.data) / 3)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        nn.MSELoss(reduction="avg")


def test_mse_loss_warns_on_broadcasting_target():
    x = tg.zeros(5, 1, requires_grad=True)
    with pytest.warns(UserWarning, match="Using a target size .* different to the input size"):
        loss = F.mse_loss(x, tg.ones(5))
    assert loss.item() == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mse_loss(x, tg.ones(5, 1))


def test_functional_and_layers():
    x = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    assert F.relu(x).tolist() == [0.0, 0.0, 2.0]
    F.relu(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]  # relu'(0) = 0, as in PyTorch
    assert nn.Flatten()(tg.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0, 1)(tg.zeros(2, 3)).shape == (6,)
    assert nn.Identity()(x) is x
    ml = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])
    assert len(list(ml.parameters())) == 4


def test_init_functions():
    tg.manual_seed(3)
    w = nn.Parameter(tg.zeros(50, 40))
    nn.init.xavier_uniform_(w)
    assert np.abs(w.data).max() <= math.sqrt(6 / 90)
    nn.init.constant_(w, 0.5)
    assert np.all(w.data == 0.5)
    nn.init.zeros_(w)
    nn.init.ones_(w)
    assert np.all(w.data == 1)
    nn.init.normal_(w, 0, 0.01)
    assert abs(w.detach().numpy().std() - 0.01) < 0.002
    nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    assert np.abs(w.data).max() <= 1 / math.sqrt(40)
    nn.init.uniform_(w, -2, -1)
    assert np.all((w.data >= -2) & (w.data <= -1))
    assert w.is_leaf and w.grad is None
