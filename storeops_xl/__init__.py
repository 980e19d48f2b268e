"""StoreOps XL core: the operating method of an Alibaba.com / 1688 store as plain functions.

Pure pandas/numpy; never imports xlwings (a test checks it).  Every function takes
scalars or columns and returns the same shape; see ``_coerce`` for the input rules,
``settings`` for the ``cfg_*`` thresholds and ``_registry.FUNCTIONS`` for the Excel names.
"""

from ._registry import FUNCTIONS, FunctionSpec
from .banned import banned
from .followup import (
    buyer_class,
    class_move,
    close_label,
    close_rate,
    next_followup,
    overdue,
    reply_hours,
    reply_ok,
    timely_rate,
)
from .funnel_diag import benchmark, funnel_diag
from .goals import goal_status
from .keywords import opportunity_word, p4p_action
from .orders import order_kind, order_usd
from .products import hot_candidate, listing_stars, replace_link, shop_health
from .ratios import bounce, conversion, cost_per, cpc, ctr, inquiry_rate
from .scam import scam_advice, scam_risk
from .settings import DEFAULTS, DESCRIPTIONS, SETTINGS
from .targets import pace_label, pk_score, season_share, target_pace, target_split
from .title_keywords import title_keywords
from .titles import title_issues, title_score

__all__ = [
    "DEFAULTS",
    "DESCRIPTIONS",
    "FUNCTIONS",
    "FunctionSpec",
    "SETTINGS",
    "banned",
    "benchmark",
    "bounce",
    "buyer_class",
    "class_move",
    "close_label",
    "close_rate",
    "conversion",
    "cost_per",
    "cpc",
    "ctr",
    "funnel_diag",
    "goal_status",
    "hot_candidate",
    "inquiry_rate",
    "listing_stars",
    "next_followup",
    "opportunity_word",
    "order_kind",
    "order_usd",
    "overdue",
    "p4p_action",
    "pace_label",
    "pk_score",
    "replace_link",
    "reply_hours",
    "reply_ok",
    "scam_advice",
    "scam_risk",
    "season_share",
    "shop_health",
    "target_pace",
    "target_split",
    "timely_rate",
    "title_issues",
    "title_keywords",
    "title_score",
]
__version__ = "0.1.0"  # the one place: pyproject (dynamic), `storeops --version` and the workbook read it
