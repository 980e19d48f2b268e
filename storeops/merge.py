"""``storeops merge``: each salesperson's follow-up workbook into the boss's master.

Every salesperson keeps their own copy of the StoreOps template and updates 跟进 Follow-up
before leaving each day (每天下班前).  The boss merges those files into the master:

* rows are matched by **buyer + salesperson** (case and surrounding spaces ignored);
* a salesperson's row counts only when it differs from the master's row in some input
  column (an untouched copy of a master row is ignored);
* among the master row and the changed rows, the **newest edit wins**: the row with the
  latest 更新时间 ``updated_at`` (a blank one falls back to 最近联系 ``last_contact``); on a
  tie a salesperson's change beats the master and a later file beats an earlier one;
* when two or more files changed the same buyer *differently*, or a file's change loses to
  a newer version already in the master (as when ``storeops watch --merge-into`` merges one
  saved file at a time), that buyer is reported as a **conflict** (who, when, which columns
  differ, which version won);
* nothing in the master is lost: rows only in the master stay, in their place; new buyers
  are appended in file order.

Examples
--------
>>> import pandas as pd
>>> m = pd.DataFrame({"buyer": ["Bob"], "salesperson": ["Li"], "stage": ["新询盘 New"], "updated_at": ["2026-11-01"]})
>>> a = pd.DataFrame({"buyer": ["Bob", "Amy"], "salesperson": ["Li", "Li"], "stage": ["已报价 Quoted", "新询盘 New"],
...                   "updated_at": ["2026-11-03", "2026-11-03"]})
>>> res = merge_follow(m, [("li.xlsm", a)])
>>> res.frame["stage"].tolist(), res.added, res.updated, res.conflicts
(['已报价 Quoted', '新询盘 New'], 1, 1, [])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from storeops.tables import clean_value, drop_blank_rows, is_blank, table, to_keys
from storeops_xl.inputs import to_date

__all__ = ["Conflict", "MergeResult", "conflicts_frame", "format_conflicts", "merge_follow", "merge_files"]

_TABLE = "tblFollow"


@dataclass
class Conflict:
    """Two or more files changed the same buyer differently since the master's version."""

    buyer: str
    salesperson: str
    versions: list[tuple[str, Any]]  # (file, updated_at or last_contact)
    columns: list[str]  # header texts that differ between the versions
    winner: str  # file whose version was kept


@dataclass
class MergeResult:
    frame: pd.DataFrame  # merged master tblFollow (key columns, input columns only)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    per_file: dict[str, dict[str, int]] = field(default_factory=dict)


def _key(row: dict[str, Any]) -> tuple[str, str] | None:
    b, s = row.get("buyer"), row.get("salesperson")
    if is_blank(b):
        return None
    return (" ".join(str(b).split()).casefold(), "" if is_blank(s) else " ".join(str(s).split()).casefold())


def _stamp(row: dict[str, Any]) -> float:
    for k in ("updated_at", "last_contact"):
        v = row.get(k)
        if is_blank(v):
            continue
        col = to_date(np.array([v], dtype=object), k)
        f = float(col.values[0])
        if not math.isnan(f):
            return f
    return -math.inf


def _same(a: dict[str, Any], b: dict[str, Any], cols: Sequence[str]) -> list[str]:
    """Columns whose cleaned values differ."""
    diff = []
    for c in cols:
        va, vb = clean_value(a.get(c)), clean_value(b.get(c))
        if va != vb:
            diff.append(c)
    return diff


def _records(frame: pd.DataFrame, cols: list[str]) -> list[dict[str, Any]]:
    kf = drop_blank_rows(_TABLE, to_keys(_TABLE, frame)).reindex(columns=cols)
    return kf.astype(object).where(kf.notna(), None).to_dict("records")


def merge_follow(master: pd.DataFrame, files: Sequence[tuple[str, pd.DataFrame]]) -> MergeResult:
    """Merge salesperson ``files`` ((name, tblFollow frame), …) into the ``master`` tblFollow.

    Frames may have header-text or key columns; the result has the input keys of tblFollow.
    Neither input is modified.
    """
    t = table(_TABLE)
    cols = [c.key for c in t.inputs]
    compare = [c for c in cols if c not in ("updated_at", "buyer", "salesperson")]
    rows = _records(master, cols)
    index: dict[tuple[str, str], int] = {}
    for i, r in enumerate(rows):
        k = _key(r)
        if k is not None:
            index.setdefault(k, i)
    base = {k: dict(rows[i]) for k, i in index.items()}  # the master's version before merging

    # gather changed candidates per key, in file order
    cands: dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]] = {}
    order: list[tuple[str, str]] = []
    result = MergeResult(frame=master)
    for fi, (name, frame) in enumerate(files):
        stats = result.per_file.setdefault(name, {"read": 0, "changed": 0})
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for r in _records(frame, cols):
            k = _key(r)
            if k is None:
                continue
            stats["read"] += 1
            if k in best and _stamp(best[k]) > _stamp(r):
                continue  # a duplicate row in one file: its newest version counts
            best[k] = r
        for k, r in best.items():
            if k in base and not _same(base[k], r, compare):
                continue
            stats["changed"] += 1
            if k not in cands:
                order.append(k)
            cands.setdefault(k, []).append((fi, name, r))

    for k in order:
        versions = cands[k]
        # pick the winner: newest stamp; ties → file beats master, later file beats earlier
        win_fi, win_name, win_row = max(versions, key=lambda v: (_stamp(v[2]), v[0]))
        if k in base and _stamp(base[k]) > _stamp(win_row):
            winner_row, winner_name = None, "master"
        else:
            winner_row, winner_name = win_row, win_name
        distinct = []
        if winner_row is None:  # the master is newer: the files' changes lose to it, which is a conflict too
            distinct.append((-1, "master", base[k]))
        for v in versions:
            if all(_same(v[2], d[2], compare) for d in distinct):
                distinct.append(v)
        if len(distinct) > 1:
            diff_cols: list[str] = []
            for v in distinct[1:]:
                for c in _same(distinct[0][2], v[2], compare):
                    if c not in diff_cols:
                        diff_cols.append(c)
            result.conflicts.append(
                Conflict(
                    buyer=str(win_row.get("buyer")).strip(),
                    salesperson=str(win_row.get("salesperson") or "").strip(),
                    versions=[
                        (v[1], clean_value(v[2].get("updated_at")) or clean_value(v[2].get("last_contact")))
                        for v in distinct
                    ],
                    columns=[t.header(c) for c in diff_cols],
                    winner=winner_name,
                )
            )
        if winner_row is None:
            continue
        if k in index:
            rows[index[k]] = dict(winner_row)
            result.updated += 1
        else:
            rows.append(dict(winner_row))
            index[k] = len(rows) - 1
            result.added += 1
    result.unchanged = len(index) - result.added - result.updated
    result.frame = pd.DataFrame(rows, columns=cols)
    return result


def conflicts_frame(conflicts: Sequence[Conflict]) -> pd.DataFrame:
    """One row per conflicting version (for the printed table and the CSV)."""
    recs = []
    for c in conflicts:
        for f, when in c.versions:
            recs.append(
                {
                    "买家 Buyer": c.buyer,
                    "业务员 Salesperson": c.salesperson,
                    "文件 File": f,
                    "更新时间 Updated at": "" if when is None else str(when),
                    "不同的列 Columns that differ": "; ".join(c.columns),
                    "采用 Kept": "是 yes" if f == c.winner else "",
                }
            )
    return pd.DataFrame(
        recs,
        columns=[
            "买家 Buyer",
            "业务员 Salesperson",
            "文件 File",
            "更新时间 Updated at",
            "不同的列 Columns that differ",
            "采用 Kept",
        ],
    )


def format_conflicts(conflicts: Sequence[Conflict]) -> str:
    if not conflicts:
        return "没有冲突 / no conflicts"
    df = conflicts_frame(conflicts)
    return f"冲突 {len(conflicts)} 个 / {len(conflicts)} conflict(s):\n" + df.to_string(index=False)


def merge_files(
    master_path: str,
    paths: Sequence[str],
    *,
    conflicts_csv: str | None = None,
    recalc: bool = True,
    progress: bool = True,
) -> MergeResult:
    """Merge the tblFollow of each workbook in ``paths`` into ``master_path`` and recalculate
    it, in one atomic write.  Returns the :class:`MergeResult`.

    The master is locked for StoreOps from its first read on; a save someone makes while
    the merge runs is never overwritten (the merge runs again on the saved version)."""
    from storeops.xlsx import check_not_locked, retry_on_change, workbook_session

    check_not_locked(master_path)

    def once() -> MergeResult:
        with workbook_session(master_path):
            return _merge_once(master_path, paths, conflicts_csv=conflicts_csv, recalc=recalc, progress=progress)

    return retry_on_change(once)


def _merge_once(
    master_path: str, paths: Sequence[str], *, conflicts_csv: str | None, recalc: bool, progress: bool
) -> MergeResult:
    import os

    from storeops.errors import StoreOpsError
    from storeops.xlsx import open_package, read_tables, table_parts, write_package

    with open_package(master_path) as pkg:
        master_tables = read_tables(pkg)
        if _TABLE not in master_tables:
            raise StoreOpsError(f"主文件没有跟进表 tblFollow / the master has no tblFollow: {master_path}")
        files = []
        for p in paths:
            if os.path.abspath(p) == os.path.abspath(master_path):
                continue
            tabs = read_tables(p)
            if _TABLE not in tabs:
                raise StoreOpsError(f"文件没有跟进表 tblFollow / no tblFollow in {p}")
            files.append((os.path.basename(p), tabs[_TABLE]))
        res = merge_follow(master_tables[_TABLE], files)
        parts: dict[str, bytes] = {}
        if res.added or res.updated:
            from storeops.tables import to_headers

            parts = table_parts(pkg, {_TABLE: to_headers(_TABLE, res.frame, inputs_only=True)})[0]
        if conflicts_csv:
            from storeops.csvout import write_csv

            write_csv(conflicts_frame(res.conflicts), conflicts_csv)
        if parts and not recalc:
            write_package(pkg, parts)
    if recalc:
        from storeops.engine import recalc as _recalc

        _recalc(master_path, progress=progress, overlay=parts)  # the merge and its values: one write
    return res
