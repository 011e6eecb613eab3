"""Forward mode against ``torch.autograd.forward_ad``: the JVP of every op in the catalogue (the
catalogue's PyTorch spellings, shapes and inputs of ``test_catalogue_conf.py``), and the API's
behaviour (levels, unpack_dual, errors)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tinygrad_edu as tg  # noqa: E402
import tinygrad_edu.autograd.forward_ad as ours_fwAD  # noqa: E402
from conformance.conftest import check_raises  # noqa: E402
from conformance.test_catalogue_conf import IDS, PARAMS, TORCH, _inputs  # noqa: E402

torch_fw = torch.autograd.forward_ad


def _torch_jvp(fn, xs, vs):
    """PyTorch's forward mode; where an op has no forward-mode formula there, its double-backward
    JVP (torch.autograd.functional.jvp)."""
    try:
        with torch_fw.dual_level():
            out = fn(*[torch_fw.make_dual(x, v) for x, v in zip(xs, vs)])
            t = torch_fw.unpack_dual(out).tangent
        return out.detach(), (torch.zeros_like(out) if t is None else t)
    except (NotImplementedError, RuntimeError):
        out, t = torch.autograd.functional.jvp(fn, tuple(xs), tuple(vs))
        return out, t


EXTRA = {"fmax": lambda a, b: torch.fmax(a, b + 0.1234567), "lerp": lambda a, b: torch.lerp(a, b, 0.3)}


def _spelling(name):
    """The catalogue conformance's spelling, else PyTorch's function of the same name."""
    fn = {**TORCH, **EXTRA}.get(name, getattr(torch, name, None))
    if fn is None:
        pytest.skip(f"no PyTorch spelling of catalogue entry {name}")
    return fn


@pytest.mark.parametrize("case,shapes", PARAMS, ids=IDS)
def test_jvp_of_every_op_matches_pytorch(case, shapes):
    xs = _inputs(case, shapes, 0)
    vs = [np.random.default_rng(7 + i).uniform(-1, 1, size=x.shape) for i, x in enumerate(xs)]
    with ours_fwAD.dual_level():
        out = case.fn(*[ours_fwAD.make_dual(tg.tensor(x), tg.tensor(v)) for x, v in zip(xs, vs)],
                      **case.kwargs)
        p, t = ours_fwAD.unpack_dual(out)
    ref_out, ref_t = _torch_jvp(_spelling(case.name), [torch.tensor(x) for x in xs],
                                [torch.tensor(v) for v in vs])
    np.testing.assert_allclose(p.detach().numpy(), ref_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    got = np.zeros(ref_t.shape) if t is None else t.detach().numpy()
    scale = 1 + np.abs(ref_t.detach().numpy()).max(initial=0)
    np.testing.assert_allclose(got, ref_t.detach().numpy(), rtol=1e-8, atol=1e-10 * scale)
    assert str(p.dtype).replace("tinygrad_edu.", "") == str(ref_out.dtype).replace("torch.", "")


def _api(T):
    fw = T.autograd.forward_ad
    x = T.tensor([1.0, 2.0, 3.0], dtype=T.float64)
    with fw.dual_level():
        d = fw.make_dual(x, T.tensor([1.0, 0.5, 0.0], dtype=T.float64))
        y = (d.exp() * d[1:].sum()).sin()
        u = fw.unpack_dual(y)
        plain = fw.unpack_dual(x)
        d2 = d.clone()
        d2 += 1.0
        z = fw.unpack_dual(d2 * d2)
    return (u.primal.detach().numpy(), u.tangent.numpy(), plain.tangent is None, z.tangent.numpy(),
            type(u).__name__)


def test_api_matches_pytorch():
    ours, ref = _api(tg), _api(torch)
    for a, b in zip(ours[:1] + ours[1:2] + ours[3:4], ref[:1] + ref[1:2] + ref[3:4]):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    assert ours[2] == ref[2] and ours[4] == ref[4]


def test_reverse_over_forward_matches_pytorch():
    def program(T):
        fw = T.autograd.forward_ad
        w = T.tensor([0.3, -1.2], dtype=T.float64, requires_grad=True)
        with fw.dual_level():
            t = fw.unpack_dual((fw.make_dual(w, T.ones(2, dtype=T.float64)).sin() * w).sum()).tangent
        return T.autograd.grad(t, w)[0].detach().numpy()

    np.testing.assert_allclose(program(tg), program(torch), rtol=1e-12)


def test_errors_match_pytorch():
    def no_level(T):
        T.autograd.forward_ad.make_dual(T.ones(2), T.ones(2))

    def bad_size(T):
        with T.autograd.forward_ad.dual_level():
            T.autograd.forward_ad.make_dual(T.ones(2), T.ones(3))

    check_raises(no_level, "no level")
    check_raises(bad_size, "different size")
