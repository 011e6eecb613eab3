"""The learner's network and optimizer: ``Module`` and ``Linear``, an ``MLP``, SGD, and SGD with momentum
built on the learner's own ``sgd_step``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import CheckError, T, call, compare, matches
from ._step import Step, owned

__all__ = ["MODULE", "MLP", "SGD", "MOMENTUM"]

MODULE_BODY = '''\
import numpy as np

from [[value_matmul]] import Value, as_value


class Module:
    def parameters(self):
        """Every Value this module learns, in the order its attributes were set: its own Values,
        and the parameters of its sub-Modules (also those held in a list)."""
        # TODO: parameters
        raise NotImplementedError("TODO: parameters")

    def zero_grad(self):
        for p in self.parameters():
            p.grad = np.zeros_like(p.data)

    def __call__(self, x):
        return self.forward(x)


class Linear(Module):
    """y = x @ weight + bias, x of shape (batch, nin). weight is (nin, nout): the transpose of
    PyTorch's layout, so that no transpose op is needed."""

    def __init__(self, nin, nout, rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        self.weight = Value(rng.uniform(-1, 1, (nin, nout)))
        self.bias = Value(np.zeros(nout))

    def forward(self, x):
        # TODO: forward
        raise NotImplementedError("TODO: forward")
'''


def _grads_vs_oracle(what: str, got_params: list, want_grads: list, hint: str) -> None:
    for i, (p, w) in enumerate(zip(got_params, want_grads)):
        compare(T(f"{what}: the grad of parameter {i}", f"{what}：第 {i} 个参数的梯度"), p.grad, w, hint)


def _check_module(sol: Any) -> None:
    owned(sol, "Module", "Linear")
    import tinygrad_edu as tg
    layer = call("Linear(3, 2)", sol.Linear, 3, 2)
    params = call("Linear(3, 2).parameters()", layer.parameters)
    if (not isinstance(params, list) or len(params) != 2 or params[0] is not layer.weight
            or params[1] is not layer.bias):
        raise CheckError(T(f"Linear(3, 2).parameters() should be [weight, bias] (a list of the Values "
                           f"themselves), received {params!r}",
                           f"Linear(3, 2).parameters() 应该是 [weight, bias]（Value 本身组成的列表），"
                           f"得到的是 {params!r}"))

    class Two(sol.Module):
        def __init__(self) -> None:
            self.first = sol.Linear(3, 4)
            self.scale = sol.Value(2.0)
            self.rest = [sol.Linear(4, 2), sol.Linear(2, 1)]

    two = Two()
    got = call("parameters() of a Module holding a Linear, a Value and a list of two Linears",
               two.parameters)
    want = [two.first.weight, two.first.bias, two.scale] + [p for m in two.rest for p in (m.weight, m.bias)]
    if not isinstance(got, list) or len(got) != len(want) or any(a is not b for a, b in zip(got, want)):
        raise CheckError(T(f"parameters() of a Module holding a Linear, a Value and a list of two Linears "
                           f"should list {len(want)} Values in attribute order, received {len(got)}: look "
                           f"into sub-Modules and into lists too.",
                           f"一个含有一个 Linear、一个 Value 和两个 Linear 组成的列表的 Module，其 "
                           f"parameters() "
                           f"应按属性顺序列出 {len(want)} 个 Value，得到的是 {len(got)} 个：子 Module "
                           f"和列表里"
                           f"也要找。"))
    rng = np.random.default_rng(2024)
    x = rng.uniform(-1, 1, (5, 3))
    out = call("Linear(3, 2)(x)", layer, sol.Value(x))
    want_out = x @ layer.weight.data + layer.bias.data
    compare(T("Linear(3, 2)(x) for x of shape (5, 3)", "Linear(3, 2)(x)，x 的形状是 (5, 3)"),
            getattr(out, "data", out), want_out, T("forward is x @ self.weight + self.bias.",
                                                   "forward 是 x @ self.weight + self.bias。"))
    t = tg.tensor(x)
    tw = tg.tensor(layer.weight.data, requires_grad=True)
    tb = tg.tensor(layer.bias.data, requires_grad=True)
    ((t @ tw + tb) ** 2).sum().backward()
    (out ** 2).sum().backward()
    _grads_vs_oracle("((Linear(3, 2)(x)) ** 2).sum().backward()", [layer.weight, layer.bias],
                     [tw.grad.numpy(), tb.grad.numpy()], "")
    layer.zero_grad()
    if np.any(layer.weight.grad != 0) or np.any(layer.bias.grad != 0):
        raise CheckError(T("zero_grad() should leave every grad 0", "zero_grad() 之后每个梯度都应为 0"))


MODULE = Step(
    "module_linear", ("Module and Linear", "Module 和 Linear"),
    ("a Module finds its parameters by looking through its attributes (and its sub-Modules'), so a model "
     "is written once and the optimizer sees every weight",
     "Module 通过查看自己（和子 Module）的属性找到参数，所以模型只写一次，优化器就能看到每个权重"),
    ("Your engine can differentiate anything you compute. To train, gather\n"
     "the Values to learn: a Module lists them by looking through its\n"
     "attributes, into sub-Modules and lists (as torch.nn.Module does).\n"
     "Linear is the layer x @ weight + bias.\n\n"
     "Task: Module.parameters() and Linear.forward.",
     "你的引擎能对你算的任何东西求导。要训练，先把要学习的 Value 收集起来：Module 通过查看\n"
     "自己的属性、子 Module 和列表把它们列出来（像 torch.nn.Module 那样）。Linear 就是\n"
     "x @ weight + bias 这一层。\n\n"
     "任务：写出 Module.parameters() 和 Linear.forward。"),
    MODULE_BODY,
    {"TODO: parameters": """\
params = []
for value in vars(self).values():
    for item in (value if isinstance(value, (list, tuple)) else [value]):
        if isinstance(item, Value):
            params.append(item)
        elif isinstance(item, Module):
            params.extend(item.parameters())
return params""",
     "TODO: forward": "return as_value(x) @ self.weight + self.bias"},
    [("vars(self) holds a module's attributes in the order they were set. Which of them are parameters, "
      "and which hold more parameters inside?",
      "vars(self) 按设置顺序保存模块的属性。其中哪些是参数，哪些里面还装着参数？"),
     ("Loop over vars(self).values(); treat a list as its items; keep each Value, and extend with "
      "item.parameters() for each Module. forward: x @ weight + bias (x may be a plain array: as_value).",
      "遍历 vars(self).values()；列表就看它的元素；Value 直接收下，Module 就接上 item.parameters()。"
      "forward：x @ weight + bias（x 可能是普通数组：用 as_value）。"),
     ("params = []\nfor value in vars(self).values():\n"
      "    for item in (value if isinstance(value, (list, tuple)) else [value]):\n"
      "        if isinstance(item, Value): params.append(item)\n"
      "        elif isinstance(item, Module): params.extend(item.parameters())\nreturn params\n"
      "forward: return as_value(x) @ self.weight + self.bias",
      "params = []\nfor value in vars(self).values():\n"
      "    for item in (value if isinstance(value, (list, tuple)) else [value]):\n"
      "        if isinstance(item, Value): params.append(item)\n"
      "        elif isinstance(item, Module): params.extend(item.parameters())\nreturn params\n"
      "forward：return as_value(x) @ self.weight + self.bias")],
    _check_module, needs=("value_matmul",))

# ---- MLP -----------------------------------------------------------------------------------------

MLP_BODY = '''\
import numpy as np

from [[module_linear]] import Linear, Module, Value, as_value


class MLP(Module):
    """Linear layers nin -> nouts[0] -> nouts[1] -> ..., a relu after every layer but the last."""

    def __init__(self, nin, nouts, rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        sizes = [nin] + list(nouts)
        self.layers = [Linear(sizes[i], sizes[i + 1], rng) for i in range(len(nouts))]

    def forward(self, x):
        # TODO: forward
        raise NotImplementedError("TODO: forward")
'''


def _tg_mlp(x: np.ndarray, params: list[np.ndarray]) -> tuple[Any, list]:
    import tinygrad_edu as tg
    ts = [tg.tensor(p, requires_grad=True) for p in params]
    h = tg.tensor(x)
    for i in range(0, len(ts), 2):
        h = h @ ts[i] + ts[i + 1]
        if i + 2 < len(ts):
            h = h.relu()
    return h, ts


def _check_mlp(sol: Any) -> None:
    owned(sol, "MLP")
    rng = np.random.default_rng(2025)
    model = call("MLP(2, [16, 16, 1])", sol.MLP, 2, [16, 16, 1])
    params = call("MLP(2, [16, 16, 1]).parameters()", model.parameters)
    if len(params) != 6:
        raise CheckError(T(f"MLP(2, [16, 16, 1]) should have 6 parameters (a weight and a bias per layer), "
                           f"received {len(params)}", f"MLP(2, [16, 16, 1]) 应有 6 "
                                                      f"个参数（每层一个权重、一个偏置），"
                           f"得到的是 {len(params)} 个"))
    for p in params:
        p.data = rng.uniform(-1, 1, p.data.shape)
    x = rng.uniform(-2, 2, (7, 2))
    out = call("model(x)", model, sol.Value(x))
    want, ts = _tg_mlp(x, [p.data for p in params])
    n_relu = sum(1 for _ in range(2))
    compare(T("MLP(2, [16, 16, 1])(x), x of shape (7, 2)", "MLP(2, [16, 16, 1])(x)，x 的形状是 (7, 2)"),
            getattr(out, "data", out), want.detach().numpy(),
            T(f"call each layer in turn, with .relu() after every layer but the last ({n_relu} relus here).",
              f"依次调用每一层，除最后一层外每层后面接 .relu()（这里共 {n_relu} 个 relu）。"))
    (out * out).mean().backward()
    (want * want).mean().backward()
    _grads_vs_oracle("(model(x) * model(x)).mean().backward()", params, [t.grad.numpy() for t in ts], "")


MLP = Step(
    "mlp", ("A multilayer perceptron", "多层感知机"),
    ("an MLP is Linear layers with a nonlinearity between them; the last layer has none, so its output "
     "is a free score",
     "多层感知机就是若干 Linear 层，层与层之间夹一个非线性；最后一层不加，输出是一个不受限的分数"),
    ("Stack Linear layers with relu between them: micrograd's MLP(2, [16,\n"
     "16, 1]) is 2 inputs, two hidden layers of 16 and one output score.\n"
     "No relu after the last layer.\n\n"
     "Task: MLP.forward.",
     "把 Linear 层叠起来，中间夹 relu：micrograd 的 MLP(2, [16, 16, 1]) 是 2 个输入、\n"
     "两个 16 单元的隐藏层和一个输出分数。最后一层后面不加 relu。\n\n"
     "任务：写出 MLP.forward。"),
    MLP_BODY,
    {"TODO: forward": "for i, layer in enumerate(self.layers):\n    x = layer(x)\n"
                      "    if i < len(self.layers) - 1:\n        x = x.relu()\nreturn x"},
    [("Feed x through every layer in turn. Which layer must not be followed by the nonlinearity?",
      "让 x 依次穿过每一层。哪一层后面不能接非线性？"),
     ("Loop with enumerate(self.layers): x = layer(x), and x = x.relu() unless it was the last layer.",
      "用 enumerate(self.layers) 循环：x = layer(x)，不是最后一层就再 x = x.relu()。"),
     ("for i, layer in enumerate(self.layers):\n    x = layer(x)\n    if i < len(self.layers) - 1:\n"
      "        x = x.relu()\nreturn x",
      "for i, layer in enumerate(self.layers):\n    x = layer(x)\n    if i < len(self.layers) - 1:\n"
      "        x = x.relu()\nreturn x")],
    _check_mlp, needs=("module_linear",))

# ---- SGD -----------------------------------------------------------------------------------------

SGD_BODY = '''\
import numpy as np

from [[mlp]] import MLP, Linear, Module, Value, as_value


class SGD:
    """Plain gradient descent: p = p - lr * grad for every parameter p."""

    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        # TODO: zero_grad
        raise NotImplementedError("TODO: zero_grad")

    def step(self):
        # TODO: step
        raise NotImplementedError("TODO: step")
'''


def _check_sgd(sol: Any) -> None:
    owned(sol, "SGD")
    rng = np.random.default_rng(2026)
    ps = [sol.Value(rng.uniform(-1, 1, s)) for s in ((3,), (2, 2), ())]
    opt = call("SGD(params, lr=0.1)", sol.SGD, ps, lr=0.1)
    for k in range(3):
        grads = [rng.standard_normal(p.data.shape) for p in ps]
        before = [p.data.copy() for p in ps]
        for p, g in zip(ps, grads):
            p.grad = g.copy()
        call("opt.step()", opt.step)
        for i, (p, b, g) in enumerate(zip(ps, before, grads)):
            tip = (T("step the OTHER way: p.data - lr * p.grad (downhill).", "方向反了：p.data - lr * "
                                                                             "p.grad（下山）。")
                   if matches(p.data, b + 0.1 * g) else T("p.data = p.data - self.lr * p.grad",
                                                          "p.data = p.data - self.lr * p.grad"))
            compare(T(f"parameter {i} after step {k + 1}", f"第 {k + 1} 步后的第 {i} "
                                                           f"个参数"), p.data, b - 0.1 * g, tip)
        call("opt.zero_grad()", opt.zero_grad)
        for i, p in enumerate(ps):
            compare(T(f"parameter {i}'s grad after zero_grad()", f"zero_grad() 后第 {i} "
                                                                 f"个参数的梯度"), p.grad,
                    np.zeros(p.data.shape), T("set every p.grad to zeros of p's shape.",
                                              "把每个 p.grad 设成与 p 同形状的零。"))


SGD = Step(
    "sgd", ("SGD", "随机梯度下降 SGD"),
    ("an optimizer owns the list of parameters: step() moves each one against its gradient, zero_grad() "
     "clears the gradients that backward accumulates",
     "优化器持有参数列表：step() 让每个参数沿梯度的反方向走一步，zero_grad() 清掉 backward 累加的梯度"),
    ("backward ADDS into .grad, so gradients pile up across steps unless you\n"
     "clear them. An optimizer holds the parameters: zero_grad() clears, and\n"
     "step() moves each parameter downhill: p = p - lr * grad.\n\n"
     "Task: zero_grad and step.",
     "backward 是把梯度累加进 .grad 的，所以不清零的话，梯度会一步步堆起来。优化器持有参数：\n"
     "zero_grad() 清零，step() 让每个参数往下坡走：p = p - lr * grad。\n\n"
     "任务：写出 zero_grad 和 step。"),
    SGD_BODY,
    {"TODO: zero_grad": "for p in self.params:\n    p.grad = np.zeros_like(p.data)",
     "TODO: step": "for p in self.params:\n    p.data = p.data - self.lr * p.grad"},
    [("Which way is downhill, and how far does one step go?", "哪边是下坡，一步走多远？"),
     ("zero_grad: every p.grad becomes zeros of p's shape. step: every p.data moves by lr times p.grad, "
      "against the gradient.", "zero_grad：每个 p.grad 变成与 p 同形状的零。step：每个 p.data 逆着梯度挪 "
                               "lr 乘以 p.grad。"),
     ("zero_grad: for p in self.params: p.grad = np.zeros_like(p.data)\n"
      "step:      for p in self.params: p.data = p.data - self.lr * p.grad",
      "zero_grad：for p in self.params: p.grad = np.zeros_like(p.data)\n"
      "step：     for p in self.params: p.data = p.data - self.lr * p.grad")],
    _check_sgd, needs=("mlp",))

# ---- SGD with momentum ---------------------------------------------------------------------------

MOMENTUM_BODY = '''\
import numpy as np

from [[sgd]] import MLP, Linear, Module, Value, as_value
from [[sgd_momentum]] import sgd_step


class SGD:
    """torch.optim.SGD: lr, momentum, dampening, weight_decay, nesterov; one buffer per parameter."""

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.params = list(params)
        self.lr, self.momentum, self.dampening = lr, momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov
        self.bufs = [None] * len(self.params)    # the momentum buffer of each parameter

    def zero_grad(self):
        for p in self.params:
            p.grad = np.zeros_like(p.data)

    def step(self):
        # TODO: step
        raise NotImplementedError("TODO: step")
'''


def _check_momentum(sol: Any) -> None:
    owned(sol, "SGD", "sgd_step")
    import tinygrad_edu as tg
    rng = np.random.default_rng(2028)
    for settings in (dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.8, dampening=0.3,
                                                                    weight_decay=0.01),
                     dict(lr=0.05, momentum=0.9, nesterov=True)):
        start = [rng.uniform(-1, 1, s) for s in ((3,), (2, 2))]
        ps = [sol.Value(s.copy()) for s in start]
        ts = [tg.tensor(s.copy(), requires_grad=True) for s in start]
        opt = call(f"SGD(params, **{settings})", sol.SGD, ps, **settings)
        ref = tg.optim.SGD(ts, **settings)
        for k in range(4):
            for p, t in zip(ps, ts):
                g = rng.standard_normal(p.data.shape)
                p.grad = g.copy()
                t.grad = tg.tensor(g.copy())
            call("opt.step()", opt.step)
            ref.step()
            for i, (p, t) in enumerate(zip(ps, ts)):
                compare(T(f"SGD({settings}): parameter {i} after step {k + 1} (against "
                          f"tinygrad_edu.optim.SGD)",
                          f"SGD({settings})：第 {k + 1} 步后的第 {i} 个参数（与 tinygrad_edu.optim.SGD "
                          f"比较）"),
                        p.data, t.detach().numpy(),
                        T("each parameter keeps its OWN buffer between steps: p.data, self.bufs[i] = "
                          "sgd_step(p.data, p.grad, self.bufs[i], ...).",
                          "每个参数在各步之间保留它自己的缓冲：p.data, self.bufs[i] = "
                          "sgd_step(p.data, p.grad, self.bufs[i], ...)。"))


MOMENTUM = Step(
    "sgd_momentum_optimizer", ("An optimizer with momentum", "带动量的优化器"),
    ("momentum is state: each parameter keeps its own buffer from one step to the next, and your sgd_step "
     "turns (param, grad, buffer) into the new pair",
     "动量是状态：每个参数在一步和下一步之间保留自己的缓冲，你的 sgd_step 把（参数，梯度，"
     "缓冲）变成新的一对"),
    ("Your sgd_step (step [[#sgd_momentum]]) does PyTorch's SGD for one array. An optimizer\n"
     "needs it for every parameter, with one momentum buffer per parameter\n"
     "kept between steps (None before the first).\n\n"
     "Task: SGD.step, with your sgd_step.",
     "你在第 [[#sgd_momentum]] 步写的 sgd_step 对一个数组执行 PyTorch 的 SGD。优化器要对每个参数都这样做，\n"
     "并且每个参数有一个动量缓冲，在各步之间保留（第一步之前是 None）。\n\n"
     "任务：用你的 sgd_step 写出 SGD.step。"),
    MOMENTUM_BODY,
    {"TODO: step": "for i, p in enumerate(self.params):\n"
                   "    p.data, self.bufs[i] = sgd_step(p.data, p.grad, self.bufs[i], self.lr, "
                   "self.momentum,\n"
                   "                                    self.dampening, self.weight_decay, self.nesterov)"},
    [("The maths is done; the optimizer's job is to remember each parameter's buffer between calls.",
      "数学部分已经写好了；优化器的任务是在各次调用之间记住每个参数的缓冲。"),
     ("For each index i: call sgd_step with p.data, p.grad, self.bufs[i] and the settings, and store both "
      "results back (p.data and self.bufs[i]).",
      "对每个下标 i：用 p.data、p.grad、self.bufs[i] 和各项设置调用 sgd_step，把两个结果都存回去"
      "（p.data 和 self.bufs[i]）。"),
     ("for i, p in enumerate(self.params):\n    p.data, self.bufs[i] = sgd_step(p.data, p.grad, "
      "self.bufs[i], "
      "self.lr,\n        self.momentum, self.dampening, self.weight_decay, self.nesterov)",
      "for i, p in enumerate(self.params):\n    p.data, self.bufs[i] = sgd_step(p.data, p.grad, "
      "self.bufs[i], "
      "self.lr,\n        self.momentum, self.dampening, self.weight_decay, self.nesterov)")],
    _check_momentum, needs=("sgd", "sgd_momentum"))
