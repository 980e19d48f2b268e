"""Atomic replacement of a workbook and refusal of files another program holds open."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from typing import BinaryIO

from ._package import bad_file


def lock_files(path: str) -> list[str]:
    """Lock/owner files that would show ``path`` is open in another program."""
    d, name = os.path.split(os.path.abspath(path))
    candidates = [f".~lock.{name}#", f"~${name}"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")  # Excel shortens long names: ~$ + name minus 2 chars
    return [os.path.join(d, c) for c in candidates if os.path.exists(os.path.join(d, c))]


def check_not_locked(path: str | os.PathLike[str]) -> None:
    """Raise :class:`StoreOpsError` when ``path`` is open in Excel, WPS or LibreOffice.

    Looks for LibreOffice/WPS lock files (``.~lock.NAME#``), Excel owner files
    (``~$NAME``) and, on Windows, a sharing violation when opening for writing.
    """
    path = os.fspath(path)
    found = lock_files(path)
    if found:
        raise bad_file(
            path,
            f"文件正被其他程序打开（{os.path.basename(found[0])}），请先关闭",
            "the file is open in another program (Excel/WPS/LibreOffice); close it first",
        )
    if sys.platform == "win32" and os.path.exists(path):  # pragma: no cover - Windows only
        try:
            fh = open(path, "r+b")
        except PermissionError:
            raise bad_file(
                path, "文件正被其他程序占用，请先关闭", "the file is in use by another program; close it first"
            ) from None
        fh.close()


def atomic_replace(path: str | os.PathLike[str], write_fn: Callable[[BinaryIO], None]) -> None:
    """Write a new version of ``path`` through ``write_fn(fh)`` and rename it into place.

    The temporary file lives in the same folder, is flushed and fsynced, then
    ``os.replace`` swaps it in: a crash or kill at any moment leaves either the old or
    the new file, never a broken one.  Refuses a locked file first.  The original file
    mode is kept.
    """
    path = os.fspath(path)
    check_not_locked(path)
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".storeops-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            write_fn(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        check_not_locked(path)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename durable
        dfd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover - e.g. Windows
        pass
