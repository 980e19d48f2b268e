"""Orders 订单: the dated order log every sales figure comes from.

Each order is one row of the 订单 Orders sheet: date, buyer (the follow-up buyer ID), salesperson,
kind (付款 paid order / 样品 sample), amount and currency (USD, or CNY for 1688 stores, converted
with ``cfg_fx_usd_cny``), status, product, note.  The rules here say which rows count and what
they add up to:

* :func:`order_usd` — an order's amount in USD;
* :func:`order_kind` — what an order counts as: ``付款 Paid``, ``样品 Sample``, or nothing
  (pending 待付款, cancelled 已取消 and refunded 已退款 orders never count; a blank status counts);
* :func:`buyer_totals` — per buyer, paid orders, sample orders and paid USD dated in a window
  (the 12 months up to the as-of date feed ``BUYER_CLASS``);
* :func:`class_at` — every buyer's class as of any day, straight from the log, so the class
  moves of any week are true whenever the orders were typed in.

Examples
--------
>>> order_usd(720, "CNY", 7.2), order_usd(100, "USD"), order_usd(None, "USD") is None
(100.0, 100.0, True)
>>> order_kind("付款 Paid", "已发货 Shipped"), order_kind("样品 Sample", None), order_kind("付款 Paid", "已取消 Cancelled")
('付款 Paid', '样品 Sample', None)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _columns as C
from ._coerce import broadcast, error_text, finish, restore, to_date, to_number
from ._spec import excel

__all__ = [
    "CURRENCIES",
    "KINDS",
    "PAID",
    "SAMPLE",
    "STATUSES",
    "buyer_totals",
    "class_at",
    "order_kind",
    "order_usd",
]

PAID, SAMPLE = "付款 Paid", "样品 Sample"
#: the drop-down values of the Orders sheet (the workbook's lists are these)
KINDS = (PAID, SAMPLE)
CURRENCIES = ("USD", "CNY")
STATUSES = (
    "已付款 Paid",
    "已发货 Shipped",
    "已完成 Completed",
    "待付款 Pending",
    "已取消 Cancelled",
    "已退款 Refunded",
)
#: statuses whose orders do not count (the twin compares with exactly these)
NOT_COUNTED = STATUSES[3:]

_USD = {"usd", "us$", "$", "美元", "美金", "dollar", "dollars"}
_CNY = {"cny", "rmb", "¥", "￥", "人民币", "元", "yuan"}
_KIND = {
    **dict.fromkeys(("付款", "paid", "order", "订单", "大货", "bulk", "付款订单"), PAID),
    **dict.fromkeys(("样品", "sample", "samples", "样品单"), SAMPLE),
}
_STATUS_COUNTED = {
    "已付款", "paid", "已发货", "shipped", "已完成", "completed", "完成", "done", "已收货", "delivered",
}  # fmt: skip
_STATUS_NOT = {
    "待付款", "pending", "未付款", "unpaid", "已取消", "cancelled", "canceled", "取消", "关闭", "closed",
    "已退款", "refunded", "退款", "refund",
}  # fmt: skip


def _currency(value: str) -> int | None:
    k = C.key(value)
    if k == "" or C.matches(value, _USD):
        return 0
    if C.matches(value, _CNY):
        return 1
    return None


_ORDER_USD = (
    'IF({amount}="","",IF(OR({currency_code|""}="",{currency_code|""}="USD"),--{amount},'
    'IF({currency_code|""}="CNY",--{amount}/{fx_usd_cny},#N/A)))'
)


@excel(
    "ORDER_USD",
    "订单美元金额 Order amount in USD (CNY ÷ cfg_fx_usd_cny).",
    "money",
    help={"amount": "金额 amount", "currency_code": "币种 USD / CNY", "fx_usd_cny": "汇率 USD→CNY"},
    settings={"fx_usd_cny": "cfg_fx_usd_cny"},
    twin=_ORDER_USD,
    guard='{amount}=""',
    source="1688 以人民币成交; 国际站 USD",
    example='`=ORDER_USD(720, "CNY", cfg_fx_usd_cny) → 100`',
)
def order_usd(amount: Any, currency_code: Any = None, fx_usd_cny: Any = None) -> Any:
    """An order's amount in USD 订单美元金额: USD as it is, CNY ÷ ``cfg_fx_usd_cny``.

    Parameters
    ----------
    amount : number or column
        The order amount 金额 (blank gives a blank; negative is an error: enter a refund as
        status 已退款 Refunded instead).
    currency_code : text or column, optional
        ``USD`` (also blank, ``$``, ``美元``) or ``CNY`` (``RMB``, ``¥``, ``人民币``).
    fx_usd_cny : number, optional
        ``cfg_fx_usd_cny`` (7.2 CNY per USD).

    Examples
    --------
    >>> order_usd([7200, 50], ["CNY", "USD"], 7.2).tolist()
    [1000.0, 50.0]
    >>> order_usd(10, "EUR")
    "#VALUE! currency_code: 'EUR' is not USD or CNY"
    """
    (a, c, fx), shape = broadcast(amount, currency_code, fx_usd_cny)
    acol = C.num(a, "amount")
    ccol = C.text(c, "currency_code")
    fcol = C.setting(fx, "fx_usd_cny", "cfg_fx_usd_cny")
    code = C.map_distinct(_currency, ccol.values)
    bad = np.equal(code, None)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
    if bad.any():
        ccol.add_error(bad, (error_text("#VALUE!", "currency_code", v, "is not USD or CNY") for v in ccol.values[bad]))
    zero = fcol.values <= 0
    if zero.any():
        fcol.add_error(zero, (error_text("#VALUE!", "fx_usd_cny", v, "must be above 0") for v in fcol.values[zero]))
    cny = np.equal(code, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        usd = np.where(cny, acol.values / np.where(zero, np.nan, fcol.values), acol.values)
    return restore(finish(usd.astype(np.float64), acol, ccol, fcol), shape)


def _kind(value: str) -> str | None:
    if C.key(value) == "":
        return ""
    for k in C.label_keys(value):
        if k in _KIND:
            return _KIND[k]
    return None


def _status(value: str) -> int | None:
    if C.key(value) == "":
        return 1
    if C.matches(value, _STATUS_NOT):
        return 0
    if C.matches(value, _STATUS_COUNTED):
        return 1
    return None


@excel(
    "ORDER_KIND",
    "计入 What an order counts as: 付款 Paid, 样品 Sample or blank (pending, cancelled, refunded).",
    "text",
    help={"kind": "类型 付款 Paid / 样品 Sample", "status": "状态 status (待付款/已取消/已退款 do not count)"},
    twin=(
        "IF(OR("
        + ",".join(f'{{status|""}}="{s}"' for s in NOT_COUNTED)
        + '),"",'
        + "".join(f'IF({{kind}}="{k}","{k}",' for k in KINDS)
        + '""'
        + ")" * (len(KINDS) + 1)
    ),
    native=True,
    source="seed 000 样品单/付款订单",
    example='`=ORDER_KIND("付款 Paid", "已发货 Shipped") → 付款 Paid`',
)
def order_kind(kind: Any, status: Any = None) -> Any:
    """What an order counts as 计入: ``"付款 Paid"``, ``"样品 Sample"`` or blank (not counted).

    Pending 待付款, cancelled 已取消 and refunded 已退款 orders are not counted; paid, shipped,
    completed or a blank status are.  A blank kind is not counted (``storeops check`` lists it).

    Examples
    --------
    >>> order_kind(["paid", "样品", "付款 Paid", None], ["", "完成", "待付款 Pending", ""]).tolist()
    ['付款 Paid', '样品 Sample', None, None]
    >>> order_kind("gift", "")
    "#VALUE! kind: 'gift' is not 付款 Paid or 样品 Sample"
    """
    (k, st), shape = broadcast(kind, status)
    kcol, scol = C.text(k, "kind"), C.text(st, "status")
    kinds = C.map_distinct(_kind, kcol.values)
    bad = np.equal(kinds, None)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
    if bad.any():
        kcol.add_error(bad, (error_text("#VALUE!", "kind", v, f"is not {PAID} or {SAMPLE}") for v in kcol.values[bad]))
    counted = C.map_distinct(_status, scol.values)
    sbad = np.equal(counted, None)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
    if sbad.any():
        scol.add_error(sbad, (error_text("#VALUE!", "status", v, "is not an order status") for v in scol.values[sbad]))
    out = np.where(bad | sbad | np.equal(counted, 0) | (kinds == ""), None, kinds).astype(object)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
    return restore(finish(out, kcol, scol), shape)


# --------------------------------------------------------------------------- per-buyer sums
def _serials(x: Any, name: str) -> np.ndarray:
    return to_date(np.asarray(list(x), dtype=object), name).values


def _keys(x: Any) -> np.ndarray:
    out = []
    for v in list(x):
        if v is None or (isinstance(v, float) and v != v):
            out.append("")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v).strip().casefold())
    return np.asarray(out, dtype=object)


def buyer_totals(
    buyers: Any,
    order_buyer: Any,
    order_date: Any,
    counted: Any,
    usd: Any,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Per buyer (in ``buyers`` order): paid orders, sample orders and paid USD of the orders
    dated ``start <= date < end`` (serial days or dates; blank = open).

    ``counted`` is :func:`order_kind` per order, ``usd`` :func:`order_usd`.  Buyers are matched
    by ID, case and surrounding spaces ignored, the way ``COUNTIFS`` matches them.

    Examples
    --------
    >>> t = buyer_totals(["B1", "B2"], ["B1", "b1", "B2"], ["2026-01-05", "2026-03-01", "2025-01-01"],
    ...                  ["付款 Paid", "样品 Sample", "付款 Paid"], [500.0, None, 90.0], "2025-06-01", "2026-06-01")
    >>> t.to_dict("list")
    {'paid': [1, 0], 'samples': [1, 0], 'usd': [500.0, 0.0]}
    """
    ob, d = _keys(order_buyer), _serials(order_date, "order_date")
    kind = np.asarray(list(counted), dtype=object)
    money = np.nan_to_num(to_number(np.asarray(list(usd), dtype=object), "usd", negative=True).values)
    lo = -np.inf if start is None else float(_serials([start], "start")[0])
    hi = np.inf if end is None else float(_serials([end], "end")[0])
    inside = (d >= lo) & (d < hi) & (ob != "")
    frame = pd.DataFrame(
        {
            "buyer": ob[inside],
            "paid": (kind[inside] == PAID).astype(int),
            "samples": (kind[inside] == SAMPLE).astype(int),
            "usd": np.where(kind[inside] == PAID, money[inside], 0.0),
        }
    )
    sums = frame.groupby("buyer", sort=False).sum()
    keys = _keys(buyers)
    out = sums.reindex(keys).fillna(0)
    out.index = range(len(keys))  # type: ignore[assignment]  # numpy/pandas stubs (issue 11 code, to type properly)
    out.loc[np.asarray(keys) == "", :] = 0
    return out.astype({"paid": int, "samples": int, "usd": float})


def class_at(
    buyers: Any,
    order_buyer: Any,
    order_date: Any,
    counted: Any,
    usd: Any,
    day: Any,
    a_usd: Any = None,
    a_repeat: Any = None,
) -> np.ndarray:
    """Every buyer's class (A/B/C/D) at the end of ``day``, from the orders of the 12 months
    up to it — the rule of the Follow-up sheet's 类别 column on that date.

    Examples
    --------
    >>> class_at(["B1", "B2", "B3"], ["B1", "B2"], ["2026-11-02", "2026-11-20"],
    ...          ["付款 Paid", "样品 Sample"], [12000, None], "2026-11-15").tolist()
    ['A', 'D', 'D']
    """
    from .followup import buyer_class

    serial = float(_serials([day], "day")[0])
    ts = pd.Timestamp("1899-12-30") + pd.Timedelta(days=serial)
    start = (ts - pd.DateOffset(months=12) + pd.Timedelta(days=1)).normalize()
    t = buyer_totals(buyers, order_buyer, order_date, counted, usd, start.to_pydatetime(), serial + 1)
    cls = buyer_class(t["usd"].to_numpy(), t["paid"].to_numpy(), t["samples"].to_numpy(), a_usd, a_repeat)
    return np.atleast_1d(np.asarray(cls, dtype=object))
