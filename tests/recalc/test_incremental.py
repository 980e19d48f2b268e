"""Incremental recalculation gives exactly the bytes a full one gives.

A small demo workbook is built and recalculated once; each test edits a copy — single
cells the way StoreOps' own commands save (the recalc state survives), whole tables,
rows typed below a table, cached values an editor overwrote, openpyxl saves (the state
is dropped) and LibreOffice saves (the state is kept, every part rewritten) — and then
recalculates it twice: incrementally, and with ``full=True``.  The two files must be
byte for byte the same, whatever was edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.engine._state import read_state
from storeops.workbook.schema import TABLES
from storeops.xlsx import _cells, read_tables, write_tables
from storeops.xlsx._package import open_package

from ._edits import Formula, edit_cells, libreoffice_save, members, named_cell, set_cached
from .conftest import TODAY  # noqa: E402 - one date for the whole folder

VALUES = st.one_of(
    st.none(),
    st.integers(-5, 60_000),
    st.floats(-1e6, 1e6, allow_nan=False, width=32),
    st.sampled_from(["A", "Amy", "询盘 Inquiry", "TM", "RFQ", "成交 Won", "报价 Quoted", "", "x & <y>"]),
    st.text(max_size=6),
    # read as criteria by the per-buyer COUNTIFS/SUMIFS: operators, wildcards, booleans,
    # errors and numbers written as text are no plain equalities (the pruning's rule is
    # the evaluation's own, ``Criterion.simple``)
    st.sampled_from(["<5", "=Amy", "<>A", "A*", "?", "~*", "TRUE", "#N/A", "12", " 12", "=", "<>", "=12", "1/2/2008"]),
)
#: tables whose inputs the tests edit: follow-ups (read by Target, PK and Buyers), the dated
#: orders (read per buyer ID by Follow-up), funnel, products (whole-column MEDIANs),
#: keywords, targets, salespeople
EDITED = ["tblFollow", "tblOrders", "tblFunnel", "tblProducts", "tblKeywords", "tblTarget", "tblSalespeople"]
SETTINGS = ["cfg_class_a_usd", "cfg_class_a_repeat", "cfg_reply_inquiry_h", "cfg_as_of", "cfg_title_max"]


@pytest.fixture(scope="module")
def geometry(base):
    """Per edited table: sheet, input column letters, first and last data row."""
    out = {}
    with open_package(base) as pkg:
        for name in EDITED:
            t = pkg.tables[name]
            c1, r1, _c2, r2 = t.bounds
            schema = TABLES[name]
            letters = [_cells.col_letters(c1 + j) for j, col in enumerate(schema.columns) if col.kind == "input"]
            out[name] = (t.sheet, letters, r1 + t.header_rows, r2)
    follow = read_tables(base)["tblFollow"]
    out["ids"] = sorted({str(v) for v in follow["买家ID Buyer ID"] if v})[:8]  # an order moved to another buyer
    return out


def _copy(base: str, tmp_path, name: str = "book.xlsm") -> str:
    p = str(tmp_path / name)
    shutil.copyfile(base, p)
    return p


def same_as_full(path: str, tmp_path, today: date = TODAY):
    """Recalculate ``path`` incrementally and a copy fully; the files must be identical."""
    full = str(tmp_path / ("full" + os.path.splitext(path)[1]))
    shutil.copyfile(path, full)
    inc = recalc(path, today=today, progress=False)
    ref = recalc(full, today=today, progress=False, full=True)
    assert inc.formulas == ref.formulas and inc.left_to_excel == ref.left_to_excel
    a, b = members(path), members(full)
    assert list(a) == list(b)
    for name in a:
        if a[name] != b[name]:
            i = next((k for k in range(min(len(a[name]), len(b[name]))) if a[name][k] != b[name][k]), 0)
            raise AssertionError(
                f"{name}: {a[name][max(0, i - 300) : i + 100]!r} != {b[name][max(0, i - 300) : i + 100]!r}"
            )
    assert open(path, "rb").read() == open(full, "rb").read()
    return inc


@st.composite
def cell_edits(draw, geometry):
    edits: dict[str, dict[str, object]] = {}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from([*EDITED, "tblOrders", "tblFollow"]))  # the rows edited most
        sheet, letters, first, last = geometry[name]
        row = draw(st.integers(first, last + 1))  # last + 1: a row typed right below the table
        ref = f"{draw(st.sampled_from(letters))}{row}"
        edits.setdefault(sheet, {})[ref] = draw(st.one_of(VALUES, st.sampled_from(geometry["ids"])))
    return edits


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cell_edits_incremental_equals_full(base, geometry, tmp_path_factory, data):
    tmp_path = tmp_path_factory.mktemp("edit")
    path = _copy(base, tmp_path)
    edits = data.draw(cell_edits(geometry))
    if data.draw(st.booleans()):  # a setting too (cfg_* named cells: read by formulas everywhere)
        sheet, ref = named_cell(path, data.draw(st.sampled_from(SETTINGS)))
        edits.setdefault(sheet, {})[ref] = data.draw(st.one_of(st.none(), st.integers(0, 20_000)))
    edit_cells(path, edits)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_xlsx_edition_cell_edits_incremental_equals_full(base_xlsx, geometry, tmp_path_factory, data):
    """The ``.xlsx`` edition (the file of WPS and LibreOffice users) the same way: its
    Python-only columns get their formulas for the evaluation and lose them after, in
    both runs alike (the same tables and rows as the ``.xlsm`` base)."""
    tmp_path = tmp_path_factory.mktemp("edit")
    path = _copy(base_xlsx, tmp_path, "book.xlsx")
    edit_cells(path, data.draw(cell_edits(geometry)))
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"
    with open_package(path) as pkg:  # no StoreOps call left in the file
        sheets = b"".join(pkg.read(s.path) for s in pkg.sheets)
    assert b"SCAM_RISK(" not in sheets and b"TITLE_SCORE(" not in sheets


def _python_only_cells(geometry, draw) -> dict[str, dict[str, object]]:
    """Edits of the follow-ups' scam-risk cells (a Python-only column): a value typed over
    one, one made blank (then the column's formulas are put in after all)."""
    t = TABLES["tblFollow"]
    letter = _cells.col_letters(t.anchor_col + 1 + [c.key for c in t.columns].index("scam_risk"))
    sheet, _letters, first, last = geometry["tblFollow"]
    rows = draw(st.lists(st.integers(first, last), max_size=2))
    return {sheet: {f"{letter}{r}": draw(st.sampled_from([None, "低 Low", 7.0])) for r in rows}}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(data=None).via("a row typed below the targets: it takes the first row's formulas")
@given(data=st.data())
def test_virtual_columns_give_the_bytes_of_formulas_put_in(base_xlsx, geometry, tmp_path_factory, data):
    """The ``.xlsx`` edition's Python-only columns evaluated as virtual formula cells (their
    formulas never put into the XML) give the file that putting the formulas in and taking
    them out again gives — after any edits, rows typed below a table, blank or overwritten
    Python-only cells (which fall back to putting the formulas in)."""
    from storeops.engine import editions

    tmp_path = tmp_path_factory.mktemp("virtual")
    path = _copy(base_xlsx, tmp_path, "book.xlsx")
    if data is None:  # found by this test: Target's A11 typed right below tblTarget
        sheet, letters, _first, last = geometry["tblTarget"]
        edits, full = {sheet: {f"{letters[0]}{last + 1}": ""}}, False
    else:
        edits = data.draw(cell_edits(geometry))
        if data.draw(st.booleans()):
            for sheet, cells in _python_only_cells(geometry, data.draw).items():
                edits.setdefault(sheet, {}).update(cells)
        full = data.draw(st.booleans())
    edit_cells(path, edits)
    put_in = str(tmp_path / "put-in.xlsx")
    shutil.copyfile(path, put_in)
    a = recalc(path, today=TODAY, progress=False, full=full)
    editions.VIRTUAL = False
    try:
        b = recalc(put_in, today=TODAY, progress=False, full=full)
    finally:
        editions.VIRTUAL = True
    assert (a.formulas, a.mode) == (b.formulas, b.mode)
    # every part holds the same bytes; only how a sheet is stored may differ: putting the
    # formulas in rewrites the sheet, the virtual cells leave it as the edit stored it when
    # no value changed (as the .xlsm edition does)
    mine, theirs = members(path), members(put_in)
    assert list(mine) == list(theirs)
    assert {k: v for k, v in mine.items() if not k.startswith("customXml/")} == {
        k: v for k, v in theirs.items() if not k.startswith("customXml/")
    }
    with open_package(path) as pa, open_package(put_in) as pb:
        sa, sb = read_state(pa), read_state(pb)
    assert sa is not None and sb is not None
    stored = {"members", "segments"}  # how each part is stored (compressed size, segment map)
    assert {k: v for k, v in vars(sa).items() if k not in stored} == {
        k: v for k, v in vars(sb).items() if k not in stored
    }
    assert {k: v[:2] for k, v in sa.members.items()} == {k: v[:2] for k, v in sb.members.items()}


def test_virtual_columns_are_not_put_in(base_xlsx, tmp_path, monkeypatch):
    """The follow-up sheet of the ``.xlsx`` edition is not rewritten with formulas put in:
    its scam-risk cells are read as they are (the scan's virtual formula cells)."""
    from storeops.engine import editions

    seen = []
    real = editions.inject_columns
    monkeypatch.setattr(editions, "inject_columns", lambda *a: seen.append(a[1]) or real(*a))
    path = _copy(base_xlsx, tmp_path, "book.xlsx")
    assert recalc(path, today=TODAY, progress=False, full=True).formulas
    assert seen == []


def test_one_order_edit_evaluates_little_and_skips_other_sheets(base, geometry, tmp_path):
    path = _copy(base, tmp_path)
    sheet, letters, first, _last = geometry["tblOrders"]
    before = members(path)
    edit_cells(path, {sheet: {f"{letters[4]}{first + 3}": 123456.0}})  # an order's amount: class A now
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and 0 < rep.evaluated < rep.formulas and rep.kept > 0
    after = members(path)
    with open_package(path) as pkg:
        funnel = pkg.sheet("漏斗 Funnel").path
        products = pkg.sheet("产品 Products").path
    assert after[funnel] == before[funnel] and after[products] == before[products]
    assert "漏斗 Funnel" in rep.unchanged_sheets and rep.per_sheet["漏斗 Funnel"]["evaluated"] == 0


@pytest.mark.parametrize("criterion", ["*", "<>x", "?*", "~*", "TRUE", "=", "12", "1/2/2008"])
def test_an_order_edit_reaches_a_buyer_id_that_is_no_plain_equality(base, geometry, tmp_path, criterion):
    """A buyer ID typed as a wildcard or an operator is a criterion of the per-buyer
    COUNTIFS/SUMIFS that matches other buyers' orders: a later edit of such an order must
    re-evaluate that row (the pruning reads criteria as the evaluation does)."""
    path = _copy(base, tmp_path)
    sheet, letters, first, _last = geometry["tblFollow"]
    inputs = [c.key for c in TABLES["tblFollow"].columns if c.kind == "input"]
    edit_cells(path, {sheet: {f"{letters[inputs.index('buyer_id')]}{first + 2}": criterion}})
    recalc(path, today=TODAY, progress=False)
    orders = read_tables(path)["tblOrders"]
    paid = orders.index[orders["计入 Counted as"] == "付款 Paid"]
    latest = int(orders.loc[paid, "日期 Date"].idxmax())  # in this week's window
    osheet, oletters, ofirst, _olast = geometry["tblOrders"]
    edit_cells(path, {osheet: {f"{oletters[4]}{ofirst + latest}": 98765.0}})  # its amount
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"


def test_an_input_edit_that_leaves_an_aggregate_to_excel_does_so_as_a_full_run(base, geometry, tmp_path):
    """A text typed into a date column makes the staff table's date-window COUNTIFS one the
    engine leaves to Excel (it cannot order such texts as Excel does); the salesperson of
    the edited row is another row's, yet the incremental run must leave it to Excel as the
    full run does (found by the property test above), and again on the next edit."""
    path = _copy(base, tmp_path)
    sheet, letters, first, _last = geometry["tblFollow"]
    inputs = [c.key for c in TABLES["tblFollow"].columns if c.kind == "input"]
    received = letters[inputs.index("received_at")]
    rep = same_as_full(path, tmp_path)  # nothing to do yet: both the same
    edit_cells(path, {sheet: {f"{letters[0]}{first}": None, f"{received}{first}": "报价 Quoted"}})
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and rep.left_to_excel > 0
    edit_cells(path, {sheet: {f"{letters[inputs.index('stage')]}{first + 7}": "成交 Won"}})
    assert same_as_full(path, tmp_path).left_to_excel == rep.left_to_excel
    # an edit it does not read leaves it to Excel without evaluating it (as the last write did)
    osheet, oletters, ofirst, _olast = geometry["tblOrders"]
    edit_cells(path, {osheet: {f"{oletters[4]}{ofirst + 1}": 4321.0}})
    again = same_as_full(path, tmp_path)
    assert again.left_to_excel == rep.left_to_excel and again.per_sheet["员工分析 Staff analysis"]["evaluated"] == 0


def test_one_follow_up_edit_evaluates_its_row_and_what_reads_it(base, geometry, tmp_path):
    path = _copy(base, tmp_path)
    sheet, letters, first, _last = geometry["tblFollow"]
    edit_cells(path, {sheet: {f"{letters[9]}{first + 5}": 46300.0}})  # a last contact date
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental" and 0 < rep.evaluated < rep.formulas // 2


def test_nothing_changed_is_answered_without_the_engine(base, tmp_path):
    path = _copy(base, tmp_path)
    before = open(path, "rb").read()
    code = (
        "import sys, datetime as dt\n"
        "from storeops.engine import recalc\n"
        "r = recalc(sys.argv[1], today=dt.date(2026, 11, 21), progress=False)\n"
        "print(r.mode, r.formulas == r.kept + r.left_to_excel, 'pandas' in sys.modules, 'numba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["unchanged", "True", "False", "False"]
    assert open(path, "rb").read() == before
    # the command itself loads neither (its --version is read only when asked)
    code = "import sys\nfrom storeops.cli import build_parser\nbuild_parser()\nprint('pandas' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]


def test_a_new_day_recomputes_what_depends_on_today(base, tmp_path):
    path = _copy(base, tmp_path)
    rep = same_as_full(path, tmp_path, today=date(2026, 12, 2))  # cfg_as_of is filled: the as-of date stays
    assert rep.mode == "incremental" and rep.evaluated == 0
    sheet, ref = named_cell(path, "cfg_as_of")
    edit_cells(path, {sheet: {ref: None}})  # cfg_today is now stamped with the day of each recalc
    assert recalc(path, today=date(2026, 12, 2), progress=False).evaluated > 0
    rep = same_as_full(path, tmp_path, today=date(2026, 12, 3))
    assert rep.mode == "incremental" and rep.evaluated > 0
    assert recalc(path, today=date(2026, 12, 3), progress=False).mode == "unchanged"


def test_cached_values_an_editor_changed_are_rewritten(base, geometry, tmp_path):
    path = _copy(base, tmp_path)
    sheet, _letters, first, _last = geometry["tblFollow"]
    t = TABLES["tblFollow"]
    klass = _cells.col_letters(t.anchor_col + 1 + [c.key for c in t.columns].index("buyer_class"))
    set_cached(path, sheet, f"{klass}{first}", b"#NAME?")  # the class column, as WPS without StoreOps shows it
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    assert ws[f"{klass}{first}"].value in ("A", "B", "C", "D")


def test_table_writes_and_appended_rows(base, tmp_path):
    """``write_tables`` (import/merge) rewrites a table and grows it: the table's range is
    part of what the summary formulas read."""
    path = _copy(base, tmp_path)
    follow = read_tables(path)["tblFollow"]
    inputs = [c.header for c in TABLES["tblFollow"].inputs]
    frame = follow[inputs].copy()
    frame.loc[len(frame)] = frame.iloc[0]
    frame.iloc[-1, 0] = "New Buyer Ltd"
    write_tables(path, {"tblFollow": frame.iloc[-1:]}, mode="append")
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"


def test_openpyxl_save_drops_the_state_and_is_recalculated_fully(base, geometry, tmp_path):
    path = _copy(base, tmp_path)
    sheet, _letters, _first, last = geometry["tblFollow"]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[sheet]
    ws.cell(last + 1, 1, "Typed Below Ltd")  # a row typed right below the table
    ws.cell(last + 1, 16, 25_000)
    wb.save(path)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "full" and rep.rows_added == {"tblFollow": 1}
    assert recalc(path, today=TODAY, progress=False).mode == "unchanged"


def test_other_engine_version_recalculates_everything(base, tmp_path, monkeypatch):
    import storeops.engine._state as state

    path = _copy(base, tmp_path)
    monkeypatch.setattr(state, "engine_key", lambda: "another version")
    rep = recalc(path, today=TODAY, progress=False)
    assert rep.mode == "full" and rep.evaluated + rep.left_to_excel == rep.formulas


@pytest.mark.libreoffice
@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_libreoffice_save_keeps_the_state_and_incremental_equals_full(base, geometry, tmp_path_factory, data):
    """Random input cells edited (or none), then the file saved by LibreOffice, which keeps
    the state item and rewrites every part: incremental still equals full."""
    tmp_path = tmp_path_factory.mktemp("lo")
    path = _copy(base, tmp_path)
    if data.draw(st.booleans()):
        edit_cells(path, data.draw(cell_edits(geometry)))
    libreoffice_save(path, tmp_path)
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "incremental"  # LibreOffice keeps the custom XML item


def test_a_typed_range_recalculates_fully_and_equals_full(base, geometry, tmp_path):
    """A StoreOps call over ranges typed into a sheet spills (storeops/engine/spill.py): that
    run restarts as a full one, and the state it leaves asks for full runs after it."""
    path = _copy(base, tmp_path)
    sheet, letters, first, _last = geometry["tblFunnel"]
    a, b = letters[1], letters[2]
    typed = Formula(f"CTR({a}{first}:{a}{first + 4},{b}{first}:{b}{first + 4})")
    edit_cells(path, {sheet: {f"BZ{first}": typed}})
    rep = same_as_full(path, tmp_path)
    assert rep.mode == "full"
    assert recalc(path, today=TODAY, progress=False).mode == "full"
