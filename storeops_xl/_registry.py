"""The catalogue of StoreOps functions: one entry per Excel name.

The xlwings UDFs (``udfs``), the headless recalculation engine and the CLI all look a
function up here, so one rule lives in one place.  ``ranges`` names the parameters that
take a whole range per call (for example the 12 month weights of ``TARGET_SPLIT``)
instead of one value per row (``PK_SCORE``'s ``actuals`` is a row per salesperson: an
(n, k) range gives n scores); ``aggregate`` marks functions that turn whole ranges into
one value (``TIMELY_RATE``).  ``returns`` tells the workbook which number format to use.

``twin`` is the function's *native twin*: the same rule as an Excel formula that every
spreadsheet program computes without Python (WPS, LibreOffice, Excel without the add-in).
It is written over the parameter names, ``{clicks}``, and ``{name|default}`` gives the
value an omitted optional argument takes.  A twin is exact over the inputs the workbook
allows (blank cells, zeros, non-negative numbers, numbers typed as text, the drop-down
values of its columns; ``tests/core/test_twins.py`` checks it with hypothesis against the
core function, evaluated by the headless engine and by LibreOffice); outside them both
give an error, not necessarily the same one.  ``guard`` is a native condition under which
the function returns a blank: the ``.xlsm`` writes ``IF(guard,"",FUNC(...))`` so a client
without Python computes those blanks itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from . import banned, followup, funnel_diag, keywords, products, ratios, scam, targets, title_keywords, titles

Returns = Literal["number", "percent", "money", "hours", "date", "bool", "text", "int"]


@dataclass(frozen=True)
class FunctionSpec:
    """One StoreOps function as Excel sees it."""

    name: str
    func: Callable[..., Any]
    returns: Returns = "number"
    ranges: tuple[str, ...] = field(default=())
    aggregate: bool = False
    twin: str | None = None
    guard: str | None = None


def _num(p: str) -> str:
    """A count/amount argument as a number: a blank cell or "" is 0, a number typed as text is read."""
    return f'IF({{{p}}}="",0,--{{{p}}})'


class _TwinGuard(TypedDict):
    twin: str
    guard: str


def _ratio(n: str, d: str) -> _TwinGuard:
    """n ÷ d, blank when either is blank or d is 0 (SPEC §5)."""
    return {
        "twin": f'IF(OR({{{n}}}="",{{{d}}}=""),"",IF(--{{{d}}}>0,{{{n}}}/{{{d}}},""))',
        "guard": f'OR({{{n}}}="",{{{d}}}="",--{{{d}}}=0)',
    }


_REPLY_OK = (
    'IF(OR({hours}="",{channel}=""),"",IF({channel}="TM",--{hours}<={tm_hours|1},'
    'IF({channel}="询盘 Inquiry",--{hours}<={inquiry_hours|24},"")))'
)
_BUYER_CLASS = (
    f'IF(OR({_num("order_usd")}>={{a_usd|10000}},{_num("paid_orders")}>={{a_repeat|3}}),"A",'
    f'IF(OR({_num("paid_orders")}>0,{_num("order_usd")}>0),"B",IF({_num("sample_orders")}>0,"C","D")))'
)
_NEXT_FOLLOWUP = (
    'IF(OR({last_contact}="",{buyer_class}="",{stage|""}="搁置 On hold",{stage|""}="流失 Lost"),"",'
    'INT({last_contact})+IF({buyer_class}="A",{cadence_a|7},IF({buyer_class}="B",{cadence_b|14},'
    'IF({buyer_class}="C",{cadence_c|5},IF({buyer_class}="D",{cadence_d|3},#N/A)))))'
)
#: HOT_CANDIDATE: enough impressions, a click and an inquiry, then impressions below and CTR and
#: inquiry rate (÷ visitors, ÷ clicks without visitors) above the shop's benchmarks.  A blank
#: benchmark means fewer than 10 products with enough data (``BENCHMARK``): no candidate.
_HOT_BASE = 'IF({visitors|""}="",' + _num("clicks") + "," + _num("visitors") + ")"
_HOT = (
    'IF({impressions}="","",IF(OR({shop_impr_median}="",{shop_ctr_median}=""),FALSE,'
    "IF(AND(--{impressions}>0,--{impressions}>={min_impressions|100},"
    + _num("clicks")
    + ">0,"
    + _num("inquiries")
    + ">0),AND(--{impressions}<{shop_impr_median},"
    + _num("clicks")
    + "/{impressions}>{shop_ctr_median},"
    + f"IF({_HOT_BASE}>0,{_num('inquiries')}/{_HOT_BASE},0)>{_num('shop_inq_median')}"
    + "),FALSE)))"
)

FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in [
        FunctionSpec("CTR", ratios.ctr, "percent", **_ratio("clicks", "impressions")),
        FunctionSpec("BOUNCE", ratios.bounce, "percent", **_ratio("bounced_visits", "visits")),
        FunctionSpec("INQUIRY_RATE", ratios.inquiry_rate, "percent", **_ratio("inquiries", "visitors")),
        FunctionSpec("CONVERSION", ratios.conversion, "percent", **_ratio("buyers", "visitors")),
        FunctionSpec("CPC", ratios.cpc, "money", **_ratio("cost", "clicks")),
        FunctionSpec("COST_PER", ratios.cost_per, "money", **_ratio("cost", "count")),
        FunctionSpec("FUNNEL_DIAG", funnel_diag.funnel_diag, "text", guard='{impressions}=""'),
        FunctionSpec("BENCHMARK", funnel_diag.benchmark, "number", ranges=("values", "sample"), aggregate=True),
        FunctionSpec(
            "REPLY_HOURS",
            followup.reply_hours,
            "hours",
            twin='IF(OR({received_at}="",{replied_at}=""),"",IF({replied_at}<{received_at},#N/A,'
            "ROUND(({replied_at}-{received_at})*24,6)))",
            guard='OR({received_at}="",{replied_at}="")',
        ),
        FunctionSpec("REPLY_OK", followup.reply_ok, "bool", twin=_REPLY_OK),
        FunctionSpec(
            "TIMELY_RATE", followup.timely_rate, "percent", ranges=("hours_range", "channel_range"), aggregate=True
        ),
        FunctionSpec("BUYER_CLASS", followup.buyer_class, "text", twin=_BUYER_CLASS),
        FunctionSpec("CLOSE_RATE", followup.close_rate, "percent", **_ratio("deal_buyers", "inquiry_buyers")),
        FunctionSpec(
            "CLOSE_LABEL",
            followup.close_label,
            "text",
            twin='IF({rate}="","",IF(--{rate}>={strong|0.7},"强",IF(--{rate}<={weak|0.1},"弱","正常")))',
        ),
        FunctionSpec("NEXT_FOLLOWUP", followup.next_followup, "date", twin=_NEXT_FOLLOWUP),
        FunctionSpec(
            "OVERDUE",
            followup.overdue,
            "bool",
            twin='IF({next_date}="","",INT({next_date})<INT({today|TODAY()}))',
        ),
        FunctionSpec(
            "TITLE_KEYWORDS",
            title_keywords.title_keywords,
            "text",
            ranges=("shop_keywords", "shop_weights", "extra_words"),
        ),
        FunctionSpec(
            "TITLE_SCORE", titles.title_score, "number", ranges=("extra_words", "allowed_words"), guard='{title}=""'
        ),
        FunctionSpec("TITLE_ISSUES", titles.title_issues, "text", ranges=("extra_words", "allowed_words")),
        FunctionSpec("BANNED", banned.banned, "text", ranges=("extra_words", "allowed_words")),
        FunctionSpec("LISTING_STARS", products.listing_stars, "int"),
        FunctionSpec("SHOP_HEALTH", products.shop_health, "text"),
        FunctionSpec("HOT_CANDIDATE", products.hot_candidate, "bool", twin=_HOT),
        FunctionSpec("REPLACE_LINK", products.replace_link, "text"),
        FunctionSpec(
            "OPPORTUNITY_WORD",
            keywords.opportunity_word,
            "bool",
            twin=f'IF(AND({{banned|""}}<>"",LEFT({{banned|""}},{len(banned.NOTE_LABEL) + 1})<>"{banned.NOTE_LABEL}:"),FALSE,'
            'IF(OR({keyword_index}="",{seller_index}=""),"",'
            "AND(--{keyword_index}>={index_min|200},--{seller_index}<={seller_max|10})))",
        ),
        FunctionSpec("P4P_ACTION", keywords.p4p_action, "text", ranges=("extra_words", "allowed_words")),
        FunctionSpec("TARGET_SPLIT", targets.target_split, "number", ranges=("weights",)),
        FunctionSpec("TARGET_PACE", targets.target_pace, "percent"),
        FunctionSpec(
            "PACE_LABEL",
            targets.pace_label,
            "text",
            twin='IF({ratio}="","",IF(--{ratio}>={ahead|1.05},"领先",IF(--{ratio}<{behind|0.9},"落后","正常")))',
        ),
        FunctionSpec("PK_SCORE", targets.pk_score, "number", ranges=("actuals", "targets", "weights")),
        FunctionSpec("SCAM_RISK", scam.scam_risk, "text"),
        FunctionSpec("SCAM_ADVICE", scam.scam_advice, "text"),
    ]
}
