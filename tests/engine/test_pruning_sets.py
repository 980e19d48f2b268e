"""The set arithmetic of the incremental evaluation on rows (``_pruning._minus``) is numpy's."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._pruning import _minus


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10**6), unique=True, max_size=80), st.data(), st.booleans())
def test_minus_is_setdiff1d(a, data, ordered):
    rows = np.array(sorted(a) if ordered else a, np.int64)
    some = data.draw(st.lists(st.sampled_from(a), unique=True) if a else st.just([]))
    other = np.array(some + data.draw(st.lists(st.integers(-5, 10**6 + 5), max_size=5)), np.int64)
    other = np.unique(other)  # rows without repeats, some of them not in ``rows``
    assert np.array_equal(_minus(rows, other), np.setdiff1d(rows, other))
