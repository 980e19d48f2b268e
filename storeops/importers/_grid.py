"""The cells of an export file, read within limits: ``.csv`` (UTF-8, GB18030, UTF-16),
``.xlsx`` (the first sheet, through the validated package reader of :mod:`storeops.xlsx`)
and BIFF8 ``.xls`` (xlrd).

Whatever a file holds, memory follows its real content: only rows that have a value are
kept (a stray cell at ``XFD1048576`` does not make a million empty rows), columns beyond
:data:`MAX_COLUMNS` are ignored, files above :data:`MAX_FILE_BYTES` or with more than
:data:`MAX_CELLS` cells are refused before they are parsed.  A cell longer than Excel's
32,767 characters is cut, with a note; a stray quote in a CSV that would swallow the
following lines into one cell is reported and those lines are read one by one.  Any
damaged file is one bilingual :class:`~storeops.errors.StoreOpsError` line.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storeops.errors import StoreOpsError, io_error
from storeops.xlsx import MAX_CELL_TEXT

__all__ = ["Grid", "MAX_CELLS", "MAX_COLUMNS", "MAX_FILE_BYTES", "read_grid"]

#: Largest export file read (a 200,000-product CSV export is about 40 MB).
MAX_FILE_BYTES = 256 << 20
#: Most cells read from one export.
MAX_CELLS = 20_000_000
#: Columns beyond this one are ignored (a Data Manager export has about 30).
MAX_COLUMNS = 256


@dataclass
class Grid:
    """The non-blank rows of an export: ``(row number in the file, cells)``, plus remarks."""

    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (row, remark) on rows that were read
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) rows that could not be read


def _bad(path: Path, zh: str, en: str) -> StoreOpsError:
    return StoreOpsError(f"{path.name}: {zh} / {en}")


def _cell(v: Any, grid: Grid, row: int) -> Any:
    if isinstance(v, str):
        v = v.strip()
        if len(v) > MAX_CELL_TEXT:
            grid.notes.append(
                (
                    row,
                    f"单元格有 {len(v)} 个字符，已截为 Excel 上限 {MAX_CELL_TEXT} 个 / a cell of {len(v)} "
                    f"characters was cut to Excel's limit of {MAX_CELL_TEXT:,}",
                )
            )
            v = v[:MAX_CELL_TEXT]
        return v
    if isinstance(v, float) and math.isnan(v):
        return ""
    return "" if v is None else v


def _add_row(grid: Grid, row: int, cells: list[Any], path: Path, count: list[int]) -> None:
    if len(cells) > MAX_COLUMNS:
        if any(c not in ("", None) for c in cells[MAX_COLUMNS:]):
            grid.notes.append((row, f"忽略了第 {MAX_COLUMNS} 列之后的内容 / ignored cells beyond column {MAX_COLUMNS}"))
        cells = cells[:MAX_COLUMNS]
    cleaned = [_cell(c, grid, row) for c in cells]
    if any(c != "" for c in cleaned):
        count[0] += len(cleaned)
        if count[0] > MAX_CELLS:
            raise _bad(
                path,
                f"文件太大（超过 {MAX_CELLS:,} 个单元格）",
                f"the file is too large (more than {MAX_CELLS:,} cells)",
            )
        grid.rows.append((row, cleaned))


# --------------------------------------------------------------------------- CSV
def _decode(raw: bytes, path: Path) -> str:
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for enc in encodings:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise _bad(path, "无法识别文件编码（不是 UTF-8 或 GB18030）", "cannot decode the file (not UTF-8 or GB18030)")


def _swallowed(fields: list[str], delim: str) -> bool:
    """A field holding line breaks whose later lines look like rows of their own: an
    unbalanced quote ran over them (a real multi-line cell has no delimiters there)."""
    for f in fields:
        if "\n" in f or "\r" in f:
            lines = f.splitlines()[1:]
            if any(line.count(delim) >= 2 for line in lines) or len(lines) > 20:
                return True
    return False


def _read_csv(path: Path, raw: bytes) -> Grid:
    text = _decode(raw, path).replace("\x00", "")
    sample = text[:4096]
    delim = "\t" if sample.count("\t") > sample.count(",") else ","
    grid, count = Grid(), [0]
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        physical = text.splitlines(keepends=True)
        reader = csv.reader(io.StringIO(text), delimiter=delim)
        line = 0
        try:
            for fields in reader:
                first, line = line + 1, reader.line_num
                if line > first and _swallowed(fields, delim):
                    grid.rejected.append(
                        (
                            first,
                            f"引号不配对：第 {first}–{line} 行被读成了一个单元格，已逐行重读，这一行跳过 / "
                            f"unbalanced quote: rows {first}–{line} were read as one cell; they were read again "
                            "line by line and this row was skipped",
                        )
                    )
                    for k in range(first + 1, line + 1):
                        one = next(csv.reader([physical[k - 1].rstrip("\r\n")], delimiter=delim), [])
                        _add_row(grid, k, one, path, count)
                    continue
                _add_row(grid, first, fields, path, count)
        except csv.Error as exc:
            raise _bad(
                path, f"CSV 格式错误（第 {reader.line_num} 行）", f"malformed CSV at row {reader.line_num}: {exc}"
            ) from None
    finally:
        csv.field_size_limit(old_limit)
    return grid


# --------------------------------------------------------------------------- .xlsx
def _read_xlsx(path: Path) -> Grid:
    from storeops.xlsx import open_package
    from storeops.xlsx._cells import XLErr, col_index, read_columns

    with open_package(path) as pkg:
        if not pkg.sheets:
            raise _bad(path, "工作簿没有工作表", "the workbook has no sheets")
        sheet = pkg.sheets[0]
        xml = pkg.read(sheet.path)
        extent = pkg.extent(sheet.path)
        if extent is not None and extent[1] > MAX_CELLS:
            raise _bad(
                path,
                f"文件太大（超过 {MAX_CELLS:,} 个单元格）",
                f"the file is too large (more than {MAX_CELLS:,} cells)",
            )
        columns = read_columns(xml, pkg.shared_strings, pkg.date_styles, None, dates_as_datetime=True)
    del xml
    by_row: dict[int, dict[int, Any]] = {}
    beyond = 0
    for letters, cc in columns.items():
        c = col_index(letters)
        if c > MAX_COLUMNS:
            beyond = max(beyond, int(cc.rows[0]) if len(cc.rows) else 0)
            continue
        values = cc.values if cc.values is not None else cc.nums
        for r, v in zip(cc.rows.tolist(), values.tolist() if hasattr(values, "tolist") else values):
            if isinstance(v, XLErr):
                v = str(v)
            by_row.setdefault(r, {})[c - 1] = v
    del columns
    grid, count = Grid(), [0]
    if beyond:
        grid.notes.append((beyond, f"忽略了第 {MAX_COLUMNS} 列之后的内容 / ignored cells beyond column {MAX_COLUMNS}"))
    for r in sorted(by_row):
        cells = by_row[r]
        row = [""] * (max(cells) + 1)
        for c, v in cells.items():
            row[c] = v
        _add_row(grid, r, row, path, count)
    return grid


# --------------------------------------------------------------------------- .xls
def _read_xls(path: Path) -> Grid:
    import xlrd

    grid, count = Grid(), [0]
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            sheet = book.sheet_by_index(0)
            if sheet.nrows * max(min(sheet.ncols, MAX_COLUMNS), 1) > MAX_CELLS:
                raise _bad(
                    path,
                    f"文件太大（超过 {MAX_CELLS:,} 个单元格）",
                    f"the file is too large (more than {MAX_CELLS:,} cells)",
                )
            for r in range(sheet.nrows):
                out = []
                for c in sheet.row(r)[: MAX_COLUMNS + 1]:
                    if c.ctype == xlrd.XL_CELL_DATE:
                        try:
                            out.append(xlrd.xldate.xldate_as_datetime(c.value, book.datemode))
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            out.append(c.value)
                    elif c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        out.append("")
                    elif c.ctype == xlrd.XL_CELL_ERROR:
                        out.append(xlrd.error_text_from_code.get(c.value, "#VALUE!"))
                    else:
                        out.append(c.value)
                _add_row(grid, r + 1, out, path, count)
        finally:
            book.release_resources()
    except StoreOpsError:
        raise
    except MemoryError:
        raise _bad(path, "文件太大，内存不足", "the file is too large (out of memory)") from None
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds of error on a damaged file
        raise _bad(
            path, "无法读取 .xls 文件（已损坏或被截断）", f"cannot read the .xls file (damaged or cut short: {exc})"
        ) from None
    return grid


def read_grid(path: str | os.PathLike[str]) -> Grid:
    """The non-blank rows of an export file (format found by its first bytes, not its name)."""
    path = Path(path)
    try:
        if not path.is_file():
            raise _bad(path, "找不到文件", "file not found")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _bad(
                path,
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
    return _read_csv(path, raw)
