"""Merge rules (pure): newest edit wins, master rows kept, conflicts reported."""

import pandas as pd

from storeops.conflicts import conflicts_frame
from storeops.merge import merge_follow


def row(buyer, sp, stage, updated, **kw):
    return {"buyer": buyer, "salesperson": sp, "stage": stage, "updated_at": updated, **kw}


MASTER = pd.DataFrame(
    [
        row("Bob", "Li", "新询盘 New", "2026-11-01"),
        row("Cat", "Wu", "已报价 Quoted", "2026-11-01"),
        row("OnlyMaster", "Li", "谈判 Negotiating", "2026-10-01"),
    ]
)


def test_three_files_every_buyer_once_and_conflict():
    li = pd.DataFrame(
        [row("Bob", "Li", "样品 Sample", "2026-11-03 10:00"), row("New1", "Li", "新询盘 New", "2026-11-03")]
    )
    wu = pd.DataFrame(
        [
            row("Cat", "Wu", "已报价 Quoted", "2026-11-01"),  # untouched copy
            row("New2", "Wu", "新询盘 New", "2026-11-04"),
        ]
    )
    boss_copy = pd.DataFrame([row("bob ", "LI", "流失 Lost", "2026-11-02")])  # same buyer changed differently
    res = merge_follow(MASTER, [("li.xlsm", li), ("wu.xlsm", wu), ("zhang.xlsm", boss_copy)])
    keys = [(b.strip().lower(), s.lower()) for b, s in zip(res.frame["buyer"], res.frame["salesperson"])]
    assert len(keys) == len(set(keys)) == 5
    assert res.frame["buyer"].tolist()[:3] == ["Bob", "Cat", "OnlyMaster"]  # master order kept
    assert res.frame.set_index("buyer").loc["Bob", "stage"] == "样品 Sample"  # newest wins
    assert (res.added, res.updated, res.unchanged) == (2, 1, 2)
    assert len(res.conflicts) == 1
    c = res.conflicts[0]
    # the copy also changed how the names are typed: that is content too (a rename is an edit)
    assert (
        c.buyer == "Bob"
        and c.kept.source == "li.xlsm"
        and c.columns == ["买家 Buyer", "业务员 Salesperson", "阶段 Stage"]
    )
    df = conflicts_frame(res.conflicts)  # one line naming both versions, the lost one in full
    assert df["采用 Kept (file)"].tolist() == ["li.xlsm"] and df["未采用 Not kept (file)"].tolist() == ["zhang.xlsm"]
    assert df["阶段 Stage"].tolist() == ["流失 Lost"]


def test_master_newer_than_file_keeps_master():
    old = pd.DataFrame([row("Bob", "Li", "谈判 Negotiating", "2026-10-01")])
    res = merge_follow(MASTER, [("li.xlsm", old)])
    assert res.frame.set_index("buyer").loc["Bob", "stage"] == "新询盘 New"
    assert res.updated == 0


def test_last_contact_is_the_fallback_stamp():
    m = pd.DataFrame([{"buyer": "Bob", "salesperson": "Li", "stage": "a", "last_contact": "2026-11-01"}])
    f = pd.DataFrame([{"buyer": "Bob", "salesperson": "Li", "stage": "b", "last_contact": "2026-11-05"}])
    res = merge_follow(m, [("f", f)])
    assert res.frame.iloc[0]["stage"] == "b"
