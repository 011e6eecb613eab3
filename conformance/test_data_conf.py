"""utils.data against torch.utils.data: the same programs run through both; collated values,
dtypes and structure, lengths and index sequences, error types and wording must agree.

Tensors are built with explicit dtypes: tinygrad_edu's tensor(1.0) is float64 (a documented
difference), which is not what these tests are about.
Random orders are not compared (our generator is numpy's, not torch's): only their properties.
"""

import collections
import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.utils.data as TD  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
import tinygrad_edu.utils.data as OD  # noqa: E402

SIDES = [(torch, TD), (tg, OD)]


def plain(x):
    """Tensors and Values -> ('tensor', numpy dtype name, values); containers keep their type name."""
    if isinstance(x, torch.Tensor):
        return ("tensor", str(x.numpy().dtype), x.numpy().tolist())
    if isinstance(x, tg.Value):
        return ("tensor", str(x.numpy().dtype), x.numpy().tolist())
    if isinstance(x, dict):
        return (type(x).__name__, [(k, plain(v)) for k, v in x.items()])
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("namedtuple:" + type(x).__name__, [plain(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    return x


def run_both(program):
    """program(T, D) on torch and on tinygrad_edu: (result, None) or (None, exception)."""
    out = []
    for T, D in SIDES:
        try:
            out.append((program(T, D), None))
        except Exception as e:  # noqa: BLE001 - the exception itself is compared
            out.append((None, e))
    return out


def same(program):
    (theirs, their_err), (ours, our_err) = run_both(program)
    if their_err is not None or our_err is not None:
        assert type(our_err) is type(their_err), (their_err, our_err)
        assert str(our_err).startswith(str(their_err)) or str(their_err) in str(our_err), (their_err, our_err)
        return None
    assert plain(ours) == plain(theirs)
    return ours


def errors_alike(program, *key_words):
    (_, their_err), (_, our_err) = run_both(program)
    assert their_err is not None and type(our_err) is type(their_err), (their_err, our_err)
    for w in key_words:
        assert w in str(their_err) and w in str(our_err), (w, their_err, our_err)


Point = collections.namedtuple("Point", ["x", "y"])

COLLATE_BATCHES = {
    "floats": lambda T: [1.5, -2.0, 3.25],
    "ints": lambda T: [1, 2, 3],
    "bools": lambda T: [True, False, True],
    "float then int": lambda T: [1.0, 2],
    "bool then int": lambda T: [True, 2],
    "strings": lambda T: ["a", "bc"],
    "bytes": lambda T: [b"a", b"b"],
    "np float32 arrays": lambda T: [np.arange(6, dtype=np.float32).reshape(2, 3) * k for k in range(3)],
    "np int arrays": lambda T: [np.array([1, 2]), np.array([3, 4])],
    "np 0-d arrays": lambda T: [np.array(1.5), np.array(2.5)],
    "np float32 scalars": lambda T: [np.float32(0.5), np.float32(1.5)],
    "np int32 scalars": lambda T: [np.int32(3), np.int32(-4)],
    "np float64 scalars": lambda T: [np.float64(0.1), np.float64(0.2)],
    "np bool scalars": lambda T: [np.bool_(True), np.bool_(False)],
    "tensors": lambda T: [T.tensor([1.0, 2.0], dtype=T.float32), T.tensor([3.0, 4.0], dtype=T.float32)],
    "int tensors": lambda T: [T.tensor([1, 2]), T.tensor([3, 4])],
    "0-d tensors": lambda T: [T.tensor(1.0, dtype=T.float64), T.tensor(2.0, dtype=T.float64)],
    "tuples": lambda T: [(1.0, 10), (2.0, 20)],
    "tuples with strings": lambda T: [("a", 1), ("b", 2)],
    "lists": lambda T: [[1, 2.0], [3, 4.0]],
    "nested": lambda T: [[1, [2.0, "s", (T.tensor([1.0], dtype=T.float64),)]],
                         [3, [4.0, "t", (T.tensor([2.0], dtype=T.float64),)]]],
    "dicts": lambda T: [{"x": 1.0, "y": (1, 2)}, {"x": 2.0, "y": (3, 4)}],
    "ordered dicts": lambda T: [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
    "namedtuples": lambda T: [Point(1.0, 2), Point(3.0, 4)],
    "ranges": lambda T: [range(2), range(2)],
    "dict of arrays": lambda T: [{"im": np.zeros((2, 2), np.float32), "id": 1},
                                 {"im": np.ones((2, 2), np.float32), "id": 2}],
}


@pytest.mark.parametrize("name", list(COLLATE_BATCHES))
def test_default_collate_matches(name):
    make = COLLATE_BATCHES[name]
    ours = same(lambda T, D: D.default_collate(make(T)))
    assert ours is not None


RAGGED = {
    "short then long tuple": lambda T: [(1.0,), (2.0, 3.0)],
    "long then short tuple": lambda T: [(1.0, 2.0), (3.0,)],
    "lists": lambda T: [[1.0], [2.0, 3.0]],
    "in dicts": lambda T: [{"a": (1, 2)}, {"a": (3,)}],
    "tensors": lambda T: [T.tensor([1.0, 2.0]), T.tensor([1.0, 2.0, 3.0])],
    "tensors of other rank": lambda T: [T.zeros(1, 2), T.zeros(3)],
    "third tensor": lambda T: [T.zeros(2, 2), T.zeros(2, 2), T.zeros(2)],
    "arrays": lambda T: [np.zeros(2), np.zeros(3)],
    "None": lambda T: [None, None],
    "str arrays": lambda T: [np.array(["a"]), np.array(["b"])],
    "object": lambda T: [object(), object()],
    "tensor then float": lambda T: [T.tensor(1.0), 2.0],
    "missing key": lambda T: [{"a": 1}, {"b": 2}],
}


@pytest.mark.parametrize("name", list(RAGGED))
def test_collate_errors_match(name):
    make = RAGGED[name]
    (_, their_err), (_, our_err) = run_both(lambda T, D: D.default_collate(make(T)))
    assert their_err is not None and type(our_err) is type(their_err)
    if name not in ("object",):  # the class's repr names the address
        assert str(our_err) == str(their_err)


CONVERT = {
    "int": lambda T: 3,
    "str": lambda T: "s",
    "array": lambda T: np.array([1, 2], dtype=np.int32),
    "np scalar": lambda T: np.float32(2.5),
    "tuple": lambda T: (np.array([1.0]), 2),
    "namedtuple": lambda T: Point(np.array(0), 1),
    "dict": lambda T: {"k": np.array([4]), "s": "x"},
    "tensor": lambda T: T.tensor([1.0], dtype=T.float32),
}


@pytest.mark.parametrize("name", list(CONVERT))
def test_default_convert_matches(name):
    make = CONVERT[name]
    same(lambda T, D: D.default_convert(make(T)))


@pytest.mark.parametrize("n, bs, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (1, 4, False),
                                              (0, 2, False), (7, 7, True), (7, 8, True)])
def test_sequential_loading_matches(n, bs, drop_last):
    same(lambda T, D: list(D.BatchSampler(D.SequentialSampler(range(n)), bs, drop_last)))
    same(lambda T, D: len(D.BatchSampler(range(n), bs, drop_last)))
    same(lambda T, D: [b for b in D.DataLoader(D.TensorDataset(T.arange(n) * 2, T.arange(n) > 3),
                                                  batch_size=bs, drop_last=drop_last)])
    same(lambda T, D: len(D.DataLoader(D.TensorDataset(T.arange(n)), batch_size=bs, drop_last=drop_last)))


@pytest.mark.parametrize("n, bs, drop_last", [(10, 3, False), (10, 3, True), (5, 1, False), (4, 8, False)])
def test_shuffled_loading_has_the_same_shape(n, bs, drop_last):
    for T, D in SIDES:
        loader = D.DataLoader(D.TensorDataset(T.arange(n)), batch_size=bs, shuffle=True, drop_last=drop_last)
        sizes = [len(b[0]) for b in loader]
        assert len(loader) == len(sizes) == (n // bs if drop_last else math.ceil(n / bs))
        assert sizes == [bs] * (n // bs) + ([n % bs] if n % bs and not drop_last else [])


@pytest.mark.parametrize("kwargs", [{}, {"num_samples": 3}, {"num_samples": 25}, {"replacement": True},
                                    {"replacement": True, "num_samples": 70}])
def test_random_sampler_matches_in_everything_but_order(kwargs):
    n = 10
    runs = [list(D.RandomSampler(range(n), **kwargs)) for _, D in SIDES]
    lens = [len(D.RandomSampler(range(n), **kwargs)) for _, D in SIDES]
    assert lens[0] == lens[1] == len(runs[0]) == len(runs[1])
    for idx in runs:
        assert all(type(i) is int and 0 <= i < n for i in idx)
        if not kwargs.get("replacement"):
            for start in range(0, len(idx), n):
                assert len(set(idx[start:start + n])) == len(idx[start:start + n])


SAMPLER_ERRORS = [
    (lambda T, D: D.RandomSampler(range(3), replacement=1), "replacement=1"),
    (lambda T, D: D.RandomSampler(range(3), num_samples=0), "num_samples=0"),
    (lambda T, D: D.RandomSampler([]), "num_samples=0"),
    (lambda T, D: D.BatchSampler(range(3), 0, False), "batch_size=0"),
    (lambda T, D: D.BatchSampler(range(3), True, False), "batch_size=True"),
    (lambda T, D: D.BatchSampler(range(3), 2, 1), "drop_last=1"),
    (lambda T, D: D.DataLoader(range(4), batch_size=-2), "batch_size=-2"),
    (lambda T, D: D.DataLoader(range(4), batch_sampler=[[0]], batch_size=2), "mutually exclusive"),
    (lambda T, D: D.DataLoader(range(4), batch_sampler=[[0]], shuffle=True), "mutually exclusive"),
    (lambda T, D: D.DataLoader(range(4), batch_sampler=[[0]], sampler=[0]), "mutually exclusive"),
    (lambda T, D: D.DataLoader(range(4), batch_sampler=[[0]], drop_last=True), "mutually exclusive"),
    (lambda T, D: D.DataLoader(range(4), sampler=[0], shuffle=True), "sampler option is mutually exclusive"),
    (lambda T, D: D.DataLoader(range(4), batch_size=None, drop_last=True), "disables auto-batching"),
    (lambda T, D: D.DataLoader(range(4), shufle=True), "shufle"),
]


@pytest.mark.parametrize("case", range(len(SAMPLER_ERRORS)))
def test_option_errors_match(case):
    program, word = SAMPLER_ERRORS[case]
    same(program)
    errors_alike(program, word)


def test_dataloader_options_match():
    backwards = range(9, -1, -1)
    same(lambda T, D: list(D.DataLoader(D.TensorDataset(T.arange(10) * 10), batch_size=4, sampler=backwards)))
    batches = [[1, 3], [0], [9, 8, 7]]
    same(lambda T, D: list(D.DataLoader(D.TensorDataset(T.arange(10)), batch_sampler=batches)))
    same(lambda T, D: len(D.DataLoader(range(5), batch_sampler=[[1, 3], [0]])))
    same(lambda T, D: list(D.DataLoader([(np.array([i, i]), i) for i in range(3)], batch_size=None)))
    same(lambda T, D: list(D.DataLoader(range(5), batch_size=2, collate_fn=sum)))
    same(lambda T, D: list(D.DataLoader(["a", "b", "c"], batch_size=2)))
    same(lambda T, D: list(D.DataLoader([{"x": float(i), "y": [i, -i]} for i in range(5)], batch_size=2)))


def test_datasets_match():
    same(lambda T, D: D.ConcatDataset([range(3), range(10, 12), range(20, 24)]).cumulative_sizes)
    same(lambda T, D: [D.ConcatDataset([range(3), range(10, 12)])[i] for i in range(-5, 5)])
    same(lambda T, D: D.ConcatDataset([range(3), range(10, 12)])[-6])
    same(lambda T, D: D.ConcatDataset([]))
    same(lambda T, D: len(D.TensorDataset(T.zeros(4)) + D.TensorDataset(T.ones(3))))
    same(lambda T, D: (D.TensorDataset(T.arange(4)) + D.TensorDataset(T.arange(3) + 5))[5])
    same(lambda T, D: [D.Subset(range(10, 20), [4, 0, 2])[i] for i in range(-3, 3)])
    same(lambda T, D: D.Subset(D.TensorDataset(T.arange(6)), [5, 1])[[0, 1]])
    same(lambda T, D: D.Subset(range(10), [3, 4]).__getitems__([1, 0]))
    same(lambda T, D: list(D.DataLoader(D.Subset(D.TensorDataset(T.arange(6) * 3), [5, 1, 2]), batch_size=2)))


@pytest.mark.parametrize("lengths, n", [
    ([0.3, 0.3, 0.4], 10), ([0.3, 0.3, 0.4], 11), ([0.3, 0.3, 0.4], 12), ([0.5, 0.5], 7),
    ([0.1] * 10, 25), ([0.8, 0.2], 1000), ([0.7, 0.2, 0.1], 33), ([1 / 3] * 3, 10), ([0.9, 0.1], 2),
    ([3, 7], 10), ([0, 10], 10), ([1], 1), ([0.25, 0.25, 0.25, 0.25], 3),
])
def test_random_split_lengths_match(lengths, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(lambda T, D: [len(p) for p in D.random_split(range(n), lengths)])
    for _, D in SIDES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parts = D.random_split(range(n), lengths)
        assert sorted(i for p in parts for i in p.indices) == list(range(n))


@pytest.mark.parametrize("lengths, n", [([3, 6], 10), ([0.5, 0.6], 10), ([1.5, -0.5], 10), ([0.2, 0.2], 10)])
def test_random_split_errors_match(lengths, n):
    same(lambda T, D: D.random_split(range(n), lengths))


def test_random_split_zero_length_warning_matches():
    for _, D in SIDES:
        with pytest.warns(UserWarning, match="Length of split at index 1 is 0. This might"):
            D.random_split(range(2), [0.9, 0.1])
