"""The catalogue of StoreOps functions: one entry per Excel name.

The xlwings UDFs (``udfs``), the headless recalculation engine and the CLI all look a
function up here, so one rule lives in one place.  ``ranges`` names the parameters that
take a whole range per call (for example the 12 month weights of ``TARGET_SPLIT``)
instead of one value per row (``PK_SCORE``'s ``actuals`` is a row per salesperson: an
(n, k) range gives n scores); ``aggregate`` marks functions that turn whole ranges into
one value (``TIMELY_RATE``).  ``returns`` tells the workbook which number format to use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

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


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in [
        FunctionSpec("CTR", ratios.ctr, "percent"),
        FunctionSpec("BOUNCE", ratios.bounce, "percent"),
        FunctionSpec("INQUIRY_RATE", ratios.inquiry_rate, "percent"),
        FunctionSpec("CONVERSION", ratios.conversion, "percent"),
        FunctionSpec("CPC", ratios.cpc, "money"),
        FunctionSpec("COST_PER", ratios.cost_per, "money"),
        FunctionSpec("FUNNEL_DIAG", funnel_diag.funnel_diag, "text"),
        FunctionSpec("BENCHMARK", funnel_diag.benchmark, "number", ranges=("values", "sample"), aggregate=True),
        FunctionSpec("REPLY_HOURS", followup.reply_hours, "hours"),
        FunctionSpec("REPLY_OK", followup.reply_ok, "bool"),
        FunctionSpec(
            "TIMELY_RATE", followup.timely_rate, "percent", ranges=("hours_range", "channel_range"), aggregate=True
        ),
        FunctionSpec("BUYER_CLASS", followup.buyer_class, "text"),
        FunctionSpec("CLOSE_RATE", followup.close_rate, "percent"),
        FunctionSpec("CLOSE_LABEL", followup.close_label, "text"),
        FunctionSpec("NEXT_FOLLOWUP", followup.next_followup, "date"),
        FunctionSpec("OVERDUE", followup.overdue, "bool"),
        FunctionSpec(
            "TITLE_KEYWORDS",
            title_keywords.title_keywords,
            "text",
            ranges=("shop_keywords", "shop_weights", "extra_words"),
        ),
        FunctionSpec("TITLE_SCORE", titles.title_score, "number", ranges=("extra_words", "allowed_words")),
        FunctionSpec("TITLE_ISSUES", titles.title_issues, "text", ranges=("extra_words", "allowed_words")),
        FunctionSpec("BANNED", banned.banned, "text", ranges=("extra_words", "allowed_words")),
        FunctionSpec("LISTING_STARS", products.listing_stars, "int"),
        FunctionSpec("SHOP_HEALTH", products.shop_health, "text"),
        FunctionSpec("HOT_CANDIDATE", products.hot_candidate, "bool"),
        FunctionSpec("REPLACE_LINK", products.replace_link, "text"),
        FunctionSpec("OPPORTUNITY_WORD", keywords.opportunity_word, "bool", ranges=("extra_words", "allowed_words")),
        FunctionSpec("P4P_ACTION", keywords.p4p_action, "text", ranges=("extra_words", "allowed_words")),
        FunctionSpec("TARGET_SPLIT", targets.target_split, "number", ranges=("weights",)),
        FunctionSpec("TARGET_PACE", targets.target_pace, "percent"),
        FunctionSpec("PACE_LABEL", targets.pace_label, "text"),
        FunctionSpec("PK_SCORE", targets.pk_score, "number", ranges=("actuals", "targets", "weights")),
        FunctionSpec("SCAM_RISK", scam.scam_risk, "text"),
        FunctionSpec("SCAM_ADVICE", scam.scam_advice, "text"),
    ]
}
