"""The builder holds big tables without a formula string or an overlap record per cell,
and writes the bytes it wrote before."""

from __future__ import annotations

import pytest
import xlsxwriter

from storeops.workbook import build as B


def _sheet_bytes(tmp_path, fast: bool) -> bytes:
    import zipfile

    path = tmp_path / f"f{fast}.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    fmt = wb.add_format({"num_format": "0.00"})
    if fast:
        B._write_formulas(ws, 'IF(A{r}="","",A{r}*2&"<&>")', 1, 400, 1, fmt)
    else:
        for r in range(1, 400):
            ws.write_formula(r, 1, f'IF(A{r + 1}="","",A{r + 1}*2&"<&>")', fmt, "")
    wb.close()
    return zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")


def _as_shared(xml: bytes) -> bytes:
    """``write_formula``'s cells of column B as one shared formula: the text in the first."""
    import re

    def one(m: re.Match) -> bytes:
        head = b'<c r="B%s"%s>' % (m.group(1), m.group(2))
        if m.group(1) == b"2":
            return head + b'<f t="shared" ref="B2:B400" si="0">%s</f>' % m.group(3)
        return head + b'<f t="shared" si="0"/>'

    return re.sub(rb'<c r="B(\d+)"([^>]*)><f>([^<]*)</f>', one, xml)


@pytest.mark.parametrize("share", [False, True])
def test_row_formulas_write_what_write_formula_writes(tmp_path, monkeypatch, share):
    if not share:
        monkeypatch.setattr(B, "shareable", lambda template: False)
    fast, slow = _sheet_bytes(tmp_path, True), _sheet_bytes(tmp_path, False)
    if share:
        assert b't="shared"' in fast
        slow = _as_shared(slow)
    assert fast == slow


def test_row_formulas_hold_no_formula_text(tmp_path):
    wb = xlsxwriter.Workbook(tmp_path / "t.xlsx")
    ws = wb.add_worksheet()
    B._write_formulas(ws, "A{r}+1", 1, 100, 1, None)
    B._write_formulas(ws, "CTR(A{r},1)", 1, 100, 2, None)  # a StoreOps function: not shared
    first, cell, plain = ws.table[1][1], ws.table[5][1], ws.table[5][2]
    for c in (first, cell, plain):
        assert type(c).__name__ == "Formula" and not hasattr(c, "__dict__")
    assert (first.formula, first.formula.head) == ("A2+1", '<f t="shared" ref="B2:B100" si="0">')
    assert (cell.formula, cell.formula.head) == ("", '<f t="shared" si="0"/>')
    assert plain.formula == "CTR(A6,1)"
    wb.close()


def test_tables_of_a_sheet_may_not_overlap(tmp_path):
    wb = xlsxwriter.Workbook(tmp_path / "t.xlsx")
    ws = wb.add_worksheet()
    ws.add_table(0, 0, 10, 3, {"name": "T1"})
    B._forget_table_cells(ws, "T1", (0, 0, 10, 3))
    assert not ws.table_cells  # the per-cell record let go
    B._forget_table_cells(ws, "T2", (0, 5, 10, 6))  # beside it: fine
    with pytest.raises(ValueError, match="T3"):
        B._forget_table_cells(ws, "T3", (10, 3, 12, 4))  # shares the cell D11
    wb.close()
