"""The demo store's dated order log, and the sheets that must agree with it.

Every paying or sampling buyer of the demo gets dated orders on 订单 Orders that add up to the
buyer's planned totals (so the class mix of the demo stays A/B/C/D), dated between the day the
buyer arrived and the as-of date; old buyers (老客户) also have an order from last year.  A few
orders are cancelled or still pending (typed, never counted) and sample fees are charged in CNY.

The other sheets are made to agree with the log (the cross-sheet identities
``tests/demo/test_dated_identities.py`` checks):

* 漏斗 Funnel ``orders`` of a product and week = the counted paid orders of that product dated in
  that week;
* 关键词 Keywords ``p4p_cost`` (one week of P4P reports) adds up to the Funnel's P4P cost of that
  week;
* 跟进 Follow-up goals have the day they were set and a due date around the review weeks.

A separate random stream (``seed + 1``) is used, so the rest of the demo is unchanged.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from storeops_xl.orders import PAID, SAMPLE

__all__ = ["align_keyword_spend", "buyer_ids", "demo_goals", "demo_orders", "funnel_orders"]

FX = 7.2  # the demo's cfg_fx_usd_cny (the Settings default)
_DONE = ("已完成 Completed", "已发货 Shipped", "已付款 Paid")


def buyer_ids(n: int) -> list[str]:
    """The demo's buyer IDs (``B`` + 10 digits, in row order)."""
    return [f"B{i + 1:010d}" for i in range(n)]


def _dates_between(rng: np.random.Generator, lo: pd.Timestamp, hi: pd.Timestamp, k: int) -> list[pd.Timestamp]:
    span = max((hi.normalize() - lo.normalize()).days, 0)
    days = np.sort(rng.integers(0, span + 1, k))
    return [lo.normalize() + pd.Timedelta(days=int(d)) for d in days]


def _split(rng: np.random.Generator, total: float, k: int) -> list[float]:
    """``k`` amounts (multiples of 10) adding up to ``total``."""
    if k <= 1:
        return [float(total)]
    shares = rng.dirichlet(np.ones(k) * 2.0)
    parts = [float(np.round(total * s, -1)) for s in shares[:-1]]
    return [*parts, float(total - sum(parts))]


def demo_orders(
    rng: np.random.Generator,
    plan: pd.DataFrame,
    products: pd.DataFrame,
    as_of: date,
) -> pd.DataFrame:
    """The order log (key frame of ``tblOrders``) for the buyers of ``plan``.

    ``plan`` is the Follow-up key frame with the planned ``paid_orders``, ``order_usd`` and
    ``sample_orders`` of each buyer; products are drawn by their inquiries.
    """
    end = pd.Timestamp(as_of)
    ids = products["product_id"].astype(str).to_numpy()
    weight = np.asarray(products["inquiries"], dtype=float) + 1.0
    weight /= weight.sum()
    rows: list[dict] = []
    columns = ("received_at", "paid_orders", "order_usd", "sample_orders", "buyer_id", "salesperson", "source")
    for received_at, paid_orders, order_usd, sample_orders, buyer_id, salesperson, source in zip(
        *(plan[c] for c in columns)
    ):
        received = pd.Timestamp(received_at)
        paid, usd, samples = int(paid_orders), float(order_usd), int(sample_orders)
        base = {"buyer_id": buyer_id, "salesperson": salesperson}
        for d in _dates_between(rng, received, min(received + pd.Timedelta(days=10), end), samples):
            rows.append(
                {
                    **base,
                    "order_date": d,
                    "kind": SAMPLE,
                    "amount": float(rng.choice([150, 200, 300, 500, 800])),
                    "currency": "CNY",
                    "status": "已完成 Completed",
                    "product": str(rng.choice(ids, p=weight)),
                    "note": "样品费 sample fee",
                }
            )
        if paid:
            first = received + pd.Timedelta(days=int(rng.integers(1, 6)))
            last = min(first + pd.Timedelta(days=int(rng.integers(20, 150))), end)
            dates = _dates_between(rng, min(first, end), last, paid)
            for d, amount in zip(dates, _split(rng, usd, paid)):
                cny = rng.random() < 0.08
                rows.append(
                    {
                        **base,
                        "order_date": d,
                        "kind": PAID,
                        "amount": round(amount * FX) if cny else amount,
                        "currency": "CNY" if cny else "USD",
                        "status": str(rng.choice(_DONE)),
                        "product": str(rng.choice(ids, p=weight)),
                        "note": "",
                    }
                )
        if paid and source == "老客户 Old buyer":  # a returning buyer: last year's order too
            rows.append(
                {
                    **base,
                    "order_date": pd.Timestamp(as_of.year - 1, 12, 1) + pd.Timedelta(days=int(rng.integers(0, 28))),
                    "kind": PAID,
                    "amount": float(np.round(rng.uniform(500, 4000), -1)),
                    "currency": "USD",
                    "status": "已完成 Completed",
                    "product": str(rng.choice(ids, p=weight)),
                    "note": "去年订单 last year's order",
                }
            )
        if paid == 0 and samples and rng.random() < 0.25:  # a sample buyer's first order, not paid yet
            rows.append(
                {
                    **base,
                    "order_date": end.normalize() - pd.Timedelta(days=int(rng.integers(0, 10))),
                    "kind": PAID,
                    "amount": float(np.round(rng.uniform(800, 3000), -1)),
                    "currency": "USD",
                    "status": "待付款 Pending",
                    "product": str(rng.choice(ids, p=weight)),
                    "note": "等买家付款 waiting for payment",
                }
            )
        if paid and rng.random() < 0.05:
            rows.append(
                {
                    **base,
                    "order_date": end.normalize() - pd.Timedelta(days=int(rng.integers(0, 60))),
                    "kind": PAID,
                    "amount": float(np.round(rng.uniform(300, 2000), -1)),
                    "currency": "USD",
                    "status": "已取消 Cancelled",
                    "product": str(rng.choice(ids, p=weight)),
                    "note": "买家取消 cancelled by the buyer",
                }
            )
    cols = ["order_date", "buyer_id", "salesperson", "kind", "amount", "currency", "status", "product", "note"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["order_date", "buyer_id"], kind="stable").reset_index(drop=True)


def _counted_paid(orders: pd.DataFrame) -> pd.DataFrame:
    bad = ("待付款 Pending", "已取消 Cancelled", "已退款 Refunded")
    return orders[(orders["kind"] == PAID) & ~orders["status"].isin(bad)]


def funnel_orders(funnel: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """The Funnel with ``orders`` = counted paid orders of the row's product dated in its week."""
    paid = _counted_paid(orders)
    week = paid["order_date"].dt.normalize() - pd.to_timedelta(paid["order_date"].dt.day_of_week, unit="D")
    counts = (
        pd.Series(1, index=pd.MultiIndex.from_arrays([paid["product"].astype(str), week])).groupby(level=[0, 1]).sum()
    )
    key = pd.MultiIndex.from_arrays([funnel["item"].astype(str), pd.to_datetime(funnel["period_start"])])
    out = funnel.copy()
    out["orders"] = counts.reindex(key).fillna(0).astype(int).to_numpy()
    return out


def align_keyword_spend(keywords: pd.DataFrame, funnel: pd.DataFrame) -> pd.DataFrame:
    """Keywords' P4P cost scaled so the week's total equals the Funnel's P4P cost of that week."""
    start = pd.Timestamp(str(keywords["period"].iloc[0])[:10])
    week_cost = float(funnel.loc[pd.to_datetime(funnel["period_start"]) == start, "p4p_cost"].sum())
    cost = keywords["p4p_cost"].astype(float)
    total = float(cost.sum())
    out = keywords.copy()
    if total > 0 and week_cost > 0:
        scaled = np.round(cost.to_numpy() * week_cost / total, 2)
        last = np.flatnonzero(~np.isnan(scaled))[-1]  # the last keyword with a cost takes the rounding
        scaled[last] = round(week_cost - float(np.nansum(np.delete(scaled, last))), 2)
        out["p4p_cost"] = scaled
    return out


def demo_goals(rng: np.random.Generator, follow: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Goal dates: set on a recent Saturday review, due 1–4 weeks later; met only when due or
    within a week of it (the rest open or missed)."""
    out = follow.copy()
    n = len(out)
    has = out["goal"].astype(str).str.len() > 0
    saturday = pd.Timestamp(as_of) - pd.Timedelta(days=(as_of.weekday() - 5) % 7)
    weeks_ago = rng.integers(0, 6, n)
    reviewed_on = saturday - pd.to_timedelta(weeks_ago * 7, unit="D")
    received = pd.to_datetime(out["received_at"]).dt.normalize()
    set_on = pd.to_datetime(pd.Series(np.maximum(reviewed_on.to_numpy(), received.to_numpy())))  # datetimes
    due = set_on + pd.to_timedelta(rng.integers(1, 5, n) * 7 - rng.integers(0, 3, n), unit="D")
    due_soon = due <= pd.Timestamp(as_of) + pd.Timedelta(days=7)
    met = np.where(due_soon & (rng.random(n) < 0.55), "是 Yes", np.where(due <= pd.Timestamp(as_of), "否 No", ""))
    out["goal_set"] = pd.Series(set_on).where(has.to_numpy())
    out["goal_due"] = pd.Series(due).where(has.to_numpy())
    out["goal_met"] = np.where(has, met, "")
    return out
