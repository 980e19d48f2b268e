"""The vectorised shortcuts give exactly what a plain per-value loop gives.

Criteria ranges (``_Keys``/``_Crit``), ``error_mask``, and the core's ``to_text`` and
``map_distinct`` skip Python loops on large columns; each is checked here against a
simple per-element reference on hostile mixes (bools, ``None``, NaN, numbers, numeric
texts, mixed case, wildcards ``* ? ~``, error values).
"""

from __future__ import annotations

import math
import operator
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._native.criteria import COUNTIFS, Criterion, Keys
from storeops.engine._values import ERROR_CODES, Rng, Unsupported, error_mask, text_to_number
from storeops.xlsx import XLErr
from storeops_xl import _columns as C
from storeops_xl._coerce import _text1, to_text
from storeops_xl.inputs import EXCEL_ERRORS

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


def _rng(values: list) -> Rng:
    obj = np.empty((len(values), 1), dtype=object)
    obj[:, 0] = values
    num = np.array(
        [
            [float(v)]
            if isinstance(v, (int, float, np.floating)) and not isinstance(v, (bool, np.bool_))
            else [math.nan]
            for v in values
        ]
    ).reshape(-1, 1)
    return Rng(obj, num, key=("S", 1, 1, 1, len(values)))


_CMP = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
_SORTABLE = re.compile(r"^[a-z0-9 ]*$")
_PLAIN = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _reads_as_number(t: str):
    """The plain number a text holds (None); ``Unsupported`` when only Excel's wider reading finds one."""
    if _PLAIN.match(t.strip()):
        if len(t.strip().lstrip("+-0").replace(".", "").split("e")[0].split("E")[0]) > 15:
            raise Unsupported(t)
        return float(t.strip())
    if text_to_number(t) is not None:
        raise Unsupported(t)
    return None


def _reference_mask(crit, values: list) -> list[bool]:
    """Per cell, the criteria rules of Excel written out one value at a time."""
    c = Criterion(crit)
    op, kind, x = c.op, c.kind, c.value
    if kind == "num" and op == "<>":
        texts = [v for v in values if isinstance(v, str) and not isinstance(v, XLErr)]
        if any(_reads_as_number(t) is not None for t in texts):
            raise Unsupported(x)  # Excel's "<>" does not read numbers in texts as its "=" does
    if kind == "text" and op not in ("=", "<>"):
        texts = [v.casefold() for v in values if isinstance(v, str) and not isinstance(v, XLErr)]
        if not _SORTABLE.match(x) or not all(_SORTABLE.match(t) for t in texts):
            raise Unsupported(x)  # Excel orders such texts by its own collation
    out = []
    for v in values:
        isb = isinstance(v, (bool, np.bool_))
        iserr = isinstance(v, XLErr)
        istext = isinstance(v, str) and not iserr
        isnum = not (isb or iserr or istext or v is None)
        if kind == "blank":
            m = v is None
        elif kind == "empty":
            m = v is None or (istext and v == "")
        elif kind == "nonblank":
            m = v is not None
        elif op in ("=", "<>"):
            if kind == "num":
                m = (isnum and float(v) == x) or (istext and _reads_as_number(v) == x)
            elif kind == "bool":
                m = isb and int(bool(v)) == x
            elif kind == "err":
                m = iserr and ERROR_CODES.index(v) == x
            elif c.wild is not None:
                m = istext and c.wild.match(v.casefold()) is not None
            else:
                m = istext and v.casefold() == x
            m = m if op == "=" else not m
        elif kind == "num":
            m = isnum and _CMP[op](float(v), x)
        elif kind == "bool":
            m = isb and _CMP[op](int(bool(v)), x)
        elif kind == "err":
            m = False
        else:
            m = istext and _CMP[op](v.casefold(), x)
        out.append(bool(m))
    return out


def _mask_or_refusal(fn, *args):
    try:
        return fn(*args)
    except Unsupported:
        return "refused"


@settings(max_examples=300, deadline=None)
@given(st.lists(cell_values, max_size=120), st.lists(criteria, min_size=1, max_size=6))
def test_criteria_masks_match_reference(values, crits):
    r = _rng(values)
    keys = Keys(r)
    for c in crits:
        crit = _mask_or_refusal(Criterion, c)
        if crit == "refused":
            continue  # a criterion text Excel reads only with regional settings
        got = _mask_or_refusal(crit.mask, keys)
        want = _mask_or_refusal(_reference_mask, c, values)
        if isinstance(got, str) or isinstance(want, str):
            assert got == want, c
            continue
        assert got.dtype == bool and got.shape == (len(values),)
        assert got.tolist() == want, c


@settings(max_examples=150, deadline=None)
@given(st.lists(cell_values, min_size=1, max_size=120))
def test_keys_kinds_match_reference(values):
    keys = Keys(_rng(values))
    texts = np.append(keys.texts, "")[keys.tcode].tolist()
    assert texts == [v.casefold() if isinstance(v, str) and not isinstance(v, XLErr) else "" for v in values]
    assert keys.blank.tolist() == [v is None for v in values]
    assert keys.istext.tolist() == [isinstance(v, str) and not isinstance(v, XLErr) for v in values]


def test_empty_criterion_counts_blanks_and_empty_text_only():
    """COUNTIF(range, "") in Excel counts blank cells and "" texts, not numbers or TRUE/FALSE."""
    r = _rng([None, "", "a", 0.0, 5.0, True, False, None])
    assert Criterion("").mask(Keys(r)).tolist() == [True, True, False, False, False, False, False, True]
    # "=" alone: truly blank cells only; "<>": everything not blank (the empty text too)
    assert Criterion("=").mask(Keys(r)).tolist() == [True, False, False, False, False, False, False, True]
    assert Criterion("<>").mask(Keys(r)).tolist() == [False, True, True, True, True, True, True, False]


def test_keys_all_numbers_and_all_texts_with_blanks():
    for values in ([1.0, None, 2.5] * 30, ["a", None, "B"] * 30, [None] * 70, []):
        keys = Keys(_rng(values))
        assert keys.blank.tolist() == [v is None for v in values]
        assert keys.istext.tolist() == [isinstance(v, str) for v in values]
        for c in ("", "a", "<>", ">0", 1.0, True):
            assert Criterion(c).mask(keys).tolist() == _reference_mask(c, values)


class _Ctx:
    def __init__(self, n=1):
        self.cache = {}
        self.n = n


def test_countifs_reuses_prepared_keys_across_calls():
    r = _rng(["a", "B", "a", None, 5.0] * 20)
    ctx = _Ctx()
    assert COUNTIFS(ctx, r, "A") == 40.0
    cached = ctx.cache[("keys", r.key)]
    assert COUNTIFS(ctx, r, "<>a") == 60.0
    assert ctx.cache[("keys", r.key)] is cached
    # per-row criteria: one mask per distinct value
    ctx2 = _Ctx(4)
    crit = np.array(["a", "b", 5.0, None], dtype=object)
    assert COUNTIFS(ctx2, r, crit).tolist() == [40.0, 20.0, 20.0, 0.0]  # a blank criterion cell means 0


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
    errs = [isinstance(v, str) and v[:1] == "#" and v.split(None, 1)[0].upper() in EXCEL_ERRORS for v in values]
    assert col.values.tolist() == ["" if e or v is None else v for v, e in zip(values, errs)]


# --------------------------------------------------------------------------- evaluation shortcuts
_NUMERIC_MIX = st.one_of(
    st.floats(allow_nan=True, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.sampled_from(["1", " 2.5 ", "1e3", "abc", "", "TRUE", "(3)", "12%"]),
    st.sampled_from([XLErr("#N/A"), XLErr("#DIV/0!")]),
    st.integers(-5, 5),
    st.builds(np.float64, st.floats(-1e6, 1e6)),
    st.just(np.float64("nan")),
)


def _num_reference(values):
    """to_num's rule, one value at a time (the loop the shortcut replaces)."""
    from storeops.engine._values import number_of

    out, errs = [], []
    for v in values:
        if v is None or (type(v) is float and v != v):
            out.append(0.0)
            errs.append(None)
            continue
        r = number_of(v)
        out.append(math.nan if isinstance(r, XLErr) else r)
        errs.append(r if isinstance(r, XLErr) else None)
    return out, errs


@settings(max_examples=150, deadline=None)
@given(st.lists(_NUMERIC_MIX, max_size=40))
def test_to_num_and_gather_read_object_columns_as_one_value_at_a_time(values):
    from storeops.engine._native._agg import gather
    from storeops.engine._values import to_num

    col = np.empty(len(values), dtype=object)
    col[:] = values
    want, want_errs = _num_reference(values)
    got, errs = to_num(col)
    assert [(g == w) or (g != g and w != w) for g, w in zip(got.tolist(), want)] == [True] * len(values)
    assert (errs.tolist() if errs is not None else [None] * len(values)) == want_errs
    rows = gather([col]).rows[0][:, 0].tolist()  # references aside, a typed column: blanks are skipped
    skip = [v is None or (isinstance(v, float) and v != v) for v in values]
    expect = [math.nan if s or e is not None else w for s, w, e in zip(skip, want, want_errs)]
    assert all((a == b) or (a != a and b != b) for a, b in zip(rows, expect))


def _find_utf16(needle: str, within: str, start: float):
    """FIND counted in UTF-16 code units, the long way (the reference for the ASCII shortcut)."""
    from storeops.engine._values import VALUE

    if start < 1:
        return VALUE
    units, k = within.encode("utf-16-le"), int(start) - 1
    if 2 * k > len(units):
        return VALUE
    i = units.find(needle.encode("utf-16-le"), 2 * k)
    while i >= 0 and i % 2:
        i = units.find(needle.encode("utf-16-le"), i + 1)
    return VALUE if i < 0 else float(i // 2 + 1)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab1😀中", max_size=3),
    st.text(alphabet="ab12😀中 ", max_size=12),
    st.floats(-1, 15, allow_nan=False),
)
def test_find_shortcut_counts_utf16_units(needle, within, start):
    from storeops.engine._native.text import _find

    assert _find(needle, within, start) == _find_utf16(needle, within, start)


_FORMATS = ["0", "0%", "0.00%", "#,##0.00", "0.0,", '"x"0.00;(0.00);"zero"', "0.00E+00", "yyyy-mm-dd", "[h]"]


def _formatted(v, fmt):
    from storeops.engine._native import numfmt

    try:
        return numfmt.format_value(v, fmt)
    except Unsupported as exc:
        return ("Unsupported", str(exc))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_FORMATS), st.floats(-1e6, 1e6)), min_size=1, max_size=8))
def test_format_value_read_from_the_memo_is_a_fresh_reading(calls):
    """Formats are read once and kept (numfmt._parsed/_layout): formatting in any order
    gives what a first reading gives."""
    from storeops.engine._native import numfmt

    memo = [_formatted(v, f) for f, v in calls]
    fresh = []
    for f, v in calls:
        numfmt._parsed.cache_clear()
        numfmt._layout.cache_clear()
        numfmt._section_kind.cache_clear()
        fresh.append(_formatted(v, f))
    assert memo == fresh


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_NUMERIC_MIX, st.just(np.bool_(True)), st.just(np.bool_(False))), max_size=40))
def test_truth_reads_object_columns_as_one_value_at_a_time(values):
    from storeops.engine._values import _truth1, truth

    col = np.empty(len(values), dtype=object)
    col[:] = values
    got, errs = truth(col)
    want = [_truth1(v) for v in values]
    assert got.tolist() == [b for b, _ in want]
    assert (errs.tolist() if errs is not None else [None] * len(values)) == [e for _, e in want]


_TEXTS_AND_BLANKS = st.one_of(st.sampled_from(_WORDS), st.none(), st.just(float("nan")), st.text(max_size=4))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_TEXTS_AND_BLANKS, st.one_of(_TEXTS_AND_BLANKS, _NUMERIC_MIX)), min_size=1, max_size=30),
    st.sampled_from(["=", "<>"]),
)
def test_comparing_two_text_columns_is_compare1_cell_by_cell(pairs, op):
    from storeops.engine._operators import compare, compare1

    x = np.empty(len(pairs), dtype=object)
    y = np.empty(len(pairs), dtype=object)
    x[:] = [a for a, _ in pairs]
    y[:] = [b for _, b in pairs]
    want = [compare1(op, a, b) for a, b in pairs]
    got = compare(op, x, y, len(pairs))
    assert [g if isinstance(g, XLErr) else bool(g) for g in got.tolist()] == want
