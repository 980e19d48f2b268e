"""Formula tokenizer/parser, row templates, copy-down shifting, unparse."""

from __future__ import annotations

import pytest

from storeops.engine import FormulaError, parse, shift_formula
from storeops.engine._formula import row_template, unparse


@pytest.mark.parametrize(
    "text,kind,head",
    [
        pytest.param("=1.5e2", "num", (150.0,), id="number"),
        pytest.param('="a""b"', "str", ('a"b',), id="string-escaped-quote"),
        pytest.param("=TRUE", "bool", (True,), id="bool"),
        pytest.param("=#N/A", "err", ("#N/A",), id="error"),
        pytest.param("=$B$2", "cell", (None, 2, 2, True, True), id="absolute-cell"),
        pytest.param("='跟进 Follow-up'!$B$2", "cell", ("跟进 Follow-up", 2, 2, True, True), id="quoted-sheet"),
        pytest.param("='it''s'!A1", "cell", ("it's", 1, 1, False, False), id="sheet-with-quote"),
        pytest.param("=A1:C9", "area", (None, 1, 1, 3, 9), id="range"),
        pytest.param("=A:A", "area", (None, 1, 1, 1, 1048576), id="whole-column"),
        pytest.param("=cfg_class_a_usd", "name", ("cfg_class_a_usd",), id="defined-name"),
        pytest.param(
            "=tblFollow[金额 OrderUSD]",
            "sref",
            ("tblFollow", "金额 OrderUSD", "金额 OrderUSD", "#data"),
            id="table-column",
        ),
        pytest.param(
            "=tblFollow[[#This Row],[金额 OrderUSD]]",
            "sref",
            ("tblFollow", "金额 OrderUSD", "金额 OrderUSD", "#this row"),
            id="this-row",
        ),
        pytest.param("=tbl[@col]", "sref", ("tbl", "col", "col", "#this row"), id="at-shorthand"),
        pytest.param("=tbl[[a]:[b]]", "sref", ("tbl", "a", "b", "#data"), id="column-span"),
        pytest.param("=tbl[#All]", "sref", ("tbl", None, None, "#all"), id="all"),
        pytest.param("=tbl[a'[1']]", "sref", ("tbl", "a[1]", "a[1]", "#data"), id="escaped-bracket"),
        pytest.param("=_xlfn.IFS(1,2)", "call", ("IFS",), id="xlfn-prefix"),
        pytest.param("=ctr(A1,B1)", "call", ("CTR",), id="lowercase-function"),
    ],
)
def test_parse_kinds(text, kind, head):
    node = parse(text)
    assert node.kind == kind
    assert node.args[: len(head)] == head


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("=-2^2", "bin('^', neg(num(2.0,),), num(2.0,))", id="unary-binds-tighter-than-power"),
        pytest.param("=1+2*3", "bin('+', num(1.0,), bin('*', num(2.0,), num(3.0,)))", id="precedence"),
        pytest.param("=1&2=3", "bin('=', bin('&', num(1.0,), num(2.0,)), num(3.0,))", id="concat-below-compare"),
        pytest.param("=50%", "pct(num(50.0,),)", id="percent"),
        pytest.param(
            "=IF(A1,,2)", "call('IF', cell(None, 1, 1, False, False), missing(), num(2.0,))", id="missing-arg"
        ),
    ],
)
def test_precedence(text, expected):
    assert repr(parse(text)) == expected


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("=1+", id="dangling-operator"),
        pytest.param("=SUM(1,2", id="unclosed-call"),
        pytest.param("=tbl[a", id="unclosed-table-ref"),
        pytest.param("=1 2", id="two-values"),
        pytest.param("=`", id="odd-character"),
    ],
)
def test_parse_errors(bad):
    with pytest.raises(FormulaError):
        parse(bad)


@pytest.mark.parametrize(
    "text,row,tpl,offs",
    [
        pytest.param("=CTR(G7,F7)", 7, "=CTR(G%d,F%d)", (0, 0), id="same-row"),
        pytest.param("=SUM($B$2:B7)+B6", 7, "=SUM($B$2:B%d)+B%d", (0, -1), id="mixed-anchors"),
        pytest.param('=IF(A7="x7","",A7)', 7, '=IF(A%d="x7","",A%d)', (0, 0), id="digits-in-strings-stay"),
        pytest.param(
            "=COUNTIFS(tblFollow[销售 Sales],$A5)", 5, "=COUNTIFS(tblFollow[销售 Sales],$A%d)", (0,), id="structured"
        ),
        pytest.param("=cfg_x2*A3", 3, "=cfg_x2*A%d", (0,), id="name-with-digit"),
    ],
)
def test_row_template(text, row, tpl, offs):
    assert row_template(text, row) == (tpl, offs)


def test_shift_formula_moves_relative_parts_only():
    assert shift_formula("=A1+$A1+A$1+$A$1+'S x'!B2", 2, 1) == "=B3+$A3+B$1+$A$1+'S x'!C4"
    assert shift_formula('=IF(A7="A7",tbl[@x],B7:C7)', 1) == '=IF(A8="A7",tbl[@x],B8:C8)'


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('=IF(OR(E7="",F7=""),"",(F7-E7)*24)', id="if-or"),
        pytest.param('=COUNTIFS(tblFollow[销售 Sales],$A5,tblFollow[类别 Class],"A")', id="countifs"),
        pytest.param("='跟进 Follow-up'!$B$2*-2%", id="sheet-neg-pct"),
        pytest.param("=SUM(A:A)/MAX(1,B$2:B$9)", id="ranges"),
    ],
)
def test_unparse_roundtrip(text):
    assert parse("=" + unparse(parse(text))) == parse(text)
