"""Follow-up UDFs 跟进: reply hours, timely replies, buyer class and its moves, goals, close rate,
next follow-up, overdue."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import excel_call, udf


@udf
def REPLY_HOURS(received_at: Any, replied_at: Any, now: Any = None) -> Any:
    return excel_call(core.reply_hours, received_at, replied_at, now)


@udf
def REPLY_OK(
    hours: Any,
    channel: Any,
    inquiry_hours: Any = None,
    tm_hours: Any = None,
    rule: Any = None,
    answered: Any = None,
    fast_minutes: Any = None,
) -> Any:
    return excel_call(core.reply_ok, hours, channel, inquiry_hours, tm_hours, rule, answered, fast_minutes)


@udf
def TIMELY_RATE(
    hours_range: Any,
    channel_range: Any,
    inquiry_hours: Any = None,
    tm_hours: Any = None,
    rule: Any = None,
    answered_range: Any = None,
    fast_minutes: Any = None,
) -> Any:
    return excel_call(
        core.timely_rate, hours_range, channel_range, inquiry_hours, tm_hours, rule, answered_range, fast_minutes
    )


@udf
def CLASS_MOVE(before: Any, after: Any) -> Any:
    return excel_call(core.class_move, before, after)


@udf
def GOAL_STATUS(goal: Any, due: Any, met: Any, today: Any = None) -> Any:
    return excel_call(core.goal_status, goal, due, met, today)


@udf
def BUYER_CLASS(order_usd: Any, paid_orders: Any, sample_orders: Any, a_usd: Any = None, a_repeat: Any = None) -> Any:
    return excel_call(core.buyer_class, order_usd, paid_orders, sample_orders, a_usd, a_repeat)


@udf
def CLOSE_RATE(deal_buyers: Any, inquiry_buyers: Any) -> Any:
    return excel_call(core.close_rate, deal_buyers, inquiry_buyers)


@udf
def CLOSE_LABEL(rate: Any, strong: Any = None, weak: Any = None) -> Any:
    return excel_call(core.close_label, rate, strong, weak)


@udf
def NEXT_FOLLOWUP(
    last_contact: Any,
    buyer_class: Any,
    stage: Any = None,
    cadence_a: Any = None,
    cadence_b: Any = None,
    cadence_c: Any = None,
    cadence_d: Any = None,
) -> Any:
    return excel_call(core.next_followup, last_contact, buyer_class, stage, cadence_a, cadence_b, cadence_c, cadence_d)


@udf
def OVERDUE(next_date: Any, today: Any = None) -> Any:
    return excel_call(core.overdue, next_date, today)
