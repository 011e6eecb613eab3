"""Names no family module tests and the surface sweep cannot call with a standard call, side by side
with PyTorch: for each, a program (value, gradient where one exists, dtype) and one bad call (the
same builtin exception class and key words). The differences from PyTorch found here are cases
marked ``xfail`` (strict) with the reason: ``KNOWN`` for the table's own cases, ``DIFFERENCES``
for the calls beside them."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import check, check_raises, f64  # noqa: E402

X = [[0.3, 0.7, 0.45], [0.55, 0.2, 0.65]]
Y = [[0.6, 0.25], [0.4, 0.9], [0.15, 0.35]]
V = [0.5, -1.5, 2.0]
W = [1.5, 0.25]


def _grads(T, out, *inputs):
    """Gradients of ``(out * a fixed upstream gradient).sum()`` with respect to ``inputs``."""
    up = T.arange(out.numel(), dtype=T.float64).reshape(out.shape) * 0.25 - 0.6
    return list(T.autograd.grad((out * up).sum(), list(inputs), retain_graph=True, allow_unused=True))


def _f32(T, data):
    return T.tensor(data, dtype=T.float32)


# ---------------------------------------------------------------- programs (value, gradient, dtype)

def _matmul(T, how):
    a, b, v = f64(T, X, True), f64(T, Y, True), f64(T, V, True)
    mm = (lambda p, q: p.matmul(q)) if how == "method" else T.matmul
    outs = [mm(a, b), mm(a, v), mm(v, b), mm(v, v), mm(T.stack([a, a * 2]), b)]
    grads = [_grads(T, o, a, b, v) for o in outs]
    dtypes = [mm(_f32(T, X), _f32(T, Y)).dtype, mm(T.tensor([[1, 2]]), T.tensor([[3], [4]])).dtype,
              mm(T.tensor([[1, 2]]), T.tensor([[3], [4]])), mm(_f32(T, V), _f32(T, V)).dtype]
    return outs, grads, dtypes


def _ger(T, how):
    v, w = f64(T, V, True), f64(T, W, True)
    ger = (lambda p, q: p.ger(q)) if how == "method" else T.ger
    out = ger(v, w)
    return out, _grads(T, out, v, w), ger(_f32(T, V), _f32(T, W)).dtype, ger(T.tensor([1, 2]), T.tensor([3]))


def _view(T):
    a = f64(T, X, True)
    y = a * 1.0
    outs = [y.view(6), y.view(3, 2), y.view(-1, 3), y.view((3, -1)), y.view([1, 6, 1]), y.view(1, 2, 3)[0]]
    grads = [_grads(T, o, a) for o in outs]
    z = f64(T, X)
    shared = z.view(3, 2)
    shared[0, 1] = 100.0  # a view shares its base's numbers
    return outs, grads, z, _f32(T, X).view(6).dtype, T.tensor([[1, 2], [3, 4]]).view(4)


def _reshape_fn(T):
    a = f64(T, X, True)
    outs = [T.reshape(a, (6,)), T.reshape(a, (3, -1)), T.reshape(a, [1, 3, 2]), T.reshape(a[0, 0], (1, 1))]
    grads = [_grads(T, o, a) for o in outs]
    return outs, grads, T.reshape(_f32(T, X), (-1,)).dtype, T.reshape(T.tensor([[True], [False]]), (2,))


def _concatenate(T):
    a, b = f64(T, X, True), f64(T, [[1.0, 2.0, 3.0]], True)
    outs = [T.concatenate([a, b]), T.concatenate((a, a * 2), dim=1), T.concatenate([a, a], axis=-1),
            T.concatenate([b])]
    grads = [_grads(T, o, a, b) for o in outs]
    ints = T.concatenate([T.tensor([1, 2]), T.tensor([3])])
    return outs, grads, ints, T.concatenate([_f32(T, V), _f32(T, V)]).dtype


def _addmm_(T):
    c, m1, m2 = f64(T, [[1.0, -1.0], [0.5, 2.0]], True), f64(T, X, True), f64(T, Y, True)
    outs = [(c * 1.0).addmm_(m1, m2), (c * 1.0).addmm_(m1, m2, beta=0.5, alpha=-2.0),
            (c * 1.0).addmm_(m1, m2, alpha=0)]
    grads = [_grads(T, o, c, m1, m2) for o in outs]
    y = _f32(T, [[1.0, 1.0], [1.0, 1.0]])
    same = y.addmm_(_f32(T, X), _f32(T, Y))
    ints = T.tensor([[1, 2], [3, 4]]).addmm_(T.tensor([[1, 0], [0, 1]]), T.tensor([[2, 0], [0, 2]]))
    return outs, grads, same is y, y, ints


def _scatter_add_(T):
    base, src = f64(T, X, True), f64(T, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], True)
    idx = T.tensor([[1, 0, 1], [0, 0, 1]])
    outs = [(base * 1.0).scatter_add_(0, idx, src), (base * 1.0).scatter_add_(1, idx[:, :2], src[:, :2]),
            (base * 1.0).scatter_add_(-1, T.tensor([[2], [2]]), src[:, :1])]
    grads = [_grads(T, o, base, src) for o in outs]
    z = T.zeros(4, dtype=T.int64)
    same = z.scatter_add_(0, T.tensor([1, 1, 3]), T.tensor([5, 6, 7]))
    return outs, grads, same is z, z, _f32(T, V).scatter_add_(0, T.tensor([0]), _f32(T, [1.0])).dtype


def _fill_fn(T):
    a, w = f64(T, X, True), f64(T, 2.5, True)
    y = a * 1.0
    out = T.fill_(y, w)  # a 0-d value tensor: its gradient is the sum of the upstream gradient
    z = a * 2.0
    out2 = T.fill_(z, -1.0)
    g = _grads(T, out, a, w) + _grads(T, out2, a)
    i = T.tensor([1, 2, 3])
    same = T.fill_(i, 2.7)  # cast to the tensor's dtype
    return out, out2, g, out is y, same is i, i, T.fill_(_f32(T, V), 1.0).dtype


def _zero_fn(T):
    a = f64(T, X, True)
    y = a * 3.0
    out = T.zero_(y)
    i = T.tensor([True, False])
    return out, _grads(T, out, a), out is y, T.zero_(i), T.zero_(_f32(T, V)).dtype


def _detach_fn(T):
    w = f64(T, V, True)
    h = w * 2.0
    z = (h * 3.0).sum()  # h itself is not saved for backward
    out = T.detach_(h)
    before = (out is h, h.requires_grad, h.grad_fn is None, h.is_leaf)
    z.backward()  # detach_ cuts h from the graph; the graph already built still runs
    leaf = f64(T, W)
    return before, h, w.grad, T.detach_(leaf) is leaf, T.detach_(_f32(T, V)).dtype


def _compile_fn(T):
    kw = {"backend": "eager"} if T is torch else {}  # torch's default backend needs a C++ compiler
    w = f64(T, V, True)

    def step(x):  # a training step: backward inside, the parameter read from the closure
        y = (x * w).tanh().sum(dim=1)
        loss = (y * y).mean()
        loss.backward()
        return loss.detach()

    fn = T.compile(step, **kw)
    out = []
    for scale in (1.0, 2.0, -0.5):  # the first call traces, the others replay
        w.grad = None
        out.append((fn(f64(T, X) * scale), w.grad.clone()))
    with T.no_grad():
        dtype = T.compile(lambda a: (a * 2.0).tanh(), **kw)(_f32(T, V)).dtype
    return out, dtype


def _vmap(T):
    x, w = f64(T, X, True), f64(T, [0.5, 1.5, 2.0], True)
    outs = [T.vmap(lambda r: (r * w).exp().sum())(x), T.vmap(lambda r, v: r @ v, in_dims=(0, None))(x, w),
            T.vmap(lambda r: r.tanh(), in_dims=1)(x), T.vmap(lambda r: r * 2.0, out_dims=1)(x),
            T.vmap(lambda a, b: a * b + a.sum())(x, f64(T, Y).t())]
    grads = [_grads(T, o, x, w) for o in outs]
    ints = T.vmap(lambda r: r * 2)(T.tensor([[1, 2]]))
    return outs, grads, T.vmap(lambda r: r.sum())(_f32(T, X)).dtype, ints


def _functional(T, name):
    F = T.nn.functional
    a = f64(T, [[-3.0, -0.2, 0.0], [0.4, 1.5, 30.0]], True)
    out = getattr(F, name)(a)
    return out, _grads(T, out, a), getattr(F, name)(_f32(T, V)).dtype


def _flatten(T):
    a = f64(T, [[[0.1 * (i + j + k) for k in range(4)] for j in range(3)] for i in range(2)], True)
    outs = [T.nn.Flatten()(a), T.nn.Flatten(0, 1)(a), T.nn.Flatten(0, -1)(a), T.nn.Flatten(start_dim=2)(a),
            T.nn.Flatten(-2, -1)(a[0])]
    grads = [_grads(T, o, a) for o in outs]
    m = T.nn.Flatten(0, 2)
    return outs, grads, T.nn.Flatten()(_f32(T, X)).dtype, repr(m), list(m.parameters())


def _identity(T):
    a = f64(T, X, True)
    m = T.nn.Identity(3, unused="argument")  # its arguments are accepted and ignored
    out = m(a * 2.0)
    i = T.tensor([1, 2])
    return (out, _grads(T, out, a), m(i) is i, m(_f32(T, V)).dtype, repr(m), list(m.parameters()))


def _sigmoid_module(T):
    a = f64(T, [[-3.0, -0.2, 0.0], [0.4, 1.5, 30.0]], True)
    m = T.nn.Sigmoid()
    out = m(a)
    return out, _grads(T, out, a), m(_f32(T, V)).dtype, repr(m), list(m.parameters())


def _lr_scheduler_base(T):
    S = T.optim.lr_scheduler

    class Half(S.LRScheduler):
        def get_lr(self):
            return [g["lr"] * 0.5 for g in self.optimizer.param_groups]

    opt = _opt(T)
    s = Half(opt)
    lrs = [s.get_last_lr()]
    for _ in range(4):
        opt.step()
        s.step()
        lrs.append(s.get_last_lr())
    keys = sorted(k for k in s.state_dict() if k != "_get_lr_called_within_step")  # torch's internal flag
    made = [S.StepLR(_opt(T), 2), S.ExponentialLR(_opt(T), 0.5), S.LambdaLR(_opt(T), lambda e: 1.0)]
    builtin = [isinstance(m, S.LRScheduler) for m in made]
    return lrs, s.last_epoch, s.base_lrs, keys, [g["lr"] for g in opt.param_groups], builtin


def _opt(T):
    return T.optim.SGD([{"params": [T.zeros(1, requires_grad=True)], "lr": lr} for lr in (0.1, 0.02)])


def _sched(T):
    return T.optim.lr_scheduler


def _beta0(T):
    c = f64(T, [[1.0, -1.0], [0.5, 2.0]], True)
    return T.autograd.grad((c * 1.0).addmm_(f64(T, X), f64(T, Y), beta=0).sum(), [c], allow_unused=True)


def _detach_saved(T):
    w = f64(T, V, True)
    h = w * 2.0
    z = (h * h).sum()
    T.detach_(h)
    z.backward()


# group, name -> (program, bad call, key words of the error)
CASES: dict[tuple[str, str], tuple] = {
    ("Tensor methods", "matmul"): (
        lambda T: _matmul(T, "method"), lambda T: f64(T, X).matmul(f64(T, X)),
        ["shapes cannot be multiplied", "2x3"]),
    ("torch functions", "matmul"): (
        lambda T: _matmul(T, "function"), lambda T: T.matmul(f64(T, X), f64(T, 1.0)),
        ["both arguments to matmul need to be at least 1D"]),
    ("Tensor methods", "ger"): (
        lambda T: _ger(T, "method"), lambda T: f64(T, V).ger(f64(T, X)),
        ["outer", "Expected 1-D argument vec2"]),
    ("torch functions", "ger"): (
        lambda T: _ger(T, "function"), lambda T: T.ger(f64(T, X), f64(T, V)),
        ["outer", "Expected 1-D argument self"]),
    ("Tensor methods", "view"): (
        _view, lambda T: f64(T, X).view(4, 2), ["shape '[4, 2]' is invalid", "size 6"]),
    ("torch functions", "reshape"): (
        _reshape_fn, lambda T: T.reshape(f64(T, X), (-1, -1)), ["only one dimension can be inferred"]),
    ("torch functions", "concatenate"): (
        _concatenate, lambda T: T.concatenate([f64(T, X), f64(T, V)]),
        ["Tensors must have same number of dimensions", "got 2 and 1"]),
    ("Tensor methods", "addmm_"): (
        _addmm_, lambda T: f64(T, [[1.0, 1.0]] * 2).addmm_(f64(T, X), f64(T, X)),
        ["shapes cannot be multiplied", "2x3 and 2x3"]),
    ("Tensor methods", "scatter_add_"): (
        _scatter_add_, lambda T: f64(T, X).scatter_add_(0, T.tensor([[0, 5]]), f64(T, [[1.0, 2.0]])),
        ["index 5 is out of bounds for dimension 0 with size 2"]),
    ("torch functions", "fill_"): (
        _fill_fn, lambda T: T.fill_(f64(T, V), f64(T, W)),
        ["fill_ only supports 0-dimension value tensor", "1 dimensions"]),
    ("torch functions", "zero_"): (
        _zero_fn, lambda T: T.zero_(f64(T, V, True)),
        ["a leaf Variable that requires grad is being used in an in-place operation"]),
    ("torch functions", "detach_"): (
        _detach_fn, lambda T: T.detach_(f64(T, V), 1),
        ["detach_() takes 1 positional argument but 2 were given"]),
    ("torch functions", "vmap"): (
        _vmap, lambda T: T.vmap(lambda a, b: a + b)(f64(T, X), f64(T, Y)),
        ["vmap: Expected all tensors to have the same size in the mapped dimension", "got sizes [2, 3]"]),
    ("torch functions", "compile"): (_compile_fn, lambda T: T.compile(123), ["callable"]),
    ("nn.functional", "sigmoid"): (
        lambda T: _functional(T, "sigmoid"), lambda T: T.nn.functional.sigmoid([0.5]),
        ["'list' object has no attribute 'sigmoid'"]),
    ("nn.functional", "tanh"): (
        lambda T: _functional(T, "tanh"), lambda T: T.nn.functional.tanh([0.5]),
        ["'list' object has no attribute 'tanh'"]),
    ("nn modules", "Flatten"): (
        _flatten, lambda T: T.nn.Flatten(2, 1)(f64(T, [[[1.0]]])),
        ["flatten() has invalid args: start_dim cannot come after end_dim"]),
    ("nn modules", "Identity"): (
        _identity, lambda T: T.nn.Identity()(f64(T, V), f64(T, V)),
        ["forward() takes 2 positional arguments but 3 were given"]),
    ("nn modules", "Sigmoid"): (
        _sigmoid_module, lambda T: T.nn.Sigmoid(3),
        ["__init__() takes 1 positional argument but 2 were given"]),
    ("optim + lr_scheduler", "lr_scheduler.LRScheduler"): (
        _lr_scheduler_base, lambda T: _sched(T).LRScheduler(_opt(T)).step(), []),
    # the schedules' values are test_optim_conf's; their bad calls are here
    ("optim + lr_scheduler", "lr_scheduler.StepLR"): (
        None, lambda T: _sched(T).StepLR("sgd", 3), ["str is not an Optimizer"]),
    ("optim + lr_scheduler", "lr_scheduler.MultiStepLR"): (
        None, lambda T: _sched(T).MultiStepLR(_opt(T), [3], last_epoch=4),
        ["param 'initial_lr' is not specified in param_groups[0]", "last_epoch >= 0"]),
    ("optim + lr_scheduler", "lr_scheduler.LambdaLR"): (
        None, lambda T: _sched(T).LambdaLR(_opt(T), [lambda e: 1.0]), ["Expected 2 lr_lambdas, but got 1"]),
    ("optim + lr_scheduler", "lr_scheduler.ExponentialLR"): (
        None, lambda T: _sched(T).ExponentialLR(_opt(T)),
        ["missing 1 required positional argument: 'gamma'"]),
    ("optim + lr_scheduler", "lr_scheduler.CosineAnnealingLR"): (
        None, lambda T: _sched(T).CosineAnnealingLR(_opt(T)),
        ["missing 1 required positional argument: 'T_max'"]),
}

# (group, name, what) -> reason: differences from PyTorch in the table's cases, still open
KNOWN: dict[tuple[str, str, str], str] = {}

# differences found beside the table's cases: (label, program, words (None: compare values), reason)
DIFFERENCES = [
    ("view of a non-contiguous tensor", lambda T: f64(T, X).t().view(6),
     ["view size is not compatible with input tensor's size and stride"],
     "tinygrad_edu has no strides: view is reshape, so a transposed tensor can be viewed"),
    ("view(dtype)", lambda T: f64(T, X).view(T.int64), None,
     "view(dtype) (reinterpreting the bytes) is not supported: ours raises TypeError"),
    ("detach_ of a view", lambda T: T.detach_(f64(T, V, True)[:2]), ["Can't detach views in-place"],
     "tinygrad_edu detaches a view in place; PyTorch refuses"),
    ("scatter_add_ src with more dims than index",
     lambda T: f64(T, X).scatter_add_(0, T.tensor([[0, 1]]), f64(T, [[[1.0]]])),
     ["Index tensor must have the same number of dimensions as src tensor"],
     "ours raises RuntimeError from a size check, without the dimension-count words"),
    ("concatenate int64 with float32", lambda T: T.concatenate([T.tensor([1, 2]), _f32(T, [0.5])]).dtype,
     None, "cat/concatenate/stack of int64 and float32 give float64 (PyTorch promotes to float32)"),
    ("addmm_ with beta=0: gradient of self", _beta0, None,
     "ours returns no gradient (None) for self when beta=0; PyTorch returns zeros"),
    ("detach_ of a tensor saved for backward", _detach_saved, ["detached in-place"],
     "ours lets backward read a saved tensor detached in place; PyTorch raises"),
    ("detach_ of a list", lambda T: T.detach_([1.0]), ["must be Tensor, not list"],
     "ours returns the list unchanged; PyTorch raises TypeError"),
    ("nn.Sigmoid on a list", lambda T: T.nn.Sigmoid()([0.5]), ["must be Tensor, not list"],
     "ours raises AttributeError ('list' object has no attribute 'sigmoid'); PyTorch TypeError"),
]

COVERED: dict[str, list[str]] = {}
for _group, _name in CASES:
    COVERED.setdefault(_group, []).append(_name)


def _params(pairs, what):
    return [pytest.param(g, n, id=f"{g.split()[0]}.{n}",
                         marks=[pytest.mark.xfail(reason=KNOWN[g, n, what], strict=True)]
                         if (g, n, what) in KNOWN else []) for g, n in pairs]


@pytest.mark.parametrize("group,name", _params([k for k, v in CASES.items() if v[0] is not None], "value"))
def test_value_gradient_dtype(group, name):
    check(CASES[group, name][0])


@pytest.mark.parametrize("group,name", _params(list(CASES), "bad call"))
def test_bad_call(group, name):
    _, bad, words = CASES[group, name]
    check_raises(bad, *words)


@pytest.mark.parametrize("program,words", [
    pytest.param(p, w, id=label, marks=pytest.mark.xfail(reason=reason, strict=True))
    for label, p, w, reason in DIFFERENCES])
def test_known_difference(program, words):
    """Each must agree with PyTorch (its error, or its value where words is None); all fail for now."""
    if words is None:
        check(program)
    else:
        check_raises(program, *words)
