"""What docs/pytorch-differences.md and the README describe as the same as PyTorch, checked against it."""

import warnings

import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import catch, check, check_raises, f64  # noqa: E402

# "Python numbers do not change an array's dtype (as in PyTorch)"
OPS = {"mul_float": lambda x: x * 2.5, "add_int": lambda x: x + 3, "rsub_float": lambda x: 1.5 - x,
       "div_int": lambda x: x / 3}


@pytest.mark.parametrize("op", list(OPS))
def test_doc_python_number_keeps_dtype(op):
    def program(T):
        return [OPS[op](T.tensor([1.0, 2.0, 4.0], dtype=dt)) for dt in (T.float32, T.float64)]

    check(program)


def test_doc_int_tensor_plus_int_stays_int64():
    check(lambda T: {"sum": T.tensor([1, 2, 3]) + 2, "prod": T.tensor([1, 2, 3]) * 3})


# "x.max(dim) returns (values, indices) as in PyTorch; x.max() returns a value"
def test_doc_max_dim_returns_values_and_indices():
    def program(T):
        x = f64(T, [[1.0, 7.0, 3.0], [9.0, 2.0, 4.0]], True)
        values, indices = x.max(1)
        mins, argmins = x.min(0, keepdim=True)
        (values.sum() + (mins * 2.0).sum()).backward()
        return {"values": values, "indices": indices, "mins": mins, "argmins": argmins, "x.grad": x.grad,
                "max": x.max(), "min": x.min()}

    check(program)


# the full max()/amax split a tie evenly (PyTorch's amax rule, and max() without dim in PyTorch)
@pytest.mark.parametrize("reduce", ["max", "amax", "min"])
def test_doc_full_reduction_ties_split_evenly(reduce):
    def program(T):
        x = f64(T, [3.0, 1.0, 3.0, 3.0] if reduce != "min" else [1.0, 4.0, 1.0, 2.0], True)
        m = getattr(x, reduce)()
        m.backward()
        return {"m": m, "x.grad": x.grad}

    check(program)


def test_doc_amax_dim_ties_split_evenly():
    def program(T):
        x = f64(T, [[3.0, 1.0, 3.0], [0.0, 2.0, 1.0]], True)
        m = x.amax(1)
        (m * f64(T, [1.0, 10.0])).sum().backward()
        return {"m": m, "x.grad": x.grad}

    check(program)


# "Gradients that sum into one number": same value as PyTorch's, to rounding
def test_doc_shared_scalar_gradient():
    def program(T):
        w = f64(T, 1.0, True)
        x, y = f64(T, [1.0, 2.0, 3.0]), f64(T, [2.0, 4.0, 6.0])
        cost = ((w * x - y) ** 2).mean()
        cost.backward()
        return {"cost": cost, "w.grad": w.grad}

    check(program)


# "x ** 2 computes x * x"
def test_doc_square_matches():
    check(lambda T: {"sq": f64(T, [0.1, 1.7, -3.3, 1e154]) ** 2, "sq_fn": T.square(f64(T, [0.3, -2.0]))})


# "In-place changes are fine where they are safe: parameter updates under no_grad(), values outside
# any graph, and through .data"
def test_doc_safe_inplace_updates():
    def program(T):
        w = f64(T, [1.0, 2.0], True)
        (w * w).sum().backward()
        with T.no_grad():
            w -= 0.1 * w.grad
        plain = f64(T, [1.0, 2.0])
        plain += 5.0
        plain[1] = -1.0
        w.data.mul_(2.0)
        return {"w": w, "w.is_leaf": w.is_leaf, "w.requires_grad": w.requires_grad, "plain": plain}

    check(program)


def test_doc_version_counter_catches_saved_value():
    def raising(T):
        w = f64(T, [1.0, 2.0], True)
        h = w * 2.0
        y = h.exp()  # saves its output
        with T.no_grad():
            y.mul_(2.0)
        y.sum().backward()

    check_raises(raising, "modified by an inplace operation")


# Devices: "device='cpu' and .to('cpu') are accepted, cuda.is_available() is False"
def test_doc_cpu_device():
    def program(T):
        x = T.tensor([1.0, 2.0], dtype=T.float64, device="cpu")
        y = x.to("cpu")
        z = T.zeros(2, dtype=T.float64, device=T.device("cpu"))
        return {"y": y, "z": z, "cuda": T.cuda.is_available()}

    check(program)


def test_doc_value_device_attribute():
    # not in the docs, but common in tutorial code (x.to(x.device), str(x.device))
    check(lambda T: {"device": str(f64(T, [1.0]).device), "type": f64(T, [1.0]).device.type})


# MSELoss: "the same warning PyTorch gives when it can [broadcast]"
def test_doc_mse_broadcast_warning():
    def program(T):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            catch(lambda: T.nn.MSELoss()(f64(T, [[1.0], [2.0]]), f64(T, [1.0, 2.0, 3.0])))
        msgs = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        words = ("Using a target size", "different to the input size")
        return {"warned": any(all(w in m for w in words) for m in msgs)}

    check(program)


# README: "autograd.grad(..., create_graph=True) for Hessian-vector products"
def test_doc_autograd_grad_hvp():
    def program(T):
        x = f64(T, [0.5, -1.0, 2.0], True)
        v = f64(T, [1.0, 0.5, -2.0])
        y = (x.sin() * x * x).sum() + (x[0] * x[1] * x[2])
        (g,) = T.autograd.grad(y, x, create_graph=True)
        (hv,) = T.autograd.grad((g * v).sum(), x)
        return {"g": g, "hv": hv, "x.grad": x.grad}

    check(program)


def test_doc_autograd_grad_allow_unused():
    def program(T):
        x, z = f64(T, [0.5, 2.0], True), f64(T, 3.0, True)
        y = (x * x).sum()
        err = catch(lambda: T.autograd.grad(y, [x, z], retain_graph=True))
        gx, gz = T.autograd.grad(y, [x, z], allow_unused=True)
        return {"error": err, "gx": gx, "gz": gz}

    check(program)


def test_doc_retain_grad_and_is_leaf():
    def program(T):
        w = f64(T, [1.0, 2.0], True)
        h = w * 3.0
        h.retain_grad()
        (h * h).sum().backward()
        return {"h.grad": h.grad, "w.grad": w.grad, "w.is_leaf": w.is_leaf, "h.is_leaf": h.is_leaf,
                "retains": h.retains_grad}

    check(program)


def test_doc_grad_accumulates_and_zero_grad():
    def program(T):
        w = f64(T, [1.0, -2.0], True)
        (w * w).sum().backward()
        (w * 3.0).sum().backward()
        first = w.grad.clone()
        w.grad.zero_()
        return {"first": first, "zeroed": w.grad}

    check(program)


def test_doc_factories_with_float64():
    def program(T):
        return {"zeros": T.zeros(2, 3, dtype=T.float64), "ones_like": T.ones_like(f64(T, [1.0, 2.0])),
                "full": T.full((2,), 1.5, dtype=T.float64), "arange": T.arange(5),
                "arange_f": T.arange(0.0, 1.0, 0.25, dtype=T.float64),
                "linspace": T.linspace(0, 1, 5, dtype=T.float64), "eye": T.eye(3, dtype=T.float64)}

    check(program)
