"""The dated rules (orders, seasonal shares, replies as the platforms count them, goals, class
moves): invariants under hypothesis, hostile inputs, and SEASON_SHARE's native twin (a whole-range
function, so not in the per-row twin test) against the core in the headless engine."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

import storeops_xl as core
from storeops.engine import recalc
from storeops.workbook.editions import twin_call
from storeops_xl.orders import PAID, SAMPLE, STATUSES, buyer_totals, class_at

day = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31))
weights = st.lists(
    st.one_of(st.none(), st.floats(0, 50, allow_nan=False).map(lambda x: round(x, 3))), min_size=12, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(w=weights, a=day, b=day, c=day)
def test_season_share_adds_up(w, a, b, c):
    a, b, c = sorted((a, b, c))
    ab, bc, ac = (core.season_share(x, y, w) for x, y in ((a, b), (b + dt.timedelta(days=1), c), (a, c)))
    assert 0 <= ab <= 1 and 0 <= ac <= 1
    if a.year == b.year == c.year:
        assert math.isclose(ab + bc, ac, abs_tol=1e-9)
    year = dt.date(c.year, 1, 1), dt.date(c.year, 12, 31)
    assert math.isclose(core.season_share(*year, w), 1.0, abs_tol=1e-9)
    assert core.season_share(c, a, w) == 0 or a == c


def test_season_share_hostile():
    assert core.season_share("2026-01-01", "2026-01-31", [1] * 11).startswith("#VALUE! weights")
    assert core.season_share("2026-01-01", "2026-01-31", [-1] + [1] * 11).startswith("#VALUE! weights")
    assert core.season_share("2026-01-01", "x").startswith("#VALUE! last_day")
    months = [3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    w = [3.0, 1.0, 2.0] + [1.0] * 9
    assert core.season_share("2026-01-01", "2026-03-31", w, months) == pytest.approx(6 / 15)


@settings(max_examples=8, deadline=None)
@given(w=weights, rows=st.lists(st.tuples(day, day), min_size=3, max_size=25))
def test_season_share_twin_equals_core_in_the_engine(tmp_path_factory, w, rows):
    path = tmp_path_factory.mktemp("season") / "s.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for m in range(12):
        ws.write_number(m, 0, m + 1)
        if w[m] is not None:
            ws.write_number(m, 1, w[m])
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, (a, b) in enumerate(rows):
        ws.write_datetime(i, 3, dt.datetime(a.year, a.month, a.day), date_fmt)
        ws.write_datetime(i, 4, dt.datetime(b.year, b.month, b.day), date_fmt)
        ws.write_formula(i, 5, "=" + twin_call("SEASON_SHARE", [f"D{i + 1}", f"E{i + 1}", "$B$1:$B$12", "$A$1:$A$12"]))
    wb.close()
    report = recalc(path, today=dt.date(2026, 11, 21), progress=False)
    assert report.left_to_excel == 0, report.left_examples
    got = [openpyxl.load_workbook(path, data_only=True)["S"].cell(i + 1, 6).value for i in range(len(rows))]
    want = core.season_share([a for a, _ in rows], [b for _, b in rows], w, list(range(1, 13)))
    for g, x in zip(got, want):
        assert math.isclose(float(g), float(x), rel_tol=1e-9, abs_tol=1e-9)


limits = st.sampled_from([1, 4, 24])
hours = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3))


@settings(max_examples=150, deadline=None)
@given(h=hours, ch=st.sampled_from(["询盘 Inquiry", "TM"]), rule=st.sampled_from(["alibaba", "alibaba_2024", "1688"]))
def test_reply_ok_decides_late_once_and_for_all(h, ch, rule):
    """Answered: on time iff within the limit.  Unanswered: open within the limit, late past it —
    never on time.  The current rule is never stricter than 1688's."""
    answered = core.reply_ok(h, ch, rule=rule)
    waiting = core.reply_ok(h, ch, rule=rule, answered=False)
    assert answered in (True, False)
    assert waiting is None if answered else waiting is False
    if core.reply_ok(h, ch, rule="1688"):
        assert core.reply_ok(h, ch, rule="alibaba")


@settings(max_examples=80, deadline=None)
@given(rec=st.floats(46000, 46400, allow_nan=False), wait=st.floats(0, 30, allow_nan=False), more=st.floats(0, 5))
def test_running_hours_grow_with_the_clock(rec, wait, more):
    a = core.reply_hours(rec, None, rec + wait)
    b = core.reply_hours(rec, None, rec + wait + more)
    assert a == pytest.approx(wait * 24, abs=1e-5) and b >= a - 1e-9
    assert core.reply_hours(rec, rec + wait, rec + wait + more) == pytest.approx(wait * 24, abs=1e-5)


def test_timely_rate_counts_unanswered_late():
    rate = core.timely_rate([2, 30, 30, 5], ["询盘"] * 4, answered_range=[True, True, False, False])
    assert rate == pytest.approx(1 / 3)  # 2 h on time; 30 h late; 30 h unanswered late; 5 h still open


money = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2)))


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(money, st.sampled_from(["", "USD", "CNY", "rmb", "$"])), min_size=1, max_size=30))
def test_order_usd_vector_equals_scalar(rows):
    amounts, cur = [a for a, _ in rows], [c for _, c in rows]
    col = core.order_usd(np.array(amounts, dtype=object), np.array(cur, dtype=object), 7.2)
    for a, c, v in zip(amounts, cur, col):
        one = core.order_usd(a, c, 7.2)
        if a is None:
            assert one is None and (v is None or v != v)
        else:
            assert math.isclose(one, a / 7.2 if c in ("CNY", "rmb") else a) and math.isclose(v, one)


def test_order_rules_hostile_inputs():
    assert core.order_usd(-5, "USD").startswith("#VALUE! amount")
    assert core.order_usd(5, "USD", 0).startswith("#VALUE! fx_usd_cny")
    assert core.order_usd("abc", "USD").startswith("#VALUE! amount")
    assert core.order_kind(PAID, "lost in the mail").startswith("#VALUE! status")
    for status in STATUSES[3:]:
        assert core.order_kind(PAID, status) is None and core.order_kind(SAMPLE, status) is None
    for status in ("", *STATUSES[:3]):
        assert core.order_kind(PAID, status) == PAID and core.order_kind(SAMPLE, status) == SAMPLE


order_rows = st.lists(
    st.tuples(
        st.sampled_from(["B1", "b1 ", "B2", "B3", "", "X9"]),
        st.integers(-400, 30),
        st.sampled_from([PAID, SAMPLE, None]),
        st.floats(0, 20000, allow_nan=False).map(lambda x: round(x, 2)),
    ),
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(rows=order_rows, lo=st.integers(-500, 0), span=st.integers(0, 400))
def test_buyer_totals_lose_nothing(rows, lo, span):
    """Per-buyer sums of the window add up to the window's counted orders of listed buyers, in
    any order of the log; class_at is BUYER_CLASS of the 12-month totals."""
    base = pd.Timestamp("2026-11-21")
    dates = [base + pd.Timedelta(days=d) for _, d, _, _ in rows]
    ids = [b for b, _, _, _ in rows]
    kinds = [k for _, _, k, _ in rows]
    usd = [u for _, _, _, u in rows]
    start, end = base + pd.Timedelta(days=lo), base + pd.Timedelta(days=lo + span)
    buyers = ["B1", "B2", "B3", "B4"]
    t = buyer_totals(buyers, ids, dates, kinds, usd, start.to_pydatetime(), end.to_pydatetime())
    inside = [(b.strip().casefold(), k, u) for b, d, k, u in zip(ids, dates, kinds, usd) if start <= d < end]
    listed = [(b, k, u) for b, k, u in inside if b in {x.casefold() for x in buyers}]
    assert t["paid"].sum() == sum(k == PAID for _, k, _ in listed)
    assert t["samples"].sum() == sum(k == SAMPLE for _, k, _ in listed)
    assert t["usd"].sum() == pytest.approx(sum(u for _, k, u in listed if k == PAID))
    order = np.random.default_rng(len(rows)).permutation(len(rows))
    again = buyer_totals(
        buyers, [ids[i] for i in order], [dates[i] for i in order], [kinds[i] for i in order], [usd[i] for i in order],
        start.to_pydatetime(), end.to_pydatetime(),
    )  # fmt: skip
    pd.testing.assert_frame_equal(t, again, check_exact=False)
    cls = class_at(buyers, ids, dates, kinds, usd, base.to_pydatetime())
    w = buyer_totals(buyers, ids, dates, kinds, usd, dt.datetime(2025, 11, 22), dt.datetime(2026, 11, 22))
    assert list(cls) == list(core.buyer_class(w["usd"].to_numpy(), w["paid"].to_numpy(), w["samples"].to_numpy()))


@settings(max_examples=80, deadline=None)
@given(a=st.sampled_from("ABCD"), b=st.sampled_from("ABCD"))
def test_class_move_direction(a, b):
    move = core.class_move(a, b)
    if a == b:
        assert move is None
    else:
        up = "DCBA".index(b) > "DCBA".index(a)
        assert move == f"{a}→{b} " + ("升级 up" if up else "降级 down")


@settings(max_examples=80, deadline=None)
@given(due=st.one_of(st.none(), day), today=day, met=st.sampled_from([None, "是 Yes", "否 No", "yes", "否"]))
def test_goal_status_states(due, today, met):
    got = core.goal_status("goal", due, met, today)
    if met in ("是 Yes", "yes"):
        assert got == "达成 Met"
    elif due is None:
        assert got == "无期限 No due date"
    else:
        assert got == ("未达成 Missed" if due < today else "进行中 Open")
    assert core.goal_status(None, due, met, today) is None
