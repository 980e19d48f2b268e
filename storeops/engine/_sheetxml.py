"""Byte-level editing of worksheet XML: find formula cells, write cached values,
append formula cells to rows a person added below a table."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..xlsx._cells import col_index, col_letters, escape, unescape

#: a formula cell: col, row, attrs, <f…>, cached value part
FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"((?: [\w:]+="[^"]*")*)>(<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)'
    rb'((?:<v>[^<]*</v>|<v/>|<is>.*?</is>)?)</c>', re.S)
_F_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_T_ATTR = re.compile(rb' t="\w+"')


@dataclass
class FormulaCells:
    """The formula cells of one sheet, in document order, plus the text between them.

    ``raw[i]`` is the escaped formula text of a plain ``<f>`` cell (``None`` for shared,
    array or data-table formulas, whose text is in ``texts[i]`` when known).
    """

    pieces: list[bytes]
    cols: list[bytes]
    rows: np.ndarray
    attrs: list[bytes]
    fs: list[bytes]
    vals: list[bytes]
    raw: list[bytes | None]
    texts: dict[int, str | None]

    def __len__(self) -> int:
        return len(self.cols)

    def text(self, i: int) -> str | None:
        r = self.raw[i]
        if r is None:
            return self.texts.get(i)
        return unescape(r) if b"&" in r or b"_x" in r else r.decode("utf-8")


def split_formulas(xml: bytes) -> FormulaCells:
    parts = FORMULA_CELL.split(xml)
    cols, rows, attrs, fs, vals = parts[1::6], parts[2::6], parts[3::6], parts[4::6], parts[5::6]
    rows_arr = np.array(rows, dtype="S").astype(np.int64) if rows else np.empty(0, np.int64)
    raw: list[bytes | None] = [f[3:-4] if f[:3] == b"<f>" else None for f in fs]
    texts: dict[int, str | None] = {}
    shared: dict[bytes, tuple[str, int, int]] = {}
    pending = []
    for i in [i for i, r in enumerate(raw) if r is None]:
        f = fs[i]
        head_end = f.index(b">")
        head = f[2:head_end].rstrip(b"/")
        at = dict(_F_ATTR.findall(head))
        body = f[head_end + 1:-4] if not f.endswith(b"/>") else b""
        kind = at.get(b"t", b"normal")
        if kind == b"shared":
            si = at.get(b"si", b"")
            if body:
                text = unescape(body)
                shared[si] = (text, int(rows_arr[i]), col_index(cols[i]))
                texts[i] = text
            else:
                texts[i] = None
                pending.append((i, si))
        elif kind in (b"normal", b"array") and body:
            texts[i] = unescape(body)
        else:
            texts[i] = None  # data tables and the like: left to Excel
    if pending:
        from ._formula import row_template, shift_formula

        templates: dict[bytes, tuple[str, tuple[int, ...]]] = {}
        for i, si in pending:
            master = shared.get(si)
            if master is None:
                continue
            text, mrow, mcol = master
            dcol = col_index(cols[i]) - mcol
            try:
                if dcol == 0:
                    tpl = templates.get(si)
                    if tpl is None:
                        tpl = templates[si] = row_template(text, mrow)
                    r = int(rows_arr[i])
                    texts[i] = tpl[0] % tuple(r + o for o in tpl[1])
                else:
                    texts[i] = shift_formula(text, int(rows_arr[i]) - mrow, dcol)
            except ValueError:
                continue
    return FormulaCells(parts[0::6], cols, rows_arr, attrs, fs, vals, raw, texts)


def join_formulas(fc: FormulaCells, new_cells: list[bytes | None]) -> bytes:
    """Rebuild the sheet XML; ``None`` keeps a cell exactly as it was."""
    return b"".join(iter_formulas(fc, new_cells, chunk=1 << 62))


def iter_formulas(fc: FormulaCells, new_cells: list[bytes | None], chunk: int = 20_000):
    """The rebuilt sheet XML as a stream of pieces of about ``chunk`` formula cells each
    (for :func:`storeops.xlsx._zipwrite.deflate`, so the whole sheet is never held twice)."""
    for i, nc in enumerate(new_cells):
        if nc is None:
            new_cells[i] = b'<c r="%s%d"%s>%s%s</c>' % (fc.cols[i], fc.rows[i], fc.attrs[i], fc.fs[i], fc.vals[i])
    n = len(new_cells)
    pieces = fc.pieces
    for lo in range(0, max(n, 1), chunk):
        hi = min(n, lo + chunk)
        out: list[bytes] = [b""] * (2 * (hi - lo) + 1)
        out[0::2] = pieces[lo:hi + 1]
        out[1::2] = new_cells[lo:hi]
        if hi < n:
            out.pop()  # the piece after the last cell of this chunk starts the next chunk
        yield b"".join(out)


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
    body = xml[cs:end - len(b"</row>")] if xml[end - 6:end] == b"</row>" else b""
    return [(col_index(m.group(1)), m.group(0)) for m in _CELL_ANY.finditer(body)]


def has_value(cell: bytes) -> bool:
    return b"<v>" in cell and b"<v></v>" not in cell or b"<is>" in cell or b"<f" in cell


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


def formula_cell(col: int, row: int, style: bytes, formula: str) -> bytes:
    return b'<c r="%s%d"%s><f>%s</f></c>' % (col_letters(col).encode(), row, style, escape(formula).encode("utf-8"))
