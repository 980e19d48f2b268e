"""Typed per-buyer order totals of an older workbook → dated opening entries on 订单 Orders.

Before the order log (schema version 3 and older), 跟进 Follow-up held each buyer's order
totals as typed numbers: 样品单 Sample orders, 付款订单 Paid orders and 订单额 Order USD (12m).
From version 4 those columns are computed from the dated log, so ``storeops migrate`` turns
each buyer's typed totals into opening entries (期初 opening) before the workbook is built
again — no order a team typed is lost:

* one 付款 Paid row per typed paid order, the typed USD split evenly between them (the last
  row takes the cents left over, so the rows add up to the typed amount exactly); USD typed
  with no paid order count becomes one paid row;
* one 样品 Sample row per typed sample order, amount 0 (the old sheet never held sample fees);
* every entry is dated on the buyer's 最近联系 last contact, else the day the inquiry was
  received, else the as-of date — never after the as-of date, and never more than 364 days
  before it, so every typed total stays inside the 12-month window and the buyer keeps the
  class the old sheet showed;
* the note says 期初 opening, so the team can tell them from real orders and re-date them.

A buyer row without a 买家ID (files older than version 3 have none) gets the one every
StoreOps command gives it (:func:`storeops.buyer_ids.assign_ids`), so the entries point at it.
The old 上周类别 typed snapshot is dropped: last week's class is computed from the log.

Examples
--------
>>> import pandas as pd
>>> follow = pd.DataFrame({"buyer": ["Amy", "Bob"], "salesperson": ["Li", "Wu"],
...                        "last_contact": [pd.Timestamp(2026, 11, 2), None],
...                        "received_at": [None, pd.Timestamp(2026, 10, 1, 9)]})
>>> typed = pd.DataFrame({"paid": [2, 0], "samples": [0, 1], "usd": [1000.01, 0]})
>>> ids, orders = opening_orders(follow, typed, pd.Timestamp(2026, 11, 28))
>>> orders[["buyer_id", "kind", "amount"]].values.tolist() == [
...     [ids[0], "付款 Paid", 500.0], [ids[0], "付款 Paid", 500.01], [ids[1], "样品 Sample", 0.0]]
True
>>> [d.date().isoformat() for d in orders["order_date"]]
['2026-11-02', '2026-11-02', '2026-10-01']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from storeops_xl.orders import PAID, SAMPLE

__all__ = ["OLD_TOTALS", "opening_orders", "split_typed_totals"]

NOTE = "期初 opening (由旧版跟进表的合计迁移 / migrated from the old Follow-up totals)"

#: the typed total columns of Follow-up before the order log (header text → role)
OLD_TOTALS = {
    "样品单 Sample orders": "samples",
    "付款订单 Paid orders": "paid",
    "订单额 Order USD (12m)": "usd",
}


def _number(v: Any) -> float:
    from storeops.tables import is_blank  # lazy: storeops.tables reads the schema

    if is_blank(v) or isinstance(v, bool):
        return 0.0
    try:
        x = float(str(v).replace(",", "").strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        return 0.0
    return x if np.isfinite(x) and x > 0 else 0.0


def split_typed_totals(follow: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the Follow-up header frame without the old typed total columns, the typed totals as
    a frame with columns ``paid``, ``samples``, ``usd`` — 0 where blank, text or negative)."""
    present = {h: role for h, role in OLD_TOTALS.items() if h in follow.columns}
    n = len(follow)
    typed = pd.DataFrame(
        {
            role: [_number(v) for v in follow[h].tolist()] if h in present else [0.0] * n
            for h, role in OLD_TOTALS.items()
        },
        index=follow.index,
    )
    typed["paid"] = np.floor(typed["paid"])
    typed["samples"] = np.floor(typed["samples"])
    return follow.drop(columns=list(present)), typed


def _day(v: Any) -> pd.Timestamp | None:
    from storeops.tables import is_blank

    if is_blank(v):
        return None
    try:
        t = pd.Timestamp(v)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(t) else t.normalize()


def opening_orders(follow: pd.DataFrame, typed: pd.DataFrame, as_of: Any) -> tuple[list[str], pd.DataFrame]:
    """(the buyer ID of every Follow-up row, the opening entries as a ``tblOrders`` key frame).

    ``follow`` is a Follow-up key frame (``buyer``, ``salesperson``, ``last_contact``,
    ``received_at``, ``buyer_id`` where present), ``typed`` the frame
    :func:`split_typed_totals` gives, ``as_of`` the workbook's as-of date.  The IDs are
    :func:`storeops.buyer_ids.assign_ids`'s: a row keeps its ID, a row without one gets it,
    a row with nothing typed gets ``""``.
    """
    end = pd.Timestamp(as_of).normalize()
    start = end - pd.Timedelta(days=364)

    def col(k: str) -> list[Any]:
        return follow[k].tolist() if k in follow.columns else [None] * len(follow)

    from storeops.buyer_ids import assign_ids

    people, contacts, received = col("salesperson"), col("last_contact"), col("received_at")
    ids = assign_ids(follow)
    rows: list[dict[str, Any]] = []
    for i, (bid, sp) in enumerate(zip(ids, people)):
        paid, samples, usd = (float(typed[k].iloc[i]) for k in ("paid", "samples", "usd"))
        if not bid or (paid == 0 and samples == 0 and usd == 0):
            continue
        day = _day(contacts[i]) or _day(received[i]) or end
        day = min(max(day, start), end)
        base = {"order_date": day, "buyer_id": bid, "salesperson": sp, "currency": "USD", "note": NOTE}
        n_paid = int(paid) if paid >= 1 else (1 if usd > 0 else 0)
        cents = round(usd * 100)
        each = cents // n_paid if n_paid else 0
        for k in range(n_paid):
            amount = (cents - each * (n_paid - 1)) if k == n_paid - 1 else each
            rows.append({**base, "kind": PAID, "amount": amount / 100})
        rows.extend({**base, "kind": SAMPLE, "amount": 0.0} for _ in range(int(samples)))
    cols = ["order_date", "buyer_id", "salesperson", "kind", "amount", "currency", "note"]
    return ids, pd.DataFrame(rows, columns=cols)
