"""Rows typed directly below a table become table rows (openpyxl and other writers
append rows without growing the table): the table's range and autoFilter grow and the
new rows get the table's formulas, shifted to their row, with the first row's style."""

from __future__ import annotations

import re

from ..xlsx import _cells
from ..xlsx._edit import PackageEdit
from ..xlsx._sheetxml import FIRST_FORMULA, add_row_cells, formula_cell, row_cells, row_span, rows_below
from ._formula import FormulaError, shift_formula

_FIRST_FORMULA = re.compile(rb'<c r="[A-Z]+\d+"((?: [\w:]+="[^"]*")*)\s*>(' + FIRST_FORMULA + rb")")
_STYLE = re.compile(rb' s="\d+"')


def extend_tables(edit: PackageEdit, sheet_name: str, xml: bytes, rows_added: dict[str, int]) -> bytes:
    """The sheet XML with the rows below its tables taken into them; table parts are
    resized through ``edit`` and ``rows_added`` counts the new rows per table."""
    for t in list(edit.pkg.tables.values()):
        if t.sheet != sheet_name or t.totals_rows:
            continue
        c1, r1, c2, r2 = t.bounds
        new_rows = rows_below(xml, c1, c2, r2)
        if not new_rows:
            continue
        first_data = r1 + t.header_rows
        tmpl = _column_formulas(xml, t, c1, c2, first_data)
        for r in new_rows:
            new = {}
            for c, (style, text, base) in tmpl.items():
                try:
                    f = shift_formula(text, r - base) if base > 0 else text
                except (FormulaError, ValueError):
                    continue
                new[c] = formula_cell(c, r, style, f.lstrip("="))
            xml = add_row_cells(xml, r, new)
        edit.set_table_ref(t, f"{_cells.col_letters(c1)}{r1}:{_cells.col_letters(c2)}{new_rows[-1]}")
        rows_added[t.name] = len(new_rows)
    return xml


def _column_formulas(xml: bytes, t, c1: int, c2: int, first_data: int) -> dict[int, tuple[bytes, str, int]]:
    """Column → (style attribute, formula, its row; -1 for a table's calculated-column
    formula): from the first data row, else the table's ``calculatedColumnFormula``."""
    tmpl: dict[int, tuple[bytes, str, int]] = {}
    span = row_span(xml, first_data)
    if span is not None:
        for c, cx in row_cells(xml, span):
            m = _FIRST_FORMULA.match(cx)
            if m and c1 <= c <= c2:
                style = _STYLE.search(m.group(1))
                tmpl[c] = (style.group(0) if style else b"", _cells.unescape(m.group(3)), first_data)
    for j, col in enumerate(t.columns):
        c = c1 + j
        if c not in tmpl and col.formula:
            tmpl[c] = (b"", col.formula, -1)
    return tmpl
