"""Hypothesis strategies for what Excel, exports and people really send (one module).

``excel_scalar`` covers every cell type xlwings can pass plus hostile values; ``column``
and ``grid`` build the 1-D lists and 2-D lists of lists xlwings passes for ranges.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

#: Numbers as people and exports type them.
text_numbers = st.sampled_from(
    [
        "1,234",
        "12.5%",
        " 7 ",
        "１２３",
        "-",
        "--",
        "",
        "0",
        "3.0",
        "1e3",
        "1.62%",
        "$1,200.50",
        "￥88",
        "N/A",
        "#N/A",
        "abc",
        "1,2,3",
        "%",
        "-5",
        "∞",
        "nan",
        "inf",
        "-inf",
        "1e400",
    ]
)
floats = st.floats(allow_nan=True, allow_infinity=True)
huge = st.sampled_from([1e308, -1e308, 1e-308, 2**63, -(2**63), 10**30, float("nan"), float("inf"), -float("inf")])
control_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=40)
long_text = st.sampled_from(["x" * 5000, "最" * 3000, "\x00\x01\x02" * 100, "=cmd|' /C calc'!A0", "\u202e" * 50])
dates = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 30))
date_texts = st.sampled_from(
    ["2026-11-03", "2026/11/3", "2026年11月3日", "2026-02-30", "2026-11-03 09:30", "46000", "not a date", "", "-"]
)

excel_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    floats,
    huge,
    text_numbers,
    control_text,
    long_text,
    dates,
    dates.map(lambda d: d.date()),
    date_texts,
)
#: Well-formed non-negative counts (as Excel sends them: floats, ints, text, blanks).
counts = st.one_of(st.none(), st.integers(0, 10**7), st.floats(0, 1e7), st.integers(0, 10**6).map(str))


def column(elements: st.SearchStrategy = excel_scalar, min_size: int = 1, max_size: int = 8) -> st.SearchStrategy:
    """A 1-D range as xlwings passes it (a list)."""
    return st.lists(elements, min_size=min_size, max_size=max_size)


def grid(elements: st.SearchStrategy = excel_scalar, rows: int = 6) -> st.SearchStrategy:
    """A one-column 2-D range as xlwings passes it (list of one-element lists)."""
    return st.lists(elements.map(lambda v: [v]), min_size=1, max_size=rows)


def same_length_columns(n_args: int, elements: st.SearchStrategy = excel_scalar) -> st.SearchStrategy:
    """``n_args`` columns of one common length."""
    return st.integers(1, 6).flatmap(
        lambda n: st.tuples(*[st.lists(elements, min_size=n, max_size=n) for _ in range(n_args)])
    )
