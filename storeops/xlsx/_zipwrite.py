"""Deterministic zip writing that copies unchanged members raw.

Members that are not replaced are copied as their compressed bytes (no re-deflate), so
``xl/vbaProject.bin``, the ribbon, charts and styles stay byte-identical and copying is
cheap.  Replaced members are deflated at level 1 (fast; ISA-L when installed, see
:mod:`._deflate`) and keep the original member's timestamp; order is the original order
(new members are appended).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ._deflate import compressobj, crc32

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Deflated:
    """A member already deflated (raw deflate, level 1 by default): what
    :func:`deflate` returns, accepted by :func:`write_zip` like plain bytes.

    ``chunks`` are the compressed segments followed by the final (empty) block;
    ``segments`` says per segment (content bytes, compressed bytes, CRC-32 of its
    content, first row — 0 when it does not start with a ``<row>``): each segment ends on
    a byte boundary without BFINAL, so it can be inflated, or copied into another
    member's stream, on its own (:mod:`._segments`)."""

    crc: int = 0
    size: int = 0
    chunks: list[bytes] = field(default_factory=list)
    segments: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def csize(self) -> int:
        return sum(len(c) for c in self.chunks)


#: deflate compresses its input in segments of about this many bytes (ended at a row's end
#: in a worksheet), each ended by a full flush
SEGMENT = 4 << 20


def deflate(pieces: Iterable[Any], pool=None, size: int = 0, inspect: Any = None) -> Deflated:
    """Deflate a member given as a stream of byte pieces (never joined in memory).

    The stream is cut into segments of about ``size`` bytes (default :data:`SEGMENT`) — at the end of the first
    ``</row>`` after ``size`` bytes (:func:`._segments.cut_stream`) — each compressed on
    its own and ended by a full flush (the deflate stream then needs no earlier bytes to
    go on): so the output depends on the bytes alone, not on how they were pieced
    together, and with a thread pool (``pool``, a ``concurrent.futures`` executor) the
    segments are compressed at the same time on several cores.  Standard DEFLATE either
    way; :attr:`Deflated.segments` maps the segments.  With ``inspect`` (an object with
    ``part(content, crc)`` and ``keep(part)``), each segment's content and CRC-32 are also
    given to ``inspect.part`` on the pool, and what it returns to ``inspect.keep`` in the
    segments' order (:class:`storeops.engine._extracts.Builder`).

    Examples
    --------
    >>> import zlib
    >>> d = deflate([b"<a>", b"x" * 1000, b"</a>"])
    >>> zlib.decompress(b"".join(d.chunks), -15) == b"<a>" + b"x" * 1000 + b"</a>"
    True
    >>> d.size, d.crc == zlib.crc32(b"<a>" + b"x" * 1000 + b"</a>")
    (1007, True)
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     d2 = deflate([b"<a>", b"x" * 500, b"x" * 500, b"</a>"], pool)
    >>> d2.chunks == d.chunks and d2.crc == d.crc
    True
    """
    from ._segments import compress_segment, cut_stream, finish, finish_inspected

    if inspect is None:
        return finish(map_in_order(compress_segment, cut_stream(pieces, size or SEGMENT), pool))

    def work(seg: Any) -> tuple:
        out = compress_segment(seg)
        return out, inspect.part(seg, out[2])

    return finish_inspected(map_in_order(work, cut_stream(pieces, size or SEGMENT), pool), inspect.keep)


def map_in_order(fn: Callable[[Any], Any], items: Iterable[Any], pool=None) -> Iterable[Any]:
    """``fn`` of each item, in order; with a pool at most :data:`IN_FLIGHT` at a time
    (bounds the memory the items hold)."""
    if pool is None:
        yield from map(fn, items)
        return
    pending: list = []
    for item in items:
        pending.append(pool.submit(fn, item))
        while len(pending) >= IN_FLIGHT:
            yield pending.pop(0).result()
    for f in pending:
        yield f.result()


IN_FLIGHT = 3  # segments being compressed at once


def _dos(dt: tuple[int, ...]) -> tuple[int, int]:
    y, mo, d, h, mi, s = dt
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def data_offset(fh: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Where the stored bytes of member ``info`` start in the zip open as ``fh``."""
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    n, m = struct.unpack("<HH", head[26:30])
    return info.header_offset + 30 + n + m


#: a member's (content CRC-32, content size, CRC-32 of the stored bytes, stored size)
MemberDigest = tuple[int, int, int, int]


def write_zip(
    out: BinaryIO,
    src_path: Any,
    infos: list[zipfile.ZipInfo],
    replace: Mapping[str, bytes | Deflated],
    *,
    late: Collection[str] = (),
    last: Callable[[dict[str, MemberDigest]], Mapping[str, bytes]] | None = None,
) -> dict[str, MemberDigest]:
    """Write a zip to ``out``: every member of ``infos`` (raw copy unless in ``replace``),
    then members of ``replace`` that are new, in the given order.

    ``src_path`` is the source zip: a path, or better the open
    :class:`~storeops.xlsx.Package` the members were read from (its very file, even if a
    save replaced the path meanwhile).

    The members named in ``late`` are written at the very end instead, with the bytes
    ``last`` returns for them when called with the digests of everything written before
    — how a part that describes the others is stored.  Returns every written member's
    digest.
    """
    writer = _Writer(out)
    names = {i.filename for i in infos}
    extra = [k for k in replace if k not in names]
    late = set(late)
    with src_path.source() if hasattr(src_path, "source") else open(src_path, "rb") as src:
        for info in infos:
            if info.filename in late:
                continue
            name = info.filename
            if name in replace:
                writer.add(name, replace[name], info)
            else:
                off = data_offset(src, info)
                src.seek(off)
                writer.add_raw(name, info, list(stored_chunks(src, info.compress_size)))
        for name in extra:
            if name not in late:
                writer.add(name, replace[name], None)
    if last is not None:
        old = {i.filename: i for i in infos}
        for name, data in last(dict(writer.digests)).items():
            writer.add(name, data, old.get(name))
    writer.finish()
    return writer.digests


class _Writer:
    """Local headers and data as members come, the central directory at the end."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.central: list[bytes] = []
        self.pos = 0
        self.digests: dict[str, MemberDigest] = {}

    def add(self, name: str, data: bytes | Deflated, info: zipfile.ZipInfo | None) -> None:
        if isinstance(data, Deflated):
            crc, size, chunks = data.crc, data.size, data.chunks
            method = zipfile.ZIP_DEFLATED if size else zipfile.ZIP_STORED
            if not size:
                chunks = []
        else:
            crc, size = crc32(data), len(data)
            if size:
                co = compressobj()
                chunks, method = [co.compress(data) + co.flush()], zipfile.ZIP_DEFLATED
            else:
                chunks, method = [], zipfile.ZIP_STORED
        self._member(name, info, crc, size, method, chunks)

    def add_raw(self, name: str, info: zipfile.ZipInfo, chunks: list[bytes]) -> None:
        self._member(name, info, info.CRC, info.file_size, info.compress_type, chunks)

    def _member(self, name, info, crc, size, method, chunks) -> None:
        if info is None:
            date_time, ext_attr, create_system = _FIXED_DATE, 0, 0
        else:
            date_time, ext_attr, create_system = info.date_time, info.external_attr, info.create_system
        fname = name.encode("utf-8")
        flag = 0x800 if any(b > 127 for b in fname) else 0
        csize = sum(len(c) for c in chunks)
        if size > 0xFFFFFFFF or csize > 0xFFFFFFFF or self.pos > 0xFFFFFFFF:
            raise ValueError("zip64 not supported")
        t, d = _dos(date_time)
        out = self.out
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flag, method, t, d, crc, csize, size, len(fname), 0))
        out.write(fname)
        ccrc = 0
        for c in chunks:
            out.write(c)
            ccrc = crc32(c, ccrc)
        self.central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                (create_system << 8) | 20,
                20,
                flag,
                method,
                t,
                d,
                crc,
                csize,
                size,
                len(fname),
                0,
                0,
                0,
                0,
                ext_attr,
                self.pos,
            )
            + fname
        )
        self.digests[name] = (crc, size, ccrc, csize)
        self.pos += 30 + len(fname) + csize

    def finish(self) -> None:
        cd = b"".join(self.central)
        self.out.write(cd)
        self.out.write(
            struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(self.central), len(self.central), len(cd), self.pos, 0)
        )


def member_digest(fh: BinaryIO, info: zipfile.ZipInfo) -> MemberDigest:
    """The :data:`MemberDigest` of a member of the zip open as ``fh`` (reads its stored
    bytes; inflates nothing): what :func:`write_zip` returned when it wrote the member."""
    fh.seek(data_offset(fh, info))
    ccrc = 0
    for chunk in stored_chunks(fh, info.compress_size):
        ccrc = crc32(chunk, ccrc)
    return info.CRC, info.file_size, ccrc, info.compress_size


def stored_chunks(fh: BinaryIO, n: int, step: int = 1 << 22) -> Iterator[bytes]:
    """The next ``n`` bytes of ``fh`` (a member's stored bytes, from its data offset) in
    chunks of at most ``step``; :class:`zipfile.BadZipFile` when the file ends first."""
    while n:
        chunk = fh.read(min(n, step))
        if not chunk:
            raise zipfile.BadZipFile("truncated member")
        n -= len(chunk)
        yield chunk
