"""Product UDFs 产品: title score and issues, banned words, listing stars, shop health, hot links."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import arg, excel_call, func

_LIMITS = ("title_max", "title_min", "title_max_1688", "title_min_1688")


@func
@arg("title", "产品标题 product title")
@arg("keywords", "关键词, 核心词在前, 分号分隔 keywords, core word first, ;-separated")
@arg("platform", "平台 alibaba 或 1688 (cfg_platform)")
@arg("extra_words", "自定义禁用词 extra banned words (tblBannedWords)")
@arg("title_max", "国际站标题上限 cfg_title_max (128)")
@arg("title_min", "国际站标题建议下限 cfg_title_min (50)")
@arg("title_max_1688", "1688 标题上限 cfg_title_max_1688 (60)")
@arg("title_min_1688", "1688 标题建议下限 cfg_title_min_1688 (40)")
@arg("allowed_words", "允许词 cfg_allowed_words (registered trademarks)")
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
    """标题分 Title score 0–100 (length, core word, position, coverage, stuffing, Title Case, symbols, filler)."""
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


@func
@arg("title", "产品标题 product title")
@arg("keywords", "关键词, 核心词在前 keywords, core word first")
@arg("platform", "平台 alibaba 或 1688 (cfg_platform)")
@arg("extra_words", "自定义禁用词 extra banned words (tblBannedWords)")
@arg("title_max", "国际站标题上限 cfg_title_max (128)")
@arg("title_min", "国际站标题建议下限 cfg_title_min (50)")
@arg("title_max_1688", "1688 标题上限 cfg_title_max_1688 (60)")
@arg("title_min_1688", "1688 标题建议下限 cfg_title_min_1688 (40)")
@arg("allowed_words", "允许词 cfg_allowed_words (registered trademarks)")
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
    """标题问题 Title issues: the reasons behind the title score, ; -separated."""
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


@func
@arg("title", "产品标题 product title")
@arg("keywords", "已填关键词 typed keywords (kept when not blank)")
@arg("shop_keywords", "店铺关键词 the shop's keywords (tblKeywords keyword column)")
@arg("shop_weights", "关键词权重 weight per keyword (impressions)")
@arg("platform", "平台 alibaba 或 1688 (cfg_platform)")
@arg("extra_words", "自定义禁用词 extra banned words (tblBannedWords)")
@arg("count", "关键词个数 how many keywords (4)")
def TITLE_KEYWORDS(
    title: Any,
    keywords: Any = None,
    shop_keywords: Any = None,
    shop_weights: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    count: Any = None,
) -> Any:
    """评分关键词 Keywords a title is judged by: the typed ones, or guessed from the shop's keyword export."""
    return excel_call(core.title_keywords, title, keywords, shop_keywords, shop_weights, platform, extra_words, count)


@func
@arg("text", "文字 title, keyword or description")
@arg("extra_words", "自定义禁用词 extra banned words (range or ;-separated)")
@arg("allowed_words", "允许词 cfg_allowed_words (registered trademarks)")
def BANNED(text: Any, extra_words: Any = None, allowed_words: Any = None) -> Any:
    """禁用词 Banned words by group (ad-law terms, claims, replicas, brands, medical, contact details), warnings last."""
    return excel_call(core.banned, text, extra_words, allowed_words)


@func
@arg("main_images", "主图数量 main images")
@arg("detail_images", "详情图片数量 detail images")
@arg("description_chars", "详情文字字数 description characters")
@arg("title_score", "标题分 title score (optional)")
@arg("title_good", "合格标题分 cfg_title_good (60)")
@arg("platform", "平台 alibaba 或 1688 (cfg_platform)")
@arg("quality_score", "国际站信息质量分 Alibaba.com quality score 0–5 (optional)")
@arg("quality_target", "质量分目标 cfg_quality_target (4.5)")
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
    """产品星级 Listing stars 0–5 per platform: 1688 five-star rule, Alibaba.com practice or its quality score."""
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


@func
@arg("product_count", "产品数 products online")
@arg("zero_effect_count", "零效果产品数 zero-effect products")
@arg("min_products", "cfg_shop_min_products (50)")
@arg("new_products", "cfg_shop_new_products (60)")
@arg("max_products", "cfg_shop_max_products (100)")
@arg("zero_share_max", "cfg_zero_effect_max (0.3)")
def SHOP_HEALTH(
    product_count: Any,
    zero_effect_count: Any,
    min_products: Any = None,
    new_products: Any = None,
    max_products: Any = None,
    zero_share_max: Any = None,
) -> Any:
    """店铺产品结构 Shop health: product count band and the share of zero-effect products."""
    return excel_call(
        core.shop_health, product_count, zero_effect_count, min_products, new_products, max_products, zero_share_max
    )


@func
@arg("impressions", "曝光 impressions")
@arg("clicks", "点击 clicks")
@arg("inquiries", "询盘 inquiries")
@arg("shop_impr_median", "店铺曝光中位数 (blank = from the columns)")
@arg("shop_ctr_median", "店铺点击率中位数 (blank = from the columns)")
@arg("shop_inq_median", "店铺询盘率中位数 (blank = from the columns)")
@arg("min_impressions", "最少曝光 cfg_min_impressions (100)")
@arg("visitors", "访客 visitors (inquiry rate = inquiries ÷ visitors)")
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
    """潜力爆款 Hot candidate: enough data, CTR and inquiry rate above the shop median, impressions below it."""
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


@func
@arg("rounds", "优化次数 optimisation rounds")
@arg("before_metric", "优化前指标 metric before")
@arg("after_metric", "优化后指标 metric after")
@arg("rounds_limit", "cfg_replace_rounds (3)")
def REPLACE_LINK(rounds: Any, before_metric: Any, after_metric: Any, rounds_limit: Any = None) -> Any:
    """换链接建议 Replace-link advice after 3 rounds of optimisation without improvement."""
    return excel_call(core.replace_link, rounds, before_metric, after_metric, rounds_limit)
