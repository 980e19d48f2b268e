"""Read a Data Manager (数据管家) export: pure parsing, no workbook writing.

API (stable; the workbook upsert in :mod:`storeops.importers.upsert` builds on it)::

    read_export(path) -> Export
    Export(kind, period_start, period_end, frame, source_path, rejected, notes, …)

* ``kind``: ``"products"`` (产品数据 / 产品参谋, ``Products-*.xls``) or ``"keywords"``
  (流量关键词 / 选词参谋, ``getKeywords-*.xls``);
* ``period_start`` / ``period_end``: ``datetime.date`` from the title row
  ("产品数据, 时间周期 2026-09-13~2026-09-19"), ``None`` when the file has none;
* ``frame``: one row per product / keyword, canonical snake_case columns (below) in
  that order, then any unknown column under its original (stripped) header name;
  ``product_id`` and ``keyword`` are ``str`` (full digits kept); Y/N flags are ``bool``;
  numbers are ``float`` (``NaN`` for the export's "-"), "1.62%" is ``0.0162``;
* ``rejected``: ``[(row_number, reason)]`` — 1-based row numbers of the file, reasons
  bilingual (no product ID / keyword, a cell that is not a number, a row with an
  unbalanced CSV quote);
* ``notes``: remarks on the file, one bilingual line each (a totals row left out, a cell
  longer than Excel's 32,767 characters cut, naming its row).

Formats (:mod:`.grid`): the CSV conversions (UTF-8 with or without BOM, UTF-16, GB18030),
``.xlsx`` (the first sheet, through the validated reader of :mod:`storeops.xlsx`), real
BIFF8 ``.xls`` (xlrd) and HTML tables saved as ``.xls``, read within the limits of
:mod:`.grid` (file size, cells, columns).  The header row is found by its content, not its
position (:mod:`.spec`); blank rows and trailing spaces in headers are ignored; Chinese and
English header names are both understood.  A file that is neither kind raises
:class:`storeops.errors.StoreOpsError` with a bilingual message
(:func:`storeops.importers.read_any` reads every other export kind too).

Canonical columns
-----------------
products: product_id, title, is_showcase, is_top, is_p4p, impressions (搜索曝光次数),
clicks (搜索点击次数), ctr_export, visitors (访问人数), inquiries (询盘个数),
opportunities_90d, inquiry_buyers (询盘人数), inquiry_rate_export, favorites, shares,
compares, orders_submitted (提交订单个数), tm_buyers (TM咨询人数), owner (产品负责人),
rts_buyers, rts_gmv, shop_impressions, shop_clicks, marketing_impressions,
marketing_clicks, std_promo_impressions, std_promo_clicks, site_promo_impressions,
site_promo_clicks.

keywords: keyword, impressions, clicks, ctr_export, p4p_impressions, p4p_clicks,
p4p_hours, top10_avg_impressions, top10_avg_clicks, keyword_index, seller_index.
"""

from __future__ import annotations

from pathlib import Path

from .spec import Export, KindSpec, read_kinds

__all__ = ["Export", "HEADERS", "SPECS", "read_export"]

_P = "products"
_K = "keywords"

#: kind → canonical column → accepted header names (Chinese and English).
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    _P: {
        "product_id": ("产品ID", "产品id", "商品ID", "Product ID", "ProductID", "Product Id"),
        "title": ("产品名称", "产品标题", "商品名称", "Product Name", "Product Title", "Title"),
        "is_showcase": ("是否橱窗", "橱窗", "Showcase", "Is Showcase", "Showcase Product"),
        "is_top": ("是否顶展", "顶展", "Top Display", "Is Top", "Top Exhibition"),
        "is_p4p": ("是否P4P", "是否直通车", "P4P", "Is P4P"),
        "impressions": ("搜索曝光次数", "曝光次数", "Search Impressions", "Impressions"),
        "clicks": ("搜索点击次数", "点击次数", "Search Clicks", "Clicks"),
        "ctr_export": ("搜索点击率", "点击率", "Search CTR", "CTR", "Search Click Rate"),
        "visitors": ("访问人数", "访客数", "Visitors", "Unique Visitors"),
        "inquiries": ("询盘个数", "询盘数", "Inquiries", "Inquiry Count"),
        "opportunities_90d": ("近90天商机人数", "Opportunities (90 days)", "90-day Opportunities", "Opportunities 90d"),
        "inquiry_buyers": ("询盘人数", "Inquiry Buyers", "Inquiring Buyers"),
        "inquiry_rate_export": ("询盘率", "Inquiry Rate"),
        "favorites": ("收藏人数", "Favorites", "Favourites"),
        "shares": ("分享人数", "Shares"),
        "compares": ("对比人数", "Compares", "Comparisons"),
        "orders_submitted": ("提交订单个数", "提交订单数", "Orders Submitted", "Submitted Orders"),
        "tm_buyers": ("TM咨询人数", "TM Buyers", "TM Consultations", "TM Inquiries"),
        "owner": ("产品负责人", "负责人", "Owner", "Product Owner"),
        "rts_buyers": ("RTS线上买家数", "RTS Buyers", "RTS Online Buyers"),
        "rts_gmv": ("RTS线上实收GMV", "RTS GMV", "RTS Online GMV"),
        "shop_impressions": ("全店曝光次数", "Shop Impressions", "Store Impressions"),
        "shop_clicks": ("全店点击次数", "Shop Clicks", "Store Clicks"),
        "marketing_impressions": ("营销曝光次数", "Marketing Impressions"),
        "marketing_clicks": ("营销点击次数", "Marketing Clicks"),
        "std_promo_impressions": ("标准推广曝光次数", "Standard Promotion Impressions"),
        "std_promo_clicks": ("标准推广点击次数", "Standard Promotion Clicks"),
        "site_promo_impressions": (
            "全站推广曝光次数",
            "Site-wide Promotion Impressions",
            "Sitewide Promotion Impressions",
        ),
        "site_promo_clicks": ("全站推广点击次数", "Site-wide Promotion Clicks", "Sitewide Promotion Clicks"),
    },
    _K: {
        "keyword": ("词", "关键词", "搜索词", "Keyword", "Keywords", "Search Term"),
        "impressions": ("曝光量", "曝光次数", "Impressions"),
        "clicks": ("点击量", "点击次数", "Clicks"),
        "ctr_export": ("点击率", "CTR", "Click Rate"),
        "p4p_impressions": ("外贸直通车曝光", "P4P Impressions"),
        "p4p_clicks": ("外贸直通车点击", "P4P Clicks"),
        "p4p_hours": ("外贸直通车推广时长", "P4P Hours", "P4P Promotion Hours", "P4P Duration"),
        "top10_avg_impressions": ("Top10平均曝光", "Top 10 Avg Impressions", "Top10 Average Impressions"),
        "top10_avg_clicks": ("Top10平均点击", "Top 10 Avg Clicks", "Top10 Average Clicks"),
        "keyword_index": ("关键词指数", "Keyword Index", "Search Index"),
        "seller_index": ("卖家规模指数", "Seller Index", "Seller Scale Index", "Seller-scale Index"),
    },
}
#: the two Data Manager kinds as :class:`~storeops.importers.spec.KindSpec`
SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        _P,
        "产品 products",
        HEADERS[_P],
        key=("product_id",),
        ids=frozenset({"product_id"}),
        texts=frozenset({"title", "owner"}),
        flags=frozenset({"is_showcase", "is_top", "is_p4p"}),
        missing_key="缺少产品ID / missing product ID",
    ),
    KindSpec(
        _K,
        "关键词 keywords",
        HEADERS[_K],
        key=("keyword",),
        texts=frozenset({"keyword"}),
        missing_key="缺少关键词 / missing keyword",
    ),
)


def read_export(path: str | Path) -> Export:
    """Read a Data Manager export (CSV, ``.xlsx`` or ``.xls``) into an :class:`Export`.

    Raises
    ------
    StoreOpsError
        Missing, unreadable or unrecognised file (bilingual one-line message).
    """
    return read_kinds(
        path,
        SPECS,
        not_found="不是数据管家的产品或关键词导出文件(找不到 产品ID / 词 表头) / "
        "not a Data Manager products or keywords export (no 产品ID / 词 header row found)",
    )
