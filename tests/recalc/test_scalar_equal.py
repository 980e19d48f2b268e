"""The vectorised comparison of a column with one text or number gives what Excel's
cell-by-cell comparison gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._operators import compare, compare1, scalar_equal
from storeops.engine._values import XLErr

TEXTS = st.sampled_from(["", "a", "A", "成交 Won", "ß", "SS", "0"])
CELLS = st.one_of(
    st.none(),
    TEXTS,
    st.text(max_size=3),
    st.floats(allow_nan=True, allow_infinity=False),
    st.integers(-2, 2),
    st.booleans(),
    st.sampled_from([XLErr("#N/A"), XLErr("#VALUE!")]),
)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(CELLS, min_size=1, max_size=30),
    value=st.one_of(TEXTS, st.integers(-2, 2), st.floats(-2, 2, allow_nan=False)),
    op=st.sampled_from(["=", "<>"]),
    left=st.booleans(),
)
def test_scalar_equal_equals_cell_by_cell(cells, value, op, left):
    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    want = [compare1(op, v, value) if left else compare1(op, value, v) for v in cells]
    got = compare(op, column, value, len(cells)) if left else compare(op, value, column, len(cells))
    assert [type(a) for a in got.tolist()] == [type(b) for b in want]
    assert got.tolist() == want
    assert scalar_equal(op, column, value) is not None
