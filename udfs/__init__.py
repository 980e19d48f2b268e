"""StoreOps XL functions for Excel (xlwings ``UDF Modules = udfs``).

``import udfs`` exposes every function of the spec under its Excel name; each is a thin
wrapper: coerce what Excel sends, call the core function in ``storeops_xl``, shape the
answer.  The tests call these exactly as Excel would.
"""

from .followup import BUYER_CLASS, CLOSE_LABEL, CLOSE_RATE, NEXT_FOLLOWUP, OVERDUE, REPLY_HOURS, REPLY_OK, TIMELY_RATE
from .funnel import BENCHMARK, BOUNCE, CONVERSION, COST_PER, CPC, CTR, FUNNEL_DIAG, INQUIRY_RATE
from .keywords import OPPORTUNITY_WORD, P4P_ACTION
from .products import (
    BANNED,
    HOT_CANDIDATE,
    LISTING_STARS,
    REPLACE_LINK,
    SHOP_HEALTH,
    TITLE_ISSUES,
    TITLE_KEYWORDS,
    TITLE_SCORE,
)
from .targets import PACE_LABEL, PK_SCORE, SCAM_ADVICE, SCAM_RISK, TARGET_PACE, TARGET_SPLIT

__all__ = [
    "BANNED",
    "BENCHMARK",
    "BOUNCE",
    "BUYER_CLASS",
    "CLOSE_LABEL",
    "CLOSE_RATE",
    "CONVERSION",
    "COST_PER",
    "CPC",
    "CTR",
    "FUNNEL_DIAG",
    "HOT_CANDIDATE",
    "INQUIRY_RATE",
    "LISTING_STARS",
    "NEXT_FOLLOWUP",
    "OPPORTUNITY_WORD",
    "OVERDUE",
    "P4P_ACTION",
    "PACE_LABEL",
    "PK_SCORE",
    "REPLACE_LINK",
    "REPLY_HOURS",
    "REPLY_OK",
    "SCAM_ADVICE",
    "SCAM_RISK",
    "SHOP_HEALTH",
    "TARGET_PACE",
    "TARGET_SPLIT",
    "TIMELY_RATE",
    "TITLE_ISSUES",
    "TITLE_KEYWORDS",
    "TITLE_SCORE",
]
