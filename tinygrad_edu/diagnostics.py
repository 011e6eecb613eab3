"""Floor 1: what autograd says when something goes wrong: broadcast errors and anomaly checks."""

from __future__ import annotations

import os
import traceback
from typing import Any

import numpy as np

from .state import GraphValue

__all__ = ["broadcast_error", "creation_site", "check_finite"]


def broadcast_error(op: str, raw: list) -> RuntimeError:
    """PyTorch's wording for shapes that do not broadcast, plus the op and a fix."""
    shapes = [tuple(np.shape(r)) for r in raw]
    a, b = (shapes + [()])[:2]
    detail = ""
    for i in range(1, max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            detail = (f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                      f"non-singleton dimension {max(len(a), len(b)) - i}. ")
            break
    dtypes = ", ".join(str(np.result_type(r)) for r in raw)
    return RuntimeError(
        f"{detail}{op}: shapes {' and '.join(map(str, shapes))} (dtypes {dtypes}) cannot be "
        f"broadcast together. Broadcasting matches axes from the right and needs each pair of "
        f"sizes to be equal or 1; reshape one operand (e.g. x.unsqueeze(-1) or x.reshape(...))."
    )


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def creation_site() -> str:
    """The innermost frame outside this package: where the user created the node."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    {frame.line}'
    return "<unknown>"


def check_finite(where: str, out: Any, site: str | None) -> None:
    """Raise if any float array in ``out`` holds nan or inf (anomaly mode)."""
    arrays = out if isinstance(out, tuple) else (out,)
    for a in arrays:
        if a is None:
            continue
        data = a._data if isinstance(a, GraphValue) else a
        if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind in "fc":
            if not np.all(np.isfinite(data)):
                created = f"\nThe op was created at:\n  {site}" if site else ""
                raise RuntimeError(
                    f"Function '{where}' returned nan or inf values (detect_anomaly is on)."
                    f"{created}\nCommon causes: log or sqrt of a value <= 0, division by zero, or "
                    f"a learning rate so large that the weights blow up."
                )
