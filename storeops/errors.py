"""The exceptions the CLI shows to a person as a single clear line, and the words for the
operating system's errors.

Exit codes: 2 — a bad file, argument or workbook the user can fix; 74 — a file could not be
read or written (disk full, I/O error, no permission); 75 — the file is busy or changed
while StoreOps worked on it (run again); 1 — ``check`` found problems / an ``import`` file
failed; 130 — cancelled; 70 — an internal error (a bug: please report it).
"""

from __future__ import annotations

import errno
import os


class StoreOpsError(Exception):
    """A problem the user can fix (bad file, locked file, wrong argument).

    The message is shown as one line, Chinese first then English, with exit code 2.
    """

    exit_code = 2


class FileIOError(StoreOpsError):
    """A file could not be read or written (disk full, I/O error, no permission)."""

    exit_code = 74


class FileBusyError(StoreOpsError):
    """The workbook is being written by another StoreOps command, or it changed (someone
    saved it) while StoreOps was working on it; nothing was written.  Running again is safe."""

    exit_code = 75


class FileChangedError(FileBusyError):
    """The original changed between StoreOps reading it and replacing it (see
    :func:`storeops.xlsx.atomic_replace`)."""


#: errno → (Chinese, English)
_ERRNO = {
    errno.ENOSPC: ("磁盘已满", "the disk is full"),
    errno.EIO: ("读写出错（磁盘、U 盘或网络故障）", "input/output error (disk, USB stick or network failure)"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("没有权限", "operation not permitted"),
    errno.EROFS: ("磁盘或文件夹是只读的", "the disk or folder is read-only"),
    errno.ENOENT: ("找不到文件或文件夹", "no such file or folder"),
    errno.EISDIR: ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    errno.ENOTDIR: ("路径中有一部分不是文件夹", "a part of the path is not a folder"),
    errno.ENAMETOOLONG: ("文件名太长", "the file name is too long"),
    errno.EMFILE: ("打开的文件太多", "too many open files"),
    errno.ENFILE: ("打开的文件太多", "too many open files"),
    errno.EFBIG: ("文件太大", "the file is too large"),
    errno.EBUSY: ("文件正被占用", "the file is busy"),
    errno.ETXTBSY: ("文件正被占用", "the file is busy"),
}
if hasattr(errno, "EDQUOT"):
    _ERRNO[errno.EDQUOT] = ("磁盘配额已用完", "the disk quota is used up")


def os_reason(exc: OSError) -> tuple[str, str]:
    """(Chinese, English) words for an operating-system error.

    Examples
    --------
    >>> os_reason(OSError(errno.ENOSPC, "No space left on device"))
    ('磁盘已满', 'the disk is full')
    """
    if exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    text = exc.strerror or str(exc) or type(exc).__name__
    return text, text


def io_error(exc: OSError, path: str | os.PathLike[str] | None, *, writing: bool, note: str = "") -> FileIOError:
    """A :class:`FileIOError` naming ``path`` (default: the file of ``exc``).

    ``note`` is appended in both languages, e.g. that the original file is unchanged.

    Examples
    --------
    >>> str(io_error(OSError(errno.ENOSPC, "x"), "/tmp/book.xlsm", writing=True))
    '无法写入 book.xlsm：磁盘已满 / cannot write book.xlsm: the disk is full'
    """
    zh, en = os_reason(exc)
    where = path if path is not None else exc.filename
    name = os.path.basename(os.fspath(where)) if where else ""
    verb_zh, verb_en = ("写入", "write") if writing else ("读取", "read")
    msg_zh = f"无法{verb_zh} {name}：{zh}" if name else f"无法{verb_zh}文件：{zh}"
    msg_en = f"cannot {verb_en} {name}: {en}" if name else f"cannot {verb_en} a file: {en}"
    if note:
        nzh, _, nen = note.partition(" / ")
        msg_zh += f"，{nzh}"
        msg_en += f"; {nen or nzh}"
    return FileIOError(f"{msg_zh} / {msg_en}")


UNCHANGED = "原文件未改动 / the original file is unchanged"


def describe(exc: BaseException) -> tuple[str, int] | None:
    """A one-line bilingual message and exit code for an exception a person can act on,
    or ``None`` for a real internal error (a bug)."""
    if isinstance(exc, StoreOpsError):
        return str(exc), exc.exit_code
    if isinstance(exc, OSError):
        zh, en = os_reason(exc)
        where = os.path.basename(os.fspath(exc.filename)) if exc.filename else ""
        prefix = f"{where}: " if where else ""
        return f"{prefix}{zh} / {prefix}{en}", 74
    if isinstance(exc, MemoryError):
        return "内存不足（文件太大？）/ out of memory (is the file too large?)", 74
    if isinstance(exc, RecursionError):
        return "内容嵌套太深，无法处理 / the content is nested too deeply to process", 2
    return None
