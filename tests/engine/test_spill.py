"""StoreOps calls over ranges a person typed (``storeops/engine/spill.py``): array formulas
are evaluated and their blocks written; a plain ``=CTR(F5:F10,E5:E10)`` spills into the
empty cells below it; nothing a person typed is overwritten."""

from __future__ import annotations

import datetime as dt
import math
import zipfile

import numpy as np
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

import storeops_xl as core
from storeops.engine import recalc

TODAY = dt.date(2026, 11, 21)
count = st.one_of(st.none(), st.just(0), st.integers(0, 5000), st.integers(0, 99).map(str))


def _book(path, clicks, impressions, formulas: dict) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    for i, (c, n) in enumerate(zip(clicks, impressions)):
        ws.cell(5 + i, 6, c)
        ws.cell(5 + i, 5, n)
    for ref, f in formulas.items():
        ws[ref] = f
    wb.save(path)


def _values(path, col: str, first: int, n: int) -> list:
    ws = openpyxl.load_workbook(path, data_only=True)["T"]
    return [ws[f"{col}{first + i}"].value for i in range(n)]


def _same(want, got) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got in (None, "")
    if isinstance(want, str):
        return got == want
    return isinstance(got, (int, float)) and math.isclose(float(want), got, rel_tol=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(count, count), min_size=1, max_size=30))
def test_array_and_plain_formulas_give_the_core_column(tmp_path_factory, rows):
    clicks, impressions = [r[0] for r in rows], [r[1] for r in rows]
    n = len(rows)
    last = 4 + n
    path = tmp_path_factory.mktemp("s") / "typed.xlsx"
    _book(
        path,
        clicks,
        impressions,
        {
            "G5": ArrayFormula(f"G5:G{last}", f"=CTR(F5:F{last},E5:E{last})"),
            "H5": f"=CTR(F5:F{last},E5:E{last})",
            "I5": f"=SUM(H5:H{last})",
        },
    )
    report = recalc(path, today=TODAY, progress=False)
    assert report.left_to_excel == 0, report.left_examples
    want = np.asarray(core.ctr(np.array(clicks, dtype=object), np.array(impressions, dtype=object))).reshape(-1)
    for col in "GH":
        got = _values(path, col, 5, n)
        assert all(_same(w, g) for w, g in zip(want, got)), (col, list(zip(rows, want, got))[:5])
    total = sum(float(w) for w in want if isinstance(w, float) and not math.isnan(w))
    assert math.isclose(_values(path, "I", 5, 1)[0], total, rel_tol=1e-9, abs_tol=1e-12)
    h5 = openpyxl.load_workbook(path)["T"]["H5"].value
    if n > 1:  # one cell stays a plain formula
        assert isinstance(h5, ArrayFormula) and h5.ref == f"H5:H{last}"


def test_recalc_is_idempotent_and_keeps_the_block(tmp_path):
    path = tmp_path / "twice.xlsx"
    _book(path, [1, 2, None], [10, 0, 5], {"H5": "=CTR(F5:F7,E5:E7)"})
    recalc(path, today=TODAY, progress=False)
    first = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    report = recalc(path, today=TODAY, progress=False)
    assert report.left_to_excel == 0
    assert zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml") == first
    assert _values(path, "H", 5, 3) == [0.1, "", ""]


def test_a_full_spill_range_is_never_overwritten(tmp_path):
    path = tmp_path / "full.xlsx"
    _book(path, [1, 2, 3], [10, 20, 30], {"H5": "=CTR(F5:F7,E5:E7)", "H6": "mine"})
    report = recalc(path, today=TODAY, progress=False)
    assert report.left_to_excel == 1
    assert any("spill" in e for e in report.left_examples), report.left_examples
    ws = openpyxl.load_workbook(path)["T"]
    assert ws["H6"].value == "mine" and ws["H5"].value == "=CTR(F5:F7,E5:E7)"


def test_rows_blocks_and_sizes_follow_excel(tmp_path):
    path = tmp_path / "shapes.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    for j, (c, n) in enumerate([(1, 10), (3, 30), (None, 5)]):
        ws.cell(1, 1 + j, c)
        ws.cell(2, 1 + j, n)
    ws["A4"] = "=CTR(A1:C1,A2:C2)"  # a row of three
    ws["A6"] = ArrayFormula("A6:A9", "=CTR(A1:C1,A2:C2)")  # a row over a column block: first value repeated
    ws["C6"] = ArrayFormula("C6:C7", '=NEXT_FOLLOWUP(A2:A3,{"A";"D"})')  # an array constant: left to Excel
    ws["E1"] = 46000
    ws["E2"] = 46010
    ws["F1"] = "A"
    ws["F2"] = "D"
    ws["G1"] = ArrayFormula("G1:G3", "=NEXT_FOLLOWUP(E1:E2,F1:F2)")  # two dates, then #N/A
    wb.save(path)
    report = recalc(path, today=TODAY, progress=False)
    assert report.left_to_excel == 1, report.left_examples  # the array constant
    got = openpyxl.load_workbook(path, data_only=True)["T"]
    assert [got.cell(4, c).value for c in (1, 2, 3)] == [0.1, 0.1, ""]
    assert [got.cell(r, 1).value for r in (6, 7, 8, 9)] == [0.1] * 4
    want = core.next_followup(np.array([46000.0, 46010.0], dtype=object), np.array(["A", "D"], dtype=object))
    want = [(w - np.datetime64("1899-12-30")) / np.timedelta64(1, "D") for w in np.asarray(want).reshape(-1)]
    assert [got.cell(r, 7).value for r in (1, 2)] == want
    assert got.cell(3, 7).value == "#N/A"


def test_native_array_formulas_row_by_row_only_when_element_wise(tmp_path):
    """``{=IF(A1:A3>1,A1:A3*2,"")}`` over A-aligned cells is one value per row (as the array
    twins written for the .xlsx edition are); ``{=SUM(A1:A3)}`` over a block folds the range
    and stays with Excel, untouched."""
    path = tmp_path / "native.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    for r, v in enumerate([1, 2, 3], start=1):
        ws.cell(r, 1, v)
    ws["B1"] = ArrayFormula("B1:B3", '=IF(A1:A3>1,A1:A3*2,"")')
    ws["C1"] = ArrayFormula("C1:C3", "=SUM(A1:A3)")
    wb.save(path)
    report = recalc(path, today=TODAY, progress=False)
    assert report.left_to_excel == 1, report.left_examples
    got = openpyxl.load_workbook(path, data_only=True)["T"]
    assert [got[f"B{r}"].value for r in (1, 2, 3)] == ["", 4, 6]
    assert [got[f"C{r}"].value for r in (1, 2, 3)] == [None, None, None]


def test_spill_into_rows_that_do_not_exist_yet(tmp_path):
    """Inputs on another sheet: the spilled rows are created, in order, around existing ones."""
    path = tmp_path / "rows.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    data = wb.create_sheet("Data")
    for r in range(1, 7):
        data.cell(r, 1, r)
        data.cell(r, 2, 10 * r)
    ws["B2"] = "=CTR(Data!A1:A6,Data!B1:B6)"
    ws["A5"] = "kept"
    wb.save(path)
    assert recalc(path, today=TODAY, progress=False).left_to_excel == 0
    got = openpyxl.load_workbook(path, data_only=True)["T"]
    assert [got[f"B{r}"].value for r in range(2, 8)] == [0.1] * 6
    assert got["A5"].value == "kept"
    rows = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").split(b'<row r="')[1:]
    assert [int(r.split(b'"')[0]) for r in rows] == list(range(2, 8))
