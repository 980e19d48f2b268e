"""Products 产品: listing stars, shop size health, hot-product candidates, replace-link advice.

Rules from seed 002 (1688 五星产品: 主图 5 张, 详情 10 张图片, 500+ 文字; 上架 50–60 款), Alibaba.com
practice (PLATFORM.md: 6 main images, ≥ 4 detail images, quality score target 4.5) and seed 000 (爆款流程: find the shop's potential hot links and push them with P4P; 优化三次后
无法生效, 建议更换链接).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, finish, restore
from ._spec import excel, native_num
from ._stats import sampled_median

__all__ = ["LISTING_RULES", "hot_candidate", "listing_stars", "replace_link", "shop_health"]


#: Image and text counts per platform: (main images, detail images, description characters).
LISTING_RULES = {
    # seed 002: 主图五张正方形像素 800*800、详情 10 张图片、500+ 文字 (square 800×800 images assumed)
    "1688": (5, 10, 500),
    # Alibaba.com practice (PLATFORM.md): 6 main images, at least 4 detail images; 500+ characters
    "alibaba": (6, 4, 500),
}


@excel(
    "LISTING_STARS",
    "产品星级 Listing stars 0–5 per platform: 1688 five-star rule, Alibaba.com practice or its quality score.",
    "int",
    help={
        "main_images": "主图数量 main images",
        "detail_images": "详情图片数量 detail images",
        "description_chars": "详情文字字数 description characters",
        "title_score": "标题分 title score (optional)",
        "title_good": "合格标题分",
        "platform": "平台 alibaba 或 1688 (cfg_platform)",
        "quality_score": "国际站信息质量分 Alibaba.com quality score 0–5 (optional)",
        "quality_target": "质量分目标",
    },
    settings={"title_good": "cfg_title_good", "quality_target": "cfg_quality_target"},
    source="seed 002 五星产品 (1688); PLATFORM.md (Alibaba.com practice, quality score ≥ 4.5)",
    example='`=LISTING_STARS(5, 10, 500, 45, cfg_title_good, "1688") → 4`; `=LISTING_STARS(6, 4, 600, 80, cfg_title_good, "alibaba", 4.6) → 5`',
)
def listing_stars(
    main_images: Any,
    detail_images: Any,
    description_chars: Any,
    title_score: Any = None,
    title_good: Any = None,
    platform: Any = None,
    quality_score: Any = None,
    quality_target: Any = None,
) -> Any:
    """Listing stars 产品星级 0–5, per platform (1688: seed 002's five-star rule; Alibaba.com: its practice or quality score).

    Counts (:data:`LISTING_RULES`): 1688 needs 5 square 800×800 main images, 10 detail images
    and 500+ characters (seed 002); Alibaba.com 6 main images, at least 4 detail images and
    500+ characters.  One star each: at least 1 main image; all main images; the detail
    images; the characters; the fifth when all are met and the title is good (``title_score``
    ≥ ``cfg_title_good`` 60, or no title score given).

    Alibaba.com with the platform's own information quality score (0–5, imported or typed):
    five stars at ``quality_target`` (``cfg_quality_target`` 4.5) or above, else the score
    rounded down.

    Always: a title score of 0 (a banned word) gives 0 stars — such a listing gets blocked;
    a title below ``title_good`` (over the hard limit, stuffed: at most 40) is never five
    stars.  All counts blank (and no quality score) gives a blank; a blank count is 0.
    Contact details and other brands *in images* cannot be checked here: look at them.

    Examples
    --------
    >>> listing_stars(5, 10, 500, None, None, "1688"), listing_stars(5, 10, 500, 45, None, "1688")
    (5, 4)
    >>> listing_stars(6, 4, 600), listing_stars(5, 10, 500)
    (5, 3)
    >>> listing_stars(6, 4, 600, 40), listing_stars(6, 12, 900, 0)
    (4, 0)
    >>> listing_stars(2, 1, 100, 80, None, "alibaba", 4.6), listing_stars(6, 8, 900, 80, None, "alibaba", 3.9)
    (5, 3)
    """
    from .titles import platform_column

    (m, d, c, t, g, p, q, qt), shape = broadcast(
        main_images, detail_images, description_chars, title_score, title_good, platform, quality_score, quality_target
    )
    mcol, dcol, ccol = C.num(m, "main_images"), C.num(d, "detail_images"), C.num(c, "description_chars")
    tcol = C.num(t, "title_score")
    gcol = C.setting(g, "title_good", "cfg_title_good")
    qcol = C.num(q, "quality_score")
    qtcol = C.setting(qt, "quality_target", "cfg_quality_target")
    plat, pcol = platform_column(p)
    is88 = plat == "1688"
    need = np.array([LISTING_RULES["1688"], LISTING_RULES["alibaba"]], dtype=np.float64)[np.where(is88, 0, 1)]
    main, det, chars = (np.nan_to_num(x.values) for x in (mcol, dcol, ccol))
    full = (main >= need[:, 0]) & (det >= need[:, 1]) & (chars >= need[:, 2])
    title_ok = np.isnan(tcol.values) | (tcol.values >= gcol.values)
    stars = (
        (main >= 1).astype(np.int64)
        + (main >= need[:, 0])
        + (det >= need[:, 1])
        + (chars >= need[:, 2])
        + (full & title_ok)
    )
    quality = qcol.values
    scored = ~is88 & np.isfinite(quality)
    if scored.any():
        floor = np.floor(np.clip(np.nan_to_num(quality), 0, 4.999))
        from_quality = np.where(quality >= qtcol.values, 5, floor).astype(np.int64)
        stars = np.where(scored, from_quality, stars)
    stars = np.where(title_ok, stars, np.minimum(stars, 4))
    stars[tcol.values == 0] = 0
    blank = np.isnan(mcol.values) & np.isnan(dcol.values) & np.isnan(ccol.values) & ~scored
    out = stars.astype(object) if blank.any() else stars
    if blank.any():
        out[blank] = None
    return restore(finish(out, mcol, dcol, ccol, tcol, gcol, pcol, qcol, qtcol), shape)


@excel(
    "SHOP_HEALTH",
    "店铺产品结构 Shop health: product count band and the share of zero-effect products.",
    "text",
    help={
        "product_count": "产品数 products online",
        "zero_effect_count": "零效果产品数 zero-effect products",
        "min_products": "",
        "new_products": "",
        "max_products": "",
        "zero_share_max": "",
    },
    settings={
        "min_products": "cfg_shop_min_products",
        "new_products": "cfg_shop_new_products",
        "max_products": "cfg_shop_max_products",
        "zero_share_max": "cfg_zero_effect_max",
    },
    source="seed 002 上架产品数量 50–60",
    example="`=SHOP_HEALTH(55, 3) → 合适 right: 55 款产品 products`",
)
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


#: HOT_CANDIDATE: enough impressions, a click and an inquiry, then impressions below and CTR and
#: inquiry rate (÷ visitors, ÷ clicks without visitors) above the shop's benchmarks.  A blank
#: benchmark means fewer than 10 products with enough data (``BENCHMARK``): no candidate.
_HOT_BASE = 'IF({visitors|""}="",' + native_num("clicks") + "," + native_num("visitors") + ")"
_HOT = (
    'IF({impressions}="","",IF(OR({shop_impr_median}="",{shop_ctr_median}=""),FALSE,'
    "IF(AND(--{impressions}>0,--{impressions}>={min_impressions},"
    + native_num("clicks")
    + ">0,"
    + native_num("inquiries")
    + ">0),AND(--{impressions}<{shop_impr_median},"
    + native_num("clicks")
    + "/{impressions}>{shop_ctr_median},"
    + f"IF({_HOT_BASE}>0,{native_num('inquiries')}/{_HOT_BASE},0)>{native_num('shop_inq_median')}"
    + "),FALSE)))"
)


@excel(
    "HOT_CANDIDATE",
    "潜力爆款 Hot candidate: enough data, CTR and inquiry rate above the shop median, impressions below it.",
    "bool",
    help={
        "impressions": "曝光 impressions",
        "clicks": "点击 clicks",
        "inquiries": "询盘 inquiries",
        "shop_impr_median": "店铺曝光中位数 (blank = from the columns)",
        "shop_ctr_median": "店铺点击率中位数 (blank = from the columns)",
        "shop_inq_median": "店铺询盘率中位数 (blank = from the columns)",
        "min_impressions": "最少曝光",
        "visitors": "访客 visitors (inquiry rate = inquiries ÷ visitors)",
    },
    settings={"min_impressions": "cfg_min_impressions"},
    twin=_HOT,
    source="seed 000 找到商店潜在的爆炸链接; minimum sample (issue 13)",
    example="`=HOT_CANDIDATE(300, 9, 2, 1000, 0.01, 0.05) → TRUE`; 40 impressions → FALSE",
)
def hot_candidate(
    impressions: Any,
    clicks: Any,
    inquiries: Any,
    shop_impr_median: Any = None,
    shop_ctr_median: Any = None,
    shop_inq_median: Any = None,
    min_impressions: Any = None,
    visitors: Any = None,
) -> Any:
    """Potential hot link 潜力爆款: TRUE when CTR and inquiry rate beat the shop median while impressions trail it.

    CTR = clicks ÷ impressions; inquiry rate = inquiries ÷ visitors (÷ clicks when no
    visitors are given).  The product needs enough data — at least ``min_impressions``
    (``cfg_min_impressions``, 100) impressions — and at least one click and one inquiry:
    below that it is FALSE, however good 1 inquiry from 2 clicks looks.  A blank median is
    computed from the columns passed, over the products with enough impressions (at least
    10 of them; fewer: no candidate), so ``HOT_CANDIDATE`` over whole columns needs no helper
    cells; the workbook passes ``BENCHMARK`` cells.  Blank impressions give a blank.

    Examples
    --------
    >>> hot_candidate(300, 9, 2, 1000, 0.01, 0.05)
    True
    >>> hot_candidate(3000, 9, 2, 1000, 0.01, 0.05), hot_candidate(40, 9, 2, 1000, 0.01, 0.05)
    (False, False)
    >>> impr = [4000, 3000, 500, 800, 150, 900, 1200, 2500, 600, 700, 1500, 20]
    >>> [bool(x) for x in hot_candidate(impr, [40, 30, 15, 4, 1, 9, 12, 25, 5, 7, 15, 9], [1, 1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 2])]
    [False, False, True, False, False, False, False, False, False, False, False, False]
    """
    (i, c, q, mi, mc, mq, mn, v), shape = broadcast(
        impressions, clicks, inquiries, shop_impr_median, shop_ctr_median, shop_inq_median, min_impressions, visitors
    )
    icol, ccol, qcol = C.num(i, "impressions"), C.num(c, "clicks"), C.num(q, "inquiries")
    micol, mccol, mqcol = C.num(mi, "shop_impr_median"), C.num(mc, "shop_ctr_median"), C.num(mq, "shop_inq_median")
    mncol = C.setting(mn, "min_impressions", "cfg_min_impressions")
    vcol = C.num(v, "visitors")
    imp, clk, inq = icol.values, np.nan_to_num(ccol.values), np.nan_to_num(qcol.values)
    base = np.where(np.isnan(vcol.values), clk, np.nan_to_num(vcol.values))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ctr = np.where(imp > 0, clk / imp, np.nan)
        qr = np.where(base > 0, inq / base, np.nan)
    enough = imp >= mncol.values
    low = float(np.nanmin(mncol.values)) if len(imp) else 0.0
    med_i = np.where(np.isnan(micol.values), sampled_median(imp, imp, low), micol.values)
    med_c = np.where(np.isnan(mccol.values), sampled_median(ctr, imp, low), mccol.values)
    med_q = np.where(np.isnan(mqcol.values), sampled_median(np.where(base > 0, qr, np.nan), imp, low), mqcol.values)
    hot = enough & (clk > 0) & (inq > 0) & (imp < med_i) & (ctr > med_c) & (np.nan_to_num(qr) > np.nan_to_num(med_q))
    cols = (icol, ccol, qcol, micol, mccol, mqcol, mncol, vcol)
    return restore(finish(C.bools(hot, np.isnan(imp)), *cols), shape)


@excel(
    "REPLACE_LINK",
    "换链接建议 Replace-link advice after 3 rounds of optimisation without improvement.",
    "text",
    help={
        "rounds": "优化次数 optimisation rounds",
        "before_metric": "优化前指标 metric before",
        "after_metric": "优化后指标 metric after",
        "rounds_limit": "",
    },
    settings={"rounds_limit": "cfg_replace_rounds"},
    source="seed 000 优化三次后无法生效, 建议更换链接",
    example="`=REPLACE_LINK(3, 0.012, 0.011, cfg_replace_rounds) → 换新链接 replace the link: …`",
)
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
