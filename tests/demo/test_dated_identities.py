"""The demo is coherent across sheets (issue 11): read back from the recalculated demo workbook,
with what counts as an order decided by the workbook's own 计入 Counted column (ORDER_KIND).

* 漏斗 Funnel orders of a product and week = the paid orders of that product dated in that week;
* the Funnel's total orders of its weeks = every paid order of the demo's products dated in them;
* 关键词 Keywords P4P cost (one week's report) = the Funnel's P4P cost of that week;
* 跟进 Follow-up's paid orders per buyer (12 months) = that buyer's paid orders on Orders in the
  12 months up to the as-of date; their sum = the orders the log holds in that window.
"""

from __future__ import annotations

import pandas as pd
import pytest

from storeops.demo import DEMO_AS_OF
from storeops.tables import drop_blank_rows, to_keys
from storeops.xlsx import read_tables
from storeops_xl.orders import PAID


@pytest.fixture(scope="module")
def tables(demo_book):
    raw = read_tables(str(demo_book))
    return {n: drop_blank_rows(n, to_keys(n, raw[n])).reset_index(drop=True) for n in raw if n.startswith("tbl")}


def _paid(orders: pd.DataFrame) -> pd.DataFrame:
    paid = orders[orders["counted"] == PAID].copy()
    paid["order_date"] = pd.to_datetime(paid["order_date"])
    paid["week"] = paid["order_date"].dt.normalize() - pd.to_timedelta(paid["order_date"].dt.day_of_week, unit="D")
    return paid


def test_funnel_orders_are_the_paid_orders_dated_in_each_week(tables):
    funnel, paid = tables["tblFunnel"], _paid(tables["tblOrders"])
    assert len(funnel) and len(paid)
    starts = pd.to_datetime(funnel["period_start"])
    counts = paid.groupby([paid["product"].astype(str), "week"]).size()
    for item, start, orders in zip(funnel["item"].astype(str), starts, pd.to_numeric(funnel["orders"])):
        assert orders == counts.get((item, start), 0), (item, start)
    products = set(funnel["item"].astype(str))
    in_weeks = paid[paid["week"].isin(set(starts)) & paid["product"].astype(str).isin(products)]
    assert pd.to_numeric(funnel["orders"]).sum() == len(in_weeks) > 0


def test_keyword_spend_adds_up_to_the_funnel_spend_of_its_week(tables):
    kw, funnel = tables["tblKeywords"], tables["tblFunnel"]
    week = pd.Timestamp(str(kw["period"].iloc[0])[:10])
    funnel_cost = pd.to_numeric(funnel.loc[pd.to_datetime(funnel["period_start"]) == week, "p4p_cost"]).sum()
    assert funnel_cost > 0
    assert pd.to_numeric(kw["p4p_cost"]).sum() == pytest.approx(funnel_cost, abs=0.01)


def test_follow_up_paid_orders_are_the_log_in_the_12_month_window(tables):
    follow, paid = tables["tblFollow"], _paid(tables["tblOrders"])
    end = pd.Timestamp(DEMO_AS_OF) + pd.Timedelta(days=1)
    start = end - pd.DateOffset(years=1)
    window = paid[(paid["order_date"] >= start) & (paid["order_date"] < end)]
    per_buyer = window.groupby(window["buyer_id"].astype(str).str.casefold()).size()
    got = pd.to_numeric(follow["paid_orders"]).fillna(0)
    want = follow["buyer_id"].astype(str).str.casefold().map(per_buyer).fillna(0)
    mismatch = follow.loc[(got != want).to_numpy(), ["buyer_id", "paid_orders"]]
    assert mismatch.empty, mismatch.head()
    assert got.sum() == len(window) > 0
