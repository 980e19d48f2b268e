"""Give every follow-up row a buyer ID, the same way everywhere (recalc, merge, import, Excel).

:func:`assign_ids` is the one rule: a row keeps the ID it has; a row without one gets the
ID derived from its creation data (:func:`storeops_xl.identity.buyer_id`); when two rows
of one workbook carry the same ID (a row copied with its ID and then changed into another
buyer), the row the ID was made for keeps it — the one whose creation data still gives
that ID, else the first — and the other gets its own.  The rule depends only on the rows
and their order, so a salesperson's file gets the same IDs whether ``merge`` reads it
before or after a ``recalc`` filled them in.

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"buyer": ["Amy", "Amy", "Bob"], "company": ["A Co", "B Co", None],
...                   "salesperson": ["Li", "Li", "Wu"], "received_at": [None, None, None],
...                   "buyer_id": [None, None, "B0000000001"]})
>>> ids = assign_ids(f)
>>> ids[2], ids[0] != ids[1], len(set(ids))
('B0000000001', True, 3)
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from storeops.tables import is_blank, table
from storeops_xl.identity import buyer_id, normalise_text

__all__ = ["assign_ids", "clean_id", "CREATION_KEYS"]

#: the columns an ID is derived from
CREATION_KEYS = ("buyer", "company", "salesperson", "received_at")


def clean_id(v: object) -> str:
    """An ID cell as text (blank → ``""``; a number typed as ID → its digits)."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _column(frame, key: str) -> np.ndarray:
    n = len(frame) if isinstance(frame, pd.DataFrame) else len(next(iter(frame.values()), []))
    if key in frame:
        return np.asarray(list(frame[key]), dtype=object)
    return np.full(n, None, dtype=object)


def _has_data(frame, keys: list[str], rows: list[int]) -> dict[int, bool]:
    cols = [_column(frame, k) for k in keys]
    return {i: any(not is_blank(c[i]) for c in cols) for i in rows}


def assign_ids(frame) -> list[str]:
    """The buyer ID of every row of a tblFollow key frame (or a dict of key → column), in
    row order.

    Rows whose input columns are all blank get ``""``; every other row a unique ID.
    """
    existing = [clean_id(v) for v in _column(frame, "buyer_id")]
    n = len(existing)
    if n == 0:
        return []
    holders: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(existing):
        if e:
            holders[e].append(i)
    # creation data is hashed only for the rows that need it: no ID yet, or a shared one
    need = [i for i, e in enumerate(existing) if not e or len(holders[e]) > 1]
    if not need:
        return existing
    cols = [_column(frame, k)[need] for k in CREATION_KEYS]
    derived = dict(zip(need, np.atleast_1d(buyer_id(*cols))))
    inputs = [c.key for c in table("tblFollow").inputs if c.key not in ("buyer_id", "sync_mark")]
    has_data = _has_data(frame, inputs, [i for i in need if not existing[i]])
    out = [""] * n
    taken: set[str] = set()
    for e, rows in holders.items():
        keeper = next((i for i in rows if derived.get(i) == e), rows[0])
        out[keeper] = e
        taken.add(e)
    creation = {k: _column(frame, k) for k in CREATION_KEYS}
    for i in need:
        if out[i] or (not existing[i] and not has_data[i]):
            continue
        buyer, company, salesperson, received_at = (creation[k][i] for k in CREATION_KEYS)
        if not derived[i]:  # no creation data at all: the row's other inputs stand in for it
            buyer = " | ".join(normalise_text(_column(frame, c)[i]) for c in inputs if c in frame)
            company = salesperson = received_at = None
        key = (buyer, company, salesperson, received_at)
        cand, k = derived[i] or str(buyer_id(*key)), 2
        while cand in taken:
            cand = str(buyer_id(*key, k))
            k += 1
        out[i] = cand
        taken.add(cand)
    return out
