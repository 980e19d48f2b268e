"""The merge conflict report: every version ``merge`` did not keep, kept here.

One line per conflict names both versions — the one now in the master (file and update
time) and the one that was not kept — followed by **every input value of the version not
kept**, so nothing a salesperson typed is ever lost.  The report is

* printed by ``storeops merge``;
* written to ``--conflicts CSV`` (this run's conflicts);
* appended to the sheet **合并冲突 Conflicts** of the master, which keeps the history: a
  conflict already recorded (same buyer, same two versions) is not recorded twice, so
  merging the same files again changes nothing.

Examples
--------
>>> from storeops.merge import Conflict, Version
>>> c = Conflict("B123", Version("li.xlsm", {"buyer": "Bob", "stage": "样品 Sample", "updated_at": "2026-11-05 17:00"}),
...              Version("wu.xlsm", {"buyer": "Bob", "stage": "流失 Lost", "updated_at": "2026-11-04 09:00"}), ["阶段 Stage"])
>>> print(format_conflicts([c]))
冲突 1 个 / 1 conflict(s):
  Bob (B123): 采用 kept li.xlsm 2026-11-05 17:00 · 未采用 not kept wu.xlsm 2026-11-04 09:00 · 不同 differ: 阶段 Stage
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from storeops.merge import Conflict
from storeops.tables import clean_value, table
from storeops.workbook.schema import FOLLOW_SYSTEM, S_CONFLICTS

__all__ = ["REPORT_COLUMNS", "conflict_rows", "conflicts_frame", "format_conflicts", "record_conflicts"]

_META = (
    "记录时间 Recorded at",
    "买家ID Buyer ID",
    "采用 Kept (file)",
    "采用版本更新时间 Kept updated at",
    "未采用 Not kept (file)",
    "未采用版本更新时间 Not-kept updated at",
    "不同的列 Columns that differ",
    "标记 Mark",
)
_VALUE_KEYS = [c.key for c in table("tblFollow").inputs if c.key not in FOLLOW_SYSTEM]
#: the report's columns: who/when/what, then the not-kept version's input values
REPORT_COLUMNS = (*_META, *[table("tblFollow").header(k) for k in _VALUE_KEYS])
_TITLE = [
    ["合并冲突 Merge conflicts"],
    [
        "同一买家被两处修改: 最新的修改写入主文件, 另一版本完整保存在这里 / "
        "a buyer changed in two places: the newest edit is in the master, the other version is kept here in full"
    ],
    [],
]
_HEADER_ROW = len(_TITLE) + 1


def _show(v: Any) -> Any:
    v = clean_value(v)
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, _dt.date):
        return v.isoformat()
    return v


def mark(c: Conflict) -> str:
    """What identifies a conflict: buyer and the two versions' fingerprints."""
    return f"{c.buyer_id}:{c.kept.fingerprint}>{c.lost.fingerprint}"


def conflict_rows(conflicts: Sequence[Conflict], when: _dt.datetime | None = None) -> list[list[Any]]:
    """One row of report values per conflict."""
    stamp = (when or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return [
        [
            stamp,
            c.buyer_id,
            c.kept.source,
            _show(c.kept.updated),
            c.lost.source,
            _show(c.lost.updated),
            "; ".join(c.columns),
            mark(c),
            *[_show(c.lost.row.get(k)) for k in _VALUE_KEYS],
        ]
        for c in conflicts
    ]


def conflicts_frame(conflicts: Sequence[Conflict], when: _dt.datetime | None = None) -> pd.DataFrame:
    """The report as a frame (for the CSV)."""
    return pd.DataFrame(conflict_rows(conflicts, when), columns=list(REPORT_COLUMNS))


def format_conflicts(conflicts: Sequence[Conflict]) -> str:
    """One line per conflict, for the terminal."""
    if not conflicts:
        return "没有冲突 / no conflicts"
    lines = [f"冲突 {len(conflicts)} 个 / {len(conflicts)} conflict(s):"]
    for c in conflicts:
        lines.append(
            f"  {c.buyer} ({c.buyer_id}): 采用 kept {c.kept.source} {_show(c.kept.updated) or '–'} · "
            f"未采用 not kept {c.lost.source} {_show(c.lost.updated) or '–'} · 不同 differ: {'; '.join(c.columns)}"
        )
    return "\n".join(lines)


def recorded_marks(pkg: Any) -> tuple[set[str], int]:
    """Marks of the conflicts already on the master's Conflicts sheet, and its last row."""
    from storeops.xlsx._cells import col_letters, read_columns

    sheet = next((s for s in pkg.sheets if s.name == S_CONFLICTS), None)
    if sheet is None:
        return set(), 0
    xml = pkg.read(sheet.path)
    letter = col_letters(_META.index("标记 Mark") + 1)
    data = read_columns(xml, pkg.shared_strings, pkg.date_styles, None)
    last = max((int(cc.rows.max()) for cc in data.values() if len(cc.rows)), default=0)
    cc = data.get(letter)
    marks = set() if cc is None else {str(v) for r, v in zip(cc.rows, cc.objects) if r > _HEADER_ROW and v}
    return marks, last


def record_conflicts(pkg: Any, conflicts: Sequence[Conflict], replace: dict[str, Any]) -> list[Conflict]:
    """Append the conflicts not yet recorded to the Conflicts sheet (parts go into
    ``replace``); returns those new conflicts."""
    from storeops.xlsx._sheets import plain_row, plain_sheet_xml, put_sheet

    marks, last = recorded_marks(pkg)
    new, seen = [], set(marks)
    for c in conflicts:
        if mark(c) not in seen:
            seen.add(mark(c))
            new.append(c)
    if not new:
        return []
    rows = conflict_rows(new)
    sheet = next((s for s in pkg.sheets if s.name == S_CONFLICTS), None)
    if sheet is None or last < _HEADER_ROW:
        data = plain_sheet_xml([*_TITLE, list(REPORT_COLUMNS), *rows], first_width=16, columns=len(REPORT_COLUMNS))
        put_sheet(pkg, S_CONFLICTS, data, replace)
        return new
    xml = replace.get(sheet.path) or pkg.read(sheet.path)
    end = xml.rfind(b"</sheetData>")  # the new rows come after every row the sheet has
    added = b"".join(plain_row(last + 1 + i, row) for i, row in enumerate(rows))
    replace[sheet.path] = xml[:end] + added + xml[end:]
    return new
