"""Products 产品: listing stars, shop size health, hot-product candidates, replace-link advice.

Rules from seed 002 (五星产品: 主图 5 张, 详情 10 张图片, 500+ 文字; 上架 50–60 款) and
seed 000 (爆款流程: find the shop's potential hot links and push them with P4P; 优化三次后
无法生效, 建议更换链接).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, finish, restore

__all__ = ["hot_candidate", "listing_stars", "replace_link", "shop_health"]


def listing_stars(
    main_images: Any, detail_images: Any, description_chars: Any, title_score: Any = None, title_good: Any = None
) -> Any:
    """Listing stars 产品星级 0–5 (seed 002: five stars = 5 main images, 10 detail images, 500+ characters).

    One star each: at least 1 main image; ≥ 5 main images; ≥ 10 detail images; ≥ 500
    characters of description; the fifth star when all three are met and the title is
    good (``title_score`` ≥ ``cfg_title_good`` 60, or no title score given).  A title
    score of 0 (a banned word) gives 0 stars: such a listing gets blocked.  All inputs
    blank gives a blank; a blank count is 0.

    Examples
    --------
    >>> listing_stars(5, 10, 500), listing_stars(5, 10, 500, 45), listing_stars(3, 10, 800)
    (5, 4, 3)
    >>> listing_stars(6, 12, 900, 0), listing_stars(0, 0, 0)
    (0, 0)
    """
    (m, d, c, t, g), shape = broadcast(main_images, detail_images, description_chars, title_score, title_good)
    mcol, dcol, ccol = C.num(m, "main_images"), C.num(d, "detail_images"), C.num(c, "description_chars")
    tcol = C.num(t, "title_score")
    gcol = C.setting(g, "title_good", "cfg_title_good")
    main, det, chars = (np.nan_to_num(x.values) for x in (mcol, dcol, ccol))
    full = (main >= 5) & (det >= 10) & (chars >= 500)
    title_ok = np.isnan(tcol.values) | (tcol.values >= gcol.values)
    stars = (main >= 1).astype(np.int64) + (main >= 5) + (det >= 10) + (chars >= 500) + (full & title_ok)
    stars[tcol.values == 0] = 0
    blank = np.isnan(mcol.values) & np.isnan(dcol.values) & np.isnan(ccol.values)
    out = stars.astype(object) if blank.any() else stars
    if blank.any():
        out[blank] = None
    return restore(finish(out, mcol, dcol, ccol, tcol, gcol), shape)


def shop_health(
    product_count: Any,
    zero_effect_count: Any,
    min_products: Any = None,
    new_products: Any = None,
    max_products: Any = None,
    zero_share_max: Any = None,
) -> Any:
    """Shop size health 店铺产品结构 (seed 002), as ``"<level>: <reason>"`` text.

    Levels: ``偏少 too few`` (< ``cfg_shop_min_products`` 50: data looks thin, core
    keywords not covered); ``合适 right`` (50–``cfg_shop_new_products`` 60, right for a
    new operator); ``可以 ok`` (up to ``cfg_shop_max_products`` 100); ``偏多 too many``
    (> 100: hard to run, full of zero-sales products).  When the share of zero-effect
    products (no impressions, clicks or inquiries; Alibaba delists them after 180 days)
    exceeds ``cfg_zero_effect_max`` (30 %), the text adds it.

    Examples
    --------
    >>> shop_health(55, 3)
    '合适 right: 55 款产品 products'
    >>> shop_health(40, 20)
    '偏少 too few: 40 < 50 款产品 products; 零效果产品 zero-effect 50% (20): 优化或下架 optimise or remove (180 天无效果会被下架 delisted after 180 days)'
    >>> shop_health(None, None) is None
    True
    """
    (p, z, lo, mid, hi, zmax), shape = broadcast(
        product_count, zero_effect_count, min_products, new_products, max_products, zero_share_max
    )
    pcol, zcol = C.num(p, "product_count"), C.num(z, "zero_effect_count")
    locol = C.setting(lo, "min_products", "cfg_shop_min_products")
    midcol = C.setting(mid, "new_products", "cfg_shop_new_products")
    hicol = C.setting(hi, "max_products", "cfg_shop_max_products")
    zcap = C.setting(zmax, "zero_share_max", "cfg_zero_effect_max")

    def one(n: float, zero: float, a: float, b: float, c: float, zm: float) -> Any:
        if np.isnan(n):
            return None
        n, zero, a, b, c, zm = (float(x) for x in (n, zero, a, b, c, zm))
        if n < a:
            text = f"偏少 too few: {n:g} < {a:g} 款产品 products"
        elif n <= b:
            text = f"合适 right: {n:g} 款产品 products"
        elif n <= c:
            text = f"可以 ok: {n:g} 款产品 products (新手建议 {a:g}–{b:g} for a new operator)"
        else:
            text = f"偏多 too many: {n:g} > {c:g} 款产品 products, 难以兼顾 hard to run"
        if n > 0 and not np.isnan(zero) and zero / n > zm:
            text += (
                f"; 零效果产品 zero-effect {zero / n:.0%} ({zero:g}): 优化或下架 optimise or remove"
                " (180 天无效果会被下架 delisted after 180 days)"
            )
        return text

    out = C.map_distinct(one, pcol.values, zcol.values, locol.values, midcol.values, hicol.values, zcap.values)
    return restore(finish(out, pcol, zcol, locol, midcol, hicol, zcap), shape)


def _median(values: np.ndarray) -> float:
    ok = values[np.isfinite(values)]
    return float(np.median(ok)) if len(ok) else np.nan


def hot_candidate(
    impressions: Any,
    clicks: Any,
    inquiries: Any,
    shop_impr_median: Any = None,
    shop_ctr_median: Any = None,
    shop_inq_median: Any = None,
) -> Any:
    """Potential hot link 潜力爆款: TRUE when CTR and inquiry rate beat the shop median while impressions trail it.

    CTR = clicks ÷ impressions; inquiry rate here = inquiries ÷ clicks.  The product
    needs at least one click and one inquiry.  A blank median is computed from the
    columns passed (products with impressions), so ``HOT_CANDIDATE`` over whole
    columns needs no helper cells.  Blank impressions give a blank.

    Examples
    --------
    >>> hot_candidate(300, 9, 2, 1000, 0.01, 0.05)
    True
    >>> hot_candidate(3000, 9, 2, 1000, 0.01, 0.05)
    False
    >>> [bool(x) for x in hot_candidate([4000, 3000, 500, 800], [40, 30, 15, 4], [1, 1, 2, 0])]
    [False, False, True, False]
    """
    (i, c, q, mi, mc, mq), shape = broadcast(
        impressions, clicks, inquiries, shop_impr_median, shop_ctr_median, shop_inq_median
    )
    icol, ccol, qcol = C.num(i, "impressions"), C.num(c, "clicks"), C.num(q, "inquiries")
    micol, mccol, mqcol = C.num(mi, "shop_impr_median"), C.num(mc, "shop_ctr_median"), C.num(mq, "shop_inq_median")
    imp, clk, inq = icol.values, np.nan_to_num(ccol.values), np.nan_to_num(qcol.values)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ctr = np.where(imp > 0, clk / imp, np.nan)
        qr = np.where(clk > 0, inq / clk, np.nan)
    has = imp > 0
    med_i = np.where(np.isnan(micol.values), _median(imp[has]), micol.values)
    med_c = np.where(np.isnan(mccol.values), _median(ctr[has]), mccol.values)
    med_q = np.where(np.isnan(mqcol.values), _median(np.where(has & (clk > 0), qr, np.nan)), mqcol.values)
    hot = has & (clk > 0) & (inq > 0) & (imp < med_i) & (ctr > med_c) & (np.nan_to_num(qr) > np.nan_to_num(med_q))
    return restore(finish(C.bools(hot, np.isnan(imp)), icol, ccol, qcol, micol, mccol, mqcol), shape)


def replace_link(rounds: Any, before_metric: Any, after_metric: Any, rounds_limit: Any = None) -> Any:
    """Replace-link advice 换链接建议 (seed 000: after 3 optimisation rounds without effect, use a new link).

    Returns advice text when ``rounds`` ≥ ``cfg_replace_rounds`` (3) and
    ``after_metric`` ≤ ``before_metric`` (the metric you optimise: CTR, inquiries …);
    ``""`` otherwise; blank when ``rounds`` is blank.

    Examples
    --------
    >>> replace_link(3, 0.012, 0.011)
    '换新链接 replace the link: 优化 3 次无改善 no improvement after 3 rounds (0.012 → 0.011)'
    >>> replace_link(3, 0.012, 0.015), replace_link(2, 5, 4)
    ('', '')
    """
    (r, b, a, lim), shape = broadcast(rounds, before_metric, after_metric, rounds_limit)
    rcol, bcol, acol = C.num(r, "rounds"), C.num(b, "before_metric"), C.num(a, "after_metric")
    lcol = C.setting(lim, "rounds_limit", "cfg_replace_rounds")
    stale = (rcol.values >= lcol.values) & (acol.values <= bcol.values)
    out = np.full(len(rcol.values), "", dtype=object)
    for idx in np.flatnonzero(stale):
        out[idx] = (
            f"换新链接 replace the link: 优化 {rcol.values[idx]:g} 次无改善 no improvement after "
            f"{rcol.values[idx]:g} rounds ({bcol.values[idx]:g} → {acol.values[idx]:g})"
        )
    out[np.isnan(rcol.values)] = None
    return restore(finish(out, rcol, bcol, acol, lcol), shape)
