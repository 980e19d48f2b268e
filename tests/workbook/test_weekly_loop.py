"""The boss's weekly loop end to end: an order typed on the 订单 Orders sheet (openpyxl, as a
person would), `storeops recalc`, then Target, PK and the review read back.

Issue 11's "done means": a dated order moves exactly that salesperson's week, month and year
actuals, PK and the review's week revenue by its amount, and nothing else; an order dated last
year moves none of this year's actuals.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from storeops.review import compute_review, read_settings
from storeops.tables import drop_blank_rows, to_keys
from storeops.workbook import build_workbook, schema
from storeops.xlsx import read_tables

AS_OF = date(2026, 11, 21)  # Saturday of 2026-W47
WEEK = "2026-W47"
_SALES = ["sales_week", "sales_month", "sales_actual"]
_ORDERS = ["orders_week", "orders_month", "orders_actual"]


def _recalc(path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "recalc", str(path), "--no-progress", "--today", AS_OF.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr


def _read(path):
    tables = read_tables(str(path))

    def keys(name):
        return drop_blank_rows(name, to_keys(name, tables[name])).reset_index(drop=True)

    target = keys("tblTarget").set_index("salesperson")
    pk = keys("tblPK").set_index("salesperson")
    review = compute_review(tables, WEEK, settings=read_settings(str(path)), today=AS_OF)
    revenue = review.people.set_index("业务员 Salesperson")["本周销售额 Revenue USD"]
    return keys("tblFollow"), target, pk, revenue


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(pd.to_numeric, errors="coerce").fillna(0.0)


def _type_order(path, when: datetime, buyer_id: str, salesperson: str, amount: float) -> None:
    """Type one paid order in the first empty row below the Orders table, as a person would."""
    o = schema.ORDERS
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[o.sheet]
    row = o.anchor_row + 2
    while ws.cell(row, o.anchor_col + o.keys.index("order_date") + 1).value not in (None, ""):
        row += 1
    for key, v in (
        ("order_date", when),
        ("buyer_id", buyer_id),
        ("salesperson", salesperson),
        ("kind", "付款 Paid"),
        ("amount", amount),
        ("currency", "USD"),
    ):
        ws.cell(row, o.anchor_col + o.keys.index(key) + 1).value = v
    wb.save(path)


@pytest.fixture(scope="module")
def loop_book(tmp_path_factory, small_demo_frames):
    from storeops.demo import demo_settings

    path = tmp_path_factory.mktemp("loop") / "Book.xlsm"
    build_workbook(path, data=small_demo_frames, settings=demo_settings(AS_OF))
    _recalc(path)
    return path


def test_an_order_moves_exactly_its_salespersons_dated_actuals(loop_book, tmp_path):
    path = tmp_path / "Book.xlsm"
    path.write_bytes(loop_book.read_bytes())
    follow, target0, pk0, rev0 = _read(path)
    # a returning buyer who already paid this week: new/repeat buyer counts cannot move
    num = _numeric(follow[["paid_in_week", "paid_ever"]])
    pick = follow[(num["paid_in_week"] > 0) & (num["paid_ever"] >= 2)]
    assert len(pick), "the demo has a repeat buyer who paid this week"
    buyer, sp = pick.iloc[0]["buyer_id"], pick.iloc[0]["salesperson"]
    amount = 1234.56

    _type_order(path, datetime(2026, 11, 19), buyer, sp, amount)  # Thursday of the review week
    _recalc(path)
    _follow, target1, pk1, rev1 = _read(path)

    t0, t1 = (
        _numeric(target0.drop(columns=["sales_pace_label"], errors="ignore")),
        _numeric(target1.drop(columns=["sales_pace_label"], errors="ignore")),
    )
    delta = t1 - t0
    for col in _SALES:
        assert delta.loc[sp, col] == pytest.approx(amount), col
    for col in _ORDERS:
        assert delta.loc[sp, col] == 1, col
    moved = set(_SALES + _ORDERS) | {c for c in delta.columns if c.endswith(("_pace", "_to_date")) and "sales" in c}
    moved |= {c for c in delta.columns if c.startswith("orders_")}
    still = [c for c in delta.columns if c not in moved]
    assert (delta.loc[sp, still].abs() < 1e-9).all(), delta.loc[sp, still][delta.loc[sp, still] != 0]
    others = [s for s in delta.index if s != sp]
    assert (delta.loc[others].abs() < 1e-9).all().all()  # nobody else's row moves

    d_pk = _numeric(pk1[["order_usd"]]) - _numeric(pk0[["order_usd"]])
    assert d_pk.loc[sp, "order_usd"] == pytest.approx(amount)
    assert (d_pk.drop(index=sp).abs() < 1e-9).all().all()

    d_rev = rev1.astype(float) - rev0.astype(float)
    assert d_rev.loc[sp] == pytest.approx(amount)
    assert (d_rev.drop(index=sp).abs() < 1e-9).all()


def test_an_order_dated_last_year_moves_no_actual_of_this_year(loop_book, tmp_path):
    path = tmp_path / "Book.xlsm"
    path.write_bytes(loop_book.read_bytes())
    follow, target0, pk0, rev0 = _read(path)
    buyer, sp = follow.iloc[0]["buyer_id"], follow.iloc[0]["salesperson"]

    _type_order(path, datetime(2025, 12, 15), buyer, sp, 5000.0)
    _recalc(path)
    _follow, target1, pk1, rev1 = _read(path)

    cols = _SALES + _ORDERS
    pd.testing.assert_frame_equal(_numeric(target1[cols]), _numeric(target0[cols]))
    pd.testing.assert_frame_equal(_numeric(pk1[["order_usd"]]), _numeric(pk0[["order_usd"]]))
    pd.testing.assert_series_equal(rev1.astype(float), rev0.astype(float))


def test_an_unanswered_inquiry_past_the_limit_is_late_counted_and_checked(loop_book, tmp_path):
    path = tmp_path / "Book.xlsm"
    path.write_bytes(loop_book.read_bytes())
    follow0 = _read(path)[0]
    sp = follow0.iloc[0]["salesperson"]
    summary0 = _summary(path).loc[sp]
    # cfg_as_of 2026-11-21 means the end of that day: 30 h before is 2026-11-20 18:00
    t = schema.FOLLOW
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[t.sheet]
    row = t.anchor_row + 2 + len(follow0)
    for key, v in (
        ("buyer", "Waiting Buyer"),
        ("source", "询盘 Inquiry"),
        ("channel", "询盘 Inquiry"),
        ("salesperson", sp),
        ("received_at", datetime(2026, 11, 20, 18, 0)),
        ("stage", "新询盘 New"),
        ("next_action", "reply"),
        ("buyer_id", "BWAIT000001"),
    ):
        ws.cell(row, t.anchor_col + t.keys.index(key) + 1).value = v
    wb.save(path)
    _recalc(path)

    follow = _read(path)[0].set_index("buyer_id")
    mine = follow.loc["BWAIT000001"]
    assert float(mine["reply_hours"]) == pytest.approx(30.0)  # running hours, shown
    assert mine["timely"] in (False, 0) and mine["reply_status"].startswith("超时未回复")
    summary = _summary(path).loc[sp]
    assert float(summary["timely_rate"]) < float(summary0["timely_rate"])
    assert int(summary["late_unanswered"]) == int(summary0["late_unanswered"]) + 1

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "check", str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("跟进") and f" {row} " in ln]
    assert out.returncode == 1 and line and "超时未回复" in line[0], out.stdout[-2000:]


def _summary(path):
    name = "tblBuyerSummary"
    frame = drop_blank_rows(name, to_keys(name, read_tables(str(path))[name]))
    return frame.set_index("salesperson")


def test_the_platform_fee_moves_the_cost_per_inquiry(loop_book, tmp_path):
    from storeops.xlsx import read_names

    path = tmp_path / "Book.xlsm"
    path.write_bytes(loop_book.read_bytes())
    before = read_names(str(path))
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ((sheet, ref),) = wb.defined_names["cfg_platform_fee_cny"].destinations
    wb[sheet][ref.replace("$", "")] = float(before["cfg_platform_fee_cny"]) + 36500 * float(before["cfg_fx_usd_cny"])
    wb.save(path)
    _recalc(path)
    after = read_names(str(path))
    days_ytd = (AS_OF - date(AS_OF.year, 1, 1)).days + 1
    days_in_year = (date(AS_OF.year + 1, 1, 1) - date(AS_OF.year, 1, 1)).days
    for sfx, days in (("_week", AS_OF.weekday() + 1), ("_month", AS_OF.day), ("", days_ytd)):
        cost0, cost1 = (float(n["cost_total_usd" if not sfx else f"cost{sfx}"]) for n in (before, after))
        assert cost1 - cost0 == pytest.approx(36500 * days / days_in_year), sfx  # 100 USD a day
        per0, per1 = float(before[f"cost_per_inquiry{sfx}"]), float(after[f"cost_per_inquiry{sfx}"])
        assert per1 > per0 and per1 / per0 == pytest.approx(cost1 / cost0), sfx  # same inquiries, more cost
