"""``default_collate`` and ``default_convert``, by the rules of ``torch.utils.data``."""

from __future__ import annotations

import collections.abc
import copy
import re
from typing import Any, Callable, Sequence

import numpy as np

from ...creation import as_tensor, from_numpy, tensor
from ...dtypes import float64
from ...toplevel import stack
from ...value import Value

__all__ = ["default_collate", "default_convert"]

_STR_OR_OBJECT = re.compile(r"[SaUO]")  # numpy dtype codes of bytes, str and object arrays
_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _collate_values(batch: Sequence[Any]) -> Value:
    shape0 = batch[0].shape
    for i, v in enumerate(batch):
        if not isinstance(v, Value):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(v).__name__}")
        if v.shape != shape0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape0)} at entry 0 "
                f"and {list(v.shape)} at entry {i}"
            )
    return stack(list(batch))


def _collate_mapping(batch: Sequence[Any], collate: Callable[[Any], Any]) -> Any:
    elem = batch[0]
    fields = {key: collate([d[key] for d in batch]) for key in elem}
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)  # keeps the mapping's type and extra attributes
            clone.update(fields)
            return clone
        return type(elem)(fields)
    except TypeError:  # a mapping type that cannot be copied or built from a dict
        return fields


def _collate_sequence(elem: Any, columns: list[Any]) -> Any:
    """Rebuild a sequence like ``elem`` from already-collated ``columns``."""
    if isinstance(elem, tuple):
        return columns  # PyTorch returns a list for tuples, for backwards compatibility
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, c in enumerate(columns):
                clone[i] = c
            return clone
        return type(elem)(columns)
    except TypeError:  # e.g. range: cannot be built from a list
        return columns


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, by the type of the first sample:

    - Values are stacked along a new first axis (all must have the same shape);
    - numpy arrays become Values and are stacked; numpy scalars become a 1-d Value of their dtype;
    - Python floats become a float64 Value, ints an int64 Value, bools a bool Value;
    - str and bytes are left as they are (the list of them);
    - a dict (any Mapping) is collated key by key, a namedtuple field by field;
    - tuples and lists (any Sequence) are transposed and collated position by position: the
      result is a list; every sample must have the same length.
    """
    elem = batch[0]
    if isinstance(elem, Value):
        return _collate_values(batch)
    if isinstance(elem, np.ndarray):
        if _STR_OR_OBJECT.search(elem.dtype.str) is not None:
            raise TypeError(_ERR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number, np.object_)):
        return from_numpy(np.array(batch))
    if isinstance(elem, float):
        return tensor(list(batch), dtype=float64)
    if isinstance(elem, int):  # bool is an int: a batch of bools gives a bool Value
        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch, default_collate)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(s) != size for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(samples) for samples in zip(*batch)]
        return _collate_sequence(elem, columns)
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Turn numpy arrays and numpy scalars inside ``data`` into Values; leave everything else.

    It is the DataLoader's collate function when ``batch_size=None`` (no batching).
    """
    if isinstance(data, Value):
        return data
    kind = type(data)
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "bytes_"):
        if isinstance(data, np.ndarray) and _STR_OR_OBJECT.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _collate_mapping([data], lambda column: default_convert(column[0]))
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _collate_sequence(data, [default_convert(d) for d in data])
    return data
