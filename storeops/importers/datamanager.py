"""Read a Data Manager (数据管家) export: pure parsing, no workbook writing.

API (stable; the workbook upsert in :mod:`storeops.importers.upsert` builds on it)::

    read_export(path) -> Export
    Export(kind, period_start, period_end, frame, source_path, rejected)

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
* ``notes``: ``[(row_number, remark)]`` — rows read with a remark (a cell longer than
  Excel's 32,767 characters, cut).

Formats: the CSV conversions (UTF-8 with or without BOM, GB18030, UTF-16), ``.xlsx`` (the
first sheet, through the validated reader of :mod:`storeops.xlsx`) and real BIFF8 ``.xls``
(xlrd), read within the limits of :mod:`._grid` (file size, cells, columns).  The header row is found by its content, not its position;
blank rows and trailing spaces in headers are ignored; Chinese and English header names
are both understood.  A file that is neither kind raises
:class:`storeops.errors.StoreOpsError` with a bilingual message.

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

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from storeops.errors import StoreOpsError
from storeops_xl._coerce import to_number

from ._grid import read_grid

__all__ = ["Export", "HEADERS", "read_export"]

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
_KEY_COLUMN = {_P: "product_id", _K: "keyword"}
_TEXT = {"product_id", "title", "owner", "keyword"}
_FLAGS = {"is_showcase", "is_top", "is_p4p"}
_YES = {"y", "yes", "是", "true", "1"}
_NO = {"n", "no", "否", "false", "0"}
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_PERIOD = re.compile(_DATE + r"\s*(?:~|～|至|到|—|–|\s-\s|-)\s*" + _DATE)


def _norm(h: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(h)).split()).lower().replace("_", "")


_LOOKUP: dict[str, dict[str, str]] = {
    kind: {_norm(alias): canon for canon, aliases in cols.items() for alias in (*aliases, canon)}
    for kind, cols in HEADERS.items()
}


@dataclass
class Export:
    """One parsed Data Manager export."""

    kind: str
    period_start: _dt.date | None
    period_end: _dt.date | None
    frame: pd.DataFrame
    source_path: Path
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # rows read with a remark (a cell cut short …)


# --------------------------------------------------------------------------- parsing
def _find_header(grid: list[tuple[int, list[Any]]]) -> tuple[int, str, dict[int, str]]:
    """(index in ``grid`` of the header row, kind, column → canonical name)."""
    best: tuple[int, int, str, dict[int, str]] | None = None
    for r, (_, row) in enumerate(grid[:60]):
        for kind, lookup in _LOOKUP.items():
            mapping: dict[int, str] = {}
            for c, h in enumerate(row):
                canon = lookup.get(_norm(h)) if h != "" else None
                if canon and canon not in mapping.values():
                    mapping[c] = canon
            if _KEY_COLUMN[kind] in mapping.values() and len(mapping) >= 3:
                if best is None or len(mapping) > best[0]:
                    best = (len(mapping), r, kind, mapping)
        if best is not None and best[1] == r:
            break
    if best is None:
        raise StoreOpsError(
            "不是数据管家的产品或关键词导出文件(找不到 产品ID / 词 表头) / "
            "not a Data Manager products or keywords export (no 产品ID / 词 header row found)"
        )
    return best[1], best[2], best[3]


def _to_date(y: str, m: str, d: str) -> _dt.date | None:
    try:
        return _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _period(grid: list[tuple[int, list[Any]]], header_row: int, path: Path) -> tuple[_dt.date | None, _dt.date | None]:
    texts = [str(c) for _, row in grid[:header_row] for c in row if c != ""] + [path.stem]
    for t in texts:
        m = _PERIOD.search(unicodedata.normalize("NFKC", t))
        if m:
            g = m.groups()
            return _to_date(*g[:3]), _to_date(*g[3:])
    return None, None


def _id_text(v: Any) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    text = str(v).strip()
    if re.fullmatch(r"\d+(?:\.0+)?|\d(?:\.\d+)?[eE]\+?\d+", text):  # "1601825074604.0", "1.6E+12"
        try:
            return str(int(float(text))) if "e" in text.lower() else text.split(".")[0]
        except ValueError:
            return text
    return text


def _flag(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    k = _norm(v)
    if k in _YES:
        return True
    if k in _NO:
        return False
    return None


def read_export(path: str | Path) -> Export:
    """Read a Data Manager export (CSV, ``.xlsx`` or ``.xls``) into an :class:`Export`.

    Raises
    ------
    StoreOpsError
        Missing, unreadable or unrecognised file (bilingual one-line message).
    """
    path = Path(path)
    read = read_grid(path)
    grid = read.rows
    try:
        header_row, kind, mapping = _find_header(grid)
    except StoreOpsError as exc:
        raise StoreOpsError(f"{path.name}: {exc}") from None
    start, end = _period(grid, header_row, path)
    header = grid[header_row][1]
    width = len(header)
    canon_order = list(HEADERS[kind])
    unknown = {c: str(h).strip() for c, h in enumerate(header) if c not in mapping and str(h).strip() != ""}
    key_col = next(c for c, k in mapping.items() if k == _KEY_COLUMN[kind])

    rows: list[list[Any]] = []
    numbers: list[int] = []
    rejected: list[tuple[int, str]] = list(read.rejected)
    for number, cells in grid[header_row + 1 :]:
        row = list(cells) + [""] * (width - len(cells))
        if all(v == "" for v in row[:width]):
            continue
        if row[key_col] == "":
            rejected.append(
                (number, "缺少产品ID / missing product ID" if kind == _P else "缺少关键词 / missing keyword")
            )
            continue
        rows.append(row[:width])
        numbers.append(number)

    data: dict[str, Any] = {}
    bad_rows: dict[int, str] = {}
    for c, canon in sorted(mapping.items(), key=lambda kv: canon_order.index(kv[1])):
        values = [row[c] for row in rows]
        if canon in ("product_id",):
            data[canon] = [_id_text(v) for v in values]
        elif canon in _TEXT:
            data[canon] = [None if v == "" else str(v) for v in values]
        elif canon in _FLAGS:
            data[canon] = [_flag(v) for v in values]
        else:
            col = to_number(np.array([None if v == "" else v for v in values], dtype=object), canon, negative=True)
            if col.errors is not None:
                for i, e in enumerate(col.errors):
                    if e is not None and i not in bad_rows:
                        bad_rows[i] = f"不是数字 not a number: {e}"
            data[canon] = col.values
    for c, name in unknown.items():
        if name in data:
            name = f"{name} ({c + 1})"
        data[name] = [row[c] if row[c] != "" else None for row in rows]
    frame = pd.DataFrame(data)
    if bad_rows:
        keep = [i for i in range(len(rows)) if i not in bad_rows]
        rejected.extend((numbers[i], reason) for i, reason in sorted(bad_rows.items()))
        frame = frame.iloc[keep].reset_index(drop=True)
    rejected.sort()
    return Export(
        kind=kind,
        period_start=start,
        period_end=end,
        frame=frame,
        source_path=path,
        rejected=rejected,
        notes=sorted(read.notes),
    )
