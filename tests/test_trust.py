"""Regression tests for the outside probe's trust findings: version counters, writing values that
require grad into plain ones, backward's gradient checks, grad mode per thread, views and stale
handles, the logging leak and backward(inputs=). Torch-free: expected values are worked out here."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg

INPLACE = "modified by an inplace operation"


def leaf(data, dtype=None):
    return tg.tensor(data, dtype=dtype, requires_grad=True)


# --- 1. version counters ------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    lambda c: c.__setitem__(0, 100.0),
    lambda c: c.__iadd__(100.0),
    lambda c: c.detach().add_(1.0),            # detach shares data and version counter
    lambda c: c[0:2].__iadd__(1.0),            # a basic slice is a view
    lambda c: c.reshape(3, 1).mul_(2.0),       # so is a reshape
    lambda c: [e.__iadd__(1.0) for e in c],    # and each element when iterating
])
def test_changing_a_saved_constant_in_place_is_caught(change):
    w, c = leaf([1.0, 2.0, 3.0]), tg.tensor([4.0, 5.0, 6.0])
    y = w * c
    change(c)
    with pytest.raises(RuntimeError, match=INPLACE):
        y.sum().backward()
    assert w.grad is None  # nothing half-written


def test_changing_a_0d_saved_constant_is_caught():
    w, c = leaf([1.0, 2.0]), tg.tensor(4.0)
    y = w * c
    c += 1.0
    with pytest.raises(RuntimeError, match=INPLACE + ".*version 1"):
        y.sum().backward()


@pytest.mark.parametrize("data", [[0.5, 1.0], 0.5])
def test_changing_a_saved_output_through_detach_is_caught(data):
    w = leaf(data)
    e = w.exp()
    e.detach().mul_(0.0)
    assert e._version == 1 and float(np.sum(e.detach().numpy())) == 0.0  # the change reached e
    with pytest.raises(RuntimeError, match=INPLACE + ".*ExpBackward"):
        e.sum().backward()


def test_dot_data_shares_numbers_but_not_the_version_counter():
    w, c = leaf([1.0, 2.0]), tg.tensor([3.0, 4.0])
    y = w * c
    c.data.mul_(2.0)  # PyTorch's escape hatch: not counted, so not caught
    assert c._version == 0 and c.tolist() == [6.0, 8.0]
    y.sum().backward()
    assert w.grad.tolist() == [6.0, 8.0]


def test_unsaved_input_change_is_fine_and_detach_alone_keeps_the_graph():
    w, c = leaf([1.0, 2.0, 3.0]), tg.tensor([4.0, 5.0, 6.0])
    y = w + c
    c[0] = 100.0  # Add saves nothing
    (y * 2.0).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]
    w2 = leaf([0.5, 1.0])
    h = w2.tanh()
    z = (h * 3.0).sum()
    h.detach_()
    assert not h.requires_grad and h.is_leaf and h.grad_fn is None
    z.backward()  # as in PyTorch: graphs built before the detach still reach tanh
    np.testing.assert_allclose(w2.grad.numpy(), 3.0 * (1 - np.tanh([0.5, 1.0]) ** 2), rtol=1e-15)


def test_detach__then_change_of_saved_output_is_caught():
    w = leaf([1.0, 2.0])
    h = w.exp()
    z = h.sum() * 1.0
    h.detach_()
    h.mul_(2.0)
    with pytest.raises(RuntimeError, match=INPLACE):
        z.backward()


# --- 2. writing a value that requires grad into one that does not --------------------------------

def test_setitem_copy_and_fill_record_the_op():
    w = leaf([1.0, 2.0, 3.0])
    out = tg.zeros(3)
    out[0] = (w * 2.0)[1]
    assert out.requires_grad and out.tolist() == [4.0, 0.0, 0.0]
    (out * tg.tensor([5.0, 7.0, 11.0])).sum().backward()
    assert w.grad.tolist() == [0.0, 10.0, 0.0]

    w.grad = None
    x = tg.zeros(3)
    x.copy_(w * 2.0)
    (x * x).sum().backward()  # d/dw sum(4 w^2) = 8 w
    assert w.grad.tolist() == [8.0, 16.0, 24.0]

    s = leaf(2.0)
    x = tg.zeros(3)
    x.fill_(s)
    (x * x).sum().backward()  # 3 s^2 -> 6 s
    assert s.grad.item() == 12.0


def test_inplace_add_of_a_value_that_requires_grad_keeps_the_old_numbers_for_backward():
    w, x = leaf([2.0, 3.0]), tg.tensor([5.0, 7.0])
    x *= w  # x = x_old * w: d/dw = x_old, which must not be the overwritten x
    x.sum().backward()
    assert x.tolist() == [10.0, 21.0] and w.grad.tolist() == [5.0, 7.0]


# --- 3. backward(gradient=...) -------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 3), (1,), ()])
def test_seed_of_the_wrong_shape_is_refused(shape):
    w = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of"):
        (w * 2.0).backward(np.ones(shape))
    assert w.grad is None


@pytest.mark.parametrize("seed_dtype", [np.float64, np.int64, np.float32])
def test_leaf_grad_keeps_the_leafs_dtype(seed_dtype):
    w = leaf([1.0, 2.0], dtype=np.float32)
    (w * 2.0).backward(np.ones(2, dtype=seed_dtype))
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [2.0, 2.0]


# --- 6. grad mode --------------------------------------------------------------------------------

def test_grad_mode_is_per_thread():
    w = leaf([1.0])
    inside, release, seen = threading.Event(), threading.Event(), {}

    def other():
        with tg.no_grad():
            seen["other"] = (w * 2.0).requires_grad
            inside.set()
            release.wait(5)

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(5)
    seen["main"] = (w * 2.0).requires_grad  # the other thread's no_grad must not reach here
    release.set()
    t.join(5)
    assert seen == {"other": False, "main": True}


def test_set_grad_enabled_as_a_plain_call_and_as_a_context():
    w = leaf([1.0])
    try:
        tg.set_grad_enabled(False)
        assert not tg.is_grad_enabled() and not (w * 2.0).requires_grad
    finally:
        tg.set_grad_enabled(True)
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


def test_no_grad_decorators_with_and_without_parentheses_and_on_generators():
    w = leaf([1.0])

    @tg.no_grad
    def bare(x):
        return (x * 2.0).requires_grad

    @tg.no_grad()
    def gen(x):
        yield (x * 2.0).requires_grad
        received = yield (x * 3.0).requires_grad
        yield received, (x * 4.0).requires_grad

    assert bare(w) is False
    g = gen(w)
    assert next(g) is False
    assert (w * 2.0).requires_grad  # between steps the caller's mode holds
    assert next(g) is False
    assert g.send("hi") == ("hi", False)
    assert tg.is_grad_enabled()

    @tg.enable_grad()
    def inner(x):
        return (x * 2.0).requires_grad

    with tg.no_grad():
        assert inner(w) is True


# --- 7. views and stale handles ------------------------------------------------------------------

def test_inplace_changes_through_views_reach_the_base():
    x = tg.zeros(4)
    v = x[0:2]
    v += 1.0
    for e in x:
        e += 1.0
    r = x.reshape(2, 2)
    r += 1.0
    assert x.tolist() == [3.0, 3.0, 2.0, 2.0]
    s = tg.tensor(1.0)
    d = s.detach()
    d += 1.0
    assert s.item() == 2.0 and s._version == d._version == 1


def test_stale_grad_and_data_handles_do_not_write_back():
    a = leaf([1.0, 2.0])
    (a * 2.0).sum().backward()
    g = a.grad
    a.grad = None
    g.zero_()
    assert a.grad is None
    b = leaf(1.0)
    old = b.data
    b.data = tg.tensor(5.0)
    old.zero_()
    assert b.item() == 5.0
    c = leaf(1.0)
    with tg.no_grad():
        c.data -= 0.25  # a fresh .data handle writes through, 0-d included
    assert c.item() == 0.75


def test_grad_is_the_same_value_and_accumulates_in_place():
    a = leaf([1.0, 2.0])
    (a * 2.0).sum().backward()
    g = a.grad
    (a * 3.0).sum().backward()
    assert a.grad is g and g.tolist() == [5.0, 5.0]


# --- 8. memory -----------------------------------------------------------------------------------

def test_logging_loss_detach_or_data_does_not_keep_the_graph():
    w = leaf(np.ones(100))
    kept = []
    for _ in range(3):
        h = (w * 2.0).exp()
        loss = (h * h).sum()
        ref = weakref.ref(h)
        del h
        loss.backward()
        kept += [loss.detach(), loss.data]
        del loss
        gc.collect()
        assert ref() is None


# --- 9. backward(inputs=...) ---------------------------------------------------------------------

def test_backward_inputs_fills_a_non_leaf_and_nothing_else():
    a = leaf([1.0, 2.0])
    h = a * 2.0
    (h * h).sum().backward(inputs=[h])
    assert h.grad.tolist() == [4.0, 8.0] and a.grad is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        (a * 2.0).sum().backward(inputs=[tg.tensor([1.0, 2.0])])


# --- 12. clearer errors --------------------------------------------------------------------------

def test_inplace_on_an_expanded_value_says_what_to_do():
    x = tg.zeros(1, 3).expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor.*clone"):
        x += 1.0


def test_complex_values_cannot_require_grad():
    with pytest.raises(RuntimeError, match="does not differentiate complex"):
        tg.tensor([1 + 2j], requires_grad=True)


def test_repeated_dot_data_handles_do_not_pile_up():
    w = leaf(1.0)
    for _ in range(100):
        w.data.sub_(0.01)  # each .data handle dies at once
    assert len(w._peers) <= 2 and abs(w.item()) < 1e-12


def test_a_0d_value_sharing_its_number_pickles():
    """Pickling must not trip over the weak links that 0-d values sharing a number keep."""
    import pickle

    w = tg.tensor(1.5, requires_grad=True)
    d = w.detach()  # now w and d share their number
    back = pickle.loads(pickle.dumps(w))
    assert back.item() == 1.5 and back.requires_grad
    with tg.no_grad():
        w += 1.0
    assert d.item() == 2.5 and back.item() == 1.5  # the copy shares with no one
