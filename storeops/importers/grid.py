"""Read an exported file into a grid of cells (list of rows), whatever its format.

Formats are told by their bytes, never by the file name:

* real BIFF8 ``.xls`` (OLE2 signature; xlrd) — the Data Manager's own files;
* ``.xlsx`` (zip signature; calamine);
* an HTML table saved as ``.xls`` (some back offices export that);
* CSV or tab-separated text in UTF-8, UTF-8 with BOM, UTF-16 (with or without BOM, as
  Excel's "Unicode text" and many Windows tools write it) or GBK/GB18030.

Cells are stripped texts, numbers, ``datetime`` (Excel date cells) or ``""`` for blanks.
A file that is not one of these, or is cut short, raises a one-line bilingual
:class:`~storeops.errors.StoreOpsError`.  ``Grid.truncated_row`` is the 1-based row number of
a last CSV row cut off mid-way (the file ends without a line break and the row is shorter
than the rows before it), so the caller can reject that row instead of importing half of it.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storeops.errors import StoreOpsError

__all__ = ["Grid", "decode_text", "read_grid"]


@dataclass
class Grid:
    rows: list[list[Any]]
    encoding: str = ""  # for text files: the encoding found
    truncated_row: int | None = None
    notes: list[str] = field(default_factory=list)


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float) and math.isnan(v):
        return ""
    return "" if v is None else v


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


def _read_text(raw: bytes, name: str) -> Grid:
    text, enc = decode_text(raw, name)
    if "\x00" in text:
        raise StoreOpsError(f"不是表格文件: {name} / not a spreadsheet or CSV file: {name}")
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") and "<table" in text[:200000].lower():
        return Grid(_read_html(text, name), enc)
    try:
        rows = [
            [_cell(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        ]
    except csv.Error as exc:
        raise StoreOpsError(f"CSV 格式错误 {name}: {exc} / malformed CSV {name}: {exc}") from None
    grid = Grid(rows, enc)
    if rows and text and not text.endswith(("\n", "\r")):
        widths = [len(r) for r in rows[:-1] if any(c != "" for c in r)]
        if widths and len(rows[-1]) < max(widths):
            grid.truncated_row = len(rows)
    return grid


def _read_html(text: str, name: str) -> list[list[Any]]:
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises several unrelated types for broken markup
        raise StoreOpsError(f"无法读取 HTML 表格 {name} / cannot read the HTML table in {name}: {exc}") from None
    tables = doc.xpath("//table")
    if not tables:
        raise StoreOpsError(f"文件里没有表格: {name} / no table in {name}")
    rows = []
    for tr in max(tables, key=lambda t: len(t.xpath(".//tr"))).xpath(".//tr"):
        rows.append([_cell(td.text_content()) for td in tr.xpath("./td|./th")])
    return rows


def _read_xlsx(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged/truncated zips
        raise StoreOpsError(
            f"无法读取 Excel 文件 {path.name}(文件损坏或不完整?) / cannot read {path.name} (damaged or truncated?): {exc}"
        ) from None
    return [[_cell(c) for c in row] for row in rows]


def _read_xls(path: Path) -> list[list[Any]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        sheet = book.sheet_by_index(0)
        rows = []
        for r in range(sheet.nrows):
            out = []
            for c in sheet.row(r):
                if c.ctype == xlrd.XL_CELL_DATE:
                    out.append(xlrd.xldate.xldate_as_datetime(c.value, book.datemode))
                elif c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    out.append("")
                else:
                    out.append(_cell(c.value))
            rows.append(out)
        book.release_resources()
    except Exception as exc:  # xlrd raises XLRDError, struct.error, IndexError … on damaged files
        raise StoreOpsError(
            f"无法读取 .xls 文件 {path.name}(文件损坏或不完整?) / cannot read {path.name} (damaged or truncated?): {exc}"
        ) from None
    return rows


def read_grid(path: str | Path) -> Grid:
    """The first sheet (or the CSV/HTML table) of ``path`` as rows of cells."""
    path = Path(path)
    if not path.is_file():
        raise StoreOpsError(f"找不到文件 {path} / file not found: {path}")
    raw = path.read_bytes()
    if not raw.strip():
        raise StoreOpsError(f"文件是空的: {path.name} / the file is empty: {path.name}")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: real BIFF8 .xls
        return Grid(_read_xls(path))
    if raw.startswith(b"PK"):
        return Grid(_read_xlsx(path))
    return _read_text(raw, path.name)
