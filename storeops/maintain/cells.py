"""Set whole cells in worksheet XML, many rows in one forward pass (no DOM, no full re-parse)."""

from __future__ import annotations

import re

from storeops.errors import StoreOpsError
from storeops.xlsx._cells import col_index, col_letters, escape

__all__ = ["set_cells", "text_cell"]

_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"(?: [^>]*?)?(?:/>|>.*?</c>)', re.S)
_ROW_OPEN = re.compile(rb'<row r="(\d+)"[^>]*?(/?)>')


def text_cell(col: int, row: int, style: bytes, text: str) -> bytes:
    """An inline-string cell: text stays text whatever it starts with."""
    sp = b' xml:space="preserve"' if text != text.strip() else b""
    return b'<c r="%s%d"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (
        col_letters(col).encode(),
        row,
        style,
        sp,
        escape(text).encode("utf-8"),
    )


def _row_open(xml: bytes, pos: int = 0) -> re.Match[bytes]:
    """The ``<row …>`` tag at ``pos`` (where the caller found ``<row r="``)."""
    m = _ROW_OPEN.match(xml, pos)
    if m is None:
        raise StoreOpsError(f"工作表 XML 损坏 / malformed worksheet XML: no <row> tag at byte {pos}")
    return m


def _merge_row(row_xml: bytes, new: dict[int, bytes]) -> bytes:
    m = _row_open(row_xml)
    head = re.sub(rb' spans="[^"]*"', b"", row_xml[: m.end()])
    if m.group(2) == b"/":
        head, body = head[:-2] + b">", b""
    else:
        body = row_xml[m.end() : -len(b"</row>")]
    cells = {col_index(c.group(1).decode()): c.group(0) for c in _CELL.finditer(body)}
    cells.update(new)
    return head + b"".join(cells[c] for c in sorted(cells)) + b"</row>"


def set_cells(xml: bytes, cells: dict[int, dict[int, bytes]]) -> bytes:
    """The sheet XML with ``cells[row][col]`` (whole ``<c>`` elements) put in place:
    an existing cell in that place is replaced, a missing one inserted in column order, a
    missing row created in row order."""
    if not cells:
        return xml
    out: list[bytes] = []
    pos = 0
    sd = xml.find(b"<sheetData")
    scan = xml.find(b">", sd) + 1 if sd >= 0 else 0
    if xml[scan - 2 : scan] == b"/>":  # <sheetData/>: open it
        xml = xml[: scan - 2] + b"></sheetData>" + xml[scan:]
        scan -= 1
    end_sd = xml.find(b"</sheetData>")
    for r in sorted(cells):
        i = xml.find(b'<row r="%d"' % r, scan, end_sd)  # the closing quote keeps r="5" from matching r="50"
        if i >= 0:
            m = _row_open(xml, i)
            j = m.end() if m.group(2) == b"/" else xml.find(b"</row>", m.end()) + len(b"</row>")
            out.append(xml[pos:i])
            out.append(_merge_row(xml[i:j], cells[r]))
            pos = scan = j
            continue
        # no such row: insert it before the first row with a greater number
        insert_at = end_sd
        for mm in _ROW_OPEN.finditer(xml, scan, end_sd):
            if int(mm.group(1)) > r:
                insert_at = mm.start()
                break
        out.append(xml[pos:insert_at])
        out.append(b'<row r="%d">' % r + b"".join(cells[r][c] for c in sorted(cells[r])) + b"</row>")
        pos = scan = insert_at
    out.append(xml[pos:])
    return b"".join(out)
