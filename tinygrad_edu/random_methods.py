"""Floor 3: PyTorch's Tensor methods for random sampling and the in-place random fills.

A mixin of :class:`~tinygrad_edu.methods.Methods`. Sampling methods (``bernoulli``,
``multinomial``) return new values with no graph (a sample has no useful gradient). The fills
(``normal_``, ``uniform_``, ``exponential_``, ``geometric_``, ``log_normal_``, ``cauchy_``,
``random_``, ``bernoulli_``) draw numbers with numpy and write them with ``copy_``, so a leaf that
requires grad is refused outside ``no_grad`` and the version counter moves, as in PyTorch. Each
takes ``generator=`` (see :mod:`tinygrad_edu.random`); the top-level ``torch.bernoulli`` and
``torch.multinomial`` come from the twin rule in functions.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .random import Generator, rng

if TYPE_CHECKING:
    from .value import Value

__all__ = ["RandomMethods", "torch_dtype_name", "not_implemented"]

_TORCH_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
_C_NAMES = {"int64": "long", "int32": "int", "int16": "short", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool"}


def torch_dtype_name(dtype: Any) -> str:
    """PyTorch's scalar type name in kernel messages: 'Long' for int64, 'Float' for float32..."""
    name = np.dtype(dtype).name
    return _TORCH_NAMES.get(name, name)


def not_implemented(kernel: str, dtype: Any) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for ``dtype``."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_dtype_name(dtype)}\' '
                               f"(random floats need a float dtype: convert with .double() or .float())")


def _number(x: Any) -> float:
    return float(getattr(x, "_data", x))


class RandomMethods:
    """Mixin: random sampling methods and in-place random fills."""

    __slots__ = ()
    _data: Any
    _rg: bool

    def _fill(self, kernel: str, draw: Any, floats: bool = True) -> Value:
        if floats and self._data.dtype.kind != "f":
            raise not_implemented(kernel, self._data.dtype)
        return self.copy_(np.asarray(draw))  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ in-place fills
    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None) -> Value:
        """Fill in place with samples from N(mean, std**2)."""
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        return self._fill("normal_kernel_cpu", self._draw(generator, "normal", mean, std))

    def _draw(self, generator: Generator | None, how: str, *args: Any) -> np.ndarray:
        return getattr(rng(generator), how)(*args, np.shape(self._data))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Generator | None = None) -> Value:
        """Fill in place with samples uniform on [a, b)."""
        if self._data.dtype.kind != "f":
            raise not_implemented("check_uniform_bounds", self._data.dtype)
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
        return self._fill("uniform_", self._draw(generator, "uniform", a, b))

    def exponential_(self, lambd: float = 1.0, *, generator: Generator | None = None) -> Value:
        """Fill in place with samples from the exponential distribution of rate ``lambd``."""
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"Exponential distribution is a continuous probability distribution. "
                               f"dtype must be a floating point but you specified "
                               f"{torch_dtype_name(self._data.dtype)}")
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        return self._fill("exponential_", self._draw(generator, "exponential", 1.0 / lambd))

    def geometric_(self, p: float, *, generator: Generator | None = None) -> Value:
        """Fill in place with the number of trials up to the first success (1, 2, ...) at success
        probability ``p``; integer dtypes too."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
        return self._fill("geometric_", self._draw(generator, "geometric", p), floats=False)

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *,
                    generator: Generator | None = None) -> Value:
        """Fill in place with ``exp(N(mean, std**2))``."""
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
        return self._fill("log_normal", self._draw(generator, "lognormal", mean, std))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *,
                generator: Generator | None = None) -> Value:
        """Fill in place with samples from the Cauchy distribution ``median + sigma * tan(pi (U - 1/2))``."""
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
        return self._fill("cauchy", median + sigma * self._draw(generator, "standard_cauchy"))

    def random_(self, *bounds: int, generator: Generator | None = None, **kw: int) -> Value:
        """Fill in place with integers: ``random_()`` over [0, the largest integer the dtype holds
        exactly], ``random_(to)`` over [0, to), ``random_(from, to)`` over [from, to)."""
        if len(bounds) > 2 or set(kw) - {"to", "from"}:
            raise TypeError("random_() takes from=0, to=None and generator=")
        lo, hi = (0, bounds[0]) if len(bounds) == 1 else (bounds + (0, None))[:2]
        lo, hi = kw.get("from", lo), kw.get("to", hi)
        dt = self._data.dtype
        top = (2 ** (np.finfo(dt).nmant + 1) if dt.kind == "f" else 1 if dt.kind == "b"
               else int(np.iinfo(dt).max))
        if hi is None:
            lo, hi = lo, top + 1
        elif lo >= hi:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
        if dt.kind != "f" and (hi - 1 > top or lo < (0 if dt.kind == "b" else np.iinfo(dt).min)):
            raise RuntimeError(f"to - 1 is out of bounds for {_C_NAMES.get(dt.name, dt.name)}")
        return self._fill("random_", rng(generator).integers(lo, hi, np.shape(self._data)), floats=False)

    def bernoulli_(self, p: Any = 0.5, *, generator: Generator | None = None) -> Value:
        """Fill in place with 1 with probability ``p`` (a number or a value that broadcasts), else 0."""
        if not hasattr(p, "_data") and not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        probs = np.asarray(getattr(p, "_data", p))
        if probs.size and (probs.min() < 0 or probs.max() > 1):
            raise RuntimeError("bernoulli_ expects p to be in [0, 1]: Expected p_in >= 0 && p_in <= 1")
        draw = self._draw(generator, "random") < probs
        return self._fill("bernoulli_", draw, floats=False)

    # ------------------------------------------------------------------ sampling
    def bernoulli(self, p: float | None = None, *, generator: Generator | None = None) -> Value:
        """1 with probability given by each element (or by the number ``p``), else 0; this
        value's dtype, no graph."""
        data = self._data
        if data.dtype.kind != "f":
            raise not_implemented("bernoulli_tensor_cpu_p_", data.dtype)
        probs = data if p is None else np.float64(p)
        if np.size(probs) and (np.min(probs) < 0 or np.max(probs) > 1 or np.isnan(probs).any()):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        draw = self._draw(generator, "random") < probs
        return self._from_op(draw.astype(data.dtype), None)  # type: ignore[attr-defined]

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Generator | None = None) -> Value:
        """Indices drawn from each row's categorical distribution (weights need not sum to 1):
        shape ``(num_samples,)`` for a 1-D value, ``(rows, num_samples)`` for a 2-D one; int64."""
        p = self._data
        if p.dtype.kind != "f":
            raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                               f"{torch_dtype_name(p.dtype)}")
        if p.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if num_samples <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        if not replacement and num_samples > p.shape[-1]:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        rows = np.asarray(p, dtype=np.float64).reshape(-1, p.shape[-1])
        if not np.isfinite(rows).all() or (rows < 0).any():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (rows.sum(axis=1) <= 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        gen = rng(generator)
        if replacement:
            cdf = np.cumsum(rows, axis=1)
            u = gen.random((rows.shape[0], num_samples)) * cdf[:, -1:]
            out = np.stack([np.searchsorted(c, r, side="right") for c, r in zip(cdf, u)])
            out = np.minimum(out, rows.shape[1] - 1)
        else:  # PyTorch's way: the num_samples smallest of Exp(1) / p (zero weights come last)
            with np.errstate(divide="ignore"):
                keys = gen.exponential(1.0, rows.shape) / rows
            out = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
        out = out.astype(np.int64)
        return self._from_op(out[0] if p.ndim == 1 else out, None)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ dtype and device queries
    def byte(self) -> Value:
        """A uint8 copy (``x.to(uint8)``; negative numbers wrap around, as in PyTorch)."""
        return self.to(np.uint8)  # type: ignore[attr-defined]

    def char(self) -> Value:
        """An int8 copy (``x.to(int8)``)."""
        return self.to(np.int8)  # type: ignore[attr-defined]

    def short(self) -> Value:
        """An int16 copy (``x.to(int16)``)."""
        return self.to(np.int16)  # type: ignore[attr-defined]

    is_cpu = True

    def get_device(self) -> int:
        """-1: the CPU (PyTorch gives a GPU's index, or -1 on the CPU)."""
        return -1

    def is_signed(self) -> bool:
        """True for signed integer and float dtypes; False for uint8 and bool."""
        return self._data.dtype.kind in "if"

    def is_floating_point(self) -> bool:
        """True for a float dtype."""
        return self._data.dtype.kind == "f"

    def is_inference(self) -> bool:
        """False: values made under ``inference_mode`` are ordinary values here (no_grad's)."""
        return False
