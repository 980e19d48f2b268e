"""Read an exported file into a grid of cells (list of rows), whatever its format, within limits.

Formats are told by their bytes, never by the file name:

* real BIFF8 ``.xls`` (OLE2 signature; xlrd) — the Data Manager's own files;
* ``.xlsx`` (zip signature; the first sheet through the validated package reader of
  :mod:`storeops.xlsx`: every XML part is checked before it is read, zip bombs and sheets
  with stray far-away cells are refused);
* an HTML table saved as ``.xls`` (some back offices export that);
* CSV or tab-separated text in UTF-8, UTF-8 with BOM, UTF-16 (with or without BOM, as
  Excel's "Unicode text" and many Windows tools write it) or GBK/GB18030.

Cells are stripped texts, numbers, ``datetime`` (Excel date cells) or ``""`` for blanks
(spreadsheet error cells such as ``#N/A`` too).  A file that is not one of these, or is cut
short, raises a one-line bilingual :class:`~storeops.errors.StoreOpsError`.
``Grid.truncated_row`` is the 1-based row number of a last CSV row cut off mid-way (the file
ends without a line break and the row is shorter than the rows before it), so the caller can
reject that row instead of importing half of it.

Whatever a file holds, memory follows its real content (issue 15): files above
:data:`MAX_FILE_BYTES` are refused before they are parsed, and so are files of more than
:data:`MAX_CELLS` cells; columns beyond :data:`MAX_COLUMNS` are ignored (with a note); a
cell longer than Excel's 32,767 characters is cut (with a note); CSV fields of any length
up to the file's size are read; a stray quote in a CSV that would swallow the following
lines into one cell is reported as a rejected row (``Grid.rejected``) and those lines are
read one by one; a damaged ``.xls`` is one clear line.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storeops.errors import StoreOpsError, io_error
from storeops.xlsx import MAX_CELL_TEXT

__all__ = ["Grid", "MAX_CELLS", "MAX_COLUMNS", "MAX_FILE_BYTES", "decode_text", "read_grid"]

#: Largest export file read (a 200,000-product CSV export is about 40 MB).
MAX_FILE_BYTES = 256 << 20
#: Most cells read from one export (a blank row counts as one).
MAX_CELLS = 20_000_000
#: Columns beyond this one are ignored (the widest export has about 40).
MAX_COLUMNS = 256
#: rows named in one note before "…"
_NAMED_ROWS = 10


@dataclass
class Grid:
    rows: list[list[Any]]
    encoding: str = ""  # for text files: the encoding found
    truncated_row: int | None = None
    notes: list[str] = field(default_factory=list)  # remarks on rows that were read, bilingual
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (1-based row, reason): rows not read


def _bad(name: str, zh: str, en: str) -> StoreOpsError:
    return StoreOpsError(f"{name}: {zh} / {en}")


def _too_many_cells(name: str) -> StoreOpsError:
    return _bad(
        name, f"文件太大（超过 {MAX_CELLS:,} 个单元格）", f"the file is too large (more than {MAX_CELLS:,} cells)"
    )


def _rows_text(rows: list[int]) -> str:
    more = " …" if len(rows) > _NAMED_ROWS else ""
    return ", ".join(str(r) for r in rows[:_NAMED_ROWS]) + more


class _Builder:
    """Collects the rows of a grid: cells cleaned and cut to Excel's limit, columns beyond
    :data:`MAX_COLUMNS` dropped, cells counted against :data:`MAX_CELLS`."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[list[Any]] = []
        self.cells = 0
        self.cut: list[int] = []  # rows with a cell cut to MAX_CELL_TEXT
        self.wide: list[int] = []  # rows with cells beyond MAX_COLUMNS
        self.rejected: list[tuple[int, str]] = []

    def _cell(self, v: Any, row: int) -> Any:
        if isinstance(v, str):
            v = v.strip()
            if len(v) > MAX_CELL_TEXT:
                if not self.cut or self.cut[-1] != row:
                    self.cut.append(row)
                v = v[:MAX_CELL_TEXT]
            return v
        if isinstance(v, float) and math.isnan(v):
            return ""
        return "" if v is None else v

    def add(self, cells: list[Any]) -> None:
        row = len(self.rows) + 1
        if len(cells) > MAX_COLUMNS:
            if any(c not in ("", None) for c in cells[MAX_COLUMNS:]):
                self.wide.append(row)
            cells = cells[:MAX_COLUMNS]
        cleaned = [self._cell(c, row) for c in cells]
        self.cells += max(len(cleaned), 1)
        if self.cells > MAX_CELLS:
            raise _too_many_cells(self.name)
        self.rows.append(cleaned)

    def grid(self, encoding: str = "") -> Grid:
        notes = []
        if self.cut:
            notes.append(
                f"第 {_rows_text(self.cut)} 行有单元格超过 Excel 上限 {MAX_CELL_TEXT} 个字符，已截断 / "
                f"rows {_rows_text(self.cut)}: a cell longer than Excel's limit of {MAX_CELL_TEXT:,} "
                "characters was cut"
            )
        if self.wide:
            notes.append(
                f"第 {_rows_text(self.wide)} 行: 忽略了第 {MAX_COLUMNS} 列之后的内容 / "
                f"rows {_rows_text(self.wide)}: cells beyond column {MAX_COLUMNS} were ignored"
            )
        return Grid(self.rows, encoding, notes=notes, rejected=self.rejected)


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(raw: bytes, name: str = "file") -> tuple[str, str]:
    """(text, encoding) of an exported text file: BOMs first, then UTF-16 by its NUL bytes,
    UTF-8, and GB18030 (a superset of GBK and GB2312).

    >>> decode_text("产品ID".encode("gbk"))
    ('产品ID', 'gb18030')
    >>> decode_text(b"\\xff\\xfe" + "词".encode("utf-16-le"))[0]
    '词'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
        return raw.decode(enc, errors="replace"), enc
    enc16 = _utf16_without_bom(raw)
    if enc16:
        return raw.decode(enc16, errors="replace"), enc16
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise StoreOpsError(
        f"无法识别文件编码: {name} (不是 UTF-8/UTF-16/GBK) / cannot decode {name} (not UTF-8, UTF-16 or GBK)"
    )


def _delimiter(text: str) -> str:
    lines = [ln for ln in text[:20000].splitlines() if ln.strip()][:30]
    best, count = ",", -1
    for d in (",", "\t", ";"):
        n = sum(ln.count(d) for ln in lines)
        if n > count:
            best, count = d, n
    return best


def _swallowed(fields: list[str], delim: str) -> bool:
    """A field holding line breaks whose later lines look like rows of their own: an
    unbalanced quote ran over them (a real multi-line cell has no delimiters there)."""
    for f in fields:
        if "\n" in f or "\r" in f:
            lines = f.splitlines()[1:]
            if any(line.count(delim) >= 2 for line in lines) or len(lines) > 20:
                return True
    return False


def _read_text(raw: bytes, name: str) -> Grid:
    text, enc = decode_text(raw, name)
    del raw
    if "\x00" in text:
        raise StoreOpsError(f"不是表格文件: {name} / not a spreadsheet or CSV file: {name}")
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") and "<table" in text[:200000].lower():
        return _read_html(text, name, enc)
    delim = _delimiter(text)
    b = _Builder(name)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)  # one cell may be as long as the file (cut to 32,767 below)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        physical: list[str] | None = None
        line = 0
        for fields in reader:
            first, line = line + 1, reader.line_num
            if line > first and _swallowed(fields, delim):
                # the stray quote's row is left out; the lines it swallowed are read one by one
                if physical is None:
                    physical = io.StringIO(text, newline="").readlines()
                at = len(b.rows) + 1
                last = at + line - first
                b.rejected.append(
                    (
                        at,
                        f"引号不配对：第 {at}–{last} 行被读成了一个单元格，已逐行重读，这一行跳过 / "
                        f"unbalanced quote: rows {at}–{last} were read as one cell; they were read again "
                        "line by line and this row was skipped",
                    )
                )
                b.add([])
                for k in range(first + 1, line + 1):
                    b.add(next(csv.reader([physical[k - 1].rstrip("\r\n")], delimiter=delim), []))
                continue
            b.add(fields)
    except csv.Error as exc:
        raise StoreOpsError(f"CSV 格式错误 {name}: {exc} / malformed CSV {name}: {exc}") from None
    finally:
        csv.field_size_limit(old_limit)
    grid = b.grid(enc)
    rows = grid.rows
    if rows and text and not text.endswith(("\n", "\r")):
        widths = [len(r) for r in rows[:-1] if any(c != "" for c in r)]
        if widths and len(rows[-1]) < max(widths):
            grid.truncated_row = len(rows)
    return grid


def _read_html(text: str, name: str, enc: str) -> Grid:
    import lxml.html
    from lxml import etree

    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises several unrelated types for broken markup
        raise StoreOpsError(f"无法读取 HTML 表格 {name} / cannot read the HTML table in {name}: {exc}") from None
    tables = list(doc.iter("table"))
    if not tables:
        raise StoreOpsError(f"文件里没有表格: {name} / no table in {name}")
    b = _Builder(name)
    for tr in max(tables, key=lambda t: sum(1 for _ in t.iter("tr"))).iter("tr"):
        # a cell's text is all the text inside it, as HtmlElement.text_content() gives it
        b.add(
            [
                etree.tostring(td, method="text", encoding="unicode", with_tail=False)
                for td in tr.iterchildren("td", "th")
            ]
        )
    return b.grid(enc)


def _read_xlsx(path: Path) -> Grid:
    """The first sheet, read by the validated package reader (no allocation from a file's
    claimed dimensions: only the cells it holds become rows)."""
    from storeops.xlsx import open_package
    from storeops.xlsx._cells import XLErr, col_index, read_columns

    with open_package(path) as pkg:
        sheet = pkg.sheets[0]
        xml = pkg.read(sheet.path)
        extent = pkg.extent(sheet.path)
        if extent is not None and extent[1] > MAX_CELLS:
            raise _too_many_cells(path.name)
        columns = read_columns(xml, pkg.shared_strings, pkg.date_styles, None, dates_as_datetime=True)
    del xml
    by_row: dict[int, dict[int, Any]] = {}
    for letters, cc in columns.items():
        # cells past MAX_COLUMNS are dropped by the builder; one column of them is enough for its note
        c = min(col_index(letters), MAX_COLUMNS + 1)
        values = cc.values if cc.values is not None else cc.nums
        values = values.tolist() if hasattr(values, "tolist") else values
        for r, v in zip(cc.rows.tolist(), values):
            if isinstance(v, XLErr):
                v = ""
            if c > MAX_COLUMNS and v in ("", None):
                continue
            by_row.setdefault(r, {})[c - 1] = v
    del columns
    b = _Builder(path.name)
    for r in range(1, max(by_row, default=0) + 1):
        cells = by_row.pop(r, None)
        if not cells:
            b.add([])
            continue
        row = [""] * (max(cells) + 1)
        for c, v in cells.items():
            row[c] = v
        b.add(row)
    return b.grid()


def _read_xls(path: Path) -> Grid:
    import xlrd

    b = _Builder(path.name)
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            sheet = book.sheet_by_index(0)
            if sheet.nrows * max(min(sheet.ncols, MAX_COLUMNS), 1) > MAX_CELLS:
                raise _too_many_cells(path.name)
            for r in range(sheet.nrows):
                out: list[Any] = []
                for c in sheet.row(r)[: MAX_COLUMNS + 1]:
                    if c.ctype == xlrd.XL_CELL_DATE:
                        try:  # a date cell holds its serial as a float
                            out.append(xlrd.xldate.xldate_as_datetime(float(c.value), book.datemode))
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            out.append(c.value)
                    elif c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                        out.append("")
                    else:
                        out.append(c.value)
                b.add(out)
        finally:
            book.release_resources()
    except StoreOpsError:
        raise
    except MemoryError:
        raise _bad(path.name, "文件太大，内存不足", "the file is too large (out of memory)") from None
    except Exception as exc:  # xlrd raises XLRDError, struct.error, IndexError … on damaged files
        raise _bad(
            path.name,
            "无法读取 .xls 文件（已损坏或被截断）",
            f"cannot read the .xls file (damaged or cut short: {exc})",
        ) from None
    return b.grid()


def read_grid(path: str | os.PathLike[str]) -> Grid:
    """The first sheet (or the CSV/HTML table) of ``path`` as rows of cells."""
    path = Path(path)
    try:
        if not path.is_file():
            raise StoreOpsError(f"找不到文件 {path} / file not found: {path}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _bad(
                path.name,
                f"文件太大（{size / 1e6:.0f} MB，上限 {MAX_FILE_BYTES >> 20} MB）",
                f"the file is too large ({size / 1e6:.0f} MB; at most {MAX_FILE_BYTES >> 20} MB)",
            )
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: real BIFF8 .xls
                return _read_xls(path)
            if head.startswith(b"PK"):
                return _read_xlsx(path)
            raw = head + fh.read()
    except OSError as exc:
        raise io_error(exc, path, writing=False) from None
    if not raw.strip():
        raise StoreOpsError(f"文件是空的: {path.name} / the file is empty: {path.name}")
    return _read_text(raw, path.name)
