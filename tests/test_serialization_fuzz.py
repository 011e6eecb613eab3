"""Stateful fuzzing of save/load: model state_dicts and optimizer-like nested dicts go through
files and BytesIO, get corrupted at random, and must come back exactly or raise CheckpointError.
A save that fails must leave the target file byte for byte as it was."""

import io
import math
import os
import shutil
import tempfile
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.optim import SGD
from tinygrad_edu.serialization import CheckpointError

DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8, np.bool_, np.complex128]

arrays = st.sampled_from(DTYPES).flatmap(
    lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)))


def _tensor(arr, rg):
    v = tg.tensor(arr)
    return v.requires_grad_(True) if rg and arr.dtype.kind == "f" else v  # complex cannot require grad


leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**80), 2**80), st.floats(allow_nan=True), st.text(max_size=6),
    arrays, st.builds(_tensor, arrays, st.booleans()), arrays.map(lambda a: a.reshape(-1)[:1].sum()),
)
keys = st.one_of(st.text(max_size=4), st.integers(-5, 5))
nested = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.lists(kids, max_size=3).map(tuple),
        st.dictionaries(keys, kids, max_size=3),
        st.dictionaries(keys, kids, max_size=3).map(lambda d: OrderedDict(sorted(d.items(), key=repr))),
    ),
    max_leaves=8,
)


UNSAVEABLE = [object, lambda: {1.5: 0}, lambda: np.array(["s"]), lambda: 10**5000, lambda: print,
              lambda: {"s": {1, 2}}, lambda: np.array([b"x"], dtype=object)]


def _model_checkpoint(seed: int, momentum: float) -> dict:
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    opt = SGD(model.parameters(), lr=0.1, momentum=momentum)
    model(tg.ones(4, 3)).sum().backward()
    opt.step()
    return {"model": model.state_dict(), "optim": opt.state_dict(), "epoch": seed}


def assert_same(got, want, where="obj"):
    """Exact equality: same types, dtypes, shapes, bits, key order and requires_grad."""
    if isinstance(want, tg.Value):  # a Parameter comes back as a plain Value, like a state_dict entry
        assert type(got) is tg.Value, where
        assert got.requires_grad == want.requires_grad, where
        got, want = got.detach().numpy(), want.detach().numpy()
    else:
        assert type(got) is type(want), f"{where}: {type(got)} != {type(want)}"
    if isinstance(want, (np.ndarray, np.generic)):
        got, want = np.asarray(got), np.asarray(want)
        assert got.dtype == want.dtype and got.shape == want.shape, where
        assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(want).tobytes(), where
    elif isinstance(want, float):
        assert got == want or (math.isnan(got) and math.isnan(want)), where
        assert math.copysign(1, got) == math.copysign(1, want), where
    elif isinstance(want, dict):
        assert list(got) == list(want), where
        for k in want:
            assert_same(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{where}[{i}]")
    else:
        assert got == want, where


class Checkpoints(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.folder = tempfile.mkdtemp(prefix="tg-ser-fuzz-")
        self.path = os.path.join(self.folder, "ckpt.tge")
        self.saved = None  # what the file on disk holds
        self.raw = None

    def teardown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def _saved_to_file(self, obj):
        tg.save(obj, self.path)
        self.saved, self.raw = obj, open(self.path, "rb").read()

    @rule(obj=nested)
    def save_nested(self, obj):
        self._saved_to_file(obj)

    @rule(seed=st.integers(0, 50), momentum=st.sampled_from([0.0, 0.9]))
    def save_model_and_optimizer(self, seed, momentum):
        self._saved_to_file(_model_checkpoint(seed, momentum))

    @rule(obj=nested, prefix=st.binary(max_size=8))
    def bytesio_round_trip(self, obj, prefix):
        buf = io.BytesIO(prefix)
        buf.seek(len(prefix))
        tg.save(obj, buf)
        assert buf.getvalue()[: len(prefix)] == prefix
        buf.seek(len(prefix))
        assert_same(tg.load(buf), obj)

    @precondition(lambda self: self.saved is not None)
    @rule()
    def load_file(self):
        assert_same(tg.load(self.path), self.saved)

    @precondition(lambda self: self.saved is not None)
    @rule(obj=nested, which=st.integers(0, len(UNSAVEABLE) - 1))
    def failed_save_leaves_the_file_untouched(self, obj, which):
        bad = UNSAVEABLE[which]()
        with pytest.raises((TypeError, ValueError)):
            tg.save({"ok": obj, "bad": [bad]}, self.path)
        assert open(self.path, "rb").read() == self.raw
        assert os.listdir(self.folder) == ["ckpt.tge"]

    @precondition(lambda self: self.saved is not None)
    @rule(data=st.data())
    def corrupted_copy_loads_exactly_or_fails_cleanly(self, data):
        raw = bytearray(self.raw)
        for _ in range(data.draw(st.integers(0, 6), label="flips")):
            i = data.draw(st.integers(0, len(raw) - 1), label="at")
            raw[i] = data.draw(st.integers(0, 255), label="byte")
        cut = data.draw(st.integers(1, len(raw)), label="cut")
        raw = bytes(raw[:cut])
        try:
            out = tg.load(io.BytesIO(raw))
        except CheckpointError:
            return
        assert_same(out, self.saved)  # the flips hit bytes that carry no content

    @precondition(lambda self: self.saved is not None)
    @rule(data=st.data())
    def member_rewritten_with_other_bytes(self, data):
        """Consistent CRCs (the zip rewritten by a tool): only the digests and checks remain."""
        with zipfile.ZipFile(io.BytesIO(self.raw)) as zf:
            members = {n: bytearray(zf.read(n)) for n in zf.namelist()}
        name = data.draw(st.sampled_from(sorted(members)), label="member")
        body = members[name]
        if not body:
            return
        near_end = st.integers(max(0, len(body) - 24), len(body) - 1)  # the numbers, not the header
        i = data.draw(st.one_of(near_end, st.integers(0, len(body) - 1)), label="at")
        body[i] = (body[i] + data.draw(st.integers(1, 255), label="delta")) % 256
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for n, b in members.items():
                zf.writestr(n, bytes(b))
        buf.seek(0)
        try:
            out = tg.load(buf)
        except CheckpointError:
            return
        assert_same(out, self.saved)  # e.g. a changed byte of padding in an npy header

    @invariant()
    def file_is_whole(self):
        if getattr(self, "raw", None) is not None:
            assert open(self.path, "rb").read() == self.raw


Checkpoints.TestCase.settings = settings(
    max_examples=40, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_checkpoints = Checkpoints.TestCase
