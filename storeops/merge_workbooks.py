"""``storeops merge FILES... --into MASTER``: salespeople's workbooks into the master, on disk.

Before anything is written, every file is checked, and one bad file stops the whole merge
(exit code non-zero, the master byte-identical):

* its schema version (document property ``StoreOpsSchemaVersion``,
  :func:`storeops.xlsx.schema_version`) is the one this StoreOps reads, like the master's
  (an older file is upgraded with ``storeops migrate`` first);
* its 跟进 Follow-up table has no column the template does not know — a renamed column is
  refused (a renamed 阶段目标 column would otherwise blank every goal in the master, a renamed
  业务员 column append every row again) — and has the key columns (buyer, company,
  salesperson, received at); a column an older template lacks is no edit: the master keeps
  its values;
* its text cells can all be read: every part is checked well-formed when read
  (:mod:`storeops.xlsx._wellformed`), and a cell pointing past the shared strings (a
  shared-string part cut short between two whole texts, which would read as blanks and
  blank the master's values) is refused while reading (:mod:`storeops.xlsx`).

Then the rules of :mod:`storeops.merge` run, and the 订单 Orders rows of the files the master
lacks are appended to its order log (:mod:`storeops.merge_orders`: an order is all its input
cells, nothing is lost, nothing added twice); when something changed, the master's
follow-up table, its buyer IDs and sync marks, the 合并冲突 Conflicts sheet and the
recalculation are written in one atomic replace, under the master's StoreOps lock (a save
someone makes meanwhile is never overwritten: the merge runs again on the saved version).  Merging files that change
nothing (an unchanged copy, the master itself, the same files twice) leaves the master
byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from storeops.errors import StoreOpsError
from storeops.merge import MergeResult, merge_follow
from storeops.workbook import schema

__all__ = ["MergeReport", "merge_files", "read_follow", "require_current"]

_TABLE = "tblFollow"


@dataclass
class MergeReport:
    result: MergeResult
    new_conflicts: list = field(default_factory=list)  # not recorded on the Conflicts sheet before
    written: bool = False
    orders_added: int = 0  # 订单 Orders rows of the files the master lacked (storeops.merge_orders)


#: columns a file must have: the buyer's identity (its ID is derived from them when missing)
KEY_COLUMNS = ("buyer", "company", "salesperson", "received_at")


def _layout_problem(t) -> str | None:
    """Why a follow-up table cannot be merged: a column the template does not know (a renamed
    one — its values would be lost), or a missing key column.  Other missing columns (an older
    template) are fine: ``merge`` keeps the master's values in them."""
    have = [" ".join(c.name.split()) for c in t.columns]
    want = {" ".join(c.header.split()): c.key for c in schema.FOLLOW.columns}
    unknown = [h for h in have if h not in want]
    missing = [schema.FOLLOW.header(k) for k in KEY_COLUMNS if schema.FOLLOW.header(k) not in have]
    parts = []
    if unknown:
        parts.append("未知的列 unknown: " + ", ".join(unknown[:4]))
    if missing:
        parts.append("缺少 missing: " + ", ".join(missing))
    if len(set(have)) != len(have):
        parts.append("重复的列 repeated columns")
    return "; ".join(parts) or None


def read_follow(pkg, *, who: str) -> pd.DataFrame:
    """tblFollow of an open package (rows typed below it included), after the checks above."""
    from storeops.xlsx._tables import _table_frame

    t = pkg.tables.get(_TABLE)
    if t is None:
        raise StoreOpsError(f"{who}: 没有跟进表 tblFollow / no tblFollow table; nothing was merged")
    problem = _layout_problem(t)
    if problem:
        raise StoreOpsError(
            f"{who}: 跟进表的列与模板不一致({problem}),未合并任何文件 / the follow-up columns do not match "
            f"the StoreOps template ({problem}); nothing was merged"
        )
    xml = pkg.read(pkg.sheet(t.sheet).path)  # checked well-formed; a text index past the
    return _table_frame(pkg, t, xml, formulas=False)  # shared strings is refused while reading


def _write_rows(view, master: pd.DataFrame, result: MergeResult) -> None:
    """Write what the merge changed, and only that: the input cells of the rows it replaced,
    the buyer ID / sync mark cells it filled in the other rows, and the new rows appended
    (a big master is not rewritten for a few edits)."""
    from storeops.maintain.cells import set_cells
    from storeops.tables import clean_value, to_headers, to_keys
    from storeops.xlsx._cells import col_letters
    from storeops.xlsx._tables import _cell_bytes, update_tables

    from .maintain.columns import _cell_style

    t = view.tables[_TABLE]
    c1, r1, _, _ = t.bounds
    first = r1 + t.header_rows
    key_of = {" ".join(h.split()): k for h, k in schema.FOLLOW.key_by_header().items()}
    col_of = {key_of.get(" ".join(tc.name.split())): c1 + j for j, tc in enumerate(t.columns)}
    inputs = [c.key for c in schema.FOLLOW.inputs if c.key in col_of]
    path = view.sheet(t.sheet).path
    xml = view.read(path)
    style = {k: _cell_style(xml, col_of[k], first) for k in inputs}
    before = to_keys(_TABLE, master)
    changed = set(result.changed_ids)
    cells: dict[int, dict[int, bytes]] = {}
    added = []
    for rec, p in zip(result.frame.to_dict("records"), result.positions):
        if p is None:
            added.append(rec)
            continue
        keys = (
            inputs
            if rec["buyer_id"] in changed
            else [
                k
                for k in ("buyer_id", "sync_mark")
                if k in col_of and clean_value(rec[k]) != clean_value(before[k].iat[p])
            ]
        )
        row = first + p
        for k in keys:
            c = col_of[k]
            cx = _cell_bytes(col_letters(c).encode(), row, style[k], rec[k])
            if cx is None:
                cx = b'<c r="%s%d"%s/>' % (col_letters(c).encode(), row, style[k])
            cells.setdefault(row, {})[c] = cx
    if cells:
        view.parts[path] = set_cells(xml, cells)
    if added:
        frame = to_headers(_TABLE, pd.DataFrame(added, columns=result.frame.columns), inputs_only=True)
        update_tables(view, {_TABLE: frame}, view.parts, mode="append")


def require_current(pkg, name: str, *, what: str = "未合并任何文件 / nothing was merged") -> None:
    """Refuse a workbook whose schema version is not the one this StoreOps reads (one line:
    run ``storeops migrate`` first)."""
    from storeops.xlsx import schema_version

    version = schema_version(getattr(pkg, "_pkg", pkg))  # an InputView: the package it wraps
    if version == schema.SCHEMA_VERSION:
        return
    shown = "0" if version is None else str(version)
    zh, en = what.split(" / ", 1)
    raise StoreOpsError(
        f"{name}: 模板版本 {shown} 不是本程序的 {schema.SCHEMA_VERSION},请先运行 storeops migrate {name} 升级; "
        f"{zh} / template version {shown} is not this StoreOps' {schema.SCHEMA_VERSION}: run "
        f"`storeops migrate {name}` first; {en}"
    )


def merge_files(
    master_path: str,
    paths: Sequence[str],
    *,
    conflicts_csv: str | None = None,
    recalc: bool = True,
    progress: bool = True,
) -> MergeReport:
    """Merge the tblFollow of each workbook in ``paths`` into ``master_path`` and recalculate
    it when rows changed, in one atomic write under the master's StoreOps lock.  Returns the
    :class:`MergeReport`."""
    from storeops.xlsx import check_not_locked, retry_on_change, workbook_session

    check_not_locked(master_path)

    def once() -> MergeReport:
        with workbook_session(master_path):
            return _merge_once(master_path, paths, conflicts_csv=conflicts_csv, recalc=recalc, progress=progress)

    return retry_on_change(once)


def _merge_once(
    master_path: str, paths: Sequence[str], *, conflicts_csv: str | None, recalc: bool, progress: bool
) -> MergeReport:
    from storeops.conflicts import record_conflicts
    from storeops.maintain import InputView
    from storeops.merge_orders import ORDERS, new_orders, read_orders
    from storeops.xlsx import open_package, write_package

    master_name = os.path.basename(master_path)
    with open_package(master_path) as pkg:
        view = InputView(pkg)
        require_current(view, master_name)
        master = read_follow(view, who=master_name)
        master_orders = read_orders(view)
        files, order_files = [], []
        for p in paths:
            if os.path.abspath(p) == os.path.abspath(master_path):
                continue  # the master merged into itself: nothing to do
            name = os.path.basename(p)
            with open_package(p) as fp:
                require_current(fp, name)
                files.append((name, read_follow(fp, who=name)))
                order_files.append((name, read_orders(fp)))
        result = merge_follow(master, files)
        report = MergeReport(result)
        orders = new_orders(master_orders, order_files)
        report.orders_added = len(orders)
        if result.added or result.updated:
            _write_rows(view, master, result)
        if len(orders):  # every order of every file, appended (storeops.merge_orders)
            from storeops.tables import to_headers
            from storeops.xlsx._tables import update_tables

            update_tables(view, {ORDERS: to_headers(ORDERS, orders, inputs_only=True)}, view.parts, mode="append")
        if result.conflicts:
            report.new_conflicts = record_conflicts(view, result.conflicts, view.parts)
        if conflicts_csv:  # before the master: a CSV that cannot be written leaves the master as it was
            from storeops.conflicts import conflicts_frame
            from storeops.csvout import write_csv

            write_csv(conflicts_frame(result.conflicts), conflicts_csv)
        parts = dict(view.parts)
        changed_rows = bool(result.added or result.updated or len(orders))
        if parts and not (recalc and changed_rows):
            write_package(pkg, parts)
    if parts and recalc and changed_rows:
        from storeops.engine import recalc as _recalc

        _recalc(master_path, progress=progress, overlay=parts)  # the merge and its values: one write
    report.written = bool(parts)
    return report
