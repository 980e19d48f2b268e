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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ._deflate import compressobj, crc32

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Deflated:
    """A member already deflated (raw deflate, level 1 by default): what
    :func:`deflate` returns, accepted by :func:`write_zip` like plain bytes."""

    crc: int = 0
    size: int = 0
    chunks: list[bytes] = field(default_factory=list)

    @property
    def csize(self) -> int:
        return sum(len(c) for c in self.chunks)


def deflate(pieces: Iterable[bytes]) -> Deflated:
    """Deflate a member given as a stream of byte pieces (never joined in memory).

    Examples
    --------
    >>> import zlib
    >>> d = deflate([b"<a>", b"x" * 1000, b"</a>"])
    >>> zlib.decompress(b"".join(d.chunks), -15) == b"<a>" + b"x" * 1000 + b"</a>"
    True
    >>> d.size, d.crc == zlib.crc32(b"<a>" + b"x" * 1000 + b"</a>")
    (1007, True)
    """
    co = compressobj()
    out = Deflated()
    crc, size = 0, 0
    for piece in pieces:
        if not piece:
            continue
        crc = crc32(piece, crc)
        size += len(piece)
        c = co.compress(piece)
        if c:
            out.chunks.append(c)
    out.chunks.append(co.flush())
    out.crc, out.size = crc, size
    return out


def _dos(dt: tuple[int, ...]) -> tuple[int, int]:
    y, mo, d, h, mi, s = dt
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def _local_data_offset(fh: BinaryIO, info: zipfile.ZipInfo) -> int:
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    n, m = struct.unpack("<HH", head[26:30])
    return info.header_offset + 30 + n + m


def write_zip(
    out: BinaryIO, src_path: Any, infos: list[zipfile.ZipInfo], replace: Mapping[str, bytes | Deflated]
) -> None:
    """Write a zip to ``out``: every member of ``infos`` (raw copy unless in ``replace``),
    then members of ``replace`` that are new, in the given order.

    ``src_path`` is the source zip: a path, or better the open
    :class:`~storeops.xlsx.Package` the members were read from (its very file, even if a
    save replaced the path meanwhile)."""
    central = []
    pos = 0
    names = [i.filename for i in infos]
    extra = [k for k in replace if k not in set(names)]
    with src_path.source() if hasattr(src_path, "source") else open(src_path, "rb") as src:
        for info in list(infos) + [None] * len(extra):
            if info is None:
                name = extra.pop(0)
                date_time, ext_attr, create_system = _FIXED_DATE, 0, 0
            else:
                name, date_time, ext_attr, create_system = (
                    info.filename,
                    info.date_time,
                    info.external_attr,
                    info.create_system,
                )
            fname = name.encode("utf-8")
            flag = 0x800 if any(b > 127 for b in fname) else 0
            if name in replace and isinstance(replace[name], Deflated):
                d = replace[name]
                crc, size, chunks, csize = d.crc, d.size, d.chunks, d.csize
                method = zipfile.ZIP_DEFLATED if size else zipfile.ZIP_STORED
                if not size:
                    chunks, csize = [], 0
            elif name in replace:
                data = replace[name]
                crc = crc32(data)
                size = len(data)
                if size:
                    co = compressobj()
                    payload = co.compress(data) + co.flush()
                    method = zipfile.ZIP_DEFLATED
                else:
                    payload, method = b"", zipfile.ZIP_STORED
                chunks = [payload]
                csize = len(payload)
            else:
                assert info is not None
                crc, size, csize, method = info.CRC, info.file_size, info.compress_size, info.compress_type
                off = _local_data_offset(src, info)
                src.seek(off)
                chunks = _read_exact(src, csize)
            if size > 0xFFFFFFFF or csize > 0xFFFFFFFF or pos > 0xFFFFFFFF:
                raise ValueError("zip64 not supported")
            t, d = _dos(date_time)
            out.write(
                struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flag, method, t, d, crc, csize, size, len(fname), 0)
            )
            out.write(fname)
            for c in chunks:
                out.write(c)
            central.append(
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
                    pos,
                )
                + fname
            )
            pos += 30 + len(fname) + csize
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), len(cd), pos, 0))


def _read_exact(fh: BinaryIO, n: int) -> list[bytes]:
    chunks, left = [], n
    while left:
        c = fh.read(min(left, 1 << 22))
        if not c:
            raise zipfile.BadZipFile("truncated member")
        chunks.append(c)
        left -= len(c)
    return chunks
