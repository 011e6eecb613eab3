"""Module hooks, containers, state_dict semantics and nn.utils gradient helpers side by side with
torch (float64, same numbers)."""

import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import nn  # noqa: E402

COVERED = {
    "nn modules": ["ModuleDict", "ParameterList", "ParameterDict", "Sequential", "ModuleList"],
}

LIBS = {"tg": (tg, nn), "torch": (torch, torch.nn)}


@pytest.fixture(autouse=True)
def _float64_default():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def _np(x):
    return None if x is None else x.detach().numpy()


def _linear(lib, nnm, w, b):
    lin = nnm.Linear(w.shape[1], w.shape[0])
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(w))
        lin.bias.copy_(lib.tensor(b))
    return lin


class _Both:
    """Run the same code with tinygrad_edu and torch and compare what it returns."""

    @staticmethod
    def run(fn):
        return {name: fn(lib, nnm) for name, (lib, nnm) in LIBS.items()}


def _same(a, b, what=""):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), what
        for x, y in zip(a, b):
            _same(x, y, what)
    elif a is None or b is None:
        assert a is None and b is None, what
    else:
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-14, err_msg=what)


# ---------------------------------------------------------------- hooks

RNG = np.random.default_rng(0)
W, B, X = RNG.standard_normal((2, 3)), RNG.standard_normal(2), RNG.standard_normal((4, 3))


@pytest.mark.parametrize(
    "case",
    [
        "pre",
        "pre_kwargs",
        "fwd",
        "fwd_kwargs",
        "backward",
        "backward_pre",
        "both_backward",
        "removed",
        "prepend",
    ],
)
def test_hooks_match_torch(case):
    def run(lib, nnm):
        lin = _linear(lib, nnm, W, B)
        log = []
        handles = []
        if case == "pre":
            handles.append(lin.register_forward_pre_hook(lambda m, a: a[0] * 2))
        if case == "pre_kwargs":
            handles.append(
                lin.register_forward_pre_hook(lambda m, a, kw: ((a[0] - 1,), kw), with_kwargs=True)
            )
        if case == "fwd":
            handles.append(lin.register_forward_hook(lambda m, a, o: log.append(_np(a[0]).sum()) or o * 3))
        if case == "fwd_kwargs":
            handles.append(lin.register_forward_hook(lambda m, a, kw, o: o + len(kw), with_kwargs=True))
        if case in ("backward", "both_backward", "removed"):

            def bw(m, gi, go):
                log.append((_np(gi[0]), _np(go[0])))
                return (gi[0] * 3,)

            handles.append(lin.register_full_backward_hook(bw))
        if case in ("backward_pre", "both_backward"):

            def pre(m, go):
                log.append(_np(go[0]))
                return (go[0] * 0.5,)

            handles.append(lin.register_full_backward_pre_hook(pre))
        if case == "prepend":
            handles.append(lin.register_forward_hook(lambda m, a, o: o * 2))
            handles.append(lin.register_forward_hook(lambda m, a, o: o + 1, prepend=True))
        if case == "removed":
            for h in handles:
                h.remove()
        x = lib.tensor(X, requires_grad=True)
        y = lin(x)
        (y**2).sum().backward()
        return _np(y), _np(x.grad), _np(lin.weight.grad), log, len(lin._forward_hooks)

    res = _Both.run(run)
    _same(res["tg"][:3], res["torch"][:3], case)
    assert len(res["tg"][3]) == len(res["torch"][3])
    _same(res["tg"][3], res["torch"][3], case)
    assert res["tg"][4] == res["torch"][4]


class TwoInputs:
    """A module of two inputs and two outputs (for grad_input/grad_output tuples)."""

    @staticmethod
    def make(nnm):
        class M(nnm.Module):
            def forward(self, a, b, scale=1.0):
                return a * b * scale, (a + b).sum()

        return M()


def test_full_backward_hook_on_several_inputs_and_outputs():
    a0, b0 = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))

    def run(lib, nnm):
        m = TwoInputs.make(nnm)
        seen = []

        def hook(mod, gi, go):
            seen.append([_np(g) for g in gi] + [_np(g) for g in go])
            return (gi[0] * 2, None if gi[1] is None else gi[1] - 1, None)

        m.register_full_backward_hook(hook)
        a = lib.tensor(a0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        p, s = m(a, b, 3.0)
        ((p**2).sum() + s * 2).backward()
        c = lib.tensor(b0)  # a second call where the second input needs no grad
        m2 = TwoInputs.make(nnm)
        m2.register_full_backward_hook(lambda mod, gi, go: seen.append([g is None for g in gi]))
        a.grad = None
        m2(a, c)[0].sum().backward()
        return _np(a.grad), seen

    # the hook also received the non-tensor argument? no: only positional args count
    res = _Both.run(run)
    _same(res["tg"][0], res["torch"][0])
    assert len(res["tg"][1]) == len(res["torch"][1])
    _same(res["tg"][1][0], res["torch"][1][0])
    assert res["tg"][1][1] == res["torch"][1][1]


def test_full_backward_hook_when_no_input_requires_grad_warns_like_torch():
    def run(lib, nnm):
        lin = _linear(lib, nnm, W, B)
        seen = []
        lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, _np(go[0]))))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lin(lib.tensor(X)).sum().backward()
        return seen[0][0], seen[0][1], [str(w.message)[:60] for w in caught], _np(lin.weight.grad)

    res = _Both.run(run)
    assert res["tg"][0] == res["torch"][0] == (None,)
    _same(res["tg"][1], res["torch"][1])
    _same(res["tg"][3], res["torch"][3])
    assert res["tg"][2] == res["torch"][2]


def test_hook_errors_match_torch():
    for lib, nnm in LIBS.values():
        lin = _linear(lib, nnm, W, B)
        lin.register_forward_pre_hook(lambda m, a, kw: "bad", with_kwargs=True)
        with pytest.raises(
            RuntimeError,
            match=r"forward pre-hook must return None or a tuple of \(new_args, "
            r"new_kwargs\), but got bad\.",
        ):
            lin(lib.tensor(X))
        lin = _linear(lib, nnm, W, B)
        lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
        x = lib.tensor(X, requires_grad=True)
        with pytest.raises(
            RuntimeError,
            match="Backward hook returned an invalid number of grad_input, got 2, but expected 1",
        ):
            lin(x).sum().backward()


# ---------------------------------------------------------------- containers


def _keys(m):
    return list(m.state_dict().keys())


def _lin_seq(nnm, n=3):
    return [nnm.Linear(i + 1, i + 2) for i in range(n)]


CONTAINER_CASES = {
    "seq_slice": lambda lib, nnm: nnm.Sequential(*_lin_seq(nnm))[1:],
    "seq_del": lambda lib, nnm: _do(nnm.Sequential(*_lin_seq(nnm, 4)), lambda s: s.__delitem__(1)),
    "seq_del_slice": lambda lib, nnm: _do(
        nnm.Sequential(*_lin_seq(nnm, 4)), lambda s: s.__delitem__(slice(0, 3, 2))
    ),
    "seq_insert": lambda lib, nnm: (
        nnm.Sequential(*_lin_seq(nnm)).insert(1, nnm.ReLU()).insert(-1, nnm.Tanh())
    ),
    "seq_add": lambda lib, nnm: nnm.Sequential(*_lin_seq(nnm, 2)) + nnm.Sequential(nnm.ReLU()),
    "seq_iadd": lambda lib, nnm: _do(
        nnm.Sequential(nnm.ReLU()), lambda s: s.__iadd__(nnm.Sequential(nnm.Tanh()))
    ),
    "seq_mul": lambda lib, nnm: nnm.Sequential(nnm.ReLU(), nnm.Tanh()) * 2,
    "seq_imul": lambda lib, nnm: _do(nnm.Sequential(nnm.ReLU(), nnm.Tanh()), lambda s: s.__imul__(3)),
    "seq_pop": lambda lib, nnm: _do(nnm.Sequential(*_lin_seq(nnm)), lambda s: s.pop(0)),
    "seq_set": lambda lib, nnm: _do(nnm.Sequential(*_lin_seq(nnm)), lambda s: s.__setitem__(-1, nnm.ReLU())),
    "seq_extend_append": lambda lib, nnm: (
        nnm.Sequential(nnm.ReLU()).extend(_lin_seq(nnm, 2)).append(nnm.Tanh())
    ),
    "seq_dict": lambda lib, nnm: nnm.Sequential(OrderedDict([("fc", nnm.Linear(2, 3)), ("act", nnm.ReLU())])),
    "list_slice": lambda lib, nnm: nnm.ModuleList(_lin_seq(nnm, 4))[::2],
    "list_del": lambda lib, nnm: _do(nnm.ModuleList(_lin_seq(nnm, 4)), lambda s: s.__delitem__(-2)),
    "list_add": lambda lib, nnm: nnm.ModuleList(_lin_seq(nnm, 2)) + [nnm.ReLU()],
    "list_iadd_insert": lambda lib, nnm: _do(
        nnm.ModuleList([nnm.ReLU()]), lambda s: (s.__iadd__(_lin_seq(nnm, 2)), s.insert(1, nnm.Tanh()))
    ),
    "list_pop_set": lambda lib, nnm: _do(
        nnm.ModuleList(_lin_seq(nnm, 3)), lambda s: (s.pop(1), s.__setitem__(0, nnm.Tanh()))
    ),
    "list_repeat_repr": lambda lib, nnm: nnm.ModuleList(
        [nnm.Linear(2, 2) for _ in range(3)] + [nnm.ReLU()] * 2
    ),
    "dict": lambda lib, nnm: _do(
        nnm.ModuleDict({"b": nnm.Linear(1, 2), "a": nnm.ReLU()}),
        lambda d: (d.update([("c", nnm.Linear(2, 1))]), d.pop("a")),
    ),
    "params_list": lambda lib, nnm: _do(
        nnm.ParameterList([lib.zeros(2), nnm.Parameter(lib.ones(3))]),
        lambda p: (p.append(lib.zeros(1)), p.extend([lib.ones(2, 2)])),
    ),
    "params_list_slice": lambda lib, nnm: nnm.ParameterList([lib.zeros(i + 1) for i in range(4)])[1::2],
    "params_dict": lambda lib, nnm: _do(
        nnm.ParameterDict({"z": lib.zeros(2), "a": lib.ones(3)}),
        lambda p: (p.update(OrderedDict([("m", lib.zeros(1))])), p.pop("a"), p.setdefault("k", lib.ones(1))),
    ),
}


def _do(container, action):
    action(container)
    return container


@pytest.mark.parametrize("case", list(CONTAINER_CASES))
def test_containers_match_torch(case):
    ours = CONTAINER_CASES[case](tg, nn)
    theirs = CONTAINER_CASES[case](torch, torch.nn)
    assert type(ours).__name__ == type(theirs).__name__
    assert len(ours) == len(theirs)
    assert _keys(ours) == _keys(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert repr(ours).replace("float64", "float32") == repr(theirs).replace("float64", "float32")
    if hasattr(ours, "_modules"):
        assert list(ours._modules) == list(theirs._modules)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, nnm: nnm.Sequential(nnm.ReLU())[3],
        lambda lib, nnm: nnm.ModuleList([nnm.ReLU()])[-2],
        lambda lib, nnm: nnm.Sequential(nnm.ReLU()) + nnm.ModuleList(),
        lambda lib, nnm: nnm.Sequential(nnm.ReLU()) * 0,
        lambda lib, nnm: nnm.Sequential(nnm.ReLU()).insert(5, nnm.ReLU()),
        lambda lib, nnm: nnm.ModuleList().extend(3),
        lambda lib, nnm: nnm.ModuleDict({"train": nnm.ReLU()}),
        lambda lib, nnm: nnm.ModuleDict([("a", nnm.ReLU(), 1)]),
        lambda lib, nnm: nnm.ParameterDict({1: lib.zeros(1)}),
        lambda lib, nnm: nnm.ParameterList([lib.zeros(1)])(1),
        lambda lib, nnm: nnm.Module().register_parameter("a.b", None),
        lambda lib, nnm: nnm.Module().register_buffer("", None),
        lambda lib, nnm: nnm.Linear(1, 1).add_module("forward", nnm.ReLU()),
        lambda lib, nnm: nnm.Linear(1, 1).__setattr__("weight", lib.zeros(1)),
        lambda lib, nnm: nnm.Linear(1, 1).register_buffer("x", 3),
        lambda lib, nnm: nnm.Linear(1, 1).add_module("y", 3),
        lambda lib, nnm: nnm.Linear(1, 1).register_parameter(1, None),
        lambda lib, nnm: nnm.Linear(1, 1).register_parameter("z", lib.zeros(1)),
    ],
)
def test_container_errors_match_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch, torch.nn)
    with pytest.raises(type(theirs.value)) as ours:
        call(tg, nn)
    assert str(ours.value).replace("tinygrad_edu.nn.containers", "torch.nn.modules.container") == str(
        theirs.value
    )


def test_sequential_runs_like_torch():
    def run(lib, nnm):
        seq = nnm.Sequential(_linear(lib, nnm, W, B), nnm.Tanh(), _linear(lib, nnm, W[:, :2].T, B[:1]))
        seq = seq[:2] + nnm.Sequential(seq[2])
        y = seq(lib.tensor(X))
        return _np(y)

    res = _Both.run(run)
    _same(res["tg"], res["torch"])


# ---------------------------------------------------------------- state_dict semantics


def _stateful(nnm, lib):
    class Net(nnm.Module):
        def __init__(self):
            super().__init__()
            self.w = nnm.Parameter(lib.ones(2))
            self.register_buffer("running", lib.zeros(2))
            self.register_buffer("scratch", lib.zeros(3), persistent=False)
            self.fc = nnm.Linear(2, 1)
            self.b = nnm.Parameter(lib.zeros(1))
            self.w = nnm.Parameter(lib.ones(2) * 2)  # reassigned: keeps its place
            self.shared = self.fc

    return Net()


def test_state_dict_semantics_match_torch():
    ours, theirs = _stateful(nn, tg), _stateful(torch.nn, torch)
    assert _keys(ours) == _keys(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    sd = {k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    assert repr(ours.load_state_dict(sd)) == repr(theirs.load_state_dict(theirs.state_dict()))
    assert str(ours.load_state_dict(sd)) == "<All keys matched successfully>"


@pytest.mark.parametrize("spoil", ["missing", "unexpected", "both", "size", "all", "nested"])
def test_load_state_dict_messages_match_torch(spoil):
    def spoiled(lib, model):
        sd = OrderedDict((k, lib.tensor(v.detach().numpy())) for k, v in model.state_dict().items())
        if spoil in ("missing", "both", "all"):
            del sd["fc.bias"], sd["running"]
        if spoil in ("unexpected", "both", "all"):
            sd["extra"] = lib.zeros(1)
            sd["fc.extra"] = lib.zeros(1)
            sd["ghost.weight"] = lib.zeros(1)
        if spoil in ("size", "all"):
            sd["w"] = lib.zeros(3)
        if spoil == "nested":
            sd["scratch"] = lib.zeros(3)  # a non-persistent buffer is unexpected
        return sd

    ours, theirs = _stateful(nn, tg), _stateful(torch.nn, torch)
    sd_a, sd_b = spoiled(tg, ours), spoiled(torch, theirs)
    if spoil not in ("size", "all"):
        assert repr(ours.load_state_dict(sd_a, strict=False)) == repr(
            theirs.load_state_dict(sd_b, strict=False)
        )
    with pytest.raises(RuntimeError) as err_b:
        theirs.load_state_dict(sd_b)
    with pytest.raises(RuntimeError) as err_a:
        ours.load_state_dict(sd_a)
    assert str(err_a.value) == str(err_b.value)


def test_load_state_dict_assign_matches_torch():
    def run(lib, nnm):
        lin = nnm.Linear(3, 2)
        new = {"weight": lib.tensor(W), "bias": lib.tensor(B)}
        lin.load_state_dict(new, assign=True)
        return (
            lin.weight is not new["weight"],
            isinstance(lin.weight, nnm.Parameter),
            _np(lin.weight),
            lin.weight.requires_grad,
        )

    res = _Both.run(run)
    assert res["tg"][1:2] == res["torch"][1:2] and res["tg"][3] == res["torch"][3]
    _same(res["tg"][2], res["torch"][2])


# ---------------------------------------------------------------- nn.utils

SHAPES = [(3, 4), (4,), ()]
ARRS = [RNG.standard_normal(s) for s in SHAPES]
GRADS = [RNG.standard_normal(s) * 3 for s in SHAPES]


def _with_grads(lib, skip=()):
    ps = [lib.tensor(a, requires_grad=True) for a in ARRS]
    for i, (p, g) in enumerate(zip(ps, GRADS)):
        if i not in skip:
            p.grad = lib.tensor(g)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1, math.inf, -math.inf, 3.5, 0, "inf"])
@pytest.mark.parametrize("max_norm", [1.0, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    def run(lib, nnm):
        ps = _with_grads(lib, skip=(1,))
        total = nnm.utils.clip_grad_norm_(ps, max_norm, norm_type, foreach=True)
        return _np(total), [_np(p.grad) for p in ps], str(total.dtype).replace("torch.", "")

    res = _Both.run(run)
    _same(res["tg"][:2], res["torch"][:2], str(norm_type))
    assert res["tg"][2] == res["torch"][2]


def test_grad_utils_match_torch():
    def run(lib, nnm):
        u = nnm.utils
        out = []
        ps = _with_grads(lib)
        out.append(_np(u.get_total_norm([p.grad for p in ps], 3.0)))
        u.clip_grads_with_norm_(ps, 2.0, u.get_total_norm([p.grad for p in ps]))
        out.append([_np(p.grad) for p in ps])
        ps = _with_grads(lib)
        out.append(u.clip_grad_value_(ps, 0.7))
        out.append([_np(p.grad) for p in ps])
        one = lib.tensor(ARRS[0], requires_grad=True)
        one.grad = lib.tensor(GRADS[0])
        out.append(_np(u.clip_grad_norm_(one, 0.5)))
        out.append(_np(u.clip_grad_norm_([lib.zeros(2, requires_grad=True)], 1.0)))  # no grads: 0
        vec = u.parameters_to_vector(ps)
        out.append(_np(vec))
        u.vector_to_parameters(vec * 2 + 1, ps)
        out.append([_np(p) for p in ps])
        w = lib.tensor(ARRS[0], requires_grad=True)
        u.parameters_to_vector([w, w * 2]).sum().backward()
        out.append(_np(w.grad))
        return out

    res = _Both.run(run)
    for i, (a, b) in enumerate(zip(res["tg"], res["torch"])):
        _same(a, b, f"entry {i}")


def test_grad_util_errors_match_torch():
    messages = []
    for lib, nnm in LIBS.values():
        ps = _with_grads(lib)
        ps[0].grad[0, 0] = float("nan")
        with pytest.raises(RuntimeError) as err:
            nnm.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
        messages.append(str(err.value))
        with pytest.raises(TypeError) as err:
            nnm.utils.vector_to_parameters([1.0], ps)
        messages.append(str(err.value))
        with pytest.warns(UserWarning, match="empty generator"):
            nnm.utils.clip_grad_norm_((p for p in []), 1.0)
    assert messages[:2] == messages[2:]


def test_always_call_forward_hook_runs_when_forward_raises_like_torch():
    seen = {}
    for name, (lib, nnm) in LIBS.items():

        class Bad(nnm.Module):
            def forward(self, x):
                raise ValueError("boom")

        m, log = Bad(), []
        m.register_forward_hook(lambda mod, a, o, log=log: log.append(("always", o)), always_call=True)
        m.register_forward_hook(lambda mod, a, o, log=log: log.append("plain"))
        with pytest.raises(ValueError, match="boom"):
            m(lib.ones(1))
        seen[name] = log
    assert seen["tg"] == seen["torch"] == [("always", None)]
