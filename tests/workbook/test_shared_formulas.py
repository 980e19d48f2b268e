"""Formula columns written as one shared formula (issue 14): the file holds a column's
formula once (``<f t="shared" ref="S11:S3010" si="0">…</f>`` in its first cell,
``<f t="shared" si="0"/>`` in the others), as Excel saves a filled-down formula.  Every
cell still holds its own row's formula for everyone who reads the file."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.engine._extend import _column_formulas
from storeops.workbook import build, build_workbook, schema
from storeops.workbook.editions import PythonOnly
from storeops.workbook.formulas import row_formula, row_template, shareable
from storeops.xlsx import open_package, read_tables, table_parts
from storeops.xlsx._cells import col_letters, unescape
from storeops.xlsx._refs import shift_formula

TODAY = date(2026, 11, 21)


def _templates() -> list[str]:
    out = set()
    for t in schema.TABLES.values():
        for c in t.columns:
            for edition in ("xlsm", "xlsx"):
                if c.formula:
                    try:
                        out.add(row_template(t.name, c.key, edition))
                    except PythonOnly:
                        pass
    return sorted(out)


TEMPLATES = _templates()
SHARED = [t for t in TEMPLATES if shareable(t)]


def test_the_big_columns_are_shared_and_the_risky_ones_are_not():
    """The funnel's and follow-up's long native formulas are shared; structured references,
    other sheets, future functions and StoreOps functions are not (Excel's own writer never
    shares them, and the editions translate StoreOps calls cell by cell)."""
    assert len(SHARED) >= 30
    assert all(len(t) < 1000 for t in TEMPLATES if t not in SHARED and "[" not in t and "_xl" not in t)
    assert any(len(t) > 2000 for t in SHARED)
    for t in TEMPLATES:
        if any(s in t for s in ("[", "!", "_xl")) or re.search(r"\b(CTR|SCAM_RISK|BUYER_CLASS)\(", t):
            assert not shareable(t), t


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SHARED), st.integers(2, 1_000_000), st.integers(1, 48_000))
def test_a_shared_formula_gives_every_row_its_own_formula(template, row, k):
    """What Excel, WPS, LibreOffice and openpyxl make of a shared formula's cell — the first
    cell's text with its relative references moved down — is that row's own formula."""
    assert shift_formula(template.format(r=row), k) == template.format(r=row + k)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The same data built with shared formulas and with a formula in every cell, each
    recalculated."""
    from storeops.demo import demo_frames, demo_settings

    frames = demo_frames(TODAY, buyers=40, products=12, funnel_weeks=2, keywords=12)
    d = tmp_path_factory.mktemp("shared")
    shared = build_workbook(d / "shared.xlsm", data=frames, settings=demo_settings(TODAY))
    mp = pytest.MonkeyPatch()
    mp.setattr(build, "shareable", lambda template: False)
    try:
        plain = build_workbook(d / "plain.xlsm", data=frames, settings=demo_settings(TODAY))
    finally:
        mp.undo()
    for p in (shared, plain):
        recalc(p, today=TODAY, progress=False)
    return str(shared), str(plain)


def _sheet_xml(path: str, sheet: str) -> bytes:
    with open_package(path) as pkg:
        return pkg.read(pkg.sheet(sheet).path)


def test_shared_cells_read_as_their_own_formulas_and_values(books):
    shared, plain = books
    with zipfile.ZipFile(shared) as z:
        kids = sum(len(re.findall(rb'<f t="shared" si="\d+"/>', z.read(n))) for n in z.namelist() if "worksheets/" in n)
    assert kids > 500
    assert b't="shared"' not in b"".join(
        zipfile.ZipFile(plain).read(n) for n in zipfile.ZipFile(plain).namelist() if "worksheets/" in n
    )
    for data_only in (False, True):
        a = openpyxl.load_workbook(shared, data_only=data_only)
        b = openpyxl.load_workbook(plain, data_only=data_only)
        for ws in a.worksheets:
            for ra, rb in zip(ws.iter_rows(), b[ws.title].iter_rows(), strict=True):
                assert [c.value for c in ra] == [c.value for c in rb], (ws.title, ra[0].row)


def test_rows_added_take_the_first_rows_formula_not_the_tables(books):
    """Rows typed below a table, and rows an import writes, get the first data row's A1
    formula shifted to their row — also when that row holds a shared formula's text."""
    shared, _plain = books
    t = schema.FOLLOW
    with open_package(shared) as pkg:
        pt = pkg.tables["tblFollow"]
        xml = pkg.read(pkg.sheet(pt.sheet).path)
        c1, r1, c2, _r2 = pt.bounds
        first = r1 + pt.header_rows
        tmpl = _column_formulas(xml, pt, c1, c2, first)
    shared_cols = [j for j, c in enumerate(t.columns) if c.formula and shareable(row_template(t.name, c.key, "xlsm"))]
    assert shared_cols
    for j in shared_cols:
        _style, text, base = tmpl[c1 + j]
        assert (text, base) == (row_formula(t, t.columns[j].key, first - 1, "xlsm"), first)
    frame = read_tables(shared)["tblFollow"][[c.header for c in t.inputs]]
    grown = frame.iloc[[i % len(frame) for i in range(len(frame) + 5)]].reset_index(drop=True)
    with open_package(shared) as pkg:
        parts, _counts = table_parts(pkg, {"tblFollow": grown})  # five rows more than the table has
        new = parts[pkg.sheet(pt.sheet).path]
    last = first + len(frame) - 1
    for j in shared_cols:
        key, letters = t.columns[j].key, col_letters(c1 + j).encode()
        for r in (first, last):  # rows the table had: their cells keep the shared formula
            assert re.search(rb'<c r="%s%d"[^>]*><f t="shared"' % (letters, r), new), (key, r)
        for r in range(last + 1, last + 6):  # new rows: the first row's formula at their row, plain
            m = re.search(rb'<c r="%s%d"[^>]*><f>([^<]*)</f>' % (letters, r), new)
            assert m is not None, (key, r)
            assert unescape(m.group(1)) == row_formula(t, key, r - 1, "xlsm")


def _orphans(xml: bytes) -> list:
    """Cells of a shared formula whose first cell (same ``si``, a ``ref`` over them) is gone."""
    masters = {}
    for m in re.finditer(rb'<f t="shared" ref="([A-Z]+)(\d+):[A-Z]+(\d+)" si="(\d+)">', xml):
        masters[int(m.group(4))] = (m.group(1), int(m.group(2)), int(m.group(3)))
    bad = []
    for m in re.finditer(rb'<c r="([A-Z]+)(\d+)"[^>]*><f t="shared" si="(\d+)"/>', xml):
        col, row, si = m.group(1), int(m.group(2)), int(m.group(3))
        first = masters.get(si)
        if first is None or first[0] != col or not first[1] <= row <= first[2]:
            bad.append((col, row, si))
    return bad


@pytest.fixture(scope="module")
def follow_frame(books):
    return read_tables(books[0])["tblFollow"][[c.header for c in schema.FOLLOW.inputs]]


@settings(max_examples=25, deadline=None)
@given(rows=st.sets(st.integers(0, 39), max_size=8), n=st.integers(20, 45))
def test_rows_an_import_rewrites_leave_every_shared_formula_whole(books, follow_frame, rows, n):
    """An import or a merge rewrites only the rows it changes (``only_rows``), or the whole
    table, shorter or longer: no cell of a shared formula is left without its first cell —
    Excel would call the file damaged — and every formula cell reads its own row's formula."""
    shared, _plain = books
    frame = follow_frame.iloc[[i % len(follow_frame) for i in range(n)]].reset_index(drop=True)
    with open_package(shared) as pkg:
        path = pkg.sheet(pkg.tables["tblFollow"].sheet).path
        for only in ({"tblFollow": sorted(rows)}, None):
            parts, _counts = table_parts(pkg, {"tblFollow": frame}, only_rows=only)
            assert not _orphans(parts[path]), only
    assert _orphans(b'<c r="S7"><f t="shared" si="3"/></c>')  # the check itself can fail


def test_an_import_that_rewrites_the_first_row_keeps_the_shared_formulas(books, follow_frame, tmp_path):
    shared, _plain = books
    path = str(tmp_path / "book.xlsm")
    shutil.copyfile(shared, path)
    frame = follow_frame.copy()
    frame.iloc[0, 0] = "新名字 New name"
    with open_package(path) as pkg:
        parts, _counts = table_parts(pkg, {"tblFollow": frame}, only_rows={"tblFollow": [0]})
    recalc(path, today=TODAY, progress=False, overlay=parts)
    xml = _sheet_xml(path, "跟进 Follow-up")
    assert b'<f t="shared" si="0"/>' in xml and not _orphans(xml)
    t = schema.FOLLOW
    with open_package(path) as pkg:
        pt = pkg.tables["tblFollow"]
        c1, r1, _c2, r2 = pt.bounds
        first = r1 + pt.header_rows
    ws = openpyxl.load_workbook(path)[pt.sheet]
    for j, c in enumerate(t.columns):
        if c.formula and shareable(row_template(t.name, c.key, "xlsm")):
            for r in (first, first + 1, r2):
                assert ws.cell(r, c1 + j).value == "=" + row_formula(t, c.key, r - 1, "xlsm")
