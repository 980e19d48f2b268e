"""``storeops merge`` and the 订单 Orders log: every order of every file reaches the master.

An order row has no ID: it **is** its input cells (date, buyer ID, salesperson, kind, amount,
currency, status, product, note).  The master gets every row of a file it does not hold yet,
counted with repeats — a file holding the same order twice (two identical sample orders the
same day) gives the master two, and a row the master already holds as many times is not added
again, so merging the same files twice, or a piece ``split`` handed out, adds nothing.  Rows
are only ever appended: an order deleted or edited in a salesperson's file is not deleted in
the master (an edited row arrives as a new one beside the old; the boss removes the one that
is wrong).  Nothing is lost.

Examples
--------
>>> import pandas as pd
>>> m = pd.DataFrame({"buyer_id": ["B1"], "kind": ["付款 Paid"], "amount": [100.0]})
>>> a = pd.DataFrame({"buyer_id": ["B1", "B2", "B2"], "kind": ["付款 Paid"] * 3, "amount": [100, 50, 50]})
>>> new_orders(m, [("li.xlsm", a), ("li-copy.xlsm", a)])[["buyer_id", "amount"]].values.tolist()
[['B2', 50], ['B2', 50]]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from storeops.merge import _canonical
from storeops.tables import is_blank, table

__all__ = ["ORDERS", "new_orders", "read_orders"]

ORDERS = "tblOrders"


def _inputs() -> list[str]:
    return [c.key for c in table(ORDERS).inputs]


def _key(rec: dict, cols: list[str]) -> tuple[str, ...]:
    return tuple(_canonical(rec.get(k)) for k in cols)


def new_orders(master: pd.DataFrame, files: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """The order rows (``tblOrders`` key frames) of ``files`` the master lacks, in file order:
    a row is appended while the files hold it more often than the master (and the rows
    appended before it) do."""
    cols = _inputs()
    have = Counter(_key(r, cols) for r in master.to_dict("records"))
    added = []
    for _, frame in files:
        seen: Counter = Counter()
        for rec in frame.to_dict("records"):
            if all(is_blank(rec.get(k)) for k in cols):
                continue
            k = _key(rec, cols)
            seen[k] += 1
            if seen[k] > have[k]:
                added.append(rec)
                have[k] += 1
    present = [c for c in cols if any(c in f.columns for _, f in files)]
    return pd.DataFrame(added, columns=present)


def read_orders(pkg) -> pd.DataFrame:
    """tblOrders of an open package as a key frame of its input columns (rows typed below it
    included); empty when the workbook has no order log."""
    from storeops.tables import drop_blank_rows, to_keys
    from storeops.xlsx._tables import _table_frame

    t = pkg.tables.get(ORDERS)
    if t is None:
        return pd.DataFrame(columns=_inputs())
    frame = to_keys(ORDERS, _table_frame(pkg, t, pkg.read(pkg.sheet(t.sheet).path), formulas=False))
    frame = drop_blank_rows(ORDERS, frame).reset_index(drop=True)
    return frame[[c for c in _inputs() if c in frame.columns]]
