"""Plain report sheets (the weekly review, the merge conflicts): written at XML level.

:func:`plain_sheet_xml` turns rows of plain values into a worksheet part (text as inline
strings, so no text ever becomes a formula); :func:`put_sheet` adds that part at the end of
the workbook, or replaces the part of the sheet with that name.  Only three package parts
change besides the sheet itself — ``xl/workbook.xml`` (one ``<sheet>``), its ``.rels`` (one
relationship) and ``[Content_Types].xml`` (one override) — and only when the sheet is new;
every other member (VBA project, ribbon, styles, tables, charts) is kept byte for byte.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Iterable
from typing import Any

from lxml import etree

from ._cells import col_letters
from ._package import bad_file, rels_of

__all__ = ["plain_sheet_xml", "put_sheet"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_WS_TYPE = _REL + "/worksheet"
_WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _esc(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_row(r: int, row: Iterable[Any]) -> bytes:
    """One ``<row>`` of plain values (``None`` = no cell); b"" when the row is empty."""
    cells = []
    for c, v in enumerate(row):
        if v is None:
            continue
        ref = f"{col_letters(c + 1)}{r}"
        if isinstance(v, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, (int, float)) and math.isfinite(v):
            cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(str(v))}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'.encode() if cells else b""


def plain_sheet_xml(
    rows: Iterable[Iterable[Any]], *, first_width: float = 22, width: float = 13, columns: int = 40
) -> bytes:
    """A worksheet part holding ``rows`` from A1 down."""
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="{first_width:g}" customWidth="1"/>'
        f'<col min="2" max="{columns}" width="{width:g}" customWidth="1"/></cols><sheetData>'.encode()
    ]
    for r, row in enumerate(rows, start=1):
        out.append(plain_row(r, row))
    out.append(
        b'</sheetData><pageMargins left="0.5" right="0.5" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
        b'<pageSetup orientation="landscape" fitToWidth="1"/></worksheet>'
    )
    return b"".join(out)


def put_sheet(pkg: Any, sheet_name: str, data: bytes, replace: dict[str, Any]) -> str:
    """Put worksheet part ``data`` as sheet ``sheet_name`` (in ``replace``: member → bytes);
    returns the sheet's member path."""
    existing = next((s for s in pkg.sheets if s.name == sheet_name), None)
    if existing is not None:
        replace[existing.path] = data
        return existing.path
    names = {i.filename for i in pkg.infos} | set(replace)
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in names:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"
    wb_path = pkg.workbook_path
    rels_path = rels_of(wb_path)

    def tree(member: str) -> etree._Element:
        return etree.fromstring(replace[member]) if member in replace else pkg.xml(member)

    wb, rels, ct = tree(wb_path), tree(rels_path), tree("[Content_Types].xml")
    ids = {r.get("Id") for r in rels}
    k = 1
    while f"rId{k}" in ids:
        k += 1
    rid = f"rId{k}"
    target = posixpath.relpath(part, posixpath.dirname(wb_path))
    etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Id=rid, Type=_WS_TYPE, Target=target)
    sheets = wb.find(f"{{{_MAIN}}}sheets")
    if sheets is None:  # open_package refuses such a workbook
        raise bad_file(pkg.path, "工作簿没有工作表", "the workbook has no sheets")
    sheet_id = max([int(s.get("sheetId", "0")) for s in sheets] + [0]) + 1
    el = etree.SubElement(sheets, f"{{{_MAIN}}}sheet", name=sheet_name, sheetId=str(sheet_id))
    el.set(f"{{{_REL}}}id", rid)
    etree.SubElement(ct, f"{{{_CT}}}Override", PartName="/" + part, ContentType=_WS_CT)
    for member, root in ((wb_path, wb), (rels_path, rels), ("[Content_Types].xml", ct)):
        replace[member] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    replace[part] = data
    return part
