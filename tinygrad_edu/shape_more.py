"""Floor 3: PyTorch's Tensor methods for more shape and indexing methods.

A mixin of :class:`~tinygrad_edu.methods.Methods`: each method is a line or a few composing
existing ops, so gradients, higher order, version checks and explain come for free. Top-level twins
and in-place variants come from the rules in functions.py.

Splits (``split``, ``chunk``, ``unbind``, ``narrow``, ``select``) are basic indexing, so outside a
graph they are views sharing memory and version with self, as in PyTorch; ``diagonal`` too. Copies
(``flip``, ``roll``, ``repeat``, ``unfold``) read with an integer index or clone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .diagnostics import LEAF_INPLACE
from .dims import numpy_names, wrap_dim, wrap_dims
from .ops import Reshape, ScatterAdd, SetItem
from .shape_methods import shape_arg
from .state import GraphValue, grad_mode, state

if TYPE_CHECKING:
    from .value import Value

__all__ = ["MoreShapeMethods", "diag_index", "sizes_arg"]


def sizes_arg(sizes: tuple) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))`` and ``f(Size)`` all give (2, 3)."""
    return shape_arg(sizes)


def diag_index(n: int, m: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of diagonal ``offset`` of an (n, m) matrix."""
    length = max(0, min(n - max(-offset, 0), m - max(offset, 0)))
    k = np.arange(length)
    return k + max(-offset, 0), k + max(offset, 0)


def _ints(x: Any) -> list[int]:
    """A list of ints from an int, a sequence or a Value."""
    if isinstance(x, GraphValue):
        return [int(i) for i in np.ravel(x._data)]
    return [int(i) for i in x] if isinstance(x, (list, tuple)) else [int(x)]


class MoreShapeMethods:
    """Mixin: more shape and indexing methods."""

    __slots__ = ()
    _data: Any
    _rg: bool

    # ------------------------------------------------------------------ helpers
    def _along(self, dim: int, index: Any) -> Value:
        """``self[:, ..., index]`` with ``index`` at axis ``dim``."""
        return self[(slice(None),) * dim + (index,)]

    def _fresh(self, out: Value) -> Value:
        """``out``, copied if it shares memory with self (PyTorch's result is a new tensor)."""
        if type(out._data) is np.ndarray and np.may_share_memory(out._data, self._data):
            return out.clone()
        return out

    # ------------------------------------------------------------------ splits and views
    @numpy_names
    def split(self, split_size_or_sections: Any = None, dim: int = 0, *,
              split_size: Any = None) -> tuple[Value, ...]:
        """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes."""
        if split_size is not None:  # the method's keyword in PyTorch
            split_size_or_sections = split_size
        if isinstance(split_size_or_sections, (list, tuple)):
            return self.split_with_sizes(split_size_or_sections, dim)
        size, dim = int(split_size_or_sections), wrap_dim(dim, self.ndim)
        if self.ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        n = self.shape[dim]
        if size < 0 or (size == 0 and n):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                               f"size of {n}" if size == 0 else
                               f"split expects split_size be non-negative, but got split_size={size}")
        starts = range(0, n, size) if n else [0]
        return tuple(self.narrow(dim, s, min(size, n - s)) for s in starts)

    @numpy_names
    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple[Value, ...]:
        sizes, dim = _ints(split_sizes), wrap_dim(dim, self.ndim)
        n = self.shape[dim]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                               f"tensor's size at dimension {dim}), but got split_sizes={sizes}")
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(self.narrow(dim, int(s), k) for s, k in zip(starts, sizes))

    @numpy_names
    def chunk(self, chunks: int, dim: int = 0) -> tuple[Value, ...]:
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        dim = wrap_dim(dim, self.ndim)
        n = self.shape[dim]
        return self.split(-(-n // chunks), dim) if n else (self.narrow(dim, 0, 0),) * chunks

    @numpy_names
    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple[Value, ...]:
        """Split into ``n`` near-equal parts (the first ones one larger), or at the given indices."""
        dim = wrap_dim(dim, self.ndim)
        n = self.shape[dim]
        sections = indices_or_sections
        if isinstance(sections, GraphValue) and sections.ndim == 0:
            sections = int(sections.item())
        if isinstance(sections, (int, np.integer)):
            if sections <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
            big, rest = divmod(n, sections)
            bounds = np.cumsum([0] + [big + (i < rest) for i in range(sections)])
        else:
            bounds = [0] + _ints(sections) + [n]
        out = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            a, b = min(max(int(a) + n * (a < 0), 0), n), min(max(int(b) + n * (b < 0), 0), n)
            out.append(self.narrow(dim, a, max(b - a, 0)))
        return tuple(out)

    def _dsplit(self, name: str, dim: int, need: int, sections: Any) -> tuple[Value, ...]:
        if self.ndim < need:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, but got "
                               f"a tensor with {self.ndim} dimensions!")
        if isinstance(sections, (int, np.integer)) and (sections == 0 or self.shape[dim] % sections):
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of "
                               f"the dimension {self.shape[dim]} is not divisible by the split_size "
                               f"{sections}!")
        return self.tensor_split(sections, dim)

    def hsplit(self, sections: Any) -> tuple[Value, ...]:
        return self._dsplit("hsplit", 1 if self.ndim > 1 else 0, 1, sections)

    def vsplit(self, sections: Any) -> tuple[Value, ...]:
        return self._dsplit("vsplit", 0, 2, sections)

    def dsplit(self, sections: Any) -> tuple[Value, ...]:
        return self._dsplit("dsplit", 2, 3, sections)

    @numpy_names
    def unbind(self, dim: int = 0) -> tuple[Value, ...]:
        if self.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        dim = wrap_dim(dim, self.ndim)
        return tuple(self.select(dim, i) for i in range(self.shape[dim]))

    @numpy_names
    def narrow(self, dim: int, start: Any, length: int) -> Value:
        """``length`` elements from ``start`` along ``dim`` (a view outside a graph)."""
        if self.ndim == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        dim, start = wrap_dim(dim, self.ndim), int(start)
        n = self.shape[dim]
        if not -n <= start <= n:
            raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                             f"{start})")
        start += n if start < 0 else 0
        if length < 0 or start + length > n:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
        return self._along(dim, slice(start, start + length))

    @numpy_names
    def select(self, dim: int, index: Any) -> Value:
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        dim, index = wrap_dim(dim, self.ndim), int(index)
        n = self.shape[dim]
        if not -n <= index < n:
            raise IndexError(f"select(): index {index} out of range for tensor of size "
                             f"{list(self.shape)} at dimension {dim}")
        return self._along(dim, index)

    @numpy_names
    def unflatten(self, dim: int, sizes: Any) -> Value:
        dim, sizes = wrap_dim(dim, self.ndim), tuple(_ints(sizes))
        if not sizes:
            raise RuntimeError("unflatten: sizes must be non-empty")
        known = math.prod(s for s in sizes if s != -1)
        if (-1 not in sizes and known != self.shape[dim]) or (known and self.shape[dim] % known):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size "
                               f"of dim {dim} ({self.shape[dim]}) in the input tensor")
        return self.reshape(self.shape[:dim] + sizes + self.shape[dim + 1:])

    def movedim(self, source: Any, destination: Any) -> Value:
        src, dst = _ints(source), _ints(destination)
        if len(src) != len(dst):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                               f"should contain the same number of dims as destination ({dst} dims)")
        src = list(wrap_dims(src, self.ndim, repeat=f"movedim: repeated dim in `source` ({src})"))
        dst = list(wrap_dims(dst, self.ndim, repeat=f"movedim: repeated dim in `destination` ({dst})"))
        order = [d for d in range(self.ndim) if d not in src]
        perm = [0] * self.ndim
        for s, d in zip(src, dst):
            perm[d] = s
        rest = iter(order)
        perm = [perm[i] if i in dst else next(rest) for i in range(self.ndim)]
        return self.permute(perm) if self.ndim else self

    moveaxis = movedim

    def swapdims(self, dim0: int, dim1: int) -> Value:
        return self.transpose(dim0, dim1)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Value:
        """The diagonal ``offset`` of the matrices in axes ``dim1``, ``dim2``, as the last axis
        (a writable view outside a graph, as in PyTorch)."""
        d1, d2 = wrap_dim(dim1, self.ndim), wrap_dim(dim2, self.ndim)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        if not (self._rg and grad_mode.enabled) and type(self._data) is np.ndarray:
            view = np.diagonal(self._data, offset, d1, d2)
            view.flags.writeable = self._data.flags.writeable
            return self._view(view, shared_version=True)
        rows, cols = diag_index(self.shape[d1], self.shape[d2], offset)
        return self.movedim((d1, d2), (-2, -1))[..., rows, cols]

    def diag(self, diagonal: int = 0) -> Value:
        """A 1-D value as the diagonal of a matrix, or a matrix's diagonal as a 1-D value."""
        if self.ndim == 2:
            return self._fresh(self.diagonal(diagonal))
        if self.ndim != 1:
            raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")
        n = self.shape[0] + abs(diagonal)
        return ScatterAdd.apply(self, index=diag_index(n, n, diagonal), shape=(n, n))

    def diagflat(self, offset: int = 0) -> Value:
        return self.reshape(-1).diag(offset)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Value:
        """Matrices whose diagonal ``offset`` (in axes ``dim1``, ``dim2``) holds the last axis."""
        d1, d2 = wrap_dim(dim1, self.ndim + 1), wrap_dim(dim2, self.ndim + 1)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        n = (self.shape[-1] if self.ndim else 1) + abs(offset)
        rows, cols = diag_index(n, n, offset)
        out = ScatterAdd.apply(self, index=(Ellipsis, rows, cols), shape=self.shape[:-1] + (n, n))
        return out.movedim((-2, -1), (d1, d2))

    def unfold(self, dimension: int, size: int, step: int) -> Value:
        """Every window of ``size`` elements along ``dimension``, ``step`` apart, as a new last axis."""
        dim = wrap_dim(dimension, self.ndim)
        n = self.shape[dim] if self.ndim else 1
        if size > n:
            raise RuntimeError(f"maximum size for tensor at dimension {dim} is {n} but size is {size}")
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        if self.ndim == 0:
            return self.reshape(1)
        idx = np.arange(0, n - size + 1, step)[:, None] + np.arange(size)
        return self._along(dim, idx).movedim(dim + 1, -1)

    # ------------------------------------------------------------------ copies that move numbers
    def flip(self, *dims: Any) -> Value:
        dims = wrap_dims(sizes_arg(dims), self.ndim)
        index = tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(self.ndim))
        return self._fresh(self[index]) if dims and self.ndim else self.clone()

    def fliplr(self) -> Value:
        if self.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self) -> Value:
        if self.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Value:
        dims = list(dims)
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        if self.ndim < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {self.ndim}")
        d0, d1 = wrap_dim(dims[0], self.ndim), wrap_dim(dims[1], self.ndim)
        if d0 == d1:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                               f"dim1 = {d1}")
        k %= 4
        if k == 1:
            return self.flip(d1).transpose(d0, d1)
        if k == 2:
            return self.flip(d0, d1)
        return self.flip(d0).transpose(d0, d1) if k == 3 else self.clone()

    def roll(self, shifts: Any, dims: Any = None) -> Value:
        shifts = _ints(shifts)
        if dims is None:
            if len(shifts) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        dims = _ints(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        out = self
        for s, d in zip(shifts, dims):
            d = wrap_dim(d, self.ndim)
            n = self.shape[d] if self.ndim else 1
            out = out._along(d, (np.arange(n) - s) % max(n, 1)) if self.ndim else out.clone()
        return out

    def repeat(self, *sizes: Any) -> Value:
        """Tile self ``sizes[i]`` times along axis i (extra leading sizes add axes)."""
        reps = sizes_arg(sizes)
        if len(reps) < self.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                               "dimensions of tensor")
        if any(r < 0 for r in reps):
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(reps)}: {list(reps)}")
        shape = (1,) * (len(reps) - self.ndim) + tuple(self.shape)
        x = self.reshape(tuple(v for s in shape for v in (1, s)))
        out = x.expand(tuple(v for r, s in zip(reps, shape) for v in (r, s)))
        return self._fresh(out.reshape(tuple(r * s for r, s in zip(reps, shape))))

    def tile(self, *dims: Any) -> Value:
        reps = sizes_arg(dims)
        return self.repeat((1,) * (self.ndim - len(reps)) + reps)

    def _tri(self, name: str, diagonal: int, lower: bool) -> Value:
        if self.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        n, m = self.shape[-2:]
        keep = np.tri(n, m, diagonal, dtype=bool) if lower else ~np.tri(n, m, diagonal - 1, dtype=bool)
        return self.masked_fill(~keep, 0)

    def tril(self, diagonal: int = 0) -> Value:
        """The lower triangle (on and below diagonal ``diagonal``); zeros above."""
        return self._tri("tril", diagonal, True)

    def triu(self, diagonal: int = 0) -> Value:
        """The upper triangle (on and above diagonal ``diagonal``); zeros below."""
        return self._tri("triu", diagonal, False)

    def contiguous(self, memory_format: Any = None) -> Value:
        """Self if its numbers are laid out row-major, else a row-major copy."""
        if self.is_contiguous():
            return self
        if self.ndim > 1:
            return Reshape.apply(Reshape.apply(self, shape=(self.numel(),)), shape=self.shape)
        return self + np.zeros((), self.dtype)

    def is_contiguous(self, memory_format: Any = None) -> bool:
        return type(self._data) is not np.ndarray or bool(self._data.flags.c_contiguous)

    def ravel(self) -> Value:
        return self.contiguous().reshape(-1)

    def nelement(self) -> int:
        return self.numel()

    def ndimension(self) -> int:
        return self.ndim

    def sum_to_size(self, *size: Any) -> Value:
        """Sum self down to ``size`` (the shape it was broadcast from)."""
        shape = sizes_arg(size)
        lead = self.ndim - len(shape)
        if lead < 0 or any(s != 1 and s != t for s, t in zip(shape, self.shape[lead:])):
            raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(self.shape)}}}.")
        out = self.sum(tuple(range(lead))) if lead else self
        axes = tuple(i for i, (s, t) in enumerate(zip(shape, out.shape)) if s == 1 and t != 1)
        return out.sum(axes, keepdim=True) if axes else out

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Value:
        """Write ``fill_value`` on the main diagonal in place (all axes equal beyond 2-D; a tall
        matrix with ``wrap=True`` starts again every ``cols + 1`` rows, as numpy's)."""
        if self.ndim < 2:
            raise RuntimeError("dimensions must larger than 1")
        if self.ndim > 2 and len(set(self.shape)) > 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        n, m = self.shape[0], self.shape[-1]
        if self.ndim > 2:
            index = (np.arange(n),) * self.ndim
        else:
            flat = np.arange(0, n * m if wrap else min(n, m) * m, m + 1)
            index = (flat // m, flat % m)
        value = fill_value if isinstance(fill_value, GraphValue) else np.asarray(fill_value, self.dtype)
        return self._assign(lambda x: SetItem.apply(x, value, index=index))

    # ------------------------------------------------------------------ shape changes in place
    def _reshape_in_place(self, method: str, *args: Any) -> Value:
        """``x.squeeze_()`` and kin: x takes the numbers (a view of its own) and node of
        ``x.squeeze()``, and counts a version, as PyTorch does."""
        graph = grad_mode.enabled and self._rg
        if graph and self.grad_fn is None:
            raise RuntimeError(LEAF_INPLACE)
        source = self
        if graph:  # the op reads an alias holding x's current node, so x's new node points back to it
            source = self._view(self._data, shared_version=True)
            source.grad_fn, source._rg = self.grad_fn, True
        out = getattr(source, method)(*args)
        self._data, self._peers = out._data, None
        if graph:
            self.__dict__.setdefault("_history", [self.grad_fn])
            self._history.append(out.grad_fn)
            self.grad_fn = out.grad_fn
        state.epoch += 1
        vc = self._counter()
        vc[0], vc[1] = vc[0] + 1, state.epoch
        return self

    @numpy_names
    def squeeze_(self, dim: Any = None) -> Value:
        return self._reshape_in_place("squeeze", dim)

    @numpy_names
    def unsqueeze_(self, dim: int) -> Value:
        return self._reshape_in_place("unsqueeze", dim)

    def t_(self) -> Value:
        if self.ndim > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self._reshape_in_place("t")

    def transpose_(self, dim0: int, dim1: int) -> Value:
        return self._reshape_in_place("transpose", dim0, dim1)

    def swapaxes_(self, axis0: int, axis1: int) -> Value:
        return self._reshape_in_place("transpose", axis0, axis1)

    swapdims_ = swapaxes_
