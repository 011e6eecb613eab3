"""Weights move between PyTorch and tinygrad_edu through safetensors, one model per layer family:
PyTorch's weights loaded into ours give PyTorch's outputs, and ours loaded into PyTorch give ours
(same keys, same shapes, outputs to 1e-12, float64, eval mode)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

import safetensors.torch as st_torch  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu.utils import safetensors as tst  # noqa: E402


def _seq(T, *layers):
    return T.nn.Sequential(*layers)


# family -> (model builder taking the library, input shape, extra call arguments)
FAMILIES = {
    "linear": (lambda T: _seq(T, T.nn.Linear(4, 3), T.nn.ReLU(), T.nn.Linear(3, 2)), (5, 4)),
    "conv1d": (lambda T: _seq(T, T.nn.Conv1d(2, 3, 3, padding=1), T.nn.MaxPool1d(2), T.nn.Conv1d(3, 2, 2)),
               (2, 2, 8)),
    "conv2d": (lambda T: _seq(T, T.nn.Conv2d(2, 3, 3, stride=2), T.nn.BatchNorm2d(3), T.nn.ReLU()),
               (2, 2, 7, 7)),
    "conv3d": (lambda T: _seq(T, T.nn.Conv3d(1, 2, 2), T.nn.AvgPool3d(2)), (1, 1, 5, 5, 5)),
    "conv_transpose": (lambda T: _seq(T, T.nn.ConvTranspose1d(2, 3, 3, stride=2),
                                      T.nn.Unflatten(1, (3, 1)), T.nn.ConvTranspose2d(3, 2, 2)), (2, 2, 5)),
    "norms": (lambda T: _seq(T, T.nn.GroupNorm(2, 4), T.nn.InstanceNorm1d(4, affine=True,
                                                                          track_running_stats=True),
                             T.nn.LayerNorm(6), T.nn.RMSNorm(6), T.nn.BatchNorm1d(4)), (3, 4, 6)),
    "embedding": (lambda T: _seq(T, T.nn.Embedding(10, 4), T.nn.Flatten(), T.nn.Linear(12, 2)), "tokens"),
    "embedding_bag": (lambda T: T.nn.EmbeddingBag(10, 4, mode="mean"), "bags"),
    "activations": (lambda T: _seq(T, T.nn.Linear(4, 4), T.nn.PReLU(4), T.nn.Linear(4, 4), T.nn.PReLU()),
                    (3, 4)),
    "bilinear": (lambda T: T.nn.Bilinear(3, 4, 2), "pair"),
    "attention": (lambda T: T.nn.MultiheadAttention(6, 2, batch_first=True), "qkv"),
    "transformer": (lambda T: T.nn.TransformerEncoder(T.nn.TransformerEncoderLayer(6, 2, 8, dropout=0.0,
                                                                                   batch_first=True), 2),
                    (2, 5, 6)),
    "recurrent": (lambda T: T.nn.GRU(4, 3, num_layers=2, batch_first=True), (2, 5, 4)),
}


def _inputs(T, spec):
    rng = np.random.default_rng(5)
    if spec == "tokens":
        return (T.tensor(rng.integers(0, 10, size=(4, 3))),)
    if spec == "bags":
        return (T.tensor(rng.integers(0, 10, size=(7,))), T.tensor([0, 3, 5]))
    if spec == "pair":
        return (T.tensor(rng.normal(size=(5, 3))), T.tensor(rng.normal(size=(5, 4))))
    if spec == "qkv":
        x = T.tensor(rng.normal(size=(2, 5, 6)))
        return (x, x, x)
    return (T.tensor(rng.normal(size=spec)),)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _perturb(model):
    rng = np.random.default_rng(11)
    with tg.no_grad():
        for p in model.parameters():
            p.copy_(tg.tensor(rng.normal(size=tuple(p.shape))))


@pytest.mark.parametrize("direction", ["torch_to_ours", "ours_to_torch"])
@pytest.mark.parametrize("family", list(FAMILIES))
def test_weights_round_trip_through_safetensors(tmp_path, family, direction):
    build, spec = FAMILIES[family]
    torch.manual_seed(2)
    theirs, ours = build(torch).double().eval(), build(tg).double().eval()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    path = tmp_path / "w.safetensors"
    if direction == "torch_to_ours":
        st_torch.save_file({k: v.contiguous() for k, v in theirs.state_dict().items()}, str(path))
        ours.load_state_dict(tst.load_file(path))
    else:
        _perturb(ours)
        tst.save_file(ours.state_dict(), path)
        result = theirs.load_state_dict(st_torch.load_file(str(path)))
        assert not result.missing_keys and not result.unexpected_keys
    for k, v in theirs.state_dict().items():
        assert tuple(ours.state_dict()[k].shape) == tuple(v.shape), k
        np.testing.assert_array_equal(ours.state_dict()[k].numpy(), v.numpy(), err_msg=k)
    got = _first(ours(*_inputs(tg, spec)))
    want = _first(theirs(*_inputs(torch, spec)))
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-13)
