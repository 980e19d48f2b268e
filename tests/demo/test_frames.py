"""The demo store's data: seeded, shaped like the schema, and full of what the checks should catch."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

import storeops_xl
from storeops.demo import DEMO_AS_OF, demo_frames
from storeops.workbook import schema

F = storeops_xl.FUNCTIONS


def test_same_seed_same_frames(frames):
    again = demo_frames(DEMO_AS_OF)
    for name in frames:
        pd.testing.assert_frame_equal(frames[name], again[name])
    other = demo_frames(DEMO_AS_OF, seed=8)
    assert not other["tblFollow"]["buyer"].equals(frames["tblFollow"]["buyer"])


def test_columns_are_schema_input_keys(frames):
    for name, frame in frames.items():
        keys = {c.key for c in schema.TABLES[name].inputs}
        assert set(frame.columns) <= keys, (name, set(frame.columns) - keys)


def test_store_shape(frames):
    follow = frames["tblFollow"]
    assert len(follow) == 300 and len(frames["tblProducts"]) == 60 and len(frames["tblKeywords"]) == 80
    assert len(frames["tblFunnel"]) == 60 * 13
    assert follow["salesperson"].nunique() == 3 and frames["tblSalespeople"]["team"].nunique() == 2
    span = follow["received_at"].max() - follow["received_at"].min()
    assert span >= pd.Timedelta(days=89)
    assert set(follow["salesperson"]) <= set(frames["tblSalespeople"]["salesperson"])
    for name, frame in frames.items():
        for c in schema.TABLES[name].inputs:
            if c.choices and not c.choices.startswith("=") and c.key in frame:
                values = set(frame[c.key].dropna()) - {""}
                assert values <= set(schema.LISTS[c.choices]), (name, c.key, values - set(schema.LISTS[c.choices]))
    cost = frames["tblCost"]
    assert 29_800 in cost["amount_cny"].tolist() and "直通车 P4P" in cost["type"].tolist()


def test_every_buyer_class_and_scams(frames):
    from storeops_xl.orders import class_at, order_kind, order_usd

    f, o = frames["tblFollow"], frames["tblOrders"]
    counted = order_kind(o["kind"].to_numpy(object), o["status"].to_numpy(object))
    usd = order_usd(o["amount"].to_numpy(object), o["currency"].to_numpy(object))
    classes = class_at(f["buyer_id"], o["buyer_id"], o["order_date"], counted, usd, DEMO_AS_OF)
    assert set(classes) == {"A", "B", "C", "D"}
    risk = F["SCAM_RISK"].func(f["last_message"].tolist())
    high = [r for r in risk if str(r).startswith("高")]
    assert 3 <= len(high) <= 30
    hours = F["REPLY_HOURS"].func(f["received_at"].tolist(), f["replied_at"].tolist())
    h = np.array([np.nan if v is None else v for v in hours], dtype=float)
    tm = f["channel"].to_numpy() == "TM"
    assert (h[tm] < 1).any() and (h[tm] > 1).any(), "TM replies on both sides of the 1 h rule"
    assert (h[~tm] < 24).any() and (h[~tm] > 24).any(), "inquiry replies on both sides of the 24 h rule"


def test_titles_with_problems_are_caught(frames):
    p = frames["tblProducts"]
    issues = F["TITLE_ISSUES"].func(p["title"].tolist(), p["keywords"].tolist(), "alibaba", ["indestructible"])
    scores = F["TITLE_SCORE"].func(p["title"].tolist(), p["keywords"].tolist(), "alibaba", ["indestructible"])
    text = " | ".join(map(str, issues))
    for needle in ("gucci", "best", "128", "stuffing", "Title Case", "symbols", "indestructible"):
        assert needle in text, needle
    assert sum(s == 0 for s in scores) >= 3
    assert sum(not i for i in issues) >= 10, "most titles are clean"
    kw = frames["tblKeywords"]
    opp = F["OPPORTUNITY_WORD"].func(kw["keyword_index"].tolist(), kw["seller_index"].tolist())
    assert 0 < sum(bool(o) for o in opp) < len(kw)


@pytest.mark.parametrize("as_of", [date(2026, 2, 3), date(2027, 6, 30)], ids=["february", "mid-year"])
def test_any_as_of(as_of):
    f = demo_frames(as_of, buyers=50, products=8, funnel_weeks=2, keywords=9)
    assert f["tblFollow"]["received_at"].max() <= pd.Timestamp(as_of) + pd.Timedelta(days=1)
    assert (f["tblTarget"]["sales_target"] > 0).all()


def test_scales_to_the_reference_size():
    f = demo_frames(DEMO_AS_OF, buyers=100_000, products=2_000, funnel_weeks=25, keywords=500)
    assert len(f["tblFollow"]) == 100_000 and len(f["tblFunnel"]) == 50_000
    assert len(f["tblProducts"]) == 2_000 and f["tblProducts"]["product_id"].is_unique
    assert len(f["tblKeywords"]) == 500 and f["tblKeywords"]["keyword"].is_unique
