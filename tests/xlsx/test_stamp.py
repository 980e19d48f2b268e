"""The stamp that notices another program saving a workbook while StoreOps works on it
(storeops.xlsx._session.FileStamp): size, modification time and a digest of the zip's
central directory — never fooled by a save that keeps size and time."""

from __future__ import annotations

import os
import zipfile

import pytest

from storeops.errors import FileChangedError
from storeops.xlsx import _session
from storeops.xlsx._atomic import atomic_replace
from storeops.xlsx._session import FileStamp, workbook_session, zip_directory


def _zip(path, members: dict[str, bytes], comment: bytes = b"") -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 29, 10, 0, 0)), data, compress_type=zipfile.ZIP_STORED)
        z.comment = comment


def _resave(path, members: dict[str, bytes], keep: os.stat_result, comment: bytes = b"") -> None:
    """Another program saves ``path`` anew: same size, modification time put back."""
    _zip(path, members, comment)
    assert os.path.getsize(path) == keep.st_size
    os.utime(path, ns=(keep.st_atime_ns, keep.st_mtime_ns))


@pytest.mark.parametrize("comment", [b"", b"a zip comment"])
def test_a_member_rewritten_with_the_same_size_and_time_is_noticed(tmp_path, comment):
    """Only one member's bytes change (a proper writer: its CRC-32 in the directory too);
    the file keeps its size and modification time."""
    path = tmp_path / "book.xlsx"
    _zip(path, {"xl/a.xml": b"<a>1</a>", "xl/b.xml": b"<b>hello</b>"}, comment)
    stamp = FileStamp.of(path)
    assert stamp is not None and stamp.matches(path)
    keep = os.stat(path)
    _resave(path, {"xl/a.xml": b"<a>1</a>", "xl/b.xml": b"<b>hellp</b>"}, keep, comment)
    assert not stamp.matches(path)
    _resave(path, {"xl/a.xml": b"<a>1</a>", "xl/b.xml": b"<b>hello</b>"}, keep, comment)
    assert stamp.matches(path)  # the very bytes again


def test_atomic_replace_refuses_a_same_size_member_change(tmp_path):
    path = tmp_path / "book.xlsx"
    _zip(path, {"xl/b.xml": b"<b>hello</b>"})
    before = os.stat(path)
    with workbook_session(path):
        _resave(path, {"xl/b.xml": b"<b>HELLO</b>"}, before)
        with pytest.raises(FileChangedError):
            atomic_replace(path, lambda fh: fh.write(b"new version"))
    assert zipfile.ZipFile(path).read("xl/b.xml") == b"<b>HELLO</b>"


def test_a_touched_file_is_a_new_version(tmp_path):
    path = tmp_path / "book.xlsx"
    _zip(path, {"xl/b.xml": b"<b/>"})
    stamp = FileStamp.of(path)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert stamp is not None and not stamp.matches(path)


def test_a_file_that_is_no_zip_is_digested_whole(tmp_path):
    path = tmp_path / "book.xlsx"
    data = bytearray(os.urandom(200_000))
    path.write_bytes(bytes(data))
    assert zip_directory(open(path, "rb"), len(data)) is None
    stamp = FileStamp.of(path)
    st = os.stat(path)
    data[100_000] ^= 1  # the middle: no directory to tell
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert stamp is not None and not stamp.matches(path)


def test_the_stamp_of_a_zip_reads_its_tail_only(tmp_path, monkeypatch):
    """A 20 MB zip: the stamp reads the directory and end record, not the members."""
    path = tmp_path / "book.xlsx"
    _zip(path, {"xl/big.xml": b"<a>" + b"x" * (20 << 20) + b"</a>", "xl/b.xml": b"<b/>"})
    read: list[int] = []
    real_open = open

    class Counting:
        def __init__(self, fh):
            self.fh = fh

        def read(self, n=-1):
            b = self.fh.read(n)
            read.append(len(b))
            return b

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(_session, "open", lambda p, mode="r": Counting(real_open(p, mode)), raising=False)
    stamp = FileStamp.of(path)
    assert stamp is not None and 0 < sum(read) < 70_000
