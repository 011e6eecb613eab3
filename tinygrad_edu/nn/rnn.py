"""Recurrent layers as PyTorch's: ``RNN``, ``LSTM``, ``GRU`` and their one-step ``Cell``s.

Built from existing ops only (``F.linear``, slicing, ``sigmoid``/``tanh``/``relu``, ``stack``), so
gradients, higher order and ``explain`` come free. Each layer first projects the whole input
sequence at once (``x @ W_ih.T + b_ih``), then walks the time steps, as PyTorch's CPU kernels do.
The gates in PyTorch's order, with ``gh = h @ W_hh.T + b_hh``:

- RNN: ``h' = tanh(x W_ih^T + b_ih + gh)`` (or ``relu``);
- LSTM: ``i, f, g, o = chunks of (x W_ih^T + b_ih + gh)``; ``c' = sigmoid(f) c + sigmoid(i) tanh(g)``;
  ``h' = sigmoid(o) tanh(c')`` (then ``h' @ W_hr.T`` when ``proj_size > 0``);
- GRU: ``r, z = sigmoid(chunks of gi + gh)``, ``n = tanh(gi_n + r * gh_n)``, ``h' = n + z (h - n)``.

Parameters carry PyTorch's names (``weight_ih_l0``, ``bias_hh_l1_reverse``, ``weight_hr_l0``...), in
PyTorch's order, so ``state_dict`` keys match and weights move both ways. Every parameter starts as
U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), drawn in ``named_parameters`` order.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable

import numpy as np

from ..creation import zeros
from ..dtypes import get_default_dtype
from ..toplevel import cat, stack
from ..value import Value
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

State = tuple  # (h,) or (h, c)


# ---------------------------------------------------------------- one step of each kind
def _rnn_step(xw: Value, state: State, w_hh: Value, b_hh: Value | None, relu: bool) -> State:
    pre = xw + F.linear(state[0], w_hh, b_hh)
    return (pre.relu() if relu else pre.tanh(),)


def _lstm_step(xw: Value, state: State, w_hh: Value, b_hh: Value | None,
               w_hr: Value | None = None) -> State:
    h, c = state
    gates = xw + F.linear(h, w_hh, b_hh)
    n = c.shape[-1]
    i, f, g, o = (gates[..., k * n:(k + 1) * n] for k in range(4))
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else F.linear(h, w_hr), c)


def _gru_step(xw: Value, state: State, w_hh: Value, b_hh: Value | None) -> State:
    h = state[0]
    gh = F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    r = (xw[..., :n] + gh[..., :n]).sigmoid()
    z = (xw[..., n:2 * n] + gh[..., n:2 * n]).sigmoid()
    new = (xw[..., 2 * n:] + r * gh[..., 2 * n:]).tanh()
    return (new + z * (h - new),)


_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _stepper(mode: str, w_hh: Value, b_hh: Value | None, w_hr: Value | None) -> Callable:
    if mode == "LSTM":
        return lambda xw, s: _lstm_step(xw, s, w_hh, b_hh, w_hr)
    if mode == "GRU":
        return lambda xw, s: _gru_step(xw, s, w_hh, b_hh)
    relu = mode == "RNN_RELU"
    return lambda xw, s: _rnn_step(xw, s, w_hh, b_hh, relu)


def _run_direction(step: Callable, xw: Value, sizes: list[int] | None, state: State,
                   reverse: bool) -> tuple[Value, State]:
    """Walk one direction of one layer. ``xw`` is the projected input: ``(T, B, G)``, or packed
    ``(N, G)`` with ``sizes[t]`` rows at step ``t`` (the longest sequences first). At a step with
    fewer rows than the batch, only the first rows move on; the others keep their state (a
    finished sequence keeps its last state; going backwards, one not yet started keeps h0)."""
    if sizes is None:
        inputs = [xw[t] for t in range(xw.shape[0])]
    else:
        starts = np.concatenate([[0], np.cumsum(sizes)])
        inputs = [xw[int(starts[t]):int(starts[t + 1])] for t in range(len(sizes))]
    outputs: list[Any] = [None] * len(inputs)
    full_batch = state[0].shape[0]
    for t in (reversed(range(len(inputs))) if reverse else range(len(inputs))):
        rows = inputs[t].shape[0]
        if rows == full_batch:
            state = step(inputs[t], state)
            outputs[t] = state[0]
        else:
            moved = step(inputs[t], tuple(s[:rows] for s in state))
            state = tuple(cat([m, s[rows:]]) for m, s in zip(moved, state))
            outputs[t] = moved[0]
    return (stack(outputs) if sizes is None else cat(outputs)), state


def _check_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero")


# ---------------------------------------------------------------- the layers
class RNNBase(Module):
    """The multi-layer recurrent network shared by RNN, LSTM and GRU (``mode`` picks the cell)."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability "
                             "of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero "
                          "dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        for name, flag in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(flag).__name__}")
        _check_int("input_size", input_size)
        _check_int("hidden_size", hidden_size)
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        dtype = np.dtype(dtype or get_default_dtype())
        gate_size, real_hidden = _GATES[mode] * hidden_size, proj_size or hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for direction in range(directions):
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr", (proj_size, hidden_size))]
                names = [f"{n}_l{layer}{'_reverse' if direction else ''}" for n, _ in shapes]
                for name, (_, shape) in zip(names, shapes):
                    self.register_parameter(name, Parameter(np.empty(shape, dtype=dtype)))
                self._flat_weights_names += names
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs the weights for cuDNN here."""

    @property
    def _flat_weights(self) -> list[Parameter | None]:
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        for name, default in (("proj_size", 0), ("num_layers", 1), ("bias", True), ("batch_first", False),
                              ("dropout", 0), ("bidirectional", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    # ------------------------------------------------------------ checks, as PyTorch's
    def check_input(self, input: Value, batch_sizes: Any) -> None:  # noqa: A002
        wdt = self._flat_weights[0].dtype
        if input.dtype != wdt and not (input.dtype.kind == "f" and wdt.kind == "f"):  # float32+64 mix
            raise ValueError(f"RNN input dtype (torch.{input.dtype}) does not match weight dtype "
                             f"(torch.{wdt}). Convert input: input.to(torch.{wdt}), or convert model: "
                             f"model.to(torch.{input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    def get_expected_hidden_size(self, input: Value, batch_sizes: Any) -> tuple[int, int, int]:  # noqa: A002
        if batch_sizes is not None:
            batch = int(batch_sizes[0])
        else:
            batch = input.shape[0] if self.batch_first else input.shape[1]
        return (self.num_layers * (2 if self.bidirectional else 1), batch,
                self.proj_size or self.hidden_size)

    def check_hidden_size(self, hx: Value, expected: tuple[int, int, int],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(msg.format(tuple(expected), list(hx.shape)))

    def check_forward_args(self, input: Value, hidden: Any, batch_sizes: Any) -> None:  # noqa: A002
        self.check_input(input, batch_sizes)
        expected = self.get_expected_hidden_size(input, batch_sizes)
        if self.mode != "LSTM":
            self.check_hidden_size(hidden, expected)
            return
        self.check_hidden_size(hidden[0], expected, "Expected hidden[0] size {}, got {}")
        cell = (expected[0], expected[1], self.hidden_size)
        self.check_hidden_size(hidden[1], cell, "Expected hidden[1] size {}, got {}")

    # ------------------------------------------------------------ forward
    def _zeros(self, batch: int, size: int, dtype: Any) -> Value:
        return zeros(self.num_layers * (2 if self.bidirectional else 1), batch, size, dtype=dtype)

    def _prepare(self, input: Any, hx: Any) -> tuple:  # noqa: A002
        """(input (T, B, *) or packed data, batch sizes, states as a tuple, sorted/unsorted indices,
        the unbatched axis to squeeze or None)."""
        lstm = self.mode == "LSTM"
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_idx, unsorted_idx = input
            sizes = [int(n) for n in np.asarray(batch_sizes.numpy())]
            if hx is not None and sorted_idx is not None:
                hx = tuple(h.index_select(1, sorted_idx) for h in (hx if lstm else (hx,)))
                hx = hx if lstm else hx[0]
            return data, sizes, hx, sorted_idx, unsorted_idx, None
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D "
                             f"{'tensor ' if not lstm and self.mode != 'GRU' else ''}instead")
        batched = input.dim() == 3
        squeeze = None if batched else (0 if self.batch_first else 1)
        if not batched:
            input = input.unsqueeze(squeeze)
        if hx is not None:
            dims = [h.dim() for h in hx] if lstm else [hx.dim()]
            want = 3 if batched else 2
            if any(d != want for d in dims):
                what = "hx and cx" if lstm else "hx"
                got = f"({dims[0]}-D, {dims[1]}-D) tensors" if lstm else f"{dims[0]}-D tensor"
                raise RuntimeError(f"For {'batched 3' if batched else 'unbatched 2'}-D input, {what} should "
                                   f"also be {want}-D but got {got}")
            if not batched:
                hx = tuple(h.unsqueeze(1) for h in hx) if lstm else hx.unsqueeze(1)
        return input, None, hx, None, None, squeeze

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:  # noqa: A002
        packed = isinstance(input, PackedSequence)
        lstm = self.mode == "LSTM"
        x, sizes, hx, sorted_idx, unsorted_idx, squeeze = self._prepare(input, hx)
        batch = sizes[0] if packed else (x.shape[0] if self.batch_first else x.shape[1])
        if hx is None:
            real_hidden = self.proj_size or self.hidden_size
            h0 = self._zeros(batch, real_hidden, x.dtype)
            hx = (h0, self._zeros(batch, self.hidden_size, x.dtype)) if lstm else h0
        self.check_forward_args(x, hx, sizes)
        states = tuple(hx) if lstm else (hx,)
        if self.batch_first and not packed:
            x = x.transpose(0, 1)
        directions = 2 if self.bidirectional else 1
        finals: list[State] = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(directions):
                k = layer * directions + d
                names = self._all_weights[k]
                w = {n.split("_l")[0]: getattr(self, n) for n in names}
                xw = F.linear(x, w["weight_ih"], w.get("bias_ih"))
                step = _stepper(self.mode, w["weight_hh"], w.get("bias_hh"), w.get("weight_hr"))
                out, final = _run_direction(step, xw, sizes, tuple(s[k] for s in states), d == 1)
                outs.append(out)
                finals.append(final)
            x = outs[0] if directions == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        hidden = tuple(stack([f[i] for f in finals]) for i in range(len(states)))
        if packed:
            if unsorted_idx is not None:
                hidden = tuple(h.index_select(1, unsorted_idx) for h in hidden)
            return PackedSequence(x, input.batch_sizes, sorted_idx, unsorted_idx), \
                (hidden if lstm else hidden[0])
        if self.batch_first:
            x = x.transpose(0, 1)
        if squeeze is not None:
            x = x.squeeze(squeeze)
            hidden = tuple(h.squeeze(1) for h in hidden)
        return x, (hidden if lstm else hidden[0])


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ``relu``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = "tanh" if mode == "RNN_TANH" else "relu"


class LSTM(RNNBase):
    """Long short-term memory; ``forward(input, (h0, c0))`` returns ``output, (h_n, c_n)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit, with PyTorch's ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# ---------------------------------------------------------------- the cells
class RNNCellBase(Module):
    """One time step: parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dtype = np.dtype(dtype or get_default_dtype())
        self.weight_ih = Parameter(np.empty((num_chunks * hidden_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((num_chunks * hidden_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(np.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _cell(self, input: Value, hx: Any) -> tuple[Value, tuple, bool]:  # noqa: A002
        """Check the input and the state(s) as PyTorch; returns (2-d input, 2-d states, batched)."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        states = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
        for i, h in enumerate(states):
            if h is not None and h.dim() not in (1, 2):
                what = f"hx[{i}]" if isinstance(hx, (tuple, list)) else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                               f"expected {self.input_size}")
        n = 2 if isinstance(self, LSTMCell) else 1
        if hx is None:
            states = tuple(zeros(input.shape[0], self.hidden_size, dtype=input.dtype) for _ in range(n))
        elif not batched:
            states = tuple(h.unsqueeze(0) for h in states)
        for i, h in enumerate(states):
            if h.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch "
                                   f"size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, "
                                   f"expected {self.hidden_size}")
        return input, states, batched

    def _step(self, input: Value, hx: Any, step: Callable) -> Any:  # noqa: A002
        x, states, batched = self._cell(input, hx)
        out = step(F.linear(x, self.weight_ih, self.bias_ih), states)
        out = out if batched else tuple(o.squeeze(0) for o in out)
        return out if len(out) == 2 else out[0]


class RNNCell(RNNCellBase):
    """``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or ``relu``)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Value, hx: Value | None = None) -> Value:  # noqa: A002
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        relu = self.nonlinearity == "relu"
        return self._step(input, hx, lambda xw, s: _rnn_step(xw, s, self.weight_hh, self.bias_hh, relu))


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h', c') = cell(x, (h, c))``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Value, hx: tuple[Value, Value] | None = None) -> tuple[Value, Value]:  # noqa: A002
        return self._step(input, hx, lambda xw, s: _lstm_step(xw, s, self.weight_hh, self.bias_hh))


class GRUCell(RNNCellBase):
    """One GRU step, gates r, z, n in PyTorch's order."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Value, hx: Value | None = None) -> Value:  # noqa: A002
        return self._step(input, hx, lambda xw, s: _gru_step(xw, s, self.weight_hh, self.bias_hh))
