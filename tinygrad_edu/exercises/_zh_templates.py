"""Chinese for the docstrings and comments inside the templates (``start N --lang zh``): the code of a
Chinese template is the English one's, token for token; only its docstrings and comments are translated.
A docstring is matched whole (``\"\"\"text\"\"\"``), a comment from its ``#`` to the end of its line."""

from __future__ import annotations

import re

__all__ = ["translate_template", "DOCSTRINGS", "COMMENTS"]

DOCSTRINGS: dict[str, str] = {
    # steps 1 and 2
    "Estimate f'(x) by the central difference with step h.": "用步长为 h 的中心差分估计 f'(x)。",
    "d/dx f(g(x)), from df = f', g and dg = g'.": "d/dx f(g(x))，已知 df = f'、g 和 dg = g'。",
    "d/dx sin(x**2)": "d/dx sin(x**2)",
    "d/dx log(1 + x**2) ** 3": "d/dx log(1 + x**2) ** 3",
    # steps 3 to 10
    "A number (a numpy array, often 0-d) that remembers how it was computed.":
        "一个记得自己是怎么算出来的数（一个 numpy 数组，常常是 0 维的）。",
    "x itself if it is a Value, else a new Value (a leaf: no parents) holding x.":
        "x 是 Value 就返回 x 本身，否则返回一个装着 x 的新 Value（叶子：没有父节点）。",
    'a + b: a new Value holding the sum, with parents (a, b) and op "+".':
        'a + b：一个装着和的新 Value，父节点是 (a, b)，op 是 "+"。',
    'a * b: a new Value holding the product, with parents (a, b) and op "*".':
        'a * b：一个装着积的新 Value，父节点是 (a, b)，op 是 "*"。',
    "The graph: e = a * b, d = e + c, L = d * f. Returns (L, d, e).":
        "计算图：e = a * b，d = e + c，L = d * f。返回 (L, d, e)。",
    "Fill the grads of a, b, c, f (and d, e) with dL/d(that), by calling the _backward\n"
    "    functions yourself, one by one.":
        "把 a、b、c、f（以及 d、e）的 grad 填成 L 对它们的导数：自己一个一个地调用\n"
        "    那些 _backward 函数。",
    "Every Value that root depends on, each once, each after its parents; root last.":
        "root 依赖的每个 Value，每个只出现一次，都排在它的父节点之后；root 最后。",
    "Fill .grad of every Value that self depends on with d(self)/d(that Value).":
        "把 self 依赖的每个 Value 的 .grad 填成 self 对那个 Value 的导数。",
    "Every Scalar that root depends on, each one after its parents.":
        "root 依赖的每个 Scalar，每个都排在它的父节点之后。",
    "Set node.grad = d(root)/d(node) for every node of root's graph.":
        "对 root 的计算图中的每个节点，设 node.grad = d(root)/d(node)。",
    "All nodes root depends on, parents before children, root last.":
        "root 依赖的所有节点，父节点在子节点之前，root 最后。",
    "[d root/d w for w in wrt], where root = order[-1] and order is topological.":
        "[d root/d w for w in wrt]，其中 root = order[-1]，order 是拓扑序。",
    # steps 14 to 23
    "a ** k for a plain number k (not a Value).": "a ** k，k 是一个普通的数（不是 Value）。",
    "-a": "-a",
    "a - b": "a - b",
    "b - a: Python calls this for 3 - a (a is the Value)": "b - a：Python 算 3 - a 时调用它（a 是 Value）",
    "a / b": "a / b",
    "b / a: Python calls this for 3 / a": "b / a：Python 算 3 / a 时调用它",
    "Sum grad (of the broadcast shape) down to `shape`.": "把（广播后形状的）grad 求和，缩回 `shape`。",
    "(dL/da, dL/db) for out = a * b, given grad = dL/d(out).":
        "out = a * b 的 (dL/da, dL/db)，已知 grad = dL/d(out)。",
    "dL/dx for y = x.sum(axis=axis, keepdims=keepdims), x of `shape`.":
        "y = x.sum(axis=axis, keepdims=keepdims) 的 dL/dx，x 的形状是 `shape`。",
    "dL/dx for y = x.mean(axis=axis, keepdims=keepdims), x of `shape`.":
        "y = x.mean(axis=axis, keepdims=keepdims) 的 dL/dx，x 的形状是 `shape`。",
    "The sum of a's elements (along axis, if given) as a Value.":
        "a 的元素之和（给了 axis 就沿 axis 求和），作为一个 Value。",
    "The mean, by composition: no backward of its own.": "平均值，用已有的运算组合出来：它没有自己的反向。",
    "(dL/dA, dL/dB) for C = A @ B, given grad = dL/dC.": "C = A @ B 的 (dL/dA, dL/dB)，已知 grad = dL/dC。",
    "a @ b for 2-D a and b.": "二维的 a 和 b 的 a @ b。",
    # steps 24 to 31
    "Every Value this module learns, in the order its attributes were set: its own Values,\n"
    "        and the parameters of its sub-Modules (also those held in a list).":
        "这个模块要学习的每个 Value，按属性被设置的顺序：它自己的 Value，\n"
        "        以及它的子 Module 的参数（放在列表里的子 Module 也算）。",
    "y = x @ weight + bias, x of shape (batch, nin). weight is (nin, nout): the transpose of\n"
    "    PyTorch's layout, so that no transpose op is needed.":
        "y = x @ weight + bias，x 的形状是 (batch, nin)。weight 是 (nin, nout)：是 PyTorch\n"
        "    布局的转置，这样就不需要转置运算。",
    "Linear layers nin -> nouts[0] -> nouts[1] -> ..., a relu after every layer but the last.":
        "线性层 nin -> nouts[0] -> nouts[1] -> ...，除最后一层外每层之后接一个 relu。",
    "Plain gradient descent: p = p - lr * grad for every parameter p.":
        "普通的梯度下降：对每个参数 p，p = p - lr * grad。",
    "One SGD step: returns (new_param, new_buf).": "SGD 的一步：返回 (new_param, new_buf)。",
    "torch.optim.SGD: lr, momentum, dampening, weight_decay, nesterov; one buffer per parameter.":
        "torch.optim.SGD：lr、momentum、dampening、weight_decay、nesterov；每个参数一个缓冲区。",
    "z = x * sigmoid(x).   dz/dx = s + x * s * (1 - s), s = sigmoid(x)":
        "z = x * sigmoid(x)。   dz/dx = s + x * s * (1 - s)，其中 s = sigmoid(x)",
    "Fit y_pred = w1 x^2 + w2 x + w3 by per-sample SGD. Returns (epochs run, w1, w2, w3, the mean\n"
    "    loss of every epoch).":
        "用逐样本的 SGD 拟合 y_pred = w1 x^2 + w2 x + w3。返回（跑了的轮数，w1，w2，w3，\n"
        "    每一轮的平均损失）。",
    "micrograd's loss: the mean hinge loss relu(1 - y * score) plus alpha times the sum of\n"
    "    p ** 2 over every parameter; and the share of points whose score has y's sign.\n"
    "    X: (n, 2) array, y: (n, 1) array of labels -1 / +1.":
        "micrograd 的损失：合页损失 relu(1 - y * score) 的平均值，加上 alpha 乘以所有参数的\n"
        "    p ** 2 之和；以及 score 与 y 同号的点所占的比例。\n"
        "    X：形状 (n, 2) 的数组，y：形状 (n, 1) 的标签数组，取值 -1 / +1。",
    "Full-batch SGD on MLP(2, [16, 16, 1]) started from `weights` (the arrays of its parameters,\n"
    "    in order), with lr = 1.0 - 0.9 * k / 100 at step k. Returns the losses and accuracies.":
        "在 MLP(2, [16, 16, 1]) 上做全批量 SGD，从 `weights`（它的参数的数组，按顺序）开始，\n"
        "    第 k 步的学习率 lr = 1.0 - 0.9 * k / 100。返回各步的损失和准确率。",
}

COMMENTS: dict[str, str] = {
    " TODO: evaluate f on both sides of x and return the slope between the two points":
        " TODO：在 x 的两侧求 f 的值，返回这两点之间的斜率",
    " TODO": " TODO",
    " TODO: use math.cos": " TODO：用 math.cos",
    " TODO: use math.log": " TODO：用 math.log",
    " so that numpy_array * value calls Value's __rmul__":
        " 这样 numpy_array * value 会调用 Value 的 __rmul__",
    " d(output)/d(self), filled in later": " d(output)/d(self)，之后再填",
    " the Values this one was computed from": " 算出这个 Value 所用的那些 Value",
    ' "+", "*", ...: what made it': ' "+"、"*"……：它是由什么运算得到的',
    " passes self.grad on to the parents (next step)": " 把 self.grad 传给父节点（下一步）",
    " TODO: as_value": " TODO：写出 as_value",
    " TODO: add": " TODO：写出 add",
    " TODO: mul": " TODO：写出 mul",
    " Python calls these for a + b, 2 + a, a * b and 2 * a":
        " Python 算 a + b、2 + a、a * b 和 2 * a 时调用它们",
    " TODO: backward of +": " TODO：加法的反向",
    " TODO: backward of *": " TODO：乘法的反向",
    " TODO: seed L.grad, then call the three _backward functions in the right order":
        " TODO：设好种子 L.grad，再按正确的顺序调用三个 _backward 函数",
    " TODO: visit the parents first, then append node (once)":
        " TODO：先访问父节点，再把 node 加进列表（只加一次）",
    " TODO: seed self.grad with ones, then call _backward on every node, output first":
        " TODO：把种子 self.grad 设为全 1，再对每个节点调用 _backward，从输出开始",
    " dL/d(self)": " dL/d(self)",
    " grad -> tuple of gradients, one per parent": " grad -> 梯度组成的元组，每个父节点一个",
    " a leaf: nothing to pass on": " 叶子：没有要往下传的",
    " TODO: an iterative depth-first search with an explicit stack": " TODO：用显式的栈做迭代的深度优先搜索",
    " id(node) -> d root / d node": " id(node) -> d root / d node",
    " TODO: seed, walk in reverse, accumulate; then read off the gradients of wrt":
        " TODO：设种子，逆序遍历，累加；最后取出 wrt 的梯度",
    " the number": " 这个数",
    " the Scalars this one was computed from": " 算出这个 Scalar 所用的那些 Scalar",
    " TODO: return (gradient for self, gradient for other)": " TODO：返回（self 的梯度，other 的梯度）",
    " TODO: return (gradient for the base self, gradient for the exponent other)":
        " TODO：返回（底数 self 的梯度，指数 other 的梯度）",
    " TODO: return (gradient for self,)": " TODO：返回只有一个元素的元组：self 的梯度",
    " TODO: backward of a ** k": " TODO：a ** k 的反向",
    " TODO: neg": " TODO：写出 neg",
    " TODO: sub": " TODO：写出 sub",
    " TODO: rsub": " TODO：写出 rsub",
    " TODO: div": " TODO：写出 div",
    " TODO: rdiv": " TODO：写出 rdiv",
    " TODO: backward of exp": " TODO：exp 的反向",
    " TODO: backward of log": " TODO：log 的反向",
    " TODO: backward of tanh": " TODO：tanh 的反向",
    " TODO: backward of relu": " TODO：relu 的反向",
    " TODO: 1. leading axes, 2. size-1 axes with keepdims=True":
        " TODO：1. 前面多出的轴，2. 大小为 1 的轴（keepdims=True）",
    " TODO: step 4's gradients + unbroadcast": " TODO：第 4 步的梯度 + unbroadcast",
    " TODO: backward of + that broadcasts": " TODO：会广播的加法的反向",
    " TODO: backward of * that broadcasts": " TODO：会广播的乘法的反向",
    " TODO: backward of sum": " TODO：sum 的反向",
    " TODO: mean": " TODO：写出 mean",
    " TODO: backward of @": " TODO：@ 的反向",
    " TODO: parameters": " TODO：写出 parameters",
    " TODO: forward": " TODO：写出 forward",
    " TODO: zero_grad": " TODO：写出 zero_grad",
    " TODO: step": " TODO：写出 step",
    " the momentum buffer of each parameter": " 每个参数的动量缓冲区",
    " TODO: ctx.save_for_backward(x), then return x * sigmoid(x) (numpy)":
        " TODO：ctx.save_for_backward(x)，然后返回 x * sigmoid(x)（用 numpy）",
    " TODO: (x,) = ctx.saved_values; return grad times silu'(x)":
        " TODO：(x,) = ctx.saved_values；返回 grad 乘以 silu'(x)",
    " the samples of y = 2x^2 + 3x + 4": " y = 2x^2 + 3x + 4 的样本",
    " the post's start": " 文章里的初始值",
    " TODO: one sample: the prediction, the squared error (add it to epoch_loss), backward, a step":
        " TODO：一个样本：预测，平方误差（加到 epoch_loss 上），backward，走一步",
    " (n, 1)": " (n, 1)",
    " TODO: loss and accuracy": " TODO：损失和准确率",
    " TODO: the learning rate of step k, zero_grad, backward, step":
        " TODO：第 k 步的学习率，zero_grad，backward，step",
}


def translate_template(body: str) -> str:
    """``body`` (a template after its module docstring) with its docstrings and comments in Chinese;
    one not in the tables stays as it is."""
    body = re.sub(r'"""(.*?)"""', lambda m: f'"""{DOCSTRINGS.get(m.group(1), m.group(1))}"""', body,
                  flags=re.S)
    return re.sub(r"#([^\n]*)", lambda m: f"#{COMMENTS.get(m.group(1), m.group(1))}", body)
