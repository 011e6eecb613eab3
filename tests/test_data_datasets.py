"""Subset, ConcatDataset, Dataset + Dataset and random_split."""

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.utils.data import ConcatDataset, DataLoader, Dataset, Subset, TensorDataset, random_split


class Letters(Dataset):
    def __init__(self, text):
        self.text = text

    def __len__(self):
        return len(self.text)

    def __getitem__(self, i):
        return self.text[i]


def test_subset():
    s = Subset(Letters("abcdef"), [4, 0, 2])
    assert len(s) == 3 and [s[i] for i in range(3)] == ["e", "a", "c"] and s[-1] == "c"
    assert s.__getitems__([2, 0]) == ["c", "e"]
    t = Subset(TensorDataset(tg.arange(6) * 10), [5, 1])
    assert t[[0, 1]][0].tolist() == [50, 10]  # a list index goes to the dataset in one call


def test_subset_overriding_only_getitem_is_refused():
    class Upper(Subset):
        def __getitem__(self, i):
            return super().__getitem__(i).upper()

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Upper(Letters("ab"), [0])


def test_concat_dataset():
    c = ConcatDataset([Letters("abc"), Letters("de"), Letters("fghi")])
    assert c.cumulative_sizes == [3, 5, 9] and len(c) == 9
    assert "".join(c[i] for i in range(9)) == "abcdefghi"
    assert [c[-1], c[-4], c[-9]] == ["i", "f", "a"]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        c[-10]
    with pytest.raises(IndexError, match="index 9 is out of range for a ConcatDataset of length 9"):
        c[9]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    e = ConcatDataset([Letters(""), Letters("xy")])
    assert e.cumulative_sizes == [0, 2] and e[0] == "x"


def test_dataset_add_concatenates():
    both = Letters("ab") + Letters("cde")
    assert isinstance(both, ConcatDataset) and len(both) == 5 and both[2] == "c"
    batches = list(DataLoader(both, batch_size=2))
    assert batches == [["a", "b"], ["c", "d"], ["e"]]


def _check_split(parts, n, lengths):
    assert [len(p) for p in parts] == lengths
    idx = [i for p in parts for i in p.indices]
    assert sorted(idx) == list(range(n))  # disjoint and complete


@given(sizes=st.lists(st.integers(0, 10), min_size=1, max_size=5), seed=st.integers(0, 1000))
def test_random_split_int_lengths(sizes, seed):
    n = sum(sizes)
    parts = random_split(range(n), sizes, generator=tg.Generator().manual_seed(seed))
    _check_split(parts, n, sizes)
    assert all(isinstance(p, Subset) for p in parts)
    for p in parts:
        assert [p[i] for i in range(len(p))] == list(p.indices)


@pytest.mark.parametrize("fractions, n, lengths", [
    ([0.3, 0.3, 0.4], 10, [3, 3, 4]),   # floor(3.0000000000000004), floor(3.0000000000000004), floor(4.0)
    ([0.3, 0.3, 0.4], 11, [4, 3, 4]),   # floors 3, 3, 4 leave 1 over: it goes to split 0
    ([0.3, 0.3, 0.4], 12, [4, 4, 4]),   # floors 3, 3, 4 leave 2 over: splits 0 and 1
    ([0.5, 0.5], 7, [4, 3]),
    ([0.1] * 10, 25, [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]),
    ([0.8, 0.2], 1000, [800, 200]),
])
def test_random_split_fractions_follow_pytorchs_rounding(fractions, n, lengths):
    _check_split(random_split(range(n), fractions), n, lengths)


def test_random_split_zero_length_warns():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        parts = random_split(range(2), [0.9, 0.1])
    assert [len(p) for p in parts] == [2, 0]


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input"):
        random_split(range(10), [3, 6])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [0.5, 0.6])  # fractions that do not sum to 1
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.raises(ValueError, match="lengths must not be negative"):
        random_split(range(10), [-1, 11])


def test_random_split_is_repeatable():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = [p.indices for p in random_split(range(30), [10, 20], generator=tg.Generator().manual_seed(4))]
        b = [p.indices for p in random_split(range(30), [10, 20], generator=tg.Generator().manual_seed(4))]
        tg.manual_seed(9)
        c = [p.indices for p in random_split(range(30), [0.5, 0.5])]
        tg.manual_seed(9)
        d = [p.indices for p in random_split(range(30), [0.5, 0.5])]
    assert a == b and c == d and a[0] != list(range(10))


def test_random_split_of_tensor_dataset_loads_in_batches():
    x = tg.arange(20) * 3
    gen = tg.Generator().manual_seed(0)
    train, val = random_split(TensorDataset(x, tg.arange(20)), [0.75, 0.25], generator=gen)
    got = [(xb.tolist(), yb.tolist()) for xb, yb in DataLoader(train, batch_size=4, shuffle=True)]
    xs = [v for xb, _ in got for v in xb]
    ys = [v for _, yb in got for v in yb]
    assert len(got) == 4 and xs == [3 * v for v in ys] and sorted(ys) == sorted(train.indices)
