"""Keyword UDFs 关键词: opportunity words and P4P 直通车 advice."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import excel_call, udf


@udf
def OPPORTUNITY_WORD(
    keyword_index: Any, seller_index: Any, index_min: Any = None, seller_max: Any = None, banned: Any = None
) -> Any:
    return excel_call(core.opportunity_word, keyword_index, seller_index, index_min, seller_max, banned)


@udf
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
