"""Upsert Data Manager exports into the workbook's tables (pure pandas, no file I/O).

* products export (产品参谋) → ``tblProducts``: one row per product ID.  A new ID is added;
  an existing one gets the export's title and the metrics of the *latest* period (an older
  export never overwrites newer metrics).  People's own columns (keywords, images,
  description length, optimisation rounds, pipeline step …) are never touched.
* products export → ``tblFunnel``: one row per product per period (kind ``产品 Product``),
  keyed by item (the product ID) + period.
* keywords export (选词参谋) → ``tblKeywords``: keyed by keyword + period.

Counts are taken so the workbook's rates equal the export's own: ``inquiries`` = 询盘个数
(the real export's 询盘率 is 询盘个数 ÷ 访问人数 — on the one row of the fixture where 询盘个数 3
≠ 询盘人数 1 with 6 visitors, the export shows 50 %), ``tm`` = TM咨询人数, ``orders`` = 提交订单个数.

Importing the same export twice changes nothing: values are compared after cleaning
(whole floats as ints, text stripped), and a row whose values are equal is *unchanged*.

Examples
--------
>>> import pandas as pd
>>> old = pd.DataFrame({"keyword": ["shoes"], "period": ["2026-09-13~2026-09-19"], "clicks": [8.0]})
>>> new = pd.DataFrame({"keyword": ["shoes", "tenis"], "period": ["2026-09-13~2026-09-19"] * 2, "clicks": [8, 2]})
>>> res = upsert(old, new, ["keyword", "period"], ["clicks"])
>>> (res.added, res.updated, res.unchanged, len(res.frame))
(1, 0, 1, 2)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from storeops.tables import clean_value, is_blank
from storeops.tables import records as frame_records

__all__ = [
    "FUNNEL_KIND_PRODUCT",
    "UpsertResult",
    "funnel_rows",
    "keyword_rows",
    "period_text",
    "period_start_of",
    "product_rows",
    "upsert",
    "yes_no",
]

FUNNEL_KIND_PRODUCT = "产品 Product"

#: tblProducts columns an import may change (everything else belongs to people)
PRODUCT_UPDATES = (
    "title",
    "period",
    "impressions",
    "clicks",
    "visitors",
    "inquiries",
    "showcase",
    "top_display",
    "p4p",
    "owner",
)
FUNNEL_UPDATES = ("period_start", "kind", "impressions", "clicks", "visitors", "inquiries", "tm", "orders")
KEYWORD_UPDATES = (
    "impressions",
    "clicks",
    "keyword_index",
    "seller_index",
    "top10_impressions",
    "top10_clicks",
    "p4p_clicks",
)


@dataclass
class UpsertResult:
    """The merged key frame and what happened to each incoming row."""

    frame: pd.DataFrame
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (incoming row position, reason)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (incoming row position, remark)


def period_text(start: Any, end: Any) -> str:
    """The period as the Data Manager writes it: ``2026-09-13~2026-09-19``.

    >>> import datetime as dt
    >>> period_text(dt.date(2026, 9, 13), dt.date(2026, 9, 19))
    '2026-09-13~2026-09-19'
    """

    def iso(d: Any) -> str:
        if is_blank(d):
            return ""
        if isinstance(d, (_dt.datetime, pd.Timestamp)):
            return d.strftime("%Y-%m-%d")
        if isinstance(d, _dt.date):
            return d.isoformat()
        return str(d).strip()[:10]

    a, b = iso(start), iso(end)
    return f"{a}~{b}" if b and b != a else a


def period_start_of(period: Any) -> str:
    """The sortable start of a period text (``'2026-09-13'``), ``''`` when blank.

    >>> period_start_of("2026-09-13~2026-09-19")
    '2026-09-13'
    """
    if is_blank(period):
        return ""
    if isinstance(period, (_dt.date, pd.Timestamp)):
        return period.strftime("%Y-%m-%d")
    text = str(period).strip()
    for sep in ("~", "～", " - ", "至"):
        if sep in text:
            text = text.split(sep, 1)[0]
            break
    return text.strip().replace("/", "-")[:10]


def _text(v: Any) -> str | None:
    v = clean_value(v)
    return None if v is None else str(v)


def _num(v: Any) -> Any:
    v = clean_value(v)
    if isinstance(v, str):  # an export importer should already have parsed numbers
        import numpy as np

        from storeops_xl.inputs import to_number

        col = to_number(np.array([v], dtype=object), "value")
        f = col.values[0]
        return None if f != f else clean_value(float(f))
    return v


def _get(frame: pd.DataFrame, *names: str) -> list[Any]:
    for n in names:
        if n in frame.columns:
            return frame[n].tolist()
    return [None] * len(frame)


def yes_no(v: Any) -> str | None:
    """A Y/N flag as the workbook's 是/否 list value (``None`` when unknown).

    >>> yes_no(True), yes_no(False), yes_no(None)
    ('是 Yes', '否 No', None)
    """
    if v is True:
        return "是 Yes"
    if v is False:
        return "否 No"
    return None


def product_rows(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """tblProducts key rows from a products export frame (canonical snake_case columns).

    The showcase (橱窗), top-display (顶展), P4P and owner (产品负责人) columns are included
    only when the export has them, so a file without them never blanks what is there."""
    out = {
        "product_id": [_text(v) for v in _get(frame, "product_id")],
        "title": [_text(v) for v in _get(frame, "title")],
        "period": [period] * len(frame),
        "impressions": [_num(v) for v in _get(frame, "impressions")],
        "clicks": [_num(v) for v in _get(frame, "clicks")],
        "visitors": [_num(v) for v in _get(frame, "visitors")],
        "inquiries": [_num(v) for v in _get(frame, "inquiries", "inquiry_buyers")],
    }
    for src, dst in (("is_showcase", "showcase"), ("is_top", "top_display"), ("is_p4p", "p4p")):
        if src in frame.columns:
            out[dst] = [yes_no(v) for v in frame[src].tolist()]
    if "owner" in frame.columns:
        out["owner"] = [_text(v) for v in frame["owner"].tolist()]
    return pd.DataFrame(out)


def funnel_rows(frame: pd.DataFrame, period: str, period_start: Any) -> pd.DataFrame:
    """tblFunnel key rows (one per product) from a products export frame."""
    start = clean_value(period_start)
    if isinstance(start, (_dt.datetime,)):
        start = start.date()
    return pd.DataFrame(
        {
            "period": [period] * len(frame),
            "period_start": [start] * len(frame),
            "kind": [FUNNEL_KIND_PRODUCT] * len(frame),
            "item": [_text(v) for v in _get(frame, "product_id")],
            "impressions": [_num(v) for v in _get(frame, "impressions")],
            "clicks": [_num(v) for v in _get(frame, "clicks")],
            "visitors": [_num(v) for v in _get(frame, "visitors")],
            "inquiries": [_num(v) for v in _get(frame, "inquiries", "inquiry_buyers")],
            "tm": [_num(v) for v in _get(frame, "tm_buyers", "tm")],
            "orders": [_num(v) for v in _get(frame, "orders_submitted", "orders")],
        }
    )


def keyword_rows(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """tblKeywords key rows from a keywords export frame."""
    return pd.DataFrame(
        {
            "keyword": [_text(v) for v in _get(frame, "keyword")],
            "period": [period] * len(frame),
            "impressions": [_num(v) for v in _get(frame, "impressions")],
            "clicks": [_num(v) for v in _get(frame, "clicks")],
            "keyword_index": [_num(v) for v in _get(frame, "keyword_index")],
            "seller_index": [_num(v) for v in _get(frame, "seller_index")],
            "top10_impressions": [_num(v) for v in _get(frame, "top10_avg_impressions", "top10_impressions")],
            "top10_clicks": [_num(v) for v in _get(frame, "top10_avg_clicks", "top10_clicks")],
            "p4p_clicks": [_num(v) for v in _get(frame, "p4p_clicks")],
        }
    )


def _key(values: Iterable[Any]) -> tuple[str, ...]:
    out = []
    for v in values:
        v = clean_value(v)
        if isinstance(v, _dt.date):
            v = v.isoformat()
        out.append("" if v is None else str(v).casefold())
    return tuple(out)


def upsert(
    existing: pd.DataFrame,
    incoming: pd.DataFrame,
    keys: list[str],
    updates: Iterable[str],
    *,
    accept: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None,
    what: str = "row",
    keep_when_blank: Iterable[str] = (),
    repeats: bool = False,
) -> UpsertResult:
    """Merge ``incoming`` rows into ``existing`` by ``keys``; return a new frame and counts.

    Parameters
    ----------
    existing, incoming : key frames
        Neither is modified.  Columns of ``existing`` not in ``updates`` are kept as they are.
    keys : column keys identifying a row (compared case-insensitively, stripped).
    updates : columns an incoming row may set.
    accept : ``accept(old_row, new_row) -> bool``; when it returns False the existing row
        is left alone (counted unchanged), e.g. an older period for tblProducts.
    what : noun for reject reasons.
    keep_when_blank : columns a blank incoming value never erases (a product's title).
    repeats : when True a key may legitimately repeat (the keyword export lists two platform
        keywords that print the same once accents are stripped): the n-th incoming row with a
        key matches the n-th existing row with that key, and a note is recorded instead of a
        rejection.

    An incoming row with a blank key is rejected; a repeated key within ``incoming`` is
    rejected (the first one wins).  The result keeps the existing rows in place and
    appends new rows at the end.
    """
    updates = [u for u in updates if u not in keys]
    keep_when_blank = set(keep_when_blank)
    cols = list(existing.columns)
    for c in list(keys) + updates:
        if c not in cols:
            cols.append(c)
    records = existing.reindex(columns=cols).astype(object).where(existing.reindex(columns=cols).notna(), None)
    rows = frame_records(records)
    index: dict[tuple[str, ...], int] = {}
    occ: dict[tuple[str, ...], int] = {}
    for i, r in enumerate(rows):
        k = _key(r.get(c) for c in keys)
        if all(part == "" for part in k):
            continue
        if repeats:
            occ[k] = occ.get(k, 0) + 1
            k = k + (str(occ[k]),)
        index.setdefault(k, i)
    res = UpsertResult(frame=existing)
    seen: set[tuple[str, ...]] = set()
    seen_count: dict[tuple[str, ...], int] = {}
    inc = frame_records(incoming.astype(object).where(incoming.notna(), None))
    for pos, new in enumerate(inc):
        k = _key(new.get(c) for c in keys)
        if any(part == "" for part in k):
            missing = ", ".join(c for c, part in zip(keys, k) if part == "")
            res.rejected.append((pos, f"缺少 {missing} / missing {missing}"))
            continue
        if repeats:
            n = seen_count[k] = seen_count.get(k, 0) + 1
            if n > 1:
                res.notes.append(
                    (
                        pos,
                        f"文件内同名出现第 {n} 次,按顺序分别保存 / {what} repeated in the file "
                        f"(occurrence {n}); kept, matched by order: {' + '.join(k)}",
                    )
                )
            k = k + (str(n),)
        if k in seen:
            res.rejected.append((pos, f"文件内重复 / duplicate {what} in the file: {' + '.join(k)}"))
            continue
        seen.add(k)
        at = index.get(k)
        if at is None:
            row = {c: None for c in cols}
            for c in list(keys) + updates:
                row[c] = new.get(c)
            rows.append(row)
            index[k] = len(rows) - 1
            res.added += 1
            continue
        old = rows[at]
        if accept is not None and not accept(old, new):
            res.unchanged += 1
            continue
        changed = False
        for c in updates:
            if c not in new:
                continue
            nv = new[c]
            if c in keep_when_blank and is_blank(nv):
                continue
            if clean_value(old.get(c)) != clean_value(nv):
                old[c] = nv
                changed = True
        if changed:
            res.updated += 1
        else:
            res.unchanged += 1
    if res.added or res.updated:
        res.frame = pd.DataFrame(rows, columns=cols)
    return res


def newer_or_same_period(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """``accept`` rule for tblProducts: take the new metrics unless the row holds a later period.

    >>> newer_or_same_period({"period": "2026-09-20~2026-09-26"}, {"period": "2026-09-13~2026-09-19"})
    False
    """
    return period_start_of(new.get("period")) >= period_start_of(old.get("period"))
