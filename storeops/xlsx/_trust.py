"""Parts this machine's StoreOps wrote or checked: their well-formedness is not checked again.

Every XML part StoreOps reads is checked well-formed first (:mod:`._wellformed`): the
compiled scanners do not bounds-check, so the check is a safety check, and on a
674 MB follow-up sheet it costs about a second.  A part whose bytes this user's StoreOps
wrote itself (``storeops recalc``'s rewritten sheets) or already checked needs no second
check, but the file cannot be the one to say so: anyone can craft a workbook, and a
CRC-32 is easily forged.  So the record is kept **outside the file**, in the user's
cache folder (``$XDG_CACHE_HOME/storeops``, else ``~/.cache/storeops``; ``%LOCALAPPDATA%``
on Windows; ``STOREOPS_CACHE_DIR`` overrides), where a crafted workbook cannot write.

A part is named by a SHA-256 of its *stored* (compressed) bytes with its compression
method, CRC-32 and size: the stored bytes determine the content, and a second part with
the same SHA-256 cannot be made.  (Hashing the stored bytes reads 82 MB for that sheet,
not 674 MB: ~50 ms.)  The record keeps, per part, the worksheet extent the check found
(last row, cells, last column, highest shared-string index), which the reader still
compares with the workbook's shared strings.

The record holds at most :data:`MAX_PARTS` parts (the most recent), is written
atomically, and a missing, damaged or unreadable record only means "check again".  Only
parts of :data:`MIN_BYTES` and more are recorded: smaller ones are checked in no time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping

__all__ = ["ENV", "MAX_PARTS", "MIN_BYTES", "cache_dir", "lookup", "part_key", "remember"]

#: environment variable naming the folder of the record (tests point it at a temporary one)
ENV = "STOREOPS_CACHE_DIR"
#: parts remembered (the most recent ones; a workbook has a handful of big parts)
MAX_PARTS = 512
#: parts smaller than this are checked each time (cheap), never recorded
MIN_BYTES = 1 << 20
_FILE = "checked-parts.json"
_FORMAT = 1


def cache_dir() -> str:
    """The folder of StoreOps' local record (not created here)."""
    d = os.environ.get(ENV)
    if d:
        return d
    if sys.platform == "win32":  # pragma: no cover - Windows only
        base = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "storeops")


def part_key(stored: Iterable[bytes], method: int, crc: int, size: int) -> str:
    """The name of a part by its stored bytes (given in pieces), compression method, CRC-32
    and content size.

    Examples
    --------
    >>> part_key([b"ab", b"c"], 8, 0x352441C2, 3) == part_key([b"abc"], 8, 0x352441C2, 3)
    True
    >>> part_key([b"abc"], 8, 1, 3) == part_key([b"abc"], 0, 1, 3)
    False
    """
    h = hashlib.sha256()
    for piece in stored:
        h.update(piece)
    return f"{h.hexdigest()}:{method}:{crc & 0xFFFFFFFF:08x}:{size}"


def _path() -> str:
    return os.path.join(cache_dir(), _FILE)


def _load() -> dict[str, list[int]]:
    """The record (oldest first); empty when missing or damaged."""
    try:
        with open(_path(), "rb") as fh:
            doc = json.loads(fh.read(1 << 20))
        if doc.get("format") != _FORMAT:
            return {}
        out = {}
        for key, ext in doc["parts"]:
            if isinstance(key, str) and isinstance(ext, list) and len(ext) == 4 and all(type(x) is int for x in ext):
                out[key] = ext
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def lookup(key: str) -> list[int] | None:
    """The extent recorded for the part ``key`` (``None``: not this StoreOps' bytes; check it)."""
    return _load().get(key)


def remember(parts: Mapping[str, Iterable[int]]) -> None:
    """Record parts (key → extent) as written or checked by this StoreOps; the oldest
    entries beyond :data:`MAX_PARTS` are dropped.  Never fails: a record that cannot be
    written only means those parts are checked again."""
    if not parts:
        return
    try:
        record = _load()
        for key, ext in parts.items():
            record.pop(key, None)
            record[key] = [int(x) for x in ext]
        items = list(record.items())[-MAX_PARTS:]
        data = json.dumps({"format": _FORMAT, "parts": items}, separators=(",", ":")).encode()
        folder = cache_dir()
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".checked-parts.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, _path())
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass
