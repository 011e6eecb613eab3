"""``tinygrad_edu.testing``: verify gradients.

* :func:`gradcheck` / :func:`gradgradcheck`: full Jacobians against central differences at the
  inputs you give (numpy only).
* :func:`check_op`: a hypothesis search over shapes and values for one op (needs the ``dev``
  extra, for hypothesis).
* :mod:`tinygrad_edu.testing.strategies`: the hypothesis strategies behind it.
* :mod:`tinygrad_edu.testing.catalogue`: every built-in op with its domain, which the test suite
  walks.
"""

from .check import OpCheckError, check_op, vjp_mismatch
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "check_op", "vjp_mismatch",
           "OpCheckError"]
