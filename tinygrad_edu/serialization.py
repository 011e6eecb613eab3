"""``save`` and ``load`` without pickle: a checkpoint can never run code.

The file is a zip (numpy's ``.npz`` layout): one ``.npy`` member per array, written with
``allow_pickle=False``, plus ``__structure__.npy``, a JSON description of the nested dicts, lists,
numbers and strings around them, with a SHA-256 digest of every array. ``save`` writes to a
temporary file in the same folder and renames it over the target, so a crash mid-save leaves the
old file intact. ``load`` checks the format tag, the digests and every reference, and raises
``CheckpointError`` (a ``RuntimeError``) with a clear message on a truncated, foreign or
tampered file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from .value import Value

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "tinygrad_edu-checkpoint"
VERSION = 1
_STRUCTURE = "__structure__.npy"


class CheckpointError(RuntimeError):
    """The file is not a readable tinygrad_edu checkpoint."""


def _digest(arr: np.ndarray) -> str:
    return hashlib.sha256(str(arr.dtype).encode() + str(arr.shape).encode()
                          + np.ascontiguousarray(arr).tobytes()).hexdigest()


def _encode(obj: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(obj, (Value, np.ndarray)):
        arr = np.asarray(obj._data if isinstance(obj, Value) else obj)
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"save: cannot store an array of dtype {arr.dtype} (numbers only)")
        arrays.append(arr)
        kind = "parameter" if type(obj).__name__ == "Parameter" else (
            "tensor" if isinstance(obj, Value) else "ndarray")
        return {"t": kind, "k": len(arrays) - 1, "rg": bool(getattr(obj, "requires_grad", False))}
    if isinstance(obj, np.generic):
        return _encode(np.asarray(obj), arrays) | {"t": "npscalar"}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"t": "py", "v": obj}
    if isinstance(obj, (list, tuple)):
        return {"t": "list" if isinstance(obj, list) else "tuple",
                "v": [_encode(v, arrays) for v in obj]}
    if isinstance(obj, dict):
        for k in obj:
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__}")
        return {"t": "odict" if isinstance(obj, OrderedDict) else "dict",
                "v": [[k, _encode(v, arrays)] for k, v in obj.items()]}
    raise TypeError(
        f"save: cannot store an object of type {type(obj).__name__}; checkpoints hold nested "
        f"dicts/lists/tuples of tensors, arrays, numbers, strings and None (e.g. a state_dict)"
    )


def save(obj: Any, f: str | os.PathLike) -> None:
    """Write ``obj`` (e.g. ``{'model': model.state_dict(), 'optim': opt.state_dict()}``) to ``f``
    atomically, without pickle."""
    arrays: list[np.ndarray] = []
    tree = _encode(obj, arrays)
    meta = {"format": FORMAT, "version": VERSION, "tree": tree,
            "digests": [_digest(a) for a in arrays]}
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".tge", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
            for i, arr in enumerate(arrays):
                buf = io.BytesIO()
                np.save(buf, arr, allow_pickle=False)
                zf.writestr(f"arr_{i}.npy", buf.getvalue())
            buf = io.BytesIO()
            np.save(buf, np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), allow_pickle=False)
            zf.writestr(_STRUCTURE, buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read_npy(zf: zipfile.ZipFile, name: str, where: str) -> np.ndarray:
    try:
        with zf.open(name) as fh:
            return np.load(io.BytesIO(fh.read()), allow_pickle=False)
    except KeyError:
        raise CheckpointError(f"{where}: the file has no member {name!r} (truncated or tampered)") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{where}: member {name!r} is unreadable ({exc})") from None


def load(f: str | os.PathLike) -> Any:
    """Read a checkpoint written by :func:`save`. Tensors come back as Values."""
    where = f"load({os.fspath(f)!r})"
    try:
        zf = zipfile.ZipFile(os.fspath(f))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CheckpointError(
            f"{where}: not a tinygrad_edu checkpoint: the file is truncated or is not a zip "
            f"archive ({exc}). Was it written by tinygrad_edu.save?"
        ) from None
    with zf:
        try:
            raw = _read_npy(zf, _STRUCTURE, where)
            meta = json.loads(raw.tobytes().decode())
        except CheckpointError:
            raise CheckpointError(
                f"{where}: not a tinygrad_edu checkpoint (no {_STRUCTURE}); it may be a torch or "
                f"numpy file. Only files written by tinygrad_edu.save can be loaded."
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CheckpointError(f"{where}: the structure record is corrupt ({exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise CheckpointError(f"{where}: not a tinygrad_edu checkpoint (wrong format tag)")
        if meta.get("version") != VERSION:
            raise CheckpointError(
                f"{where}: checkpoint version {meta.get('version')!r} is not supported (expected "
                f"{VERSION})"
            )
        digests = meta.get("digests")
        if not isinstance(digests, list):
            raise CheckpointError(f"{where}: the structure record has no digest list")
        arrays = []
        for i, want in enumerate(digests):
            arr = _read_npy(zf, f"arr_{i}.npy", where)
            if _digest(arr) != want:
                raise CheckpointError(
                    f"{where}: array {i} does not match its recorded digest: the file was "
                    f"modified or corrupted after it was saved"
                )
            arrays.append(arr)
        try:
            return _decode(meta["tree"], arrays)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{where}: the structure record is malformed ({exc!r})") from None


def _decode(node: Any, arrays: list[np.ndarray]) -> Any:
    t = node["t"]
    if t == "py":
        v = node["v"]
        if v is not None and not isinstance(v, (bool, int, float, str)):
            raise TypeError(f"bad python value {v!r}")
        return v
    if t in ("tensor", "parameter", "ndarray", "npscalar"):
        k = node["k"]
        if not isinstance(k, int) or not 0 <= k < len(arrays):
            raise IndexError(f"array reference {k!r} out of range")
        arr = arrays[k]
        if t == "ndarray":
            return arr
        if t == "npscalar":
            return arr[()]
        v = Value(arr)
        if node.get("rg"):
            v.requires_grad_(True)
        return v
    if t in ("list", "tuple"):
        items = [_decode(v, arrays) for v in node["v"]]
        return items if t == "list" else tuple(items)
    if t in ("dict", "odict"):
        pairs = [(k, _decode(v, arrays)) for k, v in node["v"]]
        for k, _ in pairs:
            if not isinstance(k, (str, int)):
                raise TypeError(f"bad dict key {k!r}")
        return OrderedDict(pairs) if t == "odict" else dict(pairs)
    raise ValueError(f"unknown node type {t!r}")
