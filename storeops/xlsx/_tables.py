"""Tables as pandas frames: read them, read defined names, write input columns back."""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from storeops_xl.inputs import date_to_serial

from ._atomic import atomic_replace
from ._cells import col_index, col_letters, escape, parse_range, read_columns, unescape
from ._edit import set_table_ref
from ._package import Package, PackageParts, bad_file, open_package
from ._refs import name_target, row_template
from ._session import workbook_session
from ._sheetxml import FIRST_FORMULA
from ._zipwrite import write_zip

#: Most characters Excel keeps in one cell.
MAX_CELL_TEXT = 32_767


def _table_frame(pkg: PackageParts, t, xml: bytes, formulas: bool = True, only: set[str] | None = None) -> pd.DataFrame:
    """The frame of table ``t`` (``formulas=False``: input columns only, the cached values
    of calculated columns are not read; ``only``: the columns of these headers only)."""
    c1, r1, c2, r2 = parse_range(t.ref)
    first, last = r1 + t.header_rows, r2 - t.totals_rows
    extent = pkg.extent(pkg.sheet(t.sheet).path)
    if extent is not None:  # rows below the sheet's last cell are blank: not allocated
        last = min(last, max(extent[0], first))
    if not t.totals_rows:  # rows typed right below the table count as its rows (recalc adopts them)
        from ._sheetxml import rows_below

        below = rows_below(xml, c1, c2, r2)
        last = below[-1] if below else last
    n = max(last - first + 1, 0)
    letters = [col_letters(c) for c in range(c1, c2 + 1)]
    keep = [(formulas or not tc.formula) and (only is None or tc.name in only) for tc in t.columns]
    wanted = [x for j, x in enumerate(letters) if j >= len(keep) or keep[j]]
    data = read_columns(xml, pkg.shared_strings, pkg.date_styles, wanted, dates_as_datetime=True)
    cols = {}
    for j, tc in enumerate(t.columns):
        if not keep[j]:
            continue
        arr = np.full(n, None, dtype=object)
        cc = data.get(letters[j]) if j < len(letters) else None
        if cc is not None and n:
            m = (cc.rows >= first) & (cc.rows <= last)
            arr[cc.rows[m] - first] = cc.objects[m]
        cols[tc.name] = arr
    return pd.DataFrame(cols, index=pd.RangeIndex(n))


def read_tables(
    path: str | os.PathLike[str] | Package, only: dict[str, set[str]] | None = None
) -> dict[str, pd.DataFrame]:
    """Every Excel Table of the workbook (a path or an open :class:`Package`) as a DataFrame.

    Columns are the header texts; formula columns give their cached values; cells with
    a date number format come back as ``datetime``; texts as ``str``; blanks as ``None``.
    Blank rows a table has below the sheet's last cell are left out; rows typed directly
    below a table (not yet inside its range) are part of its frame: ``recalc`` makes them
    table rows, and every reader counts them already.  ``only`` (table name → headers)
    reads just those columns of those tables (the others whole).

    Examples
    --------
    >>> from storeops.xlsx import read_tables
    >>> read_tables("StoreOps.xlsm")["tblFollow"].columns[:2].tolist()   # doctest: +SKIP
    ['买家 Buyer', '公司 Company']
    """
    if not isinstance(path, Package):
        with open_package(path) as pkg:
            return read_tables(pkg, only)
    pkg = path
    out = {}
    by_sheet: dict[str, list[str]] = {}
    for name, t in pkg.tables.items():
        by_sheet.setdefault(pkg.sheet(t.sheet).path, []).append(name)
    for sp, names in by_sheet.items():  # one sheet's XML at a time
        xml = pkg.read(sp)
        for name in names:
            out[name] = _table_frame(pkg, pkg.tables[name], xml, only=None if only is None else only.get(name))
        del xml
    return {name: out[name] for name in pkg.tables}


def read_names(path: str | os.PathLike[str] | Package) -> dict[str, Any]:
    """Workbook-level defined names (of a path or an open :class:`Package`) → the value of
    their single cell (or a list of the range's values, row by row; a constant name gives
    the constant).

    Examples
    --------
    >>> from storeops.xlsx import read_names
    >>> read_names("StoreOps.xlsm")["cfg_class_a_usd"]      # doctest: +SKIP
    10000.0
    """
    if not isinstance(path, Package):
        with open_package(path) as pkg:
            return read_names(pkg)
    pkg = path
    out: dict[str, Any] = {}
    areas = []  # (name, sheet, kind, c1, r1, c2, r2)
    for d in pkg.names:
        if d.local_sheet is not None or d.name.startswith("_xlnm."):
            continue
        target = name_target(d.text)
        if target is None:
            continue
        if not isinstance(target, tuple):
            out[d.name] = target
            continue
        try:
            sheet = pkg.sheet(target[0])
        except KeyError:
            continue
        kind = "cell" if len(target) == 3 else "area"
        _, c1, r1, c2, r2 = target if kind == "area" else target + target[1:]
        areas.append((d.name, sheet, kind, c1, r1, c2, r2))
    wanted: dict[str, set[str]] = {}  # per sheet: the columns the names cover (not the whole sheet)
    for _n, sheet, _k, c1, _r1, c2, _r2 in areas:
        wanted.setdefault(sheet.name, set()).update(col_letters(c) for c in range(c1, c2 + 1))
    cache: dict[str, tuple[dict, int]] = {}
    for name, sheet, kind, c1, r1, c2, r2 in areas:
        if sheet.name not in cache:
            cache[sheet.name] = _name_columns(pkg, sheet.path, sorted(wanted[sheet.name]))
        data, last = cache[sheet.name]
        r2 = min(r2, last if last > 0 else r1)

        def val(c: int, r: int, data: dict = data) -> Any:
            cc = data.get(col_letters(c))
            if cc is None:
                return None
            k = np.searchsorted(cc.rows, r)
            return cc.objects[k] if k < len(cc.rows) and cc.rows[k] == r else None

        if kind == "cell":
            out[name] = val(c1, r1)
        elif c1 == c2 or r1 == r2:
            out[name] = [val(c, r) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        else:
            out[name] = [[val(c, r) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    return out


def _name_columns(pkg: Package, path: str, letters: list[str]) -> tuple[dict, int]:
    """The values of these columns of a sheet, and the last row holding a cell in any column
    (where a name's range is cut).  Only these columns become Python values: reading a
    follow-up sheet's 54 columns for its buyer-ID name took 8 s at 100,000 rows."""
    from ._scan import NARROW_FIELDS, ScanError, scan_sheet

    xml = pkg.read(path)
    data = read_columns(xml, pkg.shared_strings, pkg.date_styles, letters, dates_as_datetime=True)
    try:
        last = scan_sheet(xml, [], fields=NARROW_FIELDS).max_row
    except ScanError:  # a layout the scanner does not read: every column, as the regex reader finds them
        every = read_columns(xml, pkg.shared_strings, pkg.date_styles, None, dates_as_datetime=True)
        last = max([int(cc.rows.max()) for cc in every.values() if len(cc.rows)] or [0])
    return data, last


# --------------------------------------------------------------------------- writing
_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)


def _open_tag(row_xml: bytes) -> bytes:
    """``<row …`` of a row element :data:`_ROW` matched, without its ``>`` or ``/>``."""
    m = re.match(rb"<row\b[^>]*?(?=/?>)", row_xml)
    assert m is not None  # _ROW matched row_xml: it starts with a <row …> tag
    return m.group(0)


_FIRST_FORMULA = re.compile(FIRST_FORMULA)
#: a shared formula's element as a cell holds it: the first cell's (with its text) or another's
_SHARED_F = re.compile(rb'<f t="shared"(?: ref="[A-Z]+\d+:[A-Z]+\d+")? si="\d+"(?:/>|>[^<]*</f>)')
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"((?: [\w:]+="[^"]*")*)\s*(?:/>|>(.*?)</c>)', re.S)


def _text_cell(letters: bytes, row: int, style: bytes, text: str) -> bytes:
    text = text[:MAX_CELL_TEXT]  # Excel's limit: a longer cell makes Excel "repair" the file
    sp = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    # text is ALWAYS an inline string: never a formula, whatever it starts with
    return b'<c r="%s%d"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (
        letters,
        row,
        style,
        sp,
        escape(text).encode("utf-8"),
    )


def _cell_bytes(letters: bytes, row: int, style: bytes, value: Any) -> bytes | None:
    """One cell's XML (``None`` for a blank); text is always an inline string."""
    tv = type(value)
    if tv is str:
        return _text_cell(letters, row, style, value)
    if tv is float:
        if not math.isfinite(value):
            return None
        return b'<c r="%s%d"%s><v>%s</v></c>' % (letters, row, style, repr(value).encode())
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return b'<c r="%s%d"%s t="b"><v>%d</v></c>' % (letters, row, style, int(value))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, _dt.datetime):
        v = date_to_serial(value)
        return b'<c r="%s%d"%s><v>%s</v></c>' % (letters, row, style, repr(v).encode())
    if isinstance(value, _dt.date):
        return b'<c r="%s%d"%s><v>%d</v></c>' % (letters, row, style, int(date_to_serial(value)))
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            return None
        return b'<c r="%s%d"%s><v>%s</v></c>' % (letters, row, style, repr(f).encode())
    return _text_cell(letters, row, style, str(value))


def write_tables(
    path: str | os.PathLike[str],
    frames: dict[str, pd.DataFrame],
    *,
    mode: str = "replace",
    only_rows: dict[str, Iterable[int]] | None = None,
) -> dict[str, int]:
    """Write the input columns of tables from DataFrames, atomically.

    Columns are matched by header text (missing ones stay blank; formula columns are
    never written).  ``mode="replace"`` makes the frame the table's rows;
    ``mode="append"`` adds the frame's rows after the existing ones.  The table ref and
    its autoFilter are resized, rows that fall out are cleared, each column's style is
    copied from the first data row and new rows get the column's formula (shifted to
    the row; values are left for ``recalc``).  Text is always stored as text.

    Rows typed right below a table belong to it: ``replace`` covers them, ``append`` keeps
    them (as table rows) and adds the new rows after them.

    ``only_rows`` (replace mode): table → the 0-based frame rows to write; the table's other
    existing rows are left byte for byte (the frame must hold them in the same order, as an
    upsert that keeps rows in place and appends new ones does).  Rows past the frame's end
    are cleared as usual; rows typed below the table are always written (they get the
    table's formulas).

    Returns the table → number of data rows written.

    Examples
    --------
    >>> import pandas as pd
    >>> from storeops.xlsx import write_tables
    >>> write_tables("StoreOps.xlsm", {"tblFollow": pd.DataFrame({"买家 Buyer": ["=HYPERLINK()"]})})  # doctest: +SKIP
    {'tblFollow': 1}
    """
    path = os.fspath(path)
    with workbook_session(path), open_package(path) as pkg:
        replace, counts = table_parts(pkg, frames, mode=mode, only_rows=only_rows)
        write_package(pkg, replace)
    return counts


def write_package(pkg: Package, parts: dict[str, bytes]) -> None:
    """Write ``pkg`` back to its file with ``parts`` (member → bytes) replaced or added:
    every other part is checked (:meth:`Package.validate_all`) and copied raw; atomic, and
    refused when someone saved the file since the session read it (see :func:`atomic_replace`)."""
    pkg.validate_all()
    infos = pkg.infos
    atomic_replace(pkg.path, lambda fh: write_zip(fh, pkg, infos, parts))


def table_parts(
    pkg: PackageParts,
    frames: dict[str, pd.DataFrame],
    *,
    mode: str = "replace",
    only_rows: dict[str, Iterable[int]] | None = None,
) -> tuple[dict[str, bytes], dict[str, int]]:
    """What :func:`write_tables` would write, without writing: (member → new bytes, table →
    data rows); ``mode`` and ``only_rows`` as there.  Pass the members as ``overlay`` to :func:`storeops.engine.recalc` to write
    the change and its recalculation in one atomic replace.

    Examples
    --------
    >>> from storeops.xlsx import open_package, table_parts, workbook_session
    >>> from storeops.engine import recalc
    >>> with workbook_session("master.xlsm"):                         # doctest: +SKIP
    ...     with open_package("master.xlsm") as pkg:
    ...         parts, counts = table_parts(pkg, {"tblFollow": merged})
    ...     recalc("master.xlsm", overlay=parts)                       # one write
    """
    from ._refs import shift_formula
    from ._sheetxml import add_row_cells, formula_cell, rows_below

    if mode not in ("replace", "append"):
        raise ValueError("mode must be 'replace' or 'append'")
    path = pkg.path
    counts: dict[str, int] = {}
    replace: dict[str, bytes] = {}
    for name, frame in frames.items():
        t = pkg.tables.get(name)
        if t is None:
            raise bad_file(path, f"没有表格 {name}", f"no table named {name}")
        sp = pkg.sheet(t.sheet).path
        xml = replace.get(sp) or pkg.read(sp)
        c1, r1, c2, r2 = parse_range(t.ref)
        first = r1 + t.header_rows
        old_last = r2 - t.totals_rows
        if t.totals_rows:
            raise bad_file(path, f"表格 {name} 有汇总行，暂不支持写入", f"table {name} has a totals row; not supported")
        rows = {int(m.group(1)): m for m in _ROW.finditer(xml)}
        # column templates from the first data row
        style: dict[int, bytes] = {}
        formula: dict[int, str] = {}
        if first in rows:
            for cm in _CELL.finditer(rows[first].group(0)):
                c = col_index(cm.group(1))
                s = re.search(rb' s="\d+"', cm.group(3))
                style[c] = s.group(0) if s else b""
                body = cm.group(4) or b""
                fm = _FIRST_FORMULA.match(body)
                if fm:
                    formula[c] = unescape(fm.group(1))
        for j, tc in enumerate(t.columns):
            if tc.formula and (c1 + j) not in formula:
                formula[c1 + j] = "\0" + tc.formula
        # each formula column: one "%"-template of its cell, the row numbers as holes
        templates: dict[int, tuple[bytes, tuple[int, ...]]] = {}
        offs: tuple[int, ...]
        for c, f in formula.items():
            if f.startswith("\0"):
                body, offs = f[1:].replace("%", "%%"), ()
            else:
                body, offs = row_template(f, first)
            cell = '<c r="%s%%d"%s><f>%s</f></c>' % (
                col_letters(c),
                style.get(c, b"").decode(),
                escape(body.lstrip("=")),
            )
            templates[c] = (cell.encode("utf-8"), offs)
        below = rows_below(xml, c1, c2, old_last)
        table_last = old_last
        if mode == "replace":
            start = first
            old_last = below[-1] if below else old_last  # rows typed below belong to the table
        elif below:  # rows typed below the table stay: they become table rows, new rows follow them
            for r in below:
                new = {}
                for c, f in formula.items():
                    text = f[1:] if f.startswith("\0") else shift_formula(f, r - first)
                    new[c] = formula_cell(c, r, style.get(c, b""), text.lstrip("="))
                xml = add_row_cells(xml, r, new)
            rows = {int(m.group(1)): m for m in _ROW.finditer(xml)}
            old_last = below[-1]
            start = old_last + 1
        else:
            start = old_last + 1
            # trailing blank rows in a table (a fresh template) are reused
            while start > first and not _row_has_input(rows.get(start - 1), c1, c2, formula):
                start -= 1
        n = len(frame)
        new_last = max(start + n - 1, first)  # a table keeps at least one data row
        frame_cols = {str(k): frame[k].to_numpy(dtype=object) for k in frame.columns}
        plan = [  # per column: (col, letters, style, formula template, row offsets, values)
            (
                c,
                col_letters(c).encode(),
                style.get(c, b""),
                *(templates[c] if c in templates else (None, ())),
                None if c in templates else frame_cols.get(t.columns[c - c1].name),
            )
            for c in range(c1, c2 + 1)
        ]
        new_rows: dict[int, bytes] = {}
        keep = None
        if only_rows is not None and name in only_rows and mode == "replace":
            wanted = set(only_rows[name])
            keep = {i for i in range(min(n, table_last - first + 1)) if i not in wanted}
        for i, r in enumerate(range(start, max(new_last, old_last) + 1)):
            if keep is not None and i in keep and r in rows:
                continue  # an unchanged row: its XML stays as it is
            existing = rows.get(r)
            outside = []
            shared: dict[int, bytes] = {}  # column → the cell's shared-formula element
            row_open = b'<row r="%d">' % r
            if existing is not None:
                whole = existing.group(0)
                row_open = _open_tag(whole) + b">"
                row_open = re.sub(rb' spans="[^"]*"', b"", row_open)
                for cm in _CELL.finditer(whole):
                    c = col_index(cm.group(1))
                    if not (c1 <= c <= c2):
                        outside.append((c, cm.group(0)))
                    elif cm.group(4) and (fm := _SHARED_F.match(cm.group(4))):
                        shared[c] = fm.group(0)
            inside = []
            if r <= new_last and (i < n or r == new_last):
                k = i if r - start < n else None
                for c, letters, st, tmpl, offs, values in plan:
                    if tmpl is not None and c in shared:
                        # a cell of a shared formula keeps it (the same formula at this row): its
                        # other cells, in rows kept or rewritten, still have their first cell
                        inside.append((c, b'<c r="%s%d"%s>%s</c>' % (letters, r, st, shared[c])))
                        continue
                    if tmpl is not None:
                        inside.append((c, tmpl % (r, *(r + o for o in offs))))
                        continue
                    cx = _cell_bytes(letters, r, st, values[k]) if values is not None and k is not None else None
                    if cx is None and st:
                        cx = b'<c r="%s%d"%s/>' % (letters, r, st)
                    if cx is not None:
                        inside.append((c, cx))
            cells = sorted(outside + inside)
            if cells:
                new_rows[r] = row_open + b"".join(cx for _, cx in cells) + b"</row>"
            else:
                new_rows[r] = b""
        xml = _splice_rows(xml, rows, new_rows)
        new_ref = f"{col_letters(c1)}{r1}:{col_letters(c2)}{new_last}"
        replace[t.path] = set_table_ref(replace.get(t.path) or pkg.read(t.path), new_ref)
        t.ref = new_ref
        xml = _fix_dimension(xml)
        replace[sp] = xml
        counts[name] = (new_last - first + 1) if n or mode == "append" else 0
    return replace, counts


def update_tables(pkg: PackageParts, frames: dict[str, pd.DataFrame], replace: dict, *, mode: str = "replace") -> dict:
    """:func:`table_parts` into ``replace`` (member → bytes) for a package whose ``read``
    already serves those parts (:class:`storeops.maintain.InputView`); ``pkg.tables``
    follows the new refs.  Returns table → number of data rows written."""
    parts, counts = table_parts(pkg, frames, mode=mode)
    replace.update(parts)
    return counts


def _row_has_input(m, c1: int, c2: int, formula: dict) -> bool:
    if m is None:
        return False
    for cm in _CELL.finditer(m.group(0)):
        c = col_index(cm.group(1))
        if c1 <= c <= c2 and c not in formula and cm.group(4) and (b"<v>" in cm.group(4) or b"<is>" in cm.group(4)):
            return True
    return False


def _splice_rows(xml: bytes, rows: dict[int, re.Match], new_rows: dict[int, bytes]) -> bytes:
    """Replace/insert whole rows (kept in row order)."""
    out, pos = [], 0
    sd_end = xml.find(b"</sheetData>")
    if sd_end < 0:  # <sheetData/>
        i = xml.find(b"<sheetData/>")
        xml = xml[:i] + b"<sheetData></sheetData>" + xml[i + len(b"<sheetData/>") :]
        sd_end = xml.find(b"</sheetData>")
        rows = {}
    pending = sorted(new_rows)
    ordered = sorted(rows)
    j = 0
    for r in ordered:
        m = rows[r]
        while j < len(pending) and pending[j] < r:
            if pending[j] not in rows:
                out.append(xml[pos : m.start()])
                pos = m.start()
                out.append(new_rows[pending[j]])
            j += 1
        if r in new_rows:
            out.append(xml[pos : m.start()])
            out.append(new_rows[r])
            pos = m.end()
    out.append(xml[pos:sd_end] if pos <= sd_end else b"")
    while j < len(pending):
        if pending[j] not in rows:
            out.append(new_rows[pending[j]])
        j += 1
    out.append(xml[max(sd_end, pos) :])
    return b"".join(out)


def _fix_dimension(xml: bytes) -> bytes:
    m = re.search(rb'<dimension ref="([^"]*)"/>', xml)
    if not m:
        return xml
    last_row = re.findall(rb'<row r="(\d+)"', xml[-200000:])
    if not last_row:
        return xml
    maxr = max(int(x) for x in last_row)
    try:
        c1, r1, c2, r2 = parse_range(m.group(1).decode())
    except ValueError:
        return xml
    if maxr <= r2:
        return xml
    ref = f"{col_letters(c1)}{r1}:{col_letters(c2)}{maxr}".encode()
    return xml[: m.start(1)] + ref + xml[m.end(1) :]
