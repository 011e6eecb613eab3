"""``Module``: the base class of layers and models, with PyTorch's registration rules."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any, Iterator

import numpy as np

from ..device import Movable, parse_to_args
from ..dtypes import as_data
from ..methods import zero_grad
from ..value import Value
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


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

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            if "_parameters" not in d:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._discard(name)
            d["_parameters"][name] = d[name] = value
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._discard(name)
            d["_modules"][name] = d[name] = value
        elif "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    f"(nn.Parameter or None expected)"
                )
            d["_parameters"][name] = d[name] = None
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    f"(nn.Module or None expected)"
                )
            d["_modules"][name] = d[name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            d["_buffers"][name] = d[name] = value
        else:
            object.__setattr__(self, name, value)

    def _discard(self, name: str) -> None:
        self.__dict__.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            self.__dict__[key].pop(name, None)

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
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                f"(nn.Parameter or None required)"
            )
        self._discard(name)
        self._parameters[name] = self.__dict__[name] = param

    def register_buffer(self, name: str, tensor: Value | None, persistent: bool = True) -> None:
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._discard(name)
        self._buffers[name] = self.__dict__[name] = tensor

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._discard(name)
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
    def state_dict(self, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict[str, Value]:
        """Every parameter and buffer under its dotted name. Values are detached and share memory
        with the live parameters."""
        out = OrderedDict() if destination is None else destination
        for mod_prefix, mod in self.named_modules(prefix=prefix.rstrip(".")):
            dot = mod_prefix + ("." if mod_prefix else "")
            for name, p in mod._parameters.items():
                if p is not None:
                    out[dot + name] = p if keep_vars else p.detach()
            for name, b in mod._buffers.items():
                if b is not None:
                    out[dot + name] = b if keep_vars else b.detach()
        return out

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy values in place (casting to each parameter's dtype).

        Everything is checked before anything is copied, so on any error the model is unchanged.
        Missing and unexpected keys raise under ``strict=True`` and are returned either way; a
        size mismatch always raises.
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.append("Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
        staged = []
        for k, target in own.items():
            if k not in state_dict:
                continue
            src = state_dict[k]
            try:
                arr = np.asarray(src._data if isinstance(src, Value) else src)
            except Exception as exc:  # noqa: BLE001 - report any unconvertible value
                errors.append(f'While copying the parameter named "{k}", an exception occurred: {exc}.')
                continue
            if arr.shape != target.shape:
                errors.append(
                    f"size mismatch for {k}: copying a param with shape {tuple(arr.shape)} from "
                    f"checkpoint, the shape in current model is {tuple(target.shape)}."
                )
                continue
            if arr.dtype.kind not in "fcbiu":
                errors.append(f'While copying the parameter named "{k}": dtype {arr.dtype} is not numeric.')
                continue
            staged.append((target, arr))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(
                    e.rstrip() for e in errors)
            )
        for target, arr in staged:
            target._write(arr, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
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
