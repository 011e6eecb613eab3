"""Floor 3: how a value prints, digit for digit as PyTorch prints it (``torch/_tensor_str.py``).

The rules, all PyTorch's:

- **One format for the whole tensor.** :class:`Formatter` looks at the nonzero finite numbers:
  when every one is a whole number it prints ``1.`` (integer mode); when the largest magnitude is
  more than 1000 times the smallest, above ``1e8`` or below ``1e-4`` it prints ``1.0000e+05``
  (scientific mode); otherwise ``precision`` decimals. Every element is padded to one width.
- **Lines** are at most ``linewidth`` characters (elements wrap under the first one); rows of a
  matrix go on their own lines, blocks of a 3-d tensor are parted by a blank line.
- **Summary**: past ``threshold`` elements only the first and last ``edgeitems`` of every
  dimension are shown, with ``...`` in between.
- **Suffixes** follow the numbers: ``size=`` for empty tensors that are not 1-d, ``dtype=`` when
  the dtype is not the default float dtype, int64 or bool, then ``grad_fn=``/``requires_grad=``.

The one difference (docs/pytorch-differences.md): the default float dtype is float64 here, and
both float64 (our default) and float32 (PyTorch's) print no dtype, so that a program's float32
tensors print as PyTorch prints them, and its Python-float tensors too. After
``set_default_dtype(float32)`` the rule is PyTorch's own: float64 tensors print
``dtype=torch.float64``.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import numpy as np

from .dtypes import get_default_dtype

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "PRINT_OPTS", "tensor_repr",
           "torch_dtype_name"]


class _PrintOptions:
    """The current options (one object, changed by :func:`set_printoptions`)."""

    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self) -> None:
        self.precision: int = 4
        self.threshold: float = 1000
        self.edgeitems: int = 3
        self.linewidth: int = 80
        self.sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """PyTorch's ``torch.set_printoptions``.

    ``precision``: decimals (4); ``threshold``: element count past which a tensor is summarised
    (1000); ``edgeitems``: items shown at each end of a summarised dimension (3); ``linewidth``
    (80); ``profile``: ``'default'``, ``'short'`` or ``'full'`` (no summary), overridden by the
    other arguments; ``sci_mode``: True/False forces scientific notation on or off, None (the
    default, and what every call without it sets) lets the numbers decide.

    >>> import tinygrad_edu as torch
    >>> torch.set_printoptions(precision=2)
    >>> torch.tensor([1.12345])
    tensor([1.12])
    >>> torch.set_printoptions(threshold=5)
    >>> torch.arange(10)
    tensor([0, 1, 2,  ..., 7, 8, 9])
    >>> torch.set_printoptions(profile="default")
    >>> torch.tensor([1.12345])
    tensor([1.1235])
    """
    if profile is not None and profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options, as keyword arguments for :func:`set_printoptions`."""
    return {name: getattr(PRINT_OPTS, name) for name in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the options inside a ``with`` block only."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def torch_dtype_name(dt: Any) -> str:
    """``'torch.float32'`` for numpy's float32 (PyTorch's name for the dtype)."""
    return "torch." + np.dtype(dt).name


class Formatter:
    """One number format and width for all the elements of a (real) array."""

    def __init__(self, arr: np.ndarray) -> None:
        self.floating = arr.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        p = PRINT_OPTS.precision
        flat = arr.reshape(-1)
        if not self.floating:
            for v in np.unique(flat).tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        nz = flat[np.isfinite(flat) & (flat != 0)]
        if nz.size == 0:
            return
        vals = np.unique(nz).tolist()
        mags = np.abs(nz.astype(np.float64))
        lo, hi = float(mags.min()), float(mags.max())
        self.int_mode = all(v == math.ceil(v) for v in vals)
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        if self.sci_mode:
            widths = [len(f"{v:.{p}e}") for v in vals]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in vals]  # the '.' that marks a float
        else:
            widths = [len(f"{v:.{p}f}") for v in vals]
        self.max_width = max(self.max_width, *widths)

    def width(self) -> int:
        return self.max_width

    def format(self, value: Any) -> str:
        p = PRINT_OPTS.precision
        if not self.floating:
            ret = f"{value}"
        elif self.sci_mode:
            ret = f"{value:{self.max_width}.{p}e}"
        elif self.int_mode:
            ret = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                ret += "."
        else:
            ret = f"{value:.{p}f}"
        return (self.max_width - len(ret)) * " " + ret


class _Pair:
    """Formats complex numbers: one :class:`Formatter` for the real parts, one for the imaginary."""

    def __init__(self, real: Formatter, imag: Formatter | None) -> None:
        self.real, self.imag = real, imag

    def width(self) -> int:
        return self.real.width() + (self.imag.width() + 1 if self.imag is not None else 0)

    def format(self, value: Any) -> str:
        if self.imag is None:
            return self.real.format(value)
        re = self.real.format(value.real)
        im = (self.imag.format(value.imag) + "j").lstrip()
        return re + im if im[0] in "+-" else re + "+" + im


def _vector_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Pair) -> str:
    edge = PRINT_OPTS.edgeitems
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width() + 2)))
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = ([fmt.format(v) for v in arr[:edge].tolist()] + [" ..."]
                + [fmt.format(v) for v in arr[-edge:].tolist()])
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nd_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Pair) -> str:
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    edge, n = PRINT_OPTS.edgeitems, arr.shape[0]
    if summarize and n > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(n - edge, n))
    else:
        rows = list(range(n))
    slices = ["..." if i is None else _nd_str(arr[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(arr: np.ndarray) -> np.ndarray:
    """The elements a summary shows (what PyTorch's ``get_summarized_data`` keeps)."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if not edge:  # a 1-d tensor keeps everything (arr[-0:] is all of it); n-d keeps nothing
        return arr if arr.ndim == 1 else np.empty([0] * arr.ndim, dtype=arr.dtype)
    index = [np.r_[0:edge, n - edge:n] if n > 2 * edge else np.arange(n) for n in arr.shape]
    return arr[np.ix_(*index)]


def tensor_str(arr: np.ndarray, indent: int) -> str:
    """The bracketed numbers of ``arr`` (without ``tensor(`` and the suffixes)."""
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    seen = _summarized(arr) if summarize else arr
    if arr.dtype.kind == "c":
        fmt = _Pair(Formatter(seen.real), Formatter(seen.imag))
    else:
        fmt = _Pair(Formatter(seen), None)
    return _nd_str(arr, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(data: Any, grad_fn: Any = None, requires_grad: bool = False,
                extra: list[str] | None = None, prefix: str = "tensor(") -> str:
    """PyTorch's ``repr`` of a tensor holding ``data``; ``extra`` suffixes go last (our
    ``name=``)."""
    arr = np.asarray(data)
    default = get_default_dtype()
    silent = {default, np.dtype(np.float32)}  # ours and PyTorch's default float dtype
    indent = len(prefix)
    suffixes = []
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if arr.dtype not in silent:
            suffixes.append("dtype=" + torch_dtype_name(arr.dtype))
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(arr.shape)}")
        complex_default = np.complex128 if default == np.float64 else np.complex64
        quiet = silent | {np.dtype(complex_default), np.dtype(np.complex64), np.dtype(np.int64),
                          np.dtype(np.bool_)}
        if arr.dtype not in quiet:
            suffixes.append("dtype=" + torch_dtype_name(arr.dtype))
        body = tensor_str(arr, indent)
    if grad_fn is not None:
        suffixes.append(f"grad_fn={grad_fn!r}")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    suffixes.extend(extra or [])
    return _add_suffixes(prefix + body, suffixes, indent)
