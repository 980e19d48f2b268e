"""Follow-up UDFs 跟进: reply hours, timely replies, buyer class and its moves, goals, close rate,
next follow-up, overdue."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import arg, excel_call, func


@func
@arg("received_at", "收到时间 message received at")
@arg("replied_at", "首次回复时间 first reply at (blank = not answered yet)")
@arg("now", "统计时刻 cfg_now: running hours of an unanswered message")
def REPLY_HOURS(received_at: Any, replied_at: Any, now: Any = None) -> Any:
    """回复用时 Reply hours to the first reply, or the hours an unanswered message has waited."""
    return excel_call(core.reply_hours, received_at, replied_at, now)


@func
@arg("hours", "回复用时(小时) reply hours")
@arg("channel", "渠道 询盘/inquiry 或 TM/旺旺")
@arg("inquiry_hours", "时限 cfg_reply_inquiry_h (24)")
@arg("tm_hours", "TM 时限 cfg_reply_tm_h (1, alibaba_2024)")
@arg("rule", "规则 cfg_reply_rule: alibaba / alibaba_2024 / 1688")
@arg("answered", '已回复 TRUE/FALSE (replied_at<>"")')
@arg("fast_minutes", "1688 分钟 cfg_reply_1688_min (3)")
def REPLY_OK(
    hours: Any,
    channel: Any,
    inquiry_hours: Any = None,
    tm_hours: Any = None,
    rule: Any = None,
    answered: Any = None,
    fast_minutes: Any = None,
) -> Any:
    """及时回复 TRUE when answered in time under the platform rule; unanswered past the limit is late."""
    return excel_call(core.reply_ok, hours, channel, inquiry_hours, tm_hours, rule, answered, fast_minutes)


@func
@arg("hours_range", "回复用时列 reply hours column")
@arg("channel_range", "渠道列 channel column")
@arg("inquiry_hours", "时限 cfg_reply_inquiry_h (24)")
@arg("tm_hours", "TM 时限 cfg_reply_tm_h (1)")
@arg("rule", "规则 cfg_reply_rule")
@arg("answered_range", "已回复列 answered TRUE/FALSE column")
@arg("fast_minutes", "1688 分钟 cfg_reply_1688_min (3)")
def TIMELY_RATE(
    hours_range: Any,
    channel_range: Any,
    inquiry_hours: Any = None,
    tm_hours: Any = None,
    rule: Any = None,
    answered_range: Any = None,
    fast_minutes: Any = None,
) -> Any:
    """及时回复率 Timely-reply rate over whole columns: on time ÷ decided (late unanswered count late)."""
    return excel_call(
        core.timely_rate, hours_range, channel_range, inquiry_hours, tm_hours, rule, answered_range, fast_minutes
    )


@func
@arg("before", "之前类别 class before (A/B/C/D)")
@arg("after", "现在类别 class now (A/B/C/D)")
def CLASS_MOVE(before: Any, after: Any) -> Any:
    """类别变化 Class move: D→C 升级 up, A→B 降级 down, blank when unchanged."""
    return excel_call(core.class_move, before, after)


@func
@arg("goal", "阶段目标 next-stage goal")
@arg("due", "目标期限 due date")
@arg("met", "目标达成 是/否")
@arg("today", "今天 cfg_today")
def GOAL_STATUS(goal: Any, due: Any, met: Any, today: Any = None) -> Any:
    """目标状态 Goal status: 达成 Met / 未达成 Missed / 进行中 Open / 无期限 No due date."""
    return excel_call(core.goal_status, goal, due, met, today)


@func
@arg("order_usd", "12 个月订单金额 USD order value (12 months)")
@arg("paid_orders", "付款订单数 paid orders")
@arg("sample_orders", "样品单数 sample orders")
@arg("a_usd", "A 类金额门槛 cfg_class_a_usd (10000)")
@arg("a_repeat", "A 类订单数门槛 cfg_class_a_repeat (3)")
def BUYER_CLASS(order_usd: Any, paid_orders: Any, sample_orders: Any, a_usd: Any = None, a_repeat: Any = None) -> Any:
    """买家分类 Buyer class A 大B / B 小单 / C 样品 / D 询盘 (seed 000)."""
    return excel_call(core.buyer_class, order_usd, paid_orders, sample_orders, a_usd, a_repeat)


@func
@arg("deal_buyers", "成交买家数 buyers who became customers")
@arg("inquiry_buyers", "询盘买家数 inquiring buyers")
def CLOSE_RATE(deal_buyers: Any, inquiry_buyers: Any) -> Any:
    """成交率 Close rate = customers ÷ inquiring buyers (≥70% strong, ≤10% weak)."""
    return excel_call(core.close_rate, deal_buyers, inquiry_buyers)


@func
@arg("rate", "成交率 close rate")
@arg("strong", "强 cfg_close_strong (0.7)")
@arg("weak", "弱 cfg_close_weak (0.1)")
def CLOSE_LABEL(rate: Any, strong: Any = None, weak: Any = None) -> Any:
    """成交能力 Close-rate band: 强 / 正常 / 弱."""
    return excel_call(core.close_label, rate, strong, weak)


@func
@arg("last_contact", "上次联系 last contact date")
@arg("buyer_class", "买家分类 A/B/C/D")
@arg("stage", "阶段 stage (流失/无效/关闭 = no follow-up)")
@arg("cadence_a", "A 类间隔天数 cfg_cadence_a (7)")
@arg("cadence_b", "B 类间隔天数 cfg_cadence_b (14)")
@arg("cadence_c", "C 类间隔天数 cfg_cadence_c (5)")
@arg("cadence_d", "D 类间隔天数 cfg_cadence_d (3)")
def NEXT_FOLLOWUP(
    last_contact: Any,
    buyer_class: Any,
    stage: Any = None,
    cadence_a: Any = None,
    cadence_b: Any = None,
    cadence_c: Any = None,
    cadence_d: Any = None,
) -> Any:
    """下次跟进 Next follow-up date = last contact + the class cadence (A 7, B 14, C 5, D 3 days)."""
    return excel_call(core.next_followup, last_contact, buyer_class, stage, cadence_a, cadence_b, cadence_c, cadence_d)


@func
@arg("next_date", "下次跟进日期 next follow-up date")
@arg("today", "今天 today, e.g. TODAY()")
def OVERDUE(next_date: Any, today: Any = None) -> Any:
    """已逾期 Overdue: TRUE when the follow-up date has passed."""
    return excel_call(core.overdue, next_date, today)
