"""Comparisons and ``&`` over object columns (blanks, numbers, errors …) answered for the
whole column at once give what the cell-by-cell rules give."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._native.text import concat2
from storeops.engine._operators import compare, compare1
from storeops.engine._values import Unsupported, to_text1
from storeops.xlsx import XLErr

numbers_and_blanks = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, -0.0, 1.0, 46027.5, None, None, np.float64(2.0), XLErr("#N/A"), XLErr("#VALUE!")]),
    st.integers(-3, 3),
)
anything = st.one_of(numbers_and_blanks, st.sampled_from(["", "a", "A", "5", True, False, np.bool_(True)]))
#: what ``&`` meets (a formula gives #NUM! for an infinite result, never the number)
finite = st.one_of(
    st.floats(allow_nan=True, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e15, 123456789.125, None, XLErr("#N/A"), "", "a", "张", True, np.bool_(False)]),
    st.integers(-3, 3),
)


class _Ctx:
    def __init__(self, n: int):
        self.n = n


def _col(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _each(fn, xs, ys) -> list:
    out = []
    for a, b in zip(xs, ys):
        try:
            out.append(fn(a, b))
        except Unsupported:
            return ["refused"]
    return out


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


@settings(max_examples=200, deadline=None)
@given(
    st.data(),
    st.sampled_from(["=", "<>", "<", ">", "<=", ">="]),
    st.sampled_from([numbers_and_blanks, anything]),
)
def test_compare_columns_matches_cell_by_cell(data, op, values):
    n = data.draw(st.integers(1, 30))
    xs = data.draw(st.lists(values, min_size=n, max_size=n))
    ys = data.draw(st.lists(values, min_size=n, max_size=n))
    want = _each(lambda a, b: compare1(op, a, b), xs, ys)
    try:
        got = compare(op, _col(xs), _col(ys), n).tolist()
    except Unsupported:
        assert want == ["refused"]
        return
    assert [bool(g) if isinstance(g, (bool, np.bool_)) else g for g in got] == want
    assert all(_same(bool(g) if isinstance(g, (bool, np.bool_)) else g, w) for g, w in zip(got, want))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_concat_columns_matches_cell_by_cell(data):
    n = data.draw(st.integers(1, 30))
    xs = data.draw(st.lists(finite, min_size=n, max_size=n))
    ys = data.draw(st.lists(finite | st.text(max_size=3), min_size=n, max_size=n))

    def one(a, b):
        return a if isinstance(a, XLErr) else b if isinstance(b, XLErr) else to_text1(a) + to_text1(b)

    want = _each(one, xs, ys)
    got = concat2(_Ctx(n), _col(xs), _col(ys)).tolist()
    assert all(_same(g, w) for g, w in zip(got, want)), list(zip(xs, ys, got, want))
    assert not any(isinstance(g, float) and math.isnan(g) for g in got)
