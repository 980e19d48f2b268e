"""Target and PK UDFs 目标: monthly split, pace, PK score; and the scam-risk check."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import arg, excel_call, func


@func
@arg("annual", "年目标 annual target")
@arg("month", "月份 1–12 或日期 month or a date")
@arg("weights", "12 个月权重 12 month weights (seasonality)")
def TARGET_SPLIT(annual: Any, month: Any, weights: Any = None) -> Any:
    """月目标 Month target = annual × month weight ÷ sum of the 12 weights."""
    return excel_call(core.target_split, annual, month, weights)


@func
@arg("actual", "实际 actual")
@arg("target", "目标 target")
@arg("period_start", "周期开始 period start")
@arg("period_end", "周期结束 period end")
@arg("as_of", "截至 as of, e.g. TODAY()")
def TARGET_PACE(actual: Any, target: Any, period_start: Any, period_end: Any, as_of: Any = None) -> Any:
    """进度 Pace = actual ÷ (target × elapsed share of the period)."""
    return excel_call(core.target_pace, actual, target, period_start, period_end, as_of)


@func
@arg("ratio", "进度 pace ratio")
@arg("ahead", "cfg_pace_ahead (1.05)")
@arg("behind", "cfg_pace_behind (0.9)")
def PACE_LABEL(ratio: Any, ahead: Any = None, behind: Any = None) -> Any:
    """进度标签 Pace label: 领先 / 正常 / 落后."""
    return excel_call(core.pace_label, ratio, ahead, behind)


@func
@arg("actuals", "实际 actuals: one row per salesperson, one column per metric")
@arg("targets", "目标 targets per metric (row or same size as actuals)")
@arg("weights", "权重 metric weights")
@arg("cap", "单项封顶 cfg_pk_cap (1.5)")
def PK_SCORE(actuals: Any, targets: Any, weights: Any, cap: Any = None) -> Any:
    """PK 得分 PK score = Σ weight × min(actual ÷ target, cap) × 100."""
    return excel_call(core.pk_score, actuals, targets, weights, cap)


@func
@arg("message", "买家消息 buyer message")
def SCAM_RISK(message: Any) -> Any:
    """骗子风险 Scam risk 高/中/低 with the matched pattern and the seed's advice (seed 002 防骗技巧)."""
    return excel_call(core.scam_risk, message)


@func
@arg("message", "买家消息 buyer message")
def SCAM_ADVICE(message: Any) -> Any:
    """防骗建议 Scam advice: what seed 002 says to do about the patterns in a buyer message."""
    return excel_call(core.scam_advice, message)
