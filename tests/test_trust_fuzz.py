"""A stateful fuzz of what the trust issue found: in-place changes through slices, views, detach and
.data, graphs that saved the changed values, threads switching grad mode, and save/load through
file objects. A numpy mirror says what every value must hold; a graph built before an in-place
change of what it saved must refuse to backward, and one built after must give the exact gradient.
"""

from __future__ import annotations

import io
import threading

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import tinygrad_edu as tg

INPLACE = "modified by an inplace operation"


class ViewsMachine(RuleBasedStateMachine):
    @initialize(values=st.lists(st.floats(-3, 3), min_size=4, max_size=4))
    def setup(self, values):
        self.base = tg.tensor(np.array(values).reshape(2, 2))
        self.mirror = np.array(values).reshape(2, 2)
        self.w = tg.tensor([[0.5, -1.0], [2.0, 1.5]], requires_grad=True)
        self.graph = None  # (loss, the mirror's numbers it saved, still valid?)

    def _changed(self):
        if self.graph is not None:
            self.graph = (self.graph[0], self.graph[1], False)

    @rule()
    def build_graph(self):
        self.w.grad = None
        self.graph = ((self.w * self.base).sum(), self.mirror.copy(), True)

    @rule(row=st.integers(0, 1), amount=st.floats(-2, 2))
    def add_through_slice(self, row, amount):
        view = self.base[row]
        view += amount
        self.mirror[row] += amount
        self._changed()

    @rule(amount=st.floats(-2, 2))
    def add_through_each_element(self, amount):
        for e in self.base.reshape(4):
            e += amount
        self.mirror += amount
        self._changed()

    @rule(factor=st.floats(-2, 2))
    def scale_through_detach(self, factor):
        self.base.detach().mul_(factor)
        self.mirror *= factor
        self._changed()

    @rule(value=st.floats(-2, 2), i=st.integers(0, 1), j=st.integers(0, 1))
    def setitem(self, value, i, j):
        self.base[i, j] = value
        self.mirror[i, j] = value
        self._changed()

    @rule(amount=st.floats(-2, 2))
    def add_through_data_is_not_counted(self, amount):
        self.base.data.add_(amount)  # PyTorch's escape hatch: no version change, so not caught
        self.mirror += amount
        if self.graph is not None:
            self.graph = (self.graph[0], self.mirror.copy(), self.graph[2])

    @precondition(lambda self: self.graph is not None)
    @rule()
    def backward(self):
        loss, saved, valid = self.graph
        self.graph = None
        try:
            loss.backward()
        except RuntimeError as exc:
            assert not valid and INPLACE in str(exc), exc
            assert self.w.grad is None
            return
        assert valid, "an in-place change of saved data went unnoticed"
        np.testing.assert_array_equal(self.w.grad.numpy(), saved)

    @rule()
    def other_thread_switches_grad_mode_off(self):
        inside, release, result = threading.Event(), threading.Event(), []

        def other():
            with tg.no_grad():
                inside.set()
                release.wait(5)

        t = threading.Thread(target=other)
        t.start()
        inside.wait(5)
        result.append((self.w * 2.0).requires_grad)
        release.set()
        t.join(5)
        assert result == [True]

    @rule()
    def save_and_load_through_a_file_object(self):
        buf = io.BytesIO()
        tg.save({"base": self.base, "w": self.w}, buf)
        buf.seek(0)
        back = tg.load(buf)
        np.testing.assert_array_equal(back["base"].numpy(), self.mirror)
        assert back["w"].requires_grad

    @invariant()
    def base_matches_mirror(self):
        if hasattr(self, "base"):
            np.testing.assert_array_equal(self.base.numpy(), self.mirror)


ViewsMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=20, deadline=None)
TestViews = ViewsMachine.TestCase
