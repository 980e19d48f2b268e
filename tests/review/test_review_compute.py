"""The Saturday review's numbers, computed from a small hand-made follow-up table and order log."""

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
        "buyer_id": ["B1", "B2", "B3", "B4"],
        "goal": [None, "拿下胸背带订单", "样品转大货", None],
        "goal_set": [None, "2026-11-16", "2026-11-09", None],
        "goal_due": [None, "2026-11-20", "2026-11-19", None],
        "goal_met": [None, "是 Yes", None, None],
    }
)
#: Ann pays this week (D→B), Cy takes a sample this week (D→C), Dee was A already (three orders
#: before the week), one order is cancelled and one is last year's
ORDERS = pd.DataFrame(
    {
        "order_date": [
            "2026-11-18",
            "2026-11-19",
            "2026-10-02",
            "2026-10-15",
            "2026-11-02",
            "2026-11-17",
            "2025-06-01",
        ],
        "buyer_id": ["B2", "B3", "B4", "B4", "B4", "B4", "B4"],
        "salesperson": ["小王", "小李", "小李", "小李", "小李", "小李", "小李"],
        "kind": ["付款 Paid", "样品 Sample", "付款 Paid", "付款 Paid", "付款 Paid", "付款 Paid", "付款 Paid"],
        "amount": [500, 200, 8000, 6000, 6000, 3600, 999],
        "currency": ["USD", "CNY", "USD", "USD", "USD", "CNY", "USD"],
        "status": ["已付款 Paid", "", "", "", "", "已取消 Cancelled", ""],
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
        {"tblFollow": FOLLOW, "tblOrders": ORDERS, "tblSalespeople": SP, "tblTarget": TG},
        "2026-W47",
        today=dt.date(2026, 11, 21),
    )


def test_week_bounds():
    assert parse_week("2026w47")[:2] == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def test_new_buyers_by_source_and_replies(review):
    p = review.people.set_index("业务员 Salesperson")
    assert p.loc["小王", "新买家 New buyers"] == 2 and p.loc["小李", "新买家 New buyers"] == 1  # Dee is from October
    assert p.loc["小王", "TM"] == 1 and p.loc["小王", "RFQ"] == 1 and p.loc["小李", "询盘 Inquiry"] == 1
    # Bob TM answered in 0.5 h (timely), Ann inquiry in 27 h (late): 1 of 2
    assert p.loc["小王", "及时回复率 Timely rate"] == pytest.approx(0.5)
    assert p.loc["小王", "4小时达标率 Within target rate"] == pytest.approx(0.5)
    assert p.loc["小王", "平均回复小时 Avg reply h"] == pytest.approx(13.8)


def test_class_moves(review):
    moves = review.moves.set_index("买家 Buyer")
    assert moves.loc["Ann", "本周末 This week"] == "B" and moves.loc["Cy", "本周末 This week"] == "C"
    assert moves.loc["Ann", "上周末 Last week"] == "D"
    assert "Dee" not in moves.index  # A last week ($20,000 before the week), still A
    assert review.people.set_index("业务员 Salesperson").loc["小李", "类别变化 Class moves"] == "D→C 1"


def test_orders_goals_and_unanswered(review):
    p = review.people.set_index("业务员 Salesperson")
    assert p.loc["小王", "本周销售额 Revenue USD"] == 500 and p.loc["小王", "本周订单 Orders"] == 1
    assert p.loc["小李", "本周销售额 Revenue USD"] == 0  # the sample does not count, the cancelled order neither
    assert p.loc["小李", "年初至今 Revenue YTD"] == 20000  # last year's order is not this year's
    assert p.loc["小王", "新成交买家 New customers"] == 1  # Ann's first paid order
    assert p.loc["小王", "达成 Met"] == 1 and p.loc["小李", "未达成 Missed"] == 1
    assert review.totals["goals_due"] == 2 and review.totals["goals_met"] == 1
    # Dee (October, never answered) has waited far past 24 h: late and listed
    assert review.unanswered["买家 Buyer"].tolist() == ["Dee"]
    assert "Dee" in review.headline or review.totals["late_unanswered"] == 1


def test_overdue_and_pk(review):
    od = review.overdue.set_index("买家 Buyer")
    assert od.loc["Dee", "逾期天数 Days overdue"] == 13  # A: 2026-11-01 + 7 d = 11-08, as of 11-21
    assert od.loc["Bob", "下次跟进 Next follow-up"] == dt.date(2026, 11, 19)  # D: 3 days
    p = review.people.set_index("业务员 Salesperson")
    assert sorted(p["PK排名 PK rank"].tolist()) == [1, 2]
    t = review.teams.set_index("团队 Team")
    assert t.loc["狼队", "PK得分 PK score"] == p.loc["小王", "PK得分 PK score"]
