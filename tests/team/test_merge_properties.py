"""Merge loses nothing: properties over generated team files (hypothesis).

A base master of buyers (with their IDs and sync marks, as ``merge``/``split`` leave them),
and salespeople's files made from it the way people make them: rows left alone, rows
edited (the update time moved on, or not), rows missing from a file, new buyers added —
including buyers with the same name as another.  For every such team:

* merging a file into the master it came from unchanged, or merging the master into
  itself, changes nothing;
* merging is idempotent;
* merging A then B gives the master B then A gives (and merging both at once), except
  where both changed the same buyer — then the newest edit wins either way and the other
  version is in the conflict report;
* no edit is ever lost: every version a file changed is in the master or in the report;
* buyers after the merge = distinct buyer IDs;
* the order-USD total changes exactly by what the salespeople changed.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops.buyer_ids import assign_ids
from storeops.merge import CONTENT, fingerprint, make_mark, merge_follow

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
T0 = dt.datetime(2026, 11, 2, 9, 0)
NAMES = ["Fatima Garcia", "Yuki Novak", "Ahmed Khan", "Lena Smith"]  # few names: same-name buyers are common
COMPANIES = ["Garcia Pet Store", "Novak Trading", "Khan Pets GmbH", "Smith Dog Gear", "Garcia Outdoor Ltd"]
PEOPLE = ["王芳", "李强", "张敏"]


@st.composite
def base_master(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 7))
    rows = []
    for i in range(n):
        rows.append(
            {
                "buyer": draw(st.sampled_from(NAMES)),
                "company": draw(st.sampled_from(COMPANIES)),
                "salesperson": draw(st.sampled_from(PEOPLE)),
                "received_at": T0 + dt.timedelta(hours=i),
                "stage": "新询盘 New",
                "platform_order_usd": float(draw(st.integers(0, 5)) * 1000),
                "updated_at": T0 + dt.timedelta(days=1),
            }
        )
    f = pd.DataFrame(rows)
    f["buyer_id"] = assign_ids(f)
    f["sync_mark"] = [make_mark(fingerprint(r)) for r in f.to_dict("records")]
    return f


@st.composite
def salesperson_file(draw, master: pd.DataFrame, tag: str) -> pd.DataFrame:
    """A copy of ``master`` as one salesperson leaves it at the end of a day."""
    rows = []
    for k, r in enumerate(master.to_dict("records")):
        what = draw(st.sampled_from(["keep", "keep", "edit", "edit", "drop", "touch"]))
        if what == "drop":
            continue
        r = dict(r)
        if what == "edit":  # a real change; the update time moves on 0-3 days (0: forgot to)
            r["stage"] = f"已报价 Quoted {tag}{k}"
            r["platform_order_usd"] = float(draw(st.integers(0, 9)) * 1000)
            r["updated_at"] = r["updated_at"] + dt.timedelta(days=draw(st.integers(0, 3)))
        elif what == "touch":  # only the update time moved: not an edit
            r["updated_at"] = r["updated_at"] + dt.timedelta(hours=1)
        rows.append(r)
    for j in range(draw(st.integers(0, 2))):  # new buyers typed below the table: no ID yet
        rows.append(
            {
                "buyer": draw(st.sampled_from(NAMES)),
                "company": draw(st.sampled_from(COMPANIES)),
                "salesperson": draw(st.sampled_from(PEOPLE)),
                "received_at": T0 + dt.timedelta(days=2, minutes=j + 10 * len(tag)),
                "stage": f"新询盘 New {tag}",
                "platform_order_usd": float(draw(st.integers(0, 3)) * 1000),
                "updated_at": T0 + dt.timedelta(days=2),
            }
        )
    return pd.DataFrame(rows, columns=list(master.columns))


@st.composite
def team(draw):
    m = draw(base_master())
    return m, draw(salesperson_file(m, "A")), draw(salesperson_file(m, "B"))


def by_id(frame: pd.DataFrame) -> dict[str, tuple]:
    return {r["buyer_id"]: tuple(str(r.get(k)) for k in CONTENT) for r in frame.to_dict("records")}


def edits(master: pd.DataFrame, files) -> dict[str, list[str]]:
    """buyer ID → fingerprints of the versions the files changed it to (new buyers included)."""
    base = {r["buyer_id"]: fingerprint(r) for r in master.to_dict("records")}
    out: dict[str, list[str]] = {}
    for _, f in files:
        g = f.copy()
        g["buyer_id"] = assign_ids(g)
        for r in g.to_dict("records"):
            fp = fingerprint(r)
            if base.get(r["buyer_id"]) != fp:
                out.setdefault(r["buyer_id"], []).append(fp)
    return out


@FAST
@given(base_master())
def test_unchanged_copy_and_itself_change_nothing(m):
    res = merge_follow(m, [("copy.xlsm", m.copy()), ("master.xlsm", m)])
    assert (res.added, res.updated, res.conflicts) == (0, 0, [])
    assert by_id(res.frame) == by_id(m)


@FAST
@given(team())
def test_idempotent(t):
    m, a, _ = t
    once = merge_follow(m, [("a.xlsm", a)])
    twice = merge_follow(once.frame, [("a.xlsm", a)])
    assert (twice.added, twice.updated) == (0, 0)
    assert by_id(twice.frame) == by_id(once.frame)
    assert {(c.kept.fingerprint, c.lost.fingerprint) for c in twice.conflicts} <= {
        (c.kept.fingerprint, c.lost.fingerprint) for c in once.conflicts
    }


@FAST
@given(team())
def test_order_of_files_does_not_matter(t):
    m, a, b = t
    ab = merge_follow(merge_follow(m, [("a.xlsm", a)]).frame, [("b.xlsm", b)])
    ba = merge_follow(merge_follow(m, [("b.xlsm", b)]).frame, [("a.xlsm", a)])
    together = merge_follow(m, [("a.xlsm", a), ("b.xlsm", b)])
    assert by_id(ab.frame) == by_id(ba.frame) == by_id(together.frame)
    marks = lambda f: dict(zip(f["buyer_id"], f["sync_mark"]))  # noqa: E731
    assert marks(ab.frame) == marks(ba.frame)
    # conflicts: exactly the buyers both changed; the newer version in the master, the other reported
    both = {k for k, v in edits(m, [("a", a), ("b", b)]).items() if len(set(v)) > 1}
    first = merge_follow(m, [("a.xlsm", a)])
    second = merge_follow(first.frame, [("b.xlsm", b)])
    assert {c.buyer_id for c in [*first.conflicts, *second.conflicts]} == both


@FAST
@given(team())
def test_no_edit_is_lost_and_newest_wins(t):
    m, a, b = t
    files = [("a.xlsm", a), ("b.xlsm", b)]
    res = merge_follow(m, files)
    final = {r["buyer_id"]: (fingerprint(r), r) for r in res.frame.to_dict("records")}
    lost = {(c.buyer_id, c.lost.fingerprint) for c in res.conflicts}
    for bid, fps in edits(m, files).items():
        for fp in fps:
            assert final[bid][0] == fp or (bid, fp) in lost, (bid, fp)
    for c in res.conflicts:  # the kept version is the newer one (ties: the larger fingerprint)
        assert final[c.buyer_id][0] == c.kept.fingerprint
        assert (c.kept.row["updated_at"], c.kept.fingerprint) >= (c.lost.row["updated_at"], c.lost.fingerprint)
    base = by_id(m)
    for bid in base.keys() - edits(m, files).keys():  # buyers nobody changed are untouched
        assert by_id(res.frame)[bid] == base[bid]


@FAST
@given(team())
def test_buyers_are_the_distinct_ids_and_usd_moves_only_by_the_edits(t):
    m, a, b = t
    files = [("a.xlsm", a), ("b.xlsm", b)]
    res = merge_follow(m, files)
    ids = set(m["buyer_id"])
    for _, f in files:
        ids |= set(assign_ids(f))
    assert len(res.frame) == res.frame["buyer_id"].nunique() == len(ids)
    before = dict(zip(m["buyer_id"], m["platform_order_usd"]))
    after = dict(zip(res.frame["buyer_id"], res.frame["platform_order_usd"]))
    changed = set(res.changed_ids)
    expected = sum(before.values()) + sum(after[i] - before.get(i, 0.0) for i in changed)
    assert res.frame["platform_order_usd"].sum() == expected
    assert all(after[i] == before[i] for i in before.keys() - changed)


@FAST
@given(team())
def test_a_column_an_older_file_lacks_keeps_the_masters_values(t):
    m, a, _ = t
    old = a.drop(columns=["platform_order_usd"])  # a template without this column
    res = merge_follow(m, [("old.xlsm", old)])
    after = dict(zip(res.frame["buyer_id"], res.frame["platform_order_usd"]))
    for bid, usd in zip(m["buyer_id"], m["platform_order_usd"]):
        assert after[bid] == usd  # never blanked by a column the file does not have
