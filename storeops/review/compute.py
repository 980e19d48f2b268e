"""The Saturday review 每周六复盘, computed from the workbook's tables (pure pandas).

For one ISO week (Monday–Sunday), as of its end (or the as-of date while the week runs), per
salesperson and team:

* **new buyers** 新买家: follow-up rows received in the week, by source (询盘/TM/RFQ/…);
* **replies** 回复: of those buyers, how many were answered, still unanswered, the average reply
  hours, the rate under the platform's rule (``cfg_reply_rule``: current Alibaba.com 24 h,
  2024 inquiry 24 h / TM 1 h, or 1688 3 minutes) and under the shop's own target
  (``cfg_reply_target_h``, 4 h); an unanswered message counts late once its running hours pass
  the limit, and every message still unanswered past it is listed;
* **class moves** 类别变化: each buyer's class at the end of the week against the end of the
  week before, both from the dated order log (:func:`storeops_xl.orders.class_at`), so any
  week's moves are true whenever the review runs; D→C→B→A is an upgrade;
* **goals** 定目标/抓过程: goals set in the week, goals due in it, met, missed, met rate;
* **overdue** 逾期跟进: every buyer whose next follow-up has passed as of the review date;
* **orders and revenue** 订单与销售额: the week's counted paid orders by the order's salesperson,
  year-to-date revenue against the seasonally weighted target to date (``SEASON_SHARE``), pace;
* **close band** 成交能力: customers ÷ buyers with the seed's bands (≥ 70 % strong, ≤ 10 % weak);
* **scam alerts** 防骗: buyers contacted this week whose last message scores 高 high risk;
* **PK** for the week: ``PK_SCORE`` of the week's inquiries, new paying buyers, revenue and the
  timely rate against the annual targets' seasonal share of the week so far; the timely target is
  ``tblPK``'s 及时率目标 or 100 %.  Teams score the average of their members;
* **the platform's own rates** beside ours, when a staff analysis (员工分析) was imported: the
  及时回复率 and 5分钟回复率 of the imported period that overlaps the week most;
* **submitted** 提交情况: who updated follow-up rows since the last working day before the
  review date (Monday–Friday; from the rows' 更新时间 ``updated_at``, as merged), and who did not.

The salespeople and teams are the active ones of the roster (``tblSalespeople``); buyers
of anyone else (a salesperson who left, a name typed wrong) are counted on one line,
"(不在名册 not on roster)", so no buyer drops out of the totals.

Buyers tagged 垃圾询盘 junk are left out of new buyers, replies, rates and overdue.  Buyers'
e-mail addresses and phone numbers inside any text are masked (:mod:`storeops_xl.privacy`)
unless ``unmasked=True``.  Every rule is the StoreOps core function the workbook's formulas use.
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
from storeops_xl import goals as G
from storeops_xl import orders as O
from storeops_xl import targets as TG
from storeops_xl.inputs import EXCEL_EPOCH, date_to_serial, to_date, to_number
from storeops_xl.scam import scam_risk
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
        return x.astype(object).reshape(-1)
    return np.array([x] * n, dtype=object)


def _text(v: Any) -> str:
    return "" if is_blank(v) else str(v).strip()


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


@dataclass
class Review:
    """The week's review: tables ready for the sheet, the PDF and the phone picture."""

    week: str
    start: _dt.date
    end: _dt.date
    as_of: _dt.date
    people: pd.DataFrame
    teams: pd.DataFrame
    moves: pd.DataFrame
    overdue: pd.DataFrame
    sources: list[str] = field(default_factory=list)
    goals: pd.DataFrame = field(default_factory=pd.DataFrame)
    orders: pd.DataFrame = field(default_factory=pd.DataFrame)
    unanswered: pd.DataFrame = field(default_factory=pd.DataFrame)
    scams: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, Any] = field(default_factory=dict)
    submissions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def title(self) -> str:
        return f"周复盘 Weekly review {self.week} ({self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d})"

    @property
    def quiet(self) -> bool:
        """No new buyer, no order, no class move and no goal due this week."""
        t = self.totals
        return not (t.get("new_buyers") or t.get("orders") or len(self.moves) or t.get("goals_due"))

    @property
    def headline(self) -> str:
        """One line that says the whole week (bilingual)."""
        t = self.totals
        if self.quiet:
            return (
                "本周没有新买家、订单、类别变化或到期目标 / a quiet week: no new buyers, orders, class moves "
                f"or goals due · 逾期跟进 overdue {t.get('overdue', 0)}"
            )
        rate = t.get("timely_rate")
        shop = t.get("target_rate")
        return (
            f"新买家 new buyers {t.get('new_buyers', 0)} · 订单 orders {t.get('orders', 0)} · "
            f"销售额 revenue ${t.get('revenue', 0):,.0f} · 及时回复 timely {_pct(rate)} (平台规则 platform rule) / "
            f"{_pct(shop)} (≤{t.get('target_h', 4):g} h) · 升级 up {t.get('upgrades', 0)} / 降级 down "
            f"{t.get('downgrades', 0)} · 目标达成 goals met {t.get('goals_met', 0)}/{t.get('goals_due', 0)} · "
            f"逾期 overdue {t.get('overdue', 0)} · 超时未回复 late unanswered {t.get('late_unanswered', 0)} · "
            f"诈骗警示 scam alerts {t.get('scams', 0)}"
        )


def _pct(v: Any) -> str:
    return "—" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{float(v):.0%}"


def _orders_columns(ok: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    n = len(ok)
    out = pd.DataFrame(index=ok.index)
    out["date"] = _dates(ok["order_date"], "order_date") if n else np.array([], dtype=float)
    out["buyer_id"] = [_text(v) for v in ok["buyer_id"]]
    out["salesperson"] = [_text(v) for v in ok["salesperson"]]
    counted = O.order_kind(_obj(ok["kind"].to_numpy(object), n), _obj(ok["status"].to_numpy(object), n))
    out["counted"] = [v if v in O.KINDS else None for v in _obj(counted, n)] if n else []
    usd = O.order_usd(
        _obj(ok["amount"].to_numpy(object), n),
        _obj(ok["currency"].to_numpy(object), n),
        _setting(settings, "cfg_fx_usd_cny"),
    )
    out["usd"] = np.array(
        [float(v) if isinstance(v, (int, float)) and v == v else 0.0 for v in _obj(usd, n)] if n else [], dtype=float
    )
    out["product"] = [_text(v) for v in ok["product"]]
    return out


def _follow_columns(
    fk: pd.DataFrame, orders: pd.DataFrame, settings: Mapping[str, Any], as_of: _dt.date, start: _dt.date
) -> pd.DataFrame:
    n = len(fk)
    out = pd.DataFrame(index=fk.index)
    out["buyer"] = fk["buyer"].astype(object)
    out["buyer_id"] = [_text(v) for v in fk["buyer_id"]]
    out["salesperson"] = [_text(v) for v in fk["salesperson"]]
    out["source"] = [_text(v) for v in fk["source"]]
    out["received"] = _dates(fk["received_at"], "received_at")
    out["last_contact"] = _dates(fk["last_contact"], "last_contact")
    instant = _serial(as_of) + 1.0  # the end of the review date (cfg_now of that day)
    rec, rep = _obj(fk["received_at"].to_numpy(object), n), _obj(fk["replied_at"].to_numpy(object), n)
    hours = _obj(F.reply_hours(rec, rep, instant), n)
    out["reply_hours"] = [v if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan for v in hours]
    out["answered"] = np.array([not is_blank(v) for v in rep], dtype=bool)
    # the workbook's list values are bilingual ("询盘 Inquiry"); give the core its first word
    channel = [v.split(" ")[0] if isinstance(v, str) and v in LISTS["channel"] else v for v in fk["channel"]]
    rule = (
        _setting(settings, "cfg_reply_inquiry_h"),
        _setting(settings, "cfg_reply_tm_h"),
        _setting(settings, "cfg_reply_rule"),
    )
    answered = np.asarray(out["answered"].tolist(), dtype=object)
    hours_arr = np.asarray(out["reply_hours"].tolist(), dtype=object)
    ch = np.asarray(channel, dtype=object)
    ok = F.reply_ok(hours_arr, ch, *rule, answered, _setting(settings, "cfg_reply_1688_min"))
    target = _setting(settings, "cfg_reply_target_h")
    on = F.reply_ok(hours_arr, ch, target, target, "alibaba", answered)
    out["timely"] = [bool(v) if isinstance(v, (bool, np.bool_)) else None for v in _obj(ok, n)]
    out["on_target"] = [bool(v) if isinstance(v, (bool, np.bool_)) else None for v in _obj(on, n)]
    a_usd, a_rep = _setting(settings, "cfg_class_a_usd"), _setting(settings, "cfg_class_a_repeat")
    args = (orders["buyer_id"], orders["date"], orders["counted"], orders["usd"])
    ids = out["buyer_id"].tolist()
    out["class"] = list(O.class_at(ids, *args, as_of, a_usd, a_rep)) if n else []
    before = start - _dt.timedelta(days=1)
    out["class_before"] = list(O.class_at(ids, *args, before, a_usd, a_rep)) if n else []
    window = (pd.Timestamp(as_of) - pd.DateOffset(months=12) + pd.Timedelta(days=1)).to_pydatetime()
    totals = O.buyer_totals(ids, *args, window, _serial(as_of) + 1)
    out["paid_12m"] = totals["paid"].to_numpy() if n else []
    nxt = F.next_followup(
        _obj(fk["last_contact"].to_numpy(object), n),
        out["class"].to_numpy(object),
        _obj(fk["stage"].to_numpy(object), n),
        *(_setting(settings, f"cfg_cadence_{k}") for k in "abcd"),
    )
    nxt_arr = _obj(nxt, n)
    out["next_followup"] = [v if isinstance(v, _dt.datetime) else None for v in nxt_arr]
    od = F.overdue(nxt_arr, _serial(as_of))
    out["overdue"] = np.array([v is True or (isinstance(v, (bool, np.bool_)) and bool(v)) for v in _obj(od, n)], bool)
    status = G.goal_status(
        _obj(fk["goal"].to_numpy(object), n),
        _obj(fk["goal_due"].to_numpy(object), n),
        _obj(fk["goal_met"].to_numpy(object), n),
        _serial(as_of),
    )
    out["goal"] = [_text(v) for v in fk["goal"]]
    out["goal_status"] = [v if v in G.GOAL_STATES else "" for v in _obj(status, n)]
    out["goal_set"] = _dates(fk["goal_set"], "goal_set")
    out["goal_due"] = _dates(fk["goal_due"], "goal_due")
    risk = scam_risk(_obj(fk["last_message"].to_numpy(object), n)) if n else []
    out["risk"] = pd.Series([v if isinstance(v, str) else "" for v in _obj(risk, n)], index=fk.index, dtype=object)
    junk = fk["junk"] if "junk" in fk.columns else pd.Series([None] * n, index=fk.index)
    out["junk"] = np.array(
        [isinstance(v, str) and v.strip().split(" ")[0] in ("是", "Yes", "yes", "Y") for v in junk], dtype=bool
    )
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


def _decided(flags: pd.Series) -> float | None:
    """Share of TRUE among the decided (TRUE/FALSE) rows."""
    vals = [bool(v) for v in flags if v is not None]
    return _ratio(sum(vals), len(vals))


def _moves_text(pairs: list[tuple[str, str]]) -> str:
    counts: dict[str, int] = {}
    for a, b in pairs:
        counts[f"{a}→{b}"] = counts.get(f"{a}→{b}", 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _as_date(serial: float) -> _dt.date | None:
    return None if serial != serial else (EXCEL_EPOCH + _dt.timedelta(days=float(serial))).date()


def compute_review(
    frames: Mapping[str, pd.DataFrame],
    week: str | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    today: _dt.date | None = None,
    unmasked: bool = False,
) -> Review:
    """Compute the review of ``week`` (``'2026-W47'``; default: the week of ``today``).

    ``frames``: table name → frame (header-text or key columns) for ``tblFollow`` and, when
    present, ``tblOrders``, ``tblSalespeople``, ``tblTarget``, ``tblPK``, ``tblSeason``,
    ``tblStaff``.  ``settings``: ``cfg_*`` values (defaults for blanks).  ``today`` defaults to
    ``cfg_as_of`` or the real date.  Contact details in texts are masked unless ``unmasked``.
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

    fk, ok, sp, tg, pk = (keyed(n) for n in ("tblFollow", "tblOrders", "tblSalespeople", "tblTarget", "tblPK"))
    season = keyed("tblSeason")
    orders = _orders_columns(ok, settings)
    fol = _follow_columns(fk, orders, settings, as_of, start)
    fol = fol.loc[~np.asarray(fol["junk"].tolist(), dtype=bool)]
    lo, hi = _serial(start), _serial(end) + 1
    now = _serial(as_of) + 1
    fol["new"] = (fol["received"] >= lo) & (fol["received"] < min(hi, now))
    active = np.fmax(fol["last_contact"].to_numpy(float), fol["received"].to_numpy(float))
    fol["active"] = (active >= lo) & (active < hi)
    when = orders["date"].to_numpy(float)
    paid_mask = (orders["counted"] == O.PAID).to_numpy(bool)
    week_orders = orders.loc[(when >= lo) & (when < min(hi, now)) & paid_mask]
    year_start = _dt.date(as_of.year, 1, 1)
    ytd = orders.loc[(when >= _serial(year_start)) & (when < now) & paid_mask]
    # first paid order of every buyer (new customers of the week)
    paid = orders.loc[paid_mask & (when < now) & (orders["buyer_id"] != "").to_numpy(bool)]
    first_paid = paid.groupby(paid["buyer_id"].str.casefold())["date"].min() if len(paid) else pd.Series(dtype=float)
    fol["first_paid"] = first_paid.reindex(fol["buyer_id"].str.casefold()).to_numpy() if len(fol) else []
    platform = _platform_rates(keyed("tblStaff"), start, end) if "tblStaff" in frames else {}
    weights = (
        (season["weight"].tolist(), season["month"].tolist())
        if len(season) and not season["weight"].map(is_blank).all()
        else (None, None)
    )
    share_ytd = TG.season_share(year_start, as_of, *weights)
    share_week = TG.season_share(max(start, year_start), as_of, *weights)
    share_ytd = float(share_ytd) if isinstance(share_ytd, float) else 0.0
    share_week = float(share_week) if isinstance(share_week, float) else 0.0

    from storeops.roster import people as roster_people

    team_of = dict(roster_people(sp))
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
            t_timely[_text(r.salesperson)] = float(to_number(np.array([r.t_timely], dtype=object), "t").values[0])
    sources = list(LISTS["source"])
    ahead, behind = _setting(settings, "cfg_pace_ahead"), _setting(settings, "cfg_pace_behind")

    recs: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    overdue_rows: list[dict[str, Any]] = []
    goal_rows: list[dict[str, Any]] = []
    unanswered_rows: list[dict[str, Any]] = []
    scam_rows: list[dict[str, Any]] = []
    pk_actual: list[list[float]] = []
    pk_target: list[list[float]] = []
    for name in names:
        mine = fol[others] if name == OTHERS else fol[fol["salesperson"] == name]
        new = mine[mine["new"]]
        rec: dict[str, Any] = {"业务员 Salesperson": name, "团队 Team": team_of.get(name, "")}
        rec["新买家 New buyers"] = int(len(new))
        for s in sources:
            rec[f"{_SOURCE_SHORT[s]} {s.split(' ', 1)[-1]}" if " " in s else s] = int((new["source"] == s).sum())
        rec["其他来源 Other"] = int((~new["source"].isin(set(sources))).sum())
        replied = new[new["answered"]]
        rec["已回复 Replied"] = int(len(replied))
        rec["未回复 Unanswered"] = int(len(new) - len(replied))
        hours = replied["reply_hours"].dropna()
        rec["平均回复小时 Avg reply h"] = round(float(hours.mean()), 1) if len(hours) else None
        rec["及时回复率 Timely rate"] = _decided(new["timely"])
        rec["4小时达标率 Within target rate"] = _decided(new["on_target"])
        if platform:
            rates = platform.get(name, (None, None))
            rec["平台及时回复率 Platform timely rate"], rec["平台5分钟回复率 Platform 5-min rate"] = rates
        late = mine[(~mine["answered"]) & (mine["timely"] == False)]  # noqa: E712 - None is not late
        rec["超时未回复 Late unanswered"] = int(len(late))
        waits = zip(late["buyer"], late["received"].to_numpy(float), late["reply_hours"].to_numpy(float))
        for buyer, received, waited in waits:
            unanswered_rows.append(
                {
                    "业务员 Salesperson": name,
                    "买家 Buyer": buyer,
                    "收到 Received": _as_date(received),
                    "已等小时 Hours waiting": round(float(waited), 1),
                }
            )
        pairs = []
        for buyer, a, b in zip(mine["buyer"], mine["class_before"], mine["class"]):
            if a in _CLASS_RANK and b in _CLASS_RANK and a != b:
                pairs.append((a, b))
                moves.append(
                    {
                        "业务员 Salesperson": name,
                        "买家 Buyer": buyer,
                        "上周末 Last week": a,
                        "本周末 This week": b,
                        "方向 Direction": "升级 up" if _CLASS_RANK[b] > _CLASS_RANK[a] else "降级 down",
                    }
                )
        rec["升级 Upgrades"] = sum(1 for a, b in pairs if _CLASS_RANK[b] > _CLASS_RANK[a])
        rec["降级 Downgrades"] = sum(1 for a, b in pairs if _CLASS_RANK[b] < _CLASS_RANK[a])
        rec["类别变化 Class moves"] = _moves_text(pairs)
        due = mine[(mine["goal_due"] >= lo) & (mine["goal_due"] < hi) & (mine["goal"] != "")]
        rec["新定目标 Goals set"] = int(
            ((mine["goal_set"] >= lo) & (mine["goal_set"] < hi) & (mine["goal"] != "")).sum()
        )
        rec["到期目标 Goals due"] = int(len(due))
        rec["达成 Met"] = int((due["goal_status"] == G.MET).sum())
        rec["未达成 Missed"] = int((due["goal_status"] == G.MISSED).sum())
        rec["目标达成率 Goal met rate"] = _ratio(rec["达成 Met"], rec["达成 Met"] + rec["未达成 Missed"])
        for buyer, goal, goal_due, goal_status in zip(
            due["buyer"], due["goal"], due["goal_due"].to_numpy(float), due["goal_status"]
        ):
            goal_rows.append(
                {
                    "业务员 Salesperson": name,
                    "买家 Buyer": buyer,
                    "阶段目标 Goal": goal,
                    "期限 Due": _as_date(goal_due),
                    "状态 Status": goal_status,
                }
            )
        rec["逾期跟进 Overdue"] = int(mine["overdue"].sum())
        late_followups = mine[mine["overdue"]]
        for buyer, nd in zip(late_followups["buyer"], late_followups["next_followup"]):
            day = nd.date() if isinstance(nd, _dt.datetime) else None
            overdue_rows.append(
                {
                    "业务员 Salesperson": name,
                    "买家 Buyer": buyer,
                    "下次跟进 Next follow-up": day,
                    "逾期天数 Days overdue": (as_of - day).days if day else None,
                }
            )
        alerts = mine[mine["active"] & mine["risk"].str.startswith("高")]
        rec["诈骗警示 Scam alerts"] = int(len(alerts))
        for r in alerts.itertuples():
            scam_rows.append({"业务员 Salesperson": name, "买家 Buyer": r.buyer, "风险 Risk": r.risk})
        wk = week_orders[week_orders["salesperson"] == name]
        rec["本周订单 Orders"] = int(len(wk))
        rec["本周销售额 Revenue USD"] = round(float(wk["usd"].sum()), 2)
        new_customers = int(((mine["first_paid"] >= lo) & (mine["first_paid"] < min(hi, now))).sum())
        rec["新成交买家 New customers"] = new_customers
        t = tgt.get(name)
        sales_target = _target_of(t, "sales_target")
        rec["年初至今 Revenue YTD"] = round(float(ytd.loc[ytd["salesperson"] == name, "usd"].sum()), 2)
        rec["至今目标 Target to date"] = round(sales_target * share_ytd, 2) if sales_target else None
        due_by_now = rec["至今目标 Target to date"]
        rec["销售进度 Sales pace"] = _ratio(rec["年初至今 Revenue YTD"], due_by_now) if due_by_now else None
        lab = (
            TG.pace_label(rec["销售进度 Sales pace"], ahead, behind) if rec["销售进度 Sales pace"] is not None else None
        )
        rec["进度 Pace"] = lab if isinstance(lab, str) and not lab.startswith("#") else ""
        close = F.close_rate(int((mine["paid_12m"] > 0).sum()), len(mine))
        rec["成交率 Close rate"] = close if isinstance(close, float) else None
        band = F.close_label(close, _setting(settings, "cfg_close_strong"), _setting(settings, "cfg_close_weak"))
        rec["成交能力 Close band"] = band if isinstance(band, str) and not band.startswith("#") else ""
        pk_actual.append([len(new), new_customers, rec["本周销售额 Revenue USD"], rec["及时回复率 Timely rate"] or 0.0])
        pk_target.append(
            [
                _target_of(t, "inquiries_target") * share_week,
                _target_of(t, "new_buyers_target") * share_week,
                sales_target * share_week,
                t_timely.get(name, 1.0),
            ]
        )
        recs.append(rec)

    people = pd.DataFrame(recs)
    if recs:
        pk_weights = settings.get("cfg_pk_weights")
        if not isinstance(pk_weights, (list, tuple, np.ndarray)) or len(np.ravel(pk_weights)) != len(PK_METRICS):
            pk_weights = [w for _, _, w in PK_METRICS]
        scores = TG.pk_score(pk_actual, pk_target, pk_weights, _setting(settings, "cfg_pk_cap"))
        scores = np.atleast_1d(np.asarray(scores, dtype=object))
        people["PK得分 PK score"] = [
            round(float(s), 1) if isinstance(s, (int, float, np.floating)) and n != OTHERS else None
            for s, n in zip(scores, names)
        ]
        people["PK排名 PK rank"] = people["PK得分 PK score"].rank(method="min", ascending=False).astype("Int64")
    wo = week_orders.sort_values("date", kind="stable")
    order_rows = [
        {
            "日期 Date": _as_date(day),
            "业务员 Salesperson": salesperson,
            "买家 Buyer": _buyer_name(fk, buyer_id),
            "美元 USD": round(float(usd), 2),
            "产品 Product": product,
        }
        for day, salesperson, buyer_id, usd, product in zip(
            wo["date"].to_numpy(float), wo["salesperson"], wo["buyer_id"], wo["usd"].to_numpy(float), wo["product"]
        )
    ]
    teams = _teams(people[people["业务员 Salesperson"] != OTHERS] if recs else people, fol, share_ytd)
    review = Review(
        label,
        start,
        end,
        as_of,
        people,
        teams,
        _frame(moves, ["业务员 Salesperson", "买家 Buyer", "上周末 Last week", "本周末 This week", "方向 Direction"]),
        _frame(overdue_rows, ["业务员 Salesperson", "买家 Buyer", "下次跟进 Next follow-up", "逾期天数 Days overdue"]),
        sources,
        _frame(goal_rows, ["业务员 Salesperson", "买家 Buyer", "阶段目标 Goal", "期限 Due", "状态 Status"]),
        _frame(order_rows, ["日期 Date", "业务员 Salesperson", "买家 Buyer", "美元 USD", "产品 Product"]),
        _frame(unanswered_rows, ["业务员 Salesperson", "买家 Buyer", "收到 Received", "已等小时 Hours waiting"]),
        _frame(scam_rows, ["业务员 Salesperson", "买家 Buyer", "风险 Risk"]),
        submissions=submissions(fk, list(team_of), as_of),
    )
    new_all = fol[fol["new"]]
    review.totals = {
        "new_buyers": int(len(new_all)),
        "orders": int(len(week_orders)),
        "revenue": float(week_orders["usd"].sum()) if len(week_orders) else 0.0,
        "timely_rate": _decided(new_all["timely"]),
        "target_rate": _decided(new_all["on_target"]),
        "target_h": float(_setting(settings, "cfg_reply_target_h")),
        "upgrades": int(sum(m["方向 Direction"] == "升级 up" for m in moves)),
        "downgrades": int(sum(m["方向 Direction"] == "降级 down" for m in moves)),
        "goals_due": int(len(goal_rows)),
        "goals_met": int(sum(g["状态 Status"] == G.MET for g in goal_rows)),
        "overdue": int(len(overdue_rows)),
        "late_unanswered": int(len(unanswered_rows)),
        "scams": int(len(scam_rows)),
        "revenue_ytd": float(ytd["usd"].sum()) if len(ytd) else 0.0,
    }
    if not unmasked:
        from storeops.masking import mask_texts

        for part in ("people", "teams", "moves", "overdue", "goals", "orders", "unanswered", "scams", "submissions"):
            frame = getattr(review, part)
            keep = frame["产品 Product"].copy() if "产品 Product" in frame else None  # IDs, not phones
            frame = mask_texts(frame)
            if keep is not None:
                frame["产品 Product"] = keep
            setattr(review, part, frame)
    return review


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _buyer_name(fk: pd.DataFrame, buyer_id: str) -> str:
    if not buyer_id:
        return ""
    hit = fk.loc[fk["buyer_id"].map(_text).str.casefold() == buyer_id.casefold(), "buyer"]
    return _text(hit.iloc[0]) if len(hit) else buyer_id


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
                "最近更新 Last update": last.strftime("%Y-%m-%d %H:%M") if last else "",
                f"{since:%m-%d} 起更新 Updated since": n,
                "已提交 Submitted": "已提交 Yes" if n else "未提交 No",
            }
        )
    return pd.DataFrame(recs)


def _teams(people: pd.DataFrame, fol: pd.DataFrame, share_ytd: float) -> pd.DataFrame:
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
            "本周订单 Orders",
            "本周销售额 Revenue USD",
            "年初至今 Revenue YTD",
        ):
            rec[col] = grp[col].sum()
        rec["及时回复率 Timely rate"] = _decided(rows.loc[rows["new"], "timely"])
        due_by_now = grp["至今目标 Target to date"].astype(float).fillna(0).sum()
        rec["至今目标 Target to date"] = due_by_now or None
        rec["销售进度 Sales pace"] = _ratio(rec["年初至今 Revenue YTD"], due_by_now) if due_by_now else None
        if "PK得分 PK score" in grp:
            scores = grp["PK得分 PK score"].astype(float).dropna()
            rec["PK得分 PK score"] = round(float(scores.mean()), 1) if len(scores) else None
        recs.append(rec)
    teams = pd.DataFrame(recs)
    if "PK得分 PK score" in teams:
        teams["PK排名 PK rank"] = teams["PK得分 PK score"].rank(method="min", ascending=False).astype("Int64")
    return teams
