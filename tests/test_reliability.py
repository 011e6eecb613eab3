"""Bad input gets a clear error, state survives failures, memory stays flat, and a stateful fuzz
drives the whole workflow."""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu import Function
from tinygrad_edu.autograd import detect_anomaly
from tinygrad_edu.optim import SGD
from tinygrad_edu.serialization import CheckpointError
from tinygrad_edu.testing import gradcheck
from tinygrad_edu.utils.data import DataLoader, TensorDataset

# ----------------------------------------------------------------------------- errors that teach


def test_broadcast_mismatch_names_op_shapes_and_fix():
    with pytest.raises(RuntimeError) as err:
        tg.ones(2, 3, requires_grad=True) * tg.ones(2, 4)
    msg = str(err.value)
    assert "The size of tensor a (3) must match the size of tensor b (4)" in msg
    assert "Mul" in msg and "(2, 3)" in msg and "(2, 4)" in msg and "float64" in msg
    assert "unsqueeze" in msg


def test_matmul_mismatch():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        tg.ones(2, 3, requires_grad=True) @ tg.ones(4, 5)


@pytest.mark.parametrize("make, exc, pattern", [
    (lambda: (tg.ones(2, requires_grad=True) * 2).backward(), RuntimeError,
     "grad can be implicitly created only for scalar outputs"),
    (lambda: (tg.ones(2) * 2).sum().backward(), RuntimeError,
     "element 0 of tensors does not require grad and does not have a grad_fn"),
    (lambda: tg.ones(2, requires_grad=True).numpy(), RuntimeError,
     r"Can't call numpy\(\) on Tensor that requires grad. Use tensor.detach\(\).numpy\(\) instead."),
    (lambda: tg.ones(2).item(), RuntimeError, "a Tensor with 2 elements cannot be converted to Scalar"),
    (lambda: tg.tensor([1, 2], requires_grad=True), RuntimeError,
     "Only Tensors of floating point and complex dtype can require gradients"),
    (lambda: tg.ones(2, requires_grad=True).add_(1), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation"),
    (lambda: TensorDataset(tg.ones(3), tg.ones(4)), ValueError, "Size mismatch between tensors"),
    (lambda: DataLoader(TensorDataset(tg.ones(3)), batch_size=-2), ValueError,
     "batch_size should be a positive integer"),
    (lambda: SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda: SGD(5, lr=0.1), TypeError, "iterable of Tensors or dicts"),
    (lambda: SGD([tg.ones(1, requires_grad=True)], lr=-0.5), ValueError, "Invalid learning rate: -0.5"),
    (lambda: nn.MSELoss(reduction="avg"), ValueError, "avg is not a valid value for reduction"),
])
def test_documented_errors(make, exc, pattern):
    with pytest.raises(exc, match=pattern):
        make()


def test_second_backward_through_freed_graph():
    x = tg.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time.*retain_graph=True"):
        y.backward()


def test_inplace_after_save_raises_via_version_counter():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()  # Mul saved w's data
    with tg.no_grad():
        w -= 0.1  # e.g. an optimizer step before backward
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*version 1.*MulBackward"):
        loss.backward()
    assert w.grad is None  # nothing half-written
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    s = (a + 1).sum()  # Add saves nothing: an in-place change does not matter, as in PyTorch
    with tg.no_grad():
        a += 1
    s.backward()
    assert a.grad.tolist() == [1.0, 1.0]


def test_inplace_on_graph_value_is_recorded_and_on_a_leaf_refused():
    w = tg.ones(2, requires_grad=True)
    h = w * 2
    h += w  # recorded, as in PyTorch: h = 2w + w
    h.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0] and h.grad_fn.name() == "AddBackward"
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1


def test_bad_custom_backward_is_named():
    class TwoGrads(Function):
        """z = 2x.   dz/dx = 2"""

        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, grad):
            return grad * 2, grad

    class WrongShape(Function):
        """z = sum(x).   dz/dx = 1"""

        @staticmethod
        def forward(ctx, x):
            ctx.n = x.size
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return np.ones(ctx.n + 1) * grad

    x = tg.ones(3, requires_grad=True)
    count_msg = r"TwoGradsBackward returned an incorrect number of gradients \(expected 1, got 2\)"
    shape_msg = (r"WrongShapeBackward returned an invalid gradient at index 0 - got \[4\] but "
                 r"expected shape compatible with \[3\]")
    with pytest.raises(RuntimeError, match=count_msg):
        TwoGrads.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match=shape_msg):
        WrongShape.apply(x).backward()


# ----------------------------------------------------------------------------- warnings


def test_warnings_where_pytorch_warns():
    x = tg.ones(2, requires_grad=True)
    h = x * 2
    h.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        h.grad
    with pytest.warns(UserWarning, match="different to the input size"):
        nn.MSELoss()(tg.ones(5, 1, requires_grad=True), tg.ones(5))
    with pytest.warns(UserWarning, match="is not a double precision floating point"):
        gradcheck(lambda v: v * 2, [tg.ones(2, dtype=tg.float32, requires_grad=True)], eps=1e-2,
                  atol=1e-2, rtol=1e-2)


# ----------------------------------------------------------------------------- anomaly mode


def test_anomaly_lets_a_forward_nan_through_as_pytorch():
    x = tg.tensor([1.0, -1.0], requires_grad=True)
    with np.errstate(invalid="ignore"), detect_anomaly():
        assert np.isnan(x.log().detach().numpy()[1])  # PyTorch's anomaly mode checks backward only


def test_anomaly_names_backward_op_and_where_it_was_created():
    x = tg.tensor([-1.0, 1.0], requires_grad=True)

    @detect_anomaly()
    def run():
        y = x.sqrt().sum()  # d/dx sqrt(x) at -1 is nan
        y.backward()

    with pytest.raises(RuntimeError) as err, np.errstate(invalid="ignore"):
        run()
    msg = str(err.value)
    assert "SqrtBackward" in msg and "y = x.sqrt().sum()" in msg
    assert not tg.autograd.is_anomaly_enabled()


def test_anomaly_catches_a_diverging_learning_rate():
    # seed 001's warning: too large a learning rate makes the weights blow up
    w = tg.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="returned nan values"), np.errstate(all="ignore"):
        with detect_anomaly():
            for _ in range(2000):
                loss = (w * 3.0 - 6.0) ** 2
                loss.backward()
                with tg.no_grad():
                    w -= 10.0 * w.grad
                w.grad = None


# ----------------------------------------------------------------------------- state preservation


def _params(model):
    return [np.array(p.data, copy=True) for p in model.parameters()]


def test_failed_load_state_dict_leaves_every_parameter():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = _params(model)
    sd = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)).state_dict()
    sd["1.weight"] = tg.zeros(2, 3)  # mis-shaped, and listed after valid keys
    with pytest.raises(RuntimeError, match="size mismatch for 1.weight"):
        model.load_state_dict(sd)
    for a, b in zip(before, _params(model)):
        np.testing.assert_array_equal(a, b)


def test_failed_save_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.tge"
    tg.save({"a": tg.ones(2)}, path)
    import numpy

    monkeypatch.setattr(numpy, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("crash")))
    with pytest.raises(OSError):
        tg.save({"a": tg.zeros(2)}, path)
    monkeypatch.undo()
    assert tg.load(path)["a"].tolist() == [1.0, 1.0]
    assert len(list(tmp_path.iterdir())) == 1


def test_load_rejects_foreign_file(tmp_path):
    (tmp_path / "f").write_bytes(b"\x80\x04K\x01.")  # a pickle
    with pytest.raises(CheckpointError, match="not a tinygrad_edu checkpoint"):
        tg.load(tmp_path / "f")


# ----------------------------------------------------------------------------- memory


def test_backward_releases_saved_arrays_and_graph():
    x = tg.ones(1000, requires_grad=True)
    y = x * 2
    probe = weakref.ref(y.grad_fn)
    z = (y * y).sum()
    node = z.grad_fn.parents[0].grad_fn  # the Mul node that saved y's data twice
    z.backward()
    assert node.saved_values != () and all(not isinstance(s, np.ndarray) for s in node.saved_values)
    del y, z, node
    assert probe() is None  # no reference cycles: refcounting alone frees the graph


def test_training_loop_memory_is_steady():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = SGD(model.parameters(), lr=1e-3, momentum=0.9)
    x = tg.linspace(-1, 1, 32).unsqueeze(1)
    y = x * x

    def steps(n):
        for _ in range(n):
            opt.zero_grad()
            loss = nn.MSELoss()(model(x), y)
            loss.backward()
            opt.step()

    steps(200)
    gc.collect()
    tracemalloc.start()
    steps(2000)
    gc.collect()
    first, _ = tracemalloc.get_traced_memory()
    steps(8000)
    gc.collect()
    second, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert second - first < 50_000, (first, second)  # 8000 more steps, no growth
    assert peak < 2_000_000


# ----------------------------------------------------------------------------- stateful fuzz

UNARY = {
    "tanh": (lambda v: v.tanh(), np.tanh),
    "sin": (lambda v: v.sin(), np.sin),
    "sigmoid": (lambda v: v.sigmoid(), lambda a: 1 / (1 + np.exp(-a))),
    "square": (lambda v: v * v, lambda a: a * a),
}
BINARY = {
    "add": (lambda v, p: v + p, lambda a, b: a + b),
    "mul": (lambda v, p: v * p, lambda a, b: a * b),
    "sub": (lambda v, p: v - p, lambda a, b: a - b),
}


class TrainingMachine(RuleBasedStateMachine):
    """Random sequences of building expressions, backward, zero_grad, optimizer steps, no_grad
    blocks and checkpoint round trips, checked after every step."""

    @initialize(seed=st.integers(0, 2**16), momentum=st.sampled_from([0.0, 0.9]))
    def setup(self, seed, momentum):
        rng = np.random.default_rng(seed)
        self.params = [nn.Parameter(tg.tensor(rng.uniform(-1, 1, 3))) for _ in range(2)]
        self.lr, self.momentum = 0.05, momentum
        self.opt = SGD(self.params, lr=self.lr, momentum=momentum)
        self.expr = []  # list of (kind, name, param index)
        self.expected = [None, None]  # the .grad we expect, accumulated independently
        self.buffers = [None, None]

    def _value(self, ps):
        v = ps[0] * 1.0
        for kind, name, k in self.expr:
            v = UNARY[name][0](v) if kind == "u" else BINARY[name][0](v, ps[k])
        return v.sum()

    def _numpy_value(self, arrays):
        v = arrays[0] * 1.0
        for kind, name, k in self.expr:
            v = UNARY[name][1](v) if kind == "u" else BINARY[name][1](v, arrays[k])
        return float(np.sum(v))

    def _numeric_grads(self):
        arrays = [np.array(p.data, copy=True) for p in self.params]
        grads = []
        for a in arrays:
            g = np.zeros_like(a)
            for j in range(a.size):
                a[j] += 1e-6
                up = self._numpy_value(arrays)
                a[j] -= 2e-6
                down = self._numpy_value(arrays)
                a[j] += 1e-6
                g[j] = (up - down) / 2e-6
            grads.append(g)
        return grads

    @precondition(lambda self: len(self.expr) < 6)
    @rule(name=st.sampled_from(sorted(UNARY)))
    def unary(self, name):
        self.expr.append(("u", name, 0))

    @precondition(lambda self: len(self.expr) < 6)
    @rule(name=st.sampled_from(sorted(BINARY)), k=st.integers(0, 1))
    def binary(self, name, k):
        self.expr.append(("b", name, k))

    @rule()
    def backward(self):
        loss = self._value(self.params)
        loss.backward()
        used = {0} | {k for kind, _, k in self.expr if kind == "b"}
        for i, g in enumerate(self._numeric_grads()):
            if i not in used:
                continue  # an unused parameter keeps grad None, as in PyTorch
            self.expected[i] = g if self.expected[i] is None else self.expected[i] + g
        with pytest.raises(RuntimeError, match="second time"):
            loss.backward()  # the graph was freed; the leaves are untouched by the failure

    @rule(set_to_none=st.booleans())
    def zero_grad(self, set_to_none):
        self.opt.zero_grad(set_to_none=set_to_none)
        # as in PyTorch, set_to_none=False zeroes existing grads and leaves None as None
        self.expected = [None if set_to_none or e is None else np.zeros(3) for e in self.expected]

    @rule()
    def step(self):
        before = [np.array(p.data, copy=True) for p in self.params]
        self.opt.step()
        for i, p in enumerate(self.params):
            g = self.expected[i]
            if g is None:
                np.testing.assert_array_equal(p.data, before[i])
                continue
            if self.momentum:
                self.buffers[i] = g.copy() if self.buffers[i] is None else self.momentum * self.buffers[i] + g
                g = self.buffers[i]
            np.testing.assert_allclose(p.data, before[i] - self.lr * g, rtol=1e-9, atol=1e-9)

    @rule()
    def no_grad_block(self):
        with tg.no_grad():
            v = self._value(self.params)
        assert not v.requires_grad and v.grad_fn is None

    @rule()
    def save_and_load(self):
        import os
        import tempfile

        fd, path = tempfile.mkstemp(suffix=".tge")
        os.close(fd)
        try:
            tg.save({"params": [p.detach() for p in self.params], "opt": self.opt.state_dict()}, path)
            back = tg.load(path)
        finally:
            os.unlink(path)
        for p, q in zip(self.params, back["params"]):
            np.testing.assert_array_equal(p.data, q.data)
        fresh = SGD([nn.Parameter(tg.zeros(3)) for _ in range(2)], lr=self.lr, momentum=self.momentum)
        fresh.load_state_dict(back["opt"])
        assert fresh.state_dict()["param_groups"] == self.opt.state_dict()["param_groups"]
        self.opt.load_state_dict(back["opt"])  # loading our own state changes nothing

    @invariant()
    def grads_match_finite_differences(self):
        if not hasattr(self, "params"):
            return
        for p, e in zip(self.params, self.expected):
            if e is None:
                assert p.grad is None
            else:
                np.testing.assert_allclose(p.grad, e, rtol=1e-5, atol=1e-6)


TrainingMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=15)
test_training_workflow_fuzz = TrainingMachine.TestCase
