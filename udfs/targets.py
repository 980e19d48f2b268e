"""Target and PK UDFs 目标: monthly split, pace, PK score; and the scam-risk check."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import excel_call, udf


@udf
def TARGET_SPLIT(annual: Any, month: Any, weights: Any = None) -> Any:
    return excel_call(core.target_split, annual, month, weights)


@udf
def TARGET_PACE(actual: Any, target: Any, period_start: Any, period_end: Any, as_of: Any = None) -> Any:
    return excel_call(core.target_pace, actual, target, period_start, period_end, as_of)


@udf
def SEASON_SHARE(first_day: Any, last_day: Any, weights: Any = None, months: Any = None) -> Any:
    return excel_call(core.season_share, first_day, last_day, weights, months)


@udf
def PACE_LABEL(ratio: Any, ahead: Any = None, behind: Any = None) -> Any:
    return excel_call(core.pace_label, ratio, ahead, behind)


@udf
def PK_SCORE(actuals: Any, targets: Any, weights: Any, cap: Any = None) -> Any:
    return excel_call(core.pk_score, actuals, targets, weights, cap)


@udf
def SCAM_RISK(message: Any) -> Any:
    return excel_call(core.scam_risk, message)


@udf
def SCAM_ADVICE(message: Any) -> Any:
    return excel_call(core.scam_advice, message)
