"""Module hooks: what ``Module.__call__`` does when hooks are registered.

Forward pre-hooks may replace the input, forward hooks the output. The full backward hooks are
built on ``Value.register_hook``: the module's tensor inputs that require grad are routed through
one node (flattened and joined with ``cat``, then sliced back), so one tensor hook sees all of the
module's input gradients at once and may replace them together; its outputs are routed the same
way, and that hook sees ``grad_output`` first (backward pre-hooks may replace it).
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any, Callable

from ..hooks import RemovableHandle as TensorHookHandle
from ..state import is_grad_enabled
from ..toplevel import cat
from ..value import Value


class RemovableHandle(TensorHookHandle):
    """What ``register_*_hook`` returns: ``handle.remove()`` takes the hook away (also usable as
    a ``with`` block); it also clears the id from ``extra_dicts``, the flag dicts (with_kwargs,
    always_call) that mark the same hook."""

    def __init__(self, hooks: dict, extra_dicts: tuple[dict, ...] = ()) -> None:
        super().__init__(hooks)
        self.extra_dicts = extra_dicts

    def remove(self) -> None:
        super().remove()
        for d in self.extra_dicts:
            d.pop(self.id, None)


def add_hook(hooks: OrderedDict, fn: Callable, prepend: bool = False, **flags: dict) -> RemovableHandle:
    """Store ``fn`` under a new handle's id (first if ``prepend``); each dict in ``flags`` whose
    value is not None is a flag dict that marks the id."""
    marks = tuple(d for d in flags.values() if d is not None)
    handle = RemovableHandle(hooks, marks)
    hooks[handle.id] = fn
    for d in marks:
        d[handle.id] = True
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _route(values: tuple, on_grad: Callable[[list[Value | None]], Any]) -> tuple[tuple, list[int] | None]:
    """Replace the Values in ``values`` that require grad by slices of one joined Value whose
    tensor hook calls ``on_grad`` with their gradients (a list, in order) and may return a
    replacement list. Returns the new tuple and the positions of its Values (None: no Value
    requires grad, nothing routed)."""
    index = [i for i, v in enumerate(values) if isinstance(v, Value)]
    routed = [i for i in index if values[i].requires_grad]
    if not routed or not is_grad_enabled():
        return values, None
    parts = [values[i] for i in routed]
    joined = cat([v.reshape(-1) for v in parts])
    bounds, start = [], 0
    for v in parts:
        bounds.append((start, start + v.numel()))
        start += v.numel()

    def hook(g: Value) -> Value | None:
        grads = {i: g[a:b].reshape(v.shape) for i, (a, b), v in zip(routed, bounds, parts)}
        for i in index:  # a Value that needs no grad gets zeros, as in PyTorch
            grads.setdefault(i, values[i].detach() * 0)
        new = on_grad(grads)
        if new is None:
            return None
        return cat([(n if n is not None else v.detach() * 0).reshape(-1).to(g.dtype)
                    for n, v in zip((new[i] for i in routed), parts)])

    joined.register_hook(hook)
    out = list(values)
    for i, (a, b), v in zip(routed, bounds, parts):
        piece = joined[a:b].reshape(v.shape) if len(parts) > 1 else joined.reshape(v.shape)
        out[i] = piece if piece.dtype == v.dtype else piece.to(v.dtype)
    return tuple(out), index


class BackwardHook:
    """Links one call's output gradients to its input gradients and calls the module's full
    backward hooks (and backward pre-hooks) with them, as ``torch.utils.hooks.BackwardHook``."""

    def __init__(self, module: Any, hooks: list[Callable], pre_hooks: list[Callable]) -> None:
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs: tuple | None = None
        self.n_inputs = 0
        self.input_index: list[int] | None = None

    def setup_input_hook(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_index = _route(args, self._input_grads)
        return args

    def _input_grads(self, grads: dict[int, Value]) -> list | None:
        if self.grad_outputs is None:
            return None
        res = tuple(grads.get(i) for i in range(self.n_inputs))
        changed = False
        for hook in self.hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   f"got {len(out)}, but expected {len(res)}")
            res, changed = tuple(out), True
        self.grad_outputs = None
        return list(res) if changed else None

    def setup_output_hook(self, result: Any) -> Any:
        is_tuple = isinstance(result, tuple)
        outs = result if is_tuple else (result,)
        n_outputs = len(outs)

        def output_grads(grads: dict[int, Value]) -> list | None:
            self.grad_outputs = tuple(grads.get(i) for i in range(n_outputs))
            changed = False
            for pre_hook in self.pre_hooks:
                new = pre_hook(self.module, self.grad_outputs)
                if new is None:
                    continue
                if len(new) != n_outputs:
                    raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                       f"got {len(new)}, but expected {n_outputs}")
                self.grad_outputs, changed = tuple(new), True
            local = self.grad_outputs
            if self.input_index is None:
                warnings.warn("Full backward hook is firing when gradients are computed with respect to "
                              "module outputs since no inputs require gradients. See "
                              "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                              "#torch.nn.Module.register_full_backward_hook for more details.", stacklevel=5)
                none = (None,) * self.n_inputs
                for hook in self.hooks:
                    res = hook(self.module, none, self.grad_outputs)
                    if res is not None and not (isinstance(res, tuple) and all(el is None for el in res)):
                        raise RuntimeError("Backward hook for Modules where no input requires gradient "
                                           "should always return None or None for all gradients.")
                self.grad_outputs = None
            return list(local) if changed else None

        routed, _ = _route(outs, output_grads)
        return routed if is_tuple else routed[0]


def call_with_hooks(module: Any, args: tuple, kwargs: dict) -> Any:
    """``module(*args, **kwargs)`` with its forward pre-hooks, forward hooks and full backward
    (pre-)hooks, in PyTorch's order."""
    for hook_id, hook in list(module._forward_pre_hooks.items()):
        if hook_id in module._forward_pre_hooks_with_kwargs:
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {res}.")
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    bw_hook = None
    if module._backward_hooks or module._backward_pre_hooks:
        bw_hook = BackwardHook(module, list(module._backward_hooks.values()),
                               list(module._backward_pre_hooks.values()))
        args = bw_hook.setup_input_hook(args)
    result, called = None, set()
    try:
        result = module.forward(*args, **kwargs)
        for hook_id, hook in list(module._forward_hooks.items()):
            called.add(hook_id)
            res = _forward_hook(module, hook_id, hook, args, kwargs, result)
            if res is not None:
                result = res
    except Exception:
        for hook_id, hook in list(module._forward_hooks.items()):  # always_call=True hooks still run
            if hook_id in module._forward_hooks_always_called and hook_id not in called:
                try:
                    res = _forward_hook(module, hook_id, hook, args, kwargs, result)
                    result = result if res is None else res
                except Exception as exc:  # noqa: BLE001 - PyTorch silences it, with a warning
                    warnings.warn("module forward hook with ``always_call=True`` raised an exception that "
                                  f"was silenced as another error was raised in forward: {exc}", stacklevel=3)
        raise
    if bw_hook is not None:
        if not isinstance(result, (Value, tuple)):
            warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple "
                          f"of Tensors but received {type(result)}", stacklevel=3)
        else:
            result = bw_hook.setup_output_hook(result)
    return result


def _forward_hook(module: Any, hook_id: int, hook: Callable, args: tuple, kwargs: dict, result: Any) -> Any:
    if hook_id in module._forward_hooks_with_kwargs:
        return hook(module, args, kwargs, result)
    return hook(module, args, result)
