"""A sheet as the last StoreOps write left it keeps the formula groups the state recorded
(``storeops.engine._run.as_written``): read because a changed group reads it, it is not
template-checked again — and a sheet that changed in any way still is."""

from __future__ import annotations

import shutil

from storeops.engine import _read, recalc
from storeops.workbook.schema import TABLES
from storeops.xlsx import _cells
from storeops.xlsx._package import open_package

from ._edits import Formula, edit_cells
from .conftest import TODAY
from .test_incremental import same_as_full

FOLLOW = "跟进 Follow-up"


def _copy(base: str, tmp_path) -> str:
    p = str(tmp_path / "book.xlsm")
    shutil.copyfile(base, p)
    return p


def _geometry(path: str, table: str) -> tuple[str, int, int, int]:
    with open_package(path) as pkg:
        t = pkg.tables[table]
        c1, r1, _c2, r2 = t.bounds
        return t.sheet, c1, r1 + t.header_rows, r2 - t.totals_rows


def _letter(table: str, key: str, c1: int) -> str:
    return _cells.col_letters(c1 + [c.key for c in TABLES[table].columns].index(key))


def _checked_sheets(monkeypatch) -> list[str]:
    """The sheets whose groups the run template-checks (``same_groups``)."""
    calls: list[str] = []
    real = _read.same_groups

    def spy(xml, F, groups, known=None):
        calls.extend({g.sheet for g in groups})
        return real(xml, F, groups, known)

    monkeypatch.setattr(_read, "same_groups", spy)
    return calls


def test_an_order_edit_takes_the_follow_up_sheets_groups_from_the_state(base, tmp_path, monkeypatch):
    """One order's amount: the follow-up sheet is read (its per-buyer SUMIFS read the log)
    but not template-checked, and the result is a full recalculation's."""
    path = _copy(base, tmp_path)
    sheet, c1, first, _last = _geometry(path, "tblOrders")
    edit_cells(path, {sheet: {f"{_letter('tblOrders', 'amount', c1)}{first + 3}": 123456.0}})
    calls = _checked_sheets(monkeypatch)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"
    assert FOLLOW in rep.per_sheet and rep.per_sheet[FOLLOW]["evaluated"] > 0  # the sheet was read
    assert FOLLOW not in calls and sheet in calls  # the edited orders sheet is checked


def test_a_formula_changed_on_a_sheet_is_never_taken_from_the_state(base, tmp_path, monkeypatch):
    """A follow-up cell's formula replaced by another (same number of formulas): the sheet
    changed, so its groups are checked, the odd cell gets its own group, and incremental
    equals full.  (Taking the state's groups here would write the old formula's value.)"""
    path = _copy(base, tmp_path)
    sheet, c1, first, _last = _geometry(path, "tblFollow")
    klass = f"{_letter('tblFollow', 'buyer_class', c1)}{first + 2}"
    o_sheet, o1, o_first, _ = _geometry(path, "tblOrders")
    edit_cells(
        path,
        {
            sheet: {klass: Formula('"Z"&"Q"')},
            o_sheet: {f"{_letter('tblOrders', 'amount', o1)}{o_first + 1}": 999.0},
        },
    )
    calls = _checked_sheets(monkeypatch)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and FOLLOW in calls  # the follow-up sheet was checked
    import openpyxl

    assert openpyxl.load_workbook(path, data_only=True)[sheet][klass].value == "ZQ"


def test_a_resized_table_part_makes_its_sheet_rewritten(base, tmp_path):
    """The rule itself: a sheet whose table part changed (the sheet's bytes did not) is not
    "as written"; an unchanged one is; without a state no sheet is."""
    from storeops.engine._run import Run, as_written, first_sheets
    from storeops.engine._state import Clock, Verdict, read_state

    with open_package(base) as pkg:
        state = read_state(pkg)
        t = pkg.tables["tblFunnel"]
        assert state is not None

        def run(verdict: Verdict, prior=state) -> Run:
            return Run(pkg, None, None, Clock.of(None), None, None, None, prior=prior, verdict=verdict)  # type: ignore[arg-type]

        quiet = run(Verdict(full=False, members=["xl/workbook.xml"]))
        assert as_written(quiet, t.sheet) and as_written(quiet, FOLLOW) and first_sheets(quiet) == []
        resized = run(Verdict(full=False, members=[t.path]))
        assert not as_written(resized, t.sheet) and as_written(resized, FOLLOW)
        assert first_sheets(resized) == [t.sheet]
        edited = run(Verdict(full=False, dirty={FOLLOW}, members=[pkg.sheet(FOLLOW).path]))
        assert not as_written(edited, FOLLOW) and as_written(edited, t.sheet)
        assert not as_written(run(Verdict(), prior=None), t.sheet)


def _scan_widths(monkeypatch) -> dict[int, list[int]]:
    """Per XML length, the widths of the formula records its scans returned."""
    from storeops.xlsx import _scan

    widths: dict[int, list[int]] = {}
    real = _scan.PendingScan.result

    def spy(self):
        sc = real(self)
        widths.setdefault(len(self.args[0]), []).append(sc.formulas.shape[1])
        return sc

    monkeypatch.setattr(_scan.PendingScan, "result", spy)
    return widths


def _sheet_size(path: str, name: str) -> int:
    with open_package(path) as pkg:
        return len(pkg.read(pkg.sheet(name).path))


def test_a_sheet_as_written_is_scanned_narrow(base, tmp_path, monkeypatch, whole_reads):
    """The order edit reads the follow-up sheet for its per-buyer SUMIFS: the sheet is as the
    last write left it, so (read whole: no extract of it) its formula records carry only the
    fields writing needs (``NARROW_FIELDS``), and the result is a full recalculation's."""
    from storeops.xlsx._scan import NARROW_FIELDS

    path = _copy(base, tmp_path)
    sheet, c1, first, _last = _geometry(path, "tblOrders")
    edit_cells(path, {sheet: {f"{_letter('tblOrders', 'amount', c1)}{first + 3}": 654321.0}})
    size = _sheet_size(path, FOLLOW)
    widths = _scan_widths(monkeypatch)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and rep.per_sheet[FOLLOW]["evaluated"] > 0
    assert widths[size][0] == NARROW_FIELDS


def test_a_narrow_sheet_whose_recorded_groups_fail_is_scanned_in_full(base, tmp_path, monkeypatch, whole_reads):
    """When the recorded groups cannot be placed on a narrow-scanned sheet, it is scanned again
    with the fields grouping needs and grouped afresh — still a full recalculation's result."""
    from storeops.engine import _incremental
    from storeops.xlsx._scan import GROUP_FIELDS, NARROW_FIELDS

    path = _copy(base, tmp_path)
    sheet, c1, first, _last = _geometry(path, "tblOrders")
    edit_cells(path, {sheet: {f"{_letter('tblOrders', 'amount', c1)}{first + 5}": 7777.0}})
    size = _sheet_size(path, FOLLOW)
    real = _incremental.prior_groups

    def lost(state, name, F=None):
        return None if F is not None and name == FOLLOW else real(state, name, F)

    monkeypatch.setattr(_incremental, "prior_groups", lost)
    full = str(tmp_path / "full.xlsm")
    shutil.copyfile(path, full)
    widths = _scan_widths(monkeypatch)
    calls = _checked_sheets(monkeypatch)
    rep = recalc(path, today=TODAY, progress=False)
    assert rep.mode == "incremental" and rep.per_sheet[FOLLOW]["evaluated"] > 0
    assert widths[size] == [NARROW_FIELDS, GROUP_FIELDS]  # this run's scans of the sheet: narrow, then to group
    assert FOLLOW not in calls  # grouped afresh (make_groups), not checked against the state
    recalc(full, today=TODAY, progress=False, full=True)
    assert open(path, "rb").read() == open(full, "rb").read()


def test_a_follow_up_edit_checks_only_the_rows_the_write_changed(base, tmp_path, monkeypatch):
    """One follow-up value rewritten the way StoreOps' own writers save (the rest of the sheet
    byte for byte): only the formulas in the segments around it are matched against their
    groups again, and the result is a full recalculation's."""
    from storeops.engine import _groups

    path = _copy(base, tmp_path)
    sheet, c1, first, _last = _geometry(path, "tblFollow")
    edit_cells(path, {sheet: {f"{_letter('tblFollow', 'last_contact', c1)}{first + 30}": 46300.0}})
    matched: list[int] = []
    real = _groups.match_templates

    def spy(a, ts, *rest):
        matched.append(len(ts))
        return real(a, ts, *rest)

    monkeypatch.setattr(_groups, "match_templates", spy)
    calls = _checked_sheets(monkeypatch)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and FOLLOW in calls
    assert matched and matched[0] < rep.per_sheet[FOLLOW]["formulas"] // 4


def test_changed_sheets_past_the_hold_limit_make_a_full_run(base, tmp_path, monkeypatch):
    """An incremental run holds its changed sheets whole; when they hold more XML than
    ``HOLD_BYTES`` (an editor that rewrote every part), the run is a full one, which reads big
    sheets one at a time — the same file either way."""
    import importlib

    recalc_mod = importlib.import_module("storeops.engine.recalc")  # the module (the package exports the function)

    path = _copy(base, tmp_path)
    sheet, c1, first, _last = _geometry(path, "tblFollow")
    edit_cells(path, {sheet: {f"{_letter('tblFollow', 'last_contact', c1)}{first + 4}": 46301.0}})
    size = _sheet_size(path, FOLLOW)
    monkeypatch.setattr(recalc_mod, "HOLD_BYTES", size + 1)
    below = str(tmp_path / "below.xlsm")
    shutil.copyfile(path, below)
    assert recalc(below, today=TODAY, progress=False).mode == "incremental"  # the follow-up sheet alone: held
    monkeypatch.setattr(recalc_mod, "HOLD_BYTES", size - 1)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "full"
