"""What ``recalc`` does for the workbook editions (hooks called by :mod:`.recalc`).

* **As-of date**: ``cfg_today`` is a value, not ``TODAY()``: every recalc stamps it with
  ``cfg_as_of`` (when filled) or the day of the recalculation; ``cfg_now``, the as-of *time*
  unanswered messages wait until, gets the end of the as-of date (or ``cfg_as_of``'s own time)
  or the moment of the recalculation (:func:`as_of_instant`).  No formula of the workbook
  is then volatile, so Excel does not call Python again on every edit, and LibreOffice/WPS
  keep the cached values of every formula that reads the date.  An older file whose
  ``cfg_today`` still holds ``IF(cfg_as_of="",TODAY(),cfg_as_of)`` gets the value too.
* **Python-only values of the ``.xlsx`` edition**: columns and summary cells whose schema
  formula needs Python (:func:`storeops.workbook.editions.python_only`) hold plain values
  there.  Before evaluating, their schema formula is put into each of their cells
  (including rows a person appended below a table); the engine evaluates them with
  everything else, in dependency order; after writing, the formulas are taken out again
  and only the values stay.
* **Stamped benchmarks**: ``BENCHMARK`` cells (``FunctionSpec.stamp``) are values in both
  editions; they get their formula for the evaluation the same way, so every recalc
  refreshes them before the per-row diagnoses that read them.
* **calcId**: ``workbook.xml`` gets the calcId of current Excel
  (:mod:`storeops.xlsx.calcid`).
* **VBA code names**: a LibreOffice save keeps ``vbaProject.bin`` but drops the workbook's
  and sheets' ``codeName``; without them Excel does not bind ``ThisWorkbook`` and
  ``Workbook_BeforeSave`` stops firing.  They are put back from the VBA project's own list
  of document modules (``Document=ThisWorkbook/…``, ``Document=Sheet1/…``), sheets in order.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from storeops_xl.inputs import EXCEL_EPOCH

from ..xlsx._cells import col_index, col_letters, column_pattern, escape, parse_range, replace_spans
from ..xlsx.calcid import set_calc_id

__all__ = [
    "EditionState",
    "as_of_instant",
    "as_of_sheet",
    "finish_sheet",
    "finish_workbook",
    "now_sheet",
    "prepare_sheet",
]

_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"((?: [\w:]+="[^"]*")*)\s*(/>|>(.*?)</c>)', re.S)
_F = re.compile(rb"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)
_V = re.compile(rb"<v>(.*?)</v>|<v/>", re.S)
_T = re.compile(rb'\st="[^"]*"')


@dataclass
class EditionState:
    """Per-recalc bookkeeping: which sheets were stamped and which cells got a formula for
    the evaluation only."""

    today: _dt.date
    #: the moment of the recalculation when it runs for the real today (``cfg_now``)
    now: _dt.datetime | None = None
    #: ``cfg_now`` got the moment of the recalculation (no ``cfg_as_of``): the next recalc stamps anew
    used_now: bool = False
    stamped: set[str] = field(default_factory=set)
    #: sheet → {column index: (first row, table name or None)} of injected formulas
    injected: dict[str, dict[int, tuple[int, str | None]]] = field(default_factory=dict)
    #: sheet → {(col, row)} single injected summary cells
    injected_cells: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    #: sheet → {column index: (first row, last row, formula with ``{r}``)} of Python-only
    #: columns evaluated without their formulas being put in (:func:`virtual_columns`)
    virtual: dict[str, dict[int, tuple[int, int, str]]] = field(default_factory=dict)
    #: sheets whose Python-only columns get their formulas put in after all (:func:`inject_columns`)
    no_virtual: set[str] = field(default_factory=set)


def sheet_range(text: str) -> tuple[str, int, int, int, int] | None:
    """``'Sheet name'!$A$1:$B$2`` → (sheet, c1, r1, c2, r2), 1-based; ``None`` if not such a reference."""
    text = text.lstrip("=")
    if "!" not in text:
        return None
    sheet, ref = text.rsplit("!", 1)
    try:
        c1, r1, c2, r2 = parse_range(ref.replace("$", ""))
    except (ValueError, KeyError):
        return None
    return sheet.strip("'").replace("''", "'"), c1, r1, c2, r2


def _name_cell(pkg, name: str) -> tuple[str, int, int] | None:
    for d in pkg.names:
        if d.name.lower() == name and d.local_sheet is None:
            where = sheet_range(d.text)
            if where is None or where[1:3] != where[3:5]:
                return None
            return where[0], where[1], where[2]
    return None


def _cell_match(xml: bytes, col: int, row: int) -> re.Match | None:
    key = b'<c r="%s%d"' % (col_letters(col).encode(), row)
    i = xml.find(key)
    if i < 0:
        return None
    return _CELL.match(xml, i)


def _cell_value(pkg, m: re.Match | None) -> Any:
    """The value of an input cell (number, text or None)."""
    if m is None or m.group(5) is None:
        return None
    inner, attrs = m.group(5), m.group(3)
    tm = re.search(rb'\st="([^"]*)"', attrs)
    t = tm.group(1) if tm else b"n"
    if t == b"inlineStr":
        texts = re.findall(rb"<t[^>]*>(.*?)</t>", inner, re.S)
        return b"".join(texts).decode("utf-8") or None
    v = _V.search(inner)
    if v is None or v.group(1) is None:
        return None
    raw = v.group(1).decode("utf-8")
    if t == b"s":
        try:
            return pkg.shared_strings[int(raw)]
        except (ValueError, IndexError):
            return None
    if t in (b"str", b"e"):
        return raw
    try:
        return float(raw)
    except ValueError:
        return None


def as_of_sheet(pkg) -> str | None:
    """The sheet whose as-of cell every recalc stamps (``None``: the workbook has none)."""
    from storeops.workbook import schema

    where = _name_cell(pkg, schema.AS_OF_CELL)
    return where[0] if where is not None else None


def now_sheet(pkg) -> str | None:
    """The sheet whose as-of *time* cell (``cfg_now``) every recalc stamps (``None``: none)."""
    from storeops.workbook import schema

    where = _name_cell(pkg, schema.NOW_CELL)
    return where[0] if where is not None else None


def _as_of_serial(value: Any, today: _dt.date) -> float:
    from storeops_xl.inputs import date_to_serial, to_date

    if value is None or (isinstance(value, str) and not value.strip()):
        return date_to_serial(today)
    import numpy as np

    col = to_date(np.array([value], dtype=object), "cfg_as_of")
    serial = float(col.values[0])
    if serial != serial:  # unreadable: fall back to today, never break the recalculation
        return date_to_serial(today)
    return float(int(serial))


def as_of_instant(given: Any, today: _dt.date, now: _dt.datetime | None) -> _dt.datetime:
    """The as-of *time* (``cfg_now``): ``cfg_as_of`` with its own time, a plain as-of date
    meaning the end of that day; without an as-of date the moment ``now`` of the
    recalculation, or the end of ``today``.

    >>> import datetime as dt
    >>> as_of_instant("2026-11-21", dt.date(2026, 12, 1), None)
    datetime.datetime(2026, 11, 22, 0, 0)
    >>> as_of_instant(None, dt.date(2026, 12, 1), dt.datetime(2026, 12, 1, 9, 30))
    datetime.datetime(2026, 12, 1, 9, 30)
    """
    epoch = EXCEL_EPOCH
    if given is not None and not (isinstance(given, str) and not given.strip()):
        import numpy as np

        from storeops_xl.inputs import to_date

        serial = float(to_date(np.array([given], dtype=object), "cfg_as_of").values[0])
        if serial == serial:
            day = int(serial)
            return epoch + _dt.timedelta(days=serial if serial != day else day + 1)
    if now is not None:
        return now.replace(microsecond=0)
    return _dt.datetime(today.year, today.month, today.day) + _dt.timedelta(days=1)


def _put_value(xml: bytes, col: int, row: int, serial: float, state: EditionState, sheet: str) -> bytes:
    m = _cell_match(xml, col, row)
    if m is None:
        return xml
    attrs = _T.sub(b"", m.group(3))
    new = b'<c r="%s%d"%s><v>%s</v></c>' % (col_letters(col).encode(), row, attrs, repr(serial).encode())
    if new == m.group(0):
        return xml
    state.stamped.add(sheet)
    return _put(xml, m.start(), m.end(), new)


def _put(xml: bytes, start: int, end: int, new: bytes) -> bytes:
    """``xml`` with bytes ``start … end`` replaced by ``new`` (one copy of a big sheet, not three)."""
    view = memoryview(xml)
    return b"".join((view[:start], new, view[end:]))


def _stamp(pkg, sheet: str, xml: bytes, state: EditionState) -> bytes:
    from storeops.workbook import schema

    as_of = _name_cell(pkg, "cfg_as_of")
    given = None
    if as_of and as_of[0] == sheet:
        given = _cell_value(pkg, _cell_match(xml, as_of[1], as_of[2]))
    where = _name_cell(pkg, schema.AS_OF_CELL)
    if where is not None and where[0] == sheet:
        xml = _put_value(xml, where[1], where[2], _as_of_serial(given, state.today), state, sheet)
    where = _name_cell(pkg, schema.NOW_CELL)
    if where is not None and where[0] == sheet:
        instant = as_of_instant(given, state.today, state.now)
        state.used_now = state.now is not None and instant == state.now.replace(microsecond=0)
        serial = round((instant - EXCEL_EPOCH) / _dt.timedelta(days=1), 8)
        xml = _put_value(xml, where[1], where[2], serial, state, sheet)
    return xml


def _has_formula(cell: re.Match | None) -> bool:
    return cell is not None and cell.group(5) is not None and b"<f" in cell.group(5)


def _with_formula(cell: re.Match, formula: str) -> bytes:
    """The cell with ``formula`` put in (its cached value kept, in case evaluation fails)."""
    inner = cell.group(5) or b""
    v = _V.search(inner)
    value = v.group(0) if v is not None else b""
    return b'<c r="%s%s"%s><f>%s</f>%s</c>' % (
        cell.group(1),
        cell.group(2),
        cell.group(3),
        escape(formula).encode("utf-8"),
        value,
    )


def _inject(pkg, sheet: str, xml: bytes, state: EditionState) -> bytes:
    """Put the schema formula into the value cells of Python-only columns and summary cells."""
    from storeops.workbook import schema
    from storeops.workbook.editions import python_only, stamped
    from storeops.workbook.formulas import cell_formula, row_template

    targets: dict[tuple[int, int], str] = {}
    columns: dict[int, tuple[int, str | None]] = {}
    spans: dict[int, tuple[int, int, str]] = {}
    for t in pkg.tables.values():
        st = schema.TABLES.get(t.name)
        if st is None or t.sheet != sheet or st.sheet != sheet:
            continue
        c1, _r1, c2, _r2 = t.bounds
        first, last = t.data_rows
        if [c.name for c in t.columns] != [c.header for c in st.columns] or c1 != st.anchor_col + 1:
            continue  # not the layout the schema formulas are written for
        for j, c in enumerate(st.columns):
            if c.formula is None or not python_only(c.formula):
                continue
            if _has_formula(_cell_match(xml, c1 + j, first)):
                continue  # a formula column in this file (the .xlsm edition): nothing to put in
            tpl = row_template(st.name, c.key)
            columns[c1 + j] = (first, t.name)
            spans[c1 + j] = (first, last, tpl)
    single: set[tuple[int, int]] = set()
    for sh in schema.SHEETS:
        for cell in sh.cells:
            if cell.formula is None or sh.name != sheet or not (python_only(cell.formula) or stamped(cell.formula)):
                continue
            where = _name_cell(pkg, cell.name.lower())
            if where is not None and where[0] == sheet and not _has_formula(_cell_match(xml, where[1], where[2])):
                targets[(where[1], where[2])] = cell_formula(cell.formula)
                single.add((where[1], where[2]))
    if columns and VIRTUAL and sheet not in state.no_virtual and not _rows_below_tables(pkg, sheet, xml):
        # the columns' formulas stay out of the XML (rows typed below a table take their
        # formulas from its first row, so those get them put in)
        state.virtual[sheet] = spans
        columns = {}
    for col in columns:  # put in: one formula per row
        first, last, tpl = spans[col]
        for r in range(first, last + 1):
            targets.setdefault((col, r), tpl.format(r=r))  # a summary cell keeps its own
    if not targets:
        return xml
    if not columns:  # summary cells only: put them in where they are (no pass over a big sheet)
        done_cells: set[tuple[int, int]] = set()
        new = _replace_cells(
            xml, single, lambda m, key: None if _has_formula(m) else _with_formula(m, targets[key]), done_cells
        )
        if new is not xml:
            state.injected.setdefault(sheet, {})
            state.injected_cells[sheet] = state.injected_cells.get(sheet, set()) | done_cells
        return new
    cols = {c for c, _ in targets}
    seen: set[tuple[int, int]] = set()
    done: set[tuple[int, int]] = set()

    def sub(m: re.Match) -> bytes | None:
        c, r = col_index(m.group(1).decode()), int(m.group(2))
        seen.add((c, r))
        f = targets.get((c, r))
        if f is None or (m.group(5) is not None and b"<f" in m.group(5)):
            return None  # a formula already (the .xlsm edition): leave it
        done.add((c, r))
        return _with_formula(m, f)

    new = replace_spans(xml, ((m.start(), m.end(), sub(m)) for m in _cells_in(cols).finditer(xml)))
    missing = [k for k in targets if k not in seen and k not in single]
    if missing:  # a table row without the cell (a row typed below the table and adopted)
        new = _add_cells(new, missing, targets, columns)
        done.update(missing)
    if new != xml:  # only what got a formula here loses it again after the evaluation
        state.injected[sheet] = {c: v for c, v in columns.items() if any(k[0] == c for k in done)}
        state.injected_cells[sheet] = state.injected_cells.get(sheet, set()) | (single & done)
    return new


#: Python-only columns are evaluated as *virtual* formula cells: their cells keep only
#: their values in the XML, the scan declares them formula cells of the schema's formula
#: (``storeops.xlsx._scan.FK_VIRTUAL``) and writing puts the new values in — no formula
#: put in and taken out of every row (that cost the follow-up sheet two passes of its
#: 700 MB per recalc).  ``False``: always put the formulas in (tests compare the two).
VIRTUAL = True


def _rows_below_tables(pkg, sheet: str, xml: bytes) -> bool:
    """Whether rows typed right below a table of the sheet will be taken into it
    (:func:`storeops.engine._extend.extend_tables`, which copies the first row's formulas)."""
    from ..xlsx._sheetxml import rows_below

    for t in pkg.tables.values():
        if t.sheet == sheet and not t.totals_rows:
            c1, _r1, c2, r2 = t.bounds
            if rows_below(xml, c1, c2, r2):
                return True
    return False


def virtual_columns(state: EditionState, sheet: str) -> dict[int, tuple[int, int]] | None:
    """Column → (first, last) row of the sheet's virtual formula cells, for the scan."""
    spans = state.virtual.get(sheet)
    return {c: (first, last) for c, (first, last, _tpl) in spans.items()} if spans else None


def virtual_complete(state: EditionState, sheet: str, F: Any) -> bool:
    """Whether the scan found every virtual cell: each row of each column a cell with a
    value and no formula of its own (else :func:`inject_columns`)."""
    import numpy as np

    from ..xlsx._scan import F_COL, F_FKIND, F_ROW, FK_VIRTUAL

    spans = state.virtual.get(sheet)
    if not spans:
        return True
    virt = F[:, F_FKIND] == FK_VIRTUAL
    for c, (first, last, _tpl) in spans.items():
        rows = F[virt & (F[:, F_COL] == c), F_ROW]
        if len(rows) != last - first + 1 or len(np.unique(rows)) != len(rows):
            return False
    return True


def inject_columns(pkg, sheet: str, xml: bytes, state: EditionState) -> bytes:
    """A sheet whose virtual cells are not all there (a row typed below the table without
    the cell, a blank cell, a formula typed over one): the formulas put in after all."""
    state.virtual.pop(sheet, None)
    state.no_virtual.add(sheet)
    return _inject(pkg, sheet, xml, state)


def _replace_cells(xml: bytes, cells, change, done: set) -> bytes:
    """``xml`` with each of ``cells`` (col, row) replaced by ``change(match, cell)`` (``None``:
    left as it is), found one by one; ``done`` gets the cells changed.  Returns ``xml``
    itself when nothing changed."""
    found = []
    for c, r in cells:
        m = _cell_match(xml, c, r)
        if m is not None:
            new = change(m, (c, r))
            if new is not None:
                found.append((m.start(), m.end(), new))
                done.add((c, r))
    return replace_spans(xml, sorted(found))


def _add_cells(xml: bytes, missing, targets, columns) -> bytes:
    """Add the Python-only formula cells a table row lacks, styled like the column's first row."""
    from ..xlsx._sheetxml import add_row_cells, formula_cell

    style: dict[int, bytes] = {}
    for c, (first, _t) in columns.items():
        m = re.search(rb'<c r="%s%d"( s="\d+")?' % (col_letters(c).encode(), first), xml)
        style[c] = (m.group(1) or b"") if m is not None else b""
    by_row: dict[int, dict[int, bytes]] = {}
    for c, r in missing:
        by_row.setdefault(r, {})[c] = formula_cell(c, r, style.get(c, b""), targets[(c, r)].lstrip("="))
    for r, cells in sorted(by_row.items()):
        xml = add_row_cells(xml, r, cells)
    return xml


def vba_code_names(pkg) -> tuple[str | None, list[str]]:
    """(workbook code name, sheet code names in sheet order) the VBA project declares; empty
    when the file has no VBA project."""
    vba = [i.filename for i in pkg.infos if i.filename.lower().endswith("vbaproject.bin")]
    if not vba:
        return None, []
    docs = [d.decode("latin-1") for d in re.findall(rb"Document=([A-Za-z_][\w]*)/&H", pkg.read(vba[0]))]
    book = "ThisWorkbook" if "ThisWorkbook" in docs else None
    sheets = sorted((d for d in docs if re.fullmatch(r"Sheet\d+", d)), key=lambda d: int(d[5:]))
    return book, sheets


def _restore_sheet_code_name(pkg, sheet: str, xml: bytes, state: EditionState) -> bytes:
    _book, names = vba_code_names(pkg)
    index = [s.name for s in pkg.sheets].index(sheet)
    if index >= len(names):
        return xml
    m = re.search(rb"<sheetPr\b[^>]*?(/?)>", xml)
    if m is not None and b"codeName=" in m.group(0):
        return xml
    code = names[index].encode()
    if m is not None:
        new = m.group(0).replace(b"<sheetPr", b'<sheetPr codeName="%s"' % code, 1)
        xml = _put(xml, m.start(), m.end(), new)
    else:
        w = re.search(rb"<worksheet\b[^>]*>", xml)
        if w is None:
            return xml
        xml = _put(xml, w.end(), w.end(), b'<sheetPr codeName="%s"/>' % code)
    state.stamped.add(sheet)
    return xml


def prepare_sheet(pkg, sheet: str, xml: bytes, state: EditionState) -> bytes:
    """Before evaluation: stamp the as-of date, give Python-only value cells their formula,
    put back a VBA code name a LibreOffice save dropped."""
    xml = _restore_sheet_code_name(pkg, sheet, xml, state)
    xml = _stamp(pkg, sheet, xml, state)
    return _inject(pkg, sheet, xml, state)


def _strip_columns(pkg, sheet: str, pieces: Iterable[Any], state: EditionState) -> Iterator[bytes]:
    """The stream of ``pieces`` with the formulas put into Python-only columns (and summary
    cells) taken out again, a row-aligned window at a time (:func:`_sub_rows`)."""
    cols = state.injected.get(sheet, {})
    cells = state.injected_cells.get(sheet, set())
    last_row = {}
    for c, (first, tname) in cols.items():
        t = pkg.tables.get(tname) if tname else None
        last_row[c] = (first, t.data_rows[1] if t is not None else 1 << 30)

    def sub(m: re.Match) -> bytes:
        if m.group(5) is None or b"<f" not in m.group(5):
            return m.group(0)
        c, r = col_index(m.group(1).decode()), int(m.group(2))
        span = last_row.get(c)
        if (c, r) not in cells and not (span and span[0] <= r <= span[1]):
            return m.group(0)
        return _without_formula(m)

    return _sub_rows(pieces, _cells_in(set(cols) | {c for c, _ in cells}), sub)


def _cells_in(cols) -> re.Pattern:
    """:data:`_CELL` for the cells of these columns only (the follow-up sheet has 54 cells a
    row and one Python-only column: ~0.4 s instead of ~15 s of a call per cell)."""
    return column_pattern(_CELL, cols)


def _sub_rows(pieces: Iterable[Any], pattern: re.Pattern, repl) -> Iterator[bytes]:
    """``pattern.sub(repl, …)`` over the stream of ``pieces``, :data:`STRIP_STEP` bytes and a
    row at a time: the stream is cut after a ``</row>`` (no cell spans one), so the bytes are
    those of one pass over the whole sheet without ever holding it.  After a CDATA section,
    comment or processing instruction (where ``</row>`` may be text) the rest is taken
    whole, as one pass would."""
    buf = bytearray()
    start = -1  # where markup other than the XML declaration may begin
    whole = False
    for piece in pieces:
        view = memoryview(piece).cast("B")
        for lo in range(0, len(view), STRIP_STEP):
            buf += view[lo : lo + STRIP_STEP]
            if whole:
                continue
            if start < 0:
                start = buf.find(b"?>") + 2 if buf.startswith(b"<?xml") else 0
                if start == 1:  # the declaration goes on in the next step
                    start = -1
                    continue
            cut = buf.rfind(b"</row>") + 6
            if cut < 6:
                continue
            if buf.find(b"<!", start, cut) >= 0 or buf.find(b"<?", start, cut) >= 0:  # CDATA, comment, PI
                whole = True
                continue
            with memoryview(buf) as head:
                out = pattern.sub(repl, head[:cut])
            del buf[:cut]
            start = 0
            yield out
    yield pattern.sub(repl, buf)


def _without_formula(m: re.Match) -> bytes:
    return b'<c r="%s%s"%s>%s</c>' % (m.group(1), m.group(2), m.group(3), _F.sub(b"", m.group(5)))


def finish_sheet(pkg, sheet: str, pieces: Iterable[Any] | None, xml: bytes, state: EditionState):
    """After writing the values: the pieces to store (formulas injected for evaluation taken
    out again), or ``None`` when the sheet is unchanged."""
    if sheet not in state.injected and sheet not in state.stamped:
        return pieces
    stream = pieces if pieces is not None else [xml]
    if sheet not in state.injected:
        return stream
    if not state.injected[sheet]:  # summary cells only: taken out as the pieces stream by
        return _strip_cells(stream, state.injected_cells.get(sheet, set()))
    return _strip_columns(pkg, sheet, stream, state)


#: :func:`_strip_cells` looks at the stream this many bytes at a time (a sheet's last piece
#: may be the rest of its XML, hundreds of MB: never copied whole)
STRIP_STEP = 1 << 20


def _strip_cells(pieces: Iterable[Any], cells) -> Iterable[Any]:
    """The stream of ``pieces`` with the formulas of these few cells taken out, never
    holding more than :data:`STRIP_STEP` bytes and the cell being cut (pieces may share one
    buffer); once every cell is cut, the rest streams by as it comes (views, not copies)."""
    keys = {b'<c r="%s%d"' % (col_letters(c).encode(), r) for c, r in cells}
    buf = bytearray()
    it = iter(pieces)
    for piece in it:
        view = memoryview(piece).cast("B")
        for lo in range(0, len(view), STRIP_STEP):
            if not keys:  # all cut: the rest as it comes
                yield bytes(buf)
                yield view[lo:]
                yield from it
                return
            buf += view[lo : lo + STRIP_STEP]
            for key in list(keys):  # the cells whole in the buffer are cut (it gets shorter)
                i = buf.find(key)
                m = _CELL.match(buf, i) if i >= 0 else None
                if m is None:  # not here yet, or it goes on in the next piece
                    continue
                if m.group(5) is not None and b"<f" in m.group(5):
                    buf[m.start() : m.end()] = _without_formula(m)
                keys.discard(key)
            hold = max(len(buf) - 32, 0) if keys else len(buf)  # a key may continue in the next piece
            for key in keys:  # found only after the cuts: a cut before it moves it
                i = buf.find(key)
                if i >= 0:
                    hold = min(hold, i)
            yield bytes(buf[:hold])
            del buf[:hold]
    yield bytes(buf)


def finish_workbook(pkg, workbook_xml: bytes) -> bytes:
    """``workbook.xml`` as every StoreOps file stores it: the current calcId, and the
    workbook's VBA code name when the file has a VBA project."""
    book, _sheets = vba_code_names(pkg)
    if book is not None:
        m = re.search(rb"<workbookPr\b[^>]*?/?>", workbook_xml)
        if m is None:
            i = workbook_xml.find(b"<bookViews")
            i = i if i >= 0 else workbook_xml.find(b"<sheets")
            workbook_xml = workbook_xml[:i] + b'<workbookPr codeName="%s"/>' % book.encode() + workbook_xml[i:]
        elif b"codeName=" not in m.group(0):
            new = m.group(0).replace(b"<workbookPr", b'<workbookPr codeName="%s"' % book.encode(), 1)
            workbook_xml = workbook_xml[: m.start()] + new + workbook_xml[m.end() :]
    return set_calc_id(workbook_xml)
