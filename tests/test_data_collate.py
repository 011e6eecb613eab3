"""default_collate / default_convert follow torch.utils.data's rules, with exact outputs."""

import collections
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.utils.data import DataLoader, Dataset, default_collate, default_convert

Point = collections.namedtuple("Point", ["x", "y"])


def _is(v, values, dtype):
    """v is a tinygrad_edu Value holding exactly ``values`` with numpy dtype ``dtype``."""
    assert isinstance(v, tg.Value), type(v)
    assert v.dtype == np.dtype(dtype), (v.dtype, dtype)
    np.testing.assert_array_equal(v.numpy(), np.array(values, dtype=dtype))


def test_python_numbers_become_values_of_torchs_dtypes():
    _is(default_collate([1.5, 2.0, -3.25]), [1.5, 2.0, -3.25], np.float64)
    _is(default_collate([1, 2, 3]), [1, 2, 3], np.int64)
    _is(default_collate([True, False]), [True, False], np.bool_)
    _is(default_collate([1.0, 2]), [1.0, 2.0], np.float64)  # first is a float: float64
    _is(default_collate([True, 2]), [1, 2], np.int64)


def test_python_floats_stay_float64_under_float32_default():
    tg.set_default_dtype(tg.float32)
    try:
        _is(default_collate([0.1, 0.2]), [0.1, 0.2], np.float64)
        _is(default_collate([1, 2.5]), [1.0, 2.5], np.float32)  # ints first: the default dtype
    finally:
        tg.set_default_dtype(tg.float64)


def test_values_and_arrays_are_stacked_keeping_dtype():
    out = default_collate([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]), tg.tensor([5.0, 6.0])])
    _is(out, [[1, 2], [3, 4], [5, 6]], np.float64)
    a = [np.arange(6, dtype=np.float32).reshape(2, 3) + 10 * k for k in range(2)]
    _is(default_collate(a), [[[0, 1, 2], [3, 4, 5]], [[10, 11, 12], [13, 14, 15]]], np.float32)
    _is(default_collate([np.array(1.5), np.array(2.5)]), [1.5, 2.5], np.float64)  # 0-d arrays
    _is(default_collate([tg.tensor(7), tg.tensor(8)]), [7, 8], np.int64)  # 0-d values


def test_numpy_scalars_become_a_value_of_their_dtype():
    _is(default_collate([np.float32(0.5), np.float32(1.5)]), [0.5, 1.5], np.float32)
    _is(default_collate([np.int32(3), np.int32(-4)]), [3, -4], np.int32)
    _is(default_collate([np.bool_(True), np.bool_(False)]), [True, False], np.bool_)


def test_strings_and_bytes_are_left_alone():
    batch = ["a", "bc"]
    assert default_collate(batch) is batch
    assert default_collate([b"x", b"y"]) == [b"x", b"y"]
    names, ids = default_collate([("a", 1), ("b", 2)])
    assert names == ("a", "b")  # a column of a transposed batch is a tuple, as in PyTorch
    _is(ids, [1, 2], np.int64)


def test_tuples_and_lists_are_transposed_into_a_list():
    out = default_collate([(1.0, 10), (2.0, 20), (3.0, 30)])
    assert type(out) is list and len(out) == 2
    _is(out[0], [1.0, 2.0, 3.0], np.float64)
    _is(out[1], [10, 20, 30], np.int64)
    out = default_collate([[1, [2.0, "s"]], [3, [4.0, "t"]]])
    assert type(out) is list and type(out[1]) is list
    _is(out[0], [1, 3], np.int64)
    _is(out[1][0], [2.0, 4.0], np.float64)
    assert out[1][1] == ("s", "t")


def test_mappings_are_collated_key_by_key_keeping_their_type():
    out = default_collate([{"x": 1.0, "y": (1, 2)}, {"x": 2.0, "y": (3, 4)}])
    assert type(out) is dict and list(out) == ["x", "y"]
    _is(out["x"], [1.0, 2.0], np.float64)
    _is(out["y"][0], [1, 3], np.int64)
    _is(out["y"][1], [2, 4], np.int64)
    od = default_collate([collections.OrderedDict(b=1, a=2), collections.OrderedDict(b=3, a=4)])
    assert type(od) is collections.OrderedDict and list(od) == ["b", "a"]
    _is(od["a"], [2, 4], np.int64)


def test_namedtuples_are_collated_field_by_field():
    out = default_collate([Point(1.0, 2), Point(3.0, 4)])
    assert type(out) is Point
    _is(out.x, [1.0, 3.0], np.float64)
    _is(out.y, [2, 4], np.int64)


RAGGED_SEQ = "each element in list of batch should be of equal size"


@pytest.mark.parametrize("batch", [
    [(1.0,), (2.0, 3.0)],  # used to drop the 3.0 silently
    [(1.0, 2.0), (3.0,)],  # used to raise IndexError
    [[1.0], [2.0, 3.0]],
    [[1, 2], [3, 4], [5]],
    [{"a": (1, 2)}, {"a": (3,)}],
])
def test_ragged_sequences_raise(batch):
    with pytest.raises(RuntimeError, match=re.escape(RAGGED_SEQ)):
        default_collate(batch)


@pytest.mark.parametrize("batch, got", [
    ([tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0, 3.0])], "[2] at entry 0 and [3] at entry 1"),
    ([tg.zeros(2, 2), tg.zeros(2, 2), tg.zeros(2)], "[2, 2] at entry 0 and [2] at entry 2"),
    ([np.zeros(2), np.zeros(3)], "[2] at entry 0 and [3] at entry 1"),
    ([tg.tensor(1.0), tg.tensor([1.0])], "[] at entry 0 and [1] at entry 1"),
])
def test_ragged_tensors_raise_pytorchs_stack_error(batch, got):
    msg = "stack expects each tensor to be equal size, but got " + got
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        default_collate(batch)


def test_unsupported_elements_raise_type_error():
    with pytest.raises(TypeError, match=re.escape("found <class 'NoneType'>")):
        default_collate([None, None])
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers.*found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError, match="expected Tensor as element 1 in argument 0, but got float"):
        default_collate([tg.tensor(1.0), 2.0])


def test_collated_values_keep_the_graph():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    (default_collate([a, b]) * tg.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert a.grad.tolist() == [1.0, 2.0] and b.grad.tolist() == [3.0, 4.0]


def test_default_convert_turns_only_numpy_into_values():
    assert default_convert(3) == 3 and default_convert("s") == "s"
    _is(default_convert(np.array([1, 2], dtype=np.int32)), [1, 2], np.int32)
    _is(default_convert(np.float32(2.5)), 2.5, np.float32)
    out = default_convert((np.array([1.0]), 2))
    assert type(out) is list and out[1] == 2
    _is(out[0], [1.0], np.float64)
    p = default_convert(Point(np.array(0), 1))
    assert type(p) is Point and p.y == 1
    _is(p.x, 0, np.int64)
    strs = np.array(["a"])
    assert default_convert(strs) is strs
    d = default_convert({"k": np.array([4])})
    _is(d["k"], [4], np.int64)


def test_dataloader_batches_dict_samples():
    class Records(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, dtype=np.float32), "label": i % 2, "name": f"r{i}"}

    batches = list(DataLoader(Records(), batch_size=2))
    assert len(batches) == 3
    _is(batches[0]["x"], [[0, 0], [1, 1]], np.float32)
    _is(batches[1]["label"], [0, 1], np.int64)
    assert batches[2]["name"] == ["r4"]  # DataLoader hands collate a list of samples
