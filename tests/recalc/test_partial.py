"""A sheet as the last write left it, read only where the run needs it (``storeops.engine._partial``):
its columns from the extract the last write kept (``storeops.engine._extracts``), its cells
from the few segments a run evaluates — and the file is byte for byte a full
recalculation's.  Whatever the extract cannot vouch for (none kept, bytes this StoreOps
did not write, a damaged extract, a formula reading a column it lacks) reads the sheet
whole, as before.  (The folder's conftest extracts every sheet a formula reads.)"""

from __future__ import annotations

import glob
import os
import shutil

import pytest

from storeops.engine import _extracts, _partial, _pipeline, recalc
from storeops.engine._state import read_state
from storeops.xlsx import _trust, read_tables
from storeops.xlsx._package import open_package
from storeops.xlsx._zipwrite import data_offset

from ._edits import Formula, edit_cells, named_cell
from .conftest import TODAY
from .test_as_written import _geometry, _letter
from .test_incremental import _copy, same_as_full

FOLLOW = "跟进 Follow-up"


class Reads:
    """What the runs of a test opened partially, and the segments they inflated, per sheet."""

    def __init__(self):
        self.opened: list[str] = []
        self.segments: dict[str, int] = {}


@pytest.fixture
def reads(monkeypatch):
    out = Reads()
    real_open, real_inflate = _partial.open_partial, _partial._inflate

    def spy_open(run, name):
        done = real_open(run, name)
        if done:
            out.opened.append(name)
        return done

    def spy_inflate(run, path, segs):
        name = next(s.name for s in run.pkg.sheets if s.path == path)
        out.segments[name] = out.segments.get(name, 0) + len(segs)
        return real_inflate(run, path, segs)

    monkeypatch.setattr(_pipeline, "open_partial", spy_open)
    monkeypatch.setattr(_partial, "_inflate", spy_inflate)
    return out


def _segments(path: str, sheet: str) -> int:
    with open_package(path) as pkg:
        state = read_state(pkg)
        assert state is not None
        return len(state.segments[pkg.sheet(sheet).path])


def _order_edit(path: str, row: int, amount: float) -> None:
    sheet, c1, first, _last = _geometry(path, "tblOrders")
    edit_cells(path, {sheet: {f"{_letter('tblOrders', 'amount', c1)}{first + row}": amount}})


def _extract_files() -> list[str]:
    return glob.glob(os.path.join(os.environ["STOREOPS_CACHE_DIR"], "extracts", "*.ext"))


def test_an_order_edit_reads_the_follow_up_sheet_where_needed(base, tmp_path, reads):
    """One order's amount: the follow-up sheet (its per-buyer SUMIFS read the log) is opened
    partially and only the segments holding that buyer's rows are inflated."""
    path = _copy(base, tmp_path)
    _order_edit(path, 3, 123456.0)
    total = _segments(path, FOLLOW)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and rep.per_sheet[FOLLOW]["evaluated"] > 0
    assert FOLLOW in reads.opened
    assert 0 < reads.segments[FOLLOW] < total / 2


def test_new_values_in_a_partial_sheet_are_written_as_a_full_run_writes_them(base, tmp_path, reads):
    """Orders edited until a buyer's totals on the follow-up sheet change: the sheet is
    written (whole, its unchanged segments copied), equals a full recalculation, and its new
    extract lets the next edit read it partially again."""
    path = _copy(base, tmp_path)
    before = _follow_bytes(path)
    for k, row in enumerate((1, 2, 4)):
        _order_edit(path, row, 5_000_000.0 + k)
        same_as_full(path, tmp_path)
        assert reads.opened.count(FOLLOW) == k + 1
    assert _follow_bytes(path) != before  # the buyers' totals were rewritten


def _follow_bytes(path: str) -> bytes:
    with open_package(path) as pkg:
        return pkg.read(pkg.sheet(FOLLOW).path)


def test_without_an_extract_the_sheet_is_read_whole(base, tmp_path, reads):
    path = _copy(base, tmp_path)
    _order_edit(path, 5, 4321.0)
    kept = {p: open(p, "rb").read() for p in _extract_files()}
    try:
        for p in kept:
            os.remove(p)
        rep = same_as_full(path, tmp_path)
    finally:
        for p, data in kept.items():
            with open(p, "wb") as fh:
                fh.write(data)
    assert rep.mode == "incremental" and FOLLOW not in reads.opened


def test_a_damaged_extract_is_not_used(base, tmp_path, reads):
    path = _copy(base, tmp_path)
    _order_edit(path, 6, 1111.0)
    kept = {p: open(p, "rb").read() for p in _extract_files()}
    try:
        for p, data in kept.items():
            with open(p, "wb") as fh:
                fh.write(data[: len(data) // 2])
        same_as_full(path, tmp_path)
    finally:
        for p, data in kept.items():
            with open(p, "wb") as fh:
                fh.write(data)
    assert FOLLOW not in reads.opened


def test_bytes_this_storeops_did_not_write_are_read_whole(base, tmp_path, reads, monkeypatch):
    """No record of the sheet's bytes (another user's cache, or a crafted file): its segments
    would be scanned without the well-formedness check, so it is read whole."""
    monkeypatch.setattr("storeops.xlsx._trust.lookup", lambda key: None)
    path = _copy(base, tmp_path)
    _order_edit(path, 7, 2222.0)
    same_as_full(path, tmp_path)
    assert not reads.opened


def test_a_formula_reading_a_column_the_extract_lacks_reads_the_sheet_whole(base, tmp_path, reads):
    """A formula typed on the Target sheet that reads a follow-up column no formula read
    before: the extract does not hold it, so the follow-up sheet is read whole."""
    path = _copy(base, tmp_path)
    with open_package(path) as pkg:
        info = pkg._members[pkg.sheet(FOLLOW).path]
        with open(path, "rb") as fh:
            fh.seek(data_offset(fh, info))
            key = _trust.part_key([fh.read(info.compress_size)], info.compress_type, info.CRC, info.file_size)
        kept = _extracts.load(key)
        assert kept is not None
        c1, _r1, c2, _r2 = pkg.tables["tblFollow"].bounds
    unread = next(c for c in range(c1, c2 + 1) if c not in kept.cols)
    from storeops.xlsx._cells import col_letters

    target, _c, first, _l = _geometry(path, "tblTarget")
    letter = col_letters(unread)
    edit_cells(path, {target: {f"AZ{first}": Formula(f"COUNTA('{FOLLOW}'!{letter}5:{letter}60)")}})
    with open_package(path) as pkg:  # the formula is in (a cell of a row the sheet has)
        assert b"COUNTA(" in pkg.read(pkg.sheet(target).path)
    _order_edit(path, 8, 3333.0)
    rep = same_as_full(path, tmp_path)
    assert not rep.left_examples, rep.left_examples  # the engine evaluates the new formula
    assert FOLLOW not in reads.opened


def test_a_workbook_copied_elsewhere_finds_its_extracts(base, tmp_path, reads):
    """Extracts are named after the sheet's bytes: a copy in another folder under another
    name (what a boss gets from a salesperson's StoreOps) finds them."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = str(folder / "copy of book.xlsm")
    shutil.copyfile(base, path)
    _order_edit(path, 9, 4444.0)
    rep = recalc(path, today=TODAY, progress=False)
    assert rep.mode == "incremental" and FOLLOW in reads.opened


def test_a_column_changed_in_every_row_is_written_in_every_segment(base, tmp_path, reads):
    """A setting every follow-up row's class reads (``cfg_class_a_usd``) set to 0, and a few
    other cells: the class column changes in every row.  The segments are read in the order
    the run needs them (the one-cell formulas' first), and the sheet is written with every
    segment's new values in place (found by hypothesis: rows 7–10 kept their old classes
    when the records were spliced in the order they were read)."""
    path = _copy(base, tmp_path)
    edits: dict[str, dict[str, object]] = {
        "订单 Orders": {"F5": None, "I5": None},
        "关键词 Keywords": {"A8": None},
        "目标 Target": {"A8": None},
    }
    sheet, ref = named_cell(path, "cfg_class_a_usd")
    edits.setdefault(sheet, {})[ref] = 0
    edit_cells(path, edits)
    same_as_full(path, tmp_path)
    assert FOLLOW in reads.opened and reads.segments[FOLLOW] == _segments(path, FOLLOW)


def test_a_sheet_read_whole_gets_the_extract_its_write_did_not_keep(base, tmp_path, reads):
    """No extract (a file from another machine, a cleared cache): an edit that reads the
    follow-up sheet whole and leaves it as it is (the amount of an order that counts for no
    buyer's total) keeps its extract; the next edit reads it partially."""
    path = _copy(base, tmp_path)
    orders = read_tables(path)["tblOrders"]
    counted = orders["计入 Counted as"].astype(str)
    row = int(next(i for i, v in enumerate(counted) if "付款" not in v))  # not a paid order
    before = _follow_bytes(path)
    kept = {p: open(p, "rb").read() for p in _extract_files()}
    try:
        for p in kept:
            os.remove(p)
        _order_edit(path, row, 777.0)
        same_as_full(path, tmp_path)
        assert FOLLOW not in reads.opened and _follow_bytes(path) == before  # read whole, not rewritten
        _order_edit(path, row, 778.0)
        same_as_full(path, tmp_path)
        assert FOLLOW in reads.opened
    finally:
        for p, data in kept.items():
            with open(p, "wb") as fh:
                fh.write(data)
