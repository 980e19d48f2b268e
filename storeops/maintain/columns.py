"""Migrate an older workbook in place: columns a newer template added at the right end of a
table are added to the file's table (header, formula cells, width), nothing else moves.

Columns are only ever appended at the right of a table (``schema.FOLLOW``'s buyer ID and
sync mark, issue 10), so an older file is brought up to date by widening the table:
no existing cell, formula or reference changes.  A table whose layout differs in any
other way is left alone (``merge`` refuses such a file with a clear message).
"""

from __future__ import annotations

import re

from lxml import etree

from storeops.errors import StoreOpsError
from storeops.workbook import schema
from storeops.workbook.formulas import column_formula, structured_ref
from storeops.xlsx._cells import col_letters, escape
from storeops.xlsx._package import TableColumn, TableInfo
from storeops.xlsx._tables import set_table_ref

from .cells import set_cells, text_cell

__all__ = ["add_missing_columns", "missing_columns", "row_formula_at"]

_M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_KEY = re.compile(r"\{(\w+)\}")
_TABLE_COL = re.compile(r"\[(tbl\w+)\.(\w+)\]")
_STYLE = re.compile(rb'<c r="[A-Z]+\d+"[^>]*?( s="\d+")')


def _norm(h: str) -> str:
    return " ".join(str(h).split())


def missing_columns(t: TableInfo, spec: schema.Table) -> list[schema.Col] | None:
    """Schema columns the file's table lacks: ``[]`` when up to date, ``None`` when the
    layout is not an older version of ``spec`` (something other than trailing columns differs)."""
    have = [_norm(c.name) for c in t.columns]
    headers = [_norm(c.header) for c in spec.columns]
    k = len(have)
    return list(spec.columns[k:]) if have == headers[:k] else None


def row_formula_at(template: str, letters: dict[str, str], row: int) -> str:
    """A column template rendered for one row of a table whose columns sit at ``letters``
    (key → column letter): the same text the builder writes, for any table position."""
    text = _TABLE_COL.sub(lambda m: structured_ref(m.group(1), m.group(2)), template)
    return _KEY.sub(lambda m: f"{letters[m.group(1)]}{row}", text)


def _cell_style(xml: bytes, col: int, row: int) -> bytes:
    ref = b'<c r="%s%d"' % (col_letters(col).encode(), row)
    i = xml.find(ref)
    if i < 0:
        return b""
    m = _STYLE.match(xml, i)
    return m.group(1) if m else b""


def _widen_cols(xml: bytes, cols: list[tuple[int, schema.Col]]) -> bytes:
    i, j = xml.find(b"<cols>"), xml.find(b"</cols>")
    if i < 0 or j < 0:
        return xml
    covered = [(int(a), int(b)) for a, b in re.findall(rb'<col min="(\d+)" max="(\d+)"', xml[i:j])]
    add = b""
    for c, spec in cols:
        if any(a <= c <= b for a, b in covered):
            continue
        add += b'<col min="%d" max="%d" width="%s" customWidth="1"%s/>' % (
            c,
            c,
            repr(float(spec.width + 0.71)).encode(),
            b' hidden="1"' if spec.hidden else b"",
        )
    return xml[:j] + add + xml[j:]


def add_missing_columns(view, t: TableInfo, spec: schema.Table) -> list[str]:
    """Append the trailing schema columns the table at ``t`` lacks (in ``view.parts``).

    Returns the keys added (``[]`` when nothing was missing or the layout is unknown)."""
    missing = missing_columns(t, spec)
    if not missing:
        return []
    c1, r1, c2, r2 = t.bounds
    sheet_path = view.sheet(t.sheet).path
    xml = view.read(sheet_path)
    # the cells the new columns would take must be empty
    for c in range(c2 + 1, c2 + 1 + len(missing)):
        if re.search(rb'<c r="%s(\d+)"[^>]*?>(?:<f|<v|<is)' % col_letters(c).encode(), xml):
            return []
    new_cols = [(c2 + 1 + i, col) for i, col in enumerate(missing)]
    letters = {col.key: col_letters(c1 + j) for j, col in enumerate(spec.columns)}
    first = r1 + t.header_rows
    kind_of = {_norm(col.header): col.kind for col in spec.columns}
    style_src: dict[str, int] = {}
    for j, tc in enumerate(t.columns):
        style_src[kind_of.get(_norm(tc.name), "input")] = c1 + j
    header_style = _cell_style(xml, c2, r1)
    cells: dict[int, dict[int, bytes]] = {r1: {}}
    for c, col in new_cols:
        cells[r1][c] = text_cell(c, r1, header_style, col.header)
        src = style_src.get(col.kind, c2)
        style = _cell_style(xml, src, first)
        for r in range(first, r2 - t.totals_rows + 1):
            if col.formula:
                f = row_formula_at(col.formula, letters, r)
                cx = b'<c r="%s%d"%s><f>%s</f></c>' % (col_letters(c).encode(), r, style, escape(f).encode("utf-8"))
            elif style:
                cx = b'<c r="%s%d"%s/>' % (col_letters(c).encode(), r, style)
            else:
                continue
            cells.setdefault(r, {})[c] = cx
    xml = _widen_cols(set_cells(xml, cells), new_cols)
    new_c2 = c2 + len(missing)
    dim = re.search(rb'<dimension ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', xml)
    if dim:
        from storeops.xlsx._cells import col_index

        if col_index(dim.group(3).decode()) < new_c2:
            xml = xml[: dim.start(3)] + col_letters(new_c2).encode() + xml[dim.end(3) :]
    view.parts[sheet_path] = xml
    # the table part: new tableColumns, wider ref and autoFilter
    root = etree.fromstring(view.read(t.path))
    tcs = root.find(f"{{{_M}}}tableColumns")
    if tcs is None:
        raise StoreOpsError(f"表格 {t.name} 没有列定义 / table {t.name} has no <tableColumns> in {t.path}")
    next_id = max([int(e.get("id", "0")) for e in tcs] + [0]) + 1
    for i, (_, col) in enumerate(new_cols):
        el = etree.SubElement(tcs, f"{{{_M}}}tableColumn", id=str(next_id + i), name=col.header)
        if col.formula:
            etree.SubElement(el, f"{{{_M}}}calculatedColumnFormula").text = column_formula(spec, col.key)
    tcs.set("count", str(len(tcs)))
    new_ref = f"{col_letters(c1)}{r1}:{col_letters(new_c2)}{r2}"
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    view.parts[t.path] = set_table_ref(data, new_ref)
    t.ref = new_ref
    t.columns.extend(
        TableColumn(col.header, column_formula(spec, col.key) if col.formula else None) for _, col in new_cols
    )
    return [col.key for _, col in new_cols]
