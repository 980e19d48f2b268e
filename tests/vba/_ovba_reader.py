"""A strict reader of the MS-OVBA ``dir`` stream (section 2.3.4.2), for the tests.

It walks the records in the order the specification fixes and fails on any unexpected id
or size, so a project that passes obeys the record grammar (not just oletools' leniency).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field


@dataclass
class DirInfo:
    codepage: int = 0
    project_name: str = ""
    references: list[tuple[str, int, str]] = field(default_factory=list)  # (name, record id, libid)
    modules: list[dict] = field(default_factory=list)
    cookie: int = 0


class _R:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def u16(self) -> int:
        (v,) = struct.unpack_from("<H", self.data, self.pos)
        self.pos += 2
        return v

    def u32(self) -> int:
        (v,) = struct.unpack_from("<I", self.data, self.pos)
        self.pos += 4
        return v

    def raw(self, n: int) -> bytes:
        v = self.data[self.pos : self.pos + n]
        if len(v) != n:
            raise ValueError("truncated record")
        self.pos += n
        return v

    def expect(self, rid: int) -> None:
        got = self.u16()
        if got != rid:
            raise ValueError(f"expected record 0x{rid:04X} at {self.pos - 2}, got 0x{got:04X}")

    def fixed(self, rid: int, size: int) -> bytes:
        self.expect(rid)
        if self.u32() != size:
            raise ValueError(f"record 0x{rid:04X}: wrong size")
        return self.raw(size)

    def sized(self, rid: int) -> bytes:
        self.expect(rid)
        return self.raw(self.u32())

    def peek(self) -> int:
        return struct.unpack_from("<H", self.data, self.pos)[0]


def parse_dir(data: bytes) -> DirInfo:
    r, info = _R(data), DirInfo()
    r.fixed(0x0001, 4)
    if r.peek() == 0x004A:
        r.fixed(0x004A, 4)
    r.fixed(0x0002, 4)
    r.fixed(0x0014, 4)
    info.codepage = struct.unpack("<H", r.fixed(0x0003, 2))[0]
    info.project_name = r.sized(0x0004).decode("latin-1")
    r.sized(0x0005)
    r.sized(0x0040)
    r.sized(0x0006)
    r.sized(0x003D)
    r.fixed(0x0007, 4)
    r.fixed(0x0008, 4)
    r.expect(0x0009)
    assert r.u32() == 4
    r.u32()
    r.u16()
    r.sized(0x000C)
    r.sized(0x003C)
    while r.peek() in (0x0016, 0x000D, 0x000E, 0x002F, 0x0033):
        name = ""
        if r.peek() == 0x0016:
            name = r.sized(0x0016).decode("latin-1")
            r.sized(0x003E)
        rid = r.peek()
        if rid == 0x000D:
            body = _R(r.sized(0x000D))
            libid = body.raw(body.u32()).decode("latin-1")
            assert body.u32() == 0 and body.u16() == 0 and body.pos == len(body.data)
        elif rid == 0x000E:
            body = _R(r.sized(0x000E))
            libid = body.raw(body.u32()).decode("latin-1")
            body.raw(body.u32())
            body.u32()
            body.u16()
            assert body.pos == len(body.data)
        else:
            raise ValueError(f"unsupported reference record 0x{rid:04X}")
        info.references.append((name, rid, libid))
    count = struct.unpack("<H", r.fixed(0x000F, 2))[0]
    info.cookie = struct.unpack("<H", r.fixed(0x0013, 2))[0]
    for _ in range(count):
        mod: dict = {"name": r.sized(0x0019).decode("latin-1")}
        if r.peek() == 0x0047:
            mod["name_unicode"] = r.sized(0x0047).decode("utf-16-le")
        mod["stream"] = r.sized(0x001A).decode("latin-1")
        mod["stream_unicode"] = r.sized(0x0032).decode("utf-16-le")
        r.sized(0x001C)
        r.sized(0x0048)
        mod["offset"] = struct.unpack("<I", r.fixed(0x0031, 4))[0]
        r.fixed(0x001E, 4)
        r.fixed(0x002C, 2)
        kind = r.u16()
        if kind not in (0x0021, 0x0022) or r.u32() != 0:
            raise ValueError("bad MODULETYPE")
        mod["type"] = kind
        while r.peek() in (0x0025, 0x0028):
            r.fixed(r.peek(), 0)
        r.expect(0x002B)
        assert r.u32() == 0
        info.modules.append(mod)
    r.expect(0x0010)
    assert r.u32() == 0 and r.pos == len(data), "bytes after the dir terminator"
    return info
