"""Per-row criteria answered in bulk give what one cell at a time gives.

``COUNTIFS([tblOrders.buyer_id],{buyer_id},…)`` down a 100,000-row table has one criterion
per row: the engine parses each distinct criterion once, groups the rows that share one,
and answers many plain equalities with one grouping of the range's keys
(:func:`storeops.engine._native.criteria._grouped`).  Each property here evaluates a
column of criteria both ways — the whole column at once (grouped path forced on) and
each row's criterion alone — on hostile data: blanks, numbers as text, case, wildcards,
error values, dates as text, bools.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._native import criteria as C
from storeops.engine._values import Rng, Unsupported, read_number, surely_no_number
from storeops.xlsx import XLErr

_TEXTS = ["B4QZ7M2K9XA", "b4qz7m2k9xa", "Amy", "AMY", "amy ", "5", "5.0", " 5", "", "TRUE", "#N/A", "Straße",
          "STRASSE", "张三", "a*", "b?n", "x~*", "Pet Co 7"]  # fmt: skip
#: dates as text are criteria here, not cells: a range holding one is left to Excel whole
_DATES = ["2026-01-05", "May 5 2026", "jan 2026", "T10:30"]
cell_values = st.one_of(
    st.sampled_from(_TEXTS),
    st.text(alphabet="aAbB5 ß", max_size=3),
    st.sampled_from([0.0, -0.0, 5.0, 1.0, 46027.0, 2.5]),
    st.integers(-2, 6),
    st.booleans(),
    st.sampled_from([None, None, np.bool_(True), np.float64(5.0), XLErr("#N/A"), XLErr("#DIV/0!")]),
)
# per-row criteria: mostly plain equalities (the grouped path), some of everything else
criterion_values = st.one_of(
    st.sampled_from(_TEXTS + _DATES),
    st.text(alphabet="aAbB5 ß", max_size=3),
    st.sampled_from([0.0, 5.0, 1.0, 46027.0, None, True, False, XLErr("#N/A"), "=5", "<>amy", ">2", "<>", "="]),
    st.integers(-2, 6),
)


def _rng(values: list, key) -> Rng:
    obj = np.empty((len(values), 1), dtype=object)
    obj[:, 0] = values
    num = np.array(
        [
            float(v) if isinstance(v, (int, float, np.floating)) and not isinstance(v, (bool, np.bool_)) else math.nan
            for v in values
        ]
    ).reshape(-1, 1)
    return Rng(obj, num, key=key)


class _Ctx:
    def __init__(self, n: int):
        self.cache: dict = {}
        self.n = n


def _column(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _one_at_a_time(fn, ranges: list[Rng], crits: list[list], value: Rng | None) -> list:
    """Each row's answer with that row's criteria alone (a fresh evaluation per row)."""
    out = []
    for i in range(len(crits[0])):
        args = [x for pair in zip(ranges, [c[i] for c in crits]) for x in pair]
        try:
            out.append(fn(_Ctx(1), *([value] if value is not None else []), *args))
        except Unsupported:
            out.append("refused")
    return out


def _same(got, want) -> bool:
    if isinstance(got, float) and isinstance(want, float):
        return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9)
    return type(got) is type(want) and got == want


def _check(fn, ranges, crits, value=None):
    n = len(crits[0])
    want = _one_at_a_time(fn, ranges, crits, value)
    args = [x for pair in zip(ranges, [_column(c) for c in crits]) for x in pair]
    try:
        got = fn(_Ctx(n), *([value] if value is not None else []), *args)
    except Unsupported:
        # the column as a whole is left to Excel: only when a row alone would be, or the
        # range holds number-like texts (read once for every criterion)
        return
    got = got.tolist() if isinstance(got, np.ndarray) else [got] * n
    assert "refused" not in want
    assert all(_same(g, w) for g, w in zip(got, want)), list(zip(crits[0], got, want))


@pytest.fixture(autouse=True)
def _always_grouped(monkeypatch):
    monkeypatch.setattr(C, "GROUP_FROM", 0)


@settings(max_examples=120, deadline=None)
@given(st.lists(cell_values, min_size=1, max_size=40), st.lists(criterion_values, min_size=1, max_size=30))
def test_countifs_one_per_row_criterion(values, crits):
    _check(C.COUNTIFS, [_rng(values, ("S", 1, 1, 1, len(values)))], [crits])


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.tuples(cell_values, cell_values, cell_values), min_size=1, max_size=40),
    st.lists(st.tuples(criterion_values, criterion_values), min_size=1, max_size=30),
)
def test_countifs_and_sumifs_two_per_row_criteria(rows, crits):
    """The clash column's shape (two per-row criteria) and the order sums (a value range)."""
    a, b, v = (list(x) for x in zip(*rows))
    n = len(rows)
    ranges = [_rng(a, ("S", 1, 1, 1, n)), _rng(b, ("S", 2, 1, 2, n))]
    cols = [[c[0] for c in crits], [c[1] for c in crits]]
    _check(C.COUNTIFS, ranges, cols)
    _check(C.SUMIFS, ranges, cols, _rng(v, ("S", 3, 1, 3, n)))


@settings(max_examples=60, deadline=None)
@given(st.lists(cell_values, min_size=1, max_size=30), st.lists(criterion_values, min_size=1, max_size=20))
def test_per_row_criterion_with_a_fixed_one(values, crits):
    """A per-row criterion next to fixed ones (``[tblOrders.counted],"样品 Sample"``)."""
    n = len(values)
    r1, r2 = _rng(values, ("S", 1, 1, 1, n)), _rng(values[::-1], ("S", 2, 1, 2, n))
    fixed = [["<>amy"] * len(crits), [">=1"] * len(crits)]
    for other in fixed:
        _check(C.COUNTIFS, [r1, r2], [crits, other])


def test_grouped_path_is_taken_and_answers_ids():
    """Many distinct IDs: answered by the grouping (no mask per ID) and right."""
    ids = [f"B{i:04d}X" for i in range(600)]
    orders = [ids[(7 * k) % 600].lower() if k % 3 else ids[(7 * k) % 600] for k in range(1500)] + [None, 5.0]
    r = _rng(orders, ("S", 1, 1, 1, len(orders)))
    ctx = _Ctx(len(ids) + 2)
    col = _column(ids + ["", None])
    calls = []
    real = C._grouped
    C._grouped = lambda *a: calls.append(1) or real(*a)
    try:
        got = C.COUNTIFS(ctx, r, col)
    finally:
        C._grouped = real
    assert calls == [1]
    want = [sum(1 for o in orders if isinstance(o, str) and o.casefold() == i.casefold()) for i in ids]
    # "" (no plain equality: answered by a mask) counts the blank cell; a blank criterion means 0
    assert got.tolist() == [*map(float, want), 1.0, 0.0]


def test_each_distinct_criterion_parsed_once_per_recalculation():
    r = _rng(["a", "B", None], ("S", 1, 1, 1, 3))
    ctx = _Ctx(4)
    col = _column(["A", "a", "b", "A"])
    C.COUNTIFS(ctx, r, col)
    parsed = dict(ctx.cache[("criteria",)])
    C.COUNTIFS(ctx, r, col)
    assert ctx.cache[("criteria",)] == parsed and len(parsed) == 2  # "A"/"a" share one key


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeimnoprstuyjlvgJMTAaOSND0123456789 -/:.,年月日", max_size=14))
def test_quick_no_number_check_is_exact(t):
    """Whenever the quick check says "no number", the full reading finds none."""
    t = t.strip()
    if t and surely_no_number(t):
        try:
            assert read_number(t, t) is None
        except Unsupported:
            pytest.fail(f"{t!r}: the full reading is unsure, the quick check was sure")
