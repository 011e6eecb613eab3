"""utils.data: TensorDataset, DataLoader batches, coverage, reproducibility."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.utils.data import DataLoader, Dataset, TensorDataset


def test_tensor_dataset_items_and_size_check():
    x, y = tg.arange(10).reshape(5, 2), tg.arange(5)
    ds = TensorDataset(x, y)
    assert len(ds) == 5
    xi, yi = ds[3]
    assert xi.tolist() == [6, 7] and yi.item() == 3
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(tg.zeros(5, 1), tg.zeros(4, 1))


@given(n=st.integers(1, 40), bs=st.integers(1, 12), drop_last=st.booleans(), shuffle=st.booleans())
def test_batch_count_and_coverage(n, bs, drop_last, shuffle):
    ds = TensorDataset(tg.arange(n), tg.arange(n) * 10)
    loader = DataLoader(ds, batch_size=bs, shuffle=shuffle, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) == (n // bs if drop_last else math.ceil(n / bs))
    seen = np.concatenate([b[0].data for b in batches]) if batches else np.array([])
    assert all(isinstance(b, list) and len(b) == 2 for b in batches)
    for xb, yb in batches:
        np.testing.assert_array_equal(yb.data, xb.data * 10)
    if drop_last:
        assert len(seen) == (n // bs) * bs and len(set(seen.tolist())) == len(seen)
    else:
        assert sorted(seen.tolist()) == list(range(n))  # every sample exactly once per epoch


def test_shuffle_is_reproducible_and_changes_each_epoch():
    ds = TensorDataset(tg.arange(50))
    tg.manual_seed(7)
    loader = DataLoader(ds, batch_size=50, shuffle=True)
    e1, e2 = next(iter(loader))[0].tolist(), next(iter(loader))[0].tolist()
    assert e1 != e2 and sorted(e1) == list(range(50))
    tg.manual_seed(7)
    assert next(iter(loader))[0].tolist() == e1
    gen = tg.Generator().manual_seed(1)
    a = next(iter(DataLoader(ds, batch_size=50, shuffle=True, generator=gen)))[0].tolist()
    gen.manual_seed(1)
    assert next(iter(DataLoader(ds, batch_size=50, shuffle=True, generator=gen)))[0].tolist() == a


def test_next_iter_gives_stacked_batch_of_first_samples():
    x = tg.from_numpy(np.arange(12.0).reshape(6, 2))
    y = tg.arange(6).unsqueeze(1)
    xb, yb = next(iter(DataLoader(TensorDataset(x, y), batch_size=4)))
    assert xb.shape == (4, 2) and yb.shape == (4, 1)


def test_generic_dataset_collates_by_stacking():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return tg.tensor([float(i)]), tg.tensor(float(i * i))

    xb, yb = next(iter(DataLoader(Squares(), batch_size=3)))
    assert xb.shape == (3, 1) and yb.tolist() == [0.0, 1.0, 4.0]


def test_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(TensorDataset(tg.zeros(3)), batch_size=0)
