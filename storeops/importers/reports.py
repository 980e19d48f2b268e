"""Data Manager (数据管家) reports beyond products and keywords: 员工分析 staff analysis and the
直通车 P4P keyword report.  Periods are the platform's US Pacific days, kept as labelled.

staff (员工分析) → 员工分析 Staff ``tblStaff``, one row per salesperson + period
    salesperson 员工姓名, products 产品数, new_products 新发产品数, edited_products 编辑产品数,
    rfq_quotes RFQ报价数, impressions 曝光, clicks 点击, inquiries 询盘数, tm_buyers TM咨询客户数,
    reply_5min_rate 5分钟回复率, timely_rate 及时回复率, avg_reply_hours 平均回复时长(小时),
    ta_orders 信保订单数, ta_order_amount 信保订单金额, order_conversion 订单转化率,
    login_days 登录天数, online_hours 在线时长, rfq_reply_rate RFQ回复率.

p4p (直通车 关键词推广效果) → 关键词 Keywords ``tblKeywords`` P4P columns, by keyword + period
    keyword 关键词, impressions 曝光, clicks 点击, ctr_export 点击率, cost 花费, avg_cpc 平均点击花费,
    hours 推广时长, inquiries 询盘数 (some reports), orders 订单数 and bid 出价 (when present).

Money: the P4P report's 花费 is in CNY unless its header or cells say USD (``Cost (USD)``,
``$1.20``); it is converted to USD with ``cfg_fx_usd_cny`` because the Keywords P4P columns
and ``cfg_target_cpi`` are USD.  信保订单金额 is USD unless marked CNY.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from storeops.tables import clean_value

from .spec import Export, KindSpec
from .spec import cleaned_column as _col

__all__ = ["P4P", "SPECS", "STAFF", "p4p_rows", "staff_rows", "to_usd"]

STAFF, P4P = "staff", "p4p"

STAFF_HEADERS: dict[str, tuple[str, ...]] = {
    "salesperson": (
        "员工姓名",
        "员工",
        "员工名称",
        "子账号",
        "业务员",
        "Employee Name",
        "Employee",
        "Staff",
        "Salesperson",
    ),
    "products": ("产品数", "Products", "Product Count"),
    "new_products": ("新发产品数", "新发产品", "New Products"),
    "edited_products": ("编辑产品数", "Edited Products"),
    "rfq_quotes": ("RFQ报价数", "RFQ Quotes", "RFQ Quotations"),
    "impressions": ("曝光", "曝光量", "曝光次数", "Impressions"),
    "clicks": ("点击", "点击量", "点击次数", "Clicks"),
    "inquiries": ("询盘数", "询盘", "Inquiries"),
    "tm_buyers": ("TM咨询客户数", "TM咨询人数", "TM Buyers", "TM Consultations"),
    "reply_5min_rate": ("5分钟回复率", "五分钟回复率", "极速回复率", "5-min Reply Rate", "5 Minute Reply Rate"),
    "timely_rate": ("及时回复率", "Timely Reply Rate", "Reply Rate"),
    "avg_reply_hours": (
        "平均回复时长(小时)",
        "平均回复时长",
        "平均回复时间",
        "Avg Reply Time (h)",
        "Average Reply Hours",
        "Avg Reply Hours",
    ),
    "ta_orders": ("信保订单数", "TA Orders", "Trade Assurance Orders"),
    "ta_order_amount": ("信保订单金额", "TA Order Amount", "Trade Assurance Amount", "TA Amount"),
    "order_conversion": ("订单转化率", "Order Conversion Rate", "Order Conversion"),
    "login_days": ("登录天数", "Login Days"),
    "online_hours": ("在线时长", "在线时长(小时)", "Online Hours", "Online Time"),
    "rfq_reply_rate": ("RFQ回复率", "RFQ Reply Rate"),
}

P4P_HEADERS: dict[str, tuple[str, ...]] = {
    "keyword": ("关键词", "推广关键词", "词", "Keyword", "Keywords"),
    "impressions": ("曝光", "曝光量", "曝光次数", "Impressions"),
    "clicks": ("点击", "点击量", "点击次数", "Clicks"),
    "ctr_export": ("点击率", "CTR"),
    "cost": ("花费", "消耗", "总花费", "Cost", "Spend"),
    "avg_cpc": ("平均点击花费", "平均点击单价", "Avg. CPC", "Avg CPC", "Average CPC", "CPC"),
    "hours": ("推广时长", "Promotion Hours", "Promotion Duration"),
    "inquiries": ("询盘数", "询盘", "Inquiries"),
    "orders": ("订单数", "Orders"),
    "bid": ("出价", "Bid"),
}

SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        STAFF,
        "员工分析 staff analysis",
        STAFF_HEADERS,
        key=("salesperson",),
        signature=("reply_5min_rate", "timely_rate", "avg_reply_hours", "login_days", "rfq_quotes", "ta_orders"),
        texts=frozenset({"salesperson"}),
        money=frozenset({"ta_order_amount"}),
        rates=frozenset({"reply_5min_rate", "timely_rate", "order_conversion", "rfq_reply_rate"}),
        hours=frozenset({"avg_reply_hours", "online_hours"}),
        default_currency="USD",
        skip_totals=True,
        missing_key="缺少员工姓名 / missing employee name (员工姓名)",
    ),
    KindSpec(
        P4P,
        "直通车 P4P keywords",
        P4P_HEADERS,
        key=("keyword",),
        signature=("cost", "avg_cpc"),
        texts=frozenset({"keyword"}),
        money=frozenset({"cost", "avg_cpc", "bid"}),
        rates=frozenset({"ctr_export"}),
        hours=frozenset({"hours"}),
        default_currency="CNY",
        skip_totals=True,
        missing_key="缺少关键词 / missing keyword",
    ),
)


def to_usd(values: Any, currency: str | None, fx_usd_cny: float) -> list[Any]:
    """Money values in USD (CNY divided by ``fx_usd_cny``, rounded to cents).

    >>> to_usd([72.0, None], "CNY", 7.2)
    [10.0, None]
    """
    out: list[float | None] = []
    for v in values:
        v = clean_value(v)
        if v is None:
            out.append(None)
        elif currency == "CNY":
            out.append(round(float(v) / fx_usd_cny, 2))
        else:
            out.append(v)
    return out


def staff_rows(export: Export, period: str, match_salesperson: Any, fx_usd_cny: float) -> pd.DataFrame:
    """tblStaff key rows of a staff-analysis export (only the columns the file has)."""
    f = export.frame
    names = [match_salesperson(v) for v in _col(f, "salesperson")]
    out: dict[str, list[Any]] = {
        "salesperson": names,
        "period": [period] * len(f),
        "period_start": [export.period_start] * len(f),
        "period_end": [export.period_end] * len(f),
    }
    same = (
        "products",
        "new_products",
        "edited_products",
        "rfq_quotes",
        "impressions",
        "clicks",
        "inquiries",
        "tm_buyers",
        "reply_5min_rate",
        "timely_rate",
        "avg_reply_hours",
        "ta_orders",
        "order_conversion",
        "login_days",
        "online_hours",
        "rfq_reply_rate",
    )
    for c in same:
        if c in f.columns:
            out[c] = _col(f, c)
    if "ta_order_amount" in f.columns:
        out["ta_order_usd"] = to_usd(_col(f, "ta_order_amount"), export.currency.get("ta_order_amount"), fx_usd_cny)
    return pd.DataFrame(out)


def p4p_rows(export: Export, period: str, fx_usd_cny: float) -> pd.DataFrame:
    """tblKeywords key rows of a P4P report: keyword, period and the P4P columns it has."""
    f = export.frame
    out: dict[str, list[Any]] = {"keyword": _col(f, "keyword"), "period": [period] * len(f)}
    if "cost" in f.columns:
        out["p4p_cost"] = to_usd(_col(f, "cost"), export.currency.get("cost"), fx_usd_cny)
    if "bid" in f.columns:
        out["p4p_bid"] = to_usd(_col(f, "bid"), export.currency.get("bid"), fx_usd_cny)
    for src, dst in (("clicks", "p4p_clicks"), ("inquiries", "p4p_inquiries"), ("orders", "p4p_orders")):
        if src in f.columns:
            out[dst] = _col(f, src)
    return pd.DataFrame(out)


def fx_note(export: Export, fx_usd_cny: float) -> str | None:
    """The report line saying which money columns were converted from CNY."""
    written = {"cost", "bid", "ta_order_amount"}  # the money columns that reach the workbook
    cny = sorted(c for c, cur in export.currency.items() if cur == "CNY" and c in written and c in export.frame.columns)
    if not cny or not math.isfinite(fx_usd_cny):
        return None
    return (
        f"{', '.join(cny)} 按人民币换算为美元(汇率 {fx_usd_cny:g}) / "
        f"{', '.join(cny)} taken as CNY and converted to USD at {fx_usd_cny:g} CNY per USD"
    )
