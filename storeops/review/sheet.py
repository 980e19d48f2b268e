"""Write the review into the workbook as the sheet ``周复盘 Review`` (XML level).

The sheet is added at the end of the workbook (or its part replaced when it already
exists).  Only three package parts change besides the sheet itself — ``xl/workbook.xml``
(one ``<sheet>``), its ``.rels`` (one relationship) and ``[Content_Types].xml`` (one
override) — and only when the sheet is new; every other member (VBA project, ribbon,
styles, tables, charts) is copied byte for byte.  Text is written as inline strings, so no
text can ever become a formula.  The write is atomic (temporary file + rename).
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import pandas as pd

from storeops.workbook.schema import S_REVIEW

from .cells import PERCENT, blank, show
from .compute import Review

__all__ = ["copy_review_sheet", "review_rows", "write_review_sheet"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_WS_TYPE = _REL + "/worksheet"
_WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _cell_value(v: Any, col: str) -> Any:
    if blank(v):
        return None
    if col in PERCENT and isinstance(v, (int, float)):
        return show(v, col)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.strftime("%Y-%m-%d")
    if hasattr(v, "item"):
        v = v.item()
    return v


def review_rows(review: Review) -> list[list[Any]]:
    """The sheet's content as rows of plain values (text, numbers, ``None``)."""
    rows: list[list[Any]] = [
        [review.title],
        [f"统计日期 As of {review.as_of:%Y-%m-%d}  ·  由 storeops review 生成 / written by storeops review"],
        [review.headline],
        [],
    ]

    def block(title: str, df: pd.DataFrame) -> None:
        rows.append([title])
        if df.empty:
            rows.append(["无 / none"])
        else:
            rows.append(list(df.columns))
            for _, r in df.iterrows():
                rows.append([_cell_value(r[c], c) for c in df.columns])
        rows.append([])

    block("业务员 Per salesperson", review.people)
    block("团队 Per team", review.teams)
    block(f"类别变化 Class moves (D→C→B→A) — {len(review.moves)}", review.moves)
    block(f"逾期跟进 Overdue follow-ups — {len(review.overdue)}", review.overdue)
    block(f"超时未回复 Late, unanswered — {len(review.unanswered)}", review.unanswered)
    block(f"本周到期目标 Goals due this week — {len(review.goals)}", review.goals)
    block(f"本周订单 Orders this week — {len(review.orders)}", review.orders)
    block(f"诈骗警示 Scam alerts — {len(review.scams)}", review.scams)
    block("提交情况 Submitted since the last working day", review.submissions)
    return rows


def write_review_sheet(path: str, review: Review, sheet_name: str = S_REVIEW) -> None:
    """Add or replace the review sheet in the workbook at ``path`` (atomically)."""
    from storeops.xlsx import write_package
    from storeops.xlsx._package import open_package
    from storeops.xlsx._sheets import plain_sheet_xml, put_sheet

    data = plain_sheet_xml(review_rows(review))
    with open_package(path) as pkg:
        replace: dict[str, bytes] = {}
        put_sheet(pkg, sheet_name, data, replace)
        write_package(pkg, replace)


def copy_review_sheet(src: Any, dst: str, sheet_name: str = S_REVIEW) -> bool:
    """Copy the review sheet of the open package ``src`` (its values, as last written or saved)
    into the workbook at ``dst``, atomically: ``storeops migrate`` keeps the last review of a
    workbook it builds anew.  ``False`` when ``src`` has no such sheet."""
    from storeops.xlsx import write_package
    from storeops.xlsx._cells import XLErr, col_index, read_columns
    from storeops.xlsx._package import open_package
    from storeops.xlsx._sheets import plain_sheet_xml, put_sheet

    sheet = next((s for s in src.sheets if s.name == sheet_name), None)
    if sheet is None:
        return False
    cells: dict[int, dict[int, Any]] = {}
    for letters, cc in read_columns(src.read(sheet.path), src.shared_strings, frozenset(), None).items():
        values = cc.values if cc.values is not None else cc.nums
        for r, v in zip(cc.rows.tolist(), values.tolist() if hasattr(values, "tolist") else values):
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            cells.setdefault(r, {})[col_index(letters) - 1] = str(v) if isinstance(v, XLErr) else v
    rows = []
    for r in range(1, max(cells, default=0) + 1):
        row = cells.get(r, {})
        rows.append([row.get(c) for c in range(max(row, default=-1) + 1)])
    with open_package(dst) as pkg:
        replace: dict[str, bytes] = {}
        put_sheet(pkg, sheet_name, plain_sheet_xml(rows), replace)
        write_package(pkg, replace)
    return True
