"""Row-set arithmetic of the engine: ``_pruning._minus`` is numpy's ``setdiff1d``; the groups
``_groups.dependencies`` says a group reads are exactly those with a row in a range it reads."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._groups import dependencies
from storeops.engine._pruning import _minus


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10**6), unique=True, max_size=80), st.data(), st.booleans())
def test_minus_is_setdiff1d(a, data, ordered):
    rows = np.array(sorted(a) if ordered else a, np.int64)
    some = data.draw(st.lists(st.sampled_from(a), unique=True) if a else st.just([]))
    other = np.array(some + data.draw(st.lists(st.integers(-5, 10**6 + 5), max_size=5)), np.int64)
    other = np.unique(other)  # rows without repeats, some of them not in ``rows``
    assert np.array_equal(_minus(rows, other), np.setdiff1d(rows, other))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B"]),
            st.integers(1, 4),
            st.one_of(
                st.tuples(st.integers(1, 40), st.integers(0, 30)).map(lambda t: list(range(t[0], t[0] + t[1]))),
                st.lists(st.integers(1, 80), unique=True, max_size=12).map(sorted),
            ),
            st.lists(
                st.tuples(st.sampled_from(["A", "B"]), st.integers(1, 4), st.integers(0, 2), st.integers(0, 90),
                          st.integers(0, 20)),
                max_size=3,
            ),
        ),
        max_size=8,
    )
)  # fmt: skip
def test_dependencies_are_the_groups_with_a_row_read(spec):
    groups = [
        SimpleNamespace(sheet=s, col=c, rows=np.array(rows, np.int64),
                        reads=[(rs, rc, rc + w, r1, r1 + n) for rs, rc, w, r1, n in reads])
        for s, c, rows, reads in spec
    ]  # fmt: skip
    want = [
        {
            j
            for j, w in enumerate(groups)
            for s, c1, c2, r1, r2 in g.reads
            if w.sheet == s and c1 <= w.col <= c2 and any(r1 <= r <= r2 for r in w.rows.tolist())
        }
        for g in groups
    ]
    assert dependencies(groups) == want  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60), unique=True, max_size=30), st.lists(st.integers(0, 9), max_size=8))
def test_a_groups_runs_are_its_rows_runs(rows, rle):
    """A group's runs as kept (from the state's record, or worked out once) are always
    ``rows_rle`` of its rows, whatever the record says."""
    from storeops.engine._eval import Group
    from storeops.engine._incremental import _keep_rle, group_rle, rows_of, rows_rle

    g = Group("S", 1, np.array(sorted(rows), np.int64), 1, "A1", np.zeros(0, np.int64))
    assert group_rle(g) == rows_rle(g.rows) == group_rle(g)
    rle = rle[: len(rle) // 2 * 2]
    g = Group("S", 1, rows_of(rle), 1, "A1", np.zeros(0, np.int64))
    _keep_rle(g, rle)
    assert group_rle(g) == rows_rle(g.rows)
    g.rows = np.array(sorted(rows), np.int64)  # rows replaced (a spill's): worked out again
    assert group_rle(g) == rows_rle(g.rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=30), st.lists(st.integers(0, 50), unique=True, max_size=30), st.booleans())
def test_in_rows_is_isin(x, rows, span):
    from storeops.engine._groups import in_rows

    rows_a = np.arange(min(rows), max(rows) + 1) if span and rows else np.array(sorted(rows), np.int64)
    assert np.array_equal(in_rows(np.array(x, np.int64), rows_a), np.isin(np.array(x, np.int64), rows_a))
