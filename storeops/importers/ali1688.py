"""1688 生意参谋 exports (China time periods): products and keywords.

products (商品) → 漏斗 Funnel ``tblFunnel`` (one row per product per period) and 产品 Products
``tblProducts`` (latest period's figures, as for the Data Manager export)
    product_id 商品ID, title 商品标题, pv 浏览量(PV), uv 访客数(UV), ctr_export 点击率,
    bounce_rate 跳失率, inquiry_buyers 询盘人数, pay_amount 支付金额, pay_buyers 支付买家数,
    new_buyers 新买家数, old_buyers 老买家数, refund_rate 退款率.
    Funnel: visitors = UV, bounced visits = 跳失率 × UV (rounded, so BOUNCE gives the export's
    rate), inquiries = 询盘人数, orders = 支付买家数.  The product report has no impressions or
    clicks, so those Funnel cells are left as they are.

keywords (关键词, 7 days) → 关键词 Keywords ``tblKeywords`` by keyword + period
    keyword 关键词, impressions 曝光, visitors 访客数, ctr_export 点击率, search_index 搜索指数,
    supply_demand 供需指数.  clicks = 曝光 × 点击率 (rounded, so CTR gives the export's rate);
    keyword index = 搜索指数.  供需指数 (demand over supply: high is good) is *not* the seller-scale
    index (competition: low is good) and is not put there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .spec import Export, KindSpec
from .spec import cleaned_column as _col
from .upsert import FUNNEL_KIND_PRODUCT

__all__ = ["PRODUCTS_1688", "KEYWORDS_1688", "SPECS", "funnel_rows_1688", "keyword_rows_1688", "product_rows_1688"]

PRODUCTS_1688, KEYWORDS_1688 = "products_1688", "keywords_1688"

PRODUCT_HEADERS: dict[str, tuple[str, ...]] = {
    "product_id": ("商品ID", "商品id", "Offer ID", "OfferID", "Item ID"),
    "title": ("商品标题", "商品名称", "标题", "Offer Title", "Item Title"),
    "pv": ("浏览量(PV)", "浏览量", "PV", "Page Views"),
    "uv": ("访客数(UV)", "访客数", "UV", "Unique Visitors"),
    "ctr_export": ("点击率", "搜索点击率", "CTR"),
    "bounce_rate": ("跳失率", "Bounce Rate"),
    "inquiry_buyers": ("询盘人数", "咨询人数", "Inquiry Buyers"),
    "pay_amount": ("支付金额", "Payment Amount", "Paid Amount"),
    "pay_buyers": ("支付买家数", "Paying Buyers", "Paid Buyers"),
    "new_buyers": ("新买家数", "New Buyers"),
    "old_buyers": ("老买家数", "Returning Buyers", "Old Buyers"),
    "refund_rate": ("退款率", "Refund Rate"),
}
KEYWORD_HEADERS: dict[str, tuple[str, ...]] = {
    "keyword": ("关键词", "搜索词", "Keyword"),
    "impressions": ("曝光", "曝光量", "Impressions"),
    "visitors": ("访客数", "Visitors", "UV"),
    "ctr_export": ("点击率", "CTR"),
    "search_index": ("搜索指数", "Search Index"),
    "supply_demand": ("供需指数", "Supply-demand Index", "Supply Demand Index"),
}

SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        PRODUCTS_1688,
        "1688商品 1688 products",
        PRODUCT_HEADERS,
        key=("product_id",),
        signature=("pv", "uv", "bounce_rate", "pay_amount", "pay_buyers"),
        ids=frozenset({"product_id"}),
        texts=frozenset({"title"}),
        money=frozenset({"pay_amount"}),
        rates=frozenset({"ctr_export", "bounce_rate", "refund_rate"}),
        default_currency="CNY",
        skip_totals=True,
        missing_key="缺少商品ID / missing product ID (商品ID)",
    ),
    KindSpec(
        KEYWORDS_1688,
        "1688关键词 1688 keywords",
        KEYWORD_HEADERS,
        key=("keyword",),
        signature=("search_index", "supply_demand", "visitors"),
        texts=frozenset({"keyword"}),
        rates=frozenset({"ctr_export"}),
        skip_totals=True,
        missing_key="缺少关键词 / missing keyword",
    ),
)


def _times(a: list[Any], b: list[Any]) -> list[Any]:
    return [None if x is None or y is None else round(float(x) * float(y)) for x, y in zip(a, b)]


def funnel_rows_1688(export: Export, period: str) -> pd.DataFrame:
    """tblFunnel key rows (kind 产品 Product) of a 1688 products export."""
    f = export.frame
    n = len(f)
    out: dict[str, list[Any]] = {
        "period": [period] * n,
        "period_start": [export.period_start] * n,
        "kind": [FUNNEL_KIND_PRODUCT] * n,
        "item": _col(f, "product_id"),
    }
    if "uv" in f.columns:
        out["visitors"] = _col(f, "uv")
        if "bounce_rate" in f.columns:
            out["bounced"] = _times(_col(f, "bounce_rate"), out["visitors"])
    for src, dst in (("inquiry_buyers", "inquiries"), ("pay_buyers", "orders")):
        if src in f.columns:
            out[dst] = _col(f, src)
    return pd.DataFrame(out)


def product_rows_1688(export: Export, period: str) -> pd.DataFrame:
    """tblProducts key rows of a 1688 products export."""
    f = export.frame
    out: dict[str, list[Any]] = {"product_id": _col(f, "product_id"), "period": [period] * len(f)}
    for src, dst in (("title", "title"), ("uv", "visitors"), ("inquiry_buyers", "inquiries")):
        if src in f.columns:
            out[dst] = _col(f, src)
    return pd.DataFrame(out)


def keyword_rows_1688(export: Export, period: str) -> pd.DataFrame:
    """tblKeywords key rows of a 1688 keywords export."""
    f = export.frame
    out: dict[str, list[Any]] = {"keyword": _col(f, "keyword"), "period": [period] * len(f)}
    if "impressions" in f.columns:
        out["impressions"] = _col(f, "impressions")
        if "ctr_export" in f.columns:
            out["clicks"] = _times(_col(f, "ctr_export"), out["impressions"])
    if "search_index" in f.columns:
        out["keyword_index"] = _col(f, "search_index")
    return pd.DataFrame(out)
