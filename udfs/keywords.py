"""Keyword UDFs 关键词: opportunity words and P4P 直通车 advice."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import arg, excel_call, func


@func
@arg("keyword_index", "关键词指数 keyword index")
@arg("seller_index", "卖家规模指数 seller-scale index")
@arg("index_min", "cfg_kw_index_min (200)")
@arg("seller_max", "cfg_seller_index_max (10)")
@arg("banned", "违禁词 the keyword's BANNED text: a brand or banned word is never an opportunity")
def OPPORTUNITY_WORD(
    keyword_index: Any, seller_index: Any, index_min: Any = None, seller_max: Any = None, banned: Any = None
) -> Any:
    """机会词 Opportunity word: keyword index ≥ 200 and seller-scale index ≤ 10, never a brand or banned keyword."""
    return excel_call(core.opportunity_word, keyword_index, seller_index, index_min, seller_max, banned)


@func
@arg("cost", "直通车花费 P4P cost")
@arg("clicks", "点击 clicks")
@arg("inquiries", "询盘 inquiries")
@arg("orders", "成交 orders")
@arg("target_cost_per_inquiry", "目标单询盘成本 cfg_target_cpi (30)")
@arg("keyword", "关键词 the keyword: a brand or banned word means pause")
@arg("extra_words", "自定义禁用词 extra banned words (tblBannedWords)")
@arg("allowed_words", "允许词 cfg_allowed_words")
@arg("min_clicks", "最少点击 cfg_min_visitors (30)")
def P4P_ACTION(
    cost: Any,
    clicks: Any,
    inquiries: Any,
    orders: Any = None,
    target_cost_per_inquiry: Any = None,
    keyword: Any = None,
    extra_words: Any = None,
    allowed_words: Any = None,
    min_clicks: Any = None,
) -> Any:
    """直通车建议 P4P action: 保持 keep / 加价 raise bid / 降价 lower bid / 暂停 pause, with the reason."""
    return excel_call(
        core.p4p_action,
        cost,
        clicks,
        inquiries,
        orders,
        target_cost_per_inquiry,
        keyword,
        extra_words,
        allowed_words,
        min_clicks,
    )
