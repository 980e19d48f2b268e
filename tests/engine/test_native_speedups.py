"""The vectorised shortcuts give exactly what a plain per-value loop gives.

Criteria ranges (``_Keys``/``_Crit``), ``error_mask``, and the core's ``to_text`` and
``map_distinct`` skip Python loops on large columns; each is checked here against a
simple per-element reference on hostile mixes (bools, ``None``, NaN, numbers, numeric
texts, mixed case, wildcards ``* ? ~``, error values).
"""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._native import COUNTIFS, _Crit, _Keys
from storeops.engine._values import Rng, error_mask
from storeops.xlsx import XLErr
from storeops_xl import _columns as C
from storeops_xl._coerce import _text1, to_text

# --------------------------------------------------------------------------- values
_WORDS = [
    "Amy",
    "amy",
    "AMY",
    "Ben",
    "ben*",
    "b?n",
    "a~*",
    "5",
    "5.0",
    " 5",
    "",
    "TRUE",
    "false",
    "Straße",
    "STRASSE",
    "张三",
    "张*",
    "#N/A",
    "x y",
    "İ",
    "ß",
]
_CRITS = [
    "Amy",
    "amy",
    "a*",
    "A?Y",
    "*",
    "?",
    "~*",
    "a~*",
    "b~?n",
    "*三",
    "5",
    "=5",
    "<>5",
    ">3",
    "<=5",
    ">=amy",
    "<b",
    ">",
    "<>",
    "=",
    "",
    "<>amy",
    "=a*",
    "<>*e*",
    "strasse",
    "ß*",
    "TRUE",
    "=TRUE",
    ">=2026-01-01",
    "1,000",
    5.0,
    0.0,
    -1.5,
    True,
    False,
    None,
    np.bool_(True),
    np.float64(5.0),
]

cell_values = st.one_of(
    st.sampled_from(_WORDS),
    st.text(alphabet="aAbB*?~5 .ß张", max_size=4),
    st.floats(allow_nan=False, allow_infinity=False, width=32) | st.sampled_from([0.0, -0.0, 5.0, 1.0]),
    st.integers(-3, 6),
    st.booleans(),
    st.sampled_from([None, np.bool_(False), np.bool_(True), np.float64(5.0), XLErr("#N/A"), XLErr("#VALUE!")]),
)
criteria = st.one_of(
    st.sampled_from(_CRITS),
    st.text(alphabet="<>=aAbB*?~5 .ß", max_size=4),
    st.floats(allow_nan=True, allow_infinity=False),
    st.integers(-3, 6),
)


def _rng(values: list, bool_num: float) -> Rng:
    obj = np.empty((len(values), 1), dtype=object)
    obj[:, 0] = values
    num = np.array(
        [
            [float(v)]
            if isinstance(v, (int, float, np.floating)) and not isinstance(v, (bool, np.bool_))
            else [bool_num if isinstance(v, (bool, np.bool_)) else math.nan]
            for v in values
        ]
    ).reshape(-1, 1)
    return Rng(obj, num, key=("S", 1, 1, 1, len(values)))


_CMP = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


def _reference_mask(crit, values: list, nums: np.ndarray) -> list[bool]:
    """Per cell, the criteria rules written out one value at a time."""
    c = _Crit(crit)
    op = c.op
    out = []
    for v, x in zip(values, nums):
        isb = isinstance(v, (bool, np.bool_))
        num = math.nan if isb else float(x)
        istext = isinstance(v, str)
        text = v.casefold() if istext else ""
        if c.bool is not None:
            m = isb and bool(v) == c.bool
            m = not m if op == "<>" else m
        elif c.num is not None:
            m = (not num == c.num) if op == "<>" else _CMP[op](num, c.num)
            if op in ("=", "<>"):
                tm = istext and text == c.text
                m = (m or tm) if op == "=" else (m and not tm)
        elif c.text == "" and op == "=":
            m = v is None or (istext and text == "")  # Excel: blanks and empty text only
        elif c.text == "" and op == "<>":
            m = v is not None
        elif c.wild is not None:
            m = istext and c.wild.match(text) is not None
            m = m if op == "=" else not m
        elif op in ("=", "<>"):
            m = istext and text == c.text
            m = m if op == "=" else not m
        else:
            m = istext and _CMP[op](text, c.text)
        out.append(bool(m))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(cell_values, max_size=120), st.lists(criteria, min_size=1, max_size=6), st.sampled_from([math.nan, 1.0])
)
def test_criteria_masks_match_reference(values, crits, bool_num):
    r = _rng(values, bool_num)
    keys = _Keys(r)
    for c in crits:
        got = _Crit(c).mask(keys)
        assert got.dtype == bool and got.shape == (len(values),)
        assert got.tolist() == _reference_mask(c, values, r.flat_num), c


@settings(max_examples=150, deadline=None)
@given(st.lists(cell_values, min_size=1, max_size=120))
def test_keys_text_view_matches_reference(values):
    keys = _Keys(_rng(values, math.nan))
    assert keys.textv.tolist() == [v.casefold() if isinstance(v, str) else "" for v in values]
    assert keys.blank.tolist() == [v is None for v in values]
    assert keys.istext.tolist() == [isinstance(v, str) for v in values]


def test_empty_criterion_counts_blanks_and_empty_text_only():
    """COUNTIF(range, "") in Excel counts blank cells and "" texts, not numbers or TRUE/FALSE."""
    r = _rng([None, "", "a", 0.0, 5.0, True, False, None], math.nan)
    assert _Crit("").mask(_Keys(r)).tolist() == [True, True, False, False, False, False, False, True]


def test_keys_all_numbers_and_all_texts_with_blanks():
    for values in ([1.0, None, 2.5, float("nan")] * 30, ["a", None, "B", float("nan")] * 30, [None] * 70, []):
        keys = _Keys(_rng(values, math.nan))
        assert keys.blank.tolist() == [v is None for v in values]
        assert keys.istext.tolist() == [isinstance(v, str) for v in values]
        for c in ("", "a", "<>", ">0", 1.0, True):
            assert _Crit(c).mask(keys).tolist() == _reference_mask(c, values, _rng(values, math.nan).flat_num)


class _Ctx:
    def __init__(self, n=1):
        self.cache = {}
        self.n = n


def test_countifs_reuses_prepared_keys_across_calls():
    r = _rng(["a", "B", "a", None, 5.0] * 20, math.nan)
    ctx = _Ctx()
    assert COUNTIFS(ctx, r, "A") == 40.0
    cached = ctx.cache[("keys", r.key)]
    assert COUNTIFS(ctx, r, "<>a") == 60.0
    assert ctx.cache[("keys", r.key)] is cached
    # per-row criteria: one mask per distinct value
    ctx2 = _Ctx(4)
    crit = np.array(["a", "b", 5.0, None], dtype=object)
    assert COUNTIFS(ctx2, r, crit).tolist() == [40.0, 20.0, 20.0, 0.0]


# --------------------------------------------------------------------------- error_mask
def _long(values: list) -> list:
    """The values repeated past the length where the vectorised paths start (> 64)."""
    return values * (70 // len(values) + 1) if values else values


@settings(max_examples=150, deadline=None)
@given(st.lists(cell_values | st.just(math.nan), max_size=120))
def test_error_mask_matches_reference(values):
    for vals in (values, _long(values)):
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
        assert error_mask(arr).tolist() == [isinstance(v, XLErr) for v in vals]


def test_error_mask_numbers_only():
    arr = np.array([1.0, None, 2] * 20, dtype=object)
    assert not error_mask(arr).any()
    arr[7] = XLErr("#DIV/0!")
    assert np.flatnonzero(error_mask(arr)).tolist() == [7]


# --------------------------------------------------------------------------- core: to_text
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        cell_values | st.just(math.nan) | st.sampled_from([np.float64("nan"), np.float32(2.5), 1e20]), max_size=120
    ),
    st.booleans(),
)
def test_to_text_matches_reference(values, texts_only):
    if texts_only:
        values = [v if isinstance(v, str) or v is None or (isinstance(v, float) and v != v) else "t" for v in values]
    for vals in (values, _long(values)):
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
        got = to_text(arr).values
        assert got.tolist() == [_text1(v) for v in vals]  # the per-value rule the fast paths must equal
        assert [type(g) for g in got] == [type(v) if isinstance(v, str) else str for v in vals]


# --------------------------------------------------------------------------- core: map_distinct
def _reference_map(func, *cols):
    out, cache = [], {}
    for key in zip(*cols):
        if key not in cache:
            cache[key] = func(*key)
        out.append(cache[key])
    return out


def _spy(*args):
    return "|".join(f"{type(a).__name__}:{a!r}" for a in args)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(0, 150))
def test_map_distinct_matches_reference(data, ncols, n):
    floats = st.sampled_from([0.0, -0.0, 1.0, 2.5, math.nan, 1e300])
    cols = []
    for _ in range(ncols):
        kind = data.draw(st.sampled_from(["f", "i", "b", "s", "mixed"]))
        if kind == "f":
            cols.append(np.array(data.draw(st.lists(floats, min_size=n, max_size=n)), dtype=np.float64))
        elif kind == "i":
            cols.append(np.array(data.draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n)), dtype=np.int64))
        elif kind == "b":
            cols.append(np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool))
        else:
            vals = data.draw(st.lists(st.sampled_from(_WORDS) if kind == "s" else cell_values, min_size=n, max_size=n))
            arr = np.empty(n, dtype=object)
            arr[:] = vals
            cols.append(arr)
    got = C.map_distinct(_spy, *cols)
    assert got.dtype == object
    assert got.tolist() == _reference_map(_spy, *cols)


def test_map_distinct_first_value_of_equal_keys_wins():
    col = np.array([-0.0, 0.0] * 40)
    assert set(C.map_distinct(repr, col).tolist()) == {repr(np.float64(-0.0))}
    words = np.array(["b", "a", "b"] * 30, dtype=object)
    calls = []
    C.map_distinct(lambda s: calls.append(s) or s.upper(), words)
    assert calls == ["b", "a"]


@pytest.mark.parametrize("values", [[], ["#N/A", "#1 seller", "ok", None] * 20, ["#REF! x"] * 3])
def test_text_column_errors(values):
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    col = C.text(arr, "t")
    errs = [isinstance(v, str) and v[:1] == "#" and v.split(" ")[0].upper() in C._EXCEL_ERRORS for v in values]
    assert col.values.tolist() == ["" if e or v is None else v for v, e in zip(values, errs)]
