"""The vectorised evaluator against expected values, one row group at a time."""

from __future__ import annotations

import datetime as dt
import math
import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storeops_xl
from storeops.engine import NATIVE_FUNCTIONS, parse
from storeops.engine._eval import Book, Evaluator
from storeops.xlsx import XLErr

TODAY = dt.date(2026, 3, 10)
TODAY_SERIAL = float((TODAY - dt.date(1899, 12, 30)).days)

# sheet S: A = names, B = numbers, C = dates (serials), D = mixed, rows 1..6
COLS = {
    1: ["Amy", "Ben", "amy", "Cat", None, "Ben"],
    2: [10.0, 20.0, 30.0, None, 50.0, 60.0],
    3: [46082.0, 46083.5, 46112.0, 45658.0, None, 46387.0],
    4: ["x", 5.0, True, None, "7", XLErr("#N/A")],
}


def _book():
    b = Book({}, {"cfg_n": [(None, "S!$B$1")]}, ["S"], TODAY_SERIAL, TODAY_SERIAL + 0.5)
    b.max_row["S"] = 6
    rows = np.arange(1, 7)
    for c, vals in COLS.items():
        b.col("S", c).set(rows, np.array(vals, dtype=object))
    return b


def ev(formula, rows=(1,), base=None):
    rows = np.array(rows)
    e = Evaluator(_book(), "S", rows, int(rows[0]) if base is None else base, storeops_xl.FUNCTIONS)
    out = e.eval(parse(formula))
    if isinstance(out, np.ndarray):
        out = out.tolist()
        if len(rows) == 1:
            out = out[0]
    return out


@pytest.mark.parametrize(
    "formula,expected",
    [
        pytest.param('=IF(B1>15,"hi","lo")', "lo", id="IF"),
        pytest.param('=IFERROR(1/0,"z")', "z", id="IFERROR"),
        pytest.param("=IFS(B1>100,1,B1>5,2)", 2.0, id="IFS"),
        pytest.param("=AND(B1>5,B2>5)", True, id="AND"),
        pytest.param("=OR(B1>50,B2>50)", False, id="OR"),
        pytest.param("=NOT(B1>5)", False, id="NOT"),
        pytest.param("=SUM($B$1:$B$6)", 170.0, id="SUM"),
        pytest.param('=SUMIFS($B$1:$B$6,$A$1:$A$6,"amy")', 40.0, id="SUMIFS-case-insensitive"),
        pytest.param('=SUMIF($B$1:$B$6,">=30")', 140.0, id="SUMIF"),
        pytest.param('=COUNTIFS($A$1:$A$6,"Ben",$B$1:$B$6,">25")', 1.0, id="COUNTIFS"),
        pytest.param('=COUNTIF($A$1:$A$6,"*a*")', 3.0, id="COUNTIF-wildcard"),
        pytest.param('=COUNTIF($A$1:$A$6,"")', 1.0, id="COUNTIF-blank"),
        pytest.param("=COUNTA($A$1:$A$6)", 5.0, id="COUNTA"),
        pytest.param("=COUNT($B$1:$B$6)", 5.0, id="COUNT"),
        pytest.param("=AVERAGE($B$1:$B$6)", 34.0, id="AVERAGE"),
        pytest.param('=AVERAGEIFS($B$1:$B$6,$A$1:$A$6,"Ben")', 40.0, id="AVERAGEIFS"),
        pytest.param("=MIN($B$1:$B$6)", 10.0, id="MIN"),
        pytest.param("=MAX($B$1:$B$6)", 60.0, id="MAX"),
        pytest.param('=MINIFS($B$1:$B$6,$A$1:$A$6,"Ben")', 20.0, id="MINIFS"),
        pytest.param('=MAXIFS($B$1:$B$6,$A$1:$A$6,"Ben")', 60.0, id="MAXIFS"),
        pytest.param("=MEDIAN($B$1:$B$6)", 30.0, id="MEDIAN"),
        pytest.param("=ROUND(2.5,0)", 3.0, id="ROUND-half-away"),
        pytest.param("=ROUND(-2.345,2)", -2.35, id="ROUND-negative"),
        pytest.param("=ROUNDUP(2.01,0)", 3.0, id="ROUNDUP"),
        pytest.param("=ROUNDDOWN(-2.99,0)", -2.0, id="ROUNDDOWN"),
        pytest.param("=ABS(-4)", 4.0, id="ABS"),
        pytest.param("=TODAY()", TODAY_SERIAL, id="TODAY"),
        pytest.param("=NOW()-TODAY()", 0.5, id="NOW"),
        pytest.param("=DATE(2026,3,1)", 46082.0, id="DATE"),
        pytest.param("=DATE(2026,14,1)", 46419.0, id="DATE-month-overflow"),
        pytest.param("=YEAR(C1)", 2026.0, id="YEAR"),
        pytest.param("=MONTH(C1)", 3.0, id="MONTH"),
        pytest.param("=DAY(C2)", 2.0, id="DAY"),
        pytest.param("=EOMONTH(C1,0)", 46112.0, id="EOMONTH"),
        pytest.param("=EOMONTH(C1,-1)", 46081.0, id="EOMONTH-back"),
        pytest.param("=WEEKNUM(C4)", 1.0, id="WEEKNUM-jan1"),
        pytest.param("=WEEKNUM(C1)", 10.0, id="WEEKNUM"),
        pytest.param("=WEEKNUM(C1,2)", 9.0, id="WEEKNUM-monday"),
        pytest.param("=ISOWEEKNUM(C1)", 9.0, id="ISOWEEKNUM"),
        pytest.param("=WEEKDAY(C1)", 1.0, id="WEEKDAY-sunday"),
        pytest.param("=WEEKDAY(C1,2)", 7.0, id="WEEKDAY-type2"),
        pytest.param("=INDEX($B$1:$B$6,3)", 30.0, id="INDEX"),
        pytest.param('=MATCH("cat",$A$1:$A$6,0)', 4.0, id="MATCH"),
        pytest.param('=INDEX($B$1:$B$6,MATCH("Ben",$A$1:$A$6,0))', 20.0, id="INDEX-MATCH"),
        pytest.param('=XLOOKUP("Cat",$A$1:$A$6,$C$1:$C$6)', 45658.0, id="XLOOKUP"),
        pytest.param('=XLOOKUP("Zed",$A$1:$A$6,$B$1:$B$6,"none")', "none", id="XLOOKUP-missing"),
        pytest.param("=RANK(B2,$B$1:$B$6)", 4.0, id="RANK"),
        pytest.param("=RANK.EQ(B2,$B$1:$B$6,1)", 2.0, id="RANK.EQ-ascending"),
        pytest.param("=ISBLANK(B4)", True, id="ISBLANK"),
        pytest.param("=ISNUMBER(D2)", True, id="ISNUMBER"),
        pytest.param("=ISTEXT(D5)", True, id="ISTEXT"),
        pytest.param('=LEN("跟进abc")', 5.0, id="LEN"),
        pytest.param('=LEFT("Follow",3)', "Fol", id="LEFT"),
        pytest.param('=TEXT(0.1234,"0.0%")', "12.3%", id="TEXT-percent"),
        pytest.param('=TEXT(C1,"yyyy-mm-dd")', "2026-03-01", id="TEXT-date"),
        pytest.param('=TEXT(1234.5,"#,##0")', "1,235", id="TEXT-thousands"),
        pytest.param('=CONCAT("a",1,TRUE)', "a1TRUE", id="CONCAT"),
        pytest.param("=SUMPRODUCT($B$1:$B$3,$B$1:$B$3)", 1400.0, id="SUMPRODUCT"),
        pytest.param("=LARGE($B$1:$B$6,2)", 50.0, id="LARGE"),
        pytest.param("=SMALL($B$1:$B$6,1)", 10.0, id="SMALL"),
        pytest.param('=VALUE("1,234")', 1234.0, id="VALUE"),
        pytest.param("=cfg_n*2", 20.0, id="defined-name"),
        pytest.param("=1/0", XLErr("#DIV/0!"), id="div0"),
        pytest.param('="a"+1', XLErr("#VALUE!"), id="text-plus-number"),
        pytest.param("=B4+1", 1.0, id="blank-is-zero"),
        pytest.param('=A5=""', True, id="blank-equals-empty-text"),
    ],
)
def test_native_scalar(formula, expected):
    got = ev(formula)
    if isinstance(expected, float):
        assert got == pytest.approx(expected)
    else:
        assert got == expected
        assert type(got) is type(expected) or not isinstance(expected, XLErr)


def test_per_row_group_and_criteria_varying_per_row():
    rows = [1, 2, 3, 4, 5, 6]
    assert ev("=B1*2", rows) == [20.0, 40.0, 60.0, 0.0, 100.0, 120.0]
    assert ev('=IF(B1="","-",B1)', rows) == [10.0, 20.0, 30.0, "-", 50.0, 60.0]
    # a blank criterion cell means 0 in Excel, so the blank row matches nothing
    assert ev("=COUNTIFS($A$1:$A$6,A1)", rows) == [2.0, 2.0, 2.0, 1.0, 0.0, 2.0]
    assert ev("=SUMIFS($B$1:$B$6,$A$1:$A$6,A1)", rows) == [40.0, 80.0, 40.0, 0.0, 0.0, 80.0]
    assert ev("=RANK(B1,$B$1:$B$6)", [1, 2, 3]) == [5.0, 4.0, 3.0]


def test_many_distinct_criteria_use_groupby():
    n = 600
    b = Book({}, {}, ["S"], TODAY_SERIAL, TODAY_SERIAL)
    b.max_row["S"] = n
    rows = np.arange(1, n + 1)
    keys = np.array([f"k{i % 300}" for i in range(n)], dtype=object)
    b.col("S", 1).set(rows, keys)
    b.col("S", 2).set(rows, np.arange(n, dtype=float))
    e = Evaluator(b, "S", rows, 1, storeops_xl.FUNCTIONS)
    got = e.eval(parse(f"=SUMIFS($B$1:$B${n},$A$1:$A${n},A1)"))
    expected = [float(i % 300 + (i % 300 + 300)) for i in range(n)]
    assert got.tolist() == expected
    cnt = e.eval(parse(f"=COUNTIF($A$1:$A${n},A1)"))
    assert set(cnt.tolist()) == {2.0}


def test_udf_called_once_per_group_with_columns():
    calls = []
    real = storeops_xl.FUNCTIONS["CTR"].func
    spec = storeops_xl.FUNCTIONS["CTR"]
    import dataclasses

    def spy(*a):
        calls.append(a)
        return real(*a)

    storeops_xl.FUNCTIONS["CTR"] = dataclasses.replace(spec, func=spy)
    try:
        got = ev("=CTR(B1,B2)", [1, 2, 3])
    finally:
        storeops_xl.FUNCTIONS["CTR"] = spec
    assert len(calls) == 1 and len(calls[0][0]) == 3
    assert got[0] == pytest.approx(real(10, 20)) and got[1] == pytest.approx(real(20, 30))
    assert got[2] is None or math.isnan(got[2])  # blank impressions give a blank result


def test_native_functions_listed():
    assert {"IF", "SUMIFS", "COUNTIFS", "XLOOKUP", "TEXT", "RANK.EQ", "EOMONTH", "TRUE", "FALSE", "N"} <= set(
        NATIVE_FUNCTIONS
    )


_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}


@st.composite
def arith(draw, depth=0):
    if depth > 3 or draw(st.booleans()):
        v = draw(st.integers(-50, 50) | st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: round(x, 3)))
        return (f"({v})", float(v))
    op = draw(st.sampled_from(["+", "-", "*", "/", "^"]))
    (ta, va), (tb, vb) = draw(arith(depth + 1)), draw(arith(depth + 1))
    if op == "/":
        val = None if vb == 0 or va is None or vb is None else va / vb
    elif op == "^":
        tb, vb = f"({int(abs(vb or 0)) % 4})", float(int(abs(vb or 0)) % 4)
        val = None if va is None or (va == 0 and vb == 0) else va**vb  # Excel: 0^0 is #NUM!
    else:
        val = None if va is None or vb is None else _OPS[op](va, vb)
    return (f"({ta}{op}{tb})", val)


@settings(max_examples=150, deadline=None)
@given(arith())
def test_random_arithmetic_matches_python(case):
    text, expected = case
    got = ev("=" + text)
    if expected is None:
        assert isinstance(got, XLErr)
    elif not math.isfinite(expected):
        assert isinstance(got, XLErr)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_docs_list_every_native_function():
    import pathlib
    import re

    doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- native:start -->\n(.*?)<!-- native:end -->", doc, re.S).group(1)
    listed = {n.strip() for line in block.splitlines() for n in line.split(":", 1)[1].split(",")}
    assert listed == set(NATIVE_FUNCTIONS)
