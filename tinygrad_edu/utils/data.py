"""``Dataset``, ``TensorDataset`` and ``DataLoader``, as ``torch.utils.data`` has them."""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..dtypes import as_data
from ..random import Generator, rng
from ..value import Value

__all__ = ["Dataset", "TensorDataset", "DataLoader", "default_collate"]


class Dataset:
    """Anything with ``__getitem__(i)`` and ``__len__()``."""

    def __getitem__(self, index: int) -> Any:  # pragma: no cover
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __len__(self) -> int:  # pragma: no cover
        raise NotImplementedError("Subclasses of Dataset should implement __len__.")


class TensorDataset(Dataset):
    """Samples are ``(t1[i], t2[i], ...)``; every tensor must have the same first dimension."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        tensors = tuple(t if isinstance(t, Value) else Value(as_data(t)) for t in tensors)
        sizes = [t.shape[0] if t.shape else None for t in tensors]
        if None in sizes or len(set(sizes)) != 1:
            raise ValueError(
                f"Size mismatch between tensors: first dimensions are {sizes}; every tensor of a "
                f"TensorDataset needs the same number of samples along axis 0"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Value, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples: Values and arrays into one Value, tuples field by field."""
    first = batch[0]
    if isinstance(first, (tuple, list)):
        return [default_collate([s[i] for s in batch]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: default_collate([s[k] for s in batch]) for k in first}
    return Value(np.stack([np.asarray(s._data if isinstance(s, Value) else as_data(s)) for s in batch]))


class DataLoader:
    """Batches of a dataset. ``next(iter(loader))`` is a list ``[xb, yb]`` of stacked batches.

    With ``shuffle=True`` every epoch draws a new order from ``generator`` (default: the global
    one, see ``manual_seed``). A TensorDataset is collated with one fancy index per tensor,
    not sample by sample.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: Generator | None = None,
                 collate_fn: Callable[[list], Any] | None = None, **ignored: Any) -> None:
        if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                                       or batch_size <= 0):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle
        self.drop_last, self.generator, self.collate_fn = drop_last, generator, collate_fn

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        return rng(self.generator).permutation(n) if self.shuffle else np.arange(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        bs = self.batch_size or 1
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is None
        for start in range(0, len(order), bs):
            idx = order[start:start + bs]
            if len(idx) < bs and self.drop_last:
                return
            if self.batch_size is None:
                yield self.dataset[int(idx[0])]
            elif fast:
                yield [Value(t._data[idx]) for t in self.dataset.tensors]
            else:
                collate = self.collate_fn or default_collate
                yield collate([self.dataset[int(i)] for i in idx])
