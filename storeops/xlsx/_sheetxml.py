"""Byte-level editing of worksheet XML: whole formula cells (located by
:func:`storeops.xlsx._scan.scan_sheet`), and formula cells appended to rows a person
added below a table."""

from __future__ import annotations

import re

import numpy as np

from ._cells import col_index, col_letters, escape
from ._scan import F_CEND, F_CSTART, F_TAGC, F_VE, F_VS

_R_ATTR = re.compile(rb"""\s+r\s*=\s*("[^"]*"|'[^']*')""")


def cell_attrs(xml: bytes, F: np.ndarray, i: int) -> bytes:
    """The attributes of formula cell ``F[i]``'s ``<c>`` tag other than ``r`` (with their spaces)."""
    return _R_ATTR.sub(b"", xml[int(F[i, F_CSTART]) + 2 : int(F[i, F_TAGC])])


def cell_value(xml: bytes, F: np.ndarray, i: int) -> bytes:
    """The ``<v>``/``<is>`` element of formula cell ``F[i]`` (b"" when it has none)."""
    vs = int(F[i, F_VS])
    return xml[vs : int(F[i, F_VE])] if vs >= 0 else b""


def replace_cells(xml: bytes, F: np.ndarray, new: dict[int, bytes]) -> bytes:
    """The sheet XML with whole formula cells ``F[i]`` replaced by ``new[i]``."""
    out, prev = [], 0
    for i in sorted(new):
        out.append(xml[prev : int(F[i, F_CSTART])])
        out.append(new[i])
        prev = int(F[i, F_CEND])
    out.append(xml[prev:])
    return b"".join(out)


# --------------------------------------------------------------------------- rows below tables
_ROW_OPEN = re.compile(rb'<row r="(\d+)"[^>]*?(/>|>)')
_CELL_ANY = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"((?: [\w:]+="[^"]*")*)\s*(/>|>.*?</c>)', re.S)


def row_span(xml: bytes, r: int, start: int = 0) -> tuple[int, int, int] | None:
    """(row_start, content_start, row_end) of ``<row r="r">`` or None."""
    i = xml.find(b'<row r="%d"' % r, start)
    if i < 0:
        return None
    m = _ROW_OPEN.match(xml, i)
    if not m:
        return None
    if m.group(2) == b"/>":
        return i, m.end(), m.end()
    j = xml.find(b"</row>", m.end())
    return i, m.end(), j + len(b"</row>")


def row_cells(xml: bytes, span: tuple[int, int, int]) -> list[tuple[int, bytes]]:
    i, cs, end = span
    body = xml[cs : end - len(b"</row>")] if xml[end - 6 : end] == b"</row>" else b""
    return [(col_index(m.group(1)), m.group(0)) for m in _CELL_ANY.finditer(body)]


def has_value(cell: bytes) -> bool:
    return b"<v>" in cell and b"<v></v>" not in cell or b"<is>" in cell or b"<f" in cell


def rows_below(xml: bytes, c1: int, c2: int, last_row: int) -> list[int]:
    """Rows a person typed directly below a table: the consecutive rows after ``last_row``
    with a value in one of the table's columns ``c1..c2`` (1-based).

    The one rule for "rows below a table": ``recalc`` turns them into table rows, and every
    reader (``merge``, ``check``, ``review``, ``import``) counts them as rows already.
    """
    out: list[int] = []
    r = last_row + 1
    pos = max(xml.rfind(b'<row r="%d"' % last_row), 0)  # the table's last row, searched from the end
    while True:
        span = row_span(xml, r, pos)
        if span is None:
            break
        if not any(c1 <= c <= c2 and has_value(cx) for c, cx in row_cells(xml, span)):
            break
        out.append(r)
        pos = span[0]
        r += 1
    return out


def add_row_cells(xml: bytes, r: int, new: dict[int, bytes]) -> bytes:
    """Insert cells (column → cell XML) into row ``r`` (kept in column order; an existing
    cell in that column is kept)."""
    span = row_span(xml, r)
    if span is None:
        return xml
    i, cs, end = span
    cells = dict(row_cells(xml, span))
    for c, cx in new.items():
        cells.setdefault(c, cx)
    body = b"".join(cells[c] for c in sorted(cells))
    head = xml[i:cs]
    if head.endswith(b"/>"):
        head = head[:-2] + b">"
    head = re.sub(rb' spans="[^"]*"', b"", head)
    return xml[:i] + head + body + b"</row>" + xml[end:]


#: a formula element as a table's first data row holds it: plain, or a shared formula's first
#: cell (the builder writes a column's formula once, Excel a filled-down one); group 1 is its text
FIRST_FORMULA = rb'<f(?: t="shared" ref="[A-Z]+\d+:[A-Z]+\d+" si="\d+")?>([^<]*)</f>'


def formula_cell(col: int, row: int, style: bytes, formula: str) -> bytes:
    return b'<c r="%s%d"%s><f>%s</f></c>' % (col_letters(col).encode(), row, style, escape(formula).encode("utf-8"))
