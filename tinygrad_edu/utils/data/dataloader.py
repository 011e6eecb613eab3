"""``DataLoader``: batches of a dataset, as ``torch.utils.data.DataLoader`` makes them."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ...random import Generator
from ...value import Value
from .collate import default_collate, default_convert
from .dataset import Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader"]


def _tensor_rows(dataset: Any, indices: list[int]) -> tuple[tuple[Value, ...], np.ndarray] | None:
    """The tensors and row numbers behind a plain TensorDataset (maybe inside plain Subsets)."""
    rows = np.asarray(indices, dtype=np.int64)
    while type(dataset) is Subset:
        rows = np.asarray(dataset.indices, dtype=np.int64)[rows]
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset:
        return None
    return dataset.tensors, rows


class DataLoader:
    """Batches of a dataset. ``next(iter(loader))`` is a list ``[xb, yb]`` of stacked batches.

    Indices come from ``sampler`` (default: ``SequentialSampler``, or ``RandomSampler`` with
    ``shuffle=True``, which draws a new order every epoch from ``generator``, default the global
    one) grouped by a ``BatchSampler(sampler, batch_size, drop_last)``, or from your own
    ``batch_sampler``. Each batch is ``collate_fn(list of samples)`` (default
    ``default_collate``). With ``batch_size=None`` there is no batching: each item is
    ``collate_fn(dataset[i])`` (default ``default_convert``).

    Everything is loaded in this process: ``num_workers``, ``pin_memory``, ``timeout``,
    ``worker_init_fn``, ``multiprocessing_context``, ``prefetch_factor``,
    ``persistent_workers``, ``pin_memory_device`` and ``in_order`` are accepted and ignored.
    A TensorDataset (or a Subset of one, as ``random_split`` makes) with the default collate is
    batched with one fancy index per tensor, not sample by sample.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Iterable[Any] | None = None, batch_sampler: Iterable[list[Any]] | None = None,
                 num_workers: int = 0, collate_fn: Callable[[Any], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None, multiprocessing_context: Any = None,
                 generator: Generator | None = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                    "and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        self._own_batches = batch_size is not None and batch_sampler is None
        if self._own_batches:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers = num_workers
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        if self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        order = self.sampler.order() if self._own_batches and hasattr(self.sampler, "order") else None
        if order is not None:  # the same indices as the BatchSampler gives, sliced from one array
            stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
            for start in range(0, stop, self.batch_size):
                yield self._batch(order[start:start + self.batch_size])
            return
        for indices in self.batch_sampler:
            yield self._batch(list(indices))

    def _batch(self, indices: Any) -> Any:
        if self.collate_fn is default_collate and len(indices):
            found = _tensor_rows(self.dataset, indices)
            if found is not None:
                tensors, rows = found
                # values that need no gradient are sliced directly (no graph node to record)
                return [t[rows] if t.requires_grad else t._from_op(t.numpy()[rows], None)
                        for t in tensors]
        getitems = getattr(self.dataset, "__getitems__", None)
        indices = [int(i) for i in indices]
        samples = getitems(indices) if callable(getitems) else [self.dataset[i] for i in indices]
        return self.collate_fn(samples)
