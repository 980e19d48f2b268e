"""Upsert rules (pure pandas): keys, idempotency, people's columns kept, older periods ignored."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.importers.upsert import (
    PRODUCT_UPDATES,
    newer_or_same_period,
    period_start_of,
    period_text,
    product_rows,
    upsert,
)
from storeops.tables import empty_frame

P1 = "2026-09-13~2026-09-19"
P2 = "2026-09-20~2026-09-26"


def _export(ids, clicks, titles=None):
    return pd.DataFrame(
        {
            "product_id": ids,
            "title": titles or [f"T {i}" for i in ids],
            "impressions": [100.0] * len(ids),
            "clicks": clicks,
            "visitors": [10.0] * len(ids),
            "inquiry_buyers": [1.0] * len(ids),
        }
    )


def test_people_columns_kept_and_metrics_updated():
    old = empty_frame("tblProducts")
    old = pd.concat(
        [
            old,
            pd.DataFrame(
                {
                    "product_id": ["1"],
                    "title": ["Old"],
                    "keywords": ["dog collar"],
                    "rounds": [2],
                    "period": [P1],
                    "clicks": [5],
                }
            ),
        ],
        ignore_index=True,
    )
    res = upsert(
        old,
        product_rows(_export(["1"], [7.0], ["New Title"]), P2),
        ["product_id"],
        PRODUCT_UPDATES,
        accept=newer_or_same_period,
    )
    row = res.frame.iloc[0]
    assert (res.added, res.updated) == (0, 1)
    assert row["title"] == "New Title" and row["clicks"] == 7 and row["period"] == P2
    assert row["keywords"] == "dog collar" and row["rounds"] == 2


def test_older_period_never_overwrites_newer_metrics():
    old = pd.DataFrame({"product_id": ["1"], "title": ["A"], "period": [P2], "clicks": [9]})
    res = upsert(
        old, product_rows(_export(["1"], [1.0]), P1), ["product_id"], PRODUCT_UPDATES, accept=newer_or_same_period
    )
    assert res.unchanged == 1 and res.frame.iloc[0]["clicks"] == 9


def test_blank_and_duplicate_keys_rejected():
    res = upsert(
        empty_frame("tblProducts"),
        product_rows(_export(["1", None, "1"], [1.0, 2.0, 3.0]), P1),
        ["product_id"],
        PRODUCT_UPDATES,
        what="product ID",
    )
    assert res.added == 1
    assert [p for p, _ in res.rejected] == [1, 2]
    assert "duplicate product ID" in res.rejected[1][1]


def test_inputs_not_mutated():
    old = pd.DataFrame({"keyword": ["a"], "period": [P1], "clicks": [1]})
    new = pd.DataFrame({"keyword": ["a", "b"], "period": [P1, P1], "clicks": [2, 3]})
    old_copy, new_copy = old.copy(), new.copy()
    upsert(old, new, ["keyword", "period"], ["clicks"])
    pd.testing.assert_frame_equal(old, old_copy)
    pd.testing.assert_frame_equal(new, new_copy)


def test_repeated_keywords_kept_by_order_and_idempotent():
    new = pd.DataFrame({"keyword": ["adidas", "shoes", "adidas"], "period": [P1] * 3, "clicks": [1, 2, 3]})
    first = upsert(
        pd.DataFrame(columns=["keyword", "period", "clicks"]), new, ["keyword", "period"], ["clicks"], repeats=True
    )
    assert first.added == 3 and not first.rejected and len(first.notes) == 1
    again = upsert(first.frame, new, ["keyword", "period"], ["clicks"], repeats=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(
    "start,end,text",
    [
        pytest.param("2026-09-13", "2026-09-19", P1, id="iso-text"),
        pytest.param(pd.Timestamp("2026-09-13"), pd.Timestamp("2026-09-19"), P1, id="timestamps"),
        pytest.param("2026-09-13", None, "2026-09-13", id="single-day"),
    ],
)
def test_period_text(start, end, text):
    assert period_text(start, end) == text
    assert period_start_of(text) == "2026-09-13"


ids = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=14), min_size=0, max_size=30, unique=True)


@settings(max_examples=60, deadline=None)
@given(ids, st.lists(st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)), min_size=30, max_size=30))
def test_import_twice_changes_nothing(keys, clicks):
    frame = product_rows(_export(keys, clicks[: len(keys)]), P1)
    first = upsert(empty_frame("tblProducts"), frame, ["product_id"], PRODUCT_UPDATES, accept=newer_or_same_period)
    again = upsert(first.frame, frame, ["product_id"], PRODUCT_UPDATES, accept=newer_or_same_period)
    assert first.added == len(keys)
    assert (again.added, again.updated) == (0, 0)
    assert again.unchanged == len(keys)
    assert len(again.frame) == len(keys)
