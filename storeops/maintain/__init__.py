"""What StoreOps keeps up to date in a workbook's *inputs* before it recalculates.

``storeops recalc`` (and so ``watch``, ``import``, ``merge``, the Refresh button on a file)
first runs :func:`maintain_inputs`, in memory, as part of the same atomic write:

1. **rows typed below 跟进 Follow-up** become table rows (the engine's own rule,
   :func:`storeops.xlsx._sheetxml.rows_below`), so they get an ID in the same run;
2. **buyer IDs** — every follow-up row without one gets its ID, and a duplicated ID is
   resolved (:func:`storeops.buyer_ids.assign_ids`); nothing else in the row changes
   (a workbook of an older schema version, without the column, is upgraded only by
   ``storeops migrate``: :mod:`storeops.workbook.migrate`);
3. **the roster** — the rows of Target, Buyers, PK and the PK teams follow
   ``tblSalespeople`` (:mod:`storeops.roster`), and the charts reading them follow too.

A workbook already up to date is not touched (every step checks first), so a second
recalc gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from storeops.workbook import schema

__all__ = [
    "DeferredIds",
    "IdsNeeded",
    "InputView",
    "edit_workbook",
    "fill_follow_ids",
    "ids_complete",
    "maintain_frames",
    "maintain_inputs",
    "sync_roster",
]


class InputView:
    """A package seen through the parts changed in memory (``parts``: member → bytes).

    Everything else is the wrapped :class:`storeops.xlsx.Package`; members read while
    maintaining are kept so the recalculation that follows does not inflate them again.
    """

    def __init__(self, pkg: Any) -> None:
        self._pkg = pkg
        self.parts: dict[str, bytes] = {}
        self._kept: dict[str, bytes] = {}
        #: the buyer-ID check left to the recalculation's scan (``maintain_inputs(defer_ids=True)``)
        self.deferred_ids: DeferredIds | None = None

    def read(self, name: str) -> bytes:
        if name in self.parts:
            return self.parts[name]
        if name in self._kept:
            return self._kept.pop(name)
        data = self._pkg.read(name)
        self._kept[name] = data
        return data

    def take_kept(self) -> dict[str, bytes]:
        """The members read here and left unchanged (member → bytes), handed on once."""
        kept, self._kept = self._kept, {}
        return {k: v for k, v in kept.items() if k not in self.parts}

    def extent(self, name: str) -> tuple[int, int, int] | None:
        """The wrapped package's extent of a sheet part not changed here (else ``None``)."""
        return None if name in self.parts else self._pkg.extent(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pkg, name)


def _sheet_path(view: InputView, t) -> str:
    return view.sheet(t.sheet).path


def _adopt_rows(view: InputView, t, report: Any) -> None:
    from storeops.engine._extend import extend_tables
    from storeops.xlsx._edit import PackageEdit

    path = _sheet_path(view, t)
    xml = view.read(path)
    edit = PackageEdit(view)
    added: dict[str, int] = {}
    new = extend_tables(edit, t.sheet, xml, added)
    view.parts.update(edit.replace)  # the resized table parts
    if report is not None:
        for name, n in added.items():
            report.rows_added[name] = report.rows_added.get(name, 0) + n
    if new is not xml:
        view.parts[path] = new
    else:
        view._kept[path] = xml


_ID_CELL = re.compile(rb'"([^>]*?)(?:/>|>(?:<v>([^<]+)</v>|<is><t[^>]*>([^<]+)</t></is>)?)')


def _every_row_has_an_id(xml: bytes, letter: bytes, first: int, last: int, shared_strings: list[str]) -> bool:
    """True when every row ``first..last`` has a distinct non-blank text in column ``letter``,
    read from the raw cells (a shared string or an inline text; an empty cell or a number
    sends the caller to the full check; texts are compared as :func:`_distinct_ids` does).
    Rows are in order, so each cell is found by a plain search from the previous one: one
    pass over the sheet at memory speed."""
    from storeops.xlsx._cells import unescape

    head = b'<c r="' + letter
    texts: list[str | None] = []
    pos = 0
    for r in range(first, last + 1):
        tag = head + str(r).encode()
        i = xml.find(tag, pos)
        if i < 0:
            return False
        m = _ID_CELL.match(xml, i + len(tag))
        if m is None:
            return False
        attrs, v, t = m.groups()
        texts.append(_sst_text(shared_strings, v) if v and b't="s"' in attrs else unescape(t) if t else None)
        pos = m.end()
    return _distinct_ids(texts)


def _sst_text(shared_strings: list[str], index: bytes) -> str | None:
    """The shared string a ``t="s"`` cell names (``None``: no such string — a negative index too)."""
    try:
        k = int(index)
    except ValueError:
        return None
    return shared_strings[k] if 0 <= k < len(shared_strings) else None


def _distinct_ids(texts) -> bool:
    """Whether every ID text is there (``None``: not a text), non-blank and unlike the
    others, compared as the upkeep compares IDs (:func:`storeops.buyer_ids.clean_id`)."""
    seen: set[str] = set()
    for text in texts:
        text = text.strip() if text is not None else ""
        if not text or text in seen:
            return False
        seen.add(text)
    return True


def _follow_columns(t) -> dict[str | None, int]:
    """Column numbers of ``tblFollow``'s schema keys in the file's table."""
    key_by_header = {" ".join(h.split()): k for h, k in schema.FOLLOW.key_by_header().items()}
    c1 = t.bounds[0]
    return {key_by_header.get(" ".join(tc.name.split())): c1 + j for j, tc in enumerate(t.columns)}


def _id_spot(t) -> tuple[int, int, int] | None:
    """(buyer-ID column, first data row, last data row) of ``tblFollow``; ``None`` when the
    table has no ID column or no rows."""
    col = _follow_columns(t).get("buyer_id")
    _c1, r1, _c2, r2 = t.bounds
    first, last = r1 + t.header_rows, r2 - t.totals_rows
    if col is None or last < first:
        return None
    return col, first, last


@dataclass
class DeferredIds:
    """The buyer-ID check of an edited Follow-up sheet, left to the recalculation's scan
    (which reads the sheet anyway): sheet, ID column, first and last data row."""

    sheet: str
    col: int
    first: int
    last: int


class IdsNeeded(Exception):
    """The scan found a buyer ID missing or repeated where the check was deferred: the
    recalculation starts again with the upkeep's whole pass (:func:`fill_follow_ids`)."""


_T_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")


def ids_complete(values, xml: bytes, shared_strings: list[str], d: DeferredIds) -> bool:
    """Whether every row ``d.first … d.last`` holds a distinct non-blank buyer ID, read from
    the scan's value records of the ID column (:func:`storeops.xlsx._scan.scan_sheet`): a
    shared or inline string, or a number typed as an ID (its digits, as the upkeep keeps it);
    a formula, a boolean or an empty cell sends the caller to the upkeep's whole pass."""
    from storeops.buyer_ids import clean_id
    from storeops.xlsx._cells import unescape
    from storeops.xlsx._scan import (
        T_INLINE,
        T_N,
        T_S,
        V_COL,
        V_HASF,
        V_ISE,
        V_ISS,
        V_ROW,
        V_TCODE,
        V_VTE,
        V_VTS,
        uints,
    )

    V = values[(values[:, V_COL] == d.col) & (values[:, V_ROW] >= d.first) & (values[:, V_ROW] <= d.last)]
    n = d.last - d.first + 1
    if len(V) != n or len(np.unique(V[:, V_ROW])) != n or V[:, V_HASF].any():
        return False
    if (V[:, V_TCODE] == T_S).all() and (V[:, V_VTS] >= 0).all():  # the usual: every ID a shared string
        index = uints(xml, V[:, V_VTS], V[:, V_VTE])
        if ((index >= 0) & (index < len(shared_strings))).all():
            return _distinct_ids([shared_strings[i] for i in index.tolist()])
    texts: list[str | None] = []
    for code, vts, vte, iss, ise in V[:, [V_TCODE, V_VTS, V_VTE, V_ISS, V_ISE]].tolist():
        if code == T_S and vts >= 0:
            texts.append(_sst_text(shared_strings, xml[vts:vte]))
        elif code == T_INLINE and iss >= 0:
            texts.append("".join(unescape(m) for m in _T_TEXT.findall(xml, iss, ise)))
        elif code == T_N and vts >= 0:  # a number typed as an ID: its digits, as the upkeep keeps it
            try:
                texts.append(clean_id(float(xml[vts:vte])))
            except ValueError:
                return False
        else:
            return False
    return _distinct_ids(texts)


def fill_follow_ids(view: InputView, t) -> int:
    """Write the buyer ID of every ``tblFollow`` row that lacks one (or shares one); returns
    the number of cells written."""
    from storeops.buyer_ids import assign_ids, clean_id
    from storeops.xlsx._cells import col_letters, read_columns

    from .cells import set_cells, text_cell
    from .columns import _cell_style

    col_of = _follow_columns(t)
    spot = _id_spot(t)
    if spot is None:
        return 0
    _col, first, last = spot
    n = last - first + 1
    path = _sheet_path(view, t)
    xml = view.read(path)
    id_letter = col_letters(col_of["buyer_id"])
    if _every_row_has_an_id(xml, id_letter.encode(), first, last, view.shared_strings):
        view._kept[path] = xml
        return 0  # the common case: one pass of a literal search over the sheet
    cells = read_columns(xml, view.shared_strings, view.date_styles, [id_letter]).get(id_letter)
    existing = np.full(n, None, dtype=object)
    if cells is not None:
        m = (cells.rows >= first) & (cells.rows <= last)
        existing[cells.rows[m] - first] = cells.objects[m]
    texts = [clean_id(v) for v in existing]
    inputs = [c for c in schema.FOLLOW.inputs if c.key in col_of]
    letters = {c.key: col_letters(col_of[c.key]) for c in inputs}
    data = read_columns(
        xml, view.shared_strings, view.date_styles, sorted(set(letters.values())), dates_as_datetime=True
    )
    frame = {}
    for key, letter in letters.items():
        arr = np.full(n, None, dtype=object)
        cc = data.get(letter)
        if cc is not None:
            m = (cc.rows >= first) & (cc.rows <= last)
            arr[cc.rows[m] - first] = cc.objects[m]
        frame[key] = arr
    ids = assign_ids(pd.DataFrame(frame))
    style = _cell_style(xml, col_of["buyer_id"], first)
    changes = {
        first + i: {col_of["buyer_id"]: text_cell(col_of["buyer_id"], first + i, style, new)}
        for i, (new, old) in enumerate(zip(ids, texts))
        if new and new != old
    }
    if changes:
        view.parts[path] = set_cells(xml, changes)
    else:
        view._kept[path] = xml
    return len(changes)


def sync_roster(view: InputView) -> list[str]:
    """Rows of the roster tables follow ``tblSalespeople``; returns the tables rewritten."""
    from storeops.roster import derive_frame, people
    from storeops.tables import to_headers
    from storeops.xlsx._tables import _table_frame, update_tables

    from .charts import follow_table

    tables = view.tables
    if "tblSalespeople" not in tables:
        return []

    def frame(name: str) -> pd.DataFrame:
        t = tables[name]
        return _table_frame(view, t, view.read(_sheet_path(view, t)))

    roster = people(frame("tblSalespeople"))
    done = []
    for name in schema.ROSTER_TABLES:
        t = tables.get(name)
        if t is None:
            continue
        derived = derive_frame(name, frame(name), roster)
        if derived is None:
            continue
        c1, r1, c2, r2 = t.bounds
        update_tables(view, {name: to_headers(name, derived, inputs_only=True)}, view.parts)
        follow_table(view, t.sheet, c1, c2, r1 + t.header_rows, r2, t.bounds[3])
        done.append(name)
    return done


def maintain_frames(data: Any) -> dict[str, pd.DataFrame]:
    """The same upkeep for table frames about to be written by the builder: every follow-up
    row with its buyer ID, the roster tables derived from the roster."""
    from storeops.buyer_ids import assign_ids
    from storeops.roster import derive_frames

    out = derive_frames(data)
    f = out.get("tblFollow")
    if f is not None and len(f):
        f = f.copy()
        f["buyer_id"] = assign_ids(f)
        out["tblFollow"] = f
    return out


def maintain_inputs(
    pkg: Any, report: Any = None, changed: set[str] | None = None, *, defer_ids: bool = False
) -> InputView:
    """Bring the inputs of an open package up to date in memory (see the module help).

    ``changed``: the members that differ from the last StoreOps write (``None``: unknown,
    everything is checked).  That write left every input maintained, so a step whose
    sheets and tables are all unchanged has nothing to do and is skipped — a one-row edit
    of the Orders log does not read the Follow-up sheet here.

    ``defer_ids`` (a recalculation, which scans an edited Follow-up sheet anyway, and whose
    caller saw ``tblFollow`` keep the rows of the last write): when the Follow-up sheet
    changed and no row was adopted here, the buyer-ID check is left to that scan
    (``view.deferred_ids``, :func:`ids_complete`; :class:`IdsNeeded` when it fails) instead
    of a pass over the whole sheet here.

    Returns an :class:`InputView` to recalculate; its ``parts`` are the members changed.
    """
    view = pkg if isinstance(pkg, InputView) else InputView(pkg)
    follow = view.tables.get("tblFollow")
    if follow is not None and _touched(view, [follow], changed):
        if not follow.totals_rows:
            _adopt_rows(view, follow, report)
        spot = _id_spot(follow)
        if (
            defer_ids
            and changed is not None
            and spot is not None
            and _sheet_path(view, follow) in changed  # the sheet the recalculation scans first
            and _sheet_path(view, follow) not in view.parts  # no row adopted just now
        ):
            view.deferred_ids = DeferredIds(follow.sheet, *spot)  # checked by the scan (issue 14)
        else:
            fill_follow_ids(view, follow)
    roster = [view.tables[n] for n in ("tblSalespeople", *schema.ROSTER_TABLES) if n in view.tables]
    if _touched(view, roster, changed):
        sync_roster(view)
    return view


def _touched(view: InputView, tables: list, changed: set[str] | None) -> bool:
    """Whether a step reading these tables has anything to check: their sheets, table
    parts, the shared strings or the workbook part changed (or nobody knows)."""
    if changed is None:
        return True
    parts = {view.sst_path, view.workbook_path}
    for t in tables:
        parts |= {t.path, view.sheet(t.sheet).path, view.sheet(t.sheet).rels_path}
    return bool(parts & changed)


def edit_workbook(path: str, change: Any, *, recalc: bool = False, progress: bool = False) -> tuple[Any, bool]:
    """Open the workbook at ``path``, let ``change(view)`` put changed parts in
    ``view.parts``, and write them in one atomic replace (nothing is written when
    ``change`` changed nothing); with ``recalc`` the change is recalculated in that same
    write.  Returns (what ``change`` returned, whether the file was written).  Runs under the
    workbook's StoreOps lock; a save someone made meanwhile is never overwritten (the whole
    change runs again on the saved version)."""
    from storeops.xlsx import check_not_locked, open_package, retry_on_change, workbook_session, write_package

    check_not_locked(path)

    def once() -> tuple[Any, bool]:
        with workbook_session(path):
            with open_package(path) as pkg:
                view = InputView(pkg)
                result = change(view)
                parts = dict(view.parts)
                if parts and not recalc:
                    write_package(pkg, parts)
            if parts and recalc:
                from storeops.engine import recalc as _recalc

                _recalc(path, progress=progress, overlay=parts)
        return result, bool(parts)

    return retry_on_change(once)
