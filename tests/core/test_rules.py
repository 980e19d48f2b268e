"""Readable examples, one per rule of the spec and the seeds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import storeops_xl as core
from storeops_xl.settings import DEFAULTS, SETTINGS


@pytest.mark.parametrize(
    "args, expected",
    [
        pytest.param((10000, 1, 0), "A", id="a-exactly-10000-usd"),
        pytest.param((9999.99, 1, 0), "B", id="b-just-under-10000"),
        pytest.param((500, 3, 0), "A", id="a-three-paid-orders"),
        pytest.param((500, 2, 5), "B", id="b-two-orders"),
        pytest.param((0, 0, 1), "C", id="c-samples-only"),
        pytest.param((0, 0, 0), "D", id="d-nothing-yet"),
        pytest.param(("12,000", "1", "0"), "A", id="a-text-numbers"),
        pytest.param((20000, 1, 0, 50000), "B", id="b-custom-threshold"),
        pytest.param((100, 2, 0, None, 2), "A", id="a-custom-repeat"),
    ],
)
def test_buyer_class(args, expected):
    assert core.buyer_class(*args) == expected


@pytest.mark.parametrize(
    "hours, channel, rule, expected",
    [
        pytest.param(24, "询盘", None, True, id="inquiry-24h-ok"),
        pytest.param(24.01, "inquiry", None, False, id="inquiry-over-24h"),
        pytest.param(20, "TM", None, True, id="current-rule-tm-24h"),
        pytest.param(24.5, "TM", "alibaba", False, id="current-rule-tm-late"),
        pytest.param(1, "TM", "alibaba_2024", True, id="2024-tm-1h-ok"),
        pytest.param(1.01, "旺旺", "alibaba_2024", False, id="2024-tm-over-1h"),
        pytest.param(23, "询盘", "alibaba_2024", True, id="2024-inquiry-24h"),
        pytest.param(0.05, "旺旺", "1688", True, id="1688-3-minutes"),
        pytest.param(0.06, "询盘", "1688", False, id="1688-over-3-minutes"),
        pytest.param(0.5, " Tm ", None, True, id="tm-case-space"),
        pytest.param(3, "RFQ", None, None, id="rfq-not-under-the-rule"),
        pytest.param(None, "TM", None, None, id="blank-hours"),
    ],
)
def test_reply_ok(hours, channel, rule, expected):
    assert core.reply_ok(hours, channel, rule=rule) == expected


def test_unanswered_messages_wait_then_turn_late():
    """Running hours of an unanswered message: undecided within the limit, late past it."""
    received = dt.datetime(2026, 11, 19, 18, 0)
    now = received + dt.timedelta(hours=30)
    hours = core.reply_hours(received, None, now)
    assert hours == 30.0
    assert core.reply_ok(hours, "询盘 Inquiry", answered=False) is False
    assert core.reply_ok(3.0, "询盘 Inquiry", answered=False) is None
    assert core.reply_ok(5.0, "询盘 Inquiry", 4, answered=False) is False  # past the shop's 4 h
    assert core.reply_hours(received, None, received - dt.timedelta(hours=1)) is None  # not yet received
    assert core.reply_ok(30, "询盘", rule="fax").startswith("#VALUE! rule")


def test_reply_ok_shop_target_and_unknown_channel():
    assert core.reply_ok(5, "询盘", DEFAULTS["cfg_reply_target_h"]) is False
    err = core.reply_ok(1, "carrier pigeon")
    assert err.startswith("#VALUE! channel:")


def test_reply_hours_and_timely_rate():
    assert core.reply_hours(dt.datetime(2026, 11, 3, 9), "2026/11/4 10:00") == 25.0
    assert core.reply_hours(46000, 46000.5) == 12.0
    assert core.reply_hours("2026-11-03 10:00", "2026-11-03 09:00").startswith("#VALUE! replied_at")
    rate = core.timely_rate([[20], [30], [0.5], [2]], [["询盘"], ["询盘"], ["TM"], ["TM"]], rule="alibaba_2024")
    assert rate == 0.5
    assert core.timely_rate([[20], [30], [0.5], [2]], [["询盘"], ["询盘"], ["TM"], ["TM"]]) == 0.75
    assert core.timely_rate([1, "x"], ["TM", "TM"]).startswith("#VALUE! hours")


@pytest.mark.parametrize("cls, days", [("A", 7), ("B", 14), ("C", 5), ("D", 3), ("a", 7)])
def test_next_followup_cadence(cls, days):
    assert core.next_followup("2026-11-03", cls) == dt.datetime(2026, 11, 3) + dt.timedelta(days=days)


def test_next_followup_vectorised_dates_and_stop_stage():
    out = core.next_followup(["2026-11-03", None, "2026-11-03"], ["B", "A", "D"], ["", "", "lost"])
    assert out.dtype.kind == "M"
    assert out[0] == np.datetime64("2026-11-17") and np.isnat(out[1]) and np.isnat(out[2])
    assert core.next_followup("2026-11-03", "C", None, None, None, 10) == dt.datetime(2026, 11, 13)


def test_overdue():
    assert core.overdue("2026-11-03", "2026-11-04") is True
    assert core.overdue("2026-11-04", "2026-11-04") is False
    assert core.overdue("1999-01-01") is True  # today by default
    assert core.overdue(dt.date(2999, 1, 1)) is False
    assert core.overdue([46000, None], 46001).tolist() == [True, None]


@pytest.mark.parametrize("rate, label", [(0.7, "强"), (0.69, "正常"), (0.1, "弱"), (0.11, "正常")])
def test_close_bands(rate, label):
    assert core.close_label(rate) == label


def test_close_rate():
    assert core.close_rate(7, 10) == 0.7
    assert core.close_rate(3, 0) is None


@pytest.mark.parametrize(
    "ratio, label",
    [
        pytest.param(1.05, "领先", id="ahead-at-1.05"),
        pytest.param(1.0499, "正常", id="normal-below-ahead"),
        pytest.param(0.9, "正常", id="normal-at-0.9"),
        pytest.param(0.8999, "落后", id="behind"),
    ],
)
def test_pace_label(ratio, label):
    assert core.pace_label(ratio) == label


def test_target_pace_and_split():
    assert core.target_pace(10000, 31000, "2026-12-01", "2026-12-31", "2026-12-10") == pytest.approx(1.0)
    assert core.target_pace(1, 100, "2026-12-01", "2026-12-31", "2026-11-30") is None  # not started
    w = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2]
    assert core.target_split(140000, [11, 1], w).tolist() == [20000.0, 10000.0]
    assert core.target_split(100, 1, [1, 2]).startswith("#VALUE! weights")
    assert core.target_split(100, 1, [-1] + [1] * 11).startswith("#VALUE! weights")


def test_pk_score_rows_and_cap():
    assert core.pk_score([300, 10], [100, 10], [1, 1]) == pytest.approx(125.0)  # 150 % cap + 100 %
    out = core.pk_score(np.array([[100, 10], [50, 5]]), [[100, 10], [100, 10]], [3, 1])
    assert out.tolist() == [100.0, 50.0]
    assert core.pk_score([100, 10], [0, 10], [1, 1]) == 100.0  # metric without a target left out
    assert core.pk_score([[1, 2, 3]], [1, 2], [1, 1, 1])[0].startswith("#VALUE!")


@pytest.mark.parametrize(
    "ki, si, expected",
    [
        pytest.param(200, 10, True, id="at-both-thresholds"),
        pytest.param(199, 0, False, id="index-too-low"),
        pytest.param(814, 11, False, id="too-many-sellers"),
        pytest.param("-", 3, None, id="no-data"),
    ],
)
def test_opportunity_word(ki, si, expected):
    assert core.opportunity_word(ki, si) == expected


@pytest.mark.parametrize(
    "args, action",
    [
        pytest.param((0, 0, 0, 0), "加价 raise bid", id="no-spend-no-clicks"),
        pytest.param((60, 40, 0, 0), "暂停 pause", id="2x-target-no-inquiry"),
        pytest.param((35, 20, 0, 0), "降价 lower bid", id="over-target-no-inquiry"),
        pytest.param((10, 8, 0, 0), "保持 keep", id="too-little-data"),
        pytest.param((40, 30, 4, 0), "加价 raise bid", id="cheap-inquiries"),
        pytest.param((80, 30, 2, 0), "降价 lower bid", id="expensive-inquiries"),
        pytest.param((130, 30, 2, 0), "暂停 pause", id="very-expensive"),
        pytest.param((120, 30, 2, 1), "保持 keep", id="expensive-but-orders"),
        pytest.param((30, 30, 1, 0), "保持 keep", id="on-target"),
    ],
)
def test_p4p_action(args, action):
    assert core.p4p_action(*args, 30).split(":")[0] == action


@pytest.mark.parametrize(
    "message, level",
    [
        pytest.param("I cannot place the order, what to do?", "中", id="en-cannot-order"),
        pytest.param("我下不了单怎么办", "中", id="zh-cannot-order"),
        pytest.param("Payment failed, I can't pay", "中", id="en-cannot-pay"),
        pytest.param("付不了款", "中", id="zh-cannot-pay"),
        pytest.param("Please close the order so I can change the address", "中", id="en-close-order"),
        pytest.param("收货地址写错了, 你帮我关闭订单吧", "中", id="zh-close-order"),
        pytest.param("I will pay more and you refund the difference to my account", "高", id="en-refund-difference"),
        pytest.param("我多打了钱, 你把差价退给我", "高", id="zh-refund-difference"),
        pytest.param("加我QQ, 帮你的账户解冻", "高", id="zh-qq-unfreeze"),
        pytest.param("Your account is frozen, contact us on WeChat to unfreeze", "高", id="en-unfreeze"),
        pytest.param("Can't pay, add my QQ", "高", id="two-medium-patterns"),
        pytest.param("Please send price for 1000 leashes", "低", id="normal-buyer"),
    ],
)
def test_scam_risk(message, level):
    out = core.scam_risk(message)
    assert out.split(":")[0] == level
    if level != "低":
        assert ": " in out


def test_funnel_diag_stages():
    assert core.funnel_diag(50, 1, 1, 0).startswith("曝光太少")
    assert core.funnel_diag(5000, 10, 10, 1).startswith("点击率低")
    assert core.funnel_diag(5000, 100, 80, 5, None, 0.8).startswith("跳失率高")
    assert core.funnel_diag(5000, 200, 400, 2).startswith("询盘率低")
    assert core.funnel_diag(20000, 400, 400, 20, 0).startswith("有询盘没成交")
    assert core.funnel_diag(5000, 100, 80, 5, 2).startswith("正常")
    assert core.funnel_diag(5000, 10, 40, 2, None, None, None, 0.001).startswith("正常")  # shop's own bench


@pytest.mark.parametrize(
    "args",
    [
        pytest.param((300, 4, 2, 0, 0, 1.0), id="2-visits-100%-bounce"),
        pytest.param((5000, 100, 2, 0, 0, 1.0), id="good-ctr-2-visitors"),
        pytest.param((60, 1, 1, 0, None, None, 100), id="under-min-impressions"),
        pytest.param((5000, 100, 80, 1), id="1-inquiry-from-80-may-be-chance"),
        pytest.param((800, 6, 6, 0, 0, 0.5), id="ctr-below-but-not-significant"),
    ],
)
def test_funnel_diag_too_little_data(args):
    """A handful of visits proves nothing: the diagnosis says so instead of naming a stage."""
    out = core.funnel_diag(*args)
    assert out.startswith("数据太少 too little data"), out
    assert "跳失率高" not in out and "high bounce" not in out


def test_funnel_diag_point_estimate_when_confidence_is_off():
    args = (5000, 100, 80, 1, None, None, None, None, None, None, None, None, None)
    assert core.funnel_diag(*args, 0).startswith("询盘率低")
    assert core.funnel_diag(*args, 0.9).startswith("数据太少")


def test_funnel_diag_benchmarks_default_to_the_shop_median():
    # 12 rows with enough data: CTR median 2 %; a row at 1.5 % on 20,000 impressions is low against
    # the shop (its interval lies below 2 %) though above the 1 % fallback
    impr = [20000] + [5000] * 11
    clicks = [300] + [100] * 11
    vis = [250] + [90] * 11
    inq = [10] + [4] * 11
    out = core.funnel_diag(impr, clicks, vis, inq)
    assert out[0].startswith("点击率低") and "2.00%" in out[0]
    assert core.funnel_diag(20000, 300, 250, 10).startswith("正常")  # one row: the 1 % fallback
    assert core.benchmark([0.01] * 3, [500] * 3, 100) is None  # too few rows for a median
    assert core.benchmark([0.02] * 12, [500] * 12, 100, 0.05) == 0.05  # peer average typed in


def test_listing_stars_and_shop_health_and_replace_link():
    assert core.listing_stars([5, 5, 4, 0], [10, 9, 10, 0], [500, 500, 500, 0], None, None, "1688").tolist() == [
        5,
        3,
        3,
        0,
    ]
    # Alibaba.com: 6 main images, ≥ 4 detail images; 1688's rule does not apply
    assert core.listing_stars([6, 5, 6], [4, 10, 3], [500, 500, 500]).tolist() == [5, 3, 3]
    # the platform's own quality score rules when imported: ≥ 4.5 is five stars
    assert core.listing_stars([1, 6], [0, 9], [0, 900], 80, None, "alibaba", [4.5, 4.49]).tolist() == [5, 4]
    # a title over the hard limit (score capped at 40) is never five stars; a banned word is none
    assert core.listing_stars([6, 6], [9, 9], [900, 900], [40, 0]).tolist() == [4, 0]
    assert core.shop_health(49, 0).startswith("偏少")
    assert core.shop_health(60, 0).startswith("合适")
    assert core.shop_health(100, 0).startswith("可以")
    assert core.shop_health(101, 0).startswith("偏多")
    assert "零效果" in core.shop_health(60, 30)
    assert core.replace_link(3, 10, 10).startswith("换新链接")
    assert core.replace_link(4, 10, 11) == ""
    assert core.replace_link(None, 1, 1) is None


def test_hot_candidate_uses_shop_median():
    impr = [5000, 4000, 3000, 600, 700, 2000, 2500, 1800, 3500, 900, 1200, 12]
    clicks = [50, 40, 30, 12, 3, 20, 25, 18, 35, 9, 12, 2]
    inq = [2, 1, 1, 2, 0, 0, 0, 1, 0, 0, 0, 1]
    got = core.hot_candidate(impr, clicks, inq).tolist()
    assert got == [False, False, False, True] + [False] * 8  # 12 impressions: too little data, never hot
    assert not any(core.hot_candidate(impr[:5], clicks[:5], inq[:5]).tolist())  # 5 rows: no shop median


def test_settings_are_complete():
    names = {s.name for s in SETTINGS}
    for needed in [
        "cfg_class_a_usd",
        "cfg_class_a_repeat",
        "cfg_cadence_a",
        "cfg_cadence_b",
        "cfg_cadence_c",
        "cfg_cadence_d",
        "cfg_reply_inquiry_h",
        "cfg_reply_tm_h",
        "cfg_reply_target_h",
        "cfg_reply_rule",
        "cfg_reply_1688_min",
        "cfg_reply_window_d",
        "cfg_fx_usd_cny",
        "cfg_title_max",
        "cfg_title_max_1688",
        "cfg_platform",
        "cfg_kw_index_min",
        "cfg_seller_index_max",
        "cfg_replace_rounds",
        "cfg_pk_cap",
        "cfg_close_strong",
        "cfg_close_weak",
        "cfg_pace_ahead",
        "cfg_pace_behind",
        "cfg_target_cpi",
        "cfg_bench_ctr",
        "cfg_bench_bounce",
        "cfg_bench_inquiry_rate",
        "cfg_bench_conversion",
        "cfg_shop_min_products",
        "cfg_shop_max_products",
    ]:
        assert needed in names
    for s in SETTINGS:
        assert s.name.startswith("cfg_") and " / " in s.description


@pytest.mark.parametrize(
    "hours, channel, expected",
    [
        pytest.param(3, "询盘 Inquiry", True, id="workbook-list-inquiry"),
        pytest.param(30, "询盘 Inquiry", False, id="workbook-list-inquiry-late"),
        pytest.param(0.5, "TM", True, id="workbook-list-tm"),
        pytest.param(2, "TM", True, id="workbook-list-tm-current-rule"),
        pytest.param(3, "访客营销 Visitor marketing", None, id="workbook-list-other-source"),
    ],
)
def test_reply_ok_accepts_the_workbook_bilingual_labels(hours, channel, expected):
    assert core.reply_ok(hours, channel) is expected


def test_next_followup_stops_for_the_workbook_lost_stage():
    assert core.next_followup(dt.date(2026, 11, 1), "A", "流失 Lost") is None
