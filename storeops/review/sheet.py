"""Write the review into the workbook as the sheet ``周复盘 Review`` (XML level).

The sheet is added at the end of the workbook (or its part replaced when it already
exists).  Only three package parts change besides the sheet itself — ``xl/workbook.xml``
(one ``<sheet>``), its ``.rels`` (one relationship) and ``[Content_Types].xml`` (one
override) — and only when the sheet is new; every other member (VBA project, ribbon,
styles, tables, charts) is copied byte for byte.  Text is written as inline strings, so no
text can ever become a formula.  The write is atomic (temporary file + rename).
"""

from __future__ import annotations

import datetime as _dt
import math
import posixpath
from collections.abc import Iterable
from typing import Any

import pandas as pd
from lxml import etree

from storeops.workbook.schema import S_REVIEW

from .compute import Review

__all__ = ["copy_review_sheet", "review_rows", "write_review_sheet"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_WS_TYPE = _REL + "/worksheet"
_WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_PERCENT = {"及时回复率 Timely rate", "销售进度 Sales pace"}


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_value(v: Any, col: str) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if col in _PERCENT and isinstance(v, (int, float)):
        return f"{float(v):.0%}"
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.strftime("%Y-%m-%d")
    if hasattr(v, "item"):
        v = v.item()
    return v


def review_rows(review: Review) -> list[list[Any]]:
    """The sheet's content as rows of plain values (text, numbers, ``None``)."""
    rows: list[list[Any]] = [
        [review.title],
        [f"统计日期 As of {review.as_of:%Y-%m-%d}  ·  由 storeops review 生成 / written by storeops review"],
        [],
    ]

    def block(title: str, df: pd.DataFrame) -> None:
        rows.append([title])
        if df.empty:
            rows.append(["无 / none"])
        else:
            rows.append(list(df.columns))
            for _, r in df.iterrows():
                rows.append([_cell_value(r[c], c) for c in df.columns])
        rows.append([])

    block("业务员 Per salesperson", review.people)
    block("团队 Per team", review.teams)
    block(f"类别变化 Class moves (D→C→B→A) — {len(review.moves)}", review.moves)
    block(f"逾期跟进 Overdue follow-ups — {len(review.overdue)}", review.overdue)
    return rows


def _sheet_xml(rows: Iterable[list[Any]]) -> bytes:
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="22" customWidth="1"/>'
        '<col min="2" max="40" width="13" customWidth="1"/></cols><sheetData>'
    ]
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            if v is None:
                continue
            ref = f"{_col(c)}{r}"
            if isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)) and math.isfinite(v):
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_esc(str(v))}</t></is></c>')
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append(
        '</sheetData><pageMargins left="0.5" right="0.5" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
        '<pageSetup orientation="landscape" fitToWidth="1"/></worksheet>'
    )
    return "".join(out).encode("utf-8")


def write_review_sheet(path: str, review: Review, sheet_name: str = S_REVIEW) -> None:
    """Add or replace the review sheet in the workbook at ``path`` (atomically)."""
    from storeops.xlsx import write_package
    from storeops.xlsx._package import open_package

    data = _sheet_xml(review_rows(review))
    with open_package(path) as pkg:
        write_package(pkg, _sheet_parts(pkg, sheet_name, data))


def copy_review_sheet(src: Any, dst: str, sheet_name: str = S_REVIEW) -> bool:
    """Copy the review sheet of the open package ``src`` (its values, as last written or saved)
    into the workbook at ``dst``, atomically: ``storeops migrate`` keeps the last review of a
    workbook it builds anew.  ``False`` when ``src`` has no such sheet."""
    from storeops.xlsx import write_package
    from storeops.xlsx._cells import XLErr, col_index, read_columns
    from storeops.xlsx._package import open_package

    sheet = next((s for s in src.sheets if s.name == sheet_name), None)
    if sheet is None:
        return False
    cells: dict[int, dict[int, Any]] = {}
    for letters, cc in read_columns(src.read(sheet.path), src.shared_strings, frozenset(), None).items():
        values = cc.values if cc.values is not None else cc.nums
        for r, v in zip(cc.rows.tolist(), values.tolist() if hasattr(values, "tolist") else values):
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            cells.setdefault(r, {})[col_index(letters) - 1] = str(v) if isinstance(v, XLErr) else v
    rows = []
    for r in range(1, max(cells, default=0) + 1):
        row = cells.get(r, {})
        rows.append([row.get(c) for c in range(max(row, default=-1) + 1)])
    with open_package(dst) as pkg:
        write_package(pkg, _sheet_parts(pkg, sheet_name, _sheet_xml(rows)))
    return True


def _sheet_parts(pkg: Any, sheet_name: str, data: bytes) -> dict[str, bytes]:
    """The members that add (or replace) the sheet ``sheet_name`` with the XML ``data``."""
    from storeops.xlsx._package import rels_of

    existing = next((s for s in pkg.sheets if s.name == sheet_name), None)
    if existing is not None:
        return {existing.path: data}
    replace: dict[str, bytes] = {}
    names = {i.filename for i in pkg.infos}
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in names:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"
    wb_path = pkg.workbook_path
    wb = pkg.xml(wb_path)
    rels_path = rels_of(wb_path)
    rels = pkg.xml(rels_path)
    ids = {r.get("Id") for r in rels}
    k = 1
    while f"rId{k}" in ids:
        k += 1
    rid = f"rId{k}"
    target = posixpath.relpath(part, posixpath.dirname(wb_path))
    etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Id=rid, Type=_WS_TYPE, Target=target)
    sheets = wb.find(f"{{{_MAIN}}}sheets")
    sheet_id = max([int(s.get("sheetId", "0")) for s in sheets] + [0]) + 1
    el = etree.SubElement(sheets, f"{{{_MAIN}}}sheet", name=sheet_name, sheetId=str(sheet_id))
    el.set(f"{{{_REL}}}id", rid)
    ct = pkg.xml("[Content_Types].xml")
    etree.SubElement(ct, f"{{{_CT}}}Override", PartName="/" + part, ContentType=_WS_CT)
    replace[wb_path] = etree.tostring(wb, xml_declaration=True, encoding="UTF-8", standalone=True)
    replace[rels_path] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    replace["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
    replace[part] = data
    return replace
