"""Autograd behaviours found to differ by an outside probe (kinds k01-k04, k06-k09), PyTorch vs ours.

Each test runs one small program on both libraries (``T`` is ``torch`` or ``tinygrad_edu``) and
compares values, gradients, dtypes, errors and the state left after an error.
"""

import gc
import threading
import weakref

import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
from conformance.conftest import catch, check, check_raises, f64  # noqa: E402

INPLACE = "modified by an inplace operation"


# --- k01: version counters catch a saved value changed in place -------------------------------

def _saved_input_changed(change):
    """``y = w * c`` saves c; ``change(c)`` modifies it in place; then backward must refuse."""
    def program(T):
        w, c = f64(T, [1.0, 2.0, 3.0], True), f64(T, [4.0, 5.0, 6.0])
        y = w * c
        change(c)
        err = catch(lambda: y.sum().backward())
        return {"error": err, "w.grad": w.grad}  # nothing accumulated after the failure

    def raising(T):
        w, c = f64(T, [1.0, 2.0, 3.0], True), f64(T, [4.0, 5.0, 6.0])
        y = w * c
        change(c)
        y.sum().backward()

    return program, raising


def _setitem(c):
    c[0] = 100.0


def _iadd(c):
    c += 100.0


def _through_detach(c):
    c.detach().add_(1.0)


def _slice_iadd(c):
    s = c[0:2]
    s += 1.0


@pytest.mark.parametrize("change", [_setitem, _iadd, _through_detach, _slice_iadd],
                         ids=["setitem", "iadd", "detach_shares_data", "slice_iadd"])
def test_k01_version_saved_input_modified(change):
    program, raising = _saved_input_changed(change)
    check_raises(raising, INPLACE)
    check(program)


def test_k01_version_saved_output_modified_through_detach():
    def raising(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        e = w.exp()  # exp saves its output
        e.detach().mul_(0.0)
        e.sum().backward()

    check_raises(raising, INPLACE)


def test_k01_version_detach__then_modify_saved_output():
    def raising(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        h = w.exp()
        z = h.sum()
        h.detach_()
        h.mul_(2.0)
        z.backward()

    check_raises(raising, INPLACE)


def test_k01_version_detach__alone_keeps_earlier_graph():
    # detach_ cuts h from the graph but does not change its data: z's backward still works
    def program(T):
        w = f64(T, [0.5, 1.0, 2.0], True)
        h = w.tanh()
        z = (h * 3.0).sum()
        h.detach_()
        z.backward()
        return {"h.requires_grad": h.requires_grad, "h.is_leaf": h.is_leaf, "w.grad": w.grad}

    check(program)


def test_k01_version_unsaved_input_change_is_fine():
    # w + c saves nothing, so changing c afterwards does not break backward
    def program(T):
        w, c = f64(T, [1.0, 2.0, 3.0], True), f64(T, [4.0, 5.0, 6.0])
        y = w + c
        c[0] = 100.0
        (y * y).sum().backward()
        return {"y": y, "w.grad": w.grad}

    check(program)


# --- k02: writing a value that requires grad into one that does not -----------------------------

def test_k02_write_setitem_grad_value_into_plain():
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        out = T.zeros(3, dtype=T.float64)
        out[0] = (w * 2.0)[0]
        rg = out.requires_grad
        (out * f64(T, [5.0, 7.0, 11.0])).sum().backward()
        return {"out": out, "requires_grad": rg, "is_leaf": out.is_leaf, "w.grad": w.grad}

    check(program)


def test_k02_write_copy_():
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        x = T.zeros(3, dtype=T.float64)
        x.copy_(w * 2.0)
        rg = x.requires_grad
        (x * x).sum().backward()
        return {"x": x, "requires_grad": rg, "is_leaf": x.is_leaf, "w.grad": w.grad}

    check(program)


def test_k02_write_fill_with_0d_grad_value():
    def program(T):
        w = f64(T, 3.0, True)
        x = T.zeros(3, dtype=T.float64)
        x.fill_(w)
        rg = x.requires_grad
        (x * f64(T, [1.0, 2.0, 3.0])).sum().backward()
        return {"x": x, "requires_grad": rg, "w.grad": w.grad}

    check(program)


# --- k03: backward(gradient=...) ----------------------------------------------------------------

@pytest.mark.parametrize("seed_shape", [(2, 3), (1,)], ids=["2x3", "1"])
def test_k03_backward_seed_shape_mismatch(seed_shape):
    def raising(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        (w * 2.0).backward(T.ones(*seed_shape, dtype=T.float64))

    check_raises(raising, "Mismatch in shape")

    def state(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        err = catch(lambda: (w * 2.0).backward(T.ones(*seed_shape, dtype=T.float64)))
        return {"error": err, "w.grad": w.grad}

    check(state)


def test_k03_backward_seed_shape_1_for_scalar_output():
    def raising(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        (w * 2.0).sum().backward(T.ones(1, dtype=T.float64))

    check_raises(raising, "Mismatch in shape")


def test_k03_backward_nonscalar_without_seed():
    def raising(T):
        (f64(T, [1.0, 2.0], True) * 2.0).backward()

    check_raises(raising, "grad can be implicitly created only for scalar outputs")


def test_k03_backward_float64_seed_float32_output_keeps_float32_grad():
    def program(T):
        w = T.tensor([1.0, 2.0, 3.0], dtype=T.float32, requires_grad=True)
        (w * 2.0).backward(T.tensor([1.0, 0.5, 0.25], dtype=T.float64))
        return {"w.grad": w.grad, "dtype": w.grad.dtype}

    check(program)


def test_k03_backward_float32_seed_float64_output():
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        (w * 2.0).backward(T.tensor([1.0, 0.5, 0.25], dtype=T.float32))
        return {"w.grad": w.grad}

    check(program)


def test_k03_backward_int_seed():
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        (w * 2.0).backward(T.tensor([1, 2, 3]))
        return {"w.grad": w.grad}

    check(program)


def test_k03_backward_int_0d_seed_for_scalar():
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        (w * 2.0).sum().backward(T.tensor(2))
        return {"w.grad": w.grad}

    check(program)


# --- k04: edge maths ----------------------------------------------------------------------------

def test_k04_edge_pow_zero_exponent_grad_at_zero():
    def program(T):
        x = f64(T, [0.0, 2.0, -1.5], True)
        y = x**0
        y.sum().backward()
        return {"y": y, "x.grad": x.grad}

    check(program)


def test_k04_edge_pow_float_zero_exponent_grad_at_zero():
    def program(T):
        x = f64(T, [0.0, 2.0], True)
        (x**0.0).sum().backward()
        return {"x.grad": x.grad}

    check(program)


def test_k04_edge_zero_pow_zero_both_require_grad():
    def program(T):
        x, y = f64(T, 0.0, True), f64(T, 0.0, True)
        z = x**y
        z.backward()
        return {"z": z, "x.grad": x.grad, "y.grad": y.grad}

    check(program)


def test_k04_edge_vector_pow_zero_tensor_exponent():
    def program(T):
        x, y = f64(T, [0.0, 2.0], True), f64(T, 0.0, True)
        (x**y).sum().backward()
        return {"x.grad": x.grad, "y.grad": y.grad}

    check(program)


def test_k04_edge_maximum_propagates_nan():
    def program(T):
        a = f64(T, [float("nan"), 1.0, 2.0])
        b = f64(T, [1.0, float("nan"), 1.0])
        return {"maximum": T.maximum(a, b), "minimum": T.minimum(a, b)}

    check(program)


def test_k04_edge_max_with_nan_value_and_grad():
    def program(T):
        a = f64(T, [1.0, float("nan"), 3.0], True)
        m = a.max()
        m.backward()
        return {"max": m, "a.grad": a.grad}

    check(program)


def test_k04_edge_min_with_nan_value_and_grad():
    def program(T):
        a = f64(T, [1.0, float("nan"), 3.0], True)
        m = a.min()
        m.backward()
        return {"min": m, "a.grad": a.grad}

    check(program)


def test_k04_edge_max_dim_with_nan():
    def program(T):
        a = f64(T, [[1.0, float("nan"), 3.0], [4.0, 0.0, 2.0]], True)
        values, indices = a.max(1)
        values.sum().backward()
        return {"values": values, "indices": indices, "a.grad": a.grad}

    check(program)


def test_k04_edge_complex_requires_grad_refused():
    # A deliberate difference: PyTorch allows complex autograd; we refuse it with a clear error.
    import numpy as np

    with pytest.raises(RuntimeError, match="complex"):
        tg.tensor(np.array([1 + 1j]), requires_grad=True)
    with pytest.raises(RuntimeError, match="complex"):
        tg.tensor(np.array([1 + 1j])).requires_grad_()


# --- k06: grad mode ----------------------------------------------------------------------------

def test_k06_gradmode_thread_local():
    # Thread A enters no_grad and waits; thread B then computes; A leaves only after B is done.
    def program(T):
        inside, b_done = threading.Event(), threading.Event()
        seen = {}

        def a():
            with T.no_grad():
                inside.set()
                b_done.wait(10)
                seen["a"] = T.is_grad_enabled()

        def b():
            inside.wait(10)
            w = f64(T, 2.0, True)
            seen["b"] = T.is_grad_enabled()
            seen["b_requires_grad"] = (w * 3.0).requires_grad
            b_done.set()

        ta, tb = threading.Thread(target=a), threading.Thread(target=b)
        ta.start()
        tb.start()
        ta.join(20)
        tb.join(20)
        return {"a": seen["a"], "b": seen["b"], "b_requires_grad": seen["b_requires_grad"],
                "main": T.is_grad_enabled()}

    check(program)


def test_k06_gradmode_set_grad_enabled_as_function():
    def program(T):
        w = f64(T, 2.0, True)
        T.set_grad_enabled(False)
        try:
            off, y_rg = T.is_grad_enabled(), (w * 3.0).requires_grad
        finally:
            T.set_grad_enabled(True)
        return {"off": off, "y.requires_grad": y_rg, "after": T.is_grad_enabled()}

    check(program)


def test_k06_gradmode_no_grad_decorates_generator():
    def program(T):
        @T.no_grad()
        def gen(x):
            yield T.is_grad_enabled()
            yield (x * 2.0).requires_grad

        w = f64(T, 2.0, True)
        got = list(gen(w))
        return {"inside": got, "after": T.is_grad_enabled()}

    check(program)


def test_k06_gradmode_no_grad_without_parentheses():
    def program(T):
        @T.no_grad
        def f(x):
            return x * 2.0, T.is_grad_enabled()

        y, mode = f(f64(T, 2.0, True))
        return {"y": y, "y.requires_grad": y.requires_grad, "mode": mode, "after": T.is_grad_enabled()}

    check(program)


def test_k06_gradmode_enable_grad_inside_no_grad():
    def program(T):
        w = f64(T, 2.0, True)
        with T.no_grad():
            with T.enable_grad():
                y = w * 3.0
            z = w * 3.0
        return {"y.requires_grad": y.requires_grad, "z.requires_grad": z.requires_grad}

    check(program)


# --- k07: views and stale handles (no-grad values) ----------------------------------------------

def test_k07_views_slice_inplace_reaches_base():
    def program(T):
        base = f64(T, [1.0, 2.0, 3.0, 4.0])
        base[0:2].add_(10.0)
        v = base[2:4]
        v *= 2.0
        return {"base": base, "v": v}

    check(program)


def test_k07_views_iteration_rows_reach_base():
    def program(T):
        x = f64(T, [[1.0, 2.0], [3.0, 4.0]])
        for e in x:
            e += 1.0
        return {"x": x}

    check(program)


def test_k07_views_reshape_inplace_reaches_base():
    def program(T):
        x = f64(T, [1.0, 2.0, 3.0, 4.0])
        r = x.reshape(2, 2)
        r.mul_(3.0)
        return {"x": x, "r": r}

    check(program)


def test_k07_views_0d_detach_shares_data():
    def program(T):
        s = f64(T, 3.0)
        s.detach().add_(1.0)
        w = f64(T, 5.0, True)
        with T.no_grad():
            w.detach().mul_(2.0)
        return {"s": s, "w": w}

    check(program)


def test_k07_views_stale_grad_handle_does_not_resurrect():
    def program(T):
        w = f64(T, [1.0, 2.0], True)
        (w * 3.0).sum().backward()
        g = w.grad
        w.grad = None
        g.zero_()
        first = w.grad
        (w * 5.0).sum().backward()
        return {"after_zero": first, "g": g, "w.grad": w.grad}

    check(program)


def test_k07_views_data_writes_reach_parameter():
    def program(T):
        w = T.nn.Parameter(f64(T, [1.0, 2.0]))
        w.data.mul_(3.0)
        w.data[0] = 7.0
        (w * w).sum().backward()
        return {"w": w, "w.grad": w.grad, "requires_grad": w.requires_grad}

    check(program)


def test_k07_views_grad_inplace_accumulates():
    def program(T):
        w = f64(T, [1.0, 2.0], True)
        (w * 3.0).sum().backward()
        w.grad.mul_(0.5)
        (w * 4.0).sum().backward()
        return {"w.grad": w.grad}

    check(program)


# --- k08: memory: a kept detached loss must not keep the graph alive ----------------------------

@pytest.mark.parametrize("keep", ["detach", "data", "item"])
def test_k08_memory_kept_loss_frees_graph(keep):
    # h is saved by the product node of h * h: while the graph lives, h lives
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        h = w.exp()
        loss = (h * h).sum()
        ref_h = weakref.ref(h)
        kept = loss.detach() if keep == "detach" else loss.data if keep == "data" else loss.item()
        del h, loss
        gc.collect()
        return {"h alive": ref_h() is not None, "kept": float(kept)}

    check(program)


def test_k08_memory_backward_keeps_graph_values_until_the_output_goes():
    # Deliberate difference (docs/pytorch-differences.md): PyTorch frees saved intermediates at
    # backward; we keep the graph's values while the output lives, so that viz and explain can
    # show every node's value and gradient after backward. Dropping the output frees them.
    import tinygrad_edu as tg

    w = f64(tg, [1.0, 2.0, 3.0], True)
    h = w.exp()
    loss = (h * h).sum()
    ref_h = weakref.ref(h)
    del h
    loss.backward()
    gc.collect()
    assert ref_h() is not None
    del loss
    gc.collect()
    assert ref_h() is None


def test_k08_memory_graph_alive_while_loss_alive():
    # the control: without detaching, the graph (and so h) is kept by loss in both libraries
    def program(T):
        w = f64(T, [1.0, 2.0, 3.0], True)
        h = w.exp()
        loss = (h * h).sum()
        ref_h = weakref.ref(h)
        del h
        gc.collect()
        alive = ref_h() is not None
        loss.backward()
        return {"h alive": alive, "w.grad": w.grad}

    check(program)


# --- k09: backward(inputs=...) -------------------------------------------------------------------

@pytest.mark.parametrize("which", ["h", "h,w", "w"])
def test_k09_backward_inputs_non_leaf(which):
    def program(T):
        w = f64(T, [1.0, 2.0], True)
        h = w * 3.0
        y = (h * h).sum()
        inputs = {"h": [h], "h,w": [h, w], "w": [w]}[which]
        y.backward(inputs=inputs)
        return {"h.grad": h.grad if which != "w" else None, "w.grad": w.grad, "h.is_leaf": h.is_leaf}

    check(program)


def test_k09_backward_inputs_not_requiring_grad():
    def raising(T):
        w, c = f64(T, [1.0, 2.0], True), f64(T, [1.0, 2.0])
        (w * c).sum().backward(inputs=[c])

    check_raises(raising)
