"""``save`` and ``load`` without pickle: a checkpoint can never run code.

The file is a zip (numpy's ``.npz`` layout, members stored uncompressed): one ``.npy`` member per
array, plus ``__structure__.npy``, a JSON description of the nested dicts, lists, numbers and
strings around them, with a SHA-256 digest of every array.

``save`` writes to a temporary file in the folder of the target (a symlink is followed, as
``open`` does), fsyncs it, gives it the old file's permission bits (a new file gets the default
mode of ``open``, 0o666 less the umask) and renames it over the target, so a crash mid-save leaves
the old file intact. ``f`` may also be a binary file object (``io.BytesIO``, ``open(p, 'wb')``).

``load`` raises ``CheckpointError`` (a ``RuntimeError``) naming what is wrong for any truncated,
foreign, tampered or crafted file, and checks every size before it allocates (see ``load``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import math
import os
import secrets
import stat
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .device import check_device, device
from .value import Value

__all__ = ["save", "load", "CheckpointError", "DEFAULT_MAX_BYTES", "MAX_DEPTH"]

FORMAT = "tinygrad_edu-checkpoint"
VERSION = 1
_STRUCTURE = "__structure__.npy"
DEFAULT_MAX_BYTES = 4 * 2**30  # load refuses checkpoints holding more data than this (4 GiB)
MAX_DEPTH = 100  # nesting of dicts/lists/tuples that save writes and load accepts
_MAX_INT_BITS = 14_000  # about 4,200 digits, under Python's int/str conversion limit of 4,300
_CHUNK = 1 << 18
_NUMBER_KINDS = "biufc"  # bool, signed and unsigned int, float, complex

PathOrFile = str | bytes | os.PathLike | IO[bytes]


class CheckpointError(RuntimeError):
    """The file is not a readable tinygrad_edu checkpoint."""


def _digest(arr: np.ndarray) -> str:
    h = hashlib.sha256(str(arr.dtype).encode() + str(arr.shape).encode())
    h.update(np.ascontiguousarray(arr).reshape(-1).view(np.uint8))  # C-order bytes, no copy
    return h.hexdigest()


# ---------------------------------------------------------------------------------------- save
def _encode(obj: Any, arrays: list[np.ndarray], open_ids: set[int], depth: int) -> Any:
    if isinstance(obj, (Value, np.ndarray, np.generic)):
        arr = obj.detach().numpy() if isinstance(obj, Value) else np.asarray(obj)
        if arr.dtype.kind not in _NUMBER_KINDS:
            raise TypeError(f"save: cannot store an array of dtype {arr.dtype} (numbers only)")
        arrays.append(arr)
        kind = "parameter" if type(obj).__name__ == "Parameter" else (
            "tensor" if isinstance(obj, Value) else "ndarray" if isinstance(obj, np.ndarray) else "npscalar")
        return {"t": kind, "k": len(arrays) - 1, "rg": bool(getattr(obj, "requires_grad", False))}
    if obj is None or isinstance(obj, (bool, float, str)):
        return {"t": "py", "v": obj}
    if isinstance(obj, int):
        if obj.bit_length() > _MAX_INT_BITS:
            raise ValueError(
                f"save: cannot store an int of {obj.bit_length()} bits (at most {_MAX_INT_BITS})")
        return {"t": "py", "v": obj}
    if not isinstance(obj, (list, tuple, dict)):
        raise TypeError(
            f"save: cannot store an object of type {type(obj).__name__}; checkpoints hold nested "
            f"dicts/lists/tuples of tensors, arrays, numbers, strings and None (e.g. a state_dict)"
        )
    if id(obj) in open_ids:
        raise ValueError(f"save: the {type(obj).__name__} contains itself (a reference cycle)")
    if depth >= MAX_DEPTH:
        raise ValueError(f"save: containers nested more than {MAX_DEPTH} deep cannot be stored")
    open_ids.add(id(obj))
    if isinstance(obj, dict):
        for k in obj:
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__}")
        node = {"t": "odict" if isinstance(obj, OrderedDict) else "dict",
                "v": [[k, _encode(v, arrays, open_ids, depth + 1)] for k, v in obj.items()]}
    else:
        node = {"t": "list" if isinstance(obj, list) else "tuple",
                "v": [_encode(v, arrays, open_ids, depth + 1) for v in obj]}
    open_ids.discard(id(obj))
    return node


def _write_archive(fh: IO[bytes], arrays: list[np.ndarray], structure: bytes) -> None:
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        for i, arr in enumerate(arrays):
            with zf.open(f"arr_{i}.npy", "w", force_zip64=arr.nbytes > 2**30) as member:
                np.save(member, arr, allow_pickle=False)
        with zf.open(_STRUCTURE, "w") as member:
            np.save(member, np.frombuffer(structure, dtype=np.uint8), allow_pickle=False)


def _check_file_object(f: Any, op: str, needs: tuple[str, ...]) -> None:
    if not all(callable(getattr(f, name, None)) for name in needs):
        raise TypeError(
            f"{op}: f must be a path (str or os.PathLike) or a binary file object with "
            f"{', '.join(needs)}(), got {type(f).__name__}"
        )
    if isinstance(f, io.TextIOBase):
        raise TypeError(f"{op}: the file object is open in text mode; open it in binary mode ('wb' / 'rb')")


def save(obj: Any, f: PathOrFile) -> None:
    """Write ``obj`` (e.g. ``{'model': model.state_dict(), 'optim': opt.state_dict()}``) to ``f``
    without pickle.

    ``f`` is a path (str or os.PathLike) or a binary file object, written from its current
    position like ``torch.save``. A path is replaced atomically, through a symlink, keeping the
    old file's permissions. Nothing is written when ``obj`` cannot be stored (``TypeError`` or
    ``ValueError``); a missing folder raises ``FileNotFoundError``.
    """
    arrays: list[np.ndarray] = []
    tree = _encode(obj, arrays, set(), 0)
    structure = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree,
                            "digests": [_digest(a) for a in arrays]}).encode()
    if isinstance(f, (str, bytes, os.PathLike)):
        _save_to_path(arrays, structure, os.fsdecode(f))
        return
    _check_file_object(f, "save", ("write",))
    _write_archive(f, arrays, structure)
    if callable(getattr(f, "flush", None)):
        f.flush()


def _save_to_path(arrays: list[np.ndarray], structure: bytes, path: str) -> None:
    target = os.path.realpath(path)  # write through symlinks, as open() and torch.save do
    folder = os.path.dirname(target)
    if not os.path.exists(folder):
        raise FileNotFoundError(errno.ENOENT, f"Parent directory {folder} does not exist.")
    if not os.path.isdir(folder):
        raise NotADirectoryError(errno.ENOTDIR, f"Parent path {folder} is not a directory.")
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, f"Permission denied: {path!r} is read-only")
    fd, tmp = _create_temp(folder, os.path.basename(target), 0o600 if old else 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_archive(fh, arrays, structure)
            fh.flush()
            os.fsync(fh.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def _create_temp(folder: str, base: str, mode: int) -> tuple[int, str]:
    """A new file next to the target, created like open() does (mode less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(folder, f".{base[:64]}.{secrets.token_hex(6)}.tmp")
        with contextlib.suppress(FileExistsError):
            return os.open(tmp, flags, mode), tmp


# ---------------------------------------------------------------------------------------- load
def load(f: PathOrFile, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None,
         max_bytes: int | None = DEFAULT_MAX_BYTES) -> Any:
    """Read a checkpoint written by :func:`save`. Tensors come back as Values.

    PyTorch's ``map_location`` (a device name, a device, a dict or a function), ``pickle_module``,
    ``weights_only`` and ``mmap`` are accepted: everything loads onto the CPU, nothing in a
    checkpoint can run code whatever ``weights_only`` says (there is no pickle), and arrays are
    read into memory. A ``map_location`` naming another device raises, as ``device`` does.

    ``f`` is a path or a seekable binary file object (read from its current position).
    Anything wrong with the file's contents raises ``CheckpointError``; nothing in it can run code.

    Allocation bound: before reading any data, ``load`` checks that the member sizes in the zip
    directory add up to no more than the bytes actually in the file and no more than
    ``max_bytes`` (default ``DEFAULT_MAX_BYTES``, 4 GiB; pass a larger number, or ``None`` for
    no cap, to load bigger checkpoints you trust), that every member is stored uncompressed and
    unencrypted, and that each array's header (shape times item size) accounts for exactly the
    bytes of its member. So the arrays never take more memory than the file's size. Beyond them,
    ``load`` reads in 256 KiB chunks and builds Python objects for the zip directory and the JSON
    structure record (a small multiple of their size in the file, tiny for real checkpoints).
    """
    if isinstance(map_location, (str, device)):
        check_device(map_location)
    if max_bytes is not None and (not isinstance(max_bytes, int) or max_bytes < 0):
        raise ValueError(f"load: max_bytes must be a non-negative int or None, got {max_bytes!r}")
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as fh:  # a missing file raises FileNotFoundError, like torch.load
            return _load(fh, f"load({os.fsdecode(f)!r})", max_bytes)
    _check_file_object(f, "load", ("read", "seek", "tell"))
    return _load(f, f"load({f!r})", max_bytes)


def _load(fh: IO[bytes], where: str, max_bytes: int | None) -> Any:
    start = fh.tell()
    size = fh.seek(0, os.SEEK_END) - start
    fh.seek(start)
    try:
        return _load_archive(fh, size, where, max_bytes)
    except (CheckpointError, MemoryError):
        raise
    except Exception as exc:  # anything a crafted archive provokes in zipfile or numpy
        raise CheckpointError(
            f"{where}: the file is corrupt or not a tinygrad_edu checkpoint ({type(exc).__name__}: {exc})"
        ) from exc


def _load_archive(fh: IO[bytes], size: int, where: str, max_bytes: int | None) -> Any:
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"{where}: not a tinygrad_edu checkpoint: the file is truncated or is not a zip "
            f"archive ({exc}). Was it written by tinygrad_edu.save?"
        ) from None
    with zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        if _STRUCTURE not in names:
            raise CheckpointError(
                f"{where}: not a tinygrad_edu checkpoint (no {_STRUCTURE}); it may be a torch or "
                f"numpy file. Only files written by tinygrad_edu.save can be loaded."
            )
        if len(set(names)) != len(names):
            raise CheckpointError(f"{where}: the zip archive has duplicate member names (tampered)")
        _check_sizes(infos, size, where, max_bytes)
        meta = _read_structure(zf, zf.getinfo(_STRUCTURE), where)
        digests = meta["digests"]
        expected = {_STRUCTURE} | {f"arr_{i}.npy" for i in range(len(digests))}
        if set(names) != expected:
            missing, extra = sorted(expected - set(names)), sorted(set(names) - expected)
            raise CheckpointError(
                f"{where}: the members do not match the structure record (missing {missing[:3]}, "
                f"unexpected {extra[:3]}): the file is truncated or tampered"
            )
        arrays = []
        for i, want in enumerate(digests):
            arr = _read_array(zf, zf.getinfo(f"arr_{i}.npy"), where)
            if _digest(arr) != want:
                raise CheckpointError(
                    f"{where}: array {i} does not match its recorded digest: the file was "
                    f"modified or corrupted after it was saved"
                )
            arrays.append(arr)
    try:
        used: set[int] = set()
        out = _decode(meta["tree"], arrays, used, 0)
        if len(used) != len(arrays):
            raise ValueError(f"{len(arrays) - len(used)} stored arrays are not referenced")
        return out
    except (KeyError, IndexError, TypeError, ValueError, RecursionError) as exc:
        raise CheckpointError(f"{where}: the structure record is malformed ({exc!r})") from None


def _check_sizes(infos: list[zipfile.ZipInfo], size: int, where: str, max_bytes: int | None) -> None:
    """Refuse, before reading anything, members that are compressed, encrypted or claim more bytes
    than the file holds or than ``max_bytes`` allows."""
    for info in infos:
        if info.flag_bits & 0x1:
            raise CheckpointError(
                f"{where}: member {info.filename!r} is encrypted; checkpoints are never encrypted")
        if info.compress_type != zipfile.ZIP_STORED:
            raise CheckpointError(
                f"{where}: member {info.filename!r} uses compression method {info.compress_type}; "
                f"tinygrad_edu checkpoints store members uncompressed"
            )
        if info.file_size != info.compress_size:
            raise CheckpointError(
                f"{where}: member {info.filename!r} is stored uncompressed but declares "
                f"{info.file_size} bytes uncompressed and {info.compress_size} stored (tampered)"
            )
    total = sum(info.file_size for info in infos)
    if total > size:
        raise CheckpointError(
            f"{where}: the zip directory declares {total} bytes of members but the file has only "
            f"{size} bytes (truncated or tampered)"
        )
    if max_bytes is not None and total > max_bytes:
        raise CheckpointError(
            f"{where}: the checkpoint holds {total} bytes of data, more than max_bytes={max_bytes}; "
            f"if you trust this file, pass a larger max_bytes (or None) to load it"
        )


def _read_array(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> np.ndarray:
    """One ``.npy`` member, its header checked against its size before anything is allocated."""
    name = info.filename
    with zf.open(info) as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise CheckpointError(
                f"{where}: member {name!r} uses npy format version {version}, not 1.0 or 2.0")
        if dtype.kind not in _NUMBER_KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise CheckpointError(
                f"{where}: member {name!r} holds dtype {dtype}; checkpoints hold only numbers "
                f"(bool, int, float, complex)"
            )
        if any(isinstance(d, bool) or d < 0 for d in shape):
            raise CheckpointError(f"{where}: member {name!r} declares an invalid shape {shape}")
        count = math.prod(shape)
        need, have = count * dtype.itemsize, info.file_size - fh.tell()
        if need != have:
            raise CheckpointError(
                f"{where}: member {name!r} declares shape {shape} of {dtype} ({need} bytes) but "
                f"holds {have} bytes of data (truncated or tampered)"
            )
        flat = np.empty(count, dtype=dtype)
        raw = flat.view(np.uint8)
        pos = 0
        while pos < need:
            n = fh.readinto(raw[pos:pos + _CHUNK])
            if not n:
                raise CheckpointError(f"{where}: member {name!r} ends early (truncated)")
            pos += n
    return flat.reshape(shape, order="F" if fortran_order else "C")


def _read_structure(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> dict:
    raw = _read_array(zf, info, where)
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise CheckpointError(f"{where}: the structure record is not a byte string")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # bad JSON, huge ints, deep nesting
        raise CheckpointError(
            f"{where}: the structure record is corrupt ({type(exc).__name__}: {exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{where}: not a tinygrad_edu checkpoint (wrong format tag)")
    if meta.get("version") != VERSION:
        raise CheckpointError(
            f"{where}: checkpoint version {meta.get('version')!r} is not supported (expected {VERSION})"
        )
    digests = meta.get("digests")
    if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
        raise CheckpointError(f"{where}: the structure record has no digest list")
    if "tree" not in meta:
        raise CheckpointError(f"{where}: the structure record has no tree")
    return meta


def _decode(node: Any, arrays: list[np.ndarray], used: set[int], depth: int) -> Any:
    if not isinstance(node, dict) or not isinstance(node.get("t"), str):
        raise TypeError(f"bad node {str(node)[:80]}")
    t = node["t"]
    if t == "py":
        v = node["v"]
        if v is not None and type(v) not in (bool, int, float, str):
            raise TypeError(f"bad python value {str(v)[:80]}")
        return v
    if t in ("tensor", "parameter", "ndarray", "npscalar"):
        k, rg = node["k"], node["rg"]
        if type(k) is not int or not 0 <= k < len(arrays) or k in used:
            raise IndexError(f"array reference {k!r} out of range or repeated")
        if type(rg) is not bool or (rg and t in ("ndarray", "npscalar")):
            raise TypeError(f"bad requires_grad flag {rg!r} for a {t}")
        used.add(k)
        arr = arrays[k]
        if t == "ndarray":
            return arr
        if t == "npscalar":
            if arr.ndim:
                raise ValueError(f"numpy scalar stored with shape {arr.shape}")
            return arr[()]
        v = Value(arr)
        if rg:
            try:
                v.requires_grad_(True)
            except RuntimeError as exc:  # e.g. an int array flagged requires_grad
                raise ValueError(f"array {k}: {exc}") from None
        return v
    if depth >= MAX_DEPTH:
        raise ValueError(f"containers nested more than {MAX_DEPTH} deep")
    items = node["v"]
    if not isinstance(items, list):
        raise TypeError(f"a {t} node needs a list of items")
    if t in ("list", "tuple"):
        out = [_decode(v, arrays, used, depth + 1) for v in items]
        return out if t == "list" else tuple(out)
    if t in ("dict", "odict"):
        pairs = []
        for pair in items:
            if not isinstance(pair, list) or len(pair) != 2 or type(pair[0]) not in (str, int):
                raise TypeError(f"bad dict entry {str(pair)[:80]}")
            pairs.append((pair[0], _decode(pair[1], arrays, used, depth + 1)))
        out = OrderedDict(pairs) if t == "odict" else dict(pairs)
        if len(out) != len(pairs):
            raise ValueError("duplicate dict keys")
        return out
    raise ValueError(f"unknown node type {t!r}")
