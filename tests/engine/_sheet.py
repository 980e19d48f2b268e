"""Evaluate one formula against a few cells, as the engine evaluates a group.

``ev("=SUM(A1:A3)", {"A1": 1, "A2": "2"})`` puts the cells on sheet ``S`` and evaluates
the formula in ``at`` (default ``Z1``); ``rows`` evaluates it as a group over several
rows (relative references move with the row)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

import storeops_xl
from storeops.engine import parse
from storeops.engine._eval import Book, Evaluator
from storeops.xlsx._cells import col_index

TODAY = dt.date(2026, 3, 10)
TODAY_SERIAL = float((TODAY - dt.date(1899, 12, 30)).days)


def book(cells: dict[str, object], names: dict[str, str] | None = None) -> Book:
    b = Book({}, {k.lower(): [(None, v)] for k, v in (names or {}).items()}, ["S"], TODAY_SERIAL, TODAY_SERIAL + 0.5)
    by_col: dict[int, dict[int, object]] = {}
    for ref, v in cells.items():
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        by_col.setdefault(col_index(m.group(1)), {})[int(m.group(2))] = v
    b.max_row["S"] = max([r for col in by_col.values() for r in col] + [1])
    for c, vals in by_col.items():
        rows = np.array(sorted(vals))
        arr = np.empty(len(rows), dtype=object)
        arr[:] = [vals[r] for r in rows]
        b.col("S", c).set(rows, arr)
    return b


def ev(formula: str, cells: dict[str, object] | None = None, at: str = "Z1", rows: list[int] | None = None):
    """The value(s) of ``formula`` in cell ``at`` (or in its column at ``rows``)."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", at)
    base = int(m.group(2))
    rr = np.array(rows if rows is not None else [base])
    b = book(cells or {})
    b.max_row["S"] = max(b.max_row["S"], int(rr.max()))
    e = Evaluator(b, "S", rr, base, storeops_xl.FUNCTIONS, col=col_index(m.group(1)))
    out = e.eval(parse(formula))
    if isinstance(out, np.ndarray):
        out = [v.item() if isinstance(v, np.generic) else v for v in out.tolist()]
        if rows is None:
            out = out[0]
    elif isinstance(out, np.generic):
        out = out.item()
    return out
