"""Formula text for everything the boss reads *dated*: order sums, buyer counts and rates over
a period, written once here and used by the tables in :mod:`storeops.workbook.schema`.

Periods are ``[start, as-of day]``: from a start cell (``cfg_week_start``, ``cfg_month_start``,
``cfg_year_start``, ``cfg_pk_start`` …) up to the end of the as-of day ``cfg_today``.  Orders
count by their date (订单 Orders ``order_date``), buyers by the day they arrived
(``received_at``), sales by the order's salesperson, buyers by the follow-up row's salesperson.
Junk buyers (垃圾询盘, imported) are left out of every buyer count and rate.

Examples
--------
>>> orders_sum("cfg_week_start")
'SUMIFS([tblOrders.usd],[tblOrders.salesperson],{salesperson},[tblOrders.counted],"付款 Paid",[tblOrders.order_date],">="&cfg_week_start,[tblOrders.order_date],"<"&(cfg_today+1))'
>>> buyer_orders("count", "样品 Sample", "cfg_window_start")
'COUNTIFS([tblOrders.buyer_id],{buyer_id},[tblOrders.counted],"样品 Sample",[tblOrders.order_date],">="&cfg_window_start,[tblOrders.order_date],"<"&(cfg_today+1))'
"""

from __future__ import annotations

from storeops_xl.goals import MET, MISSED
from storeops_xl.orders import PAID

__all__ = [
    "END",
    "NOT_JUNK",
    "PERIOD_STARTS",
    "buyer_orders",
    "follow_count",
    "goal_counts",
    "late_unanswered",
    "new_buyers",
    "orders_count",
    "orders_sum",
    "rate",
    "repeat_buyers",
]

#: the day after the as-of day: every period ends before it
END = "(cfg_today+1)"
NOT_JUNK = '[tblFollow.junk],"<>是 Yes"'
SP = "[tblFollow.salesperson],{salesperson}"
#: period key → (start cell, the tblFollow helper counting paid orders before that start)
PERIOD_STARTS = {
    "week": ("cfg_week_start", "paid_before_week"),
    "month": ("cfg_month_start", "paid_before_month"),
    "year": ("cfg_year_start", "paid_before_year"),
}
LATE_UNANSWERED = "超时未回复 Late, unanswered"


def _dates(col: str, start: str, end: str = END) -> str:
    return f'{col},">="&{start},{col},"<"&{end}'


def orders_sum(start: str, *, by: str | None = "{salesperson}", end: str = END) -> str:
    """Paid USD of the orders dated in the period (``by`` a salesperson cell, or shop-wide)."""
    who = f"[tblOrders.salesperson],{by}," if by else ""
    return f'SUMIFS([tblOrders.usd],{who}[tblOrders.counted],"{PAID}",{_dates("[tblOrders.order_date]", start, end)})'


def orders_count(start: str, *, by: str | None = "{salesperson}") -> str:
    """Paid orders dated in the period."""
    who = f"[tblOrders.salesperson],{by}," if by else ""
    return f'COUNTIFS({who}[tblOrders.counted],"{PAID}",{_dates("[tblOrders.order_date]", start)})'


def buyer_orders(how: str, kind: str, start: str | None, end: str = END) -> str:
    """One buyer's (``{buyer_id}``) orders of ``kind`` dated in ``[start, end)``: ``count`` or ``sum`` (USD)."""
    crit = f'[tblOrders.buyer_id],{{buyer_id}},[tblOrders.counted],"{kind}",'
    crit += _dates("[tblOrders.order_date]", start, end) if start else f'[tblOrders.order_date],"<"&{end}'
    return f"SUMIFS([tblOrders.usd],{crit})" if how == "sum" else f"COUNTIFS({crit})"


def follow_count(start: str, *extra: str, by: str | None = SP) -> str:
    """Follow-up buyers (junk left out) received in the period, with ``extra`` criteria pairs."""
    parts = [p for p in (by, *extra, NOT_JUNK, _dates("[tblFollow.received_at]", start)) if p]
    return f"COUNTIFS({','.join(parts)})"


def new_buyers(period: str, *, by: str | None = SP) -> str:
    """Buyers whose first paid order ever is dated in the period (新客户)."""
    before = PERIOD_STARTS[period][1]
    parts = [p for p in (by, f"[tblFollow.{before}],0", f'[tblFollow.paid_in_{period}],">0"') if p]
    return f"COUNTIFS({','.join(parts)})"


def repeat_buyers(period: str, *, by: str | None = SP) -> str:
    """Buyers with a paid order in the period who have bought at least twice (复购)."""
    parts = [p for p in (by, f'[tblFollow.paid_in_{period}],">0"', '[tblFollow.paid_ever],">=2"') if p]
    return f"COUNTIFS({','.join(parts)})"


def rate(flag: str, start: str, *, by: str | None = SP, blank: str = '""') -> str:
    """Share of decided rows (``flag`` TRUE or FALSE) that are TRUE, buyers received from ``start``."""
    crit = ",".join(p for p in (by, NOT_JUNK, f'[tblFollow.received_at],">="&{start}') if p)
    yes = f"COUNTIFS({crit},[tblFollow.{flag}],TRUE)"
    no = f"COUNTIFS({crit},[tblFollow.{flag}],FALSE)"
    return f"IFERROR({yes}/({yes}+{no}),{blank})"


def late_unanswered(*, by: str | None = SP) -> str:
    """Messages still unanswered past the platform rule's limit."""
    crit = ",".join(p for p in (by, NOT_JUNK) if p)
    return f'COUNTIFS({crit},[tblFollow.reply_status],"{LATE_UNANSWERED}")'


def goal_counts(what: str, start: str = "cfg_week_start") -> str:
    """Goals of a salesperson in the week from ``start``: ``set``, ``due``, ``met``, ``missed``."""
    week = f'"<"&({start}+7)'
    if what == "set":
        return f'COUNTIFS({SP},[tblFollow.goal_set],">="&{start},[tblFollow.goal_set],{week})'
    due = f'{SP},[tblFollow.goal_due],">="&{start},[tblFollow.goal_due],{week}'
    if what == "due":
        return f"COUNTIFS({due})"
    state = {"met": MET, "missed": MISSED}[what]
    return f'COUNTIFS({due},[tblFollow.goal_status],"{state}")'
