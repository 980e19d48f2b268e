"""A minimal, deterministic MS-CFB (compound file) writer: what ``vbaProject.bin`` is.

Version 3 files (512-byte sectors), streams under 4,096 bytes in the mini stream (64-byte
mini sectors), every directory entry black in a balanced binary tree (MS-CFB 2.6.4 allows
this), zero CLSIDs and timestamps.  Layout: large streams, the mini stream, the mini FAT,
the directory, then the FAT; at most 109 FAT sectors (about 7 MB), far above any VBA
project.

Examples
--------
>>> import io, olefile
>>> blob = write_cfb({"PROJECT": b"x" * 10, "VBA/dir": b"y" * 5000})
>>> ole = olefile.OleFileIO(io.BytesIO(blob))
>>> ole.openstream("VBA/dir").read() == b"y" * 5000, ole.openstream("PROJECT").read()
(True, b'xxxxxxxxxx')
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _key(e: _Entry) -> tuple[int, str]:
    return (len(e.name), e.name.upper())


def _tree(entries: list[_Entry]) -> int:
    """Link sorted siblings as a balanced binary search tree; return the root's id."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.left = _tree(entries[:mid])
    node.right = _tree(entries[mid + 1 :])
    return node.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """Serialise ``{"STORAGE/STREAM": data}`` as a compound file, same input → same bytes."""
    root = _Entry("Root Entry", 5)
    for path in sorted(streams):
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            found = next((c for c in node.children if c.name == part and c.kind == 1), None)
            if found is None:
                found = _Entry(part, 1)
                node.children.append(found)
            node = found
        if len(parts[-1].encode("utf-16-le")) > 62:
            raise ValueError(f"stream name too long: {parts[-1]!r}")
        node.children.append(_Entry(parts[-1], 2, bytes(streams[path])))

    order: list[_Entry] = []

    def number(e: _Entry) -> None:
        e.sid = len(order)
        order.append(e)
        for c in sorted(e.children, key=_key):
            number(c)

    number(root)
    for e in order:
        e.child = _tree(sorted(e.children, key=_key))

    big = [e for e in order if e.kind == 2 and len(e.data) >= CUTOFF]
    small = [e for e in order if e.kind == 2 and len(e.data) < CUTOFF]

    mini_stream = bytearray()
    minifat: list[int] = []
    for e in small:
        e.size = len(e.data)
        n = math.ceil(len(e.data) / MINI)
        if n == 0:
            e.start = ENDOFCHAIN
            continue
        e.start = len(minifat)
        minifat += [0] * n
        _chain(minifat, e.start, n)
        mini_stream += e.data.ljust(n * MINI, b"\0")

    sectors: list[bytes] = []

    def place(data: bytes) -> tuple[int, int]:
        n = math.ceil(len(data) / SECTOR)
        first = len(sectors)
        for i in range(n):
            sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\0"))
        return first, n

    chains: list[tuple[int, int]] = []
    for e in big:
        e.size = len(e.data)
        e.start, n = place(e.data)
        chains.append((e.start, n))
    if mini_stream:
        root.start, n = place(bytes(mini_stream))
        root.size = len(mini_stream)
        chains.append((root.start, n))
    minifat_first, minifat_n = ENDOFCHAIN, 0
    if minifat:
        raw = b"".join(struct.pack("<I", v) for v in minifat)
        raw += struct.pack("<I", FREESECT) * ((-len(minifat)) % (SECTOR // 4))
        minifat_first, minifat_n = place(raw)
        chains.append((minifat_first, minifat_n))

    dir_raw = bytearray()
    for e in order:
        name = e.name.encode("utf-16-le") + b"\0\0"
        dir_raw += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            e.kind,
            1,
            e.left,
            e.right,
            e.child,
            b"\0" * 16,
            0,
            0,
            0,
            e.start if e.kind != 1 else 0,
            e.size,
        )
    while len(dir_raw) % SECTOR:
        dir_raw += struct.pack(
            "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0
        )
    dir_first, dir_n = place(bytes(dir_raw))
    chains.append((dir_first, dir_n))

    used = len(sectors)
    nfat = 1
    while used + nfat > nfat * (SECTOR // 4):
        nfat += 1
    if nfat > 109:
        raise ValueError("compound file too large for this writer (more than 109 FAT sectors)")
    fat = [FREESECT] * (nfat * (SECTOR // 4))
    for first, n in chains:
        _chain(fat, first, n)
    fat_first = used
    for i in range(nfat):
        fat[fat_first + i] = FATSECT
    for i in range(nfat):
        sectors.append(b"".join(struct.pack("<I", v) for v in fat[i * 128 : (i + 1) * 128]))

    difat = [fat_first + i for i in range(nfat)] + [FREESECT] * (109 - nfat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        nfat,
        dir_first,
        0,
        CUTOFF,
        minifat_first,
        minifat_n,
        ENDOFCHAIN,
        0,
    )
    header += b"".join(struct.pack("<I", v) for v in difat)
    assert len(header) == SECTOR
    return header + b"".join(sectors)
