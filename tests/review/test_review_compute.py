"""The Saturday review's numbers, computed from a small hand-made follow-up table."""

import datetime as dt

import pandas as pd
import pytest

from storeops.review.compute import compute_review, parse_week

FOLLOW = pd.DataFrame(
    {
        "buyer": ["Bob", "Ann", "Cy", "Dee"],
        "source": ["TM", "RFQ", "询盘 Inquiry", "EDM"],
        "channel": ["TM", "询盘 Inquiry", "询盘 Inquiry", "询盘 Inquiry"],
        "salesperson": ["小王", "小王", "小李", "小李"],
        "received_at": ["2026-11-16 09:00", "2026-11-17 09:00", "2026-11-18 10:00", "2026-10-01"],
        "replied_at": ["2026-11-16 09:30", "2026-11-18 12:00", "2026-11-18 11:00", None],
        "stage": ["新询盘 New", "成交 Won", "样品 Sample", "复购 Repeat"],
        "last_contact": ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-01"],
        "next_action": ["a", "b", "c", "d"],
        "paid_orders": [0, 1, 0, 3],
        "order_usd": [0, 500, 0, 20000],
        "sample_orders": [0, 0, 1, 0],
        "class_last_week": ["", "D", "D", "A"],
    }
)
SP = pd.DataFrame({"salesperson": ["小王", "小李"], "team": ["狼队", "虎队"]})
TG = pd.DataFrame(
    {
        "salesperson": ["小王", "小李"],
        "sales_target": [100000, 50000],
        "inquiries_target": [520, 260],
        "new_buyers_target": [52, 26],
        "orders_target": [50, 20],
    }
)


@pytest.fixture(scope="module")
def review():
    return compute_review(
        {"tblFollow": FOLLOW, "tblSalespeople": SP, "tblTarget": TG}, "2026-W47", today=dt.date(2026, 11, 21)
    )


def test_week_bounds():
    assert parse_week("2026w47")[:2] == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def test_new_buyers_by_source_and_replies(review):
    p = review.people.set_index("业务员 Salesperson")
    assert p.loc["小王", "新买家 New buyers"] == 2 and p.loc["小李", "新买家 New buyers"] == 1  # Dee is from October
    assert p.loc["小王", "TM"] == 1 and p.loc["小王", "RFQ"] == 1 and p.loc["小李", "询盘 Inquiry"] == 1
    # Bob TM answered in 0.5 h (timely), Ann inquiry in 27 h (late): 1 of 2
    assert p.loc["小王", "及时回复率 Timely rate"] == pytest.approx(0.5)
    assert p.loc["小王", "平均回复小时 Avg reply h"] == pytest.approx(13.8)


def test_class_moves(review):
    moves = review.moves.set_index("买家 Buyer")
    assert moves.loc["Ann", "本周 Now"] == "B" and moves.loc["Cy", "本周 Now"] == "C"
    assert "Dee" not in moves.index  # A last week, still A
    assert review.people.set_index("业务员 Salesperson").loc["小李", "类别变化 Class moves"] == "D→C 1"


def test_overdue_and_pk(review):
    od = review.overdue.set_index("买家 Buyer")
    assert od.loc["Dee", "逾期天数 Days overdue"] == 13  # A: 2026-11-01 + 7 d = 11-08, as of 11-21
    assert od.loc["Bob", "下次跟进 Next follow-up"] == dt.date(2026, 11, 19)  # D: 3 days
    p = review.people.set_index("业务员 Salesperson")
    assert sorted(p["PK排名 PK rank"].tolist()) == [1, 2]
    t = review.teams.set_index("团队 Team")
    assert t.loc["狼队", "PK得分 PK score"] == p.loc["小王", "PK得分 PK score"]
