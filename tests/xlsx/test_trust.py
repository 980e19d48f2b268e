"""The local record of parts this StoreOps wrote or checked (storeops.xlsx._trust): a part
named there is not checked well-formed again — and nothing a workbook carries can put a
part there (a forged CRC-32 and size, a cut shared-strings part, another program's bytes)."""

from __future__ import annotations

import os
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest

from storeops.errors import StoreOpsError
from storeops.xlsx import _package, _trust
from storeops.xlsx._atomic import atomic_replace
from storeops.xlsx._package import open_package
from storeops.xlsx._wellformed import new_extent, xml_problem
from storeops.xlsx._zipwrite import data_offset, write_zip

FOLLOW = "跟进 Follow-up"


@pytest.fixture
def record(tmp_path, monkeypatch):
    """A record of this test's own; every XML part inflated by the fast path and recorded."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(_trust.ENV, str(folder))
    monkeypatch.setattr(_trust, "MIN_BYTES", 1)
    monkeypatch.setattr(_package, "_FAST_INFLATE", 0)
    return folder


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The parts checked well-formed (``check_xml`` calls), by name."""
    seen: list[str] = []
    real = _package.check_xml

    def spy(path, name, data, extent=None):
        seen.append(name)
        return real(path, name, data, extent)

    monkeypatch.setattr(_package, "check_xml", spy)
    return seen


def _sheet_path(path) -> str:
    with open_package(path) as pkg:
        return pkg.sheet(FOLLOW).path


def _read(path, part: str) -> bytes:
    with open_package(path) as pkg:
        return pkg.read(part)


def _replace(path, parts: dict[str, bytes]) -> None:
    with open_package(path) as pkg:
        infos = pkg.infos
        atomic_replace(str(path), lambda fh: write_zip(fh, str(path), infos, parts))


def _same_crc(data: bytes, target: int, at: int) -> bytes:
    """``data`` with the 4 bytes at ``at`` changed so that its CRC-32 is ``target`` (CRC-32
    is affine over GF(2): solve for those 32 bits)."""
    n = len(data)
    zero = zlib.crc32(bytes(n))
    basis = []
    for bit in range(32):
        e = bytearray(n)
        e[at + bit // 8] = 1 << (bit % 8)
        basis.append(zlib.crc32(bytes(e)) ^ zero)
    want = zlib.crc32(data) ^ target
    rows = [(basis[b], 1 << b) for b in range(32)]  # Gaussian elimination: (crc image, bits used)
    pivots: dict[int, tuple[int, int]] = {}
    for img, used in rows:
        for p in sorted(pivots, reverse=True):
            if img >> p & 1:
                img ^= pivots[p][0]
                used ^= pivots[p][1]
        if img:
            pivots[img.bit_length() - 1] = (img, used)
    flip = 0
    for p in sorted(pivots, reverse=True):
        if want >> p & 1:
            want ^= pivots[p][0]
            flip ^= pivots[p][1]
    assert want == 0, "the 32 bits do not span the CRC space"
    out = bytearray(data)
    for bit in range(32):
        if flip >> bit & 1:
            out[at + bit // 8] ^= 1 << (bit % 8)
    assert zlib.crc32(bytes(out)) == target and len(out) == n
    return bytes(out)


# --------------------------------------------------------------------------- the record
def test_the_record_round_trips_is_bounded_and_never_fails(tmp_path, monkeypatch):
    monkeypatch.setenv(_trust.ENV, str(tmp_path / "c"))
    assert _trust.lookup("k0") is None  # no record yet: check
    monkeypatch.setattr(_trust, "MAX_PARTS", 3)
    for i in range(5):
        _trust.remember({f"k{i}": [i, 2, 3, -1]})
    assert [_trust.lookup(f"k{i}") for i in range(5)] == [None, None, [2, 2, 3, -1], [3, 2, 3, -1], [4, 2, 3, -1]]
    _trust.remember({"k2": [2, 2, 3, -1]})  # used again: the most recent now
    _trust.remember({"k5": [5, 2, 3, -1]})
    assert _trust.lookup("k3") is None and _trust.lookup("k2") == [2, 2, 3, -1]
    assert sorted(os.listdir(tmp_path / "c")) == ["checked-parts.json"]  # written atomically, no temporaries left
    (tmp_path / "c" / "checked-parts.json").write_bytes(b'{"format": 1, "parts": [["k2", [1, 2')  # damaged
    assert _trust.lookup("k2") is None
    (tmp_path / "c" / "checked-parts.json").write_bytes(b'{"format": 1, "parts": [["k2", [1, "x", 3, -1]]]}')
    assert _trust.lookup("k2") is None
    _trust.remember({"k6": [6, 2, 3, -1]})  # a damaged record is simply replaced
    assert _trust.lookup("k6") == [6, 2, 3, -1]
    (tmp_path / "blocked").write_bytes(b"a file where the folder should be")
    monkeypatch.setenv(_trust.ENV, str(tmp_path / "blocked"))
    _trust.remember({"k7": [7, 2, 3, -1]})  # cannot be written: no error, the part is checked next time
    assert _trust.lookup("k7") is None


def test_the_record_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(_trust.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _trust.cache_dir() == str(tmp_path / "xdg" / "storeops")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _trust.cache_dir() == str(tmp_path / "home" / ".cache" / "storeops")


# --------------------------------------------------------------------------- reading
def test_a_part_checked_once_is_not_checked_again(demo_book, copy_book, record, checks):
    path = copy_book(demo_book)
    part = _sheet_path(path)
    _read(path, part)
    assert part in checks
    checks.clear()
    _read(path, part)  # another command: the record says these bytes were checked
    assert part not in checks
    shutil.rmtree(record)  # record gone: checked again
    _read(path, part)
    assert part in checks


def test_bytes_another_program_wrote_are_checked(demo_book, copy_book, record, checks):
    path = copy_book(demo_book)
    part = _sheet_path(path)
    xml = _read(path, part)
    _replace(path, {part: xml.replace(b"</sheetData>", b"</sheetData>\n", 1)})
    checks.clear()
    _read(path, part)
    assert part in checks


def test_a_forged_crc_and_size_are_not_trusted(demo_book, copy_book, record, checks):
    """A crafted part with the CRC-32 and size of a part this StoreOps checked (what the
    in-file state and the zip directory say of it) but broken XML: refused.  (A record
    keyed by CRC-32 and size would let it reach the scanner unchecked.)"""
    path = copy_book(demo_book)
    part = _sheet_path(path)
    xml = _read(path, part)
    i = xml.index(b"<sheetData>") + len(b"<sheetData>")
    broken = xml[:i] + b"<<<<<<<" + xml[i + 7 :]  # not well-formed
    forged = _same_crc(broken, zlib.crc32(xml), len(broken) - 40)
    assert len(forged) == len(xml) and zlib.crc32(forged) == zlib.crc32(xml) and forged != xml
    _replace(path, {part: forged})
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    assert (info.CRC, info.file_size) == (zlib.crc32(xml), len(xml))
    checks.clear()
    with pytest.raises(StoreOpsError, match="XML|refused"):
        _read(path, part)
    assert part in checks


def test_a_trusted_sheet_with_its_shared_strings_cut_is_refused(demo_book, copy_book, record):
    path = copy_book(demo_book)
    part = _sheet_path(path)
    _read(path, part)  # recorded, with the highest shared string it uses
    with open_package(path) as pkg:
        sst = pkg.sst_path
        assert sst is not None and len(pkg.shared_strings) > 2
    short = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>'
    _replace(path, {sst: short})  # the sheet's bytes stay those recorded
    with pytest.raises(StoreOpsError, match="shared string"):
        _read(path, part)


# --------------------------------------------------------------------------- writing
def _recorded_truthfully(path: Path) -> int:
    """Every part of ``path`` the record names has the extent a real check finds (the
    highest shared-string index may be an upper bound); returns how many parts it names."""
    named = 0
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not info.filename.endswith(".xml") or info.compress_type != zipfile.ZIP_DEFLATED:
                continue
            raw = _stored(path, info)
            got = _trust.lookup(_trust.part_key([raw], info.compress_type, info.CRC, info.file_size))
            if got is None:
                continue
            named += 1
            ext = new_extent()
            assert xml_problem(z.read(info), extent=ext) is None
            assert got[:3] == ext.tolist()[:3] and got[3] >= ext[3], info.filename
    return named


def _stored(path: Path, info: zipfile.ZipInfo) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(data_offset(fh, info))
        return fh.read(info.compress_size)


def test_recalc_records_the_sheets_it_rewrote_with_their_true_extent(demo_book, copy_book, record, checks):
    from storeops.engine import recalc
    from tests.recalc._edits import edit_cells

    path = copy_book(demo_book)
    with open_package(path) as pkg:
        t = pkg.tables["tblOrders"]
        follow = pkg.tables["tblFollow"]
        c1, r1, _c2, r2 = t.bounds
        fr2 = follow.bounds[3]
        orders = t.sheet
    from storeops.workbook.schema import TABLES
    from storeops.xlsx._cells import col_letters

    col = c1 + [c.key for c in TABLES["tblOrders"].columns].index("amount")
    edit_cells(str(path), {orders: {f"{col_letters(col)}{r1 + 2}": 987654.0}})
    recalc(path, progress=False)
    assert _recorded_truthfully(path) >= 1
    part = _sheet_path(path)
    checks.clear()
    _read(path, part)  # the follow-up sheet recalc rewrote: its bytes are StoreOps' own
    assert part not in checks
    # a row typed below the follow-up table joins it (cells added): recorded only as it truly is
    edit_cells(str(path), {FOLLOW: {f"A{fr2 + 1}": "Typed Below Ltd"}})
    recalc(path, progress=False)
    _recorded_truthfully(path)
