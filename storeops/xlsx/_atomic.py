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

import hashlib
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


class _Hashing:
    """A file object that also digests what goes through it (the new version's stamp).

    The digest is computed on a thread of its own (``hashlib`` works outside the GIL on
    big buffers), at the same time as the writing: a 150 MB workbook's BLAKE2 costs its
    writer nothing.  At most :data:`_HASH_AHEAD` writes wait to be digested."""

    def __init__(self, fh: BinaryIO):
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        self.fh = fh
        self.h = hashlib.blake2b(digest_size=16)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="storeops-digest")
        self._pending: deque = deque()

    def write(self, b) -> int:
        n = self.fh.write(b)
        if not isinstance(b, bytes):  # a buffer its owner may reuse: digested now
            self._drain(0)
            self.h.update(b)
            return n
        self._pending.append(self._pool.submit(self.h.update, b))
        self._drain(_HASH_AHEAD)
        return n

    def _drain(self, keep: int) -> None:
        while len(self._pending) > keep:
            self._pending.popleft().result()

    def digest(self) -> bytes:
        """The digest of everything written (waits for the thread)."""
        self._drain(0)
        self._pool.shutdown()
        return self.h.digest()

    def __getattr__(self, name: str):
        return getattr(self.fh, name)


_HASH_AHEAD = 16


def atomic_write(
    path: str | os.PathLike[str],
    write_fn: Callable[[BinaryIO], object],
    *,
    before_rename: Callable[[], None] | None = None,
) -> bytes:
    """Write ``path`` through ``write_fn(fh)`` into a temporary file and rename it into place.

    The original file's mode is kept (a new file gets the usual ``0o666 & ~umask``).  An
    existing read-only file is refused.  ``before_rename`` runs after the data is on disk,
    just before the rename (a last check; it may raise).  Operating-system errors (disk
    full, I/O error, no permission, read-only folder) become one bilingual
    :class:`~storeops.errors.FileIOError` line; the original is then unchanged and the
    temporary file removed.  Returns the digest of the bytes written.

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
        with os.fdopen(fd, "wb") as raw:
            fh = _Hashing(raw)
            try:
                write_fn(fh)  # type: ignore[arg-type]
            finally:
                digest = fh.digest()
            raw.flush()
            os.fsync(raw.fileno())
        if existed:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
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
    return digest


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

    digest = atomic_write(path, write_fn, before_rename=unchanged)
    st = os.stat(path)
    session.stamp = FileStamp(st.st_size, st.st_mtime_ns, digest)


def _changed(path: str) -> FileChangedError:
    return FileChangedError(
        f"{os.path.basename(path)}: StoreOps 处理期间文件被保存了（其他人或程序），为不覆盖那次保存，未写入 / "
        "the file was saved by someone else while StoreOps worked on it; nothing was written, "
        "so that save is kept (run the command again)"
    )
