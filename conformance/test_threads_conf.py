"""set_num_threads/get_num_threads: the same errors and round trip as PyTorch's (ours act on numpy's
BLAS, PyTorch's on its own pool)."""

import pytest

torch = pytest.importorskip("torch")

from conformance.conftest import check, check_raises  # noqa: E402


@pytest.mark.parametrize("bad", [0, -1])
def test_threads_set_num_threads_refuses_non_positive(bad):
    check_raises(lambda T: T.set_num_threads(bad), "set_num_threads", "positive integer")


@pytest.mark.parametrize("bad", [1.5, "2", True, None])
def test_threads_set_num_threads_refuses_non_integers(bad):
    check_raises(lambda T: T.set_num_threads(bad), "set_num_threads expects an int, but got")


def test_threads_round_trip():
    def program(T):
        before = T.get_num_threads()
        try:
            T.set_num_threads(2)
            return T.get_num_threads()
        finally:
            T.set_num_threads(before)

    check(program)
