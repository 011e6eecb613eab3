"""Floor 4: PyTorch's random factories and the small top-level names learner programs call.

- Random factories (``rand``, ``randn``, ``randint``, ``randperm``, ``normal``, ``poisson``, the
  ``*_like`` ones) take sizes as :func:`~tinygrad_edu.creation.size_arg` does and ``generator=``;
  ``get_rng_state``/``set_rng_state`` save and restore the global generator. The same seed gives
  the same numbers here, not PyTorch's numbers.
- Window functions (``hann_window``, ``hamming_window``, ``blackman_window``,
  ``bartlett_window``, ``kaiser_window``) with PyTorch's formulas.
- Dtype queries: ``finfo``, ``iinfo``, ``promote_types``, ``result_type``, ``can_cast``.
- Switches PyTorch programs set at the top (deterministic algorithms, warn-always, anomaly mode,
  ``set_default_tensor_type``) and the constants ``e``, ``pi``, ``inf``, ``nan``, ``newaxis``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .creation import factory_kw, new_value, size_arg
from .dtypes import as_data, get_default_dtype, set_default_dtype
from .random import Generator, get_rng_state, rng, set_rng_state
from .random_methods import not_implemented, torch_dtype_name
from .state import state
from .torch_types import dtype_of_type_name
from .value import Value

__all__ = ["rand", "randn", "randint", "randint_like", "rand_like", "randn_like", "randperm",
           "normal", "poisson", "binomial", "get_rng_state", "set_rng_state", "finfo", "iinfo",
           "promote_types", "result_type", "can_cast", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "set_warn_always",
           "is_warn_always_enabled", "is_anomaly_enabled", "set_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "set_default_tensor_type", "e", "pi", "inf", "nan",
           "newaxis", "hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]

e, pi, inf, nan, newaxis = math.e, math.pi, math.inf, math.nan, None

Generator.as_value = staticmethod(Value)  # get_state() hands out a uint8 value, as PyTorch


# ---------------------------------------------------------------------- random factories
def _float_dtype(kernel: str, dtype: Any) -> np.dtype:
    dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
    if dtype.kind != "f":
        raise not_implemented(kernel, dtype)
    return dtype


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None, **kw: Any) -> Value:
    """Uniform on [0, 1): ``rand(2, 3)``, ``rand((2, 3))`` or ``rand(size=(2, 3))``."""
    shape = size_arg("rand", size, factory_kw(kw))
    dtype = _float_dtype("check_uniform_bounds", dtype)
    return new_value(rng(generator).random(shape), dtype, requires_grad, device)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None, **kw: Any) -> Value:
    """Standard normal: ``randn(2, 3)``, ``randn((2, 3))`` or ``randn(size=(2, 3))``."""
    shape = size_arg("randn", size, factory_kw(kw))
    dtype = _float_dtype("normal_kernel_cpu", dtype)
    return new_value(rng(generator).standard_normal(shape), dtype, requires_grad, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None, requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """Samples from N(mean, std**2), in PyTorch's four forms: ``normal(mean_t, std_t)`` (they
    broadcast), ``normal(mean_t, 1.0)``, ``normal(0.0, std_t)`` (a value's dtype, one sample per
    element), and ``normal(0.0, 1.0, size)`` with numbers (the default float dtype). No graph."""
    tensors = [x for x in (mean, std) if isinstance(x, Value)]
    if tensors and (size is not None or "size" in kw):
        raise TypeError("normal() received an invalid combination of arguments - got (Tensor, ..., "
                        "size=...): size= goes with numbers for mean and std")
    if not tensors and size is None and "size" not in kw:
        raise TypeError("normal() received an invalid combination of arguments - got (float, float): "
                        "with numbers for mean and std, pass size=, e.g. normal(0.0, 1.0, size=(2, 3))")
    m, s = as_data(mean), as_data(std)
    if np.any(s < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0" if isinstance(std, Value) else
                           f"normal expects std >= 0.0, but found std {float(np.min(s)):g}")
    if tensors:
        for t in tensors:
            if t.dtype.kind != "f":
                raise not_implemented("normal_kernel_cpu", t.dtype)
        a, b = np.shape(m), np.shape(s)
        for i in range(1, max(len(a), len(b)) + 1):
            da, db = (a[-i] if i <= len(a) else 1), (b[-i] if i <= len(b) else 1)
            if da != db and 1 not in (da, db):
                raise RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                                   f"({db}) at non-singleton dimension {max(len(a), len(b)) - i}")
        shape = np.broadcast_shapes(a, b)
        dtype = dtype or np.result_type(*(t.dtype for t in tensors))
    else:
        shape = size_arg("normal", (), size if size is not None else factory_kw(kw))
        dtype = _float_dtype("normal_kernel_cpu", dtype)
    data = m + s * rng(generator).standard_normal(shape)
    return new_value(np.asarray(data, dtype=np.float64), dtype, requires_grad, device)


def randint(low: int = 0, high: Any = None, size: Any = None, *, generator: Generator | None = None,
            dtype: Any = None, requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """Integers in [low, high), int64 unless ``dtype`` says otherwise: ``randint(10, (3,))`` (low
    0), ``randint(2, 10, (3,))``, ``randint(10, size=(3,))``, ``randint(low=2, high=10, size=(3,))``."""
    if isinstance(high, (tuple, list)) and size is None:
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    size = size if size is not None else factory_kw(kw)
    if size is None:
        raise TypeError("randint() received an invalid combination of arguments - got no size: "
                        "pass it, e.g. randint(10, (3,)) or randint(0, 10, size=(3,))")
    low, high = int(low), int(high)
    shape = size_arg("randint", (), size)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = np.dtype(dtype or np.int64)
    if dtype.kind in "iub":
        info = np.iinfo(dtype) if dtype.kind != "b" else np.iinfo(np.uint8)
        top = 1 if dtype.kind == "b" else info.max
        name = {"b": "bool", "u": "unsigned char"}.get(dtype.kind, dtype.name)
        for word, bad in (("to - 1", high - 1 > top), ("from", low < info.min)):
            if bad:
                raise RuntimeError(f"{word} is out of bounds for {name}")
    out = rng(generator).integers(low, high, size=shape, dtype=np.int64)
    return new_value(np.asarray(out), dtype, requires_grad, device)


def randint_like(x: Any, low: int = 0, high: int | None = None, *, generator: Generator | None = None,
                 dtype: Any = None, requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """Integers in [low, high) (``randint_like(x, 10)``: in [0, 10)) of x's shape and dtype."""
    factory_kw(kw, sized=False)
    if high is None:
        low, high = 0, low
    data = as_data(x)
    return randint(low, high, np.shape(data), generator=generator, dtype=dtype or data.dtype,
                   requires_grad=requires_grad, device=device)


def rand_like(x: Any, *, generator: Generator | None = None, dtype: Any = None,
              requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """Uniform on [0, 1) in x's shape and dtype (which must be a float dtype)."""
    factory_kw(kw, sized=False)
    data = as_data(x)
    return rand(np.shape(data), generator=generator, dtype=dtype or data.dtype,
                requires_grad=requires_grad, device=device)


def randn_like(x: Any, *, generator: Generator | None = None, dtype: Any = None,
               requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """Standard normal in x's shape and dtype (which must be a float dtype)."""
    factory_kw(kw, sized=False)
    data = as_data(x)
    return randn(np.shape(data), generator=generator, dtype=dtype or data.dtype,
                 requires_grad=requires_grad, device=device)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """A random permutation of ``0 .. n-1`` (int64 unless ``dtype`` says otherwise)."""
    factory_kw(kw, sized=False)
    (n,) = size_arg("randperm", (n,))
    return new_value(rng(generator).permutation(n).astype(np.int64), np.dtype(dtype or np.int64),
                     requires_grad, device)


def poisson(input: Any, generator: Generator | None = None) -> Value:
    """A Poisson sample for each rate in ``input`` (a float value of non-negative rates), in its
    dtype; no graph."""
    rates = as_data(input)
    if rates.dtype.kind != "f":
        raise not_implemented("poisson_cpu", rates.dtype)
    if np.any(rates < 0) or np.any(np.isnan(rates)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return Value(rng(generator).poisson(rates).astype(rates.dtype))


def binomial(count: Any, prob: Any, generator: Generator | None = None) -> Value:
    """The number of successes in ``count`` trials of success probability ``prob`` (float values
    that broadcast), in their dtype; no graph. As PyTorch, a negative count gives 0 and ``prob``
    outside [0, 1] is clamped."""
    n, p = as_data(count), as_data(prob)
    if n.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{torch_dtype_name(n.dtype)}")
    try:
        shape = np.broadcast_shapes(np.shape(n), np.shape(p))
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({np.shape(n)[-1]}) must match the size of tensor b "
                           f"({np.shape(p)[-1]}) at non-singleton dimension 0") from None
    draw = rng(generator).binomial(np.maximum(np.nan_to_num(n), 0).astype(np.int64),
                                   np.clip(np.nan_to_num(p), 0, 1), shape)
    return Value(draw.astype(n.dtype))


# ---------------------------------------------------------------------- window functions
def _window(kind: str, window_length: int, periodic: bool, dtype: Any, requires_grad: bool,
            device: Any, **kw: float) -> Value:
    """PyTorch's window functions, with its formulas (``periodic``: a window of N + 1 points
    without its last, for spectral analysis)."""
    name = f"{kind}_window"
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    dt = np.dtype(dtype) if dtype is not None else get_default_dtype()
    if dt.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt}")
    m = window_length + 1 if periodic else window_length
    n = np.arange(m, dtype=np.float64)
    if window_length <= 1:
        w = np.ones(window_length)
    elif kind in ("hann", "hamming"):
        w = kw["alpha"] - kw["beta"] * np.cos(n * (2 * math.pi / (m - 1)))
    elif kind == "blackman":
        x = n * (math.pi / (m - 1))
        w = 0.08 * np.cos(4 * x) - 0.5 * np.cos(2 * x) + 0.42
    elif kind == "bartlett":
        x, half = n * (2.0 / (m - 1)), ((m - 1) >> 1) + 1
        w = np.concatenate([x[:half], 2 - x[half:]])
    else:  # kaiser
        centre = (m - 1) / 2.0
        w = np.i0(kw["beta"] * np.sqrt(1 - ((n - centre) / centre) ** 2)) / np.i0(kw["beta"])
    return new_value(w[:window_length], dt, requires_grad, device)


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """``0.5 - 0.5 cos(2 pi n / (N - 1))``."""
    factory_kw(kw, sized=False)
    return _window("hann", window_length, periodic, dtype, requires_grad, device, alpha=0.5, beta=0.5)


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype: Any = None, requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """``alpha - beta cos(2 pi n / (N - 1))``."""
    factory_kw(kw, sized=False)
    return _window("hamming", window_length, periodic, dtype, requires_grad, device, alpha=alpha, beta=beta)


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``."""
    factory_kw(kw, sized=False)
    return _window("blackman", window_length, periodic, dtype, requires_grad, device)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """The triangle ``1 - |2n / (N - 1) - 1|``."""
    factory_kw(kw, sized=False)
    return _window("bartlett", window_length, periodic, dtype, requires_grad, device)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype: Any = None,
                  requires_grad: bool = False, device: Any = None, **kw: Any) -> Value:
    """``I0(beta sqrt(1 - ((n - c) / c)^2)) / I0(beta)`` with ``c = (N - 1) / 2``."""
    factory_kw(kw, sized=False)
    return _window("kaiser", window_length, periodic, dtype, requires_grad, device, beta=beta)


# ---------------------------------------------------------------------- dtype queries
class finfo:
    """Limits of a float dtype (the default float dtype without an argument), as Python floats:
    ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution``, ``dtype``."""

    def __init__(self, type: Any = None) -> None:
        dt = np.dtype(type if type is not None else get_default_dtype())
        if dt.kind != "f":
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo "
                            f"to handle '{dt}'")
        info = np.finfo(dt)
        self.bits, self.dtype = int(info.bits), dt.name
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer (or bool) dtype, as Python ints: ``bits``, ``max``, ``min``, ``dtype``."""

    def __init__(self, type: Any) -> None:
        dt = np.dtype(type)
        if dt.kind not in "iub":
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to "
                            f"handle '{dt}'")
        info = np.iinfo(dt) if dt.kind != "b" else None
        self.bits = 8 if info is None else int(info.bits)
        self.max, self.min = (1, 0) if info is None else (int(info.max), int(info.min))
        self.dtype = dt.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def _category(dt: np.dtype) -> int:
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}[dt.kind]


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """PyTorch's promotion of two dtypes: the higher category wins (bool < integer < float <
    complex: ``promote_types(int64, float32)`` is float32, where numpy says float64); within a
    category, the wider type (``uint8`` with ``int8`` gives ``int16``)."""
    a, b = np.dtype(type1), np.dtype(type2)
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _operand(x: Any) -> tuple[int, np.dtype]:
    """(priority, dtype): a value with dimensions 2, a 0-d value 1, a Python number 0."""
    if isinstance(x, Value):
        return (2 if x.ndim else 1), x.dtype
    if isinstance(x, (bool, np.bool_)):
        return 0, np.dtype(np.bool_)
    if isinstance(x, (int, np.integer)):
        return 0, np.dtype(np.int64)
    if isinstance(x, (float, np.floating)):
        return 0, get_default_dtype()
    if isinstance(x, complex):
        return 0, np.dtype(np.complex128)
    raise TypeError(f"result_type(): expected Tensor or Number, got {type(x).__name__}")


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """PyTorch's combine_categories: a lower-ranked operand counts only if of a higher category."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind in "fc" and _category(higher) >= _category(lower):
        return higher
    if higher.kind == "b" or lower.kind in "fc":
        return promote_types(higher, lower)
    return higher


def result_type(tensor1: Any, tensor2: Any) -> np.dtype:
    """The dtype of an arithmetic result of the two operands, by PyTorch's rules: values with
    dimensions decide before 0-d values, which decide before Python numbers, unless the lower
    ranked operand is of a higher category (``result_type(int_vector, 1.0)`` is the default float
    dtype; ``result_type(float32_vector, float64_scalar_value)`` is float32)."""
    ranks: list[np.dtype | None] = [None, None, None]  # Python numbers, 0-d values, the others
    for rank, dt in (_operand(tensor1), _operand(tensor2)):
        ranks[rank] = dt if ranks[rank] is None else promote_types(ranks[rank], dt)
    return _combine(ranks[2], _combine(ranks[1], ranks[0]))  # type: ignore[return-value]


def can_cast(from_: Any, to: Any) -> bool:
    """True when PyTorch's type promotion may cast ``from_`` to ``to``: never to a lower category
    (float to int, int to bool), any width within one."""
    return _category(np.dtype(from_)) <= _category(np.dtype(to))


# ---------------------------------------------------------------------- switches
_flags: dict[str, Any] = {"deterministic": False, "warn_only": False, "warn_always": False, "check_nan": True}
_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded and reported back; every algorithm here is deterministic already (numpy on the CPU)."""
    _flags["deterministic"], _flags["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _flags["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _flags["warn_only"]


def set_deterministic_debug_mode(debug_mode: int | str) -> None:
    """0/'default', 1/'warn' or 2/'error': the same as ``use_deterministic_algorithms``."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    return 0 if not _flags["deterministic"] else 1 if _flags["warn_only"] else 2


def set_warn_always(b: bool) -> None:
    """Recorded only: tinygrad_edu's warnings follow Python's ``warnings`` filters."""
    _flags["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _flags["warn_always"]


def is_anomaly_enabled() -> bool:
    """True inside ``autograd.detect_anomaly()`` (or after ``set_anomaly_enabled(True)``)."""
    return bool(state.anomaly)


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly mode on or off (what ``autograd.detect_anomaly`` does for its block)."""
    state.anomaly, _flags["check_nan"] = bool(enabled), bool(check_nan)


def is_anomaly_check_nan_enabled() -> bool:
    return _flags["check_nan"]


def set_default_tensor_type(t: Any) -> None:
    """Deprecated in PyTorch: ``set_default_tensor_type(torch.DoubleTensor)`` or
    ``('torch.FloatTensor')`` sets the default float dtype (use ``set_default_dtype``)."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    dt = dtype_of_type_name(name)
    if dt.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type (got {name})")
    set_default_dtype(dt)

