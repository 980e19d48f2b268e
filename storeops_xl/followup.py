"""Follow-up 跟进: reply times, the timely-reply rules, buyer classes and their moves, cadence,
close rate.

Rules from seed 000 (客户跟进 / 买家分类 / 及时回复率) and the platforms' reply rules
(``cfg_reply_rule``, PLATFORM.md):

* ``alibaba`` (default) — Alibaba.com's current rule: each buyer's first message of the day
  answered within 24 hours (``cfg_reply_inquiry_h``), inquiry and TM alike; the rate runs over
  30 days (``cfg_reply_window_d``);
* ``alibaba_2024`` — the older rule: an inquiry within 24 hours, a TM (旺旺/Trade Manager)
  message within 1 hour (``cfg_reply_tm_h``);
* ``1688`` — 1688's 旺旺 3-minute response (``cfg_reply_1688_min``).

The shop's own target (seed 000: a buyer expects an answer within 4 hours,
``cfg_reply_target_h``) is the same check with that limit, a second rate.  A message not
answered yet has *running* reply hours (received → the as-of time ``cfg_now``): it is late once
they pass the limit and undecided before.  Times are China time as typed (docs/data.md); the
limit is elapsed hours, so the clock does not change it.

Channels accepted (case, width and spaces ignored; either half of the workbook's
bilingual list labels such as ``询盘 Inquiry`` works too): inquiry ``询盘`` ``inquiry``
``inquiries`` ``询价``; TM ``TM`` ``旺旺`` ``阿里旺旺`` ``trademanager`` ``chat``.
The other follow-up sources (``RFQ`` ``访客营销`` ``客户通`` ``EDM`` ``展会`` ``老客户``
and their English names) are known but not under the timely-reply rule: they give a
blank.  Anything else is ``#VALUE! channel: …``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import EXCEL_EPOCH, broadcast, error_text, finish, restore, serial_to_datetime64
from ._spec import excel, native_num, native_ratio

__all__ = [
    "CHANNELS",
    "CLOSED_STAGES",
    "REPLY_RULES",
    "STAGES",
    "buyer_class",
    "class_move",
    "close_label",
    "close_rate",
    "is_closed_stage",
    "next_followup",
    "overdue",
    "reply_hours",
    "reply_ok",
    "timely_rate",
    "timely_rate_native",
]

_INQUIRY = {"询盘", "inquiry", "inquiries", "询价", "email", "邮件询盘"}
_TM = {"tm", "旺旺", "阿里旺旺", "trademanager", "chat", "tm咨询", "im"}
_OTHER = {
    "rfq",
    "访客营销",
    "visitormarketing",
    "客户通",
    "customerconnect",
    "edm",
    "展会",
    "exhibition",
    "tradeshow",
    "fair",
    "老客户",
    "existingbuyer",
    "existingcustomer",
    "repeat",
    "其他",
    "other",
}
_CLASSES = ("A", "B", "C", "D")
#: ``cfg_reply_rule`` values: the current Alibaba.com rule, the older one, 1688's
REPLY_RULES = ("alibaba", "alibaba_2024", "1688")
#: Stages after which no follow-up is scheduled.
STOP_STAGES = {
    "流失",
    "lost",
    "搁置",
    "onhold",
    "无效",
    "invalid",
    "spam",
    "垃圾询盘",
    "关闭",
    "closed",
    "已关闭",
    "骗子",
    "scam",
}
#: The Follow-up sheet's channel drop-down (渠道 Channel): the two the timely-reply rule knows.
CHANNELS = ("询盘 Inquiry", "TM")
#: The Follow-up sheet's stage drop-down (``跟进 Follow-up`` → 阶段 Stage), in pipeline order.
STAGES = (
    "新询盘 New",
    "已报价 Quoted",
    "样品 Sample",
    "谈判 Negotiating",
    "成交 Won",
    "复购 Repeat",
    "搁置 On hold",
    "流失 Lost",
)


def is_closed_stage(stage: Any) -> bool:
    """True for a stage after which a buyer needs no follow-up (``STOP_STAGES``).

    The drop-down label, either half of it or another closed word typed by hand counts.

    Examples
    --------
    >>> is_closed_stage("流失 Lost"), is_closed_stage("lost"), is_closed_stage("骗子"), is_closed_stage("报价")
    (True, True, True, False)
    >>> is_closed_stage(None)
    False
    """
    return stage is not None and C.matches(stage, STOP_STAGES)


#: The drop-down stages that are closed (what the native twin of ``NEXT_FOLLOWUP`` tests).
CLOSED_STAGES = tuple(s for s in STAGES if is_closed_stage(s))


def _channel(value: str) -> str | None:
    if C.key(value) == "":
        return ""
    if C.matches(value, _INQUIRY):
        return "inquiry"
    if C.matches(value, _TM):
        return "tm"
    if C.matches(value, _OTHER):
        return ""
    return None


def _channels(arr: np.ndarray) -> tuple[np.ndarray, C.Column]:
    col = C.text(arr, "channel")
    kinds = C.map_distinct(_channel, col.values)
    bad = np.equal(kinds, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
    if bad.any():
        col.add_error(
            bad, (error_text("#VALUE!", "channel", v, "is not 询盘/inquiry or TM/旺旺") for v in col.values[bad])
        )
    return kinds, col


_REPLY_HOURS = (
    'IF(OR({received_at}="",AND({replied_at}="",{now|""}="")),"",IF({replied_at}="",'
    'IF({now|""}<{received_at},"",ROUND(({now|""}-{received_at})*24,6)),'
    "IF({replied_at}<{received_at},#N/A,ROUND(({replied_at}-{received_at})*24,6))))"
)


@excel(
    "REPLY_HOURS",
    "回复用时 Reply hours to the first reply, or the hours an unanswered message has waited.",
    "hours",
    help={
        "received_at": "收到时间 message received at",
        "replied_at": "首次回复时间 first reply at (blank = not answered yet)",
        "now": "统计时刻 cfg_now: running hours of an unanswered message",
    },
    twin=_REPLY_HOURS,
    guard='OR({received_at}="",AND({replied_at}="",{now|""}=""))',
    source="seed 000 及时回复率",
    example='`=REPLY_HOURS("2026-11-03 09:00", "2026-11-03 12:30") → 3.5`',
)
def reply_hours(received_at: Any, replied_at: Any, now: Any = None) -> Any:
    """Hours 回复用时 between receiving a message and the first reply — or, not answered yet,
    the hours it has been waiting (received → ``now``).

    Parameters
    ----------
    received_at : date-time or column
        When the inquiry / TM message arrived 收到时间.
    replied_at : date-time or column
        First reply 首次回复时间.  Blank: not answered yet.
    now : date-time, optional
        The as-of time (``cfg_now``).  Given, an unanswered message shows its running hours
        (blank when it arrives after ``now``); omitted, an unanswered message gives a blank.

    Returns
    -------
    float hours; ``#VALUE! replied_at: …`` when the reply is before the message.

    Examples
    --------
    >>> reply_hours("2026-11-03 09:00", "2026-11-03 12:30")
    3.5
    >>> reply_hours("2026-11-03 09:00", None) is None
    True
    >>> reply_hours("2026-11-03 09:00", None, "2026-11-04 15:00")
    30.0
    """
    (a, b, c), shape = broadcast(received_at, replied_at, now)
    rec, rep, nowc = C.date(a, "received_at"), C.date(b, "replied_at"), C.date(c, "now")
    hours = np.round((rep.values - rec.values) * 24.0, 6)
    neg = hours < 0
    if neg.any():
        rep.add_error(
            neg, (error_text("#VALUE!", "replied_at", h, "hours: the reply is before the message") for h in hours[neg])
        )
        hours = np.where(neg, np.nan, hours)
    waiting = np.isnan(rep.values) & ~np.isnan(rec.values) & ~np.isnan(nowc.values)
    if waiting.any():
        running = np.round((nowc.values - rec.values) * 24.0, 6)
        hours = np.where(waiting & (running >= 0), running, hours)
    return restore(finish(hours, rec, rep, nowc), shape)


def _rules(arr: np.ndarray) -> tuple[np.ndarray, C.Column]:
    col = C.text(arr, "rule")
    code = C.map_distinct(_rule_code, col.values)
    bad = np.equal(code, None)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
    if bad.any():
        col.add_error(
            bad, (error_text("#VALUE!", "rule", v, "is not alibaba, alibaba_2024 or 1688") for v in col.values[bad])
        )
    return np.where(bad, 0, code).astype(np.int64), col


def _rule_code(value: str) -> int | None:
    k = C.key(value)
    if k in ("", "alibaba", "国际站", "alibabacurrent", "current"):
        return 0
    if k in ("alibaba_2024", "alibaba2024", "2024", "国际站旧规则"):
        return 1
    if k in ("1688", "1688.0", "旺旺"):
        return 2
    return None


def _answered(arr: np.ndarray) -> C.Column:
    """TRUE/FALSE (or 1/0) per row; a blank means answered (formulas that do not say)."""
    col = C.num(arr, "answered", negative=True)
    col.values = np.where(np.isnan(col.values), 1.0, col.values)
    return col


_REPLY_LIMIT = (
    'IF({rule|"alibaba"}&""="1688",{fast_minutes}/60,'
    'IF(AND({rule|"alibaba"}&""="alibaba_2024",{channel}="%s"),{tm_hours},{inquiry_hours}))' % CHANNELS[1]
)
_REPLY_OK = (
    'IF(OR({hours}="",AND({channel}<>"%s",{channel}<>"%s")),"",' % (CHANNELS[1], CHANNELS[0])
    + f'IF(AND(NOT({{answered|TRUE}}),--{{hours}}<={_REPLY_LIMIT}),"",--{{hours}}<={_REPLY_LIMIT}))'
)

_REPLY_HELP = {
    "hours": "回复用时(小时) reply hours",
    "channel": "渠道 询盘/inquiry 或 TM/旺旺",
    "inquiry_hours": "时限 (国际站 24 h)",
    "tm_hours": "TM 时限 (alibaba_2024)",
    "rule": "规则 cfg_reply_rule: alibaba (默认 default) / alibaba_2024 / 1688",
    "fast_minutes": "1688 旺旺分钟",
}
_REPLY_SETTINGS = {
    "inquiry_hours": "cfg_reply_inquiry_h",
    "tm_hours": "cfg_reply_tm_h",
    "fast_minutes": "cfg_reply_1688_min",
}


@excel(
    "REPLY_OK",
    "及时回复 TRUE when answered in time under the platform rule; unanswered past the limit is late.",
    "bool",
    help={**_REPLY_HELP, "answered": '已回复 TRUE/FALSE (replied_at<>"")'},
    settings=_REPLY_SETTINGS,
    twin=_REPLY_OK,
    source="Alibaba.com 及时回复率 (24 h, 30 天); 2024 询盘 24 h / TM 1 h; 1688 旺旺 3 分钟; seed 000 4 h",
    example='`=REPLY_OK(23.5, "询盘 Inquiry", cfg_reply_inquiry_h, cfg_reply_tm_h, cfg_reply_rule) → TRUE`',
)
def reply_ok(
    hours: Any,
    channel: Any,
    inquiry_hours: Any = None,
    tm_hours: Any = None,
    rule: Any = None,
    answered: Any = None,
    fast_minutes: Any = None,
) -> Any:
    """TRUE when answered in time 及时回复 under the platform's rule; FALSE when late — an
    unanswered message too, once its running hours pass the limit; blank while still open.

    Parameters
    ----------
    hours : number or column
        Reply hours (:func:`reply_hours`, running hours for an unanswered message).  Blank
        gives a blank.
    channel : text or column
        ``询盘``/``inquiry`` or ``TM``/``旺旺``; other follow-up sources (RFQ, EDM …) give a blank.
    inquiry_hours : number, optional
        ``cfg_reply_inquiry_h`` (24): the limit of the ``alibaba`` rule for every message, of
        ``alibaba_2024`` for inquiries.  Pass ``cfg_reply_target_h`` (4) with rule ``alibaba``
        for the shop's own target.
    tm_hours : number, optional
        ``cfg_reply_tm_h`` (1): TM messages under ``alibaba_2024``.
    rule : text, optional
        ``cfg_reply_rule``: ``alibaba`` (default), ``alibaba_2024`` or ``1688``.
    answered : TRUE/FALSE, optional
        FALSE when the message has no reply yet (the workbook passes ``replied_at<>""``);
        omitted means answered.
    fast_minutes : number, optional
        ``cfg_reply_1688_min`` (3): the ``1688`` rule's limit in minutes.

    Examples
    --------
    >>> reply_ok(23.5, "询盘"), reply_ok(1.5, "TM"), reply_ok(1.5, "TM", rule="alibaba_2024")
    (True, True, False)
    >>> reply_ok(30, "询盘", answered=False), reply_ok(3, "询盘", answered=False) is None
    (False, True)
    >>> reply_ok(5, "询盘", 4), reply_ok(0.04, "旺旺", rule="1688"), reply_ok(0.1, "旺旺", rule="1688")
    (False, True, False)
    >>> reply_ok(2, "fax")
    "#VALUE! channel: 'fax' is not 询盘/inquiry or TM/旺旺"
    """
    (h, ch, ih, th, ru, an, fm), shape = broadcast(
        hours, channel, inquiry_hours, tm_hours, rule, answered, fast_minutes
    )
    hcol = C.num(h, "hours")
    kinds, ccol = _channels(ch)
    icol = C.setting(ih, "inquiry_hours", "cfg_reply_inquiry_h")
    tcol = C.setting(th, "tm_hours", "cfg_reply_tm_h")
    fcol = C.setting(fm, "fast_minutes", "cfg_reply_1688_min")
    code, rcol = _rules(ru)
    acol = _answered(an)
    limit = np.select(
        [code == 2, (code == 1) & (kinds == "tm")],
        [fcol.values / 60.0, tcol.values],
        default=icol.values,
    )
    ok = hcol.values <= limit
    pending = (acol.values == 0) & ok
    blank = np.isnan(hcol.values) | (kinds == "") | np.equal(kinds, None) | pending  # type: ignore[call-overload]  # numpy stubs: no None operand
    return restore(finish(C.bools(ok, blank), hcol, ccol, icol, tcol, rcol, acol, fcol), shape)


@excel(
    "TIMELY_RATE",
    "及时回复率 Timely-reply rate over whole columns: on time ÷ decided (late unanswered count late).",
    "percent",
    help={
        **{k: v for k, v in _REPLY_HELP.items() if k not in ("hours", "channel")},
        "inquiry_hours": "时限 cfg_reply_inquiry_h (国际站 24 h), as REPLY_OK",
        "tm_hours": "TM 时限 cfg_reply_tm_h (alibaba_2024), as REPLY_OK",
        "fast_minutes": "1688 旺旺分钟 cfg_reply_1688_min, as REPLY_OK",
        "hours_range": "回复用时列 reply hours column",
        "channel_range": "渠道列 channel column",
        "answered_range": "已回复列 answered TRUE/FALSE column",
    },
    ranges=("hours_range", "channel_range", "answered_range"),
    aggregate=True,
    source="Alibaba.com 及时回复率",
    example="`=TIMELY_RATE(tblFollow[ReplyHours], tblFollow[Source]) → 0.5`",
)
def timely_rate(
    hours_range: Any,
    channel_range: Any,
    inquiry_hours: Any = None,
    tm_hours: Any = None,
    rule: Any = None,
    answered_range: Any = None,
    fast_minutes: Any = None,
) -> Any:
    """及时回复率 Timely-reply rate over whole ranges (one value): on time ÷ decided.

    Each row is judged by :func:`reply_ok` (same rule and limits); rows answered in time count
    on time, rows answered late *and* unanswered rows past the limit count late; rows still
    within the limit, without hours, or of other sources are not counted.  The first ``#…``
    error of a row is returned instead of a rate.

    Examples
    --------
    >>> timely_rate([2, 30, 0.5, 3, None], ["询盘", "询盘", "TM", "旺旺", "TM"], rule="alibaba_2024")
    0.5
    >>> timely_rate([2, 30, 5], ["询盘", "询盘", "询盘"], answered_range=[True, False, False])
    0.5
    >>> timely_rate([], []) is None
    True
    """
    hours = C.range_values(hours_range)
    answered = C.range_values(answered_range) if answered_range is not None else None
    ok = reply_ok(hours, C.range_values(channel_range), inquiry_hours, tm_hours, rule, answered, fast_minutes)
    if not isinstance(ok, np.ndarray):
        ok = np.array([ok], dtype=object)
    for v in ok:
        if isinstance(v, str):
            return v
    counted = [bool(v) for v in ok if v is not None]
    if not counted:
        return None
    return sum(counted) / len(counted)


def timely_rate_native(ok: str, criteria: str = "", blank: str = '""') -> str:
    """:func:`timely_rate` as a native formula over a column of ``REPLY_OK`` results.

    The one definition, for every sheet that shows a timely-reply rate (Buyers, PK, Staff):
    TRUE ÷ (TRUE + FALSE) of the ``REPLY_OK`` column ``ok``, over the rows ``criteria``
    (``COUNTIFS`` range/criterion pairs) select.  A blank ``REPLY_OK`` (not answered yet,
    or a source outside the timely-reply rule) is not counted, exactly as in
    :func:`timely_rate`; ``blank`` is shown when no row is counted.

    Examples
    --------
    >>> timely_rate_native("[tblFollow.timely]", "[tblFollow.salesperson],{salesperson}")
    'IFERROR(COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.timely],TRUE)/(COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.timely],TRUE)+COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.timely],FALSE)),"")'
    """
    crit = f"{criteria}," if criteria else ""
    yes, no = f"COUNTIFS({crit}{ok},TRUE)", f"COUNTIFS({crit}{ok},FALSE)"
    return f"IFERROR({yes}/({yes}+{no}),{blank})"


_BUYER_CLASS = (
    f'IF(OR({native_num("order_usd")}>={{a_usd}},{native_num("paid_orders")}>={{a_repeat}}),"A",'
    f'IF(OR({native_num("paid_orders")}>0,{native_num("order_usd")}>0),"B",IF({native_num("sample_orders")}>0,"C","D")))'
)


@excel(
    "BUYER_CLASS",
    "买家分类 Buyer class A 大B / B 小单 / C 样品 / D 询盘 (seed 000).",
    "text",
    help={
        "order_usd": "12 个月订单金额 USD order value (12 months)",
        "paid_orders": "付款订单数 paid orders",
        "sample_orders": "样品单数 sample orders",
        "a_usd": "A 类金额门槛",
        "a_repeat": "A 类订单数门槛",
    },
    settings={"a_usd": "cfg_class_a_usd", "a_repeat": "cfg_class_a_repeat"},
    twin=_BUYER_CLASS,
    source="seed 000 买家分类 大B/样品/小订单",
    example="`=BUYER_CLASS(12000, 1, 0, cfg_class_a_usd, cfg_class_a_repeat) → A`",
)
def buyer_class(order_usd: Any, paid_orders: Any, sample_orders: Any, a_usd: Any = None, a_repeat: Any = None) -> Any:
    """Buyer class 买家分类 ``"A"``/``"B"``/``"C"``/``"D"`` (seed 000).

    * ``A`` 大B买家: order USD (12 months) ≥ ``a_usd`` (``cfg_class_a_usd`` 10,000) or
      paid orders ≥ ``a_repeat`` (``cfg_class_a_repeat`` 3);
    * ``B`` 小单买家: has paid (paid orders > 0 or order USD > 0);
    * ``C`` 样品买家: sample orders only;
    * ``D`` 询盘/潜在买家: nothing bought yet — blank cells count as 0, so a new
      inquiry row is ``D``.

    Examples
    --------
    >>> buyer_class(12000, 1, 0), buyer_class(800, 1, 0), buyer_class(0, 0, 2), buyer_class(None, None, None)
    ('A', 'B', 'C', 'D')
    >>> buyer_class(500, 3, 0)
    'A'
    >>> buyer_class(-5, 0, 0)
    '#VALUE! order_usd: -5 is negative'
    """
    (u, p, s, au, ar), shape = broadcast(order_usd, paid_orders, sample_orders, a_usd, a_repeat)
    ucol, pcol, scol = C.num(u, "order_usd"), C.num(p, "paid_orders"), C.num(s, "sample_orders")
    aucol = C.setting(au, "a_usd", "cfg_class_a_usd")
    arcol = C.setting(ar, "a_repeat", "cfg_class_a_repeat")
    usd, paid, samples = (np.nan_to_num(c.values) for c in (ucol, pcol, scol))
    code = np.select(
        [(usd >= aucol.values) | (paid >= arcol.values), (paid > 0) | (usd > 0), samples > 0],
        [0, 1, 2],
        default=3,
    )
    out = np.array(_CLASSES, dtype=object)[code]
    return restore(finish(out, ucol, pcol, scol, aucol, arcol), shape)


@excel(
    "CLOSE_RATE",
    "成交率 Close rate = customers ÷ inquiring buyers (≥70% strong, ≤10% weak).",
    "percent",
    help={
        "deal_buyers": "成交买家数 buyers who became customers",
        "inquiry_buyers": "询盘买家数 inquiring buyers",
    },
    **native_ratio("deal_buyers", "inquiry_buyers"),
    source="seed 002 好客服 70% / 差 10%",
    example="`=CLOSE_RATE(7, 10) → 0.7`",
)
def close_rate(deal_buyers: Any, inquiry_buyers: Any) -> Any:
    """成交率 Close rate = buyers who became customers ÷ inquiring buyers (per salesperson).

    Seed 002: a good salesperson wins ≥ 70 % of inquiring buyers, a weak one ≤ 10 %
    (see :func:`close_label`).  Blank when there were no inquiring buyers.

    Examples
    --------
    >>> close_rate(7, 10)
    0.7
    >>> close_rate(1, 0) is None
    True
    """
    from .ratios import _ratio

    return _ratio(deal_buyers, inquiry_buyers, "deal_buyers", "inquiry_buyers")


@excel(
    "CLOSE_LABEL",
    "成交能力 Close-rate band: 强 / 正常 / 弱.",
    "text",
    help={
        "rate": "成交率 close rate",
        "strong": "强",
        "weak": "弱",
    },
    settings={"strong": "cfg_close_strong", "weak": "cfg_close_weak"},
    twin='IF({rate}="","",IF(--{rate}>={strong},"强",IF(--{rate}<={weak},"弱","正常")))',
    source="seed 002",
    example="`=CLOSE_LABEL(0.75, cfg_close_strong, cfg_close_weak) → 强`",
)
def close_label(rate: Any, strong: Any = None, weak: Any = None) -> Any:
    """Close-rate band 成交能力: ``"强"`` (≥ ``cfg_close_strong`` 0.7), ``"弱"`` (≤ ``cfg_close_weak`` 0.1), else ``"正常"``.

    Examples
    --------
    >>> close_label(0.75), close_label(0.3), close_label(0.1), close_label(None)
    ('强', '正常', '弱', None)
    """
    (r, s, w), shape = broadcast(rate, strong, weak)
    rcol = C.num(r, "rate")
    scol = C.setting(s, "strong", "cfg_close_strong")
    wcol = C.setting(w, "weak", "cfg_close_weak")
    code = np.select([rcol.values >= scol.values, rcol.values <= wcol.values], [0, 2], default=1)
    out = np.array(["强", "正常", "弱"], dtype=object)[code]
    out[np.isnan(rcol.values)] = None
    return restore(finish(out, rcol, scol, wcol), shape)


def _class_code(value: str) -> int | None:
    k = C.key(value)
    if k == "":
        return -1
    if k[0] in "abcd" and (len(k) == 1 or not ("a" <= k[1] <= "z")):  # "A", "a", "A 大B买家"
        return "abcd".index(k[0])
    return None


def _rank(p: str) -> str:
    return f'IF({{{p}}}="A",4,IF({{{p}}}="B",3,IF({{{p}}}="C",2,1)))'


_CLASS_MOVE = (
    'IF(OR({before}="",{after}="",{before}={after}),"",{before}&"→"&{after}&'
    f'IF({_rank("after")}>{_rank("before")}," 升级 up"," 降级 down"))'
)


@excel(
    "CLASS_MOVE",
    "类别变化 Class move: D→C 升级 up, A→B 降级 down, blank when unchanged.",
    "text",
    help={"before": "之前类别 class before (A/B/C/D)", "after": "现在类别 class now (A/B/C/D)"},
    twin=_CLASS_MOVE,
    native=True,
    source="seed 000 客户分级 D→C→B→A",
    example='`=CLASS_MOVE("D", "C") → D→C 升级 up`',
)
def class_move(before: Any, after: Any) -> Any:
    """Class move 类别变化 of a buyer between two dates: ``"D→C 升级 up"``, ``"A→B 降级 down"``,
    blank when the class did not change (or one side is blank).

    D (询盘) → C (样品) → B (小单) → A (大B) is the seed's ladder: moving right is an upgrade.

    Examples
    --------
    >>> class_move("D", "C"), class_move("A", "B"), class_move("B", "B")
    ('D→C 升级 up', 'A→B 降级 down', None)
    >>> class_move(["C", None], ["A", "A"]).tolist()
    ['C→A 升级 up', None]
    >>> class_move("X", "A")
    "#VALUE! before: 'X' is not A, B, C or D"
    """
    (b, a), shape = broadcast(before, after)
    cols, codes = [], []
    for arr, name in ((b, "before"), (a, "after")):
        col = C.text(arr, name)
        code = C.map_distinct(_class_code, col.values)
        bad = np.equal(code, None)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
        if bad.any():
            col.add_error(bad, (error_text("#VALUE!", name, v, "is not A, B, C or D") for v in col.values[bad]))
        cols.append(col)
        codes.append(np.where(bad, -1, code).astype(np.int64))

    cb, ca = codes
    moved = (cb >= 0) & (ca >= 0) & (cb != ca)
    out = np.full(len(cb), None, dtype=object)
    letters = np.array(_CLASSES, dtype=object)
    for i in np.flatnonzero(moved):
        word = " 升级 up" if ca[i] < cb[i] else " 降级 down"
        out[i] = f"{letters[cb[i]]}→{letters[ca[i]]}{word}"
    return restore(finish(out, *cols), shape)


_NEXT_FOLLOWUP = (
    'IF(OR({last_contact}="",{buyer_class}="",' + ",".join(f'{{stage|""}}="{s}"' for s in CLOSED_STAGES) + '),"",'
    'INT({last_contact})+IF({buyer_class}="A",{cadence_a},IF({buyer_class}="B",{cadence_b},'
    'IF({buyer_class}="C",{cadence_c},IF({buyer_class}="D",{cadence_d},#N/A)))))'
)


@excel(
    "NEXT_FOLLOWUP",
    "下次跟进 Next follow-up date = last contact + the class cadence (A 7, B 14, C 5, D 3 days).",
    "date",
    help={
        "last_contact": "上次联系 last contact date",
        "buyer_class": "买家分类 A/B/C/D",
        "stage": "阶段 stage (流失/无效/关闭 = no follow-up)",
        "cadence_a": "A 类间隔天数",
        "cadence_b": "B 类间隔天数",
        "cadence_c": "C 类间隔天数",
        "cadence_d": "D 类间隔天数",
    },
    settings={
        "cadence_a": "cfg_cadence_a",
        "cadence_b": "cfg_cadence_b",
        "cadence_c": "cfg_cadence_c",
        "cadence_d": "cfg_cadence_d",
    },
    twin=_NEXT_FOLLOWUP,
    source="seed 000 客户跟进 / a类b类客户如何跟进",
    example='`=NEXT_FOLLOWUP("2026-11-03", "A", "报价", cfg_cadence_a, cfg_cadence_b, cfg_cadence_c, cfg_cadence_d) → 2026-11-10`',
)
def next_followup(
    last_contact: Any,
    buyer_class: Any,
    stage: Any = None,
    cadence_a: Any = None,
    cadence_b: Any = None,
    cadence_c: Any = None,
    cadence_d: Any = None,
) -> Any:
    """Next follow-up date 下次跟进 = last contact + the class cadence (days).

    Cadence: A 7 d, B 14 d, C 5 d, D 3 d (``cfg_cadence_a`` … ``cfg_cadence_d``).
    A blank last contact or class gives a blank; so does a closed stage
    (``流失``/``lost``, ``无效``/``invalid``/``spam``, ``关闭``/``closed``, ``骗子``/``scam``).
    Other stage texts do not change the cadence.  The result is a date (midnight).

    Examples
    --------
    >>> next_followup("2026-11-03", "A")
    datetime.datetime(2026, 11, 10, 0, 0)
    >>> next_followup("2026-11-03 17:45", "D", "报价")
    datetime.datetime(2026, 11, 6, 0, 0)
    >>> next_followup("2026-11-03", "B", "流失") is None
    True
    >>> next_followup("2026-11-03", "E")
    "#VALUE! buyer_class: 'E' is not A, B, C or D"
    """
    (lc, cl, st, ca, cb, cc, cd), shape = broadcast(
        last_contact, buyer_class, stage, cadence_a, cadence_b, cadence_c, cadence_d
    )
    lcol = C.date(lc, "last_contact")
    ccol = C.text(cl, "buyer_class")
    scol = C.text(st, "stage")
    cads = [C.setting(arr, f"cadence_{k}", f"cfg_cadence_{k}") for arr, k in zip((ca, cb, cc, cd), "abcd")]
    codes = C.map_distinct(_class_code, ccol.values)
    bad = np.equal(codes, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
    if bad.any():
        ccol.add_error(bad, (error_text("#VALUE!", "buyer_class", v, "is not A, B, C or D") for v in ccol.values[bad]))
    code = np.where(bad, -1, codes).astype(np.int64)
    days = np.choose(np.clip(code, 0, 3), [c.values for c in cads])
    stopped = C.map_distinct(is_closed_stage, scol.values).astype(bool)
    serial = np.floor(lcol.values) + days
    serial[(code < 0) | stopped] = np.nan
    result = serial_to_datetime64(serial)
    return restore(finish(result, lcol, ccol, *cads), shape)


def _today_serial() -> float:
    return float((_dt.date.today() - EXCEL_EPOCH.date()).days)


@excel(
    "OVERDUE",
    "已逾期 Overdue: TRUE when the follow-up date has passed.",
    "bool",
    help={
        "next_date": "下次跟进日期 next follow-up date",
        "today": "今天 today, e.g. TODAY()",
    },
    twin='IF({next_date}="","",INT({next_date})<INT({today|TODAY()}))',
    source="seed 000 每天下班前提交跟进表",
    example="`=OVERDUE([@NextDate], TODAY()) → TRUE/FALSE`",
)
def overdue(next_date: Any, today: Any = None) -> Any:
    """TRUE when the follow-up date has passed 已逾期 (``next_date`` < today).

    ``today`` defaults to the current date; workbook formulas pass ``TODAY()``.

    Examples
    --------
    >>> overdue("2026-11-03", "2026-11-04"), overdue("2026-11-04", "2026-11-04")
    (True, False)
    >>> overdue(None, "2026-11-04") is None
    True
    """
    (nd, td), shape = broadcast(next_date, today)
    ncol, tcol = C.date(nd, "next_date"), C.date(td, "today")
    t = np.where(np.isnan(tcol.values), _today_serial(), np.floor(tcol.values))
    late = np.floor(ncol.values) < t
    return restore(finish(C.bools(late, np.isnan(ncol.values)), ncol, tcol), shape)
