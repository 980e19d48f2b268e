"""``storeops check``: every bad input row of a StoreOps workbook, with sheet, row and reason.

What is flagged (only what is truly wrong, so the list is worth reading):

* a number column holding text that is not a number (``'abc'``), or a negative count/amount;
* a date column holding an impossible date (``2026-02-30``, ``hello``);
* clicks above impressions (``tblFunnel``, ``tblProducts``, ``tblKeywords``; also the Top10
  averages of a keyword);
* a first reply before the message was received (``tblFollow``);
* a salesperson not listed in ``tblSalespeople`` (any table with a salesperson column);
* an open buyer (stage not closed: 搁置/流失 or another closed word, ``storeops_xl.followup.is_closed_stage``)
  without a next action;
* a blank required column on a row that has other data;
* the team loop (issue 10): 撞单 — the same buyer (company, e-mail or phone) with two
  salespeople (:mod:`storeops.clash`); two rows with the same buyer ID; an open buyer of a
  salesperson marked 在职 = 否 (hand them over with ``storeops reassign``); and a Target /
  Buyers / PK / Teams table whose rows do not follow the roster yet (``storeops recalc``).

Rows typed right below a table are checked like the table's own rows.

Parsing uses the same rules as every StoreOps function (``storeops_xl.inputs``), so a value
``check`` accepts is a value the formulas accept.  Rows whose inputs are all blank are
skipped.  Row numbers are Excel's (1-based, as shown at the left of the sheet).

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"period": ["2026-W38"], "item": ["x"], "impressions": [10], "clicks": [12]})
>>> [p.reason for p in check_frames({"tblFunnel": f})]
['点击大于曝光 / clicks (12) above impressions (10)']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, SupportsIndex

import numpy as np
import pandas as pd

from storeops.tables import blank_rows, excel_rows, is_blank, table, to_keys
from storeops.workbook.schema import CLOSED_STAGES, ROSTER_TABLES, TABLES
from storeops_xl.followup import is_closed_stage
from storeops_xl.inputs import to_date, to_number

__all__ = ["Problem", "check_frames", "check_workbook", "format_problems"]

_NUMERIC = {"int", "number", "money", "cny", "percent", "hours", "score"}
_DATES = {"date", "datetime"}
_PAIRS = {  # (smaller, larger) that cannot be reversed
    "tblFunnel": [("clicks", "impressions")],
    "tblProducts": [("clicks", "impressions")],
    "tblKeywords": [("clicks", "impressions"), ("top10_clicks", "top10_impressions")],
}


@dataclass(frozen=True)
class Problem:
    """One bad input: where it is and why."""

    sheet: str
    table: str
    row: int  # Excel row number (1-based)
    column: str  # header text
    value: Any
    reason: str  # bilingual, Chinese first

    def as_row(self) -> dict[str, Any]:
        return {
            "工作表 Sheet": self.sheet,
            "行 Row": self.row,
            "列 Column": self.column,
            "值 Value": "" if is_blank(self.value) else str(self.value),
            "原因 Reason": self.reason,
        }


def _show(v: Any) -> str:
    text = str(v)
    return repr(text[:40]) if isinstance(v, str) else text


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _check_table(
    name: str,
    frame: pd.DataFrame,
    salespeople: set[str] | None,
    left: set[str] | None = None,
    reply: dict[str, Any] | None = None,
) -> list[Problem]:
    t = table(name)
    kf = to_keys(name, frame).reset_index(drop=True)
    if kf.empty:
        return []
    rows = excel_rows(name, len(kf))
    empty = blank_rows(kf, [c.key for c in t.inputs])
    out: list[Problem] = []

    left = left or set()

    def add(i: SupportsIndex, key: str, value: Any, reason: str) -> None:
        out.append(Problem(t.sheet, name, rows[i], t.header(key), value, reason))

    parsed: dict[str, np.ndarray] = {}
    for c in t.inputs:
        raw = np.asarray(kf[c.key].tolist(), dtype=object)
        if c.fmt in _NUMERIC:
            col = to_number(raw, c.key, negative=True)
            parsed[c.key] = col.values
            for i in np.flatnonzero(~empty):
                if col.errors is not None and col.errors[i] is not None:
                    add(i, c.key, raw[i], f"不是数字 / not a number: {_show(raw[i])}")
                elif col.values[i] < 0:
                    add(i, c.key, raw[i], f"不能为负数 / cannot be negative: {_fmt_num(col.values[i])}")
        elif c.fmt in _DATES:
            col = to_date(raw, c.key)
            parsed[c.key] = col.values
            for i in np.flatnonzero(~empty):
                if col.errors is not None and col.errors[i] is not None:
                    add(i, c.key, raw[i], f"不是有效日期 / not a valid date: {_show(raw[i])}")

    for small, large in _PAIRS.get(name, []):
        a, b = parsed.get(small), parsed.get(large)
        if a is None or b is None:
            continue
        with np.errstate(invalid="ignore"):
            bad = (a > b) & ~empty
        for i in np.flatnonzero(bad):
            add(
                i,
                small,
                kf[small].iloc[i],
                f"点击大于曝光 / {small.replace('_', ' ')} ({_fmt_num(a[i])}) above "
                f"{large.replace('_', ' ')} ({_fmt_num(b[i])})",
            )

    if name == "tblFollow" and "received_at" in parsed and "replied_at" in parsed:
        from storeops_xl.followup import reply_hours

        rec, rep = parsed["received_at"], parsed["replied_at"]
        hours = reply_hours(rec, rep)
        for i in np.flatnonzero(~empty):
            h = hours[i]
            if isinstance(h, str) and "before" in h and not np.isnan(rec[i]) and not np.isnan(rep[i]):
                add(
                    i,
                    "replied_at",
                    kf["replied_at"].iloc[i],
                    "回复早于收到时间 / first reply is before the message was received",
                )

    if (
        salespeople is not None
        and name != "tblSalespeople"
        and name not in ROSTER_TABLES  # rows derived from the roster: see _roster_problems
        and "salesperson" in t.keys
        and t.col("salesperson").kind == "input"
    ):
        known = {s.strip().casefold() for s in salespeople}
        for i in np.flatnonzero(~empty):
            v = kf["salesperson"].iloc[i]
            if not is_blank(v) and str(v).strip().casefold() not in known:
                add(
                    i,
                    "salesperson",
                    v,
                    f"未知业务员(不在设置表) / unknown salesperson (not in tblSalespeople): {_show(v)}",
                )

    if name == "tblFollow" and reply is not None and "received_at" in parsed and "replied_at" in parsed:
        for late_i, hours in _late_unanswered(kf, parsed["received_at"], parsed["replied_at"], reply, ~empty):
            add(
                late_i,
                "replied_at",
                None,
                f"超时未回复 / unanswered past the reply limit (cfg_reply_rule): waiting {_fmt_num(round(hours, 1))} h",
            )

    if name == "tblFollow":
        for i in np.flatnonzero(~empty):
            stage = kf["stage"].iloc[i]
            if (is_blank(stage) or not is_closed_stage(stage)) and is_blank(kf["next_action"].iloc[i]):
                add(i, "next_action", None, "未结束的买家缺少下一步 / open buyer without a next action")

    for c in t.inputs:
        if not c.required:
            continue
        for i in np.flatnonzero(~empty):
            if is_blank(kf[c.key].iloc[i]):
                add(i, c.key, None, f"必填列为空 / required column is blank: {c.header}")
    if name == "tblFollow":
        _team_problems(kf.loc[~empty].reset_index(), add, left, rows)
    return out


def _team_problems(kf: pd.DataFrame, add, left: set[str], rows: list[int]) -> None:
    """撞单, duplicated buyer IDs and open buyers of salespeople who left (``kf['index']`` is
    the row's position in the table, ``rows`` the Excel row of each position)."""
    from storeops.buyer_ids import clean_id
    from storeops.clash import clashes

    pos = kf["index"].tolist()
    for c in clashes(kf):
        zh = ", ".join(f"第 {rows[pos[j]]} 行 {_sp(kf, j)}" for j in c.others[:3])
        en = ", ".join(f"row {rows[pos[j]]} {_sp(kf, j)}" for j in c.others[:3])
        add(
            pos[c.row],
            c.field,
            c.value,
            f"撞单: 同一买家也在其他业务员名下({zh}) / same buyer with another salesperson ({en})",
        )
    first: dict[str, int] = {}
    for i, v in enumerate(kf["buyer_id"].tolist()):
        bid = clean_id(v)
        if not bid:
            continue
        if bid in first:
            row = rows[pos[first[bid]]]
            add(
                pos[i],
                "buyer_id",
                bid,
                f"买家ID与第 {row} 行重复, 重算时会给本行新ID / same buyer ID as row {row}; recalc gives this row a new one",
            )
        else:
            first[bid] = i
    closed = {s.casefold() for s in CLOSED_STAGES}
    for i, (sp, stage) in enumerate(zip(kf["salesperson"].tolist(), kf["stage"].tolist())):
        if is_blank(sp) or str(sp).strip().casefold() not in left:
            continue
        if is_blank(stage) or str(stage).strip().casefold() not in closed:
            add(
                pos[i],
                "salesperson",
                sp,
                f"离职业务员的未结束买家, 请用 storeops reassign 转交 / open buyer of a salesperson who left: "
                f"hand it over with storeops reassign --from {str(sp).strip()!r}",
            )


def _sp(kf: pd.DataFrame, j: int) -> str:
    v = kf["salesperson"].iloc[j]
    return "" if is_blank(v) else str(v).strip()


def _roster_problems(frames: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """A roster table whose rows do not follow tblSalespeople yet: one problem per table."""
    from storeops.roster import mismatches

    out = []
    for name, (missing, extra) in mismatches(frames).items():
        t = table(name)
        parts = []
        if missing:
            parts.append("缺少 missing " + ", ".join(missing))
        if extra:
            parts.append("多出 extra " + ", ".join(extra))
        what = "; ".join(parts)
        out.append(
            Problem(
                t.sheet,
                name,
                t.anchor_row + 1,
                t.header(ROSTER_TABLES[name]),
                None,
                f"与设置中的业务员名册不一致({what}), 运行 storeops recalc 更新 / does not follow the roster in "
                f"Settings ({what}): run storeops recalc",
            )
        )
    return out


def _late_unanswered(
    kf: pd.DataFrame, rec: np.ndarray, rep: np.ndarray, reply: dict[str, Any], rows: np.ndarray
) -> list[tuple[int, float]]:
    """(row, hours waiting) of every message unanswered past the reply limit, by the same
    rules as the 及时 Timely column (``REPLY_HOURS`` running hours, ``REPLY_OK``)."""
    from storeops_xl.followup import reply_hours, reply_ok

    waiting = rows & np.isnan(rep) & ~np.isnan(rec)
    if "junk" in kf.columns:
        waiting &= ~kf["junk"].map(lambda v: not is_blank(v) and str(v).strip().startswith("是")).to_numpy(bool)
    idx = np.flatnonzero(waiting)
    if not len(idx):
        return []
    channel = np.asarray(kf["channel"].tolist(), dtype=object)[idx] if "channel" in kf.columns else None
    hours = np.asarray(reply_hours(rec[idx], rep[idx], reply["now"]), dtype=object).reshape(-1)
    limits = (reply.get("cfg_reply_inquiry_h"), reply.get("cfg_reply_tm_h"), reply.get("cfg_reply_rule"))
    ok = np.asarray(reply_ok(hours, channel, *limits, False, reply.get("cfg_reply_1688_min")), dtype=object).reshape(-1)
    out = []
    for j, i in enumerate(idx):
        if isinstance(ok[j], (bool, np.bool_)) and not ok[j]:
            out.append((int(i), float(hours[j])))
    return out


def check_frames(frames: Mapping[str, pd.DataFrame], *, reply: dict[str, Any] | None = None) -> list[Problem]:
    """Problems in table frames (header-text or key columns), sorted by sheet order and row.

    ``tblSalespeople`` (when given) defines the known salespeople; without it salespeople
    are not checked.  ``reply`` (``now``: the as-of time as an Excel serial, and the
    ``cfg_reply_*`` settings) turns on the unanswered-past-the-limit check.
    """
    from storeops.roster import is_active

    salespeople: set[str] | None = None
    left: set[str] = set()
    if "tblSalespeople" in frames:
        sp = to_keys("tblSalespeople", frames["tblSalespeople"])
        salespeople = {str(v).strip() for v in sp["salesperson"].tolist() if not is_blank(v)}
        left = {
            str(v).strip().casefold()
            for v, a in zip(sp["salesperson"].tolist(), sp["active"].tolist())
            if not is_blank(v) and not is_active(a)
        }
    order = list(TABLES)
    out: list[Problem] = []
    for name in sorted((n for n in frames if n in TABLES), key=order.index):
        out.extend(_check_table(name, frames[name], salespeople, left, reply))
    if "tblSalespeople" in frames:
        out.extend(_roster_problems(frames))
    out.sort(key=lambda p: (order.index(p.table), p.row))
    return out


def check_workbook(path: str) -> list[Problem]:
    """Read every table of the workbook at ``path`` and check it (the file is not changed)."""
    from storeops.xlsx import read_names, read_tables

    return check_frames(read_tables(path), reply=reply_settings(read_names(path)))


def reply_settings(names: Mapping[str, Any]) -> dict[str, Any]:
    """The as-of time (``cfg_as_of``'s, else now) as a serial, and the workbook's reply settings."""
    import datetime as _dt

    from storeops.engine.editions import as_of_instant
    from storeops_xl.inputs import EXCEL_EPOCH

    now = as_of_instant(names.get("cfg_as_of"), _dt.date.today(), _dt.datetime.now())
    out: dict[str, Any] = {"now": (now - EXCEL_EPOCH) / _dt.timedelta(days=1)}
    for key in ("cfg_reply_rule", "cfg_reply_inquiry_h", "cfg_reply_tm_h", "cfg_reply_1688_min"):
        out[key] = names.get(key)
    return out


def format_problems(problems: list[Problem]) -> str:
    """A plain-text table for the terminal."""
    if not problems:
        return "没有发现问题 / no problems found"
    lines = [f"{'工作表 Sheet':<20} {'行 Row':>6}  {'列 Column':<26} 原因 Reason"]
    for p in problems:
        lines.append(f"{p.sheet:<20} {p.row:>6}  {p.column:<26} {p.reason}")
    lines.append(f"共 {len(problems)} 个问题 / {len(problems)} problem(s)")
    return "\n".join(lines)
