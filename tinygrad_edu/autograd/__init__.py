"""Layer 4: the public autograd API: ``grad``, ``backward``, grad modes, anomaly detection and
the higher-order helpers in ``autograd.functional``."""

from ..function import Function
from ..state import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from . import forward_ad, functional
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .gradients import backward, grad

__all__ = [
    "grad", "backward", "Function", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "functional",
    "forward_ad",
]
