"""Funnel ratios: CTR, bounce rate, inquiry rate, conversion, cost per click / per result.

Each ratio is ``numerator ÷ denominator`` over whole columns.  A blank or zero
denominator gives a blank (a new product with no impressions is normal); a negative or
unparseable count gives a ``#…`` error text naming the argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._coerce import broadcast, error_text, finish, restore, to_number
from ._spec import excel, native_ratio

__all__ = ["bounce", "conversion", "cost_per", "cpc", "ctr", "inquiry_rate"]


def _ratio(num: Any, den: Any, num_name: str, den_name: str) -> Any:
    (n, d), shape = broadcast(num, den)
    top, bottom = to_number(n, num_name), to_number(d, den_name)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.divide(top.values, bottom.values, out=np.full(len(bottom.values), np.nan), where=bottom.values > 0)
    huge = np.isinf(out)
    if huge.any():  # 1e308 ÷ 1e-308: not a real ratio
        top.add_error(huge, (error_text("#NUM!", num_name, v, "is too large for this ratio") for v in top.values[huge]))
        out[huge] = np.nan
    return restore(finish(out, top, bottom), shape)


@excel(
    "CTR",
    "点击率 Click-through rate = clicks ÷ impressions; blank when there are no impressions.",
    "percent",
    help={
        "clicks": "点击次数 clicks",
        "impressions": "曝光次数 impressions",
    },
    **native_ratio("clicks", "impressions"),
    source="seed 002 点击率=点击次数÷展现次数",
    example="`=CTR(71, 4378) → 0.0162`",
)
def ctr(clicks: Any, impressions: Any) -> Any:
    """Click-through rate 点击率 = clicks ÷ impressions (seed 002).

    Parameters
    ----------
    clicks : number or column
        Clicks 点击次数.
    impressions : number or column
        Impressions 展现/曝光次数; blank or 0 gives a blank result.

    Examples
    --------
    >>> round(ctr(71, 4378), 4)
    0.0162
    >>> ctr("1,234", 0) is None
    True
    >>> ctr("abc", 10)
    "#VALUE! clicks: 'abc' is not a number"
    """
    return _ratio(clicks, impressions, "clicks", "impressions")


@excel(
    "BOUNCE",
    "跳失率 Bounce rate = single-page visits ÷ visits.",
    "percent",
    help={
        "bounced_visits": "跳失访问 single-page visits",
        "visits": "访问 visits",
    },
    **native_ratio("bounced_visits", "visits"),
    source="seed 002 跳失率",
    example="`=BOUNCE(30, 120) → 0.25`",
)
def bounce(bounced_visits: Any, visits: Any) -> Any:
    """Bounce rate 跳失率 = single-page visits ÷ visits (seed 002).

    Examples
    --------
    >>> bounce(30, 120)
    0.25
    """
    return _ratio(bounced_visits, visits, "bounced_visits", "visits")


@excel(
    "INQUIRY_RATE",
    "询盘率 Inquiry rate = inquiring buyers ÷ visitors, as the Data Manager computes it.",
    "percent",
    help={
        "inquiries": "询盘人数 inquiring buyers",
        "visitors": "访客 visitors",
    },
    **native_ratio("inquiries", "visitors"),
    source="Data Manager 询盘率 (询盘人数÷访问人数)",
    example="`=INQUIRY_RATE(2, 130) → 0.0154`",
)
def inquiry_rate(inquiries: Any, visitors: Any) -> Any:
    """Inquiry rate 询盘率 = inquiring buyers ÷ visitors, as the Data Manager export computes it.

    Examples
    --------
    >>> round(inquiry_rate(2, 130), 4)
    0.0154
    """
    return _ratio(inquiries, visitors, "inquiries", "visitors")


@excel(
    "CONVERSION",
    "成交转化率 Conversion = paying buyers ÷ visitors.",
    "percent",
    help={
        "buyers": "成交买家 paying buyers",
        "visitors": "访客 visitors",
    },
    **native_ratio("buyers", "visitors"),
    source="seed 002 成交转化率",
    example="`=CONVERSION(1, 50) → 0.02`",
)
def conversion(buyers: Any, visitors: Any) -> Any:
    """Conversion 成交转化率 = paying buyers ÷ visitors (seed 002).

    Examples
    --------
    >>> conversion(1, 50)
    0.02
    """
    return _ratio(buyers, visitors, "buyers", "visitors")


@excel(
    "CPC",
    "点击单价 Cost per click = P4P cost ÷ clicks.",
    "money",
    help={
        "cost": "直通车花费 P4P cost",
        "clicks": "点击次数 clicks",
    },
    **native_ratio("cost", "clicks"),
    source="P4P 直通车",
    example="`=CPC(120, 40) → 3`",
)
def cpc(cost: Any, clicks: Any) -> Any:
    """Cost per click of P4P 直通车 = cost ÷ clicks.

    Examples
    --------
    >>> cpc(120, 40)
    3.0
    """
    return _ratio(cost, clicks, "cost", "clicks")


@excel(
    "COST_PER",
    "单个成本 Cost per result = cost ÷ count (per inquiry, per new buyer, per order).",
    "money",
    help={
        "cost": "花费 cost",
        "count": "数量 count: inquiries, buyers or orders",
    },
    **native_ratio("cost", "count"),
    native=True,
    source="seed 000 cost per inquiry / buyer",
    example="`=COST_PER(1000, 8) → 125`",
)
def cost_per(cost: Any, count: Any) -> Any:
    """Cost per result = cost ÷ count: per inquiry, per new buyer, per order.

    Examples
    --------
    >>> cost_per(29800, 0) is None
    True
    >>> cost_per(1000, 8)
    125.0
    """
    return _ratio(cost, count, "cost", "count")
