"""Typed order totals of an older workbook become dated opening entries: nothing is lost."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.workbook.opening import opening_orders, split_typed_totals
from storeops_xl.orders import PAID, SAMPLE

AS_OF = pd.Timestamp(2026, 11, 28)
_day = st.one_of(
    st.none(), st.dates(pd.Timestamp(2020, 1, 1).date(), pd.Timestamp(2027, 12, 31).date()).map(pd.Timestamp)
)
_count = st.one_of(st.none(), st.integers(0, 6), st.just("abc"), st.just(-3), st.floats(0, 5))
_usd = st.one_of(st.none(), st.floats(0, 1e7).map(lambda x: round(x, 2)), st.just("12,000"), st.just(-5.0))
_row = st.fixed_dictionaries(
    {
        "买家 Buyer": st.one_of(st.none(), st.sampled_from(["Amy", "Bob", "Amy", "客户隐藏 #1"])),
        "业务员 Salesperson": st.sampled_from(["Li", "Wu", None]),
        "最近联系 Last contact": _day,
        "收到时间 Received at": _day,
        "样品单 Sample orders": _count,
        "付款订单 Paid orders": _count,
        "订单额 Order USD (12m)": _usd,
    }
)
KEYS = {"买家 Buyer": "buyer", "业务员 Salesperson": "salesperson", "最近联系 Last contact": "last_contact"}
KEYS["收到时间 Received at"] = "received_at"


@settings(max_examples=60, deadline=None)
@given(st.lists(_row, max_size=12))
def test_opening_entries_keep_every_typed_total(rows):
    cols = [*KEYS, "样品单 Sample orders", "付款订单 Paid orders", "订单额 Order USD (12m)"]
    follow = pd.DataFrame(rows, columns=cols)
    rest, typed = split_typed_totals(follow)
    assert not {"样品单 Sample orders", "付款订单 Paid orders"} & set(rest.columns)
    keys = rest.rename(columns=KEYS)
    ids, orders = opening_orders(keys, typed, AS_OF)
    assert len(ids) == len(follow)
    named = [i for i, b in enumerate(keys["buyer"].tolist()) if isinstance(b, str)]
    assert all(ids[i] for i in named) and len({ids[i] for i in named}) == len(named)  # one ID each
    assert (orders["order_date"] <= AS_OF).all() and (orders["order_date"] >= AS_OF - pd.Timedelta(days=364)).all()
    # every row with an ID (storeops.buyer_ids: any row with data, named or not) keeps its totals
    with_id = [i for i, b in enumerate(ids) if b]
    assert set(named) <= set(with_id) and len({ids[i] for i in with_id}) == len(with_id)
    for i in with_id:
        mine = orders[orders["buyer_id"] == ids[i]]
        paid, samples, usd = (float(typed[k].iloc[i]) for k in ("paid", "samples", "usd"))
        want_paid = int(paid) if paid >= 1 else (1 if usd > 0 else 0)
        assert (mine["kind"] == PAID).sum() == want_paid
        assert (mine["kind"] == SAMPLE).sum() == int(samples)
        assert round(mine.loc[mine["kind"] == PAID, "amount"].sum() * 100) == round(usd * 100)
    # rows without an ID (nothing typed) carry no entries
    assert set(orders["buyer_id"]) <= {ids[i] for i in with_id}


def test_text_and_negative_totals_count_as_nothing():
    follow = pd.DataFrame(
        {
            "买家 Buyer": ["Amy"],
            "付款订单 Paid orders": ["abc"],
            "样品单 Sample orders": [-2],
            "订单额 Order USD (12m)": ["1,500"],
        }
    )
    _rest, typed = split_typed_totals(follow)
    assert typed.iloc[0].tolist() == [0.0, 0.0, 1500.0]
