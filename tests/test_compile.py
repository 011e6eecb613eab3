"""tinygrad_edu.compile: a traced step replays the eager numbers bit for bit; guards retrace;
graph breaks warn once (or raise with fullgraph=True); .source reads like the maths."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.compiler import CACHE_LIMIT, CompiledFunction, GraphBreak

X = [0.01 * x for x in range(100)]
Y = [2 * x**2 + 3 * x + 4 for x in X]


def seed001(compiled: bool, epochs: int = 3):
    """Seed 001's per-sample SGD (examples/s001_quadratic_sgd.py), the step compiled or not."""
    w1 = tg.tensor(1.0, requires_grad=True, name="w1")
    w2 = tg.tensor(0.0, requires_grad=True, name="w2")
    w3 = tg.tensor(-1.0, requires_grad=True, name="w3")
    lr = 0.1

    def step(x, y_true):
        y_pred = w1 * x**2 + w2 * x + w3
        loss = (y_pred - y_true) ** 2
        loss.backward()
        with tg.no_grad():
            for w in (w1, w2, w3):
                w -= lr * w.grad
                w.grad = None
        return loss

    f = tg.compile(step) if compiled else step
    losses = []
    for _ in range(epochs):
        for x, y in zip(X, Y):
            losses.append(f(x, y).item())
    return f, [w1.item(), w2.item(), w3.item()], losses


def test_seed001_compiled_equals_eager_bit_for_bit():
    f, ours, our_losses = seed001(True)
    _, eager, eager_losses = seed001(False)
    assert ours == eager and our_losses == eager_losses  # the same floats, not merely close
    assert f.graph_break is None and f.recompiles == []
    assert isinstance(f, CompiledFunction)


def test_seed001_source_reads_like_the_post():
    f, _, _ = seed001(True, epochs=1)
    src = f.source
    assert src.startswith("def step(")
    for line in ("# Mul: y_pred = w1 * x**2", "# PowBackward", "# MulBackward", "g_w1 = ", "g_w2 = ",
                 "y_pred = ", "loss = "):
        assert line in src, line
    assert "w1 * t" in src and "Value" not in src and "backward(" not in src  # straight-line floats
    assert "_v0._grad = None" in src  # w.grad = None, written back
    assert any("w1: a 0-d value of dtype float64" == g for g in f.guards)


def mlp_run(compiled: bool, dtype=np.float64, steps: int = 20, batch: int = 16, opt_cls=tg.optim.SGD,
            **opt_kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1)).astype(dtype)
    y = (0.3 * x**2).astype(dtype)
    X, Y = tg.from_numpy(x), tg.from_numpy(y)
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
    model.to(dtype)
    opt = opt_cls(model.parameters(), lr=1e-2, **opt_kw)
    loss_fn = nn.MSELoss()

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    f = tg.compile(step) if compiled else step
    idx = np.random.default_rng(1)
    losses = [f(X[i], Y[i]).item() for i in (idx.integers(0, 64, batch) for _ in range(steps))]
    params = list(model.parameters())
    return f, [p.detach().numpy().copy() for p in params], losses, [p.grad for p in params]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batch", [1, 16])
def test_mlp_training_loop_compiled_equals_eager(dtype, batch):
    f, ours, our_losses, grads = mlp_run(True, dtype, batch=batch)
    _, eager, eager_losses, eager_grads = mlp_run(False, dtype, batch=batch)
    assert f.graph_break is None, f.graph_break
    assert our_losses == eager_losses
    for a, b in zip(ours, eager):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    for a, b in zip(grads, eager_grads):  # .grad after the step, as eager leaves it
        assert np.array_equal(a.numpy(), b.numpy())
    assert "np.dot(" in f.source and "# LinearFunctionBackward" in f.source and "g_model_0_weight" in f.source


def test_decorator_forms():
    w = tg.tensor(2.0, requires_grad=True)

    @tg.compile
    def a(x):
        return w * x

    @tg.compile(fullgraph=True)
    def b(x):
        return w * x

    c = tg.compile(lambda x: w * x, fullgraph=True, mode="reduce-overhead")
    for f in (a, b, c):
        assert f(3.0).item() == 6.0 and f(4.0).item() == 8.0
        assert f.source is not None
    assert a.__name__ == "a"


def test_matmul_is_called_as_it_is_and_gives_the_eager_numbers():
    def run(compiled):
        tg.manual_seed(0)
        W = tg.randn(3, 2, requires_grad=True)

        def step(x):
            loss = ((x @ W).tanh() ** 2).sum()
            loss.backward()
            with tg.no_grad():
                W.data -= 0.1 * W.grad
                W.grad = None
            return loss

        f = tg.compile(step, fullgraph=True) if compiled else step
        xs = [tg.from_numpy(np.random.default_rng(i).standard_normal((4, 3))) for i in range(5)]
        return f, [f(x).item() for x in xs], W.detach().numpy()

    f, losses, w = run(True)
    _, eager_losses, eager_w = run(False)
    assert losses == eager_losses and np.array_equal(w, eager_w)
    assert "_fwd(ctx_MatMul, x, W)" in f.source and "_bwd(ctx_MatMul" in f.source


# ----------------------------------------------------------------------------- guards and retracing
def test_guards_retrace_on_shape_dtype_and_requires_grad():
    v = tg.zeros(3, requires_grad=True)

    @tg.compile
    def f(x):
        loss = ((v - x) ** 2).mean()
        loss.backward()
        with tg.no_grad():
            v.sub_(0.5 * v.grad)
        v.grad = None
        return loss

    def eager(v0, x):
        return float(((v0 - x) ** 2).mean())

    for x in (tg.ones(3), tg.ones(2, 3), tg.ones(2, 3, dtype=tg.float32)):
        for scale in (1.0, 2.0, 3.0):  # traced twice (the recordings agree), then replayed
            before = v.detach().numpy().copy()
            assert f(x * scale).item() == pytest.approx(eager(before, (x * scale).numpy()))
    assert len(f._entries) == 3
    assert any("shape (3,)" in r for r in f.recompiles), f.recompiles
    assert any("dtype float64" in r for r in f.recompiles), f.recompiles
    f(tg.ones(3, requires_grad=True))
    assert "x.requires_grad is False" in f.recompiles[-1]


def test_guards_on_grad_mode_numbers_and_globals():
    w = tg.tensor(1.0, requires_grad=True)

    @tg.compile
    def f(x, k):
        return (w * x) ** k

    assert f(2.0, 2).item() == 4.0 and f(3.0, 2).item() == 9.0 and f(4.0, 2).item() == 16.0
    assert f(3.0, 3).item() == 27.0 and f(2.0, 3).item() == 8.0
    assert "argument k is 2" in f.recompiles[-1]
    with tg.no_grad():
        assert f(3.0, 3).item() == 27.0 and f(1.0, 3).item() == 1.0
    assert f.recompiles[-1] == "grad mode is on"
    assert len(f._entries) == 3 and f(2.0, 2).item() == 4.0  # older traces stay cached


def test_rebinding_a_captured_global_retraces():
    global _W
    _W = tg.tensor(1.0, requires_grad=True)

    @tg.compile
    def f(x):
        return _W * x

    assert f(2.0).item() == 2.0 and f(2.0).item() == 2.0 and f(2.0).item() == 2.0
    _W = tg.tensor(5.0, requires_grad=True)
    assert f(2.0).item() == 10.0
    assert "the global _W is the same object" in f.recompiles[-1]


def test_cache_limit_then_eager_with_one_warning():
    w = tg.tensor(1.0)
    f = tg.compile(lambda n: w * n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(2 * CACHE_LIMIT + 3):
            assert f(n).item() == n
    assert len(caught) == 1 and "CACHE_LIMIT" in str(caught[0].message)
    assert f.graph_break is not None


# ----------------------------------------------------------------------------- graph breaks
def breaking_step(w):
    def step(x):
        loss = (w * x - 1.0) ** 2
        if loss.item() > 0.5:  # Python control flow on a value's number
            loss = loss * 2
        loss.backward()
        with tg.no_grad():
            w.sub_(0.1 * w.grad)
            w.grad = None
        return loss
    return step


def test_graph_break_default_warns_once_and_runs_eagerly():
    w, w_eager = tg.tensor(1.0, requires_grad=True), tg.tensor(1.0, requires_grad=True)
    f, g = tg.compile(breaking_step(w)), breaking_step(w_eager)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x in (3.0, 0.1, 2.0, 0.2):
            assert f(x).item() == g(x).item()
    assert w.item() == w_eager.item()
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert ".item()" in msg and "test_compile.py" in msg and "if loss.item() > 0.5" in msg
    assert f.graph_break is not None and f.source is None


def test_graph_break_fullgraph_names_the_line_and_the_reason():
    f = tg.compile(breaking_step(tg.tensor(1.0, requires_grad=True)), fullgraph=True)
    with pytest.raises(GraphBreak, match=r"test_compile\.py:\d+ \(if loss\.item\(\) > 0\.5:.*\): \.item\(\)"):
        f(3.0)


@pytest.mark.parametrize("body, reason", [
    (lambda v: bool(v > 0), "bool()"),
    (lambda v: v.tolist(), ".tolist()"),
    (lambda v: print(v), "printing"),
    (lambda v: f"{v}", "formatting"),
])
def test_each_graph_break(body, reason, capsys):
    w = tg.tensor([1.0, 2.0], requires_grad=True)

    def step(x):
        y = w * x
        body(y.sum() if reason == "bool()" else y)
        return y

    with pytest.raises(GraphBreak, match=reason.replace("(", r"\(").replace(")", r"\)")):
        tg.compile(step, fullgraph=True)(2.0)
    with pytest.warns(UserWarning, match="graph break"):
        f = tg.compile(step)
        assert f(2.0).tolist() == [2.0, 4.0]
    assert f(3.0).tolist() == [3.0, 6.0]  # eagerly from then on


def test_python_control_flow_on_a_number_argument_is_a_graph_break():
    w = tg.tensor(1.0, requires_grad=True)

    def step(x):
        return w * x if x > 0 else w * -x

    with pytest.raises(GraphBreak, match="number argument x"):
        tg.compile(step, fullgraph=True)(2.0)


def test_an_optimizer_with_state_is_a_graph_break_with_the_reason():
    with pytest.warns(UserWarning, match="SGD keeps state between steps"):
        f, ours, losses, _ = mlp_run(True, steps=4, momentum=0.9)
    _, eager, eager_losses, _ = mlp_run(False, steps=4, momentum=0.9)
    assert losses == eager_losses and all(np.array_equal(a, b) for a, b in zip(ours, eager))


def test_untraceable_things_fall_back_with_a_reason():
    w = tg.tensor([1.0, 2.0], requires_grad=True)

    def zero_in_place(x):
        loss = (w * x).sum()
        loss.backward()
        with tg.no_grad():
            w.sub_(w.grad)
        w.grad.zero_()
        return loss

    with pytest.warns(UserWarning, match="graph break"):
        f = tg.compile(zero_in_place)
        for x in (1.0, 2.0):
            f(x)
    assert w.tolist() == [-2.0, -1.0]


# ----------------------------------------------------------------------------- the rest of the surface
def test_results_inputs_and_keywords():
    w = tg.tensor(2.0, requires_grad=True)

    @tg.compile
    def f(x, v):
        c = tg.tensor(3.0)  # made in the step: a constant of the code
        return {"a": (w * x - c, x * 2), "b": [v * w, None, 7]}

    v = tg.tensor([1.0, 2.0])
    for x in (1.0, 2.5):
        out = f(x, v)
        assert out["a"][0].item() == 2 * x - 3 and out["a"][1] == 2 * x and type(out["a"][1]) is float
        assert out["b"][0].tolist() == [2.0, 4.0] and out["b"][1:] == [None, 7]
    assert f(x=1.0, v=v)["a"][0].item() == -1.0  # keywords: run eagerly
    assert f.graph_break is None


def test_compiled_outputs_have_no_graph_and_grads_accumulate_across_calls():
    w = tg.tensor([1.0, -1.0], requires_grad=True)

    @tg.compile
    def f(x):
        loss = (w * x).relu().sum()
        loss.backward()  # no zero_grad: .grad adds up, as in eager
        return loss

    for x in (1.0, 2.0, 3.0, 4.0):
        out = f(x)
    assert not out.requires_grad and out.grad_fn is None
    assert w.grad.tolist() == [10.0, 0.0]


def test_reset_and_docs_names():
    w = tg.tensor(1.0, requires_grad=True)
    f = tg.compile(lambda x: w * x)
    f(1.0), f(1.0)
    assert f.source is not None
    f.reset()
    assert f.source is None and f(2.0).item() == 2.0 and f(3.0).item() == 3.0 and f.source is not None
    assert "compile" in tg.__all__


def test_a_changed_learning_rate_or_eval_mode_retraces():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.0), nn.Linear(3, 1))
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    x = tg.ones(4, 2)

    def step():
        opt.zero_grad()
        loss = model(x).sum()
        loss.backward()
        opt.step()
        return loss

    f = tg.compile(step)
    f(), f()
    opt.param_groups[0]["lr"] = 0.01  # as a scheduler does
    f()
    assert "param_groups[0]['lr'] == 0.1" in f.recompiles[-1]
    model.eval()
    f()
    assert "training mode" in f.recompiles[-1]


def test_tanh_sum_dim_and_a_detached_result_compile_without_a_break():
    w = tg.tensor([[0.5, -1.0, 2.0]], requires_grad=True)

    def step(x):
        y = (x * w).tanh().sum(dim=1)
        loss = (y * y).mean()
        loss.backward()
        return loss.detach()

    f = tg.compile(step, fullgraph=True)
    x = tg.tensor([[1.0, 2.0, 3.0], [0.5, 0.25, -1.0]])
    for scale in (1.0, 2.0, -0.5):
        w.grad = None
        ours = f(x * scale).item(), w.grad.tolist()
        w.grad = None
        assert ours == (step(x * scale).item(), w.grad.tolist())
    assert f.graph_break is None and "# TanhBackward" in f.source


def test_numbers_read_into_python_are_caught_by_the_second_recording():
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)

    rng, eager_rng = np.random.default_rng(0), np.random.default_rng(0)

    def step(x, rng):
        noise = float(rng.standard_normal())  # drawn in Python: a constant of the recorded code
        return (w * x + noise).sum()

    with pytest.warns(UserWarning, match="traced into different code"):
        f = tg.compile(lambda x: step(x, rng))
        for x in (1.0, 2.0, 3.0, 4.0):
            assert f(x).item() == step(x, eager_rng).item()
    assert f.graph_break is not None

    def index(i):
        return w[i] * 2  # an index made of an input's numbers: traced, not a constant

    f = tg.compile(index, fullgraph=True)
    assert [f(tg.tensor([k])).tolist() for k in (0, 1, 2, 0)] == [[2.0], [4.0], [6.0], [2.0]]
