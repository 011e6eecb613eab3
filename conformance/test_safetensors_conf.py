"""safetensors both ways with real PyTorch models: ours -> file -> torch, and torch -> file -> ours.

The same MLP (Linear/ReLU Sequential, and a Module with named children) is built in both
libraries; after the weights travel through a safetensors file, both compute the same outputs.
Needs torch and the optional safetensors package (``pip install "tinygrad_edu[safetensors]"``).
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

import safetensors.torch as st_torch  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu.utils import safetensors as tst  # noqa: E402


def sequential(T, dtype):
    T.manual_seed(0)
    net = T.nn.Sequential(T.nn.Linear(4, 16), T.nn.ReLU(), T.nn.Linear(16, 16), T.nn.ReLU(),
                          T.nn.Linear(16, 3))
    return net.to(dtype)


class Named:
    """A module with named children (keys like ``hidden.weight``) in either library."""

    @staticmethod
    def build(T, dtype):
        class MLP(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = T.nn.Linear(2, 8)
                self.out = T.nn.Linear(8, 1)

            def forward(self, x):
                return self.out(T.tanh(self.hidden(x)))

        T.manual_seed(1)
        return MLP().to(dtype)


BUILDERS = [("sequential", sequential, 4), ("named", Named.build, 2)]
DTYPES = [("float32", torch.float32, tg.float32, 1e-6), ("float64", torch.float64, tg.float64, 1e-12)]


def inputs(n_in):
    return np.random.default_rng(5).normal(size=(7, n_in))


@pytest.mark.parametrize("name, build, n_in", BUILDERS)
@pytest.mark.parametrize("dname, tdt, gdt, rtol", DTYPES)
def test_ours_to_file_to_torch(tmp_path, name, build, n_in, dname, tdt, gdt, rtol):
    ours = build(tg, gdt)
    path = tmp_path / "ours.safetensors"
    tst.save_model(ours, path)
    theirs = build(torch, tdt)
    for p in theirs.parameters():  # make sure the values come from the file
        torch.nn.init.zeros_(p)
    result = theirs.load_state_dict(st_torch.load_file(str(path)))
    assert not result.missing_keys and not result.unexpected_keys
    for k, v in theirs.state_dict().items():
        assert v.dtype == tdt
        np.testing.assert_array_equal(v.numpy(), ours.state_dict()[k].numpy())
    x = inputs(n_in)
    got = theirs(torch.tensor(x, dtype=tdt)).detach().numpy()
    want = ours(tg.tensor(x, dtype=gdt)).detach().numpy()
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name, build, n_in", BUILDERS)
@pytest.mark.parametrize("dname, tdt, gdt, rtol", DTYPES)
def test_torch_to_file_to_ours(tmp_path, name, build, n_in, dname, tdt, gdt, rtol):
    theirs = build(torch, tdt)
    path = tmp_path / "theirs.safetensors"
    st_torch.save_file(theirs.state_dict(), str(path))
    ours = build(tg, gdt)
    with tg.no_grad():
        for p in ours.parameters():  # make sure the values come from the file
            p.zero_()
    ours.load_state_dict(tst.load_file(path))
    for k, v in ours.state_dict().items():
        assert v.dtype == np.dtype(gdt)
        np.testing.assert_array_equal(v.numpy(), theirs.state_dict()[k].numpy())
    x = inputs(n_in)
    got = ours(tg.tensor(x, dtype=gdt)).detach().numpy()
    want = theirs(torch.tensor(x, dtype=tdt)).detach().numpy()
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("tdtype", [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32,
                                    torch.int64, torch.float16, torch.float32, torch.float64])
def test_torch_dtypes_arrive_unchanged(tmp_path, tdtype):
    t = (torch.arange(-3, 3).reshape(2, 3) % 2 == 0) if tdtype == torch.bool else \
        torch.arange(0, 6).reshape(2, 3).to(tdtype)
    path = tmp_path / "d.safetensors"
    st_torch.save_file({"t": t, "s": t[0, 0].clone()}, str(path))
    back = tst.load_file(path)
    assert str(back["t"].dtype) == str(t.dtype).replace("torch.", "")
    assert back["s"].shape == () and back["t"].shape == (2, 3)
    np.testing.assert_array_equal(back["t"].numpy(), t.numpy())
    tst.save_file(back, path)  # and back again
    again = st_torch.load_file(str(path))
    assert again["t"].dtype == tdtype and torch.equal(again["t"], t) and again["s"].shape == ()


def test_bfloat16_from_torch_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "bf16.safetensors"
    st_torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(TypeError, match="convert them in PyTorch first"):
        tst.load_file(path)
