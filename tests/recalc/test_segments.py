"""Sheets written in segments (``storeops.xlsx._segments``) inside recalc: after an edit
only the segments with a changed value are deflated again, the others copied from the
file, and the file is byte for byte what a full recalculation writes; a map that lies,
a state without maps (older versions) or a sheet another program rewrote are never
trusted.  (The folder's conftest deflates in 16 KiB segments, so the demo's sheets have
many.)"""

from __future__ import annotations

import base64
import json
import re
import zipfile
import zlib

import pytest

from storeops.engine import _partial, _write, recalc
from storeops.engine._state import read_state
from storeops.xlsx._atomic import atomic_replace
from storeops.xlsx._package import open_package
from storeops.xlsx._zipwrite import data_offset, write_zip

from . import test_incremental
from ._edits import edit_cells, members
from .conftest import TODAY
from .test_incremental import _copy, same_as_full

FOLLOW = "跟进 Follow-up"


@pytest.fixture(scope="module")
def geometry(base):
    return test_incremental.geometry.__wrapped__(base)


class Copies(list):
    """(size of the sheet's old XML, compressed bytes) of every segment copied from the file."""

    def of(self, path: str, sheet: str = FOLLOW) -> int:
        """Compressed bytes copied into that sheet of the recalculated ``path``'s source."""
        return sum(clen for size, clen in self if size == self.sizes[sheet])

    def note_sizes(self, path: str) -> None:
        with open_package(path) as pkg:
            self.sizes = {s.name: pkg._members[s.path].file_size for s in pkg.sheets}


@pytest.fixture
def copies(monkeypatch):
    """Segments copied from the file (not deflated again) in this test."""
    out = Copies()
    real = _write.deflate_spliced

    def spy(sp, pool=None, old=None, read_old=None, size=0, inspect=None):
        read: list[tuple[int, int]] = []
        if read_old is not None:
            inner = read_old

            def read_old(coff, clen):
                read.append((len(sp.xml), clen))
                return inner(coff, clen)

        d = real(sp, pool, old, read_old, size, inspect)  # raises StaleMap when a copied segment does not fit
        out.extend(read)
        return d

    monkeypatch.setattr(_write, "deflate_spliced", spy)
    real_copied = _partial.copied_segments

    def spy_copied(run, path, segs):  # a sheet read where needed, written segment by segment
        size = next(i.file_size for i in run.pkg.infos if i.filename == path)
        out.extend((size, seg[3]) for seg in segs)
        return real_copied(run, path, segs)

    monkeypatch.setattr(_partial, "copied_segments", spy_copied)
    return out


def _order_edit(path: str, geometry, row: int = 3, amount: float = 123456.0) -> None:
    sheet, letters, first, _last = geometry["tblOrders"]
    edit_cells(path, {sheet: {f"{letters[4]}{first + row}": amount}})  # one order's amount


def test_every_big_sheet_has_a_map_that_fits_it(base):
    with open_package(base) as pkg:
        state = read_state(pkg)
        assert state is not None
        follow = pkg.sheet(FOLLOW).path
        assert follow in state.segments and len(state.segments[follow]) > 3
        with zipfile.ZipFile(base) as z:
            for name, m in state.segments.items():
                info = z.getinfo(name)
                assert sum(s[1] for s in m) == info.file_size
                assert sum(s[3] for s in m) + 2 == info.compress_size  # + the final empty block
                data = z.read(name)
                for uoff, n, _coff, _clen, crc, row in m:
                    assert zlib.crc32(data[uoff : uoff + n]) == crc
                    assert row == 0 or data[uoff:].startswith(b'<row r="%d"' % row)
                    assert uoff == 0 or data[:uoff].endswith(b"</row>")


def test_an_order_edit_copies_the_unchanged_segments(base, geometry, tmp_path, copies):
    path = _copy(base, tmp_path)
    _order_edit(path, geometry)
    copies.note_sizes(path)
    rep = same_as_full(path, tmp_path)  # byte for byte the full recalculation's file
    assert rep.mode == "incremental"
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        follow = z.getinfo(_follow_path(path))
    assert copies.of(path) > follow.compress_size // 2  # most of the Follow-up sheet copied as it was
    # and again: the map the edit wrote is as good as the full recalculation's
    copies.clear()
    _order_edit(path, geometry, row=5, amount=7.5)
    copies.note_sizes(path)
    same_as_full(path, tmp_path)
    assert copies.of(path) > follow.compress_size // 2


def _follow_path(path: str) -> str:
    with open_package(path) as pkg:
        return pkg.sheet(FOLLOW).path


def _rewrite_state(path: str, change) -> None:
    """Change the state's JSON (``change(doc)``) in place, every other part as it is."""
    with open_package(path) as pkg:
        part = next(n for n in pkg._members if n.startswith("customXml/item") and b"storeopsRecalc" in pkg.read(n))
        xml = pkg.read(part)
        m = re.search(rb"(<storeopsRecalc\b[^>]*>)([A-Za-z0-9+/=]*)(</storeopsRecalc>)", xml)
        doc = json.loads(zlib.decompress(base64.b64decode(m.group(2))))
        change(doc)
        payload = base64.b64encode(zlib.compress(json.dumps(doc).encode()))
        replace = {part: xml[: m.start(2)] + payload + xml[m.end(2) :]}
        infos = pkg.infos
        atomic_replace(path, lambda fh: write_zip(fh, path, infos, replace))


def test_a_map_that_lies_is_not_trusted(base, geometry, tmp_path, copies):
    path = _copy(base, tmp_path)
    follow = _follow_path(path)

    def lie(doc):  # every segment's CRC-32 off by one bit: the sizes still add up
        for seg in doc["segments"][follow]:
            seg[4] ^= 1

    _rewrite_state(path, lie)
    _order_edit(path, geometry)
    copies.note_sizes(path)
    same_as_full(path, tmp_path)
    assert not copies.of(path)  # the first copied segment's content did not match: everything deflated anew

    path2 = _copy(base, tmp_path, "shifted.xlsm")

    def shift(doc):  # the segments moved by a byte: they no longer add up to the member
        doc["segments"][follow][0][1] += 1

    _rewrite_state(path2, shift)
    _order_edit(path2, geometry)
    copies.note_sizes(path2)
    same_as_full(path2, tmp_path)
    assert not copies.of(path2)


def test_a_state_without_maps_reuses_nothing(base, geometry, tmp_path, copies):
    path = _copy(base, tmp_path)
    _rewrite_state(path, lambda doc: doc.pop("segments"))  # as an older StoreOps wrote it
    _order_edit(path, geometry)
    full = _copy(path, tmp_path, "full.xlsm")
    rep = recalc(path, today=TODAY, progress=False)
    recalc(full, today=TODAY, progress=False, full=True)
    assert rep.mode == "incremental" and not copies
    a, b = members(path), members(full)
    with open_package(path) as pa, open_package(full) as pb:
        sa, sb = read_state(pa), read_state(pb)
        state = next(n for n in a if n.startswith("customXml/item") and b"storeopsRecalc" in a[n])
    assert [n for n in a if n != state] == [n for n in b if n != state]
    assert all(a[n] == b[n] for n in a if n != state)  # every sheet as the full recalculation writes it
    # the maps of the sheets it wrote (the full run also rewrites sheets whose values it finds the same)
    assert _follow_path(path) in sa.segments and set(sa.segments) <= set(sb.segments)
    assert all(sa.segments[k] == sb.segments[k] for k in sa.segments)
    sa.segments = sb.segments = {}
    assert sa == sb


def test_a_sheet_another_program_rewrote_is_deflated_whole(base, geometry, tmp_path, copies):
    path = _copy(base, tmp_path)
    sheet, letters, first, _last = geometry["tblFollow"]
    edit_cells(path, {sheet: {f"{letters[9]}{first + 5}": 46300.0}})  # the sheet's member rewritten
    copies.note_sizes(path)
    same_as_full(path, tmp_path)
    assert not copies.of(path)


def test_segments_inflate_on_their_own(base):
    """Each segment ends on a byte boundary without BFINAL: inflated alone it gives its
    bytes, and the stream ends with one final empty block."""
    with open_package(base) as pkg:
        m = read_state(pkg).segments[pkg.sheet(FOLLOW).path]
    with zipfile.ZipFile(base) as z:
        info = z.getinfo(_follow_path(base))
        data = z.read(info.filename)
        with open(base, "rb") as fh:
            fh.seek(data_offset(fh, info))
            raw = fh.read(info.compress_size)
    assert raw.endswith(b"\x03\x00")
    for uoff, ulen, coff, clen, crc, _row in m:
        d = zlib.decompressobj(-15)
        out = d.decompress(raw[coff : coff + clen])
        assert out == data[uoff : uoff + ulen] and not d.eof and zlib.crc32(out) == crc


def test_libreoffice_opens_a_spliced_file(base, geometry, tmp_path, copies):
    """A file whose Follow-up sheet was put together from copied and new segments opens in
    LibreOffice with the values StoreOps cached."""
    import openpyxl

    from ._edits import libreoffice_save

    path = _copy(base, tmp_path)
    _order_edit(path, geometry)
    copies.note_sizes(path)
    recalc(path, today=TODAY, progress=False)
    assert copies.of(path) > 0
    saved = _copy(path, tmp_path, "saved.xlsx")
    libreoffice_save(saved, tmp_path)

    def values(p):
        ws = openpyxl.load_workbook(p, data_only=True, read_only=True)[FOLLOW]
        return [[None if v == "" else v for v in row] for row in ws.iter_rows(values_only=True)]

    ours, theirs = values(path), values(saved)
    assert len(ours) > 40
    width = min(len(ours[0]), len(theirs[0]))
    assert [r[:width] for r in ours] == [r[:width] for r in theirs[: len(ours)]]
