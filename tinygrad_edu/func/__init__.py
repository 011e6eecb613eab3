"""Floor 6: ``torch.func``'s transforms, spelled as PyTorch spells them.

``grad``, ``grad_and_value``, ``vjp`` and ``jacrev`` run reverse mode (``autograd.grad`` with
``create_graph=True``, so they nest); ``jvp`` and ``jacfwd`` run forward mode
(``autograd.forward_ad``, one dual level per call, so they nest too); ``hessian`` is
``jacfwd(jacrev(f))``, forward over reverse. ``vmap`` maps a function over a batch axis;
``functional_call`` runs a module with other parameters.
"""

from __future__ import annotations

from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from .vmap import functional_call, vmap

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "functional_call"]
