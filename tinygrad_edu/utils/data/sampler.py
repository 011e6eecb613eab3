"""Samplers, as ``torch.utils.data`` has them: they decide which indices a DataLoader reads."""

from __future__ import annotations

import itertools
from typing import Any, Iterable, Iterator, Sized

import numpy as np

from ...random import Generator, rng

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "BatchSampler"]


class Sampler:
    """Base class: a sampler is an iterable of dataset indices (or of lists of them)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError("Subclasses of Sampler should implement __iter__.")


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def order(self) -> np.ndarray | None:
        """The whole order as one array (the DataLoader batches it without a Python loop)."""
        return np.arange(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices into ``data_source``.

    Without replacement: a fresh permutation of all indices (several, one after the other, when
    ``num_samples`` is larger than the dataset). With ``replacement=True``: ``num_samples``
    independent uniform draws. Randomness comes from ``generator`` (default: the global one, so
    ``manual_seed`` makes every epoch's order repeatable); each ``iter`` draws a new order.
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}"
            )

    def order(self) -> np.ndarray | None:
        """One epoch's order as one array, drawn exactly as ``__iter__`` draws it (one
        permutation), or None where that takes more than one draw."""
        n = len(self.data_source)
        if self.replacement or self.num_samples != n or n == 0:
            return None
        return rng(self.generator).permutation(n)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        if n == 0:
            raise ValueError(f"RandomSampler: cannot draw {self.num_samples} samples from an empty dataset")
        gen = rng(self.generator)
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from gen.integers(0, n, size=32).tolist()
            yield from gen.integers(0, n, size=self.num_samples % 32).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from gen.permutation(n).tolist()
            if self.num_samples % n:
                yield from gen.permutation(n)[: self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; with ``drop_last`` the last,
    shorter list is left out."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        batch = list(itertools.islice(it, self.batch_size))
        while batch and (len(batch) == self.batch_size or not self.drop_last):
            yield batch
            batch = list(itertools.islice(it, self.batch_size))

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size
