"""Follow-up 跟进: reply times, the timely-reply rule, buyer classes, cadence, close rate.

Rules from seed 000 (客户跟进 / 买家分类 / 及时回复率) and the Alibaba.com timely-reply
rule: an inquiry counts as answered in time within 24 hours, a TM (旺旺/Trade Manager)
message within 1 hour.

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
    "STAGES",
    "buyer_class",
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


@excel(
    "REPLY_HOURS",
    "回复用时 Reply hours between a message and the first reply.",
    "hours",
    help={
        "received_at": "收到时间 message received at",
        "replied_at": "首次回复时间 first reply at",
    },
    twin='IF(OR({received_at}="",{replied_at}=""),"",IF({replied_at}<{received_at},#N/A,'
    "ROUND(({replied_at}-{received_at})*24,6)))",
    guard='OR({received_at}="",{replied_at}="")',
    source="seed 000 及时回复率",
    example='`=REPLY_HOURS("2026-11-03 09:00", "2026-11-03 12:30") → 3.5`',
)
def reply_hours(received_at: Any, replied_at: Any) -> Any:
    """Hours 回复用时 between receiving a message and the first reply.

    Parameters
    ----------
    received_at : date-time or column
        When the inquiry / TM message arrived 收到时间.
    replied_at : date-time or column
        First reply 首次回复时间.  Blank gives a blank (not answered yet).

    Returns
    -------
    float hours; ``#VALUE! replied_at: …`` when the reply is before the message.

    Examples
    --------
    >>> reply_hours("2026-11-03 09:00", "2026-11-03 12:30")
    3.5
    >>> reply_hours("2026-11-03 09:00", None) is None
    True
    """
    (a, b), shape = broadcast(received_at, replied_at)
    rec, rep = C.date(a, "received_at"), C.date(b, "replied_at")
    hours = np.round((rep.values - rec.values) * 24.0, 6)
    neg = hours < 0
    if neg.any():
        rep.add_error(
            neg, (error_text("#VALUE!", "replied_at", h, "hours: the reply is before the message") for h in hours[neg])
        )
        hours = np.where(neg, np.nan, hours)
    return restore(finish(hours, rec, rep), shape)


_REPLY_OK = (
    'IF(OR({hours}="",{channel}=""),"",IF({channel}="%s",--{hours}<={tm_hours},'
    'IF({channel}="%s",--{hours}<={inquiry_hours},"")))' % (CHANNELS[1], CHANNELS[0])
)


@excel(
    "REPLY_OK",
    "及时回复 TRUE when an inquiry was answered within 24 h or a TM message within 1 h.",
    "bool",
    help={
        "hours": "回复用时(小时) reply hours",
        "channel": "渠道 询盘/inquiry 或 TM/旺旺",
        "inquiry_hours": "询盘时限",
        "tm_hours": "TM 时限",
    },
    settings={"inquiry_hours": "cfg_reply_inquiry_h", "tm_hours": "cfg_reply_tm_h"},
    twin=_REPLY_OK,
    source="Alibaba 及时回复率 rule; seed 000 4 h",
    example='`=REPLY_OK(23.5, "询盘", cfg_reply_inquiry_h, cfg_reply_tm_h) → TRUE`',
)
def reply_ok(hours: Any, channel: Any, inquiry_hours: Any = None, tm_hours: Any = None) -> Any:
    """TRUE when answered in time 及时回复: inquiry ≤ 24 h, TM ≤ 1 h (Alibaba rule).

    Parameters
    ----------
    hours : number or column
        Reply hours (see :func:`reply_hours`).  Blank gives a blank.
    channel : text or column
        ``询盘``/``inquiry`` or ``TM``/``旺旺``; other follow-up sources (RFQ, EDM …) give a blank.
    inquiry_hours : number, optional
        ``cfg_reply_inquiry_h`` (24).
    tm_hours : number, optional
        ``cfg_reply_tm_h`` (1).  The shop's stricter target is ``cfg_reply_target_h`` (4):
        pass it here to check against it instead.

    Examples
    --------
    >>> reply_ok(23.5, "询盘"), reply_ok(1.5, "TM"), reply_ok(0.5, " tm ")
    (True, False, True)
    >>> reply_ok(2, "fax")
    "#VALUE! channel: 'fax' is not 询盘/inquiry or TM/旺旺"
    """
    (h, ch, ih, th), shape = broadcast(hours, channel, inquiry_hours, tm_hours)
    hcol = C.num(h, "hours")
    kinds, ccol = _channels(ch)
    icol = C.setting(ih, "inquiry_hours", "cfg_reply_inquiry_h")
    tcol = C.setting(th, "tm_hours", "cfg_reply_tm_h")
    limit = np.where(kinds == "tm", tcol.values, icol.values)
    ok = hcol.values <= limit
    blank = np.isnan(hcol.values) | (kinds == "") | np.equal(kinds, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
    return restore(finish(C.bools(ok, blank), hcol, ccol, icol, tcol), shape)


@excel(
    "TIMELY_RATE",
    "及时回复率 Timely-reply rate over whole columns: answered in time ÷ inquiry and TM buyers.",
    "percent",
    help={
        "hours_range": "回复用时列 reply hours column",
        "channel_range": "渠道列 channel column",
        "inquiry_hours": "询盘时限",
        "tm_hours": "TM 时限",
    },
    settings={"inquiry_hours": "cfg_reply_inquiry_h", "tm_hours": "cfg_reply_tm_h"},
    ranges=("hours_range", "channel_range"),
    aggregate=True,
    source="Alibaba 及时回复率",
    example="`=TIMELY_RATE(tblFollow[ReplyHours], tblFollow[Source]) → 0.5`",
)
def timely_rate(hours_range: Any, channel_range: Any, inquiry_hours: Any = None, tm_hours: Any = None) -> Any:
    """及时回复率 Timely-reply rate over whole ranges (one value).

    (inquiry buyers answered ≤ 24 h + TM buyers answered ≤ 1 h) ÷ (inquiry buyers +
    TM buyers).  Rows without reply hours (not answered yet) and rows of other sources
    are not counted; the first ``#…`` error of a row is returned instead of a rate.

    Examples
    --------
    >>> timely_rate([2, 30, 0.5, 3, None], ["询盘", "询盘", "TM", "旺旺", "TM"])
    0.5
    >>> timely_rate([], []) is None
    True
    """
    ok = reply_ok(C.range_values(hours_range), C.range_values(channel_range), inquiry_hours, tm_hours)
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
