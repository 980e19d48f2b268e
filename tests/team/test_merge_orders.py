"""`storeops merge` carries the 订单 Orders log: every order row of every file reaches the master
(an order is all its input cells; repeats count), and merging again adds nothing."""

from __future__ import annotations

import shutil

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.merge_orders import new_orders, read_orders
from storeops.tables import to_headers
from storeops.xlsx import open_package, write_package

from .conftest import cli, follow

_row = st.fixed_dictionaries(
    {
        "buyer_id": st.sampled_from(["B1", "B2", "B3"]),
        "kind": st.sampled_from(["付款 Paid", "样品 Sample"]),
        "amount": st.sampled_from([0.0, 50.0, 100.0]),
    }
)
_frame = st.lists(_row, max_size=6).map(lambda rows: pd.DataFrame(rows, columns=["buyer_id", "kind", "amount"]))


def _counts(frame: pd.DataFrame) -> pd.Series:
    return frame.astype(str).value_counts() if len(frame) else pd.Series(dtype=int)


@settings(max_examples=60, deadline=None)
@given(_frame, st.lists(_frame, max_size=3))
def test_no_order_is_lost_and_a_second_merge_adds_nothing(base, files):
    named = [(f"f{i}.xlsm", f) for i, f in enumerate(files)]
    merged = pd.concat([base, new_orders(base, named)], ignore_index=True)
    have = _counts(merged)
    for _, f in [("master", base), *named]:  # every file's rows, with their repeats, are in the master
        for key, n in _counts(f).items():
            assert have.get(key, 0) >= n
    assert len(new_orders(merged, named)) == 0


def _add_orders(path, rows: list[dict]) -> None:
    from storeops.maintain import InputView
    from storeops.xlsx._tables import update_tables

    with open_package(path) as pkg:
        view = InputView(pkg)
        update_tables(
            view,
            {"tblOrders": to_headers("tblOrders", pd.DataFrame(rows), inputs_only=True)},
            view.parts,
            mode="append",
        )
        write_package(pkg, dict(view.parts))


def test_orders_typed_in_a_salesperson_file_reach_the_master_once(master, tmp_path):
    piece = tmp_path / "li.xlsm"
    shutil.copyfile(master, piece)
    f0 = follow(master)
    with open_package(master) as pkg:
        before = read_orders(pkg)
    buyer = f0.iloc[0]
    order = {
        "order_date": pd.Timestamp(2026, 11, 20),
        "buyer_id": buyer["buyer_id"],
        "salesperson": buyer["salesperson"],
        "kind": "付款 Paid",
        "amount": 1234.0,
        "currency": "USD",
        "note": "merge test",
    }
    _add_orders(piece, [order, order])  # two identical orders the same day: both count
    out = cli("merge", piece, "--into", master)
    assert out.returncode == 0, out.stderr
    assert "订单 Orders: 新增 added 2" in out.stdout, out.stdout
    with open_package(master) as pkg:
        after = read_orders(pkg)
    assert len(after) == len(before) + 2
    assert (after["note"] == "merge test").sum() == 2
    out = cli("merge", piece, "--into", master)  # again: nothing new
    assert out.returncode == 0 and "订单 Orders: 新增 added 0" in out.stdout, out.stdout
    with open_package(master) as pkg:
        assert len(read_orders(pkg)) == len(before) + 2
