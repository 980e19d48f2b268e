"""Ranges typed by users: ``=CTR(F1:F40,E1:E40)`` gives a column of results in every client.

openpyxl types the formulas (a plain one, as a script or Excel 365 would, and an array
formula, as LibreOffice's Ctrl+Shift+Enter writes) over rows hypothesis draws from the
inputs the workbook allows; ``storeops recalc`` evaluates them and writes the block; then
LibreOffice opens the file and computes it itself.  Both must show the core function's
values.  In a file without VBA (the ``.xlsx`` edition) a StoreOps call with an array-safe
native twin is written as that twin; a Python-only function over ranges keeps the call
(the engine's values are right; LibreOffice, which recomputes every array formula on
load, cannot run it — see docs/workbook.md).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest
from hypothesis import Phase, given, settings
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

import storeops_xl as core
from storeops.engine import recalc
from storeops.engine.spill import array_twin
from tests.core.test_twins import TWINS, _agree, _collector, _expected, _used, rows_for

TODAY = dt.date(2026, 11, 21)


def _call(name: str, n: int) -> str:
    k = len(_used(name))
    args = ",".join(f"{get_column_letter(j + 1)}1:{get_column_letter(j + 1)}{n}" for j in range(k))
    return f"{name}({args})"


#: the twins that stay one answer per row over ranges (no MAX/MIN folding a range)
ARRAY_SAFE = [n for n in TWINS if array_twin(_call(n, 3)) is not None]


def _sheet(wb, name: str, rows) -> tuple[str, str]:
    """Inputs in columns A…, the plain formula and the array formula right of them."""
    ws = wb.create_sheet(name[:31])
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(i + 1, j + 1, v)
    k, n = len(rows[0]), len(rows)
    plain, arr = get_column_letter(k + 2), get_column_letter(k + 3)
    ws[f"{plain}1"] = "=" + _call(name, n)
    ws[f"{arr}1"] = ArrayFormula(f"{arr}1:{arr}{n}", "=" + _call(name, n))
    return plain, arr


def _draw(names, examples: int = 2) -> dict[str, list]:
    plan: dict[str, list] = {}
    for name in names:
        settings(max_examples=examples, phases=[Phase.generate], database=None, deadline=None)(
            given(rows=rows_for(name, 40, least=10))(_collector(plan.setdefault(name, [])))
        )()
    return plan


def _build(path, plan) -> dict[str, tuple[str, str]]:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    cols = {name: _sheet(wb, name, rows) for name, rows in plan.items()}
    wb.save(path)
    return cols


def _read(book, plan, cols) -> dict[str, list]:
    out = {}
    for name, rows in plan.items():
        ws = book[name[:31]]
        for col in cols[name]:
            out[(name, col)] = [ws[f"{col}{i + 1}"].value for i in range(len(rows))]
    return out


def _check(values, plan, cols, who: str) -> None:
    for name, rows in plan.items():
        want = _expected(name, rows)
        for col in cols[name]:
            got = values[(name, col)]
            bad = [(r, w, g) for r, w, g in zip(rows, want, got) if not _agree(w, g)]
            assert not bad, (who, name, col, bad[:4])


def test_engine_spills_every_twin_and_python_only_call(tmp_path):
    plan = _draw(ARRAY_SAFE, 1)
    path = tmp_path / "typed.xlsx"
    cols = _build(path, plan)
    report = recalc(path, today=TODAY, progress=False)
    assert report.left_to_excel == 0, report.left_examples
    _check(_read(openpyxl.load_workbook(path, data_only=True), plan, cols), plan, cols, "engine")
    again = recalc(path, today=TODAY, progress=False)  # the written twins evaluate again, the same
    assert again.left_to_excel == 0, again.left_examples
    _check(_read(openpyxl.load_workbook(path, data_only=True), plan, cols), plan, cols, "engine, 2nd recalc")


def test_python_only_calls_over_ranges_keep_the_call(tmp_path):
    path = tmp_path / "diag.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    data = [(4378, 20, 130, 2), (40, 1, 1, 0), (300, 4, 2, 0), (None, 3, 3, 0)]
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            ws.cell(i + 1, j + 1, v)
    ws["F1"] = "=FUNNEL_DIAG(A1:A4,B1:B4,C1:C4,D1:D4)"
    wb.save(path)
    assert recalc(path, today=TODAY, progress=False).left_to_excel == 0
    want = core.funnel_diag(*(np.array(c, dtype=object) for c in zip(*data)))
    got = openpyxl.load_workbook(path, data_only=True)["T"]
    assert [got[f"F{i}"].value or None for i in range(1, 5)] == list(want)
    formula = openpyxl.load_workbook(path)["T"]["F1"].value
    assert isinstance(formula, ArrayFormula) and formula.text.startswith("=FUNNEL_DIAG(")


@pytest.mark.libreoffice
def test_libreoffice_shows_the_spilled_twins(tmp_path):
    from tests.compat._lo import convert, error_texts, soffice_or_skip

    soffice = soffice_or_skip()
    plan = _draw(ARRAY_SAFE, 2)
    path = tmp_path / "typed.xlsx"
    cols = _build(path, plan)
    assert recalc(path, today=TODAY, progress=False).left_to_excel == 0
    out = convert(soffice, path, tmp_path / "lo", "xlsx", tmp_path / "profile")
    _check(_read(openpyxl.load_workbook(out / "typed.xlsx", data_only=True), plan, cols), plan, cols, "LibreOffice")
    # error cells only where the core answers an error (NEXT_FOLLOWUP of an unknown class …)
    errors = error_texts(soffice, path, tmp_path / "csv")
    expected_errors = sum(
        2 for name, rows in plan.items() for w in _expected(name, rows) if isinstance(w, str) and w.startswith("#")
    )
    assert len(errors) == expected_errors, errors[:10]
    # LibreOffice's own save is read back: recalc evaluates its array formulas again, the same
    saved = out / "typed.xlsx"
    report = recalc(saved, today=TODAY, progress=False)
    assert report.left_to_excel == 0, report.left_examples
    _check(_read(openpyxl.load_workbook(saved, data_only=True), plan, cols), plan, cols, "after a LibreOffice save")
