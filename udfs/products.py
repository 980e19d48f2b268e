"""Product UDFs 产品: title score and issues, banned words, listing stars, shop health, hot links."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import excel_call, udf

_LIMITS = ("title_max", "title_min", "title_max_1688", "title_min_1688")


@udf
def TITLE_SCORE(
    title: Any,
    keywords: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    title_max: Any = None,
    title_min: Any = None,
    title_max_1688: Any = None,
    title_min_1688: Any = None,
    allowed_words: Any = None,
) -> Any:
    return excel_call(
        core.title_score,
        title,
        keywords,
        platform,
        extra_words,
        title_max,
        title_min,
        title_max_1688,
        title_min_1688,
        allowed_words,
    )


@udf
def TITLE_ISSUES(
    title: Any,
    keywords: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    title_max: Any = None,
    title_min: Any = None,
    title_max_1688: Any = None,
    title_min_1688: Any = None,
    allowed_words: Any = None,
) -> Any:
    return excel_call(
        core.title_issues,
        title,
        keywords,
        platform,
        extra_words,
        title_max,
        title_min,
        title_max_1688,
        title_min_1688,
        allowed_words,
    )


@udf
def TITLE_KEYWORDS(
    title: Any,
    keywords: Any = None,
    shop_keywords: Any = None,
    shop_weights: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    count: Any = None,
) -> Any:
    return excel_call(core.title_keywords, title, keywords, shop_keywords, shop_weights, platform, extra_words, count)


@udf
def BANNED(text: Any, extra_words: Any = None, allowed_words: Any = None) -> Any:
    return excel_call(core.banned, text, extra_words, allowed_words)


@udf
def LISTING_STARS(
    main_images: Any,
    detail_images: Any,
    description_chars: Any,
    title_score: Any = None,
    title_good: Any = None,
    platform: Any = None,
    quality_score: Any = None,
    quality_target: Any = None,
) -> Any:
    return excel_call(
        core.listing_stars,
        main_images,
        detail_images,
        description_chars,
        title_score,
        title_good,
        platform,
        quality_score,
        quality_target,
    )


@udf
def SHOP_HEALTH(
    product_count: Any,
    zero_effect_count: Any,
    min_products: Any = None,
    new_products: Any = None,
    max_products: Any = None,
    zero_share_max: Any = None,
) -> Any:
    return excel_call(
        core.shop_health, product_count, zero_effect_count, min_products, new_products, max_products, zero_share_max
    )


@udf
def HOT_CANDIDATE(
    impressions: Any,
    clicks: Any,
    inquiries: Any,
    shop_impr_median: Any = None,
    shop_ctr_median: Any = None,
    shop_inq_median: Any = None,
    min_impressions: Any = None,
    visitors: Any = None,
) -> Any:
    return excel_call(
        core.hot_candidate,
        impressions,
        clicks,
        inquiries,
        shop_impr_median,
        shop_ctr_median,
        shop_inq_median,
        min_impressions,
        visitors,
    )


@udf
def REPLACE_LINK(rounds: Any, before_metric: Any, after_metric: Any, rounds_limit: Any = None) -> Any:
    return excel_call(core.replace_link, rounds, before_metric, after_metric, rounds_limit)
