"""``storeops merge FILES... --into MASTER``: salespeople's workbooks into the master, on disk.

Before anything is written, every file is checked, and one bad file stops the whole merge
(exit code non-zero, the master byte-identical):

* its template version (document property ``StoreOpsSchemaVersion``) equals the master's;
* its 跟进 Follow-up table has no column the template does not know — a renamed column is
  refused (a renamed 阶段目标 column would otherwise blank every goal in the master, a renamed
  业务员 column append every row again) — and has the key columns (buyer, company,
  salesperson, received at); a column an older template lacks is no edit: the master keeps
  its values;
* its text cells can all be read (a damaged shared-string part would read as blanks and
  blank the master's values).

Then the rules of :mod:`storeops.merge` run; when something changed, the master's
follow-up table, its buyer IDs and sync marks, and the 合并冲突 Conflicts sheet are
written in one atomic replace, and the master is recalculated.  Merging files that change
nothing (an unchanged copy, the master itself, the same files twice) leaves the master
byte-identical.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from storeops.errors import StoreOpsError
from storeops.merge import MergeResult, merge_follow
from storeops.workbook import schema

__all__ = ["MergeReport", "merge_files", "read_follow", "stamped_version"]

_TABLE = "tblFollow"
_VERSION_PROP = "StoreOpsSchemaVersion"


@dataclass
class MergeReport:
    result: MergeResult
    new_conflicts: list = field(default_factory=list)  # not recorded on the Conflicts sheet before
    written: bool = False


def stamped_version(pkg) -> int | None:
    """The template version stamped in ``docProps/custom.xml`` (``StoreOpsSchemaVersion``),
    or ``None`` for a file without the stamp.

    A stand-in until the stamp reader of issue 15 lands: same property, same meaning.
    """
    if not pkg.has("docProps/custom.xml"):
        return None
    data = pkg.read("docProps/custom.xml")
    m = re.search(
        rb'name="%s"[^>]*>\s*<vt:(?:i4|i8|int|lpwstr)>\s*(\d+)\s*</vt:' % _VERSION_PROP.encode(),
        data,
    )
    return int(m.group(1)) if m else None


def _damaged_strings(pkg, xml: bytes) -> bool:
    """True when the file's texts cannot all be read: its shared-string part holds fewer
    texts than it declares (a truncated part), or a cell points past its end."""
    if not pkg.sst_path:
        return b't="s"' in xml
    head = pkg.read(pkg.sst_path)[:1000]
    declared = re.search(rb'uniqueCount="(\d+)"', head)
    if declared:
        return len(pkg.shared_strings) < int(declared.group(1))
    used = re.findall(rb'<c\b[^>]*?\bt="s"[^>]*>\s*<v>(\d+)</v>', xml)  # no count declared: look at the cells
    return bool(used) and max(map(int, used)) >= len(pkg.shared_strings)


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
    xml = pkg.read(pkg.sheet(t.sheet).path)
    if _damaged_strings(pkg, xml):
        raise StoreOpsError(
            f"{who}: 文件已损坏(文字内容不完整),未合并任何文件 / the file is damaged (its texts are "
            "incomplete); nothing was merged"
        )
    return _table_frame(pkg, t, xml, formulas=False)


def _write_rows(view, master: pd.DataFrame, result: MergeResult) -> None:
    """Write what the merge changed, and only that: the input cells of the rows it replaced,
    the buyer ID / sync mark cells it filled in the other rows, and the new rows appended
    (a big master is not rewritten for a few edits)."""
    from storeops.maintain.cells import set_cells
    from storeops.tables import clean_value, to_headers, to_keys
    from storeops.xlsx._cells import col_letters
    from storeops.xlsx._tables import _cell_xml, update_tables

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
            cx = _cell_xml(c, row, style[k], rec[k])
            if cx is None:
                cx = b'<c r="%s%d"%s/>' % (col_letters(c).encode(), row, style[k])
            cells.setdefault(row, {})[c] = cx
    if cells:
        view.parts[path] = set_cells(xml, cells)
    if added:
        frame = to_headers(_TABLE, pd.DataFrame(added, columns=result.frame.columns), inputs_only=True)
        update_tables(view, {_TABLE: frame}, view.parts, mode="append")


def merge_files(
    master_path: str,
    paths: Sequence[str],
    *,
    conflicts_csv: str | None = None,
    recalc: bool = True,
    progress: bool = True,
) -> MergeReport:
    """Merge the tblFollow of each workbook in ``paths`` into ``master_path`` (in place,
    atomically; recalculated when rows changed).  Returns the :class:`MergeReport`."""
    from storeops.conflicts import conflicts_frame, record_conflicts
    from storeops.maintain import edit_workbook
    from storeops.maintain.columns import add_missing_columns
    from storeops.xlsx import open_package

    master_name = os.path.basename(master_path)

    def change(view) -> MergeReport:
        master_version = stamped_version(view) or 1
        master = read_follow(view, who=master_name)
        files = []
        for p in paths:
            if os.path.abspath(p) == os.path.abspath(master_path):
                continue  # the master merged into itself: nothing to do
            name = os.path.basename(p)
            with open_package(p) as fp:
                version = stamped_version(fp) or 1
                if version != master_version:
                    raise StoreOpsError(
                        f"{name}: 模板版本 {version} 与主文件的 {master_version} 不同,请先运行 storeops recalc {name} "
                        f"升级; 未合并任何文件 / template version {version} differs from the master's "
                        f"{master_version}: run `storeops recalc {name}` to migrate it first; nothing was merged"
                    )
                files.append((name, read_follow(fp, who=name)))
        result = merge_follow(master, files)
        report = MergeReport(result)
        if result.added or result.updated:
            add_missing_columns(view, view.tables[_TABLE], schema.FOLLOW)
            _write_rows(view, master, result)
        if result.conflicts:
            report.new_conflicts = record_conflicts(view, result.conflicts, view.parts)
        return report

    report, written = edit_workbook(master_path, change)
    report.written = written
    result = report.result
    if conflicts_csv:
        conflicts_frame(result.conflicts).to_csv(conflicts_csv, index=False, encoding="utf-8-sig")
    if recalc and (result.added or result.updated):
        from storeops.engine import recalc as _recalc

        _recalc(master_path, progress=progress)
    return report
