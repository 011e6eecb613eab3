"""The way out to PyTorch (and back): ``state_dict`` s in the safetensors format.

safetensors (https://github.com/huggingface/safetensors) is a plain, code-free file of named
tensors that PyTorch, JAX, numpy and Hugging Face all read. This module writes and reads it through
the optional ``safetensors`` package's numpy API (``safetensors.numpy``); the format itself is
never written by hand here. Install it with ``pip install "tinygrad_edu[safetensors]"``.

The names mirror ``safetensors.torch``::

    save_file(model.state_dict(), "model.safetensors")   # ours -> file
    model.load_state_dict(load_file("model.safetensors"))
    save_model(model, path) / load_model(model, path)       # the same, in one call

and in PyTorch ``net.load_state_dict(safetensors.torch.load_file("model.safetensors"))`` reads the
same file (docs/safetensors.md shows both directions). Dtypes are kept exactly (a float32 parameter
stays float32, an int64 buffer int64). Only numeric tensors can be stored: anything else (strings,
None, lists, Python numbers, complex128) is refused with a ``TypeError`` naming the key, before
the file is touched. ``save_file`` writes a temporary file and renames it, so a failure never
leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from typing import Any, Mapping

import numpy as np

from ..creation import tensor
from ..value import Value

__all__ = ["save_file", "load_file", "save", "load", "save_model", "load_model", "INSTALL_HINT"]

INSTALL_HINT = 'pip install "tinygrad_edu[safetensors]"'
# the numpy dtypes safetensors can store (bfloat16 and float8 have no numpy type)
_STORABLE = {np.dtype(t) for t in (np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32,
                                   np.uint32, np.int64, np.uint64, np.float16, np.float32,
                                   np.float64, np.complex64)}


def _backend() -> Any:
    """``safetensors.numpy``, or an ImportError that says how to install it."""
    try:
        import safetensors.numpy as st_numpy
    except ImportError as exc:
        raise ImportError(
            "tinygrad_edu.utils.safetensors needs the optional 'safetensors' package, which is not "
            f"installed. Install it with: {INSTALL_HINT}  (or: pip install safetensors)"
        ) from exc
    return st_numpy


def _to_arrays(tensors: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Check every entry and copy it into a C-contiguous numpy array (nothing is written yet)."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"save_file expects a dict of name -> tensor (e.g. model.state_dict()), "
                        f"got {type(tensors).__name__}")
    out = {}
    for key, value in tensors.items():
        if not isinstance(key, str):
            raise TypeError(f"safetensors keys must be strings, got {key!r} ({type(key).__name__})")
        if isinstance(value, Value):
            arr = value.detach().numpy()
        elif isinstance(value, np.ndarray):
            arr = value
        else:
            raise TypeError(
                f'cannot store "{key}": safetensors holds only numeric tensors (Value or numpy '
                f"array), got {type(value).__name__}. Use tinygrad_edu.save for other objects.")
        arr = np.array(arr, order="C", copy=True)  # 0-d stays 0-d; views become their own arrays
        if arr.dtype not in _STORABLE:
            raise TypeError(
                f'cannot store "{key}": dtype {arr.dtype} is not a numeric dtype safetensors '
                f"supports ({', '.join(sorted(str(d) for d in _STORABLE))})")
        out[key] = arr
    return out


def _check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise TypeError("metadata must be a dict of str -> str (as in safetensors)")
    return dict(metadata)


def save(tensors: Mapping[str, Any], metadata: Mapping[str, str] | None = None) -> bytes:
    """The safetensors file for ``tensors`` as bytes (``safetensors.torch.save``)."""
    arrays, meta = _to_arrays(tensors), _check_metadata(metadata)
    return _backend().save(arrays, metadata=meta)


def save_file(tensors: Mapping[str, Any], filename: str | os.PathLike,
              metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` (e.g. ``model.state_dict()``) to ``filename`` (``safetensors.torch.save_file``).

    Everything is checked and serialised before the file is opened; the bytes go to a temporary
    file in the same folder that then replaces ``filename``, so on any error the old file stays.
    """
    _write_atomically(filename, save(tensors, metadata))


def _write_atomically(filename: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``filename`` (through a symlink, as ``open``
    does), then rename it over the target; an existing file keeps its permission bits."""
    target = os.path.realpath(os.fspath(filename))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None  # a new file: open()'s default, 0o666 less the umask
    if mode is not None and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, f"Permission denied: {os.fspath(filename)!r} is read-only")
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _wrap(arrays: Mapping[str, np.ndarray]) -> dict[str, Value]:
    return {k: tensor(a) for k, a in arrays.items()}


def _unknown_dtype(where: str, exc: TypeError) -> TypeError:
    return TypeError(f"{where} holds a dtype numpy has no type for ({exc}); bfloat16 and float8 "
                     "tensors cannot be read here: convert them in PyTorch first, e.g. "
                     "{k: v.float() for k, v in sd.items()}, and save again")


def load(data: bytes) -> dict[str, Value]:
    """The tensors in a safetensors file held as bytes (``safetensors.torch.load``)."""
    backend = _backend()
    try:
        return _wrap(backend.load(data))
    except TypeError as exc:
        raise _unknown_dtype("the data", exc) from exc


def load_file(filename: str | os.PathLike) -> dict[str, Value]:
    """Read a safetensors file into a dict of name -> Value (``safetensors.torch.load_file``).

    Each Value has the file's dtype and shape and does not require grad; pass the dict to
    ``Module.load_state_dict``, which copies it into the parameters.
    """
    backend = _backend()
    try:
        return _wrap(backend.load_file(filename))
    except TypeError as exc:
        raise _unknown_dtype(f"{os.fspath(filename)!r}", exc) from exc


def save_model(model: Any, filename: str | os.PathLike, metadata: Mapping[str, str] | None = None) -> None:
    """``save_file(model.state_dict(), filename)`` (``safetensors.torch.save_model``)."""
    save_file(model.state_dict(), filename, metadata)


def load_model(model: Any, filename: str | os.PathLike, strict: bool = True) -> Any:
    """``model.load_state_dict(load_file(filename), strict)``; returns its missing/unexpected keys."""
    return model.load_state_dict(load_file(filename), strict=strict)
