"""One StoreOps writer per workbook, and no lost saves.

:func:`workbook_session` is what every command that changes a workbook runs inside:

* **lock** — StoreOps takes its own lock file next to the workbook
  (``.storeops-NAME.lock``, an OS lock the system drops when the process dies, so a kill
  never leaves it stuck): ``watch``, ``merge``, ``import`` and ``recalc`` never write the
  same file at once; the second one waits (up to ``wait`` seconds) and then reads the file
  the first one wrote;
* **stale temporary files** of earlier, killed runs (``.storeops-NAME.*.tmp``) are removed;
* **read-only** workbooks (mode 444, the read-only attribute) are refused, not replaced;
* **the stamp** — size, modification time and a digest of the zip's central directory
  (every member's CRC-32 and sizes; the whole file when it is not a zip) *before anything
  reads it*.  :func:`storeops.xlsx.atomic_replace` compares it with the file just before
  renaming the new version into place: when someone saved the workbook meanwhile (Excel,
  WPS, a colleague on a shared folder), nothing is written and
  :class:`storeops.errors.FileChangedError` says so; :func:`retry_on_change` runs the whole
  command again on the saved file.

Sessions nest: a command that reads the workbook, then writes it, then recalculates
(``import``) holds one session, so the stamp is the one of its first read.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import re
import stat
import struct
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import FileBusyError, FileChangedError, FileIOError, StoreOpsError, io_error

__all__ = [
    "FileStamp",
    "WorkbookSession",
    "clean_stale_temps",
    "current_session",
    "refuse_read_only",
    "retry_on_change",
    "temp_prefix",
    "workbook_session",
]

TEMP_PREFIX = ".storeops-"
_LEGACY_TEMP = re.compile(r"^\.storeops-(?:build-)?[a-z0-9_]{8}\.(?:tmp|xlsm|xlsx)$")
#: a temporary file of an older StoreOps (random name only) is removed when this old
_LEGACY_AGE = 600.0


def temp_prefix(path: str) -> str:
    """Prefix of the temporary files written next to ``path`` (``.storeops-NAME.``)."""
    return f"{TEMP_PREFIX}{os.path.basename(path)}."


def lock_path(path: str) -> str:
    d, name = os.path.split(os.path.abspath(path))
    return os.path.join(d, f"{TEMP_PREFIX}{name}.lock")


# --------------------------------------------------------------------------- stamp
@dataclass(frozen=True)
class FileStamp:
    """What a file was when StoreOps read it: size, modification time (ns) and a digest.

    The digest is of the zip's central directory and end record (:func:`zip_directory`):
    they hold every member's name, CRC-32 of its content, sizes and place, so a program
    that saves the workbook changes them, whatever it changes — without reading the whole
    file (150 MB for the reference workbook, ~0.2 s twice per command).  A file that is not
    a readable zip is digested whole."""

    size: int
    mtime_ns: int
    digest: bytes

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> FileStamp | None:
        """The stamp of ``path`` now (``None`` when there is no such file)."""
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                directory = zip_directory(fh, st.st_size)
                if directory is not None:
                    digest = hashlib.blake2b(directory, digest_size=16, person=b"zip-dir").digest()
                else:
                    fh.seek(0)
                    digest = hashlib.file_digest(fh, lambda: hashlib.blake2b(digest_size=16)).digest()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise io_error(exc, os.fspath(path), writing=False) from None
        return cls(st.st_size, st.st_mtime_ns, digest)

    def matches(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` is still the same file version (size, modification time, digest)."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return False
        if (st.st_size, st.st_mtime_ns) != (self.size, self.mtime_ns):
            return False
        now = FileStamp.of(path)
        return now is not None and now == self


#: the end-of-central-directory record: signature, fixed part, and the longest comment
_EOCD, _EOCD_LEN, _MAX_COMMENT = b"PK\x05\x06", 22, 0xFFFF


def zip_directory(fh, size: int) -> bytes | None:
    r"""The central directory and end record of the zip open as ``fh`` (``size`` bytes), or
    ``None`` when the file is not a plain zip whose directory ends it (then the caller
    digests the whole file).  Reads only the file's tail.

    Examples
    --------
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("a.xml", "<a/>")
    >>> d = zip_directory(buf, len(buf.getvalue()))
    >>> d.startswith(b"PK\x01\x02") and d.endswith(b"\x00\x00") and b"a.xml" in d
    True
    >>> zip_directory(io.BytesIO(b"not a zip at all"), 16) is None
    True
    """
    if size < _EOCD_LEN:
        return None
    tail_len = min(size, _EOCD_LEN + _MAX_COMMENT)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    i = tail.rfind(_EOCD)
    while i >= 0:
        end = tail[i : i + _EOCD_LEN]
        if len(end) == _EOCD_LEN:
            disk, cd_disk, n_here, n_all, cd_size, cd_off, comment = struct.unpack("<HHHHIIH", end[4:])
            if (
                i + _EOCD_LEN + comment == tail_len  # the record ends the file (its comment included)
                and disk == cd_disk == 0
                and n_here == n_all != 0xFFFF
                and cd_off != 0xFFFFFFFF  # not zip64
                and cd_off + cd_size == size - tail_len + i  # the directory sits right before it
            ):
                fh.seek(cd_off)
                cd = fh.read(cd_size)
                if len(cd) == cd_size and (cd_size == 0 or cd.startswith(b"PK\x01\x02")):
                    return cd + tail[i:]
        i = tail.rfind(_EOCD, 0, i)
    return None


# --------------------------------------------------------------------------- lock
class _Lock:
    """An exclusive OS lock on ``.storeops-NAME.lock`` (released by the OS if we die)."""

    def __init__(self, path: str, fd: int):
        self.path, self.fd = path, fd

    @classmethod
    def try_acquire(cls, path: str) -> _Lock | None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            if not _os_lock(fd):
                os.close(fd)
                return None
            # the previous holder may have removed the file after we opened it: then this
            # lock is on a file nobody else sees; try again with the current one
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                return cls.try_acquire(path)
            try:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
            except OSError:
                pass
            return cls(path, fd)
        except BaseException:
            try:
                os.close(fd)
            except OSError:
                pass
            raise

    def release(self) -> None:
        if sys.platform != "win32":
            try:
                os.unlink(self.path)  # while still holding it: see try_acquire
            except OSError:
                pass
        try:
            _os_unlock(self.fd)
        finally:
            os.close(self.fd)


if sys.platform == "win32":  # pragma: no cover - Windows only
    import msvcrt

    def _os_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _os_unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, 0)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _os_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _os_unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(path: str, wait: float) -> _Lock:
    lp = lock_path(path)
    deadline = time.monotonic() + wait
    while True:
        try:
            lock = _Lock.try_acquire(lp)
        except OSError as exc:
            raise io_error(exc, path, writing=True, note="原文件未改动 / the file is unchanged") from None
        if lock is not None:
            return lock
        if time.monotonic() >= deadline:
            raise FileBusyError(
                f"{os.path.basename(path)}: 另一个 StoreOps 命令正在写这个文件，请稍后再试 / "
                "another StoreOps command is writing this file; try again shortly"
            )
        time.sleep(0.05)


# --------------------------------------------------------------------------- session
@dataclass
class WorkbookSession:
    """An open session on one workbook: its lock and the stamp of the version read."""

    path: str
    stamp: FileStamp | None
    lock: _Lock
    #: parts already checked well-formed in this session: (member, CRC-32, size) → extent
    checked: dict = field(default_factory=dict)


_ACTIVE: contextvars.ContextVar[dict[str, WorkbookSession] | None] = contextvars.ContextVar(
    "storeops_sessions", default=None
)


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def current_session(path: str | os.PathLike[str]) -> WorkbookSession | None:
    """The session open on ``path`` in this thread/context, if any."""
    return (_ACTIVE.get() or {}).get(_key(path))


def refuse_read_only(path: str) -> None:
    """Refuse to replace a file marked read-only (mode 444 / the read-only attribute)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise io_error(exc, path, writing=False) from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreOpsError(f"{os.path.basename(path)}: 这是一个文件夹，不是文件 / it is a folder, not a file")
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise FileIOError(
            f"{os.path.basename(path)}: 文件是只读的，未改动（请先取消只读属性） / "
            "the file is read-only and was not changed (clear its read-only attribute first)"
        )


def clean_stale_temps(path: str) -> list[str]:
    """Remove temporary files earlier (killed) runs left next to ``path``; call it holding
    ``path``'s lock.  Temporary files of older StoreOps versions (random names only) go
    when they are more than ten minutes old.  Returns the names removed."""
    d, name = os.path.split(os.path.abspath(path))
    mine = re.compile(re.escape(temp_prefix(name)) + r"[a-z0-9_]{8}\.tmp$")
    removed: list[str] = []
    try:
        entries = os.listdir(d)
    except OSError:
        return removed
    now = time.time()
    for n in entries:
        if not n.startswith(TEMP_PREFIX):
            continue
        full = os.path.join(d, n)
        try:
            if mine.match(n) or (_LEGACY_TEMP.match(n) and now - os.path.getmtime(full) > _LEGACY_AGE):
                os.unlink(full)
                removed.append(n)
        except OSError:
            continue
    return removed


_TEMP_OF = re.compile(r"^\.storeops-(.+)\.[a-z0-9_]{8}\.tmp$")


def clean_folder(folder: str | os.PathLike[str]) -> list[str]:
    """Remove the temporary files killed runs left in ``folder`` (each only while no
    StoreOps process holds its workbook's lock), and old ones of earlier versions."""
    folder = os.fspath(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed: list[str] = []
    for target in sorted({m.group(1) for n in names if (m := _TEMP_OF.match(n))} | {""}):
        path = os.path.join(folder, target or ".storeops-none")
        try:
            lock = _Lock.try_acquire(lock_path(path)) if target else None
        except OSError:
            continue
        if target and lock is None:
            continue  # a StoreOps command is writing it right now
        try:
            removed += clean_stale_temps(path)
        finally:
            if lock is not None:
                lock.release()
    return sorted(set(removed))


@contextmanager
def workbook_session(path: str | os.PathLike[str], *, wait: float = 60.0) -> Iterator[WorkbookSession]:
    """Lock ``path`` for StoreOps, clean stale temporary files, refuse a read-only file and
    take the stamp of the version about to be read.  Nested calls reuse the session.

    Examples
    --------
    >>> from storeops.xlsx import workbook_session, write_tables
    >>> with workbook_session("master.xlsm"):              # doctest: +SKIP
    ...     frames = read_tables("master.xlsm")            # the stamp is of this version
    ...     write_tables("master.xlsm", changed)           # refused if someone saved meanwhile
    """
    path = os.fspath(path)
    key = _key(path)
    active = _ACTIVE.get() or {}
    if key in active:
        yield active[key]
        return
    lock = _acquire(path, wait)
    try:
        clean_stale_temps(path)
        refuse_read_only(path)
        session = WorkbookSession(path, FileStamp.of(path), lock)
        token = _ACTIVE.set({**active, key: session})
        try:
            yield session
        finally:
            _ACTIVE.reset(token)
    finally:
        lock.release()


T = TypeVar("T")


def retry_on_change(fn: Callable[[], T], *, attempts: int = 3, log: Callable[[str], None] | None = None) -> T:
    """Run ``fn`` (a whole read-change-write command); when the workbook changed under it
    (:class:`FileChangedError`: someone saved it meanwhile, nothing was written), run it
    again on the saved version, up to ``attempts`` times in all."""
    for i in range(attempts):
        try:
            return fn()
        except FileChangedError:
            if i == attempts - 1:
                raise
            if log is not None:
                log("文件刚被保存，按新内容重做 / the file was just saved; running again on the saved version")
    raise AssertionError("unreachable")  # pragma: no cover
