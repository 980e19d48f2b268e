"""SUMPRODUCT with array arithmetic in its arguments (``SUMPRODUCT(A1:C1*D1:F1)``), fixed
and filled down so the ranges move: Excel's documented rules (Microsoft's SUMPRODUCT
reference: "non-numeric array entries are treated as if they were zeros", arrays of
different sizes give #VALUE!; array formulas: an operator works element by element, a
missing element is #N/A), hypothesis invariants, and LibreOffice as a second client.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.engine._eval import capture_results
from storeops.xlsx import XLErr

from ._book import lo_convert
from ._sheet import ev
from .oracle.harness import _typed, same

NA, VALUE, DIV0 = XLErr("#N/A"), XLErr("#VALUE!"), XLErr("#DIV/0!")

CELLS = {
    **{"A1": 1.0, "B1": 2.0, "C1": 3.0, "D1": 4.0, "E1": "5", "F1": None},
    **{"A2": 2.0, "B2": 2.0, "C2": 2.0, "D2": 1.0, "E2": 1.0, "F2": "x"},
    **{"A3": 0.0, "B3": True, "C3": NA, "D3": 3.0, "E3": 1.0, "F3": 2.0},
}


@pytest.mark.parametrize(
    "formula,expected",
    [
        pytest.param("=SUMPRODUCT(A1:C1*D1:F1)", 14.0, id="text-number-converted-by-the-operator"),
        pytest.param("=SUMPRODUCT(A1:C1,D1:F1)", 4.0, id="text-as-argument-counts-0"),
        pytest.param("=SUMPRODUCT(A1:C1>1)", 0.0, id="booleans-as-argument-count-0"),
        pytest.param("=SUMPRODUCT(--(A1:C1>1),D1:F1)", 0.0, id="double-minus-comparison"),
        pytest.param("=SUMPRODUCT((A1:C1>1)*D1:F1)", 5.0, id="comparison-times-range"),
        pytest.param("=SUMPRODUCT(A1:C1*2)", 12.0, id="range-times-number"),
        pytest.param("=SUMPRODUCT(A1:C1*A1:A2)", 18.0, id="row-times-column-is-a-matrix"),
        pytest.param("=SUMPRODUCT(A1:C1*D1:E1)", NA, id="different-sizes-na-where-missing"),
        pytest.param("=SUMPRODUCT(A1:C1,D1:E1)", VALUE, id="arguments-of-different-sizes"),
        pytest.param("=SUMPRODUCT(A2:C2*D2:F2)", VALUE, id="text-in-arithmetic"),
        pytest.param("=SUMPRODUCT(A3:C3*D3:F3)", NA, id="errors-propagate"),
        pytest.param("=SUMPRODUCT(A3:B3*D3:E3)", 1.0, id="true-times-number"),
        pytest.param("=SUMPRODUCT(D1:F1/A3:C3)", DIV0, id="division-by-zero-element"),
        pytest.param("=SUMPRODUCT(A1:C1/SUMPRODUCT(A1:C1))", 1.0, id="nested-sumproduct"),
        pytest.param("=SUMPRODUCT(A1:C1*SUM(A1:C1))", 36.0, id="aggregate-inside"),
        pytest.param("=SUMPRODUCT(-A1:C1,A1:C1)", -14.0, id="negation"),
        pytest.param("=SUMPRODUCT(A1:C1*50%)", 3.0, id="percent"),
        pytest.param('=SUMPRODUCT((A1:A3&"")="2")', 0.0, id="concatenation-compared"),
        pytest.param('=SUMPRODUCT(--((A1:A3&"")="2"))', 1.0, id="concatenation-counted"),
    ],
)
def test_excel_rules(formula, expected):
    assert same(expected, ev(formula, CELLS))


def test_calls_over_ranges_are_left_to_excel():
    from storeops.engine._values import Unsupported

    for f in ("=SUMPRODUCT(ISNUMBER(A1:C1)*1)", "=SUMPRODUCT(IF(A1:C1>1,1,0))", "=SUMPRODUCT(ABS(A1:C1))"):
        with pytest.raises(Unsupported):
            ev(f, CELLS)
    assert ev("=SUMPRODUCT(ABS(-A1)*A1:C1)", CELLS) == 6.0  # a call over one cell is evaluated


def test_filled_down_ranges_move_with_the_row():
    rows = [1, 2, 3]
    assert [same(w, g) for w, g in zip([14.0, VALUE, NA], ev("=SUMPRODUCT(A1:C1*D1:F1)", CELLS, rows=rows))]
    got = ev("=SUMPRODUCT(A1:B2*D1:E2)", CELLS, rows=[1, 2])  # two rows moving: row by row
    assert got == [1 * 4 + 2 * 5 + 2 * 1 + 2 * 1, 2 * 1 + 2 * 1 + 0 * 3 + 1 * 1]


value = st.one_of(
    st.none(),
    st.integers(-50, 50).map(float),
    st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: round(x, 2)),
    st.sampled_from(["3", " 2.5 ", "x", "", True, False, NA, DIV0]),
)


def _cells(block):
    return {f"{'ABCDEF'[j]}{i + 1}": v for i, row in enumerate(block) for j, v in enumerate(row) if v is not None}


def _per_row(got, n: int) -> list:
    return got if isinstance(got, list) else [got] * n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(value, min_size=6, max_size=6), min_size=1, max_size=6))
def test_group_equals_each_row_alone(block):
    """A filled-down group gives each row's own answer (the vectorised path is the scalar path)."""
    cells = _cells(block)
    rows = list(range(1, len(block) + 1))
    for f in ("=SUMPRODUCT(A1:C1*D1:F1)", "=SUMPRODUCT(--(A1:C1>0),D1:F1)", "=SUMPRODUCT(A1:C1/(D1:F1+1))"):
        together = _per_row(ev(f, cells, rows=rows), len(rows))
        alone = [_per_row(ev(f, cells, rows=[r]), 1)[0] for r in rows]
        assert all(same(a, t) for a, t in zip(alone, together)), (f, together, alone)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-50, 50).map(float)), min_size=6, max_size=6))
def test_product_of_numbers_is_the_sum_of_products(row):
    """On numbers and blanks, SUMPRODUCT(A*B) = SUMPRODUCT(A,B) = Σ a·b (blank = 0)."""
    cells = _cells([row])
    a = [0.0 if v is None else v for v in row]
    want = sum(x * y for x, y in zip(a[:3], a[3:]))
    assert ev("=SUMPRODUCT(A1:C1*D1:F1)", cells) == ev("=SUMPRODUCT(A1:C1,D1:F1)", cells) == want


# --------------------------------------------------------------------------- LibreOffice
#: formulas filled down rows 2..N; the inputs of each row in A:F (fixed ones in row 1)
LO_FORMULAS = [
    "=SUMPRODUCT(A{r}:C{r}*D{r}:F{r})",
    "=SUMPRODUCT(A{r}:C{r},D{r}:F{r})",
    "=SUMPRODUCT(--(A{r}:C{r}>1),D{r}:F{r})",
    "=SUMPRODUCT((D{r}:F{r}>0)*A{r}:C{r}/2)",
    "=SUMPRODUCT($A$1:$C$1*A{r}:C{r})",
    "=SUMPRODUCT(A{r}:B{s}*D{r}:E{s})",
    "=SUMPRODUCT(A{r}:C{r}/(D{r}:F{r}+(D{r}:F{r}=0)))",
    "=SUMPRODUCT(A{r}:C{r}*(A{r}:C{r}>$A$1))/SUMPRODUCT(A{r}:C{r}+1)",
]
LO_ROWS = [
    [1, 2, 3, 4, 5, 6],
    [None, 2, None, 0, None, 1.5],
    [0.25, -1, 7, 2, 0, 3],
    ["3", 2, 1, 1, "2.5", 1],  # numbers typed as text
    [1, "x", 3, 1, 1, 1],
    [True, 2, 3, 1, 1, 1],  # TRUE is the number 1 in LibreOffice (EXCEL_DIFFERS)
    [1, 2, 3, "=NA()", 1, 1],
    [10, 20, 30, 0.5, 0.25, 0.125],
    [None, None, None, None, None, None],
]

#: (row, formula) → why LibreOffice 7.4 answers differently from Excel (the engine answers as Excel)
EXCEL_DIFFERS = {
    (7, LO_FORMULAS[1]): "TRUE as an argument: Excel counts it 0 (non-numeric), LibreOffice's TRUE is the number 1",
    (7, LO_FORMULAS[2]): "TRUE>1: Excel orders logical values after numbers (TRUE), LibreOffice compares 1>1",
    (7, LO_FORMULAS[7]): "TRUE>$A$1: TRUE in Excel, 1>2 FALSE in LibreOffice",
}


@pytest.mark.libreoffice
def test_engine_agrees_with_libreoffice(tmp_path):
    src = tmp_path / "sumproduct.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for j, v in enumerate([2, 1, 0.5]):
        ws.cell(row=1, column=1 + j, value=v)
    for i, vals in enumerate(LO_ROWS):
        r = 2 + i
        for j, v in enumerate(vals):
            if v is not None:
                ws.cell(row=r, column=1 + j, value=v)
        for k, f in enumerate(LO_FORMULAS):
            ws.cell(row=r, column=8 + k, value=f.format(r=r, s=r + 1))
    wb.save(src)
    done = lo_convert(str(src), str(tmp_path / "lo"), "xlsx", str(tmp_path / "profile"), recalc_always=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lo = openpyxl.load_workbook(done, data_only=True)["S"]
    with capture_results() as got:
        rep = recalc(src, today=dt.date(2026, 3, 10), progress=False)
    assert rep.left_to_excel == 0, rep.left_examples
    engine = {}
    for _sheet, col, rows, values in got:
        vals = values if isinstance(values, np.ndarray) else [values] * len(rows)
        for r, v in zip(np.asarray(rows).tolist(), vals):
            engine[(r, col)] = v
    wrong, checked, differs = [], 0, set()
    for i in range(len(LO_ROWS)):
        for k, f in enumerate(LO_FORMULAS):
            r, c = 2 + i, 8 + k
            want, mine = _typed(lo.cell(row=r, column=c)), engine[(r, c)]
            checked += 1
            if isinstance(want, float) and isinstance(mine, float):
                if math.isclose(want, mine, rel_tol=1e-12, abs_tol=1e-12):
                    continue
            elif same(want, mine, "libreoffice"):
                continue
            if (r, f) in EXCEL_DIFFERS:
                differs.add((r, f))
                continue
            wrong.append(f"row {r} {f}: LibreOffice {want!r}, engine {mine!r}")
    assert not wrong, "\n".join(wrong)
    assert differs == set(EXCEL_DIFFERS), "LibreOffice agrees now: drop it from EXCEL_DIFFERS"
    assert checked == len(LO_ROWS) * len(LO_FORMULAS)
