"""Samplers and the DataLoader options built on them: index sequences, lengths, errors."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
)


def test_sequential_sampler():
    s = SequentialSampler(range(4))
    assert list(s) == [0, 1, 2, 3] and len(s) == 4


@given(n=st.integers(1, 30), seed=st.integers(0, 2**31))
def test_random_sampler_is_a_permutation(n, seed):
    s = RandomSampler(range(n), generator=tg.Generator().manual_seed(seed))
    idx = list(s)
    assert len(s) == n and sorted(idx) == list(range(n))
    assert all(type(i) is int for i in idx)


@given(n=st.integers(1, 12), k=st.integers(1, 40))
def test_random_sampler_num_samples_without_replacement(n, k):
    idx = list(RandomSampler(range(n), num_samples=k))
    assert len(idx) == k
    for start in range(0, k, n):  # whole permutations, then the start of one more
        chunk = idx[start:start + n]
        assert len(set(chunk)) == len(chunk) and set(chunk) <= set(range(n))


def test_random_sampler_with_replacement_draws_uniformly():
    s = RandomSampler(range(5), replacement=True, num_samples=10000, generator=tg.Generator().manual_seed(0))
    idx = np.array(list(s))
    assert len(s) == len(idx) == 10000 and idx.min() == 0 and idx.max() == 4
    counts = np.bincount(idx, minlength=5)
    # each count is Binomial(10000, 0.2): sd = sqrt(10000 * 0.2 * 0.8) = 40; allow 5 sd
    assert np.all(np.abs(counts - 2000) < 200), counts
    assert len(set(idx[:30].tolist())) < 30  # with replacement, repeats happen (p ~ 1)


def test_random_sampler_is_repeatable_and_new_each_epoch():
    s = RandomSampler(range(40))
    tg.manual_seed(3)
    e1, e2 = list(s), list(s)
    assert e1 != e2
    tg.manual_seed(3)
    assert list(s) == e1
    g = tg.Generator().manual_seed(5)
    a = list(RandomSampler(range(40), generator=g))
    g.manual_seed(5)
    assert list(RandomSampler(range(40), generator=g)) == a


NUM_SAMPLES = "num_samples should be a positive integer value, but got num_samples=0"


def test_random_sampler_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got replacement=1"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match=NUM_SAMPLES):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match=NUM_SAMPLES):
        RandomSampler([])
    with pytest.raises(ValueError, match="empty dataset"):
        list(RandomSampler([], num_samples=2))


def test_batch_sampler_exact_batches():
    assert list(BatchSampler(range(10), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(range(10), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4 and len(BatchSampler(range(10), 3, True)) == 3
    assert list(BatchSampler(range(6), 3, True)) == [[0, 1, 2], [3, 4, 5]]


@given(n=st.integers(0, 30), bs=st.integers(1, 8), drop_last=st.booleans())
def test_batch_sampler_lengths(n, bs, drop_last):
    batches = list(BatchSampler(SequentialSampler(range(n)), bs, drop_last))
    full, rest = divmod(n, bs)
    assert len(batches) == len(BatchSampler(range(n), bs, drop_last)) == full + (rest > 0 and not drop_last)
    assert all(len(b) == bs for b in batches[:full])
    assert [i for b in batches for i in b] == list(range(full * bs if drop_last else n))


def test_batch_sampler_errors():
    for bad in (0, -1, 2.0, True):
        msg = f"batch_size should be a positive integer value, but got batch_size={bad}"
        with pytest.raises(ValueError, match=re.escape(msg)):
            BatchSampler(range(3), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got drop_last=1"):
        BatchSampler(range(3), 2, 1)


def test_dataloader_with_sampler_and_batch_sampler():
    ds = TensorDataset(tg.arange(10) * 10)

    class Backwards(Sampler):
        def __iter__(self):
            return iter(range(9, -1, -1))

        def __len__(self):
            return 10

    loader = DataLoader(ds, batch_size=4, sampler=Backwards())
    assert [b[0].tolist() for b in loader] == [[90, 80, 70, 60], [50, 40, 30, 20], [10, 0]]
    assert len(loader) == 3
    loader = DataLoader(ds, batch_sampler=[[1, 3], [0], [9, 8, 7]])
    assert [b[0].tolist() for b in loader] == [[10, 30], [0], [90, 80, 70]]
    assert len(loader) == 3 and loader.batch_size is None and loader.drop_last is False


def test_dataloader_mutual_exclusion_errors():
    ds = TensorDataset(tg.arange(4))
    msg = "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
    bs = [[0, 1], [2, 3]]
    for kwargs in ({"batch_size": 2}, {"shuffle": True}, {"sampler": range(4)}, {"drop_last": True},
                   {"batch_size": 0}):
        with pytest.raises(ValueError, match=re.escape(msg)):
            DataLoader(ds, batch_sampler=bs, **kwargs)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=range(4), shuffle=True)
    msg = "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
    with pytest.raises(ValueError, match=msg):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(TypeError):
        DataLoader(ds, shufle=True)  # a misspelt option is an error, not silently ignored


def test_dataloader_without_batching_converts_each_sample():
    class Arrays(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return np.array([i, i + 1]), i

    items = list(DataLoader(Arrays(), batch_size=None))
    assert len(items) == 3 and len(DataLoader(Arrays(), batch_size=None)) == 3
    x, y = items[2]
    assert isinstance(x, tg.Value) and x.tolist() == [2, 3] and y == 2


def test_dataloader_custom_collate_and_getitems():
    class Counted(Dataset):
        calls = []

        def __len__(self):
            return 5

        def __getitem__(self, i):
            raise AssertionError("__getitems__ should be used")

        def __getitems__(self, indices):
            self.calls.append(list(indices))
            return [i * i for i in indices]

    ds = Counted()
    assert list(DataLoader(ds, batch_size=2, collate_fn=sum)) == [1, 13, 16]
    assert ds.calls == [[0, 1], [2, 3], [4]]


def test_fast_path_matches_sample_by_sample_and_respects_overrides():
    x = tg.from_numpy(np.arange(24, dtype=np.float32).reshape(8, 3))
    y = tg.arange(8)
    ds = TensorDataset(x, y)
    fast = list(DataLoader(ds, batch_size=3))
    slow = list(DataLoader(ds, batch_size=3, collate_fn=lambda b: default_collate(b)))
    sub = Subset(ds, [7, 5, 3, 1])
    assert [b[1].tolist() for b in DataLoader(sub, batch_size=3)] == [[7, 5, 3], [1]]
    for f, s in zip(fast, slow):
        assert type(f) is list and [v.dtype for v in f] == [v.dtype for v in s] == [np.float32, np.int64]
        np.testing.assert_array_equal(f[0].numpy(), s[0].numpy())
        np.testing.assert_array_equal(f[1].numpy(), s[1].numpy())

    class Doubled(TensorDataset):
        def __getitem__(self, i):
            return tuple(t[i] * 2 for t in self.tensors)

    assert next(iter(DataLoader(Doubled(y), batch_size=3)))[0].tolist() == [0, 2, 4]


def test_fast_path_keeps_gradients():
    w = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    (xb,) = next(iter(DataLoader(TensorDataset(w), batch_sampler=[[3, 1, 3]])))
    xb.sum().backward()
    assert w.grad.tolist() == [0.0, 1.0, 0.0, 2.0]


@given(n=st.integers(1, 30), bs=st.integers(1, 8), drop_last=st.booleans())
def test_shuffled_loader_covers_every_index_once(n, bs, drop_last):
    loader = DataLoader(TensorDataset(tg.arange(n)), batch_size=bs, shuffle=True, drop_last=drop_last)
    seen = [i for (b,) in loader for i in b.tolist()]
    assert len(loader) == (n // bs if drop_last else math.ceil(n / bs))
    assert len(seen) == len(set(seen)) == (n // bs * bs if drop_last else n)


def test_fast_path_is_one_index_per_batch_also_through_subsets(monkeypatch):
    def no_single_items(self, i):
        raise AssertionError("the loader should not read a TensorDataset sample by sample")

    ds = TensorDataset(tg.arange(10) * 2)
    monkeypatch.setattr(TensorDataset, "__getitem__", no_single_items)
    inner = Subset(Subset(ds, [9, 8, 7, 6, 5]), [4, 0, 2])
    assert [b[0].tolist() for b in DataLoader(inner, batch_size=2)] == [[10, 18], [14]]
    batches = DataLoader(ds, batch_size=4, drop_last=True)
    assert [b[0].tolist() for b in batches] == [[0, 2, 4, 6], [8, 10, 12, 14]]
