"""Adam, AdamW, RMSprop, Adagrad and Adadelta against their published update rules (PyTorch's
algorithm boxes), written out independently here in numpy, float64."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.optim import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop

# ---------------------------------------------------------------- references (the algorithm boxes)


def ref_adam(p, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             maximize=False, decoupled=False):
    b1, b2 = betas
    p = p.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    vmax = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay:
            if decoupled:
                p = p - lr * weight_decay * p
            else:
                g = g + weight_decay * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        if amsgrad:
            vmax = np.maximum(vmax, v)
            v_hat = vmax / (1 - b2**t)
        else:
            v_hat = v / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def ref_rmsprop(p, grads, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False, maximize=False):
    p = p.copy()
    v = np.zeros_like(p)
    g_ave = np.zeros_like(p)
    b = np.zeros_like(p)
    for g in grads:
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g**2
        v_tilde = v
        if centered:
            g_ave = alpha * g_ave + (1 - alpha) * g
            v_tilde = v - g_ave**2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            p = p - lr * b
        else:
            p = p - lr * g / (np.sqrt(v_tilde) + eps)
    return p


def ref_adagrad(p, grads, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                eps=1e-10, maximize=False):
    p = p.copy()
    state_sum = np.full_like(p, initial_accumulator_value)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        gamma = lr / (1 + (t - 1) * lr_decay)
        if weight_decay:
            g = g + weight_decay * p
        state_sum = state_sum + g**2
        p = p - gamma * g / (np.sqrt(state_sum) + eps)
    return p


def ref_adadelta(p, grads, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    p = p.copy()
    v = np.zeros_like(p)
    u = np.zeros_like(p)
    for g in grads:
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * p
        v = v * rho + g**2 * (1 - rho)
        dx = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = u * rho + dx**2 * (1 - rho)
        p = p - lr * dx
    return p


def ref_adamw(p, grads, weight_decay=1e-2, **kw):
    return ref_adam(p, grads, weight_decay=weight_decay, decoupled=True, **kw)


CASES = [
    (Adam, ref_adam, dict(lr=0.1)),
    (Adam, ref_adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.3)),
    (Adam, ref_adam, dict(lr=0.1, amsgrad=True)),
    (Adam, ref_adam, dict(lr=0.1, amsgrad=True, maximize=True, weight_decay=0.1)),
    (AdamW, ref_adamw, dict(lr=0.1)),
    (AdamW, ref_adamw, dict(lr=0.1, weight_decay=0.5, amsgrad=True)),
    (AdamW, ref_adamw, dict(lr=0.1, weight_decay=0.2, maximize=True)),
    (RMSprop, ref_rmsprop, dict()),
    (RMSprop, ref_rmsprop, dict(lr=0.05, alpha=0.9, eps=1e-4, weight_decay=0.1)),
    (RMSprop, ref_rmsprop, dict(lr=0.05, centered=True)),
    (RMSprop, ref_rmsprop, dict(lr=0.05, momentum=0.9)),
    (RMSprop, ref_rmsprop, dict(lr=0.05, momentum=0.5, centered=True, maximize=True)),
    (Adagrad, ref_adagrad, dict()),
    (Adagrad, ref_adagrad, dict(lr=0.5, lr_decay=0.3, weight_decay=0.1)),
    (Adagrad, ref_adagrad, dict(lr=0.5, initial_accumulator_value=0.7, eps=1e-3, maximize=True)),
    (Adadelta, ref_adadelta, dict()),
    (Adadelta, ref_adadelta, dict(lr=0.5, rho=0.5, eps=1e-3, weight_decay=0.2)),
    (Adadelta, ref_adadelta, dict(maximize=True)),
]
IDS = [f"{c.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}"
       for c, _, kw in CASES]


@pytest.mark.parametrize("cls, reference, kwargs", CASES, ids=IDS)
@pytest.mark.parametrize("shape", [(4,), (2, 3), ()])
def test_matches_published_formula(cls, reference, kwargs, shape):
    rng = np.random.default_rng(7)
    p0 = rng.standard_normal(shape)
    grads = [rng.standard_normal(shape) for _ in range(8)]
    p = tg.tensor(p0, requires_grad=True)
    opt = cls([p], **kwargs)
    for g in grads:
        p.grad = g
        opt.step()
    expected = reference(p0, grads, **kwargs)
    got = p.detach().numpy()
    assert got.shape == shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)
    assert np.all(np.abs(expected - p0) > 1e-6)  # the reference itself really moved


@pytest.mark.parametrize("cls, reference, kwargs", CASES[::3], ids=IDS[::3])
def test_with_real_backward_and_closure(cls, reference, kwargs):
    """f(w) = sum((w - c)^2): the reference recomputes the gradient 2 (w - c) itself."""
    c = np.array([1.0, -2.0, 0.5])
    w0 = np.array([0.3, 0.1, -0.4])
    w = tg.tensor(w0, requires_grad=True)
    target = tg.tensor(c)
    opt = cls([w], **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((w - target) ** 2).sum()
        loss.backward()
        return loss

    losses = [opt.step(closure).item() for _ in range(6)]
    points = [w0]  # the reference's iterates: each step's gradient is taken at the last one
    for _ in range(6):
        points.append(reference(w0, [2 * (q - c) for q in points], **kwargs))
    np.testing.assert_allclose(losses, [np.sum((q - c) ** 2) for q in points[:-1]], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), points[-1], rtol=1e-12, atol=1e-13)


STATE_NAMES = [
    (Adam, dict(), {"step", "exp_avg", "exp_avg_sq"}),
    (Adam, dict(amsgrad=True), {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    (AdamW, dict(amsgrad=True), {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    (RMSprop, dict(), {"step", "square_avg"}),
    (RMSprop, dict(momentum=0.9, centered=True), {"step", "square_avg", "momentum_buffer", "grad_avg"}),
    (Adagrad, dict(), {"step", "sum"}),
    (Adadelta, dict(), {"step", "square_avg", "acc_delta"}),
]


@pytest.mark.parametrize("cls, kwargs, names", STATE_NAMES)
def test_state_names_and_step_counter(cls, kwargs, names):
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = cls([p], **kwargs)
    for _ in range(3):
        p.grad = np.array([0.5, -1.0])
        opt.step()
    state = opt.state_dict()["state"]
    assert list(state) == [0] and set(state[0]) == names
    step = state[0]["step"]
    assert isinstance(step, tg.Value) and step.shape == () and step.dtype == np.float64
    assert step.item() == 3.0
    for k in names - {"step"}:
        assert isinstance(state[0][k], tg.Value) and state[0][k].shape == (2,)


def test_group_keys_and_adamw_is_decoupled():
    p = tg.zeros(2, requires_grad=True)
    assert set(Adam([p]).param_groups[0]) == {"params", "lr", "betas", "eps", "weight_decay",
                                              "amsgrad", "maximize", "decoupled_weight_decay"}
    assert AdamW([p]).param_groups[0]["decoupled_weight_decay"] is True
    assert AdamW([p]).param_groups[0]["weight_decay"] == 1e-2
    assert Adam([p]).param_groups[0]["weight_decay"] == 0
    assert Adadelta([p]).param_groups[0]["lr"] == 1.0
    assert Adam([p], betas=(0.5, 0.9)).param_groups[0]["betas"] == (0.5, 0.9)


@pytest.mark.parametrize("cls", [Adam, AdamW, RMSprop, Adadelta])
def test_param_without_grad_is_skipped_and_gets_no_state(cls):
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([1.0], requires_grad=True)
    opt = cls([a, b], lr=0.1)
    a.grad = np.array([1.0])
    opt.step()
    assert b.item() == 1.0 and b not in opt.state and a in opt.state
    assert a.item() != 1.0


def test_adagrad_state_is_made_eagerly_as_in_pytorch():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0], requires_grad=True)
    opt = Adagrad([a, b], lr=0.1, initial_accumulator_value=0.25)
    assert set(opt.state_dict()["state"]) == {0, 1}
    np.testing.assert_array_equal(opt.state[a]["sum"].numpy(), [0.25, 0.25])
    assert opt.state[a]["step"].item() == 0.0
    a.grad = np.array([1.0, 1.0])
    opt.step()
    assert b.item() == 3.0 and opt.state[b]["step"].item() == 0.0  # no grad: untouched
    assert opt.state[a]["step"].item() == 1.0
    c = tg.tensor([0.0], requires_grad=True)
    opt.add_param_group({"params": [c]})
    c.grad = np.array([2.0])
    opt.step()  # state made on the first step, from the constructor's initial value
    np.testing.assert_allclose(opt.state[c]["sum"].numpy(), [0.25 + 4.0])


def test_param_groups_get_their_own_hyperparameters():
    rng = np.random.default_rng(3)
    a0, b0 = rng.standard_normal(3), rng.standard_normal(2)
    a, b = tg.tensor(a0, requires_grad=True), tg.tensor(b0, requires_grad=True)
    opt = Adam([{"params": [a]}, {"params": [b], "lr": 0.5, "amsgrad": True}], lr=0.1)
    ga = [rng.standard_normal(3) for _ in range(4)]
    gb = [rng.standard_normal(2) for _ in range(4)]
    for x, y in zip(ga, gb):
        a.grad, b.grad = x, y
        opt.step()
    np.testing.assert_allclose(a.detach().numpy(), ref_adam(a0, ga, lr=0.1), rtol=1e-12)
    np.testing.assert_allclose(b.detach().numpy(), ref_adam(b0, gb, lr=0.5, amsgrad=True),
                               rtol=1e-12)


def test_float32_parameters_stay_float32():
    p = tg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    opt = Adam([p], lr=0.1)
    p.grad = np.array([1.0, -1.0], dtype=np.float32)
    opt.step()
    assert p.dtype == np.float32 and opt.state[p]["exp_avg"].dtype == np.float32
    np.testing.assert_allclose(p.detach().numpy(), [0.9, 2.1], rtol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda p: Adam(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda p: Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda p: Adam(p, betas=0.9), "betas must be a pair of floats"),
    (lambda p: Adam(p, weight_decay=-0.5), "Invalid weight_decay value: -0.5"),
    (lambda p: AdamW(p, lr=float("nan")), "Invalid learning rate: nan"),
    (lambda p: AdamW(p, betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    (lambda p: RMSprop(p, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda p: RMSprop(p, alpha=-0.1), "Invalid alpha value: -0.1"),
    (lambda p: RMSprop(p, eps=-1.0), "Invalid epsilon value: -1.0"),
    (lambda p: RMSprop(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: RMSprop(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: Adagrad(p, initial_accumulator_value=-1),
     "Invalid initial_accumulator_value value: -1"),
    (lambda p: Adagrad(p, eps=-1), "Invalid epsilon value: -1"),
    (lambda p: Adagrad(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: Adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
    (lambda p: Adadelta(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: Adadelta(p, eps=-1), "Invalid epsilon value: -1"),
    (lambda p: Adam([{"params": p}, {"params": [tg.zeros(1, requires_grad=True)], "lr": -2}]),
     "Invalid learning rate: -2"),
    (lambda p: SGD(p, lr=-1), "Invalid learning rate: -1"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        make([tg.zeros(2, requires_grad=True)])


def test_bad_group_added_later_leaves_optimizer_unchanged():
    opt = RMSprop([tg.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="Invalid alpha value: -1"):
        opt.add_param_group({"params": [tg.zeros(1, requires_grad=True)], "alpha": -1})
    assert len(opt.param_groups) == 1
