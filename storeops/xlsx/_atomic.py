"""Atomic writing: a new version of a file appears whole or not at all.

:func:`atomic_write` writes any output (a workbook copy, a PDF, a CSV) to a temporary file
in the same folder (``.storeops-NAME.xxxxxxxx.tmp``), flushes and fsyncs it and renames it
over the target: a crash, a kill or a full disk at any moment leaves the old file or the new
one, never a broken one, and the temporary file is removed (or, after a kill, removed by the
next run, see :func:`storeops.xlsx.workbook_session`).

:func:`atomic_replace` is the same for a workbook StoreOps changes in place, with the
checks of SPEC §8: refuse a file another program holds open or that is read-only, and —
just before the rename — refuse to overwrite a version that someone saved after StoreOps
read it (:class:`storeops.errors.FileChangedError`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from typing import BinaryIO

from ..errors import UNCHANGED, FileChangedError, StoreOpsError, io_error
from ._package import bad_file
from ._session import FileStamp, current_session, refuse_read_only, temp_prefix, workbook_session


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


def atomic_write(
    path: str | os.PathLike[str],
    write_fn: Callable[[BinaryIO], object],
    *,
    before_rename: Callable[[], None] | None = None,
) -> FileStamp | None:
    """Write ``path`` through ``write_fn(fh)`` into a temporary file and rename it into place.

    The original file's mode is kept (a new file gets the usual ``0o666 & ~umask``).  An
    existing read-only file is refused.  ``before_rename`` runs after the data is on disk,
    just before the rename (a last check; it may raise).  Operating-system errors (disk
    full, I/O error, no permission, read-only folder) become one bilingual
    :class:`~storeops.errors.FileIOError` line; the original is then unchanged and the
    temporary file removed.  Returns the :class:`~storeops.xlsx.FileStamp` of the file
    written (taken before the rename, so it is ours even if someone saves right after).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> _ = atomic_write(p, lambda fh: fh.write(b"a,b\\n"))
    >>> p.read_bytes()
    b'a,b\\n'
    """
    path = os.fspath(path)
    refuse_read_only(path)
    d = os.path.dirname(os.path.abspath(path))
    existed = os.path.exists(path)
    note = UNCHANGED if existed else ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=d)
    except OSError as exc:
        raise io_error(exc, path, writing=True, note=note) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write_fn(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if existed:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        stamp = FileStamp.of(tmp)  # the rename keeps size and modification time
        if before_rename is not None:
            before_rename()
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, StoreOpsError):
            raise io_error(exc, path, writing=True, note=note) from None
        raise
    try:  # make the rename durable
        dfd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover - e.g. Windows
        pass
    return stamp


def atomic_replace(path: str | os.PathLike[str], write_fn: Callable[[BinaryIO], object]) -> None:
    """Write a new version of the workbook ``path`` through ``write_fn(fh)``, atomically.

    Inside a :func:`~storeops.xlsx.workbook_session` (every StoreOps command that changes
    a workbook runs in one): refuses a file open in Excel/WPS/LibreOffice or read-only,
    and, just before the rename, a file that changed since the session read it (someone
    saved it meanwhile) — :class:`~storeops.errors.FileChangedError`, nothing written.
    Called outside a session it opens one for the write alone.  See :func:`atomic_write`.
    """
    path = os.fspath(path)
    session = current_session(path)
    if session is None:
        with workbook_session(path):
            return atomic_replace(path, write_fn)
    check_not_locked(path)
    stamp = session.stamp

    def unchanged() -> None:
        check_not_locked(path)
        if stamp is None:
            if os.path.exists(path):
                raise _changed(path)
        elif not stamp.matches(path):
            raise _changed(path)

    session.stamp = atomic_write(path, write_fn, before_rename=unchanged)


def _changed(path: str) -> FileChangedError:
    return FileChangedError(
        f"{os.path.basename(path)}: StoreOps 处理期间文件被保存了（其他人或程序），为不覆盖那次保存，未写入 / "
        "the file was saved by someone else while StoreOps worked on it; nothing was written, "
        "so that save is kept (run the command again)"
    )
