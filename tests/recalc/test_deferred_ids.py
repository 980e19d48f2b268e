"""The buyer-ID upkeep of an edited Follow-up sheet is checked by the recalculation's scan
(storeops.maintain.ids_complete) instead of a pass over the whole sheet — and an ID
missing or repeated still gets the upkeep's whole pass, with the result a full
recalculation gives."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storeops.maintain as maintain
from storeops.buyer_ids import clean_id
from storeops.engine import recalc
from storeops.workbook.schema import TABLES
from storeops.xlsx import _cells, read_tables
from storeops.xlsx._package import open_package
from storeops.xlsx._scan import scan_sheet

from ._edits import Formula, edit_cells, members
from .conftest import TODAY


def _copy(base: str, tmp_path) -> str:
    p = str(tmp_path / "book.xlsm")
    shutil.copyfile(base, p)
    return p


def _follow(path: str):
    with open_package(path) as pkg:
        t = pkg.tables["tblFollow"]
        c1, r1, _c2, r2 = t.bounds
        keys = [c.key for c in TABLES["tblFollow"].columns]
        return t.sheet, c1, keys, r1 + t.header_rows, r2 - t.totals_rows


def _ref(c1: int, keys: list[str], key: str, row: int) -> str:
    return f"{_cells.col_letters(c1 + keys.index(key))}{row}"


@pytest.fixture
def whole_passes(monkeypatch) -> list[int]:
    """Counts the upkeep's whole-sheet ID passes."""
    calls: list[int] = []
    real = maintain.fill_follow_ids

    def spy(view, t):
        calls.append(1)
        return real(view, t)

    monkeypatch.setattr(maintain, "fill_follow_ids", spy)
    return calls


def test_a_follow_up_edit_checks_ids_in_the_scan(base, tmp_path, whole_passes):
    path = _copy(base, tmp_path)
    sheet, c1, keys, first, _last = _follow(path)
    edit_cells(path, {sheet: {_ref(c1, keys, "last_contact", first + 4): 46301.0}})
    rep = recalc(path, today=TODAY, progress=False)
    assert rep.mode == "incremental" and whole_passes == []


@pytest.mark.parametrize("damage", ["blank", "duplicate", "duplicate text", "number", "formula"])
def test_a_missing_or_repeated_id_gets_the_whole_pass_and_equals_full(base, tmp_path, whole_passes, damage):
    path = _copy(base, tmp_path)
    sheet, c1, keys, first, _last = _follow(path)
    ids = read_tables(path)["tblFollow"]["买家ID Buyer ID"].tolist()
    value = {
        "blank": None,
        "duplicate": ids[0],  # an inline text equal to row 1's shared string
        "duplicate text": f" {ids[1]} ",  # the same ID with spaces
        "number": 12345.0,
        "formula": Formula('"X"&"Y"'),
    }[damage]
    edit_cells(path, {sheet: {_ref(c1, keys, "buyer_id", first + 3): value}})
    full = str(tmp_path / "full.xlsm")
    shutil.copyfile(path, full)
    rep = recalc(path, today=TODAY, progress=False)
    # the deferred check failed, the upkeep's pass ran (a number typed as an ID is an ID: kept)
    assert rep.mode == "incremental" and len(whole_passes) == (0 if damage == "number" else 1)
    recalc(full, today=TODAY, progress=False, full=True)
    assert members(path) == members(full)  # as a full recalculation
    after = [clean_id(v) for v in read_tables(path)["tblFollow"]["买家ID Buyer ID"]]
    assert all(after) and len(set(after)) == len(after)
    whole_passes.clear()
    edit_cells(path, {sheet: {_ref(c1, keys, "last_contact", first + 6): 46302.0}})
    assert recalc(path, today=TODAY, progress=False).mode == "incremental"
    assert whole_passes == []  # the IDs the upkeep left pass the scan's check


def test_ids_complete_reads_the_scan_records(base):
    sheet, c1, keys, first, last = _follow(base)
    col = c1 + keys.index("buyer_id")
    with open_package(base) as pkg:
        xml = pkg.read(pkg.sheet(sheet).path)
        sst = pkg.shared_strings
    d = maintain.DeferredIds(sheet, col, first, last)
    V = scan_sheet(xml, [col]).values
    assert maintain.ids_complete(V, xml, sst, d)
    assert not maintain.ids_complete(V, xml, sst, maintain.DeferredIds(sheet, col, first, last + 1))  # a row without
    assert not maintain.ids_complete(V[V[:, 1] != first + 2], xml, sst, d)  # a cell missing
    assert not maintain.ids_complete(np.concatenate([V, V[-1:]]), xml, sst, d)  # a row twice


def test_a_table_part_rewritten_with_the_same_rows_still_defers(base, tmp_path, whole_passes):
    """An editor that rewrites the table part (other bytes, the same range: Excel, WPS) and
    changes a follow-up row: the IDs are still checked by the scan, the result a full one's."""
    from storeops.xlsx._atomic import atomic_replace
    from storeops.xlsx._zipwrite import write_zip

    path = _copy(base, tmp_path)
    sheet, c1, keys, first, _last = _follow(path)
    with open_package(path) as pkg:
        t = pkg.tables["tblFollow"]
        part = pkg.read(t.path).replace(b"<tableColumns", b"\n<tableColumns", 1)
        xml = pkg.read(pkg.sheet(sheet).path)
        infos = pkg.infos
        atomic_replace(path, lambda fh: write_zip(fh, path, infos, {t.path: part}))
    assert b"<tableColumns" in part and xml
    edit_cells(path, {sheet: {_ref(c1, keys, "last_contact", first + 2): 46305.0}})
    full = str(tmp_path / "full.xlsm")
    shutil.copyfile(path, full)
    assert recalc(path, today=TODAY, progress=False).mode == "incremental"
    assert whole_passes == []
    recalc(full, today=TODAY, progress=False, full=True)
    assert members(path) == members(full)


def test_rows_added_to_the_table_get_the_whole_pass(base, tmp_path, whole_passes, monkeypatch):
    """A row appended inside the table (its range grew, as ``write_tables`` or Excel do) with
    no ID: the upkeep's whole pass gives it one at once (not after a deferred check failed)."""
    from storeops.xlsx import write_tables

    deferred: list[int] = []
    real = maintain.ids_complete
    monkeypatch.setattr(maintain, "ids_complete", lambda *a: deferred.append(1) or real(*a))

    path = _copy(base, tmp_path)
    follow = read_tables(path)["tblFollow"]
    inputs = [c.header for c in TABLES["tblFollow"].inputs if c.key != "buyer_id"]
    row = follow[inputs].iloc[:1].copy()
    row.iloc[0, 0] = "Brand New Buyer Ltd"
    write_tables(path, {"tblFollow": row}, mode="append")
    recalc(path, today=TODAY, progress=False)
    assert len(whole_passes) == 1 and deferred == []  # not deferred: no second run
    after = [clean_id(v) for v in read_tables(path)["tblFollow"]["买家ID Buyer ID"]]
    assert len(after) == len(follow) + 1 and all(after) and len(set(after)) == len(after)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["A1", "B2", " A1", "", "  ", "C3", "b2"]), min_size=1, max_size=8),
    st.lists(st.one_of(st.integers(0, 9), st.sampled_from(["x", "+1", " 2", "-1"])), min_size=1, max_size=12),
)
def test_ids_in_shared_strings_are_checked_as_the_upkeep_compares_them(sst, cells):
    """A column of shared-string IDs (read in one compiled pass): complete exactly when every
    row names a string that exists, none blank, none equal to another once trimmed — as the
    upkeep compares IDs; an index that is not plain digits counts as no ID."""
    from storeops.xlsx._scan import T_S

    xml = b""
    rows = []
    for r, c in enumerate(cells, start=5):
        vts = len(xml) + 3
        xml += b"<v>%s</v>" % str(c).encode()
        rows.append([2, r, 0, T_S, vts, vts + len(str(c)), -1, -1, 0])
    V = np.array(rows, np.int32)
    d = maintain.DeferredIds("S", 2, 5, 4 + len(cells))
    texts = []
    for c in cells:
        try:
            k = int(c)
            texts.append(sst[k].strip() if 0 <= k < len(sst) else "")
        except ValueError:
            texts.append("")
    expect = all(texts) and len(set(texts)) == len(texts)
    assert maintain.ids_complete(V, xml, sst, d) == expect
