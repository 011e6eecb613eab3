"""The workloads of docs/performance.md, each with its references, as plain functions.

Every function runs one repeat and returns seconds (or steps per second for the MLP ones);
run.py repeats them, takes medians and prints ratios. References that are not installed
(micrograd, torch) raise ``Missing``.
"""

from __future__ import annotations

import contextlib
import gc
import io
import sys
import time
import tracemalloc

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as tnn


class Missing(Exception):  # noqa: N818 - reads better at the call sites
    """A reference library is not installed."""


def _torch():
    try:
        import torch
    except ImportError:
        raise Missing("torch not installed") from None
    torch.set_num_threads(1)
    return torch


def _micrograd():
    try:
        from micrograd.engine import Value
    except ImportError:
        raise Missing("micrograd not installed") from None
    return Value


# ----------------------------------------------------------------------------- seed 001: scalars
X = [0.01 * x for x in range(100)]
Y = [2 * x**2 + 3 * x + 4 for x in X]
EPOCHS = 50  # where the post's run stops: 5000 per-sample updates


W1_AFTER_5000 = 2.188697138503384  # w1 after the 5000 updates, the same in all of them

# Seed 001's code as the post wrote it ("代码实现(SGD)" in 001_aaaeef58934028f2.txt; the same as
# reference/blog_scripts/s001_quadratic_sgd.py), without matplotlib and the plot after training,
# and with trailing spaces trimmed. It runs at module level like the post's script: w1, w2, w3,
# epoch_loss... are globals, which func() reads. The setup is not timed, the training loop is.
POST_001_SETUP = """\
import math
import sys
X = [0.01 * x for x in range(100)]
Y = [2*x**2 + 3*x + 4 for x in X]#生成样本

def func(x):
    y = w1 * x**2 + w2 * x + w3#这里换成其他函数也可以拟合
    return y

def loss(y_pred, y_true):
    return (y_pred - y_true) ** 2

# 权重随机初始化
w1, w2, w3 = 1, 0, -1

# 学习率设置
lr = 0.1
"""
POST_001_TRAIN = """\
# 训练过程
for epoch in range(1000):
    epoch_loss = 0
    for x, y_true in zip(X, Y):
        y_pred = func(x)
        epoch_loss += loss(y_pred, y_true)
        #梯度计算
        grad_w1 = 2 * (y_pred - y_true) * x ** 2
        grad_w2 = 2 * (y_pred - y_true) * x
        grad_w3 = 2 * (y_pred - y_true)
        #权重更新
        w1 = w1 - lr * grad_w1   #sgd
        w2 = w2 - lr * grad_w2
        w3 = w3 - lr * grad_w3

    epoch_loss /= len(X)
    print("第%d轮, loss %f" %(epoch, epoch_loss))
    if epoch_loss < 0.0001:
        break
"""
_POST_SETUP = compile(POST_001_SETUP, "<seed 001 setup>", "exec")
_POST_TRAIN = compile(POST_001_TRAIN, "<seed 001 training loop>", "exec")


def quad_post() -> float:
    """The post's own code, run until its ``epoch_loss < 0.0001`` break (after epoch 49: 5000
    updates), its per-epoch print going to an io.StringIO instead of the terminal."""
    ns: dict = {"__name__": "__seed001__"}
    exec(_POST_SETUP, ns)
    assert ns["X"] == X and ns["Y"] == Y
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        t = time.perf_counter()
        exec(_POST_TRAIN, ns)
        elapsed = time.perf_counter() - t
    assert ns["epoch"] == EPOCHS - 1 and ns["epoch_loss"] < 0.0001, ns["epoch"]
    assert sink.getvalue().count("\n") == EPOCHS and sink.getvalue().startswith("第0轮, loss ")
    assert abs(ns["w1"] - W1_AFTER_5000) < 1e-12
    return elapsed


def quad_post_body() -> float:
    """The post's hand-derived update alone: no func()/loss() calls, no epoch loss, no print,
    locals instead of globals. A floor, not the post's code."""
    t = time.perf_counter()
    w1, w2, w3 = 1, 0, -1
    lr = 0.1
    for _ in range(EPOCHS):
        for x, y_true in zip(X, Y):
            y_pred = w1 * x**2 + w2 * x + w3
            grad_w1 = 2 * (y_pred - y_true) * x**2
            grad_w2 = 2 * (y_pred - y_true) * x
            grad_w3 = 2 * (y_pred - y_true)
            w1 = w1 - lr * grad_w1
            w2 = w2 - lr * grad_w2
            w3 = w3 - lr * grad_w3
    elapsed = time.perf_counter() - t
    assert abs(w1 - W1_AFTER_5000) < 1e-12
    return elapsed


def quad_tinygrad() -> float:
    t = time.perf_counter()
    w1 = tg.tensor(1.0, requires_grad=True)
    w2 = tg.tensor(0.0, requires_grad=True)
    w3 = tg.tensor(-1.0, requires_grad=True)
    lr = 0.1
    with_grad = (w1, w2, w3)
    for _ in range(EPOCHS):
        for x, y_true in zip(X, Y):
            loss = (w1 * x**2 + w2 * x + w3 - y_true) ** 2
            loss.backward()
            with tg.no_grad():
                for w in with_grad:
                    w -= lr * w.grad
                    w.grad = None
    elapsed = time.perf_counter() - t
    assert abs(w1.item() - W1_AFTER_5000) < 1e-12
    return elapsed


def quad_micrograd() -> float:
    Value = _micrograd()
    t = time.perf_counter()
    w1, w2, w3 = Value(1.0), Value(0.0), Value(-1.0)
    lr = 0.1
    for _ in range(EPOCHS):
        for x, y_true in zip(X, Y):
            loss = (w1 * x**2 + w2 * x + w3 - y_true) ** 2
            for w in (w1, w2, w3):
                w.grad = 0.0
            loss.backward()
            for w in (w1, w2, w3):
                w.data -= lr * w.grad
    elapsed = time.perf_counter() - t
    assert abs(w1.data - W1_AFTER_5000) < 1e-12
    return elapsed


def quad_torch() -> float:
    torch = _torch()
    t = time.perf_counter()
    w1 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    w3 = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    lr = 0.1
    for _ in range(EPOCHS):
        for x, y_true in zip(X, Y):
            loss = (w1 * x**2 + w2 * x + w3 - y_true) ** 2
            loss.backward()
            with torch.no_grad():
                for w in (w1, w2, w3):
                    w -= lr * w.grad
                    w.grad = None
    elapsed = time.perf_counter() - t
    assert abs(w1.item() - W1_AFTER_5000) < 1e-12
    return elapsed


# ----------------------------------------------------------------------------- seed 003: the MLP
# The three MLP contenders take the same dtype: float32 (the post's .float(), torch's default) or
# float64 (our default).
def _mlp_data(n=1000, dtype=np.float32):
    rng = np.random.default_rng(0)
    x = np.linspace(-5, 5, n).astype(dtype)[:, None]
    y = (0.3 * x**2 + rng.standard_normal((n, 1))).astype(dtype)
    return x, y


def _init(rng, fan_in, fan_out, dtype=np.float32):
    b = 1 / np.sqrt(fan_in)
    return (rng.uniform(-b, b, (fan_out, fan_in)).astype(dtype),
            rng.uniform(-b, b, fan_out).astype(dtype))


def mlp_numpy(batch: int, steps: int = 1000, dtype=np.float32) -> float:
    """Hand-written numpy: forward, backward and SGD, no framework."""
    x, y = _mlp_data(dtype=dtype)
    rng = np.random.default_rng(1)
    W1, b1 = _init(rng, 1, 32, dtype)
    W2, b2 = _init(rng, 32, 32, dtype)
    W3, b3 = _init(rng, 32, 1, dtype)
    lr = np.dtype(dtype).type(1e-4)
    idx_rng = np.random.default_rng(2)
    t = time.perf_counter()
    for _ in range(steps):
        idx = idx_rng.integers(0, len(x), batch)
        xb, yb = x[idx], y[idx]
        h1 = xb @ W1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2.T + b2
        a2 = np.maximum(h2, 0)
        out = a2 @ W3.T + b3
        g = (2 / out.size) * (out - yb)
        gW3, gb3 = g.T @ a2, g.sum(0)
        g = (g @ W3) * (h2 > 0)
        gW2, gb2 = g.T @ a1, g.sum(0)
        g = (g @ W2) * (h1 > 0)
        gW1, gb1 = g.T @ xb, g.sum(0)
        for p, gp in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
            p -= lr * gp
    return steps / (time.perf_counter() - t)


class _Model(tnn.Module):
    def __init__(self, dtype=np.float32):
        super().__init__()
        self.hidden1 = tnn.Linear(1, 32, dtype=dtype)
        self.hidden2 = tnn.Linear(32, 32, dtype=dtype)
        self.output = tnn.Linear(32, 1, dtype=dtype)

    def forward(self, x):
        x = tg.relu(self.hidden1(x))
        x = tg.relu(self.hidden2(x))
        return self.output(x)


def mlp_tinygrad(batch: int, steps: int = 1000, dtype=np.float32) -> float:
    x, y = _mlp_data(dtype=dtype)
    X, Y = tg.from_numpy(x), tg.from_numpy(y)
    tg.manual_seed(0)
    model = _Model(dtype)
    opt = tg.optim.SGD(model.parameters(), lr=1e-4)
    loss_fn = tnn.MSELoss()
    idx_rng = np.random.default_rng(2)
    t = time.perf_counter()
    for _ in range(steps):
        idx = idx_rng.integers(0, len(x), batch)
        xb, yb = X[idx], Y[idx]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    return steps / (time.perf_counter() - t)


def mlp_torch(batch: int, steps: int = 1000, dtype=np.float32) -> float:
    torch = _torch()
    x, y = _mlp_data(dtype=dtype)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
    model.to(X.dtype)
    opt = torch.optim.SGD(model.parameters(), lr=1e-4)
    loss_fn = nn.MSELoss()
    idx_rng = np.random.default_rng(2)
    t = time.perf_counter()
    for _ in range(steps):
        idx = torch.from_numpy(idx_rng.integers(0, len(x), batch))
        xb, yb = X[idx], Y[idx]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    return steps / (time.perf_counter() - t)


# ----------------------------------------------------------------------------- the post's loop
def post_loop(lib: str, batch: int, momentum: float, steps: int = 300) -> float:
    """Seed 003's own training loop (DataLoader, next(iter(...))), under torch or tinygrad_edu
    imported as torch: the same code, only the import differs."""
    if lib == "torch":
        torch = _torch()
        nn = torch.nn
    else:
        torch, nn = tg, tnn

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden1 = nn.Linear(1, 32)
            self.hidden2 = nn.Linear(32, 32)
            self.output = nn.Linear(32, 1)

        def forward(self, x):
            x = torch.relu(self.hidden1(x))
            x = torch.relu(self.hidden2(x))
            return self.output(x)

    np.random.seed(0)
    x = np.linspace(-5, 5, 1000)
    y = 0.3 * (x**2) + np.random.randn(1000)
    x = torch.unsqueeze(torch.from_numpy(x).float(), 1)
    y = torch.unsqueeze(torch.from_numpy(y).float(), 1)
    dataset = torch.utils.data.TensorDataset(x, y)
    torch.manual_seed(0)
    model = Model()
    if lib != "torch":
        model.float()  # float32 like torch's default (our default dtype is float64)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0001, momentum=momentum)
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True)
    t = time.perf_counter()
    for _ in range(steps):
        xb, yb = next(iter(dataloader))
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    return steps / (time.perf_counter() - t)


# ----------------------------------------------------------------------------- depth
def _chain(n: int):
    x = tg.tensor(0.5, requires_grad=True)
    y = x
    for i in range(n):
        y = y * 1.0000001 if i % 2 else y + 0.0000001
    return x, y


def chain_tinygrad(n: int, gc_off: bool = False) -> dict:
    """Build y = (((x+d)*c)+d ...) n ops deep and backpropagate; time per node."""
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        t0 = time.perf_counter()
        x, y = _chain(n)
        t1 = time.perf_counter()
        y.backward()
        t2 = time.perf_counter()
    finally:
        gc.enable()
    assert x.grad is not None
    del x, y
    return {"build_s": t1 - t0, "backward_s": t2 - t1, "per_node_us": (t2 - t0) / n * 1e6}


def chain_memory(n: int) -> dict:
    """Peak traced memory while the chain lives, and what is left after dropping it."""
    gc.collect()
    tracemalloc.start()
    x, y = _chain(n)
    y.backward()
    _, peak = tracemalloc.get_traced_memory()
    del y
    after, _ = tracemalloc.get_traced_memory()  # no gc.collect(): refcounting alone must free it
    tracemalloc.stop()
    return {"peak_MB": peak / 1e6, "after_free_MB": after / 1e6}


def chain_micrograd(n: int) -> dict:
    """micrograd with gc off and the recursion limit raised (it needs both)."""
    Value = _micrograd()
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 4 * n + 1000))
    gc.disable()
    try:
        x = Value(0.5)
        t0 = time.perf_counter()
        y = x
        for i in range(n):
            y = y * 1.0000001 if i % 2 else y + 0.0000001
        t1 = time.perf_counter()
        y.backward()
        t2 = time.perf_counter()
    finally:
        gc.enable()
        sys.setrecursionlimit(old)
    del x, y
    gc.collect()
    return {"build_s": t1 - t0, "backward_s": t2 - t1, "per_node_us": (t2 - t0) / n * 1e6}


# ----------------------------------------------------------------------------- first-order backward
def backward_cost(batch: int = 128, steps: int = 300) -> dict:
    """The MLP's backward alone: microseconds per call, against hand-written numpy's backward,
    and how many Values an ordinary backward creates (0: no graph is recorded, so the
    create_graph machinery costs nothing when it is off)."""
    x, y = _mlp_data()
    tg.manual_seed(0)
    model = _Model()
    loss_fn = tnn.MSELoss()
    X, Y = tg.from_numpy(x[:batch]), tg.from_numpy(y[:batch])
    created = [0]
    original = tg.Value._from_op

    def counting(self, data, node):
        created[0] += 1
        return original(self, data, node)

    total = 0.0
    for i in range(steps):
        loss = loss_fn(model(X), Y)
        model.zero_grad()
        if i == 0:
            tg.Value._from_op = counting
        t = time.perf_counter()
        loss.backward()
        total += time.perf_counter() - t
        tg.Value._from_op = original
    ours = total / steps * 1e6

    rng = np.random.default_rng(1)
    W1, b1 = _init(rng, 1, 32)
    W2, b2 = _init(rng, 32, 32)
    W3, b3 = _init(rng, 32, 1)
    xb, yb = x[:batch], y[:batch]
    h1 = xb @ W1.T + b1
    a1 = np.maximum(h1, 0)
    h2 = a1 @ W2.T + b2
    a2 = np.maximum(h2, 0)
    out = a2 @ W3.T + b3
    t = time.perf_counter()
    for _ in range(steps):
        g = (2 / out.size) * (out - yb)
        _ = g.T @ a2, g.sum(0)
        g = (g @ W3) * (h2 > 0)
        _ = g.T @ a1, g.sum(0)
        g = (g @ W2) * (h1 > 0)
        _ = g.T @ xb, g.sum(0)
    numpy_us = (time.perf_counter() - t) / steps * 1e6
    return {"tinygrad_edu_us": ours, "numpy_us": numpy_us, "values_created": created[0]}


# ----------------------------------------------------------------------------- compiled steps (issue 26)
def _quad_fit(compiled: bool):
    """Seed 001's fit as quad_tinygrad runs it, with the per-sample step in a function that is
    compiled (tg.compile) or not. Returns (seconds, weights); the first two calls, which trace, are timed."""
    t = time.perf_counter()
    w1 = tg.tensor(1.0, requires_grad=True)
    w2 = tg.tensor(0.0, requires_grad=True)
    w3 = tg.tensor(-1.0, requires_grad=True)
    lr = 0.1
    with_grad = (w1, w2, w3)

    def step(x, y_true):
        loss = (w1 * x**2 + w2 * x + w3 - y_true) ** 2
        loss.backward()
        with tg.no_grad():
            for w in with_grad:
                w -= lr * w.grad
                w.grad = None

    f = tg.compile(step, fullgraph=True) if compiled else step
    for _ in range(EPOCHS):
        for x, y_true in zip(X, Y):
            f(x, y_true)
    elapsed = time.perf_counter() - t
    return elapsed, [w.item() for w in with_grad]


def quad_compiled() -> float:
    elapsed, weights = _quad_fit(True)
    assert abs(weights[0] - W1_AFTER_5000) < 1e-12
    return elapsed


def quad_trace_cost() -> float:
    """Seconds of the first two calls of a compiled scalar step (they run eagerly and trace)."""
    w = tg.tensor(1.0, requires_grad=True)

    @tg.compile
    def step(x, y_true):
        loss = (w * x - y_true) ** 2
        loss.backward()
        with tg.no_grad():
            w.sub_(0.1 * w.grad)
            w.grad = None

    t = time.perf_counter()
    step(0.5, 1.0)
    step(0.25, 1.0)
    return time.perf_counter() - t


def _mlp_step_fit(batch: int, steps: int, dtype, compiled: bool, warm: bool = False):
    x, y = _mlp_data(dtype=dtype)
    X, Y = tg.from_numpy(x), tg.from_numpy(y)
    tg.manual_seed(0)
    model = _Model(dtype)
    opt = tg.optim.SGD(model.parameters(), lr=1e-4)
    loss_fn = tnn.MSELoss()

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    f = tg.compile(step, fullgraph=True) if compiled else step
    idx_rng = np.random.default_rng(2)
    for _ in range(2 if warm else 0):  # the first two calls run eagerly and trace: not timed
        idx = idx_rng.integers(0, len(x), batch)
        f(X[idx], Y[idx])
    t = time.perf_counter()
    for _ in range(steps):
        idx = idx_rng.integers(0, len(x), batch)
        loss = f(X[idx], Y[idx])
    rate = steps / (time.perf_counter() - t)
    return rate, [p.detach().numpy().copy() for p in model.parameters()] + [loss.detach().numpy()]


def mlp_compiled(batch: int, steps: int = 1000, dtype=np.float32) -> float:
    """mlp_tinygrad's loop with its step compiled: steps per second once traced (the first two
    calls, which run eagerly and trace, come before the timed steps; see mlp_trace_cost)."""
    return _mlp_step_fit(batch, steps, dtype, True, warm=True)[0]


def mlp_trace_cost(batch: int = 128, dtype=np.float32) -> float:
    """Seconds the first two calls of the compiled MLP step (eager runs, traces, code generation)
    take more than two eager steps."""
    t = time.perf_counter()
    _mlp_step_fit(batch, 2, dtype, True)
    first = time.perf_counter() - t
    t = time.perf_counter()
    _mlp_step_fit(batch, 2, dtype, False)
    return first - (time.perf_counter() - t)


def compiled_vs_eager() -> float:
    """The largest difference between the compiled and the eager runs of the same steps: seed 001's
    5000 updates and the MLP (float64 and float32, batch 1 and 128): the weights after, the last loss."""
    diffs = [max(abs(a - b) for a, b in zip(_quad_fit(True)[1], _quad_fit(False)[1]))]
    for dtype in (np.float64, np.float32):
        for batch in (1, 128):
            ours, eager = (_mlp_step_fit(batch, 100, dtype, c)[1] for c in (True, False))
            diffs += [float(np.max(np.abs(a.astype(np.float64) - b))) for a, b in zip(ours, eager)]
    return max(diffs)
