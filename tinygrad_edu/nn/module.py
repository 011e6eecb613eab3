"""``Module``: the base class of layers and models, with PyTorch's registration rules."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterator

import numpy as np

from ..device import Movable, parse_to_args
from ..dtypes import as_data
from ..methods import zero_grad
from ..torch_types import Size, type_name
from ..value import Value
from .module_hooks import RemovableHandle, add_hook, call_with_hooks
from .parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the missing and the unexpected keys; prints as
    ``<All keys matched successfully>`` when both are empty, as PyTorch's."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
                f"unexpected_keys={self.unexpected_keys!r})")

    __str__ = __repr__


IncompatibleKeys = _IncompatibleKeys


def _typename(obj: Any) -> str:
    """``torch.typename``: a tensor's legacy type name, else the type's qualified name."""
    if isinstance(obj, Value):
        return type_name(obj.dtype)
    kind = type(obj)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
_HOOK_DICTS = ("_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks",
               "_forward_hooks_with_kwargs", "_forward_hooks_always_called", "_backward_hooks",
               "_backward_pre_hooks")


class Module(Movable):
    """Base class of every layer and model.

    Assigning a :class:`Parameter` or a Module as an attribute registers it, so that
    ``parameters()``, ``state_dict()``, ``zero_grad()`` and ``train()``/``eval()`` find it.
    Subclasses define ``forward``; calling the module calls ``forward``.

    Registered parameters, buffers and submodules are also kept as plain instance attributes, so
    that ``self.weight`` in ``forward`` is an ordinary attribute read (PyTorch finds them through
    ``__getattr__``, which costs an exception per read). Register and remove them through
    attributes or ``register_*``, as in PyTorch; writing ``_parameters[...]`` by hand bypasses that.
    """

    training: bool
    _has_hooks = False  # set on the first register_*_hook: __call__ takes the slow path

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        for name in _HOOK_DICTS:
            object.__setattr__(self, name, OrderedDict())

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            if "_parameters" not in d:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._discard(name, keep="_parameters")  # a reassigned name keeps its place
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._discard(name, keep="_modules")
            d["_modules"][name] = d[name] = value
        elif "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    f"(torch.nn.Parameter or None expected)"
                )
            d["_parameters"][name] = d[name] = None
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    f"(torch.nn.Module or None expected)"
                )
            d["_modules"][name] = d[name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            d["_buffers"][name] = d[name] = value
        else:
            object.__setattr__(self, name, value)

    def _discard(self, name: str, keep: str | None = None) -> None:
        """Forget ``name`` as an attribute and in every registry but ``keep`` (where it keeps its
        position, so a reassigned parameter stays where it was in ``state_dict``)."""
        self.__dict__.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            if key != keep:
                self.__dict__[key].pop(name, None)
        if keep != "_buffers":
            self.__dict__["_non_persistent_buffers_set"].discard(name)

    def _check_name(self, kind: str, name: Any, registry: str) -> None:
        """PyTorch's checks on a parameter, buffer or submodule name (in its order and words)."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
        exists = name not in self.__dict__[registry] and hasattr(self, name)
        if exists and kind == "module":
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if exists:
            raise KeyError(f"attribute '{name}' already exists")

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if key in d and name in d[key]:
                return d[key][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(key, {}):
                del self.__dict__[key][name]
                self.__dict__.pop(name, None)
                self.__dict__["_non_persistent_buffers_set"].discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None) under ``name``; a name registered before keeps its place."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_name("parameter", name, "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                f"(torch.nn.Parameter or None required)"
            )
        self._discard(name, keep="_parameters")
        self._parameters[name] = self.__dict__[name] = param

    def register_buffer(self, name: str, tensor: Value | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (e.g. running statistics);
        ``persistent=False`` leaves it out of ``state_dict``."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_name("buffer", name, "_buffers")
        if tensor is not None and not isinstance(tensor, Value):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            f"(torch Tensor or None required)")
        self._discard(name, keep="_buffers")
        self._buffers[name] = self.__dict__[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or None) as the child ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        self._check_name("module", name, "_modules")
        self._discard(name, keep="_modules")
        self._modules[name] = self.__dict__[name] = module

    register_module = add_module

    # ------------------------------------------------------------------ traversal
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every submodule, depth first; a module reachable twice is listed once
        unless ``remove_duplicate=False``. ``memo`` is a set of modules to skip, as PyTorch."""
        memo = set() if memo is None else memo
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, prefix + ("." if prefix else "") + name,
                                               remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)``: this module's own first, then each child's, in
        registration order; a shared parameter is listed once."""
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for mod_prefix, mod in modules:
            for name, p in mod._parameters.items():
                if p is None or (remove_duplicate and id(p) in seen):
                    continue
                seen.add(id(p))
                yield mod_prefix + ("." if mod_prefix else "") + name, p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Value]]:
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, mod in modules:
            for name, b in mod._buffers.items():
                if b is not None:
                    yield mod_prefix + ("." if mod_prefix else "") + name, b

    def buffers(self, recurse: bool = True) -> Iterator[Value]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        object.__setattr__(self, "training", mode)
        for child in self.children():  # each child's own train(), as PyTorch (overrides run)
            child.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients: to None (the default, as in PyTorch) or to zeros."""
        zero_grad(self.parameters(), set_to_none)

    def apply(self, fn: Any) -> Module:
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, dtype: Any = None, device: Any = None, **ignored: Any) -> Module:
        """``model.to(float32)`` casts every parameter and buffer in place (the Parameter objects
        stay, so an optimizer keeps working); ``model.to('cpu')`` is accepted and does nothing."""
        dtype, device = parse_to_args(args, dtype, device)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        for p in list(self.parameters()) + list(self.buffers()):
            if p.dtype.kind != "f":  # as PyTorch: integer buffers (num_batches_tracked) stay
                continue
            p._data = as_data(p._data, dtype)
            if p.grad is not None and not p.grad.requires_grad:
                p._grad = Value(as_data(p.grad._data, dtype))
        return self

    # ------------------------------------------------------------------ state
    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict[str, Value]:
        """Every parameter and persistent buffer under its dotted name (this module's own, then
        each child's, depth first; a module reachable by two names appears under both, as in
        PyTorch). Values are detached and share memory with the live ones."""
        if args:  # PyTorch's old positional form state_dict(destination, prefix, keep_vars)
            given = list(args) + [destination, prefix, keep_vars][len(args):]
            destination, prefix, keep_vars = given[:3]
        out = OrderedDict() if destination is None else destination
        for dot, mod in self._prefixed_modules(prefix):
            for name, v in mod._local_state():
                out[dot + name] = v if keep_vars else v.detach()
        return out

    def _local_state(self) -> list[tuple[str, Value]]:
        """This module's own parameters and persistent buffers (None entries left out)."""
        own = [(k, p) for k, p in self._parameters.items() if p is not None]
        return own + [(k, b) for k, b in self._buffers.items()
                      if b is not None and k not in self._non_persistent_buffers_set]

    def _prefixed_modules(self, prefix: str = "") -> list[tuple[str, Module]]:
        """``(prefix + "." or "", module)`` for this module and every child, depth first, with no
        de-duplication (PyTorch's state_dict and load_state_dict walk)."""
        out = [(prefix, self)]
        for name, child in self._modules.items():
            if child is not None:
                out.extend(child._prefixed_modules(prefix + name + "."))
        return out

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy values in place (cast to each parameter's dtype); ``assign=True`` puts the given
        tensors in place of the parameters and buffers instead.

        Everything is checked before anything is copied, so on any error the model is unchanged
        (PyTorch copies what it can before it raises). Returns ``(missing_keys, unexpected_keys)``;
        under ``strict=True`` either raises, with PyTorch's message."""
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        missing, unexpected, errors, staged = [], [], [], []
        for dot, mod in self._prefixed_modules():
            local = dict(mod._local_state())
            for name, target in local.items():
                key = dot + name
                if key not in state_dict:
                    missing.append(key)
                    continue
                src = state_dict[key]
                try:
                    arr = np.asarray(src._data if isinstance(src, Value) else src)
                except Exception as exc:  # noqa: BLE001 - report any unconvertible value
                    errors.append(f'While copying the parameter named "{key}", an exception '
                                  f'occurred : {exc}.')
                    continue
                if arr.shape != target.shape and not (assign and arr.ndim == 0 and target.ndim == 0):
                    errors.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{Size(arr.shape)!r} from checkpoint, the shape in current model is "
                                  f"{target.shape!r}.")
                    continue
                if arr.dtype.kind not in "fcbiu":
                    errors.append(f'While copying the parameter named "{key}": dtype {arr.dtype} '
                                  f'is not numeric.')
                    continue
                staged.append((mod, name, target, src, arr))
            for key in state_dict.keys():
                if not key.startswith(dot):
                    continue
                first, *rest = key[len(dot):].split(".", 1)
                if (rest and first not in mod._modules) or (not rest and first not in local):
                    unexpected.append(key)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        for mod, name, target, src, arr in staged:
            if not assign:
                target._write(arr, casting="unsafe")
            elif name in mod._parameters:
                data = src.detach() if isinstance(src, Value) else Value(arr)
                new = src if isinstance(src, Parameter) else Parameter(data, target.requires_grad)
                mod._parameters[name] = mod.__dict__[name] = new
            else:
                mod._buffers[name] = mod.__dict__[name] = src if isinstance(src, Value) else Value(arr)
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ hooks
    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` before each ``forward``; a result that is not None replaces the
        positional arguments (a non-tuple is wrapped in one). ``with_kwargs=True``:
        ``hook(module, args, kwargs)`` returning None or ``(new_args, new_kwargs)``."""
        object.__setattr__(self, "_has_hooks", True)
        return add_hook(self._forward_pre_hooks, hook, prepend,
                        kw=self._forward_pre_hooks_with_kwargs if with_kwargs else None)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` after each ``forward`` (``with_kwargs=True``:
        ``hook(module, args, kwargs, output)``); a result that is not None replaces the output."""
        object.__setattr__(self, "_has_hooks", True)
        return add_hook(self._forward_hooks, hook, prepend,
                        kw=self._forward_hooks_with_kwargs if with_kwargs else None,
                        always=self._forward_hooks_always_called if always_call else None)

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_output)`` once the gradients of the module's outputs are known;
        a result that is not None replaces ``grad_output`` (a tuple, one entry per output)."""
        object.__setattr__(self, "_has_hooks", True)
        return add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` once the gradients of the module's inputs
        are known (``grad_input``: one entry per positional argument, None where it is not a
        Value that requires grad); a result that is not None replaces ``grad_input``."""
        object.__setattr__(self, "_has_hooks", True)
        return add_hook(self._backward_hooks, hook, prepend)

    # ------------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._has_hooks:
            return call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ repr
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, child in self._modules.items():
            child_repr = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {child_repr}")
        if not lines:
            return f"{self._get_name()}()"
        if len(lines) == 1 and not self._modules:
            return f"{self._get_name()}({lines[0]})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules)
                      | set(self._buffers))
