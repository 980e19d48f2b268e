"""The Saturday review 每周六复盘, computed from the workbook's tables (pure pandas).

For one ISO week (Monday–Sunday) and per salesperson and team:

* **new buyers** 新买家: follow-up rows received in the week, by source (询盘/TM/RFQ/…);
* **replies** 回复: how many of them were answered, the average reply hours and the
  timely-reply rate (``TIMELY_RATE``: inquiry ≤ 24 h, TM ≤ 1 h);
* **class moves** 类别变化: ``class_last_week`` (written by the New week button) against the
  current ``BUYER_CLASS``; D→C→B→A is an upgrade, the reverse a downgrade;
* **overdue** 逾期跟进: ``OVERDUE(NEXT_FOLLOWUP(...))`` as of the review date (the end of the
  week, or today when the week is still running);
* **orders and revenue vs target** 订单与销售额: paid orders and order USD (12 months) against
  the annual target, with ``TARGET_PACE`` over the year as of the review date;
* **PK** for the week: ``PK_SCORE`` of the week's inquiries, new paying buyers, their order USD
  and the timely rate against a week's share (1/52) of the annual targets; the timely target
  is ``tblPK``'s 及时率目标 or 100 %.  Teams score the average of their members;
* **the platform's own rates** beside ours, when a staff analysis (员工分析) was imported:
  the 及时回复率 and 5分钟回复率 of the imported period that overlaps the week most (else the
  latest one before it);
* **submitted** 提交情况: who updated follow-up rows since the last working day before the
  review date (Monday–Friday; from the rows' 更新时间 ``updated_at``, as merged), and who did not.

The salespeople and teams are the active ones of the roster (``tblSalespeople``); buyers
of anyone else (a salesperson who left, a name typed wrong) are counted on one line,
"(不在名册 not on roster)", so no buyer drops out of the totals.

Buyers tagged 垃圾询盘 junk are left out of new buyers, replies, rates and overdue.  Buyers'
e-mail addresses and phone numbers inside any text (a name typed as an address) are masked
(:mod:`storeops_xl.privacy`) unless ``unmasked=True``.

Every rule is the StoreOps core function the workbook's formulas use.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from storeops.tables import drop_blank_rows, is_blank, to_keys
from storeops.workbook.schema import LISTS, PK_METRICS
from storeops_xl import followup as F
from storeops_xl import targets as TG
from storeops_xl.inputs import EXCEL_EPOCH, date_to_serial, to_date, to_number
from storeops_xl.settings import DEFAULTS

__all__ = ["OTHERS", "Review", "compute_review", "last_workday", "parse_week", "submissions", "week_of"]

_CLASS_RANK = {"D": 0, "C": 1, "B": 2, "A": 3}
#: the review line for buyers of salespeople not (or no longer) on the roster
OTHERS = "(不在名册 not on roster)"
_SOURCE_SHORT = {s: s.split(" ")[0] for s in LISTS["source"]}


def parse_week(text: str) -> tuple[_dt.date, _dt.date, str]:
    """``'2026-W47'`` → (Monday, Sunday, label).  Also accepts ``2026W47`` and ``2026-47``.

    >>> parse_week("2026-W47")
    (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22), '2026-W47')
    """
    from storeops.errors import StoreOpsError

    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Ww]?\s*(\d{1,2})\s*", str(text))
    if not m:
        raise StoreOpsError(f"周格式应为 2026-W47 / week must look like 2026-W47, got {text!r}")
    y, w = int(m.group(1)), int(m.group(2))
    try:
        start = _dt.date.fromisocalendar(y, w, 1)
    except ValueError:
        raise StoreOpsError(f"没有这一周 / no such week: {text!r}") from None
    return start, start + _dt.timedelta(days=6), f"{y}-W{w:02d}"


def week_of(day: _dt.date) -> str:
    """The ISO week label of ``day``.

    >>> import datetime as dt
    >>> week_of(dt.date(2026, 11, 21))
    '2026-W47'
    """
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def _serial(d: _dt.date) -> float:
    return date_to_serial(d)


def _nums(s: pd.Series, name: str) -> np.ndarray:
    return np.nan_to_num(to_number(np.asarray(s.tolist(), dtype=object), name, negative=True).values)


def _target_of(row: Any, key: str) -> float:
    """One annual target of a Target row (0 when the salesperson has no row)."""
    return float(_nums(pd.Series([getattr(row, key, None)]), key)[0]) if row else 0.0


def _dates(s: pd.Series, name: str) -> np.ndarray:
    return to_date(np.asarray(s.tolist(), dtype=object), name).values


def _setting(settings: Mapping[str, Any], name: str) -> Any:
    v = settings.get(name)
    return DEFAULTS.get(name) if is_blank(v) else v


def _obj(x: Any, n: int) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x.astype(object)
    return np.array([x] * n, dtype=object)


@dataclass
class Review:
    """The week's review: tables ready for the sheet and the PDF."""

    week: str
    start: _dt.date
    end: _dt.date
    as_of: _dt.date
    people: pd.DataFrame
    teams: pd.DataFrame
    moves: pd.DataFrame
    overdue: pd.DataFrame
    sources: list[str] = field(default_factory=list)
    submissions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def title(self) -> str:
        return f"周复盘 Weekly review {self.week} ({self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d})"


def _follow_columns(fk: pd.DataFrame, settings: Mapping[str, Any], as_of: _dt.date) -> pd.DataFrame:
    n = len(fk)
    out = pd.DataFrame(index=fk.index)
    out["buyer"] = fk["buyer"].astype(object)
    out["salesperson"] = [("" if is_blank(v) else str(v).strip()) for v in fk["salesperson"]]
    out["source"] = [("" if is_blank(v) else str(v).strip()) for v in fk["source"]]
    out["received"] = _dates(fk["received_at"], "received_at")
    hours = F.reply_hours(_obj(fk["received_at"].to_numpy(object), n), _obj(fk["replied_at"].to_numpy(object), n))
    out["reply_hours"] = pd.to_numeric(
        pd.Series(list(_obj(hours, n)), index=fk.index).map(
            lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan
        ),
        errors="coerce",
    )
    # the workbook's list values are bilingual ("询盘 Inquiry"); give the core its first word
    out["channel"] = [v.split(" ")[0] if isinstance(v, str) and v in LISTS["channel"] else v for v in fk["channel"]]
    cls = F.buyer_class(
        _obj(fk["order_usd"].to_numpy(object), n),
        _obj(fk["paid_orders"].to_numpy(object), n),
        _obj(fk["sample_orders"].to_numpy(object), n),
        _setting(settings, "cfg_class_a_usd"),
        _setting(settings, "cfg_class_a_repeat"),
    )
    out["class"] = [v if isinstance(v, str) and v in _CLASS_RANK else "" for v in _obj(cls, n)]
    out["class_last_week"] = [("" if is_blank(v) else str(v).strip().upper()[:1]) for v in fk["class_last_week"]]
    nxt = F.next_followup(
        _obj(fk["last_contact"].to_numpy(object), n),
        out["class"].to_numpy(object),
        _obj(fk["stage"].to_numpy(object), n),
        *(_setting(settings, f"cfg_cadence_{k}") for k in "abcd"),
    )
    nxt_arr = _obj(nxt, n)
    out["next_followup"] = [v if isinstance(v, _dt.datetime) else None for v in nxt_arr]
    od = F.overdue(nxt_arr, _serial(as_of))
    out["overdue"] = [v is True or (isinstance(v, (bool, np.bool_)) and bool(v)) for v in _obj(od, n)]
    out["paid_orders"] = _nums(fk["paid_orders"], "paid_orders")
    out["order_usd"] = _nums(fk["order_usd"], "order_usd")
    junk = fk["junk"] if "junk" in fk.columns else pd.Series([None] * n, index=fk.index)
    out["junk"] = [isinstance(v, str) and v.strip().split(" ")[0] in ("是", "Yes", "yes", "Y") for v in junk]
    return out


def _platform_rates(st: pd.DataFrame, start: _dt.date, end: _dt.date) -> dict[str, tuple[Any, Any]]:
    """Salesperson → (platform timely rate, 5-minute rate) of the staff-analysis period that
    overlaps the week most, else the latest period that ended before the week."""
    best: dict[str, tuple[tuple[int, float], tuple[Any, Any]]] = {}
    if st.empty:
        return {}
    lo, hi = _serial(start), _serial(end)
    ps, pe = _dates(st["period_start"], "period_start"), _dates(st["period_end"], "period_end")
    timely, fast = _nums(st["timely_rate"], "timely_rate"), _nums(st["reply_5min_rate"], "reply_5min_rate")
    raw_t, raw_f = st["timely_rate"].tolist(), st["reply_5min_rate"].tolist()
    for i, name in enumerate(st["salesperson"].tolist()):
        if is_blank(name) or ps[i] != ps[i] or pe[i] != pe[i] or ps[i] > hi:
            continue
        overlap = min(pe[i], hi) - max(ps[i], lo) + 1
        rank = (1, overlap) if overlap > 0 else (0, pe[i])
        vals = (None if is_blank(raw_t[i]) else float(timely[i]), None if is_blank(raw_f[i]) else float(fast[i]))
        key = str(name).strip()
        if key not in best or rank > best[key][0]:
            best[key] = (rank, vals)
    return {k: v for k, (_, v) in best.items()}


def _timely(rows: pd.DataFrame, settings: Mapping[str, Any]) -> float | None:
    if rows.empty:
        return None
    v = F.timely_rate(
        rows["reply_hours"].tolist(),
        rows["channel"].tolist(),
        _setting(settings, "cfg_reply_inquiry_h"),
        _setting(settings, "cfg_reply_tm_h"),
    )
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _moves_text(pairs: list[tuple[str, str]]) -> str:
    counts: dict[str, int] = {}
    for a, b in pairs:
        counts[f"{a}→{b}"] = counts.get(f"{a}→{b}", 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def compute_review(
    frames: Mapping[str, pd.DataFrame],
    week: str | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    today: _dt.date | None = None,
    unmasked: bool = False,
) -> Review:
    """Compute the review of ``week`` (``'2026-W47'``; default: the week of ``today``).

    ``frames``: table name → frame (header-text or key columns) for ``tblFollow`` and,
    when present, ``tblSalespeople``, ``tblTarget``, ``tblPK``, ``tblStaff``.  ``settings``:
    ``cfg_*`` values (defaults for blanks).  ``today`` defaults to ``cfg_as_of`` or the real
    date.  Contact details in texts are masked unless ``unmasked``.
    """
    settings = dict(settings or {})
    if today is None:
        asof = settings.get("cfg_as_of")
        if not is_blank(asof):
            s = to_date(np.array([asof], dtype=object), "cfg_as_of").values[0]
            today = (EXCEL_EPOCH + _dt.timedelta(days=float(s))).date() if s == s else None
        today = today or _dt.date.today()
    start, end, label = parse_week(week or week_of(today))
    as_of = min(today, end)

    def keyed(name: str) -> pd.DataFrame:
        f = frames.get(name)
        if f is None:
            return to_keys(name, pd.DataFrame())
        return drop_blank_rows(name, to_keys(name, f)).reset_index(drop=True)

    fk = keyed("tblFollow")
    sp = keyed("tblSalespeople")
    tg = keyed("tblTarget")
    pk = keyed("tblPK")
    fol = _follow_columns(fk, settings, as_of)
    fol = fol[~fol["junk"]]
    lo, hi = _serial(start), _serial(end) + 1
    fol["new"] = (fol["received"] >= lo) & (fol["received"] < hi)
    platform = _platform_rates(keyed("tblStaff"), start, end) if "tblStaff" in frames else {}

    from storeops.roster import people

    team_of = dict(people(sp))
    if not team_of:  # no roster: the salespeople of the follow-up rows, as they are typed
        team_of = {s: "" for s in dict.fromkeys(fol["salesperson"]) if s}
    on_roster = {k.casefold() for k in team_of}
    fol["salesperson"] = [
        next((k for k in team_of if k.casefold() == s.casefold()), s) if s.casefold() in on_roster else s
        for s in fol["salesperson"]
    ]
    others = ~fol["salesperson"].isin(list(team_of))
    names = list(team_of) + ([OTHERS] if others.any() else [])
    tgt = {str(r.salesperson).strip(): r for r in tg.itertuples() if not is_blank(r.salesperson)}
    t_timely = {}
    for r in pk.itertuples():
        if not is_blank(r.salesperson) and not is_blank(r.t_timely):
            t_timely[str(r.salesperson).strip()] = float(to_number(np.array([r.t_timely], dtype=object), "t").values[0])
    year_start, year_end = _dt.date(as_of.year, 1, 1), _dt.date(as_of.year, 12, 31)
    sources = list(LISTS["source"])

    recs, moves, overdue_rows = [], [], []
    pk_actual, pk_target = [], []
    for name in names:
        mine = fol[others] if name == OTHERS else fol[fol["salesperson"] == name]
        new = mine[mine["new"]]
        rec: dict[str, Any] = {"业务员 Salesperson": name, "团队 Team": team_of.get(name, "")}
        rec["新买家 New buyers"] = int(len(new))
        known = set(sources)
        for s in sources:
            rec[f"{_SOURCE_SHORT[s]} {s.split(' ', 1)[-1]}" if " " in s else s] = int((new["source"] == s).sum())
        rec["其他来源 Other"] = int((~new["source"].isin(known)).sum())
        replied = new["reply_hours"].notna()
        rec["已回复 Replied"] = int(replied.sum())
        rec["平均回复小时 Avg reply h"] = (
            round(float(new.loc[replied, "reply_hours"].mean()), 1) if replied.any() else None
        )
        rec["及时回复率 Timely rate"] = _timely(new, settings)
        if platform:
            rates = platform.get(name, (None, None))
            rec["平台及时回复率 Platform timely rate"], rec["平台5分钟回复率 Platform 5-min rate"] = rates
        pairs = []
        for buyer, a, b in zip(mine["buyer"], mine["class_last_week"], mine["class"]):
            if a in _CLASS_RANK and b in _CLASS_RANK and a != b:
                pairs.append((a, b))
                moves.append(
                    {
                        "业务员 Salesperson": name,
                        "买家 Buyer": buyer,
                        "上周 Last week": a,
                        "本周 Now": b,
                        "方向 Direction": "升级 up" if _CLASS_RANK[b] > _CLASS_RANK[a] else "降级 down",
                    }
                )
        rec["升级 Upgrades"] = sum(1 for a, b in pairs if _CLASS_RANK[b] > _CLASS_RANK[a])
        rec["降级 Downgrades"] = sum(1 for a, b in pairs if _CLASS_RANK[b] < _CLASS_RANK[a])
        rec["类别变化 Class moves"] = _moves_text(pairs)
        rec["逾期跟进 Overdue"] = int(mine["overdue"].sum())
        for r in mine[mine["overdue"]].itertuples():
            nd = r.next_followup
            overdue_rows.append(
                {
                    "业务员 Salesperson": name,
                    "买家 Buyer": r.buyer,
                    "下次跟进 Next follow-up": nd.date() if nd else None,
                    "逾期天数 Days overdue": (as_of - nd.date()).days if nd else None,
                }
            )
        t = tgt.get(name)
        sales_target = float(_nums(pd.Series([getattr(t, "sales_target", None)]), "t")[0]) if t else 0.0
        orders_target = float(_nums(pd.Series([getattr(t, "orders_target", None)]), "t")[0]) if t else 0.0
        rec["付款订单 Paid orders"] = int(mine["paid_orders"].sum())
        rec["订单目标 Orders target"] = orders_target or None
        rec["订单额 Revenue USD"] = round(float(mine["order_usd"].sum()), 2)
        rec["销售目标 Sales target USD"] = sales_target or None
        pace = TG.target_pace(rec["订单额 Revenue USD"], sales_target or None, year_start, year_end, as_of)
        rec["销售进度 Sales pace"] = pace if isinstance(pace, float) else None
        lab = (
            TG.pace_label(pace, _setting(settings, "cfg_pace_ahead"), _setting(settings, "cfg_pace_behind"))
            if isinstance(pace, float)
            else None
        )
        rec["进度 Pace"] = lab if isinstance(lab, str) and not lab.startswith("#") else ""
        # weekly PK
        week_new_buyers = int((new["paid_orders"] > 0).sum())
        week_usd = float(new["order_usd"].sum())
        timely = rec["及时回复率 Timely rate"] or 0.0
        pk_actual.append([len(new), week_new_buyers, week_usd, timely])
        pk_target.append(
            [
                _target_of(t, "inquiries_target") / 52,
                _target_of(t, "new_buyers_target") / 52,
                _target_of(t, "sales_target") / 52,
                t_timely.get(name, 1.0),
            ]
        )
        recs.append(rec)

    people = pd.DataFrame(recs)
    if recs:
        weights = settings.get("cfg_pk_weights")
        if not isinstance(weights, (list, tuple, np.ndarray)) or len(np.ravel(weights)) != len(PK_METRICS):
            weights = [w for _, _, w in PK_METRICS]
        scores = TG.pk_score(pk_actual, pk_target, weights, _setting(settings, "cfg_pk_cap"))
        scores = np.atleast_1d(np.asarray(scores, dtype=object))
        people["PK得分 PK score"] = [
            round(float(s), 1) if isinstance(s, (int, float, np.floating)) and n != OTHERS else None
            for s, n in zip(scores, names)
        ]
        people["PK排名 PK rank"] = people["PK得分 PK score"].rank(method="min", ascending=False).astype("Int64")
    teams = _teams(
        people[people["业务员 Salesperson"] != OTHERS] if recs else people, fol, settings, as_of, year_start, year_end
    )
    review = Review(
        label,
        start,
        end,
        as_of,
        people,
        teams,
        pd.DataFrame(
            moves, columns=["业务员 Salesperson", "买家 Buyer", "上周 Last week", "本周 Now", "方向 Direction"]
        ),
        pd.DataFrame(
            overdue_rows,
            columns=["业务员 Salesperson", "买家 Buyer", "下次跟进 Next follow-up", "逾期天数 Days overdue"],
        ),
        sources,
        submissions(fk, list(team_of), as_of),
    )
    if not unmasked:
        from storeops.masking import mask_texts

        for part in ("people", "teams", "moves", "overdue", "submissions"):
            setattr(review, part, mask_texts(getattr(review, part)))
    return review


def last_workday(day: _dt.date) -> _dt.date:
    """The working day (Monday–Friday) before ``day`` — the same rule as ``cfg_last_workday``.

    >>> import datetime as dt
    >>> last_workday(dt.date(2026, 11, 21)), last_workday(dt.date(2026, 11, 23))
    (datetime.date(2026, 11, 20), datetime.date(2026, 11, 20))
    """
    back = {0: 3, 6: 2}.get(day.weekday(), 1)
    return day - _dt.timedelta(days=back)


def submissions(fk: pd.DataFrame, names: list[str], as_of: _dt.date) -> pd.DataFrame:
    """提交情况: per salesperson, the latest update of their follow-up rows and whether they
    updated any since the last working day before ``as_of``."""
    since = last_workday(as_of)
    stamps = _dates(fk["updated_at"], "updated_at") if len(fk) else np.array([])
    who = [("" if is_blank(v) else str(v).strip().casefold()) for v in fk["salesperson"]] if len(fk) else []
    recs = []
    for name in names:
        mine = np.array([w == name.casefold() for w in who], dtype=bool)
        s = stamps[mine] if mine.any() else np.array([])
        s = s[np.isfinite(s)]
        last = (EXCEL_EPOCH + _dt.timedelta(days=float(s.max()))).replace(microsecond=0) if len(s) else None
        n = int((s >= _serial(since)).sum())
        recs.append(
            {
                "业务员 Salesperson": name,
                "最近更新 Last update": last.strftime("%Y-%m-%d %H:%M") if last else None,
                f"{since:%m-%d} 起更新 Updated since": n,
                "已提交 Submitted": "已提交 Yes" if n else "未提交 No",
            }
        )
    return pd.DataFrame(recs)


def _teams(
    people: pd.DataFrame,
    fol: pd.DataFrame,
    settings: Mapping[str, Any],
    as_of: _dt.date,
    year_start: _dt.date,
    year_end: _dt.date,
) -> pd.DataFrame:
    if people.empty:
        return pd.DataFrame()
    recs = []
    for team, grp in people.groupby("团队 Team", sort=True):
        members = grp["业务员 Salesperson"].tolist()
        rows = fol[fol["salesperson"].isin(members)]
        rec: dict[str, Any] = {"团队 Team": team or "(无团队 none)", "人数 Members": len(members)}
        for col in (
            "新买家 New buyers",
            "已回复 Replied",
            "升级 Upgrades",
            "降级 Downgrades",
            "逾期跟进 Overdue",
            "付款订单 Paid orders",
            "订单额 Revenue USD",
        ):
            rec[col] = grp[col].sum()
        rec["及时回复率 Timely rate"] = _timely(rows[rows["new"]], settings)
        target = grp["销售目标 Sales target USD"].fillna(0).sum()
        rec["销售目标 Sales target USD"] = target or None
        pace = TG.target_pace(rec["订单额 Revenue USD"], target or None, year_start, year_end, as_of)
        rec["销售进度 Sales pace"] = pace if isinstance(pace, float) else None
        if "PK得分 PK score" in grp:
            rec["PK得分 PK score"] = round(float(grp["PK得分 PK score"].astype(float).mean()), 1)
        recs.append(rec)
    teams = pd.DataFrame(recs)
    if "PK得分 PK score" in teams:
        teams["PK排名 PK rank"] = teams["PK得分 PK score"].rank(method="min", ascending=False).astype("Int64")
    return teams
