"""Keywords 关键词: opportunity words and P4P 直通车 bid advice.

An opportunity word 机会词 has real demand (keyword index ≥ 200) and few sellers
(seller-scale index ≤ 10) — a practitioner rule read from the Data Manager's
关键词指数 / 卖家规模指数 columns; both thresholds are settings.  A keyword holding a brand
or another banned word (:mod:`.banned`: "nike shoes", "fake nike", "replica bag") is never
an opportunity word, and P4P advice for it is to pause: the platform warns sellers to remove
brand and prohibited words before using a keyword, and one prohibited word can get a shop
shielded on every dimension for seven days (seed 002).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, error_text, finish, restore
from ._spec import excel
from .banned import LABELS, NOTE_LABEL, _matcher, has_block, parse_extra_words

__all__ = ["opportunity_word", "p4p_action"]


def _banned_reasons(k: np.ndarray, extra_words: Any, allowed_words: Any) -> tuple[np.ndarray, Any]:
    """Per row: the banned terms of the keyword as ``"nike (品牌 brand)"`` ("" when clean), and the column."""
    col = C.text(k, "keyword")
    matcher = _matcher(parse_extra_words(extra_words), parse_extra_words(allowed_words))

    def reason(text: str) -> str:
        if not text:
            return ""
        return ", ".join(f"{f.term} ({LABELS[f.group]})" for f in matcher.findings(text) if f.level == "block")

    return C.map_distinct(reason, col.values).astype(object), col


@excel(
    "OPPORTUNITY_WORD",
    "机会词 Opportunity word: keyword index ≥ 200 and seller-scale index ≤ 10, never a brand or banned keyword.",
    "bool",
    help={
        "keyword_index": "关键词指数 keyword index",
        "seller_index": "卖家规模指数 seller-scale index",
        "index_min": "",
        "seller_max": "",
        "banned": "违禁词 the keyword's BANNED text: a brand or banned word is never an opportunity",
    },
    settings={"index_min": "cfg_kw_index_min", "seller_max": "cfg_seller_index_max"},
    twin=f'IF(AND({{banned|""}}<>"",LEFT({{banned|""}},{len(NOTE_LABEL) + 1})<>"{NOTE_LABEL}:"),FALSE,'
    'IF(OR({keyword_index}="",{seller_index}=""),"",'
    "AND(--{keyword_index}>={index_min},--{seller_index}<={seller_max})))",
    source="practitioner rule (Data Manager 关键词指数/卖家规模指数); seed 002 禁售词 (brand keywords)",
    example='`=OPPORTUNITY_WORD(814, 3, cfg_kw_index_min, cfg_seller_index_max) → TRUE`; `=OPPORTUNITY_WORD(259, 0, , , BANNED("nike shoes")) → FALSE`',
)
def opportunity_word(
    keyword_index: Any,
    seller_index: Any,
    index_min: Any = None,
    seller_max: Any = None,
    banned: Any = None,
) -> Any:
    """Opportunity word 机会词: TRUE when keyword index ≥ ``cfg_kw_index_min`` (200) and seller index ≤ ``cfg_seller_index_max`` (10), and never when ``banned`` (the keyword's ``BANNED`` text, the Keywords sheet's 违禁词 column) names a brand or banned term.

    A keyword holding a brand or banned word is never one: ``banned`` is the keyword's
    ``BANNED`` text (the Keywords sheet's 违禁词 column); when it names a banned term the
    answer is FALSE, whatever the indexes (a warning alone, ``"提示 note: …"``, does not
    count).  Blank (the export's "-") in either index gives a blank.

    Examples
    --------
    >>> opportunity_word(814, 3), opportunity_word(1034, 22), opportunity_word(150, 0)
    (True, False, False)
    >>> from storeops_xl import banned
    >>> opportunity_word(259, 0, None, None, banned("nike shoes")), opportunity_word(259, 0, None, None, banned("dog collar"))
    (False, True)
    >>> opportunity_word("-", "-") is None
    True
    """
    (k, s, lo, hi, w), shape = broadcast(keyword_index, seller_index, index_min, seller_max, banned)
    kcol, scol = C.num(k, "keyword_index"), C.num(s, "seller_index")
    lcol = C.setting(lo, "index_min", "cfg_kw_index_min")
    hcol = C.setting(hi, "seller_max", "cfg_seller_index_max")
    ok = (kcol.values >= lcol.values) & (scol.values <= hcol.values)
    blank = np.isnan(kcol.values) | np.isnan(scol.values)
    bad = has_block(w).reshape(ok.shape)
    ok &= ~bad
    blank &= ~bad
    return restore(finish(C.bools(ok, blank), kcol, scol, lcol, hcol), shape)


def _money(v: float) -> str:
    return f"{v:,.2f}"


def _p4p(
    cost: float, clicks: float, inquiries: float, orders: float, target: float, min_clicks: float, bad: str
) -> Any:
    if bad:
        return (
            f"暂停 pause: 违禁关键词 {bad}, 侵权/违规风险, 一个违禁词可致店铺屏蔽 7 天 / "
            f"banned keyword {bad}: one prohibited word can get the shop shielded for 7 days"
        )
    if np.isnan(cost):
        return None
    cost, target, min_clicks = float(cost), float(target), float(min_clicks)
    clicks, inquiries, orders = (0.0 if np.isnan(x) else float(x) for x in (clicks, inquiries, orders))
    t = _money(target)
    if inquiries == 0:
        if cost == 0 and clicks == 0:
            return "加价 raise bid: 没有花费也没有点击, 出价太低没有排名 / no spend and no clicks: the bid is too low to rank"
        if cost >= 2 * target:
            return (
                f"暂停 pause: 花费 {_money(cost)} 无询盘 (≥ 2 × 目标 {t}) / "
                f"spent {_money(cost)} without an inquiry (≥ 2 × target {t})"
            )
        if cost >= target:
            return (
                f"降价 lower bid: 花费 {_money(cost)} 已超目标询盘成本 {t} 仍无询盘 / "
                f"spent more than the target cost per inquiry {t} without an inquiry"
            )
        return (
            f"保持 keep: 数据太少 too little data (花费 {_money(cost)} < 目标 {t}, {clicks:g} 次点击) / "
            f"spent {_money(cost)} < target {t}, {clicks:g} clicks"
        )
    cpi = cost / inquiries
    c = _money(cpi)
    if cpi > 2 * target:
        return f"暂停 pause: 单询盘成本 {c} > 2 × 目标 {t} / cost per inquiry {c} > 2 × target {t}"
    if clicks < min_clicks:
        return (
            f"保持 keep: 数据太少 too little data ({clicks:g} < {min_clicks:g} 次点击 clicks), "
            f"目前单询盘成本 {c} / cost per inquiry so far {c}"
        )
    if orders > 0:
        return f"保持 keep: 有成交, 单询盘成本 {c} / has orders, cost per inquiry {c}"
    if cpi > 1.2 * target:
        return f"降价 lower bid: 单询盘成本 {c} 高于目标 {t} / cost per inquiry {c} above target {t}"
    if cpi < 0.7 * target:
        return f"加价 raise bid: 单询盘成本 {c} 远低于目标 {t}, 抢更多流量 / cost per inquiry {c} well under target {t}: buy more traffic"
    return f"保持 keep: 单询盘成本 {c} 接近目标 {t} / cost per inquiry {c} near target {t}"


@excel(
    "P4P_ACTION",
    "直通车建议 P4P action: 保持 keep / 加价 raise bid / 降价 lower bid / 暂停 pause, with the reason.",
    "text",
    help={
        "cost": "直通车花费 P4P cost",
        "clicks": "点击 clicks",
        "inquiries": "询盘 inquiries",
        "orders": "成交 orders",
        "target_cost_per_inquiry": "目标单询盘成本",
        "keyword": "关键词 the keyword: a brand or banned word means pause",
        "extra_words": "自定义禁用词 extra banned words (tblBannedWords)",
        "allowed_words": "允许词 cfg_allowed_words",
        "min_clicks": "最少点击",
    },
    settings={"target_cost_per_inquiry": "cfg_target_cpi", "min_clicks": "cfg_min_visitors"},
    ranges=("extra_words", "allowed_words"),
    source="seed 002 网销宝/直通车 出价, 平均引流成本; minimum sample; brand keywords (issue 13)",
    example='`=P4P_ACTION(40, 30, 4, 0, cfg_target_cpi) → 加价 raise bid: …`; `=P4P_ACTION(, , , , , "nike shoes") → 暂停 pause: 违禁关键词 nike (品牌 brand) …`',
)
def p4p_action(
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
    """P4P action 直通车建议: ``保持 keep`` / ``加价 raise bid`` / ``降价 lower bid`` / ``暂停 pause`` with the reason.

    The text starts with the Chinese action word and its English name, then ``: `` and
    the reason.  Rules (target = ``cfg_target_cpi``, 30 USD per inquiry; enough data =
    ``min_clicks`` clicks, ``cfg_min_visitors`` 30):

    * a keyword holding a brand or banned word → pause, with the word (even with no spend);
    * no inquiries: no spend and no clicks → raise bid; spend ≥ 2 × target → pause;
      spend ≥ target → lower bid; else keep (too little data);
    * cost per inquiry = cost ÷ inquiries: > 2 × target → pause; fewer clicks than
      ``min_clicks`` → keep (too little data to judge the cost per inquiry); orders → keep;
      > 1.2 × target → lower bid; < 0.7 × target → raise bid; else keep.

    Blank cost gives a blank (unless the keyword is banned).

    Examples
    --------
    >>> p4p_action(40, 30, 4, 0, 30).split(":")[0]
    '加价 raise bid'
    >>> p4p_action(90, 50, 0, 0, 30).split(":")[0]
    '暂停 pause'
    >>> p4p_action(100, 50, 2, 0, 30).split(":")[0]
    '降价 lower bid'
    >>> p4p_action(50, 40, 1, 1, 30).split(":")[0]
    '保持 keep'
    >>> p4p_action(6, 5, 1, 0, 30)
    '保持 keep: 数据太少 too little data (5 < 30 次点击 clicks), 目前单询盘成本 6.00 / cost per inquiry so far 6.00'
    >>> p4p_action(None, None, None, None, 30, "nike shoes").split(",")[0]
    '暂停 pause: 违禁关键词 nike (品牌 brand)'
    """
    (c, k, q, o, t, mc, w), shape = broadcast(
        cost, clicks, inquiries, orders, target_cost_per_inquiry, min_clicks, keyword
    )
    ccol, kcol, qcol, ocol = C.num(c, "cost"), C.num(k, "clicks"), C.num(q, "inquiries"), C.num(o, "orders")
    tcol = C.setting(t, "target_cost_per_inquiry", "cfg_target_cpi")
    mcol = C.setting(mc, "min_clicks", "cfg_min_visitors")
    bad_t = tcol.values <= 0
    if bad_t.any():
        tcol.add_error(
            bad_t, (error_text("#VALUE!", "target_cost_per_inquiry", v, "must be above 0") for v in tcol.values[bad_t])
        )
    cols = [ccol, kcol, qcol, ocol, tcol, mcol]
    if keyword is not None:
        reasons, wcol = _banned_reasons(w, extra_words, allowed_words)
        cols.append(wcol)
    else:
        reasons = np.full(len(ccol.values), "", dtype=object)
    out = C.map_distinct(_p4p, ccol.values, kcol.values, qcol.values, ocol.values, tcol.values, mcol.values, reasons)
    return restore(finish(out, *cols), shape)
