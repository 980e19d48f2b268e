"""Excel's rules, one test per class of wrong value found in issue 16.

Expected values come from Microsoft's function reference and from values Excel cached
in its own files (the oracle, ``test_oracle.py``); a formula whose answer depends on
things the engine cannot know (regional settings, Excel's binary-search path) must be
refused (:class:`Unsupported`, the formula is left to Excel), never guessed.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._values import Unsupported
from storeops.xlsx import XLErr

from ._sheet import ev

NA, VALUE, DIV0, NUM, REF = (XLErr(x) for x in ("#N/A", "#VALUE!", "#DIV/0!", "#NUM!", "#REF!"))


def refused(formula, cells=None, **kw) -> bool:
    try:
        ev(formula, cells, **kw)
    except Unsupported:
        return True
    return False


# --------------------------------------------------------------------------- criteria
CRIT_CELLS = {"A1": 23.0, "A2": "23", "A3": None, "A4": 0.0, "A5": "abc", "A6": True, "A7": 0.04, "A8": 0.06}


@pytest.mark.parametrize(
    "formula,expected",
    [
        pytest.param('=COUNTIF(A1:A8,"23")', 2.0, id="numeric-text-criterion-matches-number-and-text"),
        pytest.param("=COUNTIF(A1:A8,23)", 2.0, id="number-criterion-matches-number-text"),
        pytest.param("=COUNTIF(A1:A8,B1)", 1.0, id="empty-criterion-cell-means-0-not-blank"),
        pytest.param('=COUNTIF(A1:A8,"")', 1.0, id="empty-text-criterion-matches-blanks"),
        pytest.param('=COUNTIF(A1:A8,"=")', 1.0, id="equals-alone-matches-blank"),
        pytest.param('=COUNTIF(A1:A8,"<>")', 7.0, id="not-blank"),
        pytest.param('=COUNTIF(A1:A8,">5%")', 2.0, id="percent-criterion"),
        pytest.param('=COUNTIF(A1:A8,"<=5%")', 2.0, id="percent-criterion-le"),
        pytest.param('=COUNTIF(A1:A8,"<>true")', 7.0, id="boolean-text-criterion"),
        pytest.param("=COUNTIF(A1:A8,TRUE)", 1.0, id="boolean-criterion"),
        pytest.param('=COUNTIF(A1:A8,"<=TRUE")', 1.0, id="boolean-ordering"),
        pytest.param('=COUNTIF(A1:A8,"a*")', 1.0, id="wildcard"),
        pytest.param('=COUNTIF(A1:A8,"<>a*")', 7.0, id="not-wildcard-counts-blanks-and-numbers"),
        pytest.param('=SUMIF(A1:A8,">0.05")', 23.06, id="sumif-numbers-only"),
    ],
)
def test_criteria(formula, expected):
    assert ev(formula, CRIT_CELLS) == pytest.approx(expected)


def test_error_criterion_and_error_in_matched_value():
    cells = {"A1": "x", "A2": "y", "A3": XLErr("#N/A"), "B1": 1.0, "B2": XLErr("#DIV/0!"), "B3": 5.0}
    assert ev('=SUMIF(A1:A3,"x",B1:B3)', cells) == 1.0  # the error is in a row that does not match
    assert ev('=SUMIF(A1:A3,"y",B1:B3)', cells) == DIV0
    assert ev('=SUMIFS(B1:B3,A1:A3,"<>x")', cells) == DIV0
    assert ev('=MAXIFS(B1:B3,A1:A3,"y")', cells) == DIV0
    assert ev('=MINIFS(B1:B3,A1:A3,"<>y")', cells) == 1.0
    assert ev('=COUNTIF(A1:A3,"#N/A")', cells) == 1.0
    assert ev("=COUNTIF(A1:A3,A3)", cells) == 1.0  # an error criterion finds equal errors


def test_sumif_sum_range_takes_the_criteria_shape():
    cells = {"A1": 1.0, "A2": 2.0, "A3": 1.0, "B1": 10.0, "B2": 20.0, "B3": 30.0}
    assert ev("=SUMIF(A1:A3,1,B1)", cells) == 40.0  # B1 read as B1:B3
    assert ev("=SUMIFS(B1,A1:A3,1)", cells) == VALUE  # SUMIFS needs the same size


@pytest.mark.parametrize("n_distinct", [10, 300])
def test_per_row_criteria_grouped_or_masked_agree_with_one_at_a_time(n_distinct):
    """Many distinct criteria take a group-by path; it must give what COUNTIF gives row by row."""
    n = 600
    keys = [float(i % n_distinct) if i % 3 else str(i % n_distinct) for i in range(n)]
    cells = {f"A{i + 1}": k for i, k in enumerate(keys)}
    cells.update({f"B{i + 1}": float(i) for i in range(n)})
    crit = [f"{i % n_distinct}" if i % 4 else float(i % n_distinct) for i in range(n)]
    crit[5] = None  # a blank criterion cell means 0
    cells.update({f"C{i + 1}": c for i, c in enumerate(crit)})
    rows = list(range(1, n + 1))
    got_count = ev(f"=COUNTIFS($A$1:$A${n},C1)", cells, at="D1", rows=rows)
    got_sum = ev(f"=SUMIFS($B$1:$B${n},$A$1:$A${n},C1)", cells, at="D1", rows=rows)
    for r in (1, 6, 7, 300, 599):
        one = {**cells, "E1": crit[r - 1]}
        assert got_count[r - 1] == ev(f"=COUNTIF($A$1:$A${n},E1)", one)
        assert got_sum[r - 1] == ev(f"=SUMIF($A$1:$A${n},E1,$B$1:$B${n})", one)
    assert got_count[5] == ev(f"=COUNTIF($A$1:$A${n},0)", cells)


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "formula,expected",
    [
        ("=YEAR(A1)", 1900.0),  # a blank date is serial 0, "1900-01-00"
        ("=MONTH(A1)", 1.0),
        ("=DAY(A1)", 0.0),
        ("=WEEKNUM(A1)", 0.0),
        ("=WEEKDAY(A1)", 7.0),
        ("=DAY(59)", 28.0),
        ("=MONTH(60)", 2.0),  # 1900-02-29, the day Excel believes in
        ("=DAY(60)", 29.0),
        ("=DAY(61)", 1.0),
        ("=DATE(1900,2,29)", 60.0),
        ("=DATE(1900,3,1)", 61.0),
        ("=DATE(1900,1,1)", 1.0),
        ("=DATE(1,0,0)", 335.0),
        ("=DATE(0,1,0)", 0.0),
        ("=EDATE(1,2)", 61.0),
        ("=EOMONTH(DATE(1900,2,1),0)", 60.0),
        ("=ISOWEEKNUM(1)", 52.0),
        ("=WEEKNUM(8)", 2.0),
        ('=YEAR("15-Jan-2008")', 2008.0),  # date texts Excel converts
        ('=DAY("2008-01-15")', 15.0),
        ('=MONTH("2008年3月5日")', 3.0),
        ('=YEAR("1/1/2008")', 2008.0),  # day and month the same: certain in every region
        ("=DATE(10000,1,1)", NUM),  # out of range: errors, not numbers
        ("=DATE(0.9,0.9,0.9)", NUM),
        ("=YEAR(-1)", NUM),
        ("=DAY(2958466)", NUM),
        ("=EOMONTH(2958465,1)", NUM),
        ("=EDATE(TRUE,1)", VALUE),
        ('=YEAR("7/5/1800")', VALUE),
    ],
)
def test_1900_date_system(formula, expected):
    assert ev(formula) == expected


def test_regional_date_texts_are_left_to_excel():
    assert refused('=YEAR("7/5/2008")')  # May 7 or July 5
    assert refused('=DATEVALUE("26/08")') or refused('=YEAR("26/08")')


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2958465))
def test_date_parts_round_trip(serial):
    y, m, d = (ev(f"={f}({serial})") for f in ("YEAR", "MONTH", "DAY"))
    assert ev(f"=DATE({y},{m},{d})") == float(serial)
    assert ev(f"=WEEKDAY({serial})") == float((serial - 1) % 7 + 1)


# --------------------------------------------------------------------------- aggregates
AGG = {"A1": "2", "A2": True, "A3": 3.0, "A4": None, "B1": -0.1, "C1": XLErr("#N/A")}


@pytest.mark.parametrize(
    "formula,expected",
    [
        ("=SUM(A1)", 0.0),  # a referenced text or boolean is skipped
        ("=SUM(A1,A2,A3)", 3.0),
        ('=SUM("2",TRUE,A3)', 6.0),  # typed values count
        ('=SUM("2","")', VALUE),
        ("=COUNT(A1,A2,A3,A4)", 1.0),
        ('=COUNT("2",TRUE,"x")', 2.0),
        ("=AVERAGE(A2,B1)", -0.1),
        ("=MAX(A1,B1)", -0.1),
        ("=MIN(A4)", 0.0),
        ("=MEDIAN(A4)", NUM),
        ("=MEDIAN(A1:A4)", 3.0),
        ("=SUM(A1:A3,C1)", NA),
        ("=COUNT(C1,A3)", 1.0),  # COUNT skips errors
        ("=COUNTA(A1:A4,C1)", 4.0),
    ],
)
def test_aggregate_argument_types(formula, expected):
    assert ev(formula, AGG) == (pytest.approx(expected) if isinstance(expected, float) else expected)


# --------------------------------------------------------------------------- logic
@pytest.mark.parametrize(
    "formula,expected",
    [
        ("=AND(A1,TRUE)", True),  # an empty cell is skipped
        ("=OR(A1,FALSE)", False),
        ("=AND(A1:A2)", VALUE),  # blanks and texts only: no logical value
        ("=AND(TRUE,A3:A4)", NA),  # errors in a range propagate
        ('=AND(TRUE,"0",#REF!)', VALUE),  # the first error in argument order
        ('=AND(TRUE,#REF!,"0")', REF),
        ("=OR(A1:A3)", NA),
        ("=XOR(TRUE,1)", False),
        ("=IF(,,4)", 4.0),
        ("=IF(A1,1)", False),
        ("=NOT(A1)", True),
        ("=TRUE()", True),
        ("=FALSE()", False),
        ('=N("abc")', 0.0),
        ("=N(TRUE)", 1.0),
        ("=N(A3)", NA),
    ],
)
def test_logic(formula, expected):
    assert ev(formula, {"A1": None, "A2": "x", "A3": NA, "A4": True}) == expected


# --------------------------------------------------------------------------- text
@pytest.mark.parametrize(
    "formula,expected",
    [
        ('=RIGHT("abc",5)', "abc"),
        ('=LEFT("ciao",-1)', VALUE),
        ('=LEFT("ciao",1.9)', "c"),
        ('=MID("abcdef",2,3)', "bcd"),
        ('=TEXT(123,"00000")', "00123"),
        ("=TEXT(1.23,0)", "1"),
        ('=TEXT(1234.5,"#,##0.00")', "1,234.50"),
        ('=TEXT(0.5,"0%")', "50%"),
        ('=TEXT(-5,"0;(0)")', "(5)"),
        ('=TEXT(2.675,"0.00")', "2.68"),
        ('=TEXT(46082,"yyyy-mm-dd")', "2026-03-01"),
        ('=TEXT(0.75,"h:mm AM/PM")', "6:00 PM"),
        ('=TEXT("abc","0")', "abc"),
        ('=VALUE("")', VALUE),
        ('=VALUE("1,234.5")', 1234.5),
        ('=VALUE("12%")', 0.12),
        ('=LEN("a😀")', 3.0),
        ("=CONCAT(A1:A2)", NA),  # errors are not written into text
        ('=CONCAT("x",A3:A4)', "x2.5TRUE"),
        ('="a"&A2', NA),
        ('=TRIM("  a   b ")', "a b"),
    ],
)
def test_text(formula, expected):
    assert ev(formula, {"A1": "ok", "A2": NA, "A3": 2.5, "A4": True}) == expected


def test_text_formats_left_to_excel():
    assert refused('=TEXT(1,"[>100]0;0")')
    assert refused('=TEXT(1,"[$-804]yyyy")')
    assert refused('=TEXT(1.5,"# ?/?")')


# --------------------------------------------------------------------------- errors in functions
def test_sumproduct_errors_and_text():
    cells = {"A1": 1.0, "A2": "x", "A3": True, "B1": 2.0, "B2": 3.0, "B3": 4.0, "C1": NA}
    assert ev("=SUMPRODUCT(A1:A3,B1:B3)", cells) == 2.0  # text and TRUE count as 0
    assert ev("=SUMPRODUCT(A1:A3,C1:C3)", cells) == NA
    assert ev("=SUMPRODUCT(A1:A3,B1:B2)", cells) == VALUE


# --------------------------------------------------------------------------- lookups
LOOK = {"A1": 1.0, "A2": 3.0, "A3": 5.0, "B1": "a", "B2": "b", "B3": "c", "C1": 2.0, "C2": "x", "C3": 1.0}


@pytest.mark.parametrize(
    "formula,expected",
    [
        ("=INDEX(A1:B3,2)", REF),  # a block needs row and column
        ("=INDEX(A1:B3,2,2)", "b"),
        ("=INDEX(A1:A3,2)", 3.0),
        ("=INDEX(A1:B3,-1)", VALUE),
        ("=INDEX(A1:A3,4)", REF),
        ("=INDEX(A1:A4,4)", 0.0),  # an empty cell as a value is 0
        ("=MATCH(4,A1:A3)", 2.0),  # sorted: the last value <= 4
        ("=MATCH(0,A1:A3,1)", NA),
        ("=MATCH(3,A1:A3,0)", 2.0),
        ('=MATCH("B",B1:B3,0)', 2.0),
        ('=MATCH("?",B1:B3,0)', 1.0),
        ('=MATCH("3",A1:A3,0)', NA),  # exact matches never cross types
        ("=VLOOKUP(5,A1:B3,2,FALSE)", "c"),
        ("=VLOOKUP(4,A1:B3,2)", "b"),
        ("=VLOOKUP(5,A1:B3,3,FALSE)", REF),
        ('=XLOOKUP("c",B1:B3,A1:A3)', 5.0),
        ('=XLOOKUP("z",B1:B3,A1:A3,"none")', "none"),
    ],
)
def test_lookups(formula, expected):
    assert ev(formula, LOOK) == expected


def test_approximate_match_on_unsorted_or_mixed_data_is_left_to_excel():
    assert refused("=MATCH(2,C1:C3)", LOOK)  # not sorted, and mixed types
    assert refused("=VLOOKUP(2,C1:C3,1)", LOOK)


# --------------------------------------------------------------------------- operators and odd cases
@pytest.mark.parametrize(
    "formula,expected",
    [
        ("=A1", 0.0),  # =B1 of an empty cell is 0
        ("=+A1", 0.0),
        ("=-A1", 0.0),
        ("=(-8)^(1/3)", NUM),  # no real result
        ("=0^0", NUM),
        ("=0^-1", DIV0),
        ("=MOD(5,0)", DIV0),
        ("=MOD(-1,3)", 2.0),
        ("=1E308*10", NUM),
        ('="a"<"B"', True),
        ("=B1:B3", "y"),  # implicit intersection: the cell in the formula's row
        ("=SUM(B1:B3)+B1:B3", VALUE),  # row 1 holds text
        ("=IF(B1:B3,1)", VALUE),  # …which is no condition
    ],
)
def test_operators(formula, expected):
    assert ev(formula, {"B1": "y", "B2": 2.0, "B3": 3.0}) == expected


def test_implicit_intersection_per_row():
    cells = {"B1": 10.0, "B2": 20.0, "B3": 30.0, "C5": 1.0, "D5": 2.0}
    assert ev("=$B$1:$B$3*2", cells, at="Z1", rows=[1, 2, 3, 4]) == [20.0, 40.0, 60.0, VALUE]
    assert ev("=$C$5:$D$5", cells, at="D7") == 2.0  # one row: the cell in the formula's column
    assert ev("=$C$5:$D$5", cells, at="E7") == VALUE


def test_mod_by_zero_in_a_group_is_an_error_per_row_not_a_crash():
    cells = {"A1": 5.0, "A2": 7.0, "A3": 9.0, "B1": 2.0, "B2": 0.0, "B3": None}
    assert ev("=MOD(A1,B1)", cells, at="C1", rows=[1, 2, 3]) == [1.0, DIV0, DIV0]


@settings(max_examples=100, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-3, 4))
def test_round_is_half_away_from_zero_on_15_digits(x, d):
    got = ev(f"=ROUND({x!r},{d})")
    want = float(round(__import__("decimal").Decimal("%.14e" % x), d)) if False else None
    from decimal import ROUND_HALF_UP, Decimal

    want = float(Decimal("%.14e" % x).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))
    assert got == pytest.approx(want, rel=1e-15, abs=1e-300)
    assert not math.isnan(got)


KEYS = st.one_of(
    st.integers(0, 400).map(float),
    st.integers(0, 400).map(str),
    st.integers(0, 400).map(lambda i: f"k{i}"),
    st.sampled_from([None, True, "", "K7", XLErr("#N/A")]),
)


@settings(max_examples=5, deadline=None)
@given(st.lists(KEYS, min_size=400, max_size=400), st.lists(KEYS, min_size=400, max_size=400))
def test_grouped_criteria_equal_one_criterion_at_a_time(keys, crits):
    """Hundreds of distinct per-row criteria take the group-by path: it must equal COUNTIF/SUMIF row by row."""
    n = len(keys)
    cells = {f"A{i + 1}": k for i, k in enumerate(keys)}
    cells.update({f"B{i + 1}": float(i % 7) for i in range(n)})
    cells.update({f"C{i + 1}": c for i, c in enumerate(crits)})
    rows = list(range(1, n + 1))
    try:
        counts = ev(f"=COUNTIF($A$1:$A${n},C1)", cells, at="D1", rows=rows)
        sums = ev(f"=SUMIF($A$1:$A${n},C1,$B$1:$B${n})", cells, at="D1", rows=rows)
    except Unsupported:
        return  # a criterion or cell Excel reads only with regional settings: left whole to Excel
    for r in range(0, n, 67):
        one = {**cells, "E1": crits[r]}
        assert counts[r] == ev(f"=COUNTIF($A$1:$A${n},E1)", one), (r, crits[r])
        assert sums[r] == ev(f"=SUMIF($A$1:$A${n},E1,$B$1:$B${n})", one), (r, crits[r])
